//! Where an updater keeps its metadata cache: files (the default), memory only
//! (`tuf_updater_config_set_in_memory`), or the application's storage through callbacks
//! (`tuf_storage`, `tuf_updater_config_set_storage`), for devices whose storage is not a
//! POSIX file system (flash key-value stores).

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::Arc;

use super::args::{self, handle};
use super::callbacks::{tuf_sink, with_sink, UserData};
use super::config::{tuf_updater_config, update_settings};
use super::error::{tuf_error, tuf_result};
use crate::error::{Error, Result};
use crate::updater::{
    enter_store, HeldByThisThread, MetadataStorage, MetadataStore, StoreId, StoreLock,
};

/// What a `tuf_storage_read_callback` or `tuf_storage_remove_callback` returns when nothing is
/// stored under the name (-2, as `-ENOENT` on Linux). (The header defines it in cbindgen.toml,
/// in parentheses.)
pub const TUF_STORAGE_NOT_FOUND: c_int = -2;

/// Reads the value stored under `name` and writes it into `sink` with `tuf_sink_write`, at
/// most `max_length` bytes (libtuf enforces the limit: a longer value is treated as not
/// stored, as a file over the limit in the file cache).
///
/// `name` is one of the cache's names, NUL-terminated ASCII valid during the call: `root.json`,
/// `root_history/N.root.json` (N a version), `timestamp.json`, `snapshot.json`,
/// `targets.json`, or `ROLE.json` for a delegated role, the role name percent-encoded (only
/// letters, digits and `_.-~%`; `a/b` is `a%2Fb.json`). A delegated role's name may be long:
/// a store with short keys maps names to keys itself (a hash, say).
///
/// Returns:
/// - 0: the value was written into the sink (all of it; an empty value is 0 bytes).
/// - `TUF_STORAGE_NOT_FOUND`: nothing is stored under `name` (what was written is ignored).
/// - Any other value: the read failed. libtuf treats the value as not stored (logging the
///   failure) and fetches the file again; an offline updater fails with `TUF_ERR_IO`.
///
/// Contract of every storage callback (read, write, remove, lock, unlock):
/// - Thread: called on the thread that called the libtuf function (`tuf_updater_new`,
///   `tuf_updater_refresh`, `tuf_updater_get_target_info`; never a target download), during
///   that call only. Updaters sharing the storage and used from several threads at once call
///   them from each, concurrently: `userdata` must then be usable from all of them.
/// - Locks held: the updater's own in-use flag, and, for write and remove always, for read
///   sometimes (the reads that decide a write), the storage's own lock (`lock` returned 0 and
///   `unlock` is not called yet). libtuf holds no other lock and runs no other callback in
///   between, and never waits on the network while it holds the storage's lock.
/// - What it may call: `tuf_sink_write` on its sink (read only), and libtuf functions that do
///   not use an updater with this storage. Calls on the same updater fail with
///   `TUF_ERR_STATE`; a call into another updater on this storage that needs the storage's
///   lock while this thread holds it also fails with `TUF_ERR_STATE`, rather than wait for
///   itself.
/// - Lifetime of `userdata`: libtuf keeps the pointer in the configuration and in every
///   updater created from it: it must stay valid until they are all freed.
/// - It must return normally: no C++ exception, `longjmp` or thread cancellation may leave it
///   (unwinding through libtuf is undefined behaviour and aborts the process).
pub type tuf_storage_read_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        name: *const c_char,
        max_length: u64,
        sink: *mut tuf_sink,
    ) -> c_int,
>;

