//! One target lookup ([`Updater::get_target_info`]) with the built-in fetcher, against a real
//! HTTP server: the delegated roles on the way to the target are fetched one after the other
//! (each names the next, 5.6.7), each fetched while the role before it is verified, and each
//! written to the cache beside the walk (for a directory, on a helper thread while the next
//! ones are fetched and verified). Every role is still verified before it is trusted or
//! cached, and every role trusted is cached before the lookup returns, in order, whatever ends
//! it: the target found, a role that does not verify, a failed transfer, a cancellation. A
//! role fetched ahead is used only if the search reaches it, and is verified then; a role the
//! cache holds is not fetched ahead. A transfer that failed for a transient reason is made
//! again alone with the retry policy, and only then; a cache write that fails is the lookup's
//! failure.

mod common;

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::http::Behavior;
use common::sim::Sim;
use common::sim_fetcher::Served;
use tuf::fetch::Progress;
use tuf::metadata::PathSpec;
use tuf::updater::{LogLevel, Logger, MemoryStore, MetadataStore, StoreLock, Updater};
use tuf::ErrorKind;

/// Roles `d1` to `d6`: `targets` delegates `chain/*` to `d1`, each `d{i}` to `d{i+1}`, and
/// `d6` lists `chain/file`.
const DEPTH: usize = 6;
const TARGET: &str = "chain/file";

fn setup(test: &str) -> Served {
    let mut sim = Sim::new();
    let mut delegator = "targets".to_string();
    for i in 1..=DEPTH {
        let role = format!("d{i}");
        sim.add_delegation(
            &delegator,
            &role,
            PathSpec::Paths(vec!["chain/*".into()]),
            false,
        );
        delegator = role;
    }
    sim.add_target(&delegator, TARGET, b"the end of the chain");
    sim.update_snapshot();
    Served::new(test, sim)
}

fn role_path(i: usize) -> String {
    format!("/metadata/1.d{i}.json")
}

/// Which of `d1`..`d6` are in the cache.
fn cached(s: &Served) -> Vec<usize> {
    (1..=DEPTH)
        .filter(|i| s.c.read_cached(&format!("d{i}.json")).is_some())
        .collect()
}

/// An updater that refreshed already, with `config` changed by `change`.
fn refreshed(s: &Served, change: impl FnOnce(&mut tuf::updater::UpdaterConfig)) -> Updater {
    let mut config = s.config();
    change(&mut config);
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    u
}

#[test]
fn each_role_is_cached_in_order_before_the_lookup_returns() {
    let s = setup("lookup_overlap_order");
    // What happens, in order: "fetch dI" when the transfer of role dI starts (the progress
    // function is told), "cache dI" when the updater hands it to the cache (its debug
    // message).
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let (logs, starts) = (events.clone(), events.clone());
    let mut u = refreshed(&s, |config| {
        config.log = Some(Logger(Arc::new(move |_: LogLevel, message: &str| {
            let role = message.split(' ').next().unwrap_or("");
            if role.starts_with('d') && message.contains(" v1: from ") {
                logs.lock().unwrap().push(format!("cache {role}"));
            }
        })));
        config.progress = Some(Progress(Arc::new(move |url: &str, _: u64, _: u64| {
            if let Some(role) = url.rsplit('/').next().and_then(|f| f.strip_prefix("1.d")) {
                let event = format!("fetch d{}", role.trim_end_matches(".json"));
                let mut events = starts.lock().unwrap();
                if !events.contains(&event) {
                    events.push(event);
                }
            }
            ControlFlow::Continue(())
        })));
    });
    let info = u.get_target_info(TARGET).unwrap().expect("found");
    assert_eq!(info.role, "d6");
    let events = events.lock().unwrap().clone();
    let at = |e: String| {
        events
            .iter()
            .position(|x| *x == e)
            .unwrap_or_else(|| panic!("no {e}: {events:?}"))
    };
    for i in 1..=DEPTH {
        // dI is cached once fetched (and verified), and before dI+1.
        assert!(
            at(format!("fetch d{i}")) < at(format!("cache d{i}")),
            "{events:?}"
        );
        if i < DEPTH {
            assert!(at(format!("cache d{i}")) < at(format!("cache d{}", i + 1)));
            // dI+1 is fetched ahead: its transfer starts while dI is verified, before dI is
            // handed to the cache.
            assert!(
                at(format!("fetch d{}", i + 1)) < at(format!("cache d{i}")),
                "{events:?}"
            );
        }
    }
    // Every role is cached before the lookup returns, the last one too; each fetched once.
    assert_eq!(cached(&s), (1..=DEPTH).collect::<Vec<_>>());
    for i in 1..=DEPTH {
        assert_eq!(s.server.requests(&role_path(i)), 1, "d{i}");
    }
    // A new updater finds the target without asking for any role again.
    let mut again = refreshed(&s, |_| {});
    assert_eq!(
        again.get_target_info(TARGET).unwrap().map(|i| i.role),
        Some("d6".to_string())
    );
    for i in 1..=DEPTH {
        assert_eq!(s.server.requests(&role_path(i)), 1, "d{i}");
    }
}

