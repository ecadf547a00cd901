//! The credits rule on hand-made tails: what each cue finds, joins and leaves.

use super::*;
use image::RgbImage;
use ndarray::Array2;

/// Credits a scene splits: parts, the story between them, what follows the last part.
mod split;
/// The words read at the credits' edges and after them: where they begin and end, preview or story.
mod reading;
/// One run's forms and the furniture around it: cards, footage, rolls, squeeze-backs, logos, subtitles.
mod forms;

/// A tail of `kinds` seconds from second 100: 's' story (a textured shot; a new shot at every
/// upper-case 'S'), 'b' black, 'c' credits over black (three lines), 'p' a preview shot
/// with a caption, 'u' story with a subtitle, 'k' one line on black (a film's title card);
/// 'R' a new shot with one line that rolls up 10 px a second over the run of 'R's ('r' the
/// same over black, one shot); 'q' the
/// picture squeezed to the left with names beside it ('d' the same with a dark picture), 'Q'
/// squeezed, a new shot, no names.
fn tail(kinds: &str) -> EpisodeFeatures {
    let n = kinds.len();
    let mut f = EpisodeFeatures::empty(2);
    f.start_s = 100;
    f.seconds = (100..100 + n as u32).collect();
    let mut shot = 0usize;
    let mut rows = Vec::new();
    // 'f', 'l' and 'g' are one shot of footage: names over it, the last line leaving, none.
    let group = |k: u8| if matches!(k, b'f' | b'l' | b'g') { b'f' } else { k };
    for (i, k) in kinds.chars().enumerate() {
        if matches!(k, 'S' | 'p' | 'R' | 'Q') || (i > 0 && group(kinds.as_bytes()[i - 1]) != group(k as u8)) {
            shot += 1;
        }
        let angle = shot as f32 * 1.1;
        rows.extend([angle.cos(), angle.sin()]);
        // How many 'R's (or 'r's) came before this one in its run: the rolling line's step.
        let rolled = if matches!(k, 'R' | 'r') { kinds.as_bytes()[..i].iter().rev().take_while(|&&c| c == k as u8).count() as u32 } else { 0 };
        let roll = [(56 - 10 * rolled)..(60 - 10 * rolled)];
        let lines: &[std::ops::Range<u32>] = match k {
            'c' | 'f' => &[20..24, 27..31, 34..38],
            'p' | 'u' => &[60..64],
            'l' => &[8..12],
            'k' => &[30..34],
            'R' | 'r' => &roll,
            'q' | 'd' => &[14..18, 30..34, 46..50],
            _ => &[],
        };
        let squeeze = matches!(k, 'q' | 'Q' | 'd');
        let base = |x: u32, y: u32| -> u8 {
            match k {
                'b' | 'c' | 'k' | 'r' => 10,
                'q' | 'Q' | 'd' if !((3..80).contains(&x) && (14..58).contains(&y)) => 4,
                'd' => (24 + (x * 7 + y * 13) % 17) as u8,
                _ => (90 + ((x * 7 + y * 13 + shot as u32 * 31) % 23) * 3) as u8,
            }
        };
        // The squeezed picture's names sit beside it, in the right part of the frame.
        let glyphs = if squeeze { 88..124 } else { 30..98 };
        f.thumbnails.push(RgbImage::from_fn(128, 72, |x, y| {
            let on = lines.iter().any(|r| r.contains(&y)) && glyphs.contains(&x) && x % 3 == 0;
            image::Rgb([if on { 255 } else { base(x, y) }; 3])
        }));
    }
    f.embeddings = Array2::from_shape_vec((n, 2), rows).unwrap();
    f
}
/// [`find_tail`] and then [`split_credits`], as the tail's judgement runs them.
fn split(kinds: &str, duration_s: f64) -> TailFound {
    let t = tail(kinds);
    let mut found = find_tail(&t, duration_s);
    split_credits(&t, &mut found, duration_s);
    found
}
fn spans(found: &TailFound) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = found.credits.iter().chain(&found.more_credits).map(|c| (c.start, c.end)).collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}
/// `kinds` ([`tail`]) with the seconds `on` turned into a dark scene: a lit disc's worth of
/// picture on black, 80 % of it black (the earth at night), no card.
fn with_dark_scene(kinds: &str, on: std::ops::Range<usize>) -> EpisodeFeatures {
    let mut t = tail(kinds);
    for img in &mut t.thumbnails[on] {
        for y in 0..72 {
            for x in 0..26 {
                img.put_pixel(x, y, image::Rgb([(70 + (x * 5 + y * 3) % 40) as u8; 3]));
            }
        }
        let share = crate::features::picture::black_share(img);
        assert!((BLACK_CARD..SCENE_BLACK).contains(&share), "{share}");
    }
    t
}
/// The fixture with text cues read from its pictures, as the tail's analysis keeps them.
fn with_text(mut f: EpisodeFeatures) -> EpisodeFeatures {
    f.text = f.thumbnails.iter().map(crate::features::picture::text_cue).collect();
    f
}
/// The fixture with a channel's logo in the top right corner of every picture (rows 3–6), and
/// its text cues read from them.
fn with_logo(mut f: EpisodeFeatures) -> EpisodeFeatures {
    for img in &mut f.thumbnails {
        draw_line(img, 3..7, (104..122).step_by(2), 230);
    }
    with_text(f)
}
/// A line of glyph strokes at `rows`, one column at each of `columns`, at grey `level`.
fn draw_line(img: &mut RgbImage, rows: std::ops::Range<u32>, columns: impl Iterator<Item = u32> + Clone, level: u8) {
    for y in rows {
        for x in columns.clone() {
            img.put_pixel(x, y, image::Rgb([level; 3]));
        }
    }
}
/// `kinds` ([`tail`]) with the subtitle of 'u' drawn over the black seconds `on` too, and the
/// text cues read from the pictures.
fn subtitle_over_black(kinds: &str, on: std::ops::Range<usize>) -> EpisodeFeatures {
    let mut f = tail(kinds);
    for img in &mut f.thumbnails[on] {
        draw_line(img, 60..64, (30..98).step_by(3), 255);
    }
    with_text(f)
}
/// What [`rolled_in`] or [`rolled_out`] make of `readings`, every second from 90 to 130
/// looked at unless `looked` says which, the words of `furniture` read far away.
fn walked(out: bool, edge: u32, readings: &[crate::features::ocr::Reading], looked: Option<&[u32]>, furniture: &[&str]) -> Walk {
    let far = FarWords { furniture: furniture.iter().map(|w| w.to_string()).collect(), strangers: Vec::new() };
    walked_knowing(out, edge, readings, looked, &far)
}
/// [`walked`], knowing both kinds of words read far away ([`FarWords`]).
fn walked_knowing(out: bool, edge: u32, readings: &[crate::features::ocr::Reading], looked: Option<&[u32]>, far: &FarWords) -> Walk {
    let all: Vec<u32> = (90..=130).collect();
    let reads = EdgeReads { looked: looked.unwrap_or(&all), readings, furniture: &far.furniture, strangers: &far.strangers };
    if out { rolled_out(edge, &reads) } else { rolled_in(edge, &reads) }
}
fn reading(second: u32, text: &str) -> crate::features::ocr::Reading {
    use crate::features::ocr::Word;
    // A word written "~word" was read unsurely.
    let words = text.split(' ').map(|w| Word { text: w.into(), confidence: if w.starts_with('~') { 60.0 } else { 90.0 } }).collect();
    crate::features::ocr::Reading { second, words }
}
/// Credits, then a scene and a preview whose caption the text cue cannot see.
fn t_without_caption() -> EpisodeFeatures {
    tail("ssssccccccccccSssSssSssSSSSS")
}

