//! The trusted metadata set: python-tuf's `TrustedMetadataSet`, with the same order of checks,
//! fed raw bytes and a fixed reference time.

use std::collections::HashMap;

use super::signatures::{check_keyids, verify_threshold};
use crate::error::{Error, Result};
use crate::metadata::{
    DateTime, MetaFile, Metadata, RoleType, Root, Signature, Signed, Snapshot, Targets, Timestamp,
};

/// Choices where the specification and python-tuf differ (digest 1.7, 4.3). The default is
/// python-tuf's behaviour, which repositories in the wild rely on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Require every keyid in root and delegations to be the SHA-256 of the canonical key
    /// (the spec's rule; python-tuf does not check it). Off by default.
    pub strict_keyids: bool,
    /// **Unsafe.** Accept expired metadata: skip the freeze checks of the final root
    /// (5.3.10), the timestamp (5.4.4), the snapshot (5.5.6) and every targets role (5.6.5),
    /// and nothing else (signatures, thresholds, versions, lengths and hashes are all still
    /// checked). This gives up the protection against freeze attacks: whoever can replay old,
    /// validly signed metadata (an attacker, or simply a stale copy) keeps the client on it
    /// indefinitely. Off by default; the updater sets it only for an offline updater whose
    /// configuration asks for it (`UpdaterConfig::offline_accept_expired_unsafe`).
    pub accept_expired_unsafe: bool,
}

/// What [`TrustedSet::update_timestamp`] did with a timestamp whose checks passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampUpdate {
    /// The new timestamp is now trusted (and should be persisted).
    Updated,
    /// Its version equals the trusted one: the trusted timestamp is kept and nothing should be
    /// persisted; the update cycle continues with cached metadata (5.4.3.1, python-tuf).
    Unchanged,
}

/// A delegated or top-level targets role in the set, with the role it was verified through.
#[derive(Debug)]
struct LoadedTargets {
    metadata: Metadata<Targets>,
    delegator: String,
}

/// The metadata trusted so far in one update cycle.
///
/// Build it from a trusted root ([`TrustedSet::new`]), then feed it, in the order of the client
/// workflow: any number of new roots ([`update_root`](TrustedSet::update_root)), timestamps
/// (the cached one first, then the remote one), snapshots, the top-level targets and delegated
/// targets. Each update either accepts the bytes, or rejects them with an error and leaves the
/// set as it was, except where noted: a timestamp or snapshot that is valid but expired (or,
/// for snapshot, of another version than the timestamp lists) is kept as a baseline for
/// rollback checks and reported as an error, exactly as python-tuf does with "intermediate"
/// metadata; the next step refuses to use it.
///
/// All expiry checks compare against the one reference time given at construction (5.1); only
/// [`Policy::accept_expired_unsafe`] skips them.
#[derive(Debug)]
pub struct TrustedSet {
    reference_time: DateTime,
    policy: Policy,
    initial_root: Root,
    root: Metadata<Root>,
    timestamp: Option<Metadata<Timestamp>>,
    snapshot: Option<Metadata<Snapshot>>,
    /// The length of the trusted snapshot's bytes.
    snapshot_len: usize,
    targets: HashMap<String, LoadedTargets>,
}

/// Targets metadata of a delegated role that passed every check of
/// [`TrustedSet::verify_delegated_targets`], waiting for
/// [`TrustedSet::insert_verified_targets`]. Only that check makes one. Crate-private, as both
/// functions are: that nothing updates the set in between is the caller's duty, which the
/// public [`TrustedSet::update_delegated_targets`] leaves to no caller.
#[derive(Debug)]
pub(crate) struct VerifiedTargets {
    role: String,
    delegator: String,
    metadata: Metadata<Targets>,
}

