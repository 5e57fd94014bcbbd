//! Hostile input: every malformed, mistyped, oversized or otherwise invalid document gets an
//! error naming what is wrong, never a panic or a stack overflow, through both
//! `Metadata::<T>::from_bytes` and the `TrustedSet` entry points. Documents that do parse must
//! re-encode to exactly what they were read from (digest 1.3, 1.8, 6.12, 6.37, 6.42).

mod common;

use std::fmt::Write as _;

use common::sim::Sim;
use tuf::json::{Map, Style, ToJson, Value};
use tuf::metadata::{Metadata, PathSpec, Root, Signed, Snapshot, Targets, Timestamp};
use tuf::verify::{Policy, TrustedSet};
use tuf::{Error, ErrorKind};

// ---- documents and paths -------------------------------------------------------------------

/// Which role type a document is parsed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Doc {
    Root,
    Timestamp,
    Snapshot,
    Targets,
}

const ALL_DOCS: [Doc; 4] = [Doc::Root, Doc::Timestamp, Doc::Snapshot, Doc::Targets];

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A path from strings: `"#3"` is array index 3, anything else an object key.
fn segs(parts: &[&str]) -> Vec<Seg> {
    parts
        .iter()
        .map(|p| match p.strip_prefix('#') {
            Some(i) => Seg::Index(i.parse().unwrap()),
            None => Seg::Key(p.to_string()),
        })
        .collect()
}

/// A path as libtuf prints it in errors: `signed.roles.root.keyids[0]`.
fn fmt_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => write!(s, "[{i}]").unwrap(),
        }
    }
    if s.is_empty() {
        s.push_str("(document)");
    }
    s
}

fn get_mut<'v>(v: &'v mut Value, path: &[Seg]) -> &'v mut Value {
    let mut cur = v;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k).unwrap_or_else(|| panic!("no {k}")),
            (Seg::Index(i), Value::Array(a)) => &mut a[*i],
            (seg, _) => panic!("cannot follow {seg:?}"),
        };
    }
    cur
}

fn object_mut<'v>(v: &'v mut Value, path: &[Seg]) -> &'v mut Map {
    match get_mut(v, path) {
        Value::Object(m) => m,
        other => panic!("not an object: {other:?}"),
    }
}

fn compact(v: &Value) -> Vec<u8> {
    v.to_json(Style::Compact)
}

fn value(bytes: &[u8]) -> Value {
    Value::parse(bytes).unwrap()
}

/// `doc` with `edit` applied to its parsed value, re-encoded as compact JSON.
fn edited(doc: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = value(doc);
    edit(&mut v);
    compact(&v)
}

const RAW: &str = "\"@@raw-json@@\"";

/// `doc` with the member at `path` set (added or replaced) to the raw JSON text `raw`, which
/// need not be valid JSON (floats, truncated text, ...).
fn with_raw(doc: &[u8], path: &[&str], raw: &str) -> Vec<u8> {
    let path = segs(path);
    let (last, parent) = path.split_last().unwrap();
    let text = edited(doc, |v| {
        let slot = Value::String(RAW.trim_matches('"').into());
        match (last, get_mut(v, parent)) {
            (Seg::Key(k), Value::Object(m)) => {
                m.insert(k.clone(), slot);
            }
            (Seg::Index(i), Value::Array(a)) => a[*i] = slot,
            (seg, _) => panic!("cannot set {seg:?}"),
        }
    });
    let text = String::from_utf8(text).unwrap();
    assert_eq!(text.matches(RAW).count(), 1);
    text.replacen(RAW, raw, 1).into_bytes()
}

/// `doc` without the member at `path`.
fn without(doc: &[u8], path: &[&str]) -> Vec<u8> {
    let path = segs(path);
    let (last, parent) = path.split_last().unwrap();
    edited(doc, |v| {
        let Seg::Key(k) = last else { panic!() };
        assert!(object_mut(v, parent).remove(k).is_some(), "no {k}");
    })
}

// ---- parsing with consistency checks -------------------------------------------------------

/// Checks that metadata which parsed re-encodes consistently: the canonical bytes of `signed`
/// equal the canonical form of the `signed` part of the input (so no field was dropped or
/// altered, digest 1.3), the whole document likewise, and the python-tuf style output parses
/// back to the same metadata.
fn check_consistent<T: Signed + PartialEq + std::fmt::Debug>(md: &Metadata<T>, input: &[u8]) {
    let v = Value::parse(input).expect("typed parse succeeded, so the value parse must too");
    let signed = v.as_object().and_then(|o| o.get("signed")).unwrap();
    assert_eq!(
        md.signed_bytes(),
        signed.to_canonical(),
        "signed part re-encodes differently"
    );
    assert_eq!(
        md.to_canonical(),
        v.to_canonical(),
        "document re-encodes differently"
    );
    let again = Metadata::<T>::from_bytes(&md.to_bytes()).expect("re-encoded metadata parses");
    assert_eq!(&again, md);
}

fn parse_as<T: Signed + PartialEq + std::fmt::Debug>(bytes: &[u8]) -> Result<(), Error> {
    let md = Metadata::<T>::from_bytes(bytes)?;
    check_consistent(&md, bytes);
    Ok(())
}

fn parse(doc: Doc, bytes: &[u8]) -> Result<(), Error> {
    match doc {
        Doc::Root => parse_as::<Root>(bytes),
        Doc::Timestamp => parse_as::<Timestamp>(bytes),
        Doc::Snapshot => parse_as::<Snapshot>(bytes),
        Doc::Targets => parse_as::<Targets>(bytes),
    }
}

/// Parses `bytes` as `doc`, expecting an [`Error::InvalidMetadata`] at `path` whose message
/// contains `msg`. Returns the error text.
#[track_caller]
fn expect_invalid(doc: Doc, bytes: &[u8], path: &str, msg: &str) -> String {
    let err = match parse(doc, bytes) {
        Ok(()) => panic!(
            "{doc:?} accepted, expected an error at {path}: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(400)])
        ),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::InvalidMetadata, "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("at {path}: ")),
        "{doc:?}: error does not name {path}: {text}"
    );
    assert!(text.contains(msg), "{doc:?}: {text:?} lacks {msg:?}");
    text
}

// ---- fixtures ------------------------------------------------------------------------------

