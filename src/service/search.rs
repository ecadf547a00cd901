//! Search a collection through the per-second embeddings introskip already computes (and
//! caches) for every episode: where else a shot appears, and which files are the same episode.
//!
//! Exact search: one matrix product per episode against the query (a 180 s window is 180 rows;
//! 100,000 indexed seconds are ~0.1 GFLOP at the embedded encoder's 259 dimensions). A shot is
//! "the same" at the cosine the season alignment uses for near-copies
//! ([`crate::features::channels::REPEAT`]): the embedded encoder is built to keep re-encodes,
//! letterbox, logos and grading above it.

use crate::encoder::FrameEncoder;
use crate::error::{Error, Result};
use crate::features::EpisodeFeatures;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What to look for.
pub enum Query {
    /// The frame sampled at this second of this episode.
    Frame { episode: PathBuf, second: f64 },
    /// A still image (PNG, JPEG), encoded as a sampled frame would be.
    Image(PathBuf),
}

/// One place a shot appears: a run of consecutive seconds above the threshold in one episode,
/// given by its best second.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub episode: PathBuf,
    /// The best-matching second, and the run of matching seconds around it.
    pub second: u32,
    pub from: u32,
    pub to: u32,
    pub similarity: f32,
}

/// Two files that hold the same episode (another encode, another cut): the share of each one's
/// window that plays in the other, and where.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Duplicate {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub a: PathBuf,
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub b: PathBuf,
    /// Share of `a`'s window that `b` holds, and of `b`'s that `a` holds.
    pub share_a: f64,
    pub share_b: f64,
    /// Aligned ranges: (a_start, a_end, b_start, b_end) in seconds.
    pub ranges: Vec<(f64, f64, f64, f64)>,
}

/// The query's embedding (unit length).
pub fn query_embedding(query: &Query, window_s: u32, encoder: &mut dyn FrameEncoder) -> Result<Vec<f32>> {
    match query {
        Query::Frame { episode, second } => {
            // A time past the end is refused before the window grows to reach it (the sound
            // buffer of a window is allocated whole).
            if let Some(duration) = crate::video::probe(episode)?.duration_s.filter(|d| d.is_finite() && *d > 0.0) {
                if *second >= duration {
                    return Err(Error::input(episode, format!("no frame at {}: the episode is {} long", crate::clock::clock(*second, 1, true), crate::clock::clock(duration, 1, true))));
                }
            }
            let reach = crate::service::check_window((second.ceil() as u32).saturating_add(1)).map_err(|_| Error::input(episode, format!("{} is past the {} s the search reads of an episode", crate::clock::clock(*second, 1, true), crate::service::MAX_WINDOW_S * 8)))?;
            let (features, _) = crate::features::embed_episode(episode, window_s.max(reach), encoder, true, &mut |_| true)?;
            if features.seconds.is_empty() {
                return Err(Error::input(episode, "no frame could be sampled from it"));
            }
            embedding_at(&features, *second).ok_or_else(|| {
                let last = features.seconds.last().copied().unwrap_or(0);
                Error::input(episode, format!("no frame at {}: its last sampled second is {}", crate::clock::clock(*second, 1, true), crate::clock::clock(f64::from(last), 0, true)))
            })
        }
        Query::Image(path) => {
            let bytes = crate::fsio::read_bounded(path, 64 << 20)?;
            let image = image::load_from_memory(&bytes).map_err(|e| Error::input(path, format!("not an image introskip can read ({e}); give a PNG or JPEG")))?.to_rgb8();
            // A banner of 65535×1 pixels would be scaled to millions of columns on its way to
            // the encoder; no frame of video is shaped like that.
            let (w, h) = (u64::from(image.width()), u64::from(image.height()));
            if w == 0 || h == 0 || w > h * crate::video::MAX_ASPECT || h > w * crate::video::MAX_ASPECT {
                return Err(Error::input(path, format!("a {w}×{h} picture is not shaped like a frame of video (more than {}:1 either way); crop it to the shot", crate::video::MAX_ASPECT)));
            }
            let (tensor, thumbnail) = match encoder.input() {
                crate::encoder::EncoderInput::Thumbnail { height } => (None, crate::image_ops::thumbnail(&image, height)),
                crate::encoder::EncoderInput::Tensor(spec) => {
                    let resized = spec.resize_short_side(&image);
                    (Some(spec.normalise(&spec.center_crop(&resized))), crate::image_ops::thumbnail(&resized, 96))
                }
            };
            let sample = crate::video::Sample { second: 0, frame_time_s: 0.0, tensor, thumbnail, full_frame: None, text_frame: None };
            let mut out = encoder.encode(&[&sample])?;
            let v = out.pop().ok_or_else(|| Error::internal("the encoder returned nothing for one image"))?;
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            Ok(v.into_iter().map(|x| x / norm).collect())
        }
    }
}

