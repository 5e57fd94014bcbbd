//! Fetching bytes from a repository, with the transport-level defences TUF requires.
//!
//! - this file: the [`Fetcher`] trait and the byte limit every download goes through
//!   ([`fetch_limited`], [`fetch_bytes`]);
//! - `deadline`: [`WithDeadline`], the overall deadline of a transfer around any fetcher;
//! - `curl`: [`CurlFetcher`], the default fetcher, and its [`FetcherConfig`];
//! - `targets_metadata`: fetching a targets role within the length trusted snapshot gives,
//!   then verifying it ([`fetch_targets_metadata`]), for the updater and the C verifier alike;
//! - `progress`: progress reports and cancellation of every transfer ([`ProgressFetcher`]);
//! - [`multi`](MultiFetcher): many transfers at once over libcurl's multi interface, for
//!   parallel target downloads;
//! - [`pool`](ConnectionPool): one pool of connections for the transfers of many fetchers;
//! - `retry`: retrying transfers that failed for a transient reason ([`RetryFetcher`]);
//! - `transport`: the libcurl fetcher's CA, client certificate, proxy and header settings;
//!   `redirect`: the redirects it follows itself; `file_url`: missing `file://` paths.
//!
//! Everything a repository or a network attacker sends is untrusted until the updater has
//! checked signatures, lengths and hashes. Those checks only run *after* a download, so the
//! download itself must not let an attacker exhaust the client. This module covers:
//!
//! - **Endless data** (digest section 3): every fetch has a byte limit (`max_length`, the W, X, Y,
//!   Z limits of the client workflow or a length from trusted metadata). The transfer is
//!   stopped as soon as the total received *exceeds* the limit, with
//!   [`Error::LengthExceeded`], like python-tuf's `DownloadLengthMismatchError`. The limit is
//!   enforced while streaming, so neither a missing nor a lying `Content-Length` helps.
//!   [`fetch_bytes`] enforces it again around any [`Fetcher`], so a custom fetcher cannot bypass
//!   it.
//! - **Slow retrieval** (digest section 3): [`CurlFetcher`] aborts a transfer whose speed stays
//!   below [`FetcherConfig::low_speed_limit`] for [`FetcherConfig::low_speed_time`], and a
//!   connection that cannot be established within [`FetcherConfig::connect_timeout`], with
//!   [`Error::SlowRetrieval`] (python-tuf uses a 30 s socket timeout for both). A server can
//!   still drip bytes just above the minimum speed for as long as the byte limit allows
//!   (days for a large target), so every transfer also has an overall deadline,
//!   [`FetcherConfig::timeout`] (one hour by default), past which it fails with
//!   [`Error::SlowRetrieval`] too: [`CurlFetcher`] enforces it, and [`WithDeadline`] enforces
//!   it around any fetcher whenever bytes arrive (the updater wraps its fetcher, custom or
//!   not, in it).
//! - **Redirects**: a server may redirect only to `http` or `https` URLs, at most
//!   [`FetcherConfig::max_redirects`] times. A redirect to `file://` (or any other scheme) is
//!   refused, so a remote server can never make the client read local files. Requests
//!   themselves are limited to `http`, `https` and `file`. Custom headers
//!   ([`FetcherConfig::headers`], e.g. credentials) are never sent once a redirect left the
//!   origin (scheme, host, port) of the URL asked for.
//!
//! It does not defend against an attacker serving *wrong* bytes: that is what signatures,
//! versions, lengths and hashes are for, in [`crate::verify`].
//!
//! Bodies are not decompressed (no `Accept-Encoding` is sent and no content decoding is done):
//! lengths and hashes in TUF metadata describe the raw bytes.
//!
//! # Status codes
//!
//! An HTTP response with a non-2xx status is [`Error::Download`] with `status: Some(code)`. A
//! `file://` URL naming a file that does not exist is reported the same way with
//! `status: Some(404)`, so that callers can treat "not found" alike for both schemes (the
//! updater ends the root update loop on 403 or 404 for `N.root.json`). Any other failure has
//! `status: None`.

mod curl;
mod deadline;
mod file_url;
mod multi;
mod pool;
mod progress;
mod redirect;
mod response;
mod retry;
mod targets_metadata;
mod transport;

pub use self::curl::{CurlFetcher, FetcherConfig, DEFAULT_TIMEOUT};
pub use deadline::WithDeadline;
pub use multi::{supports_http2, MultiFetcher, MultiRequest, OwnedRangeSink};
pub(crate) use multi::{take_body, MemoryBody};
pub use pool::ConnectionPool;
pub use progress::{Progress, ProgressFetcher, ProgressFn};
pub use retry::{is_transient, RetryFetcher, RetryObserver, RetryPolicy, MAX_BACKOFF, MAX_RETRIES};
pub use targets_metadata::{fetch_targets_metadata, DEFAULT_TARGETS_MAX_LENGTH};
pub use transport::{ClientCertificate, Pem};

