//! Target path hashing and `path_hash_prefixes` matching (digest 4.2).
//!
//! Pure functions of their arguments: no I/O and no panics on any input.

/// SHA-256 of the UTF-8 bytes of a target path (digest 4.2, 4.3).
pub fn target_path_hash(target: &str) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, target.as_bytes());
    let mut out = [0u8; 32];
    for (o, b) in out.iter_mut().zip(digest.as_ref()) {
        *o = *b;
    }
    out
}

/// Lowercase hex SHA-256 of the UTF-8 bytes of a target path (digest 4.2).
pub fn target_path_hash_hex(target: &str) -> String {
    crate::crypto::hex::encode(&target_path_hash(target))
}

/// Does the lowercase hex digest `target_hash_hex` start with `prefix`? (digest 4.2, item 31)
///
/// A plain string prefix test, as python-tuf's `str.startswith`: an uppercase prefix never
/// matches a lowercase digest, and an empty prefix matches every digest.
pub fn path_hash_prefix_matches(target_hash_hex: &str, prefix: &str) -> bool {
    target_hash_hex.starts_with(prefix)
}

/// Is `target` covered by any of `prefixes`? The `path_hash_prefixes` branch of python-tuf's
/// `DelegatedRole.is_delegated_path` (digest 4.2). The hash is computed once.
pub fn matches_any_hash_prefix(target: &str, prefixes: &[String]) -> bool {
    if prefixes.is_empty() {
        return false;
    }
    let hex = target_path_hash_hex(target);
    prefixes.iter().any(|p| path_hash_prefix_matches(&hex, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Digest 4.2: sha256("file1.txt") = 55ae75d9..., `55`/`56` match, `5a` does not.
    #[test]
    fn hash_prefix_example() {
        let hex = target_path_hash_hex("file1.txt");
        assert_eq!(
            hex,
            "55ae75d991c770d8f3ef07cbfde124ffce9c420da5db6203afab700b27e10cf9"
        );
        assert_eq!(target_path_hash("file1.txt")[..4], [0x55, 0xae, 0x75, 0xd9]);
        assert!(path_hash_prefix_matches(&hex, "55"));
        assert!(!path_hash_prefix_matches(&hex, "56"));
        assert!(!path_hash_prefix_matches(&hex, "5a"));
        assert!(matches_any_hash_prefix(
            "file1.txt",
            &["55".to_string(), "56".to_string()]
        ));
        assert!(!matches_any_hash_prefix("file1.txt", &["5a".to_string()]));
        assert!(!matches_any_hash_prefix("file1.txt", &[]));
    }

    #[test]
    fn hash_prefix_details() {
        let hex = target_path_hash_hex("file1.txt");
        // Any length, up to the full digest.
        assert!(path_hash_prefix_matches(&hex, "5"));
        assert!(path_hash_prefix_matches(&hex, "55ae75d991c7"));
        assert!(path_hash_prefix_matches(&hex, &hex));
        assert!(!path_hash_prefix_matches(&hex, &format!("{hex}0")));
        // Uppercase never matches (python-tuf's `str.startswith`).
        assert!(!path_hash_prefix_matches(&hex, "55AE"));
        assert!(!matches_any_hash_prefix("file1.txt", &["55AE".to_string()]));
        // The empty prefix matches everything, as `str.startswith("")` does.
        assert!(path_hash_prefix_matches(&hex, ""));
        // UTF-8 bytes of the path are hashed.
        assert_eq!(
            target_path_hash_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
