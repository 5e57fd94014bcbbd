//! `tuf_updater`: the TUF client workflow over the network and a local cache.

use std::ffi::{c_char, c_void};
use std::path::Path;
use std::sync::Mutex;

use super::args::{
    free_unless_in_use, handle, lock_state, opt_str_arg, opt_str_array_arg, out_arg, owned_string,
    put, str_arg, write_entries, write_out,
};
use super::boundary::{run, value};
use super::callbacks::{tuf_progress_callback, FetchCallback, UserData};
use super::config::{reference_time_arg, tuf_updater_config};
use super::error::{tuf_error, tuf_result};
use super::target::{found, tuf_target_info};
use crate::updater::Updater;

/// A TUF client for one repository. Created with `tuf_updater_new`, freed with
/// `tuf_updater_free`. Use one updater from one thread at a time (it may move between
/// threads); distinct updaters may run concurrently, also on the same directories and in
/// different processes. A call on an updater that is already in a call (from one of its own
/// callbacks, or from a second thread) fails with `TUF_ERR_STATE` and changes nothing.
pub struct tuf_updater {
    state: Mutex<UpdaterState>,
}

pub(super) struct UpdaterState {
    pub(super) inner: Updater,
    progress: Option<(unsafe extern "C" fn(*mut c_void, u64, u64), UserData)>,
}

/// Runs `f` on the updater's state, locked for the call ([`lock_state`]).
pub(super) fn with_updater<R>(
    updater: *const tuf_updater,
    f: impl FnOnce(&mut UpdaterState) -> Result<R, tuf_error>,
) -> Result<R, tuf_error> {
    let u = handle(updater, "updater")?;
    let mut state = lock_state(&u.state, "updater")?;
    f(&mut state)
}

/// Creates an updater from `config` (which is copied: it may be freed or reused after this
/// call). Loads and verifies the trusted root (the bootstrap root, or the cached root.json);
/// makes no network request. On success `*out` owns the new updater.
/// `TUF_ERR_INVALID_ARGUMENT` for in-memory storage without a bootstrap root.
#[no_mangle]
pub extern "C" fn tuf_updater_new(
    config: *const tuf_updater_config,
    out: *mut *mut tuf_updater,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let cfg = handle(config, "config")?;
        out_arg(out, "out")?;
        let inner = match cfg.fetch {
            Some((callback, userdata)) => Updater::with_fetcher(
                cfg.inner.clone(),
                Box::new(FetchCallback { callback, userdata }),
            )?,
            None => Updater::new(cfg.inner.clone())?,
        };
        let u = tuf_updater {
            state: Mutex::new(UpdaterState {
                inner,
                progress: None,
            }),
        };
        write_out(out, Box::into_raw(Box::new(u)));
        Ok(())
    })
}

/// Frees an updater. NULL is allowed and ignored. Must not be called while the updater is in
/// a call (from one of its own callbacks): such a call does nothing (the updater is not freed).
#[no_mangle]
pub extern "C" fn tuf_updater_free(updater: *mut tuf_updater) {
    value((), || {
        free_unless_in_use(updater, |u| u.state.try_lock().is_ok());
    })
}

/// Updates the top-level metadata: root, timestamp, snapshot, targets (spec 5.3 to 5.6).
/// May be called again later for a new update cycle. Offline (`tuf_updater_config_set_offline`),
/// from the metadata cache only.
///
/// A refresh that fails leaves the updater usable with what it had verified before: the
/// metadata of the last successful refresh, from which `tuf_updater_get_target_info` goes on
/// answering (checked against that refresh's reference time) without refreshing again; the
/// error says why nothing newer was trusted. Two exceptions: when no refresh had succeeded
/// yet, the next lookup refreshes first; and when the failed refresh had already moved to a
/// new root (a key rotation), what was verified with the old root's keys is dropped, and the
/// next lookup refreshes first too.
#[no_mangle]
pub extern "C" fn tuf_updater_refresh(
    updater: *mut tuf_updater,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || with_updater(updater, |u| Ok(u.inner.refresh()?)))
}

