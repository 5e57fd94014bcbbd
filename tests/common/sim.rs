//! A repository simulator, in the spirit of python-tuf's `tests/repository_simulator.py`:
//! it holds the metadata of every role and the keys that sign it, and serves freshly signed
//! bytes for any role, so a test can change one thing (a version, a key, an expiry, a
//! signature) and watch the client react.

use std::collections::{BTreeMap, HashMap};

use tuf::crypto::{KeyKind, SigningKey};
use tuf::metadata::{
    DateTime, DelegatedRole, DelegatedRoles, Delegations, Key, MetaFile, Metadata, PathSpec,
    RoleType, Root, Signed, Snapshot, TargetFile, Targets, Timestamp,
};

/// Seconds from now.
pub fn in_secs(secs: i64) -> DateTime {
    DateTime::from_unix(DateTime::now().unix() + secs).unwrap()
}

/// A time in the past.
pub fn past() -> DateTime {
    DateTime::parse("2000-01-01T00:00:00Z").unwrap()
}

/// A fresh ed25519 key.
pub fn new_key() -> SigningKey {
    SigningKey::generate(KeyKind::Ed25519).unwrap()
}

pub struct Sim {
    pub root: Metadata<Root>,
    pub timestamp: Metadata<Timestamp>,
    pub snapshot: Metadata<Snapshot>,
    pub targets: Metadata<Targets>,
    /// Delegated targets roles by name.
    pub delegated: BTreeMap<String, Metadata<Targets>>,
    /// Signers by role name (top-level and delegated).
    pub signers: HashMap<String, Vec<SigningKey>>,
    /// Every published root, by version (index 0 is version 1).
    pub signed_roots: Vec<Vec<u8>>,
    /// Target file contents by target path.
    pub target_files: BTreeMap<String, Vec<u8>>,
    /// Whether timestamp and snapshot meta carry length and hashes.
    pub compute_metafile_hashes_length: bool,
}

impl Sim {
    /// A repository with one ed25519 key per top-level role, threshold 1, expiring in a day,
    /// consistent snapshots on, and root v1 published.
    pub fn new() -> Sim {
        let expires = in_secs(86400);
        let mut root = Root::new(expires);
        let mut signers = HashMap::new();
        for role in RoleType::ALL {
            let key = new_key();
            root.add_key(role, Key::from_signer(&key));
            signers.insert(role.as_str().to_string(), vec![key]);
        }
        let mut sim = Sim {
            root: Metadata::new(root),
            timestamp: Metadata::new(Timestamp::new(expires)),
            snapshot: Metadata::new(Snapshot::new(expires)),
            targets: Metadata::new(Targets::new(expires)),
            delegated: BTreeMap::new(),
            signers,
            signed_roots: Vec::new(),
            target_files: BTreeMap::new(),
            compute_metafile_hashes_length: false,
        };
        sim.publish_root();
        sim
    }

    /// A repository whose targets delegate `dir/*` to `role` (one new key, not terminating),
    /// which lists `path` with `data`. Nothing but root v1 is published yet: add what else
    /// the test needs, then call [`update_snapshot`](Self::update_snapshot).
    pub fn with_delegated_target(role: &str, path: &str, data: &[u8]) -> Sim {
        let mut sim = Sim::new();
        sim.add_delegation(
            "targets",
            role,
            PathSpec::Paths(vec!["dir/*".into()]),
            false,
        );
        sim.add_target(role, path, data);
        sim
    }

    /// Signs `md` with the current signers of `role` and returns its bytes.
    pub fn signed_bytes<T: Signed + Clone>(&self, role: &str, md: &Metadata<T>) -> Vec<u8> {
        let mut md = md.clone();
        self.sign(role, &mut md);
        md.to_bytes()
    }

    fn sign<T: Signed>(&self, role: &str, md: &mut Metadata<T>) {
        md.signatures.clear();
        for key in self.signers.get(role).map(|v| v.as_slice()).unwrap_or(&[]) {
            md.sign(key).unwrap();
        }
    }

    /// Signs the current root with the root signers and publishes it as the next version.
    pub fn publish_root(&mut self) {
        let mut root = self.root.clone();
        self.sign("root", &mut root);
        self.signed_roots.push(root.to_bytes());
    }

