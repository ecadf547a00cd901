//! The series' title read in the pictures (Tesseract): an intro that season judgement dropped is
//! kept where its pictures show the title, and a repeat that shows no title is story the
//! episodes share, not an intro.

use super::{reader, JudgeMemory, Note};
use crate::features::EpisodeFeatures;
use std::path::Path;

mod level;
mod story;
pub use level::ALONE_TITLE_READS;
pub(super) use level::{titled_by_level, TitleSeen};
#[cfg(test)]
use level::{holds_title, level_around};
pub(super) use story::{untitled_songs, untitled_story};
use story::SONG_BELIEVED;
#[cfg(test)]
use story::{heard_believed, untitled_where_titled};

/// The confidence of an intro kept or found by its title: below the "uncertain, check it" line
/// (nothing measured says more).
pub(super) const TITLE_CONFIDENCE: f64 = 0.6;

/// Repeats of an episode read for the series' title, at most (the longest).
const TITLE_REPEATS: usize = 4;

/// An episode that season judgement left without an intro, whose pictures show the series'
/// title inside a stretch another episode plays too: that stretch is its intro (a sting two
/// episodes of four play, too short and too rare for the passes), with alignment's edges,
/// flagged for a check (confidence 0.6: nothing measured says more).
/// Context episodes ([`judge_with`]) are read too: a partner's answer may rest on theirs.
#[allow(clippy::too_many_arguments)]
pub(super) fn titled_repeats(episodes: &[(&Path, &EpisodeFeatures)], members: &[usize], features: &[&EpisodeFeatures], repeats: &[Vec<crate::features::align::Repeat>], detections: &mut [crate::model::Detection], memory: &mut JudgeMemory, notes: &mut Vec<Note>, title_kept: &[bool]) {
    // The intros the title kept before (the season dropped them as unshared): partners as much as
    // those found here, for an episode whose own pictures missed the card (below).
    let kept: Vec<(usize, f64, f64)> = (0..detections.len()).filter(|&k| title_kept.get(k).copied().unwrap_or(false)).filter_map(|k| detections[k].intros.first().map(|i| (k, i.start, i.end))).collect();
    // The intros found here by their title: (member index, as `Repeat::partners` counts, start, end).
    let mut found: Vec<(usize, f64, f64)> = Vec::new();
    // The repeat each was found in, the second its title was read at and the title's key.
    let mut picked: Vec<(usize, &crate::features::align::Repeat, u32, String)> = Vec::new();
    for (k, &i) in members.iter().enumerate() {
        if !detections[k].intros.is_empty() {
            continue;
        }
        // Seen again (a title card is a picture): a sound another episode plays over other
        // pictures is a score cue far more often, and reading costs ~0.1–0.3 s a frame (taking
        // sounds too found two more stings on tails-other 5045 and 5047 and one on the wider
        // family-B set, and a sound that ran 9 s on into the story there: a false skip).
        // Within the window, and not where the model sees a recap (another episode's story).
        let window_end = features[k].seconds.last().map_or(0.0, |&s| f64::from(s) + 1.0);
        let recap = |a: f64, b: f64| detections[k].recaps.iter().any(|r| r.end > a && r.start < b);
        let mut shared: Vec<(&crate::features::align::Repeat, f64, f64)> = repeats[k]
            .iter()
            .map(|r| (r, r.start.max(0.0), r.end.min(window_end)))
            .filter(|&(r, a, b)| r.picture && b - a >= crate::features::align::MIN_SHORT_S && !recap(a, b))
            .collect();
        shared.sort_by(|x, y| (y.2 - y.1).total_cmp(&(x.2 - x.1)));
        shared.truncate(TITLE_REPEATS);
        let spans: Vec<(f64, f64, f64)> = shared.iter().map(|&(_, a, b)| (a, b, TITLE_CONFIDENCE)).collect();
        let Some((at, second, key)) = titled(episodes[i].0, features[k], &spans, memory, notes) else { continue };
        let (r, (start, end, confidence)) = (shared[at].0, spans[at]);
        let by = |b: crate::features::align::By| match b {
            crate::features::align::By::Sound => crate::model::Evidence::Sound,
            crate::features::align::By::Picture => crate::model::Evidence::Picture,
        };
        let (mut start_by, mut end_by) = (vec![by(r.start_by)], vec![by(r.end_by)]);
        let (mut start, mut end) = (start, end);
        if let Some((a, b)) = one_copy(r, (start, end)) {
            let b = b.min(window_end);
            if a < start {
                (start, start_by) = (a.max(0.0), vec![crate::model::Evidence::Sound]);
            }
            if b > end {
                (end, end_by) = (b, vec![crate::model::Evidence::Sound]);
            }
        }
        detections[k].intros.push(crate::model::DetectedSegment { start, end, confidence, start_by, end_by, repeats_in: r.partners.len() });
        found.push((k, start, end));
        picked.push((k, shared[at].0, second, key));
    }
    // Two episodes whose intros were both found by their title, from one copy that alignment cut
    // into pieces (a look-alike shot a third episode shows claimed the middle): each intro is as
    // long as its part of that copy the partner plays as its intro. Each reach is taken from the
    // intros as their titles placed them, so the answer does not depend on the episodes' order.
    let reaches: Vec<(usize, Option<(f64, f64)>)> = picked
        .iter()
        .map(|&(k, r, _, _)| (k, found.iter().find(|f| f.0 == k).and_then(|&(_, start, end)| along_titled_partner(r, (start, end), &found, k))))
        .collect();
    for (k, reach) in reaches {
        let Some((a, b)) = reach else { continue };
        let window_end = features[k].seconds.last().map_or(0.0, |&s| f64::from(s) + 1.0);
        let (a, b) = (a.max(0.0), b.min(window_end));
        let Some(intro) = detections[k].intros.first_mut() else { continue };
        if a < intro.start {
            intro.start = a;
            intro.start_by = vec![crate::model::Evidence::Sound];
        }
        if b > intro.end {
            intro.end = b;
            intro.end_by = vec![crate::model::Evidence::Sound];
        }
        let (s, t) = (intro.start, intro.end);
        // A recap the model saw over the intro's shots is the intro: what lies before or after
        // it stays where it is long enough to be one.
        let intro = intro.clone();
        recaps_around(&mut detections[k], &intro);
        if let Some(f) = found.iter_mut().find(|f| f.0 == k) {
            (f.1, f.2) = (s, t);
        }
    }
    for (k, r, second, key) in &picked {
        let Some(&(_, start, end)) = found.iter().find(|f| f.0 == *k) else { continue };
        let clock = |t: f64| crate::clock::clock(t, 1, true);
        notes.push(Note::about(
            episodes[members[*k]].0,
            format!(
                "intro found by its title: {}–{} plays in {} other {} and shows the series' title (\"{key}\" read at {})",
                clock(start),
                clock(end),
                r.partners.len(),
                if r.partners.len() == 1 { "episode" } else { "episodes" },
                clock(f64::from(*second))
            ),
        ));
    }
    // An episode still without one whose stretch a partner plays as the intro just found by its
    // title has that intro too, where its own pictures missed the card: the shared part can end
    // before the card does (the wider family-B set's Last Empire E03, whose title comes in 0.1 s
    // before the part E04 shares ends, so no second sampled inside it shows the title).
    for (k, &i) in members.iter().enumerate() {
        if !detections[k].intros.is_empty() {
            continue;
        }
        let window_end = features[k].seconds.last().map_or(0.0, |&s| f64::from(s) + 1.0);
        // Over the model's recap too (until 2026-12-07 not): a recap replays story, and a copy
        // of what a partner plays as its intro, whose pictures there show the series' title, is
        // no story (family B 2050's Hollow Circuit E01: its 7.5 s intro after 4 s of text on
        // black, inside the 16.6 s the model took for a recap). The recap is cut around it.
        let partner_end = |p: usize| features.get(p).and_then(|f| f.seconds.last()).map_or(f64::INFINITY, |&s| f64::from(s) + 1.0);
        let seconds = &features[k].seconds;
        let believed = |a: f64, b: f64| crate::model::season::mean_over(&detections[k].intro_probability, seconds, a, b) >= SONG_BELIEVED;
        let hit = partners_titled(&repeats[k], &found, window_end, &partner_end, false, &believed).or_else(|| partners_titled(&repeats[k], &kept, window_end, &partner_end, true, &believed));
        let Some((r, start, end, partner, mapped)) = hit else { continue };
        // Not a clip in the middle of the model's recap (a recap long enough either side of
        // it): a partner's "intro" that is really its own recap, the title read in a garbled
        // caption, would replay there (an outside review's case).
        let shortest = crate::model::postprocess::PostProcess::default().min_len_s as f64;
        if detections[k].recaps.iter().any(|q| q.start <= start - shortest && q.end >= end + shortest) {
            continue;
        }
        let r = &repeats[k][r];
        // Its edges are where this episode's copy of the partner's match lies: placed by sound
        // where that partner is heard there, else by the picture; where only the part matching
        // the partner's title-kept intro is taken, that intro's edges, the model's, carried over.
        let heard = r.heard_in.iter().any(|h| h.0 == partner);
        let by = if mapped { crate::model::Evidence::Model } else if heard { crate::model::Evidence::Sound } else { crate::model::Evidence::Picture };
        let intro = crate::model::DetectedSegment { start, end, confidence: TITLE_CONFIDENCE, start_by: vec![by], end_by: vec![by], repeats_in: r.partners.len() };
        recaps_around(&mut detections[k], &intro);
        detections[k].intros.push(intro);
        let clock = |t: f64| crate::clock::clock(t, 1, true);
        let name = episodes[members[partner]].0.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        notes.push(Note::about(episodes[i].0, format!("intro found by a partner's title: {}–{} is what {name} plays as its intro, whose pictures show the series' title", clock(start), clock(end))));
    }
}

