//! Generates `include/remote_rendering.h` from this crate's source with cbindgen (the header is
//! committed; `bindings/c/test.sh` fails when a build changes it). The version macros come
//! from the crate's version, so the header and the library always agree. On Linux the shared
//! library gets a versioned SONAME (`libremote_rendering.so.0.1` while the version is 0.x, where a
//! new minor version may change the ABI; `.so.MAJOR` from 1.0 on), so programs linked against it
//! record the ABI they need and several versions can be installed side by side.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let header = crate_dir.join("../../include/remote_rendering.h");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed={}", header.display());

    let v = |part: &str| std::env::var(format!("CARGO_PKG_VERSION_{part}")).expect("cargo sets it");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let abi = if v("MAJOR") == "0" {
            format!("0.{}", v("MINOR"))
        } else {
            v("MAJOR")
        };
        // Only the cdylib: the staticlib has no SONAME.
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libremote_rendering.so.{abi}");
    }

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is readable");
    // cbindgen writes no string constant, so the default size is written here (the binding's
    // tests check it against the core's DEFAULT_SESSION_SIZE).
    config.after_includes = Some(format!(
        "\n/* The version of this header; rr_version() gives the library's. */\n\
         #define RR_VERSION_MAJOR {}\n#define RR_VERSION_MINOR {}\n#define RR_VERSION_PATCH {}\n\
         #define RR_VERSION_STRING \"{}\"\n\n\
         /** The size a session gets when none is given. */\n\
         #define RR_DEFAULT_SESSION_SIZE \"Standard\"\n",
        v("MAJOR"),
        v("MINOR"),
        v("PATCH"),
        std::env::var("CARGO_PKG_VERSION").expect("cargo sets it"),
    ));
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the crate");
    std::fs::create_dir_all(header.parent().expect("include/")).expect("include/ can be made");
    bindings.write_to_file(&header);
}
