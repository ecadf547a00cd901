//! The search panel: where else a shot appears in the open season or in a library folder, which
//! files are the same episode, and the scenes the season returns to — the CLI's `search`,
//! `duplicates` and `scenes` on the features the analysis worker holds (a library's are read
//! from the cache, [`crate::service::library`]). The worker answers a [`Query`] with an
//! [`Answer`] ([`answer`], run on its thread between analyses); the panel draws the answer and
//! sends [`Action::GoTo`] when a place in an open episode is clicked, [`Action::OpenAt`] for one
//! elsewhere in the library.

use super::*;
use crate::features::EpisodeFeatures;
use image::RgbImage;
use std::sync::Arc;

/// What the user asked the season. `Copy`, so that it travels inside an [`Action`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Query {
    /// The shot sampled at this second of this episode (index into the open episodes).
    Shot { episode: usize, second: u32 },
    Duplicates,
    Scenes,
    /// The words typed in the panel (sent beside the query: a `String` is not `Copy`).
    Words,
    /// Words read on screen (Tesseract), typed in the On screen tab.
    OnScreen,
}

/// A place in an episode: seconds `from..=to`, best at `second`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Place {
    pub path: PathBuf,
    /// Its index among the open episodes, if it is open (set again when other files open).
    pub episode: Option<usize>,
    pub from: u32,
    pub to: u32,
    pub second: u32,
    /// Cosine to the query (1 for a scene's occurrence; for words on screen, the match score).
    pub similarity: f32,
    /// The text read on screen there (words on screen only).
    pub line: String,
    /// Its picture at `second`, for a place in an episode that is not open (a library's).
    pub picture: Option<Arc<RgbImage>>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pair {
    pub paths: [PathBuf; 2],
    /// Their indexes among the open episodes, where open.
    pub open: [Option<usize>; 2],
    pub share_a: f64,
    pub share_b: f64,
    /// Aligned ranges: (a_start, a_end, b_start, b_end) in seconds.
    pub ranges: Vec<(f64, f64, f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SceneRow {
    pub episodes: usize,
    pub seconds: u32,
    pub places: Vec<Place>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Found {
    Shots(Vec<Place>),
    Duplicates(Vec<Pair>),
    Scenes(Vec<SceneRow>),
}

/// The worker's answer: what was asked, over how many analysed episodes, and what was found
/// (or why nothing could be: the queried episode is not analysed yet, too many shots).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Answer {
    pub query: Query,
    /// The question's ticket ([`Panel::asked`]): only the latest question of a tab is answered.
    pub ticket: u64,
    /// The words asked ([`Query::Words`]).
    pub words: String,
    /// The library folder searched; None: the open season.
    pub library: Option<PathBuf>,
    /// The shot asked about ([`Query::Shot`]): its file, and its picture for when that file is no
    /// longer open (a library's answer outlives the season it was asked in).
    pub shot: Option<(PathBuf, Option<Arc<RgbImage>>)>,
    pub searched: usize,
    pub found: std::result::Result<Found, String>,
    /// Files of the library that could not be read (one line each).
    pub unread: Vec<String>,
    /// What else the search says (an index being built, one not saved).
    pub notes: Vec<String>,
}

impl Answer {
    /// Places and pairs refer to the open episodes by index: set again against `open` (their
    /// paths), as a library's answer is kept when other files open.
    pub(crate) fn reindex(&mut self, open: &[PathBuf]) {
        let canonical: Vec<PathBuf> = open.iter().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect();
        let index_of = |path: &Path| open.iter().position(|p| p == path).or_else(|| std::fs::canonicalize(path).ok().and_then(|c| canonical.iter().position(|p| *p == c)));
        match &mut self.found {
            Ok(Found::Shots(places)) => places.iter_mut().for_each(|p| p.episode = index_of(&p.path)),
            Ok(Found::Scenes(scenes)) => scenes.iter_mut().flat_map(|s| s.places.iter_mut()).for_each(|p| p.episode = index_of(&p.path)),
            Ok(Found::Duplicates(pairs)) => pairs.iter_mut().for_each(|p| p.open = [index_of(&p.paths[0]), index_of(&p.paths[1])]),
            Err(_) => {}
        }
    }
}

/// Where a search looks: the open season, or the library folder chosen in the panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Scope {
    #[default]
    Season,
    Library,
}

/// How alike a frame must be to count as the same shot: the near-copy level of season alignment.
pub(crate) const SHOT_SIMILARITY: f32 = crate::features::channels::REPEAT;
/// The share of both windows two files must play of each other to be one episode (as the CLI).
pub(crate) const DUPLICATE_SHARE: f64 = 0.6;
/// How alike a cluster's shots must be on average to be one scene (as the CLI).
pub(crate) const SCENE_SIMILARITY: f32 = 0.85;
/// Places listed for a shot (the best; the rest are left out).
const MAX_PLACES: usize = 200;

/// Places listed for words (CLIP's best-ranked shots).
const MAX_WORD_PLACES: usize = 30;

/// What the Words tab says, and a word search answers, without CLIP weights: the embedded
/// encoder has no text side.
pub(crate) const WORDS_NEED_CLIP: &str = "Searching by words needs CLIP weights: choose \"Use CLIP weights…\" in the top bar and give a whole CLIP model (OpenAI's ViT-B-32.pt, an open_clip or a Hugging Face CLIPModel checkpoint): its text tower reads the words, its image tower the frames. The built-in encoder cannot read words.";

/// What the On screen tab says while nothing is typed.
const SCREEN_HINT: &str = "Type words shown on screen first (\"previously on\", a name in the credits)";

/// Finds a shot among episodes: exact search on a season, [`crate::service::library::find_shot_in`]
/// on a library (the approximate index once it is large).
pub(crate) type ShotFinder<'a> = &'a mut dyn FnMut(&[f32], &[(PathBuf, &EpisodeFeatures)], Option<(&Path, f64)>, f32) -> Vec<crate::service::search::Hit>;

/// Answer `query` over the episodes analysed so far: `(index, path, features)` as the worker
/// holds them, or over `library` (its episodes' features) where given — a shot asked about is
/// still one of the season's. `words` and the CLIP text tower (or why there is none) serve
/// [`Query::Words`]; `words` and `read` (an episode's on-screen text, read once and cached)
/// [`Query::OnScreen`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn answer(
    season: &[(usize, PathBuf, EpisodeFeatures)],
    library: Option<&[(PathBuf, EpisodeFeatures)]>,
    query: Query,
    words: &str,
    text: std::result::Result<&crate::encoder::ClipTextEncoder, String>,
    read: &mut dyn FnMut(&Path, &EpisodeFeatures) -> std::result::Result<crate::features::ocr::EpisodeText, String>,
    find_shot: ShotFinder,
) -> Answer {
    let episodes: Vec<(PathBuf, &EpisodeFeatures)> = match library {
        Some(library) => library.iter().map(|(p, f)| (p.clone(), f)).collect(),
        None => season.iter().map(|(_, p, f)| (p.clone(), f)).collect(),
    };
    let mut searched = episodes.len();
    let mut shot = None;
    let index_of = |path: &Path| season.iter().find(|(_, p, _)| p == path).map(|(i, _, _)| *i);
    let found = match query {
        Query::Shot { episode, second } => match season.iter().find(|(i, _, _)| *i == episode) {
            None => Err("this episode is not analysed yet: search once its analysis is done".to_string()),
            Some((_, path, features)) => match crate::service::search::embedding_at(features, f64::from(second)) {
                None => Err(format!("{} was not sampled (its window ends at {} s)", crate::clock::clock(f64::from(second), 0, true), features.seconds.last().map_or(0, |s| s + 1))),
                Some(query) => {
                    let picture = features.seconds.iter().position(|&s| s == second).and_then(|i| features.thumbnails.get(i)).map(|t| Arc::new(t.clone()));
                    shot = Some((path.clone(), picture));
                    let hits = find_shot(&query, &episodes, Some((path, f64::from(second))), SHOT_SIMILARITY);
                    Ok(Found::Shots(hits.into_iter().take(MAX_PLACES).map(|h| place(&h, index_of(&h.episode), String::new())).collect()))
                }
            },
        },
        Query::Words => match text {
            Err(why) => Err(why),
            Ok(_) if words.trim().is_empty() => Err("Type what to look for first (\"title card\", \"a beach at night\")".to_string()),
            Ok(tower) => tower.embed(words.trim()).map_err(|e| e.to_string()).map(|(q, _)| {
                let hits = crate::service::search::find_text(&q, &episodes, MAX_WORD_PLACES);
                Found::Shots(hits.iter().map(|h| place(h, index_of(&h.episode), String::new())).collect())
            }),
        },
        Query::OnScreen if words.split_whitespace().all(|w| crate::features::ocr::normalise(w).is_empty()) => Err(SCREEN_HINT.to_string()),
        Query::OnScreen => {
            let mut texts = Vec::new();
            let mut failed = None;
            for (path, features) in &episodes {
                match read(path, features) {
                    Ok(t) => texts.push((path.clone(), t)),
                    Err(e) => failed = Some(e),
                }
            }
            match failed {
                // Tesseract missing says so once; one unreadable file leaves the others searched
                // (the count of those searched says so).
                Some(e) if texts.is_empty() => Err(e),
                _ => {
                    searched = texts.len();
                    let refs: Vec<(PathBuf, &crate::features::ocr::EpisodeText)> = texts.iter().map(|(p, t)| (p.clone(), t)).collect();
                    let hits = crate::features::ocr::find_words(words, &refs);
                    Ok(Found::Shots(
                        hits.into_iter()
                            .take(MAX_PLACES)
                            .map(|h| Place { episode: index_of(&h.episode), path: h.episode, from: h.from, to: h.to, second: h.second, similarity: h.score, line: h.line, picture: None })
                            .collect(),
                    ))
                }
            }
        }
        Query::Duplicates => Ok(Found::Duplicates(
            crate::service::search::duplicates(&episodes, DUPLICATE_SHARE)
                .into_iter()
                .map(|d| Pair { open: [index_of(&d.a), index_of(&d.b)], paths: [d.a, d.b], share_a: d.share_a, share_b: d.share_b, ranges: d.ranges })
                .collect(),
        )),
        Query::Scenes => crate::service::search::recurring_scenes(&episodes, SCENE_SIMILARITY).map_err(|e| e.to_string()).map(|scenes| {
            Found::Scenes(
                scenes
                    .into_iter()
                    .map(|s| SceneRow {
                        episodes: s.episodes,
                        seconds: s.seconds,
                        places: s
                            .occurrences
                            .iter()
                            .map(|o| Place { path: o.episode.clone(), episode: index_of(&o.episode), from: o.from, to: o.to, second: (o.from + o.to) / 2, similarity: 1.0, line: String::new(), picture: None })
                            .collect(),
                    })
                    .collect(),
            )
        }),
    };
    Answer { query, ticket: 0, words: words.to_string(), library: None, shot, searched, found, unread: Vec::new(), notes: Vec::new() }
}

