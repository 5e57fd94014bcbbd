//! Multiple repositories (TAP 4): the map file, per-repository trust, agreement, mappings in
//! order, mirrors, failing repositories and downloads, over repository simulators served
//! from memory (one `SimFetcher` per repository, routed by host name), and the bundled demo
//! repositories over file:// with libcurl.

mod common;

#[path = "../examples/make_multirepo_demo.rs"]
mod make_multirepo_demo;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::sim::Sim;
use common::sim_fetcher::{Response, SimFetcher, TempDir};
use tuf::fetch::Fetcher;
use tuf::json::Value;
use tuf::multirepo::{Answer, MapFile, MultiRepoClient, MultiRepoConfig};
use tuf::{Error, ErrorKind, Result};

const APP: &[u8] = b"the application, version 1\n";

/// Serves several simulated repositories: `https://NAME.test/...` is `https://sim.test/...`
/// of repository NAME. A host without a repository is a connection failure, a host made to
/// fail answers every request with its status, and single URLs can be overridden. Every URL
/// asked for is recorded.
#[derive(Clone, Default)]
struct Router {
    repos: Arc<Mutex<BTreeMap<String, SimFetcher>>>,
    failing: Arc<Mutex<BTreeMap<String, u32>>>,
    overrides: Arc<Mutex<BTreeMap<String, Response>>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Router {
    fn add(&self, host: &str, sim: Sim) -> SimFetcher {
        let f = SimFetcher::new(sim);
        self.repos.lock().unwrap().insert(host.into(), f.clone());
        f
    }

    /// Serves repository `of` under `host` too (a mirror).
    fn alias(&self, host: &str, of: &str) {
        let f = self.repos.lock().unwrap()[of].clone();
        self.repos.lock().unwrap().insert(host.into(), f);
    }

    /// Makes every request to `host` fail with HTTP `status`.
    fn fail_host(&self, host: &str, status: u32) {
        self.failing.lock().unwrap().insert(host.into(), status);
    }

    /// Makes `url` return `bytes`.
    fn set_override(&self, url: &str, bytes: &[u8]) {
        self.set_response(url, Response::Bytes(bytes.to_vec()));
    }

    /// Makes `url` answer `response` (`Endless`: half a file, then a broken connection).
    fn set_response(&self, url: &str, response: Response) {
        self.overrides.lock().unwrap().insert(url.into(), response);
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Fetcher for Router {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        self.log.lock().unwrap().push(url.to_string());
        let response = self.overrides.lock().unwrap().get(url).cloned();
        match response {
            Some(Response::Bytes(bytes)) => return sink(&bytes),
            Some(Response::Status(status)) => {
                return Err(Error::Download {
                    url: url.into(),
                    status: Some(status),
                    msg: format!("HTTP {status}"),
                })
            }
            Some(Response::Endless) => {
                sink(b"{\"signed\": {")?;
                return Err(Error::Download {
                    url: url.into(),
                    status: None,
                    msg: "connection reset".into(),
                });
            }
            None => {}
        }
        let rest = url.strip_prefix("https://").unwrap_or(url);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.strip_suffix(".test").unwrap_or(host);
        if let Some(&status) = self.failing.lock().unwrap().get(host) {
            return Err(Error::Download {
                url: url.into(),
                status: Some(status),
                msg: format!("HTTP {status}"),
            });
        }
        let repo = self.repos.lock().unwrap().get(host).cloned();
        match repo {
            Some(mut f) => f.fetch(&format!("https://sim.test/{path}"), max_length, sink),
            None => Err(Error::Download {
                url: url.into(),
                status: None,
                msg: "connection refused".into(),
            }),
        }
    }
}

/// A repository listing `files` in its top-level targets.
fn repo(files: &[(&str, &[u8])]) -> Sim {
    let mut sim = Sim::new();
    for (path, data) in files {
        sim.add_target("targets", path, data);
    }
    sim.update_snapshot();
    sim
}

/// A map with `repos` (name -> mirror URLs) and mappings `(paths, repositories, threshold,
/// terminating)`.
fn map_json(repos: &[(&str, &[&str])], mappings: &[(&[&str], &[&str], usize, bool)]) -> String {
    let quoted = |v: &[&str]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let repos: Vec<String> = repos
        .iter()
        .map(|(n, urls)| format!("{n:?}: [{}]", quoted(urls)))
        .collect();
    let mappings: Vec<String> = mappings
        .iter()
        .map(|(p, r, t, term)| {
            format!(
                r#"{{"paths": [{}], "repositories": [{}], "threshold": {t}, "terminating": {term}}}"#,
                quoted(p),
                quoted(r)
            )
        })
        .collect();
    format!(
        r#"{{"repositories": {{{}}}, "mapping": [{}]}}"#,
        repos.join(", "),
        mappings.join(", ")
    )
}

/// A test setup: simulated repositories behind a router, and a local parent directory.
struct Setup {
    router: Router,
    sims: BTreeMap<String, SimFetcher>,
    dir: TempDir,
}

impl Setup {
    fn new(name: &str, repos: Vec<(&str, Sim)>) -> Setup {
        let router = Router::default();
        let sims = repos
            .into_iter()
            .map(|(n, sim)| (n.to_string(), router.add(n, sim)))
            .collect();
        Setup {
            router,
            sims,
            dir: TempDir::new(name),
        }
    }

    /// A configuration for `map`, with every repository's root v1 as its trusted root.
    fn config(&self, map: &str) -> MultiRepoConfig {
        let map = MapFile::parse(map.as_bytes()).unwrap();
        let mut c = MultiRepoConfig::new(map, self.dir.path());
        for (name, f) in &self.sims {
            if c.map.repositories.contains_key(name) {
                c.trusted_roots.insert(name.clone(), f.sim().root_bytes(1));
            }
        }
        c
    }

    fn client_with(&self, config: MultiRepoConfig) -> Result<MultiRepoClient> {
        let router = self.router.clone();
        MultiRepoClient::with_fetchers(config, &mut |_| Ok(Box::new(router.clone())))
    }

    fn client(&self, map: &str) -> MultiRepoClient {
        self.client_with(self.config(map)).unwrap()
    }
}

/// The usual map: every path to `names` (their own hosts), with `threshold`.
fn all_paths(names: &[&str], threshold: usize, terminating: bool) -> String {
    let urls: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.to_string(), format!("https://{n}.test")))
        .collect();
    let url_refs: Vec<[&str; 1]> = urls.iter().map(|(_, u)| [u.as_str()]).collect();
    let repos: Vec<(&str, &[&str])> = urls
        .iter()
        .zip(&url_refs)
        .map(|((n, _), u)| (n.as_str(), &u[..]))
        .collect();
    map_json(&repos, &[(&["*"], names, threshold, terminating)])
}

