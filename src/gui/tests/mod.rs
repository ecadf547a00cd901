//! Behaviour of the app through egui_kittest (egui's own harness, headless): what a user sees
//! after opening files, pressing keys and cancelling.

use super::*;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

fn app() -> App {
    let mut app = App::new(Worker::start(None, || {}), preview::Preview::start(|| {}));
    // Never the user's own settings file, and never another test's: each app its own folder, so
    // that what one test saves (recent files, an export choice) cannot reach another's.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("introskip-gui-test-{}-{n}", std::process::id()));
    app.settings = crate::settings::Settings::default();
    app.settings_file = dir.join("settings.json");
    app
}

/// Step the UI (the worker runs on its own thread) until `done` holds or 90 s pass (a season's
/// analysis beside the other tests of a loaded 2-core machine).
fn step_until(h: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.step();
}

#[test]
fn a_season_opens_in_natural_order_and_bad_files_show_why() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["ep10.mp4", "ep2.mp4", "ep1.mp4"] {
        std::fs::write(dir.path().join(name), b"not a video").unwrap();
    }
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    let names: Vec<String> = h.state().episodes.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["ep1.mp4", "ep2.mp4", "ep10.mp4"]);
    step_until(&mut h, "all three analyses to fail", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Failed(_))));
    // The selected episode says which file and what is wrong; the app keeps working.
    h.get_by_label_contains("ep1.mp4: not a media file FFmpeg can read");
    assert_eq!(h.query_all_by_label_contains("failed").count(), 3);
}

#[test]
fn keyboard_sets_the_intro_with_undo_redo_and_autosaves() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("episode.mkv");
    std::fs::write(&media, b"not a video").unwrap();
    let mut app = app();
    app.open(&media);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    for _ in 0..3 {
        h.key_press(egui::Key::ArrowRight);
    }
    h.key_press(egui::Key::I);
    h.run_steps(1);
    for _ in 0..5 {
        h.key_press(egui::Key::ArrowRight);
    }
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight); // one frame
    h.key_press(egui::Key::O);
    h.run_steps(2);
    let intro = |h: &Harness<'_, App>| h.state().episodes[0].editor.intro().map(|s| (s.start_ms, s.end_ms));
    assert_eq!(intro(&h), Some((3_000, 8_040)));
    h.get_by_label_contains("Intro 00:00:03.000 – 00:00:08.040");
    h.get_by_label_contains("edited, not verified yet");
    assert!(!h.state().episodes[0].editor.is_verified(), "I and O are edits, not a verification");
    let saved = crate::segments::Segments::read(&crate::segments::sidecar_path(&media)).expect("autosaved beside the media");
    assert_eq!(saved.segments[0].end_ms, 8_040);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(1);
    assert_eq!(intro(&h), Some((3_000, 4_000)), "undo takes back the O");
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
    h.run_steps(1);
    assert_eq!(intro(&h), Some((3_000, 8_040)), "redo puts it back");
    h.key_press(egui::Key::Enter);
    h.run_steps(1);
    assert!(h.state().episodes[0].editor.is_verified());
    // Opening the episode again (a new session) recovers the saved, verified labels.
    let mut again = self::app();
    again.open(&media);
    assert_eq!(again.episodes[0].editor.intro().map(|s| (s.start_ms, s.end_ms, s.source)), Some((3_000, 8_040, crate::segments::Source::HumanVerified)));
    h.key_press(egui::Key::Delete);
    h.run_steps(1);
    assert_eq!(intro(&h), None);
    assert!(crate::segments::Segments::read(&crate::segments::sidecar_path(&media)).unwrap().segments.is_empty(), "the deletion is saved too");
}

#[test]
fn cancelling_stops_every_analysis() {
    let demo = crate::paths::demo_dir();
    assert!(demo.is_dir(), "{}: scripts/test.sh builds the demo", demo.display());
    let mut app = app();
    app.open(&demo);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(1);
    h.get_by_label("Cancel analysis").click();
    step_until(&mut h, "no episode queued or analysing", |a| a.episodes.iter().all(|e| !matches!(e.status, Status::Queued | Status::Analysing { .. })));
    // Nothing is left running: the button is gone and nothing restarts.
    assert!(h.query_by_label("Cancel analysis").is_none());
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(3);
    assert!(h.state().episodes.iter().all(|e| !matches!(e.status, Status::Queued | Status::Analysing { .. })));
}

#[test]
fn skip_intro_appears_while_playback_is_inside_the_intro() {
    // S01E01 of the demo: intro 0:00–0:20 (its truth file is the labels here).
    let demo = crate::paths::demo_dir();
    let media = demo.join("Bunny Tales - S01E01.mp4");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("episode.mp4");
    std::fs::copy(&media, &copy).unwrap();
    let truth = crate::segments::Segments::read(&demo.join("Bunny Tales - S01E01.truth.json")).unwrap();
    crate::gui::edit::save(&copy, &truth).unwrap();
    let mut app = app();
    app.open(&copy);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    assert!(h.query_by_label("Skip intro").is_none(), "not while paused");
    h.key_press(egui::Key::Space);
    step_until(&mut h, "playback inside the intro", |a| a.playing && a.episodes[0].playhead_s > 0.2);
    assert_eq!(h.state().offers(), [Offer::SkipIntro]);
    h.get_by_label("Skip intro").click();
    step_until(&mut h, "playback after the intro", |a| a.episodes[0].playhead_s >= 20.0);
    assert!(h.query_by_label("Skip intro").is_none(), "gone after the intro");
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(!h.state().playing);
}

