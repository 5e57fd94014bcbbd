#!/usr/bin/env bash
# Runs libtuf's fuzz targets (cargo-fuzz / libFuzzer, with AddressSanitizer and
# LeakSanitizer), one after the other, each for DURATION seconds with a single worker.
#
#   fuzz/run.sh DURATION [TARGET...]      (default: every target)
#
# The machine has only the stable toolchain: RUSTC_BOOTSTRAP=1 lets it take the nightly
# flags cargo-fuzz passes (-Zsanitizer=address and others). cargo-fuzz is installed when
# missing. Inputs the fuzzer finds go to fuzz/target/corpus/TARGET (not committed); the
# committed seeds in fuzz/corpus/TARGET are read only. A crash stops the script with the
# failing input under fuzz/artifacts/TARGET/.
#
# Environment:
#   FUZZ_NICE     niceness of the fuzzing processes (default 10)
#   FUZZ_ARGS     extra libFuzzer arguments
#   CI            when "true", the fuzz crate's Cargo.lock must be up to date
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$FUZZ"
ALL_TARGETS=(json_parse_differential canonical_roundtrip metadata_parse trusted_set_sequence
    matching c_verifier)

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh DURATION [TARGET...]" >&2
    exit 2
fi
DURATION="$1"
shift
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
    TARGETS=("${ALL_TARGETS[@]}")
fi

# The matching target skips inputs over 400 bytes (its reference matcher is cubic).
declare -A EXTRA=([matching]=-max_len=400)
declare -A DICT=(
    [json_parse_differential]=json.dict
    [canonical_roundtrip]=json.dict
    [metadata_parse]=metadata.dict
    [trusted_set_sequence]=sequence.dict
    [matching]=matching.dict
    [c_verifier]=sequence.dict
)

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
if [[ "${CI:-}" == "true" ]]; then
    cargo fetch --locked --quiet
fi

start=$SECONDS
nice -n "${FUZZ_NICE:-10}" cargo fuzz build
echo "built the fuzz targets in $((SECONDS - start))s"

for t in "${TARGETS[@]}"; do
    if [[ -z "${DICT[$t]:-}" ]]; then
        echo "unknown target $t (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
    work="$FUZZ/target/corpus/$t"
    mkdir -p "$work" "$FUZZ/artifacts/$t"
    echo "==> $t for ${DURATION}s"
    # shellcheck disable=SC2086 # EXTRA and FUZZ_ARGS are lists of arguments
    nice -n "${FUZZ_NICE:-10}" cargo fuzz run "$t" "$work" "$FUZZ/corpus/$t" -- \
        -max_total_time="$DURATION" -timeout=10 -dict="$FUZZ/dict/${DICT[$t]}" \
        -print_final_stats=1 ${EXTRA[$t]:-} ${FUZZ_ARGS:-}
done
