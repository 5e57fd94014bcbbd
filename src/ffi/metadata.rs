//! `tuf_metadata`: metadata of any role to read, build, change, sign, verify and write
//! (python-tuf's Metadata API): parsing and serialising, the fields every role has, unknown
//! fields, signatures, signing and `verify_delegate`. The parts of each role type are in
//! `metadata_root.rs`, `metadata_meta.rs`, `metadata_targets.rs` and
//! `metadata_delegations.rs`.

use std::ffi::c_char;

use super::args::{
    bytes_arg, free_handle, handle, handle_mut, invalid, out_arg, owned_string, str_arg, write_out,
};
use super::boundary::{run, value};
use super::bytes::owned_bytes;
use super::config::reference_time_arg;
use super::error::{tuf_error, tuf_result};
use super::signer::tuf_signer;
use super::strings::Lent;
use crate::json::{Style, Value};
use crate::metadata::{AnyMetadata, DateTime, RoleType};

/// A role type: one of `TUF_ROLE_*`. A plain integer, so that a value from a newer library is
/// still a valid `tuf_role_type`.
pub type tuf_role_type = u32;

/// `root`.
pub const TUF_ROLE_ROOT: tuf_role_type = 1;
/// `timestamp`.
pub const TUF_ROLE_TIMESTAMP: tuf_role_type = 2;
/// `snapshot`.
pub const TUF_ROLE_SNAPSHOT: tuf_role_type = 3;
/// `targets`: the top-level targets role and every delegated targets role.
pub const TUF_ROLE_TARGETS: tuf_role_type = 4;

/// A serialisation format: one of `TUF_FORMAT_*`.
pub type tuf_format = u32;

/// python-tuf's default file format: indented by one space, keys sorted, non-ASCII escaped
/// (`json.dumps(indent=1, separators=(",", ": "), sort_keys=True)`).
pub const TUF_FORMAT_PRETTY: tuf_format = 1;
/// python-tuf's compact format: no white space, keys sorted, non-ASCII escaped.
pub const TUF_FORMAT_COMPACT: tuf_format = 2;
/// Canonical JSON (securesystemslib's `encode_canonical`): the form signatures cover.
pub const TUF_FORMAT_CANONICAL: tuf_format = 3;

/// Metadata of any role: root, timestamp, snapshot, targets or a delegated targets role
/// (whose type is targets). Created with `tuf_metadata_from_bytes` or `tuf_metadata_new`,
/// freed with `tuf_metadata_free`. Every object keeps its unknown fields, so that a file read
/// and written back unchanged is byte-identical.
///
/// Borrowed strings: a `const char *` returned by a `tuf_metadata_*` function belongs to the
/// handle and stays valid until the next call that may change the handle (any function
/// taking a non-const `tuf_metadata *`, even one that fails) or `tuf_metadata_free`.
///
/// Threads: one thread at a time, also for reading (getters remember the strings they lend);
/// a handle may move between threads. Getters of a part another role type does not have
/// return 0, false or NULL; functions returning a `tuf_result` fail with
/// `TUF_ERR_INVALID_ARGUMENT`.
pub struct tuf_metadata {
    pub(crate) md: AnyMetadata,
    pub(crate) lent: Lent,
}

/// The metadata behind `md`, for reading.
pub(crate) fn md_ref<'a>(md: *const tuf_metadata) -> Result<&'a tuf_metadata, tuf_error> {
    handle(md, "md")
}

/// The metadata behind `md`, to be changed: the strings it lent are forgotten first.
pub(crate) fn md_mut<'a>(md: *mut tuf_metadata) -> Result<&'a mut AnyMetadata, tuf_error> {
    let m = handle_mut(md, "md")?;
    m.lent.clear();
    Ok(&mut m.md)
}

/// A `tuf_role_type` argument.
pub(crate) fn role_arg(role: tuf_role_type) -> Result<RoleType, tuf_error> {
    match role {
        TUF_ROLE_ROOT => Ok(RoleType::Root),
        TUF_ROLE_TIMESTAMP => Ok(RoleType::Timestamp),
        TUF_ROLE_SNAPSHOT => Ok(RoleType::Snapshot),
        TUF_ROLE_TARGETS => Ok(RoleType::Targets),
        _ => Err(invalid(&format!("unknown role type {role}"))),
    }
}

fn role_code(role: RoleType) -> tuf_role_type {
    match role {
        RoleType::Root => TUF_ROLE_ROOT,
        RoleType::Timestamp => TUF_ROLE_TIMESTAMP,
        RoleType::Snapshot => TUF_ROLE_SNAPSHOT,
        RoleType::Targets => TUF_ROLE_TARGETS,
    }
}

