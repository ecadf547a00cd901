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
