//! Downloading many targets at once ([`Updater::download_targets`]): libcurl's multi
//! interface over a bounded number of connections, each file written, resumed and verified
//! as a single download is (`download.rs`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::cache::MetadataCache;
use super::config::UpdaterConfig;
use super::download::{partial_name, remove_other_partials, spoils_partial, Store, Writer};
use super::fs::Dir;
use super::target_files::{local_name, Destination};
use super::{LogLevel, TargetInfo, Unsaved, Updater};
use crate::error::{Error, Result};
use crate::fetch::{is_transient, MultiRequest};
use crate::verify::TrustedSet;

/// A target to download in the parallel batch.
struct Planned {
    /// Its index in the caller's list.
    index: usize,
    filepath: Option<PathBuf>,
    dest: Destination,
    url: String,
}

/// What to do with one target.
enum Plan {
    /// Its file is there, verified.
    Present(PathBuf),
    Fetch(Planned),
}

/// A planned target whose file is open.
struct Open<'d> {
    planned: usize,
    store: Store<'d>,
    writer: Arc<Mutex<Option<Writer>>>,
    dir: &'d Dir,
    /// Its request in the batch (none when the file was complete already).
    request: Option<usize>,
}

/// What happens to a target after the parallel batch.
enum After {
    Done(Result<PathBuf>),
    /// Downloaded again on its own (its partial file resumed, with retries).
    Alone,
}

impl Updater {
    /// Downloads every target of `infos` (5.7), several at once, into `target_dir` (`None`:
    /// the configured targets directory) under its local name ([`target_path`](Self::target_path)),
    /// from `target_base_url` (`None`: the configured one). Returns one result per target, in
    /// order: the path of its verified file, or why it failed; one failure stops no other
    /// download.
    ///
    /// A target whose file is already there with the right length and hashes
    /// ([`find_cached_target`](Self::find_cached_target)) is not downloaded again. The others
    /// go over at most [`UpdaterConfig::max_connections`](super::UpdaterConfig::max_connections)
    /// connections at once with libcurl's multi interface (transfers share connections over
    /// HTTP/2), each with every protection of a single download: the length limit while
    /// receiving, every hash, the redirect rules, the transport settings and the deadline;
    /// each file is written, resumed ([`UpdaterConfig::resume_downloads`](super::UpdaterConfig::resume_downloads)) and verified as
    /// [`download_target`](Self::download_target) does. A target whose transfer failed for a
    /// transient reason while retries are configured, or whose resumed file could not be
    /// continued, is then downloaded again on its own (resuming what arrived, with retries).
    ///
    /// Progress of every transfer goes to [`UpdaterConfig::progress`](super::UpdaterConfig::progress)
    /// with each target's URL, positions counted in the whole file; when it cancels, every
    /// transfer still running or waiting fails with [`Error::Cancelled`] (their partial files
    /// stay for the next download). With a custom fetcher ([`Updater::with_fetcher`]), the
    /// targets are downloaded one after the other through it.
    pub fn download_targets(
        &mut self,
        infos: &[TargetInfo],
        target_dir: Option<&Path>,
        target_base_url: Option<&str>,
    ) -> Vec<Result<PathBuf>> {
        // With no role to cache, nothing stops the downloads before they start.
        self.download_targets_saving(infos, target_dir, target_base_url, &[])
            .unwrap_or_else(|e| {
                let e = e.to_string();
                infos.iter().map(|_| Err(Error::State(e.clone()))).collect()
            })
    }

