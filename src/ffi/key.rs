//! `tuf_key`: a public key with its keyid, as it appears in root `keys` and delegations `keys`.

use std::ffi::{c_char, CString};

use super::args::{
    bytes_arg, c_string, free_handle, handle, opt_str_arg, out_arg, str_arg, write_out,
};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result};
use crate::json::ToJson;
use crate::metadata::Key;

/// A public key (`keytype`, `scheme`, `keyval`) and the keyid it is listed under. Created by
/// `tuf_key_from_json`, `tuf_key_from_pem` and the getters of keys in metadata
/// (`tuf_metadata_root_get_key`, `tuf_metadata_delegations_get_key`), freed with
/// `tuf_key_free`; `tuf_signer_key` lends one owned by its signer. Immutable: may be used
/// from any thread. Strings it returns are valid until it is freed.
pub struct tuf_key {
    pub(crate) keyid: String,
    pub(crate) key: Key,
    c_keyid: CString,
    c_keytype: CString,
    c_scheme: CString,
    c_public: CString,
    c_json: CString,
}

impl tuf_key {
    pub(crate) fn new(keyid: String, key: Key) -> tuf_key {
        let json = String::from_utf8(key.to_json(crate::json::Style::Compact)).unwrap_or_default();
        tuf_key {
            c_keyid: c_string(&keyid),
            c_keytype: c_string(key.keytype()),
            c_scheme: c_string(key.scheme()),
            c_public: c_string(key.public_value()),
            c_json: c_string(&json),
            keyid,
            key,
        }
    }

    /// `key` under its default keyid.
    pub(crate) fn with_default_keyid(key: Key) -> tuf_key {
        tuf_key::new(key.keyid(), key)
    }
}

/// A new handle for a copy of `key` under `keyid`, written to `out`.
pub(crate) fn write_key(out: *mut *mut tuf_key, keyid: &str, key: &Key) {
    write_out(
        out,
        Box::into_raw(Box::new(tuf_key::new(keyid.to_string(), key.clone()))),
    );
}

fn get<'a>(key: *const tuf_key) -> Option<&'a tuf_key> {
    handle(key, "key").ok()
}

/// Reads a key object from the JSON text `json` (`{"keytype": ..., "scheme": ...,
/// "keyval": {"public": ...}}`; unknown fields are kept). `keyid` is the keyid to list it
/// under, or NULL for its default keyid (securesystemslib's: the SHA-256 of the canonical
/// JSON of keytype, scheme and keyval). As in metadata, a key of a type or scheme libtuf does
/// not know is accepted but never verifies (`tuf_key_is_supported`). On success `*out` owns
/// the key.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_METADATA` if `json` is not a key object;
/// `TUF_ERR_INVALID_ARGUMENT` for NULL `json` or `out`, invalid UTF-8 or an empty keyid.
#[no_mangle]
pub extern "C" fn tuf_key_from_json(
    json: *const c_char,
    keyid: *const c_char,
    out: *mut *mut tuf_key,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let json = str_arg(json, "json")?;
        let keyid = opt_str_arg(keyid, "keyid")?;
        out_arg(out, "out")?;
        let key = Key::from_json(json.as_bytes())?;
        let keyid = match keyid {
            Some("") => return Err(super::args::invalid("keyid is empty")),
            Some(id) => id.to_string(),
            None => key.keyid(),
        };
        write_out(out, Box::into_raw(Box::new(tuf_key::new(keyid, key))));
        Ok(())
    })
}

/// Makes a key from a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo) holding an Ed25519,
/// ECDSA P-256 or P-384, or RSA key, as securesystemslib's `SSlibKey.from_pem`: keytype
/// `ed25519`, `ecdsa` or `rsa`; `scheme` if not NULL (it must suit the key: any
/// `rsassa-pss-*` or `rsa-pkcs1v15-*` scheme for RSA), else `ed25519`,
/// `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384` or `rsassa-pss-sha256`; the public value in
/// python-tuf's encoding and the default keyid, so that both equal python-tuf's for the same
/// key. On success `*out` owns the key.
///
/// Returns `TUF_OK`; `TUF_ERR_CRYPTO` if the PEM does not hold a usable key of those types
/// or the scheme does not suit it; `TUF_ERR_INVALID_ARGUMENT` for NULL `pem` or `out`, or
/// invalid UTF-8.
#[no_mangle]
pub extern "C" fn tuf_key_from_pem(
    pem: *const c_char,
    scheme: *const c_char,
    out: *mut *mut tuf_key,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let pem = str_arg(pem, "pem")?;
        let scheme = opt_str_arg(scheme, "scheme")?;
        out_arg(out, "out")?;
        let key = Key::from_pem(pem, scheme)?;
        write_out(
            out,
            Box::into_raw(Box::new(tuf_key::with_default_keyid(key))),
        );
        Ok(())
    })
}

