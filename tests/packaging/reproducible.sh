#!/usr/bin/env bash
# Offline and reproducible builds through CMake, from the vendored source tarball:
# two builds of the library (TUF_SYSTEM_CURL, TUF_REPRODUCIBLE, Release), each in a network
# namespace of its own (no network) with an empty CARGO_HOME and cargo --frozen, in two
# directories of different depth, one after the other, with a different time zone, locale
# and umask, must give byte-identical libtuf.so.X.Y.Z and libtuf.a that name neither
# directory.
#
#   tests/packaging/reproducible.sh TARBALL WORK_DIR
#
# When they differ, diffoscope (if installed) shows where; otherwise cmp and strings do.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/checks.sh
. "$here/../checks.sh"
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$2"
rm -rf "$work"
mkdir -p "$work/a" "$work/b/elsewhere/deeper"
work="$(cd "$work" && pwd)"

# build DIR TZ LOCALE UMASK: extract and build; prints the build directory.
build() {
    local dir="$1" tz="$2" locale="$3" mask="$4"
    tar -xJf "$tarball" -C "$dir"
    local src
    src="$(echo "$dir"/libtuf-*/)"
    src="${src%/}"
    mkdir -p "$dir/cargo-home"
    (
        umask "$mask"
        export TZ="$tz" LC_ALL="$locale" CARGO_HOME="$dir/cargo-home" CARGO_NET_OFFLINE=true
        offline cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release \
            -DTUF_SYSTEM_CURL=ON -DTUF_REPRODUCIBLE=ON -DTUF_BUILD_EXAMPLES=OFF \
            -DTUF_BUILD_TESTS=OFF -DTUF_CARGO_FLAGS=--frozen &&
            offline cmake --build "$src/build"
    ) >"$dir/build.log" 2>&1
}

start=$SECONDS
check "build A: offline, empty CARGO_HOME, in $work/a (UTC, C.UTF-8, umask 022)" \
    build "$work/a" UTC C.UTF-8 022
echo "    ($((SECONDS - start))s)"
start=$SECONDS
check "build B: offline, empty CARGO_HOME, in $work/b/elsewhere/deeper (Asia/Tokyo, C, umask 002)" \
    build "$work/b/elsewhere/deeper" Asia/Tokyo C 002
echo "    ($((SECONDS - start))s)"

a="$(echo "$work"/a/libtuf-*/)"
b="$(echo "$work"/b/elsewhere/deeper/libtuf-*/)"
for f in build/lib/libtuf.so.*.*.* target/release/libtuf.a; do
    fa="$(echo "$a"$f)"
    fb="$(echo "$b"$f)"
    name="$(basename "$fa")"
    if [[ ! -f "$fa" || ! -f "$fb" ]]; then
        fail "$name: built in both directories"
        continue
    fi
    if cmp -s "$fa" "$fb"; then
        ok "$name: byte-identical ($(stat -c %s "$fa") bytes, sha256 $(sha256sum "$fa" | cut -c1-16)...)"
    else
        fail "$name: the two builds differ"
        if command -v diffoscope >/dev/null 2>&1; then
            diffoscope --text "$work/$name.diff" "$fa" "$fb" >/dev/null 2>&1 || true
            head -n 60 "$work/$name.diff" | sed 's/^/    /'
        else
            cmp "$fa" "$fb" | sed 's/^/    /' || true
            diff <(strings -a "$fa") <(strings -a "$fb") | head -n 30 | sed 's/^/    /' || true
        fi
    fi
    check "$name: names no build directory" sh -c "! grep -a -q -F -e '$work' -e '$HOME/.cargo' '$fa'"
done

summary
