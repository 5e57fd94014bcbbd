//! A small HTTP/1.1 test server (std only, and OpenSSL for HTTPS).
//!
//! It serves an in-memory map of request paths to bytes that tests can change at run time
//! (honouring `Range: bytes=N-` with a 206), counts requests per path, accepted connections,
//! the most connections open and requests answered at once (with an optional delay before
//! every response, so that parallel requests overlap), records the headers of every request,
//! and can be told to misbehave on a path (status codes, endless or lying bodies, slow drip,
//! redirects, failing a few times, cutting the connection mid-body, mishandling ranges). Connections are kept alive unless the client or a
//! behaviour closes them. The server stops when dropped. [`TestServer::start_tls`] serves
//! HTTPS with the certificates of `tests/data/tls`, optionally requiring a client certificate.
//!
//! Paths are the raw request targets, without decoding: `/metadata/a%2Fb.json` is served from
//! the key `"/metadata/a%2Fb.json"`. A query string is part of the path.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use openssl::ssl::{HandshakeError, SslAcceptor, SslFiletype, SslMethod, SslStream, SslVerifyMode};

/// How long hostile behaviours (endless body, slow drip) go on at most, so tests always end.
pub const HOSTILE_MAX_DURATION: Duration = Duration::from_secs(4);

/// Size of each write of an endless body.
pub const ENDLESS_CHUNK: usize = 16 * 1024;

/// How the server answers requests for a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behavior {
    /// Serve the stored bytes with `Content-Length` (404 if there are none).
    Normal,
    /// Answer with this status code and a short text body, whatever is stored.
    Status(u16),
    /// 200, then bytes without end (for at most [`HOSTILE_MAX_DURATION`]), either chunked or
    /// close-delimited (no `Content-Length`).
    Endless { chunked: bool },
    /// 200 with `Content-Length: claimed`, then the stored bytes whatever their length, then
    /// the connection is closed.
    LyingLength { claimed: u64 },
    /// 200 without `Content-Length`: the stored bytes, then the connection is closed.
    CloseDelimited,
    /// 200 with `Transfer-Encoding: chunked`: the stored bytes in chunks; keep-alive.
    Chunked,
    /// 200 with the right `Content-Length`, then the stored bytes one per second (for at
    /// most [`HOSTILE_MAX_DURATION`]).
    SlowDrip,
    /// Like [`SlowDrip`](Self::SlowDrip), one byte every given interval.
    Drip(Duration),
    /// 302 to this location (any URL, e.g. `file:///etc/passwd`), with a 2000-byte body as
    /// servers send a small HTML page.
    Redirect(String),
    /// 302 to this location with a chunked body without end (for at most
    /// [`HOSTILE_MAX_DURATION`]).
    RedirectEndless(String),
    /// Accept the request but never answer (for at most [`HOSTILE_MAX_DURATION`]).
    Silent,
    /// Answer the first `times` requests for the path with `status`, then serve normally.
    FailTimes { status: u16, times: usize },
    /// Serve `bytes` to the first `times` requests for the path, then the stored bytes.
    ServeFirst { bytes: Vec<u8>, times: usize },
    /// Serve the first `times` requests for the path normally (a `Range` honoured, with the
    /// full `Content-Length` of the response) but close the connection after `bytes` body
    /// bytes; then serve normally.
    CutAfter { bytes: usize, times: usize },
    /// 200 with the whole file, whatever `Range` asks for.
    IgnoreRange,
    /// To a `Range` request, 206 with a `Content-Range` one byte after the start asked for
    /// (and those bytes); other requests are served normally.
    WrongRange,
    /// To a `Range` request, 206 without `Content-Range`, with the bytes asked for; other
    /// requests are served normally.
    RangeWithoutContentRange,
}

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    behaviors: HashMap<String, Behavior>,
    requests: HashMap<String, usize>,
    /// Body bytes written per path (hostile behaviours included).
    sent: HashMap<String, u64>,
    /// Request paths in order of arrival.
    log: Vec<String>,
    /// The header lines (name, value) of every request, in order of arrival, with its path.
    headers: Vec<(String, Vec<(String, String)>)>,
    /// Subjects of the client certificates presented, one per TLS connection that had one.
    client_certificates: Vec<String>,
}