/// Targets metadata of a role that passed the first checks of
/// [`TrustedSet::verify_delegated_targets`] (listed in the final snapshot, 5.6.2), parsed,
/// not verified yet: [`TrustedSet::parse_delegated_targets`] makes one,
/// [`TrustedSet::verify_parsed_targets`] verifies it. What it holds may be read only to choose
/// what to fetch.
#[derive(Debug)]
pub(crate) struct ParsedTargets {
    /// The metadata as parsed, unverified.
    pub(crate) metadata: Metadata<Targets>,
    /// The version the final snapshot lists for the role.
    expected_version: u64,
    /// The length of the bytes parsed.
    len: usize,
}

fn state(msg: &str) -> Error {
    Error::State(msg.into())
}

impl TrustedSet {
    /// Loads the trusted root (5.2). It must be signed by a threshold of its own root keys;
    /// its expiry does not matter yet (5.3.10 checks the final root).
    pub fn new(root_bytes: &[u8], reference_time: DateTime, policy: Policy) -> Result<TrustedSet> {
        let root = Metadata::<Root>::from_bytes(root_bytes)?;
        if policy.strict_keyids {
            check_keyids("signed.keys", &root.signed.keys)?;
        }
        let signed = root.signed_bytes_with_capacity(root_bytes.len());
        verify_role(&root.signed, RoleType::Root, &signed, &root.signatures)?;
        Ok(TrustedSet::starting_from(root, reference_time, policy))
    }

    /// An update cycle that trusts `root` (verified by the caller) and nothing else yet.
    fn starting_from(root: Metadata<Root>, reference_time: DateTime, policy: Policy) -> TrustedSet {
        TrustedSet {
            reference_time,
            policy,
            initial_root: root.signed.clone(),
            root,
            timestamp: None,
            snapshot: None,
            snapshot_len: 0,
            targets: HashMap::new(),
        }
    }

    /// A new update cycle from this set's root, as [`TrustedSet::new`] would start one from
    /// that root's bytes (5.2), with `reference_time`, and this set's policy but for
    /// `accept_expired_unsafe`: nothing but the root is kept. The root's signatures (and its
    /// key IDs, under a strict policy) were checked when it became trusted, under the same
    /// policy, so they are not checked again.
    pub(crate) fn restart(
        &self,
        reference_time: DateTime,
        accept_expired_unsafe: bool,
    ) -> TrustedSet {
        let policy = Policy {
            accept_expired_unsafe,
            ..self.policy.clone()
        };
        TrustedSet::starting_from(self.root.clone(), reference_time, policy)
    }

    /// The reference time of this cycle.
    pub fn reference_time(&self) -> DateTime {
        self.reference_time
    }

    /// The trusted root.
    pub fn root(&self) -> &Root {
        &self.root.signed
    }

    /// The trusted timestamp, if any (possibly an expired baseline; see the type docs).
    pub fn timestamp(&self) -> Option<&Timestamp> {
        self.timestamp.as_ref().map(|m| &m.signed)
    }

