//! Multiple repositories (TAP 4): a target is trusted only when enough independent
//! repositories agree on it, and target paths are routed to repositories by a map file.
//!
//! - [`MapFile`] (`map.rs`): the map file, parsed strictly.
//! - [`MultiRepoConfig`] and [`MultiRepoClient`] (this file): one [`Updater`] per repository,
//!   each with its own trusted root and cache directory, and the lookup over the mappings.
//! - `agreement.rs`: when answers agree ([`same_file`]) and what the caller learns
//!   ([`AgreedTarget`], [`RepositoryAnswer`]).
//! - `mirror.rs`: metadata mirrors tried in order.
//!
//! This layer sits above the updater and uses only its public API: every repository is an
//! ordinary TUF client whose metadata goes through the whole client workflow (5.1 to 5.7).
//! Agreement is decided on top of what each repository's trusted metadata says.
//!
//! # Layout of a repository and of the local directories
//!
//! TAP 4 gives each repository a list of mirror URLs "where files may be downloaded", metadata
//! and targets alike. As in TAP 4's reference implementation, a mirror URL is the base of a
//! repository whose metadata is under `URL/metadata/` and whose targets are under
//! `URL/targets/` (the layout python-tuf's repositories and this library's examples use).
//! [`MultiRepoConfig::metadata_path`] and [`MultiRepoConfig::targets_path`] change the two
//! sub-paths for every repository; go-tuf's layout (metadata at `URL/`, targets at
//! `URL/targets/`) is `metadata_path = ""`.
//!
//! Locally, repository `NAME` keeps its metadata in `PARENT/metadata/NAME/` (created when
//! missing). Targets are downloaded to `PARENT/targets/` by default (one flat,
//! percent-encoded file name per target path, as the updater names them): an agreed target
//! is the same file whichever repository it came from.

mod agreement;
mod map;
mod mirror;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use agreement::{same_file, AgreedTarget, Answer, RepositoryAnswer};
pub use map::{MapFile, Mapping};

use crate::error::{Error, ErrorKind, Result};
use crate::fetch::{CurlFetcher, Fetcher};
use crate::updater::{quote, LogLevel, MetadataStorage, Updater, UpdaterConfig};
use mirror::MirrorFetcher;

/// Everything a [`MultiRepoClient`] needs. Build it with [`MultiRepoConfig::new`], then set
/// fields.
#[derive(Clone, Debug)]
pub struct MultiRepoConfig {
    /// The map file.
    pub map: MapFile,
    /// The parent of every local directory: `PARENT/metadata/NAME/` for each repository,
    /// `PARENT/targets/` for targets unless [`targets_dir`](Self::targets_dir) is set.
    pub parent_dir: PathBuf,
    /// The trusted root of each repository, by name (the bytes of a `root.json` shipped with
    /// the application). A repository without one starts from the `root.json` cached in its
    /// metadata directory by an earlier run, and cannot be created when there is none.
    pub trusted_roots: BTreeMap<String, Vec<u8>>,
    /// Where the metadata of a repository is, relative to each of its mirror URLs (default
    /// `metadata`; empty: the URL itself).
    pub metadata_path: String,
    /// Where the targets of a repository are, relative to each of its mirror URLs (default
    /// `targets`; empty: the URL itself).
    pub targets_path: String,
    /// Where targets are downloaded when no file name is given (default `PARENT/targets`).
    pub targets_dir: Option<PathBuf>,
    /// The settings of every repository's updater: limits, policy, reference time, log,
    /// transport settings. Its `metadata_dir`, `metadata_base_url`, `targets_dir`,
    /// `targets_base_url` and `bootstrap_root` are replaced for each repository.
    pub updater: UpdaterConfig,
}

impl MultiRepoConfig {
    /// A configuration with the default layout and the updater's defaults.
    pub fn new(map: MapFile, parent_dir: impl Into<PathBuf>) -> MultiRepoConfig {
        let parent_dir = parent_dir.into();
        MultiRepoConfig {
            map,
            updater: UpdaterConfig::new(parent_dir.join("metadata"), ""),
            parent_dir,
            trusted_roots: BTreeMap::new(),
            metadata_path: "metadata".into(),
            targets_path: "targets".into(),
            targets_dir: None,
        }
    }

    /// The metadata directory of repository `name`.
    pub fn metadata_dir(&self, name: &str) -> PathBuf {
        self.parent_dir.join("metadata").join(name)
    }

    /// The directory targets are downloaded to when no file name is given.
    pub fn default_targets_dir(&self) -> PathBuf {
        self.targets_dir
            .clone()
            .unwrap_or_else(|| self.parent_dir.join("targets"))
    }

