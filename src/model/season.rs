//! Season judgement: the repeats that alignment found ([`crate::features::align`]) weighed
//! against the model's per-second tags. What a series plays in most of its episodes is its intro
//! whatever it looks or sounds like — a quiet theme after a long cold open, long calm shots — so
//! such a repeat becomes the intro with alignment's edges even where the model doubted it; the
//! model decides the rest: a repeat it tags as recap is a recap (a recap plays another episode's
//! story), and footage that only a minority of episodes share is intro only when the model agrees.
//! An episode whose season has an intro elsewhere but which repeats none of it keeps no intro the
//! model found on its own (a loud music scene in the story is not an intro), and says so; so does
//! every episode of a season of three or more where no episode's intro repeats at all. Footage
//! seen and heard again where a partner plays it as its own intro counts as the intro even when
//! only two episodes of the season play it, and a sting of 4–6 s counts when seen and heard.

use super::{DetectedSegment, Detection, Evidence};
use crate::features::align::{By, Repeat, MIN_MATCH_S, MIN_SHORT_S};

mod partners;
mod story;
pub use partners::{follow_partners_intros, Followed, FOLLOWED_CONFIDENCE};
use partners::theme_shared;
pub use story::{shared_story, story_changes, story_matters};
use story::trimmed;

/// A repeat the model tags as recap at least this strongly (and more than as intro) is a recap.
const RECAP_MIN: f64 = 0.3;
/// A repeat shared with at least half the season's other episodes is the intro if the model
/// gives it at least this much; shared with two or more such episodes, whatever it says.
const MAJORITY_INTRO_MIN: f64 = 0.2;
/// A repeat shared with fewer episodes is the intro only when the model agrees this much.
const MINORITY_INTRO_MIN: f64 = 0.5;
/// A neighbouring repeat joins the intro across at most this gap (seconds), when the model tags
/// it and the gap as intro at least [`EXTEND_MIN`].
const EXTEND_GAP_S: f64 = 8.0;
const EXTEND_MIN: f64 = 0.5;
/// An intro a partner plays as its own (seen and heard) but no majority backs is weighed from
/// this long (seconds), in both episodes.
const PAIRED_MIN_S: f64 = 20.0;
/// The model's own intro edge replaces an aligned one this close (seconds).
const REFINE_S: f64 = 2.0;
/// Passes of season judgement at most (each counts partners against the previous one's intros).
const MAX_PASSES: usize = 4;
/// Added to the score of a repeat most partners both play and show: it outranks any repeat found
/// by sound or picture alone (scores are otherwise below 2.2).
const SEEN_AND_HEARD: f64 = 10.0;
/// Added (pass 2 on) to a repeat whose copies are most partners' own intros: it outranks what
/// only the model believes, below [`SEEN_AND_HEARD`].
const BACKED_BY_INTROS: f64 = 5.0;
/// An aligned intro's confidence from repetition alone: repeating in every other episode says
/// this much even where the model doubted it.
const REPEAT_CONFIDENCE: f64 = 0.95;

/// What season judgement did to one episode: something to tell the user, or nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The intro is a repeat of the season ([`Repeat`]), with the model's mean P(intro) over it.
    Aligned { repeats_in: usize, model_probability: f64 },
    /// No repeat made the intro: the model's own answer stands.
    ModelOnly,
    /// The model's intros here are nothing another episode plays as its (aligned) intro, while
    /// other episodes share theirs: dropped, every one (start, end, confidence), usually one.
    DroppedLone { dropped: Vec<(f64, f64, f64)> },
    /// The model's intro here, in a season of [`UNREPEATED_SEASON`] or more where no episode's
    /// intro repeats in another: dropped (a series plays its intro again; what no episode plays
    /// twice is the model's guess on its own, and that guess skips story on unfamiliar series).
    /// Every intro the model drew (start, end, confidence), usually one.
    DroppedUnrepeated { dropped: Vec<(f64, f64, f64)> },
    /// In such a season, the model's (first) intro here is kept: `partners` other episodes play
    /// 20 s or more of its sound inside their own model intros ([`theme_shared`]: a new title
    /// sequence on the old theme). Its edges are the model's. Any other intro the model drew
    /// here (start, end, confidence) is dropped.
    SharedTheme { partners: usize, dropped: Vec<(f64, f64, f64)> },
    /// No intro: what this episode shares with the season is a long stretch where the model sees
    /// story in every copy and no title shows ([`shared_story`]): footage the series reuses with
    /// its sound. Those repeats (start, end).
    DroppedStory { dropped: Vec<(f64, f64)> },
}