    /// Bumps the root version, lets `change` edit it, signs with the current root signers
    /// plus `extra_signers` (e.g. the old keys during a rotation), and publishes it.
    pub fn rotate_root(&mut self, change: impl FnOnce(&mut Root), extra_signers: &[&SigningKey]) {
        self.root.signed.version += 1;
        change(&mut self.root.signed);
        let mut root = self.root.clone();
        self.sign("root", &mut root);
        for k in extra_signers {
            root.sign(k).unwrap();
        }
        self.signed_roots.push(root.to_bytes());
    }

    /// Replaces all keys of top-level `role` with a new key (in root; not published).
    /// Returns the old signers.
    pub fn rotate_keys(&mut self, role: RoleType) -> Vec<SigningKey> {
        let ids = self.root.signed.role(role).unwrap().keyids.clone();
        for id in ids {
            self.root.signed.revoke_key(role, &id);
        }
        let key = new_key();
        self.root.signed.add_key(role, Key::from_signer(&key));
        self.signers
            .insert(role.as_str().to_string(), vec![key])
            .unwrap_or_default()
    }

    /// The bytes of root version `v` as published.
    pub fn root_bytes(&self, v: usize) -> Vec<u8> {
        self.signed_roots[v - 1].clone()
    }

    /// The latest published root.
    pub fn latest_root_bytes(&self) -> Vec<u8> {
        self.signed_roots.last().unwrap().clone()
    }

    /// Freshly signed bytes of `role`.
    pub fn bytes(&self, role: &str) -> Vec<u8> {
        match role {
            "root" => self.latest_root_bytes(),
            "timestamp" => {
                let mut md = self.timestamp.clone();
                self.sign("timestamp", &mut md);
                md.to_bytes()
            }
            "snapshot" => {
                let mut md = self.snapshot.clone();
                self.sign("snapshot", &mut md);
                md.to_bytes()
            }
            "targets" => {
                let mut md = self.targets.clone();
                self.sign("targets", &mut md);
                md.to_bytes()
            }
            name => {
                let mut md = self.delegated[name].clone();
                self.sign(name, &mut md);
                md.to_bytes()
            }
        }
    }

    /// Points snapshot meta at the current targets versions and bumps snapshot, then
    /// timestamp.
    pub fn update_snapshot(&mut self) {
        let mut meta = BTreeMap::new();
        let mut roles = vec!["targets".to_string()];
        roles.extend(self.delegated.keys().cloned());
        for role in roles {
            let version = if role == "targets" {
                self.targets.signed.version
            } else {
                self.delegated[&role].signed.version
            };
            let mf = if self.compute_metafile_hashes_length {
                MetaFile::with_hashes(version, &self.bytes(&role))
            } else {
                MetaFile::new(version)
            };
            meta.insert(format!("{role}.json"), mf);
        }
        self.snapshot.signed.meta = meta;
        self.snapshot.signed.version += 1;
        self.update_timestamp();
    }

    /// Points timestamp meta at the current snapshot and bumps timestamp.
    pub fn update_timestamp(&mut self) {
        let v = self.snapshot.signed.version;
        self.timestamp.signed.snapshot_meta = if self.compute_metafile_hashes_length {
            MetaFile::with_hashes(v, &self.bytes("snapshot"))
        } else {
            MetaFile::new(v)
        };
        self.timestamp.signed.version += 1;
    }

    /// Adds a target file to `role` (not published: call `update_snapshot` after bumping
    /// the role's version).
    pub fn add_target(&mut self, role: &str, path: &str, data: &[u8]) {
        let tf = TargetFile::from_data(data);
        let md = if role == "targets" {
            &mut self.targets
        } else {
            self.delegated.get_mut(role).unwrap()
        };
        md.signed.targets.insert(path.to_string(), tf);
        self.target_files.insert(path.to_string(), data.to_vec());
    }

