//! Scoring the end of episodes: credits and preview against truth, over each episode's tail
//! window ([`crate::features::tail::DEFAULT_TAIL`] of the truth's duration, so a predictor
//! cannot choose where it is scored), as the intro is scored ([`super::eval`]): frame
//! precision/recall/F1 on the 1 s grid, interval IoU with a missed or spurious segment as 0,
//! boundary errors at full precision. Story after the credits (a post-credits scene) that the
//! predicted credits or preview cover for more than half its length counts as **swallowed**: a
//! skip button would have skipped story.

use super::eval::{Prf, Spread};
use crate::error::Result;
use crate::segments::{Interval, Kind, Segments};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The end of one episode as labelled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TailLabels {
    pub credits: Option<Interval>,
    pub preview: Option<Interval>,
    /// Story after the start of the credits (truth) or what the predictor called so.
    pub after_credits: Vec<Interval>,
    pub duration: Option<f64>,
}

impl TailLabels {
    /// Whether this says anything about the tail (a truth file with credits, or a prediction
    /// that looked at the tail).
    pub fn is_empty(&self) -> bool {
        self.credits.is_none() && self.preview.is_none() && self.after_credits.is_empty()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TailEpisodeScore {
    pub episode: String,
    /// The window scored, seconds.
    pub window: [f64; 2],
    pub credits: Prf,
    pub credits_iou: f64,
    pub start_error: Option<f64>,
    pub end_error: Option<f64>,
    pub missed: bool,
    /// Credits predicted where there are none, or overlapping none.
    pub spurious: bool,
    pub preview: Prf,
    pub swallowed: usize,
    #[serde(skip)]
    counts: [(usize, usize, usize); 2],
}

#[derive(Clone, Debug, Serialize)]
pub struct TailReport {
    pub episodes: Vec<TailEpisodeScore>,
    pub with_credits: usize,
    pub credits: Prf,
    pub credits_mean_iou: f64,
    pub credits_start_abs_error: Spread,
    pub credits_end_abs_error: Spread,
    pub missed: usize,
    pub spurious: usize,
    pub with_preview: usize,
    pub preview: Prf,
    pub post_credits_scenes: usize,
    pub swallowed: usize,
}

/// Read the tail labels of one of our JSON files (truth, prediction or sidecar).
pub fn read_tail_labels(path: &Path) -> Result<Option<(String, TailLabels)>> {
    let bytes = crate::fsio::read_bounded(path, crate::fsio::MAX_TEXT_FILE)?;
    let doc: serde_json::Value = match serde_json::from_slice(bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes)) {
        Ok(d) => d,
        Err(_) => return Ok(None), // not ours; the intro reader reports it
    };
    if doc.get("segments").is_none() {
        return Ok(None);
    }
    let segments = Segments::parse(&bytes, path)?;
    let to_interval = |s: &crate::segments::Segment| Interval { start: s.start_ms as f64 / 1000.0, end: s.end_ms as f64 / 1000.0 };
    let first = |kind: Kind| segments.segments.iter().filter(|s| s.kind == kind).map(to_interval).min_by(|a, b| a.start.total_cmp(&b.start));
    let credits = first(Kind::Credits);
    let mut after_credits: Vec<Interval> = match credits {
        Some(c) => segments.segments.iter().filter(|s| matches!(s.kind, Kind::Body | Kind::ColdOpen) && s.start_ms as f64 / 1000.0 >= c.start).map(to_interval).collect(),
        None => Vec::new(),
    };
    if let Some(pc) = doc.get("post_credits").and_then(|v| v.as_array()).filter(|a| a.len() == 2) {
        if let (Some(a), Some(b)) = (pc[0].as_f64(), pc[1].as_f64()) {
            after_credits.push(Interval { start: a, end: b });
        }
    }
    let duration = doc.get("duration").and_then(|d| d.as_f64()).or(segments.duration_ms.map(|d| d as f64 / 1000.0));
    let name = doc.get("episode").and_then(|e| e.as_str()).map(str::to_string).unwrap_or_else(|| crate::segments::episode_name(path));
    Ok(Some((name, TailLabels { credits, preview: first(Kind::Preview), after_credits, duration })))
}

/// Every file's tail labels under a folder (as [`super::eval::read_label_set`] finds them).
pub fn read_tail_label_set(path: &Path) -> Result<BTreeMap<String, TailLabels>> {
    let mut out = BTreeMap::new();
    for file in super::eval::label_files(path)? {
        if let Some((name, labels)) = read_tail_labels(&file)? {
            out.insert(name, labels);
        }
    }
    Ok(out)
}

fn counts(window: [f64; 2], truth: Option<Interval>, pred: Option<Interval>) -> (usize, usize, usize) {
    let inside = |i: Option<Interval>, t: f64| i.is_some_and(|i| i.start <= t && t < i.end);
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut t = window[0].ceil();
    while t < window[1] {
        match (inside(truth, t), inside(pred, t)) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            _ => {}
        }
        t += 1.0;
    }
    (tp, fp, fn_)
}

fn prf(c: (usize, usize, usize)) -> Prf {
    super::eval::prf_from_counts(c.0, c.1, c.2)
}

