//! The Metadata API in Rust, under the C functions of the same name: metadata of any role
//! (`AnyMetadata`), editing root, timestamp and snapshot `meta`, targets and delegations,
//! unknown fields by JSON Pointer, signing with any `Signer`, and `verify_delegate`.

use tuf::crypto::{HashAlgorithm, SigningKey};
use tuf::json::{Map, Style, Value};
use tuf::metadata::{
    AnyMetadata, DateTime, DelegatedRole, DelegatedRoles, Key, KeySigner, MetaFile, PathSpec,
    RoleType, Signer, SuccinctBins, TargetFile,
};
use tuf::verify::verify_delegate;
use tuf::{Error, ErrorKind};

fn expires() -> DateTime {
    DateTime::parse("2099-01-01T00:00:00Z").unwrap()
}

fn signer(seed: u8) -> KeySigner {
    KeySigner::new(SigningKey::from_ed25519_seed(&[seed; 32]).unwrap())
}

fn kind<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn reparse(md: &AnyMetadata) -> AnyMetadata {
    AnyMetadata::from_bytes(&md.to_json(Style::Pretty)).unwrap()
}

#[test]
fn any_role_is_read_by_its_type() {
    for role in RoleType::ALL {
        let md = AnyMetadata::new(role, expires());
        assert_eq!(md.role_type(), role);
        for style in [Style::Pretty, Style::Compact, Style::Canonical] {
            let again = AnyMetadata::from_bytes(&md.to_json(style)).unwrap();
            assert_eq!(again, md, "{role:?} {style:?}");
        }
    }
    let bad: [&[u8]; 7] = [
        b"",
        b"[]",
        br#"{"signatures": [], "signed": {}}"#,
        br#"{"signatures": [], "signed": {"_type": 1}}"#,
        br#"{"signatures": [], "signed": {"_type": "mirrors"}}"#,
        br#"{"signatures": [], "signed": "root"}"#,
        br#"{"signatures": [], "signed": {"_type": "root", "_type": "root"}}"#,
    ];
    for b in bad {
        assert_eq!(
            kind(AnyMetadata::from_bytes(b)),
            ErrorKind::InvalidMetadata,
            "{}",
            String::from_utf8_lossy(b)
        );
    }
    // The type is read from the document; the role's own rules still apply.
    let mut text =
        String::from_utf8(AnyMetadata::new(RoleType::Root, expires()).to_json(Style::Pretty))
            .unwrap();
    text = text.replace("\"version\": 1", "\"version\": 0");
    assert_eq!(
        kind(AnyMetadata::from_bytes(text.as_bytes())),
        ErrorKind::InvalidMetadata
    );
}

#[test]
fn common_fields_change() {
    let mut md = AnyMetadata::new(RoleType::Targets, expires());
    assert_eq!(md.version(), 1);
    md.bump_version().unwrap();
    assert_eq!(md.version(), 2);
    assert_eq!(kind(md.set_version(0)), ErrorKind::InvalidArgument);
    md.set_version(u64::MAX).unwrap();
    assert_eq!(kind(md.bump_version()), ErrorKind::InvalidArgument);
    assert_eq!(md.version(), u64::MAX);
    assert_eq!(md.spec_version(), tuf::metadata::SPEC_VERSION);
    md.set_spec_version("1.0").unwrap();
    for bad in ["2.0.0", "1", "1.0.0.0", "1.x", ""] {
        assert_eq!(
            kind(md.set_spec_version(bad)),
            ErrorKind::InvalidArgument,
            "{bad}"
        );
    }
    assert_eq!(md.spec_version(), "1.0");
    let t = DateTime::from_unix(1_000_000).unwrap();
    md.set_expires(t);
    assert_eq!(md.expires(), t);
    assert!(md.is_expired(t), "expired at the very second (digest 6.21)");
    assert!(!md.is_expired(DateTime::from_unix(999_999).unwrap()));
    let again = reparse(&md);
    assert_eq!(
        (again.version(), again.spec_version(), again.expires()),
        (u64::MAX, "1.0", t)
    );
}

