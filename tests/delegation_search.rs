//! The delegation search of 5.6.7 (`TrustedSet::find_target`), with roles loaded from the
//! simulator as the search reaches them: pre-order and first match wins (digest 6.27),
//! terminating delegations (5.6.7.2.1, 6.28), paths checked at every level (6.29), cycles and
//! the limit of visited roles (5.6.7.1, 6.33), succinct bins as terminating (4.3, 6.32), and a
//! role reached through two delegators checked against each (6.34).

mod common;

use common::sim::{in_secs, Sim};
use tuf::crypto::SigningKey;
use tuf::metadata::{
    DelegatedRole, DelegatedRoles, Delegations, Key, Metadata, PathSpec, SuccinctBins,
    SuccinctRoles, Targets,
};
use tuf::verify::{Policy, TargetInfo, TrustedSet, DEFAULT_MAX_DELEGATIONS};
use tuf::{ErrorKind, Result};

/// A deterministic ed25519 key, so that one key can sign several roles.
fn seed_key(seed: u8) -> SigningKey {
    SigningKey::from_ed25519_seed(&[seed; 32]).unwrap()
}

/// A seed per role name (the same name always gets the same key unless a test says otherwise).
fn seed_of(name: &str) -> u8 {
    name.bytes()
        .fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b))
}

/// Adds to `delegator` a delegation to `name` for `paths`, with the key of `seed`; creates the
/// role (empty) if it does not exist yet, and makes `seed`'s key one of its signers.
fn delegate_with(
    sim: &mut Sim,
    delegator: &str,
    name: &str,
    paths: &[&str],
    terminating: bool,
    seed: u8,
) {
    let signer = seed_key(seed);
    let key = Key::from_signer(&signer);
    let keyid = key.keyid();
    let parent = if delegator == "targets" {
        &mut sim.targets
    } else {
        sim.delegated.get_mut(delegator).unwrap()
    };
    let d = parent
        .signed
        .delegations
        .get_or_insert_with(Delegations::new);
    d.keys.insert(keyid.clone(), key);
    let DelegatedRoles::Roles(roles) = &mut d.roles else {
        panic!("{delegator} uses succinct roles")
    };
    roles.push(DelegatedRole {
        name: name.into(),
        keyids: vec![keyid.clone()],
        threshold: 1,
        terminating,
        paths: PathSpec::Paths(paths.iter().map(|p| p.to_string()).collect()),
        extra: Default::default(),
    });
    sim.delegated
        .entry(name.into())
        .or_insert_with(|| Metadata::new(Targets::new(in_secs(86400))));
    let signers = sim.signers.entry(name.into()).or_default();
    if !signers.iter().any(|s| Key::from_signer(s).keyid() == keyid) {
        signers.push(signer);
    }
}

fn delegate(sim: &mut Sim, delegator: &str, name: &str, paths: &[&str], terminating: bool) {
    delegate_with(sim, delegator, name, paths, terminating, seed_of(name));
}

/// A set with the top-level metadata of `sim` loaded.
fn loaded(sim: &Sim) -> TrustedSet {
    let mut set = TrustedSet::new(&sim.root_bytes(1), sim_now(), Policy::default()).unwrap();
    set.update_timestamp(&sim.bytes("timestamp")).unwrap();
    set.update_snapshot(&sim.bytes("snapshot"), false).unwrap();
    set.update_targets(&sim.bytes("targets")).unwrap();
    set
}

fn sim_now() -> tuf::metadata::DateTime {
    tuf::metadata::DateTime::now()
}

/// Searches `target` in `set`, loading roles from `sim` as the search reaches them. Returns
/// the result and the loads, as `delegator>role`, in order.
///
/// Checks on the way that a role `next_role_to_load` names from the bytes of the role being
/// loaded, before they are verified (what the updater fetches ahead), is the role the search
/// loads next, if it loads another.
fn find_in(
    sim: &Sim,
    set: &mut TrustedSet,
    target: &str,
    max: usize,
) -> (Result<Option<TargetInfo>>, Vec<String>) {
    let mut loads = Vec::new();
    let mut named: Option<String> = None;
    let r = set.find_target(target, max, &mut |set, role, delegator| {
        if let Some(named) = named.take() {
            assert_eq!(
                named, role,
                "next_role_to_load named {named}, the search loads {role}"
            );
        }
        loads.push(format!("{delegator}>{role}"));
        let bytes = sim.bytes(role);
        let candidate = Metadata::<Targets>::from_bytes(&bytes)?;
        named = set.next_role_to_load(role, &candidate.signed, target);
        set.update_delegated_targets(&bytes, role, delegator)
            .map(|_| ())
    });
    (r, loads)
}

