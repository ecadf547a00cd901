//! Season alignment: which spans of an episode's window play again in other episodes of its
//! season, found by sound (Chromaprint fingerprints, one item every ~0.12 s) and by picture (the
//! per-second frame embeddings). An intro is the span a series repeats; alignment finds it
//! whatever it looks or sounds like, so the model cannot miss a long repeat without saying why
//! ([`crate::model::season`] decides what each repeat is).
//!
//! Tolerances: head and tail trims (every match has its own offset), re-encodes, letterbox and
//! logos (fingerprints are of the sound; the picture's cosine threshold is the baseline's), a
//! changed mix (bit errors up to [`MAX_BIT_ERROR`] of 32), and PAL speed-up (the other
//! episode's fingerprint is also tried stretched by 25/23.976 and its inverse).
//!
//! Cost: matching two 180 s windows is a hash lookup per fingerprint item plus a linear pass per
//! candidate offset. A season of `n` costs `n − 1` matches per episode; adding an episode costs
//! one match per episode already there, and [`PairCache`] keeps earlier pairs.

use super::channels::REPEAT;
use super::EpisodeFeatures;
use std::collections::HashMap;

/// The Chromaprint configuration every fingerprint here uses (AcoustID's default, "test2").
pub fn chromaprint_config() -> rusty_chromaprint::Configuration {
    rusty_chromaprint::Configuration::preset_test2()
}

/// Seconds between two fingerprint items: 1365 samples at Chromaprint's 11025 Hz.
pub const ITEM_S: f64 = 1365.0 / 11025.0;
/// Seconds of sound one item describes, from its first sample: the FFT frame plus the chroma
/// filter and the widest classifier (Chromaprint's `delay`, 4,096 + 18 × 1,365 samples).
const ITEM_SPAN_S: f64 = (4096.0 + 18.0 * 1365.0) / 11025.0;
/// A span this long that repeats in other episodes is an intro candidate the model cannot
/// silently drop ([`crate::model::season`]).
pub const MIN_REPEAT_S: f64 = 8.0;
/// The shortest match alignment reports: a little under [`MIN_REPEAT_S`], so that an 8 s intro
/// whose edges blur still shows; shorter shared sound (a sting, a logo's jingle) is the model's.
pub const MIN_MATCH_S: f64 = 6.0;
/// The shortest repeat at all: a sting (a 5 s title and jingle) trimmed by a few tenths. Shorter
/// than [`MIN_MATCH_S`], a shared sound is kept only where the pictures along its alignment are
/// the same too ([`seen_along`]): the same sound with the same pictures is a sting, while a brief
/// shared sound alone is as likely a score cue or a jingle over other pictures. (Longer sound
/// matches are kept either way; their pictures are compared along them where picture matching
/// found nothing there, [`SAME_PICTURE`].)
pub const MIN_SHORT_S: f64 = 4.0;
/// Cosine at which the pictures along a sound match of [`MIN_MATCH_S`] or more count as the same
/// where no picture match found them (a held picture: a title over a still, which picture
/// matching leaves out because a held frame matches anywhere): the same frames re-encoded, not
/// a fixed camera's other moments.
const SAME_PICTURE: f32 = 0.985;
/// Mean differing bits (of 32) per item, over a second, below which two items count as the same
/// sound. Unrelated sound differs in ~16; the same sound re-encoded or remixed in 2–8.
pub const MAX_BIT_ERROR: f64 = 10.0;
/// How late the ramp's middle plus half a span places a start and an end: chosen on the dev
/// series (the validation set; median signed error of aligned edges before snapping, −0.2 s at
/// starts and −0.4 s at ends with the 0.45/0.7 s first measured on random melodies).
const START_LAG_S: f64 = 0.25;
const END_LAG_S: f64 = 0.3;
/// Speeds tried for the other episode: as is, and PAL speed-up either way.
const SPEEDS: [f64; 3] = [1.0, 25.0 / 23.976, 23.976 / 25.0];

