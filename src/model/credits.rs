//! The end of an episode: end credits, a "next time" preview after them, and story after the
//! credits (a post-credits scene, which must never be skipped), found in the tail window
//! ([`crate::features::tail`]).
//!
//! A transparent rule over per-second picture cues rather than a second learned model: no
//! labelled TV tails exist here and the synthesised ones come from one generator, so a learned
//! tail model would learn that generator (the intro model did). Credits are what a viewer
//! recognises them by: several lines of text at once (a role and a name, a scrolling list),
//! text over black, a list rolling up, a squeeze-back, second after second. One line of text (a
//! subtitle, a sign, a caption, a title) over a scene is not credits. The thresholds were chosen
//! on the dev, held-out, family B, varied-ends and other-typography (5044) sets (README "The end
//! of the episode"). With Tesseract, the words read after the credits decide preview or story.
//!
//! - **Credits**: the longest run of credit seconds — several lines of text, a line over a black
//!   card, text rolling up, or the picture squeezed to one side — (gaps up to [`GAP_S`] closed)
//!   holding at least [`MIN_CREDIT_S`] of them. Its start goes back over a black lead-in or a
//!   squeeze-back; its end runs on over text still rolling and a squeezed picture, then over the
//!   same picture (the last names leave, the card stays) to the next cut, or to the end of the file
//!   (over black all the way there). A channel's logo over a black card is no line ([`logo_lines`]).
//! - **After the credits**, at least [`MIN_AFTER_S`] of picture: a preview from its caption
//!   ("Next time", on a new shot); story before it, or with no caption, is a post-credits scene,
//!   reported so that nothing skips it (fast cutting is not a preview's sign: story cuts fast too).
//! - **A scene between black cards** ([`scenes_between_cards`]) parts a run of them however
//!   short, and so does a whole shot of story between names over footage and one line on a
//!   black card ([`shots_between_forms`]); a cut into a dark scene ends the credits and one out
//!   of it into a black card begins them ([`Cues::cut_to_dark_scene`],
//!   [`Cues::cut_from_dark_scene`]).
//! - **Credits a scene splits** ([`split_credits`], run last): another run of credit seconds that
//!   looks like the credits, within [`MAX_BETWEEN_S`] after them (or before them, where they are
//!   more than lines over footage), with footage between: a second credits segment, and the scene
//!   between is story.

use super::{DetectedSegment, Evidence};
use crate::features::picture::{black_share, centre_luma, rolled_up, squeezed, text_line, text_lines, TextCue, BLACK_CARD, ROLL_TOLERANCE};
use crate::features::EpisodeFeatures;

/// Reading the credits' edges: where their words are first and last read.
mod edges;
pub use edges::{far_words, rolled_in, rolled_out, EdgeReads, FarWords, Walk, READ_BACK_S};
/// Credits a story scene splits: the other part, found around the credits.
mod split;
pub use split::{split_credits, MAX_BETWEEN_S};
/// Credits found by the season's end theme where the picture rule sees none.
mod theme;
pub use theme::{theme_credits, ThemeTail, MIN_THEME_S, THEME_CONFIDENCE};
/// What follows the credits, read: a preview's caption or story.
mod coarse;
pub use coarse::{coarse_credits, CoarseCredits, COARSE_BEFORE_S, COARSE_GAP_S, COARSE_MIN_GAP_S, COARSE_STOP_S, PROBE_S};
#[cfg(test)]
use coarse::{coarse_from_end, COARSE_KEYFRAMES};

mod words;
pub use words::{end_credits_at, reads_as_preview, seconds_to_read, weigh_words, ReadAfter};

/// A line of text at least this clear ([`text_line`]) counts as text even where no separate
/// line stands out (a caption with an outline).
pub const TEXT: f32 = 0.12;
/// Centre luma below this is a black card, or footage darkened under names (text included: the
/// names lift a black card's centre to about 0.13).
pub const DARK: f32 = 0.15;
/// Gaps of at most this many seconds inside a credits run are closed (a page turns, the list
/// scrolls past a blank line).
pub const GAP_S: usize = 3;
/// A credits run holds at least this many credit seconds.
pub const MIN_CREDIT_S: usize = 6;
/// How far a boundary may move from the first or last credit second over black or the same shot.
pub const REACH_S: usize = 6;
/// 1 − cosine between neighbouring seconds above which the picture changed (a cut).
pub const CUT: f32 = 0.25;
/// Picture after the credits shorter than this is the credits' own tail, not a scene.
pub const MIN_AFTER_S: f64 = 3.0;

