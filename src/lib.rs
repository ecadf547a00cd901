//! introskip: find the intro of TV-series episodes, correct it, export it as chapters.
//!
//! Pipeline stages, one module each: [`video`] (probe and 1 FPS sampling) → encoder → model →
//! segments → export. The GUI ([`gui`]) only draws and sends commands to workers; the CLI ([`cli`])
//! drives the same library for batch work and tests.

pub mod baseline;
pub mod bench;
pub mod cli;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod export;
pub mod image_ops;
pub mod import;
pub mod model;
pub mod paths;
pub mod remux;
pub mod report;
pub mod segments;
pub mod settings;
pub mod video;

#[cfg(feature = "gui")]
pub mod gui;

pub use error::{Error, Result};
