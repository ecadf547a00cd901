//! Matching two episodes' pictures: the monotone paths of their per-second embeddings'
//! similarity matrix, for season alignment and for telling where a copy's seconds are.

use super::{By, Match, MIN_MATCH_S, REPEAT};
use crate::features::EpisodeFeatures;

/// Spans of `a`'s window whose frames `b` shows in the same order (the diagonals of their
/// similarity matrix, steps of 0–2 s so that speed-ups and held frames still align), at least
/// [`MIN_MATCH_S`] long, longest first and not sharing seconds of `a`. Among equally long
/// paths the first found is taken, which drifts through a shot whose seconds all look alike:
/// the season rules were chosen on that, and taking the most alike instead moved family B's
/// intro IoU 0.800 → 0.738 (2026-12-01), so only [`copy_matches`] does.
pub fn picture_matches(a: &EpisodeFeatures, b: &EpisodeFeatures) -> Vec<Match> {
    picture_paths(a, b, false)
}

/// Cosine by which one picture must beat another to be the copy's second: less is noise.
const ALIKE_MARGIN: f32 = 0.005;

/// [`picture_matches`] for telling where a copy's seconds are: among equally long paths, at
/// each step the clearly more alike picture, else the diagonal (a held card's seconds are
/// alike but for noise), so a re-encode aligns second for second.
pub fn copy_matches(a: &EpisodeFeatures, b: &EpisodeFeatures) -> Vec<Match> {
    picture_paths(a, b, true)
}

fn picture_paths(a: &EpisodeFeatures, b: &EpisodeFeatures, most_alike: bool) -> Vec<Match> {
    let (n, m) = (a.seconds.len(), b.seconds.len());
    if n == 0 || m == 0 || a.dim() != b.dim() {
        return Vec::new();
    }
    let similarity = a.embeddings.dot(&b.embeddings.t());
    let hit = |i: usize, j: usize| similarity[[i, j]] >= REPEAT;
    // Longest monotone path of hits ending at (i, j), and where it came from (compact: an 8,192 s
    // window pair is 67 M cells).
    const NONE: u32 = u32::MAX;
    let mut len = vec![0u16; n * m];
    let mut from = vec![NONE; n * m];
    for i in 0..n {
        for j in 0..m {
            if !hit(i, j) {
                continue;
            }
            // The longest path; among equally long ones (a shot whose seconds all look alike
            // hits a whole block), with `most_alike` the step onto the more alike picture: a
            // copy's own second, so a copy aligns second for second instead of drifting.
            let mut best = (0u16, NONE);
            if i > 0 {
                let steps: &[usize] = if most_alike { &[1, 0, 2] } else { &[0, 1, 2] };
                for &d in steps.iter().filter(|&&d| d <= j) {
                    let p = (i - 1) * m + j - d;
                    let better = len[p] > best.0 || (most_alike && len[p] == best.0 && best.1 != NONE && similarity[[i - 1, j - d]] > similarity[[i - 1, best.1 as usize % m]] + ALIKE_MARGIN);
                    if better {
                        best = (len[p], p as u32);
                    }
                }
            }
            len[i * m + j] = best.0.saturating_add(1);
            from[i * m + j] = best.1;
        }
    }
    let min_len = MIN_MATCH_S.ceil() as u16;
    // Matches never share rows of `a`, so each row's longest path end is the only one that can
    // matter: at most `n` ends to trace, whatever the frames (a static picture hits everywhere).
    // Each row's end: the longest path, the first among equals (see `most_alike` above).
    let end_of_row = |i: usize| {
        let first = (0..m).map(|j| i * m + j).max_by(|&x, &y| len[x].cmp(&len[y]).then(y.cmp(&x)))?;
        if !most_alike || len[first] == 0 {
            return Some(first);
        }
        // Of the longest, the most alike; within the margin of it, the latest (a copy's
        // closing held card ends where the original's does).
        let longest = (0..m).filter(|&j| len[i * m + j] == len[first]);
        let top = longest.clone().map(|j| similarity[[i, j]]).fold(f32::NEG_INFINITY, f32::max);
        longest.filter(|&j| similarity[[i, j]] + ALIKE_MARGIN >= top).max().map(|j| i * m + j)
    };
    let mut ends: Vec<usize> = (0..n).filter_map(end_of_row).filter(|&c| len[c] >= min_len).collect();
    ends.sort_by_key(|&c| std::cmp::Reverse(len[c]));
    let mut used = vec![false; n];
    let mut out = Vec::new();
    for end in ends {
        if used[end / m] {
            continue;
        }
        let mut cells = vec![end];
        while let Some(&p) = cells.last().map(|&c| &from[c]) {
            if p == NONE {
                break;
            }
            cells.push(p as usize);
        }
        let (first, last) = (*cells.last().unwrap_or(&end), end);
        let (i0, j0, i1, j1) = (first / m, first % m, last / m, last % m);
        // A path that stands still in `b` is one held frame (a title card, black) matched over
        // and over, not footage shown again.
        if (i0..=i1).any(|i| used[i]) || 2 * (j1 - j0 + 1) < i1 - i0 + 1 {
            continue;
        }
        // A picture that hardly changes (black, a held card) is no footage shown again.
        let changes = (i0 + 1..=i1).filter(|&i| crate::encoder::cosine(a.embedding(i), a.embedding(i - 1)) < 0.98).count();
        if changes < 2 {
            continue;
        }
        (i0..=i1).for_each(|i| used[i] = true);
        let mean: f64 = cells.iter().map(|&c| f64::from(similarity[[c / m, c % m]])).sum::<f64>() / cells.len() as f64;
        // A second's sample stands for the second around it: the span runs to the next sample.
        // Times count from each window's start, as the sound's do (a tail's window starts late).
        let t = |e: &EpisodeFeatures, k: usize| f64::from(e.seconds[k]) - f64::from(e.start_s);
        out.push(Match {
            start: t(a, i0),
            end: t(a, i1) + 1.0,
            other_start: t(b, j0),
            other_end: t(b, j1) + 1.0,
            by: By::Picture,
            distance: 32.0 * (1.0 - mean),
        });
    }
    out.sort_by(|x, y| x.start.total_cmp(&y.start));
    out
}

