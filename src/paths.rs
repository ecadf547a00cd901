//! Where introskip keeps things that are not the user's (cached media, embeddings, demo series),
//! and how it finds the user's episodes in a folder and groups them into seasons.

use std::path::PathBuf;

/// An XDG base directory (`$XDG_CACHE_HOME`, `$XDG_CONFIG_HOME`, …), else `~/<fallback>`.
pub fn xdg_base(variable: &str, home_fallback: &str) -> PathBuf {
    std::env::var_os(variable)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(home_fallback)))
        .unwrap_or_else(std::env::temp_dir)
}

/// `$XDG_CACHE_HOME/introskip` (or `~/.cache/introskip`). Overridable with `INTROSKIP_CACHE`.
pub fn cache_dir() -> PathBuf {
    match std::env::var_os("INTROSKIP_CACHE") {
        Some(dir) => PathBuf::from(dir),
        None => xdg_base("XDG_CACHE_HOME", ".cache").join("introskip"),
    }
}

/// The demo series that `scripts/demo.sh` builds from real footage.
pub fn demo_dir() -> PathBuf {
    cache_dir().join("demo")
}

const EXTENSIONS: &[&str] = &["mkv", "mp4", "m4v", "mov", "avi", "webm", "ts", "m2ts", "mpg", "mpeg", "wmv", "flv"];

/// Whether a name ends in a video extension we take for an episode.
pub fn has_media_extension(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Media files in a folder, in natural order ("Episode 2" before "Episode 10").
pub fn media_files_in(dir: &std::path::Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            // Hidden files are never episodes: macOS's `._` shadows, and introskip's own staged
            // copies (`.x.introskip-new.mkv`) should a crash leave one.
            p.is_file()
                && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    files.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    // A link beside its target ("Show - S01E01.mkv" → "show.s01e01.mkv") is one episode: kept
    // once, under the name that is not a link, so a season never judges a file against itself
    // (its intro would "repeat" in a copy that is no other episode).
    let link = |p: &PathBuf| p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
    // Per target, the name kept: the first that is no link, else the first of them.
    let mut chosen: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for (i, p) in files.iter().enumerate() {
        let target = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        match chosen.get(&target) {
            Some(&j) if !link(&files[j]) || link(p) => {}
            _ => {
                chosen.insert(target, i);
            }
        }
    }
    let kept: std::collections::HashSet<usize> = chosen.into_values().collect();
    let mut keep = (0..files.len()).map(|i| kept.contains(&i));
    files.retain(|_| keep.next().unwrap_or(true));
    Ok(files)
}

/// Episodes under a folder: its own media files, or, for a show folder holding season folders
/// (`Show/Season 01/…`), those of each subfolder in natural order (one level down).
pub fn media_files_under(dir: &std::path::Path) -> std::io::Result<Vec<PathBuf>> {
    let own = media_files_in(dir)?;
    if !own.is_empty() {
        return Ok(own);
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    subdirs.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    let mut files = Vec::new();
    for sub in subdirs {
        files.extend(media_files_in(&sub).unwrap_or_default());
    }
    Ok(files)
}

/// The series an episode belongs to, from its file name: what comes before its episode number
/// (`S01E02`, `1x02`, `Episode 2`, `Ep 2`, `E02`), lower-cased, without separators. Episodes of one
/// folder with different keys are different series (a flat folder holding several shows); a name
/// with no episode number has no key.
pub fn series_key(path: &std::path::Path) -> Option<String> {
    key_of(&path.file_stem()?.to_string_lossy().to_lowercase())
}

/// [`series_key`] of a lower-cased file stem.
fn key_of(stem: &str) -> Option<String> {
    let b = stem.as_bytes();
    let digits_at = |i: usize| i < b.len() && b[i].is_ascii_digit();
    let mut cut = None;
    for i in 0..b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        // s01e02
        if b[i] == b's' && boundary && digits_at(i + 1) {
            let mut j = i + 1;
            while digits_at(j) {
                j += 1;
            }
            if j < b.len() && b[j] == b'e' && digits_at(j + 1) {
                cut = Some(i);
                break;
            }
        }
        // 1x02
        if digits_at(i) && boundary {
            let mut j = i;
            while digits_at(j) {
                j += 1;
            }
            if j < b.len() && b[j] == b'x' && digits_at(j + 1) {
                cut = Some(i);
                break;
            }
        }
        // episode 2, ep 2, ep.2, e02
        for word in ["episode", "ep", "e"] {
            // Bytes, not `str` slices: `i` may sit inside a multi-byte character ("Pokémon").
            if boundary && b[i..].starts_with(word.as_bytes()) {
                let mut j = i + word.len();
                while j < b.len() && matches!(b[j], b' ' | b'.' | b'_' | b'-') && word != "e" {
                    j += 1;
                }
                if digits_at(j) {
                    cut = Some(i);
                    break;
                }
            }
        }
        if cut.is_some() {
            break;
        }
    }
    let key: String = stem[..cut?].chars().filter(|c| c.is_alphanumeric()).collect();
    Some(key)
}

/// The series' name as its title card would show it, from the file name: [`series_key`] without
/// what release names put around it — bracketed or parenthesised parts (`[Group]`, `(2019)`,
/// `(US)`) and a trailing year — or None where that leaves nothing.
pub fn title_key(path: &std::path::Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().to_lowercase();
    let mut plain = String::with_capacity(stem.len());
    let mut depth = 0usize;
    for c in stem.chars() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let key = key_of(plain.trim())?;
    // "Show 2019 - S01E01": a year the name ends on is the release's, not the title's.
    let cut = key.len().saturating_sub(4);
    let year = key.len() > 4 && key.is_char_boundary(cut) && key[cut..].chars().all(|c| c.is_ascii_digit()) && matches!(&key[cut..cut + 2], "19" | "20");
    let key = if year { key[..cut].to_string() } else { key };
    Some(key).filter(|k| !k.is_empty())
}

/// [`title_key`] where it is worth looking for on screen: 4 letters or more (a shorter one
/// reads in any sign).
pub fn readable_title(path: &std::path::Path) -> Option<String> {
    title_key(path).filter(|k| k.len() >= 4)
}

/// `files` grouped into seasons by [`same_season`] (indices, in order of first appearance): the
/// one grouping `detect`, the app and `introskip repeats` judge by.
pub fn seasons(files: &[&std::path::Path]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        match out.iter_mut().find(|s| same_season(files[s[0]], file)) {
            Some(s) => s.push(i),
            None => out.push(vec![i]),
        }
    }
    out
}

