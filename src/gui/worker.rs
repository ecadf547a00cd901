//! The analysis worker: one thread that owns the frame encoder and works through the GUI's
//! commands, streaming results back. The GUI never waits on it.

use crate::encoder::{self, FrameEncoder};
use crate::features::Progress;
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub enum Command {
    /// Analyse episode `index`; dropped if a cancel came after it was sent (`generation`).
    /// `season` names what is open (bumped when the files, the window, the tail or the encoder
    /// change, not by a cancel): episodes analysed for the same season are judged together
    /// (a resumed analysis joins the episodes done before the cancel) and searched together.
    /// `neighbours`: where the episode was opened alone, how many episodes of its folder to
    /// judge it with ([`crate::service::detect::lone_context`]; 0 for a season).
    Analyse { index: usize, path: PathBuf, window_s: u32, tail: crate::features::tail::TailSpec, generation: u64, season: u64, neighbours: usize },
    /// Switch encoder: CLIP weights, or None for the embedded encoder.
    UseEncoder(Option<PathBuf>),
}

/// What the worker still does for an episode after its first answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Checking {
    /// Opened alone: judged again with this many episodes of its folder (their heads analysed first).
    Neighbours(usize),
    /// Alone for good: its pictures read for the series' title (seconds on a 1080p file).
    Title,
}

pub enum Event {
    EncoderReady(String),
    EncoderFailed(String),
    Started { index: usize, requested: usize },
    Thumbnail { index: usize, second: u32, image: RgbImage },
    Progress { index: usize, encoded: usize, requested: usize },
    Done { index: usize, samples: usize, cached: bool, seconds: f64, note: Option<String> },
    /// The model's answer for an episode (after `Done`).
    /// With what season judgement said about it, if anything.
    /// `alone_intro`: where the season kept no intro, the confidence of the one the model sees
    /// judging the episode alone.
    Detected { index: usize, detection: crate::model::Detection, judgement: Vec<String>, alone_intro: Option<f64> },
    /// The answer just sent is being checked (a `Detected` follows): said under the episode, so
    /// the model's first answer is not taken for the last.
    Checking { index: usize, what: Checking },
    /// What the episode's tail holds (after `Done`; credits need no model), with the pictures
    /// of the seconds sampled there.
    /// With what judging it said (credits that may begin before the tail, boundaries not snapped).
    Tail { index: usize, tail: crate::service::detect::Tail, pictures: Vec<(u32, RgbImage)>, said: Vec<String> },
    /// The season's end theme changed what an episode's tail holds (credits the picture rule
    /// missed, heard in the other episodes' credits), or no longer does: its tail as it now stands.
    TailJudged { index: usize, tail: crate::service::detect::Tail, said: Vec<String> },
    /// The tail was not analysed: cancelled (Resume analysis takes it up), or why it could not be.
    TailMissing { index: usize, why: Option<String> },
    /// Judging the episode stopped part-way (the analysis was stopped while Tesseract read for
    /// it): no answer shown from it; Resume analysis takes it up.
    Unfinished { index: usize },
    /// A search of the episodes analysed so far, or of a library, answered.
    Searched(super::search::Answer),
    /// A library being read for the search with this ticket: episodes read, of how many.
    SearchProgress { ticket: u64, done: usize, total: usize },
    /// No usable model for the active encoder: analysis still shows thumbnails, no intro.
    ModelUnavailable { message: String },
    Failed { index: usize, message: String },
    Cancelled { index: usize },
}

/// A search: the season it is about, the query, its words, the library folder to look in (None:
/// the season) and the window to analyse its episodes over, its ticket.
type Question = (u64, super::search::Query, String, Option<PathBuf>, u32, u64);

/// Library questions of one tab replace each other; another tab's go on.
const LIBRARY_SLOTS: usize = 4;
fn library_slot(query: super::search::Query) -> usize {
    use super::search::Query;
    match query {
        Query::Shot { .. } => 0,
        Query::Words => 1,
        Query::Duplicates => 2,
        Query::Scenes | Query::OnScreen => 3,
    }
}

