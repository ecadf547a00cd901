//! The tail's coarse pass: where in a long tail credits may be, from its keyframes alone
//! (each decodes on its own), read from the end back, before the 1 FPS pass looks closely.

use super::{is_credit, DARK};
use crate::features::picture::{centre_luma, text_cue, TextCue, ROLL_TOLERANCE};
use crate::video::keyframes::Pick;

/// Keyframes further apart than this do not join one stretch of credits in the coarse pass.
pub const COARSE_GAP_S: f64 = 30.0;
/// The coarse pass looks at no more keyframes than this (evenly thinned beyond).
pub(super) const COARSE_KEYFRAMES: usize = 400;

/// The coarse pass passes over a keyframe shown less than this after the last one it decoded
/// where the next comes less than twice this after that last one
/// ([`crate::video::keyframes::Pick::min_gap_s`]): x264 puts one at every cut of busy story
/// footage (a third of a 45-minute episode's tail came 1–3 s apart), and each costs ~15 CPU-ms
/// at 1080p. No 6 s pass without a keyframe decoded where the file has one, so credits lasting
/// 6 s past a keyframe show in one decoded as before (the cut into them is decoded where the
/// next keyframe is 10 s on); those passed over in the [`COARSE_BEFORE_S`] before the credits
/// found are read afterwards, for where they begin.
pub const COARSE_MIN_GAP_S: f64 = 3.0;
/// The coarse pass reads a long tail from its end back, this long a stretch at a time...
const COARSE_STEP_S: f64 = 150.0;
/// ...and stops where this long a stretch of keyframes before every credit keyframe found
/// shows none: end credits sit at the end, and a keyframe costs ~15 CPU-ms at 1080p.
pub const COARSE_STOP_S: f64 = 120.0;

/// The coarse pass over a long tail `[start_s, end_s)` of `path`: its keyframes alone (each
/// decodes on its own), and where those showing credits cluster: (first, last) time of the
/// cluster with the most, a later one on a tie. None when no keyframe shows credits. The 1 FPS
/// pass then looks only from there to the end of the file.
///
/// Read from the end back ([`COARSE_STEP_S`] at a time), it stops once a run of two or more
/// credit keyframes was found and [`COARSE_STOP_S`] of keyframes before everything found show
/// no credits: a 10-minute tail whose credits fill its last half minute decodes a quarter of
/// its keyframes (2.3 of 4.9 CPU-s of a 45-minute 1080p
/// episode's tail went to them). A bigger cluster further back than that is not looked for —
/// the film's credits inside a story, or text cards — where reading it all took it. Where
/// keyframes are far apart (x264's defaults: up to 10 s over a still picture) credits can
/// show in one alone: names rolling beside a squeezed-back picture, 22 s of them, read the
/// whole 10-minute tail (2.7 s beside the head's analysis). A lone one showing a list (two
/// lines or more) is looked past once ([`PROBE_S`]): another list there, its lines elsewhere,
/// counts as a second credit keyframe; a card that stays (one after a post-credits scene), or
/// one line (a subtitle over a dark scene), does not. A probe that cannot be decoded is one
/// that saw nothing. `go` false stops it ([`crate::Error::Cancelled`]).
pub fn coarse_credits(path: &std::path::Path, start_s: f64, end_s: f64, go: &(dyn Fn() -> bool + Sync)) -> crate::error::Result<Option<CoarseCredits>> {
    // The same lines as the 1 FPS pass reads ([`text_cue`]: lit rows over black, a column of
    // names in one half), or credits the fine pass would find are never looked for.
    let judge = |img: &image::RgbImage| is_credit(text_cue(img).lines as usize, centre_luma(img).0 < DARK);
    coarse_from_end(
        start_s,
        end_s,
        &mut |lo, hi, pick, lead| {
            let frames = crate::video::keyframes::keyframes(path, lo, hi, crate::features::picture::TEXT_HEIGHT, pick, lead, go)?;
            Ok(frames.iter().map(|(t, img)| (*t, judge(img))).collect())
        },
        &mut |keyframe, other| {
            let times = [keyframe.min(other), keyframe.max(other)];
            let frames = match crate::video::keyframes::frames_shown_at(path, &times, crate::features::picture::TEXT_HEIGHT, go) {
                Ok(frames) => frames,
                Err(crate::error::Error::Cancelled) => return Err(crate::error::Error::Cancelled),
                // Damaged past the keyframe: the pass reads on as without the probe.
                Err(_) => return Ok(false),
            };
            let [(_, a), (_, b)] = frames.as_slice() else { return Ok(false) };
            let (a, b) = if other > keyframe { (text_cue(a), text_cue(b)) } else { (text_cue(b), text_cue(a)) };
            Ok(a.lines >= 2 && b.lines >= 2 && other_lines(&a, &b))
        },
    )
}

