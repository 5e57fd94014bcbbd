//! Offline mode ([`UpdaterConfig::offline`]): the pieces the workflow in `mod.rs` uses to read
//! the cache only, and the fetcher that stands in for the network.

use super::cache::MetadataCache;
use super::{LogLevel, UpdaterConfig};
use crate::error::{Error, Result};
use crate::fetch::Fetcher;
use crate::metadata::{DateTime, Signed};

/// The fetcher of an offline updater: refuses every request, so that no code path can reach
/// the network (target downloads fail with [`Error::Offline`]).
#[derive(Debug)]
pub(super) struct OfflineFetcher;

impl Fetcher for OfflineFetcher {
    fn fetch(
        &mut self,
        url: &str,
        _max_length: u64,
        _sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        Err(Error::Offline(format!(
            "the updater makes no network request: {url} was not downloaded"
        )))
    }

    fn is_transient(&self, _error: &Error) -> bool {
        false
    }
}

/// A read of the cached `what`, as the workflow uses it: a store that failed counts as
/// nothing cached (logged; the file is fetched again), but offline the failure is the error.
pub(super) fn usable(
    config: &UpdaterConfig,
    read: Result<Option<Vec<u8>>>,
    what: &str,
) -> Result<Option<Vec<u8>>> {
    match read {
        Ok(data) => Ok(data),
        Err(e) if config.offline => Err(e),
        Err(e) => {
            config.log(LogLevel::Warn, || {
                format!("cached {what} not used, the store failed: {e}")
            });
            Ok(None)
        }
    }
}

/// The error of an offline updater whose cache lacks `role`'s metadata.
pub(super) fn not_cached(cache: &MetadataCache, role: &str) -> Error {
    Error::Offline(format!(
        "the metadata cache has no usable {} (missing, or larger than its limit): refresh \
         online to fill it",
        cache.describe(role)
    ))
}

/// `data`, the cached metadata of `role` an offline refresh needs, or the error saying it is
/// missing.
pub(super) fn required(
    cache: &MetadataCache,
    role: &str,
    data: Option<Vec<u8>>,
) -> Result<Vec<u8>> {
    data.ok_or_else(|| not_cached(cache, role))
}

/// Logs a warning when `signed`, just accepted, is expired at `reference`: only
/// [`UpdaterConfig::offline_accept_expired_unsafe`] lets that happen.
pub(super) fn warn_if_expired<T: Signed>(
    config: &UpdaterConfig,
    reference: DateTime,
    signed: &T,
    role: &str,
) {
    if signed.is_expired(reference) {
        config.log(LogLevel::Warn, || {
            format!(
                "{role} expired at {}: accepted only because offline_accept_expired_unsafe is \
                 set (no protection against freeze attacks)",
                signed.expires()
            )
        });
    }
}
