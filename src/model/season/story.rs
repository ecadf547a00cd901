//! Story the season shares, not its intro: long repeats the model sees as story in every copy
//! ([`shared_story`]), whether calling them so changes anything ([`story_matters`]), and a
//! stretch cut to what its intro's partners share where the rest is story ([`trimmed`]).

use super::*;

/// A stretch of repeats at least this long (seconds) where the model sees no intro in any copy
/// ([`STORY_MAX_P`]) may be story the season shares ([`shared_story`]). Longer than a sting
/// (5–10 s, which the model may doubt everywhere too); 20 s until 2026-12-05, when family C seed
/// 2033's Last Harbor, a series without an intro, had 17 s of its first scene taken for the intro
/// of three episodes (every value from 8 to 17 s gives the same answers on every validation set).
pub(super) const STORY_MIN_S: f64 = 12.0;
/// The model's mean P(intro) below which a copy is story to it.
pub(super) const STORY_MAX_P: f64 = 0.35;

/// A stretch trimmed to intro at most this much (seconds) is left whole.
const TRIM_MIN_S: f64 = 2.0;
/// Where a partner that shares a stretch has no intro (one the season may have missed), the
/// stretch is trimmed only where at least this much (seconds) lies past what the partners that
/// play it as their intro share: longer than the shots of a sting.
const STORY_PAST_INTRO_S: f64 = 10.0;

/// Pass 2 on: a stretch whose partners share different parts of it — some where they play their
/// own intro, the others only in their story — is cut to what the first share, on each side
/// where the model sees story in the rest ([`STORY_MAX_P`]). Wider family B's
/// Distant Signal E03: a 6 s sting shared with the episode that plays it as its intro, then 9 s
/// of story music two other episodes play in their bodies, was taken whole (a false skip).
pub(super) fn trimmed(r: &Repeat, start: f64, end: f64, first: &[Option<Past>], d: &Detection, seconds: &[u32]) -> (f64, f64) {
    if r.here.len() != r.elsewhere.len() {
        return (start, end);
    }
    let backing: Vec<(f64, f64)> = r.here.iter().zip(&r.elsewhere).filter(|&(_, &(j, a, b))| backs(first, j, a, b)).map(|(&(_, s, t), _)| (s, t)).collect();
    // The others' copies must be story there: each of them has an intro elsewhere. A partner
    // with none may be one whose intro the season missed (family B's Silver Meadow E04, whose new
    // intro shares the second shot of E03's sting: cut there, E03 lost 3 s of its sting).
    let story_there = r.elsewhere.iter().all(|&(j, a, b)| backs(first, j, a, b) || first.get(j).copied().flatten().is_some());
    if backing.is_empty() || backing.len() == r.here.len() {
        return (start, end);
    }
    let a = backing.iter().map(|m| m.0).fold(f64::INFINITY, f64::min).max(start);
    let b = backing.iter().map(|m| m.1).fold(f64::NEG_INFINITY, f64::max).min(end);
    // A partner without an intro shares more than a sting's shot past what the intro's partners
    // share: story (wider family B's Secret Bureau E01, whose intro ran on 19.5 s into story
    // E04 plays).
    if b - a < MIN_SHORT_S || (!story_there && (a - start).max(end - b) < STORY_PAST_INTRO_S) {
        return (start, end);
    }
    let story = |x: f64, y: f64| y - x >= TRIM_MIN_S && mean_over(&d.intro_probability, seconds, x, y) < STORY_MAX_P;
    (if story(start, a) { a } else { start }, if story(b, end) { b } else { end })
}

/// Repeats that may be story the season reuses with its sound, not its intro (indices into each
/// episode's repeats): part of a stretch of touching repeats, one copy in some partner, at least
/// [`STORY_MIN_S`] long, where
/// the model sees no intro ([`STORY_MAX_P`]) here or in any copy. An intro the model doubts in one
/// episode it believes in another, and a sting is short; but a quiet intro can look like this
/// too, so these are only candidates: [`judge_season_with`] passes over those whose pictures were
/// read without finding the series' title (family C seed 2031 and tails-other 5046: 25–55 s of
/// story three episodes play, taken for the intro of episodes that have none).
pub fn shared_story(detections: &[Detection], seconds: &[&[u32]], repeats: &[Vec<Repeat>]) -> Vec<Vec<usize>> {
    // A copy with no sampled second inside says nothing: not story.
    let p = |j: usize, a: f64, b: f64| {
        let (Some(d), Some(&s)) = (detections.get(j), seconds.get(j)) else { return 1.0 };
        if s.iter().any(|&x| f64::from(x) + 0.5 > a && f64::from(x) + 0.5 < b) {
            mean_over(&d.intro_probability, s, a, b)
        } else {
            1.0
        }
    };
    repeats
        .iter()
        .enumerate()
        .map(|(e, list)| {
            // Pieces the model sees as story everywhere; the stretch is counted among those alone
            // (a recap or an intro the model believes in beside a sting does not make it long).
            let storied: Vec<(usize, &Repeat)> = list.iter().enumerate().filter(|(_, r)| p(e, r.start, r.end) < STORY_MAX_P && r.elsewhere.iter().all(|&(j, a, b)| p(j, a, b) < STORY_MAX_P)).collect();
            let pieces: Vec<&Repeat> = storied.iter().map(|&(_, r)| r).collect();
            storied.iter().filter(|(_, r)| stretch(&pieces, r) >= STORY_MIN_S).map(|&(k, _)| k).collect()
        })
        .collect()
}

/// Whether passing over the repeats `story` lists ([`shared_story`]'s candidates) changes what
/// [`judge_season_with`] decides: where it does not, whether their pictures show the series'
/// title cannot matter, and reading them (Tesseract, ~0.5 s a frame where the story shows pages
/// of text) is skipped. Judged at the two extremes, all of them story and none (a mix could in
/// principle differ from both): measured on the 96 episodes of dev, held-out, families B and C
/// and two split-credits sets, which get the same answers as when every candidate is read.
pub fn story_matters(detections: &[Detection], seconds: &[&[u32]], repeats: &[Vec<Repeat>], story: &[Vec<usize>]) -> bool {
    if story.iter().all(Vec::is_empty) {
        return false;
    }
    let (mut marked, mut unmarked) = (detections.to_vec(), detections.to_vec());
    let a = judge_season_with(&mut marked, seconds, repeats, story);
    let b = judge_season_with(&mut unmarked, seconds, repeats, &[]);
    a != b || marked != unmarked
}

/// Whether passing over the repeats `more` lists as well as those `base` lists changes the
/// intros or recaps [`judge_season_with`] leaves (what it says alone does not count: the songs
/// `service::detect` reads for this are no story note's).
pub fn story_changes(detections: &[Detection], seconds: &[&[u32]], repeats: &[Vec<Repeat>], base: &[Vec<usize>], more: &[Vec<usize>]) -> bool {
    if more.iter().all(Vec::is_empty) {
        return false;
    }
    let both: Vec<Vec<usize>> = (0..base.len().max(more.len())).map(|e| base.get(e).into_iter().chain(more.get(e)).flatten().copied().collect()).collect();
    let (mut marked, mut unmarked) = (detections.to_vec(), detections.to_vec());
    judge_season_with(&mut marked, seconds, repeats, &both);
    judge_season_with(&mut unmarked, seconds, repeats, base);
    marked != unmarked
}
