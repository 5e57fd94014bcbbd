//! Whether one metadata file is signed by a threshold of the keys another delegates it to:
//! python-tuf's `Metadata.verify_delegate` (digest 2.0), for repository tools and for checking
//! metadata outside the client workflow.

use super::signatures::verify_threshold;
use crate::error::{excerpt, Error, Result};
use crate::metadata::{AnyMetadata, RoleType};

/// Checks that `delegate` is signed by a threshold of the keys `delegator` gives role `role`:
/// a root for the top-level roles (`root`, `timestamp`, `snapshot`, `targets`), a targets role
/// for the roles it delegates to (classic or succinct bins). Keys and thresholds come from
/// the delegator only (root's `keys`, or the delegator's `delegations.keys`, digest 6.14); each
/// key counts once (digest 6.7).
///
/// `delegate` must be of the role's type (digest 6.38): a root delegating `timestamp` verifies
/// only timestamp metadata, a targets role only targets metadata. Versions and expiry are not
/// checked.
///
/// Errors: [`Error::InvalidArgument`] when `delegator` does not delegate `role` (or is a
/// timestamp or snapshot), [`Error::WrongType`] when `delegate` is of another type,
/// [`Error::UnsignedMetadata`] when the threshold is not met.
pub fn verify_delegate(delegator: &AnyMetadata, role: &str, delegate: &AnyMetadata) -> Result<()> {
    let (keys, keyids, threshold, expected) = match delegator {
        AnyMetadata::Root(m) => {
            let wanted = RoleType::ALL
                .into_iter()
                .find(|r| r.as_str() == role)
                .ok_or_else(|| not_delegated(delegator, role))?;
            let r = m
                .signed
                .role(wanted)
                .ok_or_else(|| not_delegated(delegator, role))?;
            (&m.signed.keys, &r.keyids[..], r.threshold, wanted)
        }
        AnyMetadata::Targets(m) => {
            let d = m
                .signed
                .delegations
                .as_ref()
                .ok_or_else(|| not_delegated(delegator, role))?;
            let req = d
                .requirement(role)
                .ok_or_else(|| not_delegated(delegator, role))?;
            (&d.keys, req.keyids, req.threshold, RoleType::Targets)
        }
        _ => return Err(not_delegated(delegator, role)),
    };
    if delegate.role_type() != expected {
        return Err(Error::WrongType {
            role: role.into(),
            expected: expected.as_str().into(),
            got: delegate.role_type().as_str().into(),
        });
    }
    verify_threshold(
        role,
        keys,
        keyids,
        threshold,
        &delegate.signed_bytes(),
        delegate.signatures(),
    )
}

fn not_delegated(delegator: &AnyMetadata, role: &str) -> Error {
    Error::InvalidArgument(format!(
        "this {} metadata delegates no role {}",
        delegator.role_type().as_str(),
        excerpt(role)
    ))
}