    /// The trusted snapshot, if any (possibly a baseline that is not final).
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref().map(|m| &m.signed)
    }

    /// The trusted snapshot's entry for the targets role `role`: [`Error::State`] when no
    /// snapshot is trusted, [`Error::Repository`] when it does not list the role.
    pub fn delegated_role_meta(&self, role: &str) -> Result<&MetaFile> {
        self.snapshot()
            .ok_or_else(|| state("snapshot is not loaded"))?
            .role_meta(role)
            .ok_or_else(|| {
                Error::Repository(format!("role {role} was delegated but is not in snapshot"))
            })
    }

    /// The length in bytes of the trusted snapshot (0 before one is loaded): about what
    /// parsing a cached snapshot that may vouch for a newer role costs at least.
    pub(crate) fn snapshot_len(&self) -> usize {
        self.snapshot_len
    }

    /// The trusted top-level targets, if loaded.
    pub fn targets(&self) -> Option<&Targets> {
        self.get_targets("targets")
    }

    /// The trusted targets role `role` (`targets` or a delegated role), if loaded.
    pub fn get_targets(&self, role: &str) -> Option<&Targets> {
        self.targets.get(role).map(|t| &t.metadata.signed)
    }

    /// The role through whose delegation `role` was verified (`root` for `targets`).
    pub fn delegator_of(&self, role: &str) -> Option<&str> {
        self.targets.get(role).map(|t| t.delegator.as_str())
    }

    /// 5.3.11: whether the keys (keyids or threshold) of the timestamp or snapshot role differ
    /// between the root trusted when this set was built and the current root. When they do,
    /// the caller deletes its persisted timestamp and snapshot before loading them, so that
    /// versions inflated with compromised keys cannot block recovery (fast-forward attack).
    pub fn timestamp_snapshot_keys_rotated(&self) -> bool {
        self.initial_root
            .timestamp_snapshot_keys_differ(&self.root.signed)
    }

    /// Verifies and trusts the next root version (5.3.4 to 5.3.7).
    ///
    /// Checks, in python-tuf's order: `_type` is root; signed by a threshold of the **trusted**
    /// root's root keys (5.3.4); version is exactly trusted + 1 (5.3.5); signed by a threshold
    /// of its **own** root keys (5.3.4). Its expiry is not checked (5.3.6): only the final
    /// root's is, by [`update_timestamp`](Self::update_timestamp) (5.3.10).
    pub fn update_root(&mut self, bytes: &[u8]) -> Result<&Root> {
        if self.timestamp.is_some() {
            return Err(state("cannot update root after timestamp"));
        }
        let new = Metadata::<Root>::from_bytes(bytes)?;
        let signed = new.signed_bytes_with_capacity(bytes.len());
        verify_role(&self.root.signed, RoleType::Root, &signed, &new.signatures)?;
        // A trusted root at u64::MAX has no successor: no new version can be N+1.
        let expected = self.root.signed.version.checked_add(1);
        if Some(new.signed.version) != expected {
            return Err(Error::BadVersion {
                role: "root".into(),
                expected: expected
                    .map_or_else(|| "none (at the maximum)".into(), |v| v.to_string()),
                got: new.signed.version,
            });
        }
        if self.policy.strict_keyids {
            check_keyids("signed.keys", &new.signed.keys)?;
        }
        verify_role(&new.signed, RoleType::Root, &signed, &new.signatures)?;
        self.root = new;
        Ok(&self.root.signed)
    }

    /// Verifies a timestamp (5.4): the final root must not be expired (5.3.10); signed by a
    /// threshold of root's timestamp keys (5.4.2); against a trusted timestamp, its version
    /// must not be lower (5.4.3.1; equal keeps the trusted one) and its snapshot version must
    /// not be lower (5.4.3.2). It then becomes trusted; if it is expired (5.4.4) it is kept as
    /// a rollback baseline and [`Error::Expired`] is returned.
    pub fn update_timestamp(&mut self, bytes: &[u8]) -> Result<TimestampUpdate> {
        if self.snapshot.is_some() {
            return Err(state("cannot update timestamp after snapshot"));
        }
        // 5.3.10: the final root must not be expired.
        self.check_expiry(&self.root.signed, "root")?;
        let new = Metadata::<Timestamp>::from_bytes(bytes)?;
        verify_role(
            &self.root.signed,
            RoleType::Timestamp,
            &new.signed_bytes_with_capacity(bytes.len()),
            &new.signatures,
        )?;
        if let Some(old) = &self.timestamp {
            // 5.4.3.1: rollback of the timestamp version.
            if new.signed.version < old.signed.version {
                return Err(Error::BadVersion {
                    role: "timestamp".into(),
                    expected: format!(">= {}", old.signed.version),
                    got: new.signed.version,
                });
            }
            if new.signed.version == old.signed.version {
                return Ok(TimestampUpdate::Unchanged);
            }
            // 5.4.3.2: rollback of the snapshot version.
            let (old_v, new_v) = (
                old.signed.snapshot_meta.version,
                new.signed.snapshot_meta.version,
            );
            if new_v < old_v {
                return Err(Error::BadVersion {
                    role: "snapshot (in timestamp meta)".into(),
                    expected: format!(">= {old_v}"),
                    got: new_v,
                });
            }
        }
        self.timestamp = Some(new);
        self.check_final_timestamp()?;
        Ok(TimestampUpdate::Updated)
    }

    fn check_final_timestamp(&self) -> Result<&Timestamp> {
        let ts = self
            .timestamp()
            .ok_or_else(|| state("timestamp is not loaded"))?;
        // 5.4.4
        self.check_expiry(ts, "timestamp")?;
        Ok(ts)
    }

    /// Verifies a snapshot (5.5): the trusted timestamp must be final (not expired); unless
    /// `trusted` (bytes from the local cache, already verified once), length and hashes must
    /// match the timestamp's meta (5.5.2); signed by a threshold of root's snapshot keys
    /// (5.5.3); against a trusted snapshot, no entry may disappear or go down in version
    /// (5.5.5). It then becomes trusted; if its version differs from the timestamp's (5.5.4)
    /// or it is expired (5.5.6), it is kept as a rollback baseline and an error is returned.
    pub fn update_snapshot(&mut self, bytes: &[u8], trusted: bool) -> Result<&Snapshot> {
        let ts = self.snapshot_may_change()?;
        if !trusted {
            ts.snapshot_meta
                .verify_length_and_hashes("snapshot", bytes)?;
        }
        let new = Metadata::<Snapshot>::from_bytes(bytes)?;
        self.apply_snapshot(new, bytes)
    }

    /// [`update_snapshot`](Self::update_snapshot)`(bytes, true)` for a cached snapshot the
    /// caller parsed already: `parsed` is `bytes` parsed (its error, if it did not parse, is
    /// this one's after the checks of the set's state, as there).
    pub(crate) fn update_cached_snapshot(
        &mut self,
        parsed: Result<Metadata<Snapshot>>,
        bytes: &[u8],
    ) -> Result<&Snapshot> {
        self.snapshot_may_change()?;
        self.apply_snapshot(parsed?, bytes)
    }

    /// The final timestamp, when a snapshot may be loaded now: not after targets.
    fn snapshot_may_change(&self) -> Result<&Timestamp> {
        if self.targets.contains_key("targets") {
            return Err(state("cannot update snapshot after targets"));
        }
        self.check_final_timestamp()
    }

    /// 5.5.3 to 5.5.6 for `new`, which is `bytes` parsed.
    fn apply_snapshot(&mut self, new: Metadata<Snapshot>, bytes: &[u8]) -> Result<&Snapshot> {
        verify_role(
            &self.root.signed,
            RoleType::Snapshot,
            &new.signed_bytes_with_capacity(bytes.len()),
            &new.signatures,
        )?;
        if let Some(old) = &self.snapshot {
            // 5.5.5: every file listed before is still listed, with a version not lower.
            for (name, old_meta) in &old.signed.meta {
                let new_meta = new.signed.meta.get(name).ok_or_else(|| {
                    Error::Repository(format!("new snapshot does not list {name}"))
                })?;
                if new_meta.version < old_meta.version {
                    return Err(Error::BadVersion {
                        role: format!("{name} (in snapshot meta)"),
                        expected: format!(">= {}", old_meta.version),
                        got: new_meta.version,
                    });
                }
            }
        }
        self.snapshot = Some(new);
        self.snapshot_len = bytes.len();
        self.check_final_snapshot()
    }

    fn check_final_snapshot(&self) -> Result<&Snapshot> {
        let snap = self
            .snapshot()
            .ok_or_else(|| state("snapshot is not loaded"))?;
        // 5.5.6
        self.check_expiry(snap, "snapshot")?;
        // 5.5.4
        let ts = self
            .timestamp()
            .ok_or_else(|| state("timestamp is not loaded"))?;
        if snap.version != ts.snapshot_meta.version {
            return Err(Error::BadVersion {
                role: "snapshot".into(),
                expected: ts.snapshot_meta.version.to_string(),
                got: snap.version,
            });
        }
        Ok(snap)
    }

    /// Verifies the top-level targets (5.6.1 to 5.6.5): see
    /// [`update_delegated_targets`](Self::update_delegated_targets), with root as delegator.
    pub fn update_targets(&mut self, bytes: &[u8]) -> Result<&Targets> {
        self.update_delegated_targets(bytes, "targets", "root")
    }

    /// Verifies targets metadata of `role`, delegated by `delegator` (`root` for the top-level
    /// `targets`), which must already be trusted. The snapshot must be final; `role` must be
    /// listed in it; length and hashes must match its entry (5.6.2); signed by a threshold of
    /// the delegator's keys for this role (5.6.3: root's targets keys, or the delegator's
    /// `delegations.keys` with the delegation's keyids and threshold); version equal to the
    /// snapshot's entry (5.6.4); not expired (5.6.5).
    pub fn update_delegated_targets(
        &mut self,
        bytes: &[u8],
        role: &str,
        delegator: &str,
    ) -> Result<&Targets> {
        let verified = self.verify_delegated_targets(bytes, role, delegator)?;
        Ok(self.insert_verified_targets(verified))
    }

    /// The checks of [`update_delegated_targets`](Self::update_delegated_targets) (5.6.2 to
    /// 5.6.5) without trusting the result: what passes them is trusted by
    /// [`insert_verified_targets`](Self::insert_verified_targets), which must come before
    /// anything else updates this set. Takes `&self`, so that several roles can be verified at
    /// once, on other threads, against the same trusted roles.
    pub(crate) fn verify_delegated_targets(
        &self,
        bytes: &[u8],
        role: &str,
        delegator: &str,
    ) -> Result<VerifiedTargets> {
        let parsed = self.parse_delegated_targets(bytes, role)?;
        self.verify_parsed_targets(parsed, role, delegator)
    }

    /// The first half of [`verify_delegated_targets`](Self::verify_delegated_targets): the
    /// snapshot must be final and list `role`, whose length and hashes `bytes` must match
    /// (5.6.2); then `bytes` parsed. Nothing is verified yet: what this returns may be used
    /// only to choose what to fetch, and must go through
    /// [`verify_parsed_targets`](Self::verify_parsed_targets) before anything else.
    pub(crate) fn parse_delegated_targets(
        &self,
        bytes: &[u8],
        role: &str,
    ) -> Result<ParsedTargets> {
        let snapshot = self.check_final_snapshot()?;
        let meta = snapshot
            .role_meta(role)
            .ok_or_else(|| Error::Repository(format!("snapshot does not list {role}.json")))?;
        meta.verify_length_and_hashes(role, bytes)?;
        Ok(ParsedTargets {
            metadata: Metadata::<Targets>::from_bytes(bytes)?,
            expected_version: meta.version,
            len: bytes.len(),
        })
    }

    /// The second half of [`verify_delegated_targets`](Self::verify_delegated_targets), on
    /// what [`parse_delegated_targets`](Self::parse_delegated_targets) of this set returned
    /// for `role`, with no update of this set in between: signatures (5.6.3), version
    /// (5.6.4), expiry (5.6.5).
    pub(crate) fn verify_parsed_targets(
        &self,
        parsed: ParsedTargets,
        role: &str,
        delegator: &str,
    ) -> Result<VerifiedTargets> {
        let ParsedTargets {
            metadata: new,
            expected_version,
            len,
        } = parsed;
        self.verify_targets_signatures(role, delegator, &new, len)?;
        if new.signed.version != expected_version {
            return Err(Error::BadVersion {
                role: role.into(),
                expected: expected_version.to_string(),
                got: new.signed.version,
            });
        }
        // 5.6.5
        self.check_expiry(&new.signed, role)?;
        if self.policy.strict_keyids {
            if let Some(d) = &new.signed.delegations {
                check_keyids("signed.delegations.keys", &d.keys)?;
            }
        }
        Ok(VerifiedTargets {
            role: role.to_string(),
            delegator: delegator.to_string(),
            metadata: new,
        })
    }

    /// Trusts `verified`, which [`verify_delegated_targets`](Self::verify_delegated_targets)
    /// of this set returned, with no update of this set in between.
    pub(crate) fn insert_verified_targets(&mut self, verified: VerifiedTargets) -> &Targets {
        let VerifiedTargets {
            role,
            delegator,
            metadata,
        } = verified;
        self.targets.insert(
            role.clone(),
            LoadedTargets {
                metadata,
                delegator,
            },
        );
        &self.targets[&role].metadata.signed
    }
}

