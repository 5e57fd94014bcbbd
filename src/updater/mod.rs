//! The TUF client updater: python-tuf's ngclient workflow (spec 5.1 to 5.7) over a
//! [`Fetcher`], with a local cache that several processes can share.
//!
//! - [`crate::fetch`]: the transport layer below it, with byte limits and slow-retrieval
//!   protection.
//! - [`UpdaterConfig`]: directories, URLs, limits, policy, reference time, offline mode,
//!   where the cache is kept ([`MetadataStorage`]: files, memory, or a [`MetadataStore`] of
//!   the application's).
//! - [`Updater`]: refresh, target lookup, target download (one at a time, resumable, or many
//!   at once: [`Updater::download_targets`]).
//!
//! The updater never decides trust itself: every byte it fetches or reads from its cache goes
//! through the [`TrustedSet`], and only what it accepted is persisted.
//!
//! # Threads and processes
//!
//! An `Updater` is `Send` (it can move between threads) but not `Sync`: use one from one thread
//! at a time. Any number of updaters, in one process or many, may share the same metadata
//! and targets directories: every file is replaced atomically, so readers see either the old
//! or the new file and nothing is ever half written, and each write to the metadata directory
//! (with the decision it rests on) happens under an exclusive advisory lock on it (`.lock`),
//! held for file operations only, never while waiting on the network, and waited for at most
//! [`UpdaterConfig::lock_timeout`] (see `cache.rs`). A store of the application's own
//! ([`MetadataStorage::Custom`]) gives these guarantees if its lock and writes do
//! ([`MetadataStore`]).

mod cache;
mod cache_writer;
mod config;
mod download;
mod download_paths;
mod fs;
mod lookup_many;
mod lookup_overlap;
mod offline;
mod parallel;
mod reentry;
mod root_ahead;
mod store;
mod store_fs;
mod store_memory;
mod target_files;

use cache::MetadataCache;
pub use cache::{quote, write_atomic};
use cache_writer::{CacheWriter, LazyWriter};
pub use config::{
    LogFn, LogLevel, Logger, MetadataStorage, UpdaterConfig, DEFAULT_LOCK_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, MAX_CONNECTIONS,
};
pub use download_paths::PathDownload;
use offline::{not_cached, required, usable, warn_if_expired, OfflineFetcher};
pub(crate) use reentry::{enter as enter_store, HeldByThisThread, StoreId};
pub use store::{MetadataStore, StoreLock};
pub use store_memory::MemoryStore;
pub use target_files::STALE_TARGET_TEMP_AGE;

use crate::fetch::{
    fetch_bytes, fetch_targets_metadata, is_not_found, ConnectionPool, CurlFetcher, Fetcher,
    MultiFetcher, ProgressFetcher, WithDeadline,
};

use crate::error::{Error, Result};
use crate::metadata::{DateTime, Metadata, RoleType, Signed, Snapshot, Timestamp};
pub use crate::verify::TargetInfo;
use crate::verify::{TimestampUpdate, TrustedSet};

/// A TUF client for one repository.
pub struct Updater {
    config: UpdaterConfig,
    fetcher: Box<dyn Fetcher>,
    cache: MetadataCache,
    set: TrustedSet,
    /// The bytes of the newest trusted root, to start the next refresh from.
    root_bytes: Vec<u8>,
    /// The version of the root in `root_bytes`. `set`'s root is that root, unless a refresh
    /// verified a newer one and failed before persisting it.
    root_version: u64,
    /// Whether `set` holds what a refresh verified completely: the last refresh succeeded,
    /// or it failed and `set` is what the one before it verified.
    refreshed: bool,
    /// Whether stale temporary files were looked for in the targets directory.
    targets_dir_cleaned: bool,
    /// Whether `fetcher` is the built-in libcurl fetcher, so that several targets can be
    /// downloaded at once with libcurl's multi interface.
    builtin_fetcher: bool,
    /// The connections of the built-in fetcher, which the transfers made with libcurl's multi
    /// interface use too ([`multi_fetcher`](Updater::multi_fetcher)).
    pool: Option<ConnectionPool>,
    /// The timestamp fetched with the first root request of the current refresh, when that
    /// request ended the root chain (`root_ahead.rs`), for 5.4.
    timestamp_ahead: Option<root_ahead::TimestampAhead>,
}

impl std::fmt::Debug for Updater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updater")
            .field("metadata_dir", &self.config.metadata_dir)
            .field("metadata_base_url", &self.config.metadata_base_url)
            .field("root_version", &self.set.root().version)
            .finish()
    }
}

