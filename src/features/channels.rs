//! The model's per-second input channels, computed from an episode's features and, in season
//! mode, the other episodes of its season: novelty, season repetition, picture (luma, text) and
//! sound. A model lists the channels it reads in its manifest; this module computes them all.

use super::{picture, EpisodeFeatures};
use crate::encoder::cosine;

/// Extra per-second channels after the embedding (a new list means a new model):
/// - `novelty_prev` / `novelty_next`: 1 − cosine to the neighbouring seconds (cuts, fades);
/// - `repeat_max`: the best cosine to any second of another episode of the season;
/// - `repeat_frac`: the share of the season's other episodes holding a near-copy (≥ [`REPEAT`]) —
///   an intro repeats in most episodes, a recap clip in one;
/// - `run_max`: the longest run of consecutive seconds, through this one, that another episode
///   shows in the same order (a diagonal in the similarity matrix; steps of 0–2 s allowed, so PAL
///   speed-ups still align), in units of 30 s, capped at 3;
/// - `run_frac`: the share of other episodes holding such a run of at least [`MIN_RUN_S`];
/// - `season`: 1 when other episodes were given, 0 for a lone episode (the channels above are
///   then 0 and the model relies on the episode alone);
/// - `luma_mean` / `luma_std`: brightness and contrast of the thumbnail's centre (fades to black,
///   title cards on flat backgrounds) — the embedded descriptor is blind to both by design;
/// - the sound channels of [`super::sound::AUDIO_CHANNELS`] (loudness, changes of sound
///   at either side, onsets, tonality): what a lone episode's soundtrack says;
/// - `text`: how strongly a line of overlaid text stands out ([`super::picture::text_line`]): title
///   cards, captions, credits.
///
/// A model lists the channels it reads in its manifest; older models read a prefix of this list.
pub const CHANNELS: [&str; 15] = [
    "novelty_prev", "novelty_next", "repeat_max", "repeat_frac", "run_max", "run_frac", "season", "luma_mean", "luma_std",
    "loudness", "sound_change_prev", "sound_change_next", "sound_flux", "tonality", "text",
];
/// A run this long (seconds) counts as shared footage rather than a coincidence.
pub const MIN_RUN_S: usize = 5;
/// Cosine above which two seconds count as the same footage (the baseline's threshold).
pub const REPEAT: f32 = 0.92;

/// The model's input for one episode: each second's embedding followed by [`CHANNELS`].
/// `season` holds the other episodes of its season when known (season mode), else is empty.
/// Returns row-major `[seconds × input_dim]`.
pub fn input_rows(features: &EpisodeFeatures, season: &[&EpisodeFeatures]) -> Vec<f32> {
    let n = features.seconds.len();
    let others: Vec<Against> = season.iter().filter(|o| o.dim() == features.dim()).map(|o| against(features, o)).collect();
    let mut out = Vec::with_capacity(n * (features.dim() + CHANNELS.len()));
    for i in 0..n {
        let e = features.embedding(i);
        out.extend_from_slice(e);
        let novelty = |j: Option<usize>| j.filter(|&j| j < n).map_or(0.0, |j| 1.0 - cosine(e, features.embedding(j)));
        out.push(novelty(i.checked_sub(1)));
        out.push(novelty(Some(i + 1)));
        if others.is_empty() {
            out.extend_from_slice(&[0.0; 5]);
        } else {
            let best = others.iter().map(|o| o.best[i]).fold(-1.0f32, f32::max);
            let frac = others.iter().filter(|o| o.best[i] >= REPEAT).count() as f32 / others.len() as f32;
            let run = others.iter().map(|o| o.run[i]).max().unwrap_or(0);
            let run_frac = others.iter().filter(|o| o.run[i] >= MIN_RUN_S).count() as f32 / others.len() as f32;
            out.extend_from_slice(&[best, frac, (run as f32 / 30.0).min(3.0), run_frac, 1.0]);
        }
        let (mean, std) = features.thumbnails.get(i).map_or((0.0, 0.0), picture::centre_luma);
        out.extend_from_slice(&[mean, std]);
        let sound = features.sound_at(features.seconds[i]);
        out.extend_from_slice(&sound);
        out.push(features.thumbnails.get(i).map_or(0.0, picture::text_line));
    }
    out
}

/// Keep the embedding and the channels a model reads (`pick`: indices into [`CHANNELS`]) from
/// rows laid out by [`input_rows`].
pub fn pick_channels(rows: &[f32], embed_dim: usize, pick: &[usize]) -> Vec<f32> {
    let width = embed_dim + CHANNELS.len();
    if pick.len() == CHANNELS.len() && pick.iter().enumerate().all(|(i, &c)| i == c) {
        return rows.to_vec();
    }
    rows.chunks_exact(width).flat_map(|row| row[..embed_dim].iter().copied().chain(pick.iter().map(|&c| row[embed_dim + c]))).collect()
}

/// The indices into [`CHANNELS`] of a model's channel names; an unknown name is an error.
pub fn channel_indices(names: &[String]) -> std::result::Result<Vec<usize>, String> {
    names.iter().map(|n| CHANNELS.iter().position(|c| c == n).ok_or_else(|| format!("model reads channel '{n}', which this build does not compute"))).collect()
}

/// Per second of an episode, against one other episode: best cosine and longest aligned run.
struct Against {
    best: Vec<f32>,
    run: Vec<usize>,
}

fn against(a: &EpisodeFeatures, b: &EpisodeFeatures) -> Against {
    let (n, m) = (a.seconds.len(), b.seconds.len());
    // Every pair's cosine at once: the embeddings are L2-normalised, so it is one matrix product.
    let similarity = a.embeddings.dot(&b.embeddings.t());
    let best: Vec<f32> = similarity.rows().into_iter().map(|r| r.iter().copied().fold(-1.0f32, f32::max)).collect();
    let hit: Vec<bool> = similarity.iter().map(|&c| c >= REPEAT).collect();
    // Longest monotone path of hits through (i, j): forward and backward, steps j+0..=2 per i+1.
    let mut fwd = vec![0usize; n * m];
    for i in 0..n {
        for j in 0..m {
            if hit[i * m + j] {
                let prev = if i == 0 { 0 } else { (0..=2).filter(|d| j >= *d).map(|d| fwd[(i - 1) * m + j - d]).max().unwrap_or(0) };
                fwd[i * m + j] = prev + 1;
            }
        }
    }
    let mut bwd = vec![0usize; n * m];
    for i in (0..n).rev() {
        for j in 0..m {
            if hit[i * m + j] {
                let next = if i + 1 == n { 0 } else { (0..=2).filter(|d| j + d < m).map(|d| bwd[(i + 1) * m + j + d]).max().unwrap_or(0) };
                bwd[i * m + j] = next + 1;
            }
        }
    }
    let run = (0..n).map(|i| (0..m).map(|j| if hit[i * m + j] { fwd[i * m + j] + bwd[i * m + j] - 1 } else { 0 }).max().unwrap_or(0)).collect();
    Against { best, run }
}

