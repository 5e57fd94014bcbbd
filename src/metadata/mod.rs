//! The TUF metadata model (digest section 1): typed root, timestamp, snapshot, targets and
//! delegations, keys and signatures.
//!
//! Parsing is strict (duplicate keys, floats, wrong types, missing fields, bad dates and
//! unsupported `spec_version`s are errors naming the offending path), and every object keeps
//! its unknown fields so that the canonical bytes signatures cover are reproduced exactly.

mod common;
mod delegations;
mod envelope;
mod fields;
mod hashes;
mod key;
pub mod matching;
mod meta;
mod root;
mod targets;
pub mod time;

pub use common::{check_spec_version, RoleType, Signed, SPEC_MAJOR, SPEC_VERSION};
pub use delegations::{
    DelegatedRole, DelegatedRoles, Delegations, PathSpec, RoleRequirement, SuccinctRoles,
};
pub use envelope::{Metadata, Signature};
pub use hashes::{HashVerifier, Hashes};
pub use key::Key;
pub use matching::SuccinctBins;
pub use meta::{MetaFile, Snapshot, Timestamp};
pub use root::{RoleKeys, Root};
pub use targets::{TargetFile, Targets};
pub use time::DateTime;
