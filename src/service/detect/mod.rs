//! Analyse episodes and judge them, alone or as a season: the one path from media files to
//! predicted segments, used by `introskip detect` and by the app's analysis worker.

use super::{episode_stem, Note};
use crate::encoder::FrameEncoder;
use crate::error::{Error, Result};
use crate::features::align::{season_repeats, PairCache};
use crate::features::tail::TailSpec;
use crate::features::EpisodeFeatures;
use crate::model::season::{judge_season_with, Outcome};
use crate::model::snap::{Reach, Snapper};
use crate::model::{DetectedSegment, Detection, IntroModel};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod beyond;
mod context;
mod outcomes;
mod tail;
mod titles;
pub use titles::ALONE_TITLE_READS;
use titles::{titled, titled_by_level, titled_repeats, untitled_songs, untitled_story, TitleSeen, TITLE_CONFIDENCE};
pub use beyond::{heard, heard_further, GOES_ON, HEARD_FURTHER_S};
use beyond::window_note;
pub use context::{lone_context, LONE_CONTEXT};
use outcomes::outcome_note;
pub use tail::{analyse_tail, begin_tail, finish_tail, judge_tail, season_tails, Tail, TailBegun, TailFeatures, COARSE_ABOVE_S};

/// How episodes are judged.
#[derive(Clone, Copy, Debug)]
pub struct JudgeOptions {
    /// Judge each episode alone even when others of its season are known.
    pub single: bool,
    /// How far boundaries may move to a shot cut, the end of a fade from black or of a
    /// silence ([`crate::model::snap`]); [`Reach::OFF`]: they stay on the model's grid.
    pub snap: Reach,
    /// The end of each episode to analyse for credits ([`TailSpec::Off`]: none).
    pub tail: TailSpec,
    /// The seconds analysed from the start of each episode: an intro that runs to their end
    /// may go on past it, and the answer says so (`beyond::window_note`).
    pub window_s: u32,
    /// Judge a season given with fewer than this many + 1 episodes with the nearest others of
    /// its folder up to that many ([`lone_context`]; [`LONE_CONTEXT`] where a front end asks
    /// for it; 0: as given). Not with `single`.
    pub neighbours: usize,
    /// More episodes of these seasons are on their way (the app, while a season is analysed, or
    /// while an episode opened alone waits for its folder): an episode judged alone now is not
    /// flagged as unconfirmed ([`UNCONFIRMED_WEIGHT`]), since it will be judged with them.
    pub provisional: bool,
}

impl JudgeOptions {
    /// Season mode, boundaries snapped, the default tail, the default window (a caller that
    /// analysed another window says so in `window_s`), a lone episode judged alone.
    pub fn season() -> Self {
        JudgeOptions { single: false, snap: Reach::default(), tail: TailSpec::default(), window_s: crate::video::DEFAULT_WINDOW_S, neighbours: 0, provisional: false }
    }
}

/// The model's answer for one episode of a season.
#[derive(Clone, Debug)]
pub struct Judged {
    pub detection: Detection,
    /// What the episode's tail holds (credits, preview, a post-credits scene), when analysed.
    pub tail: Option<Tail>,
    /// Episodes the judgement saw: this one and the others of its season.
    pub season_episodes: usize,
    pub model_ms: f64,
    /// Where season judgement kept no intro: the intro the model sees judging the episode alone,
    /// if any. Not kept (no other episode plays it, and alone the model mostly takes story on
    /// series unlike its training), but a disagreement a labeller should look at.
    pub alone_intro: Option<crate::model::DetectedSegment>,
}

/// Below this confidence a segment is shown as uncertain (the CLI says "check it", the app marks
/// it, a Kodi EDL marks it instead of skipping it): [`crate::segments::UNCERTAIN`].
pub const UNCERTAIN: f64 = crate::segments::UNCERTAIN;

/// What judging remembers between calls: the app re-judges its season after every episode, and
/// the same pairs and boundaries come back many times.
#[derive(Default)]
pub struct JudgeMemory {
    pub snapper: Snapper,
    pub pairs: PairCache,
    /// Tesseract, started the first time judging reads a picture (a series' title, what follows
    /// the credits; None until then, and when it cannot start: said once per memory).
    reader: Option<crate::features::ocr::Ocr>,
    /// Why Tesseract could not start, once it was asked for and could not.
    reader_missing: Option<String>,
    /// Each file's length, probed where a segment runs to its last sample ([`within_file`]).
    durations: std::collections::HashMap<std::path::PathBuf, Option<f64>>,
    /// Each file's fingerprint heard past its window ([`beyond::heard_further`]), keyed by the
    /// file, the window and the window's own fingerprint; None where it could not be read further.
    heard: std::collections::HashMap<(PathBuf, u32, u64), Option<Vec<u32>>>,
    /// Read sound past the window, and what Tesseract reads, without the cache on disk (the
    /// benches, which time an analysis with nothing cached; `detect_in` with `use_cache` false).
    pub uncached: bool,
    /// Asked each time judging would read pictures with Tesseract (a series' title, the
    /// credits' edges): true reads none, as if it were missing, and says nothing. The app sets
    /// it while an episode's answers are judged (its own, its tail's, with its folder's), so
    /// that opening other files or stopping the analysis stops the reads (seconds of them) at
    /// once; what such a judgement finds is not shown.
    pub stop: Option<std::sync::Arc<dyn Fn() -> bool + Send + Sync>>,
}

