//! The metadata and targets directories as hostile input: the process may run as root while
//! others can write inside its cache. Whatever they put there (a symbolic link, a FIFO, a
//! file in place of a directory, stray temporary files, a lost root.json), the updater never
//! follows a link inside the directories, never blocks on a FIFO, never writes or deletes
//! outside them, and recovers.
//!
//! Tests that would block without the fix run the updater on a thread and fail after 30 s
//! instead of hanging.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use common::sim::Sim;
use common::sim_fetcher::{Client, TempDir};
use tuf::updater::{Updater, STALE_TARGET_TEMP_AGE};
use tuf::ErrorKind;

const TARGET: &str = "dir/file.txt";
const TARGET_DATA: &[u8] = b"hello from role1";

fn sim() -> Sim {
    let mut sim = Sim::with_delegated_target("role1", TARGET, TARGET_DATA);
    sim.update_snapshot();
    sim
}

/// A client whose cache holds every metadata file, after a lookup of `dir/file.txt`.
fn filled(name: &str) -> Client {
    let c = Client::new(name, sim());
    c.updater().get_target_info(TARGET).unwrap().unwrap();
    c
}

/// Runs `f` on its own thread; fails if it has not returned after 30 s (the thread is left
/// blocked: that is what the test guards against).
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still blocked after 30 s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap_or_else(|e| panic!("mkfifo {}: {e}", path.display()));
}

fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
}

fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

fn is_regular(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// A directory outside the cache with a few files, whose names include one of libtuf's
/// temporary-name pattern.
fn victim_dir(c: &Client) -> PathBuf {
    let victim = c.dir.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    for name in ["precious", ".timestamp.json.999.0.0.tmp", "2.root.json"] {
        std::fs::write(victim.join(name), name).unwrap();
    }
    victim
}

fn assert_victim_intact(victim: &Path) {
    for name in ["precious", ".timestamp.json.999.0.0.tmp", "2.root.json"] {
        assert_eq!(
            std::fs::read(victim.join(name)).ok().as_deref(),
            Some(name.as_bytes()),
            "{name} outside the cache was changed or deleted"
        );
    }
    assert_eq!(std::fs::read_dir(victim).unwrap().count(), 3);
}

// ---- links inside the metadata directory ---------------------------------------------------------

#[test]
fn root_history_replaced_by_a_link_is_not_cleaned_through() {
    // DIR/root_history -> a directory elsewhere: the stale-temporary-file cleanup (the
    // temporary files of writes live there) must not delete anything there, and writes must
    // not go there.
    let c = filled("tmp-link");
    let mut u = c.updater();
    let victim = victim_dir(&c);
    let history = c.cached("root_history");
    std::fs::remove_dir_all(&history).unwrap();
    symlink(&victim, &history);
    c.repo.sim().publish_targets("targets");
    u.refresh().unwrap();
    assert_victim_intact(&victim);
    assert!(
        is_real_dir(&history),
        "root_history is not a directory again"
    );
    // The same for a new updater (the directory is opened when the updater is made).
    std::fs::remove_dir_all(&history).unwrap();
    symlink(&victim, &history);
    c.updater().refresh().unwrap();
    assert_victim_intact(&victim);
    assert!(is_real_dir(&history));
}

#[test]
fn root_history_that_is_a_file_is_replaced() {
    let c = filled("tmp-file");
    let path = c.cached("root_history");
    std::fs::remove_dir_all(&path).unwrap();
    std::fs::write(&path, b"not a directory").unwrap();
    let mut u = c.updater();
    u.refresh().unwrap();
    assert!(is_real_dir(&c.cached("root_history")));
    assert!(is_regular(&c.cached("root_history/1.root.json")));
}

#[test]
fn dangling_lock_link_does_not_create_its_target() {
    let c = filled("lock-link");
    let outside = c.dir.path().join("created-through-the-link");
    let lock = c.cached(".lock");
    std::fs::remove_file(&lock).unwrap();
    symlink(&outside, &lock);
    c.updater().refresh().unwrap();
    assert!(!outside.exists(), "the lock link's target was created");
    assert!(is_regular(&lock), ".lock is not a regular file again");
}

#[test]
fn lock_that_is_a_fifo_does_not_block() {
    let c = filled("lock-fifo");
    let lock = c.cached(".lock");
    std::fs::remove_file(&lock).unwrap();
    mkfifo(&lock);
    let (repo, config) = (c.repo.clone(), c.config());
    within("an updater and a refresh with a FIFO as .lock", move || {
        let mut u = Updater::with_fetcher(config, Box::new(repo)).unwrap();
        u.refresh().unwrap();
    });
    assert!(is_regular(&lock));
}

#[test]
fn root_history_link_gets_no_roots_written_through_it() {
    let mut sim = sim();
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new("history-link", sim);
    let mut u = c.updater_with(c.bootstrap_config());
    let victim = victim_dir(&c);
    let history = c.cached("root_history");
    std::fs::remove_dir_all(&history).unwrap();
    symlink(&victim, &history);
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 2);
    assert_victim_intact(&victim);
    assert!(is_real_dir(&history));
    assert_eq!(
        std::fs::read(history.join("2.root.json")).unwrap(),
        c.repo.sim().root_bytes(2)
    );
    // A new updater (bootstrapped with v1) replaces the link before persisting v1.
    std::fs::remove_dir_all(&history).unwrap();
    symlink(&victim, &history);
    c.updater_with(c.bootstrap_config());
    assert_victim_intact(&victim);
    assert!(is_regular(&history.join("1.root.json")));
}

