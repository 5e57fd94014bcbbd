//! One HTTP (or `file://`) response as libcurl delivers it, for the single-transfer fetcher
//! ([`CurlFetcher`](super::CurlFetcher)) and the parallel one
//! ([`MultiFetcher`](super::MultiFetcher)) alike: the status line, `Content-Range`, the body
//! handed to the sink with its position in the file, the limit, the cap on bodies that are
//! discarded (errors, redirects), and what the response led to once libcurl is done.

use std::cell::Cell;

use curl::easy::Easy;

use super::file_url::file_url_was_missing;
use super::{length_exceeded, range_not_served, RangeSink};
use crate::error::{Error, Result};

/// The most bytes of a non-2xx response body that are read (and discarded) to keep the
/// connection alive; a longer error body aborts the transfer. Also the most bytes of redirect
/// bodies that libcurl may read and discard during one fetch.
pub(super) const ERROR_BODY_CAP: u64 = 64 * 1024;

/// Parses the status code of an HTTP status line (`HTTP/1.1 200 OK`), if `line` is one.
pub(super) fn parse_status_line(line: &[u8]) -> Option<u32> {
    let rest = line.strip_prefix(b"HTTP/")?;
    let mut parts = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    let _version = parts.next()?;
    let code = parts.next()?;
    if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(code).ok()?.parse().ok()
}

/// The first byte position of a `Content-Range: bytes FIRST-LAST/LENGTH` header line, if
/// `line` is one with a well-formed single range.
pub(super) fn parse_content_range(line: &[u8]) -> Option<u64> {
    let line = std::str::from_utf8(line).ok()?;
    let (name, value) = line.split_once(':')?;
    if !name.trim().eq_ignore_ascii_case("content-range") {
        return None;
    }
    let spec = value.trim().strip_prefix("bytes ")?;
    let (range, length) = spec.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (first, last) = (number(first)?, number(last)?);
    if last < first {
        return None;
    }
    if length != "*" && number(length)? <= last {
        return None;
    }
    Some(first)
}

/// What one request of a fetch led to.
pub(super) enum Hop {
    /// The body was delivered to the sink.
    Done,
    /// A redirect to this URL (absolute: libcurl resolves the `Location` header).
    Redirect(String),
}

/// Whether the latest status line (if any: `file://` has none) is a success.
fn is_success(status: Option<u32>) -> bool {
    match status {
        None => true,
        Some(code) => (200..300).contains(&code),
    }
}

/// A download that ended with HTTP status `code`.
pub(super) fn http_status_error(url: &str, code: u32) -> Error {
    Error::Download {
        url: url.to_string(),
        status: Some(code),
        msg: format!("HTTP status {code}"),
    }
}

/// A redirect that is not followed: a download error without status, not transient.
pub(super) fn refused(url: &str, msg: String) -> Error {
    Error::Download {
        url: url.to_string(),
        status: None,
        msg,
    }
}

/// Whether a libcurl failure may go away when tried again: a name that did not resolve, a
/// connection refused, reset or dropped, nothing or garbage received, a TLS handshake broken
/// off. Not: a malformed URL, a refused protocol, a certificate that does not verify, an
/// unreadable certificate or key, a timeout (slow retrieval).
pub(super) fn is_transient_curl_error(e: &curl::Error) -> bool {
    use curl_sys::*;
    matches!(
        e.code(),
        CURLE_COULDNT_RESOLVE_PROXY
            | CURLE_COULDNT_RESOLVE_HOST
            | CURLE_COULDNT_CONNECT
            | CURLE_FTP_WEIRD_SERVER_REPLY
            | CURLE_HTTP2
            | CURLE_PARTIAL_FILE
            | CURLE_SSL_CONNECT_ERROR
            | CURLE_GOT_NOTHING
            | CURLE_SEND_ERROR
            | CURLE_RECV_ERROR
            | CURLE_HTTP2_STREAM
    )
}

/// The state of one response, shared by libcurl's header, write and progress callbacks
/// (which may not panic: no unwraps, no `RefCell`, only `Cell`s).
pub(super) struct Response {
    /// The URL asked for (errors name it).
    url: String,
    /// The range asked for: the body from this byte on (0: the whole file, no range).
    offset: u64,
    max_length: u64,
    /// Bytes of 2xx bodies handed on.
    received: Cell<u64>,
    /// Where the 2xx body starts in the file, once its first byte arrived.
    start: Cell<Option<u64>>,
    exceeded: Cell<bool>,
    sink_error: Cell<Option<Error>>,
    /// Bytes of non-2xx bodies read in this fetch (redirects included); `error_aborted` is
    /// set when those, or body bytes libcurl would discard itself, exceed [`ERROR_BODY_CAP`].
    error_body: Cell<u64>,
    error_aborted: Cell<bool>,
    /// Every body byte libcurl passed to the write callback, whatever the status.
    written: Cell<u64>,
    /// `written` at the previous progress callback.
    written_before: Cell<u64>,
    /// Status of the latest HTTP response header block (`None` for `file://`).
    status: Cell<Option<u32>>,
    /// The first position of the latest header block's `Content-Range`.
    content_range: Cell<Option<u64>>,
}