/// Stores the `len` bytes at `data` (valid during the call) under `name` (as for
/// `tuf_storage_read_callback`), replacing any value **atomically**: a reader, in this
/// process or another, sees the old value or the new one, whole, never a mix, also after a
/// crash or a power cut. When `durable` is true the new value must survive a power cut once
/// the callback returns (libtuf asks for it when it moves to a new root, so that a power cut
/// cannot bring back a root whose keys the new one revoked; everything else is verified again
/// when read, and fetched again when lost). Called with the storage's lock held.
///
/// Returns 0 on success; any other value is a failure: the running call fails with
/// `TUF_ERR_IO` (nothing unverified was kept; the next refresh starts again).
///
/// Contract: as `tuf_storage_read_callback`.
pub type tuf_storage_write_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        name: *const c_char,
        data: *const u8,
        len: usize,
        durable: bool,
    ) -> c_int,
>;

/// Removes the value stored under `name` (as for `tuf_storage_read_callback`; libtuf removes
/// the cached `timestamp.json` and `snapshot.json` when a new root rotates their keys, spec
/// 5.3.11). Called with the storage's lock held.
///
/// Returns 0 on success or `TUF_STORAGE_NOT_FOUND` when nothing was stored (both fine); any
/// other value is a failure: the running call fails with `TUF_ERR_IO`.
///
/// Contract: as `tuf_storage_read_callback`.
pub type tuf_storage_remove_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, name: *const c_char) -> c_int>;

/// Takes the storage's exclusive lock: while one updater holds it, no other updater using the
/// same storage (in this process or another) holds it. libtuf takes it around each write or
/// removal together with the reads that decide it, for milliseconds, never while it waits on
/// the network, and releases it with `tuf_storage_unlock_callback` once done; it never takes
/// it twice on one thread (a recursive lock is not needed). The callback may wait for another
/// holder, but should bound its wait (libtuf cannot interrupt it;
/// `tuf_updater_config_set_lock_timeout_ms` applies to the file cache only) and fail when it
/// gives up.
///
/// Returns 0 when the lock is held; any other value is a failure: the running call fails with
/// `TUF_ERR_IO` (and `unlock` is not called).
///
/// Contract: as `tuf_storage_read_callback` (no storage lock is held while it runs).
pub type tuf_storage_lock_callback = Option<unsafe extern "C" fn(userdata: *mut c_void) -> c_int>;

/// Releases the lock `tuf_storage_lock_callback` took, once for each time it returned 0, on
/// the same thread. No return value.
///
/// Contract: as `tuf_storage_read_callback`.
pub type tuf_storage_unlock_callback = Option<unsafe extern "C" fn(userdata: *mut c_void)>;

/// The callbacks of an application's metadata storage (a map from names to bytes), set with
/// `tuf_updater_config_set_storage`, which copies the struct. `read`, `write` and `remove` are
/// required. `lock` and `unlock` are both set, or both NULL: no locking, for storage that only
/// one updater uses at a time.
///
/// Everything libtuf reads back is verified again before it is used, so the storage needs to
/// keep what it was given, not to protect it. Several updaters (and processes) may share one
/// storage if its lock excludes them from each other and its writes are atomic: then, as with
/// the file cache, nothing is ever half written and no updater's rollback baseline goes back.
///
/// This struct's layout is part of the ABI: it never changes. A later libtuf that needs more
/// callbacks takes a new struct through a new function.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct tuf_storage {
    /// Reads a value (see `tuf_storage_read_callback`).
    pub read: tuf_storage_read_callback,
    /// Replaces a value atomically (see `tuf_storage_write_callback`).
    pub write: tuf_storage_write_callback,
    /// Removes a value (see `tuf_storage_remove_callback`).
    pub remove: tuf_storage_remove_callback,
    /// Takes the exclusive lock, or NULL (see `tuf_storage_lock_callback`).
    pub lock: tuf_storage_lock_callback,
    /// Releases the lock, or NULL (see `tuf_storage_unlock_callback`).
    pub unlock: tuf_storage_unlock_callback,
}

