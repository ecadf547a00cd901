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
    let imported = introskip::formats::import::media_chapters(&out).unwrap();
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
        absent: Vec::new(),
        verified: false,
        segments: vec![
            Segment { kind: Kind::Recap, start_ms: 0, end_ms: 41_234, source: Source::HumanVerified, confidence: None },
            Segment { kind: Kind::Intro, start_ms: 41_234, end_ms: 92_001, source: Source::Predicted, confidence: Some(0.875) },
        ],
        media: None,
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

/// The demo episode's truth without its body: what chapter formats carry.
fn parts(s: &introskip::segments::Segments) -> Vec<(introskip::segments::Kind, u64, u64)> {
    s.segments.iter().filter(|s| s.kind != introskip::segments::Kind::Body).map(|s| (s.kind, s.start_ms, s.end_ms)).collect()
}

#[test]
fn every_format_reads_back_what_it_wrote() {
    use introskip::segments::Kind;
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let all = vec![(Kind::ColdOpen, 0, 30_000), (Kind::Intro, 30_000, 50_000), (Kind::Credits, 130_000, 140_000)];
    for (format, expected) in [
        ("json", all.clone()),
        ("ffmetadata", all.clone()),
        ("mkv-xml", all.clone()),
        ("webvtt", all.clone()),
        ("resolve-edl", all.clone()),
        // An EDL has no titles: skipped parts (intro) and markers (credits); no cold open.
        ("edl", vec![(Kind::Intro, 30_000, 50_000), (Kind::Credits, 130_000, 140_000)]),
        // SIS labels hold the intro only.
        ("sis", vec![(Kind::Intro, 30_000, 50_000)]),
    ] {
        let out = dir.path().join(format!("out.{format}"));
        export(&media, &truth, format, &out);
        let back = introskip::formats::import::read_any(&out).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(parts(&back), expected, "{format}");
        // And the CLI takes it as --segments (import, correct, re-export).
        let again = dir.path().join(format!("again-{format}.vtt"));
        export(&media, &out, "webvtt", &again);
    }
}

/// An episode without an intro is written to SIS labels as an empty span (start = end, as the
/// format's own labels say "none"), not refused, and reads back as the intro decided absent.
#[test]
fn sis_labels_write_an_episode_without_an_intro_as_an_empty_span() {
    use introskip::segments::Kind;
    let (media, _) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("no-intro.json");
    std::fs::write(&labels, r#"{"segments": [{"kind": "credits", "start": 130, "end": 140}]}"#).unwrap();
    let out = dir.path().join("labels.json");
    export(&media, &labels, "sis", &out);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let entry = &v["Bunny Tales - S01E02"];
    assert_eq!((entry["start"].as_str(), entry["end"].as_str()), (Some("0:00:00"), Some("0:00:00")), "{v}");
    let back = introskip::formats::import::read_any(&out).unwrap();
    assert!(back.segments.is_empty() && back.absent == vec![Kind::Intro], "{back:?}");
}

#[test]
fn opentimelineio_reads_our_markers() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode.otio");
    export(&media, &truth, "otio", &out);
    // The real OpenTimelineIO (PyPI, installed by the test set-up into the cache).
    let otio = introskip::paths::cache_dir().join("reference/otio");
    let script = "import sys, opentimelineio as otio\nt = otio.adapters.read_from_file(sys.argv[1])\nfor m in t.tracks[0][0].markers:\n    r = m.marked_range\n    print(m.name, r.start_time.to_seconds(), r.end_time_exclusive().to_seconds())\n";
    let o = Command::new(reference_python()).env("PYTHONPATH", &otio).args(["-c", script]).arg(&out).output().unwrap();
    assert!(o.status.success(), "OpenTimelineIO refused our file (is it installed in {}?): {}", otio.display(), String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "Cold open 0.0 30.0\nIntro 30.0 50.0\nCredits 130.0 140.0\n");
}

#[test]
fn resolve_edl_uses_the_timeline_start_and_frames() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("markers.edl");
    let mut c = introskip();
    c.arg("export").arg(&media).arg("--segments").arg(&truth).args(["--format", "resolve-edl", "--timeline-start", "00:00:00:00", "--title", "intro=Opening", "--out"]).arg(&out);
    assert!(run_with_timeout(c, 60).status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("TITLE: Bunny Tales - S01E02\nFCM: NON-DROP FRAME\n"), "{text}");
    assert!(text.contains("002  001      V     C        00:00:30:00 00:00:30:01 00:00:30:00 00:00:30:01  \n |C:ResolveColorBlue |M:Opening |D:500\n"), "{text}");
}

