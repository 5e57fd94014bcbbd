//! Progress reports for every transfer and cancellation through the progress callback: the
//! cancelled call fails with `ErrorKind::Cancelled`, the cache stays valid (nothing
//! unverified kept, no partial target), and the next call works. Over HTTP, a transfer
//! stalled on a silent server is cancelled within about a second, long before the slow
//! retrieval limits would end it.

mod common;

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http::{Behavior, TestServer};
use common::sim::Sim;
use common::sim_fetcher::{over_http, serve, Client};
use tuf::fetch::Progress;
use tuf::updater::{Updater, UpdaterConfig};
use tuf::ErrorKind;

type Seen = Arc<Mutex<Vec<(String, u64, u64)>>>;

/// A progress callback recording what it sees and cancelling the first transfer whose URL
/// contains `cancel_at` (if any).
fn recorder(cancel_at: Option<&'static str>) -> (Progress, Seen) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let progress = Progress(Arc::new(move |url: &str, received: u64, total: u64| {
        log.lock().unwrap().push((url.to_string(), received, total));
        match cancel_at {
            Some(pat) if url.contains(pat) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }));
    (progress, seen)
}

fn sim_with_target() -> Sim {
    let mut sim = Sim::new();
    sim.add_target("targets", "file.bin", &[7u8; 100_000]);
    sim.update_snapshot();
    sim
}

#[test]
fn progress_is_reported_for_metadata_and_targets() {
    let c = Client::new("progress-all", sim_with_target());
    let (progress, seen) = recorder(None);
    let mut config = c.bootstrap_config();
    config.progress = Some(progress);
    let mut u = c.updater_with(config);
    let info = u.get_target_info("file.bin").unwrap().unwrap();
    u.download_target(&info, None, None).unwrap();
    let seen = seen.lock().unwrap();
    for name in [
        "timestamp.json",
        "snapshot.json",
        "targets.json",
        "file.bin",
    ] {
        assert!(
            seen.iter().any(|(url, _, _)| url.ends_with(name)),
            "no progress for {name}: {seen:?}"
        );
    }
    // The target's reports end at its length, which is also their total.
    let last = seen
        .iter()
        .rev()
        .find(|(u, _, _)| u.ends_with("file.bin"))
        .unwrap();
    assert_eq!((last.1, last.2), (100_000, 100_000));
}

#[test]
fn cancelling_a_refresh_keeps_the_cache_valid() {
    let c = Client::new("cancel-refresh", sim_with_target());
    c.updater().refresh().unwrap();
    let snapshot_before = c.read_cached("snapshot.json").unwrap();
    c.repo.sim().publish_targets("targets");
    let (progress, _) = recorder(Some("snapshot.json"));
    let mut config = c.config();
    config.progress = Some(progress);
    let mut u = c.updater_with(config);
    let err = u.refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert!(err.url().unwrap().ends_with("snapshot.json"));
    // The new timestamp was verified and kept; the snapshot is the old, valid one.
    assert_eq!(c.read_cached("snapshot.json").unwrap(), snapshot_before);
    // Without cancelling, the next updater on the cache refreshes.
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(
        c.read_cached("snapshot.json").unwrap(),
        c.repo.sim().bytes("snapshot")
    );
}

#[test]
fn cancelling_a_download_leaves_no_file() {
    let c = Client::new("cancel-download", sim_with_target());
    let (progress, _) = recorder(Some("file.bin"));
    let mut config = c.bootstrap_config();
    config.progress = Some(progress);
    let mut u = c.updater_with(config);
    let info = u.get_target_info("file.bin").unwrap().unwrap();
    let err = u.download_target(&info, None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert!(
        Client::list(&c.targets_dir()).is_empty(),
        "{:?}",
        Client::list(&c.targets_dir())
    );
    let mut u = c.updater();
    let info = u.get_target_info("file.bin").unwrap().unwrap();
    u.download_target(&info, None, None).unwrap();
}

#[test]
fn a_stalled_http_transfer_is_cancelled_within_seconds() {
    let c = Client::new("cancel-stalled", sim_with_target());
    let server = TestServer::start();
    serve(&server, &c.repo.sim());
    server.set_behavior("/metadata/timestamp.json", Behavior::Silent);
    let started = Instant::now();
    let deadline = started + Duration::from_millis(1500);
    let progress = Progress(Arc::new(move |_url: &str, _received: u64, _total: u64| {
        if Instant::now() >= deadline {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }));
    let mut config: UpdaterConfig = over_http(c.bootstrap_config(), &server);
    config.progress = Some(progress);
    let mut u = Updater::new(config).unwrap();
    let err = u.refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    let took = started.elapsed();
    // The slow-retrieval limits (30 s) would have ended it much later.
    assert!(
        took < Duration::from_secs(10),
        "cancelled only after {took:?}"
    );
}
