#!/usr/bin/env bash
# Updates debian/libtuf0.symbols, the list of symbols libtuf.so.0 exports with the version of
# libtuf that added each, from a built library. dpkg-gensymbols checks the list when the
# package is built (debian/rules: any difference fails the build), so a function added to
# tuf.h needs this script, and a removed or changed one is an ABI break (see README.md,
# "ABI policy").
#
#   packaging/update-symbols.sh [--version X.Y.Z] [LIBRARY]
#
#   LIBRARY     a built libtuf.so (default: `cargo build --lib`, then target/debug/libtuf.so;
#               the exported symbols do not depend on the profile or on the libcurl used)
#   --version   the version recorded for symbols not yet in the file (default: the version
#               of Cargo.toml, i.e. the release that will first ship them)
#
# Symbols already listed keep their version. A symbol that the library no longer exports is
# an error (it would break every program linked against it), except when the same function
# is now exported under a symbol version (name@TUF_x.y instead of name@Base, when the version
# script took effect): it keeps its original version.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
symbols=debian/libtuf0.symbols
version=""
lib=""
while (($#)); do
    case "$1" in
    --version)
        version="$2"
        shift 2
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        lib="$1"
        shift
        ;;
    esac
done
if [[ -z "$version" ]]; then
    version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)"
fi
if [[ -z "$lib" ]]; then
    cargo build --quiet --lib
    lib="$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/libtuf.so"
fi
[[ -f "$lib" ]] || {
    echo "update-symbols: no library at $lib" >&2
    exit 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pkg"
# dpkg-gensymbols names the library by its SONAME; -e takes it from anywhere.
dpkg-gensymbols -plibtuf0 -v"$version" -P"$tmp/pkg" -e"$lib" -I"$symbols" -O"$tmp/new" -c0 \
    >"$tmp/diff" 2>&1 || true

nm -D --defined-only --format=posix "$lib" | cut -d' ' -f1 | sed 's/@.*//' >"$tmp/exported"
python3 - "$symbols" "$tmp/new" "$tmp/exported" <<'EOF'
import re, sys

old_path, new_path, exported_path = sys.argv[1], sys.argv[2], sys.argv[3]
exported = set(open(exported_path, encoding="utf-8").read().split())
sym = re.compile(r"^ (\S+)@(\S+) (\S+)")
old = {}
for line in open(old_path, encoding="utf-8"):
    m = sym.match(line)
    if m:
        old[(m.group(1), m.group(2))] = m.group(3)

out, missing, added, moved = [], [], [], []
lines = open(new_path, encoding="utf-8").read().split("\n")
nodes = {}
for line in lines:
    m = re.match(r"^ #MISSING: [^#]*# (\S+)@(\S+) (\S+)", line)
    if m:
        missing.append((m.group(1), m.group(2), m.group(3)))
        continue
    m = sym.match(line)
    if m:
        nodes.setdefault(m.group(1), {})[m.group(2)] = m.group(3)
    out.append(line)

# name@Base -> name@VERSION: the same function, now versioned; it keeps its version. (The
# old line may be listed as missing, or kept, when dpkg-gensymbols lets the default version
# of a symbol stand for Base.)
base = {name: ver for name, node, ver in missing if node == "Base"}
base.update({name: n["Base"] for name, n in nodes.items() if "Base" in n and len(n) > 1})
for name, ver in base.items():
    versioned = [node for node in nodes.get(name, {}) if node != "Base"]
    if not versioned:
        continue
    missing = [x for x in missing if x[:2] != (name, "Base")]
    moved.append(name)
    out = [l for l in out if not l.startswith(f" {name}@Base ")]
    out = [re.sub(rf"^ {re.escape(name)}@(\S+) \S+", rf" {name}@\1 {ver}", l) for l in out]
for line in out:
    m = sym.match(line)
    if m and (m.group(1), m.group(2)) not in old and m.group(1) not in moved:
        added.append(f"{m.group(1)}@{m.group(2)} {m.group(3)}")

# dpkg-gensymbols does not call a symbol of the version being recorded missing (it may have
# come and gone within it), so check every listed name against what the library exports.
for (name, node), ver in old.items():
    if name not in exported and (name, node, ver) not in missing:
        missing.append((name, node, ver))
if missing:
    print("update-symbols: libtuf.so no longer exports these symbols, which would break the "
          "programs linked against them (restore them; symbols are never removed within "
          "libtuf.so.0):", file=sys.stderr)
    for name, node, ver in missing:
        print(f"  {name}@{node} (since {ver})", file=sys.stderr)
    sys.exit(1)
with open(old_path, "w", encoding="utf-8") as f:
    f.write("\n".join(out).rstrip("\n") + "\n")
for a in added:
    print(f"added: {a}")
if moved:
    print(f"now versioned (original versions kept): {len(moved)} symbols")
if not added and not moved:
    print(f"{old_path} is up to date")
EOF