impl TrustedSet {
    /// The freeze check of the workflow (5.3.10, 5.4.4, 5.5.6, 5.6.5): `signed` must not be
    /// expired at the reference time, unless the policy accepts expired metadata
    /// ([`Policy::accept_expired_unsafe`]).
    fn check_expiry<T: Signed>(&self, signed: &T, role: &str) -> Result<()> {
        if self.policy.accept_expired_unsafe {
            return Ok(());
        }
        check_expiry(signed, self.reference_time, role)
    }

    /// 5.6.3: verifies `md` as targets role `role` with the keys and threshold its trusted
    /// delegator gives it: root's targets keys for the top-level `targets` (root delegates to
    /// nothing else), else the delegator's `delegations`.
    pub(super) fn verify_targets_signatures(
        &self,
        role: &str,
        delegator: &str,
        md: &Metadata<Targets>,
        size_hint: usize,
    ) -> Result<()> {
        if delegator != "root" {
            return self.verify_delegated(role, delegator, md, size_hint);
        }
        if role != "targets" {
            return Err(Error::Repository(format!(
                "root delegates only to targets, not {role}"
            )));
        }
        verify_role(
            &self.root.signed,
            RoleType::Targets,
            &md.signed_bytes_with_capacity(size_hint),
            &md.signatures,
        )
    }

