//! Behaviour of the app through egui_kittest (egui's own harness, headless): what a user sees
//! after opening files, pressing keys and cancelling.

use super::*;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

fn app() -> App {
    let mut app = App::new(Worker::start(None, || {}).unwrap(), preview::Preview::start(|| {}).unwrap());
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

/// Files named like episodes that hold no video.
fn unreadable(dir: &Path, names: &[&str]) {
    for name in names {
        std::fs::write(dir.join(name), b"not a video").unwrap();
    }
}

#[test]
fn a_season_opens_in_natural_order_and_bad_files_show_why() {
    let dir = tempfile::tempdir().unwrap();
    unreadable(dir.path(), &["ep10.mp4", "ep2.mp4", "ep1.mp4"]);
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    let names: Vec<String> = h.state().episodes.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["ep1.mp4", "ep2.mp4", "ep10.mp4"]);
    step_until(&mut h, "all three analyses to fail", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Failed(_))));
    // The selected episode says which file and what is wrong; the app keeps working.
    h.get_by_label_contains("ep1.mp4: not a media file FFmpeg can read");
    // The list says so for each, with the reason in short.
    assert_eq!(h.query_all_by_label_contains("unreadable: not a media file FFmpeg can read").count(), 3);
}

#[test]
fn a_folder_whose_first_file_is_damaged_opens_on_one_that_plays_unless_the_user_chose_it() {
    let dir = tempfile::tempdir().unwrap();
    unreadable(dir.path(), &["ep1.mp4"]);
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E01.mp4"), dir.path().join("ep2.mp4")).unwrap();
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "ep1 to fail and ep2 to be analysed", |a| matches!(a.episodes[0].status, Status::Failed(_)) && matches!(a.episodes[1].status, Status::Done { .. }));
    assert_eq!(h.state().selected, 1, "the damaged first file stayed selected");
    assert!(h.state().unreadable().is_none());
    // Its error is still in the list; the view is the episode that plays.
    h.get_by_label_contains("unreadable: not a media file FFmpeg can read");
    assert!(h.query_by_label_contains("ep1.mp4: not a media file FFmpeg can read").is_none());
    // Chosen by the user (here before its analysis failed), the damaged file stays selected.
    let mut chosen = self::app();
    chosen.open(dir.path());
    chosen.apply(Action::GoTo { episode: 0, second: 0 });
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), chosen);
    step_until(&mut h, "ep1 to fail and ep2 to be analysed", |a| matches!(a.episodes[0].status, Status::Failed(_)) && matches!(a.episodes[1].status, Status::Done { .. }));
    assert_eq!(h.state().selected, 0);
    h.get_by_label_contains("ep1.mp4: not a media file FFmpeg can read");
}

/// `path` opened, and its analysis cancelled with the Cancel button as soon as it shows.
fn opened_and_cancelled(path: &Path) -> Harness<'static, App> {
    let mut app = app();
    app.open(path);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(1);
    h.get_by_label("Cancel analysis").click();
    step_until(&mut h, "no episode queued or analysing", |a| a.episodes.iter().all(|e| !matches!(e.status, Status::Queued | Status::Analysing { .. })));
    h
}

#[test]
fn cancelling_stops_every_analysis() {
    let demo = crate::paths::demo_dir();
    assert!(demo.is_dir(), "{}: scripts/test.sh builds the demo", demo.display());
    let mut h = opened_and_cancelled(&demo);
    // Nothing is left running: the button is gone and nothing restarts.
    assert!(h.query_by_label("Cancel analysis").is_none());
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(3);
    assert!(h.state().episodes.iter().all(|e| !matches!(e.status, Status::Queued | Status::Analysing { .. })));
}

#[test]
fn nothing_moves_when_the_season_finishes_and_cancel_sits_by_the_progress() {
    // At the app's own size: Cancel in the top bar wrapped it to a second line while the
    // season was analysed, and everything below jumped up 24 px when it went. Since 2026-12-04
    // it sits under the progress bar, which takes the panel's width (beside it, the bar's
    // "about 0:0…" was cut).
    let dir = tempfile::tempdir().unwrap();
    for n in [1, 2] {
        let name = format!("Bunny Tales - S01E0{n}.mp4");
        std::fs::copy(crate::paths::demo_dir().join(&name), dir.path().join(&name)).unwrap();
    }
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 760.0)).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    let (cancel, bar) = (h.get_by_label("Cancel analysis").rect(), h.get_by_label_contains("0 of 2 analysed").rect());
    assert!(cancel.top() >= bar.bottom() && cancel.top() - bar.bottom() < 12.0 && (cancel.left() - bar.left()).abs() < 4.0, "Cancel {cancel:?} under the progress {bar:?}");
    let (before, second) = (h.get_by_label_contains("Episodes (2)").rect(), h.get_by_label_contains("S01E02.mp4").rect());
    step_until(&mut h, "the season analysed", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    assert!(h.query_by_label("Cancel analysis").is_none());
    h.get_by_label_contains("all 2 analysed");
    assert_eq!(h.get_by_label_contains("Episodes (2)").rect(), before, "the list moved when the analysis ended");
    assert_eq!(h.get_by_label_contains("S01E02.mp4").rect().top(), second.top(), "its episodes moved when the analysis ended");
}

