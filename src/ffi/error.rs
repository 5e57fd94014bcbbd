//! Result codes and error objects.

use std::ffi::{c_char, CString};

use super::args::{c_string, free_handle, handle};
use super::boundary::value;
use crate::error::{Error, ErrorKind};

/// The result of every fallible libtuf function: `TUF_OK` (0) or a `TUF_ERR_*` code. Codes are
/// stable: never renumbered, never reused. A plain integer type, so that a value from a newer
/// library is still a valid `tuf_result`.
pub type tuf_result = u32;

/// Success.
pub const TUF_OK: tuf_result = 0;
/// A NULL pointer, invalid UTF-8, or another invalid argument.
pub const TUF_ERR_INVALID_ARGUMENT: tuf_result = 1;
/// Metadata is malformed or not valid TUF metadata (syntax, types, fields, `_type`, dates).
pub const TUF_ERR_INVALID_METADATA: tuf_result = 2;
/// A threshold of valid signatures was not reached.
pub const TUF_ERR_BAD_SIGNATURE: tuf_result = 3;
/// A version check failed (rollback, or a version other than the one expected).
pub const TUF_ERR_BAD_VERSION: tuf_result = 4;
/// Metadata is expired.
pub const TUF_ERR_EXPIRED: tuf_result = 5;
/// A file's length or hashes differ from what trusted metadata says.
pub const TUF_ERR_LENGTH_OR_HASH_MISMATCH: tuf_result = 6;
/// The repository is inconsistent (e.g. a delegated role missing from snapshot).
pub const TUF_ERR_REPOSITORY: tuf_result = 7;
/// A download failed (HTTP status, connection, transport).
pub const TUF_ERR_DOWNLOAD: tuf_result = 8;
/// A download sent more bytes than allowed.
pub const TUF_ERR_LENGTH_EXCEEDED: tuf_result = 9;
/// A download was slower than the configured minimum.
pub const TUF_ERR_SLOW_RETRIEVAL: tuf_result = 10;
/// A local file operation failed.
pub const TUF_ERR_IO: tuf_result = 11;
/// No trusted metadata describes the target.
pub const TUF_ERR_TARGET_NOT_FOUND: tuf_result = 12;
/// Functions were called in an order the workflow does not allow, a handle was used while in
/// a call, or an offline updater was asked for what only the network has (metadata its cache
/// lacks, a download; see `tuf_updater_config_set_offline`).
pub const TUF_ERR_STATE: tuf_result = 13;
/// A cryptographic operation failed.
pub const TUF_ERR_CRYPTO: tuf_result = 14;
/// An internal error (a bug in libtuf) was caught at the library boundary.
pub const TUF_ERR_PANIC: tuf_result = 15;
/// The operation was cancelled by its progress callback (a non-zero return); the cache is left
/// valid and nothing unverified is kept.
pub const TUF_ERR_CANCELLED: tuf_result = 16;

/// An error: its code and a human-readable message. Created by libtuf, freed with
/// `tuf_error_free`. Immutable: may be read from any thread.
#[derive(Clone)]
pub struct tuf_error {
    code: tuf_result,
    message: CString,
    http_status: u32,
    url: Option<CString>,
    role: Option<CString>,
}

impl tuf_error {
    pub(crate) fn new(code: tuf_result, message: &str) -> tuf_error {
        tuf_error {
            code,
            message: c_string(message),
            http_status: 0,
            url: None,
            role: None,
        }
    }

    /// Its code.
    pub(crate) fn code(&self) -> tuf_result {
        self.code
    }

    /// Its message.
    pub(crate) fn message(&self) -> String {
        self.message.to_string_lossy().into_owned()
    }

    /// The same error with another message (e.g. one naming several failures).
    pub(crate) fn with_message(self, message: &str) -> tuf_error {
        tuf_error {
            message: c_string(message),
            ..self
        }
    }
}

impl From<Error> for tuf_error {
    fn from(e: Error) -> tuf_error {
        tuf_error {
            http_status: e.http_status().unwrap_or(0),
            url: e.url().map(c_string),
            role: e.role().map(c_string),
            ..tuf_error::new(e.kind() as u32, &e.to_string())
        }
    }
}

/// The code of `err`, or `TUF_ERR_INVALID_ARGUMENT` if `err` is NULL.
#[no_mangle]
pub extern "C" fn tuf_error_code(err: *const tuf_error) -> tuf_result {
    value(TUF_ERR_PANIC, || {
        handle(err, "err").map_or(TUF_ERR_INVALID_ARGUMENT, |e| e.code)
    })
}

