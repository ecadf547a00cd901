//! Time as people read and type it: one clock formatter for both front ends, and one strict
//! parser for clock times in label files. Seconds are `f64` at the pipeline's edges; segments keep
//! integer milliseconds.

/// The longest time introskip accepts in a label or chapter file: 100 hours. Anything beyond is a
/// typo or a hostile value, and is reported instead of being silently dropped or wrapped.
pub const MAX_TIME_S: f64 = 100.0 * 3600.0;

/// `H:MM:SS` with `decimals` digits of the second (0–3): `clock(92.5, 1)` is "0:01:32.5".
/// With `short`, the hours are left out below an hour ("1:32.5"), as players show time.
pub fn clock(seconds: f64, decimals: usize, short: bool) -> String {
    let decimals = decimals.min(3);
    let scale = 10u64.pow(decimals as u32);
    // Round once, on the finest unit shown, so 59.96 s at one decimal is "1:00.0", not "0:60.0".
    let units = (seconds.max(0.0) * scale as f64).round() as u64;
    let (whole, frac) = (units / scale, units % scale);
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    let frac = if decimals == 0 { String::new() } else { format!(".{frac:0decimals$}") };
    if short && h == 0 {
        format!("{m}:{s:02}{frac}")
    } else {
        format!("{h}:{m:02}:{s:02}{frac}")
    }
}

/// `text` with each clock time [`clock`] wrote in it ("0:13.5", "1:02:03.4", "0:50.349":
/// minutes and seconds with a tenth or milliseconds) given by `show` instead: the app says the
/// analysis's notes and an export's refusals in the time format the user chose, as it shows
/// every other time. A time inside a word or a path ("ep0:13.5.mp4", "/x/0:13.5/") is left as
/// it is.
pub fn restate(text: &str, show: impl Fn(f64) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..i]);
        let run = &rest[i..];
        let len = run.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(run.len());
        let token = &run[..len];
        // A sentence's full stop after a time is not part of it.
        let token = token.strip_suffix('.').unwrap_or(token);
        let is_clock = token.split(':').count() >= 2
            && token.rsplit_once('.').is_some_and(|(_, fraction)| fraction.len() == 1 || fraction.len() == 3)
            && token.split(':').skip(1).all(|p| matches!(p.len(), 2 | 4 | 6));
        // Part of a name: a letter, a path's separator or a dot touches it.
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '\\' | '_' | '.'));
        let in_a_name = glued(out.chars().next_back()) || glued(run[len..].chars().next());
        match parse_clock(token).filter(|_| is_clock && !in_a_name) {
            Some(t) => out.push_str(&show(t)),
            None => out.push_str(token),
        }
        rest = &run[token.len()..];
    }
    out.push_str(rest);
    out
}

/// A clock time or plain seconds: "92", "92.5", "1:32", "0:01:32.5". Strict: no sign, no
/// exponent, no empty or non-finite part, at most three parts, minutes and seconds below 60 when
/// a larger unit precedes them, and at most [`MAX_TIME_S`]. "-0:00:05" is not a time.
pub fn parse_clock(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut total = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let part = part.trim();
        let (int, frac) = part.split_once('.').unwrap_or((part, ""));
        let last = i + 1 == parts.len();
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || (!last && part.contains('.')) || (part.contains('.') && frac.is_empty()) {
            return None;
        }
        let v: f64 = part.parse().ok()?;
        if i > 0 && v >= 60.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    (total.is_finite() && total <= MAX_TIME_S).then_some(total)
}

/// How the app shows and takes times: an editor's choice (settings), one for every time shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormat {
    /// `HH:MM:SS.mmm`: what the sidecar holds, to the millisecond.
    #[default]
    Timecode,
    /// SMPTE `HH:MM:SS:FF` at the episode's frame rate; at 29.97 and 59.94 drop-frame
    /// `HH:MM:SS;FF`, as editors show those rates, so the clock stays on the wall clock.
    Smpte,
    /// The frame number from the start (0-based), at the episode's frame rate.
    Frames,
}

impl TimeFormat {
    pub const ALL: [TimeFormat; 3] = [TimeFormat::Timecode, TimeFormat::Smpte, TimeFormat::Frames];

