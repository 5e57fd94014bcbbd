//! The local metadata cache: what the updater keeps between refreshes (the trusted roots and
//! the last verified timestamp, snapshot and targets roles), in a [`MetadataStore`]: by
//! default a directory (`store_fs.rs`, python-tuf's layout), or memory, or the application's
//! own storage (`UpdaterConfig::storage`). A lost or corrupt `root.json` is recovered from the
//! newest root of the root history that verifies ([`MetadataCache::trusted_root`]).
//!
//! # Sharing the cache: the lock
//!
//! Any number of updaters, in one process or many, may share the cache. The store's lock
//! (for a directory, the advisory lock `DIR/.lock`) is held only while an updater reads,
//! decides and writes, never while it waits on the network, so a stalled mirror delays only
//! the updater that uses it. It is held
//!
//! - at the start of a refresh, to remove stale temporary files from a directory's
//!   `root_history/`: every write creates its temporary file under the lock, so one found
//!   there while the lock is held belongs to a process that died;
//! - around each write or removal together with the decision it rests on: a cached
//!   timestamp, snapshot or targets role is read again under the lock and kept, instead of
//!   being replaced, when it is a newer version that verification vouches for (another
//!   updater stored it since this one read the cache: the rollback baseline must not go
//!   back); `root.json` is never replaced by an older root; 5.3.11's removal of the cached
//!   timestamp and snapshot happens under the same lock as the write of the root that
//!   demands it.
//!
//! No callback (fetcher, log, progress) runs while the lock is held, so a callback may create
//! and refresh another updater on the same cache; only a store's own functions (an
//! application's storage callbacks) run under it. Reading a cached file needs no lock: values
//! are only ever replaced whole. Waiting for a directory's lock is bounded by
//! `UpdaterConfig::lock_timeout`; running out is an I/O error whose source is of kind
//! `TimedOut`. Compared with a lock over the whole refresh, two updaters may now download the
//! same new metadata at the same time (each verifies what it fetched against what it trusts,
//! so neither trusts anything less), and the cache may for a moment hold a timestamp newer
//! than the snapshot beside it; an updater reading such a mix verifies every file and
//! downloads what does not fit, as for any stale cache.
//!
//! Durability across power loss costs an fsync per file, and an fsync also waits for whatever
//! else the system has yet to write (milliseconds to hundreds of them on a busy machine), so it
//! is spent where it protects something that cannot be fetched again: when a refresh moves to
//! a new root, `root.json` is written durably (a file flushed before the rename and its
//! directory after it), so that a power cut cannot bring back a root whose keys the new one
//! revoked. Everything else is verified again whenever it is used, so a file lost or torn by
//! a power cut is detected and fetched again; what it can cost is the newest rollback
//! baseline (timestamp and snapshot versions, digest 6.20), as in python-tuf, which never
//! flushes. `UpdaterConfig::sync_all_writes` flushes every metadata and target file.

use std::path::Path;
use std::sync::Arc;

use super::fs::{self, Dir};
use super::store::{MetadataStore, StoreLock};
use super::store_fs::FileStore;
use super::{LogLevel, MemoryStore, MetadataStorage, UpdaterConfig};
use crate::error::{Error, Result};
use crate::metadata::{DateTime, Metadata, Root};
use crate::verify::{Policy, TrustedSet};

/// Percent-encodes `s` as Python's `urllib.parse.quote(s, safe="")`: everything but ASCII
/// letters, digits and `_.-~` becomes `%XX`, so a role name or target path is always one
/// file name (no `/`, no `..` traversal; digest 6.35). `""`, `"."` and `".."` stay as they
/// are: they name no file, and the updater refuses them as local target names.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Writes `data` to `path` atomically and durably: a temporary file created exclusively in
/// the same directory, flushed, renamed over `path` (replacing a link there rather than
/// writing through it), and the directory flushed.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::InvalidArgument(format!("{} names no file", path.display())))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = Dir::open(parent).map_err(|e| Error::io(parent, e))?;
    fs::replace(&dir, &dir, name, data, true).map_err(|e| Error::io(path, e))
}

/// Where the cache is kept.
enum Store {
    /// A directory (the default): also reopened at each refresh and cleaned of temporary
    /// files. Shared with the helper thread of [`CacheWriter`](super::cache_writer).
    Files(Arc<FileStore>),
    /// This updater's own memory, or the application's store.
    Other(Arc<dyn MetadataStore>),
}

/// The metadata cache of one updater.
pub(crate) struct MetadataCache {
    store: Store,
    sync_all: bool,
    policy: Policy,
    root_max_length: u64,
}

impl std::fmt::Debug for MetadataCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetadataCache")
            .field("root.json", &self.store().describe(ROOT_JSON))
            .finish_non_exhaustive()
    }
}

