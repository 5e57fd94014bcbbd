//! `file://` URLs: whether libcurl could not open one because its file was missing (reported
//! as HTTP 404).

/// Whether libcurl's failure to open the `file://` URL `url` means that its file was missing:
/// its path does not exist; or it does by now, as a regular file that this process opens,
/// which can only mean that it appeared after libcurl looked (a repository publishing while
/// it is read, each file renamed into place: libcurl reports only that it could not open the
/// file, not why). A path that exists but cannot be opened (permissions, no file descriptor
/// left) or is not a regular file is not missing: its failure is an error.
pub(super) fn file_url_was_missing(url: &str) -> bool {
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
        // Opened without blocking, and never through a link: only to see whether it can be.
        Ok(m) if m.is_file() => {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            rustix::fs::open(&path, flags, Mode::empty()).is_ok()
        }
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
        assert!(file_url_was_missing(
            "file:///nonexistent-libtuf-dir/x.json"
        ));
        assert!(file_url_was_missing(
            "FILE://localhost/nonexistent-libtuf-dir/x"
        ));
        assert!(!file_url_was_missing("file:///"));
        assert!(!file_url_was_missing("http://example.com/x"));
        assert!(!file_url_was_missing("file://"));
    }

    #[test]
    fn a_file_there_by_now_was_missing_when_libcurl_looked() {
        let dir = std::env::temp_dir().join(format!("libtuf-file-url-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("2.root.json");
        std::fs::write(&file, b"{}").unwrap();
        let url = format!("file://{}", file.display());
        assert!(file_url_was_missing(&url));
        // Not a regular file: a directory, a link to the file.
        assert!(!file_url_was_missing(&format!("file://{}", dir.display())));
        let link = dir.join("link.json");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(!file_url_was_missing(&format!("file://{}", link.display())));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
