//! Resumable target downloads (5.7) against a real HTTP server: a download the server cuts
//! mid-body keeps its partial file, and the next one asks for the rest with `Range` and
//! verifies the whole file; servers that ignore `Range` (200) or answer with another range,
//! partial files of another version, longer than the target or tampered with, and links in
//! a partial file's place are all handled, and nothing unverified ever reaches the final path.

mod common;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::http::{Behavior, TestServer};
use common::sim::Sim;
use common::sim_fetcher::{all_files, over_http, serve, Client};
use tuf::crypto::{hash, hex};
use tuf::fetch::Progress;
use tuf::updater::{TargetInfo, Updater, UpdaterConfig};
use tuf::ErrorKind;

const LENGTH: usize = 300_000;
const CUT: usize = 100_000;

/// Bytes that differ at every offset, so that a misplaced range shows in the hash.
fn content(seed: u8) -> Vec<u8> {
    (0..LENGTH)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

struct Setup {
    c: Client,
    server: TestServer,
    data: Vec<u8>,
}

impl Setup {
    fn new(name: &str) -> Setup {
        let data = content(0);
        let mut sim = Sim::new();
        sim.add_target("targets", "big.bin", &data);
        sim.update_snapshot();
        let c = Client::new(name, sim);
        let server = TestServer::start();
        let s = Setup { c, server, data };
        s.publish();
        s
    }

    /// Serves every file of the simulated repository.
    fn publish(&self) {
        serve(&self.server, &self.c.repo.sim());
    }

    fn config(&self) -> UpdaterConfig {
        over_http(self.c.bootstrap_config(), &self.server)
    }

    fn updater(&self) -> Updater {
        Updater::new(self.config()).unwrap()
    }

    /// The request path of the target's current version (consistent snapshots).
    fn target_path(&self) -> String {
        let digest = hex::encode(&hash::sha256(&self.data));
        format!("/targets/{digest}.big.bin")
    }

    fn info(&self, u: &mut Updater) -> TargetInfo {
        u.get_target_info("big.bin").unwrap().unwrap()
    }

    fn final_path(&self) -> PathBuf {
        self.c.targets_dir().join("big.bin")
    }

    fn ranges(&self) -> Vec<Option<String>> {
        self.server.header_values(&self.target_path(), "Range")
    }

    /// Files in the targets directory.
    fn files(&self) -> Vec<String> {
        Client::list(&self.c.targets_dir())
    }

    /// Puts `bytes` where `u` keeps the partial file of `info`.
    fn plant_partial(&self, u: &Updater, info: &TargetInfo, bytes: &[u8]) {
        let partial = u.partial_path(info, None).unwrap();
        std::fs::create_dir_all(self.c.targets_dir()).unwrap();
        std::fs::write(partial, bytes).unwrap();
    }

    /// Cuts the first download after `CUT` bytes: it fails, leaving its partial file.
    fn interrupted(&self, u: &mut Updater, info: &TargetInfo) -> PathBuf {
        self.server.set_behavior(
            &self.target_path(),
            Behavior::CutAfter {
                bytes: CUT,
                times: 1,
            },
        );
        let err = u.download_target(info, None, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Download, "{err}");
        assert!(!self.final_path().exists());
        let partial = u.partial_path(info, None).unwrap();
        assert_eq!(std::fs::read(&partial).unwrap(), &self.data[..CUT]);
        partial
    }
}

fn name_of(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn a_cut_download_is_resumed_with_a_range_and_verified_whole() {
    let s = Setup::new("resume-cut");
    let mut u = s.updater();
    let info = s.info(&mut u);
    let partial = s.interrupted(&mut u, &info);
    assert_eq!(s.files(), [name_of(&partial)]);
    assert!(name_of(&partial).starts_with(".big.bin.") && name_of(&partial).ends_with(".partial"));

    // A new updater (another run of the application) continues it.
    let mut u = s.updater();
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(path, s.final_path());
    assert_eq!(std::fs::read(&path).unwrap(), s.data);
    assert_eq!(s.ranges(), [None, Some(format!("bytes={CUT}-"))]);
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn progress_of_a_resumed_download_counts_from_what_the_partial_file_holds() {
    let s = Setup::new("resume-progress");
    let mut u = s.updater();
    let info = s.info(&mut u);
    s.interrupted(&mut u, &info);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut config = s.config();
    config.progress = Some(Progress(Arc::new(
        move |url: &str, got: u64, total: u64| {
            if url.ends_with("big.bin") {
                log.lock().unwrap().push((got, total));
            }
            ControlFlow::Continue(())
        },
    )));
    let mut u = Updater::new(config).unwrap();
    let mut received = Vec::new();
    u.download_target_with_progress(&info, None, None, &mut |got, _| received.push(got))
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.first(), Some(&(CUT as u64, LENGTH as u64)));
    assert_eq!(seen.last(), Some(&(LENGTH as u64, LENGTH as u64)));
    assert!(received.iter().all(|&r| r > CUT as u64), "{received:?}");
    assert_eq!(received.last(), Some(&(LENGTH as u64)));
}

#[test]
fn a_server_that_ignores_range_makes_the_download_start_over() {
    let s = Setup::new("resume-ignored");
    let mut u = s.updater();
    let info = s.info(&mut u);
    s.interrupted(&mut u, &info);
    s.server
        .set_behavior(&s.target_path(), Behavior::IgnoreRange);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    assert_eq!(s.ranges(), [None, Some(format!("bytes={CUT}-"))]);
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn a_206_with_another_range_or_none_makes_the_download_start_over() {
    for behavior in [Behavior::WrongRange, Behavior::RangeWithoutContentRange] {
        let s = Setup::new("resume-wrong-range");
        let mut u = s.updater();
        let info = s.info(&mut u);
        s.interrupted(&mut u, &info);
        s.server.set_behavior(&s.target_path(), behavior.clone());
        let path = u.download_target(&info, None, None).unwrap();
        assert_eq!(std::fs::read(path).unwrap(), s.data, "{behavior:?}");
        // The ranged request, then the whole file without a range.
        assert_eq!(
            s.ranges(),
            [None, Some(format!("bytes={CUT}-")), None],
            "{behavior:?}"
        );
        assert_eq!(s.files(), ["big.bin"], "{behavior:?}");
    }
}

#[test]
fn a_partial_file_of_another_version_is_not_continued() {
    let s = Setup::new("resume-other-version");
    let mut u = s.updater();
    let old = s.info(&mut u);
    let old_partial = s.interrupted(&mut u, &old);

    // The repository publishes another version of the target.
    let mut s = s;
    s.data = content(0x5a);
    {
        let mut sim = s.c.repo.sim();
        sim.add_target("targets", "big.bin", &s.data);
        sim.publish_targets("targets");
        sim.update_timestamp();
    }
    s.publish();
    let mut u = s.updater();
    u.refresh().unwrap();
    let new = s.info(&mut u);
    assert_ne!(new.target, old.target);
    assert_ne!(u.partial_path(&new, None).unwrap(), old_partial);
    let path = u.download_target(&new, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    // The new version's file was asked for whole, and the old version's partial file went
    // once the new one was saved.
    assert_eq!(s.ranges(), [None]);
    assert!(!old_partial.exists());
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn a_partial_file_longer_than_the_target_is_discarded() {
    let s = Setup::new("resume-too-long");
    let mut u = s.updater();
    let info = s.info(&mut u);
    s.plant_partial(&u, &info, &[b'x'; LENGTH + 10]);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    assert_eq!(s.ranges(), [None]);
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn a_tampered_partial_file_fails_the_hashes_is_removed_and_the_download_starts_over() {
    let s = Setup::new("resume-tampered");
    let mut u = s.updater();
    let info = s.info(&mut u);
    let mut bad = s.data[..1000].to_vec();
    bad[10] ^= 1;
    s.plant_partial(&u, &info, &bad);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    assert_eq!(s.ranges(), [Some("bytes=1000-".to_string()), None]);
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn nothing_unverified_reaches_the_final_path_and_a_bad_partial_file_goes() {
    let s = Setup::new("resume-bad-server");
    let mut u = s.updater();
    let info = s.info(&mut u);
    s.interrupted(&mut u, &info);
    // The server now has other bytes (of the same length) at the target's URL.
    let mut other = s.data.clone();
    other[LENGTH - 1] ^= 1;
    s.server.set(&s.target_path(), other);
    let err = u.download_target(&info, None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthOrHashMismatch, "{err}");
    // Resumed, then started over once from the beginning.
    assert_eq!(s.ranges(), [None, Some(format!("bytes={CUT}-")), None]);
    assert!(!s.final_path().exists());
    assert_eq!(s.files(), Vec::<String>::new());
}

#[test]
fn a_complete_partial_file_is_verified_and_renamed_without_a_request() {
    let s = Setup::new("resume-complete");
    let mut u = s.updater();
    let info = s.info(&mut u);
    s.plant_partial(&u, &info, &s.data);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    assert_eq!(s.server.requests(&s.target_path()), 0);
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn a_link_in_the_partial_files_place_is_removed_not_followed() {
    let s = Setup::new("resume-link");
    let mut u = s.updater();
    let info = s.info(&mut u);
    let partial = u.partial_path(&info, None).unwrap();
    std::fs::create_dir_all(s.c.targets_dir()).unwrap();
    let victim = s.c.dir.path().join("victim");
    std::fs::write(&victim, &s.data[..CUT]).unwrap();
    std::os::unix::fs::symlink(&victim, &partial).unwrap();
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    assert_eq!(std::fs::read(&victim).unwrap(), &s.data[..CUT]);
    assert_eq!(s.ranges(), [None]);
    assert_eq!(s.files(), ["big.bin"]);
}

#[test]
fn without_resume_an_interrupted_download_leaves_nothing() {
    let s = Setup::new("resume-off");
    let mut config = s.config();
    config.resume_downloads = false;
    let mut u = Updater::new(config).unwrap();
    let info = s.info(&mut u);
    s.server.set_behavior(
        &s.target_path(),
        Behavior::CutAfter {
            bytes: CUT,
            times: 1,
        },
    );
    u.download_target(&info, None, None).unwrap_err();
    assert_eq!(s.files(), Vec::<String>::new());
    u.download_target(&info, None, None).unwrap();
    assert_eq!(s.ranges(), [None, None]);
}

#[test]
fn a_cancelled_download_keeps_its_partial_file_for_the_next_one() {
    let s = Setup::new("resume-cancel");
    let mut config = s.config();
    config.progress = Some(Progress(Arc::new(|url: &str, got: u64, _| {
        if url.ends_with("big.bin") && got > CUT as u64 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })));
    let mut u = Updater::new(config).unwrap();
    let info = s.info(&mut u);
    let err = u.download_target(&info, None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    let partial = u.partial_path(&info, None).unwrap();
    let kept = std::fs::read(&partial).unwrap();
    assert!(!kept.is_empty() && s.data.starts_with(&kept));
    let mut u = s.updater();
    u.download_target(&info, None, None).unwrap();
    assert_eq!(s.ranges(), [None, Some(format!("bytes={}-", kept.len()))]);
}

#[test]
fn file_urls_are_resumed_too() {
    let s = Setup::new("resume-file-url");
    let root = s.c.dir.path().join("repo");
    for (path, bytes) in all_files(&s.c.repo.sim()) {
        let p = root.join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut config = s.c.bootstrap_config();
    config.metadata_base_url = format!("file://{}/metadata", root.display());
    config.targets_base_url = Some(format!("file://{}/targets", root.display()));
    config.progress = Some(Progress(Arc::new(move |url: &str, got: u64, _| {
        if url.ends_with("big.bin") {
            log.lock().unwrap().push(got);
        }
        ControlFlow::Continue(())
    })));
    let mut u = Updater::new(config).unwrap();
    let info = s.info(&mut u);
    s.plant_partial(&u, &info, &s.data[..CUT]);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    // Read from the offset on: no position below it was ever reported.
    let seen = seen.lock().unwrap();
    assert_eq!(seen.first(), Some(&(CUT as u64)));
    assert!(seen.iter().all(|&g| g >= CUT as u64), "{seen:?}");
}

#[test]
fn a_custom_fetcher_without_ranges_starts_over_and_verifies() {
    let s = Setup::new("resume-custom");
    let mut u = s.c.updater();
    let info = s.info(&mut u);
    s.plant_partial(&u, &info, &s.data[..CUT]);
    let path = u.download_target(&info, None, None).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), s.data);
    assert_eq!(s.files(), ["big.bin"]);
}
