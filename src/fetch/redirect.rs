//! Redirects the libcurl fetcher follows itself: which URLs it may follow, and whether a URL is
//! on the origin (scheme, host, port) of the URL first asked for, so that custom headers are
//! never sent to another host.

/// Whether `url` is an `http` or `https` URL: the only schemes a redirect may lead to (a
/// server must never make the client read a local file).
pub(super) fn is_http_url(url: &str) -> bool {
    scheme_rest(url).is_some()
}

/// The scheme (lowercase) and what follows `://`, for http and https URLs.
fn scheme_rest(url: &str) -> Option<(&'static str, &str)> {
    for (scheme, prefix) in [("http", "http://"), ("https", "https://")] {
        if let Some(head) = url.get(..prefix.len()) {
            if head.eq_ignore_ascii_case(prefix) {
                return Some((scheme, &url[prefix.len()..]));
            }
        }
    }
    None
}

/// The origin of an http or https URL: scheme, host and port, lowercase, with the scheme's
/// default port filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Origin {
    scheme: &'static str,
    host: String,
    port: u16,
}

/// The origin of `url`, or `None` when it is not an http or https URL or its authority holds
/// anything unusual (a percent escape, a backslash, white space, a control or non-ASCII
/// character, a malformed port or IPv6 literal). `None` never equals an origin, so an unusual
/// URL counts as another host: parsing errs on the side of not sending headers.
pub(super) fn origin(url: &str) -> Option<Origin> {
    let (scheme, rest) = scheme_rest(url)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority
        .bytes()
        .any(|b| !b.is_ascii_graphic() || b == b'%' || b == b'\\')
    {
        return None;
    }
    // Userinfo (`user:password@`) is not part of the origin.
    let host_port = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let close = v6.find(']')?;
        let host = &host_port[..close + 2];
        (host, &v6[close + 1..])
    } else {
        match host_port.find(':') {
            Some(i) => (&host_port[..i], &host_port[i..]),
            None => (host_port, ""),
        }
    };
    if host.is_empty() || host.contains(['@', '[', ']']) && !host.starts_with('[') {
        return None;
    }
    let port = match port {
        "" | ":" => default_port(scheme),
        p => {
            let digits = p.strip_prefix(':')?;
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            digits.parse().ok()?
        }
    };
    Some(Origin {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

fn default_port(scheme: &str) -> u16 {
    if scheme == "https" {
        443
    } else {
        80
    }
}

/// Whether `url` is on `first`, the origin of the first URL of a fetch (`None` when that had
/// none: then nothing is).
pub(super) fn same_origin(first: Option<&Origin>, url: &str) -> bool {
    match (first, origin(url)) {
        (Some(a), Some(b)) => *a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(url: &str) -> Option<(String, String, u16)> {
        origin(url).map(|o| (o.scheme.to_string(), o.host, o.port))
    }

    #[test]
    fn origins() {
        let t = |s: &str, h: &str, p: u16| Some((s.to_string(), h.to_string(), p));
        assert_eq!(o("http://Example.COM/a"), t("http", "example.com", 80));
        assert_eq!(
            o("HTTPS://example.com:8443"),
            t("https", "example.com", 8443)
        );
        assert_eq!(o("https://example.com:/x"), t("https", "example.com", 443));
        assert_eq!(o("http://user:pw@host:81?q"), t("http", "host", 81));
        assert_eq!(o("http://a@b@host#f"), t("http", "host", 80));
        assert_eq!(o("http://[::1]:8080/x"), t("http", "[::1]", 8080));
        assert_eq!(o("http://[::1]/x"), t("http", "[::1]", 80));
        for bad in [
            "file:///etc/passwd",
            "ftp://host/",
            "http://",
            "http:///path",
            "http://host:99999/",
            "http://host:8o/",
            "http://host:-1/",
            "http://ho%73t/",
            "http://host\\@evil/",
            "http://ho st/",
            "http://[::1/",
            "http://[::1]x/",
            "http://hôst/",
            "http://:80/",
        ] {
            assert_eq!(o(bad), None, "{bad}");
        }
    }

    #[test]
    fn same_origin_needs_scheme_host_and_port() {
        let first = origin("http://127.0.0.1:8080/metadata/root.json");
        let first = first.as_ref();
        assert!(same_origin(first, "http://127.0.0.1:8080/other"));
        assert!(same_origin(first, "HTTP://127.0.0.1:8080"));
        assert!(!same_origin(
            first,
            "http://127.0.0.1:8081/metadata/root.json"
        ));
        assert!(!same_origin(first, "https://127.0.0.1:8080/"));
        assert!(!same_origin(first, "http://localhost:8080/"));
        assert!(!same_origin(first, "http://127.0.0.1:8080.evil.example/"));
        assert!(!same_origin(first, "http://127.0.0.1:8080@evil.example/"));
        assert!(same_origin(origin("http://h/").as_ref(), "http://h:80/x"));
        assert!(!same_origin(None, "http://h/"));
    }

    #[test]
    fn only_http_and_https_redirects() {
        assert!(is_http_url("http://h/x"));
        assert!(is_http_url("HTTPS://h/x"));
        assert!(!is_http_url("file:///etc/passwd"));
        assert!(!is_http_url("ftp://h/x"));
        assert!(!is_http_url("httpx://h"));
        assert!(!is_http_url("http:/h"));
    }
}
