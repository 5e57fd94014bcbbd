#!/usr/bin/env bash
# Each header of the C++ binding compiles on its own (it includes what it uses), as C++17 with
# strict warnings as errors.
#
#   check_headers.sh CXX C_INCLUDE_DIR CPP_INCLUDE_DIR HEADER...
set -euo pipefail

cxx="$1"
c_include="$2"
cpp_include="$3"
shift 3
flags=(-std=c++17 -Wall -Wextra -Werror -pedantic -Wshadow -Wconversion -Wsign-conversion
    -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual)
passed=0
failed=0
for h in "$@"; do
    if printf '#include <%s>\n#include <%s>\n' "$h" "$h" |
        "$cxx" "${flags[@]}" -I "$cpp_include" -I "$c_include" -fsyntax-only -x c++ -; then
        passed=$((passed + 1))
    else
        echo "FAILED: $h"
        failed=$((failed + 1))
    fi
done
[[ "$passed" -gt 0 ]] || { echo "FAILED: no header given"; exit 1; }
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
