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
}