/// The coarse pass over a 10-minute tail `[1500, 2100)` with a keyframe every 3 s, those
/// `credits` shows credits: the answer, and the stretches whose keyframes were read.
fn coarse(credits: &dyn Fn(f64) -> bool) -> (Option<(f64, f64)>, Vec<(f64, f64)>) {
    let (found, read, probes) = coarse_probed(credits, &|_, _| false);
    assert!(probes.len() <= 2, "{probes:?}");
    (found, read)
}

/// [`coarse`], where the picture `PROBE_S` past a lone credit keyframe `k` at `t` shows other
/// credits when `went_on(k, t)`: also the (keyframe, t) looked at.
#[allow(clippy::type_complexity)]
fn coarse_probed(credits: &dyn Fn(f64) -> bool, went_on: &dyn Fn(f64, f64) -> bool) -> (Option<(f64, f64)>, Vec<(f64, f64)>, Vec<(f64, f64)>) {
    let mut read = Vec::new();
    let mut probes = Vec::new();
    let found = coarse_from_end(
        1500.0,
        2100.0,
        &mut |lo, hi, pick, lead| {
            // The pass's own reads (keyframes 3 s apart: none passed over); then the look back
            // for keyframes passed over before the credits (none here).
            if pick.known.is_empty() {
                read.push((lo, hi));
                assert!(pick.limit >= 105, "a quarter of the tail may read a quarter of {COARSE_KEYFRAMES} keyframes, and what the reader keeps back: {}", pick.limit);
                assert_eq!(lead, lo == 1500.0, "only the tail's start stands a keyframe before it in");
            }
            Ok((0..200).map(|k| 1500.0 + 3.0 * f64::from(k)).filter(|&t| t >= lo && t < hi && !pick.known.contains(&t)).map(|t| (t, credits(t))).collect())
        },
        &mut |k, t| {
            assert!(credits(k), "only a credit keyframe is looked past: {k}");
            probes.push((k, t));
            Ok(went_on(k, t))
        },
    )
    .unwrap();
    // The keyframes read in the 30 s before the cluster's first, in order.
    if let Some(c) = &found {
        let expected: Vec<f64> = (1..=10).rev().map(|k| c.first - 3.0 * f64::from(k)).filter(|&t| t >= 1500.0 && read.iter().any(|&(lo, hi)| t >= lo && t < hi)).collect();
        assert_eq!(c.before, expected, "{c:?}");
    }
    (found.map(|c| (c.first, c.last)), read, probes)
}

