//! A theme begun over the story's last shot (a J-cut, sound leading picture): where the season's
//! sound placed an intro's start at the theme's first note, whether its pictures start later
//! ([`picture_start`]; README "A theme begun over the story's last shot").

use super::{pair_matches, picture, By, EpisodeFeatures, Match, PairCache};

/// Where the intro of episode `i` of `season`, placed from `start` by sound, begins with its
/// pictures instead: the theme begun over the last shot of the story before it (a J-cut, sound
/// leading picture by 1–5 s), so a skip from the theme's first note skips story. Some((new
/// start, whether the partners' themes lead too)) where [`lead_of`] finds such a lead here, and
/// no partner that plays the sound over it looks led the same way — with two episodes, one whose
/// theme leads and one whose pictures start with it look alike from either side (each shows
/// pictures the other does not under the theme's first seconds), and only a third episode
/// showing the intro's first pictures under its theme tells which is which — or every lead,
/// here and in each partner that looks led, carries on the shot showing before the theme's first
/// note ([`picture::carried_over`]): a series that starts its theme early in every episode.
pub fn picture_start(season: &[&EpisodeFeatures], i: usize, start: f64, end: f64, cache: &mut PairCache) -> Option<(f64, bool)> {
    let ids: Vec<u64> = season.iter().map(|e| super::identity(e)).collect();
    let to = lead_of(season, &ids, i, start, end, cache)?;
    let carried = picture::carried_over(season[i], start, to + 0.5);
    let mut led = false;
    for j in (0..season.len()).filter(|&j| j != i) {
        let theirs = pair_matches(season, &ids, j, i, cache);
        for m in pair_matches(season, &ids, i, j, cache).iter().filter(|m| heard_over(m, start)) {
            let (there, there_end) = (along(m, start), along(m, end));
            // Where the partner's own matches start that sound, within a lead's reach of where
            // this one's put it (a match's edges differ from either side).
            let own = theirs
                .iter()
                .filter(|t| t.by == By::Sound && (t.start - there).abs() <= LEAD_MAX_S && (t.other_start - start).abs() <= LEAD_MAX_S && t.end > there + LEAD_MIN_S)
                .map(|t| t.start)
                .reduce(f64::min)
                .unwrap_or(there);
            if let Some(their_to) = lead_of(season, &ids, j, own, there_end, cache) {
                if !(carried && picture::carried_over(season[j], own, their_to + 0.5)) {
                    return None;
                }
                led = true;
            }
        }
    }
    Some((to, led))
}

/// The other episode's time of `t` along match `m` (at its rate: PAL speed-up).
fn along(m: &Match, t: f64) -> f64 {
    m.other_start + (t - m.start) * (m.other_end - m.other_start) / m.len().max(1e-9)
}

/// Whether a sound match plays over the first [`LEAD_MIN_S`] after `start`.
fn heard_over(m: &Match, start: f64) -> bool {
    m.by == By::Sound && m.start <= start + 0.5 && m.end > start + LEAD_MIN_S
}

/// The lead [`picture_start`] weighs, seen from episode `i` alone: the first sample whose
/// picture a partner shows too (a picture match of its own) comes 2–6.5 s after `start`, none
/// before; every partner that plays the sound over the samples before it shows other pictures
/// under them; and none of them is dark (a fade in from black is the intro's own). Some(the
/// start of the pictures): half a second before that first matched sample (the cut lies
/// between it and the sample before; snapping finds it). A partner showing the same pictures
/// under the lead (a title held over a still, which picture matching leaves out; a partner
/// whose copy is not trimmed where another's is) keeps the sound's start.
fn lead_of(season: &[&EpisodeFeatures], ids: &[u64], i: usize, start: f64, end: f64, cache: &mut PairCache) -> Option<f64> {
    let mut first: Option<f64> = None;
    let mut over: Vec<(usize, Match)> = Vec::new();
    for j in (0..season.len()).filter(|&j| j != i) {
        let matches = pair_matches(season, ids, i, j, cache);
        let heard = |m: &Match| matches.iter().any(|s| s.by == By::Sound && s.start == m.start && s.other_start == m.other_start);
        // Picture matches of their own (not the pictures compared along a sound match, which share its span).
        for m in matches.iter().filter(|m| m.by == By::Picture && !heard(m) && m.end > start + LEAD_MIN_S && m.start < end) {
            first = Some(first.map_or(m.start, |f| f.min(m.start)));
        }
        over.extend(matches.iter().filter(|m| heard_over(m, start)).map(|m| (j, m.clone())));
    }
    let first = first?;
    let to = first - 0.5;
    if to - start < LEAD_MIN_S || to - start > LEAD_MAX_S || to > end - 1.0 || over.is_empty() {
        return None;
    }
    let unlike = over.iter().all(|(j, m)| picture::unlike_along(season[i], season[*j], m, start, first.min(m.end)));
    (unlike && !picture::dark_over(season[i], start, first)).then_some(to)
}