/// Searches `target` in a fresh set: the role that lists it (if any) and the loads.
fn find(sim: &Sim, target: &str) -> (Option<String>, Vec<String>) {
    let mut set = loaded(sim);
    let (r, loads) = find_in(sim, &mut set, target, DEFAULT_MAX_DELEGATIONS);
    (r.unwrap().map(|m| m.role), loads)
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---- order ---------------------------------------------------------------------------------

#[test]
fn preorder_depth_first_and_first_match_wins() {
    // 5.6.7.2, digest 6.27: targets -> [r1, r2]; r1 -> [r1a]. r1a and r2 both list "f": the
    // depth-first search reaches r1a (below the earlier delegation) before r2.
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["*"], false);
    delegate(&mut sim, "targets", "r2", &["*"], false);
    delegate(&mut sim, "r1", "r1a", &["*"], false);
    sim.add_target("r1a", "f", b"from r1a");
    sim.add_target("r2", "f", b"from r2, a different file");
    sim.update_snapshot();
    let mut set = loaded(&sim);
    let (r, loads) = find_in(&sim, &mut set, "f", DEFAULT_MAX_DELEGATIONS);
    let m = r.unwrap().unwrap();
    assert_eq!(m.role, "r1a");
    assert_eq!(m.target.length, b"from r1a".len() as u64);
    assert_eq!(loads, strs(&["targets>r1", "r1>r1a"]));

    // A target listed by the top-level role itself needs no delegated role.
    sim.add_target("targets", "f", b"top");
    sim.update_snapshot();
    assert_eq!(find(&sim, "f"), (Some("targets".into()), vec![]));
}

#[test]
fn target_not_listed_anywhere_is_not_found() {
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["*"], false);
    delegate(&mut sim, "targets", "r2", &["*"], false);
    sim.update_snapshot();
    assert_eq!(
        find(&sim, "missing"),
        (None, strs(&["targets>r1", "targets>r2"]))
    );
}

#[test]
fn the_role_to_load_next_is_the_first_delegation_of_the_target_not_trusted_yet() {
    // targets -> r1; r1 -> [r1a ("a/*"), r1b ("*")]; r1b -> r1b2. What the updater fetches
    // while r1 is verified: the role the search loads right after r1, from r1's bytes.
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["*"], false);
    delegate(&mut sim, "r1", "r1a", &["a/*"], false);
    delegate(&mut sim, "r1", "r1b", &["*"], false);
    delegate(&mut sim, "r1b", "r1b2", &["*"], false);
    sim.add_target("r1", "listed", b"in r1");
    sim.update_snapshot();
    let mut set = loaded(&sim);
    let r1 = Metadata::<Targets>::from_bytes(&sim.bytes("r1"))
        .unwrap()
        .signed;
    // The first delegation that covers the target, in r1's order.
    assert_eq!(set.next_role_to_load("r1", &r1, "a/x"), Some("r1a".into()));
    assert_eq!(set.next_role_to_load("r1", &r1, "f"), Some("r1b".into()));
    // None when r1 lists the target itself: the search ends there.
    assert_eq!(set.next_role_to_load("r1", &r1, "listed"), None);
    // None for a role without delegations.
    let r1b2 = Metadata::<Targets>::from_bytes(&sim.bytes("r1b2"))
        .unwrap()
        .signed;
    assert_eq!(set.next_role_to_load("r1b2", &r1b2, "f"), None);
    // None when that delegation is the role itself (visited: the search goes elsewhere).
    assert_eq!(set.next_role_to_load("r1b", &r1, "f"), None);
    // None once that role is trusted: the search does not load it again.
    set.update_delegated_targets(&sim.bytes("r1"), "r1", "targets")
        .unwrap();
    set.update_delegated_targets(&sim.bytes("r1b"), "r1b", "r1")
        .unwrap();
    assert_eq!(set.next_role_to_load("r1", &r1, "f"), None);
    assert_eq!(set.next_role_to_load("r1", &r1, "a/x"), Some("r1a".into()));
}

