//! The tail of an episode: the window at its end where credits, a "next time" preview and a
//! post-credits scene sit. Media servers' users know it as "the last 25 % of the episode, at
//! most 10 minutes" (intro-skipper's and Plex's credits detection look there); that is the
//! default, and `--tail` / the app's setting change it. The tail is sampled like the head, at
//! 1 FPS, after one seek: the middle of the episode is never decoded.

use crate::error::{Error, Result};

/// How much of an episode's end to analyse.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TailSpec {
    /// No tail analysis.
    Off,
    /// This share (0–1] of the episode, at most `cap_s` seconds.
    Share { share: f64, cap_s: u32 },
    /// The last this many seconds.
    Seconds(u32),
}

/// 25 % of the episode, at most 10 minutes.
pub const DEFAULT_TAIL: TailSpec = TailSpec::Share { share: 0.25, cap_s: 600 };

impl Default for TailSpec {
    fn default() -> Self {
        DEFAULT_TAIL
    }
}

/// The longest tail, as long as the longest head window (`--window`, `service::MAX_WINDOW_S` × 8,
/// held equal by a test there): its sound is read into one buffer (16 kHz), so a tail of hours on
/// a file that claims a day's length would ask for gigabytes at once.
pub const MAX_TAIL_S: u32 = 8192;

impl TailSpec {
    /// `off`, `25%` (capped at 10 minutes), `25%:300` (capped at 300 s) or `300` / `300s` / `5:00`.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let bad = |why: &str| Error::Usage(format!("--tail '{text}': {why} (give 'off', a share such as '25%' or '25%:600', or seconds such as '300')"));
        if t.eq_ignore_ascii_case("off") || t == "0" {
            return Ok(TailSpec::Off);
        }
        if let Some((share, rest)) = t.split_once('%') {
            let share: f64 = share.trim().parse().map_err(|_| bad("not a percentage"))?;
            if !(share > 0.0 && share <= 100.0) {
                return Err(bad("the share must be above 0 % and at most 100 %"));
            }
            let cap_s = match rest.trim().strip_prefix(':') {
                None if rest.trim().is_empty() => 600,
                Some(cap) => crate::clock::parse_clock(cap.trim()).filter(|c| *c >= 1.0).ok_or_else(|| bad("the cap after ':' is not a time"))?.round() as u32,
                None => return Err(bad("unexpected text after the percentage")),
            };
            if cap_s > MAX_TAIL_S {
                return Err(bad(&format!("the cap is longer than the {MAX_TAIL_S} s a tail can be")));
            }
            return Ok(TailSpec::Share { share: share / 100.0, cap_s });
        }
        let seconds = crate::clock::parse_clock(t.trim_end_matches('s')).filter(|s| *s >= 1.0).ok_or_else(|| bad("not a time"))?;
        if seconds > f64::from(MAX_TAIL_S) {
            return Err(bad(&format!("longer than the {MAX_TAIL_S} s a tail can be")));
        }
        Ok(TailSpec::Seconds(seconds.round() as u32))
    }

    /// The tail of an episode of `duration_s` seconds: `(first second, length)`, whole seconds
    /// inside the file. None when off, or when the episode is too short to have a tail.
    pub fn range(self, duration_s: f64) -> Option<(u32, u32)> {
        if !(duration_s.is_finite() && (2.0..=crate::clock::MAX_TIME_S).contains(&duration_s)) {
            return None;
        }
        let len = match self {
            TailSpec::Off => return None,
            TailSpec::Share { share, cap_s } => (duration_s * share).ceil().min(f64::from(cap_s)),
            TailSpec::Seconds(s) => f64::from(s).min(duration_s),
        };
        let start = (duration_s - len).floor().max(0.0);
        let len = (duration_s.ceil() - start).max(1.0);
        Some((start as u32, len as u32))
    }
}

impl TailSpec {
    /// The shortest text that reads back as this (`25%` for the default cap): what a narrow
    /// field shows (the app's toolbar, where "25%:600" was cut off).
    pub fn short(&self) -> String {
        let full = self.to_string();
        match full.split_once(':') {
            Some((share, _)) if TailSpec::parse(share).is_ok_and(|t| t == *self) => share.to_string(),
            _ => full,
        }
    }
}

impl std::fmt::Display for TailSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TailSpec::Off => f.write_str("off"),
            TailSpec::Share { share, cap_s } => write!(f, "{}%:{cap_s}", (share * 100.0 * 1000.0).round() / 1000.0),
            TailSpec::Seconds(s) => write!(f, "{s}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_form_reads_back_as_the_same_tail() {
        for text in ["25%", "25%:300", "300", "off", "10%:600"] {
            let t = TailSpec::parse(text).unwrap();
            assert_eq!(TailSpec::parse(&t.short()).unwrap(), t, "{text}");
        }
        assert_eq!(TailSpec::default().short(), "25%");
        assert_eq!(TailSpec::parse("25%:300").unwrap().short(), "25%:300");
    }

    #[test]
    fn the_default_tail_is_a_quarter_capped_at_ten_minutes() {
        // A 45-minute episode: the last 10 minutes. A 4-minute one: its last minute.
        assert_eq!(DEFAULT_TAIL.range(2700.0), Some((2100, 600)));
        assert_eq!(DEFAULT_TAIL.range(240.0), Some((180, 60)));
        assert_eq!(DEFAULT_TAIL.range(238.16), Some((178, 61)));
        assert_eq!(TailSpec::Off.range(2700.0), None);
        assert_eq!(TailSpec::Seconds(300).range(100.0), Some((0, 100)));
        assert_eq!(DEFAULT_TAIL.range(f64::NAN), None);
        // A damaged header's length (past 100 hours, past u32 seconds) has no tail to look at.
        assert_eq!(DEFAULT_TAIL.range(1e12), None);
    }

    #[test]
    fn tail_specs_parse_and_bad_ones_say_what_to_give() {
        assert_eq!(TailSpec::parse("25%").unwrap(), DEFAULT_TAIL);
        assert_eq!(TailSpec::parse("10%:300").unwrap(), TailSpec::Share { share: 0.1, cap_s: 300 });
        // No tail longer than the longest head window: its sound is read into one buffer.
        for long in ["100%:100:00:00", "360000", "3:00:00"] {
            let e = TailSpec::parse(long).unwrap_err().to_string();
            assert!(e.contains(&format!("the {MAX_TAIL_S} s a tail can be")), "{long}: {e}");
        }
        assert_eq!(TailSpec::parse("100%:2:00:00").unwrap(), TailSpec::Share { share: 1.0, cap_s: 7200 });
        assert_eq!(TailSpec::parse("5:00").unwrap(), TailSpec::Seconds(300));
        assert_eq!(TailSpec::parse("90s").unwrap(), TailSpec::Seconds(90));
        assert_eq!(TailSpec::parse("off").unwrap(), TailSpec::Off);
        for bad in ["150%", "x%", "-3", "25%x", "soon"] {
            let e = TailSpec::parse(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("'{bad}'")) && e.contains("25%"), "{bad}: {e}");
        }
    }
}