type RawRead = unsafe extern "C" fn(*mut c_void, *const c_char, u64, *mut tuf_sink) -> c_int;
type RawWrite = unsafe extern "C" fn(*mut c_void, *const c_char, *const u8, usize, bool) -> c_int;
type RawRemove = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type RawLock = unsafe extern "C" fn(*mut c_void) -> c_int;
type RawUnlock = unsafe extern "C" fn(*mut c_void);

/// A [`MetadataStore`] calling a `tuf_storage`'s callbacks (their return values as documented
/// there).
struct CallbackStore {
    read: RawRead,
    write: RawWrite,
    remove: RawRemove,
    lock: Option<(RawLock, RawUnlock)>,
    userdata: UserData,
}

/// The lock of a [`CallbackStore`], released by its unlock callback when dropped.
struct Unlock {
    unlock: RawUnlock,
    userdata: UserData,
    // Dropped after `drop` ran: this thread holds the lock until the callback released it.
    _held: HeldByThisThread,
}

impl Drop for Unlock {
    fn drop(&mut self) {
        // SAFETY: the caller registered `unlock` as a valid function of this signature and
        // vouched for `userdata` on this thread; `lock` returned 0 for this guard.
        unsafe { (self.unlock)(self.userdata.ptr()) }
    }
}

fn c_name(name: &str) -> Result<CString> {
    CString::new(name).map_err(|_| Error::InvalidArgument(format!("{name:?} contains a NUL byte")))
}

/// The error of a callback that returned `rc`.
fn failed(callback: &str, name: &str, rc: c_int) -> Error {
    Error::Io {
        path: format!("{name} (storage callbacks)"),
        source: std::io::Error::other(format!("the storage {callback} callback failed ({rc})")),
    }
}

impl MetadataStore for CallbackStore {
    fn read(&self, name: &str, max_length: u64) -> Result<Option<Vec<u8>>> {
        let c = c_name(name)?;
        let mut value = Vec::new();
        let (rc, sink_error) = {
            let mut write = |data: &[u8]| {
                if value.len() as u64 + data.len() as u64 > max_length {
                    return Err(crate::fetch::length_exceeded(name, max_length));
                }
                value.extend_from_slice(data);
                Ok(())
            };
            with_sink(&mut write, |sink| {
                // SAFETY: the caller registered `read` as a valid function of this signature
                // and vouched for `userdata` on this thread; `c` and `sink` live for the call.
                unsafe { (self.read)(self.userdata.ptr(), c.as_ptr(), max_length, sink) }
            })
        };
        match (sink_error, rc) {
            // Longer than the limit: not usable, as a file over the limit.
            (Some(Error::LengthExceeded { .. }), _) => Ok(None),
            (Some(e), _) => Err(e),
            (None, 0) => Ok(Some(value)),
            (None, TUF_STORAGE_NOT_FOUND) => Ok(None),
            (None, rc) => Err(failed("read", name, rc)),
        }
    }

    fn write(&self, name: &str, data: &[u8], durable: bool) -> Result<()> {
        let c = c_name(name)?;
        // SAFETY: the caller registered `write` as a valid function of this signature and
        // vouched for `userdata` on this thread; `c` and `data` live for the call.
        let rc = unsafe {
            (self.write)(
                self.userdata.ptr(),
                c.as_ptr(),
                data.as_ptr(),
                data.len(),
                durable,
            )
        };
        match rc {
            0 => Ok(()),
            rc => Err(failed("write", name, rc)),
        }
    }

    fn remove(&self, name: &str) -> Result<()> {
        let c = c_name(name)?;
        // SAFETY: the caller registered `remove` as a valid function of this signature and
        // vouched for `userdata` on this thread; `c` lives for the call.
        match unsafe { (self.remove)(self.userdata.ptr(), c.as_ptr()) } {
            0 | TUF_STORAGE_NOT_FOUND => Ok(()),
            rc => Err(failed("remove", name, rc)),
        }
    }