pub struct Worker {
    /// None once the worker is being dropped: the thread's command loop then ends.
    commands: Option<crossbeam_channel::Sender<Command>>,
    /// Searches: their own channel, answered before any queued analysis (a question about
    /// what is analysed need not wait for the rest of the season).
    searches: Option<crossbeam_channel::Sender<Question>>,
    /// Per tab that reaches a library ([`library_slot`]), the ticket of the library question that
    /// may go on reading (0: none; a newer question of that tab, Stop and closing the app move
    /// it, and the reading stops at its next sample).
    library_tickets: Arc<[AtomicU64; LIBRARY_SLOTS]>,
    /// Each event with the season (the app's `season_id`, one per open or re-queue) of the
    /// analysis that sent it, or [`ANY_SEASON`]: an event of an earlier open still in the channel
    /// names an index the new episodes reuse, and the app drops it.
    pub events: crossbeam_channel::Receiver<(u64, Event)>,
    generation: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The season of events that belong to no analysis (the encoder, searches, the model).
pub const ANY_SEASON: u64 = u64::MAX;

impl Worker {
    /// Start the worker with the encoder chosen by `clip_weights` (or `INTROSKIP_CLIP_WEIGHTS`).
    /// An error when the system refuses a thread (a process limit): the window cannot work.
    pub fn start(clip_weights: Option<PathBuf>, repaint: impl Fn() + Send + 'static) -> crate::Result<Self> {
        let (commands, rx) = crossbeam_channel::unbounded::<Command>();
        let (tx, events) = crossbeam_channel::unbounded::<(u64, Event)>();
        let (searches, questions) = crossbeam_channel::unbounded::<Question>();
        let generation = Arc::new(AtomicU64::new(0));
        let current = generation.clone();
        let library_tickets: Arc<[AtomicU64; LIBRARY_SLOTS]> = Arc::new(std::array::from_fn(|_| AtomicU64::new(0)));
        let reading = library_tickets.clone();
        let thread = std::thread::Builder::new()
            .name("introskip-analysis".into())
            .spawn(move || {
                let send_of = |season: u64, e: Event| {
                    let _ = tx.send((season, e));
                    repaint();
                };
                let send = |e: Event| send_of(ANY_SEASON, e);
                // The CLIP weights in use (None: the embedded encoder), and their text tower once loaded.
                let mut weights: Option<PathBuf> = None;
                let mut text_tower: Option<(PathBuf, std::result::Result<crate::encoder::ClipTextEncoder, String>)> = None;
                let mut encoder: Box<dyn FrameEncoder> = match encoder::encoder_for(clip_weights.as_deref()) {
                    Ok(e) => {
                        weights = encoder::clip_weights_for(clip_weights.as_deref()).map(|(p, _)| p);
                        e
                    }
                    Err(e) => {
                        send(Event::EncoderFailed(e.to_string()));
                        encoder::default_encoder()
                    }
                };
                send(Event::EncoderReady(describe(encoder.as_ref())));
                // The model for the current encoder, loaded on first use (and again after a switch).
                let mut model: Option<std::result::Result<crate::model::IntroModel, String>> = None;
                // Episodes analysed in this generation: each new one re-judges the season (what
                // repeats across episodes is the strongest sign of an intro).
                let mut season: Vec<(usize, PathBuf, crate::features::EpisodeFeatures)> = Vec::new();
                let mut season_id = u64::MAX;
                // Their tails as the picture rule judged them, and the credits the season's end
                // theme gave each (None: the rule's tail stands), re-weighed as each tail comes in.
                let mut tails: Vec<(usize, PathBuf, crate::service::detect::TailFeatures, crate::service::detect::Tail, Option<crate::model::DetectedSegment>)> = Vec::new();
                let mut memory = crate::service::detect::JudgeMemory::default();
                // Tesseract, started on the first search by words on screen; the head window
                // analysed last (the on-screen text is read over the same window).
                let mut ocr: Option<std::result::Result<crate::features::ocr::Ocr, String>> = None;
                let mut window = crate::service::DEFAULT_WINDOW_S;
                loop {
                    // Searches first; either channel closing (the worker dropped) ends the loop.
                    let command = crossbeam_channel::select_biased! {
                        recv(questions) -> q => match q {
                            Ok((asked_of, query, words, folder, window_s, ticket)) => {
                                let season: &[(usize, PathBuf, crate::features::EpisodeFeatures)] = if season_id == asked_of { &season } else { &[] };
                                // CLIP's text tower, loaded from the active weights on first use.
                                let tower = match (&weights, query) {
                                    (Some(path), super::search::Query::Words) => {
                                        if text_tower.as_ref().is_none_or(|(p, _)| p != path) {
                                            text_tower = Some((path.clone(), crate::encoder::ClipTextEncoder::load(path).map_err(|e| e.to_string())));
                                        }
                                        text_tower.as_ref().map_or(Err(String::new()), |(_, t)| t.as_ref().map_err(Clone::clone))
                                    }
                                    _ => Err(super::search::WORDS_NEED_CLIP.to_string()),
                                };
                                // A library's episodes: read (cached) or analysed, without their pictures; not
                                // before the question is known to be answerable (words typed and a text tower, a
                                // shot in an analysed episode), as reading a library can take long.
                                let answerable = match query {
                                    super::search::Query::Words => tower.is_ok() && !words.trim().is_empty(),
                                    super::search::Query::Shot { episode, .. } => season.iter().any(|(i, _, _)| *i == episode),
                                    _ => true,
                                };
                                let slot = library_slot(query);
                                let wanted = || reading[slot].load(Ordering::Relaxed) == ticket;
                                let mut unread = Vec::new();
                                let library = match &folder {
                                    Some(folder) if answerable => match read_library(folder, season, window_s, encoder.as_mut(), &mut unread, &wanted, &mut |done, total| send(Event::SearchProgress { ticket, done, total })) {
                                        Ok(library) => Some(library),
                                        Err(why) => {
                                            let answer = super::search::Answer { query, ticket, words, library: Some(folder.clone()), shot: None, searched: 0, found: Err(why), unread, notes: Vec::new() };
                                            send(Event::Searched(answer));
                                            continue;
                                        }
                                    },
                                    _ => None,
                                };
                                // Reading stops when the user opens other files or quits (the generation moves on).
                                let asked_in = current.load(Ordering::Relaxed);
                                let mut read = |path: &Path, features: &crate::features::EpisodeFeatures| {
                                    let engine = ocr.get_or_insert_with(|| crate::features::ocr::Ocr::new().map_err(|e| e.to_string())).as_mut().map_err(|e| e.clone())?;
                                    // The window this episode was analysed over (a short episode: all of it).
                                    let analysed = features.seconds.last().map_or(window, |&s| (s + 1).saturating_sub(features.start_s).max(1));
                                    crate::features::ocr::read_episode(path, features.start_s, analysed, engine, true, &mut |_| current.load(Ordering::Relaxed) == asked_in).map_err(|e| e.to_string())
                                };
                                let mut notes = Vec::new();
                                let mut failed = None;
                                let mut find_shot = |q: &[f32], episodes: &[(PathBuf, &crate::features::EpisodeFeatures)], exclude: Option<(&Path, f64)>, min: f32| match &library {
                                    // A library: the approximate index once it is large, as the CLI's `search`.
                                    Some(_) => crate::service::library::find_shot_in(q, episodes, window_s, encoder.as_ref(), exclude, min, crate::service::library::IndexMode::Auto, &mut |note| notes.push(note)).unwrap_or_else(|e| {
                                        failed = Some(e.to_string());
                                        Vec::new()
                                    }),
                                    None => crate::service::search::find_shot(q, episodes, exclude, min),
                                };
                                let mut answer = super::search::answer(season, library.as_deref(), query, &words, tower, &mut read, &mut find_shot);
                                answer.ticket = ticket;
                                if let Some(why) = failed {
                                    answer.found = Err(why);
                                }
                                answer.library = folder;
                                answer.unread = unread;
                                answer.notes = notes;
                                if library.is_some() && wanted() {
                                    // Places in episodes that are not open bring their picture.
                                    attach_pictures(&mut answer, season, window_s, encoder.as_mut());
                                }
                                send(Event::Searched(answer));
                                continue;
                            }
                            Err(_) => break,
                        },
                        recv(rx) -> c => match c {
                            Ok(c) => c,
                            Err(_) => break,
                        },
                    };
                    match command {
                        Command::UseEncoder(chosen) => match encoder::encoder_for(chosen.as_deref()) {
                            Ok(e) => {
                                encoder = e;
                                weights = encoder::clip_weights_for(chosen.as_deref()).map(|(p, _)| p);
                                model = None;
                                send(Event::EncoderReady(describe(encoder.as_ref())));
                            }
                            Err(e) => send(Event::EncoderFailed(e.to_string())),
                        },
                        Command::Analyse { index, path, window_s, tail, generation, season: this_season, neighbours } => {
                            let send = |e: Event| send_of(this_season, e);
                            // Set only while an episode's answers are judged; a panic there
                            // (caught below) must not leave every later judgement unread.
                            memory.stop = None;
                            window = window_s;
                            if current.load(Ordering::Relaxed) != generation {
                                send(Event::Cancelled { index });
                                continue;
                            }
                            // A bug met on one episode (a panic in the model, the tail's reading) fails that
                            // episode, saying so, and the analysis goes on with the next: the thread lives.
                            let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                let started = std::time::Instant::now();
                                let result = crate::features::embed_episode(&path, window_s, encoder.as_mut(), true, &mut |p| {
                                    match p {
                                        Progress::Started { requested } => send(Event::Started { index, requested }),
                                        Progress::Sampled(s) => send(Event::Thumbnail { index, second: s.second, image: s.thumbnail.clone() }),
                                        Progress::Encoded { done, requested } => send(Event::Progress { index, encoded: done, requested }),
                                    }
                                    current.load(Ordering::Relaxed) == generation
                                });
                                match result {
                                    Ok((features, cached)) => {
                                        if cached {
                                            for (second, image) in features.seconds.iter().zip(&features.thumbnails) {
                                                send(Event::Thumbnail { index, second: *second, image: image.clone() });
                                            }
                                        }
                                        send(Event::Done {
                                            index,
                                            samples: features.seconds.len(),
                                            cached,
                                            seconds: started.elapsed().as_secs_f64(),
                                            note: Some(features.all_notes().join("; ")).filter(|n| !n.is_empty()),
                                        });
                                        if season_id != this_season {
                                            season.clear();
                                            tails.clear();
                                            season_id = this_season;
                                        }
                                        season.retain(|(i, _, _)| *i != index);
                                        season.push((index, path.clone(), features));
                                        let loaded = model.get_or_insert_with(|| crate::model::load_model(None, encoder.as_ref()).map_err(|e| e.to_string()));
                                        let options = crate::service::detect::JudgeOptions { window_s, neighbours, ..crate::service::detect::JudgeOptions::season() };
                                        // The season judged and each episode's answer sent, with what the judgement
                                        // says about it (an intro it dropped, boundaries not snapped, the episodes it
                                        // was judged with).
                                        let answer = |context: &[(PathBuf, crate::features::EpisodeFeatures)], mut notes: Vec<crate::service::Note>, memory: &mut crate::service::detect::JudgeMemory, provisional: bool| match &*loaded {
                                            Ok(m) => {
                                                let options = crate::service::detect::JudgeOptions { provisional, ..options };
                                                let episodes: Vec<(&std::path::Path, &crate::features::EpisodeFeatures)> = season.iter().map(|(_, p, f)| (p.as_path(), f)).collect();
                                                let context: Vec<(&std::path::Path, &crate::features::EpisodeFeatures)> = context.iter().map(|(p, f)| (p.as_path(), f)).collect();
                                                memory.start_reader();
                                                let judged = crate::service::detect::judge_with(&episodes, &context, m, options, memory, &mut notes);
                                                // Stopped part-way (other files opened, or Esc): judged without its
                                                // reads, not shown; the episode is left for Resume analysis.
                                                if memory.stopped() {
                                                    send(Event::Unfinished { index });
                                                    return;
                                                }
                                                for ((i, p, _), j) in season.iter().zip(judged) {
                                                    let mut said: Vec<String> = notes.iter().filter(|n| n.path.as_deref() == Some(p.as_path())).map(|n| n.message.clone()).collect();
                                                    // Said once per memory, true of every answer since: kept on each re-judge.
                                                    if let Some(unread) = memory.unread().filter(|u| !said.iter().any(|s| s == u)) {
                                                        said.push(unread.to_string());
                                                    }
                                                    send(Event::Detected { index: *i, detection: j.detection, judgement: said, alone_intro: j.alone_intro.map(|s| s.confidence) });
                                                }
                                            }
                                            Err(message) => send(Event::ModelUnavailable { message: message.clone() }),
                                        };
                                        // First the answer from what is open; then, for an episode opened alone,
                                        // judged again with its neighbours once they are analysed (features only,
                                        // cached: the answer at once, the season's answer seconds later).
                                        // Provisional while more of the season is queued or an episode opened
                                        // alone waits for its folder: an episode alone for now is not flagged
                                        // as unconfirmed (the last answer of the season is final).
                                        let near = if neighbours > 0 && season.len() == 1 && loaded.is_ok() { crate::paths::season_neighbours(&path, neighbours).len() } else { 0 };
                                        let go = || current.load(Ordering::Relaxed) == generation;
                                        let provisional = (!rx.is_empty() || near > 0) && go();
                                        // Every Tesseract read judging this episode makes (its series' title, the
                                        // credits' edges, the judgement with its folder) stops once other files are
                                        // opened or the analysis is stopped: seconds of work no one would see.
                                        let now = current.clone();
                                        memory.stop = Some(Arc::new(move || now.load(Ordering::Relaxed) != generation));
                                        // An episode alone for good may be read for the series' title (seconds on a
                                        // 1080p file): the model's answer is shown first, as provisional.
                                        if !provisional && season.len() == 1 && crate::paths::readable_title(&path).is_some() {
                                            answer(&[], Vec::new(), &mut memory, true);
                                            send(Event::Checking { index, what: Checking::Title });
                                        }
                                        answer(&[], Vec::new(), &mut memory, provisional);
                                        // Then the end of the episode: credits, a preview, a post-credits scene.
                                        let mut notes = Vec::new();
                                        match crate::service::detect::analyse_tail(&path, tail, encoder.as_mut(), true, &mut notes, &go) {
                                            Ok(Some(mut features)) => 'tail: {
                                                let tail = crate::service::detect::judge_tail(&path, &features, true, &mut memory, &mut notes);
                                                // Stopped part-way: judged without its reads, not shown (Resume takes it up).
                                                if memory.stopped() {
                                                    send(Event::TailMissing { index, why: None });
                                                    break 'tail;
                                                }
                                                let pictures = features.features.seconds.iter().copied().zip(std::mem::take(&mut features.features.thumbnails)).collect();
                                                let said = notes.iter().map(|n| n.message.clone()).collect();
                                                send(Event::Tail { index, tail: tail.clone(), pictures, said });
                                                tails.retain(|t| t.0 != index);
                                                tails.push((index, path.clone(), features, tail, None));
                                                // The season's end theme, weighed again with this tail.
                                                let files: Vec<&std::path::Path> = tails.iter().map(|t| t.1.as_path()).collect();
                                                let mut changed = Vec::new();
                                                let mut said = Vec::new();
                                                for members in crate::paths::seasons(&files) {
                                                    let episodes: Vec<(&std::path::Path, &crate::service::detect::TailFeatures, &crate::service::detect::Tail)> = members.iter().map(|&m| (tails[m].1.as_path(), &tails[m].2, &tails[m].3)).collect();
                                                    for (m, themed) in members.iter().zip(crate::service::detect::season_tails(&episodes, true, &mut memory, &mut said)) {
                                                        let credits = themed.as_ref().and_then(|t| t.found.credits.clone());
                                                        if credits != tails[*m].4 {
                                                            changed.push((*m, credits, themed.unwrap_or_else(|| tails[*m].3.clone())));
                                                        }
                                                    }
                                                }
                                                for (m, credits, tail) in changed {
                                                    tails[m].4 = credits;
                                                    let said = said.iter().filter(|n| n.path.as_deref() == Some(tails[m].1.as_path())).map(|n| n.message.clone()).collect();
                                                    send(Event::TailJudged { index: tails[m].0, tail, said });
                                                }
                                            }
                                            // Said under the episode (the CLI prints the same note); a cancel is
                                            // for Resume analysis to take up.
                                            Ok(None) => {
                                                if let Some(note) = notes.first() {
                                                    send(Event::TailMissing { index, why: Some(note.message.clone()) });
                                                }
                                            }
                                            Err(crate::Error::Cancelled) => send(Event::TailMissing { index, why: None }),
                                            Err(e) => send(Event::TailMissing { index, why: Some(format!("end credits not looked for: {e}")) }),
                                        }
                                        if near > 0 {
                                            send(Event::Checking { index, what: Checking::Neighbours(near) });
                                            let mut notes = Vec::new();
                                            let mut go = || current.load(Ordering::Relaxed) == generation;
                                            let files = [path.as_path()];
                                            match crate::service::detect::lone_context(&files, &files, options, encoder.as_mut(), true, &mut notes, &mut go) {
                                                // Not for files opened since (cached neighbours never see the cancel).
                                                Ok(context) if go() => answer(&context, notes, &mut memory, false),
                                                // Its folder could not be read after all: its own answer, final.
                                                Err(e) if go() && !matches!(e, crate::Error::Cancelled) => answer(&[], notes, &mut memory, false),
                                                // Cancelled (Esc clears the line; a new open resets it).
                                                Ok(_) | Err(_) => {}
                                            }
                                        }
                                        memory.stop = None;
                                    }
                                    Err(crate::Error::Cancelled) => send(Event::Cancelled { index }),
                                    Err(e) => send(Event::Failed { index, message: e.to_string() }),
                                }
                            }));
                            if let Err(panic) = analysed {
                                let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                                send(Event::Failed { index, message: format!("{}: internal error while analysing it: {what} (a bug: please report it)", path.display()) });
                            }
                        }
                    }
                }
            })
            .map_err(|e| crate::Error::internal(format!("cannot start the analysis thread: {e}")))?;
        Ok(Worker { commands: Some(commands), searches: Some(searches), library_tickets, events, generation, thread: Some(thread) })
    }

    pub fn send(&self, command: Command) {
        if let Some(commands) = &self.commands {
            let _ = commands.send(command);
        }
    }

    /// Ask about the episodes analysed for `season` (see [`Command::Analyse`]).
    /// `words` serve [`super::search::Query::Words`] (empty for the other questions); the
    /// answer carries `ticket` back.
    /// `library`: the folder to look in instead of the season, its episodes analysed over
    /// `window_s` where not cached (a newer library question of the same tab stops the reading
    /// of an older one).
    pub fn search(&self, season: u64, query: super::search::Query, words: String, library: Option<(PathBuf, u32)>, ticket: u64) {
        let (folder, window_s) = match library {
            Some((folder, window_s)) => {
                self.library_tickets[library_slot(query)].store(ticket, Ordering::Relaxed);
                (Some(folder), window_s)
            }
            None => (None, crate::service::DEFAULT_WINDOW_S),
        };
        if let Some(searches) = &self.searches {
            let _ = searches.send((season, query, words, folder, window_s, ticket));
        }
    }

    /// Stop reading a library for `query`'s tab, or for every tab (its answer says it stopped).
    pub fn stop_library_search(&self, query: Option<super::search::Query>) {
        match query {
            Some(q) => self.library_tickets[library_slot(q)].store(0, Ordering::Relaxed),
            None => self.library_tickets.iter().for_each(|t| t.store(0, Ordering::Relaxed)),
        }
    }

    /// The generation new jobs must carry.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    /// Cancel the running job and everything queued.
    pub fn cancel_all(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }
}

