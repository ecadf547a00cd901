//! Playback: what streaming players offer (skip intro, skip credits, next episode) and J/K/L.

use super::*;

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
    // The offer over the picture moves nothing beside it: Pause stays where Play was.
    let mute = h.get_by_label("Mute (M)").rect();
    h.get_by_label("Skip intro").click();
    step_until(&mut h, "playback after the intro", |a| a.episodes[0].playhead_s >= 20.0);
    assert!(h.query_by_label("Skip intro").is_none(), "gone after the intro");
    assert_eq!(h.get_by_label("Mute (M)").rect(), mute, "the controls moved when the offer went");
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
    // Played to the end of the file, the next episode stays offered (an outside trial saw the
    // button go at the last frame, leaving a paused episode and nothing to press).
    step_until(&mut h, "playback to reach the end", |a| !a.playing);
    h.run_steps(1);
    assert_eq!(h.state().offers(), [Offer::NextEpisode], "at the end");
    h.get_by_label("Next episode").click();
    step_until(&mut h, "the next episode playing from its start", |a| a.selected == 1 && a.playing && a.episodes[1].playhead_s > 0.1);
    assert!(h.state().episodes[1].playhead_s < 5.0);
    // In the second episode story follows the credits: skip them, but never to the next episode.
    h.state_mut().episodes[1].playhead_s = 25.0;
    h.key_press(egui::Key::Space);
    h.key_press(egui::Key::Space);
    step_until(&mut h, "playback inside the second credits", |a| a.playing && a.episodes[1].playhead_s > 25.2);
    assert_eq!(h.state().offers(), [Offer::SkipCredits], "a post-credits scene follows: no Next episode");
    // What the tail's analysis found after the credits is shown as story that plays (these
    // human labels end the credits at 35 s; the analysis's own answer is put here as it gives
    // it for an episode without labels).
    h.state_mut().episodes[1].tail.as_mut().expect("analysed").found.after_credits = Some((35.0, 48.0));
    h.run_steps(2);
    h.get_by_label_contains("Story after the credits 00:00:35.000 – 00:00:48.000");
    h.key_press(egui::Key::Space);
    h.run_steps(2);
}

#[test]
fn credits_a_scene_splits_skip_to_the_scene_and_offer_the_next_episode_only_in_the_last_part() {
    // Two episodes of 48 s: story 0–20, names 20–30, a scene 30–36, names again 36–48.
    let dir = tempfile::tempdir().unwrap();
    let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    let names = |d: u32| format!("color=c=black:s=320x180:r=25:d={d},drawtext=fontfile={font}:text='Cast':fontcolor=white:fontsize=14:x=(w-tw)/2:y=h-20*t");
    let graph = format!("mandelbrot=s=320x180:r=25,trim=duration=20,setpts=PTS-STARTPTS[a];{}[b];testsrc2=s=320x180:r=25:d=6[c];{}[d];[a][b][c][d]concat=n=4,format=yuv420p[v]", names(10), names(12));
    let mut files = Vec::new();
    for n in 1..=2 {
        let file = dir.path().join(format!("Show - S01E0{n}.mkv"));
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast"]).arg(&file).status().unwrap().success();
        assert!(ok, "ffmpeg");
        let seg = |start_ms, end_ms| crate::segments::Segment { kind: Kind::Credits, start_ms, end_ms, source: crate::segments::Source::HumanVerified, confidence: None };
        crate::gui::edit::save(&file, &crate::segments::Segments { segments: vec![seg(20_000, 30_000), seg(36_000, 48_000)], absent: vec![Kind::Intro], ..Default::default() }).unwrap();
        files.push(file);
    }
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    step_until(&mut h, "both tails analysed", |a| a.episodes.iter().all(|e| e.tail.is_some()));
    h.state_mut().episodes[0].playhead_s = 21.0;
    h.key_press(egui::Key::Space);
    step_until(&mut h, "playback inside the first part", |a| a.playing && a.episodes[0].playhead_s > 21.2);
    assert_eq!(h.state().offers(), [Offer::SkipCredits], "a scene follows: no Next episode");
    h.get_by_label("Skip credits").click();
    step_until(&mut h, "playback in the scene", |a| a.episodes[0].playhead_s > 30.1);
    assert!(h.state().episodes[0].playhead_s < 33.0, "skipped to the scene, not past it: {}", h.state().episodes[0].playhead_s);
    assert_eq!(h.state().offers(), [], "the scene plays");
    step_until(&mut h, "playback inside the last part", |a| a.episodes[0].playhead_s > 36.2);
    assert_eq!(h.state().offers(), [Offer::NextEpisode], "only credits are left");
    // The scene the analysis found between the parts is shown as story.
    h.state_mut().episodes[0].tail.as_mut().expect("analysed").found.between = vec![(30.0, 36.0)];
    h.run_steps(2);
    h.get_by_label_contains("Story between the credits 00:00:30.000 – 00:00:36.000");
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    // The second part begun earlier by hand: the story between ends where it now begins, never
    // over the credits just drawn (an outside trial).
    let second = h.state().episodes[0].editor.segments.segments.iter().position(|s| s.start_ms == 36_000).unwrap();
    h.state_mut().episodes[0].editor.segments.segments[second].start_ms = 34_500;
    h.run_steps(2);
    h.get_by_label_contains("Story between the credits 00:00:30.000 – 00:00:34.500");
    assert!(h.query_by_label_contains("– 00:00:36.000").is_none());
    // Start and End show the part at the playhead, and a time typed there moves that part (they
    // showed the first part, and 0:35 typed for the second was refused as after its end).
    h.state_mut().edit_kind = Kind::Credits;
    h.state_mut().episodes[0].editor.selected = None;
    h.state_mut().episodes[0].playhead_s = 40.0;
    h.run_steps(2);
    h.get_by_label_contains("part 2 of 2");
    assert_eq!(h.state().typed.0, "00:00:34.500");
    h.get_by_label("Start").focus();
    h.run_steps(1);
    // The playhead moves on meanwhile (playback, a click): the part typed into is the one shown
    // when the field was entered.
    h.state_mut().episodes[0].playhead_s = 21.0;
    h.run_steps(1);
    h.state_mut().typed.0 = "00:00:35.000".into();
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().banner, None);
    let parts: Vec<(u64, u64)> = h.state().episodes[0].editor.segments.segments.iter().filter(|s| s.kind == Kind::Credits).map(|s| (s.start_ms, s.end_ms)).collect();
    assert_eq!(parts, [(20_000, 30_000), (35_000, 48_000)]);
    // The field shows what was applied, of that part.
    assert_eq!(h.state().typed.0, "00:00:35.000");
}

