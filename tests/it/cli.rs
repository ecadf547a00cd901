//! The CLI as scripts use it: JSON output and the files `sample --out` writes.

use crate::common::*;

#[test]
fn probe_json_describes_the_demo_like_episode() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ep.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-f", "lavfi", "-i", "sine=d=4", "-c:v", "libx264", "-g", "50",
        "-pix_fmt", "yuv420p", "-c:a", "aac", f.to_str().unwrap(),
    ]);
    let mut c = introskip();
    c.args(["probe", "--json"]).arg(&f);
    let out = run_with_timeout(c, 30);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["video"]["codec"], "h264");
    assert_eq!(v["video"]["display_width"], 320);
    assert_eq!(v["video"]["avg_fps"], 25.0);
    assert!((v["duration_s"].as_f64().unwrap() - 4.0).abs() < 0.1);
    assert_eq!(v["streams"].as_array().unwrap().len(), 2);
    assert_eq!(v["streams"][1]["kind"], "audio");
}

#[test]
fn sample_writes_contact_sheet_tensor_and_times() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ep.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=12", "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    let out_dir = dir.path().join("out");
    let mut c = introskip();
    c.args(["sample", "--window", "12", "--out"]).arg(&out_dir).arg(&f);
    let out = run_with_timeout(c, 60);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sheet = image::open(out_dir.join("contact.png")).unwrap();
    // 10 thumbnails of 128x72 per row, 2 rows, 2 px gaps.
    assert_eq!((sheet.width(), sheet.height()), (10 * 130 + 2, 2 * 74 + 2));
    let tensor = read_npy_f32(&out_dir.join("frames.npy"));
    assert_eq!(tensor.len(), 12 * 3 * 224 * 224);
    let times: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join("samples.json")).unwrap()).unwrap();
    let samples = times["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 12);
    assert_eq!(samples[7]["second"], 7);
    assert!((samples[7]["frame_time_s"].as_f64().unwrap() - 7.0).abs() < 1e-9);
    // No temp files left behind by the atomic writes.
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
    assert!(leftovers.is_empty());
}

#[test]
fn probe_and_sample_take_a_season_and_name_the_file_they_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let season = dir.path().join("Show S01");
    std::fs::create_dir_all(&season).unwrap();
    for n in 1..=2 {
        let f = season.join(format!("Show - S01E0{n}.mp4"));
        ffmpeg(&["-f", "lavfi", "-i", &format!("testsrc2=s=160x90:r=25:d={}", 2 + n), "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    }
    let broken = dir.path().join("broken.mkv");
    std::fs::write(&broken, b"not a video").unwrap();
    // probe --json over a folder and a broken file: an array of what could be read, in order,
    // and one line naming the broken file.
    let mut c = introskip();
    c.args(["probe", "--json"]).arg(&season).arg(&broken);
    let out = run_with_timeout(c, 60);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let durations: Vec<f64> = all.iter().map(|v| v["duration_s"].as_f64().unwrap().round()).collect();
    assert_eq!(durations, vec![3.0, 4.0]);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("introskip: error:")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(errors[0].contains(&format!("{}: not a media file", broken.display())), "{stderr}");
    assert!(errors[1].contains("1 of 3 episodes failed"), "{stderr}");
    // sample --out with several files: one folder per episode, named after it.
    let out_dir = dir.path().join("out");
    let mut c = introskip();
    c.args(["sample", "--window", "4", "--size", "32", "--out"]).arg(&out_dir).arg(&season);
    let out = run_with_timeout(c, 60);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (n, seconds) in [(1, 3), (2, 4)] {
        let times: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join(format!("Show - S01E0{n}")).join("samples.json")).unwrap()).unwrap();
        assert_eq!(times["samples"].as_array().unwrap().len(), seconds);
    }
    // Two files that would write into one folder are refused before anything is read.
    let other = dir.path().join("Show - S01E01.mp4");
    std::fs::copy(season.join("Show - S01E01.mp4"), &other).unwrap();
    let mut c = introskip();
    c.args(["sample", "--window", "4", "--out"]).arg(dir.path().join("out2")).arg(&season).arg(&other);
    let out = run_with_timeout(c, 60);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("would both write into"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("out2").exists());
}

#[test]
fn demo_episode_samples_its_intro() {
    // The demo series from scripts/build-demo.sh: real footage, cold open then the intro at 30 s.
    let cache = std::env::var_os("INTROSKIP_CACHE").map(std::path::PathBuf::from).unwrap_or_else(introskip::paths::cache_dir);
    let ep = cache.join("demo").join("Bunny Tales - S01E02.mp4");
    assert!(ep.exists(), "{} missing: scripts/test.sh builds it (scripts/build-demo.sh)", ep.display());
    let cfg = introskip::video::SamplerConfig { window_s: 60, preprocess: None, ..Default::default() };
    let (samples, report) = introskip::video::sample_all(&ep, &cfg).unwrap();
    assert_eq!(samples.len(), 60);
    assert!(report.note.is_none());
    // The title card (white text on black) is on screen 46–49 s, and only there in the first minute.
    let dark = |s: &introskip::video::Sample| {
        let px = s.thumbnail.as_raw();
        px.iter().map(|&v| v as u64).sum::<u64>() / (px.len() as u64) < 40
    };
    let cards: Vec<u32> = samples.iter().filter(|s| dark(s)).map(|s| s.second).collect();
    assert_eq!(cards, vec![46, 47, 48, 49]);
}

#[test]
fn a_command_line_that_cannot_be_parsed_exits_1_as_documented() {
    // Exit status 2 is kept for internal errors (README "Command line"); clap's own is 2.
    for args in [&["export", "x.mkv", "--format", "nope"][..], &["detect", "x.mkv", "--tail", "200%"], &["detect", "--no-such-flag"]] {
        let mut c = introskip();
        c.args(args);
        let o = run_with_timeout(c, 30);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.starts_with("error: ") && !stderr.contains("x.mkv:"), "clap's own message, not a file's: {stderr}");
    }
    let mut c = introskip();
    c.arg("--help");
    assert_eq!(run_with_timeout(c, 30).status.code(), Some(0));
}
