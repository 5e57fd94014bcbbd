//! Callbacks: a custom fetcher (and the verifier's metadata loader) pushing bytes into a
//! `tuf_sink`, a log callback, and a download progress callback. Each comes with a
//! `void *userdata` that libtuf passes back unchanged. (The metadata storage callbacks,
//! `tuf_storage`, are in `storage.rs`, with the same contract.)

use std::ffi::{c_char, c_int, c_void, CString};

use super::args;
use super::error::{tuf_error, tuf_result, TUF_OK};
use crate::error::{Error, Result};
use crate::fetch::Fetcher;

/// Where a fetch or load callback writes the bytes it received, a storage read callback the
/// value it read, and a sign callback the signature it made, with `tuf_sink_write`. Valid only during the callback that received
/// it, on that callback's thread. libtuf enforces the length limit here: once more than the
/// callback's `max_length` bytes were written, `tuf_sink_write` fails with
/// `TUF_ERR_LENGTH_EXCEEDED` (a sign callback: more than 65536 bytes, `TUF_ERR_CRYPTO`) and
/// the whole operation fails, whatever the callback returns.
pub struct tuf_sink {
    ctx: *mut c_void,
    write: unsafe fn(*mut c_void, &[u8]) -> Result<()>,
    error: Option<Error>,
}

/// # Safety
/// `ctx` must point to a live `F`, not aliased during the call.
unsafe fn trampoline<F: FnMut(&[u8]) -> Result<()>>(ctx: *mut c_void, data: &[u8]) -> Result<()> {
    // SAFETY: guaranteed by the caller (`with_sink` passes a pointer to its own `F`).
    let f = unsafe { &mut *(ctx as *mut F) };
    f(data)
}

/// Runs `body` with a sink that forwards writes to `write`; returns `body`'s result and the
/// first error a write produced.
pub(crate) fn with_sink<F: FnMut(&[u8]) -> Result<()>, R>(
    write: &mut F,
    body: impl FnOnce(*mut tuf_sink) -> R,
) -> (R, Option<Error>) {
    let mut sink = tuf_sink {
        ctx: write as *mut F as *mut c_void,
        write: trampoline::<F>,
        error: None,
    };
    let r = body(&mut sink);
    (r, sink.error)
}

/// Writes `len` bytes from `data` into `sink`. Returns `TUF_OK`, or an error code after which
/// the callback should stop and return a non-zero value: `TUF_ERR_LENGTH_EXCEEDED` when the
/// limit was passed (`TUF_ERR_CRYPTO` in a sign callback), `TUF_ERR_IO` when libtuf could not
/// store the bytes,
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments. After an error, every later write fails the
/// same way.
#[no_mangle]
pub extern "C" fn tuf_sink_write(sink: *mut tuf_sink, data: *const u8, len: usize) -> tuf_result {
    super::boundary::value(super::error::TUF_ERR_PANIC, || {
        let Ok(sink) = args::handle_mut(sink, "sink") else {
            return super::error::TUF_ERR_INVALID_ARGUMENT;
        };
        let Ok(bytes) = args::bytes_arg(data, len, "data") else {
            return super::error::TUF_ERR_INVALID_ARGUMENT;
        };
        if let Some(e) = &sink.error {
            return e.kind() as u32;
        }
        // SAFETY: `ctx` and `write` were set together by `with_sink`, whose `F` outlives the
        // callback during which this sink is valid.
        match unsafe { (sink.write)(sink.ctx, bytes) } {
            Ok(()) => TUF_OK,
            Err(e) => {
                let code = e.kind() as u32;
                sink.error = Some(e);
                code
            }
        }
    })
}

