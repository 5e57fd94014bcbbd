//! Sets the SONAME of the shared library: `libtuf.so.MAJOR` (`libtuf.so.0` before 1.0), so
//! that programs link against the ABI version rather than a file name.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "android" || target_os.ends_with("bsd") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtuf.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
