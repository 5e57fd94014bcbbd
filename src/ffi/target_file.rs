//! `tuf_target_file`: a target entry of targets metadata (path, length, hashes, custom), to
//! build and inspect before adding it to metadata, as python-tuf's `TargetFile`.

use std::ffi::{c_char, CString};

use super::args::{
    bytes_arg, c_string, free_handle, handle, handle_mut, invalid, opt_str_arg, out_arg, str_arg,
    write_out,
};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result};
use crate::crypto::HashAlgorithm;
use crate::json::Value;
use crate::metadata::{Hashes, TargetFile};

/// The hashes libtuf computes for a new target entry: SHA-256 and SHA-512.
const ALGORITHMS: [HashAlgorithm; 2] = [HashAlgorithm::Sha256, HashAlgorithm::Sha512];

/// A target entry: the target path (as clients ask for it) and its `length`, `hashes` and
/// optional `custom` data (and any unknown fields). Made by `tuf_target_file_new`,
/// `tuf_target_file_from_bytes`, `tuf_target_file_from_file` or `tuf_metadata_targets_get`,
/// added to metadata (copied) by `tuf_metadata_targets_add`, freed with
/// `tuf_target_file_free`. Use from one thread at a time. Strings it returns are valid until
/// it is changed (`tuf_target_file_set_custom`) or freed.
pub struct tuf_target_file {
    pub(crate) path: String,
    pub(crate) target: TargetFile,
    c_path: CString,
    c_hashes: Vec<(CString, CString)>,
    c_custom: Option<CString>,
}

impl tuf_target_file {
    pub(crate) fn new(path: &str, target: TargetFile) -> tuf_target_file {
        let mut t = tuf_target_file {
            path: path.to_string(),
            c_path: c_string(path),
            c_hashes: target
                .hashes
                .iter()
                .map(|(a, d)| (c_string(a), c_string(&d)))
                .collect(),
            c_custom: None,
            target,
        };
        t.refresh_custom();
        t
    }

    fn refresh_custom(&mut self) {
        self.c_custom = self.target.custom().map(|v| c_string(&v.to_json_string()));
    }
}

fn new_handle(path: &str, target: TargetFile) -> *mut tuf_target_file {
    Box::into_raw(Box::new(tuf_target_file::new(path, target)))
}

fn get<'a>(tf: *const tuf_target_file) -> Option<&'a tuf_target_file> {
    handle(tf, "target").ok()
}

/// Makes a target entry for `path` with `length` and the hashes `hashes_json`, a JSON object
/// of algorithm to hex digest such as `{"sha256": "HEX"}`. On success `*out` owns it.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, or hashes
/// that are not a non-empty object of hex strings.
#[no_mangle]
pub extern "C" fn tuf_target_file_new(
    path: *const c_char,
    length: u64,
    hashes_json: *const c_char,
    out: *mut *mut tuf_target_file,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(path, "path")?;
        let json = str_arg(hashes_json, "hashes_json")?;
        out_arg(out, "out")?;
        let hashes = Hashes::from_json(json.as_bytes())
            .map_err(|e| invalid(&format!("hashes_json: {e}")))?;
        let target = TargetFile {
            length,
            hashes,
            extra: Default::default(),
        };
        write_out(out, new_handle(path, target));
        Ok(())
    })
}

/// Makes the target entry of `path` for the content `data` (`len` bytes): its length, SHA-256
/// and SHA-512. On success `*out` owns it.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `path` or `out`, invalid UTF-8, or
/// a NULL `data` with a non-zero `len`.
#[no_mangle]
pub extern "C" fn tuf_target_file_from_bytes(
    path: *const c_char,
    data: *const u8,
    len: usize,
    out: *mut *mut tuf_target_file,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(path, "path")?;
        let data = bytes_arg(data, len, "data")?;
        out_arg(out, "out")?;
        write_out(
            out,
            new_handle(path, TargetFile::from_data_with(data, &ALGORITHMS)?),
        );
        Ok(())
    })
}

/// Makes the target entry of `path` for the content of the local file `local_path`, read in
/// pieces (never held in memory whole): its length, SHA-256 and SHA-512. On success `*out`
/// owns it.
///
/// Returns `TUF_OK`; `TUF_ERR_IO` if the file cannot be opened or read or is not a regular
/// file (a directory, a device, a FIFO);
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments or invalid UTF-8.
#[no_mangle]
pub extern "C" fn tuf_target_file_from_file(
    path: *const c_char,
    local_path: *const c_char,
    out: *mut *mut tuf_target_file,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(path, "path")?;
        let local = str_arg(local_path, "local_path")?;
        out_arg(out, "out")?;
        let target = TargetFile::from_file(std::path::Path::new(local), &ALGORITHMS)?;
        write_out(out, new_handle(path, target));
        Ok(())
    })
}

/// Frees a target entry. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_target_file_free(target: *mut tuf_target_file) {
    value((), || free_handle(target))
}

/// The target path (NULL if `target` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_file_path(target: *const tuf_target_file) -> *const c_char {
    value(std::ptr::null(), || {
        get(target).map_or(std::ptr::null(), |t| t.c_path.as_ptr())
    })
}

/// The length in bytes (0 if `target` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_file_length(target: *const tuf_target_file) -> u64 {
    value(0, || get(target).map_or(0, |t| t.target.length))
}

/// How many hashes the entry lists (at least 1; 0 if `target` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_file_hash_count(target: *const tuf_target_file) -> usize {
    value(0, || get(target).map_or(0, |t| t.c_hashes.len()))
}

/// The algorithm name of hash `index` (e.g. "sha256"), in file order; NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_target_file_hash_algorithm(
    target: *const tuf_target_file,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        get(target)
            .and_then(|t| t.c_hashes.get(index))
            .map_or(std::ptr::null(), |h| h.0.as_ptr())
    })
}

/// The hex digest of hash `index`; NULL if out of range.
#[no_mangle]
pub extern "C" fn tuf_target_file_hash_hex(
    target: *const tuf_target_file,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        get(target)
            .and_then(|t| t.c_hashes.get(index))
            .map_or(std::ptr::null(), |h| h.1.as_ptr())
    })
}

/// The `custom` data as compact JSON, or NULL if there is none (or `target` is NULL).
#[no_mangle]
pub extern "C" fn tuf_target_file_custom_json(target: *const tuf_target_file) -> *const c_char {
    value(std::ptr::null(), || {
        get(target)
            .and_then(|t| t.c_custom.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Sets the `custom` data to the JSON value `json` (any JSON value; an object by
/// convention), or removes it when `json` is NULL.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for a NULL `target`, invalid UTF-8 or `json`
/// that is not strict JSON (no duplicate keys, no floats). Nothing changes on failure.
#[no_mangle]
pub extern "C" fn tuf_target_file_set_custom(
    target: *mut tuf_target_file,
    json: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let t = handle_mut(target, "target")?;
        let custom = match opt_str_arg(json, "json")? {
            Some(text) => {
                Some(Value::parse(text.as_bytes()).map_err(|e| invalid(&format!("json: {e}")))?)
            }
            None => None,
        };
        t.target.set_custom(custom);
        t.refresh_custom();
        Ok(())
    })
}