/// A fetch callback, set with `tuf_updater_config_set_fetcher`: downloads `url`
/// (NUL-terminated UTF-8, valid during the call) and writes the body into `sink` with
/// `tuf_sink_write`, at most `max_length` bytes (libtuf enforces the limit whatever the
/// callback does).
///
/// Returns:
/// - 0 or any 2xx status (200-299): success; what was written is the body.
/// - `TUF_FETCH_NOT_FOUND`: the file does not exist, for a callback that has no HTTP status
///   to give (a local store, a database): the same as 404.
/// - Another HTTP status (100-599, e.g. 404, 503): the server answered with it. 403 and 404
///   on `N.root.json` end the root update normally; otherwise the operation fails with
///   `TUF_ERR_DOWNLOAD` and `tuf_error_http_status` gives the status.
/// - Any other value (e.g. -1 or 1): a failure without a status: `TUF_ERR_DOWNLOAD`, with
///   `tuf_error_http_status` 0.
///
/// With retries (`tuf_updater_config_set_retries`), a callback that returned 429, 500-599 or
/// a failure without a status is called again for the same URL, unless it had written bytes
/// into the sink or a write had failed.
///
/// Contract (the same for every libtuf callback):
/// - Thread: called on the thread that called the libtuf function (`tuf_updater_refresh`,
///   `tuf_updater_get_target_info`, `tuf_updater_download_target`,
///   `tuf_updater_download_targets`, and `tuf_updater_new` never fetches), during that call
///   only. Updaters used from several threads at once call
///   it from each, concurrently: `userdata` must then be usable from all of them.
/// - Locks held: the updater's own in-use flag only. The exclusive lock of the metadata
///   directory is held only while libtuf reads and writes the directory's files, never while
///   a callback runs (so never while waiting on the network).
/// - What it may call: any libtuf function, except on the same updater (that fails with
///   `TUF_ERR_STATE`). Other updaters, also of the same metadata directory, work.
/// - Lifetime of `userdata`: libtuf keeps the pointer in the configuration and in every
///   updater created from it: it must stay valid until they are all freed.
/// - It must return normally: no C++ exception, `longjmp` or thread cancellation may leave
///   it (unwinding through libtuf is undefined behaviour and aborts the process). C++ callers
///   catch everything inside the callback and return non-zero.
pub type tuf_fetch_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        url: *const c_char,
        max_length: u64,
        sink: *mut tuf_sink,
    ) -> c_int,
>;

/// A metadata loader for `tuf_verifier_find_target`: writes the bytes of the metadata of
/// role `role` (NUL-terminated UTF-8, valid during the call: a delegated role, or "targets"
/// when it is not trusted yet) into `sink`, at most `max_length` bytes. Returns 0 on success,
/// any other value on failure (the search ends with `TUF_ERR_DOWNLOAD`).
///
/// Contract: called on the thread that called `tuf_verifier_find_target`, during that call
/// only, while the verifier is in use: it must not call any function on that verifier
/// (updates fail with `TUF_ERR_STATE`, getters return 0 or false); other handles are fine.
/// `userdata` need only be valid during the call. It must return normally (no C++
/// exception or `longjmp` may leave it).
pub type tuf_load_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        role: *const c_char,
        max_length: u64,
        sink: *mut tuf_sink,
    ) -> c_int,
>;

/// A metadata loader for `tuf_verifier_find_target_versioned`: as `tuf_load_callback`, and
/// also told `version`, the version of `role` that the trusted snapshot lists (the `V` of
/// `V.ROLE.json` when the root has consistent snapshots), so that it never needs to ask the
/// verifier. `max_length` is the length snapshot gives for the role, else 5000000. Same
/// return values and contract as `tuf_load_callback`.
pub type tuf_versioned_load_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        role: *const c_char,
        version: u64,
        max_length: u64,
        sink: *mut tuf_sink,
    ) -> c_int,
>;

/// Log levels passed to a `tuf_log_callback`.
pub const TUF_LOG_DEBUG: c_int = 1;
/// Something worth knowing: a cached file rejected, a recovery, a download.
pub const TUF_LOG_INFO: c_int = 2;
/// Something suspicious that did not stop the operation.
pub const TUF_LOG_WARN: c_int = 3;

/// A log callback, set with `tuf_updater_config_set_log_callback`: `level` is one of
/// `TUF_LOG_*`, `message` NUL-terminated UTF-8 valid during the call only (copy it to keep
/// it). No return value.
///
/// Contract: as `tuf_fetch_callback` (thread, locks held, what it may call, lifetime of
/// `userdata`, no unwinding); it may also be called from `tuf_updater_new`.
pub type tuf_log_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, level: c_int, message: *const c_char)>;

