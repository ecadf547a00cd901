//! What follows the credits, read: Tesseract's words at the opening of each shot after them tell
//! a preview (its caption) from story, and a later end read moves what follows with it.

use super::{TailFound, CUT, MIN_AFTER_S};
use crate::features::EpisodeFeatures;
use crate::model::{DetectedSegment, Evidence};

/// Words that open a preview's caption in English: a word that is or begins with "next" ("Next
/// time", "Next week", "On the next…", run together as a reader often does: "Nexttime"),
/// "coming" (one letter off, [`crate::features::ocr::near_word`]) with "up" or "soon" anywhere in
/// the same picture's words (Tesseract orders words by its own blocks: "up, Coming" over a
/// channel's logo; tails-mid-other-clean 6069's Bright Meadow E03 and Northern Tales E01, "Comig
/// up"), "upcoming", "preview", a four-letter word ending in
/// "ext" (not "text") followed by "time", "week" or "episode". Whole words only ("annex" and
/// "Anne Xu" are not "next"), and "soon" alone is dialogue. A caption read only in part still
/// counts by its "next" (pairs alone lost a third of the previews to "Next" read without
/// "time"); the price is a line of dialogue with "next" in it ("Who's next?") opening a shot
/// after the credits. A preview without a caption, or captioned in another language, is not
/// found.
const PREVIEW_WORDS: [&str; 4] = ["upcoming", "preview", "previews", "comingup"];

/// The word after "Next" in a preview's caption.
const NEXT_WORDS: [&str; 3] = ["time", "week", "episode"];

/// Whether the words read in one picture open a preview.
pub fn reads_as_preview(words: &[crate::features::ocr::Word]) -> bool {
    let tokens: Vec<String> = words.iter().map(|w| crate::features::ocr::normalise(&w.text)).filter(|t| !t.is_empty()).collect();
    let coming = tokens.iter().any(|t| crate::features::ocr::near_word(t, "coming")) && tokens.iter().any(|t| t == "up" || t == "soon");
    // "Next" with its capital misread ("Wext week": tails-mid-other 6063's Secret Academy E02),
    // counted only before the caption's next word: a lone "Wext" is no caption.
    let misread_next = tokens.windows(2).any(|w| w[0].len() == 4 && w[0].ends_with("ext") && w[0] != "text" && NEXT_WORDS.contains(&w[1].as_str()));
    coming || misread_next || tokens.iter().any(|t| t.starts_with("next") || t == "comingsoon" || PREVIEW_WORDS.contains(&t.as_str()))
}

/// The seconds of the tail worth reading to tell a preview from story after the credits (after
/// their last part where a scene splits them, [`last_end`]): the first second after them and the
/// first second of each shot after it (a preview's caption comes at its opening), at most
/// [`MAX_READ`] — and, where a preview is likeliest to begin (right after the credits, and where
/// the picture saw a caption), the second after the opening too when it is the same shot: a
/// caption fades in over a second, and one frame's reading can miss words the next one reads
/// (wider family B's Broken Academy E04: "Next time" in plain white over a meadow, read only a
/// second later). Where more shots open than can be read, the first second after the credits
/// comes first, then the openings where the picture saw a caption or shows a line of text
/// (names going on excepted), then the other openings, then those of names going on: a
/// scene's moving camera and a second part's rolling names opened more "shots" than the budget
/// before the preview's caption was reached (tails-mid-other 6064's Last Academy E01 and E04). Each second comes with whether it
/// continues the shot of the second before it in the list. Empty when nothing follows the
/// credits.
pub fn seconds_to_read(tail: &EpisodeFeatures, found: &TailFound) -> Vec<(u32, bool)> {
    let Some(end) = last_end(found) else { return Vec::new() };
    if found.preview.is_none() && found.after_credits.is_none() {
        return Vec::new();
    }
    let c = super::cues(tail);
    let n = tail.seconds.len().min(c.text.len());
    let from = (0..n).find(|&i| f64::from(tail.seconds[i]) >= end).unwrap_or(n);
    let caption = found.preview.as_ref().map(|p| p.start);
    let cut_at = |i: usize| i == from || 1.0 - crate::encoder::cosine(tail.embedding(i - 1), tail.embedding(i)) >= CUT;
    let opens_preview = |i: usize| i == from || caption.is_some_and(|c| (f64::from(tail.seconds[i]) - c).abs() <= 1.0);
    // Each opening, with the second after it where a preview is likeliest to begin.
    let read_at = |i: usize| {
        let next = (opens_preview(i) && i + 1 < n && tail.seconds[i + 1] == tail.seconds[i] + 1 && !cut_at(i + 1)).then_some(i + 1);
        std::iter::once(i).chain(next)
    };
    let openings: Vec<usize> = (from..n).filter(|&i| cut_at(i)).collect();
    // Names going on (a credit second after one, or rolling); a caption may count as a credit
    // second too (one line on black, two over footage), but it follows none.
    let more_names = |i: usize| c.credit[i] && (c.credit[i - 1] || c.roll[i]);
    let tier = |i: usize| if i == from { 0 } else if opens_preview(i) || (c.text[i] && !more_names(i)) { 1 } else if more_names(i) { 3 } else { 2 };
    let mut chosen: Vec<usize> = Vec::new();
    for t in 0..4 {
        for &i in openings.iter().filter(|&&i| tier(i) == t) {
            // The second after an opening only where it still fits.
            chosen.extend(read_at(i).take(MAX_READ - chosen.len()));
        }
    }
    chosen.sort_unstable();
    // Only openings and the second after one are chosen.
    chosen.iter().map(|&i| (tail.seconds[i], !cut_at(i))).collect()
}

