//! One error type for the whole pipeline. Its job is to tell the user *which file* is wrong and *what*
//! is wrong with it, in one line, and to map to the CLI's exit codes (1 = bad input, 2 = our bug).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's file (or argument) is unusable: missing, empty, not media, no video, …
    #[error("{}: {}", printable(&path.display().to_string()), printable(message))]
    Input { path: PathBuf, message: String },
    /// A command-line or settings value that makes no sense.
    #[error("{}", printable(.0))]
    Usage(String),
    /// The operation was cancelled by the user; not a failure.
    #[error("cancelled")]
    Cancelled,
    /// Something we did not expect: a bug or a broken installation.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Text quoted from the user's files or names, safe for one line of a terminal: control
/// characters (a newline in a file name, an escape sequence in a label file) are shown escaped.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect())
}

impl Error {
    pub fn input(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Input { path: path.as_ref().to_path_buf(), message: message.into() }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }

    /// Exit status for the CLI: 0 ok, 1 user/input error, 2 internal error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Usage(_) | Error::Cancelled => 1,
            Error::Internal(_) => 2,
        }
    }
}

/// Attach the path to an I/O error so the user sees which file failed.
pub fn io_error(path: impl AsRef<Path>, err: std::io::Error) -> Error {
    let what = match (err.kind(), err.raw_os_error()) {
        (std::io::ErrorKind::NotFound, _) => "no such file or directory".to_string(),
        (std::io::ErrorKind::PermissionDenied, _) => "permission denied".to_string(),
        (_, Some(libc::ELOOP)) => "a loop of symbolic links".to_string(),
        // The system's words without "(os error N)", in the lower case of the rest of the line.
        (_, Some(_)) => {
            let text = err.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
        }
        _ => err.to_string(),
    };
    Error::input(path, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_printable_line() {
        let e = Error::input("new\nline.mp4", "bad title 'In\u{1b}[31mtro\u{7}'");
        let text = e.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.starts_with("new\\nline.mp4: "), "{text}");
    }
}
