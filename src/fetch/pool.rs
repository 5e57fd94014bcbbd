//! One pool of connections, DNS answers and TLS sessions for many libcurl handles
//! ([`ConnectionPool`]): what an updater's transfers share, so that the connection of a
//! refresh carries the delegated metadata fetched ahead and the targets downloaded in
//! parallel after it, instead of each batch of transfers opening connections of its own.
//!
//! It is a libcurl share handle (`curl_share_init`) sharing `CURL_LOCK_DATA_CONNECT`,
//! `CURL_LOCK_DATA_DNS` and `CURL_LOCK_DATA_SSL_SESSION`, with lock callbacks: libcurl takes
//! the lock of a kind of data around every use of it, so handles on different threads never
//! touch the pool at the same time. A connection is reused only for a request it suits
//! (same scheme, host, port, proxy and TLS settings: libcurl's own rule), and a TLS session
//! is resumed only with the settings it was made with.

use std::ffi::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use curl::easy::Easy;
use curl_sys::{
    curl_lock_access, curl_lock_data, CURL, CURLE_OK, CURLOPT_SHARE, CURLSH, CURLSHE_OK,
    CURLSHOPT_LOCKFUNC, CURLSHOPT_SHARE, CURLSHOPT_UNLOCKFUNC, CURLSHOPT_USERDATA,
    CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION,
};

use crate::error::{Error, Result};

/// A pool of connections, DNS answers and TLS sessions shared by the libcurl handles of
/// [`CurlFetcher`](super::CurlFetcher)s and [`MultiFetcher`](super::MultiFetcher)s made
/// with it ([`CurlFetcher::with_pool`](super::CurlFetcher::with_pool),
/// [`MultiFetcher::with_pool`](super::MultiFetcher::with_pool)). Clones are the same pool.
/// The pool, and the connections in it, close once the pool and every fetcher made with it
/// are dropped. The pool can be used from any thread; its fetchers are used as usual, one
/// call at a time each.
#[derive(Clone)]
pub struct ConnectionPool {
    share: Arc<Share>,
}

impl std::fmt::Debug for ConnectionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionPool").finish_non_exhaustive()
    }
}

/// The share handle and the locks its callbacks take.
struct Share {
    raw: NonNull<CURLSH>,
    /// Given to libcurl as the callbacks' user data (from `Box::leak`): freed only once the
    /// share handle is gone.
    locks: NonNull<Locks>,
}

// SAFETY: libcurl's share handle may be used from any thread as long as its lock callbacks
// are set (they are, before any handle uses it); `Share` is only cleaned up once no handle
// uses it (the `Arc` of every fetcher that attached a handle outlives its handles).
unsafe impl Send for Share {}
// SAFETY: as above: every access libcurl makes to the shared data happens under the lock
// the callbacks take for that kind of data.
unsafe impl Sync for Share {}

/// One lock per kind of shared data (`curl_lock_data`), each either free or held.
struct Locks {
    state: Mutex<LockState>,
    freed: Condvar,
}

/// What [`Locks`] guards: which kinds are held, and how many threads wait for one.
struct LockState {
    held: [bool; KINDS],
    /// Threads in [`Locks::lock`] waiting on `freed`: a release wakes them only if there are
    /// any (a wake-up is a system call, made several times per transfer otherwise).
    waiting: usize,
}

/// Slots for the kinds of data libcurl locks (`CURL_LOCK_DATA_*` is below 8 in every
/// libcurl so far); any other value shares the last slot.
const KINDS: usize = 16;

fn slot(data: curl_lock_data) -> usize {
    usize::try_from(data).map_or(KINDS - 1, |i| i.min(KINDS - 1))
}