    /// [`download_targets`](Self::download_targets), which first writes `unsaved` to the
    /// cache: while the targets' files are created, when they are downloaded at once (the two
    /// are in different directories, so that the file system creates them side by side). A
    /// role that cannot be cached fails the call before any transfer starts, the files made
    /// for them removed again (partial files that held bytes already are kept).
    pub(super) fn download_targets_saving(
        &mut self,
        infos: &[TargetInfo],
        target_dir: Option<&Path>,
        target_base_url: Option<&str>,
        unsaved: &[Unsaved],
    ) -> Result<Vec<Result<PathBuf>>> {
        let mut results: Vec<Option<Result<PathBuf>>> = infos.iter().map(|_| None).collect();
        let mut planned = Vec::new();
        for (index, info) in infos.iter().enumerate() {
            match self.plan(index, info, target_dir, target_base_url) {
                Ok(Plan::Present(path)) => results[index] = Some(Ok(path)),
                Ok(Plan::Fetch(p)) => planned.push(p),
                Err(e) => results[index] = Some(Err(e)),
            }
        }
        if self.builtin_fetcher && planned.len() > 1 {
            self.download_parallel(infos, &planned, &mut results, unsaved)?;
        } else {
            save_roles(unsaved, &self.set, &self.cache, &self.config)?;
        }
        // Once the progress function cancelled, nothing else starts.
        let cancelled = results
            .iter()
            .any(|r| matches!(r, Some(Err(Error::Cancelled { .. }))));
        for p in &planned {
            if results[p.index].is_none() && cancelled {
                results[p.index] = Some(Err(Error::Cancelled { url: p.url.clone() }));
            } else if results[p.index].is_none() {
                results[p.index] = Some(self.download_target(
                    &infos[p.index],
                    p.filepath.as_deref(),
                    target_base_url,
                ));
            }
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Error::State("target left undecided".into()))))
            .collect())
    }

    /// Where and from where `info` is to be downloaded, unless its file is already there.
    fn plan(
        &self,
        index: usize,
        info: &TargetInfo,
        target_dir: Option<&Path>,
        target_base_url: Option<&str>,
    ) -> Result<Plan> {
        let filepath = match target_dir {
            Some(d) => Some(d.join(local_name(&info.path)?)),
            None => None,
        };
        let dest = self.destination(info, filepath.as_deref())?;
        let url = self.target_url(info, target_base_url)?;
        if let Some(path) = self.find_cached_target(info, filepath.as_deref())? {
            return Ok(Plan::Present(path));
        }
        Ok(Plan::Fetch(Planned {
            index,
            filepath,
            dest,
            url,
        }))
    }

    /// Downloads `planned` with libcurl's multi interface; sets the result of each target
    /// that is decided, and leaves the others (to be downloaded on their own). Writes
    /// `unsaved` to the cache while a helper thread creates the targets' files; fails, with
    /// nothing downloaded, when a role cannot be cached.
    fn download_parallel(
        &mut self,
        infos: &[TargetInfo],
        planned: &[Planned],
        results: &mut [Option<Result<PathBuf>>],
        unsaved: &[Unsaved],
    ) -> Result<()> {
        // Directories first: the files opened below borrow them.
        let mut dirs: Vec<(PathBuf, Dir)> = Vec::new();
        for p in planned {
            if dirs.iter().any(|(path, _)| *path == p.dest.dir) {
                continue;
            }
            // A directory that cannot be made is left to the single downloads, which report
            // it.
            if let Ok(dir) = Dir::create(&p.dest.dir) {
                if p.filepath.is_none() {
                    self.clean_targets_dir(&dir);
                }
                dirs.push((p.dest.dir.clone(), dir));
            }
        }
        // The files of the targets, in the order planned: made on a helper thread while this
        // one caches the roles (no callback runs on the helper).
        let mut todo: Vec<(usize, &Dir)> = Vec::new();
        for (k, p) in planned.iter().enumerate() {
            if results[p.index].is_some() {
                continue;
            }
            if let Some((_, dir)) = dirs.iter().find(|(path, _)| *path == p.dest.dir) {
                todo.push((k, dir));
            }
        }
        let resume = self.config.resume_downloads;
        let open_all = || open_files(infos, planned, &todo, resume);
        let (set, cache, config) = (&self.set, &self.cache, &self.config);
        let (opened, saved) = std::thread::scope(|scope| {
            if unsaved.is_empty() {
                return (open_all(), Ok(()));
            }
            let helper = std::thread::Builder::new()
                .name("tuf-files".into())
                .spawn_scoped(scope, open_all);
            let saved = save_roles(unsaved, set, cache, config);
            let opened = match helper {
                Ok(helper) => helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // Without a helper thread (the system refused one), on this thread.
                Err(_) => open_all(),
            };
            (opened, saved)
        });
        if let Err(e) = saved {
            for (store, writer) in opened.into_iter().flatten() {
                if writer.len() == 0 {
                    store.discard();
                }
            }
            return Err(e);
        }
        let mut open: Vec<Open<'_>> = Vec::new();
        let mut requests = Vec::new();
        for (&(k, dir), opened) in todo.iter().zip(opened) {
            let p = &planned[k];
            let info = &infos[p.index];
            let (store, writer) = match opened {
                Ok(o) => o,
                Err(e) => {
                    results[p.index] = Some(Err(e));
                    continue;
                }
            };
            let offset = writer.len();
            if writer.resumed() {
                config.log(LogLevel::Info, || {
                    let length = info.target.length;
                    format!("resuming {} at byte {offset} of {length}", info.path)
                });
            }
            let writer = Arc::new(Mutex::new(Some(writer)));
            let mut request = None;
            if offset < info.target.length {
                request = Some(requests.len());
                let sink_writer = writer.clone();
                requests.push(MultiRequest {
                    url: p.url.clone(),
                    offset,
                    max_length: info.target.length,
                    sink: Box::new(move |at, chunk| {
                        match sink_writer.lock().map_err(|_| poisoned())?.as_mut() {
                            Some(w) => w.write(at, chunk),
                            None => Err(poisoned()),
                        }
                    }),
                });
            }
            open.push(Open {
                planned: k,
                store,
                writer,
                dir,
                request,
            });
        }
        let config = &self.config;
        let mut fetched: Vec<Option<Result<()>>> = self
            .multi_fetcher()
            .fetch_all(requests, config.progress.as_ref())
            .into_iter()
            .map(Some)
            .collect();
        let mut saved = Vec::new();
        for o in open {
            let p = &planned[o.planned];
            let info = &infos[p.index];
            let writer = o.writer.lock().ok().and_then(|mut w| w.take());
            let Some(writer) = writer else {
                results[p.index] = Some(Err(poisoned()));
                continue;
            };
            let result = match o.request {
                Some(r) => fetched[r].take().unwrap_or_else(|| Err(poisoned())),
                None => Ok(()),
            };
            if let After::Done(r) = self.conclude(p, info, o.store, o.dir, writer, result) {
                if r.is_ok() && config.resume_downloads {
                    saved.push((o.dir, p.dest.name.as_os_str(), &info.target));
                }
                results[p.index] = Some(r);
            }
        }
        for (_, dir) in &dirs {
            let names: Vec<_> = saved
                .iter()
                .filter(|(d, _, _)| std::ptr::eq(*d, dir))
                .map(|(_, name, target)| (*name, partial_name(name, target)))
                .collect();
            remove_other_partials(dir, &names);
        }
        Ok(())
    }

    /// Verifies and renames a target the parallel batch fetched, or says what else to do.
    fn conclude(
        &self,
        p: &Planned,
        info: &TargetInfo,
        store: Store<'_>,
        dir: &Dir,
        writer: Writer,
        fetched: Result<()>,
    ) -> After {
        let config = &self.config;
        let resumed = writer.resumed();
        let empty = writer.len() == 0;
        let result = fetched.and_then(|()| writer.verify());
        match result {
            Ok(()) => {
                let persisted = store
                    .persist(dir, &p.dest.name, config.sync_all_writes)
                    .map_err(|e| Error::io(&p.dest.path, e));
                if persisted.is_ok() {
                    let length = info.target.length;
                    config.log(LogLevel::Info, || {
                        format!("downloaded {} ({length} bytes) from {}", info.path, p.url)
                    });
                }
                After::Done(persisted.map(|()| p.dest.path.clone()))
            }
            Err(e) if spoils_partial(&e) => {
                store.discard();
                if resumed {
                    config.log(LogLevel::Info, || {
                        format!("starting {} over from the beginning: {e}", info.path)
                    });
                    return After::Alone;
                }
                After::Done(Err(e))
            }
            Err(e) => {
                // Interrupted: the partial file stays for the next download, unless empty.
                if empty {
                    store.discard();
                } else {
                    drop(store);
                }
                if config.retry.retries > 0 && is_transient(&e) {
                    return After::Alone;
                }
                After::Done(Err(e))
            }
        }
    }
}