/// A recap the model saw over an intro's shots is the intro: what lies before or after it
/// stays where it is long enough to be one, its new edge placed by what placed the intro's (so
/// that snapping moves the two together). A recap that spans the intro keeps only its part
/// before it: a recap comes before the intro, and what the model tagged after it is the story
/// that follows (family B 2050's Hollow Circuit E01, no recap at all, would keep 5.2 s of one).
fn recaps_around(detection: &mut crate::model::Detection, intro: &crate::model::DetectedSegment) {
    let (s, t) = (intro.start, intro.end);
    let shortest = crate::model::postprocess::PostProcess::default().min_len_s as f64;
    detection.recaps.retain_mut(|q| {
        if q.end > s && q.start < t {
            if q.start < s {
                q.end = s;
                q.end_by = intro.start_by.clone();
            } else if q.end > t {
                q.start = t;
                q.start_by = intro.end_by.clone();
            } else {
                return false;
            }
        }
        q.end - q.start >= shortest
    });
}

/// Whether partner `p` shows some of `r` (a picture match with it): more of its matches in
/// `elsewhere` (sound and picture) than in `heard_in` (sound alone; a picture match along a
/// sound match has its very span).
fn seen_in(r: &crate::features::align::Repeat, p: usize) -> bool {
    r.elsewhere.iter().filter(|m| m.0 == p).count() > r.heard_in.iter().filter(|m| m.0 == p).count()
}

