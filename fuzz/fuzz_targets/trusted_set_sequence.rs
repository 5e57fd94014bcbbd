//! The trusted metadata set (spec 5.2 to 5.6) fed a sequence of updates chosen by the input.
//!
//! It starts from the demo repository's root (a fixed, valid root) and applies the records of
//! the input (`src/records.rs`): new roots, timestamps, snapshots (trusted or not), top-level
//! and delegated targets, bytes staged for the delegation search, searches, and read-only
//! queries. An operation may re-sign its payload with the demo key of its role before feeding
//! it, so that mutated metadata gets past signature checks into the version, hash, expiry and
//! delegation checks. Properties:
//!
//! - nothing panics, whatever the bytes and the order;
//! - an update that fails leaves the set as it was, except the documented baselines: an
//!   expired timestamp, and an expired snapshot or one of another version than the timestamp
//!   lists, are kept and reported as errors (the root and targets never change then);
//! - an accepted update is visible: root version + 1, the new timestamp, snapshot, targets
//!   (with the delegator it was verified through);
//! - a target found by the search is listed by the role that the search names.
//!
//! A query record with the re-sign bit is a whole repository instead
//! (`demo::consistent_repository`): timestamp, snapshot and targets made consistent with each
//! other and signed, then fed in order, and targets and apps staged for the search.
#![no_main]

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use libfuzzer_sys::fuzz_target;
use tuf::metadata::{Root, Snapshot, Targets, Timestamp};
use tuf::verify::{Policy, TimestampUpdate, TrustedSet};
use tuf::{Error, ErrorKind};
use tuf_fuzz::demo::{self, KeyRole};
use tuf_fuzz::records::{self, Op};

const ROOT: u8 = 0;
const TIMESTAMP: u8 = 1;
const SNAPSHOT: u8 = 2;
const TARGETS: u8 = 3;
const DELEGATED: u8 = 4;
const STAGE: u8 = 5;
const FIND: u8 = 6;
/// Flag: re-sign the payload with the demo key of its role.
const RESIGN: u8 = 3;
/// Flag: snapshot bytes come from the trusted cache (hashes not checked).
const TRUSTED: u8 = 4;

/// The payload, re-signed with the demo key of `role` when the op asks for it and it parses.
fn payload<'a>(op: &Op<'a>, role: &str) -> Cow<'a, [u8]> {
    if !op.flag(RESIGN) {
        return Cow::Borrowed(op.payload);
    }
    let p = op.payload;
    let resigned = match role {
        "root" => demo::resign::<Root>(p, demo::key(KeyRole::Root)),
        "timestamp" => demo::resign::<Timestamp>(p, demo::key(KeyRole::Timestamp)),
        "snapshot" => demo::resign::<Snapshot>(p, demo::key(KeyRole::Snapshot)),
        "targets" => demo::resign::<Targets>(p, demo::key(KeyRole::Targets)),
        _ => demo::resign::<Targets>(p, demo::key(KeyRole::Apps)),
    };
    resigned.map_or(Cow::Borrowed(p), Cow::Owned)
}

/// A fingerprint of everything the set holds, to compare before and after a failed update
/// (a hash: comparing long strings is slow under libFuzzer's comparison tracing).
fn state(set: &TrustedSet) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{set:?}").hash(&mut h);
    h.finish()
}

/// The parts a failed timestamp or snapshot update must never touch.
fn root_and_targets(set: &TrustedSet) -> String {
    format!(
        "{:?} {:?} {:?}",
        set.root(),
        set.targets(),
        set.get_targets("apps")
    )
}

/// With FUZZ_TRACE set, prints what each operation left in the set (to read a reproducer).
fn trace(op: &Op<'_>, set: &TrustedSet, note: &str) {
    if tuf_fuzz::tracing() {
        eprintln!(
            "op {} (code {:#04x} param {:#04x}, {} bytes): root v{}, timestamp {:?}, snapshot {:?}, targets {:?}, apps {:?} {note}",
            op.op(),
            op.code,
            op.param,
            op.payload.len(),
            set.root().version,
            set.timestamp().map(|t| t.version),
            set.snapshot().map(|s| s.version),
            set.targets().map(|t| t.version),
            set.get_targets("apps").map(|t| t.version),
        );
    }
}

fn update_root(set: &mut TrustedSet, bytes: &[u8]) {
    let before = state(set);
    let old = set.root().version;
    match set.update_root(bytes) {
        Ok(r) => assert_eq!(Some(r.version), old.checked_add(1)),
        Err(_) => assert_eq!(state(set), before, "failed root update changed the set"),
    }
}

