//! The spans around the credits the episode view lists and the timeline outlines: story
//! between or after them (never skipped) and a preview drawn over them.

use super::*;

/// The story the tail's analysis found among the credits — a scene between two parts of them,
/// and story after them from where the labelled credits end (a human may have moved them) —
/// with what it is: what plays on after Skip credits. A span the labelled credits cover is left
/// out (a human called it credits).
pub(super) fn story_after_credits(ep: &Episode) -> Vec<(f64, f64, &'static str)> {
    story_among_credits(ep).into_iter().map(|(a, b, after)| (a, b, if after { "post-credits scene" } else { "scene between the credits" })).collect()
}

/// Each preview that overlaps a part of the credits, with that part: (credits, preview).
pub(super) fn previews_over_credits(segments: &[crate::segments::Segment]) -> Vec<(&crate::segments::Segment, &crate::segments::Segment)> {
    let of = |k: Kind| segments.iter().filter(move |s| s.kind == k);
    of(Kind::Credits).flat_map(|c| of(Kind::Preview).filter(move |p| p.start_ms < c.end_ms && c.start_ms < p.end_ms).map(move |p| (c, p))).collect()
}

/// [`story_after_credits`] with whether each span follows the last credits (true) or lies
/// between two parts of them (false).
/// The scene between two parts follows the labels: it is the gap between two labelled parts
/// of the credits where the analysis saw story (an edge moved by hand moves it: an outside
/// trial's "story between" kept the model's edges over the credits it had just drawn). Times
/// to the millisecond, as the segments keep them: one boundary shows one SMPTE label on both
/// sides.
pub(super) fn story_among_credits(ep: &Episode) -> Vec<(f64, f64, bool)> {
    let Some(tail) = ep.tail.as_ref() else { return Vec::new() };
    let ms = |t: f64| (t * 1000.0).round() / 1000.0;
    let mut credits: Vec<(f64, f64)> = ep.editor.segments.segments.iter().filter(|s| s.kind == Kind::Credits).map(|s| (s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0)).collect();
    credits.sort_by(|a, b| a.0.total_cmp(&b.0));
    let last_end = credits.iter().map(|c| c.1).reduce(f64::max);
    let mut out: Vec<(f64, f64, bool)> = credits
        .windows(2)
        .filter(|w| tail.found.between.iter().any(|&(a, b)| a < w[1].0 && w[0].1 < b))
        .map(|w| (w[0].1, w[1].0, false))
        .collect();
    if let Some((a, b)) = tail.found.after_credits {
        out.push((last_end.map_or(ms(a), |e| ms(a).max(e)), ms(b), true));
    }
    out.retain(|&(a, b, _)| b - a >= 1.0 && !credits.iter().any(|&(ca, cb)| ca <= a + 0.5 && cb >= b - 0.5));
    out
}
