//! Settings of the [`Updater`](super::Updater), with python-tuf's defaults.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::fetch::{
    Fetcher, FetcherConfig, Progress, RetryFetcher, RetryPolicy, DEFAULT_TARGETS_MAX_LENGTH,
};
use crate::metadata::DateTime;
use crate::verify::{Policy, DEFAULT_MAX_DELEGATIONS};

/// The default [`UpdaterConfig::lock_timeout`]. The lock is held for file operations only
/// (milliseconds; seconds at most when a slow disk flushes), so a minute is far beyond any
/// fair wait and still bounds a process that holds it forever.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// Severity of a log message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Each step of the workflow.
    Debug = 1,
    /// Something worth knowing: a cached file rejected, a recovery, a download.
    Info = 2,
    /// Something suspicious that did not stop the operation.
    Warn = 3,
}

/// A function receiving log messages.
pub type LogFn = dyn Fn(LogLevel, &str) + Send + Sync;

/// Receives the updater's log messages. Called on the thread that drives the updater.
#[derive(Clone)]
pub struct Logger(pub Arc<LogFn>);

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Logger")
    }
}

/// Everything an [`Updater`](super::Updater) needs to know. Build it with
/// [`UpdaterConfig::new`], then set fields.
#[derive(Clone, Debug)]
pub struct UpdaterConfig {
    /// Local metadata cache directory (created if missing).
    pub metadata_dir: PathBuf,
    /// Base URL of the repository's metadata (`http://`, `https://` or `file://`).
    pub metadata_base_url: String,
    /// Local directory for downloaded targets, used when no file name is given.
    pub targets_dir: Option<PathBuf>,
    /// Base URL of target files, used when none is given per download.
    pub targets_base_url: Option<String>,
    /// The trusted root to start from (shipped with the application). When `None`, the
    /// cached `root.json` of `metadata_dir` is used.
    pub bootstrap_root: Option<Vec<u8>>,
    /// At most this many new roots are fetched in one refresh (5.3.3; python-tuf: 256).
    pub max_root_rotations: u32,
    /// At most this many delegated roles are visited in one target search (5.6.7.1;
    /// python-tuf: 32).
    pub max_delegations: usize,
    /// Download limit of `N.root.json` (python-tuf: 512000 bytes).
    pub root_max_length: u64,
    /// Download limit of `timestamp.json` (python-tuf: 16384 bytes).
    pub timestamp_max_length: u64,
    /// Download limit of snapshot when timestamp gives no length (python-tuf: 2000000 bytes).
    pub snapshot_max_length: u64,
    /// Download limit of targets metadata when snapshot gives no length (python-tuf: 5000000).
    pub targets_max_length: u64,
    /// Fetch targets as `DIR/HASH.NAME` when the root has consistent snapshots (python-tuf:
    /// true).
    pub prefix_targets_with_hash: bool,
    /// Where libtuf follows python-tuf and where it can be stricter.
    pub policy: Policy,
    /// The time expiry is checked against (5.1). `None`: the system clock, read once when the
    /// updater is built and at the start of every refresh. Devices without a trustworthy
    /// clock pass their own.
    pub reference_time: Option<DateTime>,
    /// Flush every metadata and target file to disk before renaming it into place (default
    /// false: only a newly trusted root is, like python-tuf's cache otherwise, which never
    /// flushes; files lost to a power cut are fetched again and verified).
    pub sync_all_writes: bool,
    /// The longest wait for the metadata cache's lock, which other updaters and processes
    /// sharing the cache hold only while they read or write its files, never while they wait
    /// on the network (default 60 s; zero: fail at once when another holds it). Running out
    /// is [`Error::Io`] with a [`TimedOut`](std::io::ErrorKind::TimedOut) source.
    pub lock_timeout: Duration,
    /// Where log messages go (none by default).
    pub log: Option<Logger>,
    /// Told of the progress of every transfer, metadata and targets alike, and able to cancel
    /// it ([`Progress`]; none by default). Called on the thread that drives the updater.
    pub progress: Option<Progress>,
    /// Transport settings of the default libcurl fetcher: user agent, connect timeout, minimum
    /// transfer speed, redirects, CA certificates, client certificate, proxy, headers, and the
    /// deadline of every transfer (which the updater also enforces around a custom fetcher).
    pub fetcher: FetcherConfig,
    /// How transfers that failed for a transient reason are retried, with the libcurl fetcher
    /// and custom fetchers alike ([`RetryFetcher`](crate::fetch::RetryFetcher); default: never).
    pub retry: RetryPolicy,
}

