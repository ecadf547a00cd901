//! introskip: find the intro of TV-series episodes, correct it, export it as chapters.
//!
//! The folders tell the pipeline: [`video`] (probe, 1 FPS sampling, cuts) → [`encoder`] (one
//! embedding per second) → [`features`] (the per-second channels the model reads) → [`model`]
//! (transformer + CRF → typed segments) → [`segments`] (the label model) → [`formats`] (chapter
//! and label files, remux). [`service`] is the one use-case layer both front ends call; [`lab`]
//! (evaluation, baseline, training, benchmarks) sits beside the pipeline. The ground floor:
//! [`error`], [`fsio`], [`paths`], [`settings`], [`clock`], [`image_ops`]. Data flows one way: a module
//! imports only from the floors below it (checked by the `layers` test). The front ends —
//! [`cli`] and the `gui` — import the library and never each other; `main.rs` chooses one.

pub mod clock;
pub mod error;
pub mod fsio;
pub mod image_ops;
pub mod paths;
pub mod settings;
pub mod words;

pub mod video;
pub mod encoder;
pub mod features;
pub mod model;
pub mod segments;
pub mod formats;
pub mod service;
pub mod lab;

pub mod cli;
#[cfg(feature = "gui")]
pub mod gui;

pub use error::{Error, Result};
