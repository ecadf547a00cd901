//! Where introskip keeps things that are not the user's: cached media, embeddings, demo series.

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

/// Media files in a folder, in natural order ("Episode 2" before "Episode 10").
pub fn media_files_in(dir: &std::path::Path) -> std::io::Result<Vec<PathBuf>> {
    const EXTENSIONS: &[&str] = &["mkv", "mp4", "m4v", "mov", "avi", "webm", "ts", "m2ts", "mpg", "mpeg", "wmv", "flv"];
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    files.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    Ok(files)
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
    fn natural_order() {
        let mut v = vec!["S01E10.mkv", "S01E2.mkv", "S01E1.mkv"];
        v.sort_by(|a, b| super::natural_cmp(a, b));
        assert_eq!(v, ["S01E1.mkv", "S01E2.mkv", "S01E10.mkv"]);
    }
}