/// Looks up `target_path` through the delegations (spec 5.6.7), fetching only the metadata
/// the search needs; refreshes first if needed. On success `*out` owns a new target info.
/// Returns `TUF_ERR_TARGET_NOT_FOUND` (and leaves `*out` unchanged) when no trusted role
/// lists the target.
///
/// With the built-in fetcher, online, the delegated roles on the way are fetched one after
/// the other, each verified before it is trusted, and each written to the metadata cache
/// (a store's callbacks included: on the calling thread, between transfers) while the
/// request for the next one is on its way; every role trusted is cached before this returns.
/// The next role is requested while the one before it is verified: the role that one names
/// first for the target, when the cache does not hold it. It is used only once the role that
/// names it verified, and is verified itself; a role that fails stops its transfer.
/// A transfer that failed for a transient reason (no HTTP status, 429, 5xx) is made again
/// alone with the retry policy when retries are set; any other failure is the lookup's.
#[no_mangle]
pub extern "C" fn tuf_updater_get_target_info(
    updater: *mut tuf_updater,
    target_path: *const c_char,
    out: *mut *mut tuf_target_info,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(target_path, "target_path")?;
        out_arg(out, "out")?;
        let info = with_updater(updater, |u| Ok(u.inner.get_target_info(path)?))?;
        write_out(out, tuf_target_info::new_raw(found(info, path)?));
        Ok(())
    })
}

/// Looks up the `count` targets of `target_paths` through the delegations (spec 5.6.7), as
/// `tuf_updater_get_target_info` looks up each one; refreshes first if needed.
///
/// - The delegated metadata the lookups need is fetched ahead, several roles at once over at
///   most `tuf_updater_config_set_max_connections` connections (default 6): the searches
///   advance together, and the roles they need next are fetched in parallel, each once however
///   many lookups need it. Each transfer has every protection of a single metadata download
///   (the length snapshot gives or the configured maximum, the redirect rules, the transport
///   settings, the deadline), and each role is verified against the role that delegated it
///   (spec 5.6.1 to 5.6.6) before it is trusted or cached, as soon as its own transfer ends:
///   on a thread of libtuf's own, which calls no callback, while the other transfers go on.
///   The roles it verified are cached on the calling thread between transfers. The bytes
///   held at once are those of the running transfers and of at most four roles waiting to be
///   verified. A role that could not be fetched or verified ahead is fetched again by the
///   lookup that needs it, which reports why it failed.
/// - With a fetch callback (`tuf_updater_config_set_fetcher`), or offline, the lookups run one
///   after the other.
/// - Progress: the configuration's transfer progress callback
///   (`tuf_updater_config_set_progress_callback`) is told of every transfer; a non-zero return
///   cancels every transfer still running or waiting, and the lookups that still needed
///   metadata fail with `TUF_ERR_CANCELLED`. The updater's `tuf_updater_set_progress_callback`
///   is not called for the transfers made ahead.
///
/// `target_paths`: an array of `count` non-NULL UTF-8 strings, read during the call only (may
/// be NULL when `count` is 0). The outputs, each optional (NULL: not wanted), are arrays of
/// `count` entries that the caller owns, written for every path in order:
/// - `infos[i]`: a new target info (free with `tuf_target_info_free`), or NULL when target `i`
///   was not found or its lookup failed; entries are overwritten without being read;
/// - `results[i]`: `TUF_OK`, `TUF_ERR_TARGET_NOT_FOUND` when no trusted role lists target `i`,
///   or the error code of its lookup;
/// - `errors[i]`: NULL, or a new `tuf_error` (free each with `tuf_error_free`) when
///   `results[i]` is not `TUF_OK`; entries are overwritten without being read.
///
/// Returns `TUF_OK` when every target was found; otherwise the code of the first path (in the
/// order of `target_paths`) that was not, with `*err` naming it and the number of paths not
/// found (the output arrays are written all the same). When the call fails before looking up
/// (`TUF_ERR_INVALID_ARGUMENT` for a NULL updater, NULL `target_paths` with a non-zero
/// `count`, a NULL entry or a string that is not UTF-8; `TUF_ERR_STATE` when the updater is
/// in a call; the error of the refresh that had to run first), nothing is written to the
/// arrays. One failed lookup stops no other.
///
/// Thread and callbacks: as `tuf_updater_get_target_info`; every callback runs on the calling
/// thread, never while a libcurl transfer callback runs.
#[no_mangle]
pub extern "C" fn tuf_updater_get_target_infos(
    updater: *mut tuf_updater,
    target_paths: *const *const c_char,
    count: usize,
    infos: *mut *mut tuf_target_info,
    results: *mut tuf_result,
    errors: *mut *mut tuf_error,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let paths = opt_str_array_arg(target_paths, count, "target_paths")?.unwrap_or_default();
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let outcomes = with_updater(updater, |u| Ok(u.inner.get_target_infos(&refs)?))?;
        let outcomes = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| {
                outcome
                    .map_err(tuf_error::from)
                    .and_then(|info| found(info, &paths[i]))
            })
            .collect();
        // SAFETY: each array is NULL or has `count` writable entries (caller contract).
        unsafe {
            write_entries(
                outcomes,
                results,
                errors,
                "not found or failed",
                |i| paths[i].clone(),
                |i, info| {
                    if !infos.is_null() {
                        put(
                            infos,
                            i,
                            info.map_or(std::ptr::null_mut(), tuf_target_info::new_raw),
                        );
                    }
                },
            )
        }
    })
}