/// The shortest and longest lead of a theme over its intro's pictures that [`picture_start`]
/// takes back: less is within the picture grid's second and snapping's reach; more is story
/// with music of its own, not a theme begun early.
const LEAD_MIN_S: f64 = 1.5;
const LEAD_MAX_S: f64 = 6.0;

#[cfg(test)]
mod tests {
    use super::super::tests::{episode, melody};
    use super::*;
    use crate::features::align::season_repeats;

    #[test]
    fn a_theme_begun_over_the_story_s_last_shot_starts_the_intro_at_its_pictures_but_a_held_title_under_it_does_not() {
        let rate = 16_000;
        let theme = melody(60, 30.0, rate);
        // A: the theme at 20–50 s, its first 3 s over the story's last shot, the intro's
        // pictures from 23 s; B: the theme and its pictures together at 10–40 s.
        let a_sound: Vec<f32> = melody(61, 20.0, rate).into_iter().chain(theme.iter().copied()).chain(melody(62, 30.0, rate)).collect();
        let b_sound: Vec<f32> = melody(63, 10.0, rate).into_iter().chain(theme.iter().copied()).chain(melody(64, 40.0, rate)).collect();
        let c_sound: Vec<f32> = melody(65, 30.0, rate).into_iter().chain(theme.iter().copied()).chain(melody(66, 20.0, rate)).collect();
        let intro = |s: u32, at: u32| (at..at + 30).contains(&s).then(|| 1000 + u64::from(s - at));
        let a = episode(&a_sound, 80, |s| if s >= 23 { intro(s, 20) } else { None }.unwrap_or(100 + u64::from(s)));
        let b = episode(&b_sound, 80, |s| intro(s, 10).unwrap_or(200 + u64::from(s)));
        let c = episode(&c_sound, 80, |s| intro(s, 30).unwrap_or(300 + u64::from(s)));
        let mut cache = PairCache::default();
        // Two episodes cannot tell which one's theme leads: neither moves.
        let season = [&a, &b];
        let found = season_repeats(&season, &mut cache);
        let (ra, rb) = (&found[0][0], &found[1][0]);
        assert!(ra.start_by == By::Sound && (ra.start - 20.0).abs() < 0.75, "the sound starts at the theme: {ra:?}");
        assert_eq!(picture_start(&season, 0, ra.start, ra.end, &mut cache), None);
        assert_eq!(picture_start(&season, 1, rb.start, rb.end, &mut cache), None);
        // A third whose pictures start with its theme, as B's: A's intro starts at its pictures.
        let season = [&a, &b, &c];
        let found = season_repeats(&season, &mut cache);
        let ra = &found[0][0];
        let moved = picture_start(&season, 0, ra.start, ra.end, &mut cache);
        assert!(moved.is_some_and(|(t, led)| (t - 22.5).abs() <= 0.25 && !led), "{moved:?} {ra:?}");
        for k in 1..3 {
            let r = &found[k][0];
            assert_eq!(picture_start(&season, k, r.start, r.end, &mut cache), None, "{k} starts with its pictures: {r:?}");
        }
        // The same, but the first 3 s of the intro a title held over a still in all: its own.
        let held = |s: u32, at: u32| if (at..at + 3).contains(&s) { Some(999) } else { intro(s, at) };
        let a = episode(&a_sound, 80, |s| held(s, 20).unwrap_or(100 + u64::from(s)));
        let b = episode(&b_sound, 80, |s| held(s, 10).unwrap_or(200 + u64::from(s)));
        let c = episode(&c_sound, 80, |s| held(s, 30).unwrap_or(300 + u64::from(s)));
        let season = [&a, &b, &c];
        let found = season_repeats(&season, &mut cache);
        let ra = &found[0][0];
        assert_eq!(picture_start(&season, 0, ra.start, ra.end, &mut cache), None, "{ra:?}");
        // What decides "other pictures under the lead": A's samples at 20–22 s against B's along
        // the sound (10 s earlier there). Story against B's intro: other; the held title: the same.
        let heard = Match { start: 20.0, end: 50.0, other_start: 10.0, other_end: 40.0, by: By::Sound, distance: 0.0 };
        let led = episode(&a_sound, 80, |s| if s >= 23 { intro(s, 20) } else { None }.unwrap_or(100 + u64::from(s)));
        assert!(picture::unlike_along(&led, &b, &heard, 20.0, 23.0));
        assert!(!picture::unlike_along(&a, &b, &heard, 20.0, 23.0), "the held title is B's too");
        assert!(!picture::unlike_along(&led, &b, &heard, 23.0, 23.0), "nothing compared");
        // A lead that is dark (a fade in from black) is the intro's own.
        let mut dark = led.clone();
        dark.thumbnails = (0..80).map(|s| image::RgbImage::from_pixel(8, 8, image::Rgb(if s == 21 { [10, 10, 10] } else { [120, 120, 120] }))).collect();
        assert!(picture::dark_over(&dark, 20.0, 23.0) && !picture::dark_over(&dark, 22.0, 23.0));
    }

