#!/usr/bin/env bash
# Makes the source tarball distributions build from: libtuf's sources with every crate of
# Cargo.lock vendored (`cargo vendor`) and a .cargo/config.toml that makes cargo use them, so
# that it builds without network (`cargo --offline`, CARGO_NET_OFFLINE=true, through CMake
# and dpkg-buildpackage alike).
#
#   packaging/vendor.sh [-o OUTDIR]     -> OUTDIR/libtuf-VERSION.tar.xz (default OUTDIR: .)
#
# The tarball holds the files git tracks, as they are in the working tree (so uncommitted
# changes are included: make release tarballs from a clean checkout), in libtuf-VERSION/,
# plus vendor/ (one directory per crate and version) and .cargo/config.toml: the project's
# own settings, if any, followed by the source replacement. Fetching the crates needs the
# registry (or cargo's download cache); nothing else does.
#
# The tarball is reproducible: sorted, owned by root, every mtime SOURCE_DATE_EPOCH
# (default: the time of the last commit). XZ_OPT sets xz's options (default: -6 -T0; the
# tests use -0, as the vendored crates are some 180 MB).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="."
while (($#)); do
    case "$1" in
    -o)
        out="$2"
        shift 2
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "vendor.sh: unknown argument $1" >&2
        exit 2
        ;;
    esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$REPO/Cargo.toml" | head -n 1)"
name="libtuf-$version"
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct)}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/$name"
# Tracked files only: no target/, no build directories, no editor files.
git -C "$REPO" ls-files -z --cached | (cd "$REPO" && xargs -0 -r sh -c \
    'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh) |
    (cd "$REPO" && tar --null --no-recursion -T - -cf -) | tar -x -C "$work/$name"

cd "$work/$name"
if grep -q '^source = "git+' Cargo.lock; then
    echo "vendor.sh: Cargo.lock has git dependencies; only crates.io is replaced here" >&2
    exit 1
fi
echo "vendor.sh: vendoring the crates of Cargo.lock"
cargo vendor --locked --versioned-dirs vendor >/dev/null 2>"$work/vendor.log" || {
    cat "$work/vendor.log" >&2
    exit 1
}
mkdir -p .cargo
{
    if [[ -s .cargo/config.toml ]]; then
        cat .cargo/config.toml
        echo
    fi
    cat <<'EOF'
# Added by packaging/vendor.sh: the crates come from vendor/, never from the network.
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"
EOF
} >"$work/config.toml"
mv "$work/config.toml" .cargo/config.toml

cd "$work"
tarball="$out/$name.tar.xz"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -cf - "$name" | XZ_OPT="${XZ_OPT:--6 -T0}" xz >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "vendor.sh: $tarball ($(du -h "$tarball" | cut -f1), $(ls "$name/vendor" | wc -l) crates)"
