//! An in-memory [`Fetcher`] serving a shared [`Sim`] by URL, as python-tuf's
//! `RepositorySimulator.fetch` does, plus helpers to drive an `Updater` against it.
//!
//! URLs look like `https://sim.test/metadata/NAME` and `https://sim.test/targets/PATH`:
//!
//! - `N.root.json`: the published root of version N;
//! - `timestamp.json` (never versioned);
//! - `snapshot.json` or `V.snapshot.json`, `ROLE.json` or `V.ROLE.json` (the role name
//!   percent-decoded): the current metadata, freshly signed; a version other than the current
//!   one is a 404;
//! - `targets/PATH` or `targets/DIR/HASH.NAME` (HASH the SHA-256 of the file): a target file.
//!
//! Anything else is a 404. Every URL fetched is recorded, and a test can override what any
//! path returns (other bytes, a status, an endless body). Bodies are handed to the sink in
//! small chunks, and the fetcher never enforces `max_length` itself: the updater must.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use super::http::TestServer;
use super::sim::Sim;
use tuf::crypto::{hash, hex};
use tuf::fetch::Fetcher;
use tuf::updater::{quote, Updater, UpdaterConfig};
use tuf::{Error, Result};

/// The metadata base URL the simulator serves.
pub const METADATA_URL: &str = "https://sim.test/metadata/";
/// The targets base URL the simulator serves.
pub const TARGETS_URL: &str = "https://sim.test/targets/";

/// Size of the chunks handed to the sink.
pub const CHUNK: usize = 1000;

/// What an overridden path returns.
#[derive(Clone, Debug)]
pub enum Response {
    /// These bytes, with success.
    Bytes(Vec<u8>),
    /// A download error with this HTTP status.
    Status(u32),
    /// Bytes without end (until the sink refuses them, at most 64 MiB).
    Endless,
}

struct Inner {
    log: Vec<String>,
    overrides: HashMap<String, Response>,
}

/// A fetcher over a shared simulator. Clones share the simulator, the log and the overrides,
/// so a test keeps one clone and gives another to the updater.
#[derive(Clone)]
pub struct SimFetcher {
    pub sim: Arc<Mutex<Sim>>,
    inner: Arc<Mutex<Inner>>,
}

/// Decodes `%XX` escapes.
pub fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `V.NAME` into `(Some(V), NAME)`; `(None, name)` when there is no numeric prefix.
fn split_version(name: &str) -> (Option<u64>, &str) {
    if let Some((v, rest)) = name.split_once('.') {
        if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
            if let Ok(v) = v.parse() {
                return (Some(v), rest);
            }
        }
    }
    (None, name)
}

/// The version of the current metadata of `role` in `sim`, if the role exists.
fn current_version(sim: &Sim, role: &str) -> Option<u64> {
    match role {
        "timestamp" => Some(sim.timestamp.signed.version),
        "snapshot" => Some(sim.snapshot.signed.version),
        "targets" => Some(sim.targets.signed.version),
        r => sim.delegated.get(r).map(|m| m.signed.version),
    }
}

/// The bytes `sim` serves for a metadata file name (as in the URL, still percent-encoded).
pub fn serve_metadata(sim: &Sim, file: &str) -> Option<Vec<u8>> {
    let file = unquote(file);
    let stem = file.strip_suffix(".json")?;
    let (version, role) = split_version(stem);
    match (role, version) {
        ("root", Some(v)) => {
            let i = usize::try_from(v).ok()?.checked_sub(1)?;
            sim.signed_roots.get(i).cloned()
        }
        ("root", None) => None,
        ("timestamp", Some(_)) => None,
        (role, v) => {
            let current = current_version(sim, role)?;
            if v.is_some_and(|v| v != current) {
                return None;
            }
            Some(sim.bytes(role))
        }
    }
}

/// The bytes `sim` serves for a target path (as in the URL): `PATH` or `DIR/HASH.NAME`.
pub fn serve_target(sim: &Sim, path: &str) -> Option<Vec<u8>> {
    if let Some(data) = sim.target_files.get(path) {
        return Some(data.clone());
    }
    let (dir, last) = match path.rsplit_once('/') {
        Some((d, l)) => (Some(d), l),
        None => (None, path),
    };
    let (digest, name) = last.split_once('.')?;
    let original = match dir {
        Some(d) => format!("{d}/{name}"),
        None => name.to_string(),
    };
    let data = sim.target_files.get(&original)?;
    (hex::encode(&hash::sha256(data)) == digest).then(|| data.clone())
}