#[test]
fn skip_credits_and_next_episode_are_offered_at_the_end_and_a_post_credits_scene_is_kept() {
    // Two episodes of 48 s: story 0–20, credits 20–40 (names scrolling over black), then a
    // "Next time" preview 40–48 in the first and a post-credits scene 35–48 in the second.
    let dir = tempfile::tempdir().unwrap();
    let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    let mut files = Vec::new();
    for n in 1..=2 {
        let file = dir.path().join(format!("Show - S01E0{n}.mkv"));
        let graph = format!(
            "mandelbrot=s=320x180:r=25,trim=duration=20,setpts=PTS-STARTPTS[a];color=c=black:s=320x180:r=25:d=20,drawtext=fontfile={font}:text='Cast':fontcolor=white:fontsize=14:x=(w-tw)/2:y=h-20*t[b];testsrc2=s=320x180:r=25:d=8[c];[a][b][c]concat=n=3,format=yuv420p[v]"
        );
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast"]).arg(&file).status().unwrap().success();
        assert!(ok, "ffmpeg");
        let seg = |kind, start_ms, end_ms| crate::segments::Segment { kind, start_ms, end_ms, source: crate::segments::Source::HumanVerified, confidence: None };
        let labels = if n == 1 {
            vec![seg(Kind::Credits, 20_000, 40_000), seg(Kind::Preview, 40_000, 48_000)]
        } else {
            vec![seg(Kind::Credits, 20_000, 35_000)]
        };
        // No intro: the human said so, and the model's guesses on these short files never count.
        crate::gui::edit::save(&file, &crate::segments::Segments { segments: labels, absent: vec![Kind::Intro], ..Default::default() }).unwrap();
        files.push(file);
    }
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "both tails analysed", |a| a.episodes.iter().all(|e| e.tail.is_some()));
    // The human's labels stand: the tail analysis adds nothing of those kinds.
    assert_eq!(h.state().episodes[0].editor.first_of(Kind::Credits).map(|s| (s.start_ms, s.end_ms)), Some((20_000, 40_000)));
    h.state_mut().episodes[0].playhead_s = 21.0;
    h.key_press(egui::Key::Space);
    step_until(&mut h, "playback inside the credits", |a| a.playing && a.episodes[0].playhead_s > 21.2);
    assert_eq!(h.state().offers(), [Offer::SkipCredits, Offer::NextEpisode], "credits, then only the preview is left");
    h.get_by_label("Skip credits").click();
    step_until(&mut h, "playback in the preview", |a| a.episodes[0].playhead_s > 40.2);
    assert_eq!(h.state().offers(), [Offer::NextEpisode]);
    h.get_by_label("Next episode").click();
    step_until(&mut h, "the next episode playing from its start", |a| a.selected == 1 && a.playing && a.episodes[1].playhead_s > 0.1);
    assert!(h.state().episodes[1].playhead_s < 5.0);
    // In the second episode story follows the credits: skip them, but never to the next episode.
    h.state_mut().episodes[1].playhead_s = 25.0;
    h.key_press(egui::Key::Space);
    h.key_press(egui::Key::Space);
    step_until(&mut h, "playback inside the second credits", |a| a.playing && a.episodes[1].playhead_s > 25.2);
    assert_eq!(h.state().offers(), [Offer::SkipCredits], "a post-credits scene follows: no Next episode");
    h.key_press(egui::Key::Space);
    h.run_steps(2);
}

