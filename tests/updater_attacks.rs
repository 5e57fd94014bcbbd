//! The attacks of the digest's section 3, each against the updater with the repository
//! simulator (`SimFetcher`), and a few over HTTP with libcurl against the hostile test server.
//! Every test checks the error kind and that nothing the attacker sent was persisted or
//! returned, and most check that the client recovers once the repository is sound again.

mod common;

use std::collections::BTreeMap;

use common::http::{Behavior, TestServer};
use common::sim::{in_secs, new_key, past, Sim};
use common::sim_fetcher::{all_files, over_http, serve, Client, HookedFetcher, Response};
use tuf::crypto::SigningKey;
use tuf::metadata::{DelegatedRoles, Key, MetaFile, PathSpec, RoleType};
use tuf::updater::{Updater, UpdaterConfig};
use tuf::verify::{Policy, TrustedSet};
use tuf::{Error, ErrorKind};

fn kind<T: std::fmt::Debug>(r: tuf::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn paths(p: &[&str]) -> PathSpec {
    PathSpec::Paths(p.iter().map(|s| s.to_string()).collect())
}

const TARGET: &str = "dir/file.txt";
const TARGET_DATA: &[u8] = b"hello from role1";

/// A repository with one delegated role `role1` (paths `dir/*`) listing `dir/file.txt`, and
/// `top.txt` in the top-level targets.
fn sim_with_delegation() -> Sim {
    let mut sim = Sim::new();
    sim.add_delegation("targets", "role1", paths(&["dir/*"]), false);
    sim.add_target("role1", TARGET, TARGET_DATA);
    sim.add_target("targets", "top.txt", b"top-level target");
    sim.update_snapshot();
    sim
}

/// A client whose cache holds every metadata file of `sim`, after a lookup of `dir/file.txt`.
fn filled(name: &str, sim: Sim) -> Client {
    let c = Client::new(name, sim);
    c.updater().get_target_info(TARGET).unwrap().unwrap();
    c
}

/// Every file of the metadata and targets directories (recursively) with its bytes.
fn cache_state(c: &Client) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &std::path::Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if name.ends_with(".lock") {
                continue;
            }
            if e.path().is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(c.dir.path(), "", &mut out);
    out
}

/// Checks that every cached metadata file is either what it was in `before` or the
/// repository's current bytes for that role: nothing else was ever persisted.
fn assert_only_trusted_files(c: &Client, before: &BTreeMap<String, Vec<u8>>) {
    let sim = c.repo.sim();
    for (name, bytes) in cache_state(c) {
        if before.get(&name) == Some(&bytes) {
            continue;
        }
        let role = name
            .strip_prefix("metadata/")
            .and_then(|n| n.strip_suffix(".json"))
            .unwrap_or_else(|| panic!("new file {name}"));
        let good = match role.strip_prefix("root_history/") {
            Some(r) => {
                let v: usize = r.strip_suffix(".root").unwrap().parse().unwrap();
                sim.root_bytes(v)
            }
            None if role == "root" => sim.latest_root_bytes(),
            None => sim.bytes(role),
        };
        assert_eq!(
            bytes, good,
            "{name} holds bytes the repository never published"
        );
    }
    assert!(c.temp_files().is_empty(), "{:?}", c.temp_files());
}

fn clone_key(k: &SigningKey) -> SigningKey {
    SigningKey::from_pkcs8_pem(&k.to_pkcs8_pem().unwrap(), k.scheme()).unwrap()
}

/// Looks up `dir/file.txt` with a new updater on `c`'s cache.
fn lookup(c: &Client) -> tuf::Result<Option<tuf::updater::TargetInfo>> {
    c.updater().get_target_info(TARGET)
}

// ---- arbitrary installation: 5.3.4, 5.4.2, 5.5.3, 5.6.3, 5.7.3 --------------------------------

#[test]
fn arbitrary_installation_metadata_signed_by_an_attacker_is_refused() {
    for role in ["root", "timestamp", "snapshot", "targets", "role1"] {
        let c = filled("arbitrary", sim_with_delegation());
        let before = cache_state(&c);
        {
            let mut sim = c.repo.sim();
            sim.signers.insert(role.to_string(), vec![new_key()]);
            match role {
                "root" => sim.rotate_root(|_| {}, &[]),
                "timestamp" => sim.update_timestamp(),
                "snapshot" => sim.update_snapshot(),
                "targets" => {
                    sim.add_target("targets", "evil", b"evil");
                    sim.publish_targets("targets");
                }
                _ => {
                    sim.add_target("role1", "dir/evil", b"evil");
                    sim.publish_targets("role1");
                }
            }
        }
        let mut u = c.updater();
        match u.get_target_info("dir/evil") {
            Err(Error::UnsignedMetadata { role: r, .. }) => assert_eq!(r, role),
            other => panic!("{role}: {other:?}"),
        }
        // The attacker's file was not persisted; the trusted one is intact.
        let after = cache_state(&c);
        let file = format!("metadata/{role}.json");
        if role == "root" {
            assert!(!after.contains_key("metadata/root_history/2.root.json"));
        }
        assert_eq!(after.get(&file), before.get(&file), "{role}");
        assert_eq!(u.trusted_set().root().version, 1);
    }
}

#[test]
fn arbitrary_installation_wrong_target_bytes_are_not_installed() {
    // 5.7.3: same length, other content; a good copy already installed stays as it was.
    let c = filled("wrongbytes", sim_with_delegation());
    let mut u = c.updater();
    let info = u.get_target_info(TARGET).unwrap().unwrap();
    let url = format!("targets/{}", c.repo.targets_url_of(TARGET));
    c.repo
        .set_override(&url, Response::Bytes(b"HELLO FROM ROLE1".to_vec()));
    assert_eq!(
        kind(u.download_target(&info, None, None)),
        ErrorKind::LengthOrHashMismatch
    );
    assert!(Client::list(&c.targets_dir()).is_empty());
    c.repo.clear_overrides();
    let path = u.download_target(&info, None, None).unwrap();
    c.repo
        .set_override(&url, Response::Bytes(b"HELLO FROM ROLE1".to_vec()));
    assert!(u.download_target(&info, None, None).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), TARGET_DATA);
    assert_eq!(Client::list(&c.targets_dir()), vec!["dir%2Ffile.txt"]);
}