/// The embedding of the sampled second nearest `second`, if one lies within a second of it.
pub fn embedding_at(features: &EpisodeFeatures, second: f64) -> Option<Vec<f32>> {
    let row = features.seconds.iter().enumerate().min_by(|a, b| (f64::from(*a.1) - second).abs().total_cmp(&(f64::from(*b.1) - second).abs())).map(|(i, _)| i)?;
    ((f64::from(features.seconds[row]) - second).abs() <= 1.0).then(|| features.embeddings.row(row).to_vec())
}

/// Every place in `episodes` whose frame is at least `min_similarity` like `query` (one hit per
/// run of consecutive seconds), best first. The query's own second (±2 s) is left out.
pub fn find_shot(query: &[f32], episodes: &[(PathBuf, &EpisodeFeatures)], exclude: Option<(&Path, f64)>, min_similarity: f32) -> Vec<Hit> {
    let q = ndarray::ArrayView1::from(query);
    let exclude = exclude.map(|(p, s)| (canonical(p), s));
    let mut hits = Vec::new();
    for (path, f) in episodes {
        if f.embeddings.ncols() != query.len() {
            continue;
        }
        let sims = f.embeddings.dot(&q);
        let matches: Vec<(u32, f32)> = f.seconds.iter().zip(sims.iter()).filter(|&(_, &s)| s >= min_similarity).map(|(&second, &s)| (second, s)).collect();
        runs(path, &matches, exclude.as_ref(), &mut hits);
    }
    sort_hits(&mut hits);
    hits
}

/// [`find_shot`] through the approximate index: the `k` seconds nearest `query` among those
/// indexed, kept when they belong to `episodes` (path and embedding-cache key) and reach
/// `min_similarity`, grouped into runs as exact search groups them. Unlike exact search it sees
/// at most `k` seconds per graph (HNSW's ef): a shot shown for longer than that over the whole
/// library has its runs cut short.
pub fn find_shot_indexed(query: &[f32], index: &super::index::ShotIndex, episodes: &[(PathBuf, String)], exclude: Option<(&Path, f64)>, min_similarity: f32, k: usize) -> Vec<Hit> {
    let exclude = exclude.map(|(p, s)| (canonical(p), s));
    let mut by_episode: Vec<Vec<(u32, f32)>> = vec![Vec::new(); episodes.len()];
    for n in index.nearest(query, k) {
        if n.similarity < min_similarity {
            continue;
        }
        // Every file with that content (copies share the cache key).
        for (i, (_, key)) in episodes.iter().enumerate() {
            if *key == n.episode {
                by_episode[i].push((n.second, n.similarity));
            }
        }
    }
    let mut hits = Vec::new();
    for ((path, _), mut matches) in episodes.iter().zip(by_episode) {
        matches.sort_by_key(|m| m.0);
        runs(path, &matches, exclude.as_ref(), &mut hits);
    }
    sort_hits(&mut hits);
    hits
}

