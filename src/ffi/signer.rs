//! `tuf_signer`: what signs metadata. A private key held by libtuf (from PEM, from an Ed25519
//! seed, or generated), or a callback, so that the private key can live in an HSM, a KMS, a
//! PKCS#11 token or another process.

use std::ffi::{c_char, c_int, c_void};

use super::args::{bytes_arg, free_handle, handle, opt_str_arg, out_arg, str_arg, write_out};
use super::boundary::{run, value};
use super::callbacks::{null_callback, tuf_sink, with_sink, UserData};
use super::error::{tuf_error, tuf_result};
use super::key::tuf_key;
use crate::crypto::SigningKey;
use crate::error::{Error, Result};
use crate::metadata::{Key, KeySigner, Signer};

/// The most bytes a sign callback may write: far more than any signature (an RSA-16384
/// signature has 2048 bytes).
const MAX_SIGNATURE_LENGTH: usize = 65536;

/// A sign callback: signs the `len` bytes at `data` (the canonical JSON of a metadata
/// file's `signed`; valid during the call) with the private key of the signer's public key
/// and scheme, and writes the signature bytes into `signature` with `tuf_sink_write`: 64 raw
/// bytes for Ed25519, DER for ECDSA, the RSA signature (RSASSA-PSS with a salt as long as
/// the digest, or PKCS#1 v1.5, per the scheme). At most 65536 bytes: a longer write fails
/// with `TUF_ERR_CRYPTO`. Returns 0 on success; any other value fails the signing with
/// `TUF_ERR_CRYPTO`.
///
/// It is called during `tuf_metadata_sign` only, on the thread that called it, once per
/// call. It must return normally (no longjmp, no C++ exception through libtuf), must not call
/// functions on the metadata being signed, and may call any other libtuf function.
pub type tuf_sign_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        data: *const u8,
        len: usize,
        signature: *mut tuf_sink,
    ) -> c_int,
>;

type RawSignCallback = unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut tuf_sink) -> c_int;

/// A [`Signer`] calling a C sign callback.
struct CallbackSigner {
    key: Key,
    keyid: String,
    callback: RawSignCallback,
    userdata: UserData,
}

impl Signer for CallbackSigner {
    fn keyid(&self) -> &str {
        &self.keyid
    }

    fn public_key(&self) -> &Key {
        &self.key
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let mut sig = Vec::new();
        let mut write = |d: &[u8]| {
            if sig.len() + d.len() > MAX_SIGNATURE_LENGTH {
                return Err(Error::Crypto(format!(
                    "the sign callback wrote more than {MAX_SIGNATURE_LENGTH} bytes"
                )));
            }
            sig.extend_from_slice(d);
            Ok(())
        };
        let (rc, sink_error) = with_sink(&mut write, |sink| {
            // SAFETY: the caller registered `callback` as a function of this signature;
            // `msg` and `sink` live for the duration of the call.
            unsafe { (self.callback)(self.userdata.ptr(), msg.as_ptr(), msg.len(), sink) }
        });
        if let Some(e) = sink_error {
            return Err(e);
        }
        if rc != 0 {
            return Err(Error::Crypto(format!("the sign callback failed ({rc})")));
        }
        Ok(sig)
    }
}

enum Inner {
    Private(Box<KeySigner>),
    Callback(Box<CallbackSigner>),
}

/// What signs metadata (`tuf_metadata_sign`): a private key held by libtuf
/// (`tuf_signer_from_pem`, `tuf_signer_from_ed25519_seed`, `tuf_signer_generate`), or a
/// callback with its public key (`tuf_signer_new_callback`). Freed with `tuf_signer_free`.
///
/// Threads: a signer with a private key is immutable and may be used from several threads at
/// once; a callback signer calls its callback on whichever thread signs, so it is used from
/// several threads at once only if its callback and userdata allow it.
pub struct tuf_signer {
    inner: Inner,
    key: tuf_key,
}

impl tuf_signer {
    pub(crate) fn as_signer(&self) -> &dyn Signer {
        match &self.inner {
            Inner::Private(s) => s.as_ref(),
            Inner::Callback(s) => s.as_ref(),
        }
    }
}

fn private(key: SigningKey) -> *mut tuf_signer {
    let signer = KeySigner::new(key);
    let key = tuf_key::new(signer.keyid().to_string(), signer.public_key().clone());
    Box::into_raw(Box::new(tuf_signer {
        inner: Inner::Private(Box::new(signer)),
        key,
    }))
}

/// Makes a signer from a PEM `PRIVATE KEY` block (unencrypted PKCS#8, as `openssl genpkey`
/// writes) holding an Ed25519, ECDSA P-256 or P-384, or RSA (2048 to 8192 bits) key. `scheme`
/// is the signature scheme, or NULL for the key's default (`ed25519`,
/// `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384`, `rsassa-pss-sha256`); its keyid is the
/// default keyid of its public key. On success `*out` owns the signer.
///
/// Returns `TUF_OK`; `TUF_ERR_CRYPTO` if the PEM holds no usable key (also: encrypted, SEC1
/// or PKCS#1 PEM) or the scheme does not suit it; `TUF_ERR_INVALID_ARGUMENT` for NULL `pem`
/// or `out`, or invalid UTF-8.
#[no_mangle]
pub extern "C" fn tuf_signer_from_pem(
    pem: *const c_char,
    scheme: *const c_char,
    out: *mut *mut tuf_signer,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let pem = str_arg(pem, "pem")?;
        let scheme = opt_str_arg(scheme, "scheme")?;
        out_arg(out, "out")?;
        write_out(out, private(SigningKey::from_pem(pem, scheme)?));
        Ok(())
    })
}