fn update_timestamp(set: &mut TrustedSet, bytes: &[u8]) {
    let before = state(set);
    let fixed = root_and_targets(set);
    let old = set.timestamp().cloned();
    match set.update_timestamp(bytes) {
        Ok(TimestampUpdate::Updated) => {
            let new = set.timestamp().expect("timestamp trusted");
            assert!(old.is_none_or(|o| o.version < new.version));
        }
        Ok(TimestampUpdate::Unchanged) => assert_eq!(state(set), before),
        Err(e) if e.kind() == ErrorKind::Expired => assert_eq!(root_and_targets(set), fixed),
        Err(e) => assert_eq!(state(set), before, "failed timestamp update: {e}"),
    }
}

fn update_snapshot(set: &mut TrustedSet, bytes: &[u8], trusted: bool) {
    let before = state(set);
    let fixed = root_and_targets(set);
    match set.update_snapshot(bytes, trusted) {
        Ok(s) => {
            let v = s.version;
            assert_eq!(Some(v), set.timestamp().map(|t| t.snapshot_meta.version));
        }
        Err(e) if matches!(e.kind(), ErrorKind::Expired | ErrorKind::BadVersion) => {
            assert_eq!(root_and_targets(set), fixed)
        }
        Err(e) => assert_eq!(state(set), before, "failed snapshot update: {e}"),
    }
}

fn update_targets(set: &mut TrustedSet, bytes: &[u8], role: &str, delegator: &str) {
    let before = state(set);
    match set.update_delegated_targets(bytes, role, delegator) {
        Ok(_) => assert_eq!(set.delegator_of(role), Some(delegator)),
        Err(e) => assert_eq!(state(set), before, "failed {role} update: {e}"),
    }
}

fn run(data: &[u8]) {
    let recs = records::split(data);
    let header = recs[0].first().copied().unwrap_or(0);
    let policy = Policy {
        strict_keyids: header & 4 != 0,
    };
    let mut set = TrustedSet::new(demo::ROOT, demo::reference_time(header), policy)
        .expect("the demo root is valid");
    let mut staged: HashMap<String, Vec<u8>> = HashMap::new();
    staged.insert("targets".into(), demo::TARGETS.to_vec());
    staged.insert("apps".into(), demo::APPS.to_vec());

    for rec in &recs[1..] {
        let Some(op) = Op::parse(rec) else { continue };
        match op.op() {
            ROOT => update_root(&mut set, &payload(&op, "root")),
            TIMESTAMP => update_timestamp(&mut set, &payload(&op, "timestamp")),
            SNAPSHOT => update_snapshot(&mut set, &payload(&op, "snapshot"), op.flag(TRUSTED)),
            TARGETS => update_targets(&mut set, &payload(&op, "targets"), "targets", "root"),
            DELEGATED => {
                let (role, delegator) = (records::role(op.param, 0), records::role(op.param, 3));
                update_targets(&mut set, &payload(&op, role), role, delegator);
            }
            STAGE => {
                let role = records::role(op.param, 0);
                staged.insert(role.into(), payload(&op, role).into_owned());
            }
            FIND => {
                let path = String::from_utf8_lossy(op.payload);
                let max = usize::from(op.param % 40);
                let mut load = |set: &mut TrustedSet, role: &str, delegator: &str| {
                    let bytes = staged
                        .get(role)
                        .ok_or_else(|| Error::Repository(format!("nothing staged for {role}")))?;
                    set.update_delegated_targets(bytes, role, delegator)
                        .map(|_| ())
                };
                let found = set.find_target(&path, max, &mut load);
                if let Ok(Some(m)) = &found {
                    let listed = set.get_targets(&m.role).and_then(|t| t.targets.get(&*path));
                    assert_eq!(
                        listed,
                        Some(&m.target),
                        "found in {} but not listed",
                        m.role
                    );
                }
                let note = match &found {
                    Ok(Some(m)) => format!("found {path:?} in {}", m.role),
                    Ok(None) => format!("{path:?} not found"),
                    Err(e) => format!("search for {path:?} failed: {e}"),
                };
                trace(&op, &set, &note);
                continue;
            }
            _ if op.flag(RESIGN) => {
                // A consistent repository: timestamp, snapshot and targets in order; apps
                // staged for the search.
                let [timestamp, snapshot, targets, apps] =
                    demo::consistent_repository(op.payload, op.param);
                update_timestamp(&mut set, &timestamp);
                update_snapshot(&mut set, &snapshot, false);
                update_targets(&mut set, &targets, "targets", "root");
                staged.insert("targets".into(), targets);
                staged.insert("apps".into(), apps);
            }
            _ => {
                // Read-only queries.
                let before = state(&set);
                let (role, delegator) = (records::role(op.param, 0), records::role(op.param, 3));
                let _ = set.check_delegation(role, delegator);
                let _ = set.timestamp_snapshot_keys_rotated();
                let _ = (
                    set.delegator_of(role),
                    set.get_targets(role),
                    set.snapshot(),
                );
                assert_eq!(set.reference_time(), demo::reference_time(header));
                assert_eq!(state(&set), before, "a query changed the set");
            }
        }
        trace(&op, &set, "");
    }
}

fuzz_target!(|data: &[u8]| run(data));