/// A repository with every kind of field: four top-level roles, targets with a `custom` field,
/// one delegation by `paths` and one by `path_hash_prefixes`, and (with `hashes`) length and
/// hashes in snapshot and timestamp meta.
fn fixture(hashes: bool) -> Sim {
    let mut sim = Sim::new();
    sim.compute_metafile_hashes_length = hashes;
    sim.add_delegation(
        "targets",
        "role1",
        PathSpec::Paths(vec!["a/*".into(), "b/*.txt".into()]),
        false,
    );
    sim.add_delegation(
        "targets",
        "role2",
        PathSpec::HashPrefixes(vec!["00".into(), "ab".into()]),
        true,
    );
    sim.add_target("targets", "file.txt", b"hello");
    let custom = value(br#"{"owner": "ops", "tags": ["a", "b"], "n": 3}"#);
    sim.targets
        .signed
        .targets
        .get_mut("file.txt")
        .unwrap()
        .extra
        .insert("custom".into(), custom);
    sim.add_target("role1", "a/x.txt", b"x");
    sim.targets.signed.version = 2;
    sim.update_snapshot();
    sim
}

// ---- keys ----------------------------------------------------------------------------------

#[test]
fn keyval_public_of_the_wrong_type_or_missing_names_the_path() {
    let sim = fixture(false);
    let root = sim.root_bytes(1);
    let keyid = sim.root.signed.keys.keys().next().unwrap().clone();
    for raw in ["1", "null", "[]", "{}", "true"] {
        let bad = with_raw(&root, &["signed", "keys", &keyid, "keyval", "public"], raw);
        expect_invalid(
            Doc::Root,
            &bad,
            &format!("signed.keys.{keyid}.keyval.public"),
            "expected a string",
        );
    }
    let bad = without(&root, &["signed", "keys", &keyid, "keyval", "public"]);
    expect_invalid(
        Doc::Root,
        &bad,
        &format!("signed.keys.{keyid}.keyval"),
        "missing required field \"public\"",
    );
}

// ---- TrustedSet entry points ---------------------------------------------------------------

#[test]
fn root_at_u64_max_has_no_successor_and_does_not_overflow() {
    // 5.3.5 with a trusted root whose version is the largest integer: the next version N+1
    // does not exist, so every new root is rejected (it used to overflow `N + 1`).
    let mut sim = Sim::new();
    sim.root.signed.version = u64::MAX;
    sim.signed_roots.clear();
    sim.publish_root();
    let bytes = sim.latest_root_bytes();
    let mut set = TrustedSet::new(&bytes, tuf::metadata::DateTime::now(), Policy::default())
        .expect("a root of version u64::MAX is valid");
    match set.update_root(&bytes) {
        Err(Error::BadVersion { role, got, .. }) => {
            assert_eq!((role.as_str(), got), ("root", u64::MAX))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(set.root().version, u64::MAX);
}

/// Trusted sets at each step of the workflow for `sim`, to feed hostile bytes to every
/// `TrustedSet` entry point. A failed update leaves a set unchanged, so they are reused.
struct Sets {
    sim_root: Vec<u8>,
    at_root: TrustedSet,
    at_timestamp: TrustedSet,
    at_snapshot: TrustedSet,
    at_targets: TrustedSet,
}

fn now() -> tuf::metadata::DateTime {
    tuf::metadata::DateTime::now()
}

impl Sets {
    fn new(sim: &Sim) -> Sets {
        let root = sim.root_bytes(1);
        let fresh = || TrustedSet::new(&root, now(), Policy::default()).unwrap();
        let at_root = fresh();
        let mut at_timestamp = fresh();
        at_timestamp
            .update_timestamp(&sim.bytes("timestamp"))
            .unwrap();
        let mut at_snapshot = fresh();
        at_snapshot
            .update_timestamp(&sim.bytes("timestamp"))
            .unwrap();
        at_snapshot
            .update_snapshot(&sim.bytes("snapshot"), false)
            .unwrap();
        let mut at_targets = fresh();
        at_targets
            .update_timestamp(&sim.bytes("timestamp"))
            .unwrap();
        at_targets
            .update_snapshot(&sim.bytes("snapshot"), false)
            .unwrap();
        at_targets.update_targets(&sim.bytes("targets")).unwrap();
        Sets {
            sim_root: root,
            at_root,
            at_timestamp,
            at_snapshot,
            at_targets,
        }
    }

    /// Feeds `bytes`, meant as a `doc`, to the TrustedSet entry points for that role and
    /// returns whether any of them accepted it. None may panic.
    fn feed(&mut self, doc: Doc, bytes: &[u8]) -> bool {
        match doc {
            Doc::Root => {
                let a = TrustedSet::new(bytes, now(), Policy::default()).is_ok();
                let b = self.at_root.update_root(bytes).is_ok();
                if b {
                    // Do not let a lucky mutation advance the shared set.
                    self.at_root =
                        TrustedSet::new(&self.sim_root, now(), Policy::default()).unwrap();
                }
                a || b
            }
            Doc::Timestamp => self.at_root.update_timestamp(bytes).is_ok(),
            Doc::Snapshot => {
                let a = self.at_timestamp.update_snapshot(bytes, true).is_ok();
                let b = self.at_timestamp.update_snapshot(bytes, false).is_ok();
                a || b
            }
            Doc::Targets => {
                let a = self.at_snapshot.update_targets(bytes).is_ok();
                let b = self
                    .at_targets
                    .update_delegated_targets(bytes, "role1", "targets")
                    .is_ok();
                a || b
            }
        }
    }

    /// Feeds `bytes` to every entry point, as every role type.
    fn feed_everywhere(&mut self, bytes: &[u8]) -> bool {
        let mut ok = false;
        for doc in ALL_DOCS {
            ok |= parse(doc, bytes).is_ok();
            ok |= self.feed(doc, bytes);
        }
        ok
    }
}

/// The documents of `sim` with the role type each is parsed as.
fn documents(sim: &Sim) -> Vec<(Doc, &'static str, Vec<u8>)> {
    vec![
        (Doc::Root, "root", sim.root_bytes(1)),
        (Doc::Timestamp, "timestamp", sim.bytes("timestamp")),
        (Doc::Snapshot, "snapshot", sim.bytes("snapshot")),
        (Doc::Targets, "targets", sim.bytes("targets")),
        (Doc::Targets, "role1", sim.bytes("role1")),
        (Doc::Targets, "succinct", succinct_targets(sim)),
    ]
}

/// Targets metadata with a `succinct_roles` delegation, signed by the targets key.
fn succinct_targets(sim: &Sim) -> Vec<u8> {
    use tuf::metadata::{DelegatedRoles, Delegations, Key, SuccinctBins, SuccinctRoles};
    let key = common::sim::new_key();
    let k = Key::from_signer(&key);
    let mut d = Delegations::new();
    d.keys.insert(k.keyid(), k.clone());
    d.roles = DelegatedRoles::Succinct(SuccinctRoles {
        keyids: vec![k.keyid()],
        threshold: 1,
        bins: SuccinctBins::new(5, "bin").unwrap(),
        extra: Map::new(),
    });
    let mut md = sim.targets.clone();
    md.signed.delegations = Some(d);
    sim.signed_bytes("targets", &md)
}

// ---- malformed JSON ------------------------------------------------------------------------

#[test]
fn every_truncation_of_a_signed_root_and_targets_is_an_error() {
    let sim = fixture(false);
    let mut sets = Sets::new(&sim);
    for (doc, name) in [(Doc::Root, "root"), (Doc::Targets, "targets")] {
        let full = sim.bytes(name);
        parse(doc, &full).unwrap();
        let trimmed = full.trim_ascii_end();
        for n in 0..trimmed.len() {
            let prefix = &full[..n];
            let err = parse(doc, prefix).expect_err("a truncated document parsed");
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidMetadata,
                "{name}[..{n}]: {err}"
            );
            assert!(
                !sets.feed(doc, prefix),
                "{name}[..{n}] accepted by TrustedSet"
            );
        }
    }
}

/// xorshift64*: a small deterministic generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_byte_flips_never_panic_and_what_parses_re_encodes_consistently() {
    let sim = fixture(false);
    let mut sets = Sets::new(&sim);
    let docs = documents(&sim);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let interesting = b"{}[]\",:\\0123456789-.eEtfnul \n\xff\xc0\xe2";
    let mut parsed = 0;
    for i in 0..3000 {
        let (doc, _, original) = &docs[i % docs.len()];
        let mut bytes = original.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len());
            bytes[at] = if rng.below(2) == 0 {
                interesting[rng.below(interesting.len())]
            } else {
                rng.next() as u8
            };
        }
        // parse() checks the re-encoding of anything that parses.
        if parse(*doc, &bytes).is_ok() {
            parsed += 1;
        }
        if i % 4 == 0 {
            sets.feed(*doc, &bytes);
        }
    }
    // Flips inside string values and white space keep documents parseable; make sure the
    // consistency check above actually ran.
    assert!(parsed > 50, "only {parsed} mutated documents parsed");
}

