//! The export dialog: what is written where, and what the summary says.

use super::*;

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
    assert!(info.starts_with("Exported 2 files for Bunny Tales - S01E01.mp4 (not verified) into"), "{info}");
    let edl = std::fs::read_to_string(out.join("Bunny Tales - S01E01.edl")).unwrap();
    assert!(edl.lines().any(|l| l.split_whitespace().nth(1).is_some_and(|end| end.parse::<f64>().is_ok_and(|e| (e - 20.0).abs() < 0.05))), "the intro 0:00–0:20: {edl}");
    let vtt = std::fs::read_to_string(out.join("Bunny Tales - S01E01.chapters.vtt")).unwrap();
    assert!(vtt.contains("Opening"), "{vtt}");
    assert!(!dir.path().join("Bunny Tales - S01E01.edl").exists(), "nothing beside the media");
    // Ctrl+E repeats the same export, also after a restart (the choice is in the settings).
    std::fs::remove_dir_all(&out).unwrap();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    // The same summary again is told from the first (the line would not change otherwise).
    step_until(&mut h, "the repeated export", |a| a.info.as_deref().is_some_and(|i| i.ends_with("(again)")));
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
fn a_season_export_with_an_unreadable_episode_counts_what_was_exported_and_says_why_once() {
    let dir = tempfile::tempdir().unwrap();
    demo_episode(dir.path());
    std::fs::write(dir.path().join("Bunny Tales - S01E04.mp4"), b"").unwrap();
    let out = dir.path().join("chapters");
    let mut app = season_app(dir.path());
    app.apply(Action::CancelAnalysis);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    let job = super::export_dialog::ExportJob { season: true, formats: vec![crate::formats::Format::Edl, crate::formats::Format::Webvtt], folder: Some(out.clone()), titles: super::export_dialog::Titles::Standard, remux: false };
    h.state_mut().run_export(&job);
    step_until(&mut h, "the export's summary", |a| a.banner.is_some());
    let said = h.state().banner.clone().unwrap();
    assert!(said.starts_with(&format!("Exported 2 files for 1 of 2 episodes (not verified) into {}. Not written: ", out.display())), "{said}");
    assert_eq!(said.matches("S01E04.mp4").count(), 1, "the unreadable episode's reason once, not once per format: {said}");
    assert!(out.join("Bunny Tales - S01E01.edl").exists() && out.join("Bunny Tales - S01E01.chapters.vtt").exists());
    // Ctrl+E: told from the first, failures and all.
    h.state_mut().run_export(&job);
    step_until(&mut h, "the repeated export's summary", |a| a.banner.as_deref().is_some_and(|b| b == format!("{said} (again)")));
    // News, not a standing fault: it fades, and what is said next shows over it.
    assert!(h.state().fades.iter().any(|(text, _)| Some(text) == h.state().banner.as_ref()), "the failures fade");
    // A third time: its own 30 s, not the second's deadline (the fades are matched by text).
    let second = h.state().fades.iter().filter(|(text, _)| h.state().banner.as_ref() == Some(text)).map(|(_, due)| *due).max().unwrap();
    h.state_mut().run_export(&job);
    step_until(&mut h, "the third export's summary", |a| a.fades.iter().any(|(text, due)| a.banner.as_ref() == Some(text) && *due > second));
    assert_eq!(h.state().fades.iter().filter(|(text, _)| h.state().banner.as_ref() == Some(text)).count(), 1, "one deadline for the line");
    h.state_mut().tell("Bunny Tales - S01E01.mp4 verified".into());
    assert_eq!((h.state().banner.as_deref(), h.state().info.as_deref()), (None, Some("Bunny Tales - S01E01.mp4 verified")));
    // The unreadable episode alone: nothing written, so nothing "not verified" either.
    h.state_mut().selected = 1;
    h.state_mut().run_export(&super::export_dialog::ExportJob { season: false, ..job.clone() });
    step_until(&mut h, "the lone episode's summary", |a| a.banner.as_deref().is_some_and(|b| b.starts_with("Exported 0 files")));
    let said = h.state().banner.clone().unwrap();
    assert!(said.starts_with(&format!("Exported 0 files for Bunny Tales - S01E04.mp4 into {}. Not written: ", out.display())), "{said}");
    // Two readable episodes, neither verified: "none verified", not the one episode's wording.
    let third = dir.path().join("Bunny Tales - S01E02.mp4");
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E02.mp4"), &third).unwrap();
    let truth = crate::segments::Segments::read(&crate::paths::demo_dir().join("Bunny Tales - S01E02.truth.json")).unwrap();
    crate::gui::edit::save(&third, &truth).unwrap();
    let mut two = season_app(dir.path());
    two.apply(Action::CancelAnalysis);
    let mut h2 = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), two);
    h2.run_steps(2);
    h2.state_mut().run_export(&job);
    step_until(&mut h2, "the season's summary", |a| a.banner.is_some());
    let said = h2.state().banner.clone().unwrap();
    assert!(said.starts_with("Exported 4 files for 2 of 3 episodes (none verified) into"), "{said}");
    drop(h2);
    std::fs::remove_file(&third).unwrap();
    // S01E01 verified: the season's summary has nothing unverified to say, the episode that
    // got nothing not counted.
    h.state_mut().episodes[0].editor.verify_all();
    h.state_mut().run_export(&job);
    step_until(&mut h, "the verified season's summary", |a| a.banner.as_deref().is_some_and(|b| b.starts_with("Exported 2 files for 1 of 2 episodes into")));
}

