//! The error type of libtuf.
//!
//! Every failure is one [`Error`] variant; [`Error::kind`] classifies it into an [`ErrorKind`],
//! which is what the C ABI exposes as a stable result code. The categories follow the TUF
//! specification's client workflow (digest section 2.x).

use std::fmt;

/// A stable classification of errors. The discriminants are the C ABI's `tuf_result` codes and
/// are never renumbered or reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum ErrorKind {
    /// A caller passed an invalid argument (NULL pointer, invalid UTF-8, bad option value).
    InvalidArgument = 1,
    /// Metadata could not be parsed or is not valid TUF metadata (syntax, types, missing or
    /// duplicate fields, floats, bad dates, `_type` mismatch, unsupported `spec_version`).
    InvalidMetadata = 2,
    /// A threshold of valid signatures was not reached (5.3.4, 5.4.2, 5.5.3, 5.6.3).
    BadSignature = 3,
    /// A version check failed: rollback or mismatch (5.3.5, 5.4.3, 5.5.4, 5.5.5, 5.6.4).
    BadVersion = 4,
    /// Metadata expired before the reference time (5.3.10, 5.4.4, 5.5.6, 5.6.5).
    Expired = 5,
    /// Length or hashes differ from what trusted metadata says (5.5.2, 5.6.2, 5.7.3).
    LengthOrHashMismatch = 6,
    /// The repository is inconsistent (a role missing from snapshot, a snapshot entry removed,
    /// an unknown delegated role).
    Repository = 7,
    /// A download failed: HTTP status, connection or transport error.
    Download = 8,
    /// A download sent more bytes than allowed (endless data attack).
    LengthExceeded = 9,
    /// A download was slower than the configured minimum speed (slow retrieval attack).
    SlowRetrieval = 10,
    /// A local file system operation failed.
    Io = 11,
    /// The requested target is not described by trusted metadata (5.7.2).
    TargetNotFound = 12,
    /// An operation was called in the wrong order (e.g. snapshot before timestamp), or an
    /// offline updater was asked for what only the network has ([`Error::Offline`]).
    State = 13,
    /// A cryptographic operation failed (e.g. key generation or signing).
    Crypto = 14,
    /// A Rust panic was caught at the C boundary.
    Panic = 15,
    /// The caller cancelled the operation (its progress callback asked to stop).
    Cancelled = 16,
}

impl ErrorKind {
    /// Every kind, in code order.
    pub fn all() -> [ErrorKind; 16] {
        [
            ErrorKind::InvalidArgument,
            ErrorKind::InvalidMetadata,
            ErrorKind::BadSignature,
            ErrorKind::BadVersion,
            ErrorKind::Expired,
            ErrorKind::LengthOrHashMismatch,
            ErrorKind::Repository,
            ErrorKind::Download,
            ErrorKind::LengthExceeded,
            ErrorKind::SlowRetrieval,
            ErrorKind::Io,
            ErrorKind::TargetNotFound,
            ErrorKind::State,
            ErrorKind::Crypto,
            ErrorKind::Panic,
            ErrorKind::Cancelled,
        ]
    }

    /// The kind whose code is `code`, if any.
    pub fn from_code(code: u32) -> Option<ErrorKind> {
        ErrorKind::all().into_iter().find(|k| *k as u32 == code)
    }

    /// The one table of descriptions, NUL-terminated so that the C ABI can hand them out as
    /// static C strings ([`as_c_str`](Self::as_c_str)).
    fn description(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid argument\0",
            ErrorKind::InvalidMetadata => "invalid metadata\0",
            ErrorKind::BadSignature => "signature threshold not met\0",
            ErrorKind::BadVersion => "bad version number\0",
            ErrorKind::Expired => "metadata expired\0",
            ErrorKind::LengthOrHashMismatch => "length or hash mismatch\0",
            ErrorKind::Repository => "repository error\0",
            ErrorKind::Download => "download error\0",
            ErrorKind::LengthExceeded => "download length exceeded\0",
            ErrorKind::SlowRetrieval => "slow retrieval\0",
            ErrorKind::Io => "I/O error\0",
            ErrorKind::TargetNotFound => "target not found\0",
            ErrorKind::State => "invalid operation order\0",
            ErrorKind::Crypto => "cryptographic error\0",
            ErrorKind::Panic => "internal error\0",
            ErrorKind::Cancelled => "cancelled\0",
        }
    }

    /// A short, static description of the kind.
    pub fn as_str(self) -> &'static str {
        let s = self.description();
        s.strip_suffix('\0').unwrap_or(s)
    }

    /// [`as_str`](Self::as_str) as a static C string.
    pub fn as_c_str(self) -> &'static std::ffi::CStr {
        std::ffi::CStr::from_bytes_with_nul(self.description().as_bytes()).unwrap_or(c"")
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every error libtuf reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// Parse or format error. `path` names the offending field, e.g.
    /// `signed.roles.timestamp.threshold`.
    #[error("invalid metadata at {path}: {msg}")]
    InvalidMetadata { path: String, msg: String },

    #[error("{role}: expected _type {expected:?}, got {got:?}")]
    WrongType {
        role: String,
        expected: String,
        got: String,
    },

    #[error("{role}: signature threshold not met ({valid} of {threshold} valid signatures)")]
    UnsignedMetadata {
        role: String,
        valid: usize,
        threshold: u64,
    },

    #[error("{role}: bad version {got}, expected {expected}")]
    BadVersion {
        role: String,
        expected: String,
        got: u64,
    },

    #[error("{role}: expired at {expires}")]
    Expired { role: String, expires: String },

    #[error("{what}: {msg}")]
    LengthOrHashMismatch { what: String, msg: String },

    #[error("repository error: {0}")]
    Repository(String),

    #[error("download of {url} failed: {msg}")]
    Download {
        url: String,
        status: Option<u32>,
        msg: String,
    },

    #[error("download of {url} exceeded the limit of {limit} bytes")]
    LengthExceeded { url: String, limit: u64 },

    #[error("download of {url} was too slow: {msg}")]
    SlowRetrieval { url: String, msg: String },

    #[error("I/O error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("target not found: {0}")]
    TargetNotFound(String),

    #[error("invalid operation order: {0}")]
    State(String),

    /// An offline updater was asked for what only the network has: metadata its cache lacks,
    /// or a download. [`ErrorKind::State`].
    #[error("offline: {0}")]
    Offline(String),

    #[error("cryptographic error: {0}")]
    Crypto(String),

    /// The progress callback asked to stop; nothing unverified was kept.
    #[error("cancelled during the download of {url}")]
    Cancelled { url: String },
}

