//! cargo-fuzz target for the TorchScript unpickler (OpenAI's `.pt` weights): any `data.pkl` must
//! give tensors or an error. `cargo +nightly fuzz run torchscript -- -runs=100000` (the test suite
//! runs an in-process equivalent on stable: tests/it/import.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = introskip::encoder::torchscript::tensors_in_pickle(data);
});
