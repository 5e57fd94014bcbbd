//! The delegations of targets metadata in a `tuf_metadata`: their keys, classic delegated
//! roles (name, keyids, threshold, terminating, paths or path hash prefixes) and TAP 15
//! succinct hash bins (python-tuf's `Delegations`, `DelegatedRole`, `SuccinctRoles`).

use std::ffi::c_char;

use super::args::{
    handle, invalid, opt_str_arg, opt_str_array_arg, out_arg, owned_string, str_arg,
};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result};
use super::key::{tuf_key, write_key};
use super::metadata::{md_mut, md_ref, tuf_metadata};
use super::strings::List;
use crate::metadata::{
    DelegatedRole, DelegatedRoles, Delegations, PathSpec, SuccinctBins, SuccinctRoles,
};

fn delegations<'a>(md: *const tuf_metadata) -> Option<(&'a tuf_metadata, &'a Delegations)> {
    let m = md_ref(md).ok()?;
    Some((m, m.md.targets().ok()?.delegations.as_ref()?))
}

fn role<'a>(
    md: *const tuf_metadata,
    index: usize,
) -> Option<(&'a tuf_metadata, &'a DelegatedRole)> {
    match delegations(md)? {
        (
            m,
            Delegations {
                roles: DelegatedRoles::Roles(r),
                ..
            },
        ) => Some((m, r.get(index)?)),
        _ => None,
    }
}

fn succinct<'a>(md: *const tuf_metadata) -> Option<(&'a tuf_metadata, &'a SuccinctRoles)> {
    match delegations(md)? {
        (
            m,
            Delegations {
                roles: DelegatedRoles::Succinct(s),
                ..
            },
        ) => Some((m, s)),
        _ => None,
    }
}

fn no_succinct() -> tuf_error {
    invalid("this metadata has no succinct delegations")
}

/// Whether targets metadata has `delegations` (false if `md` is NULL or not targets).
#[no_mangle]
pub extern "C" fn tuf_metadata_has_delegations(md: *const tuf_metadata) -> bool {
    value(false, || delegations(md).is_some())
}

/// How many keys `delegations.keys` lists (0 if none, or `md` is NULL or not targets).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_key_count(md: *const tuf_metadata) -> usize {
    value(0, || delegations(md).map_or(0, |(_, d)| d.keys.len()))
}

/// The keyid of key `index` of `delegations.keys`, in code-point order, borrowed from `md`
/// (see `tuf_metadata`); NULL if out of range or there are no delegations.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_keyid_at(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        delegations(md).map_or(std::ptr::null(), |(m, d)| {
            m.lent.list_item(List::DelegationKeyids, index, || {
                d.keys.keys().map(String::as_str)
            })
        })
    })
}

/// The key `delegations.keys` lists as `keyid`. On success `*out` owns a copy (free it with
/// `tuf_key_free`).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, metadata
/// without delegations, or a keyid they do not list.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_get_key(
    md: *const tuf_metadata,
    keyid: *const c_char,
    out: *mut *mut tuf_key,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let t = md_ref(md)?.md.targets()?;
        let keyid = str_arg(keyid, "keyid")?;
        out_arg(out, "out")?;
        let key = t
            .delegations
            .as_ref()
            .and_then(|d| d.keys.get(keyid))
            .ok_or_else(|| {
                invalid(&format!(
                    "delegations have no key {}",
                    crate::error::excerpt(keyid)
                ))
            })?;
        write_key(out, keyid, key);
        Ok(())
    })
}

/// Adds `key` (copied) to `delegations.keys` under its keyid and to the keyids of the
/// delegated role `role`, or of the succinct roles when `role` is NULL, as python-tuf's
/// `Targets.add_key`. Adding a key a role already has does nothing.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md` or `key`, invalid UTF-8,
/// metadata that is not targets, no such role (a name for succinct delegations, NULL for
/// classic ones), or a keyid that already names a different key. Nothing changes on
/// failure.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_add_key(
    md: *mut tuf_metadata,
    role: *const c_char,
    key: *const tuf_key,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = opt_str_arg(role, "role")?;
        let key = handle(key, "key")?;
        let t = md_mut(md)?.targets_mut()?;
        Ok(t.edit_delegations(|d| d.add_key_as(role, &key.keyid, key.key.clone()))?)
    })
}

