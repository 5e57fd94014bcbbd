//! libtuf: a client library and metadata verifier for The Update Framework (TUF 1.0).
//!
//! Layers, from the bottom up:
//! - [`json`]: strict JSON parsing and canonical JSON (securesystemslib's `encode_canonical`).
//! - [`crypto`]: public keys, signature verification and signing, hashing.
//! - [`metadata`]: the typed TUF metadata model.
//! - [`verify`]: the trusted metadata set, every check of the client workflow, pure and I/O-free.
//! - [`fetch`]: the transport: the [`fetch::Fetcher`] trait, the byte limit every download goes
//!   through, the libcurl fetcher, and fetching a targets role within its trusted length.
//! - [`updater`]: the client updater: the workflow over a fetcher and a local cache.
//! - [`multirepo`]: several repositories that must agree on targets (TAP 4), one updater
//!   each.
//! - [`ffi`]: the C ABI over all of the above.

pub mod crypto;
pub mod error;
pub mod fetch;
pub mod ffi;
pub mod json;
pub mod metadata;
pub mod multirepo;
pub mod updater;
pub mod verify;

pub use error::{Error, ErrorKind, Result};

/// The code blocks of README.md, compiled as doctests so the README stays true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
