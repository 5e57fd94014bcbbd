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
//! Every file is written to a temporary file in the same directory, then renamed over the old
//! one, so a process that dies at any instant leaves either the old or the new file, never a
//! torn one. python-tuf makes `root.json` a symlink, replaced by remove-then-link; a plain file
//! replaced by rename is atomic, and python-tuf reads either.
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

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Percent-encodes `s` as Python's `urllib.parse.quote(s, safe="")`: everything but ASCII
/// letters, digits and `_.-~` becomes `%XX`, so a role name or target path is always one
/// file name (no `/`, no `..` traversal; digest 6.35).
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

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file name for `path` in `dir`, unique across processes and threads.
pub(crate) fn temp_path_in(dir: &Path, path: &Path) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.{}.{n}.{nanos:x}.tmp", std::process::id()))
}

/// A temporary file name beside `path`, unique across processes and threads.
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    temp_path_in(path.parent().unwrap_or(Path::new(".")), path)
}

/// Writes `data` to `path` atomically and durably: temporary file in the same directory,
/// fsync, rename, fsync of the directory.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    write_replace(path, data, true)
}

/// Writes `data` to `path` through a temporary file in the same directory and a rename;
/// flushed to disk first when `durable`.
pub(crate) fn write_replace(path: &Path, data: &[u8], durable: bool) -> Result<()> {
    write_replace_via(&temp_path(path), path, data, durable)
}

/// [`write_replace`] through the temporary file `tmp`, which must be on the same file system.
fn write_replace_via(tmp: &Path, path: &Path, data: &[u8], durable: bool) -> Result<()> {
    let tmp = tmp.to_path_buf();
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(data)?;
        if durable {
            f.sync_all()?;
        }
        fs::rename(&tmp, path)?;
        if durable {
            sync_dir(path);
        }
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Makes a rename durable by syncing its directory (best effort: not every file system
/// supports it).
pub(crate) fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Reads `path` if it exists and is at most `max` bytes; `None` otherwise (a cached file that
/// is missing, unreadable or too large is simply not used).
pub(crate) fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let f = File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(max.saturating_add(1)).read_to_end(&mut buf).ok()?;
    if buf.len() as u64 > max {
        return None;
    }
    Some(buf)
}

/// The metadata cache of one directory.
#[derive(Debug)]
pub(crate) struct MetadataCache {
    dir: PathBuf,
    /// The canonical path of `dir`: which cache this is, for re-entry detection.
    id: PathBuf,
    /// `DIR/.tmp`: temporary files of writes in progress. Every metadata write happens under
    /// the cache lock, so whatever is there while the lock is held was left by a process
    /// that died mid-write, and is removed.
    tmp_dir: PathBuf,
    sync_all: bool,
}

/// An exclusive advisory lock on the cache, released when dropped.
pub(crate) struct CacheLock {
    _file: File,
    // Dropped after the file (fields drop in order): the lock is released first.
    _held: super::reentry::HeldByThisThread,
}

impl MetadataCache {
    /// The cache in `dir` (created if missing). With `sync_all`, every write is durable;
    /// otherwise only a new trusted root is (see the module docs).
    pub fn open(dir: &Path, sync_all: bool) -> Result<MetadataCache> {
        fs::create_dir_all(dir.join("root_history")).map_err(|e| Error::io(dir, e))?;
        let tmp_dir = dir.join(".tmp");
        fs::create_dir_all(&tmp_dir).map_err(|e| Error::io(&tmp_dir, e))?;
        Ok(MetadataCache {
            id: fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?,
            dir: dir.to_path_buf(),
            tmp_dir,
            sync_all,
        })
    }

    /// Removes temporary files left by processes that died while writing. Call with the lock
    /// held.
    pub fn remove_stale_temp_files(&self) {
        if let Ok(entries) = fs::read_dir(&self.tmp_dir) {
            for e in entries.flatten() {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Replaces `path` (in the cache) with `data` through a temporary file in `DIR/.tmp`.
    fn replace(&self, path: &Path, data: &[u8], durable: bool) -> Result<()> {
        write_replace_via(&temp_path_in(&self.tmp_dir, path), path, data, durable)
    }

    /// Persists `data` as the cached `root.json` (the newest trusted root), flushed to disk
    /// when `durable` (or when every write is).
    pub fn write_root_json(&self, data: &[u8], durable: bool) -> Result<()> {
        self.replace(&self.dir.join("root.json"), data, durable || self.sync_all)
    }

    /// Takes the cache's exclusive lock, waiting for other processes (and other updaters of
    /// this process) to release it.
    pub fn lock(&self) -> Result<CacheLock> {
        // Waiting for a lock this thread holds would never end: refuse instead.
        let held = super::reentry::enter(&self.id)?;
        let path = self.dir.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(CacheLock {
            _file: file,
            _held: held,
        })
    }

    fn role_path(&self, role: &str) -> PathBuf {
        self.dir.join(format!("{}.json", quote(role)))
    }

    fn root_path(&self, version: u64) -> PathBuf {
        self.dir
            .join("root_history")
            .join(format!("{version}.root.json"))
    }

    pub fn read(&self, role: &str, max: u64) -> Option<Vec<u8>> {
        read_limited(&self.role_path(role), max)
    }

    pub fn write(&self, role: &str, data: &[u8]) -> Result<()> {
        self.replace(&self.role_path(role), data, self.sync_all)
    }

    pub fn remove(&self, role: &str) -> Result<()> {
        let path = self.role_path(role);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    pub fn read_root(&self, version: u64, max: u64) -> Option<Vec<u8>> {
        read_limited(&self.root_path(version), max)
    }

    /// Persists root `version` in the root history (5.3.8).
    pub fn write_root(&self, version: u64, data: &[u8]) -> Result<()> {
        self.replace(&self.root_path(version), data, self.sync_all)
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
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("f");
        write_atomic(&p, b"12345").unwrap();
        assert_eq!(read_limited(&p, 5).unwrap(), b"12345");
        assert!(read_limited(&p, 4).is_none());
        assert!(read_limited(&dir.join("missing"), 4).is_none());
        fs::remove_dir_all(&dir).unwrap();
    }
}
