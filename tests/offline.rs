//! Offline mode (`UpdaterConfig::offline`): a refresh and lookups from the metadata cache only,
//! with every check, and no network request at all; the explicitly unsafe option that accepts
//! expired metadata; and what a failed online refresh leaves behind (what the previous refresh
//! verified).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::sim::{in_secs, Sim};
use common::sim_fetcher::{Client, Response};
use tuf::fetch::Fetcher;
use tuf::metadata::RoleType;
use tuf::updater::{LogLevel, Logger, MetadataStorage, Updater, UpdaterConfig};
use tuf::{Error, ErrorKind};

/// A fetcher that fails the test on any call.
struct NoNetwork;

impl Fetcher for NoNetwork {
    fn fetch(
        &mut self,
        url: &str,
        _max_length: u64,
        _sink: &mut dyn FnMut(&[u8]) -> tuf::Result<()>,
    ) -> tuf::Result<()> {
        panic!("offline updater made a network request: {url}");
    }
}

/// A repository with a delegated role `role1` (paths `dir/*`) listing `dir/file.txt`, and a
/// top-level target `top.txt`.
fn sim() -> Sim {
    let mut sim = Sim::with_delegated_target("role1", "dir/file.txt", b"hello from role1");
    sim.add_target("targets", "top.txt", b"top-level target");
    sim.update_snapshot();
    sim
}

/// A client whose cache an online updater filled: refreshed, both targets looked up (so that
/// `role1.json` is cached too) and `top.txt` downloaded.
fn warm(name: &str) -> Client {
    let c = Client::new(name, sim());
    let mut u = c.updater();
    u.refresh().unwrap();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    let top = u.get_target_info("top.txt").unwrap().unwrap();
    u.download_target(&top, None, None).unwrap();
    c
}

fn offline_config(c: &Client) -> UpdaterConfig {
    let mut config = c.config();
    config.offline = true;
    config
}

fn offline(config: UpdaterConfig) -> tuf::Result<Updater> {
    Updater::with_fetcher(config, Box::new(NoNetwork))
}

/// Every file under `dir` with its bytes.
fn snapshot_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                files.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

/// A logger collecting warnings.
fn warnings() -> (Logger, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let logger = Logger(Arc::new(move |level: LogLevel, msg: &str| {
        if level == LogLevel::Warn {
            s.lock().unwrap().push(msg.to_string());
        }
    }));
    (logger, seen)
}

// ---- a warm cache -----------------------------------------------------------------------

#[test]
fn offline_refresh_and_lookups_use_the_cache_only_and_change_nothing() {
    let c = warm("warm");
    let before = snapshot_of(&c.metadata_dir());
    let mut u = offline(offline_config(&c)).unwrap();
    u.refresh().unwrap();
    let set = u.trusted_set();
    let sim = c.repo.sim();
    assert_eq!(
        set.timestamp().unwrap().version,
        sim.timestamp.signed.version
    );
    assert_eq!(set.snapshot().unwrap().version, sim.snapshot.signed.version);
    drop(sim);
    // The delegated role comes from the cache too.
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(info.role, "role1");
    assert!(u.get_target_info("missing.txt").unwrap().is_none());
    // Downloads are refused; a target downloaded before is still found.
    let top = u.get_target_info("top.txt").unwrap().unwrap();
    let found = u.find_cached_target(&top, None).unwrap();
    assert_eq!(found, Some(c.targets_dir().join("top.txt")));
    let err = u.download_target(&info, None, None).unwrap_err();
    assert!(matches!(err, Error::Offline(_)), "{err}");
    assert_eq!(err.kind(), ErrorKind::State);
    assert!(err.to_string().contains("no network request"), "{err}");
    // A second refresh works the same, and nothing in the cache changed.
    u.refresh().unwrap();
    assert_eq!(snapshot_of(&c.metadata_dir()), before);
    assert!(!c.targets_dir().join("dir%2Ffile.txt").exists());
}

#[test]
fn offline_with_the_default_fetcher_makes_no_request_either() {
    // Updater::new builds no libcurl fetcher offline: the metadata URL is never used.
    let c = warm("curl");
    let mut config = offline_config(&c);
    config.metadata_base_url = "https://offline.invalid/metadata/".into();
    let mut u = Updater::new(config).unwrap();
    u.refresh().unwrap();
    assert!(u.get_target_info("top.txt").unwrap().is_some());
}

#[test]
fn offline_walks_the_cached_root_history() {
    // An online refresh moved the cache to root v3; an offline updater bootstrapped with the
    // shipped v1 reaches v3 from the root history alone.
    let c = Client::new("history", sim());
    {
        let mut sim = c.repo.sim();
        sim.rotate_keys(RoleType::Targets);
        sim.rotate_root(|_| {}, &[]);
        sim.rotate_root(|_| {}, &[]);
        sim.publish_targets("targets");
    }
    c.updater().refresh().unwrap();
    let mut config = offline_config(&c);
    config.bootstrap_root = Some(c.repo.sim().root_bytes(1));
    let mut u = offline(config).unwrap();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    assert!(u.get_target_info("top.txt").unwrap().is_some());

    // A history entry that does not verify is an error offline (online it is fetched
    // again), not a silent stop at an older root.
    std::fs::write(c.cached("root_history/3.root.json"), b"{}").unwrap();
    let mut config = offline_config(&c);
    config.bootstrap_root = Some(c.repo.sim().root_bytes(1));
    let err = offline(config).unwrap().refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMetadata, "{err}");
}

// ---- an incomplete cache --------------------------------------------------------------------

