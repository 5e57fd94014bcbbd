//! The attacks of the digest's section 3, each against the updater with the repository
//! simulator (`SimFetcher`), and a few over HTTP with libcurl against the hostile test server.
//! Every test checks the error kind and that nothing the attacker sent was persisted or
//! returned, and most check that the client recovers once the repository is sound again.

mod common;

use common::sim::Sim;
use common::sim_fetcher::{Client, Response};
use tuf::metadata::{PathSpec, RoleType};
use tuf::{Error, ErrorKind};

fn kind<T: std::fmt::Debug>(r: tuf::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn paths(p: &[&str]) -> PathSpec {
    PathSpec::Paths(p.iter().map(|s| s.to_string()).collect())
}

const TARGET: &str = "dir/file.txt";

const TARGET_DATA: &[u8] = b"hello from role1";

/// A repository with one delegated role `role1` (paths `dir/*`) listing `dir/file.txt`, and
/// `top.txt` in the top-level targets.
fn sim_with_delegation() -> Sim {
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", paths(&["dir/*"]), false);
    sim.add_target("role1", TARGET, TARGET_DATA);
    sim.add_target("targets", "top.txt", b"top-level target");
    sim.update_snapshot();
    sim
}

/// A client whose cache holds every metadata file of `sim`, after a lookup of `dir/file.txt`.
fn filled(name: &str, sim: Sim) -> Client {
    let c = Client::new(name, sim);
    c.updater().get_target_info(TARGET).unwrap().unwrap();
    c
}

/// Looks up `dir/file.txt` with a new updater on `c`'s cache.
fn lookup(c: &Client) -> tuf::Result<Option<tuf::updater::TargetInfo>> {
    c.updater().get_target_info(TARGET)
}

/// The timestamp an attacker with the timestamp key signs: the current one at version 1000.
fn inflated_timestamp(sim: &Sim) -> Vec<u8> {
    let mut md = sim.timestamp.clone();
    md.signed.version = 1000;
    sim.signed_bytes("timestamp", &md)
}

#[test]
fn fast_forward_recovery_survives_a_failed_root_update() {
    // The root update of the recovery cycle accepts v2 (which rotates keys) but fails on
    // v3 (a mirror error). The next cycle starts from v2 and can no longer see that the keys
    // changed: the timestamp and snapshot must have been deleted already.
    let c = filled("ff-partial", sim_with_delegation());
    let inflated = inflated_timestamp(&c.repo.sim());
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(inflated));
    lookup(&c).unwrap().unwrap();
    c.repo.clear_overrides();
    {
        let mut sim = c.repo.sim();
        sim.add_role_key(RoleType::Timestamp, 1); // the old key stays valid
        sim.rotate_root(|_| {}, &[]);
        sim.rotate_root(|_| {}, &[]);
        sim.update_snapshot();
    }
    c.repo
        .set_override("metadata/3.root.json", Response::Status(500));
    let mut u = c.updater();
    assert_eq!(kind(u.refresh()), ErrorKind::Download);
    assert_eq!(u.trusted_set().root().version, 2);
    c.repo.clear_overrides();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    let version = c.repo.sim().timestamp.signed.version;
    assert_eq!(u.trusted_set().timestamp().unwrap().version, version);
}

#[test]
fn rollback_baseline_survives_a_bootstrap_root_older_than_a_key_rotation() {
    // Applications pass their shipped root (v1) every run; the cached root history leads to
    // v2, which rotated the timestamp key. Walking the local history is not a new rotation:
    // the cached timestamp stays the rollback baseline (5.4.3.1), so an older timestamp
    // signed with the current key is refused by every later updater.
    let mut sim = sim_with_delegation();
    sim.rotate_keys(RoleType::Timestamp);
    sim.rotate_root(|_| {}, &[]);
    sim.update_timestamp();
    let c = Client::new("bootstrap-baseline", sim);
    lookup(&c).unwrap().unwrap();
    let old_ts = c.repo.sim().bytes("timestamp");
    c.repo.sim().publish_targets("role1");
    c.updater_with(c.bootstrap_config())
        .get_target_info(TARGET)
        .unwrap()
        .unwrap();
    let trusted = c.read_cached("timestamp.json").unwrap();
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(old_ts));
    let mut u = c.updater_with(c.bootstrap_config());
    match u.get_target_info(TARGET) {
        Err(Error::BadVersion { role, .. }) => assert_eq!(role, "timestamp"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.read_cached("timestamp.json").unwrap(), trusted);
}
