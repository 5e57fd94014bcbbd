//! `tuf_verifier`: the trusted metadata set, for programs that fetch metadata themselves.

use std::ffi::{c_char, c_void};
use std::sync::Mutex;

use super::args::{bytes_arg, free_unless_in_use, handle, lock_state, out_arg, str_arg, write_out};
use super::boundary::{run, value};
use super::callbacks::{
    null_callback, tuf_load_callback, tuf_versioned_load_callback, CallbackFetcher, UserData,
    VersionedLoader,
};
use super::config::reference_time_arg;
use super::error::{tuf_error, tuf_result};
use super::target::{found, tuf_target_info};
use crate::fetch::{fetch_targets_metadata, Fetcher, DEFAULT_TARGETS_MAX_LENGTH};
use crate::metadata::DateTime;
use crate::verify::{Policy, TimestampUpdate, TrustedSet, DEFAULT_MAX_DELEGATIONS};

/// Flag for `tuf_verifier_new`: require keyids to be the SHA-256 of their key.
pub const TUF_VERIFY_STRICT_KEYIDS: u32 = 1;

/// The TUF trusted metadata set: feed it the bytes of each metadata file in the order of the
/// client workflow and it accepts or rejects them with every check of spec 5.2 to 5.6, with
/// no file or network access. Created with `tuf_verifier_new`, freed with
/// `tuf_verifier_free`. Use from one thread at a time.
pub struct tuf_verifier {
    set: Mutex<TrustedSet>,
}

/// Runs `f` on the verifier's trusted set, locked for the call ([`lock_state`]).
fn with_set<R>(
    verifier: *const tuf_verifier,
    f: impl FnOnce(&mut TrustedSet) -> Result<R, tuf_error>,
) -> Result<R, tuf_error> {
    let v = handle(verifier, "verifier")?;
    let mut set = lock_state(&v.set, "verifier")?;
    f(&mut set)
}

/// Reads the verifier's trusted set for a getter: `None` when `verifier` is NULL or in a call.
fn read_set<R>(verifier: *const tuf_verifier, f: impl FnOnce(&TrustedSet) -> R) -> Option<R> {
    with_set(verifier, |set| Ok(f(set))).ok()
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
            ..Policy::default()
        };
        let set = TrustedSet::new(root, now, policy)?;
        write_out(
            out,
            Box::into_raw(Box::new(tuf_verifier {
                set: Mutex::new(set),
            })),
        );
        Ok(())
    })
}

/// Frees a verifier. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_verifier_free(verifier: *mut tuf_verifier) {
    value((), || {
        free_unless_in_use(verifier, |v| v.set.try_lock().is_ok());
    })
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
        let data = bytes_arg(data, len, "data")?;
        with_set(verifier, |set| {
            set.update_root(data)?;
            Ok(())
        })
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
        let data = bytes_arg(data, len, "data")?;
        let r = with_set(verifier, |set| Ok(set.update_timestamp(data)?))?;
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
        let data = bytes_arg(data, len, "data")?;
        with_set(verifier, |set| {
            set.update_snapshot(data, trusted)?;
            Ok(())
        })
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
        let data = bytes_arg(data, len, "data")?;
        with_set(verifier, |set| {
            set.update_targets(data)?;
            Ok(())
        })
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
        let data = bytes_arg(data, len, "data")?;
        let role = str_arg(role, "role")?;
        let delegator = str_arg(delegator, "delegator")?;
        with_set(verifier, |set| {
            set.update_delegated_targets(data, role, delegator)?;
            Ok(())
        })
    })
}

/// The version of the trusted root (0 if `verifier` is NULL).
#[no_mangle]
pub extern "C" fn tuf_verifier_root_version(verifier: *const tuf_verifier) -> u64 {
    value(0, || {
        read_set(verifier, |set| set.root().version).unwrap_or(0)
    })
}

/// The version of the trusted timestamp (0 if none).
#[no_mangle]
pub extern "C" fn tuf_verifier_timestamp_version(verifier: *const tuf_verifier) -> u64 {
    value(0, || {
        read_set(verifier, |set| set.timestamp().map(|t| t.version))
            .flatten()
            .unwrap_or(0)
    })
}

/// The snapshot version the trusted timestamp lists (0 if none): the `V` of `V.snapshot.json`
/// under consistent snapshots.
#[no_mangle]
pub extern "C" fn tuf_verifier_snapshot_version(verifier: *const tuf_verifier) -> u64 {
    value(0, || {
        read_set(verifier, |set| {
            set.timestamp().map(|t| t.snapshot_meta.version)
        })
        .flatten()
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
        let Ok(role) = str_arg(role, "role") else {
            return 0;
        };
        read_set(verifier, |set| role_version(set, role)).unwrap_or(0)
    })
}

