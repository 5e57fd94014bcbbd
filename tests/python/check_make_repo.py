#!/usr/bin/env python3
"""Check the repository examples-c/make-repo writes with python-tuf's client and libtuf's.

Usage: check_make_repo.py MAKE_REPO TUF_CLIENT

1. Runs MAKE_REPO into a temporary directory.
2. python-tuf's ngclient Updater, trusting metadata/1.root.json, refreshes over HTTP (a local
   server) and downloads every target the metadata lists (top-level and delegated): it must
   end on root version 2 and get exactly the bytes make-repo wrote. Every keyid is
   securesystemslib's default keyid.
3. libtuf's TUF_CLIENT (examples-c/tuf-client) does the same over file://.
4. Tampered copies are rejected by both clients: a target file whose content changed
   (download fails), and a timestamp whose signature changed (refresh fails).

Prints what it checked; exits 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from urllib.parse import quote

from securesystemslib.formats import encode_canonical
from tuf.api.exceptions import RepositoryError
from tuf.api.metadata import Metadata, Root, Targets
from tuf.ngclient import Updater

try:  # private in securesystemslib 1.x
    from securesystemslib.signer._utils import compute_default_keyid
except ImportError:  # pragma: no cover
    import hashlib

    def compute_default_keyid(keytype, scheme, keyval):
        data = encode_canonical({"keytype": keytype, "scheme": scheme, "keyval": keyval})
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Failure(Exception):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise Failure(msg)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(directory: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def listed_targets(repo: str) -> dict[str, str]:
    """Every target path the repository lists, with the role listing it; checks keyids."""
    mdir = os.path.join(repo, "metadata")
    for name in ("1.root.json", "2.root.json"):
        root = Metadata[Root].from_file(os.path.join(mdir, name)).signed
        for keyid, key in root.keys.items():
            check(keyid == compute_default_keyid(key.keytype, key.scheme, key.keyval),
                  f"{name}: keyid {keyid} is not the default keyid")
    found: dict[str, str] = {}
    pending = ["targets"]
    while pending:
        role = pending.pop()
        t = Metadata[Targets].from_file(os.path.join(mdir, f"{role}.json")).signed
        for path in t.targets:
            found[path] = role
        if t.delegations is not None:
            for keyid, key in t.delegations.keys.items():
                check(keyid == compute_default_keyid(key.keytype, key.scheme, key.keyval),
                      f"{role}: delegated keyid {keyid} is not the default keyid")
            pending.extend(t.delegations.roles or {})
    return found


def expected_bytes(repo: str, path: str) -> bytes:
    with open(os.path.join(repo, "targets", *path.split("/")), "rb") as f:
        return f.read()


def python_client(repo: str, work: str, url: str, targets: dict[str, str]) -> None:
    """python-tuf refreshes and downloads every target; raises on any failure."""
    mdir = os.path.join(work, "metadata")
    tdir = os.path.join(work, "targets")
    os.makedirs(mdir)
    os.makedirs(tdir)
    with open(os.path.join(repo, "metadata", "1.root.json"), "rb") as f:
        trusted_root = f.read()
    updater = Updater(mdir, f"{url}/metadata/", tdir, f"{url}/targets/", bootstrap=trusted_root)
    updater.refresh()
    version = Metadata[Root].from_file(os.path.join(mdir, "root.json")).signed.version
    check(version == 2, f"python-tuf trusts root version {version}, expected 2")
    for path in targets:
        info = updater.get_targetinfo(path)
        check(info is not None, f"python-tuf does not find {path}")
        saved = updater.download_target(info)
        with open(saved, "rb") as f:
            check(f.read() == expected_bytes(repo, path), f"python-tuf: {path} differs")


def libtuf_client(client: str, repo: str, work: str, targets: dict[str, str]) -> subprocess.CompletedProcess:
    mdir = os.path.join(work, "metadata")
    tdir = os.path.join(work, "targets")
    init = subprocess.run([client, "--metadata-dir", mdir, "init",
                           os.path.join(repo, "metadata", "1.root.json")],
                          capture_output=True, text=True)
    check(init.returncode == 0, f"tuf-client init failed: {init.stderr}")
    args = [client, "--metadata-dir", mdir, "--metadata-url",
            "file://" + os.path.join(repo, "metadata"), "--target-base-url",
            "file://" + os.path.join(repo, "targets") + "/", "--target-dir", tdir]
    for path in targets:
        args += ["--target-name", path]
    return subprocess.run(args + ["download"], capture_output=True, text=True)


def tamper_target(repo: str, path: str) -> None:
    """Changes the content of every copy of target `path` (plain and hash-prefixed)."""
    dirname, _, base = path.rpartition("/")
    tdir = os.path.join(repo, "targets", *filter(None, dirname.split("/")))
    for name in os.listdir(tdir):
        if name == base or name.endswith("." + base):
            with open(os.path.join(tdir, name), "r+b") as f:
                data = bytearray(f.read())
                data[0] ^= 1
                f.seek(0)
                f.write(data)


def tamper_timestamp_signature(repo: str) -> None:
    path = os.path.join(repo, "metadata", "timestamp.json")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    at = text.index('"sig": "') + 8
    flipped = "1" if text[at] == "0" else "0"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:at] + flipped + text[at + 1:])


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    make_repo, client = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="libtuf-make-repo-") as tmp:
        try:
            repo = os.path.join(tmp, "repo")
            out = subprocess.run([make_repo, repo], capture_output=True, text=True)
            check(out.returncode == 0, f"make-repo failed: {out.stderr}")
            targets = listed_targets(repo)
            check(len(targets) >= 4, f"expected at least 4 targets, got {sorted(targets)}")
            check("projects" in targets.values(), "no target is listed by a delegated role")
            print(f"make-repo wrote {len(targets)} targets: "
                  + ", ".join(f"{p} ({r})" for p, r in sorted(targets.items())))

            server, url = serve(repo)
            try:
                python_client(repo, os.path.join(tmp, "python"), url, targets)
            finally:
                server.shutdown()
            print("OK python-tuf: root 1 -> 2, every target downloaded and identical")

            run = libtuf_client(client, repo, os.path.join(tmp, "libtuf"), targets)
            check(run.returncode == 0, f"tuf-client failed: {run.stderr}")
            for path in targets:
                saved = os.path.join(tmp, "libtuf", "targets", quote(path, safe=""))
                with open(saved, "rb") as f:
                    check(f.read() == expected_bytes(repo, path), f"tuf-client: {path} differs")
            print("OK libtuf tuf-client: every target downloaded and identical")

            for what, tamper in [
                ("target file", lambda r: tamper_target(r, "hello.txt")),
                ("timestamp signature", tamper_timestamp_signature),
            ]:
                bad = os.path.join(tmp, "tampered")
                shutil.rmtree(bad, ignore_errors=True)
                shutil.copytree(repo, bad)
                tamper(bad)
                server, url = serve(bad)
                work = os.path.join(tmp, "python-tampered")
                shutil.rmtree(work, ignore_errors=True)
                try:
                    python_client(repo=bad, work=work, url=url, targets=targets)
                    raise Failure(f"python-tuf accepted a repository with a changed {what}")
                except RepositoryError as e:
                    print(f"OK python-tuf rejects a changed {what}: {type(e).__name__}")
                finally:
                    server.shutdown()
                work = os.path.join(tmp, "libtuf-tampered")
                shutil.rmtree(work, ignore_errors=True)
                run = libtuf_client(client, bad, work, targets)
                check(run.returncode == 1 and run.stderr.startswith("tuf-client: "),
                      f"tuf-client accepted a repository with a changed {what}: {run.stderr}")
                print(f"OK libtuf tuf-client rejects a changed {what}: {run.stderr.strip()}")
        except Failure as e:
            print(f"FAIL {e}")
            return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
