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

/// `xdotool` on the test's display; panics with its stderr when it fails.
fn xdo(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool").args(args).env("DISPLAY", display).output().expect("xdotool is installed (scripts/setup-system.sh test)");
    assert!(out.status.success(), "xdotool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn screenshot(display: &str, path: &std::path::Path) -> Option<image::RgbImage> {
    let ok = Command::new("import").args(["-display", display, "-window", "root"]).arg(path).status().is_ok_and(|s| s.success());
    ok.then(|| image::open(path).ok().map(|i| i.to_rgb8())).flatten()
}

fn wait_for(what: &str, seconds: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !done() {
        assert!(Instant::now() < deadline, "timed out after {seconds} s waiting for {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn saved_intro(media: &std::path::Path) -> Option<(u64, u64, introskip::segments::Source)> {
    let labels = introskip::segments::Segments::read(&introskip::segments::sidecar_path(media)).ok()?;
    labels.segments.iter().find(|s| s.kind == introskip::segments::Kind::Intro).map(|s| (s.start_ms, s.end_ms, s.source))
}

/// A labeller's session on the real app, by keyboard and mouse as a person works: cancel the
/// season's analysis and resume it, correct one intro by dragging its end and a key, another by
/// keys alone, verify both, and export one episode's chapters into a typed folder. Checked on
/// what survives: the sidecars, the cache and the exported file.
#[test]
fn a_labelling_session_by_keys_and_mouse_under_xvfb() {
    use introskip::segments::Source;
    let demo = introskip::paths::demo_dir();
    let work = tempfile::tempdir().unwrap();
    let season = work.path().join("Bunny Tales");
    std::fs::create_dir_all(&season).unwrap();
    let episodes: Vec<std::path::PathBuf> = (1..=3)
        .map(|n| {
            let name = format!("Bunny Tales - S01E0{n}.mp4");
            std::fs::copy(demo.join(&name), season.join(&name)).unwrap();
            season.join(name)
        })
        .collect();
    // Its own cache: the episodes are analysed for real, and what was analysed can be counted.
    let cache = work.path().join("cache");
    let analysed = || std::fs::read_dir(cache.join("embeddings")).map_or(0, |d| d.count());
    let display = format!(":{}", 20 + std::process::id() % 60);
    let _xvfb = Killed(
        Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "1400x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/setup-system.sh test)"),
    );
    std::thread::sleep(Duration::from_millis(1500));
    let _app = Killed(
        introskip()
            .arg(&season)
            .env("DISPLAY", &display)
            .env("XDG_RUNTIME_DIR", work.path())
            .env("INTROSKIP_CONFIG", work.path().join("settings.json"))
            .env("XDG_DATA_HOME", work.path())
            .env("INTROSKIP_CACHE", &cache)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let window = xdo(&display, &["search", "--sync", "--onlyvisible", "--name", "^introskip$"]);
    let window = window.lines().next().expect("the app's window").to_string();
    xdo(&display, &["windowmove", "--sync", &window, "0", "0", "windowsize", "--sync", &window, "1400", "900"]);
    xdo(&display, &["windowfocus", "--sync", &window]);
    let key = |k: &str| {
        xdo(&display, &["key", "--delay", "120", k]);
    };

    // Esc cancels the analysis: nothing more is analysed while it stays cancelled.
    key("Escape");
    std::thread::sleep(Duration::from_secs(3));
    let after_cancel = analysed();
    std::thread::sleep(Duration::from_secs(4));
    assert!(after_cancel < 3 && analysed() == after_cancel, "the analysis went on after Esc: {after_cancel} then {}", analysed());
    // Ctrl+R resumes it: every episode is analysed and the first one's intro is drawn.
    key("ctrl+r");
    wait_for("all three episodes analysed after Ctrl+R", 180, || analysed() == 3);
    let shot = work.path().join("shot.png");
    wait_for("S01E01's intro band", 60, || screenshot(&display, &shot).is_some_and(|img| intro_band_drawn(&img)));

    // S01E01 (intro 0:00–0:20 predicted): at 30 s a row its end edge is inside the first row.
    key("minus");
    std::thread::sleep(Duration::from_millis(800));
    let img = screenshot(&display, &shot).unwrap();
    let top = intro_outline_top(&img).expect("the intro's outline");
    let orange: Vec<u32> = (0..img.width()).filter(|&x| is_intro_orange(img.get_pixel(x, top))).collect();
    let (left, right) = (orange[0], *orange.last().unwrap());
    let per_second = (right - left) as f64 / 20.0;
    // Press on the end edge and drag it three seconds earlier.
    let y = (top + 12).to_string();
    let (from, to) = (right as f64, right as f64 - 3.0 * per_second);
    xdo(&display, &["mousemove", "--sync", &format!("{}", from.round()), &y, "mousedown", "1"]);
    for k in 1..=12 {
        let x = from + (to - from) * k as f64 / 12.0;
        xdo(&display, &["mousemove", "--sync", &format!("{}", x.round()), &y]);
        std::thread::sleep(Duration::from_millis(40));
    }
    xdo(&display, &["mouseup", "1"]);
    std::thread::sleep(Duration::from_millis(500));
    let (start, end, source) = saved_intro(&episodes[0]).expect("the drag was saved");
    assert!(start == 0 && (16_000..=18_000).contains(&end) && source == Source::HumanEdited, "after the drag: {start}–{end} {source:?}");
    // Then its start by key, at 0:02, and Enter: verified, and the next episode is selected.
    for k in ["Home", "Right", "Right", "i", "Return"] {
        key(k);
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(saved_intro(&episodes[0]), Some((2_000, end, Source::HumanVerified)));

    // S01E02 (intro 0:30–0:50 predicted) by keys alone: 0:31 to 0:49, verified.
    key("Home");
    for _ in 0..31 {
        key("Right");
    }
    key("i");
    for _ in 0..18 {
        key("Right");
    }
    key("o");
    key("Return");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(saved_intro(&episodes[1]), Some((31_000, 49_000, Source::HumanVerified)));

    // Back to S01E02 and export it alone (the dialog's default) into a folder typed in.
    let out = work.path().join("chapters out");
    key("Up");
    key("ctrl+shift+e");
    std::thread::sleep(Duration::from_millis(600));
    xdo(&display, &["type", "--delay", "20", out.to_str().unwrap()]);
    key("Return");
    let xml = out.join("Bunny Tales - S01E02.chapters.xml");
    wait_for("the exported chapters", 30, || xml.exists());
    let text = std::fs::read_to_string(&xml).unwrap();
    assert!(text.contains("00:00:31.000") && text.contains("00:00:49.000"), "{text}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "this episode only");
    // The command line reads the same verified labels from the sidecar.
    let edl = work.path().join("e02.edl");
    let shown = introskip().arg("export").arg(&episodes[1]).args(["--format", "edl", "-o"]).arg(&edl).output().unwrap();
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    let edl = std::fs::read_to_string(&edl).unwrap();
    assert!(edl.contains("31.000") && edl.contains("49.000"), "{edl}");
}
