//! On-screen text: the words Tesseract reads in the seconds where text is on screen (title cards,
//! credits, captions, signs), cached per episode like the embeddings. `search --ocr` and the app's
//! Search panel find frames by those words; the credits rule can read them as evidence.
//!
//! Only seconds whose thumbnail shows a line of text ([`super::picture`]'s cues, the same the
//! credits rule uses) are read: OCR costs ~0.1–0.3 s a frame, and most of a window is footage
//! without text. Each is read from the full frame at the sampled time, in grey, scaled to 720 px
//! high (Tesseract reads best with capitals 20–40 px tall: a 22 px caption of a 360p file is
//! doubled, 1080p is reduced).
//!
//! Its parts: [`engine`] drives Tesseract (one picture to words), [`read`] chooses the seconds of
//! an episode to read and caches what was read, [`words`] matches words and titles in what was
//! read.

// Built without Tesseract, the reading half is unused (and says what is missing when asked).
#![cfg_attr(not(feature = "ocr"), allow(dead_code))]

mod engine;
mod read;
mod words;

pub use engine::{Ocr, OCR_MISSING};
pub use read::{frames_at, gates_of, read_episode, read_most_text, read_seconds, strongest_runs};
pub use words::{find_words, near_word, normalise, reads_title, TextHit};

use super::picture::{text_line, text_lines};
use serde::{Deserialize, Serialize};

/// Bumped when what is read for the same frames changes (gate, scaling, engine settings).
pub const OCR_VERSION: u32 = 2;
/// A line of text at least this clear in the thumbnail gates a second (the credits rule's
/// `model::credits::TEXT`).
const GATE: f32 = 0.12;
/// A word read this surely (of 3 letters or more) means the bright-pixel reading found the text.
const SURE: f32 = 80.0;

/// One word read on screen, as Tesseract spelled it, with its confidence (0–100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub confidence: f32,
}

/// The words read in one sampled second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub second: u32,
    pub words: Vec<Word>,
}

/// What was read in an episode's window: every second that showed text, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpisodeText {
    pub readings: Vec<Reading>,
    /// Seconds looked at (gated by the text cue), read or found empty.
    pub looked_at: usize,
    /// Seconds Tesseract failed on (skipped; the rest of the episode is read).
    #[serde(default)]
    pub failed: usize,
}

impl EpisodeText {
    /// The words of one second, joined by spaces ("" where nothing was read).
    pub fn line_at(&self, second: u32) -> String {
        self.readings.iter().find(|r| r.second == second).map(|r| r.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")).unwrap_or_default()
    }
}

/// Whether a picture (at [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT)) shows text worth
/// reading: a separate line of text, or one clear line, as the credits rule counts them.
pub fn shows_text(picture: &image::RgbImage) -> bool {
    TextGate::of(picture).shows_text()
}

/// What one second's picture (at [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT)) shows of text,
/// as the title reading chooses by: kept per second by the head of a file whose name gives a
/// series ([`EpisodeFeatures::gate`](super::EpisodeFeatures::gate)), so that reading its
/// strongest text decodes only the seconds read instead of the window again (#19).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TextGate {
    /// Separate lines of text ([`text_lines`]).
    pub lines: u8,
    /// How clearly the clearest line stands out ([`text_line`]).
    pub strength: f32,
}

impl TextGate {
    pub fn of(picture: &image::RgbImage) -> Self {
        TextGate { lines: text_lines(picture).min(u8::MAX as usize) as u8, strength: text_line(picture) }
    }

    /// A separate line of text, or one clear line.
    pub fn shows_text(&self) -> bool {
        self.lines >= 1 || self.strength >= GATE
    }

    /// How much text: lines, and the clearest's strength to tell equal counts apart.
    pub fn score(&self) -> f32 {
        f32::from(self.lines) + self.strength
    }
}

/// A word read surely: at least [`SURE`] confidence and 3 letters or digits.
pub fn is_sure(w: &Word) -> bool {
    w.confidence >= SURE && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3
}

#[cfg(test)]
mod tests {
    use super::engine::words_from_tsv;
    use super::words::min_substring_edits;
    use std::path::PathBuf;
    use super::*;

