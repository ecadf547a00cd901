//! What a season's last scan did, kept in the cache: the files it saw, the settings it judged
//! with, the hand-offs it wrote and what failed. Compared with what is there now, it says what
//! to do: nothing, write hand-offs only, or judge the season again.

use super::{ScanOptions, Season};
use crate::encoder::FrameEncoder;
use crate::error::{io_error, Result};
use crate::model::IntroModel;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a season's last scan saw: each episode's size and modification time, and the settings
/// its outputs were made with. Equal again: nothing to do.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct SeasonRecord {
    /// What the judgement depends on besides the episodes ([`stamps`]).
    pub(super) stamp: String,
    /// The hand-offs asked for and where they go: a change writes them from the sidecars
    /// without judging the season again.
    #[serde(default)]
    pub(super) handoffs: String,
    /// Each episode: path, size and modification time, and the same of its sidecar (a human's
    /// edit in the app changes what the hand-offs must carry).
    pub(super) episodes: Vec<(String, (u64, i128), (u64, i128))>,
    /// Episodes whose file (or saved labels) could not be read, and why: said again while
    /// nothing changes, instead of the season being judged again every scan (an outside trial:
    /// one truncated file rewrote its season's hand-offs on each scan of an unchanged library).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) failed: Vec<(String, String)>,
    /// The hand-offs written for each episode (not its sidecar, nor the episode itself): those of
    /// an episode no longer in the season (deleted, renamed) are removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) outputs: Vec<(String, Vec<String>)>,
    /// What was said of a human's labels (made on other media, matching no episode): said
    /// again while nothing changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) warnings: Vec<(String, String)>,
}

impl SeasonRecord {
    /// The same files and settings (what failed there is not compared: it follows from them).
    pub(super) fn same(&self, other: &SeasonRecord) -> bool {
        // (A record from before the hand-offs had a field of their own is the same too: the
        // first scan after that change would otherwise judge a whole library again.)
        self.judged_as(other) && self.handoffs_asked() == other.handoffs && self.episodes == other.episodes
    }

    /// The hand-offs this record's outputs were made for (a record from before they had a field
    /// of their own: the end of its stamp, so that the first scan after does not write them all
    /// again).
    pub(super) fn handoffs_asked(&self) -> &str {
        if !self.handoffs.is_empty() {
            return &self.handoffs;
        }
        self.stamp.find(" · handoffs ").map_or("", |at| &self.stamp[at + " · ".len()..])
    }

    /// Judged with the same settings as `now` would be. A record from before the hand-offs had
    /// a field of their own held them at the end of its stamp.
    pub(super) fn judged_as(&self, now: &SeasonRecord) -> bool {
        self.stamp == now.stamp || self.stamp.strip_prefix(&now.stamp).is_some_and(|rest| rest.starts_with(" · handoffs "))
    }

    /// Where only hand-offs need writing, the episodes whose: the same media judged with the
    /// same settings, every episode that was read still with its sidecar, and either other
    /// hand-offs asked for (all of them) or sidecars a human changed in the app (theirs). None:
    /// the season is judged (or nothing is to be done).
    pub(super) fn rewrite_only(&self, now: &SeasonRecord) -> Option<Vec<usize>> {
        if !self.judged_as(now) || self.episodes.len() != now.episodes.len() {
            return None;
        }
        let failed = |path: &str| self.failed.iter().any(|(f, _)| f == path);
        let mut which = Vec::new();
        for (i, (b, n)) in self.episodes.iter().zip(&now.episodes).enumerate() {
            if b.0 != n.0 || b.1 != n.1 || (n.2 == (0, 0) && !failed(&n.0)) {
                return None;
            }
            if failed(&n.0) {
                // A failed episode's labels changed (a human fixed them): judged again.
                if b.2 != n.2 {
                    return None;
                }
            } else if self.handoffs_asked() != now.handoffs || b.2 != n.2 {
                which.push(i);
            }
        }
        (!which.is_empty()).then_some(which)
    }
}

