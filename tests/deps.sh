#!/usr/bin/env bash
# Installs the system packages libtuf's build and tests need, when they are missing, on a
# Debian-like machine (as root, or with sudo). Sourced or run by tests/run.sh, .ci/run and
# examples-c/demo.sh; does nothing when everything is there.
#
#   tests/deps.sh            build needs: libcurl headers, pkg-config, cmake, a build tool, a C compiler
#   tests/deps.sh --tests    also what the tests need: g++, valgrind, python3-venv
set -euo pipefail

want=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }

pkg-config --exists libcurl 2>/dev/null || want+=(libcurl4-openssl-dev)
need_cmd pkg-config pkg-config
need_cmd cmake cmake
command -v ninja >/dev/null 2>&1 || command -v make >/dev/null 2>&1 || want+=(ninja-build)
need_cmd cc gcc
if [[ "${1:-}" == "--tests" ]]; then
    need_cmd c++ g++
    need_cmd valgrind valgrind
    need_cmd nm binutils
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 ||
        want+=("python3.$(python3 -c 'import sys; print(sys.version_info[1])')-venv")
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "deps: cargo (Rust) is required; install it with rustup" >&2
    exit 1
fi

((${#want[@]} == 0)) && exit 0
echo "deps: installing ${want[*]}"
sudo=()
if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "deps: please install: ${want[*]}" >&2
        exit 1
    }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${want[@]}" </dev/null
