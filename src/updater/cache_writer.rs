//! Cache writes on a helper thread (`tuf-cache`) while a chain of roles is walked: the new
//! roots of a refresh (5.3), its timestamp, snapshot and targets (5.4 to 5.6), and the
//! delegated roles on the way to a target (5.6.7). Each role of a chain is verified against
//! the one before it, so the chain is walked one role after the other; writing a role to a
//! metadata directory costs about as much as fetching and verifying it (creating the file is
//! the costly part), and nothing in the walk waits for the write. So the writes run beside
//! the walk instead of between its steps:
//!
//! - in the order the roles were verified, each under the cache lock together with the
//!   decision it rests on, as on the calling thread;
//! - only for a directory: an application's store, and the in-memory one, are written on the
//!   calling thread as before (an application's functions run on the thread that called the
//!   updater, as its documentation says);
//! - the helper runs no callback (the updater logs each write before handing it over) and
//!   calls nothing but the directory store;
//! - the first write that fails ends the helper's work (no later write is made) and the walk
//!   at its next step: the failure is the operation's;
//! - the walk waits for the helper before it returns, whatever ends it ([`CacheWriter::finish`]):
//!   every role written is written by then, and no write is made after it returns.
//!
//! A delegated role is written unless the cache holds a version of it that may be newer than
//! the one trusted (another updater sharing the cache stored it since). That decision needs the
//! whole trusted set ([`persist_targets`](super::persist_targets)), which the walk is changing:
//! the helper leaves such a role to the caller ([`Finished::deferred`]), which decides after the
//! walk, as the calling thread always did. The cheap test that sends it there is the one
//! `persist_targets` makes first, on the same values.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;

use super::cache::MetadataCache;
use super::store::MetadataStore;
use super::store_fs::FileStore;
use super::{keep_cached, Unsaved};
use crate::error::{Error, Result};
use crate::metadata::{RoleType, Root};
use crate::verify::claims_version_above;

/// A write handed to the helper.
pub(super) enum Job {
    /// The timestamp or snapshot (`role`), verified at `version`: written unless the cache
    /// holds by now a newer version signed by a threshold of `root`'s keys for the role, and
    /// not `older` ([`keep_cached`]); `max`: how much of a cached copy is read.
    TopLevel {
        role: RoleType,
        version: u64,
        data: Vec<u8>,
        older: Option<Vec<u8>>,
        root: Box<Root>,
        max: u64,
    },
    /// Root `version`, verified, into the root history (5.3.8); first, when `rotated`, the
    /// cached timestamp and snapshot are removed (5.3.11), under the same lock.
    Root {
        version: u64,
        data: Vec<u8>,
        rotated: bool,
    },
    /// A delegated role, verified; `trusted_version` is the version the trusted snapshot
    /// gives it, `snapshot_len` the trusted snapshot's length, `cache_limit` how much of a
    /// cached copy is read.
    Role {
        unsaved: Unsaved,
        trusted_version: u64,
        snapshot_len: usize,
        cache_limit: u64,
    },
}

/// What the helper did, once the walk is over.
#[derive(Default)]
pub(super) struct Finished {
    /// The newest root written to the root history, and its bytes (the roots are handed over
    /// oldest first).
    pub root: Option<(u64, Vec<u8>)>,
    /// The delegated roles left to the caller: the cache holds a copy that may be newer.
    pub deferred: Vec<Unsaved>,
    /// The timestamp or snapshot not written: the cache holds a newer one, which is kept.
    pub kept: Vec<RoleType>,
    /// The first write that failed.
    pub error: Option<Error>,
}

/// The helper thread of one walk.
pub(super) struct CacheWriter {
    jobs: Option<mpsc::Sender<Job>>,
    helper: Option<JoinHandle<Finished>>,
    failed: Arc<AtomicBool>,
}

impl CacheWriter {
    /// A helper writing to `cache`, or `None` (the caller writes on its own thread) when the
    /// cache is not a directory or the system gives no thread.
    fn start(cache: &MetadataCache) -> Option<CacheWriter> {
        let (store, sync_all) = cache.shared_files()?;
        let (tx, rx) = mpsc::channel::<Job>();
        let failed = Arc::new(AtomicBool::new(false));
        let flag = failed.clone();
        let helper = std::thread::Builder::new()
            .name("tuf-cache".into())
            .spawn(move || {
                let mut finished = Finished::default();
                for job in rx {
                    match run(&store, sync_all, job) {
                        Ok(Written::Root(version, data)) => finished.root = Some((version, data)),
                        Ok(Written::Role) => {}
                        Ok(Written::Deferred(unsaved)) => finished.deferred.push(unsaved),
                        Ok(Written::Kept(role)) => finished.kept.push(role),
                        Err(e) => {
                            flag.store(true, Ordering::Release);
                            finished.error = Some(e);
                            break;
                        }
                    }
                }
                finished
            })
            .ok()?;
        Some(CacheWriter {
            jobs: Some(tx),
            helper: Some(helper),
            failed,
        })
    }

