#!/usr/bin/env bash
# The C++ examples against the demo repository over file://: minimal-cpp downloads a target;
# tuf-client-cpp runs init, refresh and download (targets byte-identical to the repository's),
# and exits 1 for an unknown target and 2 for bad usage; several targets in parallel (one
# failing), --max-connections and --no-resume. The cache, time and cancellation options are
# checked by examples-c/tuf-client's own scripts run against tuf-client-cpp (cpp_client_cache,
# cpp_client_flags in CMakeLists.txt).
#
#   check_examples.sh TUF_CLIENT_CPP MINIMAL_CPP DEMO_REPO_DIR
set -euo pipefail

client="$1"
minimal="$2"
demo="$3"
passed=0
failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*"; }
# expect STATUS DESCRIPTION CMD...: CMD exits with STATUS (its output shown on failure).
expect() {
    local want="$1" what="$2" got=0
    shift 2
    "$@" >"$tmp/out" 2>&1 || got=$?
    if [[ "$got" == "$want" ]]; then
        ok "$what"
    else
        fail "$what: exit $got, expected $want"
        sed 's/^/    /' "$tmp/out"
    fi
}
same() {
    if cmp -s "$1" "$2"; then ok "$3"; else fail "$3: $1 differs from $2"; fi
}

md="file://$demo/metadata"
tg="file://$demo/targets"

mkdir -p "$tmp/minimal/md"
cp "$demo/root.json" "$tmp/minimal/md/root.json"
expect 0 "minimal-cpp downloads hello.txt" \
    env -C "$tmp/minimal" "$minimal" "$tmp/minimal/md" "$md" "$tg" hello.txt
same "$tmp/minimal/hello.txt" "$demo"/targets/*.hello.txt "minimal-cpp: the file is the repository's"
expect 1 "minimal-cpp: unknown target" \
    env -C "$tmp/minimal" "$minimal" "$tmp/minimal/md" "$md" "$tg" nothing.txt
expect 2 "minimal-cpp: usage" "$minimal"

c="$tmp/client"
expect 0 "tuf-client-cpp init" "$client" --metadata-dir "$c/md" init "$demo/root.json"
expect 0 "tuf-client-cpp refresh" "$client" --metadata-dir "$c/md" --metadata-url "$md" refresh
expect 0 "tuf-client-cpp -v download" "$client" -v --metadata-dir "$c/md" --metadata-url "$md" \
    --target-name hello.txt --target-name apps/app-1.0.tar.gz \
    --target-base-url "$tg" --target-dir "$c/targets" download
grep -q "verified and saved to" "$tmp/out" && ok "-v reports each target" || fail "-v output"
same "$c/targets/hello.txt" "$demo"/targets/*.hello.txt "downloaded hello.txt"
# In the targets directory, a target path is one percent-encoded file name (as python-tuf).
same "$c/targets/apps%2Fapp-1.0.tar.gz" "$demo"/targets/apps/*.app-1.0.tar.gz \
    "downloaded apps/app-1.0.tar.gz"
expect 0 "tuf-client-cpp -v download again" "$client" -v --metadata-dir "$c/md" \
    --metadata-url "$md" --target-name hello.txt --target-base-url "$tg" \
    --target-dir "$c/targets" download
grep -q "already in" "$tmp/out" && ok "a second download finds the file" || fail "second download"
expect 1 "tuf-client-cpp: unknown target" "$client" --metadata-dir "$c/md" --metadata-url "$md" \
    --target-name nothing.txt --target-base-url "$tg" --target-dir "$c/targets" download
grep -q "^tuf-client: nothing.txt" "$tmp/out" && ok "the failure names the target" ||
    fail "failure message: $(cat "$tmp/out")"
expect 1 "tuf-client-cpp: refresh without init" "$client" --metadata-dir "$c/none" \
    --metadata-url "$md" refresh
expect 2 "tuf-client-cpp: bad --retries" "$client" --retries 101 --metadata-dir "$c/md" \
    --metadata-url "$md" refresh
expect 2 "tuf-client-cpp: no command" "$client"
expect 2 "tuf-client-cpp: unknown option" "$client" --bogus
expect 0 "tuf-client-cpp: --help" "$client" --help
grep -q -- "--retry-backoff-ms" "$tmp/out" && ok "--help lists the options" || fail "--help text"

expect 0 "tuf-client-cpp: --help (download options)" "$client" --help
for flag in --max-connections --no-resume; do
    grep -q -e "$flag" "$tmp/out" && ok "--help lists $flag" || fail "--help lacks $flag"
done

# Several targets at once, one of them missing from the repository: the others are saved, the
# missing one is named, exit 1.
p="$tmp/parallel"
cp -r "$demo/targets" "$p-repo"
rm "$p-repo"/apps/*.app-1.0.tar.gz
expect 0 "parallel: init" "$client" --metadata-dir "$p/md" init "$demo/root.json"
expect 1 "parallel: download with one target failing" "$client" --max-connections 2 \
    --no-resume --metadata-dir "$p/md" --metadata-url "$md" --target-name hello.txt \
    --target-name apps/app-1.0.tar.gz --target-name docs/README.txt \
    --target-base-url "file://$p-repo" --target-dir "$p/targets" download
grep -q "^tuf-client: apps/app-1.0.tar.gz" "$tmp/out" &&
    ok "parallel: the failure names the target" ||
    fail "parallel: failure message: $(cat "$tmp/out")"
same "$p/targets/hello.txt" "$demo"/targets/*.hello.txt "parallel: hello.txt saved"
same "$p/targets/docs%2FREADME.txt" "$demo"/targets/docs/*.README.txt "parallel: README saved"
[[ ! -e "$p/targets/apps%2Fapp-1.0.tar.gz" ]] && ok "parallel: nothing for the failed target" ||
    fail "parallel: a file for the failed target"
expect 0 "parallel: -v download" "$client" -v --max-connections 3 --metadata-dir "$p/md" \
    --metadata-url "$md" --target-name hello.txt --target-name apps/app-1.0.tar.gz \
    --target-base-url "$tg" --target-dir "$p/targets" download
grep -q "hello.txt: .*already in" "$tmp/out" && ok "parallel: present files are reported" ||
    fail "parallel -v: $(cat "$tmp/out")"
same "$p/targets/apps%2Fapp-1.0.tar.gz" "$demo"/targets/apps/*.app-1.0.tar.gz \
    "parallel: apps/app-1.0.tar.gz saved"
expect 2 "--max-connections 0" "$client" --max-connections 0 --metadata-dir "$p/md" \
    --metadata-url "$md" refresh

echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
