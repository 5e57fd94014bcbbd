//! The default [`Fetcher`]: libcurl, restricted to `http`, `https` and `file`.

use std::cell::Cell;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_long;
use std::time::Duration;

use curl::easy::Easy;

use super::{length_exceeded, Fetcher};
use crate::error::{Error, Result};

/// Settings of [`CurlFetcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetcherConfig {
    /// The longest time to wait for a connection to be established (default 30 s, like
    /// python-tuf's socket timeout). Exceeding it is [`Error::SlowRetrieval`]. Zero means
    /// libcurl's built-in default (300 s).
    pub connect_timeout: Duration,
    /// The minimum transfer speed in bytes per second (default 1024). A transfer slower than
    /// this for [`low_speed_time`](Self::low_speed_time) is aborted with
    /// [`Error::SlowRetrieval`] (slow retrieval attack). Zero disables the check.
    pub low_speed_limit: u32,
    /// How long the speed may stay below [`low_speed_limit`](Self::low_speed_limit) (default
    /// 30 s). Zero disables the check.
    pub low_speed_time: Duration,
    /// A product token sent before `libtuf/<version>` in the `User-Agent` header, e.g.
    /// `"myapp/1.2"`. Must not contain control characters.
    pub user_agent: Option<String>,
    /// The most redirects followed for one fetch (default 5). Zero refuses all redirects.
    pub max_redirects: u32,
    /// The longest a whole transfer may take, connection included ([`DEFAULT_TIMEOUT`], one
    /// hour, by default; zero: no deadline). Past it the transfer fails with
    /// [`Error::SlowRetrieval`]. The minimum speed alone lets a server that drips bytes just
    /// fast enough hold a client for as long as the byte limit allows: days for a 1 GiB
    /// target. Raise it for targets that take longer than an hour on the slowest link
    /// expected (size / speed). The updater also enforces it around a custom fetcher
    /// ([`WithDeadline`](super::WithDeadline)).
    pub timeout: Duration,
}

/// The default [`FetcherConfig::timeout`]: an hour lets a 1 GiB target through at 300 KB/s
/// and metadata (kilobytes to megabytes) on any usable link, and still ends a transfer that
/// a server keeps alive by dripping bytes within the hour rather than within days. python-tuf
/// has no overall deadline, only its 30 s socket timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);