/// Every file the simulator would serve, by path relative to the server root
/// (`metadata/...`, `targets/...`), for a static server: all published roots, the timestamp,
/// the current snapshot and targets roles under both names, and every target under both
/// names.
pub fn all_files(sim: &Sim) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (i, r) in sim.signed_roots.iter().enumerate() {
        files.push((format!("metadata/{}.root.json", i + 1), r.clone()));
    }
    files.push(("metadata/timestamp.json".into(), sim.bytes("timestamp")));
    let mut roles = vec!["snapshot".to_string(), "targets".to_string()];
    roles.extend(sim.delegated.keys().cloned());
    for role in roles {
        let v = current_version(sim, &role).unwrap();
        let bytes = sim.bytes(&role);
        files.push((format!("metadata/{}.json", quote(&role)), bytes.clone()));
        files.push((format!("metadata/{v}.{}.json", quote(&role)), bytes));
    }
    for (path, data) in &sim.target_files {
        let digest = hex::encode(&hash::sha256(data));
        let hashed = match path.rsplit_once('/') {
            Some((d, n)) => format!("{d}/{digest}.{n}"),
            None => format!("{digest}.{path}"),
        };
        files.push((format!("targets/{path}"), data.clone()));
        files.push((format!("targets/{hashed}"), data.clone()));
    }
    files
}

/// Serves every file of `sim` ([`all_files`]) on `server`, under `/metadata/` and
/// `/targets/`.
pub fn serve(server: &TestServer, sim: &Sim) {
    for (path, bytes) in all_files(sim) {
        server.set(&format!("/{path}"), bytes);
    }
}

/// `config` with its metadata and targets base URLs on `server` (as [`serve`] serves them).
pub fn over_http(mut config: UpdaterConfig, server: &TestServer) -> UpdaterConfig {
    config.metadata_base_url = server.url("/metadata");
    config.targets_base_url = Some(server.url("/targets"));
    config
}

/// A client of a repository and a test HTTP server serving the repository ([`serve`]).
pub struct Served {
    pub c: Client,
    pub server: TestServer,
}

impl Served {
    /// Client `test` of `sim`, served by a new server.
    pub fn new(test: &str, sim: Sim) -> Served {
        let c = Client::new(test, sim);
        let server = TestServer::start();
        serve(&server, &c.repo.sim());
        Served { c, server }
    }

    /// The client's configuration bootstrapped with root v1, over the server.
    pub fn config(&self) -> UpdaterConfig {
        over_http(self.c.bootstrap_config(), &self.server)
    }
}

impl SimFetcher {
    pub fn new(sim: Sim) -> SimFetcher {
        SimFetcher {
            sim: Arc::new(Mutex::new(sim)),
            inner: Arc::new(Mutex::new(Inner {
                log: Vec::new(),
                overrides: HashMap::new(),
            })),
        }
    }

    /// The simulator, to change the repository.
    pub fn sim(&self) -> MutexGuard<'_, Sim> {
        self.sim.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every path fetched (relative to `https://sim.test/`, e.g. `metadata/timestamp.json`),
    /// in order.
    pub fn log(&self) -> Vec<String> {
        self.inner().log.clone()
    }

    /// The metadata file names fetched (e.g. `2.root.json`), in order.
    pub fn metadata_log(&self) -> Vec<String> {
        self.log()
            .iter()
            .filter_map(|p| p.strip_prefix("metadata/").map(str::to_string))
            .collect()
    }

    /// The target paths fetched (e.g. `dir/HASH.name`), in order.
    pub fn targets_log(&self) -> Vec<String> {
        self.log()
            .iter()
            .filter_map(|p| p.strip_prefix("targets/").map(str::to_string))
            .collect()
    }

    /// Forgets the log.
    pub fn clear_log(&self) {
        self.inner().log.clear();
    }

    /// Makes `path` (relative, e.g. `metadata/timestamp.json`) return `response`.
    pub fn set_override(&self, path: &str, response: Response) {
        self.inner().overrides.insert(path.to_string(), response);
    }

    /// Serves `path` from the simulator again.
    pub fn clear_override(&self, path: &str) {
        self.inner().overrides.remove(path);
    }

    /// Serves every path from the simulator again.
    pub fn clear_overrides(&self) {
        self.inner().overrides.clear();
    }

    /// The URL path (relative to the targets base URL) of target `path` under consistent
    /// snapshots: `DIR/HASH.NAME`, HASH the SHA-256 of the simulator's file.
    pub fn targets_url_of(&self, path: &str) -> String {
        let digest = hex::encode(&hash::sha256(&self.sim().target_files[path]));
        match path.rsplit_once('/') {
            Some((d, n)) => format!("{d}/{digest}.{n}"),
            None => format!("{digest}.{path}"),
        }
    }