/// What found a repeat, or placed a boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// Fingerprints of the sound match (edges to ~0.1 s).
    Sound,
    /// The frames match second by second (edges to the 1 s grid).
    Picture,
}

/// A span of one episode (`start..end`, seconds) that plays again at `other_start..other_end` in
/// another episode. Times count from each window's start ([`EpisodeFeatures::start_s`]): the
/// file's seconds for a head, not for a tail.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub start: f64,
    pub end: f64,
    pub other_start: f64,
    pub other_end: f64,
    pub by: By,
    /// Mean differing bits per item (sound) or 32 × (1 − mean cosine) (picture): lower is closer.
    pub distance: f64,
}

impl Match {
    pub fn len(&self) -> f64 {
        self.end - self.start
    }
}

/// A span of an episode's window that repeats in other episodes of its season: the union of the
/// overlapping matches, with the partners that hold it and what placed each edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Repeat {
    pub start: f64,
    pub end: f64,
    /// Indices (into the season given to [`season_repeats`]) of the other episodes holding it.
    pub partners: Vec<usize>,
    pub start_by: By,
    pub end_by: By,
    /// Found by sound, by picture, or both.
    pub sound: bool,
    pub picture: bool,
    /// Where the partners hold it: (partner, start, end) in the partner's seconds.
    pub elsewhere: Vec<(usize, f64, f64)>,
    /// Some partner plays it and shows it at the same place: the same sound with the same
    /// pictures (an intro), not a score cue over other pictures beside a look-alike shot.
    pub together: bool,
    /// Where the partners play it ([`Repeat::elsewhere`]'s sound matches only).
    pub heard_in: Vec<(usize, f64, f64)>,
    /// Where in this episode each of [`Repeat::elsewhere`]'s matches lies (the same order): the
    /// partners of one stretch may each share another part of it (a sting with the episode
    /// that plays it as its intro, the story music after it with others). Empty where unknown.
    pub here: Vec<(usize, f64, f64)>,
}

impl Repeat {
    pub fn len(&self) -> f64 {
        self.end - self.start
    }
}

mod lead;
mod picture;
mod sound;
pub use lead::picture_start;
pub use picture::{copy_matches, picture_matches};
use picture::seen_along;
pub use sound::sound_matches;
#[cfg(test)]
use sound::sound_matches_of;
use sound::sound_matches_within;

/// Matches between two episodes, remembered: the app re-judges its season after every episode,
/// and a pair's features do not change. Keyed by the two episodes' fingerprints and first
/// embeddings' bits, so a re-analysed file is matched again.
#[derive(Default)]
pub struct PairCache {
    pairs: HashMap<(u64, u64), Vec<Match>>,
}

/// Seconds of an episode's window that were read (its sound's seconds, or to the end of its
/// last picture sample where that is later): its fingerprint may have been heard further.
fn window_len(e: &EpisodeFeatures) -> f64 {
    let pictures = e.seconds.last().map(|&s| f64::from(s) + 1.0 - f64::from(e.start_s));
    match (e.audio.nrows(), pictures) {
        (0, None) => f64::INFINITY,
        (rows, pictures) => (rows as f64).max(pictures.unwrap_or(0.0)),
    }
}

fn identity(e: &EpisodeFeatures) -> u64 {
    let mut bytes: Vec<u8> = e.fingerprint.iter().flat_map(|v| v.to_le_bytes()).collect();
    bytes.extend(e.embeddings.iter().take(4096).flat_map(|v| v.to_le_bytes()));
    bytes.extend((e.seconds.len() as u64).to_le_bytes());
    crate::fsio::fnv64(&bytes)
}

impl PairCache {
    /// Every match of `a` in `b`, by sound and by picture.
    pub fn matches(&mut self, a: &EpisodeFeatures, b: &EpisodeFeatures) -> Vec<Match> {
        self.matches_known((identity(a), a), (identity(b), b))
    }

