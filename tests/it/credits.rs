//! The end of the episode: credits scrolling over black, then a "Next time" preview, found in the
//! tail and handed to the exports; story after the credits is reported, never skipped.

use crate::common::{ffmpeg, introskip, run_with_timeout};
use std::path::{Path, PathBuf};

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/// 40 s of story (a zooming fractal, no text), 20 s of names scrolling up over black, then
/// `after`: a preview of 2 s shots opening with a "Next time" caption, or 12 s more story.
fn episode(dir: &Path, name: &str, after: &str) -> PathBuf {
    let names = dir.join(format!("{name}.txt"));
    std::fs::write(&names, "Cast\nAda Brook\nBen Castell\nCora Diaz\nDev Ellis\nEva Fontaine\n\nDirected by\nFinn Gray").unwrap();
    let scroll = format!(
        "drawtext=fontfile={FONT}:textfile={}:fontcolor=white:fontsize=24:line_spacing=12:x=(w-tw)/2:y=h-38*t",
        names.display()
    );
    let tail = match after {
        "preview" => format!(
            "testsrc2=s=640x360:r=25:d=2[p1];smptebars=s=640x360:r=25:d=2[p2];rgbtestsrc=s=640x360:r=25:d=2[p3];mandelbrot=s=640x360:r=25:start_scale=0.5,trim=duration=2[p4];\
             [p1][p2][p3][p4]concat=n=4,setpts=PTS-STARTPTS,drawtext=fontfile={FONT}:text='Next time':fontcolor=white:fontsize=26:x=(w-tw)/2:y=h-th-30:borderw=2:enable='lt(t,3)'[after]"
        ),
        _ => "mandelbrot=s=640x360:r=25:start_scale=0.2,trim=duration=12,setpts=PTS-STARTPTS[after]".to_string(),
    };
    let graph = format!(
        "mandelbrot=s=640x360:r=25,trim=duration=40,setpts=PTS-STARTPTS,format=yuv420p[story];\
         color=c=black:s=640x360:r=25:d=20,{scroll},format=yuv420p[credits];{tail};[after]format=yuv420p[after2];\
         [story][credits][after2]concat=n=3[v]"
    );
    let out = dir.join(format!("{name}.mkv"));
    ffmpeg(&["-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", out.to_str().unwrap()]);
    out
}

fn detect(file: &Path, out: &Path) -> serde_json::Value {
    let mut c = introskip();
    c.arg("detect").arg(file).args(["--tail", "35", "--single", "--out"]).arg(out);
    let o = run_with_timeout(c, 300);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("credits 0:40") || text.contains("credits 0:39"), "the summary names the credits: {text}");
    serde_json::from_slice(&std::fs::read(out.join(format!("{stem}.pred.json"))).unwrap()).unwrap()
}

fn segment(pred: &serde_json::Value, kind: &str) -> Option<(f64, f64)> {
    pred["segments"].as_array().unwrap().iter().find(|s| s["kind"] == kind).map(|s| (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap()))
}

#[test]
fn credits_over_black_and_the_preview_after_them_are_found_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let file = episode(dir.path(), "Show - S01E01", "preview");
    let pred = detect(&file, &dir.path().join("pred"));
    let (start, end) = segment(&pred, "credits").expect("credits found");
    assert!((start - 40.0).abs() <= 1.0 && (end - 60.0).abs() <= 1.0, "credits {start}–{end}, truth 40–60");
    let (p0, p1) = segment(&pred, "preview").expect("preview found");
    assert!((p0 - 60.0).abs() <= 1.0 && (p1 - 68.0).abs() <= 0.1, "preview {p0}–{p1}, truth 60–68");
    assert_eq!(pred["tail_window"], serde_json::json!([33.0, 68.0]));
    assert!(pred["post_credits"].is_null());

    // The exports carry them: Matroska chapters skip credits as type 2 and the preview as 4, and
    // Kodi's EDL gets a line for the credits.
    let pred_file = dir.path().join("pred/Show - S01E01.pred.json");
    let export = |format: &str| {
        let mut c = introskip();
        c.arg("export").arg(&file).args(["--format", format, "--segments"]).arg(&pred_file).arg("--out").arg(dir.path().join(format));
        let o = run_with_timeout(c, 60);
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(String::from_utf8_lossy(&o.stdout).trim()).unwrap()
    };
    let xml = export("mkv-xml");
    for want in ["<ChapterSkipType>2</ChapterSkipType>", "<ChapterSkipType>4</ChapterSkipType>", "Credits", "Preview"] {
        assert!(xml.contains(want), "the Matroska chapters lack {want}: {xml}");
    }
    // Kodi: the credits as a scene marker (action 2), where they start and end.
    let edl = export("edl");
    let marks: Vec<Vec<f64>> = edl.lines().map(|l| l.split('\t').map(|v| v.parse().unwrap()).collect()).collect();
    assert!(marks.iter().any(|m| (m[0] - start).abs() < 0.01 && (m[1] - end).abs() < 0.01 && m[2] == 2.0), "{edl}");
}