/// A time argument in seconds since the Unix epoch.
fn time_arg(unix_seconds: i64, name: &str) -> Result<DateTime, tuf_error> {
    DateTime::from_unix(unix_seconds)
        .ok_or_else(|| invalid(&format!("{name} is outside the years 1 to 9999")))
}

/// A JSON text argument holding an object.
pub(crate) fn json_object_arg(
    json: *const c_char,
    name: &str,
) -> Result<crate::json::Map, tuf_error> {
    let text = str_arg(json, name)?;
    match Value::parse(text.as_bytes()) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(invalid(&format!("{name} is not a JSON object"))),
        Err(e) => Err(invalid(&format!("{name}: {e}"))),
    }
}

fn new_handle(md: AnyMetadata) -> *mut tuf_metadata {
    Box::into_raw(Box::new(tuf_metadata {
        md,
        lent: Lent::default(),
    }))
}

/// Reads metadata of any role from `data` (`len` bytes, a whole metadata file); the role
/// type is read from `signed._type`. Every format rule is checked; no signature is verified
/// (see `tuf_metadata_verify_delegate`). On success `*out` owns the new metadata.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_METADATA` if the bytes are not valid TUF metadata
/// (JSON syntax, duplicate keys, floats, types, missing fields, `_type` other than root,
/// timestamp, snapshot or targets, bad dates or versions); `TUF_ERR_INVALID_ARGUMENT` if
/// `data` is NULL with a non-zero `len` or `out` is NULL.
#[no_mangle]
pub extern "C" fn tuf_metadata_from_bytes(
    data: *const u8,
    len: usize,
    out: *mut *mut tuf_metadata,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let data = bytes_arg(data, len, "data")?;
        out_arg(out, "out")?;
        let md = AnyMetadata::from_bytes(data)?;
        write_out(out, new_handle(md));
        Ok(())
    })
}

/// Creates unsigned metadata of role type `role` (`TUF_ROLE_*`), version 1, expiring at
/// `expires` (seconds since the Unix epoch), with python-tuf's defaults: a root with
/// `consistent_snapshot` true, the four top-level roles at threshold 1 and no keys; a
/// timestamp listing `snapshot.json` version 1; a snapshot listing `targets.json` version 1;
/// a targets role with no targets and no delegations. On success `*out` owns it.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for an unknown role type, an `expires`
/// outside the years 1 to 9999, or a NULL `out`.
#[no_mangle]
pub extern "C" fn tuf_metadata_new(
    role: tuf_role_type,
    expires: i64,
    out: *mut *mut tuf_metadata,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = role_arg(role)?;
        let expires = time_arg(expires, "expires")?;
        out_arg(out, "out")?;
        write_out(out, new_handle(AnyMetadata::new(role, expires)));
        Ok(())
    })
}

/// Frees metadata and every string it lent. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_metadata_free(md: *mut tuf_metadata) {
    value((), || free_handle(md))
}

/// Writes the whole file in `format` (`TUF_FORMAT_PRETTY`, `_COMPACT` or `_CANONICAL`). On
/// success `*out` owns a buffer of `*out_len` bytes, followed by a NUL byte not counted in
/// `*out_len` (so pretty and compact output, which is ASCII, is also a C string; canonical
/// JSON may contain NUL bytes). Free it with `tuf_bytes_free`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL argument or an unknown format.
#[no_mangle]
pub extern "C" fn tuf_metadata_to_bytes(
    md: *const tuf_metadata,
    format: tuf_format,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let m = md_ref(md)?;
        let style = match format {
            TUF_FORMAT_PRETTY => Style::Pretty,
            TUF_FORMAT_COMPACT => Style::Compact,
            TUF_FORMAT_CANONICAL => Style::Canonical,
            _ => return Err(invalid(&format!("unknown format {format}"))),
        };
        out_arg(out, "out")?;
        out_arg(out_len, "out_len")?;
        let (p, n) = owned_bytes(&m.md.to_json(style));
        write_out(out, p);
        write_out(out_len, n);
        Ok(())
    })
}

/// The canonical JSON of `signed`: the bytes a signature covers, for signing elsewhere
/// (then `tuf_metadata_add_signature`). Output as in `tuf_metadata_to_bytes`; free it with
/// `tuf_bytes_free`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL argument.
#[no_mangle]
pub extern "C" fn tuf_metadata_signed_bytes(
    md: *const tuf_metadata,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let m = md_ref(md)?;
        out_arg(out, "out")?;
        out_arg(out_len, "out_len")?;
        let (p, n) = owned_bytes(&m.md.signed_bytes());
        write_out(out, p);
        write_out(out_len, n);
        Ok(())
    })
}

