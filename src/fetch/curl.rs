//! The default [`Fetcher`]: libcurl, restricted to `http`, `https` and `file`.

use std::cell::Cell;
use std::fmt;
use std::time::Duration;

use curl::easy::Easy;

use super::file_url::file_url_is_missing;
use super::transport::{self, ClientCertificate, Pem};
use super::{length_exceeded, redirect, Fetcher};
use crate::error::{excerpt, Error, Result};

/// What a [`Fetcher`] hands the body to.
type Sink<'a> = dyn FnMut(&[u8]) -> Result<()> + 'a;

/// Settings of [`CurlFetcher`]. Its `Debug` output shows no header value, key password or
/// in-memory key.
#[derive(Clone, PartialEq, Eq)]
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
    /// The CA certificates HTTPS servers are verified against, in place of the system's trust
    /// store (default `None`: the system's). A file may hold several certificates.
    pub ca_certificates: Option<Pem>,
    /// A client certificate presented to HTTPS servers that ask for one (mutual TLS; default
    /// none). It is presented to every server of a fetch, redirect targets included.
    pub client_certificate: Option<ClientCertificate>,
    /// The proxy: `None` (default) uses the environment as libcurl does (`http_proxy`,
    /// `https_proxy`, `all_proxy`, `no_proxy`); `Some("")` uses no proxy, whatever the
    /// environment says; `Some(url)` sends every request through that proxy (`http://`,
    /// `https://`, `socks4://`, `socks4a://`, `socks5://` or `socks5h://`, credentials as
    /// `user:password@`), ignoring the environment including `no_proxy`. An `https://`
    /// proxy's own certificate is checked against the system's trust store.
    pub proxy: Option<String>,
    /// Headers added to every request (e.g. `Authorization` for a private repository), in
    /// order, each `(name, value)`. Never sent once a redirect left the origin (scheme, host
    /// and port) of the URL asked for; a plain `http://` request through a proxy shows them
    /// to the proxy. Names are HTTP tokens, at most 64 headers of at most 8192 bytes each;
    /// values have no control character but tab and no leading or trailing white space;
    /// headers libtuf manages are refused: `Host`, `Content-Length`, `Transfer-Encoding`,
    /// `TE`, `Connection`, `Keep-Alive`, `Upgrade`, `Expect`, `Range`, `Accept-Encoding`,
    /// `User-Agent` ([`user_agent`](Self::user_agent)) and `Proxy-Authorization` (credentials
    /// go in the proxy URL).
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for FetcherConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, _)| (name.as_str(), "<redacted>"))
            .collect();
        f.debug_struct("FetcherConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("low_speed_limit", &self.low_speed_limit)
            .field("low_speed_time", &self.low_speed_time)
            .field("user_agent", &self.user_agent)
            .field("max_redirects", &self.max_redirects)
            .field("timeout", &self.timeout)
            .field("ca_certificates", &self.ca_certificates)
            .field("client_certificate", &self.client_certificate)
            // May hold credentials (user:password@).
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field("headers", &headers)
            .finish()
    }
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
            ca_certificates: None,
            client_certificate: None,
            proxy: None,
            headers: Vec::new(),
        }
    }
}

