#!/usr/bin/env bash
# The ABI of the current tree against the baseline recorded in abi/ (docs/ABI.md):
#   - libtuf.abi (the release libtuf.so's SONAME and versioned function symbols) and tuf.h.abi
#     (the C interface: function signatures and types) with abidiff. A change that only adds
#     is compatible: the check passes and says how to record it. Any other change (a function
#     or symbol removed, a signature or type changed, a symbol's version changed) is
#     incompatible and fails the check, unless the SONAME changed with it;
#   - no function is added to a version node that a release has shipped (abi/released-nodes);
#   - constants.txt: no TUF_* constant of the baseline is removed or changes value, and no
#     two result codes (TUF_OK, TUF_ERR_*) share a value.
#
#   tests/abi/check.sh [CARGO_FLAGS...]     (e.g. --locked; passed to cargo build)
#
# abidiff's exit status is a bit field: 1 error, 2 usage error, 4 ABI change, 8 incompatible
# ABI change. It counts a changed signature as a change (4) but not as an incompatible one, so
# the check runs abidiff twice: with --no-added-syms every remaining change is one that is not
# an addition, and is treated as incompatible.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$REPO/abi"
passed=0
failed=0
additions=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }
indent() { sed 's/^/    /' "$@"; }
joined() { paste -sd';' | sed 's/;/; /g'; }

for tool in abidiff abidw; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "FAILED: $tool not found (Debian: abigail-tools; tests/deps.sh --tests installs it)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cur="$tmp/current"
"$REPO/abi/dump.sh" "$cur" "$@"

lib="${CARGO_TARGET_DIR:-$REPO/target}/release/libtuf.so"
if readelf -d "$lib" | grep -q 'NEEDED.*libgcc_s'; then
    fail "libtuf.so needs libgcc_s.so.1: its unwinder should be linked in (abi/link-cc.sh)"
else
    ok "libtuf.so needs no libgcc_s.so.1 (its unwinder is linked in)"
fi

attr() { sed -n "1s/.* $2='\\([^']*\\)'.*/\\1/p" "$1"; }
arch_base="$(attr "$base/libtuf.abi" architecture)"
arch_cur="$(attr "$cur/libtuf.abi" architecture)"
if [[ "$arch_base" != "$arch_cur" ]]; then
    echo "skipped: the baseline describes $arch_base, this build is $arch_cur"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
soname_base="$(attr "$base/libtuf.abi" soname)"
soname_cur="$(attr "$cur/libtuf.abi" soname)"
new_soname=0
if [[ "$soname_base" == "$soname_cur" ]]; then
    ok "SONAME $soname_cur, as in the baseline"
else
    new_soname=1
    ok "SONAME changed from $soname_base to $soname_cur: incompatible changes are allowed with it"
fi

# compare FILE WHAT: abidiff of the baseline's FILE and the current one.
compare() {
    local file="$1" what="$2" rc=0 rc_strict=0
    abidiff "$base/$file" "$cur/$file" >"$tmp/$file.diff" 2>&1 || rc=$?
    abidiff --no-added-syms "$base/$file" "$cur/$file" >"$tmp/$file.strict" 2>&1 || rc_strict=$?
    if (((rc | rc_strict) & 3)); then
        fail "$what: abidiff failed (exit codes $rc, $rc_strict)"
        indent "$tmp/$file.diff"
    elif ((rc == 0)); then
        ok "$what: no change (abidiff exit code 0)"
    elif ((rc_strict == 0)); then
        additions=1
        ok "$what: compatible additions only (abidiff exit code $rc; 0 without the additions):"
        indent "$tmp/$file.diff"
    elif ((new_soname)); then
        ok "$what: changes under the new SONAME (abidiff exit code $rc):"
        indent "$tmp/$file.diff"
    else
        fail "$what: incompatible change (abidiff exit code $rc; $rc_strict without the additions):"
        indent "$tmp/$file.diff"
    fi
}
compare libtuf.abi "libtuf.so (symbols, versions, SONAME)"
compare tuf.h.abi "tuf.h (function signatures and types)"

# Added functions go into a version node that no release has shipped (abi/released-nodes).
syms() { grep -o "<elf-symbol name='[^']*' version='[^']*'" "$1" | sed "s/.*name='\([^']*\)' version='\([^']*\)'/\1 \2/" | sort; }
syms "$base/libtuf.abi" >"$tmp/syms.base"
syms "$cur/libtuf.abi" >"$tmp/syms.cur"
released="$(awk '!/^#/ && NF {print $1}' "$base/released-nodes" | paste -sd' ')"
added_to_released="$(awk -v released="$released" '
    BEGIN { n = split(released, a, " "); for (i = 1; i <= n; i++) r[a[i]] = 1 }
    FILENAME == ARGV[1] { b[$1] = 1; next }
    !($1 in b) && ($2 in r) { print $1 "@@" $2 }' "$tmp/syms.base" "$tmp/syms.cur")"
if [[ -z "$added_to_released" ]]; then
    ok "no function added to a released version node (released: ${released:-none yet})"
else
    fail "functions added to a version node that a release shipped (give them the node of" \
        "the next release in abi/libtuf.map): $(echo $added_to_released)"
fi

# The constants: the baseline's names with the same values; new names are additions.
# "removed NAME" or "changed NAME OLD -> NEW" for each baseline constant, "new NAME VALUE".
awk 'FILENAME == ARGV[1] { b[$1] = $2; next }
    { c[$1] = $2; if (!($1 in b)) print "new", $1, $2 }
    END { for (n in b) if (!(n in c)) print "removed", n; else if (b[n] != c[n]) print "changed", n, b[n], "->", c[n] }' \
    "$base/constants.txt" "$cur/constants.txt" | sort >"$tmp/constants.diff"
gone="$(grep -v '^new ' "$tmp/constants.diff" | joined || true)"
if [[ -z "$gone" ]]; then
    ok "constants: every TUF_* constant of the baseline keeps its value"
elif ((new_soname)); then
    ok "constants: removed or changed under the new SONAME: $gone"
else
    fail "constants removed or renumbered: $gone"
fi
if grep -q '^new ' "$tmp/constants.diff"; then
    additions=1
    echo "    new constants: $(grep '^new ' "$tmp/constants.diff" | cut -d' ' -f2- | joined)"
fi
dups="$(awk '$1 == "TUF_OK" || $1 ~ /^TUF_ERR_/ {print $2}' "$cur/constants.txt" | sort | uniq -d)"
if [[ -z "$dups" ]]; then
    ok "constants: every result code has its own value"
else
    fail "result codes sharing a value: $(echo $dups)"
fi

if ((failed == 0)) && ((additions || new_soname)); then
    echo
    if ((new_soname)); then
        echo "The SONAME changed. Record the new baseline with the change:"
    else
        echo "The ABI differs from the baseline in abi/ in a compatible way. Record it with the change:"
    fi
    echo "    abi/update.sh && git add abi/"
fi
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
