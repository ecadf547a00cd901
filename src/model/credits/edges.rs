//! The credits' edges by their words: from the first and last seconds the picture's text cue
//! calls the credits, a walk over what Tesseract reads beyond them, while most of each second's
//! sure words are the credits' own (a list rolling in or out over bright footage in a tinted
//! font, which the cue misses). The reading itself is the caller's
//! (`service::detect::tail::read_credits_edges`): these functions only weigh words.

/// How far beyond the credits' first or last credit second their words are looked for: names
/// rolling in over bright footage, in a light or tinted font, pass under the text cue for up to
/// 8 s on the synthesised sets (tails-other 5046's Crimson Meadow) though Tesseract reads them,
/// and the last lines rolling out over the footage's own cuts end the run-on early.
pub const READ_BACK_S: u32 = 12;

/// The words of one reading that can tie a second to the credits: those read surely
/// ([`crate::features::ocr::is_sure`]: footage texture read as letters comes out unsure),
/// normalised.
fn tying_words(words: &[crate::features::ocr::Word]) -> Vec<String> {
    words.iter().filter(|w| crate::features::ocr::is_sure(w)).map(|w| crate::features::ocr::normalise(&w.text)).collect()
}

/// Two words read as one line's: the same word, or one inside the other where the shorter has 4
/// letters or more, or 3 of a 4-letter word ("ast" at the picture's edge for "Cast", "Directe"
/// for "Directed"). "her" in a line of dialogue does not tie "Heather", and a word of 3 letters
/// ties nothing of its own length: a channel's logo ("KTV") is in every picture, and the
/// picture read far away to find it may show it too faintly to be sure.
fn ties(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let (s, l) = (short.chars().count(), long.chars().count());
    (s >= 4 || (s == 3 && l == 4)) && long.contains(short)
}

/// What was read around the credits, for the walks of [`rolled_in`] and [`rolled_out`].
pub struct EdgeReads<'a> {
    /// Every second looked at, words found there or not.
    pub looked: &'a [u32],
    /// The seconds where words were read.
    pub readings: &'a [crate::features::ocr::Reading],
    /// Words read in a picture well away from the credits that the credits show too: the
    /// picture's furniture (a channel's logo, a watermark), read in every second, left out.
    pub furniture: &'a [String],
    /// Words read in that picture that the credits do not show: the scene's own (a subtitle, a
    /// sign). They count where read, and tie nothing ([`FarWords`]).
    pub strangers: &'a [String],
}

/// Where a walk from a credits edge stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walk {
    /// The farthest second from the edge that reads as the credits, if any.
    pub reached: Option<u32>,
    /// The walk ran into a second not looked at yet: read on and walk again.
    pub wants_more: bool,
    /// Words stopped it: it broke on a second with sure words, or its two seconds showed words
    /// but no moving list (not the same words: those stay the same whatever is left out).
    /// Left out of the words as furniture, a logo could let it on; a walk stopped by seconds
    /// that read nothing, or by its reach, only goes as far or less.
    pub stopped_by_words: bool,
}

/// Where the credits begin by their words: `first` is their first credit second; `reads` what
/// was read in `first`, `first + 1` and the seconds before. A second before `first` is the
/// credits when most of the words read surely there are words of theirs ([`ties`]) — the list
/// rolling in, its lines still on screen once the cue sees them. The walk back stops at a second
/// whose words mostly tie none (a subtitle, a sign: the story before), at two seconds running
/// where nothing was read surely, or [`READ_BACK_S`] back; the words of each second reached join
/// the credits' words.
///
/// Only a list that moves is followed: the two seconds the walk starts from must differ by a
/// word of 4 letters or more. A subtitle held over a dark scene, which the cue can take for the
/// credits' first lines, reads the same words second after second, and walking back over it
/// carried the credits 12 s into the story (the wider family B set's Golden Orchard).
pub fn rolled_in(first: u32, reads: &EdgeReads) -> Walk {
    walk(first, first + 1, (first.saturating_sub(READ_BACK_S)..first).rev(), reads)
}

/// Where the credits end by their words: [`rolled_in`] the other way, from their last credit
/// second `last` on over the seconds after it — the last lines rolling out. The list must have
/// moved between `last − 2` and `last` (the last line alone, the series' title, reads the same
/// from one second to the next). A post-credits scene's subtitle or a preview's caption is
/// mostly words of its own, and stops the walk.
pub fn rolled_out(last: u32, reads: &EdgeReads) -> Walk {
    match last.checked_sub(2) {
        Some(inner) => walk(last, inner, last + 1..=last + READ_BACK_S, reads),
        None => Walk { reached: None, wants_more: false, stopped_by_words: false },
    }
}

