//! Repeats that are story, not the intro, by the series' title: story the season shares that
//! the model sees as story everywhere, and songs heard again over other pictures that the model
//! believes, each passed over where its pictures do not show the title.

use super::{title_reads, JudgeMemory, Note, TITLE_REPEATS};
use crate::features::EpisodeFeatures;
use crate::model::season::{shared_story, story_matters};
use std::path::Path;

/// The repeats of each episode of a season that are story it shares, not its intro
/// ([`shared_story`]'s candidates whose pictures were looked at and do not show the series'
/// title); none where the title cannot be looked for (no series name in the file names, no
/// Tesseract, a frame it failed on): a quiet intro looks the same to the model. All of them,
/// unread, where calling them story or not changes nothing ([`story_matters`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn untitled_story(episodes: &[(&Path, &EpisodeFeatures)], members: &[usize], features: &[&EpisodeFeatures], detections: &[crate::model::Detection], seconds: &[&[u32]], repeats: &[Vec<crate::features::align::Repeat>], memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Vec<Vec<usize>> {
    let candidates = shared_story(detections, seconds, repeats);
    // Nothing to read where the answer is the same either way (most seasons with candidates).
    if !story_matters(detections, seconds, repeats, &candidates) {
        return candidates;
    }
    candidates
        .into_iter()
        .enumerate()
        .map(|(k, list)| {
            if list.is_empty() {
                return list;
            }
            let spans: Vec<(f64, f64, f64)> = list.iter().map(|&r| (repeats[k][r].start, repeats[k][r].end, 0.0)).collect();
            match title_reads(episodes[members[k]].0, features[k], &spans, memory, notes, false) {
                Some((reads, _)) => list.into_iter().zip(reads).filter(|(_, read)| read.is_none()).map(|(r, _)| r).collect(),
                None => Vec::new(),
            }
        })
        .collect()
}

/// The model's mean P(intro) over a repeat heard but never seen from which [`untitled_songs`]
/// reads it, and over a copy heard alone of a partner's title-kept intro from which
/// [`partners_titled`] takes it: what season judgement takes such a repeat on (its
/// `MINORITY_INTRO_MIN`).
pub(super) const SONG_BELIEVED: f64 = 0.5;

/// Repeats heard again but never seen (sound matches only, no partner showing the same pictures)
/// that the model believes in (mean P(intro) ≥ [`SONG_BELIEVED`] here), to pass over as well as
/// `story` (indices into each episode's repeats): a song the story plays again over other
/// pictures, which the model alone carries — unless it is a sting whose copies' pictures differ
/// (one letterboxed by cropping). The series' title tells them apart, so they are read where
/// passing over them changes the season's answer: where the title shows in some of them, those
/// where it does not are story. Where it shows in none (a series without a title card, or one
/// whose card no repeat heard alone holds), none is passed over: nothing says which is which;
/// nor where the title cannot be looked for in some episode (no Tesseract, no series name in the
/// file names, a failed read, a stop): the season is judged as before. At most
/// [`TITLE_REPEATS`] candidates an episode are read (the longest), none over the model's recap
/// (a "Previously on" caption names the series too).
/// Family C 2050's Hollow Circuit: a 7.5 s sting two episodes play, heard only (one copy
/// letterboxed), lost to 7 s of story music three episodes play, which the model took for the
/// intro at 1.00 in all three.
#[allow(clippy::too_many_arguments)]
pub(crate) fn untitled_songs(episodes: &[(&Path, &EpisodeFeatures)], members: &[usize], features: &[&EpisodeFeatures], detections: &[crate::model::Detection], seconds: &[&[u32]], repeats: &[Vec<crate::features::align::Repeat>], story: &[Vec<usize>], memory: &mut JudgeMemory, notes: &mut Vec<Note>) -> Vec<Vec<usize>> {
    let none = vec![Vec::new(); repeats.len()];
    let heard = heard_believed(detections, seconds, repeats, story);
    // Nothing to read where the answer is the same either way.
    if !crate::model::season::story_changes(detections, seconds, repeats, story, &heard) {
        return none;
    }
    let mut reads: Vec<Vec<Option<u32>>> = Vec::with_capacity(heard.len());
    for (k, list) in heard.iter().enumerate() {
        if list.is_empty() {
            reads.push(Vec::new());
            continue;
        }
        let spans: Vec<(f64, f64, f64)> = list.iter().map(|&r| (repeats[k][r].start.max(0.0), repeats[k][r].end, 0.0)).collect();
        let Some((read, _)) = title_reads(episodes[members[k]].0, features[k], &spans, memory, notes, false) else { return none };
        reads.push(read);
    }
    untitled_where_titled(heard, &reads)
}

/// [`untitled_songs`]'s candidates (indices into each episode's repeats): heard again but never
/// seen, as long as the model's shortest intro (what season judgement weighs of a repeat heard
/// alone), believed by the model here, not over its recap, and not story already; the
/// [`TITLE_REPEATS`] longest of an episode.
pub(super) fn heard_believed(detections: &[crate::model::Detection], seconds: &[&[u32]], repeats: &[Vec<crate::features::align::Repeat>], story: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let shortest = crate::model::postprocess::PostProcess::default().min_len_s as f64;
    repeats
        .iter()
        .enumerate()
        .map(|(k, list)| {
            let recap = |q: &crate::features::align::Repeat| detections[k].recaps.iter().any(|r| r.end > q.start && r.start < q.end);
            let mut heard: Vec<usize> = list
                .iter()
                .enumerate()
                .filter(|&(r, q)| q.sound && !q.picture && q.len() >= shortest && !recap(q) && !story.get(k).is_some_and(|s| s.contains(&r)))
                .filter(|(_, q)| crate::model::season::mean_over(&detections[k].intro_probability, seconds[k], q.start, q.end) >= SONG_BELIEVED)
                .map(|(r, _)| r)
                .collect();
            heard.sort_by(|&x, &y| list[y].len().total_cmp(&list[x].len()));
            heard.truncate(TITLE_REPEATS);
            heard.sort_unstable();
            heard
        })
        .collect()
}

/// Of `heard` (per episode, candidates) and their `reads` (the second each shows the series'
/// title, if any; the same order), those that show no title — where some candidate of the
/// season shows it; else none. Each copy is read for itself: a copy whose card is missed (a thin
/// font on full frame, read letterboxed in the partner) is passed over too, and found again as
/// the copy of the partner's intro the title kept (`titled_repeats`; counting the partner's read
/// for it instead left that episode with the model's longer guess: family C 2050's Hollow Circuit
/// E04, where the season then kept the story music in E02).
pub(super) fn untitled_where_titled(heard: Vec<Vec<usize>>, reads: &[Vec<Option<u32>>]) -> Vec<Vec<usize>> {
    if !reads.iter().flatten().any(Option::is_some) {
        return vec![Vec::new(); heard.len()];
    }
    heard.into_iter().zip(reads).map(|(list, read)| list.into_iter().zip(read).filter(|(_, read)| read.is_none()).map(|(r, _)| r).collect()).collect()
}
