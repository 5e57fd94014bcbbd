//! The TUF metadata model (digest section 1): typed root, timestamp, snapshot, targets and
//! delegations, keys and signatures.
//!
//! Parsing is strict (duplicate keys, floats, wrong types, missing fields, bad dates and
//! unsupported `spec_version`s are errors naming the offending path), and every object keeps
//! its unknown fields so that the canonical bytes signatures cover are reproduced exactly.
//!
//! For tools that build and edit metadata (python-tuf's Metadata API): [`AnyMetadata`] holds
//! metadata of any role, with its unknown fields addressed by JSON Pointer, and [`Signer`]
//! signs it with a key held here ([`KeySigner`]) or elsewhere.

mod any;
mod delegations;
mod envelope;
mod fields;
mod fnmatch;
mod hash_prefix;
mod hashes;
mod key;
mod meta_file;
mod role_type;
mod root;
mod signed;
mod signer;
mod snapshot;
mod succinct;
mod targets;
pub mod time;
mod timestamp;
mod unrecognized;

pub use any::AnyMetadata;
pub use delegations::{
    DelegatedRole, DelegatedRoles, Delegations, PathSpec, RoleRequirement, SuccinctRoles,
};
pub use envelope::{Metadata, Signature};
pub use hashes::{HashVerifier, Hashes};
pub use key::Key;
pub use meta_file::MetaFile;
pub use role_type::RoleType;
pub use root::{RoleKeys, Root};
pub use signed::{check_spec_version, Signed, SPEC_MAJOR, SPEC_VERSION};
pub use signer::{KeySigner, Signer};
pub use snapshot::Snapshot;
pub use succinct::SuccinctBins;
pub use targets::{TargetFile, Targets};
pub use time::DateTime;
pub use timestamp::Timestamp;

pub mod matching {
    //! Which delegation covers a target path (digest section 4).
    //!
    //! Three independent mechanisms decide whether a delegated role is trusted for a target:
    //!
    //! - `paths`: glob patterns ([`path_matches_pattern`], digest 4.1),
    //! - `path_hash_prefixes`: prefixes of the target path's SHA-256
    //!   ([`matches_any_hash_prefix`], digest 4.2),
    //! - succinct hash bins (TAP 15): [`SuccinctBins`] (digest 4.3).
    //!
    //! Everything here is a pure function of its arguments: no I/O, no allocation beyond the
    //! returned values and a small compiled form of each pattern, and no panics on any input.

    pub use super::fnmatch::{fnmatch_case, matches_any_path_pattern, path_matches_pattern};
    pub use super::hash_prefix::{
        matches_any_hash_prefix, path_hash_prefix_matches, target_path_hash, target_path_hash_hex,
    };
    pub use super::succinct::{BinNames, SuccinctBins};
}
