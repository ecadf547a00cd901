//! The intro model as a user runs it: `introskip train` end to end (with tiny random CLIP weights,
//! so any encoder can be retrained), `introskip detect` with the trained and the shipped model, and
//! clear errors for a model that does not fit the encoder or is damaged.

use crate::common::*;
use std::path::{Path, PathBuf};

fn tiny_clip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-tiny/openclip.safetensors")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn train_and_detect_end_to_end_with_tiny_random_clip() {
    let demo = introskip::paths::demo_dir();
    let out = tempfile::tempdir().unwrap();
    let model = out.path().join("clip-model");
    let mut c = introskip();
    c.args(["train", "--encoder", "clip", "--epochs", "2", "--members", "2", "--clip-weights"]).arg(tiny_clip());
    c.arg("--train").arg(&demo).arg("--dev").arg(&demo).arg("--out").arg(&model);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(model.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["encoder_id"].as_str().unwrap().starts_with("clip"), "{manifest}");
    assert_eq!(manifest["tags"], serde_json::json!(["outside", "intro", "recap"]));
    assert_eq!(manifest["training"]["epochs_run"], serde_json::json!([2, 2]));
    assert_eq!(manifest["members"].as_array().unwrap().len(), 2);
    for png in ["training-loss.png", "training-dev.png"] {
        let img = image::open(model.join(png)).unwrap_or_else(|e| panic!("{png}: {e}"));
        assert!(img.width() > 100 && img.height() > 100);
    }

    // Detect with it: segments, and one intro probability per sampled second (the episode is 120 s).
    let episode = demo.join("Bunny Tales - S01E01.mp4");
    let mut c = introskip();
    c.arg("detect").arg(&episode).arg("--json").arg("--model").arg(&model).arg("--clip-weights").arg(tiny_clip());
    let o = run_with_timeout(c, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = r[0]["intro_probability"].as_array().unwrap();
    assert_eq!(p.len(), 120);
    assert!(p.iter().all(|v| (0.0..=1.0).contains(&v.as_f64().unwrap())));
    assert!(r[0]["segments"].is_array());

    // The same model with the embedded encoder: refused, saying why.
    let mut c = introskip();
    c.arg("detect").arg(&episode).arg("--model").arg(&model);
    let o = run_with_timeout(c, 120);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("manifest.json") && e.contains("trained for encoder clip") && e.contains("active encoder is embedded"), "{e}");

    // A damaged weights file is named, not loaded.
    let mut w = std::fs::read(model.join("member-1.safetensors")).unwrap();
    let n = w.len();
    w[n - 3] ^= 0xff;
    std::fs::write(model.join("member-1.safetensors"), w).unwrap();
    let mut c = introskip();
    c.arg("detect").arg(&episode).arg("--model").arg(&model).arg("--clip-weights").arg(tiny_clip());
    let o = run_with_timeout(c, 120);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("member-1.safetensors") && e.contains("sha256"), "{e}");

    // Not a manifest at all.
    std::fs::write(model.join("manifest.json"), "{\"format\": 1").unwrap();
    let mut c = introskip();
    c.arg("detect").arg(&episode).arg("--model").arg(&model).arg("--clip-weights").arg(tiny_clip());
    let o = run_with_timeout(c, 120);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("manifest.json") && stderr(&o).contains("not a model manifest"), "{}", stderr(&o));
}

#[test]
fn a_model_manifest_edited_into_impossible_numbers_is_refused_naming_the_field() {
    // Burn panics on a dropout outside [0, 1] or zero heads while building the network: the
    // loader says which number is wrong first (an outside audit's finding, 2026-11-30).
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/embedded");
    let episode = introskip::paths::demo_dir().join("Bunny Tales - S01E01.mp4");
    for (field, value, says) in [("n_heads", serde_json::json!(0), "n_heads"), ("dropout", serde_json::json!(1.5), "dropout")] {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&shipped).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
        let manifest_path = dir.path().join("manifest.json");
        let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
        manifest["config"][field] = value;
        std::fs::write(&manifest_path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
        let mut c = introskip();
        c.arg("detect").arg(&episode).arg("--model").arg(dir.path()).arg("--single");
        let o = run_with_timeout(c, 120);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{field}: {e}");
        assert!(e.contains("manifest.json") && e.contains(says), "{field}: {e}");
    }
}