#[test]
fn the_ui_keeps_within_16_ms_a_frame_while_a_season_is_analysed_and_frames_arrive() {
    // Fresh copies: not in the embedding cache, so sampling and encoding really run meanwhile and
    // thumbnails stream in (each one a texture upload on the UI thread).
    // A season of 24 (the demo's three episodes copied round), each analysed from scratch.
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=24 {
        let source = crate::paths::demo_dir().join(format!("Bunny Tales - S01E0{}.mp4", (n - 1) % 3 + 1));
        std::fs::copy(source, dir.path().join(format!("Bunny Tales - S01E{n:02}.mp4"))).unwrap();
    }
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut frames = 0;
    while Instant::now() < deadline && (frames < 120 || h.state().episodes.iter().any(|e| matches!(e.status, Status::Queued | Status::Analysing { .. }))) {
        h.step();
        frames += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(h.state().episodes.iter().all(|e| matches!(e.status, Status::Done { cached: false, .. })), "all 24 analysed from scratch");
    // Then zoomed in to frames, with the waveform lane: the frames arrive as textures meanwhile.
    for _ in 0..3 {
        h.key_press(egui::Key::Plus);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut more = 0;
    while Instant::now() < deadline && (more < 120 || h.state().episodes[0].lanes.frames.len() < 20 || h.state().episodes[0].lanes.wave.is_none()) {
        h.step();
        more += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(h.state().episodes[0].lanes.frames.len() >= 20 && h.state().episodes[0].lanes.wave.is_some(), "frames and waveform drawn");
    let frames = frames + more;
    let (median, p95, max) = h.state().frame_time_stats();
    eprintln!("UI frame time over {frames} frames: median {median:.2} ms, p95 {p95:.2} ms, max {max:.2} ms");
    assert!(p95 <= 16.0, "p95 frame time {p95:.1} ms");
}

#[test]
fn opened_paths_are_remembered_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.mkv"), dir.path().join("b.mkv"));
    std::fs::write(&a, b"x").unwrap();
    std::fs::write(&b, b"x").unwrap();
    let mut app = app();
    app.settings_file = dir.path().join("settings.json");
    app.open(&a);
    app.open(&b);
    app.open(&a);
    let saved: crate::settings::Settings = serde_json::from_slice(&std::fs::read(dir.path().join("settings.json")).unwrap()).unwrap();
    let names: Vec<String> = saved.recent.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["a.mkv", "b.mkv"]);
}

#[test]
fn plus_and_minus_zoom_the_timeline() {
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), self::app());
    let start = h.state().zoom;
    assert_eq!(ZOOMS[start], 20, "20 s per row by default");
    h.key_press(egui::Key::Minus);
    h.run_steps(1);
    assert_eq!(ZOOMS[h.state().zoom], 30);
    h.key_press(egui::Key::Plus);
    h.key_press(egui::Key::Plus);
    h.run_steps(1);
    assert_eq!(ZOOMS[h.state().zoom], 10);
}

#[test]
fn zoomed_out_the_timeline_spans_the_whole_episode_and_edges_find_their_cuts() {
    // S01E01 of the demo (120 s, intro 0:00–0:20 cut in at whole frames) with a 30 s window.
    let demo = crate::paths::demo_dir();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("episode.mp4");
    std::fs::copy(demo.join("Bunny Tales - S01E01.mp4"), &copy).unwrap();
    let truth = crate::segments::Segments::read(&demo.join("Bunny Tales - S01E01.truth.json")).unwrap();
    crate::gui::edit::save(&copy, &truth).unwrap();
    let mut app = app();
    app.window_s = 30;
    app.open(&copy);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    for _ in 0..ZOOMS.len() {
        h.key_press(egui::Key::Minus);
    }
    h.run_steps(1);
    assert_eq!(ZOOMS[h.state().zoom], WHOLE_EPISODE);
    step_until(&mut h, "the overview strip", |a| a.episodes[0].overview.thumbnails.len() >= 60);
    let overview = &h.state().episodes[0].overview;
    assert!((overview.duration_s.unwrap() - 120.0).abs() < 0.5, "{:?}", overview.duration_s);
    assert_eq!(overview.step, 2, "about 80 thumbnails for 120 s");
    assert!(overview.thumbnails.iter().all(|(s, _)| s % 2 == 0 && *s < 120));
    // The intro's end is a cut in the footage: it is found, to the frame, ready to snap to.
    step_until(&mut h, "cuts around the intro's edges", |a| a.episodes[0].cuts_searched.len() >= 2);
    let cuts = &h.state().episodes[0].cuts;
    assert!(cuts.iter().any(|c| (c - 20.0).abs() < 0.02), "cuts near the intro's end: {cuts:?}");
}

#[test]
fn files_without_pictures_and_encoders_without_a_model_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin"]).args(args).status().unwrap().success();
        assert!(ok, "ffmpeg {args:?}");
    };
    let song = dir.path().join("a song.mp4");
    run(&["-f", "lavfi", "-i", "sine=d=3", song.to_str().unwrap()]);
    let clip = dir.path().join("clip.mkv");
    run(&["-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=6", clip.to_str().unwrap()]);
    // Tiny random CLIP weights: a real encoder for which no intro model was trained.
    let weights = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-tiny/state_dict.pt");
    let mut app = App::new(Worker::start(Some(weights), || {}), preview::Preview::start(|| {}));
    app.settings = crate::settings::Settings::default();
    app.settings_file = dir.path().join("settings.json");
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "both analyses to end", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. } | Status::Failed(_))));
    step_until(&mut h, "the model's answer", |a| a.banner.is_some());
    let names: Vec<String> = h.state().episodes.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["a song.mp4", "clip.mkv"]);
    assert!(matches!(&h.state().episodes[0].status, Status::Failed(m) if m.contains("no video stream (audio only")), "the song says why");
    // The clip is analysed (thumbnails) while the banner says why there is no intro band.
    assert!(matches!(h.state().episodes[1].status, Status::Done { samples: 6, .. }));
    let banner = h.state().banner.clone().unwrap();
    assert!(banner.starts_with("No intro detection: no trained model for encoder clip"), "{banner}");
    h.get_by_label_contains("train one with `introskip train`");
    h.get_by_label_contains("a song.mp4: no video stream (audio only");
}