impl JudgeMemory {
    /// What every judgement since Tesseract failed to start lacks, for a front end that shows
    /// each episode's answer again after a re-judge (the note itself is said once per memory).
    pub fn unread(&self) -> Option<&str> {
        self.reader_missing.as_deref()
    }

    /// Start Tesseract now rather than when a picture is first read: the app attaches
    /// [`JudgeMemory::unread`] to every answer, and the first read may come in the tail, whose
    /// notes it does not show.
    pub fn start_reader(&mut self) {
        let _ = reader(Path::new(""), self, &mut Vec::new());
    }

    /// Whether [`JudgeMemory::stop`] says stop.
    pub fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|stop| stop())
    }
}

/// Judge every episode in `episodes` (file, features). In season mode the episodes are grouped
/// into seasons (the same folder, and the same series where the names say:
/// [`crate::paths::same_season`]); within each, the model sees every episode against the others,
/// alignment finds what they share ([`crate::features::align`]) and [`judge_season_with`] weighs the
/// two. Snapping reads the file around each boundary; a file that cannot be read there keeps
/// its boundary, with a note.
pub fn judge(episodes: &[(&Path, &EpisodeFeatures)], model: &IntroModel, options: JudgeOptions, memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Vec<Judged> {
    judge_with(episodes, &[], model, options, memory, notes)
}

/// [`judge`], with `context`: other episodes of the seasons (a lone episode's neighbours,
/// [`crate::paths::season_neighbours`]) that are judged with them, as a season, but not
/// answered for: they are judged as the season judges them (read for the series' title too, so
/// that an episode named with the rest of its season as context gets the answer `detect DIR`
/// gives it; with fewer partners, the tails' end theme, which only answered episodes bring, or
/// another order it can still differ), not snapped, and the answers are those of `wanted`
/// alone, in order. What judging says about one of them (its intro found or kept by the
/// series' title, a stretch that could not be read, Tesseract missing) is said about the
/// episodes judged with it, naming it.
pub fn judge_with(wanted: &[(&Path, &EpisodeFeatures)], context: &[(&Path, &EpisodeFeatures)], model: &IntroModel, options: JudgeOptions, memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Vec<Judged> {
    let episodes: Vec<(&Path, &EpisodeFeatures)> = wanted.iter().chain(if options.single { &[][..] } else { context }).copied().collect();
    let episodes = episodes.as_slice();
    let answered = |i: usize| i < wanted.len();
    let seasons: Vec<Vec<usize>> = if options.single {
        (0..episodes.len()).map(|i| vec![i]).collect()
    } else {
        crate::paths::seasons(&episodes.iter().map(|(f, _)| *f).collect::<Vec<_>>())
    };
    let mut out: Vec<Option<Judged>> = (0..episodes.len()).map(|_| None).collect();
    let said_before = notes.len();
    // For each context episode, the wanted episodes of its season (who is told what is said of it).
    let mut told: Vec<(&Path, Vec<&Path>)> = Vec::new();
    for members in &seasons {
        let own: Vec<&Path> = members.iter().filter(|&&i| answered(i)).map(|&i| episodes[i].0).collect();
        told.extend(members.iter().filter(|&&i| !answered(i)).map(|&i| (episodes[i].0, own.clone())));
    }
    // A season of context alone (none of `wanted` in it) is not judged.
    for members in seasons.into_iter().filter(|m| m.iter().any(|&i| answered(i))) {
        let features: Vec<&EpisodeFeatures> = members.iter().map(|&i| episodes[i].1).collect();
        // An intro that runs past one episode's window is heard to its end there, so that the
        // others' copies are aligned to its end, not to the window's.
        let files: Vec<&Path> = members.iter().map(|&i| episodes[i].0).collect();
        let further = if options.single { Vec::new() } else { beyond::heard_further(&files, &features, options.window_s, memory) };
        let features = heard(&features, &further);
        // What this season's judgement says starts here.
        let said_here = notes.len();
        let mut detections = Vec::with_capacity(members.len());
        let mut model_ms = Vec::with_capacity(members.len());
        for k in 0..members.len() {
            let others: Vec<&EpisodeFeatures> = features.iter().enumerate().filter(|&(j, _)| j != k).map(|(_, f)| *f).collect();
            let started = std::time::Instant::now();
            detections.push(model.detect(features[k], &others));
            model_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let mut alone: Vec<Option<crate::model::DetectedSegment>> = vec![None; members.len()];
        // The model's guesses a note has named already, per episode.
        let mut named: Vec<Vec<(f64, f64)>> = vec![Vec::new(); members.len()];
        // Episodes whose intro their title kept already (not read for it again).
        let mut title_kept = vec![false; members.len()];
        // Where a repeat running past an episode's window is heard to end there (its sound
        // heard further, above): what the window note tells of an intro cut off by the window.
        let mut heard_to: Vec<Vec<(f64, f64)>> = vec![Vec::new(); members.len()];
        if members.len() >= 2 {
            let started = std::time::Instant::now();
            let repeats = season_repeats(&features, &mut memory.pairs);
            let window = f64::from(options.window_s);
            for (k, found) in repeats.iter().enumerate() {
                heard_to[k] = found.iter().filter(|r| r.start < window && r.end > window + 1.0).map(|r| (r.start, r.end)).collect();
            }
            let seconds: Vec<&[u32]> = features.iter().map(|f| f.seconds.as_slice()).collect();
            let mut story = untitled_story(episodes, &members, &features, &detections, &seconds, &repeats, memory, notes);
            let songs = untitled_songs(episodes, &members, &features, &detections, &seconds, &repeats, &story, memory, notes);
            let sung: Vec<Vec<(f64, f64)>> = songs.iter().enumerate().map(|(k, list)| list.iter().map(|&r| (repeats[k][r].start, repeats[k][r].end)).collect()).collect();
            for (list, more) in story.iter_mut().zip(songs) {
                list.extend(more);
            }
            let mut outcomes = judge_season_with(&mut detections, &seconds, &repeats, &story);
            // A song passed over is not story the model sees in every copy: that note names only
            // what is (the model believes a song; a partner's copy may show the title).
            for (k, outcome) in outcomes.iter_mut().enumerate() {
                if let Outcome::DroppedStory { dropped } = outcome {
                    dropped.retain(|&(s, e)| !sung[k].iter().any(|&(a, b)| b.min(e) - a.max(s) > 0.5 * (b - a).min(e - s)));
                    if dropped.is_empty() {
                        *outcome = Outcome::ModelOnly;
                    }
                }
            }
            // Heard past its window, an episode's intro still ends inside it: nothing past the
            // window was seen (an intro that follows its partners' takes the repeat's edges).
            for (k, detection) in detections.iter_mut().enumerate().filter(|(k, _)| further.get(*k).is_some_and(Option::is_some)) {
                let end = features[k].seconds.last().map_or(f64::INFINITY, |&s| f64::from(s) + 1.0);
                for seg in detection.intros.iter_mut().chain(detection.recaps.iter_mut()) {
                    seg.end = seg.end.min(end);
                }
                detection.intros.retain(|s| s.end > s.start);
                detection.recaps.retain(|s| s.end > s.start);
            }
            let share = started.elapsed().as_secs_f64() * 1000.0 / members.len() as f64;
            model_ms.iter_mut().for_each(|m| *m += share);
            // Context episodes are judged as the season judges them, title reads included (an
            // episode's answer must not depend on which of its partners were asked for: 6069's
            // Bright Meadow E04 takes its intro from the one E03's title kept); only what is said
            // of them is left to the answered ones.
            for (k, (&i, outcome)) in members.iter().zip(outcomes).enumerate() {
                let clock = |t: f64| crate::clock::clock(t, 1, true);
                let dropped = match &outcome {
                    Outcome::DroppedLone { dropped } | Outcome::DroppedUnrepeated { dropped } => dropped.clone(),
                    _ => Vec::new(),
                };
                named[k].extend(dropped.iter().map(|&(s, e, _)| (s, e)));
                // A dropped guess whose pictures read the series' title is its intro after all.
                if let Some((g, second, key)) = titled(episodes[i].0, features[k], &dropped, memory, notes) {
                    let (start, end, confidence) = dropped[g];
                    // Flagged for a check: the rule's false skip on tails-other 5044 came at 0.95.
                    detections[k].intros.push(crate::model::DetectedSegment::by_model(start, end, confidence.min(TITLE_CONFIDENCE)));
                    title_kept[k] = true;
                    notes.push(Note::about(
                        episodes[i].0,
                        format!(
                            "intro kept though no other episode shares it: the model's {}–{} shows the series' title (\"{key}\" read at {}){}",
                            clock(start),
                            clock(end),
                            clock(f64::from(second)),
                            // The season dropped every guess; the others stay dropped, and are named.
                            dropped.iter().enumerate().filter(|&(n, _)| n != g).map(|(_, &(a, b, c))| format!("; its other guess {}–{} (confidence {c:.2}) is dropped", clock(a), clock(b))).collect::<String>()
                        ),
                    ));
                    continue;
                }
                if let Some(said) = outcome_note(&outcome, detections[k].intros.first(), members.len()).filter(|_| answered(i)) {
                    notes.push(Note::about(episodes[i].0, said));
                }
            }
            let had: Vec<bool> = detections.iter().map(|d| !d.intros.is_empty()).collect();
            let spans = |d: &crate::model::Detection| d.intros.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>();
            let before_titles: Vec<Vec<(f64, f64)>> = detections.iter().map(spans).collect();
            let said = notes.len();
            titled_repeats(episodes, &members, &features, &repeats, &mut detections, memory, notes, &title_kept);
            // The model's intros judging each episode still without one alone: what the title
            // below and the doubt after weigh.
            let mut guesses: Vec<Option<Vec<crate::model::DetectedSegment>>> = vec![None; members.len()];
            for k in 0..members.len() {
                if detections[k].intros.is_empty() {
                    let started = std::time::Instant::now();
                    guesses[k] = Some(model.detect(features[k], &[]).intros);
                    model_ms[k] += started.elapsed().as_secs_f64() * 1000.0;
                }
            }
            // Still none, or only the model's that no other episode plays: the title over the
            // sound's level, as alone (not while more of the season is on its way: the reading
            // takes seconds). Family C 2029's Lost Circuit E02, whose season kept story at 0.89.
            if !options.provisional {
                for k in 0..members.len() {
                    if let Some(g) = guesses[k].as_deref().filter(|_| detections[k].intros.is_empty()) {
                        titled_by_level(episodes[members[k]].0, features[k], &mut detections[k], TitleSeen::Dropped(g), memory, notes);
                    } else if !title_kept[k] && !detections[k].intros.is_empty() && detections[k].intros.iter().all(|s| s.repeats_in == 0) {
                        titled_by_level(episodes[members[k]].0, features[k], &mut detections[k], TitleSeen::Unshared, memory, notes);
                    }
                }
            }
            // What the title placed in some episodes can outnumber what another kept.
            let movable: Vec<bool> = (0..members.len()).map(|k| !title_kept[k] && !before_titles[k].is_empty() && spans(&detections[k]) == before_titles[k]).collect();
            let followed = crate::model::season::follow_partners_intros(&mut detections, &repeats, &movable);
            for (k, f) in followed.into_iter().enumerate() {
                let (Some(f), Some(now)) = (f, detections[k].intros.first()) else { continue };
                if !answered(members[k]) {
                    continue;
                }
                let clock = |t: f64| crate::clock::clock(t, 1, true);
                notes.push(Note::about(
                    episodes[members[k]].0,
                    format!(
                        "intro moved: {}–{} is where {} other episodes play their intro, against {} for the {}–{} kept before (the series' title placed some of theirs after the season was weighed) — check it",
                        clock(now.start),
                        clock(now.end),
                        f.backers,
                        f.replaced_backers,
                        clock(f.replaced.start),
                        clock(f.replaced.end)
                    ),
                ));
            }
            // An episode the title gave an intro after all is not told it has none: the notes
            // said "no intro: …" and then "intro found by its title" of one episode. Only this
            // season's notes, said before the title was looked for.
            let gained: Vec<&Path> = members.iter().enumerate().filter(|&(k, _)| !had[k] && !detections[k].intros.is_empty()).map(|(_, &i)| episodes[i].0).collect();
            if !gained.is_empty() {
                let mut at = 0;
                notes.retain(|n| {
                    at += 1;
                    !(at > said_here && at <= said && n.message.starts_with("no intro:") && n.path.as_deref().is_some_and(|p| gained.contains(&p)))
                });
            }
            for k in 0..members.len() {
                if !detections[k].intros.is_empty() || !answered(members[k]) {
                    continue;
                }
                let guess = guesses[k].take().unwrap_or_default().into_iter().filter(|s| s.confidence >= ALONE_MIN).max_by(|a, b| a.confidence.total_cmp(&b.confidence));
                // Where a note named the guess already (the season's model drew it too), it says it.
                let guess = guess.filter(|g| !named[k].iter().any(|&(s, e)| g.end.min(e) - g.start.max(s) > 0.5 * (g.end - g.start).min(e - s)));
                if let Some(g) = guess {
                    let clock = |t: f64| crate::clock::clock(t, 1, true);
                    notes.push(Note::about(
                        episodes[members[k]].0,
                        format!("judged alone, the model sees an intro at {}–{} (confidence {:.2}), which the season's judgement did not keep — check it", clock(g.start), clock(g.end), g.confidence),
                    ));
                    alone[k] = Some(g);
                }
            }
        }
        for (k, (&i, mut detection)) in members.iter().zip(detections).enumerate() {
            if !answered(i) {
                continue;
            }
            let file = episodes[i].0;
            if members.len() >= 2 {
                picture_first(file, &features, k, &mut detection, &mut memory.pairs, notes);
            }
            // Judged alone, for good: an intro the series' title shows is placed by it, and
            // snapped like any other.
            let lone = members.len() == 1 && !options.provisional;
            let titled = lone && titled_by_level(file, episodes[i].1, &mut detection, TitleSeen::Alone, memory, notes);
            if options.snap.any() {
                if let Err(e) = memory.snapper.snap(file, &mut detection, options.snap) {
                    notes.push(Note::about(file, format!("boundaries not snapped to cuts, fades or silences: {e}")));
                }
            }
            within_file(file, episodes[i].1, &mut detection, memory);
            if lone && !titled {
                unconfirmed(file, &mut detection, notes);
            }
            notes.extend(window_note(file, episodes[i].1, &detection, options.window_s, options.snap, &heard_to[k]));
            out[i] = Some(Judged { detection, tail: None, season_episodes: members.len(), model_ms: model_ms[k], alone_intro: alone[k].take() });
        }
    }
    if !told.is_empty() {
        let said: Vec<Note> = notes.drain(said_before..).collect();
        for note in said {
            match told.iter().find(|(c, _)| note.path.as_deref() == Some(*c)) {
                Some((c, own)) => notes.extend(own.iter().map(|w| Note::about(w, format!("judging it with {}: {}", super::episode_stem(c), note.message)))),
                None => notes.push(note),
            }
        }
    }
    out.into_iter().take(wanted.len()).flatten().collect()
}

/// A theme begun over the story's last shot ([`crate::features::align::picture_start`]): an
/// intro the season's sound alone placed (after every rule that places intros, before
/// snapping) starts with its pictures, and a recap the model ended at the theme's first note
/// ends there too (the lead is the recap's last shot). Said in a note.
fn picture_first(file: &Path, season: &[&EpisodeFeatures], k: usize, detection: &mut crate::model::Detection, pairs: &mut crate::features::align::PairCache, notes: &mut Vec<Note>) {
    use crate::model::Evidence;
    for n in 0..detection.intros.len() {
        let intro = &detection.intros[n];
        // Placed by the sound (and perhaps moved by the model's tags near it, which hear the theme too).
        if intro.repeats_in == 0 || intro.start_by.first() != Some(&Evidence::Sound) {
            continue;
        }
        let Some((to, led)) = crate::features::align::picture_start(season, k, intro.start, intro.end, pairs) else { continue };
        let from = intro.start;
        for recap in detection.recaps.iter_mut().filter(|r| (r.end - from).abs() < 0.05) {
            recap.end = to;
            recap.end_by = vec![Evidence::Picture];
        }
        let intro = &mut detection.intros[n];
        intro.start = to;
        intro.start_by = vec![Evidence::Picture];
        let clock = |t: f64| crate::clock::clock(t, 1, true);
        notes.push(Note::about(
            file,
            format!(
                "intro starts at its pictures, {}: its theme begins {:.1} s earlier, at {}, over the last shot before it, {}",
                clock(to),
                to - from,
                clock(from),
                if led { "which goes on under it (as in the other episodes playing that sound)" } else { "where the other episodes playing that sound show other pictures" }
            ),
        ));
    }
}

/// What an intro's confidence is multiplied by where no other episode was there to confirm it
/// (`--single`, or an episode with no other of its series beside it): just under [`UNCERTAIN`],
/// so every such intro is flagged for a check and their order (the review queue's) is kept.
/// Why: the model alone is calibrated only to the family it learned. On the validation sets of
/// other conventions (README "How far the confidence can be trusted"), 3 of 12 lone intros at
/// 0.7 or more were right on family B, 9 of 47 on the wider B set, 4 of 12 and 3 of 11 on family
/// C 2030 and 2031 — a false skip shown as sure — against 15 of 15 on dev, which pays with
/// needless checks. In season mode, where repetition confirms, 8 of 8 and 31 of 34 on B.
pub const UNCONFIRMED_WEIGHT: f64 = 0.69;

/// Flags the intros of an episode judged alone ([`UNCONFIRMED_WEIGHT`]) and says why, once.
fn unconfirmed(file: &Path, detection: &mut crate::model::Detection, notes: &mut Vec<Note>) {
    if detection.intros.is_empty() {
        return;
    }
    let clock = |t: f64| crate::clock::clock(t, 1, true);
    let spans: Vec<String> = detection.intros.iter().map(|s| format!("{}–{}", clock(s.start), clock(s.end))).collect();
    for seg in &mut detection.intros {
        seg.confidence *= UNCONFIRMED_WEIGHT;
    }
    notes.push(Note::about(
        file,
        format!(
            "judged alone, with no other episode of its season to confirm it: check the intro at {} (on series unlike those it learned, the model alone is wrong more often than right)",
            spans.join(" and ")
        ),
    ));
}

/// Ends no later than the file: the model ends a segment half a second after its last
/// sample, and sound alignment at the edge of its match, both of which can lie past the end of
/// a file that stops inside the window (an intro "0:00–1:00.8" of a 60-second file, a chapter
/// past the end of what a player plays). Only a segment that reaches the last sample asks the
/// file its length, once per memory; a file that cannot say keeps what it has.
fn within_file(file: &Path, features: &EpisodeFeatures, detection: &mut crate::model::Detection, memory: &mut JudgeMemory) {
    let last = features.frame_times.last().copied().unwrap_or(0.0).max(features.seconds.last().map_or(0.0, |&s| f64::from(s)));
    let segments = || detection.intros.iter().chain(detection.recaps.iter());
    if !segments().any(|s| s.end > last) {
        return;
    }
    let duration = *memory.durations.entry(file.to_path_buf()).or_insert_with(|| crate::video::probe(file).ok().and_then(|i| i.duration_s).filter(|d| d.is_finite() && *d > 0.0));
    let Some(duration) = duration else { return };
    for seg in detection.intros.iter_mut().chain(detection.recaps.iter_mut()) {
        seg.end = seg.end.min(duration);
        seg.start = seg.start.min(seg.end);
    }
    detection.intros.retain(|s| s.end > s.start);
    detection.recaps.retain(|s| s.end > s.start);
}

/// The confidence at which the model's intro, judged alone, is a doubt worth a note where the
/// season kept none (what decoding keeps as an intro).
const ALONE_MIN: f64 = 0.5;

/// Tesseract, started the first time judging needs it; None (said once in `notes`) where it
/// cannot start.
fn reader<'m>(file: &Path, memory: &'m mut JudgeMemory, notes: &mut Vec<Note>) -> Option<&'m mut crate::features::ocr::Ocr> {
    if memory.reader_missing.is_some() || memory.stopped() {
        return None;
    }
    if memory.reader.is_none() {
        match crate::features::ocr::Ocr::new() {
            Ok(reader) => memory.reader = Some(reader),
            Err(e) => {
                let said = format!("on-screen words not read (no intro kept or found by the series' title; the credits' edges and what follows them judged from the picture alone): {e}");
                notes.push(Note::about(file, said.clone()));
                memory.reader_missing = Some(said);
                return None;
            }
        }
    }
    memory.reader.as_mut()
}

/// Current version of [`Prediction`]'s JSON. 2: probabilities are printed as the f32 they are
/// (`0.123`; version 1 printed them through f64: `0.12300000339746475`). 3: each segment says
/// what placed its edges (`start_by`, `end_by`) and in how many other episodes it plays
/// (`repeats_in`). 4: the tail — `credits` and `preview` segments, `tail_window`,
/// `credits_evidence`, `post_credits`. 5: credits a story scene splits — two `credits` segments
/// and `story_between_credits`. Every reader takes all five.
pub const PREDICTION_VERSION: u32 = 5;

/// What `detect` says about one episode, as written to `<episode>.pred.json` and printed by
/// `--json`; `export --segments` and `eval` read it. Fields stay in the alphabetical order the
/// earlier hand-built JSON had.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Per second of the tail window: 1 credits (several lines of text, or text over black),
    /// 0.5 one line of text, 0 none (version 4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits_evidence: Vec<f32>,
    pub encoder: String,
    pub episode: String,
    /// The media file, as text (a name that is not UTF-8 is shown with replacement characters).
    pub file: String,
    /// P(intro) per sampled second, to three decimals.
    pub intro_probability: Vec<f32>,
    pub model_ms: f64,
    /// Story after the credits, `[start, end]` in seconds: never skipped (version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_credits: Option<[f64; 2]>,
    pub season_episodes: usize,
    pub segments: Vec<PredictedSegment>,
    /// Story between two parts of the credits (a scene between credit cards), `[start, end]`
    /// each: never skipped (version 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub story_between_credits: Vec<[f64; 2]>,
    /// The tail analysed, `[start, end]` in seconds (version 4; absent when none was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_window: Option<[f64; 2]>,
    pub version: u32,
    pub window_s: u32,
}