// ---- wrong types ---------------------------------------------------------------------------

/// Every path (except the document itself) in `v`.
fn all_paths(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push(Seg::Key(k.clone()));
                out.push(path.clone());
                all_paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                out.push(path.clone());
                all_paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Paths whose value may be anything: `custom` and what is below it, and the members of
/// `keyval` other than `public`.
fn is_free(path: &[Seg]) -> bool {
    path.iter().any(|s| *s == Seg::Key("custom".into()))
        || path
            .windows(2)
            .any(|w| w[0] == Seg::Key("keyval".into()) && w[1] != Seg::Key("public".into()))
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

#[test]
fn every_field_of_the_wrong_type_is_an_error_naming_its_path() {
    let sim = fixture(true);
    let alternatives = [
        Value::from("x"),
        Value::from(7u64),
        Value::Array(Vec::new()),
        Value::Object(Map::new()),
        Value::Null,
        Value::Bool(true),
    ];
    let mut checked = 0;
    let mut seen = Vec::new();
    for (doc, name, bytes) in documents(&sim) {
        let original = value(&bytes);
        let mut paths = Vec::new();
        all_paths(&original, &mut Vec::new(), &mut paths);
        for path in paths {
            let here = fmt_path(&path);
            for alt in &alternatives {
                let mut v = original.clone();
                let slot = get_mut(&mut v, &path);
                if same_kind(slot, alt) {
                    continue;
                }
                *slot = alt.clone();
                let bad = compact(&v);
                if is_free(&path) {
                    parse(doc, &bad).unwrap_or_else(|e| panic!("{name} {here}: {e}"));
                    continue;
                }
                expect_invalid(doc, &bad, &here, "");
                checked += 1;
            }
            seen.push(here);
        }
    }
    // The paths the brief names are among those checked.
    for p in [
        "signed.roles.timestamp.threshold",
        "signed.targets.file.txt.length",
        "signatures[0].keyid",
        "signed.delegations.roles[1].name",
        "signed.meta.snapshot.json.hashes.sha256",
        "signed.delegations.succinct_roles.bit_length",
    ] {
        assert!(seen.iter().any(|s| s == p), "{p} not covered");
    }
    assert!(checked > 500, "{checked}");
}

// ---- missing and duplicate fields ----------------------------------------------------------

/// Whether member `key` of the object at `parent` may be left out of a `doc`.
fn optional(doc: Doc, parent: &[Seg], key: &str) -> bool {
    let p = fmt_path(parent);
    matches!(key, "consistent_snapshot" | "delegations" | "custom")
        || (matches!(key, "length" | "hashes") && p.starts_with("signed.meta."))
        || matches!(
            p.as_str(),
            "signed.keys" | "signed.targets" | "signed.delegations.keys"
        )
        || (p == "signed.meta" && doc == Doc::Snapshot)
        || (p.ends_with(".keyval") && key != "public")
}

#[test]
fn every_missing_required_field_is_an_error_naming_its_object() {
    let sim = fixture(true);
    let mut removed_required = 0;
    for (doc, name, bytes) in documents(&sim) {
        let original = value(&bytes);
        let mut paths = Vec::new();
        all_paths(&original, &mut Vec::new(), &mut paths);
        for path in paths {
            let (Seg::Key(key), parent) = path.split_last().unwrap() else {
                continue;
            };
            if is_free(&path) && key != "public" {
                continue;
            }
            let mut v = original.clone();
            object_mut(&mut v, parent).remove(key);
            let bad = compact(&v);
            if optional(doc, parent, key) {
                parse(doc, &bad).unwrap_or_else(|e| panic!("{name} without {key}: {e}"));
                continue;
            }
            let parent_path = fmt_path(parent);
            // Removing the only hash leaves an empty map, which is its own error.
            let msg = if parent_path.ends_with(".hashes") {
                "must not be empty"
            } else {
                key.as_str()
            };
            expect_invalid(doc, &bad, &parent_path, msg);
            removed_required += 1;
        }
    }
    assert!(removed_required > 50, "{removed_required}");
}

/// Compact JSON of `v`, with member `dup` of the object at `target` written twice.
fn write_with_duplicate(
    v: &Value,
    path: &mut Vec<Seg>,
    target: &[Seg],
    dup: &str,
    out: &mut Vec<u8>,
) {
    match v {
        Value::Object(m) => {
            out.push(b'{');
            let mut first = true;
            for (k, child) in m {
                let times = if path == target && k == dup { 2 } else { 1 };
                for _ in 0..times {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    out.extend(Value::from(k.as_str()).to_json(Style::Compact));
                    out.push(b':');
                    path.push(Seg::Key(k.clone()));
                    write_with_duplicate(child, path, target, dup, out);
                    path.pop();
                }
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, child) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                path.push(Seg::Index(i));
                write_with_duplicate(child, path, target, dup, out);
                path.pop();
            }
            out.push(b']');
        }
        leaf => out.extend(leaf.to_json(Style::Compact)),
    }
}

#[test]
fn duplicate_keys_at_every_level_are_errors() {
    // Digest 1.8, 6.42: duplicate object keys are rejected, wherever they are.
    let sim = fixture(true);
    let mut sets = Sets::new(&fixture(false));
    let mut checked = 0;
    for (doc, name, bytes) in documents(&sim) {
        let original = value(&bytes);
        let mut paths = vec![Vec::new()];
        all_paths(&original, &mut Vec::new(), &mut paths);
        for path in paths {
            let mut v = original.clone();
            let Value::Object(m) = get_mut(&mut v, &path).clone() else {
                continue;
            };
            for key in m.keys() {
                let mut bad = Vec::new();
                write_with_duplicate(&original, &mut Vec::new(), &path, key, &mut bad);
                let err = parse(doc, &bad).expect_err("duplicate key accepted");
                let text = err.to_string();
                let parent = fmt_path(&path);
                let child = fmt_path(&[path.clone(), vec![Seg::Key(key.clone())]].concat());
                assert!(text.contains("duplicate"), "{name}: {text}");
                assert!(
                    text.contains(&format!("at {child}: "))
                        || (text.contains(&format!("at {parent}: ")) && text.contains(key)),
                    "{name}: duplicate {key} in {parent}: {text}"
                );
                assert!(!sets.feed(doc, &bad));
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn duplicate_keyids_and_role_names_are_errors() {
    let sim = fixture(true);
    // Digest 1.4: a keyid at most once in signatures (python-tuf rejects the file).
    let root = sim.root_bytes(1);
    let bad = edited(&root, |v| {
        let Value::Array(sigs) = get_mut(v, &segs(&["signatures"])) else {
            panic!()
        };
        let again = sigs[0].clone();
        sigs.push(again);
    });
    expect_invalid(
        Doc::Root,
        &bad,
        "signatures[1].keyid",
        "multiple signatures",
    );
    // Digest 1.9: keyids of a role are unique.
    let bad = edited(&root, |v| {
        let Value::Array(ids) = get_mut(v, &segs(&["signed", "roles", "snapshot", "keyids"]))
        else {
            panic!()
        };
        let again = ids[0].clone();
        ids.push(again);
    });
    expect_invalid(
        Doc::Root,
        &bad,
        "signed.roles.snapshot.keyids[1]",
        "duplicate",
    );
    // ... of a delegated role and of succinct roles too.
    let targets = sim.bytes("targets");
    let bad = edited(&targets, |v| {
        let Value::Array(ids) = get_mut(
            v,
            &segs(&["signed", "delegations", "roles", "#1", "keyids"]),
        ) else {
            panic!()
        };
        let again = ids[0].clone();
        ids.push(again);
    });
    expect_invalid(
        Doc::Targets,
        &bad,
        "signed.delegations.roles[1].keyids[1]",
        "duplicate",
    );
    let succinct = succinct_targets(&sim);
    let bad = edited(&succinct, |v| {
        let path = segs(&["signed", "delegations", "succinct_roles", "keyids"]);
        let Value::Array(ids) = get_mut(v, &path) else {
            panic!()
        };
        let again = ids[0].clone();
        ids.push(again);
    });
    expect_invalid(
        Doc::Targets,
        &bad,
        "signed.delegations.succinct_roles.keyids[1]",
        "duplicate",
    );
    // Digest 1.12, 6.36: delegated role names are unique.
    let bad = with_raw(
        &targets,
        &["signed", "delegations", "roles", "#1", "name"],
        "\"role1\"",
    );
    expect_invalid(
        Doc::Targets,
        &bad,
        "signed.delegations.roles[1].name",
        "duplicate role name",
    );
}

/// A validation case: the document type and bytes, the path to set, the raw JSON to put
/// there, and a fragment of the expected message.
type Case<'a> = (Doc, &'a [u8], &'a [&'a str], &'a str, &'a str);

// ---- validation ----------------------------------------------------------------------------

#[test]
fn numbers_out_of_range_negative_huge_and_floats_are_errors() {
    let sim = fixture(true);
    let root = sim.root_bytes(1);
    let ts = sim.bytes("timestamp");
    let targets = sim.bytes("targets");
    let cases: &[Case] = &[
        // Version and threshold are >= 1 (digest 1.5, 6.11).
        (Doc::Root, &root, &["signed", "version"], "0", "at least 1"),
        (Doc::Root, &root, &["signed", "version"], "-0", "at least 1"),
        (
            Doc::Root,
            &root,
            &["signed", "roles", "timestamp", "threshold"],
            "0",
            "at least 1",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "delegations", "roles", "#0", "threshold"],
            "0",
            "at least 1",
        ),
        (
            Doc::Timestamp,
            &ts,
            &["signed", "meta", "snapshot.json", "version"],
            "0",
            "at least 1",
        ),
        // Negative numbers.
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "-1",
            "non-negative",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "roles", "root", "threshold"],
            "-1",
            "non-negative",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "length"],
            "-5",
            "non-negative",
        ),
        (
            Doc::Timestamp,
            &ts,
            &["signed", "meta", "snapshot.json", "length"],
            "-1",
            "non-negative",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "length"],
            "-99999999999999999999999",
            "non-negative",
        ),
        // Larger than u64.
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "18446744073709551616",
            "too large",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "length"],
            "99999999999999999999999",
            "too large",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "roles", "root", "threshold"],
            "340282366920938463463374607431768211456",
            "too large",
        ),
        // Floats, even integral ones, anywhere (digest 1.8).
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "1.0",
            "floating-point",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "1e3",
            "floating-point",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "1E3",
            "floating-point",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "roles", "root", "threshold"],
            "1.0",
            "floating-point",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "length"],
            "5.0",
            "floating-point",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "custom", "f"],
            "1.5",
            "floating-point",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "x-unknown"],
            "-2.5e-3",
            "floating-point",
        ),
        // Not numbers at all.
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "01",
            "leading zero",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "+1",
            "expected a JSON value",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "NaN",
            "expected a JSON value",
        ),
        (
            Doc::Root,
            &root,
            &["signed", "version"],
            "-",
            "invalid number",
        ),
    ];
    for (doc, bytes, path, raw, msg) in cases {
        let bad = with_raw(bytes, path, raw);
        expect_invalid(*doc, &bad, &fmt_path(&segs(path)), msg);
    }
    // The largest u64 is a valid version.
    let ok = with_raw(&root, &["signed", "version"], "18446744073709551615");
    parse(Doc::Root, &ok).unwrap();
}

