//! What libtuf's fuzz targets share: reference implementations that the differential targets
//! compare libtuf against ([`json_ref`], [`fnmatch_ref`]), the record format of the sequence
//! targets ([`records`]), and the demo repository with its keys ([`demo`]).
//!
//! `cargo test` in this directory checks the references themselves (against CPython's
//! `fnmatch` for the glob matcher, against known cases for the JSON oracle).

pub mod demo;
pub mod fnmatch_ref;
pub mod json_ref;
pub mod records;

/// Whether the FUZZ_TRACE environment variable is set: the sequence targets then print what
/// each operation did, to read a reproducer (`FUZZ_TRACE=1 target/.../TARGET FILE`).
pub fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some())
}