// ---- endless data: 5.3.3, 5.4.1, 5.5.1, 5.6.1, 5.7.3 ---------------------------------------

fn small_limits(mut config: UpdaterConfig) -> UpdaterConfig {
    config.root_max_length = 20_000;
    config.timestamp_max_length = 16_384;
    config.snapshot_max_length = 30_000;
    config.targets_max_length = 40_000;
    config
}

#[test]
fn endless_data_is_cut_at_the_limit_for_every_file() {
    let cases: [(&str, u64); 5] = [
        ("2.root.json", 20_000),
        ("timestamp.json", 16_384),
        ("2.snapshot.json", 30_000),
        ("1.targets.json", 40_000),
        ("1.role1.json", 40_000),
    ];
    for (file, limit) in cases {
        let c = Client::new("endless", sim_with_delegation());
        c.repo
            .set_override(&format!("metadata/{file}"), Response::Endless);
        let mut u = c.updater_with(small_limits(c.bootstrap_config()));
        match u.get_target_info(TARGET) {
            Err(Error::LengthExceeded { limit: l, .. }) => assert_eq!(l, limit, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
        let cached = Client::list(&c.metadata_dir());
        let stem = file.trim_start_matches(|ch: char| ch.is_ascii_digit() || ch == '.');
        if stem == "root.json" {
            assert!(!c.cached("root_history/2.root.json").exists());
            assert_eq!(
                c.read_cached("root.json").unwrap(),
                c.repo.sim().root_bytes(1)
            );
        } else {
            assert!(!cached.contains(&stem.to_string()), "{file}: {cached:?}");
        }
        assert!(c.temp_files().is_empty());
        // The repository behaves again: the client recovers.
        c.repo.clear_overrides();
        assert!(u.get_target_info(TARGET).unwrap().is_some());
    }
}

#[test]
fn more_than_the_length_in_trusted_meta_is_refused() {
    // 5.5.1, 5.6.1: with lengths in timestamp/snapshot meta, one byte more is too much.
    let mut sim = sim_with_delegation();
    sim.compute_metafile_hashes_length = true;
    sim.update_snapshot();
    for (role, file) in [
        ("snapshot", "3.snapshot.json"),
        ("targets", "1.targets.json"),
        ("role1", "1.role1.json"),
    ] {
        let mut sim2 = Sim::new();
        std::mem::swap(&mut sim2, &mut sim);
        let c = Client::new("metalength", sim2);
        let mut bytes = c.repo.sim().bytes(role);
        let exact = bytes.len() as u64;
        bytes.push(b' ');
        c.repo
            .set_override(&format!("metadata/{file}"), Response::Bytes(bytes));
        match lookup(&c) {
            Err(Error::LengthExceeded { limit, .. }) => assert_eq!(limit, exact, "{role}"),
            other => panic!("{role}: {other:?}"),
        }
        assert!(c.read_cached(&format!("{role}.json")).is_none());
        c.repo.clear_overrides();
        lookup(&c).unwrap().unwrap();
        std::mem::swap(&mut sim, &mut *c.repo.sim());
    }
}

#[test]
fn endless_target_leaves_no_partial_file() {
    let c = filled("endless-target", sim_with_delegation());
    let mut u = c.updater();
    let info = u.get_target_info(TARGET).unwrap().unwrap();
    let url = format!("targets/{}", c.repo.targets_url_of(TARGET));
    c.repo.set_override(&url, Response::Endless);
    match u.download_target(&info, None, None) {
        Err(Error::LengthExceeded { limit, .. }) => assert_eq!(limit, TARGET_DATA.len() as u64),
        other => panic!("{other:?}"),
    }
    assert!(Client::list(&c.targets_dir()).is_empty());
}

// ---- extraneous dependencies --------------------------------------------------------------------

#[test]
fn extraneous_dependency_from_a_role_not_trusted_for_its_path() {
    // 5.6.7, digest 6.29: role A is trusted for a/*, and lists b/evil-dep; B is trusted for
    // b/* and does not. The client never takes b/evil-dep from A, even once A is loaded.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "A", paths(&["a/*"]), false);
    sim.add_delegation("targets", "B", paths(&["b/*"]), false);
    sim.add_target("A", "a/app", b"app");
    sim.add_target("A", "b/evil-dep", b"evil");
    sim.add_target("B", "b/good-dep", b"good");
    sim.update_snapshot();
    let c = Client::new("extraneous", sim);
    let mut u = c.updater();
    assert!(u.get_target_info("b/evil-dep").unwrap().is_none());
    assert!(!c.repo.metadata_log().contains(&"1.A.json".to_string()));
    assert_eq!(u.get_target_info("a/app").unwrap().unwrap().role, "A");
    assert!(u.get_target_info("b/evil-dep").unwrap().is_none());
    assert_eq!(u.get_target_info("b/good-dep").unwrap().unwrap().role, "B");
}

#[test]
fn extraneous_dependency_behind_a_terminating_delegation() {
    // 5.6.7.2.1: the role trusted for pkg/* is terminating; a later role cannot add pkg/dep.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "trusted", paths(&["pkg/*"]), true);
    sim.add_delegation("targets", "other", paths(&["*/*"]), false);
    sim.add_target("trusted", "pkg/app", b"app");
    sim.add_target("other", "pkg/dep", b"dep");
    sim.update_snapshot();
    let c = Client::new("extraneous-term", sim);
    let mut u = c.updater();
    assert!(u.get_target_info("pkg/dep").unwrap().is_none());
    assert!(!c.repo.metadata_log().contains(&"1.other.json".to_string()));
}

#[test]
fn altered_dependency_information_in_custom_is_refused() {
    // Dependencies live in the signed `custom` field; changing them breaks the signature.
    let mut sim = Sim::new();
    sim.add_target("targets", "app", b"app");
    let custom = tuf::json::Value::parse(br#"{"depends": ["libfoo"]}"#).unwrap();
    sim.targets
        .signed
        .targets
        .get_mut("app")
        .unwrap()
        .extra
        .insert("custom".into(), custom);
    sim.publish_targets("targets");
    let c = Client::new("custom", sim);
    let good = c.repo.sim().bytes("targets");
    let forged = String::from_utf8(good.clone())
        .unwrap()
        .replace("libfoo", "evil00");
    assert_ne!(forged.as_bytes(), &good[..]);
    c.repo.set_override(
        "metadata/2.targets.json",
        Response::Bytes(forged.into_bytes()),
    );
    let mut u = c.updater();
    assert_eq!(kind(u.get_target_info("app")), ErrorKind::BadSignature);
    assert!(c.read_cached("targets.json").is_none());
    c.repo.clear_overrides();
    let info = u.get_target_info("app").unwrap().unwrap();
    assert!(info.target.custom().is_some());
}

// ---- fast-forward: 5.3.11 -------------------------------------------------------------------

/// The timestamp an attacker with the timestamp key signs: the current one at version 1000.
fn inflated_timestamp(sim: &Sim) -> Vec<u8> {
    let mut md = sim.timestamp.clone();
    md.signed.version = 1000;
    sim.signed_bytes("timestamp", &md)
}

#[test]
fn fast_forward_recovery_after_key_rotation() {
    // An attacker with the online timestamp key makes the client trust timestamp v1000, so
    // the repository's real timestamps look like rollbacks (5.4.3.1). The repository rotates
    // keys in a new root; the client deletes its timestamp and snapshot (5.3.11) and
    // recovers. `implicit_ok` says whether python-tuf's implicit recovery (re-verifying the
    // cached timestamp with the new root's keys) would also have recovered.
    type Rotate = fn(&mut Sim);
    let variants: [(&str, Rotate, bool); 4] = [
        (
            "timestamp key replaced",
            |s| {
                s.rotate_keys(RoleType::Timestamp);
            },
            true,
        ),
        (
            "old timestamp key kept, threshold raised to 2",
            |s| {
                s.add_role_key(RoleType::Timestamp, 2);
            },
            true,
        ),
        (
            "old timestamp key kept, a key added",
            |s| {
                s.add_role_key(RoleType::Timestamp, 1);
            },
            false,
        ),
        (
            "only the snapshot key rotated",
            |s| {
                s.rotate_keys(RoleType::Snapshot);
            },
            false,
        ),
    ];
    for (what, rotate, implicit_ok) in variants {
        let c = filled("fastforward", sim_with_delegation());
        let inflated = inflated_timestamp(&c.repo.sim());
        c.repo
            .set_override("metadata/timestamp.json", Response::Bytes(inflated.clone()));
        lookup(&c).unwrap().unwrap();
        assert_eq!(c.read_cached("timestamp.json").unwrap(), inflated);
        c.repo.clear_overrides();
        // The attack works: the real next timestamp is a "rollback".
        c.repo.sim().update_timestamp();
        assert_eq!(kind(lookup(&c)), ErrorKind::BadVersion, "{what}");
        // The repository rotates keys.
        {
            let mut sim = c.repo.sim();
            rotate(&mut sim);
            sim.rotate_root(|_| {}, &[]);
            sim.update_snapshot();
        }
        // python-tuf's implicit recovery: the cached timestamp re-verified with the new root.
        let (root2, legit) = {
            let sim = c.repo.sim();
            (sim.root_bytes(2), sim.bytes("timestamp"))
        };
        let mut set =
            TrustedSet::new(&root2, tuf::metadata::DateTime::now(), Policy::default()).unwrap();
        let implicit =
            set.update_timestamp(&inflated).is_err() || set.update_timestamp(&legit).is_ok();
        assert_eq!(implicit, implicit_ok, "{what}");
        // The explicit deletion recovers in every case.
        let mut u = c.updater();
        u.get_target_info(TARGET)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .unwrap();
        let version = c.repo.sim().timestamp.signed.version;
        assert_eq!(
            u.trusted_set().timestamp().unwrap().version,
            version,
            "{what}"
        );
        assert_eq!(c.read_cached("timestamp.json").unwrap(), legit, "{what}");
    }
}

#[test]
fn fast_forward_recovery_survives_a_failed_root_update() {
    // The root update of the recovery cycle accepts v2 (which rotates keys) but fails on
    // v3 (a mirror error). The next cycle starts from v2 and can no longer see that the keys
    // changed: the timestamp and snapshot must have been deleted already.
    let c = filled("ff-partial", sim_with_delegation());
    let inflated = inflated_timestamp(&c.repo.sim());
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(inflated));
    lookup(&c).unwrap().unwrap();
    c.repo.clear_overrides();
    {
        let mut sim = c.repo.sim();
        sim.add_role_key(RoleType::Timestamp, 1); // the old key stays valid
        sim.rotate_root(|_| {}, &[]);
        sim.rotate_root(|_| {}, &[]);
        sim.update_snapshot();
    }
    c.repo
        .set_override("metadata/3.root.json", Response::Status(500));
    let mut u = c.updater();
    assert_eq!(kind(u.refresh()), ErrorKind::Download);
    assert_eq!(u.trusted_set().root().version, 2);
    c.repo.clear_overrides();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    let version = c.repo.sim().timestamp.signed.version;
    assert_eq!(u.trusted_set().timestamp().unwrap().version, version);
}

#[test]
fn fast_forward_of_snapshot_meta_recovered_by_snapshot_key_rotation() {
    // With the online snapshot and timestamp keys, an attacker makes the client trust a
    // snapshot listing targets.json v1000 (5.5.5 would then refuse every real snapshot).
    let c = filled("ff-snapshot", sim_with_delegation());
    let (ts, snap) = {
        let sim = c.repo.sim();
        let mut snap = sim.snapshot.clone();
        snap.signed.version = 50;
        snap.signed
            .meta
            .insert("targets.json".into(), MetaFile::new(1000));
        let mut ts = sim.timestamp.clone();
        ts.signed.version = 50;
        ts.signed.snapshot_meta = MetaFile::new(50);
        (
            sim.signed_bytes("timestamp", &ts),
            sim.signed_bytes("snapshot", &snap),
        )
    };
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(ts));
    c.repo
        .set_override("metadata/50.snapshot.json", Response::Bytes(snap.clone()));
    assert_eq!(kind(lookup(&c)), ErrorKind::Download); // 1000.targets.json: 404
    assert_eq!(c.read_cached("snapshot.json").unwrap(), snap);
    c.repo.clear_overrides();
    c.repo.sim().publish_targets("targets");
    assert_eq!(kind(lookup(&c)), ErrorKind::BadVersion);
    {
        let mut sim = c.repo.sim();
        sim.rotate_keys(RoleType::Snapshot);
        sim.rotate_root(|_| {}, &[]);
        sim.update_snapshot();
    }
    lookup(&c).unwrap().unwrap();
    assert_eq!(
        c.read_cached("snapshot.json").unwrap(),
        c.repo.sim().bytes("snapshot")
    );
}

/// Sets the version of targets role `role` so that the next `publish_targets` gives `v`.
fn set_next_version(sim: &mut Sim, role: &str, v: u64) {
    let md = if role == "targets" {
        &mut sim.targets
    } else {
        sim.delegated.get_mut(role).unwrap()
    };
    md.signed.version = v - 1;
}

fn cached_version(c: &Client, role: &str) -> u64 {
    let bytes = c.read_cached(&format!("{role}.json")).unwrap();
    tuf::metadata::Metadata::<tuf::metadata::Targets>::from_bytes(&bytes)
        .unwrap()
        .signed
        .version
}

#[test]
fn fast_forward_recovery_accepts_and_caches_lower_targets_versions() {
    // A targets role went to v100 (say, signed with the online snapshot key by an attacker
    // who also held the role's key, or by mistake). The repository recovers by rotating the
    // snapshot key (5.3.11) and republishing the role at v1: the client must accept v1 and
    // cache it, not keep the v100 that only the superseded snapshot vouched for.
    for role in ["targets", "role1"] {
        let c = filled(&format!("ff-lower-{role}"), sim_with_delegation());
        {
            let mut sim = c.repo.sim();
            set_next_version(&mut sim, role, 100);
            sim.publish_targets(role);
        }
        lookup(&c).unwrap().unwrap();
        assert_eq!(cached_version(&c, role), 100, "{role}");
        {
            let mut sim = c.repo.sim();
            sim.rotate_keys(RoleType::Snapshot);
            sim.rotate_root(|_| {}, &[]);
            set_next_version(&mut sim, role, 1);
            sim.publish_targets(role);
        }
        let info = lookup(&c)
            .unwrap_or_else(|e| panic!("{role}: {e}"))
            .unwrap();
        assert_eq!(info.path, TARGET);
        assert_eq!(cached_version(&c, role), 1, "{role}: the cache kept v100");
        assert_eq!(
            c.read_cached(&format!("{role}.json")).unwrap(),
            c.repo.sim().bytes(role),
            "{role}"
        );
        // A new updater on the same cache starts from what was cached and agrees.
        c.repo.clear_log();
        let mut u = c.updater();
        u.get_target_info(TARGET).unwrap().unwrap();
        assert!(
            !c.repo.metadata_log().iter().any(|f| f.contains(role)),
            "{role}: fetched again although the cache holds the trusted version: {:?}",
            c.repo.metadata_log()
        );
    }
}

/// A snapshot newer than the trusted timestamp lists, stored in a shared cache by an updater
/// that read a later timestamp, is not this cycle's rollback baseline (5.5.5 would then refuse
/// the snapshot this cycle's timestamp lists): the listed snapshot is accepted, and the newer
/// cached one is kept for the next cycle.
#[test]
fn a_cached_snapshot_newer_than_the_timestamp_lists_is_not_the_baseline() {
    let c = filled("newer-cached-snapshot", sim_with_delegation());
    let (ts1, snap1, v1) = {
        let sim = c.repo.sim();
        let v1 = sim.snapshot.signed.version;
        (sim.bytes("timestamp"), sim.bytes("snapshot"), v1)
    };
    // Another updater moves the cache to the next state, where role1 is at version 2.
    c.repo.sim().publish_targets("role1");
    c.updater().refresh().unwrap();
    let snap2 = c.read_cached("snapshot.json").unwrap();
    assert_ne!(snap2, snap1);
    // This cycle's timestamp is the one before (read before the other updater's refresh):
    // cached, and served.
    std::fs::write(c.cached("timestamp.json"), &ts1).unwrap();
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(ts1));
    c.repo.set_override(
        &format!("metadata/{v1}.snapshot.json"),
        Response::Bytes(snap1),
    );
    let mut u = c.updater();
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().snapshot().unwrap().version, v1);
    assert_eq!(c.read_cached("snapshot.json").unwrap(), snap2);
}

