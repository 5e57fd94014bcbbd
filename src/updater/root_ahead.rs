//! Root versions fetched ahead (5.3.3). The URL of every root version is known before any of
//! them is verified (`{version}.root.json`), so once a refresh has found one new root on the
//! repository, it asks for the next ones several at a time over the built-in fetcher's
//! connections ([`MultiFetcher`](crate::fetch::MultiFetcher)) instead of one round trip
//! each. Each root is still verified against the one before it, and persisted, one by one
//! and in order ([`Updater::load_root`](super::Updater)): fetching ahead changes when the bytes
//! arrive, never what is trusted.
//!
//! The first root of a refresh is asked for alone, as before: most refreshes find no new root,
//! and then make one request. Each request that finds the root it asked for first makes the
//! next one ask for twice as many versions (1, 2, 4, ...), up to
//! [`UpdaterConfig::max_connections`](super::UpdaterConfig::max_connections), and never for a
//! version above the last one the refresh may reach
//! ([`UpdaterConfig::max_root_rotations`](super::UpdaterConfig::max_root_rotations)). So a
//! chain of `k` new roots takes about `log2(m) + k / m` round trips, `m` being
//! `max_connections`, instead of `k + 1` (30 new roots, `m` = 6: 7 instead of 31), and the
//! versions asked for past its end, each a `404`, are fewer than those of the last request.
//!
//! The first root request of a refresh asks for the timestamp too (5.4's URL does not depend
//! on the root), both over one connection: over HTTP/2 the two requests share it and the
//! timestamp costs no round trip of its own; over HTTP/1.1 libcurl asks for the timestamp on
//! that connection as soon as the root's answer has come, as the refresh would. Most
//! refreshes find no new root, and then 5.4 uses that timestamp
//! ([`Updater::load_timestamp`](super::Updater)), verified like any other (5.4.1-5.4.4)
//! against the cached timestamp as it was just before the request (read first, as for a
//! timestamp fetched alone). It is kept only when that root request ends the chain (403 or
//! 404): once a new root is found, the timestamp is fetched again after the walk, as the
//! repository may have published a new one with it. A transfer of it that failed otherwise
//! than with 403, 404 or a cancellation is made again alone with the retry policy of a single
//! transfer, as a root fetched ahead is (over HTTP/1.1 its deadline ran while it waited for
//! the connection).

use std::collections::VecDeque;

use super::Updater;
use crate::error::{Error, Result};
use crate::fetch::{fetch_bytes, is_not_found};

/// What a transfer made ahead (`None`: none was) means for its caller: its bytes, a failure
/// that is final (403, 404, a cancellation), or `Ok(None)`: to be made again alone, with the
/// retry policy of a single transfer.
pub(super) fn settled(result: Option<Result<Vec<u8>>>) -> Result<Option<Vec<u8>>> {
    match result {
        Some(Ok(data)) => Ok(Some(data)),
        Some(Err(e)) if is_not_found(&e) || matches!(e, Error::Cancelled { .. }) => Err(e),
        Some(Err(_)) | None => Ok(None),
    }
}

/// The timestamp fetched with the first root request of a refresh, for 5.4.
pub(super) struct TimestampAhead {
    /// The cached timestamp, read just before the request was sent.
    pub(super) cached: Option<Vec<u8>>,
    /// What the transfer gave.
    pub(super) remote: Result<Vec<u8>>,
}

/// Root versions fetched ahead and not used yet, and how many to ask for next.
pub(super) struct RootsAhead {
    /// `(version, what its transfer gave)`, consecutive versions in increasing order.
    fetched: VecDeque<(u64, Result<Vec<u8>>)>,
    /// How many versions the next request asks for.
    window: usize,
    /// The highest version the refresh may ask for.
    last: u64,
    /// Whether a root was asked for from the repository in this refresh.
    asked: bool,
}

impl RootsAhead {
    /// Nothing fetched yet; versions above `last` are never asked for.
    pub(super) fn new(last: u64) -> RootsAhead {
        RootsAhead {
            fetched: VecDeque::new(),
            window: 1,
            last,
            asked: false,
        }
    }

    /// What was fetched ahead for `version`, if it was (versions below it are dropped: they
    /// were found in the cache).
    fn take(&mut self, version: u64) -> Option<Result<Vec<u8>>> {
        while let Some((v, _)) = self.fetched.front() {
            if *v >= version {
                break;
            }
            self.fetched.pop_front();
        }
        match self.fetched.front() {
            Some((v, _)) if *v == version => self.fetched.pop_front().map(|(_, r)| r),
            _ => None,
        }
    }

    /// The root a request asked for first was found: the next request asks for twice as
    /// many versions, up to `most`.
    fn found(&mut self, most: usize) {
        self.window = self.window.saturating_mul(2).min(most.max(1));
    }

    /// Keeps the results of versions `first`, `first + 1`, ...: those before the first
    /// failure, then that failure, which ends the chain; but if any transfer was cancelled,
    /// that cancellation takes the failure's place, so that it is never overlooked.
    fn keep(&mut self, first: u64, results: Vec<Result<Vec<u8>>>) {
        let cancelled = results.iter().find_map(|r| match r {
            Err(Error::Cancelled { url }) => Some(url.clone()),
            _ => None,
        });
        self.fetched.clear();
        // `first + i` stays within the versions asked for: no overflow.
        for (i, result) in (0u64..).zip(results) {
            let version = first + i;
            match result {
                Ok(data) => self.fetched.push_back((version, Ok(data))),
                Err(e) => {
                    let e = match cancelled {
                        Some(url) => Error::Cancelled { url },
                        None => e,
                    };
                    self.fetched.push_back((version, Err(e)));
                    return;
                }
            }
        }
    }
}

