//! Interop and robustness tests for `tuf::crypto`, using the pyca/cryptography fixtures in
//! tests/data/keys/ (see the README there).

use tuf::crypto::{hex, KeyKind, PublicKey, SigningKey};

const MESSAGE: &[u8] = include_bytes!("data/keys/message.txt");

const RSA_SCHEMES: [&str; 6] = [
    "rsassa-pss-sha256",
    "rsassa-pss-sha384",
    "rsassa-pss-sha512",
    "rsa-pkcs1v15-sha256",
    "rsa-pkcs1v15-sha384",
    "rsa-pkcs1v15-sha512",
];

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_sig(scheme: &str) -> Vec<u8> {
    hex::decode(fixture(&format!("{scheme}.sig.hex")).trim()).expect("hex signature")
}

fn supported(keytype: &str, scheme: &str, public: &str) -> PublicKey {
    let key = PublicKey::from_parts(keytype, scheme, public);
    assert!(
        key.is_supported(),
        "{keytype}/{scheme}: {:?}",
        key.unsupported_reason()
    );
    key
}

fn assert_unsupported(keytype: &str, scheme: &str, public: &str) {
    let key = PublicKey::from_parts(keytype, scheme, public);
    assert!(
        !key.is_supported(),
        "{keytype}/{scheme} should be unsupported"
    );
    assert!(key.unsupported_reason().is_some());
    assert_eq!(key.identity(), None);
    for sig in [
        &[][..],
        &[0u8; 64][..],
        &fixture_sig("rsassa-pss-sha256"),
        &fixture_sig("ecdsa-sha2-nistp256"),
        &fixture_sig("ed25519"),
    ] {
        assert!(!key.verify(MESSAGE, sig));
    }
}

/// Every (key object, fixture signature) pair python-tuf would write.
fn python_vectors() -> Vec<(PublicKey, Vec<u8>)> {
    let mut out = vec![
        (
            supported("ed25519", "ed25519", fixture("ed25519.pub.hex").trim()),
            fixture_sig("ed25519"),
        ),
        (
            supported("ecdsa", "ecdsa-sha2-nistp256", &fixture("p256.spki.pem")),
            fixture_sig("ecdsa-sha2-nistp256"),
        ),
        (
            supported("ecdsa", "ecdsa-sha2-nistp384", &fixture("p384.spki.pem")),
            fixture_sig("ecdsa-sha2-nistp384"),
        ),
        (
            supported(
                "ecdsa-sha2-nistp256",
                "ecdsa-sha2-nistp256",
                &fixture("p256.spki.pem"),
            ),
            fixture_sig("ecdsa-sha2-nistp256"),
        ),
        (
            supported(
                "ecdsa-sha2-nistp384",
                "ecdsa-sha2-nistp384",
                &fixture("p384.spki.pem"),
            ),
            fixture_sig("ecdsa-sha2-nistp384"),
        ),
    ];
    for scheme in RSA_SCHEMES {
        out.push((
            supported("rsa", scheme, &fixture("rsa2048.spki.pem")),
            fixture_sig(scheme),
        ));
    }
    out
}

#[test]
fn python_signatures_verify() {
    for (key, sig) in python_vectors() {
        assert!(key.verify(MESSAGE, &sig), "{key:?}");
    }
}

#[test]
fn python_signatures_fail_on_tampering() {
    for (key, sig) in python_vectors() {
        let mut msg = MESSAGE.to_vec();
        msg[10] ^= 1;
        assert!(!key.verify(&msg, &sig), "wrong message {key:?}");
        assert!(!key.verify(b"", &sig), "empty message {key:?}");
        assert!(!key.verify(MESSAGE, &[]), "empty sig {key:?}");
        assert!(
            !key.verify(MESSAGE, &sig[..sig.len() - 1]),
            "truncated {key:?}"
        );
        let mut extended = sig.clone();
        extended.push(0);
        assert!(!key.verify(MESSAGE, &extended), "extended {key:?}");
        let mut flipped = sig.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x01;
        assert!(!key.verify(MESSAGE, &flipped), "bit flip {key:?}");
        assert!(
            !key.verify(MESSAGE, &vec![0xff; sig.len()]),
            "garbage {key:?}"
        );
    }
}