// ---- terminating ---------------------------------------------------------------------------

#[test]
fn terminating_delegation_stops_later_siblings_but_not_earlier_ones() {
    // 5.6.7.2.1: targets -> [r0, r1 (terminating), r2]; only r2 lists "f".
    let build = |r0_lists: bool| {
        let mut sim = Sim::new();
        delegate(&mut sim, "targets", "r0", &["*"], false);
        delegate(&mut sim, "targets", "r1", &["*"], true);
        delegate(&mut sim, "targets", "r2", &["*"], false);
        sim.add_target("r2", "f", b"r2");
        if r0_lists {
            sim.add_target("r0", "f", b"r0");
        }
        sim.update_snapshot();
        sim
    };
    assert_eq!(
        find(&build(false), "f"),
        (None, strs(&["targets>r0", "targets>r1"]))
    );
    // A matching sibling before the terminating one is still searched, first.
    assert_eq!(
        find(&build(true), "f"),
        (Some("r0".into()), strs(&["targets>r0"]))
    );
}

#[test]
fn terminating_delegation_drops_pending_delegations_higher_up() {
    // targets -> [a, b]; a -> [c (terminating)]; only b lists "f". Entering c through a
    // terminating delegation drops b, which was still pending one level up.
    let build = |terminating: bool| {
        let mut sim = Sim::new();
        delegate(&mut sim, "targets", "a", &["*"], false);
        delegate(&mut sim, "targets", "b", &["*"], false);
        delegate(&mut sim, "a", "c", &["*"], terminating);
        sim.add_target("b", "f", b"b");
        sim.update_snapshot();
        sim
    };
    assert_eq!(find(&build(true), "f"), (None, strs(&["targets>a", "a>c"])));
    // Control: without terminating, the search goes on to b.
    assert_eq!(
        find(&build(false), "f"),
        (Some("b".into()), strs(&["targets>a", "a>c", "targets>b"]))
    );
}

#[test]
fn terminating_applies_only_to_a_delegation_that_matches() {
    // Digest 6.28: a terminating delegation whose paths do not cover the target has no effect.
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["other/*"], true);
    delegate(&mut sim, "targets", "r2", &["*"], false);
    sim.add_target("r2", "f", b"r2");
    sim.update_snapshot();
    assert_eq!(find(&sim, "f"), (Some("r2".into()), strs(&["targets>r2"])));
}

// ---- paths at every level ------------------------------------------------------------------

#[test]
fn target_must_match_the_paths_at_every_level_of_the_chain() {
    // Digest 6.29: targets -(p1)-> r1 -(p2)-> r2, and r2 lists "a/x" (and "b/y"). The target is
    // trusted only if p1 and p2 both cover it.
    let build = |p1: &str, p2: &str| {
        let mut sim = Sim::new();
        delegate(&mut sim, "targets", "r1", &[p1], false);
        delegate(&mut sim, "r1", "r2", &[p2], false);
        sim.add_target("r2", "a/x", b"x");
        sim.add_target("r2", "b/y", b"y");
        sim.update_snapshot();
        sim
    };
    // Both levels cover it.
    assert_eq!(
        find(&build("a/*", "a/x"), "a/x"),
        (Some("r2".into()), strs(&["targets>r1", "r1>r2"]))
    );
    // The first level does not: r1 is not even loaded.
    assert_eq!(find(&build("b/*", "a/*"), "a/x"), (None, vec![]));
    // The second level does not.
    assert_eq!(
        find(&build("*/*", "b/*"), "a/x"),
        (None, strs(&["targets>r1"]))
    );
    // The last role lists a target outside its own delegated paths.
    assert_eq!(
        find(&build("*/*", "a/*"), "b/y"),
        (None, strs(&["targets>r1"]))
    );
    // Hash prefixes are paths too (digest 4.2): sha256("a/x") starts with neither "00" nor "ff".
    let mut sim = build("a/*", "a/*");
    let hash = tuf::metadata::matching::target_path_hash_hex("a/x");
    let d = sim.delegated.get_mut("r1").unwrap();
    let DelegatedRoles::Roles(roles) = &mut d.signed.delegations.as_mut().unwrap().roles else {
        panic!()
    };
    let other = if hash.starts_with('0') { "ff" } else { "00" };
    roles[0].paths = PathSpec::HashPrefixes(vec![other.into()]);
    sim.update_snapshot();
    assert_eq!(find(&sim, "a/x"), (None, strs(&["targets>r1"])));
    let d = sim.delegated.get_mut("r1").unwrap();
    let DelegatedRoles::Roles(roles) = &mut d.signed.delegations.as_mut().unwrap().roles else {
        panic!()
    };
    roles[0].paths = PathSpec::HashPrefixes(vec![hash[..3].into()]);
    sim.update_snapshot();
    assert_eq!(
        find(&sim, "a/x"),
        (Some("r2".into()), strs(&["targets>r1", "r1>r2"]))
    );
}

