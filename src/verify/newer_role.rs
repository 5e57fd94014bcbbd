//! Deciding, by verification, whether a newer version of a targets role that another client
//! sharing a cache stored must be kept: the rule that lets several updaters share one cache
//! without rolling it back, and without letting it block fast-forward recovery (5.3.11).

use super::trusted_set::{check_expiry, verify_role};
use super::TrustedSet;
use crate::metadata::{Metadata, RoleType, Snapshot, Targets};

impl TrustedSet {
    /// Whether `role_bytes` (a version of targets role `role`, delegated by the trusted role
    /// `delegator`, found in a cache shared with other clients) is a *newer* version than the
    /// trusted snapshot lists, vouched for by `snapshot_bytes` (the snapshot found in the same
    /// cache). True only when all of these hold:
    ///
    /// - `snapshot_bytes` is a snapshot signed by a threshold of the **trusted** root's
    ///   snapshot keys (5.5.3), not expired (5.5.6), of a version not lower than the trusted
    ///   snapshot's, and it keeps every entry of the trusted snapshot at a version not lower
    ///   (5.5.5);
    /// - it lists `role` at a version higher than the trusted snapshot does, and `role_bytes`
    ///   matches that entry's length and hashes when it has them (5.6.2);
    /// - `role_bytes` has exactly that version (5.6.4), is signed by a threshold of the keys
    ///   the trusted `delegator` gives the role (5.6.3), and is not expired (5.6.5).
    ///
    /// So a newer role another client verified is recognised, while a role that only an
    /// older, superseded state vouched for is not: after the snapshot keys rotate (5.3.11),
    /// a snapshot signed with the old keys no longer verifies, and the recovered, lower
    /// version replaces the cached one. Nothing here becomes trusted; the answer only decides
    /// what a cache keeps. Any parse or verification failure gives false.
    pub fn vouches_for_newer_cached_role(
        &self,
        snapshot_bytes: &[u8],
        role: &str,
        delegator: &str,
        role_bytes: &[u8],
    ) -> bool {
        let Some(trusted) = self.snapshot() else {
            return false;
        };
        let Some(trusted_meta) = trusted.role_meta(role) else {
            return false;
        };
        let Ok(other) = Metadata::<Snapshot>::from_bytes(snapshot_bytes) else {
            return false;
        };
        let signed = other.signed_bytes_with_capacity(snapshot_bytes.len());
        if verify_role(self.root(), RoleType::Snapshot, &signed, &other.signatures).is_err()
            || check_expiry(&other.signed, self.reference_time(), "snapshot").is_err()
            || other.signed.version < trusted.version
        {
            return false;
        }
        let keeps_every_entry = trusted.meta.iter().all(|(name, meta)| {
            other
                .signed
                .meta
                .get(name)
                .is_some_and(|m| m.version >= meta.version)
        });
        if !keeps_every_entry {
            return false;
        }
        let Some(meta) = other.signed.role_meta(role) else {
            return false;
        };
        if meta.version <= trusted_meta.version
            || meta.verify_length_and_hashes(role, role_bytes).is_err()
        {
            return false;
        }
        let Ok(md) = Metadata::<Targets>::from_bytes(role_bytes) else {
            return false;
        };
        md.signed.version == meta.version
            && check_expiry(&md.signed, self.reference_time(), role).is_ok()
            && self
                .verify_targets_signatures(role, delegator, &md, role_bytes.len())
                .is_ok()
    }

    /// Whether `role_bytes` is metadata of targets role `role` that claims a version higher
    /// than the trusted snapshot lists for it: a condition of
    /// [`vouches_for_newer_cached_role`](Self::vouches_for_newer_cached_role) that needs
    /// neither the cached snapshot nor a signature check, only a parse of `role_bytes`. When
    /// false, so is that answer, and the cached snapshot need not even be read. A claim only:
    /// nothing is verified.
    pub fn claims_newer_cached_role(&self, role: &str, role_bytes: &[u8]) -> bool {
        let Some(trusted_meta) = self.snapshot().and_then(|s| s.role_meta(role)) else {
            return false;
        };
        claims_version_above(role_bytes, trusted_meta.version)
    }
}

/// Whether `role_bytes` parses as targets metadata that claims a version above `version`
/// ([`TrustedSet::claims_newer_cached_role`], given the version the trusted snapshot lists).
/// A claim only: nothing is verified.
pub(crate) fn claims_version_above(role_bytes: &[u8], version: u64) -> bool {
    Metadata::<Targets>::from_bytes(role_bytes).is_ok_and(|md| md.signed.version > version)
}
