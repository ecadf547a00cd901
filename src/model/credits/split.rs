//! Credits a story scene splits — names, a scene between the cards, more names — found around
//! the credits the rule found.

use super::{cues, extent, run_segment, runs, Cues, TailFound, MIN_AFTER_S};
use crate::features::EpisodeFeatures;
use crate::model::{DetectedSegment, Evidence};

/// How a run of credit seconds looks: what most of its credit seconds show — names beside a
/// squeezed picture (3), rolling up (2), on a black card (1), lines over footage (0) — whether
/// most are dark, and whether a quarter of them roll. Two parts of one series' credits look
/// alike; story that shows something like credits (a film's own credits inside the footage, a
/// sign over a night scene) mostly does not look like the credits around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Look {
    form: u8,
    dark: bool,
    rolls: bool,
}

fn look(c: &Cues, first: usize, last: usize) -> Look {
    let seconds: Vec<usize> = (first..=last).filter(|&i| c.credit[i]).collect();
    let mut votes = [0usize; 4];
    for &i in &seconds {
        votes[if c.squeeze[i] { 3 } else if c.roll[i] { 2 } else if c.card[i] { 1 } else { 0 }] += 1;
    }
    let form = (0..4).max_by_key(|&k| (votes[k], k)).unwrap_or(0) as u8;
    Look { form, dark: 2 * seconds.iter().filter(|&&i| c.dark[i]).count() >= seconds.len(), rolls: 4 * votes[2] >= seconds.len() }
}

/// Whether a run looking like `other` looks like the credits (`main`): the same form and
/// darkness; or, after the credits, whatever their form and darkness, both seen to roll in a quarter of their
/// seconds — the roll is missed where the lines read unevenly (tails-mid 6050's Iron Frontier
/// E04: 3 of 8 seconds of its first part, 6 of 7 of its second). Before the credits, where
/// story shows credit-like text far more often, that lost four credits' starts (15–34 s early
/// on family B's Lost Tales E01, B 2040's Broken Garden E04, C 2041's Silver Forest E02).
///
/// Beside a squeezed picture the darkness is the picture's, not the credits' (tails-mid-other
/// 6066's Hidden Lantern E02: Big Buck Bunny's own end credits in the box, on black during one
/// part and on a lit backdrop during the other): two squeeze-backs are alike whatever the box
/// shows.
///
/// After the credits, two rolls need no darkness alike either: over footage the footage sets it
/// (6066's Last Harbor E01: names rolling over Big Buck Bunny's own credits on black,
/// a scene, names rolling over lit footage).
fn alike(main: Look, other: Look, after: bool) -> bool {
    let squeezes = main.form == 3 && other.form == 3;
    (main.form, main.dark) == (other.form, other.dark) || squeezes || (after && main.rolls && other.rolls)
}

/// A scene between two parts of the credits lasts at most this long: the scene a series puts
/// between its credit cards, not the episode's last act.
pub const MAX_BETWEEN_S: f64 = 90.0;

