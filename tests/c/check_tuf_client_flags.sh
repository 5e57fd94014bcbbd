#!/usr/bin/env bash
# examples-c/tuf-client's time, cancellation and error options over the demo repository
# (file://, and HTTP from a local Python server that also has a /slow/ tree sending one byte of
# a file, then nothing): --help documents them; --reference-time far in the future makes
# refresh fail with an expiry error; --cancel-after-bytes makes download fail with a cancelled
# message (in refresh, and in the target's transfer), and a later plain download succeeds from
# the same cache; SIGINT during a stalled transfer does the same; --timeout-ms ends a stalled
# transfer; --lock-timeout-ms 0 fails at once while another process holds the metadata
# directory's lock; --progress reports transfers; a missing file on the HTTP server is reported
# with "HTTP 404" and its URL; bad numbers are usage errors (exit 2).
#
#   check_tuf_client_flags.sh TUF_CLIENT DEMO_DIR   (also run against tuf-client-cpp,
#                                                   bindings/cpp/tests/CMakeLists.txt)
set -euo pipefail

exe="$1"
demo="$(cd "$2" && pwd)"
dir="$(mktemp -d)"
server_pid=
client_pid=
cleanup() {
    [[ -n "$client_pid" ]] && kill "$client_pid" 2>/dev/null || true
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

# shellcheck source=tests/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"

# Runs the client; sets $status and $err (its stderr).
run() {
    err="$("$exe" "$@" 2>&1 >/dev/null)" && status=0 || status=$?
}

file_urls=(--metadata-url "file://$demo/metadata" --target-base-url "file://$demo/targets")
hello_file=("$demo"/targets/*.hello.txt)

help="$("$exe" --help)"
for flag in --reference-time --timeout-ms --lock-timeout-ms --progress --cancel-after-bytes \
    SIGINT "HTTP 404"; do
    expect grep -qe "$flag" <<<"$help"
done

# Bad numbers: usage errors, nothing touched.
for bad in "--reference-time abc" "--reference-time 1e9" "--reference-time 253402300800" \
    "--reference-time -62135596801" "--reference-time 99999999999999999999" \
    "--timeout-ms -1" "--timeout-ms 10s" "--timeout-ms 18446744073709551616" \
    "--lock-timeout-ms x" "--lock-timeout-ms ''" "--cancel-after-bytes -5" \
    "--cancel-after-bytes 0x10"; do
    eval "args=($bad)"
    run "${args[@]}" "${file_urls[@]}" --metadata-dir "$dir/never" refresh
    expect test "$status" -eq 2
    expect grep -qe "${args[0]}" <<<"$err"
    expect grep -q "usage:" <<<"$err"
done
expect test ! -e "$dir/never"

md="$dir/metadata"
targets="$dir/targets"
run --metadata-dir "$md" init "$demo/root.json"
expect test "$status" -eq 0

# Reference time: far in the future everything has expired; now, nothing has.
run "${file_urls[@]}" --metadata-dir "$md" --reference-time 253402300799 refresh
expect test "$status" -eq 1
expect grep -q "expired" <<<"$err"
expect grep -q "(role root)" <<<"$err"
run "${file_urls[@]}" --metadata-dir "$md" --reference-time "$(date +%s)" refresh
expect test "$status" -eq 0

# Cancelled after the first byte: exit 1, cancelled, nothing at the destination; the cache
# stays valid and a plain download then succeeds.
run "${file_urls[@]}" --metadata-dir "$md" --target-dir "$targets" --target-name hello.txt \
    --cancel-after-bytes 1 download
expect test "$status" -eq 1
expect grep -q "cancelled" <<<"$err"
expect grep -q "cancel-after-bytes 1 reached" <<<"$err"
expect test ! -e "$targets/hello.txt"
# With the cache warm, refresh fetches timestamp.json (and no new root): one byte more cancels
# the target's transfer.
timestamp_length="$(wc -c <"$demo/metadata/timestamp.json")"
run "${file_urls[@]}" --metadata-dir "$md" --target-dir "$targets" --target-name hello.txt \
    --cancel-after-bytes "$((timestamp_length + 1))" download
expect test "$status" -eq 1
expect grep -q "hello.txt: cancelled" <<<"$err"
expect test ! -e "$targets/hello.txt"
run "${file_urls[@]}" --metadata-dir "$md" --target-dir "$targets" --target-name hello.txt \
    --progress download
expect test "$status" -eq 0
expect cmp -s "$targets/hello.txt" "${hello_file[0]}"
expect grep -q "progress: file://.*hello.txt: 39 of 39 bytes" <<<"$err"

# The lock of the metadata directory, held by this shell: 0 ms fails at once.
exec 9>"$md/.lock"
flock 9
run "${file_urls[@]}" --metadata-dir "$md" --lock-timeout-ms 0 refresh
expect test "$status" -eq 1
expect grep -q "lock timeout (0 ms)" <<<"$err"
flock -u 9
exec 9>&-
run "${file_urls[@]}" --metadata-dir "$md" --lock-timeout-ms 0 refresh
expect test "$status" -eq 0

# HTTP: a local server over the demo repository.
command -v python3 >/dev/null || {
    echo "FAILED: python3 is needed for the HTTP checks"
    exit 1
}
python3 - "$demo" "$dir/port" <<'EOF' &
import functools, http.server, os, sys, time

root, port_file = sys.argv[1], sys.argv[2]


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if not self.path.startswith("/slow/"):
            return super().do_GET()
        # One byte of the file, then nothing.
        path = os.path.join(root, self.path[len("/slow/"):])
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return self.send_error(404)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:1])
        self.wfile.flush()
        time.sleep(60)


server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=root))
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 100); do
    [[ -s "$dir/port" ]] && break
    sleep 0.1
done
base="http://127.0.0.1:$(cat "$dir/port")"

hmd="$dir/http-metadata"
htargets="$dir/http-targets"
run --metadata-dir "$hmd" init "$demo/root.json"
expect test "$status" -eq 0

# Missing files: the HTTP status and the URL.
run --metadata-url "$base/nowhere/" --metadata-dir "$hmd" refresh
expect test "$status" -eq 1
expect grep -q "HTTP 404" <<<"$err"
expect grep -qF "URL $base/nowhere/timestamp.json" <<<"$err"
run --metadata-url "$base/metadata/" --target-base-url "$base/nowhere/" --metadata-dir "$hmd" \
    --target-dir "$htargets" --target-name hello.txt download
expect test "$status" -eq 1
expect grep -q "HTTP 404" <<<"$err"
expect grep -qF "URL $base/nowhere/$(basename "${hello_file[0]}")" <<<"$err"

# A stalled target transfer: --timeout-ms ends it.
slow=(--metadata-url "$base/metadata/" --target-base-url "$base/slow/targets/"
    --metadata-dir "$hmd" --target-dir "$htargets" --target-name hello.txt)
run "${slow[@]}" --timeout-ms 1000 download
expect test "$status" -eq 1
expect grep -qF "$base/slow/targets/" <<<"$err"
expect grep -q "deadline of 1000 ms" <<<"$err"
expect test ! -e "$htargets/hello.txt"

# SIGINT during a stalled transfer: cancelled, exit 1; then a plain download succeeds.
"$exe" "${slow[@]}" --progress --timeout-ms 0 download 2>"$dir/sigint.err" &
client_pid=$!
for _ in $(seq 300); do
    grep -q "hello.txt: 1 of 39 bytes" "$dir/sigint.err" && break
    sleep 0.1
done
kill -INT "$client_pid"
wait "$client_pid" && status=0 || status=$?
client_pid=
err="$(cat "$dir/sigint.err")"
expect test "$status" -eq 1
expect grep -q "cancelled" <<<"$err"
expect grep -q "interrupted by SIGINT" <<<"$err"
expect test ! -e "$htargets/hello.txt"
run --metadata-url "$base/metadata/" --target-base-url "$base/targets/" --metadata-dir "$hmd" \
    --target-dir "$htargets" --target-name hello.txt download
expect test "$status" -eq 0
expect cmp -s "$htargets/hello.txt" "${hello_file[0]}"

summary
