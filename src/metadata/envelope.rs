//! The signature envelope every metadata file has (digest 1.4):
//! `{"signed": {...}, "signatures": [{"keyid": ..., "sig": ...}]}`.

use std::collections::HashSet;

use super::fields::{once, required, unknown};
use super::signed::Signed;
use crate::crypto::{hex, SigningKey};
use crate::error::Result;
use crate::json::{Map, Parser, Path, Style, ToJson, Writer};

use super::Key;

/// One signature: a keyid and the hex signature over the canonical `signed` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub keyid: String,
    /// Hex encoding of the signature bytes.
    pub sig: String,
    /// Unknown fields (not covered by any signature).
    pub extra: Map,
}

impl Signature {
    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Signature> {
        let (mut keyid, mut sig) = (None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "keyid" => once(&mut keyid, p.string(&fp)?.into_owned(), &fp),
                "sig" => once(&mut sig, p.string(&fp)?.into_owned(), &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        Ok(Signature {
            keyid: required(keyid, path, "keyid")?,
            sig: required(sig, path, "sig")?,
            extra,
        })
    }

    /// The signature bytes, or `None` if `sig` is not hex.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        hex::decode(&self.sig)
    }
}

impl ToJson for Signature {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("keyid");
        w.string(&self.keyid);
        w.key("sig");
        w.string(&self.sig);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}

/// A metadata file: the `signed` payload of role type `T` and its signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata<T> {
    pub signed: T,
    /// Signatures; keyids are unique (python-tuf rejects a file that repeats one).
    pub signatures: Vec<Signature>,
    /// Unknown fields next to `signed` and `signatures` (not covered by any signature).
    pub extra: Map,
}

impl<T: Signed> Metadata<T> {
    /// Unsigned metadata around `signed`.
    pub fn new(signed: T) -> Metadata<T> {
        Metadata {
            signed,
            signatures: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Parses a metadata file. Checks syntax, types, required fields, `_type`, `spec_version`
    /// and all other format rules; verifies no signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<Metadata<T>> {
        let mut p = Parser::new(bytes)?;
        let root = Path::Root;
        let (mut signed, mut signatures) = (None, None);
        let mut extra = Map::new();
        p.object(&root, |p, k| {
            let fp = root.key(&k);
            match &*k {
                "signed" => once(&mut signed, T::read(p, &fp)?, &fp),
                "signatures" => {
                    let mut sigs = Vec::new();
                    let mut ids = HashSet::new();
                    p.array(&fp, |p, i| {
                        let ip = fp.index(i);
                        let s = Signature::read(p, &ip)?;
                        if !ids.insert(s.keyid.clone()) {
                            return Err(ip.key("keyid").error(format!(
                                "multiple signatures found for keyid {:?}",
                                s.keyid
                            )));
                        }
                        sigs.push(s);
                        Ok(())
                    })?;
                    once(&mut signatures, sigs, &fp)
                }
                _ => unknown(p, &mut extra, k, &root),
            }
        })?;
        p.finish()?;
        Ok(Metadata {
            signed: required(signed, &root, "signed")?,
            signatures: required(signatures, &root, "signatures")?,
            extra,
        })
    }

    /// The canonical JSON of `signed`: the bytes signatures cover (digest 1.4, 6.12).
    pub fn signed_bytes(&self) -> Vec<u8> {
        self.signed.to_canonical()
    }

    /// [`signed_bytes`](Self::signed_bytes), with the output buffer sized for `capacity`
    /// bytes (the size of the file this was parsed from is a tight upper bound).
    pub fn signed_bytes_with_capacity(&self, capacity: usize) -> Vec<u8> {
        let mut w = Writer::with_capacity(Style::Canonical, capacity);
        self.signed.write_json(&mut w);
        w.into_bytes()
    }

    /// The file in python-tuf's default format (indented, sorted keys).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_json(Style::Pretty)
    }

    /// Signs with `key`, replacing any signature by the same keyid (python-tuf's
    /// `Metadata.sign`). Returns the keyid used.
    pub fn sign(&mut self, key: &SigningKey) -> Result<String> {
        let keyid = Key::from_signer(key).keyid();
        let sig = key.sign(&self.signed_bytes())?;
        self.signatures.retain(|s| s.keyid != keyid);
        self.signatures.push(Signature {
            keyid: keyid.clone(),
            sig: hex::encode(&sig),
            extra: Map::new(),
        });
        Ok(keyid)
    }
}

impl<T: Signed> ToJson for Metadata<T> {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("signatures");
        w.begin_array();
        for s in &self.signatures {
            s.write_json(w);
        }
        w.end_array();
        w.key("signed");
        self.signed.write_json(w);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}
