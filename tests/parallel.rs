//! Parallel target downloads ([`Updater::download_targets`]) against a real HTTP server:
//! every target verified and in place, at most `max_connections` connections and requests at
//! once (the server delays every response so that they overlap), one result per target with
//! a failing one failing alone, cancellation, targets already present skipped, redirects and
//! limits kept per transfer, resuming, and a custom fetcher downloading one after the other.

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::http::Behavior;
use common::sim::Sim;
use common::sim_fetcher::{Client, Served};
use tuf::crypto::{hash, hex};
use tuf::fetch::Progress;
use tuf::updater::{TargetInfo, Updater};
use tuf::ErrorKind;

const TARGETS: usize = 9;

fn data(i: usize) -> Vec<u8> {
    (0..20_000 + i * 1000).map(|j| (j * 7 + i) as u8).collect()
}

fn name(i: usize) -> String {
    format!("t{i}.bin")
}

/// The repository of the tests, served over HTTP.
struct Setup(Served);

impl std::ops::Deref for Setup {
    type Target = Served;
    fn deref(&self) -> &Served {
        &self.0
    }
}

impl Setup {
    fn new(test: &str) -> Setup {
        let mut sim = Sim::new();
        for i in 0..TARGETS {
            sim.add_target("targets", &name(i), &data(i));
        }
        sim.update_snapshot();
        Setup(Served::new(test, sim))
    }

    fn infos(&self, u: &mut Updater) -> Vec<TargetInfo> {
        (0..TARGETS)
            .map(|i| u.get_target_info(&name(i)).unwrap().unwrap())
            .collect()
    }

    /// The request path of target `i`.
    fn path(&self, i: usize) -> String {
        let digest = hex::encode(&hash::sha256(&data(i)));
        format!("/targets/{digest}.{}", name(i))
    }

    fn target_requests(&self) -> usize {
        (0..TARGETS)
            .map(|i| self.server.requests(&self.path(i)))
            .sum()
    }
}

/// Nothing but verified targets in the targets directory: no partial or temporary file.
#[track_caller]
fn assert_no_hidden_files(s: &Setup) {
    let hidden: Vec<String> = Client::list(&s.c.targets_dir())
        .into_iter()
        .filter(|f| f.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn every_target_is_downloaded_over_at_most_max_connections() {
    let s = Setup::new("parallel-all");
    let mut config = s.config();
    config.max_connections = 3;
    let mut u = Updater::new(config).unwrap();
    let infos = s.infos(&mut u);
    s.server.set_delay(Duration::from_millis(150));
    let before = s.server.connections();
    let results = u.download_targets(&infos, None, None);
    assert_eq!(results.len(), TARGETS);
    for (i, r) in results.iter().enumerate() {
        let path = r.as_ref().unwrap();
        assert_eq!(*path, s.c.targets_dir().join(name(i)));
        assert_eq!(std::fs::read(path).unwrap(), data(i), "{i}");
    }
    assert_eq!(s.target_requests(), TARGETS);
    // Requests overlapped, never more than three at once.
    let at_once = s.server.max_concurrent_requests();
    assert!((2..=3).contains(&at_once), "{at_once}");
    assert!(
        s.server.max_open_connections() <= 3 + 1,
        "{}",
        s.server.max_open_connections()
    );
    assert!(s.server.connections() - before <= 3);
    assert_no_hidden_files(&s);
}

#[test]
fn one_failing_target_fails_alone() {
    let s = Setup::new("parallel-one-fails");
    let mut u = Updater::new(s.config()).unwrap();
    let infos = s.infos(&mut u);
    s.server.set_behavior(&s.path(4), Behavior::Status(404));
    // Target 6's server bytes are too long: the transfer stops at the length.
    let mut long = data(6);
    long.extend_from_slice(&[0u8; 5000]);
    s.server.set(&s.path(6), long);
    let results = u.download_targets(&infos, None, None);
    for (i, r) in results.iter().enumerate() {
        match i {
            4 => {
                let err = r.as_ref().unwrap_err();
                assert_eq!(err.http_status(), Some(404), "{err}");
            }
            6 => {
                let err = r.as_ref().unwrap_err();
                assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{err}");
            }
            _ => assert_eq!(std::fs::read(r.as_ref().unwrap()).unwrap(), data(i)),
        }
    }
    assert!(!s.c.targets_dir().join(name(4)).exists());
    assert!(!s.c.targets_dir().join(name(6)).exists());
    // Nothing unverified stays: not even a partial file of the overlong one.
    assert_no_hidden_files(&s);
}

#[test]
fn targets_already_there_are_not_downloaded_again() {
    let s = Setup::new("parallel-present");
    let mut u = Updater::new(s.config()).unwrap();
    let infos = s.infos(&mut u);
    u.download_target(&infos[2], None, None).unwrap();
    s.server.reset_counts();
    let results = u.download_targets(&infos, None, None);
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(s.server.requests(&s.path(2)), 0);
    assert_eq!(s.target_requests(), TARGETS - 1);
    s.server.reset_counts();
    let again = u.download_targets(&infos, None, None);
    assert!(again.iter().all(|r| r.is_ok()));
    assert_eq!(s.target_requests(), 0);
}

#[test]
fn a_target_dir_given_per_call_is_used() {
    let s = Setup::new("parallel-dir");
    let mut u = Updater::new(s.config()).unwrap();
    let infos = s.infos(&mut u);
    let dir = s.c.dir.path().join("elsewhere");
    let results = u.download_targets(&infos, Some(&dir), Some(&s.server.url("/targets/")));
    for (i, r) in results.iter().enumerate() {
        assert_eq!(*r.as_ref().unwrap(), dir.join(name(i)));
    }
    assert!(Client::list(&s.c.targets_dir()).is_empty());
}

#[test]
fn cancelling_stops_every_transfer_still_running_or_waiting() {
    let s = Setup::new("parallel-cancel");
    let mut config = s.config();
    config.max_connections = 2;
    let reports = Arc::new(AtomicUsize::new(0));
    let count = reports.clone();
    config.progress = Some(Progress(Arc::new(move |url: &str, _, _| {
        if url.contains("/targets/") && url.ends_with("t5.bin") {
            count.fetch_add(1, Ordering::SeqCst);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })));
    let mut u = Updater::new(config).unwrap();
    let infos = s.infos(&mut u);
    s.server.set_delay(Duration::from_millis(100));
    let results = u.download_targets(&infos, None, None);
    assert!(reports.load(Ordering::SeqCst) >= 1);
    let mut cancelled = 0;
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(path) => assert_eq!(std::fs::read(path).unwrap(), data(i)),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
                assert!(!s.c.targets_dir().join(name(i)).exists());
                cancelled += 1;
            }
        }
    }
    // Target 5 and the ones after it were cancelled.
    assert!(results[5].is_err());
    assert!(cancelled >= TARGETS - 5, "{cancelled}");
}