struct Shared {
    state: Mutex<State>,
    connections: AtomicUsize,
    /// Connections open now, and the most that were open at once.
    open: AtomicUsize,
    max_open: AtomicUsize,
    /// Requests being answered now, and the most that were at once.
    active: AtomicUsize,
    max_active: AtomicUsize,
    /// How long every response waits before it starts, in milliseconds.
    delay_ms: AtomicUsize,
    /// TLS handshakes that failed.
    tls_failures: AtomicUsize,
    stop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not make every other call panic too.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running test server on `127.0.0.1` at a free port.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
    https: bool,
}

/// The directory of the TLS test certificates (`tests/data/tls`, see its `make.sh`).
pub fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls")
}

/// A file of `tests/data/tls`.
pub fn tls_file(name: &str) -> PathBuf {
    tls_dir().join(name)
}

/// The HTTPS side of [`TestServer::start_tls`]: `server.pem` and `server.key`, and, when
/// `require_client_certificate`, client certificates issued by `ca.pem` required.
fn acceptor(require_client_certificate: bool) -> SslAcceptor {
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).expect("TLS acceptor");
    b.set_private_key_file(tls_file("server.key"), SslFiletype::PEM)
        .expect("server key");
    b.set_certificate_chain_file(tls_file("server.pem"))
        .expect("server certificate");
    if require_client_certificate {
        b.set_ca_file(tls_file("ca.pem")).expect("client CA");
        b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    }
    b.build()
}

/// Completes a TLS handshake on `stream`, waiting through the read timeouts.
fn tls_accept(
    acceptor: &SslAcceptor,
    stream: TcpStream,
    shared: &Shared,
) -> Option<SslStream<TcpStream>> {
    let mut attempt = acceptor.accept(stream);
    let start = Instant::now();
    loop {
        match attempt {
            Ok(s) => return Some(s),
            Err(HandshakeError::WouldBlock(mid))
                if !shared.stop.load(Ordering::SeqCst)
                    && start.elapsed() < HOSTILE_MAX_DURATION =>
            {
                attempt = mid.handshake();
            }
            Err(_) => {
                shared.tls_failures.fetch_add(1, Ordering::SeqCst);
                return None;
            }
        }
    }
}

impl TestServer {
    /// Starts a server with no files.
    pub fn start() -> TestServer {
        TestServer::start_with(None)
    }

    /// Starts an HTTPS server with no files, whose certificate (`server.pem`: localhost,
    /// 127.0.0.1, ::1) is issued by `ca.pem` of [`tls_dir`]. With
    /// `require_client_certificate`, a handshake without a client certificate issued by
    /// `ca.pem` fails.
    pub fn start_tls(require_client_certificate: bool) -> TestServer {
        TestServer::start_with(Some(Arc::new(acceptor(require_client_certificate))))
    }

