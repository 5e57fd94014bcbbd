//! Looking up many targets at once ([`Updater::get_target_infos`]) against a real HTTP
//! server: the same answers as one lookup after the other, in order; the delegated roles the
//! lookups need fetched ahead, several at once (the server delays every response so that
//! they overlap) and each once, each verified and cached as soon as its own transfer ends; a
//! role that fails verification ahead neither trusted nor cached, its lookup reporting why
//! (5.6.3); every callback on the calling thread, though roles are verified on another;
//! the connections of the refresh used again by the lookups and the downloads after them;
//! cancellation; a failed refresh; a custom fetcher.

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::http::Behavior;
use common::sim::Sim;
use common::sim_fetcher::Served;
use tuf::fetch::Progress;
use tuf::metadata::PathSpec;
use tuf::updater::{LogLevel, Logger, Updater};
use tuf::ErrorKind;

/// Delegated roles `r0`..`r5` of `targets`, role `r{i}` trusted for `r{i}/*`.
const ROLES: usize = 6;

/// The lookups of the tests, with the role that lists each (`None`: not found).
fn lookups() -> Vec<(&'static str, Option<&'static str>)> {
    vec![
        ("r0/file", Some("r0")),
        ("top.txt", Some("targets")),
        ("r1/file", Some("r1")),
        ("r0/deep/file", Some("deep")),
        ("r1/missing", None),
        ("r2/file", Some("r2")),
        ("nowhere/file", None),
        ("r3/file", Some("r3")),
        ("r4/file", Some("r4")),
        ("r5/file", Some("r5")),
    ]
}

fn paths() -> Vec<&'static str> {
    lookups().into_iter().map(|(p, _)| p).collect()
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
    /// The repository: `top.txt` in `targets`; `r{i}/file` in role `r{i}`; `r0` delegating
    /// `r0/deep/*` to `deep`, which lists `r0/deep/file`.
    fn new(test: &str) -> Setup {
        let mut sim = Sim::new();
        sim.add_target("targets", "top.txt", b"top");
        for i in 0..ROLES {
            let role = format!("r{i}");
            sim.add_delegation(
                "targets",
                &role,
                PathSpec::Paths(vec![format!("{role}/*"), format!("{role}/deep/*")]),
                false,
            );
            sim.add_target(&role, &format!("{role}/file"), role.as_bytes());
        }
        sim.add_delegation(
            "r0",
            "deep",
            PathSpec::Paths(vec!["r0/deep/*".into()]),
            false,
        );
        sim.add_target("deep", "r0/deep/file", b"deep");
        sim.update_snapshot();
        Setup(Served::new(test, sim))
    }

    /// The requests of delegated role `role`'s metadata.
    fn role_requests(&self, role: &str) -> usize {
        self.server.requests(&format!("/metadata/1.{role}.json"))
    }
}

/// Each result is the target's info from the role that lists it, or `None`, in order.
#[track_caller]
fn assert_answers(results: &[tuf::Result<Option<tuf::updater::TargetInfo>>]) {
    let expected = lookups();
    assert_eq!(results.len(), expected.len());
    for (r, (path, role)) in results.iter().zip(expected) {
        let found = r.as_ref().unwrap_or_else(|e| panic!("{path}: {e}"));
        match (found, role) {
            (Some(info), Some(role)) => {
                assert_eq!(info.path, path);
                assert_eq!(info.role, role, "{path}");
            }
            (None, None) => {}
            (found, role) => panic!("{path}: found {found:?}, expected in {role:?}"),
        }
    }
}

#[test]
fn finds_every_target_in_order_fetching_the_roles_ahead_at_once() {
    let s = Setup::new("lookup_many_ahead");
    let mut config = s.config();
    config.max_connections = 3;
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    s.server.set_delay(Duration::from_millis(100));
    let results = u.get_target_infos(&paths()).unwrap();
    assert_answers(&results);
    // Every role fetched once, although r0 is on the way to two lookups and r1 to two.
    for i in 0..ROLES {
        assert_eq!(s.role_requests(&format!("r{i}")), 1, "r{i}");
    }
    assert_eq!(s.role_requests("deep"), 1);
    // The transfers overlapped, never more than three at once.
    let at_once = s.server.max_concurrent_requests();
    assert!((2..=3).contains(&at_once), "{at_once}");
    // Verified roles are cached: a new updater finds them without the network.
    for role in ["r0", "r5", "deep"] {
        assert!(s.c.read_cached(&format!("{role}.json")).is_some(), "{role}");
    }
}