/// What the tail holds.
#[derive(Clone, Debug, Default)]
pub struct TailFound {
    pub credits: Option<DetectedSegment>,
    pub preview: Option<DetectedSegment>,
    /// Story after the credits (start, end): a post-credits scene, never to be skipped.
    pub after_credits: Option<(f64, f64)>,
    /// The other part of credits a story scene splits ([`split_credits`]): credits too.
    pub more_credits: Vec<DetectedSegment>,
    /// The scene between the parts of split credits (start, end): story, never skipped.
    pub between: Vec<(f64, f64)>,
    /// Where the words read after the credits put a preview's caption ([`weigh_words`]): a
    /// preview the split credits' last part does not cover begins there.
    pub caption_read: Option<f64>,
    /// Per tail second: 1 a credit second (several lines, a line over a black card, text
    /// rolling up, a squeezed picture), 0.5 one line of text, 0 none. What the app's lane draws and a user checks the rule against.
    pub evidence: Vec<f32>,
}

/// Per-second picture cues of the tail.
struct Cues {
    text: Vec<bool>,
    credit: Vec<bool>,
    dark: Vec<bool>,
    /// The text rolls up the screen (a list of names; however few lines show).
    roll: Vec<bool>,
    /// The picture is squeezed into one side of the frame ([`squeezed`]).
    squeeze: Vec<bool>,
    /// Text over a black card.
    card: Vec<bool>,
    /// 1 − cosine to the previous second (0 for the first).
    change: Vec<f32>,
    /// Black all but a few pixels ([`BLACK_END`]), no line of text on it: nothing to watch.
    black: Vec<bool>,
    /// Share of black pixels ([`black_share`]).
    share: Vec<f32>,
    /// A scene between black cards ([`scenes_between_cards`]), a shot after names over footage
    /// and before one line on a black card ([`shots_between_forms`]), or a full-frame shot
    /// between two parts of a squeeze-back ([`shot_between_squeezes`]): no run of credits goes
    /// through it.
    scene: Vec<bool>,
    /// Lines of text read in the picture (a channel's logo on a black card left out).
    lines: Vec<usize>,
}

/// A dark picture with less black than this shows a scene (the earth at night over black:
/// 0.80 of it black); a black card with names or a logo is black over 0.93 of it or more.
const SCENE_BLACK: f32 = 0.9;

impl Cues {
    /// Whether second `i` is a dark picture less black than [`SCENE_BLACK`]: a dark scene,
    /// footage darkened under names, a fade on its way; not black with names or a logo.
    fn dim(&self, i: usize) -> bool {
        self.dark[i] && self.share[i] < SCENE_BLACK
    }

    /// Whether second `i` is a dark scene: a dim picture ([`Cues::dim`]) black over most of it
    /// ([`BLACK_CARD`]) with no text on it, the earth at night on black; footage darkened under
    /// names is black over a third to a half of it.
    fn dark_scene(&self, i: usize) -> bool {
        self.dim(i) && self.share[i] >= BLACK_CARD && !self.text[i]
    }

    /// Whether second `j` opens a dark scene ([`Cues::dark_scene`]) by a cut from lit footage:
    /// the earth at night after names over a bright shot. A cut within footage darkened under
    /// names goes on with the credits.
    fn cut_to_dark_scene(&self, j: usize) -> bool {
        j > 0 && self.dark_scene(j) && !self.dark[j - 1] && self.change[j] >= CUT
    }

    /// Whether second `j` closes a dark scene: a cut out of a dim picture ([`Cues::dim`]) into a
    /// black card: the card leads the names in, the dim story before it is no lead-in. Into
    /// names over footage (darkened or not) the cut is the credits' footage's own.
    fn cut_from_dark_scene(&self, j: usize) -> bool {
        j > 0 && self.dim(j - 1) && !self.squeeze[j - 1] && self.dark[j] && self.share[j] >= SCENE_BLACK && self.change[j] >= CUT
    }

    /// Whether second `i` shows a picture: lit footage or a dark scene ([`Cues::dark_scene`]);
    /// not names or a pause on black, nor footage darkened under names.
    fn shows_picture(&self, i: usize) -> bool {
        !self.dark[i] || self.dark_scene(i)
    }
}

