//! Many clients sharing ONE metadata directory and ONE targets directory while the repository
//! publishes new versions.
//!
//! - `processes_over_file` / `processes_over_http`: rounds of concurrent `tuf-client`
//!   processes (`init`, then `refresh` and `download`) while the test publishes new
//!   timestamp/snapshot/targets/delegated versions, new targets, a timestamp-only update and a
//!   root key rotation. The repository itself is never torn: over `file://` every file is
//!   written to a temporary name and renamed, and new versions become visible in dependency
//!   order (target files, delegated and top-level targets, snapshot, then timestamp last).
//! - `threads_with_own_updaters`: the same with threads of this process, each with its own
//!   [`Updater`], some kept across rounds and some built anew every round.
//! - `an_updater_behind_keeps_newer_cached_delegated_metadata`: the interleaving behind a
//!   cache these rounds once left inconsistent, made deterministic.
//!
//! Every client run must succeed. Afterwards the cache verifies with a [`TrustedSet`] (root
//! history chain, timestamp, snapshot as the final snapshot, targets, the delegated role), no
//! temporary file is left, and every downloaded target matches its hashes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::http::TestServer;
use common::sim::Sim;
use common::sim_fetcher::TempDir;
use tuf::metadata::{DateTime, Metadata, PathSpec, RoleType, TargetFile, Targets};
use tuf::updater::{quote, Updater, UpdaterConfig};
use tuf::verify::{Policy, TrustedSet};

const CLIENT: &str = env!("CARGO_BIN_EXE_tuf-client");
const CLIENTS_PER_ROUND: usize = 5;
const ROUNDS: usize = 6;
/// The round before whose publication the root key is rotated.
const ROTATION_ROUND: usize = 3;
const DELEGATED: &str = "deleg";

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Where the repository is published: a path like `metadata/3.targets.json` or
/// `targets/d/HASH.x.bin` gets `data`, replacing what was there at once.
trait Sink {
    fn put(&self, path: &str, data: &[u8]);
}

/// A directory; each file is written to a temporary name and renamed into place.
struct DirSink(PathBuf);

impl Sink for DirSink {
    fn put(&self, path: &str, data: &[u8]) {
        let dest = self.0.join(path);
        let parent = dest.parent().unwrap();
        std::fs::create_dir_all(parent).unwrap();
        let tmp = parent.join(format!(".publish-{}.part", std::process::id()));
        std::fs::write(&tmp, data).unwrap();
        std::fs::rename(&tmp, &dest).unwrap();
    }
}

/// The HTTP test server: each path is replaced at once under its lock.
impl Sink for TestServer {
    fn put(&self, path: &str, data: &[u8]) {
        self.set(&format!("/{path}"), data);
    }
}

/// Target contents: `size` bytes that name the target.
fn target_data(name: &str, size: usize) -> Vec<u8> {
    let line = format!("target {name}\n").into_bytes();
    line.iter().copied().cycle().take(size).collect()
}

/// The repository: a simulator with a delegation `deleg` for `d/*`, and what has been
/// published so far.
struct Publisher {
    sim: Sim,
    roots_published: usize,
    targets_published: BTreeSet<String>,
}

impl Publisher {
    /// With `meta_hashes`, snapshot and timestamp meta carry lengths and hashes.
    fn new(meta_hashes: bool) -> Publisher {
        let mut sim = Sim::new();
        sim.compute_metafile_hashes_length = meta_hashes;
        sim.add_delegation(
            "targets",
            DELEGATED,
            PathSpec::Paths(vec!["d/*".into()]),
            false,
        );
        for i in 0..4 {
            // A few larger files so that concurrent downloads of one target overlap.
            let name = format!("base-{i}.bin");
            sim.add_target("targets", &name, &target_data(&name, 100_000 * (i + 1)));
        }
        sim.add_target(DELEGATED, "d/base.txt", &target_data("d/base.txt", 3000));
        sim.update_snapshot();
        Publisher {
            sim,
            roots_published: 0,
            targets_published: BTreeSet::new(),
        }
    }