/// The message of `err` (UTF-8, NUL-terminated), valid until `err` is freed. A static
/// message if `err` is NULL.
#[no_mangle]
pub extern "C" fn tuf_error_message(err: *const tuf_error) -> *const c_char {
    value(c"internal error".as_ptr(), || {
        handle(err, "err").map_or(c"NULL error".as_ptr(), |e| e.message.as_ptr())
    })
}

/// The HTTP status of a failed download (e.g. 404; a missing `file://` file is 404), or 0
/// when the error has none (another error, or a transport failure without a response).
/// 0 if `err` is NULL.
#[no_mangle]
pub extern "C" fn tuf_error_http_status(err: *const tuf_error) -> u32 {
    value(0, || handle(err, "err").map_or(0, |e| e.http_status))
}

/// The URL of a failed, overlong, too slow or cancelled download (NUL-terminated, valid until `err` is
/// freed), or NULL when the error concerns no URL or `err` is NULL.
#[no_mangle]
pub extern "C" fn tuf_error_url(err: *const tuf_error) -> *const c_char {
    value(std::ptr::null(), || {
        handle(err, "err")
            .ok()
            .and_then(|e| e.url.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// The role ("root", "timestamp", "snapshot", "targets" or a delegated role's name) whose
/// metadata failed a check of signatures, version, expiry or type (NUL-terminated, valid
/// until `err` is freed), or NULL when the error is not about one role or `err` is NULL.
#[no_mangle]
pub extern "C" fn tuf_error_role(err: *const tuf_error) -> *const c_char {
    value(std::ptr::null(), || {
        handle(err, "err")
            .ok()
            .and_then(|e| e.role.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Frees an error. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_error_free(err: *mut tuf_error) {
    value((), || free_handle(err))
}

/// A static, NUL-terminated description of `code`; never NULL, also for unknown codes.
#[no_mangle]
pub extern "C" fn tuf_result_str(code: tuf_result) -> *const c_char {
    value(c"internal error".as_ptr(), || {
        let s = match code {
            TUF_OK => c"success",
            _ => ErrorKind::from_code(code).map_or(c"unknown result code", ErrorKind::as_c_str),
        };
        s.as_ptr()
    })
}

/// Frees a string that libtuf returned as owned (`char *`). NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_string_free(s: *mut c_char) {
    value((), || {
        if !s.is_null() {
            // SAFETY: a non-NULL `s` was returned by libtuf from `CString::into_raw` and is
            // freed once (caller contract).
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_error_kinds_and_have_descriptions() {
        use crate::ErrorKind::*;
        let pairs = [
            (TUF_ERR_INVALID_ARGUMENT, InvalidArgument),
            (TUF_ERR_INVALID_METADATA, InvalidMetadata),
            (TUF_ERR_BAD_SIGNATURE, BadSignature),
            (TUF_ERR_BAD_VERSION, BadVersion),
            (TUF_ERR_EXPIRED, Expired),
            (TUF_ERR_LENGTH_OR_HASH_MISMATCH, LengthOrHashMismatch),
            (TUF_ERR_REPOSITORY, Repository),
            (TUF_ERR_DOWNLOAD, Download),
            (TUF_ERR_LENGTH_EXCEEDED, LengthExceeded),
            (TUF_ERR_SLOW_RETRIEVAL, SlowRetrieval),
            (TUF_ERR_IO, Io),
            (TUF_ERR_TARGET_NOT_FOUND, TargetNotFound),
            (TUF_ERR_STATE, State),
            (TUF_ERR_CRYPTO, Crypto),
            (TUF_ERR_PANIC, Panic),
            (TUF_ERR_CANCELLED, Cancelled),
        ];
        for (code, kind) in pairs {
            assert_eq!(code, kind as u32, "{kind:?}");
        }
        for kind in ErrorKind::all() {
            // SAFETY: tuf_result_str returns a static C string.
            let s = unsafe { std::ffi::CStr::from_ptr(tuf_result_str(kind as u32)) };
            assert_eq!(s.to_str().unwrap(), kind.as_str(), "{kind:?}");
            assert_eq!(ErrorKind::from_code(kind as u32), Some(kind));
        }
        assert_eq!(ErrorKind::from_code(0), None);
        assert_eq!(ErrorKind::from_code(TUF_ERR_CANCELLED + 1), None);
        for code in 0..=TUF_ERR_CANCELLED {
            // SAFETY: tuf_result_str returns a static C string.
            let s = unsafe { std::ffi::CStr::from_ptr(tuf_result_str(code)) };
            assert_ne!(s.to_str().unwrap(), "unknown result code", "{code}");
        }
        assert_eq!(TUF_ERR_PANIC, 15);
        assert_eq!(TUF_ERR_TARGET_NOT_FOUND, 12);
    }
}