#[test]
fn j_k_l_shuttle_playback_and_the_season_shows_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    second_demo_episode(dir.path());
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    h.get_by_label_contains("0 of 2 analysed");
    step_until(&mut h, "the season analysed", |a| a.episodes.iter().all(|e| matches!(e.status, Status::Done { .. })));
    assert!(h.query_by_label_contains("of 2 analysed").is_none(), "the progress says so when done");
    h.get_by_label_contains("all 2 analysed");
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

/// Playback belongs to the episode it was started on: ↓ to another episode, or a folder opened
/// while playing, stops it and shows the new episode's still frame (an outside trial: a folder
/// opened during 4× playback showed "Playing" over a blank picture that K did not bring back).
#[test]
fn another_episode_or_folder_opened_during_playback_stops_it_and_shows_its_frame() {
    let dir = tempfile::tempdir().unwrap();
    demo_episode(dir.path());
    let second = second_demo_episode(dir.path());
    let other = tempfile::tempdir().unwrap();
    let third = other.path().join("Bunny Tales - S01E03.mp4");
    std::fs::copy(crate::paths::demo_dir().join("Bunny Tales - S01E03.mp4"), &third).unwrap();
    let mut app = app();
    app.open(dir.path());
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    for _ in 0..3 {
        h.key_press(egui::Key::L);
    }
    step_until(&mut h, "playback at 4×", |a| a.playing && a.episodes[0].playhead_s > 1.0);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    assert_eq!(h.state().selected, 1);
    assert!(!h.state().playing, "the episode moved to is not shown as playing");
    assert!(h.state().offers().is_empty());
    step_until(&mut h, "E02's still frame", |a| a.preview_frame.as_ref().is_some_and(|(p, _, _)| *p == second));
    h.key_press(egui::Key::Space);
    step_until(&mut h, "E02 playing", |a| a.playing && a.episodes[1].playhead_s > 0.5);
    h.state_mut().open(other.path());
    h.run_steps(2);
    assert!(!h.state().playing, "a folder opened stops playback");
    step_until(&mut h, "the new folder's still frame", |a| a.preview_frame.as_ref().is_some_and(|(p, _, _)| *p == third));
    assert_eq!(h.state().episodes[0].playhead_s, 0.0);
    // K, then Space: it plays from where it stands.
    h.key_press(egui::Key::K);
    h.key_press(egui::Key::Space);
    step_until(&mut h, "E03 playing", |a| a.playing && a.episodes[0].playhead_s > 0.5);
}

/// A preview drawn over the credits is kept as drawn and said, with what to do: players skip the
/// credits as one (an outside trial drew one inside the credits and saw the skip buttons go).
#[test]
fn a_preview_over_the_credits_is_said_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let media = demo_episode(dir.path());
    let seg = |kind, start_ms, end_ms| crate::segments::Segment { kind, start_ms, end_ms, source: crate::segments::Source::HumanEdited, confidence: None };
    let mut labels = crate::segments::Segments::read(&crate::paths::demo_dir().join("Bunny Tales - S01E01.truth.json")).unwrap();
    labels.segments.retain(|s| !matches!(s.kind, Kind::Credits | Kind::Preview));
    labels.segments.push(seg(Kind::Credits, 110_000, 120_000));
    labels.segments.push(seg(Kind::Preview, 116_000, 119_000));
    crate::gui::edit::save(&media, &labels).unwrap();
    let mut app = app();
    app.open(&media);
    let mut h = Harness::new_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(3);
    h.get_by_label_contains("The preview 00:01:56.000 – 00:01:59.000 overlaps the credits 00:01:50.000 – 00:02:00.000: end the credits where the preview starts (O)");
    // Ended where the preview starts, nothing is said.
    h.state_mut().episodes[0].editor.set_end(Kind::Credits, 116_000);
    h.run_steps(2);
    assert!(h.query_by_label_contains("overlaps the credits").is_none());
}
