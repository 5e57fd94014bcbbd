//! `tuf_multirepo_config`, `tuf_multirepo` and `tuf_multirepo_target`: several repositories
//! that must agree on targets (TAP 4), over [`crate::multirepo`].

use std::ffi::{c_char, CString};
use std::path::Path;
use std::sync::Mutex;

use super::args::{
    self, bytes_arg, c_string, free_handle, free_unless_in_use, handle, handle_mut, lock_state,
    opt_str_arg, out_arg, owned_string, str_arg, write_out,
};
use super::boundary::{run, value};
use super::callbacks::{FetchCallback, RawSinkCallback, UserData};
use super::config::tuf_updater_config;
use super::error::{tuf_error, tuf_result, TUF_ERR_TARGET_NOT_FOUND};
use super::target::tuf_target_info;
use crate::fetch::Fetcher;
use crate::multirepo::{AgreedTarget, Answer, MapFile, MultiRepoClient, MultiRepoConfig};

/// The configuration of a `tuf_multirepo`: the map file (TAP 4's `map.json`), the parent
/// directory of every local directory, a trusted root per repository, the repository layout
/// and the settings of every repository's updater. Created with `tuf_multirepo_config_new` or
/// `tuf_multirepo_config_new_from_file`, changed with the setters, used (not consumed) by
/// `tuf_multirepo_new`, freed with `tuf_multirepo_config_free`. Use from one thread at a time.
///
/// Locally, repository NAME keeps its metadata in `PARENT/metadata/NAME/`; targets go to
/// `PARENT/targets/` unless `tuf_multirepo_config_set_targets_dir` says otherwise. By
/// default a mirror URL `URL` of a repository serves its metadata under `URL/metadata/` and
/// its targets under `URL/targets/` (TAP 4's reference implementation; see
/// `tuf_multirepo_config_set_layout`).
pub struct tuf_multirepo_config {
    inner: MultiRepoConfig,
    fetch: Option<(RawSinkCallback, UserData)>,
}

fn new_config(
    parent_dir: *const c_char,
    map: impl FnOnce() -> Result<MapFile, tuf_error>,
    out: *mut *mut tuf_multirepo_config,
) -> Result<(), tuf_error> {
    let parent = str_arg(parent_dir, "parent_dir")?;
    out_arg(out, "out")?;
    let cfg = tuf_multirepo_config {
        inner: MultiRepoConfig::new(map()?, parent),
        fetch: None,
    };
    write_out(out, Box::into_raw(Box::new(cfg)));
    Ok(())
}

/// Creates a configuration from the map file `map_json` (`map_len` bytes, copied) and the
/// parent directory `parent_dir`, with the default layout, no trusted roots yet and the
/// updater's defaults. The map file is parsed and checked strictly: malformed JSON, unknown
/// or missing members, an unknown or duplicate repository name, a name that is not 1 to 64
/// characters of `A-Z a-z 0-9 . _ -` (not starting with `.`), a URL that is not `http://`,
/// `https://` or `file://`, empty `paths` or an empty pattern, and a threshold of 0 or above
/// the number of the mapping's repositories all give `TUF_ERR_INVALID_ARGUMENT` with a
/// message naming the place (e.g. `map file: mapping[1].threshold: ...`). On success `*out`
/// owns the new configuration.
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_new(
    parent_dir: *const c_char,
    map_json: *const u8,
    map_len: usize,
    out: *mut *mut tuf_multirepo_config,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        new_config(
            parent_dir,
            || Ok(MapFile::parse(bytes_arg(map_json, map_len, "map_json")?)?),
            out,
        )
    })
}

/// As `tuf_multirepo_config_new`, reading the map file from the file `map_path` (at most
/// 1 MiB; `TUF_ERR_IO` if it cannot be read).
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_new_from_file(
    parent_dir: *const c_char,
    map_path: *const c_char,
    out: *mut *mut tuf_multirepo_config,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(map_path, "map_path")?;
        new_config(parent_dir, || Ok(MapFile::from_file(Path::new(path))?), out)
    })
}

/// Frees a configuration. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_free(config: *mut tuf_multirepo_config) {
    value((), || free_handle(config))
}

fn with_config(
    config: *mut tuf_multirepo_config,
    err: *mut *mut tuf_error,
    f: impl FnOnce(&mut tuf_multirepo_config) -> Result<(), tuf_error>,
) -> tuf_result {
    run(err, || f(handle_mut(config, "config")?))
}

