//! The end of an episode: its tail sampled (keyframes first where it is long, then 1 FPS from
//! just before the credits), the credits rule, and Tesseract reading the credits' edges and
//! what follows them. The head's judgement ([`super::judge`]) never waits on it.

use super::{reader, JudgeMemory};
use crate::encoder::FrameEncoder;
use crate::error::{Error, Result};
use crate::features::tail::TailSpec;
use crate::features::EpisodeFeatures;
use crate::model::credits::{find_tail, theme_credits, TailFound, Walk};
use crate::model::DetectedSegment;
use crate::service::Note;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// An episode's analysed tail and what it holds.
#[derive(Clone, Debug)]
pub struct Tail {
    /// The window: first second and length.
    pub start_s: u32,
    pub len_s: u32,
    pub duration_s: f64,
    pub found: TailFound,
}

/// An episode's tail as analysed: the window looked at, and the 1 FPS features of the part of
/// it that may hold credits.
pub struct TailFeatures {
    pub features: EpisodeFeatures,
    pub duration_s: f64,
    /// The tail window `[start, start + len)`: [`TailSpec::range`], or from earlier where credits
    /// already ran at its start ([`analyse_tail`] looks back for where they begin).
    pub window: (u32, u32),
    /// A long tail whose keyframes showed no credits, its sound not read yet: `detect` reads it
    /// where the season's end theme can use it ([`begin_tail`]).
    pub sound_deferred: bool,
}

/// Tails longer than this get a coarse pass over their keyframes first
/// ([`crate::model::credits::coarse_credits`]); the 1 FPS pass then covers only the stretch from
/// just before the credits to the end. Shorter tails are sampled whole at 1 FPS.
pub const COARSE_ABOVE_S: u32 = 120;
/// The 1 FPS pass starts at most this long before the first keyframe that shows credits
/// (keyframes can be seconds apart; the black lead-in and the cut before the names lie there)...
const BEFORE_CREDITS_S: f64 = 15.0;
/// ...and at least this long.
const MIN_BEFORE_CREDITS_S: f64 = 5.0;

/// The second the 1 FPS pass over a long tail starts at: the last keyframe at least
/// [`MIN_BEFORE_CREDITS_S`] before the credits' first (its time rounded up to the whole second,
/// so that no sample needs the keyframe before it), at most [`BEFORE_CREDITS_S`] before that
/// first. Decoding from there costs nothing before it: 15 s back from the names beside a
/// squeezed-back picture on a 45-minute 1080p episode meant 13 s more of story decoded.
fn fine_from(coarse: &crate::model::credits::CoarseCredits) -> f64 {
    let earliest = (coarse.first - BEFORE_CREDITS_S).floor();
    match coarse.before.iter().map(|t| t.ceil()).filter(|&t| t <= coarse.first - MIN_BEFORE_CREDITS_S).reduce(f64::max) {
        Some(keyframe) => keyframe.max(earliest),
        None => earliest,
    }
}

/// Sample and embed the tail of `file` ([`TailSpec`]); None (with a note saying why) when it has
/// none or it cannot be read: the head's answer stands either way. `go` returns false to cancel.
pub fn analyse_tail(file: &Path, spec: TailSpec, encoder: &mut dyn FrameEncoder, use_cache: bool, notes: &mut Vec<Note>, go: &(dyn Fn() -> bool + Sync)) -> Result<Option<TailFeatures>> {
    finish_tail(file, begin_tail(file, spec, use_cache, true, go), encoder, use_cache, notes, go)
}

/// A tail's first part, [`begin_tail`]: what needs no frame encoder, so it can run beside the
/// head's analysis ([`detect_in`](super::detect_in)).
pub struct TailBegun {
    notes: Vec<Note>,
    state: Begun,
}

enum Begun {
    /// No tail to look at (off, or the file's length unknown), or it could not be read.
    Nothing,
    /// Stopped by its `go`.
    Cancelled,
    /// A long tail whose keyframes show no credits: no picture, its sound (unless deferred).
    Done(TailFeatures),
    /// Sample `[fine_start, fine_start + fine_len)` at 1 FPS next; the window is `(start, len)`.
    Fine { duration: f64, start: u32, len: u32, fine_start: u32, fine_len: u32 },
}

