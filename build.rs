//! Link settings of the shared library on Linux and the BSDs:
//! - the SONAME `libtuf.so.MAJOR` (`libtuf.so.0` before 1.0), so that programs link against the
//!   ABI version rather than a file name;
//! - on Linux, the version script `abi/libtuf.map`: every exported function carries a symbol
//!   version (`TUF_0.1`, ...) and nothing but the `tuf_*` functions is exported. It is applied
//!   through the linker `abi/link-cc.sh` that `.cargo/config.toml` sets (see there and
//!   docs/ABI.md): without it the library is linked as rustc alone would, and a warning says so.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=abi/libtuf.map");
    println!("cargo:rerun-if-changed=abi/link-cc.sh");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "android" || target_os.ends_with("bsd") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtuf.so.{major}");
    }
    if target_os == "linux" {
        version_script();
    }
}

fn version_script() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let map = Path::new(&dir).join("abi").join("libtuf.map");
    // Cargo tells build scripts the linker it configured for the target.
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_default();
    if !Path::new(&linker).ends_with("abi/link-cc.sh") {
        println!(
            "cargo:warning=libtuf.so is linked without the symbol versions of abi/libtuf.map: \
             the linker is '{linker}', not abi/link-cc.sh (.cargo/config.toml, read when cargo runs \
             in this source tree)"
        );
        return;
    }
    let map = map.display().to_string();
    // -Wl, splits its argument at commas.
    assert!(
        !map.contains(','),
        "the source path must not contain a comma: {map}"
    );
    println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={map}");
}
