//! Transport settings of the libcurl fetcher against local test servers: CA certificates (file
//! and memory) in place of the system trust store, mutual TLS, an explicit proxy, custom
//! headers (never sent across a redirect to another origin) and retries of transient failures
//! only. The environment variables (`http_proxy`, `SSL_CERT_FILE`) are tested in
//! tests/transport_env.rs, a test program of its own since they are process-wide.

mod common;

use std::time::Duration;

use common::http::{tls_file, Behavior, TestServer};
use common::proxy::TestProxy;
use common::sim::Sim;
use common::sim_fetcher::{over_http, serve, Client};
use tuf::fetch::{
    fetch_bytes, ClientCertificate, CurlFetcher, Fetcher, FetcherConfig, Pem, RetryFetcher,
    RetryPolicy,
};
use tuf::updater::Updater;
use tuf::{Error, ErrorKind};

/// The bundled libcurl's TLS is rustls, which reads no encrypted key.
const RUSTLS: bool = cfg!(feature = "bundled-curl-rustls");

fn config() -> FetcherConfig {
    FetcherConfig {
        connect_timeout: Duration::from_secs(5),
        // Whatever the environment of the test run says.
        proxy: Some(String::new()),
        ..FetcherConfig::default()
    }
}

fn fetcher(config: FetcherConfig) -> CurlFetcher {
    CurlFetcher::new(config).unwrap()
}

fn with_ca(ca: Pem) -> FetcherConfig {
    FetcherConfig {
        ca_certificates: Some(ca),
        ..config()
    }
}

fn pem(name: &str) -> Vec<u8> {
    std::fs::read(tls_file(name)).unwrap()
}

fn status_of(err: &Error) -> Option<u32> {
    err.http_status()
}

// ---- CA certificates -----------------------------------------------------------------------

#[test]
fn https_with_the_ca_as_a_file_or_in_memory() {
    let server = TestServer::start_tls(false);
    server.set("/x.json", b"over tls".to_vec());
    for ca in [Pem::File(tls_file("ca.pem")), Pem::Memory(pem("ca.pem"))] {
        let mut f = fetcher(with_ca(ca.clone()));
        let got = fetch_bytes(&mut f, &server.url("/x.json"), 100);
        assert_eq!(got.unwrap(), b"over tls", "{ca:?}");
        // The certificate names localhost too.
        let got = fetch_bytes(&mut f, &server.localhost_url("/x.json"), 100);
        assert_eq!(got.unwrap(), b"over tls", "{ca:?}");
    }
    assert_eq!(server.requests("/x.json"), 4);
}

#[test]
fn https_without_the_ca_fails_and_is_not_transient() {
    let server = TestServer::start_tls(false);
    server.set("/x.json", b"over tls".to_vec());
    let cases = [
        ("system store", config()),
        (
            "unrelated CA file",
            with_ca(Pem::File(tls_file("other-ca.pem"))),
        ),
        (
            "unrelated CA blob",
            with_ca(Pem::Memory(pem("other-ca.pem"))),
        ),
    ];
    for (name, cfg) in cases {
        let mut f = fetcher(cfg);
        let err = fetch_bytes(&mut f, &server.url("/x.json"), 100).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Download, "{name}: {err}");
        assert_eq!(status_of(&err), None, "{name}");
        assert!(!f.is_transient(&err), "{name}: {err}");
    }
    assert_eq!(server.requests("/x.json"), 0);
}

#[test]
fn missing_or_bad_pem_is_refused_up_front() {
    let missing = tls_file("no-such-file.pem");
    let cases = [
        with_ca(Pem::File(missing.clone())),
        with_ca(Pem::Memory(b"not a certificate".to_vec())),
        FetcherConfig {
            client_certificate: Some(ClientCertificate {
                certificate: Pem::File(tls_file("client.pem")),
                key: Some(Pem::File(missing)),
                key_password: None,
            }),
            ..config()
        },
    ];
    for cfg in cases {
        let shown = format!("{cfg:?}");
        let err = CurlFetcher::new(cfg).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{shown}: {err}");
    }
}

