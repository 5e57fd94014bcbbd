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

/// Nibble values of hex digits in either case; 0xff for anything else.
static DECODE_ANY: [u8; 256] = table(true);
/// Nibble values of lowercase hex digits only; 0xff for anything else.
static DECODE_LOWER: [u8; 256] = table(false);

const fn table(upper: bool) -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        if upper {
            t[b'A' as usize + i] = 10 + i as u8;
        }
        i += 1;
    }
    t
}

fn decode_with(s: &str, table: &[u8; 256]) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for pair in bytes.chunks_exact(2) {
        let (hi, lo) = (table[usize::from(pair[0])], table[usize::from(pair[1])]);
        if (hi | lo) & 0xf0 != 0 {
            return None;
        }
        out.push((hi << 4) | lo);
    }
    Some(out)
}

/// Decodes hex in either case. Returns `None` for an odd length or any non-hex character.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    decode_with(s, &DECODE_ANY)
}

/// Decodes lowercase hex only (what [`encode`] writes back identically). Returns `None` for
/// an odd length or any character other than `0-9a-f`.
pub fn decode_lower(s: &str) -> Option<Vec<u8>> {
    decode_with(s, &DECODE_LOWER)
}

/// Whether `s` is valid input for [`decode`]: even length, only hex digits (either case).
pub fn is_hex(s: &str) -> bool {
    s.len().is_multiple_of(2) && s.bytes().all(|b| DECODE_ANY[usize::from(b)] != 0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_only_decoding() {
        assert_eq!(decode_lower("00ff"), Some(vec![0, 255]));
        assert_eq!(decode_lower("00FF"), None);
        assert_eq!(decode("00FF"), Some(vec![0, 255]));
        assert_eq!(decode_lower("0g"), None);
        assert_eq!(decode_lower("abc"), None);
        assert!(is_hex("aBcD") && !is_hex("abc") && !is_hex("zz"));
    }

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
