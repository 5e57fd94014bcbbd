#!/usr/bin/env bash
# Builds the Debian packages from the vendored source tarball without network, as a
# distribution's build machine would: `dpkg-buildpackage -us -uc -b` in the extracted
# tarball, in a network namespace of its own (no network at all), with an empty CARGO_HOME
# (debian/rules sets it when vendor/ exists). The build checks debian/libtuf0.symbols
# (dpkg-gensymbols -c4) and runs the demo. Then lintian checks the result: any error or
# warning fails (the warnings that remain are explained in debian/*.lintian-overrides).
#
#   tests/packaging/build-deb.sh TARBALL WORK_DIR     -> WORK_DIR/*.deb
#
# `-d`: this machine's Rust comes from rustup, which dpkg-checkbuilddeps cannot see (see the
# Build-Depends comment in debian/control); every other build dependency is installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/checks.sh
. "$here/../checks.sh"
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$2"

rm -rf "$work"
mkdir -p "$work"
tar -xJf "$tarball" -C "$work"
src="$(echo "$work"/libtuf-*/)"
src="${src%/}"

check "debian/changelog's version is Cargo.toml's" sh -c \
    "[ \"\$(cd '$src' && dpkg-parsechangelog -SVersion | sed 's/-[^-]*\$//')\" = \
       \"\$(sed -n 's/^version = \"\\(.*\\)\"\$/\\1/p' '$src/Cargo.toml' | head -n 1)\" ]"
check "debian/copyright covers every vendored crate" \
    python3 "$repo/packaging/copyright.py" check "$src/vendor" "$src/debian/copyright"

start=$SECONDS
if (cd "$src" && offline env -u CARGO_HOME dpkg-buildpackage -us -uc -b -d) >"$work/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b, offline ($((SECONDS - start))s)"
else
    fail "dpkg-buildpackage -us -uc -b, offline ($((SECONDS - start))s; log: $work/build.log)"
    grep -n -B3 -A12 -E '^(error|dpkg-gensymbols|dh_[a-z]+: error)|differs from the symbols' \
        "$work/build.log" | tail -n 80 | sed 's/^/    /'
    summary
    exit 1
fi
check "the build checked debian/libtuf0.symbols (dpkg-gensymbols -c4)" \
    grep -q 'dh_makeshlibs -plibtuf0 -- -c4' "$work/build.log"
# The same check against the library just built: the file as it is passes; with a symbol
# left out (an added function) or one too many (a removed function) it fails.
gensymbols() {
    (cd "$src" && dpkg-gensymbols -plibtuf0 -Pdebian/libtuf0 -I"$1" -O"$work/symbols.out" -c4)
}
fails() { ! "$@"; }
grep -v '^ tuf_version@' "$src/debian/libtuf0.symbols" >"$work/symbols.added"
{
    cat "$src/debian/libtuf0.symbols"
    grep '^ tuf_version@' "$src/debian/libtuf0.symbols" | sed 's/tuf_version/tuf_removed_function/'
} >"$work/symbols.removed"
check "dpkg-gensymbols -c4: debian/libtuf0.symbols matches libtuf.so.0" \
    gensymbols debian/libtuf0.symbols
check "dpkg-gensymbols -c4: a function missing from the file fails" \
    fails gensymbols "$work/symbols.added"
check "dpkg-gensymbols -c4: a function no longer exported fails" \
    fails gensymbols "$work/symbols.removed"
for p in libtuf0 libtuf-dev tuf-tools; do
    check "built ${p}_*.deb" sh -c "ls '$work'/${p}_*.deb >/dev/null"
done

if command -v lintian >/dev/null 2>&1; then
    start=$SECONDS
    changes="$(ls "$work"/*.changes | head -n 1)"
    lintian --pedantic --info --fail-on error,warning "$changes" >"$work/lintian.log" 2>&1 &&
        rc=0 || rc=$?
    echo "lintian ($((SECONDS - start))s):"
    grep -E '^[EWIPOX]:' "$work/lintian.log" | sed 's/^/    /' || true
    # Overridden tags are not shown (with --show-overrides lintian counts them as failures);
    # each override says why in debian/*.lintian-overrides.
    echo "    overridden, with their reasons: $(cat "$src"/debian/*.lintian-overrides |
        grep -c '^[a-z]') tags in debian/*.lintian-overrides"
    if ((rc == 0)); then
        ok "lintian: no errors, no warnings"
    else
        fail "lintian: errors or warnings (exit $rc)"
    fi
else
    skip "lintian is not installed"
fi

summary