/// Sets the trusted root of repository `repository` (the bytes of a root.json shipped with the
/// application; copied), replacing any given before. `TUF_ERR_INVALID_ARGUMENT` if the map
/// file has no repository of that name. A repository without a trusted root starts from the
/// root.json cached in its metadata directory by an earlier run (`tuf_multirepo_new` fails
/// if there is none). The root is verified by `tuf_multirepo_new`.
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_set_trusted_root(
    config: *mut tuf_multirepo_config,
    repository: *const c_char,
    data: *const u8,
    len: usize,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        let name = str_arg(repository, "repository")?;
        let bytes = bytes_arg(data, len, "data")?;
        if !c.inner.map.repositories.contains_key(name) {
            return Err(args::invalid(&format!(
                "the map file lists no repository {name:?}"
            )));
        }
        c.inner.trusted_roots.insert(name.into(), bytes.to_vec());
        Ok(())
    })
}

/// Copies the settings of every repository's updater from `settings`: limits, strict keyids,
/// prefix targets with hash, sync all writes, reference time, user agent, timeouts, minimum
/// speed, redirects, and the fetch, log and transfer progress callbacks with their userdata.
/// Its metadata directory, metadata URL, targets directory, targets base URL and bootstrap
/// root are not used (each repository has its own). `settings` may be freed or changed
/// afterwards; later changes do not apply.
///
/// The callbacks are called as for a `tuf_updater` made from `settings` (see
/// `tuf_fetch_callback`, `tuf_log_callback`, `tuf_transfer_progress_callback`), during
/// `tuf_multirepo_refresh`, `tuf_multirepo_get_target_info` and
/// `tuf_multirepo_download_target`, on the thread that called them: the fetch callback gets
/// the URL of each mirror tried. While they run the `tuf_multirepo` is in use (calls on it
/// fail with `TUF_ERR_STATE`, `tuf_multirepo_free` does nothing); no metadata directory's
/// lock is held while they run. Their userdata must stay valid until this configuration and every `tuf_multirepo` created from
/// it are freed.
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_set_updater_settings(
    config: *mut tuf_multirepo_config,
    settings: *const tuf_updater_config,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        let s = handle(settings, "settings")?;
        c.inner.updater = s.inner.clone();
        c.fetch = s.fetch;
        Ok(())
    })
}

/// Sets where each repository's metadata and targets are, relative to each of its mirror
/// URLs: `metadata_path` (NULL: `metadata`) and `targets_path` (NULL: `targets`); an empty
/// string means the URL itself (go-tuf's layout is `""` and `"targets"`).
/// `TUF_ERR_INVALID_ARGUMENT` for a path with a `..` segment or a control character.
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_set_layout(
    config: *mut tuf_multirepo_config,
    metadata_path: *const c_char,
    targets_path: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        let mut next = c.inner.clone();
        next.metadata_path = opt_str_arg(metadata_path, "metadata_path")?
            .unwrap_or("metadata")
            .into();
        next.targets_path = opt_str_arg(targets_path, "targets_path")?
            .unwrap_or("targets")
            .into();
        next.validate()?;
        c.inner = next;
        Ok(())
    })
}

/// Sets the directory targets are downloaded to when `tuf_multirepo_download_target` is
/// given no file name (NULL: `PARENT/targets`).
#[no_mangle]
pub extern "C" fn tuf_multirepo_config_set_targets_dir(
    config: *mut tuf_multirepo_config,
    targets_dir: *const c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    with_config(config, err, |c| {
        c.inner.targets_dir = opt_str_arg(targets_dir, "targets_dir")?.map(Into::into);
        Ok(())
    })
}

/// A TUF client over several repositories (TAP 4): each repository has its own trusted root,
/// metadata directory and updater, and a target is accepted only when the threshold of
/// repositories of the first mapping that matches its path (and meets its threshold) give
/// identical length and hashes. Created with `tuf_multirepo_new`, freed with
/// `tuf_multirepo_free`. Use from one thread at a time (it may move between threads); a call
/// on a `tuf_multirepo` already in a call (from one of its callbacks, or from a second
/// thread) fails with `TUF_ERR_STATE` and changes nothing.
pub struct tuf_multirepo {
    state: Mutex<MultiRepoClient>,
}

fn with_multirepo<R>(
    multi: *const tuf_multirepo,
    f: impl FnOnce(&mut MultiRepoClient) -> Result<R, tuf_error>,
) -> Result<R, tuf_error> {
    let m = handle(multi, "multi")?;
    let mut state = lock_state(&m.state, "multirepo client")?;
    f(&mut state)
}