#[test]
fn an_incomplete_cache_is_a_clear_error_naming_what_is_missing() {
    for missing in ["timestamp.json", "snapshot.json", "targets.json"] {
        let c = warm(missing);
        std::fs::remove_file(c.cached(missing)).unwrap();
        let mut u = offline(offline_config(&c)).unwrap();
        let err = u.refresh().unwrap_err();
        assert!(matches!(err, Error::Offline(_)), "{missing}: {err}");
        assert_eq!(err.kind(), ErrorKind::State);
        let msg = err.to_string();
        assert!(
            msg.contains(&c.cached(missing).display().to_string()),
            "{missing}: {msg}"
        );
        assert!(msg.contains("refresh online"), "{msg}");
        // A lookup refreshes first, and fails the same way.
        let err = u.get_target_info("top.txt").unwrap_err();
        assert!(matches!(err, Error::Offline(_)), "{missing}: {err}");
    }

    // A delegated role the search needs.
    let c = warm("role1");
    std::fs::remove_file(c.cached("role1.json")).unwrap();
    let mut u = offline(offline_config(&c)).unwrap();
    u.refresh().unwrap();
    assert!(u.get_target_info("top.txt").unwrap().is_some());
    let err = u.get_target_info("dir/file.txt").unwrap_err();
    assert!(matches!(err, Error::Offline(_)), "{err}");
    assert!(err.to_string().contains("role1.json"), "{err}");

    // Nothing cached at all: the shipped root alone.
    let c = Client::new("empty", sim());
    let mut u = offline({
        let mut config = offline_config(&c);
        config.bootstrap_root = Some(c.repo.sim().root_bytes(1));
        config
    })
    .unwrap();
    let err = u.refresh().unwrap_err();
    assert!(err.to_string().contains("timestamp.json"), "{err}");
    // No root at all is refused when the updater is created, as online.
    let c = Client::new("no-root", sim());
    let err = offline(offline_config(&c)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
}

#[test]
fn offline_applies_every_check_to_the_cache() {
    // Tampered: a cached file that does not verify is an error, not a download.
    let c = warm("tampered");
    let sim = c.repo.sim();
    let mut targets = sim.targets.clone();
    targets.signed.targets.clear();
    std::fs::write(c.cached("targets.json"), targets.to_bytes()).unwrap();
    drop(sim);
    let err = offline(offline_config(&c)).unwrap().refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadSignature, "{err}");

    // Mixed: a snapshot of another version than the cached timestamp lists (5.5.4).
    let c = warm("mixed");
    let old_snapshot = c.read_cached("snapshot.json").unwrap();
    c.repo.sim().update_snapshot();
    c.updater().refresh().unwrap();
    std::fs::write(c.cached("snapshot.json"), old_snapshot).unwrap();
    let err = offline(offline_config(&c)).unwrap().refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadVersion, "{err}");
    assert_eq!(err.role(), Some("snapshot"));
}

// ---- expiry ------------------------------------------------------------------------------

#[test]
fn expired_metadata_is_refused_offline_unless_the_unsafe_option_says_otherwise() {
    let c = warm("expired");
    let later = in_secs(2 * 86400); // every role expires in a day
    let mut config = offline_config(&c);
    config.reference_time = Some(later);
    let err = offline(config.clone()).unwrap().refresh().unwrap_err();
    assert!(matches!(err, Error::Expired { .. }), "{err}");
    assert_eq!(err.role(), Some("root")); // 5.3.10 first

    let (logger, seen) = warnings();
    config.offline_accept_expired_unsafe = true;
    config.log = Some(logger);
    let mut u = offline(config).unwrap();
    u.refresh().unwrap();
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(info.role, "role1");
    let seen = seen.lock().unwrap().clone();
    for role in ["root", "timestamp", "snapshot", "targets", "role1"] {
        assert!(
            seen.iter()
                .any(|m| m.starts_with(&format!("{role} expired")) && m.contains("unsafe")),
            "{role}: {seen:?}"
        );
    }

    // Only expiry is skipped: a cached targets role that does not verify still fails.
    let sim = c.repo.sim();
    let mut targets = sim.targets.clone();
    targets.signed.version += 1;
    let bytes = sim.signed_bytes("targets", &targets);
    drop(sim);
    std::fs::write(c.cached("targets.json"), bytes).unwrap();
    let mut config = offline_config(&c);
    config.reference_time = Some(later);
    config.offline_accept_expired_unsafe = true;
    let err = offline(config).unwrap().refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadVersion, "{err}");
}

#[test]
fn the_unsafe_option_needs_offline_mode() {
    let c = warm("needs-offline");
    let mut config = c.config();
    config.offline_accept_expired_unsafe = true;
    let check = |config: &UpdaterConfig, what: &str| {
        match config.validate() {
            Err(Error::InvalidArgument(msg)) => assert!(msg.contains(what), "{msg}"),
            other => panic!("{what}: {other:?}"),
        }
        let err = Updater::with_fetcher(config.clone(), Box::new(NoNetwork)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    };
    check(&config, "offline_accept_expired_unsafe");
    // Nor may the verification policy be set around it.
    let mut config = c.config();
    config.policy.accept_expired_unsafe = true;
    check(&config, "accept_expired_unsafe");
    config.offline = true;
    check(&config, "accept_expired_unsafe");
    // Offline needs a cache to read: in-memory storage has none.
    let mut config = offline_config(&c);
    config.storage = MetadataStorage::InMemory;
    config.bootstrap_root = Some(c.repo.sim().root_bytes(1));
    check(&config, "in_memory");
    // With offline mode, it is accepted.
    let mut config = offline_config(&c);
    config.offline_accept_expired_unsafe = true;
    config.validate().unwrap();
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