#[test]
fn chosen_clip_weights_survive_later_saves_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app();
    app.settings_file = dir.path().join("settings.json");
    let weights = dir.path().join("ViT-B-32.pt");
    std::fs::write(&weights, b"not really weights").unwrap();
    app.use_clip_weights(weights.clone());
    // Later saves of the app's settings (mute, recent files, window) must keep the choice.
    app.toggle_mute();
    app.open(dir.path());
    // What the next start reads.
    let saved: crate::settings::Settings = serde_json::from_slice(&std::fs::read(&app.settings_file).unwrap()).unwrap();
    assert_eq!(saved.clip_weights, Some(weights));
    assert!(saved.muted);
}

/// Two unreadable episodes: enough for the episode list, the keys and the top bar.
fn two_episodes(dir: &Path) -> App {
    for name in ["ep1.mp4", "ep2.mp4"] {
        std::fs::write(dir.join(name), b"not a video").unwrap();
    }
    let mut app = app();
    app.settings_file = dir.join("settings.json");
    app.open(dir);
    app
}

#[test]
fn enter_in_the_window_field_neither_verifies_nor_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    h.get_by_label("Window").focus();
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().selected, 0, "the selection moved on");
    assert!(!h.state().episodes[0].editor.is_verified(), "the episode was verified");
    assert!(!crate::segments::sidecar_path(&dir.path().join("ep1.mp4")).exists(), "labels were written");
}

#[test]
fn the_window_field_takes_a_typed_number_on_enter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    h.get_by_label("Window").focus();
    h.run_steps(1);
    h.state_mut().window_text.clear();
    h.get_by_label("Window").type_text("600");
    h.run_steps(2);
    assert_eq!(h.state().window_s, 180, "applied while typing");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().window_s, 600);
    assert_eq!(h.state().settings.window_s, 600);
    // Nonsense is refused with a word, and the field shows the window in force.
    h.get_by_label("Window").focus();
    h.run_steps(1);
    h.state_mut().window_text = "ten".into();
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().window_s, 600);
    assert_eq!(h.state().window_text, "600");
    assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("'ten' is not a number")));
}

#[test]
fn the_tail_field_takes_what_tail_takes_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    assert_eq!(h.state().tail_text, "25%:600", "the default: a quarter, at most 10 minutes");
    h.get_by_label("Tail").focus();
    h.run_steps(1);
    h.state_mut().tail_text.clear();
    h.get_by_label("Tail").type_text("300");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().tail, crate::features::tail::TailSpec::Seconds(300));
    assert_eq!(h.state().settings.tail.as_deref(), Some("300"));
    h.get_by_label("Tail").focus();
    h.run_steps(1);
    h.state_mut().tail_text = "soon".into();
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().tail_text, "300", "the field shows the tail in force");
    let banner = h.state().banner.clone().unwrap_or_default();
    assert!(banner.contains("'soon'") && banner.contains("25%"), "{banner}");
}

#[test]
fn one_wheel_notch_zooms_one_level() {
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), self::app());
    h.run_steps(1);
    let start = h.state().zoom;
    // egui hands a Ctrl+wheel notch over as a zoom factor spread across frames.
    for _ in 0..5 {
        h.event(egui::Event::Zoom(1.05));
        h.step();
    }
    h.run_steps(2);
    assert_eq!(h.state().zoom, start - 1, "one notch, one level");
    for _ in 0..5 {
        h.event(egui::Event::Zoom(1.0 / 1.05));
        h.step();
    }
    h.run_steps(2);
    assert_eq!(h.state().zoom, start);
}

#[test]
fn a_cancelled_analysis_can_be_resumed() {
    let demo = crate::paths::demo_dir();
    let mut app = app();
    app.open(&demo);
    // Cancelled before the worker picks anything up: every episode ends cancelled.
    app.apply(Action::CancelAnalysis);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the analyses to stop", |a| a.episodes.iter().all(|e| !matches!(e.status, Status::Queued | Status::Analysing { .. })));
    assert!(h.state().episodes.iter().any(|e| matches!(e.status, Status::Cancelled)));
    h.get_by_label("Resume analysis").click();
    step_until(&mut h, "every episode analysed", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    assert!(h.query_by_label("Resume analysis").is_none());
}

#[test]
fn arrows_move_between_episodes_and_i_after_the_end_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(1);
    assert_eq!(h.state().selected, 1);
    h.key_press(egui::Key::ArrowUp);
    h.run_steps(1);
    assert_eq!(h.state().selected, 0);
    // O at 5 s makes a 4–5 s intro; I at 8 s is after its end: nothing changes, and the app says why.
    for _ in 0..5 {
        h.key_press(egui::Key::ArrowRight);
    }
    h.key_press(egui::Key::O);
    h.run_steps(1);
    for _ in 0..3 {
        h.key_press(egui::Key::ArrowRight);
    }
    h.key_press(egui::Key::I);
    h.run_steps(1);
    assert_eq!(h.state().episodes[0].editor.intro().map(|s| (s.start_ms, s.end_ms)), Some((4_000, 5_000)));
    assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("not before the end of the intro")), "{:?}", h.state().banner);
    // `.` and `,` step by a frame.
    h.key_press(egui::Key::Period);
    h.run_steps(1);
    assert!((h.state().episodes[0].playhead_s - 8.04).abs() < 1e-9);
    h.key_press(egui::Key::Comma);
    h.key_press(egui::Key::Home);
    h.run_steps(1);
    assert_eq!(h.state().episodes[0].playhead_s, 0.0);
    // PgDn / PgUp step from segment edge to segment edge (the 4–5 s intro), as a player steps by chapter.
    let mut stops = Vec::new();
    for key in [egui::Key::PageDown, egui::Key::PageDown, egui::Key::PageDown, egui::Key::PageUp] {
        h.key_press(key);
        h.run_steps(1);
        stops.push(h.state().episodes[0].playhead_s);
    }
    assert_eq!(stops, vec![4.0, 5.0, 5.0, 4.0], "past the last edge PgDn stays put");
}