    /// Hands `job` over; it is done after every job handed over before it.
    pub fn send(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            // A helper that stopped (a write failed) drops the job: `failed` says so.
            let _ = jobs.send(job);
        }
    }

    /// Whether a write failed: the walk stops, and [`finish`](Self::finish) tells the error.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// Waits until every job handed over is done (or a write failed).
    pub fn finish(mut self) -> Finished {
        match self.join() {
            Some(Ok(finished)) => finished,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Finished::default(),
        }
    }

    /// Ends the helper's work (no job comes after) and waits for it; `None` once done.
    fn join(&mut self) -> Option<std::thread::Result<Finished>> {
        drop(self.jobs.take());
        self.helper.take().map(JoinHandle::join)
    }
}

/// The helper of one walk, started when the walk hands over its first write: a walk that
/// writes nothing starts no thread.
#[derive(Default)]
pub(super) enum LazyWriter {
    #[default]
    NotStarted,
    Running(CacheWriter),
    /// The cache is not a directory, or the system gave no thread: the caller writes.
    Unavailable,
}

impl LazyWriter {
    /// The helper, started at the first call; `None` when there is none (the caller then
    /// writes on its own thread).
    pub fn get(&mut self, cache: &MetadataCache) -> Option<&CacheWriter> {
        if matches!(self, LazyWriter::NotStarted) {
            *self = CacheWriter::start(cache).map_or(LazyWriter::Unavailable, LazyWriter::Running);
        }
        match self {
            LazyWriter::Running(w) => Some(w),
            _ => None,
        }
    }

    /// Whether a write of the helper failed ([`CacheWriter::failed`]).
    pub fn failed(&self) -> bool {
        matches!(self, LazyWriter::Running(w) if w.failed())
    }

    /// An error when a write of the helper failed, for the walk to stop at its next step;
    /// [`finish`](Self::finish) tells the write's own error.
    pub fn check(&self) -> Result<()> {
        match self.failed() {
            true => Err(Error::State("a cache write failed".into())),
            false => Ok(()),
        }
    }

    /// What the helper did ([`CacheWriter::finish`]); `None` when none was started.
    pub fn finish(self) -> Option<Finished> {
        match self {
            LazyWriter::Running(w) => Some(w.finish()),
            _ => None,
        }
    }
}

impl Drop for CacheWriter {
    /// A walk that ends without [`finish`](CacheWriter::finish) (a panic unwinding) still
    /// waits for the helper: no write happens after the walk is over.
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// What a job done left.
enum Written {
    /// Root `version`, with its bytes, is in the root history.
    Root(u64, Vec<u8>),
    /// The timestamp, snapshot or targets role is in the cache.
    Role,
    /// The delegated role is left to the caller.
    Deferred(Unsaved),
    /// The cache's newer timestamp or snapshot is kept.
    Kept(RoleType),
}

/// Does `job`.
fn run(store: &FileStore, sync_all: bool, job: Job) -> Result<Written> {
    let _lock = store.lock()?;
    match job {
        Job::TopLevel {
            role,
            version,
            data,
            older,
            root,
            max,
        } => {
            let name = MetadataCache::role_name(role.as_str());
            // As `persist_unless_newer`. A store that cannot be read is written: ours is
            // verified.
            if let Ok(Some(cached)) = store.read(&name, max) {
                if keep_cached(role, &root, &cached, version, older.as_deref()) {
                    return Ok(Written::Kept(role));
                }
            }
            store.write(&name, &data, sync_all)?;
            Ok(Written::Role)
        }
        Job::Root {
            version,
            data,
            rotated,
        } => {
            if rotated {
                store.remove(&MetadataCache::role_name("timestamp"))?;
                store.remove(&MetadataCache::role_name("snapshot"))?;
            }
            store.write(&MetadataCache::root_name(version), &data, sync_all)?;
            Ok(Written::Root(version, data))
        }
        Job::Role {
            unsaved,
            trusted_version,
            snapshot_len,
            cache_limit,
        } => {
            let name = MetadataCache::role_name(&unsaved.role);
            // As `persist_targets`: only a cached copy larger than the trusted snapshot, or
            // claiming a version above the trusted one, may be kept; the caller decides.
            // A store that cannot be read is written: ours is verified.
            if let Ok(Some(cached)) = store.read(&name, cache_limit) {
                let may_be_newer =
                    cached.len() > snapshot_len || claims_version_above(&cached, trusted_version);
                if may_be_newer {
                    return Ok(Written::Deferred(unsaved));
                }
            }
            store.write(&name, &unsaved.data, sync_all)?;
            Ok(Written::Role)
        }
    }
}
