//! What follows the credits, read: Tesseract's words at the opening of each shot after them tell
//! a preview (its caption) from story, and a later end read moves what follows with it.

use super::{TailFound, CUT, MIN_AFTER_S};
use crate::features::EpisodeFeatures;
use crate::model::{DetectedSegment, Evidence};

/// Words that open a preview's caption in English: a word that is or begins with "next" ("Next
/// time", "Next week", "On the next…", run together as a reader often does: "Nexttime"),
/// "coming" followed by "up" or "soon", "upcoming", "preview". Whole words only ("annex" and
/// "Anne Xu" are not "next"), and "soon" alone is dialogue. A caption read only in part still
/// counts by its "next" (pairs alone lost a third of the previews to "Next" read without
/// "time"); the price is a line of dialogue with "next" in it ("Who's next?") opening a shot
/// after the credits. A preview without a caption, or captioned in another language, is not
/// found.
const PREVIEW_WORDS: [&str; 4] = ["upcoming", "preview", "previews", "comingup"];

/// Whether the words read in one picture open a preview.
pub fn reads_as_preview(words: &[crate::features::ocr::Word]) -> bool {
    let tokens: Vec<String> = words.iter().map(|w| crate::features::ocr::normalise(&w.text)).filter(|t| !t.is_empty()).collect();
    let coming = tokens.windows(2).any(|w| w[0] == "coming" && (w[1] == "up" || w[1] == "soon"));
    coming || tokens.iter().any(|t| t.starts_with("next") || t == "comingsoon" || PREVIEW_WORDS.contains(&t.as_str()))
}

/// The seconds of the tail worth reading to tell a preview from story after the credits: the
/// first second after the credits and the first second of each shot after it (a preview's
/// caption comes at its opening), at most [`MAX_READ`] — and, where a preview is likeliest to
/// begin (right after the credits, and where the picture saw a caption), the second after the
/// opening too when it is the same shot: a caption fades in over a second, and one frame's
/// reading can miss words the next one reads (wider family B's Broken Academy E04: "Next time"
/// in plain white over a meadow, read only a second later). Each second comes with whether it
/// continues the shot of the second before it in the list. Empty when nothing follows the
/// credits.
pub fn seconds_to_read(tail: &EpisodeFeatures, found: &TailFound) -> Vec<(u32, bool)> {
    let Some(credits) = &found.credits else { return Vec::new() };
    if found.preview.is_none() && found.after_credits.is_none() {
        return Vec::new();
    }
    let n = tail.seconds.len();
    let from = (0..n).find(|&i| f64::from(tail.seconds[i]) >= credits.end).unwrap_or(n);
    let caption = found.preview.as_ref().map(|p| p.start);
    let cut_at = |i: usize| i == from || 1.0 - crate::encoder::cosine(tail.embedding(i - 1), tail.embedding(i)) >= CUT;
    let mut out = Vec::new();
    for i in from..n {
        if !cut_at(i) || out.len() >= MAX_READ {
            continue;
        }
        out.push((tail.seconds[i], false));
        let opens_preview = i == from || caption.is_some_and(|c| (f64::from(tail.seconds[i]) - c).abs() <= 1.0);
        if opens_preview && i + 1 < n && tail.seconds[i + 1] == tail.seconds[i] + 1 && !cut_at(i + 1) && out.len() < MAX_READ {
            out.push((tail.seconds[i + 1], true));
        }
    }
    out
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
    let Some(end) = found.credits.as_ref().map(|c| c.end) else { return };
    let first_after = read.iter().map(|r| r.second).min();
    if let Some(k) = read.iter().position(|r| r.preview) {
        // The opening of the shot it was read in (a second that continues a shot is read
        // only right after its opening).
        let opening = if read[k].continues { read[k].second - 1 } else { read[k].second };
        let start = if first_after.is_some_and(|f| opening <= f) { end } else { (f64::from(opening) - 0.5).max(end) };
        let keeps = found.preview.as_ref().is_some_and(|p| p.start <= start + 1e-6);
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
        // Words read where its caption was seen (its first seconds), none of them a preview's.
        if read.iter().any(|r| f64::from(r.second) + 1.0 > p.start && f64::from(r.second) < p.start + 4.0) {
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