impl Default for FetcherConfig {
    fn default() -> FetcherConfig {
        FetcherConfig {
            connect_timeout: Duration::from_secs(30),
            low_speed_limit: 1024,
            low_speed_time: Duration::from_secs(30),
            user_agent: None,
            max_redirects: 5,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl FetcherConfig {
    /// Checks the settings: the user agent must not contain control characters (it goes into
    /// an HTTP header). [`Error::InvalidArgument`] otherwise.
    pub fn validate(&self) -> Result<()> {
        if let Some(ua) = &self.user_agent {
            if ua.chars().any(char::is_control) {
                return Err(Error::InvalidArgument(
                    "user agent must not contain control characters".to_string(),
                ));
            }
        }
        Ok(())
    }

    /// The full `User-Agent` header value: the configured product token, if any, then
    /// `libtuf/<version>`.
    pub fn user_agent_string(&self) -> String {
        let ours = concat!("libtuf/", env!("CARGO_PKG_VERSION"));
        match &self.user_agent {
            Some(ua) if !ua.is_empty() => format!("{ua} {ours}"),
            _ => ours.to_string(),
        }
    }
}

/// The default [`Fetcher`], built on libcurl.
///
/// Supports `http://`, `https://` (certificates verified with the system's trust store) and
/// `file://` URLs. One libcurl handle is reused across fetches, so connections are kept alive
/// between requests to the same server (a 404 does not close the connection). Proxies
/// configured in the environment are honoured as libcurl does: `http_proxy` (lowercase only),
/// `https_proxy` or `HTTPS_PROXY`, `all_proxy`, `no_proxy`.
///
/// The body of a non-2xx response, and of redirects libcurl follows, is never passed to the
/// sink; more than 64 KiB of such bodies aborts the fetch.
///
/// Errors:
/// - HTTP status >= 400 (or any other non-2xx final status): [`Error::Download`] with
///   `status: Some(code)`; a missing `file://` path: `status: Some(404)`.
/// - more than `max_length` bytes: [`Error::LengthExceeded`].
/// - connect timeout, a transfer below the minimum speed or one past its deadline:
///   [`Error::SlowRetrieval`].
/// - anything else (refused connection, DNS, TLS, refused redirect, truncated body):
///   [`Error::Download`] with `status: None` and libcurl's description.
pub struct CurlFetcher {
    easy: Easy,
    config: FetcherConfig,
}

impl fmt::Debug for CurlFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurlFetcher")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl CurlFetcher {
    /// A fetcher with `config`. Fails with [`Error::InvalidArgument`] if the user agent contains
    /// control characters, or with [`Error::Download`] if libcurl refuses a setting (for
    /// instance if it cannot restrict protocols).
    pub fn new(config: FetcherConfig) -> Result<CurlFetcher> {
        config.validate()?;
        let mut easy = Easy::new();
        configure(&mut easy, &config).map_err(|e| Error::Download {
            url: String::new(),
            status: None,
            msg: format!("cannot configure libcurl: {e}"),
        })?;
        Ok(CurlFetcher { easy, config })
    }

    /// A fetcher with [`FetcherConfig::default`].
    pub fn with_defaults() -> Result<CurlFetcher> {
        CurlFetcher::new(FetcherConfig::default())
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetcherConfig {
        &self.config
    }
}

/// Applies the per-handle settings, which stay on the handle for every fetch.
fn configure(easy: &mut Easy, config: &FetcherConfig) -> std::result::Result<(), String> {
    let e = |err: curl::Error| err.to_string();
    // Timeouts must not use signals (SIGALRM) in a library used from threads.
    easy.signal(false).map_err(e)?;
    restrict_protocols(easy)?;
    easy.follow_location(true).map_err(e)?;
    easy.max_redirections(config.max_redirects).map_err(e)?;
    // Statuses >= 400 are failures, but they are detected from the status line rather than
    // with CURLOPT_FAILONERROR, which closes the connection: a 404 for `N.root.json` happens
    // on every refresh and must not cost the keep-alive connection.
    easy.fail_on_error(false).map_err(e)?;
    easy.connect_timeout(config.connect_timeout).map_err(e)?;
    // CURLOPT_TIMEOUT_MS; zero is no deadline to libcurl too.
    easy.timeout(config.timeout).map_err(e)?;
    easy.low_speed_limit(config.low_speed_limit).map_err(e)?;
    easy.low_speed_time(config.low_speed_time).map_err(e)?;
    easy.useragent(&config.user_agent_string()).map_err(e)?;
    // Raw bytes only: lengths and hashes are of what the repository stores.
    easy.http_content_decoding(false).map_err(e)?;
    easy.transfer_encoding(false).map_err(e)?;
    // The progress callback bounds bodies that libcurl discards itself (see `fetch`).
    easy.progress(true).map_err(e)?;
    set_ca_certificates(easy)?;
    Ok(())
}

/// The bundled libcurl knows no CA certificates of its own: use the system's, where OpenSSL
/// installations keep them (`SSL_CERT_FILE` and `SSL_CERT_DIR` first), as the system libcurl
/// would.
#[cfg(feature = "bundled-curl")]
fn set_ca_certificates(easy: &mut Easy) -> std::result::Result<(), String> {
    let probe = openssl_probe::probe();
    if let Some(file) = probe.cert_file {
        easy.cainfo(file).map_err(|e| e.to_string())?;
    }
    if let Some(dir) = probe.cert_dir.first() {
        easy.capath(dir).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The system libcurl has its own CA configuration.
#[cfg(not(feature = "bundled-curl"))]
fn set_ca_certificates(_easy: &mut Easy) -> std::result::Result<(), String> {
    Ok(())
}

/// `CURLOPT_PROTOCOLS_STR` and `CURLOPT_REDIR_PROTOCOLS_STR` (libcurl 7.85 and later), which
/// curl-sys does not define.
const CURLOPT_PROTOCOLS_STR: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 318;
const CURLOPT_REDIR_PROTOCOLS_STR: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 319;

/// Allows http, https and file for requests, and only http and https for redirects. Uses the
/// string options where libcurl has them and the (deprecated but still supported) bitmask
/// options otherwise. Fails if neither works: the fetcher is never used unrestricted.
fn restrict_protocols(easy: &mut Easy) -> std::result::Result<(), String> {
    const ALLOWED: &CStr = c"http,https,file";
    const REDIRECT: &CStr = c"http,https";
    let raw = easy.raw();
    // SAFETY: `raw` is the live handle owned by `easy`, which outlives this call. Both options
    // take a NUL-terminated `char *`, which libcurl copies before returning; the strings are
    // 'static anyway.
    let (a, b) = unsafe {
        (
            curl_sys::curl_easy_setopt(raw, CURLOPT_PROTOCOLS_STR, ALLOWED.as_ptr()),
            curl_sys::curl_easy_setopt(raw, CURLOPT_REDIR_PROTOCOLS_STR, REDIRECT.as_ptr()),
        )
    };
    if a == curl_sys::CURLE_OK && b == curl_sys::CURLE_OK {
        return Ok(());
    }
    let allowed =
        (curl_sys::CURLPROTO_HTTP | curl_sys::CURLPROTO_HTTPS | curl_sys::CURLPROTO_FILE) as c_long;
    let redirect = (curl_sys::CURLPROTO_HTTP | curl_sys::CURLPROTO_HTTPS) as c_long;
    // SAFETY: as above; both options take a `long` bitmask.
    let (a, b) = unsafe {
        (
            curl_sys::curl_easy_setopt(raw, curl_sys::CURLOPT_PROTOCOLS, allowed),
            curl_sys::curl_easy_setopt(raw, curl_sys::CURLOPT_REDIR_PROTOCOLS, redirect),
        )
    };
    if a == curl_sys::CURLE_OK && b == curl_sys::CURLE_OK {
        Ok(())
    } else {
        Err(format!(
            "cannot restrict protocols (libcurl error codes {a}, {b})"
        ))
    }
}

/// The most bytes of a non-2xx response body that are read (and discarded) to keep the
/// connection alive; a longer error body aborts the transfer. Also the most bytes of redirect
/// bodies that libcurl may read and discard during one fetch.
const ERROR_BODY_CAP: u64 = 64 * 1024;

/// Parses the status code of an HTTP status line (`HTTP/1.1 200 OK`), if `line` is one.
fn parse_status_line(line: &[u8]) -> Option<u32> {
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

impl Fetcher for CurlFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        if url.is_empty() || url.contains('\0') {
            return Err(Error::InvalidArgument(format!("invalid URL {url:?}")));
        }
        let download_error = |msg: String| Error::Download {
            url: url.to_string(),
            status: None,
            msg,
        };
        self.easy
            .url(url)
            .map_err(|e| download_error(e.to_string()))?;
        // A hint: libcurl fails early when a Content-Length above it is announced, without
        // reading the body. The streaming check in the write callback is the real one. libcurl
        // applies the hint to every response, including redirects and error pages whose bodies
        // are discarded, so it leaves room for those (up to ERROR_BODY_CAP). 0 means "no limit"
        // to libcurl.
        let hint = max_length.saturating_add(ERROR_BODY_CAP);
        let hint = i64::try_from(hint).map_or(0, |m| m as u64);
        self.easy
            .max_filesize(hint)
            .map_err(|e| download_error(e.to_string()))?;

        // State shared by the callbacks. No callback may panic: no unwraps, no RefCell.
        let received = Cell::new(0u64);
        let exceeded = Cell::new(false);
        let sink_error: Cell<Option<Error>> = Cell::new(None);
        // Bytes of non-2xx bodies read; `error_aborted` is set when those, or the redirect
        // bodies libcurl discards, exceed ERROR_BODY_CAP.
        let error_body = Cell::new(0u64);
        let error_aborted = Cell::new(false);
        // Every body byte libcurl passed to the write callback, whatever the status.
        let written = Cell::new(0u64);
        // Status of the latest HTTP response header block (None for file://).
        let status: Cell<Option<u32>> = Cell::new(None);

        let performed = {
            let mut transfer = self.easy.transfer();
            let setup = transfer
                .header_function(|line| {
                    if let Some(code) = parse_status_line(line) {
                        status.set(Some(code));
                    }
                    true
                })
                .and_then(|()| {
                    transfer.write_function(|data| {
                        written.set(written.get().saturating_add(data.len() as u64));
                        if !is_success(status.get()) {
                            // Never hand an error body to the caller; read a little of it so
                            // the connection can be reused, then give up.
                            let total = error_body.get().saturating_add(data.len() as u64);
                            error_body.set(total);
                            if total > ERROR_BODY_CAP {
                                error_aborted.set(true);
                                return Ok(0);
                            }
                            return Ok(data.len());
                        }
                        let total = received.get().saturating_add(data.len() as u64);
                        received.set(total);
                        if total > max_length {
                            exceeded.set(true);
                            // A short write makes libcurl abort with CURLE_WRITE_ERROR.
                            return Ok(0);
                        }
                        match sink(data) {
                            Ok(()) => Ok(data.len()),
                            Err(err) => {
                                sink_error.set(Some(err));
                                Ok(0)
                            }
                        }
                    })
                })
                .and_then(|()| {
                    // libcurl reads the body of a redirect it follows without passing it to
                    // the write callback; bound those bytes too (an endless redirect body).
                    // `dlnow` counts every body byte received, over the whole redirect chain.
                    transfer.progress_function(|_dltotal, dlnow, _ultotal, _ulnow| {
                        let ignored = dlnow - written.get() as f64;
                        if ignored > ERROR_BODY_CAP as f64 {
                            error_aborted.set(true);
                            return false;
                        }
                        true
                    })
                });
            match setup {
                Ok(()) => transfer.perform(),
                Err(e) => Err(e),
            }
        };

        if let Some(err) = sink_error.take() {
            return Err(err);
        }
        if exceeded.get() {
            return Err(length_exceeded(url, max_length));
        }
        if error_aborted.get() {
            let code = status.get().unwrap_or(0);
            return Err(Error::Download {
                url: url.to_string(),
                status: Some(code),
                msg: format!("HTTP status {code}"),
            });
        }
        match performed {
            Ok(()) => {
                let code = self.easy.response_code().unwrap_or(0);
                // 0 for file:// (no status); every other final status must be 2xx.
                if code != 0 && !(200..300).contains(&code) {
                    return Err(Error::Download {
                        url: url.to_string(),
                        status: Some(code),
                        msg: format!("HTTP status {code}"),
                    });
                }
                Ok(())
            }
            Err(e) => Err(self.map_curl_error(url, max_length, status.get(), &e)),
        }
    }
}

/// Whether the latest status line (if any: `file://` has none) is a success.
fn is_success(status: Option<u32>) -> bool {
    match status {
        None => true,
        Some(code) => (200..300).contains(&code),
    }
}

impl CurlFetcher {
    /// Maps a libcurl error; `status` is that of the latest HTTP response, if any.
    fn map_curl_error(
        &self,
        url: &str,
        max_length: u64,
        status: Option<u32>,
        e: &curl::Error,
    ) -> Error {
        let msg = match e.extra_description() {
            Some(extra) if !extra.is_empty() => format!("{} ({extra})", e.description()),
            _ => e.description().to_string(),
        };
        if e.is_filesize_exceeded() {
            if let Some(code) = status.filter(|&code| !is_success(Some(code))) {
                // An error page or a redirect announced a huge body: report the status.
                return Error::Download {
                    url: url.to_string(),
                    status: Some(code),
                    msg: format!("HTTP status {code}"),
                };
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
            let code = self.easy.response_code().unwrap_or(0);
            return Error::Download {
                url: url.to_string(),
                status: (code != 0).then_some(code),
                msg: format!("HTTP status {code}"),
            };
        }
        if e.is_file_couldnt_read_file() && file_url_is_missing(url) {
            return Error::Download {
                url: url.to_string(),
                status: Some(404),
                msg,
            };
        }
        Error::Download {
            url: url.to_string(),
            status: None,
            msg,
        }
    }
}

/// Whether `url` is a `file://` URL whose path does not exist (as opposed to existing but
/// being unreadable).
fn file_url_is_missing(url: &str) -> bool {
    let Some(rest) = strip_prefix_ignore_case(url, "file://") else {
        return false;
    };
    // `file:///path` or `file://localhost/path`.
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => return false,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let Some(decoded) = percent_decode(path) else {
        return false;
    };
    #[cfg(unix)]
    let path = {
        use std::os::unix::ffi::OsStrExt;
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&decoded))
    };
    #[cfg(not(unix))]
    let path = match String::from_utf8(decoded) {
        Ok(s) => std::path::PathBuf::from(s),
        Err(_) => return false,
    };
    match std::fs::metadata(&path) {
        Ok(_) => false,
        Err(err) => matches!(
            err.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
        ),
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Decodes `%XX` escapes as libcurl does for `file://` paths; `None` for a bad escape or NUL.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            let b = u8::from_str_radix(hex, 16).ok()?;
            if b == 0 {
                return None;
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
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
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%2Fb").as_deref(), Some(&b"/a/b"[..]));
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/a%zz"), None);
        assert_eq!(percent_decode("/a%00"), None);
        assert_eq!(percent_decode("/plain").as_deref(), Some(&b"/plain"[..]));
    }

    #[test]
    fn user_agent() {
        let mut c = FetcherConfig::default();
        assert!(c.user_agent_string().starts_with("libtuf/"));
        c.user_agent = Some("app/1".into());
        assert!(c.user_agent_string().starts_with("app/1 libtuf/"));
        c.user_agent = Some("bad\r\nX-Injected: 1".into());
        assert!(matches!(
            CurlFetcher::new(c),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn any_deadline_is_accepted() {
        let file = std::env::temp_dir().join(format!("libtuf-deadline-{}", std::process::id()));
        std::fs::write(&file, b"0123456789").unwrap();
        let url = format!("file://{}", file.display());
        for ms in [0, 3_600_000, u64::from(u32::MAX), u64::MAX] {
            let c = FetcherConfig {
                timeout: Duration::from_millis(ms),
                ..FetcherConfig::default()
            };
            let mut f = CurlFetcher::new(c).unwrap();
            // Not taken for a short or past deadline: a fetch still works.
            assert!(crate::fetch::fetch_bytes(&mut f, &url, 10).is_ok(), "{ms}");
        }
        std::fs::remove_file(&file).unwrap();
    }

    #[test]
    fn missing_file_urls() {
        assert!(file_url_is_missing("file:///nonexistent-libtuf-dir/x.json"));
        assert!(file_url_is_missing(
            "FILE://localhost/nonexistent-libtuf-dir/x"
        ));
        assert!(!file_url_is_missing("file:///"));
        assert!(!file_url_is_missing("http://example.com/x"));
        assert!(!file_url_is_missing("file://"));
    }
}
