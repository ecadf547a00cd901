//! The files a scan writes for media servers and players from an episode's labels (Kodi EDLs,
//! stream copies with chapters, an episode replaced in place), and their removal when the
//! episode leaves its season.

use super::record::SeasonRecord;
use super::{Handoff, ScanOptions, Season, BACKUP_SUFFIX};
use crate::error::{io_error, Error, Result};
use crate::formats::{ExportOptions, Format};
use crate::segments::{Kind, Segments};
use std::path::{Path, PathBuf};

/// An episode's hand-offs written from its sidecar (what the last judgement and a human left
/// there); returns its intro in seconds and the files written.
pub(super) fn rewrite_handoffs(file: &Path, library: &Path, options: &ScanOptions, remuxers: &[Handoff]) -> Result<(Option<(f64, f64)>, Vec<PathBuf>)> {
    let labels = crate::segments::read_saved(file)?.ok_or_else(|| Error::input(file, "its labels are gone since the last scan: scan again to judge it"))?;
    let intro = labels.segments.iter().find(|s| s.kind == Kind::Intro).map(|s| (s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0));
    Ok((intro, handoffs(file, &labels, library, options, remuxers)?))
}

/// Write `file`'s hand-offs from its labels; returns the files written.
pub(super) fn handoffs(file: &Path, labels: &Segments, library: &Path, options: &ScanOptions, remuxers: &[Handoff]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if options.handoffs.contains(&Handoff::Kodi) {
        let report = crate::service::export::export_episodes(&[(file.to_path_buf(), Ok(labels.clone()))], Format::Edl, crate::service::export::Destination::Beside, &ExportOptions::default(), false);
        if let Some(e) = report.failures.into_iter().next() {
            return Err(e);
        }
        written.extend(report.written);
    }
    for &handoff in remuxers {
        let mut o = ExportOptions::default();
        if handoff == Handoff::Mpv {
            o.titles = vec![(Kind::Intro, "Opening".into()), (Kind::Credits, "Ending".into())];
        }
        let names = if handoff == Handoff::Emby { crate::formats::remux::ChapterNames::EmbyMarkers } else { crate::formats::remux::ChapterNames::ByKind };
        if options.in_place {
            let was = crate::segments::MediaId::of(file).ok();
            written.push(replace_in_place(file, labels, &o, names)?);
            // The episode is a new file now: labels that named it name it again (labels a human
            // made on other media keep saying so).
            if let Some(saved) = crate::segments::read_saved(file).ok().flatten().filter(|l| l.media.is_some() && l.media == was) {
                crate::segments::save(file, &saved)?;
            }
            continue;
        }
        let out = options.out.as_deref().expect("checked in scan");
        // One consumer: the tree mirrors the library; several: a tree for each.
        let root = if remuxers.len() > 1 { out.join(handoff.name()) } else { out.to_path_buf() };
        let relative = file.parent().and_then(|p| p.strip_prefix(library).ok()).unwrap_or(Path::new(""));
        let dir = root.join(relative);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let target = dir.join(format!("{}.mkv", crate::service::episode_stem(file)));
        crate::formats::remux::remux_named(file, labels, &target, &o, names)?;
        written.push(target);
    }
    Ok(written)
}