#[test]
fn a_lone_episode_can_be_cancelled_from_the_top_bar() {
    // No list, so no progress beside it: Cancel stays in the top bar.
    let dir = tempfile::tempdir().unwrap();
    let h = opened_and_cancelled(&demo_episode(dir.path()));
    h.get_by_label("Resume analysis");
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
    // While it fills, the legend says so; once done, no more.
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut said = false;
    while !h.state().episodes[0].overview.finished {
        assert!(Instant::now() < deadline, "timed out waiting for the overview strip");
        h.step();
        said |= h.query_by_label_contains("pictures of the whole episode: ").is_some();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
    assert!(said, "no sign while the strip filled");
    assert!(h.query_by_label_contains("pictures of the whole episode").is_none(), "the sign stayed");
    assert_eq!(h.state().episodes[0].overview.thumbnails.len(), 60);
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
    let mut app = App::new(Worker::start(Some(weights), || {}).unwrap(), preview::Preview::start(|| {}).unwrap());
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
    // The song's reason is in the list; the view opens on the clip, which plays.
    h.get_by_label_contains("unreadable: no video stream (audio only");
    assert_eq!(h.state().selected, 1);
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

/// A 40 s picture at 25 FPS, 160×120, made by the ffmpeg CLI from one of its test sources: a
/// readable episode to label, analysed in moments.
fn clip(path: &Path, source: &str) {
    let input = format!("{source}=s=160x120:r=25:d=40");
    let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-f", "lavfi", "-i", &input, "-pix_fmt", "yuv420p"]).arg(path).status().unwrap().success();
    assert!(ok, "ffmpeg {input} {}", path.display());
}

/// Two readable episodes (different pictures, no intro): what editing needs.
fn two_clips(dir: &Path) -> App {
    clip(&dir.join("ep1.mp4"), "testsrc2");
    clip(&dir.join("ep2.mp4"), "smptebars");
    season_app(dir)
}

/// An app with its settings in `dir`, open on the season there.
fn season_app(dir: &Path) -> App {
    let mut app = app();
    app.settings_file = dir.join("settings.json");
    app.open(dir);
    app
}

#[test]
fn an_unreadable_episode_is_neither_played_nor_labelled_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    step_until(&mut h, "both analyses to fail", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Failed(_))));
    for key in [egui::Key::I, egui::Key::Enter] {
        h.key_press(key);
        h.run_steps(1);
        assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("ep1.mp4 could not be read: nothing to label")), "{key:?}: {:?}", h.state().banner);
    }
    assert!(h.state().episodes[0].editor.segments.segments.is_empty() && !h.state().episodes[0].editor.is_verified());
    assert!(!crate::segments::sidecar_path(&dir.path().join("ep1.mp4")).exists(), "labels were written beside an unreadable file");
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(!h.state().playing);
    assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("ep1.mp4 could not be read: nothing to play")), "{:?}", h.state().banner);
    // The fields and the button say so by being greyed out.
    use egui_kittest::kittest::NodeT as _;
    for label in ["Start", "End", "Play (Space)"] {
        assert!(h.get_by_label(label).accesskit_node().is_disabled(), "{label} is enabled");
    }
    // No timeline, so no legend of its colours; the key line offers only the keys that leave it.
    assert!(h.query_by_label_contains("intro probability").is_none());
    assert!(h.query_by_label_contains("I / O set at playhead").is_none());
    h.get_by_label_contains("Nothing here to play or label: Up / Down another episode");
}

/// Two unreadable episodes: enough for the episode list, the keys and the top bar.
fn two_episodes(dir: &Path) -> App {
    for name in ["ep1.mp4", "ep2.mp4"] {
        std::fs::write(dir.join(name), b"not a video").unwrap();
    }
    season_app(dir)
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
    // Outside the range: the nearest window, and said.
    h.get_by_label("Window").focus();
    h.run_steps(1);
    h.state_mut().window_text = "20".into();
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!((h.state().window_s, h.state().window_text.as_str()), (30, "30"));
    assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("Window: 20 s is outside 30–600 s; 30 s is used")), "{:?}", h.state().banner);
}

