#!/usr/bin/env bash
# Run every test of libtuf: formatting, lints, the Rust test suites (unit, integration, doc)
# and the Python interoperability harness (python-tuf 7.0.1 in a private venv).
#
#   tests/run.sh
#
# Environment:
#   TUF_VENV          venv for the Python side (default: $REPO/target/pyenv). Created on first
#                     use; requirements are re-installed only when
#                     tests/python/requirements.txt (or the Python version) changes.
#   PYTHON            interpreter used to create the venv (default: python3).
#   TUF_TEST_PYTHON   exported by this script: the venv's python. Rust tests that talk to
#                     python-tuf run the scripts in tests/python/ with it, and skip that part
#                     when it is unset (e.g. a plain `cargo test`).
#   CI                when "true", cargo runs with --locked.
#
# Every step runs even if an earlier one failed (except the venv setup); the script exits
# non-zero if any step failed and lists the failed steps at the end.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

VENV="${TUF_VENV:-$REPO/target/pyenv}"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS="$REPO/tests/python/requirements.txt"

FAILED=()

section() {
    printf '\n==================== %s ====================\n' "$*"
}

# step NAME CMD...: run CMD, record NAME as failed if it exits non-zero, and go on.
step() {
    local name="$1"
    shift
    section "$name"
    printf '+ %s\n' "$*"
    local start=$SECONDS
    if "$@"; then
        printf -- '--- %s: ok (%ds)\n' "$name" $((SECONDS - start))
    else
        local rc=$?
        printf -- '--- %s: FAILED with exit code %d (%ds)\n' "$name" "$rc" $((SECONDS - start))
        FAILED+=("$name")
    fi
}

# Create (or reuse) the venv and install the pinned requirements when they changed.
setup_python_venv() {
    section "python venv ($VENV)"
    local py="$VENV/bin/python"
    local want
    want="$(
        {
            sha256sum "$REQUIREMENTS" | cut -d' ' -f1
            "$PYTHON" -c 'import sys; print(sys.version)'
        } | sha256sum | cut -d' ' -f1
    )"
    local stamp="$VENV/.requirements.sha256"

    if [[ -x "$py" ]] && ! "$py" -c 'import sys' >/dev/null 2>&1; then
        echo "venv at $VENV is broken; recreating it"
        rm -rf "$VENV"
    fi
    if [[ -x "$py" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        echo "requirements unchanged; reusing $VENV"
    else
        if [[ ! -x "$py" ]]; then
            echo "creating venv with $("$PYTHON" --version 2>&1)"
            mkdir -p "$(dirname "$VENV")"
            "$PYTHON" -m venv "$VENV"
        fi
        rm -f "$stamp"
        local start=$SECONDS
        PIP_NO_INPUT=1 "$py" -m pip install --disable-pip-version-check --quiet \
            -r "$REQUIREMENTS"
        echo "installed requirements in $((SECONDS - start))s"
        echo "$want" >"$stamp"
    fi
    "$py" -c 'import tuf, securesystemslib, cryptography; print("tuf", tuf.__version__, "| securesystemslib", securesystemslib.__version__, "| cryptography", cryptography.__version__)'
    TUF_TEST_PYTHON="$py"
    export TUF_TEST_PYTHON
    echo "TUF_TEST_PYTHON=$TUF_TEST_PYTHON"
}

# Self-test of the Python harness: make_repos.py output passes verify_repo.py, tampered copies
# fail, and canonical.py reproduces tests/data/canonical/expected.txt.
run_python_harness_tests() {
    "$TUF_TEST_PYTHON" -m pytest -q -p no:cacheprovider "$REPO/tests/python"
}

# ---------------------------------------------------------------------------------------------
# C / CMake tests (ctest) go here once the C ABI has a header and a CMake project, e.g.:
#   cmake -S tests/c -B target/ctest -G Ninja && cmake --build target/ctest &&
#   ctest --test-dir target/ctest --output-on-failure
# Until then this is a no-op.
run_c_tests() {
    echo "(no C tests yet)"
}
# ---------------------------------------------------------------------------------------------

CARGO_LOCKED=()
if [[ "${CI:-}" == "true" && -f "$REPO/Cargo.lock" ]]; then
    CARGO_LOCKED=(--locked)
fi

setup_python_venv

step "cargo fmt" cargo fmt --all -- --check
step "cargo clippy" cargo clippy "${CARGO_LOCKED[@]}" --all-targets -- -D warnings
step "cargo test (all targets)" cargo test "${CARGO_LOCKED[@]}" --all-targets
step "cargo test (doc)" cargo test "${CARGO_LOCKED[@]}" --doc
step "demo (the README's main job, debug build)" cargo run "${CARGO_LOCKED[@]}" --quiet --example verify_demo
step "python harness (pytest)" run_python_harness_tests
step "C tests (ctest)" run_c_tests

section "summary"
if ((${#FAILED[@]})); then
    printf 'FAILED: %s\n' "${FAILED[@]}"
    exit 1
fi
echo "all test steps passed"
