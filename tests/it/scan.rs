//! `introskip scan` on a small library made of the demo's episodes: nested and flat layouts,
//! several series in one folder, absolute numbering, an unreadable file. Checked on what a media
//! server and a player read: the sidecars, Kodi's EDL lines, the chapters ffprobe finds in the
//! stream copies; then incremental rescans, a human's labels, a new episode, dry runs and shards.

use crate::common::*;
use std::path::{Path, PathBuf};

fn copy_demo(n: u32, to: &Path) -> PathBuf {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(introskip::paths::demo_dir().join(format!("Bunny Tales - S01E0{n}.mp4")), to).unwrap();
    to.to_path_buf()
}

/// Runs `scan` with `args`; returns its JSON lines (seasons, then the summary).
fn scan(library: &Path, args: &[&str]) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut cmd = introskip();
    cmd.arg("scan").arg(library).args(["--window", "60", "--json"]).args(args).env("OMP_NUM_THREADS", "1");
    let out = run_with_timeout(cmd, 600);
    let mut lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = lines.pop().unwrap()["summary"].clone();
    // Exit 1 exactly when an episode failed.
    let failed = summary["failed"].as_array().is_some_and(|f| !f.is_empty());
    assert_eq!(out.status.code(), Some(i32::from(failed)), "scan: {}", String::from_utf8_lossy(&out.stderr));
    (lines, summary)
}

fn outcomes(lines: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = lines
        .iter()
        .flat_map(|l| l["episodes"].as_array().unwrap().iter().map(|e| (Path::new(e["file"].as_str().unwrap()).file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()), e["outcome"]["status"].as_str().unwrap().to_string())))
        .collect();
    all.sort();
    all
}

fn chapter_titles(file: &Path) -> Vec<(f64, String)> {
    let out = std::process::Command::new("ffprobe").args(["-v", "error", "-show_chapters", "-of", "json"]).arg(file).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["chapters"].as_array().unwrap().iter().map(|c| (c["start_time"].as_str().unwrap().parse().unwrap(), c["tags"]["title"].as_str().unwrap_or("").to_string())).collect()
}