/// Checks whether a local file holds the target: `filepath`, or (if NULL) the file in the
/// configured targets directory. On success `*out_path` is an owned string (free with
/// `tuf_string_free`) when the file exists with the right length and hashes, NULL when not.
#[no_mangle]
pub extern "C" fn tuf_updater_find_cached_target(
    updater: *const tuf_updater,
    info: *const tuf_target_info,
    filepath: *const c_char,
    out_path: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let info = handle(info, "info")?;
        let filepath = opt_str_arg(filepath, "filepath")?;
        out_arg(out_path, "out_path")?;
        let found = with_updater(updater, |u| {
            Ok(u.inner
                .find_cached_target(&info.info, filepath.map(Path::new))?)
        })?;
        let value = match found {
            Some(p) => owned_string(&p.to_string_lossy()),
            None => std::ptr::null_mut(),
        };
        write_out(out_path, value);
        Ok(())
    })
}

/// Downloads the target to `filepath` (NULL: into the configured targets directory) from
/// `target_base_url` (NULL: the configured one), verifying length and hashes while it
/// streams to a partial file (or, with resuming off, a temporary file) beside the destination
/// that is renamed into place only when it verified. An interrupted download is resumed by
/// the next one (see `tuf_updater_config_set_resume`). If
/// `out_path` is not NULL, on success `*out_path` is the owned path written (free with
/// `tuf_string_free`).
#[no_mangle]
pub extern "C" fn tuf_updater_download_target(
    updater: *mut tuf_updater,
    info: *const tuf_target_info,
    filepath: *const c_char,
    target_base_url: *const c_char,
    out_path: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let info = handle(info, "info")?;
        let filepath = opt_str_arg(filepath, "filepath")?;
        let base = opt_str_arg(target_base_url, "target_base_url")?;
        let path = with_updater(updater, |u| {
            let progress = u.progress;
            let mut report = |received: u64, total: u64| {
                if let Some((f, ud)) = progress {
                    // SAFETY: the caller registered `f` with this signature and vouched for
                    // `userdata` on this thread.
                    unsafe { f(ud.ptr(), received, total) }
                }
            };
            Ok(u.inner.download_target_with_progress(
                &info.info,
                filepath.map(Path::new),
                base,
                &mut report,
            )?)
        })?;
        if !out_path.is_null() {
            write_out(out_path, owned_string(&path.to_string_lossy()));
        }
        Ok(())
    })
}

/// Sets a callback told of the progress of every target download of this updater (NULL:
/// none). Called with `userdata` on the thread that drives the updater.
#[no_mangle]
pub extern "C" fn tuf_updater_set_progress_callback(
    updater: *mut tuf_updater,
    callback: tuf_progress_callback,
    userdata: *mut c_void,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        with_updater(updater, |u| {
            u.progress = callback.map(|f| (f, UserData(userdata)));
            Ok(())
        })
    })
}

/// Sets the time expiry is checked against, in seconds since the Unix epoch, on a live
/// updater (devices that learn the time after start-up); NULL: the system clock. It applies
/// from the next refresh on (`tuf_updater_get_target_info` refreshes first only if this
/// updater never has): call `tuf_updater_refresh` to check the trusted metadata against the
/// new time. The configuration's setter (`tuf_updater_config_set_reference_time`) sets the
/// time updaters start with. `TUF_ERR_INVALID_ARGUMENT` for a time outside years 1 to 9999
/// (nothing changes then); `TUF_ERR_STATE` if the updater is in a call.
#[no_mangle]
pub extern "C" fn tuf_updater_set_reference_time(
    updater: *mut tuf_updater,
    unix_seconds: *const i64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let time = reference_time_arg(unix_seconds)?;
        with_updater(updater, |u| {
            u.inner.set_reference_time(time);
            Ok(())
        })
    })
}
