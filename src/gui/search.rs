//! The search panel: where else a shot appears in the open season, which of its files are the
//! same episode, and the scenes it returns to — the CLI's `search`, `duplicates` and `scenes` on
//! the features the analysis worker already holds ([`crate::service::search`]). The worker
//! answers a [`Query`] with an [`Answer`] ([`answer`], run on its thread between analyses); the
//! panel draws the answer and sends [`Action::GoTo`] when a place is clicked.

use super::*;
use crate::features::EpisodeFeatures;

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

/// A place in an episode of the open season: seconds `from..=to`, best at `second`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Place {
    pub episode: usize,
    pub from: u32,
    pub to: u32,
    pub second: u32,
    /// Cosine to the query (1 for a scene's occurrence; for words on screen, the match score).
    pub similarity: f32,
    /// The text read on screen there (words on screen only).
    pub line: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pair {
    pub a: usize,
    pub b: usize,
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
    pub searched: usize,
    pub found: std::result::Result<Found, String>,
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

/// Answer `query` over the episodes analysed so far: `(index, path, features)` as the worker
/// holds them. `words` and the CLIP text tower (or why there is none) serve [`Query::Words`];
/// `words` and `read` (an episode's on-screen text, read once and cached) [`Query::OnScreen`].
pub(crate) fn answer(
    season: &[(usize, PathBuf, EpisodeFeatures)],
    query: Query,
    words: &str,
    text: std::result::Result<&crate::encoder::ClipTextEncoder, String>,
    read: &mut dyn FnMut(&Path, &EpisodeFeatures) -> std::result::Result<crate::features::ocr::EpisodeText, String>,
) -> Answer {
    let episodes: Vec<(PathBuf, &EpisodeFeatures)> = season.iter().map(|(_, p, f)| (p.clone(), f)).collect();
    let mut searched = season.len();
    let index_of = |path: &Path| season.iter().find(|(_, p, _)| p == path).map(|(i, _, _)| *i);
    let found = match query {
        Query::Shot { episode, second } => match season.iter().find(|(i, _, _)| *i == episode) {
            None => Err("this episode is not analysed yet: search once its analysis is done".to_string()),
            Some((_, path, features)) => match crate::service::search::embedding_at(features, f64::from(second)) {
                None => Err(format!("{} was not sampled (its window ends at {} s)", crate::clock::clock(f64::from(second), 0, true), features.seconds.last().map_or(0, |s| s + 1))),
                Some(query) => {
                    let hits = crate::service::search::find_shot(&query, &episodes, Some((path, f64::from(second))), SHOT_SIMILARITY);
                    Ok(Found::Shots(
                        hits.into_iter()
                            .take(MAX_PLACES)
                            .filter_map(|h| Some(Place { episode: index_of(&h.episode)?, from: h.from, to: h.to, second: h.second, similarity: h.similarity, line: String::new() }))
                            .collect(),
                    ))
                }
            },
        },
        Query::Words => match text {
            Err(why) => Err(why),
            Ok(_) if words.trim().is_empty() => Err("Type what to look for first (\"title card\", \"a beach at night\")".to_string()),
            Ok(tower) => tower.embed(words.trim()).map_err(|e| e.to_string()).map(|(q, _)| {
                let hits = crate::service::search::find_text(&q, &episodes, MAX_WORD_PLACES);
                Found::Shots(hits.into_iter().filter_map(|h| Some(Place { episode: index_of(&h.episode)?, from: h.from, to: h.to, second: h.second, similarity: h.similarity, line: String::new() })).collect())
            }),
        },
        Query::OnScreen if words.split_whitespace().all(|w| crate::features::ocr::normalise(w).is_empty()) => Err(SCREEN_HINT.to_string()),
        Query::OnScreen => {
            let mut texts = Vec::new();
            let mut failed = None;
            for (_, path, features) in season {
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
                    Ok(Found::Shots(hits.into_iter().take(MAX_PLACES).filter_map(|h| Some(Place { episode: index_of(&h.episode)?, from: h.from, to: h.to, second: h.second, similarity: h.score, line: h.line })).collect()))
                }
            }
        }
        Query::Duplicates => Ok(Found::Duplicates(
            crate::service::search::duplicates(&episodes, DUPLICATE_SHARE)
                .into_iter()
                .filter_map(|d| Some(Pair { a: index_of(&d.a)?, b: index_of(&d.b)?, share_a: d.share_a, share_b: d.share_b, ranges: d.ranges }))
                .collect(),
        )),
        Query::Scenes => crate::service::search::recurring_scenes(&episodes, SCENE_SIMILARITY).map_err(|e| e.to_string()).map(|scenes| {
            Found::Scenes(
                scenes
                    .into_iter()
                    .map(|s| SceneRow {
                        episodes: s.episodes,
                        seconds: s.seconds,
                        places: s.occurrences.iter().filter_map(|o| Some(Place { episode: index_of(&o.episode)?, from: o.from, to: o.to, second: (o.from + o.to) / 2, similarity: 1.0, line: String::new() })).collect(),
                    })
                    .collect(),
            )
        }),
    };
    Answer { query, ticket: 0, words: words.to_string(), searched, found }
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
}