impl UpdaterConfig {
    /// Sends a message to the logger, if any; `msg` is only built when there is one.
    pub(crate) fn log(&self, level: LogLevel, msg: impl FnOnce() -> String) {
        if let Some(Logger(f)) = &self.log {
            f(level, &msg());
        }
    }

    /// `fetcher`, retried as [`retry`](Self::retry) says (itself when it says never), each
    /// retry logged at [`LogLevel::Info`].
    pub(crate) fn with_retries(&self, fetcher: Box<dyn Fetcher>) -> Box<dyn Fetcher> {
        if self.retry.retries == 0 {
            return fetcher;
        }
        let log = self.log.clone();
        let observer = move |url: &str, err: &Error, attempt: u32, delay: Duration| {
            if let Some(Logger(f)) = &log {
                let ms = delay.as_millis();
                f(
                    LogLevel::Info,
                    &format!("retry {attempt} of {url} in {ms} ms after: {err}"),
                );
            }
        };
        Box::new(RetryFetcher::new(fetcher, self.retry).with_observer(Box::new(observer)))
    }

    /// Checks the settings: every limit (`max_root_rotations`, `max_delegations` and the four
    /// `*_max_length`) at least 1, the fetcher settings valid ([`FetcherConfig::validate`])
    /// and the retry policy within its bounds ([`RetryPolicy::validate`]). [`Updater::new`](super::Updater::new) and
    /// [`Updater::with_fetcher`](super::Updater::with_fetcher) call it, and so does every
    /// setter of the C configuration; [`Error::InvalidArgument`] names the first bad field.
    pub fn validate(&self) -> Result<()> {
        let limits: [(&str, u64); 6] = [
            ("max_root_rotations", self.max_root_rotations.into()),
            ("max_delegations", self.max_delegations as u64),
            ("root_max_length", self.root_max_length),
            ("timestamp_max_length", self.timestamp_max_length),
            ("snapshot_max_length", self.snapshot_max_length),
            ("targets_max_length", self.targets_max_length),
        ];
        for (name, value) in limits {
            if value == 0 {
                return Err(Error::InvalidArgument(format!("{name} must be at least 1")));
            }
        }
        self.fetcher.validate()?;
        self.retry.validate()
    }

    /// A configuration with python-tuf's defaults.
    pub fn new(metadata_dir: impl Into<PathBuf>, metadata_base_url: impl Into<String>) -> Self {
        UpdaterConfig {
            metadata_dir: metadata_dir.into(),
            metadata_base_url: metadata_base_url.into(),
            targets_dir: None,
            targets_base_url: None,
            bootstrap_root: None,
            max_root_rotations: 256,
            max_delegations: DEFAULT_MAX_DELEGATIONS,
            root_max_length: 512_000,
            timestamp_max_length: 16_384,
            snapshot_max_length: 2_000_000,
            targets_max_length: DEFAULT_TARGETS_MAX_LENGTH,
            prefix_targets_with_hash: true,
            policy: Policy::default(),
            reference_time: None,
            sync_all_writes: false,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            log: None,
            progress: None,
            fetcher: FetcherConfig::default(),
            retry: RetryPolicy::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_refuses_zero_limits_and_control_characters() {
        let ok = UpdaterConfig::new("/nonexistent", "file:///nonexistent");
        assert!(ok.validate().is_ok());
        type Change = fn(&mut UpdaterConfig);
        let cases: [(&str, Change); 9] = [
            ("max_root_rotations", |c| c.max_root_rotations = 0),
            ("max_delegations", |c| c.max_delegations = 0),
            ("root_max_length", |c| c.root_max_length = 0),
            ("timestamp_max_length", |c| c.timestamp_max_length = 0),
            ("snapshot_max_length", |c| c.snapshot_max_length = 0),
            ("targets_max_length", |c| c.targets_max_length = 0),
            ("user agent", |c| {
                c.fetcher.user_agent = Some("a\r\nX: y".into())
            }),
            ("header", |c| {
                c.fetcher.headers = vec![("X-A".into(), "a\r\nX: y".into())]
            }),
            ("retries", |c| c.retry.retries = 1000),
        ];
        for (name, change) in cases {
            let mut c = ok.clone();
            change(&mut c);
            match c.validate() {
                Err(Error::InvalidArgument(msg)) => assert!(msg.contains(name), "{msg}"),
                other => panic!("{name}: {other:?}"),
            }
            // The updater refuses it before touching the metadata directory.
            let err = crate::updater::Updater::new(c).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{name}: {err}");
        }
    }
}
