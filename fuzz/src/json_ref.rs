//! The JSON oracle: serde_json parses a document into [`RefValue`], which keeps what libtuf's
//! strict parser decides on (every object member in document order, so duplicates are visible,
//! and every number token exactly as written), and a reference canonical JSON encoder.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use tuf::json::Value;

/// The nesting limit of `tuf::json` (arrays and objects; `tuf::json::MAX_DEPTH`).
pub const MAX_DEPTH: usize = tuf::json::MAX_DEPTH;

/// The longest integer `tuf::json` accepts, in digits (`tuf::json::MAX_INT_DIGITS`).
pub const MAX_INT_DIGITS: usize = tuf::json::MAX_INT_DIGITS;

/// serde_json's `arbitrary_precision` hands a number to a visitor as a one-member map with
/// this key and the number's text as a string value.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A JSON value as serde_json read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefValue {
    Null,
    Bool(bool),
    /// The number token as written (`-0`, 40-digit integers...); serde_json normalizes only
    /// the exponent of a float (`1e400` becomes `1e+400`).
    Number(String),
    String(String),
    Array(Vec<RefValue>),
    /// Members in document order, duplicates included.
    Object(Vec<(String, RefValue)>),
}

impl RefValue {
    /// Parses `bytes` with serde_json, without its recursion limit: call it only on documents
    /// whose [`bracket_depth`] is small (each level is a few stack frames).
    pub fn parse_unbounded(bytes: &[u8]) -> serde_json::Result<RefValue> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        de.disable_recursion_limit();
        let v = RefValue::deserialize(&mut de)?;
        de.end()?;
        Ok(v)
    }

    /// Whether any object holds the same key twice.
    pub fn has_duplicate_keys(&self) -> bool {
        match self {
            RefValue::Array(items) => items.iter().any(RefValue::has_duplicate_keys),
            RefValue::Object(members) => {
                let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
                keys.sort_unstable();
                keys.windows(2).any(|w| w[0] == w[1])
                    || members.iter().any(|(_, v)| v.has_duplicate_keys())
            }
            _ => false,
        }
    }

    /// Whether any number has a fraction or an exponent.
    pub fn has_float(&self) -> bool {
        self.any_number(&|n| n.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')))
    }

    /// Whether any integer has more than `tuf::json::MAX_INT_DIGITS` digits.
    pub fn has_overlong_integer(&self) -> bool {
        self.any_number(&|n| n.trim_start_matches('-').len() > MAX_INT_DIGITS)
    }

    /// Whether any object has the key serde_json's `arbitrary_precision` uses internally: such
    /// an object is indistinguishable from a number to a visitor, so the oracle is blind there.
    pub fn has_number_token_key(v: &Value) -> bool {
        match v {
            Value::Array(items) => items.iter().any(RefValue::has_number_token_key),
            Value::Object(map) => {
                map.contains_key(NUMBER_TOKEN) || map.values().any(RefValue::has_number_token_key)
            }
            _ => false,
        }
    }

    fn any_number(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        match self {
            RefValue::Number(n) => pred(n),
            RefValue::Array(items) => items.iter().any(|v| v.any_number(pred)),
            RefValue::Object(members) => members.iter().any(|(_, v)| v.any_number(pred)),
            _ => false,
        }
    }

    /// The value `tuf::json` should produce for this document (when it has no duplicates and
    /// no floats): objects sorted by key, `-0` read as `0`.
    pub fn normalized(&self) -> RefValue {
        match self {
            RefValue::Number(n) if n == "-0" => RefValue::Number("0".into()),
            RefValue::Array(items) => {
                RefValue::Array(items.iter().map(|v| v.normalized()).collect())
            }
            RefValue::Object(members) => {
                let mut m: Vec<(String, RefValue)> = members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.normalized()))
                    .collect();
                m.sort_by(|a, b| a.0.cmp(&b.0));
                RefValue::Object(m)
            }
            other => other.clone(),
        }
    }

    /// A `tuf::json::Value` in the same shape (objects in key order; numbers as their
    /// decimal text).
    pub fn from_tuf(v: &Value) -> RefValue {
        match v {
            Value::Null => RefValue::Null,
            Value::Bool(b) => RefValue::Bool(*b),
            Value::Number(n) => RefValue::Number(n.to_string()),
            Value::String(s) => RefValue::String(s.clone()),
            Value::Array(items) => RefValue::Array(items.iter().map(RefValue::from_tuf).collect()),
            Value::Object(map) => RefValue::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), RefValue::from_tuf(v)))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for RefValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RefValue, D::Error> {
        d.deserialize_any(RefVisitor)
    }
}

struct RefVisitor;