impl Updater {
    /// Root version `version` from the repository: fetched ahead already, or now together
    /// with the next ones ([`RootsAhead`]) or, the first one of a refresh, with the
    /// timestamp, or now alone through the updater's fetcher. A transfer fetched ahead that
    /// failed otherwise than with 403, 404 or a cancellation is made again alone, with the
    /// retry policy of a single transfer.
    pub(super) fn fetch_root(&mut self, version: u64, ahead: &mut RootsAhead) -> Result<Vec<u8>> {
        let max = self.config.root_max_length;
        let mut result = ahead.take(version);
        let fetched_now = result.is_none();
        let first = !std::mem::replace(&mut ahead.asked, true);
        if fetched_now && ahead.window > 1 && self.builtin_fetcher {
            let count = (ahead.last.saturating_sub(version)).saturating_add(1);
            let count = count.min(ahead.window as u64) as usize;
            if count > 1 {
                ahead.keep(version, self.fetch_roots_at_once(version, count));
                result = ahead.take(version);
            }
        } else if fetched_now && first && self.builtin_fetcher && self.config.max_connections > 1 {
            result = Some(self.fetch_root_with_timestamp(version));
        }
        let data = match settled(result)? {
            Some(data) => data,
            None => {
                let url = self.metadata_url("root", Some(version));
                fetch_bytes(self.fetcher.as_mut(), &url, max)?
            }
        };
        if fetched_now {
            ahead.found(self.config.max_connections);
        }
        Ok(data)
    }

    /// Fetches root version `version` and the timestamp at once. The timestamp's result is
    /// kept for 5.4 (`timestamp_ahead`), with the cached timestamp read just before, when the
    /// root's is a 403 or a 404; a cancellation of either transfer is the root's result.
    fn fetch_root_with_timestamp(&mut self, version: u64) -> Result<Vec<u8>> {
        let cached = self.cached_timestamp()?;
        let requests = vec![
            (
                self.metadata_url("root", Some(version)),
                self.config.root_max_length,
            ),
            (
                self.metadata_url("timestamp", None),
                self.config.timestamp_max_length,
            ),
        ];
        // One connection: the two share it over HTTP/2, and over HTTP/1.1 the timestamp is
        // asked for on it as soon as the root's answer has come, as it would be alone.
        let results = self
            .multi_fetcher()
            .with_connections(1)
            .fetch_all_to_memory(requests, self.config.progress.as_ref());
        let [root, timestamp]: [Result<Vec<u8>>; 2] = results
            .try_into()
            .map_err(|_| Error::State("a transfer was never started".into()))?;
        match (root, timestamp) {
            (_, Err(e @ Error::Cancelled { .. })) | (Err(e @ Error::Cancelled { .. }), _) => Err(e),
            (Err(e), timestamp) if is_not_found(&e) => {
                self.timestamp_ahead = Some(TimestampAhead {
                    cached,
                    remote: timestamp,
                });
                Err(e)
            }
            (root, _) => root,
        }
    }

    /// Fetches root versions `first` to `first + count - 1` at once; one result each, in
    /// order.
    fn fetch_roots_at_once(&self, first: u64, count: usize) -> Vec<Result<Vec<u8>>> {
        let max = self.config.root_max_length;
        // At most `last`: `first + i` does not overflow.
        let requests = (0..count as u64)
            .map(|i| (self.metadata_url("root", Some(first + i)), max))
            .collect();
        self.multi_fetcher()
            .fetch_all_to_memory(requests, self.config.progress.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_found(v: u64) -> Error {
        Error::Download {
            url: format!("{v}.root.json"),
            status: Some(404),
            msg: String::new(),
        }
    }

    #[test]
    fn the_window_doubles_up_to_the_most_connections() {
        let mut a = RootsAhead::new(100);
        let mut seen = Vec::new();
        for _ in 0..5 {
            a.found(6);
            seen.push(a.window);
        }
        assert_eq!(seen, [2, 4, 6, 6, 6]);
        let mut one = RootsAhead::new(100);
        one.found(1);
        assert_eq!(one.window, 1);
    }

    #[test]
    fn results_after_the_first_failure_are_dropped() {
        let mut a = RootsAhead::new(100);
        a.keep(
            5,
            vec![Ok(b"5".to_vec()), Err(not_found(6)), Ok(b"7".to_vec())],
        );
        assert_eq!(a.take(5).unwrap().unwrap(), b"5");
        assert!(matches!(a.take(6), Some(Err(Error::Download { .. }))));
        assert!(a.take(7).is_none());
    }

    #[test]
    fn a_cancellation_anywhere_takes_the_place_of_the_first_failure() {
        let mut a = RootsAhead::new(100);
        let cancelled = Error::Cancelled { url: "8".into() };
        a.keep(
            5,
            vec![
                Ok(b"5".to_vec()),
                Err(not_found(6)),
                Ok(b"7".to_vec()),
                Err(cancelled),
            ],
        );
        assert!(a.take(5).unwrap().is_ok());
        assert!(matches!(a.take(6), Some(Err(Error::Cancelled { .. }))));
    }

    #[test]
    fn versions_found_in_the_cache_meanwhile_are_skipped() {
        let mut a = RootsAhead::new(100);
        a.keep(5, vec![Ok(b"5".to_vec()), Ok(b"6".to_vec())]);
        assert_eq!(a.take(6).unwrap().unwrap(), b"6");
        assert!(a.take(5).is_none());
    }
}