#[test]
fn a_role_that_does_not_verify_is_neither_trusted_nor_cached_and_those_before_are_cached() {
    let s = setup("lookup_overlap_bad");
    // d4 signed by a key d3 does not give it (5.6.3): its signature changed.
    let bad = common::with_signature_broken(&s.server.get(&role_path(4)).unwrap());
    s.server.set(&role_path(4), bad);
    let mut u = refreshed(&s, |_| {});
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadSignature, "{e}");
    assert_eq!(cached(&s), [1, 2, 3]);
    assert!(u.trusted_set().get_targets("d3").is_some());
    assert!(u.trusted_set().get_targets("d4").is_none());
    // d5, which d4 names, may have been fetched ahead while d4 was verified: it is neither
    // trusted nor cached, and nothing after it is fetched.
    assert!(s.server.requests(&role_path(5)) <= 1);
    assert!(u.trusted_set().get_targets("d5").is_none());
    assert_eq!(s.server.requests(&role_path(6)), 0);
}

#[test]
fn a_role_that_does_not_verify_stops_the_transfer_of_the_role_it_names() {
    // d4 does not verify; d5, which it names, is fetched ahead and never answered: the lookup
    // fails with d4's error at once instead of waiting for d5's transfer to time out.
    let s = setup("lookup_overlap_bad_stops");
    let bad = common::with_signature_broken(&s.server.get(&role_path(4)).unwrap());
    s.server.set(&role_path(4), bad);
    s.server.set_behavior(&role_path(5), Behavior::Silent);
    let mut u = refreshed(&s, |config| {
        config.fetcher.timeout = Duration::from_secs(20)
    });
    let started = std::time::Instant::now();
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadSignature, "{e}");
    // (The server gives up on its own after 4 s.)
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(u.trusted_set().get_targets("d5").is_none());
}

#[test]
fn a_role_fetched_ahead_and_not_searched_is_neither_trusted_nor_cached() {
    // The search stops at d3 (at most 3 delegated roles visited): d4, fetched while d3 was
    // verified, is dropped.
    let s = setup("lookup_overlap_unused");
    let mut u = refreshed(&s, |config| config.max_delegations = 3);
    assert_eq!(u.get_target_info(TARGET).unwrap(), None);
    assert_eq!(cached(&s), [1, 2, 3]);
    assert!(u.trusted_set().get_targets("d3").is_some());
    assert!(u.trusted_set().get_targets("d4").is_none());
    assert_eq!(s.server.requests(&role_path(5)), 0);
}