#[test]
fn an_intro_cut_off_by_a_short_window_is_said_to_go_on_past_it() {
    // Bunny Tales E01's intro is 0:00–0:20; looking at 12 s sees only its first part, and a
    // skip to 0:12 would land inside it.
    let episode = introskip::paths::demo_dir().join("Bunny Tales - S01E01.mp4");
    let mut c = introskip();
    c.arg("detect").arg(&episode).args(["--single", "--window", "12", "--tail", "off"]);
    let o = run_with_timeout(c, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("Bunny Tales - S01E01") && e.contains("runs to the end of the 12 s looked at and may go on past it (a window of 24 s looks further)"), "{e}");
    // The default window sees the whole intro, and says nothing of the kind.
    let mut c = introskip();
    c.arg("detect").arg(&episode).args(["--single", "--tail", "off"]);
    let o = run_with_timeout(c, 120);
    assert!(o.status.success() && !stderr(&o).contains("looks further"), "{}", stderr(&o));
}

#[test]
fn an_intro_that_runs_past_one_episode_s_window_ends_where_it_ends_in_the_other() {
    // Bunny Tales' intro: E01 0:00–0:20, E02 0:30–0:50. A 40 s window sees E02's to 0:40 only,
    // and E01's copy, aligned to it, ended at 0:10.8 where E02's window stops (family B 2038's
    // Little Circuit E01 ended 9 s early so). E02's sound is now heard past its window.
    let dir = tempfile::tempdir().unwrap();
    for e in 1..=2 {
        let name = format!("Bunny Tales - S01E0{e}.mp4");
        std::fs::copy(introskip::paths::demo_dir().join(&name), dir.path().join(&name)).unwrap();
    }
    let mut c = introskip();
    c.arg("detect").arg(dir.path()).args(["--window", "40", "--tail", "off", "--json"]);
    let o = run_with_timeout(c, 180);
    assert!(o.status.success(), "{}", stderr(&o));
    let episodes: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let intro = |e: usize| -> (f64, f64) {
        let s = episodes[e]["segments"].as_array().unwrap().iter().find(|s| s["kind"] == "intro").unwrap_or_else(|| panic!("E0{}: {}", e + 1, stderr(&o)));
        (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap())
    };
    let (s1, e1) = intro(0);
    assert!(s1 < 0.6 && (e1 - 20.0).abs() < 0.6, "E01 {s1}–{e1}");
    // E02's intro is what its window holds, and is said to go on past it.
    let (s2, e2) = intro(1);
    assert!((s2 - 30.0).abs() < 0.6 && e2 > 39.0 && e2 <= 40.0, "E02 {s2}–{e2}");
    // Where its sound ends, as E01's copy shows (0:50, to a fingerprint's precision).
    let said = stderr(&o);
    assert!(["0:49.", "0:50."].iter().any(|t| said.contains(&format!("runs to the end of the 40 s looked at and may go on past it: its sound plays on to at least {t}"))), "{said}");
}

#[test]
fn an_intro_judged_alone_is_flagged_for_a_check_and_one_its_season_repeats_is_not() {
    // Alone, the model's 0:00–0:20 is right on the demo, but nothing confirms it: on series
    // unlike its training such answers are wrong four times in five (README "How far the
    // confidence can be trusted"), so it is shown as uncertain, with why.
    let episode = introskip::paths::demo_dir().join("Bunny Tales - S01E01.mp4");
    let run = |extra: &[&str]| {
        let mut c = introskip();
        c.arg("detect").arg(&episode).args(["--tail", "off", "--json"]).args(extra);
        let o = run_with_timeout(c, 120);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let intro = v[0]["segments"].as_array().unwrap().iter().find(|s| s["kind"] == "intro").cloned().expect("the intro is found");
        (intro["end"].as_f64().unwrap(), intro["confidence"].as_f64().unwrap(), stderr(&o))
    };
    let (end, confidence, said) = run(&["--single"]);
    assert!((end - 20.0).abs() < 0.6 && confidence < 0.7, "alone: ends {end}, confidence {confidence}");
    assert!(said.contains("judged alone, with no other episode of its season to confirm it: check the intro at 0:00.0–0:"), "{said}");
    // With the other episodes of its folder, repetition confirms it.
    let (end, confidence, said) = run(&[]);
    assert!((end - 20.0).abs() < 0.6 && confidence >= 0.7 && !said.contains("judged alone"), "season: ends {end}, confidence {confidence}: {said}");
}

