//! Nothing waits forever: every transfer has an overall deadline (a server dripping bytes
//! just fast enough for the minimum-speed check no longer holds a client for days), waiting
//! for the cache lock is bounded, and the lock is not held while an updater waits on the
//! network, so one stalled mirror does not block every process sharing the cache.
//!
//! Tests that would block without these limits run on a thread and fail after 30 s instead
//! of hanging.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::http::{Behavior, TestServer};
use common::sim::Sim;
use common::sim_fetcher::{serve, Client, SimFetcher};
use tuf::fetch::{fetch_bytes, CurlFetcher, Fetcher, FetcherConfig, DEFAULT_TIMEOUT};
use tuf::updater::{Updater, DEFAULT_LOCK_TIMEOUT};
use tuf::ErrorKind;

const TARGET: &str = "dir/file.txt";

fn sim() -> Sim {
    let mut sim = Sim::with_delegated_target("role1", TARGET, b"hello from role1");
    sim.update_snapshot();
    sim
}

/// Runs `f` on its own thread; fails if it has not returned after 30 s.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still blocked after 30 s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

/// Holds the cache lock of `c` as another process would (`flock` on its own open file).
fn hold_lock(c: &Client) -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(c.cached(".lock"))
        .unwrap();
    file.lock().unwrap();
    file
}

#[track_caller]
fn assert_lock_timeout<T: std::fmt::Debug>(r: tuf::Result<T>) {
    let err = r.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(".lock") && msg.contains("lock timeout"),
        "{msg}"
    );
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    assert_eq!(source, Some(std::io::ErrorKind::TimedOut), "{err:?}");
}

#[track_caller]
fn assert_past_deadline<T: std::fmt::Debug>(r: tuf::Result<T>) {
    let err = r.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SlowRetrieval, "{err}");
}

// ---- the deadline of a transfer --------------------------------------------------------------

/// A server's drip: one byte every 50 ms, 20 bytes/s, above the minimum speed of
/// [`dripping_config`]; the test server gives up after 4 s.
const DRIP: Duration = Duration::from_millis(50);

/// A minimum speed the drip passes (10 bytes/s over 1 s) and a deadline of 1 s.
fn dripping_config() -> FetcherConfig {
    FetcherConfig {
        low_speed_limit: 10,
        low_speed_time: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(1),
        ..FetcherConfig::default()
    }
}

#[test]
fn the_deadline_is_on_by_default() {
    assert_eq!(FetcherConfig::default().timeout, DEFAULT_TIMEOUT);
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(3600));
}

#[test]
fn a_transfer_dripping_above_the_minimum_speed_ends_at_the_deadline() {
    // Without a deadline it would go on until the body is complete (50 s here; days for a
    // large target) or, here, until the test server gives up (a Download error).
    let server = TestServer::start();
    server.set("/drip", vec![b'd'; 1000]);
    server.set_behavior("/drip", Behavior::Drip(DRIP));
    let mut f = CurlFetcher::new(dripping_config()).unwrap();
    assert_past_deadline(fetch_bytes(&mut f, &server.url("/drip"), 1000));
    // The handle is still usable afterwards.
    server.set("/ok", b"fine".to_vec());
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/ok"), 10).unwrap(),
        b"fine"
    );
}

#[test]
fn a_refresh_from_a_dripping_server_ends_at_the_deadline() {
    let server = TestServer::start();
    let c = Client::new("drip-refresh", sim());
    serve(&server, &c.repo.sim());
    server.set_behavior("/metadata/timestamp.json", Behavior::Drip(DRIP));
    let mut config = c.bootstrap_config();
    config.metadata_base_url = server.url("/metadata");
    config.fetcher = dripping_config();
    let mut u = Updater::new(config).unwrap();
    assert_past_deadline(u.refresh());
    assert!(c.read_cached("timestamp.json").is_none());
}

/// A custom fetcher that serves the simulator's files `chunk` bytes every `pause`.
struct SlowFetcher {
    inner: SimFetcher,
    chunk: usize,
    pause: Duration,
}

