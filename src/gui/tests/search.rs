//! The search panel: a shot found across the season, duplicate files, recurring scenes.

use super::*;
use crate::gui::search as panel;

/// The demo's S01E01 and S01E02, and a byte-for-byte copy of S01E01 under another name.
fn season_with_a_copy(dir: &Path) -> App {
    let demo = crate::paths::demo_dir();
    for (from, to) in [("S01E01", "Bunny Tales - S01E01.mp4"), ("S01E02", "Bunny Tales - S01E02.mp4"), ("S01E01", "Bunny Tales - S01E01 (copy).mp4")] {
        std::fs::copy(demo.join(format!("Bunny Tales - {from}.mp4")), dir.join(to)).unwrap();
    }
    let mut app = app();
    app.open(dir);
    app
}

fn index_of(app: &App, name: &str) -> usize {
    app.episodes.iter().position(|e| e.name() == name).unwrap_or_else(|| panic!("{name} is not open"))
}

#[test]
fn ctrl_f_finds_the_shot_in_every_episode_and_a_click_goes_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), season_with_a_copy(dir.path()));
    // Before its analysis is done, an episode cannot be searched, and the app says so.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run_steps(1);
    assert!(h.state().banner.as_deref().is_some_and(|b| b.contains("not analysed yet")), "{:?}", h.state().banner);
    step_until(&mut h, "the season's analysis", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    // The intro's second shot (S01E01 0:10) is in S01E02's intro at 36–42 s and in the copy.
    let first = index_of(h.state(), "Bunny Tales - S01E01.mp4");
    let second = index_of(h.state(), "Bunny Tales - S01E02.mp4");
    let copy = index_of(h.state(), "Bunny Tales - S01E01 (copy).mp4");
    h.state_mut().selected = first;
    h.state_mut().episodes[first].playhead_s = 10.4;
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    step_until(&mut h, "the shot's answer", |a| a.search.answer(panel::Tab::Shot).is_some());
    let answer = h.state().search.answer(panel::Tab::Shot).cloned().unwrap();
    assert_eq!(answer.query, panel::Query::Shot { episode: first, second: 10 });
    assert_eq!(answer.searched, 3);
    let Ok(panel::Found::Shots(places)) = &answer.found else { panic!("{answer:?}") };
    let in_second = places.iter().find(|p| p.episode == Some(second)).unwrap_or_else(|| panic!("not found in S01E02: {places:?}"));
    assert!((35..=43).contains(&in_second.second), "{in_second:?}");
    assert!(places.iter().any(|p| p.episode == Some(copy) && (9..=11).contains(&p.second)), "the copy's own 0:10: {places:?}");
    // Only intro footage: nothing from the bodies (different films), nothing in the query's own run.
    assert!(places.iter().all(|p| p.from < 60), "{places:?}");
    assert!(!places.iter().any(|p| p.episode == Some(first) && (8..=12).contains(&p.second)), "{places:?}");
    h.get_by_label_contains("Found in");
    // Clicking the S01E02 line shows that episode at that second.
    h.get_by_label_contains("Bunny Tales - S01E02  ").click();
    h.run_steps(2);
    assert_eq!(h.state().selected, second);
    assert_eq!(h.state().episodes[second].playhead_s, f64::from(in_second.second));
}

