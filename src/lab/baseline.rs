//! The floor every model must beat: in a season, the intro is the longest run of seconds whose
//! frames also appear in another episode. A few lines on top of the encoder and its cache.

use crate::encoder::{cosine, FrameEncoder};
use crate::features::embed_episode;
use crate::error::Result;
use crate::lab::eval::{Interval, Labels};
use std::path::PathBuf;

/// A second "repeats" when some frame of another episode is at least this similar.
pub const REPEAT_SIMILARITY: f32 = crate::features::channels::REPEAT;
/// Gaps of up to this many non-repeating seconds inside a run are bridged.
pub const MAX_GAP_S: usize = 2;
/// Shorter runs are not intros.
pub const MIN_INTRO_S: usize = 5;

pub fn detect_season(files: &[PathBuf], window_s: u32, encoder: &mut dyn FrameEncoder) -> Result<Vec<(PathBuf, Labels)>> {
    let mut all = Vec::new();
    for f in files {
        let (features, _) = embed_episode(f, window_s, encoder, true, &mut |_| true)?;
        all.push(features);
    }
    let mut out = Vec::new();
    for (e, features) in all.iter().enumerate() {
        let repeats: Vec<bool> = (0..features.seconds.len())
            .map(|i| {
                let q = features.embedding(i);
                all.iter().enumerate().filter(|(o, _)| *o != e).any(|(_, other)| {
                    (0..other.seconds.len()).any(|j| cosine(q, other.embedding(j)) >= REPEAT_SIMILARITY)
                })
            })
            .collect();
        out.push((files[e].clone(), longest_run(&repeats)));
    }
    Ok(out)
}

/// The longest run of true seconds, bridging short gaps; empty when shorter than MIN_INTRO_S.
pub fn longest_run(mask: &[bool]) -> Labels {
    let mut filled = mask.to_vec();
    let mut last_true: Option<usize> = None;
    for (i, &m) in mask.iter().enumerate() {
        if m {
            if let Some(l) = last_true.filter(|&l| i - l - 1 <= MAX_GAP_S) {
                filled[l + 1..i].iter_mut().for_each(|f| *f = true);
            }
            last_true = Some(i);
        }
    }
    let (mut best, mut start) = ((0, 0), None);
    for (i, &f) in filled.iter().chain(std::iter::once(&false)).enumerate() {
        match (f, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s > best.1 - best.0 {
                    best = (s, i);
                }
                start = None;
            }
            _ => {}
        }
    }
    if best.1 - best.0 >= MIN_INTRO_S {
        Labels { intros: vec![Interval { start: best.0 as f64, end: best.1 as f64 }], ..Default::default() }
    } else {
        Labels::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_run_bridges_short_gaps() {
        let m: Vec<bool> = "0011111101111110000111".chars().map(|c| c == '1').collect();
        assert_eq!(longest_run(&m).intros, vec![Interval { start: 2.0, end: 15.0 }]);
        let short: Vec<bool> = "0001110000".chars().map(|c| c == '1').collect();
        assert!(longest_run(&short).intros.is_empty());
    }
}
