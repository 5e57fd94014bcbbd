//! The unknown fields of any object of a metadata file (python-tuf's `unrecognized_fields`),
//! named by a JSON Pointer (RFC 6901) into the document: `""` (the file), `/signatures/0`,
//! `/signed`, `/signed/keys/KEYID`, `/signed/roles/ROLE`, `/signed/meta/NAME`,
//! `/signed/targets/PATH` (a `/` in the path is written `~1`, a `~` is written `~0`),
//! `/signed/delegations`, `/signed/delegations/keys/KEYID`, `/signed/delegations/roles/N`,
//! `/signed/delegations/succinct_roles`.
//!
//! Unknown fields are kept when a file is read and written back unchanged (digest 1.3); the
//! `custom` field of a target is one of them, as in python-tuf.

use super::{AnyMetadata, DelegatedRoles, Delegations};
use crate::error::{excerpt, Error, Result};
use crate::json::Map;

const ENVELOPE: &[&str] = &["signatures", "signed"];
const SIGNATURE: &[&str] = &["keyid", "sig"];
const COMMON: &[&str] = &["_type", "spec_version", "version", "expires"];
const ROOT: &[&str] = &["consistent_snapshot", "keys", "roles"];
const META: &[&str] = &["meta"];
const TARGETS: &[&str] = &["targets", "delegations"];
const KEY: &[&str] = &["keytype", "scheme", "keyval"];
const ROLE_KEYS: &[&str] = &["keyids", "threshold"];
const META_FILE: &[&str] = &["version", "length", "hashes"];
const TARGET_FILE: &[&str] = &["length", "hashes"];
const DELEGATIONS: &[&str] = &["keys", "roles", "succinct_roles"];
const DELEGATED_ROLE: &[&str] = &[
    "name",
    "keyids",
    "threshold",
    "terminating",
    "paths",
    "path_hash_prefixes",
];
const SUCCINCT_ROLES: &[&str] = &["keyids", "threshold", "bit_length", "name_prefix"];

/// The reference tokens of a JSON Pointer, unescaped (`~1` is `/`, `~0` is `~`).
fn tokens(pointer: &str) -> Result<Vec<String>> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer.strip_prefix('/').ok_or_else(|| {
        Error::InvalidArgument(format!(
            "the JSON Pointer {} does not start with '/'",
            excerpt(pointer)
        ))
    })?;
    rest.split('/')
        .map(|t| {
            let mut out = String::with_capacity(t.len());
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                match (c, c == '~') {
                    (_, false) => out.push(c),
                    (_, true) => match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => {
                            return Err(Error::InvalidArgument(format!(
                                "the JSON Pointer {} has a '~' not followed by 0 or 1",
                                excerpt(pointer)
                            )))
                        }
                    },
                }
            }
            Ok(out)
        })
        .collect()
}

fn index(token: &str) -> Option<usize> {
    // RFC 6901: no leading zeros, digits only.
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// The fields libtuf knows in the object named by `t` (the pointer's tokens) in `md`.
fn known_fields(md: &AnyMetadata, t: &[&str]) -> Vec<&'static str> {
    match t {
        [] => ENVELOPE.to_vec(),
        ["signatures", _] => SIGNATURE.to_vec(),
        ["signed"] => {
            let own = match md {
                AnyMetadata::Root(_) => ROOT,
                AnyMetadata::Timestamp(_) | AnyMetadata::Snapshot(_) => META,
                AnyMetadata::Targets(_) => TARGETS,
            };
            [COMMON, own].concat()
        }
        ["signed", "keys", _] | ["signed", "delegations", "keys", _] => KEY.to_vec(),
        ["signed", "roles", _] => ROLE_KEYS.to_vec(),
        ["signed", "meta", _] => META_FILE.to_vec(),
        ["signed", "targets", _] => TARGET_FILE.to_vec(),
        ["signed", "delegations"] => DELEGATIONS.to_vec(),
        ["signed", "delegations", "roles", _] => DELEGATED_ROLE.to_vec(),
        ["signed", "delegations", "succinct_roles"] => SUCCINCT_ROLES.to_vec(),
        _ => Vec::new(),
    }
}

/// The unknown fields of the object of `d` named by `t` (the tokens after
/// `/signed/delegations`).
fn in_delegations<'a>(d: &'a Delegations, t: &[&str]) -> Option<&'a Map> {
    match (t, &d.roles) {
        ([], _) => Some(&d.extra),
        (["keys", id], _) => d.keys.get(*id).map(|k| &k.extra),
        (["roles", i], DelegatedRoles::Roles(r)) => {
            index(i).and_then(|i| r.get(i)).map(|r| &r.extra)
        }
        (["succinct_roles"], DelegatedRoles::Succinct(s)) => Some(&s.extra),
        _ => None,
    }
}

