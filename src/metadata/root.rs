//! `root.json` (digest 1.9).

use std::collections::BTreeMap;

use super::fields::{map, once, positive, required, unique_strings, unknown};
use super::role_type::RoleType;
use super::signed::{Signed, SignedHeader};
use super::time::DateTime;
use super::Key;
use crate::error::Result;
use crate::json::{Map, Parser, Path, ToJson, Writer};

/// The keys and threshold of a role: an entry of root's `roles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleKeys {
    /// Keyids allowed to sign for the role (unique).
    pub keyids: Vec<String>,
    /// How many distinct keys must sign (>= 1).
    pub threshold: u64,
    /// Unknown fields.
    pub extra: Map,
}

impl RoleKeys {
    /// A role with `keyids` and `threshold`.
    pub fn new(keyids: Vec<String>, threshold: u64) -> RoleKeys {
        RoleKeys {
            keyids,
            threshold,
            extra: Map::new(),
        }
    }

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<RoleKeys> {
        let (mut keyids, mut threshold) = (None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "keyids" => once(&mut keyids, unique_strings(p, &fp)?, &fp),
                "threshold" => once(&mut threshold, positive(p, &fp)?, &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        Ok(RoleKeys {
            keyids: required(keyids, path, "keyids")?,
            threshold: required(threshold, path, "threshold")?,
            extra,
        })
    }
}

impl ToJson for RoleKeys {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("keyids");
        w.begin_array();
        for k in &self.keyids {
            w.string(k);
        }
        w.end_array();
        w.key("threshold");
        w.u64(self.threshold);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}

/// The signed part of `root.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub spec_version: String,
    pub version: u64,
    pub expires: DateTime,
    /// `consistent_snapshot`; `None` when absent (which means false) so that it is written
    /// back exactly as read.
    pub consistent_snapshot: Option<bool>,
    /// Keys of all top-level roles, by keyid.
    pub keys: BTreeMap<String, Key>,
    /// `root`, `timestamp`, `snapshot`, `targets`, and any other roles (such as `mirrors`),
    /// which are kept but not used.
    pub roles: BTreeMap<String, RoleKeys>,
    /// Unknown fields.
    pub extra: Map,
}

impl Root {
    /// A root of version 1 with no keys, all four roles with threshold 1 and no keyids, and
    /// `consistent_snapshot: true`.
    pub fn new(expires: DateTime) -> Root {
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::new(expires);
        Root {
            spec_version,
            version,
            expires,
            consistent_snapshot: Some(true),
            keys: BTreeMap::new(),
            roles: RoleType::ALL
                .iter()
                .map(|r| (r.as_str().to_string(), RoleKeys::new(Vec::new(), 1)))
                .collect(),
            extra,
        }
    }

    /// Whether consistent snapshots are on (absent means false, 5.3.12).
    pub fn consistent_snapshot(&self) -> bool {
        self.consistent_snapshot.unwrap_or(false)
    }

    /// The keys and threshold of a top-level role. Parsed roots always have all four; a
    /// root built in code may lack one.
    pub fn role(&self, role: RoleType) -> Option<&RoleKeys> {
        self.roles.get(role.as_str())
    }

    /// Whether the keys of the timestamp or snapshot role differ between `self` and `other`:
    /// another set of keyids, another threshold, or another key under the same keyid. This
    /// is the "keys have been rotated" test of 5.3.11 (fast-forward attack recovery).
    pub fn timestamp_snapshot_keys_differ(&self, other: &Root) -> bool {
        [RoleType::Timestamp, RoleType::Snapshot].iter().any(|r| {
            match (self.role(*r), other.role(*r)) {
                (Some(a), Some(b)) => {
                    let mut ka: Vec<&String> = a.keyids.iter().collect();
                    let mut kb: Vec<&String> = b.keyids.iter().collect();
                    ka.sort();
                    kb.sort();
                    a.threshold != b.threshold
                        || ka != kb
                        || ka
                            .iter()
                            .any(|id| self.keys.get(*id) != other.keys.get(*id))
                }
                _ => true,
            }
        })
    }

