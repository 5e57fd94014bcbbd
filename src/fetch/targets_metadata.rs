//! Fetching the metadata of a targets role within its length limit, then verifying it: the
//! step of 5.6.1-5.6.5 that the updater and the C verifier's loader share.

use super::{fetch_bytes, Fetcher};
use crate::error::Result;
use crate::verify::TrustedSet;

/// python-tuf's download limit for targets metadata whose length snapshot does not give.
pub const DEFAULT_TARGETS_MAX_LENGTH: u64 = 5_000_000;

/// Fetches `url` with `fetcher` as the metadata of targets role `role` (top-level `targets`
/// or a delegated role), delegated by the trusted role `delegator`, and verifies it into
/// `set` (5.6.1-5.6.5). The download limit is the length the trusted snapshot gives for the
/// role (5.6.1), else `default_max_length`. Returns the verified bytes (for a cache).
///
/// Fails with [`Error::State`](crate::Error::State) when no snapshot is trusted,
/// [`Error::Repository`](crate::Error::Repository) when the snapshot does not list the role,
/// and otherwise with the download's or the verification's error.
pub fn fetch_targets_metadata(
    set: &mut TrustedSet,
    fetcher: &mut dyn Fetcher,
    url: &str,
    role: &str,
    delegator: &str,
    default_max_length: u64,
) -> Result<Vec<u8>> {
    let meta = set.delegated_role_meta(role)?;
    let limit = meta.length.unwrap_or(default_max_length);
    let data = fetch_bytes(fetcher, url, limit)?;
    set.update_delegated_targets(&data, role, delegator)?;
    Ok(data)
}
