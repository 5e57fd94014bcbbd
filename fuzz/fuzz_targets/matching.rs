//! Delegation path matching (digest 4.1 to 4.3) against reference implementations written
//! from the definitions (`src/fnmatch_ref.rs`, checked against CPython 3.11's `fnmatch` by
//! its unit tests):
//!
//! - `fnmatch_case`, `path_matches_pattern`, `matches_any_path_pattern`: CPython's
//!   `fnmatch.fnmatchcase` per `/`-separated segment, as python-tuf matches `paths`;
//! - `target_path_hash_hex`, `path_hash_prefix_matches`, `matches_any_hash_prefix`: a plain
//!   prefix test on the lowercase hex SHA-256 (from the `sha2` crate, not libtuf's `ring`);
//! - `SuccinctBins`: the bin of a target is the first `bit_length` bits of its SHA-256, bin
//!   names are `{prefix}-{index:0Wx}` with W the hex length of `2^bit_length - 1`, and only
//!   such exact names are bins;
//! - `DelegatedRole::covers` and `Delegations::roles_for_target` / `requirement`, which put
//!   these together.
//!
//! Input: byte 0 is the `bit_length` (any value: 1..=32 are valid), byte 1 a hash-prefix
//! length, then fields separated by 0xFF (never in UTF-8): a pattern, a target path, and more
//! patterns; the first extra field is also the bin name prefix.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tuf::json::Map;
use tuf::metadata::matching::{
    fnmatch_case, matches_any_hash_prefix, matches_any_path_pattern, path_hash_prefix_matches,
    path_matches_pattern, target_path_hash_hex,
};
use tuf::metadata::{
    DelegatedRole, DelegatedRoles, Delegations, PathSpec, SuccinctBins, SuccinctRoles,
};
use tuf_fuzz::fnmatch_ref as reference;

/// Inputs longer than this are skipped: the reference matcher is cubic in the worst case.
const MAX_INPUT: usize = 400;

fn role(name: &str, paths: PathSpec, terminating: bool) -> DelegatedRole {
    DelegatedRole {
        name: name.into(),
        keyids: vec!["k".into()],
        threshold: 1,
        terminating,
        paths,
        extra: Map::new(),
    }
}

