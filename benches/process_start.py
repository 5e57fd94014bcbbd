#!/usr/bin/env python3
"""What starting a process that links libtuf costs, step by step, on this machine.

    benches/process_start.py LIBDIR [--runs N] [--cmd "COMMAND ..."]...

    benches/process_start.py target/bench-prefix/lib --cmd "target/bench/examples-c/tuf-client --help"

LIBDIR holds libtuf.so (an install's lib directory). The script compiles four programs that
do nothing in main() with the system C compiler, and times each as the benchmark harness
times a client (fork, exec, wait): a bare C program; one that also loads libssl and
libcrypto (which libcurl's TLS needs); one that also initializes OpenSSL as libcurl's global
initialization does; and one linked to libtuf, whose load runs libcurl's global
initialization (the `curl` crate does it from a load-time constructor). With Go installed,
a cgo program that does nothing is timed too: what the Go runtime adds to any process of
the Go binding. Each --cmd is timed the same way. Medians over --runs runs (default 200),
interleaved.
"""

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PROGRAMS = [
    ("bare C program", "int main(void) { return 0; }\n", []),
    ("+ libssl, libcrypto loaded", "int main(void) { return 0; }\n",
     ["-Wl,--no-as-needed", "-lssl", "-lcrypto"]),
    ("+ OpenSSL initialized as libcurl does",
     "#include <openssl/ssl.h>\nint main(void) {\n"
     "  OPENSSL_init_ssl(OPENSSL_INIT_ENGINE_ALL_BUILTIN | OPENSSL_INIT_LOAD_CONFIG, NULL);\n"
     "  return 0;\n}\n", ["-lssl", "-lcrypto"]),
    ("linked to libtuf", "int main(void) { return 0; }\n", ["-Wl,--no-as-needed", "-ltuf"]),
]

CGO = """package main

/*
int nothing(void) { return 0; }
*/
import "C"

func main() { C.nothing() }
"""


def build(work, libdir):
    built = []
    for i, (name, source, flags) in enumerate(PROGRAMS):
        src, exe = os.path.join(work, f"p{i}.c"), os.path.join(work, f"p{i}")
        with open(src, "w") as f:
            f.write(source)
        cc = os.environ.get("CC", "cc")
        cmd = [cc, "-O2", src, "-o", exe, f"-L{libdir}", f"-Wl,-rpath,{libdir}"] + flags
        subprocess.run(cmd, check=True)
        built.append((name, [exe]))
    if shutil.which("go"):
        d = os.path.join(work, "cgo")
        os.makedirs(d)
        with open(os.path.join(d, "main.go"), "w") as f:
            f.write(CGO)
        with open(os.path.join(d, "go.mod"), "w") as f:
            f.write("module cgostart\n\ngo 1.21\n")
        exe = os.path.join(work, "cgo-nothing")
        env = dict(os.environ, GOFLAGS="-mod=mod", CGO_ENABLED="1")
        subprocess.run(["go", "build", "-o", exe, "."], cwd=d, check=True, env=env)
        built.append(("cgo program (Go runtime)", [exe]))
    else:
        print("go not found: the cgo program is not timed")
    return built


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("libdir", help="the lib directory of a libtuf install")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--cmd", action="append", default=[], help="a command to time as well")
    a = ap.parse_args()
    libdir = os.path.abspath(a.libdir)
    if not os.path.exists(os.path.join(libdir, "libtuf.so")):
        sys.exit(f"{libdir}/libtuf.so not found")
    with tempfile.TemporaryDirectory() as work:
        progs = build(work, libdir) + [(c, shlex.split(c)) for c in a.cmd]
        times = {name: [] for name, _ in progs}
        for _ in range(a.runs + 1):
            for name, argv in progs:
                t = time.perf_counter()
                subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times[name].append(time.perf_counter() - t)
        base = None
        for name, _ in progs:
            m = statistics.median(times[name][1:]) * 1e3
            base = m if base is None else base
            print(f"{name:<44} median {m:6.2f} ms  (+{m - base:.2f} ms over the bare C program)")


if __name__ == "__main__":
    main()
