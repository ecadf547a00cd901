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
    /// The credits, in order: two parts where a story scene splits them.
    pub credits: Vec<Interval>,
    pub preview: Option<Interval>,
    /// Story after the start of the credits (truth) or what the predictor called so.
    pub after_credits: Vec<Interval>,
    pub duration: Option<f64>,
}

impl TailLabels {
    /// Whether this says anything about the tail (a truth file with credits, or a prediction
    /// that looked at the tail).
    pub fn is_empty(&self) -> bool {
        self.credits.is_empty() && self.preview.is_none() && self.after_credits.is_empty()
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
    let mut credits: Vec<Interval> = segments.segments.iter().filter(|s| s.kind == Kind::Credits).map(to_interval).collect();
    credits.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut after_credits: Vec<Interval> = match credits.first().copied() {
        Some(c) => segments.segments.iter().filter(|s| matches!(s.kind, Kind::Body | Kind::ColdOpen) && s.start_ms as f64 / 1000.0 >= c.start).map(to_interval).collect(),
        None => Vec::new(),
    };
    // A prediction's story after and between the credits (truth files say it as body segments).
    let pairs = doc.get("post_credits").into_iter().chain(doc.get("story_between_credits").and_then(|v| v.as_array()).into_iter().flatten());
    for pc in pairs.filter_map(|v| v.as_array()).filter(|a| a.len() == 2) {
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

fn counts(window: [f64; 2], truth: &[Interval], pred: &[Interval]) -> (usize, usize, usize) {
    let inside = |i: &[Interval], t: f64| i.iter().any(|i| i.start <= t && t < i.end);
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
    // Clipped to the window, sorted, and overlapping intervals merged (so that a union's size is
    // the sum of its parts).
    let clip = |list: &[Interval]| -> Vec<Interval> {
        let mut out: Vec<Interval> = list.iter().map(|i| Interval { start: i.start.clamp(window[0], window[1]), end: i.end.clamp(window[0], window[1]) }).filter(|i| i.end > i.start).collect();
        out.sort_by(|a, b| a.start.total_cmp(&b.start));
        out.into_iter().fold(Vec::new(), |mut acc: Vec<Interval>, i| {
            match acc.last_mut() {
                Some(last) if i.start <= last.end => last.end = last.end.max(i.end),
                _ => acc.push(i),
            }
            acc
        })
    };
    let (tc, pc) = (clip(&truth.credits), clip(&pred.credits));
    let overlap = |a: Interval, b: Interval| (a.end.min(b.end) - a.start.max(b.start)).max(0.0);
    // Over split credits: the overlap of the two unions over the size of their union.
    let length = |list: &[Interval]| list.iter().map(|i| i.end - i.start).sum::<f64>();
    let common: f64 = tc.iter().flat_map(|&t| pc.iter().map(move |&p| overlap(t, p))).sum();
    let credits_iou = match (tc.is_empty(), pc.is_empty()) {
        (true, true) => 1.0,
        (false, false) => common / (length(&tc) + length(&pc) - common),
        _ => 0.0,
    };
    let (start_error, end_error) = match (truth.credits.first().zip(truth.credits.last()), pred.credits.first().zip(pred.credits.last())) {
        (Some((ta, tb)), Some((pa, pb))) => (Some(pa.start - ta.start), Some(pb.end - tb.end)),
        _ => (None, None),
    };
    let overlapping = common > 0.0;
    let missed = !tc.is_empty() && !overlapping;
    let spurious = !pc.is_empty() && !overlapping;
    let swallowed = truth
        .after_credits
        .iter()
        .filter(|scene| {
            let covered: f64 = pred.credits.iter().chain(&pred.preview).map(|p| overlap(*p, **scene)).sum();
            covered > 0.5 * (scene.end - scene.start)
        })
        .count();
    let c = [counts(window, &tc, &pc), counts(window, &clip(truth.preview.as_slice()), &clip(pred.preview.as_slice()))];
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
        with_credits: scored.iter().filter(|(_, t, _)| !t.credits.is_empty()).count(),
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
        TailLabels { credits: credits.map(i).into_iter().collect(), preview: preview.map(i), after_credits: after.iter().copied().map(i).collect(), duration: Some(240.0) }
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

    #[test]
    fn split_credits_are_scored_as_one_union_and_the_scene_between_them_is_story() {
        let i = |start: f64, end: f64| Interval { start, end };
        let labels = |credits: Vec<Interval>, after: Vec<Interval>| TailLabels { credits, preview: None, after_credits: after, duration: Some(240.0) };
        // Credits 190–205, a scene 205–215, credits again 215–240.
        let truth = labels(vec![i(190.0, 205.0), i(215.0, 240.0)], vec![i(205.0, 215.0)]);
        let r = evaluate_tail(&[
            ("both parts".into(), truth.clone(), labels(vec![i(190.0, 205.0), i(215.0, 240.0)], vec![i(205.0, 215.0)])),
            ("one span".into(), truth.clone(), labels(vec![i(190.0, 240.0)], vec![])),
            ("second part".into(), truth, labels(vec![i(215.0, 240.0)], vec![])),
        ]);
        let e = &r.episodes;
        assert_eq!((e[0].credits_iou, e[0].swallowed, e[0].start_error, e[0].end_error), (1.0, 0, Some(0.0), Some(0.0)));
        assert_eq!((e[0].credits.f1, e[0].missed, e[0].spurious), (1.0, false, false));
        // Credits over the scene: 40 of 50 s, and the scene swallowed.
        assert_eq!((e[1].credits_iou, e[1].swallowed), (0.8, 1));
        // Only the part the rule saw: 25 of 40 s, begun 25 s late, the scene kept.
        assert_eq!((e[2].credits_iou, e[2].swallowed, e[2].start_error), (25.0 / 40.0, 0, Some(25.0)));
        assert_eq!((r.post_credits_scenes, r.swallowed), (3, 1));
    }
}
