//! The series' title over the level of its sound: an episode judged alone, or one its season
//! left without an intro (or with one no other episode plays), has its intro where the sound
//! holds its level around the title.

use super::{reader, JudgeMemory, Note, TITLE_CONFIDENCE};
use crate::features::EpisodeFeatures;
use std::path::Path;

/// Runs of on-screen text read for the series' title in an episode judged alone: the
/// strongest of its window (a title card is among the strongest text there).
pub const ALONE_TITLE_READS: usize = 6;
/// How far the sound may stray from its level at the title and still be the intro's theme: 3 dB
/// (0.05 of the loudness channel's 60 dB). A theme is mixed at one level; story is not.
const LEVEL_TOLERANCE: f32 = 0.05;
/// Seconds in a row off that level an intro may hold (a drum hit, a breath in the theme).
const LEVEL_GAP_S: usize = 1;
/// Louder than this (the loudness channel; 0.05 is -57 dB) is sound; silence never is a theme.
const LEVEL_SOUND: f32 = 0.05;
/// A model's intro this near the title (seconds) is the one the title belongs to.
const TITLE_NEAR_S: f64 = 15.0;
/// An intro found by its level runs at least this long: the title's second and one more (short
/// stings are placed only in part by the level, 2–3 s of 6: partly right, where the model's
/// intro away from the title is wrong; a 4 s floor cost family C 2029 alone F1 0.431 → 0.325).
const LEVEL_MIN_S: f64 = 2.0;
/// An intro found by its level runs at most this long: a longer one is a season mixed at one
/// level throughout, where the level places nothing.
const LEVEL_MAX_S: f64 = 150.0;

/// How the episode [`titled_by_level`] looks at was judged.
#[derive(Clone, Copy)]
pub(crate) enum TitleSeen<'a> {
    /// Alone (`--single`, or no other episode of its series beside it).
    Alone,
    /// In a season that left it without an intro: the model's intros judging it alone.
    Dropped(&'a [crate::model::DetectedSegment]),
    /// In a season that kept the model's intro, which no other episode plays.
    Unshared,
}

