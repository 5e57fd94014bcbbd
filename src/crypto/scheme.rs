//! The signature schemes libtuf understands and their mapping onto `ring` algorithms.

use ring::signature::{self, EcdsaVerificationAlgorithm, RsaEncoding, RsaParameters};

use super::hash::HashAlgorithm;

/// A supported TUF signature scheme (the `scheme` field of a key object).
///
/// securesystemslib also knows `rsassa-pss-sha224` and `rsa-pkcs1v15-sha224`; `ring` has no
/// SHA-224 RSA support, so keys with those schemes are parsed as unsupported keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `ed25519`: PureEdDSA over Curve25519.
    Ed25519,
    /// `ecdsa-sha2-nistp256`: ECDSA over P-256 with SHA-256, DER signatures.
    EcdsaP256,
    /// `ecdsa-sha2-nistp384`: ECDSA over P-384 with SHA-384, DER signatures.
    EcdsaP384,
    /// `rsassa-pss-sha{256,384,512}`: RSASSA-PSS with MGF1 using the same hash.
    ///
    /// Verification requires the salt length to equal the digest length, which is what
    /// securesystemslib signs with; `ring` does not auto-detect other salt lengths.
    RsaPss(HashAlgorithm),
    /// `rsa-pkcs1v15-sha{256,384,512}`: RSASSA-PKCS1-v1_5.
    RsaPkcs1(HashAlgorithm),
}

impl Scheme {
    /// Parses a scheme name. Returns `None` for schemes libtuf cannot verify.
    pub fn from_name(name: &str) -> Option<Self> {
        use HashAlgorithm::*;
        Some(match name {
            "ed25519" => Scheme::Ed25519,
            "ecdsa-sha2-nistp256" => Scheme::EcdsaP256,
            "ecdsa-sha2-nistp384" => Scheme::EcdsaP384,
            "rsassa-pss-sha256" => Scheme::RsaPss(Sha256),
            "rsassa-pss-sha384" => Scheme::RsaPss(Sha384),
            "rsassa-pss-sha512" => Scheme::RsaPss(Sha512),
            "rsa-pkcs1v15-sha256" => Scheme::RsaPkcs1(Sha256),
            "rsa-pkcs1v15-sha384" => Scheme::RsaPkcs1(Sha384),
            "rsa-pkcs1v15-sha512" => Scheme::RsaPkcs1(Sha512),
            _ => return None,
        })
    }

    /// The scheme's name as written in metadata.
    pub fn name(self) -> &'static str {
        use HashAlgorithm::*;
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::EcdsaP256 => "ecdsa-sha2-nistp256",
            Scheme::EcdsaP384 => "ecdsa-sha2-nistp384",
            Scheme::RsaPss(Sha256) => "rsassa-pss-sha256",
            Scheme::RsaPss(Sha384) => "rsassa-pss-sha384",
            Scheme::RsaPss(Sha512) => "rsassa-pss-sha512",
            Scheme::RsaPkcs1(Sha256) => "rsa-pkcs1v15-sha256",
            Scheme::RsaPkcs1(Sha384) => "rsa-pkcs1v15-sha384",
            Scheme::RsaPkcs1(Sha512) => "rsa-pkcs1v15-sha512",
        }
    }

    /// The keytype python-tuf writes for keys of this scheme (`ed25519`, `ecdsa`, `rsa`).
    pub fn keytype(self) -> &'static str {
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::EcdsaP256 | Scheme::EcdsaP384 => "ecdsa",
            Scheme::RsaPss(_) | Scheme::RsaPkcs1(_) => "rsa",
        }
    }

    /// Whether `keytype` may be paired with this scheme. Besides the modern keytypes this accepts
    /// the legacy ECDSA keytypes equal to the scheme name (`ecdsa-sha2-nistp256` with
    /// `ecdsa-sha2-nistp256`), which older repositories use.
    pub fn accepts_keytype(self, keytype: &str) -> bool {
        keytype == self.keytype()
            || (matches!(self, Scheme::EcdsaP256 | Scheme::EcdsaP384) && keytype == self.name())
    }

    /// The ECDSA verification algorithm (DER signatures), for ECDSA schemes.
    pub(crate) fn ecdsa_verification(self) -> Option<&'static EcdsaVerificationAlgorithm> {
        match self {
            Scheme::EcdsaP256 => Some(&signature::ECDSA_P256_SHA256_ASN1),
            Scheme::EcdsaP384 => Some(&signature::ECDSA_P384_SHA384_ASN1),
            _ => None,
        }
    }

    /// The RSA verification parameters (2048 to 8192 bit moduli), for RSA schemes.
    pub(crate) fn rsa_verification(self) -> Option<&'static RsaParameters> {
        use HashAlgorithm::*;
        Some(match self {
            Scheme::RsaPss(Sha256) => &signature::RSA_PSS_2048_8192_SHA256,
            Scheme::RsaPss(Sha384) => &signature::RSA_PSS_2048_8192_SHA384,
            Scheme::RsaPss(Sha512) => &signature::RSA_PSS_2048_8192_SHA512,
            Scheme::RsaPkcs1(Sha256) => &signature::RSA_PKCS1_2048_8192_SHA256,
            Scheme::RsaPkcs1(Sha384) => &signature::RSA_PKCS1_2048_8192_SHA384,
            Scheme::RsaPkcs1(Sha512) => &signature::RSA_PKCS1_2048_8192_SHA512,
            _ => return None,
        })
    }

    /// The RSA signing padding (PSS salt length = digest length), for RSA schemes.
    pub(crate) fn rsa_signing(self) -> Option<&'static dyn RsaEncoding> {
        use HashAlgorithm::*;
        Some(match self {
            Scheme::RsaPss(Sha256) => &signature::RSA_PSS_SHA256,
            Scheme::RsaPss(Sha384) => &signature::RSA_PSS_SHA384,
            Scheme::RsaPss(Sha512) => &signature::RSA_PSS_SHA512,
            Scheme::RsaPkcs1(Sha256) => &signature::RSA_PKCS1_SHA256,
            Scheme::RsaPkcs1(Sha384) => &signature::RSA_PKCS1_SHA384,
            Scheme::RsaPkcs1(Sha512) => &signature::RSA_PKCS1_SHA512,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [&str; 9] = [
        "ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "rsassa-pss-sha256",
        "rsassa-pss-sha384",
        "rsassa-pss-sha512",
        "rsa-pkcs1v15-sha256",
        "rsa-pkcs1v15-sha384",
        "rsa-pkcs1v15-sha512",
    ];

    #[test]
    fn names_round_trip() {
        for name in ALL {
            let s = Scheme::from_name(name).expect(name);
            assert_eq!(s.name(), name);
            assert!(s.accepts_keytype(s.keytype()));
        }
        for name in ["rsassa-pss-sha224", "ecdsa-sha2-nistp521", "ED25519", ""] {
            assert_eq!(Scheme::from_name(name), None, "{name}");
        }
    }

    #[test]
    fn keytypes() {
        assert!(Scheme::EcdsaP256.accepts_keytype("ecdsa-sha2-nistp256"));
        assert!(!Scheme::EcdsaP256.accepts_keytype("ecdsa-sha2-nistp384"));
        assert!(Scheme::EcdsaP384.accepts_keytype("ecdsa-sha2-nistp384"));
        assert!(!Scheme::Ed25519.accepts_keytype("ecdsa"));
        assert!(!Scheme::RsaPss(HashAlgorithm::Sha256).accepts_keytype("ed25519"));
    }
}