fn agreed_names(t: &tuf::multirepo::AgreedTarget) -> Vec<&str> {
    t.agreed().collect()
}

// ---- agreement -------------------------------------------------------------------------------

#[test]
fn a_target_is_accepted_when_the_threshold_of_repositories_agree() {
    let s = Setup::new(
        "met",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
        ],
    );
    let mut client = s.client(&all_paths(&["vendor", "distro"], 2, true));
    client.refresh().unwrap();
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor", "distro"]);
    assert_eq!(t.mapping, 0);
    assert_eq!(t.threshold, 2);
    assert_eq!(t.info.path, "app.tar.gz");
    assert_eq!(t.info.target.length, APP.len() as u64);
    // Each repository's metadata went through its own updater and cache directory.
    for name in ["vendor", "distro"] {
        let dir = s.dir.path().join("metadata").join(name);
        assert!(dir.join("timestamp.json").is_file(), "{name}");
        let u = client.updater(name).unwrap();
        assert_eq!(u.config().metadata_dir, dir);
        assert_eq!(
            u.config().metadata_base_url,
            format!("https://{name}.test/metadata/")
        );
    }
    // Download: into PARENT/targets by default, verified.
    let path = client.download_target(&t, None).unwrap();
    assert_eq!(path, s.dir.path().join("targets").join("app.tar.gz"));
    assert_eq!(std::fs::read(&path).unwrap(), APP);
    // A target path that names no file is refused without a file name, not written over
    // the targets directory's parent.
    let mut dots = t.clone();
    dots.info.path = "..".into();
    assert_eq!(
        client.target_path(&dots).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    // An agreed target changed after the lookup no longer matches the repositories' answers:
    // nothing is downloaded.
    let mut forged = t.clone();
    forged.info.target.length += 1;
    let err = client.download_target(&forged, None).unwrap_err();
    assert!(
        err.to_string().contains("does not agree with the agreed"),
        "{err}"
    );
}

#[test]
fn a_target_only_some_repositories_list_is_refused_by_a_terminating_mapping() {
    let s = Setup::new(
        "unmet",
        vec![
            (
                "vendor",
                repo(&[("app.tar.gz", APP), ("new.tar.gz", b"new")]),
            ),
            ("distro", repo(&[("app.tar.gz", APP)])),
        ],
    );
    let mut client = s.client(&all_paths(&["vendor", "distro"], 2, true));
    client.refresh().unwrap();
    let err = client.get_target_info("new.tar.gz").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Repository);
    let msg = err.to_string();
    assert!(msg.contains("mapping[0]"), "{msg}");
    assert!(
        msg.contains("1 of 2 required repositories agree (vendor)"),
        "{msg}"
    );
    assert!(msg.contains("not listing it: distro"), "{msg}");
    // Listed by none: not found, not an error.
    assert_eq!(client.get_target_info("nowhere.txt").unwrap(), None);
    // Threshold 1: one repository is enough.
    let mut client = s.client(&all_paths(&["vendor", "distro"], 1, true));
    let t = client.get_target_info("new.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor"]);
    assert_eq!(t.answers[1].answer, Answer::NotFound);
}

