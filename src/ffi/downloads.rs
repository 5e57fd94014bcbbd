//! Parallel and resumable target downloads: `tuf_updater_download_targets`,
//! `tuf_updater_download_target_paths` (looked up and downloaded in one call) and the
//! settings `tuf_updater_config_set_max_connections` and `tuf_updater_config_set_resume`.

use std::ffi::c_char;
use std::path::Path;

use super::args::{self, handle, opt_str_arg, opt_str_array_arg, owned_string, put, write_entries};
use super::boundary::run;
use super::config::{tuf_updater_config, update_settings};
use super::error::{tuf_error, tuf_result};
use super::target::{found, tuf_target_info};
use super::updater::{tuf_updater, with_updater};
use crate::updater::TargetInfo;

/// Sets the most connections `tuf_updater_download_targets`, the fetching ahead of
/// `tuf_updater_get_target_infos`, and a refresh fetching root versions ahead once it found a
/// new one (each still verified and stored in order; 1: one root version at a time) use at
/// once (default 6; 1 to 64; `TUF_ERR_INVALID_ARGUMENT` otherwise, and the setting is
/// unchanged). Over HTTP/2 (HTTPS servers that offer it) the transfers share connections.
/// Without a fetch callback, an updater keeps its connections (and TLS sessions) from one
/// call to the next: those a refresh opened carry the lookups and downloads after it, which
/// open new ones only to run more transfers at once; idle ones close when the updater is
/// freed, or when the server closes them. Applies to updaters created from this
/// configuration afterwards.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_max_connections(
    config: *mut tuf_updater_config,
    value: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.max_connections = usize::try_from(value).map_err(|_| args::invalid("too large"))?;
        Ok(())
    })
}

/// Sets whether interrupted target downloads are resumed (default true). When true, a
/// target download that stops before its end (a broken connection, a cancellation by the
/// progress callback, the deadline) keeps what arrived in a partial file beside the
/// destination, named `.NAME.ID.partial` (`NAME` the destination's file name, `ID` 16 hex
/// digits naming the target's length and hashes, so a partial file of another version of the
/// target is never continued). The next download of the same target, by any updater of any
/// process, hashes what the file holds, asks the server only for the rest (an HTTP `Range`
/// request; a fetch callback is simply called for the whole file) and verifies the length and
/// every hash over the whole file before it is renamed into place: nothing unverified is ever
/// at the destination. A server that sends the whole file instead, or another range, makes
/// the download start over; a partial file that is longer than the target, or whose bytes do
/// not verify, is removed. A partial file is used only if it is a regular file of the user
/// running the process (a link in its place is removed, never followed), and only by one
/// download at a time (a second one meanwhile writes a temporary file of its own). When
/// false, a failed download leaves nothing behind and every download starts from the
/// beginning.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_resume(
    config: *mut tuf_updater_config,
    value: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.resume_downloads = value;
        Ok(())
    })
}

/// The `count` target infos of `infos`.
fn infos_arg(
    infos: *const *const tuf_target_info,
    count: usize,
) -> Result<Vec<TargetInfo>, tuf_error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if infos.is_null() {
        return Err(args::invalid("infos is NULL"));
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const tuf_target_info>() {
        return Err(args::invalid("count is too large"));
    }
    // SAFETY: `infos` is non-NULL and points to `count` readable pointers that outlive the
    // call (caller contract); the byte size fits in isize.
    let ptrs = unsafe { std::slice::from_raw_parts(infos, count) };
    ptrs.iter()
        .enumerate()
        .map(|(i, p)| handle(*p, &format!("infos[{i}]")).map(|t| t.info.clone()))
        .collect()
}

