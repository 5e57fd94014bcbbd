//! `timestamp.json` (digest 1.10).

use super::fields::{map, once, required};
use super::meta_file::MetaFile;
use super::role_type::RoleType;
use super::signed::{Signed, SignedHeader};
use super::time::DateTime;
use crate::error::Result;
use crate::json::{Map, Parser, Path, ToJson, Writer};

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
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::new(expires);
        Timestamp {
            spec_version,
            version,
            expires,
            snapshot_meta: MetaFile::new(1),
            extra,
        }
    }
}

impl Signed for Timestamp {
    const TYPE: RoleType = RoleType::Timestamp;

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Timestamp> {
        let mut meta = None;
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::read(p, path, RoleType::Timestamp, |p, k, fp| {
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
            spec_version,
            version,
            expires,
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
        SignedHeader::write(
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
