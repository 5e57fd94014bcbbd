#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, fuzz/corpus/<target>/, from the project's test
data: the demo repository (examples-c/demo-repo), the canonical JSON corpus
(tests/data/canonical/corpus.jsonl), the CPython fnmatch table (fuzz/data/), and a few
hand-written documents that reach features the demo does not use (succinct and hash-prefix
delegations, unknown fields, big integers, deep nesting).

    python3 fuzz/seed.py

Seeds are named seed-<sha1 prefix>, so re-running adds nothing twice; files libFuzzer added
to the corpus directories are kept. Sequence seeds use the record format of
fuzz/src/records.rs.
"""
import hashlib
import json
import os

FUZZ = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(FUZZ)
DEMO = os.path.join(REPO, "examples-c", "demo-repo", "metadata")
SEP = b"\n%%\n"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def demo(name):
    return read(os.path.join(DEMO, name))


def write_seeds(target, seeds):
    out = os.path.join(FUZZ, "corpus", target)
    os.makedirs(out, exist_ok=True)
    for data in seeds:
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{target}: {len(seeds)} seeds")


ROOT, TIMESTAMP, SNAPSHOT, TARGETS = (demo(n) for n in
                                      ("1.root.json", "timestamp.json", "1.snapshot.json",
                                       "1.targets.json"))
APPS = demo("1.apps.json")
DEMO_FILES = [ROOT, TIMESTAMP, SNAPSHOT, TARGETS, APPS]


def signed_doc(signed):
    return json.dumps({"signatures": [{"keyid": "ab" * 32, "sig": "cd" * 64}], "signed": signed},
                      indent=1, sort_keys=True).encode()


# Metadata documents with features the demo lacks (they parse; signatures are not checked).
EXTRA_METADATA = [
    signed_doc({
        "_type": "targets", "spec_version": "1.0.31", "version": 3,
        "expires": "2099-01-01T00:00:00Z",
        "targets": {"a/b.txt": {"length": 3, "hashes": {"sha512": "00" * 64, "sha256": "AB" * 32},
                                "custom": {"x": [1, None, True, 18446744073709551616]}}},
        "delegations": {"keys": {}, "succinct_roles": {"keyids": [], "threshold": 1,
                                                        "bit_length": 8, "name_prefix": "bin"}},
        "x-unknown": {"nested": ["\u00e9", "\n"]},
    }),
    signed_doc({
        "_type": "targets", "spec_version": "1.0", "version": 1,
        "expires": "2030-02-28T23:59:59Z", "targets": {},
        "delegations": {"keys": {}, "roles": [
            {"name": "h", "keyids": ["k1", "k2"], "threshold": 2, "terminating": False,
             "path_hash_prefixes": ["ab", ""]},
            {"name": "p", "keyids": [], "threshold": 1, "terminating": True,
             "paths": ["*/[a-z]?.txt", "[!x]*"], "extra": 1}]},
    }),
    signed_doc({
        "_type": "snapshot", "spec_version": "1.0.0", "version": 2,
        "expires": "2099-01-01T00:00:00Z",
        "meta": {"targets.json": {"version": 1}, "a.json": {"version": 7, "length": 0}},
    }),
    signed_doc({
        "_type": "root", "spec_version": "1.0.31", "version": 1, "expires": "2099-01-01T00:00:00Z",
        "consistent_snapshot": False,
        "keys": {"k": {"keytype": "rsa", "scheme": "rsassa-pss-sha256",
                       "keyval": {"public": "-----BEGIN PUBLIC KEY-----\n..."},
                       "keyid_hash_algorithms": ["sha256"]}},
        "roles": {r: {"keyids": ["k"], "threshold": 1}
                  for r in ("root", "timestamp", "snapshot", "targets", "mirrors")},
    }),
]

JSON_EXTRA = [
    b"[" * 128 + b"]" * 128,
    b"[" * 129 + b"]" * 129,
    b'{"a":{"b":[{"c":{}}]}}',
    b'"\\ud83d\\ude00\\u0000\\\\\\"/\\b\\f\\n\\r\\t"',
    b"-18446744073709551617",
    b'{"a":1,"b":2,"a":3}',
    b'[1.5e3,-0.0,1E-2]',
]


def canonical_corpus():
    with open(os.path.join(REPO, "tests", "data", "canonical", "corpus.jsonl"), "rb") as f:
        return [line.rstrip(b"\n") for line in f if line.strip()]


def records(header, *ops):
    """A sequence input: header bytes, then (op byte, param byte, payload) records."""
    parts = [bytes(header)]
    for code, param, payload in ops:
        parts.append(bytes([code, param]) + payload)
    return SEP.join(parts)


# Operation numbers and flags of fuzz/src/records.rs users.
OP_ROOT, OP_TS, OP_SNAP, OP_TARGETS, OP_DELEG, OP_STAGE, OP_FIND, OP_QUERY = range(8)
RESIGN, FLAG = 8, 16
# Role selectors (records::ROLES): apps=0, targets=1, root=2; delegator in bits 3-5. A search's
# param is its max_delegations (trusted_set_sequence: param % 40; c_verifier: param, 0 being
# the default of 32).
APPS_FROM_TARGETS = 0 | (1 << 3)


def bump_version(doc, version):
    return doc.replace(b'"version": 1\n }', b'"version": %d\n }' % version)


def sequences():
    full = [
        (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT), (OP_TARGETS, 0, TARGETS),
        (OP_DELEG, APPS_FROM_TARGETS, APPS),
    ]
    root2 = bump_version(ROOT, 2)
    assert root2 != ROOT
    return [
        records([0], *full, (OP_FIND, 32, b"apps/app-1.0.tar.gz"), (OP_QUERY, APPS_FROM_TARGETS, b"")),
        records([0], (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT),
                (OP_FIND, 32, b"apps/app-1.1.tar.gz"), (OP_FIND, 5, b"hello.txt"),
                (OP_FIND, 32, b"docs/README.txt"), (OP_FIND, 32, b"missing")),
        records([0], (OP_ROOT, 0, root2), (OP_ROOT | RESIGN, 0, root2), *full,
                (OP_FIND, 32, b"apps/app-1.0.tar.gz")),
        records([0], (OP_TS | RESIGN, 0, TIMESTAMP), (OP_SNAP | RESIGN | FLAG, 0, SNAPSHOT),
                (OP_TARGETS | RESIGN, 0, TARGETS), (OP_STAGE | RESIGN, 0, APPS),
                (OP_FIND, 32, b"apps/app-1.0.tar.gz")),
        records([1], *full), records([2], *full), records([3], *full), records([4], *full),
        records([0], (OP_TS, 0, TIMESTAMP), (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT),
                (OP_SNAP | FLAG, 0, SNAPSHOT), (OP_TARGETS, 0, TARGETS),
                (OP_TARGETS, 0, TARGETS), (OP_TS, 0, TIMESTAMP), (OP_ROOT, 0, ROOT)),
        # Loader behaviours of c_verifier (param bits 3-7 of a stage record): chunked writes,
        # failure, invalid writes, writing past max_length.
        records([0], (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT), (OP_TARGETS, 0, TARGETS),
                (OP_STAGE, 0 | (1 << 3), APPS), (OP_FIND, 32, b"apps/app-1.0.tar.gz")),
        records([0], (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT),
                (OP_STAGE, 1 | (2 << 3), TARGETS), (OP_FIND, 32, b"hello.txt")),
        records([0], (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT),
                (OP_STAGE, 1 | (16 << 3), TARGETS), (OP_FIND, 32, b"hello.txt")),
        records([0], (OP_TS, 0, TIMESTAMP), (OP_SNAP, 0, SNAPSHOT), (OP_TARGETS, 0, TARGETS),
                (OP_STAGE, 0 | (12 << 3), APPS), (OP_FIND, 32, b"apps/app-1.1.tar.gz")),
        # C argument checks: NULL err, data, verifier.
        records([0], (OP_TS | 32, 0, TIMESTAMP), (OP_SNAP | 64, 0, SNAPSHOT),
                (OP_TARGETS | 128, 0, TARGETS), (OP_QUERY | 128, 0, b"")),
        records([32] + list(ROOT), *full),
    ] + chain_sequences()


CHAIN_SEP = b"\n%#\n"


def chain_sequences():
    """trusted_set_sequence's chain records (a query op with the re-sign bit): whole
    repositories that the harness makes consistent (hashes, lengths, versions) and signs."""
    chain = OP_QUERY | RESIGN
    demo_repo = CHAIN_SEP.join([TIMESTAMP, SNAPSHOT, TARGETS, APPS])
    targets_v2 = bump_version(TARGETS, 2)
    apps_v3 = bump_version(APPS, 3)
    wide = TARGETS.replace(b'"apps/*"', b'"*"')
    expired = TARGETS.replace(b'"expires": "2099-01-01T00:00:00Z"', b'"expires": "2029-12-31T23:59:59Z"')
    assert targets_v2 != TARGETS and apps_v3 != APPS and wide != TARGETS and expired != TARGETS
    find = [(OP_FIND, 32, b"apps/app-1.0.tar.gz"), (OP_FIND, 32, b"hello.txt")]
    return [
        records([0], (chain, 0, demo_repo), *find),
        records([0], (chain, 0, b""), *find),
        records([0], (chain, 0, CHAIN_SEP.join([b"", b"", targets_v2, apps_v3])), *find),
        records([0], (chain, 0, CHAIN_SEP.join([bump_version(TIMESTAMP, 2), bump_version(SNAPSHOT, 2)])),
                (chain, 0, b""), *find),
        records([0], (chain, 0, CHAIN_SEP.join([b"", b"", wide])), *find),
        records([0], (chain, 0, CHAIN_SEP.join([b"", b"", expired])), *find),
        records([0], (chain, 7, demo_repo), *find),
    ]


def matching_seeds():
    seeds = []
    with open(os.path.join(FUZZ, "data", "fnmatchcase-cpython311.tsv"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines[:29] + lines[29::40]):
        pat, name, _ = line.split("\t")
        unesc = lambda s: (s.replace("\\\\", "\0").replace("\\t", "\t").replace("\\n", "\n")
                           .replace("\\r", "\r").replace("\0", "\\"))
        seeds.append(bytes([1 + i % 34, i % 66]) + unesc(pat).encode() + b"\xff"
                     + unesc(name).encode() + b"\xffbin")
    seeds += [
        bytes([8, 2]) + b"apps/*\xffapps/app-1.0.tar.gz\xffbins\xff*/*",
        bytes([32, 64]) + b"*.txt\xffdocs/README.txt\xff\xffdocs/*",
        bytes([3, 1]) + b"[!a-c]?/[]]\xffd1/]\xffx-\xffx-7",
    ]
    return seeds


def main():
    json_docs = canonical_corpus() + DEMO_FILES + JSON_EXTRA
    write_seeds("json_parse_differential", json_docs)
    write_seeds("canonical_roundtrip", json_docs)
    write_seeds("metadata_parse", DEMO_FILES + EXTRA_METADATA)
    seqs = sequences()
    write_seeds("trusted_set_sequence", seqs)
    write_seeds("c_verifier", seqs)
    write_seeds("matching", matching_seeds())


if __name__ == "__main__":
    main()