/// The tail's window, and for a long one the keyframes' look and (where they show no credits,
/// and `sound` asks for it) its sound: the part of [`analyse_tail`] that needs no frame encoder.
/// That sound serves only the season's end theme ([`season_tails`]), which needs another
/// episode of the season with credits: `detect` reads it afterwards where one has them
/// ([`super::detect_in`]); [`analyse_tail`] (the app, a tail at a time) reads it at once.
/// `go` false stops it: [`finish_tail`] then says [`Error::Cancelled`].
pub fn begin_tail(file: &Path, spec: TailSpec, use_cache: bool, sound: bool, go: &(dyn Fn() -> bool + Sync)) -> TailBegun {
    let mut notes = Vec::new();
    let state = begun(file, spec, use_cache, sound, go, &mut notes);
    TailBegun { notes, state }
}

fn begun(file: &Path, spec: TailSpec, use_cache: bool, want_sound: bool, go: &(dyn Fn() -> bool + Sync), notes: &mut Vec<Note>) -> Begun {
    if spec == TailSpec::Off {
        return Begun::Nothing;
    }
    let duration = match crate::video::probe(file) {
        Ok(info) => info.duration_s,
        Err(e) => {
            notes.push(Note::about(file, format!("end credits not looked for: {e}")));
            return Begun::Nothing;
        }
    };
    let (Some(duration), Some((start, len))) = (duration, duration.and_then(|d| spec.range(d))) else {
        if duration.is_none() {
            notes.push(Note::about(file, "end credits not looked for: the file does not say how long it is"));
        }
        return Begun::Nothing;
    };
    if len <= COARSE_ABOVE_S {
        return Begun::Fine { duration, start, len, fine_start: start, fine_len: len };
    }
    // A long tail: its keyframes first, then 1 FPS only from just before the credits. The tail's
    // sound is read on its own thread while the keyframes are decoded: a tail whose keyframes
    // show no credits keeps it, so that the season's end theme can still find credits whose
    // names no picture cue sees ([`season_tails`]). Read after the keyframes, it was a quarter
    // of the tail's time on a 45-minute 1080p episode (2026-12-05). Where keyframes show
    // credits, the 1 FPS pass reads its own stretch's sound and this read stops.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (coarse, sound) = std::thread::scope(|scope| {
        let stopped = || stop.load(std::sync::atomic::Ordering::Relaxed) || !go();
        let sound = want_sound.then(|| {
            std::thread::Builder::new()
                .name("sound".into())
                .spawn_scoped(scope, move || crate::features::sound::cached_sound_features_until(file, start, len, use_cache, &stopped))
                .ok()
        });
        let coarse = coarse_cached(file, start, len, use_cache, go);
        if !matches!(coarse, Ok(None)) {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        (coarse, sound.map(|h| h.map(|h| h.join().unwrap_or_else(|_| Err(Error::internal("the sound thread stopped without a result"))))))
    });
    match coarse {
        Ok(None) => {
            // No keyframe shows credits: the picture is not sampled, only the sound is kept
            // (an empty picture of the encoder's width is given it in [`finish_tail`]).
            let mut features = EpisodeFeatures { start_s: start, ..EpisodeFeatures::empty(0) };
            match sound {
                Some(Some(sound)) => crate::features::apply_sound(&mut features, sound),
                // No thread to be had: read here.
                Some(None) => crate::features::add_sound(&mut features, file, start, len, use_cache),
                None => {}
            }
            Begun::Done(TailFeatures { features, duration_s: duration, window: (start, len), sound_deferred: !want_sound })
        }
        Ok(Some(coarse)) => {
            let from = fine_from(&coarse).max(f64::from(start)) as u32;
            Begun::Fine { duration, start, len, fine_start: from, fine_len: start + len - from }
        }
        Err(Error::Cancelled) => Begun::Cancelled,
        Err(e) => {
            notes.push(Note::about(file, format!("end credits not looked for: {e}")));
            Begun::Nothing
        }
    }
}

