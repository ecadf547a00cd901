//! An approximate nearest-neighbour index over the per-second embeddings of a large library:
//! HNSW graphs (`instant-distance`), kept beside the embedding cache and grown as episodes are
//! analysed. Exact search (one matrix product per episode, [`super::search::find_shot`]) takes
//! ~17 ms at 100,000 seconds, so it stays the default for anything a season or a show holds; the
//! index pays off on libraries of millions of seconds.
//!
//! Growing: an HNSW graph cannot take new points cheaply once built, so the index is a few
//! graphs ("segments", as a log-structured store keeps them): the episodes not yet indexed
//! become a new segment, and while there are more than [`MAX_SEGMENTS`] the two smallest are
//! merged (rebuilt as one). A large segment is rebuilt rarely, and a query asks every segment
//! and keeps the best.

use crate::error::{Error, Result};
use crate::features::EpisodeFeatures;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when the stored layout or the graph parameters change. 2: the file carries a checksum.
/// 3: identical embeddings are one point.
const INDEX_VERSION: u32 = 3;
/// What an index file starts with, before the checksum of the rest and the rest.
const MAGIC: &[u8; 8] = b"isknn\0\0\x03";
/// Segments kept before the two smallest are merged.
const MAX_SEGMENTS: usize = 8;
/// Candidates each segment's search keeps (HNSW's ef): measured in `bench search` and the test,
/// the top 10 are exact's for ≥ 95 % of queries at this setting.
const EF_SEARCH: usize = 200;
const EF_CONSTRUCTION: usize = 40;
/// Seconds a shot search asks the index for (each segment's search keeps [`EF_SEARCH`]).
pub const NEIGHBOURS: usize = EF_SEARCH;

/// A unit embedding; distance is 1 − cosine.
#[derive(Clone, Serialize, Deserialize)]
pub struct Unit(pub Vec<f32>);

impl instant_distance::Point for Unit {
    /// Building a graph is millions of these: the products are summed in 8 lanes, which the
    /// compiler keeps in vector registers (one running `f32` sum is a chain of dependent adds
    /// it may not reorder). 1.9x faster builds at 100,000 seconds (README "Search").
    fn distance(&self, other: &Self) -> f32 {
        let (a, b) = (self.0.chunks_exact(8), other.0.chunks_exact(8));
        let tail: f32 = a.remainder().iter().zip(b.remainder()).map(|(x, y)| x * y).sum();
        let mut lanes = [0f32; 8];
        for (x, y) in a.zip(b) {
            for l in 0..8 {
                lanes[l] += x[l] * y[l];
            }
        }
        1.0 - (lanes.iter().sum::<f32>() + tail)
    }
}

/// One graph, a point per distinct embedding: the seconds that show exactly it (episode number
/// in [`ShotIndex::episodes`], second) are one point. A library repeats frames bit for bit (a
/// file analysed at two windows, a copy, a held card), and HNSW's search gets caught in a crowd
/// of equal points: on 100,000 seconds of this machine's cache, exact search's top 10 came back
/// for 91 % of queries with every copy a point of its own (README "Search").
#[derive(Serialize, Deserialize)]
struct Segment {
    /// Values index `seconds`.
    graph: instant_distance::HnswMap<Unit, u32>,
    seconds: Vec<Vec<(u32, u32)>>,
}

impl Segment {
    fn len(&self) -> usize {
        self.seconds.iter().map(Vec::len).sum()
    }

    /// Every indexed second with its embedding (to merge segments).
    fn members(&self) -> impl Iterator<Item = (&Unit, (u32, u32))> {
        self.graph.iter().flat_map(move |(pid, p)| self.seconds[self.graph.values[pid.into_inner() as usize] as usize].iter().map(move |&v| (p, v)))
    }
}

#[derive(Serialize, Deserialize)]
pub struct ShotIndex {
    version: u32,
    /// The encoder whose embeddings are indexed (another encoder's index is another file).
    encoder: String,
    dim: usize,
    /// Indexed episodes by their embedding-cache key (file fingerprint, window, encoder): a
    /// replaced or re-encoded file is another episode.
    episodes: Vec<String>,
    segments: Vec<Segment>,
}

/// One neighbour: the episode (its cache key), the second and the cosine.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbour {
    pub episode: String,
    pub second: u32,
    pub similarity: f32,
}

