//! Shared test support: an in-memory TUF repository built with libtuf's own signing API, and a
//! test HTTP server.
#![allow(dead_code)]

pub mod http;
pub mod proxy;
pub mod python;
pub mod sim;
pub mod sim_fetcher;

/// `metadata` with one hex digit of its first signature changed: a signature by none of the
/// keys it names.
pub fn with_signature_broken(metadata: &[u8]) -> Vec<u8> {
    let mut bad = metadata.to_vec();
    let sig = bad
        .windows(5)
        .position(|w| w == b"\"sig\"")
        .expect("a signature")
        + 5;
    let at = sig
        + bad[sig..]
            .iter()
            .position(|b| b.is_ascii_hexdigit())
            .expect("hex digits");
    bad[at] = if bad[at] == b'0' { b'1' } else { b'0' };
    bad
}