/// Downloads the `count` targets of `infos` at once (spec 5.7), each into `target_dir` (NULL:
/// the configured targets directory) under its local name (the percent-encoded target path,
/// as `tuf_updater_download_target` with a NULL `filepath`), from `target_base_url` (NULL:
/// the configured one).
///
/// - Targets whose file is already in the directory with the right length and hashes are not
///   downloaded again (`tuf_updater_find_cached_target`): they succeed at once.
/// - The others are downloaded in parallel over at most `tuf_updater_config_set_max_connections`
///   connections (default 6), sharing connections over HTTP/2 where the server offers it. Each
///   transfer has every protection of `tuf_updater_download_target`: the length limit while
///   receiving, every hash verified over the whole file before it is renamed into place,
///   redirects only to http and https with custom headers kept off other origins, the CA,
///   client certificate and proxy settings, the minimum speed and the deadline of every
///   transfer. Interrupted downloads are resumed as `tuf_updater_config_set_resume` says.
///   A target whose transfer failed for a transient reason while retries are configured
///   (`tuf_updater_config_set_retries`) is then downloaded again on its own.
/// - With a fetch callback (`tuf_updater_config_set_fetcher`), the targets are downloaded one
///   after the other through it.
/// - Progress: the configuration's transfer progress callback
///   (`tuf_updater_config_set_progress_callback`) is told of every transfer with its URL, the
///   position counted in the whole file (a resumed download starts where its partial file
///   ends); a non-zero return cancels every transfer still running or waiting, which then
///   fail with `TUF_ERR_CANCELLED` (their partial files are kept for the next download).
///   The updater's `tuf_updater_set_progress_callback` is not called.
///
/// `infos`: an array of `count` non-NULL target infos, read during the call only (may be NULL
/// when `count` is 0). The outputs, each optional (NULL: not wanted), are arrays of `count`
/// entries that the caller owns, written for every target in order once the downloads ran:
/// - `results[i]`: `TUF_OK` or the error code of target `i`;
/// - `errors[i]`: NULL, or a new `tuf_error` for a failed target (free each with
///   `tuf_error_free`); entries are overwritten without being read;
/// - `paths[i]`: the path of target `i`'s verified file as an owned string (free with
///   `tuf_string_free`), or NULL when it failed.
///
/// Returns `TUF_OK` when every target is in place; otherwise the code of the first target (in
/// the order of `infos`) that failed, with `*err` naming it and the number of failures (the
/// output arrays are written all the same). When the call fails before downloading
/// (`TUF_ERR_INVALID_ARGUMENT` for a NULL updater, NULL `infos` with a non-zero `count`, a
/// NULL entry or a string that is not UTF-8; `TUF_ERR_STATE` when the updater is in a call),
/// nothing is written to the arrays. One failure stops no other download.
///
/// Thread and callbacks: as `tuf_updater_download_target`; every callback runs on the calling
/// thread, never while a libcurl transfer callback runs.
#[no_mangle]
pub extern "C" fn tuf_updater_download_targets(
    updater: *mut tuf_updater,
    infos: *const *const tuf_target_info,
    count: usize,
    target_dir: *const c_char,
    target_base_url: *const c_char,
    results: *mut tuf_result,
    errors: *mut *mut tuf_error,
    paths: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let list = infos_arg(infos, count)?;
        let dir = opt_str_arg(target_dir, "target_dir")?;
        let base = opt_str_arg(target_base_url, "target_base_url")?;
        let outcomes = with_updater(updater, |u| {
            Ok(u.inner.download_targets(&list, dir.map(Path::new), base))
        })?;
        let outcomes = outcomes
            .into_iter()
            .map(|o| o.map_err(tuf_error::from))
            .collect();
        // SAFETY: each array is NULL or has `count` writable entries (caller contract).
        unsafe {
            write_entries(
                outcomes,
                results,
                errors,
                "failed",
                |i| list[i].path.clone(),
                |i, path| {
                    if !paths.is_null() {
                        let path = path
                            .map_or(std::ptr::null_mut(), |p| owned_string(&p.to_string_lossy()));
                        put(paths, i, path);
                    }
                },
            )
        }
    })
}

