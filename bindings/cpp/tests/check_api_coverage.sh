#!/usr/bin/env bash
# The C++ binding wraps every function declared in tuf.h: each is used (called, or named as a
# deleter) as `::tuf_NAME` in the code of bindings/cpp/include, comments left out. A function
# added to tuf.h fails this check until the binding wraps it.
#
#   check_api_coverage.sh TUF_H BINDING_INCLUDE_DIR
set -euo pipefail

header="$1"
include="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
code="$(find "$include" -name '*.hpp' -print0 | sort -z | xargs -0 cat | sed -e 's://.*$::')"
passed=0
failed=0
for f in $("$here/../../../tests/c/header_functions.sh" "$header"); do
    if grep -Eq "::$f([^a-z0-9_]|\$)" <<<"$code"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $f is not wrapped in $include"
        failed=$((failed + 1))
    fi
done
if [[ "$passed" -lt 50 ]]; then
    echo "FAILED: only $passed functions found in $header"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