#[test]
fn an_intro_cut_off_by_the_file_s_end_ends_where_the_file_does() {
    // The demo season cut inside its 0:00–0:20 intro: picture to 15.04 s, sound to 14.9 s (the
    // file lasts 15.2 s). The model ends the intro half a second after its last sample (15.5 s),
    // which a chapter must not: until 2026-12-03 it did.
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=3 {
        let source = introskip::paths::demo_dir().join(format!("Bunny Tales - S01E0{i}.mp4"));
        let out = dir.path().join(format!("Bunny Tales - S01E0{i}.mp4"));
        let (s, o) = (source.to_str().unwrap(), out.to_str().unwrap());
        crate::common::ffmpeg(&["-t", "15.04", "-i", s, "-t", "14.9", "-i", s, "-map", "0:v", "-map", "1:a", "-c", "copy", o]);
    }
    let mut c = introskip();
    c.arg("detect").arg(dir.path()).args(["--json", "--tail", "off"]);
    let o = run_with_timeout(c, 180);
    assert!(o.status.success(), "{}", stderr(&o));
    let episodes: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut ends = Vec::new();
    for e in episodes.as_array().unwrap() {
        let file = Path::new(e["file"].as_str().unwrap());
        let length = introskip::video::probe(file).unwrap().duration_s.unwrap();
        for seg in e["segments"].as_array().unwrap().iter().filter(|s| s["kind"] == "intro") {
            let end = seg["end"].as_f64().unwrap();
            assert!(end <= length + 1e-6, "{}: intro ends at {end} s, past the file's {length} s", file.display());
            ends.push(end);
        }
    }
    // The intro is found (E01 and E03 share it) and runs to the file's end.
    assert!(ends.len() >= 2 && ends.iter().all(|&e| e > 14.5), "{ends:?}");
}

/// Season-mode `detect` on every dev series, scored by `introskip eval --json`.
fn score_dev(dev: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    let mut seasons: Vec<PathBuf> = std::fs::read_dir(dev).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    seasons.sort();
    assert!(seasons.len() >= 4, "{}: the dev series are missing (scripts/build-dataset.sh dev)", dev.display());
    for season in &seasons {
        let mut c = introskip();
        c.arg("detect").arg(season).arg("--out").arg(out).args(extra);
        let o = run_with_timeout(c, 600);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut c = introskip();
    c.args(["eval", "--json", "--truth"]).arg(dev).arg("--pred").arg(out);
    let o = run_with_timeout(c, 60);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn shipped_model_reproduces_its_dev_scores_and_beats_the_baseline() {
    let dev = introskip::paths::cache_dir().join("dataset/v1/dev");
    let manifest_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/embedded/manifest.json");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).expect("the shipped model")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The manifest's scores are the model's own (boundaries on the grid); `detect` then snaps them
    // to cuts, which must not make anything worse.
    let season = score_dev(&dev, &tmp.path().join("season"), &["--no-snap"]);
    let single = score_dev(&dev, &tmp.path().join("single"), &["--single", "--no-snap"]);
    let snapped = score_dev(&dev, &tmp.path().join("snapped"), &[]);
    for key in ["f1", "mean_iou"] {
        let get = |r: &serde_json::Value| if key == "f1" { r["micro"]["f1"].as_f64().unwrap() } else { r["mean_iou"].as_f64().unwrap() };
        assert!(get(&snapped) >= get(&season) - 0.005, "snapping to cuts lowers {key}: {:.3} → {:.3}", get(&season), get(&snapped));
    }
    let median = |r: &serde_json::Value, k: &str| r[k]["median"].as_f64().unwrap();
    assert!(median(&snapped, "start_abs_error") <= median(&season, "start_abs_error"), "snapping moves starts away from the truth");
    let recorded = &manifest["dev_metrics"];
    // The manifest has the model's own scores. What `detect` adds on top must not lose to them:
    // season alignment in season mode, and alone the series' title over the sound's level (since
    // 2026-12-04, which lifted dev's lone IoU from about the manifest's 0.900 to 0.92: a check
    // both ways, as this was until then, held the rules to the model they improve on). The
    // committed-results test holds the exact numbers.
    for (mode, got, slack) in [("season_mode", &season, 0.005), ("single_episode_mode", &single, 0.02)] {
        for (key, value) in [("f1", &got["micro"]["f1"]), ("mean_iou", &got["mean_iou"])] {
            let want = if key == "f1" { &recorded[mode]["micro"]["f1"] } else { &recorded[mode]["mean_iou"] };
            let (v, w) = (value.as_f64().unwrap(), want.as_f64().unwrap());
            assert!(v >= w - slack, "{mode} {key}: {v:.3} now, {w:.3} for the model in the manifest");
        }
    }
    // The floor: the repeated-frames baseline on the same series.
    let base = tmp.path().join("baseline");
    let mut c = introskip();
    c.arg("baseline").arg(&dev).arg("--out").arg(&base);
    assert!(run_with_timeout(c, 600).status.success());
    let mut c = introskip();
    c.args(["eval", "--json", "--truth"]).arg(&dev).arg("--pred").arg(&base);
    let b: serde_json::Value = serde_json::from_slice(&run_with_timeout(c, 60).stdout).unwrap();
    let (m, f) = (season["micro"]["f1"].as_f64().unwrap(), b["micro"]["f1"].as_f64().unwrap());
    assert!(m > f, "season-mode F1 {m:.3} does not beat the baseline's {f:.3}");
    assert!(season["mean_iou"].as_f64().unwrap() > b["mean_iou"].as_f64().unwrap());
}

/// `detect` (production settings: snapped) over every series of `set`, in `mode` ("season",
/// "single", or "pairs": each series' first two episodes as a season of two, and "pairs-single"
/// the same two judged alone), scored by `introskip eval --json` against the truth of the
/// episodes judged.
fn score_set(set: &Path, mode: &str, work: &Path) -> serde_json::Value {
    let out = work.join(mode);
    let truth = work.join(format!("{mode}-truth"));
    std::fs::create_dir_all(&truth).unwrap();
    let mut seasons: Vec<PathBuf> = std::fs::read_dir(set).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "work" && n != "pool")).collect();
    seasons.sort();
    assert!(seasons.len() >= 4, "{}: the series are missing (scripts/build-dataset.sh)", set.display());
    for season in &seasons {
        let mut media: Vec<PathBuf> = std::fs::read_dir(season).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "mp4" || x == "mkv")).collect();
        media.sort();
        if mode.starts_with("pairs") {
            // A season of two: the first two episodes in a folder of their own (named from a
            // folder of four, `detect` would judge them with the other two).
            media.truncate(2);
            let own = work.join(format!("{mode}-media")).join(season.file_name().unwrap());
            std::fs::create_dir_all(&own).unwrap();
            for m in media.iter_mut() {
                let link = own.join(m.file_name().unwrap());
                std::os::unix::fs::symlink(&*m, &link).unwrap();
                let t = m.with_extension("truth.json");
                std::fs::copy(&t, link.with_extension("truth.json")).unwrap();
                *m = link;
            }
        }
        for m in &media {
            let t = m.with_extension("truth.json");
            std::fs::copy(&t, truth.join(t.file_name().unwrap())).unwrap();
        }
        let mut c = introskip();
        c.arg("detect").args(&media).arg("--out").arg(&out);
        if mode == "single" || mode == "pairs-single" {
            c.arg("--single");
        }
        let o = run_with_timeout(c, 600);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut c = introskip();
    c.args(["eval", "--json", "--truth"]).arg(&truth).arg("--pred").arg(&out);
    let o = run_with_timeout(c, 60);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The README's accuracy numbers are the committed files in `results/`; this regenerates each
