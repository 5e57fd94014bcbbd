//! The `meta` entries of timestamp and snapshot metadata in a `tuf_metadata`: the version,
//! and optionally the length and hashes, of `snapshot.json` (timestamp) or of each targets
//! metadata file (snapshot), as python-tuf's `MetaFile`.

use std::ffi::c_char;

use super::args::{bytes_arg, invalid, opt_str_arg, str_arg, write_out};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result};
use super::metadata::{md_mut, md_ref, tuf_metadata};
use super::strings::List;
use crate::metadata::{Hashes, MetaFile};

/// The entry `name` of `md`, with the handle, for getters.
fn entry<'a>(
    md: *const tuf_metadata,
    name: *const c_char,
) -> Option<(&'a tuf_metadata, &'a MetaFile)> {
    let m = md_ref(md).ok()?;
    let name = str_arg(name, "name").ok()?;
    Some((m, m.md.meta_entry(name)?))
}

/// Hash `index` of the entry `name`: `(algorithm, hex digest)`.
fn hash<'a>(
    md: *const tuf_metadata,
    name: *const c_char,
    index: usize,
) -> Option<(&'a tuf_metadata, String, String)> {
    let (m, e) = entry(md, name)?;
    let (alg, hex) = e.hashes.as_ref()?.iter().nth(index)?;
    Some((m, alg.to_string(), hex.into_owned()))
}

/// How many `meta` entries the metadata has: 1 for a timestamp (`snapshot.json`), one per
/// targets metadata file for a snapshot, 0 for other metadata or a NULL `md`.
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_count(md: *const tuf_metadata) -> usize {
    value(0, || md_ref(md).map_or(0, |m| m.md.meta().len()))
}

/// The name of `meta` entry `index` (e.g. "targets.json", "ROLE.json"), in code-point
/// order, borrowed from `md` (see `tuf_metadata`); NULL if `md` is NULL or `index` is out of
/// range.
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_name_at(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        md_ref(md).map_or(std::ptr::null(), |m| {
            m.lent.list_item(List::MetaNames, index, || {
                m.md.meta().into_iter().map(|(n, _)| n)
            })
        })
    })
}

/// Reads the `meta` entry `name`: `*version`; and, when `has_length` and `length` are not
/// NULL, whether it lists a length (`*has_length`) and the length (`*length`, 0 when none).
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md`, `name` or `version`, invalid
/// UTF-8, or no entry of that name (also for root and targets metadata).
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_get(
    md: *const tuf_metadata,
    name: *const c_char,
    version: *mut u64,
    has_length: *mut bool,
    length: *mut u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let m = md_ref(md)?;
        let name = str_arg(name, "name")?;
        super::args::out_arg(version, "version")?;
        let e = m.md.meta_entry(name).ok_or_else(|| {
            invalid(&format!(
                "no meta entry {} in this {} metadata",
                crate::error::excerpt(name),
                m.md.role_type().as_str()
            ))
        })?;
        write_out(version, e.version);
        if !has_length.is_null() {
            write_out(has_length, e.length.is_some());
        }
        if !length.is_null() {
            write_out(length, e.length.unwrap_or(0));
        }
        Ok(())
    })
}

/// How many hashes the `meta` entry `name` lists (0 when it has none, or for a NULL
/// argument or no such entry).
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_hash_count(
    md: *const tuf_metadata,
    name: *const c_char,
) -> usize {
    value(0, || {
        entry(md, name)
            .and_then(|(_, e)| e.hashes.as_ref().map(|h| h.iter().count()))
            .unwrap_or(0)
    })
}

/// The algorithm (e.g. "sha256") of hash `index` of the `meta` entry `name`, in file order,
/// borrowed from `md` (see `tuf_metadata`); NULL if out of range or no such entry.
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_hash_algorithm(
    md: *const tuf_metadata,
    name: *const c_char,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        hash(md, name, index).map_or(std::ptr::null(), |(m, alg, _)| m.lent.str(&alg))
    })
}

/// The hex digest of hash `index` of the `meta` entry `name`, borrowed from `md` (see
/// `tuf_metadata`); NULL if out of range or no such entry.
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_hash_hex(
    md: *const tuf_metadata,
    name: *const c_char,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        hash(md, name, index).map_or(std::ptr::null(), |(m, _, hex)| m.lent.str(&hex))
    })
}

/// Adds or replaces (with its unknown fields) the `meta` entry `name`: `version`, the length
/// `*length` unless `length` is NULL, and the hashes `hashes_json` (a JSON object such as
/// `{"sha256": "HEX"}`) unless it is NULL. A timestamp has only "snapshot.json"; a snapshot
/// lists "targets.json" and "ROLE.json" for every delegated role.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `md` or `name`, invalid UTF-8, a
/// `version` of 0, hashes that are not a non-empty object of hex strings, a name other than
/// "snapshot.json" in a timestamp, an empty name, or root or targets metadata.
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_set(
    md: *mut tuf_metadata,
    name: *const c_char,
    version: u64,
    length: *const u64,
    hashes_json: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let name = str_arg(name, "name")?;
        let hashes = match opt_str_arg(hashes_json, "hashes_json")? {
            Some(json) => Some(
                Hashes::from_json(json.as_bytes())
                    .map_err(|e| invalid(&format!("hashes_json: {e}")))?,
            ),
            None => None,
        };
        // SAFETY: NULL or a readable uint64_t (caller contract).
        let length = unsafe { length.as_ref() }.copied();
        let entry = MetaFile {
            version,
            length,
            hashes,
            extra: Default::default(),
        };
        Ok(md_mut(md)?.set_meta(name, entry)?)
    })
}

/// Adds or replaces the `meta` entry `name` with `version` and the length and SHA-256 of
/// `data` (`len` bytes: the file exactly as published), as python-tuf's `MetaFile.from_data`.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` as `tuf_metadata_meta_set`, and for a NULL
/// `data` with a non-zero `len`.
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_set_from_bytes(
    md: *mut tuf_metadata,
    name: *const c_char,
    version: u64,
    data: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let name = str_arg(name, "name")?;
        let data = bytes_arg(data, len, "data")?;
        Ok(md_mut(md)?.set_meta(name, MetaFile::with_hashes(version, data))?)
    })
}

/// Removes the `meta` entry `name` of a snapshot.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, no entry
/// of that name, or metadata other than a snapshot (a timestamp keeps its one entry).
#[no_mangle]
pub extern "C" fn tuf_metadata_meta_remove(
    md: *mut tuf_metadata,
    name: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let name = str_arg(name, "name")?;
        Ok(md_mut(md)?.remove_meta(name)?)
    })
}
