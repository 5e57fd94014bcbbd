//! Every check of the trusted metadata set (spec 5.2 to 5.6), each with a test that fails when
//! the check is removed. Repositories come from the simulator in `common/sim.rs`.

mod common;

use common::sim::{in_secs, new_key, past, Sim};
use tuf::crypto::{KeyKind, SigningKey};
use tuf::metadata::{
    DateTime, DelegatedRoles, Delegations, Key, MetaFile, PathSpec, RoleKeys, RoleType,
    SuccinctBins, SuccinctRoles,
};
use tuf::verify::{Policy, TimestampUpdate, TrustedSet};
use tuf::{Error, ErrorKind};

fn now() -> DateTime {
    DateTime::now()
}

fn new_set(sim: &Sim) -> TrustedSet {
    TrustedSet::new(&sim.root_bytes(1), now(), Policy::default()).unwrap()
}

/// A set with root v1 and the current timestamp, snapshot and targets loaded.
fn loaded(sim: &Sim) -> TrustedSet {
    let mut set = new_set(sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    set.update_targets(&sim.bytes("targets")).unwrap();
    set
}

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorKind {
    r.unwrap_err().kind()
}

// ---- 5.2: the trusted root ----------------------------------------------------------------

#[test]
fn initial_root_must_be_signed_by_its_own_threshold() {
    let mut sim = Sim::new();
    sim.root.signed.roles.get_mut("root").unwrap().threshold = 2;
    sim.publish_root(); // v1 again, but unmet threshold: one key, threshold 2
    let bytes = sim.latest_root_bytes();
    assert_eq!(
        kind(TrustedSet::new(&bytes, now(), Policy::default())),
        ErrorKind::BadSignature
    );
}

#[test]
fn initial_root_may_be_expired() {
    // 5.2: the shipped root's expiry does not matter; only the final root's does (5.3.10).
    let mut sim = Sim::new();
    sim.root.signed.expires = past();
    sim.signed_roots.clear();
    sim.publish_root();
    let mut set = TrustedSet::new(&sim.root_bytes(1), now(), Policy::default()).unwrap();
    assert_eq!(set.root().version, 1);
    // ... but it cannot be the final root.
    match set.update_timestamp(&sim.bytes("timestamp")) {
        Err(Error::Expired { role, .. }) => assert_eq!(role, "root"),
        other => panic!("expected expired root, got {other:?}"),
    }
}

#[test]
fn wrong_type_is_rejected() {
    // Digest 6.38: a timestamp offered as root is not accepted, whatever its signatures.
    let sim = Sim::new();
    let r = TrustedSet::new(&sim.bytes("timestamp"), now(), Policy::default());
    assert!(matches!(r, Err(Error::WrongType { .. })));
    let mut set = new_set(&sim);
    assert!(matches!(
        set.update_timestamp(&sim.bytes("snapshot")),
        Err(Error::WrongType { .. })
    ));
}

// ---- 5.3: root rotation --------------------------------------------------------------------

#[test]
fn root_rotation_requires_old_and_new_thresholds() {
    let mut sim = Sim::new();
    // v2 rotates the root key and is signed by the new key only: the old root's threshold
    // (5.3.4) is not met.
    let old = sim.rotate_keys(RoleType::Root);
    sim.rotate_root(|_| {}, &[]);
    let mut set = new_set(&sim);
    match set.update_root(&sim.root_bytes(2)) {
        Err(Error::UnsignedMetadata { role, .. }) => assert_eq!(role, "root"),
        other => panic!("{other:?}"),
    }
    assert_eq!(set.root().version, 1, "a rejected root is never trusted");

    // Signed by the old key only: the new root's own threshold is not met.
    let mut sim2 = Sim::new();
    let old2 = sim2.rotate_keys(RoleType::Root);
    sim2.signers.insert("root".into(), Vec::new());
    sim2.rotate_root(|_| {}, &[&old2[0]]);
    let mut set2 = new_set(&sim2);
    assert_eq!(
        kind(set2.update_root(&sim2.root_bytes(2))),
        ErrorKind::BadSignature
    );

    // Signed by both: accepted.
    let mut sim3 = Sim::new();
    let old3 = sim3.rotate_keys(RoleType::Root);
    sim3.rotate_root(|_| {}, &[&old3[0]]);
    let mut set3 = new_set(&sim3);
    assert_eq!(set3.update_root(&sim3.root_bytes(2)).unwrap().version, 2);
    drop(old);
}

#[test]
fn root_version_must_be_exactly_n_plus_1() {
    let mut sim = Sim::new();
    sim.rotate_root(|r| r.version = 3, &[]);
    let mut set = new_set(&sim);
    match set.update_root(&sim.root_bytes(2)) {
        Err(Error::BadVersion { expected, got, .. }) => {
            assert_eq!((expected.as_str(), got), ("2", 3))
        }
        other => panic!("{other:?}"),
    }
    // The same version again is a rollback too.
    assert_eq!(
        kind(set.update_root(&sim.root_bytes(1))),
        ErrorKind::BadVersion
    );
}

#[test]
fn intermediate_root_may_be_expired_but_final_may_not() {
    let mut sim = Sim::new();
    sim.rotate_root(|r| r.expires = past(), &[]);
    sim.rotate_root(|r| r.expires = in_secs(86400), &[]);
    let mut set = new_set(&sim);
    set.update_root(&sim.root_bytes(2)).unwrap(); // 5.3.6: expiry ignored
    set.update_root(&sim.root_bytes(3)).unwrap();
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();

    let mut set = new_set(&sim);
    set.update_root(&sim.root_bytes(2)).unwrap();
    // 5.3.10: v2 is final here and expired.
    match set.update_timestamp(&sim.bytes("timestamp")) {
        Err(Error::Expired { role, .. }) => assert_eq!(role, "root"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn root_threshold_change_applies_to_the_next_rotation() {
    let mut sim = Sim::new();
    let second = new_key();
    sim.root
        .signed
        .add_key(RoleType::Root, Key::from_signer(&second));
    sim.root.signed.roles.get_mut("root").unwrap().threshold = 2;
    sim.signers.get_mut("root").unwrap().push(second);
    sim.rotate_root(|_| {}, &[]);
    // v3 signed by only one of the two root keys: v2's threshold of 2 is not met.
    let only_one = sim.signers.get_mut("root").unwrap().pop().unwrap();
    sim.rotate_root(|_| {}, &[]);
    let mut set = new_set(&sim);
    set.update_root(&sim.root_bytes(2)).unwrap();
    assert_eq!(
        kind(set.update_root(&sim.root_bytes(3))),
        ErrorKind::BadSignature
    );
    drop(only_one);
}

#[test]
fn root_cannot_change_after_timestamp() {
    let mut sim = Sim::new();
    sim.rotate_root(|_| {}, &[]);
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    assert_eq!(kind(set.update_root(&sim.root_bytes(2))), ErrorKind::State);
}

#[test]
fn fast_forward_recovery_detects_rotated_timestamp_or_snapshot_keys() {
    // 5.3.11
    for role in [RoleType::Timestamp, RoleType::Snapshot] {
        let mut sim = Sim::new();
        sim.rotate_keys(role);
        sim.rotate_root(|_| {}, &[]);
        let mut set = new_set(&sim);
        assert!(!set.timestamp_snapshot_keys_rotated());
        set.update_root(&sim.root_bytes(2)).unwrap();
        assert!(set.timestamp_snapshot_keys_rotated(), "{role:?}");
    }
    // A threshold change counts as a rotation too.
    let mut sim = Sim::new();
    sim.rotate_root(|r| r.roles.get_mut("timestamp").unwrap().threshold = 2, &[]);
    let mut set = new_set(&sim);
    set.update_root(&sim.root_bytes(2)).unwrap();
    assert!(set.timestamp_snapshot_keys_rotated());
    // Rotating the targets keys does not.
    let mut sim = Sim::new();
    sim.rotate_keys(RoleType::Targets);
    sim.rotate_root(|_| {}, &[]);
    let mut set = new_set(&sim);
    set.update_root(&sim.root_bytes(2)).unwrap();
    assert!(!set.timestamp_snapshot_keys_rotated());
}

// ---- 5.4: timestamp ------------------------------------------------------------------------

#[test]
fn timestamp_needs_threshold_of_timestamp_keys() {
    let mut sim = Sim::new();
    // Signed by the snapshot key: a valid signature from a key not assigned to the role
    // (digest 6.9).
    let snap = sim.signers.remove("snapshot").unwrap();
    sim.signers.insert("timestamp".into(), snap);
    let mut set = new_set(&sim);
    match set.update_timestamp(&sim.bytes("timestamp")) {
        Err(Error::UnsignedMetadata {
            role,
            valid,
            threshold,
        }) => {
            assert_eq!((role.as_str(), valid, threshold), ("timestamp", 0, 1))
        }
        other => panic!("{other:?}"),
    }
    assert!(set.timestamp().is_none());
}

#[test]
fn timestamp_rollback_and_equal_version() {
    let mut sim = Sim::new();
    sim.timestamp.signed.version = 5;
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();

    // 5.4.3.1: lower version.
    sim.timestamp.signed.version = 4;
    assert_eq!(
        kind(set.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::BadVersion
    );

    // Equal version: not an error, the trusted one is kept.
    sim.timestamp.signed.version = 5;
    sim.timestamp.signed.snapshot_meta = MetaFile::new(9);
    assert_eq!(
        set.update_timestamp(&sim.bytes("timestamp")).unwrap(),
        TimestampUpdate::Unchanged
    );
    assert_eq!(set.timestamp().unwrap().snapshot_meta.version, 1);
}

#[test]
fn timestamp_snapshot_version_must_not_go_down() {
    // 5.4.3.2
    let mut sim = Sim::new();
    sim.timestamp.signed.snapshot_meta = MetaFile::new(3);
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    sim.timestamp.signed.version += 1;
    sim.timestamp.signed.snapshot_meta = MetaFile::new(2);
    assert_eq!(
        kind(set.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::BadVersion
    );
    // The same snapshot version is fine (digest 6.16).
    sim.timestamp.signed.snapshot_meta = MetaFile::new(3);
    assert_eq!(
        set.update_timestamp(&sim.bytes("timestamp")).unwrap(),
        TimestampUpdate::Updated
    );
}

#[test]
fn expired_timestamp_is_kept_only_as_rollback_baseline() {
    let mut sim = Sim::new();
    sim.timestamp.signed.version = 7;
    sim.timestamp.signed.expires = past();
    let mut set = new_set(&sim);
    // 5.4.4
    assert_eq!(
        kind(set.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::Expired
    );
    // Kept as a baseline: a lower version is still a rollback (digest 6.20).
    sim.timestamp.signed.version = 6;
    sim.timestamp.signed.expires = in_secs(3600);
    assert_eq!(
        kind(set.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::BadVersion
    );
    // Snapshot is refused while the trusted timestamp is not final.
    assert_eq!(
        kind(set.update_snapshot(&sim.bytes("snapshot"), false)),
        ErrorKind::Expired
    );
    // A newer valid timestamp replaces it.
    sim.timestamp.signed.version = 8;
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
}

#[test]
fn timestamp_meta_may_only_list_snapshot() {
    let sim = Sim::new();
    let text = String::from_utf8(sim.bytes("timestamp")).unwrap();
    let tampered = text.replacen(
        "\"meta\": {",
        "\"meta\": {\n  \"targets.json\": {\"version\": 1},",
        1,
    );
    assert_ne!(text, tampered);
    let mut set = new_set(&sim);
    let err = set.update_timestamp(tampered.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMetadata);
    assert!(
        err.to_string().contains("signed.meta.targets.json"),
        "{err}"
    );
}

// ---- 5.5: snapshot -------------------------------------------------------------------------

#[test]
fn snapshot_length_and_hashes_must_match_timestamp_meta() {
    let mut sim = Sim::new();
    sim.compute_metafile_hashes_length = true;
    sim.update_timestamp();
    let good = sim.bytes("snapshot");
    // Same content, different bytes (signature over the same canonical form): any change
    // of the bytes fails 5.5.2.
    let mut other = good.clone();
    other.push(b'\n');
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    match set.update_snapshot(&other, false) {
        Err(Error::LengthOrHashMismatch { msg, .. }) => assert!(msg.contains("length"), "{msg}"),
        other => panic!("{other:?}"),
    }
    // Same length, different hash.
    let mut flipped = good.clone();
    let n = flipped.len() - 2;
    flipped[n] = b' ';
    match set.update_snapshot(&flipped, false) {
        Err(Error::LengthOrHashMismatch { msg, .. }) => assert!(msg.contains("hash"), "{msg}"),
        other => panic!("{other:?}"),
    }
    // From the local cache (trusted), the hashes are not checked again.
    set.update_snapshot(&other, true).unwrap();
    set.update_snapshot(&good, false).unwrap();
}

#[test]
fn snapshot_needs_threshold_of_snapshot_keys() {
    let mut sim = Sim::new();
    sim.signers.insert("snapshot".into(), vec![new_key()]);
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    assert_eq!(
        kind(set.update_snapshot(&sim.bytes("snapshot"), false)),
        ErrorKind::BadSignature
    );
    assert!(set.snapshot().is_none());
}

#[test]
fn snapshot_version_must_equal_timestamp_meta() {
    // 5.5.4
    let mut sim = Sim::new();
    sim.snapshot.signed.version = 2; // timestamp still lists 1
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    match set.update_snapshot(&sim.bytes("snapshot"), false) {
        Err(Error::BadVersion {
            role,
            expected,
            got,
        }) => {
            assert_eq!(
                (role.as_str(), expected.as_str(), got),
                ("snapshot", "1", 2)
            )
        }
        other => panic!("{other:?}"),
    }
    // Kept as a baseline, but targets refuses to load against it.
    assert!(set.snapshot().is_some());
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::BadVersion
    );
}

#[test]
fn snapshot_entries_cannot_disappear_or_roll_back() {
    // 5.5.5
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", PathSpec::Paths(vec!["*".into()]), false);
    sim.targets.signed.version = 2;
    sim.update_snapshot();
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();

    // role1.json removed from the new snapshot.
    let mut removed = sim.snapshot.clone();
    removed.signed.meta.remove("role1.json");
    let err = set
        .update_snapshot(&sim.signed_bytes("snapshot", &removed), true)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Repository, "{err}");

    // targets.json version lowered.
    let mut lowered = sim.snapshot.clone();
    lowered
        .signed
        .meta
        .insert("targets.json".into(), MetaFile::new(1));
    assert_eq!(
        kind(set.update_snapshot(&sim.signed_bytes("snapshot", &lowered), true)),
        ErrorKind::BadVersion
    );

    // A new entry and a higher version are fine.
    let mut grown = sim.snapshot.clone();
    grown
        .signed
        .meta
        .insert("targets.json".into(), MetaFile::new(3));
    grown
        .signed
        .meta
        .insert("new.json".into(), MetaFile::new(1));
    set.update_snapshot(&sim.signed_bytes("snapshot", &grown), true)
        .unwrap();
}

#[test]
fn expired_snapshot_is_rejected() {
    // 5.5.6
    let mut sim = Sim::new();
    sim.snapshot.signed.expires = past();
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    assert_eq!(
        kind(set.update_snapshot(&sim.bytes("snapshot"), false)),
        ErrorKind::Expired
    );
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::Expired
    );
}

#[test]
fn order_is_enforced() {
    let sim = Sim::new();
    let mut set = new_set(&sim);
    assert_eq!(
        kind(set.update_snapshot(&sim.bytes("snapshot"), false)),
        ErrorKind::State
    );
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::State
    );
    let mut set = loaded(&sim);
    assert_eq!(
        kind(set.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::State
    );
    assert_eq!(
        kind(set.update_snapshot(&sim.bytes("snapshot"), false)),
        ErrorKind::State
    );
}

// ---- 5.6: targets and delegated targets ----------------------------------------------------

#[test]
fn targets_must_be_listed_hashed_signed_versioned_and_fresh() {
    // Not listed in snapshot.
    let mut sim = Sim::new();
    sim.snapshot.signed.meta.clear();
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::Repository
    );

    // 5.6.2: hashes from snapshot meta.
    let mut sim = Sim::new();
    sim.compute_metafile_hashes_length = true;
    sim.update_snapshot();
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    let mut bad = sim.bytes("targets");
    let n = bad.len() - 2;
    bad[n] = b'\t';
    assert_eq!(
        kind(set.update_targets(&bad)),
        ErrorKind::LengthOrHashMismatch
    );
    set.update_targets(&sim.bytes("targets")).unwrap();

    // 5.6.3: signed by root's targets keys.
    let mut sim = Sim::new();
    sim.signers.insert("targets".into(), vec![new_key()]);
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::BadSignature
    );

    // 5.6.4: version equals snapshot meta.
    let mut sim = Sim::new();
    sim.targets.signed.version = 2;
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::BadVersion
    );
    assert!(set.targets().is_none());

    // 5.6.5: not expired.
    let mut sim = Sim::new();
    sim.targets.signed.expires = past();
    let mut set = new_set(&sim);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    assert_eq!(
        kind(set.update_targets(&sim.bytes("targets"))),
        ErrorKind::Expired
    );
}

fn with_delegation() -> Sim {
    let mut sim = Sim::new();
    sim.add_delegation(
        "targets",
        "role1",
        PathSpec::Paths(vec!["a/*".into()]),
        false,
    );
    sim.add_target("role1", "a/file", b"content");
    sim.update_snapshot();
    sim
}

#[test]
fn delegated_role_is_verified_with_the_delegators_keys() {
    let sim = with_delegation();
    let mut set = loaded(&sim);
    let t = set
        .update_delegated_targets(&sim.bytes("role1"), "role1", "targets")
        .unwrap();
    assert!(t.targets.contains_key("a/file"));
    assert_eq!(set.delegator_of("role1"), Some("targets"));
}

#[test]
fn delegated_role_signed_by_wrong_key_is_rejected() {
    let mut sim = with_delegation();
    let mut set = loaded(&sim);
    sim.signers.insert("role1".into(), vec![new_key()]);
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")),
        ErrorKind::BadSignature
    );
    // Root's targets key is not valid for a delegated role either.
    let targets_keys = sim.signers.remove("targets").unwrap();
    sim.signers.insert("role1".into(), targets_keys);
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")),
        ErrorKind::BadSignature
    );
}