/// Removes `keyid` from the delegated role `role` (the succinct roles when NULL), and the
/// key from `delegations.keys` when no role uses it any more, as python-tuf's
/// `Targets.revoke_key`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md` or `keyid`, invalid UTF-8,
/// metadata that is not targets, no such role, or a keyid the role does not list.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_revoke_key(
    md: *mut tuf_metadata,
    role: *const c_char,
    keyid: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = opt_str_arg(role, "role")?;
        let keyid = str_arg(keyid, "keyid")?;
        let t = md_mut(md)?.targets_mut()?;
        Ok(t.edit_delegations(|d| d.revoke_key(role, keyid))?)
    })
}

/// Sets the threshold of the delegated role `role` (the succinct roles when NULL).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md`, invalid UTF-8, a threshold
/// of 0, metadata that is not targets, or no such role.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_set_threshold(
    md: *mut tuf_metadata,
    role: *const c_char,
    threshold: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let role = opt_str_arg(role, "role")?;
        let t = md_mut(md)?.targets_mut()?;
        Ok(t.edit_delegations(|d| d.set_threshold(role, threshold))?)
    })
}

/// Delegates to the role `name`, last in priority order, with `threshold`, `terminating`,
/// no keyids yet (add them with `tuf_metadata_delegations_add_key`), and exactly one of:
/// the path patterns `paths` (`paths_count` strings) or the SHA-256 hex prefixes
/// `path_hash_prefixes` (`prefixes_count` strings); the other array must be NULL (with a
/// count of 0). A non-NULL array with a count of 0 is an empty list. Creates `delegations`
/// when the metadata has none.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md` or `name`, invalid UTF-8, an
/// empty or top-level role name, a threshold of 0, both or neither array, a NULL array with
/// a non-zero count, a name already delegated, succinct delegations, or metadata that is not
/// targets. Nothing changes on failure.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn tuf_metadata_delegations_add_role(
    md: *mut tuf_metadata,
    name: *const c_char,
    threshold: u64,
    terminating: bool,
    paths: *const *const c_char,
    paths_count: usize,
    path_hash_prefixes: *const *const c_char,
    prefixes_count: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let name = str_arg(name, "name")?;
        let paths = opt_str_array_arg(paths, paths_count, "paths")?;
        let prefixes = opt_str_array_arg(path_hash_prefixes, prefixes_count, "path_hash_prefixes")?;
        let spec = match (paths, prefixes) {
            (Some(p), None) => PathSpec::Paths(p),
            (None, Some(h)) => PathSpec::HashPrefixes(h),
            _ => {
                return Err(invalid(
                    "exactly one of paths and path_hash_prefixes must be given",
                ))
            }
        };
        let role = DelegatedRole::new(name, threshold, terminating, spec)?;
        let t = md_mut(md)?.targets_mut()?;
        Ok(t.edit_delegations(|d| d.add_role(role))?)
    })
}

/// Removes the delegation to the role `name` (its keys stay in `delegations.keys`).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, metadata
/// that is not targets, or no delegated role of that name.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_remove_role(
    md: *mut tuf_metadata,
    name: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let name = str_arg(name, "name")?;
        let t = md_mut(md)?.targets_mut()?;
        Ok(t.edit_delegations(|d| d.remove_role(name))?)
    })
}

/// How many classic delegated roles there are (0 for succinct delegations, none, or a NULL
/// or non-targets `md`).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_count(md: *const tuf_metadata) -> usize {
    value(0, || match delegations(md) {
        Some((
            _,
            Delegations {
                roles: DelegatedRoles::Roles(r),
                ..
            },
        )) => r.len(),
        _ => 0,
    })
}