    /// The base URL of `path` (`metadata_path` or `targets_path`) under a mirror URL, ending
    /// with `/`.
    fn mirror_base(url: &str, path: &str) -> String {
        let url = url.trim_end_matches('/');
        let path = path.trim_matches('/');
        if path.is_empty() {
            format!("{url}/")
        } else {
            format!("{url}/{path}/")
        }
    }

    /// The metadata base URL of each mirror of repository `name`.
    pub fn metadata_urls(&self, name: &str) -> Vec<String> {
        self.urls(name, &self.metadata_path)
    }

    /// The targets base URL of each mirror of repository `name`.
    pub fn targets_urls(&self, name: &str) -> Vec<String> {
        self.urls(name, &self.targets_path)
    }

    fn urls(&self, name: &str, path: &str) -> Vec<String> {
        self.map
            .repositories
            .get(name)
            .map(|urls| urls.iter().map(|u| Self::mirror_base(u, path)).collect())
            .unwrap_or_default()
    }

    /// Checks the map file, that every trusted root names a repository of the map, the layout
    /// paths, and the updater settings ([`UpdaterConfig::validate`]; a custom metadata store,
    /// which would mix the repositories' metadata, is refused).
    pub fn validate(&self) -> Result<()> {
        self.map.validate()?;
        if let Some(name) = self
            .trusted_roots
            .keys()
            .find(|n| !self.map.repositories.contains_key(*n))
        {
            return Err(Error::InvalidArgument(format!(
                "a trusted root is given for {}, which the map file does not list",
                crate::error::excerpt(name)
            )));
        }
        for (what, p) in [
            ("metadata_path", &self.metadata_path),
            ("targets_path", &self.targets_path),
        ] {
            if p.split('/').any(|s| s == "..") || p.chars().any(|c| c.is_control()) {
                return Err(Error::InvalidArgument(format!(
                    "{what} {} must not contain '..' or control characters",
                    crate::error::excerpt(p)
                )));
            }
        }
        if matches!(self.updater.storage, MetadataStorage::Custom(_)) {
            return Err(Error::InvalidArgument(
                "a custom metadata store holds the metadata of one repository, not of several: \
                 use files or in-memory storage"
                    .into(),
            ));
        }
        self.updater.validate()
    }
}

/// Whether a repository's last refresh succeeded.
enum RefreshState {
    /// Not refreshed by this client yet: the first lookup that needs it refreshes it.
    NotYet,
    Ok,
    Failed {
        kind: ErrorKind,
        message: String,
    },
}

struct Repository {
    updater: Updater,
    state: RefreshState,
    targets_urls: Vec<String>,
}

/// The refresh of one or more repositories failed. The others were refreshed and remain
/// usable; lookups treat a failed repository as one that does not agree.
#[derive(Debug)]
pub struct RefreshError {
    /// Each failing repository and its error, in name order (never empty).
    pub failures: Vec<(String, Error)>,
    /// How many repositories were refreshed.
    pub total: usize,
}

impl RefreshError {
    /// The kind of the first failure (in name order).
    pub fn kind(&self) -> ErrorKind {
        self.failures
            .first()
            .map_or(ErrorKind::Repository, |(_, e)| e.kind())
    }
}

impl fmt::Display for RefreshError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refresh failed for {} of {} repositories",
            self.failures.len(),
            self.total
        )?;
        for (i, (name, e)) in self.failures.iter().enumerate() {
            write!(f, "{} {name}: {e}", if i == 0 { ":" } else { ";" })?;
        }
        Ok(())
    }
}

impl std::error::Error for RefreshError {}

/// A TUF client over several repositories (TAP 4).
///
/// `Send` but not `Sync`, like [`Updater`]: use it from one thread at a time. Each repository
/// has its own metadata directory, which other clients and processes may share as with any
/// updater.
pub struct MultiRepoClient {
    config: MultiRepoConfig,
    repositories: BTreeMap<String, Repository>,
}

