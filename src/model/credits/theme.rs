//! The season's end theme: credits the picture rule does not see in one episode (names in a
//! typography none of its cues read), found where the other episodes of the season play the same
//! sound during their own credits. The picture rule learned how our credits look, as the intro
//! model learned our intros; a series' end theme is heard the same whatever the names look like.

use super::TailFound;
use crate::features::align::{By, Match};
use crate::model::{DetectedSegment, Evidence};

/// One episode's tail as the season's end theme sees it: what the picture rule found, and where
/// its window begins in the file (matches count from there).
pub struct ThemeTail<'a> {
    pub found: &'a TailFound,
    pub window_start_s: f64,
    pub duration_s: f64,
}

/// The shortest shared sound that counts as an end theme: shorter shared sound is a sting or a
/// jingle (a channel's, a studio's), which plays over story as often as over names.
pub const MIN_THEME_S: f64 = 8.0;
/// The share of a partner's copy of the sound that must lie inside that partner's credits: the
/// sound is what plays *during* the credits, not a score cue heard once over them.
const IN_CREDITS: f64 = 0.8;
/// The confidence of credits found by sound alone: below the app's "uncertain" line (0.7), so
/// that a user checks them; no set these choices were made on holds enough of them to calibrate.
pub const THEME_CONFIDENCE: f64 = 0.65;
/// Coverage grid (seconds).
const GRID_S: f64 = 0.1;

/// Credits by the season's end theme, for each episode the picture rule found none in (None
/// elsewhere, and where the sound says nothing): the longest span of its tail whose sound
/// `partners_needed` other episodes play inside their own credits (each copy at least
/// [`MIN_THEME_S`] long, [`IN_CREDITS`] of it inside those credits), where two partners are
/// needed once two other episodes have credits (one alone may share a scene's sound by chance: a
/// series reuses footage, and names over story play the story's sound). A preview the rule
/// found keeps its seconds. `matches(i, j)`: the sound and picture matches of episode `i`'s tail
/// in episode `j`'s, times from each window's start ([`Match`]).
pub fn theme_credits(tails: &[ThemeTail], matches: &mut dyn FnMut(usize, usize) -> Vec<Match>) -> Vec<Option<DetectedSegment>> {
    let with_credits = |j: usize| tails[j].found.credits.iter().chain(&tails[j].found.more_credits).map(|c| (c.start, c.end)).collect::<Vec<_>>();
    (0..tails.len())
        .map(|i| {
            if tails[i].found.credits.is_some() {
                return None;
            }
            let others: Vec<usize> = (0..tails.len()).filter(|&j| j != i && tails[j].found.credits.is_some()).collect();
            if others.is_empty() {
                return None;
            }
            let needed = others.len().min(2);
            // Per partner, the spans of this tail (file seconds) it plays inside its credits.
            let mut carried: Vec<(usize, f64, f64)> = Vec::new();
            for &j in &others {
                let credits = with_credits(j);
                for m in matches(i, j).into_iter().filter(|m| m.by == By::Sound && m.len() >= MIN_THEME_S) {
                    let (ps, pe) = (m.other_start + tails[j].window_start_s, m.other_end + tails[j].window_start_s);
                    let inside: f64 = credits.iter().map(|&(s, e)| (pe.min(e) - ps.max(s)).max(0.0)).sum();
                    if inside >= IN_CREDITS * (pe - ps) {
                        carried.push((j, m.start + tails[i].window_start_s, m.end + tails[i].window_start_s));
                    }
                }
            }
            let (start, end, partners) = longest_held(&carried, needed)?;
            // The end of the file is exact; a preview the picture rule found keeps its seconds.
            let duration = tails[i].duration_s;
            let end = if duration - end < 1.0 { duration } else { end };
            let end = tails[i].found.preview.as_ref().filter(|p| p.start > start).map_or(end, |p| end.min(p.start));
            (end - start >= MIN_THEME_S).then(|| DetectedSegment {
                start,
                end,
                confidence: THEME_CONFIDENCE,
                start_by: vec![Evidence::Sound],
                end_by: vec![Evidence::Sound],
                repeats_in: partners,
            })
        })
        .collect()
}