/// Stream list with decoded frame and packet counts, as ffprobe counts them.
fn streams_and_frames(file: &Path) -> Vec<(String, String, u64, u64)> {
    let o = Command::new("ffprobe").args(["-v", "error", "-count_frames", "-count_packets", "-show_entries", "stream=codec_type,codec_name,nb_read_frames,nb_read_packets", "-of", "json"]).arg(file).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = |s: &serde_json::Value, k: &str| s[k].as_str().and_then(|x| x.parse().ok()).unwrap_or(0);
    v["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["codec_type"].as_str().unwrap().to_string(), s["codec_name"].as_str().unwrap_or("").to_string(), n(s, "nb_read_frames"), n(s, "nb_read_packets")))
        .collect()
}

#[test]
fn remux_copies_every_stream_and_embeds_chapters() {
    let (media, truth) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let source = streams_and_frames(&media);
    let before = std::fs::read(&media).unwrap();
    let meta = dir.path().join("meta.txt");
    export(&media, &truth, "ffmetadata", &meta);
    for name in ["copy.mkv", "copy.mp4"] {
        let out = dir.path().join(name);
        let mut c = introskip();
        c.arg("remux").arg(&media).arg("--segments").arg(&truth).arg("--out").arg(&out);
        let o = run_with_timeout(c, 120);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ours = streams_and_frames(&out);
        // Every packet of every audio/video stream is there …
        let packets = |v: &[(String, String, u64, u64)]| v.iter().filter(|s| s.0 != "data").map(|s| (s.0.clone(), s.1.clone(), s.3)).collect::<Vec<_>>();
        assert_eq!(packets(&ours), packets(&source), "{name}: same streams, same packets");
        // … and it decodes exactly as the ffmpeg CLI's own stream copy with these chapters does
        // (an MP4 source's edit list hides the AAC priming frame; Matroska shows it; MP4 stores
        // chapters as a text track).
        let cli = dir.path().join(format!("cli-{name}"));
        ffmpeg(&["-i", media.to_str().unwrap(), "-i", meta.to_str().unwrap(), "-map", "0", "-map_chapters", "1", "-c", "copy", cli.to_str().unwrap()]);
        assert_eq!(ours, streams_and_frames(&cli), "{name}: decodes like ffmpeg's stream copy");
        let chapters = ffprobe_chapters(&out);
        assert_eq!(chapters.iter().map(|c| (c.0, c.1, c.2.as_str())).collect::<Vec<_>>(), EXPECTED.to_vec(), "{name}");
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".part")), "no temp file left");
    }
    assert!(std::fs::read(&media).unwrap() == before, "the source is untouched");
    // Never onto the source itself.
    let mut c = introskip();
    c.arg("remux").arg(&media).arg("--segments").arg(&truth).arg("--out").arg(&media);
    let o = run_with_timeout(c, 60);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to overwrite the source"));
}