#[test]
fn a_compromised_repository_is_refused_when_it_matters_and_outvoted_otherwise() {
    let s = Setup::new(
        "rogue",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
            ("rogue", repo(&[("app.tar.gz", b"malware")])),
        ],
    );
    // 2 of 3: vendor and distro outvote rogue, whose own info is still readable.
    let mut client = s.client(&all_paths(&["vendor", "rogue", "distro"], 2, true));
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor", "distro"]);
    let rogue = &t.answers[1];
    assert_eq!(rogue.name, "rogue");
    assert!(!rogue.agreed);
    assert_eq!(rogue.info().unwrap().target.length, 7);
    let path = client.download_target(&t, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), APP);
    // The log shows no download from rogue's targets.
    assert!(!s
        .router
        .log()
        .iter()
        .any(|u| u.starts_with("https://rogue.test/targets/")));

    // 3 of 3, or 2 of {vendor, rogue}: refused, naming rogue.
    for (names, threshold) in [
        (&["vendor", "distro", "rogue"][..], 3),
        (&["vendor", "rogue"], 2),
    ] {
        let mut client = s.client(&all_paths(names, threshold, true));
        let err = client.get_target_info("app.tar.gz").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Repository, "{names:?}");
        assert!(err.to_string().contains("disagreeing: rogue"), "{err}");
    }
    // Threshold 1 with disagreeing repositories: the first answer reaching the threshold,
    // in the mapping's order, wins (the map file asked for one repository only).
    let mut client = s.client(&all_paths(&["rogue", "vendor"], 1, true));
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["rogue"]);
}

#[test]
fn a_different_hash_or_length_is_a_disagreement_and_custom_data_is_not() {
    let mut a = repo(&[("app.tar.gz", APP)]);
    let mut b = repo(&[("app.tar.gz", APP)]);
    // Same file, different custom data.
    let mut custom = BTreeMap::new();
    custom.insert("origin".to_string(), Value::from("vendor"));
    a.targets
        .signed
        .targets
        .get_mut("app.tar.gz")
        .unwrap()
        .extra
        .insert("custom".into(), Value::Object(custom.clone()));
    custom.insert("origin".to_string(), Value::from("distro"));
    b.targets
        .signed
        .targets
        .get_mut("app.tar.gz")
        .unwrap()
        .extra
        .insert("custom".into(), Value::Object(custom));
    // Same length, one extra hash algorithm in b: not identical.
    let mut tf = tuf::metadata::TargetFile::from_data(b"same length");
    let sha256 = tf.hashes.get("sha256").unwrap().into_owned();
    a.targets
        .signed
        .targets
        .insert("two-hashes.txt".into(), tf.clone());
    let sha512 = "ab".repeat(64);
    tf.hashes =
        tuf::metadata::Hashes::new([("sha256", sha256.as_str()), ("sha512", sha512.as_str())])
            .unwrap();
    b.targets
        .signed
        .targets
        .insert("two-hashes.txt".into(), tf.clone());
    // The same digest in upper case: the same file.
    let tf = tuf::metadata::TargetFile::from_data(b"upper");
    a.targets
        .signed
        .targets
        .insert("upper.txt".into(), tf.clone());
    let mut upper = tf.clone();
    let digest = tf.hashes.get("sha256").unwrap().to_ascii_uppercase();
    upper.hashes = tuf::metadata::Hashes::new([("sha256", digest.as_str())]).unwrap();
    b.targets.signed.targets.insert("upper.txt".into(), upper);
    // Same hashes, other length.
    let mut tf = tuf::metadata::TargetFile::from_data(b"length");
    a.targets
        .signed
        .targets
        .insert("length.txt".into(), tf.clone());
    tf.length += 1;
    b.targets.signed.targets.insert("length.txt".into(), tf);
    for sim in [&mut a, &mut b] {
        sim.targets.signed.version += 1;
        sim.update_snapshot();
    }
    let s = Setup::new("custom", vec![("a", a), ("b", b)]);
    let mut client = s.client(&all_paths(&["a", "b"], 2, true));
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["a", "b"]);
    let origin = |i: usize| {
        t.answers[i]
            .info()
            .unwrap()
            .target
            .custom()
            .unwrap()
            .as_object()
            .unwrap()["origin"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!((origin(0), origin(1)), ("vendor".into(), "distro".into()));
    // The agreed info is the first agreeing repository's.
    assert_eq!(t.info, *t.answers[0].info().unwrap());
    let t = client.get_target_info("upper.txt").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["a", "b"]);
    for path in ["two-hashes.txt", "length.txt"] {
        let err = client.get_target_info(path).unwrap_err();
        assert!(err.to_string().contains("disagreeing: b"), "{path}: {err}");
    }
}

