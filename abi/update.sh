#!/usr/bin/env bash
# Records the ABI of the current tree as the baseline in abi/ (libtuf.abi, tuf.h.abi,
# constants.txt; see abi/dump.sh and docs/ABI.md), after a compatible addition or together
# with a SONAME change. tests/abi/check.sh compares against it.
#
#   abi/update.sh [CARGO_FLAGS...]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$REPO/abi/dump.sh" "$REPO/abi" "$@"
echo "abi/: baseline updated from the current tree; review and commit it:"
git -C "$REPO" status --short -- abi/