    /// Adds `key` to `role` (and to `keys`), as python-tuf's `Root.add_key`.
    pub fn add_key(&mut self, role: RoleType, key: Key) {
        let keyid = key.keyid();
        let entry = self
            .roles
            .entry(role.as_str().to_string())
            .or_insert_with(|| RoleKeys::new(Vec::new(), 1));
        if !entry.keyids.contains(&keyid) {
            entry.keyids.push(keyid.clone());
        }
        self.keys.insert(keyid, key);
    }

    /// Removes the key `keyid` from `role`, and from `keys` if no other role uses it.
    pub fn revoke_key(&mut self, role: RoleType, keyid: &str) {
        if let Some(r) = self.roles.get_mut(role.as_str()) {
            r.keyids.retain(|k| k != keyid);
        }
        if !self
            .roles
            .values()
            .any(|r| r.keyids.iter().any(|k| k == keyid))
        {
            self.keys.remove(keyid);
        }
    }

    /// Adds `key` under `keyid` (which python-tuf does not check against the key) to `role`
    /// and to `keys`, as python-tuf's `Root.add_key` with a key that carries its keyid. Fails if
    /// `keyid` is empty or already names another key: a keyid never stands for two keys
    /// (digest 1.7).
    pub fn add_key_as(&mut self, role: RoleType, keyid: &str, key: Key) -> Result<()> {
        super::key::insert_key(&mut self.keys, keyid, key)?;
        let entry = self
            .roles
            .entry(role.as_str().to_string())
            .or_insert_with(|| RoleKeys::new(Vec::new(), 1));
        if !entry.keyids.iter().any(|k| k == keyid) {
            entry.keyids.push(keyid.to_string());
        }
        Ok(())
    }

    /// [`revoke_key`](Self::revoke_key), failing as python-tuf's `Root.revoke_key` does when
    /// `role` does not list `keyid`.
    pub fn revoke_listed_key(&mut self, role: RoleType, keyid: &str) -> Result<()> {
        if !self
            .role(role)
            .is_some_and(|r| r.keyids.iter().any(|k| k == keyid))
        {
            return Err(crate::Error::InvalidArgument(format!(
                "role {} has no key {}",
                role.as_str(),
                crate::error::excerpt(keyid)
            )));
        }
        self.revoke_key(role, keyid);
        Ok(())
    }

    /// Sets the threshold of `role` (at least 1).
    pub fn set_threshold(&mut self, role: RoleType, threshold: u64) -> Result<()> {
        if threshold == 0 {
            return Err(crate::Error::InvalidArgument(
                "threshold must be at least 1".into(),
            ));
        }
        self.roles
            .entry(role.as_str().to_string())
            .or_insert_with(|| RoleKeys::new(Vec::new(), 1))
            .threshold = threshold;
        Ok(())
    }
}

impl Signed for Root {
    const TYPE: RoleType = RoleType::Root;

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Root> {
        let (mut cs, mut keys, mut roles) = (None, None, None);
        let SignedHeader {
            spec_version,
            version,
            expires,
            extra,
        } = SignedHeader::read(p, path, RoleType::Root, |p, k, fp| {
            match k {
                "consistent_snapshot" => once(&mut cs, p.bool(fp)?, fp)?,
                "keys" => once(&mut keys, map(p, fp, Key::read)?, fp)?,
                "roles" => once(&mut roles, map(p, fp, RoleKeys::read)?, fp)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        let roles: BTreeMap<String, RoleKeys> = required(roles, path, "roles")?;
        for r in RoleType::ALL {
            if !roles.contains_key(r.as_str()) {
                return Err(path
                    .key("roles")
                    .error(format!("missing required role {:?}", r.as_str())));
            }
        }
        Ok(Root {
            spec_version,
            version,
            expires,
            consistent_snapshot: cs,
            keys: required(keys, path, "keys")?,
            roles,
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

impl ToJson for Root {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        SignedHeader::write(
            w,
            RoleType::Root,
            &self.spec_version,
            self.version,
            self.expires,
            &self.extra,
        );
        if let Some(cs) = self.consistent_snapshot {
            w.key("consistent_snapshot");
            w.bool(cs);
        }
        w.key("keys");
        w.begin_object();
        for (id, key) in &self.keys {
            w.key(id);
            key.write_json(w);
        }
        w.end_object();
        w.key("roles");
        w.begin_object();
        for (name, role) in &self.roles {
            w.key(name);
            role.write_json(w);
        }
        w.end_object();
        w.end_object();
    }
}