impl FetcherConfig {
    /// Checks the settings: the user agent must not contain control characters (it goes into
    /// an HTTP header); CA certificates and the client certificate are PEM (bytes) or a file
    /// name (not empty; whether the file exists is checked by [`CurlFetcher::new`]); the
    /// proxy and the headers are as their fields say. [`Error::InvalidArgument`] otherwise.
    pub fn validate(&self) -> Result<()> {
        if let Some(ua) = &self.user_agent {
            if ua.chars().any(char::is_control) {
                return Err(Error::InvalidArgument(
                    "user agent must not contain control characters".to_string(),
                ));
            }
        }
        if let Some(ca) = &self.ca_certificates {
            transport::check_pem(ca, "CA certificates")?;
        }
        if let Some(cert) = &self.client_certificate {
            transport::check_client_certificate(cert)?;
        }
        if let Some(proxy) = &self.proxy {
            transport::check_proxy(proxy)?;
        }
        if self.headers.len() > transport::MAX_HEADERS {
            return Err(Error::InvalidArgument(format!(
                "at most {} headers",
                transport::MAX_HEADERS
            )));
        }
        for (name, value) in &self.headers {
            transport::check_header(name, value)?;
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
/// Supports `http://`, `https://` (certificates verified with the system's trust store, or
/// with [`FetcherConfig::ca_certificates`] in its place) and `file://` URLs. One libcurl
/// handle is reused across fetches, so connections are kept alive between requests to the
/// same server (a 404 does not close the connection). Without [`FetcherConfig::proxy`],
/// proxies configured in the environment are honoured as libcurl does: `http_proxy`
/// (lowercase only), `https_proxy` or `HTTPS_PROXY`, `all_proxy`, `no_proxy`.
///
/// Redirects are followed by the fetcher itself (see [`FetcherConfig::headers`] and
/// [`FetcherConfig::max_redirects`]). The body of a non-2xx response, redirects included, is
/// never passed to the sink; more than 64 KiB of such bodies in one fetch aborts it.
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
    /// Whether the latest failure without an HTTP status was transient (see `is_transient`).
    transient: bool,
}

impl fmt::Debug for CurlFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurlFetcher")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl CurlFetcher {
    /// A fetcher with `config`. Fails with [`Error::InvalidArgument`] if
    /// [`FetcherConfig::validate`] does or a PEM file named does not exist, or with
    /// [`Error::Download`] if libcurl refuses a setting (for instance if it cannot restrict
    /// protocols).
    pub fn new(config: FetcherConfig) -> Result<CurlFetcher> {
        config.validate()?;
        let mut files: Vec<(&Pem, &str)> = Vec::new();
        if let Some(ca) = &config.ca_certificates {
            files.push((ca, "CA certificates"));
        }
        if let Some(cert) = &config.client_certificate {
            files.push((&cert.certificate, "client certificate"));
            if let Some(key) = &cert.key {
                files.push((key, "client key"));
            }
        }
        transport::check_files(&files)?;
        let mut easy = Easy::new();
        configure(&mut easy, &config).map_err(|e| Error::Download {
            url: String::new(),
            status: None,
            msg: format!("cannot configure libcurl: {e}"),
        })?;
        Ok(CurlFetcher {
            easy,
            config,
            transient: false,
        })
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
    transport::restrict_protocols(easy)?;
    // Redirects are followed by `fetch` itself, which decides where custom headers go.
    easy.follow_location(false).map_err(e)?;
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
    transport::set_ca_certificates(easy, config.ca_certificates.is_none())?;
    if let Some(ca) = &config.ca_certificates {
        transport::apply_ca(easy, ca)?;
    }
    if let Some(cert) = &config.client_certificate {
        transport::apply_client_certificate(easy, cert)?;
    }
    if let Some(proxy) = &config.proxy {
        transport::apply_proxy(easy, proxy)?;
    }
    Ok(())
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

/// What one request of a fetch led to.
enum Hop {
    /// The body was delivered to the sink.
    Done,
    /// A redirect to this URL (absolute: libcurl resolves the `Location` header).
    Redirect(String),
}

impl Fetcher for CurlFetcher {
    /// Follows redirects itself, one request at a time: only to `http` and `https`, at most
    /// `max_redirects` times, with the custom headers only while every URL so far was on the
    /// origin of `url`. Errors name `url`, the URL asked for.
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        if url.is_empty() || url.contains('\0') {
            return Err(Error::InvalidArgument(format!("invalid URL {url:?}")));
        }
        self.transient = false;
        let first = redirect::origin(url);
        let mut current = url.to_string();
        let mut send_headers = true;
        let mut redirects = 0u32;
        // Bytes of redirect and error bodies read and discarded over the whole chain.
        let mut discarded = 0u64;
        loop {
            let hop = self.request(
                url,
                &current,
                send_headers,
                max_length,
                sink,
                &mut discarded,
            )?;
            let next = match hop {
                Hop::Done => return Ok(()),
                Hop::Redirect(next) => next,
            };
            if redirects >= self.config.max_redirects {
                let max = self.config.max_redirects;
                return Err(refused(url, format!("more than {max} redirects")));
            }
            if !redirect::is_http_url(&next) {
                return Err(refused(
                    url,
                    format!(
                        "redirect to {} refused: only http and https are followed",
                        excerpt(&next)
                    ),
                ));
            }
            redirects += 1;
            // Once the chain left the origin, the headers stay off even if it comes back.
            send_headers = send_headers && redirect::same_origin(first.as_ref(), &next);
            current = next;
        }
    }

    fn is_transient(&self, error: &Error) -> bool {
        match error {
            Error::Download { status: None, .. } => self.transient,
            _ => super::is_transient(error),
        }
    }
}

/// A redirect that is not followed: a download error without status, not transient.
fn refused(url: &str, msg: String) -> Error {
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
fn is_transient_curl_error(e: &curl::Error) -> bool {
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

impl CurlFetcher {
    /// One request of `fetch` for `current`, with the custom headers if `send_headers`.
    /// `discarded` counts the redirect and error body bytes read so far in this fetch.
    fn request(
        &mut self,
        url: &str,
        current: &str,
        send_headers: bool,
        max_length: u64,
        sink: &mut Sink<'_>,
        discarded: &mut u64,
    ) -> Result<Hop> {
        let download_error = |msg: String| Error::Download {
            url: url.to_string(),
            status: None,
            msg,
        };
        self.easy
            .url(current)
            .map_err(|e| download_error(e.to_string()))?;
        let headers = transport::header_list(&self.config.headers, send_headers)
            .map_err(|e| download_error(e.to_string()))?;
        self.easy
            .http_headers(headers)
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
        // Bytes of non-2xx bodies read in this fetch (redirects included); `error_aborted` is
        // set when those, or body bytes libcurl would discard itself, exceed ERROR_BODY_CAP.
        let error_body = Cell::new(*discarded);
        let error_aborted = Cell::new(false);
        // Every body byte libcurl passed to the write callback, whatever the status.
        let written = Cell::new(0u64);
        // Status of the latest HTTP response header block (None for file://).
        let status: Cell<Option<u32>> = Cell::new(None);
        // The sink, shared by the write callback (data) and the progress callback (an empty
        // chunk while no data arrives, so that the receiver can cancel a stalled transfer).
        let sink_cell: Cell<Option<&mut Sink<'_>>> = Cell::new(Some(sink));
        let call_sink = |data: &[u8]| -> Result<()> {
            match sink_cell.take() {
                Some(s) => {
                    let r = s(data);
                    sink_cell.set(Some(s));
                    r
                }
                None => Ok(()),
            }
        };
        // `written` at the previous progress callback.
        let written_before = Cell::new(0u64);

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
                        match call_sink(data) {
                            Ok(()) => Ok(data.len()),
                            Err(err) => {
                                sink_error.set(Some(err));
                                Ok(0)
                            }
                        }
                    })
                })
                .and_then(|()| {
                    // Every body byte should reach the write callback, redirects included
                    // (libcurl does not follow them); should libcurl read any without passing
                    // it on, it is bounded too. `dlnow` counts every body byte received.
                    transfer.progress_function(|_dltotal, dlnow, _ultotal, _ulnow| {
                        let ignored = dlnow - written.get() as f64;
                        if ignored > ERROR_BODY_CAP as f64 {
                            error_aborted.set(true);
                            return false;
                        }
                        if written.get() == written_before.get() {
                            if let Err(err) = call_sink(&[]) {
                                sink_error.set(Some(err));
                                return false;
                            }
                        }
                        written_before.set(written.get());
                        true
                    })
                });
            match setup {
                Ok(()) => transfer.perform(),
                Err(e) => Err(e),
            }
        };

        *discarded = error_body.get();
        if let Some(err) = sink_error.take() {
            return Err(err);
        }
        if exceeded.get() {
            return Err(length_exceeded(url, max_length));
        }
        if error_aborted.get() {
            let code = status.get().unwrap_or(0);
            return Err(http_status_error(url, code));
        }
        match performed {
            Ok(()) => {
                let code = self.easy.response_code().unwrap_or(0);
                if (300..400).contains(&code) {
                    match self.easy.redirect_url() {
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
                self.transient = is_transient_curl_error(&e);
                Err(self.map_curl_error(url, max_length, status.get(), &e))
            }
        }
    }
}

/// A download that ended with HTTP status `code`.
fn http_status_error(url: &str, code: u32) -> Error {
    Error::Download {
        url: url.to_string(),
        status: Some(code),
        msg: format!("HTTP status {code}"),
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
}
