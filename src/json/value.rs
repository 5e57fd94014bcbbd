//! A JSON value that keeps everything canonical JSON needs, including big integers.

use std::collections::BTreeMap;
use std::fmt;

use super::{Parser, Path, Style, ToJson, Writer};
use crate::error::Result;

/// An object: keys sorted by code point, as canonical JSON orders them.
pub type Map = BTreeMap<String, Value>;

/// A JSON value. Unknown fields of metadata are kept as `Value`s and written back unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// An integer of any size (JSON numbers with a fraction or exponent are rejected on parsing).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// 0 ..= u64::MAX
    Pos(u64),
    /// i64::MIN ..= -1
    Neg(i64),
    /// Anything else: decimal digits with an optional leading '-', no leading zeros.
    Big(Box<str>),
}

impl Number {
    /// A number from a sign and decimal digits (no leading zeros except "0"). `-0` is 0.
    pub(crate) fn from_decimal(negative: bool, digits: &str) -> Number {
        if !negative || digits == "0" {
            if let Ok(v) = digits.parse::<u64>() {
                return Number(Repr::Pos(v));
            }
            return Number(Repr::Big(digits.into()));
        }
        let text = format!("-{digits}");
        match text.parse::<i64>() {
            Ok(v) => Number(Repr::Neg(v)),
            Err(_) => Number(Repr::Big(text.into())),
        }
    }

    /// The value, if it is a non-negative integer that fits in 64 bits.
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Repr::Pos(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if it fits in an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Repr::Pos(v) => i64::try_from(v).ok(),
            Repr::Neg(v) => Some(v),
            Repr::Big(_) => None,
        }
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Number {
        Number(Repr::Pos(v))
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        if v >= 0 {
            Number(Repr::Pos(v as u64))
        } else {
            Number(Repr::Neg(v))
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Pos(v) => write!(f, "{v}"),
            Repr::Neg(v) => write!(f, "{v}"),
            Repr::Big(s) => f.write_str(s),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Value {
    /// Parses one strict JSON document.
    pub fn parse(bytes: &[u8]) -> Result<Value> {
        let mut p = Parser::new(bytes)?;
        let v = p.value(&Path::Root)?;
        p.finish()?;
        Ok(v)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The non-negative 64-bit integer, if this is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// This value as compact JSON text (python's `json.dumps` with sorted keys, ASCII only).
    pub fn to_json_string(&self) -> String {
        let bytes = self.to_json(Style::Compact);
        // Compact and pretty output escape all non-ASCII, so it is always valid UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }
}

impl ToJson for Value {
    fn write_json(&self, w: &mut Writer) {
        match self {
            Value::Null => w.null(),
            Value::Bool(b) => w.bool(*b),
            Value::Number(n) => w.number(n),
            Value::String(s) => w.string(s),
            Value::Array(items) => {
                w.begin_array();
                for item in items {
                    item.write_json(w);
                }
                w.end_array();
            }
            Value::Object(map) => write_map(w, map),
        }
    }
}

/// Writes the entries of `map` as members of the object currently open in `w`.
pub(crate) fn write_members(w: &mut Writer, map: &Map) {
    for (k, v) in map {
        w.key(k);
        v.write_json(w);
    }
}

fn write_map(w: &mut Writer, map: &Map) {
    w.begin_object();
    write_members(w, map);
    w.end_object();
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::Number(v.into())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
