//! The input format of the sequence targets (`trusted_set_sequence`, `c_verifier`): records
//! separated by [`SEP`]. The first record is a header; each later one starts with an
//! operation byte and a parameter byte, followed by the operation's payload (metadata bytes, a
//! target path...). `seed.py` writes such files from the demo repository, and the dictionary
//! `dict/sequence.dict` holds the separator so that libFuzzer splices records well.

/// The record separator. The demo metadata never contains it.
pub const SEP: &[u8] = b"\n%%\n";

/// Splits `data` at every [`SEP`].
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEP.len()).position(|w| w == SEP) {
        out.push(&rest[..at]);
        rest = &rest[at + SEP.len()..];
    }
    out.push(rest);
    out
}

/// One operation record.
#[derive(Clone, Copy, Debug)]
pub struct Op<'a> {
    /// The operation byte: the low 3 bits select the operation, the others are modifiers.
    pub code: u8,
    /// The parameter byte (role selectors, limits).
    pub param: u8,
    pub payload: &'a [u8],
}

impl<'a> Op<'a> {
    /// Reads an operation record; records shorter than two bytes are skipped.
    pub fn parse(record: &'a [u8]) -> Option<Op<'a>> {
        match record {
            [code, param, payload @ ..] => Some(Op {
                code: *code,
                param: *param,
                payload,
            }),
            _ => None,
        }
    }

    /// The operation number (0..=7).
    pub fn op(&self) -> u8 {
        self.code & 7
    }

    /// Whether modifier bit `bit` (3..=7) of the operation byte is set.
    pub fn flag(&self, bit: u8) -> bool {
        self.code & (1 << bit) != 0
    }
}

/// Role names the operations refer to by index (3 bits): the demo's roles, names that are not
/// delegated, top-level names, and names that are no valid role.
pub const ROLES: [&str; 8] = [
    "apps",
    "targets",
    "root",
    "snapshot",
    "timestamp",
    "bins-0",
    "",
    "apps/../x",
];

/// The role name selected by the 3 bits of `param` at `shift`.
pub fn role(param: u8, shift: u8) -> &'static str {
    ROLES[usize::from((param >> shift) & 7)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_every_separator() {
        assert_eq!(split(b"a\n%%\nbc\n%%\n"), vec![&b"a"[..], b"bc", b""]);
        assert_eq!(split(b"abc"), vec![&b"abc"[..]]);
        let op = Op::parse(&[0x19, 2, b'x']).unwrap();
        assert_eq!(
            (op.op(), op.flag(3), op.flag(4), op.payload),
            (1, true, true, &b"x"[..])
        );
    }
}