    fn start_with(tls: Option<Arc<SslAcceptor>>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind test server");
        let addr = listener.local_addr().expect("local addr");
        let https = tls.is_some();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            connections: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
            max_open: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            max_active: AtomicUsize::new(0),
            delay_ms: AtomicUsize::new(0),
            tls_failures: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let workers: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accept = {
            let shared = shared.clone();
            let workers = workers.clone();
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if shared.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    shared.connections.fetch_add(1, Ordering::SeqCst);
                    let now = shared.open.fetch_add(1, Ordering::SeqCst) + 1;
                    shared.max_open.fetch_max(now, Ordering::SeqCst);
                    let shared = shared.clone();
                    let tls = tls.clone();
                    let handle = thread::spawn(move || {
                        let _ = serve_tcp(stream, tls.as_deref(), &shared);
                        shared.open.fetch_sub(1, Ordering::SeqCst);
                    });
                    workers
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(handle);
                }
            })
        };
        TestServer {
            addr,
            shared,
            accept: Some(accept),
            workers,
            https,
        }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` for [`start_tls`](Self::start_tls)) followed by
    /// `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}{}", self.addr, path)
    }

    /// As [`url`](Self::url) with the host name `localhost`: another origin than `url`'s.
    pub fn localhost_url(&self, path: &str) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://localhost:{}{}", self.addr.port(), path)
    }

    /// The value of header `name` (case-insensitive) in each request for `path`, in order:
    /// `None` for a request without it.
    pub fn header_values(&self, path: &str, name: &str) -> Vec<Option<String>> {
        self.shared
            .lock()
            .headers
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, headers)| {
                headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            })
            .collect()
    }

    /// The subjects of the client certificates presented, one per TLS connection with one.
    pub fn client_certificates(&self) -> Vec<String> {
        self.shared.lock().client_certificates.clone()
    }

    /// How many TLS handshakes failed.
    pub fn tls_failures(&self) -> usize {
        self.shared.tls_failures.load(Ordering::SeqCst)
    }

    /// Stores `bytes` at `path` (replacing what was there).
    pub fn set(&self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.shared
            .lock()
            .files
            .insert(path.to_string(), bytes.into());
    }

    /// Removes the file at `path`; it is then served as 404.
    pub fn remove(&self, path: &str) {
        self.shared.lock().files.remove(path);
    }

    /// The bytes stored at `path`.
    pub fn get(&self, path: &str) -> Option<Vec<u8>> {
        self.shared.lock().files.get(path).cloned()
    }

    /// Sets how `path` is answered.
    pub fn set_behavior(&self, path: &str, behavior: Behavior) {
        let mut state = self.shared.lock();
        if behavior == Behavior::Normal {
            state.behaviors.remove(path);
        } else {
            state.behaviors.insert(path.to_string(), behavior);
        }
    }

    /// How many requests were made for `path`.
    pub fn requests(&self, path: &str) -> usize {
        self.shared.lock().requests.get(path).copied().unwrap_or(0)
    }

    /// How many requests were made in total.
    pub fn total_requests(&self) -> usize {
        self.shared.lock().requests.values().sum()
    }

    /// Every request path, in order of arrival.
    pub fn request_log(&self) -> Vec<String> {
        self.shared.lock().log.clone()
    }

    /// Forgets the request counts and log (not the connection count).
    pub fn reset_counts(&self) {
        let mut state = self.shared.lock();
        state.requests.clear();
        state.log.clear();
        state.headers.clear();
        state.sent.clear();
    }

    /// How many body bytes were written for `path` (what the server managed to send, not what
    /// the client read).
    pub fn bytes_sent(&self, path: &str) -> u64 {
        self.shared.lock().sent.get(path).copied().unwrap_or(0)
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The most TCP connections that were open at once.
    pub fn max_open_connections(&self) -> usize {
        self.shared.max_open.load(Ordering::SeqCst)
    }

    /// The most requests that were being answered at once.
    pub fn max_concurrent_requests(&self) -> usize {
        self.shared.max_active.load(Ordering::SeqCst)
    }

    /// Makes every response wait `delay` before it starts (so that requests overlap).
    pub fn set_delay(&self, delay: Duration) {
        let ms = usize::try_from(delay.as_millis()).unwrap_or(usize::MAX);
        self.shared.delay_ms.store(ms, Ordering::SeqCst);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let workers = std::mem::take(&mut *self.workers.lock().unwrap_or_else(|p| p.into_inner()));
        for worker in workers {
            let _ = worker.join();
        }
    }
}

struct Request {
    path: String,
    keep_alive: bool,
    headers: Vec<(String, String)>,
}

