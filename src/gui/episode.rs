//! One episode as the app holds it: its analysis' progress and answer, the labels being
//! corrected, and what the timeline shows of it (thumbnails, cuts, the whole-episode strip).

use super::{edit, lanes};
use eframe::egui;
use std::path::PathBuf;
use std::time::Instant;

/// Where an episode's analysis stands.
pub(super) enum Status {
    Queued,
    Analysing { sampled: usize, encoded: usize, total: usize, started: Instant },
    Done { samples: usize, seconds: f64, cached: bool, note: Option<String> },
    Failed(String),
    Cancelled,
}

impl Status {
    /// How much of an analysis is done (0–1): sampling and encoding count half each. The
    /// embedded encoder keeps pace with sampling; CLIP encodes after it (`Feeding`), and a
    /// share of the samples alone read 100 % through its seconds of encoding.
    pub(super) fn done_share(sampled: usize, encoded: usize, total: usize) -> f64 {
        let total = total.max(1) as f64;
        ((sampled as f64).min(total) + (encoded as f64).min(total)) / (2.0 * total)
    }
}

pub(super) struct Episode {
    pub(super) path: PathBuf,
    pub(super) status: Status,
    pub(super) thumbnails: Vec<(u32, egui::TextureHandle)>,
    pub(super) detection: Option<crate::model::Detection>,
    /// The labels being corrected (recovered from the sidecar on open).
    pub(super) editor: edit::Editor,
    pub(super) playhead_s: f64,
    /// Shot cuts found so far (seconds, sorted).
    pub(super) cuts: Vec<f64>,
    /// Where the picture comes out of black (a fade, a black leader), found with the cuts: the
    /// next place an edge snaps to where no cut is near, as `detect` snaps.
    pub(super) out_of_black: Vec<f64>,
    /// The stretches searched for cuts and ends of black so far.
    pub(super) cuts_searched: Vec<(f64, f64)>,
    /// The whole episode at a glance (zoomed all the way out): its length, and a thumbnail
    /// every `step` seconds, made in the background when first shown.
    pub(super) overview: Overview,
    /// The frame rate, the waveform and the zoomed-in frames, made in the background ([`lanes`]).
    pub(super) lanes: lanes::Lanes,
    /// The end of the episode as analysed (credits, preview, a post-credits scene).
    pub(super) tail: Option<crate::service::detect::Tail>,
    /// The tail's seconds sampled at 1 FPS (from just before the credits in a long tail): the
    /// timeline's rows after the head's at every zoom level.
    pub(super) tail_thumbnails: Vec<(u32, egui::TextureHandle)>,
    /// Opened alone: being judged again with this many episodes of its folder (said until the
    /// answer comes).
    pub(super) checking: Option<super::worker::Checking>,
    /// What season judgement said about this episode ("no intro: the model's 1:30–2:00 repeats
    /// in no other episode…"): why the intro is where it is, or absent.
    pub(super) judgement: Vec<String>,
    /// What the season's end theme said about the tail ("end credits found by their sound …").
    pub(super) tail_said: Vec<String>,
    /// Where the season kept no intro: the confidence of the one the model sees judging the
    /// episode alone (a disagreement that puts the episode in the review queue's front).
    pub(super) alone_intro: Option<f64>,
    /// Why the end of the episode could not be analysed (said under it).
    pub(super) tail_missing: Option<String>,
    /// A cancel stopped what follows the head (the tail, the check against its folder or its
    /// title): Resume analysis takes the episode up again, as it does a cancelled one.
    pub(super) unfinished: bool,
    /// An answer that came while the intro stood edited by hand and differs from it by more
    /// than a second: the edit as it stood then (ms) and the model's intro (s). Said while the
    /// edit stands unchanged; an edit made after the answer is the labeller's reply to it.
    pub(super) late_answer: Option<((u64, u64), (f64, f64))>,
    /// The model's intro in the last answer taken since the episode was opened (None inside:
    /// that answer had none); None before the first. An answer that repeats it is no news.
    pub(super) seen_answer: Option<Option<(f64, f64)>>,
    /// The labels saved for it could not be read when it was opened: that file is set aside
    /// before anything is saved over it.
    pub(super) labels_unreadable: bool,
}