/// from a fresh run and holds it to the file (`INTROSKIP_WRITE_RESULTS=1` rewrites the files
/// instead). `dev` is the validation set every recipe and threshold was chosen on; `heldout` (seed
/// 2027, the same conventions) was looked at to report; `familyb` (seed 2028, another convention
/// family: README "Data"; generator version 2 since 2026-11-30) is the second validation set, on
/// which the season rules of 2026-11-29 and 2026-11-30 were chosen; `familyc` (seed 2029, a third
/// family, generator version 2) chose nothing until 2026-12-04 (the sound-only mirroring and the
/// title over the sound's level were checked on it too, so it is validation since). (The version-1 files are in `results/generator-v1/`.)
#[test]
fn committed_results_match_a_fresh_run() {
    let cache = introskip::paths::cache_dir();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let write = std::env::var_os("INTROSKIP_WRITE_RESULTS").is_some();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, set) in [("dev", cache.join("dataset/v1/dev")), ("heldout", cache.join("dataset/heldout-2027/dev")), ("familyb", cache.join("dataset/familyb-v2-2028/dev")), ("familyc", cache.join("dataset/familyc-v2-2029/dev"))] {
        let mut by_mode = std::collections::BTreeMap::new();
        for mode in ["season", "single", "pairs", "pairs-single"] {
            let got = score_set(&set, mode, &tmp.path().join(name));
            let file = root.join(format!("{name}-{mode}.json"));
            if write {
                std::fs::create_dir_all(&root).unwrap();
                std::fs::write(&file, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            } else {
                let want: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))).unwrap();
                let pick = |r: &serde_json::Value| {
                    [
                        r["micro"]["f1"].as_f64().unwrap(),
                        r["mean_iou"].as_f64().unwrap(),
                        r["missed"].as_f64().unwrap(),
                        r["false_skips"].as_f64().unwrap(),
                        r["start_abs_error_with_misses"]["median"].as_f64().unwrap(),
                        r["end_abs_error_with_misses"]["median"].as_f64().unwrap(),
                    ]
                };
                let (g, w) = (pick(&got), pick(&want));
                let medians_moved = g[4..].iter().zip(&w[4..]).any(|(a, b)| (a - b).abs() > 0.01);
                if g[..4].iter().zip(&w[..4]).any(|(a, b)| (a - b).abs() > 0.01) || (medians_moved && !one_knife_edge(&got, &want)) {
                    failures.push(format!("{}: F1, IoU, missed, false skips, |Δstart|, |Δend| medians now {g:.3?}, file says {w:.3?}", file.display()));
                }
                // The end of the episode: credits and preview (README "The end of the episode").
                let tail = |r: &serde_json::Value| {
                    let t = &r["tail"];
                    ["credits.f1", "credits_mean_iou", "missed", "spurious", "credits_start_abs_error.median", "preview.f1", "swallowed"]
                        .map(|k| k.split('.').fold(t, |v, part| &v[part]).as_f64().unwrap_or(f64::NAN))
                };
                let (g, w) = (tail(&got), tail(&want));
                if g.iter().zip(&w).any(|(a, b)| !((a - b).abs() <= 0.01)) {
                    failures.push(format!("{}: credits F1, IoU, missed, spurious, |Δstart| median, preview F1, swallowed now {g:.3?}, file says {w:.3?}", file.display()));
                }
            }
            by_mode.insert(mode, got);
        }
        // With only two episodes, season mode is at least as good as each judged alone.
        let (pair, alone) = (&by_mode["pairs"], &by_mode["pairs-single"]);
        assert!(pair["micro"]["f1"].as_f64().unwrap() >= alone["micro"]["f1"].as_f64().unwrap() - 1e-9, "{name}: a season of two scores below its episodes alone (F1)");
        assert!(pair["mean_iou"].as_f64().unwrap() >= alone["mean_iou"].as_f64().unwrap() - 1e-9, "{name}: a season of two scores below its episodes alone (IoU)");
        // Misses and false skips too, on every set (on family B this held only once stings and
        // intros two episodes see and hear as theirs counted: README "Results").
        assert!(pair["missed"].as_u64() <= alone["missed"].as_u64() && pair["false_skips"].as_u64() <= alone["false_skips"].as_u64(), "{name}: a season of two misses or skips more than alone");
    }
    assert!(failures.is_empty(), "results differ from the committed files (rerun with INTROSKIP_WRITE_RESULTS=1 and explain the change):\n{}", failures.join("\n"));
}

