//! Public keys from TUF key objects, and signature verification.

use std::fmt;

use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::encoding::{self, Curve, PemFamily, SpkiKey};
use super::hash::sha256;
use super::hex;
use super::scheme::Scheme;

/// Tag bytes that start an [`PublicKey::identity`], one per key family.
const TAG_ED25519: u8 = 1;
const TAG_P256: u8 = 2;
const TAG_P384: u8 = 3;
const TAG_RSA: u8 = 4;

/// Smallest and largest RSA moduli `ring` verifies with (the spec asks for at least 2048 bits).
const RSA_MIN_BITS: usize = 2048;
const RSA_MAX_BITS: usize = 8192;

/// A public key from a TUF key object (`keytype`, `scheme`, `keyval.public`).
///
/// Construction never fails. A key libtuf cannot use — an unknown keytype or scheme, a
/// mismatched pair, or a public value that does not decode — is kept as an *unsupported* key:
/// [`is_supported`](Self::is_supported) is false and [`verify`](Self::verify) always returns
/// false. That way a root listing a key type this library does not know still loads, and the
/// threshold can be met with the keys it does know (digest section 1.6).
///
/// Supported encodings of `keyval.public`, as python-tuf / securesystemslib write them:
/// - `ed25519`/`ed25519`: 64 hex characters (the 32-byte raw key), either case.
/// - `ecdsa` (or legacy `ecdsa-sha2-nistp256`) / `ecdsa-sha2-nistp256`, and the same for
///   P-384: a PEM SubjectPublicKeyInfo whose curve matches the scheme, uncompressed point.
/// - `rsa` / `rsassa-pss-sha{256,384,512}` or `rsa-pkcs1v15-sha{256,384,512}`: a PEM
///   SubjectPublicKeyInfo (`rsaEncryption`) with a 2048 to 8192 bit modulus.
///
/// The PEM must be exactly one `PUBLIC KEY` block; surrounding whitespace and any line wrapping
/// of the base64 body are accepted.
///
/// RSA-PSS signatures verify only if their salt length equals the digest length. That is how
/// securesystemslib signs, but securesystemslib *verifies* with automatic salt-length detection,
/// so a PSS signature made with another salt length (e.g. `PSS.MAX_LENGTH`) is accepted by
/// python-tuf and rejected here: `ring` cannot verify those.
#[derive(Clone)]
pub struct PublicKey {
    keytype: String,
    scheme: String,
    public: String,
    state: State,
}

#[derive(Clone)]
enum State {
    Usable {
        scheme: Scheme,
        material: Material,
        identity: Vec<u8>,
    },
    Unsupported(String),
}

#[derive(Clone)]
enum Material {
    Ed25519([u8; 32]),
    Ecdsa(Vec<u8>),
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

impl PublicKey {
    /// Builds a key from the three fields of a TUF key object. Never fails; see the type docs.
    pub fn from_parts(keytype: &str, scheme: &str, public: &str) -> PublicKey {
        let state = match decode(keytype, scheme, public) {
            Ok((scheme, material)) => {
                let identity = identity_of(&material, scheme);
                State::Usable {
                    scheme,
                    material,
                    identity,
                }
            }
            Err(reason) => State::Unsupported(reason),
        };
        PublicKey {
            keytype: keytype.to_owned(),
            scheme: scheme.to_owned(),
            public: public.to_owned(),
            state,
        }
    }

    /// A key from a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo) holding an Ed25519, ECDSA
    /// P-256 or P-384, or RSA key, as securesystemslib's `SSlibKey.from_pem` makes it: keytype
    /// `ed25519`, `ecdsa` or `rsa`; `scheme` if given (it must suit the key), else `ed25519`,
    /// `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384` or `rsassa-pss-sha256`; the public value
    /// in python-tuf's encoding (hex for Ed25519, re-encoded PEM otherwise), so that the keyid
    /// is the one python-tuf computes for the same key.
    pub fn from_pem(pem: &str, scheme: Option<&str>) -> crate::Result<PublicKey> {
        let bad = |msg: String| crate::Error::Crypto(msg);
        let key =
            encoding::public_key_from_pem(pem).map_err(|e| bad(format!("bad public key: {e}")))?;
        let default = match key.family {
            PemFamily::Ed25519 => Scheme::Ed25519,
            PemFamily::Ec(Curve::P256) => Scheme::EcdsaP256,
            PemFamily::Ec(Curve::P384) => Scheme::EcdsaP384,
            PemFamily::Rsa => Scheme::RsaPss(super::HashAlgorithm::Sha256),
        };
        let scheme = match scheme {
            None => default,
            Some(name) => {
                let s = Scheme::from_name(name).ok_or_else(|| {
                    bad(format!(
                        "unsupported scheme {}",
                        crate::error::excerpt(name)
                    ))
                })?;
                let fits = match key.family {
                    PemFamily::Rsa => matches!(s, Scheme::RsaPss(_) | Scheme::RsaPkcs1(_)),
                    _ => s == default,
                };
                if !fits {
                    return Err(bad(format!(
                        "scheme {name:?} cannot be used with this key (its scheme is {:?})",
                        default.name()
                    )));
                }
                s
            }
        };
        let key = PublicKey::from_parts(scheme.keytype(), scheme.name(), &key.public);
        match key.unsupported_reason() {
            None => Ok(key),
            Some(reason) => Err(bad(format!("unusable public key: {reason}"))),
        }
    }