#[test]
fn delegated_role_checks_listing_delegation_version_and_expiry() {
    let mut sim = with_delegation();
    let mut set = loaded(&sim);
    // Not delegated by this delegator.
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("role1"), "role1", "role1")),
        ErrorKind::State
    );
    // Listed in snapshot but not delegated.
    let mut sim2 = with_delegation();
    if let Some(d) = &mut sim2.targets.signed.delegations {
        d.roles = DelegatedRoles::Roles(Vec::new());
    }
    sim2.update_snapshot();
    let mut set2 = loaded(&sim2);
    assert_eq!(
        kind(set2.update_delegated_targets(&sim2.bytes("role1"), "role1", "targets")),
        ErrorKind::Repository
    );
    // Version differs from snapshot meta.
    sim.delegated.get_mut("role1").unwrap().signed.version = 2;
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")),
        ErrorKind::BadVersion
    );
    // Expired.
    sim.delegated.get_mut("role1").unwrap().signed.version = 1;
    sim.delegated.get_mut("role1").unwrap().signed.expires = past();
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")),
        ErrorKind::Expired
    );
    assert!(set.get_targets("role1").is_none());
}

#[test]
fn delegated_role_must_be_listed_in_snapshot() {
    let mut sim = with_delegation();
    sim.snapshot.signed.meta.remove("role1.json");
    let mut set = loaded(&sim);
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")),
        ErrorKind::Repository
    );
}

