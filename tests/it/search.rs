//! `introskip search` and `introskip duplicates` on the demo season plus perturbed copies made
//! with the ffmpeg CLI (re-encoded smaller with letterbox, a logo and another grade; re-cut with
//! 10 s taken out): a shot is found wherever the season plays it, by frame or by image, and the
//! copies — not the other episodes, which share only their intro — are the duplicates.

use crate::common::*;
use std::path::{Path, PathBuf};

fn ffmpeg(args: &[&str]) {
    let out = std::process::Command::new("ffmpeg").args(["-nostdin", "-v", "error", "-y"]).args(args).output().unwrap();
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn json(args: &[&str], inputs: &[&Path]) -> serde_json::Value {
    let mut cmd = introskip();
    cmd.args(args).args(inputs).arg("--json").env("OMP_NUM_THREADS", "1");
    let out = run_with_timeout(cmd, 600);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn name(v: &serde_json::Value) -> String {
    Path::new(v.as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn a_shot_is_found_where_the_season_plays_it_and_copies_of_an_episode_are_duplicates() {
    let work = tempfile::tempdir().unwrap();
    let season = work.path().join("Bunny Tales");
    std::fs::create_dir_all(&season).unwrap();
    let demo = introskip::paths::demo_dir();
    for n in 1..=3 {
        std::fs::copy(demo.join(format!("Bunny Tales - S01E0{n}.mp4")), season.join(format!("Bunny Tales - S01E0{n}.mp4"))).unwrap();
    }
    let e01 = season.join("Bunny Tales - S01E01.mp4");
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    // Another release of S01E01: 480×270 letterboxed to 2.35, a channel logo, brighter, CRF 32.
    let copies = work.path().join("Copies");
    std::fs::create_dir_all(&copies).unwrap();
    let reencoded = copies.join("Bunny Tales - S01E01 (web).mkv");
    ffmpeg(&["-i", &s(&e01), "-vf", "scale=480:204,pad=480:270:0:33,eq=brightness=0.05:saturation=1.2,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:text=KTV:fontcolor=white@0.7:fontsize=18:x=w-tw-10:y=40", "-c:v", "libx264", "-crf", "32", "-preset", "veryfast", "-c:a", "aac", &s(&reencoded)]);
    // A cut of S01E01 without 60–70 s (a scene removed).
    let recut = copies.join("Bunny Tales - S01E01 (cut).mkv");
    ffmpeg(&["-i", &s(&e01), "-filter_complex", "[0:v]select='not(between(t,60,70))',setpts=N/FRAME_RATE/TB[v];[0:a]aselect='not(between(t,60,70))',asetpts=N/SR/TB[a]", "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-crf", "23", "-preset", "veryfast", "-c:a", "aac", &s(&recut)]);

    // By frame: S01E01 at 0:10 is the intro's second shot (6–12 s); S01E02 plays the intro at
    // 30–50 s, S01E03 at 0–20 s; the copies at their 6–12 s.
    let found = json(&["search", "--frame", &format!("{}@0:10", s(&e01))], &[&season, &copies]);
    let hits = found["hits"].as_array().unwrap();
    let at = |episode: &str| hits.iter().find(|h| name(&h["episode"]) == episode).unwrap_or_else(|| panic!("{episode} not found: {found}"));
    for (episode, from, to) in [("Bunny Tales - S01E02.mp4", 36, 42), ("Bunny Tales - S01E03.mp4", 6, 12), ("Bunny Tales - S01E01 (web).mkv", 6, 12), ("Bunny Tales - S01E01 (cut).mkv", 6, 12)] {
        let h = at(episode);
        let second = h["second"].as_u64().unwrap();
        assert!((from..to).contains(&second), "{episode}: best second {second}, the shot is at {from}–{to} s: {h}");
        assert!(h["similarity"].as_f64().unwrap() >= 0.92, "{h}");
    }
    // Nowhere outside the intro (the bodies are other footage), and not the query itself.
    for h in hits {
        let second = h["second"].as_u64().unwrap();
        let intro = if name(&h["episode"]) == "Bunny Tales - S01E02.mp4" { 30..50 } else { 0..20 };
        assert!(intro.contains(&second), "a hit outside the intro: {h}");
        assert!(!(name(&h["episode"]) == "Bunny Tales - S01E01.mp4" && (8..=12).contains(&second)), "the query's own second: {h}");
    }

    // By image: a still of S01E02 at 0:40 (the same shot) finds it in S01E01 and S01E03.
    let still = work.path().join("still.png");
    ffmpeg(&["-ss", "40", "-i", &s(&season.join("Bunny Tales - S01E02.mp4")), "-frames:v", "1", &s(&still)]);
    let found = json(&["search", "--image", &s(&still)], &[&season]);
    let names: Vec<String> = found["hits"].as_array().unwrap().iter().map(|h| name(&h["episode"])).collect();
    for episode in ["Bunny Tales - S01E01.mp4", "Bunny Tales - S01E02.mp4", "Bunny Tales - S01E03.mp4"] {
        assert!(names.iter().any(|n| n == episode), "{episode} not found by the still: {found}");
    }
    // A still that is not in the season: nothing.
    let other = work.path().join("other.png");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180", "-frames:v", "1", &s(&other)]);
    let found = json(&["search", "--image", &s(&other)], &[&season]);
    assert_eq!(found["hits"].as_array().unwrap().len(), 0, "{found}");

    // Duplicates: S01E01 and its two copies, pairwise; never two different episodes.
    let found = json(&["duplicates"], &[&season, &copies]);
    let mut pairs: Vec<(String, String)> = found["duplicates"].as_array().unwrap().iter().map(|d| {
        let mut p = [name(&d["a"]), name(&d["b"])];
        p.sort();
        (p[0].clone(), p[1].clone())
    }).collect();
    pairs.sort();
    assert_eq!(pairs, [
        ("Bunny Tales - S01E01 (cut).mkv".to_string(), "Bunny Tales - S01E01 (web).mkv".to_string()),
        ("Bunny Tales - S01E01 (cut).mkv".into(), "Bunny Tales - S01E01.mp4".into()),
        ("Bunny Tales - S01E01 (web).mkv".into(), "Bunny Tales - S01E01.mp4".into()),
    ], "{found}");

    // A query that is not EPISODE@TIME is one clear line.
    let mut cmd = introskip();
    cmd.args(["search", "--frame", "no-time-here"]).arg(&season);
    let out = run_with_timeout(cmd, 60);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("EPISODE@TIME"), "{stderr}");
}

/// The demo season's bodies are different footage; what it returns to is its intro (its title
/// card and shots) and its end credits. `scenes` finds those in all three episodes, nothing
/// else, and draws one sheet row per scene.
#[test]
fn a_season_s_recurring_scenes_are_its_intro_and_credits() {
    let demo = introskip::paths::demo_dir();
    let work = tempfile::tempdir().unwrap();
    let sheet = work.path().join("scenes.png");
    let found = json(&["scenes", "--sheet", sheet.to_str().unwrap()], &[&demo]);
    let scenes = found["scenes"].as_array().unwrap();
    // The truth: each episode's intro and credits, in seconds.
    let spans = |episode: &str| -> Vec<(String, f64, f64)> {
        let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(demo.join(episode.replace(".mp4", ".truth.json"))).unwrap()).unwrap();
        truth["segments"].as_array().unwrap().iter()
            .filter(|s| ["intro", "credits"].contains(&s["kind"].as_str().unwrap()))
            .map(|s| (s["kind"].as_str().unwrap().to_string(), s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap()))
            .collect()
    };
    let mut covered: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for scene in scenes {
        assert!(scene["episodes"].as_u64().unwrap() >= 2, "{scene}");
        for o in scene["occurrences"].as_array().unwrap() {
            let episode = name(&o["episode"]);
            let (from, to) = (o["from"].as_f64().unwrap(), o["to"].as_f64().unwrap() + 1.0);
            let inside = spans(&episode).into_iter().find(|(_, a, b)| from >= *a - 1.0 && to <= *b + 1.0);
            let (kind, _, _) = inside.unwrap_or_else(|| panic!("{episode} {from}–{to} s recurs but is neither its intro nor its credits: {scene}"));
            *covered.entry((episode, kind)).or_default() += (to - from) as u32;
        }
    }
    for n in 1..=3 {
        let episode = format!("Bunny Tales - S01E0{n}.mp4");
        let intro = covered.get(&(episode.clone(), "intro".into())).copied().unwrap_or(0);
        assert!(intro >= 16, "{episode}: only {intro} of the intro's 20 s are found recurring: {found}");
        assert!(covered.contains_key(&(episode.clone(), "credits".into())), "{episode}: its credits are not found recurring: {found}");
    }
    let png = image::open(&sheet).unwrap();
    assert_eq!(png.height() as usize, scenes.len() * (72 + 4), "one sheet row per scene");
}