#[test]
fn each_role_is_verified_and_cached_as_soon_as_its_transfer_ends() {
    let s = Setup::new("lookup_many_each");
    // r5's metadata arrives one byte every 5 ms; the other roles at once.
    s.server.set_behavior(
        "/metadata/1.r5.json",
        Behavior::Drip(Duration::from_millis(5)),
    );
    let mut config = s.config();
    config.max_connections = 6;
    let dir = s.c.metadata_dir();
    let seen = Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    config.progress = Some(Progress(Arc::new(
        move |url: &str, position: u64, _: u64| {
            if !url.ends_with("/1.r5.json") || position < 20 {
                return ControlFlow::Continue(());
            }
            // r5 is still arriving: the others were verified and cached meanwhile.
            let cached: Vec<bool> = (0..5)
                .map(|i| dir.join(format!("r{i}.json")).exists())
                .collect();
            record.lock().unwrap().get_or_insert(cached);
            ControlFlow::Break(())
        },
    )));
    let mut u = Updater::new(config).unwrap();
    let results = u.get_target_infos(&paths()).unwrap();
    assert_eq!(*seen.lock().unwrap(), Some(vec![true; 5]));
    for (r, (path, role)) in results.iter().zip(lookups()) {
        match role {
            // deep was to be fetched in the next round, which the cancellation stopped.
            Some("r5") | Some("deep") => {
                assert_eq!(
                    r.as_ref().unwrap_err().kind(),
                    ErrorKind::Cancelled,
                    "{path}"
                )
            }
            _ => assert_eq!(
                r.as_ref().unwrap().as_ref().map(|i| i.role.as_str()),
                role,
                "{path}"
            ),
        }
    }
}

#[test]
fn answers_as_one_lookup_after_the_other_does() {
    let s = Setup::new("lookup_many_same");
    let mut one = Updater::new(s.config()).unwrap();
    let single: Vec<_> = paths()
        .iter()
        .map(|p| one.get_target_info(p).unwrap())
        .collect();
    std::fs::remove_dir_all(s.c.metadata_dir()).unwrap();
    let mut many = Updater::new(s.config()).unwrap();
    let results = many.get_target_infos(&paths()).unwrap();
    assert_answers(&results);
    for (a, b) in single.iter().zip(&results) {
        let b = b.as_ref().unwrap();
        assert_eq!(
            a.as_ref().map(|i| (&i.path, &i.role, &i.target)),
            b.as_ref().map(|i| (&i.path, &i.role, &i.target))
        );
    }
}

#[test]
fn refreshes_first_when_needed() {
    let s = Setup::new("lookup_many_refresh");
    let mut u = Updater::new(s.config()).unwrap();
    assert_answers(&u.get_target_infos(&paths()).unwrap());
    assert_eq!(s.server.requests("/metadata/timestamp.json"), 1);
}

#[test]
fn a_role_that_fails_verification_ahead_is_neither_trusted_nor_cached() {
    let s = Setup::new("lookup_many_bad_role");
    // r2's metadata signed by r3's key instead: it fails 5.6.3.
    let wrong = s.c.repo.sim().bytes("r3");
    s.server.set("/metadata/1.r2.json", wrong);
    let mut u = Updater::new(s.config()).unwrap();
    let results = u.get_target_infos(&paths()).unwrap();
    for (r, (path, role)) in results.iter().zip(lookups()) {
        if path == "r2/file" {
            let e = r.as_ref().unwrap_err();
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::BadSignature | ErrorKind::InvalidMetadata | ErrorKind::BadVersion
                ),
                "{e}"
            );
        } else {
            let found = r.as_ref().unwrap();
            assert_eq!(found.as_ref().map(|i| i.role.as_str()), role, "{path}");
        }
    }
    assert!(s.c.read_cached("r2.json").is_none());
    // Its lookup fetched it again, on its own, to say why it failed.
    assert_eq!(s.role_requests("r2"), 2);
}

#[test]
fn a_round_of_many_roles_verified_side_by_side_gives_each_lookup_its_own_answer() {
    // 48 roles in one round: verified by several threads at once (as many as the cores
    // allow, up to four), their results coming back in any order. Every fifth role is
    // signed by the next one's key (5.6.3 fails).
    const MANY: usize = 48;
    let mut sim = Sim::new();
    sim.add_path_roles("m", MANY);
    sim.update_snapshot();
    let s = Served::new("lookup_many_side_by_side", sim);
    let bad = |i: usize| i % 5 == 2;
    for i in (0..MANY).filter(|&i| bad(i)) {
        let wrong = s.c.repo.sim().bytes(&format!("m{}", (i + 1) % MANY));
        s.server.set(&format!("/metadata/1.m{i}.json"), wrong);
    }
    let paths: Vec<String> = (0..MANY).map(|i| format!("m{i}/file")).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let mut u = Updater::new(s.config()).unwrap();
    let results = u.get_target_infos(&paths).unwrap();
    assert_eq!(results.len(), MANY);
    for (i, r) in results.iter().enumerate() {
        let role = format!("m{i}");
        if bad(i) {
            let e = r.as_ref().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadSignature, "{role}: {e}");
            assert!(s.c.read_cached(&format!("{role}.json")).is_none(), "{role}");
        } else {
            let info = r.as_ref().unwrap().as_ref().unwrap();
            assert_eq!(
                (info.path.as_str(), info.role.as_str()),
                (paths[i], role.as_str())
            );
            assert!(s.c.read_cached(&format!("{role}.json")).is_some(), "{role}");
            assert_eq!(
                s.server.requests(&format!("/metadata/1.{role}.json")),
                1,
                "{role}"
            );
        }
    }
}