#[test]
fn the_search_panel_lists_the_duplicate_file_and_the_scenes_the_season_returns_to() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), season_with_a_copy(dir.path()));
    step_until(&mut h, "the season's analysis", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    h.get_by_label("Search").click();
    h.run_steps(1);
    h.get_by_label("Duplicates").click();
    h.run_steps(1);
    h.get_by_label("Find duplicate episodes").click();
    step_until(&mut h, "the duplicates' answer", |a| a.search.answer(panel::Tab::Duplicates).is_some());
    let first = index_of(h.state(), "Bunny Tales - S01E01.mp4");
    let copy = index_of(h.state(), "Bunny Tales - S01E01 (copy).mp4");
    let answer = h.state().search.answer(panel::Tab::Duplicates).cloned().unwrap();
    let Ok(panel::Found::Duplicates(pairs)) = &answer.found else { panic!("{answer:?}") };
    let pairs: Vec<(usize, usize)> = pairs.iter().map(|p| (p.open[0].unwrap().min(p.open[1].unwrap()), p.open[0].unwrap().max(p.open[1].unwrap()))).collect();
    assert_eq!(pairs, [(first.min(copy), first.max(copy))], "only the copy is the same episode");
    h.get_by_label_contains("1 pair of files holds the same episode");
    // Scenes: the intro's shots recur in all three files; each place is a clickable picture.
    h.get_by_label("Scenes").click();
    h.run_steps(1);
    h.get_by_label("Find recurring scenes").click();
    step_until(&mut h, "the scenes' answer", |a| a.search.answer(panel::Tab::Scenes).is_some());
    let answer = h.state().search.answer(panel::Tab::Scenes).cloned().unwrap();
    let Ok(panel::Found::Scenes(scenes)) = &answer.found else { panic!("{answer:?}") };
    assert!(scenes.first().is_some_and(|s| s.episodes == 3), "{scenes:?}");
    h.get_by_label_contains("Scene 1: 3 episodes");
    // Opening other files clears answers about these.
    h.state_mut().open(&crate::paths::demo_dir());
    h.run_steps(1);
    assert!(h.state().search.answer(panel::Tab::Scenes).is_none());
}

#[test]
fn in_a_library_the_shot_and_the_duplicate_are_found_in_another_season_and_a_click_opens_it() {
    // A library of two folders: the open season (S01E01, S01E02), and old rips holding a copy
    // of S01E01 under another name.
    let library = tempfile::tempdir().unwrap();
    let (open, other) = (library.path().join("Bunny Tales").join("Season 1"), library.path().join("Old Rips"));
    std::fs::create_dir_all(&open).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    let demo = crate::paths::demo_dir();
    for e in ["S01E01", "S01E02"] {
        std::fs::copy(demo.join(format!("Bunny Tales - {e}.mp4")), open.join(format!("Bunny Tales - {e}.mp4"))).unwrap();
    }
    std::fs::copy(demo.join("Bunny Tales - S01E01.mp4"), other.join("bunny-1x01.mp4")).unwrap();
    let mut app = app();
    app.open(&open);
    app.search.scope = panel::Scope::Library;
    app.search.library = Some(library.path().to_path_buf());
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the season's analysis", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    let first = index_of(h.state(), "Bunny Tales - S01E01.mp4");
    h.state_mut().selected = first;
    h.state_mut().episodes[first].playhead_s = 10.4;
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    step_until(&mut h, "the library's answer", |a| a.search.answer(panel::Tab::Shot).is_some());
    let answer = h.state().search.answer(panel::Tab::Shot).cloned().unwrap();
    assert_eq!(answer.searched, 3, "{answer:?}");
    let Ok(panel::Found::Shots(places)) = &answer.found else { panic!("{answer:?}") };
    let elsewhere = places.iter().find(|p| p.path.ends_with("Old Rips/bunny-1x01.mp4")).unwrap_or_else(|| panic!("not found in the other folder: {places:?}"));
    assert_eq!(elsewhere.episode, None, "not open");
    assert!((9..=11).contains(&elsewhere.second), "{elsewhere:?}");
    assert!(elsewhere.picture.is_some(), "a place that is not open brings its picture");
    assert!(!places.iter().any(|p| p.episode == Some(first) && (8..=12).contains(&p.second)), "the shot itself is left out: {places:?}");
    h.get_by_label_contains("3 episodes of the library");
    // Duplicates across the library: the copy in the other folder.
    h.get_by_label("Duplicates").click();
    h.run_steps(1);
    h.get_by_label("Find duplicate episodes").click();
    step_until(&mut h, "the duplicates' answer", |a| a.search.answer(panel::Tab::Duplicates).is_some());
    let answer = h.state().search.answer(panel::Tab::Duplicates).cloned().unwrap();
    let Ok(panel::Found::Duplicates(pairs)) = &answer.found else { panic!("{answer:?}") };
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0].open, [Some(first), None]);
    assert!(pairs[0].paths[1].ends_with("Old Rips/bunny-1x01.mp4"), "{pairs:?}");
    // Clicking the copy's place opens its folder as the season, at that second; the answers stay.
    h.get_by_label("Shot").click();
    h.run_steps(1);
    h.get_by_label_contains("bunny-1x01  ").click();
    h.run_steps(2);
    assert_eq!(h.state().episodes.len(), 1);
    assert!(h.state().episodes[0].path.ends_with("Old Rips/bunny-1x01.mp4"));
    assert_eq!(h.state().episodes[0].playhead_s, f64::from(elsewhere.second));
    let kept = h.state().search.answer(panel::Tab::Shot).cloned().unwrap();
    let Ok(panel::Found::Shots(places)) = &kept.found else { panic!("{kept:?}") };
    assert!(places.iter().any(|p| p.path.ends_with("Old Rips/bunny-1x01.mp4") && p.episode == Some(0)), "{places:?}");
}

