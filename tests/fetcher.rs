//! The fetcher against a local hostile HTTP server: status codes, endless data, lying lengths,
//! slow retrieval, redirects, keep-alive (a multi fetcher's too, from one call to the next), and
//! the byte limit around custom fetchers.
//!
//! No test asserts timings; the hostile behaviours are bounded in time by the server.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::http::{Behavior, TestServer, ENDLESS_CHUNK};
use tuf::fetch::{fetch_bytes, CurlFetcher, Fetcher, FetcherConfig};
use tuf::{Error, ErrorKind, Result};

fn config() -> FetcherConfig {
    FetcherConfig {
        connect_timeout: Duration::from_secs(2),
        ..FetcherConfig::default()
    }
}

fn fetcher() -> CurlFetcher {
    CurlFetcher::new(config()).unwrap()
}

/// A temporary file that is removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("libtuf-fetcher-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn url(&self) -> String {
        format!("file://{}", self.0.display())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn status_of(err: &Error) -> Option<u32> {
    match err {
        Error::Download { status, .. } => *status,
        _ => None,
    }
}

/// Fetches with `f`, counting what reaches the sink (without `fetch_bytes`'s own limit).
fn fetch_counting(f: &mut CurlFetcher, url: &str, max_length: u64) -> (Result<()>, u64) {
    let mut received = 0u64;
    let result = f.fetch(url, max_length, &mut |chunk: &[u8]| {
        received += chunk.len() as u64;
        Ok(())
    });
    (result, received)
}

#[test]
fn fetch_over_http() {
    let server = TestServer::start();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    server.set("/small.json", b"{\"a\":1}".to_vec());
    server.set("/big.bin", big.clone());
    let mut f = fetcher();
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/small.json"), 1000).unwrap(),
        b"{\"a\":1}"
    );
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/big.bin"), big.len() as u64).unwrap(),
        big
    );
    assert_eq!(server.requests("/small.json"), 1);
    assert_eq!(server.requests("/big.bin"), 1);
}

#[test]
fn limit_is_inclusive() {
    let server = TestServer::start();
    server.set("/ten", vec![7u8; 10]);
    server.set("/empty", Vec::new());
    let mut f = fetcher();
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/ten"), 10).unwrap().len(),
        10
    );
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/empty"), 0).unwrap().len(),
        0
    );
    let err = fetch_bytes(&mut f, &server.url("/ten"), 9).unwrap_err();
    assert!(
        matches!(err, Error::LengthExceeded { limit: 9, .. }),
        "{err:?}"
    );
}

#[test]
fn chunked_and_close_delimited_bodies() {
    let server = TestServer::start();
    let body: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
    server.set("/chunked", body.clone());
    server.set("/close", body.clone());
    server.set_behavior("/chunked", Behavior::Chunked);
    server.set_behavior("/close", Behavior::CloseDelimited);
    let mut f = fetcher();
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/chunked"), 5000).unwrap(),
        body
    );
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/close"), 5000).unwrap(),
        body
    );
    // Without Content-Length the limit is still enforced while streaming.
    for path in ["/chunked", "/close"] {
        let err = fetch_bytes(&mut f, &server.url(path), 4999).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{path}: {err:?}");
    }
}

#[test]
fn fetch_over_file_url() {
    let file = TempFile::new("present.json", b"file contents");
    let mut f = fetcher();
    assert_eq!(
        fetch_bytes(&mut f, &file.url(), 100).unwrap(),
        b"file contents"
    );
    let err = fetch_bytes(&mut f, &file.url(), 5).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{err:?}");
}

#[test]
fn missing_file_url_is_404() {
    let mut f = fetcher();
    let url = format!(
        "file://{}/libtuf-no-such-dir-{}/2.root.json",
        std::env::temp_dir().display(),
        std::process::id()
    );
    let err = fetch_bytes(&mut f, &url, 100).unwrap_err();
    assert_eq!(status_of(&err), Some(404), "{err:?}");
}

#[test]
fn http_404_and_403_carry_the_status() {
    let server = TestServer::start();
    server.set("/forbidden", b"secret".to_vec());
    server.set_behavior("/forbidden", Behavior::Status(403));
    let mut f = fetcher();
    let err = fetch_bytes(&mut f, &server.url("/2.root.json"), 100).unwrap_err();
    assert_eq!(status_of(&err), Some(404), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Download);
    let err = fetch_bytes(&mut f, &server.url("/forbidden"), 100).unwrap_err();
    assert_eq!(status_of(&err), Some(403), "{err:?}");
}