/// Whether `got` and `want` differ in one episode's intro boundary alone, by at most a second of
/// the model's 1 s grid: libtorch's floats differ in their last bits between CPUs, and a second
/// whose intro probability sits at the line goes either way (family C's Distant Meadow E03
/// starts 0.1 s from its truth on one machine and 1.1 s on another: README "Results"). Where a
/// set's median boundary error rests on that episode, the median moves by the same second; F1
/// and IoU are still held to 0.01, and two such episodes are a change to explain.
fn one_knife_edge(got: &serde_json::Value, want: &serde_json::Value) -> bool {
    let rows = |r: &serde_json::Value| -> Vec<(String, f64, f64)> {
        r["episodes"].as_array().map_or(Vec::new(), |e| e.iter().map(|e| (e["episode"].as_str().unwrap_or("").to_string(), e["start_error"].as_f64().unwrap_or(f64::NAN), e["end_error"].as_f64().unwrap_or(f64::NAN))).collect())
    };
    let (g, w) = (rows(got), rows(want));
    if g.len() != w.len() || g.is_empty() {
        return false;
    }
    let moved: Vec<f64> = g.iter().zip(&w).filter_map(|(a, b)| {
        // A miss (no error) on both sides is no move; on one side, no knife edge.
        let apart = |x: f64, y: f64| if x.is_nan() && y.is_nan() { 0.0 } else if x.is_nan() || y.is_nan() { f64::INFINITY } else { (x - y).abs() };
        let d = apart(a.1, b.1).max(apart(a.2, b.2));
        (a.0 != b.0 || !(d <= 0.01)).then_some(if a.0 == b.0 { d } else { f64::INFINITY })
    }).collect();
    moved.len() == 1 && moved[0] <= 1.05
}