/// Whether `b` shows the same pictures as `a` along a sound match `m` (each of `a`'s sampled
/// seconds inside it against the better of `b`'s two samples either side of its aligned time:
/// the two grids are up to half a second apart). Some when at least three seconds, and half of those
/// compared, are the same footage (cosine ≥ `same`: [`REPEAT`] for a short sound, [`SAME_PICTURE`]
/// for a longer one; a second at either edge is often half another shot), with the picture
/// distance of [`Match::distance`].
pub(super) fn seen_along(a: &EpisodeFeatures, b: &EpisodeFeatures, m: &Match, same: f32) -> Option<f64> {
    if a.dim() != b.dim() || b.seconds.is_empty() {
        return None;
    }
    let rate = (m.other_end - m.other_start) / m.len().max(1e-9);
    let mut best: Vec<f32> = Vec::new();
    // Sound counts from each window's start, the samples in the file's seconds.
    let (from_a, from_b) = (f64::from(a.start_s), f64::from(b.start_s));
    // Sound heard past `b`'s window ([`crate::service::detect`]'s `heard_further`) has no
    // pictures there to compare.
    let last_b = f64::from(b.seconds[b.seconds.len() - 1]) - from_b + 1.0;
    for (i, &s) in a.seconds.iter().enumerate() {
        // The sample stands for the second s..s+1; its middle must lie inside the match.
        let t = f64::from(s) - from_a + 0.5;
        if t <= m.start || t >= m.end {
            continue;
        }
        let there = m.other_start + (t - m.start) * rate;
        if there > last_b {
            continue;
        }
        let j = b.seconds.partition_point(|&x| f64::from(x) - from_b + 0.5 < there);
        let near = j.saturating_sub(1)..(j + 1).min(b.seconds.len());
        best.push(near.map(|k| crate::encoder::cosine(a.embedding(i), b.embedding(k))).fold(-1.0, f32::max));
    }
    let same = best.iter().filter(|&&c| c >= same).count();
    if same < 3 || 2 * same < best.len() {
        return None;
    }
    Some(32.0 * (1.0 - f64::from(best.iter().sum::<f32>()) / best.len() as f64))
}

