//! The default metadata store: a directory, in python-tuf's layout, that several processes can
//! share.
//!
//! Layout (`DIR` is the metadata directory; the store's names, see `store.rs`, are the paths
//! relative to it):
//!
//! ```text
//! DIR/root_history/N.root.json   every trusted root version
//! DIR/root_history/.NAME.*.tmp   temporary files of writes in progress
//! DIR/root.json                  the newest trusted root
//! DIR/timestamp.json, DIR/snapshot.json, DIR/targets.json
//! DIR/ROLE.json                  delegated roles, the name percent-encoded ("a%2Fb.json")
//! DIR/.lock                      advisory lock file
//! ```
//!
//! The directory is the caller's choice (it may be a symbolic link), but everything inside it
//! is hostile input: others may be able to write there while the process runs as root. Files
//! in it are opened relative to directory handles, never through a link, without blocking on
//! a FIFO, and used only if they are regular files; `root_history/` is never entered through
//! a link (a link or a file in its place is replaced by a directory), nor is `.lock` (see
//! [`super::fs`]).
//!
//! Every file is written to a new temporary file, created exclusively in `DIR/root_history`
//! (under a name no root of the history can have: it starts with a dot), then renamed over
//! the old one, so a process that dies at any instant leaves either the old or the new file,
//! never a torn one. The temporary files share the history's directory rather than having
//! their own: each directory is one more inode to create when a cache is made, and creating
//! inodes is most of what making a cache costs. The root history and `root.json` stay
//! separate files even when they hold the same root, so that a `root.json` damaged in place
//! is recovered from the history. python-tuf makes `root.json` a symlink, replaced by
//! remove-then-link; a plain file replaced by rename is atomic, and python-tuf reads either.
//!
//! # The lock
//!
//! `DIR/.lock` is an exclusive advisory lock (see `cache.rs` for when the updater holds it).
//! The file is opened once per refresh and kept open between the locks of that refresh; a
//! kept file is used again only while it is still the entry `.lock` (checked once locked),
//! else a new one is opened, as at the first lock.
//! Waiting for it is bounded by `UpdaterConfig::lock_timeout`; running out is an I/O error
//! whose source is of kind `TimedOut`. A thread that holds it already and asks again (a
//! callback calling into an updater on the same directory while the lock is held) gets
//! [`Error::State`] at once instead of waiting for itself (`reentry.rs`).

use std::ffi::OsStr;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::fs::{self, Dir};
use super::reentry::{self, StoreId};
use super::store::{history_version, MetadataStore, StoreLock};
use crate::error::{Error, Result};

/// The open directories of a metadata cache.
#[derive(Debug)]
struct Dirs {
    /// `DIR` itself, opened following links (the caller's choice).
    top: Dir,
    /// `DIR/root_history`, never through a link: the root history, and the temporary files
    /// of writes in progress. Every metadata write happens under the cache lock, so whatever
    /// matches the temporary-name pattern there while the lock is held was left by a process
    /// that died mid-write, and is removed.
    history: Dir,
}

impl Dirs {
    fn open(dir: &Path) -> Result<Dirs> {
        let top = Dir::create(dir).map_err(|e| Error::io(dir, e))?;
        let sub = |name: &str| top.subdir(name).map_err(|e| Error::io(top.join(name), e));
        Ok(Dirs {
            history: sub("root_history")?,
            top,
        })
    }
}

/// The metadata cache of one directory.
#[derive(Debug)]
pub(crate) struct FileStore {
    path: PathBuf,
    /// The canonical path of the directory: which cache this is, for re-entry detection.
    id: StoreId,
    dirs: Dirs,
    lock_timeout: Duration,
    /// `DIR/.lock`, kept open between the locks of one refresh (emptied by
    /// [`reopen`](FileStore::reopen)), so that each lock costs a `flock` pair and a `stat`
    /// instead of an open, its checks and a close. Taken out while a lock is held: another
    /// thread locking meanwhile opens its own (`flock` excludes open files, not processes).
    lock_file: Arc<Mutex<Option<LockFile>>>,
}

/// An open `DIR/.lock`, and which file it is.
#[derive(Debug)]
struct LockFile {
    file: std::fs::File,
    dev: u64,
    ino: u64,
}

/// An exclusive advisory lock on the directory, released when dropped.
struct DirLock {
    file: Option<LockFile>,
    /// Where the lock file goes back once released.
    slot: Arc<Mutex<Option<LockFile>>>,
    // Dropped after `drop` released the lock.
    _held: reentry::HeldByThisThread,
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let Some(lock) = self.file.take() else { return };
        // Released here; kept open for the next lock only if that worked (closing it
        // releases the lock otherwise).
        if lock.file.unlock().is_ok() {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.is_none() {
                *slot = Some(lock);
            }
        }
    }
}

/// The longest pause between two attempts to take the lock.
const LOCK_POLL_MAX: Duration = Duration::from_millis(50);

/// The lock file's name.
const LOCK: &str = ".lock";

/// The prefix of the names of the root history.
const HISTORY: &str = "root_history/";

fn canonical_id(dir: &Path) -> Result<StoreId> {
    let path = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    Ok(StoreId::Dir(path))
}