impl ShotIndex {
    pub fn new(encoder: &str, dim: usize) -> Self {
        ShotIndex { version: INDEX_VERSION, encoder: encoder.to_string(), dim, episodes: Vec::new(), segments: Vec::new() }
    }

    /// Seconds indexed.
    pub fn len(&self) -> usize {
        self.segments.iter().map(Segment::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn segments(&self) -> usize {
        self.segments.len()
    }

    /// Points in the graphs: distinct pictures (identical seconds are one point).
    pub fn points(&self) -> usize {
        self.segments.iter().map(|s| s.graph.values.len()).sum()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.episodes.iter().any(|e| e == key)
    }

    /// Index the episodes (cache key, features) not indexed yet, as one new segment; returns how
    /// many were added. Black seconds (empty embeddings) are left out: they match nothing.
    pub fn add(&mut self, episodes: &[(String, &EpisodeFeatures)]) -> Result<usize> {
        if let Some((key, f)) = episodes.iter().find(|(_, f)| f.embeddings.ncols() != self.dim) {
            return Err(Error::internal(format!("episode {key} has {}-d embeddings, the index {}-d", f.embeddings.ncols(), self.dim)));
        }
        let mut points = Vec::new();
        let mut values = Vec::new();
        let mut added = 0;
        for (key, f) in episodes {
            if self.contains(key) {
                continue;
            }
            let number = self.episodes.len() as u32;
            self.episodes.push(key.clone());
            added += 1;
            for (row, &second) in f.embeddings.rows().into_iter().zip(&f.seconds) {
                if row.iter().all(|&x| x == 0.0) {
                    continue;
                }
                points.push(Unit(row.to_vec()));
                values.push((number, second));
            }
        }
        if !points.is_empty() {
            self.segments.push(build(points, values));
        }
        while self.segments.len() > MAX_SEGMENTS {
            self.segments.sort_by_key(|s| std::cmp::Reverse(s.len()));
            let (a, b) = (self.segments.pop().expect("> MAX_SEGMENTS"), self.segments.pop().expect("> MAX_SEGMENTS"));
            let (mut points, mut values) = (Vec::new(), Vec::new());
            for s in [a, b] {
                for (p, v) in s.members() {
                    points.push(p.clone());
                    values.push(v);
                }
            }
            self.segments.push(build(points, values));
        }
        Ok(added)
    }

    /// The `k` seconds nearest `query` (a unit vector), most alike first.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<Neighbour> {
        let q = Unit(query.to_vec());
        let mut search = instant_distance::Search::default();
        let mut found: Vec<(f32, u32, u32)> = Vec::new();
        for s in &self.segments {
            // Each point stands for every second that shows it.
            let near = s.graph.search(&q, &mut search).flat_map(|item| s.seconds[*item.value as usize].iter().map(move |&(e, second)| (1.0 - item.distance, e, second)));
            found.extend(near.take(k));
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        found.truncate(k);
        found.into_iter().map(|(similarity, e, second)| Neighbour { episode: self.episodes[e as usize].clone(), second, similarity }).collect()
    }

    /// The index file of an encoder (`id-version`: another version's points are other points),
    /// beside the embedding cache.
    pub fn path_for(encoder: &str) -> PathBuf {
        let safe: String = encoder.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        crate::paths::cache_dir().join("index").join(format!("{safe}-v{INDEX_VERSION}.cbor"))
    }

    /// The stored index of `encoder`, or a new one when there is none (or it is damaged, or of
    /// another version: it is rebuilt from the cached embeddings, never trusted). A file whose
    /// checksum does not match is damaged: a flipped bit in a graph link would send the search
    /// out of bounds (before version 2 such a file was trusted).
    pub fn load_or_new(path: &Path, encoder: &str, dim: usize) -> Self {
        let loaded = std::fs::read(path).ok().and_then(|bytes| {
            let body = bytes.strip_prefix(MAGIC.as_slice())?;
            let (sum, body) = body.split_first_chunk::<8>()?;
            (u64::from_le_bytes(*sum) == crate::fsio::fnv64(body)).then_some(())?;
            ciborium::from_reader::<ShotIndex, _>(body).ok()
        });
        match loaded {
            Some(index) if index.version == INDEX_VERSION && index.encoder == encoder && index.dim == dim && index.is_consistent() => index,
            _ => ShotIndex::new(encoder, dim),
        }
    }

    /// Every value names an indexed episode and every point has the index's dimension (a file
    /// that decodes is still not trusted beyond that).
    fn is_consistent(&self) -> bool {
        let n = self.episodes.len() as u32;
        self.segments.iter().all(|s| {
            let g = &s.graph;
            g.values.len() == g.iter().count()
                && g.values.len() == s.seconds.len()
                && g.values.iter().all(|&v| (v as usize) < s.seconds.len())
                && s.seconds.iter().all(|list| !list.is_empty() && list.iter().all(|&(e, _)| e < n))
                && g.iter().all(|(_, p)| p.0.len() == self.dim)
        })
    }

    pub fn store(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
        }
        let mut body = Vec::new();
        ciborium::into_writer(self, &mut body).map_err(|e| Error::internal(format!("cannot encode the shot index: {e}")))?;
        crate::fsio::write_atomic(path, |w| {
            w.write_all(MAGIC)?;
            w.write_all(&crate::fsio::fnv64(&body).to_le_bytes())?;
            w.write_all(&body)
        })
    }
}

/// How often the index's top `k` is exact search's, and its mean recall of exact's top `k`,
/// over queries at the given (episode, row) places of `episodes` (keys as indexed). Exact
/// search here is every non-black second compared. Equal frames (an intro every episode plays,
/// a still card) tie, and exact search breaks ties by order: so "the same top `k`" is rank by
/// rank the same similarity (to 1e-4), and a result counts as recalled when it is at least as
/// alike as exact's `k`-th.
pub fn agreement(index: &ShotIndex, episodes: &[(String, &EpisodeFeatures)], queries: &[(usize, usize)], k: usize) -> (f64, f64) {
    const TIE: f32 = 1e-4;
    let (mut same, mut recall) = (0usize, 0f64);
    for &(e, row) in queries {
        let q = episodes[e].1.embeddings.row(row).to_vec();
        let qv = ndarray::ArrayView1::from(&q[..]);
        let mut exact: Vec<f32> = Vec::new();
        for (_, f) in episodes {
            let sims = f.embeddings.dot(&qv);
            exact.extend(sims.iter().zip(f.embeddings.rows()).filter(|(_, r)| r.iter().any(|&x| x != 0.0)).map(|(&s, _)| s));
        }
        exact.sort_by(|a, b| b.total_cmp(a));
        exact.truncate(k);
        let found: Vec<f32> = index.nearest(&q, k).iter().map(|n| n.similarity).collect();
        let kth = exact.last().copied().unwrap_or(f32::NEG_INFINITY);
        same += usize::from(found.len() == exact.len() && found.iter().zip(&exact).all(|(a, b)| (a - b).abs() <= TIE));
        recall += found.iter().filter(|&&s| s >= kth - TIE).count() as f64 / exact.len().max(1) as f64;
    }
    let n = queries.len().max(1) as f64;
    (same as f64 / n, recall / n)
}

fn build(points: Vec<Unit>, values: Vec<(u32, u32)>) -> Segment {
    // Identical embeddings (bit for bit) become one point, in the order first seen.
    let mut first: std::collections::HashMap<Vec<u32>, u32> = std::collections::HashMap::new();
    let (mut unique, mut seconds): (Vec<Unit>, Vec<Vec<(u32, u32)>>) = (Vec::new(), Vec::new());
    for (p, v) in points.into_iter().zip(values) {
        let bits: Vec<u32> = p.0.iter().map(|x| x.to_bits()).collect();
        match first.get(&bits) {
            Some(&i) => seconds[i as usize].push(v),
            None => {
                first.insert(bits, unique.len() as u32);
                unique.push(p);
                seconds.push(vec![v]);
            }
        }
    }
    let ids: Vec<u32> = (0..unique.len() as u32).collect();
    // A fixed seed: the same episodes give the same graph (and the same answers) every time.
    let graph = instant_distance::Builder::default().ef_construction(EF_CONSTRUCTION).ef_search(EF_SEARCH).seed(0x1d5c_0ffe).build(unique, ids);
    Segment { graph, seconds }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` episodes of `len` seconds of random unit vectors (a fixed LCG), as the index takes them.
    fn random_episodes(n: usize, len: usize, dim: usize, seed: u64) -> Vec<EpisodeFeatures> {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        (0..n)
            .map(|_| {
                let mut f = EpisodeFeatures::empty(dim);
                f.seconds = (0..len as u32).collect();
                let mut rows = Vec::new();
                for _ in 0..len {
                    let v: Vec<f32> = (0..dim).map(|_| next()).collect();
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                    rows.extend(v.into_iter().map(|x| x / norm));
                }
                f.embeddings = ndarray::Array2::from_shape_vec((len, dim), rows).unwrap();
                f
            })
            .collect()
    }

    #[test]
    fn the_index_grows_by_segments_merges_the_smallest_and_finds_each_second_itself() {
        let eps = random_episodes(12, 40, 16, 7);
        let mut index = ShotIndex::new("test", 16);
        // One episode at a time: more than MAX_SEGMENTS additions force merges.
        for (i, f) in eps.iter().enumerate() {
            assert_eq!(index.add(&[(format!("ep{i}"), f)]).unwrap(), 1);
            assert!(index.segments() <= MAX_SEGMENTS);
        }
        assert_eq!(index.add(&[("ep3".to_string(), &eps[3])]).unwrap(), 0, "an indexed episode is not added twice");
        assert_eq!(index.len(), 12 * 40);
        for (i, f) in eps.iter().enumerate() {
            for s in [0usize, 17, 39] {
                let top = index.nearest(f.embeddings.row(s).as_slice().unwrap(), 3);
                assert_eq!((top[0].episode.as_str(), top[0].second), (format!("ep{i}").as_str(), s as u32));
                assert!((top[0].similarity - 1.0).abs() < 1e-4);
                assert!(top.windows(2).all(|w| w[0].similarity >= w[1].similarity));
            }
        }
        // Stored and read back, it answers the same.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.cbor");
        index.store(&path).unwrap();
        let back = ShotIndex::load_or_new(&path, "test", 16);
        assert_eq!(back.len(), index.len());
        let q = eps[5].embeddings.row(9).to_vec();
        assert_eq!(back.nearest(&q, 5), index.nearest(&q, 5));
        // Another encoder's (or a damaged) file starts a new index: one flipped bit anywhere
        // (a graph link, a float) is caught by the checksum.
        assert!(ShotIndex::load_or_new(&path, "other", 16).is_empty());
        let stored = std::fs::read(&path).unwrap();
        for at in [MAGIC.len() + 3, stored.len() / 3, stored.len() / 2, stored.len() - 1] {
            let mut flipped = stored.clone();
            flipped[at] ^= 0x10;
            std::fs::write(&path, &flipped).unwrap();
            assert!(ShotIndex::load_or_new(&path, "test", 16).is_empty(), "bit flipped at byte {at} of {}", stored.len());
        }
        std::fs::write(&path, b"not cbor").unwrap();
        assert!(ShotIndex::load_or_new(&path, "test", 16).is_empty());
    }

    #[test]
    fn identical_seconds_are_one_point_and_all_come_back() {
        // 30 copies of one episode (a file analysed again, a copy), and one other.
        let eps = random_episodes(2, 40, 16, 11);
        let mut keyed: Vec<(String, &EpisodeFeatures)> = (0..30).map(|i| (format!("copy{i}"), &eps[0])).collect();
        keyed.push(("other".to_string(), &eps[1]));
        let mut index = ShotIndex::new("test", 16);
        index.add(&keyed[..20]).unwrap();
        index.add(&keyed[20..]).unwrap();
        assert_eq!(index.len(), 31 * 40, "every second is indexed");
        assert_eq!(index.segments.iter().map(|s| s.graph.values.len()).sum::<usize>(), 40 + 40 + 40, "one point per distinct picture in each segment");
        let top = index.nearest(eps[0].embeddings.row(7).as_slice().unwrap(), 40);
        let mut copies: Vec<&str> = top.iter().filter(|n| n.second == 7 && (n.similarity - 1.0).abs() < 1e-5).map(|n| n.episode.as_str()).collect();
        copies.sort();
        copies.dedup();
        assert_eq!(copies.len(), 30, "{top:?}");
    }
}
