//! The timestamp fetched with the first root request of a refresh (5.3.3 and 5.4 together,
//! `src/updater/root_ahead.rs`), against a real HTTP/1.1 server: both go over one connection,
//! the timestamp asked for as soon as the root's answer came; a refresh that finds no new root
//! fetches the timestamp once; after a new root, the timestamp is fetched again; one that does
//! not verify, or has expired, ends the refresh after one request, as a 404 or a cancellation
//! does; another failed transfer is made again alone; a custom fetcher asks for one file at a
//! time.

mod common;

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use common::http::Behavior;
use common::sim::{past, Sim};
use common::sim_fetcher::{Client, Served};
use tuf::fetch::Progress;
use tuf::updater::Updater;
use tuf::ErrorKind;

const TIMESTAMP: &str = "/metadata/timestamp.json";

/// A repository with root versions 1 to `1 + rotations` and timestamp v2, served over HTTP,
/// and the bytes of its timestamp v1 (valid, but not the newest).
fn setup(test: &str, rotations: usize) -> (Served, Vec<u8>) {
    let mut sim = Sim::new();
    let timestamp_v1 = sim.bytes("timestamp");
    for _ in 0..rotations {
        sim.rotate_root(|_| {}, &[]);
    }
    sim.update_timestamp();
    (Served::new(test, sim), timestamp_v1)
}

fn trusted_timestamp_version(u: &Updater) -> u64 {
    u.trusted_set().timestamp().unwrap().version
}

/// Where `path` is in the server's request log, first and last.
fn positions(s: &Served, path: &str) -> (usize, usize) {
    let log = s.server.request_log();
    let first = log.iter().position(|p| p == path).unwrap();
    let last = log.iter().rposition(|p| p == path).unwrap();
    (first, last)
}

#[test]
fn without_a_new_root_the_timestamp_comes_with_the_root_request_on_its_connection() {
    let (s, _) = setup("ts_ahead_none", 0);
    // Each answer takes 50 ms: a second connection would be opened for the timestamp if the
    // two requests did not share one.
    s.server.set_delay(Duration::from_millis(50));
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_timestamp_version(&u), 2);
    assert_eq!(s.server.requests(TIMESTAMP), 1);
    assert_eq!(s.server.requests("/metadata/2.root.json"), 1);
    let log = s.server.request_log();
    assert_eq!(log[..2], ["/metadata/2.root.json", TIMESTAMP], "{log:?}");
    assert_eq!(s.server.max_concurrent_requests(), 1);
    assert_eq!(s.server.connections(), 1);
    assert_eq!(
        s.c.read_cached("timestamp.json").unwrap(),
        s.c.repo.sim().bytes("timestamp")
    );
}

#[test]
fn after_a_new_root_the_timestamp_is_fetched_again() {
    // The first timestamp request gets v1, as if the repository had published root v2 and
    // timestamp v2 just after it: v1 still verifies with the unchanged keys, but it was
    // fetched before the new root and is not used.
    let (s, timestamp_v1) = setup("ts_ahead_new_root", 2);
    s.server.set_behavior(
        TIMESTAMP,
        Behavior::ServeFirst {
            bytes: timestamp_v1,
            times: 1,
        },
    );
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    assert_eq!(trusted_timestamp_version(&u), 2);
    assert_eq!(s.server.requests(TIMESTAMP), 2);
    // The timestamp used was asked for after the last root.
    let (_, last_timestamp) = positions(&s, TIMESTAMP);
    let (_, last_root) = positions(&s, "/metadata/4.root.json");
    assert!(last_timestamp > last_root, "{:?}", s.server.request_log());
}

