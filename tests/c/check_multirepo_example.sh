#!/usr/bin/env bash
# The TAP 4 example end to end: tuf-multirepo over the bundled multirepo-demo accepts
# app-1.0.tar.gz (vendor and distro list the same file) and downloads it, and refuses
# readme.txt (they disagree) and vendor-only.txt (only vendor lists it).
#
#   check_multirepo_example.sh TUF_MULTIREPO MAP_FILE DEMO_DIR
set -euo pipefail

exe="$1"
map="$2"
demo="$3"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
roots=("vendor=$demo/vendor/root.json" "distro=$demo/distro/root.json")

# shellcheck source=tests/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"

# Accepted: exit 0, the file downloaded and identical to the vendor's.
out="$("$exe" "$map" "$dir/client" "${roots[@]}" -- app-1.0.tar.gz)" && status=0 || status=$?
echo "$out"
expect test "$status" -eq 0
expect grep -q "^app-1.0.tar.gz: accepted by vendor distro -> $dir/client/targets/app-1.0.tar.gz\$" <<<"$out"
expect cmp -s "$dir/client/targets/app-1.0.tar.gz" \
    "$demo"/vendor/targets/*.app-1.0.tar.gz

# Refused: exit 1, with the reason; nothing downloaded.
out="$("$exe" "$map" "$dir/client" "${roots[@]}" -- readme.txt vendor-only.txt)" && status=0 || status=$?
echo "$out"
expect test "$status" -eq 1
expect grep -q "^readme.txt: refused: .*disagreeing: distro" <<<"$out"
expect grep -q "^vendor-only.txt: refused: .*not listing it: distro" <<<"$out"
expect test ! -e "$dir/client/targets/readme.txt"

# Without distro's trusted root (and none cached in a new directory): an error, exit 2.
"$exe" "$map" "$dir/other" "vendor=$demo/vendor/root.json" -- app-1.0.tar.gz && status=0 || status=$?
expect test "$status" -eq 2

summary