// ---- cycles and limits ---------------------------------------------------------------------

#[test]
fn visited_roles_are_skipped_so_cycles_end() {
    // 5.6.7.1: targets -> [r1, r3]; r1 -> r2; r2 -> r1 (a cycle). r3 lists "f" and must still
    // be reached: the cycle is broken by skipping r1 the second time.
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["*"], false);
    delegate(&mut sim, "targets", "r3", &["*"], false);
    delegate(&mut sim, "r1", "r2", &["*"], false);
    delegate(&mut sim, "r2", "r1", &["*"], false);
    sim.add_target("r3", "f", b"r3");
    sim.update_snapshot();
    assert_eq!(
        find(&sim, "f"),
        (
            Some("r3".into()),
            strs(&["targets>r1", "r1>r2", "targets>r3"])
        )
    );
    // A role delegating to itself.
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["*"], false);
    delegate(&mut sim, "r1", "r1", &["*"], false);
    delegate(&mut sim, "targets", "r2", &["*"], false);
    sim.add_target("r2", "f", b"r2");
    sim.update_snapshot();
    assert_eq!(
        find(&sim, "f"),
        (Some("r2".into()), strs(&["targets>r1", "targets>r2"]))
    );
}

#[test]
fn at_most_max_delegations_roles_are_visited() {
    // 5.6.7.1: targets -> d1 -> d2 -> d3 -> d4, and d4 lists "f". As python-tuf, the limit
    // counts delegated roles: the top-level targets plus `max` delegated roles are visited.
    let mut sim = Sim::new();
    let mut parent = "targets".to_string();
    for i in 1..=4 {
        let name = format!("d{i}");
        delegate(&mut sim, &parent, &name, &["*"], false);
        parent = name;
    }
    sim.add_target("d4", "f", b"d4");
    sim.update_snapshot();
    let chain = strs(&["targets>d1", "d1>d2", "d2>d3", "d3>d4"]);
    for max in 0..=5 {
        let mut set = loaded(&sim);
        let (r, loads) = find_in(&sim, &mut set, "f", max);
        let found = r.unwrap().map(|m| m.role);
        assert_eq!(found.is_some(), max >= 4, "max {max}");
        assert_eq!(loads, chain[..max.min(4)], "max {max}");
    }
    // The limit also bounds a long chain with the default (32).
    let mut sim = Sim::new();
    let mut parent = "targets".to_string();
    for i in 1..=40 {
        let name = format!("d{i}");
        delegate(&mut sim, &parent, &name, &["*"], false);
        parent = name;
    }
    sim.add_target("d40", "f", b"deep");
    sim.update_snapshot();
    let (found, loads) = find(&sim, "f");
    assert_eq!(found, None);
    assert_eq!(loads.len(), DEFAULT_MAX_DELEGATIONS);
}

// ---- succinct bins -------------------------------------------------------------------------

