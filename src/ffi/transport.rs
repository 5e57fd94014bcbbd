//! `tuf_updater_config`: the transport settings of the built-in libcurl fetcher (CA
//! certificates, client certificate, proxy, headers) and the retries of every fetcher.

use std::ffi::c_char;
use std::time::Duration;

use super::args::{self, bytes_arg, opt_str_arg, str_arg};
use super::config::{tuf_updater_config, update_settings};
use super::error::{tuf_error, tuf_result};
use crate::fetch::{ClientCertificate, Pem, RetryPolicy};

/// A PEM buffer argument: `None` when `len` is 0.
fn pem_arg(data: *const u8, len: usize, name: &str) -> Result<Option<Pem>, tuf_error> {
    let bytes = bytes_arg(data, len, name)?;
    Ok((!bytes.is_empty()).then(|| Pem::Memory(bytes.to_vec())))
}

/// Sets the CA certificates that HTTPS servers are verified against, from the PEM file `path`
/// (one or more certificates), **in place of** the system's trust store. NULL: the system's
/// trust store again (the default). Replaces a CA set by `tuf_updater_config_set_ca_blob`.
///
/// The path is copied. The file is read by the built-in fetcher when it connects;
/// `tuf_updater_new` fails with `TUF_ERR_INVALID_ARGUMENT` if it does not exist then. A
/// server whose certificate it does not verify fails the download with `TUF_ERR_DOWNLOAD`.
/// Like every transport setting, it is ignored when a fetch callback replaces the built-in
/// fetcher (`tuf_updater_config_set_fetcher`).
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config`, invalid UTF-8 or an empty path.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_ca_file(
    config: *mut tuf_updater_config,
    path: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.fetcher.ca_certificates = opt_str_arg(path, "path")?.map(|p| Pem::File(p.into()));
        Ok(())
    })
}

/// Sets the CA certificates that HTTPS servers are verified against, as `len` bytes of PEM
/// at `pem` (one or more certificates), **in place of** the system's trust store. `len` 0
/// (`pem` may then be NULL): the system's trust store again (the default). Replaces a CA set
/// by `tuf_updater_config_set_ca_file`. The bytes are copied.
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config`, a NULL `pem` with a non-zero
/// `len`, or bytes that are not PEM. Ignored with a fetch callback, as
/// `tuf_updater_config_set_ca_file`.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_ca_blob(
    config: *mut tuf_updater_config,
    pem: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.fetcher.ca_certificates = pem_arg(pem, len, "pem")?;
        Ok(())
    })
}

/// Sets the client certificate presented to HTTPS servers that ask for one (mutual TLS):
/// the PEM file `cert_path` (the certificate, possibly followed by intermediates) and the PEM
/// file `key_path` with its private key (NULL: the key follows the certificate in
/// `cert_path`), encrypted with `key_password` (NULL: not encrypted). `cert_path` NULL: no
/// client certificate (the default; `key_path` and `key_password` must then be NULL).
/// Replaces a client certificate set before, by this function or
/// `tuf_updater_config_set_client_cert_blob`.
///
/// The strings are copied. The files are read by the built-in fetcher when it connects;
/// `tuf_updater_new` fails with `TUF_ERR_INVALID_ARGUMENT` if one does not exist then. An
/// unreadable key, a wrong password or a server refusing the certificate fails the download
/// with `TUF_ERR_DOWNLOAD`. The certificate is presented to every HTTPS server of a
/// download, redirect targets included. Ignored with a fetch callback.
///
/// A libtuf whose bundled libcurl uses rustls (built with `-DTUF_TLS=rustls`) reads no
/// encrypted key: `tuf_updater_new` then fails with `TUF_ERR_INVALID_ARGUMENT` when a
/// `key_password` is set.
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config`, invalid UTF-8, an empty path, or
/// a key or password without a certificate.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_client_cert(
    config: *mut tuf_updater_config,
    cert_path: *const c_char,
    key_path: *const c_char,
    key_password: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        let cert = opt_str_arg(cert_path, "cert_path")?;
        let key = opt_str_arg(key_path, "key_path")?;
        let password = opt_str_arg(key_password, "key_password")?;
        c.fetcher.client_certificate = client_certificate(
            cert.map(|p| Pem::File(p.into())),
            key.map(|p| Pem::File(p.into())),
            password,
        )?;
        Ok(())
    })
}

/// Sets the client certificate presented to HTTPS servers that ask for one (mutual TLS) from
/// memory: `cert_len` bytes of PEM at `cert` (the certificate, possibly followed by
/// intermediates) and `key_len` bytes of PEM at `key` with its private key (`key_len` 0: the
/// key follows the certificate in `cert`), encrypted with `key_password` (NULL: not
/// encrypted). `cert_len` 0: no client certificate (the default; `key_len` must then be 0 and
/// `key_password` NULL). Replaces a client certificate set before. The bytes and the
/// password are copied; libtuf does not print them in any message.
///
/// A libtuf whose bundled libcurl uses rustls (built with `-DTUF_TLS=rustls`) reads client
/// certificates and keys from files only, and no encrypted key: `tuf_updater_new` then fails
/// with `TUF_ERR_INVALID_ARGUMENT` for a client certificate set by this function.
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config`, a NULL buffer with a non-zero
/// length, bytes that are not PEM, invalid UTF-8 in `key_password`, or a key or password
/// without a certificate. Ignored with a fetch callback, as
/// `tuf_updater_config_set_client_cert`.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_client_cert_blob(
    config: *mut tuf_updater_config,
    cert: *const u8,
    cert_len: usize,
    key: *const u8,
    key_len: usize,
    key_password: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        let cert = pem_arg(cert, cert_len, "cert")?;
        let key = pem_arg(key, key_len, "key")?;
        let password = opt_str_arg(key_password, "key_password")?;
        c.fetcher.client_certificate = client_certificate(cert, key, password)?;
        Ok(())
    })
}

