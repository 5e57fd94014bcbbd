//! Strict JSON and canonical JSON.
//!
//! TUF signs the canonical JSON form of the `signed` object (digest 1.8), computed from the
//! parsed value, and the digest asks for a parser stricter than plain JSON: duplicate object keys
//! and floating-point numbers are rejected (1.8, 6.42), integers may be larger than 64 bits (as
//! Python's are), and errors must say where in the document they are. This module provides:
//!
//! - [`Parser`], a pull parser over a UTF-8 document that the typed metadata model reads
//!   directly (no intermediate tree), with a nesting limit of [`MAX_DEPTH`];
//! - [`Value`], a JSON value that keeps unknown fields exactly (including big integers);
//! - [`Writer`], which writes canonical JSON byte-identical to securesystemslib's
//!   `encode_canonical`, or python-tuf's indented form, from the same calls.

mod parse;
mod value;
mod write;

pub use parse::{Parser, Path};
pub(crate) use value::write_members;
pub use value::{Map, Number, Value};
pub use write::{Style, ToJson, Writer};

/// Maximum nesting depth of arrays and objects. Deeper documents are rejected with an error
/// instead of exhausting the stack.
pub const MAX_DEPTH: usize = 128;

/// Maximum number of digits of an integer. CPython refuses to convert longer digit strings
/// (`sys.int_info.default_max_str_digits`), so such documents fail in python-tuf too.
pub const MAX_INT_DIGITS: usize = 4300;

/// Parses `bytes` as one strict JSON document and returns its canonical JSON encoding.
pub fn canonicalize(bytes: &[u8]) -> crate::Result<Vec<u8>> {
    let value = Value::parse(bytes)?;
    Ok(value.to_canonical())
}

#[cfg(test)]
mod tests;
