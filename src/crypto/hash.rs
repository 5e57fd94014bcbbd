//! Hash functions used in TUF metadata (`hashes` of files, key IDs, hash-bin delegations).

use ring::digest;

/// A hash algorithm named in TUF metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// SHA-256 (`"sha256"`).
    Sha256,
    /// SHA-384 (`"sha384"`).
    Sha384,
    /// SHA-512 (`"sha512"`).
    Sha512,
}

impl HashAlgorithm {
    /// Parses the metadata name (`"sha256"`, `"sha384"`, `"sha512"`); case-sensitive.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha256" => Some(HashAlgorithm::Sha256),
            "sha384" => Some(HashAlgorithm::Sha384),
            "sha512" => Some(HashAlgorithm::Sha512),
            _ => None,
        }
    }

    /// The metadata name of the algorithm.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }

    /// The digest length in bytes.
    pub fn output_len(self) -> usize {
        self.ring().output_len()
    }

    fn ring(self) -> &'static digest::Algorithm {
        match self {
            HashAlgorithm::Sha256 => &digest::SHA256,
            HashAlgorithm::Sha384 => &digest::SHA384,
            HashAlgorithm::Sha512 => &digest::SHA512,
        }
    }
}

/// Hashes `data` in one call.
pub fn digest(alg: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    digest::digest(alg.ring(), data).as_ref().to_vec()
}

/// SHA-256 of `data`, as a fixed-size array (key IDs, hash-bin prefixes).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
    out
}

/// An incremental hasher, for data that arrives in pieces (downloads).
#[derive(Clone)]
pub struct Hasher {
    alg: HashAlgorithm,
    ctx: digest::Context,
}

impl Hasher {
    /// Starts a new hash computation.
    pub fn new(alg: HashAlgorithm) -> Self {
        Hasher {
            alg,
            ctx: digest::Context::new(alg.ring()),
        }
    }

    /// The algorithm this hasher computes.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    /// Finishes and returns the digest.
    pub fn finish(self) -> Vec<u8> {
        self.ctx.finish().as_ref().to_vec()
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("alg", &self.alg).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hex;

    #[test]
    fn names() {
        for alg in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            assert_eq!(HashAlgorithm::from_name(alg.name()), Some(alg));
            assert_eq!(digest(alg, b"").len(), alg.output_len());
        }
        assert_eq!(HashAlgorithm::from_name("SHA256"), None);
        assert_eq!(HashAlgorithm::from_name("sha224"), None);
        assert_eq!(HashAlgorithm::from_name("md5"), None);
    }

    #[test]
    fn known_digests() {
        // FIPS 180-2 "abc" vectors.
        assert_eq!(
            hex::encode(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(&digest(HashAlgorithm::Sha384, b"abc")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
             8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex::encode(&digest(HashAlgorithm::Sha512, b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn streaming_matches_one_shot() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for alg in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let mut h = Hasher::new(alg);
            for chunk in data.chunks(333) {
                h.update(chunk);
            }
            assert_eq!(h.algorithm(), alg);
            assert_eq!(h.finish(), digest(alg, &data));
        }
    }

    #[test]
    fn spec_keyid_vector() {
        // Digest section 1.7: the spec's example ed25519 key and its keyid.
        let canonical = br#"{"keytype":"ed25519","keyval":{"public":"72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c"},"scheme":"ed25519"}"#;
        assert_eq!(
            hex::encode(&sha256(canonical)),
            "1bf1c6e3cdd3d3a8420b19199e27511999850f4b376c4547b2f32fba7e80fca3"
        );
    }
}
