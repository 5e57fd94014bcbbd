//! `timestamp.json` and `snapshot.json` (digest 1.10, 1.11), and the META entry they share.

use std::collections::BTreeMap;

use super::common::{read_signed, write_common, RoleType, Signed, SPEC_VERSION};
use super::fields::{map, once, positive, required, unknown};
use super::hashes::Hashes;
use super::time::DateTime;
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

/// The signed part of `timestamp.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub spec_version: String,
    pub version: u64,
    pub expires: DateTime,
    /// `meta["snapshot.json"]`, the only entry `meta` may have (digest 1.10).
    pub snapshot_meta: MetaFile,
    /// Unknown fields.
    pub extra: Map,
}

impl Timestamp {
    /// A timestamp of version 1 pointing at snapshot version 1.
    pub fn new(expires: DateTime) -> Timestamp {
        Timestamp {
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires,
            snapshot_meta: MetaFile::new(1),
            extra: Map::new(),
        }
    }
}

impl Signed for Timestamp {
    const TYPE: RoleType = RoleType::Timestamp;

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Timestamp> {
        let mut meta = None;
        let (c, extra) = read_signed(p, path, RoleType::Timestamp, |p, k, fp| {
            if k != "meta" {
                return Ok(false);
            }
            let mut m = map(p, fp, MetaFile::read)?;
            let snap = m
                .remove("snapshot.json")
                .ok_or_else(|| fp.error("missing required entry \"snapshot.json\""))?;
            if let Some(other) = m.keys().next() {
                return Err(fp
                    .key(other)
                    .error("timestamp meta may only contain \"snapshot.json\""));
            }
            once(&mut meta, snap, fp)?;
            Ok(true)
        })?;
        Ok(Timestamp {
            spec_version: c.spec_version,
            version: c.version,
            expires: c.expires,
            snapshot_meta: required(meta, path, "meta")?,
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

impl ToJson for Timestamp {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        write_common(
            w,
            RoleType::Timestamp,
            &self.spec_version,
            self.version,
            self.expires,
            &self.extra,
        );
        w.key("meta");
        w.begin_object();
        w.key("snapshot.json");
        self.snapshot_meta.write_json(w);
        w.end_object();
        w.end_object();
    }
}

/// The signed part of `snapshot.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub spec_version: String,
    pub version: u64,
    pub expires: DateTime,
    /// Every targets metadata file, by file name (`targets.json`, `ROLE.json`).
    pub meta: BTreeMap<String, MetaFile>,
    /// Unknown fields.
    pub extra: Map,
}

impl Snapshot {
    /// A snapshot of version 1 listing `targets.json` version 1.
    pub fn new(expires: DateTime) -> Snapshot {
        let mut meta = BTreeMap::new();
        meta.insert("targets.json".to_string(), MetaFile::new(1));
        Snapshot {
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires,
            meta,
            extra: Map::new(),
        }
    }

    /// The entry of role `role` (`ROLE.json`).
    pub fn role_meta(&self, role: &str) -> Option<&MetaFile> {
        let mut name = String::with_capacity(role.len() + 5);
        name.push_str(role);
        name.push_str(".json");
        self.meta.get(&name)
    }
}

impl Signed for Snapshot {
    const TYPE: RoleType = RoleType::Snapshot;

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Snapshot> {
        let mut meta = None;
        let (c, extra) = read_signed(p, path, RoleType::Snapshot, |p, k, fp| {
            if k != "meta" {
                return Ok(false);
            }
            once(&mut meta, map(p, fp, MetaFile::read)?, fp)?;
            Ok(true)
        })?;
        Ok(Snapshot {
            spec_version: c.spec_version,
            version: c.version,
            expires: c.expires,
            meta: required(meta, path, "meta")?,
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

impl ToJson for Snapshot {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        write_common(
            w,
            RoleType::Snapshot,
            &self.spec_version,
            self.version,
            self.expires,
            &self.extra,
        );
        w.key("meta");
        w.begin_object();
        for (name, m) in &self.meta {
            w.key(name);
            m.write_json(w);
        }
        w.end_object();
        w.end_object();
    }
}
