#!/usr/bin/env python3
"""What creating a file costs in DIR after other files there were deleted a moment before.

    benches/file_churn.py DIR [--deleted N ...] [--files N] [--rounds N]

For each count N of --deleted (default 0 300 1000 3000): creates N empty files in a
subdirectory of DIR, deletes them, flushes the file system (`sync`), waits a little over a
second, then times --files new files (each created exclusively, written with 1000 bytes,
renamed: as a client caches a file), and prints the median cost of one over --rounds rounds.

On ext4 without a journal, allocating an inode skips, one by one, the free inodes whose
deletion time is less than 5 seconds old (5 minutes while their inode table block is not
written back): every file created then costs more with each file deleted shortly before in
the same part of the disk, whoever deleted it. With a journal
(ext4's default), or on another file system, the cost stays flat. The client benchmark's
harness deletes each client's directories before every run, so this is what a file costs in
its matrix. Whether DIR's file system has a journal: `/proc/fs/ext4/DEVICE/options` lists
`data=` for one that has.
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--deleted", type=int, nargs="+", default=[0, 300, 1000, 3000])
    ap.add_argument("--files", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="file-churn.", dir=a.dir)
    try:
        for deleted in a.deleted:
            costs = []
            for _ in range(a.rounds):
                churn = os.path.join(work, "churn")
                os.makedirs(churn)
                for k in range(deleted):
                    open(os.path.join(churn, f"f{k}"), "w").close()
                shutil.rmtree(churn)
                os.sync()
                # Deletion times are in seconds, and only those before the current second
                # count as recent.
                time.sleep(1.05)
                start = time.perf_counter()
                for k in range(a.files):
                    tmp, final = os.path.join(work, f".t{k}.tmp"), os.path.join(work, f"t{k}")
                    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
                    os.write(fd, b"x" * 1000)
                    os.close(fd)
                    os.rename(tmp, final)
                costs.append((time.perf_counter() - start) / a.files)
                for k in range(a.files):
                    os.unlink(os.path.join(work, f"t{k}"))
            print(f"{deleted:>6} files deleted 1 s before: {statistics.median(costs) * 1e6:7.1f} us "
                  f"per file created")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