// ---- mutual TLS ----------------------------------------------------------------------------

fn client_cert(certificate: Pem, key: Option<Pem>, key_password: Option<&str>) -> FetcherConfig {
    FetcherConfig {
        client_certificate: Some(ClientCertificate {
            certificate,
            key,
            key_password: key_password.map(Into::into),
        }),
        ..with_ca(Pem::File(tls_file("ca.pem")))
    }
}

/// The client certificate with its encrypted key, opened with `password`.
fn encrypted_key(password: &str) -> FetcherConfig {
    let file = |n: &str| Pem::File(tls_file(n));
    client_cert(
        file("client.pem"),
        Some(file("client-encrypted.key")),
        Some(password),
    )
}

#[test]
fn mutual_tls_presents_the_client_certificate() {
    let server = TestServer::start_tls(true);
    server.set("/x.json", b"private".to_vec());
    let file = |n: &str| Pem::File(tls_file(n));
    let memory = |n: &str| Pem::Memory(pem(n));
    let cases = [
        (
            "files",
            client_cert(file("client.pem"), Some(file("client.key")), None),
        ),
        (
            "memory",
            client_cert(memory("client.pem"), Some(memory("client.key")), None),
        ),
        (
            "combined file",
            client_cert(file("client-combined.pem"), None, None),
        ),
        (
            "combined memory",
            client_cert(memory("client-combined.pem"), None, None),
        ),
    ];
    let encrypted = ("encrypted key", encrypted_key("test password"));
    let mut cases = Vec::from(cases);
    if RUSTLS {
        // rustls reads no encrypted key, and libcurl gives it certificates and keys from
        // files only: refused when the fetcher is created, with the reason.
        cases.retain(|(name, cfg)| {
            if !name.contains("memory") {
                return true;
            }
            let err = CurlFetcher::new(cfg.clone()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{name}: {err}");
            assert!(err.to_string().contains("from files only"), "{name}: {err}");
            false
        });
        let err = CurlFetcher::new(encrypted.1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
        assert!(err.to_string().contains("encrypted"), "{err}");
    } else {
        cases.push(encrypted);
    }
    let count = cases.len();
    for (name, cfg) in cases {
        let mut f = fetcher(cfg);
        let got = fetch_bytes(&mut f, &server.url("/x.json"), 100);
        assert_eq!(got.unwrap(), b"private", "{name}");
    }
    let seen = server.client_certificates();
    assert_eq!(seen.len(), count, "{seen:?}");
    assert!(seen.iter().all(|s| s == "libtuf test client"), "{seen:?}");
}

#[test]
fn mutual_tls_without_a_usable_client_certificate_fails() {
    let server = TestServer::start_tls(true);
    server.set("/x.json", b"private".to_vec());
    let file = |n: &str| Pem::File(tls_file(n));
    let cases = [
        ("no certificate", with_ca(file("ca.pem"))),
        (
            "key of another certificate",
            client_cert(file("client.pem"), Some(file("server.key")), None),
        ),
    ];
    let wrong_password = ("wrong key password", encrypted_key("wrong"));
    let mut cases = Vec::from(cases);
    if !RUSTLS {
        // With rustls, any key password is refused when the fetcher is created (above).
        cases.push(wrong_password);
    }
    for (name, cfg) in cases {
        let mut f = fetcher(cfg);
        let err = fetch_bytes(&mut f, &server.url("/x.json"), 100).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Download, "{name}: {err}");
        assert_eq!(status_of(&err), None, "{name}");
    }
    assert_eq!(server.requests("/x.json"), 0);
    assert!(server.client_certificates().is_empty());
}

// ---- proxy ---------------------------------------------------------------------------------

#[test]
fn an_explicit_proxy_carries_every_request() {
    let server = TestServer::start();
    server.set("/a.json", b"via proxy".to_vec());
    let proxy = TestProxy::start();
    let mut f = fetcher(FetcherConfig {
        proxy: Some(proxy.url()),
        headers: vec![("X-Token".into(), "t1".into())],
        ..config()
    });
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/a.json"), 100).unwrap(),
        b"via proxy"
    );
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].target, server.url("/a.json"));
    // A plain http request shows the custom headers to the proxy (documented).
    assert!(seen[0]
        .headers
        .iter()
        .any(|(n, v)| n == "X-Token" && v == "t1"));
    assert_eq!(
        server.header_values("/a.json", "X-Token"),
        [Some("t1".into())]
    );

    // Without the proxy setting ("" here: none), the server is reached directly.
    let mut direct = fetcher(config());
    fetch_bytes(&mut direct, &server.url("/a.json"), 100).unwrap();
    assert_eq!(proxy.requests().len(), 1);
    assert_eq!(server.requests("/a.json"), 2);
}

