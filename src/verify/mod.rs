//! Verification: the trusted metadata set, which applies every check of the client workflow
//! (spec 5.2 to 5.6) to bytes the caller fetched. Pure: no file, network or clock access.

mod delegate;
mod newer_role;
mod search;
mod signatures;
mod trusted_set;

pub use delegate::verify_delegate;
pub(crate) use newer_role::claims_version_above;
pub use search::{TargetInfo, DEFAULT_MAX_DELEGATIONS};
pub use signatures::{check_keyids, verify_threshold};
pub(crate) use trusted_set::VerifiedTargets;
pub use trusted_set::{Policy, TimestampUpdate, TrustedSet};