#[test]
fn story_after_the_credits_is_a_post_credits_scene_and_is_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = episode(dir.path(), "Show - S01E02", "story");
    let pred = detect(&file, &dir.path().join("pred"));
    let (start, end) = segment(&pred, "credits").expect("credits found");
    assert!((start - 40.0).abs() <= 1.0 && (end - 60.0).abs() <= 1.0, "credits {start}–{end}, truth 40–60");
    assert!(segment(&pred, "preview").is_none(), "no preview: {pred}");
    let scene = pred["post_credits"].as_array().expect("the scene after the credits is reported");
    assert!((scene[0].as_f64().unwrap() - 60.0).abs() <= 1.0 && (scene[1].as_f64().unwrap() - 72.0).abs() <= 0.1, "{scene:?}");
}

/// Credits found from the tail's first second: what came before was not looked at, so their
/// start may be the window's; the note says so and how to look further back. (Here the tail
/// begins where the names do, 0:40, and the keyframes before it show story: nothing to look
/// back through.)
#[test]
fn credits_running_from_the_tails_first_second_are_said_to_maybe_begin_earlier() {
    let dir = tempfile::tempdir().unwrap();
    let file = episode(dir.path(), "Show - S01E05", "story");
    let run = |tail: &str, out: &str| {
        let mut c = introskip();
        c.arg("detect").arg(&file).args(["--tail", tail, "--single", "--out"]).arg(dir.path().join(out));
        let o = run_with_timeout(c, 300);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let said = run("32", "pred");
    assert!(said.contains("the credits run from where the tail analysed begins (0:40.0): they may begin earlier; a longer tail (--tail"), "{said}");
    // With a tail that holds them whole, no such word.
    let said = run("40", "pred2");
    assert!(!said.contains("may begin earlier"), "{said}");
}

#[test]
fn a_long_tail_is_looked_at_through_its_keyframes_first_and_sampled_only_where_the_credits_are() {
    // A 10-minute episode (its tail: the last 150 s): story, names over black at 8:40–9:20, then
    // 40 s of story after them. Keyframes every 2 s.
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "Cast\nAda Brook\nBen Castell\nCora Diaz\nDev Ellis\nEva Fontaine\nFinn Gray\nGia Holt\n\nDirected by\nHugo Ito").unwrap();
    let graph = format!(
        "gradients=s=320x180:r=25:d=520:speed=0.02[a];\
         color=c=black:s=320x180:r=25:d=40,drawtext=fontfile={FONT}:textfile={}:fontcolor=white:fontsize=14:line_spacing=6:x=(w-tw)/2:y=h-9*t[b];\
         gradients=s=320x180:r=25:d=40:seed=7[c];[a][b][c]concat=n=3,format=yuv420p[v]",
        names.display()
    );
    let file = dir.path().join("Long - S01E01.mkv");
    ffmpeg(&["-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", file.to_str().unwrap()]);
    let out = dir.path().join("pred");
    let mut c = introskip();
    c.arg("detect").arg(&file).args(["--single", "--out"]).arg(&out);
    let o = run_with_timeout(c, 300);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pred: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("Long - S01E01.pred.json")).unwrap()).unwrap();
    assert_eq!(pred["tail_window"], serde_json::json!([450.0, 600.0]));
    let (start, end) = segment(&pred, "credits").expect("credits found");
    assert!((start - 520.0).abs() <= 1.0 && (end - 560.0).abs() <= 1.0, "credits {start}–{end}, truth 520–560");
    let scene = pred["post_credits"].as_array().unwrap_or_else(|| panic!("the story after the credits is reported: {pred}"));
    assert!((scene[0].as_f64().unwrap() - 560.0).abs() <= 1.0, "{scene:?}");
    // Only the stretch from shortly before the credits was sampled at 1 FPS, not all 150 s.
    let sampled = pred["credits_evidence"].as_array().unwrap().len();
    assert!((80..=100).contains(&sampled), "{sampled} seconds sampled at 1 FPS");
}

