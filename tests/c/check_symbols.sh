#!/usr/bin/env bash
# The dynamic symbol table of libtuf.so holds exactly the functions declared in tuf.h (all
# named tuf_*, nothing else exported), and the SONAME is libtuf.so.0.
#
#   check_symbols.sh LIBTUF_SO TUF_H [EXPECTED_SONAME]
set -euo pipefail

lib="$1"
header="$2"
soname="${3:-libtuf.so.0}"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# "ADDRESS TYPE NAME" for every defined dynamic symbol.
nm -D --defined-only "$lib" >"$tmp/nm"
awk '{print $NF}' "$tmp/nm" | sort >"$tmp/exported"
# Function declarations in the header: "RET name(ARGS);" on one line, outside typedefs.
grep -E '^[A-Za-z_][A-Za-z0-9_ *]*[ *]tuf_[a-z0-9_]+\(' "$header" | grep -v '^typedef' |
    sed -E 's/^.*[ *](tuf_[a-z0-9_]+)\(.*$/\1/' | sort >"$tmp/declared"

n_exported=$(wc -l <"$tmp/exported")
n_declared=$(wc -l <"$tmp/declared")
echo "$n_exported symbols exported by $lib, $n_declared functions declared in $header"

if [[ "$n_declared" -gt 50 ]]; then ok "the header parses into $n_declared declarations"; else fail "only $n_declared declarations parsed from $header"; fi

others="$(grep -v '^tuf_' "$tmp/exported" || true)"
if [[ -z "$others" ]]; then ok "every exported symbol is tuf_*"; else fail "symbols without the tuf_ prefix: $(echo $others)"; fi

not_text="$(awk '$2 != "T" {print $NF " (" $2 ")"}' "$tmp/nm")"
if [[ -z "$not_text" ]]; then ok "every exported symbol is a function"; else fail "exported non-function symbols: $(echo $not_text)"; fi

if diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
    ok "the exported symbols are exactly the functions of the header"
else
    fail "exported symbols differ from the header's functions (- header only, + library only):"
    grep -E '^[-+]tuf' "$tmp/diff" || true
fi

got="$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')"
if [[ "$got" == "$soname" ]]; then ok "SONAME is $soname"; else fail "SONAME is '$got', expected $soname"; fi

echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