    fn text(readings: &[(u32, &str)]) -> EpisodeText {
        EpisodeText {
            readings: readings.iter().map(|&(second, line)| Reading { second, words: line.split(' ').map(|w| Word { text: w.into(), confidence: 90.0 }).collect() }).collect(),
            looked_at: readings.len(),
            failed: 0,
        }
    }

    #[test]
    fn a_title_card_reads_the_series_key_from_the_file_names_even_split_or_with_one_letter_wrong() {
        let words = |line: &str| line.split(' ').map(|w| Word { text: w.into(), confidence: 90.0 }).collect::<Vec<_>>();
        assert!(reads_title(&words("LAST EMPIRE"), "lastempire"));
        assert!(reads_title(&words("~ Last-Empire ~"), "lastempire"));
        assert!(reads_title(&words("LAST EMP1RE"), "lastempire"), "one letter misread");
        assert!(reads_title(&words("LAS EMPIRE"), "lastempire"), "one letter lost");
        assert!(reads_title(&words("Bright oe Meadow"), "brightmeadow"), "junk between the words");
        assert!(reads_title(&words("La Empire"), "lastempire"), "two letters lost of ten");
        assert!(!reads_title(&words("LAS EMP1R"), "lastempire"), "three letters wrong");
        assert!(!reads_title(&words("SILVR BA"), "silverbay"), "two letters lost of nine");
        assert!(reads_title(&words("SILVR BAY"), "silverbay"), "one of nine");
        assert!(!reads_title(&words("NO PARKING"), "lastempire"));
        assert!(!reads_title(&words("Last night in the empire"), "lastempire"));
        assert!(!reads_title(&words("UP"), "up"), "a key under 4 letters matches nothing");
        assert!(reads_title(&words("THE HOME"), "home") && reads_title(&words("Ho me"), "home"));
        assert!(!reads_title(&words("Previously on Bright Meadow"), "brightmeadow"), "a recap's caption is no title card");
        assert!(!reads_title(&words("Next time on Bright Meadow"), "brightmeadow"), "nor a preview's");
        assert!(!reads_title(&words("HOMEWORK"), "home"), "a short key is a word of its own");
        assert!(!reads_title(&[], "lastempire"));
    }

    #[test]
    fn words_are_found_in_any_order_one_hit_per_run_of_seconds_and_one_letter_may_be_misread() {
        let a = text(&[(3, "Previously on"), (4, "Previously on Golden Signal"), (5, "PREVIOUSLY, on"), (9, "Previousiy on")]);
        let b = text(&[(0, "on previously"), (10, "Golden")]);
        let eps = vec![(PathBuf::from("a"), &a), (PathBuf::from("b"), &b)];
        let hits = find_words("previously on", &eps);
        let got: Vec<(&str, u32, u32, u32)> = hits.iter().map(|h| (h.episode.to_str().unwrap(), h.second, h.from, h.to)).collect();
        assert_eq!(got, [("a", 3, 3, 5), ("b", 0, 0, 0), ("a", 9, 9, 9)]);
        assert!(hits[2].score < hits[0].score, "a misread word scores lower");
        assert_eq!(find_words("golden signal", &eps).len(), 1, "every word must be on screen");
        assert!(find_words("  ,. ", &eps).is_empty());
        // Short words must match exactly: "on" is not "in".
        assert!(find_words("in", &eps).is_empty());
    }

