#!/usr/bin/env bash
# The linker cargo uses on Linux (.cargo/config.toml): runs `cc` (or $TUF_LINK_CC) with the
# arguments rustc gives it, unchanged, except when linking libtuf.so.
#
# For a cdylib, rustc writes an anonymous version script listing the crate's exported symbols
# and passes it as -Wl,--version-script=<tmp>/list. libtuf's own script, abi/libtuf.map
# (passed by build.rs as -Wl,--version-script=<repo>/abi/libtuf.map), puts the same symbols in
# named version nodes (TUF_0.1, ...). A linker cannot use both: GNU ld stops with "anonymous
# version tag cannot be combined with other version tags", lld keeps rustc's exact names
# unversioned. So when libtuf.map is among the arguments, rustc's script is left out, after
# checking that every symbol it exports is exported by libtuf.map too: a #[no_mangle] function
# that the map would hide is an error, not a silently missing symbol. Names starting with "__"
# are the toolchain's (e.g. __llvm_profile_raw_version in coverage builds), and, when
# rustls-ffi is linked in (feature bundled-curl-rustls), rustls_* and RUSTLS_* are its C API,
# which the bundled libcurl calls inside libtuf: both stay hidden.
#
# libtuf.so also gets its own copy of the unwinder (libgcc_eh, static, hidden by the map) in
# place of libgcc_s.so.1, which rustc asks for with -lgcc_s: loading libgcc_s runs its CPU
# model probe in every process, about 0.1 ms of a client's start-up here. Unwinding never
# leaves libtuf (every exported function catches panics; callbacks must not unwind into it),
# so a program's own unwinder, for its C++ exceptions say, and libtuf's do not meet.
#
# (rustc guesses the kind of linker from its file name: a name such as link.sh would be taken
# for MSVC's link.exe; link-cc gets the target's default, a cc driver.)
set -euo pipefail

cc="${TUF_LINK_CC:-cc}"
ours=""
rustls_ffi=0
for arg in "$@"; do
    if [[ "$arg" == -Wl,--version-script=*/abi/libtuf.map ]]; then
        ours="${arg#-Wl,--version-script=}"
    elif [[ "$arg" == */librustls_ffi-*.rlib ]]; then
        rustls_ffi=1
    fi
done
if [[ -z "$ours" ]]; then
    exec "$cc" "$@"
fi

# The global patterns of the map: the names and globs between "global:" and "local:".
map_globals() {
    sed -e 's|/\*.*\*/||g' -e '/\/\*/,/\*\//d' -e 's/#.*//' "$1" | tr -s ' \t\n' ' ' |
        sed -e 's/[{}]/ & /g' | awk '
            { for (i = 1; i <= NF; i++) {
                t = $i
                if (t == "global:") { g = 1; continue }
                if (t == "local:" || t == "}" || t == "};") { g = 0; continue }
                if (g && t != "{") { sub(/;$/, "", t); if (t != "") print t }
            } }'
}
# The symbols of rustc's script: the names between "global:" and "local:".
rustc_globals() {
    awk '/^ *global:/ { g = 1; next } /^ *local:/ { g = 0 } g { sub(/^ +/, ""); sub(/;$/, ""); if ($0 != "") print }' "$1"
}

mapfile -t patterns < <(map_globals "$ours")
args=()
for arg in "$@"; do
    if [[ "$arg" == -Wl,--version-script=* && "$arg" != "-Wl,--version-script=$ours" ]]; then
        list="${arg#-Wl,--version-script=}"
        while IFS= read -r sym; do
            [[ "$sym" == __* ]] && continue
            ((rustls_ffi)) && [[ "$sym" == rustls_* || "$sym" == RUSTLS_* ]] && continue
            covered=0
            for p in "${patterns[@]}"; do
                # shellcheck disable=SC2053 # $p is a glob of the version script
                if [[ "$sym" == $p ]]; then
                    covered=1
                    break
                fi
            done
            if ((!covered)); then
                echo "abi/link-cc.sh: libtuf exports '$sym', which $ours does not export;" \
                    "exported functions are named tuf_* (see docs/ABI.md)" >&2
                exit 1
            fi
        done < <(rustc_globals "$list")
        continue
    fi
    if [[ "$arg" == -lgcc_s ]]; then
        args+=(-Wl,-Bstatic -lgcc_eh -lgcc -Wl,-Bdynamic)
        continue
    fi
    args+=("$arg")
done
exec "$cc" "${args[@]}"
