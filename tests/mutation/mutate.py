#!/usr/bin/env python3
"""Mutation check of the verifier: every check of the client workflow must have a test that
fails when the check is disabled (and so must the updater's offline mode and its recovery from
a failed refresh).

Each mutant replaces one exact snippet of src/ (which must occur exactly once) with a version
that skips or weakens a check, runs the verifier tests, and restores the file byte for byte.
Run from anywhere inside the repository:

    tests/mutation/mutate.py            # every mutant
    tests/mutation/mutate.py T5 S2      # only these ids
    tests/mutation/mutate.py --check    # only check that every snippet is found exactly once

The mutants are built in their own target directory (target/mutation, without debug info, so
that each rebuild is quick) and leave target/debug alone.

Refuses to start when src/ has uncommitted changes; always restores the mutated file (also on
Ctrl-C) and checks with git that it is unchanged. Prints a Markdown table: mutant, file:line,
and the tests that failed ("SURVIVED" when none did; exit status 1 then, unless the mutant is
listed in EQUIVALENT).
"""

import os
import re
import signal
import subprocess
import sys

REPO = subprocess.check_output(
    ["git", "rev-parse", "--show-toplevel"], cwd=os.path.dirname(os.path.abspath(__file__))
).decode().strip()
TESTS = ["trusted_set", "hostile_input", "verify_checks", "delegation_search", "updater_attacks",
         "fetcher", "offline", "storage", "lookup_many", "root_ahead", "lookup_overlap",
         "timestamp_ahead", "hostile_cache", "multiprocess"]
TIMEOUT = 600

TS = "src/verify/trusted_set.rs"
SIG = "src/verify/signatures.rs"
SEARCH = "src/verify/search.rs"
DELEG = "src/metadata/delegations.rs"
COMMON = "src/metadata/signed.rs"
META = "src/metadata/meta_file.rs"
ROOT = "src/metadata/root.rs"
NEWER = "src/verify/newer_role.rs"
FETCH = "src/fetch/mod.rs"
UPD = "src/updater/mod.rs"
CONFIG = "src/updater/config.rs"
AHEAD = "src/updater/lookup_many.rs"
MULTI = "src/fetch/multi.rs"
ROOTS = "src/updater/root_ahead.rs"
OVERLAP = "src/updater/lookup_overlap.rs"
CACHE = "src/updater/cache.rs"
WRITER = "src/updater/cache_writer.rs"

