//! What a failed online refresh leaves behind: what the previous refresh verified.

mod common;

use common::sim::Sim;
use common::sim_fetcher::{Client, Response};
use tuf::metadata::{PathSpec, RoleType};
use tuf::ErrorKind;

/// A repository with a delegated role `role1` (paths `dir/*`) listing `dir/file.txt`, and a
/// top-level target `top.txt`.
fn sim() -> Sim {
    let mut sim = Sim::new();
    sim.add_delegation(
        "targets",
        "role1",
        PathSpec::Paths(vec!["dir/*".into()]),
        false,
    );
    sim.add_target("role1", "dir/file.txt", b"hello from role1");
    sim.add_target("targets", "top.txt", b"top-level target");
    sim.update_snapshot();
    sim
}

// ---- a failed online refresh ------------------------------------------------------------

#[test]
fn a_failed_refresh_keeps_what_the_previous_refresh_verified() {
    let c = Client::new("keeps", sim());
    let mut u = c.updater();
    u.refresh().unwrap();
    let before = u.get_target_info("top.txt").unwrap().unwrap();
    // The repository breaks: a new timestamp that does not verify.
    {
        let mut sim = c.repo.sim();
        sim.add_target("targets", "new.txt", b"new");
        sim.publish_targets("targets");
    }
    let mut bad = c.repo.sim().timestamp.clone();
    bad.signatures.clear();
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(bad.to_bytes()));
    let err = u.refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadSignature, "{err}");
    // Lookups answer from the previous state, without the network.
    c.repo.clear_log();
    assert_eq!(u.get_target_info("top.txt").unwrap().unwrap(), before);
    assert!(u.get_target_info("new.txt").unwrap().is_none());
    assert!(u.trusted_set().targets().is_some());
    assert!(c.repo.log().is_empty(), "{:?}", c.repo.log());
    // A failed download of the timestamp too (HTTP 503).
    c.repo
        .set_override("metadata/timestamp.json", Response::Status(503));
    u.refresh().unwrap_err();
    assert_eq!(u.get_target_info("top.txt").unwrap().unwrap(), before);
    // Once the repository is repaired, the next refresh moves on.
    c.repo.clear_overrides();
    u.refresh().unwrap();
    assert!(u.get_target_info("new.txt").unwrap().is_some());
}

#[test]
fn a_failed_refresh_that_moved_to_a_new_root_drops_the_old_state() {
    // What the previous refresh verified was checked with the old root's keys: after the new
    // root is trusted, lookups must not answer from it.
    let c = Client::new("new-root", sim());
    let mut u = c.updater();
    u.refresh().unwrap();
    assert!(u.get_target_info("top.txt").unwrap().is_some());
    {
        let mut sim = c.repo.sim();
        sim.rotate_keys(RoleType::Targets);
        sim.rotate_root(|_| {}, &[]);
    }
    c.repo
        .set_override("metadata/timestamp.json", Response::Status(503));
    u.refresh().unwrap_err();
    assert_eq!(u.trusted_set().root().version, 2);
    // The lookup refreshes first (and fails the same way) rather than answer.
    c.repo.clear_log();
    let err = u.get_target_info("top.txt").unwrap_err();
    assert_eq!(err.http_status(), Some(503), "{err}");
    assert!(c
        .repo
        .metadata_log()
        .contains(&"timestamp.json".to_string()));
}

#[test]
fn a_first_refresh_that_fails_leaves_nothing_to_answer_from() {
    let c = Client::new("first", sim());
    let mut u = c.updater();
    c.repo
        .set_override("metadata/timestamp.json", Response::Status(503));
    u.refresh().unwrap_err();
    c.repo.clear_log();
    // The lookup refreshes again.
    u.get_target_info("top.txt").unwrap_err();
    assert!(c
        .repo
        .metadata_log()
        .contains(&"timestamp.json".to_string()));
}