#[test]
fn the_tail_field_takes_what_tail_takes_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    h.run_steps(2);
    assert_eq!(h.state().tail_text, "25%", "the default: a quarter (at most 10 minutes, as '25%' reads)");
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
fn a_cancelled_analysis_can_be_resumed() {
    let demo = crate::paths::demo_dir();
    let mut app = app();
    app.open(&demo);
    // Cancelled before the worker picks anything up: every episode ends cancelled.
    app.apply(Action::CancelAnalysis);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the analyses to stop", |a| a.episodes.iter().all(|e| !matches!(e.status, Status::Queued | Status::Analysing { .. })));
    assert!(h.state().episodes.iter().any(|e| matches!(e.status, Status::Cancelled)));
    // While another episode is analysed, the cancelled ones can be resumed too.
    let was = std::mem::replace(&mut h.state_mut().episodes[0].status, Status::Queued);
    h.run_steps(2);
    h.get_by_label("Cancel analysis");
    h.get_by_label("Resume analysis");
    h.state_mut().episodes[0].status = was;
    h.run_steps(2);
    h.get_by_label("Resume analysis").click();
    step_until(&mut h, "every episode analysed", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    assert!(h.query_by_label("Resume analysis").is_none());
}

#[test]
fn an_episode_cancelled_after_its_answer_resumes_its_tail_without_doubling_its_pictures() {
    let demo = crate::paths::demo_dir();
    let mut app = app();
    app.open(&demo);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the season analysed with its tails", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. }) && e.tail.is_some()));
    let shown = h.state().episodes[0].thumbnails.len();
    // What a cancel between the head's answer and the tail leaves (the worker's TailMissing
    // without a why): the answer, no tail.
    {
        let ep = &mut h.state_mut().episodes[0];
        ep.tail = None;
        ep.unfinished = true;
    }
    h.run_steps(2);
    h.get_by_label_contains("cancelled before its credits were looked for");
    h.get_by_label_contains("unfinished · intro");
    h.get_by_label("Resume analysis").click();
    step_until(&mut h, "the tail analysed again", |a| a.episodes[0].tail.is_some() && matches!(a.episodes[0].status, Status::Done { .. }));
    let ep = &h.state().episodes[0];
    assert!(!ep.unfinished);
    assert!(ep.editor.intro().is_some(), "the answer is kept");
    assert_eq!(ep.thumbnails.len(), shown, "the head's pictures sent again from the cache replace those shown");
    assert!(h.query_by_label("Resume analysis").is_none());
}

/// The demo's second episode copied into `dir` beside [`demo_episode`] (no labels): a season
/// of two.
fn second_demo_episode(dir: &Path) -> PathBuf {
    let copy = dir.join("Bunny Tales - S01E02.mp4");
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E02.mp4"), &copy).unwrap();
    copy
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
fn the_first_screen_offers_the_demo_season() {
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), self::app());
    h.run_steps(1);
    h.get_by_label_contains("Find, correct and export the intros of a season");
    h.get_by_label("Open the demo season").click();
    h.run_steps(2);
    assert_eq!(h.state().episodes.len(), std::fs::read_dir(crate::paths::demo_dir()).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "mp4")).count());
    h.state_mut().apply(Action::CancelAnalysis);
}

/// Choosing another time format moves nothing on the toolbar: the fields after the Times box
/// stay where the pointer left them (fitted to "SMPTE", the box shrank and they moved left).
#[test]
fn the_toolbar_keeps_its_place_whatever_time_format_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let mut app = app();
    app.open(&media);
    app.apply(Action::CancelAnalysis);
    let mut h = Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    let mut places = Vec::new();
    for format in crate::clock::TimeFormat::ALL {
        h.state_mut().settings.time_format = format;
        h.run_steps(2);
        places.push((h.get_by_label("Times").rect(), h.get_by_label("Use CLIP weights…").rect()));
    }
    assert!(places.windows(2).all(|w| w[0] == w[1]), "{places:?}");
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
    // Frames of this zoom (0.2 s apart): those of a zoom passed on the way may arrive first.
    step_until(&mut h, "frames of the first rows", |a| a.episodes[0].lanes.frames_step_ms == 200 && a.episodes[0].lanes.frames.len() >= 20);
    let frames: Vec<u64> = h.state().episodes[0].lanes.frames.keys().copied().collect();
    assert_eq!(&frames[..20], (0..20).map(|k| k * 200).collect::<Vec<u64>>().as_slice());
    // The pointer over the timeline: its time is shown.
    // Just below the legend: the timeline's first row.
    let legend = h.get_by_label("sound").rect();
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

mod editing;
mod export;
mod keys;
mod playback;
mod review;
mod search;