#[test]
fn cached_metadata_behind_a_link_is_not_used() {
    // snapshot.json -> a valid snapshot outside the cache: not read (it is downloaded again),
    // and the link is replaced by a file, the file it pointed to untouched.
    let c = filled("metadata-link");
    let outside = c.dir.path().join("outside-snapshot.json");
    let good = c.read_cached("snapshot.json").unwrap();
    std::fs::write(&outside, &good).unwrap();
    let cached = c.cached("snapshot.json");
    std::fs::remove_file(&cached).unwrap();
    symlink(&outside, &cached);
    c.repo.clear_log();
    c.updater().refresh().unwrap();
    assert!(
        c.repo
            .metadata_log()
            .iter()
            .any(|f| f.ends_with("snapshot.json")),
        "{:?}",
        c.repo.metadata_log()
    );
    assert!(is_regular(&cached));
    assert_eq!(std::fs::read(&outside).unwrap(), good);
}

// ---- FIFOs ---------------------------------------------------------------------------------------

#[test]
fn fifo_in_place_of_cached_metadata_does_not_block() {
    for file in [
        "timestamp.json",
        "snapshot.json",
        "targets.json",
        "role1.json",
    ] {
        let c = filled("metadata-fifo");
        let path = c.cached(file);
        std::fs::remove_file(&path).unwrap();
        mkfifo(&path);
        let mut u = c.updater();
        let u = within(&format!("refresh with a FIFO as {file}"), move || {
            u.get_target_info(TARGET).unwrap().unwrap();
            u
        });
        drop(u);
        assert!(is_regular(&path), "{file} is not a regular file again");
    }
}

#[test]
fn fifo_in_place_of_root_json_does_not_block() {
    let c = filled("root-fifo");
    let good = c.read_cached("root.json").unwrap();
    let path = c.cached("root.json");
    std::fs::remove_file(&path).unwrap();
    mkfifo(&path);
    let (repo, config) = (c.repo.clone(), c.config());
    let u = within("an updater with a FIFO as root.json", move || {
        Updater::with_fetcher(config, Box::new(repo)).unwrap()
    });
    assert_eq!(u.trusted_set().root().version, 1);
    assert_eq!(std::fs::read(&path).unwrap(), good);
}