// ---- mappings ----------------------------------------------------------------------------------

#[test]
fn mappings_are_searched_in_order_and_a_terminating_one_ends_the_search() {
    let s = Setup::new(
        "order",
        vec![
            (
                "vendor",
                repo(&[("app/x.tar.gz", b"vendor build"), ("docs/a.txt", b"a")]),
            ),
            (
                "distro",
                repo(&[("app/x.tar.gz", b"distro build"), ("docs/a.txt", b"a")]),
            ),
        ],
    );
    let repos: &[(&str, &[&str])] = &[
        ("vendor", &["https://vendor.test"]),
        ("distro", &["https://distro.test"]),
    ];
    let map = |terminating: bool| {
        map_json(
            repos,
            &[
                (&["app/*"], &["vendor", "distro"], 2, terminating),
                (&["app/*", "docs/*"], &["distro"], 1, false),
            ],
        )
    };
    // Not terminating: the disagreement at mapping 0 passes the search on to mapping 1.
    let mut client = s.client(&map(false));
    let t = client.get_target_info("app/x.tar.gz").unwrap().unwrap();
    assert_eq!((t.mapping, agreed_names(&t)), (1, vec!["distro"]));
    let path = client.download_target(&t, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"distro build");
    // Terminating: the search ends at mapping 0 with an error.
    let mut client = s.client(&map(true));
    let err = client.get_target_info("app/x.tar.gz").unwrap_err();
    assert!(err.to_string().contains("mapping[0]"), "{err}");
    // docs/* matches only mapping 1; nothing matches other paths (not found).
    let t = client.get_target_info("docs/a.txt").unwrap().unwrap();
    assert_eq!(t.mapping, 1);
    assert_eq!(client.get_target_info("other/a.txt").unwrap(), None);
    // The patterns are delegation patterns: `*` does not cross `/`.
    assert_eq!(client.get_target_info("docs/sub/a.txt").unwrap(), None);
    // Unmet non-terminating mappings and nothing after them: not found.
    let map = map_json(repos, &[(&["app/*"], &["vendor", "distro"], 2, false)]);
    let mut client = s.client(&map);
    assert_eq!(client.get_target_info("app/x.tar.gz").unwrap(), None);
}

// ---- mirrors -----------------------------------------------------------------------------------

#[test]
fn mirrors_are_tried_in_order_for_metadata_and_targets() {
    let s = Setup::new(
        "mirrors",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
        ],
    );
    // down.test does not exist (connection refused); broken.test answers 500 to everything.
    s.router.fail_host("broken", 500);
    let repos: &[(&str, &[&str])] = &[
        ("vendor", &["https://down.test", "https://vendor.test/"]),
        ("distro", &["https://broken.test", "https://distro.test"]),
    ];
    let map = map_json(repos, &[(&["*"], &["vendor", "distro"], 2, true)]);
    let mut client = s.client(&map);
    client.refresh().unwrap();
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor", "distro"]);
    let path = client.download_target(&t, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), APP);
    let log = s.router.log();
    let first = |prefix: &str| log.iter().position(|u| u.starts_with(prefix));
    // The first mirror was tried first each time, then the second.
    for (a, b) in [
        (
            "https://down.test/metadata/",
            "https://vendor.test/metadata/",
        ),
        ("https://down.test/targets/", "https://vendor.test/targets/"),
        (
            "https://broken.test/metadata/",
            "https://distro.test/metadata/",
        ),
    ] {
        assert!(first(a).unwrap() < first(b).unwrap(), "{a} {b}");
    }
    for file in [
        "2.root.json",
        "timestamp.json",
        "2.snapshot.json",
        "1.targets.json",
    ] {
        for host in ["down", "vendor", "broken", "distro"] {
            let url = format!("https://{host}.test/metadata/{file}");
            assert!(log.contains(&url), "{url} not fetched: {log:?}");
        }
    }
    // 2.root.json: 500 from broken.test, 404 from distro.test: no new root, no error.
    assert_eq!(
        client
            .updater("distro")
            .unwrap()
            .trusted_set()
            .root()
            .version,
        1
    );

    // A mirror that breaks off in the middle of a file, or sends more than the limit: the
    // next mirror's complete file is used, without the first one's bytes in front of it.
    s.router.alias("partial", "vendor");
    s.router.alias("endless", "distro");
    s.router.set_response(
        "https://partial.test/metadata/timestamp.json",
        Response::Endless,
    );
    let distro = s.sims["distro"].clone();
    distro.set_override("metadata/timestamp.json", Response::Endless);
    let repos: &[(&str, &[&str])] = &[
        ("vendor", &["https://partial.test", "https://vendor.test"]),
        ("distro", &["https://endless.test", "https://broken.test"]),
    ];
    let map = map_json(repos, &[(&["*"], &["vendor"], 1, true)]);
    let mut client = s.client(&map);
    let err = client.refresh().unwrap_err();
    // distro: endless data from its first mirror, 500 from the second: the first error.
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].0, "distro");
    assert_eq!(err.kind(), ErrorKind::LengthExceeded, "{err}");
    distro.clear_overrides();
    assert!(client.get_target_info("app.tar.gz").unwrap().is_some());

    // Every mirror down: the refresh fails, naming the repository.
    let repos: &[(&str, &[&str])] = &[
        ("vendor", &["https://vendor.test"]),
        ("distro", &["https://down.test", "https://broken.test"]),
    ];
    let map = map_json(repos, &[(&["*"], &["vendor", "distro"], 2, true)]);
    let s2 = Setup::new("mirrors-down", vec![]);
    let mut config = MultiRepoConfig::new(MapFile::parse(map.as_bytes()).unwrap(), s2.dir.path());
    for name in ["vendor", "distro"] {
        config
            .trusted_roots
            .insert(name.into(), s.sims[name].sim().root_bytes(1));
    }
    let mut client = s.client_with(config).unwrap();
    let err = client.refresh().unwrap_err();
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].0, "distro");
    assert_eq!(err.kind(), ErrorKind::Download);
    assert!(
        err.to_string().contains("1 of 2 repositories: distro: "),
        "{err}"
    );
}