#[test]
fn a_role_the_cache_holds_is_not_fetched_ahead() {
    let s = setup("lookup_overlap_cached");
    let mut u = refreshed(&s, |_| {});
    assert!(u.get_target_info(TARGET).unwrap().is_some());
    // Without d2 in the cache, a new updater fetches d2 again; d3, which d2 names, is in the
    // cache, verifies, and is not asked for again.
    std::fs::remove_file(s.c.cached("d2.json")).unwrap();
    let mut again = refreshed(&s, |_| {});
    assert!(again.get_target_info(TARGET).unwrap().is_some());
    assert_eq!(s.server.requests(&role_path(2)), 2);
    for i in [1, 3, 4, 5, 6] {
        assert_eq!(s.server.requests(&role_path(i)), 1, "d{i}");
    }
}

#[test]
fn with_a_store_of_the_application_every_role_is_written_in_order() {
    // No helper thread: each role is written on the lookup's thread, the one before it first,
    // although a role fetched ahead needs no transfer of its own to write it beside.
    let s = setup("lookup_overlap_store");
    let store = Arc::new(TestStore::new(None));
    let root = s.c.repo.sim().root_bytes(1);
    let mut u = refreshed(&s, |config| {
        config.storage = tuf::updater::MetadataStorage::Custom(store.clone());
        config.bootstrap_root = Some(root);
    });
    assert!(u.get_target_info(TARGET).unwrap().is_some());
    assert_eq!(
        store.roles_written(),
        ["d1.json", "d2.json", "d3.json", "d4.json", "d5.json", "d6.json"]
    );
    for i in 1..=DEPTH {
        assert_eq!(s.server.requests(&role_path(i)), 1, "d{i}");
    }

    // The same when a role fetched ahead failed for a transient reason and is fetched again
    // alone (with retries).
    let s = setup("lookup_overlap_store_retry");
    s.server.set_behavior(
        &role_path(3),
        Behavior::FailTimes {
            status: 503,
            times: 1,
        },
    );
    let store = Arc::new(TestStore::new(None));
    let root = s.c.repo.sim().root_bytes(1);
    let mut u = refreshed(&s, |config| {
        config.storage = tuf::updater::MetadataStorage::Custom(store.clone());
        config.bootstrap_root = Some(root);
        config.retry.retries = 1;
        config.retry.backoff = Duration::from_millis(10);
    });
    assert!(u.get_target_info(TARGET).unwrap().is_some());
    assert_eq!(s.server.requests(&role_path(3)), 2);
    assert_eq!(
        store.roles_written(),
        ["d1.json", "d2.json", "d3.json", "d4.json", "d5.json", "d6.json"]
    );
}

#[test]
fn a_transient_failure_is_fetched_again_alone_only_with_retries() {
    let s = setup("lookup_overlap_retry");
    s.server.set_behavior(
        &role_path(3),
        Behavior::FailTimes {
            status: 503,
            times: 1,
        },
    );
    let mut u = refreshed(&s, |config| {
        config.retry.retries = 1;
        config.retry.backoff = Duration::from_millis(10);
    });
    assert!(u.get_target_info(TARGET).unwrap().is_some());
    assert_eq!(s.server.requests(&role_path(3)), 2);
    assert_eq!(cached(&s), (1..=DEPTH).collect::<Vec<_>>());

    // Without retries, the failure is the lookup's, after one request: no attempt is added.
    let s = setup("lookup_overlap_no_retry");
    s.server.set_behavior(&role_path(3), Behavior::Status(503));
    let mut u = refreshed(&s, |_| {});
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Download, "{e}");
    assert_eq!(s.server.requests(&role_path(3)), 1);
    assert_eq!(cached(&s), [1, 2]);

    // Nor for a failure that is not transient, with retries.
    let s = setup("lookup_overlap_missing");
    s.server.remove(&role_path(3));
    let mut u = refreshed(&s, |config| config.retry.retries = 3);
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Download, "{e}");
    assert!(e.to_string().contains("404"), "{e}");
    assert_eq!(s.server.requests(&role_path(3)), 1);
    assert_eq!(cached(&s), [1, 2]);
}

