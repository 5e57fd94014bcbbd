//! `delegations` of targets metadata: classic `roles` or TAP 15 `succinct_roles`
//! (digest 1.12, 4).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use super::fields::{map, once, positive, required, strings, unique_strings, unknown};
use super::fnmatch::path_matches_pattern;
use super::hash_prefix::{path_hash_prefix_matches, target_path_hash_hex};
use super::role_type::RoleType;
use super::succinct::SuccinctBins;
use super::Key;
use crate::error::{excerpt, Error, Result};
use crate::json::{Map, Parser, Path, ToJson, Writer};

/// Which targets a delegated role is trusted for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSpec {
    /// `paths`: glob patterns, matched segment by segment (digest 4.1).
    Paths(Vec<String>),
    /// `path_hash_prefixes`: prefixes of the hex SHA-256 of the target path (digest 4.2).
    HashPrefixes(Vec<String>),
}

/// An entry of `delegations.roles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegatedRole {
    /// Role name: unique, not empty, not a top-level role name.
    pub name: String,
    /// Keyids (in the delegator's `delegations.keys`) allowed to sign.
    pub keyids: Vec<String>,
    /// Distinct keys needed (>= 1).
    pub threshold: u64,
    /// Whether a match stops the search from considering later delegations (5.6.7.2.1).
    pub terminating: bool,
    /// The paths this role is trusted for.
    pub paths: PathSpec,
    /// Unknown fields.
    pub extra: Map,
}

impl DelegatedRole {
    /// A delegation to `name` with no keyids yet (add them with [`Delegations::add_key_as`]).
    /// The name must not be empty or a top-level role name, and the threshold must be at
    /// least 1, as python-tuf requires (digest 1.12).
    pub fn new(name: &str, threshold: u64, terminating: bool, paths: PathSpec) -> Result<Self> {
        if name.is_empty() {
            return Err(Error::InvalidArgument("role name must not be empty".into()));
        }
        if RoleType::is_top_level(name) {
            return Err(Error::InvalidArgument(format!(
                "{} is a top-level role name",
                excerpt(name)
            )));
        }
        if threshold == 0 {
            return Err(Error::InvalidArgument(
                "threshold must be at least 1".into(),
            ));
        }
        Ok(DelegatedRole {
            name: name.into(),
            keyids: Vec::new(),
            threshold,
            terminating,
            paths,
            extra: Map::new(),
        })
    }

    /// Whether `target` is within this role's paths (digest 4.1, 4.2).
    pub fn covers(&self, target: &str) -> bool {
        self.covers_with(target, &std::cell::OnceCell::new())
    }

