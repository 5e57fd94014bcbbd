//! Root versions fetched ahead (5.3.3) against a real HTTP server: once a refresh found a new
//! root, the next versions are asked for several at a time (the server delays every response
//! so that they overlap), and each is still verified against the one before it and persisted
//! in order. A refresh without a new root asks for one version; a chain that ends, has a gap
//! or a root that does not verify is trusted exactly as far as a one-by-one walk would trust
//! it; no version above `max_root_rotations` is asked for; a transfer fetched ahead that
//! failed for a transient reason is made again alone, with the retry policy; a cancellation
//! stops the refresh; a custom fetcher walks one root at a time.

mod common;

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use common::http::Behavior;
use common::sim::Sim;
use common::sim_fetcher::{Client, Served};
use tuf::fetch::Progress;
use tuf::metadata::{Key, RoleType};
use tuf::updater::Updater;
use tuf::ErrorKind;

/// A repository with root versions 1 to `1 + rotations`, served over HTTP.
fn setup(test: &str, rotations: usize) -> Served {
    let mut sim = Sim::new();
    for _ in 0..rotations {
        sim.rotate_root(|_| {}, &[]);
    }
    sim.update_timestamp();
    Served::new(test, sim)
}

/// The root versions asked for, in increasing order.
fn root_requests(s: &Served) -> Vec<u64> {
    let mut versions: Vec<u64> = s
        .server
        .request_log()
        .iter()
        .filter_map(|p| p.strip_prefix("/metadata/")?.strip_suffix(".root.json"))
        .map(|v| v.parse().unwrap())
        .collect();
    versions.sort_unstable();
    versions
}

/// The versions in the cached root history, in increasing order.
fn history(s: &Served) -> Vec<u64> {
    let mut versions: Vec<u64> = Client::list(&s.c.metadata_dir().join("root_history"))
        .iter()
        .filter_map(|n| n.strip_suffix(".root.json")?.parse().ok())
        .collect();
    versions.sort_unstable();
    versions
}

fn trusted_root_version(u: &Updater) -> u64 {
    u.trusted_set().root().version
}

#[test]
fn a_chain_of_roots_is_fetched_several_at_a_time_and_trusted_in_order() {
    let s = setup("root_ahead_chain", 10);
    s.server.set_delay(Duration::from_millis(50));
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), 11);
    assert_eq!(history(&s), (1..=11).collect::<Vec<_>>());
    let cached = s.c.read_cached("root.json").unwrap();
    assert_eq!(cached, s.c.repo.sim().root_bytes(11));
    // Each version once: 2 alone, then 3-4, then 5-8, then 9-14 (six, the most
    // connections), where 12 is not found and ends the chain: 13 and 14 were asked for in
    // vain.
    assert_eq!(root_requests(&s), (2..=14).collect::<Vec<_>>());
    assert!(s.server.max_concurrent_requests() >= 2);
    assert!(s.server.max_concurrent_requests() <= 6);
}

#[test]
fn a_refresh_without_a_new_root_asks_for_one_version() {
    let s = setup("root_ahead_none", 0);
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    assert_eq!(root_requests(&s), [2]);
    // And after a chain, the next refresh starts again with one version.
    let s = setup("root_ahead_after_chain", 3);
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    s.server.reset_counts();
    u.refresh().unwrap();
    assert_eq!(root_requests(&s), [5]);
}

#[test]
fn one_connection_walks_the_chain_one_root_at_a_time() {
    let s = setup("root_ahead_one_connection", 5);
    let mut config = s.config();
    config.max_connections = 1;
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), 6);
    assert_eq!(root_requests(&s), (2..=7).collect::<Vec<_>>());
    assert_eq!(s.server.max_concurrent_requests(), 1);
}

#[test]
fn no_version_above_max_root_rotations_is_asked_for() {
    let s = setup("root_ahead_max", 12);
    let mut config = s.config();
    config.max_root_rotations = 5;
    let mut u = Updater::new(config).unwrap();
    // 5.3.3: at most 5 new roots in one refresh (the keys never change here, so the
    // refresh goes on from v6).
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), 6);
    assert_eq!(root_requests(&s), (2..=6).collect::<Vec<_>>());
    assert_eq!(history(&s), (1..=6).collect::<Vec<_>>());
}