/// The same file however it was named ("x.mkv", "./x.mkv").
fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// One hit per run of consecutive matching seconds (in time order) of the episode at `path`,
/// at its best second; the run around the query's own second is left out.
fn runs(path: &Path, matches: &[(u32, f32)], exclude: Option<&(PathBuf, f64)>, hits: &mut Vec<Hit>) {
    let is_query = exclude.is_some_and(|(p, _)| *p == canonical(path));
    let mut run: Option<Hit> = None;
    let mut close = |run: &mut Option<Hit>| {
        if let Some(h) = run.take() {
            let own = is_query && exclude.is_some_and(|&(_, s)| f64::from(h.from) <= s + 2.0 && f64::from(h.to) >= s - 2.0);
            if !own {
                hits.push(h);
            }
        }
    };
    for &(second, s) in matches {
        match run.as_mut() {
            Some(h) if second <= h.to + 1 => {
                h.to = second;
                if s > h.similarity {
                    h.similarity = s;
                    h.second = second;
                }
            }
            _ => {
                close(&mut run);
                run = Some(Hit { episode: path.to_path_buf(), second, from: second, to: second, similarity: s });
            }
        }
    }
    close(&mut run);
}

fn sort_hits(hits: &mut [Hit]) {
    hits.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.episode.cmp(&b.episode)).then(a.second.cmp(&b.second)));
}

/// Frames of `episodes` ranked by their cosine to `query` (a unit text embedding from the text
/// tower of the CLIP whose image tower embedded the frames): one hit per shot — a run of seconds
/// each at least [`SHOT_COS`] like the one before, as [`recurring_scenes`] cuts them — at its best
/// second, best first, at most `top`. No threshold: CLIP's image–text cosines sit in a narrow band
/// (about 0.2–0.35 on OpenAI's weights) whether a frame matches or not, so only the order speaks.
/// Black seconds (empty embeddings) are not ranked.
pub fn find_text(query: &[f32], episodes: &[(PathBuf, &EpisodeFeatures)], top: usize) -> Vec<Hit> {
    let q = ndarray::ArrayView1::from(query);
    let mut hits: Vec<Hit> = Vec::new();
    for (path, f) in episodes {
        if f.embeddings.ncols() != query.len() {
            continue;
        }
        let sims = f.embeddings.dot(&q);
        let mut shot: Option<Hit> = None;
        for (i, &second) in f.seconds.iter().enumerate() {
            let row = f.embeddings.row(i);
            if row.iter().all(|&x| x == 0.0) || !sims[i].is_finite() {
                hits.extend(shot.take());
                continue;
            }
            let joins = shot.as_ref().is_some_and(|h| second == h.to + 1 && f.embeddings.row(i - 1).dot(&row) >= SHOT_COS);
            if !joins {
                hits.extend(shot.take());
            }
            let h = shot.get_or_insert_with(|| Hit { episode: path.clone(), second, from: second, to: second, similarity: sims[i] });
            h.to = second;
            if sims[i] > h.similarity {
                h.similarity = sims[i];
                h.second = second;
            }
        }
        hits.extend(shot);
    }
    hits.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.episode.cmp(&b.episode)).then(a.second.cmp(&b.second)));
    hits.truncate(top);
    hits
}

