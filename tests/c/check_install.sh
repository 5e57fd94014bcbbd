#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds programs against the installed
# libtuf, then runs them: with pkg-config (shared, and static against libtuf.a) and with a
# CMake project using find_package(tuf) (tuf::tuf and tuf::tuf_static).
#
#   check_install.sh BUILD_DIR CMAKE C_COMPILER GENERATOR DEMO_REPO_DIR
set -euo pipefail

build="$1"
cmake="$2"
cc="$3"
generator="$4"
demo="$5"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic)
# shellcheck source=tests/checks.sh
. "$here/../checks.sh"
needed_libtuf() { readelf -d "$1" | grep -q 'NEEDED.*\[libtuf\.so\.0\]'; }
# The program records the symbol version of the libtuf functions it calls (abi/libtuf.map).
needs_tuf_version() {
    readelf -V "$1" | awk '/File: / {f = $0 ~ /File: libtuf\.so\.0 /} f && /Name: TUF_0\.1 /' | grep -q .
}
not_needed_libtuf() { ! needed_libtuf "$1"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

check "cmake --install into $prefix" "$cmake" --install "$build" --prefix "$prefix"
pc="$(find "$prefix" -name tuf.pc | head -n 1)"
libdir="$(dirname "$(dirname "$pc")")"
for f in "$libdir/libtuf.so" "$libdir/libtuf.so.0" "$libdir/libtuf.a" "$prefix/include/tuf.h" \
    "$libdir/pkgconfig/tuf.pc" "$libdir/cmake/tuf/tufConfig.cmake" \
    "$libdir/cmake/tuf/tufConfigVersion.cmake"; do
    check "installed: ${f#"$prefix"/}" test -e "$f"
done
check "libtuf.so -> libtuf.so.0 -> libtuf.so.X.Y.Z" test -L "$libdir/libtuf.so" -a -L "$libdir/libtuf.so.0"
check "tuf.pc names the install prefix" grep -qx "prefix=$prefix" "$pc"

# pkg-config, shared.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
read -r -a pc_flags <<<"$(pkg-config --cflags --libs tuf)"
check "pkg-config: build (shared)" "$cc" "${cflags[@]}" -o "$tmp/pc-shared" "$here/install/consumer.c" "${pc_flags[@]}"
check "pkg-config: needs libtuf.so.0" needed_libtuf "$tmp/pc-shared"
check "pkg-config: needs version TUF_0.1 of libtuf.so.0" needs_tuf_version "$tmp/pc-shared"
check "pkg-config: run (shared)" env LD_LIBRARY_PATH="$libdir" "$tmp/pc-shared" "$demo/root.json"

# pkg-config --static, against libtuf.a (the rest of the libraries as the system has them).
read -r -a pc_static <<<"$(pkg-config --static --cflags --libs tuf)"
for i in "${!pc_static[@]}"; do
    [[ "${pc_static[$i]}" == "-ltuf" ]] && pc_static[$i]="-l:libtuf.a"
done
# A fully static set of flags also lists the static dependencies of what libtuf links, whose
# development files a system may lack: then this part is skipped, not failed (tuf::tuf_static
# below links libtuf.a all the same). Any other link failure is a failure.
if "$cc" "${cflags[@]}" -o "$tmp/pc-static" "$here/install/consumer.c" "${pc_static[@]}" >"$tmp/out" 2>&1; then
    ok "pkg-config --static: build against libtuf.a"
    check "pkg-config --static: does not need libtuf.so" not_needed_libtuf "$tmp/pc-static"
    check "pkg-config --static: run" "$tmp/pc-static" "$demo/root.json"
else
    missing="$(sed -n 's/.*cannot find -l\([^:]*\):.*/\1/p' "$tmp/out" | sort -u | tr '\n' ' ')"
    ours=" tuf curl ssl crypto z gcc_s util rt pthread m dl "
    only_theirs=1
    for l in $missing; do
        [[ "$ours" == *" $l "* ]] && only_theirs=0
    done
    if [[ -n "$missing" && "$only_theirs" == 1 ]]; then
        skip "pkg-config --static: no development files here for the static dependencies: $missing"
    else
        fail "pkg-config --static: build against libtuf.a"
        sed 's/^/    /' "$tmp/out"
    fi
fi

# find_package(tuf).
check "find_package(tuf): configure" "$cmake" -S "$here/install" -B "$tmp/consumer" -G "$generator" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug
check "find_package(tuf): build" "$cmake" --build "$tmp/consumer"
check "find_package(tuf): tuf::tuf needs libtuf.so.0" needed_libtuf "$tmp/consumer/consumer"
check "find_package(tuf): tuf::tuf needs version TUF_0.1" needs_tuf_version "$tmp/consumer/consumer"
check "find_package(tuf): run tuf::tuf" "$tmp/consumer/consumer" "$demo/root.json"
check "find_package(tuf): tuf::tuf_static does not need libtuf.so" not_needed_libtuf "$tmp/consumer/consumer_static"
check "find_package(tuf): run tuf::tuf_static" "$tmp/consumer/consumer_static" "$demo/root.json"

summary
