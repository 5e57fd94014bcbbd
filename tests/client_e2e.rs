//! End-to-end tests of the `tuf-client` binary, as a black box, against repositories that
//! python-tuf writes with the benchmark's workload generator (tests/python/gen_repo.py, a copy
//! of shared/bench/gen_repo.py).
//!
//! Every workload (flat, hashbins with succinct and prefix bins, root rotations, a deep
//! delegation chain) is served over `file://` and over a local HTTP server (tests/common/http.rs,
//! the repository loaded into memory, whose request log shows what the client fetched):
//! `init`, `refresh` twice, `download` of the workload's sample targets (byte-identical to the
//! repository's files), a second `download` that fetches no target, and a download that
//! replaces a corrupted local copy. Then the failure cases: exit 1 with a message for unknown
//! targets, tampered metadata or targets, a missing trusted root; exit 2 for bad usage.
//!
//! The client is the crate's `tuf-client` binary, or the program `$TUF_CLIENT` names (e.g. the
//! C example `examples-c/tuf-client` of a CMake build, or a binding's client such as
//! `tuf-client-cpp`), which must behave the same.
//!
//! The generator runs with python-tuf's interpreter (`common::python`: `$TUF_TEST_PYTHON`, set
//! by tests/run.sh, or its venv); without one these tests fail and say how to get it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::http::TestServer;
use common::python::python;
use tuf::json::Value;

/// The client under test: `$TUF_CLIENT`, or the crate's `tuf-client` binary.
fn client() -> PathBuf {
    std::env::var_os("TUF_CLIENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tuf-client")))
}