/// At most this many roots of the root history are tried when recovering a lost
/// `root.json`, newest first (a hostile directory may hold any number).
const HISTORY_CANDIDATES: usize = 64;

const ROOT_JSON: &str = "root.json";

impl MetadataCache {
    /// The cache `config.storage` says: the directory `config.metadata_dir` (created if
    /// missing, with `root_history/`), a new in-memory store, or the application's store.
    /// With `sync_all_writes`, every write is durable; otherwise only a new trusted root is
    /// (see the module docs). Taking a directory's lock waits at most `lock_timeout`;
    /// `policy` and `root_max_length` apply to cached roots.
    pub fn open(config: &UpdaterConfig) -> Result<MetadataCache> {
        let store = match &config.storage {
            MetadataStorage::Files => Store::Files(Arc::new(FileStore::open(
                &config.metadata_dir,
                config.lock_timeout,
            )?)),
            MetadataStorage::InMemory => Store::Other(Arc::new(MemoryStore::new())),
            MetadataStorage::Custom(store) => Store::Other(store.clone()),
        };
        Ok(MetadataCache {
            store,
            sync_all: config.sync_all_writes,
            policy: config.policy.clone(),
            root_max_length: config.root_max_length,
        })
    }

    fn store(&self) -> &dyn MetadataStore {
        match &self.store {
            Store::Files(f) => f.as_ref(),
            Store::Other(s) => s.as_ref(),
        }
    }

    /// At the start of every refresh: a directory is opened again, so that one replaced
    /// since, by the caller or by anyone else, is used as it is now: never through a link,
    /// recreated if missing.
    pub fn reopen(&mut self) -> Result<()> {
        match &mut self.store {
            Store::Files(f) => {
                *f = Arc::new(f.reopened()?);
                Ok(())
            }
            Store::Other(_) => Ok(()),
        }
    }

    /// Removes temporary files left in a directory by processes that died while writing,
    /// under the lock. Nothing to do (and no lock taken) for other stores.
    pub fn remove_stale_temp_files(&self) -> Result<()> {
        if let Store::Files(f) = &self.store {
            let _lock = f.lock()?;
            f.remove_stale_temp_files();
        }
        Ok(())
    }

    /// Takes the store's exclusive lock (see the module docs).
    ///
    /// For a directory: fails with [`Error::Io`] (an [`std::io::ErrorKind::TimedOut`] source)
    /// when the wait runs out, and with [`Error::State`] at once when this thread holds the
    /// lock already (a callback called while it is held calling into an updater on the same
    /// cache).
    pub fn lock(&self) -> Result<StoreLock> {
        self.store().lock()
    }

    /// The store's name of the cached metadata of `role`.
    pub fn role_name(role: &str) -> String {
        format!("{}.json", quote(role))
    }

    /// The directory store and whether every write is durable, for a helper thread that
    /// writes to it ([`CacheWriter`](super::cache_writer::CacheWriter)); `None` for another
    /// store.
    pub fn shared_files(&self) -> Option<(Arc<FileStore>, bool)> {
        match &self.store {
            Store::Files(f) => Some((f.clone(), self.sync_all)),
            Store::Other(_) => None,
        }
    }

    /// The store's name of root `version` of the root history.
    pub fn root_name(version: u64) -> String {
        format!("root_history/{version}.root.json")
    }

    /// Describes the cached metadata of `role` (a file's path), for messages.
    pub fn describe(&self, role: &str) -> String {
        self.store().describe(&Self::role_name(role))
    }

    /// The cached metadata of `role`, if stored with at most `max` bytes.
    pub fn read(&self, role: &str, max: u64) -> Result<Option<Vec<u8>>> {
        self.store().read(&Self::role_name(role), max)
    }

    /// Writes the cached metadata of `role`. Call with the lock held.
    pub fn write(&self, role: &str, data: &[u8]) -> Result<()> {
        self.store()
            .write(&Self::role_name(role), data, self.sync_all)
    }

    /// Removes the cached metadata of `role` (for a directory: the entry, whatever it is but
    /// a directory). Call with the lock held.
    pub fn remove(&self, role: &str) -> Result<()> {
        self.store().remove(&Self::role_name(role))
    }

    /// The cached `root.json`.
    pub fn read_root_json(&self, max: u64) -> Result<Option<Vec<u8>>> {
        self.store().read(ROOT_JSON, max)
    }