#[test]
fn a_bad_target_from_one_mirror_or_repository_is_followed_by_the_next() {
    let s = Setup::new(
        "badmirror",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
        ],
    );
    s.router.alias("vmirror", "vendor");
    let repos: &[(&str, &[&str])] = &[
        ("vendor", &["https://vmirror.test", "https://vendor.test"]),
        ("distro", &["https://distro.test"]),
    ];
    let map = map_json(repos, &[(&["*"], &["vendor", "distro"], 2, true)]);
    let mut client = s.client(&map);
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    let name = s.sims["vendor"].targets_url_of("app.tar.gz");
    let tampered = vec![b'x'; APP.len()];
    let (vmirror, vendor, distro) = (
        format!("https://vmirror.test/targets/{name}"),
        format!("https://vendor.test/targets/{name}"),
        format!("https://distro.test/targets/{name}"),
    );
    // vendor's first mirror serves a tampered file: its second mirror is used.
    s.router.set_override(&vmirror, &tampered);
    let dest = s.dir.path().join("out.bin");
    assert_eq!(client.download_target(&t, Some(&dest)).unwrap(), dest);
    assert_eq!(std::fs::read(&dest).unwrap(), APP);
    let log = s.router.log();
    assert!(log.contains(&vmirror) && log.contains(&vendor) && !log.contains(&distro));
    // Both of vendor's mirrors do: distro, the next agreeing repository, is used.
    s.router.set_override(&vendor, &tampered);
    std::fs::remove_file(&dest).unwrap();
    client.download_target(&t, Some(&dest)).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), APP);
    assert!(s.router.log().contains(&distro));
    // Everyone does: the verification error, and nothing is left at the destination.
    s.router.set_override(&distro, &tampered);
    std::fs::remove_file(&dest).unwrap();
    let err = client.download_target(&t, Some(&dest)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthOrHashMismatch, "{err}");
    assert!(!dest.exists());
    assert!(std::fs::read_dir(s.dir.path())
        .unwrap()
        .all(|e| { !e.unwrap().file_name().to_string_lossy().ends_with(".tmp") }));
}

// ---- failing repositories ----------------------------------------------------------------------

