#!/usr/bin/env python3
"""Write small signed TUF repositories with python-tuf's Metadata API, for libtuf to verify.

Usage: make_repos.py OUT [--only NAME ...] [--force]

Each repository goes to OUT/NAME/:

    metadata/N.root.json      every root version (1.root.json, 2.root.json, ...)
    metadata/root.json        the latest root
    metadata/timestamp.json
    metadata/snapshot.json
    metadata/targets.json
    metadata/ROLE.json        one per delegated role
    metadata/V.ROLE.json      also, when consistent_snapshot is true (snapshot, targets and
                              every delegated role; timestamp is only unversioned)
    targets/PATH              the target files (plus targets/DIR/HASH.NAME copies when
                              consistent_snapshot is true)
    expected.json             what a verifier must conclude (schema in tests/python/README.md)

Repositories: keytypes, delegations, succinct, consistent (see the build_* functions).

Keys: ed25519 keys are derived from fixed seeds; ECDSA and RSA keys are the fixed test-only
PEMs in tests/data/python-keys/. Expiry is 2099-01-01T00:00:00Z everywhere. Ed25519
signatures are deterministic, so everything signed only with ed25519 is byte-identical on every
run; ECDSA and RSA-PSS signatures are randomized, so files they sign differ between runs while
the keys and keyids stay the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import (
    DelegatedRole,
    Delegations,
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    SuccinctRoles,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

HERE = os.path.dirname(os.path.abspath(__file__))
KEY_DIR = os.path.join(HERE, "..", "data", "python-keys")
EXPIRES = datetime(2099, 1, 1, tzinfo=timezone.utc)
TOP_LEVEL = ["root", "timestamp", "snapshot", "targets"]

# PEM file (without .pem) -> securesystemslib scheme.
PEM_SCHEMES = {
    "ecdsa-p256-a": "ecdsa-sha2-nistp256",
    "ecdsa-p256-b": "ecdsa-sha2-nistp256",
    "ecdsa-p384-a": "ecdsa-sha2-nistp384",
    "ecdsa-p384-b": "ecdsa-sha2-nistp384",
    "rsa2048-a": "rsassa-pss-sha256",
    "rsa3072-a": "rsassa-pss-sha256",
}


def ed25519(label: str) -> CryptoSigner:
    """A deterministic ed25519 signer: the private key is sha256 of a fixed label."""
    seed = hashlib.sha256(f"libtuf-test-key:{label}".encode()).digest()
    priv = Ed25519PrivateKey.from_private_bytes(seed)
    return CryptoSigner(priv, SSlibKey.from_crypto(priv.public_key()))


def pem(name: str) -> CryptoSigner:
    """A signer for one of the checked-in test PEMs (ECDSA P-256/P-384, RSA)."""
    with open(os.path.join(KEY_DIR, f"{name}.pem"), "rb") as f:
        priv = load_pem_private_key(f.read(), password=None)
    pub = SSlibKey.from_crypto(priv.public_key(), scheme=PEM_SCHEMES[name])
    return CryptoSigner(priv, pub)


def content(path: str, size: int = 64) -> bytes:
    """Deterministic target file content."""
    line = f"libtuf test target {path}\n".encode()
    return (line * (size // len(line) + 1))[:size]


class Repo:
    """Collects metadata for one repository, signs it, writes it and its expected.json."""

    def __init__(self, out: str, name: str, consistent: bool = False, compact: bool = False):
        self.name = name
        self.dir = os.path.join(out, name)
        self.mdir = os.path.join(self.dir, "metadata")
        self.tdir = os.path.join(self.dir, "targets")
        os.makedirs(self.mdir)
        os.makedirs(self.tdir)
        self.consistent = consistent
        self.ser = JSONSerializer(compact=compact)
        self.keyids: dict[str, str] = {}
        self.expected_targets: dict[str, dict] = {}
        self.absent: list[str] = []
        self.roles: list[str] = list(TOP_LEVEL)
        self.root_versions = 0
        self.notes: list[str] = []

    # -- keys and roles ---------------------------------------------------------------------
    def note_key(self, signer: CryptoSigner) -> SSlibKey:
        k = signer.public_key
        self.keyids[k.keyid] = f"{k.keytype}/{k.scheme}"
        return k

    def delegations(self, signers: list[CryptoSigner], roles=None, succinct=None) -> Delegations:
        keys = {}
        for s in signers:
            k = self.note_key(s)
            keys[k.keyid] = k
        return Delegations(keys=keys, roles=roles, succinct_roles=succinct)

    # -- writing ----------------------------------------------------------------------------
    def sign(self, signed, signers: list[CryptoSigner]) -> bytes:
        md = Metadata(signed)
        for s in signers:
            md.sign(s, append=True)
        return md.to_bytes(self.ser)

    def write(self, filename: str, data: bytes) -> None:
        with open(os.path.join(self.mdir, filename), "wb") as f:
            f.write(data)

    def write_root(self, root: Root, signers: list[CryptoSigner]) -> bytes:
        for k in root.keys.values():
            self.keyids[k.keyid] = f"{k.keytype}/{k.scheme}"
        data = self.sign(root, signers)
        self.write(f"{root.version}.root.json", data)
        self.write("root.json", data)
        self.root_versions = root.version
        return data

    def write_role(self, role: str, signed, signers: list[CryptoSigner]) -> bytes:
        """Write ROLE.json (and V.ROLE.json when consistent) for a snapshot-listed role."""
        data = self.sign(signed, signers)
        self.write(f"{role}.json", data)
        if self.consistent:
            self.write(f"{signed.version}.{role}.json", data)
        return data

    def add_target(
        self,
        listing: Targets,
        path: str,
        data: bytes,
        algorithms=("sha256",),
        custom=None,
        expect_role: str | None = None,
    ) -> TargetFile:
        """List PATH in LISTING; write the file; if EXPECT_ROLE, a verifier must find it there."""
        tf = TargetFile.from_data(path, data, list(algorithms))
        if custom is not None:
            tf.unrecognized_fields["custom"] = custom
        listing.targets[path] = tf
        self.write_target(path, data, tf)
        if expect_role is not None:
            entry = {"role": expect_role, "length": tf.length, "hashes": dict(tf.hashes)}
            if custom is not None:
                entry["custom"] = custom
            self.expected_targets[path] = entry
        return tf

    def write_target(self, path: str, data: bytes, tf: TargetFile) -> None:
        dirname, sep, base = path.rpartition("/")
        names = [path]
        if self.consistent:
            names += [f"{dirname}{sep}{h}.{base}" for h in tf.hashes.values()]
        for n in names:
            full = os.path.join(self.tdir, *n.split("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)

    def write_expected(self, extra: dict | None = None) -> None:
        exp = {
            "roles": self.roles,
            "targets": self.expected_targets,
            "absent": self.absent,
            "keyids": dict(sorted(self.keyids.items())),
            "root_versions": self.root_versions,
            "consistent_snapshot": self.consistent,
        }
        if extra:
            exp.update(extra)
        if self.notes:
            exp["notes"] = self.notes
        with open(os.path.join(self.dir, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(exp, f, indent=1, ensure_ascii=False, sort_keys=False)
            f.write("\n")


def metafile(data: bytes, version: int, length: bool = False, hashes=()) -> MetaFile:
    return MetaFile(
        version=version,
        length=len(data) if length else None,
        hashes={h: hashlib.new(h, data).hexdigest() for h in hashes} or None,
    )


def publish(repo: Repo, snapshot: Snapshot, timestamp: Timestamp, snap_signers, ts_signers,
            snap_meta_length=False, snap_meta_hashes=()) -> None:
    sdata = repo.write_role("snapshot", snapshot, snap_signers)
    timestamp.snapshot_meta = metafile(sdata, snapshot.version, snap_meta_length, snap_meta_hashes)
    repo.write("timestamp.json", repo.sign(timestamp, ts_signers))


# ---------------------------------------------------------------------------------------------
def build_keytypes(out: str) -> None:
    """All four key types; root threshold 2; two root rotations; rich custom data."""
    r = Repo(out, "keytypes")
    root_a = ed25519("keytypes/root-a")
    root_b = pem("rsa3072-a")
    root_c = ed25519("keytypes/root-c")
    root_d = pem("ecdsa-p256-b")
    ts = pem("ecdsa-p256-a")
    snap = pem("ecdsa-p384-a")
    targ = pem("rsa2048-a")
    stray = ed25519("keytypes/not-in-root")

    root = Root(version=1, expires=EXPIRES, consistent_snapshot=False)
    for k in [root_a, root_b]:
        root.add_key(k.public_key, "root")
    root.add_key(ts.public_key, "timestamp")
    root.add_key(snap.public_key, "snapshot")
    root.add_key(targ.public_key, "targets")
    root.roles["root"].threshold = 2
    r.write_root(root, [root_a, root_b])

    # v2: replace the ed25519 root key a by c. Signed by old {a, b} and new {c, b}.
    root.version = 2
    root.revoke_key(root_a.public_key.keyid, "root")
    root.add_key(root_c.public_key, "root")
    r.write_root(root, [root_a, root_b, root_c])

    # v3: add an ECDSA P-256 key to root (threshold stays 2). Old and new thresholds are both
    # met by {c, b}; d does not sign.
    root.version = 3
    root.add_key(root_d.public_key, "root")
    r.write_root(root, [root_b, root_c])
    r.notes.append("3.root.json adds an ecdsa root key that does not sign it")

    targets = Targets(version=1, expires=EXPIRES)
    custom = {
        "ünïcødé": "snowman ☃, emoji 😀, combining e\u0301, cjk 漢字",
        "nested": {"a": {"b": [1, {"c": {}}, [], [[]], "x"]}, "z": None, "t": True, "f": False},
        "empty_object": {},
        "empty_array": [],
        "big": 2**70,
        "u64_max": 2**64 - 1,
        "i64_min": -(2**63),
        "neg_big": -(2**64),
        "zero": 0,
        "quotes \"and\" \\backslashes\\": "tab\tnewline\ncontrol\u0001del\u007f",
        "\uffff": "sorts before the astral key",
        "\U0001f600": "astral key",
    }
    r.add_target(targets, "hello.txt", content("hello.txt"), ["sha256", "sha512"], custom,
                 expect_role="targets")
    r.add_target(targets, "dir/naïve file ☃.bin", content("naive", 200), ["sha512"],
                 {"empty": {}, "list": [{}, [], 0, -1, 2**100]}, expect_role="targets")
    r.add_target(targets, "empty.bin", b"", ["sha256"], expect_role="targets")
    r.absent += ["Hello.txt", "hello.txt ", "/hello.txt", "dir/naive file ☃.bin"]

    tdata = r.write_role("targets", targets, [targ])
    snapshot = Snapshot(version=1, expires=EXPIRES)
    snapshot.meta["targets.json"] = metafile(tdata, 1)
    timestamp = Timestamp(version=1, expires=EXPIRES)
    # An extra signature from a key root does not know: a verifier must ignore it. (Its keyid
    # is in no key map, so it is not in expected.json's "keyids".)
    publish(r, snapshot, timestamp, [snap], [ts, stray], snap_meta_hashes=("sha256",))
    r.notes.append("timestamp.json carries an extra signature by a key not in root")
    r.write_expected()


# ---------------------------------------------------------------------------------------------
def hash_prefix(path: str, n: int = 2) -> str:
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:n]


def build_delegations(out: str) -> None:
    """Classic delegations: globs, hash prefixes, terminating, nesting, priority, mixed keys."""
    r = Repo(out, "delegations")
    root_k = ed25519("delegations/root")
    ts = ed25519("delegations/timestamp")
    snap = pem("ecdsa-p256-a")
    targ = ed25519("delegations/targets")

    k_txt = ed25519("delegations/txt")
    k_files = pem("ecdsa-p256-b")
    k_abc = pem("ecdsa-p384-b")
    k_hash1 = ed25519("delegations/hashed-1")
    k_hash2 = pem("ecdsa-p384-a")
    k_hash3 = ed25519("delegations/hashed-3")
    k_term = pem("rsa2048-a")
    k_fallback = ed25519("delegations/fallback")
    k_inner = pem("rsa3072-a")
    k_deep = ed25519("delegations/deep")

    root = Root(version=1, expires=EXPIRES, consistent_snapshot=False)
    root.add_key(root_k.public_key, "root")
    root.add_key(ts.public_key, "timestamp")
    root.add_key(snap.public_key, "snapshot")
    root.add_key(targ.public_key, "targets")
    r.write_root(root, [root_k])

    hashed_in = "hashed/one.bin"
    prefix = hash_prefix(hashed_in)
    # A path under hashed/ whose hash does not start with that prefix.
    i = 0
    while hash_prefix(f"hashed/other-{i}.bin")[0] in (prefix[0], "f"):
        i += 1
    hashed_out = f"hashed/other-{i}.bin"
    # A second path that does match the prefix (found by search), so the role lists two.
    j = 0
    while hash_prefix(f"hashed/match-{j}.bin") != prefix:
        j += 1
    hashed_in2 = f"hashed/match-{j}.bin"

    def role(name, keys, threshold=1, terminating=False, paths=None, prefixes=None):
        return DelegatedRole(name, [k.public_key.keyid for k in keys], threshold, terminating,
                             paths=paths, path_hash_prefixes=prefixes)

    targets = Targets(version=1, expires=EXPIRES)
    targets.delegations = r.delegations(
        [k_txt, k_files, k_abc, k_hash1, k_hash2, k_hash3, k_term, k_fallback],
        roles={
            "txt": role("txt", [k_txt], paths=["files/*.txt"]),
            "files": role("files", [k_files], paths=["files/*"]),
            "abc": role("abc", [k_abc], paths=["a/*/c", "v?/[0-9]*.bin"]),
            "hashed": role("hashed", [k_hash1, k_hash2, k_hash3], threshold=2,
                           prefixes=[prefix, "ffff"]),
            "term": role("term", [k_term], terminating=True, paths=["term/*"]),
            "fallback": role("fallback", [k_fallback], paths=["*", "*/*", "*/*/*"]),
        },
    )
    r.roles += ["txt", "files", "abc", "hashed", "term", "fallback", "txt-inner", "txt-deep"]

    r.add_target(targets, "top.txt", content("top.txt"), expect_role="targets")

    txt = Targets(version=1, expires=EXPIRES)
    txt.delegations = r.delegations(
        [k_inner],
        roles={"txt-inner": role("txt-inner", [k_inner], paths=["files/inner-*.txt", "other/*"])},
    )
    r.add_target(txt, "files/a.txt", content("files/a.txt"), expect_role="txt")
    # Priority: "txt" comes before "files", both claim files/dup.txt with different content.
    r.add_target(txt, "files/dup.txt", content("dup from txt", 10), expect_role="txt")

    files = Targets(version=1, expires=EXPIRES)
    r.add_target(files, "files/dup.txt", content("dup from files", 20))
    r.add_target(files, "files/b.bin", content("files/b.bin"), ["sha256", "sha512"],
                 expect_role="files")
    # files/c.txt: "txt" (non-terminating) is searched first and does not list it, then "files".
    r.add_target(files, "files/c.txt", content("files/c.txt"), expect_role="files")

    inner = Targets(version=1, expires=EXPIRES)
    inner.delegations = r.delegations(
        [k_deep, k_txt],
        roles={"txt-deep": role("txt-deep", [k_deep, k_txt], threshold=2,
                                paths=["files/inner-deep-*.txt"])},
    )
    r.add_target(inner, "files/inner-1.txt", content("files/inner-1.txt"), expect_role="txt-inner")
    # Within txt's paths but outside txt-inner's: txt-inner is never asked for it.
    r.add_target(inner, "files/other.txt", content("files/other.txt"))
    # Within txt-inner's own paths, but txt's delegation (files/*.txt) does not cover other/*.
    r.add_target(inner, "other/x", content("other/x"))
    r.absent += ["files/other.txt", "other/x"]

    deep = Targets(version=1, expires=EXPIRES)
    r.add_target(deep, "files/inner-deep-1.txt", content("files/inner-deep-1.txt"),
                 ["sha256", "sha512"], expect_role="txt-deep")

    abc = Targets(version=1, expires=EXPIRES)
    r.add_target(abc, "a/b/c", content("a/b/c"), expect_role="abc")
    r.add_target(abc, "a/xyz/c", content("a/xyz/c"), expect_role="abc")
    r.add_target(abc, "v1/2.bin", content("v1/2.bin"), expect_role="abc")
    r.add_target(abc, "a/b/d", content("a/b/d"))  # outside a/*/c
    r.add_target(abc, "a/b/x/c", content("a/b/x/c"))  # * does not cross /
    r.add_target(abc, "v10/2.bin", content("v10/2.bin"))  # ? is one character
    r.add_target(abc, "v1/x.bin", content("v1/x.bin"))  # [0-9] class
    r.absent += ["a/b/d", "a/b/x/c", "v10/2.bin", "v1/x.bin"]

    hashed = Targets(version=1, expires=EXPIRES)
    r.add_target(hashed, hashed_in, content(hashed_in), expect_role="hashed")
    r.add_target(hashed, hashed_in2, content(hashed_in2), expect_role="hashed")
    r.add_target(hashed, hashed_out, content(hashed_out))
    r.absent.append(hashed_out)

    term = Targets(version=1, expires=EXPIRES)
    r.add_target(term, "term/yes.bin", content("term/yes.bin"), expect_role="term")

    fallback = Targets(version=1, expires=EXPIRES)
    r.add_target(fallback, "misc/fallback.bin", content("misc/fallback.bin"),
                 expect_role="fallback")
    # term is terminating and does not list term/no.bin: the search must stop there.
    r.add_target(fallback, "term/no.bin", content("term/no.bin"))
    # hashed (non-terminating) does not list it; fallback does.
    r.add_target(fallback, "hashed/fallback.bin", content("hashed/fallback.bin"),
                 expect_role="fallback")
    r.absent += ["term/no.bin", "nowhere.bin", "files/missing.txt"]

    snapshot = Snapshot(version=1, expires=EXPIRES)
    for name, signed, signers in [
        ("txt", txt, [k_txt]),
        ("files", files, [k_files]),
        ("abc", abc, [k_abc]),
        ("hashed", hashed, [k_hash1, k_hash2]),  # 2 of 3
        ("term", term, [k_term]),
        ("fallback", fallback, [k_fallback]),
        ("txt-inner", inner, [k_inner]),
        ("txt-deep", deep, [k_deep, k_txt]),
    ]:
        data = r.write_role(name, signed, signers)
        snapshot.meta[f"{name}.json"] = metafile(data, 1)
    tdata = r.write_role("targets", targets, [targ])
    snapshot.meta["targets.json"] = metafile(tdata, 1, length=True, hashes=("sha256",))
    publish(r, snapshot, Timestamp(version=1, expires=EXPIRES), [snap], [ts])
    r.notes.append(f"hashed delegates path_hash_prefixes [{prefix!r}, 'ffff']; "
                   "hashed.json is signed by 2 of its 3 keys")
    r.write_expected()


# ---------------------------------------------------------------------------------------------
def build_succinct(out: str) -> None:
    """TAP 15 succinct_roles, bit_length 4, name_prefix "bin": 16 bins, all written."""
    r = Repo(out, "succinct", compact=True)
    root_k = ed25519("succinct/root")
    ts = ed25519("succinct/timestamp")
    snap = ed25519("succinct/snapshot")
    targ = ed25519("succinct/targets")
    bin_a = ed25519("succinct/bins-a")
    bin_b = pem("ecdsa-p256-a")

    root = Root(version=1, expires=EXPIRES, consistent_snapshot=False)
    for role_name, k in [("root", root_k), ("timestamp", ts), ("snapshot", snap),
                         ("targets", targ)]:
        root.add_key(k.public_key, role_name)
    r.write_root(root, [root_k])

    succ = SuccinctRoles([bin_a.public_key.keyid, bin_b.public_key.keyid], 1, 4, "bin")
    targets = Targets(version=1, expires=EXPIRES)
    targets.delegations = r.delegations([bin_a, bin_b], succinct=succ)
    bin_names = list(succ.get_roles())
    assert bin_names[0] == "bin-0" and bin_names[-1] == "bin-f", bin_names
    r.roles += bin_names
    bins = {n: Targets(version=1, expires=EXPIRES) for n in bin_names}

    # A target in the top-level targets is found there before any bin is consulted.
    r.add_target(targets, "top.txt", content("top.txt"), expect_role="targets")
    # Targets spread over every bin except bin-7, which stays empty (but is still written and
    # listed in snapshot, as TAP 15 requires).
    empty_bin = "bin-7"
    for i in range(48):
        path = f"pkg/package-{i:03d}.tar.gz"
        b = succ.get_role_for_target(path)
        if b == empty_bin:
            r.absent.append(path)
            continue
        r.add_target(bins[b], path, content(path, 32 + i), expect_role=b)
        r.expected_targets[path]["bin"] = b
    # A target listed in the wrong bin must not be found.
    for i in range(100):
        path = f"misplaced/file-{i}.txt"
        b = succ.get_role_for_target(path)
        wrong = bin_names[(bin_names.index(b) + 5) % 16]
        if b != empty_bin and wrong != empty_bin:
            break
    r.add_target(bins[wrong], path, content(path))
    r.absent += [path, "pkg/package-999.tar.gz"]
    r.notes.append(f"{path} is listed by {wrong} but hashes to {b}")

    snapshot = Snapshot(version=1, expires=EXPIRES)
    for n in bin_names:
        # Alternate signers, so both keys are exercised (threshold 1).
        data = r.write_role(n, bins[n], [bin_a if int(n[4:], 16) % 2 == 0 else bin_b])
        snapshot.meta[f"{n}.json"] = metafile(data, 1)
    tdata = r.write_role("targets", targets, [targ])
    snapshot.meta["targets.json"] = metafile(tdata, 1)
    publish(r, snapshot, Timestamp(version=1, expires=EXPIRES), [snap], [ts])
    empty = sorted(n for n in bin_names if not bins[n].targets)
    assert empty == [empty_bin], empty
    r.write_expected({
        "succinct": {"bit_length": 4, "name_prefix": "bin", "bins": bin_names,
                     "empty_bins": empty},
    })


# ---------------------------------------------------------------------------------------------
def build_consistent(out: str) -> None:
    """consistent_snapshot true, version-prefixed metadata, meta with length + 2 hashes."""
    r = Repo(out, "consistent", consistent=True)
    root_k1 = ed25519("consistent/root-1")
    root_k2 = ed25519("consistent/root-2")
    ts = ed25519("consistent/timestamp")
    snap = ed25519("consistent/snapshot")
    targ = ed25519("consistent/targets")
    k_del = ed25519("consistent/delegated")

    root = Root(version=1, expires=EXPIRES, consistent_snapshot=True)
    root.add_key(root_k1.public_key, "root")
    root.add_key(ts.public_key, "timestamp")
    root.add_key(snap.public_key, "snapshot")
    root.add_key(targ.public_key, "targets")
    r.write_root(root, [root_k1])
    root.version = 2
    root.revoke_key(root_k1.public_key.keyid, "root")
    root.add_key(root_k2.public_key, "root")
    r.write_root(root, [root_k1, root_k2])

    # Versions other than 1, so that V.ROLE.json names are exercised.
    targets = Targets(version=3, expires=EXPIRES)
    targets.delegations = r.delegations(
        [k_del],
        roles={"project": DelegatedRole("project", [k_del.public_key.keyid], 1, False,
                                        paths=["project/*"])},
    )
    r.roles.append("project")
    for i in range(5):
        path = f"file-{i}.txt"
        r.add_target(targets, path, content(path, 100 + i), ["sha256", "sha512"],
                     expect_role="targets")
    r.add_target(targets, "sub/dir/file.txt", content("sub/dir/file.txt"),
                 ["sha256", "sha512"], expect_role="targets")
    project = Targets(version=2, expires=EXPIRES)
    r.add_target(project, "project/p.tar.gz", content("project/p.tar.gz", 300),
                 ["sha256", "sha512"], expect_role="project")
    r.absent += ["file-5.txt", "project/q.tar.gz"]

    snapshot = Snapshot(version=4, expires=EXPIRES)
    pdata = r.write_role("project", project, [k_del])
    snapshot.meta["project.json"] = metafile(pdata, 2, True, ("sha256", "sha512"))
    tdata = r.write_role("targets", targets, [targ])
    snapshot.meta["targets.json"] = metafile(tdata, 3, True, ("sha256", "sha512"))
    publish(r, snapshot, Timestamp(version=5, expires=EXPIRES), [snap], [ts],
            snap_meta_length=True, snap_meta_hashes=("sha256", "sha512"))
    r.write_expected({"versions": {"timestamp": 5, "snapshot": 4, "targets": 3, "project": 2}})


BUILDERS = {
    "keytypes": build_keytypes,
    "delegations": build_delegations,
    "succinct": build_succinct,
    "consistent": build_consistent,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output directory (created; repositories go to OUT/NAME/)")
    ap.add_argument("--only", action="append", choices=sorted(BUILDERS), help="build only NAME (repeatable)")
    ap.add_argument("--force", action="store_true", help="replace existing OUT/NAME directories")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in a.only or BUILDERS:
        path = os.path.join(a.out, name)
        if os.path.exists(path):
            if not a.force:
                print(f"{path} exists (use --force)", file=sys.stderr)
                return 1
            shutil.rmtree(path)
        BUILDERS[name](a.out)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