/// A series without an intro (family C seed 2029's Golden Lantern: recaps, cold opens, story),
/// where the model draws a guess in every episode and none of them repeats in another: no episode
/// keeps the model's lone guess — on unfamiliar series such guesses mostly skip story — and
/// `detect` says why, naming the guess so a user can mark it by hand where it is an intro.
#[test]
fn a_season_that_repeats_no_intro_keeps_none_and_says_why() {
    let season = introskip::paths::cache_dir().join("dataset/familyc-v2-2029/dev/Golden Lantern (dev03)");
    assert!(season.is_dir(), "{}: build it with scripts/build-dataset.sh familyc", season.display());
    let mut c = introskip();
    c.arg("detect").arg(&season).args(["--tail", "off"]);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.matches("no intro found").count(), 4, "{out}");
    let err = stderr(&o);
    assert_eq!(err.matches("no intro: no episode of these 4 shares its intro with another, so the model's").count(), 4, "{err}");
    assert!(err.contains("Golden Lantern - S01E02.mp4: no intro: no episode of these 4 shares its intro with another, so the model's 1:09.5–1:30.5"), "{err}");
}

/// A sting only two episodes of four play (family B's Silver Meadow: 5 and 8 s in E01 and E03,
/// E02 without an intro, E04 with the series' second intro, played once), which the model
/// believes in one of them (P 0.9) and leans to in the other (P 0.3): found in both, with the
/// edges the sound places, and nothing in the other two (the intro E04 alone plays is missed).
#[test]
fn a_sting_two_episodes_see_and_hear_is_found_in_both() {
    let season = introskip::paths::cache_dir().join("dataset/familyb-v2-2028/dev/Silver Meadow (dev02)");
    assert!(season.is_dir(), "{}: build it with scripts/build-dataset.sh familyb", season.display());
    let dir = tempfile::tempdir().unwrap();
    let mut c = introskip();
    c.arg("detect").arg(&season).args(["--tail", "off", "--out"]).arg(dir.path());
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let intro = |e: u32| -> Option<(f64, f64)> {
        let text = std::fs::read_to_string(dir.path().join(format!("Silver Meadow - S01E0{e}.pred.json"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["segments"].as_array().unwrap().iter().find(|s| s["kind"] == "intro").map(|s| (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap()))
    };
    // Truth: E01 21.44–26.56 (the sting trimmed), E03 15.48–23.28 (its second shot's sound
    // only E04's intro shares).
    let (s1, e1) = intro(1).unwrap_or_else(|| panic!("E01: {}", stderr(&o)));
    assert!((s1 - 21.44).abs() <= 0.5 && (e1 - 26.56).abs() <= 1.0, "E01 {s1}–{e1}");
    let (s3, e3) = intro(3).unwrap_or_else(|| panic!("E03: {}", stderr(&o)));
    assert!((s3 - 15.48).abs() <= 0.5 && (e3 - 23.28).abs() <= 1.0, "E03 {s3}–{e3}");
    assert_eq!(intro(2), None);
    // E04's own intro (truth 1:48.8–2:06.4), which no other episode plays: its season keeps
    // none, but the series' title shows in its last second, by the intro the model sees judging
    // it alone (1:49.5–2:04.5), so that one is taken, flagged, and `detect` says why. E02, without
    // an intro, is named as a doubt to check.
    let (s4, e4) = intro(4).unwrap_or_else(|| panic!("E04: {}", stderr(&o)));
    assert!((s4 - 108.8).abs() <= 0.5 && (e4 - 126.36).abs() <= 2.0, "E04 {s4}–{e4}");
    let err = stderr(&o);
    assert!(err.contains("Silver Meadow - S01E04.mp4: intro found by its title: the model, judged alone, sees an intro at 1:49.5–2:04.5 by the series' title"), "{err}");
    assert!(!err.contains("Silver Meadow - S01E04.mp4: no intro"), "{err}");
    assert!(err.contains("Silver Meadow - S01E02.mp4: judged alone, the model sees an intro at"), "{err}");
    // The lines: E03's recap with its confidence; the prediction's times to the millisecond.
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().any(|l| l.starts_with("Silver Meadow - S01E03: intro") && l.contains("; recap 0:00.0 – 0:11.8 (confidence 0.")), "{out}");
    assert!([s1, e1, s3, e3].iter().all(|t| ((t * 1000.0).round() / 1000.0 - t).abs() < 1e-9), "{s1} {e1} {s3} {e3}");
    // `repeats` says where: E01's sting plays once in E03 (its sound and picture matches of
    // that place listed as one place). Its line may begin earlier: since silence is no repeat
    // (judgement version 36), the cold open's fixed camera, which E02 shows at another time,
    // is a picture match beside it (0:08–0:16), no longer a core of its own with the hiss.
    let mut c = introskip();
    c.arg("repeats").arg(&season);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().find(|l| l.starts_with("Silver Meadow - S01E01: ") && l.contains("Silver Meadow - S01E03 0:15")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("by sound+picture") && line.matches("S01E03").count() == 1, "{line}");
    // The hiss under the silent cold open (21 s "heard" in all three others) is no repeat.
    assert!(!out.lines().any(|l| l.starts_with("Silver Meadow - S01E01: 0:00.0")), "{out}");
}

/// An episode given alone is judged with the other episodes of its series in its folder, as its
/// season judges it: family B's Secret Harbor E01 (a 6 s sting, truth 0:00–0:06.3), which the
/// model alone takes a stretch of story for. A neighbour that cannot be read is named and left
/// out; `--single` still judges the episode alone.
#[test]
fn a_lone_episode_is_judged_with_the_other_episodes_of_its_folder() {
    let season = introskip::paths::cache_dir().join("dataset/familyb-v2-2028/dev/Secret Harbor (dev03)");
    assert!(season.is_dir(), "{}: build it with scripts/build-dataset.sh familyb", season.display());
    let dir = tempfile::tempdir().unwrap();
    for e in 1..=3 {
        let name = format!("Secret Harbor - S01E0{e}.mp4");
        std::os::unix::fs::symlink(season.join(&name), dir.path().join(&name)).unwrap();
    }
    std::fs::write(dir.path().join("Secret Harbor - S01E04.mp4"), b"not a video").unwrap();
    std::fs::write(dir.path().join("Another Show - S01E01.mp4"), b"not a video either").unwrap();
    let e1 = dir.path().join("Secret Harbor - S01E01.mp4");
    let intro = |single: bool| {
        let out = dir.path().join(if single { "alone" } else { "lone" });
        let mut c = introskip();
        c.arg("detect").arg(&e1).args(["--tail", "off", "--out"]).arg(&out);
        if single {
            c.arg("--single");
        }
        let o = run_with_timeout(c, 600);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("Secret Harbor - S01E01.pred.json")).unwrap()).unwrap();
        let intro = v["segments"].as_array().unwrap().iter().find(|s| s["kind"] == "intro").map(|s| (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap()));
        (intro, v["season_episodes"].as_u64(), stderr(&o))
    };
    let (found, seen, err) = intro(false);
    let (s, e) = found.unwrap_or_else(|| panic!("no intro: {err}"));
    assert!(s.abs() <= 0.5 && (e - 6.3).abs() <= 1.0, "intro {s}–{e}: {err}");
    assert_eq!(seen, Some(3), "E01 with E02 and E03");
    assert!(err.contains("Secret Harbor - S01E01.mp4: judged as a season with 2 more episodes of its folder (Secret Harbor - S01E02, Secret Harbor - S01E03)"), "{err}");
    assert!(err.contains("Secret Harbor - S01E01.mp4: not judged with Secret Harbor - S01E04:"), "{err}");
    assert!(!err.contains("Another Show"), "another series is no neighbour: {err}");
    // Two episodes named from the folder are filled up to a season of four the same way (here
    // three: E04 is damaged).
    let mut c = introskip();
    c.arg("detect").arg(&e1).arg(dir.path().join("Secret Harbor - S01E02.mp4")).args(["--tail", "off"]);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Secret Harbor - S01E02.mp4: judged as a season with 1 more episode of its folder (Secret Harbor - S01E03)"), "{}", stderr(&o));
    // Named without its folder, from inside it (an outside review's finding: "" and "." were
    // two folders, and the neighbours a season of their own).
    let mut c = introskip();
    c.current_dir(dir.path()).args(["detect", "Secret Harbor - S01E01.mp4", "--tail", "off", "--json"]);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["season_episodes"].as_u64(), Some(3), "{}", stderr(&o));
    // A damaged episode named beside it is reported once, not tried again as a neighbour.
    let mut c = introskip();
    c.arg("detect").arg(&e1).arg(dir.path().join("Secret Harbor - S01E04.mp4")).args(["--tail", "off"]);
    let o = run_with_timeout(c, 600);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("not judged with Secret Harbor - S01E04"), "{}", stderr(&o));
    assert!(stderr(&o).contains("judged as a season with 2 more episodes of its folder (Secret Harbor - S01E02, Secret Harbor - S01E03)"), "{}", stderr(&o));
    // Alone, the model takes story for the intro (32.5–59.8 s when this was written).
    let (alone, seen, err) = intro(true);
    assert_eq!(seen, Some(1), "{err}");
    assert!(alone.is_none_or(|(s, _)| s > 10.0), "alone {alone:?}");
}

