//! `tuf::json`'s strict parser against serde_json on the same bytes.
//!
//! The two must agree on acceptance and on the parsed value, except where libtuf is stricter
//! by design (digest 1.8, 6.42), which the oracle checks precisely:
//! - floating-point numbers (a fraction or an exponent) are rejected;
//! - duplicate object keys are rejected;
//! - integers longer than `MAX_INT_DIGITS` digits are rejected;
//! - nesting deeper than `MAX_DEPTH` is rejected.
//!
//! Both reject lone surrogates, control characters in strings, invalid UTF-8, leading zeros
//! and trailing garbage (unit tests in `src/json_ref.rs` pin this down). Values are compared
//! exactly, big integers included: serde_json's `arbitrary_precision` keeps each number's
//! text, and libtuf reads `-0` as `0`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tuf::json::Value;
use tuf::ErrorKind;
use tuf_fuzz::json_ref::{bracket_depth, RefValue, MAX_DEPTH};

fuzz_target!(|data: &[u8]| {
    let ours = Value::parse(data);
    if let Err(e) = &ours {
        assert_eq!(e.kind(), ErrorKind::InvalidMetadata, "{e}");
        // Error messages quote untrusted input only in pieces: the path cuts each key to 64
        // characters and is at most MAX_DEPTH + 1 levels deep, and values are not quoted whole.
        let bound = (MAX_DEPTH + 1) * (64 * 4 + 3 + 24) + 512;
        let len = e.to_string().len();
        assert!(len <= bound, "error message of {len} bytes (bound {bound})");
    }
    // A valid document's bracket depth is its nesting depth; deeper ones must be refused
    // (and are kept away from the unbounded reference parser).
    if bracket_depth(data) > MAX_DEPTH {
        assert!(ours.is_err(), "accepted nesting deeper than {MAX_DEPTH}");
        return;
    }
    let reference = RefValue::parse_unbounded(data);
    match (&ours, &reference) {
        (Err(_), Err(_)) => {}
        (Ok(v), Err(e)) => panic!("accepted what serde_json rejects ({e}): {v:?}"),
        (Err(ours), Ok(r)) => assert!(
            r.has_float() || r.has_duplicate_keys() || r.has_overlong_integer(),
            "rejected a document without floats, duplicates or overlong integers: {ours}"
        ),
        (Ok(v), Ok(r)) => {
            assert!(!r.has_float(), "accepted a floating-point number");
            assert!(!r.has_duplicate_keys(), "accepted a duplicate key");
            assert!(!r.has_overlong_integer(), "accepted an overlong integer");
            if !RefValue::has_number_token_key(v) {
                assert_eq!(RefValue::from_tuf(v), r.normalized(), "different values");
            }
        }
    }
});