    fn lookup(&self, path: &str) -> Response {
        if let Some(r) = self.inner().overrides.get(path) {
            return r.clone();
        }
        let sim = self.sim();
        let found = if let Some(file) = path.strip_prefix("metadata/") {
            serve_metadata(&sim, file)
        } else if let Some(target) = path.strip_prefix("targets/") {
            serve_target(&sim, target)
        } else {
            None
        };
        match found {
            Some(b) => Response::Bytes(b),
            None => Response::Status(404),
        }
    }
}

/// A [`SimFetcher`] that calls `before` with each URL before serving it: for a test that makes
/// something happen while the updater is in the middle of its work.
pub struct HookedFetcher {
    pub inner: SimFetcher,
    pub before: Box<dyn FnMut(&str) + Send>,
}

impl Fetcher for HookedFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        (self.before)(url);
        self.inner.fetch(url, max_length, sink)
    }
}

impl Fetcher for SimFetcher {
    fn fetch(
        &mut self,
        url: &str,
        _max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let path = url.strip_prefix("https://sim.test/").unwrap_or(url);
        self.inner().log.push(path.to_string());
        match self.lookup(path) {
            Response::Bytes(b) => {
                for chunk in b.chunks(CHUNK) {
                    sink(chunk)?;
                }
                Ok(())
            }
            Response::Status(status) => Err(Error::Download {
                url: url.to_string(),
                status: Some(status),
                msg: format!("HTTP {status}"),
            }),
            Response::Endless => {
                let chunk = vec![b'x'; 16 * 1024];
                for _ in 0..(64 * 1024 * 1024 / chunk.len()) {
                    sink(&chunk)?;
                }
                Ok(())
            }
        }
    }
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("libtuf-uptests-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A client test setup: a simulated repository and a local directory with `metadata/` and
/// `targets/`.
pub struct Client {
    pub repo: SimFetcher,
    pub dir: TempDir,
}

impl Client {
    pub fn new(name: &str, sim: Sim) -> Client {
        Client {
            repo: SimFetcher::new(sim),
            dir: TempDir::new(name),
        }
    }

    pub fn metadata_dir(&self) -> PathBuf {
        self.dir.path().join("metadata")
    }

    pub fn targets_dir(&self) -> PathBuf {
        self.dir.path().join("targets")
    }

    /// The path of a cached metadata file, e.g. `timestamp.json` or `root_history/2.root.json`.
    pub fn cached(&self, name: &str) -> PathBuf {
        self.metadata_dir().join(name)
    }

    /// The bytes of a cached metadata file, if present.
    pub fn read_cached(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.cached(name)).ok()
    }

    /// A configuration over this directory and the simulator's URLs, without a bootstrap
    /// root.
    pub fn config(&self) -> UpdaterConfig {
        let mut c = UpdaterConfig::new(self.metadata_dir(), METADATA_URL);
        c.targets_dir = Some(self.targets_dir());
        c.targets_base_url = Some(TARGETS_URL.to_string());
        c
    }

    /// A configuration bootstrapped with root version 1 of the simulator.
    pub fn bootstrap_config(&self) -> UpdaterConfig {
        let mut c = self.config();
        c.bootstrap_root = Some(self.repo.sim().root_bytes(1));
        c
    }

    /// An updater with `config` over the simulator.
    pub fn updater_with(&self, config: UpdaterConfig) -> Updater {
        Updater::with_fetcher(config, Box::new(self.repo.clone())).unwrap()
    }

    /// An updater bootstrapped with root v1 (if nothing is cached yet) or the cached root.
    pub fn updater(&self) -> Updater {
        if self.cached("root.json").exists() {
            self.updater_with(self.config())
        } else {
            self.updater_with(self.bootstrap_config())
        }
    }

    /// File names in a directory (sorted), empty if it does not exist.
    pub fn list(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Temporary files (`.*.tmp`) left in the metadata or targets directory.
    pub fn temp_files(&self) -> Vec<String> {
        let mut v = Vec::new();
        for d in [self.metadata_dir(), self.targets_dir()] {
            v.extend(
                Self::list(&d)
                    .into_iter()
                    .filter(|n| n.ends_with(".tmp") || n.starts_with('.') && n != ".lock"),
            );
        }
        // Temporary files of metadata writes live in DIR/root_history, beside the roots.
        v.extend(
            Self::list(&self.metadata_dir().join("root_history"))
                .into_iter()
                .filter(|n| n.starts_with('.')),
        );
        v
    }
}
