//! The local metadata cache: python-tuf's layout, atomic writes, and an advisory lock so that
//! several processes can share one cache.
//!
//! Layout (`DIR` is the metadata directory):
//!
//! ```text
//! DIR/root_history/N.root.json   every trusted root version
//! DIR/root.json                  the newest trusted root
//! DIR/timestamp.json, DIR/snapshot.json, DIR/targets.json
//! DIR/ROLE.json                  delegated roles, the name percent-encoded ("a%2Fb.json")
//! DIR/.lock                      advisory lock file
//! DIR/.tmp/                      temporary files of writes in progress
//! ```
//!
//! The directory is the caller's choice (it may be a symbolic link), but everything inside it
//! is hostile input: others may be able to write there while the process runs as root. Files
//! in it are opened relative to directory handles, never through a link, without blocking on
//! a FIFO, and used only if they are regular files; `root_history/` and `.tmp/` are never
//! entered through a link (a link or a file in their place is replaced by a directory), nor
//! is `.lock` (see [`super::fs`]). A lost or corrupt `root.json` is recovered from the newest
//! root of `root_history/` that verifies ([`MetadataCache::trusted_root`]).
//!
//! Every file is written to a new temporary file, created exclusively in `DIR/.tmp`, then
//! renamed over the old one, so a process that dies at any instant leaves either the old or
//! the new file, never a torn one. python-tuf makes `root.json` a symlink, replaced by remove-then-link; a plain file
//! replaced by rename is atomic, and python-tuf reads either.
//!
//! # Sharing the cache: the lock
//!
//! Any number of updaters, in one process or many, may share the directory. `DIR/.lock` is
//! an advisory lock that an updater holds only while it reads, decides and writes files,
//! never while it waits on the network, so a stalled mirror delays only the updater that
//! uses it. It is held
//!
//! - at the start of a refresh, to remove stale temporary files from `.tmp/`: every write
//!   creates its temporary file under the lock, so one found there while the lock is held
//!   belongs to a process that died;
//! - around each write or removal together with the decision it rests on: a cached
//!   timestamp, snapshot or targets role is read again under the lock and kept, instead of
//!   being replaced, when it is a newer version that verification vouches for (another
//!   updater stored it since this one read the cache: the rollback baseline must not go
//!   back); `root.json` is never replaced by an older root; 5.3.11's removal of the cached
//!   timestamp and snapshot happens under the same lock as the write of the root that
//!   demands it.
//!
//! No callback (fetcher, log, progress) runs while the lock is held, so a callback may create
//! and refresh another updater on the same directory. Reading a cached file needs no lock:
//! files are only ever replaced whole, by rename.
//! Waiting for the lock is bounded by `UpdaterConfig::lock_timeout`; running out is an I/O
//! error whose source is of kind `TimedOut`. Compared with a lock over the whole refresh,
//! two updaters may now download the same new metadata at the same time (each verifies what
//! it fetched against what it trusts, so neither trusts anything less), and the cache may
//! for a moment hold a timestamp newer than the snapshot beside it; an updater reading such
//! a mix verifies every file and downloads what does not fit, as for any stale cache.
//!
//! Durability across power loss costs an fsync per file, and an fsync also waits for whatever
//! else the system has yet to write (milliseconds to hundreds of them on a busy machine), so it
//! is spent where it protects something that cannot be fetched again: when a refresh moves to
//! a new root, `root.json` is flushed before the rename and its directory after it, so that a
//! power cut cannot bring back a root whose keys the new one revoked. Everything else is
//! verified again whenever it is used, so a file lost or torn by a power cut is detected and
//! fetched again; what it can cost is the newest rollback baseline (timestamp and snapshot
//! versions, digest 6.20), as in python-tuf, which never flushes. `UpdaterConfig::
//! sync_all_writes` flushes every metadata and target file.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::fs::{self, Dir};
use super::{LogLevel, UpdaterConfig};
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

/// The open directories of a metadata cache.
#[derive(Debug)]
struct Dirs {
    /// `DIR` itself, opened following links (the caller's choice).
    top: Dir,
    /// `DIR/root_history`, never through a link.
    history: Dir,
    /// `DIR/.tmp`, never through a link: temporary files of writes in progress. Every
    /// metadata write happens under the cache lock, so whatever matches the temporary-name
    /// pattern there while the lock is held was left by a process that died mid-write, and
    /// is removed.
    tmp: Dir,
}