/// Bumped when season judgement's rules change (part of a library scan's stamp: a scanned library
/// is judged again). 2: passes one episode at a time, intros backed by partners' intros.
/// 3: an intro two episodes see and hear, which the model backs in one of them. 4: a dropped
/// guess whose pictures read the series' title is kept (`service::detect`). 5: a repeat seen
/// again that shows the title is the intro of an episode left without one. 6: long repeats the
/// model sees as story in every copy, where no title is read, are no intro ([`shared_story`]).
/// 7: the title is looked for in 144 px pictures; a sting over a held still is seen and heard.
/// 8: the credits begin and end where their words are first and last read
/// ([`crate::model::credits::rolled_in`], [`crate::model::credits::rolled_out`]).
/// 9: a repeat's end reaches past what the partners share only over sound about as loud
/// ([`crate::features::align`]'s `REACH_QUIETER`).
/// 10: stings two episodes see and hear are found beside other shared sound, and kept where the
/// model leans to them in both.
/// 11: a squeeze-back 10 % off centre is one (a pillarboxed episode's; 15 % before).
/// 12: the second after the opening of the shot after the credits is read too, for a caption
/// ([`crate::model::credits::seconds_to_read`]).
/// 13: a stretch whose partners share different parts of it is cut to what the partners that
/// play it as their intro share, where the rest is story ([`trimmed`]).
/// 14: a title of 10 letters or more is read with two letters lost; a stretch a partner plays as
/// its intro found by its title is the intro here too (`service::detect::titles`).
/// 15: each episode also takes the sound matches its partners found of themselves in it
/// (`features::align`'s `mirrored`).
/// 16: an episode judged alone, or left without an intro by its season, whose pictures show the
/// series' title away from the model's intro has its intro where the sound holds its level around
/// the title (`service::detect::titles`'s `titled_by_level`).
/// 17: an intro follows where more episodes play theirs once the title placed them
/// ([`follow_partners_intros`]); a stretch is trimmed to what its intro's partners share where
/// a partner without an intro shares 10 s or more past it ([`trimmed`]).
/// 18: an intro whose theme begins over the story's last shot starts at its pictures
/// ([`crate::features::align::picture_start`]); a model intro that stops short of the series'
/// title is stretched to hold it.
/// 19: story the season shares is a candidate from 12 s, not 20 (`story::STORY_MIN_S`); an end at the
/// cut to a last shot that fades out goes past the black, and a start out of black goes back
/// over its fade in (`model::snap`).
/// 20: in a season where no intro repeats as one, two episodes whose model intros share 20 s
/// or more of sound keep them ([`theme_shared`]); an intro that starts on a black, silent leader
/// starts after it (`model::snap`).
/// 21: an episode whose repeat seen and heard runs to its window's end is heard past it, so
/// that the other episodes' copies of an intro it cuts off end where the intro does
/// (`service::detect`'s `heard_further`).
/// 22: the words read far before the credits are left out only where the credits show them too
/// (a logo); the far scene's own (a subtitle) count and tie nothing
/// ([`crate::model::credits::far_words`]).
/// 23: a stretch a partner shows in its title-found intro but plays the sound of in its story is
/// not the intro; an intro found by its title is as long as its part of the copy a partner whose
/// intro was found by its title too plays as that intro (`service::detect::titles`).
/// 24: a scene between black credit cards parts the credits, a cut into or out of a dark scene
/// ends or begins them ([`crate::model::credits`]); what follows the last part of split credits
/// is read, the shots that show text first ([`crate::model::credits::seconds_to_read`]); a whole
/// shot between names over footage and a black card parts them (`model::credits`).
/// 25: a whole shot of story between two parts of a squeeze-back parts them
/// (`model::credits::shot_between_squeezes`).
/// 26: a squeezed picture with a dark middle is still one box (`features::picture::squeezed`);
/// two squeeze-backs are alike as parts of split credits whatever their box shows
/// (`model::credits::split`).
/// 27: after the credits, two runs of rolling names are alike whatever the footage under them
/// (`model::credits::split`).
/// 28: "Coming up" read in any order, "coming" one letter off, opens a preview
/// (`model::credits::reads_as_preview`).
/// 29: an episode without an intro takes its part of a partner's intro the title kept, where its
/// copy holds most of that intro (`service::detect::titles`).
/// 30: one line held over a dim picture (a dark scene, not a card) is the scene's, not a line
/// over a black card (`model::credits::held_lines`).
/// 31: an episode without the season's intro keeps none of the model's lone guesses, not only
/// its first. 32: an intro made of a repeat that no partner's latest choice covers is weighed as
/// this episode's guess, not as one the season shares (by the lone and unrepeated-season rules).
/// 33: a stretch a partner plays as its title-found intro is the intro here over the model's
/// recap too, the recap cut around it (`service::detect::titles`).
/// 34: where the series' title shows in some repeat heard but never seen that the model believes
/// in, those where it does not are passed over (a song the story plays again), and a copy heard
/// alone of a partner's title-kept intro is the intro where the model believes it
/// (`service::detect::titles`'s `untitled_songs`, `partners_titled`).
/// 35: an intro found by its title in a piece of one copy alignment cut in two takes the extent
/// two or more partners' matches agree on (`service::detect::titles`'s `one_copy`).
/// 36: sound no second of which reaches −50 dBFS is no repeat (`features::align`'s `SILENT`);
/// touching repeats are one stretch of story the season shares only where a partner holds them
/// as one copy ([`shared_story`]), and grow an intro only as one copy or with its partners
/// ([`grow`]); a sound heard here that two or more partners show alike is seen and heard.
pub const JUDGE_VERSION: u32 = 36;

