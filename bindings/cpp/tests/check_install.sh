#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds a C++ program against the
# installed C++ binding, then runs it: with a CMake project using find_package(tuf) and
# tuf::tuf_cpp, and with pkg-config. (tests/c/check_install.sh checks the C side.)
#
#   check_install.sh BUILD_DIR CMAKE CXX_COMPILER GENERATOR DEMO_REPO_DIR
set -euo pipefail

build="$1"
cmake="$2"
cxx="$3"
generator="$4"
demo="$5"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/checks.sh
. "$here/../../../tests/checks.sh"
needed_libtuf() { readelf -d "$1" | grep -q 'NEEDED.*\[libtuf\.so\.0\]'; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

check "cmake --install into $prefix" "$cmake" --install "$build" --prefix "$prefix"
check "installed: include/tuf.hpp" test -f "$prefix/include/tuf.hpp"
for h in "$here"/../include/tuf/*.hpp; do
    check "installed: include/tuf/$(basename "$h")" cmp "$h" "$prefix/include/tuf/$(basename "$h")"
done
pc="$(find "$prefix" -name tuf.pc | head -n 1)"
libdir="$(dirname "$(dirname "$pc")")"

check "find_package(tuf): configure" "$cmake" -S "$here/install" -B "$tmp/consumer" \
    -G "$generator" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=Debug
check "find_package(tuf): build against tuf::tuf_cpp" "$cmake" --build "$tmp/consumer"
check "find_package(tuf): needs libtuf.so.0" needed_libtuf "$tmp/consumer/consumer"
check "find_package(tuf): run" "$tmp/consumer/consumer" "$demo/root.json"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
read -r -a pc_flags <<<"$(pkg-config --cflags --libs tuf)"
check "pkg-config: build" "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic \
    -o "$tmp/pc-consumer" "$here/install/consumer.cpp" "${pc_flags[@]}"
check "pkg-config: run" env LD_LIBRARY_PATH="$libdir" "$tmp/pc-consumer" "$demo/root.json"

summary
