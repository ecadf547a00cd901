//! Honest scoring of intro predictions against truth, per episode and over a set.
//!
//! On a 1 s grid over the detection window (second t is intro when start ≤ t < end):
//! frame precision/recall/F1 per episode and micro-averaged; interval IoU per episode, where a
//! missed intro and a spurious one both count 0 (no intro predicted for none is 1); boundary errors
//! at full precision (not rounded to the grid). Beside them, labelled as the reference project's,
//! its own score: non-overlapping 60-frame windows that contain at least one true intro frame,
//! predictions closed with a 3-frame structure, P/R/F1 over the kept frames and the mean IoU of
//! the kept windows. That score flatters: windows without intro are dropped (so spurious intros
//! elsewhere cost nothing) and a missed intro only shows as lower recall in the windows kept.

use crate::error::{io_error, Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::segments::{Interval, Labels};

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// [`Prf`] from true positives, false positives and false negatives.
pub fn prf_from_counts(tp: usize, fp: usize, fn_: usize) -> Prf {
    Prf::from_counts(tp, fp, fn_)
}

impl Prf {
    fn from_counts(tp: usize, fp: usize, fn_: usize) -> Self {
        // Nothing to find and nothing claimed is perfect; otherwise the usual ratios.
        let precision = if tp + fp == 0 { if fn_ == 0 { 1.0 } else { 0.0 } } else { tp as f64 / (tp + fp) as f64 };
        let recall = if tp + fn_ == 0 { if fp == 0 { 1.0 } else { 0.0 } } else { tp as f64 / (tp + fn_) as f64 };
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Prf { precision, recall, f1 }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EpisodeScore {
    pub episode: String,
    pub frames: Prf,
    pub iou: f64,
    /// Predicted minus true, seconds; None when either side has no intro.
    pub start_error: Option<f64>,
    pub end_error: Option<f64>,
    /// A true intro in the window that no predicted intro overlaps.
    pub missed: bool,
    /// At least [`FALSE_SKIP_S`] seconds predicted intro outside the true intro: a skip button
    /// that would skip story (or an intro where the episode has none).
    pub false_skip: bool,
    /// The predictor's confidence in its intro (None: it gave none, or no intro).
    pub confidence: Option<f64>,
    counts: (usize, usize, usize),
}

/// Reliability of the predictor's confidence: the episodes whose predicted intro's confidence
/// falls in `[from, to)`, and how many of those intros are right (IoU ≥ 0.5 with the truth and
/// no false skip). A calibrated confidence has `right / episodes` near the bin's confidences.
#[derive(Clone, Debug, Serialize)]
pub struct ReliabilityBin {
    pub from: f64,
    pub to: f64,
    pub episodes: usize,
    pub right: usize,
    pub mean_confidence: f64,
}

/// The bins of [`Report::reliability`]; 0.7 is where the CLI and the app say "uncertain".
pub const RELIABILITY_EDGES: [f64; 6] = [0.0, 0.5, 0.7, 0.9, 0.97, 1.0001];

/// Seconds of story a predicted intro must cover to count as a false skip.
pub const FALSE_SKIP_S: usize = 5;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Spread {
    pub median: f64,
    pub p90: f64,
    pub max: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReferenceScore {
    pub windows_kept: usize,
    pub windows_total: usize,
    pub frames: Prf,
    pub mean_iou: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub window_s: usize,
    pub episodes: Vec<EpisodeScore>,
    pub micro: Prf,
    pub mean_iou: f64,
    pub start_abs_error: Spread,
    pub end_abs_error: Spread,
    /// Episodes with a true intro in the window, and without one.
    pub with_intro: usize,
    pub without_intro: usize,
    /// Counts of [`EpisodeScore::missed`] and [`EpisodeScore::false_skip`].
    pub missed: usize,
    pub false_skips: usize,
    /// Boundary errors where a missed or spurious intro counts as the whole window: the
    /// issue's "misses included" figures.
    pub start_abs_error_with_misses: Spread,
    pub end_abs_error_with_misses: Spread,
    /// The reference project's score, computed as it does (see the module doc for why it flatters).
    pub reference_style: ReferenceScore,
    /// How often a predicted intro is right, by its confidence ([`RELIABILITY_EDGES`]).
    pub reliability: Vec<ReliabilityBin>,
}

pub fn score_episode(episode: &str, truth: &Labels, pred: &Labels, window: usize) -> EpisodeScore {
    let (t, p) = (truth.mask(window), pred.mask(window));
    let tp = t.iter().zip(&p).filter(|(a, b)| **a && **b).count();
    let fp = t.iter().zip(&p).filter(|(a, b)| !**a && **b).count();
    let fn_ = t.iter().zip(&p).filter(|(a, b)| **a && !**b).count();
    let clip = |i: Interval| Interval { start: i.start.clamp(0.0, window as f64), end: i.end.clamp(0.0, window as f64) };
    let (ti, pi) = (truth.first().map(clip).filter(|i| i.end > i.start), pred.first().map(clip).filter(|i| i.end > i.start));
    let iou = match (ti, pi) {
        (None, None) => 1.0,
        (Some(a), Some(b)) => {
            let inter = (a.end.min(b.end) - a.start.max(b.start)).max(0.0);
            let union = (a.end - a.start) + (b.end - b.start) - inter;
            if union > 0.0 { inter / union } else { 0.0 }
        }
        _ => 0.0,
    };
    let (start_error, end_error) = match (truth.first(), pred.first()) {
        (Some(a), Some(b)) => (Some(b.start - a.start), Some(b.end - a.end)),
        _ => (None, None),
    };
    let missed = ti.is_some() && !pred.intros.iter().any(|i| ti.is_some_and(|t| i.end > t.start && i.start < t.end));
    let false_skip = fp >= FALSE_SKIP_S;
    let confidence = if p.iter().any(|&b| b) { pred.confidence } else { None };
    EpisodeScore { episode: episode.to_string(), frames: Prf::from_counts(tp, fp, fn_), iou, start_error, end_error, missed, false_skip, confidence, counts: (tp, fp, fn_) }
}

pub fn spread(mut values: Vec<f64>) -> Spread {
    if values.is_empty() {
        return Spread::default();
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
    // Nearest-rank 90th percentile.
    let p90 = values[((0.9 * n as f64).ceil() as usize).clamp(1, n) - 1];
    Spread { median, p90, max: values[n - 1] }
}

/// scipy.ndimage.binary_closing with a 3-frame structure and scipy's defaults (border 0), as the
/// reference project calls it: dilation then erosion, so a 1 at either end of the window is erased.
pub fn reference_closing(x: &[bool]) -> Vec<bool> {
    let n = x.len();
    let at = |v: &[bool], i: isize| i >= 0 && (i as usize) < n && v[i as usize];
    let dilated: Vec<bool> = (0..n as isize).map(|i| at(x, i - 1) || at(x, i) || at(x, i + 1)).collect();
    (0..n as isize).map(|i| at(&dilated, i - 1) && at(&dilated, i) && at(&dilated, i + 1)).collect()
}

pub fn evaluate(pairs: &[(String, Labels, Labels)], window: usize) -> Report {
    let episodes: Vec<EpisodeScore> = pairs.iter().map(|(name, t, p)| score_episode(name, t, p, window)).collect();
    let (tp, fp, fn_) = episodes.iter().fold((0, 0, 0), |acc, e| (acc.0 + e.counts.0, acc.1 + e.counts.1, acc.2 + e.counts.2));
    let mean_iou = episodes.iter().map(|e| e.iou).sum::<f64>() / episodes.len().max(1) as f64;
    let starts = episodes.iter().filter_map(|e| e.start_error.map(f64::abs)).collect();
    let ends = episodes.iter().filter_map(|e| e.end_error.map(f64::abs)).collect();
    let with_misses = |f: &dyn Fn(&EpisodeScore) -> Option<f64>| -> Vec<f64> {
        pairs
            .iter()
            .zip(&episodes)
            .filter(|((_, t, p), _)| !t.intros.is_empty() || !p.intros.is_empty())
            .map(|(_, e)| if e.missed { window as f64 } else { f(e).map_or(window as f64, |v| v.abs().min(window as f64)) })
            .collect()
    };
    let with_intro = pairs.iter().filter(|(_, t, _)| t.mask(window).iter().any(|&b| b)).count();

    let (mut kept, mut total, mut rtp, mut rfp, mut rfn, mut ious) = (0, 0, 0, 0, 0, Vec::new());
    for (_, truth, pred) in pairs {
        let (t, p) = (truth.mask(window), pred.mask(window));
        for start in (0..window).step_by(60) {
            let end = (start + 60).min(window);
            total += 1;
            let tw = &t[start..end];
            if !tw.iter().any(|&b| b) {
                continue;
            }
            kept += 1;
            let pw = reference_closing(&p[start..end]);
            let (a, b, c) = tw.iter().zip(&pw).fold((0, 0, 0), |acc, (x, y)| match (*x, *y) {
                (true, true) => (acc.0 + 1, acc.1, acc.2),
                (false, true) => (acc.0, acc.1 + 1, acc.2),
                (true, false) => (acc.0, acc.1, acc.2 + 1),
                _ => acc,
            });
            rtp += a;
            rfp += b;
            rfn += c;
            ious.push(a as f64 / (a + b + c).max(1) as f64);
        }
    }
    Report {
        window_s: window,
        micro: Prf::from_counts(tp, fp, fn_),
        mean_iou,
        start_abs_error: spread(starts),
        end_abs_error: spread(ends),
        with_intro,
        without_intro: pairs.len() - with_intro,
        missed: episodes.iter().filter(|e| e.missed).count(),
        false_skips: episodes.iter().filter(|e| e.false_skip).count(),
        start_abs_error_with_misses: spread(with_misses(&|e| e.start_error)),
        end_abs_error_with_misses: spread(with_misses(&|e| e.end_error)),
        reference_style: ReferenceScore {
            windows_kept: kept,
            windows_total: total,
            frames: Prf::from_counts(rtp, rfp, rfn),
            mean_iou: ious.iter().sum::<f64>() / ious.len().max(1) as f64,
        },
        reliability: RELIABILITY_EDGES
            .windows(2)
            .map(|w| {
                let inside: Vec<&EpisodeScore> = episodes.iter().filter(|e| e.confidence.is_some_and(|c| c >= w[0] && c < w[1])).collect();
                let n = inside.len();
                ReliabilityBin {
                    from: w[0],
                    to: w[1].min(1.0),
                    episodes: n,
                    right: inside.iter().filter(|e| e.iou >= 0.5 && !e.false_skip).count(),
                    mean_confidence: inside.iter().filter_map(|e| e.confidence).sum::<f64>() / n.max(1) as f64,
                }
            })
            .collect(),
        episodes,
    }
}

/// "H:MM:SS", "MM:SS" or seconds, with optional fraction.
/// Read labels: our truth/segment JSON (`{"segments": [{"kind": "intro", "start", "end"}]}`) for
/// one episode, or an SIS `labels.json` (`{id: {url, name, start: "H:MM:SS", end}}`) for many.
/// Returns episode name → labels. Errors name the file and the field.
pub fn read_labels(path: &Path) -> Result<BTreeMap<String, Labels>> {
    let bytes = crate::fsio::read_bounded(path, crate::fsio::MAX_TEXT_FILE)?;
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let doc: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Error::input(path, format!("not valid JSON: {e}")))?;
    let field_err = |field: &str, what: &str| Error::input(path, format!("field '{field}': {what}"));
    if doc.get("segments").is_some() {
        let mut out = BTreeMap::new();
        // Our own segment format: one reader for it, in `segments`.
        let mut segments: Vec<crate::segments::Segment> = crate::segments::Segments::read(path)?.segments.into_iter().filter(|s| s.kind == crate::segments::Kind::Intro).collect();
        segments.sort_by_key(|s| s.start_ms);
        let confidence = segments.first().and_then(|s| s.confidence).map(f64::from);
        let intros = segments.iter().map(|s| Interval { start: s.start_ms as f64 / 1000.0, end: s.end_ms as f64 / 1000.0 }).collect();
        let name = doc.get("episode").and_then(|e| e.as_str()).map(str::to_string).unwrap_or_else(|| episode_name(path));
        let probability = match doc.get("intro_probability") {
            None => Vec::new(),
            Some(v) => v
                .as_array()
                .and_then(|a| a.iter().map(|x| x.as_f64().map(|x| x as f32)).collect::<Option<Vec<f32>>>())
                .ok_or_else(|| field_err("intro_probability", "not an array of numbers"))?,
        };
        out.insert(name, Labels { intros, probability, confidence });
        return Ok(out);
    }
    crate::formats::import::parse_sis_object(&doc, path)
}

pub use crate::segments::episode_name;

/// All labels under a file or folder (every `.truth.json`, `.pred.json`, `.segments.json`,
/// `labels.json`… at any depth, so a data set of series folders reads as one), by episode name.
/// Other JSON (a series plan, a manifest) is skipped.
pub fn read_label_set(path: &Path) -> Result<BTreeMap<String, Labels>> {
    let mut all = BTreeMap::new();
    for f in label_files(path)? {
        for (name, labels) in read_labels(&f)? {
            if all.insert(name.clone(), labels).is_some() {
                return Err(Error::input(&f, format!("episode '{name}' is labelled twice in {}", path.display())));
            }
        }
    }
    Ok(all)
}

/// The label files [`read_label_set`] reads: `path` itself, or every label file under it.
pub fn label_files(path: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if path.is_dir() {
        collect_label_files(path, &mut files)?;
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    Ok(files)
}

fn collect_label_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let p = entry.map_err(|e| io_error(dir, e))?.path();
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || name == "work" || name == "pool" {
            continue;
        }
        if p.is_dir() {
            collect_label_files(&p, out)?;
        } else if name.ends_with(".json") && (name == "labels.json" || episode_name(&p) != name.trim_end_matches(".json")) {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intro(start: f64, end: f64) -> Labels {
        Labels { intros: vec![Interval { start, end }], ..Default::default() }
    }

    #[test]
    fn perfect_prediction_scores_one_everywhere() {
        let r = evaluate(&[("a".into(), intro(30.0, 50.0), intro(30.0, 50.0)), ("b".into(), intro(0.0, 20.0), intro(0.0, 20.0))], 180);
        assert_eq!((r.micro.precision, r.micro.recall, r.micro.f1, r.mean_iou), (1.0, 1.0, 1.0, 1.0));
        assert_eq!((r.start_abs_error.max, r.end_abs_error.max), (0.0, 0.0));
    }

    #[test]
    fn empty_prediction_scores_zero() {
        let r = evaluate(&[("a".into(), intro(30.0, 50.0), Labels::default())], 180);
        assert_eq!((r.micro.precision, r.micro.recall, r.micro.f1, r.mean_iou), (0.0, 0.0, 0.0, 0.0));
        assert!(r.episodes[0].start_error.is_none());
    }

    #[test]
    fn misses_and_false_skips_are_counted_and_misses_cost_the_window_in_boundary_errors() {
        let r = evaluate(
            &[
                ("found".into(), intro(30.0, 50.0), intro(30.5, 50.0)),
                ("missed".into(), intro(30.0, 50.0), intro(100.0, 120.0)),
                ("none, quiet".into(), Labels::default(), Labels::default()),
                ("none, skipped".into(), Labels::default(), intro(60.0, 70.0)),
                ("story skipped".into(), intro(30.0, 50.0), intro(20.0, 50.0)),
            ],
            180,
        );
        assert_eq!((r.with_intro, r.without_intro, r.missed, r.false_skips), (3, 2, 1, 3));
        let flags: Vec<(bool, bool)> = r.episodes.iter().map(|e| (e.missed, e.false_skip)).collect();
        assert_eq!(flags, [(false, false), (true, true), (false, false), (false, true), (false, true)]);
        // Starts: 0.5, 180 (missed), 180 (spurious), 10 → median 95; the quiet one is not counted.
        assert_eq!(r.start_abs_error_with_misses.median, 95.0);
        assert_eq!(r.start_abs_error_with_misses.max, 180.0);
    }

    #[test]
    fn known_shift_gives_exact_numbers() {
        // Truth 30–50, prediction 35–55: 15 of 20 seconds right, 5 spurious.
        let r = evaluate(&[("a".into(), intro(30.0, 50.0), intro(35.0, 55.0))], 180);
        assert_eq!(r.micro.precision, 0.75);
        assert_eq!(r.micro.recall, 0.75);
        assert_eq!(r.mean_iou, 15.0 / 25.0);
        assert_eq!((r.episodes[0].start_error, r.episodes[0].end_error), (Some(5.0), Some(5.0)));
        // Sub-second boundaries keep their precision.
        let r = evaluate(&[("a".into(), intro(30.0, 50.0), intro(30.4, 49.7))], 180);
        assert!((r.start_abs_error.median - 0.4).abs() < 1e-12 && (r.end_abs_error.median - 0.3).abs() < 1e-12);
    }

    #[test]
    fn spurious_and_missed_intros_count_zero_iou_but_the_reference_score_ignores_them() {
        let pairs = vec![
            ("spurious".into(), Labels::default(), intro(10.0, 40.0)),
            ("right".into(), intro(10.0, 40.0), intro(10.0, 40.0)),
        ];
        let r = evaluate(&pairs, 180);
        assert_eq!(r.mean_iou, 0.5);
        // Only the window of "right" with intro frames is kept: the reference score is perfect.
        assert_eq!(r.reference_style.windows_kept, 1);
        assert_eq!((r.reference_style.frames.f1, r.reference_style.mean_iou), (1.0, 1.0));
    }

    #[test]
    fn reference_closing_fills_gaps_and_erases_borders_like_scipy() {
        // x = 110100011: dilation → 111110111, erosion with border 0 → 011100010
        // (scipy.ndimage.binary_closing(x, structure=np.ones(3)); gaps ≤ 2 close, ends erode).
        let x = [true, true, false, true, false, false, false, true, true];
        let expected = [false, true, true, true, false, false, false, true, false];
        assert_eq!(reference_closing(&x), expected);
    }

    #[test]
    fn clock_times_parse() {
        assert_eq!(crate::clock::parse_clock("0:01:32"), Some(92.0));
        assert_eq!(crate::clock::parse_clock("1:05.5"), Some(65.5));
        assert_eq!(crate::clock::parse_clock("abc"), None);
    }
}