#[test]
fn signatures_are_added_replaced_and_checked() {
    let mut md = AnyMetadata::new(RoleType::Timestamp, expires());
    let (a, b) = (signer(1), signer(2));
    md.sign(&a, false).unwrap();
    md.sign(&b, true).unwrap();
    assert_eq!(md.signatures().len(), 2);
    md.sign(&a, true).unwrap();
    assert_eq!(
        md.signatures().len(),
        2,
        "append replaces the signer's own signature"
    );
    md.sign(&b, false).unwrap();
    assert_eq!(md.signatures().len(), 1, "without append, all others go");
    assert_eq!(md.signatures()[0].keyid, b.keyid());
    // Ed25519 is deterministic: the signature is the one over the canonical signed bytes.
    let sig = b.signing_key().sign(&md.signed_bytes()).unwrap();
    assert_eq!(md.signatures()[0].sig, tuf::crypto::hex::encode(&sig));

    // Detached signatures.
    md.add_signature("other", "abcd").unwrap();
    md.add_signature("other", "ABCD").unwrap();
    assert_eq!(md.signatures().len(), 2);
    for (keyid, sig) in [("", "ab"), ("x", ""), ("x", "xyz"), ("x", "abc")] {
        assert_eq!(
            kind(md.add_signature(keyid, sig)),
            ErrorKind::InvalidArgument
        );
    }
    assert_eq!(md.signatures().len(), 2);
}

/// A signer that signs with another key than the one it claims, or fails.
struct Lying {
    claimed: KeySigner,
    actual: Option<KeySigner>,
}

impl Signer for Lying {
    fn keyid(&self) -> &str {
        self.claimed.keyid()
    }
    fn public_key(&self) -> &Key {
        self.claimed.public_key()
    }
    fn sign(&self, msg: &[u8]) -> tuf::Result<Vec<u8>> {
        match &self.actual {
            Some(k) => k.sign(msg),
            None => Err(Error::Crypto("refused".into())),
        }
    }
}

#[test]
fn a_signature_that_does_not_verify_is_not_added() {
    let mut md = AnyMetadata::new(RoleType::Snapshot, expires());
    md.sign(&signer(9), false).unwrap();
    let before = md.signatures().to_vec();
    for actual in [Some(signer(2)), None] {
        let liar = Lying {
            claimed: signer(1),
            actual,
        };
        assert_eq!(kind(md.sign(&liar, false)), ErrorKind::Crypto);
        assert_eq!(md.signatures(), &before[..], "unchanged on failure");
    }
}

