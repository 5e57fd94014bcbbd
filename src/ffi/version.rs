//! The library version.

use std::ffi::c_char;

/// The library version, e.g. "0.1.0" (static, NUL-terminated). Compare with the
/// `TUF_VERSION_*` macros of the header the program was compiled against.
#[no_mangle]
pub extern "C" fn tuf_version() -> *const c_char {
    super::boundary::value(std::ptr::null(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}
