//! The updater's client workflow (spec 5.1 to 5.7) against the repository simulator, through
//! the in-memory `SimFetcher` (and, for a few tests, libcurl against the test HTTP server):
//! what is downloaded and when, root rotation chains, consistent snapshots, delegation graphs,
//! the local cache (reuse, tampering, recovery) and target files.
//!
//! Attacks of the digest's section 3 are in `updater_attacks.rs`.

mod common;

use std::collections::BTreeSet;

use common::http::TestServer;
use common::sim::{in_secs, past, Sim};
use common::sim_fetcher::{over_http, serve, Client, Response};
use tuf::crypto::{hash, hex, SigningKey};
use tuf::metadata::{
    DateTime, DelegatedRole, DelegatedRoles, Hashes, Key, PathSpec, RoleType, TargetFile,
};
use tuf::updater::{Updater, UpdaterConfig};
use tuf::{Error, ErrorKind};

fn kind<T: std::fmt::Debug>(r: tuf::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn clone_key(k: &SigningKey) -> SigningKey {
    SigningKey::from_pkcs8_pem(&k.to_pkcs8_pem().unwrap(), k.scheme()).unwrap()
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(&hash::sha256(data))
}

fn paths(p: &[&str]) -> PathSpec {
    PathSpec::Paths(p.iter().map(|s| s.to_string()).collect())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A repository with one delegated role `role1` (paths `dir/*`) listing `dir/file.txt`.
fn sim_with_delegation() -> Sim {
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", paths(&["dir/*"]), false);
    sim.add_target("role1", "dir/file.txt", b"hello from role1");
    sim.add_target("targets", "top.txt", b"top-level target");
    sim.update_snapshot();
    sim
}

/// Adds to `delegator` a delegation to the already existing role `to` (same key), so that
/// graphs with cycles or shared roles can be built.
fn delegate_existing(sim: &mut Sim, delegator: &str, to: &str, p: PathSpec, terminating: bool) {
    let key = Key::from_signer(&sim.signers[to][0]);
    let keyid = key.keyid();
    let parent = if delegator == "targets" {
        &mut sim.targets
    } else {
        sim.delegated.get_mut(delegator).unwrap()
    };
    let d = parent
        .signed
        .delegations
        .get_or_insert_with(tuf::metadata::Delegations::new);
    d.keys.insert(keyid.clone(), key);
    if let DelegatedRoles::Roles(roles) = &mut d.roles {
        roles.push(DelegatedRole {
            name: to.into(),
            keyids: vec![keyid],
            threshold: 1,
            terminating,
            paths: p,
            extra: Default::default(),
        });
    }
}

// ---- 5.3 to 5.6: what a refresh downloads ----------------------------------------------------

#[test]
fn refresh_fetches_root_probe_then_timestamp_snapshot_targets() {
    let c = Client::new("order", Sim::new());
    let mut u = c.updater();
    u.refresh().unwrap();
    // 5.3.3 (N+1 probe), 5.4.1, 5.5.1 (V.snapshot.json under consistent snapshots), 5.6.1.
    assert_eq!(
        c.repo.metadata_log(),
        strings(&[
            "2.root.json",
            "timestamp.json",
            "1.snapshot.json",
            "1.targets.json"
        ])
    );
    // 5.4.5, 5.5.7, 5.6.6: persisted under unversioned names, the exact bytes served.
    let sim = c.repo.sim();
    for role in ["timestamp", "snapshot", "targets"] {
        assert_eq!(
            c.read_cached(&format!("{role}.json")).unwrap(),
            sim.bytes(role),
            "{role}"
        );
    }
    assert_eq!(c.read_cached("root.json").unwrap(), sim.root_bytes(1));
    assert_eq!(
        c.read_cached("root_history/1.root.json").unwrap(),
        sim.root_bytes(1)
    );
    assert!(c.temp_files().is_empty(), "{:?}", c.temp_files());
}

#[test]
fn second_refresh_with_nothing_changed_downloads_only_timestamp() {
    // 5.4.3.1: an equal timestamp version ends the cycle with the cached snapshot/targets.
    let c = Client::new("noop", sim_with_delegation());
    let mut u = c.updater();
    u.refresh().unwrap();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    let before = std::fs::read(c.cached("timestamp.json")).unwrap();
    c.repo.clear_log();
    u.refresh().unwrap();
    assert_eq!(
        c.repo.metadata_log(),
        strings(&["2.root.json", "timestamp.json"])
    );
    assert_eq!(std::fs::read(c.cached("timestamp.json")).unwrap(), before);

    // A second updater on the same directory (no bootstrap root: the cached root.json)
    // reuses the cached snapshot, targets and delegated role.
    c.repo.clear_log();
    let mut u2 = c.updater_with(c.config());
    u2.refresh().unwrap();
    let info = u2.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(info.role, "role1");
    assert_eq!(
        c.repo.metadata_log(),
        strings(&["2.root.json", "timestamp.json"])
    );
}

#[test]
fn new_timestamp_with_same_snapshot_reuses_cached_snapshot_and_targets() {
    let c = Client::new("tsonly", Sim::new());
    c.updater().refresh().unwrap();
    c.repo.sim().update_timestamp(); // timestamp v2, same snapshot v1
    c.repo.clear_log();
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(
        c.repo.metadata_log(),
        strings(&["2.root.json", "timestamp.json"])
    );
    assert_eq!(u.trusted_set().timestamp().unwrap().version, 2);
    // The new timestamp is persisted (5.4.5).
    assert_eq!(
        c.read_cached("timestamp.json").unwrap(),
        c.repo.sim().bytes("timestamp")
    );
}

#[test]
fn new_targets_version_downloads_snapshot_and_targets_only() {
    let c = Client::new("newtargets", sim_with_delegation());
    let mut u = c.updater();
    u.refresh().unwrap();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    c.repo.sim().publish_targets("targets"); // targets v2, snapshot v3, timestamp v3
    c.repo.clear_log();
    let mut u2 = c.updater();
    u2.refresh().unwrap();
    u2.get_target_info("dir/file.txt").unwrap().unwrap();
    // role1 did not change: its cached file is reused.
    assert_eq!(
        c.repo.metadata_log(),
        strings(&[
            "2.root.json",
            "timestamp.json",
            "3.snapshot.json",
            "2.targets.json"
        ])
    );
}

#[test]
fn refresh_twice_on_one_updater_starts_a_new_cycle() {
    let c = Client::new("twice", Sim::new());
    let mut u = c.updater();
    u.refresh().unwrap();
    assert!(u.get_target_info("new.txt").unwrap().is_none());
    {
        let mut sim = c.repo.sim();
        sim.add_target("targets", "new.txt", b"new");
        sim.publish_targets("targets");
    }
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().targets().unwrap().version, 2);
    let info = u.get_target_info("new.txt").unwrap().unwrap();
    assert_eq!(info.target.length, 3);
}

#[test]
fn get_target_info_refreshes_first_when_needed() {
    let c = Client::new("implicit", sim_with_delegation());
    let mut u = c.updater();
    let info = u.get_target_info("top.txt").unwrap().unwrap();
    assert_eq!(info.role, "targets");
    assert_eq!(info.path, "top.txt");
    assert_eq!(c.repo.metadata_log()[1], "timestamp.json");
}

// ---- 5.1: the reference time ----------------------------------------------------------------

#[test]
fn reference_time_set_on_a_live_updater_applies_from_the_next_refresh() {
    // A device that learns the time after start-up: created with a wrong clock (after
    // everything expires), then given the right time.
    let c = Client::new("reftime-live", Sim::new());
    let mut config = c.bootstrap_config();
    config.reference_time = Some(in_secs(2 * 86400));
    let mut u = c.updater_with(config);
    assert_eq!(kind(u.refresh()), ErrorKind::Expired);
    u.set_reference_time(Some(in_secs(60)));
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().reference_time(), in_secs(60));
    u.set_reference_time(Some(in_secs(2 * 86400)));
    assert_eq!(kind(u.refresh()), ErrorKind::Expired);
    u.set_reference_time(None); // the system clock
    u.refresh().unwrap();
}

#[test]
fn fixed_reference_time_is_honoured() {
    // 5.1: expiry is judged against the configured time, not the clock.
    let c = Client::new("reftime", Sim::new());
    let mut config = c.bootstrap_config();
    config.reference_time = Some(in_secs(2 * 86400)); // after everything expires
    let mut u = c.updater_with(config);
    match u.refresh() {
        Err(Error::Expired { role, .. }) => assert_eq!(role, "root"), // 5.3.10
        other => panic!("{other:?}"),
    }
    assert!(c.read_cached("timestamp.json").is_none());

    // A timestamp that expired long ago by the clock, but not by the configured time.
    {
        let mut sim = c.repo.sim();
        sim.timestamp.signed.expires = DateTime::parse("2001-01-01T00:00:00Z").unwrap();
        sim.update_timestamp();
    }
    let mut config = c.bootstrap_config();
    config.reference_time = Some(DateTime::parse("2000-06-01T00:00:00Z").unwrap());
    let mut u = c.updater_with(config);
    u.refresh().unwrap();
    assert_eq!(
        u.trusted_set().reference_time(),
        DateTime::parse("2000-06-01T00:00:00Z").unwrap()
    );
    // With the clock, the same timestamp is expired (5.4.4).
    let mut u = c.updater_with(c.config());
    match u.refresh() {
        Err(Error::Expired { role, .. }) => assert_eq!(role, "timestamp"),
        other => panic!("{other:?}"),
    }
}

// ---- 5.3: root rotation chains ----------------------------------------------------------------

#[test]
fn root_chain_of_several_key_rotations() {
    // 5.3.1-5.3.9: every intermediate root is fetched, each signed by old and new keys.
    let mut sim = Sim::new();
    for _ in 0..4 {
        let old = sim.rotate_keys(RoleType::Root);
        sim.rotate_root(|_| {}, &[&old[0]]);
    }
    let c = Client::new("chain", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 5);
    assert_eq!(
        c.repo.metadata_log()[..5],
        strings(&[
            "2.root.json",
            "3.root.json",
            "4.root.json",
            "5.root.json",
            "6.root.json"
        ])
    );
    let sim = c.repo.sim();
    assert_eq!(c.read_cached("root.json").unwrap(), sim.root_bytes(5));
    for v in 1..=5 {
        assert_eq!(
            c.read_cached(&format!("root_history/{v}.root.json"))
                .unwrap(),
            sim.root_bytes(v)
        );
    }
    drop(sim);
    // A new updater from the cached root.json starts at v5.
    c.repo.clear_log();
    let mut u = c.updater_with(c.config());
    u.refresh().unwrap();
    assert_eq!(c.repo.metadata_log()[0], "6.root.json");
}

#[test]
fn root_history_is_used_before_the_repository() {
    // A second updater bootstrapped with v1 on a cache that already holds v2..v3 walks the
    // local history instead of downloading those roots again.
    let mut sim = Sim::new();
    sim.rotate_root(|_| {}, &[]);
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new("history", sim);
    c.updater().refresh().unwrap();
    c.repo.clear_log();
    let mut u = c.updater_with(c.bootstrap_config());
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    assert_eq!(c.repo.metadata_log()[0], "4.root.json");
}

#[test]
fn expired_intermediate_root_is_allowed() {
    // 5.3.6: only the final root's expiry matters.
    let mut sim = Sim::new();
    sim.rotate_root(|r| r.expires = past(), &[]);
    sim.rotate_root(|r| r.expires = in_secs(86400), &[]);
    let c = Client::new("expired-mid", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
}

#[test]
fn max_root_rotations_stops_the_chain_and_later_refresh_continues() {
    // 5.3.3: at most `max_root_rotations` new roots per cycle; python-tuf stops silently.
    let mut sim = Sim::new();
    for _ in 0..5 {
        sim.rotate_root(|_| {}, &[]);
    }
    let c = Client::new("maxrot", sim);
    let mut config = c.bootstrap_config();
    config.max_root_rotations = 2;
    let mut u = c.updater_with(config);
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    assert_eq!(
        c.repo.metadata_log()[..3],
        strings(&["2.root.json", "3.root.json", "timestamp.json"])
    );
    assert_eq!(
        c.read_cached("root.json").unwrap(),
        c.repo.sim().root_bytes(3)
    );
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 5);
    c.repo.clear_log();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 6);
    assert_eq!(
        c.repo.metadata_log()[..3],
        strings(&["6.root.json", "7.root.json", "timestamp.json"])
    );
}

#[test]
fn root_threshold_change_is_enforced_on_the_next_rotation() {
    // 5.3.4: v2 raises the root threshold to 2; v3 signed by one key is refused, the client
    // keeps v2, and recovers once the repository publishes a properly signed v3.
    let mut sim = Sim::new();
    sim.add_role_key(RoleType::Root, 2);
    sim.rotate_root(|_| {}, &[]);
    let second = sim.signers.get_mut("root").unwrap().pop().unwrap();
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new("rootthreshold", sim);
    let mut u = c.updater();
    assert_eq!(kind(u.refresh()), ErrorKind::BadSignature);
    assert_eq!(u.trusted_set().root().version, 2);
    assert_eq!(
        c.read_cached("root.json").unwrap(),
        c.repo.sim().root_bytes(2)
    );
    assert!(c.read_cached("root_history/3.root.json").is_none());
    {
        let mut sim = c.repo.sim();
        sim.signers.get_mut("root").unwrap().push(second);
        sim.signed_roots.pop();
        sim.root.signed.version -= 1;
        sim.rotate_root(|_| {}, &[]);
    }
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
}

#[test]
fn removed_root_key_no_longer_signs_new_roots() {
    let mut sim = Sim::new();
    let first_id = Key::from_signer(&sim.signers["root"][0]).keyid();
    sim.add_role_key(RoleType::Root, 1);
    sim.rotate_root(|_| {}, &[]); // v2: keys {k1, k2}, threshold 1
    let k1 = sim.signers.get_mut("root").unwrap().remove(0);
    sim.root.signed.revoke_key(RoleType::Root, &first_id);
    sim.rotate_root(|_| {}, &[]); // v3: key {k2}, signed by k2
    let c = Client::new("rootremoval", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    assert!(!u.trusted_set().root().keys.contains_key(&first_id));
    // v4 signed by the removed key only.
    {
        let mut sim = c.repo.sim();
        let k2 = std::mem::take(sim.signers.get_mut("root").unwrap());
        sim.rotate_root(|_| {}, &[&k1]);
        *sim.signers.get_mut("root").unwrap() = k2;
    }
    assert_eq!(kind(u.refresh()), ErrorKind::BadSignature);
    assert_eq!(u.trusted_set().root().version, 3);
    assert!(c.read_cached("root_history/4.root.json").is_none());
}

#[test]
fn rotation_of_every_top_level_role_key() {
    // Each top-level role's key is rotated in a new root in turn; the client follows, and
    // metadata signed by the old key is refused afterwards.
    let c = Client::new("rotateall", Sim::new());
    let mut u = c.updater();
    u.refresh().unwrap();
    for (i, role) in [
        RoleType::Timestamp,
        RoleType::Snapshot,
        RoleType::Targets,
        RoleType::Root,
    ]
    .into_iter()
    .enumerate()
    {
        let name = role.as_str();
        let (old, stale, url) = {
            let mut sim = c.repo.sim();
            let old = sim.rotate_keys(role);
            let extra: Vec<&SigningKey> = if role == RoleType::Root {
                vec![&old[0]]
            } else {
                vec![]
            };
            sim.rotate_root(|_| {}, &extra);
            sim.publish_targets("targets");
            // The next version of the role, signed by the old key only.
            let next_root = sim.root.signed.version + 1;
            let (stale, url) = match role {
                RoleType::Root => {
                    let mut md = sim.root.clone();
                    md.signed.version = next_root;
                    md.signatures.clear();
                    md.sign(&old[0]).unwrap();
                    (md.to_bytes(), format!("metadata/{next_root}.root.json"))
                }
                _ => {
                    let copy = clone_key(&old[0]);
                    let current = sim.signers.insert(name.to_string(), vec![copy]).unwrap();
                    let bytes = match role {
                        RoleType::Timestamp => {
                            let mut md = sim.timestamp.clone();
                            md.signed.version += 1;
                            sim.signed_bytes(name, &md)
                        }
                        RoleType::Snapshot => sim.bytes("snapshot"),
                        _ => sim.bytes("targets"),
                    };
                    sim.signers.insert(name.to_string(), current);
                    let url = match role {
                        RoleType::Timestamp => "metadata/timestamp.json".to_string(),
                        RoleType::Snapshot => {
                            format!("metadata/{}.snapshot.json", sim.snapshot.signed.version)
                        }
                        _ => format!("metadata/{}.targets.json", sim.targets.signed.version),
                    };
                    (bytes, url)
                }
            };
            (old, stale, url)
        };
        u.refresh().unwrap();
        assert_eq!(u.trusted_set().root().version, 2 + i as u64, "{name}");
        assert_eq!(
            c.read_cached("targets.json").unwrap(),
            c.repo.sim().bytes("targets")
        );
        // The old key is no longer trusted for the role.
        if role != RoleType::Root {
            // Make the stale file the one the client must load.
            std::fs::remove_file(c.cached("snapshot.json")).unwrap();
            std::fs::remove_file(c.cached("targets.json")).unwrap();
            std::fs::remove_file(c.cached("timestamp.json")).unwrap();
        }
        c.repo.set_override(&url, Response::Bytes(stale));
        assert_eq!(kind(u.refresh()), ErrorKind::BadSignature, "{name}");
        c.repo.clear_overrides();
        u.refresh().unwrap();
        drop(old);
    }
}

// ---- 5.3.12, 5.5.1, 5.6.1, 5.7.3: consistent snapshots -------------------------------------

fn download_all(c: &Client) -> Updater {
    let mut u = c.updater();
    u.refresh().unwrap();
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(path, c.targets_dir().join("dir%2Ffile.txt"));
    assert_eq!(std::fs::read(&path).unwrap(), b"hello from role1");
    u
}

#[test]
fn consistent_snapshot_on_fetches_versioned_metadata_and_hash_prefixed_targets() {
    let c = Client::new("cs-on", sim_with_delegation());
    download_all(&c);
    assert_eq!(
        c.repo.metadata_log(),
        strings(&[
            "2.root.json",
            "timestamp.json",
            "2.snapshot.json",
            "1.targets.json",
            "1.role1.json"
        ])
    );
    let digest = sha256_hex(b"hello from role1");
    assert_eq!(c.repo.targets_log(), vec![format!("dir/{digest}.file.txt")]);
    // Stored under unversioned names.
    let names = Client::list(&c.metadata_dir());
    for n in [
        "role1.json",
        "snapshot.json",
        "targets.json",
        "timestamp.json",
    ] {
        assert!(names.contains(&n.to_string()), "{names:?}");
    }
    assert!(!names
        .iter()
        .any(|n| n.starts_with(|c: char| c.is_ascii_digit())));
}

#[test]
fn consistent_snapshot_off_fetches_plain_names() {
    let mut sim = sim_with_delegation();
    sim.root.signed.consistent_snapshot = Some(false);
    sim.republish_root_v1();
    let c = Client::new("cs-off", sim);
    download_all(&c);
    assert_eq!(
        c.repo.metadata_log(),
        strings(&[
            "2.root.json",
            "timestamp.json",
            "snapshot.json",
            "targets.json",
            "role1.json"
        ])
    );
    assert_eq!(c.repo.targets_log(), strings(&["dir/file.txt"]));
}

#[test]
fn consistent_snapshot_without_target_hash_prefix() {
    let c = Client::new("cs-noprefix", sim_with_delegation());
    let mut config = c.bootstrap_config();
    config.prefix_targets_with_hash = false;
    let mut u = c.updater_with(config);
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    u.download_target(&info, None, None).unwrap();
    assert_eq!(c.repo.targets_log(), strings(&["dir/file.txt"]));
    assert!(c
        .repo
        .metadata_log()
        .contains(&"2.snapshot.json".to_string()));
}

#[test]
fn consistent_snapshot_switched_on_by_a_new_root() {
    // 5.3.12: the mode comes from the final root of the cycle.
    let mut sim = sim_with_delegation();
    sim.root.signed.consistent_snapshot = None; // absent means false
    sim.republish_root_v1();
    sim.rotate_root(|r| r.consistent_snapshot = Some(true), &[]);
    let c = Client::new("cs-switch", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(c.repo.metadata_log()[3], "2.snapshot.json");
}

// ---- 5.6.7: delegation graphs ------------------------------------------------------------------

#[test]
fn lazy_loading_fetches_only_the_roles_the_search_needs() {
    let mut sim = Sim::new();
    sim.add_delegation("targets", "A", paths(&["a/*"]), false);
    sim.add_delegation("targets", "B", paths(&["b/*"]), false);
    sim.add_delegation("targets", "C", paths(&["c/*"]), false);
    sim.add_delegation("targets", "D", paths(&["b/*"]), false);
    sim.add_target("B", "b/x", b"bx");
    sim.add_target("D", "b/y", b"by");
    sim.update_snapshot();
    let c = Client::new("lazy", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    c.repo.clear_log();
    let info = u.get_target_info("b/x").unwrap().unwrap();
    assert_eq!(info.role, "B");
    assert_eq!(c.repo.metadata_log(), strings(&["1.B.json"]));
    // B (already trusted) is searched again without a download, then D.
    c.repo.clear_log();
    assert_eq!(u.get_target_info("b/y").unwrap().unwrap().role, "D");
    assert_eq!(c.repo.metadata_log(), strings(&["1.D.json"]));
    // No delegation covers z/...: nothing is fetched.
    c.repo.clear_log();
    assert!(u.get_target_info("z/q").unwrap().is_none());
    assert!(c.repo.metadata_log().is_empty());
    assert!(!c.cached("A.json").exists() && !c.cached("C.json").exists());
}

#[test]
fn delegations_are_searched_in_order_and_the_first_listing_wins() {
    // Digest 6.27: the earlier delegation has priority.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "first", paths(&["pkg/*"]), false);
    sim.add_delegation("targets", "second", paths(&["pkg/*"]), false);
    sim.add_target("second", "pkg/a", b"from second");
    sim.add_target("first", "pkg/a", b"from first");
    sim.update_snapshot();
    let c = Client::new("order-deleg", sim);
    let mut u = c.updater();
    let info = u.get_target_info("pkg/a").unwrap().unwrap();
    assert_eq!(info.role, "first");
    assert_eq!(info.target, TargetFile::from_data(b"from first"));
    assert!(!c.repo.metadata_log().contains(&"1.second.json".to_string()));
}

#[test]
fn terminating_delegation_stops_the_search() {
    // 5.6.7.2.1: a matching terminating delegation without the target ends the search;
    // later siblings are never fetched.
    for terminating in [true, false] {
        let mut sim = Sim::new();
        sim.add_delegation("targets", "term", paths(&["pkg/*"]), terminating);
        sim.add_delegation("targets", "later", paths(&["pkg/*"]), false);
        sim.add_target("later", "pkg/a", b"later");
        sim.update_snapshot();
        let c = Client::new("terminating", sim);
        let mut u = c.updater();
        let found = u.get_target_info("pkg/a").unwrap();
        let fetched_later = c.repo.metadata_log().contains(&"1.later.json".to_string());
        if terminating {
            assert!(found.is_none());
            assert!(!fetched_later);
        } else {
            assert_eq!(found.unwrap().role, "later");
            assert!(fetched_later);
        }
    }
}

#[test]
fn terminating_delegation_drops_pending_roles_higher_up() {
    // targets -> [A (non-terminating) -> [T (terminating)], B]; T does not list the target,
    // so B, pending higher up, is never considered.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "A", paths(&["*"]), false);
    sim.add_delegation("targets", "B", paths(&["*"]), false);
    sim.add_delegation("A", "T", paths(&["*"]), true);
    sim.add_target("B", "file", b"b");
    sim.update_snapshot();
    let c = Client::new("term-up", sim);
    let mut u = c.updater();
    assert!(u.get_target_info("file").unwrap().is_none());
    let log = c.repo.metadata_log();
    assert!(log.contains(&"1.T.json".to_string()));
    assert!(!log.contains(&"1.B.json".to_string()));
}

#[test]
fn delegation_cycles_are_searched_once() {
    // 5.6.7.1: a role already visited is skipped.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "A", paths(&["*"]), false);
    sim.add_delegation("A", "B", paths(&["*"]), false);
    delegate_existing(&mut sim, "B", "A", paths(&["*"]), false);
    sim.update_snapshot();
    let c = Client::new("cycle", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    c.repo.clear_log();
    assert!(u.get_target_info("missing").unwrap().is_none());
    assert_eq!(c.repo.metadata_log(), strings(&["1.A.json", "1.B.json"]));
}

#[test]
fn max_delegations_limits_the_roles_visited() {
    // 5.6.7.1: targets -> d1 -> d2 -> d3 -> d4 -> d5, the target in d5.
    let mut sim = Sim::new();
    let mut parent = "targets".to_string();
    for i in 1..=5 {
        let name = format!("d{i}");
        sim.add_delegation(&parent, &name, paths(&["*"]), false);
        parent = name;
    }
    sim.add_target("d5", "deep", b"deep");
    sim.update_snapshot();
    let c = Client::new("maxdeleg", sim);
    let mut config = c.bootstrap_config();
    config.max_delegations = 3;
    let mut u = c.updater_with(config);
    u.refresh().unwrap();
    c.repo.clear_log();
    assert!(u.get_target_info("deep").unwrap().is_none());
    assert_eq!(
        c.repo.metadata_log(),
        strings(&["1.d1.json", "1.d2.json", "1.d3.json"])
    );
    let mut config = c.config();
    config.max_delegations = 5;
    let mut u = c.updater_with(config);
    assert_eq!(u.get_target_info("deep").unwrap().unwrap().role, "d5");
}

#[test]
fn path_patterns_and_hash_prefixes_select_roles() {
    // Digest 4.1, 4.2: only roles whose paths or hash prefixes cover the target are fetched.
    let target = "pkg/lib.tar.gz";
    let h = sha256_hex(target.as_bytes());
    let other = if h.starts_with('0') { "f" } else { "0" };
    let mut sim = Sim::new();
    sim.add_delegation(
        "targets",
        "wrongprefix",
        PathSpec::HashPrefixes(vec![other.into()]),
        false,
    );
    sim.add_delegation("targets", "wrongglob", paths(&["pkg/*.zip"]), false);
    sim.add_delegation(
        "targets",
        "prefix",
        PathSpec::HashPrefixes(vec![h[..3].to_string()]),
        false,
    );
    sim.add_target("prefix", target, b"lib");
    sim.add_target("wrongprefix", target, b"evil");
    sim.add_target("wrongglob", target, b"evil");
    sim.update_snapshot();
    let c = Client::new("prefixes", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    c.repo.clear_log();
    let info = u.get_target_info(target).unwrap().unwrap();
    assert_eq!(info.role, "prefix");
    assert_eq!(info.target, TargetFile::from_data(b"lib"));
    assert_eq!(c.repo.metadata_log(), strings(&["1.prefix.json"]));
}

#[test]
fn succinct_bins_fetch_exactly_one_bin_per_lookup() {
    // Digest 4.3: the bin of a target is computed, and only that bin's metadata is fetched.
    let mut sim = Sim::new();
    let bins = sim.add_succinct_delegation("targets", 4, "bin");
    let names: Vec<String> = (0..12).map(|i| format!("pkgs/file-{i}.tgz")).collect();
    for n in &names {
        let bin = bins.bin_for_target(n);
        sim.add_target(&bin, n, n.as_bytes());
    }
    sim.update_snapshot();
    let c = Client::new("succinct", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    let mut seen = BTreeSet::new();
    for n in names.iter().map(String::as_str).chain(["missing/one"]) {
        c.repo.clear_log();
        let bin = bins.bin_for_target(n);
        let found = u.get_target_info(n).unwrap();
        if n == "missing/one" {
            assert!(found.is_none());
        } else {
            assert_eq!(found.unwrap().role, bin);
        }
        let expected = if seen.insert(bin.clone()) {
            vec![format!("1.{bin}.json")]
        } else {
            vec![]
        };
        assert_eq!(c.repo.metadata_log(), expected, "{n}");
    }
    assert!(seen.len() > 2);
}

#[test]
fn delegated_role_names_are_percent_encoded_in_urls_and_files() {
    // Digest 6.35: "a/b" is one file name "a%2Fb.json", never a path.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "a/b", paths(&["x/*"]), false);
    sim.add_delegation("targets", "../up", paths(&["y/*"]), false);
    sim.add_target("a/b", "x/1", b"1");
    sim.add_target("../up", "y/1", b"2");
    sim.update_snapshot();
    let c = Client::new("rolenames", sim);
    let mut u = c.updater();
    assert_eq!(u.get_target_info("x/1").unwrap().unwrap().role, "a/b");
    assert_eq!(u.get_target_info("y/1").unwrap().unwrap().role, "../up");
    let log = c.repo.metadata_log();
    assert!(log.contains(&"1.a%2Fb.json".to_string()), "{log:?}");
    assert!(log.contains(&"1...%2Fup.json".to_string()), "{log:?}");
    assert!(c.cached("a%2Fb.json").exists());
    assert!(c.cached("..%2Fup.json").exists());
    assert!(!c.dir.path().join("up.json").exists());
}

// ---- the local cache: tampering and recovery ---------------------------------------------------

/// A client whose cache holds every file of `sim_with_delegation`, after a refresh and a
/// lookup of `dir/file.txt`.
fn filled_client(name: &str) -> Client {
    let c = Client::new(name, sim_with_delegation());
    let mut u = c.updater();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    c
}

/// Refreshes and looks up `dir/file.txt` with a new updater on `c`'s cache, then checks that
/// `file` was downloaded again and rewritten with the repository's bytes.
fn assert_recovered(c: &Client, file: &str, good: &[u8], url: &str) {
    c.repo.clear_log();
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(
        u.get_target_info("dir/file.txt").unwrap().unwrap().role,
        "role1"
    );
    assert!(
        c.repo.metadata_log().contains(&url.to_string()),
        "{file}: {:?}",
        c.repo.metadata_log()
    );
    assert_eq!(c.read_cached(file).unwrap(), good, "{file} not rewritten");
}

fn role_url(role: &str) -> String {
    match role {
        "timestamp" => "timestamp.json".into(),
        "snapshot" => "2.snapshot.json".into(),
        r => format!("1.{r}.json"),
    }
}

#[test]
fn tampered_cache_files_are_detected_and_recovered() {
    type Tamper = fn(&[u8], &Sim) -> Vec<u8>;
    let tampers: [(&str, Tamper); 4] = [
        ("bit flip", |b, _| {
            let mut v = b.to_vec();
            let i = v.len() / 2;
            v[i] ^= 0x01;
            v
        }),
        ("truncated", |b, _| b[..b.len() / 2].to_vec()),
        ("empty", |_, _| Vec::new()),
        ("another role's file", |_, sim| sim.bytes("root")),
    ];
    for role in ["timestamp", "snapshot", "targets", "role1"] {
        for (what, tamper) in tampers {
            let c = filled_client("tamper");
            let file = format!("{role}.json");
            let good = c.read_cached(&file).unwrap();
            let bad = tamper(&good, &c.repo.sim());
            std::fs::write(c.cached(&file), bad).unwrap();
            eprintln!("{role}: {what}");
            assert_recovered(&c, &file, &good, &role_url(role));
        }
    }
}

#[test]
fn cached_file_of_an_older_version_is_replaced() {
    for role in ["snapshot", "targets", "role1"] {
        let c = filled_client("older");
        let file = format!("{role}.json");
        let old = c.read_cached(&file).unwrap();
        c.repo
            .sim()
            .publish_targets(if role == "snapshot" { "targets" } else { role });
        c.updater().get_target_info("dir/file.txt").unwrap();
        let good = c.read_cached(&file).unwrap();
        assert_ne!(old, good);
        std::fs::write(c.cached(&file), &old).unwrap();
        let url = match role {
            "snapshot" => "3.snapshot.json".to_string(),
            r => format!("2.{r}.json"),
        };
        assert_recovered(&c, &file, &good, &url);
    }
}

#[test]
fn oversized_cached_file_is_not_trusted() {
    // A valid file padded past the configured limit is not read at all.
    let c = filled_client("oversized");
    let good = c.read_cached("snapshot.json").unwrap();
    let mut padded = good.clone();
    padded.extend(std::iter::repeat_n(b' ', 20_000));
    std::fs::write(c.cached("snapshot.json"), &padded).unwrap();
    c.repo.clear_log();
    let mut config = c.config();
    config.snapshot_max_length = 10_000;
    let mut u = c.updater_with(config);
    u.refresh().unwrap();
    assert!(c
        .repo
        .metadata_log()
        .contains(&"2.snapshot.json".to_string()));
    assert_eq!(c.read_cached("snapshot.json").unwrap(), good);
}

#[test]
fn garbage_in_root_history_is_ignored_and_replaced() {
    let mut sim = Sim::new();
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new("roothistory", sim);
    let good2 = c.repo.sim().root_bytes(2);
    std::fs::create_dir_all(c.cached("root_history")).unwrap();
    std::fs::write(c.cached("root_history/2.root.json"), b"{\"garbage\": 1}").unwrap();
    // v1's bytes in place of v3: validly signed, wrong version.
    std::fs::write(
        c.cached("root_history/3.root.json"),
        c.repo.sim().root_bytes(1),
    )
    .unwrap();
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 2);
    assert_eq!(
        c.repo.metadata_log()[..2],
        strings(&["2.root.json", "3.root.json"])
    );
    assert_eq!(c.read_cached("root_history/2.root.json").unwrap(), good2);
    assert_eq!(c.read_cached("root.json").unwrap(), good2);
}

#[test]
fn corrupt_root_json_is_recovered_from_the_history_or_the_bootstrap_root() {
    let mut sim = Sim::new();
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new("rootjson", sim);
    c.updater().refresh().unwrap();
    let good = c.read_cached("root.json").unwrap();
    let corrupt = || std::fs::write(c.cached("root.json"), &good[..good.len() / 3]).unwrap();
    // Without a bootstrap root, the newest verified root of the history (v2) is used, and
    // root.json repaired.
    corrupt();
    let mut u = c.updater_with(c.config());
    assert_eq!(u.trusted_set().root().version, 2);
    assert_eq!(c.read_cached("root.json").unwrap(), good);
    u.refresh().unwrap();
    // With an empty history there is nothing to trust.
    corrupt();
    std::fs::remove_dir_all(c.cached("root_history")).unwrap();
    let r = Updater::with_fetcher(c.config(), Box::new(c.repo.clone()));
    assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidMetadata);
    // With a bootstrap root, the cache is repaired, and the repository leads back to v2.
    c.repo.clear_log();
    let mut u = c.updater_with(c.bootstrap_config());
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 2);
    assert_eq!(
        c.repo.metadata_log()[..2],
        strings(&["2.root.json", "3.root.json"])
    );
    assert_eq!(c.read_cached("root.json").unwrap(), good);
}

// ---- 5.7: targets ------------------------------------------------------------------------------

#[test]
fn find_cached_target_accepts_a_good_file_and_rejects_a_wrong_one() {
    let c = Client::new("cachedtarget", sim_with_delegation());
    let mut u = c.updater();
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(
        u.find_cached_target(&info, None).unwrap(),
        Some(path.clone())
    );
    // Same length, other bytes.
    let mut wrong = std::fs::read(&path).unwrap();
    wrong[0] ^= 0xff;
    std::fs::write(&path, &wrong).unwrap();
    assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
    // Longer, with the right prefix.
    let mut longer = b"hello from role1".to_vec();
    longer.push(b'!');
    std::fs::write(&path, &longer).unwrap();
    assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
    // Shorter.
    std::fs::write(&path, b"hello").unwrap();
    assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
    // Downloading again repairs it.
    c.repo.clear_log();
    u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"hello from role1");
    assert_eq!(c.repo.targets_log().len(), 1);
}

#[test]
fn local_target_names_are_percent_encoded() {
    let mut sim = Sim::new();
    sim.add_target("targets", "a/b", b"ab");
    sim.add_target("targets", "../../escape", b"x");
    sim.add_target("targets", "sp ace%", b"y");
    sim.publish_targets("targets");
    let c = Client::new("encoded", sim);
    let mut u = c.updater();
    for (path, local) in [
        ("a/b", "a%2Fb"),
        ("../../escape", "..%2F..%2Fescape"),
        ("sp ace%", "sp%20ace%25"),
    ] {
        let info = u.get_target_info(path).unwrap().unwrap();
        assert_eq!(u.target_path(&info).unwrap(), c.targets_dir().join(local));
        let got = u.download_target(&info, None, None).unwrap();
        assert_eq!(got, c.targets_dir().join(local));
    }
    assert_eq!(
        Client::list(&c.targets_dir()),
        strings(&["..%2F..%2Fescape", "a%2Fb", "sp%20ace%25"])
    );
    assert!(!c.dir.path().join("escape").exists());
}

#[test]
fn download_to_a_custom_file_path() {
    let c = Client::new("custompath", sim_with_delegation());
    let mut config = c.bootstrap_config();
    config.targets_dir = None;
    let mut u = c.updater_with(config);
    let info = u.get_target_info("top.txt").unwrap().unwrap();
    // No targets_dir and no file name: an argument error.
    assert_eq!(
        kind(u.download_target(&info, None, None)),
        ErrorKind::InvalidArgument
    );
    let dest = c.dir.path().join("deep/down/my-name.bin");
    let got = u.download_target(&info, Some(&dest), None).unwrap();
    assert_eq!(got, dest);
    assert_eq!(std::fs::read(&dest).unwrap(), b"top-level target");
    assert_eq!(
        u.find_cached_target(&info, Some(&dest)).unwrap(),
        Some(dest.clone())
    );
    // A per-download base URL overrides the configured one.
    c.repo.clear_log();
    let other = c.dir.path().join("other.bin");
    u.download_target(&info, Some(&other), Some("https://sim.test/targets"))
        .unwrap();
    assert_eq!(c.repo.targets_log().len(), 1);
}

#[test]
fn unsupported_hash_algorithm_in_a_target_fails() {
    // Digest 6.25: python-tuf fails on an algorithm it cannot compute.
    let data = b"payload".to_vec();
    let mut sim = Sim::new();
    let mut tf = TargetFile::from_data(&data);
    tf.hashes = Hashes::new([
        ("sha256", sha256_hex(&data)),
        ("sha3-999", "abcd".to_string()),
    ])
    .unwrap();
    sim.targets.signed.targets.insert("odd".into(), tf);
    sim.target_files.insert("odd".into(), data.clone());
    sim.publish_targets("targets");
    let c = Client::new("unsupported", sim);
    let mut u = c.updater();
    let info = u.get_target_info("odd").unwrap().unwrap();
    assert_eq!(
        kind(u.download_target(&info, None, None)),
        ErrorKind::LengthOrHashMismatch
    );
    assert!(Client::list(&c.targets_dir()).is_empty());
    std::fs::write(c.targets_dir().join("odd"), &data).unwrap();
    assert!(u.find_cached_target(&info, None).is_err());
}

#[test]
fn unknown_target_is_none() {
    // 5.7.2
    let c = Client::new("unknown", sim_with_delegation());
    let mut u = c.updater();
    assert!(u.get_target_info("dir/nothing").unwrap().is_none());
    assert!(u.get_target_info("nothing").unwrap().is_none());
}

// ---- over HTTP with libcurl ------------------------------------------------------------------

fn http_config(c: &Client, server: &TestServer) -> UpdaterConfig {
    let mut config = over_http(c.bootstrap_config(), server);
    config.fetcher.connect_timeout = std::time::Duration::from_secs(5);
    config
}

#[test]
fn http_refresh_lookup_download_and_cache_reuse() {
    let server = TestServer::start();
    let c = Client::new("http", sim_with_delegation());
    serve(&server, &c.repo.sim());
    let mut u = Updater::new(http_config(&c, &server)).unwrap();
    u.refresh().unwrap();
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"hello from role1");
    let digest = sha256_hex(b"hello from role1");
    assert_eq!(
        server.request_log(),
        vec![
            "/metadata/2.root.json".to_string(),
            "/metadata/timestamp.json".into(),
            "/metadata/2.snapshot.json".into(),
            "/metadata/1.targets.json".into(),
            "/metadata/1.role1.json".into(),
            format!("/targets/dir/{digest}.file.txt"),
        ]
    );
    server.reset_counts();
    let mut config = http_config(&c, &server);
    config.bootstrap_root = None;
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(
        server.request_log(),
        strings(&["/metadata/2.root.json", "/metadata/timestamp.json"])
    );
}

#[test]
fn http_root_rotation_and_new_metadata() {
    let server = TestServer::start();
    let c = Client::new("http-rot", Sim::new());
    serve(&server, &c.repo.sim());
    let mut u = Updater::new(http_config(&c, &server)).unwrap();
    u.refresh().unwrap();
    {
        let mut sim = c.repo.sim();
        let old = sim.rotate_keys(RoleType::Root);
        sim.rotate_root(|_| {}, &[&old[0]]);
        sim.rotate_keys(RoleType::Timestamp);
        sim.rotate_root(|_| {}, &[]);
        sim.add_target("targets", "t.bin", b"binary");
        sim.publish_targets("targets");
        serve(&server, &sim);
    }
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    let info = u.get_target_info("t.bin").unwrap().unwrap();
    u.download_target(&info, None, None).unwrap();
    assert_eq!(
        std::fs::read(c.targets_dir().join("t.bin")).unwrap(),
        b"binary"
    );
}

#[test]
fn temporary_files_of_a_process_that_died_mid_write_are_removed() {
    // Metadata is written through temporary files in DIR/root_history under the cache lock,
    // so a file there while the lock is held was left by a process that died before its
    // rename.
    let c = Client::new("staletmp", Sim::new());
    let mut u = c.updater();
    u.refresh().unwrap();
    let stale = c
        .metadata_dir()
        .join("root_history")
        .join(".timestamp.json.999.0.0.tmp");
    std::fs::write(&stale, b"half a timestamp").unwrap();
    u.refresh().unwrap();
    assert!(!stale.exists(), "stale temporary file not removed");
    assert!(c.temp_files().is_empty(), "{:?}", c.temp_files());
    // The roots beside them stay, and there is no other directory.
    assert!(c.cached("root_history/1.root.json").is_file());
    assert!(!c.cached(".tmp").exists());
}

/// A top-level role that cannot be written fails the refresh, naming it; nothing after it is
/// written, and the next refresh writes them all.
#[test]
fn a_top_level_role_that_cannot_be_written_fails_the_refresh() {
    let c = Client::new("top-write", Sim::new());
    // snapshot.json cannot be replaced: a directory that is not empty holds its name.
    std::fs::create_dir_all(c.cached("snapshot.json").join("inside")).unwrap();
    let mut u = c.updater();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), tuf::ErrorKind::Io, "{e}");
    assert!(e.to_string().contains("snapshot.json"), "{e}");
    assert!(c.cached("timestamp.json").is_file());
    assert!(!c.cached("targets.json").exists());
    std::fs::remove_dir_all(c.cached("snapshot.json")).unwrap();
    u.refresh().unwrap();
    for role in ["timestamp", "snapshot", "targets"] {
        assert_eq!(
            c.read_cached(&format!("{role}.json")).unwrap(),
            c.repo.sim().bytes(role),
            "{role}"
        );
    }
}

#[test]
fn an_updater_can_move_between_threads() {
    // The documented thread model: Send (one thread at a time, may move between threads).
    fn assert_send<T: Send>() {}
    assert_send::<tuf::updater::Updater>();
    let c = Client::new("sendthread", Sim::new());
    let mut u = c.updater();
    let handle = std::thread::spawn(move || {
        u.refresh().unwrap();
        u
    });
    let u = handle.join().unwrap();
    assert_eq!(u.trusted_set().root().version, 1);
}

#[test]
fn a_target_at_hand_is_checked_against_trusted_metadata() {
    // 5.7.3 for bytes or a stream the application got another way.
    let mut sim = Sim::new();
    sim.add_target("targets", "a.bin", b"the right bytes");
    sim.update_snapshot();
    let c = Client::new("verify-at-hand", sim);
    let info = c.updater().get_target_info("a.bin").unwrap().unwrap();
    let t = &info.target;
    t.verify("a.bin", b"the right bytes").unwrap();
    assert!(t.verify("a.bin", b"the wrong bytes").is_err());
    assert!(t.matches_reader("a.bin", &b"the right bytes"[..]).unwrap());
    assert!(!t.matches_reader("a.bin", &b"the wrong bytes"[..]).unwrap());
    assert!(!t.matches_reader("a.bin", &b"the right byte"[..]).unwrap());
    // An endless stream is read only to one byte past the length.
    assert!(!t.matches_reader("a.bin", std::io::repeat(b'x')).unwrap());
}
