//! Looking targets up and downloading them in one call ([`Updater::download_target_paths`])
//! against a real HTTP server: the same lookups as `get_target_infos`, every target
//! downloaded and verified when every path was found, nothing downloaded when one was not;
//! the delegated roles fetched ahead cached either way (while the targets' files are made,
//! when there are downloads); a role that cannot be cached fails the call before any transfer,
//! the files made for the downloads removed again; a custom fetcher (one lookup and one
//! download after the other).

mod common;

use std::path::Path;

use common::sim::Sim;
use common::sim_fetcher::Served;
use tuf::updater::Updater;
use tuf::ErrorKind;

/// Delegated roles `r0`..`r3` of `targets`, role `r{i}` trusted for `r{i}/*`.
const ROLES: usize = 4;

/// The repository: `top.txt` in `targets`; `r{i}/file` in role `r{i}`, its bytes `r{i}`.
fn served(test: &str) -> Served {
    let mut sim = Sim::new();
    sim.add_target("targets", "top.txt", b"top");
    sim.add_path_roles("r", ROLES);
    sim.update_snapshot();
    Served::new(test, sim)
}

const FOUND: [&str; 5] = ["r0/file", "top.txt", "r1/file", "r2/file", "r3/file"];

/// The bytes each path of [`FOUND`] has.
fn bytes_of(path: &str) -> Vec<u8> {
    match path {
        "top.txt" => b"top".to_vec(),
        p => p.trim_end_matches("/file").as_bytes().to_vec(),
    }
}

/// The files in `dir` (none when it does not exist).
fn files_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The requests of target files.
fn target_requests(s: &Served) -> usize {
    s.server
        .request_log()
        .iter()
        .filter(|p| p.contains("/targets/"))
        .count()
}

/// Whether every delegated role is in the metadata cache.
fn every_role_cached(s: &Served) -> bool {
    (0..ROLES).all(|i| s.c.cached(&format!("r{i}.json")).is_file())
}

#[test]
fn every_path_found_every_target_downloaded_and_every_role_cached() {
    let s = served("download_paths_all");
    let mut config = s.config();
    config.max_connections = 2;
    let mut u = Updater::new(config).unwrap();
    let results = u.download_target_paths(&FOUND, None, None).unwrap();
    assert_eq!(results.len(), FOUND.len());
    for (r, path) in results.iter().zip(FOUND) {
        let info = r.lookup.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(info.path, path);
        let file = r.download.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(std::fs::read(file).unwrap(), bytes_of(path), "{path}");
    }
    assert!(every_role_cached(&s));
    // Each role was fetched once, ahead, and is trusted: another updater on the same cache
    // finds everything there, and a lookup of this one fetches nothing more.
    for i in 0..ROLES {
        assert_eq!(s.server.requests(&format!("/metadata/1.r{i}.json")), 1);
    }
    let before = s.server.total_requests();
    let again = u.get_target_infos(&FOUND).unwrap();
    assert!(again.iter().all(|r| matches!(r, Ok(Some(_)))));
    assert_eq!(s.server.total_requests(), before);
    let mut offline = s.config();
    offline.offline = true;
    let mut other = Updater::new(offline).unwrap();
    let found = other.get_target_infos(&FOUND).unwrap();
    assert!(found.iter().all(|r| matches!(r, Ok(Some(_)))), "{found:?}");
}

#[test]
fn a_path_not_found_downloads_nothing() {
    let s = served("download_paths_missing");
    let mut u = Updater::new(s.config()).unwrap();
    let paths = ["r0/file", "nowhere/file", "r1/file", "r2/missing"];
    let results = u.download_target_paths(&paths, None, None).unwrap();
    assert_eq!(results.len(), paths.len());
    let found: Vec<bool> = results
        .iter()
        .map(|r| r.lookup.as_ref().unwrap().is_some())
        .collect();
    assert_eq!(found, [true, false, true, false]);
    assert!(results.iter().all(|r| r.download.is_none()));
    assert_eq!(files_in(&s.c.targets_dir()), Vec::<String>::new());
    assert_eq!(target_requests(&s), 0);
    // The roles the lookups fetched are cached all the same.
    for i in 0..3 {
        assert!(s.c.cached(&format!("r{i}.json")).is_file(), "r{i}");
    }
}

#[test]
fn a_role_that_cannot_be_cached_fails_the_call_before_any_transfer() {
    let s = served("download_paths_unwritable");
    let mut u = Updater::new(s.config()).unwrap();
    u.refresh().unwrap();
    // r2.json cannot be replaced: a directory that is not empty holds its name.
    std::fs::create_dir_all(s.c.cached("r2.json").join("inside")).unwrap();
    let e = u.download_target_paths(&FOUND, None, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    // No target was fetched, and the files made for them are gone.
    assert_eq!(target_requests(&s), 0);
    assert_eq!(files_in(&s.c.targets_dir()), Vec::<String>::new());
}

#[test]
fn with_a_custom_fetcher_one_after_the_other() {
    let s = served("download_paths_custom");
    let mut u = s.c.updater();
    let results = u.download_target_paths(&FOUND, None, None).unwrap();
    for (r, path) in results.iter().zip(FOUND) {
        let file = r.download.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(std::fs::read(file).unwrap(), bytes_of(path), "{path}");
    }
    assert!(every_role_cached(&s));
    assert_eq!(s.server.total_requests(), 0);
}