#[test]
fn redirects_keep_their_rules_in_parallel() {
    let s = Setup::new("parallel-redirects");
    let mut config = s.config();
    config.fetcher.headers = vec![("X-Token".into(), "secret".into())];
    let mut u = Updater::new(config).unwrap();
    let infos = s.infos(&mut u);
    // Target 1 moves to another origin (same server, host name localhost), target 2 to a
    // local file.
    s.server.set("/moved/t1", data(1));
    s.server.set_behavior(
        &s.path(1),
        Behavior::Redirect(s.server.localhost_url("/moved/t1")),
    );
    s.server
        .set_behavior(&s.path(2), Behavior::Redirect("file:///etc/passwd".into()));
    let results = u.download_targets(&infos, None, None);
    assert_eq!(
        std::fs::read(results[1].as_ref().unwrap()).unwrap(),
        data(1)
    );
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err}");
    assert!(err.to_string().contains("refused"), "{err}");
    assert_eq!(
        s.server.header_values(&s.path(1), "X-Token"),
        [Some("secret".to_string())]
    );
    assert_eq!(s.server.header_values("/moved/t1", "X-Token"), [None]);
    assert!(results.iter().enumerate().all(|(i, r)| i == 2 || r.is_ok()));
}

#[test]
fn interrupted_parallel_downloads_resume() {
    let s = Setup::new("parallel-resume");
    let mut u = Updater::new(s.config()).unwrap();
    let infos = s.infos(&mut u);
    for i in [0, 3] {
        s.server.set_behavior(
            &s.path(i),
            Behavior::CutAfter {
                bytes: 5000,
                times: 1,
            },
        );
    }
    let results = u.download_targets(&infos, None, None);
    for i in [0, 3] {
        assert_eq!(results[i].as_ref().unwrap_err().kind(), ErrorKind::Download);
        let partial = u.partial_path(&infos[i], None).unwrap();
        assert_eq!(std::fs::read(partial).unwrap(), &data(i)[..5000]);
    }
    let results = u.download_targets(&infos, None, None);
    assert!(results.iter().all(|r| r.is_ok()));
    for i in [0, 3] {
        assert_eq!(
            s.server.header_values(&s.path(i), "Range"),
            [None, Some("bytes=5000-".to_string())]
        );
        assert_eq!(
            std::fs::read(s.c.targets_dir().join(name(i))).unwrap(),
            data(i)
        );
    }
}

#[test]
fn transient_failures_are_retried_on_their_own() {
    let s = Setup::new("parallel-retries");
    let mut config = s.config();
    config.retry.retries = 2;
    config.retry.backoff = Duration::from_millis(10);
    let mut u = Updater::new(config).unwrap();
    let infos = s.infos(&mut u);
    s.server.set_behavior(
        &s.path(7),
        Behavior::FailTimes {
            status: 503,
            times: 2,
        },
    );
    let results = u.download_targets(&infos, None, None);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!(s.server.requests(&s.path(7)), 3);
}

#[test]
fn a_custom_fetcher_downloads_one_after_the_other() {
    let s = Setup::new("parallel-custom");
    let mut u = s.c.updater();
    let infos = s.infos(&mut u);
    let results = u.download_targets(&infos, None, None);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(std::fs::read(r.as_ref().unwrap()).unwrap(), data(i));
    }
    assert_eq!(s.c.repo.targets_log().len(), TARGETS);
}
