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

use super::MetadataStore;

/// The default [`UpdaterConfig::lock_timeout`]. The lock is held for file operations only
/// (milliseconds; seconds at most when a slow disk flushes), so a minute is far beyond any
/// fair wait and still bounds a process that holds it forever.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the updater keeps its metadata cache ([`UpdaterConfig::storage`]).
#[derive(Clone, Default)]
pub enum MetadataStorage {
    /// Files in [`UpdaterConfig::metadata_dir`] (the default), which several updaters and
    /// processes may share.
    #[default]
    Files,
    /// Memory only: nothing is written anywhere (go-tuf's `DisableLocalCache`). Each updater
    /// has its own store, which lives as long as the updater: what one refresh verified is
    /// the cache of the next. The trusted root comes from the bootstrap root, which is then
    /// required.
    InMemory,
    /// The application's store, for devices whose storage is not a POSIX file system (flash
    /// key-value stores). Updaters created from clones of the configuration share it; its
    /// lock must then exclude them from each other (see [`MetadataStore::lock`]).
    Custom(Arc<dyn MetadataStore>),
}

impl fmt::Debug for MetadataStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MetadataStorage::Files => "Files",
            MetadataStorage::InMemory => "InMemory",
            MetadataStorage::Custom(_) => "Custom",
        })
    }
}
/// The default [`UpdaterConfig::max_connections`]: what browsers open per host.
pub const DEFAULT_MAX_CONNECTIONS: usize = 6;

/// The most [`UpdaterConfig::max_connections`] accepted.
pub const MAX_CONNECTIONS: usize = 64;

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
    /// Local metadata cache directory (created if missing), used when
    /// [`storage`](Self::storage) is [`MetadataStorage::Files`] (the default).
    pub metadata_dir: PathBuf,
    /// Where the metadata cache is kept: files in `metadata_dir` (the default), memory only,
    /// or the application's store ([`MetadataStorage`]).
    pub storage: MetadataStorage,
    /// Offline mode: a refresh uses only the metadata cache, with every check (signatures,
    /// thresholds, versions, expiry against the reference time), and makes no network
    /// request at all. A refresh or lookup that needs metadata the cache lacks fails with
    /// [`Error::Offline`] naming it; so does every target download (finding a target already
    /// downloaded, [`Updater::find_cached_target`](super::Updater::find_cached_target), still
    /// works). An offline updater writes no metadata to the cache (a missing metadata
    /// directory is still created, as always). Not with
    /// [`MetadataStorage::InMemory`], which has no cache to start from. Default false.
    pub offline: bool,
    /// **Unsafe**, offline mode only: accept expired metadata (skip the expiry checks 5.3.10,
    /// 5.4.4, 5.5.6 and 5.6.5; every other check stays). This gives up the protection against
    /// freeze attacks: whoever can replay old, validly signed metadata into the cache (an
    /// attacker, or a cache simply never refreshed) keeps the device on it indefinitely,
    /// however old it is. Each expired role accepted is logged as a warning. Default false;
    /// [`validate`](Self::validate) refuses it without [`offline`](Self::offline).
    pub offline_accept_expired_unsafe: bool,
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
    /// Resume interrupted target downloads (default true): a download that stops before its
    /// end (a broken connection, a cancellation, a deadline) keeps what arrived in a partial
    /// file beside the destination (`.NAME.ID.partial`, ID naming the target's length and
    /// hashes), and the next download of the same target asks only for the rest (an HTTP
    /// `Range` request) and verifies the whole file. False: a download that fails leaves
    /// nothing behind and always starts from the beginning.
    pub resume_downloads: bool,
    /// The most connections [`Updater::download_targets`](super::Updater::download_targets),
    /// the fetching ahead of [`Updater::get_target_infos`](super::Updater::get_target_infos),
    /// and a refresh fetching root versions ahead once it found a new one (5.3.3: each still
    /// verified and persisted in order) use at once (default [`DEFAULT_MAX_CONNECTIONS`]; 1 to
    /// [`MAX_CONNECTIONS`]; 1: one root version at a time). Over HTTP/2 the transfers share
    /// connections. With the built-in fetcher, an updater keeps its connections (and TLS
    /// sessions) from one call to the next, for every transfer: those a refresh opened carry
    /// the lookups and downloads after it, which open new ones only to run more transfers at
    /// once; idle ones close when the updater is dropped, or when the server closes them.
    pub max_connections: usize,
}

impl UpdaterConfig {
    /// The verification policy of a refresh: [`policy`](Self::policy), accepting expired
    /// metadata only for an offline updater configured to.
    pub(crate) fn trust_policy(&self) -> Policy {
        Policy {
            accept_expired_unsafe: self.offline && self.offline_accept_expired_unsafe,
            ..self.policy.clone()
        }
    }

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
    /// `*_max_length`) at least 1; `max_connections` 1 to [`MAX_CONNECTIONS`];
    /// `offline_accept_expired_unsafe` only with `offline`, which is not with in-memory
    /// storage, and `policy.accept_expired_unsafe` never set directly; the fetcher settings
    /// valid ([`FetcherConfig::validate`]) and the retry policy within its bounds
    /// ([`RetryPolicy::validate`]). (That in-memory storage needs a bootstrap root is checked
    /// when the updater is created, so that the two can be set in any order.)
    /// [`Updater::new`](super::Updater::new) and
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
        if !(1..=MAX_CONNECTIONS).contains(&self.max_connections) {
            return Err(Error::InvalidArgument(format!(
                "max_connections must be 1 to {MAX_CONNECTIONS}"
            )));
        }
        if self.offline_accept_expired_unsafe && !self.offline {
            return Err(Error::InvalidArgument(
                "offline_accept_expired_unsafe is only allowed in offline mode".into(),
            ));
        }
        if self.policy.accept_expired_unsafe {
            return Err(Error::InvalidArgument(
                "policy.accept_expired_unsafe is set only through offline_accept_expired_unsafe \
                 (offline mode)"
                    .into(),
            ));
        }
        if self.offline && matches!(self.storage, MetadataStorage::InMemory) {
            return Err(Error::InvalidArgument(
                "offline mode needs a cache to read: not in_memory storage".into(),
            ));
        }
        self.fetcher.validate()?;
        self.retry.validate()
    }

    /// A configuration with python-tuf's defaults.
    pub fn new(metadata_dir: impl Into<PathBuf>, metadata_base_url: impl Into<String>) -> Self {
        UpdaterConfig {
            metadata_dir: metadata_dir.into(),
            storage: MetadataStorage::Files,
            offline: false,
            offline_accept_expired_unsafe: false,
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
            resume_downloads: true,
            max_connections: DEFAULT_MAX_CONNECTIONS,
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
        let cases: [(&str, Change); 11] = [
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
            ("max_connections", |c| c.max_connections = 0),
            ("max_connections", |c| {
                c.max_connections = MAX_CONNECTIONS + 1
            }),
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
