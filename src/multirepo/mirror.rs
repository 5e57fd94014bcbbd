//! Mirror fallback for metadata: a [`Fetcher`] that tries each mirror of a repository in
//! order.
//!
//! The updater of a repository knows one metadata base URL: the first mirror's. This fetcher
//! sits between it and the real fetcher. A URL under that base is fetched from the first
//! mirror; when that fails (connection error, HTTP error status such as 404 or 5xx, slow
//! retrieval, more bytes than allowed, or any other error of the transport) the same file is
//! fetched from the next mirror, and so on. Verification is not the fetcher's business: bytes
//! that arrive are handed on and checked by the updater as usual, and a mirror serving bytes
//! that fail verification is not skipped here (targets are different: see
//! [`MultiRepoClient::download_target`](super::MultiRepoClient::download_target)).
//!
//! With more than one mirror, each attempt is received into memory (at most `max_length`
//! bytes, the limit the updater gives) and handed on only once it completed, so a mirror that
//! fails halfway never leaves part of a file in front of the next one's. With a single mirror
//! the transfer goes straight through.

use crate::error::{Error, Result};
use crate::fetch::{fetch_limited, is_not_found, Fetcher};

/// A fetcher trying the mirrors of one repository in order.
pub(crate) struct MirrorFetcher {
    inner: Box<dyn Fetcher>,
    /// The metadata base URL of each mirror, each ending in `/`; the first is the one the
    /// updater is configured with.
    bases: Vec<String>,
}

impl MirrorFetcher {
    /// `bases` must not be empty; each must end with `/`.
    pub(crate) fn new(inner: Box<dyn Fetcher>, bases: Vec<String>) -> MirrorFetcher {
        MirrorFetcher { inner, bases }
    }
}

impl Fetcher for MirrorFetcher {
    fn fetch(
        &mut self,
        url: &str,
        max_length: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let rest = match self
            .bases
            .first()
            .and_then(|b| url.strip_prefix(b.as_str()))
        {
            Some(rest) if self.bases.len() > 1 => rest.to_string(),
            _ => return self.inner.fetch(url, max_length, sink),
        };
        // When every mirror fails: a "not found" answer if any mirror gave one (it is an
        // answer about the file, where the other failures are about the mirror), else the
        // first mirror's error.
        let mut first_error: Option<Error> = None;
        let mut not_found: Option<Error> = None;
        for base in &self.bases {
            let mirror_url = format!("{base}{rest}");
            let mut body = Vec::new();
            let attempt = fetch_limited(self.inner.as_mut(), &mirror_url, max_length, &mut |c| {
                body.extend_from_slice(c);
                Ok(())
            });
            match attempt {
                Ok(_) => return sink(&body),
                Err(e) if is_not_found(&e) => {
                    not_found.get_or_insert(e);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(not_found
            .or(first_error)
            .unwrap_or_else(|| Error::State("no mirror to fetch from".into())))
    }
}