#[test]
fn malformed_chapter_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, expected) in [
        ("a.ffmeta", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=abc\nEND=5\n", "line 4: START is not an integer"),
        ("b.vtt", "WEBVTT\n\n1\n00:00:10.000 --> 00:00:0x.000\nIntro\n", "line 4: bad cue end"),
        ("c.edl", "10 20 3\n30 x 3\n", "line 2: bad end time 'x'"),
        ("d.xml", "<?xml version=\"1.0\"?>\n<Chapters>\n<EditionEntry>\n<ChapterAtom>\n<ChapterTimeStart>zz</ChapterTimeStart>\n</ChapterAtom>\n</EditionEntry></Chapters>\n", "line 4: bad ChapterTimeStart"),
        ("e.edl", "TITLE: x\nFCM: NON-DROP FRAME\n\n001  001  V  C  01:00:00:00 01:00:00:01 01:0x:00:00 01:00:00:01\n", "line 4: bad record-in timecode"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = introskip::formats::import::read_any(&path).unwrap_err().to_string();
        assert!(err.contains(expected) && err.contains(name), "{name}: {err}");
    }
}

mod properties {
    use introskip::formats::{render_with, ExportOptions, Format};
    use introskip::segments::{Kind, Segment, Segments, Source};
    use proptest::prelude::*;

    /// Non-overlapping parts of a file with millisecond times, in order, as a user would have.
    fn parts() -> impl Strategy<Value = (Segments, u64)> {
        let kinds = prop::sample::select(vec![Kind::ColdOpen, Kind::Recap, Kind::Intro, Kind::Credits, Kind::Preview]);
        prop::collection::vec((kinds, 1u64..120_000, 1u64..120_000), 0..6).prop_map(|items| {
            let mut at = 0;
            let mut segments = Vec::new();
            for (kind, gap, len) in items {
                let start = at + gap;
                segments.push(Segment { kind, start_ms: start, end_ms: start + len, source: Source::Imported, confidence: None });
                at = start + len;
            }
            (Segments { version: 1, duration_ms: None, absent: Vec::new(), verified: false, segments, media: None }, at + 1000)
        })
    }

    fn spans(s: &Segments) -> Vec<(Kind, u64, u64)> {
        s.segments.iter().map(|s| (s.kind, s.start_ms, s.end_ms)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn chapter_formats_round_trip((segs, duration) in parts()) {
            for format in [Format::Ffmetadata, Format::MkvXml, Format::Webvtt, Format::Json] {
                let text = render_with(format, &segs, &ExportOptions { duration_ms: Some(duration), ..Default::default() }).unwrap();
                let back = introskip::formats::import::parse(&text, std::path::Path::new("prop")).unwrap();
                prop_assert_eq!(spans(&back), spans(&segs), "{:?}\n{}", format, text);
            }
        }

        #[test]
        fn our_json_is_lossless(
            (mut segs, duration) in parts(),
            conf in prop::option::of(0.0f32..1.0),
            verified in any::<bool>(),
        ) {
            for s in &mut segs.segments {
                s.confidence = conf;
                s.source = if verified { Source::HumanVerified } else { Source::Predicted };
            }
            segs.duration_ms = Some(duration);
            let text = render_with(Format::Json, &segs, &ExportOptions { duration_ms: Some(duration), ..Default::default() }).unwrap();
            let back = introskip::formats::import::parse(&text, std::path::Path::new("prop")).unwrap();
            prop_assert_eq!(back, segs);
        }

        #[test]
        fn resolve_markers_round_trip_at_frame_precision((segs, duration) in parts()) {
            // At 25 fps a frame is 40 ms: times come back as the frame shown at them.
            let text = introskip::formats::render_with(Format::ResolveEdl, &segs, &introskip::formats::ExportOptions { duration_ms: Some(duration), fps: Some(25.0), ..Default::default() }).unwrap();
            let back = introskip::formats::import::parse(&text, std::path::Path::new("prop")).unwrap();
            let round = |ms: u64| introskip::clock::frame_of(ms as f64 / 1000.0, 25.0) * 40;
            let expected: Vec<_> = segs.segments.iter().map(|s| (s.kind, round(s.start_ms), round(s.start_ms) + ((round(s.end_ms) - round(s.start_ms)) / 40).max(1) * 40)).collect();
            prop_assert_eq!(spans(&back), expected);
        }
    }
}

#[test]
fn a_season_exported_from_predictions_keeps_what_a_human_saved() {
    // Two episodes; predictions for both from a folder (as `detect --out` writes), and labels a
    // human verified in the app for the second: those win for it, the predictions stand for
    // the first, as the app's own export does it.
    use introskip::segments::{Kind, Segment, Segments, Source};
    let dir = tempfile::tempdir().unwrap();
    let season = dir.path().join("season");
    let preds = dir.path().join("preds");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&season).unwrap();
    std::fs::create_dir_all(&preds).unwrap();
    let demo = introskip::paths::demo_dir();
    let intro = |a: u64, b: u64, source| Segment { kind: Kind::Intro, start_ms: a, end_ms: b, source, confidence: None };
    let labels = |segments: Vec<Segment>, verified| Segments { version: introskip::segments::VERSION, duration_ms: None, absent: Vec::new(), verified, segments, media: None };
    for (ep, predicted) in [("S01E01", (0, 20_000)), ("S01E02", (29_000, 52_000))] {
        let name = format!("Bunny Tales - {ep}");
        std::fs::copy(demo.join(format!("{name}.mp4")), season.join(format!("{name}.mp4"))).unwrap();
        labels(vec![intro(predicted.0, predicted.1, Source::Predicted)], false).write(&preds.join(format!("{name}.pred.json"))).unwrap();
    }
    introskip::segments::save(&season.join("Bunny Tales - S01E02.mp4"), &labels(vec![intro(30_000, 50_000, Source::HumanVerified)], true)).unwrap();
    let mut c = introskip();
    c.arg("export").arg(&season).arg("--segments").arg(&preds).args(["--format", "ffmetadata", "--out"]).arg(&out);
    let o = run_with_timeout(c, 60);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let intro_of = |ep: &str| {
        let file = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).find(|p| p.file_name().unwrap().to_string_lossy().contains(ep)).expect("written");
        let s = introskip::formats::import::read_any(&file).unwrap();
        s.segments.iter().find(|s| s.kind == Kind::Intro).map(|s| (s.start_ms, s.end_ms))
    };
    assert_eq!(intro_of("S01E01"), Some((0, 20_000)), "the prediction, nothing saved");
    assert_eq!(intro_of("S01E02"), Some((30_000, 50_000)), "the human's verified intro, not the prediction");
    // A season's copies go into a folder: a file name for them is refused, and nothing written.
    let mut c = introskip();
    c.arg("remux").arg(&season).arg("--segments").arg(&preds).arg("--out").arg(season.join("x.mkv"));
    let o = run_with_timeout(c, 60);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("names one file, but 2 episodes are given"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!season.join("x.mkv").exists());
}

