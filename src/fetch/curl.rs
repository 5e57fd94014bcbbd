//! The default [`Fetcher`]: libcurl, restricted to `http`, `https` and `file`.

use std::cell::Cell;
use std::fmt;
use std::time::Duration;

use curl::easy::Easy;

use super::response::{refused, Hop, Response, ERROR_BODY_CAP};
use super::transport::{self, ClientCertificate, Pem};
use super::{redirect, ConnectionPool, Fetcher, RangeSink};
use crate::error::{excerpt, Error, Result};

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
    /// The pool `easy` uses, if any: dropped after it (fields drop in order).
    _pool: Option<ConnectionPool>,
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
        CurlFetcher::make(config, None)
    }

    /// [`new`](Self::new), with the connections, DNS answers and TLS sessions of `pool`,
    /// shared with the other fetchers made with it (see [`ConnectionPool`]).
    pub fn with_pool(config: FetcherConfig, pool: &ConnectionPool) -> Result<CurlFetcher> {
        CurlFetcher::make(config, Some(pool.clone()))
    }

    /// [`new`](Self::new), or [`with_pool`](Self::with_pool) when `pool` is given.
    pub(crate) fn make(config: FetcherConfig, pool: Option<ConnectionPool>) -> Result<CurlFetcher> {
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
        configure(&mut easy, &config, pool.as_ref()).map_err(|e| Error::Download {
            url: String::new(),
            status: None,
            msg: format!("cannot configure libcurl: {e}"),
        })?;
        Ok(CurlFetcher {
            easy,
            config,
            transient: false,
            _pool: pool,
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

/// Applies the per-handle settings, which stay on the handle for every fetch; with `pool`,
/// the handle uses it (and must be dropped before it).
pub(super) fn configure(
    easy: &mut Easy,
    config: &FetcherConfig,
    pool: Option<&ConnectionPool>,
) -> std::result::Result<(), String> {
    let e = |err: curl::Error| err.to_string();
    if let Some(pool) = pool {
        pool.attach(easy)?;
    }
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
        self.fetch_from(url, 0, max_length, &mut |_, chunk: &[u8]| sink(chunk))
    }

    /// Sends `Range: bytes=OFFSET-` (to every URL of a redirect chain), and reads `file://`
    /// URLs from `offset`. A 206 answer is taken from the first position of its
    /// `Content-Range`; any other 2xx answer is the whole file.
    fn fetch_range(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
    ) -> Result<()> {
        self.fetch_from(url, offset, max_length, sink)
    }

    fn is_transient(&self, error: &Error) -> bool {
        match error {
            Error::Download { status: None, .. } => self.transient,
            _ => super::is_transient(error),
        }
    }
}

/// Where a redirect chain stands: the origin of the URL first asked for, whether the custom
/// headers still go with the requests, how many redirects were followed. Shared with the
/// parallel fetcher.
pub(super) struct Chain {
    first: Option<redirect::Origin>,
    pub send_headers: bool,
    redirects: u32,
}

impl Chain {
    pub fn new(url: &str) -> Chain {
        Chain {
            first: redirect::origin(url),
            send_headers: true,
            redirects: 0,
        }
    }

    /// Follows a redirect of a fetch of `url` to `next` if the rules allow it: only `http`
    /// and `https`, at most `max` redirects; once the chain left the origin of `url`, the
    /// headers stay off even if it comes back.
    pub fn follow(&mut self, url: &str, next: &str, max: u32) -> Result<()> {
        if self.redirects >= max {
            return Err(refused(url, format!("more than {max} redirects")));
        }
        if !redirect::is_http_url(next) {
            return Err(refused(
                url,
                format!(
                    "redirect to {} refused: only http and https are followed",
                    excerpt(next)
                ),
            ));
        }
        self.redirects += 1;
        self.send_headers = self.send_headers && redirect::same_origin(self.first.as_ref(), next);
        Ok(())
    }
}

/// Checks a URL before any request.
pub(super) fn check_url(url: &str) -> Result<()> {
    if url.is_empty() || url.contains('\0') {
        return Err(Error::InvalidArgument(format!("invalid URL {url:?}")));
    }
    Ok(())
}

/// Prepares `easy` for one request of a fetch: the URL, the headers (if `send_headers`), the
/// range from `offset` (none for 0) and the size hint for `max_length`.
pub(super) fn prepare_request(
    easy: &mut Easy,
    url: &str,
    current: &str,
    send_headers: bool,
    offset: u64,
    max_length: u64,
    headers: &[(String, String)],
) -> Result<()> {
    let download_error = |msg: String| Error::Download {
        url: url.to_string(),
        status: None,
        msg,
    };
    easy.url(current)
        .map_err(|e| download_error(e.to_string()))?;
    let list =
        transport::header_list(headers, send_headers).map_err(|e| download_error(e.to_string()))?;
    easy.http_headers(list)
        .map_err(|e| download_error(e.to_string()))?;
    transport::set_range(easy, offset).map_err(download_error)?;
    // A hint: libcurl fails early when a Content-Length above it is announced, without
    // reading the body. The streaming check in the write callback is the real one. libcurl
    // applies the hint to every response, including redirects and error pages whose bodies
    // are discarded, so it leaves room for those (up to ERROR_BODY_CAP). 0 means "no limit"
    // to libcurl.
    let hint = max_length.saturating_add(ERROR_BODY_CAP);
    let hint = i64::try_from(hint).map_or(0, |m| m as u64);
    easy.max_filesize(hint)
        .map_err(|e| download_error(e.to_string()))
}

impl CurlFetcher {
    /// `fetch_range`, and `fetch` with `offset` 0.
    fn fetch_from(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
    ) -> Result<()> {
        check_url(url)?;
        self.transient = false;
        let mut chain = Chain::new(url);
        let mut current = url.to_string();
        // Bytes of redirect and error bodies read and discarded over the whole chain.
        let mut discarded = 0u64;
        loop {
            let response = Response::new(url, offset, max_length, discarded);
            let hop = self.request(&response, url, &current, chain.send_headers, sink);
            discarded = response.discarded();
            match hop? {
                Hop::Done => return Ok(()),
                Hop::Redirect(next) => {
                    chain.follow(url, &next, self.config.max_redirects)?;
                    current = next;
                }
            }
        }
    }

    /// One request of a fetch for `current`, with the custom headers if `send_headers`.
    fn request(
        &mut self,
        response: &Response,
        url: &str,
        current: &str,
        send_headers: bool,
        sink: &mut RangeSink<'_>,
    ) -> Result<Hop> {
        prepare_request(
            &mut self.easy,
            url,
            current,
            send_headers,
            response.position(),
            response.max_length(),
            &self.config.headers,
        )?;
        // The sink, shared by the write callback (data) and the progress callback (an empty
        // chunk while no data arrives, so that the receiver can cancel a stalled transfer).
        let sink_cell: Cell<Option<&mut RangeSink<'_>>> = Cell::new(Some(sink));
        let call_sink = |at: u64, data: &[u8]| -> Result<()> {
            match sink_cell.take() {
                Some(s) => {
                    let r = s(at, data);
                    sink_cell.set(Some(s));
                    r
                }
                None => Ok(()),
            }
        };
        let performed = {
            let mut transfer = self.easy.transfer();
            let setup = transfer
                .header_function(|line| response.header(line))
                .and_then(|()| {
                    transfer.write_function(|data| {
                        Ok(response.write(data, &mut |a, d| call_sink(a, d)))
                    })
                })
                .and_then(|()| {
                    transfer.progress_function(|_dltotal, dlnow, _ultotal, _ulnow| {
                        response.progress(dlnow, &mut |a, d| call_sink(a, d))
                    })
                });
            match setup {
                Ok(()) => transfer.perform(),
                Err(e) => Err(e),
            }
        };
        let mut transient = false;
        let hop = response.outcome(performed, &self.easy, &mut transient);
        self.transient = transient;
        hop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
