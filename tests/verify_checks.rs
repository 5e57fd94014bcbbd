//! Checks of the trusted metadata set that `tests/trusted_set.rs` left without a test that
//! fails when the check is removed (found by `tests/mutation/mutate.py`): strict keyids on new
//! roots and on delegations, 5.3.11 detection of a key replaced under the same keyid, the
//! expiry boundary (`reference >= expires`, digest 6.21), a META length without hashes,
//! root delegating only to `targets`, and the keyids and threshold of a delegation.

mod common;

use common::sim::{in_secs, new_key, Sim};
use tuf::metadata::{DateTime, Key, MetaFile, PathSpec, RoleType};
use tuf::verify::{Policy, TrustedSet};
use tuf::{Error, ErrorKind};

const STRICT: Policy = Policy {
    strict_keyids: true,
    accept_expired_unsafe: false,
};

fn now() -> DateTime {
    DateTime::now()
}

fn set_with(sim: &Sim, reference: DateTime, policy: Policy) -> TrustedSet {
    TrustedSet::new(&sim.root_bytes(1), reference, policy).unwrap()
}

/// A set with root v1, timestamp, snapshot and targets of `sim` loaded.
fn loaded(sim: &Sim) -> TrustedSet {
    loaded_with(sim, Policy::default())
}

fn loaded_with(sim: &Sim, policy: Policy) -> TrustedSet {
    let mut set = set_with(sim, now(), policy);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    set.update_targets(&sim.bytes("targets")).unwrap();
    set
}

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorKind {
    r.unwrap_err().kind()
}

// ---- strict keyids (digest 1.7, 6.8) -------------------------------------------------------

#[test]
fn strict_keyids_apply_to_every_new_root() {
    // Root v2 adds a snapshot key under a keyid that is not the hash of the key. Root's own
    // signatures are fine, so only the keyid check can reject it.
    let mut sim = Sim::new();
    let key = Key::from_signer(&new_key());
    sim.rotate_root(
        |r| {
            r.keys.insert("not-the-hash-of-the-key".into(), key);
            let role = r.roles.get_mut("snapshot").unwrap();
            role.keyids.push("not-the-hash-of-the-key".into());
        },
        &[],
    );
    let mut set = set_with(&sim, now(), STRICT);
    let err = set.update_root(&sim.root_bytes(2)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMetadata);
    assert!(
        err.to_string()
            .contains("signed.keys.not-the-hash-of-the-key"),
        "{err}"
    );
    assert_eq!(set.root().version, 1);
    // python-tuf's behaviour (the default) accepts it.
    let mut set = set_with(&sim, now(), Policy::default());
    assert_eq!(set.update_root(&sim.root_bytes(2)).unwrap().version, 2);
}

#[test]
fn strict_keyids_apply_to_delegation_keys() {
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", PathSpec::Paths(vec!["*".into()]), false);
    let d = sim.targets.signed.delegations.as_mut().unwrap();
    let (_, key) = d.keys.pop_first().unwrap();
    d.keys.insert("custom-keyid".into(), key);
    if let tuf::metadata::DelegatedRoles::Roles(roles) = &mut d.roles {
        roles[0].keyids = vec!["custom-keyid".into()];
    }
    sim.update_snapshot();
    let mut set = set_with(&sim, now(), STRICT);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    let err = set.update_targets(&sim.bytes("targets")).unwrap_err();
    assert!(
        err.to_string()
            .contains("signed.delegations.keys.custom-keyid"),
        "{err}"
    );
    assert!(set.targets().is_none());
    // Without strict keyids it loads.
    assert!(loaded(&sim).targets().is_some());
}

// ---- 5.3.11 --------------------------------------------------------------------------------

