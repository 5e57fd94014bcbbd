//! Keys as repository tools get them: public keys from PEM `PUBLIC KEY` blocks, encoded and
//! identified exactly as securesystemslib's `SSlibKey.from_pem` does (so keyids equal
//! python-tuf's), and private keys from PKCS#8 PEM with their default scheme, as
//! securesystemslib's `CryptoSigner` chooses it. Fixtures: tests/data/keys/ (pyca/cryptography).

use tuf::crypto::{KeyKind, SigningKey};
use tuf::metadata::Key;
use tuf::ErrorKind;

const MESSAGE: &[u8] = include_bytes!("data/keys/message.txt");

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The PEM SubjectPublicKeyInfo of a raw Ed25519 public key (RFC 8410).
fn ed25519_spki_pem(raw_hex: &str) -> String {
    let mut der = tuf::crypto::hex::decode("302a300506032b6570032100").unwrap();
    der.extend(tuf::crypto::hex::decode(raw_hex).unwrap());
    pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &der).unwrap()
}

#[test]
fn ed25519_pem_gives_the_specification_keyid() {
    // Digest 1.7: the key of the specification's example root and its keyid.
    let public = "72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c";
    let key = Key::from_pem(&ed25519_spki_pem(public), None).unwrap();
    assert_eq!(
        (key.keytype(), key.scheme(), key.public_value()),
        ("ed25519", "ed25519", public)
    );
    assert_eq!(
        key.keyid(),
        "1bf1c6e3cdd3d3a8420b19199e27511999850f4b376c4547b2f32fba7e80fca3"
    );
    assert!(Key::from_pem(&ed25519_spki_pem(public), Some("ed25519")).is_ok());
}

#[test]
fn ecdsa_and_rsa_pem_are_encoded_as_pyca_writes_them() {
    for (file, keytype, scheme) in [
        ("p256.spki.pem", "ecdsa", "ecdsa-sha2-nistp256"),
        ("p384.spki.pem", "ecdsa", "ecdsa-sha2-nistp384"),
        ("rsa2048.spki.pem", "rsa", "rsassa-pss-sha256"),
    ] {
        let pem = fixture(file);
        let key = Key::from_pem(&pem, None).unwrap();
        assert_eq!((key.keytype(), key.scheme()), (keytype, scheme), "{file}");
        assert_eq!(
            key.public_value(),
            pem,
            "{file}: the public value is pyca's PEM"
        );
        assert!(key.public_key().is_supported());
        // Another wrapping of the same key (one base64 line, CRLF, blank lines around)
        // gives the same key object, so the same keyid.
        let body: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .concat();
        let other =
            format!("\r\n-----BEGIN PUBLIC KEY-----\r\n{body}\r\n-----END PUBLIC KEY-----\r\n\r\n");
        let again = Key::from_pem(&other, Some(scheme)).unwrap();
        assert_eq!(again.keyid(), key.keyid(), "{file}");
    }
    let pkcs1 = Key::from_pem(&fixture("rsa2048.spki.pem"), Some("rsa-pkcs1v15-sha512")).unwrap();
    assert_eq!(
        (pkcs1.keytype(), pkcs1.scheme()),
        ("rsa", "rsa-pkcs1v15-sha512")
    );
}

#[test]
fn pem_public_keys_match_their_private_keys() {
    for (private, public) in [
        ("p256.pkcs8.pem", fixture("p256.spki.pem")),
        ("p384.pkcs8.pem", fixture("p384.spki.pem")),
        ("rsa2048.pkcs8.pem", fixture("rsa2048.spki.pem")),
        (
            "ed25519.pkcs8.pem",
            ed25519_spki_pem(fixture("ed25519.pub.hex").trim()),
        ),
    ] {
        let signer = SigningKey::from_pem(&fixture(private), None).unwrap();
        let from_private = Key::from_signer(&signer);
        let from_public = Key::from_pem(&public, None).unwrap();
        assert_eq!(from_private, from_public, "{private}");
        assert_eq!(from_private.keyid(), from_public.keyid());
        let sig = signer.sign(MESSAGE).unwrap();
        assert!(from_public.public_key().verify(MESSAGE, &sig), "{private}");
    }
}

#[test]
fn pem_public_keys_that_cannot_be_used_are_errors() {
    let p256 = fixture("p256.spki.pem");
    let rsa = fixture("rsa2048.spki.pem");
    let ed = ed25519_spki_pem(fixture("ed25519.pub.hex").trim());
    for (pem, scheme) in [
        (&p256, Some("ecdsa-sha2-nistp384")),
        (&p256, Some("ed25519")),
        (&p256, Some("rsassa-pss-sha256")),
        (&rsa, Some("ecdsa-sha2-nistp256")),
        (&rsa, Some("rsassa-pss-sha224")),
        (&ed, Some("ecdsa-sha2-nistp256")),
        (&ed, Some("not-a-scheme")),
    ] {
        let e = Key::from_pem(pem, scheme).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Crypto, "{scheme:?}: {e}");
    }
    let too_small = fixture("rsa1024.spki.pem");
    let private = fixture("p256.pkcs8.pem");
    for pem in [&too_small, &private, "", "garbage"] {
        let e = Key::from_pem(pem, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Crypto, "{e}");
    }
    // An Ed25519 SPKI with a wrong-length key.
    let short = {
        let der = tuf::crypto::hex::decode("3029300506032b65700320").unwrap();
        let mut der = der;
        der.extend([7u8; 31]);
        pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &der).unwrap()
    };
    assert!(Key::from_pem(&short, None).is_err());
}