/// The role type (`TUF_ROLE_*`; delegated targets roles are `TUF_ROLE_TARGETS`), or 0 if
/// `md` is NULL.
#[no_mangle]
pub extern "C" fn tuf_metadata_type(md: *const tuf_metadata) -> tuf_role_type {
    value(0, || md_ref(md).map_or(0, |m| role_code(m.md.role_type())))
}

/// `version` (at least 1), or 0 if `md` is NULL.
#[no_mangle]
pub extern "C" fn tuf_metadata_version(md: *const tuf_metadata) -> u64 {
    value(0, || md_ref(md).map_or(0, |m| m.md.version()))
}

/// Sets `version`. Signatures are not changed (sign again).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` if `md` is NULL or `version` is 0.
#[no_mangle]
pub extern "C" fn tuf_metadata_set_version(
    md: *mut tuf_metadata,
    version: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || Ok(md_mut(md)?.set_version(version)?))
}

/// Adds 1 to `version`, as a repository does before publishing a change.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` if `md` is NULL or the version is already
/// `UINT64_MAX`.
#[no_mangle]
pub extern "C" fn tuf_metadata_bump_version(
    md: *mut tuf_metadata,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || Ok(md_mut(md)?.bump_version()?))
}

/// `spec_version` (e.g. "1.0.31"), borrowed from `md` (see `tuf_metadata`); NULL if `md` is
/// NULL.
#[no_mangle]
pub extern "C" fn tuf_metadata_spec_version(md: *const tuf_metadata) -> *const c_char {
    value(std::ptr::null(), || {
        md_ref(md).map_or(std::ptr::null(), |m| m.lent.str(m.md.spec_version()))
    })
}

/// Sets `spec_version`, which must be `X.Y` or `X.Y.Z` (digits) with major version 1.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8 or an
/// unsupported version.
#[no_mangle]
pub extern "C" fn tuf_metadata_set_spec_version(
    md: *mut tuf_metadata,
    spec_version: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = str_arg(spec_version, "spec_version")?;
        Ok(md_mut(md)?.set_spec_version(v)?)
    })
}

/// `expires` in seconds since the Unix epoch, or `INT64_MIN` if `md` is NULL (never a valid
/// time: metadata times lie in the years 1 to 9999).
#[no_mangle]
pub extern "C" fn tuf_metadata_expires(md: *const tuf_metadata) -> i64 {
    value(i64::MIN, || {
        md_ref(md).map_or(i64::MIN, |m| m.md.expires().unix())
    })
}

/// Sets `expires` (seconds since the Unix epoch; written as `YYYY-MM-DDTHH:MM:SSZ`).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` if `md` is NULL or the time is outside the
/// years 1 to 9999.
#[no_mangle]
pub extern "C" fn tuf_metadata_set_expires(
    md: *mut tuf_metadata,
    expires: i64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let t = time_arg(expires, "expires")?;
        md_mut(md)?.set_expires(t);
        Ok(())
    })
}

/// Whether the metadata is expired at `*reference_time` (seconds since the Unix epoch), or at
/// the system clock's time when `reference_time` is NULL: true when the reference time is at
/// or after `expires`. True (fail closed) if `md` is NULL or the reference time is outside
/// the years 1 to 9999.
#[no_mangle]
pub extern "C" fn tuf_metadata_is_expired(
    md: *const tuf_metadata,
    reference_time: *const i64,
) -> bool {
    value(true, || {
        let (Ok(m), Ok(t)) = (md_ref(md), reference_time_arg(reference_time)) else {
            return true;
        };
        m.md.is_expired(t.unwrap_or_else(DateTime::now))
    })
}

/// The unknown fields of one object of the file, as a compact JSON object (e.g. `{}` or
/// `{"custom":{"x":1}}`). `pointer` is a JSON Pointer (RFC 6901) naming the object: `""` (the
/// file), `/signatures/N`, `/signed`, `/signed/keys/KEYID`, `/signed/roles/ROLE`,
/// `/signed/meta/NAME`, `/signed/targets/PATH`, `/signed/delegations`,
/// `/signed/delegations/keys/KEYID`, `/signed/delegations/roles/N` or
/// `/signed/delegations/succinct_roles`; in a name, `/` is written `~1` and `~` is written
/// `~0` (`/signed/targets/dir~1file.txt`). A target's `custom` is one of its unknown fields,
/// as in python-tuf. On success `*out` owns the string; free it with `tuf_string_free`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, or a
/// pointer that names no such object in this metadata.
#[no_mangle]
pub extern "C" fn tuf_metadata_unrecognized_fields(
    md: *const tuf_metadata,
    pointer: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let m = md_ref(md)?;
        let pointer = str_arg(pointer, "pointer")?;
        out_arg(out, "out")?;
        let fields = m.md.unrecognized_fields(pointer)?;
        let json = Value::Object(fields.clone()).to_json_string();
        write_out(out, owned_string(&json));
        Ok(())
    })
}