    /// [`PairCache::matches`] with each episode's [`identity`] given: a season asks for every
    /// ordered pair, both ways, and hashing the same features each time was the cost.
    fn matches_known(&mut self, (id_a, a): (u64, &EpisodeFeatures), (id_b, b): (u64, &EpisodeFeatures)) -> Vec<Match> {
        let key = (id_a, id_b);
        self.pairs
            .entry(key)
            .or_insert_with(|| {
                let pictures = picture_matches(a, b);
                let mut all = Vec::new();
                for m in sound_matches_within(&a.fingerprint, &b.fingerprint, MIN_SHORT_S, (window_len(a), window_len(b))) {
                    if silent(a, m.start, m.end) || silent(b, m.other_start, m.other_end) {
                        continue;
                    }
                    if m.len() < MIN_MATCH_S {
                        // Shorter than a plain sound match: kept only where the pictures along it
                        // are the same too (a sting), as a picture match of the same span.
                        if let Some(distance) = seen_along(a, b, &m, REPEAT) {
                            all.push(Match { by: By::Picture, distance, ..m.clone() });
                            all.push(m);
                        }
                        continue;
                    }
                    // Where no picture match covers it in both episodes (a held picture, as a
                    // title sting over a still, is no picture match on its own: it would match
                    // anywhere), the pictures are compared along the sound, which fixes where to
                    // look: the same picture, not the same place — a fixed camera filmed at other
                    // times looks alike at 0.95-0.98 (family B's loud music scene over such
                    // footage), a still re-encoded at 0.995.
                    let overlap = |a0: f64, a1: f64, b0: f64, b1: f64| a1.min(b1) - a0.max(b0) > 0.5 * (b1 - b0);
                    let covered = pictures.iter().any(|p| overlap(p.start, p.end, m.start, m.end) && overlap(p.other_start, p.other_end, m.other_start, m.other_end));
                    if !covered {
                        if let Some(distance) = seen_along(a, b, &m, SAME_PICTURE) {
                            all.push(Match { by: By::Picture, distance, ..m.clone() });
                        }
                    }
                    all.push(m);
                }
                all.extend(pictures);
                all
            })
            .clone()
    }
}

/// Loudness (the loudness channel's units, (dB + 60) / 60) that no second of a stretch reaches
/// where its sound is no evidence of a repeat: −50 dBFS, a noise floor. Silence, or the faint
/// hiss under a silent shot, fingerprints alike wherever it plays: family B 2053's Broken
/// Kingdom had its silent clips (−58.5 dBFS, peaks at −45) "heard" again across all four
/// episodes, and with a fixed camera's look-alike pictures "seen and heard" too, outranking its
/// intro. The quietest themes of the sets ("no louder than the episode") average −45 dBFS, with
/// seconds at −35 and peaks at −27.
const SILENT: f64 = 10.0 / 60.0;

/// Whether no second of `e`'s sound over `start..end` (the seconds whose middle lies inside)
/// reaches [`SILENT`]; not where its loudness is known for less than half of it (a match heard
/// past the window by `service::detect`'s `heard_further`, whose loudness stops at the window).
fn silent(e: &EpisodeFeatures, start: f64, end: f64) -> bool {
    let inside = |k: usize| k as f64 + 0.5 > start && (k as f64 + 0.5) < end;
    let known: Vec<f32> = e.audio.rows().into_iter().enumerate().filter(|&(k, ref r)| inside(k) && r[0].is_finite()).map(|(_, r)| r[0]).collect();
    2.0 * known.len() as f64 >= end - start && !known.is_empty() && known.iter().all(|&v| f64::from(v) < SILENT)
}

