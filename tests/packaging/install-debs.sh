#!/usr/bin/env bash
# Installs the built .deb files on this machine (dpkg -i), checks what they install, builds
# programs against the installed packages as tests/c/check_install.sh does against an install
# tree (pkg-config, shared and static; a CMake project with find_package(tuf): tuf::tuf and
# tuf::tuf_static), runs them and the tools against the demo repository, then removes the
# packages again, also when a check fails or the script is interrupted.
#
#   tests/packaging/install-debs.sh DEB_DIR     (as root; DEB_DIR holds libtuf0, libtuf-dev and
#                                                tuf-tools .deb files, as dpkg-buildpackage
#                                                leaves them)
#
# It refuses to run when one of the packages is already installed: it removes what it
# installed, and nothing else.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/checks.sh
. "$here/../checks.sh"
debs="$(cd "$1" && pwd)"
demo="$repo/examples-c/demo-repo"
packages=(libtuf0 libtuf-dev tuf-tools)
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic)

if [[ $(id -u) != 0 ]]; then
    echo "install-debs: must run as root (dpkg -i)" >&2
    exit 1
fi
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok'; then
        echo "install-debs: $p is already installed; remove it first (dpkg --purge $p)" >&2
        exit 1
    fi
done
files=()
for p in "${packages[@]}"; do
    f="$(ls "$debs/${p}"_*.deb 2>/dev/null | head -n 1)"
    [[ -n "$f" ]] || {
        echo "install-debs: no ${p}_*.deb in $debs" >&2
        exit 1
    }
    files+=("$f")
done

