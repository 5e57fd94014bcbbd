//! Canonical JSON (digest 1.8) round trip: parse, encode canonically, parse again.
//!
//! - The re-parsed value equals the first one, and its canonical encoding is byte-identical
//!   (the encoding is a fixed point). Exception by definition: canonical JSON writes control
//!   characters in strings raw (only `"` and `\` are escaped, as securesystemslib does), so
//!   such a value's canonical form is not JSON and the strict parser must refuse it.
//! - The canonical bytes equal an independent encoder written from the definition.
//! - `tuf::json::canonicalize` gives the same bytes.
//! - The compact and pretty (python-tuf file) forms round-trip for every value and are fixed
//!   points too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tuf::json::{canonicalize, Style, ToJson, Value};
use tuf_fuzz::json_ref::{canonical, has_control_char};

fuzz_target!(|data: &[u8]| {
    let Ok(v) = Value::parse(data) else {
        assert!(canonicalize(data).is_err());
        return;
    };
    let c1 = v.to_canonical();
    assert_eq!(
        c1,
        canonical(&v),
        "canonical bytes differ from the reference encoder"
    );
    assert_eq!(canonicalize(data).expect("parsed once"), c1);
    match Value::parse(&c1) {
        Ok(v2) => {
            assert!(
                !has_control_char(&v),
                "canonical form with raw control characters parsed"
            );
            assert_eq!(v2, v, "canonical form parses to another value");
            assert_eq!(
                v2.to_canonical(),
                c1,
                "canonical encoding is not idempotent"
            );
        }
        Err(e) => assert!(
            has_control_char(&v),
            "canonical form of a value without control characters rejected: {e}"
        ),
    }
    for style in [Style::Compact, Style::Pretty] {
        let text = v.to_json(style);
        let v3 = Value::parse(&text).unwrap_or_else(|e| panic!("{style:?} form rejected: {e}"));
        assert_eq!(v3, v, "{style:?} form parses to another value");
        assert_eq!(
            v3.to_json(style),
            text,
            "{style:?} encoding is not idempotent"
        );
        assert!(text.is_ascii(), "{style:?} form is not ASCII");
    }
    assert_eq!(v.to_json_string().as_bytes(), v.to_json(Style::Compact));
});