/// One episode of a season whose credits play the series' end theme: 140 s of story (its own
/// footage, and its own melody for sound: pink noise of any seed matches pink noise), then 20 s of names over black to the theme, a melody of pseudo-random
/// notes (the same in every episode). With `faint`, the names are set dark grey on black, a
/// typography no picture cue reads (as a hairline font over bright footage is on real TV).
fn themed_episode(dir: &Path, name: &str, seed: u32, faint: bool) -> PathBuf {
    let names = dir.join(format!("{name}.txt"));
    std::fs::write(&names, "Cast\nAda Brook\nBen Castell\nCora Diaz\n\nDirected by\nFinn Gray\n\nMusic by\nGil Hart").unwrap();
    let colour = if faint { "0x141414" } else { "white" };
    let scroll = format!("drawtext=fontfile={FONT}:textfile={}:fontcolor={colour}:fontsize=24:line_spacing=12:x=(w-tw)/2:y=h-38*t", names.display());
    let theme = "aevalsrc=0.4*sin(2*PI*t*220*pow(2\\,floor(24*abs(sin(floor(3*t)*12.9898+1.7)))/12)):s=44100:d=20";
    let graph = format!(
        "mandelbrot=s=640x360:r=25:start_scale={scale}:start_x=-0.{seed}43,trim=duration=140,setpts=PTS-STARTPTS,format=yuv420p[story];\
         color=c=black:s=640x360:r=25:d=20,{scroll},format=yuv420p[credits];[story][credits]concat=n=2[v];\
         aevalsrc=0.2*sin(2*PI*t*330*pow(2\\,floor(24*abs(sin(floor(2.5*t)*(7.31+{seed})+0.3)))/12)):s=44100:d=140[talk];{theme}[music];[talk][music]concat=n=2:v=0:a=1[a]",
        scale = 0.1 + 0.2 * f64::from(seed)
    );
    let out = dir.join(format!("{name}.mkv"));
    ffmpeg(&["-filter_complex", &graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-c:a", "aac", out.to_str().unwrap()]);
    out
}

#[test]
fn credits_whose_names_no_picture_cue_reads_are_found_by_the_end_theme_the_season_plays_during_its_credits() {
    let dir = tempfile::tempdir().unwrap();
    let season = dir.path().join("Theme Show");
    std::fs::create_dir(&season).unwrap();
    for (k, faint) in [false, true, false].into_iter().enumerate() {
        themed_episode(&season, &format!("Theme Show - S01E0{}", k + 1), k as u32 + 1, faint);
    }
    // Each run with a cache of its own, to count the sound it read: one read per window.
    let sounds_read = |out: &Path| std::fs::read_dir(out.with_extension("cache").join("audio")).map_or(0, |d| d.count());
    let run = |args: &[&str], out: &Path| {
        let mut c = introskip();
        // A 150 s tail: its keyframes are looked at first, and only where they show credits is
        // it sampled at 1 FPS; where none do (E02), only its sound is read, and only where
        // another episode's credits could share its end theme.
        c.arg("detect").arg(&season).args(["--tail", "150"]).args(args).arg("--out").arg(out).env("INTROSKIP_CACHE", out.with_extension("cache"));
        let o = run_with_timeout(c, 600);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let pred = |e: u32| -> serde_json::Value { serde_json::from_slice(&std::fs::read(out.join(format!("Theme Show - S01E0{e}.pred.json"))).unwrap()).unwrap() };
        (String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr), pred(1), pred(2), pred(3))
    };
    // Each episode alone: the picture rule finds E01's and E03's names, and none in E02.
    let (_, e1, e2, _) = run(&["--single"], &dir.path().join("single"));
    assert!(segment(&e1, "credits").is_some_and(|(s, e)| (s - 140.0).abs() <= 1.0 && (e - 160.0).abs() <= 0.1), "{e1}");
    assert!(segment(&e2, "credits").is_none(), "the faint names are seen: the test does not test the theme: {e2}");
    // Alone, E02's tail sound could serve nothing: three heads and E01's and E03's credits read.
    assert_eq!(sounds_read(&dir.path().join("single")), 5, "E02's credits-less tail is not listened to when each episode is judged alone");
    // The season: E02's credits by the sound E01 and E03 play during theirs, flagged for a check.
    let (said, _, e2, _) = run(&[], &dir.path().join("season"));
    assert_eq!(sounds_read(&dir.path().join("season")), 6, "in the season E02's tail is listened to");
    let (start, end) = segment(&e2, "credits").expect("E02's credits found by the end theme");
    assert!((start - 140.0).abs() <= 0.5 && (end - 160.0).abs() <= 0.1, "credits {start}–{end}, truth 2:20–2:40");
    let credits = e2["segments"].as_array().unwrap().iter().find(|s| s["kind"] == "credits").unwrap();
    assert_eq!(credits["start_by"][0], "sound", "{credits}");
    assert_eq!(credits["repeats_in"], 2, "{credits}");
    assert!(credits["confidence"].as_f64().unwrap() < 0.7, "found by sound alone, it is flagged: {credits}");
    assert!(said.contains("Theme Show - S01E02.mkv: end credits found by their sound at 2:") && said.contains("2 other episodes of the season play this end theme"), "the run says why: {said}");
    // `scan` counts that episode among those to check (until 2026-12-03 only intros counted,
    // and these credits went into the player's files unflagged).
    let mut c = introskip();
    c.arg("scan").arg(&season).args(["--tail", "150", "--json"]);
    let o = run_with_timeout(c, 600);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["uncertain"], 1, "E02's credits by sound alone: {summary}");
    let e2 = lines.iter().flat_map(|l| l["episodes"].as_array().cloned().unwrap_or_default()).find(|e| e.to_string().contains("S01E02")).unwrap();
    assert!(e2.to_string().contains("\"uncertain\":true"), "{e2}");
}
