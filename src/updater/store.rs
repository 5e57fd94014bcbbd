//! Where the metadata cache is kept: a [`MetadataStore`], a small key-value interface that the
//! file-system cache (the default, `store_fs.rs`), the in-memory store
//! ([`MemoryStore`](super::MemoryStore)) and an application's own storage implement.
//!
//! # Names
//!
//! The updater reads and writes these names (all ASCII: letters, digits, `_.-~%` and, in the
//! root history only, one `/`):
//!
//! ```text
//! root.json                  the newest trusted root
//! root_history/N.root.json   every trusted root version N
//! timestamp.json, snapshot.json, targets.json
//! ROLE.json                  a delegated role, its name percent-encoded ("a%2Fb.json"); may
//!                            be long (a role name is up to what snapshot lists)
//! ```
//!
//! Everything read back is verified again before it is used, as for the file-system cache: a
//! store needs to keep what it was given, not to protect it, but a store that others can write
//! to can withhold updates (by deleting) like any cache.
//!
//! # Sharing a store
//!
//! Several updaters (in one process or, for a store outside the process, in many) may share a
//! store if its [`lock`](MetadataStore::lock) excludes them from each other: the updater takes
//! it around each write or removal together with the reads that decide it, never while it
//! waits on the network, and reads without it. So [`write`](MetadataStore::write) must replace
//! a value atomically: a reader sees the old value or the new one, whole, never a mix (also
//! after a crash or a power cut: the old or the new value).

use std::any::Any;

use crate::error::Result;

/// The storage of a metadata cache: a map from names (see the module docs) to bytes.
///
/// Implementations must not call into an updater that uses the same store (the updater is in
/// the middle of a call), and should not block for long: the updater waits for them.
pub trait MetadataStore: Send + Sync {
    /// The bytes stored under `name`. `Ok(None)` when nothing is stored under it, or when
    /// more than `max_length` bytes are (the value is then not usable: the updater treats it
    /// as missing). An error when the store failed; the updater then treats the value as
    /// missing too (logging the error) unless it is offline, where the error is reported.
    fn read(&self, name: &str, max_length: u64) -> Result<Option<Vec<u8>>>;

    /// Stores `data` under `name`, replacing any value atomically: readers see the old value
    /// or the new one, whole, also after a crash. When `durable`, the new value must survive
    /// a power cut once this returns (the updater asks for it when it moves to a new root,
    /// so that a power cut cannot bring back a root whose keys the new one revoked).
    fn write(&self, name: &str, data: &[u8], durable: bool) -> Result<()>;

    /// Removes what is stored under `name`; nothing stored there is not an error.
    fn remove(&self, name: &str) -> Result<()>;

    /// Takes the store's exclusive lock, released when the returned [`StoreLock`] is dropped:
    /// while one updater holds it, no other updater sharing the store holds it. A store used
    /// by one updater at a time may return [`StoreLock::none`].
    fn lock(&self) -> Result<StoreLock>;

    /// The versions N of the roots stored as `root_history/N.root.json`, in any order (the
    /// updater uses the newest ones when `root.json` is lost). The default lists none: a
    /// store that cannot list its names then needs `root.json` or a bootstrap root.
    fn root_history(&self) -> Vec<u64> {
        Vec::new()
    }

    /// A description of `name` in this store, for messages (a file's path, for example).
    fn describe(&self, name: &str) -> String {
        format!("{name} in the metadata store")
    }
}

/// A held store lock (see [`MetadataStore::lock`]): whatever the store needs to release it
/// when dropped.
#[must_use = "the lock is released when this is dropped"]
pub struct StoreLock {
    _held: Option<Box<dyn Any>>,
}

impl StoreLock {
    /// A lock released by dropping `held`.
    pub fn new(held: impl Any) -> StoreLock {
        StoreLock {
            _held: Some(Box::new(held)),
        }
    }

    /// No lock at all, for a store that only one updater uses at a time.
    pub fn none() -> StoreLock {
        StoreLock { _held: None }
    }
}

impl std::fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreLock")
    }
}

/// The versions in root-history names (`root_history/N.root.json`, N decimal digits only)
/// among `names`.
pub(crate) fn history_versions<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<u64> {
    names
        .into_iter()
        .filter_map(|name| name.strip_prefix("root_history/").and_then(history_version))
        .collect()
}

/// N of a history file name `N.root.json` (N decimal digits only).
pub(crate) fn history_version(file: &str) -> Option<u64> {
    file.strip_suffix(".root.json")
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_names() {
        let names = [
            "root_history/1.root.json",
            "root_history/12.root.json",
            "root_history/x.root.json",
            "root_history/.root.json",
            "root_history/+3.root.json",
            "root_history/99999999999999999999999.root.json",
            "2.root.json",
            "root.json",
        ];
        assert_eq!(history_versions(names), vec![1, 12]);
    }
}