    /// Persists `data`, a root this updater trusts, as the cached `root.json` (the newest
    /// trusted root), durably when `durable` (or when every write is), unless the cached one
    /// is already at least as new: another updater sharing the cache may have moved it
    /// further since this one read it. Only a cached root that is signed by a threshold of
    /// its own keys (5.2) counts. Call with the lock held.
    pub fn write_root_json(&self, data: &[u8], durable: bool) -> Result<()> {
        // A store that cannot be read is written: our root is trusted.
        let cached = self.read_root_json(self.root_max_length).unwrap_or(None);
        if cached.as_deref() == Some(data) {
            // Already there (the usual case: the root the updater started from).
            return Ok(());
        }
        let ours = Metadata::<Root>::from_bytes(data)?.signed.version;
        // Whether the cached root is at least as new as ours: its signatures are verified
        // only when the version it claims is (else it is replaced whether they hold or not).
        let as_new = |bytes: &[u8]| {
            let claimed = Metadata::<Root>::from_bytes(bytes).map(|m| m.signed.version);
            claimed.is_ok_and(|v| v >= ours)
                && TrustedSet::new(bytes, DateTime::now(), self.policy.clone()).is_ok()
        };
        if cached.as_deref().is_some_and(as_new) {
            return Ok(());
        }
        self.store()
            .write(ROOT_JSON, data, durable || self.sync_all)
    }

    /// Root `version` of the root history.
    pub fn read_root(&self, version: u64, max: u64) -> Result<Option<Vec<u8>>> {
        self.store().read(&Self::root_name(version), max)
    }

    /// The versions of the roots in the root history, newest first, at most the 64 newest.
    pub fn history_versions(&self) -> Vec<u64> {
        let mut versions = self.store().root_history();
        versions.sort_unstable_by(|a, b| b.cmp(a));
        versions.dedup();
        versions.truncate(HISTORY_CANDIDATES);
        versions
    }

    /// The root to start from when no bootstrap root is given: the cached `root.json`, or,
    /// when it is missing or does not verify, the newest root of the root history that does.
    /// Either must be signed by a threshold of its own root keys (5.2), and a history entry
    /// must hold the version its name gives; the refresh then walks to newer roots as usual
    /// (5.3).
    ///
    /// Trust: `root.json` and `root_history/N.root.json` are both written by libtuf only, each
    /// with a root it had verified (5.3.4 to 5.3.8), in the same store; the cache is the trust
    /// anchor either way, as python-tuf trusts its local root. So a history entry is as
    /// trustworthy as `root.json`, and whoever could plant a root in the history could as
    /// well replace `root.json`. Starting from the newest one is what `root.json` would have
    /// given, and keeps the rotations the history already records (an older start would walk
    /// them again from the cache anyway).
    ///
    /// Fails with `root.json`'s error when nothing verifies: [`Error::InvalidArgument`] when
    /// it is missing, else the verification error (or the store's error when reading it
    /// failed).
    pub fn trusted_root(
        &self,
        config: &UpdaterConfig,
        now: DateTime,
    ) -> Result<(TrustedSet, Vec<u8>)> {
        let max = config.root_max_length;
        let policy = || config.policy.clone();
        let error = match self.read_root_json(max) {
            Ok(Some(bytes)) => match TrustedSet::new(&bytes, now, policy()) {
                Ok(set) => return Ok((set, bytes)),
                Err(e) => e,
            },
            Ok(None) => Error::InvalidArgument(format!(
                "no bootstrap root given and no usable {}",
                self.store().describe(ROOT_JSON)
            )),
            Err(e) => e,
        };
        for version in self.history_versions() {
            let Ok(Some(bytes)) = self.read_root(version, max) else {
                continue;
            };
            match TrustedSet::new(&bytes, now, policy()) {
                Ok(set) if set.root().version == version => {
                    config.log(LogLevel::Warn, || {
                        format!(
                            "{}: {error}; starting from {}",
                            self.store().describe(ROOT_JSON),
                            self.store().describe(&Self::root_name(version))
                        )
                    });
                    return Ok((set, bytes));
                }
                _ => continue,
            }
        }
        Err(error)
    }

    /// Persists root `version` in the root history (5.3.8). Call with the lock held.
    pub fn write_root(&self, version: u64, data: &[u8]) -> Result<()> {
        self.store()
            .write(&Self::root_name(version), data, self.sync_all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn quote_matches_python() {
        // urllib.parse.quote(s, "")
        assert_eq!(quote("targets"), "targets");
        assert_eq!(quote("a/b"), "a%2Fb");
        assert_eq!(quote("../x"), "..%2Fx");
        assert_eq!(quote("bin-0a_~.x"), "bin-0a_~.x");
        assert_eq!(quote("é %"), "%C3%A9%20%25");
    }

    #[test]
    fn read_limited_refuses_large_files() {
        let dir = std::env::temp_dir().join(format!("libtuf-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("f");
        write_atomic(&p, b"12345").unwrap();
        let d = Dir::open(&dir).unwrap();
        assert_eq!(d.read_limited(OsStr::new("f"), 5).unwrap(), b"12345");
        assert!(d.read_limited(OsStr::new("f"), 4).is_none());
        assert!(d.read_limited(OsStr::new("missing"), 4).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
