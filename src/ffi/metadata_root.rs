//! The root parts of a `tuf_metadata`: `consistent_snapshot`, keys, and the keyids and
//! threshold of each top-level role (python-tuf's `Root`).

use std::ffi::c_char;

use super::args::{handle, out_arg, str_arg};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result, TUF_ERR_INVALID_ARGUMENT};
use super::key::{tuf_key, write_key};
use super::metadata::{md_mut, md_ref, role_arg, tuf_metadata, tuf_role_type};
use super::strings::List;
use crate::metadata::{RoleKeys, Root};

fn root<'a>(md: *const tuf_metadata) -> Option<(&'a tuf_metadata, &'a Root)> {
    let m = md_ref(md).ok()?;
    Some((m, m.md.root().ok()?))
}

fn role_keys<'a>(
    md: *const tuf_metadata,
    role: tuf_role_type,
) -> Option<(&'a tuf_metadata, &'a RoleKeys)> {
    let (m, r) = root(md)?;
    Some((m, r.role(role_arg(role).ok()?)?))
}

/// Whether consistent snapshots are on (`consistent_snapshot`; absent means false). False if
/// `md` is NULL or not a root.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_consistent_snapshot(md: *const tuf_metadata) -> bool {
    value(false, || {
        root(md).is_some_and(|(_, r)| r.consistent_snapshot())
    })
}

/// Sets `consistent_snapshot`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` if `md` is NULL or not a root.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_set_consistent_snapshot(
    md: *mut tuf_metadata,
    consistent_snapshot: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        md_mut(md)?.root_mut()?.consistent_snapshot = Some(consistent_snapshot);
        Ok(())
    })
}

/// How many keys root lists in `keys` (0 if `md` is NULL or not a root).
#[no_mangle]
pub extern "C" fn tuf_metadata_root_key_count(md: *const tuf_metadata) -> usize {
    value(0, || root(md).map_or(0, |(_, r)| r.keys.len()))
}

/// The keyid of key `index` of `keys`, in code-point order, borrowed from `md` (see
/// `tuf_metadata`); NULL if `md` is NULL or not a root, or `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_keyid_at(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        root(md).map_or(std::ptr::null(), |(m, r)| {
            m.lent.list_item(List::RootKeyids, index, || {
                r.keys.keys().map(String::as_str)
            })
        })
    })
}

/// The key root lists as `keyid`. On success `*out` owns a copy (free it with
/// `tuf_key_free`).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, metadata
/// that is not a root, or a keyid root does not list.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_get_key(
    md: *const tuf_metadata,
    keyid: *const c_char,
    out: *mut *mut tuf_key,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let r = md_ref(md)?.md.root()?;
        let keyid = str_arg(keyid, "keyid")?;
        out_arg(out, "out")?;
        let key = r.keys.get(keyid).ok_or_else(|| {
            tuf_error::new(
                TUF_ERR_INVALID_ARGUMENT,
                &format!("root has no key {}", crate::error::excerpt(keyid)),
            )
        })?;
        write_key(out, keyid, key);
        Ok(())
    })
}

/// How many keyids the top-level role `role` (`TUF_ROLE_*`) has (0 if `md` is NULL or not a
/// root, or `role` is unknown).
#[no_mangle]
pub extern "C" fn tuf_metadata_root_role_keyid_count(
    md: *const tuf_metadata,
    role: tuf_role_type,
) -> usize {
    value(0, || role_keys(md, role).map_or(0, |(_, r)| r.keyids.len()))
}

/// Keyid `index` of the top-level role `role`, in file order, borrowed from `md` (see
/// `tuf_metadata`); NULL if `md` is NULL or not a root, `role` is unknown or `index` is out
/// of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_role_keyid_at(
    md: *const tuf_metadata,
    role: tuf_role_type,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        role_keys(md, role)
            .and_then(|(m, r)| r.keyids.get(index).map(|k| m.lent.str(k)))
            .unwrap_or(std::ptr::null())
    })
}

/// The threshold of the top-level role `role` (0 if `md` is NULL or not a root, or `role` is
/// unknown).
#[no_mangle]
pub extern "C" fn tuf_metadata_root_role_threshold(
    md: *const tuf_metadata,
    role: tuf_role_type,
) -> u64 {
    value(0, || role_keys(md, role).map_or(0, |(_, r)| r.threshold))
}

/// Sets the threshold of the top-level role `role`: how many of its keys must sign.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` if `md` is NULL or not a root, `role` is
/// unknown or `threshold` is 0.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_set_threshold(
    md: *mut tuf_metadata,
    role: tuf_role_type,
    threshold: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = role_arg(role)?;
        Ok(md_mut(md)?.root_mut()?.set_threshold(role, threshold)?)
    })
}

/// Adds `key` (copied) to root's `keys` under its keyid and to the keyids of the top-level
/// role `role`, as python-tuf's `Root.add_key`. Adding a key a role already has does
/// nothing.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, metadata that is not a
/// root, an unknown `role`, or a keyid that already names a different key in root.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_add_key(
    md: *mut tuf_metadata,
    role: tuf_role_type,
    key: *const tuf_key,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = role_arg(role)?;
        let key = handle(key, "key")?;
        let r = md_mut(md)?.root_mut()?;
        Ok(r.add_key_as(role, &key.keyid, key.key.clone())?)
    })
}

/// Removes `keyid` from the keyids of the top-level role `role`, and the key from root's
/// `keys` if no other role uses it, as python-tuf's `Root.revoke_key`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, metadata
/// that is not a root, an unknown `role`, or a keyid the role does not list.
#[no_mangle]
pub extern "C" fn tuf_metadata_root_revoke_key(
    md: *mut tuf_metadata,
    role: tuf_role_type,
    keyid: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = role_arg(role)?;
        let keyid = str_arg(keyid, "keyid")?;
        Ok(md_mut(md)?.root_mut()?.revoke_listed_key(role, keyid)?)
    })
}
