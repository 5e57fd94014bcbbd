#!/usr/bin/env bash
# Run every test of libtuf: formatting, lints, the Rust test suites (unit, integration, doc),
# the Rust API reference (`cargo doc`, every link), the Python interoperability harness
# (python-tuf 7.0.1 in a private venv), the mutation check of the verifier
# (tests/mutation/mutate.py), the C and C++ tests (ctest over two CMake builds: Debug with
# valgrind, and ASan/UBSan), the C++ binding against an installed libtuf, the Go binding
# (bindings/go, against libtuf installed into target/go-prefix), the ABI check
# (tests/abi/check.sh: the release build against the baseline in abi/, docs/ABI.md), the
# end-to-end tests against the C tuf-client of the Debug build (and against tuf-client-cpp), and
# the fuzz targets for a few seconds each (fuzz/run.sh).
#
#   tests/run.sh
#
# Environment:
#   TUF_VENV          venv for the Python side (default: $REPO/target/pyenv). Created on first
#                     use; requirements are re-installed only when
#                     tests/python/requirements.txt (or the Python version) changes.
#   PYTHON            interpreter used to create the venv (default: python3).
#   TUF_TEST_PYTHON   exported by this script: the venv's python. Rust tests that talk to
#                     python-tuf run the scripts in tests/python/ with it (a plain `cargo test`
#                     finds the venv itself, and fails with instructions when there is none).
#   CI                when "true", cargo runs with --locked.
#   TUF_SKIP_PACKAGING  when "1", the packaging steps (tests/packaging/: Debian packages, offline
#                     and reproducible builds, API reference) are skipped, e.g. for a quick run.
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
# C tests (ctest, tests/c/): CMake builds of libtuf's C side in target/ctest/VARIANT, sharing
# cargo's target/ (debug profile) with the steps above:
#   debug  Debug build: the C test programs, each also under valgrind (valgrind_<name>, when
#          valgrind is installed), the exported-symbol, header and install-tree checks
#   asan   Debug build with TUF_SANITIZE=ON: the C test programs under ASan and UBSan
run_c_tests() {
    local variant="$1"
    local dir="$REPO/target/ctest/$variant"
    local generator="Unix Makefiles"
    if command -v ninja >/dev/null 2>&1; then
        generator="Ninja"
    fi
    local options=(-DCMAKE_BUILD_TYPE=Debug -DTUF_BUILD_EXAMPLES=ON -DTUF_BUILD_TESTS=ON
        "-DTUF_CARGO_FLAGS=${CARGO_LOCKED[*]}")
    if [[ "$variant" == asan ]]; then
        options+=(-DTUF_SANITIZE=ON)
    else
        options+=(-DTUF_SANITIZE=OFF)
    fi
    # A build directory made with another generator cannot be reused.
    if [[ -f "$dir/CMakeCache.txt" ]] &&
        ! grep -qx "CMAKE_GENERATOR:INTERNAL=$generator" "$dir/CMakeCache.txt"; then
        rm -rf "$dir"
    fi
    cmake -S "$REPO" -B "$dir" -G "$generator" "${options[@]}" &&
        cmake --build "$dir" --parallel "$(nproc)" &&
        (cd "$dir" && ctest --output-on-failure --parallel "$(nproc)")
}

# ---------------------------------------------------------------------------------------------
# The C++ binding against an installed libtuf: the Debug build of run_c_tests is installed into
# a scratch prefix (target/cpp-installed/prefix); bindings/cpp, configured as a project of its
# own with find_package(tuf) (tuf::tuf_cpp), builds its examples and GoogleTest tests against
# it and ctest runs them; then the end-to-end client tests (tests/client_e2e.rs) run against the
# tuf-client-cpp built there (TUF_CLIENT). The same C++ tests also run in both ctest builds
# above (plain, under valgrind, and with ASan/UBSan).
run_cpp_installed() {
    local build="$REPO/target/ctest/debug"
    local scratch="$REPO/target/cpp-installed"
    local generator="Unix Makefiles"
    if command -v ninja >/dev/null 2>&1; then
        generator="Ninja"
    fi
    rm -rf "$scratch"
    cmake --install "$build" --prefix "$scratch/prefix" >/dev/null &&
        cmake -S "$REPO/bindings/cpp" -B "$scratch/build" -G "$generator" \
            -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_PREFIX_PATH=$scratch/prefix" &&
        cmake --build "$scratch/build" --parallel "$(nproc)" &&
        (cd "$scratch/build" && ctest --output-on-failure --parallel "$(nproc)") &&
        TUF_CLIENT="$scratch/build/tuf-client-cpp" \
            cargo test "${CARGO_LOCKED[@]}" --test client_e2e
}
# ---------------------------------------------------------------------------------------------
# Packaging (tests/packaging/, README.md "Packaging"), in target/packaging/: the API reference;
# the source tarball with the crates vendored (packaging/vendor.sh); the .deb files built from it
# offline (dpkg-buildpackage, symbols file, lintian); those packages installed, used and removed;
# two offline CMake builds from it that must be byte-identical. Each step needs its tools
# (tests/deps.sh --tests installs them): without them it says so and is skipped.
PACKAGING="$REPO/target/packaging"
TARBALL=""

