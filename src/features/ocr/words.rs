//! Words and titles found in what was read: normalised, one letter may be misread, split or
//! joined words agree.

use super::{EpisodeText, Word};
use serde::Serialize;
use std::path::PathBuf;

/// A word as matched: lower case, letters and digits only ("Previously" and "previously," agree).
pub fn normalise(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether the words read in one picture show a series' title: `key` (the series as
/// [`crate::paths::title_key`] spells it from the file names: lower case, no separators) inside
/// the words run together, or for a key of 6 letters or more with one letter wrong, missing or
/// extra (a title card's stylised letters), of 10 or more with two (a big title over busy
/// footage loses letters to what is behind them: the wider family-B set's "Last Empire" read
/// "La Empire" in every frame and at every scale). Keys under 4 letters match nothing: "up" is
/// in too many lines.
pub fn reads_title(words: &[Word], key: &str) -> bool {
    let key: Vec<char> = key.chars().filter(|c| c.is_alphanumeric()).collect();
    if key.len() < 4 {
        return false;
    }
    let tokens: Vec<String> = words.iter().map(|w| normalise(&w.text)).filter(|t| !t.is_empty()).collect();
    // "Previously on Bright Meadow" opens a recap, "Next time on…" a preview: the name, not a
    // title card.
    let caption = tokens.iter().any(|t| t == "previously") || tokens.windows(2).any(|w| (w[0] == "last" || w[0] == "next") && w[1] == "time");
    if caption {
        return false;
    }
    // A short key ("home") must be a word of its own (or two run together), not part of one.
    if key.len() < 6 {
        let key: String = key.iter().collect();
        return tokens.iter().any(|t| *t == key) || tokens.windows(2).any(|w| format!("{}{}", w[0], w[1]) == key);
    }
    // Read whole, and without the one- and two-letter bits a reader makes of a title's
    // decoration ("Bright oe Meadow").
    [0, 3].iter().any(|&shortest| {
        let joined: Vec<char> = words.iter().map(|w| normalise(&w.text)).filter(|t| t.chars().count() >= shortest).flat_map(|t| t.chars().collect::<Vec<_>>()).collect();
        let edits = min_substring_edits(&key, &joined);
        edits == 0 || (key.len() >= 6 && edits <= 1) || (key.len() >= 10 && edits <= 2)
    })
}

/// How well a query word matches a second's words (normalised), 0–1: a word read exactly 1;
/// for query words of 4 letters or more, found inside the line's letters run together (OCR
/// splits and joins words: "wil d Empire", "Wild-Empire") 0.9; for 5 or more, so found with one
/// letter wrong, missing or extra ("Empiry", "Previousiy") 0.8; otherwise 0. Short words must be
/// read as words: "on" is not in "conditions".
fn word_match(query: &str, words: &[String], joined: &[char]) -> f32 {
    if words.iter().any(|w| w == query) {
        return 1.0;
    }
    let q: Vec<char> = query.chars().collect();
    if q.len() >= 4 && joined.windows(q.len()).any(|w| w == q.as_slice()) {
        return 0.9;
    }
    if q.len() >= 5 && min_substring_edits(&q, joined) <= 1 {
        return 0.8;
    }
    0.0
}

/// Whether `token` (normalised, [`normalise`]) is `word` with at most one letter wrong, missing
/// or extra: how Tesseract often reads a caption's word over footage ("Comig" for "Coming").
pub fn near_word(token: &str, word: &str) -> bool {
    let (t, w): (Vec<char>, Vec<char>) = (token.chars().collect(), word.chars().collect());
    t.len().abs_diff(w.len()) <= 1 && edit_table(&w, &t, false) <= 1
}

/// The fewest edits (insertions, deletions, substitutions) that turn `query` into some substring
/// of `text` (Sellers' dynamic programme: a match may start anywhere for free).
pub(super) fn min_substring_edits(query: &[char], text: &[char]) -> usize {
    edit_table(query, text, true)
}

/// The edit-distance table, row by row: with `anywhere` a match may start and end anywhere in
/// `text` for free (Sellers), else it spans all of `text` (Levenshtein).
fn edit_table(query: &[char], text: &[char], anywhere: bool) -> usize {
    let mut prev: Vec<usize> = if anywhere { vec![0; text.len() + 1] } else { (0..=text.len()).collect() };
    for (i, &qc) in query.iter().enumerate() {
        let mut row = vec![i + 1; text.len() + 1];
        for (j, &tc) in text.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(qc != tc)).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    if anywhere {
        prev.into_iter().min().unwrap_or(query.len())
    } else {
        prev[text.len()]
    }
}

/// One place the words were read: a run of consecutive seconds of one episode where every query
/// word is on screen, given by its best second and the line read there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextHit {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub episode: PathBuf,
    pub second: u32,
    pub from: u32,
    pub to: u32,
    /// Mean of the words' match (1 exact, 0.8 one letter off) times Tesseract's confidence (0–1).
    pub score: f32,
    pub line: String,
}

/// Every run of seconds in `episodes` whose read text holds all the words of `query` (in any
/// order), best first. A query with no letters or digits finds nothing.
pub fn find_words(query: &str, episodes: &[(PathBuf, &EpisodeText)]) -> Vec<TextHit> {
    let wanted: Vec<String> = query.split_whitespace().map(normalise).filter(|w| !w.is_empty()).collect();
    let mut hits = Vec::new();
    if wanted.is_empty() {
        return hits;
    }
    for (path, text) in episodes {
        let mut run: Option<TextHit> = None;
        for reading in &text.readings {
            let read: Vec<String> = reading.words.iter().map(|w| normalise(&w.text)).collect();
            let joined: Vec<char> = read.concat().chars().collect();
            let confidence = reading.words.iter().map(|w| w.confidence).sum::<f32>() / reading.words.len().max(1) as f32 / 100.0;
            let scores: Vec<f32> = wanted.iter().map(|q| word_match(q, &read, &joined) * confidence).collect();
            let score = if scores.iter().all(|&s| s > 0.0) { scores.iter().sum::<f32>() / scores.len() as f32 } else { 0.0 };
            if score <= 0.0 {
                hits.extend(run.take());
                continue;
            }
            let line = reading.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
            match run.as_mut() {
                Some(h) if reading.second == h.to + 1 => {
                    h.to = reading.second;
                    if score > h.score {
                        (h.score, h.second, h.line) = (score, reading.second, line);
                    }
                }
                _ => {
                    hits.extend(run.take());
                    run = Some(TextHit { episode: path.clone(), second: reading.second, from: reading.second, to: reading.second, score, line });
                }
            }
        }
        hits.extend(run);
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.episode.cmp(&b.episode)).then(a.second.cmp(&b.second)));
    hits
}
