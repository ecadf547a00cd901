//! The use cases, once, for both front ends: analyse and judge a season ([`detect`]), export and
//! remux it ([`export`]). They return typed results and non-fatal [`Note`]s as data; the CLI
//! prints them on stderr, the app shows them in its banner. Nothing here prints, draws or parses
//! arguments.

pub mod detect;
pub mod export;
pub mod index;
pub mod library;
pub mod scan;
pub mod search;

use crate::error::{io_error, Error, Result};
use std::path::{Path, PathBuf};

pub use crate::video::DEFAULT_WINDOW_S;
/// The longest window the model handles without chunking artefacts (its positional table).
pub const MAX_WINDOW_S: u32 = crate::model::MAX_SECONDS as u32;

/// The one check of a window the user gave.
pub fn check_window(window_s: u32) -> Result<u32> {
    match window_s {
        0 => Err(Error::Usage("--window must be at least 1 second".into())),
        w if w > MAX_WINDOW_S * 8 => Err(Error::Usage(format!("--window {w} is longer than {} s; analyse the head of the episode only", MAX_WINDOW_S * 8))),
        w => Ok(w),
    }
}

/// Something the user should know that did not stop the work: sound not used, a cache not
/// written, boundaries not snapped.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub path: Option<PathBuf>,
    pub message: String,
}

impl Note {
    pub fn about(path: &Path, message: impl Into<String>) -> Self {
        Note { path: Some(path.to_path_buf()), message: message.into() }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = crate::error::printable(&self.message);
        match &self.path {
            Some(p) => write!(f, "{}: {message}", crate::error::printable(&p.display().to_string())),
            None => f.write_str(&message),
        }
    }
}

/// Episode files from arguments that may be files, season folders or show folders of seasons;
/// beside them, one error per argument that gives no episode (a folder without video files).
/// Files are taken as given: whatever is wrong with one is found, and named, when it is read,
/// and does not stop the others.
pub fn episodes_from(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut media = Vec::new();
    let mut failures = Vec::new();
    for input in inputs {
        if std::fs::metadata(input).is_ok_and(|m| m.is_dir()) {
            match crate::paths::media_files_under(input) {
                Ok(found) if found.is_empty() => failures.push(Error::input(input, "no video files in this folder (nor in its subfolders)")),
                Ok(found) => media.extend(found),
                Err(e) => failures.push(io_error(input, e)),
            }
        } else {
            media.push(input.clone());
        }
    }
    (media, failures)
}

/// The name an episode goes by in outputs: its file name without the extension.
pub fn episode_stem(file: &Path) -> String {
    file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_longest_tail_is_the_longest_head_window() {
        // features::tail cannot read the model's limit (it sits below it): the two are held equal here.
        assert_eq!(crate::features::tail::MAX_TAIL_S, super::MAX_WINDOW_S * 8);
    }
}