/// Makes an Ed25519 signer from its 32-byte private seed (RFC 8032; `len` must be 32), for
/// keys kept as raw seeds. Deterministic. On success `*out` owns the signer.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `seed` or `out`, or a `len` other
/// than 32.
#[no_mangle]
pub extern "C" fn tuf_signer_from_ed25519_seed(
    seed: *const u8,
    len: usize,
    out: *mut *mut tuf_signer,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let seed: &[u8; 32] = bytes_arg(seed, len, "seed")?
            .try_into()
            .map_err(|_| super::args::invalid("an Ed25519 seed has 32 bytes"))?;
        out_arg(out, "out")?;
        write_out(out, private(SigningKey::from_ed25519_seed(seed)?));
        Ok(())
    })
}

/// Generates a new private key for `scheme` ("ed25519", "ecdsa-sha2-nistp256" or
/// "ecdsa-sha2-nistp384") from the operating system's random source. Keep it with
/// `tuf_signer_private_key_pem`. On success `*out` owns the signer.
///
/// Returns `TUF_OK`; `TUF_ERR_CRYPTO` for another scheme (RSA keys cannot be generated:
/// load one with `tuf_signer_from_pem`) or if the random source fails;
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments or invalid UTF-8.
#[no_mangle]
pub extern "C" fn tuf_signer_generate(
    scheme: *const c_char,
    out: *mut *mut tuf_signer,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let scheme = str_arg(scheme, "scheme")?;
        out_arg(out, "out")?;
        write_out(out, private(SigningKey::generate_for_scheme(scheme)?));
        Ok(())
    })
}

/// Makes a signer that calls `callback` (see `tuf_sign_callback`) with `userdata` to sign,
/// for the public key `public_key` (copied: its keyid, scheme and key). Every signature it
/// makes is checked with that key (when libtuf supports its type) before it is added to
/// metadata. `userdata` must stay valid until the signer is freed. On success `*out` owns
/// the signer.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `public_key`, `callback` or
/// `out`.
#[no_mangle]
pub extern "C" fn tuf_signer_new_callback(
    public_key: *const tuf_key,
    callback: tuf_sign_callback,
    userdata: *mut c_void,
    out: *mut *mut tuf_signer,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let key = handle(public_key, "public_key")?;
        let callback = callback.ok_or_else(|| null_callback("callback"))?;
        out_arg(out, "out")?;
        let signer = tuf_signer {
            inner: Inner::Callback(Box::new(CallbackSigner {
                key: key.key.clone(),
                keyid: key.keyid.clone(),
                callback,
                userdata: UserData(userdata),
            })),
            key: tuf_key::new(key.keyid.clone(), key.key.clone()),
        };
        write_out(out, Box::into_raw(Box::new(signer)));
        Ok(())
    })
}

/// Frees a signer (and the key it lends). NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_signer_free(signer: *mut tuf_signer) {
    value((), || free_handle(signer))
}

/// The signer's public key and keyid, to add to root or delegations
/// (`tuf_metadata_root_add_key`, `tuf_metadata_delegations_add_key`). Borrowed: valid until
/// the signer is freed; never free it. NULL if `signer` is NULL.
#[no_mangle]
pub extern "C" fn tuf_signer_key(signer: *const tuf_signer) -> *const tuf_key {
    value(std::ptr::null(), || {
        handle(signer, "signer").map_or(std::ptr::null(), |s| &s.key as *const tuf_key)
    })
}

/// Signs the `len` bytes at `data` with the signer (securesystemslib's `Signer.sign`), e.g. to
/// answer another process's sign callback. On success `*out` owns the `*out_len` signature
/// bytes (raw Ed25519, DER ECDSA, RSA); free them with `tuf_bytes_free`. A callback signer
/// calls its callback, on this thread. Signatures are not verified here
/// (`tuf_key_verify_signature` does).
///
/// Returns `TUF_OK`; `TUF_ERR_CRYPTO` if signing failed (or a callback failed);
/// `TUF_ERR_INVALID_ARGUMENT` for a NULL `signer`, `out` or `out_len`, or a NULL `data` with
/// a non-zero `len`.
#[no_mangle]
pub extern "C" fn tuf_signer_sign(
    signer: *const tuf_signer,
    data: *const u8,
    len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let s = handle(signer, "signer")?;
        let data = bytes_arg(data, len, "data")?;
        out_arg(out, "out")?;
        out_arg(out_len, "out_len")?;
        let sig = s.as_signer().sign(data)?;
        let (p, n) = super::bytes::owned_bytes(&sig);
        write_out(out, p);
        write_out(out_len, n);
        Ok(())
    })
}

/// The private key as a PEM `PRIVATE KEY` block (unencrypted PKCS#8, LF line endings), to
/// store it (`tuf_signer_from_pem` reads it back). On success `*out` owns the string; it is
/// secret: overwrite it before `tuf_string_free`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments or a callback signer,
/// whose private key libtuf does not hold.
#[no_mangle]
pub extern "C" fn tuf_signer_private_key_pem(
    signer: *const tuf_signer,
    out: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let s = handle(signer, "signer")?;
        out_arg(out, "out")?;
        match &s.inner {
            Inner::Private(k) => {
                let pem = k.signing_key().to_pkcs8_pem()?;
                write_out(out, super::args::owned_string(&pem));
                Ok(())
            }
            Inner::Callback(_) => Err(super::args::invalid(
                "a callback signer has no private key in libtuf",
            )),
        }
    })
}