/// A newer timestamp that another updater stored in a shared cache while this one fetched its
/// own (the cache is not locked across the refresh) is kept, so that the next refresh's
/// rollback baseline (5.4.3) does not go back; a newer one the trusted timestamp keys did not
/// sign is replaced.
#[test]
fn a_newer_cached_timestamp_stored_meanwhile_is_kept_unless_the_timestamp_keys_did_not_sign_it() {
    for foreign in [false, true] {
        let c = filled(
            &format!("newer-cached-timestamp-{foreign}"),
            sim_with_delegation(),
        );
        // The cache holds timestamp vN; this updater is served vN+1 while vN+2 is stored.
        let (n, v2, v3) = {
            let mut sim = c.repo.sim();
            let n = sim.timestamp.signed.version;
            sim.update_timestamp();
            let v2 = sim.bytes("timestamp");
            sim.update_timestamp();
            let v3 = if foreign {
                let mut md = sim.timestamp.clone();
                md.signatures.clear();
                md.sign(&new_key()).unwrap();
                md.to_bytes()
            } else {
                sim.bytes("timestamp")
            };
            (n, v2, v3)
        };
        c.repo
            .set_override("metadata/timestamp.json", Response::Bytes(v2.clone()));
        // Stored when the timestamp is asked for: after this updater read its cached
        // timestamp, before it stores the one fetched.
        let (cached, stored) = (c.cached("timestamp.json"), v3.clone());
        let fetcher = HookedFetcher {
            inner: c.repo.clone(),
            before: Box::new(move |url: &str| {
                if url.ends_with("/timestamp.json") {
                    std::fs::write(&cached, &stored).unwrap();
                }
            }),
        };
        let mut u = Updater::with_fetcher(c.config(), Box::new(fetcher)).unwrap();
        u.refresh().unwrap();
        assert_eq!(u.trusted_set().timestamp().unwrap().version, n + 1);
        let kept = c.read_cached("timestamp.json").unwrap();
        let expected = if foreign { v2 } else { v3 };
        assert!(
            kept == expected,
            "foreign: {foreign}: the cached timestamp is another one"
        );
    }
}