    #[test]
    fn a_series_that_starts_its_theme_over_the_last_shot_in_every_episode_starts_each_intro_at_its_pictures_unless_a_title_shows_there() {
        let rate = 16_000;
        let theme = melody(70, 30.0, rate);
        let sound = |at: f64, seed: u64| -> Vec<f32> { melody(100 + 2 * seed, at, rate).into_iter().chain(theme.iter().copied()).chain(melody(101 + 2 * seed, 50.0 - at, rate)).collect() };
        // Each: the theme from `at`, over the story's last shot (`at - 5`..`at + 3`, one shot, or
        // with `cut` one cut to at the theme's first note), the intro's pictures from `at + 3` (in
        // step with the theme, as when it starts with them).
        let ep_with = |at: u32, seed: u64, text_in_lead: bool, cut: bool| {
            let mut e = episode(&sound(f64::from(at), seed), 80, |s| match s {
                s if s + 5 < at || (cut && s < at) => seed * 1000 + u64::from(s),
                s if s < at + 3 => seed * 1000 + 999,
                s if s < at + 30 => 5000 + u64::from(s - at),
                s => seed * 1000 + u64::from(s),
            });
            e.gate = (0..80).map(|s| crate::features::ocr::TextGate { lines: u8::from(text_in_lead && (at..at + 3).contains(&s)), strength: 0.0 }).collect();
            e
        };
        let ep = |at: u32, seed: u64, text_in_lead: bool| ep_with(at, seed, text_in_lead, false);
        let (a, b, c) = (ep(20, 1, false), ep(10, 2, false), ep(30, 3, false));
        let mut cache = PairCache::default();
        let season = [&a, &b, &c];
        let found = season_repeats(&season, &mut cache);
        for (k, at) in [(0, 20.0), (1, 10.0), (2, 30.0)] {
            let r = &found[k][0];
            assert!(r.start_by == By::Sound && r.start < at + 1.0, "{k}: {r:?}");
            let moved = picture_start(&season, k, r.start, r.end, &mut cache);
            assert!(moved.is_some_and(|(t, led)| (t - (at + 2.5)).abs() <= 0.25 && led), "{k}: {moved:?}");
        }
        // A title over that shot in A: the intro's, and A's theme start stands.
        let a = ep(20, 1, true);
        let season = [&a, &b, &c];
        let found = season_repeats(&season, &mut cache);
        let r = &found[0][0];
        assert_eq!(picture_start(&season, 0, r.start, r.end, &mut cache), None);
        // Each cut to a shot of its own at the theme's first note: pictures of their own under
        // the theme, not the story's shot carried on, and nobody moves.
        let (a, b, c) = (ep_with(20, 1, false, true), ep_with(10, 2, false, true), ep_with(30, 3, false, true));
        let season = [&a, &b, &c];
        let found = season_repeats(&season, &mut cache);
        for k in 0..3 {
            let r = &found[k][0];
            assert_eq!(picture_start(&season, k, r.start, r.end, &mut cache), None, "{k}");
        }
    }
}