    pub fn name(self) -> &'static str {
        match self {
            TimeFormat::Timecode => "HH:MM:SS.mmm",
            TimeFormat::Smpte => "SMPTE HH:MM:SS:FF",
            TimeFormat::Frames => "frame number",
        }
    }

    /// The name in a few characters, for the toolbar's field (the menu lists [`Self::name`]).
    pub fn short(self) -> &'static str {
        match self {
            TimeFormat::Timecode => "HH:MM:SS.mmm",
            TimeFormat::Smpte => "SMPTE",
            TimeFormat::Frames => "frames",
        }
    }

    /// How a time is typed in this format at `fps`: SMPTE says drop-frame where the rate has it.
    pub fn hint(self, fps: f64) -> String {
        match (self, drop_frames(fps)) {
            (TimeFormat::Smpte, d) if d > 0 => format!("SMPTE drop-frame HH:MM:SS;FF at {:.2} fps", fps_or_default(fps)),
            _ => self.name().to_string(),
        }
    }

    /// Where `text` is a drop-frame label the rate skips ("00:01:00;00" at 29.97), why it is no
    /// time and the first label after it: typed, it is refused with this rather than "not a time".
    pub fn skipped_label(self, text: &str, fps: f64) -> Option<String> {
        let drop = drop_frames(fps);
        let (clock_part, frames) = text.trim().rsplit_once([';', ','])?;
        let parts: Vec<u64> = clock_part.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
        let f: u64 = frames.parse().ok()?;
        let [h, m, s] = parts[..] else { return None };
        (drop > 0 && s == 0 && m < 60 && m % 10 != 0 && f < drop).then(|| {
            format!("at {:.2} fps drop-frame skips the labels ;00{} of every minute but each tenth: the next frame is {h:02}:{m:02}:00;{drop:02}", fps_or_default(fps), if drop == 2 { " and ;01" } else { "–;03" })
        })
    }

    /// Where a ruler puts the label of whole second `second`: there, or in SMPTE at the first
    /// frame whose label reads that second (";00", or ";02" where drop-frame skips ";00"), so
    /// the ruler reads whole labels ("00:01:05;00", not "00:01:04;29" at 29.97).
    pub fn label_time(self, second: u32, fps: f64) -> f64 {
        if self != TimeFormat::Smpte {
            return f64::from(second);
        }
        let (nominal, drop) = (nominal_rate(fps), drop_frames(fps));
        let (s, minutes) = (u64::from(second), u64::from(second) / 60);
        let mut frames = s * nominal;
        if drop > 0 {
            frames -= drop * (minutes - minutes / 10);
            if s % 60 == 0 && minutes % 10 != 0 {
                frames += drop;
            }
        }
        frames as f64 / fps_or_default(fps)
    }

    /// `seconds` in this format; `fps` is the episode's frame rate (25 when unknown).
    pub fn show(self, seconds: f64, fps: f64) -> String {
        let seconds = seconds.max(0.0);
        match self {
            TimeFormat::Timecode => {
                let ms = (seconds * 1000.0).round() as u64;
                format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
            }
            TimeFormat::Smpte => smpte_label(frame_of(seconds, fps), fps),
            TimeFormat::Frames => frame_of(seconds, fps).to_string(),
        }
    }

    /// A typed time: what [`TimeFormat::show`] writes in any of the formats (four parts are SMPTE;
    /// a bare whole number is a frame in the frame format and seconds otherwise), or anything
    /// [`parse_clock`] takes. Seconds, or None when it is not a time.
    pub fn parse(self, text: &str, fps: f64) -> Option<f64> {
        let text = text.trim();
        let parts = text.split([':', ';', ',']).count();
        let t = if parts == 4 {
            smpte_frame(text, fps, false)? as f64 / fps_or_default(fps)
        } else if self == TimeFormat::Frames && !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            text.parse::<u64>().ok()? as f64 / fps_or_default(fps)
        } else {
            parse_clock(text)?
        };
        (t <= MAX_TIME_S).then_some(t)
    }
}

fn fps_or_default(fps: f64) -> f64 {
    if fps.is_finite() && fps > 0.0 { fps } else { 25.0 }
}

/// The whole-number rate SMPTE counts frames at: 30 for 29.97, 24 for 23.976.
fn nominal_rate(fps: f64) -> u64 {
    (fps_or_default(fps).round() as u64).max(1)
}

/// The SMPTE label of `frame` at `fps`: `HH:MM:SS:FF` counted at the nominal rate (30 for
/// 29.97), or at 29.97 and 59.94 drop-frame `HH:MM:SS;FF`, where the labels ;00 and ;01 (;00–;03
/// at 59.94) of every minute but each tenth do not exist, which keeps the labels on the clock.
/// The app's time and the Resolve EDL's markers are this one label.
pub fn smpte_label(frame: u64, fps: f64) -> String {
    let nominal = nominal_rate(fps);
    let drop = drop_frames(fps);
    let mut frames = frame;
    if drop > 0 {
        let per_10min = nominal * 600 - drop * 9;
        let per_min = nominal * 60 - drop;
        let (tens, rest) = (frames / per_10min, frames % per_10min);
        frames += drop * 9 * tens + if rest > drop { drop * ((rest - drop) / per_min) } else { 0 };
    }
    let (s, f) = (frames / nominal, frames % nominal);
    let sep = if drop > 0 { ';' } else { ':' };
    format!("{:02}:{:02}:{:02}{sep}{:02}", s / 3600, s / 60 % 60, s % 60, f)
}

