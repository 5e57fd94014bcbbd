#!/usr/bin/env python3
"""Verify a TUF repository (e.g. one written by libtuf) with python-tuf's own verifier.

Usage: verify_repo.py DIR [DIR ...]

DIR has the layout make_repos.py writes: DIR/metadata/{1.root.json, 2.root.json, ...,
root.json, timestamp.json, snapshot.json, targets.json, ROLE.json ...} (plus V.ROLE.json when
consistent_snapshot is true) and DIR/expected.json (schema in tests/python/README.md).

Checks, with tuf.ngclient._internal.trusted_metadata_set.TrustedMetadataSet:
  * the root chain 1.root.json -> N.root.json (update_root for each version, no gaps);
    root.json is the same root as the last N.root.json;
  * timestamp, snapshot (V.snapshot.json when consistent), targets, and every delegated role
    reachable from targets (update_delegated_targets with the delegator found by walking the
    delegations in pre-order, depth first); the roles loaded are exactly expected["roles"],
    and snapshot lists no metadata that is not reachable;
  * each expected target resolves, by the pre-order DFS of tuf/ngclient/updater.py
    (Delegations.get_roles_for_target, terminating delegations, max_delegations), in the
    expected role with the expected length, hashes (and custom, when given);
  * each "absent" path resolves to nothing;
  * every key in every root version and every delegations.keys has keyid == securesystemslib's
    default keyid, and the {keyid: "keytype/scheme"} map equals expected["keyids"].

Prints one line per DIR ("OK ..." or "FAIL DIR: reason"); exits 0 if all pass, else 1.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback

from securesystemslib.formats import encode_canonical
from tuf.api.metadata import Metadata, Root, Targets
from tuf.ngclient._internal.trusted_metadata_set import TrustedMetadataSet
from tuf.ngclient.config import EnvelopeType, UpdaterConfig

try:  # private in securesystemslib 1.x; same rule as below
    from securesystemslib.signer._utils import compute_default_keyid
except ImportError:  # pragma: no cover - fallback for a layout change
    import hashlib

    def compute_default_keyid(keytype, scheme, keyval):
        data = encode_canonical({"keytype": keytype, "scheme": scheme, "keyval": keyval})
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Failure(Exception):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise Failure(msg)


class Verifier:
    def __init__(self, repo_dir: str):
        self.dir = repo_dir
        self.mdir = os.path.join(repo_dir, "metadata")
        with open(os.path.join(repo_dir, "expected.json"), encoding="utf-8") as f:
            self.expected = json.load(f)
        self.max_delegations = UpdaterConfig().max_delegations
        self.keyids: dict[str, str] = {}
        self.trusted: TrustedMetadataSet | None = None
        self.consistent = False
        self.load_order: list[str] = []

    def read(self, name: str) -> bytes:
        path = os.path.join(self.mdir, name)
        check(os.path.isfile(path), f"missing metadata file {name}")
        with open(path, "rb") as f:
            return f.read()

    def note_keys(self, keys: dict, where: str) -> None:
        for keyid, key in keys.items():
            default = compute_default_keyid(key.keytype, key.scheme, key.keyval)
            check(keyid == default,
                  f"{where}: keyid {keyid} is not the default keyid {default} of its key")
            kind = f"{key.keytype}/{key.scheme}"
            check(self.keyids.setdefault(keyid, kind) == kind,
                  f"{where}: keyid {keyid} names two different key kinds")

    # -- loading ----------------------------------------------------------------------------
    def load_roots(self) -> int:
        versions = []
        for name in os.listdir(self.mdir):
            m = re.fullmatch(r"([0-9]+)\.root\.json", name)
            if m:
                versions.append(int(m.group(1)))
        versions.sort()
        check(versions != [], "no N.root.json files")
        check(versions == list(range(1, len(versions) + 1)),
              f"root versions are not 1..N without gaps: {versions}")
        self.trusted = TrustedMetadataSet(self.read("1.root.json"), EnvelopeType.METADATA)
        for v in versions[1:]:
            self.trusted.update_root(self.read(f"{v}.root.json"))
        for v in versions:
            md = Metadata[Root].from_bytes(self.read(f"{v}.root.json"))
            check(md.signed.version == v, f"{v}.root.json has version {md.signed.version}")
            self.note_keys(md.signed.keys, f"{v}.root.json")
        latest = Metadata[Root].from_bytes(self.read("root.json"))
        check(latest.signed_bytes == Metadata[Root].from_bytes(
            self.read(f"{versions[-1]}.root.json")).signed_bytes,
            f"root.json is not the same root as {versions[-1]}.root.json")
        self.consistent = bool(self.trusted.root.consistent_snapshot)
        return versions[-1]

    def role_bytes(self, role: str, version: int) -> bytes:
        """The bytes a client would fetch for ROLE at VERSION (V.ROLE.json if consistent)."""
        data = self.read(f"{role}.json")
        if self.consistent:
            vdata = self.read(f"{version}.{role}.json")
            check(vdata == data, f"{version}.{role}.json and {role}.json differ")
            data = vdata
        return data

    def load_top_level(self) -> None:
        t = self.trusted
        t.update_timestamp(self.read("timestamp.json"))
        t.update_snapshot(self.role_bytes("snapshot", t.timestamp.snapshot_meta.version))
        t.update_targets(self.role_bytes("targets", t.snapshot.meta["targets.json"].version))
        self.load_order.append("targets")

    def load_targets(self, role: str, delegator: str) -> Targets:
        """Like Updater._load_targets: reuse a loaded role, else verify and load it."""
        if role in self.trusted:
            return self.trusted[role]
        meta = self.trusted.snapshot.meta.get(f"{role}.json")
        check(meta is not None, f"snapshot does not list {role}.json")
        self.trusted.update_delegated_targets(self.role_bytes(role, meta.version), role, delegator)
        self.load_order.append(role)
        return self.trusted[role]

    def load_all_delegated(self) -> None:
        """Load every role reachable from targets, pre-order DFS in delegation order."""
        stack = [("targets", "root")]
        seen = set()
        while stack:
            role, delegator = stack.pop()
            if role in seen:
                continue
            seen.add(role)
            targets = self.load_targets(role, delegator) if role != "targets" else self.trusted.targets
            d = targets.delegations
            if d is None:
                continue
            self.note_keys(d.keys, f"{role}.json delegations")
            if d.roles is not None:
                children = list(d.roles)
            else:
                children = list(d.succinct_roles.get_roles())
            stack.extend((c, role) for c in reversed(children))

    # -- target search (tuf/ngclient/updater.py _preorder_depth_first_walk) ------------------
    def find(self, path: str) -> tuple[str, object] | None:
        to_visit = [("targets", "root")]
        visited: set[str] = set()
        while len(visited) <= self.max_delegations and to_visit:
            role, parent = to_visit.pop(-1)
            if role in visited:
                continue
            targets = self.load_targets(role, parent) if role != "targets" else self.trusted.targets
            tf = targets.targets.get(path)
            if tf is not None:
                return role, tf
            visited.add(role)
            if targets.delegations is not None:
                children = []
                for child, terminating in targets.delegations.get_roles_for_target(path):
                    children.append((child, role))
                    if terminating:
                        to_visit = []
                        break
                children.reverse()
                to_visit.extend(children)
        return None

    # -- the whole check --------------------------------------------------------------------
    def run(self) -> str:
        exp = self.expected
        nroots = self.load_roots()
        if "root_versions" in exp:
            check(nroots == exp["root_versions"],
                  f"{nroots} root versions, expected {exp['root_versions']}")
        if "consistent_snapshot" in exp:
            check(self.consistent == exp["consistent_snapshot"],
                  f"consistent_snapshot is {self.consistent}, expected {exp['consistent_snapshot']}")
        self.load_top_level()
        self.load_all_delegated()

        roles = ["root", "timestamp", "snapshot"] + self.load_order
        check(sorted(roles) == sorted(exp["roles"]),
              f"roles loaded {sorted(roles)} != expected {sorted(exp['roles'])}")
        listed = set(self.trusted.snapshot.meta)
        reachable = {f"{r}.json" for r in self.load_order}
        check(listed == reachable,
              f"snapshot lists metadata not reachable from targets: {sorted(listed - reachable)}")
        for role, version in exp.get("versions", {}).items():
            check(self.trusted[role].version == version,
                  f"{role} has version {self.trusted[role].version}, expected {version}")

        for path, want in exp["targets"].items():
            found = self.find(path)
            check(found is not None, f"target {path!r} not found")
            role, tf = found
            check(role == want["role"], f"target {path!r} found in {role}, expected {want['role']}")
            if "bin" in want:
                check(role == want["bin"], f"target {path!r} found in {role}, expected bin {want['bin']}")
            check(tf.length == want["length"], f"target {path!r} length {tf.length} != {want['length']}")
            check(tf.hashes == want["hashes"], f"target {path!r} hashes {tf.hashes} != {want['hashes']}")
            if "custom" in want:
                check(tf.custom == want["custom"], f"target {path!r} custom differs")
        for path in exp["absent"]:
            found = self.find(path)
            check(found is None, f"target {path!r} must be absent but was found in {found and found[0]}")

        check(self.keyids == exp["keyids"],
              "keyids differ from expected: "
              f"extra {sorted(set(self.keyids.items()) - set(exp['keyids'].items()))}, "
              f"missing {sorted(set(exp['keyids'].items()) - set(self.keyids.items()))}")

        return (f"{nroots} root versions, {len(roles)} roles, {len(exp['targets'])} targets found, "
                f"{len(exp['absent'])} absent, {len(self.keyids)} keyids, "
                f"consistent_snapshot={str(self.consistent).lower()}")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(argv) < 2 else sys.stdout)
        return 2 if len(argv) < 2 else 0
    ok = True
    for d in argv[1:]:
        try:
            summary = Verifier(d).run()
            print(f"OK {d}: {summary}")
        except Failure as e:
            print(f"FAIL {d}: {e}")
            ok = False
        except Exception as e:  # python-tuf's RepositoryError and friends, I/O, bad JSON
            where = traceback.extract_tb(e.__traceback__)[-1]
            print(f"FAIL {d}: {type(e).__name__}: {e} "
                  f"(at {os.path.basename(where.filename)}:{where.lineno})")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
