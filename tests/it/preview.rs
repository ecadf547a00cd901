//! Frames on demand (the app's preview and playback): the frame shown at a time, forwards and
//! backwards, and the frames after it, checked against the frame counter drawn into the clip.

use crate::common::*;
use introskip::video::frames::FrameReader;

#[test]
fn frame_at_shows_the_frame_on_screen_at_that_time() {
    let dir = tempfile::tempdir().unwrap();
    // 25 fps, a keyframe every 2 s: backwards and far jumps must seek, near ones decode on.
    let clip = counter_clip(dir.path(), "c.mp4", "25", 12.0, &["-c:v", "libx264", "-g", "50", "-bf", "2"], None);
    let mut r = FrameReader::open(&clip).unwrap();
    for t in [3.0, 3.02, 3.5, 1.0, 9.96, 0.0, 7.3, 7.29] {
        let (shown, img) = r.frame_at(t).unwrap();
        let expected = (t * 25.0 + 1e-9).floor() as u32;
        assert_eq!(read_counter(&img), expected, "at {t} s");
        assert!((shown - expected as f64 / 25.0).abs() < 1e-6, "frame time at {t} s: {shown}");
    }
    // Playback continues from the last frame shown.
    r.frame_at(4.0).unwrap();
    for n in 101..110 {
        let (_, img) = r.next_frame().unwrap().unwrap();
        assert_eq!(read_counter(&img), n);
    }
}

#[test]
fn cuts_are_found_at_the_first_frame_of_each_shot() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("shots.mp4");
    // Three shots of moving pictures at 25 fps: cuts at frame 55 (2.2 s) and 91 (3.64 s); the
    // moving parts inside each shot are not cuts. Keyframes every 2 s, so the search must seek.
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=s=320x180:r=25:d=2.2",
        "-f", "lavfi", "-i", "mandelbrot=s=320x180:r=25,trim=duration=1.44",
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2.4",
        "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1,format=yuv420p",
        "-c:v", "libx264", "-g", "50", clip.to_str().unwrap(),
    ]);
    let cuts = introskip::video::cuts::find_cuts(&clip, 0.0, 6.0).unwrap();
    // Detected boundaries move onto a cut within reach, and only then.
    let segment = |start: f64, end: f64| introskip::model::DetectedSegment::by_model(start, end, 0.9);
    let mut d = introskip::model::Detection { intros: vec![segment(2.5, 3.9)], recaps: vec![segment(0.5, 1.0)], ..introskip::model::Detection::empty() };
    let moved = introskip::model::snap::Snapper::default().snap(&clip, &mut d, introskip::model::snap::Reach::default()).unwrap();
    assert_eq!(moved, 2);
    assert!((d.intros[0].start - 2.2).abs() < 1e-3 && (d.intros[0].end - 3.64).abs() < 1e-3, "{:?}", d.intros[0]);
    use introskip::model::Evidence;
    assert_eq!(d.intros[0].start_by, vec![Evidence::Model, Evidence::Cut], "the boundary says what moved it");
    assert_eq!(d.recaps[0].start_by, vec![Evidence::Model]);
    assert_eq!((d.recaps[0].start, d.recaps[0].end), (0.5, 1.0), "no cut near the recap's edges");
    assert_eq!(cuts.len(), 2, "cuts found: {cuts:?}");
    assert!((cuts[0] - 2.2).abs() < 1e-3 && (cuts[1] - 3.64).abs() < 1e-3, "cuts found: {cuts:?}");
    // Only the asked-for stretch.
    let cuts = introskip::video::cuts::find_cuts(&clip, 3.0, 5.0).unwrap();
    assert_eq!(cuts.len(), 1, "cuts found: {cuts:?}");
    assert!((cuts[0] - 3.64).abs() < 1e-3);
}