/// Per second, whether it is in a scene between black cards: at least [`MIN_AFTER_S`] seconds
/// of lit footage (not dark) that a cut opens right after a dark second and a cut closes right
/// before one, with at least half of the [`MIN_CREDIT_S`] seconds on each side black cards with
/// names, nothing in it rolling or squeezed and at most half of it credit seconds. Names on
/// black cards do not turn into footage and back for a page; a story scene between the cards
/// does, and it may show text of its own — a film's title over its first shot read as two
/// lines, credit seconds, and the two seconds left of the 3.3 s scene were closed as a pause
/// between pages (tails-mid-other 6063's Iron Circuit E03, a scene swallowed). A list rolling over
/// footage darkened at both ends is the credits.
fn scenes_between_cards(c: &Cues) -> Vec<bool> {
    let n = c.card.len();
    let mut scene = vec![false; n];
    let lit = |i: usize| !c.dark[i];
    let cards = |from: usize, to: usize| (from..to.min(n)).filter(|&k| c.card[k]).count();
    let mut i = 1;
    while i < n {
        if !(lit(i) && c.dark[i - 1] && c.change[i] >= CUT) {
            i += 1;
            continue;
        }
        let mut e = i;
        while e + 1 < n && lit(e + 1) {
            e += 1;
        }
        let len = e + 1 - i;
        let closed = e + 1 < n && c.change[e + 1] >= CUT;
        let framed = 2 * cards(i.saturating_sub(MIN_CREDIT_S), i) >= MIN_CREDIT_S && 2 * cards(e + 1, e + 1 + MIN_CREDIT_S) >= MIN_CREDIT_S;
        let story = (i..=e).all(|k| !c.roll[k] && !c.squeeze[k]) && 2 * (i..=e).filter(|&k| c.credit[k]).count() <= len;
        if len >= MIN_AFTER_S as usize && closed && framed && story {
            scene[i..=e].iter_mut().for_each(|s| *s = true);
        }
        i = e + 1;
    }
    scene
}

/// Per second, whether it is in a pause after names over footage that holds a whole lit shot (a
/// cut into footage, at least two seconds of it, a cut out) before one line on a black card (90 %
/// black or more; black cards of names after a shot are more credits in another look): a shot
/// of story and then something else, not a pause between pages (a page pause keeps the look).
/// Tails-mid-other 6064's Secret Academy E04: names rolling over
/// footage, then its preview's first shot and a film's title card on black in the preview's
/// second, joined across the 3 s as one run, the credits' end 5.5 s into the preview. Not the
/// other way round: a card before the credits' footage fades in, its names a few seconds
/// later, is their lead-in (family B 2036's Bright Academy E03 and 2038's Bright Garden E04
/// began 2–4 s late when this parted those too), and names over footage darkening to a card are
/// one look (B 2042's Secret River E03, its last name on footage 70 % black).
fn shots_between_forms(c: &Cues) -> Vec<bool> {
    let mut out = vec![false; c.credit.len()];
    for (g, h) in pauses(&c.credit) {
        if h + 1 - g <= GAP_S && !c.card[g - 1] && !c.dark[g - 1] && c.card[h + 1] && c.lines[h + 1] == 1 && c.share[h + 1] >= SCENE_BLACK {
            let cuts: Vec<usize> = (g..=h + 1).filter(|&k| c.change[k] >= CUT).collect();
            let whole_shot = cuts.windows(2).any(|w| w[1] - w[0] >= 2 && (w[0]..w[1]).all(|k| !c.dark[k] && !c.roll[k] && !c.squeeze[k]));
            if whole_shot {
                out[g..=h].iter_mut().for_each(|s| *s = true);
            }
        }
    }
    out
}

/// The pauses between credit seconds: each stretch `g..=h` of seconds that are not, with a
/// credit second before it and after it.
fn pauses(credit: &[bool]) -> Vec<(usize, usize)> {
    let n = credit.len();
    let mut out = Vec::new();
    let mut g = 1;
    while g < n {
        if credit[g] || !credit[g - 1] {
            g += 1;
            continue;
        }
        let mut h = g;
        while h + 1 < n && !credit[h + 1] {
            h += 1;
        }
        if h + 1 < n {
            out.push((g, h));
        }
        g = h + 1;
    }
    out
}

