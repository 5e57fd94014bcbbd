//! Key encodings: PEM `PUBLIC KEY` blocks, SubjectPublicKeyInfo (SPKI) and PKCS#1
//! `RSAPublicKey`, in both directions. No cryptography happens here.

use pem_rfc7468::LineEnding;
use spki::der::asn1::{AnyRef, BitStringRef, UintRef};
use spki::der::{Decode, Encode, Reader, SliceReader};
use spki::{AlgorithmIdentifierRef, ObjectIdentifier, SubjectPublicKeyInfoRef};

use crate::error::{Error, Result};

/// `id-ecPublicKey` (RFC 5480).
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `secp256r1` / `prime256v1`.
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// `secp384r1`.
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// `rsaEncryption` (RFC 8017).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-Ed25519` (RFC 8410).
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

const PEM_LABEL: &str = "PUBLIC KEY";
const PEM_BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
const PEM_END: &str = "-----END PUBLIC KEY-----";

/// An elliptic curve for ECDSA keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
}

impl Curve {
    /// Length of an uncompressed SEC1 point (`04 || x || y`).
    fn point_len(self) -> usize {
        match self {
            Curve::P256 => 65,
            Curve::P384 => 97,
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => SECP256R1,
            Curve::P384 => SECP384R1,
        }
    }
}

/// The public key carried by a SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpkiKey {
    /// An uncompressed SEC1 point on `curve`.
    Ec { curve: Curve, point: Vec<u8> },
    /// An RSA key: big-endian modulus and exponent without leading zeros.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// A raw 32-byte Ed25519 public key (RFC 8410).
    Ed25519([u8; 32]),
}

/// Decodes a PEM string holding exactly one `PUBLIC KEY` block into its DER bytes.
///
/// Leading and trailing whitespace is allowed, and the base64 body may be wrapped at any width
/// (or not at all) with LF or CRLF line endings. Anything else — text around the block, a second
/// block, headers, another label — is rejected.
pub(crate) fn decode_public_pem(pem: &str) -> Result<Vec<u8>, String> {
    let body = pem
        .trim()
        .strip_prefix(PEM_BEGIN)
        .and_then(|rest| rest.strip_suffix(PEM_END))
        .ok_or("not a single PEM PUBLIC KEY block")?;
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty()
        || !compact
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return Err("PEM body is not base64".into());
    }
    // Re-wrap at 64 characters so the strict RFC 7468 decoder accepts any original wrapping.
    let mut canonical = String::with_capacity(compact.len() + compact.len() / 64 + 64);
    canonical.push_str(PEM_BEGIN);
    canonical.push('\n');
    for line in compact.as_bytes().chunks(64) {
        canonical.push_str(&String::from_utf8_lossy(line));
        canonical.push('\n');
    }
    canonical.push_str(PEM_END);
    canonical.push('\n');
    let (label, der) =
        pem_rfc7468::decode_vec(canonical.as_bytes()).map_err(|e| format!("bad PEM: {e}"))?;
    if label != PEM_LABEL {
        return Err(format!("unexpected PEM label {label:?}"));
    }
    Ok(der)
}

/// Parses a DER SubjectPublicKeyInfo holding a P-256, P-384, RSA or Ed25519 key.
pub(crate) fn parse_spki(der: &[u8]) -> Result<SpkiKey, String> {
    let spki = SubjectPublicKeyInfoRef::try_from(der).map_err(|e| format!("bad SPKI DER: {e}"))?;
    let key_bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or("SPKI public key BIT STRING is not byte aligned")?;
    match spki.algorithm.oid {
        ID_EC_PUBLIC_KEY => {
            let curve_oid = spki
                .algorithm
                .parameters_oid()
                .map_err(|e| format!("EC key without a named curve: {e}"))?;
            let curve = match curve_oid {
                SECP256R1 => Curve::P256,
                SECP384R1 => Curve::P384,
                other => return Err(format!("unsupported EC curve {other}")),
            };
            if key_bits.len() != curve.point_len() || key_bits.first() != Some(&0x04) {
                return Err("EC public key is not an uncompressed point on its curve".into());
            }
            Ok(SpkiKey::Ec {
                curve,
                point: key_bits.to_vec(),
            })
        }
        RSA_ENCRYPTION => {
            match spki.algorithm.parameters {
                None => {}
                Some(p) if p == AnyRef::NULL => {}
                Some(_) => return Err("rsaEncryption parameters are not NULL".into()),
            }
            let (n, e) = parse_rsa_public_key(key_bits)?;
            Ok(SpkiKey::Rsa { n, e })
        }
        ID_ED25519 => {
            if spki.algorithm.parameters.is_some() {
                return Err("Ed25519 key with algorithm parameters".into());
            }
            let key: [u8; 32] = key_bits
                .try_into()
                .map_err(|_| "Ed25519 public key is not 32 bytes")?;
            Ok(SpkiKey::Ed25519(key))
        }
        other => Err(format!("unsupported SPKI algorithm {other}")),
    }
}

/// A public key given as a PEM `PUBLIC KEY` block, in the form python-tuf writes into key
/// objects (securesystemslib's `SSlibKey.from_pem`): `keyval.public` is the hex of the raw key
/// for Ed25519 and, for ECDSA and RSA, the SubjectPublicKeyInfo re-encoded as pyca/cryptography
/// writes it (LF line endings, 64-character lines, RSA with NULL parameters).
pub(crate) struct PemPublicKey {
    /// The key's family.
    pub family: PemFamily,
    /// `keyval.public`.
    pub public: String,
}

/// The family of a [`PemPublicKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PemFamily {
    Ed25519,
    Ec(Curve),
    Rsa,
}