/// Creates a client from `config` (copied: it may be freed or reused after this call). Checks
/// the configuration, then creates each repository's metadata directory and updater, which
/// loads and verifies its trusted root (spec 5.2): an invalid root, or a repository with
/// neither a trusted root nor a cached one, gives `TUF_ERR_INVALID_ARGUMENT` naming the
/// repository; `TUF_ERR_IO` if a directory cannot be created. Makes no network request. On
/// success `*out` owns the new client.
#[no_mangle]
pub extern "C" fn tuf_multirepo_new(
    config: *const tuf_multirepo_config,
    out: *mut *mut tuf_multirepo,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let cfg = handle(config, "config")?;
        out_arg(out, "out")?;
        let client = match cfg.fetch {
            Some((callback, userdata)) => {
                // A `tuf_fetch_callback`, with its return values as for an updater.
                MultiRepoClient::with_fetchers(cfg.inner.clone(), &mut |_| {
                    Ok(Box::new(FetchCallback { callback, userdata }) as Box<dyn Fetcher>)
                })?
            }
            None => MultiRepoClient::new(cfg.inner.clone())?,
        };
        let m = tuf_multirepo {
            state: Mutex::new(client),
        };
        write_out(out, Box::into_raw(Box::new(m)));
        Ok(())
    })
}

/// Frees a client. NULL is allowed and ignored. Must not be called while the client is in a
/// call (from one of its callbacks): such a call does nothing (the client is not freed).
#[no_mangle]
pub extern "C" fn tuf_multirepo_free(multi: *mut tuf_multirepo) {
    value((), || {
        free_unless_in_use(multi, |m| m.state.try_lock().is_ok());
    })
}

/// Refreshes every repository's top-level metadata (spec 5.3 to 5.6 for each), all of them
/// even when some fail. Returns `TUF_OK` when all succeeded. Otherwise the result is the
/// code of the first failing repository's error (in name order), and the message names
/// every failing repository with its error (`refresh failed for 1 of 2 repositories:
/// distro: ...`); `tuf_error_url`, `tuf_error_role` and `tuf_error_http_status` are those of
/// the first failure. The other repositories were refreshed and stay usable: lookups treat a
/// failed repository as one that does not agree, until a later refresh succeeds.
/// `TUF_ERR_STATE` if the client is in a call.
#[no_mangle]
pub extern "C" fn tuf_multirepo_refresh(
    multi: *mut tuf_multirepo,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        with_multirepo(multi, |m| {
            m.refresh().map_err(|e| {
                let message = e.to_string();
                match e.failures.into_iter().next() {
                    Some((_, first)) => tuf_error::from(first).with_message(&message),
                    None => args::invalid(&message),
                }
            })
        })
    })
}

/// A target that enough repositories agree on, returned by `tuf_multirepo_get_target_info`
/// and freed with `tuf_multirepo_target_free`. It holds the agreed target info and the answer
/// of every repository of the mapping that decided. Immutable: may be read from any thread.
/// Pointers it returns (strings and `tuf_target_info`s) are valid until it is freed and must
/// not be freed themselves.
pub struct tuf_multirepo_target {
    agreed: AgreedTarget,
    info: tuf_target_info,
    names: Vec<CString>,
    infos: Vec<Option<tuf_target_info>>,
    errors: Vec<Option<CString>>,
}

impl tuf_multirepo_target {
    fn new(agreed: AgreedTarget) -> tuf_multirepo_target {
        let answers = &agreed.answers;
        tuf_multirepo_target {
            info: tuf_target_info::new(agreed.info.clone()),
            names: answers.iter().map(|a| c_string(&a.name)).collect(),
            infos: answers
                .iter()
                .map(|a| a.info().cloned().map(tuf_target_info::new))
                .collect(),
            errors: answers
                .iter()
                .map(|a| match &a.answer {
                    Answer::Failed { message, .. } => Some(c_string(message)),
                    _ => None,
                })
                .collect(),
            agreed,
        }
    }
}

/// Looks up `target_path` (TAP 4): walks the map file's mappings in order; for the first
/// whose `paths` match (the matching of delegation paths), asks each of its repositories for
/// the target's info (refreshing a repository first if this client has not yet), and accepts
/// the target when at least `threshold` of them give identical length and hashes (`custom`
/// may differ). When the threshold is not met, a non-terminating mapping passes the search on
/// to the next mapping (the disagreement is logged as a warning) and a terminating one ends
/// it.
///
/// On success `*out` owns a new `tuf_multirepo_target`. `TUF_ERR_TARGET_NOT_FOUND` (and `*out`
/// unchanged) when no mapping matches the path, when the matching mappings did not meet
/// their threshold and none was terminating, or when none of the repositories of the
/// terminating mapping lists the target and none failed. `TUF_ERR_REPOSITORY` when a
/// terminating mapping's threshold is not met otherwise: the message names the mapping, the
/// repositories that agree, those that disagree, those that do not list the target and those
/// that failed (with their error). `TUF_ERR_STATE` if the client is in a call.
#[no_mangle]
pub extern "C" fn tuf_multirepo_get_target_info(
    multi: *mut tuf_multirepo,
    target_path: *const c_char,
    out: *mut *mut tuf_multirepo_target,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let path = str_arg(target_path, "target_path")?;
        out_arg(out, "out")?;
        match with_multirepo(multi, |m| Ok(m.get_target_info(path)?))? {
            Some(agreed) => {
                let t = tuf_multirepo_target::new(agreed);
                write_out(out, Box::into_raw(Box::new(t)));
                Ok(())
            }
            None => Err(tuf_error::new(
                TUF_ERR_TARGET_NOT_FOUND,
                &format!(
                    "target not found: {path} (no mapping matches it, or no mapping's \
                     repositories list it in enough number)"
                ),
            )),
        }
    })
}

