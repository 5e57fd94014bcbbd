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