# (id, check, file, old, new)
MUTANTS = [
    ("T1", "5.2 initial root signed by its own threshold", TS,
     "        verify_role(&root.signed, RoleType::Root, &signed, &root.signatures)?;\n", "\n"),
    ("T2", "strict keyids: initial root", TS,
     "            check_keyids(\"signed.keys\", &root.signed.keys)?;\n", "\n"),
    ("T3", "order: no root update after timestamp", TS,
     "        if self.timestamp.is_some() {", "        if false {"),
    ("T4", "5.3.4 new root signed by the old root's threshold", TS,
     "        verify_role(&self.root.signed, RoleType::Root, &signed, &new.signatures)?;\n", "\n"),
    ("T5", "5.3.5 root version is exactly N+1", TS,
     "        if Some(new.signed.version) != expected {", "        if false {"),
    ("T6", "5.3.5 root version: greater than N+1 rejected", TS,
     "        if Some(new.signed.version) != expected {",
     "        if Some(new.signed.version) < expected {"),
    ("T7", "strict keyids: new root", TS,
     "            check_keyids(\"signed.keys\", &new.signed.keys)?;\n", "\n"),
    ("T8", "5.3.4 new root signed by its own threshold", TS,
     "        verify_role(&new.signed, RoleType::Root, &signed, &new.signatures)?;\n", "\n"),
    ("T9", "5.3.10 final root not expired", TS,
     "        self.check_expiry(&self.root.signed, \"root\")?;\n", "\n"),
    ("T10", "order: no timestamp update after snapshot", TS,
     "        if self.snapshot.is_some() {", "        if false {"),
    ("T11", "5.4.2 timestamp threshold", TS,
     """        verify_role(
            &self.root.signed,
            RoleType::Timestamp,
            &new.signed_bytes_with_capacity(bytes.len()),
            &new.signatures,
        )?;
""", "\n"),
    ("T12", "5.4.3.1 timestamp version rollback", TS,
     "            if new.signed.version < old.signed.version {", "            if false {"),
    ("T13", "5.4.3.1 equal timestamp version keeps the trusted one", TS,
     "            if new.signed.version == old.signed.version {", "            if false {"),
    ("T14", "5.4.3.2 snapshot version in timestamp rollback", TS,
     "            if new_v < old_v {", "            if false {"),
    ("T15", "5.4.4 timestamp expiry", TS,
     "        self.check_expiry(ts, \"timestamp\")?;\n", "\n"),
    ("T16", "order: no snapshot update after targets", TS,
     "        if self.targets.contains_key(\"targets\") {", "        if false {"),
    ("T17", "5.5.2 snapshot length/hashes checked (untrusted bytes)", TS,
     "        if !trusted {", "        if false {"),
    ("T18", "5.5.2 cached (trusted) snapshot not re-hashed", TS,
     "        if !trusted {", "        if true {"),
    ("T19", "5.5.3 snapshot threshold", TS,
     """        verify_role(
            &self.root.signed,
            RoleType::Snapshot,
            &new.signed_bytes_with_capacity(bytes.len()),
            &new.signatures,
        )?;
""", "\n"),
    ("T20", "5.5.5 snapshot entries not removed", TS,
     """                let new_meta = new.signed.meta.get(name).ok_or_else(|| {
                    Error::Repository(format!("new snapshot does not list {name}"))
                })?;""",
     """                let Some(new_meta) = new.signed.meta.get(name) else {
                    continue;
                };"""),
    ("T21", "5.5.5 snapshot entries not lowered", TS,
     "                if new_meta.version < old_meta.version {", "                if false {"),
    ("T22", "5.5.6 snapshot expiry", TS,
     "        self.check_expiry(snap, \"snapshot\")?;\n", "\n"),
    ("T23", "5.5.4 snapshot version == timestamp meta", TS,
     "        if snap.version != ts.snapshot_meta.version {", "        if false {"),
    ("T24", "5.6 targets listed in snapshot", TS,
     """            .role_meta(role)
            .ok_or_else(|| Error::Repository(format!("snapshot does not list {role}.json")))?;""",
     """            .role_meta(role)
            .cloned()
            .unwrap_or_else(|| crate::metadata::MetaFile::new(1));"""),
    ("T25", "5.6.2 targets length/hashes", TS,
     "        meta.verify_length_and_hashes(role, bytes)?;\n", "\n"),
    ("T26", "root delegates only to targets", TS,
     "        if role != \"targets\" {", "        if false {"),
    ("T27", "5.6.3 targets threshold (root's targets keys)", TS,
     """        verify_role(
            &self.root.signed,
            RoleType::Targets,
            &md.signed_bytes_with_capacity(size_hint),
            &md.signatures,
        )
""", "        Ok(())\n"),
    ("T28", "5.6.3 delegated role threshold (delegator's keys)", TS,
     "            return self.verify_delegated(role, delegator, md, size_hint);\n",
     "            return Ok(());\n"),
    ("T29", "5.6.4 targets version == snapshot meta", TS,
     "        if new.signed.version != expected_version {", "        if false {"),
    ("T30", "5.6.5 targets expiry", TS,
     "        self.check_expiry(&new.signed, role)?;\n", "\n"),
    ("T31", "strict keyids: delegations keys", TS,
     "                check_keyids(\"signed.delegations.keys\", &d.keys)?;\n", "\n"),
    ("T32", "delegated role: the delegation's threshold", TS,
     """            req.keyids,
            req.threshold,""",
     """            req.keyids,
            1,"""),
    ("T33", "delegated role: only the delegation's keyids count", TS,
     """            &delegations.keys,
            req.keyids,""",
     """            &delegations.keys,
            &delegations.keys.keys().cloned().collect::<Vec<_>>(),"""),
    ("T34", "delegated role: keys from the delegator, not root", TS,
     """            &delegations.keys,
            req.keyids,""",
     """            &self.root.signed.keys,
            req.keyids,"""),
    ("T35", "5.3.11 rotation detected by a threshold change", ROOT,
     "                    a.threshold != b.threshold\n                        || ka != kb",
     "                    ka != kb"),
    ("T36", "5.3.11 rotation detected by a keyid change", ROOT,
     "                    a.threshold != b.threshold\n                        || ka != kb",
     "                    a.threshold != b.threshold"),
    ("T37", "5.3.11 rotation detected by a key change under the same keyid", ROOT,
     """                        || ka
                            .iter()
                            .any(|id| self.keys.get(*id) != other.keys.get(*id))""", ""),
    ("T38", "5.3.11 a role missing from a root counts as rotated", ROOT,
     "                _ => true,", "                _ => false,"),
    ("T39", "the unsafe policy alone skips the freeze checks (expired accepted when set)", TS,
     "        if self.policy.accept_expired_unsafe {", "        if true {"),
    ("T40", "the unsafe policy skips the freeze checks when set", TS,
     "        if self.policy.accept_expired_unsafe {", "        if false {"),
    ("C1", "6.38 _type must match the expected role", COMMON,
     "                if got != role.as_str() {", "                if false {"),
    ("C2", "6.21 expired when reference >= expires", COMMON,
     "        reference >= self.expires()", "        reference > self.expires()"),
    ("C3", "5.5.2/5.6.2 exact length of META entries", META,
     "            super::hashes::check_length(what, len, data.len() as u64)?;\n", "\n"),
    ("C4", "5.5.2/5.6.2 hashes of META entries", META,
     "            h.verify(what, data)?;\n", "\n"),
    ("S1", "6.9 only the role's keyids count", SIG,
     "    for keyid in keyids {", "    for keyid in keys.keys() {"),
    ("S2", "6.7 distinct keys: same key under two keyids counts once", SIG,
     """        if counted.contains(&identity) {
            continue;
        }""", ""),
    ("S3", "6.10 signatures must verify", SIG,
     "        if key.public_key().verify(signed_bytes, &sig_bytes) {", "        if true {"),
    ("S4", "threshold comparison (off by one)", SIG,
     "    if (counted.len() as u64) < threshold {", "    if (counted.len() as u64) + 1 < threshold {"),
    ("S5", "strict keyids: keyid is the hash of the key", SIG,
     "        if *id != computed {", "        if false {"),
    ("D1", "5.6.7.1 max_delegations limit", SEARCH,
     "        while visited.len() <= max_delegations {", "        while visited.len() < usize::MAX {"),
    ("D2", "5.6.7.1 max_delegations off by one (top-level + N)", SEARCH,
     "        while visited.len() <= max_delegations {", "        while visited.len() < max_delegations {"),
    ("D3", "5.6.7.1 visited roles are skipped (cycles)", SEARCH,
     """            if visited.contains(&role) {
                continue;
            }""", ""),
    ("D4", "6.34 role reached via a second delegator checked against it", SEARCH,
     "                Some(d) if d != delegator => self.check_delegation(&role, &delegator)?,",
     "                Some(d) if d != delegator => {}"),
    ("D5", "5.6.7.2.1 terminating drops pending delegations higher up", SEARCH,
     """                    if terminating {
                        stack.clear();""",
     """                    if terminating {"""),
    ("D6", "5.6.7.2.1 terminating drops later siblings", SEARCH,
     """                        stack.clear();
                        break;""",
     """                        stack.clear();"""),
    ("D7", "6.27 delegations searched in order (first match wins)", SEARCH,
     "            stack.extend(children.into_iter().rev());", "            stack.extend(children);"),
    ("D8", "6.29 only delegations covering the target are followed", DELEG,
     "                        .filter(move |r| r.covers_with(target, &hash_hex))\n",
     "                        .filter(move |r| r.covers_with(target, &hash_hex) || true)\n"),
    ("D9", "4.3 succinct bins are terminating", DELEG,
     """                Cow::Owned(s.bins.bin_for_target(target)),
                true,""",
     """                Cow::Owned(s.bins.bin_for_target(target)),
                false,"""),
    ("N1", "shared cache: the cached snapshot is signed by the trusted snapshot keys", NEWER,
     "        if verify_role(self.root(), RoleType::Snapshot, &signed, &other.signatures).is_err()\n"
     "            || check_expiry",
     "        if false\n            || check_expiry"),
    ("N2", "shared cache: the cached snapshot is not expired", NEWER,
     "            || check_expiry(&other.signed, self.reference_time(), \"snapshot\").is_err()\n",
     "\n"),
    ("N3", "shared cache: the cached snapshot is not older than the trusted one", NEWER,
     "            || other.signed.version < trusted.version\n", "\n"),
    ("N4", "shared cache: the cached snapshot keeps every trusted entry (5.5.5)", NEWER,
     "        if !keeps_every_entry {", "        if false {"),
    ("N5", "shared cache: the cached role must be newer than the trusted snapshot's", NEWER,
     "        if meta.version <= trusted_meta.version\n            ||",
     "        if false\n            ||"),
    ("N6", "shared cache: the cached role matches the cached snapshot's length and hashes", NEWER,
     "            || meta.verify_length_and_hashes(role, role_bytes).is_err()\n", "\n"),
    ("N7", "shared cache: the cached role has the version the cached snapshot lists", NEWER,
     "        md.signed.version == meta.version\n            && check_expiry",
     "        true\n            && check_expiry"),
    ("N8", "shared cache: the cached role is not expired", NEWER,
     "            && check_expiry(&md.signed, self.reference_time(), role).is_ok()\n", "\n"),
    ("N9", "shared cache: the cached role is signed by its delegator's keys", NEWER,
     """            && self
                .verify_targets_signatures(role, delegator, &md, role_bytes.len())
                .is_ok()""", ""),
    ("N10", "shared cache: a cached snapshot newer than the timestamp lists is not the baseline",
     UPD, "            let newer = !offline\n", "            let newer = false\n"),
    ("O1", "offline: the root walk ends at the cached history", UPD,
     "                if offline {\n                    break;\n                }\n", ""),
    ("O2", "offline: a cached root that does not verify is an error", UPD,
     "                        Err(e) if offline => return Err(e),\n", ""),
    ("O3", "offline: the cached timestamp is the final one", UPD,
     "        if self.config.offline {\n            let data = required(&self.cache, \"timestamp\"",
     "        if false {\n            let data = required(&self.cache, \"timestamp\""),
    ("O4", "offline: a missing snapshot is named", UPD,
     "            true => Some(required(&self.cache, \"snapshot\", cached)?),",
     "            true => cached,"),
    ("O5", "offline: a cached snapshot that does not verify is the error", UPD,
     "                    Err(e) if offline => return Err(e),\n                    Err(e) => self.config",
     "                    Err(e) => self.config"),
    ("O6", "offline: a cached targets role that does not verify is the error", UPD,
     "            Err(e) if config.offline => return Err(e),\n", ""),
    ("O7", "offline: a missing targets role is named", UPD,
     "    if config.offline {\n        return Err(not_cached(cache, role));\n    }\n", ""),
    ("O8", "offline: the fetcher is never called", UPD,
     "        let fetcher: Box<dyn Fetcher> = if config.offline {",
     "        let fetcher: Box<dyn Fetcher> = if false {"),
    ("O9", "offline_accept_expired_unsafe only with offline", CONFIG,
     "        if self.offline_accept_expired_unsafe && !self.offline {", "        if false {"),
    ("O10", "offline_accept_expired_unsafe reaches the verification policy", CONFIG,
     "            accept_expired_unsafe: self.offline && self.offline_accept_expired_unsafe,",
     "            accept_expired_unsafe: false,"),
    ("R1", "a failed refresh restores what the previous one verified", UPD,
     "                if was_refreshed && previous.root().version == self.set.root().version {",
     "                if false {"),
    ("R2", "... but not after moving to a new root", UPD,
     "                if was_refreshed && previous.root().version == self.set.root().version {",
     "                if was_refreshed {"),
    ("R3", "5.2 a refresh starts from the last root persisted, not from one it failed to persist",
     UPD, "        let fresh = if self.set.root().version == self.root_version {",
     "        let fresh = if true {"),
    ("R4", "a cached root.json is kept for a newer version only if it verifies (5.2)", CACHE,
     "            claimed.is_ok_and(|v| v >= ours)\n"
     "                && TrustedSet::new(bytes, DateTime::now(), self.policy.clone()).is_ok()\n",
     "            claimed.is_ok_and(|v| v >= ours)\n"),
    ("F1", "endless data: the byte limit of every download", FETCH,
     "        if total > max_length {", "        if false {"),
    ("F2", "endless data: the limit holds even when a fetcher ignores the sink's error", FETCH,
     """    if exceeded {
        return Err(length_exceeded(url, max_length));
    }
    if let Some(e) = consume_error {""", """    if let Some(e) = consume_error {"""),
    ("L1", "fetched ahead: each role verified against its delegator before it is trusted or cached",
     AHEAD, "                        Ok(()) => take(i),\n",
     "                        Ok(()) => {\n"
     "                            let data = take(i);\n"
     "                            let _ = cache.write(&wanted[i].role, &data);\n"
     "                            data\n"
     "                        }\n"),
    ("L2", "fetched ahead: each role verified and let go of as its transfer ends, not all at the end",
     MULTI, "                } else if let Some(result) = slots[i].result.take() {",
     "                } else if let Some(result) = None::<Result<()>> {"),
    ("L3", "one lookup: each role verified against its delegator before it is cached",
     OVERLAP, "                Some(Ok(data)) => {\n",
     "                Some(Ok(data)) => {\n"
     "                    let _ = cache.write(role, &data);\n"),
    ("W1", "shared cache, written on the helper thread: a cached role that may be newer is left "
     "to the caller, not rolled back", WRITER,
     "                if may_be_newer {\n", "                if false && may_be_newer {\n"),
    ("W2", "5.2 a refresh starts from the newest root the helper persisted: a root it could "
     "not write is not reported as written", WRITER,
     "            store.write(&MetadataCache::root_name(version), &data, sync_all)?;\n",
     "            let _ = store.write(&MetadataCache::root_name(version), &data, sync_all);\n"),
    ("K1", "5.4.3 shared cache: a newer timestamp another updater stored, signed by the "
     "timestamp keys, is kept (the next rollback baseline does not go back)", UPD,
     "            RoleType::Timestamp => signed_and_newer::<Timestamp>(root, cached, version),\n",
     "            RoleType::Timestamp => false,\n"),
    ("K2", "5.5.5 shared cache: a newer snapshot another updater stored, signed by the "
     "snapshot keys, is kept", UPD,
     "            RoleType::Snapshot => signed_and_newer::<Snapshot>(root, cached, version),\n",
     "            RoleType::Snapshot => false,\n"),
    ("A1", "5.3.3 roots fetched ahead: no version above max_root_rotations asked for", ROOTS,
     "            let count = count.min(ahead.window as u64) as usize;\n",
     "            let count = ahead.window;\n"),
    ("A2", "5.4 timestamp fetched with the first root request: not used once a new root is found",
     ROOTS, "            (root, _) => root,\n",
     "            (root, timestamp) => {\n"
     "                self.timestamp_ahead = Some(TimestampAhead { cached: None, remote: timestamp });\n"
     "                root\n"
     "            }\n"),
]