/// The rest of [`analyse_tail`] after [`begin_tail`]: the 1 FPS pass where the credits may be.
pub fn finish_tail(file: &Path, begun: TailBegun, encoder: &mut dyn FrameEncoder, use_cache: bool, notes: &mut Vec<Note>, go: &(dyn Fn() -> bool + Sync)) -> Result<Option<TailFeatures>> {
    notes.extend(begun.notes);
    let (duration, start, len, fine_start, fine_len) = match begun.state {
        Begun::Nothing => return Ok(None),
        Begun::Cancelled => return Err(Error::Cancelled),
        Begun::Done(mut tail) => {
            tail.features.embeddings = EpisodeFeatures::empty(encoder.dim()).embeddings;
            return Ok(Some(tail));
        }
        Begun::Fine { duration, start, len, fine_start, fine_len } => (duration, start, len, fine_start, fine_len),
    };
    let failed = |e: Error, notes: &mut Vec<Note>| {
        notes.push(Note::about(file, format!("end credits not looked for: {e}")));
        Ok(None)
    };
    let features = match crate::features::embed_window(file, fine_start, fine_len, crate::features::TextKept::Cues, encoder, use_cache, &mut |_| go()) {
        Ok((features, _)) => features,
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(e) => return failed(e, notes),
    };
    // Credits already running when the window opens (long credits, a short episode): look back
    // through the keyframes for where they begin, and sample from there.
    let opens_in_credits = crate::model::credits::find_tail(&features, duration).credits.is_some_and(|c| c.start <= f64::from(fine_start) + 2.0);
    if opens_in_credits && fine_start > 0 {
        if let Some(from) = credits_before(file, fine_start, use_cache, go) {
            let from = ((from - BEFORE_CREDITS_S).floor().max(0.0)) as u32;
            let window = (from, start + len - from);
            return match crate::features::embed_window(file, from, start + len - from, crate::features::TextKept::Cues, encoder, use_cache, &mut |_| go()) {
                Ok((features, _)) => Ok(Some(TailFeatures { features, duration_s: duration, window, sound_deferred: false })),
                Err(Error::Cancelled) => Err(Error::Cancelled),
                Err(e) => failed(e, notes),
            };
        }
    }
    Ok(Some(TailFeatures { features, duration_s: duration, window: (start, len), sound_deferred: false }))
}

/// How far back to look, each step, for the start of credits already running at a window's start.
const LOOK_BACK_S: u32 = 120;

/// Where credits that run into `at` from before it begin, found through keyframes a step of
/// [`LOOK_BACK_S`] at a time (at most ten): None when the keyframes just before `at` show none.
fn credits_before(file: &Path, at: u32, use_cache: bool, go: &(dyn Fn() -> bool + Sync)) -> Option<f64> {
    let mut begin = None;
    let mut hi = at;
    for _ in 0..10 {
        if !go() {
            break; // cancelled: what was found so far (the caller's next step sees the cancel)
        }
        let lo = hi.saturating_sub(LOOK_BACK_S);
        match coarse_cached(file, lo, hi - lo, use_cache, go) {
            // The stretch of credit keyframes must reach the step's end (run into what follows).
            Ok(Some(crate::model::credits::CoarseCredits { first, last, .. })) if last + crate::model::credits::COARSE_GAP_S >= f64::from(hi) => {
                begin = Some(first);
                if first > f64::from(lo) + crate::model::credits::COARSE_GAP_S || lo == 0 {
                    break;
                }
                hi = lo;
            }
            _ => break,
        }
    }
    begin
}

/// [`crate::model::credits::coarse_credits`], remembered per file and window in the cache.
fn coarse_cached(file: &Path, start: u32, len: u32, use_cache: bool, go: &(dyn Fn() -> bool + Sync)) -> Result<Option<crate::model::credits::CoarseCredits>> {
    // v5 (2026-12-05): bumped with the sampler's version 4, so that no machine keeps a tail
    // judged from entries an older rule made (a cached machine scored credits a fresh one did not).
    // v6 (2026-12-05, later): keyframes shrunk by swscale in one step, not the Pillow way.
    // v7 (2026-12-07): read from the end back, stopping where no credits are; v8: and the
    // keyframes before the credits kept; v9: stopping only after a run of two or more; v10:
    // or a lone credit keyframe with other credits 4 s on; v11: that probe's lists of two
    // lines or more, decoded in full, counting two in the choice. v12: keyframes closer than
    // 3 s to the last decoded passed over, but those before the credits found.
    let key = format!("{}-{start}+{len}-coarse-v12", crate::fsio::fingerprint(file)?);
    let path = crate::paths::cache_dir().join("tail").join(format!("{:016x}.json", crate::fsio::fnv64(key.as_bytes())));
    #[derive(Serialize, Deserialize)]
    struct Entry {
        key: String,
        span: Option<crate::model::credits::CoarseCredits>,
    }
    if use_cache {
        if let Some(entry) = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Entry>(&b).ok()).filter(|e| e.key == key) {
            return Ok(entry.span);
        }
    }
    let span = crate::model::credits::coarse_credits(file, f64::from(start), f64::from(start + len), go)?;
    if use_cache {
        // A cache that cannot be written costs only time next run.
        if let (Some(dir), Ok(json)) = (path.parent(), serde_json::to_vec(&Entry { key, span: span.clone() })) {
            if std::fs::create_dir_all(dir).is_ok() {
                let _ = crate::fsio::write_atomic(&path, |w| w.write_all(&json));
            }
        }
    }
    Ok(span)
}

