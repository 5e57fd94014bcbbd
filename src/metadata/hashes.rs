//! `hashes` and `length` of target files and META entries, and their verification
//! (5.5.2, 5.6.2, 5.7.3; digest 6.23-6.26).

use crate::crypto::{hash, hex, HashAlgorithm};
use crate::error::{Error, Result};
use crate::json::{Parser, Path, ToJson, Writer};

/// A non-empty map of hash algorithm name to hex digest, in the order the file lists them
/// (python-tuf uses the first one for consistent-snapshot target names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hashes(Box<[(Box<str>, Box<str>)]>);

impl Hashes {
    /// Hashes from `(algorithm, hex digest)` pairs. Returns `None` if `pairs` is empty, has a
    /// duplicate algorithm, or a digest that is not hex.
    pub fn new<A: Into<Box<str>>, D: Into<Box<str>>>(
        pairs: impl IntoIterator<Item = (A, D)>,
    ) -> Option<Hashes> {
        let v: Vec<(Box<str>, Box<str>)> = pairs
            .into_iter()
            .map(|(a, d)| (a.into(), d.into()))
            .collect();
        let mut names: Vec<&str> = v.iter().map(|(a, _)| &**a).collect();
        names.sort_unstable();
        names.dedup();
        if v.is_empty() || names.len() != v.len() || v.iter().any(|(_, d)| !valid_hex(d)) {
            return None;
        }
        Some(Hashes(v.into_boxed_slice()))
    }

    /// The SHA-256 of `data`.
    pub fn sha256_of(data: &[u8]) -> Hashes {
        Hashes(Box::new([(
            "sha256".into(),
            hex::encode(&hash::sha256(data)).into(),
        )]))
    }

    /// `(algorithm, hex digest)` pairs in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(a, d)| (&**a, &**d))
    }

    /// The digest for `algorithm`.
    pub fn get(&self, algorithm: &str) -> Option<&str> {
        self.iter().find(|(a, _)| *a == algorithm).map(|(_, d)| d)
    }

    /// The first listed digest (python-tuf's choice for consistent-snapshot target names).
    pub fn first(&self) -> (&str, &str) {
        // Never empty: every constructor rejects an empty list.
        self.iter().next().unwrap_or(("", ""))
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
        for (alg, digest) in self.iter() {
            let a = HashAlgorithm::from_name(alg).ok_or_else(|| Error::LengthOrHashMismatch {
                what: what.into(),
                msg: format!("unsupported hash algorithm {alg:?}"),
            })?;
            let expected = hex::decode(digest).unwrap_or_default();
            hashers.push((hash::Hasher::new(a), expected, alg.to_string()));
        }
        Ok(HashVerifier {
            what: what.into(),
            hashers,
        })
    }

    pub(crate) fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Hashes> {
        let mut v: Vec<(Box<str>, Box<str>)> = Vec::with_capacity(1);
        p.object(path, |p, k| {
            let fp = path.key(&k);
            let d = p.string(&fp)?;
            if !valid_hex(&d) {
                return Err(fp.error("digest is not a hex string"));
            }
            if v.iter().any(|(a, _)| **a == *k) {
                return Err(fp.error("duplicate key"));
            }
            v.push((k.into(), d.into()));
            Ok(())
        })?;
        if v.is_empty() {
            return Err(path.error("hashes must not be empty"));
        }
        Ok(Hashes(v.into_boxed_slice()))
    }
}

fn valid_hex(d: &str) -> bool {
    !d.is_empty() && hex::is_hex(d)
}

impl ToJson for Hashes {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        for (a, d) in self.iter() {
            w.key(a);
            w.string(d);
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
