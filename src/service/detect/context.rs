//! The episodes a season given short is judged with: a lone episode's neighbours in its
//! folder ([`crate::paths::season_neighbours`]), analysed like it but not answered for
//! ([`super::judge_with`]).

use super::JudgeOptions;
use crate::encoder::FrameEncoder;
use crate::error::{Error, Result};
use crate::features::EpisodeFeatures;
use crate::service::{episode_stem, Note};
use std::path::{Path, PathBuf};

/// A season given with fewer episodes is judged with the nearest others of its folder up to
/// this many more (`detect FILE`, the app opening one file, `detect` naming two episodes of a
/// folder of ten): three, a season of four, as the season rules were chosen on (families B and
/// C are seasons of four); the nearest in episode order, since an intro may change mid-season.
pub const LONE_CONTEXT: usize = 3;

/// Features of the episodes that fill each season of `files` given with fewer than
/// `options.neighbours + 1` episodes up to that many, from its folder
/// ([`crate::paths::season_neighbours`], nearest first, taken from each given episode's in
/// turn), for [`super::judge_with`]: an episode given without its season is judged as its season
/// judges it, since the model alone mostly takes story for an intro on series unlike its
/// training. They are analysed like the episodes (cached) but not their tails. One that cannot
/// be read is named in a note and the next nearest is tried (at most twice as many tries as
/// places); what was used is said about each episode of the season.
///
/// `files` are the episodes analysed, `given` every episode named (one that failed is not
/// tried again as a neighbour: it was said already).
#[allow(clippy::too_many_arguments)]
pub fn lone_context(files: &[&Path], given: &[&Path], options: JudgeOptions, encoder: &mut dyn FrameEncoder, use_cache: bool, notes: &mut Vec<Note>, go: &mut dyn FnMut() -> bool) -> Result<Vec<(PathBuf, EpisodeFeatures)>> {
    let mut out: Vec<(PathBuf, EpisodeFeatures)> = Vec::new();
    if options.single || options.neighbours == 0 {
        return Ok(out);
    }
    let canonical = |f: &Path| std::fs::canonicalize(f).unwrap_or_else(|_| f.to_path_buf());
    let given: Vec<PathBuf> = files.iter().chain(given).map(|f| canonical(f)).collect();
    for season in crate::paths::seasons(files) {
        let Some(places) = (options.neighbours + 1).checked_sub(season.len()).filter(|&n| n > 0) else { continue };
        // Each episode's nearest in turn: the first's nearest, the second's, then the next of each.
        let lists: Vec<Vec<PathBuf>> = season.iter().map(|&i| crate::paths::season_neighbours(files[i], usize::MAX)).collect();
        let mut candidates: Vec<PathBuf> = Vec::new();
        for rank in 0..lists.iter().map(Vec::len).max().unwrap_or(0) {
            for list in &lists {
                if let Some(c) = list.get(rank).filter(|c| !given.contains(&canonical(c)) && !candidates.contains(c)) {
                    candidates.push(c.clone());
                }
            }
        }
        let mut used = Vec::new();
        for other in candidates.into_iter().take(2 * places) {
            if used.len() == places {
                break;
            }
            match crate::features::embed_episode(&other, options.window_s, encoder, use_cache, &mut |_| go()) {
                Ok((features, _)) => {
                    used.push(episode_stem(&other));
                    out.push((other, features));
                }
                Err(Error::Cancelled) => return Err(Error::Cancelled),
                Err(e) => {
                    for &i in &season {
                        notes.push(Note::about(files[i], format!("not judged with {}: {e}", episode_stem(&other))));
                    }
                }
            }
        }
        if !used.is_empty() {
            used.sort_by(|a, b| crate::paths::natural_cmp(a, b));
            for &i in &season {
                notes.push(Note::about(files[i], format!("judged as a season with {} more {} of its folder ({})", used.len(), if used.len() == 1 { "episode" } else { "episodes" }, used.join(", "))));
            }
        }
    }
    Ok(out)
}
