//! Retrying transfers that failed for a transient reason ([`RetryFetcher`]).

use std::fmt;
use std::time::{Duration, Instant};

use super::{Fetcher, RangeSink};
use crate::error::{Error, Result};

/// The most retries [`RetryPolicy::validate`] accepts.
pub const MAX_RETRIES: u32 = 100;
/// The longest delay between two attempts: the backoff doubles up to it.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How often a transfer that failed for a transient reason is tried again, and how long to wait
/// in between.
///
/// Attempt `n` (1 for the first retry) waits `backoff * 2^(n-1)`, at most [`MAX_BACKOFF`].
/// Retry-After headers are not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a transfer is tried again (default 0: never; at most [`MAX_RETRIES`]).
    pub retries: u32,
    /// The wait before the first retry (default 1 s; at most [`MAX_BACKOFF`]).
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            retries: 0,
            backoff: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// Checks the bounds: at most [`MAX_RETRIES`] retries and a backoff of at most
    /// [`MAX_BACKOFF`]. [`Error::InvalidArgument`] otherwise.
    pub fn validate(&self) -> Result<()> {
        if self.retries > MAX_RETRIES {
            return Err(Error::InvalidArgument(format!(
                "retries must be at most {MAX_RETRIES}"
            )));
        }
        if self.backoff > MAX_BACKOFF {
            return Err(Error::InvalidArgument(format!(
                "retry backoff must be at most {} ms",
                MAX_BACKOFF.as_millis()
            )));
        }
        Ok(())
    }

    /// The wait before retry `attempt` (1 for the first).
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.backoff.saturating_mul(factor).min(MAX_BACKOFF)
    }
}

/// Whether `error` is worth another attempt, by itself: a download failure without an HTTP
/// status (refused or reset connection, DNS, a callback's failure), HTTP 429 (Too Many
/// Requests) or a 5xx status. Nothing else is: not other statuses (a 404 stays a 404), an
/// overlong download ([`Error::LengthExceeded`]), a slow one ([`Error::SlowRetrieval`]: the
/// speed limits bound how long a transfer may take, and retrying would give a slow-retrieval
/// attacker that time again), a cancellation, or anything the verification of the bytes
/// found. The default of [`Fetcher::is_transient`].
pub fn is_transient(error: &Error) -> bool {
    matches!(
        error,
        Error::Download {
            status: None | Some(429 | 500..=599),
            ..
        }
    )
}

/// Called before each retry with the URL, the error, the attempt (1 for the first retry) and
/// the wait.
pub type RetryObserver = dyn Fn(&str, &Error, u32, Duration) + Send;

/// A [`Fetcher`] that tries a transfer of `inner` again, up to [`RetryPolicy::retries`]
/// times, when it failed for a transient reason ([`Fetcher::is_transient`]) before any byte
/// reached the sink: bytes already handed on cannot be taken back, so a transfer that failed
/// midway fails. Neither is one retried whose sink returned an error (a cancellation, or the
/// receiver failing).
///
/// While it waits, it calls the sink with an empty chunk about once a second (and once
/// before waiting), so that the receiver can cancel; a sink error then ends the fetch with
/// that error.
pub struct RetryFetcher {
    inner: Box<dyn Fetcher>,
    policy: RetryPolicy,
    observer: Option<Box<RetryObserver>>,
}

impl fmt::Debug for RetryFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryFetcher")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl RetryFetcher {
    /// `inner`, retried as `policy` says.
    pub fn new(inner: Box<dyn Fetcher>, policy: RetryPolicy) -> RetryFetcher {
        RetryFetcher {
            inner,
            policy,
            observer: None,
        }
    }

    /// Tells `observer` of each retry before it waits (e.g. to log it).
    pub fn with_observer(mut self, observer: Box<RetryObserver>) -> RetryFetcher {
        self.observer = Some(observer);
        self
    }
}

/// The longest wait between two empty chunks during a backoff.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// Waits `delay`, calling `sink(&[])` before and about every [`HEARTBEAT`].
fn wait(delay: Duration, sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let end = Instant::now() + delay;
    loop {
        sink(&[])?;
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(HEARTBEAT));
    }
}