#[test]
fn fifo_in_place_of_a_target_file_does_not_block() {
    let c = filled("target-fifo");
    let mut u = c.updater();
    let info = u.get_target_info(TARGET).unwrap().unwrap();
    let local = u.target_path(&info).unwrap();
    std::fs::create_dir_all(local.parent().unwrap()).unwrap();
    mkfifo(&local);
    let u = within("find and download over a FIFO", move || {
        assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
        u.download_target(&info, None, None).unwrap();
        assert!(u.find_cached_target(&info, None).unwrap().is_some());
        u
    });
    drop(u);
    assert_eq!(std::fs::read(&local).unwrap(), TARGET_DATA);
}

// ---- the targets directory -----------------------------------------------------------------------

#[test]
fn target_file_behind_a_link_is_not_used_or_written_through() {
    let c = filled("target-link");
    let mut u = c.updater();
    let info = u.get_target_info(TARGET).unwrap().unwrap();
    let local = u.target_path(&info).unwrap();
    std::fs::create_dir_all(local.parent().unwrap()).unwrap();
    // A link to a file with the right content outside the targets directory.
    let outside = c.dir.path().join("outside-target");
    std::fs::write(&outside, TARGET_DATA).unwrap();
    symlink(&outside, &local);
    assert_eq!(u.find_cached_target(&info, None).unwrap(), None);
    // A download replaces the link, and does not write through it.
    std::fs::write(&outside, b"not to be overwritten").unwrap();
    u.download_target(&info, None, None).unwrap();
    assert!(is_regular(&local));
    assert_eq!(std::fs::read(&local).unwrap(), TARGET_DATA);
    assert_eq!(std::fs::read(&outside).unwrap(), b"not to be overwritten");
}

/// Sets the modification time of `path` (not following a link) to `age` ago.
fn age(path: &Path, age: Duration) {
    let t = SystemTime::now() - age;
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let ts = rustix::fs::Timespec {
        tv_sec: secs,
        tv_nsec: 0,
    };
    rustix::fs::utimensat(
        rustix::fs::CWD,
        path,
        &rustix::fs::Timestamps {
            last_access: ts,
            last_modification: ts,
        },
        rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
    )
    .unwrap();
}

#[test]
fn stale_temporary_files_in_the_targets_dir_are_removed() {
    let c = filled("target-stale");
    let tdir = c.targets_dir();
    std::fs::create_dir_all(&tdir).unwrap();
    let old = STALE_TARGET_TEMP_AGE + Duration::from_secs(600);
    // pid 999999999 is above any pid_max: a process that is gone.
    let gone = ".dir%2Ffile.txt.999999999.3.1f.tmp";
    let recent = ".dir%2Ffile.txt.999999999.4.2f.tmp";
    let ours = format!(".x.{}.0.0.tmp", std::process::id());
    let callers = ["notes.tmp", ".hidden.tmp", "data.123.4.5.tmp", ".a.1.2.tmp"];
    let link = ".link.999999999.0.0.tmp";
    for name in [gone, recent, &ours].into_iter().chain(callers) {
        std::fs::write(tdir.join(name), name).unwrap();
    }
    let outside = c.dir.path().join("outside");
    std::fs::write(&outside, b"outside").unwrap();
    symlink(&outside, &tdir.join(link));
    for name in [gone, &ours, link].into_iter().chain(callers) {
        age(&tdir.join(name), old);
    }
    let mut u = c.updater();
    let info = u.get_target_info(TARGET).unwrap().unwrap();
    u.download_target(&info, None, None).unwrap();
    assert!(
        !tdir.join(gone).exists(),
        "stale temporary file not removed"
    );
    for name in [recent, &ours].into_iter().chain(callers) {
        assert!(is_regular(&tdir.join(name)), "{name} was removed");
    }
    assert!(std::fs::symlink_metadata(tdir.join(link)).is_ok());
    assert_eq!(std::fs::read(&outside).unwrap(), b"outside");
}