#[test]
fn a_cached_newer_role_is_kept_only_when_the_cached_snapshot_vouches_for_it() {
    // The verifier's side of the shared-cache rule, decided by verification: a trusted set
    // at snapshot S1 (role1 v1) and what another client cached at S2 (role1 v2).
    let mut sim = sim_with_delegation();
    let root = sim.root_bytes(1);
    let (ts1, snap1, targets1) = (
        sim.bytes("timestamp"),
        sim.bytes("snapshot"),
        sim.bytes("targets"),
    );
    sim.publish_targets("role1");
    let (snap2, role2) = (sim.bytes("snapshot"), sim.bytes("role1"));
    let mut set =
        TrustedSet::new(&root, tuf::metadata::DateTime::now(), Policy::default()).unwrap();
    set.update_timestamp(&ts1).unwrap();
    set.update_snapshot(&snap1, false).unwrap();
    set.update_targets(&targets1).unwrap();
    assert!(set.vouches_for_newer_cached_role(&snap2, "role1", "targets", &role2));
    assert!(set.claims_newer_cached_role("role1", &role2));

    // Not newer: the snapshot the set trusts lists the same version.
    let role1_v1 = {
        let mut md = sim.delegated["role1"].clone();
        md.signed.version = 1;
        sim.signed_bytes("role1", &md)
    };
    assert!(!set.claims_newer_cached_role("role1", &role1_v1));
    assert!(!set.claims_newer_cached_role("role1", b"not metadata"));
    assert!(!set.claims_newer_cached_role("no-such-role", &role2));
    assert!(!set.vouches_for_newer_cached_role(&snap1, "role1", "targets", &role1_v1));
    // The cached role is not the version the cached snapshot lists.
    assert!(!set.vouches_for_newer_cached_role(&snap2, "role1", "targets", &role1_v1));
    // The cached snapshot is signed by a key the trusted root does not give snapshot.
    let signed_by_another_key = |md: &mut tuf::metadata::Metadata<_>| {
        md.signatures.clear();
        md.sign(&new_key()).unwrap();
        md.to_bytes()
    };
    let foreign_snapshot = signed_by_another_key(&mut sim.snapshot.clone());
    assert!(!set.vouches_for_newer_cached_role(&foreign_snapshot, "role1", "targets", &role2));
    // The cached role is signed by a key the delegator does not give it.
    let foreign_role = {
        let mut md = sim.delegated["role1"].clone();
        md.signatures.clear();
        md.sign(&new_key()).unwrap();
        md.to_bytes()
    };
    assert!(!set.vouches_for_newer_cached_role(&snap2, "role1", "targets", &foreign_role));
    // The cached snapshot drops an entry the trusted one lists (5.5.5).
    let dropping = {
        let mut md = sim.snapshot.clone();
        md.signed.meta.remove("targets.json");
        sim.signed_bytes("snapshot", &md)
    };
    assert!(!set.vouches_for_newer_cached_role(&dropping, "role1", "targets", &role2));
    // The cached snapshot is older than the trusted one (though it lists role1 v2 and keeps
    // every entry).
    let trusted_version = set.snapshot().unwrap().version;
    assert!(trusted_version >= 2);
    let older = {
        let mut md = sim.snapshot.clone();
        md.signed.version = trusted_version - 1;
        sim.signed_bytes("snapshot", &md)
    };
    assert!(!set.vouches_for_newer_cached_role(&older, "role1", "targets", &role2));
    // The cached snapshot is expired.
    let expired = {
        let mut md = sim.snapshot.clone();
        md.signed.expires = past();
        sim.signed_bytes("snapshot", &md)
    };
    assert!(!set.vouches_for_newer_cached_role(&expired, "role1", "targets", &role2));
    // The cached role is expired.
    let expired_role = {
        let mut md = sim.delegated["role1"].clone();
        md.signed.expires = past();
        sim.signed_bytes("role1", &md)
    };
    let vouching = {
        let mut md = sim.snapshot.clone();
        md.signed.meta.insert(
            "role1.json".into(),
            MetaFile::with_hashes(md.signed.meta["role1.json"].version, &expired_role),
        );
        sim.signed_bytes("snapshot", &md)
    };
    assert!(!set.vouches_for_newer_cached_role(&vouching, "role1", "targets", &expired_role));
    // Length and hashes in the cached snapshot must match the cached role.
    let hashed = {
        let mut md = sim.snapshot.clone();
        md.signed.meta.insert(
            "role1.json".into(),
            MetaFile::with_hashes(md.signed.meta["role1.json"].version, b"other bytes"),
        );
        sim.signed_bytes("snapshot", &md)
    };
    assert!(!set.vouches_for_newer_cached_role(&hashed, "role1", "targets", &role2));
    // The top-level targets is checked against root's targets keys.
    sim.publish_targets("targets");
    let (snap3, targets3) = (sim.bytes("snapshot"), sim.bytes("targets"));
    assert!(set.vouches_for_newer_cached_role(&snap3, "targets", "root", &targets3));
    assert!(!set.vouches_for_newer_cached_role(&snap3, "targets", "targets", &targets3));
}