/// One predicted segment, in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PredictedSegment {
    pub confidence: f64,
    pub end: f64,
    /// What placed the end, in order: `model`, `sound`, `picture`, `cut`, `text` (version 3; `text`
    /// 4), `fade`, `silence`, `level` (values added within version 5: a reader takes any).
    #[serde(default)]
    pub end_by: Vec<String>,
    pub kind: String,
    /// In how many other episodes of the season this span plays too (version 3).
    #[serde(default)]
    pub repeats_in: usize,
    pub source: String,
    pub start: f64,
    #[serde(default)]
    pub start_by: Vec<String>,
}

impl Prediction {
    pub fn new(file: &Path, judged: &Judged, window_s: u32, encoder: &str) -> Self {
        let d = &judged.detection;
        let by = |list: &[crate::model::Evidence]| list.iter().map(|e| e.as_str().to_string()).collect();
        // Times to the millisecond (a frame is 16 ms or more): 26.133, not 26.133378684807255.
        let ms = |t: f64| (t * 1000.0).round() / 1000.0;
        let segment = |kind: &str, s: &DetectedSegment| PredictedSegment {
            confidence: s.confidence,
            end: ms(s.end),
            end_by: by(&s.end_by),
            kind: kind.into(),
            repeats_in: s.repeats_in,
            source: "predicted".into(),
            start: ms(s.start),
            start_by: by(&s.start_by),
        };
        let tail = judged.tail.as_ref();
        let found = tail.map(|t| &t.found);
        let mut tail_segments: Vec<PredictedSegment> = found.into_iter().flat_map(|f| f.credits.iter().chain(&f.more_credits).map(|s| segment("credits", s)).chain(f.preview.iter().map(|s| segment("preview", s)))).collect();
        tail_segments.sort_by(|a, b| a.start.total_cmp(&b.start));
        Prediction {
            credits_evidence: found.map(|f| f.evidence.clone()).unwrap_or_default(),
            encoder: encoder.to_string(),
            episode: episode_stem(file),
            file: file.to_string_lossy().into_owned(),
            intro_probability: d.intro_probability.iter().map(|p| (p * 1000.0).round() / 1000.0).collect(),
            model_ms: (judged.model_ms * 10.0).round() / 10.0,
            post_credits: found.and_then(|f| f.after_credits).map(|(a, b)| [ms(a), ms(b)]),
            story_between_credits: found.map(|f| f.between.iter().map(|&(a, b)| [ms(a), ms(b)]).collect()).unwrap_or_default(),
            season_episodes: judged.season_episodes,
            segments: d.recaps.iter().map(|s| segment("recap", s)).chain(d.intros.iter().map(|s| segment("intro", s))).chain(tail_segments).collect(),
            tail_window: tail.map(|t| [f64::from(t.start_s), ms((f64::from(t.start_s + t.len_s)).min(t.duration_s.max(f64::from(t.start_s))))]),
            version: PREDICTION_VERSION,
            window_s,
        }
    }
}

