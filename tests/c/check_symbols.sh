#!/usr/bin/env bash
# The dynamic symbol table of libtuf.so holds exactly the functions declared in tuf.h (all
# named tuf_*, nothing else exported), each with a default version of a node of the version
# script (TUF_0.1, ...); the library defines exactly those versions; the SONAME is libtuf.so.0.
#
#   check_symbols.sh LIBTUF_SO TUF_H [EXPECTED_SONAME [VERSION_SCRIPT]]
#
# VERSION_SCRIPT defaults to abi/libtuf.map of the source tree. The one symbol besides the
# functions that may be exported is what GNU ld adds for every version node: an absolute
# OBJECT symbol named after it (TUF_0.1), which lld does not add. See docs/ABI.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$1"
header="$2"
soname="${3:-libtuf.so.0}"
map="${4:-$here/../../abi/libtuf.map}"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }
words() { paste -sd' ' "$1"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The version nodes the script defines: the names before a "{", comments removed.
sed -e 's|/\*.*\*/||g' -e '/\/\*/,/\*\//d' -e 's/#.*//' "$map" | tr -s ' \t\n' ' ' |
    grep -oE '[A-Za-z_][A-Za-z0-9_.]* *\{' | sed 's/ *{$//' | sort >"$tmp/nodes"
echo "version nodes of $map: $(words "$tmp/nodes")"
if [[ -s "$tmp/nodes" ]]; then ok "the version script defines nodes"; else fail "no version node parsed from $map"; fi

# "TYPE BIND NDX NAME[@[@]VERSION]" for every defined, non-local dynamic symbol.
readelf --dyn-syms -W "$lib" |
    awk 'NR > 3 && $1 ~ /^[0-9]+:$/ && $7 != "UND" && $5 != "LOCAL" {print $4, $5, $7, $8}' \
        >"$tmp/dynsyms"
# GNU ld's symbols for the version nodes themselves: OBJECT, ABS, named after a node.
awk '$1 == "OBJECT" && $3 == "ABS" && $4 !~ /@/ {print $4}' "$tmp/dynsyms" | sort >"$tmp/node_syms"
awk '!($1 == "OBJECT" && $3 == "ABS" && $4 !~ /@/)' "$tmp/dynsyms" >"$tmp/exported_full"
awk '{print $4}' "$tmp/exported_full" | sed 's/@.*//' | sort >"$tmp/exported"
# Function declarations in the header.
"$(dirname "${BASH_SOURCE[0]}")/header_functions.sh" "$header" >"$tmp/declared"

n_exported=$(wc -l <"$tmp/exported")
n_declared=$(wc -l <"$tmp/declared")
echo "$n_exported symbols exported by $lib, $n_declared functions declared in $header"

if [[ "$n_declared" -gt 50 ]]; then ok "the header parses into $n_declared declarations"; else fail "only $n_declared declarations parsed from $header"; fi

others="$(grep -v '^tuf_' "$tmp/exported" || true)"
if [[ -z "$others" ]]; then ok "every exported symbol is tuf_*"; else fail "symbols without the tuf_ prefix: $(echo $others)"; fi

not_func="$(awk '$1 != "FUNC" || ($2 != "GLOBAL") {print $4 " (" $1 " " $2 ")"}' "$tmp/exported_full")"
if [[ -z "$not_func" ]]; then ok "every exported symbol is a global function"; else fail "exported symbols that are not global functions: $(echo $not_func)"; fi

if diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
    ok "the exported symbols are exactly the functions of the header"
else
    fail "exported symbols differ from the header's functions (- header only, + library only):"
    grep -E '^[-+]tuf' "$tmp/diff" || true
fi

# NAME@@NODE: the default version, of a node of the script.
unversioned="$(awk '$4 !~ /@@/ {print $4}' "$tmp/exported_full")"
if [[ -z "$unversioned" ]]; then
    ok "every exported function has a default version (NAME@@NODE)"
else
    fail "exported without a default version: $(echo $unversioned)"
fi
sed -n 's/^.*@@//p' <(awk '{print $4}' "$tmp/exported_full") | sort | uniq -c >"$tmp/used_nodes"
echo "functions per version node: $(awk '{printf "%s %s; ", $2, $1}' "$tmp/used_nodes")"
foreign="$(awk '{print $2}' "$tmp/used_nodes" | grep -vxF -f "$tmp/nodes" || true)"
if [[ -z "$foreign" ]]; then
    ok "every exported function is versioned with a node of the version script"
else
    fail "versions not in $map: $(echo $foreign)"
fi

stray="$(grep -vxF -f "$tmp/nodes" "$tmp/node_syms" || true)"
if [[ -z "$stray" ]]; then
    ok "no other symbols (version-node symbols, which GNU ld adds: $(wc -l <"$tmp/node_syms"))"
else
    fail "absolute symbols that are not version nodes: $(echo $stray)"
fi

# The version definitions: the SONAME (the base version) and the script's nodes.
readelf -V "$lib" | sed -n '/\.gnu\.version_d/,/\.gnu\.version_r/p' |
    sed -n 's/.*Flags: *\([A-Za-z]*\).*Name: *\([^ ]*\).*/\1 \2/p' >"$tmp/verdefs"
base="$(awk '$1 == "BASE" {print $2}' "$tmp/verdefs")"
awk '$1 != "BASE" {print $2}' "$tmp/verdefs" | sort >"$tmp/defined_nodes"
if [[ "$base" == "$soname" ]] && diff -q "$tmp/nodes" "$tmp/defined_nodes" >/dev/null; then
    ok "the library defines the versions $soname (base) and $(words "$tmp/nodes")"
else
    fail "version definitions: base '$base', nodes '$(words "$tmp/defined_nodes")';" \
        "expected $soname and '$(words "$tmp/nodes")'"
fi

got="$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')"
if [[ "$got" == "$soname" ]]; then ok "SONAME is $soname"; else fail "SONAME is '$got', expected $soname"; fi

echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