    fn lock(&self) -> Result<StoreLock> {
        let Some((lock, unlock)) = self.lock else {
            return Ok(StoreLock::none());
        };
        // A callback that calls into another updater on this storage while this thread holds
        // its lock would wait for itself in `lock`: refuse instead.
        let id = StoreId::Custom(self.userdata.ptr() as usize, lock as usize);
        let held = enter_store(&id)?;
        // SAFETY: the caller registered `lock` as a valid function of this signature and
        // vouched for `userdata` on this thread.
        match unsafe { lock(self.userdata.ptr()) } {
            0 => Ok(StoreLock::new(Unlock {
                unlock,
                userdata: self.userdata,
                _held: held,
            })),
            rc => Err(failed("lock", "the lock", rc)),
        }
    }

    fn describe(&self, name: &str) -> String {
        format!("{name} in the storage callbacks' store")
    }
}

/// Keeps the metadata cache in the application's storage, through `callbacks` (copied; see
/// `tuf_storage` and its callback types for the contract) called with `userdata`; NULL
/// `callbacks`: back to the file cache in the metadata directory (the default), which is then
/// not used. `TUF_ERR_INVALID_ARGUMENT` (and nothing changes) when `read`, `write` or
/// `remove` is NULL, or only one of `lock` and `unlock` is.
///
/// Without a bootstrap root, the updater starts from the storage's `root.json` (there is no
/// recovery from the root history, which the callbacks cannot list). Updaters created from
/// this configuration share the storage; a `tuf_multirepo` refuses it (its repositories'
/// metadata would mix). Replaces `tuf_updater_config_set_in_memory`.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_storage(
    config: *mut tuf_updater_config,
    callbacks: *const tuf_storage,
    userdata: *mut c_void,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        if callbacks.is_null() {
            c.storage = MetadataStorage::Files;
            return Ok(());
        }
        let cb = *handle(callbacks, "callbacks")?;
        let (Some(read), Some(write), Some(remove)) = (cb.read, cb.write, cb.remove) else {
            return Err(args::invalid(
                "the storage's read, write and remove callbacks are required",
            ));
        };
        let lock = match (cb.lock, cb.unlock) {
            (Some(l), Some(u)) => Some((l, u)),
            (None, None) => None,
            _ => {
                return Err(args::invalid(
                    "the storage's lock and unlock callbacks are both set or both NULL",
                ))
            }
        };
        c.storage = MetadataStorage::Custom(Arc::new(CallbackStore {
            read,
            write,
            remove,
            lock,
            userdata: UserData(userdata),
        }));
        Ok(())
    })
}