/// A format's refusal gives its times in the app's time format, as everything else on screen:
/// YouTube's 10 s rule names the short chapter where the timeline and the Times box show it.
#[test]
fn a_refused_export_names_the_time_in_the_apps_format() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let mut app = app();
    app.open(&media);
    app.apply(Action::CancelAnalysis);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    // A 4.651 s recap at 0:50.349 beside the demo's intro and credits: too short for YouTube.
    let recap = crate::segments::Segment { kind: crate::segments::Kind::Recap, start_ms: 50_349, end_ms: 55_000, source: crate::segments::Source::HumanEdited, confidence: None };
    h.state_mut().episodes[0].editor.segments.segments.retain(|s| s.kind != crate::segments::Kind::Body);
    h.state_mut().episodes[0].editor.segments.segments.push(recap);
    let job = super::export_dialog::ExportJob { season: false, formats: vec![crate::formats::Format::Youtube], folder: Some(dir.path().join("out")), titles: super::export_dialog::Titles::Standard, remux: false };
    h.state_mut().run_export(&job);
    step_until(&mut h, "the export's refusal", |a| a.banner.is_some() || a.info.is_some());
    // (Stored after the credits, as a segment added last is: chapters go in time order.)
    assert!(h.state().banner.is_some());
    h.get_by_label_contains("YouTube chapters must last at least 10 s; 'Recap' at 00:00:50.349 lasts 4.7 s");
    // In SMPTE, frames at the demo's 25 fps, as the Start field would show that time: the
    // message on screen follows the change of format.
    h.state_mut().settings.time_format = crate::clock::TimeFormat::Smpte;
    h.run_steps(2);
    h.get_by_label_contains(&format!("'Recap' at {} lasts", crate::clock::TimeFormat::Smpte.show(50.349, 25.0)));
}

/// A season export's refusals, each about its own episode: in SMPTE, each time's frames are
/// counted at the frame rate of the episode it belongs to, not the selected one's.
#[test]
fn a_season_exports_refusals_count_frames_at_their_own_episodes_rate() {
    // A folder whose name holds ": " as the reasons' own "PATH: why" does.
    let top = tempfile::tempdir().unwrap();
    let dir = top.path().join("Star Trek: Discovery");
    std::fs::create_dir(&dir).unwrap();
    demo_episode(&dir);
    second_demo_episode(&dir);
    let mut app = season_app(&dir);
    app.apply(Action::CancelAnalysis);
    // Rates as the probe would say them: S01E01 at 25, the selected S01E02 at 30.
    for (ep, fps) in app.episodes.iter_mut().zip([25.0, 30.0]) {
        ep.lanes.probed = true;
        ep.lanes.fps = Some(fps);
    }
    app.selected = 1;
    app.settings.time_format = crate::clock::TimeFormat::Smpte;
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    // A 4.651 s recap at 0:50.349 in S01E01 only: too short for YouTube.
    let recap = crate::segments::Segment { kind: crate::segments::Kind::Recap, start_ms: 50_349, end_ms: 55_000, source: crate::segments::Source::HumanEdited, confidence: None };
    h.state_mut().episodes[0].editor.segments.segments.retain(|s| s.kind != crate::segments::Kind::Body);
    h.state_mut().episodes[0].editor.segments.segments.push(recap);
    let job = super::export_dialog::ExportJob { season: true, formats: vec![crate::formats::Format::Youtube], folder: Some(dir.join("out")), titles: super::export_dialog::Titles::Standard, remux: false };
    h.state_mut().run_export(&job);
    step_until(&mut h, "the export's refusal", |a| a.banner.is_some());
    let (at_25, at_30) = (crate::clock::TimeFormat::Smpte.show(50.349, 25.0), crate::clock::TimeFormat::Smpte.show(50.349, 30.0));
    assert_ne!(at_25, at_30);
    h.get_by_label_contains(&format!("'Recap' at {at_25} lasts"));
    assert!(h.query_by_label_contains(&format!("'Recap' at {at_30} lasts")).is_none(), "counted at the selected episode's rate");
    // S01E01's rate unknown (never probed): its time as written, no frames guessed.
    h.state_mut().episodes[0].lanes.fps = None;
    h.run_steps(2);
    h.get_by_label_contains("'Recap' at 0:50.349 lasts");
}