#[test]
fn bad_expires_and_spec_version_are_errors() {
    let sim = fixture(true);
    for (doc, name) in [
        (Doc::Root, "root"),
        (Doc::Timestamp, "timestamp"),
        (Doc::Snapshot, "snapshot"),
        (Doc::Targets, "targets"),
    ] {
        let bytes = sim.bytes(name);
        // Digest 1.3, 6.40: exactly YYYY-MM-DDTHH:MM:SSZ.
        for bad in [
            "2030-01-01T00:00:00+00:00",
            "2030-01-01T00:00:00.5Z",
            "2030-01-01T00:00:00.000Z",
            "2030-01-01T00:00:00z",
            "2030-01-01t00:00:00Z",
            "2030-01-01T00:00:00",
            "2030-1-1T0:0:0Z",
            "2030-01-01T0:00:00Z",
            "2030-02-30T00:00:00Z",
            "2031-02-29T00:00:00Z",
            "2030-13-01T00:00:00Z",
            "2030-01-01T24:00:00Z",
            "2030-01-01T23:60:00Z",
            "2030-01-01T23:59:60Z",
            "2030-01-01 00:00:00Z",
            "0000-01-01T00:00:00Z",
            "+2030-01-01T00:00:00Z",
            " 2030-01-01T00:00:00Z",
            "",
        ] {
            let raw = Value::from(bad).to_json_string();
            let b = with_raw(&bytes, &["signed", "expires"], &raw);
            expect_invalid(doc, &b, "signed.expires", "not a date-time");
        }
        // 2032 is a leap year.
        parse(
            doc,
            &with_raw(&bytes, &["signed", "expires"], "\"2032-02-29T23:59:59Z\""),
        )
        .unwrap();
        // Digest 1.5, 6.39: X.Y or X.Y.Z of digits, major version 1.
        for bad in [
            "2.0.0",
            "0.9",
            "1",
            "1.0.0-rc1",
            "1.x",
            "",
            "1.0.0.0",
            " 1.0.0",
            "v1.0.0",
            "1..0",
        ] {
            let raw = Value::from(bad).to_json_string();
            let b = with_raw(&bytes, &["signed", "spec_version"], &raw);
            expect_invalid(doc, &b, "signed.spec_version", bad);
        }
        for good in ["1.0", "1.0.31", "1.99.0"] {
            let raw = Value::from(good).to_json_string();
            parse(doc, &with_raw(&bytes, &["signed", "spec_version"], &raw)).unwrap();
        }
    }
}