#[test]
fn a_root_that_does_not_verify_ends_the_walk_where_a_one_by_one_walk_would() {
    let s = setup("root_ahead_bad", 8);
    // v6 signed by nobody the trusted v5 knows (5.3.5): a signature byte changed.
    let bad = common::with_signature_broken(&s.c.repo.sim().root_bytes(6));
    s.server.set("/metadata/6.root.json", bad);
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadSignature, "{e}");
    // v2-v5 trusted and persisted; v6 and what came with it neither.
    assert_eq!(trusted_root_version(&u), 5);
    assert_eq!(history(&s), (1..=5).collect::<Vec<_>>());
    assert_eq!(
        s.c.read_cached("root.json").unwrap(),
        s.c.repo.sim().root_bytes(5)
    );
    assert!(s.c.read_cached("timestamp.json").is_none());
}

#[test]
fn a_root_fetched_ahead_is_verified_against_the_root_trusted_by_then() {
    // The repository: versions 2-8, all with the same root key. The cache: another version 6,
    // with another root key (signed by the old one too, as 5.3.4 asks), as another process
    // could have found it meanwhile. The walk fetches 2 alone, then 3-4, then 5-8 together,
    // and takes 6 from the cache: the 7 fetched ahead is verified against that 6, the
    // trusted one, whose key never signed it (5.3.4), not against the 6 fetched with it.
    let mut sim = Sim::new();
    for _ in 0..4 {
        sim.rotate_root(|_| {}, &[]);
    }
    let mut other = sim.root.clone();
    other.signed.version = 6;
    let ids = other.signed.role(RoleType::Root).unwrap().keyids.clone();
    for id in &ids {
        other.signed.revoke_key(RoleType::Root, id);
    }
    let key = common::sim::new_key();
    other.signed.add_key(RoleType::Root, Key::from_signer(&key));
    other.sign(&key).unwrap();
    for old in &sim.signers["root"] {
        other.sign(old).unwrap();
    }
    let other = other.to_bytes();
    for _ in 0..3 {
        sim.rotate_root(|_| {}, &[]);
    }
    sim.update_timestamp();
    let s = Served::new("root_ahead_other", sim);
    std::fs::create_dir_all(s.c.cached("root_history")).unwrap();
    std::fs::write(s.c.cached("root_history/6.root.json"), &other).unwrap();
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadSignature, "{e}");
    assert_eq!(trusted_root_version(&u), 6);
    assert_eq!(s.c.read_cached("root.json").unwrap(), other);
    // 5-8 were fetched together: the 7 refused was one of them.
    assert_eq!(root_requests(&s), (2..=8).collect::<Vec<_>>());
}

#[test]
fn a_missing_version_ends_the_chain_even_if_later_ones_exist() {
    let s = setup("root_ahead_gap", 8);
    // 5.3.3: version 5 is not available, so the walk stops at 4, though 6 to 9 are served
    // (and fetched ahead with 5).
    s.server.remove("/metadata/5.root.json");
    let mut u = Updater::new(s.config()).unwrap();
    // The timestamp is signed by keys v4 shares with v9: the refresh goes on from v4.
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), 4);
    assert_eq!(history(&s), (1..=4).collect::<Vec<_>>());
    assert!(root_requests(&s).contains(&6), "{:?}", root_requests(&s));
}

#[test]
fn a_transient_failure_ahead_is_fetched_again_alone_with_retries() {
    let s = setup("root_ahead_retry", 6);
    s.server.set_behavior(
        "/metadata/4.root.json",
        Behavior::FailTimes {
            status: 503,
            times: 1,
        },
    );
    let mut config = s.config();
    config.retry.retries = 1;
    config.retry.backoff = Duration::from_millis(10);
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), 7);
    assert_eq!(s.server.requests("/metadata/4.root.json"), 2);
    assert_eq!(history(&s), (1..=7).collect::<Vec<_>>());

    // Without retries, the failure is the refresh's: fetched once more alone, failing again.
    let s = setup("root_ahead_no_retry", 6);
    s.server
        .set_behavior("/metadata/4.root.json", Behavior::Status(503));
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Download, "{e}");
    assert_eq!(trusted_root_version(&u), 3);
    assert_eq!(history(&s), (1..=3).collect::<Vec<_>>());
}