#[test]
fn signatures_do_not_cross_keys_or_schemes() {
    let vectors = python_vectors();
    for (i, (key, _)) in vectors.iter().enumerate() {
        for (j, (other, sig)) in vectors.iter().enumerate() {
            let same_material = key.identity() == other.identity();
            let same_scheme = key.scheme() == other.scheme();
            if i != j && !(same_material && same_scheme) {
                assert!(
                    !key.verify(MESSAGE, sig),
                    "{key:?} accepted the signature for {other:?}"
                );
            }
        }
    }
}

#[test]
fn raw_ecdsa_signature_is_rejected() {
    // Convert the DER signature SEQUENCE { r, s } to raw r || s and check it does not verify.
    for (scheme, pem, width) in [
        ("ecdsa-sha2-nistp256", "p256.spki.pem", 32),
        ("ecdsa-sha2-nistp384", "p384.spki.pem", 48),
    ] {
        let key = supported("ecdsa", scheme, &fixture(pem));
        let der = fixture_sig(scheme);
        let raw = der_ecdsa_to_raw(&der, width);
        assert_eq!(raw.len(), 2 * width);
        assert!(key.verify(MESSAGE, &der));
        assert!(!key.verify(MESSAGE, &raw), "{scheme} accepted r||s");
    }
}

/// Minimal DER `SEQUENCE { INTEGER r, INTEGER s }` to fixed-width `r || s`, for the fixtures
/// only (short-form lengths, which holds for P-256 and P-384).
fn der_ecdsa_to_raw(der: &[u8], width: usize) -> Vec<u8> {
    assert_eq!(der[0], 0x30);
    let mut rest = &der[2..];
    let mut out = Vec::new();
    for _ in 0..2 {
        assert_eq!(rest[0], 0x02);
        let len = usize::from(rest[1]);
        let int = &rest[2..2 + len];
        let int = &int[int.iter().take_while(|&&b| b == 0).count()..];
        out.extend(std::iter::repeat_n(0, width - int.len()));
        out.extend_from_slice(int);
        rest = &rest[2 + len..];
    }
    out
}

#[test]
fn pss_with_max_salt_is_not_verified() {
    // securesystemslib verifies PSS with automatic salt-length detection; ring only accepts
    // salt length = digest length. This documents that difference.
    let key = supported("rsa", "rsassa-pss-sha256", &fixture("rsa2048.spki.pem"));
    assert!(!key.verify(MESSAGE, &fixture_sig("rsassa-pss-sha256-maxsalt")));
}

#[test]
fn round_trip_every_scheme() {
    let mut keys = vec![
        SigningKey::generate(KeyKind::Ed25519).unwrap(),
        SigningKey::generate(KeyKind::EcdsaP256).unwrap(),
        SigningKey::generate(KeyKind::EcdsaP384).unwrap(),
    ];
    for scheme in RSA_SCHEMES {
        keys.push(SigningKey::from_pkcs8_pem(&fixture("rsa2048.pkcs8.pem"), scheme).unwrap());
    }
    for (scheme, pem) in [
        ("ecdsa-sha2-nistp256", "p256.pkcs8.pem"),
        ("ecdsa-sha2-nistp384", "p384.pkcs8.pem"),
        ("ed25519", "ed25519.pkcs8.pem"),
    ] {
        keys.push(SigningKey::from_pkcs8_pem(&fixture(pem), scheme).unwrap());
    }
    let other = SigningKey::generate(KeyKind::Ed25519).unwrap().public_key();
    for key in &keys {
        let public = PublicKey::from_parts(key.keytype(), key.scheme(), &key.public_value());
        assert!(public.is_supported(), "{key:?}");
        assert_eq!(public, key.public_key());
        let sig = key.sign(MESSAGE).unwrap();
        assert!(public.verify(MESSAGE, &sig), "{key:?}");
        assert!(!public.verify(b"another message", &sig), "{key:?}");
        assert!(!other.verify(MESSAGE, &sig), "{key:?}");
        assert!(!public.verify(MESSAGE, &sig[..sig.len() / 2]), "{key:?}");
    }
}

