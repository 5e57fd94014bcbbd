//! The target entries of targets metadata in a `tuf_metadata` (python-tuf's
//! `Targets.targets`).

use std::ffi::c_char;

use super::args::{handle, out_arg, str_arg, write_out};
use super::boundary::{run, value};
use super::error::{tuf_error, tuf_result, TUF_ERR_TARGET_NOT_FOUND};
use super::metadata::{md_mut, md_ref, tuf_metadata};
use super::strings::List;
use super::target_file::tuf_target_file;

fn not_found(path: &str) -> tuf_error {
    tuf_error::new(
        TUF_ERR_TARGET_NOT_FOUND,
        &format!("target not found: {}", crate::error::excerpt(path)),
    )
}

/// How many targets the metadata lists (0 if `md` is NULL or not targets metadata).
#[no_mangle]
pub extern "C" fn tuf_metadata_targets_count(md: *const tuf_metadata) -> usize {
    value(0, || {
        md_ref(md)
            .ok()
            .and_then(|m| m.md.targets().ok())
            .map_or(0, |t| t.targets.len())
    })
}

/// The path of target `index`, in code-point order, borrowed from `md` (see `tuf_metadata`);
/// NULL if `md` is NULL or not targets metadata, or `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_metadata_targets_path_at(
    md: *const tuf_metadata,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        let Ok(m) = md_ref(md) else {
            return std::ptr::null();
        };
        let Ok(t) = m.md.targets() else {
            return std::ptr::null();
        };
        m.lent.list_item(List::TargetPaths, index, || {
            t.targets.keys().map(String::as_str)
        })
    })
}

/// The entry of target `path` (exact match). On success `*out` owns a copy (free it with
/// `tuf_target_file_free`).
///
/// Returns `TUF_OK`; `TUF_ERR_TARGET_NOT_FOUND` if the metadata does not list `path`;
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, or metadata that is not
/// targets metadata.
#[no_mangle]
pub extern "C" fn tuf_metadata_targets_get(
    md: *const tuf_metadata,
    path: *const c_char,
    out: *mut *mut tuf_target_file,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let t = md_ref(md)?.md.targets()?;
        let path = str_arg(path, "path")?;
        out_arg(out, "out")?;
        let target = t.targets.get(path).ok_or_else(|| not_found(path))?;
        let tf = tuf_target_file::new(path, target.clone());
        write_out(out, Box::into_raw(Box::new(tf)));
        Ok(())
    })
}

/// Adds the entry `target` (copied, under its path), replacing any entry of the same path.
///
/// Returns `TUF_OK`; `TUF_ERR_INVALID_ARGUMENT` for NULL arguments or metadata that is not
/// targets metadata.
#[no_mangle]
pub extern "C" fn tuf_metadata_targets_add(
    md: *mut tuf_metadata,
    target: *const tuf_target_file,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let tf = handle(target, "target")?;
        let t = md_mut(md)?.targets_mut()?;
        t.targets.insert(tf.path.clone(), tf.target.clone());
        Ok(())
    })
}

/// Removes the entry of target `path`.
///
/// Returns `TUF_OK`; `TUF_ERR_TARGET_NOT_FOUND` if the metadata does not list `path`;
/// `TUF_ERR_INVALID_ARGUMENT` for NULL arguments, invalid UTF-8, or metadata that is not
/// targets metadata.
#[no_mangle]
pub extern "C" fn tuf_metadata_targets_remove(
    md: *mut tuf_metadata,
    path: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(path, "path")?;
        let t = md_mut(md)?.targets_mut()?;
        match t.targets.remove(path) {
            Some(_) => Ok(()),
            None => Err(not_found(path)),
        }
    })
}
