#!/usr/bin/env bash
# The API reference (CMake TUF_BUILD_DOCS: Doxygen, docs/api/xml2man.py) from include/tuf.h:
# - it builds, with a man page for every function the header declares, the overview
#   libtuf(3), and HTML; every page is valid roff (man --warnings);
# - it fails, naming the function, when a function of the header has no doc comment: the
#   header is copied with one comment removed, and with an undocumented function added.
#
#   tests/packaging/api-docs.sh WORK_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/checks.sh
. "$here/../checks.sh"
work="$1"
rm -rf "$work"
mkdir -p "$work"
work="$(cd "$work" && pwd)"

# docs_tree DIR: the files a docs-only configure reads, copied from the repository.
docs_tree() {
    mkdir -p "$1"
    (cd "$repo" && tar -cf - CMakeLists.txt Cargo.toml cmake docs include bindings/cpp) |
        tar -x -C "$1"
}
# build_docs SRC BUILD: configure for the reference alone and build it.
build_docs() {
    cmake -S "$1" -B "$2" -DTUF_BUILD_DOCS=ON -DTUF_BUILD_EXAMPLES=OFF -DTUF_BUILD_TESTS=OFF \
        -DTUF_BUILD_CPP=OFF -DCMAKE_INSTALL_PREFIX=/usr >/dev/null &&
        cmake --build "$2" --target docs
}

docs_tree "$work/ok"
check "the reference builds from include/tuf.h" build_docs "$work/ok" "$work/ok/build"
man3="$work/ok/build/docs/man3"
missing=()
while read -r fn; do
    [[ -s "$man3/$fn.3" ]] || missing+=("$fn")
done < <(sed -n 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *]\(tuf_[a-z0-9_]*\)(.*/\1/p' "$repo/include/tuf.h")
functions="$(sed -n 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *]\(tuf_[a-z0-9_]*\)(.*/\1/p' "$repo/include/tuf.h" | wc -l)"
if ((functions > 0 && ${#missing[@]} == 0)); then
    ok "a man page for each of the header's $functions functions"
else
    fail "functions of tuf.h without a man page: ${missing[*]:-none found in tuf.h}"
fi
check "the overview page libtuf.3" test -s "$man3/libtuf.3"
check "HTML: index.html and the header's page" \
    test -s "$work/ok/build/docs/html/index.html" -a -s "$work/ok/build/docs/html/tuf_8h.html"
if command -v man >/dev/null 2>&1; then
    bad=()
    for page in "$man3"/*.3; do
        if [[ -n "$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)" ]]; then
            bad+=("$(basename "$page")")
        fi
    done
    if ((${#bad[@]} == 0)); then
        ok "every page formats without a groff warning"
    else
        fail "groff warnings in: ${bad[*]}"
    fi
else
    skip "man is not installed: pages not formatted"
fi

# An undocumented function fails the build and is named.
docs_tree "$work/undocumented"
python3 - "$work/undocumented/include/tuf.h" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
# Drop the doc comment of tuf_updater_free, and add a function without one.
text, n = re.subn(r"/\*\*(?:(?!\*/).)*\*/\n(void tuf_updater_free\()", r"\1", text, flags=re.S)
assert n == 1, "tuf_updater_free's doc comment not found"
text = text.replace("#ifdef __cplusplus\n}", "void tuf_undocumented_function(void);\n\n#ifdef __cplusplus\n}")
open(path, "w", encoding="utf-8").write(text)
EOF
if build_docs "$work/undocumented" "$work/undocumented/build" >"$work/undocumented.log" 2>&1; then
    fail "the reference builds although functions are undocumented"
else
    for fn in tuf_updater_free tuf_undocumented_function; do
        check "an undocumented $fn fails the build, named" \
            grep -q "$fn.*is not documented" "$work/undocumented.log"
    done
fi

summary