#[test]
fn succinct_bins_are_verified_with_the_shared_keys() {
    let mut sim = Sim::new();
    let key = new_key();
    let k = Key::from_signer(&key);
    let keyid = k.keyid();
    let mut d = Delegations::new();
    d.keys.insert(keyid.clone(), k);
    let bins = SuccinctBins::new(3, "bin").unwrap();
    d.roles = DelegatedRoles::Succinct(SuccinctRoles {
        keyids: vec![keyid],
        threshold: 1,
        bins: bins.clone(),
        extra: Default::default(),
    });
    sim.targets.signed.delegations = Some(d);
    let bin = bins.bin_for_target("file1.txt");
    assert_eq!(bin, "bin-2"); // digest 4.3 worked example
    for name in bins.bin_names() {
        sim.delegated.insert(
            name.clone(),
            tuf::metadata::Metadata::new(tuf::metadata::Targets::new(in_secs(3600))),
        );
    }
    sim.signers.insert(bin.clone(), vec![key]);
    sim.add_target(&bin, "file1.txt", b"x");
    sim.update_snapshot();
    let mut set = loaded(&sim);
    let t = set
        .update_delegated_targets(&sim.bytes(&bin), &bin, "targets")
        .unwrap();
    assert!(t.targets.contains_key("file1.txt"));
    // A bin signed by another key is rejected.
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("bin-3"), "bin-3", "targets")),
        ErrorKind::BadSignature
    );
    // A name that is not a bin is not delegated.
    sim.delegated.insert(
        "bin-8".into(),
        tuf::metadata::Metadata::new(tuf::metadata::Targets::new(in_secs(3600))),
    );
    sim.update_snapshot();
    let mut set = loaded(&sim);
    assert_eq!(
        kind(set.update_delegated_targets(&sim.bytes("bin-8"), "bin-8", "targets")),
        ErrorKind::Repository
    );
}