# packaging_step NAME TOOL... -- CMD...: step NAME CMD... if every TOOL is on PATH.
packaging_step() {
    local name="$1" missing=()
    shift
    while [[ "$1" != "--" ]]; do
        command -v "$1" >/dev/null 2>&1 || missing+=("$1")
        shift
    done
    shift
    if [[ "${TUF_SKIP_PACKAGING:-}" == 1 ]]; then
        section "$name"
        echo "--- $name: SKIPPED (TUF_SKIP_PACKAGING=1)"
    elif ((${#missing[@]})); then
        section "$name"
        echo "--- $name: SKIPPED (not installed: ${missing[*]}; tests/deps.sh --tests installs them)"
    else
        step "$name" "$@"
    fi
}
make_tarball() {
    rm -rf "$PACKAGING/dist"
    XZ_OPT="-0 -T0" "$REPO/packaging/vendor.sh" -o "$PACKAGING/dist" &&
        TARBALL="$(ls "$PACKAGING"/dist/libtuf-*.tar.xz)"
}
# Each needs the tarball; work directories are removed when their step passed.
with_tarball() {
    if [[ -z "$TARBALL" ]]; then
        echo "no source tarball (the step that makes it failed)"
        return 1
    fi
    "$@"
}
build_debs() {
    with_tarball "$REPO/tests/packaging/build-deb.sh" "$TARBALL" "$PACKAGING/deb"
}
install_debs() {
    if ! ls "$PACKAGING"/deb/libtuf0_*.deb >/dev/null 2>&1; then
        echo "no .deb files (the package build failed)"
        return 1
    fi
    "$REPO/tests/packaging/install-debs.sh" "$PACKAGING/deb" && rm -rf "$PACKAGING/deb"
}
reproducible_builds() {
    with_tarball "$REPO/tests/packaging/reproducible.sh" "$TARBALL" "$PACKAGING/repro" &&
        rm -rf "$PACKAGING/repro"
}
api_docs() {
    "$REPO/tests/packaging/api-docs.sh" "$PACKAGING/docs" && rm -rf "$PACKAGING/docs"
}
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Go binding (bindings/go): libtuf installed into target/go-prefix from the Debug build of the
# C tests (target/ctest/debug, built by the step before: no second build of libtuf), or when
# that build is not there from a Release build of its own in target/go-libtuf; then, against
# that install: go vet, go test -race, a static link (-tags tuf_static), and the end-to-end
# tests of tests/client_e2e.rs (TUF_CLIENT) and the cache options' check of
# tests/c/check_tuf_client_cache.sh run against bindings/go/cmd/tuf-client. Both build
# directories and the prefix are reused, so a second run rebuilds only what changed. Go's
# caches live under target/ so that nothing depends on $HOME.
GO_PREFIX="$REPO/target/go-prefix"
GO_LIBDIR="$GO_PREFIX/lib" # set from where tuf.pc was installed
go_env() {
    env GOCACHE="$REPO/target/go-cache" GOPATH="$REPO/target/go-path" GOFLAGS=-mod=mod \
        GOTOOLCHAIN=local PKG_CONFIG_PATH="$GO_LIBDIR/pkgconfig" \
        LD_LIBRARY_PATH="$GO_LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"
}
run_go_tests() {
    local dir="$REPO/target/ctest/debug" generator="Unix Makefiles" failed=0
    if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
        PATH="$PATH:/usr/local/go/bin"
    fi
    if ! command -v go >/dev/null 2>&1; then
        echo "go not found (tests/deps.sh --tests installs golang-go)" >&2
        return 1
    fi
    go version
    if ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$REPO" "$dir/CMakeCache.txt" 2>/dev/null ||
        ! cmake --build "$dir" --target tuf_versioned_so; then
        dir="$REPO/target/go-libtuf"
        if command -v ninja >/dev/null 2>&1; then
            generator="Ninja"
        fi
        if [[ -f "$dir/CMakeCache.txt" ]] &&
            ! grep -qx "CMAKE_GENERATOR:INTERNAL=$generator" "$dir/CMakeCache.txt"; then
            rm -rf "$dir"
        fi
        cmake -S "$REPO" -B "$dir" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
            -DTUF_BUILD_EXAMPLES=OFF -DTUF_BUILD_TESTS=OFF \
            "-DTUF_CARGO_FLAGS=${CARGO_LOCKED[*]}" >/dev/null &&
            cmake --build "$dir" --parallel "$(nproc)" || return 1
    fi
    echo "-- libtuf from $dir installed into $GO_PREFIX"
    rm -rf "$GO_PREFIX"
    cmake --install "$dir" --prefix "$GO_PREFIX" >/dev/null || return 1
    # lib, or lib/<multiarch>: whatever libdir the build directory was configured with.
    local pc
    pc="$(find "$GO_PREFIX" -name tuf.pc -print -quit)"
    [[ -n "$pc" ]] || { echo "no tuf.pc installed under $GO_PREFIX" >&2; return 1; }
    GO_LIBDIR="$(dirname "$(dirname "$pc")")"
    (
        cd "$REPO/bindings/go" || exit 1
        echo "-- go vet ./..."
        go_env go vet ./... || failed=1
        echo "-- go test -race ./..."
        go_env go test -race -count=1 ./... || failed=1
        echo "-- go build -tags tuf_static (libtuf.a linked in, no libtuf.so needed)"
        if go_env go build -tags tuf_static -o "$REPO/target/go-bin/tuf-client-static" ./cmd/tuf-client; then
            if readelf -d "$REPO/target/go-bin/tuf-client-static" | grep -q 'NEEDED.*libtuf'; then
                echo "the tuf_static build still needs libtuf.so" >&2
                failed=1
            fi
        else
            failed=1
        fi
        echo "-- tests/client_e2e.rs and tests/c/check_tuf_client_cache.sh against bindings/go/cmd/tuf-client"
        if go_env go build -o "$REPO/target/go-bin/tuf-client" ./cmd/tuf-client; then
            go_env TUF_CLIENT="$REPO/target/go-bin/tuf-client" \
                cargo test "${CARGO_LOCKED[@]}" --test client_e2e || failed=1
            go_env "$REPO/tests/c/check_tuf_client_cache.sh" "$REPO/target/go-bin/tuf-client" \
                "$REPO/examples-c/demo-repo" || failed=1
        else
            failed=1
        fi
        exit "$failed"
    )
}
# ---------------------------------------------------------------------------------------------
# The fuzz crate (fuzz/, its own workspace, so the steps above skip it): formatting, lints, and
# the unit tests of its reference implementations (checked against CPython's fnmatch), built in
# the main target directory to reuse libtuf's dependencies.
run_fuzz_crate_checks() {
    (cd "$REPO/fuzz" &&
        cargo fmt -- --check &&
        CARGO_TARGET_DIR="$REPO/target" cargo clippy "${CARGO_LOCKED[@]}" --all-targets -- -D warnings &&
        CARGO_TARGET_DIR="$REPO/target" cargo test "${CARGO_LOCKED[@]}" --lib)
}

# The bundled libcurl with rustls (CMake -DTUF_TLS=rustls, cargo feature bundled-curl-rustls),
# in its own cargo target directory: clippy and the Rust tests that use the built-in fetcher
# (HTTPS, mutual TLS, proxies, the whole workflow over HTTP), then the C client of a release
# build against the end-to-end tests.
run_rustls_tests() {
    local target="$REPO/target/rustls" build="$REPO/target/rustls/cmake"
    local features=(--no-default-features --features bundled-curl-rustls)
    CARGO_TARGET_DIR="$target" cargo clippy "${CARGO_LOCKED[@]}" "${features[@]}" --all-targets \
        -- -D warnings &&
        CARGO_TARGET_DIR="$target" cargo test "${CARGO_LOCKED[@]}" "${features[@]}" --lib \
            --test transport --test transport_env --test updater_workflow --test parallel \
            --test resume --test fetcher &&
        cmake -S "$REPO" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTUF_TLS=rustls \
            -DTUF_BUILD_TESTS=OFF -DTUF_BUILD_CPP=OFF -DTUF_CARGO_TARGET_DIR="$target" \
            -DTUF_CARGO_FLAGS="${CARGO_LOCKED[*]}" >/dev/null &&
        cmake --build "$build" &&
        if ldd "$build/lib/libtuf.so.0" | grep -E 'lib(ssl|crypto)\.so'; then
            echo "libtuf.so built with rustls loads OpenSSL" >&2
            return 1
        fi &&
        TUF_CLIENT="$build/examples-c/tuf-client" cargo test "${CARGO_LOCKED[@]}" --test client_e2e
}

CARGO_LOCKED=()
if [[ "${CI:-}" == "true" && -f "$REPO/Cargo.lock" ]]; then
    CARGO_LOCKED=(--locked)
fi

section "system packages (tests/deps.sh --tests)"
"$REPO/tests/deps.sh" --tests
setup_python_venv

step "cargo fmt" cargo fmt --all -- --check
step "cargo clippy" cargo clippy "${CARGO_LOCKED[@]}" --all-targets -- -D warnings
step "cargo test (all targets)" cargo test "${CARGO_LOCKED[@]}" --all-targets
step "cargo test (doc)" cargo test "${CARGO_LOCKED[@]}" --doc
step "cargo doc (the Rust API reference builds, every link resolves)" \
    env RUSTDOCFLAGS="-D warnings" cargo doc "${CARGO_LOCKED[@]}" --no-deps
step "demo (the Rust verifier example)" cargo run "${CARGO_LOCKED[@]}" --quiet --example verify_demo
step "python harness (pytest)" run_python_harness_tests
step "mutation check (every check of the verifier has a test that fails without it)" \
    python3 "$REPO/tests/mutation/mutate.py"
step "C tests (ctest: Debug, valgrind, symbols, header, install tree)" run_c_tests debug
step "C tests (ctest: ASan and UBSan)" run_c_tests asan
# The end-to-end tests again, against the C client of the Debug build: both clients behave alike.
step "end to end with examples-c/tuf-client (tests/client_e2e.rs, TUF_CLIENT)" \
    env TUF_CLIENT="$REPO/target/ctest/debug/examples-c/tuf-client" \
    cargo test "${CARGO_LOCKED[@]}" --test client_e2e
step "bundled libcurl with rustls (TUF_TLS=rustls: clippy, Rust tests, end to end)" \
    run_rustls_tests
step "C++ binding (installed libtuf: ctest, and the end-to-end tests with tuf-client-cpp)" \
    run_cpp_installed
step "Go binding (go vet, go test -race, static link, end-to-end tests of its tuf-client)" \
    run_go_tests
step "ABI (release libtuf.so and tuf.h against abi/, abidiff)" \
    "$REPO/tests/abi/check.sh" "${CARGO_LOCKED[@]}"
step "demo (the README's main job, in the Debug build)" \
    env TUF_BUILD_DIR="$REPO/target/ctest/debug" TUF_BUILD_TYPE=Debug "$REPO/examples-c/demo.sh"
step "fuzz crate (fmt, clippy, reference implementations)" run_fuzz_crate_checks
# Builds the fuzz targets (ASan, libFuzzer) and runs each for 5 s: they build, start from their
# seed corpora and find nothing quickly. Long runs: fuzz/README.md.
step "fuzz targets (fuzz/run.sh 5)" env FUZZ_ARGS=-verbosity=0 "$REPO/fuzz/run.sh" 5

packaging_step "packaging: API reference (Doxygen, man pages)" doxygen python3 cmake -- api_docs
packaging_step "packaging: source tarball with vendored crates" xz tar -- make_tarball
packaging_step "packaging: .deb build offline, symbols, lintian" dpkg-buildpackage dh -- build_debs
if [[ $(id -u) == 0 ]]; then
    packaging_step "packaging: install the .deb files, build and run against them" dpkg -- install_debs
else
    section "packaging: install the .deb files"
    echo "--- packaging: install the .deb files: SKIPPED (needs root for dpkg -i)"
fi
packaging_step "packaging: offline and reproducible builds (CMake, two directories)" xz -- \
    reproducible_builds

section "summary"
if ((${#FAILED[@]})); then
    printf 'FAILED: %s\n' "${FAILED[@]}"
    exit 1
fi
echo "all test steps passed"