fn client_certificate(
    certificate: Option<Pem>,
    key: Option<Pem>,
    password: Option<&str>,
) -> Result<Option<ClientCertificate>, tuf_error> {
    match certificate {
        None if key.is_some() || password.is_some() => Err(args::invalid(
            "a client key or key password without a client certificate",
        )),
        None => Ok(None),
        Some(certificate) => Ok(Some(ClientCertificate {
            certificate,
            key,
            key_password: password.map(Into::into),
        })),
    }
}

/// Sets the proxy of the built-in fetcher. NULL (the default): the environment decides, as
/// libcurl reads it (`http_proxy` (lowercase only), `https_proxy`, `all_proxy`, `no_proxy`).
/// "" (empty): no proxy, whatever the environment says. A URL: every request goes through
/// that proxy, whatever the environment says (`no_proxy` included): `http://`, `https://`,
/// `socks4://`, `socks4a://`, `socks5://` or `socks5h://`, with `user:password@` for
/// credentials, e.g. `http://proxy.example:3128`. An `https://` proxy's own certificate is
/// verified against the system's trust store. The string is copied.
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config`, invalid UTF-8, another scheme or
/// none, no host, or white space or control characters. An unreachable proxy fails downloads
/// with `TUF_ERR_DOWNLOAD`. Ignored with a fetch callback.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_proxy(
    config: *mut tuf_updater_config,
    proxy: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.fetcher.proxy = opt_str_arg(proxy, "proxy")?.map(Into::into);
        Ok(())
    })
}

/// Adds the header `name: value` to every request of the built-in fetcher, e.g.
/// `Authorization` for a private repository. Headers are sent in the order added; adding a
/// name twice sends it twice. They are sent only to the origin (scheme, host and port) of
/// each URL libtuf asks for: once a redirect leads elsewhere (even to the same host on
/// another port, or `localhost` for `127.0.0.1`), they are left out of that request and of
/// every later one of the same download. A plain `http://` request through a proxy shows them
/// to the proxy. The strings are copied; libtuf does not print values in any message.
///
/// Rules: `name` is an HTTP token (letters, digits and ``!#$%&'*+-.^_`|~``); `value` is not
/// empty, has no control character but tab (no CR, LF or NUL: no header can be injected) and
/// no leading or trailing white space; at most 64 headers of at most 8192 bytes each. Headers
/// libtuf manages are refused: `Host`, `Content-Length`, `Transfer-Encoding`, `TE`,
/// `Connection`, `Keep-Alive`, `Upgrade`, `Expect`, `Range`, `Accept-Encoding` (lengths and
/// hashes are of the whole raw file), `User-Agent` (see `tuf_updater_config_set_user_agent`)
/// and `Proxy-Authorization` (put proxy credentials in the proxy URL).
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL argument, invalid UTF-8 or a header the rules
/// refuse (the configuration is then unchanged). Ignored with a fetch callback.
#[no_mangle]
pub extern "C" fn tuf_updater_config_add_header(
    config: *mut tuf_updater_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        let name = str_arg(name, "name")?;
        let value = str_arg(value, "value")?;
        c.fetcher.headers.push((name.into(), value.into()));
        Ok(())
    })
}

/// Removes every header added with `tuf_updater_config_add_header`.
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config`.
#[no_mangle]
pub extern "C" fn tuf_updater_config_clear_headers(
    config: *mut tuf_updater_config,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.fetcher.headers.clear();
        Ok(())
    })
}

/// Sets how often a download that failed for a transient reason is tried again: up to
/// `count` more times (default 0: never; at most 100), waiting `backoff_ms` milliseconds
/// before the first retry and twice as long before each next one, at most 30000 ms (
/// `backoff_ms` at most 30000; 0 retries at once).
///
/// Transient: a connection that could not be made or broke off (refused, reset, a name that
/// did not resolve, a proxy unreachable), HTTP 429 and 5xx; with a fetch callback, a return
/// value of 429 or 500-599, or a failure without a status (see `tuf_fetch_callback`). Never
/// retried: other HTTP statuses (a 404 stays a 404), `TUF_ERR_LENGTH_EXCEEDED`,
/// `TUF_ERR_SLOW_RETRIEVAL` (the speed limits bound how long a transfer may take), a
/// certificate that does not verify, a refused redirect, a cancellation, anything the
/// verification of the bytes finds, and a download that already delivered bytes. It applies
/// to the built-in fetcher and to fetch callbacks alike. While it waits, the progress
/// callback (`tuf_updater_config_set_progress_callback`) is called about once a second and
/// can cancel. A download whose retries run out fails with the last error.
///
/// Errors: `TUF_ERR_INVALID_ARGUMENT` for a NULL `config` or a value above its bound.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_retries(
    config: *mut tuf_updater_config,
    count: u32,
    backoff_ms: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.retry = RetryPolicy {
            retries: count,
            backoff: Duration::from_millis(backoff_ms.into()),
        };
        Ok(())
    })
}