/// A hit as the panel lists it.
fn place(h: &crate::service::search::Hit, episode: Option<usize>, line: String) -> Place {
    Place { path: h.episode.clone(), episode, from: h.from, to: h.to, second: h.second, similarity: h.similarity, line, picture: None }
}

/// The panel's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Tab {
    #[default]
    Shot,
    Duplicates,
    Scenes,
    Words,
    OnScreen,
}

impl Tab {
    fn of(query: Query) -> Tab {
        match query {
            Query::Shot { .. } => Tab::Shot,
            Query::Duplicates => Tab::Duplicates,
            Query::Scenes => Tab::Scenes,
            Query::Words => Tab::Words,
            Query::OnScreen => Tab::OnScreen,
        }
    }
}

/// The panel's state: open or not, the tab, and per tab the question asked last and its answer.
#[derive(Default)]
pub(crate) struct Panel {
    pub open: bool,
    pub tab: Tab,
    /// Asked, not answered yet: the question and its ticket.
    pub pending: Vec<(Query, u64)>,
    /// The next question's ticket.
    next_ticket: u64,
    pub answers: Vec<Answer>,
    /// The Words tab's text.
    pub words: String,
    /// The On screen tab's text.
    pub screen_words: String,
    /// Where the Shot, Words and Duplicates tabs look, and the library folder chosen (remembered
    /// in the settings).
    pub scope: Scope,
    pub library: Option<PathBuf>,
    /// A library being read for a question: (its ticket, episodes read, of how many).
    pub progress: Option<(u64, usize, usize)>,
    /// Tickets of the questions asked of a library.
    library_tickets: Vec<u64>,
    /// Pictures of places in episodes that are not open, as textures (made when first drawn).
    pictures: std::collections::HashMap<(PathBuf, u32), egui::TextureHandle>,
}

