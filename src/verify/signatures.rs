//! The threshold verification primitive (digest 2.0), used for every role (5.2, 5.3.4, 5.4.2,
//! 5.5.3, 5.6.3 and delegated roles).

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::metadata::{Key, Signature};

/// Checks that at least `threshold` **distinct keys** among `keyids` (looked up in `keys`)
/// have a valid signature over `signed_bytes`.
///
/// - Only keyids listed for the role count (digest 6.9).
/// - A keyid missing from `keys`, a signature that is not hex or does not verify, and a key of
///   an unsupported type are skipped, not fatal (digest 6.10, 1.6).
/// - Each key counts once: two keyids for the same key material count as one (digest 6.7).
pub fn verify_threshold(
    role: &str,
    keys: &BTreeMap<String, Key>,
    keyids: &[String],
    threshold: u64,
    signed_bytes: &[u8],
    signatures: &[Signature],
) -> Result<()> {
    let mut counted: Vec<&[u8]> = Vec::new();
    for keyid in keyids {
        if counted.len() as u64 >= threshold {
            break;
        }
        let Some(key) = keys.get(keyid) else { continue };
        let Some(identity) = key.public_key().identity() else {
            continue;
        };
        if counted.contains(&identity) {
            continue;
        }
        let Some(sig) = signatures.iter().find(|s| s.keyid == *keyid) else {
            continue;
        };
        let Some(sig_bytes) = sig.bytes() else {
            continue;
        };
        if key.public_key().verify(signed_bytes, &sig_bytes) {
            counted.push(identity);
        }
    }
    if (counted.len() as u64) < threshold {
        return Err(Error::UnsignedMetadata {
            role: role.into(),
            valid: counted.len(),
            threshold,
        });
    }
    Ok(())
}

/// Checks that every keyid in `keys` is the default keyid of its key (spec 4.2 / digest 1.7;
/// the strict reading, which python-tuf does not apply). `path` names the map in errors.
pub fn check_keyids(path: &str, keys: &BTreeMap<String, Key>) -> Result<()> {
    for (id, key) in keys {
        let computed = key.keyid();
        if *id != computed {
            return Err(Error::invalid(
                format!("{path}.{id}"),
                format!("keyid does not match the key (computed {computed})"),
            ));
        }
    }
    Ok(())
}
