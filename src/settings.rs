//! User settings that outlive a session: `$XDG_CONFIG_HOME/introskip/settings.json` (or
//! `INTROSKIP_CONFIG`), written atomically. A damaged file is reported and replaced by defaults,
//! never fatal.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// CLIP image-tower weights chosen by the user; None: the embedded encoder.
    pub clip_weights: Option<PathBuf>,
    /// Recently opened episodes and seasons, newest first.
    pub recent: Vec<PathBuf>,
    /// Detection window in seconds (0: the default, 180).
    pub window_s: u32,
    /// The end of each episode analysed for credits, as `--tail` takes it ("25%", "300", "off");
    /// None: the default, the last 25 % capped at 10 minutes.
    pub tail: Option<String>,
    /// Export format last used in the app (`mkv-xml`, `ffmetadata`, …).
    pub export_format: Option<String>,
    /// Playback sound muted.
    pub muted: bool,
    /// How the app shows times (HH:MM:SS.mmm, SMPTE or frame number).
    pub time_format: crate::clock::TimeFormat,
    /// The app's last export, as chosen in its dialog (Ctrl+E repeats it, after a restart too).
    pub last_export: Option<LastExport>,
    /// The library folder the app's search panel looks in, once chosen.
    pub search_library: Option<PathBuf>,
}

/// An export as the app's dialog chose it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastExport {
    /// The whole season (else the selected episode).
    pub season: bool,
    /// Formats by their command-line names (`mkv-xml`, `edl`, …).
    pub formats: Vec<String>,
    /// None: beside each episode.
    pub folder: Option<PathBuf>,
    /// Chapter titles Opening / Ending (mpv) instead of Intro / Credits.
    pub opening_ending: bool,
    pub remux: bool,
}

/// How many recent paths are remembered.
pub const RECENT: usize = 10;

impl Settings {
    /// Put `path` first in the recent list.
    pub fn remember(&mut self, path: &std::path::Path) {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        // JSON holds only UTF-8 names: one that is not would make every later save fail.
        if abs.to_str().is_none() {
            return;
        }
        self.recent.retain(|p| *p != abs);
        self.recent.insert(0, abs);
        self.recent.truncate(RECENT);
    }
}

pub fn settings_path() -> PathBuf {
    match std::env::var_os("INTROSKIP_CONFIG") {
        Some(p) => PathBuf::from(p),
        None => crate::paths::xdg_base("XDG_CONFIG_HOME", ".config").join("introskip").join("settings.json"),
    }
}

impl Settings {
    /// The saved settings; defaults when there are none or they cannot be read.
    pub fn load() -> Self {
        Self::load_checked().0
    }

    /// The saved settings, and a warning for the front end to show when the file exists but
    /// cannot be used (the defaults are used then, and the file is left as it is).
    pub fn load_checked() -> (Self, Option<String>) {
        let path = settings_path();
        if !path.exists() {
            return (Settings::default(), None);
        }
        let parsed = crate::fsio::read_bounded(&path, 1 << 20)
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| Error::input(&path, format!("unreadable settings ({e})"))));
        match parsed {
            Ok(s) => (s, None),
            Err(e) => (Settings::default(), Some(format!("{e}; using defaults"))),
        }
    }

    pub fn save(&self) -> Result<()> {
        self.save_to(&settings_path())
    }

    pub fn save_to(&self, path: &std::path::Path) -> Result<()> {
        let path = path.to_path_buf();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
        }
        // JSON holds only UTF-8 names: a folder or weights file whose name is not is used this
        // session but not written, so the rest (recent files, window, tail, mute) still saves.
        let mut kept = self.clone();
        let utf8 = |p: &Option<PathBuf>| p.as_ref().is_none_or(|p| p.to_str().is_some());
        if !utf8(&kept.clip_weights) {
            kept.clip_weights = None;
        }
        if !utf8(&kept.search_library) {
            kept.search_library = None;
        }
        if let Some(last) = kept.last_export.as_mut().filter(|l| !utf8(&l.folder)) {
            last.folder = None;
        }
        kept.recent.retain(|p| p.to_str().is_some());
        let json = serde_json::to_vec_pretty(&kept).map_err(|e| Error::internal(e.to_string()))?;
        crate::fsio::write_atomic(&path, |w| w.write_all(&json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_folder_whose_name_is_not_utf8_does_not_stop_the_settings_saving() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
        let file = dir.path().join("settings.json");
        let s = Settings {
            window_s: 240,
            muted: true,
            clip_weights: Some(odd.join("vit.pt")),
            search_library: Some(odd.clone()),
            last_export: Some(LastExport { folder: Some(odd.clone()), formats: vec!["edl".into()], ..Default::default() }),
            ..Default::default()
        };
        s.save_to(&file).unwrap();
        let back: Settings = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!((back.window_s, back.muted), (240, true));
        assert_eq!((back.clip_weights, back.search_library), (None, None));
        assert_eq!(back.last_export.map(|l| (l.folder, l.formats)), Some((None, vec!["edl".to_string()])));
    }

    #[test]
    fn a_name_that_is_not_utf8_is_not_remembered_and_saving_goes_on() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        settings.remember(&dir.path().join("Season 1"));
        settings.remember(&dir.path().join(std::ffi::OsStr::from_bytes(b"Caf\xe9 S01E01.mkv")));
        assert_eq!(settings.recent.len(), 1);
        let file = dir.path().join("settings.json");
        settings.save_to(&file).unwrap();
        settings.remember(&dir.path().join("Season 2"));
        settings.save_to(&file).unwrap();
        let saved: Settings = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(saved.recent.len(), 2);
    }
}
