//! Export and remux: the one path from an episode's segments to the files other tools read, for
//! `introskip export` / `remux` and the app's Export menu.

use super::{episode_stem, Note};
use crate::error::{io_error, Error, Result};
use crate::formats::{ExportOptions, Format};
use crate::segments::Segments;
use std::path::{Path, PathBuf};

/// The segments for `file`: from `segments` (a label or chapter file, a media file whose
/// chapters to import, or a folder of `<episode>.*.json`), else the sidecar beside the media.
pub fn segments_for(file: &Path, segments: Option<&Path>) -> Result<Segments> {
    // A missing episode is said as such, not as missing labels.
    std::fs::metadata(file).map_err(|e| io_error(file, e))?;
    let stem = episode_stem(file);
    let saved = || [crate::segments::sidecar_path(file), crate::segments::fallback_sidecar(file)].into_iter().find(|p| p.exists());
    match segments {
        Some(p) if p.is_dir() => {
            let found = std::fs::read_dir(p)
                .map_err(|e| io_error(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .find(|f| crate::segments::episode_name(f) == stem)
                .ok_or_else(|| Error::input(p, format!("no segments for '{stem}' (expected {stem}.<anything>.json)")))?;
            let from_folder = crate::formats::import::read_any(&found)?;
            // A folder is a batch (predictions from `detect --out`): what a human decided for
            // this episode, saved by the app, outranks it kind by kind, and a verified episode
            // whole, as in the app's own export.
            match saved() {
                Some(path) => Ok(from_folder.under_human(&crate::formats::import::read_any(&path)?)),
                None => Ok(from_folder),
            }
        }
        Some(p) => crate::formats::import::read_any(p),
        None => match saved() {
            Some(path) => crate::formats::import::read_any(&path),
            None => Err(Error::input(
                file,
                format!("no labels saved for this episode ({} does not exist): label it in the app, or pass --segments with a folder from `introskip detect --out`", crate::segments::sidecar_path(file).display()),
            )),
        },
    }
}

/// The segments of each episode as [`segments_for`] finds them, and for those with nothing
/// saved (no `segments` given) what `find` answers for them, as `detect` answers: the command
/// line then exports what the app's Export writes for an episode nobody has labelled, instead of
/// refusing it (an outside trial: the app exported a season the command line would not). The
/// notes say which episodes were found now.
pub fn segments_or_found(media: &[PathBuf], segments: Option<&Path>, find: &mut dyn FnMut(&[PathBuf]) -> Result<super::detect::DetectRun>) -> (Vec<(PathBuf, Result<Segments>)>, Vec<Note>) {
    let mut notes = Vec::new();
    // Where the saved labels count: an episode renamed since they were saved gets them back.
    if segments.is_none_or(Path::is_dir) {
        let fixed = crate::segments::reconcile(media, true);
        for (from, f) in &fixed.moved {
            notes.push(Note::about(f, format!("the labels saved as {} follow it (renamed, or a new release of it)", from.file_name().unwrap_or_default().to_string_lossy())));
        }
        for (f, what) in super::scan::warnings_of(&fixed) {
            notes.push(Note::about(&f, what));
        }
    }
    let mut jobs: Vec<(PathBuf, Result<Segments>)> = media.iter().map(|f| (f.clone(), segments_for(f, segments))).collect();
    let saved = |f: &Path| [crate::segments::sidecar_path(f), crate::segments::fallback_sidecar(f)].iter().any(|p| p.exists());
    let unlabelled: Vec<PathBuf> = jobs.iter().filter(|(f, r)| segments.is_none() && r.is_err() && f.exists() && !saved(f)).map(|(f, _)| f.clone()).collect();
    if unlabelled.is_empty() {
        return (jobs, notes);
    }
    match find(&unlabelled) {
        Ok(run) => {
            notes.extend(run.notes);
            for (file, judged, _) in run.predictions {
                if let Some((_, job)) = jobs.iter_mut().find(|(f, _)| *f == file) {
                    let mut found = Segments::default();
                    found.merge_detection(&judged.detection);
                    if let Some(tail) = &judged.tail {
                        found.merge_tail(&tail.found);
                    }
                    *job = Ok(found);
                    notes.push(Note::about(&file, "no labels saved for it: the segments found now are exported (predicted, not verified)".to_string()));
                }
            }
            // An episode detection could not read keeps its own error.
            for e in run.failures {
                let about = match &e {
                    Error::Input { path, .. } => Some(path.clone()),
                    _ => None,
                };
                if let Some((_, job)) = jobs.iter_mut().find(|(f, _)| about.as_ref() == Some(f)) {
                    *job = Err(e);
                }
            }
        }
        Err(e) => {
            let said = e.to_string();
            for (f, job) in jobs.iter_mut().filter(|(f, _)| unlabelled.contains(f)) {
                *job = Err(Error::input(f, format!("no labels saved for it, and finding them failed: {said}")));
            }
        }
    }
    (jobs, notes)
}

/// Render one episode's segments in `format`, with what the format needs from the media (its
/// duration, frame rate, name). Segments that lie past the episode's end are cut or left out by
/// the chapter formats; the notes say so. The outer error: the episode cannot be read; the inner
/// one, the format's refusal of these segments (YouTube's 10 s chapters, say), which is about
/// the file to be written, and is named so by the caller (an outside trial read "…S01E01.mp4:
/// YouTube chapters must last at least 10 s" as a damaged video).
pub fn render_or_refuse(file: &Path, segments: &Segments, format: Format, options: &ExportOptions) -> Result<std::result::Result<(String, Vec<Note>), String>> {
    let info = crate::video::probe(file)?;
    let mut o = options.clone();
    o.duration_ms = info.duration_s.map(|d| (d * 1000.0).round() as u64);
    o.fps = info.video.avg_fps;
    o.name = episode_stem(file);
    o.media = Some(file.to_path_buf());
    let mut notes = Vec::new();
    if let Some(duration) = o.duration_ms {
        let clock = |ms: u64| crate::clock::clock(ms as f64 / 1000.0, 3, false);
        for s in segments.segments.iter().filter(|s| s.end_ms > duration + 500) {
            let what = if s.start_ms >= duration { "left out" } else { "cut at the end" };
            notes.push(Note::about(file, format!("{} {} – {} lies past the episode's end ({}): {what}", s.kind.title(), clock(s.start_ms), clock(s.end_ms), clock(duration))));
        }
    }
    // A format's complaint about this episode (its duration unknown, say) names the file.
    match crate::formats::render_with(format, segments, &o) {
        Ok(text) => Ok(Ok((text, notes))),
        Err(Error::Usage(_)) if o.duration_ms.is_none() => Err(Error::input(file, "its duration is unknown (a damaged or truncated file?), and chapters must cover the whole file")),
        Err(Error::Usage(m)) => Ok(Err(m)),
        Err(other) => Err(other),
    }
}

/// Where exports go.
#[derive(Clone, Copy, Debug)]
pub enum Destination<'a> {
    /// `<episode>.<ext>` beside each episode (SIS: one `labels.json` beside the first).
    Beside,
    /// A file (one episode) or a folder (several, or an existing folder).
    Out(&'a Path),
}

/// What an export did: the files written, and per episode what failed.
#[derive(Debug, Default)]
pub struct ExportReport {
    pub written: Vec<PathBuf>,
    pub failures: Vec<Error>,
    pub notes: Vec<Note>,
}

/// Export each (episode, segments) in `format`. An SIS export of several episodes (or any SIS
/// export with `merge_sis`) writes one `labels.json` for the season. One failing episode does not
/// stop the others.
pub fn export_episodes(jobs: &[(PathBuf, Result<Segments>)], format: Format, destination: Destination, options: &ExportOptions, merge_sis: bool) -> ExportReport {
    let many = jobs.len() > 1;
    let mut report = ExportReport::default();
    let mut sis = serde_json::Map::new();
    let mut sis_any = false;
    for (file, segments) in jobs {
        let result = (|| -> Result<Option<PathBuf>> {
            let segments = segments.as_ref().map_err(clone_error)?;
            let merged = format == Format::Sis && (many || merge_sis);
            let name = format!("{}.{}", episode_stem(file), format.extension());
            let target = match destination {
                Destination::Out(o) if many || o.is_dir() => o.join(name),
                Destination::Out(o) => o.to_path_buf(),
                Destination::Beside => file.with_file_name(name),
            };
            let (text, notes) = render_or_refuse(file, segments, format, options)?.map_err(|m| Error::input(if merged { file } else { &target }, m))?;
            report.notes.extend(notes);
            if merged {
                if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(&text) {
                    sis.extend(m);
                }
                return Ok(None);
            }
            if let Destination::Out(o) = destination {
                if many || o.is_dir() {
                    std::fs::create_dir_all(o).map_err(|e| io_error(o, e))?;
                }
            }
            if target == *file {
                return Err(Error::input(file, "refusing to overwrite the episode itself"));
            }
            crate::fsio::write_atomic(&target, |w| w.write_all(text.as_bytes()))?;
            Ok(Some(target))
        })();
        match result {
            Ok(Some(target)) => report.written.push(target),
            Ok(None) => sis_any = true,
            Err(e) => report.failures.push(e),
        }
    }
    if sis_any {
        let target = match destination {
            Destination::Out(o) if o.is_dir() || o.extension().is_none() => o.join("labels.json"),
            Destination::Out(o) => o.to_path_buf(),
            Destination::Beside => jobs[0].0.with_file_name("labels.json"),
        };
        let result = (|| -> Result<()> {
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
            }
            let text = serde_json::to_string_pretty(&serde_json::Value::Object(sis)).map_err(|e| Error::internal(e.to_string()))?;
            crate::fsio::write_atomic(&target, |w| w.write_all(text.as_bytes()))
        })();
        match result {
            Ok(()) => report.written.push(target),
            Err(e) => report.failures.push(e),
        }
    }
    report
}

/// Write a stream copy of each episode with its segments as chapters: into `out` (a file for one
/// episode, else a folder of `<episode>.mkv`). One failing episode does not stop the others.
pub fn remux_episodes(jobs: &[(PathBuf, Result<Segments>)], out: &Path, options: &ExportOptions) -> (Vec<(PathBuf, crate::formats::remux::RemuxReport)>, Vec<Error>) {
    let many = jobs.len() > 1;
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for (file, segments) in jobs {
        let result = (|| {
            let segments = segments.as_ref().map_err(clone_error)?;
            let target = if many || out.is_dir() {
                std::fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
                out.join(format!("{}.mkv", episode_stem(file)))
            } else {
                out.to_path_buf()
            };
            let r = crate::formats::remux::remux(file, segments, &target, options)?;
            Ok((target, r))
        })();
        match result {
            Ok(r) => done.push(r),
            Err(e) => failures.push(e),
        }
    }
    (done, failures)
}

/// Errors are not `Clone`; a job's error is reported once, so its text is enough.
pub fn clone_error(e: &Error) -> Error {
    match e {
        Error::Input { path, message } => Error::Input { path: path.clone(), message: message.clone() },
        Error::Usage(m) => Error::Usage(m.clone()),
        Error::Cancelled => Error::Cancelled,
        Error::Internal(m) => Error::Internal(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::{Kind, Segment, Source};

    #[test]
    fn a_format_refusing_the_segments_names_the_chapter_file_not_the_episode() {
        let media = crate::paths::demo_dir().join("Bunny Tales - S01E01.mp4");
        let dir = tempfile::tempdir().unwrap();
        // An 8 s intro: YouTube wants every chapter 10 s or longer.
        let short = Segments { segments: vec![Segment { kind: Kind::Intro, start_ms: 2_000, end_ms: 10_000, source: Source::HumanEdited, confidence: None }], ..Segments::default() };
        let jobs = vec![(media.clone(), Ok(short))];
        let report = export_episodes(&jobs, Format::Youtube, Destination::Out(dir.path()), &ExportOptions::default(), false);
        assert!(report.written.is_empty());
        let said: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        let target = dir.path().join("Bunny Tales - S01E01.youtube.txt");
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with(&format!("{}: YouTube chapters must last at least 10 s", target.display())), "{said:?}");
        // A file that cannot be read is still the episode's fault, named as such.
        let bad = dir.path().join("Bunny Tales - S01E02.mp4");
        std::fs::write(&bad, b"not a video").unwrap();
        let report = export_episodes(&[(bad.clone(), Ok(Segments::default()))], Format::Youtube, Destination::Out(dir.path()), &ExportOptions::default(), false);
        assert!(report.failures[0].to_string().starts_with(&bad.display().to_string()), "{:?}", report.failures);
    }
}