#[test]
fn a_repository_whose_metadata_fails_verification_is_reported_and_does_not_agree() {
    let s = Setup::new(
        "badsig",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
            ("third", repo(&[("app.tar.gz", APP)])),
        ],
    );
    // distro's timestamp signed by another key.
    {
        let distro = &s.sims["distro"];
        let mut sim = distro.sim();
        let good = sim
            .signers
            .insert("timestamp".into(), vec![common::sim::new_key()])
            .unwrap();
        let bytes = sim.bytes("timestamp");
        sim.signers.insert("timestamp".into(), good);
        drop(sim);
        distro.set_override("metadata/timestamp.json", Response::Bytes(bytes));
    }
    let mut client = s.client(&all_paths(&["vendor", "distro", "third"], 3, true));
    let err = client.refresh().unwrap_err();
    assert_eq!(err.total, 3);
    assert_eq!(err.failures.len(), 1, "{err}");
    assert_eq!(err.failures[0].0, "distro");
    assert_eq!(err.kind(), ErrorKind::BadSignature);
    // A lookup needing distro fails, naming it; the others were refreshed.
    let err = client.get_target_info("app.tar.gz").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("failed: distro (refresh failed: "), "{msg}");
    assert!(
        msg.contains("2 of 3 required repositories agree (vendor, third)"),
        "{msg}"
    );
    // With threshold 2 the two others suffice, and distro's failure is reported per answer.
    let mut client = s.client(&all_paths(&["vendor", "distro", "third"], 2, true));
    assert!(client.refresh().is_err());
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor", "third"]);
    assert!(matches!(
        &t.answers[1].answer,
        Answer::Failed {
            kind: ErrorKind::BadSignature,
            ..
        }
    ));
    // Once distro is repaired, a new refresh succeeds and it agrees again.
    s.sims["distro"].clear_overrides();
    client.refresh().unwrap();
    let t = client.get_target_info("app.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor", "distro", "third"]);
}

#[test]
fn lookups_refresh_repositories_not_refreshed_yet() {
    let s = Setup::new(
        "lazy",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
            ("unused", repo(&[])),
        ],
    );
    let repos: &[(&str, &[&str])] = &[
        ("vendor", &["https://vendor.test"]),
        ("distro", &["https://distro.test"]),
        ("unused", &["https://unused.test"]),
    ];
    let map = map_json(repos, &[(&["*"], &["vendor", "distro"], 2, true)]);
    let mut client = s.client(&map);
    assert!(client.get_target_info("app.tar.gz").unwrap().is_some());
    // Only the repositories the lookup needed were contacted.
    assert!(!s.router.log().iter().any(|u| u.contains("unused.test")));
}

#[test]
fn the_updater_settings_apply_to_every_repository() {
    let s = Setup::new(
        "settings",
        vec![
            ("vendor", repo(&[("app.tar.gz", APP)])),
            ("distro", repo(&[("app.tar.gz", APP)])),
        ],
    );
    let mut config = s.config(&all_paths(&["vendor", "distro"], 2, true));
    // A reference time after every expiry: every repository's timestamp is expired.
    config.updater.reference_time = Some(common::sim::in_secs(10 * 86400));
    let mut client = s.client_with(config.clone()).unwrap();
    let err = client.refresh().unwrap_err();
    assert_eq!(err.failures.len(), 2);
    assert_eq!(err.kind(), ErrorKind::Expired);
    // Limits: a 10-byte timestamp limit fails both downloads.
    config.updater.reference_time = None;
    config.updater.timestamp_max_length = 10;
    let mut client = s.client_with(config.clone()).unwrap();
    assert_eq!(
        client.refresh().unwrap_err().kind(),
        ErrorKind::LengthExceeded
    );
    // Invalid settings are refused before anything is created.
    config.updater.timestamp_max_length = 0;
    let fresh = TempDir::new("settings-fresh");
    config.parent_dir = fresh.path().to_path_buf();
    let err = s.client_with(config).unwrap_err();
    assert!(err.to_string().contains("timestamp_max_length"), "{err}");
    assert!(!fresh.path().join("metadata").exists());
}

// ---- configuration errors ----------------------------------------------------------------------

#[test]
fn trusted_roots_are_per_repository_and_checked() {
    let repos = || {
        vec![
            ("vendor", repo(&[("a", b"a")])),
            ("distro", repo(&[("a", b"a")])),
        ]
    };
    let map = all_paths(&["vendor", "distro"], 2, true);
    // distro's root given for vendor: a valid root, but vendor's metadata is not signed by
    // its keys, so vendor's refresh fails.
    let s = Setup::new("roots-swapped", repos());
    let mut config = s.config(&map);
    let distro_root = config.trusted_roots["distro"].clone();
    config.trusted_roots.insert("vendor".into(), distro_root);
    let mut client = s.client_with(config).unwrap();
    let err = client.refresh().unwrap_err();
    assert_eq!(err.failures.len(), 1);
    assert_eq!(err.failures[0].0, "vendor");
    assert_eq!(err.kind(), ErrorKind::BadSignature);
    // A root for a repository the map does not list.
    let s = Setup::new("roots-unknown", repos());
    let mut config = s.config(&map);
    config.trusted_roots.insert("other".into(), b"{}".to_vec());
    let err = s.client_with(config).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"other\", which the map file does not list"),
        "{err}"
    );
    // No root for distro, and none cached.
    let mut config = s.config(&map);
    config.trusted_roots.remove("distro");
    let err = s.client_with(config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("repository distro: "), "{err}");
    // A root that is not valid metadata.
    let mut config = s.config(&map);
    config
        .trusted_roots
        .insert("distro".into(), b"{\"signed\": 1}".to_vec());
    let err = s.client_with(config).unwrap_err();
    assert!(
        err.to_string()
            .contains("repository distro: trusted root: "),
        "{err}"
    );
    // After one run, the cached roots are used when none are given.
    let s = Setup::new("roots-cached", repos());
    s.client(&map).refresh().unwrap();
    let mut config = s.config(&map);
    config.trusted_roots.clear();
    let mut client = s.client_with(config).unwrap();
    client.refresh().unwrap();
    assert!(client.get_target_info("a").unwrap().is_some());
}