    #[test]
    fn tesseract_tsv_gives_the_sure_words_in_order() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t640\t360\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t96.5\tBUNNY\n\
                   5\t1\t1\t1\t1\t2\t70\t10\t50\t20\t91.0\tTALES\n\
                   5\t1\t2\t1\t1\t1\t5\t300\t9\t9\t12.0\t~\n\
                   5\t1\t2\t1\t1\t2\t5\t300\t9\t9\t80.0\t--\n";
        let words = words_from_tsv(tsv);
        assert_eq!(words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["BUNNY", "TALES"]);
    }

    #[test]
    fn words_split_or_joined_by_the_reader_are_found_and_short_words_must_stand_alone() {
        let a = text(&[(1, "JV wil d Empire"), (2, "a Wild-Empi ry"), (5, "conditions"), (7, "Wild Emperor")]);
        let eps = vec![(PathBuf::from("a"), &a)];
        let got: Vec<(u32, u32)> = find_words("wild empire", &eps).iter().map(|h| (h.from, h.to)).collect();
        assert_eq!(got, [(1, 2)]);
        assert!(find_words("on", &eps).is_empty());
    }

    #[test]
    fn the_strongest_runs_of_text_are_read_at_their_strongest_second_and_their_last() {
        let gate = |lines: u8, strength: f32| TextGate { lines, strength };
        let none = gate(0, 0.0);
        let mut gates: Vec<(u32, TextGate)> = (0..20).map(|s| (s, none)).collect();
        // A card at 2–5 s, strongest at 3; a faint caption at 8 (one line clear enough alone);
        // a title building in at 10–12, whole at its last second; two seconds at 14 and 16 with
        // 15 not sampled (two runs).
        for (s, g) in [(2, gate(1, 0.1)), (3, gate(2, 0.2)), (4, gate(1, 0.5)), (5, gate(1, 0.3)), (8, gate(0, 0.5)), (10, gate(1, 0.0)), (11, gate(1, 0.2)), (12, gate(3, 0.3)), (14, gate(1, 0.0)), (16, gate(1, 0.0))] {
            gates[s as usize].1 = g;
        }
        gates.retain(|&(s, _)| s != 15);
        assert!(!gate(0, 0.1).shows_text() && gate(0, GATE).shows_text() && gate(1, 0.0).shows_text());
        assert_eq!(strongest_runs(&gates, 10), vec![3, 5, 8, 12, 14, 16]);
        // The two runs with the most text, in time order; of equals, the earlier.
        assert_eq!(strongest_runs(&gates, 2), vec![3, 5, 12]);
        assert_eq!(strongest_runs(&gates[13..], 1), vec![14]);
        assert!(strongest_runs(&gates, 0).is_empty());
    }

    #[test]
    fn the_head_keeps_the_gates_a_pass_over_the_window_sees_and_a_second_read_alone_is_the_frame_shown_there() {
        // 12 s: story with a title from 4 to 8 s, keyframes 5 s apart (seconds decoded from
        // the keyframe before them, not where the pass starts), B-frames and deblocking as x264
        // makes them by default.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Quiet Harbor - S01E04.mkv");
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let graph = format!("mandelbrot=s=640x360:r=25,trim=duration=12,setpts=PTS-STARTPTS,drawtext=fontfile={font}:text='QUIET HARBOR':fontcolor=white:fontsize=40:borderw=3:x=(w-tw)/2:y=(h-th)/2:enable='between(t,4,8)',format=yuv420p[v]");
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-g", "125"]).arg(&file).status().unwrap().success();
        assert!(ok, "ffmpeg");
        assert_eq!(crate::features::TextKept::head(&file), crate::features::TextKept::Gate);
        assert_eq!(crate::features::TextKept::head(&dir.path().join("ab.mkv")), crate::features::TextKept::Nothing);
        let mut encoder = crate::encoder::default_encoder();
        let head = crate::features::picture_features(&file, 0, 12, crate::features::TextKept::Gate, encoder.as_mut(), &mut |_| true).unwrap();
        let gates = head.gates().expect("the head keeps its gates");
        assert_eq!(gates, gates_of(&file, 0, 12).unwrap(), "the same pictures choose");
        let chosen = strongest_runs(&gates, 4);
        assert!(chosen.iter().all(|s| (4..=8).contains(s)) && !chosen.is_empty(), "{chosen:?}");
        // Each chosen second alone is the frame the whole pass shows there.
        let config = crate::video::SamplerConfig { window_s: 12, preprocess: None, keep_full_frame: true, ..Default::default() };
        let (pass, _) = crate::video::sample_all(&file, &config).unwrap();
        for (second, frame) in frames_at(&file, &chosen).unwrap() {
            let shown = pass[second as usize].full_frame.as_ref().unwrap();
            let diff = frame.as_raw().iter().zip(shown.as_raw()).map(|(a, b)| a.abs_diff(*b) as u64).sum::<u64>() as f64 / frame.as_raw().len() as f64;
            assert!(frame.dimensions() == shown.dimensions() && diff < 1.0, "second {second}: mean difference {diff}");
        }
    }

    #[test]
    fn substring_edits_count_the_cheapest_place() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(min_substring_edits(&c("empire"), &c("awildempiry")), 1);
        assert_eq!(min_substring_edits(&c("signal"), &c("xxsignalxx")), 0);
        assert_eq!(min_substring_edits(&c("signal"), &c("sgnl")), 2);
    }
}