/// An episode named alone gets the answer its season gives it where that answer rests on what
/// the series' title placed in the episodes judged with it: family C's Lost Circuit E03 (a 7 s
/// sting at 1:46.8–1:54.2, truth), whose partners E01 and E02 have their intros placed by their
/// title. Before the episodes judged beside it were read for the title too, `detect E03` kept
/// 1:01.8–1:09.1 of story at confidence 1.00 (a false skip) where `detect DIR` found the sting.
#[test]
fn an_episode_named_alone_gets_the_intro_its_season_finds_through_its_partners_titles() {
    let season = introskip::paths::cache_dir().join("dataset/familyc-v2-2029/dev/Lost Circuit (dev01)");
    assert!(season.is_dir(), "{}: build it with scripts/build-dataset.sh familyc", season.display());
    let out = tempfile::tempdir().unwrap();
    let mut c = introskip();
    c.arg("detect").arg(season.join("Lost Circuit - S01E03.mp4")).args(["--tail", "off", "--out"]).arg(out.path());
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("judged as a season with 3 more episodes of its folder"), "{err}");
    // Why, said of the partner that was read: its own intro found by the title.
    assert!(err.contains("Lost Circuit - S01E03.mp4: judging it with Lost Circuit - S01E01: intro found by its title"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.path().join("Lost Circuit - S01E03.pred.json")).unwrap()).unwrap();
    let intros: Vec<(f64, f64)> = v["segments"].as_array().unwrap().iter().filter(|s| s["kind"] == "intro").map(|s| (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap())).collect();
    assert_eq!(intros.len(), 1, "{intros:?}: {err}");
    let (s, e) = intros[0];
    assert!((s - 106.8).abs() <= 1.0 && (e - 114.2).abs() <= 1.0, "intro {s}–{e}: {err}");
}