impl Fetcher for SlowFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> tuf::Result<()>,
    ) -> tuf::Result<()> {
        let body = fetch_bytes(&mut self.inner, url, max_length)?;
        for piece in body.chunks(self.chunk) {
            std::thread::sleep(self.pause);
            sink(piece)?;
        }
        Ok(())
    }
}

#[test]
fn the_deadline_applies_to_a_custom_fetcher_too() {
    // Timestamp, snapshot and targets of several hundred bytes each, 64 bytes every 20 ms:
    // each takes longer than a deadline of 100 ms, and the whole refresh about a second.
    let c = Client::new("slow-custom", sim());
    let slow = |timeout| {
        let mut config = c.bootstrap_config();
        config.fetcher.timeout = timeout;
        let f = SlowFetcher {
            inner: c.repo.clone(),
            chunk: 64,
            pause: Duration::from_millis(20),
        };
        Updater::with_fetcher(config, Box::new(f)).unwrap()
    };
    let mut u = slow(Duration::from_millis(100));
    assert_past_deadline(within(
        "a refresh through a slow custom fetcher",
        move || u.refresh(),
    ));
    assert!(c.read_cached("timestamp.json").is_none());
    // Zero: no deadline.
    slow(Duration::ZERO).refresh().unwrap();
}

// ---- the cache lock ------------------------------------------------------------------------------

#[test]
fn waiting_for_a_held_lock_ends_with_a_clear_error() {
    assert_eq!(DEFAULT_LOCK_TIMEOUT, Duration::from_secs(60));
    let c = Client::new("lock-held", sim());
    c.updater().refresh().unwrap();
    let mut config = c.config();
    config.lock_timeout = Duration::from_millis(300);
    let mut u = c.updater_with(config.clone());
    let held = hold_lock(&c);
    // A refresh (it writes the new timestamp) and a new updater (it persists its root).
    c.repo.sim().update_timestamp();
    let repo = c.repo.clone();
    let (mut u, r) = within("refresh while another holds the lock", move || {
        let r = u.refresh();
        let made = Updater::with_fetcher(config, Box::new(repo));
        assert_lock_timeout(made);
        (u, r)
    });
    assert_lock_timeout(r);
    // Zero: no wait at all.
    let mut config = c.config();
    config.lock_timeout = Duration::ZERO;
    let repo = c.repo.clone();
    within("an updater with no lock wait", move || {
        assert_lock_timeout(Updater::with_fetcher(config, Box::new(repo)));
    });
    drop(held);
    u.refresh().unwrap();
}

/// A fetcher that stops in the fetch of a URL ending with `path` until released. With
/// `answer_first`, it fetches the response before it stops and delivers it after: what the
/// repository served when the request arrived.
struct Stalling {
    inner: SimFetcher,
    path: &'static str,
    answer_first: bool,
    stalled: mpsc::Sender<()>,
    release: mpsc::Receiver<()>,
}

impl Stalling {
    /// A stalling fetcher over `c`'s repository, the sender that releases it, and the
    /// receiver that hears when it stalls.
    fn new(
        c: &Client,
        path: &'static str,
        answer_first: bool,
    ) -> (Stalling, mpsc::Sender<()>, mpsc::Receiver<()>) {
        let (stalled, stalled_rx) = mpsc::channel();
        let (release, release_rx) = mpsc::channel();
        let f = Stalling {
            inner: c.repo.clone(),
            path,
            answer_first,
            stalled,
            release: release_rx,
        };
        (f, release, stalled_rx)
    }
}

impl Fetcher for Stalling {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> tuf::Result<()>,
    ) -> tuf::Result<()> {
        if !url.ends_with(self.path) {
            return self.inner.fetch(url, max_length, sink);
        }
        let answer = self
            .answer_first
            .then(|| tuf::fetch::fetch_bytes(&mut self.inner, url, max_length));
        let _ = self.stalled.send(());
        let _ = self.release.recv();
        match answer {
            Some(bytes) => sink(&bytes?),
            None => self.inner.fetch(url, max_length, sink),
        }
    }
}