#[test]
fn a_library_is_scanned_handed_off_and_rescanned_incrementally() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("Library");
    let out = work.path().join("jellyfin");
    let bunny = lib.join("Bunny Tales/Season 01");
    let e01 = copy_demo(1, &bunny.join("Bunny Tales - S01E01.mp4"));
    copy_demo(2, &bunny.join("Bunny Tales - S01E02.mp4"));
    // A flat folder with two series, one file of which is not a video.
    for (n, name) in [(1, "Alpha - S01E01.mp4"), (2, "Alpha - S01E02.mp4"), (3, "Beta - 1x01.mp4"), (2, "Beta - 1x02.mp4")] {
        copy_demo(n, &lib.join("Mixed").join(name));
    }
    std::fs::write(lib.join("Mixed/Alpha - S01E03.mp4"), b"not a video").unwrap();
    // Absolute numbering inside a show folder.
    copy_demo(3, &lib.join("Anime Show/Anime Show - 01.mp4"));
    copy_demo(1, &lib.join("Anime Show/Anime Show - 02.mp4"));

    // What a dry run would do: every season, nothing written.
    let (lines, summary) = scan(&lib, &["--dry-run"]);
    assert_eq!(summary["seasons"], 4, "{summary}");
    let seasons: Vec<&str> = lines.iter().map(|l| l["season"].as_str().unwrap()).collect();
    assert_eq!(seasons, ["Anime Show", "Bunny Tales/Season 01#bunnytales", "Mixed#alpha", "Mixed#beta"]);
    assert!(outcomes(&lines).iter().all(|(_, o)| o == "would_judge"));
    assert!(!introskip::segments::sidecar_path(&e01).exists(), "a dry run wrote a sidecar");

    // Shards split the seasons between them, each season once.
    let (a, _) = scan(&lib, &["--dry-run", "--shard", "1/2"]);
    let (b, _) = scan(&lib, &["--dry-run", "--shard", "2/2"]);
    let mut both: Vec<&str> = a.iter().chain(&b).map(|l| l["season"].as_str().unwrap()).collect();
    both.sort();
    assert_eq!(both, seasons);

    // The first scan: Kodi EDLs beside the episodes, Jellyfin copies in a tree like the library.
    let (lines, summary) = scan(&lib, &["--handoff", "kodi", "--handoff", "jellyfin", "--out", out.to_str().unwrap()]);
    assert_eq!((summary["episodes"].as_u64(), summary["judged"].as_u64()), (Some(9), Some(8)), "{summary}");
    let failed = summary["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed[0][0].as_str().unwrap().ends_with("Alpha - S01E03.mp4") && failed[0][1].as_str().unwrap().contains("not a media file"), "{failed:?}");
    assert!(summary["found"].as_u64().unwrap() >= 6, "intros found: {summary}");
    let edl = std::fs::read_to_string(bunny.join("Bunny Tales - S01E01.edl")).unwrap();
    let fields: Vec<&str> = edl.lines().next().expect("an EDL line").split_whitespace().collect();
    assert_eq!(fields.len(), 3, "{edl}");
    let (start, end): (f64, f64) = (fields[0].parse().unwrap(), fields[1].parse().unwrap());
    assert!(start < 1.0 && (end - 20.0).abs() < 1.5 && fields[2] == "3", "S01E01's intro 0–20 s, skipped: {edl}");
    let copy = out.join("Bunny Tales/Season 01/Bunny Tales - S01E01.mkv");
    let chapters = chapter_titles(&copy);
    assert!(chapters.iter().any(|(t, title)| *t < 1.0 && title == "Intro"), "{chapters:?}");
    assert!(out.join("Mixed/Beta - 1x02.mkv").exists() && out.join("Anime Show/Anime Show - 02.mkv").exists());
    assert!(lines.iter().all(|l| l["written"].as_array().is_some()));

    // A rescan of the unchanged library: nothing judged. The unreadable file, unchanged, is said
    // again without its season being judged again (until 2026-12-04 Mixed#alpha was, on every
    // scan, and its hand-offs rewritten).
    let alpha_edl = lib.join("Mixed/Alpha - S01E01.edl");
    let written_at = std::fs::metadata(&alpha_edl).unwrap().modified().unwrap();
    let (lines, summary) = scan(&lib, &["--handoff", "kodi", "--handoff", "jellyfin", "--out", out.to_str().unwrap()]);
    assert_eq!(summary["unchanged"], 8, "{summary}");
    assert_eq!(summary["judged"], 0, "{summary}");
    let failed = summary["failed"].as_array().unwrap();
    assert!(failed.len() == 1 && failed[0][1].as_str().unwrap().contains("not a media file"), "said again: {failed:?}");
    assert_eq!(std::fs::metadata(&alpha_edl).unwrap().modified().unwrap(), written_at, "its season's hand-offs rewritten");
    assert!(outcomes(&lines).iter().filter(|(n, _)| n.starts_with("Bunny")).all(|(_, o)| o == "unchanged"));
    // The broken file replaced by a good one: its season is judged again.
    copy_demo(3, &lib.join("Mixed/Alpha - S01E03.mp4"));
    let (_, summary) = scan(&lib, &["--handoff", "kodi", "--handoff", "jellyfin", "--out", out.to_str().unwrap()]);
    assert_eq!((summary["judged"].as_u64(), summary["failed"].as_array().map(Vec::len)), (Some(3), Some(0)), "{summary}");

    // A human's labels on S01E01, and a new episode in its season: the season is judged again,
    // the human's intro stays and is what the hand-offs carry.
    let mut labels = introskip::segments::Segments::read(&introskip::segments::sidecar_path(&e01)).unwrap();
    labels.segments.retain(|s| s.kind != introskip::segments::Kind::Intro);
    labels.segments.push(introskip::segments::Segment { kind: introskip::segments::Kind::Intro, start_ms: 1_000, end_ms: 19_000, source: introskip::segments::Source::HumanVerified, confidence: None });
    labels.verified = true;
    labels.write(&introskip::segments::sidecar_path(&e01)).unwrap();
    copy_demo(3, &bunny.join("Bunny Tales - S01E03.mp4"));
    let e02_copy = out.join("Bunny Tales/Season 01/Bunny Tales - S01E02.mkv");
    let e02_copied_at = std::fs::metadata(&e02_copy).unwrap().modified().unwrap();
    let (lines, summary) = scan(&lib, &["--handoff", "kodi", "--handoff", "jellyfin", "--out", out.to_str().unwrap()]);
    // S01E02's answer did not change: its stream copy is not written again.
    assert_eq!(std::fs::metadata(&e02_copy).unwrap().modified().unwrap(), e02_copied_at);
    let bunny_outcomes: Vec<(String, String)> = outcomes(&lines).into_iter().filter(|(n, _)| n.starts_with("Bunny")).collect();
    assert_eq!(bunny_outcomes, [("Bunny Tales - S01E01.mp4".to_string(), "human".to_string()), ("Bunny Tales - S01E02.mp4".into(), "judged".into()), ("Bunny Tales - S01E03.mp4".into(), "judged".into())]);
    assert_eq!(summary["human"], 1);
    let kept = introskip::segments::Segments::read(&introskip::segments::sidecar_path(&e01)).unwrap();
    assert!(kept.verified && kept.segments.iter().any(|s| s.kind == introskip::segments::Kind::Intro && s.start_ms == 1_000 && s.end_ms == 19_000), "{kept:?}");
    let edl = std::fs::read_to_string(bunny.join("Bunny Tales - S01E01.edl")).unwrap();
    assert!(edl.starts_with("1.000\t19.000\t3") || edl.starts_with("1.000 19.000 3"), "the EDL carries the human's intro: {edl}");
    assert!(chapter_titles(&copy).iter().any(|(t, title)| (*t - 1.0).abs() < 0.01 && title == "Intro"));
    assert!(out.join("Bunny Tales/Season 01/Bunny Tales - S01E03.mkv").exists());

    // A media manager renames S01E01: the human's labels follow it, and the hand-offs for the
    // new name carry them (before 2026-12-04 it was judged as if nobody had labelled it).
    let renamed = bunny.join("Bunny Tales - S01E01 - Pilot.mp4");
    std::fs::rename(&e01, &renamed).unwrap();
    let (lines, summary) = scan(&lib, &["--handoff", "kodi", "--handoff", "jellyfin", "--out", out.to_str().unwrap()]);
    assert_eq!(summary["moved"], 1, "{summary}");
    let moved = lines.iter().find_map(|l| l["moved"].as_array().filter(|m| !m.is_empty())).expect("the season says what moved");
    assert!(moved[0]["labels_were"].as_str().unwrap().ends_with("Bunny Tales - S01E01.mp4.introskip.json") && moved[0]["now_of"].as_str().unwrap().ends_with("Pilot.mp4"), "{moved:?}");
    assert!(outcomes(&lines).contains(&("Bunny Tales - S01E01 - Pilot.mp4".to_string(), "human".to_string())), "{lines:?}");
    assert!(!introskip::segments::sidecar_path(&e01).exists(), "the old name's labels are moved, not copied");
    let kept = introskip::segments::Segments::read(&introskip::segments::sidecar_path(&renamed)).unwrap();
    assert!(kept.verified && kept.segments.iter().any(|s| s.kind == introskip::segments::Kind::Intro && s.start_ms == 1_000 && s.end_ms == 19_000), "{kept:?}");
    let edl = std::fs::read_to_string(bunny.join("Bunny Tales - S01E01 - Pilot.edl")).unwrap();
    assert!(edl.starts_with("1.000\t19.000\t3") || edl.starts_with("1.000 19.000 3"), "the new name's EDL carries the human's intro: {edl}");
    // What was written for the old name goes with it: the EDL beside no video, the second copy
    // Jellyfin would list; the new name's are there.
    let old_copy = out.join("Bunny Tales/Season 01/Bunny Tales - S01E01.mkv");
    assert!(!bunny.join("Bunny Tales - S01E01.edl").exists() && !old_copy.exists(), "{lines:?}");
    assert!(out.join("Bunny Tales/Season 01/Bunny Tales - S01E01 - Pilot.mkv").exists());
    assert_eq!(summary["removed"], 2, "{summary}");

    // Other hand-offs asked for: written from the saved labels, nothing judged again (before
    // 2026-12-04 the whole library was). Then a human's edit in the app: only its hand-offs.
    let (lines, summary) = scan(&lib, &["--handoff", "kodi"]);
    assert_eq!((summary["judged"].as_u64(), summary["handed_off"].as_u64(), summary["failed"].as_array().map(Vec::len)), (Some(0), Some(10), Some(0)), "{summary}");
    assert!(outcomes(&lines).iter().all(|(_, o)| o == "handed_off"), "{lines:?}");
    let e02 = bunny.join("Bunny Tales - S01E02.mp4");
    let mut labels = introskip::segments::read_saved(&e02).unwrap().unwrap();
    labels.segments.retain(|s| s.kind != introskip::segments::Kind::Intro);
    labels.segments.push(introskip::segments::Segment { kind: introskip::segments::Kind::Intro, start_ms: 29_000, end_ms: 51_000, source: introskip::segments::Source::HumanEdited, confidence: None });
    introskip::segments::save(&e02, &labels).unwrap();
    let (lines, summary) = scan(&lib, &["--handoff", "kodi"]);
    assert_eq!((summary["judged"].as_u64(), summary["handed_off"].as_u64(), summary["unchanged"].as_u64()), (Some(0), Some(1), Some(9)), "{summary}");
    assert!(outcomes(&lines).contains(&("Bunny Tales - S01E02.mp4".to_string(), "handed_off".to_string())));
    let edl = std::fs::read_to_string(bunny.join("Bunny Tales - S01E02.edl")).unwrap();
    assert!(edl.starts_with("29.000\t51.000\t3") || edl.starts_with("29.000 51.000 3"), "the edit reaches Kodi: {edl}");

    // Two names swapped (numbering corrected): the human's labels stay with their episode.
    let e03 = bunny.join("Bunny Tales - S01E03.mp4");
    let tmp = bunny.join("swap.tmp");
    std::fs::rename(&e02, &tmp).unwrap();
    std::fs::rename(&e03, &e02).unwrap();
    std::fs::rename(&tmp, &e03).unwrap();
    let (lines, summary) = scan(&lib, &["--handoff", "kodi"]);
    assert_eq!(summary["moved"], 2, "{summary} {lines:?}");
    let edl = std::fs::read_to_string(bunny.join("Bunny Tales - S01E03.edl")).unwrap();
    assert!(edl.starts_with("29.000\t51.000\t3") || edl.starts_with("29.000 51.000 3"), "the human's intro went with its episode: {edl}");
    // A new release under the same name: the human's labels are kept, and said to be made on
    // another file, on this scan and the next.
    copy_demo(1, &e03);
    for _ in 0..2 {
        let (lines, _) = scan(&lib, &["--handoff", "kodi"]);
        let said = lines.iter().any(|l| l["warnings"].as_array().is_some_and(|w| w.iter().any(|w| w["file"].as_str().is_some_and(|f| f.ends_with("S01E03.mp4")) && w["warning"].as_str().is_some_and(|t| t.contains("made on another file")))));
        assert!(said, "{lines:?}");
    }
    let kept = introskip::segments::read_saved(&e03).unwrap().unwrap();
    assert!(kept.segments.iter().any(|s| s.kind == introskip::segments::Kind::Intro && s.start_ms == 29_000), "{kept:?}");
    // Saved by a human (in the app): confirmed, and no longer said.
    introskip::segments::save(&e03, &kept).unwrap();
    let (lines, _) = scan(&lib, &["--handoff", "kodi"]);
    assert!(lines.iter().all(|l| l["warnings"].as_array().is_none_or(Vec::is_empty)), "{lines:?}");
    // The same library by another spelling of its path (relative, from its parent): nothing
    // written before is taken for an output of an episode that is gone.
    let mut cmd = introskip();
    cmd.current_dir(work.path()).args(["scan", "Library", "--window", "60", "--json", "--handoff", "kodi"]).env("OMP_NUM_THREADS", "1");
    let out = run_with_timeout(cmd, 600);
    let summary: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap()).unwrap();
    assert_eq!(summary["summary"]["removed"], 0, "{summary}");
    assert!(bunny.join("Bunny Tales - S01E02.edl").is_file() && bunny.join("Bunny Tales - S01E01 - Pilot.edl").is_file());
    copy_demo(2, &e02);
    // A hand-off that cannot be written (something in its way) fails, and is written on the
    // next scan once the way is clear (before 2026-12-04 that season then read as unchanged).
    let e02_edl = bunny.join("Bunny Tales - S01E02.edl");
    std::fs::remove_file(&e02_edl).unwrap();
    std::fs::create_dir(&e02_edl).unwrap();
    let (_, summary) = scan(&lib, &["--handoff", "kodi"]);
    assert_eq!(summary["failed"].as_array().map(Vec::len), Some(1), "{summary}");
    std::fs::remove_dir(&e02_edl).unwrap();
    let (_, summary) = scan(&lib, &["--handoff", "kodi"]);
    assert!(e02_edl.is_file() && summary["failed"].as_array().is_some_and(Vec::is_empty), "{summary}");

    // Emby reads markers: chapters that start where the intro starts and ends.
    let emby = work.path().join("emby");
    let (_, summary) = scan(&lib.join("Bunny Tales"), &["--handoff", "emby", "--out", emby.to_str().unwrap()]);
    assert_eq!(summary["judged"], 3, "{summary}");
    let markers = chapter_titles(&emby.join("Season 01/Bunny Tales - S01E02.mkv"));
    let at = |name: &str| markers.iter().find(|(_, t)| t == name).map(|(s, _)| *s);
    assert!(at("IntroStart").is_some_and(|s| (s - 30.0).abs() < 1.5) && at("IntroEnd").is_some_and(|s| (s - 50.0).abs() < 1.5), "S01E02's intro 30–50 s: {markers:?}");
}