/// The walk of [`rolled_in`] and [`rolled_out`]: from the credit seconds `edge` and `inner`
/// over `steps`, away from the credits.
fn walk(edge: u32, inner: u32, steps: impl Iterator<Item = u32>, reads: &EdgeReads) -> Walk {
    let done = |reached, stopped_by_words| Walk { reached, wants_more: false, stopped_by_words };
    let at = |second: u32| -> Vec<String> {
        let words = reads.readings.iter().find(|r| r.second == second).map(|r| tying_words(&r.words)).unwrap_or_default();
        words.into_iter().filter(|w| !reads.furniture.iter().any(|f| f == w)).collect()
    };
    if !reads.looked.contains(&edge) || !reads.looked.contains(&inner) {
        return done(None, false);
    }
    let (a, b) = (at(edge), at(inner));
    let new_line = |x: &[String], y: &[String]| x.iter().any(|w| w.chars().count() >= 4 && !y.iter().any(|v| ties(w, v)));
    if a.is_empty() || b.is_empty() {
        return done(None, false);
    }
    if !(new_line(&a, &b) || new_line(&b, &a)) {
        // The same words in both (a static card, a held subtitle): taking the same furniture
        // out of both leaves them the same, so nothing read far away could set the walk going
        // and it is not said to be stopped by words (the far picture is not read for it).
        let mut same = (a.clone(), b.clone());
        for words in [&mut same.0, &mut same.1] {
            words.sort();
            words.dedup();
        }
        return done(None, same.0 != same.1);
    }
    let mut credits: Vec<String> = a.into_iter().chain(b).collect();
    let mut reached = None;
    let mut unread = 0;
    for second in steps {
        if !reads.looked.contains(&second) {
            return Walk { reached, wants_more: true, stopped_by_words: false };
        }
        let words = at(second);
        if words.is_empty() {
            unread += 1;
            if unread >= 2 {
                break;
            }
            continue;
        }
        let tied = words.iter().filter(|w| !reads.strangers.contains(w) && credits.iter().any(|c| ties(w, c))).count();
        // Most of what is read there, not one word among a line of dialogue.
        if tied == 0 || tied * 2 < words.len() {
            return done(reached, true);
        }
        reached = Some(second);
        unread = 0;
        // A second mostly of the credits' words is theirs, its other lines too (the next title
        // of the list rolling in: "STORYBOARD AND SCRIPT" above the names the edge showed).
        credits.extend(words);
    }
    done(reached, false)
}

/// What a picture far from the credits (`far`) shows surely, normalised, split by whether the
/// credits' edge seconds the walks start from (`own`) show it too, read surely or not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FarWords {
    /// Shown there too: a logo, a watermark, in every picture ([`EdgeReads::furniture`]).
    pub furniture: Vec<String>,
    /// Not shown there: the far scene's own words, a subtitle or a sign ([`EdgeReads::strangers`]).
    /// Until 2026-12-06 they were left out as furniture too: a subtitle held 24 s over the
    /// scene before the credits was read there, and the fragments left of each of its seconds
    /// ("ast", "last") tied the first line of names read in part ("ast" of "Cast"), so the walk
    /// ran 12 s back into the story (family C 2041's Hidden Forest E04). Counted and never
    /// tying, they stop a walk on the scene they belong to, and a logo the credits do not show
    /// (hidden, or too faint over black to be read) still cannot join the credits' words.
    pub strangers: Vec<String>,
}

impl FarWords {
    pub fn is_empty(&self) -> bool {
        self.furniture.is_empty() && self.strangers.is_empty()
    }
}

/// Split what the far picture reads ([`FarWords`]).
pub fn far_words(far: &[crate::features::ocr::Reading], own: &[crate::features::ocr::Reading]) -> FarWords {
    use crate::features::ocr::normalise;
    let own: Vec<String> = own.iter().flat_map(|r| r.words.iter().map(|w| normalise(&w.text))).filter(|w| !w.is_empty()).collect();
    let (furniture, strangers) = far.iter().flat_map(|r| tying_words(&r.words)).partition(|w| own.contains(w));
    FarWords { furniture, strangers }
}
