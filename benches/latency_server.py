#!/usr/bin/env python3
"""A static HTTP server that waits before every answer: a distant repository on localhost.

    benches/latency_server.py ROOT [--port 18790] [--delay 0.020]

Serves the directory ROOT over HTTP/1.1 with keep-alive (Python's http.server, one thread
per connection), sleeping --delay seconds before answering each request. The client
benchmark of ../shared/bench serves its repositories from a local nginx, where a request
costs a fraction of a millisecond and only the work of the client shows; against this
server, the waits show: how many requests a client makes one after the other, and how many
it makes at once. For example, looking up and downloading 100 targets of hash-binned
delegations, one lookup after the other or all at once:

    benches/latency_server.py /tmp/bench-work/repos &
    python3 ../shared/bench/measure.py --repo /tmp/bench-work/repos/hashbins-1024 \\
        --metadata-url http://127.0.0.1:18790/hashbins-1024/metadata/ \\
        --targets-url http://127.0.0.1:18790/hashbins-1024/targets/ \\
        --clients OLD_CLIENT,NEW_CLIENT --ops dl100 --runs 3
"""

import argparse
import functools
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", help="directory to serve")
    ap.add_argument("--port", type=int, default=18790)
    ap.add_argument("--delay", type=float, default=0.020, help="seconds before each answer")
    a = ap.parse_args()

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave at once: the wait is --delay, not --delay plus a delayed ACK.
        disable_nagle_algorithm = True

        def do_GET(self):
            time.sleep(a.delay)
            super().do_GET()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", a.port),
                                 functools.partial(Handler, directory=a.root))
    server.serve_forever()


if __name__ == "__main__":
    main()