// ---- indefinite freeze: 5.3.10, 5.4.4, 5.5.6, 5.6.5 -----------------------------------------

#[test]
fn indefinite_freeze_expired_metadata_is_refused() {
    for role in ["timestamp", "snapshot", "targets", "role1"] {
        let c = filled("freeze", sim_with_delegation());
        let before = c.read_cached(&format!("{role}.json")).unwrap();
        {
            let mut sim = c.repo.sim();
            match role {
                "timestamp" => {
                    sim.timestamp.signed.expires = past();
                    sim.update_timestamp();
                }
                "snapshot" => {
                    sim.snapshot.signed.expires = past();
                    sim.update_snapshot();
                }
                r => {
                    if r == "targets" {
                        sim.targets.signed.expires = past();
                    } else {
                        sim.delegated.get_mut(r).unwrap().signed.expires = past();
                    }
                    sim.publish_targets(r);
                }
            }
        }
        match lookup(&c) {
            Err(Error::Expired { role: r, .. }) => assert_eq!(r, role),
            other => panic!("{role}: {other:?}"),
        }
        assert_eq!(
            c.read_cached(&format!("{role}.json")).unwrap(),
            before,
            "{role}: expired metadata was persisted"
        );
    }
}

#[test]
fn indefinite_freeze_expired_final_root() {
    // 5.3.10: an expired intermediate root is fine, an expired final root is not; the client
    // recovers when a fresh root is published.
    let c = filled("freeze-root", sim_with_delegation());
    c.repo.sim().rotate_root(|r| r.expires = past(), &[]);
    let ts_before = c.read_cached("timestamp.json").unwrap();
    let mut u = c.updater();
    match u.refresh() {
        Err(Error::Expired { role, .. }) => assert_eq!(role, "root"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.read_cached("timestamp.json").unwrap(), ts_before);
    {
        let mut sim = c.repo.sim();
        sim.rotate_root(|r| r.expires = in_secs(86400), &[]);
        sim.update_timestamp();
    }
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
}

#[test]
fn indefinite_freeze_replayed_metadata_is_detected_as_time_passes() {
    // The repository (or an attacker) keeps serving the same, once valid, metadata: once
    // the timestamp expires, the client reports it rather than trusting stale data.
    let mut sim = sim_with_delegation();
    sim.root.signed.expires = in_secs(365 * 86400);
    sim.republish_root_v1();
    let c = filled("freeze-replay", sim);
    let mut config = c.config();
    config.reference_time = Some(in_secs(2 * 86400));
    let mut u = c.updater_with(config);
    match u.get_target_info(TARGET) {
        Err(Error::Expired { role, .. }) => assert_eq!(role, "timestamp"),
        other => panic!("{other:?}"),
    }
}

// ---- malicious mirrors -------------------------------------------------------------------------

#[test]
fn malicious_mirror_errors_are_reported_cache_stays_intact_and_client_recovers() {
    let responses = [
        ("404", Response::Status(404)),
        ("500", Response::Status(500)),
        (
            "garbage",
            Response::Bytes(b"<html>not json</html>".to_vec()),
        ),
        ("empty", Response::Bytes(Vec::new())),
    ];
    for file in [
        "2.root.json",
        "timestamp.json",
        "3.snapshot.json",
        "2.targets.json",
        "2.role1.json",
    ] {
        for (what, response) in &responses {
            if file == "2.root.json" && *what == "404" {
                continue; // 404 on N+1.root.json means "no newer root" (5.3.3)
            }
            let c = filled("mirror", sim_with_delegation());
            {
                let mut sim = c.repo.sim();
                if file == "2.root.json" {
                    sim.rotate_root(|_| {}, &[]);
                }
                sim.targets.signed.version += 1;
                sim.publish_targets("role1");
            }
            let before = cache_state(&c);
            c.repo
                .set_override(&format!("metadata/{file}"), response.clone());
            let err = lookup(&c).unwrap_err();
            let expected = match what {
                &"404" | &"500" => ErrorKind::Download,
                _ => ErrorKind::InvalidMetadata,
            };
            assert_eq!(err.kind(), expected, "{file} {what}: {err}");
            assert_only_trusted_files(&c, &before);
            c.repo.clear_overrides();
            lookup(&c)
                .unwrap_or_else(|e| panic!("{file} {what}: no recovery: {e}"))
                .unwrap();
            let sim = c.repo.sim();
            for role in ["timestamp", "snapshot", "targets", "role1"] {
                assert_eq!(
                    c.read_cached(&format!("{role}.json")).unwrap(),
                    sim.bytes(role),
                    "{file} {what}: {role}"
                );
            }
        }
    }
}

#[test]
fn malicious_mirror_target_errors() {
    for (what, response, expected) in [
        ("404", Response::Status(404), ErrorKind::Download),
        (
            "garbage",
            Response::Bytes(b"<html>oops</html>".to_vec()),
            ErrorKind::LengthExceeded,
        ),
        (
            "empty",
            Response::Bytes(Vec::new()),
            ErrorKind::LengthOrHashMismatch,
        ),
    ] {
        let c = filled("mirror-target", sim_with_delegation());
        let mut u = c.updater();
        let info = u.get_target_info(TARGET).unwrap().unwrap();
        let url = format!("targets/{}", c.repo.targets_url_of(TARGET));
        c.repo.set_override(&url, response);
        assert_eq!(
            kind(u.download_target(&info, None, None)),
            expected,
            "{what}"
        );
        assert!(Client::list(&c.targets_dir()).is_empty(), "{what}");
        c.repo.clear_overrides();
        u.download_target(&info, None, None).unwrap();
    }
}

// ---- mix-and-match: 5.5.2, 5.5.4, 5.6.2, 5.6.4 ---------------------------------------------

#[test]
fn mix_and_match_of_metadata_from_different_states() {
    for with_hashes in [false, true] {
        for role in ["snapshot", "targets", "role1"] {
            let mut sim = sim_with_delegation();
            sim.compute_metafile_hashes_length = with_hashes;
            sim.update_snapshot();
            let c = filled("mixmatch", sim);
            // The old state's file, validly signed.
            let old = c.repo.sim().bytes(role);
            let url = {
                let mut sim = c.repo.sim();
                sim.targets.signed.version += 1;
                sim.publish_targets("role1");
                match role {
                    "snapshot" => format!("metadata/{}.snapshot.json", sim.snapshot.signed.version),
                    "targets" => format!("metadata/{}.targets.json", sim.targets.signed.version),
                    _ => format!(
                        "metadata/{}.role1.json",
                        sim.delegated["role1"].signed.version
                    ),
                }
            };
            c.repo.set_override(&url, Response::Bytes(old.clone()));
            let expected = if with_hashes {
                ErrorKind::LengthOrHashMismatch
            } else {
                ErrorKind::BadVersion
            };
            assert_eq!(kind(lookup(&c)), expected, "{role} hashes={with_hashes}");
            // What is cached for the role is the old state's own file, never a new mix.
            assert_eq!(c.read_cached(&format!("{role}.json")).unwrap(), old);
            c.repo.clear_overrides();
            lookup(&c).unwrap().unwrap();
        }
    }
}

// ---- rollback: 5.3.5, 5.4.3.1, 5.4.3.2, 5.5.5 ---------------------------------------------

#[test]
fn rollback_of_timestamp_snapshot_and_targets_in_one_updater() {
    let c = Client::new("rollback", sim_with_delegation());
    let mut u = c.updater();
    u.get_target_info(TARGET).unwrap().unwrap();
    let old_ts = c.repo.sim().bytes("timestamp");
    c.repo.sim().publish_targets("targets");
    c.repo.sim().publish_targets("targets");
    u.refresh().unwrap();
    let trusted_ts = c.read_cached("timestamp.json").unwrap();

    // 5.4.3.1: an older timestamp.
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(old_ts));
    match u.refresh() {
        Err(Error::BadVersion { role, .. }) => assert_eq!(role, "timestamp"),
        other => panic!("{other:?}"),
    }
    c.repo.clear_overrides();
    // 5.4.3.2: a newer timestamp listing an older snapshot.
    let ts = {
        let sim = c.repo.sim();
        let mut md = sim.timestamp.clone();
        md.signed.version += 1;
        md.signed.snapshot_meta = MetaFile::new(2);
        sim.signed_bytes("timestamp", &md)
    };
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(ts));
    match u.refresh() {
        Err(Error::BadVersion { role, .. }) => assert!(role.starts_with("snapshot"), "{role}"),
        other => panic!("{other:?}"),
    }
    c.repo.clear_overrides();
    assert_eq!(c.read_cached("timestamp.json").unwrap(), trusted_ts);
    // 5.5.5: a new snapshot listing an older targets.json.
    let good_snapshot = c.read_cached("snapshot.json").unwrap();
    {
        let mut sim = c.repo.sim();
        sim.targets.signed.version = 1;
        sim.update_snapshot();
    }
    match u.refresh() {
        Err(Error::BadVersion { role, .. }) => assert_eq!(role, "targets.json (in snapshot meta)"),
        other => panic!("{other:?}"),
    }
    // 5.5.5: a new snapshot without role1.json.
    {
        let mut sim = c.repo.sim();
        sim.targets.signed.version = 4;
        sim.update_snapshot();
        sim.snapshot.signed.meta.remove("role1.json");
        sim.update_timestamp();
    }
    assert_eq!(kind(u.refresh()), ErrorKind::Repository);
    assert_eq!(c.read_cached("snapshot.json").unwrap(), good_snapshot);
}