#[test]
fn rsa_signatures_are_scheme_specific() {
    let pem = fixture("rsa2048.pkcs8.pem");
    for signer_scheme in RSA_SCHEMES {
        let sig = SigningKey::from_pkcs8_pem(&pem, signer_scheme)
            .unwrap()
            .sign(MESSAGE)
            .unwrap();
        for verifier_scheme in RSA_SCHEMES {
            let key = supported("rsa", verifier_scheme, &fixture("rsa2048.spki.pem"));
            assert_eq!(
                key.verify(MESSAGE, &sig),
                signer_scheme == verifier_scheme,
                "signed {signer_scheme}, verified {verifier_scheme}"
            );
        }
    }
}

#[test]
fn public_value_matches_python() {
    for (pem, scheme, public) in [
        ("p256.pkcs8.pem", "ecdsa-sha2-nistp256", "p256.spki.pem"),
        ("p384.pkcs8.pem", "ecdsa-sha2-nistp384", "p384.spki.pem"),
        ("rsa2048.pkcs8.pem", "rsassa-pss-sha256", "rsa2048.spki.pem"),
        (
            "rsa2048.pkcs8.pem",
            "rsa-pkcs1v15-sha512",
            "rsa2048.spki.pem",
        ),
        ("ed25519.pkcs8.pem", "ed25519", "ed25519.pub.hex"),
    ] {
        let key = SigningKey::from_pkcs8_pem(&fixture(pem), scheme).unwrap();
        assert_eq!(key.public_value(), fixture(public), "{pem}");
        assert_eq!(key.to_pkcs8_pem().unwrap(), fixture(pem), "{pem}");
    }
}

#[test]
fn ed25519_seed_matches_python_pkcs8() {
    // pyca/cryptography writes Ed25519 PKCS#8 v1: a fixed 16-byte prefix, then the seed.
    let pem = fixture("ed25519.pkcs8.pem");
    let from_pem = SigningKey::from_pkcs8_pem(&pem, "ed25519").unwrap();
    let der = pem_der(&pem);
    assert_eq!(der.len(), 48);
    let seed: [u8; 32] = der[16..].try_into().unwrap();
    let from_seed = SigningKey::from_ed25519_seed(&seed).unwrap();
    assert_eq!(from_seed.public_value(), from_pem.public_value());
    assert_eq!(from_seed.to_pkcs8_pem().unwrap(), pem);
    assert_eq!(from_seed.sign(MESSAGE).unwrap(), fixture_sig("ed25519"));
}

fn pem_der(pem: &str) -> Vec<u8> {
    let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
    assert_eq!(label, "PRIVATE KEY");
    der
}

#[test]
fn signing_key_rejects_mismatches() {
    let p256 = fixture("p256.pkcs8.pem");
    let rsa = fixture("rsa2048.pkcs8.pem");
    let ed = fixture("ed25519.pkcs8.pem");
    for (pem, scheme) in [
        (&p256, "ecdsa-sha2-nistp384"),
        (&p256, "ed25519"),
        (&p256, "rsassa-pss-sha256"),
        (&rsa, "ecdsa-sha2-nistp256"),
        (&rsa, "ed25519"),
        (&ed, "ecdsa-sha2-nistp256"),
        (&ed, "rsassa-pss-sha256"),
        (&ed, "rsassa-pss-sha224"),
        (&ed, "unknown"),
    ] {
        assert!(
            SigningKey::from_pkcs8_pem(pem, scheme).is_err(),
            "{scheme} accepted"
        );
    }
    let public = fixture("p256.spki.pem");
    assert!(SigningKey::from_pkcs8_pem(&public, "ecdsa-sha2-nistp256").is_err());
    assert!(SigningKey::from_pkcs8_pem("", "ed25519").is_err());
    assert!(SigningKey::from_pkcs8_der(&[0x30, 0x00], "ed25519").is_err());
}

