//! `targets.json` and delegated targets metadata (digest 1.12).

use std::collections::BTreeMap;

use super::delegations::Delegations;
use super::fields::{map, once, required, unknown};
use super::hashes::{check_length, Hashes};
use super::role_type::RoleType;
use super::signed::{Signed, SignedHeader};
use super::time::DateTime;
use crate::crypto::hash::Hasher;
use crate::crypto::HashAlgorithm;
use crate::error::{Error, Result};
use crate::json::{Map, Parser, Path, ToJson, Value, Writer};

/// A target file's description: length, hashes, and optional `custom` data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetFile {
    /// Exact length in bytes.
    pub length: u64,
    /// Hashes of the file (non-empty).
    pub hashes: Hashes,
    /// Unknown fields, including `custom` (python-tuf keeps it among the unrecognised fields).
    pub extra: Map,
}

impl TargetFile {
    /// The description of `data`: its length and SHA-256.
    pub fn from_data(data: &[u8]) -> TargetFile {
        TargetFile {
            length: data.len() as u64,
            hashes: Hashes::sha256_of(data),
            extra: Map::new(),
        }
    }

    /// The description of the data `reader` yields: its length and its digests for each of
    /// `algorithms` (python-tuf's `TargetFile.from_data` and `from_file`), read in pieces so
    /// that a large file is never held in memory. `what` names the data in errors.
    pub fn from_reader(
        mut reader: impl std::io::Read,
        algorithms: &[HashAlgorithm],
        what: &str,
    ) -> Result<TargetFile> {
        let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
        if hashers.is_empty() {
            return Err(Error::InvalidArgument("no hash algorithm given".into()));
        }
        let mut buf = vec![0u8; 64 * 1024];
        let mut length: u64 = 0;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(what, e)),
            };
            length += n as u64;
            for h in &mut hashers {
                h.update(&buf[..n]);
            }
        }
        let hashes = Hashes::from_digests(hashers.into_iter().map(|h| (h.algorithm(), h.finish())))
            .ok_or_else(|| Error::InvalidArgument("a hash algorithm is given twice".into()))?;
        Ok(TargetFile {
            length,
            hashes,
            extra: Map::new(),
        })
    }

    /// [`from_reader`](Self::from_reader) over the bytes `data`.
    pub fn from_data_with(data: &[u8], algorithms: &[HashAlgorithm]) -> Result<TargetFile> {
        Self::from_reader(data, algorithms, "target data")
    }

    /// [`from_reader`](Self::from_reader) over the local file `path`, which must be a regular
    /// file (a device such as `/dev/zero` would never end, and opening a FIFO would block).
    pub fn from_file(path: &std::path::Path, algorithms: &[HashAlgorithm]) -> Result<TargetFile> {
        let regular = |m: std::fs::Metadata| {
            if m.is_file() {
                Ok(())
            } else {
                Err(Error::io(
                    path,
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
                ))
            }
        };
        regular(std::fs::metadata(path).map_err(|e| Error::io(path, e))?)?;
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        // The path may have been replaced between the two looks.
        regular(file.metadata().map_err(|e| Error::io(path, e))?)?;
        Self::from_reader(file, algorithms, &path.display().to_string())
    }

    /// Sets the `custom` field (`None` removes it).
    pub fn set_custom(&mut self, custom: Option<Value>) {
        match custom {
            Some(v) => self.extra.insert("custom".into(), v),
            None => self.extra.remove("custom"),
        };
    }

    /// The `custom` field, if any.
    pub fn custom(&self) -> Option<&Value> {
        self.extra.get("custom")
    }

    /// Checks `data` against the length and every hash (5.7.3). `what` names the target in
    /// errors.
    pub fn verify(&self, what: &str, data: &[u8]) -> Result<()> {
        check_length(what, self.length, data.len() as u64)?;
        self.hashes.verify(what, data)
    }

    /// [`verify`](Self::verify) over a stream: reads `reader` to its end (at most one byte
    /// more than the length, so an endless or overlong stream fails without being read whole),
    /// checking the length and every hash. `Ok(false)` when the bytes do not match, an error
    /// only when `reader` fails.
    pub fn matches_reader(&self, what: &str, reader: impl std::io::Read) -> Result<bool> {
        let mut verifier = self.hashes.verifier(what)?;
        let mut total: u64 = 0;
        let mut buf = vec![0u8; 64 * 1024];
        let mut limited = std::io::Read::take(reader, self.length.saturating_add(1));
        loop {
            let n = match std::io::Read::read(&mut limited, &mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(crate::Error::io(what, e)),
            };
            total += n as u64;
            verifier.update(&buf[..n]);
        }
        Ok(total == self.length && verifier.finish().is_ok())
    }

    pub(crate) fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<TargetFile> {
        let (mut length, mut hashes) = (None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "length" => once(&mut length, p.u64(&fp)?, &fp),
                "hashes" => once(&mut hashes, Hashes::read(p, &fp)?, &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        Ok(TargetFile {
            length: required(length, path, "length")?,
            hashes: required(hashes, path, "hashes")?,
            extra,
        })
    }
}

impl ToJson for TargetFile {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("hashes");
        self.hashes.write_json(w);
        w.key("length");
        w.u64(self.length);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}

/// The signed part of `targets.json` or of a delegated targets role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    pub spec_version: String,
    pub version: u64,
    pub expires: DateTime,
    /// Target files by TARGETPATH (exact string match, no normalisation).
    pub targets: BTreeMap<String, TargetFile>,
    /// Delegations to other targets roles, if any.
    pub delegations: Option<Delegations>,
    /// Unknown fields.
    pub extra: Map,
}

impl Targets {
    /// An empty targets role of version 1.
    pub fn new(expires: DateTime) -> Targets {
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::new(expires);
        Targets {
            spec_version,
            version,
            expires,
            targets: BTreeMap::new(),
            delegations: None,
            extra,
        }
    }
}

impl Targets {
    /// Changes the delegations with `f`, creating them (empty) when absent. When `f` fails,
    /// absent delegations stay absent (the `Delegations` methods change nothing when they
    /// fail).
    pub fn edit_delegations<R>(
        &mut self,
        f: impl FnOnce(&mut Delegations) -> Result<R>,
    ) -> Result<R> {
        let existed = self.delegations.is_some();
        let r = f(self.delegations.get_or_insert_with(Delegations::new));
        if r.is_err() && !existed {
            self.delegations = None;
        }
        r
    }
}

impl Signed for Targets {
    const TYPE: RoleType = RoleType::Targets;

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Targets> {
        let (mut targets, mut delegations) = (None, None);
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::read(p, path, RoleType::Targets, |p, k, fp| {
            match k {
                "targets" => once(&mut targets, map(p, fp, TargetFile::read)?, fp)?,
                "delegations" => once(&mut delegations, Delegations::read(p, fp)?, fp)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Targets {
            spec_version,
            version,
            expires,
            targets: required(targets, path, "targets")?,
            delegations,
            extra,
        })
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn expires(&self) -> DateTime {
        self.expires
    }
}

impl ToJson for Targets {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        SignedHeader::write(
            w,
            RoleType::Targets,
            &self.spec_version,
            self.version,
            self.expires,
            &self.extra,
        );
        if let Some(d) = &self.delegations {
            w.key("delegations");
            d.write_json(w);
        }
        w.key("targets");
        w.begin_object();
        for (path, t) in &self.targets {
            w.key(path);
            t.write_json(w);
        }
        w.end_object();
        w.end_object();
    }
}
