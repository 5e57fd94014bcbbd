//! Where the metadata cache is kept (`UpdaterConfig::storage`): in memory only, where nothing
//! is written anywhere, and in a store of the application's own (`MetadataStore`), here a
//! `HashMap`. (The file-system cache, the default, is what every other test uses; the C
//! callback store is tested in `tests/c/test_storage.c`.)

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::sim::Sim;
use common::sim_fetcher::{Client, SimFetcher};
use tuf::metadata::{PathSpec, RoleType};
use tuf::updater::{
    LogLevel, Logger, MemoryStore, MetadataStorage, MetadataStore, StoreLock, Updater,
    UpdaterConfig,
};
use tuf::{Error, ErrorKind, Result};

fn sim() -> Sim {
    let mut sim = Sim::with_delegated_target("a/b", "dir/file.txt", b"hello from a/b");
    sim.add_target("targets", "top.txt", b"top-level target");
    sim.update_snapshot();
    sim
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A configuration whose metadata directory does not exist (and must stay so).
fn config(c: &Client, storage: MetadataStorage) -> UpdaterConfig {
    let mut config = c.bootstrap_config();
    config.metadata_dir = c.dir.path().join("no-such-dir");
    config.storage = storage;
    config
}

// ---- in memory ------------------------------------------------------------------------------

#[test]
fn in_memory_writes_nothing_and_keeps_the_metadata_for_the_updaters_life() {
    let c = Client::new("memory", sim());
    let config = config(&c, MetadataStorage::InMemory);
    let mut u = c.updater_with(config.clone());
    u.refresh().unwrap();
    let info = u.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(info.role, "a/b");
    let top = u.get_target_info("top.txt").unwrap().unwrap();
    let path = u.download_target(&top, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"top-level target");
    // The next refresh starts from what the first verified: nothing new is downloaded but
    // the root probe and the timestamp, and the delegated role comes from memory.
    c.repo.clear_log();
    u.refresh().unwrap();
    assert!(u.get_target_info("dir/file.txt").unwrap().is_some());
    assert_eq!(
        c.repo.metadata_log(),
        strings(&["2.root.json", "timestamp.json"])
    );
    // New metadata is verified against the one kept: a new targets version arrives.
    {
        let mut sim = c.repo.sim();
        sim.add_target("targets", "new.txt", b"new");
        sim.publish_targets("targets");
    }
    u.refresh().unwrap();
    assert!(u.get_target_info("new.txt").unwrap().is_some());
    // Each updater has its own memory: a second one downloads everything.
    c.repo.clear_log();
    c.updater_with(config.clone()).refresh().unwrap();
    assert_eq!(
        c.repo.metadata_log().len(),
        4,
        "{:?}",
        c.repo.metadata_log()
    );
    assert!(!config.metadata_dir.exists());
    // Only the target, where it was asked for.
    assert_eq!(
        Client::list(c.dir.path()),
        strings(&["targets"]),
        "{:?}",
        Client::list(c.dir.path())
    );
}

#[test]
fn in_memory_needs_a_bootstrap_root() {
    let c = Client::new("memory-root", sim());
    let mut config = config(&c, MetadataStorage::InMemory);
    config.bootstrap_root = None;
    let err = Updater::with_fetcher(config.clone(), Box::new(c.repo.clone())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.to_string().contains("bootstrap root"), "{err}");
    // validate() alone accepts it: the root may be set after the storage.
    config.validate().unwrap();
    assert!(!config.metadata_dir.exists());
}

// ---- the application's store ----------------------------------------------------------------

/// A store over a `HashMap`, recording what it was asked, that checks that every write and
/// removal happens with its lock held, and can be told to fail.
#[derive(Default)]
struct MapStore {
    files: Mutex<HashMap<String, Vec<u8>>>,
    locked: Arc<AtomicBool>,
    ops: Mutex<Vec<String>>,
    fail_reads: AtomicBool,
    fail_writes: AtomicBool,
}

struct Unlock(Arc<AtomicBool>);

impl Drop for Unlock {
    fn drop(&mut self) {
        assert!(self.0.swap(false, Ordering::SeqCst), "unlocked twice");
    }
}

impl MapStore {
    fn ops(&self) -> Vec<String> {
        self.ops.lock().unwrap().clone()
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.files.lock().unwrap().keys().cloned().collect();
        v.sort();
        v
    }

    fn get(&self, name: &str) -> Option<Vec<u8>> {
        self.files.lock().unwrap().get(name).cloned()
    }

    fn record(&self, op: String) {
        self.ops.lock().unwrap().push(op);
    }

    fn check_locked(&self, op: &str) {
        assert!(self.locked.load(Ordering::SeqCst), "{op} without the lock");
    }
}

fn store_error(what: &str) -> Error {
    Error::Io {
        path: what.into(),
        source: std::io::Error::other("the store failed"),
    }
}

impl MetadataStore for MapStore {
    fn read(&self, name: &str, max_length: u64) -> Result<Option<Vec<u8>>> {
        self.record(format!("read {name}"));
        if self.fail_reads.load(Ordering::SeqCst) {
            return Err(store_error(name));
        }
        Ok(self.get(name).filter(|d| d.len() as u64 <= max_length))
    }

    fn write(&self, name: &str, data: &[u8], durable: bool) -> Result<()> {
        self.check_locked(name);
        self.record(format!(
            "write {name}{}",
            if durable { " durable" } else { "" }
        ));
        if self.fail_writes.load(Ordering::SeqCst) {
            return Err(store_error(name));
        }
        self.files
            .lock()
            .unwrap()
            .insert(name.to_string(), data.to_vec());
        Ok(())
    }

    fn remove(&self, name: &str) -> Result<()> {
        self.check_locked(name);
        self.record(format!("remove {name}"));
        self.files.lock().unwrap().remove(name);
        Ok(())
    }

    fn lock(&self) -> Result<StoreLock> {
        assert!(!self.locked.swap(true, Ordering::SeqCst), "locked twice");
        Ok(StoreLock::new(Unlock(self.locked.clone())))
    }
}

fn custom(store: &Arc<MapStore>) -> MetadataStorage {
    MetadataStorage::Custom(store.clone())
}

#[test]
fn a_custom_store_holds_the_cache_under_the_documented_names() {
    let c = Client::new("custom", sim());
    let store = Arc::new(MapStore::default());
    let config = config(&c, custom(&store));
    let mut u = c.updater_with(config.clone());
    u.refresh().unwrap();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    assert_eq!(
        store.names(),
        strings(&[
            "a%2Fb.json",
            "root.json",
            "root_history/1.root.json",
            "snapshot.json",
            "targets.json",
            "timestamp.json",
        ])
    );
    let sim = c.repo.sim();
    assert_eq!(store.get("timestamp.json").unwrap(), sim.bytes("timestamp"));
    assert_eq!(store.get("a%2Fb.json").unwrap(), sim.bytes("a/b"));
    drop(sim);
    assert!(!config.metadata_dir.exists());
    assert!(!store.locked.load(Ordering::SeqCst));

    // Another updater sharing the store, without a bootstrap root, starts from its
    // root.json and reuses everything.
    let mut config = config.clone();
    config.bootstrap_root = None;
    let mut u2 = c.updater_with(config);
    c.repo.clear_log();
    u2.refresh().unwrap();
    assert!(u2.get_target_info("dir/file.txt").unwrap().is_some());
    assert_eq!(
        c.repo.metadata_log(),
        strings(&["2.root.json", "timestamp.json"])
    );

    // A new root is written durably (5.3.8), and a rotation of the timestamp keys removes
    // the cached timestamp and snapshot through the store (5.3.11).
    {
        let mut sim = c.repo.sim();
        sim.rotate_keys(RoleType::Timestamp);
        sim.rotate_root(|_| {}, &[]);
        sim.update_timestamp();
    }
    store.ops.lock().unwrap().clear();
    u2.refresh().unwrap();
    let ops = store.ops();
    for op in [
        "remove timestamp.json",
        "remove snapshot.json",
        "write root_history/2.root.json",
        "write root.json durable",
        "write timestamp.json",
    ] {
        assert!(ops.contains(&op.to_string()), "{op}: {ops:?}");
    }
}

#[test]
fn a_failing_custom_store() {
    let c = Client::new("failing", sim());
    let store = Arc::new(MapStore::default());
    let config = config(&c, custom(&store));
    c.updater_with(config.clone()).refresh().unwrap();

    // Reads that fail: online, the updater logs them and downloads instead.
    store.fail_reads.store(true, Ordering::SeqCst);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let w = warnings.clone();
    let mut logged = config.clone();
    logged.log = Some(Logger(Arc::new(move |level, msg: &str| {
        if level == LogLevel::Warn {
            w.lock().unwrap().push(msg.to_string());
        }
    })));
    c.repo.clear_log();
    c.updater_with(logged).refresh().unwrap();
    let snapshot = format!("{}.snapshot.json", c.repo.sim().snapshot.signed.version);
    assert!(
        c.repo.metadata_log().contains(&snapshot),
        "{:?}",
        c.repo.log()
    );
    let warnings = warnings.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|m| m.contains("snapshot") && m.contains("the store failed")),
        "{warnings:?}"
    );
    // Offline, the store's failure is the error.
    let mut offline = config.clone();
    offline.offline = true;
    let err = c.updater_with(offline).refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.to_string().contains("the store failed"), "{err}");
    store.fail_reads.store(false, Ordering::SeqCst);

    // Writes that fail make the refresh fail, and leave the lock released.
    store.fail_writes.store(true, Ordering::SeqCst);
    c.repo.sim().update_timestamp();
    let err = c.updater_with(config).refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(!store.locked.load(Ordering::SeqCst));
}

