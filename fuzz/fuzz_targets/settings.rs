//! cargo-fuzz target for the settings file: any bytes give settings or an error.
//! `cargo +nightly fuzz run settings -- -runs=100000`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<introskip::settings::Settings>(data);
});