#[test]
fn cancelling_a_transfer_ahead_stops_the_refresh() {
    let s = setup("root_ahead_cancel", 8);
    let mut config = s.config();
    // Versions 2 to 4 go through; the progress function stops the transfer of version 5.
    config.progress = Some(Progress(Arc::new(move |url: &str, _: u64, _: u64| {
        if url.ends_with("/5.root.json") {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })));
    let mut u = Updater::new(config).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
    assert_eq!(trusted_root_version(&u), 4);
    assert_eq!(history(&s), (1..=4).collect::<Vec<_>>());
}

#[test]
fn a_custom_fetcher_walks_one_root_at_a_time() {
    let s = setup("root_ahead_custom", 5);
    let mut u = s.c.updater();
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), 6);
    let roots: Vec<String> =
        s.c.repo
            .metadata_log()
            .into_iter()
            .filter(|p| p.ends_with(".root.json"))
            .collect();
    let want: Vec<String> = (2..=7).map(|v| format!("{v}.root.json")).collect();
    assert_eq!(roots.len(), want.len(), "{roots:?}");
    for (got, want) in roots.iter().zip(&want) {
        assert!(got.ends_with(want.as_str()), "{roots:?}");
    }
    assert_eq!(s.server.total_requests(), 0);
}

#[test]
fn a_chain_that_reaches_the_highest_version_ends_there() {
    // Bootstrapped with root v(MAX-3); the repository has MAX-2, MAX-1 and MAX (the last two
    // asked for together). No version above MAX exists: the walk ends at MAX without asking
    // for one, and without overflowing.
    let top = u64::MAX;
    let mut sim = Sim::new();
    sim.rotate_root(|r| r.version = top - 3, &[]);
    for _ in 0..3 {
        sim.rotate_root(|_| {}, &[]);
    }
    sim.update_timestamp();
    let s = Served::new("root_ahead_top", sim);
    let roots: Vec<Vec<u8>> = (2..=5).map(|i| s.c.repo.sim().root_bytes(i)).collect();
    for (version, bytes) in (top - 2..=top).zip(&roots[1..]) {
        s.server
            .set(&format!("/metadata/{version}.root.json"), bytes.clone());
    }
    let mut config = s.config();
    config.bootstrap_root = Some(roots[0].clone());
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_root_version(&u), top);
    assert_eq!(root_requests(&s), [top - 2, top - 1, top]);
}

/// The new roots are written to the root history beside the walk (a helper thread, for a
/// directory), in order; a write that fails stops the writes and the walk, fails the refresh,
/// and leaves `root.json` at the newest root written, so that the cache never starts from a
/// root the history does not hold.
#[test]
fn a_root_that_cannot_be_persisted_fails_the_refresh_and_root_json_stays_behind_it() {
    let s = setup("root_ahead_write", 6);
    // v4 cannot be written: a directory that is not empty holds its name.
    std::fs::create_dir_all(s.c.cached("root_history/4.root.json/inside")).unwrap();
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.to_string().contains("4.root.json"), "{e}");
    // 4 is the directory in the way; nothing after it is written.
    assert_eq!(history(&s), [1, 2, 3, 4]);
    assert!(s.c.cached("root_history/4.root.json").is_dir());
    assert_eq!(
        s.c.read_cached("root.json").unwrap(),
        s.c.repo.sim().root_bytes(3)
    );
    // Once the way is clear, the next refresh goes on from there: 2 and 3 from the
    // history, 4 to 7 from the repository.
    std::fs::remove_dir_all(s.c.cached("root_history/4.root.json")).unwrap();
    let asked = |v: u64| s.server.requests(&format!("/metadata/{v}.root.json"));
    let before = [asked(2), asked(3)];
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    assert_eq!([asked(2), asked(3)], before);
    assert_eq!(trusted_root_version(&u), 7);
    assert_eq!(history(&s), (1..=7).collect::<Vec<_>>());
}
