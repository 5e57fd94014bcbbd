//! Callbacks: a custom fetcher (and the verifier's metadata loader) pushing bytes into a
//! `tuf_sink`, a log callback, and a download progress callback. Each comes with a
//! `void *userdata` that libtuf passes back unchanged.

use std::ffi::{c_char, c_int, c_void, CString};

use super::args;
use super::error::{tuf_error, tuf_result, TUF_OK};
use crate::error::{Error, Result};
use crate::fetch::Fetcher;

/// Where a fetch or load callback writes the bytes it received, and a sign callback the
/// signature it made, with `tuf_sink_write`. Valid only during the callback that received
/// it. libtuf enforces the length limit here: once more than the callback's `max_length`
/// bytes were written, `tuf_sink_write` fails with `TUF_ERR_LENGTH_EXCEEDED` (a sign
/// callback: more than 65536 bytes, `TUF_ERR_CRYPTO`) and the whole operation fails,
/// whatever the callback returns.
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

/// A fetch callback: downloads `url` (NUL-terminated UTF-8) and writes the body into `sink`
/// with `tuf_sink_write`, at most `max_length` bytes. Returns 0 on success; an HTTP status
/// (100-599, e.g. 404) if the server answered with an error (403 and 404 on `N.root.json` end
/// the root update normally); any other value for any other failure.
pub type tuf_fetch_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        url: *const c_char,
        max_length: u64,
        sink: *mut tuf_sink,
    ) -> c_int,
>;

/// A metadata loader for `tuf_verifier_find_target`: writes the bytes of the metadata of
/// role `role` (NUL-terminated UTF-8: a delegated role, or "targets" when it is not trusted
/// yet) into `sink`, at most `max_length` bytes. Returns 0 on success, any other value on
/// failure.
pub type tuf_load_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        role: *const c_char,
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

/// A log callback: `level` is one of `TUF_LOG_*`, `message` NUL-terminated UTF-8 valid during
/// the call.
pub type tuf_log_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, level: c_int, message: *const c_char)>;

/// A progress callback for target downloads: `received` of `total` bytes so far.
pub type tuf_progress_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, received: u64, total: u64)>;

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

/// A `Fetcher` that calls a C fetch callback.
pub(crate) struct CallbackFetcher {
    pub callback: RawSinkCallback,
    pub userdata: UserData,
}

/// Maps a callback's return value: 0 is success; 100..=599 an HTTP status.
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

/// Calls `callback(userdata, name, max_length, sink)` with a sink forwarding to `write`.
pub(crate) fn call_with_sink(
    callback: RawSinkCallback,
    userdata: UserData,
    name: &str,
    max_length: u64,
    write: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let c_name = CString::new(name)
        .map_err(|_| Error::InvalidArgument(format!("{name:?} contains a NUL byte")))?;
    let (rc, sink_error) = with_sink(&mut |d: &[u8]| write(d), |sink| {
        // SAFETY: the caller registered `callback` as a valid function of this signature;
        // `c_name` and `sink` live for the duration of the call.
        unsafe { callback(userdata.ptr(), c_name.as_ptr(), max_length, sink) }
    });
    if let Some(e) = sink_error {
        return Err(e);
    }
    callback_outcome(name, rc)
}

impl Fetcher for CallbackFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        call_with_sink(self.callback, self.userdata, url, max_length, sink)
    }
}

/// Builds a `tuf_error` for a NULL callback.
pub(crate) fn null_callback(name: &str) -> tuf_error {
    args::invalid(&format!("{name} is NULL"))
}