/// Seasons at least this large where nothing repeats as an intro keep no intro the model found
/// on its own: with two episodes, a missed alignment (a changed theme) is too likely to call it.
pub const UNREPEATED_SEASON: usize = 3;

/// The mean of `p` over the sampled seconds whose middle lies in `start..end` (0 where none does).
pub fn mean_over(p: &[f32], seconds: &[u32], start: f64, end: f64) -> f64 {
    let inside: Vec<f64> = seconds.iter().zip(p).filter(|(s, _)| f64::from(**s) + 0.5 > start && f64::from(**s) + 0.5 < end).map(|(_, &v)| f64::from(v)).collect();
    if inside.is_empty() {
        0.0
    } else {
        inside.iter().sum::<f64>() / inside.len() as f64
    }
}

fn evidence(by: By) -> Evidence {
    match by {
        By::Sound => Evidence::Sound,
        By::Picture => Evidence::Picture,
    }
}

/// [`pick`]'s choice: score, the intro, the model's mean P(intro) over it, and whether a
/// majority of the partners backs it.
type Choice = (f64, DetectedSegment, f64, bool);

/// What [`pick`] finds in an episode's repeats: its choice, the spans long enough to weigh, the
/// repeats the model tags as recap, and the story the season shares that it passed over.
type Picked<'a> = (Option<Choice>, Vec<Span<'a>>, Vec<DetectedSegment>, Vec<(f64, f64)>);

/// The length of the run of touching repeats (gaps under a second) among `repeats` that `r` is
/// part of, each one the same copy as a piece already in it ([`same_copy`]): footage the series
/// reuses comes as one long stretch cut into pieces by alignment, a sting alone. Touching pieces
/// held at unrelated places in their partners are not one stretch (family B 2053's Broken
/// Kingdom: an 11 s intro between two pieces of story that share quiet noise with other
/// moments of the other episodes made 36 s of "story" and was passed over).
fn stretch(repeats: &[&Repeat], r: &Repeat) -> f64 {
    let mut run: Vec<&Repeat> = vec![r];
    let (mut a, mut b) = (r.start, r.end);
    let mut grown = true;
    while grown {
        grown = false;
        for q in repeats {
            if q.start <= b + 1.0 && q.end >= a - 1.0 && (q.start < a || q.end > b) && run.iter().any(|p| same_copy(p, q)) {
                a = a.min(q.start);
                b = b.max(q.end);
                run.push(q);
                grown = true;
            }
        }
    }
    b - a
}

/// How far apart (seconds) two matches' offsets into one partner may lie and still be one copy
/// (a speed change of 4 % moves it 1.2 s over 30 s).
const SAME_COPY_S: f64 = 2.0;

/// Whether `p` and `q` are parts of one copy: some partner holds both at the same offset from
/// this episode (within [`SAME_COPY_S`]). Unknown where a repeat does not say where it lies here
/// ([`Repeat::here`] empty): then they are taken as one.
fn same_copy(p: &Repeat, q: &Repeat) -> bool {
    if p.here.is_empty() || q.here.is_empty() {
        return true;
    }
    let offsets = |r: &Repeat| r.here.iter().zip(&r.elsewhere).map(|(&(j, s, _), &(_, a, _))| (j, a - s)).collect::<Vec<_>>();
    let theirs = offsets(q);
    offsets(p).iter().any(|&(j, o)| theirs.iter().any(|&(k, u)| j == k && (o - u).abs() <= SAME_COPY_S))
}