#[test]
fn proxy_settings_are_checked() {
    for bad in [
        "proxy:3128",
        "ftp://proxy",
        "file:///tmp/sock",
        "http://",
        "http://a b",
    ] {
        let cfg = FetcherConfig {
            proxy: Some(bad.into()),
            ..config()
        };
        let err = CurlFetcher::new(cfg).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad}: {err}");
    }
    // A dead proxy is a transient download error.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = TestServer::start();
    let mut f = fetcher(FetcherConfig {
        proxy: Some(format!("http://127.0.0.1:{port}")),
        ..config()
    });
    let err = fetch_bytes(&mut f, &server.url("/a.json"), 100).unwrap_err();
    assert_eq!(
        (err.kind(), status_of(&err)),
        (ErrorKind::Download, None),
        "{err}"
    );
    assert!(f.is_transient(&err));
    assert_eq!(server.total_requests(), 0);
}

// ---- headers -------------------------------------------------------------------------------

fn with_headers() -> FetcherConfig {
    FetcherConfig {
        headers: vec![
            ("Authorization".into(), "Bearer secret-token".into()),
            ("X-Repo".into(), "one\ttwo".into()),
        ],
        ..config()
    }
}

#[test]
fn headers_are_sent_on_the_origin_and_its_same_origin_redirects() {
    let server = TestServer::start();
    server.set("/real.json", b"real".to_vec());
    server.set_behavior("/moved.json", Behavior::Redirect("/real.json".into()));
    server.set_behavior(
        "/absolute.json",
        Behavior::Redirect(server.url("/moved.json")),
    );
    let mut f = fetcher(with_headers());
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/absolute.json"), 10).unwrap(),
        b"real"
    );
    let token = Some("Bearer secret-token".to_string());
    for path in ["/absolute.json", "/moved.json", "/real.json"] {
        assert_eq!(
            server.header_values(path, "Authorization"),
            std::slice::from_ref(&token),
            "{path}"
        );
        assert_eq!(
            server.header_values(path, "X-Repo"),
            [Some("one\ttwo".into())]
        );
    }
    // The User-Agent is still libtuf's.
    let ua = server.header_values("/real.json", "User-Agent");
    assert!(ua[0].as_deref().unwrap().starts_with("libtuf/"), "{ua:?}");
}