/// The frame a SMPTE label names at `fps` (None when it is none). `HH:MM:SS;FF` (or `,`) is
/// drop-frame, as is every label when `drop_frame` says the file is (an EDL's `FCM: DROP
/// FRAME`); colons alone are non-drop at any rate: "00:01:00:00" means what it says.
pub fn smpte_frame(label: &str, fps: f64, drop_frame: bool) -> Option<u64> {
    let label = label.trim();
    let parts: Vec<&str> = label.split([':', ';', ',']).collect();
    let [h, m, s, f] = parts[..] else { return None };
    let marked = label.contains([';', ',']);
    // Only the last separator may mark drop-frame.
    if marked && label.rfind([';', ',']) != label.len().checked_sub(f.len() + 1) {
        return None;
    }
    let nominal = nominal_rate(fps);
    let whole = parse_clock(&format!("{h}:{m}:{s}"))?;
    let f: u64 = f.parse().ok().filter(|_| f.chars().all(|c| c.is_ascii_digit()) && !f.is_empty())?;
    if whole.fract() != 0.0 || f >= nominal {
        return None;
    }
    // A damaged header's absurd frame rate must not overflow the frame count.
    let frames = (whole as u64).checked_mul(nominal)?.checked_add(f)?;
    let drop = drop_frames(fps);
    if !(marked || drop_frame) {
        return Some(frames);
    }
    if drop == 0 {
        // Drop-frame marked at a rate that has none: read as the non-drop label it spells
        // where a file says so for all its labels, refused where typed.
        return (!marked).then_some(frames);
    }
    let minutes = whole as u64 / 60;
    if whole as u64 % 60 == 0 && minutes % 10 != 0 && f < drop {
        return None; // a label drop-frame skips
    }
    Some(frames - drop * (minutes - minutes / 10))
}

/// Whether SMPTE time at `fps` is drop-frame (29.97 and 59.94).
pub fn is_drop_frame_rate(fps: f64) -> bool {
    drop_frames(fps) > 0
}

/// Frame labels drop-frame timecode skips each minute (but every tenth): 2 at 29.97, 4 at
/// 59.94, none at any other rate.
fn drop_frames(fps: f64) -> u64 {
    let fps = fps_or_default(fps);
    if (fps - 30000.0 / 1001.0).abs() < 0.005 {
        2
    } else if (fps - 60000.0 / 1001.0).abs() < 0.005 {
        4
    } else {
        0
    }
}