#[derive(Default)]
pub(super) struct Overview {
    pub(super) started: bool,
    /// Its thread has ended (every thumbnail sent, or the file stopped decoding).
    pub(super) finished: bool,
    pub(super) duration_s: Option<f64>,
    pub(super) step: u32,
    pub(super) thumbnails: Vec<(u32, egui::TextureHandle)>,
}

/// What the overview thread reports.
pub(super) enum OverviewMsg {
    Length { duration_s: f64, step: u32 },
    Thumbnail(u32, image::RgbImage),
    Done,
}

/// About this many thumbnails make the whole-episode strip.
pub(super) const OVERVIEW_THUMBNAILS: f64 = 80.0;

impl Episode {
    /// A file just opened: queued for analysis, with the labels its sidecar holds.
    pub(super) fn new(path: PathBuf, editor: edit::Editor) -> Self {
        Episode { path, status: Status::Queued, thumbnails: Vec::new(), detection: None, editor, playhead_s: 0.0, cuts: Vec::new(), out_of_black: Vec::new(), cuts_searched: Vec::new(), overview: Overview::default(), lanes: Default::default(), tail: None, tail_thumbnails: Vec::new(), checking: None, judgement: Vec::new(), tail_said: Vec::new(), alone_intro: None, tail_missing: None, unfinished: false, late_answer: None, seen_answer: None, labels_unreadable: false }
    }

    /// The model's answer (the first, or one after a check or the season's re-judgement): into
    /// the labels where no human decided, and remembered beside an intro edited by hand that it
    /// differs from by more than a second — where it is news: the model's intro moved since the
    /// last answer taken, or this is the first answer and the intro was edited since the episode
    /// was opened. The season re-judged sends every episode its answer again, and an intro
    /// edited in an earlier session was that answer's correction: said as "came after your
    /// edit", it read as the model changing its mind (an outside trial, after reopening a season).
    pub(super) fn take_answer(&mut self, detection: crate::model::Detection) {
        let model = detection.intros.first().map(|m| (m.start, m.end));
        let moved = match (self.seen_answer, model) {
            (Some(Some((a, b))), Some((c, d))) => (a - c).abs() > 1.0 || (b - d).abs() > 1.0,
            (Some(None), Some(_)) => true,
            (None, Some(_)) => self.editor.intro_edited_since_opened(),
            (_, None) => false,
        };
        self.seen_answer = Some(model);
        let edited = self.editor.intro().filter(|s| s.source == crate::segments::Source::HumanEdited);
        let differs = edited.zip(model).and_then(|(yours, (start, end))| {
            let (s, e) = (yours.start_ms as f64 / 1000.0, yours.end_ms as f64 / 1000.0);
            ((start - s).abs() > 1.0 || (end - e).abs() > 1.0).then_some(((yours.start_ms, yours.end_ms), (start, end)))
        });
        if moved || differs.is_none() {
            self.late_answer = differs;
        }
        self.editor.merge_detection(&detection);
        self.detection = Some(detection);
    }

    /// What Resume analysis takes up: cancelled before its answer, or after it.
    pub(super) fn resumable(&self) -> bool {
        matches!(self.status, Status::Cancelled) || self.unfinished
    }

    pub(super) fn name(&self) -> String {
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

#[cfg(test)]
mod done_share_tests {
    use super::Status;

    #[test]
    fn a_window_sampled_but_not_yet_encoded_reads_half_done() {
        // CLIP holds the window until sampling ends: 180 sampled, none encoded is half the work.
        assert_eq!(Status::done_share(180, 0, 180), 0.5);
        assert_eq!(Status::done_share(180, 96, 180), (180.0 + 96.0) / 360.0);
        // The embedded encoder keeps pace; a total not yet known counts as one.
        assert_eq!(Status::done_share(90, 80, 180), 170.0 / 360.0);
        assert_eq!(Status::done_share(0, 0, 0), 0.0);
        assert_eq!(Status::done_share(200, 200, 180), 1.0);
    }
}