/// A season of three 60 s episodes whose 20 s of credits play one end theme (a melody of
/// pseudo-random notes), each story its own footage and melody; E02's names are dark grey on
/// black, which no picture cue reads. (The integration test `credits::credits_whose_names_…`
/// builds the same season for the command line.)
fn themed_season(dir: &Path) {
    let names = dir.join("names.txt");
    std::fs::write(&names, "Cast\nAda Brook\nBen Castell\nCora Diaz\n\nDirected by\nFinn Gray\n\nMusic by\nGil Hart").unwrap();
    for k in 1..=3u32 {
        let colour = if k == 2 { "0x141414" } else { "white" };
        let graph = format!(
            "mandelbrot=s=640x360:r=25:start_scale={scale}:start_x=-0.{k}43,trim=duration=40,setpts=PTS-STARTPTS,format=yuv420p[story];\
             color=c=black:s=640x360:r=25:d=20,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:textfile={names}:fontcolor={colour}:fontsize=24:line_spacing=12:x=(w-tw)/2:y=h-38*t,format=yuv420p[credits];\
             [story][credits]concat=n=2[v];\
             aevalsrc=0.2*sin(2*PI*t*330*pow(2\\,floor(24*abs(sin(floor(2.5*t)*(7.31+{k})+0.3)))/12)):s=44100:d=40[talk];\
             aevalsrc=0.4*sin(2*PI*t*220*pow(2\\,floor(24*abs(sin(floor(3*t)*12.9898+1.7)))/12)):s=44100:d=20[music];[talk][music]concat=n=2:v=0:a=1[a]",
            scale = 0.1 + 0.2 * f64::from(k),
            names = names.display()
        );
        let out = dir.join(format!("Theme Show - S01E0{k}.mkv"));
        let status = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-c:a", "aac"])
            .arg(&out)
            .status()
            .expect("the ffmpeg CLI is installed (scripts/setup-system.sh test)");
        assert!(status.success(), "ffmpeg failed on {}", out.display());
    }
    std::fs::remove_file(names).unwrap();
}

#[test]
fn credits_no_picture_cue_reads_appear_once_the_season_s_end_theme_is_heard_in_the_other_tails() {
    let dir = tempfile::tempdir().unwrap();
    themed_season(dir.path());
    let mut app = app();
    app.tail = crate::features::tail::TailSpec::parse("35").unwrap();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "every tail analysed", |a| a.episodes.len() == 3 && a.episodes.iter().all(|e| e.tail.is_some()));
    step_until(&mut h, "E02's credits by the end theme", |a| a.episodes[1].tail.as_ref().is_some_and(|t| t.found.credits.is_some()));
    let credits = h.state().episodes[1].tail.as_ref().and_then(|t| t.found.credits.clone()).unwrap();
    assert!((credits.start - 40.0).abs() <= 0.5 && (credits.end - 60.0).abs() <= 0.1, "credits {}–{}", credits.start, credits.end);
    assert_eq!(credits.start_by.first(), Some(&crate::model::Evidence::Sound));
    // In the episode's segments, flagged for a check like any uncertain prediction.
    let segment = h.state().episodes[1].editor.first_of(crate::segments::Kind::Credits).cloned().expect("a credits segment");
    assert!((segment.start_ms as f64 / 1000.0 - credits.start).abs() < 0.01 && segment.confidence.is_some_and(|c| c < 0.7), "{segment:?}");
    // The episode says why, as the command line does.
    h.state_mut().selected = 1;
    h.run_steps(2);
    // In the time format chosen (HH:MM:SS.mmm), as every time in the app.
    h.get_by_label_contains("end credits found by their sound at 00:00:");
}

#[test]
fn files_opened_while_a_season_is_analysed_get_nothing_of_the_earlier_season() {
    let demo = crate::paths::demo_dir();
    assert!(demo.is_dir(), "{}: scripts/test.sh builds the demo", demo.display());
    // Fresh copies, so that the first season is really sampled (not read from the cache) when
    // the second open comes, with its pictures and answers still on their way.
    let first = tempfile::tempdir().unwrap();
    for n in 1..=3 {
        std::fs::copy(demo.join(format!("Bunny Tales - S01E0{n}.mp4")), first.path().join(format!("Bunny Tales - S01E0{n}.mp4"))).unwrap();
    }
    let second = tempfile::tempdir().unwrap();
    unreadable(second.path(), &["ep1.mp4", "ep2.mp4", "ep3.mp4"]);
    let mut app = app();
    app.open(first.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the first season's pictures arriving", |a| !a.episodes[0].thumbnails.is_empty());
    h.state_mut().open(second.path());
    step_until(&mut h, "the second season's files to fail", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Failed(_))));
    // What the first season's analysis still sent is not shown on the episodes that took its places.
    std::thread::sleep(Duration::from_millis(500));
    h.run_steps(5);
    for e in &h.state().episodes {
        let failed = matches!(e.status, Status::Failed(_));
        assert!(failed && e.thumbnails.is_empty() && e.detection.is_none() && e.tail.is_none(), "{}: failed {failed}, {} pictures, answer {}", e.name(), e.thumbnails.len(), e.detection.is_some());
    }
}