/// [`in_delegations`], mutable.
fn in_delegations_mut<'a>(d: &'a mut Delegations, t: &[&str]) -> Option<&'a mut Map> {
    match (t, &mut d.roles) {
        ([], _) => Some(&mut d.extra),
        (["keys", id], _) => d.keys.get_mut(*id).map(|k| &mut k.extra),
        (["roles", i], DelegatedRoles::Roles(r)) => {
            index(i).and_then(|i| r.get_mut(i)).map(|r| &mut r.extra)
        }
        (["succinct_roles"], DelegatedRoles::Succinct(s)) => Some(&mut s.extra),
        _ => None,
    }
}

/// The unknown fields of the object of `md` named by `t`.
fn locate<'a>(md: &'a AnyMetadata, t: &[&str]) -> Option<&'a Map> {
    match (md, t) {
        (_, []) => Some(md.envelope_extra()),
        (_, ["signatures", i]) => index(i)
            .and_then(|i| md.signatures().get(i))
            .map(|s| &s.extra),
        (_, ["signed"]) => Some(md.signed_extra()),
        (AnyMetadata::Root(m), ["signed", "keys", id]) => m.signed.keys.get(*id).map(|k| &k.extra),
        (AnyMetadata::Root(m), ["signed", "roles", name]) => {
            m.signed.roles.get(*name).map(|r| &r.extra)
        }
        (_, ["signed", "meta", name]) => md.meta_entry(name).map(|m| &m.extra),
        (AnyMetadata::Targets(m), ["signed", "targets", path]) => {
            m.signed.targets.get(*path).map(|t| &t.extra)
        }
        (AnyMetadata::Targets(m), ["signed", "delegations", rest @ ..]) => m
            .signed
            .delegations
            .as_ref()
            .and_then(|d| in_delegations(d, rest)),
        _ => None,
    }
}

/// [`locate`], mutable.
fn locate_mut<'a>(md: &'a mut AnyMetadata, t: &[&str]) -> Option<&'a mut Map> {
    match (md, t) {
        (md, []) => Some(md.envelope_extra_mut()),
        (md, ["signatures", i]) => index(i)
            .and_then(|i| md.signatures_mut().get_mut(i))
            .map(|s| &mut s.extra),
        (md, ["signed"]) => Some(md.signed_extra_mut()),
        (AnyMetadata::Root(m), ["signed", "keys", id]) => {
            m.signed.keys.get_mut(*id).map(|k| &mut k.extra)
        }
        (AnyMetadata::Root(m), ["signed", "roles", name]) => {
            m.signed.roles.get_mut(*name).map(|r| &mut r.extra)
        }
        (AnyMetadata::Timestamp(m), ["signed", "meta", name]) => {
            (*name == "snapshot.json").then_some(&mut m.signed.snapshot_meta.extra)
        }
        (AnyMetadata::Snapshot(m), ["signed", "meta", name]) => {
            m.signed.meta.get_mut(*name).map(|m| &mut m.extra)
        }
        (AnyMetadata::Targets(m), ["signed", "targets", path]) => {
            m.signed.targets.get_mut(*path).map(|t| &mut t.extra)
        }
        (AnyMetadata::Targets(m), ["signed", "delegations", rest @ ..]) => m
            .signed
            .delegations
            .as_mut()
            .and_then(|d| in_delegations_mut(d, rest)),
        _ => None,
    }
}

impl AnyMetadata {
    fn no_object(&self, pointer: &str) -> Error {
        Error::InvalidArgument(format!(
            "{} names no object with unknown fields in this {} metadata",
            excerpt(pointer),
            self.role_type().as_str()
        ))
    }

    /// The unknown fields of the object at the JSON Pointer `pointer` (see the module
    /// documentation). Fails if `pointer` names no such object.
    pub fn unrecognized_fields(&self, pointer: &str) -> Result<&Map> {
        let t = tokens(pointer)?;
        let t: Vec<&str> = t.iter().map(String::as_str).collect();
        locate(self, &t).ok_or_else(|| self.no_object(pointer))
    }

    /// Replaces the unknown fields of the object at `pointer` by `fields`. Fails, changing
    /// nothing, if `pointer` names no such object or `fields` has a field libtuf knows there
    /// (which would be written twice).
    pub fn set_unrecognized_fields(&mut self, pointer: &str, fields: Map) -> Result<()> {
        let t = tokens(pointer)?;
        let t: Vec<&str> = t.iter().map(String::as_str).collect();
        let known = known_fields(self, &t);
        if let Some(k) = fields.keys().find(|k| known.contains(&k.as_str())) {
            return Err(Error::InvalidArgument(format!(
                "{} is a known field of {}, not an unknown one",
                excerpt(k),
                excerpt(pointer)
            )));
        }
        let err = self.no_object(pointer);
        let slot = locate_mut(self, &t).ok_or(err)?;
        *slot = fields;
        Ok(())
    }
}