/// Whether the trusted root has consistent snapshots (versioned file names).
#[no_mangle]
pub extern "C" fn tuf_verifier_consistent_snapshot(verifier: *const tuf_verifier) -> bool {
    value(false, || {
        read_set(verifier, |set| set.root().consistent_snapshot()).unwrap_or(false)
    })
}

/// Whether the keys of the timestamp or snapshot role changed since the verifier was created
/// (spec 5.3.11): if so, delete your cached timestamp and snapshot before feeding them.
#[no_mangle]
pub extern "C" fn tuf_verifier_timestamp_snapshot_keys_rotated(
    verifier: *const tuf_verifier,
) -> bool {
    value(false, || {
        read_set(verifier, TrustedSet::timestamp_snapshot_keys_rotated).unwrap_or(false)
    })
}

/// The version trusted snapshot lists for `role` (0 if none).
fn role_version(set: &TrustedSet, role: &str) -> u64 {
    set.snapshot()
        .and_then(|s| s.role_meta(role))
        .map_or(0, |m| m.version)
}

/// The search of both `tuf_verifier_find_target*`: `fetcher(set, role)` makes the fetcher
/// that loads `role` (its "URL" is the role name).
fn find_target_with<F: Fetcher>(
    verifier: *mut tuf_verifier,
    target_path: *const c_char,
    max_delegations: u32,
    out: *mut *mut tuf_target_info,
    fetcher: impl Fn(&TrustedSet, &str) -> F,
) -> Result<(), tuf_error> {
    let path = str_arg(target_path, "target_path")?;
    out_arg(out, "out")?;
    let max = if max_delegations == 0 {
        DEFAULT_MAX_DELEGATIONS
    } else {
        max_delegations as usize
    };
    let mut loader = |set: &mut TrustedSet, role: &str, delegator: &str| {
        let mut fetcher = fetcher(set, role);
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
    let info = with_set(verifier, |set| {
        Ok(set.find_target(path, max, &mut loader)?)
    })?;
    write_out(out, tuf_target_info::new_raw(found(info, path)?));
    Ok(())
}

/// Finds `target_path` by the pre-order delegation search (spec 5.6.7), starting at the
/// top-level targets. Roles not yet trusted are asked of `load`, which writes the bytes of
/// `ROLE.json` into the sink; they are verified before use. These are the delegated roles the
/// search reaches, and "targets" itself if `tuf_verifier_update_targets` was not called (the
/// snapshot must be trusted by then). A non-zero return of `load` ends the search with
/// `TUF_ERR_DOWNLOAD`. `max_delegations`: most delegated roles visited (0: the default, 32).
/// On success `*out` owns a new target info; `TUF_ERR_TARGET_NOT_FOUND` when no role lists
/// the target.
///
/// `load` runs on this thread, during this call only, while the verifier is in use: it must
/// not call any function on this verifier (such calls fail with `TUF_ERR_STATE`, and getters
/// return 0/false). It is not told the role's version: prefer
/// `tuf_verifier_find_target_versioned`, whose loader is.
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
        let callback = load.ok_or_else(|| null_callback("load"))?;
        let userdata = UserData(userdata);
        find_target_with(verifier, target_path, max_delegations, out, |_, _| {
            CallbackFetcher { callback, userdata }
        })
    })
}

/// `tuf_verifier_find_target`, with a loader that is told the version of the role that the
/// trusted snapshot lists (the `V` of `V.ROLE.json` under consistent snapshots) and the most
/// bytes accepted (the length snapshot gives, else 5000000), so it never needs to ask the
/// verifier. Same arguments, results and callback rules otherwise.
#[no_mangle]
pub extern "C" fn tuf_verifier_find_target_versioned(
    verifier: *mut tuf_verifier,
    target_path: *const c_char,
    max_delegations: u32,
    load: tuf_versioned_load_callback,
    userdata: *mut c_void,
    out: *mut *mut tuf_target_info,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let callback = load.ok_or_else(|| null_callback("load"))?;
        let userdata = UserData(userdata);
        find_target_with(verifier, target_path, max_delegations, out, |set, role| {
            VersionedLoader {
                callback,
                userdata,
                version: role_version(set, role),
            }
        })
    })
}