/// Per second, whether it is in a pause between names beside a squeezed picture on both sides
/// that is one whole shot without any text, neither dark nor squeezed: no cut inside it (the
/// cuts at its ends only say the layout changed), as long as the shortest scene between two
/// parts ([`MIN_AFTER_S`]) and no longer than a pause [`runs`] closes ([`GAP_S`]). A squeeze-back
/// plays until the picture fills the frame again: this is a shot of story between two parts
/// (tails-mid-other 6065's Hollow Kingdom E03: 3.2 s of story between two parts of a
/// squeeze-back, closed as a page turn and skipped with the credits). Not between names over
/// footage: there a part before the longer one is not joined ([`split::split_credits`], story
/// shows such text too often), and parting them lost the first part where the join only took in
/// 3 s of story. A part shorter than a run ([`MIN_CREDIT_S`]) on either side is left out where
/// it was joined before: credits not skipped, never story. A squeeze whose centre is dark (a
/// small corner picture) is the black cards' case ([`scenes_between_cards`]).
fn shot_between_squeezes(c: &Cues) -> Vec<bool> {
    let mut out = vec![false; c.credit.len()];
    let beside_picture = |k: usize| c.credit[k] && c.squeeze[k] && !c.dark[k];
    for (g, h) in pauses(&c.credit) {
        let len = h + 1 - g;
        if len <= GAP_S && len as f64 >= MIN_AFTER_S && beside_picture(g - 1) && beside_picture(h + 1) {
            let one_shot = c.change[g] >= CUT && c.change[h + 1] >= CUT && (g + 1..=h).all(|k| c.change[k] < CUT);
            if one_shot && (g..=h).all(|k| !c.text[k] && !c.dark[k]) {
                out[g..=h].iter_mut().for_each(|s| *s = true);
            }
        }
    }
    out
}

/// Share of black pixels (luma ≤ 0.08) above which a picture without text is nothing to watch:
/// black after the credits to the end of the file is theirs, not a scene ([`find_tail`]). Not
/// weighed: the sound (a stinger of voice over black would be taken for it) and movement (a
/// scene that dark, 95 % of it black, would be too; asking for a still picture lost tails-other
/// 5044's Last Circuit E02, whose black seconds' descriptors differ as much as two shots').
const BLACK_END: f32 = 0.95;

/// One picture's verdict: several lines of text, or text over black.
fn is_credit(lines: usize, dark: bool) -> bool {
    lines >= 2 || (dark && lines >= 1)
}

/// Per tail second: whether its text rolls up, moving with the second before it and at about the
/// same speed as the step before or after (one step alone can be a new shot's text that happens
/// to sit higher).
fn rolling(text: &[TextCue], n: usize) -> Vec<bool> {
    let step: Vec<Option<f32>> = (0..n).map(|i| if i == 0 || i >= text.len() { None } else { rolled_up(&text[i - 1], &text[i]) }).collect();
    let alike = |a: Option<f32>, b: Option<f32>| matches!((a, b), (Some(a), Some(b)) if (a - b).abs() <= (0.3 * a.max(b)).max(ROLL_TOLERANCE));
    (0..n).map(|i| step[i].is_some() && ((i > 0 && alike(step[i], step[i - 1])) || (i + 1 < n && alike(step[i], step[i + 1])))).collect()
}

/// A band this close (share of the picture's height) to a logo's line is that line.
const LOGO_TOLERANCE: f32 = 0.016;
/// A channel's logo sits this near the top or bottom edge (share of the picture's height).
const LOGO_EDGE: f32 = 0.12;
/// Share of the black cards showing a line that must show the logo's line.
const LOGO_SHARE: f32 = 0.8;

/// Whether `y` is at one of the `heights` ([`LOGO_TOLERANCE`]).
fn at_any(heights: &[f32], y: f32) -> bool {
    heights.iter().any(|&h| (h - y).abs() <= LOGO_TOLERANCE)
}

/// Whether `cue` shows a line at the height `at` ([`LOGO_TOLERANCE`]).
fn has_band(cue: &TextCue, at: f32) -> bool {
    cue.band_centres().any(|b| at_any(&[at], b))
}

