//! Re-entry detection: an operation that would take the exclusive lock of a metadata store
//! that the same thread already holds fails with [`Error::State`] at once instead of waiting
//! for itself. No callback but a store's own runs while libtuf holds the lock (see
//! `cache.rs`), so this is a safety net for code paths that would otherwise wait for their own
//! caller.
//!
//! The file store's lock is an advisory file lock: a second lock of the same file by the same
//! process through another file descriptor blocks until the first is released, which never
//! happens when the first holder is further up the same thread's stack; an application's lock
//! callback would typically do the same. Each thread therefore keeps the list of stores it
//! holds locked, by [`StoreId`].

use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// Which store a lock belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StoreId {
    /// A metadata directory, by its canonical path.
    Dir(PathBuf),
    /// An application's store, by the address of its state (for C callbacks: their
    /// `userdata` and lock function).
    Custom(usize, usize),
}

impl fmt::Display for StoreId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreId::Dir(path) => write!(f, "the metadata cache {}", path.display()),
            StoreId::Custom(..) => f.write_str("the metadata store"),
        }
    }
}

thread_local! {
    static HELD: RefCell<Vec<StoreId>> = const { RefCell::new(Vec::new()) };
}

/// Marks a store as locked by this thread for as long as it lives.
#[derive(Debug)]
pub(crate) struct HeldByThisThread {
    id: StoreId,
}

/// Records that this thread is about to lock the store `id`; fails if it already holds it.
pub(crate) fn enter(id: &StoreId) -> Result<HeldByThisThread> {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        if held.iter().any(|p| p == id) {
            return Err(Error::State(format!(
                "{id} is in use by an operation further up this thread (a callback called \
                 into an updater on the same cache)"
            )));
        }
        held.push(id.clone());
        Ok(HeldByThisThread { id: id.clone() })
    })
}

impl Drop for HeldByThisThread {
    fn drop(&mut self) {
        // `try_with`: during thread teardown the registry may already be gone.
        let _ = HELD.try_with(|held| {
            if let Ok(mut held) = held.try_borrow_mut() {
                if let Some(i) = held.iter().rposition(|p| *p == self.id) {
                    held.remove(i);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(p: &str) -> StoreId {
        StoreId::Dir(PathBuf::from(p))
    }

    #[test]
    fn a_second_entry_on_the_same_thread_fails_until_the_first_ends() {
        let a = dir("/cache/a");
        let first = enter(&a).unwrap();
        assert!(matches!(enter(&a), Err(Error::State(_))));
        let other = enter(&dir("/cache/b")).unwrap();
        let custom = enter(&StoreId::Custom(1, 2)).unwrap();
        assert!(matches!(
            enter(&StoreId::Custom(1, 2)),
            Err(Error::State(_))
        ));
        drop(enter(&StoreId::Custom(1, 3)).unwrap());
        // Another thread is not affected.
        std::thread::spawn(|| drop(enter(&dir("/cache/a")).unwrap()))
            .join()
            .unwrap();
        drop(first);
        drop(enter(&a).unwrap());
        drop(other);
        drop(custom);
    }
}
