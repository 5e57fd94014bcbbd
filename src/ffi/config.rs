//! `tuf_updater_config`: a builder holding every option of the updater.

use std::ffi::{c_char, c_void};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use super::args::{
    self, bytes_arg, free_handle, handle_mut, opt_str_arg, out_arg, str_arg, write_out,
};
use super::boundary::{run, value};
use super::callbacks::{
    tuf_fetch_callback, tuf_log_callback, tuf_transfer_progress_callback, RawSinkCallback,
    UserData, TUF_LOG_DEBUG, TUF_LOG_INFO, TUF_LOG_WARN,
};
use super::error::{tuf_error, tuf_result};
use crate::fetch::Progress;
use crate::metadata::DateTime;
use crate::updater::{LogLevel, Logger, UpdaterConfig};

/// The configuration of a `tuf_updater`: directories, URLs, limits, policy, callbacks.
/// Created with `tuf_updater_config_new`, changed with the setters, used (not consumed) by
/// `tuf_updater_new`, freed with `tuf_updater_config_free`. Use from one thread at a time.
pub struct tuf_updater_config {
    pub(crate) inner: UpdaterConfig,
    pub(crate) fetch: Option<(RawSinkCallback, UserData)>,
}

/// Creates a configuration with python-tuf's defaults for the metadata cache directory
/// `metadata_dir` and the repository's metadata base URL `metadata_url` (`http://`,
/// `https://` or `file://`). On success `*out` owns the new configuration.
#[no_mangle]
pub extern "C" fn tuf_updater_config_new(
    metadata_dir: *const c_char,
    metadata_url: *const c_char,
    out: *mut *mut tuf_updater_config,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let dir = str_arg(metadata_dir, "metadata_dir")?;
        let url = str_arg(metadata_url, "metadata_url")?;
        out_arg(out, "out")?;
        let cfg = tuf_updater_config {
            inner: UpdaterConfig::new(dir, url),
            fetch: None,
        };
        write_out(out, Box::into_raw(Box::new(cfg)));
        Ok(())
    })
}

/// Frees a configuration. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_updater_config_free(config: *mut tuf_updater_config) {
    value((), || free_handle(config))
}

fn with_config(
    config: *mut tuf_updater_config,
    err: *mut *mut tuf_error,
    f: impl FnOnce(&mut tuf_updater_config) -> Result<(), tuf_error>,
) -> tuf_result {
    run(err, || f(handle_mut(config, "config")?))
}

/// Changes `config`'s settings with `f`, keeping the change only if the result passes
/// `UpdaterConfig::validate`.
pub(super) fn update_settings(
    config: *mut tuf_updater_config,
    err: *mut *mut tuf_error,
    f: impl FnOnce(&mut UpdaterConfig) -> Result<(), tuf_error>,
) -> tuf_result {
    with_config(config, err, |c| {
        let mut next = c.inner.clone();
        f(&mut next)?;
        next.validate()?;
        c.inner = next;
        Ok(())
    })
}

/// Sets the local directory for downloaded targets (NULL: none).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_targets_dir(
    config: *mut tuf_updater_config,
    targets_dir: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.targets_dir = opt_str_arg(targets_dir, "targets_dir")?.map(Into::into);
        Ok(())
    })
}

/// Sets the base URL of target files (NULL: none; then every download names one).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_targets_base_url(
    config: *mut tuf_updater_config,
    targets_base_url: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.targets_base_url =
            opt_str_arg(targets_base_url, "targets_base_url")?.map(Into::into);
        Ok(())
    })
}

/// Sets the trusted root to start from (the bytes of a root.json shipped with the
/// application; copied). Without it, the cached `root.json` of the metadata directory is used.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_bootstrap_root(
    config: *mut tuf_updater_config,
    data: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.bootstrap_root = Some(bytes_arg(data, len, "data")?.to_vec());
        Ok(())
    })
}