impl Dirs {
    fn open(dir: &Path) -> Result<Dirs> {
        let top = Dir::create(dir).map_err(|e| Error::io(dir, e))?;
        let sub = |name: &str| top.subdir(name).map_err(|e| Error::io(top.join(name), e));
        Ok(Dirs {
            history: sub("root_history")?,
            tmp: sub(".tmp")?,
            top,
        })
    }
}

/// The metadata cache of one directory.
#[derive(Debug)]
pub(crate) struct MetadataCache {
    path: PathBuf,
    /// The canonical path of the directory: which cache this is, for re-entry detection.
    id: PathBuf,
    dirs: Dirs,
    sync_all: bool,
    lock_timeout: Duration,
    policy: Policy,
    root_max_length: u64,
}

/// An exclusive advisory lock on the cache, released when dropped.
pub(crate) struct CacheLock {
    _file: std::fs::File,
    // Dropped after the file (fields drop in order): the lock is released first.
    _held: super::reentry::HeldByThisThread,
}

/// The longest pause between two attempts to take the lock.
const LOCK_POLL_MAX: Duration = Duration::from_millis(50);

/// At most this many files of `root_history/` are tried when recovering a lost `root.json`,
/// newest first (a hostile directory may hold any number).
const HISTORY_CANDIDATES: usize = 64;

impl MetadataCache {
    /// The cache in `config.metadata_dir` (created if missing, with `root_history/` and
    /// `.tmp/`). With `sync_all_writes`, every write is durable; otherwise only a new trusted
    /// root is (see the module docs). Taking the lock waits at most `lock_timeout`; `policy`
    /// and `root_max_length` apply to cached roots.
    pub fn open(config: &UpdaterConfig) -> Result<MetadataCache> {
        let dir = &config.metadata_dir;
        let dirs = Dirs::open(dir)?;
        Ok(MetadataCache {
            path: dir.clone(),
            id: std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?,
            dirs,
            sync_all: config.sync_all_writes,
            lock_timeout: config.lock_timeout,
            policy: config.policy.clone(),
            root_max_length: config.root_max_length,
        })
    }

