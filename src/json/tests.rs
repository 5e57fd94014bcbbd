use super::*;
use crate::ErrorKind;

fn canon(s: &str) -> String {
    String::from_utf8(canonicalize(s.as_bytes()).unwrap()).unwrap()
}

fn err(s: &[u8]) -> String {
    let e = Value::parse(s).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidMetadata);
    e.to_string()
}

#[test]
fn canonical_digest_example() {
    // Digest 1.8 example: only `"` and `\` are escaped; the newline is written raw.
    assert_eq!(
        canon(r#"{"b":1,"a":"x\"y\\z\n"}"#),
        "{\"a\":\"x\\\"y\\\\z\n\",\"b\":1}"
    );
}

#[test]
fn canonical_sorts_by_code_point_and_keeps_array_order() {
    assert_eq!(
        canon(r#"{"\uffff":1,"\ud83d\ude00":2,"a":[3,1,2],"B":{}}"#),
        "{\"B\":{},\"a\":[3,1,2],\"\u{ffff}\":1,\"\u{1f600}\":2}"
    );
}

#[test]
fn canonical_integers() {
    assert_eq!(canon("-0"), "0");
    assert_eq!(canon("18446744073709551616"), "18446744073709551616");
    assert_eq!(canon("-9223372036854775809"), "-9223372036854775809");
    assert_eq!(canon("[true,false,null]"), "[true,false,null]");
}

#[test]
fn rejects_floats_duplicates_and_bad_syntax() {
    assert!(err(b"1.0").contains("floating-point"));
    assert!(err(b"[1e5]").contains("floating-point"));
    assert!(err(b"{\"a\":1,\"a\":2}").contains("duplicate key"));
    assert!(err(b"NaN").contains("expected a JSON value"));
    assert!(err(b"01").contains("leading zero"));
    assert!(err(b"{\"a\":1").contains("expected ','"));
    assert!(err(b"\"\\ud800\"").contains("lone surrogate"));
    assert!(err(b"\"\\udc00x\"").contains("lone surrogate"));
    assert!(err(b"\"a\x01\"").contains("control character"));
    assert!(err(b"\"\xff\"").contains("invalid UTF-8"));
    assert!(err(b"{} x").contains("trailing"));
    assert!(err(b"").contains("end of document"));
    assert!(err(b"\"abc").contains("unterminated"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(100_000);
    assert!(err(deep.as_bytes()).contains("nesting deeper"));
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(Value::parse(ok.as_bytes()).is_ok());
    let over = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert!(Value::parse(over.as_bytes()).is_err());
}

#[test]
fn huge_integers_are_limited() {
    let ok = "9".repeat(MAX_INT_DIGITS);
    assert_eq!(canon(&ok), ok);
    let long = "9".repeat(MAX_INT_DIGITS + 1);
    assert!(err(long.as_bytes()).contains("digits"));
}

#[test]
fn errors_name_the_path() {
    let doc = br#"{"signed":{"roles":{"timestamp":{"threshold":"x"}}}}"#;
    let mut p = Parser::new(doc).unwrap();
    let root = Path::Root;
    let e = p
        .object(&root, |p, k| {
            let signed = root.key(&k);
            p.object(&signed, |p, k| {
                let roles = signed.key(&k);
                p.object(&roles, |p, k| {
                    let ts = roles.key(&k);
                    p.object(&ts, |p, k| p.u64(&ts.key(&k)).map(|_| ()))
                })
            })
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid metadata at signed.roles.timestamp.threshold: expected a number, found a string"
    );
}

#[test]
fn pretty_matches_python_json_dumps_indent_1() {
    // json.dumps(v, indent=1, separators=(",", ": "), sort_keys=True)
    let v =
        Value::parse(r#"{"b":[1,{}],"a":"\u00e9\n","c":[],"d":{"y":null,"x":true}}"#.as_bytes())
            .unwrap();
    let want = "{\n \"a\": \"\\u00e9\\n\",\n \"b\": [\n  1,\n  {}\n ],\n \"c\": [],\n \"d\": {\n  \"x\": true,\n  \"y\": null\n }\n}";
    assert_eq!(String::from_utf8(v.to_json(Style::Pretty)).unwrap(), want);
    assert_eq!(
        v.to_json_string(),
        "{\"a\":\"\\u00e9\\n\",\"b\":[1,{}],\"c\":[],\"d\":{\"x\":true,\"y\":null}}"
    );
}

#[test]
fn writer_sorts_members_written_out_of_order() {
    for style in [Style::Canonical, Style::Pretty, Style::Compact] {
        let mut w = Writer::new(style);
        w.begin_object();
        w.key("z");
        w.begin_object();
        w.key("b");
        w.u64(2);
        w.key("a\"");
        w.u64(1);
        w.end_object();
        w.key("a");
        w.string("x");
        w.end_object();
        let got = w.into_bytes();
        let reparsed = Value::parse(&got).unwrap();
        // Sorted output re-encodes to itself.
        assert_eq!(reparsed.to_json(style), got, "{style:?}");
    }
    let mut w = Writer::new(Style::Canonical);
    w.begin_object();
    w.key("b");
    w.u64(1);
    w.key("a");
    w.begin_array();
    w.u64(1);
    w.u64(2);
    w.end_array();
    w.end_object();
    assert_eq!(w.into_bytes(), b"{\"a\":[1,2],\"b\":1}");
}

#[test]
fn writer_sorts_many_members_and_large_ones() {
    for style in [Style::Canonical, Style::Pretty, Style::Compact] {
        for n in [2usize, 5, 32, 33, 100] {
            let mut w = Writer::new(style);
            w.begin_object();
            for i in (0..n).rev() {
                w.key(&format!("k{i:03}"));
                if i % 7 == 0 {
                    // a large member among small ones
                    w.string(&"x".repeat(1000 + i));
                } else {
                    w.begin_array();
                    w.u64(i as u64);
                    w.end_array();
                }
            }
            w.end_object();
            let got = w.into_bytes();
            let reparsed = Value::parse(&got).unwrap();
            assert_eq!(reparsed.as_object().unwrap().len(), n);
            assert_eq!(reparsed.to_json(style), got, "{style:?} n={n}");
        }
    }
}

#[test]
fn error_messages_cut_long_untrusted_strings() {
    let key = "k".repeat(10_000);
    let doc = format!("{{\"{key}\":1,\"{key}\":2}}");
    let msg = err(doc.as_bytes());
    assert!(msg.contains("duplicate key"), "{}", &msg[..100]);
    assert!(msg.len() < 400, "{} bytes", msg.len());
}