/// A lone credit keyframe is looked past this far: the picture then is decoded from it (about
/// 100 frames). Where the file ends sooner, the picture this far before it, decoded from the
/// keyframe before that (up to a whole GOP).
pub const PROBE_S: f64 = 4.0;
/// At most this many lone credit keyframes are looked past in one tail.
const PROBES: usize = 2;

/// Whether either picture shows a line the other has nowhere near ([`ROLL_TOLERANCE`]): a list
/// that moved or a new card, not one held still.
fn other_lines(a: &TextCue, b: &TextCue) -> bool {
    let (p, c): (Vec<f32>, Vec<f32>) = (a.band_centres().collect(), b.band_centres().collect());
    let unmatched = |x: &[f32], y: &[f32]| x.iter().any(|&u| !y.iter().any(|&v| (u - v).abs() <= ROLL_TOLERANCE));
    unmatched(&p, &c) || unmatched(&c, &p)
}

/// What the coarse pass found: the first and last keyframe of the cluster that shows credits,
/// and the keyframes read in the [`COARSE_BEFORE_S`] before its first, in order (those show
/// none: the credits as the picture cue sees them begin after the last of them).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CoarseCredits {
    pub first: f64,
    pub last: f64,
    pub before: Vec<f64>,
}

/// How far before the credits' first keyframe [`CoarseCredits::before`] lists keyframes.
pub const COARSE_BEFORE_S: f64 = 30.0;

/// Whether two of `hits` (times of credit keyframes) lie within [`COARSE_GAP_S`] of each other.
fn several(hits: &[f64]) -> bool {
    let mut sorted = hits.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.windows(2).any(|w| w[1] - w[0] <= COARSE_GAP_S)
}