#[test]
fn http_500_is_an_error_and_the_error_body_is_not_delivered() {
    let server = TestServer::start();
    server.set_behavior("/boom", Behavior::Status(500));
    let mut f = fetcher();
    let (result, received) = fetch_counting(&mut f, &server.url("/boom"), 1000);
    let err = result.unwrap_err();
    assert_eq!(status_of(&err), Some(500), "{err:?}");
    assert_eq!(received, 0);
}

#[test]
fn endless_data_stops_at_the_limit() {
    let server = TestServer::start();
    server.set_behavior("/endless-chunked", Behavior::Endless { chunked: true });
    server.set_behavior("/endless-close", Behavior::Endless { chunked: false });
    let limit = 100_000u64;
    for path in ["/endless-chunked", "/endless-close"] {
        let mut f = fetcher();
        let (result, received) = fetch_counting(&mut f, &server.url(path), limit);
        let err = result.unwrap_err();
        assert!(
            matches!(&err, Error::LengthExceeded { limit: l, .. } if *l == limit),
            "{path}: {err:?}"
        );
        assert!(
            received <= limit,
            "{path}: {received} bytes reached the sink"
        );

        let err = fetch_bytes(&mut f, &server.url(path), limit).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{path}: {err:?}");
    }
}

#[test]
fn announced_length_above_the_limit_fails_early() {
    let server = TestServer::start();
    server.set("/large", vec![0u8; 1_000_000]);
    let mut f = fetcher();
    let (result, received) = fetch_counting(&mut f, &server.url("/large"), 1000);
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{err:?}");
    assert!(received <= 1000);
}

#[test]
fn lying_content_length() {
    let server = TestServer::start();
    // Claims less than it sends: only the claimed bytes are read.
    server.set("/short-claim", vec![1u8; 100_000]);
    server.set_behavior("/short-claim", Behavior::LyingLength { claimed: 10 });
    // Claims less than the limit but sends far more than the limit.
    server.set("/short-claim-2", vec![1u8; 100_000]);
    server.set_behavior("/short-claim-2", Behavior::LyingLength { claimed: 50 });
    // Claims more than it sends, then closes: a truncated transfer is an error.
    server.set("/long-claim", vec![1u8; 10]);
    server.set_behavior("/long-claim", Behavior::LyingLength { claimed: 1000 });

    // A fresh handle for each: the excess bytes a lying server leaves on a connection may
    // be read as the start of the next response on it (an error for that fetch).
    let mut f = fetcher();
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/short-claim"), 1000)
            .unwrap()
            .len(),
        10
    );
    let mut f = fetcher();
    let (result, received) = fetch_counting(&mut f, &server.url("/short-claim-2"), 100);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(received, 50);
    let mut f = fetcher();
    let err = fetch_bytes(&mut f, &server.url("/long-claim"), 10_000).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err:?}");
    assert_eq!(status_of(&err), None);
    // The handle is still usable afterwards.
    server.set("/ok", b"fine".to_vec());
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/ok"), 10).unwrap(),
        b"fine"
    );
}

fn slow_config() -> FetcherConfig {
    FetcherConfig {
        low_speed_limit: 100,
        low_speed_time: Duration::from_secs(1),
        ..config()
    }
}

#[test]
fn slow_drip_is_slow_retrieval() {
    let server = TestServer::start();
    server.set("/drip", vec![b'd'; 60]);
    server.set_behavior("/drip", Behavior::SlowDrip);
    let mut f = CurlFetcher::new(slow_config()).unwrap();
    let err = fetch_bytes(&mut f, &server.url("/drip"), 1000).unwrap_err();
    assert!(matches!(err, Error::SlowRetrieval { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::SlowRetrieval);
}

#[test]
fn silent_server_is_slow_retrieval() {
    let server = TestServer::start();
    server.set_behavior("/silent", Behavior::Silent);
    let mut f = CurlFetcher::new(slow_config()).unwrap();
    let err = fetch_bytes(&mut f, &server.url("/silent"), 1000).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SlowRetrieval, "{err:?}");
}

#[test]
fn redirect_to_http_is_followed() {
    let server = TestServer::start();
    let other = TestServer::start();
    other.set("/real.json", b"real".to_vec());
    server.set_behavior("/moved.json", Behavior::Redirect(other.url("/real.json")));
    server.set_behavior("/local.json", Behavior::Redirect("/moved.json".to_string()));
    let mut f = fetcher();
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/local.json"), 4).unwrap(),
        b"real"
    );
    assert_eq!(server.requests("/local.json"), 1);
    assert_eq!(server.requests("/moved.json"), 1);
    assert_eq!(other.requests("/real.json"), 1);
    // The limit applies to the final body, not to the redirect bodies before it.
    let err = fetch_bytes(&mut f, &server.url("/local.json"), 3).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{err:?}");
}