impl Tab {
    /// Tabs that can look in a library: the others are about the season (its recurring scenes)
    /// or read every episode's text with Tesseract (seconds an episode).
    pub(crate) fn reaches_library(self) -> bool {
        matches!(self, Tab::Shot | Tab::Words | Tab::Duplicates)
    }
}

impl Panel {
    /// A question asked: its ticket, which its answer must carry.
    pub(crate) fn asked(&mut self, query: Query) -> u64 {
        self.open = true;
        self.tab = Tab::of(query);
        self.next_ticket += 1;
        self.pending.retain(|(q, _)| Tab::of(*q) != self.tab);
        self.pending.push((query, self.next_ticket));
        if self.looks_in(query).is_some() {
            self.library_tickets.push(self.next_ticket);
        }
        self.next_ticket
    }

    /// Where a question asked now looks: the library folder, if the tab reaches it and one is chosen.
    pub(crate) fn looks_in(&self, query: Query) -> Option<PathBuf> {
        (self.scope == Scope::Library && Tab::of(query).reaches_library()).then(|| self.library.clone()).flatten()
    }

    /// `answer` arrived; `open` are the open episodes' paths (its places are matched to them).
    pub(crate) fn answered(&mut self, mut answer: Answer, open: &[PathBuf]) {
        let tab = Tab::of(answer.query);
        if self.progress.is_some_and(|(t, _, _)| t == answer.ticket) {
            self.progress = None;
        }
        // Only the latest question of a tab counts: a slow answer to an older one (other words,
        // files open before) is dropped.
        if !self.pending.contains(&(answer.query, answer.ticket)) {
            return;
        }
        self.pending.retain(|(q, _)| Tab::of(*q) != tab);
        self.library_tickets.retain(|t| self.pending.iter().any(|(_, p)| p == t));
        self.answers.retain(|a| Tab::of(a.query) != tab);
        if answer.library.is_some() {
            answer.reindex(open);
        }
        self.pictures.clear();
        self.answers.push(answer);
    }