impl FileStore {
    /// The store in `dir` (created if missing, with `root_history/`). Taking the lock waits
    /// at most `lock_timeout`.
    pub fn open(dir: &Path, lock_timeout: Duration) -> Result<FileStore> {
        let dirs = Dirs::open(dir)?;
        Ok(FileStore {
            path: dir.to_path_buf(),
            id: canonical_id(dir)?,
            dirs,
            lock_timeout,
            lock_file: Arc::default(),
        })
    }

    /// The same store opened again (at the start of every refresh), so that a directory
    /// replaced since, by the caller or by anyone else, is used as it is now: never through
    /// a link, recreated if missing.
    pub fn reopened(&self) -> Result<FileStore> {
        FileStore::open(&self.path, self.lock_timeout)
    }

    /// Opens `DIR/.lock` (see [`Dir::open_or_create_regular`]).
    fn open_lock_file(&self) -> Result<LockFile> {
        let path = self.dirs.top.join(LOCK);
        let file = self
            .dirs
            .top
            .open_or_create_regular(LOCK)
            .map_err(|e| Error::io(&path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(&path, e))?;
        Ok(LockFile {
            file,
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }

    /// Removes temporary files left by processes that died while writing. Call with the lock
    /// held.
    pub fn remove_stale_temp_files(&self) {
        self.dirs.history.remove_temp_files(|_, _| true);
    }

    /// The directory and file name of the store's `name`: `root_history/FILE` in the history,
    /// anything else in the directory itself (a name with another `/` is refused when used).
    fn locate<'a>(&self, name: &'a str) -> (&Dir, &'a str) {
        match name.strip_prefix(HISTORY) {
            Some(file) => (&self.dirs.history, file),
            None => (&self.dirs.top, name),
        }
    }
}

impl MetadataStore for FileStore {
    /// A file that is missing, unreadable, larger than `max_length` or not a regular file is
    /// simply not used: `Ok(None)`.
    fn read(&self, name: &str, max_length: u64) -> Result<Option<Vec<u8>>> {
        let (dir, file) = self.locate(name);
        Ok(dir.read_limited(OsStr::new(file), max_length))
    }

    /// Replaces the file through a temporary file in `DIR/root_history`.
    fn write(&self, name: &str, data: &[u8], durable: bool) -> Result<()> {
        let (dir, file) = self.locate(name);
        fs::replace(&self.dirs.history, dir, file.as_ref(), data, durable)
            .map_err(|e| Error::io(dir.join(file), e))
    }

    /// Removes the entry, whatever it is but a directory (a link itself, never its target).
    fn remove(&self, name: &str) -> Result<()> {
        let (dir, file) = self.locate(name);
        dir.remove(file.as_ref())
            .map_err(|e| Error::io(dir.join(file), e))
    }

    /// Takes the directory's exclusive lock, waiting at most the configured time for other
    /// processes (and other updaters of this process) to release it.
    ///
    /// Fails with [`Error::Io`] (an [`io::ErrorKind::TimedOut`] source) when the wait runs
    /// out, and with [`Error::State`] at once when this thread holds the lock already (a
    /// callback called while it is held calling into an updater on the same cache).
    fn lock(&self) -> Result<StoreLock> {
        // Waiting for a lock this thread holds would never end: refuse instead.
        let held = reentry::enter(&self.id)?;
        let path = self.dirs.top.join(LOCK);
        let kept = self
            .lock_file
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let mut check = kept.is_some();
        let mut file = match kept {
            Some(file) => file,
            None => self.open_lock_file()?,
        };
        // A file kept from an earlier lock must still be the entry `.lock` once locked (else
        // it is dropped for a new open, as a first lock does).
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.file.try_lock() {
                Ok(())
                    if check
                        && self.dirs.top.entry_id(LOCK.as_ref()) != Some((file.dev, file.ino)) =>
                {
                    drop(file);
                    file = self.open_lock_file()?;
                    check = false;
                    continue;
                }
                Ok(()) => {
                    return Ok(StoreLock::new(DirLock {
                        file: Some(file),
                        slot: self.lock_file.clone(),
                        _held: held,
                    }))
                }
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            let waited = start.elapsed();
            if waited >= self.lock_timeout {
                let msg = format!(
                    "another updater or process held the cache lock for more than the lock \
                     timeout ({} ms)",
                    self.lock_timeout.as_millis()
                );
                return Err(Error::io(
                    &path,
                    io::Error::new(io::ErrorKind::TimedOut, msg),
                ));
            }
            std::thread::sleep(pause.min(self.lock_timeout - waited));
            pause = (pause * 2).min(LOCK_POLL_MAX);
        }
    }

    fn root_history(&self) -> Vec<u64> {
        let mut versions = Vec::new();
        let _ = self.dirs.history.for_each_entry(|name| {
            versions.extend(name.to_str().and_then(history_version));
        });
        versions
    }

    fn describe(&self, name: &str) -> String {
        let (dir, file) = self.locate(name);
        dir.join(file).display().to_string()
    }
}

#[cfg(test)]
#[path = "store_fs_tests.rs"]
mod tests;