#[test]
fn rollback_of_root() {
    // 5.3.5: N+1.root.json must be version N+1: an older root or a skipped version is
    // refused, even though validly signed.
    let mut sim = Sim::new();
    sim.rotate_root(|_| {}, &[]);
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new("rollback-root", sim);
    let mut u = c.updater();
    u.refresh().unwrap();
    let (v2, v5) = {
        let mut sim = c.repo.sim();
        sim.rotate_root(|r| r.version = 5, &[]);
        let v5 = sim.signed_roots.pop().unwrap();
        sim.root.signed.version = 3;
        (sim.root_bytes(2), v5)
    };
    for (what, bytes) in [("older", v2), ("skipped", v5)] {
        c.repo
            .set_override("metadata/4.root.json", Response::Bytes(bytes));
        match u.refresh() {
            Err(Error::BadVersion { role, .. }) => assert_eq!(role, "root", "{what}"),
            other => panic!("{what}: {other:?}"),
        }
        assert_eq!(u.trusted_set().root().version, 3);
        assert!(c.read_cached("root_history/4.root.json").is_none());
        assert_eq!(
            c.read_cached("root.json").unwrap(),
            c.repo.sim().root_bytes(3)
        );
    }
}

#[test]
fn rollback_across_updaters_sharing_the_cache() {
    // The persisted metadata is the rollback baseline of the next updater (digest 6.20),
    // whether it starts from the cached root or a bootstrap root.
    let c = Client::new("rollback-shared", sim_with_delegation());
    let old_files = all_files(&c.repo.sim());
    c.repo.sim().rotate_root(|_| {}, &[]);
    c.repo.sim().publish_targets("role1");
    lookup(&c).unwrap().unwrap();
    let before = cache_state(&c);
    // The repository is replaced by its old state.
    for (path, bytes) in old_files {
        c.repo.set_override(&path, Response::Bytes(bytes));
    }
    c.repo
        .set_override("metadata/2.root.json", Response::Status(404));
    for config in [c.config(), c.bootstrap_config()] {
        let mut u = c.updater_with(config);
        match u.get_target_info(TARGET) {
            Err(Error::BadVersion { role, .. }) => assert_eq!(role, "timestamp"),
            other => panic!("{other:?}"),
        }
        assert_eq!(u.trusted_set().root().version, 2);
        assert_eq!(cache_state(&c), before);
    }
}