    pub(crate) fn answer(&self, tab: Tab) -> Option<&Answer> {
        self.answers.iter().find(|a| Tab::of(a.query) == tab)
    }

    /// What was open changed (`open`, their paths): answers about the season mean nothing now. A
    /// library's answers and questions stay (the library did not change), their places matched
    /// to the episodes now open, so that one can go from place to place across seasons.
    pub(crate) fn reopened(&mut self, open: &[PathBuf]) {
        let library_tickets = &self.library_tickets;
        self.pending.retain(|(_, t)| library_tickets.contains(t));
        self.answers.retain(|a| a.library.is_some());
        for a in &mut self.answers {
            a.reindex(open);
        }
    }
}

/// A line to type words into and its Find button: true when asked (the button, or Enter in the field).
fn words_field(ui: &mut egui::Ui, text: &mut String, hint: &str) -> bool {
    ui.horizontal(|ui| {
        let field = ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(180.0));
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.button("Find").clicked() || enter
    })
    .inner
}

/// Thumbnails drawn in the panel (the timeline's per-second ones, scaled).
const THUMB_W: f32 = 96.0;

/// Where clicking a place goes: the open episode, else its file opened (with its season).
fn go_to(open: Option<usize>, path: &Path, second: u32) -> Action {
    match open {
        Some(episode) => Action::GoTo { episode, second },
        None => Action::OpenAt { path: path.to_path_buf(), second },
    }
}

/// A picture at thumbnail width, clickable; a grey box while there is none.
fn picture_or_box(ui: &mut egui::Ui, texture: Option<&egui::TextureHandle>) -> egui::Response {
    match texture {
        Some(t) => {
            let size = t.size_vec2();
            ui.add(egui::Image::new((t.id(), egui::vec2(THUMB_W, THUMB_W * size.y / size.x.max(1.0)))).sense(egui::Sense::click()))
        }
        None => {
            let (rect, response) = ui.allocate_exact_size(egui::vec2(THUMB_W, THUMB_W * 9.0 / 16.0), egui::Sense::click());
            ui.painter().rect_filled(rect, 2.0, egui::Color32::from_gray(40));
            response
        }
    }
}

