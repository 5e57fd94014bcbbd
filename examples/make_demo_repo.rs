//! Writes the demo repository bundled in `examples-c/demo-repo/`, reproducibly: ed25519 keys
//! from fixed seeds (ed25519 signatures are deterministic) and a fixed expiry.
//!
//!     cargo run --example make_demo_repo [OUT]      (default: examples-c/demo-repo)
//!
//! Layout (the one ../shared/bench uses): OUT/root.json is the trusted root to ship with a
//! client; OUT/metadata/ holds `N.root.json`, `timestamp.json` and `V.ROLE.json` files
//! (consistent snapshots); OUT/targets/ holds the target files as `DIR/HASH.NAME`.

use std::path::{Path, PathBuf};

use tuf::crypto::SigningKey;
use tuf::metadata::{
    DateTime, DelegatedRole, DelegatedRoles, Delegations, Key, MetaFile, Metadata, PathSpec,
    RoleType, Root, Signed, Snapshot, TargetFile, Targets, Timestamp,
};

const TARGETS: &[(&str, &str, &[u8])] = &[
    (
        "targets",
        "hello.txt",
        b"Hello from the libtuf demo repository!\n",
    ),
    (
        "targets",
        "docs/README.txt",
        b"Every byte of this file was verified against signed TUF metadata.\n",
    ),
    (
        "apps",
        "apps/app-1.0.tar.gz",
        b"(pretend this is a release archive of app 1.0)\n",
    ),
    (
        "apps",
        "apps/app-1.1.tar.gz",
        b"(pretend this is a release archive of app 1.1)\n",
    ),
];

fn key(seed: u8) -> SigningKey {
    SigningKey::from_ed25519_seed(&[seed; 32]).expect("ed25519 key from seed")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn signed<T: Signed>(signed: T, keys: &[&SigningKey]) -> Vec<u8> {
    let mut md = Metadata::new(signed);
    for k in keys {
        md.sign(k).expect("signing");
    }
    md.to_bytes()
}

#[allow(dead_code)] // also compiled into tests/demo_repo.rs, which calls `generate` only
fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples-c/demo-repo"));
    generate(&out);
    println!("wrote the demo repository to {}", out.display());
}

/// Writes the demo repository to `out`, replacing what is there.
pub fn generate(out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    let md_dir = out.join("metadata");
    let expires = DateTime::parse("2099-01-01T00:00:00Z").unwrap();
    let (root_key, ts_key, snap_key, targets_key, apps_key) =
        (key(1), key(2), key(3), key(4), key(5));

    let mut root = Root::new(expires);
    root.add_key(RoleType::Root, Key::from_signer(&root_key));
    root.add_key(RoleType::Timestamp, Key::from_signer(&ts_key));
    root.add_key(RoleType::Snapshot, Key::from_signer(&snap_key));
    root.add_key(RoleType::Targets, Key::from_signer(&targets_key));
    let root_bytes = signed(root, &[&root_key]);
    write(&out.join("root.json"), &root_bytes);
    write(&md_dir.join("1.root.json"), &root_bytes);

    // Top-level targets delegates apps/* to the "apps" role.
    let mut targets = Targets::new(expires);
    let mut apps = Targets::new(expires);
    let apps_k = Key::from_signer(&apps_key);
    let apps_id = apps_k.keyid();
    let mut delegations = Delegations::new();
    delegations.keys.insert(apps_id.clone(), apps_k);
    delegations.roles = DelegatedRoles::Roles(vec![DelegatedRole {
        name: "apps".into(),
        keyids: vec![apps_id],
        threshold: 1,
        terminating: true,
        paths: PathSpec::Paths(vec!["apps/*".into()]),
        extra: Default::default(),
    }]);
    targets.delegations = Some(delegations);
    for (role, path, data) in TARGETS {
        let tf = TargetFile::from_data(data);
        let (_, digest) = tf.hashes.first();
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        write(
            &out.join("targets")
                .join(dir)
                .join(format!("{digest}.{name}")),
            data,
        );
        let role = if *role == "apps" {
            &mut apps
        } else {
            &mut targets
        };
        role.targets.insert(path.to_string(), tf);
    }
    let targets_bytes = signed(targets, &[&targets_key]);
    let apps_bytes = signed(apps, &[&apps_key]);
    write(&md_dir.join("1.targets.json"), &targets_bytes);
    write(&md_dir.join("1.apps.json"), &apps_bytes);

    let mut snapshot = Snapshot::new(expires);
    snapshot.meta.insert(
        "targets.json".into(),
        MetaFile::with_hashes(1, &targets_bytes),
    );
    snapshot
        .meta
        .insert("apps.json".into(), MetaFile::with_hashes(1, &apps_bytes));
    let snapshot_bytes = signed(snapshot, &[&snap_key]);
    write(&md_dir.join("1.snapshot.json"), &snapshot_bytes);

    let mut timestamp = Timestamp::new(expires);
    timestamp.snapshot_meta = MetaFile::with_hashes(1, &snapshot_bytes);
    write(
        &md_dir.join("timestamp.json"),
        &signed(timestamp, &[&ts_key]),
    );
}
