#!/usr/bin/env bash
# The repository examples-c/make-repo writes passes python-tuf's client and libtuf's
# tuf-client, and tampered copies fail both: tests/python/check_make_repo.py, run with the
# Python that has python-tuf 7.0.1 ($TUF_TEST_PYTHON, exported by tests/run.sh, or the venv it
# makes in target/pyenv). Fails, saying how to get it, when there is none.
#
#   check_make_repo.sh MAKE_REPO TUF_CLIENT
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py="${TUF_TEST_PYTHON:-$repo/target/pyenv/bin/python}"
if [[ ! -x "$py" ]]; then
    echo "FAILED: this test needs python-tuf: run tests/run.sh (it installs python-tuf 7.0.1" \
        "into target/pyenv), or set TUF_TEST_PYTHON to a Python with" \
        "tests/python/requirements.txt installed"
    exit 1
fi
exec "$py" "$repo/tests/python/check_make_repo.py" "$1" "$2"