# Mutants no test can kill because the mutated code cannot change behaviour; they are run and
# reported, but do not fail the script.
EQUIVALENT = {
    "T38": "both roots compared are parsed, and parsing requires all four top-level roles",
}


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=REPO, **kw)


def line_of(text, snippet):
    return text[: text.index(snippet)].count("\n") + 1


def run_tests():
    tests = [t for t in TESTS if os.path.exists(os.path.join(REPO, "tests", t + ".rs"))]
    cmd = ["cargo", "test", "--no-fail-fast", "--target-dir",
           os.path.join(REPO, "target", "mutation")]
    for t in tests:
        cmd += ["--test", t]
    env = dict(os.environ, CARGO_PROFILE_DEV_DEBUG="0", CARGO_PROFILE_TEST_DEBUG="0")
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, env=env)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return ["(timeout)"]
    out = out.decode(errors="replace")
    if "error[E" in out or "could not compile" in out:
        return ["(does not compile)"]
    failed = []
    binary = "?"
    for line in out.splitlines():
        m = re.search(r"Running tests/(\w+)\.rs", line)
        if m:
            binary = m.group(1)
        m = re.match(r"test (\S+) \.\.\. FAILED", line)
        if m:
            failed.append(f"{binary}::{m.group(1)}")
    if proc.returncode != 0 and not failed:
        failed.append("(tests failed to run)")
    return failed


