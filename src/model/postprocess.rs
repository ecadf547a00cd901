//! From a per-second tag path to intervals: binary closing (that keeps the window's first and last
//! seconds, unlike scipy's default border of 0 the seed used), a minimum length, and one intro per
//! episode unless the model is confident of two.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostProcess {
    /// Closing structure length in seconds (odd; 1 disables closing).
    pub closing_s: usize,
    /// Runs shorter than this are dropped (after closing).
    pub min_len_s: usize,
    /// A second intro is kept only when both have at least this mean probability.
    pub second_intro_confidence: f64,
}

impl Default for PostProcess {
    fn default() -> Self {
        // Closing bridges dips of up to 8 s inside an intro (a dark shot, a title card the model
        // doubts); two intros must be further apart than that and both confident.
        PostProcess { closing_s: 9, min_len_s: 5, second_intro_confidence: 0.9 }
    }
}

/// Binary closing (dilation then erosion) with a flat structure of `size` seconds. Outside the
/// window the mask is taken to continue its edge value, so a run touching either end survives
/// (scipy's `binary_closing` erodes it away, border 0).
pub fn closing(mask: &[bool], size: usize) -> Vec<bool> {
    let n = mask.len();
    if n == 0 || size <= 1 {
        return mask.to_vec();
    }
    let r = size / 2;
    // The mask continues its edge values for 2r seconds on either side, and both steps run on
    // that padded mask. Clamping the *dilated* mask instead would carry a run that starts 1–4 s
    // into the window back to 0:00 (its dilation reaches the edge and is then copied outward).
    let pad = 2 * r;
    let ext: Vec<bool> = std::iter::repeat_n(mask[0], pad).chain(mask.iter().copied()).chain(std::iter::repeat_n(mask[n - 1], pad)).collect();
    let len = ext.len() as isize;
    let at = |m: &[bool], i: isize| m[i.clamp(0, len - 1) as usize];
    let dilated: Vec<bool> = (0..len).map(|i| (-(r as isize)..=r as isize).any(|d| at(&ext, i + d))).collect();
    (pad as isize..(pad + n) as isize).map(|i| (-(r as isize)..=r as isize).all(|d| at(&dilated, i + d))).collect()
}

/// Runs of true as half-open second ranges [start, end).
pub fn runs(mask: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &m) in mask.iter().chain(std::iter::once(&false)).enumerate() {
        match (m, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A kept run with its confidence (mean marginal probability of the tag over the run).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub confidence: f64,
}

/// Runs of `mask` after closing and the length filter, each with its mean `probability`.
pub fn clean_runs(mask: &[bool], probability: &[f64], p: &PostProcess) -> Vec<Run> {
    runs(&closing(mask, p.closing_s))
        .into_iter()
        .filter(|(a, b)| b - a >= p.min_len_s)
        .map(|(a, b)| Run { start: a, end: b, confidence: probability[a..b].iter().sum::<f64>() / (b - a) as f64 })
        .collect()
}

/// One intro per episode: the most confident run, plus a second only when both are confident.
pub fn choose_intros(mut runs: Vec<Run>, p: &PostProcess) -> Vec<Run> {
    runs.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then((b.end - b.start).cmp(&(a.end - a.start))));
    let keep = if runs.len() >= 2 && runs[1].confidence >= p.second_intro_confidence && runs[0].confidence >= p.second_intro_confidence { 2 } else { 1 };
    runs.truncate(keep);
    runs.sort_by_key(|r| r.start);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Vec<bool> {
        s.chars().map(|c| c == '1').collect()
    }

    #[test]
    fn closing_fills_short_gaps_and_keeps_the_borders() {
        // Worked by hand, structure 3 (radius 1), edges extended:
        // x        110100011
        // dilated  111110111   (edge-extended: the ends see themselves)
        // eroded   111100011   the 1-gap at 2 closes; the 3-gap at 4–6 shrinks back; ends kept.
        assert_eq!(closing(&m("110100011"), 3), m("111100011"));
        // scipy (border 0) would give 011100010: our first and last seconds survive.
        assert_eq!(closing(&m("1"), 3), m("1"));
        assert_eq!(closing(&m("0110"), 1), m("0110"));
        // Structure 5 closes gaps of up to 4 s.
        assert_eq!(closing(&m("1100001100000"), 5), m("1111111100000"));
    }

    #[test]
    fn a_gap_at_either_edge_of_the_window_is_kept() {
        // An intro starting 1–4 s after 0:00 (or ending 1–4 s before the window's end) is not
        // stretched to the edge: closing bridges gaps between runs, not gaps at the borders.
        for gap in 1..=4 {
            let head: String = "0".repeat(gap) + &"1".repeat(30);
            assert_eq!(closing(&m(&head), 9), m(&head), "start gap {gap}");
            let tail: String = "1".repeat(30) + &"0".repeat(gap);
            assert_eq!(closing(&m(&tail), 9), m(&tail), "end gap {gap}");
        }
        // Inside the window the same gap is bridged.
        assert_eq!(closing(&m("111100111"), 9), m("111111111"));
    }

    #[test]
    fn runs_and_filters() {
        assert_eq!(runs(&m("0110011101")), vec![(1, 3), (5, 8), (9, 10)]);
        let prob = vec![0.9; 20];
        let p = PostProcess { closing_s: 1, min_len_s: 3, second_intro_confidence: 0.95 };
        let r = clean_runs(&m("11000111100000111111"), &prob, &p);
        assert_eq!(r.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>(), vec![(5, 9), (14, 20)]);
        let chosen = choose_intros(r, &p);
        assert_eq!(chosen.len(), 1, "0.9 < 0.95: only one intro");
        assert_eq!((chosen[0].start, chosen[0].end), (14, 20), "ties go to the longer run");
    }
}
