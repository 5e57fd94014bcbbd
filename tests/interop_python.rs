//! Interoperability with python-tuf 7.0.1 and securesystemslib, the reference implementation:
//!
//! - canonical JSON bytes equal securesystemslib's `encode_canonical` on a corpus;
//! - repositories python-tuf writes (all four key types, delegations, succinct bins,
//!   consistent snapshots) load and verify here, targets resolve to the same roles;
//! - repositories libtuf writes and signs verify in python-tuf's own trusted metadata set.
//!
//! The python side runs with python-tuf's interpreter (`common::python`: `$TUF_TEST_PYTHON`,
//! set by `tests/run.sh`, which installs python-tuf into a venv, or that venv). Without one
//! these tests fail and say how to get it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::python::python;
use common::sim::Sim;
use tuf::crypto::{hex, KeyKind, SigningKey};
use tuf::json::{Style, ToJson, Value};
use tuf::metadata::{
    DateTime, DelegatedRoles, Delegations, Key, Metadata, PathSpec, RoleType, Root, SuccinctBins,
    SuccinctRoles, Targets,
};
use tuf::verify::{Policy, TrustedSet, DEFAULT_MAX_DELEGATIONS};

fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_python(py: &str, args: &[&str]) -> String {
    let out = Command::new(py)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {py}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{py} {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("libtuf-interop-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---- canonical JSON ------------------------------------------------------------------------

fn our_canonical(line: &str) -> String {
    match tuf::json::canonicalize(line.as_bytes()) {
        Ok(bytes) => hex::encode(&bytes),
        Err(_) => "error".into(),
    }
}

#[test]
fn canonical_json_equals_securesystemslib_on_the_corpus() {
    let corpus_path = repo_dir().join("tests/data/canonical/corpus.jsonl");
    let corpus = std::fs::read_to_string(&corpus_path).unwrap();
    let expected =
        std::fs::read_to_string(repo_dir().join("tests/data/canonical/expected.txt")).unwrap();
    let lines: Vec<&str> = corpus.lines().collect();
    let want: Vec<&str> = expected.lines().collect();
    assert_eq!(lines.len(), want.len());
    assert!(lines.len() >= 50);
    for (i, (line, want)) in lines.iter().zip(&want).enumerate() {
        assert_eq!(our_canonical(line), *want, "corpus line {}: {line}", i + 1);
    }
}

#[test]
fn canonical_json_expectations_equal_the_installed_securesystemslib() {
    let corpus_path = repo_dir().join("tests/data/canonical/corpus.jsonl");
    let expected =
        std::fs::read_to_string(repo_dir().join("tests/data/canonical/expected.txt")).unwrap();
    let want: Vec<&str> = expected.lines().collect();
    let script = repo_dir().join("tests/python/canonical.py");
    let live = run_python(
        &python(),
        &[script.to_str().unwrap(), corpus_path.to_str().unwrap()],
    );
    assert_eq!(live.lines().collect::<Vec<_>>(), want);
}

// ---- repositories written by python-tuf ----------------------------------------------------

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

/// Loads a python-written repository the way a client would, and checks `expected.json`.
fn verify_python_repo(repo: &Path) {
    let md = repo.join("metadata");
    let expected = Value::parse(&read(repo, "expected.json")).unwrap();
    let expected = expected.as_object().unwrap();

    let mut set = TrustedSet::new(
        &read(&md, "1.root.json"),
        DateTime::now(),
        Policy::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", repo.display()));
    let mut v = 2;
    while md.join(format!("{v}.root.json")).exists() {
        set.update_root(&read(&md, &format!("{v}.root.json")))
            .unwrap_or_else(|e| panic!("{}: root v{v}: {e}", repo.display()));
        v += 1;
    }
    if let Some(n) = expected.get("root_versions").and_then(Value::as_u64) {
        assert_eq!(set.root().version, n);
    }
    set.update_timestamp(&read(&md, "timestamp.json")).unwrap();
    let consistent = set.root().consistent_snapshot();
    let snap_name = if consistent {
        format!(
            "{}.snapshot.json",
            set.timestamp().unwrap().snapshot_meta.version
        )
    } else {
        "snapshot.json".into()
    };
    set.update_snapshot(&read(&md, &snap_name), false).unwrap();
    let mut load = |set: &mut TrustedSet, role: &str, delegator: &str| {
        let name = if consistent {
            let v = set
                .snapshot()
                .unwrap()
                .role_meta(role)
                .map(|m| m.version)
                .unwrap_or(0);
            format!("{v}.{role}.json")
        } else {
            format!("{role}.json")
        };
        set.update_delegated_targets(&read(&md, &name), role, delegator)
            .map(|_| ())
    };

    // Every expected target resolves in the expected role, with its length, hashes, custom.
    let targets = expected["targets"].as_object().unwrap();
    assert!(!targets.is_empty());
    for (path, want) in targets {
        let want = want.as_object().unwrap();
        let found = set
            .find_target(path, DEFAULT_MAX_DELEGATIONS, &mut load)
            .unwrap_or_else(|e| panic!("{}: {path}: {e}", repo.display()))
            .unwrap_or_else(|| panic!("{}: {path} not found", repo.display()));
        assert_eq!(found.role, want["role"].as_str().unwrap(), "{path}");
        assert_eq!(
            found.target.length,
            want["length"].as_u64().unwrap(),
            "{path}"
        );
        let hashes: BTreeMap<&str, String> = found
            .target
            .hashes
            .iter()
            .map(|(a, d)| (a, d.into_owned()))
            .collect();
        let want_hashes: BTreeMap<&str, String> = want["hashes"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(hashes, want_hashes, "{path}");
        if let Some(custom) = want.get("custom") {
            assert_eq!(found.target.custom(), Some(custom), "{path}");
        }
        // Under consistent snapshots the target file is named by its hash, so it is
        // unambiguous: it verifies against the description found.
        if consistent {
            let (_, digest) = found.target.hashes.first();
            let (dir, base) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
            let tdir = repo.join("targets").join(dir);
            let data = std::fs::read(tdir.join(format!("{digest}.{base}"))).unwrap();
            found.target.verify(path, &data).unwrap();
        }
    }
    for path in expected["absent"].as_array_of_str() {
        let found = set
            .find_target(&path, DEFAULT_MAX_DELEGATIONS, &mut load)
            .unwrap();
        assert!(
            found.is_none(),
            "{}: {path} must not be found, found {found:?}",
            repo.display()
        );
    }

    // Keyids are the default keyids, with the expected key types (digest 1.7).
    let keyids = expected["keyids"].as_object().unwrap();
    let mut all_keys: Vec<(String, Key)> = set.root().keys.clone().into_iter().collect();
    for role in expected["roles"].as_array_of_str() {
        if let Some(t) = set.get_targets(&role) {
            if let Some(d) = &t.delegations {
                all_keys.extend(d.keys.clone());
            }
        }
    }
    for (id, key) in all_keys {
        assert_eq!(key.keyid(), id);
        assert!(key.public_key().is_supported(), "{id}: {:?}", key);
        assert_eq!(
            keyids[&id].as_str().unwrap(),
            format!("{}/{}", key.keytype(), key.scheme())
        );
    }
}

trait ArrayOfStr {
    fn as_array_of_str(&self) -> Vec<String>;
}

impl ArrayOfStr for Value {
    fn as_array_of_str(&self) -> Vec<String> {
        match self {
            Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
            _ => panic!("expected an array"),
        }
    }
}

#[test]
fn repositories_written_by_python_tuf_verify() {
    let py = python();
    let out = tempdir("from-python");
    let script = repo_dir().join("tests/python/make_repos.py");
    run_python(
        &py,
        &[script.to_str().unwrap(), out.to_str().unwrap(), "--force"],
    );
    let mut n = 0;
    for name in ["keytypes", "delegations", "succinct", "consistent"] {
        verify_python_repo(&out.join(name));
        n += 1;
    }
    assert_eq!(n, 4);

    // A flipped signature byte is detected: the keytypes targets role is signed by RSA.
    let md = out.join("keytypes/metadata");
    let text = String::from_utf8(read(&md, "targets.json")).unwrap();
    let pos = text.find("\"sig\": \"").unwrap() + 8;
    let mut bytes = text.into_bytes();
    bytes[pos] = if bytes[pos] == b'0' { b'1' } else { b'0' };
    std::fs::write(md.join("targets.json"), &bytes).unwrap();
    let result = std::panic::catch_unwind(|| verify_python_repo(&out.join("keytypes")));
    assert!(result.is_err(), "a tampered signature must not verify");
    let _ = std::fs::remove_dir_all(&out);
}

// ---- repositories written by libtuf, verified by python-tuf --------------------------------

fn load_pem(name: &str, scheme: &str) -> SigningKey {
    let pem = std::fs::read_to_string(repo_dir().join("tests/data/keys").join(name)).unwrap();
    SigningKey::from_pkcs8_pem(&pem, scheme).unwrap()
}

/// Replaces the keys of top-level `role` in the simulator's root by `keys`.
fn set_role_keys(sim: &mut Sim, role: RoleType, keys: Vec<SigningKey>, threshold: u64) {
    let ids = sim.root.signed.role(role).unwrap().keyids.clone();
    for id in ids {
        sim.root.signed.revoke_key(role, &id);
    }
    for k in &keys {
        sim.root.signed.add_key(role, Key::from_signer(k));
    }
    sim.root
        .signed
        .roles
        .get_mut(role.as_str())
        .unwrap()
        .threshold = threshold;
    sim.signers.insert(role.as_str().into(), keys);
}

struct Expect {
    targets: BTreeMap<String, Value>,
    absent: Vec<String>,
}

fn write_repo(sim: &Sim, dir: &Path, expect: &Expect) {
    let md = dir.join("metadata");
    std::fs::create_dir_all(&md).unwrap();
    let mut keyids = BTreeMap::new();
    for (i, bytes) in sim.signed_roots.iter().enumerate() {
        std::fs::write(md.join(format!("{}.root.json", i + 1)), bytes).unwrap();
        let root = Metadata::<Root>::from_bytes(bytes).unwrap();
        for (id, k) in &root.signed.keys {
            keyids.insert(
                id.clone(),
                Value::from(format!("{}/{}", k.keytype(), k.scheme())),
            );
        }
    }
    std::fs::write(md.join("root.json"), sim.latest_root_bytes()).unwrap();
    let mut roles = vec!["root", "timestamp", "snapshot", "targets"];
    for r in ["timestamp", "snapshot", "targets"] {
        std::fs::write(md.join(format!("{r}.json")), sim.bytes(r)).unwrap();
    }
    let mut all_targets: Vec<&Targets> = vec![&sim.targets.signed];
    for (name, t) in &sim.delegated {
        std::fs::write(md.join(format!("{name}.json")), sim.bytes(name)).unwrap();
        roles.push(name);
        all_targets.push(&t.signed);
    }
    for t in all_targets {
        if let Some(d) = &t.delegations {
            for (id, k) in &d.keys {
                keyids.insert(
                    id.clone(),
                    Value::from(format!("{}/{}", k.keytype(), k.scheme())),
                );
            }
        }
    }
    let mut e = tuf::json::Map::new();
    e.insert(
        "roles".into(),
        Value::Array(roles.into_iter().map(Value::from).collect()),
    );
    e.insert(
        "targets".into(),
        Value::Object(expect.targets.clone().into_iter().collect()),
    );
    e.insert(
        "absent".into(),
        Value::Array(
            expect
                .absent
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect(),
        ),
    );
    e.insert("keyids".into(), Value::Object(keyids.into_iter().collect()));
    e.insert(
        "root_versions".into(),
        Value::from(sim.signed_roots.len() as u64),
    );
    e.insert("consistent_snapshot".into(), Value::from(false));
    std::fs::write(
        dir.join("expected.json"),
        Value::Object(e).to_json(Style::Pretty),
    )
    .unwrap();
}

fn expect_target(sim: &Sim, exp: &mut Expect, role: &str, path: &str) {
    let t = if role == "targets" {
        &sim.targets.signed.targets[path]
    } else {
        &sim.delegated[role].signed.targets[path]
    };
    let mut m = tuf::json::Map::new();
    m.insert("role".into(), Value::from(role));
    m.insert("length".into(), Value::from(t.length));
    let hashes = t
        .hashes
        .iter()
        .map(|(a, d)| (a.to_string(), Value::from(d.into_owned())))
        .collect();
    m.insert("hashes".into(), Value::Object(hashes));
    if let Some(c) = t.custom() {
        m.insert("custom".into(), c.clone());
    }
    exp.targets.insert(path.into(), Value::Object(m));
}

/// All four key types, a root rotation, classic delegations (paths, hash prefixes,
/// terminating, nesting) and custom data with unicode and big integers.
fn libtuf_repo_classic(dir: &Path) {
    let mut sim = Sim::new();
    sim.root.signed.consistent_snapshot = Some(false);
    let rsa = || load_pem("rsa2048.pkcs8.pem", "rsassa-pss-sha256");
    set_role_keys(
        &mut sim,
        RoleType::Root,
        vec![SigningKey::generate(KeyKind::Ed25519).unwrap(), rsa()],
        2,
    );
    set_role_keys(
        &mut sim,
        RoleType::Timestamp,
        vec![SigningKey::generate(KeyKind::EcdsaP256).unwrap()],
        1,
    );
    set_role_keys(
        &mut sim,
        RoleType::Snapshot,
        vec![SigningKey::generate(KeyKind::EcdsaP384).unwrap()],
        1,
    );
    set_role_keys(&mut sim, RoleType::Targets, vec![rsa()], 1);
    sim.signed_roots.clear();
    sim.publish_root();
    // v2: rotate one root key; signed by the old and the new root keys.
    let old = sim.signers.remove("root").unwrap();
    let new_ed = SigningKey::generate(KeyKind::Ed25519).unwrap();
    let old_ed_id = Key::from_signer(&old[0]).keyid();
    sim.root.signed.revoke_key(RoleType::Root, &old_ed_id);
    sim.root
        .signed
        .add_key(RoleType::Root, Key::from_signer(&new_ed));
    sim.signers.insert("root".into(), vec![new_ed, rsa()]);
    sim.rotate_root(|_| {}, &[&old[0]]);

    let mut exp = Expect {
        targets: BTreeMap::new(),
        absent: vec!["files/nothing.txt".into(), "other/a.txt".into()],
    };
    sim.add_target("targets", "top.txt", b"top level target\n");
    let custom = Value::parse(
        r#"{"name": "caf\u00e9 \ud83d\ude00", "big": 1180591620717411303424, "neg": -18446744073709551616,
            "nested": {"empty": {}, "list": [], "deep": [[{"x": null}]]}}"#
            .as_bytes(),
    )
    .unwrap();
    sim.targets
        .signed
        .targets
        .get_mut("top.txt")
        .unwrap()
        .extra
        .insert("custom".into(), custom);
    sim.add_delegation(
        "targets",
        "txt",
        PathSpec::Paths(vec!["files/*.txt".into()]),
        false,
    );
    sim.signers.insert(
        "txt".into(),
        vec![SigningKey::generate(KeyKind::EcdsaP256).unwrap()],
    );
    // Re-key the txt delegation to the ecdsa key just installed.
    {
        let key = Key::from_signer(&sim.signers["txt"][0]);
        let id = key.keyid();
        let d = sim.targets.signed.delegations.as_mut().unwrap();
        d.keys.clear();
        d.keys.insert(id.clone(), key);
        if let DelegatedRoles::Roles(r) = &mut d.roles {
            r[0].keyids = vec![id];
        }
    }
    sim.add_target("txt", "files/a.txt", b"a\n");
    let prefix = tuf::metadata::matching::target_path_hash_hex("hashed/one.bin")[..2].to_string();
    sim.add_delegation(
        "targets",
        "hashed",
        PathSpec::HashPrefixes(vec![prefix]),
        false,
    );
    sim.add_target("hashed", "hashed/one.bin", b"\x00\x01\x02");
    sim.add_delegation("targets", "term", PathSpec::Paths(vec!["t/*".into()]), true);
    sim.add_delegation(
        "targets",
        "after-term",
        PathSpec::Paths(vec!["t/*".into()]),
        false,
    );
    sim.add_target("after-term", "t/hidden", b"never reached");
    exp.absent.push("t/hidden".into());
    sim.add_delegation(
        "txt",
        "txt-inner",
        PathSpec::Paths(vec!["files/inner-*.txt".into()]),
        false,
    );
    sim.add_target("txt-inner", "files/inner-1.txt", b"inner\n");
    sim.targets.signed.version += 1;
    sim.update_snapshot();
    for (role, path) in [
        ("targets", "top.txt"),
        ("txt", "files/a.txt"),
        ("hashed", "hashed/one.bin"),
        ("txt-inner", "files/inner-1.txt"),
    ] {
        expect_target(&sim, &mut exp, role, path);
    }
    write_repo(&sim, dir, &exp);
}

/// TAP 15 succinct hash bins.
fn libtuf_repo_succinct(dir: &Path) {
    let mut sim = Sim::new();
    sim.root.signed.consistent_snapshot = Some(false);
    sim.signed_roots.clear();
    sim.publish_root();
    // One key signs every bin.
    let bin_key = || SigningKey::from_ed25519_seed(&[7; 32]).unwrap();
    let k = Key::from_signer(&bin_key());
    let id = k.keyid();
    let bins = SuccinctBins::new(3, "bin").unwrap();
    let mut d = Delegations::new();
    d.keys.insert(id.clone(), k);
    d.roles = DelegatedRoles::Succinct(SuccinctRoles {
        keyids: vec![id],
        threshold: 1,
        bins: bins.clone(),
        extra: Default::default(),
    });
    sim.targets.signed.delegations = Some(d);
    for name in bins.bin_names() {
        sim.delegated.insert(
            name.clone(),
            Metadata::new(Targets::new(common::sim::in_secs(86400))),
        );
        sim.signers.insert(name, vec![bin_key()]);
    }
    let mut exp = Expect {
        targets: BTreeMap::new(),
        absent: vec!["not/there".into()],
    };
    let paths: Vec<String> = (0..20).map(|i| format!("pkg/file-{i}.tar.gz")).collect();
    for p in &paths {
        sim.add_target(&bins.bin_for_target(p), p, p.as_bytes());
    }
    sim.targets.signed.version += 1;
    sim.update_snapshot();
    for p in &paths {
        expect_target(&sim, &mut exp, &bins.bin_for_target(p), p);
    }
    write_repo(&sim, dir, &exp);
}

#[test]
fn repositories_written_by_libtuf_verify_in_python_tuf() {
    let py = python();
    let out = tempdir("from-libtuf");
    libtuf_repo_classic(&out.join("classic"));
    libtuf_repo_succinct(&out.join("succinct"));
    // They also verify here, through the same checks as python-written repositories.
    verify_python_repo(&out.join("classic"));
    verify_python_repo(&out.join("succinct"));
    let script = repo_dir().join("tests/python/verify_repo.py");
    let stdout = run_python(
        &py,
        &[
            script.to_str().unwrap(),
            out.join("classic").to_str().unwrap(),
            out.join("succinct").to_str().unwrap(),
        ],
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("OK ")).count(),
        2,
        "{stdout}"
    );

    // python-tuf rejects a libtuf repository whose signature was tampered with.
    let md = out.join("classic/metadata");
    let text = String::from_utf8(read(&md, "snapshot.json")).unwrap();
    let pos = text.find("\"sig\": \"").unwrap() + 20;
    let mut bytes = text.into_bytes();
    bytes[pos] = if bytes[pos] == b'a' { b'b' } else { b'a' };
    std::fs::write(md.join("snapshot.json"), &bytes).unwrap();
    let status = Command::new(&py)
        .args([
            script.to_str().unwrap(),
            out.join("classic").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!status.status.success());
    let _ = std::fs::remove_dir_all(&out);
}
