//! A library's seasons: its episodes grouped by folder and by the series in their names, and the
//! deterministic share of them each shard takes.

use super::Season;
use crate::error::{io_error, Error, Result};
use std::path::{Path, PathBuf};

/// How deep a library is walked: Show/Season/Extras/… is four; links that loop stop here.
const MAX_DEPTH: usize = 8;

/// Every season under `library`, in natural order of folders. Hidden folders and `skip` (the
/// scan's own output tree) are left out.
pub fn seasons_in(library: &Path, skip: Option<&Path>) -> Result<Vec<Season>> {
    let meta = std::fs::metadata(library).map_err(|e| io_error(library, e))?;
    if !meta.is_dir() {
        return Err(Error::input(library, "not a folder: scan takes a library, a show or a season folder"));
    }
    let skip = skip.and_then(|s| std::fs::canonicalize(s).ok());
    let mut files = Vec::new();
    let mut stack = vec![(library.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        if skip.as_ref().is_some_and(|s| std::fs::canonicalize(&dir).is_ok_and(|d| d == *s)) {
            continue;
        }
        files.extend(crate::paths::media_files_in(&dir).map_err(|e| io_error(&dir, e))?);
        if depth < MAX_DEPTH {
            let mut subdirs: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| io_error(&dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect();
            subdirs.sort_by(|a, b| crate::paths::natural_cmp(&b.to_string_lossy(), &a.to_string_lossy()));
            stack.extend(subdirs.into_iter().map(|d| (d, depth + 1)));
        }
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let mut seasons: Vec<Season> = crate::paths::seasons(&refs)
        .into_iter()
        .map(|group| {
            let first = &files[group[0]];
            let folder = first.parent().and_then(|p| p.strip_prefix(library).ok()).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
            let series = crate::paths::series_key(first).unwrap_or_default();
            let key = if series.is_empty() { folder } else { format!("{folder}#{series}") };
            Season { key, episodes: group.into_iter().map(|i| files[i].clone()).collect() }
        })
        .collect();
    // Two seasons of one show in one folder (S01E…, S02E…) share that key: each gets its
    // season number after it. Only those, so the keys (and what the last scan remembers under
    // them) of every other season stay as they were.
    let shared: Vec<bool> = seasons.iter().map(|s| seasons.iter().filter(|o| o.key == s.key).count() > 1).collect();
    for (season, shared) in seasons.iter_mut().zip(shared) {
        if let Some(n) = season.episodes.first().and_then(|f| crate::paths::season_number(f)).filter(|_| shared) {
            season.key = format!("{}#s{n}", season.key);
        }
    }
    seasons.sort_by(|a, b| crate::paths::natural_cmp(&a.key, &b.key));
    Ok(seasons)
}

/// The shard (1-based) a season belongs to among `n`: by a hash of its key, so the split is the
/// same on every machine and for every run.
pub fn shard_of(key: &str, n: u32) -> u32 {
    (crate::fsio::fnv64(key.as_bytes()) % u64::from(n.max(1))) as u32 + 1
}

/// `"K/N"` → (K, N).
pub fn parse_shard(text: &str) -> std::result::Result<(u32, u32), String> {
    let (k, n) = text.split_once('/').ok_or_else(|| format!("'{text}' is not K/N (e.g. 2/8)"))?;
    let (k, n): (u32, u32) = (k.trim().parse().map_err(|_| format!("'{k}' is not a whole number"))?, n.trim().parse().map_err(|_| format!("'{n}' is not a whole number"))?);
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be from 1 to N"));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_season_once_and_the_same_way_each_time() {
        let keys: Vec<String> = (0..200).map(|i| format!("Show {}/Season {}", i / 7, i % 7)).collect();
        for n in [1, 2, 3, 8] {
            let mut counts = vec![0; n as usize];
            for k in &keys {
                let s = shard_of(k, n);
                assert!((1..=n).contains(&s));
                assert_eq!(s, shard_of(k, n), "deterministic");
                counts[s as usize - 1] += 1;
            }
            assert_eq!(counts.iter().sum::<usize>(), keys.len());
            assert!(counts.iter().all(|&c| c > 0), "{n} shards: {counts:?}");
        }
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        for bad in ["0/3", "4/3", "1/0", "x/2", "2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn two_seasons_of_a_show_in_one_folder_are_two_seasons_with_keys_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let show = dir.path().join("Show");
        std::fs::create_dir(&show).unwrap();
        for n in ["Show - S01E01.mkv", "Show - S01E02.mkv", "Show - S02E01.mkv", "Show - S02E02.mkv", "Other - S01E01.mkv"] {
            std::fs::write(show.join(n), b"x").unwrap();
        }
        let seasons = seasons_in(dir.path(), None).unwrap();
        let found: Vec<(&str, usize)> = seasons.iter().map(|s| (s.key.as_str(), s.episodes.len())).collect();
        // The other show's one season keeps the key it had before seasons were told apart.
        assert_eq!(found, [("Show#other", 1), ("Show#show#s1", 2), ("Show#show#s2", 2)]);
    }
}
