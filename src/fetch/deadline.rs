//! The overall deadline of a transfer, around any [`Fetcher`].

use std::time::{Duration, Instant};

use super::{Fetcher, RangeSink};
use crate::error::{Error, Result};

/// A [`Fetcher`] whose every transfer fails with [`Error::SlowRetrieval`] once it has taken
/// longer than a deadline: the check runs whenever the wrapped fetcher delivers bytes, so a
/// server dripping bytes just fast enough for a minimum-speed check, or a custom fetcher that
/// delivers slowly, is stopped at the deadline. A fetcher that blocks without delivering
/// anything cannot be interrupted from here: [`CurlFetcher`](super::CurlFetcher) enforces
/// the same deadline itself (`CURLOPT_TIMEOUT_MS`), and a custom fetcher must bound its own
/// waits.
pub struct WithDeadline {
    inner: Box<dyn Fetcher>,
    timeout: Duration,
}

impl WithDeadline {
    /// `inner` with a deadline of `timeout` per transfer; zero means none.
    pub fn new(inner: Box<dyn Fetcher>, timeout: Duration) -> WithDeadline {
        WithDeadline { inner, timeout }
    }
}

/// The error of a transfer that ran past its deadline.
pub(crate) fn deadline_exceeded(url: &str, timeout: Duration) -> Error {
    Error::SlowRetrieval {
        url: url.to_string(),
        msg: format!(
            "the transfer took longer than its deadline of {} ms",
            timeout.as_millis()
        ),
    }
}

impl WithDeadline {
    /// Runs `attempt` (the inner fetcher, writing to the sink it is given) within the
    /// deadline: past it, the next chunk fails the transfer, and so does the end of a
    /// transfer that ran past it (whatever the inner fetcher made of the sink's error).
    fn within_deadline(
        &mut self,
        url: &str,
        sink: &mut RangeSink<'_>,
        attempt: impl FnOnce(&mut dyn Fetcher, &mut RangeSink<'_>) -> Result<()>,
    ) -> Result<()> {
        if self.timeout.is_zero() {
            return attempt(self.inner.as_mut(), sink);
        }
        let start = Instant::now();
        let timeout = self.timeout;
        let mut expired = false;
        let result = attempt(self.inner.as_mut(), &mut |at: u64, chunk: &[u8]| {
            if expired || start.elapsed() > timeout {
                expired = true;
                return Err(deadline_exceeded(url, timeout));
            }
            sink(at, chunk)
        });
        if expired {
            return Err(deadline_exceeded(url, timeout));
        }
        result
    }
}

impl Fetcher for WithDeadline {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        self.within_deadline(url, &mut |_, chunk| sink(chunk), |inner, s| {
            inner.fetch(url, max_length, &mut |chunk: &[u8]| s(0, chunk))
        })
    }

    fn fetch_range(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
    ) -> Result<()> {
        self.within_deadline(url, sink, |inner, s| {
            inner.fetch_range(url, offset, max_length, s)
        })
    }

    fn is_transient(&self, error: &Error) -> bool {
        self.inner.is_transient(error)
    }
}