/// Where a channel's logo (a broadcaster's corner mark, over every picture) shows as a line of
/// text over black: a line near the top or bottom edge ([`LOGO_EDGE`]) that most black cards of
/// the tail with a line show ([`LOGO_SHARE`]) at one height, in two or more stretches of dark
/// picture that footage separates. Over a dark scene the logo alone made a "line over a black
/// card", a credit second (family C 2043's Northern Harbor: Sintel's dark opening taken for the
/// first part of split credits, 34 s before them). Names sit elsewhere, or move; a card the
/// credits hold sits in one stretch. `cards`: per second, a black card.
fn logo_lines(text: &[TextCue], cards: &[bool], dark: &[bool]) -> Vec<f32> {
    let n = cards.len().min(text.len()).min(dark.len());
    let shown: Vec<usize> = (0..n).filter(|&i| cards[i] && text[i].lines >= 1).collect();
    if shown.len() < MIN_CREDIT_S {
        return Vec::new();
    }
    // Which stretch of dark picture each second lies in: footage between two starts another.
    // Holding that footage to 3 s or more (so that a bright card between two of the credits'
    // cannot split them) lost family B 2038's Bright Garden E02, whose dark scene and credits
    // a shorter shot parts: a credits' own line at the top or bottom of every card, on both
    // sides of such a card, would be taken for a logo.
    let mut stretch = vec![0usize; n];
    for i in 1..n {
        stretch[i] = stretch[i - 1] + usize::from(dark[i] && !dark[i - 1]);
    }
    let has = |i: usize, at: f32| has_band(&text[i], at);
    let mut found: Vec<f32> = Vec::new();
    for &i in &shown {
        for at in text[i].band_centres().filter(|&b| !(LOGO_EDGE..=1.0 - LOGO_EDGE).contains(&b)) {
            if at_any(&found, at) {
                continue;
            }
            let with: Vec<usize> = shown.iter().copied().filter(|&k| has(k, at)).collect();
            let mut stretches: Vec<usize> = with.iter().map(|&k| stretch[k]).collect();
            stretches.dedup();
            if with.len() as f32 >= LOGO_SHARE * shown.len() as f32 && stretches.len() >= 2 {
                found.push(at);
            }
        }
    }
    found
}

/// A line held at one height over more than this many seconds of the scene (no black card, or
/// a dim picture showing that line alone: [`held_lines`]), in the hold that runs through a
/// black card, is the scene's own (a sign, a subtitle), not a name: a static card of names
/// over the last scene changes page every 2.5–5 s.
const HELD_S: usize = 5;

/// Per second, the heights of its lines over a black card that are the scene's own text: a band
/// held at one height ([`LOGO_TOLERANCE`]) second after second through the card, over more than
/// [`HELD_S`] seconds of the scene (no black card: footage, a dark scene) in the same hold, and
/// over at least as many of those as of black cards: a scene dips to black, the credits hold their
/// cards. A sign or a subtitle over a scene that dips to black keeps its place, and the black
/// seconds made "a line over a black card", a credit second (family C 2043's Northern Harbor
/// E03 and E04: a sign and a subtitle over Sintel's dark opening, taken for credits 9 and 12 s
/// early). Names move (a roll) or change page with the card (static cards sit on black
/// throughout); a logo over footage before long credits on black is held over fewer seconds
/// of footage than of cards. A second black enough to be a card by its share but dim
/// ([`SCENE_BLACK`]: a dark scene, not names on black) showing that one line alone counts as
/// the scene's too: the earth at night, 80 % black, held one
/// subtitle 17 s with no lit second in the hold (tails-mid-other 6070's Secret Academy E04,
/// credits 22 s early); a list over a dim shot shows several lines a second, and its lines,
/// one under the other as it rolls, look held at every height.
fn held_lines(text: &[TextCue], cards: &[bool], shares: &[f32]) -> Vec<Vec<f32>> {
    let n = cards.len().min(text.len());
    let has = |i: usize, at: f32| has_band(&text[i], at);
    (0..n)
        .map(|i| {
            if !cards[i] {
                return Vec::new();
            }
            text[i]
                .band_centres()
                .filter(|&at| {
                    let mut a = i;
                    while a > 0 && has(a - 1, at) {
                        a -= 1;
                    }
                    let mut b = i;
                    while b + 1 < n && has(b + 1, at) {
                        b += 1;
                    }
                    let scene = (a..=b).filter(|&k| !cards[k] || (text[k].lines <= 1 && shares.get(k).is_some_and(|&x| x < SCENE_BLACK))).count();
                    scene > HELD_S && scene >= b + 1 - a - scene
                })
                .collect()
        })
        .collect()
}