#[test]
fn an_updater_stalled_on_the_network_does_not_block_others_sharing_the_cache() {
    // Stalled in refresh (timestamp) and in a target lookup (the delegated role).
    for (path, lookup) in [("timestamp.json", false), ("role1.json", true)] {
        let c = Client::new("stalled", sim());
        c.updater().refresh().unwrap();
        c.repo.sim().publish_targets("role1");
        let (fetcher, release, stalled) = Stalling::new(&c, path, false);
        let mut a = Updater::with_fetcher(c.config(), Box::new(fetcher)).unwrap();
        let a_thread = std::thread::spawn(move || {
            if lookup {
                a.get_target_info(TARGET).map(|_| ())
            } else {
                a.refresh()
            }
        });
        stalled.recv_timeout(Duration::from_secs(30)).unwrap();
        // Another updater on the same cache refreshes and looks up the target meanwhile.
        let (repo, config) = (c.repo.clone(), c.config());
        let (done_tx, done) = mpsc::channel();
        let b_thread = std::thread::spawn(move || {
            let r = Updater::with_fetcher(config, Box::new(repo))
                .and_then(|mut b| b.get_target_info(TARGET))
                .map(|i| i.is_some());
            let _ = done_tx.send(());
            r
        });
        let b_finished = done.recv_timeout(Duration::from_secs(30)).is_ok();
        release.send(()).unwrap();
        assert!(
            b_finished,
            "{path}: blocked by an updater waiting on the network"
        );
        assert!(b_thread.join().unwrap().unwrap(), "{path}");
        a_thread.join().unwrap().unwrap();
        // Both stored what they verified; the cache holds the newer role.
        assert_eq!(
            c.read_cached("role1.json").unwrap(),
            c.repo.sim().bytes("role1"),
            "{path}"
        );
    }
}

#[test]
fn an_updater_that_fetched_earlier_does_not_roll_back_what_another_cached_since() {
    // A fetches timestamp v2 (or snapshot v2) and is delayed; meanwhile the repository
    // publishes v3 and B caches it. A then verifies its v2 against what it trusted and stores
    // it, but the cache keeps v3: it is the rollback baseline of the next refresh.
    for (path, role) in [
        ("timestamp.json", "timestamp"),
        ("snapshot.json", "snapshot"),
    ] {
        let c = Client::new("no-rollback", sim());
        c.updater().refresh().unwrap();
        c.repo.sim().publish_targets("role1");
        let (fetcher, release, stalled) = Stalling::new(&c, path, true);
        let mut a = Updater::with_fetcher(c.config(), Box::new(fetcher)).unwrap();
        let a_thread = std::thread::spawn(move || a.refresh());
        stalled.recv_timeout(Duration::from_secs(30)).unwrap();
        c.repo.sim().publish_targets("role1");
        c.updater().refresh().unwrap();
        let newer = c.read_cached(&format!("{role}.json")).unwrap();
        release.send(()).unwrap();
        // After a delayed timestamp, A then fails to fetch the snapshot it lists: the
        // simulated repository serves only the newest one.
        let r = a_thread.join().unwrap();
        assert!(role == "timestamp" || r.is_ok(), "{role}: {r:?}");
        assert_eq!(
            c.read_cached(&format!("{role}.json")).unwrap(),
            newer,
            "{role}: the cache went back"
        );
        // A newer file that the trusted keys did not sign is no reason to keep it.
        let mut forged = tuf::metadata::Metadata::<tuf::metadata::Timestamp>::from_bytes(
            &c.read_cached("timestamp.json").unwrap(),
        )
        .unwrap();
        forged.signed.version += 100;
        std::fs::write(c.cached("timestamp.json"), forged.to_bytes()).unwrap();
        c.repo.sim().update_timestamp();
        c.updater().refresh().unwrap();
        assert_eq!(
            c.read_cached("timestamp.json").unwrap(),
            c.repo.sim().bytes("timestamp")
        );
    }
}
