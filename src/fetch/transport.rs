//! Transport settings of the libcurl fetcher besides its limits: the CA certificates to trust,
//! a client certificate (mutual TLS), an explicit proxy and custom request headers. How each
//! is checked ([`FetcherConfig::validate`](super::FetcherConfig::validate)) and applied to a
//! libcurl handle, with the protocol restrictions and the system's CA certificates.

use std::ffi::CStr;
use std::fmt;
use std::os::raw::{c_char, c_long};
use std::path::PathBuf;

use curl::easy::{Easy, List};

use crate::error::{excerpt, Error, Result};

/// PEM data, in a file or in memory.
#[derive(Clone, PartialEq, Eq)]
pub enum Pem {
    /// A PEM file, read by libcurl when it connects.
    File(PathBuf),
    /// PEM bytes (copied into libcurl when the fetcher is created).
    Memory(Vec<u8>),
}

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::File(path) => f.debug_tuple("File").field(path).finish(),
            // May be a private key: never printed.
            Pem::Memory(bytes) => write!(f, "Memory(<{} bytes>)", bytes.len()),
        }
    }
}

/// A client certificate and its private key, presented to HTTPS servers that ask for one
/// (mutual TLS).
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    /// The certificate (PEM; it may be followed by intermediate certificates).
    pub certificate: Pem,
    /// The private key (PEM). `None`: the key follows the certificate in the same PEM.
    pub key: Option<Pem>,
    /// The password of an encrypted private key.
    pub key_password: Option<String>,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("certificate", &self.certificate)
            .field("key", &self.key)
            .field(
                "key_password",
                &self.key_password.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Proxy URL schemes accepted by [`FetcherConfig::proxy`](super::FetcherConfig::proxy).
const PROXY_SCHEMES: [&str; 6] = [
    "http://",
    "https://",
    "socks4://",
    "socks4a://",
    "socks5://",
    "socks5h://",
];

/// Header names that libtuf or libcurl manage, refused as custom headers: the connection and
/// message framing (`Host`, `Content-Length`, `Transfer-Encoding`, `TE`, `Connection`,
/// `Keep-Alive`, `Upgrade`, `Expect`), the body as the repository stores it (`Range`,
/// `Accept-Encoding`: lengths and hashes are of the whole raw file), `User-Agent` (its own
/// setting) and `Proxy-Authorization` (proxy credentials go in the proxy URL: a custom header
/// would reach the server behind an HTTPS proxy).
const RESERVED_HEADERS: [&str; 12] = [
    "host",
    "content-length",
    "transfer-encoding",
    "te",
    "connection",
    "keep-alive",
    "upgrade",
    "expect",
    "range",
    "accept-encoding",
    "user-agent",
    "proxy-authorization",
];

/// The most custom headers, and the longest name plus value of one.
pub(super) const MAX_HEADERS: usize = 64;
pub(super) const MAX_HEADER_LEN: usize = 8192;

fn invalid(msg: String) -> Error {
    Error::InvalidArgument(msg)
}

/// Whether `b` may appear in an HTTP header name (a token, RFC 9110 5.6.2).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Checks one custom header: the name is an HTTP token and not reserved; the value has no
/// control character but tab (so no CR, LF or NUL: nothing can be injected), no leading or
/// trailing white space (it is sent exactly as given) and is not empty.
pub(super) fn check_header(name: &str, value: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(invalid(format!(
            "header name {} is not an HTTP token",
            excerpt(name)
        )));
    }
    if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(invalid(format!(
            "header {name} is managed by libtuf and cannot be set"
        )));
    }
    if name.len() + value.len() > MAX_HEADER_LEN {
        return Err(invalid(format!(
            "header {name} is longer than {MAX_HEADER_LEN} bytes"
        )));
    }
    if value.is_empty() {
        return Err(invalid(format!("header {name} has an empty value")));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid(format!(
            "header {name}: the value must not contain control characters"
        )));
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        return Err(invalid(format!(
            "header {name}: the value must not start or end with white space"
        )));
    }
    Ok(())
}

