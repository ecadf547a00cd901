//! The real app under Xvfb on the demo series: it must open a window, sample the first episode in
//! the background, draw the thumbnail timeline and, once the shipped model has judged the season,
//! the intro band over it. Checked on the screenshot's pixels, found by their colours rather than
//! at fixed positions (the layout above the timeline may change).

use crate::common::*;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn app_draws_the_demo_timeline_under_xvfb() {
    let demo = introskip::paths::demo_dir();
    assert!(demo.is_dir(), "{} missing: scripts/test.sh builds the demo series", demo.display());
    let display = format!(":{}", 90 + std::process::id() % 60);
    let _xvfb = Killed(
        Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "1600x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/setup-system.sh test)"),
    );
    std::thread::sleep(Duration::from_millis(1500));
    let runtime = tempfile::tempdir().unwrap();
    let _app = Killed(
        introskip()
            .arg("--demo")
            .env("DISPLAY", &display)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("INTROSKIP_CONFIG", runtime.path().join("settings.json"))
            // eframe keeps window geometry in the data dir: never the user's.
            .env("XDG_DATA_HOME", runtime.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let shot = runtime.path().join("shot.png");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_secs(2));
        let ok = Command::new("import")
            .args(["-display", &display, "-window", "root"])
            .arg(&shot)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok || Instant::now() < deadline, "imagemagick's import could not take a screenshot");
        if ok {
            let img = image::open(&shot).unwrap().to_rgb8();
            if timeline_drawn(&img) && intro_band_drawn(&img) {
                break;
            }
        }
        assert!(Instant::now() < deadline, "no timeline with an intro band within 60 s; last screenshot: {}", shot.display());
    }
}

fn is_intro_orange(p: &image::Rgb<u8>) -> bool {
    p[0].abs_diff(240) < 16 && p[1].abs_diff(140) < 16 && p[2].abs_diff(40) < 16
}

/// S01E01's intro is 0:00–0:20: the whole first timeline row is outlined in the intro orange
/// (240, 140, 40). Its top edge is the first screen line with a long orange run.
fn intro_outline_top(img: &image::RgbImage) -> Option<u32> {
    (0..img.height()).find(|&y| (0..img.width()).filter(|&x| is_intro_orange(img.get_pixel(x, y))).count() >= 600)
}

/// Under the outline's top edge, the first row of thumbnails: full of footage (many distinct
/// colours), where an empty app is two shades of grey.
fn timeline_drawn(img: &image::RgbImage) -> bool {
    let Some(top) = intro_outline_top(img) else { return false };
    let mut colours = std::collections::HashSet::new();
    for y in top + 4..(top + 22).min(img.height()) {
        for x in 230..img.width().min(1200) {
            let p = img.get_pixel(x, y);
            colours.insert([p[0] >> 3, p[1] >> 3, p[2] >> 3]);
        }
    }
    colours.len() > 200
}

/// The intro band: its outline's top and bottom edges (two long orange runs, a row apart) with
/// the translucent orange fill between them.
fn intro_band_drawn(img: &image::RgbImage) -> bool {
    let Some(top) = intro_outline_top(img) else { return false };
    let long_run = |y: u32| (0..img.width()).filter(|&x| is_intro_orange(img.get_pixel(x, y))).count() >= 600;
    let Some(bottom) = (top + 20..img.height().min(top + 200)).find(|&y| long_run(y)) else { return false };
    // The fill, just above the bottom edge: orange at half strength over the dark band.
    let y = bottom - 6;
    let filled = (240..1100).filter(|&x| {
        let p = img.get_pixel(x, y);
        p[0] > 90 && p[0] > p[1] + 30 && p[1] > p[2] + 15
    });
    filled.count() > 500
}