#[test]
fn a_cancelled_transfer_ends_the_lookup_and_the_roles_before_are_cached() {
    let s = setup("lookup_overlap_cancel");
    let mut u = refreshed(&s, |config| {
        config.progress = Some(Progress(Arc::new(move |url: &str, _: u64, _: u64| {
            if url.ends_with("/1.d4.json") {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })));
    });
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
    assert_eq!(cached(&s), [1, 2, 3]);
    assert!(u.trusted_set().get_targets("d4").is_none());
}

#[test]
fn a_cache_write_that_fails_fails_the_lookup() {
    let s = setup("lookup_overlap_write");
    let mut u = refreshed(&s, |_| {});
    // d2.json cannot be replaced: a directory that is not empty holds its name.
    let blocker = s.c.cached("d2.json");
    std::fs::create_dir_all(blocker.join("inside")).unwrap();
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.to_string().contains("d2.json"), "{e}");
    // Nothing after d2 is cached: the writes stop at the first that fails (the walk stops
    // at its next role, which may be d3 or later: the write runs beside it).
    assert_eq!(cached(&s), [1]);
    // The same with the cache on this thread (no helper thread for a store of the
    // application's): the write of d2 fails before d3 is used.
    let s = setup("lookup_overlap_write_store");
    let store = Arc::new(TestStore::new(Some("d2.json")));
    let root = s.c.repo.sim().root_bytes(1);
    let mut u = refreshed(&s, |config| {
        config.storage = tuf::updater::MetadataStorage::Custom(store.clone());
        config.bootstrap_root = Some(root);
    });
    let e = u.get_target_info(TARGET).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(u.trusted_set().get_targets("d3").is_none());
    // d4 may have been fetched ahead while d3 was verified, not after.
    assert!(s.server.requests(&role_path(4)) <= 1);
    assert_eq!(s.server.requests(&role_path(5)), 0);
}

/// An application's store (in memory) that records the names written, in order, and whose
/// writes of one name fail, if given.
struct TestStore {
    inner: MemoryStore,
    fail: Option<&'static str>,
    written: Mutex<Vec<String>>,
}

impl TestStore {
    fn new(fail: Option<&'static str>) -> TestStore {
        TestStore {
            inner: MemoryStore::new(),
            fail,
            written: Mutex::default(),
        }
    }

    /// The delegated roles written (`dI.json`), in order.
    fn roles_written(&self) -> Vec<String> {
        let written = self.written.lock().unwrap();
        written
            .iter()
            .filter(|n| n.starts_with('d'))
            .cloned()
            .collect()
    }
}

impl MetadataStore for TestStore {
    fn read(&self, name: &str, max_length: u64) -> tuf::Result<Option<Vec<u8>>> {
        self.inner.read(name, max_length)
    }

    fn write(&self, name: &str, data: &[u8], durable: bool) -> tuf::Result<()> {
        self.written.lock().unwrap().push(name.to_string());
        if Some(name) == self.fail {
            return Err(tuf::Error::Io {
                path: name.into(),
                source: std::io::Error::other("the store failed"),
            });
        }
        self.inner.write(name, data, durable)
    }

    fn remove(&self, name: &str) -> tuf::Result<()> {
        self.inner.remove(name)
    }

    fn lock(&self) -> tuf::Result<StoreLock> {
        self.inner.lock()
    }

    fn root_history(&self) -> Vec<u64> {
        self.inner.root_history()
    }
}

#[test]
fn a_custom_fetcher_looks_up_as_before() {
    let s = setup("lookup_overlap_custom");
    let mut u = s.c.updater();
    u.refresh().unwrap();
    assert_eq!(
        u.get_target_info(TARGET).unwrap().map(|i| i.role),
        Some("d6".to_string())
    );
    assert_eq!(cached(&s), (1..=DEPTH).collect::<Vec<_>>());
    assert_eq!(s.server.total_requests(), 0);
}
