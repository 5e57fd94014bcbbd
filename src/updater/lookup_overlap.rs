//! One target lookup ([`Updater::get_target_info`]) with the built-in fetcher, online: the
//! delegated roles the search needs are fetched one after the other, as each names the next
//! (5.6.7), and each is written to the cache beside the walk instead of between its steps:
//! for a directory, on the helper thread of `cache_writer.rs`, while the next roles are
//! fetched and verified; for another store, on this thread while the request for the next
//! role is on its way.

use super::cache_writer::{Job, LazyWriter};
use super::{load_cached_targets, log_fetched, multi_fetcher, TargetInfo, Unsaved, Updater};
use crate::error::{Error, Result};
use crate::fetch::{fetch_targets_metadata, is_transient, take_body, MultiFetcher, MultiRequest};
use crate::verify::TrustedSet;

impl Updater {
    /// [`get_target_info`](Self::get_target_info)'s search, the cache writes overlapped with
    /// the walk. Each role is verified (5.6.1-5.6.6) before it is trusted, as always, and
    /// written to the cache before this returns, in the order verified; the first write that
    /// fails ends the walk at its next role, and is the lookup's failure. A transfer that
    /// failed for a transient reason is made again alone with the retry policy, when there is
    /// one; any other failure, a cancellation included, is the lookup's.
    pub(super) fn find_overlapping(&mut self, target_path: &str) -> Result<Option<TargetInfo>> {
        let retries = self.config.retry.retries > 0;
        let Updater {
            set,
            cache,
            fetcher,
            config,
            pool,
            ..
        } = self;
        // Made for the first transfer: a lookup that fetches nothing (every role trusted or
        // cached already) does not copy the fetcher settings (PEM bytes included).
        let mut multi: Option<MultiFetcher> = None;
        // The helper, started at the first role fetched; without one (not a directory, or
        // no thread), the role waiting to be written on this thread.
        let mut writer = LazyWriter::default();
        let mut stopped_by_writer = false;
        let mut unsaved: Option<Unsaved> = None;
        let save = |set: &TrustedSet, u: Unsaved| u.save(set, cache, config);
        let mut load = |set: &mut TrustedSet, role: &str, delegator: &str| -> Result<()> {
            if writer.failed() {
                stopped_by_writer = true;
                return Err(Error::State("a cache write failed".into()));
            }
            let Some(remote) = load_cached_targets(set, cache, config, role, delegator)? else {
                return Ok(());
            };
            let (request, body) = MultiRequest::to_memory(remote.url.clone(), remote.max_length);
            let mut outcome = None;
            let mut saved = Ok(());
            {
                let set: &TrustedSet = set;
                let multi = multi.get_or_insert_with(|| multi_fetcher(config, pool));
                multi.fetch_each_polling(
                    vec![request],
                    config.progress.as_ref(),
                    &mut |_, result| outcome = Some(result),
                    &mut || {
                        if let Some(u) = unsaved.take() {
                            saved = save(set, u);
                        }
                    },
                );
                // The transfer may have ended before the first poll.
                if let Some(u) = unsaved.take() {
                    saved = save(set, u);
                }
            }
            saved?;
            let data = match outcome {
                Some(Ok(())) => {
                    let data = take_body(&body);
                    set.update_delegated_targets(&data, role, delegator)?;
                    data
                }
                Some(Err(e)) if retries && is_transient(&e) => fetch_targets_metadata(
                    set,
                    fetcher.as_mut(),
                    &remote.url,
                    role,
                    delegator,
                    config.targets_max_length,
                )?,
                Some(Err(e)) => return Err(e),
                None => return Err(Error::State("the transfer was never started".into())),
            };
            let u = Unsaved {
                role: role.to_string(),
                delegator: delegator.to_string(),
                remote,
                data,
            };
            match writer.get(cache) {
                Some(w) => {
                    log_fetched(config, &u.role, &u.remote);
                    w.send(Job::Role {
                        trusted_version: u.remote.version,
                        snapshot_len: set.snapshot_len(),
                        cache_limit: u.remote.cache_limit,
                        unsaved: u,
                    });
                }
                None => unsaved = Some(u),
            }
            Ok(())
        };
        let found = set.find_target(target_path, config.max_delegations, &mut load);
        if let Some(u) = unsaved.take() {
            save(set, u)?;
        }
        let Some(finished) = writer.finish() else {
            return found;
        };
        if let Some(e) = finished.error {
            if stopped_by_writer || found.is_ok() {
                return Err(e);
            }
        }
        // The roles the helper left: the cache holds a copy that may be newer than the one
        // trusted, which only the whole trusted set can tell.
        for u in finished.deferred {
            u.save_logged(set, cache, config)?;
        }
        found
    }
}
