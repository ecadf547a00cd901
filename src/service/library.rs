//! A library as search's collection, for both front ends: its episodes (folders walked as `scan`
//! walks them), their features (cached ones read, others analysed once and cached), and a shot
//! found among them by exact search or, on a large library, through the approximate index.

use super::index::ShotIndex;
use super::search::Hit;
use crate::encoder::FrameEncoder;
use crate::error::{Error, Result};
use crate::features::EpisodeFeatures;
use std::path::{Path, PathBuf};

/// Episodes named, folders walked like a library (seasons in order), each file once; what could
/// not be listed, as failures beside them. An empty list is the caller's to refuse.
pub fn collection(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Error>)> {
    let mut media = Vec::new();
    let mut failures = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let found: Vec<PathBuf> = super::scan::seasons_in(input, None)?.into_iter().flat_map(|s| s.episodes).collect();
            if found.is_empty() {
                // Named, as a file that cannot be read is ("folder.mp4" may be a folder).
                failures.push(Error::input(input, "is a folder with no video files in it"));
            }
            media.extend(found);
        } else {
            let (m, f) = super::episodes_from(std::slice::from_ref(input));
            media.extend(m);
            failures.extend(f);
        }
    }
    // The same file named twice (a folder and a file in it) is one episode.
    let mut seen = std::collections::HashSet::new();
    media.retain(|m| seen.insert(std::fs::canonicalize(m).unwrap_or_else(|_| m.clone())));
    Ok((media, failures))
}

/// Features of every episode of `media` (cached ones read, others computed and cached), in order;
/// an episode that cannot be read joins `failures`. Without `pictures` the thumbnails are dropped
/// as each episode is read: a search needs only the embeddings and the sound, and a library's
/// thumbnails take ~4 MB an episode. `progress(done, total)` hears each episode begun and the
/// end; `wanted()` is asked before each episode and at each step of its analysis, and false
/// stops with [`Error::Cancelled`].
pub fn analysed(
    media: &[PathBuf],
    window: u32,
    encoder: &mut dyn FrameEncoder,
    pictures: bool,
    failures: &mut Vec<Error>,
    wanted: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<(PathBuf, EpisodeFeatures)>> {
    let mut out = Vec::new();
    for (done, file) in media.iter().enumerate() {
        progress(done, media.len());
        if !wanted() {
            return Err(Error::Cancelled);
        }
        match crate::features::embed_episode(file, window, encoder, true, &mut |_| wanted()) {
            Ok((mut features, _)) => {
                if !pictures {
                    features.thumbnails = Vec::new();
                }
                out.push((file.clone(), features));
            }
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(e) => failures.push(e),
        }
    }
    progress(media.len(), media.len());
    Ok(out)
}

/// The thumbnail sampled at `second` of each `(file, second)` asked, read back from the cache
/// (or analysed) with the encoder that made the features searched; None where there is none.
pub fn pictures_at(wanted: &[(PathBuf, u32)], window: u32, encoder: &mut dyn FrameEncoder) -> Vec<Option<image::RgbImage>> {
    let mut files: Vec<&PathBuf> = wanted.iter().map(|(p, _)| p).collect();
    files.sort();
    files.dedup();
    let mut found = std::collections::HashMap::new();
    for file in files {
        if let Ok((f, _)) = crate::features::embed_episode(file, window, encoder, true, &mut |_| true) {
            for (second, picture) in f.seconds.iter().zip(f.thumbnails) {
                if wanted.iter().any(|(p, s)| p == file && s == second) {
                    found.insert((file.clone(), *second), picture);
                }
            }
        }
    }
    wanted.iter().map(|w| found.get(w).cloned()).collect()
}

/// How a shot is searched for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum IndexMode {
    Exact,
    Ann,
    Auto,
}

/// From this many seconds on, [`IndexMode::Auto`] uses the approximate index: below it exact
/// search takes well under 50 ms (17 ms at 100,000 seconds, `bench search`).
pub const ANN_FROM_SECONDS: usize = 200_000;

/// Where `query` appears among `episodes` (analysed over `window` by `encoder`), best first:
/// exact search, or the approximate index kept beside the embedding cache (grown by the episodes
/// it lacks and saved). `say` hears what a user should know: a long indexing ahead, an index
/// that could not be saved.
#[allow(clippy::too_many_arguments)]
pub fn find_shot_in(
    query: &[f32],
    episodes: &[(PathBuf, &EpisodeFeatures)],
    window: u32,
    encoder: &dyn FrameEncoder,
    exclude: Option<(&Path, f64)>,
    min_similarity: f32,
    mode: IndexMode,
    say: &mut dyn FnMut(String),
) -> Result<Vec<Hit>> {
    let seconds: usize = episodes.iter().map(|(_, f)| f.seconds.len()).sum();
    if mode == IndexMode::Exact || (mode == IndexMode::Auto && seconds < ANN_FROM_SECONDS) {
        return Ok(super::search::find_shot(query, episodes, exclude, min_similarity));
    }
    let keys = episodes.iter().map(|(p, _)| Ok((p.clone(), crate::features::cache::CacheKey::new(p, window, encoder)?.file_name()))).collect::<Result<Vec<_>>>()?;
    let path = ShotIndex::path_for(&format!("{}-{}", encoder.id(), encoder.version()));
    let mut index = ShotIndex::load_or_new(&path, &encoder.id(), encoder.dim());
    let new: Vec<(String, &EpisodeFeatures)> = keys.iter().zip(episodes).filter(|((_, k), _)| !index.contains(k)).map(|((_, k), (_, f))| (k.clone(), *f)).collect();
    let new_seconds: usize = new.iter().map(|(_, f)| f.seconds.len()).sum();
    if new_seconds > 20_000 {
        // ~2 ms a second on 2 cores (README "Search"): said before a long wait.
        say(format!("indexing {new_seconds} new seconds for approximate search (about {} s, once)", new_seconds / 500));
    }
    if index.add(&new)? > 0 {
        if let Err(e) = index.store(&path) {
            say(format!("the search index was not saved ({e}); it is rebuilt next time"));
        }
    }
    Ok(super::search::find_shot_indexed(query, &index, &keys, exclude, min_similarity, super::index::NEIGHBOURS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_is_its_seasons_episodes_once_and_an_empty_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let season = dir.path().join("Show").join("Season 1");
        std::fs::create_dir_all(&season).unwrap();
        for name in ["Show - S01E02.mkv", "Show - S01E01.mkv", "notes.txt"] {
            std::fs::write(season.join(name), b"x").unwrap();
        }
        let empty = dir.path().join("Empty");
        std::fs::create_dir_all(&empty).unwrap();
        // The library, a file in it again, and a folder without videos.
        let (media, failures) = collection(&[dir.path().to_path_buf(), season.join("Show - S01E01.mkv"), empty.clone()]).unwrap();
        let names: Vec<String> = media.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["Show - S01E01.mkv", "Show - S01E02.mkv"]);
        assert_eq!(failures.len(), 1);
        assert!(failures[0].to_string().contains("Empty") && failures[0].to_string().contains("no video files"), "{}", failures[0]);
    }
}
