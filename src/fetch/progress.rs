//! Progress reports and cancellation for every transfer of a fetcher.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;

use super::{Fetcher, RangeSink};
use crate::error::{Error, Result};

/// A function told of the progress of every transfer, metadata and targets alike:
/// `(url, received, total)`, where `total` is the most bytes the transfer may have (the exact
/// length for targets and for metadata whose length trusted metadata gives; otherwise the
/// configured maximum). It is called as bytes arrive, and about once a second while a
/// transfer waits for them (with the libcurl fetcher). Returning [`ControlFlow::Break`]
/// cancels: the transfer stops and the operation fails with [`Error::Cancelled`].
pub type ProgressFn = dyn Fn(&str, u64, u64) -> ControlFlow<()> + Send + Sync;

/// A shareable [`ProgressFn`].
#[derive(Clone)]
pub struct Progress(pub Arc<ProgressFn>);

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}

/// A [`Fetcher`] that reports the progress of each transfer of `inner` and cancels it when
/// asked to. The cancellation holds even if `inner` ignores the sink's error.
pub struct ProgressFetcher {
    inner: Box<dyn Fetcher>,
    progress: Progress,
}

impl ProgressFetcher {
    /// `inner`, reporting to `progress`.
    pub fn new(inner: Box<dyn Fetcher>, progress: Progress) -> ProgressFetcher {
        ProgressFetcher { inner, progress }
    }
}

impl ProgressFetcher {
    /// Runs `attempt` (the inner fetcher, writing to the sink it is given), reporting
    /// positions in the whole file from `offset` (where a resumed download starts) before
    /// the first chunk and with each chunk, and cancelling when a report says so, even if
    /// the inner fetcher ignores the sink's error.
    fn reporting(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
        attempt: impl FnOnce(&mut dyn Fetcher, &mut RangeSink<'_>) -> Result<()>,
    ) -> Result<()> {
        let cancelled = || Error::Cancelled {
            url: url.to_string(),
        };
        let report = &self.progress.0;
        if report(url, offset, max_length).is_break() {
            return Err(cancelled());
        }
        let mut received = offset;
        let mut stopped = false;
        let result = attempt(self.inner.as_mut(), &mut |at: u64, chunk: &[u8]| {
            if stopped {
                return Err(cancelled());
            }
            if !chunk.is_empty() {
                received = at.saturating_add(chunk.len() as u64);
            }
            if report(url, received, max_length).is_break() {
                stopped = true;
                return Err(cancelled());
            }
            sink(at, chunk)
        });
        if stopped {
            return Err(cancelled());
        }
        result
    }
}

impl Fetcher for ProgressFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        self.reporting(
            url,
            0,
            max_length,
            &mut |_, chunk| sink(chunk),
            |inner, s| {
                let mut position = 0u64;
                inner.fetch(url, max_length, &mut |chunk: &[u8]| {
                    let at = position;
                    position = position.saturating_add(chunk.len() as u64);
                    s(at, chunk)
                })
            },
        )
    }

    fn is_transient(&self, error: &Error) -> bool {
        self.inner.is_transient(error)
    }

    /// Reports positions in the whole file: a resumed download starts at `offset`.
    fn fetch_range(
        &mut self,
        url: &str,
        offset: u64,
        max_length: u64,
        sink: &mut RangeSink<'_>,
    ) -> Result<()> {
        self.reporting(url, offset, max_length, sink, |inner, s| {
            inner.fetch_range(url, offset, max_length, s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Sends `chunks`, ignoring the sink's errors (a careless fetcher).
    struct Careless(Vec<&'static [u8]>);

    impl Fetcher for Careless {
        fn fetch(
            &mut self,
            _url: &str,
            _max: u64,
            sink: &mut dyn FnMut(&[u8]) -> Result<()>,
        ) -> Result<()> {
            for c in &self.0 {
                let _ = sink(c);
            }
            Ok(())
        }
    }

    #[test]
    fn reports_and_cancels_even_a_fetcher_that_ignores_errors() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let progress = Progress(Arc::new(move |url: &str, got: u64, total: u64| {
            log.lock().unwrap().push((url.to_string(), got, total));
            if got >= 4 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }));
        let mut f =
            ProgressFetcher::new(Box::new(Careless(vec![b"ab", b"", b"cd", b"ef"])), progress);
        let mut kept = Vec::new();
        let r = f.fetch("u", 10, &mut |c| {
            kept.extend_from_slice(c);
            Ok(())
        });
        assert!(
            matches!(r, Err(Error::Cancelled { ref url }) if url == "u"),
            "{r:?}"
        );
        assert_eq!(kept, b"ab");
        let seen = seen.lock().unwrap();
        let counts: Vec<u64> = seen.iter().map(|s| s.1).collect();
        assert_eq!(counts, [0, 2, 2, 4]);
        assert!(seen.iter().all(|s| s.2 == 10));
    }
}