/// Looks up the `count` paths of `target_paths` (spec 5.7.1-5.7.2) and, when every one was
/// found, downloads them all at once (5.7.3-5.7.4): `tuf_updater_get_target_infos` then
/// `tuf_updater_download_targets` in one call, each with everything its documentation says
/// (delegated metadata fetched ahead, several roles at once, each verified before it is
/// trusted; targets already in place not downloaded again; every protection of a single
/// download; resumption; the progress callback and cancellation). Files go into
/// `target_dir` (NULL: the configured targets directory) under their local names, from
/// `target_base_url` (NULL: the configured one). Refreshes first if the updater has not.
///
/// When a path is not found or its lookup fails, nothing is downloaded: the paths are a set
/// of files the repository must list, all of them. (For the targets found, call
/// `tuf_updater_get_target_infos` and `tuf_updater_download_targets`: the roles this call
/// fetched are trusted and cached by then, and are not fetched again.)
///
/// What differs from the two calls: the delegated roles fetched ahead are written to the
/// metadata cache while the targets' files are created (on a helper thread, which calls no
/// callback), before any target transfer starts, instead of before the lookups end; without
/// downloads, before the call returns. Until then their bytes stay in memory, each within the
/// length the snapshot gives it.
///
/// `target_paths`: an array of `count` non-NULL UTF-8 strings, read during the call only (may
/// be NULL when `count` is 0). The outputs, each optional (NULL: not wanted), are arrays of
/// `count` entries that the caller owns, written for every path in order; entries are
/// overwritten without being read:
/// - `infos[i]`: a new target info (free with `tuf_target_info_free`) when path `i` was
///   found, else NULL;
/// - `results[i]`: `TUF_OK` when target `i` was downloaded, or was found but nothing was
///   downloaded because another path was not; `TUF_ERR_TARGET_NOT_FOUND` when no trusted
///   role lists it; otherwise the error code of its lookup or of its download;
/// - `errors[i]`: NULL, or a new `tuf_error` (free each with `tuf_error_free`) when
///   `results[i]` is not `TUF_OK`;
/// - `paths[i]`: the path of target `i`'s verified file as an owned string (free with
///   `tuf_string_free`), or NULL when it was not downloaded.
///
/// Returns `TUF_OK` when every target is in place; otherwise the code of the first path (in
/// the order of `target_paths`) that was not found or failed, with `*err` naming it and the
/// number of failures (the output arrays are written all the same). When the call fails
/// before looking up or downloading (`TUF_ERR_INVALID_ARGUMENT` for a NULL updater, NULL
/// `target_paths` with a non-zero `count`, a NULL entry or a string that is not UTF-8;
/// `TUF_ERR_STATE` when the updater is in a call; the error of the refresh that had to run
/// first; the error of a role that could not be written to the cache, the files made for the
/// downloads removed again), nothing is written to the arrays.
///
/// Thread and callbacks: as `tuf_updater_download_targets`; every callback runs on the
/// calling thread, never while a libcurl transfer callback runs.
#[no_mangle]
pub extern "C" fn tuf_updater_download_target_paths(
    updater: *mut tuf_updater,
    target_paths: *const *const c_char,
    count: usize,
    target_dir: *const c_char,
    target_base_url: *const c_char,
    infos: *mut *mut tuf_target_info,
    results: *mut tuf_result,
    errors: *mut *mut tuf_error,
    paths: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let names = opt_str_array_arg(target_paths, count, "target_paths")?.unwrap_or_default();
        let dir = opt_str_arg(target_dir, "target_dir")?;
        let base = opt_str_arg(target_base_url, "target_base_url")?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let outcomes = with_updater(updater, |u| {
            Ok(u.inner
                .download_target_paths(&refs, dir.map(Path::new), base)?)
        })?;
        let mut looked_up = Vec::with_capacity(outcomes.len());
        let outcomes = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| {
                let lookup = outcome
                    .lookup
                    .map_err(tuf_error::from)
                    .and_then(|info| found(info, &names[i]));
                match lookup {
                    Ok(info) => {
                        looked_up.push(Some(info));
                        outcome.download.transpose().map_err(tuf_error::from)
                    }
                    Err(e) => {
                        looked_up.push(None);
                        Err(e)
                    }
                }
            })
            .collect();
        if !infos.is_null() {
            for (i, info) in looked_up.into_iter().enumerate() {
                let info = info.map_or(std::ptr::null_mut(), tuf_target_info::new_raw);
                // SAFETY: `infos` has `count` writable entries (caller contract), and
                // `i < count`.
                unsafe { put(infos, i, info) };
            }
        }
        // SAFETY: each array is NULL or has `count` writable entries (caller contract).
        unsafe {
            write_entries(
                outcomes,
                results,
                errors,
                "not found or failed",
                |i| names[i].clone(),
                |i, path: Option<Option<std::path::PathBuf>>| {
                    if !paths.is_null() {
                        let path = path
                            .flatten()
                            .map_or(std::ptr::null_mut(), |p| owned_string(&p.to_string_lossy()));
                        put(paths, i, path);
                    }
                },
            )
        }
    })
}
