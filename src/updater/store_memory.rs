//! A metadata store in memory: nothing is written anywhere (go-tuf's `DisableLocalCache`).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::store::{history_versions, MetadataStore, StoreLock};
use crate::error::Result;

/// A [`MetadataStore`] in memory. An updater configured with
/// [`MetadataStorage::InMemory`](super::MetadataStorage::InMemory) makes its own, which lives
/// as long as the updater: what one refresh verified is the next refresh's cache. One
/// `MemoryStore` may also be shared between updaters of this process (as
/// [`MetadataStorage::Custom`](super::MetadataStorage::Custom)): its lock excludes them from
/// each other.
#[derive(Debug, Default)]
pub struct MemoryStore {
    files: Mutex<HashMap<String, Vec<u8>>>,
    lock: Arc<Exclusive>,
}

/// A lock that a guard can own (a `MutexGuard` borrows its mutex).
#[derive(Debug, Default)]
struct Exclusive {
    held: Mutex<bool>,
    released: Condvar,
}

/// Releases an [`Exclusive`] when dropped.
struct Held(Arc<Exclusive>);

impl Drop for Held {
    fn drop(&mut self) {
        *self.0.held.lock().unwrap_or_else(PoisonError::into_inner) = false;
        self.0.released.notify_one();
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn files(&self) -> MutexGuard<'_, HashMap<String, Vec<u8>>> {
        // The map is always consistent: every change is one insert or remove.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The names stored, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.files().keys().cloned().collect();
        names.sort();
        names
    }
}

impl MetadataStore for MemoryStore {
    fn read(&self, name: &str, max_length: u64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .files()
            .get(name)
            .filter(|d| d.len() as u64 <= max_length)
            .cloned())
    }

    fn write(&self, name: &str, data: &[u8], _durable: bool) -> Result<()> {
        self.files().insert(name.to_string(), data.to_vec());
        Ok(())
    }

    fn remove(&self, name: &str) -> Result<()> {
        self.files().remove(name);
        Ok(())
    }

    /// Waits until no other holder has it. The updater never holds a store's lock while it
    /// waits on anything else, so the wait is short.
    fn lock(&self) -> Result<StoreLock> {
        let lock = &self.lock;
        let mut held = lock.held.lock().unwrap_or_else(PoisonError::into_inner);
        while *held {
            held = lock
                .released
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *held = true;
        Ok(StoreLock::new(Held(lock.clone())))
    }

    fn root_history(&self) -> Vec<u64> {
        history_versions(self.files().keys().map(String::as_str))
    }

    fn describe(&self, name: &str) -> String {
        format!("{name} in the in-memory metadata store")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_write_remove_and_history() {
        let s = MemoryStore::new();
        assert_eq!(s.read("root.json", 10).unwrap(), None);
        s.write("root.json", b"12345", false).unwrap();
        assert_eq!(s.read("root.json", 5).unwrap().unwrap(), b"12345");
        assert_eq!(s.read("root.json", 4).unwrap(), None);
        s.write("root.json", b"x", true).unwrap();
        assert_eq!(s.read("root.json", 5).unwrap().unwrap(), b"x");
        s.write("root_history/3.root.json", b"r", false).unwrap();
        s.write("root_history/10.root.json", b"r", false).unwrap();
        let mut h = s.root_history();
        h.sort();
        assert_eq!(h, vec![3, 10]);
        s.remove("root.json").unwrap();
        s.remove("root.json").unwrap();
        assert_eq!(s.read("root.json", 5).unwrap(), None);
        assert_eq!(
            s.names(),
            vec!["root_history/10.root.json", "root_history/3.root.json"]
        );
    }

    #[test]
    fn the_lock_excludes_other_holders() {
        let s = Arc::new(MemoryStore::new());
        let guard = s.lock().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let s2 = s.clone();
        let t = std::thread::spawn(move || {
            let _g = s2.lock().unwrap();
            tx.send(()).unwrap();
        });
        // The other thread cannot take it while this one holds it.
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(100))
            .is_err());
        drop(guard);
        rx.recv().unwrap();
        t.join().unwrap();
        drop(s.lock().unwrap());
    }
}