/// The extent of this episode's part of a sound match in `r` (an intro found by its title,
/// `intro`) with a partner whose intro was found by its title too (`found`, except `own`), where
/// that copy lies mostly ([`TITLED_PARTNER_SHARE`]) inside the partner's intro and the partner
/// also shows this stretch (a picture match with it): the part of that copy inside the
/// partner's intro, mapped here. None where no such match reaches beyond `intro`.
fn along_titled_partner(r: &crate::features::align::Repeat, intro: (f64, f64), found: &[(usize, f64, f64)], own: usize) -> Option<(f64, f64)> {
    let mut reach: Option<(f64, f64)> = None;
    for (j, &(p, a, b)) in r.elsewhere.iter().enumerate() {
        let Some(&(_, s, e)) = found.iter().find(|f| f.0 == p && p != own) else { continue };
        let heard = r.heard_in.contains(&(p, a, b));
        let seen = seen_in(r, p);
        let inside = (b.min(e) - a.max(s)).max(0.0);
        let Some(&(_, x, y)) = r.here.get(j) else { continue };
        if !heard || !seen || b <= a || inside < TITLED_PARTNER_SHARE * (b - a) {
            continue;
        }
        // Only the part of the copy the partner plays as its intro: not the story either side.
        let rate = (y - x) / (b - a);
        let (x, y) = (x + (a.max(s) - a) * rate, y - (b - b.min(e)) * rate);
        if y.min(intro.1) <= x.max(intro.0) {
            continue;
        }
        reach = Some(reach.map_or((x, y), |(u, v)| (u.min(x), v.max(y))));
    }
    reach.filter(|&(x, y)| x < intro.0 - 0.5 || y > intro.1 + 0.5)
}

