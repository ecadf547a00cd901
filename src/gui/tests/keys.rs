//! The keyboard: every press counts, chords, the key sheet, keys beside text fields, zoom keys.

use super::*;

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
fn keys_do_not_reach_the_episode_while_a_file_dialog_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_episodes(dir.path()));
    step_until(&mut h, "the analyses to end", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Failed(_))));
    // As if analysed, with an intro found: Enter would verify it.
    let ep = &mut h.state_mut().episodes[0];
    ep.status = Status::Done { samples: 180, seconds: 1.0, cached: true, note: None };
    let d = crate::model::Detection { intros: vec![crate::model::DetectedSegment::by_model(10.0, 40.0, 0.9)], ..crate::model::Detection::empty() };
    ep.editor.merge_detection(&d);
    ep.detection = Some(d);
    h.run_steps(2);
    // "Open episode…" pressed: its dialog waits for an answer on its own thread.
    let (answer, asked) = crossbeam_channel::bounded(1);
    h.state_mut().dialog = Some((super::Pick::Episode, asked));
    h.key_press(egui::Key::Enter);
    h.run_steps(1);
    assert!(!h.state().episodes[0].editor.is_verified(), "Enter in the dialog verified the episode behind it");
    for key in [egui::Key::ArrowRight, egui::Key::E, egui::Key::P] {
        h.key_press(key);
        h.run_steps(1);
    }
    assert_eq!(h.state().episodes[0].playhead_s, 0.0, "a key typed into the dialog moved the playhead");
    // Cancelled: the keys are the main window's again.
    answer.send(None).unwrap();
    h.run_steps(2);
    assert!(h.state().dialog.is_none());
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(1);
    assert!(h.state().episodes[0].playhead_s > 0.0);
    h.key_press(egui::Key::Enter);
    h.run_steps(1);
    assert!(h.state().episodes[0].editor.is_verified(), "Enter verifies once the dialog is gone");
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
fn the_readme_lists_every_key_of_the_key_sheet() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (keys, what) in KEYS {
        assert!(readme.contains(&format!("| {keys} | {what} |")), "README's key table lacks: {keys} — {what}");
    }
}

#[test]
fn f1_shows_the_key_sheet() {
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), self::app());
    h.run_steps(1);
    assert!(h.query_by_label("a frame back / on").is_none());
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    h.get_by_label("a frame back / on");
    h.get_by_label("verify the episode and go to the next one to check");
}

#[test]
fn keys_pressed_while_the_key_sheet_is_open_leave_the_episode_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_clips(dir.path()));
    h.run_steps(2);
    // An intro 2–4 s, then the sheet opened with ?: arrows, Delete, Enter and Space reach nothing behind it.
    for key in [egui::Key::ArrowRight, egui::Key::ArrowRight, egui::Key::I, egui::Key::ArrowRight, egui::Key::ArrowRight, egui::Key::O] {
        h.key_press(key);
    }
    h.run_steps(1);
    assert_eq!(h.state().episodes[0].editor.intro().map(|s| (s.start_ms, s.end_ms)), Some((2_000, 4_000)));
    h.key_press(egui::Key::Questionmark);
    h.run_steps(2);
    assert!(h.state().help);
    for key in [egui::Key::ArrowRight, egui::Key::Delete, egui::Key::Enter, egui::Key::Space, egui::Key::ArrowDown] {
        h.key_press(key);
        h.run_steps(1);
    }
    let app = h.state();
    assert_eq!(app.episodes[0].editor.intro().map(|s| (s.start_ms, s.end_ms)), Some((2_000, 4_000)), "Delete reached the episode behind the sheet");
    assert!(!app.episodes[0].editor.is_verified() && !app.playing && app.selected == 0 && app.episodes[0].playhead_s == 4.0);
    // Esc closes it, and keys act again.
    h.key_press(egui::Key::Escape);
    h.run_steps(1);
    assert!(!h.state().help);
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(1);
    assert_eq!(h.state().episodes[0].playhead_s, 5.0);
}

#[test]
fn arrows_move_between_episodes_and_i_after_the_end_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two_clips(dir.path()));
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