    /// [`covers`](Self::covers), with the target's hex SHA-256 computed at most once for
    /// all the roles of a delegation (`path_hash_prefixes`, digest 4.2).
    fn covers_with(&self, target: &str, hash_hex: &std::cell::OnceCell<String>) -> bool {
        match &self.paths {
            PathSpec::Paths(patterns) => patterns.iter().any(|p| path_matches_pattern(target, p)),
            PathSpec::HashPrefixes(prefixes) => {
                let hex = hash_hex.get_or_init(|| target_path_hash_hex(target));
                prefixes.iter().any(|p| path_hash_prefix_matches(hex, p))
            }
        }
    }

    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<DelegatedRole> {
        let (mut name, mut keyids, mut threshold, mut terminating) = (None, None, None, None);
        let (mut paths, mut prefixes) = (None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "name" => once(&mut name, p.string(&fp)?.into_owned(), &fp),
                "keyids" => once(&mut keyids, unique_strings(p, &fp)?, &fp),
                "threshold" => once(&mut threshold, positive(p, &fp)?, &fp),
                "terminating" => once(&mut terminating, p.bool(&fp)?, &fp),
                "paths" => once(&mut paths, strings(p, &fp)?, &fp),
                "path_hash_prefixes" => once(&mut prefixes, strings(p, &fp)?, &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        let name: String = required(name, path, "name")?;
        if name.is_empty() {
            return Err(path.key("name").error("role name must not be empty"));
        }
        if RoleType::is_top_level(&name) {
            return Err(path
                .key("name")
                .error(format!("{} is a top-level role name", excerpt(&name))));
        }
        // python-tuf requires exactly one of the two (digest 1.12).
        let paths = match (paths, prefixes) {
            (Some(p), None) => PathSpec::Paths(p),
            (None, Some(h)) => PathSpec::HashPrefixes(h),
            _ => {
                return Err(
                    path.error("exactly one of \"paths\" and \"path_hash_prefixes\" is required")
                )
            }
        };
        Ok(DelegatedRole {
            name,
            keyids: required(keyids, path, "keyids")?,
            threshold: required(threshold, path, "threshold")?,
            terminating: required(terminating, path, "terminating")?,
            paths,
            extra,
        })
    }
}

impl ToJson for DelegatedRole {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("keyids");
        write_strings(w, &self.keyids);
        w.key("name");
        w.string(&self.name);
        match &self.paths {
            PathSpec::Paths(p) => {
                w.key("paths");
                write_strings(w, p);
            }
            PathSpec::HashPrefixes(h) => {
                w.key("path_hash_prefixes");
                write_strings(w, h);
            }
        }
        w.key("terminating");
        w.bool(self.terminating);
        w.key("threshold");
        w.u64(self.threshold);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}

fn write_strings(w: &mut Writer, items: &[String]) {
    w.begin_array();
    for s in items {
        w.string(s);
    }
    w.end_array();
}

/// TAP 15 `succinct_roles`: 2^bit_length hash bins sharing keys and threshold (digest 4.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuccinctRoles {
    pub keyids: Vec<String>,
    pub threshold: u64,
    /// The bins, from `bit_length` (1..=32) and `name_prefix`.
    pub bins: SuccinctBins,
    /// Unknown fields.
    pub extra: Map,
}

impl SuccinctRoles {
    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<SuccinctRoles> {
        let (mut keyids, mut threshold, mut bits, mut prefix) = (None, None, None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "keyids" => once(&mut keyids, unique_strings(p, &fp)?, &fp),
                "threshold" => once(&mut threshold, positive(p, &fp)?, &fp),
                "bit_length" => once(&mut bits, p.u64(&fp)?, &fp),
                "name_prefix" => once(&mut prefix, p.string(&fp)?.into_owned(), &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        let bits: u64 = required(bits, path, "bit_length")?;
        let prefix: String = required(prefix, path, "name_prefix")?;
        if !(1..=32).contains(&bits) {
            return Err(path.key("bit_length").error("must be between 1 and 32"));
        }
        let bins = SuccinctBins::new(bits, prefix)
            .map_err(|e| path.key("bit_length").error(e.to_string()))?;
        Ok(SuccinctRoles {
            keyids: required(keyids, path, "keyids")?,
            threshold: required(threshold, path, "threshold")?,
            bins,
            extra,
        })
    }
}

impl ToJson for SuccinctRoles {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("bit_length");
        w.u64(u64::from(self.bins.bit_length()));
        w.key("keyids");
        write_strings(w, &self.keyids);
        w.key("name_prefix");
        w.string(self.bins.name_prefix());
        w.key("threshold");
        w.u64(self.threshold);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}

/// The two forms of delegation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DelegatedRoles {
    /// An ordered list: earlier entries have priority (digest 1.12).
    Roles(Vec<DelegatedRole>),
    /// Hash bins (TAP 15).
    Succinct(SuccinctRoles),
}

/// `delegations`: keys, and either `roles` or `succinct_roles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delegations {
    /// Keys of the delegated roles, by keyid. Delegated roles are verified with these, never
    /// with root's keys (digest 6.14).
    pub keys: BTreeMap<String, Key>,
    /// The delegations.
    pub roles: DelegatedRoles,
    /// Unknown fields.
    pub extra: Map,
}

/// The keys and threshold a delegated role must be signed with.
#[derive(Clone, Copy, Debug)]
pub struct RoleRequirement<'a> {
    pub keyids: &'a [String],
    pub threshold: u64,
}

impl Delegations {
    /// Classic delegations with no roles yet.
    pub fn new() -> Delegations {
        Delegations {
            keys: BTreeMap::new(),
            roles: DelegatedRoles::Roles(Vec::new()),
            extra: Map::new(),
        }
    }