use crate::error::{Error, Result};

/// Fetches bytes from URLs. Implementations pass the body to `sink` in chunks as it arrives.
///
/// `max_length` is the most bytes the caller accepts; an implementation should stop and fail
/// with [`Error::LengthExceeded`] once more than that has arrived, but callers should use
/// [`fetch_limited`] or [`fetch_bytes`] rather than trust it to.
///
/// If `sink` returns an error, the implementation must stop the transfer and return that
/// error (or, at least, an error). An implementation may call `sink` with an empty chunk at
/// any time, e.g. while it waits for data, so that the receiving side can cancel a stalled
/// transfer.
///
/// A missing resource should be reported as [`Error::Download`] with `status: Some(404)` (or
/// `Some(403)`), whatever the transport.
pub trait Fetcher: Send {
    /// Downloads `url`, passing the body to `sink` chunk by chunk.
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()>;

    /// Whether `error`, which this fetcher's latest [`fetch`](Self::fetch) returned, is
    /// transient: worth trying again ([`RetryFetcher`]). The default is [`is_transient`]: a
    /// failure without an HTTP status, 429 or 5xx. [`CurlFetcher`] tells apart the failures
    /// without a status too (a refused or reset connection is transient; a refused redirect, a
    /// malformed URL or a certificate that does not verify is not).
    fn is_transient(&self, error: &Error) -> bool {
        is_transient(error)
    }

    /// Downloads `url` from byte `offset` on when the fetcher and the server can, to resume an
    /// interrupted download. `sink` gets each chunk with its position in the whole file: the
    /// body starts at `offset` (the range was served) or at 0 (the whole file: the server
    /// ignores ranges, or the fetcher does not ask for them), and goes on without gaps.
    /// `max_length` is the most bytes of the whole file the caller accepts. A server that
    /// answers with another range fails the fetch with [`range_not_served`]'s error; a
    /// resumed download always ends with the verification of the whole file.
    ///
    /// The default does not ask for a range: it fetches the whole file with
    /// [`fetch`](Self::fetch), positions from 0, so custom fetchers simply start over.
    /// [`CurlFetcher`] sends `Range: bytes=OFFSET-` (and reads `file://` from `offset`).
    /// Callers use [`fetch_range_limited`], which enforces the limit and the positions.
    fn fetch_range(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
    ) -> Result<()> {
        let _ = offset;
        let mut position = 0u64;
        self.fetch(url, max_length, &mut |chunk: &[u8]| {
            let at = position;
            position = position.saturating_add(chunk.len() as u64);
            sink(at, chunk)
        })
    }
}

/// What a ranged fetch ([`Fetcher::fetch_range`]) hands the body to: `(position, chunk)`,
/// `position` being the offset in the whole file of the chunk's first byte.
pub type RangeSink<'a> = dyn FnMut(u64, &[u8]) -> Result<()> + 'a;

/// The error of a ranged fetch whose response holds another range than the one asked for
/// (a `206` with a missing or different `Content-Range`): [`Error::Download`] with status
/// 206. The download then starts over without a range ([`is_range_not_served`]).
pub fn range_not_served(url: &str, msg: &str) -> Error {
    Error::Download {
        url: url.to_string(),
        status: Some(206),
        msg: format!("the server did not serve the range asked for: {msg}"),
    }
}

/// Whether `error` says that a ranged fetch cannot go on from where it was asked to:
/// [`range_not_served`], or HTTP 416 (Range Not Satisfiable: the server's file is shorter).
/// Starting over without a range may still work.
pub fn is_range_not_served(error: &Error) -> bool {
    matches!(
        error,
        Error::Download {
            status: Some(206 | 416),
            ..
        }
    )
}

/// Whether `error` answers "this file does not exist": HTTP 403 or 404. A root update ends
/// on it (5.3.3: python-tuf takes either as the end of the chain), and a mirror passes on to
/// the next one.
pub(crate) fn is_not_found(error: &Error) -> bool {
    matches!(
        error,
        Error::Download {
            status: Some(403 | 404),
            ..
        }
    )
}

/// The checks of a ranged download ([`fetch_range_limited`] and the parallel fetcher): its
/// body starts at the offset asked for or at 0, goes on without gaps, and ends within
/// `max_length` bytes of the whole file.
#[derive(Debug)]
pub(crate) struct RangeCheck {
    url: String,
    offset: u64,
    max_length: u64,
    /// The position the next chunk must have, once the body started.
    next: Option<u64>,
    /// Where the body started.
    start: Option<u64>,
    failed: Option<fn(&str, u64) -> Error>,
}

impl RangeCheck {
    pub(crate) fn new(url: &str, offset: u64, max_length: u64) -> RangeCheck {
        RangeCheck {
            url: url.to_string(),
            offset,
            max_length,
            next: None,
            start: None,
            failed: None,
        }
    }