#[test]
fn fast_forward_recovery_detects_a_key_replaced_under_the_same_keyid() {
    // 5.3.11: the keyid list and threshold of timestamp stay the same, but the key material
    // behind its keyid changes (possible when keyids are not checked, digest 1.7).
    let mut sim = Sim::new();
    let id = sim.root.signed.role(RoleType::Timestamp).unwrap().keyids[0].clone();
    let replacement = new_key();
    sim.rotate_root(
        |r| {
            r.keys.insert(id.clone(), Key::from_signer(&replacement));
        },
        &[],
    );
    let mut set = set_with(&sim, now(), Policy::default());
    set.update_root(&sim.root_bytes(2)).unwrap();
    assert_eq!(
        set.root().role(RoleType::Timestamp).unwrap().keyids,
        vec![id]
    );
    assert!(set.timestamp_snapshot_keys_rotated());
    // The same root again, unchanged keys: no rotation.
    let mut sim = Sim::new();
    sim.rotate_root(|_| {}, &[]);
    let mut set = set_with(&sim, now(), Policy::default());
    set.update_root(&sim.root_bytes(2)).unwrap();
    assert!(!set.timestamp_snapshot_keys_rotated());
}

#[test]
fn fast_forward_recovery_detects_an_added_snapshot_key() {
    // 5.3.11: snapshot keeps its key and threshold but gains a second keyid: the keyid set
    // differs, so the persisted timestamp and snapshot must go.
    let mut sim = Sim::new();
    let extra = Key::from_signer(&new_key());
    sim.rotate_root(|r| r.add_key(RoleType::Snapshot, extra), &[]);
    let mut set = set_with(&sim, now(), Policy::default());
    set.update_root(&sim.root_bytes(2)).unwrap();
    assert_eq!(set.root().role(RoleType::Snapshot).unwrap().keyids.len(), 2);
    assert!(set.timestamp_snapshot_keys_rotated());
}

// ---- expiry boundary (digest 6.21: expired when reference >= expires) ----------------------

#[test]
fn metadata_expiring_exactly_at_the_reference_time_is_expired() {
    // The reference time is fixed for the cycle (5.1); each role expiring at exactly that
    // second is rejected, one second later it is accepted.
    let reference = in_secs(3600);
    let one_later = DateTime::from_unix(reference.unix() + 1).unwrap();

    // 5.3.10: final root.
    for (expires, ok) in [(reference, false), (one_later, true)] {
        let mut sim = Sim::new();
        sim.root.signed.expires = expires;
        sim.signed_roots.clear();
        sim.publish_root();
        let mut set = set_with(&sim, reference, Policy::default());
        let r = set.update_timestamp(&sim.bytes("timestamp"));
        assert_eq!(r.is_ok(), ok, "root expiring at {expires}: {r:?}");
    }
    // 5.4.4, 5.5.6, 5.6.5.
    for role in ["timestamp", "snapshot", "targets"] {
        for (expires, ok) in [(reference, false), (one_later, true)] {
            let mut sim = Sim::new();
            match role {
                "timestamp" => sim.timestamp.signed.expires = expires,
                "snapshot" => sim.snapshot.signed.expires = expires,
                _ => sim.targets.signed.expires = expires,
            }
            let mut set = set_with(&sim, reference, Policy::default());
            let r = set
                .update_timestamp(&sim.bytes("timestamp"))
                .map(|_| ())
                .and_then(|_| {
                    set.update_snapshot(&sim.bytes("snapshot"), false)
                        .map(|_| ())
                })
                .and_then(|_| set.update_targets(&sim.bytes("targets")).map(|_| ()));
            match r {
                Ok(()) => assert!(ok, "{role} expiring at the reference time was accepted"),
                Err(Error::Expired { role: r, .. }) => {
                    assert!(!ok, "{role} expiring after the reference time was rejected");
                    assert_eq!(r, role);
                }
                Err(e) => panic!("{role}: {e}"),
            }
        }
    }
    // Delegated roles too.
    for (expires, ok) in [(reference, false), (one_later, true)] {
        let mut sim = Sim::new();
        sim.add_delegation("targets", "role1", PathSpec::Paths(vec!["*".into()]), false);
        sim.delegated.get_mut("role1").unwrap().signed.expires = expires;
        sim.update_snapshot();
        let mut set = set_with(&sim, reference, Policy::default());
        set.update_timestamp(&sim.bytes("timestamp")).unwrap();
        set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
        set.update_targets(&sim.bytes("targets")).unwrap();
        let r = set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets");
        assert_eq!(r.is_ok(), ok, "{r:?}");
    }
}

// ---- META length without hashes (5.5.2, 5.6.2) ---------------------------------------------

