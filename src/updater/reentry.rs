//! Re-entry detection: an operation that would take the exclusive lock of a metadata cache
//! that the same thread already holds fails with [`Error::State`] at once instead of waiting
//! for itself. No callback runs while libtuf holds the lock (see `cache.rs`), so this is a
//! safety net for code paths that would otherwise wait for their own caller.
//!
//! The cache lock is an advisory file lock: a second lock of the same file by the same
//! process through another file descriptor blocks until the first is released, which never
//! happens when the first holder is further up the same thread's stack. Each thread therefore
//! keeps the list of caches it holds locked, keyed by the cache directory's canonical path.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

thread_local! {
    static HELD: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
}

/// Marks a cache as locked by this thread for as long as it lives.
#[derive(Debug)]
pub(crate) struct HeldByThisThread {
    id: PathBuf,
}

/// Records that this thread is about to lock the cache `id`; fails if it already holds it.
pub(crate) fn enter(id: &Path) -> Result<HeldByThisThread> {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        if held.iter().any(|p| p == id) {
            return Err(Error::State(format!(
                "the metadata cache {} is in use by an operation further up this thread \
                 (a callback called into an updater on the same cache)",
                id.display()
            )));
        }
        held.push(id.to_path_buf());
        Ok(HeldByThisThread {
            id: id.to_path_buf(),
        })
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

    #[test]
    fn a_second_entry_on_the_same_thread_fails_until_the_first_ends() {
        let a = Path::new("/cache/a");
        let first = enter(a).unwrap();
        assert!(matches!(enter(a), Err(Error::State(_))));
        let other = enter(Path::new("/cache/b")).unwrap();
        // Another thread is not affected.
        std::thread::spawn(|| drop(enter(Path::new("/cache/a")).unwrap()))
            .join()
            .unwrap();
        drop(first);
        drop(enter(a).unwrap());
        drop(other);
    }
}