#[test]
fn with_no_cut_near_a_boundary_moves_to_where_the_picture_leaves_black_else_the_sound_returns() {
    use introskip::model::snap::{Reach, Snapper};
    use introskip::model::{DetectedSegment, Detection, Evidence};
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("pauses.mp4");
    // One moving shot, no cut in it: black until 2 s, then a 1 s fade in (the picture leaves
    // black within its first frames); a tone with a silence at 6–7 s.
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=10,fade=t=in:st=2:d=1,format=yuv420p",
        "-f", "lavfi", "-i", "aevalsrc=if(between(t\\,6\\,7)\\,0\\,0.5*sin(2*PI*440*t)):s=48000:d=10",
        "-c:v", "libx264", "-g", "50", "-c:a", "aac", "-shortest", clip.to_str().unwrap(),
    ]);
    let edges = introskip::video::cuts::find_edges(&clip, 1.0, 4.0).unwrap();
    assert!(edges.cuts.is_empty(), "a fade is not a cut: {edges:?}");
    assert_eq!(edges.out_of_black.len(), 1, "{edges:?}");
    assert!((2.0..2.2).contains(&edges.out_of_black[0]), "{edges:?}");
    let segment = |start: f64, end: f64| DetectedSegment::by_model(start, end, 0.9);
    let mut d = Detection { intros: vec![segment(2.9, 6.5)], ..Detection::empty() };
    let moved = Snapper::default().snap(&clip, &mut d, Reach::default()).unwrap();
    assert_eq!(moved, 2, "{:?}", d.intros[0]);
    let intro = &d.intros[0];
    // A start goes back to where the fade began: its first frames, too dark to count as out of
    // black, are the intro's (the first frame of the fade, at 2 s, is still black).
    assert!(intro.start < edges.out_of_black[0] && (intro.start - 2.04).abs() < 1e-3, "{intro:?} {edges:?}");
    assert_eq!(intro.start_by, vec![Evidence::Model, Evidence::Fade]);
    // After a hard cut from a black leader, flat or one whose last two frames lift a little
    // (still black: the grain of a not quite flat black), the start is the first frame out of
    // black: two frames of rise are no fade.
    let black = |c: &str, d: f64| format!("color={c}:s=320x180:r=25:d={d}");
    for (name, parts) in [("leader.mp4", vec![black("black", 2.0)]), ("lifting.mp4", vec![black("black", 1.92), black("0x0c0c0c", 0.04), black("0x161616", 0.04)])] {
        let leader = dir.path().join(name);
        let mut args: Vec<String> = Vec::new();
        for p in parts.iter().map(String::as_str).chain(["testsrc2=s=320x180:r=25:d=4"]) {
            args.extend(["-f".into(), "lavfi".into(), "-i".into(), p.to_string()]);
        }
        let inputs: String = (0..=parts.len()).map(|k| format!("[{k}:v]")).collect();
        args.extend(["-filter_complex".into(), format!("{inputs}concat=n={}:v=1,format=yuv420p", parts.len() + 1)]);
        args.extend(["-c:v", "libx264", "-g", "50"].map(String::from));
        args.push(leader.to_str().unwrap().to_string());
        ffmpeg(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let mut cut_in = Detection { intros: vec![segment(2.9, 5.5)], ..Detection::empty() };
        Snapper::default().snap(&leader, &mut cut_in, Reach::parse("fade").unwrap()).unwrap();
        assert!((cut_in.intros[0].start - 2.0).abs() < 1e-3, "{name}: {:?}", cut_in.intros[0]);
    }
    assert!((intro.end - 7.0).abs() <= 0.08, "the sound comes back at 7 s: {intro:?}");
    assert_eq!(intro.end_by, vec![Evidence::Model, Evidence::Silence]);
    // An end the season's sound placed is where the shared sound ends: a silence near it is a
    // pause inside that sound, not an edge.
    let mut by_sound = Detection { intros: vec![segment(2.9, 6.5)], ..Detection::empty() };
    by_sound.intros[0].end_by = vec![Evidence::Sound];
    Snapper::default().snap(&clip, &mut by_sound, Reach::default()).unwrap();
    assert_eq!((by_sound.intros[0].end, by_sound.intros[0].end_by.as_slice()), (6.5, &[Evidence::Sound][..]));
    // Out of reach, or the kind left out: the boundaries stay.
    let mut far = Detection { intros: vec![segment(3.5, 8.5)], ..Detection::empty() };
    assert_eq!(Snapper::default().snap(&clip, &mut far, Reach::default()).unwrap(), 0, "{:?}", far.intros[0]);
    let mut cuts_only = Detection { intros: vec![segment(2.9, 6.5)], ..Detection::empty() };
    assert_eq!(Snapper::default().snap(&clip, &mut cuts_only, Reach::parse("cut").unwrap()).unwrap(), 0);
    assert_eq!((cuts_only.intros[0].start, cuts_only.intros[0].end), (2.9, 6.5));
}

