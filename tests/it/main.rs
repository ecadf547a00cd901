//! introskip's integration tests, in one binary (one link step). Fixtures are small media files the
//! tests make with the ffmpeg CLI; oracles are independent tools (ffprobe, the ffmpeg CLI, Pillow).

mod audio;
mod bad_input;
mod cli;
mod clip;
mod common;
mod credits;
mod encoder;
mod eval;
mod export;
mod gui;
mod hostile;
mod import;
mod layers;
mod model;
#[cfg(feature = "ocr")]
mod ocr;
mod preprocess;
mod preview;
mod sampling;
mod scan;
mod search;
mod synth;
