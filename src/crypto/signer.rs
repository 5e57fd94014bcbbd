//! Private keys that sign TUF metadata: for tests, demos and repository tooling.

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING,
    ECDSA_P384_SHA384_ASN1_SIGNING,
};

use super::encoding::{self, Curve};
use super::hex;
use super::key::PublicKey;
use super::scheme::Scheme;
use crate::error::{Error, Result};

/// PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410 section 7), followed by the 32-byte
/// seed. This is the exact encoding pyca/cryptography writes.
const ED25519_PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The kind of key material of a [`SigningKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// Ed25519 (scheme `ed25519`).
    Ed25519,
    /// ECDSA on P-256 (scheme `ecdsa-sha2-nistp256`).
    EcdsaP256,
    /// ECDSA on P-384 (scheme `ecdsa-sha2-nistp384`).
    EcdsaP384,
    /// RSA (schemes `rsassa-pss-*` and `rsa-pkcs1v15-*`). Cannot be generated, only loaded.
    Rsa,
}

impl KeyKind {
    /// The keytype python-tuf writes for this kind: `ed25519`, `ecdsa` or `rsa`.
    pub fn keytype(self) -> &'static str {
        match self {
            KeyKind::Ed25519 => "ed25519",
            KeyKind::EcdsaP256 | KeyKind::EcdsaP384 => "ecdsa",
            KeyKind::Rsa => "rsa",
        }
    }

    /// The scheme a new key of this kind uses (`rsassa-pss-sha256` for RSA).
    pub fn default_scheme(self) -> &'static str {
        match self {
            KeyKind::Ed25519 => "ed25519",
            KeyKind::EcdsaP256 => "ecdsa-sha2-nistp256",
            KeyKind::EcdsaP384 => "ecdsa-sha2-nistp384",
            KeyKind::Rsa => "rsassa-pss-sha256",
        }
    }

    fn of(scheme: Scheme) -> KeyKind {
        match scheme {
            Scheme::Ed25519 => KeyKind::Ed25519,
            Scheme::EcdsaP256 => KeyKind::EcdsaP256,
            Scheme::EcdsaP384 => KeyKind::EcdsaP384,
            Scheme::RsaPss(_) | Scheme::RsaPkcs1(_) => KeyKind::Rsa,
        }
    }
}

enum Pair {
    Ed25519(Ed25519KeyPair),
    Ecdsa(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// A private key with its signature scheme.
///
/// Signatures are what python-tuf expects: raw 64-byte Ed25519, DER ECDSA, and RSA-PSS with
/// MGF1 and salt length = digest length (or PKCS#1 v1.5). ECDSA and PSS signing is randomized.
pub struct SigningKey {
    scheme: Scheme,
    pair: Pair,
    pkcs8: Vec<u8>,
    public_value: String,
    public_key: PublicKey,
    rng: SystemRandom,
}

impl SigningKey {
    /// Generates a new key with the kind's default scheme. RSA keys cannot be generated
    /// (`ring` has no RSA key generation); load one with [`from_pkcs8_pem`](Self::from_pkcs8_pem).
    pub fn generate(kind: KeyKind) -> Result<Self> {
        let rng = SystemRandom::new();
        let failed = |_| Error::Crypto(format!("{kind:?} key generation failed"));
        let pkcs8 = match kind {
            KeyKind::Ed25519 => Ed25519KeyPair::generate_pkcs8(&rng).map_err(failed)?,
            KeyKind::EcdsaP256 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
                    .map_err(failed)?
            }
            KeyKind::EcdsaP384 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, &rng)
                    .map_err(failed)?
            }
            KeyKind::Rsa => {
                return Err(Error::Crypto(
                    "RSA keys cannot be generated; load a PKCS#8 key instead".into(),
                ))
            }
        };
        Self::from_pkcs8_der(pkcs8.as_ref(), kind.default_scheme())
    }

    /// An Ed25519 key from its 32-byte seed (the RFC 8032 private key). Deterministic.
    pub fn from_ed25519_seed(seed: &[u8; 32]) -> Result<Self> {
        let pkcs8 = [&ED25519_PKCS8_V1_PREFIX[..], seed].concat();
        Self::from_pkcs8_der(&pkcs8, "ed25519")
    }

    /// A key from DER PKCS#8 (`PrivateKeyInfo`, or v2 `OneAsymmetricKey` for Ed25519), to be
    /// used with `scheme`. Fails if the scheme is unknown or does not fit the key.
    pub fn from_pkcs8_der(der: &[u8], scheme: &str) -> Result<Self> {
        let scheme_name = scheme;
        let scheme = Scheme::from_name(scheme_name)
            .ok_or_else(|| Error::Crypto(format!("unsupported scheme {scheme_name:?}")))?;
        let rng = SystemRandom::new();
        let rejected =
            |e: ring::error::KeyRejected| Error::Crypto(format!("{scheme_name} key rejected: {e}"));
        let (pair, public_value) = match scheme {
            Scheme::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(rejected)?;
                let public = hex::encode(pair.public_key().as_ref());
                (Pair::Ed25519(pair), public)
            }
            Scheme::EcdsaP256 | Scheme::EcdsaP384 => {
                let (alg, curve) = if scheme == Scheme::EcdsaP256 {
                    (&ECDSA_P256_SHA256_ASN1_SIGNING, Curve::P256)
                } else {
                    (&ECDSA_P384_SHA384_ASN1_SIGNING, Curve::P384)
                };
                let pair = EcdsaKeyPair::from_pkcs8(alg, der, &rng).map_err(rejected)?;
                let public = encoding::ec_spki_pem(curve, pair.public_key().as_ref())?;
                (Pair::Ecdsa(pair), public)
            }
            Scheme::RsaPss(_) | Scheme::RsaPkcs1(_) => {
                let pair = RsaKeyPair::from_pkcs8(der).map_err(rejected)?;
                let public = encoding::rsa_spki_pem(pair.public().as_ref())?;
                (Pair::Rsa(pair), public)
            }
        };
        let public_key = PublicKey::from_parts(scheme.keytype(), scheme.name(), &public_value);
        if let Some(reason) = public_key.unsupported_reason() {
            return Err(Error::Crypto(format!("unusable public key: {reason}")));
        }
        Ok(SigningKey {
            scheme,
            pair,
            pkcs8: der.to_vec(),
            public_value,
            public_key,
            rng,
        })
    }

    /// A key from a PEM `PRIVATE KEY` (PKCS#8) block, to be used with `scheme`.
    pub fn from_pkcs8_pem(pem: &str, scheme: &str) -> Result<Self> {
        Self::from_pem(pem, Some(scheme))
    }

    /// A key from a PEM `PRIVATE KEY` (unencrypted PKCS#8) block holding an Ed25519, ECDSA
    /// P-256 or P-384, or RSA key, to be used with `scheme`, or when `scheme` is `None` with
    /// the key's default scheme ([`KeyKind::default_scheme`]: `rsassa-pss-sha256` for RSA), as
    /// securesystemslib's `CryptoSigner` chooses it.
    pub fn from_pem(pem: &str, scheme: Option<&str>) -> Result<Self> {
        let (label, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes())
            .map_err(|e| Error::Crypto(format!("bad PKCS#8 PEM: {e}")))?;
        if label != "PRIVATE KEY" {
            return Err(Error::Crypto(format!(
                "expected an unencrypted PKCS#8 PRIVATE KEY PEM block, got {}",
                crate::error::excerpt(label)
            )));
        }
        match scheme {
            Some(scheme) => Self::from_pkcs8_der(&der, scheme),
            None => Self::from_pkcs8_der(&der, Self::pkcs8_kind(&der)?.default_scheme()),
        }
    }

    /// The kind of the key in DER PKCS#8 `der`, found by asking `ring` to load it as each kind.
    fn pkcs8_kind(der: &[u8]) -> Result<KeyKind> {
        let rng = SystemRandom::new();
        if Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).is_ok() {
            Ok(KeyKind::Ed25519)
        } else if EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, der, &rng).is_ok() {
            Ok(KeyKind::EcdsaP256)
        } else if EcdsaKeyPair::from_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, der, &rng).is_ok() {
            Ok(KeyKind::EcdsaP384)
        } else if RsaKeyPair::from_pkcs8(der).is_ok() {
            Ok(KeyKind::Rsa)
        } else {
            Err(Error::Crypto(
                "not a usable Ed25519, ECDSA P-256/P-384 or RSA (2048 to 8192 bits) PKCS#8 key"
                    .into(),
            ))
        }
    }

    /// Generates a new key for `scheme` (`ed25519`, `ecdsa-sha2-nistp256` or
    /// `ecdsa-sha2-nistp384`) from the system's random source; see [`generate`](Self::generate).
    pub fn generate_for_scheme(scheme: &str) -> Result<Self> {
        let s = Scheme::from_name(scheme).ok_or_else(|| {
            Error::Crypto(format!(
                "unsupported scheme {}",
                crate::error::excerpt(scheme)
            ))
        })?;
        Self::generate(KeyKind::of(s))
    }

    /// The key as PEM PKCS#8 (`PRIVATE KEY`, LF line endings): the DER it was loaded from, or
    /// what `ring` generated (PKCS#8 v2 for generated Ed25519 keys).
    pub fn to_pkcs8_pem(&self) -> Result<String> {
        pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &self.pkcs8)
            .map_err(|e| Error::Crypto(format!("cannot encode PEM: {e}")))
    }

    /// The kind of key.
    pub fn kind(&self) -> KeyKind {
        KeyKind::of(self.scheme)
    }

    /// The keytype for the key object: `ed25519`, `ecdsa` or `rsa`.
    pub fn keytype(&self) -> &'static str {
        self.scheme.keytype()
    }

    /// The scheme for the key object.
    pub fn scheme(&self) -> &'static str {
        self.scheme.name()
    }

    /// `keyval.public` for the key object: hex for Ed25519; for ECDSA and RSA a PEM
    /// SubjectPublicKeyInfo with LF line endings and 64-character lines, byte for byte what
    /// pyca/cryptography writes.
    pub fn public_value(&self) -> String {
        self.public_value.clone()
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        self.public_key.clone()
    }

    /// Signs `msg` (the canonical JSON bytes of `signed`).
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        match &self.pair {
            Pair::Ed25519(pair) => Ok(pair.sign(msg).as_ref().to_vec()),
            Pair::Ecdsa(pair) => pair
                .sign(&self.rng, msg)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|_| Error::Crypto("ECDSA signing failed".into())),
            Pair::Rsa(pair) => {
                let padding = self
                    .scheme
                    .rsa_signing()
                    .ok_or_else(|| Error::Crypto("not an RSA scheme".into()))?;
                let mut sig = vec![0u8; pair.public().modulus_len()];
                pair.sign(padding, &self.rng, msg, &mut sig)
                    .map_err(|_| Error::Crypto("RSA signing failed".into()))?;
                Ok(sig)
            }
        }
    }
}

/// Shows the scheme and public key only, never private material.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("scheme", &self.scheme.name())
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 section 7.1, test 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    #[test]
    fn ed25519_seed_is_deterministic() {
        let seed: [u8; 32] = hex::decode(SEED).unwrap().try_into().unwrap();
        let key = SigningKey::from_ed25519_seed(&seed).unwrap();
        assert_eq!(key.public_value(), PUBLIC);
        assert_eq!(hex::encode(&key.sign(b"").unwrap()), SIG);
        assert_eq!(key.kind(), KeyKind::Ed25519);
    }

    #[test]
    fn rsa_cannot_be_generated() {
        assert!(matches!(
            SigningKey::generate(KeyKind::Rsa),
            Err(Error::Crypto(_))
        ));
    }

    #[test]
    fn debug_hides_private_key() {
        let key = SigningKey::generate(KeyKind::EcdsaP256).unwrap();
        let s = format!("{key:?}");
        assert!(
            s.contains("ecdsa-sha2-nistp256") && !s.contains("pkcs8"),
            "{s}"
        );
    }
}