/// Frees a key. NULL is allowed and ignored. Never free the key `tuf_signer_key` lends.
#[no_mangle]
pub extern "C" fn tuf_key_free(key: *mut tuf_key) {
    value((), || free_handle(key))
}

/// The keyid the key is listed under (NULL if `key` is NULL).
#[no_mangle]
pub extern "C" fn tuf_key_keyid(key: *const tuf_key) -> *const c_char {
    value(std::ptr::null(), || {
        get(key).map_or(std::ptr::null(), |k| k.c_keyid.as_ptr())
    })
}

/// `keytype`, e.g. "ed25519", "ecdsa", "rsa" (NULL if `key` is NULL).
#[no_mangle]
pub extern "C" fn tuf_key_keytype(key: *const tuf_key) -> *const c_char {
    value(std::ptr::null(), || {
        get(key).map_or(std::ptr::null(), |k| k.c_keytype.as_ptr())
    })
}

/// `scheme`, e.g. "ed25519", "ecdsa-sha2-nistp256", "rsassa-pss-sha256" (NULL if `key` is
/// NULL).
#[no_mangle]
pub extern "C" fn tuf_key_scheme(key: *const tuf_key) -> *const c_char {
    value(std::ptr::null(), || {
        get(key).map_or(std::ptr::null(), |k| k.c_scheme.as_ptr())
    })
}

/// `keyval.public`: hex for Ed25519, a PEM SubjectPublicKeyInfo for ECDSA and RSA (NULL if
/// `key` is NULL; "" if the key object has no string `public`).
#[no_mangle]
pub extern "C" fn tuf_key_public_value(key: *const tuf_key) -> *const c_char {
    value(std::ptr::null(), || {
        get(key).map_or(std::ptr::null(), |k| k.c_public.as_ptr())
    })
}

/// The key object as compact JSON (without the keyid, as in a `keys` map; unknown fields
/// included), NULL if `key` is NULL.
#[no_mangle]
pub extern "C" fn tuf_key_to_json(key: *const tuf_key) -> *const c_char {
    value(std::ptr::null(), || {
        get(key).map_or(std::ptr::null(), |k| k.c_json.as_ptr())
    })
}

/// Whether libtuf can verify signatures with this key (a known keytype and scheme and a
/// public value that decodes). False if `key` is NULL.
#[no_mangle]
pub extern "C" fn tuf_key_is_supported(key: *const tuf_key) -> bool {
    value(false, || {
        get(key).is_some_and(|k| k.key.public_key().is_supported())
    })
}

/// Verifies the signature `sig` (`sig_len` raw bytes: 64 for Ed25519, DER for ECDSA) over
/// `data` (`len` bytes) with this key and its scheme.
///
/// Returns `TUF_OK` if it verifies; `TUF_ERR_BAD_SIGNATURE` if it does not or the key is not
/// supported; `TUF_ERR_INVALID_ARGUMENT` for a NULL `key`, or a NULL buffer with a non-zero
/// length.
#[no_mangle]
pub extern "C" fn tuf_key_verify_signature(
    key: *const tuf_key,
    data: *const u8,
    len: usize,
    sig: *const u8,
    sig_len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let k = handle(key, "key")?;
        let data = bytes_arg(data, len, "data")?;
        let sig = bytes_arg(sig, sig_len, "sig")?;
        if k.key.public_key().verify(data, sig) {
            Ok(())
        } else {
            Err(tuf_error::new(
                super::error::TUF_ERR_BAD_SIGNATURE,
                &format!(
                    "the signature does not verify with key {}",
                    crate::error::excerpt(&k.keyid)
                ),
            ))
        }
    })
}