#[test]
fn unsupported_keys() {
    let p256 = fixture("p256.spki.pem");
    let p384 = fixture("p384.spki.pem");
    let rsa = fixture("rsa2048.spki.pem");
    let ed = fixture("ed25519.pub.hex");
    let ed = ed.trim();
    let two_blocks = format!("{p256}{p256}");
    let private = fixture("p256.pkcs8.pem");
    let truncated = p256.replace("MFkw", "MFkx");
    let cases: Vec<(&str, &str, String)> = vec![
        ("unknown", "ed25519", ed.to_string()),
        ("ed25519", "unknown", ed.to_string()),
        ("ed448", "ed448", ed.to_string()),
        ("ED25519", "ed25519", ed.to_string()),
        ("ed25519", "ed25519", format!("{}zz", &ed[..62])),
        ("ed25519", "ed25519", ed[..62].to_string()),
        ("ed25519", "ed25519", format!("{ed}00")),
        ("ed25519", "ed25519", ed[..63].to_string()),
        ("ed25519", "ed25519", String::new()),
        ("ed25519", "ed25519", p256.clone()),
        ("ecdsa", "ecdsa-sha2-nistp256", two_blocks),
        ("ecdsa", "ecdsa-sha2-nistp256", private),
        ("ecdsa", "ecdsa-sha2-nistp256", truncated),
        ("ecdsa", "ecdsa-sha2-nistp256", p384.clone()),
        ("ecdsa", "ecdsa-sha2-nistp384", p256.clone()),
        ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", p384.clone()),
        ("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp256", p256.clone()),
        ("ecdsa", "ecdsa-sha2-nistp521", p256.clone()),
        ("ecdsa", "ecdsa-sha2-nistp256", rsa.clone()),
        ("ecdsa", "ecdsa-sha2-nistp256", ed.to_string()),
        ("ed25519", "ecdsa-sha2-nistp256", p256.clone()),
        ("rsa", "ecdsa-sha2-nistp256", p256.clone()),
        ("rsa", "rsassa-pss-sha256", p256.clone()),
        ("rsa", "rsassa-pss-sha224", rsa.clone()),
        ("rsa", "rsa-pkcs1v15-sha224", rsa.clone()),
        ("rsa", "rsassa-pss-sha256", fixture("rsa1024.spki.pem")),
        ("rsa", "rsa-pkcs1v15-sha256", fixture("rsa1024.spki.pem")),
        ("ecdsa", "rsassa-pss-sha256", rsa.clone()),
        (
            "rsa",
            "rsassa-pss-sha256",
            "-----BEGIN PUBLIC KEY-----".into(),
        ),
        ("rsa", "rsassa-pss-sha256", "\u{0}\u{ffff}é".into()),
    ];
    for (keytype, scheme, public) in &cases {
        assert_unsupported(keytype, scheme, public);
    }
    // The 1024-bit key's own valid signature is not accepted either.
    let small = PublicKey::from_parts("rsa", "rsassa-pss-sha256", &fixture("rsa1024.spki.pem"));
    assert!(!small.verify(MESSAGE, &fixture_sig("rsa1024-rsassa-pss-sha256")));
    let reason = small.unsupported_reason().unwrap();
    assert!(reason.contains("1024"), "{reason}");
}

