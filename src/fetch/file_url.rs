//! `file://` URLs: whether one names a path that does not exist (reported as HTTP 404).

/// Whether `url` is a `file://` URL whose path does not exist (as opposed to existing but
/// being unreadable).
pub(super) fn file_url_is_missing(url: &str) -> bool {
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

pub(super) fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
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
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%2Fb").as_deref(), Some(&b"/a/b"[..]));
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/a%zz"), None);
        assert_eq!(percent_decode("/a%00"), None);
        assert_eq!(percent_decode("/plain").as_deref(), Some(&b"/plain"[..]));
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