/// Up to `k` other episodes of `file`'s season in its folder, the nearest in episode order first
/// (next, previous, the one after next, …): what a lone episode is judged against. Only where
/// file names say they are episodes of one series ([`series_key`] on both, the same): a folder
/// of unrelated videos is no season, and judging against one would drop a true intro that
/// none of them repeats; where both names carry a season number, the same one. Empty where the
/// folder cannot be read.
pub fn season_neighbours(file: &std::path::Path, k: usize) -> Vec<PathBuf> {
    let Some(key) = series_key(file) else { return Vec::new() };
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let Ok(files) = media_files_in(parent) else { return Vec::new() };
    let name = file.file_name();
    let number = season_number(file);
    let season: Vec<&PathBuf> = files.iter().filter(|f| f.file_name() == name || (series_key(f).as_deref() == Some(key.as_str()) && (number.is_none() || season_number(f).is_none_or(|n| Some(n) == number)))).collect();
    // Where the file itself is not listed (another extension case, a hidden name), it sorts in.
    let at = season.iter().position(|f| f.file_name() == name).unwrap_or_else(|| season.partition_point(|f| natural_cmp(&f.file_name().unwrap_or_default().to_string_lossy(), &name.unwrap_or_default().to_string_lossy()).is_lt()));
    let others: Vec<&PathBuf> = season.iter().copied().filter(|f| f.file_name() != name).collect();
    // `others[at..]` follow the file, `others[..at]` come before it.
    let (mut after, mut before) = (at, at);
    let mut out = Vec::with_capacity(k.min(others.len()));
    while out.len() < k && (after < others.len() || before > 0) {
        if after < others.len() {
            out.push(others[after].clone());
            after += 1;
        }
        if out.len() < k && before > 0 {
            before -= 1;
            out.push(others[before].clone());
        }
    }
    out
}