#[test]
fn f1_shows_the_key_sheet() {
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), self::app());
    h.run_steps(1);
    assert!(h.query_by_label("a frame back / on").is_none());
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    h.get_by_label("a frame back / on");
    h.get_by_label("verify the episode and go to the next");
}

/// A copy of the demo's S01E01 (120 s, intro 0:00–0:20) in `dir`, with its true labels saved.
fn demo_episode(dir: &Path) -> PathBuf {
    let demo = crate::paths::demo_dir();
    let copy = dir.join("Bunny Tales - S01E01.mp4");
    std::fs::copy(demo.join("Bunny Tales - S01E01.mp4"), &copy).unwrap();
    let truth = crate::segments::Segments::read(&demo.join("Bunny Tales - S01E01.truth.json")).unwrap();
    crate::gui::edit::save(&copy, &truth).unwrap();
    copy
}

#[test]
fn every_kind_takes_the_same_keys_and_a_typed_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    // 3 chooses the credits: I and O now set them.
    h.key_press(egui::Key::Num3);
    for _ in 0..10 {
        h.key_press(egui::Key::ArrowRight);
    }
    h.key_press(egui::Key::I);
    for _ in 0..5 {
        h.key_press(egui::Key::ArrowRight);
    }
    h.key_press(egui::Key::O);
    h.run_steps(2);
    let credits = |h: &Harness<'_, App>| h.state().episodes[0].editor.of_kind(Kind::Credits).map(|s| (s.start_ms, s.end_ms));
    assert_eq!(credits(&h), Some((10_000, 15_000)));
    assert!(h.state().episodes[0].editor.intro().is_none(), "the intro was not touched");
    // The start typed in the chosen time format, applied on Enter.
    h.get_by_label("Start").focus();
    h.run_steps(1);
    h.state_mut().typed.0.clear();
    h.get_by_label("Start").type_text("00:00:09.480");
    h.run_steps(1);
    assert_eq!(credits(&h), Some((10_000, 15_000)), "applied while typing");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(credits(&h), Some((9_480, 15_000)));
    assert!(!h.state().episodes[0].editor.is_verified(), "Enter in the field verifies nothing");
    // A time that is no time is refused with a word; the edge stays.
    h.get_by_label("End").focus();
    h.run_steps(1);
    h.state_mut().typed.1 = "9:75".into();
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(credits(&h), Some((9_480, 15_000)));
    assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("End: '9:75' is not a time")), "{:?}", h.state().banner);
    // Delete removes the chosen kind's segment, and the decision is saved.
    h.key_press(egui::Key::Delete);
    h.run_steps(2);
    assert!(credits(&h).is_none());
    let saved = crate::segments::Segments::read(&crate::segments::sidecar_path(&dir.path().join("ep1.mp4"))).unwrap();
    assert_eq!(saved.absent, [Kind::Credits]);
}

#[test]
fn times_show_as_timecode_smpte_or_frames() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = two_episodes(dir.path());
    app.episodes[0].editor.set_start(Kind::Intro, 43_080);
    app.episodes[0].editor.set_end(Kind::Intro, 100_480);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    h.get_by_label_contains("Intro 00:00:43.080 – 00:01:40.480");
    h.state_mut().settings.time_format = crate::clock::TimeFormat::Smpte;
    h.run_steps(2);
    h.get_by_label_contains("Intro 00:00:43:02 – 00:01:40:12");
    h.state_mut().settings.time_format = crate::clock::TimeFormat::Frames;
    h.run_steps(2);
    h.get_by_label_contains("Intro 1077 – 2512");
}