#[test]
fn rollback_baseline_survives_a_bootstrap_root_older_than_a_key_rotation() {
    // Applications pass their shipped root (v1) every run; the cached root history leads to
    // v2, which rotated the timestamp key. Walking the local history is not a new rotation:
    // the cached timestamp stays the rollback baseline (5.4.3.1), so an older timestamp
    // signed with the current key is refused by every later updater.
    let mut sim = sim_with_delegation();
    sim.rotate_keys(RoleType::Timestamp);
    sim.rotate_root(|_| {}, &[]);
    sim.update_timestamp();
    let c = Client::new("bootstrap-baseline", sim);
    lookup(&c).unwrap().unwrap();
    let old_ts = c.repo.sim().bytes("timestamp");
    c.repo.sim().publish_targets("role1");
    c.updater_with(c.bootstrap_config())
        .get_target_info(TARGET)
        .unwrap()
        .unwrap();
    let trusted = c.read_cached("timestamp.json").unwrap();
    c.repo
        .set_override("metadata/timestamp.json", Response::Bytes(old_ts));
    let mut u = c.updater_with(c.bootstrap_config());
    match u.get_target_info(TARGET) {
        Err(Error::BadVersion { role, .. }) => assert_eq!(role, "timestamp"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.read_cached("timestamp.json").unwrap(), trusted);
}

// ---- key compromise below the threshold: 5.3.4, 5.4.2, 5.5.3, 5.6.3 ------------------------

#[test]
fn one_compromised_key_of_a_threshold_two_role_is_not_enough() {
    for role in ["root", "timestamp", "snapshot", "targets", "role1"] {
        let mut sim = sim_with_delegation();
        for r in RoleType::ALL {
            sim.add_role_key(r, 2);
        }
        sim.republish_root_v1();
        // role1: two keys, threshold 2, in the delegation.
        let second = new_key();
        if let Some(d) = sim.targets.signed.delegations.as_mut() {
            let k = Key::from_signer(&second);
            if let DelegatedRoles::Roles(roles) = &mut d.roles {
                roles[0].keyids.push(k.keyid());
                roles[0].threshold = 2;
            }
            d.keys.insert(k.keyid(), k);
        }
        sim.signers.get_mut("role1").unwrap().push(second);
        sim.targets.signed.version += 1;
        sim.update_snapshot();
        let c = filled("threshold2", sim);
        let before = c.read_cached(&format!("{role}.json"));
        {
            // The attacker holds only the first key of the role and publishes with it.
            let mut sim = c.repo.sim();
            let stolen = clone_key(&sim.signers[role][0]);
            sim.signers.insert(role.to_string(), vec![stolen]);
            match role {
                "root" => sim.rotate_root(|_| {}, &[]),
                "timestamp" => sim.update_timestamp(),
                "snapshot" => sim.update_snapshot(),
                r => {
                    sim.add_target(r, "dir/evil", b"evil");
                    sim.publish_targets(r);
                }
            }
        }
        match c.updater().get_target_info("dir/evil") {
            Err(Error::UnsignedMetadata {
                role: r,
                valid,
                threshold,
            }) => {
                assert_eq!((r.as_str(), valid, threshold), (role, 1, 2));
            }
            other => panic!("{role}: {other:?}"),
        }
        assert_eq!(c.read_cached(&format!("{role}.json")), before, "{role}");
        assert!(c.read_cached("root_history/2.root.json").is_none());
    }
}

// ---- wrong software installation: 5.7.3 -----------------------------------------------------

#[test]
fn wrong_software_another_file_or_other_length_is_refused() {
    let other_target = b"top-level target".to_vec(); // signed, same length as TARGET_DATA
    assert_eq!(other_target.len(), TARGET_DATA.len());
    let mut longer = TARGET_DATA.to_vec();
    longer.extend_from_slice(b" and more");
    for (what, bytes, expected) in [
        (
            "another signed file",
            other_target,
            ErrorKind::LengthOrHashMismatch,
        ),
        ("longer", longer, ErrorKind::LengthExceeded),
        (
            "shorter",
            TARGET_DATA[..5].to_vec(),
            ErrorKind::LengthOrHashMismatch,
        ),
    ] {
        let c = filled("wrongsoftware", sim_with_delegation());
        let mut u = c.updater();
        let info = u.get_target_info(TARGET).unwrap().unwrap();
        let url = format!("targets/{}", c.repo.targets_url_of(TARGET));
        c.repo.set_override(&url, Response::Bytes(bytes));
        assert_eq!(
            kind(u.download_target(&info, None, None)),
            expected,
            "{what}"
        );
        assert!(Client::list(&c.targets_dir()).is_empty(), "{what}");
        assert!(c.temp_files().is_empty());
        assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
    }
}

#[test]
fn wrong_software_from_a_lower_priority_role_is_not_returned() {
    // Digest 6.27: the first delegation that lists the path wins; another role's entry for the
    // same path (other bytes) is never used.
    let mut sim = Sim::new();
    sim.add_delegation("targets", "first", paths(&["pkg/*"]), false);
    sim.add_delegation("targets", "second", paths(&["pkg/*"]), false);
    sim.add_target("second", "pkg/app", b"malicious app");
    sim.add_target("first", "pkg/app", b"the real app");
    sim.update_snapshot();
    let c = Client::new("priority", sim);
    let mut u = c.updater();
    let info = u.get_target_info("pkg/app").unwrap().unwrap();
    assert_eq!(info.role, "first");
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"the real app");
}