    /// Adds a delegation from `delegator` to a new role `name` with one new key.
    pub fn add_delegation(
        &mut self,
        delegator: &str,
        name: &str,
        paths: PathSpec,
        terminating: bool,
    ) -> String {
        let key = new_key();
        let k = Key::from_signer(&key);
        let keyid = k.keyid();
        let parent = if delegator == "targets" {
            &mut self.targets
        } else {
            self.delegated.get_mut(delegator).unwrap()
        };
        let d = parent
            .signed
            .delegations
            .get_or_insert_with(Delegations::new);
        d.keys.insert(keyid.clone(), k);
        if let DelegatedRoles::Roles(roles) = &mut d.roles {
            roles.push(DelegatedRole {
                name: name.into(),
                keyids: vec![keyid.clone()],
                threshold: 1,
                terminating,
                paths,
                extra: Default::default(),
            });
        }
        self.delegated
            .insert(name.into(), Metadata::new(Targets::new(in_secs(86400))));
        self.signers.insert(name.into(), vec![key]);
        keyid
    }

    /// Adds `count` roles `{prefix}0`, `{prefix}1`, ... delegated by `targets`, role `R`
    /// trusted for `R/*` and listing `R/file`, whose bytes are `R` (not published: call
    /// `update_snapshot` after).
    pub fn add_path_roles(&mut self, prefix: &str, count: usize) {
        for i in 0..count {
            let role = format!("{prefix}{i}");
            self.add_delegation(
                "targets",
                &role,
                PathSpec::Paths(vec![format!("{role}/*")]),
                false,
            );
            self.add_target(&role, &format!("{role}/file"), role.as_bytes());
        }
    }

    /// Replaces the published root v1 by the current root (only before any rotation), e.g.
    /// after changing `consistent_snapshot` or keys of the initial root.
    pub fn republish_root_v1(&mut self) {
        assert_eq!(self.root.signed.version, 1, "only before any rotation");
        self.signed_roots.clear();
        self.publish_root();
    }

    /// Adds a new key to top-level `role` (in root, not published) and to its signers, and
    /// sets the role's threshold. Returns the new key's keyid.
    pub fn add_role_key(&mut self, role: RoleType, threshold: u64) -> String {
        let key = new_key();
        let k = Key::from_signer(&key);
        let keyid = k.keyid();
        self.root.signed.add_key(role, k);
        self.root
            .signed
            .roles
            .get_mut(role.as_str())
            .unwrap()
            .threshold = threshold;
        self.signers
            .entry(role.as_str().to_string())
            .or_default()
            .push(key);
        keyid
    }

    /// Bumps the version of targets role `role` and publishes a new snapshot and timestamp.
    pub fn publish_targets(&mut self, role: &str) {
        let md = if role == "targets" {
            &mut self.targets
        } else {
            self.delegated.get_mut(role).unwrap()
        };
        md.signed.version += 1;
        self.update_snapshot();
    }

    /// Makes `delegator` delegate to `2^bit_length` succinct hash bins named `PREFIX-N`, all
    /// signed by one new key (not published: call `update_snapshot`). Returns the bins.
    pub fn add_succinct_delegation(
        &mut self,
        delegator: &str,
        bit_length: u64,
        prefix: &str,
    ) -> tuf::metadata::SuccinctBins {
        let bins = tuf::metadata::SuccinctBins::new(bit_length, prefix).unwrap();
        let key = new_key();
        let k = Key::from_signer(&key);
        let keyid = k.keyid();
        let mut d = Delegations::new();
        d.keys.insert(keyid.clone(), k);
        d.roles = DelegatedRoles::Succinct(tuf::metadata::SuccinctRoles {
            keyids: vec![keyid],
            threshold: 1,
            bins: bins.clone(),
            extra: Default::default(),
        });
        let parent = if delegator == "targets" {
            &mut self.targets
        } else {
            self.delegated.get_mut(delegator).unwrap()
        };
        parent.signed.delegations = Some(d);
        for name in bins.bin_names() {
            self.delegated
                .insert(name.clone(), Metadata::new(Targets::new(in_secs(86400))));
            let copy = SigningKey::from_pkcs8_pem(&key.to_pkcs8_pem().unwrap(), key.scheme());
            self.signers.insert(name, vec![copy.unwrap()]);
        }
        bins
    }
}