/// A repeat of a season that may be the intro, as [`pick`] weighs it: (start, end, P(intro), repeat).
type Span<'a> = (f64, f64, f64, &'a Repeat);

/// The best intro among an episode's repeats (score, segment, the model's mean P(intro) over
/// it), every repeat long enough to weigh, and the repeats the model tags as recap. With
/// `first` (every episode's intro as the passes stand), a partner counts only where its copy
/// overlaps that partner's intro there.
fn pick<'a>(d: &Detection, seconds: &[u32], repeats: &'a [Repeat], season: &[Vec<Repeat>], others: usize, first: Option<&[Option<Past>]>, p_elsewhere: &dyn Fn(usize, f64, f64) -> f64, story: &[usize]) -> Picked<'a> {
    let window_end = seconds.last().map_or(0.0, |&s| f64::from(s) + 1.0);
    let mut best: Option<Choice> = None;
    let mut spans: Vec<Span<'a>> = Vec::new();
    let mut recaps: Vec<DetectedSegment> = Vec::new();
    let mut shared_story: Vec<(f64, f64)> = Vec::new();
    for (k, r) in repeats.iter().enumerate() {
        let (start, end) = (r.start.max(0.0), r.end.min(window_end));
        let (start, end) = match first {
            Some(first) => trimmed(r, start, end, first, d, seconds),
            None => (start, end),
        };
        // Shorter than the model's shortest intro only where seen and heard again (a sting).
        let shortest = if r.together { MIN_SHORT_S } else { super::postprocess::PostProcess::default().min_len_s as f64 };
        if end - start < shortest {
            continue;
        }
        let pi = mean_over(&d.intro_probability, seconds, start, end);
        let pr = mean_over(&d.recap_probability, seconds, start, end);
        let partners = match first {
            None => r.partners.len(),
            Some(first) => r
                .partners
                .iter()
                .filter(|&&j| {
                    r.elsewhere.iter().any(|&(k, a, b)| k == j && backs(first, j, a, b))
                })
                .count(),
        };
        spans.push((start, end, pi, r));
        let segment = DetectedSegment {
            start,
            end,
            confidence: 0.0,
            start_by: vec![evidence(r.start_by)],
            end_by: vec![evidence(r.end_by)],
            repeats_in: r.partners.len(),
        };
        // A recap replays other episodes' story. Where most partners' copies are their own
        // intros (pass 2), this is the intro again, however much it looks like a recap.
        let intro_elsewhere = first.is_some() && partners >= 2 && 2 * partners >= others;
        if pr > pi && pr >= RECAP_MIN && !intro_elsewhere {
            recaps.push(DetectedSegment { confidence: (pr * 1000.0).round() / 1000.0, ..segment });
            continue;
        }
        if story.contains(&k) {
            shared_story.push((start, end));
            continue;
        }
        let majority = 2 * partners >= others && partners > 0;
        let strong = majority && partners >= 2 && (end - start >= MIN_MATCH_S || r.together);
        // Pass 2 on: an intro only two episodes play (a new intro halfway through the season,
        // intro-less episodes around it), seen and heard in both, where the partner plays it as
        // its intro and the model there agrees: the intro here too, whatever the model says
        // here. Both copies an intro's length: story two episodes share, with a model that takes
        // it for an intro in one of them, is rarely that long. Shorter, see `paired_sting`.
        let paired = first.is_some_and(|first| {
            r.together
                && end - start >= PAIRED_MIN_S
                && r.elsewhere.iter().any(|&(j, a, b)| b - a >= PAIRED_MIN_S && backs(first, j, a, b) && p_elsewhere(j, a, b) >= MINORITY_INTRO_MIN)
        });
        // Shorter too (a sting two episodes play, the others none or another intro): seen and
        // heard again where the partner plays it as its intro and the model there believes it,
        // where the model here leans that way too (family B's Silver Meadow: 0.9 there, 0.3
        // here; chosen there; no other set scored with it changed). Its risk: story two
        // episodes share, seen and heard, where the model believes it in one and leans to it
        // (0.2) in the other, becomes an intro in both.
        // Either way round: where the model here drew an intro over it (E03, whose repeat runs
        // on 3 s over sound only a third episode shares, P 0.48 over all of it), the partner's
        // leaning is enough.
        let drawn_here = d.intros.iter().any(|m| m.end.min(end) - m.start.max(start) > 0.5 * (m.end - m.start).min(end - start));
        let believed_here = pi >= MINORITY_INTRO_MIN || drawn_here;
        let paired_sting = first.is_some_and(|first| {
            r.together
                && pi >= MAJORITY_INTRO_MIN
                && r.elsewhere.iter().any(|&(j, a, b)| {
                    let there = p_elsewhere(j, a, b);
                    backs(first, j, a, b) && (there >= MINORITY_INTRO_MIN || (believed_here && there >= MAJORITY_INTRO_MIN))
                })
        });
        let paired = paired || paired_sting;
        if !(strong || (majority && pi >= MAJORITY_INTRO_MIN) || pi >= MINORITY_INTRO_MIN || paired) {
            continue;
        }
        let support = partners as f64 / others as f64;
        // Heard and seen again in most partners outranks everything else: a series' intro
        // repeats its pictures with its theme, while a recurring score cue plays over other
        // pictures and stock footage comes with other sound. Then more partners, then the
        // model's belief; a longer span breaks near-ties.
        // Not a sting: a channel ident every episode shares must not outrank an intro alignment
        // missed in one partner.
        // Both in one partner (`together`): a sound one partner plays beside pictures another
        // shows is not "seen and heard" (before 2026-11-30 it was; no set changed by this).
        // Heard here only, where two or more partners play it with the same pictures as another
        // episode: a title sequence this copy's pictures were not matched in (cropped to 4:3,
        // letterboxed), or a new one on the old theme — not a song, which no two episodes show
        // alike. Two: one partner's repeat may be seen and heard in another part of it (a
        // sting, then story music this episode plays). Its risk: a scene two episodes reuse
        // with its sound, whose sound a third plays over other pictures.
        let seen_there = |j: usize, a: f64, b: f64| season.get(j).is_some_and(|rs| rs.iter().any(|q| q.together && q.end.min(b) - q.start.max(a) > 0.5 * (b - a).min(q.end - q.start)));
        let mut seen_in: Vec<usize> = r.heard_in.iter().filter(|&&(j, a, b)| seen_there(j, a, b)).map(|&(j, _, _)| j).collect();
        seen_in.sort_unstable();
        seen_in.dedup();
        let seen_elsewhere = !r.together && seen_in.len() >= 2;
        let tier = if majority && (r.together || seen_elsewhere) && end - start >= MIN_MATCH_S {
            SEEN_AND_HEARD
        } else if first.is_some() && strong {
            // Pass 2 on: most partners (two or more) play their copy as their own intro. That
            // outranks what only the model here believes (a model-backed minority or none): a
            // sting too short for the tier above, or one heard but not seen again.
            BACKED_BY_INTROS
        } else {
            0.0
        };
        // Heard again but never seen with it (no partner shows the same pictures where it plays
        // the sound): a score cue or a song the story plays again, however many episodes play it
        // (family B's loud music scenes) — unless the model calls it intro, or a partner plays
        // that sound as its intro where it is also seen and heard with another episode (a new
        // title sequence keeping the old theme).
        if !r.together && pi < MINORITY_INTRO_MIN {
            let seen_intro = first.is_some_and(|first| r.heard_in.iter().any(|&(j, a, b)| backs(first, j, a, b) && seen_there(j, a, b)));
            if !seen_intro && !(majority && seen_elsewhere) {
                continue;
            }
        }
        let score = tier + support + pi + 0.1 * ((end - start) / 60.0).min(1.0);
        if best.as_ref().is_none_or(|b| score > b.0) {
            let confidence = (pi.max(REPEAT_CONFIDENCE * support) * 1000.0).round() / 1000.0;
            // Seen and heard where a partner's own intro is (pass 2 on): two episodes play it as
            // their intro, not only the model here. It may replace the intro the model drew
            // around it (a guess that took in the cold open), like a majority's repeat.
            let mutual = first.is_some() && r.together && partners >= 1;
            best = Some((score, DetectedSegment { confidence, ..segment }, pi, majority || mutual));
        }
    }
    (best, spans, recaps, shared_story)
}

