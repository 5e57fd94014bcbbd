//! Looking up many targets at once ([`Updater::get_target_infos`]): the delegated metadata
//! the lookups need is fetched ahead, several roles at once over libcurl's multi interface,
//! each verified on worker threads (one per core, at most four) while the transfers go on,
//! then every lookup runs as [`Updater::get_target_info`] runs it.

use std::cell::RefCell;
use std::num::NonZeroUsize;
use std::sync::{mpsc, Arc, Mutex};

use super::{
    load_cached_targets, log_fetched, persist_targets, LogLevel, RemoteTargets, TargetInfo,
    Unsaved, Updater,
};
use crate::error::{Error, Result};
use crate::fetch::{take_body, MemoryBody, MultiFetcher, MultiRequest};
use crate::verify::{TrustedSet, VerifiedTargets};

/// How many fetched roles at most wait for the verifying threads.
const WORKER_QUEUE: usize = 4;

/// How many threads at most verify the roles of one round.
const MAX_VERIFIERS: usize = 4;

/// A round starts one verifying thread per this many roles.
const ROLES_PER_VERIFIER: usize = 8;

/// How many threads verify a round of `roles` roles: one per [`ROLES_PER_VERIFIER`] roles and
/// per core, at most [`MAX_VERIFIERS`]; at least one. (The cores are counted only for a round
/// that could use more than one thread: counting them reads the process's CPU limits.)
fn verifiers(roles: usize) -> usize {
    let wanted = roles.div_ceil(ROLES_PER_VERIFIER).clamp(1, MAX_VERIFIERS);
    if wanted == 1 {
        return 1;
    }
    wanted.min(std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// The next fetched role for a verifying thread, once one arrives; `None` once the round has
/// no more.
fn next_job(queued: &Mutex<mpsc::Receiver<(usize, Vec<u8>)>>) -> Option<(usize, Vec<u8>)> {
    queued.lock().ok()?.recv().ok()
}

/// A role a lookup needs next and does not trust yet, with where to fetch it.
struct Wanted {
    role: String,
    delegator: String,
    remote: RemoteTargets,
}

impl Updater {
    /// Looks up every path of `target_paths` through the delegation graph (5.6.7), as
    /// [`get_target_info`](Self::get_target_info) does, and returns one result per path, in
    /// order: `Ok(None)` when no trusted role lists the target (5.7.2). Refreshes first if
    /// this updater has not; when that refresh fails, so does the call, and nothing is looked
    /// up.
    ///
    /// With the built-in fetcher, online, the delegated metadata the lookups need is fetched
    /// ahead: the delegation searches advance together, and the roles each one needs next
    /// are fetched at once over at most
    /// [`UpdaterConfig::max_connections`](super::UpdaterConfig::max_connections)
    /// connections, each transfer with the protections of a single one (the length snapshot
    /// gives or the configured maximum, the redirect rules, the transport settings, the
    /// deadline), and each role verified (5.6.1-5.6.6) against the role that delegated it
    /// before it is trusted or cached, as soon as its own transfer ends: on worker threads
    /// (one per core, at most four, and one per eight roles of a round), which call no
    /// callback, while the other transfers go on; the roles they verified are cached on this
    /// thread between transfers. The bytes held at once are those of the running transfers,
    /// of the roles being verified and of at most four roles waiting for a worker. A role is
    /// fetched once however many lookups need it. A role that could not be fetched or
    /// verified ahead is left to the lookup that needs it, which fetches it again on its own
    /// (with retries, when configured) and reports why it failed. When the progress function
    /// cancels, no role is fetched afterwards: the lookups that still needed one fail with
    /// [`Error::Cancelled`].
    ///
    /// With a custom fetcher ([`Updater::with_fetcher`]), or offline, the lookups run one
    /// after the other.
    pub fn get_target_infos(
        &mut self,
        target_paths: &[&str],
    ) -> Result<Vec<Result<Option<TargetInfo>>>> {
        if !self.refreshed {
            self.refresh()?;
        }
        Ok(self.look_up_all(target_paths, None))
    }

    /// The lookups of [`get_target_infos`](Self::get_target_infos), once refreshed. With
    /// `deferred`, the roles fetched ahead are trusted once verified, and handed to it to be
    /// cached by the caller, instead of cached before they are trusted; a role a lookup
    /// fetches on its own is cached as usual.
    pub(super) fn look_up_all(
        &mut self,
        target_paths: &[&str],
        deferred: Option<&mut Vec<Unsaved>>,
    ) -> Vec<Result<Option<TargetInfo>>> {
        let mut cancelled = None;
        if self.builtin_fetcher && !self.config.offline && target_paths.len() > 1 {
            cancelled = self.fetch_ahead(target_paths, deferred);
        }
        target_paths
            .iter()
            .map(|path| match &cancelled {
                None => self.get_target_info(path),
                Some(url) => self
                    .find_trusted(path)
                    .unwrap_or_else(|| Err(Error::Cancelled { url: url.clone() })),
            })
            .collect()
    }

    /// Looks up `path` in what is trusted or cached only: `None` when the search needs a role
    /// to be fetched.
    fn find_trusted(&mut self, path: &str) -> Option<Result<Option<TargetInfo>>> {
        let mut needed = false;
        let found = self.walk(path, &mut |_| needed = true);
        (!needed).then_some(found)
    }

    /// Runs the delegation search for `path` over the roles trusted or cached; a role it needs
    /// that neither holds is handed to `need` and ends the search (with an error).
    fn walk(&mut self, path: &str, need: &mut dyn FnMut(Wanted)) -> Result<Option<TargetInfo>> {
        let Updater {
            set, cache, config, ..
        } = self;
        let mut load =
            |set: &mut TrustedSet, role: &str, delegator: &str| match load_cached_targets(
                set, cache, config, role, delegator,
            )? {
                None => Ok(()),
                Some(remote) => {
                    need(Wanted {
                        role: role.to_string(),
                        delegator: delegator.to_string(),
                        remote,
                    });
                    Err(Error::State(format!("{role} is not trusted yet")))
                }
            };
        set.find_target(path, config.max_delegations, &mut load)
    }

    /// Fetches ahead, round after round, the roles the searches for `target_paths` need next;
    /// returns the URL of a transfer the progress function cancelled, if it did. With
    /// `deferred`, the roles are not cached but handed to it.
    fn fetch_ahead(
        &mut self,
        target_paths: &[&str],
        mut deferred: Option<&mut Vec<Unsaved>>,
    ) -> Option<String> {
        let mut multi = self.multi_fetcher();
        // Roles that failed ahead: left to the lookups, never fetched ahead again.
        let mut failed: Vec<String> = Vec::new();
        // Each round trusts at least one more role, or stops: the searches are bounded by
        // max_delegations, and so are the rounds.
        for _ in 0..=self.config.max_delegations {
            let mut wanted: Vec<Wanted> = Vec::new();
            for path in target_paths {
                let _ = self.walk(path, &mut |w| {
                    if !failed.contains(&w.role) && !wanted.iter().any(|o| o.role == w.role) {
                        wanted.push(w);
                    }
                });
            }
            if wanted.is_empty() {
                return None;
            }
            let (requests, bodies): (Vec<MultiRequest>, Vec<MemoryBody>) = wanted
                .iter()
                .map(|w| MultiRequest::to_memory(w.remote.url.clone(), w.remote.max_length))
                .unzip();
            let mut cancelled = None;
            let defer = deferred.is_some();
            let (round, unsaved) =
                self.fetch_round(&mut multi, &wanted, requests, &bodies, &mut failed, defer);
            if let Some(deferred) = deferred.as_deref_mut() {
                deferred.extend(unsaved);
            }
            for verified in round {
                match verified {
                    Ok(v) => {
                        self.set.insert_verified_targets(v);
                    }
                    Err(url) => {
                        cancelled.get_or_insert(url);
                    }
                }
            }
            if cancelled.is_some() {
                return cancelled;
            }
        }
        None
    }

    /// Fetches the roles of one round and verifies each (5.6.2-5.6.6) against the role that
    /// delegated it, already trusted, then caches it; returns what passed, to be trusted, and
    /// the URLs of transfers the progress function cancelled. Adds the roles that could not
    /// be fetched, verified or cached to `failed`. When `defer`, the roles that passed are
    /// returned to be cached later instead (with what passed, in the same order).
    ///
    /// Verification runs on worker threads (see [`verifiers`]) while this one drives the
    /// transfers and writes the cache, so that they overlap; at most a few roles' bytes wait
    /// for the workers. Without a worker thread (the system refused them), on this thread.
    fn fetch_round(
        &self,
        multi: &mut MultiFetcher,
        wanted: &[Wanted],
        requests: Vec<MultiRequest>,
        bodies: &[MemoryBody],
        failed: &mut Vec<String>,
        defer: bool,
    ) -> (
        Vec<std::result::Result<VerifiedTargets, String>>,
        Vec<Unsaved>,
    ) {
        let Updater {
            set, cache, config, ..
        } = self;
        let progress = config.progress.clone();
        let mut out = Vec::new();
        let mut unsaved = Vec::new();
        let take = |i: usize| take_body(&bodies[i]);
        // What became of role `i`: verified (and then cached) or not.
        let settle = |i: usize, result: Result<(VerifiedTargets, Vec<u8>)>| {
            let w = &wanted[i];
            let cached = result.and_then(|(verified, data)| {
                if defer {
                    unsaved.push(Unsaved {
                        role: w.role.clone(),
                        delegator: w.delegator.clone(),
                        remote: w.remote.clone(),
                        data,
                    });
                } else {
                    log_fetched(config, &w.role, &w.remote);
                    persist_targets(set, cache, config, &w.role, &w.delegator, &w.remote, &data)?;
                }
                Ok(verified)
            });
            match cached {
                Ok(v) => out.push(Ok(v)),
                Err(e) => {
                    config.log(LogLevel::Debug, || {
                        format!("{} not fetched ahead: {e}", w.role)
                    });
                    if let Error::Cancelled { url } = e {
                        out.push(Err(url));
                    }
                    failed.push(w.role.clone());
                }
            }
        };
        let verify = |i: usize, data: Vec<u8>| {
            let w = &wanted[i];
            set.verify_delegated_targets(&data, &w.role, &w.delegator)
                .map(|v| (v, data))
        };
        let settle = RefCell::new(settle);
        std::thread::scope(|scope| {
            // Bounded: a transfer that ends while the workers are behind waits for them.
            let (jobs, queued) = mpsc::sync_channel::<(usize, Vec<u8>)>(WORKER_QUEUE);
            // Shared by the workers only: once the last one ends, sending fails.
            let queued = Arc::new(Mutex::new(queued));
            let (done, finished) = mpsc::channel();
            let verify = &verify;
            let mut started = false;
            for _ in 0..verifiers(wanted.len()) {
                let (queued, done) = (queued.clone(), done.clone());
                let worker = std::thread::Builder::new()
                    .name("tuf-verify".into())
                    .spawn_scoped(scope, move || {
                        // One worker at a time waits for the next role, the lock released
                        // before it verifies.
                        while let Some((i, data)) = next_job(&queued) {
                            if done.send((i, verify(i, data))).is_err() {
                                break;
                            }
                        }
                    });
                started |= worker.is_ok();
            }
            drop((queued, done));
            let jobs = started.then_some(jobs);
            // Roles the workers verified are cached between transfers.
            let drain = || {
                while let Ok((i, r)) = finished.try_recv() {
                    (settle.borrow_mut())(i, r);
                }
            };
            multi.fetch_each_polling(
                requests,
                progress.as_ref(),
                &mut |i, result| {
                    let data = match result {
                        Ok(()) => take(i),
                        Err(e) => return (settle.borrow_mut())(i, Err(e)),
                    };
                    let Some(jobs) = &jobs else {
                        return (settle.borrow_mut())(i, verify(i, data));
                    };
                    // The workers are gone only if they panicked, which the scope's end
                    // reports.
                    if let Err(mpsc::SendError((i, data))) = jobs.send((i, data)) {
                        (settle.borrow_mut())(i, verify(i, data));
                    }
                },
                &mut || drain(),
            );
            drop(jobs);
            for (i, r) in finished.iter() {
                (settle.borrow_mut())(i, r);
            }
        });
        (out, unsaved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_verifying_thread_per_core_and_per_eight_roles_at_most_four() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(verifiers(0), 1);
        assert_eq!(verifiers(1), 1);
        assert_eq!(verifiers(8), 1);
        assert_eq!(verifiers(9), cores.min(2));
        assert_eq!(verifiers(100), cores.min(4));
    }
}
