#!/usr/bin/env python3
# Vendored copy of shared/bench/gen_repo.py (the benchmark harness's workload generator),
# unchanged but for these two lines, so that tests/client_e2e.rs needs no sibling checkout.
"""Generate a complete, signed TUF repository for benchmarking TUF clients.

Uses python-tuf's Metadata API (tested with tuf==7.0.1). Layout written to OUT:

    OUT/root.json                 trusted initial root (version 1), for `init`
    OUT/metadata/N.root.json      every root version
    OUT/metadata/timestamp.json
    OUT/metadata/V.snapshot.json
    OUT/metadata/V.ROLE.json      targets and every delegated targets role
    OUT/targets/HASH.NAME         target files (consistent_snapshot: true)
    OUT/workload.json             facts for the harness (sample target names, sizes)

Workloads:
    flat      --targets N                top-level targets lists N targets
    hashbins  --bins B --targets N       targets delegates to B hash bins
              [--bin-style succinct|prefixes]
                                         succinct: TAP 15 succinct_roles (default)
                                         prefixes: one explicit role per bin with
                                         path_hash_prefixes (PEP 458 as first written)
    rotations --rotations R              root rotated R times (new root signed by the
                                         old and the new root key)
    deep      --depth D                  chain targets -> level-01 -> ... -> level-D,
                                         only level-D lists a target

All keys are ed25519, derived from --seed so that a rerun writes identical bytes.
"""

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
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


class Gen:
    def __init__(self, out, seed, expires, compact, meta_hashes):
        self.out = out
        self.mdir = os.path.join(out, "metadata")
        self.tdir = os.path.join(out, "targets")
        self.seed = seed
        self.expires = expires
        self.ser = JSONSerializer(compact=compact)
        self.meta_hashes = meta_hashes
        self.key_counter = 0
        self.sizes = {}  # metadata file name -> bytes
        self.nsigs = {}  # metadata file name -> number of signatures
        os.makedirs(self.mdir)
        os.makedirs(self.tdir)

    def new_signer(self):
        """Deterministic ed25519 key number k for this seed."""
        self.key_counter += 1
        material = hashlib.sha256(f"{self.seed}:{self.key_counter}".encode()).digest()
        priv = Ed25519PrivateKey.from_private_bytes(material)
        pub = SSlibKey.from_crypto(priv.public_key())
        return CryptoSigner(priv, pub)

    def write_md(self, md, filename, signers):
        md.signatures.clear()
        for s in signers:
            md.sign(s, append=True)
        data = md.to_bytes(self.ser)
        with open(os.path.join(self.mdir, filename), "wb") as f:
            f.write(data)
        self.sizes[filename] = len(data)
        self.nsigs[filename] = len(signers)
        return data

    def metafile(self, version, data):
        if self.meta_hashes:
            return MetaFile(
                version=version,
                length=len(data),
                hashes={"sha256": hashlib.sha256(data).hexdigest()},
            )
        return MetaFile(version=version)

    def add_target(self, targets_signed, name, data):
        tf = TargetFile.from_data(name, data, ["sha256"])
        targets_signed.targets[name] = tf
        dirname, sep, base = name.rpartition("/")
        path = os.path.join(self.tdir, f"{dirname}{sep}{tf.hashes['sha256']}.{base}")
        if dirname:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return tf