/// Score one episode; None when the truth does not say how long the episode is.
pub fn score_tail(episode: &str, truth: &TailLabels, pred: &TailLabels) -> Option<TailEpisodeScore> {
    let duration = truth.duration?;
    let (start, _) = crate::features::tail::DEFAULT_TAIL.range(duration)?;
    let window = [f64::from(start), duration];
    let clip = |i: Option<Interval>| i.map(|i| Interval { start: i.start.clamp(window[0], window[1]), end: i.end.clamp(window[0], window[1]) }).filter(|i| i.end > i.start);
    let (tc, pc) = (clip(truth.credits), clip(pred.credits));
    let overlap = |a: Interval, b: Interval| (a.end.min(b.end) - a.start.max(b.start)).max(0.0);
    let credits_iou = match (tc, pc) {
        (None, None) => 1.0,
        (Some(a), Some(b)) => overlap(a, b) / ((a.end - a.start) + (b.end - b.start) - overlap(a, b)),
        _ => 0.0,
    };
    let (start_error, end_error) = match (truth.credits, pred.credits) {
        (Some(a), Some(b)) => (Some(b.start - a.start), Some(b.end - a.end)),
        _ => (None, None),
    };
    let overlapping = matches!((tc, pc), (Some(t), Some(p)) if overlap(t, p) > 0.0);
    let missed = tc.is_some() && !overlapping;
    let spurious = pc.is_some() && !overlapping;
    let swallowed = truth
        .after_credits
        .iter()
        .filter(|scene| {
            let covered: f64 = [pred.credits, pred.preview].into_iter().flatten().map(|p| overlap(p, **scene)).sum();
            covered > 0.5 * (scene.end - scene.start)
        })
        .count();
    let c = [counts(window, tc, pc), counts(window, clip(truth.preview), clip(pred.preview))];
    Some(TailEpisodeScore {
        episode: episode.to_string(),
        window,
        credits: prf(c[0]),
        credits_iou,
        start_error,
        end_error,
        missed,
        spurious,
        preview: prf(c[1]),
        swallowed,
        counts: c,
    })
}

/// Score every episode whose truth gives a duration.
pub fn evaluate_tail(pairs: &[(String, TailLabels, TailLabels)]) -> TailReport {
    let episodes: Vec<TailEpisodeScore> = pairs.iter().filter_map(|(n, t, p)| score_tail(n, t, p)).collect();
    let sum = |k: usize| episodes.iter().fold((0, 0, 0), |a, e| (a.0 + e.counts[k].0, a.1 + e.counts[k].1, a.2 + e.counts[k].2));
    let scored: Vec<&(String, TailLabels, TailLabels)> = pairs.iter().filter(|(_, t, _)| t.duration.is_some()).collect();
    TailReport {
        with_credits: scored.iter().filter(|(_, t, _)| t.credits.is_some()).count(),
        credits: prf(sum(0)),
        credits_mean_iou: episodes.iter().map(|e| e.credits_iou).sum::<f64>() / episodes.len().max(1) as f64,
        credits_start_abs_error: super::eval::spread(episodes.iter().filter_map(|e| e.start_error.map(f64::abs)).collect()),
        credits_end_abs_error: super::eval::spread(episodes.iter().filter_map(|e| e.end_error.map(f64::abs)).collect()),
        missed: episodes.iter().filter(|e| e.missed).count(),
        spurious: episodes.iter().filter(|e| e.spurious).count(),
        with_preview: scored.iter().filter(|(_, t, _)| t.preview.is_some()).count(),
        preview: prf(sum(1)),
        post_credits_scenes: scored.iter().map(|(_, t, _)| t.after_credits.len()).sum(),
        swallowed: episodes.iter().map(|e| e.swallowed).sum(),
        episodes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(credits: Option<(f64, f64)>, preview: Option<(f64, f64)>, after: &[(f64, f64)]) -> TailLabels {
        let i = |(start, end): (f64, f64)| Interval { start, end };
        TailLabels { credits: credits.map(i), preview: preview.map(i), after_credits: after.iter().copied().map(i).collect(), duration: Some(240.0) }
    }

    #[test]
    fn credits_are_scored_over_the_tail_and_a_swallowed_scene_is_counted() {
        // 240 s: the tail is 180–240. Credits 200–220 found at 201–220; preview 220–240 found.
        let truth = tail(Some((200.0, 220.0)), Some((220.0, 240.0)), &[]);
        let r = evaluate_tail(&[("a".into(), truth.clone(), tail(Some((201.0, 220.0)), Some((220.0, 240.0)), &[])),
            ("b".into(), tail(Some((200.0, 225.0)), None, &[(225.0, 240.0)]), tail(Some((200.0, 240.0)), None, &[])),
            ("c".into(), tail(None, None, &[]), tail(Some((190.0, 200.0)), None, &[]))]);
        let a = &r.episodes[0];
        assert_eq!((a.credits.precision, a.credits_iou, a.start_error, a.swallowed), (1.0, 19.0 / 20.0, Some(1.0), 0));
        assert_eq!(a.preview.f1, 1.0);
        // b: the credits run on over the post-credits scene: swallowed.
        assert_eq!((r.episodes[1].swallowed, r.swallowed, r.post_credits_scenes), (1, 1, 1));
        assert_eq!(r.episodes[1].credits_iou, 25.0 / 40.0);
        // c: credits where there are none.
        assert!(r.episodes[2].spurious && r.episodes[2].credits_iou == 0.0);
        assert_eq!((r.with_credits, r.missed, r.spurious, r.with_preview), (2, 0, 1, 1));
    }
}