    /// Opens the directories again (at the start of every refresh), so that a directory
    /// replaced since, by the caller or by anyone else, is used as it is now: never through
    /// a link, recreated if missing.
    pub fn reopen(&mut self) -> Result<()> {
        self.dirs = Dirs::open(&self.path)?;
        self.id = std::fs::canonicalize(&self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(())
    }

    /// Removes temporary files left by processes that died while writing. Call with the lock
    /// held.
    pub fn remove_stale_temp_files(&self) {
        self.dirs.tmp.remove_temp_files(|_, _| true);
    }

    /// Replaces `name` in `dir` with `data` through a temporary file in `DIR/.tmp`.
    fn replace(&self, dir: &Dir, name: &str, data: &[u8], durable: bool) -> Result<()> {
        fs::replace(&self.dirs.tmp, dir, name.as_ref(), data, durable)
            .map_err(|e| Error::io(dir.join(name), e))
    }

    /// Takes the cache's exclusive lock, waiting at most the configured time for other
    /// processes (and other updaters of this process) to release it.
    ///
    /// Fails with [`Error::Io`] (an [`io::ErrorKind::TimedOut`] source) when the wait runs
    /// out, and with [`Error::State`] at once when this thread holds the lock already (a
    /// callback called while it is held calling into an updater on the same cache).
    pub fn lock(&self) -> Result<CacheLock> {
        // Waiting for a lock this thread holds would never end: refuse instead.
        let held = super::reentry::enter(&self.id)?;
        let name = ".lock";
        let path = self.dirs.top.join(name);
        let file = self
            .dirs
            .top
            .open_or_create_regular(name)
            .map_err(|e| Error::io(&path, e))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(CacheLock {
                        _file: file,
                        _held: held,
                    })
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

    fn role_name(role: &str) -> String {
        format!("{}.json", quote(role))
    }

    fn root_name(version: u64) -> String {
        format!("{version}.root.json")
    }

    pub fn read(&self, role: &str, max: u64) -> Option<Vec<u8>> {
        self.dirs
            .top
            .read_limited(OsStr::new(&Self::role_name(role)), max)
    }

    /// Writes the cached metadata of `role`. Call with the lock held.
    pub fn write(&self, role: &str, data: &[u8]) -> Result<()> {
        self.replace(&self.dirs.top, &Self::role_name(role), data, self.sync_all)
    }

    /// Removes the cached metadata of `role` (the entry, whatever it is but a directory).
    /// Call with the lock held.
    pub fn remove(&self, role: &str) -> Result<()> {
        let name = Self::role_name(role);
        self.dirs
            .top
            .remove(name.as_ref())
            .map_err(|e| Error::io(self.dirs.top.join(&name), e))
    }

    /// The cached `root.json`.
    pub fn read_root_json(&self, max: u64) -> Option<Vec<u8>> {
        self.dirs.top.read_limited(OsStr::new("root.json"), max)
    }

    /// The path of `root.json` (for messages).
    pub fn root_json_path(&self) -> PathBuf {
        self.dirs.top.join("root.json")
    }

    /// Persists `data`, a root this updater trusts, as the cached `root.json` (the newest
    /// trusted root), flushed to disk when `durable` (or when every write is), unless the
    /// cached one is already at least as new: another updater sharing the cache may have
    /// moved it further since this one read it. Only a cached root that is signed by a
    /// threshold of its own keys (5.2) counts. Call with the lock held.
    pub fn write_root_json(&self, data: &[u8], durable: bool) -> Result<()> {
        let version = |bytes: &[u8]| {
            TrustedSet::new(bytes, DateTime::now(), self.policy.clone())
                .ok()
                .map(|s| s.root().version)
        };
        let ours = Metadata::<Root>::from_bytes(data)?.signed.version;
        let cached = self.read_root_json(self.root_max_length);
        if cached.as_deref().and_then(version) >= Some(ours) {
            return Ok(());
        }
        self.replace(&self.dirs.top, "root.json", data, durable || self.sync_all)
    }

    pub fn read_root(&self, version: u64, max: u64) -> Option<Vec<u8>> {
        self.dirs
            .history
            .read_limited(OsStr::new(&Self::root_name(version)), max)
    }

    /// The versions of the roots in the root history (`N.root.json`), newest first, at most
    /// the 64 newest.
    pub fn history_versions(&self) -> Vec<u64> {
        let mut versions = Vec::new();
        let _ = self.dirs.history.for_each_entry(|name| {
            let version = name
                .to_str()
                .and_then(|n| n.strip_suffix(".root.json"))
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok());
            versions.extend(version);
        });
        versions.sort_unstable_by(|a, b| b.cmp(a));
        versions.truncate(HISTORY_CANDIDATES);
        versions
    }

    /// The root to start from when no bootstrap root is given: the cached `root.json`, or,
    /// when it is missing or does not verify, the newest root of `root_history/` that does.
    /// Either must be signed by a threshold of its own root keys (5.2), and a history file
    /// must hold the version its name gives; the refresh then walks to newer roots as usual
    /// (5.3).
    ///
    /// Trust: `root.json` and `root_history/N.root.json` are both written by libtuf only, each
    /// with a root it had verified (5.3.4 to 5.3.8), in the same directory with the same
    /// permissions; the cache is the trust anchor either way, as python-tuf trusts its local
    /// root. So a history file is as trustworthy as `root.json`, and whoever could plant a
    /// root in the history could as well replace `root.json`. Starting from the newest one
    /// is what `root.json` would have given, and keeps the rotations the history already
    /// records (an older start would walk them again from the cache anyway).
    ///
    /// Fails with `root.json`'s error when nothing verifies: [`Error::InvalidArgument`] when
    /// it is missing, else the verification error.
    pub fn trusted_root(
        &self,
        config: &UpdaterConfig,
        now: DateTime,
    ) -> Result<(TrustedSet, Vec<u8>)> {
        let max = config.root_max_length;
        let policy = || config.policy.clone();
        let error = match self.read_root_json(max) {
            Some(bytes) => match TrustedSet::new(&bytes, now, policy()) {
                Ok(set) => return Ok((set, bytes)),
                Err(e) => e,
            },
            None => Error::InvalidArgument(format!(
                "no bootstrap root given and no usable {}",
                self.root_json_path().display()
            )),
        };
        for version in self.history_versions() {
            let Some(bytes) = self.read_root(version, max) else {
                continue;
            };
            match TrustedSet::new(&bytes, now, policy()) {
                Ok(set) if set.root().version == version => {
                    config.log(LogLevel::Warn, || {
                        format!(
                            "{}: {error}; starting from root_history/{version}.root.json",
                            self.root_json_path().display()
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
        self.replace(
            &self.dirs.history,
            &Self::root_name(version),
            data,
            self.sync_all,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