#[test]
fn endless_redirect_body_is_cut() {
    let server = TestServer::start();
    server.set("/real.json", b"real".to_vec());
    server.set_behavior(
        "/moved.json",
        Behavior::RedirectEndless("/real.json".to_string()),
    );
    let mut f = fetcher();
    let (result, received) = fetch_counting(&mut f, &server.url("/moved.json"), 1000);
    assert!(result.is_err(), "{result:?}");
    assert_eq!(received, 0);
}

#[test]
fn redirect_to_file_is_refused() {
    let secret = TempFile::new("secret.txt", b"local secret");
    let server = TestServer::start();
    server.set_behavior("/evil.json", Behavior::Redirect(secret.url()));
    let mut f = fetcher();
    let (result, received) = fetch_counting(&mut f, &server.url("/evil.json"), 1000);
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err:?}");
    assert_eq!(received, 0);
    assert!(!err.to_string().contains("local secret"));
    // file:// itself is allowed when asked for directly.
    assert_eq!(
        fetch_bytes(&mut f, &secret.url(), 100).unwrap(),
        b"local secret"
    );
}

#[test]
fn too_many_redirects() {
    let server = TestServer::start();
    server.set_behavior("/loop", Behavior::Redirect("/loop".to_string()));
    let mut f = fetcher();
    let err = fetch_bytes(&mut f, &server.url("/loop"), 100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err:?}");
    // The first request plus max_redirects (5) follow-ups.
    assert_eq!(server.requests("/loop"), 6);

    let mut none = CurlFetcher::new(FetcherConfig {
        max_redirects: 0,
        ..config()
    })
    .unwrap();
    server.set("/target", b"t".to_vec());
    server.set_behavior("/once", Behavior::Redirect("/target".to_string()));
    let err = fetch_bytes(&mut none, &server.url("/once"), 100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err:?}");
    assert_eq!(server.requests("/target"), 0);
}

#[test]
fn other_protocols_are_refused() {
    let server = TestServer::start();
    let mut f = fetcher();
    for url in [
        format!("ftp://{}/x", server.addr()),
        format!("dict://{}/x", server.addr()),
        format!("gopher://{}/x", server.addr()),
    ] {
        let err = fetch_bytes(&mut f, &url, 100).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Download, "{url}: {err:?}");
    }
    assert_eq!(server.connections(), 0);
}

