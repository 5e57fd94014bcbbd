#!/usr/bin/env bash
# tuf-client's cache options (examples-c/tuf-client, or a binding's client with the same CLI)
# over the demo repository (file://): --help documents
# them; --offline refreshes and downloads from the cache without a metadata URL, finds a target
# already downloaded, refuses one that is not, and names what an empty cache lacks;
# --offline-accept-expired-unsafe needs --offline; --in-memory writes nothing to the metadata
# directory.
#
#   check_tuf_client_cache.sh TUF_CLIENT DEMO_DIR   (also run against tuf-client-cpp,
#                                                   bindings/cpp/tests/CMakeLists.txt)
set -euo pipefail

exe="$1"
demo="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

# shellcheck source=tests/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"

# Runs the client; sets $status and $err (its stderr).
run() {
    err="$("$exe" "$@" 2>&1 >/dev/null)" && status=0 || status=$?
}

urls=(--metadata-url "file://$demo/metadata" --target-base-url "file://$demo/targets")
md="$dir/metadata"
targets="$dir/targets"

help="$("$exe" --help)"
for flag in --offline --offline-accept-expired-unsafe --in-memory "freeze attacks"; do
    expect grep -qe "$flag" <<<"$help"
done

# Offline before anything is cached: the missing file is named.
run --metadata-dir "$md" init "$demo/root.json"
expect test "$status" -eq 0
run --offline --metadata-dir "$md" refresh
expect test "$status" -eq 1
expect grep -q "timestamp.json" <<<"$err"

# Online once, then offline without a metadata URL.
run "${urls[@]}" --metadata-dir "$md" --target-dir "$targets" --target-name hello.txt download
expect test "$status" -eq 0
run --offline --metadata-dir "$md" refresh
expect test "$status" -eq 0
run --offline --metadata-dir "$md" --target-dir "$targets" --target-name hello.txt download
expect test "$status" -eq 0
# A target not downloaded yet is not downloaded; a delegated role not cached is named.
run --offline --metadata-dir "$md" --target-dir "$targets" --target-name docs/README.txt download
expect test "$status" -eq 1
expect grep -q "no network request" <<<"$err"
run --offline --metadata-dir "$md" --target-dir "$targets" --target-name apps/app-1.0.tar.gz \
    download
expect test "$status" -eq 1
expect grep -q "apps.json" <<<"$err"
run --offline --offline-accept-expired-unsafe --metadata-dir "$md" refresh
expect test "$status" -eq 0
expect grep -q "freeze attacks" <<<"$err"
run --offline-accept-expired-unsafe "${urls[@]}" --metadata-dir "$md" refresh
expect test "$status" -eq 2
run --offline --in-memory --metadata-dir "$md" refresh
expect test "$status" -eq 2

# In memory: the metadata directory holds the trusted root only, and stays so.
mem="$dir/memory"
run --metadata-dir "$mem" init "$demo/root.json"
before="$(cd "$mem" && find . | sort && cat root.json | cksum)"
run --in-memory "${urls[@]}" --metadata-dir "$mem" --target-dir "$dir/mem-targets" \
    --target-name apps/app-1.0.tar.gz download
expect test "$status" -eq 0
expect test -f "$dir/mem-targets/apps%2Fapp-1.0.tar.gz"
after="$(cd "$mem" && find . | sort && cat root.json | cksum)"
expect test "$before" = "$after"

summary