impl<'de> Visitor<'de> for RefVisitor {
    type Value = RefValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<RefValue, E> {
        Ok(RefValue::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RefValue, E> {
        Ok(RefValue::Bool(v))
    }

    // Without arbitrary_precision numbers would arrive here; with it they arrive as maps.
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RefValue, E> {
        Ok(RefValue::Number(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RefValue, E> {
        Ok(RefValue::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RefValue, E> {
        Ok(RefValue::Number(format!("{v:e}")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RefValue, E> {
        Ok(RefValue::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RefValue, E> {
        Ok(RefValue::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RefValue, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<RefValue>()? {
            items.push(v);
        }
        Ok(RefValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RefValue, A::Error> {
        let mut members = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value::<RefValue>()?;
            members.push((k, v));
        }
        if let [(k, RefValue::String(n))] = members.as_slice() {
            if k == NUMBER_TOKEN {
                return Ok(RefValue::Number(n.clone()));
            }
        }
        Ok(RefValue::Object(members))
    }
}

/// The deepest nesting of `[`/`{` outside strings. For a valid JSON document this is its
/// nesting depth; for other bytes it is some number (they are rejected whatever it is).
pub fn bracket_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &c in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Whether any string (member keys included) holds a character below U+0020: canonical JSON
/// writes those raw, so the canonical form of such a value is not a JSON document.
pub fn has_control_char(v: &Value) -> bool {
    let ctl = |s: &str| s.bytes().any(|b| b < 0x20);
    match v {
        Value::String(s) => ctl(s),
        Value::Array(items) => items.iter().any(has_control_char),
        Value::Object(map) => map.iter().any(|(k, v)| ctl(k) || has_control_char(v)),
        _ => false,
    }
}

/// securesystemslib's `encode_canonical`, written from its definition: keys sorted by code
/// point (UTF-8 byte order is code point order), no white space, strings with only `"` and `\`
/// escaped and everything else raw, integers in decimal.
pub fn canonical(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => write_canonical_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical_string(k, out);
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
    }
}

fn write_canonical_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuf_ok(doc: &str) -> bool {
        Value::parse(doc.as_bytes()).is_ok()
    }

    fn serde_ok(doc: &str) -> bool {
        RefValue::parse_unbounded(doc.as_bytes()).is_ok()
    }

    #[test]
    fn numbers_keep_their_text() {
        let v = RefValue::parse_unbounded(b"[-0, 18446744073709551616, 1.50]").unwrap();
        let want = ["-0", "18446744073709551616", "1.50"];
        let RefValue::Array(items) = v else { panic!() };
        for (item, want) in items.iter().zip(want) {
            assert_eq!(item, &RefValue::Number(want.into()));
        }
        // serde_json rewrites exponents ("1e+400"); they stay floats.
        assert!(RefValue::parse_unbounded(b"1e400").unwrap().has_float());
    }

    #[test]
    fn duplicates_and_floats_are_visible() {
        let v = RefValue::parse_unbounded(br#"{"a":{"b":1,"b":2}}"#).unwrap();
        assert!(v.has_duplicate_keys());
        assert!(!v.has_float());
        let v = RefValue::parse_unbounded(br#"[{"a":1e5}]"#).unwrap();
        assert!(v.has_float());
        assert!(!v.has_duplicate_keys());
    }

    /// The differences between the two parsers that the differential target accounts for,
    /// and the rules where they agree.
    #[test]
    fn documented_differences() {
        // Rejected by libtuf only.
        for doc in ["1.0", "[1e2]", r#"{"a":1,"a":1}"#] {
            assert!(serde_ok(doc) && !tuf_ok(doc), "{doc}");
        }
        let long = "9".repeat(MAX_INT_DIGITS + 1);
        assert!(serde_ok(&long) && !tuf_ok(&long));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(serde_ok(&deep) && !tuf_ok(&deep));
        let max = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(serde_ok(&max) && tuf_ok(&max));
        // Rejected by both.
        for doc in [
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            "\"\x01\"",
            "01",
            "[1,]",
            "",
            " ",
            "\u{feff}1",
            "-",
            "+1",
            "NaN",
            "{} x",
        ] {
            assert!(!serde_ok(doc) && !tuf_ok(doc), "{doc:?}");
        }
        // Accepted by both.
        for doc in [r#""\ud83d\ude00""#, "-0", " \t\r\n[]\n", r#""\/""#] {
            assert!(serde_ok(doc) && tuf_ok(doc), "{doc:?}");
        }
    }

    #[test]
    fn bracket_depth_skips_strings() {
        assert_eq!(bracket_depth(br#"[{"a":"[[[\"{"}]"#), 2);
        assert_eq!(bracket_depth(b"1"), 0);
    }

    #[test]
    fn reference_canonical_form() {
        let v = Value::parse(br#"{"b":[1,-0,true,null],"a":"x\"y\\z\n","\u00e9":{}}"#).unwrap();
        assert_eq!(
            canonical(&v),
            "{\"a\":\"x\\\"y\\\\z\n\",\"b\":[1,0,true,null],\"\u{e9}\":{}}".as_bytes()
        );
    }
}