    /// Checks the chunk at `position`; after a failure every chunk fails the same way.
    pub(crate) fn check(&mut self, position: u64, chunk: &[u8]) -> Result<()> {
        if let Some(f) = self.failed {
            return Err(f(&self.url, self.max_length));
        }
        if chunk.is_empty() {
            return Ok(());
        }
        let expected = match self.next {
            Some(next) => position == next,
            None => position == 0 || position == self.offset,
        };
        if !expected {
            self.failed = Some(|url, _| range_not_served(url, "bytes out of place"));
            return Err(range_not_served(&self.url, "bytes out of place"));
        }
        let end = position.saturating_add(chunk.len() as u64);
        if end > self.max_length {
            self.failed = Some(length_exceeded);
            return Err(length_exceeded(&self.url, self.max_length));
        }
        self.start.get_or_insert(position);
        self.next = Some(end);
        Ok(())
    }

    /// The error that stopped the transfer, if a check failed.
    pub(crate) fn error(&self) -> Option<Error> {
        self.failed.map(|f| f(&self.url, self.max_length))
    }

    /// Where the body started and ended (`(offset, offset)` when nothing arrived).
    pub(crate) fn span(&self) -> (u64, u64) {
        match (self.start, self.next) {
            (Some(s), Some(e)) => (s, e),
            _ => (self.offset, self.offset),
        }
    }
}

/// [`fetch_limited`] for a ranged fetch ([`Fetcher::fetch_range`]): hands each chunk to
/// `consume` with its position, and fails with [`Error::LengthExceeded`] as soon as a byte at
/// a position of `max_length` or more arrives, or with [`range_not_served`]'s error when the
/// body starts elsewhere than at `offset` or 0 or has gaps, whatever the fetcher does. Returns
/// where the body started and ended.
pub fn fetch_range_limited(
    f: &mut dyn Fetcher,
    url: &str,
    offset: u64,
    max_length: u64,
    consume: &mut RangeSink<'_>,
) -> Result<(u64, u64)> {
    let mut check = RangeCheck::new(url, offset, max_length);
    let mut consume_error: Option<Error> = None;
    let result = f.fetch_range(url, offset, max_length, &mut |at: u64, chunk: &[u8]| {
        if consume_error.is_some() {
            return Err(stopped());
        }
        check.check(at, chunk)?;
        consume(at, chunk).map_err(|e| {
            consume_error = Some(e);
            stopped()
        })
    });
    if let Some(e) = check.error() {
        return Err(e);
    }
    if let Some(e) = consume_error {
        return Err(e);
    }
    result.map(|()| check.span())
}

/// Downloads `url` with `f`, handing each chunk to `consume`, and fails with
/// [`Error::LengthExceeded`] as soon as more than `max_length` bytes have arrived. Returns the
/// number of bytes received.
///
/// This is the one place where download limits are enforced, whatever the fetcher does: once
/// the limit is exceeded the sink returns an error (which stops a well-behaved fetcher), no
/// further bytes reach `consume`, and the result is [`Error::LengthExceeded`] even if the
/// fetcher ignored the sink's error and reported success. An error from `consume` stops the
/// transfer and is returned as it is, even if the fetcher swallowed it.
pub fn fetch_limited(
    f: &mut dyn Fetcher,
    url: &str,
    max_length: u64,
    consume: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let mut received: u64 = 0;
    let mut exceeded = false;
    let mut consume_error: Option<Error> = None;
    let result = f.fetch(url, max_length, &mut |chunk: &[u8]| {
        if exceeded {
            return Err(length_exceeded(url, max_length));
        }
        if consume_error.is_some() {
            return Err(stopped());
        }
        let total = received.saturating_add(chunk.len() as u64);
        if total > max_length {
            exceeded = true;
            return Err(length_exceeded(url, max_length));
        }
        received = total;
        consume(chunk).map_err(|e| {
            // Kept here and returned below; the fetcher gets a stand-in to stop on.
            consume_error = Some(e);
            stopped()
        })
    });
    if exceeded {
        return Err(length_exceeded(url, max_length));
    }
    if let Some(e) = consume_error {
        return Err(e);
    }
    result.map(|()| received)
}

/// Downloads `url` with `f` into memory, within `max_length` bytes ([`fetch_limited`]).
pub fn fetch_bytes(f: &mut dyn Fetcher, url: &str, max_length: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    fetch_limited(f, url, max_length, &mut |chunk: &[u8]| {
        buf.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(buf)
}

/// What the sink returns to a fetcher once the receiving side failed.
fn stopped() -> Error {
    Error::State("the transfer was stopped by its receiver".into())
}

pub(crate) fn length_exceeded(url: &str, limit: u64) -> Error {
    Error::LengthExceeded {
        url: url.to_string(),
        limit,
    }
}