/// Opens the file of each target of `todo` (its index in `planned` and its directory), in
/// order: created, or a partial file continued when `resume`, ready to be written.
fn open_files<'d>(
    infos: &[TargetInfo],
    planned: &[Planned],
    todo: &[(usize, &'d Dir)],
    resume: bool,
) -> Vec<Result<(Store<'d>, Writer)>> {
    todo.iter()
        .map(|&(k, dir)| {
            let p = &planned[k];
            let info = &infos[p.index];
            info.target.hashes.verifier(&info.path)?;
            let mut store = Store::open(dir, &p.dest.name, &info.target, resume)?;
            let file = store.handle().map_err(|e| Error::io(&p.dest.path, e))?;
            let existing = store.is_partial();
            let writer = Writer::open(file, existing, &info.path, &info.target)?;
            Ok((store, writer))
        })
        .collect()
}

/// Writes each role of `unsaved` to the cache, in order; stops at the first that fails.
fn save_roles(
    unsaved: &[Unsaved],
    set: &TrustedSet,
    cache: &MetadataCache,
    config: &UpdaterConfig,
) -> Result<()> {
    unsaved.iter().try_for_each(|u| u.save(set, cache, config))
}

fn poisoned() -> Error {
    Error::State("a parallel transfer's writer is unusable".into())
}