impl Error {
    /// The stable classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
            Error::InvalidMetadata { .. } | Error::WrongType { .. } => ErrorKind::InvalidMetadata,
            Error::UnsignedMetadata { .. } => ErrorKind::BadSignature,
            Error::BadVersion { .. } => ErrorKind::BadVersion,
            Error::Expired { .. } => ErrorKind::Expired,
            Error::LengthOrHashMismatch { .. } => ErrorKind::LengthOrHashMismatch,
            Error::Repository(_) => ErrorKind::Repository,
            Error::Download { .. } => ErrorKind::Download,
            Error::LengthExceeded { .. } => ErrorKind::LengthExceeded,
            Error::SlowRetrieval { .. } => ErrorKind::SlowRetrieval,
            Error::Io { .. } => ErrorKind::Io,
            Error::TargetNotFound(_) => ErrorKind::TargetNotFound,
            Error::State(_) | Error::Offline(_) => ErrorKind::State,
            Error::Crypto(_) => ErrorKind::Crypto,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
        }
    }

    /// The HTTP status of a failed download, when the server gave one (a missing `file://`
    /// file counts as 404).
    pub fn http_status(&self) -> Option<u32> {
        match self {
            Error::Download { status, .. } => *status,
            _ => None,
        }
    }

    /// The URL of a failed, overlong, too slow or cancelled download.
    pub fn url(&self) -> Option<&str> {
        match self {
            Error::Download { url, .. }
            | Error::LengthExceeded { url, .. }
            | Error::SlowRetrieval { url, .. }
            | Error::Cancelled { url } => Some(url).filter(|u| !u.is_empty()).map(|u| u.as_str()),
            _ => None,
        }
    }

    /// The role whose metadata failed a check (signatures, version, expiry, type), when the
    /// error is about one role.
    pub fn role(&self) -> Option<&str> {
        match self {
            Error::UnsignedMetadata { role, .. }
            | Error::BadVersion { role, .. }
            | Error::Expired { role, .. }
            | Error::WrongType { role, .. } => Some(role),
            _ => None,
        }
    }

    /// An [`Error::InvalidMetadata`] at `path`.
    pub fn invalid(path: impl Into<String>, msg: impl Into<String>) -> Error {
        Error::InvalidMetadata {
            path: path.into(),
            msg: msg.into(),
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// `s` quoted for an error message, cut to its first 64 characters: error messages quote
/// values from untrusted documents, which may be enormous.
pub(crate) fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}... ({} bytes)", &s[..cut], s.len()),
    }
}

const EXCERPT_CHARS: usize = 64;

/// `s` cut to its first 64 characters, unquoted.
pub(crate) fn truncated(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => s.to_string(),
        Some((cut, _)) => s[..cut].to_string(),
    }
}

/// `Result` with libtuf's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_fields() {
        let e = Error::Download {
            url: "https://r/x".into(),
            status: Some(404),
            msg: "HTTP status 404".into(),
        };
        assert_eq!(
            (e.http_status(), e.url(), e.role()),
            (Some(404), Some("https://r/x"), None)
        );
        let e = Error::SlowRetrieval {
            url: "https://r/y".into(),
            msg: "too slow".into(),
        };
        assert_eq!((e.http_status(), e.url()), (None, Some("https://r/y")));
        let e = Error::LengthExceeded {
            url: String::new(),
            limit: 5,
        };
        assert_eq!(e.url(), None);
        let e = Error::Expired {
            role: "snapshot".into(),
            expires: "2000-01-01T00:00:00Z".into(),
        };
        assert_eq!(
            (e.role(), e.url(), e.http_status()),
            (Some("snapshot"), None, None)
        );
        let e = Error::BadVersion {
            role: "a/b".into(),
            expected: "2".into(),
            got: 1,
        };
        assert_eq!(e.role(), Some("a/b"));
        assert_eq!(Error::State("x".into()).role(), None);
    }
}