/// 5.2 / 5.3.8: a new root verified but not persisted (the store failed) is not where the next
/// refresh starts: it starts from the last root persisted, walks to the new one again, and
/// persists it.
#[test]
fn a_new_root_not_persisted_is_walked_to_again() {
    let c = Client::new("unpersisted-root", sim());
    let store = Arc::new(MapStore::default());
    let mut u = c.updater_with(config(&c, custom(&store)));
    u.refresh().unwrap();
    c.repo.sim().rotate_root(|_| {}, &[]);
    store.fail_writes.store(true, Ordering::SeqCst);
    let err = u.refresh().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(store.get("root_history/2.root.json"), None);
    store.fail_writes.store(false, Ordering::SeqCst);
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 2);
    let v2 = c.repo.sim().root_bytes(2);
    assert_eq!(store.get("root_history/2.root.json").as_ref(), Some(&v2));
    assert_eq!(store.get("root.json").as_ref(), Some(&v2));
}

/// A delegated role whose cached version is older than the one the trusted snapshot lists
/// (the repository moved on) is fetched and replaced without reading the cached snapshot,
/// when the role is the smaller of the two (the usual case: many roles, one snapshot that
/// lists them all): only a cached role that claims a newer version can be one to keep
/// (5.3.11), and only then does the cached snapshot have to vouch for it.
#[test]
fn an_older_cached_role_is_replaced_without_reading_the_cached_snapshot() {
    let mut sim = sim();
    for i in 0..32 {
        let name = format!("other-{i}");
        sim.add_delegation("targets", &name, PathSpec::Paths(vec![name.clone()]), false);
    }
    sim.update_snapshot();
    let c = Client::new("older-cached-role", sim);
    let store = Arc::new(MapStore::default());
    let mut u = c.updater_with(config(&c, custom(&store)));
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    let v1 = store.get("a%2Fb.json").unwrap();
    assert!(v1.len() < store.get("snapshot.json").unwrap().len());
    c.repo.sim().publish_targets("a/b");
    let mut u = c.updater_with(config(&c, custom(&store)));
    u.refresh().unwrap();
    store.ops.lock().unwrap().clear();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    let ops = store.ops();
    assert!(ops.contains(&"read a%2Fb.json".to_string()), "{ops:?}");
    assert!(ops.contains(&"write a%2Fb.json".to_string()), "{ops:?}");
    assert!(!ops.contains(&"read snapshot.json".to_string()), "{ops:?}");
    let v2 = store.get("a%2Fb.json").unwrap();
    assert_ne!(v2, v1);
    assert_eq!(v2, c.repo.sim().bytes("a/b"));
}