#[test]
fn a_broken_sidecar_is_reported_and_kept_and_out_must_be_a_folder_of_its_own() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("Library");
    let season = lib.join("Show/Season 01");
    let e01 = copy_demo(1, &season.join("Show - S01E01.mp4"));
    copy_demo(2, &season.join("Show - S01E02.mp4"));
    let broken = introskip::segments::sidecar_path(&e01);
    std::fs::write(&broken, b"{\"version\": 1, \"segments\": [{\"kind\": \"intro\", \"start\": 20, \"end\": 5}]}").unwrap();
    let mut cmd = introskip();
    cmd.arg("scan").arg(&lib).args(["--window", "60", "--handoff", "kodi"]).env("OMP_NUM_THREADS", "1");
    let out = run_with_timeout(cmd, 600);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a failed episode makes the exit status 1: {stderr}");
    assert!(stderr.contains("Show - S01E01.mp4.introskip.json") && stderr.contains("must be after start") && stderr.contains("left as they are"), "{stderr}");
    assert!(std::fs::read_to_string(&broken).unwrap().contains("\"start\": 20"), "the human's broken file was replaced");
    assert!(season.join("Show - S01E02.edl").exists(), "the other episode is still handed off");
    // --out may not be the library (nor hold it, nor hold videos).
    for bad in [lib.clone(), work.path().to_path_buf(), season.clone()] {
        let mut cmd = introskip();
        cmd.arg("scan").arg(&lib).args(["--handoff", "jellyfin", "--out"]).arg(&bad);
        let out = run_with_timeout(cmd, 60);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains("--out"), "{}: {stderr}", bad.display());
    }
}