impl fmt::Debug for MultiRepoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiRepoClient")
            .field("parent_dir", &self.config.parent_dir)
            .field(
                "repositories",
                &self.repositories.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl MultiRepoClient {
    /// A client whose repositories download with the default libcurl fetcher.
    pub fn new(config: MultiRepoConfig) -> Result<MultiRepoClient> {
        let fetcher = config.updater.fetcher.clone();
        Self::with_fetchers(config, &mut |_| {
            Ok(Box::new(CurlFetcher::new(fetcher.clone())?))
        })
    }

    /// A client whose repositories download through fetchers made by `make_fetcher`, called
    /// once per repository with its name. Byte limits are enforced whatever the fetchers do.
    ///
    /// Checks the configuration ([`MultiRepoConfig::validate`]), then creates every
    /// repository's updater, which loads and verifies its trusted root (5.2): an invalid
    /// root, or a repository with neither a trusted root nor a cached one, fails with an
    /// error naming the repository. Makes no network request.
    pub fn with_fetchers(
        config: MultiRepoConfig,
        make_fetcher: &mut dyn FnMut(&str) -> Result<Box<dyn Fetcher>>,
    ) -> Result<MultiRepoClient> {
        config.validate()?;
        let mut repositories = BTreeMap::new();
        for name in config.map.repositories.keys() {
            let bases = config.metadata_urls(name);
            let mut c = config.updater.clone();
            c.metadata_dir = config.metadata_dir(name);
            c.metadata_base_url = bases[0].clone();
            c.targets_dir = None;
            c.targets_base_url = None;
            c.bootstrap_root = config.trusted_roots.get(name).cloned();
            // Errors here come from the trusted root (the caller's) or the local directory.
            let in_repository = |e: Error| -> Error {
                match e {
                    Error::InvalidArgument(m) => {
                        Error::InvalidArgument(format!("repository {name}: {m}"))
                    }
                    e @ Error::Io { .. } => e,
                    e => Error::InvalidArgument(format!("repository {name}: trusted root: {e}")),
                }
            };
            let fetcher = MirrorFetcher::new(make_fetcher(name)?, bases);
            let updater = Updater::with_fetcher(c, Box::new(fetcher)).map_err(in_repository)?;
            repositories.insert(
                name.clone(),
                Repository {
                    updater,
                    state: RefreshState::NotYet,
                    targets_urls: config.targets_urls(name),
                },
            );
        }
        Ok(MultiRepoClient {
            config,
            repositories,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &MultiRepoConfig {
        &self.config
    }

    /// The updater of repository `name`, e.g. to read its trusted metadata.
    pub fn updater(&self, name: &str) -> Option<&Updater> {
        self.repositories.get(name).map(|r| &r.updater)
    }

    /// Refreshes every repository (5.3 to 5.6 for each), all of them even when some fail.
    /// When any fails, returns a [`RefreshError`] naming every failing repository; lookups
    /// then treat those as repositories that do not agree, until a later refresh succeeds.
    pub fn refresh(&mut self) -> std::result::Result<(), RefreshError> {
        let mut failures = Vec::new();
        let names: Vec<String> = self.repositories.keys().cloned().collect();
        for name in &names {
            if let Err(e) = self.refresh_one(name) {
                failures.push((name.clone(), e));
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(RefreshError {
                failures,
                total: names.len(),
            })
        }
    }

    fn refresh_one(&mut self, name: &str) -> Result<()> {
        let repo = self
            .repositories
            .get_mut(name)
            .ok_or_else(|| Error::InvalidArgument(format!("no repository {name}")))?;
        let result = repo.updater.refresh();
        repo.state = match &result {
            Ok(()) => RefreshState::Ok,
            Err(e) => {
                self.config.updater.log(LogLevel::Warn, || {
                    format!("repository {name}: refresh failed: {e}")
                });
                RefreshState::Failed {
                    kind: e.kind(),
                    message: e.to_string(),
                }
            }
        };
        result
    }

    /// What repository `name` says about `target_path`, refreshing it first if this client
    /// has not yet.
    fn ask(&mut self, name: &str, target_path: &str) -> Answer {
        if matches!(
            self.repositories.get(name).map(|r| &r.state),
            Some(RefreshState::NotYet)
        ) {
            let _ = self.refresh_one(name);
        }
        let Some(repo) = self.repositories.get_mut(name) else {
            return Answer::Failed {
                kind: ErrorKind::InvalidArgument,
                message: format!("no repository {name}"),
            };
        };
        if let RefreshState::Failed { kind, message } = &repo.state {
            return Answer::Failed {
                kind: *kind,
                message: format!("refresh failed: {message}"),
            };
        }
        match repo.updater.get_target_info(target_path) {
            Ok(Some(info)) => Answer::Found(info),
            Ok(None) => Answer::NotFound,
            Err(e) => Answer::Failed {
                kind: e.kind(),
                message: e.to_string(),
            },
        }
    }

    /// Looks up `target_path` (TAP 4): walks the mappings in order; for the first whose
    /// patterns match, asks each of its repositories for the target's info (5.6.7 in each;
    /// a repository not refreshed yet is refreshed first), and accepts the target when at
    /// least `threshold` of them return identical info ([`same_file`]).
    ///
    /// When the threshold is not met: a non-terminating mapping passes the search on to the
    /// next matching mapping (the disagreement is logged); a terminating one ends it, with
    /// `Ok(None)` when none of its repositories lists the target and none failed, and
    /// otherwise [`Error::Repository`] naming the repositories that disagree, those that do
    /// not list the target and those that failed.
    ///
    /// `Ok(None)`: no mapping matches the path, or no matching mapping met its threshold and
    /// the search ran out of mappings (5.7.2).
    pub fn get_target_info(&mut self, target_path: &str) -> Result<Option<AgreedTarget>> {
        for index in 0..self.config.map.mapping.len() {
            let mapping = &self.config.map.mapping[index];
            if !mapping.matches(target_path) {
                continue;
            }
            let (names, threshold, terminating) = (
                mapping.repositories.clone(),
                mapping.threshold,
                mapping.terminating,
            );
            let answers: Vec<Answer> = names.iter().map(|n| self.ask(n, target_path)).collect();
            if let Some(agreeing) = agreement::agreeing(&answers, threshold) {
                let info = match &answers[agreeing[0]] {
                    Answer::Found(info) => info.clone(),
                    _ => return Err(Error::State("agreement without target info".into())),
                };
                let answers = names
                    .into_iter()
                    .zip(answers)
                    .enumerate()
                    .map(|(i, (name, answer))| RepositoryAnswer {
                        name,
                        answer,
                        agreed: agreeing.contains(&i),
                    })
                    .collect();
                return Ok(Some(AgreedTarget {
                    info,
                    mapping: index,
                    threshold,
                    answers,
                }));
            }
            let why = agreement::describe_disagreement(&names, &answers, threshold);
            let msg = format!(
                "no agreement on target {} in mapping[{index}]: {why}",
                crate::error::excerpt(target_path)
            );
            if !terminating {
                self.config.updater.log(LogLevel::Warn, || {
                    format!("{msg}; trying the next mapping (not terminating)")
                });
                continue;
            }
            if answers.iter().all(|a| *a == Answer::NotFound) {
                return Ok(None);
            }
            return Err(Error::Repository(msg));
        }
        Ok(None)
    }

    /// Where `agreed` is stored when no file name is given: the targets directory joined
    /// with the percent-encoded target path (one file name). The target paths `.`, `..` and
    /// the empty path name no file and are refused.
    pub fn target_path(&self, agreed: &AgreedTarget) -> Result<PathBuf> {
        let name = quote(&agreed.info.path);
        if matches!(name.as_str(), "" | "." | "..") {
            return Err(Error::InvalidArgument(format!(
                "target path {} names no file: give a file name",
                crate::error::excerpt(&agreed.info.path)
            )));
        }
        Ok(self.config.default_targets_dir().join(name))
    }

    /// [`download_target_with_progress`](Self::download_target_with_progress) without
    /// progress reports.
    pub fn download_target(
        &mut self,
        agreed: &AgreedTarget,
        filepath: Option<&Path>,
    ) -> Result<PathBuf> {
        self.download_target_with_progress(agreed, filepath, &mut |_, _| {})
    }

    /// Downloads an agreed target to `filepath` (default: [`target_path`](Self::target_path))
    /// and verifies it against the agreed length and hashes (5.7.3), through the updater of
    /// an agreeing repository. The agreeing repositories are tried in the mapping's order,
    /// and each one's mirrors in order: a mirror that fails, or serves a file that does not
    /// verify, is followed by the next (a failed attempt leaves nothing at `filepath`).
    /// When every attempt fails, the last attempt's error is returned (each failure is
    /// logged).
    pub fn download_target_with_progress(
        &mut self,
        agreed: &AgreedTarget,
        filepath: Option<&Path>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PathBuf> {
        let dest = match filepath {
            Some(p) => p.to_path_buf(),
            None => self.target_path(agreed)?,
        };
        let mut last_error = None;
        for answer in agreed.answers.iter().filter(|a| a.agreed) {
            // The repository's own info (for its consistent-snapshot file name), which must
            // describe the agreed file.
            let Some(info) = answer.info().filter(|i| same_file(i, &agreed.info)) else {
                return Err(Error::InvalidArgument(format!(
                    "repository {} does not agree with the agreed target info",
                    answer.name
                )));
            };
            let Some(repo) = self.repositories.get_mut(&answer.name) else {
                return Err(Error::InvalidArgument(format!(
                    "no repository {} in this client",
                    answer.name
                )));
            };
            for base in &repo.targets_urls {
                match repo.updater.download_target_with_progress(
                    info,
                    Some(&dest),
                    Some(base),
                    progress,
                ) {
                    Ok(path) => return Ok(path),
                    Err(e) => {
                        self.config.updater.log(LogLevel::Info, || {
                            format!(
                                "repository {}: download of {} from {base} failed: {e}",
                                answer.name, info.path
                            )
                        });
                        last_error = Some(e);
                    }
                }
            }
        }
        Err(last_error.unwrap_or_else(|| {
            Error::InvalidArgument("the agreed target names no agreeing repository".into())
        }))
    }
}