/// Whether two episodes are of one season: the same folder, the same series by name where
/// both names say, and the same season number where both names carry one (a flat folder
/// holding `Show - S01E…` and `Show - S02E…`: a series often changes its intro between
/// seasons, and one season's intro must not be judged by the other's).
pub fn same_season(a: &std::path::Path, b: &std::path::Path) -> bool {
    // "x.mkv" and "./y.mkv" are in one folder ("" and "." are both the current one).
    let folder = |p: &std::path::Path| p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")).to_path_buf();
    folder(a) == folder(b) && agree(series_key(a), series_key(b)) && agree(season_number(a), season_number(b))
}

/// The same, where both say.
fn agree<T: PartialEq>(x: Option<T>, y: Option<T>) -> bool {
    match (x, y) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The season number a file name carries (`S02E05` → 2, `2x05` → 2); None where it names
/// only an episode (`Episode 5`, `E05`) or nothing.
pub fn season_number(path: &std::path::Path) -> Option<u32> {
    let stem = path.file_stem()?.to_string_lossy().to_lowercase();
    let b = stem.as_bytes();
    let digits_from = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    for i in 0..b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if !boundary {
            continue;
        }
        // s01e02: the digits after `s`; 1x02: the digits before `x`.
        let (from, marker) = if b[i] == b's' { (i + 1, b'e') } else { (i, b'x') };
        let n = digits_from(from.min(b.len()));
        let after = from + n;
        if n > 0 && after + 1 < b.len() && b[after] == marker && b[after + 1].is_ascii_digit() {
            return stem[from..after].parse().ok();
        }
    }
    None
}