fn check_bins(bit_length: u64, prefix: &str, target: &str, names: &[String]) {
    let bins = match SuccinctBins::new(bit_length, prefix) {
        Ok(b) => b,
        Err(e) => {
            assert!(
                !(1..=32).contains(&bit_length),
                "bit_length {bit_length} refused: {e}"
            );
            return;
        }
    };
    assert!(
        (1..=32).contains(&bit_length),
        "bit_length {bit_length} accepted"
    );
    let bits = bit_length as u32;
    assert_eq!(bins.bit_length() as u32, bits);
    assert_eq!(bins.name_prefix(), prefix);
    assert_eq!(bins.number_of_bins(), 1u64 << bits);
    assert_eq!(bins.suffix_width(), reference::suffix_len(bits));
    let index = reference::bin_index(target, bits);
    assert_eq!(bins.bin_index(target), index, "bin of {target:?}");
    let name = reference::bin_name(prefix, bits, index);
    assert_eq!(bins.bin_name(index), name);
    assert_eq!(bins.bin_for_target(target), name);
    assert_eq!(bins.parse_bin_name(&name), Some(index));
    for n in names {
        let want = reference::parse_bin_name(prefix, bits, n);
        assert_eq!(bins.parse_bin_name(n), want, "parse_bin_name({n:?})");
        assert_eq!(bins.is_bin_name(n), want.is_some());
    }
    let last = u32::try_from((1u64 << bits) - 1).expect("at most 32 bits");
    let mut all = bins.bin_names();
    assert_eq!(all.next(), Some(reference::bin_name(prefix, bits, 0)));
    assert_eq!(
        all.next_back(),
        Some(reference::bin_name(prefix, bits, last))
    );
    assert_eq!(
        bins.bin_names().nth(index as usize),
        Some(name.clone()),
        "nth({index})"
    );
    if bits <= 3 {
        let every: Vec<String> = bins.bin_names().collect();
        let want: Vec<String> = (0..=last)
            .map(|i| reference::bin_name(prefix, bits, i))
            .collect();
        assert_eq!(every, want);
    }

    let delegations = Delegations {
        keys: Default::default(),
        roles: DelegatedRoles::Succinct(SuccinctRoles {
            keyids: vec!["k".into()],
            threshold: 1,
            bins,
            extra: Map::new(),
        }),
        extra: Map::new(),
    };
    let found: Vec<(String, bool)> = delegations
        .roles_for_target(target)
        .map(|(n, t)| (n.into_owned(), t))
        .collect();
    assert_eq!(found, vec![(name, true)]);
    for n in names {
        let want = reference::parse_bin_name(prefix, bits, n).is_some();
        assert_eq!(
            delegations.requirement(n).is_some(),
            want,
            "requirement({n:?})"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 || data.len() > MAX_INPUT {
        return;
    }
    let (bit_length, prefix_len) = (u64::from(data[0]), usize::from(data[1]) % 66);
    let fields: Vec<String> = data[2..]
        .split(|&b| b == 0xFF)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let pattern = fields[0].as_str();
    let target = fields.get(1).map_or("", String::as_str);
    let patterns: Vec<String> = std::iter::once(pattern.to_string())
        .chain(fields.iter().skip(2).cloned())
        .collect();

    // 4.1 paths
    assert_eq!(
        fnmatch_case(target, pattern),
        reference::fnmatchcase(target, pattern),
        "fnmatchcase({target:?}, {pattern:?})"
    );
    assert_eq!(
        fnmatch_case(pattern, target),
        reference::fnmatchcase(pattern, target),
        "fnmatchcase({pattern:?}, {target:?})"
    );
    let path_match: Vec<bool> = patterns
        .iter()
        .map(|p| reference::path_matches(target, p))
        .collect();
    for (p, want) in patterns.iter().zip(&path_match) {
        assert_eq!(
            path_matches_pattern(target, p),
            *want,
            "path {target:?} pattern {p:?}"
        );
    }
    assert_eq!(
        matches_any_path_pattern(target, &patterns),
        path_match.iter().any(|&m| m)
    );

    // 4.2 path_hash_prefixes
    let hex = reference::path_hash_hex(target);
    assert_eq!(target_path_hash_hex(target), hex);
    let mut prefixes = patterns.clone();
    prefixes.push(hex[..prefix_len.min(hex.len())].to_string());
    for p in &prefixes {
        assert_eq!(
            path_hash_prefix_matches(&hex, p),
            hex.starts_with(p.as_str()),
            "{p:?}"
        );
    }
    let any_prefix = prefixes.iter().any(|p| hex.starts_with(p.as_str()));
    assert_eq!(matches_any_hash_prefix(target, &prefixes), any_prefix);
    assert!(!matches_any_hash_prefix(target, &[]));

    // Delegated roles: each pattern as a `paths` role and as a `path_hash_prefixes` role,
    // terminating or not by the bits of byte 1.
    let mut roles = Vec::new();
    let mut want_roles = Vec::new();
    for (i, p) in prefixes.iter().enumerate() {
        let terminating = (data[1] >> (i % 8)) & 1 == 1;
        let by_path = role(
            &format!("p{i}"),
            PathSpec::Paths(vec![p.clone()]),
            terminating,
        );
        let by_hash = role(
            &format!("h{i}"),
            PathSpec::HashPrefixes(vec![p.clone()]),
            terminating,
        );
        let path_covers = reference::path_matches(target, p);
        let hash_covers = hex.starts_with(p.as_str());
        assert_eq!(by_path.covers(target), path_covers);
        assert_eq!(by_hash.covers(target), hash_covers);
        if path_covers {
            want_roles.push((by_path.name.clone(), terminating));
        }
        if hash_covers {
            want_roles.push((by_hash.name.clone(), terminating));
        }
        roles.push(by_path);
        roles.push(by_hash);
    }
    let delegations = Delegations {
        keys: Default::default(),
        roles: DelegatedRoles::Roles(roles),
        extra: Map::new(),
    };
    let found: Vec<(String, bool)> = delegations
        .roles_for_target(target)
        .map(|(n, t)| (n.into_owned(), t))
        .collect();
    assert_eq!(found, want_roles, "roles_for_target({target:?})");

    // 4.3 succinct hash bins
    let prefix = fields.get(2).map_or("bin", String::as_str);
    check_bins(bit_length, prefix, target, &fields);
});
