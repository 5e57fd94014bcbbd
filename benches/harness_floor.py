#!/usr/bin/env python3
"""What the client benchmark's harness reports for a process that does nothing but wait.

    benches/harness_floor.py [--bench ../shared/bench] [--runs N] [--max-us US] [--step-us US]

Times a C program (compiled here with the system C compiler) that spins for 0, STEP, 2*STEP,
... up to --max-us microseconds and allocates nothing, with the harness's own function
(`run_proc_rusage` of `measure.py` in --bench, imported, not copied), and prints for each the
median wall time and the peak RSS the harness reads for it. Two properties of the harness
show:

- The wall time it reports grows in steps, not with the work: it polls `wait4` between
  sleeps of 0.5 ms, so a process is seen to end at the first poll after it ended. An
  operation of `measure.py` is one or two processes (`init`, then the operation), each
  rounded up so.
- The peak RSS it reads (`ru_maxrss` of the child) is at least the harness's own: a child
  inherits the peak of the process it was forked from, up to its `exec`. No client reports
  less, so where a peer is that small, a client can tie it but not be below it. The last
  line shows it: the same program, once this process holds 64 MiB more.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

SPIN = r"""#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
    long us = argc > 1 ? atol(argv[1]) : 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
    return 0;
}
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=os.path.join(here, "..", "..", "shared", "bench"),
                    help="the directory holding measure.py")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--max-us", type=int, default=2400)
    ap.add_argument("--step-us", type=int, default=200)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.bench, "measure.py")):
        sys.exit(f"no measure.py in {a.bench} (--bench)")
    sys.path.insert(0, a.bench)
    from measure import run_proc_rusage  # noqa: E402 (the harness's own function)

    with tempfile.TemporaryDirectory() as work:
        src, exe = os.path.join(work, "spin.c"), os.path.join(work, "spin")
        with open(src, "w") as f:
            f.write(SPIN)
        subprocess.run([os.environ.get("CC", "cc"), "-O2", src, "-o", exe], check=True)
        print(f"{'work in the process':>20}  {'harness wall (median)':>22}  {'peak RSS read':>14}")
        for us in range(0, a.max_us + 1, a.step_us):
            walls, rss = [], []
            for _ in range(a.runs):
                wall, maxrss, rc, _ = run_proc_rusage([exe, str(us)], 10)
                if rc != 0:
                    sys.exit(f"spin {us} exited with {rc}")
                walls.append(wall)
                rss.append(maxrss)
            print(f"{us / 1000:>17.2f} ms  {statistics.median(walls) * 1e3:>19.2f} ms"
                  f"  {statistics.median(rss) / 1024:>11.1f} MB")
        # The reading follows the parent: 64 MiB more in this process, the same child.
        ballast = bytearray(64 << 20)
        ballast[::4096] = b"x" * len(ballast[::4096])
        _, maxrss, _, _ = run_proc_rusage([exe, "0"], 10)
        print(f"with 64 MiB more in the harness process, the same program: peak RSS read "
              f"{maxrss / 1024:.1f} MB")
        del ballast


if __name__ == "__main__":
    main()
