//! `hashes` and `length` of target files and META entries, and their verification
//! (5.5.2, 5.6.2, 5.7.3; digest 6.23-6.26).

use std::borrow::Cow;

use crate::crypto::{hash, hex, HashAlgorithm};
use crate::error::{Error, Result};
use crate::json::{Parser, Path, ToJson, Writer};

/// A hash algorithm name as written in metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Alg {
    Known(HashAlgorithm),
    Other(Box<str>),
}

impl Alg {
    fn from_name(name: &str) -> Alg {
        match HashAlgorithm::from_name(name) {
            Some(a) => Alg::Known(a),
            None => Alg::Other(name.into()),
        }
    }

    fn name(&self) -> &str {
        match self {
            Alg::Known(a) => a.name(),
            Alg::Other(s) => s,
        }
    }
}

/// A hex digest as written in metadata. Lowercase hex, by far the common case, is kept
/// decoded (half the memory, one allocation); anything else is kept verbatim so that it is
/// written back exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Digest {
    Lower(Box<[u8]>),
    Text(Box<str>),
}

impl Digest {
    /// The digest written as `hex_text`, or `None` if it is not a non-empty hex string.
    fn parse(hex_text: &str) -> Option<Digest> {
        if hex_text.is_empty() {
            return None;
        }
        match hex::decode_lower(hex_text) {
            Some(bytes) => Some(Digest::Lower(bytes.into_boxed_slice())),
            None if hex::is_hex(hex_text) => Some(Digest::Text(hex_text.into())),
            None => None,
        }
    }

    fn hex(&self) -> Cow<'_, str> {
        match self {
            Digest::Lower(b) => Cow::Owned(hex::encode(b)),
            Digest::Text(s) => Cow::Borrowed(s),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        match self {
            Digest::Lower(b) => b.to_vec(),
            Digest::Text(s) => hex::decode(s).unwrap_or_default(),
        }
    }
}

/// A non-empty map of hash algorithm name to hex digest, in the order the file lists them
/// (python-tuf uses the first one for consistent-snapshot target names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hashes(Box<[(Alg, Digest)]>);

impl Hashes {
    /// Hashes from `(algorithm, hex digest)` pairs. Returns `None` if `pairs` is empty, has a
    /// duplicate algorithm, or a digest that is not hex.
    pub fn new<A: AsRef<str>, D: AsRef<str>>(
        pairs: impl IntoIterator<Item = (A, D)>,
    ) -> Option<Hashes> {
        let mut v: Vec<(Alg, Digest)> = Vec::new();
        for (a, d) in pairs {
            let (a, d) = (a.as_ref(), d.as_ref());
            if v.iter().any(|(x, _)| x.name() == a) {
                return None;
            }
            v.push((Alg::from_name(a), Digest::parse(d)?));
        }
        if v.is_empty() {
            return None;
        }
        Some(Hashes(v.into_boxed_slice()))
    }

    /// The SHA-256 of `data`.
    pub fn sha256_of(data: &[u8]) -> Hashes {
        Hashes(Box::new([(
            Alg::Known(HashAlgorithm::Sha256),
            Digest::Lower(Box::new(hash::sha256(data))),
        )]))
    }

    /// Hashes from computed digests, in the order given. `None` if there are none or an
    /// algorithm repeats.
    pub(crate) fn from_digests(
        digests: impl IntoIterator<Item = (HashAlgorithm, Vec<u8>)>,
    ) -> Option<Hashes> {
        let mut v: Vec<(Alg, Digest)> = Vec::new();
        for (a, d) in digests {
            if v.iter().any(|(x, _)| *x == Alg::Known(a)) {
                return None;
            }
            v.push((Alg::Known(a), Digest::Lower(d.into_boxed_slice())));
        }
        (!v.is_empty()).then(|| Hashes(v.into_boxed_slice()))
    }