#[test]
fn the_review_queue_goes_to_the_least_confident_unverified_episode() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["ep1.mp4", "ep2.mp4", "ep3.mp4"] {
        std::fs::write(dir.path().join(name), b"not a video").unwrap();
    }
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the analyses to end", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Failed(_))));
    // As if analysed: ep1 sure (0.95), ep2 unsure (0.4), ep3 fairly sure (0.8).
    for (ep, c) in h.state_mut().episodes.iter_mut().zip([0.95, 0.4, 0.8]) {
        ep.status = Status::Done { samples: 180, seconds: 1.0, cached: true, note: None };
        let d = crate::model::Detection { intros: vec![crate::model::DetectedSegment::by_model(10.0, 40.0, c)], ..crate::model::Detection::empty() };
        ep.editor.merge_detection(&d);
        ep.detection = Some(d);
    }
    h.run_steps(2);
    h.get_by_label_contains("0 verified · 3 to check · 1 uncertain");
    h.key_press(egui::Key::N);
    h.run_steps(1);
    assert_eq!(h.state().selected, 1, "the least confident first");
    h.key_press(egui::Key::N);
    h.run_steps(1);
    assert_eq!(h.state().selected, 2, "then the next least");
    // Verifying takes an episode out of the queue; Enter moves on.
    h.key_press(egui::Key::Enter);
    h.run_steps(1);
    h.get_by_label_contains("1 verified · 2 to check · 1 uncertain");
    h.state_mut().selected = 0;
    h.key_press(egui::Key::N);
    h.run_steps(1);
    assert_eq!(h.state().selected, 1);
    // The filter lists only the uncertain one.
    h.state_mut().review = Review::Uncertain;
    h.run_steps(2);
    assert!(h.query_by_label_contains("ep2.mp4\nuncertain: intro").is_some());
    assert!(h.query_by_label_contains("ep1.mp4\n").is_none() && h.query_by_label_contains("ep3.mp4").is_none());
}

#[test]
fn the_first_screen_offers_the_demo_season() {
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), self::app());
    h.run_steps(1);
    h.get_by_label_contains("Find, correct and export the intros of a season");
    h.get_by_label("Open the demo season").click();
    h.run_steps(2);
    assert_eq!(h.state().episodes.len(), std::fs::read_dir(crate::paths::demo_dir()).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "mp4")).count());
    h.state_mut().apply(Action::CancelAnalysis);
}

#[test]
fn export_writes_this_episode_into_a_chosen_folder_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let out = dir.path().join("chapters");
    let mut app = app();
    app.open(&media);
    app.apply(Action::CancelAnalysis);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    h.get_by_label("Export…").click();
    h.run_steps(2);
    // Kodi EDL instead of the default Matroska XML; Opening/Ending titles; into a folder (the
    // folder picker is the desktop's own dialog: the choice is set as it would return it).
    h.get_by_label("Matroska chapters (mkvmerge XML)").click();
    h.get_by_label("Kodi / MPlayer EDL").click();
    h.get_by_label("WebVTT chapters").click();
    h.get_by_label_contains("Opening · Recap · Ending").click();
    h.run_steps(1);
    // Typed into the folder field (as a person pastes a path).
    let dialog = h.state_mut().export_dialog.as_mut().unwrap();
    dialog.folder_text = out.display().to_string();
    dialog.into = true;
    h.run_steps(1);
    h.get_by_label("Export").click();
    step_until(&mut h, "the export's summary", |a| a.info.is_some() || a.banner.is_some());
    assert_eq!(h.state().banner, None);
    let info = h.state().info.clone().unwrap();
    assert!(info.starts_with("Exported 2 file(s) for Bunny Tales - S01E01.mp4 into"), "{info}");
    let edl = std::fs::read_to_string(out.join("Bunny Tales - S01E01.edl")).unwrap();
    assert!(edl.lines().any(|l| l.split_whitespace().nth(1).is_some_and(|end| end.parse::<f64>().is_ok_and(|e| (e - 20.0).abs() < 0.05))), "the intro 0:00–0:20: {edl}");
    let vtt = std::fs::read_to_string(out.join("Bunny Tales - S01E01.chapters.vtt")).unwrap();
    assert!(vtt.contains("Opening"), "{vtt}");
    assert!(!dir.path().join("Bunny Tales - S01E01.edl").exists(), "nothing beside the media");
    // Ctrl+E repeats the same export, also after a restart (the choice is in the settings).
    std::fs::remove_dir_all(&out).unwrap();
    h.state_mut().info = None;
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    step_until(&mut h, "the repeated export", |a| a.info.is_some());
    assert!(out.join("Bunny Tales - S01E01.chapters.vtt").exists() && out.join("Bunny Tales - S01E01.edl").exists());
    let settings_file = h.state().settings_file.clone();
    drop(h);
    std::fs::remove_dir_all(&out).unwrap();
    let mut again = self::app();
    again.settings = serde_json::from_slice(&std::fs::read(&settings_file).unwrap()).unwrap();
    again.settings_file = settings_file;
    again.open(&media);
    again.apply(Action::CancelAnalysis);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), again);
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    step_until(&mut h, "the export repeated after a restart", |a| a.info.is_some());
    assert!(out.join("Bunny Tales - S01E01.chapters.vtt").exists() && out.join("Bunny Tales - S01E01.edl").exists(), "both formats, into the folder");
    // "Into" with the folder field emptied: Export waits for a folder, never writes beside.
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::E);
    h.run_steps(2);
    h.state_mut().export_dialog.as_mut().unwrap().folder_text.clear();
    h.run_steps(2);
    h.get_by_label("Export").click();
    h.run_steps(3);
    assert!(h.state().export_dialog.is_some(), "Export went ahead with Into and no folder");
    assert!(!dir.path().join("Bunny Tales - S01E01.edl").exists(), "written beside the media instead");
}