/// Sets a limit (validated: at least 1).
fn set_limit<T: TryFrom<V>, V>(
    config: *mut tuf_updater_config,
    err: *mut *mut tuf_error,
    value: V,
    field: impl FnOnce(&mut UpdaterConfig) -> &mut T,
) -> tuf_result {
    update_settings(config, err, |c| {
        *field(c) = T::try_from(value).map_err(|_| args::invalid("value too large"))?;
        Ok(())
    })
}

/// Sets the most new roots fetched in one refresh (default 256; at least 1).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_max_root_rotations(
    config: *mut tuf_updater_config,
    value: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    set_limit(config, err, value, |c| &mut c.max_root_rotations)
}

/// Sets the most delegated roles visited in one target search (default 32; at least 1).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_max_delegations(
    config: *mut tuf_updater_config,
    value: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    set_limit(config, err, value, |c| &mut c.max_delegations)
}

/// Sets the download limit of `N.root.json` in bytes (default 512000).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_root_max_length(
    config: *mut tuf_updater_config,
    value: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    set_limit(config, err, value, |c| &mut c.root_max_length)
}

/// Sets the download limit of `timestamp.json` in bytes (default 16384).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_timestamp_max_length(
    config: *mut tuf_updater_config,
    value: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    set_limit(config, err, value, |c| &mut c.timestamp_max_length)
}

/// Sets the download limit of snapshot in bytes when timestamp gives no length (default
/// 2000000).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_snapshot_max_length(
    config: *mut tuf_updater_config,
    value: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    set_limit(config, err, value, |c| &mut c.snapshot_max_length)
}

/// Sets the download limit of targets metadata in bytes when snapshot gives no length
/// (default 5000000).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_targets_max_length(
    config: *mut tuf_updater_config,
    value: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    set_limit(config, err, value, |c| &mut c.targets_max_length)
}

/// Sets whether targets are fetched as `DIR/HASH.NAME` under consistent snapshots
/// (default true).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_prefix_targets_with_hash(
    config: *mut tuf_updater_config,
    value: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.prefix_targets_with_hash = value;
        Ok(())
    })
}

/// Sets whether keyids must be the SHA-256 of their key (the specification's rule; default
/// false, as in python-tuf).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_strict_keyids(
    config: *mut tuf_updater_config,
    value: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.policy.strict_keyids = value;
        Ok(())
    })
}

/// Sets whether every metadata and target file is flushed to disk before it is renamed into
/// place (default false: only a newly trusted root is; files lost to a power cut are fetched
/// again and verified).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_sync_all_writes(
    config: *mut tuf_updater_config,
    value: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.sync_all_writes = value;
        Ok(())
    })
}

/// Sets the time expiry is checked against, in seconds since the Unix epoch, for devices
/// without a trustworthy clock. NULL: the system clock, read when the updater is created and
/// at every refresh (the default).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_reference_time(
    config: *mut tuf_updater_config,
    unix_seconds: *const i64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.reference_time = reference_time_arg(unix_seconds)?;
        Ok(())
    })
}

/// Converts an optional `const int64_t *` reference time.
pub(crate) fn reference_time_arg(unix_seconds: *const i64) -> Result<Option<DateTime>, tuf_error> {
    // SAFETY: NULL or a readable int64_t (caller contract).
    match unsafe { unix_seconds.as_ref() } {
        None => Ok(None),
        Some(&t) => DateTime::from_unix(t)
            .map(Some)
            .ok_or_else(|| args::invalid("reference time out of range (years 1 to 9999)")),
    }
}

/// Sets an application product token sent before `libtuf/VERSION` in the User-Agent header
/// (NULL: none).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_user_agent(
    config: *mut tuf_updater_config,
    user_agent: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.fetcher.user_agent = opt_str_arg(user_agent, "user_agent")?.map(Into::into);
        Ok(())
    })
}

