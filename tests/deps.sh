#!/usr/bin/env bash
# Installs the system packages libtuf's build and tests need, when they are missing, on a
# Debian-like machine (as root, or with sudo). Run by examples-c/demo.sh (build needs) and
# tests/run.sh (--tests); does nothing when everything is there.
#
#   tests/deps.sh            build: OpenSSL and zlib headers (for the bundled libcurl), pkg-config,
#                            cmake, a build tool, a C compiler
#   tests/deps.sh --tests    also: g++, GoogleTest (libgtest-dev), valgrind, binutils,
#                            python3-venv, abigail-tools (abidw and abidiff, for the ABI check
#                            tests/abi/check.sh), Go for bindings/go (go.mod asks for Go 1.22
#                            or newer), and for the packaging tests (tests/packaging/):
#                            Doxygen, man-db, the Debian package tools (make, dpkg-dev,
#                            debhelper, lintian), the system libcurl's development files,
#                            xz-utils
set -euo pipefail

want=()
have() { command -v "$1" >/dev/null 2>&1; }

have pkg-config || want+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || want+=(libssl-dev)
pkg-config --exists zlib 2>/dev/null || want+=(zlib1g-dev)
have cmake || want+=(cmake)
have ninja || have make || want+=(ninja-build)
have gcc || want+=(gcc)
[[ -e /usr/include/stdio.h ]] || want+=(libc6-dev)
if [[ "${1:-}" == "--tests" ]]; then
    have g++ || want+=(g++)
    [[ -e /usr/include/gtest/gtest.h ]] || want+=(libgtest-dev)
    have valgrind || want+=(valgrind)
    { have nm && have readelf && have strip; } || want+=(binutils)
    { have go || [[ -x /usr/local/go/bin/go ]]; } || want+=(golang-go)
    { have abidw && have abidiff; } || want+=(abigail-tools)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 ||
        want+=("python3.$(python3 -c 'import sys; print(sys.version_info[1])')-venv")
    have doxygen || want+=(doxygen)
    have man || want+=(man-db)
    have xz || want+=(xz-utils)
    have make || want+=(make)
    have dpkg-buildpackage || want+=(dpkg-dev)
    have dh || want+=(debhelper)
    have lintian || want+=(lintian)
    pkg-config --exists libcurl 2>/dev/null || want+=(libcurl4-openssl-dev)
fi
if ! have cargo; then
    echo "deps: cargo (Rust) is required; install it with rustup" >&2
    exit 1
fi

sudo=()
if [[ $(id -u) != 0 ]]; then
    sudo=(sudo)
fi
apt_updated=0
apt_install() {
    if [[ ${#sudo[@]} -gt 0 ]] && ! have sudo; then
        echo "deps: please install: $*" >&2
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ((!apt_updated)); then
        "${sudo[@]}" apt-get update -q
        apt_updated=1
    fi
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" </dev/null
}

if ((${#want[@]})); then
    echo "deps: installing ${want[*]}"
    apt_install "${want[@]}"
fi

exit 0