/// Replaces the unknown fields of the object `pointer` names (see
/// `tuf_metadata_unrecognized_fields`) by the members of the JSON object `json` (`"{}"`
/// removes them all). Signatures are not changed (sign again if `signed` changed).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, a pointer
/// naming no such object, `json` that is not a JSON object (strict JSON: no duplicate keys,
/// no floats), or a member that is a field libtuf knows in that object (such as `version`
/// in `/signed`). Nothing changes on failure.
#[no_mangle]
pub extern "C" fn tuf_metadata_set_unrecognized_fields(
    md: *mut tuf_metadata,
    pointer: *const c_char,
    json: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let pointer = str_arg(pointer, "pointer")?;
        let fields = json_object_arg(json, "json")?;
        Ok(md_mut(md)?.set_unrecognized_fields(pointer, fields)?)
    })
}

/// How many signatures the metadata carries (0 if `md` is NULL).
#[no_mangle]
pub extern "C" fn tuf_metadata_signature_count(md: *const tuf_metadata) -> usize {
    value(0, || md_ref(md).map_or(0, |m| m.md.signatures().len()))
}

/// The keyid of signature `index` (in file order), borrowed from `md` (see `tuf_metadata`);
/// NULL if `md` is NULL or `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_signature_keyid(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        let Ok(m) = md_ref(md) else {
            return std::ptr::null();
        };
        m.md.signatures()
            .get(index)
            .map_or(std::ptr::null(), |s| m.lent.str(&s.keyid))
    })
}

/// The signature `index` as written in the file (hex), borrowed from `md` (see
/// `tuf_metadata`); NULL if `md` is NULL or `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_signature_hex(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        let Ok(m) = md_ref(md) else {
            return std::ptr::null();
        };
        m.md.signatures()
            .get(index)
            .map_or(std::ptr::null(), |s| m.lent.str(&s.sig))
    })
}

/// Adds a signature made elsewhere over `tuf_metadata_signed_bytes`: `sig_hex` is the hex of
/// the signature bytes, by key `keyid`. Replaces a signature by the same keyid. The
/// signature is not verified here (see `tuf_metadata_verify_delegate`).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, an empty
/// keyid or a signature that is not a non-empty hex string.
#[no_mangle]
pub extern "C" fn tuf_metadata_add_signature(
    md: *mut tuf_metadata,
    keyid: *const c_char,
    sig_hex: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let keyid = str_arg(keyid, "keyid")?;
        let sig = str_arg(sig_hex, "sig_hex")?;
        Ok(md_mut(md)?.add_signature(keyid, sig)?)
    })
}

/// Signs the canonical JSON of `signed` with `signer`, as python-tuf's `Metadata.sign`:
/// with `append` false the new signature replaces all others, with `append` true only one by
/// the signer's keyid. The new signature is verified with the signer's public key first (if
/// libtuf supports its key type), so that a signer using another key or another signature
/// encoding is caught. A callback signer's callback runs on this thread, during this call.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments; `TUF_ERR_CRYPTO` if
/// signing failed (a callback returned non-zero or wrote more than 65536 bytes) or the
/// signature does not verify. The signatures are unchanged on failure.
#[no_mangle]
pub extern "C" fn tuf_metadata_sign(
    md: *mut tuf_metadata,
    signer: *const tuf_signer,
    append: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let signer = handle(signer, "signer")?;
        Ok(md_mut(md)?.sign(signer.as_signer(), append)?)
    })
}

/// Verifies that `delegate` is signed by a threshold of the keys `delegator` gives the role
/// `role`, as python-tuf's `Metadata.verify_delegate`: a root for the top-level roles
/// ("root", "timestamp", "snapshot", "targets"; a new root is verified by the old root and
/// by itself), a targets role for the roles it delegates to (by name, or a succinct hash
/// bin's name). Keys come from the delegator only; each key counts once. `delegate` must be
/// of the role's type. Expiry and versions are not checked. `delegator` and `delegate` may
/// be the same handle.
///
/// Returns `TUF_OK`; `TUF_ERR_BAD_SIGNATURE` if fewer than the threshold of valid
/// signatures; `TUF_ERR_INVALID_METADATA` if `delegate` is not of the role's type;
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, or a role the delegator
/// does not delegate (timestamp and snapshot delegate none).
#[no_mangle]
pub extern "C" fn tuf_metadata_verify_delegate(
    delegator: *const tuf_metadata,
    role: *const c_char,
    delegate: *const tuf_metadata,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let delegator = handle(delegator, "delegator")?;
        let role = str_arg(role, "role")?;
        let delegate = handle(delegate, "delegate")?;
        crate::verify::verify_delegate(&delegator.md, role, &delegate.md)?;
        Ok(())
    })
}