/// Whether `a`'s pictures at the samples taken in `from..to` (their instants, in the window's
/// seconds) are none of them `b`'s along sound match `m` (the better of `b`'s two samples either
/// side of the aligned instant, as [`seen_along`] compares): the story before an intro here,
/// where the partner already shows its intro or other story. False where nothing could be
/// compared (an aligned instant outside `b`'s samples is not compared).
pub(super) fn unlike_along(a: &EpisodeFeatures, b: &EpisodeFeatures, m: &Match, from: f64, to: f64) -> bool {
    if a.dim() != b.dim() || b.seconds.is_empty() {
        return false;
    }
    let rate = (m.other_end - m.other_start) / m.len().max(1e-9);
    let (from_a, from_b) = (f64::from(a.start_s), f64::from(b.start_s));
    let (first_b, last_b) = (f64::from(b.seconds[0]) - from_b, f64::from(b.seconds[b.seconds.len() - 1]) - from_b);
    let mut compared = 0;
    for (i, &s) in a.seconds.iter().enumerate() {
        let t = f64::from(s) - from_a;
        let there = m.other_start + (t - m.start) * rate;
        if t < from || t >= to || there < first_b || there > last_b {
            continue;
        }
        let j = b.seconds.partition_point(|&x| f64::from(x) - from_b < there);
        let near = j.saturating_sub(1)..(j + 1).min(b.seconds.len());
        if near.clone().any(|k| crate::encoder::cosine(a.embedding(i), b.embedding(k)) >= REPEAT) {
            return false;
        }
        compared += 1;
    }
    compared > 0
}

/// Whether any of `a`'s samples taken in `from..to` (their instants, in the window's seconds)
/// is dark (mean luma of its thumbnail under 0.15: black, or a fade from it). False without
/// thumbnails.
pub(super) fn dark_over(a: &EpisodeFeatures, from: f64, to: f64) -> bool {
    let from_a = f64::from(a.start_s);
    a.seconds.iter().zip(&a.thumbnails).any(|(&s, img)| {
        let t = f64::from(s) - from_a;
        let n = img.width() * img.height();
        t >= from && t < to && n > 0 && img.pixels().map(crate::features::picture::luma).sum::<f32>() / n as f32 <= 0.15
    })
}

/// Whether the shot showing before `from` goes on under every sample taken in `from..to` (their
/// instants): the last two samples before `from` are one shot (so it was going on already, not
/// cut to at the note) and each sample of the lead is that shot (cosine ≥ [`REPEAT`] with the
/// last before); and none of them shows text (as the head kept it: without that record, text is
/// not ruled out and this is false — a file whose name gives no series).
pub(super) fn carried_over(a: &EpisodeFeatures, from: f64, to: f64) -> bool {
    if a.gate.len() != a.seconds.len() {
        return false;
    }
    let from_a = f64::from(a.start_s);
    let t = |k: usize| f64::from(a.seconds[k]) - from_a;
    let Some(before) = (0..a.seconds.len()).rev().find(|&k| t(k) < from) else { return false };
    let same = |x: usize, y: usize| crate::encoder::cosine(a.embedding(x), a.embedding(y)) >= REPEAT;
    let lead: Vec<usize> = (before + 1..a.seconds.len()).take_while(|&k| t(k) < to).collect();
    before > 0 && same(before - 1, before) && !lead.is_empty() && lead.iter().all(|&k| same(before, k) && !a.gate[k].shows_text())
}