/// Sets the connect timeout in milliseconds (default 30000; 0: libcurl's default).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_connect_timeout_ms(
    config: *mut tuf_updater_config,
    milliseconds: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.fetcher.connect_timeout = Duration::from_millis(milliseconds.into());
        Ok(())
    })
}

/// Sets the minimum transfer speed: a download slower than `bytes_per_second` for `seconds`
/// is aborted with `TUF_ERR_SLOW_RETRIEVAL` (default 1024 bytes/s for 30 s; 0 disables).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_min_speed(
    config: *mut tuf_updater_config,
    bytes_per_second: u32,
    seconds: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.fetcher.low_speed_limit = bytes_per_second;
        c.inner.fetcher.low_speed_time = Duration::from_secs(seconds.into());
        Ok(())
    })
}

/// Sets the deadline of every transfer in milliseconds, connection included (default
/// 3600000, one hour; 0: no deadline). A download still running then fails with
/// `TUF_ERR_SLOW_RETRIEVAL`, even one that keeps above the minimum speed (a server dripping
/// bytes just fast enough would otherwise hold the updater for as long as the length limit
/// allows: days for a large target). Raise it for targets that take longer on the slowest
/// link expected (size / speed). It also applies to a fetch callback: once the deadline has
/// passed, `tuf_sink_write` returns `TUF_ERR_SLOW_RETRIEVAL`, and the callback should stop
/// and return; a callback that waits without writing is not interrupted, so it must bound
/// its own waits.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_timeout_ms(
    config: *mut tuf_updater_config,
    milliseconds: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.fetcher.timeout = Duration::from_millis(milliseconds);
        Ok(())
    })
}

/// Sets the longest wait for the metadata directory's lock in milliseconds (default 60000;
/// 0: fail at once when it is held). Updaters and processes sharing the directory hold it
/// only while they read and write its files, never while they wait on the network. When the
/// wait runs out, the function that needed the lock (`tuf_updater_new`,
/// `tuf_updater_refresh`, `tuf_updater_get_target_info`) fails with `TUF_ERR_IO` and a
/// message naming the lock timeout.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_lock_timeout_ms(
    config: *mut tuf_updater_config,
    milliseconds: u64,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.lock_timeout = Duration::from_millis(milliseconds);
        Ok(())
    })
}

/// Sets offline mode (default false). Offline, `tuf_updater_refresh` reads the trusted root
/// history, timestamp, snapshot and targets from the metadata cache only, and
/// `tuf_updater_get_target_info` the delegated roles too, with every check of the online
/// workflow: signatures, thresholds, versions, and expiry against the reference time
/// (`tuf_updater_config_set_reference_time`). No network request is made at all: neither the
/// built-in fetcher nor a fetch callback is ever used. An offline updater writes no
/// metadata to the cache (a missing metadata directory is still created, as always).
///
/// Errors of an offline updater: when the cache lacks what a refresh or lookup needs (the
/// cache was never filled online, or a key rotation removed the cached timestamp and
/// snapshot), `TUF_ERR_STATE` with a message naming the missing file (refresh online to fill
/// it); `tuf_updater_download_target` always fails with `TUF_ERR_STATE` once its arguments
/// passed their usual checks (checking a file already downloaded,
/// `tuf_updater_find_cached_target`, works); a cached file that fails a
/// check gives that check's error (`TUF_ERR_EXPIRED`, `TUF_ERR_BAD_SIGNATURE`, ...), and a
/// storage read callback that fails `TUF_ERR_IO`.
///
/// `TUF_ERR_INVALID_ARGUMENT` (nothing changes) for `on` with in-memory storage
/// (`tuf_updater_config_set_in_memory`: no cache to read), and for false while
/// `tuf_updater_config_set_offline_accept_expired_unsafe` is on (turn that off first).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_offline(
    config: *mut tuf_updater_config,
    on: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.offline = on;
        Ok(())
    })
}