/// Closing the app waits for the analysis thread: the running job is cancelled and stops at its
/// next sample, so this is quick. A process that exits while the thread is inside libtorch can
/// crash on the way out.
impl Drop for Worker {
    fn drop(&mut self) {
        self.cancel_all();
        self.stop_library_search(None);
        self.commands = None;
        self.searches = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn describe(encoder: &dyn FrameEncoder) -> String {
    format!("{} v{} ({}-d)", encoder.id(), encoder.version(), encoder.dim())
}

/// The episodes under `folder` with their features, for a search: the open episodes' paths
/// stand for the same files (so that the shot asked about is left out of its own answer and
/// places map to what is open). Files that cannot be read join `unread`; `progress(done, total)`
/// hears each episode begun and the end; `wanted()` false stops (at the next sample), and the
/// answer says after how many.
fn read_library(
    folder: &Path,
    season: &[(usize, PathBuf, crate::features::EpisodeFeatures)],
    window: u32,
    encoder: &mut dyn FrameEncoder,
    unread: &mut Vec<String>,
    wanted: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(usize, usize),
) -> std::result::Result<Vec<(PathBuf, crate::features::EpisodeFeatures)>, String> {
    let (media, failures) = crate::service::library::collection(&[folder.to_path_buf()]).map_err(|e| e.to_string())?;
    if media.is_empty() {
        return Err(format!("{}: no video files under this folder", folder.display()));
    }
    unread.extend(failures.iter().map(ToString::to_string));
    let open: Vec<(PathBuf, &PathBuf)> = season.iter().map(|(_, p, _)| (std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()), p)).collect();
    let media: Vec<PathBuf> = media
        .into_iter()
        .map(|m| {
            let c = std::fs::canonicalize(&m).unwrap_or_else(|_| m.clone());
            open.iter().find(|(o, _)| *o == c).map_or(m, |(_, p)| (*p).clone())
        })
        .collect();
    let mut failures = Vec::new();
    let mut read = 0;
    let result = crate::service::library::analysed(&media, window, encoder, false, &mut failures, wanted, &mut |done, total| {
        read = done;
        progress(done, total);
    });
    unread.extend(failures.iter().map(ToString::to_string));
    match result {
        Ok(library) => Ok(library),
        Err(crate::Error::Cancelled) => Err(format!("Stopped after reading {read} of {} of the library", crate::words::count(media.len(), "episode", "episodes"))),
        Err(e) => Err(e.to_string()),
    }
}

/// Pictures for the places of a library's answer: from the season's features where they are
/// open, else read back from the cache.
fn attach_pictures(answer: &mut super::search::Answer, season: &[(usize, PathBuf, crate::features::EpisodeFeatures)], window: u32, encoder: &mut dyn FrameEncoder) {
    use super::search::Found;
    let Ok(Found::Shots(places)) = &mut answer.found else { return };
    let from_season = |path: &Path, second: u32| {
        let (_, _, f) = season.iter().find(|(_, p, _)| p == path)?;
        f.seconds.iter().position(|&s| s == second).and_then(|i| f.thumbnails.get(i)).map(|t| Arc::new(t.clone()))
    };
    let mut wanted = Vec::new();
    for place in places.iter_mut() {
        place.picture = from_season(&place.path, place.second);
        if place.picture.is_none() {
            wanted.push((place.path.clone(), place.second));
        }
    }
    let found = crate::service::library::pictures_at(&wanted, window, encoder);
    let mut found = wanted.into_iter().zip(found);
    for place in places.iter_mut().filter(|p| p.picture.is_none()) {
        if let Some((_, Some(picture))) = found.next() {
            place.picture = Some(Arc::new(picture));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_read_for_a_search_stops_when_asked_and_says_after_how_many() {
        let library = tempfile::tempdir().unwrap();
        let demo = crate::paths::demo_dir();
        for e in ["S01E01", "S01E02"] {
            std::fs::copy(demo.join(format!("Bunny Tales - {e}.mp4")), library.path().join(format!("Bunny Tales - {e}.mp4"))).unwrap();
        }
        std::fs::write(library.path().join("Bunny Tales - S01E03.mp4"), b"not a video").unwrap();
        let mut encoder = crate::encoder::default_encoder();
        let mut unread = Vec::new();
        let mut asked = Vec::new();
        let read = read_library(library.path(), &[], crate::service::DEFAULT_WINDOW_S, encoder.as_mut(), &mut unread, &|| true, &mut |done, total| asked.push((done, total))).unwrap();
        assert_eq!(read.len(), 2);
        assert!(read.iter().all(|(_, f)| f.thumbnails.is_empty() && f.seconds.len() >= 120), "pictures are not held");
        assert_eq!(asked, [(0, 3), (1, 3), (2, 3), (3, 3)], "each episode begun, and the end");
        assert_eq!(unread.len(), 1, "{unread:?}");
        assert!(unread[0].contains("S01E03"), "the file that cannot be read is named: {unread:?}");
        // Stopped once the first episode is read (a flag the progress sets, as Stop sets the ticket).
        let stop = std::cell::Cell::new(false);
        let stopped = read_library(library.path(), &[], crate::service::DEFAULT_WINDOW_S, encoder.as_mut(), &mut Vec::new(), &|| !stop.get(), &mut |done, _| stop.set(done >= 1));
        assert_eq!(stopped.err().as_deref(), Some("Stopped after reading 1 of 3 episodes of the library"));
        // Stopped inside an episode that is not cached yet: at its next sample, not at its end.
        let fresh = tempfile::tempdir().unwrap();
        let sampled = std::cell::Cell::new(0);
        let mut counting = crate::encoder::default_encoder();
        std::fs::copy(demo.join("Bunny Tales - S01E03.mp4"), fresh.path().join("x.mp4")).unwrap();
        let inside = crate::service::library::analysed(&[fresh.path().join("x.mp4")], 17, counting.as_mut(), false, &mut Vec::new(), &|| {
            sampled.set(sampled.get() + 1);
            sampled.get() < 5
        }, &mut |_, _| {});
        assert!(matches!(inside, Err(crate::Error::Cancelled)), "{:?}", inside.map(|v| v.len()));
        assert_eq!(sampled.get(), 5, "asked before the episode, then at each step of its sampling until it says stop");
    }
}