/// The longest span that at least `needed` distinct partners of `carried` (partner, start, end)
/// hold, with how many partners hold any of it.
fn longest_held(carried: &[(usize, f64, f64)], needed: usize) -> Option<(f64, f64, usize)> {
    let lo = carried.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
    let hi = carried.iter().map(|c| c.2).fold(f64::NEG_INFINITY, f64::max);
    if !(hi > lo) {
        return None;
    }
    let cells = ((hi - lo) / GRID_S).ceil() as usize;
    let held = |k: usize| {
        let t = lo + (k as f64 + 0.5) * GRID_S;
        let mut who: Vec<usize> = carried.iter().filter(|c| c.1 <= t && t < c.2).map(|c| c.0).collect();
        who.sort_unstable();
        who.dedup();
        who.len() >= needed
    };
    let mut best: Option<(usize, usize)> = None;
    let mut k = 0;
    while k < cells {
        if !held(k) {
            k += 1;
            continue;
        }
        let s = k;
        while k < cells && held(k) {
            k += 1;
        }
        if best.is_none_or(|(a, b)| k - s > b - a) {
            best = Some((s, k));
        }
    }
    let (s, e) = best?;
    let (start, end) = (lo + s as f64 * GRID_S, lo + e as f64 * GRID_S);
    let mut partners: Vec<usize> = carried.iter().filter(|c| c.2 > start && c.1 < end).map(|c| c.0).collect();
    partners.sort_unstable();
    partners.dedup();
    Some((start, end, partners.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credits(start: f64, end: f64) -> TailFound {
        TailFound { credits: Some(DetectedSegment::by_model(start, end, 0.9)), ..Default::default() }
    }

    fn sound(start: f64, end: f64, other_start: f64) -> Match {
        Match { start, end, other_start, other_end: other_start + (end - start), by: By::Sound, distance: 3.0 }
    }

    #[test]
    fn credits_no_picture_cue_sees_are_found_where_two_other_episodes_play_their_end_theme() {
        // Four tails of a season, each window from 600 s. E1's names are missed by the picture
        // rule; E0, E2 and E3 show credits at 640–670 over a theme E1 plays at 630–660.
        let none = TailFound::default();
        let (e0, e2, e3) = (credits(640.0, 670.0), credits(641.0, 670.0), credits(640.0, 672.0));
        let tails = [&e0, &none, &e2, &e3].map(|found| ThemeTail { found, window_start_s: 600.0, duration_s: 680.0 });
        let mut theme = |i: usize, j: usize| match (i, j) {
            (1, 0) | (1, 2) => vec![sound(30.0, 60.0, 40.0)],
            // E3 plays only its first 20 s, and a scene's sound of E1's story (its 5–25 s) in its own story.
            (1, 3) => vec![sound(30.0, 50.0, 40.0), sound(5.0, 25.0, 5.0)],
            _ => Vec::new(),
        };
        let found = theme_credits(&tails, &mut theme);
        let c = found[1].as_ref().expect("E1's credits found by their sound");
        assert_eq!(((c.start * 10.0).round() / 10.0, (c.end * 10.0).round() / 10.0), (630.0, 660.0));
        assert_eq!((c.start_by.as_slice(), c.end_by.as_slice(), c.repeats_in), ([Evidence::Sound].as_slice(), [Evidence::Sound].as_slice(), 3));
        assert!(c.confidence < 0.7, "found by sound alone: flagged for a check");
        assert!(found.iter().enumerate().all(|(i, f)| i == 1 || f.is_none()), "the picture rule's credits stand");
    }

    #[test]
    fn story_sound_one_partner_shares_is_not_credits_nor_sound_a_partner_plays_over_its_story() {
        let none = TailFound::default();
        let (e0, e2) = (credits(640.0, 670.0), credits(640.0, 670.0));
        let tails = [&e0, &none, &e2].map(|found| ThemeTail { found, window_start_s: 600.0, duration_s: 680.0 });
        // Only E0 plays it inside its credits (E2 has credits, so two partners are needed).
        let mut one = |i: usize, j: usize| if (i, j) == (1, 0) { vec![sound(30.0, 60.0, 40.0)] } else { Vec::new() };
        assert!(theme_credits(&tails, &mut one)[1].is_none());
        // Both play it, but over their story (10–40), not their credits.
        let mut story = |i: usize, j: usize| if i == 1 && j != 1 { vec![sound(30.0, 60.0, 10.0)] } else { Vec::new() };
        assert!(theme_credits(&tails, &mut story)[1].is_none());
        // A short shared jingle inside both partners' credits is no end theme.
        let mut jingle = |i: usize, j: usize| if i == 1 && j != 1 { vec![sound(30.0, 36.0, 40.0)] } else { Vec::new() };
        assert!(theme_credits(&tails, &mut jingle)[1].is_none());
    }

    #[test]
    fn with_one_other_episode_its_credits_alone_carry_the_theme_and_a_preview_keeps_its_seconds() {
        let none = TailFound { preview: Some(DetectedSegment::by_model(655.0, 680.0, 0.8)), ..Default::default() };
        let e0 = credits(640.0, 670.0);
        let tails = [&e0, &none].map(|found| ThemeTail { found, window_start_s: 600.0, duration_s: 680.0 });
        let mut theme = |i: usize, _: usize| if i == 1 { vec![sound(30.0, 60.0, 40.0)] } else { Vec::new() };
        let c = theme_credits(&tails, &mut theme)[1].clone().expect("one partner is enough when it is the only one");
        assert_eq!(((c.start * 10.0).round() / 10.0, (c.end * 10.0).round() / 10.0, c.repeats_in), (630.0, 655.0, 1));
    }
}