/// For each episode of a season, the spans that repeat in at least one other: matches against
/// every other episode, grouped where they overlap. Sound places an edge where it repeats (to
/// ~0.1–0.5 s), the picture where only the frames do (the 1 s grid).
pub fn season_repeats(season: &[&EpisodeFeatures], cache: &mut PairCache) -> Vec<Vec<Repeat>> {
    let ids: Vec<u64> = season.iter().map(|e| identity(e)).collect();
    (0..season.len())
        .map(|i| {
            let mut matches: Vec<(usize, Match)> = Vec::new();
            for j in (0..season.len()).filter(|&j| j != i) {
                matches.extend(pair_matches(season, &ids, i, j, cache).into_iter().map(|m| (j, m)));
            }
            // Per second of the window, as the matches' times count.
            let loudness: Vec<f32> = season[i].audio.rows().into_iter().map(|r| r[0]).collect();
            group(matches, &loudness)
        })
        .collect()
}

/// The sound matches `b` found of itself in `a` (`theirs`, `b`'s matches against `a`), seen
/// from `a`, where `a`'s own sound matches do not cover them: a copy is a copy both ways, but the
/// search is not symmetric (its offsets are ranked and its length floor counted in the first
/// episode's time), and a sting one episode finds 5.6 s long can fall under the 4 s floor from
/// the other side (the wider family-B set's Northern Garden E01, whose sting E03 finds and E01
/// did not, so E01's copy had one partner of three and was dropped). Sound only: a mirrored
/// picture match made story four episodes of family C share "seen and heard" (Distant Meadow).
fn mirrored(own: &[Match], theirs: &[Match]) -> Vec<Match> {
    let covered = |m: &Match| own.iter().any(|k| k.by == By::Sound && k.end.min(m.end) - k.start.max(m.start) > 0.5 * k.len().min(m.len()));
    theirs
        .iter()
        .filter(|m| m.by == By::Sound)
        .map(|m| Match { start: m.other_start, end: m.other_end, other_start: m.start, other_end: m.end, ..m.clone() })
        .filter(|m| m.end > m.start && !covered(m))
        .collect()
}

/// How much quieter than the shared core (in the loudness channel's units, (dB + 60) / 60) the
/// sound may be where a partner's sound match carries an edge beyond the core: 10 dB. An intro's
/// own sound where one partner is trimmed is as loud as the rest of it; what one partner's match
/// runs on over after the theme has faded out (room tone, ambience a series reuses) is not (the
/// demo's S01E03 intro ran on 2.2 s into the story, over the forest sound both episodes share).
const REACH_QUIETER: f64 = 10.0 / 60.0;

/// Time resolution of the coverage profile [`group`] works on.
const GRID_S: f64 = 0.1;
/// How far beyond a core a partner's match may carry its edge: a partner whose copy is trimmed
/// by up to this much at either end does not shorten the core, and a stretch one partner shares
/// too briefly to be a repeat of its own (an intro's first seconds, where the other partners play
/// another cut) joins it; longer runs on (the same story footage after two intros) do not
/// lengthen it. Chosen on dev, held-out and family B: 4 s left intros that begin with a few
/// seconds fewer partners share starting late (family B's start error median 4.05 s, now
/// 0.02 s); 8 s let story after the intro in (three false skips on B).
const EDGE_REACH_S: f64 = MIN_MATCH_S;