    fn root_bytes(&self) -> Vec<u8> {
        self.sim.root_bytes(1)
    }

    /// Every target path that has been published.
    fn names(&self) -> Vec<String> {
        self.targets_published.iter().cloned().collect()
    }

    /// New targets in `targets` and `deleg`, both roles' versions bumped, new snapshot and
    /// timestamp (not yet published).
    fn new_version(&mut self, round: usize) {
        for i in 0..2 {
            let name = format!("r{round}-{i}.txt");
            self.sim
                .add_target("targets", &name, &target_data(&name, 20_000 + round));
        }
        let name = format!("d/r{round}.bin");
        self.sim
            .add_target(DELEGATED, &name, &target_data(&name, 50_000));
        self.sim.targets.signed.version += 1;
        self.sim
            .delegated
            .get_mut(DELEGATED)
            .unwrap()
            .signed
            .version += 1;
        self.sim.update_snapshot();
    }

    /// A new root version with a new root key, signed by the old and the new key (not yet
    /// published). The other roles keep their keys, so clients that still trust the old
    /// root verify the new timestamp too.
    fn rotate_root_key(&mut self) {
        let old = self.sim.rotate_keys(RoleType::Root);
        self.sim.rotate_root(|_| {}, &[&old[0]]);
    }

    /// Publishes what is new, each file before the files that point to it: roots, target
    /// files, delegated and top-level targets, snapshot, and the timestamp last.
    fn publish(&mut self, sink: &dyn Sink) {
        let sim = &self.sim;
        for v in self.roots_published + 1..=sim.signed_roots.len() {
            sink.put(&format!("metadata/{v}.root.json"), &sim.root_bytes(v));
        }
        self.roots_published = sim.signed_roots.len();
        for (path, data) in &sim.target_files {
            if self.targets_published.contains(path) {
                continue;
            }
            let hash = TargetFile::from_data(data).hashes.first().1.into_owned();
            let remote = match path.rsplit_once('/') {
                Some((dir, name)) => format!("{dir}/{hash}.{name}"),
                None => format!("{hash}.{path}"),
            };
            sink.put(&format!("targets/{remote}"), data);
        }
        let deleg_version = sim.delegated[DELEGATED].signed.version;
        sink.put(
            &format!("metadata/{deleg_version}.{DELEGATED}.json"),
            &sim.bytes(DELEGATED),
        );
        sink.put(
            &format!("metadata/{}.targets.json", sim.targets.signed.version),
            &sim.bytes("targets"),
        );
        sink.put(
            &format!("metadata/{}.snapshot.json", sim.snapshot.signed.version),
            &sim.bytes("snapshot"),
        );
        sink.put("metadata/timestamp.json", &sim.bytes("timestamp"));
        // Only now are the new targets reachable.
        self.targets_published = sim.target_files.keys().cloned().collect();
    }

    /// The next change: a root rotation before `ROTATION_ROUND`, a timestamp-only update in
    /// odd rounds, and a new version of everything else.
    fn next(&mut self, round: usize, sink: &dyn Sink) {
        if round == ROTATION_ROUND {
            self.rotate_root_key();
        }
        self.new_version(round);
        self.publish(sink);
        if round % 2 == 1 {
            self.sim.update_timestamp();
            sink.put("metadata/timestamp.json", &self.sim.bytes("timestamp"));
        }
    }

    fn timestamp_version(&self) -> u64 {
        self.sim.timestamp.signed.version
    }
}

/// Spawns one `tuf-client` with `args`, output captured.
fn spawn(args: &[&str]) -> Child {
    Command::new(CLIENT)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {CLIENT}: {e}"))
}