/// Checks a proxy setting: `""` (no proxy) or a URL with an http, https, socks4, socks4a,
/// socks5 or socks5h scheme, a host, and no white space or control character.
pub(super) fn check_proxy(proxy: &str) -> Result<()> {
    if proxy.is_empty() {
        return Ok(());
    }
    let lower = proxy.to_ascii_lowercase();
    let Some(scheme) = PROXY_SCHEMES.iter().find(|s| lower.starts_with(*s)) else {
        return Err(invalid(format!(
            "proxy {} must start with http://, https://, socks4://, socks4a://, socks5:// or \
             socks5h://",
            excerpt(proxy)
        )));
    };
    if proxy.len() > 2048 || proxy.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(format!(
            "proxy {} contains white space or control characters, or is too long",
            excerpt(proxy)
        )));
    }
    let rest = &proxy[scheme.len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(invalid(format!("proxy {} has no host", excerpt(proxy))));
    }
    Ok(())
}

/// Checks PEM data for `what`: a file path that is not empty, or bytes with a PEM header.
/// Whether the file exists is checked when the fetcher is created ([`check_files`]).
pub(super) fn check_pem(pem: &Pem, what: &str) -> Result<()> {
    match pem {
        Pem::File(path) if path.as_os_str().is_empty() => {
            Err(invalid(format!("{what}: the file name is empty")))
        }
        Pem::File(_) => Ok(()),
        Pem::Memory(bytes) => {
            if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
                Ok(())
            } else {
                Err(invalid(format!("{what}: not PEM data")))
            }
        }
    }
}

/// Checks a client certificate setting.
pub(super) fn check_client_certificate(cert: &ClientCertificate) -> Result<()> {
    check_pem(&cert.certificate, "client certificate")?;
    if let Some(key) = &cert.key {
        check_pem(key, "client key")?;
    }
    if let Some(password) = &cert.key_password {
        if password.contains('\0') {
            return Err(invalid("the key password contains a NUL byte".into()));
        }
        if RUSTLS {
            return Err(invalid(
                "a key password was given, but this libtuf's TLS (rustls) reads no encrypted \
                 client key: decrypt the key, or use a libtuf built with OpenSSL"
                    .into(),
            ));
        }
    }
    let in_memory = |pem: &Pem| matches!(pem, Pem::Memory(_));
    if RUSTLS && (in_memory(&cert.certificate) || cert.key.as_ref().is_some_and(in_memory)) {
        return Err(invalid(
            "this libtuf's TLS (rustls) reads a client certificate and its key from files \
             only: give file names, or use a libtuf built with OpenSSL"
                .into(),
        ));
    }
    Ok(())
}

/// The bundled libcurl's TLS is rustls (feature `bundled-curl-rustls`): libcurl then reads a
/// client certificate and its key from files only, and no encrypted key.
const RUSTLS: bool = cfg!(feature = "bundled-curl-rustls");

/// Checks that the PEM files named exist and are files, so that a wrong path fails when the
/// fetcher is created rather than at the first HTTPS connection.
pub(super) fn check_files(files: &[(&Pem, &str)]) -> Result<()> {
    for (pem, what) in files {
        if let Pem::File(path) = pem {
            match std::fs::metadata(path) {
                Ok(m) if m.is_file() => {}
                Ok(_) => {
                    return Err(invalid(format!("{what} {} is not a file", path.display())));
                }
                Err(e) => return Err(invalid(format!("{what} {}: {e}", path.display()))),
            }
        }
    }
    Ok(())
}

type Setup = std::result::Result<(), String>;

fn curl_err(e: curl::Error) -> String {
    e.to_string()
}

/// Trusts only the certificates of `ca` (in place of the system's trust store): libcurl's CA
/// file or blob, and no CA directory.
pub(super) fn apply_ca(easy: &mut Easy, ca: &Pem) -> Setup {
    match ca {
        Pem::File(path) => easy.cainfo(path).map_err(curl_err)?,
        Pem::Memory(bytes) => easy.ssl_cainfo_blob(bytes).map_err(curl_err)?,
    }
    // NULL restores "no CA directory", which libcurl documents. With rustls, libcurl has no
    // CA directory option (setting it fails) and none was set: set_ca_certificates sets the
    // system store another way.
    if RUSTLS {
        return Ok(());
    }
    clear_string_option(easy, curl_sys::CURLOPT_CAPATH, "clear the CA directory")
}

