//! The model places boundaries on the 1 FPS grid (midway between samples), up to half a second
//! from the real edit, and the sound's alignment to a tenth of a second or so. Intros start and
//! end on a shot cut far more often than not, so each boundary moves to the shot cut nearest to
//! it within reach, found to the frame ([`crate::video::cuts`]). Where no cut is near, the edit
//! is often a pause instead: the picture comes back out of black (a fade, a black leader) or the
//! sound comes back after a silence. The boundary then moves to where that pause ends — the
//! first frame, or the first sound, of what follows, as a viewer who skips wants to land — the
//! picture's edge before the sound's (a frame is exact; a 50 ms step of sound is not), and a
//! silence never moves an edge the season's sound placed. A start out of black goes back over
//! the fade in that leads to it ([`fade_in_start`]). An end whose nearest cut begins a last shot
//! that fades out goes past the black instead ([`faded_out`]). An intro that starts on a black,
//! silent leader starts where the leader ends, however far within 4.5 s ([`past_leader`]). A
//! boundary with none of these near it stays where it was put.

use super::{DetectedSegment, Detection, Evidence};
use crate::error::Result;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How far (seconds) a boundary may move to reach a cut: the grid's half step and a little. A
/// wider reach (1 s was tried) also pulls boundaries the model placed early onto cuts inside the
/// intro.
pub const SNAP_REACH_S: f64 = 0.6;
/// How far a boundary with no cut within [`SNAP_REACH_S`] may move to where the picture comes
/// out of black. Black inside an intro or a scene is rare, so it may reach further than a cut;
/// chosen on the validation sets (README "Snapping to fades and silences": 0.8 s moved nothing,
/// 2 s reached across a whole sting).
pub const FADE_REACH_S: f64 = 1.2;
/// How far a boundary with neither a cut nor a fade near it may move to where the sound comes
/// back after a silence (a silence as the waveform lane draws it:
/// [`crate::features::sound::silences`]).
pub const SILENCE_REACH_S: f64 = 1.2;

/// How far (seconds) a boundary may move to each kind of edge; 0 leaves that kind out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    pub cut: f64,
    pub fade: f64,
    pub silence: f64,
}

impl Default for Reach {
    fn default() -> Self {
        Reach { cut: SNAP_REACH_S, fade: FADE_REACH_S, silence: SILENCE_REACH_S }
    }
}

impl Reach {
    /// Boundaries stay where they were put.
    pub const OFF: Reach = Reach { cut: 0.0, fade: 0.0, silence: 0.0 };
    /// Cuts only: the credits' edges, whose rule was chosen with cuts alone (fades and
    /// silences there are not measured).
    pub const CUTS: Reach = Reach { cut: SNAP_REACH_S, fade: 0.0, silence: 0.0 };

    pub fn any(&self) -> bool {
        self.widest() > 0.0
    }

    /// The furthest a boundary may move.
    pub fn widest(&self) -> f64 {
        self.cut.max(self.fade).max(self.silence)
    }

    /// `detect --snap`: kinds separated by commas, each with its reach in seconds or the
    /// default one ("cut,fade,silence", "cut", "cut=0.6,fade=1.5"); "none" for none. A kind
    /// not named is left out; a kind named twice is refused (which reach was meant?).
    pub fn parse(text: &str) -> std::result::Result<Reach, String> {
        let mut reach = Reach::OFF;
        let mut named: Vec<&str> = Vec::new();
        match text.trim() {
            "none" => return Ok(reach),
            "" => return Err("no kind of edge given: cut, fade, silence (or none)".into()),
            _ => {}
        }
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, seconds) = match part.split_once('=') {
                Some((k, v)) => {
                    let v: f64 = v.trim().parse().map_err(|_| format!("{part:?}: the reach after '=' is not a number of seconds"))?;
                    if !(0.0..=5.0).contains(&v) {
                        return Err(format!("{part:?}: a reach is 0 to 5 seconds"));
                    }
                    (k.trim(), Some(v))
                }
                None => (part, None),
            };
            let (slot, default) = match kind {
                "cut" => (&mut reach.cut, SNAP_REACH_S),
                "fade" => (&mut reach.fade, FADE_REACH_S),
                "silence" => (&mut reach.silence, SILENCE_REACH_S),
                _ => return Err(format!("{kind:?} is not a kind of edge: cut, fade, silence (or none)")),
            };
            if named.contains(&kind) {
                return Err(format!("{kind:?} is named twice: give each kind once, with one reach"));
            }
            named.push(kind);
            *slot = seconds.unwrap_or(default);
        }
        Ok(reach)
    }
}

