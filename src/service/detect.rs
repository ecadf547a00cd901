//! Analyse episodes and judge them, alone or as a season: the one path from media files to
//! predicted segments, used by `introskip detect` and by the app's analysis worker.

use super::{episode_stem, Note};
use crate::encoder::FrameEncoder;
use crate::error::{Error, Result};
use crate::features::EpisodeFeatures;
use crate::model::snap::Snapper;
use crate::model::{DetectedSegment, Detection, IntroModel};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How episodes are judged.
#[derive(Clone, Copy, Debug)]
pub struct JudgeOptions {
    /// Judge each episode alone even when others of its season are known.
    pub single: bool,
    /// Move boundaries to the nearest shot cut within [`crate::model::snap::SNAP_REACH_S`].
    pub snap: bool,
}

/// The model's answer for one episode of a season.
#[derive(Clone, Debug)]
pub struct Judged {
    pub detection: Detection,
    /// Episodes the judgement saw: this one and the others of its season.
    pub season_episodes: usize,
    pub model_ms: f64,
}

/// Judge every episode in `episodes` (file, features): in season mode each against the others
/// of its season (the same folder, and the same series where the names say:
/// [`crate::paths::same_season`]). Snapping reads the file around each boundary; a file that cannot be read
/// there keeps the model's boundary, with a note.
pub fn judge(episodes: &[(&Path, &EpisodeFeatures)], model: &IntroModel, options: JudgeOptions, snapper: &mut Snapper, notes: &mut Vec<Note>) -> Vec<Judged> {
    episodes
        .iter()
        .enumerate()
        .map(|(i, (file, features))| {
            let season: Vec<&EpisodeFeatures> = if options.single {
                Vec::new()
            } else {
                episodes.iter().enumerate().filter(|(j, (f, _))| *j != i && crate::paths::same_season(f, file)).map(|(_, (_, e))| *e).collect()
            };
            let started = std::time::Instant::now();
            let mut detection = model.detect(features, &season);
            let model_ms = started.elapsed().as_secs_f64() * 1000.0;
            if options.snap {
                if let Err(e) = snapper.snap(file, &mut detection) {
                    notes.push(Note::about(file, format!("boundaries not snapped to cuts: {e}")));
                }
            }
            Judged { detection, season_episodes: season.len() + 1, model_ms }
        })
        .collect()
}

/// Current version of [`Prediction`]'s JSON. 2: probabilities are printed as the f32 they are
/// (`0.123`; version 1 printed them through f64: `0.12300000339746475`); the fields are the same,
/// and every reader takes both.
pub const PREDICTION_VERSION: u32 = 2;

/// What `detect` says about one episode, as written to `<episode>.pred.json` and printed by
/// `--json`; `export --segments` and `eval` read it. Fields stay in the alphabetical order the
/// earlier hand-built JSON had.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub encoder: String,
    pub episode: String,
    /// The media file, as text (a name that is not UTF-8 is shown with replacement characters).
    pub file: String,
    /// P(intro) per sampled second, to three decimals.
    pub intro_probability: Vec<f32>,
    pub model_ms: f64,
    pub season_episodes: usize,
    pub segments: Vec<PredictedSegment>,
    pub version: u32,
    pub window_s: u32,
}

/// One predicted segment, in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PredictedSegment {
    pub confidence: f64,
    pub end: f64,
    pub kind: String,
    pub source: String,
    pub start: f64,
}

impl Prediction {
    pub fn new(file: &Path, judged: &Judged, window_s: u32, encoder: &str) -> Self {
        let d = &judged.detection;
        let segment = |kind: &str, s: &DetectedSegment| PredictedSegment { confidence: s.confidence, end: s.end, kind: kind.into(), source: "predicted".into(), start: s.start };
        Prediction {
            encoder: encoder.to_string(),
            episode: episode_stem(file),
            file: file.to_string_lossy().into_owned(),
            intro_probability: d.intro_probability.iter().map(|p| (p * 1000.0).round() / 1000.0).collect(),
            model_ms: (judged.model_ms * 10.0).round() / 10.0,
            season_episodes: judged.season_episodes,
            segments: d.recaps.iter().map(|s| segment("recap", s)).chain(d.intros.iter().map(|s| segment("intro", s))).collect(),
            version: PREDICTION_VERSION,
            window_s,
        }
    }
}

/// The outcome of [`detect`]: a prediction per episode that could be analysed, and one error per
/// episode that could not (the others are still judged).
pub struct DetectRun {
    pub predictions: Vec<(PathBuf, Judged, Prediction)>,
    pub failures: Vec<Error>,
    pub notes: Vec<Note>,
}

/// Analyse `media` with `encoder` (cached) and judge it with `model`. Writes
/// `<episode>.pred.json` into `out` when given. One unreadable episode does not stop the season.
pub fn detect(media: &[PathBuf], window_s: u32, encoder: &mut dyn FrameEncoder, model: &IntroModel, options: JudgeOptions, out: Option<&Path>) -> Result<DetectRun> {
    let window_s = super::check_window(window_s)?;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
    }
    let mut notes = Vec::new();
    let mut failures = Vec::new();
    let mut analysed = Vec::with_capacity(media.len());
    for file in media {
        match crate::features::embed_episode(file, window_s, encoder, true, &mut |_| true) {
            Ok((features, _)) => {
                notes.extend(features.all_notes().into_iter().map(|n| Note::about(file, n)));
                analysed.push((file.clone(), features));
            }
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(e) => failures.push(e),
        }
    }
    let refs: Vec<(&Path, &EpisodeFeatures)> = analysed.iter().map(|(f, e)| (f.as_path(), e)).collect();
    let mut snapper = Snapper::default();
    let judged = judge(&refs, model, options, &mut snapper, &mut notes);
    let mut predictions = Vec::with_capacity(judged.len());
    for ((file, _), judged) in analysed.iter().zip(judged) {
        let prediction = Prediction::new(file, &judged, window_s, &encoder.id());
        if let Some(dir) = out {
            let path = dir.join(format!("{}.pred.json", prediction.episode));
            crate::fsio::write_atomic(&path, |w| serde_json::to_writer_pretty(w, &prediction).map_err(std::io::Error::other))?;
        }
        predictions.push((file.clone(), judged, prediction));
    }
    Ok(DetectRun { predictions, failures, notes })
}