impl RetryFetcher {
    /// Runs `attempt` (one try of the inner fetcher, writing to the sink it is given) until
    /// it succeeds, or until it fails after delivering a byte, with the sink's own error,
    /// with the retries used up, or with an error the inner fetcher does not call transient.
    /// Between tries it waits the policy's delay, calling `sink(offset, &[])` as heartbeat.
    fn with_retries(
        &mut self,
        url: &str,
        offset: u64,
        sink: &mut RangeSink<'_>,
        mut attempt: impl FnMut(&mut dyn Fetcher, &mut RangeSink<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut tries = 0u32;
        loop {
            let mut delivered = false;
            let mut sink_failed = false;
            let result = attempt(self.inner.as_mut(), &mut |at: u64, chunk: &[u8]| {
                delivered |= !chunk.is_empty();
                let r = sink(at, chunk);
                sink_failed |= r.is_err();
                r
            });
            let err = match result {
                Ok(()) => return Ok(()),
                Err(err) => err,
            };
            if delivered
                || sink_failed
                || tries >= self.policy.retries
                || !self.inner.is_transient(&err)
            {
                return Err(err);
            }
            tries += 1;
            let delay = self.policy.delay(tries);
            if let Some(observer) = &self.observer {
                observer(url, &err, tries, delay);
            }
            wait(delay, &mut |chunk: &[u8]| sink(offset, chunk))?;
        }
    }
}

impl Fetcher for RetryFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        self.with_retries(url, 0, &mut |_, chunk| sink(chunk), |inner, s| {
            inner.fetch(url, max_length, &mut |chunk: &[u8]| s(0, chunk))
        })
    }

    fn is_transient(&self, error: &Error) -> bool {
        self.inner.is_transient(error)
    }

    /// As [`fetch`](Fetcher::fetch): an attempt that delivered no byte is tried again.
    fn fetch_range(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
    ) -> Result<()> {
        self.with_retries(url, offset, sink, |inner, s| {
            inner.fetch_range(url, offset, max_length, s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    /// Answers each fetch with the next of `script` (`Ok(bytes)` or an error), recording calls.
    struct Scripted {
        script: VecDeque<Result<&'static [u8]>>,
        calls: Arc<Mutex<u32>>,
        /// Bytes written before failing, for errors.
        partial: &'static [u8],
    }

    impl Fetcher for Scripted {
        fn fetch(
            &mut self,
            _url: &str,
            _max: u64,
            sink: &mut dyn FnMut(&[u8]) -> Result<()>,
        ) -> Result<()> {
            *self.calls.lock().unwrap() += 1;
            match self.script.pop_front().expect("no more answers") {
                Ok(bytes) => sink(bytes),
                Err(e) => {
                    if !self.partial.is_empty() {
                        sink(self.partial)?;
                    }
                    Err(e)
                }
            }
        }
    }

    fn status(code: Option<u32>) -> Error {
        Error::Download {
            url: "u".into(),
            status: code,
            msg: "m".into(),
        }
    }

    fn run(
        script: Vec<Result<&'static [u8]>>,
        partial: &'static [u8],
        retries: u32,
    ) -> (Result<Vec<u8>>, u32) {
        let calls = Arc::new(Mutex::new(0));
        let inner = Scripted {
            script: script.into(),
            calls: calls.clone(),
            partial,
        };
        let policy = RetryPolicy {
            retries,
            backoff: Duration::ZERO,
        };
        let mut f = RetryFetcher::new(Box::new(inner), policy);
        let mut got = Vec::new();
        let r = f.fetch("u", 100, &mut |c| {
            got.extend_from_slice(c);
            Ok(())
        });
        let n = *calls.lock().unwrap();
        (r.map(|()| got), n)
    }

    #[test]
    fn transient_errors_are_retried_until_success() {
        let (r, n) = run(
            vec![
                Err(status(Some(503))),
                Err(status(None)),
                Err(status(Some(429))),
                Ok(b"ok"),
            ],
            b"",
            3,
        );
        assert_eq!(r.unwrap(), b"ok");
        assert_eq!(n, 4);
    }

    #[test]
    fn retries_run_out_with_the_last_error() {
        let (r, n) = run(vec![Err(status(Some(500))), Err(status(Some(502)))], b"", 1);
        assert_eq!(r.unwrap_err().http_status(), Some(502));
        assert_eq!(n, 2);
    }

    #[test]
    fn permanent_errors_are_not_retried() {
        let permanent = [
            status(Some(404)),
            status(Some(403)),
            status(Some(400)),
            status(Some(302)),
            Error::LengthExceeded {
                url: "u".into(),
                limit: 1,
            },
            Error::SlowRetrieval {
                url: "u".into(),
                msg: "m".into(),
            },
            Error::Cancelled { url: "u".into() },
            Error::InvalidArgument("x".into()),
        ];
        for e in permanent {
            let shown = format!("{e:?}");
            let (r, n) = run(vec![Err(e), Ok(b"ok")], b"", 5);
            assert!(r.is_err(), "{shown}");
            assert_eq!(n, 1, "{shown}");
        }
    }

    #[test]
    fn nothing_is_retried_once_bytes_were_delivered() {
        let (r, n) = run(vec![Err(status(Some(503))), Ok(b"ok")], b"part", 5);
        assert_eq!(r.unwrap_err().http_status(), Some(503));
        assert_eq!(n, 1);
    }

    #[test]
    fn a_sink_error_is_never_retried_and_cancels_the_wait() {
        // The receiver cancels on the first empty chunk: during the wait before retry 1.
        let calls = Arc::new(Mutex::new(0));
        let inner = Scripted {
            script: vec![Err(status(Some(503))), Ok(&b"ok"[..])].into(),
            calls: calls.clone(),
            partial: b"",
        };
        let policy = RetryPolicy {
            retries: 5,
            backoff: Duration::from_secs(30),
        };
        let mut f = RetryFetcher::new(Box::new(inner), policy);
        let r = f.fetch("u", 100, &mut |c| {
            if c.is_empty() {
                Err(Error::Cancelled { url: "u".into() })
            } else {
                Ok(())
            }
        });
        assert!(matches!(r, Err(Error::Cancelled { .. })), "{r:?}");
        assert_eq!(*calls.lock().unwrap(), 1);
    }

    #[test]
    fn delays_double_up_to_the_cap_and_bounds_are_checked() {
        let p = RetryPolicy {
            retries: 10,
            backoff: Duration::from_millis(500),
        };
        let delays: Vec<u128> = (1..=8).map(|n| p.delay(n).as_millis()).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(p.delay(u32::MAX), MAX_BACKOFF);
        assert!(p.validate().is_ok());
        assert!(RetryPolicy {
            retries: MAX_RETRIES + 1,
            ..p
        }
        .validate()
        .is_err());
        assert!(RetryPolicy {
            backoff: MAX_BACKOFF + Duration::from_millis(1),
            ..p
        }
        .validate()
        .is_err());
        assert!(is_transient(&status(None)) && is_transient(&status(Some(599))));
        assert!(!is_transient(&status(Some(600))) && !is_transient(&status(Some(499))));
    }
}