    /// Checks that the already trusted targets role `role` is also signed by a threshold of
    /// the keys `delegator` gives it (digest 6.34: a role reached through two delegators must
    /// satisfy each of them).
    pub fn check_delegation(&self, role: &str, delegator: &str) -> Result<()> {
        let loaded = self
            .targets
            .get(role)
            .ok_or_else(|| state(&format!("{role} is not loaded")))?;
        self.verify_delegated(role, delegator, &loaded.metadata, 0)
    }

    /// Verifies `md` as role `role` with the keys and threshold that the trusted targets
    /// role `delegator` gives it in its `delegations` (5.6.3 for delegated roles).
    fn verify_delegated(
        &self,
        role: &str,
        delegator: &str,
        md: &Metadata<Targets>,
        size_hint: usize,
    ) -> Result<()> {
        let parent = self
            .get_targets(delegator)
            .ok_or_else(|| state(&format!("delegator {delegator} is not loaded")))?;
        let delegations = parent
            .delegations
            .as_ref()
            .ok_or_else(|| Error::Repository(format!("{delegator} has no delegations")))?;
        let req = delegations
            .requirement(role)
            .ok_or_else(|| Error::Repository(format!("{delegator} does not delegate to {role}")))?;
        verify_threshold(
            role,
            &delegations.keys,
            req.keyids,
            req.threshold,
            &md.signed_bytes_with_capacity(size_hint),
            &md.signatures,
        )
    }
}

/// Verifies `signatures` over `signed_bytes` with the keys and threshold `root` gives `role`.
pub(super) fn verify_role(
    root: &Root,
    role: RoleType,
    signed_bytes: &[u8],
    signatures: &[Signature],
) -> Result<()> {
    let req = root.role(role).ok_or_else(|| Error::UnsignedMetadata {
        role: role.as_str().into(),
        valid: 0,
        threshold: 1,
    })?;
    verify_threshold(
        role.as_str(),
        &root.keys,
        &req.keyids,
        req.threshold,
        signed_bytes,
        signatures,
    )
}

pub(super) fn check_expiry<T: Signed>(signed: &T, reference: DateTime, role: &str) -> Result<()> {
    if signed.is_expired(reference) {
        return Err(Error::Expired {
            role: role.into(),
            expires: signed.expires().to_string(),
        });
    }
    Ok(())
}
