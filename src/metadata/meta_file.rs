//! The META entry of `timestamp.json` and `snapshot.json` (digest 1.10, 1.11): the version,
//! and optionally the length and hashes, of a metadata file.

use super::fields::{once, positive, required, unknown};
use super::hashes::Hashes;
use crate::error::Result;
use crate::json::{Map, Parser, Path, ToJson, Writer};

/// An entry of `meta`: the version, and optionally the length and hashes, of a metadata file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaFile {
    /// >= 1.
    pub version: u64,
    /// Exact length in bytes, if given.
    pub length: Option<u64>,
    /// Hashes of the file's bytes, if given (non-empty).
    pub hashes: Option<Hashes>,
    /// Unknown fields.
    pub extra: Map,
}

impl MetaFile {
    /// An entry with only a version.
    pub fn new(version: u64) -> MetaFile {
        MetaFile {
            version,
            length: None,
            hashes: None,
            extra: Map::new(),
        }
    }

    /// An entry with the version, length and SHA-256 of `data`.
    pub fn with_hashes(version: u64, data: &[u8]) -> MetaFile {
        MetaFile {
            version,
            length: Some(data.len() as u64),
            hashes: Some(Hashes::sha256_of(data)),
            extra: Map::new(),
        }
    }

    /// Checks `data` against `length` and `hashes` when they are given (5.5.2, 5.6.2).
    /// `what` names the file in the error.
    pub fn verify_length_and_hashes(&self, what: &str, data: &[u8]) -> Result<()> {
        if let Some(len) = self.length {
            super::hashes::check_length(what, len, data.len() as u64)?;
        }
        if let Some(h) = &self.hashes {
            h.verify(what, data)?;
        }
        Ok(())
    }

    pub(crate) fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<MetaFile> {
        let (mut version, mut length, mut hashes) = (None, None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "version" => once(&mut version, positive(p, &fp)?, &fp),
                "length" => once(&mut length, p.u64(&fp)?, &fp),
                "hashes" => once(&mut hashes, Hashes::read(p, &fp)?, &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        Ok(MetaFile {
            version: required(version, path, "version")?,
            length,
            hashes,
            extra,
        })
    }
}

impl ToJson for MetaFile {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        if let Some(h) = &self.hashes {
            w.key("hashes");
            h.write_json(w);
        }
        if let Some(l) = self.length {
            w.key("length");
            w.u64(l);
        }
        w.key("version");
        w.u64(self.version);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}
