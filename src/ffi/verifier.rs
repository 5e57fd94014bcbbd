//! `tuf_verifier`: the trusted metadata set, for programs that fetch metadata themselves.

use std::ffi::{c_char, c_void};

use super::args::{bytes_arg, free_handle, handle, handle_mut, out_arg, str_arg, write_out};
use super::boundary::{run, value};
use super::callbacks::{null_callback, tuf_load_callback, CallbackFetcher, UserData};
use super::config::reference_time_arg;
use super::error::{tuf_error, tuf_result, TUF_ERR_TARGET_NOT_FOUND};
use super::target::tuf_target_info;
use crate::fetch::{fetch_targets_metadata, DEFAULT_TARGETS_MAX_LENGTH};
use crate::metadata::DateTime;
use crate::verify::{Policy, TimestampUpdate, TrustedSet, DEFAULT_MAX_DELEGATIONS};

/// Flag for `tuf_verifier_new`: require keyids to be the SHA-256 of their key.
pub const TUF_VERIFY_STRICT_KEYIDS: u32 = 1;

/// The TUF trusted metadata set: feed it the bytes of each metadata file in the order of the
/// client workflow and it accepts or rejects them with every check of spec 5.2 to 5.6, with
/// no file or network access. Created with `tuf_verifier_new`, freed with
/// `tuf_verifier_free`. Use from one thread at a time.
pub struct tuf_verifier {
    set: TrustedSet,
}

/// Creates a verifier from a trusted root (`root`, `root_len` bytes; must be signed by a
/// threshold of its own root keys). `reference_time` points to the time expiry is checked
/// against in seconds since the Unix epoch, or is NULL for the system clock (read now).
/// `flags`: 0 or `TUF_VERIFY_STRICT_KEYIDS`. On success `*out` owns the verifier.
#[no_mangle]
pub extern "C" fn tuf_verifier_new(
    root: *const u8,
    root_len: usize,
    reference_time: *const i64,
    flags: u32,
    out: *mut *mut tuf_verifier,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let root = bytes_arg(root, root_len, "root")?;
        let now = reference_time_arg(reference_time)?.unwrap_or_else(DateTime::now);
        out_arg(out, "out")?;
        if flags & !TUF_VERIFY_STRICT_KEYIDS != 0 {
            return Err(super::args::invalid("unknown flags"));
        }
        let policy = Policy {
            strict_keyids: flags & TUF_VERIFY_STRICT_KEYIDS != 0,
        };
        let set = TrustedSet::new(root, now, policy)?;
        write_out(out, Box::into_raw(Box::new(tuf_verifier { set })));
        Ok(())
    })
}

/// Frees a verifier. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_verifier_free(verifier: *mut tuf_verifier) {
    value((), || free_handle(verifier))
}

/// Verifies and trusts root version N+1 (spec 5.3.4, 5.3.5).
#[no_mangle]
pub extern "C" fn tuf_verifier_update_root(
    verifier: *mut tuf_verifier,
    data: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = handle_mut(verifier, "verifier")?;
        v.set.update_root(bytes_arg(data, len, "data")?)?;
        Ok(())
    })
}

/// Verifies a timestamp (spec 5.4). If `updated` is not NULL it is set to true when the
/// timestamp was accepted as new, false when its version equals the trusted one (which is
/// kept; not an error). An expired timestamp is kept as a rollback baseline and reported as
/// `TUF_ERR_EXPIRED`.
#[no_mangle]
pub extern "C" fn tuf_verifier_update_timestamp(
    verifier: *mut tuf_verifier,
    data: *const u8,
    len: usize,
    updated: *mut bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = handle_mut(verifier, "verifier")?;
        let r = v.set.update_timestamp(bytes_arg(data, len, "data")?)?;
        if !updated.is_null() {
            write_out(updated, r == TimestampUpdate::Updated);
        }
        Ok(())
    })
}

/// Verifies a snapshot (spec 5.5). `trusted`: the bytes come from the caller's own cache of
/// previously verified metadata, so the hashes in timestamp are not checked again.
#[no_mangle]
pub extern "C" fn tuf_verifier_update_snapshot(
    verifier: *mut tuf_verifier,
    data: *const u8,
    len: usize,
    trusted: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = handle_mut(verifier, "verifier")?;
        v.set
            .update_snapshot(bytes_arg(data, len, "data")?, trusted)?;
        Ok(())
    })
}

/// Verifies the top-level targets (spec 5.6.1 to 5.6.5).
#[no_mangle]
pub extern "C" fn tuf_verifier_update_targets(
    verifier: *mut tuf_verifier,
    data: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = handle_mut(verifier, "verifier")?;
        v.set.update_targets(bytes_arg(data, len, "data")?)?;
        Ok(())
    })
}