#[test]
fn offline_from_a_custom_store() {
    let c = Client::new("offline-custom", sim());
    let store = Arc::new(MapStore::default());
    let config = config(&c, custom(&store));
    let mut u = c.updater_with(config.clone());
    u.refresh().unwrap();
    u.get_target_info("dir/file.txt").unwrap().unwrap();
    let mut offline = config;
    offline.offline = true;
    let mut u = Updater::with_fetcher(offline, Box::new(SimFetcher::new(Sim::new()))).unwrap();
    store.ops.lock().unwrap().clear();
    u.refresh().unwrap();
    assert_eq!(
        u.get_target_info("dir/file.txt").unwrap().unwrap().role,
        "a/b"
    );
    // Reads only.
    assert!(
        store.ops().iter().all(|op| op.starts_with("read ")),
        "{:?}",
        store.ops()
    );
}

#[test]
fn a_shared_memory_store_recovers_a_lost_root_from_its_history() {
    // MemoryStore lists its root history, so it can stand in for a lost root.json.
    let c = Client::new("shared-memory", sim());
    let store = Arc::new(MemoryStore::new());
    let config = config(&c, MetadataStorage::Custom(store.clone()));
    c.updater_with(config.clone()).refresh().unwrap();
    store.remove("root.json").unwrap();
    let mut config = config;
    config.bootstrap_root = None;
    let mut u = c.updater_with(config);
    assert_eq!(u.trusted_set().root().version, 1);
    u.refresh().unwrap();
    assert!(store.names().contains(&"root.json".to_string()));
}

#[test]
fn several_repositories_cannot_share_a_custom_store() {
    let map = concat!(
        r#"{"repositories": {"a": ["https://a.test"], "b": ["https://b.test"]}, "#,
        r#""mapping": [{"paths": ["*"], "repositories": ["a", "b"], "threshold": 2, "#,
        r#""terminating": true}]}"#
    );
    let c = Client::new("multirepo", sim());
    let map = tuf::multirepo::MapFile::parse(map.as_bytes()).unwrap();
    let mut config = tuf::multirepo::MultiRepoConfig::new(map, c.dir.path());
    config.validate().unwrap();
    config.updater.storage = MetadataStorage::InMemory;
    config.validate().unwrap();
    config.updater.storage = MetadataStorage::Custom(Arc::new(MemoryStore::new()));
    let err = config.validate().unwrap_err();
    assert!(err.to_string().contains("custom metadata store"), "{err}");
}