/// Reads one request head. `Ok(None)` when the client closed the connection or the server is
/// stopping.
fn read_request<S: Read>(
    reader: &mut BufReader<S>,
    shared: &Shared,
) -> io::Result<Option<Request>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        match reader.read_line(&mut line) {
            Ok(0) => return Ok(None),
            Ok(_) => {
                if !line.ends_with('\n') {
                    // Partial line before a timeout: keep reading into it.
                    continue;
                }
                let trimmed = line.trim_end_matches(['\r', '\n']).to_string();
                line.clear();
                if trimmed.is_empty() {
                    if lines.is_empty() {
                        continue; // stray CRLF between requests
                    }
                    break;
                }
                lines.push(trimmed);
                if lines.len() > 100 {
                    return Err(io::Error::other("too many header lines"));
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    let mut parts = lines[0].split_whitespace();
    let _method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("/").to_string();
    let version = parts.next().unwrap_or("HTTP/1.0");
    let mut keep_alive = version == "HTTP/1.1";
    let mut body_len = 0usize;
    let mut headers = Vec::new();
    for header in &lines[1..] {
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim();
        headers.push((name.to_string(), value.to_string()));
        if name.eq_ignore_ascii_case("connection") {
            if value.eq_ignore_ascii_case("close") {
                keep_alive = false;
            } else if value.eq_ignore_ascii_case("keep-alive") {
                keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().unwrap_or(0);
        }
    }
    if body_len > 0 {
        let mut discard = vec![0u8; body_len.min(1 << 20)];
        reader.read_exact(&mut discard)?;
    }
    Ok(Some(Request {
        path,
        keep_alive,
        headers,
    }))
}

/// Serves one accepted connection, over TLS when `tls` is given, then closes it.
fn serve_tcp(stream: TcpStream, tls: Option<&SslAcceptor>, shared: &Shared) -> io::Result<()> {
    // Short read timeouts let the thread notice that the server stopped.
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    stream.set_nodelay(true)?;
    let raw = stream.try_clone()?;
    let result = match tls {
        None => serve_connection(stream, shared),
        Some(acceptor) => match tls_accept(acceptor, stream, shared) {
            Some(tls_stream) => {
                if let Some(cert) = tls_stream.ssl().peer_certificate() {
                    let subject = cert
                        .subject_name()
                        .entries()
                        .filter_map(|e| e.data().to_string().ok())
                        .collect::<Vec<_>>()
                        .join(",");
                    shared.lock().client_certificates.push(subject);
                }
                serve_connection(tls_stream, shared)
            }
            None => Ok(()),
        },
    };
    let _ = raw.shutdown(Shutdown::Both);
    result
}

fn serve_connection<S: Read + Write>(stream: S, shared: &Shared) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader, shared)? {
        let (file, behavior) = {
            let mut state = shared.lock();
            let count = state.requests.entry(request.path.clone()).or_insert(0);
            *count += 1;
            let count = *count;
            state.log.push(request.path.clone());
            state
                .headers
                .push((request.path.clone(), request.headers.clone()));
            let stored = state.files.get(&request.path).cloned();
            match state.behaviors.get(&request.path).cloned() {
                Some(Behavior::FailTimes { status, times }) if count <= times => {
                    (stored, Behavior::Status(status))
                }
                Some(Behavior::ServeFirst { bytes, times }) if count <= times => {
                    (Some(bytes), Behavior::Normal)
                }
                Some(Behavior::CutAfter { times, .. }) if count > times => {
                    (stored, Behavior::Normal)
                }
                Some(Behavior::FailTimes { .. } | Behavior::ServeFirst { .. }) | None => {
                    (stored, Behavior::Normal)
                }
                Some(b) => (stored, b),
            }
        };
        let now = shared.active.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_active.fetch_max(now, Ordering::SeqCst);
        let delay = Duration::from_millis(shared.delay_ms.load(Ordering::SeqCst) as u64);
        let answered = if delay.is_zero() || nap(shared, delay) {
            respond(reader.get_mut(), shared, &request, file, behavior)
        } else {
            Ok(false)
        };
        shared.active.fetch_sub(1, Ordering::SeqCst);
        let keep = answered?;
        if !keep || !request.keep_alive {
            break;
        }
    }
    Ok(())
}

fn add_sent(shared: &Shared, path: &str, n: usize) {
    *shared.lock().sent.entry(path.to_string()).or_insert(0) += n as u64;
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        302 => "Found",
        403 => "Forbidden",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn simple(w: &mut impl Write, code: u16, extra: &str, body: &[u8], keep: bool) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Length: {}\r\n{extra}{}\r\n",
        reason(code),
        body.len(),
        if keep { "" } else { "Connection: close\r\n" },
    );
    w.write_all(head.as_bytes())?;
    w.write_all(body)?;
    w.flush()
}

