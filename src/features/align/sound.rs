//! Matching two episodes' sound: their Chromaprint fingerprints compared at every offset the
//! shared items suggest (and stretched for PAL speed-up), runs of close items kept.

use super::{By, Match, END_LAG_S, ITEM_S, ITEM_SPAN_S, MAX_BIT_ERROR, MIN_MATCH_S, SPEEDS, START_LAG_S};

/// Offsets whose matches compete for a span: the best-voted four.
const OFFSETS: usize = 4;
/// Offsets after those, for stings, tried only where matches shorter than [`MIN_MATCH_S`] are
/// asked for: their matches that short are kept where none of the first four's overlaps them by
/// more than half the shorter. With four alone a 5 s sting two episodes share went
/// unmatched beside the votes of the longer stretches of footage and score they share too
/// (family B's Silver Meadow E01/E03). Letting them compete moved an intro's end wherever a
/// theme repeats a phrase (dev's Bright Garden E02, 3.3 s early); letting their longer matches
/// add began an intro 4.4 s early over story (family C 2029's Little Bureau E01). Each costs
/// one linear pass per speed tried.
const MORE_OFFSETS: usize = 12;

/// Spans of `a`'s sound that play again in `b`'s, from their fingerprints.
pub fn sound_matches(a: &[u32], b: &[u32]) -> Vec<Match> {
    sound_matches_of(a, b, MIN_MATCH_S)
}

/// [`sound_matches`] down to `min_s` seconds.
pub(super) fn sound_matches_of(a: &[u32], b: &[u32], min_s: f64) -> Vec<Match> {
    sound_matches_within(a, b, min_s, (f64::INFINITY, f64::INFINITY))
}

/// [`sound_matches_of`] where each print may run on past its episode's window (`windows`, in
/// seconds: sound heard further, `service::detect`'s `heard_further`): only the items inside
/// both windows choose the offsets, and only matches that begin inside both are kept, so the
/// sound past a window carries on a match the windows find and finds none of its own.
pub(super) fn sound_matches_within(a: &[u32], b: &[u32], min_s: f64, windows: (f64, f64)) -> Vec<Match> {
    let min_items = (min_s / ITEM_S) as usize;
    if a.len() < min_items || b.len() < min_items {
        return Vec::new();
    }
    let extra = if min_s < MIN_MATCH_S { MORE_OFFSETS } else { 0 };
    let (mut found, mut more): (Vec<Match>, Vec<Match>) = (Vec::new(), Vec::new());
    for speed in SPEEDS {
        // `b` as if played at `speed`: item k of the stretched print is item k·speed of `b`.
        let stretched: Vec<u32> = (0..).map(|k: usize| (k as f64 * speed).round() as usize).take_while(|&j| j < b.len()).map(|j| b[j]).collect();
        // The items inside each window (of the stretched print: its item k is `b`'s k·speed).
        let a_in = a.len().min((windows.0 / ITEM_S).ceil().min(a.len() as f64) as usize);
        let b_in = stretched.len().min((windows.1 / ITEM_S / speed).ceil().min(stretched.len() as f64) as usize);
        for (rank, offset) in candidate_offsets(&a[..a_in], &stretched[..b_in], OFFSETS + extra).into_iter().enumerate() {
            let found = if rank < OFFSETS { &mut found } else { &mut more };
            for (start, end) in matching_runs(a, &stretched, offset, min_items) {
                // Items fully inside the shared sound, for the distance.
                let (i0, i1) = ((start / ITEM_S) as usize, ((end - ITEM_SPAN_S) / ITEM_S).max(start / ITEM_S + 1.0) as usize);
                let pairs = (i0..i1.min(a.len())).filter_map(|i| stretched.get((i as isize - offset) as usize).map(|&y| f64::from((a[i] ^ y).count_ones())));
                let (sum, count) = pairs.fold((0.0, 0usize), |(s, c), e| (s + e, c + 1));
                let shift = offset as f64 * ITEM_S;
                found.push(Match {
                    start,
                    end,
                    other_start: (start - shift) * speed,
                    other_end: (end - shift) * speed,
                    by: By::Sound,
                    distance: sum / count.max(1) as f64,
                });
            }
        }
    }
    let inside = |m: &Match| m.start < windows.0 && m.other_start < windows.1;
    found.retain(inside);
    more.retain(inside);
    let mut kept = keep_best(found);
    let clash = |m: &Match, k: &Match| m.end.min(k.end) - m.start.max(k.start) > 0.5 * m.len().min(k.len());
    more.retain(|m| m.len() < MIN_MATCH_S);
    let added: Vec<Match> = keep_best(more).into_iter().filter(|m| !kept.iter().any(|k| clash(m, k))).collect();
    kept.extend(added);
    kept.sort_by(|x, y| x.start.total_cmp(&y.start));
    kept
}