/// The extent here of the one copy a repeat found by its title is a piece of: where two or more
/// partners each play and show it (a sound match, with a picture match of the same partner
/// beside it) in one match that holds `piece` and runs past it, the part all those matches
/// share. Alignment cuts such a copy in two where a look-alike shot a third episode shows makes
/// part of it a core of more partners (family B 2052's Hollow Forest: a 40 s intro three
/// episodes play, its first 14 s shared with a 4 s shot of E01's story; the title read in those
/// 14 s placed the intro there alone). None where fewer partners agree.
fn one_copy(r: &crate::features::align::Repeat, piece: (f64, f64)) -> Option<(f64, f64)> {
    let mut by_partner: Vec<(usize, f64, f64)> = Vec::new();
    for (m, &(p, a, b)) in r.elsewhere.iter().enumerate() {
        let Some(&(_, x, y)) = r.here.get(m) else { return None };
        let sound = r.heard_in.contains(&(p, a, b));
        if !sound || !seen_in(r, p) || x > piece.0 + 1.0 || y < piece.1 - 1.0 {
            continue;
        }
        // A partner's longest such match.
        match by_partner.iter_mut().find(|q| q.0 == p) {
            Some(q) if y - x > q.2 - q.1 => (q.1, q.2) = (x, y),
            Some(_) => {}
            None => by_partner.push((p, x, y)),
        }
    }
    if by_partner.len() < 2 {
        return None;
    }
    let a = by_partner.iter().map(|q| q.1).fold(f64::NEG_INFINITY, f64::max);
    let b = by_partner.iter().map(|q| q.2).fold(f64::INFINITY, f64::min);
    (a < piece.0 - 0.5 || b > piece.1 + 0.5).then_some((a.min(piece.0), b.max(piece.1)))
}

/// Share of a partner's copy that must lie inside the partner's title-found intro.
const TITLED_PARTNER_SHARE: f64 = 0.8;

/// Of an episode's `repeats`, the first seen again in a partner (a picture match with that
/// partner; or, below, heard alone) and heard there (a sound match where that copy lies, unless the copy is half the
/// partner's intro or more), at least [`crate::features::align::MIN_SHORT_S`] in the window
/// (over the model's recap too), whose copy there lies mostly ([`TITLED_PARTNER_SHARE`]) inside
/// that partner's intro found by its title (`found`: partner, start, end): (repeat, start, end
/// of this episode's part matching that copy, partner, false). `partner_end`: each partner's
/// window end. With `whole`, also a copy that holds (nearly, [`TITLED_PARTNER_SHARE`]) the
/// partner's whole intro and extends beyond it on either side: this episode's part matching the
/// intro (the last element true). With `whole`, a copy heard but not seen there counts too where
/// it holds most of that intro, lies inside it, and `believed` (the model here, over this
/// episode's part).
fn partners_titled(repeats: &[crate::features::align::Repeat], found: &[(usize, f64, f64)], window_end: f64, partner_end: &dyn Fn(usize) -> f64, whole: bool, believed: &dyn Fn(f64, f64) -> bool) -> Option<(usize, f64, f64, usize, bool)> {
    repeats.iter().enumerate().find_map(|(n, r)| {
        r.elsewhere.iter().enumerate().find_map(|(j, &(p, a, b))| {
            let seen = seen_in(r, p);
            let &(_, s, e) = found.iter().find(|f| f.0 == p)?;
            // The copy as far as the partner's window goes (its sound may be heard further).
            let (a0, b0) = (a, b);
            let b = b.min(partner_end(p));
            let inside = (b.min(e) - a.max(s)).max(0.0);
            // Or (`whole`: a partner whose intro the title kept, its edges the model's) the copy
            // holds (nearly) that whole intro and extends beyond it over story both episodes
            // share: this episode's part matching the intro alone, where that part is known
            // (tails-mid-other-clean 6069's Bright Meadow E04: its 34 s intro at 2:24, which E03
            // plays at 0:21 and its title kept, heard on with E03's story after it, 44 s in all,
            // so that the intro held only two thirds of the copy).
            let whole = whole && inside >= TITLED_PARTNER_SHARE * (e - s) && r.here.get(j).is_some();
            if b <= a || (inside < TITLED_PARTNER_SHARE * (b - a) && !whole) {
                return None;
            }
            // This episode's part of that match where known, else the whole stretch.
            let (mut start, mut end) = r.here.get(j).map_or((r.start, r.end), |&(_, x, y)| (x, y));
            let mapped = inside < TITLED_PARTNER_SHARE * (b - a);
            if mapped {
                let scale = (end - start) / (b0 - a0);
                (start, end) = (start + (a.max(s) - a0) * scale, start + (b.min(e) - a0) * scale);
            }
            // A copy of less than half the partner's intro is heard there too: the partner plays
            // this stretch's sound where it shows it. A shot that only looks like one of the
            // intro's is story the intro's montage borrows, or a fixed camera's other moments
            // (family B 2044's Quiet Frontier E01, whose story E04 shows in its intro's first
            // shot, over its theme, and plays with its sound in its own story; family C 2043's
            // Northern Harbor E01, 9 s of story in E02's 33 s intro). A copy of most of the
            // intro stands on its pictures (a theme mixed anew, dialogue over the titles).
            let heard_there = r.heard_in.iter().any(|&(q, c, d)| q == p && d.min(b) - c.max(a) > 0.5 * (d - c).min(b - a));
            if !heard_there && 2.0 * (b - a) < e - s {
                return None;
            }
            let (start, end) = (start.max(0.0), end.min(window_end));
            // Heard there but not seen (the copies' pictures differ: one letterboxed by cropping,
            // family C 2050's Hollow Circuit E04, whose 7.5 s sting E03's title kept): only the
            // copy of (most of) a title-kept intro (`whole`), lying inside it, where the model
            // here believes it too. A sound heard over other pictures is a score cue far more often.
            if !seen && !(whole && heard_there && !mapped && inside >= TITLED_PARTNER_SHARE * (e - s) && believed(start, end)) {
                return None;
            }
            (end - start >= crate::features::align::MIN_SHORT_S).then_some((n, start, end, p, mapped))
        })
    })
}