#[test]
fn bad_hashes_are_errors() {
    let sim = fixture(true);
    let ts = sim.bytes("timestamp");
    let targets = sim.bytes("targets");
    let snap = sim.bytes("snapshot");
    let cases: &[Case] = &[
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "hashes", "sha256"],
            "\"zz\"",
            "not a hex",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "hashes", "sha256"],
            "\"\"",
            "not a hex",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "hashes", "sha256"],
            "\"abc\"",
            "not a hex",
        ),
        (
            Doc::Targets,
            &targets,
            &["signed", "targets", "file.txt", "hashes"],
            "{}",
            "must not be empty",
        ),
        (
            Doc::Timestamp,
            &ts,
            &["signed", "meta", "snapshot.json", "hashes", "sha512"],
            "\"0x12\"",
            "not a hex",
        ),
        (
            Doc::Timestamp,
            &ts,
            &["signed", "meta", "snapshot.json", "hashes"],
            "{}",
            "must not be empty",
        ),
        (
            Doc::Snapshot,
            &snap,
            &["signed", "meta", "targets.json", "hashes", "sha256"],
            "\" \"",
            "not a hex",
        ),
        (
            Doc::Snapshot,
            &snap,
            &["signed", "meta", "targets.json", "hashes"],
            "{}",
            "must not be empty",
        ),
    ];
    for (doc, bytes, path, raw, msg) in cases {
        let bad = with_raw(bytes, path, raw);
        expect_invalid(*doc, &bad, &fmt_path(&segs(path)), msg);
    }
}