impl SeasonRecord {
    /// This record with the episodes of `retry` marked to be tried again next time: their
    /// hand-offs written again from their labels (`false`), or judged again (`true`; a path
    /// unknown: the whole season). The rest keeps what was done.
    pub(super) fn to_retry(mut self, retry: &[(PathBuf, bool)]) -> SeasonRecord {
        const AGAIN: (u64, i128) = (u64::MAX, -1);
        for (path, judge) in retry {
            let name = path.to_string_lossy();
            for e in self.episodes.iter_mut().filter(|e| path.as_os_str().is_empty() || e.0 == name) {
                if *judge {
                    e.1 = AGAIN;
                } else {
                    e.2 = AGAIN;
                }
            }
        }
        self
    }
}

/// Whether the labels of an episode a warning said were made on other media now name it (a
/// human saved them in the app).
pub(super) fn confirmed(path: &Path) -> bool {
    crate::paths::has_media_extension(path) && crate::segments::read_saved(path).ok().flatten().is_some_and(|l| l.media.is_some() && l.media == crate::segments::MediaId::of(path).ok())
}

pub(super) fn record_path(season: &Season, library: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(library).unwrap_or_else(|_| library.to_path_buf());
    let key = format!("{}\u{0}{}", abs.to_string_lossy(), season.key);
    crate::paths::cache_dir().join("scan").join(format!("{:016x}.json", crate::fsio::fnv64(key.as_bytes())))
}

pub(super) fn current_record(season: &Season, (stamp, handoffs): &(String, String)) -> SeasonRecord {
    let stat = |p: &Path| {
        let meta = std::fs::metadata(p).ok();
        let size = meta.as_ref().map_or(0, |m| m.len());
        let mtime = meta.and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i128);
        (size, mtime)
    };
    let episodes = season
        .episodes
        .iter()
        .map(|p| {
            let sidecar = [crate::segments::sidecar_path(p), crate::segments::fallback_sidecar(p)].into_iter().find(|s| s.exists());
            (p.to_string_lossy().into_owned(), stat(p), sidecar.map_or((0, 0), |s| stat(&s)))
        })
        .collect();
    SeasonRecord { stamp: stamp.clone(), handoffs: handoffs.clone(), episodes, failed: Vec::new(), outputs: Vec::new(), warnings: Vec::new() }
}

/// What the outputs depend on besides the episodes: what the judgement does (model, encoder,
/// window, …), and the hand-offs and where they go.
pub(super) fn stamps(model: &IntroModel, encoder: &dyn FrameEncoder, options: &ScanOptions) -> (String, String) {
    let members: Vec<&str> = model.manifest.members.iter().map(|m| m.sha256.as_str()).collect();
    let mut handoffs = options.handoffs.clone();
    handoffs.sort();
    let handoffs: Vec<&str> = handoffs.iter().map(|h| h.name()).collect();
    let out = if options.in_place { "in place".to_string() } else { options.out.as_ref().map_or(String::new(), |o| o.display().to_string()) };
    // The tail joined the stamp with credits detection: a library scanned before is judged again
    // once, and gains its credits.
    // The encoder's version too: a new descriptor (version 2 cuts bars that carry a logo) judges
    // the library again even where the model's members did not change.
    // And the versions of the text cues (the credits rule reads them) and of season judgement:
    // a rule that changed judges the library again.
    // And whether Tesseract reads here: season judgement keeps or finds intros by the series'
    // title, and the credits rule reads what follows them; a library scanned without it is
    // judged again once it is installed.
    let ocr = if crate::features::ocr::Ocr::new().is_ok() { "on" } else { "off" };
    let judge = format!(
        "model {} · encoder {} v{} · text v{} · judge v{} · ocr {ocr} · window {} · tail {}",
        members.join(","),
        encoder.id(),
        encoder.version(),
        crate::features::cache::TEXT_CUE_VERSION,
        crate::model::season::JUDGE_VERSION,
        options.window_s,
        options.tail,
    );
    (judge, format!("handoffs {} · out {out}", handoffs.join(",")))
}