tmp="$(mktemp -d)"
cleanup() {
    dpkg --purge "${packages[@]}" >"$tmp/purge.log" 2>&1 || cat "$tmp/purge.log" >&2
    for p in "${packages[@]}"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok'; then
            echo "install-debs: FAILED to remove $p" >&2
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check "dpkg -i ${files[*]##*/}" dpkg -i "${files[@]}"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
libdir="/usr/lib/$multiarch"
for f in "$libdir/libtuf.so.0" "$libdir/libtuf.so" "$libdir/libtuf.a" /usr/include/tuf.h \
    /usr/include/tuf.hpp /usr/include/tuf/updater.hpp "$libdir/pkgconfig/tuf.pc" \
    "$libdir/cmake/tuf/tufConfig.cmake" "$libdir/cmake/tuf/tufConfigVersion.cmake" \
    /usr/bin/libtuf-client /usr/bin/libtuf-verify-metadata /usr/share/doc/libtuf-dev/html/index.html; do
    check "installed: $f" test -e "$f"
done
check "libtuf0 owns libtuf.so.0" sh -c "dpkg -S '$libdir/libtuf.so.0' | grep -q '^libtuf0:'"
check "libtuf.so.0 links the system libcurl" \
    sh -c "readelf -d '$libdir/libtuf.so.0' | grep -q 'NEEDED.*\[libcurl\.so\.4\]'"
check "libtuf.so.0 does not contain a libcurl" \
    sh -c "! nm -D --defined-only '$libdir/libtuf.so.0' | grep -q ' curl_easy_init'"
check "tuf.pc names /usr" grep -qx 'prefix=/usr' "$libdir/pkgconfig/tuf.pc"

# The API reference: dpkg may have been told not to install manual pages (path-exclude, as in
# minimal container images); then the pages are checked in the package instead.
man_pages=(libtuf tuf_updater_new tuf_verifier_find_target_versioned tuf_fetch_callback)
for page in "${man_pages[@]}"; do
    if [[ -e "/usr/share/man/man3/$page.3.gz" ]]; then
        if command -v man >/dev/null 2>&1; then
            check "man 3 $page" sh -c "man -w 3 $page | grep -qx '/usr/share/man/man3/$page.3.gz' &&
                MANWIDTH=80 man 3 $page 2>&1 | grep -q '^NAME'"
        else
            check "installed: man3/$page.3.gz" test -s "/usr/share/man/man3/$page.3.gz"
        fi
    else
        check "libtuf-dev ships man3/$page.3.gz (not installed: dpkg path-exclude)" \
            sh -c "dpkg-deb -c '${files[1]}' | grep -q ' ./usr/share/man/man3/$page.3.gz$'"
    fi
done

# pkg-config, shared: no -I/-L needed beyond what tuf.pc says.
read -r -a pc_flags <<<"$(pkg-config --cflags --libs tuf)"
check "pkg-config: build (shared)" cc "${cflags[@]}" -o "$tmp/pc-shared" \
    "$repo/tests/c/install/consumer.c" "${pc_flags[@]}"
check "pkg-config: needs libtuf.so.0, no RUNPATH" sh -c \
    "readelf -d '$tmp/pc-shared' | grep -q 'NEEDED.*\[libtuf\.so\.0\]' &&
     ! readelf -d '$tmp/pc-shared' | grep -q 'R\(UN\)\{0,1\}PATH'"
check "pkg-config: run (shared)" "$tmp/pc-shared" "$demo/root.json"

# pkg-config --static against libtuf.a: with the system libcurl, a fully static link also
# needs the static libraries of libcurl's own dependencies, which Debian does not all ship;
# then this part is skipped (tuf::tuf_static below links libtuf.a against the shared
# libcurl). Any other link failure is a failure.
read -r -a pc_static <<<"$(pkg-config --static --cflags --libs tuf)"
for i in "${!pc_static[@]}"; do
    [[ "${pc_static[$i]}" == "-ltuf" ]] && pc_static[$i]="-l:libtuf.a"
done
if cc "${cflags[@]}" -o "$tmp/pc-static" "$repo/tests/c/install/consumer.c" "${pc_static[@]}" \
    >"$tmp/out" 2>&1; then
    ok "pkg-config --static: build against libtuf.a"
    check "pkg-config --static: run" "$tmp/pc-static" "$demo/root.json"
else
    missing="$(sed -n 's/.*cannot find -l\([^:]*\):.*/\1/p' "$tmp/out" | sort -u | tr '\n' ' ')"
    if [[ -n "$missing" && " $missing " != *" tuf "* && " $missing " != *" curl "* ]]; then
        skip "pkg-config --static: no static libraries here for libcurl's dependencies: $missing"
    else
        fail "pkg-config --static: build against libtuf.a"
        sed 's/^/    /' "$tmp/out" | tail -n 30
    fi
fi

# find_package(tuf), from the system's default prefix.
check "find_package(tuf): configure" cmake -S "$repo/tests/c/install" -B "$tmp/consumer" \
    -DCMAKE_BUILD_TYPE=Debug
check "find_package(tuf): build" cmake --build "$tmp/consumer"
check "find_package(tuf): tuf::tuf needs libtuf.so.0" \
    sh -c "readelf -d '$tmp/consumer/consumer' | grep -q 'NEEDED.*\[libtuf\.so\.0\]'"
check "find_package(tuf): run tuf::tuf" "$tmp/consumer/consumer" "$demo/root.json"
check "find_package(tuf): tuf::tuf_static does not need libtuf.so" \
    sh -c "! readelf -d '$tmp/consumer/consumer_static' | grep -q 'NEEDED.*libtuf'"
check "find_package(tuf): run tuf::tuf_static" "$tmp/consumer/consumer_static" "$demo/root.json"

# The tools, as installed.
check "libtuf-client --help" sh -c "libtuf-client --help | grep -q '^usage:'"
check "libtuf-verify-metadata --help" sh -c "libtuf-verify-metadata --help | grep -q '^usage:'"
check "libtuf-client: init with the demo root" \
    libtuf-client --metadata-dir "$tmp/metadata" init "$demo/root.json"
check "libtuf-client: download a target over file://" \
    libtuf-client --metadata-dir "$tmp/metadata" --metadata-url "file://$demo/metadata" \
    --target-name hello.txt --target-base-url "file://$demo/targets" \
    --target-dir "$tmp/targets" download
hello="$(ls "$demo"/targets/*.hello.txt | head -n 1)" # consistent snapshot: HASH.NAME
check "libtuf-client: the target is the repository's" cmp "$tmp/targets/hello.txt" "$hello"
check "libtuf-verify-metadata: the demo repository" \
    libtuf-verify-metadata "$demo/root.json" "$demo/metadata" hello.txt

summary