impl App {
    /// The search panel (right side), drawing only: clicks become actions.
    pub(super) fn search_panel(&mut self, ui: &mut egui::Ui) {
        let mut action = None;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong("Search");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button("Close").on_hover_text("Close the search panel (Ctrl+Shift+F)").clicked() {
                    action = Some(Action::ToggleSearch);
                }
            });
        });
        ui.horizontal(|ui| {
            for (tab, name) in [(Tab::Shot, "Shot"), (Tab::Words, "Words"), (Tab::OnScreen, "On screen"), (Tab::Duplicates, "Duplicates"), (Tab::Scenes, "Scenes")] {
                if ui.selectable_label(self.search.tab == tab, name).clicked() {
                    self.search.tab = tab;
                }
            }
        });
        let tab = self.search.tab;
        if tab.reaches_library() {
            ui.horizontal(|ui| {
                ui.label("Look in");
                if ui.selectable_label(self.search.scope == Scope::Season, "This season").on_hover_text("The open episodes").clicked() {
                    self.search.scope = Scope::Season;
                }
                let hint = "Every episode under a library folder (seasons in their folders): analysed once, then read from the cache";
                if ui.selectable_label(self.search.scope == Scope::Library, "Library").on_hover_text(hint).clicked() {
                    match self.search.library {
                        Some(_) => self.search.scope = Scope::Library,
                        None => action = Some(Action::ChooseLibrary),
                    }
                }
                if self.search.scope == Scope::Library {
                    if let Some(folder) = &self.search.library {
                        ui.weak(folder.file_name().map_or_else(|| folder.display().to_string(), |n| n.to_string_lossy().into_owned())).on_hover_text(folder.display().to_string());
                    }
                    if ui.small_button("Change…").on_hover_text("Choose the library folder").clicked() {
                        action = Some(Action::ChooseLibrary);
                    }
                }
            });
        }
        ui.separator();
        let analysed = self.episodes.iter().filter(|e| matches!(e.status, Status::Done { .. })).count();
        let pending = self.search.pending.iter().find(|(q, _)| Tab::of(*q) == tab).copied();
        let in_library = tab.reaches_library() && self.search.scope == Scope::Library && self.search.library.is_some();
        match tab {
            Tab::Shot => {
                ui.label(if in_library {
                    "Where the library shows a shot: right-click a thumbnail or the picture, or press Ctrl+F for the shot at the playhead."
                } else {
                    "Where else the season shows a shot: right-click a thumbnail or the picture, or press Ctrl+F for the shot at the playhead."
                });
                if ui.button("Find the shot at the playhead (Ctrl+F)").clicked() {
                    action = self.find_shot_at_playhead();
                }
            }
            Tab::Words => {
                if self.encoder.starts_with("clip") {
                    ui.label("Frames ranked by how well CLIP finds the words in them (best first; CLIP's scores sit in a narrow band, so only the order speaks).");
                } else {
                    ui.colored_label(egui::Color32::from_rgb(230, 170, 80), WORDS_NEED_CLIP);
                }
                if words_field(ui, &mut self.search.words, "title card") {
                    action = Some(Action::Find(Query::Words));
                }
            }
            Tab::OnScreen => {
                ui.label("Frames of the season whose on-screen text holds every word (title cards, credits, captions, signs), read by Tesseract once per episode: the first search of a season takes a few seconds an episode.");
                if words_field(ui, &mut self.search.screen_words, "previously on") {
                    action = Some(Action::Find(Query::OnScreen));
                }
            }
            Tab::Duplicates => {
                ui.label(format!(
                    "Files that hold the same episode (another encode or cut){}: at least {:.0} % of each one's analysed window plays in the other.",
                    if in_library { " anywhere in the library" } else { "" },
                    DUPLICATE_SHARE * 100.0
                ));
                if ui.button("Find duplicate episodes").clicked() {
                    action = Some(Action::Find(Query::Duplicates));
                }
            }
            Tab::Scenes => {
                ui.label("The places and set-ups the season returns to: its shots clustered, those seen in two or more episodes.");
                if ui.button("Find recurring scenes").clicked() {
                    action = Some(Action::Find(Query::Scenes));
                }
            }
        }
        if let Some((query, ticket)) = pending {
            ui.horizontal(|ui| {
                ui.spinner();
                match self.search.progress.filter(|(t, _, _)| *t == ticket) {
                    Some((_, done, total)) if done >= total => {
                        ui.weak("Searching the library…");
                    }
                    Some((_, done, total)) => {
                        ui.weak(format!("Reading the library: {done} of {} (new ones are analysed once, then cached)", crate::words::count(total, "episode", "episodes")));
                        if ui.small_button("Stop").on_hover_text("Stop reading the library (what is cached stays cached)").clicked() {
                            action = Some(Action::StopSearch(query));
                        }
                    }
                    None => {
                        ui.weak(if analysed < self.episodes.len() { "Searching (after the episode being analysed)…" } else { "Searching…" });
                    }
                }
            });
        }
        ui.separator();
        if let Some(answer) = self.search.answer(tab).cloned() {
            let name = |path: &Path| crate::service::episode_stem(path);
            let scope = match &answer.library {
                Some(folder) => {
                    let unread = match answer.unread.len() {
                        0 => String::new(),
                        n => format!(", {} could not be read", crate::words::count(n, "file", "files")),
                    };
                    format!("{} of the library \"{}\" searched{unread}", crate::words::count(answer.searched, "episode", "episodes"), folder.file_name().map_or_else(|| folder.display().to_string(), |n| n.to_string_lossy().into_owned()))
                }
                None if answer.searched < self.episodes.len() => format!("{} of {} episodes searched (the others are not analysed yet; search again when they are)", answer.searched, self.episodes.len()),
                None => format!("all {} episodes searched", answer.searched),
            };
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                match &answer.found {
                    Err(why) => {
                        ui.colored_label(egui::Color32::from_rgb(230, 90, 80), why);
                    }
                    Ok(Found::Shots(places)) => {
                        if answer.query == Query::Words {
                            ui.strong(format!("Best matches for \"{}\"", answer.words.trim()));
                        }
                        if answer.query == Query::OnScreen {
                            ui.strong(format!("\"{}\" on screen", answer.words.trim()));
                        }
                        if let (Query::Shot { second, .. }, Some((path, picture))) = (answer.query, &answer.shot) {
                            let shot = Place { path: path.clone(), episode: self.open_index(path), from: second, to: second, second, similarity: 1.0, line: String::new(), picture: picture.clone() };
                            ui.horizontal(|ui| {
                                self.place_picture(ui, &shot);
                                ui.vertical(|ui| {
                                    ui.strong("The shot");
                                    ui.label(format!("{} at {}", name(path), self.time(f64::from(second))));
                                });
                            });
                        }
                        let in_episodes: std::collections::BTreeSet<&Path> = places.iter().map(|p| p.path.as_path()).collect();
                        ui.weak(match places.len() {
                            0 if answer.query == Query::Words => format!("No frame to rank ({scope})"),
                            0 if answer.query == Query::OnScreen => format!("No on-screen text holds those words ({scope})"),
                            0 => format!("Not found anywhere else ({scope}; the same shot is at least {:.0} % alike)", SHOT_SIMILARITY * 100.0),
                            n => format!("Found in {} in {}; {scope}", crate::words::count(n, "place", "places"), crate::words::count(in_episodes.len(), "episode", "episodes")),
                        });
                        for place in places {
                            let score = match answer.query {
                                Query::Words => format!("{:.3}", place.similarity),
                                Query::OnScreen => format!("\"{}\"", place.line),
                                _ => format!("{:.0} %", place.similarity * 100.0),
                            };
                            // A library's place in an episode that is not open says its folder too.
                            let named = match (&answer.library, place.episode, place.path.parent().and_then(Path::file_name)) {
                                (Some(_), None, Some(folder)) => format!("{} / {}", folder.to_string_lossy(), name(&place.path)),
                                _ => name(&place.path),
                            };
                            let label = format!("{named}  {} – {}  ·  {score}", self.time(f64::from(place.from)), self.time(f64::from(place.to) + 1.0));
                            if self.place_row(ui, place, &label) {
                                action = Some(go_to(place.episode, &place.path, place.second));
                            }
                        }
                    }
                    Ok(Found::Duplicates(pairs)) => {
                        ui.weak(match pairs.len() {
                            0 => format!("No two files hold the same episode ({scope})"),
                            n => format!("{} of files {} the same episode; {scope}", crate::words::count(n, "pair", "pairs"), if n == 1 { "holds" } else { "hold" }),
                        });
                        for pair in pairs {
                            let [a, b] = &pair.paths;
                            ui.separator();
                            ui.label(format!("{}  and  {}", name(a), name(b)));
                            if answer.library.is_some() {
                                // Across a library, names alone may not tell the files apart.
                                for p in [a, b] {
                                    ui.weak(crate::error::printable(&p.parent().map_or_else(String::new, |d| d.display().to_string())));
                                }
                            }
                            ui.weak(format!("{:.0} % of the first plays in the second, {:.0} % of the second in the first", pair.share_a * 100.0, pair.share_b * 100.0));
                            ui.horizontal_wrapped(|ui| {
                                for &(a0, a1, b0, b1) in pair.ranges.iter().take(6) {
                                    let text = format!("{}–{} is {}–{}", self.time(a0), self.time(a1), self.time(b0), self.time(b1));
                                    if ui.link(text).on_hover_text(format!("Go to {} at {}", name(a), self.time(a0))).clicked() {
                                        action = Some(go_to(pair.open[0], a, a0.floor().max(0.0) as u32));
                                    }
                                }
                                if pair.ranges.len() > 6 {
                                    ui.weak(format!("and {} more", pair.ranges.len() - 6));
                                }
                            });
                            ui.horizontal(|ui| {
                                for (k, p) in pair.paths.iter().enumerate() {
                                    let verb = if pair.open[k].is_some() { "Show" } else { "Open" };
                                    if ui.button(format!("{verb} {}", name(p))).on_hover_text(p.display().to_string()).clicked() {
                                        action = Some(go_to(pair.open[k], p, 0));
                                    }
                                }
                            });
                        }
                    }
                    Ok(Found::Scenes(scenes)) => {
                        ui.weak(match scenes.len() {
                            0 => format!("No scene recurs in two episodes ({scope})"),
                            n => format!("{}, most episodes first; {scope}", crate::words::count(n, "recurring scene", "recurring scenes")),
                        });
                        for (k, scene) in scenes.iter().enumerate() {
                            ui.separator();
                            ui.label(format!("Scene {}: {} episodes, {} s in all", k + 1, scene.episodes, scene.seconds));
                            // One strip per scene: a picture of each place, clicking goes there.
                            egui::ScrollArea::horizontal().id_salt(("scene", k)).show(ui, |ui| {
                                ui.horizontal(|ui| {
                                    for place in &scene.places {
                                        ui.vertical(|ui| {
                                            let clicked = self.place_picture(ui, place).clicked();
                                            let link = ui.small(format!("{} {}", name(&place.path), self.time(f64::from(place.from))));
                                            if clicked || link.clicked() {
                                                action = Some(go_to(place.episode, &place.path, place.second));
                                            }
                                        });
                                    }
                                });
                            });
                        }
                    }
                }
                for note in &answer.notes {
                    ui.weak(crate::error::printable(note));
                }
                if !answer.unread.is_empty() {
                    ui.separator();
                    for line in answer.unread.iter().take(5) {
                        ui.weak(crate::error::printable(line));
                    }
                    if answer.unread.len() > 5 {
                        ui.weak(format!("and {} more", answer.unread.len() - 5));
                    }
                }
            });
        } else if pending.is_none() {
            ui.weak(format!("{analysed} of {} episodes analysed", self.episodes.len()));
        }
        if let Some(action) = action {
            self.apply(action);
        }
    }

    /// The open episode at `path`, if it is open.
    /// Matched as [`Answer::reindex`] matches: the same path, else the same file.
    pub(super) fn open_index(&self, path: &Path) -> Option<usize> {
        self.episodes.iter().position(|e| e.path == path).or_else(|| {
            let file = std::fs::canonicalize(path).ok()?;
            self.episodes.iter().position(|e| std::fs::canonicalize(&e.path).ok().as_ref() == Some(&file))
        })
    }

    /// One place: its picture and a line; true when clicked.
    fn place_row(&mut self, ui: &mut egui::Ui, place: &Place, label: &str) -> bool {
        ui.horizontal(|ui| {
            let picture = self.place_picture(ui, place);
            let line = ui.selectable_label(false, label).on_hover_text(if place.episode.is_some() { "Go there".to_string() } else { format!("Open {} there", place.path.display()) });
            picture.clicked() || line.clicked()
        })
        .inner
    }

    /// A place's picture: the open episode's sampled thumbnail, else the one the answer brought.
    fn place_picture(&mut self, ui: &mut egui::Ui, place: &Place) -> egui::Response {
        // An open episode's own thumbnail, once it has one (a kept library place whose
        // episode was just opened shows the picture it brought until then).
        if let Some(episode) = place.episode {
            if place.picture.is_none() || self.episodes.get(episode).is_some_and(|e| e.thumbnails.iter().any(|(s, _)| *s == place.second)) {
                return self.thumbnail(ui, episode, place.second);
            }
        }
        let key = (place.path.clone(), place.second);
        let texture = match (self.search.pictures.get(&key), &place.picture) {
            (Some(t), _) => Some(t.clone()),
            (None, Some(picture)) => {
                let color = egui::ColorImage::from_rgb([picture.width() as usize, picture.height() as usize], picture.as_raw());
                let t = ui.ctx().load_texture(format!("found-{}-{}", place.path.display(), place.second), color, egui::TextureOptions::LINEAR);
                self.search.pictures.insert(key, t.clone());
                Some(t)
            }
            (None, None) => None,
        };
        picture_or_box(ui, texture.as_ref())
    }

    /// The episode's sampled thumbnail at `second` (a grey box while there is none), clickable.
    fn thumbnail(&self, ui: &mut egui::Ui, episode: usize, second: u32) -> egui::Response {
        let texture = self.episodes.get(episode).and_then(|e| e.thumbnails.iter().find(|(s, _)| *s == second).map(|(_, t)| t));
        picture_or_box(ui, texture)
    }

    /// Ctrl+F: the shot at the selected episode's playhead, if the episode is analysed.
    pub(super) fn find_shot_at_playhead(&mut self) -> Option<Action> {
        let ep = self.episodes.get(self.selected)?;
        if !matches!(ep.status, Status::Done { .. }) {
            self.refuse(format!("{}: not analysed yet; search once its analysis is done", ep.name()));
            return None;
        }
        Some(Action::Find(Query::Shot { episode: self.selected, second: ep.playhead_s.max(0.0).floor() as u32 }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::search::tests::features;

    #[test]
    fn a_shot_is_answered_with_the_open_episodes_indexes_and_an_unanalysed_one_says_so() {
        let (x, y) = ([1.0, 0.0], [0.0, 1.0]);
        // Episodes 0 and 2 are analysed; 1 is not.
        let season = vec![(2, PathBuf::from("c.mkv"), features(&[y, y, x, x])), (0, PathBuf::from("a.mkv"), features(&[x, y, y]))];
        let mut unread = |_: &Path, _: &EpisodeFeatures| Err("not read".to_string());
        let mut exact = |q: &[f32], e: &[(PathBuf, &EpisodeFeatures)], x: Option<(&Path, f64)>, min: f32| crate::service::search::find_shot(q, e, x, min);
        let answer = answer(&season, None, Query::Shot { episode: 0, second: 0 }, "", Err(String::new()), &mut unread, &mut exact);
        assert_eq!(answer.searched, 2);
        match answer.found {
            Ok(Found::Shots(places)) => assert_eq!(places, vec![Place { path: PathBuf::from("c.mkv"), episode: Some(2), from: 2, to: 3, second: 2, similarity: 1.0, line: String::new(), picture: None }]),
            other => panic!("{other:?}"),
        }
        let refused = super::answer(&season, None, Query::Shot { episode: 1, second: 0 }, "", Err(String::new()), &mut unread, &mut exact);
        assert!(matches!(&refused.found, Err(why) if why.contains("not analysed yet")), "{refused:?}");
        let past = super::answer(&season, None, Query::Shot { episode: 0, second: 90 }, "", Err(String::new()), &mut unread, &mut exact);
        assert!(matches!(&past.found, Err(why) if why.contains("not sampled")), "{past:?}");
        // Words without CLIP: the answer says how to get it, never an empty list.
        let words = super::answer(&season, None, Query::Words, "title card", Err(WORDS_NEED_CLIP.to_string()), &mut unread, &mut exact);
        assert!(matches!(&words.found, Err(why) if why.contains("CLIP weights")), "{words:?}");
        // Words on screen: found in the episodes whose text holds them, with the line read.
        let mut read = |path: &Path, _: &EpisodeFeatures| {
            let line = if path == Path::new("a.mkv") { "Previously on Golden Signal" } else { "Golden Signal" };
            Ok(crate::features::ocr::EpisodeText { readings: vec![crate::features::ocr::Reading { second: 1, words: line.split(' ').map(|w| crate::features::ocr::Word { text: w.into(), confidence: 90.0 }).collect() }], looked_at: 1, failed: 0 })
        };
        match super::answer(&season, None, Query::OnScreen, "previously ON", Err(String::new()), &mut read, &mut exact).found {
            Ok(Found::Shots(places)) => assert_eq!(places.iter().map(|p| (p.episode, p.second, p.line.as_str())).collect::<Vec<_>>(), [(Some(0), 1, "Previously on Golden Signal")]),
            other => panic!("{other:?}"),
        }
        let empty = super::answer(&season, None, Query::OnScreen, " ", Err(String::new()), &mut read, &mut exact);
        assert!(matches!(&empty.found, Err(why) if why.contains("Type words")), "{empty:?}");
        // Without Tesseract, the reason, not an empty list.
        let missing = super::answer(&season, None, Query::OnScreen, "golden", Err(String::new()), &mut |_, _| Err(crate::features::ocr::OCR_MISSING.to_string()), &mut exact);
        assert!(matches!(&missing.found, Err(why) if why.contains("Tesseract")), "{missing:?}");
    }

    #[test]
    fn a_library_answer_names_files_that_are_not_open_and_outlives_the_season() {
        let (x, y) = ([1.0, 0.0], [0.0, 1.0]);
        let season = vec![(0, PathBuf::from("a.mkv"), features(&[x, y, y]))];
        // The library holds the open episode (under its open path) and two others.
        let library = vec![(PathBuf::from("a.mkv"), features(&[x, y, y])), (PathBuf::from("other/b.mkv"), features(&[y, x, x])), (PathBuf::from("other/c.mkv"), features(&[y, y, y]))];
        let mut unread = |_: &Path, _: &EpisodeFeatures| Err("not read".to_string());
        let mut exact = |q: &[f32], e: &[(PathBuf, &EpisodeFeatures)], x: Option<(&Path, f64)>, min: f32| crate::service::search::find_shot(q, e, x, min);
        let mut found = answer(&season, Some(&library), Query::Shot { episode: 0, second: 0 }, "", Err(String::new()), &mut unread, &mut exact);
        assert_eq!(found.searched, 3);
        assert_eq!(found.shot.as_ref().map(|(p, _)| p.clone()), Some(PathBuf::from("a.mkv")));
        match &found.found {
            // Only b shows the shot (its seconds 1-2), and it is not open; the shot's own second is left out.
            Ok(Found::Shots(places)) => assert_eq!(places.iter().map(|p| (p.path.to_str().unwrap(), p.episode, p.from, p.to)).collect::<Vec<_>>(), [("other/b.mkv", None, 1, 2)]),
            other => panic!("{other:?}"),
        }
        found.library = Some(PathBuf::from("library"));
        found.ticket = 7;
        // Asked of the library, then other files opened (b among them): the answer stays, and its place is b's index now.
        let mut panel = Panel { scope: Scope::Library, library: Some(PathBuf::from("library")), ..Panel::default() };
        assert_eq!(panel.asked(Query::Shot { episode: 0, second: 0 }), 1);
        let mut season_panel = Panel::default();
        season_panel.asked(Query::Duplicates);
        found.ticket = 1;
        panel.answered(found.clone(), &[PathBuf::from("a.mkv")]);
        panel.reopened(&[PathBuf::from("other/c.mkv"), PathBuf::from("other/b.mkv")]);
        match &panel.answer(Tab::Shot).expect("kept").found {
            Ok(Found::Shots(places)) => assert_eq!(places[0].episode, Some(1)),
            other => panic!("{other:?}"),
        }
        // A season's question is forgotten when other files open.
        season_panel.reopened(&[PathBuf::from("other/c.mkv")]);
        assert!(season_panel.pending.is_empty());
    }

    #[test]
    fn only_the_latest_question_of_a_tab_is_answered() {
        let mut panel = Panel::default();
        let first = Query::Shot { episode: 0, second: 1 };
        let second = Query::Shot { episode: 0, second: 5 };
        let a = panel.asked(first);
        let b = panel.asked(second);
        let reply = |query, ticket| Answer { query, ticket, words: String::new(), library: None, shot: None, searched: 1, found: Ok(Found::Shots(Vec::new())), unread: Vec::new(), notes: Vec::new() };
        panel.answered(reply(first, a), &[]);
        assert!(panel.answer(Tab::Shot).is_none(), "an older question's answer is dropped");
        // The same question asked again (other words, other files open): only its latest ticket.
        let c = panel.asked(second);
        panel.answered(reply(second, b), &[]);
        assert!(panel.answer(Tab::Shot).is_none(), "an answer to the same question asked earlier is dropped");
        panel.answered(reply(second, c), &[]);
        assert_eq!(panel.answer(Tab::Shot).map(|a| a.query), Some(second));
        assert!(panel.pending.is_empty());
    }
}
