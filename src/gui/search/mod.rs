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

mod draw;

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