/// Whether `file`'s hand-offs from the last scan are what this one would write, given labels
/// that did not change: the same hand-offs asked for, the same file and sidecar, and every
/// output still there.
pub(super) fn handoffs_current(before: &SeasonRecord, now: &SeasonRecord, file: &Path, in_place: bool) -> bool {
    let name = file.to_string_lossy();
    let stat = |r: &SeasonRecord| r.episodes.iter().find(|e| e.0 == name).map(|e| (e.1, e.2));
    let outputs = before.outputs.iter().find(|(f, _)| *f == name).map_or(&[][..], |(_, o)| o.as_slice());
    // (In place, the episode itself is the output: its size and time as the last scan left it.)
    before.handoffs_asked() == now.handoffs && stat(before).is_some() && stat(before) == stat(now) && (in_place || !outputs.is_empty()) && outputs.iter().all(|p| Path::new(p).exists())
}

/// Each episode of the season with the hand-offs written for it, now and before (an episode
/// never loses what was written for it while it is here: when it goes, all of it goes).
pub(super) fn outputs_now(season: &Season, before: Option<&SeasonRecord>, handed: &[(PathBuf, Vec<PathBuf>)]) -> Vec<(String, Vec<String>)> {
    season
        .episodes
        .iter()
        .filter_map(|e| {
            let name = e.to_string_lossy().into_owned();
            let mut files: Vec<String> = before.and_then(|b| b.outputs.iter().find(|(f, _)| *f == name)).map(|(_, o)| o.clone()).unwrap_or_default();
            for (_, written) in handed.iter().filter(|(f, _)| f == e) {
                // Never the episode itself (replaced in place).
                files.extend(written.iter().filter(|w| *w != e).map(|w| w.to_string_lossy().into_owned()));
            }
            files.sort();
            files.dedup();
            (!files.is_empty()).then_some((name, files))
        })
        .collect()
}

pub(super) fn write_record(record_file: &Path, record: &SeasonRecord) -> Result<()> {
    if let Some(dir) = record_file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    }
    crate::fsio::write_atomic(record_file, |w| serde_json::to_writer(w, record).map_err(std::io::Error::other))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_says_what_to_do_again_and_reads_records_from_before_hand_offs_had_a_field() {
        let ep = |media: i128, labels: i128| vec![("a.mkv".to_string(), (1u64, media), (3u64, labels))];
        let now = SeasonRecord { stamp: "model x · window 180 · tail 25%".into(), handoffs: "handoffs kodi · out ".into(), episodes: ep(2, 4), ..Default::default() };
        let old = SeasonRecord { stamp: "model x · window 180 · tail 25% · handoffs kodi · out ".into(), episodes: ep(2, 4), ..Default::default() };
        assert!(old.same(&now), "nothing to do after the upgrade");
        // Other hand-offs asked for, or labels edited: written again, not judged.
        let other = SeasonRecord { handoffs: "handoffs jellyfin,kodi · out /x".into(), ..now.clone() };
        assert!(!old.same(&other) && old.rewrite_only(&other) == Some(vec![0]));
        assert_eq!(now.rewrite_only(&SeasonRecord { episodes: ep(2, 5), ..now.clone() }), Some(vec![0]));
        // The file changed, or other judgement settings: judged again.
        assert_eq!(now.rewrite_only(&SeasonRecord { episodes: ep(9, 4), ..now.clone() }), None);
        assert_eq!(now.rewrite_only(&SeasonRecord { stamp: "model y · window 180 · tail 25%".into(), ..now.clone() }), None);
        // What failed: its hand-offs written again, or (whose unknown) the season judged again.
        let marked = now.clone().to_retry(&[(PathBuf::from("a.mkv"), false)]);
        assert!(!marked.same(&now) && marked.rewrite_only(&now) == Some(vec![0]));
        let marked = now.clone().to_retry(&[(PathBuf::new(), true)]);
        assert!(!marked.same(&now) && marked.rewrite_only(&now).is_none());
    }
}
