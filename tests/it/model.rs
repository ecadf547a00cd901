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
    for (mode, got) in [("season_mode", &season), ("single_episode_mode", &single)] {
        for (key, value) in [("f1", &got["micro"]["f1"]), ("mean_iou", &got["mean_iou"])] {
            let want = if key == "f1" { &recorded[mode]["micro"]["f1"] } else { &recorded[mode]["mean_iou"] };
            let (v, w) = (value.as_f64().unwrap(), want.as_f64().unwrap());
            assert!((v - w).abs() < 0.02, "{mode} {key}: {v:.3} now, {w:.3} in the manifest");
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
