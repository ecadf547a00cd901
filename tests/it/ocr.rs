//! On-screen text read by Tesseract and found by its words (`search --ocr`): the demo season's
//! title card and credits by the command line, and the dev series' title cards and end-credit
//! names — the text the generator drew — by the library, against the truth files.

use crate::common::*;
use introskip::features::ocr::{find_words, read_episode, EpisodeText, Ocr};
use std::path::{Path, PathBuf};

fn hits(words: &str, window: u32, inputs: &[&Path]) -> Vec<(String, u64, u64)> {
    let mut cmd = introskip();
    cmd.args(["search", "--ocr", words, "--json", "--window", &window.to_string()]).args(inputs);
    let out = run_with_timeout(cmd, 600);
    assert!(out.status.success(), "search --ocr {words}: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (Path::new(h["episode"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned(), h["from"].as_u64().unwrap(), h["to"].as_u64().unwrap()))
        .collect()
}

#[test]
fn the_demo_seasons_title_card_and_credits_are_found_by_their_words() {
    let work = tempfile::tempdir().unwrap();
    let demo = introskip::paths::demo_dir();
    let mut files = Vec::new();
    for n in 1..=3 {
        let f = work.path().join(format!("Bunny Tales - S01E0{n}.mp4"));
        std::fs::copy(demo.join(format!("Bunny Tales - S01E0{n}.mp4")), &f).unwrap();
        files.push(f);
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    // The card "BUNNY TALES" closes the intro: 16–20 s, in S01E02 46–50 s; nothing else says it.
    let mut title = hits("bunny tales", 180, &refs);
    title.sort();
    assert_eq!(title, [("Bunny Tales - S01E01.mp4".into(), 16, 19), ("Bunny Tales - S01E02.mp4".into(), 46, 49), ("Bunny Tales - S01E03.mp4".into(), 16, 19)]);
    // The credits card ("Written and directed by the Blender Foundation") fills the last 10 s.
    let mut credits = hits("directed by", 200, &refs);
    credits.sort();
    assert_eq!(credits, [("Bunny Tales - S01E01.mp4".into(), 110, 119), ("Bunny Tales - S01E02.mp4".into(), 130, 139), ("Bunny Tales - S01E03.mp4".into(), 110, 119)]);
    assert!(hits("previously on", 180, &refs).is_empty());
}

/// The cast list the generator draws from (`training/synth.py`'s NAMES); its end credits scroll
/// six of them (`rng.sample(NAMES, 6)`).
const NAMES: [&str; 14] = ["Ada Brook", "Ben Castell", "Cora Diaz", "Dev Ellis", "Eva Fontaine", "Finn Gray", "Gia Holt", "Hugo Ito", "Iris Jansen", "Jon Keller", "Kira Lund", "Leo Marsh", "Mia Novak", "Noah Olsen"];
const CREDITED: usize = 6;

#[test]
fn the_dev_series_title_cards_and_credit_names_are_read() {
    let dev = introskip::paths::cache_dir().join("dataset/v1/dev");
    let mut ocr = Ocr::new().unwrap();
    let (mut titles, mut titles_found, mut names, mut names_found, mut elsewhere) = (0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    let mut series: Vec<PathBuf> = std::fs::read_dir(&dev).unwrap_or_else(|e| panic!("{}: {e} (scripts/build-dataset.sh dev)", dev.display())).map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    series.sort();
    for dir in series {
        let mut truths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().ends_with(".truth.json")).collect();
        truths.sort();
        for truth_path in truths {
            let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();
            let episode = dir.join(format!("{}.mp4", truth["episode"].as_str().unwrap()));
            let duration = truth["duration"].as_f64().unwrap();
            // The whole episode (~4 min): the intro's title card and the end credits.
            // Read afresh (not from the cache): the test is of the reader as it is now.
            let text: EpisodeText = read_episode(&episode, 0, duration.ceil() as u32, &mut ocr, false, &mut |_| true).unwrap();
            assert_eq!(text.failed, 0, "{}: frames Tesseract failed on", episode.display());
            let eps = [(episode.clone(), &text)];
            let during = |words: &str, start: f64, end: f64| find_words(words, &eps).iter().any(|h| h.from as f64 <= end && h.to as f64 + 1.0 >= start);
            for s in truth["segments"].as_array().unwrap() {
                let (start, end) = (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap());
                match s["kind"].as_str().unwrap() {
                    "intro" if !s["title_card"].is_null() => {
                        titles += 1;
                        if during(truth["series"].as_str().unwrap(), start, end) {
                            titles_found += 1;
                        } else {
                            misses.push(format!("{}: title card in {start:.1}–{end:.1} s", episode.display()));
                        }
                    }
                    "credits" => {
                        names += CREDITED;
                        names_found += NAMES.iter().filter(|n| during(n, start, end)).count();
                    }
                    _ => {}
                }
            }
            // A name read where no credits roll would be a false find.
            let credits: Vec<(f64, f64)> = truth["segments"].as_array().unwrap().iter().filter(|s| s["kind"] == "credits").map(|s| (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap())).collect();
            elsewhere += NAMES.iter().flat_map(|n| find_words(n, &eps)).filter(|h| !credits.iter().any(|&(a, b)| h.from as f64 <= b && h.to as f64 + 1.0 >= a)).count();
        }
    }
    let title_recall = titles_found as f64 / titles as f64;
    let name_recall = names_found as f64 / names as f64;
    eprintln!("OCR on the dev series: title cards {titles_found}/{titles}, credit names {names_found}/{names}, names read outside credits {elsewhere}");
    assert!(titles >= 12 && names >= 12 * CREDITED, "too little truth: {titles} title cards, {names} names");
    assert!(title_recall >= 0.9, "title cards read {titles_found}/{titles}: {misses:#?}");
    assert!(name_recall >= 0.9, "credit names read {names_found}/{names}");
    assert_eq!(elsewhere, 0, "names read where no credits roll");
}