/// Reads a PEM `PUBLIC KEY` block (see [`decode_public_pem`] for the accepted spellings) holding
/// an Ed25519, P-256, P-384 or RSA key.
pub(crate) fn public_key_from_pem(pem: &str) -> Result<PemPublicKey, String> {
    let der = decode_public_pem(pem)?;
    Ok(match parse_spki(&der)? {
        SpkiKey::Ed25519(key) => PemPublicKey {
            family: PemFamily::Ed25519,
            public: super::hex::encode(&key),
        },
        SpkiKey::Ec { curve, point } => PemPublicKey {
            family: PemFamily::Ec(curve),
            public: ec_spki_pem(curve, &point).map_err(|e| e.to_string())?,
        },
        SpkiKey::Rsa { .. } => {
            // parse_spki checked the structure; the BIT STRING is the RSAPublicKey DER.
            let spki = SubjectPublicKeyInfoRef::try_from(&der[..])
                .map_err(|e| format!("bad SPKI: {e}"))?;
            let bits = spki
                .subject_public_key
                .as_bytes()
                .ok_or("SPKI public key BIT STRING is not byte aligned")?;
            PemPublicKey {
                family: PemFamily::Rsa,
                public: rsa_spki_pem(bits).map_err(|e| e.to_string())?,
            }
        }
    })
}

/// Parses a DER PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`
/// into big-endian `(n, e)` without leading zeros.
pub(crate) fn parse_rsa_public_key(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let parse = || -> spki::der::Result<(Vec<u8>, Vec<u8>)> {
        let mut reader = SliceReader::new(der)?;
        let (n, e) = reader.sequence(|r| Ok((UintRef::decode(r)?, UintRef::decode(r)?)))?;
        let parsed = (n.as_bytes().to_vec(), e.as_bytes().to_vec());
        reader.finish(parsed)
    };
    parse().map_err(|e| format!("bad RSAPublicKey DER: {e}"))
}

/// Encodes an EC point as a PEM SubjectPublicKeyInfo.
pub(crate) fn ec_spki_pem(curve: Curve, point: &[u8]) -> Result<String> {
    let curve_oid = curve.oid();
    spki_pem(ID_EC_PUBLIC_KEY, AnyRef::from(&curve_oid), point)
}

/// Encodes a DER `RSAPublicKey` as a PEM SubjectPublicKeyInfo.
pub(crate) fn rsa_spki_pem(rsa_public_key_der: &[u8]) -> Result<String> {
    spki_pem(RSA_ENCRYPTION, AnyRef::NULL, rsa_public_key_der)
}

/// PEM with LF line endings and 64-character lines, as pyca/cryptography writes it.
fn spki_pem(oid: ObjectIdentifier, parameters: AnyRef<'_>, key: &[u8]) -> Result<String> {
    let encode = || -> spki::der::Result<Vec<u8>> {
        SubjectPublicKeyInfoRef {
            algorithm: AlgorithmIdentifierRef {
                oid,
                parameters: Some(parameters),
            },
            subject_public_key: BitStringRef::from_bytes(key)?,
        }
        .to_der()
    };
    let der = encode().map_err(|e| Error::Crypto(format!("cannot encode SPKI: {e}")))?;
    pem_rfc7468::encode_string(PEM_LABEL, LineEnding::LF, &der)
        .map_err(|e| Error::Crypto(format!("cannot encode PEM: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256_PEM: &str = include_str!("../../tests/data/keys/p256.spki.pem");
    const RSA_PEM: &str = include_str!("../../tests/data/keys/rsa2048.spki.pem");

    #[test]
    fn ec_round_trip() {
        let der = decode_public_pem(P256_PEM).unwrap();
        let SpkiKey::Ec { curve, point } = parse_spki(&der).unwrap() else {
            panic!("not EC")
        };
        assert_eq!(curve, Curve::P256);
        assert_eq!(ec_spki_pem(curve, &point).unwrap(), P256_PEM);
    }

    #[test]
    fn rsa_parses() {
        let der = decode_public_pem(RSA_PEM).unwrap();
        let SpkiKey::Rsa { n, e } = parse_spki(&der).unwrap() else {
            panic!("not RSA")
        };
        assert_eq!(n.len(), 256);
        assert_eq!(e, [1, 0, 1]);
    }

    #[test]
    fn pem_rewrapping() {
        let der = decode_public_pem(P256_PEM).unwrap();
        let one_line: String = P256_PEM
            .lines()
            .map(|l| {
                if l.starts_with("-----") {
                    format!("{l}\n")
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_eq!(decode_public_pem(&one_line).unwrap(), der);
        let crlf = P256_PEM.replace('\n', "\r\n");
        assert_eq!(decode_public_pem(&format!("  \n{crlf}\n\n")).unwrap(), der);
    }

    #[test]
    fn pem_rejects() {
        let two = format!("{P256_PEM}{P256_PEM}");
        let preamble = format!("hello\n{P256_PEM}");
        let private = P256_PEM.replace("PUBLIC KEY", "PRIVATE KEY");
        let header = P256_PEM.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n\n");
        let empty = format!("{PEM_BEGIN}\n{PEM_END}\n");
        for bad in [&two, &preamble, &private, &header, &empty, "", "garbage"] {
            assert!(decode_public_pem(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rsa_public_key_rejects_trailing_data() {
        assert!(parse_rsa_public_key(&[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03]).is_ok());
        assert!(
            parse_rsa_public_key(&[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03, 0]).is_err()
        );
        assert!(parse_rsa_public_key(&[0x30, 0x03, 0x02, 0x01, 0x05]).is_err());
        assert!(parse_rsa_public_key(&[]).is_err());
    }
}