/// A progress callback for target downloads, set with `tuf_updater_set_progress_callback`
/// (`tuf_transfer_progress_callback` also reports metadata and can cancel):
/// `received` of `total` bytes so far (`total` is the length from trusted metadata), called
/// as bytes arrive. No return value.
///
/// Contract: called on the thread that called `tuf_updater_download_target`, during that
/// call only, with no lock of the metadata directory held but the updater in use: calls on
/// the same updater fail with `TUF_ERR_STATE`; other updaters are fine. `userdata` must
/// stay valid until the callback is replaced or the updater freed. It must return normally
/// (no C++ exception or `longjmp` may leave it).
pub type tuf_progress_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, received: u64, total: u64)>;

/// A progress callback for every transfer of an updater, metadata and targets alike, set with
/// `tuf_updater_config_set_progress_callback`: `url` (NUL-terminated UTF-8, valid during the
/// call) has delivered `received` bytes of at most `total` (the exact length for targets and
/// for metadata whose length trusted metadata gives; otherwise the configured maximum). It is
/// called when a transfer starts, as bytes arrive, and about once a second while the built-in
/// fetcher waits for bytes (so that a stalled transfer can be cancelled).
///
/// Returns 0 to continue; any other value cancels: the transfer stops, and the running call
/// (`tuf_updater_refresh`, `tuf_updater_get_target_info`, `tuf_updater_download_target`,
/// `tuf_updater_download_targets`: every transfer of the call) fails with
/// `TUF_ERR_CANCELLED`. The cache stays valid: what was verified before stays, nothing
/// unverified is used, and a cancelled target download leaves nothing at its destination
/// (what arrived stays in its partial file for the next download to resume, unless
/// `tuf_updater_config_set_resume` turned resuming off).
///
/// Contract: as `tuf_fetch_callback` (thread, locks held, what it may call, lifetime of
/// `userdata` until the configuration and every updater created from it are freed, no
/// unwinding).
pub type tuf_transfer_progress_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        url: *const c_char,
        received: u64,
        total: u64,
    ) -> c_int,
>;

/// What a `tuf_fetch_callback` returns when the file does not exist and it has no HTTP status
/// to give: treated as HTTP 404. A negative value, distinct from 0, the HTTP statuses and
/// the usual failure returns -1 and 1. (The header defines it in cbindgen.toml, in
/// parentheses.)
pub const TUF_FETCH_NOT_FOUND: c_int = -404;

/// The caller's `void *userdata`.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);

impl UserData {
    /// The pointer. (A method, so that closures capture the whole `Send` wrapper rather
    /// than its raw pointer field.)
    pub fn ptr(self) -> *mut c_void {
        self.0
    }
}

// SAFETY: the header documents that callbacks are called on whichever thread drives the
// handle they were given to, and that callbacks and their userdata must be usable from that
// thread (and from several at once when shared between handles used concurrently).
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// The function type behind `tuf_fetch_callback` and `tuf_load_callback`.
pub(crate) type RawSinkCallback =
    unsafe extern "C" fn(*mut c_void, *const c_char, u64, *mut tuf_sink) -> c_int;

/// A `Fetcher` that calls a `tuf_fetch_callback` (its return values as documented there).
pub(crate) struct FetchCallback {
    pub callback: RawSinkCallback,
    pub userdata: UserData,
}

/// A `Fetcher` whose "URL" is a role name, calling a `tuf_load_callback`: 0 is success, any
/// other value a failure (100..=599 carried as an HTTP status).
pub(crate) struct CallbackFetcher {
    pub callback: RawSinkCallback,
    pub userdata: UserData,
}

/// Maps a load callback's return value: 0 is success; 100..=599 an HTTP status.
fn callback_outcome(url: &str, rc: c_int) -> Result<()> {
    match rc {
        0 => Ok(()),
        100..=599 => Err(Error::Download {
            url: url.into(),
            status: Some(rc as u32),
            msg: format!("HTTP status {rc}"),
        }),
        _ => Err(Error::Download {
            url: url.into(),
            status: None,
            msg: format!("the fetch callback failed ({rc})"),
        }),
    }
}