#[test]
fn a_timestamp_that_does_not_verify_ends_the_refresh_after_one_request() {
    // 5.4.1: a signature byte changed. Not asked for again: a verification failure is final.
    let (s, _) = setup("ts_ahead_bad", 0);
    let bad = common::with_signature_broken(&s.c.repo.sim().bytes("timestamp"));
    s.server.set(TIMESTAMP, bad);
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadSignature, "{e}");
    assert_eq!(s.server.requests(TIMESTAMP), 1);
    assert!(s.c.read_cached("timestamp.json").is_none());

    // 5.4.3.1: older than the cached one, which was read before the request was sent.
    let (s, timestamp_v1) = setup("ts_ahead_older", 0);
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    s.server.reset_counts();
    s.server.set(TIMESTAMP, timestamp_v1);
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadVersion, "{e}");
    assert_eq!(s.server.requests(TIMESTAMP), 1);
    assert_eq!(
        s.c.read_cached("timestamp.json").unwrap(),
        s.c.repo.sim().bytes("timestamp")
    );
}

#[test]
fn an_expired_timestamp_ends_the_refresh() {
    // 5.4.4: not fetched again (it is a rollback baseline now, as when fetched alone).
    let (s, _) = setup("ts_ahead_expired", 0);
    let expired = {
        let sim = s.c.repo.sim();
        let mut md = sim.timestamp.clone();
        md.signed.expires = past();
        sim.signed_bytes("timestamp", &md)
    };
    s.server.set(TIMESTAMP, expired);
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Expired, "{e}");
    assert_eq!(s.server.requests(TIMESTAMP), 1);
}

#[test]
fn a_failed_timestamp_transfer_is_made_again_alone_but_404_ends_the_refresh() {
    let (s, _) = setup("ts_ahead_404", 0);
    s.server.set_behavior(TIMESTAMP, Behavior::Status(404));
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Download, "{e}");
    assert_eq!(e.http_status(), Some(404), "{e}");
    assert_eq!(s.server.requests(TIMESTAMP), 1);

    // Any other failure: made again alone (no retries configured).
    let (s, _) = setup("ts_ahead_503", 0);
    s.server.set_behavior(
        TIMESTAMP,
        Behavior::FailTimes {
            status: 503,
            times: 1,
        },
    );
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_timestamp_version(&u), 2);
    assert_eq!(s.server.requests(TIMESTAMP), 2);

    // Failing again alone: that failure is the refresh's.
    let (s, _) = setup("ts_ahead_503_twice", 0);
    s.server.set_behavior(TIMESTAMP, Behavior::Status(503));
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.http_status(), Some(503), "{e}");
    assert_eq!(s.server.requests(TIMESTAMP), 2);

    // Alone, with the retry policy.
    let (s, _) = setup("ts_ahead_503_retry", 0);
    s.server.set_behavior(
        TIMESTAMP,
        Behavior::FailTimes {
            status: 503,
            times: 2,
        },
    );
    let mut config = s.config();
    config.retry.retries = 1;
    config.retry.backoff = Duration::from_millis(10);
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    assert_eq!(trusted_timestamp_version(&u), 2);
    assert_eq!(s.server.requests(TIMESTAMP), 3);
}

#[test]
fn cancelling_the_timestamp_transfer_stops_the_refresh() {
    let (s, _) = setup("ts_ahead_cancel", 0);
    let mut config = s.config();
    config.progress = Some(Progress(Arc::new(|url: &str, _: u64, _: u64| {
        if url.ends_with("/timestamp.json") {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })));
    let mut u = Updater::new(config).unwrap();
    let e = u.refresh().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
    assert!(s.c.read_cached("timestamp.json").is_none());
}

#[test]
fn a_custom_fetcher_is_asked_for_the_root_then_the_timestamp() {
    let c = Client::new("ts_ahead_custom", Sim::new());
    let mut u = c.updater();
    u.refresh().unwrap();
    let log = c.repo.metadata_log();
    assert_eq!(log[..2], ["2.root.json", "timestamp.json"], "{log:?}");
    assert_eq!(log.iter().filter(|p| *p == "timestamp.json").count(), 1);
}