impl Response {
    /// A response to a request for `url` from byte `offset` on, within `max_length` bytes of
    /// the whole file; `discarded` bytes of error and redirect bodies were read before in
    /// the same fetch.
    pub fn new(url: &str, offset: u64, max_length: u64, discarded: u64) -> Response {
        Response {
            url: url.to_string(),
            offset,
            max_length,
            received: Cell::new(0),
            start: Cell::new(None),
            exceeded: Cell::new(false),
            sink_error: Cell::new(None),
            error_body: Cell::new(discarded),
            error_aborted: Cell::new(false),
            written: Cell::new(0),
            written_before: Cell::new(0),
            status: Cell::new(None),
            content_range: Cell::new(None),
        }
    }

    /// The most bytes of the whole file accepted.
    pub fn max_length(&self) -> u64 {
        self.max_length
    }

    /// Bytes of error and redirect bodies read in the fetch so far.
    pub fn discarded(&self) -> u64 {
        self.error_body.get()
    }

    /// The position of the next body byte in the file.
    pub fn position(&self) -> u64 {
        self.start
            .get()
            .unwrap_or(self.offset)
            .saturating_add(self.received.get())
    }

    /// The header callback: one header line.
    pub fn header(&self, line: &[u8]) -> bool {
        if let Some(code) = parse_status_line(line) {
            self.status.set(Some(code));
            self.content_range.set(None);
        } else if let Some(first) = parse_content_range(line) {
            self.content_range.set(Some(first));
        }
        true
    }

    /// Where a 2xx body starts: at the offset of its `Content-Range` for a 206 to a ranged
    /// request, at 0 for any other status, at the offset asked for with `file://` (libcurl
    /// reads the file from there).
    fn body_start(&self) -> Result<u64> {
        if self.offset == 0 {
            return Ok(0);
        }
        match self.status.get() {
            None => Ok(self.offset),
            Some(206) => self
                .content_range
                .get()
                .ok_or_else(|| range_not_served(&self.url, "206 without a single Content-Range")),
            Some(_) => Ok(0),
        }
    }

    /// The write callback: `data` is body bytes. Returns how many bytes were taken (fewer
    /// than `data.len()` makes libcurl stop the transfer).
    pub fn write(&self, data: &[u8], sink: &mut RangeSink<'_>) -> usize {
        self.written
            .set(self.written.get().saturating_add(data.len() as u64));
        if !is_success(self.status.get()) {
            // Never hand an error body to the caller; read a little of it so the connection
            // can be reused, then give up.
            let total = self.error_body.get().saturating_add(data.len() as u64);
            self.error_body.set(total);
            if total > ERROR_BODY_CAP {
                self.error_aborted.set(true);
                return 0;
            }
            return data.len();
        }
        let start = match self.start.get() {
            Some(s) => s,
            None => match self.body_start() {
                Ok(s) => {
                    self.start.set(Some(s));
                    s
                }
                Err(e) => {
                    self.sink_error.set(Some(e));
                    return 0;
                }
            },
        };
        let at = start.saturating_add(self.received.get());
        let end = at.saturating_add(data.len() as u64);
        self.received
            .set(self.received.get().saturating_add(data.len() as u64));
        if end > self.max_length {
            self.exceeded.set(true);
            // A short write makes libcurl abort with CURLE_WRITE_ERROR.
            return 0;
        }
        match sink(at, data) {
            Ok(()) => data.len(),
            Err(err) => {
                self.sink_error.set(Some(err));
                0
            }
        }
    }

    /// The progress callback: `dlnow` body bytes received in all. Every body byte should
    /// reach the write callback, redirects included (libcurl does not follow them); should
    /// libcurl read any without passing it on, it is bounded too. While no byte arrives, the
    /// sink gets an empty chunk, so that the receiver can cancel a stalled transfer. Returns
    /// false to abort.
    pub fn progress(&self, dlnow: f64, sink: &mut RangeSink<'_>) -> bool {
        let written = self.written.get();
        if dlnow - written as f64 > ERROR_BODY_CAP as f64 {
            self.error_aborted.set(true);
            return false;
        }
        if written == self.written_before.get() {
            if let Err(err) = sink(self.position(), &[]) {
                self.sink_error.set(Some(err));
                return false;
            }
        }
        self.written_before.set(written);
        true
    }