/// Presents `cert` to servers asking for a client certificate.
pub(super) fn apply_client_certificate(easy: &mut Easy, cert: &ClientCertificate) -> Setup {
    match &cert.certificate {
        Pem::File(path) => easy.ssl_cert(path).map_err(curl_err)?,
        Pem::Memory(bytes) => easy.ssl_cert_blob(bytes).map_err(curl_err)?,
    }
    easy.ssl_cert_type("PEM").map_err(curl_err)?;
    match &cert.key {
        Some(Pem::File(path)) => easy.ssl_key(path).map_err(curl_err)?,
        Some(Pem::Memory(bytes)) => easy.ssl_key_blob(bytes).map_err(curl_err)?,
        // OpenSSL reads the key from the certificate's PEM when no key is given; libcurl's
        // rustls needs the key named, which may be the same file.
        None => match &cert.certificate {
            Pem::File(path) if RUSTLS => easy.ssl_key(path).map_err(curl_err)?,
            _ => {}
        },
    }
    easy.ssl_key_type("PEM").map_err(curl_err)?;
    if let Some(password) = &cert.key_password {
        easy.key_password(password).map_err(curl_err)?;
    }
    Ok(())
}

/// Uses `proxy` for every request: `""` disables proxies (the environment's too); a URL is
/// used for every host (`no_proxy` of the environment is not read then).
pub(super) fn apply_proxy(easy: &mut Easy, proxy: &str) -> Setup {
    easy.proxy(proxy).map_err(curl_err)?;
    if !proxy.is_empty() {
        easy.noproxy("").map_err(curl_err)?;
    }
    Ok(())
}

/// The bundled libcurl knows no CA certificates of its own: use the system's, where OpenSSL
/// installations keep them (`SSL_CERT_FILE` and `SSL_CERT_DIR` first), as the system libcurl
/// would: for the servers unless `servers` is false (CA certificates are configured), and for
/// an HTTPS proxy.
#[cfg(all(feature = "bundled-curl", not(feature = "bundled-curl-rustls")))]
pub(super) fn set_ca_certificates(
    easy: &mut Easy,
    servers: bool,
) -> std::result::Result<(), String> {
    let e = |err: curl::Error| err.to_string();
    let probe = openssl_probe::probe();
    if let Some(file) = probe.cert_file {
        if servers {
            easy.cainfo(&file).map_err(e)?;
        }
        if let Some(file) = file.to_str() {
            easy.proxy_cainfo(file).map_err(e)?;
        }
    }
    if let Some(dir) = probe.cert_dir.first() {
        if servers {
            easy.capath(dir).map_err(e)?;
        }
        easy.proxy_capath(dir).map_err(e)?;
    }
    Ok(())
}

/// The bundled libcurl with rustls: the system's trust store through libcurl's "native CA"
/// option (rustls-platform-verifier, which reads `SSL_CERT_FILE` and `SSL_CERT_DIR` first,
/// else where OpenSSL installations keep the certificates), for the servers unless `servers`
/// is false (CA certificates are configured: they replace the system's), and for an HTTPS
/// proxy. The store is read when a TLS connection is made, never at start-up.
#[cfg(feature = "bundled-curl-rustls")]
pub(super) fn set_ca_certificates(
    easy: &mut Easy,
    servers: bool,
) -> std::result::Result<(), String> {
    let e = |err: curl::Error| err.to_string();
    let mut native = curl::easy::SslOpt::new();
    native.native_ca(true);
    if servers {
        easy.ssl_options(&native).map_err(e)?;
    }
    easy.proxy_ssl_options(&native).map_err(e)?;
    Ok(())
}

/// The system libcurl has its own CA configuration.
#[cfg(not(any(feature = "bundled-curl", feature = "bundled-curl-rustls")))]
pub(super) fn set_ca_certificates(
    _easy: &mut Easy,
    _servers: bool,
) -> std::result::Result<(), String> {
    Ok(())
}

/// `CURLOPT_PROTOCOLS_STR` and `CURLOPT_REDIR_PROTOCOLS_STR` (libcurl 7.85 and later), which
/// curl-sys does not define.
const CURLOPT_PROTOCOLS_STR: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 318;
const CURLOPT_REDIR_PROTOCOLS_STR: curl_sys::CURLoption = curl_sys::CURLOPTTYPE_OBJECTPOINT + 319;