#[test]
fn private_keys_get_their_default_scheme() {
    for (file, kind, scheme) in [
        ("ed25519.pkcs8.pem", KeyKind::Ed25519, "ed25519"),
        ("p256.pkcs8.pem", KeyKind::EcdsaP256, "ecdsa-sha2-nistp256"),
        ("p384.pkcs8.pem", KeyKind::EcdsaP384, "ecdsa-sha2-nistp384"),
        ("rsa2048.pkcs8.pem", KeyKind::Rsa, "rsassa-pss-sha256"),
    ] {
        let key = SigningKey::from_pem(&fixture(file), None).unwrap();
        assert_eq!((key.kind(), key.scheme()), (kind, scheme), "{file}");
        // Stored and read back: the same key.
        let again = SigningKey::from_pem(&key.to_pkcs8_pem().unwrap(), None).unwrap();
        assert_eq!(again.public_value(), key.public_value());
    }
    let pkcs1 = SigningKey::from_pem(&fixture("rsa2048.pkcs8.pem"), Some("rsa-pkcs1v15-sha384"));
    assert_eq!(pkcs1.unwrap().scheme(), "rsa-pkcs1v15-sha384");
}

#[test]
fn private_keys_that_cannot_be_used_are_errors() {
    let p256 = fixture("p256.pkcs8.pem");
    for scheme in [
        "ed25519",
        "ecdsa-sha2-nistp384",
        "rsassa-pss-sha256",
        "nope",
    ] {
        let e = SigningKey::from_pem(&p256, Some(scheme)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Crypto, "{scheme}: {e}");
    }
    let sec1 = p256.replace("PRIVATE KEY", "EC PRIVATE KEY");
    let encrypted = p256.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
    let public = fixture("p256.spki.pem");
    // A PKCS#8 block whose content is not a key (the DER of an SPKI).
    let not_a_key = public.replace("PUBLIC KEY", "PRIVATE KEY");
    for pem in [&sec1, &encrypted, &public, &not_a_key, "", "garbage"] {
        let e = SigningKey::from_pem(pem, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Crypto, "{pem:.40}: {e}");
    }
}

#[test]
fn keys_are_generated_for_a_scheme() {
    for (scheme, kind) in [
        ("ed25519", KeyKind::Ed25519),
        ("ecdsa-sha2-nistp256", KeyKind::EcdsaP256),
        ("ecdsa-sha2-nistp384", KeyKind::EcdsaP384),
    ] {
        let a = SigningKey::generate_for_scheme(scheme).unwrap();
        let b = SigningKey::generate_for_scheme(scheme).unwrap();
        assert_eq!((a.kind(), a.scheme()), (kind, scheme));
        assert_ne!(a.public_value(), b.public_value(), "fresh randomness");
        let sig = a.sign(MESSAGE).unwrap();
        assert!(a.public_key().verify(MESSAGE, &sig));
    }
    for scheme in [
        "rsassa-pss-sha256",
        "rsa-pkcs1v15-sha256",
        "ecdsa-sha2-nistp521",
        "",
    ] {
        let e = SigningKey::generate_for_scheme(scheme).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Crypto, "{scheme}");
    }
}

#[test]
fn key_objects_are_read_from_json() {
    let json = r#"{"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c"},"keyid_hash_algorithms":["sha256","sha512"]}"#;
    let key = Key::from_json(json.as_bytes()).unwrap();
    // Unknown fields are kept but not hashed into the keyid (digest 1.7).
    assert!(key.extra.contains_key("keyid_hash_algorithms"));
    assert_eq!(
        key.keyid(),
        "1bf1c6e3cdd3d3a8420b19199e27511999850f4b376c4547b2f32fba7e80fca3"
    );
    // An unknown key type parses and never verifies.
    let odd = Key::from_json(br#"{"keytype":"x","scheme":"y","keyval":{"public":"z"}}"#).unwrap();
    assert!(!odd.public_key().is_supported());
    for bad in [
        &b""[..],
        b"{}",
        b"[]",
        br#"{"keytype":"ed25519","scheme":"ed25519","keyval":{}}"#,
        br#"{"keytype":"ed25519","scheme":"ed25519","keyval":{"public":1}}"#,
        br#"{"keytype":"ed25519","keytype":"ed25519","scheme":"ed25519","keyval":{"public":"a"}}"#,
        br#"{"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"a"}} x"#,
    ] {
        let e = Key::from_json(bad).unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::InvalidMetadata,
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}