/// Pairs of `episodes` that are the same episode: each window's share that the other plays (by
/// picture, and by sound where both have it, in the same order) at least `min_share`. Episodes of
/// one series share their intro (and recaps share scenes), so the bar is well above an intro's
/// share of a window. Every pair is compared: fine for a season or a show; a library is searched
/// show by show.
pub fn duplicates(episodes: &[(PathBuf, &EpisodeFeatures)], min_share: f64) -> Vec<Duplicate> {
    let mut found = Vec::new();
    for i in 0..episodes.len() {
        for j in i + 1..episodes.len() {
            let (a, b) = (episodes[i].1, episodes[j].1);
            let mut matches = crate::features::align::copy_matches(a, b);
            matches.extend(crate::features::align::sound_matches(&a.fingerprint, &b.fingerprint));
            if matches.is_empty() {
                continue;
            }
            let span = |f: &EpisodeFeatures| f.seconds.last().map_or(0.0, |&s| f64::from(s) + 1.0);
            // Within the window: the sound's fingerprint runs past the last sampled second.
            let covered = |ranges: Vec<(f64, f64)>, span: f64| {
                let mut ranges: Vec<(f64, f64)> = ranges.into_iter().map(|(s, e)| (s.max(0.0), e.min(span))).filter(|(s, e)| e > s).collect();
                ranges.sort_by(|x, y| x.0.total_cmp(&y.0));
                let (mut total, mut end) = (0.0, f64::NEG_INFINITY);
                for (s, e) in ranges {
                    if e > end {
                        total += e - s.max(end);
                        end = e;
                    }
                }
                total
            };
            let share_a = covered(matches.iter().map(|m| (m.start, m.end)).collect(), span(a)) / span(a).max(1.0);
            let share_b = covered(matches.iter().map(|m| (m.other_start, m.other_end)).collect(), span(b)) / span(b).max(1.0);
            if share_a.min(share_b) >= min_share {
                // Listed within the windows too (shifted together where one is cut).
                let ranges: Vec<(f64, f64, f64, f64)> = matches
                    .iter()
                    .map(|m| {
                        let cut = (m.end - span(a)).max(m.other_end - span(b)).max(0.0);
                        (m.start, m.end - cut, m.other_start, m.other_end - cut)
                    })
                    .filter(|r| r.1 > r.0 && r.3 > r.2)
                    .collect();
                found.push(Duplicate { a: episodes[i].0.clone(), b: episodes[j].0.clone(), share_a, share_b, ranges: merge_ranges(ranges) });
            }
        }
    }
    found
}

/// Aligned ranges in `a`'s order, those at the same offset that overlap or touch made one: the
/// picture and the sound align the same stretch, and a copy is one range, not two alike.
fn merge_ranges(mut ranges: Vec<(f64, f64, f64, f64)>) -> Vec<(f64, f64, f64, f64)> {
    ranges.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut merged: Vec<(f64, f64, f64, f64)> = Vec::new();
    for r in ranges {
        // Within a second of the same offset (the sound's edges are finer than the pictures'),
        // whatever was listed between them.
        match merged.iter_mut().find(|m| ((r.2 - r.0) - (m.2 - m.0)).abs() <= 1.0 && r.0 <= m.1 + 0.5) {
            Some(m) => *m = (m.0, m.1.max(r.1), m.2.min(r.2), m.3.max(r.3)),
            None => merged.push(r),
        }
    }
    merged
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn the_picture_and_the_sound_aligning_one_stretch_are_one_range() {
        // Picture 0-120 and sound 0.2-119.8 at the same offset; a cut copy's second part 10 s on.
        let ranges = vec![(70.0, 120.0, 60.0, 110.0), (0.0, 120.0, 0.0, 120.0), (0.2, 59.8, 0.3, 59.9), (70.5, 119.5, 60.4, 109.4)];
        assert_eq!(merge_ranges(ranges.clone()), [(0.0, 120.0, 0.0, 120.0), (70.0, 120.0, 60.0, 110.0)]);
        assert_eq!(merge_ranges(ranges[2..].to_vec()), [(0.2, 59.8, 0.3, 59.9), (70.5, 119.5, 60.4, 109.4)]);
        // Another offset listed between the picture's and the sound's range of one stretch.
        assert_eq!(merge_ranges(vec![(0.0, 50.0, 0.0, 50.0), (10.0, 20.0, 100.0, 110.0), (30.0, 60.0, 30.2, 60.2)]), [(0.0, 60.0, 0.0, 60.2), (10.0, 20.0, 100.0, 110.0)]);
    }

    /// Features of one second per row (2-d embeddings), for search tests here and in the app.
    pub(crate) fn features(rows: &[[f32; 2]]) -> EpisodeFeatures {
        let mut f = EpisodeFeatures::empty(2);
        f.seconds = (0..rows.len() as u32).collect();
        f.embeddings = Array2::from_shape_vec((rows.len(), 2), rows.iter().flat_map(|r| r.iter().copied()).collect()).unwrap();
        f
    }

    #[test]
    fn a_shot_is_found_once_per_run_of_seconds_and_its_own_second_is_left_out() {
        let x = [1.0, 0.0];
        let y = [0.0, 1.0];
        let near = [0.96, 0.28];
        let a = features(&[y, x, x, y, y]);
        let b = features(&[y, y, near, x, y, y, x]);
        let eps = vec![(PathBuf::from("a"), &a), (PathBuf::from("b"), &b)];
        let hits = find_shot(&x, &eps, Some((Path::new("a"), 1.0)), 0.92);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!((hits[0].episode.to_str(), hits[0].second, hits[0].from, hits[0].to), (Some("b"), 3, 2, 3));
        assert_eq!((hits[1].episode.to_str(), hits[1].second), (Some("b"), 6));
        assert!(find_shot(&y, &eps, None, 0.92).iter().all(|h| h.similarity >= 0.92));
    }

    #[test]
    fn text_search_ranks_one_hit_per_shot_and_skips_black_seconds() {
        let (x, y, z) = ([1.0, 0.0], [0.0, 1.0], [0.0, 0.0]);
        let tilt = [0.8, 0.6];
        // a: shot x (0–1), black (2), shot x again (3), shot y (4–5); b: tilt then y.
        let a = features(&[x, x, z, x, y, y]);
        let b = features(&[tilt, y]);
        let eps = vec![(PathBuf::from("a"), &a), (PathBuf::from("b"), &b)];
        let hits = find_text(&[1.0, 0.0], &eps, 10);
        let got: Vec<(&str, u32, u32, u32)> = hits.iter().map(|h| (h.episode.to_str().unwrap(), h.second, h.from, h.to)).collect();
        assert_eq!(got, [("a", 0, 0, 1), ("a", 3, 3, 3), ("b", 0, 0, 0), ("a", 4, 4, 5), ("b", 1, 1, 1)]);
        assert!(hits.windows(2).all(|w| w[0].similarity >= w[1].similarity));
        assert_eq!(find_text(&[1.0, 0.0], &eps, 2).len(), 2);
    }
}