/// Waits for every child; all must exit 0.
fn wait_all(children: Vec<(String, Child)>) {
    let mut failures = Vec::new();
    for (what, child) in children {
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            failures.push(format!(
                "{what}: {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "client runs failed:\n{}",
        failures.join("\n")
    );
}

/// Rounds of concurrent processes against the repository published through `sink` and
/// reachable at `metadata_url`/`targets_url`.
fn processes(
    dir: &Path,
    sink: &dyn Sink,
    metadata_url: &str,
    targets_url: &str,
    meta_hashes: bool,
) {
    let mut publisher = Publisher::new(meta_hashes);
    publisher.publish(sink);
    let root_file = dir.join("trusted-root.json");
    std::fs::write(&root_file, publisher.root_bytes()).unwrap();
    let md = dir.join("metadata-cache");
    let tdir = dir.join("target-cache");
    let (md_s, tdir_s, root_s) = (
        md.to_str().unwrap(),
        tdir.to_str().unwrap(),
        root_file.to_str().unwrap(),
    );

    // Round 0: concurrent `init` of one fresh directory.
    let children = (0..CLIENTS_PER_ROUND)
        .map(|i| {
            let child = spawn(&["--metadata-dir", md_s, "init", root_s]);
            (format!("round 0 client {i}: init"), child)
        })
        .collect();
    wait_all(children);

    let mut last_names = Vec::new();
    let mut timestamp_before_last_round = 0;
    for round in 1..=ROUNDS {
        let names = publisher.names();
        timestamp_before_last_round = publisher.timestamp_version();
        let mut children = Vec::new();
        for i in 0..CLIENTS_PER_ROUND {
            let mut args = vec!["--metadata-dir", md_s, "--metadata-url", metadata_url];
            let what = if i % 3 == 0 {
                args.push("refresh");
                "refresh"
            } else {
                // Each client asks for the targets in another order.
                let mut ordered: Vec<&str> = names.iter().map(String::as_str).collect();
                ordered.rotate_left((i * 3 + round) % names.len());
                for n in ordered {
                    args.extend(["--target-name", n]);
                }
                args.extend(["--target-base-url", targets_url, "--target-dir", tdir_s]);
                args.push("download");
                "download"
            };
            children.push((format!("round {round} client {i}: {what}"), spawn(&args)));
            if i == CLIENTS_PER_ROUND / 2 {
                // Publish while clients run.
                publisher.next(round, sink);
            }
        }
        wait_all(children);
        last_names = names;
    }

    verify_cache(&md, &publisher, timestamp_before_last_round);
    verify_targets(&tdir, &publisher, &last_names);
}

#[test]
fn processes_over_file() {
    let scratch = TempDir::new("multi-file");
    let dir = scratch.path();
    let repo = dir.join("repo");
    processes(
        dir,
        &DirSink(repo.clone()),
        &format!("file://{}/", repo.join("metadata").display()),
        &format!("file://{}/", repo.join("targets").display()),
        false,
    );
    assert_no_temp_files(&repo, ".part");
}

#[test]
fn processes_over_http() {
    let scratch = TempDir::new("multi-http");
    let dir = scratch.path();
    let server = TestServer::start();
    processes(
        dir,
        &server,
        &server.url("/metadata/"),
        &server.url("/targets/"),
        true,
    );
    drop(server);
}

/// An updater on `md` and `tdir` for the repository in `repo`, over `file://`.
fn file_config(md: &Path, tdir: &Path, repo: &Path, bootstrap: Option<Vec<u8>>) -> UpdaterConfig {
    let mut c = UpdaterConfig::new(md, format!("file://{}/", repo.join("metadata").display()));
    c.targets_dir = Some(tdir.to_path_buf());
    c.targets_base_url = Some(format!("file://{}/", repo.join("targets").display()));
    c.bootstrap_root = bootstrap;
    c
}

/// An updater that refreshed before the repository published a new version looks up a target
/// after another updater stored the new version of the delegated role: it fetches the version
/// its own snapshot lists and must not replace the newer cached file with it (the cache would
/// then hold a snapshot and a delegated role that do not match).
#[test]
fn an_updater_behind_keeps_newer_cached_delegated_metadata() {
    for meta_hashes in [false, true] {
        let scratch = TempDir::new(&format!("multi-behind-{meta_hashes}"));
        let dir = scratch.path();
        let repo = dir.join("repo");
        let sink = DirSink(repo.clone());
        let mut publisher = Publisher::new(meta_hashes);
        publisher.publish(&sink);
        let md = dir.join("metadata-cache");
        let tdir = dir.join("target-cache");

        let mut behind =
            Updater::new(file_config(&md, &tdir, &repo, Some(publisher.root_bytes()))).unwrap();
        behind.refresh().unwrap();
        publisher.next(1, &sink);
        let mut ahead = Updater::new(file_config(&md, &tdir, &repo, None)).unwrap();
        ahead.refresh().unwrap();
        assert!(ahead.get_target_info("d/r1.bin").unwrap().is_some());
        let deleg = md.join(format!("{DELEGATED}.json"));
        let version = |bytes: &[u8]| {
            Metadata::<Targets>::from_bytes(bytes)
                .unwrap()
                .signed
                .version
        };
        let newer = read(&deleg);
        assert_eq!(version(&newer), 2);

        let info = behind.get_target_info("d/base.txt").unwrap().unwrap();
        assert_eq!(info.role, DELEGATED);
        assert!(behind.get_target_info("d/r1.bin").unwrap().is_none());
        assert_eq!(
            version(&read(&deleg)),
            2,
            "meta hashes {meta_hashes}: the cached delegated role was rolled back"
        );
        assert_eq!(read(&deleg), newer);
        verify_cache(&md, &publisher, publisher.timestamp_version());

        // Once refreshed, the updater that was behind uses the cached role.
        behind.refresh().unwrap();
        assert!(behind.get_target_info("d/r1.bin").unwrap().is_some());
    }
}

#[test]
fn threads_with_own_updaters() {
    const THREADS: usize = 4;
    let scratch = TempDir::new("multi-threads");
    let dir = scratch.path();
    let repo = dir.join("repo");
    let sink = DirSink(repo.clone());
    let mut publisher = Publisher::new(false);
    publisher.publish(&sink);
    let md = dir.join("metadata-cache");
    let tdir = dir.join("target-cache");
    let config = |bootstrap: Option<Vec<u8>>| file_config(&md, &tdir, &repo, bootstrap);
    std::fs::create_dir_all(&tdir).unwrap();
    // Every updater is built at once (concurrent bootstrap of one directory); the odd ones
    // are rebuilt from the cached root.json every round.
    let mut updaters: Vec<Option<Updater>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let c = config(Some(publisher.root_bytes()));
                s.spawn(move || Updater::new(c).unwrap())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| Some(h.join().unwrap()))
            .collect()
    });

    let mut last_names = Vec::new();
    let mut timestamp_before_last_round = 0;
    for round in 1..=ROUNDS {
        let names = publisher.names();
        timestamp_before_last_round = publisher.timestamp_version();
        std::thread::scope(|s| {
            for (i, slot) in updaters.iter_mut().enumerate() {
                let names = &names;
                let config = &config;
                s.spawn(move || {
                    if i % 2 == 1 {
                        *slot = Some(Updater::new(config(None)).unwrap());
                    }
                    let u = slot.as_mut().unwrap();
                    u.refresh()
                        .unwrap_or_else(|e| panic!("round {round} thread {i}: refresh: {e}"));
                    let mut ordered = names.clone();
                    ordered.rotate_left((i * 3 + round) % names.len());
                    for name in &ordered {
                        let info = u
                            .get_target_info(name)
                            .unwrap_or_else(|e| panic!("round {round} thread {i}: {name}: {e}"))
                            .unwrap_or_else(|| panic!("round {round} thread {i}: no {name}"));
                        if u.find_cached_target(&info, None).unwrap().is_none() {
                            u.download_target(&info, None, None).unwrap_or_else(|e| {
                                panic!("round {round} thread {i}: download {name}: {e}")
                            });
                        }
                    }
                });
            }
            publisher.next(round, &sink);
        });
        last_names = names;
    }
    drop(updaters);

    verify_cache(&md, &publisher, timestamp_before_last_round);
    verify_targets(&tdir, &publisher, &last_names);
}