/// Sleeps up to `d` in small steps; false if the server is stopping.
fn nap(shared: &Shared, d: Duration) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
    true
}

/// The first byte asked for by a `Range: bytes=N-` header, if the request has one.
fn range_start(request: &Request) -> Option<usize> {
    let (_, value) = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("range"))?;
    value
        .strip_prefix("bytes=")?
        .strip_suffix('-')?
        .parse()
        .ok()
}

/// Writes the head of a 200 for `body`, or of a 206 for its bytes from the `Range` start
/// (416 when that is past its end); returns the body bytes to send, `None` after a 416.
fn ranged_head(
    w: &mut impl Write,
    request: &Request,
    body: &[u8],
    keep: bool,
) -> io::Result<Option<Vec<u8>>> {
    let close = if keep { "" } else { "Connection: close\r\n" };
    match range_start(request) {
        Some(start) if start >= body.len() => {
            simple(w, 416, "", b"range not satisfiable\n", keep)?;
            Ok(None)
        }
        Some(start) => {
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\n\
                 Content-Range: bytes {start}-{}/{}\r\n{close}\r\n",
                body.len() - start,
                body.len() - 1,
                body.len()
            );
            w.write_all(head.as_bytes())?;
            Ok(Some(body[start..].to_vec()))
        }
        None => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{close}\r\n",
                body.len()
            );
            w.write_all(head.as_bytes())?;
            Ok(Some(body.to_vec()))
        }
    }
}

