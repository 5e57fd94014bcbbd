//! Cryptography for TUF: hashing, hex, public keys and signature verification, signing keys.
//!
//! All primitives come from `ring`; key encodings (PEM, SubjectPublicKeyInfo, PKCS#8) are parsed
//! with `pem-rfc7468` and `spki`/`der`. Key encodings follow what python-tuf and securesystemslib
//! write (digest section 1.6).

mod encoding;
pub mod hash;
pub mod hex;
pub mod key;
pub mod scheme;
pub mod signer;

pub use hash::HashAlgorithm;
pub use key::PublicKey;
pub use scheme::Scheme;
pub use signer::{KeyKind, SigningKey};
