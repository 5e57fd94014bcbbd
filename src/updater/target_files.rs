//! Local target files (5.7): where a target is stored, finding a verified copy, downloading
//! one.
//!
//! The targets directory, like the metadata directory, may be writable by others (see
//! [`super::fs`]): a file there is opened without following links or blocking, and used only
//! if it is a regular file with the right length and hashes; a download streams into a new
//! temporary file created exclusively in the destination's own directory, renamed into place
//! once verified. Temporary files that processes left behind when they died are removed
//! from the targets directory; since the caller may keep files of its own there, only files
//! of libtuf's temporary-name pattern (`.NAME.PID.N.NANOS.tmp`) are, and only when their
//! process is gone and they have not been written to for [`STALE_TARGET_TEMP_AGE`].

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::download::{download_verified, Job};
use super::fs::{self, Dir};
use super::{ensure_slash, quote, LogLevel, TargetInfo, Updater};
use crate::error::{Error, Result};

/// How long a temporary file of a process that is gone must have been left untouched before
/// it is removed from the targets directory. The owner check alone is not enough: processes
/// of another PID namespace (a container) sharing the directory look gone from here.
pub const STALE_TARGET_TEMP_AGE: Duration = Duration::from_secs(3600);

/// The local file name of target `path` in the targets directory: the percent-encoded path
/// ([`quote`]), one flat name as python-tuf makes it. `""`, `"."` and `".."` name the
/// directory itself or its parent, not a file: [`Error::InvalidArgument`] (give a file path
/// to download such a target).
pub(crate) fn local_name(path: &str) -> Result<String> {
    let name = quote(path);
    if matches!(name.as_str(), "" | "." | "..") {
        return Err(Error::InvalidArgument(format!(
            "target path {path:?} names no file in targets_dir (it would be the directory \
             itself or its parent): give a file path"
        )));
    }
    Ok(name)
}

/// Where a target file goes.
pub(super) struct Destination {
    /// Its directory.
    pub dir: PathBuf,
    /// Its name in `dir`.
    pub name: OsString,
    /// Its path, as the caller gave it or as `targets_dir` and the name make it.
    pub path: PathBuf,
}