#[test]
fn structural_rules_are_enforced() {
    let sim = fixture(true);
    let root = sim.root_bytes(1);
    let ts = sim.bytes("timestamp");
    let targets = sim.bytes("targets");
    let succinct = succinct_targets(&sim);

    // Unknown or mismatched _type (digest 6.38).
    for (doc, name) in [(Doc::Root, "root"), (Doc::Targets, "targets")] {
        for t in ["mirrors", "Root", "", "targets ", "snapshot"] {
            let raw = Value::from(t).to_json_string();
            let bad = with_raw(&sim.bytes(name), &["signed", "_type"], &raw);
            match parse(doc, &bad) {
                Err(e @ Error::WrongType { .. }) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidMetadata);
                    assert!(e.to_string().contains(&format!("{t:?}")), "{e}");
                }
                Ok(()) if t == name => {}
                other => panic!("{name} with _type {t:?}: {other:?}"),
            }
        }
    }

    // Root must have every top-level role (digest 1.9).
    for role in ["root", "timestamp", "snapshot", "targets"] {
        let bad = without(&root, &["signed", "roles", role]);
        expect_invalid(
            Doc::Root,
            &bad,
            "signed.roles",
            &format!("missing required role \"{role}\""),
        );
    }
    // ... and may have others, which are kept.
    let extra = with_raw(
        &root,
        &["signed", "roles", "mirrors"],
        r#"{"keyids":[],"threshold":1}"#,
    );
    parse(Doc::Root, &extra).unwrap();

    // Delegated role names: not empty, not a top-level name (digest 6.36).
    for name in ["targets", "root", "snapshot", "timestamp", ""] {
        let raw = Value::from(name).to_json_string();
        let bad = with_raw(
            &targets,
            &["signed", "delegations", "roles", "#1", "name"],
            &raw,
        );
        expect_invalid(
            Doc::Targets,
            &bad,
            "signed.delegations.roles[1].name",
            "name",
        );
    }

    // Exactly one of paths and path_hash_prefixes.
    let both = with_raw(
        &targets,
        &["signed", "delegations", "roles", "#0", "path_hash_prefixes"],
        "[\"ab\"]",
    );
    expect_invalid(
        Doc::Targets,
        &both,
        "signed.delegations.roles[0]",
        "exactly one of",
    );
    let neither = without(
        &targets,
        &["signed", "delegations", "roles", "#1", "path_hash_prefixes"],
    );
    expect_invalid(
        Doc::Targets,
        &neither,
        "signed.delegations.roles[1]",
        "exactly one of",
    );

    // Exactly one of roles and succinct_roles.
    let inner = value(&succinct);
    let sr = get_mut(
        &mut inner.clone(),
        &segs(&["signed", "delegations", "succinct_roles"]),
    )
    .clone();
    let both = with_raw(
        &targets,
        &["signed", "delegations", "succinct_roles"],
        &sr.to_json_string(),
    );
    expect_invalid(Doc::Targets, &both, "signed.delegations", "exactly one of");
    let neither = without(&succinct, &["signed", "delegations", "succinct_roles"]);
    expect_invalid(
        Doc::Targets,
        &neither,
        "signed.delegations",
        "exactly one of",
    );

    // bit_length 1..=32 (digest 4.3).
    for bits in ["0", "33", "4294967297", "18446744073709551615"] {
        let bad = with_raw(
            &succinct,
            &["signed", "delegations", "succinct_roles", "bit_length"],
            bits,
        );
        expect_invalid(
            Doc::Targets,
            &bad,
            "signed.delegations.succinct_roles.bit_length",
            "between 1 and 32",
        );
    }
    for bits in ["1", "32"] {
        parse(
            Doc::Targets,
            &with_raw(
                &succinct,
                &["signed", "delegations", "succinct_roles", "bit_length"],
                bits,
            ),
        )
        .unwrap();
    }

    // Timestamp meta lists snapshot.json and nothing else (digest 1.10).
    let extra = with_raw(&ts, &["signed", "meta", "targets.json"], r#"{"version":1}"#);
    expect_invalid(
        Doc::Timestamp,
        &extra,
        "signed.meta.targets.json",
        "may only contain",
    );
    let missing = without(&ts, &["signed", "meta", "snapshot.json"]);
    expect_invalid(Doc::Timestamp, &missing, "signed.meta", "snapshot.json");
    let empty = with_raw(&ts, &["signed", "meta"], "{}");
    expect_invalid(Doc::Timestamp, &empty, "signed.meta", "snapshot.json");

    // A key without keyval.public (digest 1.6).
    let keyid = sim.root.signed.keys.keys().next().unwrap().clone();
    let bad = with_raw(
        &root,
        &["signed", "keys", &keyid, "keyval"],
        r#"{"private":"00"}"#,
    );
    expect_invalid(
        Doc::Root,
        &bad,
        &format!("signed.keys.{keyid}.keyval"),
        "public",
    );

    // The document itself must be an object with signed and signatures.
    for raw in [
        "[]",
        "1",
        "\"x\"",
        "null",
        "true",
        "{}",
        r#"{"signed":{}}"#,
        r#"{"signatures":[]}"#,
    ] {
        for doc in ALL_DOCS {
            assert_eq!(
                parse(doc, raw.as_bytes()).unwrap_err().kind(),
                ErrorKind::InvalidMetadata
            );
        }
    }
}

// ---- enormous inputs -----------------------------------------------------------------------

#[test]
fn enormous_inputs_return_without_crashing() {
    let sim = fixture(false);
    let mut sets = Sets::new(&sim);
    let targets = sim.bytes("targets");
    let root = sim.root_bytes(1);

    // A 50 MB string: fine in a free field, an error where a date is expected.
    let big = format!("\"{}\"", "a".repeat(50 << 20));
    let custom = with_raw(&targets, &["signed", "targets", "file.txt", "custom"], &big);
    let md = Metadata::<Targets>::from_bytes(&custom).unwrap();
    let c = md.signed.targets["file.txt"].custom().unwrap();
    assert_eq!(c.as_str().map(str::len), Some(50 << 20));
    drop(md);
    drop(custom);
    drop(big);
    // Where a date is expected, an error (1 MB: the message quotes the value).
    let long = format!("\"{}\"", "9".repeat(1 << 20));
    let expires = with_raw(&targets, &["signed", "expires"], &long);
    let err = Metadata::<Targets>::from_bytes(&expires).unwrap_err();
    assert!(err.to_string().contains("at signed.expires: "));

    // A number with 5000 digits, as a version and as an unknown field.
    let digits = format!("1{}", "0".repeat(4999));
    expect_invalid(
        Doc::Root,
        &with_raw(&root, &["signed", "version"], &digits),
        "signed.version",
        "digits",
    );
    expect_invalid(
        Doc::Root,
        &with_raw(&root, &["signed", "x"], &digits),
        "signed.x",
        "digits",
    );
    // 4300 digits (CPython's limit) is still a number, but too large for a version.
    let max = format!("1{}", "0".repeat(4299));
    parse(Doc::Root, &with_raw(&root, &["signed", "x"], &max)).unwrap();
    expect_invalid(
        Doc::Root,
        &with_raw(&root, &["signed", "version"], &max),
        "signed.version",
        "too large",
    );

    // Arrays and objects nested 100000 deep, as a whole document and as a field.
    const DEEP: usize = 100_000;
    let arrays = format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let objects = format!("{}1{}", "{\"a\":".repeat(DEEP), "}".repeat(DEEP));
    let unclosed = "[".repeat(DEEP);
    for deep in [&arrays, &objects, &unclosed] {
        assert!(!sets.feed_everywhere(deep.as_bytes()));
        for doc in [Doc::Root, Doc::Targets] {
            let field = with_raw(
                &sim.bytes(if doc == Doc::Root { "root" } else { "targets" }),
                &["signed", "x"],
                deep,
            );
            let e = parse(doc, &field).unwrap_err();
            assert!(
                e.to_string().contains("nesting deeper than") || deep == &unclosed,
                "{e}"
            );
        }
        let in_custom = with_raw(&targets, &["signed", "targets", "file.txt", "custom"], deep);
        assert!(parse(Doc::Targets, &in_custom).is_err());
        assert!(tuf::json::canonicalize(deep.as_bytes()).is_err());
    }
    // Nesting up to the limit is fine.
    let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
    parse(Doc::Root, &with_raw(&root, &["signed", "x"], &ok)).unwrap();

    // A million small keys in an unknown field.
    let mut many = String::with_capacity(14 << 20);
    many.push('{');
    for i in 0..1_000_000u32 {
        if i > 0 {
            many.push(',');
        }
        write!(many, "\"{i:x}\":0").unwrap();
    }
    many.push('}');
    let doc = with_raw(&root, &["signed", "x-many"], &many);
    let md = Metadata::<Root>::from_bytes(&doc).unwrap();
    assert_eq!(
        md.signed.extra["x-many"].as_object().unwrap().len(),
        1_000_000
    );
    // A key repeated a thousand times is a duplicate.
    let dup = format!("{{{}\"k\":0}}", "\"k\":0,".repeat(1000));
    expect_invalid(
        Doc::Root,
        &with_raw(&root, &["signed", "x"], &dup),
        "signed.x",
        "duplicate key",
    );
}

