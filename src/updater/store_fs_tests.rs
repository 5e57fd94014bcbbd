//! Tests of the directory store's lock (`store_fs.rs`).

use super::*;

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("libtuf-store-fs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[track_caller]
fn assert_lock_timeout(r: Result<StoreLock>) {
    let err = r.expect_err("the lock is held by another");
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<io::Error>())
        .map(io::Error::kind);
    assert_eq!(source, Some(io::ErrorKind::TimedOut), "{err:?}");
}

#[test]
fn the_lock_excludes_another_open_file_of_lock() {
    let dir = tempdir("excludes");
    let store = FileStore::open(&dir, Duration::from_millis(50)).unwrap();
    drop(store.lock().unwrap());
    let other = std::fs::File::open(dir.join(LOCK)).unwrap();
    other.lock().unwrap();
    assert_lock_timeout(store.lock());
    drop(other);
    drop(store.lock().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The lock file kept open between locks is locked again only while it is still the entry
/// `.lock`: one replaced since (another process removed it and made a new one, which it
/// holds) is dropped for the new one, which excludes as before.
#[test]
fn a_kept_lock_file_replaced_since_is_not_locked_again() {
    let dir = tempdir("replaced");
    let store = FileStore::open(&dir, Duration::from_millis(50)).unwrap();
    drop(store.lock().unwrap());
    std::fs::remove_file(dir.join(LOCK)).unwrap();
    let other = std::fs::File::create(dir.join(LOCK)).unwrap();
    other.lock().unwrap();
    assert_lock_timeout(store.lock());
    drop(other);
    drop(store.lock().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Two locks of one store at the same time (threads sharing an updater's store) each lock
/// their own open file: `flock` would not exclude two locks of one open file.
#[test]
fn two_locks_of_one_store_exclude_each_other() {
    let dir = tempdir("threads");
    let store = Arc::new(FileStore::open(&dir, Duration::from_millis(50)).unwrap());
    drop(store.lock().unwrap());
    let held = store.lock().unwrap();
    let s = store.clone();
    let r = std::thread::spawn(move || s.lock().map(drop))
        .join()
        .unwrap();
    let err = r.expect_err("held by the other thread");
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<io::Error>())
        .map(io::Error::kind);
    assert_eq!(source, Some(io::ErrorKind::TimedOut), "{err:?}");
    drop(held);
    drop(store.lock().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
