//! After the passes: intros two episodes' models place on one theme ([`theme_shared`]), and
//! intros that follow where more episodes play theirs ([`follow_partners_intros`]).

use super::*;

/// In a season where no intro repeats as one: the episodes whose model intro (the first) holds
/// [`PAIRED_MIN_S`] or more of sound that another episode plays, as much of it again, inside its
/// own model intro, the model believing both pieces ([`MINORITY_INTRO_MIN`]); with how many
/// episodes each shares it with (both ways: a pair found from either side counts for both). A
/// series that changes its title sequence mid-season and keeps its theme (family C seed 2035's
/// Crimson Circuit: E01's intro and E04's new one share 32 s of the theme, heard but not seen,
/// and nothing else repeats) has two intros no majority backs, each carried only by the model —
/// where the models of two episodes hear the same theme as their intro, it is not a lone guess.
/// A score cue two intro-less episodes replay reaches this too where the model believes it in
/// both; shorter cues (stings, 5–10 s) do not. Sound matches only ([`Repeat::heard_in`]).
pub(super) fn theme_shared(detections: &[Detection], seconds: &[&[u32]], repeats: &[Vec<Repeat>]) -> Vec<Option<usize>> {
    let n = detections.len();
    let models: Vec<Option<Past>> = detections.iter().map(|d| d.intros.first().map(|i| Past { start: i.start, end: i.end })).collect();
    // The piece of `a..b` inside episode `j`'s model intro, where it is long enough and believed.
    let inside = |j: usize, a: f64, b: f64| {
        let Past { start, end } = models.get(j).copied().flatten()?;
        let (x, y) = (a.max(start), b.min(end));
        (y - x >= PAIRED_MIN_S && mean_over(&detections[j].intro_probability, seconds[j], x, y) >= MINORITY_INTRO_MIN).then_some(())
    };
    let mut pairs = vec![vec![false; n]; n];
    for e in 0..n {
        for r in repeats[e].iter().filter(|r| inside(e, r.start, r.end).is_some()) {
            for &(j, a, b) in r.heard_in.iter().filter(|&&(j, _, _)| j != e && j < n) {
                if inside(j, a, b).is_some() {
                    pairs[e][j] = true;
                    pairs[j][e] = true;
                }
            }
        }
    }
    pairs.iter().map(|p| Some(p.iter().filter(|&&x| x).count()).filter(|&k| k > 0)).collect()
}

/// An intro [`follow_partners_intros`] moved: the one it replaced, and how many other episodes
/// play each as their intro.
#[derive(Clone, Debug, PartialEq)]
pub struct Followed {
    pub replaced: DetectedSegment,
    pub replaced_backers: usize,
    pub backers: usize,
}

/// The distinct partners whose intro (`intros[j]`, the first) holds their copy of `r`.
fn intro_backers(r: &Repeat, intros: &[Option<Past>]) -> usize {
    let mut partners: Vec<usize> = r.elsewhere.iter().filter(|&&(j, a, b)| backs(intros, j, a, b)).map(|&(j, _, _)| j).collect();
    partners.sort_unstable();
    partners.dedup();
    partners.len()
}

/// After the passes, other episodes' intros can change: the series' title places some that no
/// pass could count (a sting too short and too rare to back itself, whose episodes' intros the
/// title finds afterwards). An episode whose intro stands where fewer episodes play theirs
/// than play another stretch of it (at least [`MIN_SHORT_S`], not its recap; seen or only
/// heard: two episodes playing it as their intro is the evidence) as their intro, two or more,
/// takes that stretch instead, with alignment's edges: what most of the season plays as its
/// intro is the intro (family C 2029's Lost Circuit E03, whose sting E01 and E02 play as theirs,
/// found by their title, had kept story it shares with E04; E04, whose new intro plays the
/// sting's sound in its middle, had kept that story). Only episodes
/// `movable` (their intro the passes' or the model's, not the title's or a human's).
/// Repeated until nothing moves (at most [`MAX_PASSES`] sweeps); returns what moved.
pub fn follow_partners_intros(detections: &mut [Detection], repeats: &[Vec<Repeat>], movable: &[bool]) -> Vec<Option<Followed>> {
    let n = detections.len();
    let mut moved: Vec<Option<Followed>> = vec![None; n];
    for _ in 0..MAX_PASSES {
        let intros: Vec<Option<Past>> = detections.iter().map(|d| d.intros.first().map(|i| Past { start: i.start, end: i.end })).collect();
        let mut changed = false;
        for e in 0..n {
            if !movable.get(e).copied().unwrap_or(false) || moved[e].is_some() {
                continue;
            }
            let d = &detections[e];
            let Some(intro) = d.intros.first() else { continue };
            let (s, t) = (intro.start, intro.end);
            let overlaps = |r: &Repeat| r.end.min(t) - r.start.max(s) > 0.0;
            let own = repeats[e].iter().filter(|r| r.end.min(t) - r.start.max(s) > 0.5 * (t - s).min(r.len())).map(|r| intro_backers(r, &intros)).max().unwrap_or(0);
            let recap = |r: &Repeat| d.recaps.iter().any(|c| c.end > r.start && c.start < r.end);
            let best = repeats[e]
                .iter()
                .filter(|r| r.len() >= MIN_SHORT_S && !overlaps(r) && !recap(r))
                .map(|r| (intro_backers(r, &intros), r))
                .filter(|&(b, _)| b >= 2 && b > own)
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.start.total_cmp(&a.1.start)));
            let Some((backers, r)) = best else { continue };
            let by = |b: By| match b {
                By::Sound => Evidence::Sound,
                By::Picture => Evidence::Picture,
            };
            let replaced = detections[e].intros.remove(0);
            let confidence = replaced.confidence.min(FOLLOWED_CONFIDENCE);
            detections[e].intros = vec![DetectedSegment { start: r.start.max(0.0), end: r.end, confidence, start_by: vec![by(r.start_by)], end_by: vec![by(r.end_by)], repeats_in: r.partners.len() }];
            moved[e] = Some(Followed { replaced, replaced_backers: own, backers });
            changed = true;
        }
        if !changed {
            break;
        }
    }
    moved
}

/// The confidence of an intro [`follow_partners_intros`] moved: flagged for a check (the
/// partners' intros it follows were placed by their title, flagged likewise).
pub const FOLLOWED_CONFIDENCE: f64 = 0.6;