// ---- thresholds over distinct keys ---------------------------------------------------------

#[test]
fn one_key_under_two_keyids_counts_once() {
    // Digest 6.7: threshold 2 met by listing the same key under a second keyid.
    let mut sim = Sim::new();
    let ts_key = &sim.signers["timestamp"][0];
    let k = Key::from_signer(ts_key);
    let alias = "alias-of-the-timestamp-key".to_string();
    sim.root.signed.keys.insert(alias.clone(), k);
    let ts = sim.root.signed.roles.get_mut("timestamp").unwrap();
    ts.keyids.push(alias.clone());
    ts.threshold = 2;
    sim.signed_roots.clear();
    sim.publish_root();
    // Sign under both keyids.
    let mut md = sim.timestamp.clone();
    md.sign(&sim.signers["timestamp"][0]).unwrap();
    let mut dup = md.signatures[0].clone();
    dup.keyid = alias;
    md.signatures.push(dup);
    let mut set = new_set(&sim);
    match set.update_timestamp(&md.to_bytes()) {
        Err(Error::UnsignedMetadata {
            valid, threshold, ..
        }) => assert_eq!((valid, threshold), (1, 2)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn two_distinct_keys_meet_threshold_two() {
    let mut sim = Sim::new();
    let second = SigningKey::generate(KeyKind::EcdsaP256).unwrap();
    sim.root
        .signed
        .add_key(RoleType::Timestamp, Key::from_signer(&second));
    sim.root
        .signed
        .roles
        .get_mut("timestamp")
        .unwrap()
        .threshold = 2;
    sim.signed_roots.clear();
    sim.publish_root();
    let mut set = new_set(&sim);
    assert_eq!(
        kind(set.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::BadSignature
    );
    sim.signers.get_mut("timestamp").unwrap().push(second);
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
}

#[test]
fn bad_and_unknown_signatures_are_ignored_not_fatal() {
    let sim = Sim::new();
    let mut md = sim.timestamp.clone();
    md.sign(&sim.signers["timestamp"][0]).unwrap();
    md.signatures.push(tuf::metadata::Signature {
        keyid: "ffff".into(),
        sig: "not hex".into(),
        extra: Default::default(),
    });
    let mut set = new_set(&sim);
    set.update_timestamp(&md.to_bytes()).unwrap();
}

#[test]
fn unknown_key_types_never_count() {
    let mut sim = Sim::new();
    // An unknown key type in root parses, but cannot sign for the threshold.
    let unknown = Key::new("quantum", "sphincs-plus", "abcd");
    let id = unknown.keyid();
    sim.root.signed.keys.insert(id.clone(), unknown);
    let ts = sim.root.signed.roles.get_mut("timestamp").unwrap();
    ts.keyids.push(id.clone());
    ts.threshold = 2;
    sim.signed_roots.clear();
    sim.publish_root();
    let mut set = new_set(&sim);
    let mut md = sim.timestamp.clone();
    md.sign(&sim.signers["timestamp"][0]).unwrap();
    md.signatures.push(tuf::metadata::Signature {
        keyid: id,
        sig: "abcd".into(),
        extra: Default::default(),
    });
    assert_eq!(
        kind(set.update_timestamp(&md.to_bytes())),
        ErrorKind::BadSignature
    );
}

#[test]
fn duplicate_signature_keyids_reject_the_file() {
    let sim = Sim::new();
    let mut md = sim.timestamp.clone();
    md.sign(&sim.signers["timestamp"][0]).unwrap();
    let again = md.signatures[0].clone();
    md.signatures.push(again);
    let mut set = new_set(&sim);
    let err = set.update_timestamp(&md.to_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMetadata);
    assert!(err.to_string().contains("multiple signatures"), "{err}");
}

#[test]
fn keyids_are_checked_only_in_strict_mode() {
    // python-tuf does not check keyids (digest 1.7); the strict policy does.
    let mut sim = Sim::new();
    let key = sim.root.signed.keys.values().next().unwrap().clone();
    let old_id = sim.root.signed.keys.keys().next().unwrap().clone();
    sim.root.signed.keys.remove(&old_id);
    sim.root.signed.keys.insert("custom-id".into(), key);
    for role in sim.root.signed.roles.values_mut() {
        for id in role.keyids.iter_mut() {
            if *id == old_id {
                *id = "custom-id".into();
            }
        }
    }
    sim.signed_roots.clear();
    // Sign with keyids as root lists them: re-key signatures by hand.
    let mut root = sim.root.clone();
    for k in &sim.signers["root"] {
        root.sign(k).unwrap();
    }
    for s in &mut root.signatures {
        if s.keyid == old_id {
            s.keyid = "custom-id".into();
        }
    }
    let bytes = root.to_bytes();
    TrustedSet::new(&bytes, now(), Policy::default()).unwrap();
    let strict = Policy {
        strict_keyids: true,
        ..Policy::default()
    };
    let err = TrustedSet::new(&bytes, now(), strict).unwrap_err();
    assert!(err.to_string().contains("keyid does not match"), "{err}");
    let _ = RoleKeys::new(Vec::new(), 1);
}

// ---- Policy::accept_expired_unsafe ---------------------------------------------------------

#[test]
fn accept_expired_unsafe_skips_the_four_freeze_checks_and_nothing_else() {
    // Every top-level role and a delegated one expired: each of 5.3.10, 5.4.4, 5.5.6 and 5.6.5
    // would refuse it.
    let mut sim = with_delegation();
    sim.root.signed.expires = past();
    sim.signed_roots.clear();
    sim.publish_root();
    sim.timestamp.signed.expires = past();
    sim.snapshot.signed.expires = past();
    sim.targets.signed.expires = past();
    sim.delegated.get_mut("role1").unwrap().signed.expires = past();
    sim.update_snapshot();
    let unsafe_policy = Policy {
        accept_expired_unsafe: true,
        ..Policy::default()
    };
    let mut strict = new_set(&sim);
    assert_eq!(
        kind(strict.update_timestamp(&sim.bytes("timestamp"))),
        ErrorKind::Expired
    );

    let mut set = TrustedSet::new(&sim.root_bytes(1), now(), unsafe_policy.clone()).unwrap();
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    set.update_targets(&sim.bytes("targets")).unwrap();
    set.update_delegated_targets(&sim.bytes("role1"), "role1", "targets")
        .unwrap();

    // Signatures, versions, lengths and hashes are still checked.
    let mut set = TrustedSet::new(&sim.root_bytes(1), now(), unsafe_policy.clone()).unwrap();
    let mut bad = sim.timestamp.clone();
    bad.signatures.clear();
    assert_eq!(
        kind(set.update_timestamp(&bad.to_bytes())),
        ErrorKind::BadSignature
    );
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    let mut other = sim.snapshot.clone();
    other.signed.version += 1;
    assert_eq!(
        kind(set.update_snapshot(&sim.signed_bytes("snapshot", &other), true)),
        ErrorKind::BadVersion
    );
    set.update_snapshot(&sim.bytes("snapshot"), true).unwrap();
    let mut targets = sim.targets.clone();
    targets.signed.version += 1;
    assert_eq!(
        kind(set.update_targets(&sim.signed_bytes("targets", &targets))),
        ErrorKind::BadVersion
    );
}
