//! Exported chapters, read back by the programs that consume them: ffmpeg/ffprobe (FFMETADATA,
//! WebVTT), mkvmerge/mkvinfo (Matroska XML with skip types).

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// S01E02 of the demo: cold open 0–30, intro 30–50, body 50–130, credits 130–140.
fn demo_episode() -> (PathBuf, PathBuf) {
    let demo = introskip::paths::demo_dir();
    (demo.join("Bunny Tales - S01E02.mp4"), demo.join("Bunny Tales - S01E02.truth.json"))
}

fn export(media: &Path, segments: &Path, format: &str, out: &Path) {
    let mut c = introskip();
    c.arg("export").arg(media).arg("--segments").arg(segments).args(["--format", format, "--out"]).arg(out);
    let o = run_with_timeout(c, 60);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn ffprobe_chapters(file: &Path) -> Vec<(f64, f64, String)> {
    let o = Command::new("ffprobe").args(["-v", "error", "-show_chapters", "-of", "json"]).arg(file).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let t = |k: &str| c[k].as_str().unwrap().parse::<f64>().unwrap();
            (t("start_time"), t("end_time"), c["tags"]["title"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

const EXPECTED: [(f64, f64, &str); 4] = [(0.0, 30.0, "Cold open"), (30.0, 50.0, "Intro"), (50.0, 130.0, "Episode"), (130.0, 140.0, "Credits")];

#[test]
fn ffmpeg_applies_our_ffmetadata_and_ffprobe_reads_back_exact_chapters() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let meta = dir.path().join("meta.txt");
    export(&media, &truth, "ffmetadata", &meta);
    let out = dir.path().join("with-chapters.mp4");
    ffmpeg(&["-i", media.to_str().unwrap(), "-i", meta.to_str().unwrap(), "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", out.to_str().unwrap()]);
    let chapters = ffprobe_chapters(&out);
    assert_eq!(chapters.len(), 4, "{chapters:?}");
    for ((s, e, t), (xs, xe, xt)) in chapters.iter().zip(EXPECTED) {
        assert_eq!((*s, *e, t.as_str()), (xs, xe, xt));
    }
}

#[test]
fn chapters_inside_a_file_import_back_as_the_segments_we_wrote() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let meta = dir.path().join("meta.txt");
    export(&media, &truth, "ffmetadata", &meta);
    let out = dir.path().join("with-chapters.mkv");
    ffmpeg(&["-i", media.to_str().unwrap(), "-i", meta.to_str().unwrap(), "-map", "0", "-map_chapters", "1", "-c", "copy", out.to_str().unwrap()]);
    let imported = introskip::segments::Segments::from_media_chapters(&out).unwrap();
    let spans: Vec<_> = imported.segments.iter().map(|s| (s.kind, s.start_ms, s.end_ms)).collect();
    use introskip::segments::Kind;
    assert_eq!(spans, vec![(Kind::ColdOpen, 0, 30_000), (Kind::Intro, 30_000, 50_000), (Kind::Credits, 130_000, 140_000)]);
    // And through the CLI: a media file as --segments re-exports its chapters.
    let vtt = dir.path().join("again.vtt");
    export(&out, &out, "webvtt", &vtt);
    assert!(std::fs::read_to_string(&vtt).unwrap().contains("00:00:30.000 --> 00:00:50.000\nIntro"));
}

#[test]
fn mkvmerge_accepts_our_chapters_with_skip_types() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("chapters.xml");
    export(&media, &truth, "mkv-xml", &xml);
    let out = dir.path().join("episode.mkv");
    let o = Command::new("mkvmerge").args(["-q", "-o"]).arg(&out).arg("--chapters").arg(&xml).arg(&media).output().expect("mkvmerge (mkvtoolnix) is installed");
    assert!(o.status.success(), "mkvmerge refused our XML: {}", String::from_utf8_lossy(&o.stdout));
    let info = String::from_utf8_lossy(&Command::new("mkvinfo").arg(&out).output().unwrap().stdout).into_owned();
    assert!(info.contains("Chapter skip type: 1 (opening credits)"), "{info}");
    assert!(info.contains("Chapter skip type: 2 (end credits)"));
    let chapters = ffprobe_chapters(&out);
    assert_eq!(chapters.iter().map(|c| c.2.as_str()).collect::<Vec<_>>(), ["Cold open", "Intro", "Episode", "Credits"]);
    assert_eq!((chapters[1].0, chapters[1].1), (30.0, 50.0));
}

#[test]
fn webvtt_chapters_parse_in_ffmpeg() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let vtt = dir.path().join("chapters.vtt");
    export(&media, &truth, "webvtt", &vtt);
    // FFmpeg's WebVTT demuxer is a real parser: convert the cues to SRT and read them back.
    let o = Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(&vtt).args(["-f", "srt", "-"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let srt = String::from_utf8_lossy(&o.stdout);
    assert!(srt.contains("00:00:30,000 --> 00:00:50,000\nIntro"), "{srt}");
    assert!(srt.contains("00:02:10,000 --> 00:02:20,000\nCredits"), "{srt}");
}

#[test]
fn segments_round_trip_and_bad_files_name_the_field() {
    use introskip::segments::{Kind, Segment, Segments, Source};
    let dir = tempfile::tempdir().unwrap();
    let s = Segments {
        version: 1,
        duration_ms: Some(1_234_567),
        segments: vec![
            Segment { kind: Kind::Recap, start_ms: 0, end_ms: 41_234, source: Source::HumanVerified, confidence: None },
            Segment { kind: Kind::Intro, start_ms: 41_234, end_ms: 92_001, source: Source::Predicted, confidence: Some(0.875) },
        ],
    };
    let path = dir.path().join("x.introskip.json");
    s.write(&path).unwrap();
    assert_eq!(Segments::read(&path).unwrap(), s, "our reader gives back exactly what we wrote");

    std::fs::write(&path, r#"{"segments": [{"kind": "intro", "start": 10, "end": 5}]}"#).unwrap();
    let err = Segments::read(&path).unwrap_err().to_string();
    assert!(err.contains("segments[0].end") && err.contains(&path.display().to_string()), "{err}");
    std::fs::write(&path, r#"{"segments": [{"kind": "opening", "start": 1, "end": 5}]}"#).unwrap();
    let err = Segments::read(&path).unwrap_err().to_string();
    assert!(err.contains("segments[0].kind"), "{err}");
}
