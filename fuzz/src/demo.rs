//! The bundled demo repository (`examples-c/demo-repo`, written by
//! `examples/make_demo_repo.rs`): its metadata, and its signing keys, which come from fixed
//! ed25519 seeds. With the keys, the sequence targets can re-sign mutated metadata, so that
//! the fuzzer reaches the checks that come after signature verification.

use std::sync::OnceLock;

use tuf::crypto::SigningKey;
use tuf::metadata::{DateTime, Metadata, Signed};

pub const ROOT: &[u8] = include_bytes!("../../examples-c/demo-repo/metadata/1.root.json");
pub const TIMESTAMP: &[u8] = include_bytes!("../../examples-c/demo-repo/metadata/timestamp.json");
pub const SNAPSHOT: &[u8] = include_bytes!("../../examples-c/demo-repo/metadata/1.snapshot.json");
pub const TARGETS: &[u8] = include_bytes!("../../examples-c/demo-repo/metadata/1.targets.json");
pub const APPS: &[u8] = include_bytes!("../../examples-c/demo-repo/metadata/1.apps.json");

/// The demo's signing keys, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRole {
    Root,
    Timestamp,
    Snapshot,
    Targets,
    /// The key of the delegated role "apps".
    Apps,
}

/// The demo key of `role` (seeds 1 to 5, as in `make_demo_repo`).
pub fn key(role: KeyRole) -> &'static SigningKey {
    static KEYS: OnceLock<Vec<SigningKey>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        (1..=5u8)
            .map(|seed| SigningKey::from_ed25519_seed(&[seed; 32]).expect("ed25519 seed"))
            .collect()
    });
    &keys[role as usize]
}

/// Parses `bytes` as metadata of type `T` and returns it signed by `key` alone (python-tuf's
/// file format), or `None` if it does not parse.
pub fn resign<T: Signed>(bytes: &[u8], key: &SigningKey) -> Option<Vec<u8>> {
    let mut md = Metadata::<T>::from_bytes(bytes).ok()?;
    md.signatures.clear();
    md.sign(key).ok()?;
    Some(md.to_bytes())
}

/// Reference times the sequence targets choose from: well before the demo's expiry, exactly
/// at it (expired: `reference >= expires`), one second before it, and the Unix epoch.
pub fn reference_time(selector: u8) -> DateTime {
    let s = match selector & 3 {
        0 => "2030-01-01T00:00:00Z",
        1 => "2099-01-01T00:00:00Z",
        2 => "2098-12-31T23:59:59Z",
        _ => "1970-01-01T00:00:00Z",
    };
    DateTime::parse(s).expect("valid date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuf::metadata::{Root, Targets};

    #[test]
    fn keys_sign_the_demo_metadata() {
        // Re-signing an untouched file reproduces it: the keys are the demo's.
        assert_eq!(resign::<Root>(ROOT, key(KeyRole::Root)).unwrap(), ROOT);
        assert_eq!(resign::<Targets>(APPS, key(KeyRole::Apps)).unwrap(), APPS);
    }
}
