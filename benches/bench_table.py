#!/usr/bin/env python3
"""Turns the raw runs of ../shared/bench (its RESULTS.jsonl) into one table: every cell's
median wall time and peak RSS per client, and a client's ratio to others against a bound.

    benches/bench_table.py RESULTS.jsonl [--client NAME] [--bound PEER=RATIO ...] [--rss]

    ../shared/bench/run.sh python-tuf go-tuf target/bench-bin/tuf-client-c   # writes RESULTS.jsonl
    benches/bench_table.py RESULTS.jsonl --client tuf-client-c --bound go-tuf=0.33 --bound python-tuf=0.10

Client names are the basenames run.sh was given. A ratio is the client's median over the
peer's median in the same cell; a cell whose ratio is above its bound (with --rss: or whose
peak RSS is not below the peer's) is marked. The harness reads peak RSS from the kernel's
ru_maxrss, which also counts the harness's own memory at the fork (about 15 MB): a client
smaller than that shows the same figure as every other one. A cell a client failed shows "fail" (and no ratio). Exit
status 1 when a cell is marked, 0 otherwise.
"""

import argparse
import collections
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="the .jsonl file run.sh wrote")
    ap.add_argument("--client", help="the client whose ratios are shown (default: the last one)")
    ap.add_argument("--bound", action="append", default=[], metavar="PEER=RATIO",
                    help="mark cells where client/PEER is above RATIO")
    ap.add_argument("--rss", action="store_true", help="also mark cells where the client's "
                    "peak RSS is not below a bounded peer's")
    a = ap.parse_args()

    cells = collections.OrderedDict()
    clients = []
    with open(a.results) as f:
        for line in f:
            r = json.loads(line)
            cells.setdefault((r["label"], r["op"]), {})[r["client"]] = r
            if r["client"] not in clients:
                clients.append(r["client"])
    client = a.client or clients[-1]
    bounds = []
    for b in a.bound:
        peer, _, ratio = b.partition("=")
        bounds.append((peer, float(ratio)))

    def median(cell, name):
        r = cell.get(name)
        return r.get("wall_median") if r else None

    head = ["cell"] + clients + [f"{client}/{p} (<= {r})" for p, r in bounds] + ["peak RSS MB"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    marked = 0
    for (label, op), cell in cells.items():
        row = [f"{label} {op}"]
        for c in clients:
            m = median(cell, c)
            row.append("fail" if m is None else f"{m * 1e3:.1f} ms")
        notes = []
        mine = median(cell, client)
        for peer, bound in bounds:
            theirs = median(cell, peer)
            if mine is None or theirs is None:
                row.append("—")
                continue
            ratio = mine / theirs
            row.append(f"{ratio:.2f}x" + (" **over**" if ratio > bound else ""))
            if ratio > bound:
                notes.append(peer)
            rss, peer_rss = (cell[n].get("rss_mb_median") for n in (client, peer))
            if a.rss and rss is not None and peer_rss is not None and rss >= peer_rss:
                notes.append(f"RSS not below {peer}")
        row.append(" / ".join("-" if cell.get(c) is None or cell[c].get("rss_mb_median") is None
                              else f"{cell[c]['rss_mb_median']:.0f}" for c in clients))
        marked += bool(notes)
        print("| " + " | ".join(row) + " |" + (f" marked: {', '.join(notes)}" if notes else ""))
    print(f"\n{marked} of {len(cells)} cells marked for {client}")
    return 1 if marked else 0


if __name__ == "__main__":
    sys.exit(main())