    /// The `keytype` field, as given.
    pub fn keytype(&self) -> &str {
        &self.keytype
    }

    /// The `scheme` field, as given.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The `keyval.public` field, as given.
    pub fn public(&self) -> &str {
        &self.public
    }

    /// Whether this key can verify signatures.
    pub fn is_supported(&self) -> bool {
        matches!(self.state, State::Usable { .. })
    }

    /// Why the key is unsupported, or `None` if it is supported.
    pub fn unsupported_reason(&self) -> Option<&str> {
        match &self.state {
            State::Usable { .. } => None,
            State::Unsupported(reason) => Some(reason),
        }
    }

    /// A normalized byte string identifying the key material, independent of the keytype
    /// spelling, scheme and PEM formatting: a family tag byte followed by the raw ed25519 key,
    /// the uncompressed EC point, or the RSA modulus and exponent. Two keys with equal
    /// identities are the same key, so a threshold can be counted over distinct keys even when
    /// one key is listed under several keyids. `None` for unsupported keys.
    pub fn identity(&self) -> Option<&[u8]> {
        match &self.state {
            State::Usable { identity, .. } => Some(identity),
            State::Unsupported(_) => None,
        }
    }

    /// Verifies `sig` over `msg` under this key's scheme. Returns false for any invalid or
    /// malformed signature and always for unsupported keys; never panics.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let State::Usable {
            scheme, material, ..
        } = &self.state
        else {
            return false;
        };
        match material {
            Material::Ed25519(key) => UnparsedPublicKey::new(&signature::ED25519, key)
                .verify(msg, sig)
                .is_ok(),
            Material::Ecdsa(point) => scheme
                .ecdsa_verification()
                .is_some_and(|alg| UnparsedPublicKey::new(alg, point).verify(msg, sig).is_ok()),
            Material::Rsa { n, e } => scheme.rsa_verification().is_some_and(|params| {
                RsaPublicKeyComponents { n, e }
                    .verify(params, msg, sig)
                    .is_ok()
            }),
        }
    }
}

/// Decodes and validates a key object, or explains why it cannot be used.
fn decode(keytype: &str, scheme_name: &str, public: &str) -> Result<(Scheme, Material), String> {
    let scheme = Scheme::from_name(scheme_name)
        .ok_or_else(|| format!("unsupported scheme {scheme_name:?}"))?;
    if !scheme.accepts_keytype(keytype) {
        return Err(format!(
            "keytype {keytype:?} cannot be used with scheme {scheme_name:?}"
        ));
    }
    let material = match scheme {
        Scheme::Ed25519 => {
            let bytes = hex::decode(public).ok_or("ed25519 public key is not hex")?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| "ed25519 public key is not 32 bytes")?;
            Material::Ed25519(key)
        }
        Scheme::EcdsaP256 | Scheme::EcdsaP384 => {
            let want = if scheme == Scheme::EcdsaP256 {
                Curve::P256
            } else {
                Curve::P384
            };
            match encoding::parse_spki(&encoding::decode_public_pem(public)?)? {
                SpkiKey::Ec { curve, point } if curve == want => Material::Ecdsa(point),
                SpkiKey::Ec { curve, .. } => {
                    return Err(format!("{curve:?} key cannot be used with {scheme_name:?}"))
                }
                SpkiKey::Rsa { .. } => return Err("RSA key in an ecdsa key object".into()),
                SpkiKey::Ed25519(_) => return Err("Ed25519 key in an ecdsa key object".into()),
            }
        }
        Scheme::RsaPss(_) | Scheme::RsaPkcs1(_) => {
            match encoding::parse_spki(&encoding::decode_public_pem(public)?)? {
                SpkiKey::Rsa { n, e } => {
                    check_rsa(&n, &e)?;
                    Material::Rsa { n, e }
                }
                SpkiKey::Ec { .. } => return Err("EC key in an rsa key object".into()),
                SpkiKey::Ed25519(_) => return Err("Ed25519 key in an rsa key object".into()),
            }
        }
    };
    Ok((scheme, material))
}