#[test]
fn garbage_never_panics() {
    // Pseudo-random public values and signatures for every known scheme.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let p256 = fixture("p256.spki.pem");
    for scheme in [
        "ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "rsassa-pss-sha256",
        "rsa-pkcs1v15-sha512",
    ] {
        let keytype = match scheme {
            "ed25519" => "ed25519",
            s if s.starts_with("ecdsa") => "ecdsa",
            _ => "rsa",
        };
        for _ in 0..200 {
            let len = (next() % 300) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let mut mutated = p256.clone().into_bytes();
            let i = (next() as usize) % mutated.len();
            mutated[i] = b"AZaz09+/=\n -"[(next() % 12) as usize];
            for public in [
                hex::encode(&bytes),
                String::from_utf8_lossy(&bytes).into_owned(),
                String::from_utf8_lossy(&mutated).into_owned(),
            ] {
                let key = PublicKey::from_parts(keytype, scheme, &public);
                assert!(!key.verify(MESSAGE, &bytes));
                let _ = format!("{key:?}");
            }
        }
    }
}

#[test]
fn identity_is_key_material() {
    let p256 = fixture("p256.spki.pem");
    let a = supported("ecdsa", "ecdsa-sha2-nistp256", &p256);
    let b = supported("ecdsa", "ecdsa-sha2-nistp256", &p256);
    assert_eq!(a.identity(), b.identity());

    // Other PEM spellings of the same key: one base64 line, CRLF, surrounding whitespace.
    let one_line: String = p256
        .lines()
        .map(|l| {
            if l.starts_with("-----") {
                format!("{l}\n")
            } else {
                l.to_string()
            }
        })
        .collect();
    let crlf = format!("\n  {}  \n", p256.replace('\n', "\r\n"));
    for spelling in [&one_line, &crlf] {
        assert_ne!(spelling, &p256);
        let c = supported("ecdsa", "ecdsa-sha2-nistp256", spelling);
        assert_eq!(c.identity(), a.identity());
        assert_eq!(c, a);
        assert!(c.verify(MESSAGE, &fixture_sig("ecdsa-sha2-nistp256")));
    }

    // Legacy keytype and a different scheme: same material, same identity, different key object.
    let legacy = supported("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", &p256);
    assert_eq!(legacy.identity(), a.identity());
    assert_ne!(legacy, a);
    let pss = supported("rsa", "rsassa-pss-sha256", &fixture("rsa2048.spki.pem"));
    let pkcs1 = supported("rsa", "rsa-pkcs1v15-sha256", &fixture("rsa2048.spki.pem"));
    assert_eq!(pss.identity(), pkcs1.identity());
    assert_ne!(pss, pkcs1);

    // Ed25519 hex in either case.
    let ed = fixture("ed25519.pub.hex");
    let lower = supported("ed25519", "ed25519", ed.trim());
    let upper = supported("ed25519", "ed25519", &ed.trim().to_uppercase());
    assert_eq!(lower.identity(), upper.identity());

    // Different keys differ.
    let ids = [
        a.identity().unwrap().to_vec(),
        supported("ecdsa", "ecdsa-sha2-nistp384", &fixture("p384.spki.pem"))
            .identity()
            .unwrap()
            .to_vec(),
        pss.identity().unwrap().to_vec(),
        lower.identity().unwrap().to_vec(),
        SigningKey::generate(KeyKind::EcdsaP256)
            .unwrap()
            .public_key()
            .identity()
            .unwrap()
            .to_vec(),
        SigningKey::generate(KeyKind::Ed25519)
            .unwrap()
            .public_key()
            .identity()
            .unwrap()
            .to_vec(),
    ];
    for (i, x) in ids.iter().enumerate() {
        for y in &ids[i + 1..] {
            assert_ne!(x, y);
        }
    }
}

#[test]
fn unsupported_keys_compare_by_raw_value() {
    let a = PublicKey::from_parts("future", "future-scheme", "abc");
    let b = PublicKey::from_parts("future", "future-scheme", "abc");
    let c = PublicKey::from_parts("future", "future-scheme", "abd");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.public(), "abc");
    assert_eq!(a.keytype(), "future");
    assert_eq!(a.scheme(), "future-scheme");
}