// ---- checks of the shared directories ------------------------------------------------------

/// Every file under `dir`, recursively, relative to it.
fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[track_caller]
fn assert_no_temp_files(dir: &Path, suffix: &str) {
    let left: Vec<String> = list_files(dir)
        .into_iter()
        .filter(|f| f.ends_with(suffix))
        .collect();
    assert!(
        left.is_empty(),
        "temporary files in {}: {left:?}",
        dir.display()
    );
}

/// The metadata cache holds exactly the expected files, and they verify as a client would
/// load them: the root history as a chain, then timestamp, snapshot (as the final snapshot:
/// the cache must be consistent), targets and the delegated role.
fn verify_cache(md: &Path, publisher: &Publisher, min_timestamp_version: u64) {
    let files = list_files(md);
    let roots = publisher.sim.signed_roots.len();
    let mut expected: BTreeSet<String> = (1..=roots)
        .map(|v| format!("root_history/{v}.root.json"))
        .collect();
    for f in [
        ".lock",
        "root.json",
        "timestamp.json",
        "snapshot.json",
        "targets.json",
    ] {
        expected.insert(f.to_string());
    }
    expected.insert(format!("{DELEGATED}.json"));
    assert_eq!(
        files.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "files of the metadata cache"
    );

    let now = DateTime::now();
    let mut set = TrustedSet::new(
        &read(&md.join("root_history/1.root.json")),
        now,
        Policy::default(),
    )
    .expect("root_history/1.root.json");
    assert_eq!(
        read(&md.join("root_history/1.root.json")),
        publisher.root_bytes()
    );
    for v in 2..=roots {
        let bytes = read(&md.join(format!("root_history/{v}.root.json")));
        assert_eq!(bytes, publisher.sim.root_bytes(v), "root v{v}");
        set.update_root(&bytes)
            .unwrap_or_else(|e| panic!("root_history/{v}.root.json: {e}"));
    }
    assert_eq!(read(&md.join("root.json")), publisher.sim.root_bytes(roots));

    set.update_timestamp(&read(&md.join("timestamp.json")))
        .expect("timestamp.json");
    let ts = set.timestamp().unwrap().version;
    assert!(
        ts >= min_timestamp_version,
        "cached timestamp v{ts} is older than v{min_timestamp_version}, published before the last round"
    );
    set.update_snapshot(&read(&md.join("snapshot.json")), true)
        .expect("snapshot.json as the final snapshot");
    set.update_targets(&read(&md.join("targets.json")))
        .expect("targets.json");
    set.update_delegated_targets(
        &read(&md.join(format!("{DELEGATED}.json"))),
        DELEGATED,
        "targets",
    )
    .unwrap_or_else(|e| panic!("{DELEGATED}.json: {e}"));
}

/// Every file in the targets directory is a published target with matching length and
/// hashes, every target of the last round is there, and nothing else (no temporary file).
fn verify_targets(tdir: &Path, publisher: &Publisher, last_names: &[String]) {
    let by_file: BTreeMap<String, &String> = publisher
        .sim
        .target_files
        .keys()
        .map(|p| (quote(p), p))
        .collect();
    let files = list_files(tdir);
    for f in &files {
        let path = by_file
            .get(f)
            .unwrap_or_else(|| panic!("unexpected file in the targets directory: {f}"));
        let data = read(&tdir.join(f));
        // The hashes listed in the published metadata.
        let listed = listed_target(publisher, path);
        listed
            .verify(path, &data)
            .unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    for name in last_names {
        assert!(files.contains(&quote(name)), "{name} was not downloaded");
    }
}

fn listed_target(publisher: &Publisher, path: &str) -> TargetFile {
    let md: &Metadata<Targets> = if path.starts_with("d/") {
        &publisher.sim.delegated[DELEGATED]
    } else {
        &publisher.sim.targets
    };
    md.signed.targets[path].clone()
}