// ---- encodings -----------------------------------------------------------------------------

#[test]
fn invalid_utf8_bom_nul_and_empty_input_are_errors() {
    let sim = fixture(false);
    let mut sets = Sets::new(&sim);
    let root = sim.root_bytes(1);
    let text = String::from_utf8(root.clone()).unwrap();
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    let splice = |needle: &str, with: &[u8]| -> Vec<u8> {
        let at = text.find(needle).unwrap();
        [&root[..at], with, &root[at + needle.len()..]].concat()
    };
    // Invalid UTF-8 in a string value and in a key; overlong encodings; an encoded surrogate.
    inputs.push((
        "bad byte in value".into(),
        splice("\"root\"", b"\"ro\xffot\""),
    ));
    inputs.push((
        "bad byte in key".into(),
        splice("\"_type\"", b"\"_ty\xfepe\""),
    ));
    inputs.push((
        "overlong '/'".into(),
        splice("\"root\"", b"\"ro\xc0\xafot\""),
    ));
    inputs.push((
        "overlong 3-byte".into(),
        splice("\"root\"", b"\"ro\xe0\x80\xafot\""),
    ));
    inputs.push((
        "encoded surrogate".into(),
        splice("\"root\"", b"\"ro\xed\xa0\x80ot\""),
    ));
    inputs.push((
        "truncated sequence".into(),
        splice("\"root\"", b"\"ro\xe2\x82ot\""),
    ));
    inputs.push((
        "above U+10FFFF".into(),
        splice("\"root\"", b"\"ro\xf4\x90\x80\x80ot\""),
    ));
    // Lone surrogate escapes (digest 1.8).
    for esc in [
        "\\ud800",
        "\\udc00",
        "\\ud800\\u0041",
        "\\udbff\\ud800",
        "\\ud800\\",
        "\\u12",
        "\\x41",
        "\\U0041",
    ] {
        let with = format!("\"ro{esc}ot\"");
        inputs.push((format!("escape {esc}"), splice("\"root\"", with.as_bytes())));
        let key = format!("\"x{esc}\"");
        inputs.push((
            format!("escape {esc} in key"),
            splice("\"_type\"", key.as_bytes()),
        ));
    }
    // A BOM, NUL bytes, control characters, empty and blank documents.
    inputs.push(("BOM".into(), [b"\xef\xbb\xbf".as_slice(), &root].concat()));
    inputs.push(("NUL in string".into(), splice("\"root\"", b"\"ro\0ot\"")));
    inputs.push((
        "NUL between tokens".into(),
        splice("\"_type\"", b"\0\"_type\""),
    ));
    inputs.push((
        "NUL after document".into(),
        [root.as_slice(), b"\0"].concat(),
    ));
    inputs.push((
        "raw newline in string".into(),
        splice("\"root\"", b"\"ro\not\""),
    ));
    inputs.push((
        "trailing document".into(),
        [root.as_slice(), b"{}"].concat(),
    ));
    inputs.push(("empty".into(), Vec::new()));
    for ws in [" ", "\n\n", "\t \r\n", "\u{a0}", "\u{2028}", "\u{feff}"] {
        inputs.push((format!("blank {ws:?}"), ws.as_bytes().to_vec()));
    }
    for (what, bytes) in &inputs {
        for doc in ALL_DOCS {
            let err = parse(doc, bytes).expect_err(what);
            assert_eq!(err.kind(), ErrorKind::InvalidMetadata, "{what}: {err}");
        }
        assert!(!sets.feed_everywhere(bytes), "{what}");
    }
    // Valid escapes of unusual characters are fine and canonicalise to raw UTF-8.
    let fancy = with_raw(
        &root,
        &["signed", "x"],
        r#""\u0000\ud83d\ude00\u00e9\/\"\\""#,
    );
    parse(Doc::Root, &fancy).unwrap();
    let md = Metadata::<Root>::from_bytes(&fancy).unwrap();
    assert_eq!(md.signed.extra["x"].as_str(), Some("\0\u{1f600}é/\"\\"));
}

// ---- unknown fields ------------------------------------------------------------------------

/// Maps whose members are data (keyids, role names, paths, file names, algorithms): an
/// unknown member there would be a malformed entry, not an unknown field.
fn is_data_map(path: &[Seg]) -> bool {
    let p = fmt_path(path);
    matches!(
        p.as_str(),
        "signed.keys"
            | "signed.roles"
            | "signed.targets"
            | "signed.meta"
            | "signed.delegations.keys"
    ) || p.ends_with(".hashes")
}

