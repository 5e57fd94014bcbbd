//! A strict pull parser for JSON documents.

use std::borrow::Cow;
use std::fmt;

use super::{Number, Value, MAX_DEPTH, MAX_INT_DIGITS};
use crate::error::{Error, Result};

/// Where a value sits in a document, for error messages such as
/// `signed.roles.timestamp.threshold`. Built on the stack as the parser descends; only
/// formatted when an error is reported.
#[derive(Clone, Copy, Debug)]
pub enum Path<'p> {
    /// The document itself.
    Root,
    /// A member of an object.
    Key(&'p Path<'p>, &'p str),
    /// An element of an array.
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    /// The path of member `key` below this one.
    pub fn key<'q>(&'q self, key: &'q str) -> Path<'q> {
        Path::Key(self, key)
    }

    /// The path of element `index` below this one.
    pub fn index(&'p self, index: usize) -> Path<'p> {
        Path::Index(self, index)
    }

    /// An [`Error::InvalidMetadata`] at this path.
    pub fn error(&self, msg: impl Into<String>) -> Error {
        Error::invalid(self.to_string(), msg)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("(document)"),
            Path::Key(Path::Root, k) => write_key(f, k),
            Path::Key(parent, k) => {
                write!(f, "{parent}.")?;
                write_key(f, k)
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Writes a key of a path, cut to 64 characters (keys come from untrusted documents).
fn write_key(f: &mut fmt::Formatter<'_>, k: &str) -> fmt::Result {
    match k.char_indices().nth(64) {
        None => f.write_str(k),
        Some((cut, _)) => write!(f, "{}...", &k[..cut]),
    }
}

/// The JSON type of the next value, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// A pull parser over one JSON document.
///
/// The typed metadata model drives it: it asks for an object, a string, an integer, and gets a
/// clear error naming the path when the document holds something else. Rules beyond RFC 8259:
/// no floating-point numbers, no duplicate keys (enforced by the readers of objects), at most
/// [`MAX_DEPTH`] levels of nesting.
pub struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    /// A parser over `bytes`, which must be UTF-8.
    pub fn new(bytes: &'a [u8]) -> Result<Parser<'a>> {
        let src = std::str::from_utf8(bytes).map_err(|e| {
            Error::invalid(
                Path::Root.to_string(),
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        Ok(Parser {
            src,
            pos: 0,
            depth: 0,
        })
    }

    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    /// Checks that nothing but white space follows the parsed document.
    pub fn finish(&mut self) -> Result<()> {
        self.ws();
        if self.pos != self.src.len() {
            return Err(self.syntax(&Path::Root, "trailing characters after the document"));
        }
        Ok(())
    }

    fn ws(&mut self) {
        let b = self.bytes();
        while let Some(&c) = b.get(self.pos) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes().get(self.pos).copied()
    }

    fn line_col(&self) -> (usize, usize) {
        let before = &self.src.as_bytes()[..self.pos.min(self.src.len())];
        let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&c| c != b'\n').count() + 1;
        (line, col)
    }

    fn syntax(&self, path: &Path<'_>, msg: &str) -> Error {
        let (line, col) = self.line_col();
        path.error(format!("{msg} (line {line}, column {col})"))
    }

    /// The kind of the next value, or a syntax error if none starts here.
    pub fn peek_kind(&mut self, path: &Path<'_>) -> Result<Kind> {
        match self.peek() {
            Some(b'n') => Ok(Kind::Null),
            Some(b't') | Some(b'f') => Ok(Kind::Bool),
            Some(b'-') | Some(b'0'..=b'9') => Ok(Kind::Number),
            Some(b'"') => Ok(Kind::String),
            Some(b'[') => Ok(Kind::Array),
            Some(b'{') => Ok(Kind::Object),
            None => Err(self.syntax(path, "unexpected end of document")),
            Some(_) => Err(self.syntax(path, "expected a JSON value")),
        }
    }

    fn expect_kind(&mut self, path: &Path<'_>, want: Kind) -> Result<()> {
        let got = self.peek_kind(path)?;
        if got != want {
            return Err(path.error(format!("expected {}, found {}", want.name(), got.name())));
        }
        Ok(())
    }

    fn enter(&mut self, path: &Path<'_>) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(path.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Reads an object, calling `member` for each key with the parser positioned at the value.
    /// `member` must consume exactly one value. Duplicate detection is up to `member`.
    pub fn object(
        &mut self,
        path: &Path<'_>,
        mut member: impl FnMut(&mut Parser<'a>, Cow<'a, str>) -> Result<()>,
    ) -> Result<()> {
        self.expect_kind(path, Kind::Object)?;
        self.enter(path)?;
        self.pos += 1;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.syntax(path, "expected a string key"));
            }
            let key = self.raw_string(path)?;
            if self.peek() != Some(b':') {
                return Err(self.syntax(path, "expected ':' after key"));
            }
            self.pos += 1;
            member(self, key)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.syntax(path, "expected ',' or '}'")),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Reads an array, calling `element` with each index and the parser positioned at the
    /// element. `element` must consume exactly one value.
    pub fn array(
        &mut self,
        path: &Path<'_>,
        mut element: impl FnMut(&mut Parser<'a>, usize) -> Result<()>,
    ) -> Result<()> {
        self.expect_kind(path, Kind::Array)?;
        self.enter(path)?;
        self.pos += 1;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            element(self, index)?;
            index += 1;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.syntax(path, "expected ',' or ']'")),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Reads a string.
    pub fn string(&mut self, path: &Path<'_>) -> Result<Cow<'a, str>> {
        self.expect_kind(path, Kind::String)?;
        self.raw_string(path)
    }

    /// Reads a boolean.
    pub fn bool(&mut self, path: &Path<'_>) -> Result<bool> {
        self.expect_kind(path, Kind::Bool)?;
        self.literal(path).map(|v| matches!(v, Value::Bool(true)))
    }

    /// Reads a non-negative integer that fits in 64 bits.
    pub fn u64(&mut self, path: &Path<'_>) -> Result<u64> {
        self.expect_kind(path, Kind::Number)?;
        let (negative, digits) = self.number_token(path)?;
        if negative && digits != "0" {
            return Err(path.error("must be a non-negative integer"));
        }
        digits
            .parse::<u64>()
            .map_err(|_| path.error("integer too large"))
    }

    /// Reads any value into a [`Value`].
    pub fn value(&mut self, path: &Path<'_>) -> Result<Value> {
        match self.peek_kind(path)? {
            Kind::Null | Kind::Bool => self.literal(path),
            Kind::Number => {
                let (negative, digits) = self.number_token(path)?;
                Ok(Value::Number(Number::from_decimal(negative, digits)))
            }
            Kind::String => Ok(Value::String(self.raw_string(path)?.into_owned())),
            Kind::Array => {
                let mut items = Vec::new();
                self.array(path, |p, i| {
                    items.push(p.value(&path.index(i))?);
                    Ok(())
                })?;
                Ok(Value::Array(items))
            }
            Kind::Object => {
                let mut map = super::Map::new();
                self.object(path, |p, k| {
                    let v = p.value(&path.key(&k))?;
                    if map.insert(k.to_string(), v).is_some() {
                        return Err(
                            path.error(format!("duplicate key {}", crate::error::excerpt(&k)))
                        );
                    }
                    Ok(())
                })?;
                Ok(Value::Object(map))
            }
        }
    }

    fn literal(&mut self, path: &Path<'_>) -> Result<Value> {
        let rest = &self.src[self.pos..];
        let (value, len) = if rest.starts_with("null") {
            (Value::Null, 4)
        } else if rest.starts_with("true") {
            (Value::Bool(true), 4)
        } else if rest.starts_with("false") {
            (Value::Bool(false), 5)
        } else {
            return Err(self.syntax(path, "invalid literal"));
        };
        self.pos += len;
        Ok(value)
    }

    /// Reads a number token: returns its sign and its digits. Fractions and exponents are
    /// rejected: canonical JSON has no floating-point numbers (digest 1.8).
    fn number_token(&mut self, path: &Path<'_>) -> Result<(bool, &'a str)> {
        let b = self.bytes();
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let start = i;
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(self.syntax(path, "invalid number")),
        }
        let digits = &self.src[start..i];
        if matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
            return Err(path.error("floating-point numbers are not allowed"));
        }
        if matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(self.syntax(path, "invalid number: leading zero"));
        }
        if digits.len() > MAX_INT_DIGITS {
            return Err(path.error(format!("integer longer than {MAX_INT_DIGITS} digits")));
        }
        self.pos = i;
        Ok((negative, digits))
    }

    /// Reads a string at the current position (which holds `"`), decoding escapes. Borrows
    /// from the document when there are none.
    fn raw_string(&mut self, path: &Path<'_>) -> Result<Cow<'a, str>> {
        let b = self.bytes();
        let start = self.pos + 1;
        let mut i = start;
        // Fast path: no escapes.
        loop {
            match b.get(i) {
                None => return Err(self.at(i, path, "unterminated string")),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&self.src[start..i]));
                }
                Some(b'\\') => break,
                Some(&c) if c < 0x20 => {
                    return Err(self.at(i, path, "control character in string"))
                }
                Some(_) => i += 1,
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.src[start..i]);
        loop {
            // Copy a run of plain characters.
            let run = i;
            while let Some(&c) = b.get(i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                i += 1;
            }
            out.push_str(&self.src[run..i]);
            match b.get(i) {
                None => return Err(self.at(i, path, "unterminated string")),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let esc = b.get(i + 1).copied();
                    i += 2;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4(i, path)?;
                            i += 4;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
                                    return Err(self.at(i, path, "lone surrogate in string"));
                                }
                                let lo = self.hex4(i + 2, path)?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.at(i, path, "lone surrogate in string"));
                                }
                                i += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.at(i, path, "lone surrogate in string"));
                            } else {
                                hi
                            };
                            match char::from_u32(c) {
                                Some(ch) => out.push(ch),
                                None => return Err(self.at(i, path, "invalid \\u escape")),
                            }
                        }
                        _ => return Err(self.at(i - 1, path, "invalid escape in string")),
                    }
                }
                Some(_) => return Err(self.at(i, path, "control character in string")),
            }
        }
    }

    fn hex4(&self, i: usize, path: &Path<'_>) -> Result<u32> {
        let digits = self
            .bytes()
            .get(i..i + 4)
            .ok_or_else(|| self.at(i, path, "truncated \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.at(i, path, "invalid \\u escape")),
            };
            v = v * 16 + u32::from(n);
        }
        Ok(v)
    }

    fn at(&self, pos: usize, path: &Path<'_>, msg: &str) -> Error {
        let probe = Parser {
            src: self.src,
            pos,
            depth: 0,
        };
        probe.syntax(path, msg)
    }
}
