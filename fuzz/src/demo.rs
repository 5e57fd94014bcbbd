//! The bundled demo repository (`examples-c/demo-repo`, written by
//! `examples/make_demo_repo.rs`): its metadata, and its signing keys, which come from fixed
//! ed25519 seeds. With the keys, the sequence targets can re-sign mutated metadata, so that
//! the fuzzer reaches the checks that come after signature verification.

use std::sync::OnceLock;

use tuf::crypto::SigningKey;
use tuf::metadata::{DateTime, MetaFile, Metadata, Signed, Snapshot, Targets, Timestamp};

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

/// Separates the documents of a [`consistent_repository`] payload.
pub const CHAIN_SEP: &[u8] = b"\n%#\n";

/// The files of a repository, made consistent and signed: the payload holds up to four
/// documents (timestamp, snapshot, targets, apps; an empty or missing one is the demo's);
/// each is re-signed with its demo key, and unless bit 0, 1 or 2 of `param` says otherwise,
/// snapshot lists the actual version, length and hash of targets.json and apps.json, and
/// timestamp those of the snapshot. So the fuzzer can change versions, expiry, delegations
/// and target lists of a whole repository and reach the checks between files.
pub fn consistent_repository(payload: &[u8], param: u8) -> [Vec<u8>; 4] {
    let parts: Vec<&[u8]> = {
        let mut v = Vec::new();
        let mut rest = payload;
        while let Some(at) = rest.windows(CHAIN_SEP.len()).position(|w| w == CHAIN_SEP) {
            v.push(&rest[..at]);
            rest = &rest[at + CHAIN_SEP.len()..];
        }
        v.push(rest);
        v
    };
    let doc = |i: usize, default: &'static [u8]| -> &[u8] {
        parts
            .get(i)
            .copied()
            .filter(|p| !p.is_empty())
            .unwrap_or(default)
    };
    let sign_targets = |bytes: &[u8], role: KeyRole| {
        resign::<Targets>(bytes, key(role)).unwrap_or_else(|| bytes.to_vec())
    };
    let targets = sign_targets(doc(2, TARGETS), KeyRole::Targets);
    let apps = sign_targets(doc(3, APPS), KeyRole::Apps);
    let snapshot_in = doc(1, SNAPSHOT);
    let snapshot = match Metadata::<Snapshot>::from_bytes(snapshot_in) {
        Ok(mut md) => {
            for (bit, name, bytes) in [(1, "targets.json", &targets), (2, "apps.json", &apps)] {
                if param & bit == 0 {
                    if let Ok(t) = Metadata::<Targets>::from_bytes(bytes) {
                        let meta = MetaFile::with_hashes(t.signed.version, bytes);
                        md.signed.meta.insert(name.into(), meta);
                    }
                }
            }
            md.signatures.clear();
            md.sign(key(KeyRole::Snapshot)).expect("signing");
            md.to_bytes()
        }
        Err(_) => snapshot_in.to_vec(),
    };
    let timestamp_in = doc(0, TIMESTAMP);
    let timestamp = match Metadata::<Timestamp>::from_bytes(timestamp_in) {
        Ok(mut md) => {
            if param & 4 == 0 {
                if let Ok(s) = Metadata::<Snapshot>::from_bytes(&snapshot) {
                    md.signed.snapshot_meta = MetaFile::with_hashes(s.signed.version, &snapshot);
                }
            }
            md.signatures.clear();
            md.sign(key(KeyRole::Timestamp)).expect("signing");
            md.to_bytes()
        }
        Err(_) => timestamp_in.to_vec(),
    };
    [timestamp, snapshot, targets, apps]
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
    use tuf::metadata::Root;

    #[test]
    fn keys_sign_the_demo_metadata() {
        // Re-signing an untouched file reproduces it: the keys are the demo's.
        assert_eq!(resign::<Root>(ROOT, key(KeyRole::Root)).unwrap(), ROOT);
        assert_eq!(resign::<Targets>(APPS, key(KeyRole::Apps)).unwrap(), APPS);
    }

    #[test]
    fn a_consistent_repository_of_the_demo_files_is_the_demo() {
        let [timestamp, snapshot, targets, apps] = consistent_repository(b"", 0);
        assert_eq!(
            (&timestamp[..], &snapshot[..], &targets[..], &apps[..]),
            (TIMESTAMP, SNAPSHOT, TARGETS, APPS)
        );
        // A new targets version is listed by a new snapshot, itself listed by timestamp.
        let v2 = std::str::from_utf8(TARGETS)
            .unwrap()
            .replace("\"version\": 1\n }", "\"version\": 2\n }");
        let payload = [&b"\n%#\n\n%#\n"[..], v2.as_bytes()].concat();
        let [timestamp, snapshot, targets, _] = consistent_repository(&payload, 0);
        let s = Metadata::<Snapshot>::from_bytes(&snapshot).unwrap();
        assert_eq!(
            s.signed.meta["targets.json"],
            MetaFile::with_hashes(2, &targets)
        );
        let t = Metadata::<Timestamp>::from_bytes(&timestamp).unwrap();
        assert_eq!(t.signed.snapshot_meta, MetaFile::with_hashes(1, &snapshot));
    }
}
