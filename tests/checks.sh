# Helpers of the shell tests (sourced): counted checks and the closing line. Used by the
# packaging tests and by the install checks of the C library and the C++ binding.
#   check DESCRIPTION CMD...   runs CMD, output shown only on failure
#   expect CMD...              runs CMD as it is (its output not captured), the result named
#                              by CMD's arguments
#   ok / fail / skip MESSAGE   count a result
#   offline CMD...             runs CMD in a new network namespace (no network at all) when
#                              this machine allows it, else as it is (then only cargo's
#                              offline settings keep it off the network, and it says so)
#   summary                    prints "N passed, N failed[, N skipped]", fails if any failed
passed=0
failed=0
skipped=0
ok() {
    passed=$((passed + 1))
    echo "ok: $*"
}
fail() {
    failed=$((failed + 1))
    echo "FAILED: $*"
}
skip() {
    skipped=$((skipped + 1))
    echo "skipped: $*"
}
check() {
    local what="$1"
    shift
    local log
    log="$(mktemp)"
    if "$@" >"$log" 2>&1; then
        ok "$what"
    else
        fail "$what"
        sed 's/^/    /' "$log" | tail -n 60
    fi
    rm -f "$log"
}
expect() {
    if "$@"; then
        ok "${*:2}"
    else
        fail "${*:2}"
    fi
}
offline() {
    if unshare --net true 2>/dev/null; then
        unshare --net "$@"
    else
        echo "note: cannot create a network namespace here; the network is not cut off" >&2
        "$@"
    fi
}
summary() {
    if ((skipped)); then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
    [[ "$failed" -eq 0 ]]
}