/// `text` with the lines at the heights `at` (a logo's, [`LOGO_TOLERANCE`]) taken out where
/// they stay: the second before or after shows a line at that height too. A list's line passing
/// the logo's height is there one second only when the list moves more than twice the
/// tolerance a second (family C 2043's Secret Frontier E02, whose last line rolled out past the
/// logo); a slower crawl's line there is taken out with the logo's.
fn without_lines(text: &[TextCue], at: &[f32]) -> Vec<TextCue> {
    if at.is_empty() {
        return text.to_vec();
    }
    let near = |i: usize, l: f32| text.get(i).is_some_and(|cue| has_band(cue, l));
    (0..text.len())
        .map(|i| {
            let cue = &text[i];
            let stays = |y: f32| at.iter().any(|&l| at_any(&[l], y) && ((i > 0 && near(i - 1, l)) || near(i + 1, l)));
            let kept: Vec<u8> = cue.bands.iter().copied().filter(|&b| b > 0 && !stays(f32::from(b) / 255.0)).collect();
            let mut bands = [0u8; crate::features::picture::MAX_BANDS];
            bands[..kept.len()].copy_from_slice(&kept);
            let gone = cue.band_centres().count() - kept.len();
            TextCue { lines: cue.lines.saturating_sub(gone as u8), strength: cue.strength, bands }
        })
        .collect()
}

fn cues(tail: &EpisodeFeatures) -> Cues {
    let n = tail.seconds.len().min(tail.thumbnails.len());
    let dark: Vec<bool> = tail.thumbnails[..n].iter().map(|t| centre_luma(t).0 < DARK).collect();
    // One line of text counts over a black card, not over a dark scene with a subtitle.
    let shares: Vec<f32> = tail.thumbnails[..n].iter().map(black_share).collect();
    let cards: Vec<bool> = (0..n).map(|i| dark[i] && shares[i] >= BLACK_CARD).collect();
    let logo = logo_lines(&tail.text, &cards, &dark);
    let held = held_lines(&tail.text, &cards, &shares);
    // A list rolls past the logo, which stays: its line is no line of the list (family B
    // 2044's Quiet Frontier E04, names rolling under a logo at the top, never seen to roll).
    let roll = rolling(&without_lines(&tail.text, &logo), n);
    let squeeze: Vec<bool> = tail.thumbnails[..n].iter().map(squeezed).collect();
    let mut c = Cues { text: Vec::with_capacity(n), credit: Vec::with_capacity(n), dark: Vec::with_capacity(n), roll, squeeze, card: Vec::with_capacity(n), change: Vec::with_capacity(n), black: Vec::with_capacity(n), share: Vec::new(), scene: Vec::new(), lines: Vec::with_capacity(n) };
    for i in 0..n {
        let thumb = &tail.thumbnails[i];
        // Text read from the taller picture where the analysis kept one, else the thumbnail;
        // a channel's logo over a black card is no line of text (over footage its line was
        // not seen, and a caption may sit at its height on the other side).
        let (lines, strength, logos) = match tail.text.get(i) {
            Some(cue) => {
                let logos = if cards[i] { cue.band_centres().filter(|&b| at_any(&logo, b)).count() } else { 0 };
                ((cue.lines as usize).saturating_sub(logos), cue.strength, logos)
            }
            None => (text_lines(thumb), text_line(thumb), 0),
        };
        // The clearest line's strength is the logo's where the logo was all the lines.
        let text = lines >= 1 || (strength >= TEXT && logos == 0);
        // A sign or subtitle the scene holds through the black is text but no name, and the
        // black is the scene's, whatever else it shows (a film's title card under the subtitle:
        // Northern Harbor E04's "The Blender Foundation").
        let held = held.get(i).map_or(0, |h| h.iter().filter(|&&b| !at_any(&logo, b)).count());
        let (dark, card) = (dark[i], cards[i] && held == 0);
        c.text.push(text);
        c.dark.push(dark);
        c.card.push(card && lines >= 1);
        c.lines.push(lines);
        c.credit.push(is_credit(lines.saturating_sub(held), card) || c.roll[i] || c.squeeze[i]);
        c.black.push(!text && shares[i] >= BLACK_END);
        c.change.push(if i == 0 { 0.0 } else { 1.0 - crate::encoder::cosine(tail.embedding(i - 1), tail.embedding(i)) });
    }
    c.share = shares;
    // The scene's own text (a film's title) stays what it is, a credit second or a line: no
    // run goes through the scene ([`runs`]).
    c.scene = scenes_between_cards(&c);
    let shots = shots_between_forms(&c);
    let squeezes = shot_between_squeezes(&c);
    for ((s, shot), parted) in c.scene.iter_mut().zip(shots).zip(squeezes) {
        *s |= shot || parted;
    }
    c
}

