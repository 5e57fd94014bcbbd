//! Writes the three repositories bundled in `examples-c/multirepo-demo/` for the TAP 4
//! example (`examples-c/tuf-multirepo.c`) and the C tests, reproducibly: ed25519 keys from
//! fixed seeds and a fixed expiry.
//!
//!     cargo run --example make_multirepo_demo [OUT]   (default: examples-c/multirepo-demo)
//!
//! Each repository NAME has the layout TAP 4's reference implementation uses under a mirror
//! URL: OUT/NAME/metadata/ (`1.root.json`, `timestamp.json`, `1.ROLE.json`: consistent
//! snapshots) and OUT/NAME/targets/ (`HASH.NAME` files), plus OUT/NAME/root.json, the trusted
//! root to ship with a client.
//!
//! - `vendor` and `distro` both list `app-1.0.tar.gz` with the same bytes, and both list
//!   `readme.txt` with different bytes; only `vendor` lists `vendor-only.txt`.
//! - `rogue` lists `app-1.0.tar.gz` with other bytes (a compromised repository).
//!
//! OUT/map.json.in is the example's map file (vendor and distro must both agree on every
//! target), with `@TUF_MULTIREPO_DEMO@` standing for the absolute path of OUT.

use std::path::{Path, PathBuf};

use tuf::crypto::SigningKey;
use tuf::metadata::{
    DateTime, Key, MetaFile, Metadata, RoleType, Root, Signed, Snapshot, TargetFile, Targets,
    Timestamp,
};

const APP: &[u8] = b"(pretend this is the release archive of app 1.0)\n";

/// Target files: path and content.
type Files = &'static [(&'static str, &'static [u8])];

/// Each repository: its name, the first of its four key seeds, and its targets.
const REPOSITORIES: &[(&str, u8, Files)] = &[
    (
        "vendor",
        10,
        &[
            ("app-1.0.tar.gz", APP),
            ("readme.txt", b"app 1.0, as the vendor describes it\n"),
            ("vendor-only.txt", b"only the vendor lists this file\n"),
        ],
    ),
    (
        "distro",
        20,
        &[
            ("app-1.0.tar.gz", APP),
            ("readme.txt", b"app 1.0, as the distribution describes it\n"),
        ],
    ),
    (
        "rogue",
        30,
        &[("app-1.0.tar.gz", b"(a tampered archive of app 1.0)\n")],
    ),
];

const MAP: &str = r#"{
  "repositories": {
    "vendor": ["file://@TUF_MULTIREPO_DEMO@/vendor"],
    "distro": ["file://@TUF_MULTIREPO_DEMO@/distro"]
  },
  "mapping": [
    {
      "paths": ["*"],
      "repositories": ["vendor", "distro"],
      "threshold": 2,
      "terminating": true
    }
  ]
}
"#;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_ed25519_seed(&[seed; 32]).expect("ed25519 key from seed")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn signed<T: Signed>(signed: T, key: &SigningKey) -> Vec<u8> {
    let mut md = Metadata::new(signed);
    md.sign(key).expect("signing");
    md.to_bytes()
}

#[allow(dead_code)] // also compiled into tests/multirepo.rs, which calls `generate` only
fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples-c/multirepo-demo")
        });
    generate(&out);
    println!("wrote the multi-repository demo to {}", out.display());
}

/// Writes the repositories and the map file template to `out`, replacing what is there.
pub fn generate(out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    for (name, seed, targets) in REPOSITORIES {
        write_repository(&out.join(name), *seed, targets);
    }
    write(&out.join("map.json.in"), MAP.as_bytes());
}

fn write_repository(dir: &Path, seed: u8, files: &[(&str, &[u8])]) {
    let md_dir = dir.join("metadata");
    let expires = DateTime::parse("2099-01-01T00:00:00Z").unwrap();
    let (root_key, ts_key, snap_key, targets_key) =
        (key(seed), key(seed + 1), key(seed + 2), key(seed + 3));

    let mut root = Root::new(expires);
    root.add_key(RoleType::Root, Key::from_signer(&root_key));
    root.add_key(RoleType::Timestamp, Key::from_signer(&ts_key));
    root.add_key(RoleType::Snapshot, Key::from_signer(&snap_key));
    root.add_key(RoleType::Targets, Key::from_signer(&targets_key));
    let root_bytes = signed(root, &root_key);
    write(&dir.join("root.json"), &root_bytes);
    write(&md_dir.join("1.root.json"), &root_bytes);

    let mut targets = Targets::new(expires);
    for (path, data) in files {
        let tf = TargetFile::from_data(data);
        let (_, digest) = tf.hashes.first();
        write(&dir.join("targets").join(format!("{digest}.{path}")), data);
        targets.targets.insert(path.to_string(), tf);
    }
    let targets_bytes = signed(targets, &targets_key);
    write(&md_dir.join("1.targets.json"), &targets_bytes);

    let mut snapshot = Snapshot::new(expires);
    snapshot.meta.insert(
        "targets.json".into(),
        MetaFile::with_hashes(1, &targets_bytes),
    );
    let snapshot_bytes = signed(snapshot, &snap_key);
    write(&md_dir.join("1.snapshot.json"), &snapshot_bytes);

    let mut timestamp = Timestamp::new(expires);
    timestamp.snapshot_meta = MetaFile::with_hashes(1, &snapshot_bytes);
    write(&md_dir.join("timestamp.json"), &signed(timestamp, &ts_key));
}