/// Credits a story scene splits — names, a scene between the cards, more names — found around
/// the credits the rule found (`found.credits`, their edges read and snapped): another run of
/// credit seconds ([`runs`]) beginning at most [`MAX_BETWEEN_S`] after them, in the story after
/// them or in a preview only the picture saw (its "caption" was the next part's first line), or
/// ending at most that long before them where they are more than lines over footage, looking
/// like them ([`alike`]); at least [`MIN_AFTER_S`] of picture between the two: lit footage, and
/// after the credits a dark scene too, not a pause on black. The other part joins `more_credits`, the scene
/// `between`: story, never skipped. What follows the last part is story or the preview, as
/// after the credits. Run last, on the tail's own cues, so that the reading of the credits'
/// edges and of what follows them is the one the rule has always made; what follows the last
/// part is read again after it (`service::detect::tail::judge_tail`).
pub fn split_credits(tail: &EpisodeFeatures, found: &mut TailFound, duration_s: f64) {
    let Some(main) = found.credits.clone() else { return };
    let c = cues(tail);
    let n = c.credit.len();
    if n == 0 {
        return;
    }
    // How the credits found look, from their own credit seconds: the other part must look alike.
    let within: Vec<usize> = (0..n).filter(|&i| c.credit[i] && f64::from(tail.seconds[i]) > main.start && f64::from(tail.seconds[i]) < main.end).collect();
    let Some((&lo_main, &hi_main)) = within.first().zip(within.last()) else { return };
    let main_look = look(&c, lo_main, hi_main);
    let second = |i: usize| f64::from(tail.seconds[i]);
    // The first second whose span ([s − 0.5, s + 0.5)) begins at or after `t`.
    let index = |t: f64| (0..n).find(|&i| second(i) - 0.5 >= t - 1e-6).unwrap_or(n);
    // After the credits a dark scene between the parts counts as picture (tails-mid-other 6063's
    // Secret Academy E02: the earth at night on black); before them only lit footage does,
    // where story far more often shows credit-like text over the dark.
    let footage = |from: usize, to: usize, dark_scenes: bool| (from..to.min(n)).filter(|&i| if dark_scenes { c.shows_picture(i) } else { !c.dark[i] }).count() as f64 >= MIN_AFTER_S;
    // After the credits: up to a preview the words confirmed (or the end of the file).
    let picture_preview = found.preview.as_ref().is_some_and(|p| !p.start_by.contains(&Evidence::Text));
    let limit = found.preview.as_ref().filter(|_| !picture_preview).map_or(duration_s, |p| p.start);
    let (lo, hi) = (index(main.end + MIN_AFTER_S), index(limit));
    let later = runs(&c.credit[lo.min(hi)..hi], &c.scene[lo.min(hi)..hi]).into_iter().map(|(f, l, k)| (f + lo, l + lo, k)).find(|&(f, l, _)| second(f) - 0.5 - main.end <= MAX_BETWEEN_S && alike(main_look, look(&c, f, l), true));
    if let Some((first, last, count)) = later {
        let (a, b) = extent(&c, first, last, lo, hi);
        // To the end of the file where less than a scene would follow (as for the credits).
        let end = if b + 1 >= n || duration_s - (second(b) + 0.5) < MIN_AFTER_S { duration_s } else { (second(b) + 0.5).min(limit) };
        let seg = run_segment(second(a), a, (first, last, count), end);
        if footage(index(main.end), a, true) && seg.start - main.end >= MIN_AFTER_S {
            found.between.push((main.end, seg.start));
            // A preview the picture saw inside the part was its first line.
            if picture_preview && found.preview.as_ref().is_some_and(|p| p.start < seg.end) {
                found.preview = None;
                // A caption the words read after the part still opens a preview there.
                if let Some(at) = found.caption_read.filter(|&t| t + 1.0 >= seg.end && duration_s - t.max(seg.end) >= MIN_AFTER_S) {
                    found.preview = Some(DetectedSegment { start: at.max(seg.end), end: duration_s, confidence: 0.9, start_by: vec![Evidence::Text], end_by: vec![Evidence::Picture], repeats_in: 0 });
                }
            }
            let story_to = found.preview.as_ref().map_or(duration_s, |p| p.start);
            found.after_credits = (story_to - seg.end >= MIN_AFTER_S).then_some((seg.end, story_to));
            found.more_credits.push(seg);
            return;
        }
    }
    // Before the credits: the last run ending at least MIN_AFTER_S of footage before them, where
    // the credits are more than lines over footage (rolling, on black cards, squeezed): story
    // before the credits shows lines over footage far more often than story after them (a
    // film's own credits inside the footage, a letter, a sign), and where it does, skipping it
    // would skip story.
    if main_look.form == 0 {
        return;
    }
    let hi = index(main.start - MIN_AFTER_S).min(n);
    let earlier = runs(&c.credit[..hi], &c.scene[..hi]).into_iter().rev().find(|&(f, l, _)| main.start - (second(l) + 0.5) <= MAX_BETWEEN_S && alike(main_look, look(&c, f, l), false));
    if let Some((first, last, count)) = earlier {
        let (a, b) = extent(&c, first, last, 0, hi);
        let seg = run_segment(second(a), a, (first, last, count), second(b) + 0.5);
        if footage(b + 1, index(main.start), false) && main.start - seg.end >= MIN_AFTER_S {
            found.between.push((seg.end, main.start));
            found.more_credits.push(seg);
        }
    }
}