/// The directory and the file name of `path`, a file path the caller chose.
fn split_file_path(path: &Path) -> Result<(&Path, &OsStr)> {
    let name = path.file_name().ok_or_else(|| {
        Error::InvalidArgument(format!("file path {} names no file", path.display()))
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok((dir, name))
}

impl Updater {
    /// The base URL of target files: `target_base_url` or the configured one.
    pub(super) fn target_base(&self, target_base_url: Option<&str>) -> Result<String> {
        match target_base_url {
            Some(b) => Ok(ensure_slash(b)),
            None => self.config.targets_base_url.clone().ok_or_else(|| {
                Error::InvalidArgument(
                    "targets_base_url must be set in the configuration or per download".into(),
                )
            }),
        }
    }

    /// The URL of `info` under the base URL of target files (`target_base_url` or the
    /// configured one): `BASE/PATH`, or `BASE/DIR/HASH.NAME` under consistent snapshots with
    /// `prefix_targets_with_hash`.
    pub(super) fn target_url(
        &self,
        info: &TargetInfo,
        target_base_url: Option<&str>,
    ) -> Result<String> {
        let base = self.target_base(target_base_url)?;
        let mut remote = info.path.clone();
        if self.set.root().consistent_snapshot() && self.config.prefix_targets_with_hash {
            let (_, digest) = info.target.hashes.first();
            remote = match info.path.rsplit_once('/') {
                Some((dir, name)) => format!("{dir}/{digest}.{name}"),
                None => format!("{digest}.{}", info.path),
            };
        }
        Ok(format!("{base}{remote}"))
    }

    /// Removes the temporary files that ended processes left in the targets directory `dir`,
    /// once per updater.
    pub(super) fn clean_targets_dir(&mut self, dir: &Dir) {
        if self.targets_dir_cleaned {
            return;
        }
        self.targets_dir_cleaned = true;
        let removed = dir.remove_temp_files(|pid, modified| {
            let age = SystemTime::now()
                .duration_since(modified)
                .unwrap_or_default();
            age >= STALE_TARGET_TEMP_AGE && fs::process_is_gone(pid)
        });
        if removed > 0 {
            self.config.log(LogLevel::Info, || {
                format!(
                    "removed {removed} temporary files that ended processes left in {}",
                    dir.join("").display()
                )
            });
        }
    }

    /// Where a target is stored locally when no file name is given: `targets_dir` joined
    /// with the percent-encoded target path (one flat file name, as python-tuf makes it).
    /// [`Error::InvalidArgument`] when no `targets_dir` is configured, or for the target paths
    /// `""`, `"."` and `".."`, which name no file there.
    pub fn target_path(&self, info: &TargetInfo) -> Result<PathBuf> {
        Ok(self.targets_dir()?.join(local_name(&info.path)?))
    }

    fn targets_dir(&self) -> Result<&Path> {
        self.config.targets_dir.as_deref().ok_or_else(|| {
            Error::InvalidArgument("targets_dir must be set if no file name is given".into())
        })
    }

    /// Where `info` goes: `filepath` (its directory is the caller's choice and may be
    /// reached through links), else the targets directory.
    pub(super) fn destination(
        &self,
        info: &TargetInfo,
        filepath: Option<&Path>,
    ) -> Result<Destination> {
        match filepath {
            Some(p) => {
                let (dir, name) = split_file_path(p)?;
                Ok(Destination {
                    dir: dir.to_path_buf(),
                    name: name.to_os_string(),
                    path: p.to_path_buf(),
                })
            }
            None => {
                let dir = self.targets_dir()?.to_path_buf();
                let name = OsString::from(local_name(&info.path)?);
                Ok(Destination {
                    path: dir.join(&name),
                    dir,
                    name,
                })
            }
        }
    }

    /// Where an interrupted download of `info` to `filepath` (`None`: into the targets
    /// directory) keeps what arrived, for the next download to resume
    /// ([`UpdaterConfig::resume_downloads`](super::UpdaterConfig::resume_downloads)):
    /// `.NAME.ID.partial` beside the destination `NAME`, ID naming the target's length and
    /// hashes. Whether such a file exists is not checked.
    pub fn partial_path(&self, info: &TargetInfo, filepath: Option<&Path>) -> Result<PathBuf> {
        let dest = self.destination(info, filepath)?;
        Ok(dest
            .dir
            .join(super::download::partial_name(&dest.name, &info.target)))
    }

    /// The local file of `info` if it is a regular file (a link there is not followed, a FIFO
    /// or device not opened) that matches the target's length and hashes.
    pub fn find_cached_target(
        &self,
        info: &TargetInfo,
        filepath: Option<&Path>,
    ) -> Result<Option<PathBuf>> {
        let dest = self.destination(info, filepath)?;
        let Ok(dir) = Dir::open(&dest.dir) else {
            return Ok(None);
        };
        let Ok(file) = dir.open_regular(&dest.name) else {
            return Ok(None);
        };
        let mut verifier = info.target.hashes.verifier(&info.path)?;
        let mut total: u64 = 0;
        let mut buf = vec![0u8; 64 * 1024];
        let mut reader = file.take(info.target.length.saturating_add(1));
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Ok(None),
            };
            total += n as u64;
            verifier.update(&buf[..n]);
        }
        if total != info.target.length || verifier.finish().is_err() {
            return Ok(None);
        }
        Ok(Some(dest.path))
    }

    /// Downloads the target described by `info` (5.7): streams it into a temporary file
    /// beside the destination, enforcing the length while receiving, checks every listed
    /// hash, then renames it into place. Never holds the target in memory. Under consistent
    /// snapshots (and `prefix_targets_with_hash`) it fetches `DIR/HASH.NAME`.
    pub fn download_target(
        &mut self,
        info: &TargetInfo,
        filepath: Option<&Path>,
        target_base_url: Option<&str>,
    ) -> Result<PathBuf> {
        self.download_target_with_progress(info, filepath, target_base_url, &mut |_, _| {})
    }

    /// [`download_target`](Self::download_target), calling `progress(received, total)` as
    /// bytes arrive (`total` is the target's length from trusted metadata).
    pub fn download_target_with_progress(
        &mut self,
        info: &TargetInfo,
        filepath: Option<&Path>,
        target_base_url: Option<&str>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PathBuf> {
        let dest = self.destination(info, filepath)?;
        let url = self.target_url(info, target_base_url)?;
        let dir = Dir::create(&dest.dir).map_err(|e| Error::io(&dest.dir, e))?;
        if filepath.is_none() {
            self.clean_targets_dir(&dir);
        }
        let job = Job {
            url: &url,
            what: &info.path,
            target: &info.target,
            dir: &dir,
            name: &dest.name,
        };
        download_verified(self.fetcher.as_mut(), &job, &self.config, progress)?;
        let length = info.target.length;
        self.config.log(LogLevel::Info, || {
            format!("downloaded {} ({length} bytes) from {url}", info.path)
        });
        Ok(dest.path)
    }
}