#[test]
fn temporary_files_of_downloads_are_new_files_in_the_destination_directory() {
    // A failed download leaves nothing, a good one only the target.
    let c = filled("target-tmp");
    let mut u = c.updater();
    let info = u.get_target_info(TARGET).unwrap().unwrap();
    let digest_path = format!("targets/{}", c.repo.targets_url_of(TARGET));
    c.repo.set_override(
        &digest_path,
        common::sim_fetcher::Response::Bytes(b"wrong".to_vec()),
    );
    assert!(u.download_target(&info, None, None).is_err());
    assert!(Client::list(&c.targets_dir()).is_empty());
    c.repo.clear_overrides();
    let dest = c.dir.path().join("elsewhere/name.bin");
    u.download_target(&info, Some(&dest), None).unwrap();
    assert_eq!(Client::list(&c.dir.path().join("elsewhere")), ["name.bin"]);
}

#[test]
fn target_paths_that_name_no_file_are_refused() {
    let mut sim = Sim::new();
    for path in ["", ".", ".."] {
        sim.add_target("targets", path, b"odd");
    }
    sim.publish_targets("targets");
    let c = Client::new("odd-paths", sim);
    let mut u = c.updater();
    let before = Client::list(c.dir.path());
    for path in ["", ".", ".."] {
        let info = u.get_target_info(path).unwrap().unwrap();
        let err = u.target_path(&info).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{path:?}: {err}");
        assert!(err.to_string().contains("names no file"), "{err}");
        let err = u.download_target(&info, None, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{path:?}: {err}");
        assert_eq!(
            u.find_cached_target(&info, None).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        // With a file path they download.
        let dest = c.dir.path().join("chosen");
        u.download_target(&info, Some(&dest), None).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"odd");
        std::fs::remove_file(&dest).unwrap();
    }
    assert_eq!(Client::list(c.dir.path()), before);
    assert!(Client::list(&c.targets_dir()).is_empty());
}

// ---- a lost root.json ----------------------------------------------------------------------------

/// A cache whose history holds roots 1 to 3, root.json being v3.
fn rotated(name: &str) -> Client {
    let mut sim = sim();
    sim.rotate_root(|_| {}, &[]);
    sim.rotate_root(|_| {}, &[]);
    let c = Client::new(name, sim);
    c.updater_with(c.bootstrap_config()).refresh().unwrap();
    assert_eq!(
        c.read_cached("root.json").unwrap(),
        c.repo.sim().root_bytes(3)
    );
    c
}

fn start_without_bootstrap(c: &Client) -> tuf::Result<Updater> {
    Updater::with_fetcher(c.config(), Box::new(c.repo.clone()))
}

#[test]
fn missing_or_corrupt_root_json_is_recovered_from_the_root_history() {
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 4] = [
        ("missing", |p| std::fs::remove_file(p).unwrap()),
        ("truncated", |p| {
            let b = std::fs::read(p).unwrap();
            std::fs::write(p, &b[..b.len() / 2]).unwrap()
        }),
        ("garbage", |p| std::fs::write(p, b"{}").unwrap()),
        ("a directory", |p| {
            std::fs::remove_file(p).unwrap();
            std::fs::create_dir(p).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let c = rotated("recover");
        damage(&c.cached("root.json"));
        let mut u = start_without_bootstrap(&c).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(u.trusted_set().root().version, 3, "{what}");
        u.refresh().unwrap();
        if what != "a directory" {
            assert_eq!(
                c.read_cached("root.json").unwrap(),
                c.repo.sim().root_bytes(3),
                "{what}: root.json not repaired"
            );
        }
    }
}

/// `root.json` is replaced by an updater's own trusted root unless it holds a root at least as
/// new that is signed by a threshold of its own keys (5.2): another process may have moved
/// it further, but a forged newer version must not pin it.
#[test]
fn root_json_is_kept_only_for_a_verified_root_at_least_as_new() {
    let c = rotated("root-json-newer");
    // An updater started from v1 leaves the cached v3.
    c.updater_with(c.bootstrap_config());
    assert_eq!(
        c.read_cached("root.json").unwrap(),
        c.repo.sim().root_bytes(3)
    );
    // A root claiming version 9, signed by keys it does not list: replaced by v1.
    let mut forged =
        tuf::metadata::Metadata::<tuf::metadata::Root>::from_bytes(&c.repo.sim().root_bytes(3))
            .unwrap();
    forged.signed.version = 9;
    std::fs::write(c.cached("root.json"), forged.to_bytes()).unwrap();
    c.updater_with(c.bootstrap_config());
    assert_eq!(
        c.read_cached("root.json").unwrap(),
        c.repo.sim().root_bytes(1)
    );
    // An older root that verifies (v2) is replaced by the refresh's final root (v3).
    std::fs::write(c.cached("root.json"), c.repo.sim().root_bytes(2)).unwrap();
    let mut u = c.updater_with(c.bootstrap_config());
    u.refresh().unwrap();
    assert_eq!(
        c.read_cached("root.json").unwrap(),
        c.repo.sim().root_bytes(3)
    );
}

#[test]
fn recovery_takes_the_newest_history_root_that_verifies() {
    let c = rotated("recover-newest");
    std::fs::remove_file(c.cached("root.json")).unwrap();
    // v3 corrupt, a "4.root.json" that is v2's bytes (wrong version), a name that is no
    // version: v2 is the newest usable one.
    std::fs::write(c.cached("root_history/3.root.json"), b"{\"signed\": 1}").unwrap();
    std::fs::write(
        c.cached("root_history/4.root.json"),
        c.repo.sim().root_bytes(2),
    )
    .unwrap();
    std::fs::write(c.cached("root_history/x.root.json"), b"junk").unwrap();
    // A root of version 9 signed by keys its own root does not list.
    let mut forged =
        tuf::metadata::Metadata::<tuf::metadata::Root>::from_bytes(&c.repo.sim().root_bytes(3))
            .unwrap();
    forged.signed.version = 9;
    std::fs::write(c.cached("root_history/9.root.json"), forged.to_bytes()).unwrap();
    let mut u = start_without_bootstrap(&c).unwrap();
    assert_eq!(u.trusted_set().root().version, 2);
    // The refresh then takes v3 from the repository.
    u.refresh().unwrap();
    assert_eq!(u.trusted_set().root().version, 3);
    assert_eq!(
        c.read_cached("root_history/3.root.json").unwrap(),
        c.repo.sim().root_bytes(3)
    );
}

#[test]
fn without_a_usable_root_the_error_stays_clear() {
    let c = rotated("recover-none");
    std::fs::remove_file(c.cached("root.json")).unwrap();
    std::fs::remove_dir_all(c.cached("root_history")).unwrap();
    let err = start_without_bootstrap(&c).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.to_string().contains("root.json"), "{err}");
    // Garbage in root.json and in the history: root.json's error.
    std::fs::write(c.cached("root.json"), b"{}").unwrap();
    std::fs::create_dir_all(c.cached("root_history")).unwrap();
    std::fs::write(c.cached("root_history/1.root.json"), b"{}").unwrap();
    let err = start_without_bootstrap(&c).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMetadata, "{err}");
}

#[test]
fn a_metadata_dir_that_is_a_link_is_the_callers_choice() {
    // Only what is inside the directories is untrusted: the directories themselves may be
    // links.
    let c = filled("dir-link");
    let real = TempDir::new("dir-link-real");
    let md = real.path().join("md");
    std::fs::rename(c.metadata_dir(), &md).unwrap();
    symlink(&md, &c.metadata_dir());
    let mut u = c.updater_with(c.config());
    u.refresh().unwrap();
    assert!(is_regular(&md.join("timestamp.json")));
}