/// Matches against several partners → repeats. Per 0.1 s, how many partners hold it; the spans
/// that the most partners hold become cores first (level by level, down to one partner), and
/// time a core has claimed is not claimed again. So an intro that three partners repeat stays
/// one repeat even where one partner's match runs on into story that partner happens to share.
/// Each core's edges then reach out to the partners' match edges within [`EDGE_REACH_S`]. A
/// sting (a short match seen and heard again) inside a run too short for a core is a core of
/// its own. `loudness`: the episode's loudness per second of the window (NaN where unknown; empty when the
/// file has no sound).
fn group(matches: Vec<(usize, Match)>, loudness: &[f32]) -> Vec<Repeat> {
    if matches.is_empty() {
        return Vec::new();
    }
    let end = matches.iter().map(|(_, m)| m.end).fold(0.0, f64::max);
    let cells = (end / GRID_S).ceil() as usize + 1;
    let cell = |t: f64| ((t / GRID_S).round().max(0.0) as usize).min(cells);
    // Per cell, each partner holding it and where (the partner's time of the same moment).
    let mut holders: Vec<Vec<(usize, f64)>> = vec![Vec::new(); cells];
    for (j, m) in &matches {
        let rate = (m.other_end - m.other_start) / m.len().max(GRID_S);
        for c in cell(m.start)..cell(m.end) {
            if !holders[c].iter().any(|(k, _)| k == j) {
                holders[c].push((*j, m.other_start + (c as f64 * GRID_S - m.start) * rate));
            }
        }
    }
    // A run of cells stops where a partner's copy jumps elsewhere in the partner: the intro and,
    // right after it, a scene of story the partner shows later are two repeats, not one.
    let jumps = |c: usize| {
        c > 0 && holders[c].iter().any(|(j, at)| holders[c - 1].iter().any(|(k, before)| k == j && (at - before - GRID_S).abs() > 2.0))
    };
    let top = holders.iter().map(Vec::len).max().unwrap_or(0);
    let mut claimed = vec![false; cells];
    let min_cells = (MIN_MATCH_S / GRID_S) as usize;
    // A core shorter than that must lie inside a short match (a sting seen and heard again).
    let short_cells = (MIN_SHORT_S / GRID_S) as usize;
    let short: Vec<(usize, usize)> = matches.iter().filter(|(_, m)| m.len() < MIN_MATCH_S).map(|(_, m)| (cell(m.start), cell(m.end))).collect();
    let inside_short = |s: usize, e: usize| short.iter().any(|&(a, b)| a <= s + 2 && e <= b + 2);
    let mut cores: Vec<(usize, usize)> = Vec::new();
    for level in (1..=top).rev() {
        let mut c = 0;
        while c < cells {
            if claimed[c] || holders[c].len() < level {
                c += 1;
                continue;
            }
            let s = c;
            c += 1;
            while c < cells && !claimed[c] && holders[c].len() >= level && !jumps(c) {
                c += 1;
            }
            if c - s >= min_cells || (c - s >= short_cells && inside_short(s, c)) {
                claimed[s..c].iter_mut().for_each(|x| *x = true);
                cores.push((s, c));
            } else {
                // A sting seen and heard again right after footage another partner shares (a
                // cold open two episodes reuse, ending where the sting starts) ran on into one
                // run with it, too short and not inside the sting: the sting alone is a core.
                for &(a, b) in short.iter().filter(|&&(a, b)| a >= s && b <= c && b >= a + short_cells) {
                    if claimed[a..b].iter().all(|x| !x) {
                        claimed[a..b].iter_mut().for_each(|x| *x = true);
                        cores.push((a, b));
                    }
                }
            }
        }
    }
    cores.sort_unstable();
    let mut out: Vec<Repeat> = cores.iter().map(|&(s, e)| repeat_of(s as f64 * GRID_S, e as f64 * GRID_S, &matches, loudness)).collect();
    // Where reaching out runs into a neighbouring core, the core more partners hold keeps its edge.
    for k in 1..out.len() {
        if out[k - 1].end > out[k].start {
            if out[k - 1].partners.len() >= out[k].partners.len() {
                out[k].start = out[k - 1].end;
                out[k].start_by = out[k - 1].end_by;
            } else {
                out[k - 1].end = out[k].start;
                out[k - 1].end_by = out[k].start_by;
            }
        }
    }
    out.retain(|r| r.len() >= MIN_MATCH_S || (r.len() >= MIN_SHORT_S && r.together));
    out
}

