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
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::fs::{self, Dir, TempFile};
use super::{ensure_slash, quote, LogLevel, TargetInfo, Updater};
use crate::error::{Error, Result};
use crate::fetch::{fetch_limited, Fetcher};
use crate::metadata::TargetFile;

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
struct Destination {
    /// Its directory.
    dir: PathBuf,
    /// Its name in `dir`.
    name: OsString,
    /// Its path, as the caller gave it or as `targets_dir` and the name make it.
    path: PathBuf,
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
    fn destination(&self, info: &TargetInfo, filepath: Option<&Path>) -> Result<Destination> {
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
        let base = match target_base_url {
            Some(b) => ensure_slash(b),
            None => self.config.targets_base_url.clone().ok_or_else(|| {
                Error::InvalidArgument(
                    "targets_base_url must be set in the configuration or per download".into(),
                )
            })?,
        };
        let mut remote = info.path.clone();
        if self.set.root().consistent_snapshot() && self.config.prefix_targets_with_hash {
            let (_, digest) = info.target.hashes.first();
            remote = match info.path.rsplit_once('/') {
                Some((dir, name)) => format!("{dir}/{digest}.{name}"),
                None => format!("{digest}.{}", info.path),
            };
        }
        let url = format!("{base}{remote}");
        let dir = Dir::create(&dest.dir).map_err(|e| Error::io(&dest.dir, e))?;
        if filepath.is_none() && !self.targets_dir_cleaned {
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
                        dest.dir.display()
                    )
                });
            }
        }
        download_verified(
            self.fetcher.as_mut(),
            &url,
            &info.path,
            &info.target,
            (&dir, &dest.name),
            self.config.sync_all_writes,
            progress,
        )?;
        let length = info.target.length;
        self.config.log(LogLevel::Info, || {
            format!("downloaded {} ({length} bytes) from {url}", info.path)
        });
        Ok(dest.path)
    }
}

/// Streams `url` into a new temporary file in `dest`'s directory, checks length and hashes,
/// and renames it to `dest`. The temporary file is removed on any failure.
fn download_verified(
    fetcher: &mut dyn Fetcher,
    url: &str,
    what: &str,
    target: &TargetFile,
    (dir, name): (&Dir, &OsStr),
    durable: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let dest = dir.join(name);
    let mut tmp = TempFile::create(dir, name).map_err(|e| Error::io(&dest, e))?;
    let mut verifier = target.hashes.verifier(what)?;
    let limit = target.length;
    let mut so_far: u64 = 0;
    let received = fetch_limited(fetcher, url, limit, &mut |chunk: &[u8]| {
        if chunk.is_empty() {
            return Ok(()); // a fetcher's heartbeat: no progress to report
        }
        verifier.update(chunk);
        tmp.file()
            .write_all(chunk)
            .map_err(|e| Error::io(&dest, e))?;
        so_far += chunk.len() as u64;
        progress(so_far, limit);
        Ok(())
    })?;
    if received != limit {
        return Err(Error::LengthOrHashMismatch {
            what: what.into(),
            msg: format!("length is {received} bytes, expected {limit}"),
        });
    }
    verifier.finish()?;
    tmp.persist(dir, name, durable)
        .map_err(|e| Error::io(&dest, e))
}