/// Consecutive seconds at least this alike are one shot (a cut drops well below it).
const SHOT_COS: f32 = 0.9;
/// The most shots [`recurring_scenes`] clusters at once (their distances take ~400 MB).
const MAX_SHOTS: usize = 10_000;

/// Where a recurring scene plays: seconds `from..=to` of one episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Occurrence {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub episode: PathBuf,
    pub from: u32,
    pub to: u32,
}

/// A place or set-up a season returns to: shots alike enough to be one scene, from at least two
/// episodes. `seconds` is the time it fills over the season.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scene {
    pub episodes: usize,
    pub seconds: u32,
    pub occurrences: Vec<Occurrence>,
}

/// One shot: its episode (index), first and last second, row range, and mean embedding.
struct Shot {
    episode: usize,
    from: u32,
    to: u32,
    mean: Vec<f32>,
}

/// Cut each episode into shots (a run of seconds each at least [`SHOT_COS`] like the one before;
/// black seconds, whose embedding is empty, belong to none) with their unit mean embeddings.
fn shots(episodes: &[(PathBuf, &EpisodeFeatures)]) -> Vec<Shot> {
    let mut out: Vec<Shot> = Vec::new();
    for (e, (_, f)) in episodes.iter().enumerate() {
        let mut open = false;
        for (i, &second) in f.seconds.iter().enumerate() {
            let row = f.embeddings.row(i);
            if row.iter().all(|&x| x == 0.0) || row.iter().any(|x| !x.is_finite()) {
                open = false;
                continue;
            }
            let joins = open && i > 0 && f.embeddings.row(i - 1).dot(&row) >= SHOT_COS;
            match out.last_mut() {
                Some(shot) if joins => {
                    shot.to = second;
                    shot.mean.iter_mut().zip(row.iter()).for_each(|(m, x)| *m += x);
                }
                _ => out.push(Shot { episode: e, from: second, to: second, mean: row.to_vec() }),
            }
            open = true;
        }
    }
    for shot in &mut out {
        let norm = shot.mean.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        shot.mean.iter_mut().for_each(|x| *x /= norm);
    }
    out
}

