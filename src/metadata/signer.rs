//! Signing metadata with any signer: a private key held here, or a key held elsewhere (an HSM,
//! a KMS, a PKCS#11 token, another process) behind the [`Signer`] trait, as securesystemslib's
//! `Signer` (python-tuf's `Metadata.sign`).

use super::{AnyMetadata, Key, Metadata, Signature, Signed};
use crate::crypto::{hex, SigningKey};
use crate::error::{excerpt, Error, Result};
use crate::json::Map;

/// Something that signs metadata: the keyid its signatures are made under, the public key
/// they verify with, and the signing function.
pub trait Signer {
    /// The keyid written next to the signature.
    fn keyid(&self) -> &str;

    /// The public key; signatures are checked with it before they are added.
    fn public_key(&self) -> &Key;

    /// Signs `msg` (the canonical JSON of `signed`) and returns the signature bytes in the
    /// encoding of the key's scheme (raw Ed25519, DER ECDSA, RSA).
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>>;
}

/// A [`Signer`] over a private key held in memory, with the key's default keyid.
pub struct KeySigner {
    key: Key,
    keyid: String,
    private: SigningKey,
}

impl KeySigner {
    /// A signer for `private`, whose public key and keyid are computed as securesystemslib
    /// does.
    pub fn new(private: SigningKey) -> KeySigner {
        let key = Key::from_signer(&private);
        KeySigner {
            keyid: key.keyid(),
            key,
            private,
        }
    }

    /// The private key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.private
    }
}

impl Signer for KeySigner {
    fn keyid(&self) -> &str {
        &self.keyid
    }

    fn public_key(&self) -> &Key {
        &self.key
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        self.private.sign(msg)
    }
}

/// Signs `signed_bytes` with `signer` and checks the signature with the signer's public key
/// (when libtuf supports the key type), so that a misconfigured external signer (another key,
/// raw instead of DER ECDSA) is caught here rather than by every client.
fn signature_of(signer: &dyn Signer, signed_bytes: &[u8]) -> Result<Signature> {
    let keyid = signer.keyid();
    if keyid.is_empty() {
        return Err(Error::InvalidArgument("the signer's keyid is empty".into()));
    }
    let sig = signer.sign(signed_bytes)?;
    let public = signer.public_key().public_key();
    if public.is_supported() && !public.verify(signed_bytes, &sig) {
        return Err(Error::Crypto(format!(
            "the signature made for keyid {} does not verify with its public key",
            excerpt(keyid)
        )));
    }
    Ok(Signature {
        keyid: keyid.to_string(),
        sig: hex::encode(&sig),
        extra: Map::new(),
    })
}

/// Adds `sig` to `signatures`: replacing the signature by the same keyid when `append`, else
/// replacing all of them.
fn add(signatures: &mut Vec<Signature>, sig: Signature, append: bool) {
    if append {
        signatures.retain(|s| s.keyid != sig.keyid);
    } else {
        signatures.clear();
    }
    signatures.push(sig);
}

impl<T: Signed> Metadata<T> {
    /// Signs with `signer` as python-tuf's `Metadata.sign(signer, append)`: without `append`
    /// the new signature replaces all others; with it, only one by the same keyid. The
    /// signature is verified with the signer's public key before it is added; on any error
    /// the signatures are unchanged.
    pub fn sign_with(&mut self, signer: &dyn Signer, append: bool) -> Result<()> {
        let sig = signature_of(signer, &self.signed_bytes())?;
        add(&mut self.signatures, sig, append);
        Ok(())
    }
}

impl AnyMetadata {
    /// [`Metadata::sign_with`], for metadata of any type.
    pub fn sign(&mut self, signer: &dyn Signer, append: bool) -> Result<()> {
        let sig = signature_of(signer, &self.signed_bytes())?;
        add(self.signatures_mut(), sig, append);
        Ok(())
    }
}
