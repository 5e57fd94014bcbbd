//! The TUF client updater: downloading metadata and targets from a repository.
//!
//! - [`fetcher`]: the transport layer, with byte limits and slow-retrieval protection.

pub mod fetcher;
