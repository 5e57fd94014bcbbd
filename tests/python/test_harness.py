"""Self-tests of the Python interoperability harness (run by tests/run.sh with pytest).

* every repository make_repos.py writes passes verify_repo.py;
* tampered copies (a flipped signature byte, an edited signed field, a changed file that
  snapshot pins by hash, a missing root version) fail, and an invalid signature by a key that
  does not count is ignored;
* canonical.py reproduces the checked-in tests/data/canonical/expected.txt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "canonical")
REPOS = ["keytypes", "delegations", "succinct", "consistent"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)


def verify(path: str) -> subprocess.CompletedProcess:
    return run(os.path.join(HERE, "verify_repo.py"), path)


@pytest.fixture(scope="session")
def repos(tmp_path_factory) -> str:
    out = str(tmp_path_factory.mktemp("repos"))
    p = run(os.path.join(HERE, "make_repos.py"), out)
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture
def copy(repos, tmp_path):
    def _copy(name: str) -> str:
        dst = str(tmp_path / name)
        shutil.copytree(os.path.join(repos, name), dst)
        return dst

    return _copy


@pytest.mark.parametrize("name", REPOS)
def test_generated_repo_verifies(repos, name):
    p = verify(os.path.join(repos, name))
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith(f"OK {os.path.join(repos, name)}: "), p.stdout


def test_make_repos_is_deterministic_for_ed25519(tmp_path):
    # The consistent repository is signed with ed25519 keys only: byte-identical reruns.
    for d in ("a", "b"):
        p = run(os.path.join(HERE, "make_repos.py"), str(tmp_path / d), "--only", "consistent")
        assert p.returncode == 0, p.stderr
    a, b = tmp_path / "a" / "consistent", tmp_path / "b" / "consistent"
    files = sorted(str(f.relative_to(a)) for f in a.rglob("*") if f.is_file())
    assert files == sorted(str(f.relative_to(b)) for f in b.rglob("*") if f.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def flip_signature(path: str, keyid: str | None = None) -> None:
    """Change one hex digit in the middle of a signature, in place (same file length)."""
    raw = open(path, "rb").read()
    sigs = json.loads(raw)["signatures"]
    sig = next(s["sig"] for s in sigs if keyid is None or s["keyid"] == keyid)
    i = len(sig) // 2
    bad = sig[:i] + ("0" if sig[i] != "0" else "1") + sig[i + 1 :]
    assert raw.count(sig.encode()) == 1
    open(path, "wb").write(raw.replace(sig.encode(), bad.encode()))


def edit_signed(path: str, edit) -> None:
    md = json.load(open(path, "rb"))
    edit(md["signed"])
    open(path, "w").write(json.dumps(md, indent=1))


def expect_failure(path: str, *needles: str) -> None:
    p = verify(path)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.startswith("FAIL "), p.stdout
    for n in needles:
        assert n in p.stdout, p.stdout


@pytest.mark.parametrize(
    "repo,filename",
    [
        ("keytypes", "2.root.json"),  # root rotation: old root key's signature
        ("keytypes", "3.root.json"),
        ("keytypes", "timestamp.json"),  # ecdsa p256
        ("succinct", "snapshot.json"),  # (keytypes' snapshot is pinned by hash in timestamp)
        ("keytypes", "targets.json"),  # rsa
        ("delegations", "snapshot.json"),
        ("delegations", "hashed.json"),  # threshold 2 of 3, exactly 2 signed
        ("delegations", "txt-deep.json"),  # nested 3 levels, threshold 2
        ("delegations", "abc.json"),  # ecdsa p384
        ("succinct", "bin-3.json"),
    ],
)
def test_flipped_signature_fails(copy, repo, filename):
    d = copy(repo)
    flip_signature(os.path.join(d, "metadata", filename))
    if filename == "3.root.json":
        # root.json is a copy of the latest root; keep them the same file.
        shutil.copy(os.path.join(d, "metadata", filename), os.path.join(d, "metadata", "root.json"))
    expect_failure(d, "UnsignedMetadataError")


def test_bad_signature_from_unknown_key_is_ignored(copy):
    # keytypes/timestamp.json has an extra signature by a key that root does not list.
    d = copy("keytypes")
    path = os.path.join(d, "metadata", "timestamp.json")
    known = json.load(open(os.path.join(d, "expected.json")))["keyids"]
    stray = [s["keyid"] for s in json.load(open(path))["signatures"] if s["keyid"] not in known]
    assert len(stray) == 1
    flip_signature(path, stray[0])
    p = verify(d)
    assert p.returncode == 0, p.stdout


def test_edited_target_fails(copy):
    d = copy("delegations")

    def edit(signed):
        signed["targets"]["files/a.txt"]["length"] += 1

    edit_signed(os.path.join(d, "metadata", "txt.json"), edit)
    expect_failure(d, "UnsignedMetadataError")


def test_changed_hash_pinned_file_fails(copy):
    d = copy("consistent")
    for name in ("targets.json", "3.targets.json"):
        path = os.path.join(d, "metadata", name)
        open(path, "ab").write(b"\n")
    expect_failure(d, "LengthOrHashMismatchError")


def test_missing_root_version_fails(copy):
    d = copy("keytypes")
    os.remove(os.path.join(d, "metadata", "2.root.json"))
    expect_failure(d, "root versions")


def test_wrong_expectations_fail(copy):
    d = copy("delegations")
    path = os.path.join(d, "expected.json")
    exp = json.load(open(path))
    exp["absent"].append("files/dup.txt")
    json.dump(exp, open(path, "w"))
    expect_failure(d, "must be absent")

    exp["absent"].pop()
    exp["targets"]["files/dup.txt"]["role"] = "files"
    json.dump(exp, open(path, "w"))
    expect_failure(d, "found in txt, expected files")


def test_canonical_matches_checked_in_expectations():
    corpus = os.path.join(DATA, "corpus.jsonl")
    p = run(os.path.join(HERE, "canonical.py"), corpus)
    assert p.returncode == 0, p.stderr
    with open(os.path.join(DATA, "expected.txt")) as f:
        expected = f.read()
    assert p.stdout == expected
    n_lines = len(open(corpus, "rb").read().split(b"\n")) - 1
    assert len(expected.splitlines()) == n_lines


def test_canonical_known_values(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(b'{"b":1,"a":"x\\"y\\\\z\\n"}\n-0\n1.0\n"\\ud800"\n')
    p = run(os.path.join(HERE, "canonical.py"), str(corpus))
    assert p.stdout.splitlines() == [
        b'{"a":"x\\"y\\\\z\n","b":1}'.hex(),
        b"0".hex(),
        "error",
        "error",
    ]
