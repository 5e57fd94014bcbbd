//! Hexadecimal encoding, as TUF uses it for signatures, hashes, key IDs and ed25519 keys.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Encodes `bytes` as lowercase hex.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Decodes hex in either case. Returns `None` for an odd length or any non-hex character.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

/// Whether `s` is valid input for [`decode`]: even length, only hex digits (either case).
pub fn is_hex(s: &str) -> bool {
    s.len().is_multiple_of(2) && s.bytes().all(|b| nibble(b).is_some())
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let all: Vec<u8> = (0..=255).collect();
        let s = encode(&all);
        assert_eq!(s.len(), 512);
        assert!(s.starts_with("000102") && s.ends_with("fdfeff"));
        assert_eq!(decode(&s).as_deref(), Some(&all[..]));
        assert_eq!(encode(&[]), "");
        assert_eq!(decode(""), Some(vec![]));
    }

    #[test]
    fn accepts_both_cases() {
        assert_eq!(decode("DEADbeef"), Some(vec![0xde, 0xad, 0xbe, 0xef]));
        assert!(is_hex("DEADbeef"));
    }

    #[test]
    fn rejects_bad_input() {
        for bad in ["a", "abc", "zz", "0g", " 00", "00 ", "0x00", "é0", "+1"] {
            assert_eq!(decode(bad), None, "{bad:?}");
            assert!(!is_hex(bad), "{bad:?}");
        }
    }
}
