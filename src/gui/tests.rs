//! Behaviour of the app through egui_kittest (egui's own harness, headless): what a user sees
//! after opening files, pressing keys and cancelling.

use super::*;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

fn app() -> App {
    App::new(Worker::start(None, || {}))
}

/// Step the UI (the worker runs on its own thread) until `done` holds or 30 s pass.
fn step_until(h: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
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
    h.get_by_label_contains("Intro 0:03 – 0:08");
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
    let mut again = super::App::new(Worker::start(None, || {}));
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