/// Verifies the metadata of delegated role `role`, delegated by the trusted role `delegator`
/// ("targets" or another delegated role).
#[no_mangle]
pub extern "C" fn tuf_verifier_update_delegated_targets(
    verifier: *mut tuf_verifier,
    data: *const u8,
    len: usize,
    role: *const c_char,
    delegator: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = handle_mut(verifier, "verifier")?;
        let data = bytes_arg(data, len, "data")?;
        let role = str_arg(role, "role")?;
        let delegator = str_arg(delegator, "delegator")?;
        v.set.update_delegated_targets(data, role, delegator)?;
        Ok(())
    })
}

/// The version of the trusted root (0 if `verifier` is NULL).
#[no_mangle]
pub extern "C" fn tuf_verifier_root_version(verifier: *const tuf_verifier) -> u64 {
    value(0, || {
        handle(verifier, "verifier").map_or(0, |v| v.set.root().version)
    })
}

/// The version of the trusted timestamp (0 if none).
#[no_mangle]
pub extern "C" fn tuf_verifier_timestamp_version(verifier: *const tuf_verifier) -> u64 {
    value(0, || {
        handle(verifier, "verifier")
            .ok()
            .and_then(|v| v.set.timestamp().map(|t| t.version))
            .unwrap_or(0)
    })
}

/// The snapshot version the trusted timestamp lists (0 if none): the `V` of `V.snapshot.json`
/// under consistent snapshots.
#[no_mangle]
pub extern "C" fn tuf_verifier_snapshot_version(verifier: *const tuf_verifier) -> u64 {
    value(0, || {
        handle(verifier, "verifier")
            .ok()
            .and_then(|v| v.set.timestamp().map(|t| t.snapshot_meta.version))
            .unwrap_or(0)
    })
}

/// The version the trusted snapshot lists for role `role` ("targets" or a delegated role),
/// the `V` of `V.ROLE.json`; 0 if there is none.
#[no_mangle]
pub extern "C" fn tuf_verifier_role_version(
    verifier: *const tuf_verifier,
    role: *const c_char,
) -> u64 {
    value(0, || {
        let (Ok(v), Ok(role)) = (handle(verifier, "verifier"), str_arg(role, "role")) else {
            return 0;
        };
        v.set
            .snapshot()
            .and_then(|s| s.role_meta(role))
            .map_or(0, |m| m.version)
    })
}

/// Whether the trusted root has consistent snapshots (versioned file names).
#[no_mangle]
pub extern "C" fn tuf_verifier_consistent_snapshot(verifier: *const tuf_verifier) -> bool {
    value(false, || {
        handle(verifier, "verifier").is_ok_and(|v| v.set.root().consistent_snapshot())
    })
}

/// Whether the keys of the timestamp or snapshot role changed since the verifier was created
/// (spec 5.3.11): if so, delete your cached timestamp and snapshot before feeding them.
#[no_mangle]
pub extern "C" fn tuf_verifier_timestamp_snapshot_keys_rotated(
    verifier: *const tuf_verifier,
) -> bool {
    value(false, || {
        handle(verifier, "verifier").is_ok_and(|v| v.set.timestamp_snapshot_keys_rotated())
    })
}

/// Finds `target_path` by the pre-order delegation search (spec 5.6.7), starting at the
/// top-level targets. Roles not yet trusted are asked of `load`, which writes the bytes of
/// `ROLE.json` into the sink; they are verified before use. These are the delegated roles the
/// search reaches, and "targets" itself if `tuf_verifier_update_targets` was not called (the
/// snapshot must be trusted by then). A non-zero return of `load` ends the search with
/// `TUF_ERR_DOWNLOAD`. `max_delegations`: most delegated roles visited (0: the default, 32).
/// On success `*out` owns a new target info; `TUF_ERR_TARGET_NOT_FOUND` when no role lists
/// the target.
#[no_mangle]
pub extern "C" fn tuf_verifier_find_target(
    verifier: *mut tuf_verifier,
    target_path: *const c_char,
    max_delegations: u32,
    load: tuf_load_callback,
    userdata: *mut c_void,
    out: *mut *mut tuf_target_info,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let v = handle_mut(verifier, "verifier")?;
        let path = str_arg(target_path, "target_path")?;
        let load = load.ok_or_else(|| null_callback("load"))?;
        out_arg(out, "out")?;
        let ud = UserData(userdata);
        let max = if max_delegations == 0 {
            DEFAULT_MAX_DELEGATIONS
        } else {
            max_delegations as usize
        };
        let mut loader = |set: &mut TrustedSet, role: &str, delegator: &str| {
            // The loader is a fetcher whose "URL" is the role name.
            let mut fetcher = CallbackFetcher {
                callback: load,
                userdata: ud,
            };
            let url = role;
            fetch_targets_metadata(
                set,
                &mut fetcher,
                url,
                role,
                delegator,
                DEFAULT_TARGETS_MAX_LENGTH,
            )
            .map(drop)
        };
        match v.set.find_target(path, max, &mut loader)? {
            Some(info) => {
                write_out(out, Box::into_raw(Box::new(tuf_target_info::new(info))));
                Ok(())
            }
            None => Err(tuf_error::new(
                TUF_ERR_TARGET_NOT_FOUND,
                &format!("target not found: {path}"),
            )),
        }
    })
}