/// [`coarse_credits`] with the keyframes read by `read(lo, hi, pick, lead)`: each keyframe in
/// `[lo, hi)` that `pick` chooses (with `lead`, the one on screen at `lo` timed `lo`) and whether
/// it shows credits; and `probe(keyframe, t)`: whether the picture at `t` shows credits other
/// than that credit keyframe's lines.
pub(super) fn coarse_from_end(
    start_s: f64,
    end_s: f64,
    read: &mut dyn FnMut(f64, f64, Pick<'_>, bool) -> crate::error::Result<Vec<(f64, bool)>>,
    probe: &mut dyn FnMut(f64, f64) -> crate::error::Result<bool>,
) -> crate::error::Result<Option<CoarseCredits>> {
    let mut seen: Vec<(f64, bool)> = Vec::new();
    // Lone credit keyframes looked past, and whether credits went on there.
    let mut probed: Vec<(f64, bool)> = Vec::new();
    let mut hi = end_s;
    while hi > start_s {
        // No stretch shorter than half a step is left over at the start: it joins this one.
        let lo = if hi - COARSE_STEP_S < start_s + COARSE_STEP_S / 2.0 { start_s } else { hi - COARSE_STEP_S };
        // This stretch's share of the keyframes, and the few that [`crate::video::keyframes`]
        // keeps back per call: a long tail thinned as densely as when it was read in one call.
        let limit = ((COARSE_KEYFRAMES as f64) * (hi - lo) / (end_s - start_s).max(1e-9)).ceil() as usize + 5;
        seen.extend(read(lo, hi, Pick { limit, min_gap_s: COARSE_MIN_GAP_S, known: &[] }, lo <= start_s)?);
        let hits: Vec<f64> = seen.iter().filter(|(_, hit)| *hit).map(|(t, _)| *t).collect();
        // Only once a run of two or more was found: one keyframe of text (a sign, a card after
        // a post-credits scene) must not stop the pass short of the credits, unless other
        // lines of credits follow it (or precede it, at the file's end) where no keyframe is.
        if hits.iter().copied().reduce(f64::min).is_some_and(|first| first - lo >= COARSE_STOP_S) {
            if several(&hits) {
                break;
            }
            let mut lone = hits.clone();
            lone.sort_by(|a, b| b.total_cmp(a));
            for h in lone {
                let t = if h + PROBE_S < end_s - 0.5 { h + PROBE_S } else { h - PROBE_S };
                if probed.iter().any(|&(k, _)| k == h) || probed.len() >= PROBES || t < start_s {
                    continue;
                }
                probed.push((h, probe(h, t)?));
            }
            if probed.iter().any(|&(_, went_on)| went_on) {
                break;
            }
        }
        hi = lo;
    }
    seen.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = best_cluster(&seen, &probed);
    // The keyframes passed over in the [`COARSE_BEFORE_S`] before the credits' first, read now:
    // where the credits begin and the clear keyframes before them, as if every keyframe had been
    // read, up to [`REFINE_STEPS`] steps back (the 1 FPS pass starts from those: names over
    // footage that a keyframe passed over showed were first seen 6 s late, and the story's own
    // text before them taken for credits).
    let mut dense_from = f64::INFINITY;
    for _ in 0..REFINE_STEPS {
        let Some((first, _, _)) = best else { break };
        let (lo, hi) = ((first - COARSE_BEFORE_S).max(start_s), first.min(dense_from));
        if hi <= lo {
            break;
        }
        let known: Vec<f64> = seen.iter().map(|(t, _)| *t).filter(|t| (lo..hi).contains(t)).collect();
        seen.extend(read(lo, hi, Pick { limit: COARSE_KEYFRAMES, min_gap_s: 0.0, known: &known }, false)?);
        seen.sort_by(|a, b| a.0.total_cmp(&b.0));
        // One decoded twice (a file without pts, its packets and frames timed apart) counts once.
        seen.dedup_by(|b, a| (a.0 - b.0).abs() < 1e-6);
        dense_from = lo;
        best = best_cluster(&seen, &probed);
        if !best.is_some_and(|(f, _, _)| f < first) {
            break;
        }
    }
    Ok(best.map(|(first, last, _)| CoarseCredits { first, last, before: seen.iter().map(|(t, _)| *t).filter(|&t| t < first && t >= first - COARSE_BEFORE_S).collect() }))
}

/// How many times the credits' start may move back while the keyframes before it are read in
/// full (each step [`COARSE_BEFORE_S`]).
const REFINE_STEPS: usize = 4;

/// The cluster of credit keyframes in `seen` (time order) with the most, a later one on a tie:
/// (first, last, count). A lone keyframe whose probe saw the list go on counts as the run of two
/// it stood for.
fn best_cluster(seen: &[(f64, bool)], probed: &[(f64, bool)]) -> Option<(f64, f64, usize)> {
    let found: Vec<f64> = seen.iter().filter(|(_, hit)| *hit).map(|(t, _)| *t).collect();
    let mut best: Option<(f64, f64, usize)> = None;
    let mut i = 0;
    while i < found.len() {
        let mut j = i;
        while j + 1 < found.len() && found[j + 1] - found[j] <= COARSE_GAP_S {
            j += 1;
        }
        let count = j - i + 1 + probed.iter().filter(|&&(k, went_on)| went_on && (found[i]..=found[j]).contains(&k)).count();
        if best.is_none_or(|(_, _, c)| count >= c) {
            best = Some((found[i], found[j], count));
        }
        i = j + 1;
    }
    best
}