/// A fresh scratch directory for one test.
fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("libtuf-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A repository written by gen_repo.py, with the facts of its workload.json.
struct Repo {
    dir: PathBuf,
    root_versions: u64,
    delegated_roles: u64,
    sample: Vec<String>,
    /// Target name -> the repository's file (`targets/HASH.NAME`).
    target_files: BTreeMap<String, PathBuf>,
}

impl Repo {
    fn metadata(&self) -> PathBuf {
        self.dir.join("metadata")
    }

    fn read_md(&self, name: &str) -> Vec<u8> {
        read(&self.metadata().join(name))
    }

    fn target_bytes(&self, name: &str) -> Vec<u8> {
        read(&self.target_files[name])
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs gen_repo.py into `OUT = dir/repo` with `args` and loads its workload.json.
fn gen_repo(py: &str, dir: &Path, args: &[&str]) -> Repo {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/gen_repo.py");
    let out_dir = dir.join("repo");
    let out = Command::new(py)
        .arg(&script)
        .arg(&out_dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {py}: {e}"));
    assert!(
        out.status.success(),
        "gen_repo.py {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let info = Value::parse(&read(&out_dir.join("workload.json"))).unwrap();
    let info = info.as_object().unwrap();
    let num = |k: &str| {
        info[k]
            .as_u64()
            .unwrap_or_else(|| panic!("workload.json: {k}"))
    };
    let sample = match &info["sample_targets"] {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect::<Vec<_>>(),
        other => panic!("sample_targets: {other:?}"),
    };
    assert!(!sample.is_empty());
    let mut target_files = BTreeMap::new();
    for entry in std::fs::read_dir(out_dir.join("targets")).unwrap() {
        let path = entry.unwrap().path();
        let file_name = path.file_name().unwrap().to_str().unwrap().to_string();
        // HASH.NAME with a 64-hex-digit sha256
        let (hash, name) = file_name.split_at(64);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{file_name}");
        target_files.insert(name[1..].to_string(), path);
    }
    assert_eq!(target_files.len() as u64, num("targets"));
    Repo {
        dir: out_dir,
        root_versions: num("root_versions"),
        delegated_roles: num("delegated_roles"),
        sample,
        target_files,
    }
}

/// Loads every file of the repository into a test HTTP server, under `/metadata/` and
/// `/targets/`.
fn serve(repo: &Repo) -> TestServer {
    let server = TestServer::start();
    load_into(&server, repo);
    server
}

fn load_into(server: &TestServer, repo: &Repo) {
    for sub in ["metadata", "targets"] {
        for entry in std::fs::read_dir(repo.dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            server.set(&format!("/{sub}/{name}"), read(&path));
        }
    }
}

/// Where the client finds the repository.
struct Urls {
    metadata: String,
    targets: String,
}

fn file_urls(repo: &Repo) -> Urls {
    Urls {
        metadata: format!("file://{}/", repo.dir.join("metadata").display()),
        targets: format!("file://{}/", repo.dir.join("targets").display()),
    }
}

fn http_urls(server: &TestServer) -> Urls {
    Urls {
        metadata: server.url("/metadata/"),
        targets: server.url("/targets/"),
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_client<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let client = client();
    let out: Output = Command::new(&client)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", client.display()));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn init(md: &Path, root: &Path) -> Run {
    run_client(&[
        "--metadata-dir".as_ref(),
        md.as_os_str(),
        "init".as_ref(),
        root.as_os_str(),
    ])
}

fn refresh(md: &Path, urls: &Urls) -> Run {
    run_client(&[
        "--metadata-dir".as_ref(),
        md.as_os_str(),
        "--metadata-url".as_ref(),
        urls.metadata.as_ref(),
        "refresh".as_ref(),
    ])
}

fn download(md: &Path, urls: &Urls, target_dir: &Path, names: &[&str]) -> Run {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--metadata-dir".as_ref(),
        md.as_os_str(),
        "--metadata-url".as_ref(),
        urls.metadata.as_ref(),
    ];
    for n in names {
        args.push("--target-name".as_ref());
        args.push(n.as_ref());
    }
    args.extend::<[&std::ffi::OsStr; 5]>([
        "--target-base-url".as_ref(),
        urls.targets.as_ref(),
        "--target-dir".as_ref(),
        target_dir.as_os_str(),
        "download".as_ref(),
    ]);
    run_client(&args)
}

#[track_caller]
fn assert_ok(run: &Run, what: &str) {
    assert_eq!(
        run.code,
        Some(0),
        "{what}: expected exit 0, stderr:\n{}",
        run.stderr
    );
}

/// Exit 1 with a `tuf-client: ...` message on stderr containing `needle`.
#[track_caller]
fn assert_fails(run: &Run, what: &str, needle: &str) {
    assert_eq!(
        run.code,
        Some(1),
        "{what}: expected exit 1, stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("tuf-client: ") && run.stderr.contains(needle),
        "{what}: stderr should name the failure ({needle:?}):\n{}",
        run.stderr
    );
}

/// Every file name under `dir`, recursively, relative to it.
fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

/// No temporary file (`.NAME.*.tmp`) is left in `dir`.
#[track_caller]
fn assert_no_temp_files(dir: &Path) {
    let leftovers: Vec<String> = list_files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left in {}: {leftovers:?}",
        dir.display()
    );
}

/// Request paths logged by the server that start with `prefix`.
fn requests_under(server: &TestServer, prefix: &str) -> Vec<String> {
    server
        .request_log()
        .into_iter()
        .filter(|p| p.starts_with(prefix))
        .collect()
}

/// The whole client workflow on `repo`, over `file://` or (with `server`) HTTP.
fn exercise(repo: &Repo, work: &Path, server: Option<&TestServer>) {
    let urls = match server {
        Some(s) => http_urls(s),
        None => file_urls(repo),
    };
    let md = work.join("metadata");
    let tdir = work.join("targets");
    let n = repo.root_versions;

    // init: the trusted root is stored, nothing is fetched.
    assert_ok(&init(&md, &repo.dir.join("root.json")), "init");
    assert_eq!(
        read(&md.join("root.json")),
        read(&repo.dir.join("root.json"))
    );
    assert_eq!(
        read(&md.join("root_history/1.root.json")),
        read(&repo.dir.join("root.json"))
    );
    if let Some(s) = server {
        assert_eq!(s.total_requests(), 0, "init made requests");
    }

    // refresh: the top-level metadata, every root version in the history.
    assert_ok(&refresh(&md, &urls), "first refresh");
    for v in 1..=n {
        assert_eq!(
            read(&md.join(format!("root_history/{v}.root.json"))),
            repo.read_md(&format!("{v}.root.json")),
            "root_history/{v}.root.json"
        );
    }
    assert!(!md
        .join(format!("root_history/{}.root.json", n + 1))
        .exists());
    assert_eq!(
        read(&md.join("root.json")),
        repo.read_md(&format!("{n}.root.json"))
    );
    assert_eq!(
        read(&md.join("timestamp.json")),
        repo.read_md("timestamp.json")
    );
    assert_eq!(
        read(&md.join("snapshot.json")),
        repo.read_md("1.snapshot.json")
    );
    assert_eq!(
        read(&md.join("targets.json")),
        repo.read_md("1.targets.json")
    );
    if let Some(s) = server {
        let log = s.request_log();
        // Every root version up to the first one missing, each once; once a new root was
        // found, the next ones are asked for several at a time (in any order), so versions
        // past the end of the chain may be asked for too, but not more than were found.
        let n = n as usize;
        // The timestamp is asked for with the first root request; after a new root, it is
        // asked for again once the walk has ended, and only that one is used.
        let mut log = log;
        if n > 1 {
            assert_eq!(
                log.get(1).map(String::as_str),
                Some("/metadata/timestamp.json")
            );
            log.remove(1);
        }
        let roots = log.iter().take_while(|p| p.ends_with(".root.json"));
        let mut versions: Vec<usize> = roots
            .map(|p| {
                let v = p.trim_start_matches("/metadata/");
                v.trim_end_matches(".root.json").parse().unwrap()
            })
            .collect();
        versions.sort_unstable();
        let (chain, past) = versions.split_at(n.min(versions.len()));
        assert_eq!(chain, (2..=n + 1).collect::<Vec<_>>(), "{log:?}");
        assert!(past.iter().all(|v| *v > n + 1), "{log:?}");
        assert!(past.len() < n.max(1), "{log:?}");
        let rest: Vec<&str> = log[versions.len()..].iter().map(String::as_str).collect();
        assert_eq!(
            rest,
            [
                "/metadata/timestamp.json",
                "/metadata/1.snapshot.json",
                "/metadata/1.targets.json"
            ],
            "first refresh fetched"
        );
        s.reset_counts();
    }

    // A second refresh with nothing new upstream: only the next root and the timestamp are
    // fetched; snapshot and targets come from the cache.
    assert_ok(&refresh(&md, &urls), "second refresh");
    if let Some(s) = server {
        assert_eq!(
            s.request_log(),
            vec![
                format!("/metadata/{}.root.json", n + 1),
                "/metadata/timestamp.json".to_string()
            ],
            "second refresh fetched"
        );
        s.reset_counts();
    }

    // download of the sample targets: byte-identical files, each fetched once.
    let names: Vec<&str> = repo.sample.iter().map(String::as_str).collect();
    assert_ok(&download(&md, &urls, &tdir, &names), "download");
    for name in &names {
        assert_eq!(
            read(&tdir.join(name)),
            repo.target_bytes(name),
            "downloaded {name}"
        );
    }
    assert_eq!(list_files(&tdir).len(), names.len());
    if let Some(s) = server {
        let fetched = requests_under(s, "/targets/");
        assert_eq!(fetched.len(), names.len(), "targets fetched: {fetched:?}");
        for name in &names {
            assert_eq!(
                fetched
                    .iter()
                    .filter(|p| p.ends_with(&format!(".{name}")))
                    .count(),
                1,
                "{name} fetched once"
            );
        }
        // Delegated metadata is fetched lazily, at most once per role.
        let mut roles = requests_under(s, "/metadata/");
        let before = roles.len();
        roles.sort();
        roles.dedup();
        assert_eq!(roles.len(), before, "metadata fetched twice");
        s.reset_counts();
    }
    // Delegated roles that were needed are cached, as the repository wrote them.
    let delegated_cached: Vec<String> = list_files(&md)
        .into_iter()
        .filter(|f| {
            f.ends_with(".json")
                && !f.starts_with("root")
                && !["timestamp.json", "snapshot.json", "targets.json"].contains(&f.as_str())
        })
        .collect();
    assert!(delegated_cached.len() as u64 <= repo.delegated_roles);
    if repo.delegated_roles > 0 {
        assert!(!delegated_cached.is_empty(), "no delegated role cached");
    }
    for f in &delegated_cached {
        assert_eq!(read(&md.join(f)), repo.read_md(&format!("1.{f}")), "{f}");
    }

    // Again: every target is already there, nothing is downloaded.
    assert_ok(&download(&md, &urls, &tdir, &names), "second download");
    if let Some(s) = server {
        assert_eq!(
            requests_under(s, "/targets/"),
            Vec::<String>::new(),
            "second download fetched targets"
        );
        s.reset_counts();
    }

    // A local copy that no longer matches its hashes is downloaded again (and only that one).
    let victim = names[names.len() / 2];
    std::fs::write(tdir.join(victim), b"corrupted").unwrap();
    assert_ok(
        &download(&md, &urls, &tdir, &names),
        "download over a bad copy",
    );
    assert_eq!(read(&tdir.join(victim)), repo.target_bytes(victim));
    if let Some(s) = server {
        let fetched = requests_under(s, "/targets/");
        assert_eq!(fetched.len(), 1, "{fetched:?}");
        assert!(fetched[0].ends_with(&format!(".{victim}")), "{fetched:?}");
    }

    assert_no_temp_files(&md);
    assert_no_temp_files(&tdir);
}

/// Runs the workflow on one generated repository, over file:// and over HTTP.
fn workload(name: &str, args: &[&str]) {
    let py = python();
    let dir = tempdir(name);
    let repo = gen_repo(&py, &dir, args);
    exercise(&repo, &dir.join("file"), None);
    let server = serve(&repo);
    exercise(&repo, &dir.join("http"), Some(&server));
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn flat() {
    workload("flat", &["--workload", "flat", "--targets", "200"]);
}

#[test]
fn hashbins_succinct() {
    workload(
        "hashbins-succinct",
        &[
            "--workload",
            "hashbins",
            "--bins",
            "64",
            "--targets",
            "500",
            "--bin-style",
            "succinct",
        ],
    );
}

#[test]
fn hashbins_prefixes() {
    workload(
        "hashbins-prefixes",
        &[
            "--workload",
            "hashbins",
            "--bins",
            "64",
            "--targets",
            "500",
            "--bin-style",
            "prefixes",
        ],
    );
}

#[test]
fn rotations() {
    workload(
        "rotations",
        &["--workload", "rotations", "--rotations", "5"],
    );
}

#[test]
fn deep() {
    workload("deep", &["--workload", "deep", "--depth", "5"]);
}

#[test]
fn meta_hashes_and_compact_json() {
    // Snapshot/timestamp meta with length and hashes, compact JSON.
    workload(
        "meta-hashes",
        &[
            "--workload",
            "hashbins",
            "--bins",
            "16",
            "--targets",
            "50",
            "--meta-hashes",
            "--compact",
        ],
    );
}

// ---- failures ------------------------------------------------------------------------------

/// Replaces the first occurrence of `from` in `path` by `to` (same JSON shape, broken
/// signature).
fn tamper(path: &Path, from: &str, to: &str) {
    let text = String::from_utf8(read(path)).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn flat_repo(py: &str, dir: &Path) -> Repo {
    gen_repo(py, dir, &["--workload", "flat", "--targets", "20"])
}

#[test]
fn unknown_target_fails_and_stops_at_the_first_failure() {
    let py = python();
    let dir = tempdir("unknown-target");
    let repo = flat_repo(&py, &dir);
    let server = serve(&repo);
    for (label, urls) in [("file", file_urls(&repo)), ("http", http_urls(&server))] {
        let md = dir.join(label).join("metadata");
        let tdir = dir.join(label).join("targets");
        assert_ok(&init(&md, &repo.dir.join("root.json")), "init");
        let run = download(&md, &urls, &tdir, &["no-such-target.txt"]);
        assert_fails(&run, "unknown target", "no-such-target.txt");

        // In order, up to the first failure.
        let (first, last) = (repo.sample[0].as_str(), repo.sample[1].as_str());
        let run = download(&md, &urls, &tdir, &[first, "missing.bin", last]);
        assert_fails(&run, "unknown target in the middle", "missing.bin");
        assert_eq!(read(&tdir.join(first)), repo.target_bytes(first));
        assert!(!tdir.join(last).exists(), "went on after the failure");
        assert_no_temp_files(&tdir);
    }
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tampered_metadata_fails() {
    let py = python();
    let dir = tempdir("tampered-metadata");
    let repo = flat_repo(&py, &dir);
    let server = serve(&repo);
    let file = file_urls(&repo);
    let http = http_urls(&server);
    let root = repo.dir.join("root.json");

    // A good cache first.
    let warm = dir.join("warm");
    assert_ok(&init(&warm, &root), "init");
    assert_ok(&refresh(&warm, &file), "refresh");
    let good_timestamp = read(&warm.join("timestamp.json"));

    // Each top-level file tampered with in turn, on a fresh cache, over file:// and HTTP.
    let expires = "\"expires\": \"2099-01-01T00:00:00Z\"";
    let later = "\"expires\": \"2099-01-02T00:00:00Z\"";
    for (i, file_name) in ["timestamp.json", "1.snapshot.json", "1.targets.json"]
        .into_iter()
        .enumerate()
    {
        let path = repo.metadata().join(file_name);
        let original = read(&path);
        tamper(&path, expires, later);
        server.set(&format!("/metadata/{file_name}"), read(&path));
        for (label, urls) in [("file", &file), ("http", &http)] {
            let md = dir.join(format!("cold-{i}-{label}"));
            assert_ok(&init(&md, &root), "init");
            let run = refresh(&md, urls);
            assert_fails(
                &run,
                &format!("refresh with tampered {file_name}"),
                "signature",
            );
            // Nothing that failed verification is cached.
            let role = file_name.trim_start_matches("1.");
            assert!(!md.join(role).exists(), "tampered {role} was cached");
            assert_no_temp_files(&md);
        }
        if file_name == "timestamp.json" {
            // A warm cache keeps its good timestamp.
            let run = refresh(&warm, &file);
            assert_fails(&run, "warm refresh with tampered timestamp", "signature");
            assert_eq!(read(&warm.join("timestamp.json")), good_timestamp);
        }
        std::fs::write(&path, &original).unwrap();
        server.set(&format!("/metadata/{file_name}"), original);
    }
    assert_ok(
        &refresh(&warm, &http),
        "refresh after the repository was repaired",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tampered_target_fails_and_leaves_nothing() {
    let py = python();
    let dir = tempdir("tampered-target");
    let repo = flat_repo(&py, &dir);
    let name = repo.sample[0].clone();
    let path = repo.target_files[&name].clone();
    let mut data = read(&path);
    data[0] ^= 1;
    std::fs::write(&path, &data).unwrap();
    let server = serve(&repo);
    // Longer than listed: refused while receiving.
    let long = repo.sample[1].clone();
    let mut longer = read(&repo.target_files[&long]);
    longer.extend_from_slice(b"more");
    server.set(
        &format!(
            "/targets/{}",
            repo.target_files[&long]
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
        ),
        longer,
    );
    for (label, urls) in [("file", file_urls(&repo)), ("http", http_urls(&server))] {
        let md = dir.join(label).join("metadata");
        let tdir = dir.join(label).join("targets");
        assert_ok(&init(&md, &repo.dir.join("root.json")), "init");
        let run = download(&md, &urls, &tdir, &[&name]);
        assert_fails(&run, &format!("{label}: tampered target"), &name);
        assert!(!tdir.join(&name).exists(), "a bad target was kept");
        if label == "http" {
            let run = download(&md, &urls, &tdir, &[&long]);
            assert_eq!(run.code, Some(1), "overlong target: {}", run.stderr);
            assert!(!tdir.join(&long).exists(), "an overlong target was kept");
        }
        assert_no_temp_files(&tdir);
        assert_no_temp_files(&md);
    }
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_or_bad_trusted_root_fails() {
    let py = python();
    let dir = tempdir("missing-root");
    let repo = flat_repo(&py, &dir);
    let urls = file_urls(&repo);

    // refresh and download without init: no trusted root.
    let md = dir.join("never-initialized");
    assert_fails(&refresh(&md, &urls), "refresh without init", "root.json");
    let tdir = dir.join("targets");
    let run = download(&md, &urls, &tdir, &[&repo.sample[0]]);
    assert_fails(&run, "download without init", "root.json");
    assert!(!tdir.join(&repo.sample[0]).exists());

    // init from a file that does not exist.
    let md = dir.join("missing-file");
    let missing = dir.join("no-such-root.json");
    assert_fails(
        &init(&md, &missing),
        "init with a missing root",
        "no-such-root.json",
    );
    assert!(!md.join("root.json").exists());

    // init from a root whose signature does not verify.
    let bad = dir.join("bad-root.json");
    std::fs::copy(repo.dir.join("root.json"), &bad).unwrap();
    tamper(&bad, "\"version\": 1", "\"version\": 7");
    let md = dir.join("bad-root");
    assert_fails(&init(&md, &bad), "init with a tampered root", "root");
    assert!(
        !md.join("root.json").exists(),
        "an unverified root was stored"
    );

    // init from something that is not metadata at all.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, b"not json").unwrap();
    assert_fails(&init(&dir.join("junk"), &junk), "init with junk", "");

    // A removed root.json in an initialized cache: recovered from the root history, but
    // not without it.
    let md = dir.join("removed");
    assert_ok(&init(&md, &repo.dir.join("root.json")), "init");
    std::fs::remove_file(md.join("root.json")).unwrap();
    assert_ok(&refresh(&md, &urls), "refresh after root.json was removed");
    assert_eq!(
        read(&md.join("root.json")),
        read(&repo.dir.join("root.json"))
    );
    std::fs::remove_file(md.join("root.json")).unwrap();
    std::fs::remove_dir_all(md.join("root_history")).unwrap();
    assert_fails(
        &refresh(&md, &urls),
        "refresh after root.json and the root history were removed",
        "root.json",
    );

    // A repository that is not there.
    let md = dir.join("nowhere");
    assert_ok(&init(&md, &repo.dir.join("root.json")), "init");
    let nowhere = Urls {
        metadata: format!("file://{}/", dir.join("nowhere-repo").display()),
        targets: format!("file://{}/", dir.join("nowhere-repo").display()),
    };
    assert_fails(&refresh(&md, &nowhere), "refresh from nowhere", "timestamp");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_usage_exits_2() {
    // No python needed: nothing is fetched.
    let dir = tempdir("usage");
    let md = dir.join("md");
    let md = md.to_str().unwrap();
    let url = "file:///nonexistent/";
    for (args, needle) in [
        (&[][..], "a command is required"),
        (&["--bogus"][..], "unknown option --bogus"),
        (&["--metadata-dir"][..], "--metadata-dir needs a value"),
        (
            &["--metadata-dir", md, "--target-name"][..],
            "--target-name needs a value",
        ),
        (
            &["--metadata-dir", md, "frobnicate"][..],
            "unknown command frobnicate",
        ),
        (&["--metadata-dir", md][..], "a command is required"),
        (&["init", "root.json"][..], "init needs --metadata-dir"),
        (
            &["--metadata-dir", md, "init"][..],
            "init needs TRUSTED_ROOT",
        ),
        (
            &["--metadata-dir", md, "init", "root.json", "extra"][..],
            "unexpected argument extra",
        ),
        (
            &["--metadata-dir", md, "refresh"][..],
            "refresh needs --metadata-url",
        ),
        (
            &["--metadata-dir", md, "--metadata-url", url, "refresh", "x"][..],
            "unexpected argument x",
        ),
        (
            &["--metadata-dir", md, "--metadata-url", url, "download"][..],
            "download needs --target-name",
        ),
        (
            &[
                "--metadata-dir",
                md,
                "--metadata-url",
                url,
                "--target-name",
                "a",
                "--target-dir",
                md,
                "download",
            ][..],
            "download needs --target-base-url",
        ),
        (
            &[
                "--metadata-dir",
                md,
                "--metadata-url",
                url,
                "--target-name",
                "a",
                "--target-base-url",
                url,
                "download",
            ][..],
            "download needs --target-dir",
        ),
    ] {
        let run = run_client(args);
        assert_eq!(run.code, Some(2), "{args:?}: stderr:\n{}", run.stderr);
        assert!(
            run.stderr.contains(needle) && run.stderr.contains("usage:"),
            "{args:?}: stderr should say {needle:?} and show the usage:\n{}",
            run.stderr
        );
    }
    // A usage error touches nothing.
    assert!(!Path::new(md).exists());
    // --help is no error: the usage on stdout, exit 0.
    for help in ["--help", "-h"] {
        let run = run_client(&[help]);
        assert_eq!(run.code, Some(0), "{help}: stderr:\n{}", run.stderr);
        assert!(
            run.stdout.contains("usage:"),
            "{help}: stdout:\n{}",
            run.stdout
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