def target_bytes(name, size):
    line = f"benchmark target {name}\n".encode()
    reps = size // len(line) + 1
    return (line * reps)[:size]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output directory (must not exist unless --force)")
    ap.add_argument("--workload", required=True, choices=["flat", "hashbins", "rotations", "deep"])
    ap.add_argument("--targets", type=int, default=1000, help="number of targets (flat, hashbins)")
    ap.add_argument("--bins", type=int, default=1024, help="number of hash bins, a power of 2 (hashbins)")
    ap.add_argument("--bin-style", choices=["succinct", "prefixes"], default="succinct")
    ap.add_argument("--rotations", type=int, default=30, help="root rotations (rotations)")
    ap.add_argument("--depth", type=int, default=30, help="delegation depth (deep)")
    ap.add_argument("--target-size", type=int, default=128, help="bytes per target file")
    ap.add_argument("--sample", type=int, default=100, help="random target names to list in workload.json")
    ap.add_argument("--seed", default="libtuf-bench", help="seed for keys and sampling")
    ap.add_argument("--expires", default="2099-01-01T00:00:00Z")
    ap.add_argument("--compact", action="store_true", help="compact JSON (default: python-tuf default, indented)")
    ap.add_argument("--meta-hashes", action="store_true", help="add length+sha256 to timestamp/snapshot meta")
    ap.add_argument("--force", action="store_true", help="remove OUT first")
    a = ap.parse_args()

    if os.path.exists(a.out):
        if not a.force:
            sys.exit(f"{a.out} exists (use --force)")
        shutil.rmtree(a.out)
    expires = datetime.strptime(a.expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    g = Gen(a.out, a.seed, expires, a.compact, a.meta_hashes)
    rng = random.Random(a.seed)

    # Top-level keys: one ed25519 key per role, threshold 1.
    signers = {r: g.new_signer() for r in ["root", "timestamp", "snapshot", "targets"]}
    root = Root(version=1, expires=expires, consistent_snapshot=True)
    for role, s in signers.items():
        root.add_key(s.public_key, role)
    root_md = Metadata(root)
    root_v1 = g.write_md(root_md, "1.root.json", [signers["root"]])
    with open(os.path.join(a.out, "root.json"), "wb") as f:
        f.write(root_v1)
    root_files = ["1.root.json"]

    info = {"workload": a.workload, "params": {}}

    if a.workload == "rotations":
        info["params"] = {"rotations": a.rotations}
        old = signers["root"]
        for _ in range(a.rotations):
            new = g.new_signer()
            root.revoke_key(old.public_key.keyid, "root")
            root.add_key(new.public_key, "root")
            root.version += 1
            fn = f"{root.version}.root.json"
            g.write_md(root_md, fn, [old, new])
            root_files.append(fn)
            old = new

    targets = Targets(version=1, expires=expires)
    delegated = []  # (role name, Metadata, signers)
    all_names = []

    if a.workload in ("flat", "rotations"):
        n = a.targets if a.workload == "flat" else min(a.targets, 10)
        info["params"].update({"targets": n})
        for i in range(n):
            name = f"file-{i:07d}.txt"
            g.add_target(targets, name, target_bytes(name, a.target_size))
            all_names.append(name)

    elif a.workload == "hashbins":
        b = a.bins
        bits = int(math.log2(b))
        if 2**bits != b:
            sys.exit("--bins must be a power of 2")
        info["params"] = {"bins": b, "targets": a.targets, "bin_style": a.bin_style}
        bin_signer = g.new_signer()
        succ = SuccinctRoles([bin_signer.public_key.keyid], 1, bits, "bins")
        bin_names = list(succ.get_roles())
        bins = {name: Targets(version=1, expires=expires) for name in bin_names}
        if a.bin_style == "succinct":
            targets.delegations = Delegations(
                keys={bin_signer.public_key.keyid: bin_signer.public_key}, succinct_roles=succ
            )
        else:
            # Explicit roles with path_hash_prefixes covering the same hash ranges as the
            # succinct bins: prefix length = ceil(bits/4) hex digits.
            plen = (bits + 3) // 4
            spare = 4 * plen - bits
            roles = {}
            for idx, name in enumerate(bin_names):
                prefixes = [f"{(idx << spare) + j:0{plen}x}" for j in range(2**spare)]
                roles[name] = DelegatedRole(name, [bin_signer.public_key.keyid], 1, False, path_hash_prefixes=prefixes)
            targets.delegations = Delegations(
                keys={bin_signer.public_key.keyid: bin_signer.public_key}, roles=roles
            )
        for i in range(a.targets):
            name = f"pkg-{i:07d}.tar.gz"
            g.add_target(bins[succ.get_role_for_target(name)], name, target_bytes(name, a.target_size))
            all_names.append(name)
        for name in bin_names:
            delegated.append((name, Metadata(bins[name]), [bin_signer]))

    elif a.workload == "deep":
        info["params"] = {"depth": a.depth}
        parent = targets
        for level in range(1, a.depth + 1):
            s = g.new_signer()
            name = f"level-{level:02d}"
            parent.delegations = Delegations(
                keys={s.public_key.keyid: s.public_key},
                roles={name: DelegatedRole(name, [s.public_key.keyid], 1, False, paths=["*"])},
            )
            t = Targets(version=1, expires=expires)
            delegated.append((name, Metadata(t), [s]))
            parent = t
        tname = "deep-target.txt"
        g.add_target(parent, tname, target_bytes(tname, a.target_size))
        all_names.append(tname)

    # Sign and write delegated roles (children before snapshot).
    snapshot = Snapshot(version=1, expires=expires)
    for name, md, sgn in delegated:
        data = g.write_md(md, f"1.{name}.json", sgn)
        snapshot.meta[f"{name}.json"] = g.metafile(1, data)
    tdata = g.write_md(Metadata(targets), "1.targets.json", [signers["targets"]])
    snapshot.meta["targets.json"] = g.metafile(1, tdata)
    sdata = g.write_md(Metadata(snapshot), "1.snapshot.json", [signers["snapshot"]])
    timestamp = Timestamp(version=1, expires=expires)
    timestamp.snapshot_meta = g.metafile(1, sdata)
    g.write_md(Metadata(timestamp), "timestamp.json", [signers["timestamp"]])

    # Facts for the harness and for floor estimates.
    refresh_files = root_files[1:] + ["timestamp.json", "1.snapshot.json", "1.targets.json"]
    sample = rng.sample(all_names, min(a.sample, len(all_names)))
    info.update(
        {
            "spec_version": root.spec_version,
            "root_versions": len(root_files),
            "metadata_files": len(g.sizes),
            "metadata_bytes_total": sum(g.sizes.values()),
            "refresh_files": refresh_files,
            "refresh_bytes": sum(g.sizes[f] for f in refresh_files),
            "refresh_signatures": sum(g.nsigs[f] for f in refresh_files),
            "delegated_roles": len(delegated),
            "delegated_bytes": sum(g.sizes[f"1.{n}.json"] for n, _, _ in delegated),
            "largest_metadata": max(g.sizes, key=g.sizes.get),
            "largest_metadata_bytes": max(g.sizes.values()),
            "targets": len(all_names),
            "target_size": a.target_size,
            "probe_target": all_names[-1] if a.workload == "deep" else sample[0],
            "sample_targets": sample,
        }
    )
    with open(os.path.join(a.out, "workload.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(
        f"{a.out}: {a.workload} {info['params']} metadata_files={info['metadata_files']} "
        f"metadata_bytes={info['metadata_bytes_total']} refresh_bytes={info['refresh_bytes']} targets={len(all_names)}"
    )


if __name__ == "__main__":
    main()