/// Downloads an agreed target to `filepath` (NULL: the targets directory, with the target
/// path percent-encoded as one file name) and verifies it against the agreed length and
/// hashes (spec 5.7.3) while it streams to a temporary file that is renamed into place only
/// when it verified. The agreeing repositories are tried in the mapping's order, each one's
/// mirrors in order; a mirror that fails or serves a file that does not verify is followed
/// by the next. When all fail, the last attempt's error is returned (each failure is logged)
/// and nothing is left at `filepath`. If `out_path` is not NULL, on success `*out_path` is
/// the owned path written (free with `tuf_string_free`). `target` must come from this client.
/// `TUF_ERR_STATE` if the client is in a call.
#[no_mangle]
pub extern "C" fn tuf_multirepo_download_target(
    multi: *mut tuf_multirepo,
    target: *const tuf_multirepo_target,
    filepath: *const c_char,
    out_path: *mut *mut c_char,
    err: *mut *mut tuf_error,
) -> tuf_result {
    run(err, || {
        let t = handle(target, "target")?;
        let filepath = opt_str_arg(filepath, "filepath")?;
        let path = with_multirepo(multi, |m| {
            Ok(m.download_target(&t.agreed, filepath.map(Path::new))?)
        })?;
        if !out_path.is_null() {
            write_out(out_path, owned_string(&path.to_string_lossy()));
        }
        Ok(())
    })
}

fn target<'a>(t: *const tuf_multirepo_target) -> Option<&'a tuf_multirepo_target> {
    handle(t, "target").ok()
}

/// The agreed target info: length and hashes of every agreeing repository; path, role and
/// `custom` of the first agreeing repository in the mapping's order. Borrowed from `target`
/// (do not free it). NULL if `target` is NULL.
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_info(
    target: *const tuf_multirepo_target,
) -> *const tuf_target_info {
    value(std::ptr::null(), || {
        self::target(target).map_or(std::ptr::null(), |t| &t.info as *const tuf_target_info)
    })
}

/// The index, in the map file's `mapping` list, of the mapping that decided (0 if `target`
/// is NULL).
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_mapping(target: *const tuf_multirepo_target) -> usize {
    value(0, || self::target(target).map_or(0, |t| t.agreed.mapping))
}

/// How many repositories agreed (at least the mapping's threshold; 0 if `target` is NULL).
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_agreed_count(target: *const tuf_multirepo_target) -> usize {
    value(0, || {
        self::target(target).map_or(0, |t| t.agreed.agreed().count())
    })
}

/// How many repositories the deciding mapping lists: the answers that can be read by index
/// (0 if `target` is NULL).
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_repository_count(
    target: *const tuf_multirepo_target,
) -> usize {
    value(0, || self::target(target).map_or(0, |t| t.names.len()))
}

/// The name of repository `index` of the deciding mapping (in the mapping's order), or NULL
/// if `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_repository_name(
    target: *const tuf_multirepo_target,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::target(target)
            .and_then(|t| t.names.get(index))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Whether repository `index` is one of those that agreed (false if out of range).
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_repository_agreed(
    target: *const tuf_multirepo_target,
    index: usize,
) -> bool {
    value(false, || {
        self::target(target)
            .and_then(|t| t.agreed.answers.get(index))
            .is_some_and(|a| a.agreed)
    })
}

/// The target info repository `index`'s own trusted metadata gives (its `custom` data may
/// differ from the others'; a repository that did not agree may give another length or
/// other hashes), borrowed from `target`; NULL if that repository does not list the target,
/// failed, or `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_repository_info(
    target: *const tuf_multirepo_target,
    index: usize,
) -> *const tuf_target_info {
    value(std::ptr::null(), || {
        self::target(target)
            .and_then(|t| t.infos.get(index))
            .and_then(Option::as_ref)
            .map_or(std::ptr::null(), |i| i as *const tuf_target_info)
    })
}

/// The error message of repository `index` if it could not answer (its refresh or its
/// lookup failed), borrowed from `target`; NULL if it answered or `index` is out of range.
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_repository_error(
    target: *const tuf_multirepo_target,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::target(target)
            .and_then(|t| t.errors.get(index))
            .and_then(Option::as_ref)
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Frees a target. NULL is allowed and ignored.
#[no_mangle]
pub extern "C" fn tuf_multirepo_target_free(target: *mut tuf_multirepo_target) {
    value((), || free_handle(target))
}
