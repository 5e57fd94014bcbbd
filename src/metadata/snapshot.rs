//! `snapshot.json` (digest 1.11).

use std::collections::BTreeMap;

use super::fields::{map, once, required};
use super::meta_file::MetaFile;
use super::role_type::RoleType;
use super::signed::{Signed, SignedHeader};
use super::time::DateTime;
use crate::error::Result;
use crate::json::{Map, Parser, Path, ToJson, Writer};

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
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::new(expires);
        let mut meta = BTreeMap::new();
        meta.insert("targets.json".to_string(), MetaFile::new(1));
        Snapshot {
            spec_version,
            version,
            expires,
            meta,
            extra,
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
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::read(p, path, RoleType::Snapshot, |p, k, fp| {
            if k != "meta" {
                return Ok(false);
            }
            once(&mut meta, map(p, fp, MetaFile::read)?, fp)?;
            Ok(true)
        })?;
        Ok(Snapshot {
            spec_version,
            version,
            expires,
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
        SignedHeader::write(
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