#[test]
fn map_file_errors_name_the_offending_place() {
    let ok = concat!(
        r#"{"repositories": {"a": ["https://a.test"], "b": ["https://b.test"]}, "#,
        r#""mapping": [{"paths": ["*"], "repositories": ["a", "b"], "threshold": 2, "#,
        r#""terminating": true}]}"#
    );
    let map = MapFile::parse(ok.as_bytes()).unwrap();
    assert_eq!(map.mapping[0].threshold, 2);
    assert_eq!(map.repositories["b"], ["https://b.test"]);
    let with = |from: &str, to: &str| {
        assert!(ok.contains(from), "{from}");
        ok.replacen(from, to, 1)
    };
    let cases: Vec<(String, &str)> = vec![
        (
            with(r#""a", "b"], "threshold""#, r#""a", "c"], "threshold""#),
            "mapping[0].repositories[1]: unknown repository \"c\"",
        ),
        (
            with(r#""threshold": 2"#, r#""threshold": 0"#),
            "mapping[0].threshold: must be between 1 and the number of repositories (2), is 0",
        ),
        (
            with(r#""threshold": 2"#, r#""threshold": 3"#),
            "mapping[0].threshold: must be between 1",
        ),
        (
            with(r#""threshold": 2"#, r#""threshold": -1"#),
            "mapping[0].threshold",
        ),
        (
            with(r#""threshold": 2"#, r#""threshold": 2.0"#),
            "mapping[0].threshold",
        ),
        (
            with(r#""paths": ["*"]"#, r#""paths": []"#),
            "mapping[0].paths: must list at least one pattern",
        ),
        (
            with(r#""paths": ["*"]"#, r#""paths": [""]"#),
            "mapping[0].paths[0]: a pattern must not be empty",
        ),
        (
            with(r#""b": ["https://b.test"]"#, r#""a": ["https://b.test"]"#),
            "repositories.a: duplicate repository name",
        ),
        (
            with(r#""a", "b"], "threshold""#, r#""a", "a"], "threshold""#),
            "mapping[0].repositories[1]: duplicate repository \"a\"",
        ),
        (
            with(
                r#""terminating": true"#,
                r#""terminating": true, "treshold": 1"#,
            ),
            "mapping[0].treshold: unknown member",
        ),
        (
            with(
                r#""terminating": true"#,
                r#""terminating": true, "threshold": 1"#,
            ),
            "mapping[0].threshold: duplicate member",
        ),
        (
            with(r#", "terminating": true"#, ""),
            "mapping[0]: missing required member \"terminating\"",
        ),
        (
            with(r#""terminating": true"#, r#""terminating": "yes""#),
            "mapping[0].terminating",
        ),
        (
            with(r#""mapping": ["#, r#""extra": 1, "mapping": ["#),
            "extra: unknown member",
        ),
        (
            with(r#""https://b.test""#, ""),
            "repositories.b: must list at least one URL",
        ),
        (
            with(r#""https://b.test""#, r#""ftp://b.test""#),
            "repositories.b[0]: \"ftp://b.test\" is not an http://, https:// or file:// URL",
        ),
        (
            with(
                r#""https://b.test""#,
                r#""https://b.test", "https://b.test""#,
            ),
            "repositories.b[1]: duplicate URL",
        ),
        (
            with(r#""b": ["#, r#""../b": ["#),
            "must be made of A-Z a-z 0-9 . _ -",
        ),
        (with(r#""b": ["#, r#"".b": ["#), "not start with '.'"),
        (with(r#""b": ["#, r#""": ["#), "must not be empty"),
        (
            ok.replace(r#""b""#, &format!("{:?}", "b".repeat(65))),
            "longer than 64 characters",
        ),
        (
            r#"{"repositories": {}, "mapping": []}"#.into(),
            "repositories: must name at least one repository",
        ),
        (
            r#"{"repositories": {"a": ["https://a.test"]}, "mapping": []}"#.into(),
            "mapping: must hold at least one mapping",
        ),
        (
            r#"{"repositories": {"a": ["https://a.test"]}}"#.into(),
            "missing required member \"mapping\"",
        ),
        (format!("{ok} {{}}"), "trailing characters"),
        ("[]".into(), "map file: (document)"),
    ];
    for (doc, expected) in cases {
        match MapFile::parse(doc.as_bytes()) {
            Err(Error::InvalidArgument(msg)) => {
                assert!(msg.starts_with("map file: "), "{msg}");
                assert!(msg.contains(expected), "{expected:?} not in {msg:?}\n{doc}");
            }
            other => panic!("{doc}: {other:?}"),
        }
    }
    let err = MapFile::parse(b"\xff").unwrap_err();
    assert!(
        err.to_string()
            .contains("map file: (document): invalid UTF-8"),
        "{err}"
    );
    // A map built by hand is validated when a client is made from it.
    let mut map = MapFile::parse(ok.as_bytes()).unwrap();
    map.mapping[0].threshold = 5;
    let dir = TempDir::new("handmade");
    let err = MultiRepoClient::with_fetchers(MultiRepoConfig::new(map, dir.path()), &mut |_| {
        Ok(Box::new(Router::default()))
    })
    .unwrap_err();
    assert!(err.to_string().contains("mapping[0].threshold"), "{err}");
    // From a file, and a missing file.
    let path = dir.path().join("map.json");
    std::fs::write(&path, ok).unwrap();
    assert_eq!(
        MapFile::from_file(&path).unwrap(),
        MapFile::parse(ok.as_bytes()).unwrap()
    );
    assert_eq!(
        MapFile::from_file(&dir.path().join("none"))
            .unwrap_err()
            .kind(),
        ErrorKind::Io
    );
    std::fs::write(&path, vec![b' '; 1024 * 1024 + 1]).unwrap();
    assert!(MapFile::from_file(&path)
        .unwrap_err()
        .to_string()
        .contains("larger than"));
}

#[test]
fn layout_paths_are_checked_and_used() {
    let s = Setup::new(
        "layout",
        vec![
            ("vendor", repo(&[("a", b"a")])),
            ("distro", repo(&[("a", b"a")])),
        ],
    );
    let map = all_paths(&["vendor", "distro"], 2, true);
    let mut config = s.config(&map);
    config.metadata_path = "../x".into();
    assert!(s
        .client_with(config)
        .unwrap_err()
        .to_string()
        .contains("metadata_path"));
    // go-tuf's layout: metadata at the URL itself.
    let mut config = s.config(&map);
    config.metadata_path = String::new();
    assert_eq!(config.metadata_urls("vendor"), ["https://vendor.test/"]);
    assert_eq!(
        config.targets_urls("vendor"),
        ["https://vendor.test/targets/"]
    );
    config.targets_dir = Some(PathBuf::from("/elsewhere"));
    assert_eq!(config.default_targets_dir(), Path::new("/elsewhere"));
}

// ---- the bundled demo --------------------------------------------------------------------------

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn demo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples-c/multirepo-demo")
}

#[test]
fn the_bundled_demo_repositories_are_reproducible() {
    let fresh = TempDir::new("demo");
    make_multirepo_demo::generate(fresh.path());
    let (a, b) = (files(&demo_dir()), files(fresh.path()));
    assert!(a.len() >= 20, "{} files", a.len());
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{} differs: regenerate with `cargo run --example make_multirepo_demo`",
            name.display()
        );
    }
}

#[test]
fn the_demo_end_to_end_over_file_urls() {
    let demo = demo_dir();
    let template = std::fs::read_to_string(demo.join("map.json.in")).unwrap();
    let map = template.replace("@TUF_MULTIREPO_DEMO@", demo.to_str().unwrap());
    let dir = TempDir::new("demo-e2e");
    let mut config = MultiRepoConfig::new(MapFile::parse(map.as_bytes()).unwrap(), dir.path());
    for name in ["vendor", "distro"] {
        let root = std::fs::read(demo.join(name).join("root.json")).unwrap();
        config.trusted_roots.insert(name.into(), root);
    }
    let mut client = MultiRepoClient::new(config).unwrap();
    client.refresh().unwrap();
    // Both list the same archive: accepted and downloaded.
    let t = client.get_target_info("app-1.0.tar.gz").unwrap().unwrap();
    assert_eq!(agreed_names(&t), ["vendor", "distro"]);
    let path = client.download_target(&t, None).unwrap();
    assert_eq!(
        std::fs::read(path).unwrap(),
        b"(pretend this is the release archive of app 1.0)\n"
    );
    // They disagree on readme.txt, and only vendor lists vendor-only.txt: refused.
    for path in ["readme.txt", "vendor-only.txt"] {
        let err = client.get_target_info(path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Repository, "{path}");
    }
}