impl Locks {
    fn new() -> Locks {
        Locks {
            state: Mutex::new(LockState {
                held: [false; KINDS],
                waiting: 0,
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self, data: curl_lock_data) {
        let i = slot(data);
        // Poisoning cannot happen (nothing panics while holding it); tolerated anyway.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.held[i] {
            state.waiting += 1;
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.waiting -= 1;
        }
        state.held[i] = true;
    }

    fn unlock(&self, data: curl_lock_data) {
        let i = slot(data);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.held[i] = false;
        let wake = state.waiting > 0;
        drop(state);
        if wake {
            self.freed.notify_all();
        }
    }
}

/// `CURLSHOPT_LOCKFUNC`: takes the lock of `data`, waiting for another thread to release it.
/// libcurl never takes the same lock twice without releasing it in between.
extern "C" fn lock_callback(
    _handle: *mut CURL,
    data: curl_lock_data,
    _access: curl_lock_access,
    user: *mut c_void,
) {
    // SAFETY: `user` is the `Locks` given with CURLSHOPT_USERDATA, boxed and alive for as long
    // as the share handle that calls this.
    let locks = unsafe { &*(user as *const Locks) };
    locks.lock(data);
}

/// `CURLSHOPT_UNLOCKFUNC`: releases the lock of `data`.
extern "C" fn unlock_callback(_handle: *mut CURL, data: curl_lock_data, user: *mut c_void) {
    // SAFETY: as in `lock_callback`.
    let locks = unsafe { &*(user as *const Locks) };
    locks.unlock(data);
}

impl ConnectionPool {
    /// A new, empty pool. Fails with [`Error::Download`] if libcurl cannot make one (out of
    /// memory, or a libcurl that cannot share connections: before 7.57).
    pub fn new() -> Result<ConnectionPool> {
        let fail = |what: &str| Error::Download {
            url: String::new(),
            status: None,
            msg: format!("libcurl connection pool: {what}"),
        };
        curl::init();
        // SAFETY: curl_share_init has no precondition but curl_global_init (curl::init above).
        let raw = NonNull::new(unsafe { curl_sys::curl_share_init() })
            .ok_or_else(|| fail("out of memory"))?;
        let locks = NonNull::from(Box::leak(Box::new(Locks::new())));
        // Cleaned up (and the locks freed) when dropped, from here on.
        let share = Share { raw, locks };
        let user: *const Locks = locks.as_ptr();
        let lock: curl_sys::curl_lock_function = lock_callback;
        let unlock: curl_sys::curl_unlock_function = unlock_callback;
        // SAFETY: a valid share handle, used by no easy handle yet; each option takes the
        // argument type libcurl documents for it (a function pointer, a pointer, an int).
        // The callbacks are set before anything is shared, and `user` lives as long as the
        // handle (see `Share::locks`).
        let set = unsafe {
            [
                curl_sys::curl_share_setopt(raw.as_ptr(), CURLSHOPT_LOCKFUNC, lock),
                curl_sys::curl_share_setopt(raw.as_ptr(), CURLSHOPT_UNLOCKFUNC, unlock),
                curl_sys::curl_share_setopt(raw.as_ptr(), CURLSHOPT_USERDATA, user),
                curl_sys::curl_share_setopt(
                    raw.as_ptr(),
                    CURLSHOPT_SHARE,
                    CURL_LOCK_DATA_CONNECT as c_int,
                ),
            ]
        };
        if set.iter().any(|&code| code != CURLSHE_OK) {
            return Err(fail("this libcurl cannot share connections"));
        }
        // Worth having, not needed: a libcurl that refuses them still shares connections.
        for data in [CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION] {
            // SAFETY: as above.
            let _ = unsafe {
                curl_sys::curl_share_setopt(raw.as_ptr(), CURLSHOPT_SHARE, data as c_int)
            };
        }
        Ok(ConnectionPool {
            share: Arc::new(share),
        })
    }

    /// Makes `easy` use the pool. The caller keeps this pool (a clone) alive for as long as
    /// `easy`: a handle must be dropped before the pool it uses.
    pub(crate) fn attach(&self, easy: &mut Easy) -> std::result::Result<(), String> {
        // SAFETY: `easy.raw()` is a valid easy handle, not in a transfer (the handle is being
        // configured); CURLOPT_SHARE takes a share handle, alive as long as `self` is (the
        // caller's contract above).
        let code = unsafe {
            curl_sys::curl_easy_setopt(easy.raw(), CURLOPT_SHARE, self.share.raw.as_ptr())
        };
        if code == CURLE_OK {
            Ok(())
        } else {
            Err(format!(
                "libcurl refused the connection pool (error {code})"
            ))
        }
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        // SAFETY: a valid share handle; every easy handle that used it was dropped before
        // (`attach`'s contract), so no transfer can call the lock callbacks any more.
        let code = unsafe { curl_sys::curl_share_cleanup(self.raw.as_ptr()) };
        // Still in use after all (cannot happen with `attach`'s contract kept): the handle
        // stays, and so must the locks its callbacks point to.
        if code == CURLSHE_OK {
            // SAFETY: made by `Box::leak` in `new`, and no share handle points to it any more.
            drop(unsafe { Box::from_raw(self.locks.as_ptr()) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_attach_and_outlive_nothing() {
        let pool = ConnectionPool::new().unwrap();
        let mut a = Easy::new();
        let mut b = Easy::new();
        pool.attach(&mut a).unwrap();
        pool.clone().attach(&mut b).unwrap();
        drop(a);
        drop(b);
        drop(pool);
    }

    #[test]
    fn locks_exclude_each_other_per_kind_only() {
        let locks = Arc::new(Locks::new());
        locks.lock(CURL_LOCK_DATA_CONNECT);
        // Another kind is free meanwhile.
        locks.lock(CURL_LOCK_DATA_DNS);
        locks.unlock(CURL_LOCK_DATA_DNS);
        let other = {
            let locks = locks.clone();
            std::thread::spawn(move || {
                locks.lock(CURL_LOCK_DATA_CONNECT);
                locks.unlock(CURL_LOCK_DATA_CONNECT);
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!other.is_finished(), "took a lock that was held");
        locks.unlock(CURL_LOCK_DATA_CONNECT);
        other.join().unwrap();
        assert_eq!(slot(1_000), KINDS - 1);
    }

    #[test]
    fn a_release_wakes_every_thread_waiting_for_the_lock() {
        use std::sync::mpsc;
        use std::time::Duration;
        let locks = Arc::new(Locks::new());
        locks.lock(CURL_LOCK_DATA_CONNECT);
        let (took, taken) = mpsc::channel();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let (locks, took) = (locks.clone(), took.clone());
                std::thread::spawn(move || {
                    locks.lock(CURL_LOCK_DATA_CONNECT);
                    took.send(()).unwrap();
                    locks.unlock(CURL_LOCK_DATA_CONNECT);
                })
            })
            .collect();
        // All three wait (counted) before the release.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while locks.state.lock().unwrap().waiting < 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "the waiters never waited"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        locks.unlock(CURL_LOCK_DATA_CONNECT);
        for _ in 0..3 {
            taken
                .recv_timeout(Duration::from_secs(10))
                .expect("a waiting thread was not woken when the lock was released");
        }
        for w in waiters {
            w.join().unwrap();
        }
        let state = locks.state.lock().unwrap();
        assert_eq!(
            (state.waiting, state.held[slot(CURL_LOCK_DATA_CONNECT)]),
            (0, false)
        );
    }
}