// ---- over HTTP with libcurl ------------------------------------------------------------------

fn http_updater(c: &Client, server: &TestServer) -> Updater {
    let mut config = over_http(small_limits(c.bootstrap_config()), server);
    config.fetcher.connect_timeout = std::time::Duration::from_secs(5);
    Updater::new(config).unwrap()
}

#[test]
fn http_endless_metadata_and_target() {
    let server = TestServer::start();
    let c = Client::new("http-endless", sim_with_delegation());
    serve(&server, &c.repo.sim());
    let digest = c.repo.targets_url_of(TARGET);
    for chunked in [true, false] {
        server.set_behavior("/metadata/timestamp.json", Behavior::Endless { chunked });
        let mut u = http_updater(&c, &server);
        match u.refresh() {
            Err(Error::LengthExceeded { limit, .. }) => assert_eq!(limit, 16_384),
            other => panic!("{other:?}"),
        }
        assert!(c.read_cached("timestamp.json").is_none());
        server.set_behavior("/metadata/timestamp.json", Behavior::Normal);
        let info = u.get_target_info(TARGET).unwrap().unwrap();
        let url = format!("/targets/{digest}");
        server.set_behavior(&url, Behavior::Endless { chunked });
        assert_eq!(
            kind(u.download_target(&info, None, None)),
            ErrorKind::LengthExceeded
        );
        assert!(Client::list(&c.targets_dir()).is_empty());
        assert!(c.temp_files().is_empty());
        server.set_behavior(&url, Behavior::Normal);
        u.download_target(&info, None, None).unwrap();
        std::fs::remove_dir_all(c.dir.path()).unwrap();
    }
}

#[test]
fn http_root_probe_statuses() {
    // 5.3.3: 403 and 404 end the root loop; any other status is an error (digest 6.5).
    let server = TestServer::start();
    let c = Client::new("http-root", sim_with_delegation());
    serve(&server, &c.repo.sim());
    for (status, ok) in [(403, true), (404, true), (500, false), (503, false)] {
        server.set_behavior("/metadata/2.root.json", Behavior::Status(status));
        let mut u = http_updater(&c, &server);
        let r = u.refresh();
        if ok {
            r.unwrap();
        } else {
            match r {
                Err(Error::Download { status: s, .. }) => assert_eq!(s, Some(u32::from(status))),
                other => panic!("{status}: {other:?}"),
            }
        }
    }
}
