#!/usr/bin/env bash
# Writes the ABI description of the current source tree into OUT_DIR (docs/ABI.md, "The
# baseline"): what abi/update.sh records in abi/ and tests/abi/check.sh compares with it.
#
#   abi/dump.sh OUT_DIR [CARGO_FLAGS...]
#
#   libtuf.abi     abidw of the release build of libtuf.so: the SONAME and the exported
#                  function symbols with their versions. The release profile has no debug
#                  information, so abidw records symbols only.
#   tuf.h.abi      abidw of a stub library compiled with -g from include/tuf.h: one empty
#                  definition per declared function, linked with the same version script and
#                  SONAME. Its DWARF is the C interface as C programs see it: every function's
#                  parameter and return types, the typedefs (tuf_result, the callback types)
#                  and the opaque handle structs. (The Rust library's own DWARF describes the
#                  handles with their Rust fields and names types by Rust module paths, none of
#                  which is part of the C ABI.)
#   constants.txt  the integer #define TUF_* constants of tuf.h (result codes, log levels,
#                  flags) and their values, except TUF_VERSION_*.
#
# Environment: CC (default cc).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
shift
header="$REPO/include/tuf.h"
map="$REPO/abi/libtuf.map"
abidw_flags=(--no-corpus-path --no-comp-dir-path --no-elf-needed --type-id-style hash)

for tool in abidw "${CC:-cc}" readelf; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "abi/dump.sh: $tool not found (tests/deps.sh --tests installs it)" >&2
        exit 1
    fi
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The release build, as installed. cargo runs in the source tree so that .cargo/config.toml
# (the linker that applies abi/libtuf.map) is in effect.
(cd "$REPO" && cargo build --release --lib --quiet "$@")
lib="${CARGO_TARGET_DIR:-$REPO/target}/release/libtuf.so"
soname="$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')"
abidw "${abidw_flags[@]}" --out-file "$out/libtuf.abi" "$lib"

# The stub: "RET name(ARGS);" declarations of tuf.h (one per line, as cbindgen writes them with
# args = "horizontal") become "RET name(ARGS) { __builtin_trap(); }".
{
    echo '#include "tuf.h"'
    grep -E '^[A-Za-z_][A-Za-z0-9_ *]*[ *]tuf_[a-z0-9_]+\(.*\);$' "$header" | grep -v '^typedef' |
        sed -E 's/;$/ { __builtin_trap(); }/'
} >"$work/tuf-abi-stub.c"
if [[ "$(grep -c '__builtin_trap' "$work/tuf-abi-stub.c")" -lt 1 ]]; then
    echo "abi/dump.sh: no function declaration found in $header" >&2
    exit 1
fi
(cd "$work" && "${CC:-cc}" -std=c99 -g -O0 -fPIC -shared -I "$REPO/include" \
    -Wl,-soname,"$soname" -Wl,--version-script="$map" -o tuf-abi-stub.so tuf-abi-stub.c)
(cd "$work" && abidw "${abidw_flags[@]}" --no-show-locs --out-file "$out/tuf.h.abi" tuf-abi-stub.so)

sed -nE 's/^#define (TUF_[A-Z0-9_]+) +\(?(-?[0-9]+)\)?$/\1 \2/p' "$header" | grep -v '^TUF_VERSION_' \
    >"$out/constants.txt"