impl Panel {
    /// A question asked: its ticket, which its answer must carry.
    pub(crate) fn asked(&mut self, query: Query) -> u64 {
        self.open = true;
        self.tab = Tab::of(query);
        self.next_ticket += 1;
        self.pending.retain(|(q, _)| Tab::of(*q) != self.tab);
        self.pending.push((query, self.next_ticket));
        self.next_ticket
    }

    pub(crate) fn answered(&mut self, answer: Answer) {
        let tab = Tab::of(answer.query);
        // Only the latest question of a tab counts: a slow answer to an older one (other words,
        // files open before) is dropped.
        if !self.pending.contains(&(answer.query, answer.ticket)) {
            return;
        }
        self.pending.retain(|(q, _)| Tab::of(*q) != tab);
        self.answers.retain(|a| Tab::of(a.query) != tab);
        self.answers.push(answer);
    }

    pub(crate) fn answer(&self, tab: Tab) -> Option<&Answer> {
        self.answers.iter().find(|a| Tab::of(a.query) == tab)
    }

    /// What was open changed: answers about other episodes mean nothing now.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.answers.clear();
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

impl App {
    /// The search panel (right side), drawing only: clicks become actions.
    pub(super) fn search_panel(&mut self, ui: &mut egui::Ui) {
        let mut action = None;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong("Search the season");
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
        ui.separator();
        let analysed = self.episodes.iter().filter(|e| matches!(e.status, Status::Done { .. })).count();
        let tab = self.search.tab;
        let waiting = self.search.pending.iter().any(|(q, _)| Tab::of(*q) == tab);
        match tab {
            Tab::Shot => {
                ui.label("Where else the season shows a shot: right-click a thumbnail or the picture, or press Ctrl+F for the shot at the playhead.");
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
                ui.label("Frames whose on-screen text holds every word (title cards, credits, captions, signs), read by Tesseract once per episode: the first search of a season takes a few seconds an episode.");
                if words_field(ui, &mut self.search.screen_words, "previously on") {
                    action = Some(Action::Find(Query::OnScreen));
                }
            }
            Tab::Duplicates => {
                ui.label(format!("Files that hold the same episode (another encode or cut): at least {:.0} % of each one's analysed window plays in the other.", DUPLICATE_SHARE * 100.0));
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
        if waiting {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(if analysed < self.episodes.len() { "Searching (after the episode being analysed)…" } else { "Searching…" });
            });
        }
        ui.separator();
        if let Some(answer) = self.search.answer(tab).cloned() {
            let name = |i: usize| self.episodes.get(i).map_or_else(String::new, |e| crate::service::episode_stem(&e.path));
            let scope = if answer.searched < self.episodes.len() {
                format!("{} of {} episodes searched (the others are not analysed yet; search again when they are)", answer.searched, self.episodes.len())
            } else {
                format!("all {} episodes searched", answer.searched)
            };
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| match &answer.found {
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
                    if let Query::Shot { episode, second } = answer.query {
                        ui.horizontal(|ui| {
                            self.thumbnail(ui, episode, second);
                            ui.vertical(|ui| {
                                ui.strong("The shot");
                                ui.label(format!("{} at {}", name(episode), self.time(f64::from(second))));
                            });
                        });
                    }
                    let in_episodes: std::collections::BTreeSet<usize> = places.iter().map(|p| p.episode).collect();
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
                        let label = format!("{}  {} – {}  ·  {score}", name(place.episode), self.time(f64::from(place.from)), self.time(f64::from(place.to) + 1.0));
                        if self.place_row(ui, place, &label) {
                            action = Some(Action::GoTo { episode: place.episode, second: place.second });
                        }
                    }
                }
                Ok(Found::Duplicates(pairs)) => {
                    ui.weak(match pairs.len() {
                        0 => format!("No two files hold the same episode ({scope})"),
                        n => format!("{} of files {} the same episode; {scope}", crate::words::count(n, "pair", "pairs"), if n == 1 { "holds" } else { "hold" }),
                    });
                    for pair in pairs {
                        ui.separator();
                        ui.label(format!("{}  and  {}", name(pair.a), name(pair.b)));
                        ui.weak(format!("{:.0} % of the first plays in the second, {:.0} % of the second in the first", pair.share_a * 100.0, pair.share_b * 100.0));
                        ui.horizontal_wrapped(|ui| {
                            for &(a0, a1, b0, b1) in pair.ranges.iter().take(6) {
                                let text = format!("{}–{} is {}–{}", self.time(a0), self.time(a1), self.time(b0), self.time(b1));
                                if ui.link(text).on_hover_text(format!("Go to {} at {}", name(pair.a), self.time(a0))).clicked() {
                                    action = Some(Action::GoTo { episode: pair.a, second: a0.floor().max(0.0) as u32 });
                                }
                            }
                            if pair.ranges.len() > 6 {
                                ui.weak(format!("and {} more", pair.ranges.len() - 6));
                            }
                        });
                        ui.horizontal(|ui| {
                            for e in [pair.a, pair.b] {
                                if ui.button(format!("Show {}", name(e))).clicked() {
                                    action = Some(Action::GoTo { episode: e, second: 0 });
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
                                        let clicked = self.thumbnail(ui, place.episode, place.second).clicked();
                                        let link = ui.small(format!("{} {}", name(place.episode), self.time(f64::from(place.from))));
                                        if clicked || link.clicked() {
                                            action = Some(Action::GoTo { episode: place.episode, second: place.second });
                                        }
                                    });
                                }
                            });
                        });
                    }
                }
            });
        } else if !waiting {
            ui.weak(format!("{analysed} of {} episodes analysed", self.episodes.len()));
        }
        if let Some(action) = action {
            self.apply(action);
        }
    }

    /// One place: its thumbnail and a line; true when clicked.
    fn place_row(&self, ui: &mut egui::Ui, place: &Place, label: &str) -> bool {
        ui.horizontal(|ui| {
            let picture = self.thumbnail(ui, place.episode, place.second);
            let line = ui.selectable_label(false, label).on_hover_text("Go there");
            picture.clicked() || line.clicked()
        })
        .inner
    }

    /// The episode's sampled thumbnail at `second` (a grey box while there is none), clickable.
    fn thumbnail(&self, ui: &mut egui::Ui, episode: usize, second: u32) -> egui::Response {
        let texture = self.episodes.get(episode).and_then(|e| e.thumbnails.iter().find(|(s, _)| *s == second).map(|(_, t)| t));
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
        let answer = answer(&season, Query::Shot { episode: 0, second: 0 }, "", Err(String::new()), &mut unread);
        assert_eq!(answer.searched, 2);
        match answer.found {
            Ok(Found::Shots(places)) => assert_eq!(places, vec![Place { episode: 2, from: 2, to: 3, second: 2, similarity: 1.0, line: String::new() }]),
            other => panic!("{other:?}"),
        }
        let refused = super::answer(&season, Query::Shot { episode: 1, second: 0 }, "", Err(String::new()), &mut unread);
        assert!(matches!(&refused.found, Err(why) if why.contains("not analysed yet")), "{refused:?}");
        let past = super::answer(&season, Query::Shot { episode: 0, second: 90 }, "", Err(String::new()), &mut unread);
        assert!(matches!(&past.found, Err(why) if why.contains("not sampled")), "{past:?}");
        // Words without CLIP: the answer says how to get it, never an empty list.
        let words = super::answer(&season, Query::Words, "title card", Err(WORDS_NEED_CLIP.to_string()), &mut unread);
        assert!(matches!(&words.found, Err(why) if why.contains("CLIP weights")), "{words:?}");
        // Words on screen: found in the episodes whose text holds them, with the line read.
        let mut read = |path: &Path, _: &EpisodeFeatures| {
            let line = if path == Path::new("a.mkv") { "Previously on Golden Signal" } else { "Golden Signal" };
            Ok(crate::features::ocr::EpisodeText { readings: vec![crate::features::ocr::Reading { second: 1, words: line.split(' ').map(|w| crate::features::ocr::Word { text: w.into(), confidence: 90.0 }).collect() }], looked_at: 1, failed: 0 })
        };
        match super::answer(&season, Query::OnScreen, "previously ON", Err(String::new()), &mut read).found {
            Ok(Found::Shots(places)) => assert_eq!(places.iter().map(|p| (p.episode, p.second, p.line.as_str())).collect::<Vec<_>>(), [(0, 1, "Previously on Golden Signal")]),
            other => panic!("{other:?}"),
        }
        let empty = super::answer(&season, Query::OnScreen, " ", Err(String::new()), &mut read);
        assert!(matches!(&empty.found, Err(why) if why.contains("Type words")), "{empty:?}");
        // Without Tesseract, the reason, not an empty list.
        let missing = super::answer(&season, Query::OnScreen, "golden", Err(String::new()), &mut |_, _| Err(crate::features::ocr::OCR_MISSING.to_string()));
        assert!(matches!(&missing.found, Err(why) if why.contains("Tesseract")), "{missing:?}");
    }

    #[test]
    fn only_the_latest_question_of_a_tab_is_answered() {
        let mut panel = Panel::default();
        let first = Query::Shot { episode: 0, second: 1 };
        let second = Query::Shot { episode: 0, second: 5 };
        let a = panel.asked(first);
        let b = panel.asked(second);
        let reply = |query, ticket| Answer { query, ticket, words: String::new(), searched: 1, found: Ok(Found::Shots(Vec::new())) };
        panel.answered(reply(first, a));
        assert!(panel.answer(Tab::Shot).is_none(), "an older question's answer is dropped");
        // The same question asked again (other words, other files open): only its latest ticket.
        let c = panel.asked(second);
        panel.answered(reply(second, b));
        assert!(panel.answer(Tab::Shot).is_none(), "an answer to the same question asked earlier is dropped");
        panel.answered(reply(second, c));
        assert_eq!(panel.answer(Tab::Shot).map(|a| a.query), Some(second));
        assert!(panel.pending.is_empty());
    }
}