#[test]
fn every_callback_runs_on_the_calling_thread() {
    let s = Setup::new("lookup_many_threads");
    // r2 fails verification ahead, on the worker: its failure is logged all the same.
    let wrong = s.c.repo.sim().bytes("r3");
    s.server.set("/metadata/1.r2.json", wrong);
    let mut config = s.config();
    let threads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (logs, progress) = (threads.clone(), threads.clone());
    config.log = Some(Logger(Arc::new(move |_: LogLevel, message: &str| {
        logs.lock()
            .unwrap()
            .push((std::thread::current().id(), message.to_string()));
    })));
    config.progress = Some(Progress(Arc::new(move |url: &str, _: u64, _: u64| {
        progress
            .lock()
            .unwrap()
            .push((std::thread::current().id(), url.to_string()));
        ControlFlow::Continue(())
    })));
    let mut u = Updater::new(config).unwrap();
    u.get_target_infos(&paths()).unwrap();
    let calls = threads.lock().unwrap();
    let me = std::thread::current().id();
    for (thread, what) in calls.iter() {
        assert_eq!(*thread, me, "{what}");
    }
    assert!(calls
        .iter()
        .any(|(_, m)| m.contains("r2 not fetched ahead")));
    assert!(calls.iter().any(|(_, m)| m.ends_with("/1.r5.json")));
}

#[test]
fn cancelling_fails_the_lookups_that_still_needed_metadata() {
    let s = Setup::new("lookup_many_cancel");
    let mut config = s.config();
    let reports = Arc::new(AtomicUsize::new(0));
    let counter = reports.clone();
    config.progress = Some(Progress(Arc::new(move |url: &str, _: u64, _: u64| {
        // Metadata of the top-level roles goes through; the delegated roles are cancelled.
        if url.contains("/metadata/1.r") || url.contains("/metadata/1.deep") {
            counter.fetch_add(1, Ordering::SeqCst);
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })));
    let mut u = Updater::new(config).unwrap();
    let results = u.get_target_infos(&paths()).unwrap();
    assert!(reports.load(Ordering::SeqCst) >= 1);
    for (r, (path, role)) in results.iter().zip(lookups()) {
        match role {
            // Answered from top-level targets alone.
            Some("targets") => assert!(r.as_ref().unwrap().is_some(), "{path}"),
            _ if path == "nowhere/file" => assert!(r.as_ref().unwrap().is_none(), "{path}"),
            _ => assert_eq!(
                r.as_ref().unwrap_err().kind(),
                ErrorKind::Cancelled,
                "{path}"
            ),
        }
    }
    for i in 0..ROLES {
        assert!(s.c.read_cached(&format!("r{i}.json")).is_none(), "r{i}");
    }
}

#[test]
fn the_refresh_the_lookups_and_the_downloads_share_their_connections() {
    let s = Setup::new("lookup_many_connections");
    let mut config = s.config();
    config.max_connections = 3;
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    assert_eq!(s.server.connections(), 1);
    // Overlapping transfers: the first round needs three connections at once.
    s.server.set_delay(Duration::from_millis(100));
    let results = u.get_target_infos(&paths()).unwrap();
    assert_answers(&results);
    let infos: Vec<_> = results.into_iter().filter_map(|r| r.unwrap()).collect();
    assert!(infos.len() >= 3, "{infos:?}");
    let downloaded = u.download_targets(&infos, None, None);
    assert!(downloaded.iter().all(|r| r.is_ok()), "{downloaded:?}");
    assert!(s.server.max_concurrent_requests() >= 2);
    // The refresh's connection is one of the three, and the second round of lookups
    // (`deep`) and the downloads open none: a fetcher of their own each would have opened
    // up to 1 + 3 + 1 + 3.
    assert_eq!(s.server.connections(), 3);
}

#[test]
fn a_failed_refresh_fails_the_call() {
    let s = Setup::new("lookup_many_no_timestamp");
    s.server.remove("/metadata/timestamp.json");
    let mut u = Updater::new(s.config()).unwrap();
    let e = u.get_target_infos(&paths()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Download, "{e}");
    assert_eq!(s.role_requests("r0"), 0);
}

#[test]
fn no_paths_no_lookup() {
    let s = Setup::new("lookup_many_empty");
    let mut u = Updater::new(s.config()).unwrap();
    assert!(u.get_target_infos(&[]).unwrap().is_empty());
}

#[test]
fn with_a_custom_fetcher_the_lookups_run_one_after_the_other() {
    let s = Setup::new("lookup_many_custom");
    let mut u = s.c.updater();
    let results = u.get_target_infos(&paths()).unwrap();
    assert_answers(&results);
    let log = s.c.repo.metadata_log();
    for i in 0..ROLES {
        let name = format!("1.r{i}.json");
        assert_eq!(
            log.iter().filter(|l| l.ends_with(&name)).count(),
            1,
            "{log:?}"
        );
    }
    assert_eq!(s.server.total_requests(), 0);
}