/// Seconds of a span read for the series' title, at most (those that show the most text).
const TITLE_READS: usize = 4;

/// The index of the first of `dropped` (start, end, confidence: intros season judgement dropped) whose
/// pictures read the series' title as the file names spell it ([`crate::features::ocr::reads_title`]),
/// with the second it was read at and the key ([`title_reads`]); None without Tesseract, a series
/// name of 4 letters or more, or a title.
pub(super) fn titled(file: &Path, features: &EpisodeFeatures, dropped: &[(f64, f64, f64)], memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Option<(usize, u32, String)> {
    let (reads, key) = title_reads(file, features, dropped, memory, notes, true)?;
    reads.iter().enumerate().find_map(|(g, read)| read.map(|second| (g, second, key.clone())))
}

/// For each of `spans` (start, end, _), the second where its pictures read the series' title, if
/// any (of the [`TITLE_READS`] runs of seconds that show the most text, two seconds each:
/// [`crate::features::ocr::read_most_text`]), and the key looked for; None where it cannot be
/// looked for (no series name of 4 letters or more in the file name; Tesseract missing, or
/// failing on a frame). A span without text shows no title. With `first_only`, the spans after the
/// first that shows it are not read (their answers are left out).
fn title_reads(file: &Path, features: &EpisodeFeatures, spans: &[(f64, f64, f64)], memory: &mut JudgeMemory, notes: &mut Vec<Note>, first_only: bool) -> Option<(Vec<Option<u32>>, String)> {
    let key = crate::paths::readable_title(file)?;
    if spans.is_empty() {
        // Nothing to read: Tesseract is not started (nor missed, in a build without it).
        return Some((Vec::new(), key));
    }
    let window_end = features.seconds.last().map_or(0, |&s| s + 1);
    let cached = !memory.uncached;
    let stop = memory.stop.clone();
    let reader = reader(file, memory, notes)?;
    let gates = features.gates();
    let mut reads = Vec::with_capacity(spans.len());
    for &(a, b, _) in spans {
        // Stopped between spans as at the start ([`super::JudgeMemory::stop`]).
        if stop.as_ref().is_some_and(|stop| stop()) {
            return None;
        }
        // The seconds k whose middle lies inside: k + 0.5 in (a, b).
        let first = ((a - 0.5).floor() + 1.0).max(0.0) as u32;
        let end = ((b - 0.5).ceil().max(0.0) as u32).min(window_end);
        // The 144 px pictures choose what to read, not the head's 72 px thumbnails: a title in
        // a thin font vanishes at 72 px (tails-other 5044's Last River, whose title read at once
        // once looked at).
        match crate::features::ocr::read_most_text(file, first, end, TITLE_READS, gates.as_deref(), reader, cached) {
            Ok(readings) => {
                reads.push(readings.iter().find(|r| crate::features::ocr::reads_title(&r.words, &key)).map(|r| r.second));
                if first_only && reads.last().is_some_and(Option::is_some) {
                    break;
                }
            }
            Err(e) => {
                notes.push(Note::about(file, format!("the series' title not looked for: {e}")));
                return None;
            }
        }
    }
    Some((reads, key))
}

#[cfg(test)]
mod tests;