/// The seconds a run of credit seconds `first..=last` covers, inside `lo..hi`. Start: back over a
/// black lead-in (the card before the names arrive) or the squeeze-back the names roll beside,
/// to the cut before it, not past a cut from a dim story shot into that card
/// ([`Cues::cut_from_dark_scene`]). End: on over black or the same picture (the last names
/// leave, the card or shot stays), up to a cut, or to black showing text too faint to count as a
/// line (only the strength of one line sees it: a caption card). Over the same shot of footage a
/// lone line is the last name scrolling out, not a caption: a preview or a post-credits scene
/// opens on a new shot. Nor on past a cut from lit footage into a dark scene
/// ([`Cues::cut_to_dark_scene`]: tails-mid-other 6063's Secret Academy E02, the earth at night
/// between two parts of its credits, swallowed by the first). Text still rolling up and a
/// squeezed picture are the credits whatever the cuts: the
/// list goes on over the footage's own cuts, and a squeeze-back plays until the picture fills
/// the frame again.
fn extent(c: &Cues, first: usize, last: usize, lo: usize, hi: usize) -> (usize, usize) {
    let mut a = first;
    while a > lo && first - a < REACH_S && (c.dark[a - 1] || c.squeeze[a - 1]) && !c.cut_from_dark_scene(a) {
        a -= 1;
    }
    let mut b = last;
    let mut held = last;
    while b + 1 < hi {
        let j = b + 1;
        if c.roll[j] || c.squeeze[j] {
            b = j;
            held = j;
        } else if j - held <= REACH_S && ((c.dark[j] && !c.cut_to_dark_scene(j)) || c.change[j] < CUT) && !(c.text[j] && !c.credit[j] && c.dark[j]) {
            b = j;
        } else {
            break;
        }
    }
    (a, b)
}

/// The credits segment a run `(first, last, count)` of credit seconds makes, begun at second
/// `a` (at `second_a` in the file; before `first` where a black lead-in or squeeze-back leads
/// in) and ending at `end` (no earlier than its start): its confidence is the share of credit
/// seconds in the run.
fn run_segment(second_a: f64, a: usize, (first, last, count): (usize, usize, usize), end: f64) -> DetectedSegment {
    let start = (second_a - 0.5).max(0.0);
    let mut seg = DetectedSegment { start, end: end.max(start), confidence: count as f64 / (last - first + 1) as f64, start_by: vec![Evidence::Text], end_by: vec![Evidence::Text], repeats_in: 0 };
    if a < first {
        seg.start_by.push(Evidence::Picture);
    }
    seg
}

/// Find credits, a preview and a post-credits scene in `tail`, an episode's tail window of an
/// episode `duration_s` long. Times are seconds in the file.
pub fn find_tail(tail: &EpisodeFeatures, duration_s: f64) -> TailFound {
    let c = cues(tail);
    let n = c.credit.len();
    let evidence = (0..n).map(|i| if c.credit[i] { 1.0 } else if c.text[i] { 0.5 } else { 0.0 }).collect();
    let mut found = TailFound { evidence, ..Default::default() };
    let Some((first, last, count)) = best_run(&c.credit, &c.scene) else { return found };
    let second = |i: usize| f64::from(tail.seconds[i]);
    let (a, b) = extent(&c, first, last, 0, n);
    let mut credits = run_segment(second(a), a, (first, last, count), duration_s);
    let end = second(b) + 0.5;
    // What follows the credits, when there is enough of it to be a scene: not black to the end
    // of the file (the last names left, a logo may stay: tails-other 5044's Last Circuit E02,
    // 13 s of black after its names).
    if b + 1 < n && duration_s - end >= MIN_AFTER_S && !black_to_end(&c, b) {
        credits.end = end;
        (found.preview, found.after_credits) = follows(&c, tail, b, end, duration_s);
    }
    found.credits = Some(credits);
    found
}