    /// What the request led to, once libcurl is done with it (`performed`); `easy` is its
    /// handle. `transient` is set to whether a libcurl failure may go away when tried again.
    pub fn outcome(
        &self,
        performed: std::result::Result<(), curl::Error>,
        easy: &Easy,
        transient: &mut bool,
    ) -> Result<Hop> {
        let url = self.url.as_str();
        *transient = false;
        if let Some(err) = self.sink_error.take() {
            return Err(err);
        }
        if self.exceeded.get() {
            return Err(length_exceeded(url, self.max_length));
        }
        if self.error_aborted.get() {
            let code = self.status.get().unwrap_or(0);
            return Err(http_status_error(url, code));
        }
        match performed {
            Ok(()) => {
                let code = easy.response_code().unwrap_or(0);
                if (300..400).contains(&code) {
                    match easy.redirect_url() {
                        Ok(Some(next)) => return Ok(Hop::Redirect(next.to_string())),
                        Ok(None) => {}
                        Err(_) => return Err(refused(url, "redirect to an invalid URL".into())),
                    }
                }
                // 0 for file:// (no status); every other final status must be 2xx.
                if code != 0 && !(200..300).contains(&code) {
                    return Err(http_status_error(url, code));
                }
                Ok(Hop::Done)
            }
            Err(e) => {
                *transient = is_transient_curl_error(&e);
                Err(map_curl_error(
                    url,
                    self.max_length,
                    self.status.get(),
                    &e,
                    easy,
                    self.offset,
                ))
            }
        }
    }
}

/// Maps a libcurl error; `status` is that of the latest HTTP response, if any, and `offset`
/// the range asked for.
fn map_curl_error(
    url: &str,
    max_length: u64,
    status: Option<u32>,
    e: &curl::Error,
    easy: &Easy,
    offset: u64,
) -> Error {
    let msg = match e.extra_description() {
        Some(extra) if !extra.is_empty() => format!("{} ({extra})", e.description()),
        _ => e.description().to_string(),
    };
    if e.is_filesize_exceeded() {
        if let Some(code) = status.filter(|&code| !is_success(Some(code))) {
            // An error page or a redirect announced a huge body: report the status.
            return http_status_error(url, code);
        }
        return length_exceeded(url, max_length);
    }
    if e.is_operation_timedout() {
        return Error::SlowRetrieval {
            url: url.to_string(),
            msg,
        };
    }
    if e.is_http_returned_error() {
        let code = easy.response_code().unwrap_or(0);
        return Error::Download {
            url: url.to_string(),
            status: (code != 0).then_some(code),
            msg: format!("HTTP status {code}"),
        };
    }
    if e.is_file_couldnt_read_file() && file_url_was_missing(url) {
        return Error::Download {
            url: url.to_string(),
            status: Some(404),
            msg,
        };
    }
    if offset > 0 && (e.is_bad_download_resume() || e.is_range_error()) {
        // A file:// file shorter than the offset.
        return range_not_served(url, &msg);
    }
    Error::Download {
        url: url.to_string(),
        status: None,
        msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(parse_status_line(b"HTTP/2 404\r\n"), Some(404));
        assert_eq!(parse_status_line(b"HTTP/1.0 3022 x\r\n"), None);
        assert_eq!(parse_status_line(b"Content-Length: 5\r\n"), None);
        assert_eq!(parse_status_line(b"HTTP/"), None);
    }

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range(b"Content-Range: bytes 100-199/200\r\n"),
            Some(100)
        );
        assert_eq!(
            parse_content_range(b"content-range:bytes 0-0/*\r\n"),
            Some(0)
        );
        for bad in [
            &b"Content-Range: bytes 100-99/200\r\n"[..],
            b"Content-Range: bytes 100-199/199\r\n",
            b"Content-Range: bytes */200\r\n",
            b"Content-Range: items 1-2/3\r\n",
            b"Content-Range: bytes -5-9/10\r\n",
            b"Content-Range: bytes 1-2\r\n",
            b"Content-Length: 5\r\n",
            b"Content-Range: bytes 99999999999999999999-1/2\r\n",
        ] {
            assert_eq!(
                parse_content_range(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