#[test]
fn the_coarse_pass_reads_a_long_tail_from_its_end_and_stops_two_minutes_before_the_credits() {
    // Credits in the last 30 s: the last 150 s are read, a quarter of the keyframes.
    let (found, read) = coarse(&|t| t >= 2070.0);
    assert_eq!(found, Some((2070.0, 2097.0)));
    assert_eq!(read, vec![(1950.0, 2100.0)]);
    // Credits at 1920–1980 then a minute of story: read on until two minutes before them.
    let (found, read) = coarse(&|t| (1920.0..1980.0).contains(&t));
    assert_eq!(found, Some((1920.0, 1977.0)));
    assert_eq!(read, vec![(1950.0, 2100.0), (1800.0, 1950.0)]);
    // Five minutes of credits: found whole across the stretches.
    let (found, _) = coarse(&|t| t >= 1800.0);
    assert_eq!(found, Some((1800.0, 2097.0)));
    // No credits: every keyframe of the tail is read.
    let (found, read) = coarse(&|_| false);
    assert_eq!(found, None);
    assert_eq!(read, vec![(1950.0, 2100.0), (1800.0, 1950.0), (1650.0, 1800.0), (1500.0, 1650.0)]);
    // A tail not a whole number of stretches: no sliver is left at its start.
    let mut read = Vec::new();
    coarse_from_end(
        1500.0,
        1820.0,
        &mut |lo, hi, _, _| {
            read.push((lo, hi));
            Ok(vec![(lo, false)])
        },
        &mut |_, _| unreachable!("no credit keyframe"),
    )
    .unwrap();
    assert_eq!(read, vec![(1670.0, 1820.0), (1500.0, 1670.0)]);
}

#[test]
fn keyframes_passed_over_before_the_credits_are_read_for_where_they_begin() {
    // A keyframe every second (busy footage), names from 2051: the pass decodes one every 3 s
    // (2049, then 2052) and would start the credits at 2052. The keyframes passed over in the
    // 30 s before that are read after all (only those), and the credits begin at 2051, with
    // every keyframe of the 30 s before it listed for the 1 FPS pass to start from.
    let mut calls = Vec::new();
    let found = coarse_from_end(
        1500.0,
        2100.0,
        &mut |lo, hi, pick, _| {
            calls.push((lo, hi, pick.min_gap_s, pick.known.len()));
            let mut last: Option<f64> = None;
            let mut out = Vec::new();
            for t in (1500..2100).map(f64::from).filter(|&t| t >= lo && t < hi && !pick.known.contains(&t)) {
                if last.is_some_and(|l| t < l + pick.min_gap_s) {
                    continue;
                }
                last = Some(t);
                out.push((t, t >= 2051.0));
            }
            Ok(out)
        },
        &mut |_, _| Ok(false),
    )
    .unwrap()
    .expect("credits");
    assert_eq!((found.first, found.last), (2051.0, 2097.0));
    assert_eq!(found.before, (2021..2051).map(f64::from).collect::<Vec<_>>());
    // The pass's two stretches (stopped two minutes before the credits), then [2022, 2052) knowing
    // the ten it decoded there, then [2021, 2022).
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert!(calls[..2].iter().all(|c| c.2 == COARSE_MIN_GAP_S && c.3 == 0), "{calls:?}");
    assert_eq!(calls[2], (2022.0, 2052.0, 0.0, 10));
    assert_eq!((calls[3].0, calls[3].1), (2021.0, 2022.0));
}