#[test]
fn headers_never_cross_a_redirect_to_another_origin() {
    let server = TestServer::start();
    let other = TestServer::start();
    other.set("/real.json", b"other".to_vec());
    server.set("/real.json", b"same".to_vec());
    // Another port of the same address, and another host name for the same server.
    server.set_behavior("/to-port.json", Behavior::Redirect(other.url("/real.json")));
    server.set_behavior(
        "/to-localhost.json",
        Behavior::Redirect(server.localhost_url("/real.json")),
    );
    // Leaving the origin and coming back: the headers stay off.
    other.set_behavior("/back.json", Behavior::Redirect(server.url("/real.json")));
    server.set_behavior(
        "/round-trip.json",
        Behavior::Redirect(other.url("/back.json")),
    );
    let mut f = fetcher(with_headers());
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/to-port.json"), 10).unwrap(),
        b"other"
    );
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/to-localhost.json"), 10).unwrap(),
        b"same"
    );
    assert_eq!(
        fetch_bytes(&mut f, &server.url("/round-trip.json"), 10).unwrap(),
        b"same"
    );
    let token = Some("Bearer secret-token".to_string());
    for path in ["/to-port.json", "/to-localhost.json", "/round-trip.json"] {
        assert_eq!(
            server.header_values(path, "Authorization"),
            std::slice::from_ref(&token),
            "{path}"
        );
    }
    assert_eq!(other.header_values("/real.json", "Authorization"), [None]);
    assert_eq!(other.header_values("/real.json", "X-Repo"), [None]);
    assert_eq!(other.header_values("/back.json", "Authorization"), [None]);
    // /real.json on `server`: once through localhost, once back from `other`.
    assert_eq!(
        server.header_values("/real.json", "Authorization"),
        [None, None]
    );

    // The next fetch of the same fetcher starts with the headers again.
    fetch_bytes(&mut f, &server.url("/real.json"), 10).unwrap();
    assert_eq!(
        server.header_values("/real.json", "Authorization"),
        [None, None, token]
    );
}

#[test]
fn redirect_rules_still_hold_when_following_by_hand() {
    let server = TestServer::start();
    server.set_behavior(
        "/evil.json",
        Behavior::Redirect("file:///etc/passwd".into()),
    );
    server.set_behavior("/ftp.json", Behavior::Redirect("ftp://127.0.0.1/x".into()));
    server.set_behavior("/loop", Behavior::Redirect("/loop".into()));
    let mut f = fetcher(with_headers());
    for path in ["/evil.json", "/ftp.json", "/loop"] {
        let mut received = 0;
        let err = f
            .fetch(&server.url(path), 1000, &mut |c: &[u8]| {
                received += c.len();
                Ok(())
            })
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Download, "{path}: {err}");
        assert_eq!(err.url(), Some(server.url(path).as_str()));
        assert_eq!(received, 0, "{path}");
        assert!(!f.is_transient(&err), "{path}: {err}");
    }
    assert_eq!(server.requests("/loop"), 6);
}

#[test]
fn header_settings_are_checked_and_never_shown() {
    for (name, value) in [
        ("Host", "other.example"),
        ("Content-Length", "0"),
        ("Bad Name", "v"),
        ("X-A", "v\r\nX-Injected: 1"),
        ("X-A", ""),
    ] {
        let cfg = FetcherConfig {
            headers: vec![(name.into(), value.into())],
            ..config()
        };
        let err = CurlFetcher::new(cfg).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{name}: {err}");
    }
    let too_many = FetcherConfig {
        headers: (0..65).map(|i| (format!("X-{i}"), "v".into())).collect(),
        ..config()
    };
    assert!(CurlFetcher::new(too_many).is_err());
    let shown = format!("{:?}", fetcher(with_headers()));
    assert!(shown.contains("Authorization"), "{shown}");
    assert!(!shown.contains("secret-token"), "{shown}");
}

// ---- retries -------------------------------------------------------------------------------

fn retrying(retries: u32) -> RetryFetcher {
    let policy = RetryPolicy {
        retries,
        backoff: Duration::from_millis(10),
    };
    RetryFetcher::new(Box::new(fetcher(config())), policy)
}

#[test]
fn transient_statuses_are_retried_until_the_file_comes() {
    let server = TestServer::start();
    for (path, status) in [("/503.json", 503), ("/429.json", 429), ("/500.json", 500)] {
        server.set(path, b"finally".to_vec());
        server.set_behavior(path, Behavior::FailTimes { status, times: 2 });
        let mut f = retrying(3);
        assert_eq!(
            fetch_bytes(&mut f, &server.url(path), 100).unwrap(),
            b"finally"
        );
        assert_eq!(server.requests(path), 3, "{path}");
    }
}