    /// The delegated roles that cover `target`, in priority order, each with whether it is
    /// terminating. Succinct bins yield the one bin of the target, as terminating (python-tuf's
    /// choice; TAP 15 calls bins non-terminating, digest 4.3).
    pub fn roles_for_target<'a>(
        &'a self,
        target: &'a str,
    ) -> Box<dyn Iterator<Item = (Cow<'a, str>, bool)> + 'a> {
        match &self.roles {
            DelegatedRoles::Roles(roles) => {
                let hash_hex = std::cell::OnceCell::new();
                Box::new(
                    roles
                        .iter()
                        .filter(move |r| r.covers_with(target, &hash_hex))
                        .map(|r| (Cow::Borrowed(r.name.as_str()), r.terminating)),
                )
            }
            DelegatedRoles::Succinct(s) => Box::new(std::iter::once((
                Cow::Owned(s.bins.bin_for_target(target)),
                true,
            ))),
        }
    }

    /// The keyids and threshold of the delegated role `name`, if this delegates to it.
    pub fn requirement(&self, name: &str) -> Option<RoleRequirement<'_>> {
        match &self.roles {
            DelegatedRoles::Roles(roles) => {
                roles
                    .iter()
                    .find(|r| r.name == name)
                    .map(|r| RoleRequirement {
                        keyids: &r.keyids,
                        threshold: r.threshold,
                    })
            }
            DelegatedRoles::Succinct(s) => s.bins.parse_bin_name(name).map(|_| RoleRequirement {
                keyids: &s.keyids,
                threshold: s.threshold,
            }),
        }
    }

    /// The keyids of the delegated role `role`, or of the succinct roles when `role` is
    /// `None`, mutable; an error names what is missing.
    fn role_keyids_mut(&mut self, role: Option<&str>) -> Result<&mut Vec<String>> {
        match (&mut self.roles, role) {
            (DelegatedRoles::Roles(roles), Some(name)) => roles
                .iter_mut()
                .find(|r| r.name == name)
                .map(|r| &mut r.keyids)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!("no delegated role {}", excerpt(name)))
                }),
            (DelegatedRoles::Succinct(s), None) => Ok(&mut s.keyids),
            (DelegatedRoles::Roles(_), None) => Err(Error::InvalidArgument(
                "these delegations have no succinct roles: name a delegated role".into(),
            )),
            (DelegatedRoles::Succinct(_), Some(_)) => Err(Error::InvalidArgument(
                "these delegations are succinct roles: give no role name".into(),
            )),
        }
    }

    /// Adds `key` under `keyid` to `keys` and to the keyids of the delegated role `role`, or
    /// of the succinct roles when `role` is `None` (python-tuf's `Targets.add_key`). Fails if
    /// the role does not exist, or if `keyid` is empty or already names another key.
    pub fn add_key_as(&mut self, role: Option<&str>, keyid: &str, key: Key) -> Result<()> {
        self.role_keyids_mut(role)?;
        super::key::insert_key(&mut self.keys, keyid, key)?;
        let keyids = self.role_keyids_mut(role)?;
        if !keyids.iter().any(|k| k == keyid) {
            keyids.push(keyid.to_string());
        }
        Ok(())
    }

    /// Removes `keyid` from the delegated role `role` (the succinct roles when `None`), and
    /// from `keys` when no role uses it any more (python-tuf's `Targets.revoke_key`). Fails if
    /// the role does not list it.
    pub fn revoke_key(&mut self, role: Option<&str>, keyid: &str) -> Result<()> {
        let keyids = self.role_keyids_mut(role)?;
        let before = keyids.len();
        keyids.retain(|k| k != keyid);
        if keyids.len() == before {
            return Err(Error::InvalidArgument(format!(
                "the role has no key {}",
                excerpt(keyid)
            )));
        }
        let used = match &self.roles {
            DelegatedRoles::Roles(roles) => {
                roles.iter().any(|r| r.keyids.iter().any(|k| k == keyid))
            }
            DelegatedRoles::Succinct(s) => s.keyids.iter().any(|k| k == keyid),
        };
        if !used {
            self.keys.remove(keyid);
        }
        Ok(())
    }

    /// Sets the threshold of the delegated role `role` (the succinct roles when `None`).
    pub fn set_threshold(&mut self, role: Option<&str>, threshold: u64) -> Result<()> {
        if threshold == 0 {
            return Err(Error::InvalidArgument(
                "threshold must be at least 1".into(),
            ));
        }
        self.role_keyids_mut(role)?;
        match (&mut self.roles, role) {
            (DelegatedRoles::Roles(roles), Some(name)) => {
                if let Some(r) = roles.iter_mut().find(|r| r.name == name) {
                    r.threshold = threshold;
                }
            }
            (DelegatedRoles::Succinct(s), _) => s.threshold = threshold,
            _ => {}
        }
        Ok(())
    }

    /// Appends the delegation `role` (last in priority). Fails if a role of that name is
    /// already delegated or these are succinct delegations.
    pub fn add_role(&mut self, role: DelegatedRole) -> Result<()> {
        match &mut self.roles {
            DelegatedRoles::Roles(roles) => {
                if roles.iter().any(|r| r.name == role.name) {
                    return Err(Error::InvalidArgument(format!(
                        "role {} is already delegated",
                        excerpt(&role.name)
                    )));
                }
                roles.push(role);
                Ok(())
            }
            DelegatedRoles::Succinct(_) => Err(Error::InvalidArgument(
                "these delegations are succinct roles; they cannot have other roles".into(),
            )),
        }
    }

    /// Removes the delegation to `name`. Its keys stay in `keys`.
    pub fn remove_role(&mut self, name: &str) -> Result<()> {
        if let DelegatedRoles::Roles(roles) = &mut self.roles {
            if let Some(i) = roles.iter().position(|r| r.name == name) {
                roles.remove(i);
                return Ok(());
            }
        }
        Err(Error::InvalidArgument(format!(
            "no delegated role {}",
            excerpt(name)
        )))
    }

    /// Makes these delegations TAP 15 succinct roles with `bins` and `threshold` (digest 4.3),
    /// keeping `keys`, and the keyids if they already were succinct. Fails if classic roles
    /// are delegated (remove them first).
    pub fn set_succinct(&mut self, bins: SuccinctBins, threshold: u64) -> Result<()> {
        if threshold == 0 {
            return Err(Error::InvalidArgument(
                "threshold must be at least 1".into(),
            ));
        }
        let keyids = match &self.roles {
            DelegatedRoles::Roles(roles) if !roles.is_empty() => {
                return Err(Error::InvalidArgument(
                    "classic roles are delegated; remove them before delegating to succinct roles"
                        .into(),
                ))
            }
            DelegatedRoles::Roles(_) => Vec::new(),
            DelegatedRoles::Succinct(s) => s.keyids.clone(),
        };
        let extra = match &self.roles {
            DelegatedRoles::Succinct(s) => s.extra.clone(),
            DelegatedRoles::Roles(_) => Map::new(),
        };
        self.roles = DelegatedRoles::Succinct(SuccinctRoles {
            keyids,
            threshold,
            bins,
            extra,
        });
        Ok(())
    }

    pub(crate) fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Delegations> {
        let (mut keys, mut roles, mut succinct) = (None, None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "keys" => once(&mut keys, map(p, &fp, Key::read)?, &fp),
                "roles" => {
                    let mut list = Vec::new();
                    let mut names = HashSet::new();
                    p.array(&fp, |p, i| {
                        let ip = fp.index(i);
                        let role = DelegatedRole::read(p, &ip)?;
                        if !names.insert(role.name.clone()) {
                            return Err(ip
                                .key("name")
                                .error(format!("duplicate role name {}", excerpt(&role.name))));
                        }
                        list.push(role);
                        Ok(())
                    })?;
                    once(&mut roles, list, &fp)
                }
                "succinct_roles" => once(&mut succinct, SuccinctRoles::read(p, &fp)?, &fp),
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        let roles = match (roles, succinct) {
            (Some(r), None) => DelegatedRoles::Roles(r),
            (None, Some(s)) => DelegatedRoles::Succinct(s),
            _ => {
                return Err(
                    path.error("exactly one of \"roles\" and \"succinct_roles\" is required")
                )
            }
        };
        Ok(Delegations {
            keys: required(keys, path, "keys")?,
            roles,
            extra,
        })
    }
}

impl Default for Delegations {
    fn default() -> Delegations {
        Delegations::new()
    }
}

impl ToJson for Delegations {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("keys");
        w.begin_object();
        for (id, key) in &self.keys {
            w.key(id);
            key.write_json(w);
        }
        w.end_object();
        match &self.roles {
            DelegatedRoles::Roles(roles) => {
                w.key("roles");
                w.begin_array();
                for r in roles {
                    r.write_json(w);
                }
                w.end_array();
            }
            DelegatedRoles::Succinct(s) => {
                w.key("succinct_roles");
                s.write_json(w);
            }
        }
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}