/// Keeps the metadata cache in memory only when `on` (default false): nothing is written
/// anywhere (the metadata directory is not used, not even created; go-tuf's
/// `DisableLocalCache`). Each updater created from this configuration has its own cache, kept
/// for its life: what one refresh verified is what the next starts from. The trusted root
/// comes from the bootstrap root (`tuf_updater_config_set_bootstrap_root`), which
/// `tuf_updater_new` then requires (`TUF_ERR_INVALID_ARGUMENT` without one). Target downloads
/// still write where they are told.
///
/// `on` replaces the file cache or `tuf_updater_config_set_storage`'s storage; false goes back
/// to the file cache if memory was chosen (a storage set with `tuf_updater_config_set_storage`
/// stays). `TUF_ERR_INVALID_ARGUMENT` (nothing changes) for `on` in offline mode, which needs
/// a cache to read.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_in_memory(
    config: *mut tuf_updater_config,
    on: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        if on {
            c.storage = MetadataStorage::InMemory;
        } else if matches!(c.storage, MetadataStorage::InMemory) {
            c.storage = MetadataStorage::Files;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read callback whose behaviour the name chooses.
    unsafe extern "C" fn read(
        _userdata: *mut c_void,
        name: *const c_char,
        _max_length: u64,
        sink: *mut tuf_sink,
    ) -> c_int {
        // SAFETY: libtuf passes a valid C string for the call.
        let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_str().unwrap();
        let write =
            |data: &[u8]| super::super::callbacks::tuf_sink_write(sink, data.as_ptr(), data.len());
        match name {
            "found" => (write(b"abc") != 0) as c_int,
            "empty" => 0,
            "big" => -((write(&[0; 10]) != 0) as c_int),
            "missing" => {
                write(b"ignored");
                TUF_STORAGE_NOT_FOUND
            }
            _ => -7,
        }
    }

    unsafe extern "C" fn write(
        _: *mut c_void,
        name: *const c_char,
        _: *const u8,
        _: usize,
        _: bool,
    ) -> c_int {
        // SAFETY: libtuf passes a valid C string for the call.
        let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_bytes();
        if name == b"ok" {
            0
        } else {
            1
        }
    }

    unsafe extern "C" fn remove(_: *mut c_void, name: *const c_char) -> c_int {
        // SAFETY: libtuf passes a valid C string for the call.
        match unsafe { std::ffi::CStr::from_ptr(name) }.to_bytes() {
            b"ok" => 0,
            b"missing" => TUF_STORAGE_NOT_FOUND,
            _ => -1,
        }
    }

    unsafe extern "C" fn lock(userdata: *mut c_void) -> c_int {
        // SAFETY: the tests pass a pointer to an i32 counter.
        let n = unsafe { &mut *(userdata as *mut i32) };
        *n += 1;
        if *n > 2 {
            -1
        } else {
            0
        }
    }

    unsafe extern "C" fn unlock(userdata: *mut c_void) {
        // SAFETY: the tests pass a pointer to an i32 counter.
        unsafe { *(userdata as *mut i32) -= 1 };
    }

    fn store(userdata: *mut c_void) -> CallbackStore {
        CallbackStore {
            read,
            write,
            remove,
            lock: Some((lock, unlock)),
            userdata: UserData(userdata),
        }
    }

    #[test]
    fn storage_callback_return_values() {
        let mut count = 0i32;
        let s = store(&mut count as *mut i32 as *mut c_void);
        assert_eq!(s.read("found", 3).unwrap().unwrap(), b"abc");
        assert_eq!(s.read("empty", 3).unwrap().unwrap(), b"");
        assert_eq!(s.read("missing", 100).unwrap(), None);
        // Over the limit: the sink refused it, and the value is not used.
        assert_eq!(s.read("big", 9).unwrap(), None);
        assert_eq!(s.read("big", 10).unwrap().unwrap(), [0; 10]);
        let err = s.read("failing", 10).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Io);
        assert!(
            err.to_string().contains("read callback failed (-7)"),
            "{err}"
        );
        assert!(s.read("a\0b", 10).is_err());

        s.write("ok", b"x", false).unwrap();
        let err = s.write("other", b"x", true).unwrap_err();
        assert!(
            err.to_string().contains("write callback failed (1)"),
            "{err}"
        );
        s.remove("ok").unwrap();
        s.remove("missing").unwrap();
        assert_eq!(s.remove("x").unwrap_err().kind(), crate::ErrorKind::Io);

        // Lock, unlock on drop; a second lock on this thread is refused without calling the
        // callback (it would wait for itself).
        let guard = s.lock().unwrap();
        assert_eq!(count, 1);
        assert_eq!(s.lock().unwrap_err().kind(), crate::ErrorKind::State);
        assert_eq!(count, 1);
        drop(guard);
        assert_eq!(count, 0);
        // A lock callback that fails.
        count = 2;
        assert_eq!(s.lock().unwrap_err().kind(), crate::ErrorKind::Io);
        assert_eq!(count, 3); // and unlock was not called
                              // No lock callbacks: no lock.
        let unlocked = CallbackStore {
            lock: None,
            ..store(std::ptr::null_mut())
        };
        drop(unlocked.lock().unwrap());
        drop(unlocked.lock().unwrap());
    }
}