/// Find what `features` (an episode's tail) holds, with the credits' edges snapped to cuts.
pub fn judge_tail(file: &Path, tail: &TailFeatures, snap: bool, memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Tail {
    let (features, duration_s) = (&tail.features, tail.duration_s);
    let mut found = find_tail(features, duration_s);
    read_credits_edges(file, duration_s, &mut found, memory, notes);
    if let (true, Some(credits)) = (snap, found.credits.as_mut()) {
        let old_end = credits.end;
        match snap_credits(file, credits, duration_s, memory) {
            Ok(()) => {
                let end = credits.end;
                // A preview right after the credits follows their edge; one after a
                // post-credits scene keeps its own start.
                if let Some(p) = found.preview.as_mut().filter(|p| (p.start - old_end).abs() < 1e-6) {
                    p.start = end;
                }
                if let Some(a) = found.after_credits.as_mut() {
                    a.0 = end;
                }
            }
            Err(e) => notes.push(Note::about(file, format!("credits' boundaries not snapped to cuts: {e}"))),
        }
    }
    read_after_credits(file, features, duration_s, &mut found, memory, notes);
    crate::model::credits::split_credits(features, &mut found, duration_s);
    if snap && !found.more_credits.is_empty() {
        snap_parts(file, duration_s, &mut found, memory, notes);
    }
    // A part after the credits: what follows it is read as what follows the credits was (the
    // first reading stopped at the scene between and the part's own names: tails-mid 6050's
    // Golden Orchard E03, whose preview's "Next time" follows the second part).
    let credits_end = found.credits.as_ref().map_or(f64::INFINITY, |c| c.end);
    let confirmed = found.preview.as_ref().is_some_and(|p| p.start_by.contains(&crate::model::Evidence::Text));
    if found.more_credits.iter().any(|p| p.start > credits_end) && !confirmed {
        read_after_credits(file, features, duration_s, &mut found, memory, notes);
    }
    // Credits from the tail's first second: what came before was not looked at (the look back
    // through keyframes saw too little of them), so their start is only the window's. Said, as
    // an intro running to the end of the head's window is (an outside trial: names from 3:20,
    // the tail from 3:23, credits "from 3:22.5" with nothing to tell).
    let first = found.credits.iter().chain(&found.more_credits).map(|c| c.start).fold(f64::INFINITY, f64::min);
    let from = f64::from(tail.window.0);
    if from > 0.0 && first <= from + 1.0 {
        notes.push(Note::about(file, format!("the credits run from where the tail analysed begins ({}): they may begin earlier; a longer tail (--tail, the app's Tail field) looks further back", crate::clock::clock(from, 1, true))));
    }
    Tail { start_s: tail.window.0, len_s: tail.window.1, duration_s, found }
}

/// `credits` snapped to cuts; an end at the end of the file stays there (it is exact).
fn snap_credits(file: &Path, credits: &mut DetectedSegment, duration_s: f64, memory: &mut JudgeMemory) -> Result<()> {
    // Credits that run to the end of the file end there: only their start is snapped.
    memory.snapper.snap_edge(file, credits, crate::model::snap::Reach::CUTS, true)?;
    if credits.end < duration_s {
        memory.snapper.snap_edge(file, credits, crate::model::snap::Reach::CUTS, false)?;
    } else {
        credits.end_by.retain(|e| !matches!(e, crate::model::Evidence::Cut | crate::model::Evidence::Fade | crate::model::Evidence::Silence));
    }
    Ok(())
}

/// The season's end theme ([`theme_credits`]): for each episode whose tail the picture rule found
/// no credits in, credits where the season's other episodes play the same sound during theirs,
/// snapped to cuts as the rule's are (with `snap`), and what follows them judged as after the
/// rule's credits ([`crate::model::credits::what_follows`]). Some(the tail changed) for those, None
/// for the rest: `tails` stay the rule's own, so a front end that judges again as episodes come
/// in starts from them each time. Matches are remembered in `memory` (an episode's tail is
/// matched against the others once).
pub fn season_tails(episodes: &[(&Path, &TailFeatures, &Tail)], snap: bool, memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Vec<Option<Tail>> {
    use crate::model::credits::{what_follows, ThemeTail};
    if episodes.len() < 2 {
        return vec![None; episodes.len()];
    }
    let themes: Vec<ThemeTail> = episodes.iter().map(|(_, f, t)| ThemeTail { found: &t.found, window_start_s: f64::from(f.features.start_s), duration_s: t.duration_s }).collect();
    let pairs = &mut memory.pairs;
    let found = theme_credits(&themes, &mut |i, j| {
        let (a, b) = (&episodes[i].1.features, &episodes[j].1.features);
        if a.fingerprint.is_empty() || b.fingerprint.is_empty() {
            return Vec::new();
        }
        pairs.matches(a, b)
    });
    let clock = |t: f64| crate::clock::clock(t, 1, true);
    found
        .into_iter()
        .zip(episodes)
        .map(|(credits, (file, features, tail))| {
            let mut credits = credits?;
            let mut tail = (*tail).clone();
            let heard = (credits.start, credits.end);
            if snap {
                if let Err(e) = snap_credits(file, &mut credits, tail.duration_s, memory) {
                    notes.push(Note::about(file, format!("credits' boundaries not snapped to cuts: {e}")));
                }
                // Snapping never moves them into a preview the picture found.
                if let Some(p) = tail.found.preview.as_ref().filter(|p| p.start > credits.start) {
                    credits.end = credits.end.min(p.start);
                }
            }
            // What follows them, judged as after the picture's credits (the picture rule looks
            // for a preview only after credits it found); a preview it found keeps its place.
            let (preview, after) = what_follows(&features.features, credits.end, tail.duration_s);
            if tail.found.preview.is_none() {
                tail.found.preview = preview;
            }
            tail.found.after_credits = after.map(|(s, e)| (s, tail.found.preview.as_ref().map_or(e, |p| e.min(p.start)))).filter(|(s, e)| e - s >= crate::model::credits::MIN_AFTER_S);
            notes.push(Note::about(
                file,
                format!(
                    "end credits found by their sound at {}–{}: {} of the season play{} this end theme during their credits, and no names were seen on screen here (check them)",
                    clock(heard.0),
                    clock(heard.1),
                    crate::words::count(credits.repeats_in, "other episode", "other episodes"),
                    if credits.repeats_in == 1 { "s" } else { "" }
                ),
            ));
            tail.found.credits = Some(credits);
            Some(tail)
        })
        .collect()
}

/// The other part of split credits snapped to cuts as the credits are, and the scene between and
/// the story after them moved with its edges (a scene shorter than a second is no scene).
fn snap_parts(file: &Path, duration_s: f64, found: &mut TailFound, memory: &mut JudgeMemory, notes: &mut Vec<Note>) {
    let Some(main) = found.credits.clone() else { return };
    for part in &mut found.more_credits {
        let preview_follows = found.preview.as_ref().is_some_and(|p| (p.start - part.end).abs() < 1e-6);
        // As the credits are: a part that runs to the end of the file ends there.
        if let Err(e) = snap_credits(file, part, duration_s, memory) {
            notes.push(Note::about(file, format!("credits' boundaries not snapped to cuts: {e}")));
            return;
        }
        // Snapping never moves a part across the scene into the other part.
        if part.start >= main.end {
            part.start = part.start.max(main.end + 1.0);
        } else {
            part.end = part.end.min(main.start - 1.0);
        }
        // A preview right after the part follows its edge, as after the credits.
        if let Some(p) = found.preview.as_mut().filter(|_| preview_follows) {
            p.start = part.end;
        }
    }
    found.between = found.more_credits.iter().map(|p| if p.start >= main.end { (main.end, p.start) } else { (p.end, main.start) }).collect();
    if let (Some(last), Some(after)) = (found.more_credits.iter().filter(|p| p.start >= main.end).map(|p| p.end).reduce(f64::max), found.after_credits.as_mut()) {
        after.0 = last;
    }
}

/// Where the credits begin and end, read: names rolling in over bright footage in a light font
/// pass under the picture's text cue for seconds that Tesseract reads, and the last lines
/// rolling out over the footage's own cuts end the cue's run-on early
/// ([`crate::model::credits::rolled_in`], [`crate::model::credits::rolled_out`]). At each edge
/// the credit seconds there and the one beyond are read; while the walk asks for more, three
/// more, to [`crate::model::credits::READ_BACK_S`]. One picture well before the credits shows
/// what every picture shows (a channel's logo), which ties nothing: it is read only where its
/// words could change a walk — one got past the cue, or words stopped one
/// ([`crate::model::credits::Walk::stopped_by_words`]) — and both walks are made again knowing
/// them. The answers are those of reading it always; credits on black after a scene without
/// text, or opening on a card held still (where the walk at their end cannot change either),
/// never need it, and that picture, busy footage, was
/// the dearest read of the tail (a third of a second of 45 minutes' 1080p names on black).
/// Without Tesseract the picture's edges stand.
fn read_credits_edges(file: &Path, duration_s: f64, found: &mut TailFound, memory: &mut JudgeMemory, notes: &mut Vec<Note>) {
    use crate::model::credits::{end_credits_at, far_words, FarWords, READ_BACK_S};
    let Some(credits) = found.credits.as_ref() else { return };
    // The run's first credit second, half a second after its start (over a black lead-in, the
    // lead-in's first second: black reads nothing, and the start stands); its last, half a
    // second before its end, unless they run to the end of the file.
    let first = (credits.start + 0.5).round() as u32;
    let last = (credits.end < duration_s && credits.end >= 2.5).then(|| (credits.end - 0.5).round() as u32);
    let cached = !memory.uncached;
    let Some(reader) = reader(file, memory, notes) else { return };
    // Seconds whole inside the file only: a frame past its end is never sampled.
    let end_limit = last.map(|last| (last + READ_BACK_S).min((duration_s - 1.0).floor().max(0.0) as u32));
    let (mut before, mut after) = (EdgeRead::default(), EdgeRead::default());
    // The walks, and what the credit seconds they start from read (from `first` to `last`:
    // `first` and the one after it, `last` and the two before it).
    let mut walk_both = |far: &FarWords, reader: &mut crate::features::ocr::Ocr| -> Result<(Walk, Option<Walk>, Vec<crate::features::ocr::Reading>)> {
        let mut read = |seconds: &[u32]| crate::features::ocr::read_seconds(file, seconds, reader, cached);
        let start = before.walk(&mut read, first, true, first.saturating_sub(READ_BACK_S), far)?;
        let end = match (last, end_limit) {
            (Some(last), Some(limit)) => Some(after.walk(&mut read, last, false, limit, far)?),
            _ => None,
        };
        let inside = |r: &&crate::features::ocr::Reading| r.second >= first && last.is_none_or(|last| r.second <= last);
        let own = before.readings.iter().chain(&after.readings).filter(inside).cloned().collect();
        Ok((start, end, own))
    };
    let could_change = |w: &Walk| w.reached.is_some() || w.stopped_by_words;
    let walked = walk_both(&FarWords::default(), reader).and_then(|walked| {
        // What a picture 6 s before the farthest a walk back can reach shows: the picture's
        // furniture where the credits show it too, else the scene's own words.
        let probe = first.checked_sub(READ_BACK_S + 6);
        match probe {
            Some(probe) if could_change(&walked.0) || walked.1.as_ref().is_some_and(could_change) => {
                let seen = far_words(&crate::features::ocr::read_seconds(file, &[probe], reader, cached)?, &walked.2);
                if seen.is_empty() { Ok(walked) } else { walk_both(&seen, reader) }
            }
            _ => Ok(walked),
        }
    });
    match walked.map(|(start, end, _)| (start.reached, end.and_then(|e| e.reached))) {
        Ok((start, end)) => {
            if let (Some(e), Some(c)) = (start, found.credits.as_mut()) {
                c.start = (f64::from(e) - 0.5).max(0.0);
            }
            if let Some(e) = end {
                end_credits_at(found, (f64::from(e) + 0.5).min(duration_s));
            }
        }
        Err(e) => notes.push(Note::about(file, format!("where the credits begin and end judged from the picture alone: {e}"))),
    }
}

/// What was read from one credits edge outward: kept so that a second walk (with the picture's
/// furniture known) reads only seconds the first did not.
#[derive(Default)]
struct EdgeRead {
    looked: Vec<u32>,
    readings: Vec<crate::features::ocr::Reading>,
}

impl EdgeRead {
    /// Read from a credits edge (`edge`, the credit second next to it — two before the end,
    /// whose last line alone reads the same second after second — and the second beyond), then
    /// on away from the credits three seconds at a time while the walk asks for more, up to
    /// `limit`. How the walk ended. `read` reads seconds of the file (Tesseract; a test's fake).
    fn walk(&mut self, read: &mut dyn FnMut(&[u32]) -> Result<Vec<crate::features::ocr::Reading>>, edge: u32, back: bool, limit: u32, far: &crate::model::credits::FarWords) -> Result<Walk> {
        use crate::model::credits::{rolled_in, rolled_out, EdgeReads};
        let mut seconds: Vec<u32> = if back { (edge.saturating_sub(1)..=edge + 1).collect() } else { (edge.saturating_sub(2)..=(edge + 1).min(limit.max(edge))).collect() };
        loop {
            if !seconds.iter().all(|s| self.looked.contains(s)) {
                self.readings.extend(read(&seconds)?);
                self.looked.extend(seconds.iter().copied());
            }
            let reads = EdgeReads { looked: &self.looked, readings: &self.readings, furniture: &far.furniture, strangers: &far.strangers };
            let walked = if back { rolled_in(edge, &reads) } else { rolled_out(edge, &reads) };
            let farthest = if back { self.looked.iter().min() } else { self.looked.iter().max() }.copied().unwrap_or(edge);
            match walked.wants_more {
                true if back && farthest > limit => seconds = (farthest.saturating_sub(3).max(limit)..farthest).collect(),
                true if !back && farthest < limit => seconds = (farthest + 1..=(farthest + 3).min(limit)).collect(),
                _ => return Ok(walked),
            }
        }
    }
}

/// What follows the credits (their last part), read: the first frame of shots after them goes to
/// Tesseract (at most 8; [`crate::model::credits::seconds_to_read`] chooses which),
/// and [`crate::model::credits::weigh_words`] decides preview or story from the words (a caption
/// the text cue missed begins a preview; a "caption" that reads as a sign or a subtitle is
/// story). Without Tesseract, or where nothing is read, the picture cues' answer stands.
fn read_after_credits(file: &Path, features: &EpisodeFeatures, duration_s: f64, found: &mut TailFound, memory: &mut JudgeMemory, notes: &mut Vec<Note>) {
    let asked = crate::model::credits::seconds_to_read(features, found);
    let seconds: Vec<u32> = asked.iter().map(|&(s, _)| s).collect();
    if seconds.is_empty() {
        return;
    }
    let cached = !memory.uncached;
    let Some(reader) = reader(file, memory, notes) else { return };
    match crate::features::ocr::read_seconds(file, &seconds, reader, cached) {
        Ok(readings) => {
            // Only pictures where words were read: a frame Tesseract read nothing in (or failed
            // on) says nothing either way.
            let read: Vec<_> = readings.iter().map(|r| crate::model::credits::ReadAfter { second: r.second, preview: crate::model::credits::reads_as_preview(&r.words), continues: asked.iter().any(|&(s, c)| s == r.second && c) }).collect();
            crate::model::credits::weigh_words(found, duration_s, &read);
        }
        Err(e) => {
            // Said once: what follows the last part of split credits is read a second time.
            let note = Note::about(file, format!("what follows the credits judged from the picture alone: {e}"));
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fine_pass_starts_at_the_keyframe_before_the_credits_within_five_to_fifteen_seconds() {
        use crate::model::credits::CoarseCredits;
        let from = |first, before: &[f64]| fine_from(&CoarseCredits { first, last: first + 20.0, before: before.to_vec() });
        // Keyframes 10.3, 6.3 and 2 s before the names: the last at least 5 s before, a second
        // after it (no sample needs the one before it).
        assert_eq!(from(2675.5, &[2665.2, 2669.2, 2673.5]), 2670.0);
        // One 40 s before (none nearer): no more than 15 s back.
        assert_eq!(from(2675.5, &[2635.0]), 2660.0);
        // One 2 s before only, or none read before: 15 s back, as before 2026-12-07.
        assert_eq!(from(2675.5, &[2673.5]), 2660.0);
        assert_eq!(from(2675.5, &[]), 2660.0);
    }
    use crate::features::ocr::{Reading, Word};
    use crate::model::credits::FarWords;

    /// A list rolling in from second 95 (each second three names, one line on per second; the
    /// text cue sees it from 100), and a logo of 5 letters in every picture from 85 on.
    fn picture(second: u32) -> Option<Reading> {
        const NAMES: [&str; 12] = ["Alice Morgan", "Robert Haines", "Sofia Lindqvist", "Daniel Okafor", "Marta Kowalska", "Jonas Becker", "Priya Raman", "Tomasz Wolski", "Helen Carter", "Oscar Nilsen", "Ingrid Solberg", "Victor Hale"];
        let mut words: Vec<Word> = Vec::new();
        if (95..=110).contains(&second) {
            for k in 0..3 {
                words.extend(NAMES[(second - 95 + k) as usize % NAMES.len()].split(' ').map(|w| Word { text: w.into(), confidence: 92.0 }));
            }
        }
        if second >= 85 {
            words.push(Word { text: "ZETAV".into(), confidence: 95.0 });
        }
        (!words.is_empty()).then_some(Reading { second, words })
    }

    #[test]
    fn an_edge_is_read_outward_three_seconds_at_a_time_and_a_second_walk_reads_nothing_again() {
        let mut asked: Vec<Vec<u32>> = Vec::new();
        let mut read = |seconds: &[u32]| -> Result<Vec<Reading>> {
            asked.push(seconds.to_vec());
            Ok(seconds.iter().filter_map(|&s| picture(s)).collect())
        };
        let mut before = EdgeRead::default();
        // Not knowing the logo: it ties every picture to the credits, and the walk runs to its reach.
        let blind = before.walk(&mut read, 100, true, 88, &FarWords::default()).unwrap();
        assert_eq!(blind.reached, Some(88));
        assert!(!blind.stopped_by_words);
        // Knowing it (the far picture's furniture): the list's first second, from what was read.
        let seen = before.walk(&mut read, 100, true, 88, &FarWords { furniture: vec!["zetav".to_string()], strangers: Vec::new() }).unwrap();
        assert_eq!(seen.reached, Some(95));
        assert_eq!(asked, [vec![99, 100, 101], vec![96, 97, 98], vec![93, 94, 95], vec![90, 91, 92], vec![88, 89]], "each second read once, outward in threes to the reach");
    }

    #[test]
    fn a_walk_reads_on_only_while_the_list_goes_on() {
        let asked: std::cell::RefCell<Vec<Vec<u32>>> = Default::default();
        // No logo: the names end at 95, the seconds before read nothing.
        let mut read = |seconds: &[u32]| -> Result<Vec<Reading>> {
            asked.borrow_mut().push(seconds.to_vec());
            Ok(seconds.iter().filter_map(|&s| picture(s).filter(|_| s >= 95).map(|mut r| {
                r.words.retain(|w| w.text != "ZETAV");
                r
            })).filter(|r| !r.words.is_empty()).collect())
        };
        let mut before = EdgeRead::default();
        let walked = before.walk(&mut read, 100, true, 88, &FarWords::default()).unwrap();
        assert_eq!(walked.reached, Some(95));
        assert_eq!(*asked.borrow(), [vec![99, 100, 101], vec![96, 97, 98], vec![93, 94, 95]], "two seconds of nothing end the reading");
        // From the end: the list rolls out at 110; the walk from 108 reads 106-109, then on to 112.
        let mut after = EdgeRead::default();
        asked.borrow_mut().clear();
        let out = after.walk(&mut read, 108, false, 120, &FarWords::default()).unwrap();
        assert_eq!(out.reached, Some(110));
        assert_eq!(*asked.borrow(), [vec![106, 107, 108, 109], vec![110, 111, 112]]);
    }
}