/// The frame shown at `seconds` (the last frame that started at or before it): what the app
/// shows a time as, and so the frame an export writes for it.
pub fn frame_of(seconds: f64, fps: f64) -> u64 {
    (seconds * fps_or_default(fps) + 1e-6).floor() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock(92.5, 1, false), "0:01:32.5");
        assert_eq!(clock(92.5, 0, true), "1:33");
        assert_eq!(clock(59.96, 1, true), "1:00.0");
        assert_eq!(clock(3725.125, 3, true), "1:02:05.125");
        assert_eq!(clock(-3.0, 2, true), "0:00.00");
    }

    #[test]
    fn strict_parse() {
        assert_eq!(parse_clock("0:01:32"), Some(92.0));
        assert_eq!(parse_clock("1:05.5"), Some(65.5));
        assert_eq!(parse_clock("92"), Some(92.0));
        for bad in ["-0:00:05", "-5", "+5", "1e308", "1e3", "abc", "", "1::2", "1:60", "1.5:00", "inf", "NaN", "5.", "1:2:3:4", "400000"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn notes_restate_their_clock_times_and_nothing_else() {
        let show = |t: f64| TimeFormat::Timecode.show(t, 25.0);
        assert_eq!(
            restate("no intro: the model's 0:13.5–0:29.5 (confidence 0.62) is nothing; check 1:02:03.4.", show),
            "no intro: the model's 00:00:13.500–00:00:29.500 (confidence 0.62) is nothing; check 01:02:03.400."
        );
        assert_eq!(restate("plays in 3 other episodes, 12 s, 2026-12-04, 1:30, v1.2", show), "plays in 3 other episodes, 12 s, 2026-12-04, 1:30, v1.2");
        // Milliseconds too (an export's refusal), but never a time inside a file's name or path.
        assert_eq!(restate("'Recap' at 0:50.349 lasts 4.7 s", show), "'Recap' at 00:00:50.349 lasts 4.7 s");
        let path = "/media/ep0:13.5.mp4: /x/1:02.5/y.mkv and 0:13.5.mkv";
        assert_eq!(restate(path, show), path);
    }

    #[test]
    fn time_formats_show_and_take_back_the_same_time() {
        use TimeFormat::*;
        assert_eq!(Timecode.show(43.08, 25.0), "00:00:43.080");
        assert_eq!(Timecode.show(3725.125, 25.0), "01:02:05.125");
        assert_eq!(Smpte.show(43.08, 25.0), "00:00:43:02");
        assert_eq!(Frames.show(43.08, 25.0), "1077");
        // 29.97 and 59.94: drop-frame, so the label stays on the clock (an hour is 01:00:00;00,
        // where non-drop would say 00:59:56:12); the first minute is the same in both.
        let ntsc = 30000.0 / 1001.0;
        assert_eq!(Smpte.show(1001.0 / 30000.0 * 45.0, ntsc), "00:00:01;15");
        assert_eq!(Smpte.show(1001.0 / 30000.0 * 1799.0, ntsc), "00:00:59;29");
        assert_eq!(Smpte.show(1001.0 / 30000.0 * 1800.0, ntsc), "00:01:00;02", ";00 and ;01 are skipped");
        assert_eq!(Smpte.show(1001.0 / 30000.0 * 17982.0, ntsc), "00:10:00;00", "not at the tenth minute");
        assert_eq!(Smpte.show(3600.0, ntsc), "01:00:00;00");
        assert_eq!(Smpte.show(2400.0, ntsc), "00:40:00;00");
        // A ruler's labels sit where their second begins in the label.
        assert_eq!(Smpte.show(Smpte.label_time(65, ntsc), ntsc), "00:01:05;00");
        assert_eq!(Smpte.show(Smpte.label_time(60, ntsc), ntsc), "00:01:00;02");
        assert_eq!(Smpte.show(Smpte.label_time(600, ntsc), ntsc), "00:10:00;00");
        assert_eq!(Smpte.show(Smpte.label_time(7, 24000.0 / 1001.0), 24000.0 / 1001.0), "00:00:07:00");
        assert_eq!(Smpte.label_time(7, 25.0), 7.0);
        assert_eq!(Timecode.label_time(7, ntsc), 7.0);
        assert_eq!(Smpte.show(2400.0, 0.0).len(), 11, "an unknown rate is 25, non-drop");
        assert_eq!(Smpte.show(1001.0 / 60000.0 * 3600.0, 60000.0 / 1001.0), "00:01:00;04");
        assert_eq!(Smpte.parse("00:01:00;01", ntsc), None, "a label drop-frame skips");
        assert_eq!(Smpte.skipped_label("00:01:00;01", ntsc).as_deref(), Some("at 29.97 fps drop-frame skips the labels ;00 and ;01 of every minute but each tenth: the next frame is 00:01:00;02"));
        assert_eq!(Smpte.skipped_label("00:10:00;00", ntsc), None, "the tenth minute keeps ;00");
        assert_eq!(Smpte.skipped_label("00:01:00;00", 25.0), None);
        assert_eq!(Smpte.hint(ntsc), "SMPTE drop-frame HH:MM:SS;FF at 29.97 fps");
        assert_eq!(Smpte.parse("00:00:01;15", 25.0), None, "25 fps has no drop-frame");
        assert_eq!(Smpte.parse("00:01:00:00", ntsc).map(|t| frame_of(t, ntsc)), Some(1800), "colons are non-drop");
        for fps in [ntsc, 60000.0 / 1001.0, 24000.0 / 1001.0] {
            for frame in [0u64, 1, 1799, 1800, 1801, 17981, 17982, 17983, 53946, 107892, 107893] {
                let t = frame as f64 / fps;
                let shown = Smpte.show(t, fps);
                let back = Smpte.parse(&shown, fps).unwrap_or_else(|| panic!("{shown} at {fps}"));
                assert_eq!(frame_of(back, fps), frame, "{shown} at {fps}");
            }
        }
        for f in TimeFormat::ALL {
            for t in [0.0, 0.04, 43.08, 100.48, 3599.96] {
                let back = f.parse(&f.show(t, 25.0), 25.0).unwrap();
                assert!((back - t).abs() < 1e-6, "{f:?} {t} -> {back}");
            }
        }
        // Any format takes what people type.
        assert_eq!(Smpte.parse("1:32.5", 25.0), Some(92.5));
        assert_eq!(Timecode.parse("92", 25.0), Some(92.0));
        assert_eq!(Frames.parse("50", 25.0), Some(2.0));
        for bad in ["00:00:01:25", "00:00:01:x", "-1", "", "00:00:01:"] {
            assert_eq!(Smpte.parse(bad, 25.0), None, "{bad}");
        }
        // A damaged header's absurd frame rate: no time, rather than an overflowed one.
        assert_eq!(Smpte.parse("00:00:02:00", 1e30), None);
    }
}