#[test]
fn zoomed_in_the_strip_shows_frames_the_waveform_and_the_time_under_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let mut app = app();
    app.window_s = 30;
    app.open(&media);
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the analysis", |a| matches!(a.episodes[0].status, Status::Done { .. }));
    step_until(&mut h, "the waveform and the frame rate", |a| a.episodes[0].lanes.wave.is_some() && a.episodes[0].lanes.fps.is_some());
    let (levels, silences) = h.state().episodes[0].lanes.wave.clone().unwrap();
    assert!((levels.len() as f64 * crate::features::sound::ENVELOPE_STEP_S - 30.0).abs() < 0.2, "the window's sound: {} steps", levels.len());
    assert!(levels.iter().any(|db| *db > -40.0), "the demo has sound");
    eprintln!("silences in the demo's first 30 s: {silences:?}");
    // Zoomed in to 2 s a row: frames 0.2 s apart around the playhead.
    h.key_press(egui::Key::Plus);
    h.key_press(egui::Key::Plus);
    h.key_press(egui::Key::Plus);
    h.run_steps(1);
    assert_eq!(ZOOMS[h.state().zoom], 2);
    step_until(&mut h, "frames of the first rows", |a| a.episodes[0].lanes.frames.len() >= 20);
    let frames: Vec<u64> = h.state().episodes[0].lanes.frames.keys().copied().collect();
    assert_eq!(&frames[..20], (0..20).map(|k| k * 200).collect::<Vec<u64>>().as_slice());
    // The pointer over the timeline: its time is shown.
    // Just below the legend: the timeline's first row.
    let legend = h.get_by_label("sound level").rect();
    h.event(egui::Event::PointerMoved(egui::pos2(300.0, legend.bottom() + 40.0)));
    h.run_steps(2);
    assert!(h.state().hover_s.is_some(), "no time under the pointer");
    h.get_by_label_contains("pointer 00:00:0");
    // `.` steps one frame of this episode (25 fps).
    h.key_press(egui::Key::Period);
    h.run_steps(1);
    assert!((h.state().episodes[0].playhead_s - 1.0 / h.state().episodes[0].lanes.fps.unwrap()).abs() < 1e-9);
}

#[test]
fn j_k_l_shuttle_playback_and_the_season_shows_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let second = dir.path().join("Bunny Tales - S01E02.mp4");
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E02.mp4"), &second).unwrap();
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    h.get_by_label_contains("0 of 2 analysed");
    step_until(&mut h, "the season analysed", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    assert!(h.query_by_label_contains("of 2 analysed").is_none(), "the progress bar goes when done");
    let _ = media;
    h.key_press(egui::Key::L);
    h.run_steps(1);
    assert!(h.state().playing && h.state().rate == 1.0, "L from a pause plays at 1×");
    h.key_press(egui::Key::L);
    h.run_steps(1);
    assert_eq!(h.state().rate, 2.0);
    h.get_by_label("Playing at 2× (J / L)");
    step_until(&mut h, "playback at 2×", |a| a.episodes[0].playhead_s > 1.0);
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::J);
    h.run_steps(1);
    assert_eq!(h.state().rate, 0.25, "J halves down to a quarter");
    h.key_press(egui::Key::K);
    h.run_steps(1);
    assert!(!h.state().playing, "K pauses");
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(h.state().playing && h.state().rate == 1.0, "Space plays at 1×");
    h.key_press(egui::Key::Space);
    h.run_steps(1);
}

#[test]
fn a_deleted_intro_stays_deleted_after_reopening_and_a_new_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("episode.mp4");
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E01.mp4"), &media).unwrap();
    let mut app = app();
    app.open(&media);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the model's intro", |a| a.episodes[0].editor.intro().is_some());
    h.key_press(egui::Key::Delete);
    h.run_steps(2);
    assert!(h.state().episodes[0].editor.intro().is_none());
    // A new session on the same episode: the model finds the intro again, the decision stands.
    let mut again = self::app();
    again.open(&media);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), again);
    step_until(&mut h, "the new analysis", |a| a.episodes[0].detection.as_ref().is_some_and(|d| !d.intros.is_empty()));
    assert!(h.state().episodes[0].editor.intro().is_none(), "the deleted intro came back: {:?}", h.state().episodes[0].editor.segments);
    h.get_by_label_contains("No intro: your decision");
}