#[test]
fn one_keyframe_of_text_near_the_end_does_not_stop_the_coarse_pass_short_of_the_credits() {
    // A card on black at 34:51 after two minutes of story, the credits at 30:00–31:40: read on.
    let (found, read) = coarse(&|t| t == 2091.0 || (1800.0..1900.0).contains(&t));
    assert_eq!(found, Some((1800.0, 1899.0)));
    assert_eq!(read, vec![(1950.0, 2100.0), (1800.0, 1950.0), (1650.0, 1800.0)]);
    // Only single keyframes of text: the whole tail is read, as before 2026-12-07.
    let (_, read) = coarse(&|t| t == 2091.0 || t == 1701.0);
    assert_eq!(read.len(), 4);
    // The card looked past (4 s on, the same lines there): read on all the same.
    let (found, read, probes) = coarse_probed(&|t| t == 2091.0 || (1800.0..1900.0).contains(&t), &|_, _| false);
    assert_eq!((found, read.len(), probes), (Some((1800.0, 1899.0)), 3, vec![(2091.0, 2095.0)]));
}

#[test]
fn a_lone_credit_keyframe_with_other_credits_4_s_on_stops_the_coarse_pass_as_a_run_does() {
    // Names rolling beside a squeezed-back picture from 2078 to the end, with one keyframe
    // among them (x264 places few over a still picture): other lines 4 s on.
    let lone = |t: f64| t == 2088.0;
    let (found, read, probes) = coarse_probed(&lone, &|_, t| t == 2092.0);
    assert_eq!((found, read, probes), (Some((2088.0, 2088.0)), vec![(1950.0, 2100.0)], vec![(2088.0, 2092.0)]));
    // At the file's end the picture 4 s before it is looked at.
    let (found, read, probes) = coarse_probed(&|t| t == 2097.0, &|_, t| t == 2093.0);
    assert_eq!((found, read, probes), (Some((2097.0, 2097.0)), vec![(1950.0, 2100.0)], vec![(2097.0, 2093.0)]));
    // Not looked past before two minutes before it were read, nor where a run was found.
    let (_, read, probes) = coarse_probed(&|t| t == 1998.0, &|_, _| true);
    assert_eq!((read.len(), probes), (2, vec![(1998.0, 2002.0)]));
    let (_, _, probes) = coarse_probed(&|t| t >= 2070.0, &|_, _| true);
    assert!(probes.is_empty());
    // A card that stays at 2091, and the credits' lone keyframe at 2000 with the list going on:
    // the credits, as a run of two there would have been.
    let (found, read, probes) = coarse_probed(&|t| t == 2091.0 || t == 2001.0, &|k, _| k == 2001.0);
    assert_eq!((found, read.len(), probes), (Some((2001.0, 2001.0)), 2, vec![(2091.0, 2095.0), (2001.0, 2005.0)]));
    // At most two lone keyframes are looked past in a tail.
    let (_, read, probes) = coarse_probed(&|t| [2091.0, 2031.0, 1701.0].contains(&t), &|_, _| false);
    assert_eq!((read.len(), probes), (4, vec![(2091.0, 2095.0), (2031.0, 2035.0)]));
}

#[test]
fn the_coarse_pass_keeps_the_most_credits_among_what_it_read_and_no_further() {
    // A title card at 1700 (one keyframe) and credits at 2040–2070: the credits.
    let (found, _) = coarse(&|t| t == 1701.0 || (2040.0..2070.0).contains(&t));
    assert_eq!(found, Some((2040.0, 2067.0)));
    // Cards within two minutes of each other are all read; the bigger cluster wins, as it did
    // when every keyframe was read.
    let (found, _) = coarse(&|t| (1900.0..1960.0).contains(&t) || (2070.0..2080.0).contains(&t));
    assert_eq!(found, Some((1902.0, 1959.0)));
    // More than two minutes of story before the end credits: what lies further back (a film's
    // credits inside the story, or another long run of text) is not read.
    let (found, read) = coarse(&|t| (1520.0..1700.0).contains(&t) || t >= 2040.0);
    assert_eq!(found, Some((2040.0, 2097.0)));
    assert_eq!(read.len(), 2);
}