/// `--in-place`: the episode becomes a stream copy of itself with the chapters, in the same
/// container. The copy is written beside it first (a hidden name: never taken for an episode) and
/// flushed to disk; the original gets a second name (`<file>.introskip-backup`, a hard link, or a
/// copy where links are not possible) unless it has one already; then one rename replaces the
/// episode. A crash at any step leaves either the old or the new file under the episode's name,
/// and the backup is never replaced: a backup that exists while the episode is not a copy
/// introskip made (a new release under the same name) stops this episode with a message.
fn replace_in_place(file: &Path, labels: &Segments, options: &ExportOptions, names: crate::formats::remux::ChapterNames) -> Result<PathBuf> {
    let ext = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "mkv" | "mp4" | "m4v" | "mov") {
        return Err(Error::input(file, format!("--in-place keeps the container, and chapters cannot be written into .{ext}: use --out DIR for this library (the copies are .mkv)")));
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let backup = dir.join(format!("{name}.{BACKUP_SUFFIX}"));
    if backup.exists() && !crate::formats::remux::made_by_introskip(file) {
        return Err(Error::input(file, format!("{} exists, but this file is not a copy introskip made (a new release under the same name?): move the old backup away to replace this file in place", backup.display())));
    }
    let staged = dir.join(format!(".{}.introskip-new.{ext}", crate::service::episode_stem(file)));
    let result = (|| -> Result<PathBuf> {
        crate::formats::remux::remux_named(file, labels, &staged, options, names)?;
        std::fs::File::open(&staged).and_then(|f| f.sync_all()).map_err(|e| io_error(&staged, e))?;
        keep_original(file, &backup, dir, &name)?;
        std::fs::rename(&staged, file).map_err(|e| io_error(file, e))?;
        Ok(file.to_path_buf())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}

/// The original's second name. Never replaces an existing backup: "already exists" means a
/// backup is there (another scan made it a moment ago), which is what was wanted.
fn keep_original(file: &Path, backup: &Path, dir: &Path, name: &str) -> Result<()> {
    let exists = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AlreadyExists;
    match std::fs::hard_link(file, backup) {
        Ok(()) => return Ok(()),
        Err(e) if exists(&e) => return Ok(()),
        Err(_) => {}
    }
    // No links here (another file system, FAT): a copy under a name of this process, linked
    // into place (which also never replaces), then the temporary name removed.
    let partial = dir.join(format!(".{name}.{BACKUP_SUFFIX}.{}.part", std::process::id()));
    let linked = std::fs::copy(file, &partial).and_then(|_| std::fs::File::open(&partial)?.sync_all()).and_then(|()| match std::fs::hard_link(&partial, backup) {
        Err(e) if exists(&e) => Ok(()),
        // Links impossible even here: a rename, but only where no backup appeared meanwhile.
        Err(_) if !backup.exists() => std::fs::rename(&partial, backup),
        other => other,
    });
    let _ = std::fs::remove_file(&partial);
    linked.map_err(|e| io_error(backup, e))
}

/// Remove the hand-offs of episodes that were in the season and are not now; returns what was
/// removed. Never a sidecar (a human's labels), a backup, an episode, or a file an episode here
/// still has; a folder of `out` left empty goes too.
pub(super) fn remove_vanished(before: Option<&SeasonRecord>, outputs: &[(String, Vec<String>)], season: &Season, out: Option<&Path>) -> Vec<PathBuf> {
    let Some(before) = before else { return Vec::new() };
    // Compared as the files they are, not as spelt: the same library scanned by another path
    // (relative, through a link) names the same episodes and outputs differently.
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let episodes: Vec<PathBuf> = season.episodes.iter().filter_map(|e| canon(e)).collect();
    let current: Vec<PathBuf> = outputs.iter().flat_map(|(_, files)| files.iter().filter_map(|f| canon(Path::new(f)))).collect();
    let here = |f: &str| season.episodes.iter().any(|e| e.to_string_lossy() == f) || canon(Path::new(f)).is_some_and(|c| episodes.contains(&c));
    let kept = |f: &str| outputs.iter().any(|(_, files)| files.iter().any(|o| o == f)) || canon(Path::new(f)).is_some_and(|c| current.contains(&c) || episodes.contains(&c));
    let mut removed = Vec::new();
    for (episode, files) in before.outputs.iter().filter(|(e, _)| !here(e)) {
        for f in files {
            let path = PathBuf::from(f);
            if f == episode || here(f) || kept(f) || f.ends_with(".introskip.json") || f.ends_with(BACKUP_SUFFIX) || !path.is_file() {
                continue;
            }
            if std::fs::remove_file(&path).is_ok() {
                if let (Some(out), Some(dir)) = (out, path.parent()) {
                    if dir.starts_with(out) && dir != out {
                        let _ = std::fs::remove_dir(dir);
                    }
                }
                removed.push(path);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emby_markers_start_where_the_intro_starts_and_ends_and_at_the_credits() {
        use crate::formats::ExportOptions;
        use crate::segments::{Segment, Source};
        let seg = |kind, a, b| Segment { kind, start_ms: a, end_ms: b, source: Source::Predicted, confidence: None };
        let labels = Segments { segments: vec![seg(Kind::Recap, 0, 8_000), seg(Kind::Intro, 30_000, 50_000), seg(Kind::Credits, 1_400_000, 1_450_000)], ..Default::default() };
        let list = crate::formats::chapters(&labels, 1_500_000);
        let titles = crate::formats::remux::chapter_titles(&list, &ExportOptions::default(), crate::formats::remux::ChapterNames::EmbyMarkers);
        let starts: Vec<(u64, &str)> = list.iter().zip(&titles).map(|(c, t)| (c.start_ms, t.as_str())).collect();
        assert_eq!(starts, [(0, "Recap"), (8_000, "Episode"), (30_000, "IntroStart"), (50_000, "IntroEnd"), (1_400_000, "CreditsStart"), (1_450_000, "Episode")]);
        // Credits a scene splits: only the last part is where "Up Next" may begin.
        let labels = Segments { segments: vec![seg(Kind::Credits, 1_400_000, 1_420_000), seg(Kind::Credits, 1_430_000, 1_500_000)], ..Default::default() };
        let list = crate::formats::chapters(&labels, 1_500_000);
        let titles = crate::formats::remux::chapter_titles(&list, &ExportOptions::default(), crate::formats::remux::ChapterNames::EmbyMarkers);
        let starts: Vec<(u64, &str)> = list.iter().zip(&titles).map(|(c, t)| (c.start_ms, t.as_str())).collect();
        assert_eq!(starts, [(0, "Episode"), (1_400_000, "Credits"), (1_420_000, "Episode"), (1_430_000, "CreditsStart")]);
    }
}