#[test]
fn an_intro_that_starts_on_a_black_silent_leader_starts_at_its_first_picture() {
    use introskip::model::snap::{Reach, Snapper};
    use introskip::model::{DetectedSegment, Detection, Evidence};
    let dir = tempfile::tempdir().unwrap();
    // `story` s of a story shot, then `black` s of black, then the intro's picture from a hard
    // cut (25 fps); a tone from `tone_from` s on, and over the story.
    let clip = |name: &str, story: f64, black: f64, tone_from: f64| {
        let path = dir.path().join(name);
        let tone = format!("aevalsrc=if(lt(t\\,{story})+gte(t\\,{tone_from})\\,0.5*sin(2*PI*440*t)\\,0):s=48000:d=14");
        ffmpeg(&[
            "-f", "lavfi", "-i", &format!("smptebars=s=320x180:r=25:d={}", story.max(0.04)),
            "-f", "lavfi", "-i", &format!("color=black:s=320x180:r=25:d={black}"),
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=10",
            "-f", "lavfi", "-i", &tone,
            "-filter_complex", &format!("{}[1:v][2:v]concat=n={}:v=1,format=yuv420p[v]", if story > 0.0 { "[0:v]" } else { "" }, if story > 0.0 { 3 } else { 2 }),
            "-map", "[v]", "-map", "3:a", "-c:v", "libx264", "-g", "50", "-c:a", "aac", "-shortest", path.to_str().unwrap(),
        ]);
        path
    };
    let start_of = |path: &std::path::Path, start: f64, end: f64, reach: Reach| {
        let mut d = Detection { intros: vec![DetectedSegment::by_model(start, end, 0.9)], ..Detection::empty() };
        Snapper::default().snap(path, &mut d, reach).unwrap();
        d.intros.remove(0)
    };
    // A black, silent leader of 2.4 s at 0:00: the intro starts at its first picture, the sound
    // coming with it.
    let opening = clip("opening.mp4", 0.0, 2.4, 2.4);
    let intro = start_of(&opening, 0.0, 9.0, Reach::default());
    assert!((intro.start - 2.4).abs() < 1e-3 && intro.start_by.contains(&Evidence::Fade), "{intro:?}");
    // The same after a story shot (to 2.0 s, with its sound): a start on the cut to black, or
    // inside the black beyond the reach of any cut or fade, goes to the picture at 4.4 s.
    let between = clip("between.mp4", 2.0, 2.4, 4.4);
    for start in [2.0, 2.9] {
        let intro = start_of(&between, start, 11.0, Reach::default());
        assert!((intro.start - 4.4).abs() < 1e-3 && intro.start_by.last() == Some(&Evidence::Fade), "from {start}: {intro:?}");
    }
    // Not with fades left out, nor where less than a sting would be left, nor from a start on
    // the story's picture before the black.
    assert_eq!(start_of(&opening, 0.0, 9.0, Reach::parse("cut").unwrap()).start, 0.0);
    assert_eq!(start_of(&opening, 0.0, 5.0, Reach::default()).start, 0.0);
    assert_eq!(start_of(&between, 1.0, 11.0, Reach::default()).start, 1.0);
    // A leader that plays sound (a channel's ident, a theme leading over black) is the intro's
    // own start as placed; so is a black of a few frames (a fade in's first frames are black).
    let heard = clip("heard.mp4", 0.0, 2.4, 0.0);
    assert_eq!(start_of(&heard, 0.0, 9.0, Reach::default()).start, 0.0);
    let blink = clip("blink.mp4", 0.0, 0.2, 0.2);
    assert_eq!(start_of(&blink, 0.0, 9.0, Reach::default()).start, 0.0);
}