/// An unknown field value with everything canonical JSON must reproduce: big and negative
/// integers, escapes, raw control characters and non-ASCII, nested unsorted objects.
fn unknown_value(tag: usize) -> Value {
    let text = format!(
        r#"{{"z": [1, -2, 18446744073709551616, -99999999999999999999, -0, "é\n\"\\\u0001/", null, true, false],
            "a": {{"y": {{}}, "b": []}}, "tag": {tag}, "PEM": "-----BEGIN-----\nAA==\n-----END-----\n"}}"#
    );
    value(text.as_bytes())
}

/// Adds an unknown field to every object of `v` that is not a data map. Returns how many.
fn add_unknown_fields(v: &mut Value, path: &mut Vec<Seg>) -> usize {
    let mut n = 0;
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                path.push(Seg::Key(k.clone()));
                n += add_unknown_fields(child, path);
                path.pop();
            }
            if !is_data_map(path) {
                m.insert(format!("x-unknown-{}", path.len()), unknown_value(n));
                n += 1;
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                path.push(Seg::Index(i));
                n += add_unknown_fields(child, path);
                path.pop();
            }
        }
        _ => {}
    }
    n
}

/// Re-signs the document `v` with `keys`, keeping unknown fields in each signature object.
fn resign(v: &mut Value, keys: &[tuf::crypto::SigningKey]) -> Vec<u8> {
    let signed = v.as_object().unwrap()["signed"].to_canonical();
    let sigs = keys
        .iter()
        .map(|k| {
            let mut s = Map::new();
            s.insert(
                "keyid".into(),
                tuf::metadata::Key::from_signer(k).keyid().into(),
            );
            s.insert(
                "sig".into(),
                tuf::crypto::hex::encode(&k.sign(&signed).unwrap()).into(),
            );
            s.insert("x-unknown-sig".into(), unknown_value(0));
            Value::Object(s)
        })
        .collect();
    let Value::Object(m) = v else { panic!() };
    m.insert("signatures".into(), Value::Array(sigs));
    v.to_json(Style::Pretty)
}

/// Sets the length and sha256 of meta entry `entry` to those of `data`.
fn set_meta(v: &mut Value, entry: &str, data: &[u8]) {
    let m = object_mut(v, &segs(&["signed", "meta", entry]));
    m.insert("length".into(), (data.len() as u64).into());
    let mut h = Map::new();
    h.insert(
        "sha256".into(),
        tuf::crypto::hex::encode(&tuf::crypto::hash::sha256(data)).into(),
    );
    m.insert("hashes".into(), Value::Object(h));
}

#[test]
fn unknown_fields_everywhere_are_kept_and_covered_by_signatures() {
    // Digest 1.3, 6.12, 6.37: unknown fields in any object are kept, re-serialised, and part
    // of what signatures cover. Every object of every role gets one (top level, signed, keys,
    // keyval, roles, meta entries, target files, delegations, delegated roles, succinct roles,
    // signatures), each document is re-signed, and the whole chain must verify.
    let sim = fixture(true);
    let extend = |name: &str, bytes: &[u8]| -> Value {
        let mut v = value(bytes);
        let n = add_unknown_fields(&mut v, &mut Vec::new());
        assert!(n >= 4, "{name}: only {n} unknown fields");
        v
    };
    let keys = |role: &str| sim.signers[role].as_slice();
    let mut root = extend("root", &sim.root_bytes(1));
    let root = resign(&mut root, keys("root"));
    let mut role1 = extend("role1", &sim.bytes("role1"));
    let role1 = resign(&mut role1, keys("role1"));
    let mut targets = extend("targets", &sim.bytes("targets"));
    let targets = resign(&mut targets, keys("targets"));
    let mut snapshot = extend("snapshot", &sim.bytes("snapshot"));
    set_meta(&mut snapshot, "targets.json", &targets);
    set_meta(&mut snapshot, "role1.json", &role1);
    let snapshot = resign(&mut snapshot, keys("snapshot"));
    let mut timestamp = extend("timestamp", &sim.bytes("timestamp"));
    set_meta(&mut timestamp, "snapshot.json", &snapshot);
    let timestamp = resign(&mut timestamp, keys("timestamp"));
    let mut succinct = extend("succinct", &succinct_targets(&sim));
    let succinct = resign(&mut succinct, keys("targets"));

    // Parse and re-encode: the canonical bytes equal those of the original `signed`.
    for (doc, bytes) in [
        (Doc::Root, &root),
        (Doc::Timestamp, &timestamp),
        (Doc::Snapshot, &snapshot),
        (Doc::Targets, &targets),
        (Doc::Targets, &role1),
        (Doc::Targets, &succinct),
    ] {
        parse(doc, bytes).unwrap();
        let signed = value(bytes).as_object().unwrap()["signed"].to_canonical();
        let canonical = tuf::json::canonicalize(bytes).unwrap();
        assert!(canonical
            .windows(signed.len())
            .any(|w| w == signed.as_slice()));
        assert!(String::from_utf8_lossy(&signed).contains("x-unknown-"));
    }

    // The whole chain verifies with the unknown fields in place.
    let mut set = TrustedSet::new(&root, now(), Policy::default()).unwrap();
    set.update_timestamp(&timestamp).unwrap();
    set.update_snapshot(&snapshot, false).unwrap();
    let t = set.update_targets(&targets).unwrap();
    assert!(t.targets["file.txt"].extra.contains_key("x-unknown-3"));
    set.update_delegated_targets(&role1, "role1", "targets")
        .unwrap();
    let found = set
        .find_target("a/x.txt", 32, &mut |_, role, _| panic!("{role} not loaded"))
        .unwrap()
        .unwrap();
    assert_eq!(found.role, "role1");

    // Changing an unknown field inside `signed` breaks the signature: it is covered.
    let tampered = edited(&timestamp, |v| {
        let m = object_mut(
            v,
            &segs(&["signed", "meta", "snapshot.json", "x-unknown-3"]),
        );
        m.insert("tag".into(), Value::from(99u64));
    });
    let mut set = TrustedSet::new(&root, now(), Policy::default()).unwrap();
    assert_eq!(
        set.update_timestamp(&tampered).unwrap_err().kind(),
        ErrorKind::BadSignature
    );
    // Unknown fields outside `signed` (top level, signatures) are not covered.
    let outside = edited(&timestamp, |v| {
        object_mut(v, &[]).insert("x-unknown-0".into(), Value::from("changed"));
        object_mut(v, &segs(&["signatures", "#0"])).insert("x-unknown-sig".into(), Value::Null);
    });
    set.update_timestamp(&outside).unwrap();
}