#[test]
fn meta_length_is_checked_even_without_hashes() {
    // Digest 6.23: length and hashes are each optional; a length given alone must match.
    let sim = Sim::new();
    let snapshot = sim.bytes("snapshot");
    for (delta, ok) in [(0i64, true), (1, false), (-1, false)] {
        let mut timestamp = sim.timestamp.clone();
        let mut meta = MetaFile::new(1);
        meta.length = Some((snapshot.len() as i64 + delta) as u64);
        timestamp.signed.snapshot_meta = meta;
        let ts = sim.signed_bytes("timestamp", &timestamp);
        let mut set = set_with(&sim, now(), Policy::default());
        set.update_timestamp(&ts).unwrap();
        match set.update_snapshot(&snapshot, false) {
            Ok(_) => assert!(ok, "snapshot of the wrong length accepted"),
            Err(Error::LengthOrHashMismatch { msg, .. }) => {
                assert!(!ok);
                assert!(msg.contains("length"), "{msg}");
            }
            Err(e) => panic!("{e}"),
        }
    }
    // Targets: a length in snapshot meta, no hashes.
    let targets = sim.bytes("targets");
    for (delta, ok) in [(0i64, true), (7, false)] {
        let mut snap = sim.snapshot.clone();
        let mut meta = MetaFile::new(1);
        meta.length = Some((targets.len() as i64 + delta) as u64);
        snap.signed.meta.insert("targets.json".into(), meta);
        let mut set = set_with(&sim, now(), Policy::default());
        set.update_timestamp(&sim.bytes("timestamp")).unwrap();
        set.update_snapshot(&sim.signed_bytes("snapshot", &snap), false)
            .unwrap();
        let r = set.update_targets(&targets);
        assert_eq!(r.is_ok(), ok, "{r:?}");
        if !ok {
            assert_eq!(kind(r), ErrorKind::LengthOrHashMismatch);
        }
    }
}

// ---- delegations (5.6.3 for delegated roles) -----------------------------------------------

#[test]
fn root_delegates_only_to_the_top_level_targets() {
    // A delegated role signed with root's targets key and listed in snapshot is still not
    // something root delegates to.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", PathSpec::Paths(vec!["*".into()]), false);
    sim.update_snapshot();
    let mut role1 = sim.delegated["role1"].clone();
    role1.sign(&sim.signers["targets"][0]).unwrap();
    let mut set = loaded_with(&sim, Policy::default());
    let err = set
        .update_delegated_targets(&role1.to_bytes(), "role1", "root")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Repository, "{err}");
    assert!(set.get_targets("role1").is_none());
}

#[test]
fn delegated_role_needs_the_delegations_threshold() {
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", PathSpec::Paths(vec!["*".into()]), false);
    // A second key for role1, and threshold 2.
    let second = new_key();
    let k = Key::from_signer(&second);
    let d = sim.targets.signed.delegations.as_mut().unwrap();
    d.keys.insert(k.keyid(), k.clone());
    if let tuf::metadata::DelegatedRoles::Roles(roles) = &mut d.roles {
        roles[0].keyids.push(k.keyid());
        roles[0].threshold = 2;
    }
    sim.update_snapshot();
    let mut set = loaded(&sim);
    match set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets") {
        Err(Error::UnsignedMetadata {
            valid, threshold, ..
        }) => assert_eq!((valid, threshold), (1, 2)),
        other => panic!("{other:?}"),
    }
    sim.signers.get_mut("role1").unwrap().push(second);
    set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")
        .unwrap();
}

#[test]
fn delegated_role_counts_only_the_delegations_keyids() {
    // Digest 6.9 for delegations: role2's key is in the delegator's `keys`, but not among
    // role1's keyids, so its valid signature does not count for role1.
    let mut sim = Sim::new();
    sim.add_delegation(
        "targets",
        "role1",
        PathSpec::Paths(vec!["a/*".into()]),
        false,
    );
    sim.add_delegation(
        "targets",
        "role2",
        PathSpec::Paths(vec!["b/*".into()]),
        false,
    );
    sim.update_snapshot();
    let role2_keys = sim.signers.remove("role2").unwrap();
    sim.signers.insert("role1".into(), role2_keys);
    let mut set = loaded(&sim);
    match set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets") {
        Err(Error::UnsignedMetadata { role, valid, .. }) => {
            assert_eq!((role.as_str(), valid), ("role1", 0))
        }
        other => panic!("{other:?}"),
    }
}