/// The outcome of [`detect`]: a prediction per episode that could be analysed, and one error per
/// episode that could not (the others are still judged).
pub struct DetectRun {
    pub predictions: Vec<(PathBuf, Judged, Prediction)>,
    pub failures: Vec<Error>,
    pub notes: Vec<Note>,
}

/// Analyse `media` with `encoder` (cached) and judge it with `model`. Writes
/// `<episode>.pred.json` into `out` when given. One unreadable episode does not stop the season.
pub fn detect(media: &[PathBuf], window_s: u32, encoder: &mut dyn FrameEncoder, model: &IntroModel, options: JudgeOptions, out: Option<&Path>) -> Result<DetectRun> {
    detect_in(media, window_s, encoder, model, options, out, true, &mut JudgeMemory::default())
}

/// [`detect`] with the features' cache on or off and the judging memory given: `bench detect`
/// times it with nothing cached and Tesseract started before the clock.
#[allow(clippy::too_many_arguments)]
pub fn detect_in(media: &[PathBuf], window_s: u32, encoder: &mut dyn FrameEncoder, model: &IntroModel, options: JudgeOptions, out: Option<&Path>, use_cache: bool, memory: &mut JudgeMemory) -> Result<DetectRun> {
    let window_s = super::check_window(window_s)?;
    let options = JudgeOptions { window_s, ..options };
    memory.uncached = !use_cache;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
    }
    let mut notes = Vec::new();
    let mut failures = Vec::new();
    let mut analysed = Vec::with_capacity(media.len());
    let mut tails = Vec::with_capacity(media.len());
    for file in media {
        // The tail's keyframes are read beside the head's analysis, which leaves a core idle
        // about a tenth of its time (its start, the pieces' last seconds). The sound of a tail
        // whose keyframes show no credits is read later, and only where the season's end theme
        // can use it (below).
        let tail_spec = options.tail;
        let (head, begun) = std::thread::scope(|scope| {
            let begun = std::thread::Builder::new().name("introskip-tail".into()).spawn_scoped(scope, move || begin_tail(file, tail_spec, use_cache, false, &|| true)).ok();
            let head = crate::features::embed_episode(file, window_s, encoder, use_cache, &mut |_| true);
            (head, begun.and_then(|h| h.join().ok()))
        });
        match head {
            Ok((features, _)) => {
                notes.extend(features.all_notes().into_iter().map(|n| Note::about(file, n)));
                analysed.push((file.clone(), features));
                // A tail thread the system refused (or that failed) is begun here.
                let begun = begun.unwrap_or_else(|| begin_tail(file, options.tail, use_cache, false, &|| true));
                tails.push(finish_tail(file, begun, encoder, use_cache, &mut notes, &|| true)?);
            }
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(e) => failures.push(e),
        }
    }
    let refs: Vec<(&Path, &EpisodeFeatures)> = analysed.iter().map(|(f, e)| (f.as_path(), e)).collect();
    let files: Vec<&Path> = refs.iter().map(|(f, _)| *f).collect();
    let named: Vec<&Path> = media.iter().map(PathBuf::as_path).collect();
    let context = lone_context(&files, &named, options, encoder, use_cache, &mut notes, &mut || true)?;
    let context: Vec<(&Path, &EpisodeFeatures)> = context.iter().map(|(f, e)| (f.as_path(), e)).collect();
    let judged = judge_with(&refs, &context, model, options, memory, &mut notes);
    // Each tail by the picture rule, then, season by season, the end theme where it found no credits.
    let mut judged_tails: Vec<Option<Tail>> = analysed.iter().zip(&tails).map(|((file, _), tail)| tail.as_ref().map(|t| judge_tail(file, t, options.snap.cut > 0.0, memory, &mut notes))).collect();
    if !options.single {
        let with_tails: Vec<usize> = (0..judged_tails.len()).filter(|&k| judged_tails[k].is_some()).collect();
        for members in crate::paths::seasons(&with_tails.iter().map(|&k| analysed[k].0.as_path()).collect::<Vec<_>>()) {
            let members: Vec<usize> = members.into_iter().map(|m| with_tails[m]).collect();
            // The end theme matches an episode without credits against those with: only then
            // is the sound of a tail whose keyframes showed none read (none of it is decoded
            // picture). A season whose every tail has credits, or none has, reads none.
            if members.iter().any(|&k| judged_tails[k].as_ref().is_some_and(|t| t.found.credits.is_some())) {
                for &k in &members {
                    if let (Some(tail), Some(judged)) = (tails[k].as_mut(), judged_tails[k].as_ref()) {
                        if judged.found.credits.is_none() && tail.sound_deferred {
                            crate::features::add_sound(&mut tail.features, &analysed[k].0, tail.window.0, tail.window.1, use_cache);
                            tail.sound_deferred = false;
                        }
                    }
                }
            }
            let season: Vec<(&Path, &TailFeatures, &Tail)> = members.iter().filter_map(|&k| Some((analysed[k].0.as_path(), tails[k].as_ref()?, judged_tails[k].as_ref()?))).collect();
            let by_theme = season_tails(&season, options.snap.cut > 0.0, memory, &mut notes);
            for (k, tail) in members.into_iter().zip(by_theme) {
                if tail.is_some() {
                    judged_tails[k] = tail;
                }
            }
        }
    }
    let mut predictions = Vec::with_capacity(judged.len());
    for (((file, _), mut judged), tail) in analysed.iter().zip(judged).zip(judged_tails) {
        judged.tail = tail;
        let prediction = Prediction::new(file, &judged, window_s, &encoder.id());
        if let Some(dir) = out {
            let path = dir.join(format!("{}.pred.json", prediction.episode));
            crate::fsio::write_atomic(&path, |w| serde_json::to_writer_pretty(w, &prediction).map_err(std::io::Error::other))?;
        }
        predictions.push((file.clone(), judged, prediction));
    }
    Ok(DetectRun { predictions, failures, notes })
}

#[cfg(test)]
mod stop_tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_stopped_judgement_reads_nothing_says_nothing_and_reads_again_once_let_go() {
        let mut memory = super::JudgeMemory::default();
        let stopping = Arc::new(AtomicBool::new(true));
        let asked = stopping.clone();
        memory.stop = Some(Arc::new(move || asked.load(Ordering::Relaxed)));
        let mut notes = Vec::new();
        assert!(super::reader(std::path::Path::new("ep1.mkv"), &mut memory, &mut notes).is_none());
        // Not "Tesseract missing": nothing said, nothing remembered against later answers.
        assert!(notes.is_empty() && memory.unread().is_none() && memory.stopped());
        stopping.store(false, Ordering::Relaxed);
        assert!(!memory.stopped());
        assert_eq!(super::reader(std::path::Path::new("ep1.mkv"), &mut memory, &mut notes).is_some(), memory.unread().is_none());
    }
}
