//! The callback contract, Rust side: no callback runs while the metadata cache's lock is held,
//! so a fetcher or logger that calls into another updater on the same cache, on the same
//! thread, neither waits for its own caller's lock nor is refused: the nested updater works.
//! (The C side, with the same rules for every C callback and handle, is
//! tests/c/test_callbacks.c.)

mod common;

use std::sync::{Arc, Mutex};

use common::sim::Sim;
use common::sim_fetcher::{Client, SimFetcher};
use tuf::fetch::Fetcher;
use tuf::updater::{LogLevel, Logger, Updater, UpdaterConfig};
use tuf::ErrorKind;

/// A fetcher that, when asked for `timestamp.json`, first tries to create and refresh another
/// updater on the same cache, recording what happened.
struct Reentering {
    inner: SimFetcher,
    nested: SimFetcher,
    config: UpdaterConfig,
    outcomes: Arc<Mutex<Vec<String>>>,
}

impl Fetcher for Reentering {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> tuf::Result<()>,
    ) -> tuf::Result<()> {
        if url.ends_with("/timestamp.json") {
            let outcome =
                match Updater::with_fetcher(self.config.clone(), Box::new(self.nested.clone())) {
                    Err(e) => format!("new: {:?}", e.kind()),
                    Ok(mut u) => match u.refresh() {
                        Err(e) => format!("refresh: {:?}", e.kind()),
                        Ok(()) => "refresh: ok".into(),
                    },
                };
            self.outcomes.lock().unwrap().push(outcome);
        }
        self.inner.fetch(url, max_length, sink)
    }
}

#[test]
fn a_fetcher_can_call_into_an_updater_on_the_same_cache() {
    let c = Client::new("reenter-fetch", Sim::new());
    // The first updater persists the bootstrap root (taking the lock) before any fetch.
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let fetcher = Reentering {
        inner: c.repo.clone(),
        nested: c.repo.clone(),
        config: c.bootstrap_config(),
        outcomes: outcomes.clone(),
    };
    let mut u = Updater::with_fetcher(c.bootstrap_config(), Box::new(fetcher)).unwrap();
    u.refresh().unwrap();
    assert_eq!(*outcomes.lock().unwrap(), ["refresh: ok"]);

    // On another cache too.
    let other = Client::new("reenter-fetch-other", Sim::new());
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let fetcher = Reentering {
        inner: c.repo.clone(),
        nested: other.repo.clone(),
        config: other.bootstrap_config(),
        outcomes: outcomes.clone(),
    };
    let mut u = Updater::with_fetcher(c.config(), Box::new(fetcher)).unwrap();
    u.refresh().unwrap();
    assert_eq!(*outcomes.lock().unwrap(), ["refresh: ok"]);
}

#[test]
fn a_logger_can_call_into_an_updater_on_the_same_cache() {
    let c = Client::new("reenter-log", Sim::new());
    let outcomes = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut config = c.bootstrap_config();
    let nested = c.bootstrap_config();
    let repo = c.repo.clone();
    let seen = outcomes.clone();
    config.log = Some(Logger(Arc::new(move |_level: LogLevel, msg: &str| {
        if msg.starts_with("timestamp v") {
            let r = Updater::with_fetcher(nested.clone(), Box::new(repo.clone()));
            seen.lock()
                .unwrap()
                .push(format!("{:?}", r.err().map(|e| e.kind())));
        }
    })));
    let mut u = Updater::with_fetcher(config, Box::new(c.repo.clone())).unwrap();
    u.refresh().unwrap();
    let outcomes = outcomes.lock().unwrap();
    assert!(!outcomes.is_empty());
    assert!(
        outcomes
            .iter()
            .all(|o| o == &format!("{:?}", None::<ErrorKind>)),
        "{outcomes:?}"
    );
}