/// Snaps boundaries, remembering what it found: the app re-judges a season after every episode,
/// and the same boundaries come back many times.
#[derive(Default)]
pub struct Snapper {
    /// (file, boundary in ms, whether the season's sound placed it, whether it is an end, the
    /// reaches' bits) → where
    /// it goes and what moved it (None: nothing within reach).
    found: HashMap<(PathBuf, i64, bool, bool, [u64; 3]), Option<(f64, Evidence)>>,
    /// (file, intro start in ms) → where the black, silent leader it sits on ends ([`past_leader`]).
    leaders: HashMap<(PathBuf, i64), Option<f64>>,
}

impl Snapper {
    /// Snap every intro and recap boundary of `detection` (except one at 0) to the nearest cut,
    /// fade or silence in `path` within `reach`, then move an intro's start off a black, silent
    /// leader ([`past_leader`], a start at 0 included). Returns how many moved.
    pub fn snap(&mut self, path: &Path, detection: &mut Detection, reach: Reach) -> Result<usize> {
        let mut moved = 0;
        let mut failed = None;
        for seg in detection.intros.iter_mut().chain(detection.recaps.iter_mut()) {
            match self.snap_segment(path, seg, reach) {
                Ok(n) => moved += n,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        // Then an intro whose start (snapped or not) sits on a black, silent leader starts where
        // the leader ends, and is not snapped again: a cut just after a fade in would take it
        // past the first shot. With fades out of reach (`--snap cut`), as before. A leader that
        // cannot be read is no leader (the other edges keep their snapping).
        if reach.fade > 0.0 && failed.is_none() {
            let shortest = crate::features::align::MIN_SHORT_S;
            for seg in detection.intros.iter_mut() {
                let key = (path.to_path_buf(), (seg.start * 1000.0).round() as i64);
                let past = match self.leaders.get(&key) {
                    Some(p) => *p,
                    None => match past_leader(path, seg.start) {
                        Ok(p) => *self.leaders.entry(key).or_insert(p),
                        Err(_) => None,
                    },
                };
                // What is left must still be an intro (a sting of 4 s or more).
                if let Some(o) = past.filter(|&o| seg.end - o >= shortest) {
                    seg.start = o;
                    seg.start_by.push(Evidence::Fade);
                    moved += 1;
                }
            }
        }
        // Edges already moved stay moved, and apart, when a later one could not be read.
        keep_apart(detection);
        failed.map_or(Ok(moved), Err)
    }

    /// Snap both edges of one segment (an edge at 0 stays) within `reach`.
    pub fn snap_segment(&mut self, path: &Path, seg: &mut DetectedSegment, reach: Reach) -> Result<usize> {
        Ok(usize::from(self.snap_edge(path, seg, reach, true)?) + usize::from(self.snap_edge(path, seg, reach, false)?))
    }

    /// Snap one edge of a segment (the start with `is_start`; an edge at 0 stays) within
    /// `reach`: whether it moved. Credits that run to the end of the file snap only their
    /// start (their end is the file's; decoding around it was wasted).
    pub fn snap_edge(&mut self, path: &Path, seg: &mut DetectedSegment, reach: Reach, is_start: bool) -> Result<bool> {
        let (b, by) = if is_start { (seg.start, &seg.start_by) } else { (seg.end, &seg.end_by) };
        if b <= 0.0 {
            return Ok(false);
        }
        let by_sound = by.contains(&Evidence::Sound);
        let key = (path.to_path_buf(), (b * 1000.0).round() as i64, by_sound, !is_start, [reach.cut.to_bits(), reach.fade.to_bits(), reach.silence.to_bits()]);
        let target = match self.found.get(&key) {
            Some(t) => *t,
            None => {
                let t = Self::target(path, b, by_sound, !is_start, reach)?;
                self.found.insert(key, t);
                t
            }
        };
        // Never turn a segment inside out.
        match target {
            Some((c, by)) if is_start && c < seg.end => {
                seg.start = c;
                seg.start_by.push(by);
                Ok(true)
            }
            Some((c, by)) if !is_start && c > seg.start => {
                seg.end = c;
                seg.end_by.push(by);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Where the boundary at `b` goes: the nearest cut within reach, else the nearest end of
    /// black, else the nearest end of a silence — but not where the season's sound placed it
    /// (`by_sound`): that edge is already where the shared sound ends, to a tenth of a second,
    /// and a silence near it is a pause inside the shared sound (a sting's rest: on family C a
    /// 6 s intro lost 1.2 s so).
    fn target(path: &Path, b: f64, by_sound: bool, end: bool, reach: Reach) -> Result<Option<(f64, Evidence)>> {
        let Reach { cut, fade, silence } = reach;
        let span = cut.max(fade);
        if span > 0.0 {
            // One stretch for both, so a cut near the cuts' reach is judged with frames after
            // it too (scanning the cuts' reach first, and wider only where no cut was in it,
            // left one held-out start 0.5 s further from the truth). `bench detect` times it.
            let edges = crate::video::cuts::find_edges(path, (b - span).max(0.0), b + span)?;
            if let Some(t) = nearest(&edges.cuts, b, cut).filter(|_| cut > 0.0) {
                if let Some(o) = if end && by_sound { faded_out(&edges, t, b, fade) } else { None } {
                    return Ok(Some((o, Evidence::Fade)));
                }
                return Ok(Some((t, Evidence::Cut)));
            }
            if let Some(t) = nearest(&edges.out_of_black, b, fade).filter(|_| fade > 0.0) {
                return Ok(Some((if end { t } else { fade_in_start(&edges, t) }, Evidence::Fade)));
            }
        }
        // The sound is read only where the picture had nothing to offer.
        if silence <= 0.0 || by_sound {
            return Ok(None);
        }
        Ok(nearest(&sound_back(path, b, silence)?, b, silence).map(|t| (t, Evidence::Silence)))
    }
}

/// The longest black, silent leader (seconds) an intro's start is moved across: a channel's
/// leader before an intro lasts 1–4 s.
const LEADER_MAX_S: f64 = 4.5;
/// The mean grey level a black frame (95 % of it at level 28 or darker) cannot exceed.
const LEADER_LEVEL: f32 = 40.0;
/// The shortest: a fade in from black starts with a few black frames (0.04–0.13 s on the
/// validation sets), which are the intro's.
const LEADER_MIN_S: f64 = 0.5;

/// Where an intro starting at `b` on a black, silent leader begins: the first frame out of black
/// within [`LEADER_MAX_S`] (back over its fade in, [`fade_in_start`]), where the picture is black
/// from `b` to it and the sound is silent over it ([`crate::features::sound::SILENCE_DB`]; a file
/// without sound, by the picture alone). The model's grid and the season's sound both took such
/// leaders into the intro (C 2035's Crimson Circuit E01 from 0:00, 2.4 s before its first
/// picture; B 2036's Broken Academy E02 and, alone, Lost Garden E03 likewise): a chapter there
/// opens on black and a skip button shows seconds early. A leader that plays sound (a channel's
/// ident, a theme leading over black: B 2034's Lost Forest E03) is not passed over; nor is black
/// that the picture turns to only after `b`.
fn past_leader(path: &Path, b: f64) -> Result<Option<f64>> {
    use crate::features::sound::{envelope_span, SILENCE_DB};
    // Most starts are on a picture: a tenth of a second decoded says so before 5.5 s are (every
    // black frame is this dark on average, or darker).
    let near = crate::video::cuts::find_edges(path, b, b + 0.15)?;
    if !near.levels.iter().any(|&(t, level)| t > b && level <= LEADER_LEVEL) {
        return Ok(None);
    }
    // From a second before: a fade in that the start is already on walks back past it.
    let edges = crate::video::cuts::find_edges(path, (b - 1.0).max(0.0), b + LEADER_MAX_S)?;
    // Decoded up to `b` (a stretch that begins later says nothing about the frame there).
    if edges.levels.first().is_none_or(|&(t, _)| t > b + 0.1) {
        return Ok(None);
    }
    // The frame at `b` is black exactly when the first change after it is out of black (from a
    // picture it would be into black). A start on the cut to black itself, or a frame or two
    // before it (the model's grid), sees the black begin there: that is the leader's start.
    let into = edges.into_black.iter().copied().find(|&k| k > b + 0.1);
    let Some(o) = edges.out_of_black.iter().copied().find(|&o| o > b + 0.1).filter(|&o| into.is_none_or(|k| k > o)) else { return Ok(None) };
    // At least [`LEADER_MIN_S`] of black before the fade in that leads out of it: the first
    // frames of a fade in are black too, and a start already on them stays (C 2033's Golden
    // Forest E04, whose start snapped to its fade in went 0.52 s late in a first form).
    let start = fade_in_start(&edges, o);
    if start - b < LEADER_MIN_S {
        return Ok(None);
    }
    // No sound over it, or none read there (a file without sound: the picture alone). A tenth
    // of a second off each end: the sound of a cut to black trails into it by a codec frame.
    let silent = envelope_span(path, b + 0.1, start - 0.1)?.is_none_or(|levels| levels.iter().all(|&l| l < SILENCE_DB));
    Ok(silent.then_some(start))
}

/// How long (seconds) after an end's cut the shot there may fade to black and still be the
/// segment's last shot, fading out.
const FADE_OUT_S: f64 = 1.5;
/// The mean grey level (0–255) a shot's first frame has at least for the shot to fade out: well
/// above black (16, or 0 in full range; a frame is black where 95 % of it is 28 or darker).
const FADE_FROM_LEVEL: f32 = 48.0;
/// Frames before black over which a fade darkens, never brightening, by [`FADE_FALL`] grey
/// levels at least: a cut to black, or a flash, drops in one frame.
const FADE_FRAMES: usize = 4;
const FADE_FALL: f32 = 8.0;

/// Where an end the season's sound placed at `b`, snapped to the cut `t`, goes instead when the
/// shot that begins there fades to black and the next picture comes out of it within
/// [`FADE_OUT_S`] (and within the fade's reach of `b`): that shot is the intro's last, fading
/// out, and a viewer who skips wants to land after the black. The sound placed such an end
/// early, where the theme fades, and the nearest cut was the last shot's own (family C seed
/// 2033's Golden Forest: three ends 0.9–1.2 s early). A cut *to* black — the next scene fading
/// in from black — is where the intro ended, and stays (held-out Cold Empire E02, whose trimmed
/// intro ends on a cut); so does a story shot that cuts or flashes to black.
fn faded_out(edges: &crate::video::cuts::Edges, t: f64, b: f64, fade: f64) -> Option<f64> {
    if fade <= 0.0 {
        return None;
    }
    let back = *edges.out_of_black.iter().find(|&&o| o > t && o - t <= FADE_OUT_S && o - b <= fade)?;
    // The shot begins bright: a black or dark frame at the cut is a cut to black, or a scene
    // that begins in the dark (family B seed 2034's Broken Academy E02, whose story opens on a
    // dark shot that goes black 0.6 s later). The same decode gives all these times exactly.
    let bright = edges.levels.iter().find(|(x, _)| (x - t).abs() < 1e-3).is_some_and(|&(_, level)| level >= FADE_FROM_LEVEL);
    // It darkens into black over its last frames (a frame shown twice stays level).
    let black = *edges.into_black.iter().find(|&&k| k > t && k < back)?;
    let before: Vec<f32> = edges.levels.iter().filter(|(x, _)| *x > t && *x < black).map(|&(_, l)| l).collect();
    let last = &before[before.len().saturating_sub(FADE_FRAMES)..];
    let fades = last.len() == FADE_FRAMES && last.windows(2).all(|w| w[1] <= w[0]) && last[0] - last[FADE_FRAMES - 1] >= FADE_FALL;
    (bright && fades).then_some(back)
}

/// How far (seconds) a start may go back over a fade in: the longest walked on the validation
/// sets was 0.57 s.
const FADE_IN_S: f64 = 1.0;
/// Frames of brightening, at least, that make a fade in (a 1 s fade from black leaves black
/// after three at 25 fps).
const FADE_IN_FRAMES: usize = 3;

/// Where the fade in from black that reaches `out` (the first frame [`crate::video::cuts::Edges`]
/// counts out of black: more than 5 % of it brighter than grey level 28) began: back over the
/// frames that each brighten on the one before, at most [`FADE_IN_S`]. A fade's first frames
/// are too dark to count, yet they are the intro's: its start was 0.4–0.6 s late on fades in
/// every set (family C 2033's Golden Forest E02 and E04, family C 2029's Lost Circuit E03, dev's
/// Wild Empire E03). A rise of fewer than [`FADE_IN_FRAMES`] frames stays on `out`: after a
/// hard cut from black the frames before `out` are black, and a black that is not quite flat
/// (grain, a logo) rises by chance for a frame or two. So does a walk that reaches the
/// first frames decoded (the fade began before them: where is unknown).
fn fade_in_start(edges: &crate::video::cuts::Edges, out: f64) -> f64 {
    let l = &edges.levels;
    let Some(at) = l.iter().position(|(x, _)| (x - out).abs() < 1e-3) else { return out };
    let mut i = at;
    while i >= 2 && l[i - 2].1 < l[i - 1].1 && l[i - 1].1 < l[i].1 && out - l[i - 1].0 <= FADE_IN_S {
        i -= 1;
    }
    if at - i < FADE_IN_FRAMES || i < 2 {
        return out;
    }
    l[i].0
}

/// Segments that snapping moved into each other (a recap's end, placed by the model, reaching a
/// silence past the start of the intro that the season's sound placed) are set apart again: the
/// earlier one ends where the later one begins, and says so (the later start's evidence), since
/// a chapter list or a skip cannot hold two segments over the same second. Each edge moves at
/// most its reach (1.2 s by default, 5 s at most; a start out of black, its fade in more, up to
/// [`FADE_IN_S`]; a start moved off a leader only later, away from what precedes it), so what is
/// cut is a sliver of that size. A
/// segment that would be left shorter than the model's shortest segment, or one nested inside
/// another, is left as it is: that is not an overlap snapping made.
fn keep_apart(detection: &mut Detection) {
    let min_len = super::postprocess::PostProcess::default().min_len_s as f64;
    let mut all: Vec<&mut DetectedSegment> = detection.intros.iter_mut().chain(detection.recaps.iter_mut()).collect();
    all.sort_by(|a, b| a.start.total_cmp(&b.start));
    for j in 1..all.len() {
        let (before, after) = all.split_at_mut(j);
        let later = &after[0];
        for earlier in before.iter_mut() {
            if earlier.end > later.start && later.start > earlier.start && earlier.end <= later.end && later.start - earlier.start >= min_len {
                earlier.end = later.start;
                earlier.end_by = later.start_by.clone();
            }
        }
    }
}

/// The time in `times` nearest to `b`, if within `reach`.
fn nearest(times: &[f64], b: f64, reach: f64) -> Option<f64> {
    times.iter().copied().filter(|t| (t - b).abs() <= reach).min_by(|x, y| (x - b).abs().total_cmp(&(y - b).abs()))
}

/// Where the sound comes back after a silence near `b` (within `reach`). The level is read from
/// a little further either side, so that a silence that began before the reach still counts
/// whole ([`crate::features::sound::SILENCE_MIN_S`]); an end at the edge of what was read is not
/// an end.
fn sound_back(path: &Path, b: f64, reach: f64) -> Result<Vec<f64>> {
    use crate::features::sound::{envelope_span, silences, ENVELOPE_STEP_S, SILENCE_MIN_S};
    let from = (b - reach - SILENCE_MIN_S).max(0.0);
    let Some(levels) = envelope_span(path, from, b + reach + ENVELOPE_STEP_S)? else { return Ok(Vec::new()) };
    let read_to = levels.len() as f64 * ENVELOPE_STEP_S;
    Ok(silences(&levels).into_iter().filter(|&(_, end)| end < read_to - 1e-9).map(|(_, end)| from + end).collect())
}

#[cfg(test)]
mod tests {
    use super::Reach;

    #[test]
    fn reaches_from_the_command_line() {
        assert_eq!(Reach::parse("cut,fade,silence"), Ok(Reach::default()));
        assert_eq!(Reach::parse("cut"), Ok(Reach { cut: super::SNAP_REACH_S, ..Reach::OFF }));
        assert_eq!(Reach::parse("cut=0.5, fade=1.5"), Ok(Reach { cut: 0.5, fade: 1.5, silence: 0.0 }));
        assert_eq!(Reach::parse("none"), Ok(Reach::OFF));
        assert_eq!(Reach::parse("cuts").unwrap_err(), "\"cuts\" is not a kind of edge: cut, fade, silence (or none)");
        assert!(Reach::parse("fade=x").unwrap_err().contains("not a number of seconds"));
        assert!(Reach::parse("fade=9").unwrap_err().contains("0 to 5 seconds"));
        assert!(Reach::parse(" ").unwrap_err().starts_with("no kind of edge given"), "nothing given is not \"none\"");
        assert_eq!(Reach::parse("cut=0.4,cut=2").unwrap_err(), "\"cut\" is named twice: give each kind once, with one reach");
    }

    #[test]
    fn a_recap_snapped_past_the_intro_start_ends_where_the_intro_begins() {
        use crate::model::{DetectedSegment, Detection, Evidence};
        let mut intro = DetectedSegment::by_model(40.0, 95.0, 0.9);
        intro.start_by = vec![Evidence::Sound];
        let mut recap = DetectedSegment::by_model(0.0, 40.9, 0.8);
        recap.end_by.push(Evidence::Silence);
        let mut d = Detection { intros: vec![intro], recaps: vec![recap], intro_probability: vec![], recap_probability: vec![] };
        super::keep_apart(&mut d);
        assert_eq!((d.recaps[0].start, d.recaps[0].end), (0.0, 40.0));
        assert_eq!(d.recaps[0].end_by, vec![Evidence::Sound], "the recap's end is the intro's start, and says what placed it");
        assert_eq!((d.intros[0].start, d.intros[0].end), (40.0, 95.0), "the intro is untouched");
        // Segments that meet or stand apart stay as they are.
        let before = d.clone();
        super::keep_apart(&mut d);
        assert_eq!(d, before);
        // One that would be cut below the shortest segment, or one nested in another, too.
        let short = DetectedSegment::by_model(38.0, 41.0, 0.8);
        let nested = DetectedSegment::by_model(50.0, 60.0, 0.8);
        let mut d = Detection { intros: vec![DetectedSegment::by_model(40.0, 95.0, 0.9)], recaps: vec![short, nested], intro_probability: vec![], recap_probability: vec![] };
        let before = d.clone();
        super::keep_apart(&mut d);
        assert_eq!(d, before);
    }

    #[test]
    fn the_nearest_within_reach() {
        assert_eq!(super::nearest(&[9.0, 10.4, 11.5], 10.0, 0.6), Some(10.4));
        assert_eq!(super::nearest(&[8.0, 11.5], 10.0, 0.6), None);
        assert_eq!(super::nearest(&[], 10.0, 0.6), None);
    }
}