/// Writes one response. Returns whether the connection may be kept alive.
fn respond(
    w: &mut impl Write,
    shared: &Shared,
    request: &Request,
    file: Option<Vec<u8>>,
    behavior: Behavior,
) -> io::Result<bool> {
    let path = request.path.as_str();
    let start = Instant::now();
    let alive = |shared: &Shared| {
        !shared.stop.load(Ordering::SeqCst) && start.elapsed() < HOSTILE_MAX_DURATION
    };
    match behavior {
        Behavior::Normal => match file {
            Some(body) => {
                if let Some(sent) = ranged_head(w, request, &body, request.keep_alive)? {
                    w.write_all(&sent)?;
                    w.flush()?;
                    add_sent(shared, path, sent.len());
                }
                Ok(true)
            }
            None => {
                simple(w, 404, "", b"not found\n", request.keep_alive)?;
                Ok(true)
            }
        },
        Behavior::Status(code) => {
            simple(
                w,
                code,
                "",
                format!("status {code}\n").as_bytes(),
                request.keep_alive,
            )?;
            Ok(true)
        }
        Behavior::Redirect(location) => {
            let extra = format!("Location: {location}\r\n");
            simple(w, 302, &extra, &[b'r'; 2000], request.keep_alive)?;
            Ok(true)
        }
        Behavior::Endless { .. } | Behavior::RedirectEndless(_) => {
            let (head, chunked) = match &behavior {
                Behavior::Endless { chunked: true } => (
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_string(),
                    true,
                ),
                Behavior::RedirectEndless(location) => (
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: {location}\r\n\
                         Transfer-Encoding: chunked\r\n\r\n"
                    ),
                    true,
                ),
                _ => (
                    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_string(),
                    false,
                ),
            };
            w.write_all(head.as_bytes())?;
            let chunk = vec![b'x'; ENDLESS_CHUNK];
            while alive(shared) {
                if chunked {
                    w.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                    w.write_all(&chunk)?;
                    w.write_all(b"\r\n")?;
                } else {
                    w.write_all(&chunk)?;
                }
                add_sent(shared, path, chunk.len());
            }
            Ok(false)
        }
        Behavior::LyingLength { claimed } => {
            let body = file.unwrap_or_default();
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {claimed}\r\n\r\n");
            w.write_all(head.as_bytes())?;
            w.write_all(&body)?;
            w.flush()?;
            add_sent(shared, path, body.len());
            Ok(false)
        }
        Behavior::CloseDelimited => {
            let body = file.unwrap_or_default();
            w.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            w.write_all(&body)?;
            w.flush()?;
            add_sent(shared, path, body.len());
            Ok(false)
        }
        Behavior::Chunked => {
            let body = file.unwrap_or_default();
            w.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")?;
            for piece in body.chunks(1000) {
                w.write_all(format!("{:x}\r\n", piece.len()).as_bytes())?;
                w.write_all(piece)?;
                w.write_all(b"\r\n")?;
            }
            w.write_all(b"0\r\n\r\n")?;
            w.flush()?;
            add_sent(shared, path, body.len());
            Ok(true)
        }
        Behavior::SlowDrip | Behavior::Drip(_) => {
            let interval = match behavior {
                Behavior::Drip(d) => d,
                _ => Duration::from_secs(1),
            };
            let body = file.unwrap_or_default();
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            w.write_all(head.as_bytes())?;
            w.flush()?;
            for b in &body {
                if !alive(shared) || !nap(shared, interval) {
                    return Ok(false);
                }
                w.write_all(std::slice::from_ref(b))?;
                w.flush()?;
                add_sent(shared, path, 1);
            }
            Ok(true)
        }
        Behavior::Silent => {
            while alive(shared) && nap(shared, Duration::from_millis(100)) {}
            Ok(false)
        }
        // Resolved to Status or Normal in `serve_connection`.
        Behavior::FailTimes { .. } | Behavior::ServeFirst { .. } => Ok(false),
        Behavior::CutAfter { bytes, .. } => {
            let body = file.unwrap_or_default();
            if let Some(sent) = ranged_head(w, request, &body, false)? {
                let cut = &sent[..bytes.min(sent.len())];
                w.write_all(cut)?;
                w.flush()?;
                add_sent(shared, path, cut.len());
            }
            Ok(false)
        }
        Behavior::IgnoreRange => {
            let body = file.unwrap_or_default();
            simple(w, 200, "", &body, request.keep_alive)?;
            add_sent(shared, path, body.len());
            Ok(true)
        }
        Behavior::WrongRange | Behavior::RangeWithoutContentRange
            if range_start(request).is_none() =>
        {
            respond(w, shared, request, file, Behavior::Normal)
        }
        Behavior::WrongRange | Behavior::RangeWithoutContentRange => {
            let body = file.unwrap_or_default();
            let start = range_start(request).unwrap_or(0).min(body.len());
            let shown = (start + 1).min(body.len());
            let sent = &body[shown..];
            let content_range = if behavior == Behavior::WrongRange {
                format!(
                    "Content-Range: bytes {shown}-{}/{}\r\n",
                    body.len().saturating_sub(1),
                    body.len()
                )
            } else {
                String::new()
            };
            let sent = if behavior == Behavior::WrongRange {
                sent
            } else {
                &body[start..]
            };
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\n{content_range}\r\n",
                sent.len()
            );
            w.write_all(head.as_bytes())?;
            w.write_all(sent)?;
            w.flush()?;
            add_sent(shared, path, sent.len());
            Ok(true)
        }
    }
}