fn ensure_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

impl Updater {
    /// An updater with the default libcurl fetcher (none when offline: the transport
    /// settings are then not used).
    pub fn new(config: UpdaterConfig) -> Result<Updater> {
        if config.offline {
            return Updater::with_fetcher(config, Box::new(OfflineFetcher));
        }
        // Without a pool (libcurl could not make one), each fetcher keeps its own connections.
        let pool = ConnectionPool::new().ok();
        let fetcher = CurlFetcher::make(config.fetcher.clone(), pool.clone())?;
        let mut updater = Updater::with_fetcher(config, Box::new(fetcher))?;
        updater.builtin_fetcher = true;
        updater.pool = pool;
        Ok(updater)
    }

    /// A fetcher of many transfers at once for the built-in fetcher's settings, over the
    /// connections of its pool: those that the refresh, earlier lookups or downloads opened
    /// are used again. Only with the built-in fetcher, whose making checked the settings
    /// ([`new`](Self::new)): they are not checked again for each batch of transfers.
    fn multi_fetcher(&self) -> MultiFetcher {
        debug_assert!(self.builtin_fetcher);
        multi_fetcher(&self.config, &self.pool)
    }

    /// An updater that downloads through `fetcher`. Byte limits, and the deadline of every
    /// transfer (`config.fetcher.timeout`), are enforced on what the fetcher delivers whatever
    /// it does. Fails with [`Error::InvalidArgument`] when
    /// [`UpdaterConfig::validate`] does.
    ///
    /// Loads the trusted root: `config.bootstrap_root` when given (and persists it in the
    /// root history, unless offline), else the cached `root.json`, or when that is missing or
    /// does not verify, the newest root of the cached root history that does. It must be
    /// signed by a threshold of its own root keys (5.2). In-memory storage needs a bootstrap
    /// root ([`Error::InvalidArgument`] otherwise).
    ///
    /// An offline updater ([`UpdaterConfig::offline`]) never calls `fetcher`.
    pub fn with_fetcher(mut config: UpdaterConfig, fetcher: Box<dyn Fetcher>) -> Result<Updater> {
        config.validate()?;
        if matches!(config.storage, MetadataStorage::InMemory) && config.bootstrap_root.is_none() {
            return Err(Error::InvalidArgument(
                "in-memory storage needs a bootstrap root: nothing is cached to start from".into(),
            ));
        }
        let fetcher: Box<dyn Fetcher> = if config.offline {
            Box::new(OfflineFetcher)
        } else {
            // The deadline bounds each attempt; retries and progress reports go around it.
            let fetcher = Box::new(WithDeadline::new(fetcher, config.fetcher.timeout));
            let fetcher = config.with_retries(fetcher);
            match &config.progress {
                Some(p) => Box::new(ProgressFetcher::new(fetcher, p.clone())),
                None => fetcher,
            }
        };
        config.metadata_base_url = ensure_slash(&config.metadata_base_url);
        config.targets_base_url = config.targets_base_url.as_deref().map(ensure_slash);
        let cache = MetadataCache::open(&config)?;
        let now = config.reference_time.unwrap_or_else(DateTime::now);
        let (set, root_bytes) = match config.bootstrap_root.take() {
            Some(b) => (TrustedSet::new(&b, now, config.policy.clone())?, b),
            None => cache.trusted_root(&config, now)?,
        };
        if !config.offline {
            // Persist the trusted root in the history, and keep the cached root.json at
            // least as new as it.
            let _lock = cache.lock()?;
            let v = set.root().version;
            let cached = cache.read_root(v, config.root_max_length).unwrap_or(None);
            if cached.as_deref() != Some(&root_bytes) {
                cache.write_root(v, &root_bytes)?;
            }
            cache.write_root_json(&root_bytes, false)?;
        }
        Ok(Updater {
            config,
            fetcher,
            cache,
            root_version: set.root().version,
            set,
            root_bytes,
            refreshed: false,
            targets_dir_cleaned: false,
            builtin_fetcher: false,
            pool: None,
            timestamp_ahead: None,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &UpdaterConfig {
        &self.config
    }

    /// Sets the time expiry is checked against from the next refresh or lookup on (`None`:
    /// the system clock), for devices that learn the time after start-up. A refresh already
    /// done keeps the time it used until the next one: call [`refresh`](Self::refresh) to
    /// check the trusted metadata against the new time.
    pub fn set_reference_time(&mut self, time: Option<DateTime>) {
        self.config.reference_time = time;
    }

    /// The trusted metadata of the last refresh.
    pub fn trusted_set(&self) -> &TrustedSet {
        &self.set
    }

    fn metadata_url(&self, role: &str, version: Option<u64>) -> String {
        metadata_url(&self.config.metadata_base_url, role, version)
    }

    /// Updates the top-level metadata: root (5.3), timestamp (5.4), snapshot (5.5) and
    /// targets (5.6.1-5.6.6). Each call starts a new update cycle from the newest trusted
    /// root, with a new reference time (unless the configuration fixes one). Offline, from
    /// the cache only ([`UpdaterConfig::offline`]).
    ///
    /// A refresh that fails leaves the updater with what the last successful refresh
    /// verified: lookups go on answering from it (checked against that refresh's reference
    /// time), and the next refresh starts again. Unless the failed refresh had moved to a new
    /// root: what was verified with the old root's keys is then dropped, and the next lookup
    /// refreshes first.
    pub fn refresh(&mut self) -> Result<()> {
        let now = self.config.reference_time.unwrap_or_else(DateTime::now);
        // 5.2: from the newest trusted root. When `set` holds it, it was verified already,
        // under the same policy (only `accept_expired_unsafe` differs between the two).
        let policy = self.config.trust_policy();
        let fresh = if self.set.root().version == self.root_version {
            self.set.restart(now, policy.accept_expired_unsafe)
        } else {
            TrustedSet::new(&self.root_bytes, now, policy)?
        };
        let previous = std::mem::replace(&mut self.set, fresh);
        let was_refreshed = std::mem::replace(&mut self.refreshed, false);
        match self.update_cycle() {
            Ok(()) => {
                self.refreshed = true;
                if self.config.trust_policy().accept_expired_unsafe {
                    self.warn_expired_top_level();
                }
                Ok(())
            }
            Err(e) => {
                if was_refreshed && previous.root().version == self.set.root().version {
                    self.set = previous;
                    self.refreshed = true;
                    self.config.log(LogLevel::Info, || {
                        format!("refresh failed, keeping what the previous refresh verified: {e}")
                    });
                }
                Err(e)
            }
        }
    }

    /// One update cycle: 5.3 to 5.6.6 into `self.set`.
    fn update_cycle(&mut self) -> Result<()> {
        self.timestamp_ahead = None;
        self.cache.reopen()?;
        if !self.config.offline {
            self.cache.remove_stale_temp_files()?;
        }
        self.load_root()?;
        // The timestamp, snapshot and targets fetched are written to a directory on a helper
        // thread (`cache_writer.rs`), in order, each while the next one is fetched and
        // verified; the cycle waits for it, and a write that failed fails the cycle.
        let mut writer = LazyWriter::default();
        let loaded = self.load_top_level(&mut writer);
        let Some(finished) = writer.finish() else {
            return loaded;
        };
        for role in finished.kept {
            self.log_kept(role.as_str());
        }
        if let Some(e) = finished.error {
            return Err(e);
        }
        loaded?;
        // A targets role the helper left: the cache holds a copy that may be newer.
        for u in finished.deferred {
            u.save_logged(&self.set, &self.cache, &self.config)?;
        }
        Ok(())
    }

    /// 5.4 to 5.6.6 of one update cycle, the writes handed to `writer`; stops at the next step
    /// once a write failed (the error is the helper's).
    fn load_top_level(&mut self, writer: &mut LazyWriter) -> Result<()> {
        self.load_timestamp(writer)?;
        writer.check()?;
        self.load_snapshot(writer)?;
        writer.check()?;
        load_targets(
            &mut self.set,
            &self.cache,
            self.fetcher.as_mut(),
            &self.config,
            "targets",
            "root",
            Some(writer),
        )
    }

    /// Warns of every top-level role accepted although expired (only
    /// [`UpdaterConfig::offline_accept_expired_unsafe`] allows it).
    fn warn_expired_top_level(&self) {
        let (set, config) = (&self.set, &self.config);
        let now = set.reference_time();
        warn_if_expired(config, now, set.root(), "root");
        if let Some(t) = set.timestamp() {
            warn_if_expired(config, now, t, "timestamp");
        }
        if let Some(s) = set.snapshot() {
            warn_if_expired(config, now, s, "snapshot");
        }
        if let Some(t) = set.targets() {
            warn_if_expired(config, now, t, "targets");
        }
    }

    /// 5.3: root versions N+1, N+2, ... from the local root history first, then from the
    /// repository, until one is missing (HTTP 403/404) or `max_root_rotations` is reached.
    /// Once one new root was found on the repository, the next versions are fetched several
    /// at a time (`root_ahead.rs`), and still verified and persisted one by one, in order
    /// (for a directory, persisted on a helper thread while the next ones are verified:
    /// `cache_writer.rs`; the first that cannot be persisted ends the walk and fails the
    /// refresh, and `root.json` is the newest root persisted).
    /// Offline, from the root history only, until one is missing; one that does not verify
    /// is then an error (online, it is fetched again).
    ///
    /// 5.3.11 (fast-forward attack recovery): when a root fetched from the repository changes
    /// the keys or threshold of the timestamp or snapshot role, the cached timestamp and
    /// snapshot are deleted right away, before that root is persisted. So every root in the
    /// history has had its rotation applied: a cycle that fails further along the chain, or a
    /// process that dies, cannot leave inflated versions behind a root that no longer shows
    /// the rotation; and walking the local history again (an updater bootstrapped with an
    /// older shipped root) is not a rotation, so it keeps the rollback baselines.
    fn load_root(&mut self) -> Result<()> {
        let start = self.set.root().version;
        let max = self.config.root_max_length;
        let offline = self.config.offline;
        let last = start.saturating_add(self.config.max_root_rotations.into());
        let mut ahead = root_ahead::RootsAhead::new(last);
        // The roots fetched are written to a directory on a helper thread, started at the
        // first one (`cache_writer.rs`).
        let mut writer = LazyWriter::default();
        let mut result = (|| {
            for _ in 0..self.config.max_root_rotations {
                if writer.failed() {
                    break; // the error is the helper's, below
                }
                // A root at the highest version has no successor (5.3.3: none is available).
                let Some(next) = self.set.root().version.checked_add(1) else {
                    break;
                };
                let what = format!("root v{next}");
                if let Some(data) = usable(&self.config, self.cache.read_root(next, max), &what)? {
                    match self.set.update_root(&data) {
                        Ok(_) => {
                            self.config
                                .log(LogLevel::Debug, || format!("root v{next}: from the cache"));
                            self.root_bytes = data;
                            self.root_version = next;
                            continue;
                        }
                        Err(e) if offline => return Err(e),
                        Err(e) => self.config.log(LogLevel::Info, || {
                            format!("cached root v{next} rejected: {e}")
                        }),
                    }
                }
                if offline {
                    break;
                }
                let data = match self.fetch_root(next, &mut ahead) {
                    Ok(d) => d,
                    Err(e) if is_not_found(&e) => break,
                    Err(e) => return Err(e),
                };
                let previous = self.set.root().clone();
                self.set.update_root(&data)?;
                self.config.log(LogLevel::Debug, || {
                    let url = self.metadata_url("root", Some(next));
                    format!("root v{next}: from {url}")
                });
                // 5.3.11: fast-forward attack recovery, decided root by root so that it
                // survives a root update that fails later in the chain.
                let rotated = previous.timestamp_snapshot_keys_differ(self.set.root());
                if rotated {
                    self.config.log(LogLevel::Info, || {
                        format!(
                            "root v{next} changes the timestamp or snapshot keys: removing the \
                             cached timestamp and snapshot"
                        )
                    });
                }
                if let Some(w) = writer.get(&self.cache) {
                    w.send(cache_writer::Job::Root {
                        version: next,
                        data,
                        rotated,
                    });
                    continue;
                }
                // Not before the log message: no callback runs under the lock.
                let _lock = self.cache.lock()?;
                if rotated {
                    self.cache.remove("timestamp")?;
                    self.cache.remove("snapshot")?;
                }
                self.cache.write_root(next, &data)?;
                self.root_bytes = data;
                self.root_version = next;
            }
            Ok(())
        })();
        if let Some(finished) = writer.finish() {
            // The newest root persisted (by the helper, or found in the history after the
            // roots it was given) is the one to start the next refresh from.
            if let Some((version, data)) = finished.root {
                if version > self.root_version {
                    self.root_bytes = data;
                    self.root_version = version;
                }
            }
            if let Some(e) = finished.error {
                result = result.and(Err(e));
            }
        }
        if self.set.root().version != start && !offline {
            // Durable: a power cut must not bring back a root the new one replaced.
            let _lock = self.cache.lock()?;
            self.cache.write_root_json(&self.root_bytes, true)?;
        }
        result
    }

    /// The cached timestamp, as 5.4 uses it ([`usable`]).
    fn cached_timestamp(&self) -> Result<Option<Vec<u8>>> {
        let max = self.config.timestamp_max_length;
        usable(&self.config, self.cache.read("timestamp", max), "timestamp")
    }

    /// 5.4: the cached timestamp first (as a rollback baseline, even if expired), then the
    /// remote one, which is persisted unless its version equals the cached one. When the
    /// timestamp was fetched with the first root request (`root_ahead.rs`), that one is the
    /// remote one, and the cached one is what the cache held just before it was asked for.
    /// Offline, the cached one is the final one.
    fn load_timestamp(&mut self, writer: &mut LazyWriter) -> Result<()> {
        let (cached, remote) = match self.timestamp_ahead.take() {
            Some(ahead) => (ahead.cached, Some(ahead.remote)),
            None => (self.cached_timestamp()?, None),
        };
        if self.config.offline {
            let data = required(&self.cache, "timestamp", cached)?;
            self.set.update_timestamp(&data)?;
            let version = self.set.timestamp().map_or(0, |t| t.version);
            self.config.log(LogLevel::Debug, || {
                format!("timestamp v{version}: from the cache (offline)")
            });
            return Ok(());
        }
        if let Some(data) = cached {
            if let Err(e) = self.set.update_timestamp(&data) {
                self.config.log(LogLevel::Debug, || {
                    format!("cached timestamp not valid as final: {e}")
                });
            }
        }
        let url = self.metadata_url("timestamp", None);
        let data = match root_ahead::settled(remote)? {
            Some(data) => data,
            None => {
                let max = self.config.timestamp_max_length;
                fetch_bytes(self.fetcher.as_mut(), &url, max)?
            }
        };
        let update = self.set.update_timestamp(&data)?;
        let version = self.set.timestamp().map_or(0, |t| t.version);
        if update == TimestampUpdate::Updated {
            self.config.log(LogLevel::Debug, || {
                format!("timestamp v{version}: from {url}")
            });
            self.persist_unless_newer(RoleType::Timestamp, data, version, None, writer)?;
        } else {
            self.config.log(LogLevel::Debug, || {
                format!("timestamp v{version}: unchanged")
            });
        }
        Ok(())
    }

    /// 5.5: the cached snapshot when it is valid as the final snapshot (then nothing is
    /// downloaded), else the remote one. Offline, the cached one or an error.
    fn load_snapshot(&mut self, writer: &mut LazyWriter) -> Result<()> {
        let max = self.config.snapshot_max_length;
        let offline = self.config.offline;
        let cached = usable(&self.config, self.cache.read("snapshot", max), "snapshot")?;
        let cached = match offline {
            true => Some(required(&self.cache, "snapshot", cached)?),
            false => cached,
        };
        // The cached snapshot when it is not the final one and not newer than the trusted
        // timestamp lists: if the cache still holds it when the new one is written, it is
        // replaced without being parsed again.
        let mut older = None;
        if let Some(data) = cached {
            // Parsed once, for the version and for the set.
            let parsed = Metadata::<Snapshot>::from_bytes(&data);
            let listed = self.set.timestamp().map(|t| t.snapshot_meta.version);
            // Online, a snapshot newer than the trusted timestamp lists was stored by another
            // updater after this one read its timestamp (the cache is read without the lock
            // held across the whole refresh): it belongs to a later cycle, and must not
            // become this one's rollback baseline (5.5.5 would then refuse the snapshot this
            // cycle's timestamp lists).
            let newer = !offline
                && listed.is_some_and(|l| parsed.as_ref().is_ok_and(|m| m.signed.version > l));
            if !newer {
                match self.set.update_cached_snapshot(parsed, &data) {
                    Ok(s) => {
                        let v = s.version;
                        self.config
                            .log(LogLevel::Debug, || format!("snapshot v{v}: from the cache"));
                        return Ok(());
                    }
                    Err(e) if offline => return Err(e),
                    Err(e) => self.config.log(LogLevel::Debug, || {
                        format!("cached snapshot not valid as final: {e}")
                    }),
                }
                older = Some(data);
            }
        }
        let meta = &self
            .set
            .timestamp()
            .ok_or_else(|| Error::State("timestamp is not loaded".into()))?
            .snapshot_meta;
        let length = meta.length.unwrap_or(self.config.snapshot_max_length);
        let version = self
            .set
            .root()
            .consistent_snapshot()
            .then_some(meta.version);
        let url = self.metadata_url("snapshot", version);
        let data = fetch_bytes(self.fetcher.as_mut(), &url, length)?;
        let v = self.set.update_snapshot(&data, false)?.version;
        self.config
            .log(LogLevel::Debug, || format!("snapshot v{v}: from {url}"));
        self.persist_unless_newer(RoleType::Snapshot, data, v, older, writer)
    }

    /// Persists `data`, the timestamp or snapshot (`role`) of version `version` this updater
    /// just verified, unless the cache holds by now a newer version signed by a threshold of
    /// the trusted root's keys for the role ([`keep_cached`]). The network I/O happens
    /// without the cache lock, so another updater sharing the cache may have stored a newer
    /// version since this one read the cache, and the rollback baseline of the next refresh
    /// (5.4.3, 5.5.5) must not go back. A newer file that the trusted keys did not sign
    /// (garbage, or one signed with keys a root rotation replaced, 5.3.11) is replaced.
    /// `older`: bytes the cache held that are known not to be newer; when the cache still
    /// holds exactly them, they are replaced without being parsed again. For a directory,
    /// handed to `writer`'s helper thread, which decides and writes under the lock.
    fn persist_unless_newer(
        &self,
        role: RoleType,
        data: Vec<u8>,
        version: u64,
        older: Option<Vec<u8>>,
        writer: &mut LazyWriter,
    ) -> Result<()> {
        let max = match role {
            RoleType::Timestamp => self.config.timestamp_max_length,
            _ => self.config.snapshot_max_length,
        };
        if let Some(w) = writer.get(&self.cache) {
            w.send(cache_writer::Job::TopLevel {
                role,
                version,
                data,
                older,
                root: Box::new(self.set.root().clone()),
                max,
            });
            return Ok(());
        }
        let lock = self.cache.lock()?;
        // A store that cannot be read is written: ours is verified.
        if let Ok(Some(cached)) = self.cache.read(role.as_str(), max) {
            if keep_cached(role, self.set.root(), &cached, version, older.as_deref()) {
                drop(lock); // no callback runs under the lock
                self.log_kept(role.as_str());
                return Ok(());
            }
        }
        self.cache.write(role.as_str(), &data)
    }

    /// The debug message of a newer cached `role` kept
    /// ([`persist_unless_newer`](Self::persist_unless_newer)).
    fn log_kept(&self, role: &str) {
        self.config.log(LogLevel::Debug, || {
            format!("{role}: keeping the newer cached version another updater stored")
        });
    }

    /// Looks up `target_path` through the delegation graph (5.6.7), fetching only the
    /// delegated metadata the search needs. Refreshes first if this updater has not.
    /// `Ok(None)`: no trusted role lists the target (5.7.2).
    ///
    /// With the built-in fetcher, online, the delegated roles on the way are fetched one
    /// after the other (each names the next), each verified (5.6.1-5.6.6) before it is
    /// trusted, each fetched while the role before it is verified (the role that one names
    /// first for the target, read before it is verified, when the cache does not hold it:
    /// used only if the search reaches it, and verified then), and each written to the cache
    /// beside the walk (for a directory, on a helper thread while the next ones are fetched
    /// and verified), in order; every role trusted is cached before this returns, whatever
    /// ends the search, and the first write that fails ends it. A transfer that failed for a
    /// transient reason ([`crate::fetch::is_transient`]) is made again alone with the retry
    /// policy, when [`UpdaterConfig::retry`] has retries; any other failure, a cancellation
    /// included, is the lookup's. With a custom fetcher, or offline, each role is cached
    /// before the next one is fetched.
    pub fn get_target_info(&mut self, target_path: &str) -> Result<Option<TargetInfo>> {
        if !self.refreshed {
            self.refresh()?;
        }
        if self.builtin_fetcher && !self.config.offline {
            return self.find_overlapping(target_path);
        }
        let Updater {
            set,
            cache,
            fetcher,
            config,
            ..
        } = self;
        let mut load = |set: &mut TrustedSet, role: &str, delegator: &str| {
            load_targets(set, cache, fetcher.as_mut(), config, role, delegator, None)
        };
        set.find_target(target_path, config.max_delegations, &mut load)
    }
}

/// [`Updater::multi_fetcher`] from the updater's fields, for code that holds them borrowed
/// apart.
fn multi_fetcher(config: &UpdaterConfig, pool: &Option<ConnectionPool>) -> MultiFetcher {
    MultiFetcher::checked(config.fetcher.clone(), config.max_connections, pool.clone())
}

/// The URL of role `role`'s metadata: `BASE/ROLE.json`, or `BASE/VERSION.ROLE.json` under
/// consistent snapshots, the role name percent-encoded (python-tuf's `_download_metadata`).
fn metadata_url(base: &str, role: &str, version: Option<u64>) -> String {
    match version {
        Some(v) => format!("{base}{v}.{}.json", quote(role)),
        None => format!("{base}{}.json", quote(role)),
    }
}

/// Loads targets metadata of `role` into `set`: the cached file when it verifies, else the
/// remote one (with the length from snapshot meta, or the configured maximum), persisted once
/// accepted: handed to `writer`'s helper thread when there is one (a directory), else here.
/// Roles already trusted are not loaded again. Offline, the cached file or an error.
fn load_targets(
    set: &mut TrustedSet,
    cache: &MetadataCache,
    fetcher: &mut dyn Fetcher,
    config: &UpdaterConfig,
    role: &str,
    delegator: &str,
    writer: Option<&mut LazyWriter>,
) -> Result<()> {
    let Some(remote) = load_cached_targets(set, cache, config, role, delegator)? else {
        return Ok(());
    };
    let data = fetch_targets_metadata(
        set,
        fetcher,
        &remote.url,
        role,
        delegator,
        config.targets_max_length,
    )?;
    let u = Unsaved {
        role: role.into(),
        delegator: delegator.into(),
        remote,
        data,
    };
    match writer.and_then(|w| w.get(cache)) {
        Some(w) => {
            u.hand_over(w, set, config);
            Ok(())
        }
        None => u.save(set, cache, config),
    }
}

/// Where the metadata of a targets role that is not trusted yet comes from, and how it is
/// cached: what [`load_cached_targets`] leaves to fetch.
#[derive(Clone)]
struct RemoteTargets {
    url: String,
    /// The version snapshot gives.
    version: u64,
    /// The download limit: the length snapshot gives (5.6.1), else the configured maximum.
    max_length: u64,
    /// The most bytes read from the cache for the role.
    cache_limit: u64,
}

/// A delegated role verified and trusted, not written to the cache yet.
struct Unsaved {
    role: String,
    delegator: String,
    remote: RemoteTargets,
    data: Vec<u8>,
}

impl Unsaved {
    /// Hands the role to the helper `w` (`cache_writer.rs`), which writes it as
    /// [`save`](Self::save) would, after its debug message.
    fn hand_over(self, w: &CacheWriter, set: &TrustedSet, config: &UpdaterConfig) {
        log_fetched(config, &self.role, &self.remote);
        w.send(cache_writer::Job::Role {
            trusted_version: self.remote.version,
            snapshot_len: set.snapshot_len(),
            cache_limit: self.remote.cache_limit,
            unsaved: self,
        });
    }

    /// Writes the role to the cache ([`persist_targets`]), after its debug message.
    fn save(&self, set: &TrustedSet, cache: &MetadataCache, config: &UpdaterConfig) -> Result<()> {
        log_fetched(config, &self.role, &self.remote);
        self.save_logged(set, cache, config)
    }

    /// [`save`](Self::save) but for the debug message, logged already ([`log_fetched`]).
    fn save_logged(
        &self,
        set: &TrustedSet,
        cache: &MetadataCache,
        config: &UpdaterConfig,
    ) -> Result<()> {
        persist_targets(
            set,
            cache,
            config,
            &self.role,
            &self.delegator,
            &self.remote,
            &self.data,
        )
    }
}

/// The first half of [`load_targets`]: `Ok(None)` when `role` (delegated by `delegator`) is
/// trusted already, or now from its cached file; otherwise where to fetch it from (offline:
/// the error saying it is not cached).
fn load_cached_targets(
    set: &mut TrustedSet,
    cache: &MetadataCache,
    config: &UpdaterConfig,
    role: &str,
    delegator: &str,
) -> Result<Option<RemoteTargets>> {
    if set.get_targets(role).is_some() && set.delegator_of(role) == Some(delegator) {
        return Ok(None);
    }
    let remote = remote_targets(set, config, role)?;
    let cached = usable(config, cache.read(role, remote.cache_limit), role)?;
    let now = set.reference_time();
    if let Some(data) = &cached {
        match set.update_delegated_targets(data, role, delegator) {
            Ok(t) => {
                let v = t.version;
                config.log(LogLevel::Debug, || format!("{role} v{v}: from the cache"));
                if role != "targets" && config.trust_policy().accept_expired_unsafe {
                    warn_if_expired(config, now, t, role);
                }
                return Ok(None);
            }
            Err(e) if config.offline => return Err(e),
            Err(e) => config.log(LogLevel::Debug, || format!("cached {role} not valid: {e}")),
        }
    }
    if config.offline {
        return Err(not_cached(cache, role));
    }
    Ok(Some(remote))
}

/// Where the metadata of targets role `role` is fetched from, by the trusted snapshot's entry
/// for it (an error when it has none).
fn remote_targets(set: &TrustedSet, config: &UpdaterConfig, role: &str) -> Result<RemoteTargets> {
    let meta = set.delegated_role_meta(role)?;
    let version = set.root().consistent_snapshot().then_some(meta.version);
    Ok(RemoteTargets {
        url: metadata_url(&config.metadata_base_url, role, version),
        version: meta.version,
        max_length: meta.length.unwrap_or(config.targets_max_length),
        // Read up to the configured maximum even when snapshot gives a length: a cached file
        // of another length may be another version (see persist_targets); verification checks
        // the length.
        cache_limit: meta.length.unwrap_or(0).max(config.targets_max_length),
    })
}

/// The debug message of a role fetched from `remote` and verified, before it is cached.
fn log_fetched(config: &UpdaterConfig, role: &str, remote: &RemoteTargets) {
    config.log(LogLevel::Debug, || {
        format!("{role} v{}: from {}", remote.version, remote.url)
    });
}

/// The second half of [`load_targets`]: caches `data`, the metadata of `role` fetched from
/// `remote` and verified into `set` (its debug message, [`log_fetched`], comes first).
fn persist_targets(
    set: &TrustedSet,
    cache: &MetadataCache,
    config: &UpdaterConfig,
    role: &str,
    delegator: &str,
    remote: &RemoteTargets,
    data: &[u8],
) -> Result<()> {
    // Another updater sharing this cache may have refreshed to a newer snapshot since this
    // one did and stored a newer version of the role: keep it rather than roll the cache
    // back, but only if the cached snapshot vouches for it against what this updater trusts
    // (a role that only a superseded snapshot vouched for, e.g. before the snapshot keys
    // rotated, is replaced: 5.3.11). The version number alone decides nothing. The cache is
    // read again under the lock: the fetch ran without it.
    let lock = cache.lock()?;
    // A store that cannot be read is written: ours is verified.
    if let Ok(Some(cached)) = cache.read(role, remote.cache_limit) {
        // Only a cached role that claims a version above the trusted snapshot's can be kept.
        // For a role smaller than the snapshot, that claim is checked first: the usual cached
        // role, an older version cached before the repository moved on, is then replaced
        // without reading the cached snapshot, let alone parsing and verifying it (a larger
        // one is checked against the cached snapshot first, the cheaper of the two).
        let keep = (cached.len() > set.snapshot_len()
            || set.claims_newer_cached_role(role, &cached))
            && cache
                .read("snapshot", config.snapshot_max_length)
                .unwrap_or(None)
                .is_some_and(|s| set.vouches_for_newer_cached_role(&s, role, delegator, &cached));
        if keep {
            drop(lock); // no callback runs under the lock
            config.log(LogLevel::Debug, || {
                format!("{role}: keeping the newer cached version another updater stored")
            });
            return Ok(());
        }
    }
    cache.write(role, data)
}

/// Whether the cached copy of the timestamp or snapshot (`role`) is kept instead of being
/// replaced by version `version` ([`Updater::persist_unless_newer`]): it is not `older`
/// (bytes known not to be newer), and is a version above `version` signed by a threshold of
/// the keys `root` gives the role.
fn keep_cached(
    role: RoleType,
    root: &crate::metadata::Root,
    cached: &[u8],
    version: u64,
    older: Option<&[u8]>,
) -> bool {
    older != Some(cached)
        && match role {
            RoleType::Timestamp => signed_and_newer::<Timestamp>(root, cached, version),
            RoleType::Snapshot => signed_and_newer::<Snapshot>(root, cached, version),
            _ => false,
        }
}

/// Whether `cached` is metadata of role `T` of a version above `version`, signed by a
/// threshold of the keys `root` gives the role.
fn signed_and_newer<T: Signed>(root: &crate::metadata::Root, cached: &[u8], version: u64) -> bool {
    let Ok(md) = Metadata::<T>::from_bytes(cached) else {
        return false;
    };
    let Some(keys) = root.role(T::TYPE) else {
        return false;
    };
    md.signed.version() > version
        && crate::verify::verify_threshold(
            T::TYPE.as_str(),
            &root.keys,
            &keys.keyids,
            keys.threshold,
            &md.signed_bytes_with_capacity(cached.len()),
            &md.signatures,
        )
        .is_ok()
}