/// Whether everything after second `b` of the tail is black without text ([`BLACK_END`]).
fn black_to_end(c: &Cues, b: usize) -> bool {
    (b + 1..c.black.len()).all(|i| c.black[i])
}

/// What follows credits ending at `end` (inside second `b` of the tail): a preview from its
/// caption, story before it or without one. A preview is what opens with its caption ("Next
/// time"): fast cutting alone is no sign of one — story is edited fast too, and skipping a
/// post-credits scene costs the viewer story where missing a preview costs seconds. Story
/// before a later caption, on a new shot, is a post-credits scene with the preview after it.
fn follows(c: &Cues, tail: &EpisodeFeatures, b: usize, end: f64, duration_s: f64) -> (Option<DetectedSegment>, Option<(f64, f64)>) {
    let n = c.credit.len();
    let second = |i: usize| f64::from(tail.seconds[i]);
    let caption = |i: usize| c.text[i] && !c.credit[i];
    let preview_from = (b + 1..n).find(|&i| caption(i) && (i <= b + 3 || (i - 3..=i).any(|j| c.change[j] >= CUT))).map(|i| {
        // The caption's shot begins at the cut at most 3 s before it.
        let shot = (i.saturating_sub(3).max(b + 1)..=i).rev().find(|&j| c.change[j] >= CUT).unwrap_or(i);
        if shot <= b + 3 { end } else { second(shot) - 0.5 }
    });
    match preview_from {
        Some(at) => (
            Some(DetectedSegment { start: at, end: duration_s, confidence: 0.8, start_by: vec![Evidence::Picture], end_by: vec![Evidence::Picture], repeats_in: 0 }),
            (at - end >= MIN_AFTER_S).then_some((end, at)),
        ),
        None => (None, Some((end, duration_s))),
    }
}

/// What follows credits found another way (by the season's end theme) and ending at `end`, as
/// [`find_tail`] judges what follows its own: a preview from its caption, else story. Nothing
/// where the tail's picture was not sampled past `end` (a long tail whose keyframes showed no
/// credits) or less than [`MIN_AFTER_S`] of the file follows: unknown is not called story.
pub fn what_follows(tail: &EpisodeFeatures, end: f64, duration_s: f64) -> (Option<DetectedSegment>, Option<(f64, f64)>) {
    let Some(b) = tail.seconds.iter().rposition(|&s| f64::from(s) < end) else { return (None, None) };
    if b + 1 >= tail.seconds.len() || duration_s - end < MIN_AFTER_S {
        return (None, None);
    }
    let c = cues(tail);
    if black_to_end(&c, b) {
        return (None, None);
    }
    follows(&c, tail, b, end, duration_s)
}

/// The runs of credit seconds (gaps ≤ [`GAP_S`] closed, none over a `scene`) holding at least
/// [`MIN_CREDIT_S`] of them, in order: (first, last, count).
fn runs(credit: &[bool], scene: &[bool]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < credit.len() {
        if !credit[i] {
            i += 1;
            continue;
        }
        let (first, mut last, mut count) = (i, i, 1);
        let mut j = i + 1;
        // A scene between the cards ends the run however short: it is no pause between pages.
        while j < credit.len() && j - last <= GAP_S + 1 && !scene.get(j).copied().unwrap_or(false) {
            if credit[j] {
                last = j;
                count += 1;
            }
            j += 1;
        }
        if count >= MIN_CREDIT_S {
            out.push((first, last, count));
        }
        i = last + 1;
    }
    out
}

/// The run of credit seconds with the most credit seconds ([`runs`]); a later run wins a tie
/// (credits end an episode). (first, last, count).
fn best_run(credit: &[bool], scene: &[bool]) -> Option<(usize, usize, usize)> {
    runs(credit, scene).into_iter().fold(None, |best, r| if best.is_none_or(|(_, _, c)| r.2 >= c) { Some(r) } else { best })
}

#[cfg(test)]
#[path = "credits_tests/mod.rs"]
mod tests;
