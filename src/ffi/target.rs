//! `tuf_target_info`: a target found in trusted metadata.

use std::ffi::{c_char, CString};

use super::args::{bytes_arg, c_string as c, free_handle, handle};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result, TUF_ERR_TARGET_NOT_FOUND};
use crate::verify::TargetInfo;

/// A target described by trusted metadata: path, length, hashes, custom data, and the role
/// that listed it. Returned by `tuf_updater_get_target_info` and `tuf_verifier_find_target`,
/// freed with `tuf_target_info_free`. Immutable: may be read from any thread. Strings it
/// returns are valid until it is freed.
pub struct tuf_target_info {
    pub(crate) info: TargetInfo,
    path: CString,
    role: CString,
    hashes: Vec<(CString, CString)>,
    custom: Option<CString>,
}

impl tuf_target_info {
    pub(crate) fn new(info: TargetInfo) -> tuf_target_info {
        tuf_target_info {
            path: c(&info.path),
            role: c(&info.role),
            hashes: info
                .target
                .hashes
                .iter()
                .map(|(a, d)| (c(a), c(&d)))
                .collect(),
            custom: info.target.custom().map(|v| c(&v.to_json_string())),
            info,
        }
    }

    /// A new handle on `info`, owned by the caller (freed with `tuf_target_info_free`).
    pub(crate) fn new_raw(info: TargetInfo) -> *mut tuf_target_info {
        Box::into_raw(Box::new(tuf_target_info::new(info)))
    }
}

/// What a lookup of `path` answered, as the C functions report it: the target's info, or
/// `TUF_ERR_TARGET_NOT_FOUND` naming `path` when no trusted role lists it.
pub(crate) fn found(info: Option<TargetInfo>, path: &str) -> Result<TargetInfo, tuf_error> {
    info.ok_or_else(|| {
        tuf_error::new(
            TUF_ERR_TARGET_NOT_FOUND,
            &format!("target not found: {path}"),
        )
    })
}

fn get<'a>(info: *const tuf_target_info) -> Option<&'a tuf_target_info> {
    super::args::handle(info, "info").ok()
}

/// The target path (NULL if `info` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_info_path(info: *const tuf_target_info) -> *const c_char {
    value(std::ptr::null(), || {
        get(info).map_or(std::ptr::null(), |i| i.path.as_ptr())
    })
}

/// The role whose metadata lists the target (NULL if `info` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_info_role(info: *const tuf_target_info) -> *const c_char {
    value(std::ptr::null(), || {
        get(info).map_or(std::ptr::null(), |i| i.role.as_ptr())
    })
}

/// The target's length in bytes (0 if `info` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_info_length(info: *const tuf_target_info) -> u64 {
    value(0, || get(info).map_or(0, |i| i.info.target.length))
}

/// How many hashes the metadata lists (at least 1; 0 if `info` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_info_hash_count(info: *const tuf_target_info) -> usize {
    value(0, || get(info).map_or(0, |i| i.hashes.len()))
}

/// The algorithm name of hash `index` (e.g. "sha256"), or NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_target_info_hash_algorithm(
    info: *const tuf_target_info,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        get(info)
            .and_then(|i| i.hashes.get(index))
            .map_or(std::ptr::null(), |h| h.0.as_ptr())
    })
}

/// The hex digest of hash `index`, or NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_target_info_hash_hex(
    info: *const tuf_target_info,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        get(info)
            .and_then(|i| i.hashes.get(index))
            .map_or(std::ptr::null(), |h| h.1.as_ptr())
    })
}

/// The target's `custom` data as compact JSON, or NULL if it has none.
#[no_mangle]
pub extern "C" fn tuf_target_info_custom_json(info: *const tuf_target_info) -> *const c_char {
    value(std::ptr::null(), || {
        get(info)
            .and_then(|i| i.custom.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Frees a target info. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_target_info_free(info: *mut tuf_target_info) {
    value((), || free_handle(info))
}

/// Checks `len` bytes at `data` (NULL only when `len` is 0) against the target's length and
/// every hash (spec 5.7.3), e.g. a target received another way than through libtuf.
/// `TUF_OK` when they match; `TUF_ERR_LENGTH_OR_HASH_MISMATCH` when not;
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments. Works with a target info from the updater or
/// the verifier; any thread.
#[no_mangle]
pub extern "C" fn tuf_target_info_verify_bytes(
    info: *const tuf_target_info,
    data: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let info = handle(info, "info")?;
        let data = bytes_arg(data, len, "data")?;
        info.info.target.verify(&info.info.path, data)?;
        Ok(())
    })
}