def check_snippets():
    bad = []
    for mid, _check, path, old, _new in MUTANTS:
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            if f.read().count(old) != 1:
                bad.append(f"{mid} ({path})")
    if bad:
        sys.exit("snippets not found exactly once: " + ", ".join(bad))
    print(f"{len(MUTANTS)} passed, 0 failed: every snippet is found exactly once")


def main():
    # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the mutated file is restored.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__)
        return
    if "--check" in sys.argv[1:]:
        check_snippets()
        return
    if run(["git", "diff", "--quiet", "--", "src"]).returncode != 0:
        sys.exit("src/ has uncommitted changes; commit or stash them first")
    wanted = set(sys.argv[1:])
    rows = []
    for mid, check, path, old, new in MUTANTS:
        if wanted and mid not in wanted:
            continue
        full = os.path.join(REPO, path)
        with open(full, "rb") as f:
            original = f.read()
        text = original.decode()
        if text.count(old) != 1:
            rows.append((mid, check, path, "?", "(snippet not found exactly once)"))
            continue
        line = line_of(text, old)
        try:
            with open(full, "wb") as f:
                f.write(text.replace(old, new).encode())
            failed = run_tests()
        finally:
            with open(full, "wb") as f:
                f.write(original)
        if run(["git", "diff", "--quiet", "--", path]).returncode != 0:
            sys.exit(f"{path} was not restored")
        killed = ", ".join(failed) if failed else "SURVIVED"
        if not failed and mid in EQUIVALENT:
            killed = f"survived: equivalent ({EQUIVALENT[mid]})"
        print(f"{mid}: {path}:{line} {check}: {killed}", file=sys.stderr, flush=True)
        rows.append((mid, check, path, line, killed))
    print("| id | check | file:line | killed by |")
    print("|---|---|---|---|")
    for mid, check, path, line, killed in rows:
        print(f"| {mid} | {check} | {path}:{line} | {killed} |")
    if any(r[4] == "SURVIVED" or r[4].startswith("(") for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
