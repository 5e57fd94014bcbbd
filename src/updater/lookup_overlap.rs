//! One target lookup ([`Updater::get_target_info`]) with the built-in fetcher, online: the
//! delegated roles the search needs are fetched one after the other, as each names the next
//! (5.6.7), with two things overlapped with the transfers instead of done between them:
//!
//! - each role is written to the cache beside the walk: for a directory, on the helper thread
//!   of `cache_writer.rs`, while the next roles are fetched and verified; for another store,
//!   on this thread while the request for the next role is on its way;
//! - each role fetched is verified while the role the search needs after it is fetched: the
//!   role it names first for the target, read from its bytes before they are verified
//!   ([`TrustedSet::next_role_to_load`]). Only the choice of what to request comes from
//!   unverified bytes: the role fetched ahead is used only if the search asks for it, once
//!   the role that named it verified, and is then verified as any role (a role that fails
//!   stops the transfer of the one after it). The requests are those the search makes
//!   anyway, one of them earlier, and only for a role the trusted snapshot lists and the
//!   cache does not hold.

use super::cache_writer::LazyWriter;
use super::{
    load_cached_targets, multi_fetcher, remote_targets, RemoteTargets, TargetInfo, Unsaved,
    Updater, UpdaterConfig,
};
use crate::error::{Error, Result};
use crate::fetch::{fetch_targets_metadata, is_transient, take_body, MultiFetcher, MultiRequest};
use crate::updater::cache::MetadataCache;
use crate::verify::{TrustedSet, VerifiedTargets};

/// A role fetched ahead: which role, by which delegator, from where, and its bytes or why the
/// transfer failed.
struct Ahead {
    role: String,
    delegator: String,
    remote: RemoteTargets,
    outcome: Result<Vec<u8>>,
}

/// Where to fetch `role` ahead from, when it is worth it: the trusted snapshot lists it and
/// the cache holds no file for it (one it holds may verify, and then nothing is fetched).
fn fetch_ahead_from(
    set: &TrustedSet,
    cache: &MetadataCache,
    config: &UpdaterConfig,
    role: &str,
) -> Option<RemoteTargets> {
    let remote = remote_targets(set, config, role).ok()?;
    matches!(cache.read(role, remote.cache_limit), Ok(None)).then_some(remote)
}

impl Updater {
    /// [`get_target_info`](Self::get_target_info)'s search, the cache writes and the
    /// verifications overlapped with the transfers (see the module's documentation). Each
    /// role is verified (5.6.1-5.6.6) before it is trusted, as always, and written to the
    /// cache before this returns, in the order verified; the first write that fails ends the
    /// walk at its next role, and is the lookup's failure. A transfer that failed for a
    /// transient reason is made again alone with the retry policy, when there is one; any
    /// other failure, a cancellation included, is the lookup's.
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
        let mut ahead: Option<Ahead> = None;
        let save = |set: &TrustedSet, u: Unsaved| u.save(set, cache, config);
        let mut load = |set: &mut TrustedSet, role: &str, delegator: &str| -> Result<()> {
            if let Err(e) = writer.check() {
                stopped_by_writer = true;
                return Err(e);
            }
            // The role fetched ahead is the one the search asks for, untrusted when it was
            // fetched (see `next_role_to_load`) and not cached then: the cache is not read
            // for it again.
            let (remote, outcome) = match ahead.take() {
                Some(a) if a.role == role && a.delegator == delegator => {
                    (a.remote, Some(a.outcome))
                }
                _ => match load_cached_targets(set, cache, config, role, delegator)? {
                    None => return Ok(()),
                    Some(remote) => (remote, None),
                },
            };
            let multi = multi.get_or_insert_with(|| multi_fetcher(config, pool));
            let progress = config.progress.as_ref();
            let outcome = match outcome {
                Some(outcome) => Some(outcome),
                None => {
                    let (request, body) =
                        MultiRequest::to_memory(remote.url.clone(), remote.max_length);
                    let mut outcome = None;
                    let mut saved = Ok(());
                    {
                        let set: &TrustedSet = set;
                        multi.fetch_each_polling(
                            vec![request],
                            progress,
                            &mut |_, result| outcome = Some(result),
                            &mut || {
                                if let Some(u) = unsaved.take() {
                                    saved = save(set, u);
                                }
                            },
                        );
                    }
                    saved?;
                    outcome.map(|r| r.map(|()| take_body(&body)))
                }
            };
            let data = match outcome {
                Some(Ok(data)) => {
                    let parsed = set.parse_delegated_targets(&data, role)?;
                    let next = set
                        .next_role_to_load(role, &parsed.metadata.signed, target_path)
                        .and_then(|next| {
                            let remote = fetch_ahead_from(set, cache, config, &next)?;
                            Some((next, remote))
                        });
                    let mut parsed = Some(parsed);
                    let mut verified: Option<Result<VerifiedTargets>> = None;
                    let mut saved = Ok(());
                    {
                        let set: &TrustedSet = set;
                        // On the first call, the role fetched before it written (for a store
                        // without the helper) and the role verified; then whether both
                        // succeeded: the transfer of the role after it stops once either
                        // failed.
                        let mut verify = || {
                            if let Some(p) = parsed.take() {
                                if let Some(u) = unsaved.take() {
                                    saved = save(set, u);
                                }
                                verified = Some(set.verify_parsed_targets(p, role, delegator));
                            }
                            saved.is_ok() && verified.as_ref().is_some_and(Result::is_ok)
                        };
                        if let Some((next_role, next)) = next {
                            let (request, body) =
                                MultiRequest::to_memory(next.url.clone(), next.max_length);
                            let mut fetched = None;
                            multi.fetch_each_while(
                                vec![request],
                                progress,
                                &mut |_, result| fetched = Some(result),
                                &mut verify,
                            );
                            // The transfer may have ended before the first poll.
                            verify();
                            if let Some(result) = fetched {
                                ahead = Some(Ahead {
                                    role: next_role,
                                    delegator: role.to_string(),
                                    remote: next,
                                    outcome: result.map(|()| take_body(&body)),
                                });
                            }
                        } else {
                            verify();
                        }
                    }
                    saved?;
                    let verified = verified.ok_or_else(|| {
                        Error::State(format!("{role} was fetched but not verified"))
                    })?;
                    set.insert_verified_targets(verified?);
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
                Some(w) => u.hand_over(w, set, config),
                None => {
                    // The role before it, when nothing was fetched since it was verified.
                    if let Some(before) = unsaved.take() {
                        save(set, before)?;
                    }
                    unsaved = Some(u);
                }
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