/// The name of delegated role `index` (in priority order), borrowed from `md` (see
/// `tuf_metadata`); NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_name(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        role(md, index).map_or(std::ptr::null(), |(m, r)| m.lent.str(&r.name))
    })
}

/// The threshold of delegated role `index` (0 if out of range).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_threshold(
    md: *const tuf_metadata,
    index: usize,
) -> u64 {
    value(0, || role(md, index).map_or(0, |(_, r)| r.threshold))
}

/// Whether delegated role `index` is terminating (false if out of range).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_terminating(
    md: *const tuf_metadata,
    index: usize,
) -> bool {
    value(false, || {
        role(md, index).is_some_and(|(_, r)| r.terminating)
    })
}

/// How many keyids delegated role `index` has (0 if out of range).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_keyid_count(
    md: *const tuf_metadata,
    index: usize,
) -> usize {
    value(0, || role(md, index).map_or(0, |(_, r)| r.keyids.len()))
}

/// Keyid `keyid_index` of delegated role `index`, borrowed from `md` (see `tuf_metadata`);
/// NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_keyid_at(
    md: *const tuf_metadata,
    index: usize,
    keyid_index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        role(md, index)
            .and_then(|(m, r)| r.keyids.get(keyid_index).map(|k| m.lent.str(k)))
            .unwrap_or(std::ptr::null())
    })
}

/// Whether delegated role `index` is given `path_hash_prefixes` rather than `paths` (false
/// if out of range).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_uses_hash_prefixes(
    md: *const tuf_metadata,
    index: usize,
) -> bool {
    value(false, || {
        role(md, index).is_some_and(|(_, r)| matches!(r.paths, PathSpec::HashPrefixes(_)))
    })
}

fn patterns(r: &DelegatedRole, hash_prefixes: bool) -> Option<&[String]> {
    match (&r.paths, hash_prefixes) {
        (PathSpec::Paths(p), false) | (PathSpec::HashPrefixes(p), true) => Some(p),
        _ => None,
    }
}

/// How many `paths` patterns delegated role `index` has (0 if it has `path_hash_prefixes`,
/// or out of range).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_path_count(
    md: *const tuf_metadata,
    index: usize,
) -> usize {
    value(0, || {
        role(md, index)
            .and_then(|(_, r)| patterns(r, false))
            .map_or(0, <[String]>::len)
    })
}

/// `paths` pattern `path_index` of delegated role `index`, borrowed from `md` (see
/// `tuf_metadata`); NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_path_at(
    md: *const tuf_metadata,
    index: usize,
    path_index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        role(md, index)
            .and_then(|(m, r)| Some(m.lent.str(patterns(r, false)?.get(path_index)?)))
            .unwrap_or(std::ptr::null())
    })
}

/// How many `path_hash_prefixes` delegated role `index` has (0 if it has `paths`, or out of
/// range).
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_hash_prefix_count(
    md: *const tuf_metadata,
    index: usize,
) -> usize {
    value(0, || {
        role(md, index)
            .and_then(|(_, r)| patterns(r, true))
            .map_or(0, <[String]>::len)
    })
}

/// Hash prefix `prefix_index` of delegated role `index`, borrowed from `md` (see
/// `tuf_metadata`); NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegated_role_hash_prefix_at(
    md: *const tuf_metadata,
    index: usize,
    prefix_index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        role(md, index)
            .and_then(|(m, r)| Some(m.lent.str(patterns(r, true)?.get(prefix_index)?)))
            .unwrap_or(std::ptr::null())
    })
}