/// An episode judged alone, left without an intro by its season, or whose season kept a model's
/// intro no other episode plays ([`TitleSeen`]), whose pictures show the series' title more than
/// [`TITLE_NEAR_S`] from the model's intro (the one judged alone, for a season): its intro is
/// where the sound holds the level it has around the title ([`level_around`]; on series unlike
/// those it learned, the model alone is wrong more often than right, and an episode has one
/// intro; the title is read in no story). For a season, the model's guess alone within
/// [`TITLE_NEAR_S`] of the title is taken instead. Replaces the intros and says so; flagged for
/// a check ([`TITLE_CONFIDENCE`]). False where the answer stands: the model's intro lies by the
/// title (stretched to hold it where it stops short of it: [`holds_title`]), or nothing was found (no series name in the file name, no sound, no Tesseract, no title
/// read, or a level that places no intro of [`LEVEL_MIN_S`] to [`LEVEL_MAX_S`], which a note
/// says).
pub(crate) fn titled_by_level(file: &Path, features: &EpisodeFeatures, detection: &mut crate::model::Detection, judged: TitleSeen, memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> bool {
    let Some(key) = crate::paths::readable_title(file) else { return false };
    let level: Vec<f32> = features.audio.rows().into_iter().map(|r| r[0]).collect();
    if level.is_empty() {
        return false;
    }
    let (start_s, end_s) = (features.start_s, features.seconds.last().map_or(0, |&s| s + 1));
    let cached = !memory.uncached;
    let Some(reader) = reader(file, memory, notes) else { return false };
    let readings = match crate::features::ocr::read_most_text(file, start_s, end_s, ALONE_TITLE_READS, features.gates().as_deref(), reader, cached) {
        Ok(r) => r,
        Err(e) => {
            notes.push(Note::about(file, format!("the series' title not looked for: {e}")));
            return false;
        }
    };
    // The earliest reading of the title, not over the model's recap (a caption may carry the
    // name in words OCR garbles).
    let recap = |t: f64| detection.recaps.iter().any(|r| r.start <= t && t < r.end);
    let Some(second) = readings.iter().filter(|r| crate::features::ocr::reads_title(&r.words, &key) && !recap(f64::from(r.second) + 0.5)).map(|r| r.second).min() else {
        return false;
    };
    // Where the model's intro lies by the title, the model found it: its edges stand (on the
    // family it learned they are right to the frame, and a theme's level swings with its beat),
    // but for holding the title itself.
    let t = f64::from(second) + 0.5;
    let clock = |t: f64| crate::clock::clock(t, 1, true);
    let near = |s: &&crate::model::DetectedSegment| s.start - TITLE_NEAR_S <= t && t <= s.end + TITLE_NEAR_S;
    match judged {
        TitleSeen::Alone | TitleSeen::Unshared if detection.intros.iter().any(|s| near(&s)) => {
            holds_title(file, features, detection, second, &key, notes);
            return false;
        }
        TitleSeen::Dropped(guesses) => {
            // The nearest (one holding the title first).
            let off = |s: &crate::model::DetectedSegment| (s.start - t).max(t - s.end).max(0.0);
            if let Some(g) = guesses.iter().filter(near).min_by(|a, b| off(a).total_cmp(&off(b))) {
                let g = crate::model::DetectedSegment { confidence: g.confidence.min(TITLE_CONFIDENCE), ..g.clone() };
                notes.push(Note::about(
                    file,
                    format!(
                        "intro found by its title: the model, judged alone, sees an intro at {}–{} by the series' title (\"{key}\" read at {}); no other episode plays it: check it",
                        clock(g.start),
                        clock(g.end),
                        clock(f64::from(second))
                    ),
                ));
                detection.intros = vec![g];
                return true;
            }
        }
        _ => {}
    }
    let placed = second.checked_sub(features.start_s).and_then(|at| level_around(&level, at as usize));
    let span = placed.map(|(first, last)| (f64::from(start_s) + first as f64, f64::from(start_s) + last as f64 + 1.0));
    let Some((start, end)) = span.filter(|&(a, b)| (LEVEL_MIN_S..=LEVEL_MAX_S).contains(&(b - a))) else {
        // Said: the title shows where the answer has no intro, and the reason it stands.
        notes.push(Note::about(
            file,
            format!(
                "the series' title shows at {} (\"{key}\"), away from any intro found, but the sound's level there places none (it holds for {}): check whether the intro is there",
                clock(f64::from(second)),
                span.map_or("no second".to_string(), |(a, b)| format!("{:.0} s", b - a))
            ),
        ));
        return false;
    };
    let by = vec![crate::model::Evidence::Level];
    detection.intros = vec![crate::model::DetectedSegment { start, end, confidence: TITLE_CONFIDENCE, start_by: by.clone(), end_by: by, repeats_in: 0 }];
    let (how, check) = match judged {
        TitleSeen::Dropped(_) => ("", "no other episode plays it: check it"),
        TitleSeen::Unshared => ("", "instead of the model's, which no other episode plays and which lies away from the title: check it"),
        TitleSeen::Alone => (", judged alone", "check it; judged with other episodes of its season, what they share confirms an intro"),
    };
    notes.push(Note::about(
        file,
        format!("intro found by its title{how}: \"{key}\" read at {}, and the sound holds its level there from {} to {} ({check})", clock(f64::from(second)), clock(start), clock(end)),
    ));
    true
}

/// The model's intro by the series' title, stretched to hold the card where it stops short of
/// it (the title is the intro's: its first shot, or its last): on series unlike those it
/// learned, the model starts a title-first intro seconds late, or ends a title-last one before
/// the card. The card's seconds are the run of seconds showing text around the reading (which is
/// the run's strongest or last second, not its first), where the head kept what each second
/// shows; the new edge lies half a second outside them (the card cut in or out between two
/// samples; snapping finds the cut). A model's recap the stretch reaches into ends where the
/// intro now starts; one wholly inside it stops the stretch (the caption is the recap's).
/// Nothing moves where an intro holds the title already. Said in a note.
pub(super) fn holds_title(file: &Path, features: &EpisodeFeatures, detection: &mut crate::model::Detection, second: u32, key: &str, notes: &mut Vec<Note>) {
    let at = f64::from(second);
    if detection.intros.iter().any(|s| s.start <= at + 0.5 && at - 0.5 <= s.end) {
        return;
    }
    let off = |s: &crate::model::DetectedSegment| (s.start - at).max(at - s.end);
    let Some(n) = (0..detection.intros.len()).filter(|&n| off(&detection.intros[n]) <= TITLE_NEAR_S).min_by(|&x, &y| off(&detection.intros[x]).total_cmp(&off(&detection.intros[y]))) else { return };
    let gates = features.gates().unwrap_or_default();
    let shows = |s: u32| gates.iter().any(|(t, g)| *t == s && g.shows_text());
    let (mut first, mut last) = (second, second);
    while first > features.start_s && f64::from(second - first) < TITLE_NEAR_S && shows(first - 1) {
        first -= 1;
    }
    while f64::from(last - second) < TITLE_NEAR_S && shows(last + 1) {
        last += 1;
    }
    let before = (detection.intros[n].start, detection.intros[n].end);
    let (start, end) = if at < before.0 { ((f64::from(first) - 0.5).max(f64::from(features.start_s)), before.1) } else { (before.0, f64::from(last) + 0.5) };
    if detection.recaps.iter().any(|r| r.end > start && r.start >= start && r.start < before.0) {
        return;
    }
    for recap in detection.recaps.iter_mut().filter(|r| r.start < start && r.end > start) {
        recap.end = start;
    }
    let intro = &mut detection.intros[n];
    if start < before.0 {
        intro.start = start;
        intro.start_by = vec![crate::model::Evidence::Text];
    } else {
        intro.end = end;
        intro.end_by = vec![crate::model::Evidence::Text];
    }
    let clock = |t: f64| crate::clock::clock(t, 1, true);
    notes.push(Note::about(
        file,
        format!("the model's intro {}–{} stretched to {}–{}: the series' title shows at {} (\"{key}\"), and the title is the intro's", clock(before.0), clock(before.1), clock(start), clock(end), clock(at)),
    ));
}

/// The seconds (first, last) around `at` where the sound stays within [`LEVEL_TOLERANCE`] of its
/// level at `at` (the median of the five seconds around it), holding off it for at most
/// [`LEVEL_GAP_S`] seconds in a row, and never silent; `at` itself always inside (the title's
/// second can be a beat off: family C's Lost Circuit E01). None where that level is silence, or
/// `at` lies outside `level`.
pub(super) fn level_around(level: &[f32], at: usize) -> Option<(usize, usize)> {
    if at >= level.len() {
        return None;
    }
    let mut near: Vec<f32> = level[at.saturating_sub(2)..(at + 3).min(level.len())].to_vec();
    near.sort_by(f32::total_cmp);
    let on = near[near.len() / 2];
    let holds = |i: usize| (level[i] - on).abs() <= LEVEL_TOLERANCE && level[i] > LEVEL_SOUND;
    let grow = |step: isize| {
        let (mut last, mut off, mut i) = (at, 0, at as isize);
        loop {
            i += step;
            if i < 0 || i as usize >= level.len() {
                break;
            }
            if holds(i as usize) {
                (last, off) = (i as usize, 0);
            } else {
                off += 1;
                if off > LEVEL_GAP_S {
                    break;
                }
            }
        }
        last
    };
    (on > LEVEL_SOUND).then(|| (grow(-1), grow(1)))
}