/// Where the credits end: their last part's end where a scene splits them and the other part
/// comes after them ([`super::split_credits`]), else theirs. None without credits.
pub fn last_end(found: &TailFound) -> Option<f64> {
    let end = found.credits.as_ref()?.end;
    Some(found.more_credits.iter().map(|p| p.end).fold(end, f64::max))
}

/// At most this many frames are read after the credits.
const MAX_READ: usize = 8;

/// One picture after the credits as read, for [`weigh_words`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadAfter {
    /// The second, in the file.
    pub second: u32,
    /// Its words open a preview ([`reads_as_preview`]).
    pub preview: bool,
    /// It continues the shot of the picture read before it ([`seconds_to_read`]): a preview
    /// read here opens with that shot.
    pub continues: bool,
}

/// Weigh what was read after the credits (the pictures where words were read): one that reads
/// as a preview's caption begins a preview there (story before it stays a post-credits scene).
/// A preview the text cue found, whose opening reads words but not a preview's, is story after
/// all — a sign, a subtitle, the footage's own title, or a fence the cue took for a line of text
/// (read as junk): never skipped (missing a preview costs the viewer seconds; skipping story
/// costs the story). Where nothing was read, the picture's answer stands.
pub fn weigh_words(found: &mut TailFound, duration_s: f64, read: &[ReadAfter]) {
    let Some(end) = last_end(found) else { return };
    let first_after = read.iter().map(|r| r.second).min();
    // Words of this kind read where a preview's caption would be: its first seconds.
    let read_at_opening = |p: &DetectedSegment, preview: bool| read.iter().any(|r| r.preview == preview && f64::from(r.second) + 1.0 > p.start && f64::from(r.second) < p.start + 4.0);
    if let Some(k) = read.iter().position(|r| r.preview) {
        // The opening of the shot it was read in (a second that continues a shot is read
        // only right after its opening).
        let opening = if read[k].continues { read[k].second - 1 } else { read[k].second };
        let start = if first_after.is_some_and(|f| opening <= f) { end } else { (f64::from(opening) - 0.5).max(end) };
        // The picture's preview stands where it begins no later, unless words that are no
        // preview's were read at its opening and the caption comes a shot or more later: then
        // its "caption" was the story's (tails-mid-other 6064's Last Academy E04: a sign reading
        // "THANKS FOR WATCHING" in a post-credits scene, "On the next episode" 20 s on).
        let keeps = found.preview.as_ref().is_some_and(|p| p.start <= start + 1e-6 && (start - p.start < 4.0 || !read_at_opening(p, false)));
        found.caption_read = Some(start);
        if let Some(p) = found.preview.as_mut().filter(|p| keeps && start - p.start < 4.0) {
            // The words confirmed it at its opening, where a preview's caption is: a preview, not
            // a line the picture alone took for a caption.
            if !p.start_by.contains(&Evidence::Text) {
                p.start_by.push(Evidence::Text);
            }
        }
        if !keeps {
            found.preview = Some(DetectedSegment { start, end: duration_s, confidence: 0.9, start_by: vec![Evidence::Text], end_by: vec![Evidence::Picture], repeats_in: 0 });
        }
        let p = found.preview.as_ref().map_or(start, |p| p.start);
        found.after_credits = (p - end >= MIN_AFTER_S).then_some((end, p));
        return;
    }
    if let Some(p) = &found.preview {
        // Words read where its caption was seen, none of them a preview's.
        if read_at_opening(p, false) {
            found.preview = None;
            found.after_credits = Some((end, duration_s));
        }
    }
}

/// Move the credits' end to `end` (seconds in the file; a later end found by reading), and what
/// follows them with it: a preview begins no earlier, story after the credits shorter than
/// [`MIN_AFTER_S`] is the credits' own tail.
pub fn end_credits_at(found: &mut TailFound, end: f64) {
    let Some(credits) = found.credits.as_mut() else { return };
    credits.end = end;
    if let Some(p) = found.preview.as_mut() {
        p.start = p.start.max(end);
    }
    if found.preview.as_ref().is_some_and(|p| p.end - p.start < MIN_AFTER_S) {
        found.preview = None;
    }
    found.after_credits = found.after_credits.and_then(|(a, b)| (b - a.max(end) >= MIN_AFTER_S).then_some((a.max(end), b)));
}