    /// Hashes from the JSON text of a `hashes` object (`{"sha256": "HEX", ...}`): non-empty,
    /// string values that are hex, no duplicate algorithm.
    pub fn from_json(json: &[u8]) -> Result<Hashes> {
        let mut p = Parser::new(json)?;
        let hashes = Hashes::read(&mut p, &Path::Root)?;
        p.finish()?;
        Ok(hashes)
    }

    /// `(algorithm, hex digest)` pairs in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
        self.0.iter().map(|(a, d)| (a.name(), d.hex()))
    }

    /// The hex digest for `algorithm`.
    pub fn get(&self, algorithm: &str) -> Option<Cow<'_, str>> {
        self.0
            .iter()
            .find(|(a, _)| a.name() == algorithm)
            .map(|(_, d)| d.hex())
    }

    /// The first listed digest (python-tuf's choice for consistent-snapshot target names).
    pub fn first(&self) -> (&str, Cow<'_, str>) {
        // Never empty: every constructor rejects an empty list.
        match self.0.first() {
            Some((a, d)) => (a.name(), d.hex()),
            None => ("", Cow::Borrowed("")),
        }
    }

    /// Checks that every listed hash matches `data`. An algorithm this library does not
    /// support is a failure, as in python-tuf (digest 6.25).
    pub fn verify(&self, what: &str, data: &[u8]) -> Result<()> {
        let mut v = self.verifier(what)?;
        v.update(data);
        v.finish()
    }

    /// A streaming verifier of every listed hash, for data that arrives in pieces.
    pub fn verifier(&self, what: &str) -> Result<HashVerifier> {
        let mut hashers = Vec::with_capacity(self.0.len());
        for (alg, digest) in self.0.iter() {
            let a = match alg {
                Alg::Known(a) => *a,
                Alg::Other(name) => {
                    return Err(Error::LengthOrHashMismatch {
                        what: what.into(),
                        msg: format!("unsupported hash algorithm {}", crate::error::excerpt(name)),
                    })
                }
            };
            hashers.push((hash::Hasher::new(a), digest.bytes(), a.name().to_string()));
        }
        Ok(HashVerifier {
            what: what.into(),
            hashers,
        })
    }

    pub(crate) fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Hashes> {
        let mut v: Vec<(Alg, Digest)> = Vec::with_capacity(1);
        p.object(path, |p, k| {
            let fp = path.key(&k);
            let d = p.string(&fp)?;
            let digest = Digest::parse(&d).ok_or_else(|| fp.error("digest is not a hex string"))?;
            if v.iter().any(|(a, _)| a.name() == k) {
                return Err(fp.error("duplicate key"));
            }
            v.push((Alg::from_name(&k), digest));
            Ok(())
        })?;
        if v.is_empty() {
            return Err(path.error("hashes must not be empty"));
        }
        Ok(Hashes(v.into_boxed_slice()))
    }
}

impl ToJson for Hashes {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        for (a, d) in self.iter() {
            w.key(a);
            w.string(&d);
        }
        w.end_object();
    }
}

/// Verifies data against [`Hashes`] as it arrives.
pub struct HashVerifier {
    what: String,
    hashers: Vec<(hash::Hasher, Vec<u8>, String)>,
}

impl HashVerifier {
    /// Feeds the next piece of data.
    pub fn update(&mut self, data: &[u8]) {
        for (h, _, _) in &mut self.hashers {
            h.update(data);
        }
    }

    /// Checks every digest.
    pub fn finish(self) -> Result<()> {
        for (h, expected, alg) in self.hashers {
            if h.finish() != expected {
                return Err(Error::LengthOrHashMismatch {
                    what: self.what,
                    msg: format!("{alg} hash does not match"),
                });
            }
        }
        Ok(())
    }
}

/// Checks an exact length (python-tuf requires an exact match when a length is given).
pub(crate) fn check_length(what: &str, expected: u64, got: u64) -> Result<()> {
    if expected != got {
        return Err(Error::LengthOrHashMismatch {
            what: what.into(),
            msg: format!("length is {got} bytes, expected {expected}"),
        });
    }
    Ok(())
}