/// The scenes `episodes` (a season) return to: their shots clustered by average linkage
/// (`kodama`, Müllner's algorithm) on cosine distance, cut where clusters stop being at least
/// `min_similarity` alike on average; clusters with shots from two or more episodes, most
/// episodes first, then most seconds. Adjacent shots of one episode in one scene are one
/// occurrence.
pub fn recurring_scenes(episodes: &[(PathBuf, &EpisodeFeatures)], min_similarity: f32) -> Result<Vec<Scene>> {
    let dim = episodes.first().map_or(0, |(_, f)| f.embeddings.ncols());
    let episodes: Vec<(PathBuf, &EpisodeFeatures)> = episodes.iter().filter(|(_, f)| f.embeddings.ncols() == dim).cloned().collect();
    let shots = shots(&episodes);
    let n = shots.len();
    if n < 2 {
        return Ok(Vec::new());
    }
    // Every pair's distance is held at once (n² / 2 numbers): a season's windows are a few
    // thousand shots; a whole library is not one season.
    if n > MAX_SHOTS {
        return Err(Error::Usage(format!(
            "{n} shots in {} episodes are too many to cluster at once (at most {MAX_SHOTS}): give one season at a time, or a shorter --window",
            episodes.len()
        )));
    }
    let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let cos: f32 = shots[i].mean.iter().zip(&shots[j].mean).map(|(a, b)| a * b).sum();
            // A shot's mean gone NaN (a foreign cache entry's huge values) is unlike any: the
            // clustering library refuses NaN with a panic.
            let d = 1.0 - f64::from(cos);
            condensed.push(if d.is_finite() { d.clamp(0.0, 2.0) } else { 2.0 });
        }
    }
    let dendrogram = kodama::linkage(&mut condensed, n, kodama::Method::Average);
    // Step k makes cluster n + k from two earlier ones (SciPy's labelling); stop at the cut.
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut alive = vec![true; n];
    for step in dendrogram.steps() {
        if step.dissimilarity > 1.0 - f64::from(min_similarity) {
            break;
        }
        let merged: Vec<usize> = members[step.cluster1].iter().chain(&members[step.cluster2]).copied().collect();
        alive[step.cluster1] = false;
        alive[step.cluster2] = false;
        members.push(merged);
        alive.push(true);
    }
    let mut scenes: Vec<Scene> = Vec::new();
    for (label, group) in members.iter().enumerate() {
        if !alive[label] {
            continue;
        }
        let mut group: Vec<&Shot> = group.iter().map(|&i| &shots[i]).collect();
        let seen: std::collections::BTreeSet<usize> = group.iter().map(|s| s.episode).collect();
        if seen.len() < 2 {
            continue;
        }
        group.sort_by_key(|s| (s.episode, s.from));
        let mut occurrences: Vec<(usize, Occurrence)> = Vec::new();
        for s in group {
            match occurrences.last_mut() {
                Some((e, o)) if *e == s.episode && s.from <= o.to + 1 => o.to = o.to.max(s.to),
                _ => occurrences.push((s.episode, Occurrence { episode: episodes[s.episode].0.clone(), from: s.from, to: s.to })),
            }
        }
        let seconds = occurrences.iter().map(|(_, o)| o.to - o.from + 1).sum();
        scenes.push(Scene { episodes: seen.len(), seconds, occurrences: occurrences.into_iter().map(|(_, o)| o).collect() });
    }
    scenes.sort_by(|a, b| b.episodes.cmp(&a.episodes).then(b.seconds.cmp(&a.seconds)));
    Ok(scenes)
}