/// Allows http, https and file for requests, and only http and https for redirects. Uses the
/// string options where libcurl has them and the (deprecated but still supported) bitmask
/// options otherwise. Fails if neither works: the fetcher is never used unrestricted.
pub(super) fn restrict_protocols(easy: &mut Easy) -> std::result::Result<(), String> {
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

/// Asks for the bytes from `offset` on (`CURLOPT_RANGE` `OFFSET-`: a `Range` header for
/// HTTP, a seek for `file://`), or for the whole file when `offset` is 0.
pub(super) fn set_range(easy: &mut Easy, offset: u64) -> Setup {
    if offset > 0 {
        return easy.range(&format!("{offset}-")).map_err(curl_err);
    }
    // NULL turns ranges off, which libcurl documents (an empty string would still send a
    // Range header).
    clear_string_option(easy, curl_sys::CURLOPT_RANGE, "turn ranges off")
}

/// Sets the string option `option` of `easy` to NULL (which the curl crate cannot do), for
/// `what` the error message names.
fn clear_string_option(easy: &mut Easy, option: curl_sys::CURLoption, what: &str) -> Setup {
    // SAFETY: `easy.raw()` is the live handle owned by `easy`; the callers pass options that
    // take a `char *`, for which NULL is a valid value.
    let rc = unsafe { curl_sys::curl_easy_setopt(easy.raw(), option, std::ptr::null::<c_char>()) };
    if rc == curl_sys::CURLE_OK {
        Ok(())
    } else {
        Err(format!("cannot {what} (libcurl error {rc})"))
    }
}

/// The header list for a request: `headers` when `send` is true, else none.
pub(super) fn header_list(
    headers: &[(String, String)],
    send: bool,
) -> std::result::Result<List, curl::Error> {
    let mut list = List::new();
    if send {
        for (name, value) in headers {
            list.append(&format!("{name}: {value}"))?;
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert!(check_header("Authorization", "Bearer abc").is_ok());
        assert!(check_header("X-Api-Key", "a\tb").is_ok());
        for (name, value) in [
            ("", "v"),
            ("Bad Name", "v"),
            ("Bad:Name", "v"),
            ("Naïve", "v"),
            ("Host", "evil.example"),
            ("content-length", "5"),
            ("Range", "bytes=0-1"),
            ("Accept-Encoding", "gzip"),
            ("User-Agent", "x"),
            ("Proxy-Authorization", "Basic x"),
            ("X-A", ""),
            ("X-A", "a\r\nX-Injected: 1"),
            ("X-A", "a\nb"),
            ("X-A", "a\0b"),
            ("X-A", " padded"),
            ("X-A", "padded\t"),
        ] {
            let r = check_header(name, value);
            assert!(
                matches!(r, Err(Error::InvalidArgument(_))),
                "{name:?}: {value:?}"
            );
        }
        let long = "v".repeat(MAX_HEADER_LEN);
        assert!(check_header("X-A", &long).is_err());
    }

    #[test]
    fn proxies() {
        for ok in [
            "",
            "http://proxy:3128",
            "HTTPS://proxy.example",
            "socks5h://user:pw@127.0.0.1:1080",
            "socks4://[::1]:1080",
        ] {
            assert!(check_proxy(ok).is_ok(), "{ok}");
        }
        for bad in [
            "proxy:3128",
            "ftp://proxy",
            "file:///tmp/x",
            "http://",
            "http://user@",
            "http://:3128",
            "http://proxy :3128",
            "http://proxy\r\n",
        ] {
            assert!(check_proxy(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pem_and_debug_redaction() {
        assert!(check_pem(
            &Pem::Memory(b"-----BEGIN CERTIFICATE-----\n".to_vec()),
            "ca"
        )
        .is_ok());
        assert!(check_pem(&Pem::Memory(b"not pem".to_vec()), "ca").is_err());
        assert!(check_pem(&Pem::Memory(Vec::new()), "ca").is_err());
        assert!(check_pem(&Pem::File(PathBuf::new()), "ca").is_err());
        let cert = ClientCertificate {
            certificate: Pem::File("/c.pem".into()),
            key: Some(Pem::Memory(b"-----BEGIN PRIVATE KEY----- secret".to_vec())),
            key_password: Some("hunter2".into()),
        };
        let shown = format!("{cert:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("hunter2"),
            "{shown}"
        );
        // rustls reads neither a key in memory nor an encrypted one (integration tests).
        assert_eq!(check_client_certificate(&cert).is_ok(), !RUSTLS);
        let bad = ClientCertificate {
            key_password: Some("a\0b".into()),
            ..cert
        };
        assert!(check_client_certificate(&bad).is_err());
        assert!(check_files(&[(&Pem::File("/nonexistent/ca.pem".into()), "CA file")]).is_err());
        assert!(check_files(&[(&Pem::File("/".into()), "CA file")]).is_err());
    }
}