#[test]
fn invalid_urls() {
    let mut f = fetcher();
    let err = fetch_bytes(&mut f, "", 100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = fetch_bytes(&mut f, "http://127.0.0.1/\0x", 100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = fetch_bytes(&mut f, "not a url", 100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err:?}");
}

#[test]
fn closed_port_is_a_download_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut f = fetcher();
    let err = fetch_bytes(&mut f, &format!("http://127.0.0.1:{port}/root.json"), 100).unwrap_err();
    assert!(
        matches!(err, Error::Download { status: None, .. }),
        "{err:?}"
    );
}

#[test]
fn keep_alive_reuses_one_connection() {
    let server = TestServer::start();
    for i in 0..20 {
        server.set(&format!("/{i}.json"), format!("file {i}").into_bytes());
    }
    let mut f = fetcher();
    for i in 0..20 {
        let bytes = fetch_bytes(&mut f, &server.url(&format!("/{i}.json")), 100).unwrap();
        assert_eq!(bytes, format!("file {i}").into_bytes());
    }
    assert_eq!(server.total_requests(), 20);
    assert_eq!(server.connections(), 1);
}

#[test]
fn not_found_keeps_the_connection() {
    let server = TestServer::start();
    server.set("/timestamp.json", b"ts".to_vec());
    let mut f = fetcher();
    for _ in 0..3 {
        let err = fetch_bytes(&mut f, &server.url("/9.root.json"), 100).unwrap_err();
        assert_eq!(status_of(&err), Some(404));
        assert_eq!(
            fetch_bytes(&mut f, &server.url("/timestamp.json"), 100).unwrap(),
            b"ts"
        );
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn files_can_change_between_fetches() {
    let server = TestServer::start();
    let mut f = fetcher();
    server.set("/timestamp.json", b"v1".to_vec());
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/timestamp.json"), 10).unwrap(),
        b"v1"
    );
    server.set("/timestamp.json", b"v2".to_vec());
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/timestamp.json"), 10).unwrap(),
        b"v2"
    );
    server.remove("/timestamp.json");
    let err = fetch_bytes(&mut f, &server.url("/timestamp.json"), 10).unwrap_err();
    assert_eq!(status_of(&err), Some(404));
    assert_eq!(server.requests("/timestamp.json"), 3);
}

/// Sends `chunks` chunks of `size` bytes, ignoring the sink's errors unless `obey`.
struct Firehose {
    chunks: usize,
    size: usize,
    obey: bool,
    accepted: usize,
    calls: usize,
}

impl Firehose {
    fn new(obey: bool) -> Firehose {
        Firehose {
            chunks: 1000,
            size: 1000,
            obey,
            accepted: 0,
            calls: 0,
        }
    }
}

impl Fetcher for Firehose {
    fn fetch(
        &mut self,
        _url: &str,
        _max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let chunk = vec![0u8; self.size];
        for _ in 0..self.chunks {
            self.calls += 1;
            match sink(&chunk) {
                Ok(()) => self.accepted += 1,
                Err(e) if self.obey => return Err(e),
                Err(_) => {}
            }
        }
        Ok(())
    }
}

#[test]
fn custom_fetcher_ignoring_the_limit_is_cut_by_fetch_bytes() {
    let mut f = Firehose::new(false);
    let err = fetch_bytes(&mut f, "custom://x", 10_500).unwrap_err();
    assert!(
        matches!(err, Error::LengthExceeded { limit: 10_500, .. }),
        "{err:?}"
    );
    // Only the chunks within the limit were accepted, although the fetcher kept going.
    assert_eq!(f.accepted, 10);
    assert_eq!(f.calls, 1000);
}

#[test]
fn custom_fetcher_stops_when_the_sink_fails() {
    let mut f = Firehose::new(true);
    let err = fetch_bytes(&mut f, "custom://x", 10_500).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{err:?}");
    assert_eq!(f.calls, 11);

    let mut f = Firehose::new(true);
    let mut seen = 0;
    let err = f
        .fetch("custom://x", u64::MAX, &mut |_chunk: &[u8]| {
            seen += 1;
            if seen == 3 {
                return Err(Error::Repository("enough".into()));
            }
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::Repository(_)), "{err:?}");
    assert_eq!(f.calls, 3);
}

#[test]
fn curl_stops_when_the_sink_fails() {
    let server = TestServer::start();
    server.set_behavior("/endless", Behavior::Endless { chunked: true });
    let mut f = fetcher();
    let mut calls = 0;
    let mut received = 0;
    let err = f
        .fetch(&server.url("/endless"), u64::MAX, &mut |chunk: &[u8]| {
            calls += 1;
            received += chunk.len();
            if received >= ENDLESS_CHUNK {
                return Err(Error::Repository("stop here".into()));
            }
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(&err, Error::Repository(m) if m == "stop here"),
        "{err:?}"
    );
    assert!(received < 2 * ENDLESS_CHUNK + 16 * 1024, "{received}");
    // The handle works again after an aborted transfer.
    server.set("/ok", b"ok".to_vec());
    assert_eq!(fetch_bytes(&mut f, &server.url("/ok"), 10).unwrap(), b"ok");
}

#[test]
fn fetcher_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<CurlFetcher>();
    let boxed: Box<dyn Fetcher> = Box::new(fetcher());
    std::thread::spawn(move || drop(boxed)).join().unwrap();
}

#[test]
fn a_multi_fetcher_without_a_pool_keeps_its_connections_from_one_call_to_the_next() {
    use std::sync::{Arc, Mutex};
    use tuf::fetch::{MultiFetcher, MultiRequest};
    let server = TestServer::start();
    server.set("/a", b"first".to_vec());
    server.set("/b", b"second".to_vec());
    let mut multi = MultiFetcher::new(config(), 2).unwrap();
    for path in ["/a", "/b", "/a"] {
        let body = Arc::new(Mutex::new(Vec::new()));
        let sink = body.clone();
        let request = MultiRequest {
            url: server.url(path),
            offset: 0,
            max_length: 100,
            sink: Box::new(move |_, chunk| {
                sink.lock().unwrap().extend_from_slice(chunk);
                Ok(())
            }),
        };
        let results = multi.fetch_all(vec![request], None);
        assert!(results[0].is_ok(), "{path}: {:?}", results[0]);
        assert_eq!(*body.lock().unwrap(), server.get(path).unwrap());
    }
    // One call after the other, over the connection the first one opened.
    assert_eq!(server.connections(), 1);
}