#[test]
fn permanent_failures_are_not_retried() {
    let server = TestServer::start();
    server.set("/forbidden", b"x".to_vec());
    server.set_behavior("/forbidden", Behavior::Status(403));
    server.set("/big", vec![0u8; 1000]);
    server.set_behavior("/evil", Behavior::Redirect("file:///etc/passwd".into()));
    let mut f = retrying(3);
    let err = fetch_bytes(&mut f, &server.url("/missing.json"), 100).unwrap_err();
    assert_eq!(status_of(&err), Some(404));
    let err = fetch_bytes(&mut f, &server.url("/forbidden"), 100).unwrap_err();
    assert_eq!(status_of(&err), Some(403));
    let err = fetch_bytes(&mut f, &server.url("/big"), 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthExceeded);
    let err = fetch_bytes(&mut f, &server.url("/evil"), 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download);
    for path in ["/missing.json", "/forbidden", "/big", "/evil"] {
        assert_eq!(server.requests(path), 1, "{path}");
    }
}

#[test]
fn retries_run_out_with_the_last_status() {
    let server = TestServer::start();
    server.set("/down.json", b"never".to_vec());
    server.set_behavior(
        "/down.json",
        Behavior::FailTimes {
            status: 502,
            times: 100,
        },
    );
    let mut f = retrying(2);
    let err = fetch_bytes(&mut f, &server.url("/down.json"), 100).unwrap_err();
    assert_eq!(status_of(&err), Some(502));
    assert_eq!(server.requests("/down.json"), 3);
    // Without retries: one request.
    let mut once = fetcher(config());
    let err = fetch_bytes(&mut once, &server.url("/down.json"), 100).unwrap_err();
    assert_eq!(status_of(&err), Some(502));
    assert_eq!(server.requests("/down.json"), 4);
}

#[test]
fn a_refused_connection_is_transient() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut f = fetcher(config());
    let err = fetch_bytes(&mut f, &format!("http://127.0.0.1:{port}/x"), 100).unwrap_err();
    assert_eq!(status_of(&err), None, "{err}");
    assert!(f.is_transient(&err));
    let err = fetch_bytes(&mut f, "not a url", 100).unwrap_err();
    assert!(!f.is_transient(&err), "{err}");
}

#[test]
fn the_updater_retries_transient_failures_but_never_verification_failures() {
    let mut sim = Sim::new();
    sim.add_target("targets", "file.bin", b"target bytes");
    sim.update_snapshot();
    let c = Client::new("transport-retries", sim);
    let server = TestServer::start();
    serve(&server, &c.repo.sim());
    let updater = |retries: u32| {
        let mut config = over_http(c.bootstrap_config(), &server);
        config.fetcher = self::config();
        config.retry = RetryPolicy {
            retries,
            backoff: Duration::from_millis(10),
        };
        Updater::new(config).unwrap()
    };
    server.set_behavior(
        "/metadata/timestamp.json",
        Behavior::FailTimes {
            status: 503,
            times: 2,
        },
    );
    let mut u = updater(2);
    u.refresh().unwrap();
    assert_eq!(server.requests("/metadata/timestamp.json"), 3);

    // A timestamp that does not verify is fetched once, retries or not.
    let mut bad = server.get("/metadata/timestamp.json").unwrap();
    let at = bad.iter().position(|&b| b == b'1').unwrap();
    bad[at] = b'2';
    server.set("/metadata/timestamp.json", bad);
    server.set_behavior("/metadata/timestamp.json", Behavior::Normal);
    server.reset_counts();
    let err = updater(3).refresh().unwrap_err();
    assert_ne!(err.kind(), ErrorKind::Download, "{err}");
    assert_eq!(server.requests("/metadata/timestamp.json"), 1);
}