/// Compare strings treating runs of digits as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, chunk)) if *d == digit => chunk.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, sa), (db, sb)) in ca.iter().zip(cb.iter()) {
        let ord = if *da && *db {
            let (ta, tb) = (sa.trim_start_matches('0'), sb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            sa.to_lowercase().cmp(&sb.to_lowercase())
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_title_key_leaves_out_release_groups_years_and_countries() {
        use std::path::Path;
        let key = |n: &str| super::title_key(Path::new(n));
        assert_eq!(key("[Grp] Quiet Harbor (2019) - S01E01 [1080p].mkv").as_deref(), Some("quietharbor"));
        assert_eq!(key("Quiet Harbor 2019 - S01E01.mkv").as_deref(), Some("quietharbor"));
        assert_eq!(key("The Office (US) - S01E01.mkv").as_deref(), Some("theoffice"));
        assert_eq!(key("Last Empire - S01E02.mp4").as_deref(), Some("lastempire"));
        assert_eq!(key("1923 - S01E01.mkv").as_deref(), Some("1923"), "a name that is a year stays");
        assert_eq!(key("[Grp] - S01E01.mkv"), None);
        assert_eq!(key("clip.mkv"), None);
    }

    use std::path::Path;

    #[test]
    fn series_keys_split_a_flat_folder_by_show() {
        let key = |n: &str| super::series_key(Path::new(n));
        assert_eq!(key("Golden Signal - S01E02.mkv").as_deref(), Some("goldensignal"));
        assert_eq!(key("golden.signal.s01e03.1080p.mkv").as_deref(), Some("goldensignal"));
        assert_eq!(key("Silver Signal 1x02.mp4").as_deref(), Some("silversignal"));
        assert_eq!(key("Anime - Episode 12.mkv").as_deref(), Some("anime"));
        assert_eq!(key("Anime - Ep.13.mkv").as_deref(), Some("anime"));
        assert_eq!(key("S01E01.mkv").as_deref(), Some(""));
        assert_eq!(key("holiday video.mp4"), None);
        // "Season 1" or a title with "e" words is not an episode number.
        assert_eq!(key("Lee Evans - E05.mkv").as_deref(), Some("leeevans"));
        // Letters outside ASCII before the number (a panic until 2026-11-30: a `str` slice
        // inside "é"), and a name that is not UTF-8 (read lossily).
        assert_eq!(key("Pokémon - S01E01.mkv").as_deref(), Some("pokémon"));
        assert_eq!(key("Café Ümlaut – Épisode 3.mkv"), None);
        assert_eq!(key("Café Ümlaut ep 3.mkv").as_deref(), Some("caféümlaut"));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"Caf\xe9 - S01E02.mkv");
            assert_eq!(super::series_key(Path::new(name)).as_deref(), Some("caf"));
        }
        let (a, b, c) = (Path::new("/tv/Golden Signal - S01E01.mkv"), Path::new("/tv/Golden Signal - S01E02.mkv"), Path::new("/tv/Silver Signal - S01E01.mkv"));
        assert!(super::same_season(a, b));
        assert!(!super::same_season(a, c));
        assert!(super::same_season(Path::new("/tv/a.mkv"), Path::new("/tv/b.mkv")));
        // Two seasons of one show in one folder are two seasons; a name without one joins either.
        let (s1, s2, plain) = (Path::new("/tv/Show - S01E03.mkv"), Path::new("/tv/Show - S02E01.mkv"), Path::new("/tv/Show - Episode 4.mkv"));
        assert!(!super::same_season(s1, s2));
        assert!(super::same_season(s1, plain) && super::same_season(s2, plain));
        assert_eq!(super::seasons(&[s1, s2, Path::new("/tv/Show - S01E04.mkv"), Path::new("/tv/show.2x02.mkv")]), vec![vec![0, 2], vec![1, 3]]);
        let number = |n: &str| super::season_number(Path::new(n));
        assert_eq!((number("Show - S02E05.mkv"), number("show.10x01.mkv"), number("Show - E05.mkv"), number("sxe.mkv"), number("Show s2e")), (Some(2), Some(10), None, None, None));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_beside_its_target_is_one_episode() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("show.s01e01.mkv"), b"x").unwrap();
        std::fs::write(dir.path().join("show.s01e02.mkv"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("show.s01e01.mkv"), dir.path().join("Show - S01E01.mkv")).unwrap();
        // A link to a file elsewhere is an episode of this folder.
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("a.mkv"), b"x").unwrap();
        std::os::unix::fs::symlink(elsewhere.path().join("a.mkv"), dir.path().join("show.s01e03.mkv")).unwrap();
        let names: Vec<String> = super::media_files_in(dir.path()).unwrap().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["show.s01e01.mkv", "show.s01e02.mkv", "show.s01e03.mkv"]);
    }

    #[test]
    fn a_lone_episode_s_neighbours_are_the_nearest_episodes_of_its_series_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["Show - S01E01.mkv", "Show - S01E02.mkv", "Show - S01E03.mkv", "Show - S01E04.mkv", "Show - S01E10.mkv", "Other - S01E05.mkv", "notes.txt", "holiday.mp4"] {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        let names = |file: &str, k: usize| -> Vec<String> { super::season_neighbours(&dir.path().join(file), k).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect() };
        // Next, previous, then on either side; another series and non-episodes never.
        assert_eq!(names("Show - S01E03.mkv", 3), ["Show - S01E04.mkv", "Show - S01E02.mkv", "Show - S01E10.mkv"]);
        assert_eq!(names("Show - S01E01.mkv", 3), ["Show - S01E02.mkv", "Show - S01E03.mkv", "Show - S01E04.mkv"]);
        assert_eq!(names("Show - S01E10.mkv", 2), ["Show - S01E04.mkv", "Show - S01E03.mkv"]);
        assert!(names("Other - S01E05.mkv", 3).is_empty(), "the only episode of its series");
        std::fs::write(dir.path().join("Show - S02E01.mkv"), b"").unwrap();
        assert!(names("Show - S02E01.mkv", 3).is_empty(), "the only episode of its season");
        assert_eq!(names("Show - S01E10.mkv", 1), ["Show - S01E04.mkv"], "another season's episode is no neighbour");
        assert!(names("holiday.mp4", 3).is_empty(), "a video whose name says no episode has no season");
        assert!(super::season_neighbours(Path::new("/nonexistent/Show - S01E01.mkv"), 3).is_empty());
        // A name given without its folder (run inside it): its neighbours are of its season.
        let bare = Path::new("Show - S01E02.mkv");
        let here = Path::new("./Show - S01E03.mkv");
        assert!(super::same_season(bare, here), "\"\" and \".\" are one folder");
        assert_eq!(super::seasons(&[bare, here]), vec![vec![0, 1]]);
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["S01E10.mkv", "S01E2.mkv", "S01E1.mkv"];
        v.sort_by(|a, b| super::natural_cmp(a, b));
        assert_eq!(v, ["S01E1.mkv", "S01E2.mkv", "S01E10.mkv"]);
    }
}