#[test]
fn meta_entries_of_timestamp_and_snapshot() {
    let mut ts = AnyMetadata::new(RoleType::Timestamp, expires());
    assert_eq!(ts.meta().len(), 1);
    ts.set_meta("snapshot.json", MetaFile::with_hashes(7, b"snap"))
        .unwrap();
    let e = ts.meta_entry("snapshot.json").unwrap();
    assert_eq!((e.version, e.length), (7, Some(4)));
    assert_eq!(
        kind(ts.set_meta("targets.json", MetaFile::new(1))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(ts.set_meta("snapshot.json", MetaFile::new(0))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(ts.remove_meta("snapshot.json")),
        ErrorKind::InvalidArgument
    );
    assert_eq!(reparse(&ts), ts);

    let mut snap = AnyMetadata::new(RoleType::Snapshot, expires());
    snap.set_meta("role.json", MetaFile::new(3)).unwrap();
    let names: Vec<&str> = snap.meta().iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["role.json", "targets.json"]);
    snap.remove_meta("role.json").unwrap();
    assert_eq!(
        kind(snap.remove_meta("role.json")),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(snap.set_meta("", MetaFile::new(1))),
        ErrorKind::InvalidArgument
    );

    let mut root = AnyMetadata::new(RoleType::Root, expires());
    assert!(root.meta().is_empty());
    assert_eq!(
        kind(root.set_meta("x.json", MetaFile::new(1))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind(root.remove_meta("x.json")), ErrorKind::InvalidArgument);
    assert_eq!(kind(root.targets()), ErrorKind::InvalidArgument);
    assert_eq!(kind(snap.root_mut()), ErrorKind::InvalidArgument);
}

#[test]
fn root_keys_and_roles() {
    let mut md = AnyMetadata::new(RoleType::Root, expires());
    let a = signer(1);
    let root = md.root_mut().unwrap();
    root.add_key_as(RoleType::Root, "custom-id", a.public_key().clone())
        .unwrap();
    root.add_key_as(RoleType::Timestamp, "custom-id", a.public_key().clone())
        .unwrap();
    root.add_key_as(RoleType::Timestamp, "custom-id", a.public_key().clone())
        .unwrap();
    assert_eq!(
        root.role(RoleType::Timestamp).unwrap().keyids,
        ["custom-id"]
    );
    // One keyid never stands for two keys.
    let e = root.add_key_as(
        RoleType::Snapshot,
        "custom-id",
        signer(2).public_key().clone(),
    );
    assert_eq!(kind(e), ErrorKind::InvalidArgument);
    assert!(root.role(RoleType::Snapshot).unwrap().keyids.is_empty());
    assert_eq!(
        kind(root.add_key_as(RoleType::Root, "", a.public_key().clone())),
        ErrorKind::InvalidArgument
    );

    root.revoke_listed_key(RoleType::Root, "custom-id").unwrap();
    assert!(
        root.keys.contains_key("custom-id"),
        "timestamp still uses it"
    );
    assert_eq!(
        kind(root.revoke_listed_key(RoleType::Root, "custom-id")),
        ErrorKind::InvalidArgument
    );
    root.revoke_listed_key(RoleType::Timestamp, "custom-id")
        .unwrap();
    assert!(root.keys.is_empty());

    root.set_threshold(RoleType::Targets, 3).unwrap();
    assert_eq!(
        kind(root.set_threshold(RoleType::Targets, 0)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(root.role(RoleType::Targets).unwrap().threshold, 3);
}

#[test]
fn target_entries_from_data_and_files() {
    let t =
        TargetFile::from_data_with(b"", &[HashAlgorithm::Sha256, HashAlgorithm::Sha512]).unwrap();
    assert_eq!(t.length, 0);
    let hashes: Vec<(String, String)> = t
        .hashes
        .iter()
        .map(|(a, d)| (a.into(), d.into_owned()))
        .collect();
    assert_eq!(
        hashes,
        [
            ("sha256".to_string(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_string()),
            ("sha512".to_string(), "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e".to_string()),
        ]
    );
    assert_eq!(
        kind(TargetFile::from_data_with(b"x", &[])),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(TargetFile::from_data_with(
            b"x",
            &[HashAlgorithm::Sha256, HashAlgorithm::Sha256]
        )),
        ErrorKind::InvalidArgument
    );

    // A file larger than the read buffer, hashed in pieces.
    let dir = std::env::temp_dir().join(format!("libtuf-mdapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.bin");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let from_file =
        TargetFile::from_file(&path, &[HashAlgorithm::Sha512, HashAlgorithm::Sha256]).unwrap();
    let from_data =
        TargetFile::from_data_with(&data, &[HashAlgorithm::Sha512, HashAlgorithm::Sha256]).unwrap();
    assert_eq!(from_file, from_data);
    assert_eq!(from_file.length, 200_000);
    from_file.verify("big.bin", &data).unwrap();
    assert_eq!(
        from_file.hashes.first().0,
        "sha512",
        "the order given is kept"
    );
    let missing = TargetFile::from_file(&dir.join("missing"), &[HashAlgorithm::Sha256]);
    assert_eq!(kind(missing), ErrorKind::Io);
    // Only regular files: a device or a directory is an error, never an endless read.
    for special in [std::path::Path::new("/dev/zero"), &dir] {
        let e = TargetFile::from_file(special, &[HashAlgorithm::Sha256]).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
    let _ = std::fs::remove_dir_all(&dir);

    let mut t = t;
    t.set_custom(Some(Value::from("x")));
    assert_eq!(t.custom(), Some(&Value::from("x")));
    t.set_custom(None);
    assert_eq!(t.custom(), None);
}

#[test]
fn delegations_are_edited_as_in_python_tuf() {
    let mut md = AnyMetadata::new(RoleType::Targets, expires());
    let t = md.targets_mut().unwrap();
    let (a, b) = (signer(1), signer(2));
    // No delegations yet: a failed edit leaves none.
    let e = t.edit_delegations(|d| d.add_key_as(Some("x"), a.keyid(), a.public_key().clone()));
    assert_eq!(kind(e), ErrorKind::InvalidArgument);
    assert!(t.delegations.is_none());
    assert_eq!(
        kind(DelegatedRole::new("", 1, false, PathSpec::Paths(vec![]))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(DelegatedRole::new(
            "targets",
            1,
            false,
            PathSpec::Paths(vec![])
        )),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(DelegatedRole::new("x", 0, false, PathSpec::Paths(vec![]))),
        ErrorKind::InvalidArgument
    );

    let role = |name: &str| {
        DelegatedRole::new(name, 1, false, PathSpec::Paths(vec![format!("{name}/*")])).unwrap()
    };
    t.edit_delegations(|d| d.add_role(role("one"))).unwrap();
    t.edit_delegations(|d| d.add_role(role("two"))).unwrap();
    assert_eq!(
        kind(t.edit_delegations(|d| d.add_role(role("one")))),
        ErrorKind::InvalidArgument
    );
    t.edit_delegations(|d| {
        d.add_key_as(Some("one"), a.keyid(), a.public_key().clone())?;
        d.add_key_as(Some("two"), a.keyid(), a.public_key().clone())?;
        d.add_key_as(Some("two"), b.keyid(), b.public_key().clone())?;
        d.set_threshold(Some("two"), 2)
    })
    .unwrap();
    let d = t.delegations.as_mut().unwrap();
    assert_eq!(
        kind(d.add_key_as(Some("one"), a.keyid(), b.public_key().clone())),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(d.add_key_as(None, a.keyid(), a.public_key().clone())),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(d.set_threshold(Some("two"), 0)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(d.set_threshold(Some("three"), 1)),
        ErrorKind::InvalidArgument
    );
    d.revoke_key(Some("one"), a.keyid()).unwrap();
    assert!(d.keys.contains_key(a.keyid()), "role two still uses it");
    assert_eq!(
        kind(d.revoke_key(Some("one"), a.keyid())),
        ErrorKind::InvalidArgument
    );
    d.revoke_key(Some("two"), a.keyid()).unwrap();
    assert!(!d.keys.contains_key(a.keyid()));
    assert_eq!(
        kind(d.set_succinct(SuccinctBins::new(2, "bin").unwrap(), 1)),
        ErrorKind::InvalidArgument
    );
    d.remove_role("one").unwrap();
    assert_eq!(kind(d.remove_role("one")), ErrorKind::InvalidArgument);
    let DelegatedRoles::Roles(roles) = &d.roles else {
        panic!("classic")
    };
    assert_eq!(
        (roles.len(), roles[0].threshold, roles[0].keyids.len()),
        (1, 2, 1)
    );
    d.remove_role("two").unwrap();

    // Succinct bins, keyed with no role name.
    d.set_succinct(SuccinctBins::new(3, "bin").unwrap(), 1)
        .unwrap();
    assert_eq!(
        kind(d.set_succinct(SuccinctBins::new(3, "bin").unwrap(), 0)),
        ErrorKind::InvalidArgument
    );
    d.add_key_as(None, b.keyid(), b.public_key().clone())
        .unwrap();
    assert_eq!(
        kind(d.add_key_as(Some("bin-0"), b.keyid(), b.public_key().clone())),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind(d.add_role(role("x"))), ErrorKind::InvalidArgument);
    d.set_succinct(SuccinctBins::new(4, "b").unwrap(), 2)
        .unwrap();
    let DelegatedRoles::Succinct(s) = &d.roles else {
        panic!("succinct")
    };
    assert_eq!(
        (s.keyids.len(), s.threshold, s.bins.bit_length()),
        (1, 2, 4),
        "keyids kept"
    );
    d.set_threshold(None, 1).unwrap();
    d.revoke_key(None, b.keyid()).unwrap();
    assert!(d.keys.is_empty());
    assert_eq!(reparse(&md), md);
}

fn unknown(json: &str) -> Map {
    match Value::parse(json.as_bytes()).unwrap() {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

#[test]
fn unknown_fields_of_every_object() {
    let a = signer(1);
    let mut root = AnyMetadata::new(RoleType::Root, expires());
    root.root_mut()
        .unwrap()
        .add_key_as(RoleType::Root, a.keyid(), a.public_key().clone())
        .unwrap();
    root.sign(&a, false).unwrap();
    let keypath = format!("/signed/keys/{}", a.keyid());
    let mut targets = AnyMetadata::new(RoleType::Targets, expires());
    let t = targets.targets_mut().unwrap();
    t.targets
        .insert("dir/a~b.txt".into(), TargetFile::from_data(b"x"));
    t.edit_delegations(|d| {
        d.add_role(DelegatedRole::new(
            "r",
            1,
            false,
            PathSpec::HashPrefixes(vec!["ab".into()]),
        )?)?;
        d.add_key_as(Some("r"), a.keyid(), a.public_key().clone())
    })
    .unwrap();
    let mut succinct = AnyMetadata::new(RoleType::Targets, expires());
    succinct
        .targets_mut()
        .unwrap()
        .edit_delegations(|d| d.set_succinct(SuccinctBins::new(1, "b").unwrap(), 1))
        .unwrap();
    let ts = AnyMetadata::new(RoleType::Timestamp, expires());
    let snap = AnyMetadata::new(RoleType::Snapshot, expires());
    let dkey = format!("/signed/delegations/keys/{}", a.keyid());
    let cases: Vec<(AnyMetadata, &str, &str)> = vec![
        (root.clone(), "", "signed"),
        (root.clone(), "/signatures/0", "sig"),
        (root.clone(), "/signed", "roles"),
        (root.clone(), &keypath, "keyval"),
        (root.clone(), "/signed/roles/root", "threshold"),
        (ts.clone(), "/signed", "meta"),
        (ts, "/signed/meta/snapshot.json", "hashes"),
        (snap, "/signed/meta/targets.json", "length"),
        (targets.clone(), "/signed", "delegations"),
        (targets.clone(), "/signed/targets/dir~1a~0b.txt", "hashes"),
        (targets.clone(), "/signed/delegations", "roles"),
        (targets.clone(), &dkey, "scheme"),
        (
            targets.clone(),
            "/signed/delegations/roles/0",
            "path_hash_prefixes",
        ),
        (succinct, "/signed/delegations/succinct_roles", "bit_length"),
    ];
    for (mut md, pointer, known) in cases {
        assert!(
            md.unrecognized_fields(pointer).unwrap().is_empty(),
            "{pointer}"
        );
        let fields = unknown(r#"{"x-new": [1, {"n": null}], "custom": {"v": "é"}}"#);
        md.set_unrecognized_fields(pointer, fields.clone()).unwrap();
        assert_eq!(
            md.unrecognized_fields(pointer).unwrap(),
            &fields,
            "{pointer}"
        );
        let again = reparse(&md);
        assert_eq!(
            again.unrecognized_fields(pointer).unwrap(),
            &fields,
            "{pointer}: written"
        );
        assert_eq!(again, md);
        // A known field is refused, and nothing changes.
        let clash = unknown(&format!(r#"{{"{known}": 1}}"#));
        assert_eq!(
            kind(md.set_unrecognized_fields(pointer, clash)),
            ErrorKind::InvalidArgument,
            "{pointer}"
        );
        assert_eq!(md.unrecognized_fields(pointer).unwrap(), &fields);
        md.set_unrecognized_fields(pointer, Map::new()).unwrap();
        assert!(md.unrecognized_fields(pointer).unwrap().is_empty());
    }
    for (md, pointer) in [
        (&root, "signed"),
        (&root, "/signatures/1"),
        (&root, "/signatures/00"),
        (&root, "/signatures/-1"),
        (&root, "/signed/keys/nope"),
        (&root, "/signed/roles/mirrors"),
        (&root, "/signed/targets/x"),
        (&root, "/signed/meta/snapshot.json"),
        (&targets, "/signed/targets/dir/a~b.txt"),
        (&targets, "/signed/targets/dir~1a~2b.txt"),
        (&targets, "/signed/delegations/roles/1"),
        (&targets, "/signed/delegations/succinct_roles"),
        (&targets, "/signed/delegations/keys"),
        (&targets, "/signed/extra"),
        (&targets, "/"),
    ] {
        assert_eq!(
            kind(md.unrecognized_fields(pointer)),
            ErrorKind::InvalidArgument,
            "{pointer}"
        );
        let mut m = md.clone();
        assert_eq!(
            kind(m.set_unrecognized_fields(pointer, Map::new())),
            ErrorKind::InvalidArgument,
            "{pointer}"
        );
        assert_eq!(&m, md);
    }
}

fn signed(mut md: AnyMetadata, signers: &[&KeySigner]) -> AnyMetadata {
    for s in signers {
        md.sign(*s, true).unwrap();
    }
    md
}

#[test]
fn verify_delegate_checks_the_delegators_keys_and_threshold() {
    let (r1, r2, ts, tg, del) = (signer(1), signer(2), signer(3), signer(4), signer(5));
    let mut root = AnyMetadata::new(RoleType::Root, expires());
    {
        let r = root.root_mut().unwrap();
        for s in [&r1, &r2] {
            r.add_key_as(RoleType::Root, s.keyid(), s.public_key().clone())
                .unwrap();
        }
        r.set_threshold(RoleType::Root, 2).unwrap();
        r.add_key_as(RoleType::Timestamp, ts.keyid(), ts.public_key().clone())
            .unwrap();
        r.add_key_as(RoleType::Targets, tg.keyid(), tg.public_key().clone())
            .unwrap();
    }
    let one = signed(root.clone(), &[&r1]);
    let both = signed(root.clone(), &[&r1, &r2]);
    assert_eq!(
        kind(verify_delegate(&one, "root", &one)),
        ErrorKind::BadSignature
    );
    verify_delegate(&both, "root", &both).unwrap();

    let timestamp = signed(AnyMetadata::new(RoleType::Timestamp, expires()), &[&ts]);
    verify_delegate(&both, "timestamp", &timestamp).unwrap();
    // A key root does not give the role does not count, even if root lists it.
    let by_root_key = signed(AnyMetadata::new(RoleType::Timestamp, expires()), &[&r1]);
    assert_eq!(
        kind(verify_delegate(&both, "timestamp", &by_root_key)),
        ErrorKind::BadSignature
    );
    // The snapshot role has no keys: nothing can meet its threshold.
    let snapshot = signed(AnyMetadata::new(RoleType::Snapshot, expires()), &[&ts]);
    assert_eq!(
        kind(verify_delegate(&both, "snapshot", &snapshot)),
        ErrorKind::BadSignature
    );
    // The delegate must be of the role's type (digest 6.38).
    let targets_by_ts = signed(AnyMetadata::new(RoleType::Targets, expires()), &[&ts]);
    assert_eq!(
        kind(verify_delegate(&both, "timestamp", &targets_by_ts)),
        ErrorKind::InvalidMetadata
    );
    for role in ["mirrors", "", "Root"] {
        assert_eq!(
            kind(verify_delegate(&both, role, &timestamp)),
            ErrorKind::InvalidArgument
        );
    }
    assert_eq!(
        kind(verify_delegate(&timestamp, "snapshot", &snapshot)),
        ErrorKind::InvalidArgument
    );

    // Targets delegating to a classic role and to succinct bins.
    let mut top = AnyMetadata::new(RoleType::Targets, expires());
    assert_eq!(
        kind(verify_delegate(&top, "a", &targets_by_ts)),
        ErrorKind::InvalidArgument
    );
    top.targets_mut()
        .unwrap()
        .edit_delegations(|d| {
            d.add_role(DelegatedRole::new(
                "a",
                1,
                true,
                PathSpec::Paths(vec!["*".into()]),
            )?)?;
            d.add_key_as(Some("a"), del.keyid(), del.public_key().clone())
        })
        .unwrap();
    let top = signed(top, &[&tg]);
    verify_delegate(&both, "targets", &top).unwrap();
    let a = signed(AnyMetadata::new(RoleType::Targets, expires()), &[&del]);
    verify_delegate(&top, "a", &a).unwrap();
    assert_eq!(
        kind(verify_delegate(&top, "a", &targets_by_ts)),
        ErrorKind::BadSignature
    );
    assert_eq!(
        kind(verify_delegate(&top, "b", &a)),
        ErrorKind::InvalidArgument
    );
    // Root's keys never verify a delegated role (digest 6.14).
    assert_eq!(
        kind(verify_delegate(&both, "a", &a)),
        ErrorKind::InvalidArgument
    );

    let mut bins = AnyMetadata::new(RoleType::Targets, expires());
    bins.targets_mut()
        .unwrap()
        .edit_delegations(|d| {
            d.set_succinct(SuccinctBins::new(2, "bin").unwrap(), 1)?;
            d.add_key_as(None, del.keyid(), del.public_key().clone())
        })
        .unwrap();
    verify_delegate(&bins, "bin-3", &a).unwrap();
    assert_eq!(
        kind(verify_delegate(&bins, "bin-4", &a)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(verify_delegate(&bins, "bin-0", &targets_by_ts)),
        ErrorKind::BadSignature
    );
}