/// The repeat whose core is `start..end`: partners whose matches cover most of it, edges reached
/// out to their match edges nearby (sound's where any, else the picture's); an end more than a
/// second beyond the core only over sound about as loud as the core's ([`REACH_QUIETER`]). Not a
/// start: a theme that fades in is quieter in its first seconds, and a partner holding those
/// places the start (two held-out intros began 3.8 s late when starts were held to it too).
fn repeat_of(start: f64, end: f64, matches: &[(usize, Match)], loudness: &[f32]) -> Repeat {
    let core = end - start;
    let members: Vec<&(usize, Match)> = matches.iter().filter(|(_, m)| m.end.min(end) - m.start.max(start) >= 0.5 * core.min(m.len())).collect();
    // Mean loudness of the seconds whose middle lies in `a..b`; None where nothing is known.
    let loud = |a: f64, b: f64| -> Option<f64> {
        let known: Vec<f64> = loudness.iter().enumerate().filter(|(k, v)| v.is_finite() && (*k as f64 + 0.5) > a && (*k as f64 + 0.5) < b).map(|(_, &v)| f64::from(v)).collect();
        (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
    };
    let core_loud = loud(start, end);
    // Only an end carried more than a second beyond the core is held to it (one inside the core
    // may lie in a theme's own fade-out).
    let carries = |at: f64, v: f64| {
        if v <= at + 1.0 {
            return true;
        }
        match (core_loud, loud(at.min(v), at.max(v))) {
            (Some(core), Some(beyond)) => beyond >= core - REACH_QUIETER,
            _ => true,
        }
    };
    let edge = |at: f64, of: &dyn Fn(&Match) -> f64, earliest: bool| -> (f64, By) {
        let near = |by: By| {
            let values = members.iter().filter(|(_, m)| m.by == by).map(|(_, m)| of(m)).filter(|v| (v - at).abs() <= EDGE_REACH_S).filter(|&v| by != By::Sound || earliest || carries(at, v));
            if earliest { values.reduce(f64::min) } else { values.reduce(f64::max) }
        };
        match (near(By::Sound), near(By::Picture)) {
            (Some(s), _) => (s, By::Sound),
            (None, Some(p)) => (p, By::Picture),
            (None, None) => (at, By::Picture),
        }
    };
    let (s, start_by) = edge(start, &|m| m.start, true);
    let (e, end_by) = edge(end, &|m| m.end, false);
    let mut partners: Vec<usize> = members.iter().map(|(j, _)| *j).collect();
    partners.sort_unstable();
    partners.dedup();
    Repeat {
        start: s,
        end: e,
        partners,
        start_by,
        end_by,
        sound: members.iter().any(|(_, m)| m.by == By::Sound),
        picture: members.iter().any(|(_, m)| m.by == By::Picture),
        elsewhere: members.iter().map(|(j, m)| (*j, m.other_start, m.other_end)).collect(),
        together: members.iter().any(|(j, m)| {
            m.by == By::Sound && members.iter().any(|(k, p)| k == j && p.by == By::Picture && p.other_end.min(m.other_end) > p.other_start.max(m.other_start))
        }),
        heard_in: members.iter().filter(|(_, m)| m.by == By::Sound).map(|(j, m)| (*j, m.other_start, m.other_end)).collect(),
        here: members.iter().map(|(j, m)| (*j, m.start, m.end)).collect(),
    }
}

/// `i`'s matches in `j`, with those `j` found of itself in `i` that `i`'s own search missed
/// ([`mirrored`]), as [`season_repeats`] groups them.
pub(super) fn pair_matches(season: &[&EpisodeFeatures], ids: &[u64], i: usize, j: usize, cache: &mut PairCache) -> Vec<Match> {
    let own = cache.matches_known((ids[i], season[i]), (ids[j], season[j]));
    let theirs = cache.matches_known((ids[j], season[j]), (ids[i], season[i]));
    let mirrored = mirrored(&own, &theirs);
    own.into_iter().chain(mirrored).collect()
}

#[cfg(test)]
mod tests;