/// A partner's copy `a..b` of a repeat is (or overlaps) that partner's own intro in `first` (the
/// passes' latest choices).
fn backs(first: &[Option<Past>], j: usize, a: f64, b: f64) -> bool {
    first.get(j).copied().flatten().is_some_and(|Past { start: s, end: t, .. }| b.min(t) - a.max(s) > 0.5 * (b - a).min(t - s))
}

/// An episode's intro after a pass.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Past {
    start: f64,
    end: f64,
}

/// An intro can be longer than what all partners share: an episode whose intro fewer episodes
/// play in full (a longer cut, a new intro that keeps the old theme's middle). Neighbouring
/// repeats join it where the model tags them, and the seconds between, as intro, where some
/// partner holds the neighbour as more of the same copy ([`same_copy`]) or only episodes that
/// hold the intro hold it (family C's theme that loops or leads in) — and, in pass 2, where
/// some partner's copy of the neighbour is part of that partner's intro too (story that two
/// episodes share right after their intros is not intro). Not a song other episodes play in
/// their story 2 s after it (family B 2053's Broken Kingdom E03: the song then became the
/// intro of the episodes that play it, the intro's copies there lost).
fn grow(mut intro: DetectedSegment, d: &Detection, seconds: &[u32], spans: &[Span<'_>], first: Option<&[Option<Past>]>) -> DetectedSegment {
    let p = |a: f64, b: f64| if b - a < 1.0 { 1.0 } else { mean_over(&d.intro_probability, seconds, a, b) };
    let backed = |r: &Repeat| first.is_none_or(|first| r.elsewhere.iter().any(|&(j, a, b)| backs(first, j, a, b)));
    // The repeats the intro is made of; a neighbour joins only as more of one of their copies,
    // or held by none but their partners (a theme that loops, its lead-in).
    let mut run: Vec<&Repeat> = spans.iter().filter(|&&(s, t, _, _)| t.min(intro.end) - s.max(intro.start) > 0.5 * (t - s).min(intro.end - intro.start)).map(|&(_, _, _, r)| r).collect();
    let mut grown = true;
    while grown {
        grown = false;
        for &(s, t, pi_r, r) in spans {
            let before = t <= intro.start + 0.5 && intro.start - t <= EXTEND_GAP_S && s < intro.start - 0.5;
            let after = s >= intro.end - 0.5 && s - intro.end <= EXTEND_GAP_S && t > intro.end + 0.5;
            let more = run.iter().any(|q| same_copy(q, r)) || r.partners.iter().all(|j| run.iter().any(|q| q.partners.contains(j)));
            if !(pi_r >= EXTEND_MIN && backed(r) && more) {
                continue;
            }
            if before && p(t, intro.start) >= EXTEND_MIN {
                intro.start = s;
                intro.start_by = vec![evidence(r.start_by)];
                run.push(r);
                grown = true;
            } else if after && p(intro.end, s) >= EXTEND_MIN {
                intro.end = t;
                intro.end_by = vec![evidence(r.end_by)];
                run.push(r);
                grown = true;
            }
        }
    }
    intro
}

/// Judge a season: `detections[e]` is the model's answer for episode `e`, `seconds[e]` its
/// sampled seconds, `repeats[e]` what it shares with the others (indices into the same lists).
/// Changes the detections in place; returns what happened to each.
pub fn judge_season(detections: &mut [Detection], seconds: &[&[u32]], repeats: &[Vec<Repeat>]) -> Vec<Outcome> {
    judge_season_with(detections, seconds, repeats, &[])
}

/// [`judge_season`], passing over the repeats `story[e]` lists for episode `e` (indices into
/// `repeats[e]`; see [`shared_story`]): they are no intro.
pub fn judge_season_with(detections: &mut [Detection], seconds: &[&[u32]], repeats: &[Vec<Repeat>], story: &[Vec<usize>]) -> Vec<Outcome> {
    let n = detections.len();
    let mut outcomes = vec![Outcome::ModelOnly; n];
    if n < 2 {
        return outcomes;
    }
    let others = n - 1;
    // Pass 1: each episode's best repeat, counting every partner that holds it. Later passes
    // count only the partners where that copy is (or overlaps) the partner's own latest intro:
    // story footage two episodes happen to share is not their intro, however many hold it.
    let pass = |first: Option<&[Option<Past>]>, e: usize| {
        let d = &detections[e];
        let p_elsewhere = |j: usize, a: f64, b: f64| mean_over(&detections[j].intro_probability, seconds[j], a, b);
        let (best, spans, recaps, passed) = pick(d, seconds[e], &repeats[e], repeats, others, first, &p_elsewhere, story.get(e).map_or(&[], |s| s.as_slice()));
        let best = best.map(|(score, intro, pi, backed)| (score, grow(intro, d, seconds[e], &spans, first), pi, backed));
        (best, recaps, passed)
    };
    let intro_of = |first: Option<&[Option<Past>]>, e: usize| -> Option<Past> {
        match pass(first, e).0 {
            Some((_, intro, _, _)) => Some(Past { start: intro.start, end: intro.end }),
            None => detections[e].intros.first().map(|i| Past { start: i.start, end: i.end }),
        }
    };
    // Later passes count partners against the others' latest intros, one episode at a time, until
    // a pass changes nothing or MAX_PASSES − 1 of them have run (a cycle these sweeps do not
    // break ends where the last sweep left it, which depends on the episodes' order): an episode
    // whose first guess was a score cue that all episodes share, once it settles on the intro,
    // backs the same intro in the episodes that share it.
    // One at a time, not all at once: updated together, two episodes that each move to the
    // other's previous choice swap places pass after pass and never meet (family C, seed 2030:
    // a 6 s sting three episodes play, lost to the model's guess at story).
    let mut first: Vec<Option<Past>> = (0..n).map(|e| intro_of(None, e)).collect();
    for _ in 1..MAX_PASSES {
        let mut changed = false;
        for e in 0..n {
            let next = intro_of(Some(&first), e);
            if next != first[e] {
                first[e] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let second: Vec<_> = (0..n).map(|e| pass(Some(&first), e)).collect();
    let mut passed: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
    for (e, (best, recaps, passed_over)) in second.into_iter().enumerate() {
        passed[e] = passed_over;
        let d = &detections[e];
        // The model refines an aligned edge it places nearby: its tags see cuts, fades and the
        // title card, where the fingerprint's edge blurs over a fade (~0.5 s).
        let best = best.map(|(score, mut intro, pi, backed)| {
            let (a, b) = (intro.start, intro.end);
            for m in d.intros.iter().filter(|m| m.end > a && m.start < b) {
                if (m.start - intro.start).abs() <= REFINE_S {
                    intro.start = m.start;
                    intro.start_by.push(Evidence::Model);
                }
                if (m.end - intro.end).abs() <= REFINE_S {
                    intro.end = m.end;
                    intro.end_by.push(Evidence::Model);
                }
            }
            (score, intro, pi, backed)
        });
        let d = &mut detections[e];
        // A repeat that only the model's belief carried (no majority of partners backs it) does
        // not replace an intro the model drew around it: a shot the intro shares with another
        // episode's story is not the intro's extent.
        let best = best.filter(|(_, intro, _, backed)| {
            *backed || !d.intros.iter().any(|m| m.end > intro.start && m.start < intro.end)
        });
        if let Some((_, intro, pi, _)) = best {
            outcomes[e] = Outcome::Aligned { repeats_in: intro.repeats_in, model_probability: pi };
            // The model's recaps, less what the intro covers; then repeats it tags as recap
            // where it drew none.
            let mut kept: Vec<DetectedSegment> = Vec::new();
            for mut r in d.recaps.drain(..).chain(recaps) {
                if r.end > intro.start && r.start < intro.end {
                    if r.start < intro.start {
                        r.end = intro.start;
                        r.end_by = intro.start_by.clone();
                    } else {
                        continue;
                    }
                }
                let clash = kept.iter().any(|k| r.end > k.start && r.start < k.end);
                if !clash && r.end - r.start >= super::postprocess::PostProcess::default().min_len_s as f64 {
                    kept.push(r);
                }
            }
            kept.sort_by(|a, b| a.start.total_cmp(&b.start));
            d.recaps = kept;
            d.intros = vec![intro];
        }
    }
    // Episodes with no repeated intro, in a season where two or more others have one. An intro
    // made of a repeat no partner's latest choice covers (its pick, or where it has none its
    // model's first guess) — story footage the series reuses, which only the model here
    // believes — counts as this episode's guess, not as an intro the season shares: the lone
    // and unrepeated-season rules weigh it (the pick, which replaced what the model drew here).
    // 6072's Golden Kingdom has no intro, and one episode's such pick (11.6 s heard in two
    // partners' story) kept the whole season from being judged as one where no intro repeats.
    let confirmed = |e: usize| {
        detections[e].intros.first().is_some_and(|i| {
            repeats[e].iter().any(|r| r.end.min(i.end) - r.start.max(i.start) > 0.5 * (i.end - i.start).min(r.end - r.start) && r.elsewhere.iter().any(|&(j, a, b)| backs(&first, j, a, b)))
        })
    };
    let mut aligned: Vec<bool> = outcomes.iter().enumerate().map(|(e, o)| matches!(o, Outcome::Aligned { .. }) && confirmed(e)).collect();
    // What each episode plays as its intro, counted only where alignment made it (an episode's
    // own model guess backs nothing: two intro-less episodes whose model sits on the same score
    // cue would otherwise back each other).
    let mut settled: Vec<Option<Past>> = (0..n).map(|e| if aligned[e] { detections[e].intros.first().map(|i| Past { start: i.start, end: i.end }) } else { None }).collect();
    // ... or where the model's intro sits on footage seen and heard again (`together`: not a
    // score cue) where an aligned episode plays it as its intro: a sting inside a longer stretch
    // of shared sound that the model did not tag whole.
    let mut changed = true;
    while changed {
        changed = false;
        for e in 0..n {
            let Some(i) = detections[e].intros.first() else { continue };
            let (s, t) = (i.start, i.end);
            let sits = repeats[e].iter().any(|r| r.together && r.end.min(t) - r.start.max(s) > 0.5 * (t - s).min(r.end - r.start) && r.elsewhere.iter().any(|&(j, a, b)| backs(&settled, j, a, b)));
            if !aligned[e] && sits {
                aligned[e] = true;
                settled[e] = Some(Past { start: s, end: t });
                changed = true;
            }
        }
    }
    for e in 0..n {
        if aligned[e] || aligned.iter().enumerate().filter(|&(j, &a)| j != e && a).count() < 2 {
            continue;
        }
        let d = &mut detections[e];
        // Lone: it overlaps no repeat that some other episode plays as (part of) its intro.
        // Footage or a score cue another episode has in its story does not make it an intro.
        let lone: Vec<usize> = (0..d.intros.len())
            .filter(|&k| {
                let (s, t) = (d.intros[k].start, d.intros[k].end);
                // Overlapping it, not touching it: the model's grid edge may reach a repeat that
                // starts right after by a fraction of a second.
                let overlaps = |r: &Repeat| r.end.min(t) - r.start.max(s) > 0.5 * (t - s).min(r.end - r.start);
                !repeats[e].iter().any(|r| overlaps(r) && r.elsewhere.iter().any(|&(j, a, b)| backs(&settled, j, a, b)))
            })
            .collect();
        // Every lone one: the model may draw two (6071's Secret Signal E04, intro-less, kept its
        // second guess while the note said "no intro").
        if !lone.is_empty() {
            let mut dropped: Vec<(f64, f64, f64)> = lone.iter().rev().map(|&k| d.intros.remove(k)).map(|s| (s.start, s.end, s.confidence)).collect();
            dropped.reverse();
            outcomes[e] = Outcome::DroppedLone { dropped };
        }
    }
    // A season where no episode's intro repeats: every intro is the model's lone guess — unless
    // its sound plays inside another episode's guess too ([`theme_shared`]).
    if n >= UNREPEATED_SEASON && !aligned.iter().any(|&a| a) {
        let shared = theme_shared(detections, seconds, repeats);
        for (e, d) in detections.iter_mut().enumerate() {
            if let Some(partners) = shared[e] {
                // Its edges are the model's alone, which on such series is often seconds off:
                // flagged for a check, never a sure skip. (With `repeats_in` set, the title
                // over the sound's level does not move it: the shared theme places it.) Any
                // other guess here shares nothing and goes, named.
                let dropped = d.intros.drain(1..).map(|s| (s.start, s.end, s.confidence)).collect();
                d.intros[0].repeats_in = partners;
                d.intros[0].confidence = d.intros[0].confidence.min(FOLLOWED_CONFIDENCE);
                outcomes[e] = Outcome::SharedTheme { partners, dropped };
                continue;
            }
            if !d.intros.is_empty() {
                let dropped = d.intros.drain(..).map(|s| (s.start, s.end, s.confidence)).collect();
                outcomes[e] = Outcome::DroppedUnrepeated { dropped };
            }
        }
    }
    for (e, d) in detections.iter().enumerate() {
        if d.intros.is_empty() && outcomes[e] == Outcome::ModelOnly && !passed[e].is_empty() {
            outcomes[e] = Outcome::DroppedStory { dropped: passed[e].clone() };
        }
    }
    outcomes
}

#[cfg(test)]
#[path = "season_tests/mod.rs"]
mod tests;
