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
}

pub fn settings_path() -> PathBuf {
    match std::env::var_os("INTROSKIP_CONFIG") {
        Some(p) => PathBuf::from(p),
        None => crate::paths::xdg_base("XDG_CONFIG_HOME", ".config").join("introskip").join("settings.json"),
    }
}

impl Settings {
    /// The saved settings; defaults when there are none or they cannot be read (with a warning).
    pub fn load() -> Self {
        let path = settings_path();
        match std::fs::read(&path) {
            Err(_) => Settings::default(),
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                eprintln!("introskip: warning: {}: unreadable settings ({e}); using defaults", path.display());
                Settings::default()
            }),
        }
    }

    pub fn save(&self) -> Result<()> {
        let path = settings_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::internal(e.to_string()))?;
        crate::cli::write_atomic(&path, |w| w.write_all(&json))
    }
}
