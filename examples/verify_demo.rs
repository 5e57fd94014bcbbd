//! Verifies the bundled demo repository (examples-c/demo-repo) with the trusted metadata set,
//! reading files from disk, and looks up and checks each target.
//!
//!     cargo run --example verify_demo [REPO]

use std::path::PathBuf;

use tuf::metadata::DateTime;
use tuf::verify::{Policy, TrustedSet, DEFAULT_MAX_DELEGATIONS};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples-c/demo-repo"));
    let md = repo.join("metadata");
    let read = |name: &str| std::fs::read(md.join(name));

    let mut set = TrustedSet::new(
        &std::fs::read(repo.join("root.json"))?,
        DateTime::now(),
        Policy::default(),
    )?;
    let mut v = set.root().version + 1;
    while let Ok(bytes) = read(&format!("{v}.root.json")) {
        set.update_root(&bytes)?;
        v += 1;
    }
    println!("root v{} verified", set.root().version);
    set.update_timestamp(&read("timestamp.json")?)?;
    let sv = set.timestamp().unwrap().snapshot_meta.version;
    println!("timestamp v{} verified", set.timestamp().unwrap().version);
    set.update_snapshot(&read(&format!("{sv}.snapshot.json"))?, false)?;
    println!("snapshot v{sv} verified");

    let mut load = |set: &mut TrustedSet, role: &str, delegator: &str| {
        let v = set
            .snapshot()
            .and_then(|s| s.role_meta(role))
            .map_or(0, |m| m.version);
        let bytes =
            read(&format!("{v}.{role}.json")).map_err(|e| tuf::Error::io(md.join(role), e))?;
        set.update_delegated_targets(&bytes, role, delegator)?;
        println!("{role} v{v} verified (delegated by {delegator})");
        Ok(())
    };
    for path in ["hello.txt", "docs/README.txt", "apps/app-1.1.tar.gz"] {
        let found = set
            .find_target(path, DEFAULT_MAX_DELEGATIONS, &mut load)?
            .ok_or_else(|| format!("{path}: not found"))?;
        let (_, digest) = found.target.hashes.first();
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let data = std::fs::read(
            repo.join("targets")
                .join(dir)
                .join(format!("{digest}.{name}")),
        )?;
        found.target.verify(path, &data)?;
        println!(
            "{path}: {} bytes, listed by {}, length and hashes verified",
            data.len(),
            found.role
        );
    }
    Ok(())
}