/// Offsets (index in `a` − index in `b`) at which many items share their top 12 bits: where the
/// same sound may line up, most votes first, two seconds apart, at most `most`.
fn candidate_offsets(a: &[u32], b: &[u32], most: usize) -> Vec<isize> {
    let key = |x: u32| (x >> 20) as usize;
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); 1 << 12];
    for (j, &x) in b.iter().enumerate() {
        // A run of one value is silence or a held tone: it would vote for every offset.
        if j > 0 && b[j - 1] == x {
            continue;
        }
        buckets[key(x)].push(j as u32);
    }
    let width = a.len() + b.len();
    let mut votes = vec![0u32; width];
    for (i, &x) in a.iter().enumerate() {
        if i > 0 && a[i - 1] == x {
            continue;
        }
        for &j in &buckets[key(x)] {
            votes[i + b.len() - j as usize] += 1;
        }
    }
    // Votes of neighbouring offsets count together (a stretched print drifts by one now and then).
    let smoothed: Vec<u32> = (0..width).map(|d| votes[d.saturating_sub(1)..(d + 2).min(width)].iter().sum()).collect();
    let mut order: Vec<usize> = (0..width).filter(|&d| smoothed[d] >= 8).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(smoothed[d]));
    let spacing = (2.0 / ITEM_S) as usize;
    let mut chosen: Vec<usize> = Vec::new();
    for d in order {
        if chosen.len() == most {
            break;
        }
        if chosen.iter().all(|&c| c.abs_diff(d) > spacing) {
            chosen.push(d);
        }
    }
    chosen.into_iter().map(|d| d as isize - b.len() as isize).collect()
}

/// Runs of `a` whose items match `b[i − offset]` (mean bit error over ~1 s below
/// [`MAX_BIT_ERROR`], gaps under 1 s bridged), at least `min_items` long, as the shared sound's
/// `(start, end)` in `a`'s seconds. Silent runs (one value repeated) are not sound that repeats.
///
/// An item describes [`ITEM_SPAN_S`] of sound, so near an edge its error ramps from "other
/// sound" to "same sound" over that span; each edge is placed at the ramp's middle (where two
/// adjacent boxes of a span's items differ most) plus half a span: the edge to ~0.1 s.
fn matching_runs(a: &[u32], b: &[u32], offset: isize, min_items: usize) -> Vec<(f64, f64)> {
    let lo = offset.max(0) as usize;
    let hi = (b.len() as isize + offset).min(a.len() as isize).max(0) as usize;
    if hi <= lo {
        return Vec::new();
    }
    let errors: Vec<f64> = (lo..hi).map(|i| f64::from((a[i] ^ b[(i as isize - offset) as usize]).count_ones())).collect();
    let half = 4usize; // 9 items ≈ 1.1 s
    let n = errors.len();
    let mut prefix = vec![0.0; n + 1];
    for (k, e) in errors.iter().enumerate() {
        prefix[k + 1] = prefix[k] + e;
    }
    let mean = |s: usize, e: usize| (prefix[e] - prefix[s]) / (e - s).max(1) as f64;
    let same: Vec<bool> = (0..n).map(|k| mean(k.saturating_sub(half), (k + half + 1).min(n)) <= MAX_BIT_ERROR).collect();
    let bridge = (1.0 / ITEM_S) as usize;
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < n {
        if !same[k] {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && same[k] {
            k += 1;
        }
        match runs.last_mut() {
            Some(last) if start - last.1 <= bridge => last.1 = k,
            _ => runs.push((start, k)),
        }
    }
    let span = (ITEM_SPAN_S / ITEM_S).round() as usize;
    // The split point near `at` where the box of `span` items on one side differs most from the
    // box on the other (`rising`: errors fall from before to after, a start).
    let ramp_middle = |at: usize, rising: bool| -> f64 {
        let (from, to) = (at.saturating_sub(span).max(1), (at + span).min(n.saturating_sub(1)));
        let mut best = (f64::MIN, at);
        for c in from..=to.max(from) {
            let (l, r) = (c.saturating_sub(span), (c + span).min(n));
            if l == c || r == c {
                continue;
            }
            let step = if rising { mean(l, c) - mean(c, r) } else { mean(c, r) - mean(l, c) };
            if step > best.0 {
                best = (step, c);
            }
        }
        best.1 as f64
    };
    let half_span = ITEM_SPAN_S / ITEM_S / 2.0;
    runs.into_iter()
        .filter(|&(s, e)| e - s >= min_items)
        .filter(|&(s, e)| {
            let distinct = (s + lo..e + lo).filter(|&i| i == s + lo || a[i] != a[i - 1]).count();
            distinct * 2 >= e - s
        })
        .map(|(s, e)| {
            // A run touching the overlap's edge keeps it: the shared sound may go on beyond.
            let start = if s == 0 { 0.0 } else { ramp_middle(s, true) + half_span - START_LAG_S / ITEM_S };
            let end = if e == n { n as f64 + 2.0 * half_span - 1.0 } else { ramp_middle(e, false) + half_span - END_LAG_S / ITEM_S };
            ((start + lo as f64) * ITEM_S, (end + lo as f64) * ITEM_S)
        })
        .collect()
}

/// Of matches that overlap in `a` by more than half the shorter, the longest (then the closest).
fn keep_best(mut found: Vec<Match>) -> Vec<Match> {
    found.sort_by(|x, y| y.len().total_cmp(&x.len()).then(x.distance.total_cmp(&y.distance)));
    let mut kept: Vec<Match> = Vec::new();
    for m in found {
        let clash = kept.iter().any(|k| {
            let overlap = m.end.min(k.end) - m.start.max(k.start);
            overlap > 0.5 * m.len().min(k.len())
        });
        if !clash {
            kept.push(m);
        }
    }
    kept.sort_by(|x, y| x.start.total_cmp(&y.start));
    kept
}