#[test]
fn words_without_clip_weights_say_how_to_get_them() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("Bunny Tales - S01E01.mp4");
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E01.mp4"), &media).unwrap();
    let mut app = app();
    app.open(&media);
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "the analysis", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    h.get_by_label("Search").click();
    // The panel takes its width over a few frames (the tab row is wider than it starts).
    h.run_steps(3);
    h.get_by_label("Words").click();
    h.run_steps(1);
    assert_eq!(h.state().search.tab, panel::Tab::Words);
    // Said before anything is typed, not an empty list after.
    h.get_by_label_contains("Searching by words needs CLIP weights");
    h.state_mut().search.words = "title card".into();
    h.get_by_label("Find").click();
    step_until(&mut h, "the words' answer", |a| a.search.answer(panel::Tab::Words).is_some());
    let answer = h.state().search.answer(panel::Tab::Words).cloned().unwrap();
    assert!(matches!(&answer.found, Err(why) if why.contains("Use CLIP weights")), "{answer:?}");
}

#[cfg(feature = "ocr")]
#[test]
fn words_on_screen_find_the_title_card_in_every_episode_and_a_click_goes_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_ui_state(|ui, app: &mut App| app.show(ui), season_with_a_copy(dir.path()));
    step_until(&mut h, "the season's analysis", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    h.get_by_label("Search").click();
    h.run_steps(3);
    h.get_by_label("On screen").click();
    h.run_steps(1);
    // Typed as a user would: any case, the words of the card "BUNNY TALES".
    h.state_mut().search.screen_words = "Bunny tales".into();
    h.get_by_label("Find").click();
    step_until(&mut h, "the on-screen answer", |a| a.search.answer(panel::Tab::OnScreen).is_some());
    let answer = h.state().search.answer(panel::Tab::OnScreen).cloned().unwrap();
    let Ok(panel::Found::Shots(places)) = &answer.found else { panic!("{answer:?}") };
    // The card closes each intro: 16–20 s, in S01E02 46–50 s; nothing else on screen says it.
    let second = index_of(h.state(), "Bunny Tales - S01E02.mp4");
    let mut got: Vec<(usize, u32, u32)> = places.iter().map(|p| (p.episode.expect("open"), p.from, p.to)).collect();
    got.sort();
    let mut want: Vec<(usize, u32, u32)> = (0..3).map(|e| if e == second { (e, 46, 49) } else { (e, 16, 19) }).collect();
    want.sort();
    assert_eq!(got, want, "{places:?}");
    assert!(places.iter().all(|p| p.line == "BUNNY TALES"), "{places:?}");
    h.get_by_label_contains("Found in 3 places in 3 episodes");
    h.get_by_label_contains("Bunny Tales - S01E02  ").click();
    h.run_steps(2);
    assert_eq!(h.state().selected, second);
    assert!((46.0..50.0).contains(&h.state().episodes[second].playhead_s));
}
