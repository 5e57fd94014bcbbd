//! The transport settings against the process environment: a proxy from `http_proxy` is used
//! by default, and an explicit proxy setting (a URL, or "" for none) overrides it; with the
//! bundled libcurl, the system trust store comes from `SSL_CERT_FILE`, and configured CA
//! certificates replace it.
//!
//! Environment variables are process-wide, so this program has a single test that sets them
//! once, before any fetcher exists.

mod common;

use std::time::Duration;

use common::http::{tls_file, TestServer};
use common::proxy::TestProxy;
use tuf::fetch::{fetch_bytes, CurlFetcher, FetcherConfig, Pem};
use tuf::ErrorKind;

fn fetcher(proxy: Option<String>, ca: Option<Pem>) -> CurlFetcher {
    CurlFetcher::new(FetcherConfig {
        connect_timeout: Duration::from_secs(5),
        proxy,
        ca_certificates: ca,
        ..FetcherConfig::default()
    })
    .unwrap()
}

#[test]
fn explicit_settings_override_the_environment() {
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env_proxy = TestProxy::start();
    let explicit_proxy = TestProxy::start();
    let server = TestServer::start();
    server.set("/a.json", b"a".to_vec());
    let url = server.url("/a.json");
    // Environment changes are process-wide: this is the only test of this program, and no
    // other thread of it reads the environment (the servers' threads never do).
    std::env::set_var("http_proxy", env_proxy.url());
    for name in ["no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"] {
        std::env::remove_var(name);
    }
    std::env::set_var("SSL_CERT_FILE", tls_file("ca.pem"));
    std::env::remove_var("SSL_CERT_DIR");

    // The environment's proxy by default.
    let mut f = fetcher(None, None);
    assert_eq!(fetch_bytes(&mut f, &url, 10).unwrap(), b"a");
    assert_eq!(env_proxy.requests().len(), 1);
    assert_eq!(env_proxy.requests()[0].target, url);

    // An explicit proxy wins over the environment's.
    let mut f = fetcher(Some(explicit_proxy.url()), None);
    assert_eq!(fetch_bytes(&mut f, &url, 10).unwrap(), b"a");
    assert_eq!(explicit_proxy.requests().len(), 1);
    assert_eq!(env_proxy.requests().len(), 1);

    // "" means no proxy at all.
    let mut f = fetcher(Some(String::new()), None);
    assert_eq!(fetch_bytes(&mut f, &url, 10).unwrap(), b"a");
    assert_eq!(explicit_proxy.requests().len(), 1);
    assert_eq!(env_proxy.requests().len(), 1);
    assert_eq!(server.requests("/a.json"), 3);

    // A dead proxy in the environment fails the default fetcher only.
    std::env::set_var("http_proxy", format!("http://127.0.0.1:{dead_port}"));
    let err = fetch_bytes(&mut fetcher(None, None), &url, 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Download, "{err}");
    let mut f = fetcher(Some(String::new()), None);
    assert_eq!(fetch_bytes(&mut f, &url, 10).unwrap(), b"a");

    if cfg!(any(
        feature = "bundled-curl",
        feature = "bundled-curl-rustls"
    )) {
        // The system trust store (here SSL_CERT_FILE: the test CA) verifies the server, and a
        // configured CA replaces it rather than adding to it.
        let tls = TestServer::start_tls(false);
        tls.set("/t.json", b"t".to_vec());
        let url = tls.url("/t.json");
        let mut f = fetcher(Some(String::new()), None);
        assert_eq!(fetch_bytes(&mut f, &url, 10).unwrap(), b"t");
        for ca in [
            Pem::File(tls_file("other-ca.pem")),
            Pem::Memory(std::fs::read(tls_file("other-ca.pem")).unwrap()),
        ] {
            let mut f = fetcher(Some(String::new()), Some(ca));
            let err = fetch_bytes(&mut f, &url, 10).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Download, "{err}");
        }
        assert_eq!(tls.requests("/t.json"), 1);
    } else {
        eprintln!(
            "the system libcurl has its own trust store configuration: the replacement of \
             the system store is not tested with it"
        );
    }
}
