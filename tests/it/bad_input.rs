//! Every unusable file gets one clear line naming the file and the problem, exit code 1, and no
//! panic or hang — through the real binary, as a user meets it.

use crate::common::*;
use std::path::Path;

/// Run `introskip <cmd> FILE` and return (exit code, stderr).
fn fails(cmd: &str, file: &Path) -> (i32, String) {
    let mut c = introskip();
    c.arg(cmd).arg(file);
    if cmd == "sample" {
        c.args(["--window", "20"]);
    }
    let out = run_with_timeout(c, 60);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic on {}: {stderr}", file.display());
    (out.status.code().unwrap_or(-1), stderr)
}

fn assert_clear_error(file: &Path, expected: &str) {
    for cmd in ["probe", "sample"] {
        let (code, stderr) = fails(cmd, file);
        assert_eq!(code, 1, "{cmd} {}: exit code for bad input; stderr: {stderr}", file.display());
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line, got: {stderr}");
        assert!(lines[0].contains(&file.display().to_string()), "names the file: {stderr}");
        assert!(lines[0].contains(expected), "{cmd}: expected '{expected}' in: {stderr}");
    }
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_clear_error(&dir.path().join("nope.mkv"), "no such file or directory");
}

#[test]
fn zero_byte_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("empty.mp4");
    std::fs::write(&f, b"").unwrap();
    assert_clear_error(&f, "file is empty (0 bytes)");
}

#[test]
fn text_file_renamed_mkv() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("notes.mkv");
    std::fs::write(&f, "Episode notes\nIntro ends at 1:32\n".repeat(50)).unwrap();
    assert_clear_error(&f, "not a media file FFmpeg can read");
}

#[test]
fn audio_only_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("theme.m4a");
    ffmpeg(&["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", f.to_str().unwrap()]);
    assert_clear_error(&f, "no video stream (audio only: 1 audio stream)");
}

#[test]
fn a_folder_without_video_is_refused_by_name() {
    // probe and sample take season folders (each episode in them); one with none says so.
    let dir = tempfile::tempdir().unwrap();
    assert_clear_error(dir.path(), "no video files in this folder");
}

#[test]
fn truncated_mp4_without_its_index() {
    // An MP4 written by ffmpeg keeps its index (moov) at the end; cut it off and nothing is readable.
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", full.to_str().unwrap()]);
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_clear_error(&cut, "not a media file FFmpeg can read");
}

#[test]
fn truncated_mkv_gives_fewer_samples_and_says_so() {
    // Matroska is readable up to the cut: sample what is there and report the truncation.
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.mkv");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=20", "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p", full.to_str().unwrap()]);
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.path().join("cut.mkv");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let mut c = introskip();
    c.args(["sample", "--window", "20", "--json"]).arg(&cut);
    let out = run_with_timeout(c, 60);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = doc["report"]["samples"].as_u64().unwrap();
    assert!((3..20).contains(&n), "about half the samples, got {n}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("truncated") && stderr.contains(&cut.display().to_string()), "{stderr}");
}

#[test]
fn zero_window_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    let mut c = introskip();
    c.args(["sample", "--window", "0"]).arg(&f);
    let out = run_with_timeout(c, 30);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--window must be at least 1 second"));
}

#[test]
fn a_window_past_the_limit_is_refused_by_every_command_before_anything_is_read() {
    // Until 2026-11-30 only `detect` and `scan` checked it; the others allocated the window's
    // sound buffer whole (a million seconds: 64 GB) and died.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    for cmd in ["embed", "repeats", "scenes", "duplicates"] {
        let mut c = introskip();
        c.args([cmd, "--window", "1000000"]).arg(&f);
        let out = run_with_timeout(c, 30);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {err}");
        assert!(err.contains("--window 1000000 is longer than"), "{cmd}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{cmd}: one line: {err}");
    }
}

#[test]
fn a_banner_shaped_search_image_is_refused_with_its_size() {
    // 4000×10 pixels: scaled for the encoder it would be millions of columns wide.
    let dir = tempfile::tempdir().unwrap();
    let banner = dir.path().join("banner.png");
    ffmpeg(&["-f", "lavfi", "-i", "color=c=red:s=4000x10", "-frames:v", "1", banner.to_str().unwrap()]);
    let mut c = introskip();
    let episode = counter_clip(dir.path(), "episode.mp4", "25", 4.0, &[], None);
    c.args(["search", "--window", "4", "--image"]).arg(&banner).arg(&episode);
    let out = run_with_timeout(c, 60);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&banner.display().to_string()) && stderr.contains("a 4000×10 picture is not shaped like a frame of video"), "{stderr}");
}