/// A 45-minute episode is judged by its first three minutes and its last ten like a short one:
/// its length changes neither the season's intro nor where the credits are found (an
/// independent benchmark reported "no intro found" on a 45-minute episode of a series whose
/// short episodes were found). The demo's E02 (intro 0:30–0:50, credits in its last 10 s) with
/// 42 minutes of a plain picture and silence put before its last 10 s, judged with E01 and E03.
#[test]
fn a_45_minute_episode_gets_the_intro_and_credits_its_short_self_gets() {
    let demo = introskip::paths::demo_dir();
    let e2 = demo.join("Bunny Tales - S01E02.mp4");
    let dir = tempfile::tempdir().unwrap();
    let season = dir.path().join("season");
    std::fs::create_dir(&season).unwrap();
    for e in ["Bunny Tales - S01E01.mp4", "Bunny Tales - S01E03.mp4"] {
        std::os::unix::fs::symlink(demo.join(e), season.join(e)).unwrap();
    }
    let long = season.join("Bunny Tales - S01E02.mp4");
    let e2s = e2.to_str().unwrap();
    // The middle is one picture a second (a plain card needs no more; the file stays small).
    let graph = "[0:v]setpts=PTS-STARTPTS[h];[0:a]aresample=16000,aformat=channel_layouts=mono,asetpts=PTS-STARTPTS[ha];\
                 [3:v]setpts=PTS-STARTPTS[e];[3:a]aresample=16000,aformat=channel_layouts=mono,asetpts=PTS-STARTPTS[ea];\
                 [1:v]format=yuv420p,setsar=1[m];[h][ha][m][2:a][e][ea]concat=n=3:v=1:a=1[v][a]";
    ffmpeg(&[
        "-t", "130", "-i", e2s, "-f", "lavfi", "-i", "color=c=0x304050:s=640x360:r=1:d=2520", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=2520",
        "-ss", "130", "-i", e2s, "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast",
        "-g", "50", "-c:a", "aac", long.to_str().unwrap(),
    ]);
    let out = dir.path().join("pred");
    let mut c = introskip();
    c.arg("detect").arg(&season).arg("--out").arg(&out);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", stderr(&o));
    let pred: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("Bunny Tales - S01E02.pred.json")).unwrap()).unwrap();
    let seg = |kind: &str| {
        let s = pred["segments"].as_array().unwrap().iter().find(|s| s["kind"] == kind).unwrap_or_else(|| panic!("no {kind}: {pred}"));
        (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap())
    };
    let (s, e) = seg("intro");
    assert!((s - 30.0).abs() <= 0.5 && (e - 50.0).abs() <= 0.5, "intro {s}–{e}");
    // The credits: the last 10 s of 2,660, found through the 10-minute tail's keyframes.
    let (s, e) = seg("credits");
    assert!((s - 2650.0).abs() <= 1.0 && (e - 2660.0).abs() <= 0.5, "credits {s}–{e}");
    assert_eq!(pred["tail_window"][0].as_f64().map(f64::round), Some(2060.0), "{pred}");
}