#[test]
fn succinct_bins_are_terminating() {
    // Digest 4.3, 6.32 (python-tuf's choice): targets -> [a, b]; a delegates to hash bins; the
    // bin of "f" does not list it, b does. Entering the bin drops b.
    let build = |bin_lists: bool| {
        let mut sim = Sim::new();
        delegate(&mut sim, "targets", "a", &["*"], false);
        delegate(&mut sim, "targets", "b", &["*"], false);
        sim.add_target("b", "f", b"b");
        let signer = seed_key(200);
        let key = Key::from_signer(&signer);
        let bins = SuccinctBins::new(2, "bin").unwrap();
        let mut d = Delegations::new();
        d.keys.insert(key.keyid(), key.clone());
        d.roles = DelegatedRoles::Succinct(SuccinctRoles {
            keyids: vec![key.keyid()],
            threshold: 1,
            bins: bins.clone(),
            extra: Default::default(),
        });
        sim.delegated.get_mut("a").unwrap().signed.delegations = Some(d);
        for name in bins.bin_names() {
            sim.delegated
                .insert(name.clone(), Metadata::new(Targets::new(in_secs(86400))));
            sim.signers.insert(name, vec![seed_key(200)]);
        }
        let bin = bins.bin_for_target("f");
        if bin_lists {
            sim.add_target(&bin, "f", b"bin");
        }
        sim.update_snapshot();
        (sim, bin)
    };
    let (sim, bin) = build(false);
    assert_eq!(
        find(&sim, "f"),
        (None, strs(&["targets>a", &format!("a>{bin}")]))
    );
    let (sim, bin) = build(true);
    assert_eq!(
        find(&sim, "f"),
        (Some(bin.clone()), strs(&["targets>a", &format!("a>{bin}")]))
    );
}

// ---- a role with two delegators ------------------------------------------------------------

#[test]
fn role_reached_through_a_second_delegator_is_checked_against_it() {
    // Digest 6.34: targets -> [a ("a/*"), b ("b/*")]; a and b both delegate to c, with
    // different keys. c, loaded (and verified) through a in one search, is reached through b
    // in the next: it must also satisfy b's keys and threshold.
    let build = |signed_by_b: bool| {
        let mut sim = Sim::new();
        delegate(&mut sim, "targets", "a", &["a/*"], false);
        delegate(&mut sim, "targets", "b", &["b/*"], false);
        delegate_with(&mut sim, "a", "c", &["*/*"], false, 101);
        delegate_with(&mut sim, "b", "c", &["*/*"], false, 102);
        if !signed_by_b {
            sim.signers.insert("c".into(), vec![seed_key(101)]);
        }
        sim.add_target("c", "b/y", b"y");
        sim.update_snapshot();
        sim
    };
    for signed_by_b in [false, true] {
        let sim = build(signed_by_b);
        let mut set = loaded(&sim);
        let (r, loads) = find_in(&sim, &mut set, "a/x", DEFAULT_MAX_DELEGATIONS);
        assert_eq!(r.unwrap(), None);
        assert_eq!(loads, strs(&["targets>a", "a>c"]));
        assert_eq!(set.delegator_of("c"), Some("a"));
        // c is not loaded again, but checked against b.
        let (r, loads) = find_in(&sim, &mut set, "b/y", DEFAULT_MAX_DELEGATIONS);
        assert_eq!(loads, strs(&["targets>b"]));
        if signed_by_b {
            assert_eq!(r.unwrap().unwrap().role, "c");
        } else {
            assert_eq!(r.unwrap_err().kind(), ErrorKind::BadSignature);
        }
        // The same check is available directly.
        assert_eq!(set.check_delegation("c", "b").is_ok(), signed_by_b);
        set.check_delegation("c", "a").unwrap();
    }
}

#[test]
fn failed_load_stops_the_search() {
    // 5.6.7: metadata that cannot be validated ends the search (python-tuf raises).
    let mut sim = Sim::new();
    delegate(&mut sim, "targets", "r1", &["*"], false);
    delegate(&mut sim, "targets", "r2", &["*"], false);
    sim.add_target("r2", "f", b"r2");
    sim.update_snapshot();
    sim.delegated.get_mut("r1").unwrap().signed.version = 2; // snapshot lists 1
    let mut set = loaded(&sim);
    let (r, loads) = find_in(&sim, &mut set, "f", DEFAULT_MAX_DELEGATIONS);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::BadVersion);
    assert_eq!(loads, strs(&["targets>r1"]));
}