#[test]
fn exporting_a_missing_episode_says_the_file_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("S01E09.mkv");
    let mut c = introskip();
    c.arg("export").arg(&missing).args(["--format", "ffmetadata"]);
    let o = run_with_timeout(c, 30);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(&missing.display().to_string()) && stderr.contains("no such file or directory") && !stderr.contains("introskip.json"), "{stderr}");
}

#[test]
fn a_format_refusing_the_segments_names_what_was_not_written() {
    // An 8 s intro: YouTube wants every chapter 10 s or longer. Into a folder, the chapter file
    // is named; to standard output, that (an outside trial read the episode's name in front of
    // the refusal as a damaged video).
    let (media, _) = demo_episode();
    let dir = tempfile::tempdir().unwrap();
    let segments = dir.path().join("short.json");
    std::fs::write(&segments, r#"{"version": 1, "segments": [{"kind": "intro", "start_ms": 2000, "end_ms": 10000, "source": "human_edited"}]}"#).unwrap();
    for (out, named) in [(dir.path().join("out"), dir.path().join("out/Bunny Tales - S01E02.youtube.txt").display().to_string()), (std::path::PathBuf::from("-"), "standard output: nothing written for".to_string())] {
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        let mut c = introskip();
        c.arg("export").arg(&media).arg("--segments").arg(&segments).args(["--format", "youtube", "--out"]).arg(&out);
        let o = run_with_timeout(c, 60);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("{named}")) && stderr.contains("YouTube chapters must last at least 10 s"), "{stderr}");
        assert!(o.stdout.is_empty(), "nothing on standard output: {}", String::from_utf8_lossy(&o.stdout));
    }
}

#[test]
fn episodes_nobody_labelled_are_exported_with_what_detect_finds_and_saved_labels_win() {
    // As the app's Export: an episode with labels saved exports them; one without is found now
    // (the outside trial's command line refused a season the app exported).
    use introskip::segments::{Kind, Segment, Segments, Source};
    let demo = introskip::paths::demo_dir();
    let dir = tempfile::tempdir().unwrap();
    let season = dir.path().join("Bunny Tales");
    std::fs::create_dir(&season).unwrap();
    for n in [1, 2] {
        std::fs::copy(demo.join(format!("Bunny Tales - S01E0{n}.mp4")), season.join(format!("Bunny Tales - S01E0{n}.mp4"))).unwrap();
    }
    let labelled = season.join("Bunny Tales - S01E01.mp4");
    let mine = Segments { segments: vec![Segment { kind: Kind::Intro, start_ms: 1_000, end_ms: 21_000, source: Source::HumanVerified, confidence: None }], verified: true, ..Default::default() };
    introskip::segments::save(&labelled, &mine).unwrap();
    let out = dir.path().join("chapters");
    let mut c = introskip();
    c.arg("export").arg(&season).args(["--format", "ffmetadata", "--out"]).arg(&out);
    let o = run_with_timeout(c, 300);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("Bunny Tales - S01E02.mp4: no labels saved for it: the segments found now are exported"), "{stderr}");
    assert!(!stderr.contains("S01E01.mp4: no labels saved"), "{stderr}");
    let chapter = |file: &str, title: &str| {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let at = text.find(&format!("title={title}\n")).unwrap_or_else(|| panic!("no {title} in {text}"));
        let block = &text[text[..at].rfind("[CHAPTER]").unwrap()..at];
        let ms = |key: &str| block.lines().find_map(|l| l.strip_prefix(key)).unwrap().parse::<u64>().unwrap();
        (ms("START="), ms("END="))
    };
    assert_eq!(chapter("Bunny Tales - S01E01.ffmetadata.txt", "Intro"), (1_000, 21_000), "the saved labels");
    // S01E02's intro is 30–50 s (its truth): found by the model.
    let (start, end) = chapter("Bunny Tales - S01E02.ffmetadata.txt", "Intro");
    assert!(start.abs_diff(30_000) <= 1_000 && end.abs_diff(50_000) <= 1_000, "{start}–{end}");
}
