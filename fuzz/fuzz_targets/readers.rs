//! cargo-fuzz target for every segment reader: the first byte picks the format, the rest is the
//! file. `cargo +nightly fuzz run readers -- -runs=700000` (the test suite runs an in-process
//! equivalent on stable: tests/it/import.rs).
#![no_main]

use introskip::formats::import::{parse_as, Detected};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Detected; 7] = [Detected::Json, Detected::Sis, Detected::Ffmetadata, Detected::MkvXml, Detected::Webvtt, Detected::ResolveEdl, Detected::Edl];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let _ = parse_as(FORMATS[which as usize % FORMATS.len()], &text, std::path::Path::new("fuzz"));
});
