//! Looking targets up and downloading them in one call ([`Updater::download_target_paths`]):
//! the delegated roles the lookups fetched ahead are written to the cache while the targets'
//! files are created, instead of before, so that the file system makes the two sets of files
//! side by side.

use std::path::{Path, PathBuf};

use super::{TargetInfo, Updater};
use crate::error::Result;

/// What [`Updater::download_target_paths`] did for one target path.
#[derive(Debug)]
pub struct PathDownload {
    /// The lookup (5.7.1-5.7.2): the target's info, `Ok(None)` when no trusted role lists it,
    /// or why the lookup failed.
    pub lookup: Result<Option<TargetInfo>>,
    /// The download (5.7.3-5.7.4), made only when every lookup of the call found its target:
    /// the path of the target's verified file, or why its download failed; `None` when
    /// nothing was downloaded.
    pub download: Option<Result<PathBuf>>,
}

impl Updater {
    /// Looks up every path of `target_paths` as [`get_target_infos`](Self::get_target_infos)
    /// does, then, when every one was found, downloads them all as
    /// [`download_targets`](Self::download_targets) does, into `target_dir` (`None`: the
    /// configured targets directory) from `target_base_url` (`None`: the configured one).
    /// When a path is not found or its lookup fails, nothing is downloaded: the list is a
    /// set of files the repository must list, all of them. Returns one [`PathDownload`] per
    /// path, in order. Refreshes first if this updater has not.
    ///
    /// The same checks run, in the same order, as in the two calls one after the other. What
    /// differs is when the delegated roles fetched ahead are written to the cache: each is
    /// verified and trusted as its transfer ends (5.6.1-5.6.6), then cached while the
    /// targets' files are created, on a helper thread, before any target transfer starts
    /// (without downloads, before this returns). Until then their bytes stay in memory,
    /// each within the length snapshot gives it. A role that a lookup fetched on its own,
    /// after it failed ahead, is cached before it is trusted, as always.
    ///
    /// Fails, with nothing downloaded, when the refresh that had to run first fails, or when
    /// a role cannot be written to the cache (the files made for the downloads are removed
    /// again; partial files that held bytes already are kept).
    pub fn download_target_paths(
        &mut self,
        target_paths: &[&str],
        target_dir: Option<&Path>,
        target_base_url: Option<&str>,
    ) -> Result<Vec<PathDownload>> {
        if !self.refreshed {
            self.refresh()?;
        }
        let mut unsaved = Vec::new();
        let lookups = self.look_up_all(target_paths, Some(&mut unsaved));
        let found: Option<Vec<TargetInfo>> = lookups
            .iter()
            .map(|lookup| lookup.as_ref().ok().and_then(Clone::clone))
            .collect();
        let downloads = match found {
            Some(infos) => self
                .download_targets_saving(&infos, target_dir, target_base_url, &unsaved)?
                .into_iter()
                .map(Some)
                .collect(),
            None => {
                for u in &unsaved {
                    u.save(&self.set, &self.cache, &self.config)?;
                }
                lookups.iter().map(|_| None).collect::<Vec<_>>()
            }
        };
        Ok(lookups
            .into_iter()
            .zip(downloads)
            .map(|(lookup, download)| PathDownload { lookup, download })
            .collect())
    }
}