#[test]
fn an_end_at_the_cut_to_a_last_shot_that_fades_out_moves_past_the_black_and_a_cut_to_a_dark_scene_stays() {
    use introskip::model::snap::{Reach, Snapper};
    use introskip::model::{DetectedSegment, Detection, Evidence};
    let dir = tempfile::tempdir().unwrap();
    // A shot until 4 s, a 1 s shot from 4 s, the next scene from 5 s (25 fps). The season's sound
    // placed the intro's end at 4.3 s, where its theme fades; the nearest cut is the last shot's.
    let clip = |name: &str, last_shot: &str| {
        let path = dir.path().join(name);
        ffmpeg(&[
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4",
            "-f", "lavfi", "-i", last_shot,
            "-f", "lavfi", "-i", "smptebars=s=320x180:r=25:d=3",
            "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1,format=yuv420p",
            "-c:v", "libx264", "-g", "50", path.to_str().unwrap(),
        ]);
        path
    };
    let end_at = |snapper: &mut Snapper, path: &std::path::Path, by: Evidence| {
        let mut intro = DetectedSegment::by_model(1.0, 4.3, 0.9);
        intro.end_by = vec![by];
        let mut d = Detection { intros: vec![intro], ..Detection::empty() };
        snapper.snap(path, &mut d, Reach::default()).unwrap();
        (d.intros[0].end, d.intros[0].end_by.clone())
    };
    let near = |x: f64, y: f64| (x - y).abs() < 1e-3;
    // The last shot fades out (black from 4.9 s): the intro ends where the next scene begins.
    let fading = clip("fading.mp4", "testsrc=s=320x180:r=25:d=1,fade=t=out:st=0.4:d=0.5");
    // A start at the same time, snapped first by the same snapper, stays on the cut...
    let mut snapper = Snapper::default();
    let mut start = Detection { intros: vec![DetectedSegment::by_model(4.3, 7.0, 0.9)], ..Detection::empty() };
    start.intros[0].start_by = vec![Evidence::Sound];
    snapper.snap(&fading, &mut start, Reach::default()).unwrap();
    assert!(near(start.intros[0].start, 4.0), "{:?}", start.intros[0]);
    // ... and the end goes past the black.
    let (end, by) = end_at(&mut snapper, &fading, Evidence::Sound);
    assert!(near(end, 5.0), "{end} {by:?}");
    assert_eq!(by, vec![Evidence::Sound, Evidence::Fade]);
    // An end the model put on its grid is not moved so: the rule is for a theme's fading sound.
    let (end, by) = end_at(&mut Snapper::default(), &fading, Evidence::Model);
    assert!(near(end, 4.0), "{end} {by:?}");
    // A cut to black (the next scene fades in from black at 4 s): the intro ended at the cut.
    let (end, by) = end_at(&mut Snapper::default(), &clip("fade-in.mp4", "testsrc=s=320x180:r=25:d=1,fade=t=in:st=0:d=0.6"), Evidence::Sound);
    assert!(near(end, 4.0), "{end} {by:?}");
    assert_eq!(by, vec![Evidence::Sound, Evidence::Cut]);
    // A scene that begins in the dark (not black) and fades to black: story, not the intro.
    let dark = clip("dark.mp4", "testsrc=s=320x180:r=25:d=1,lutyuv=y=val*0.25,fade=t=out:st=0.4:d=0.5");
    let edges = introskip::video::cuts::find_edges(&dark, 3.5, 5.5).unwrap();
    let at_cut = edges.levels.iter().find(|(t, _)| near(*t, 4.0)).expect("a frame at the cut").1;
    assert!(at_cut < 48.0 && !edges.into_black.iter().any(|&k| near(k, 4.0)), "dark but not black: {at_cut} {edges:?}");
    let (end, by) = end_at(&mut Snapper::default(), &dark, Evidence::Sound);
    assert!(near(end, 4.0), "{end} {by:?}");
    assert_eq!(by, vec![Evidence::Sound, Evidence::Cut]);
    // A bright shot that cuts to black at 4.7 s: no fade, the intro ended at 4 s.
    let (end, by) = end_at(&mut Snapper::default(), &clip("cut-to-black.mp4", "testsrc=s=320x180:r=25:d=1,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable=gte(t\\,0.7)"), Evidence::Sound);
    assert!(near(end, 4.0), "{end} {by:?}");
    assert_eq!(by, vec![Evidence::Sound, Evidence::Cut]);
}

#[test]
fn cut_finding_without_deblocking_or_unseen_frames_finds_the_cuts_of_exact_decoding() {
    // Real footage with its own cuts (Big Buck Bunny), encoded as most files people have are
    // (x264 defaults: b-pyramid, scene-cut keyframes) at a low quality, where deblocking does
    // the most; every 1.2 s stretch of 40 s, searched the fast way and exactly.
    let source = introskip::paths::cache_dir().join("media").join("bbb.mp4");
    assert!(source.exists(), "{}: run scripts/fetch-media.sh", source.display());
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("bbb-crf32.mp4");
    ffmpeg(&["-ss", "120", "-t", "40", "-i", source.to_str().unwrap(), "-an", "-vf", "scale=640:360",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "32", clip.to_str().unwrap()]);
    let mut found = 0;
    for k in 0..33 {
        let from = 0.6 + k as f64 * 1.2;
        let fast = introskip::video::cuts::find_cuts_with(&clip, from, from + 1.2, false).unwrap();
        let exact = introskip::video::cuts::find_cuts_with(&clip, from, from + 1.2, true).unwrap();
        assert_eq!(fast, exact, "cuts in {from:.1}–{:.1} s", from + 1.2);
        found += exact.len();
    }
    assert!(found >= 5, "the footage has cuts to find: {found}");
}

#[test]
fn a_cut_after_a_gap_in_the_frames_is_found() {
    // A variable frame rate: no frame between 2.04 and 3.0 s, and the cut at 3.0 s is the first
    // frame after the gap; the frame before the stretch is too far back to be passed over.
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("gap.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=s=320x180:r=25:d=3",
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2,negate",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1,select='not(between(t,2.05,2.99))',format=yuv420p",
        "-fps_mode", "vfr", "-c:v", "libx264", "-bf", "2", "-g", "250", clip.to_str().unwrap(),
    ]);
    let fast = introskip::video::cuts::find_cuts(&clip, 3.0, 3.6).unwrap();
    let exact = introskip::video::cuts::find_cuts_with(&clip, 3.0, 3.6, true).unwrap();
    assert_eq!(fast, exact);
    assert!(fast.len() == 1 && (fast[0] - 3.0).abs() < 1e-3, "cuts found: {fast:?}");
}