/// The chapters mpv itself reports for `file` (Debian's mpv, no video or audio output): title
/// and start of each.
fn mpv_chapters(file: &Path) -> Vec<(String, f64)> {
    let fields: Vec<String> = (0..6).map(|i| format!("${{?chapter-list/{i}/title:${{chapter-list/{i}/title}}@${{=chapter-list/{i}/time}}}}")).collect();
    let out = std::process::Command::new("mpv")
        .args(["--no-config", "--vo=null", "--ao=null", "--frames=1", "--msg-level=all=no,term-msg=info"])
        .arg(format!("--term-playing-msg=MPVCHAPTERS {}", fields.join("|")))
        .arg(file)
        .output()
        .expect("mpv (Debian's mpv; scripts/setup-system.sh test installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().find_map(|l| l.split("MPVCHAPTERS ").nth(1)).unwrap_or_else(|| panic!("mpv printed no chapter line: {text} {}", String::from_utf8_lossy(&out.stderr)));
    line.split('|').filter(|f| !f.is_empty()).map(|f| {
        let (title, time) = f.rsplit_once('@').unwrap();
        (title.to_string(), time.trim().parse().unwrap_or(f64::NAN))
    }).collect()
}

#[test]
fn one_season_at_a_time_mpv_copies_and_episodes_replaced_in_place_with_a_backup() {
    let work = tempfile::tempdir().unwrap();
    let lib = work.path().join("Library");
    let a = lib.join("Bunny Tales/Season 01");
    copy_demo(1, &a.join("Bunny Tales - S01E01.mp4"));
    let a2 = copy_demo(2, &a.join("Bunny Tales - S01E02.mp4"));
    let b = lib.join("Other Show/Season 02");
    copy_demo(3, &b.join("Other Show - S02E01.mp4"));
    copy_demo(1, &b.join("Other Show - S02E02.mp4"));

    // One season by its key: the unit a scheduler hands out (scale/ray_scan.py).
    let (lines, summary) = scan(&lib, &["--season", "Bunny Tales/Season 01", "--handoff", "kodi"]);
    assert_eq!((lines.len(), summary["judged"].as_u64()), (1, Some(2)), "{summary}");
    assert!(a.join("Bunny Tales - S01E02.edl").exists() && !b.join("Other Show - S02E01.edl").exists());
    let mut cmd = introskip();
    cmd.arg("scan").arg(&lib).args(["--season", "No Such Show"]);
    let out = run_with_timeout(cmd, 60);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no season 'No Such Show'"), "{}", String::from_utf8_lossy(&out.stderr));

    // mpv: copies titled as its chapterskip script skips them, read back by mpv itself.
    let mpv_out = work.path().join("for-mpv");
    // Only the hand-off changed: written from the saved labels, the season not judged again.
    let (_, summary) = scan(&lib, &["--season", "Bunny Tales/Season 01", "--handoff", "mpv", "--out", mpv_out.to_str().unwrap()]);
    assert_eq!((summary["judged"].as_u64(), summary["handed_off"].as_u64()), (Some(0), Some(2)), "{summary}");
    let chapters = mpv_chapters(&mpv_out.join("Bunny Tales/Season 01/Bunny Tales - S01E02.mkv"));
    let opening = chapters.iter().find(|(t, _)| t == "Opening").unwrap_or_else(|| panic!("no Opening chapter: {chapters:?}"));
    assert!((opening.1 - 30.0).abs() < 1.5, "S01E02's intro starts at 30 s: {chapters:?}");
    assert!(chapters.iter().all(|(t, _)| t != "Intro"), "mpv's chapterskip does not skip 'Intro': {chapters:?}");

    // In place: the episode itself gets the chapters (same container), the original is kept once.
    let size = std::fs::metadata(&a2).unwrap().len();
    let mut cmd = introskip();
    cmd.arg("scan").arg(&lib).args(["--handoff", "jellyfin", "--in-place", "--out", "x"]);
    let out = run_with_timeout(cmd, 60);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--in-place"), "--in-place with --out is refused");
    let (_, summary) = scan(&lib, &["--season", "Bunny Tales/Season 01", "--handoff", "jellyfin", "--in-place"]);
    assert_eq!(summary["handed_off"], 2, "{summary}");
    let backup = a.join(format!("Bunny Tales - S01E02.mp4.{}", introskip::service::scan::BACKUP_SUFFIX));
    assert_eq!(std::fs::metadata(&backup).unwrap().len(), size, "the original is kept beside the episode");
    let chapters = chapter_titles(&a2);
    assert!(chapters.iter().any(|(t, title)| (*t - 30.0).abs() < 1.5 && title == "Intro"), "{chapters:?}");
    // The replaced file is still an episode of the season (the backup is not), and a rescan
    // finds nothing to do.
    let (lines, summary) = scan(&lib, &["--season", "Bunny Tales/Season 01", "--handoff", "jellyfin", "--in-place"]);
    assert_eq!((summary["episodes"].as_u64(), summary["unchanged"].as_u64()), (Some(2), Some(2)), "{summary} {lines:?}");
    // A human's correction is carried into the file on the next scan; the first original stays.
    let mut labels = introskip::segments::Segments::read(&introskip::segments::sidecar_path(&a2)).unwrap();
    labels.segments.retain(|s| s.kind != introskip::segments::Kind::Intro);
    labels.segments.push(introskip::segments::Segment { kind: introskip::segments::Kind::Intro, start_ms: 31_000, end_ms: 49_000, source: introskip::segments::Source::HumanVerified, confidence: None });
    labels.verified = true;
    labels.write(&introskip::segments::sidecar_path(&a2)).unwrap();
    let (_, summary) = scan(&lib, &["--season", "Bunny Tales/Season 01", "--handoff", "jellyfin", "--in-place"]);
    assert_eq!((summary["judged"].as_u64(), summary["handed_off"].as_u64()), (Some(0), Some(1)), "{summary}");
    let chapters = chapter_titles(&a2);
    assert_eq!(chapters.iter().filter(|(_, t)| t == "Intro").count(), 1, "chapters replaced, not added: {chapters:?}");
    assert!(chapters.iter().any(|(t, title)| (*t - 31.0).abs() < 0.01 && title == "Intro"), "{chapters:?}");
    assert_eq!(std::fs::metadata(&backup).unwrap().len(), size, "the first original is the backup");
    // The labels name the episode as it is now (a copy with chapters), so that they still follow
    // it when it is renamed, and are not said to be made on another file.
    let saved = introskip::segments::read_saved(&a2).unwrap().unwrap();
    assert_eq!(saved.media, introskip::segments::MediaId::of(&a2).ok());
    let stray: Vec<_> = std::fs::read_dir(&a).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.') || n.ends_with(".part")).collect();
    assert!(stray.is_empty(), "{stray:?}");
    // A new release under the same name while the old backup is there: refused, nothing lost.
    copy_demo(3, &a2);
    let new_size = std::fs::metadata(&a2).unwrap().len();
    let (_, summary) = scan(&lib, &["--season", "Bunny Tales/Season 01", "--handoff", "jellyfin", "--in-place"]);
    let failed = summary["failed"].as_array().unwrap();
    assert!(failed.len() == 1 && failed[0][1].as_str().unwrap().contains("move the old backup away"), "{summary}");
    assert_eq!((std::fs::metadata(&backup).unwrap().len(), std::fs::metadata(&a2).unwrap().len()), (size, new_size), "the backup and the new release are both kept as they were");
}

/// The Ray driver (`scale/ray_scan.py`) on a local cluster of three nodes bound to the loopback
/// address: a library of 12 seasons, one season per task; a worker node is killed (every process
/// of it) while its season runs. The harness checks that every season is done exactly once, that
/// each episode has one sidecar and one EDL and nothing partial anywhere, that the lost season
/// ran again elsewhere, and that a rescan finds every season complete; then it stops only the Ray
/// processes it started. Ray comes from PyPI (`scripts/test.sh` installs it).
#[test]
fn a_library_scanned_on_a_ray_cluster_survives_a_lost_node() {
    let python = introskip::paths::cache_dir().join("reference/ray-2.60.0/bin/python");
    assert!(python.exists(), "{} is missing: scripts/test.sh installs Ray (PyPI ray 2.60.0) there", python.display());
    let mut cmd = std::process::Command::new(&python);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scale/test_ray_scan.py")).arg("--introskip").arg(env!("CARGO_BIN_EXE_introskip"));
    let out = run_with_timeout(cmd, 600);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: String = stderr.chars().skip(stderr.chars().count().saturating_sub(6000)).collect();
    assert!(out.status.success(), "the Ray scan test failed:\n{stdout}\n{tail}");
    let summary: serde_json::Value = stdout.lines().rev().find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok().filter(|v| v.get("ray_scan_test").is_some())).expect("the harness's summary line");
    let s = &summary["ray_scan_test"];
    assert!(s["ok"] == true && s["seasons_done"].as_u64() >= Some(12) && s["node_addresses"] == serde_json::json!(["127.0.0.1"]), "{summary}");
}