/// Rejects RSA keys `ring` would refuse at verification time, so they are reported as
/// unsupported up front: modulus size outside 2048..=8192 bits, or an exponent that is even,
/// below 3 or above 2^33 - 1.
fn check_rsa(n: &[u8], e: &[u8]) -> Result<(), String> {
    let bits = bit_len(n);
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(format!(
            "RSA modulus of {bits} bits is outside {RSA_MIN_BITS}..={RSA_MAX_BITS}"
        ));
    }
    let e_value = if e.len() <= 8 {
        e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    } else {
        u64::MAX
    };
    if e_value < 3 || e_value % 2 == 0 || e_value > (1 << 33) - 1 {
        return Err("unsupported RSA public exponent".into());
    }
    Ok(())
}

/// Bit length of a big-endian integer without leading zero bytes.
fn bit_len(be: &[u8]) -> usize {
    match be.first() {
        Some(&top) => be.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

fn identity_of(material: &Material, scheme: Scheme) -> Vec<u8> {
    match material {
        Material::Ed25519(key) => [&[TAG_ED25519][..], key].concat(),
        Material::Ecdsa(point) => {
            let tag = if scheme == Scheme::EcdsaP256 {
                TAG_P256
            } else {
                TAG_P384
            };
            [&[tag][..], point].concat()
        }
        Material::Rsa { n, e } => {
            // The modulus length prefix keeps (n, e) unambiguous.
            let n_len = u32::try_from(n.len()).unwrap_or(u32::MAX).to_be_bytes();
            [&[TAG_RSA][..], &n_len, n, e].concat()
        }
    }
}

/// Equal if keytype and scheme are equal and the key material is the same (so two PEM
/// spellings of one key are equal). Unsupported keys compare their raw public value.
impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.keytype == other.keytype
            && self.scheme == other.scheme
            && match (self.identity(), other.identity()) {
                (Some(a), Some(b)) => a == b,
                (None, None) => self.public == other.public,
                _ => false,
            }
    }
}

impl Eq for PublicKey {}

/// Shows keytype, scheme and a short fingerprint (SHA-256 of the identity), not the key.
impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("PublicKey");
        d.field("keytype", &self.keytype)
            .field("scheme", &self.scheme);
        match &self.state {
            State::Usable { identity, .. } => {
                d.field("fingerprint", &hex::encode(&sha256(identity)[..8]))
            }
            State::Unsupported(reason) => d.field("unsupported", reason),
        };
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 section 7.1, test 1.
    const RFC8032_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const RFC8032_SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
                               5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    #[test]
    fn rfc8032_vector_1() {
        let key = PublicKey::from_parts("ed25519", "ed25519", RFC8032_PUBLIC);
        assert!(key.is_supported(), "{:?}", key.unsupported_reason());
        let sig = hex::decode(RFC8032_SIG).unwrap();
        assert!(key.verify(b"", &sig));
        assert!(!key.verify(b"x", &sig));
        let upper = PublicKey::from_parts("ed25519", "ed25519", &RFC8032_PUBLIC.to_uppercase());
        assert!(upper.verify(b"", &sig));
        assert_eq!(upper.identity(), key.identity());
        assert_eq!(upper, key);
    }

    #[test]
    fn spec_example_key_is_supported() {
        let key = PublicKey::from_parts(
            "ed25519",
            "ed25519",
            "72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c",
        );
        assert!(key.is_supported());
        assert_eq!(key.identity().map(<[u8]>::len), Some(33));
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert!(check_rsa(&[0x80; 256], &[1, 0, 1]).is_ok());
        assert!(check_rsa(&[0x7f; 256], &[1, 0, 1]).is_err());
        assert!(check_rsa(&[0x80; 256], &[2]).is_err());
        assert!(check_rsa(&[0x80; 256], &[1]).is_err());
        assert!(check_rsa(&[0x80; 256], &[3, 0, 0, 0, 1]).is_err());
    }

    #[test]
    fn debug_is_short() {
        let key = PublicKey::from_parts("ed25519", "ed25519", RFC8032_PUBLIC);
        let s = format!("{key:?}");
        assert!(
            s.contains("fingerprint") && !s.contains(RFC8032_PUBLIC),
            "{s}"
        );
        let bad = PublicKey::from_parts("x", "y", &"z".repeat(100_000));
        assert!(format!("{bad:?}").len() < 200);
    }
}