/// Maps a `tuf_fetch_callback`'s return value: 0 and 2xx are success; `TUF_FETCH_NOT_FOUND`
/// is 404; another of 100..=599 is that HTTP status; anything else a failure without one.
fn fetch_outcome(url: &str, rc: c_int) -> Result<()> {
    match rc {
        200..=299 => Ok(()),
        TUF_FETCH_NOT_FOUND => callback_outcome(url, 404),
        _ => callback_outcome(url, rc),
    }
}

/// Calls `invoke(c_name, sink)` (a C callback) with `name` as a C string and a sink
/// forwarding to `write`; maps the callback's return value with `outcome` and the sink's
/// first error. A `name` containing a NUL byte is refused rather than cut: the callback would
/// be asked for something else.
fn call_with_sink(
    name: &str,
    write: &mut dyn FnMut(&[u8]) -> Result<()>,
    invoke: impl FnOnce(*const c_char, *mut tuf_sink) -> c_int,
    outcome: fn(&str, c_int) -> Result<()>,
) -> Result<()> {
    let c_name = CString::new(name)
        .map_err(|_| Error::InvalidArgument(format!("{name:?} contains a NUL byte")))?;
    let (rc, sink_error) = with_sink(&mut |d: &[u8]| write(d), |sink| {
        invoke(c_name.as_ptr(), sink)
    });
    if let Some(e) = sink_error {
        return Err(e);
    }
    outcome(name, rc)
}

impl Fetcher for FetchCallback {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let (callback, userdata) = (self.callback, self.userdata);
        let invoke = |name, s| {
            // SAFETY: the caller registered `callback` as a valid function of this signature;
            // `name` and `s` live for the duration of the call.
            unsafe { callback(userdata.ptr(), name, max_length, s) }
        };
        call_with_sink(url, sink, invoke, fetch_outcome)
    }
}

impl Fetcher for CallbackFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let (callback, userdata) = (self.callback, self.userdata);
        let invoke = |name, s| {
            // SAFETY: the caller registered `callback` as a valid function of this signature;
            // `name` and `s` live for the duration of the call.
            unsafe { callback(userdata.ptr(), name, max_length, s) }
        };
        call_with_sink(url, sink, invoke, callback_outcome)
    }
}

/// The function type behind `tuf_versioned_load_callback`.
pub(crate) type RawVersionedLoad =
    unsafe extern "C" fn(*mut c_void, *const c_char, u64, u64, *mut tuf_sink) -> c_int;

/// A `Fetcher` whose "URL" is a role name, calling a `tuf_versioned_load_callback` with the
/// role's version from trusted snapshot.
pub(crate) struct VersionedLoader {
    pub callback: RawVersionedLoad,
    pub userdata: UserData,
    pub version: u64,
}

impl Fetcher for VersionedLoader {
    fn fetch(
        &mut self,
        role: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let (callback, userdata, version) = (self.callback, self.userdata, self.version);
        let invoke = |name, s| {
            // SAFETY: the caller registered `callback` as a valid function of this signature;
            // `name` and `s` live for the duration of the call.
            unsafe { callback(userdata.ptr(), name, version, max_length, s) }
        };
        call_with_sink(role, sink, invoke, callback_outcome)
    }
}

/// Builds a `tuf_error` for a NULL callback.
pub(crate) fn null_callback(name: &str) -> tuf_error {
    args::invalid(&format!("{name} is NULL"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_callback_return_values() {
        for rc in [0, 200, 204, 206, 299] {
            assert!(fetch_outcome("u", rc).is_ok(), "{rc}");
        }
        let status = |rc| fetch_outcome("u", rc).unwrap_err().http_status();
        assert_eq!(status(TUF_FETCH_NOT_FOUND), Some(404));
        for rc in [100, 199, 300, 304, 403, 404, 429, 503, 599] {
            assert_eq!(status(rc), Some(rc as u32), "{rc}");
        }
        for rc in [-1, 1, 99, 600, -403, c_int::MIN, c_int::MAX] {
            assert_eq!(status(rc), None, "{rc}");
        }
        // Load callbacks keep their rule: 0 is the only success.
        assert!(callback_outcome("r", 0).is_ok());
        assert!(callback_outcome("r", 200).is_err());
        assert!(callback_outcome("r", TUF_FETCH_NOT_FOUND).is_err());
    }
}
