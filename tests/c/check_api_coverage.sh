#!/usr/bin/env bash
# The C test programs, together, call every function declared in tuf.h.
#
#   check_api_coverage.sh TUF_H TEST_C [TEST_C ...]
set -euo pipefail

header="$1"
shift
sources=("$@")
passed=0
failed=0
for f in $("$(dirname "${BASH_SOURCE[0]}")/header_functions.sh" "$header"); do
    if grep -Eq "\\b$f\\(" "${sources[@]}"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $f is not called in ${sources[*]}"
        failed=$((failed + 1))
    fi
done
if [[ "$passed" -lt 50 ]]; then
    echo "FAILED: only $passed functions found in $header"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