#[test]
fn a_fast_chord_counts_even_when_its_modifiers_are_released_in_the_same_frame() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    // Ctrl+Shift+E typed quickly (as xdotool does): by the end of the frame no modifier is held.
    let key = |key, pressed, modifiers| egui::Event::Key { key, physical_key: None, pressed, repeat: false, modifiers };
    h.event(key(egui::Key::E, true, egui::Modifiers::COMMAND | egui::Modifiers::SHIFT));
    h.event(key(egui::Key::E, false, egui::Modifiers::NONE));
    h.run_steps(2);
    assert!(h.state().export_dialog.is_some(), "Ctrl+Shift+E did not open the export dialog");
    h.get_by_label_contains("This episode (ep1.mp4)");
    // Keys do not reach the episode behind the dialog; Esc closes it.
    h.key_press(egui::Key::Enter);
    h.run_steps(1);
    assert!(!h.state().episodes[0].editor.is_verified());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().export_dialog.is_none());
}

#[test]
fn the_readme_lists_every_key_of_the_key_sheet() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (keys, what) in KEYS {
        assert!(readme.contains(&format!("| {keys} | {what} |")), "README's key table lacks: {keys} — {what}");
    }
}

#[test]
fn at_1024_by_700_nothing_in_the_top_bar_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::builder().with_size(egui::vec2(1024.0, 700.0)).build_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(3);
    for label in ["Open episode…", "Export…", "Use CLIP weights…", "Cancel analysis"] {
        if let Some(node) = h.query_by_label(label) {
            let r = node.rect();
            assert!(r.right() <= 1024.0 && r.left() >= 0.0, "{label} drawn at {r:?}, outside the 1024 px window");
        }
    }
    h.get_by_label("Use CLIP weights…");
}

#[test]
fn typing_a_time_for_a_kind_the_episode_lacks_sets_it_and_never_reaches_the_shortcuts() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    h.key_press(egui::Key::Num2);
    h.run_steps(1);
    h.get_by_label("Start").focus();
    h.run_steps(1);
    h.get_by_label("Start").type_text("00:00:05.000");
    h.run_steps(1);
    assert_eq!(h.state().episodes[0].playhead_s, 0.0, "a '.' typed into the field stepped the playhead");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let recap = h.state().episodes[0].editor.of_kind(Kind::Recap).map(|s| (s.start_ms, s.end_ms, s.source));
    assert_eq!(recap, Some((5_000, 6_000, crate::segments::Source::HumanEdited)));
    assert!(!h.state().episodes[0].editor.is_verified() && h.state().selected == 0, "Enter in the field verified the episode");
}

#[test]
fn every_press_counts_when_several_arrive_in_one_frame() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    // Ten → and three , in one frame (a fast typist, or key repeat on a slow frame).
    for _ in 0..10 {
        h.event(egui::Event::Key { key: egui::Key::ArrowRight, physical_key: None, pressed: true, repeat: false, modifiers: egui::Modifiers::NONE });
    }
    for _ in 0..3 {
        h.event(egui::Event::Key { key: egui::Key::Comma, physical_key: None, pressed: true, repeat: false, modifiers: egui::Modifiers::NONE });
    }
    h.run_steps(1);
    assert!((h.state().episodes[0].playhead_s - (10.0 - 3.0 * 0.04)).abs() < 1e-9, "{}", h.state().episodes[0].playhead_s);
}

#[test]
fn an_edge_pressed_exactly_where_it_is_drawn_is_dragged() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let mut app = app();
    app.window_s = 30;
    app.open(&media);
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the timeline", |a| matches!(a.episodes[0].status, Status::Done { .. }) && !a.timeline_rows.is_empty());
    h.key_press(egui::Key::Minus); // 30 s a row: the intro's end (20 s) inside the first row
    h.run_steps(2);
    let (rect, geo) = h.state().timeline_rows[0];
    assert_eq!(geo.start, 0);
    // Pressed exactly on the end edge, then moved left in small steps, as a hand does: egui
    // decides a drag began only some pixels later, past the 6 px grab zone.
    let x = geo.x_of(20.0);
    let y = rect.top() + 10.0;
    h.event(egui::Event::PointerMoved(egui::pos2(x, y)));
    h.run_steps(1);
    h.event(egui::Event::PointerButton { pos: egui::pos2(x, y), button: egui::PointerButton::Primary, pressed: true, modifiers: egui::Modifiers::NONE });
    h.run_steps(1);
    for k in 1..=10 {
        h.event(egui::Event::PointerMoved(egui::pos2(x - 3.0 * geo.cell_w * k as f32 / 10.0, y)));
        h.run_steps(1);
    }
    h.event(egui::Event::PointerButton { pos: egui::pos2(x - 3.0 * geo.cell_w, y), button: egui::PointerButton::Primary, pressed: false, modifiers: egui::Modifiers::NONE });
    h.run_steps(2);
    let intro = h.state().episodes[0].editor.intro().map(|s| (s.start_ms, s.end_ms, s.source));
    assert!(matches!(intro, Some((0, end, crate::segments::Source::HumanEdited)) if (16_500..=17_500).contains(&end)), "the end was not dragged: {intro:?}");
    assert!(h.state().dragging.is_none());
}

mod search;