/// Delegates to TAP 15 succinct hash bins: 2^`bit_length` roles (`bit_length` 1 to 32) named
/// `NAME_PREFIX-HEX`, sharing keyids (add them with `tuf_metadata_delegations_add_key` and a
/// NULL role) and `threshold`. Creates `delegations` when the metadata has none; when they
/// already are succinct, their keyids are kept.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md` or `name_prefix`, invalid
/// UTF-8, a `bit_length` outside 1 to 32, a threshold of 0, classic roles already delegated
/// (remove them first), or metadata that is not targets. Nothing changes on failure.
#[no_mangle]
pub extern "C" fn tuf_metadata_delegations_set_succinct(
    md: *mut tuf_metadata,
    bit_length: u32,
    name_prefix: *const c_char,
    threshold: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let prefix = str_arg(name_prefix, "name_prefix")?;
        let bins = SuccinctBins::new(u64::from(bit_length), prefix)
            .map_err(|e| invalid(&e.to_string()))?;
        let t = md_mut(md)?.targets_mut()?;
        Ok(t.edit_delegations(|d| d.set_succinct(bins, threshold))?)
    })
}

/// The `bit_length` of succinct delegations (0 if there are none).
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_bit_length(md: *const tuf_metadata) -> u32 {
    value(0, || {
        succinct(md).map_or(0, |(_, s)| u32::from(s.bins.bit_length()))
    })
}

/// The `name_prefix` of succinct delegations, borrowed from `md` (see `tuf_metadata`); NULL
/// if there are none.
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_name_prefix(md: *const tuf_metadata) -> *const c_char {
    value(std::ptr::null(), || {
        succinct(md).map_or(std::ptr::null(), |(m, s)| m.lent.str(s.bins.name_prefix()))
    })
}

/// The threshold of succinct delegations (0 if there are none).
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_threshold(md: *const tuf_metadata) -> u64 {
    value(0, || succinct(md).map_or(0, |(_, s)| s.threshold))
}

/// How many keyids succinct delegations have (0 if there are none).
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_keyid_count(md: *const tuf_metadata) -> usize {
    value(0, || succinct(md).map_or(0, |(_, s)| s.keyids.len()))
}

/// Keyid `index` of succinct delegations, borrowed from `md` (see `tuf_metadata`); NULL if
/// out of range or there are none.
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_keyid_at(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        succinct(md)
            .and_then(|(m, s)| s.keyids.get(index).map(|k| m.lent.str(k)))
            .unwrap_or(std::ptr::null())
    })
}

/// How many bins succinct delegations have: 2^bit_length (0 if there are none).
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_bin_count(md: *const tuf_metadata) -> u64 {
    value(0, || {
        succinct(md).map_or(0, |(_, s)| s.bins.number_of_bins())
    })
}

/// The name of bin `index` (below `tuf_metadata_succinct_bin_count`), e.g. "bins-0a". On
/// success `*out` owns the string; free it with `tuf_string_free`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, metadata without succinct
/// delegations, or an index out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_bin_name(
    md: *const tuf_metadata,
    index: u64,
    out: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        md_ref(md)?;
        out_arg(out, "out")?;
        let (_, s) = succinct(md).ok_or_else(no_succinct)?;
        let index = u32::try_from(index)
            .ok()
            .filter(|i| u64::from(*i) < s.bins.number_of_bins())
            .ok_or_else(|| invalid(&format!("bin {index} is out of range")))?;
        super::args::write_out(out, owned_string(&s.bins.bin_name(index)));
        Ok(())
    })
}

/// The name of the bin that lists the target `target_path`: the first `bit_length` bits of
/// the SHA-256 of the path (TAP 15). On success `*out` owns the string; free it with
/// `tuf_string_free`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, or
/// metadata without succinct delegations.
#[no_mangle]
pub extern "C" fn tuf_metadata_succinct_bin_for_target(
    md: *const tuf_metadata,
    target_path: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        md_ref(md)?;
        let path = str_arg(target_path, "target_path")?;
        out_arg(out, "out")?;
        let (_, s) = succinct(md).ok_or_else(no_succinct)?;
        super::args::write_out(out, owned_string(&s.bins.bin_for_target(path)));
        Ok(())
    })
}
