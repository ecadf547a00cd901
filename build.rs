//! With the `tch` feature, bake libtorch's folder into the binary's rpath so it runs without
//! LD_LIBRARY_PATH (scripts/setup-libtorch.sh puts libtorch in the cache and sets LIBTORCH).
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if std::env::var_os("CARGO_FEATURE_TCH").is_some() {
        if let Some(dir) = std::env::var_os("LIBTORCH") {
            let lib = std::path::Path::new(&dir).join("lib");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
        }
    }
}