/// **Unsafe.** In offline mode, accepts expired metadata when `on` (default false): the expiry
/// checks of the final root, the timestamp, the snapshot and every targets role (spec 5.3.10,
/// 5.4.4, 5.5.6, 5.6.5) are skipped, and nothing else (signatures, thresholds, versions,
/// lengths and hashes are still checked). Each expired role accepted is logged as a warning.
///
/// What it gives up: protection against **freeze attacks**. Whoever can put old, validly
/// signed metadata in the cache (an attacker, or just a cache that was never refreshed again)
/// keeps the device on it indefinitely, however long ago it expired, and with it on target
/// versions that may have known vulnerabilities. Use it only where running on stale metadata
/// is better than not running, and the cache is not writable by others.
///
/// Only in offline mode: `TUF_ERR_INVALID_ARGUMENT` (nothing changes) for `on` unless
/// `tuf_updater_config_set_offline(config, true)` was called before.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_offline_accept_expired_unsafe(
    config: *mut tuf_updater_config,
    on: bool,
    err: *mut *mut tuf_error,
) -> tuf_result {
    update_settings(config, err, |c| {
        c.offline_accept_expired_unsafe = on;
        Ok(())
    })
}

/// Sets the most HTTP redirects followed for one download (default 5; only to http and
/// https).
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_max_redirects(
    config: *mut tuf_updater_config,
    value: u32,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.fetcher.max_redirects = value;
        Ok(())
    })
}

/// Replaces the built-in libcurl fetcher by `callback` (NULL: back to libcurl). It is called
/// with `userdata` on the thread that drives the updater; libtuf still enforces every length
/// limit on what it writes into the sink.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_fetcher(
    config: *mut tuf_updater_config,
    callback: tuf_fetch_callback,
    userdata: *mut c_void,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.fetch = callback.map(|f| (f, UserData(userdata)));
        Ok(())
    })
}

/// Sets a log callback (NULL: no logging). It is called with `userdata` on the thread that
/// drives the updater.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_log_callback(
    config: *mut tuf_updater_config,
    callback: tuf_log_callback,
    userdata: *mut c_void,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.log = callback.map(|f| {
            let ud = UserData(userdata);
            Logger(Arc::new(move |level: LogLevel, msg: &str| {
                let level = match level {
                    LogLevel::Debug => TUF_LOG_DEBUG,
                    LogLevel::Info => TUF_LOG_INFO,
                    LogLevel::Warn => TUF_LOG_WARN,
                };
                let msg = args::c_string(msg);
                // SAFETY: `f` is the caller's callback of this signature; `msg` lives for
                // the call; the caller vouched for `userdata` on this thread.
                unsafe { f(ud.ptr(), level, msg.as_ptr()) }
            }))
        });
        Ok(())
    })
}

/// Sets a callback told of the progress of every transfer of the updaters created from this
/// configuration, metadata and targets alike, which can cancel the running call by returning
/// non-zero (`TUF_ERR_CANCELLED`; see `tuf_transfer_progress_callback`). NULL: none (the
/// default). It is called with `userdata` on the thread that drives the updater.
#[no_mangle]
pub extern "C" fn tuf_updater_config_set_progress_callback(
    config: *mut tuf_updater_config,
    callback: tuf_transfer_progress_callback,
    userdata: *mut c_void,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.progress = callback.map(|f| {
            let ud = UserData(userdata);
            Progress(Arc::new(move |url: &str, received: u64, total: u64| {
                let url = args::c_string(url);
                // SAFETY: `f` is the caller's callback of this signature; `url` lives for the
                // call; the caller vouched for `userdata` on this thread.
                match unsafe { f(ud.ptr(), url.as_ptr(), received, total) } {
                    0 => ControlFlow::Continue(()),
                    _ => ControlFlow::Break(()),
                }
            }))
        });
        Ok(())
    })
}
