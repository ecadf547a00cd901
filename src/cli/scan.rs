//! `scan` (a library, season by season, with a progress bar or JSON lines) and `bench scan`.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub(super) fn bench_scan(episodes: usize, window: u32) -> Result<()> {
    let demo = crate::paths::demo_dir();
    let sources: Vec<PathBuf> = crate::paths::media_files_in(&demo).map_err(|e| crate::error::io_error(&demo, e))?;
    if sources.is_empty() {
        return Err(Error::Usage(format!("the demo series is not built yet ({}): run scripts/build-demo.sh", demo.display())));
    }
    // Fresh copies each run (new modification times): nothing is in the embedding cache.
    let library = crate::paths::cache_dir().join("bench").join("scan-library");
    let _ = std::fs::remove_dir_all(&library);
    for i in 0..episodes {
        let (show, ep) = (i / 10 + 1, i % 10 + 1);
        let dir = library.join(format!("Show {show:03}")).join("Season 01");
        std::fs::create_dir_all(&dir).map_err(|e| crate::error::io_error(&dir, e))?;
        let to = dir.join(format!("Show {show:03} - S01E{ep:02}.mp4"));
        std::fs::copy(&sources[i % sources.len()], &to).map_err(|e| crate::error::io_error(&to, e))?;
    }
    let mut encoder = crate::encoder::default_encoder();
    let model = crate::model::load_model(None, encoder.as_ref())?;
    let options = crate::service::scan::ScanOptions { window_s: window, tail: Default::default(), handoffs: vec![crate::service::scan::Handoff::Kodi], out: None, dry_run: false, shard: None, force: false, seasons: Vec::new(), in_place: false };
    let first = crate::service::scan::scan(&library, &options, encoder.as_mut(), &model, &mut |_, _, _| {})?;
    let again = crate::service::scan::scan(&library, &options, encoder.as_mut(), &model, &mut |_, _, _| {})?;
    let per_minute = first.episodes as f64 / (first.seconds / 60.0);
    println!("library: {} episodes of {} s ({} seasons), window {window} s, embedded encoder, Kodi hand-off", first.episodes, 120, first.seasons);
    println!("first scan   {:>8.1} s   {:>7.1} episodes/min   (judged {}, failed {})", first.seconds, per_minute, first.judged, first.failed.len());
    println!("rescan       {:>8.3} s   {:>7.2} % of the first scan   (unchanged {})", again.seconds, 100.0 * again.seconds / first.seconds, again.unchanged);
    println!("at this rate 50,000 episodes take {:.1} h on this machine per scan from scratch", 50_000.0 / per_minute / 60.0);
    let _ = std::fs::remove_dir_all(&library);
    Ok(())
}

pub(super) fn scan(library: &Path, options: &crate::service::scan::ScanOptions, json: bool, model: Option<&Path>) -> Result<()> {
    use crate::service::scan::Outcome;
    use std::io::IsTerminal;
    let json = json || !std::io::stdout().is_terminal();
    let mut encoder = crate::encoder::default_encoder();
    let model = crate::model::load_model(model, encoder.as_ref())?;
    // The bar counts seasons (the unit of work); its message names the one just done.
    let bar = (!json).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} seasons · {elapsed} · ETA {eta} · {msg}").expect("a valid template"));
        bar
    });
    // Sidecars that went to the data dir (the library's folders cannot be written): said in
    // the summary, not only in the JSON's lists.
    let labels_dir = crate::segments::labels_dir();
    let mut elsewhere = 0usize;
    let mut progress = |done: &crate::service::scan::SeasonDone, at: usize, total: usize| {
        elsewhere += done.written.iter().filter(|p| p.starts_with(&labels_dir)).count();
        if json {
            println!("{}", serde_json::json!({"season": done.season, "episodes": done.episodes.iter().map(|(p, o)| serde_json::json!({"file": p, "outcome": o})).collect::<Vec<_>>(), "written": done.written, "moved": done.moved.iter().map(|(from, to)| serde_json::json!({"labels_were": from, "now_of": to})).collect::<Vec<_>>(), "removed": done.removed, "warnings": done.warnings.iter().map(|(file, what)| serde_json::json!({"file": file, "warning": what})).collect::<Vec<_>>(), "seconds": done.seconds, "at": at, "of": total}));
        } else if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(at as u64);
            bar.set_message(crate::error::printable(&done.season).into_owned());
            for (from, to) in &done.moved {
                bar.println(format!("{}: the labels saved as {} follow it (renamed, or a new release of it)", crate::error::printable(&to.display().to_string()), crate::error::printable(&from.file_name().unwrap_or_default().to_string_lossy())));
            }
            for (file, what) in &done.warnings {
                bar.println(format!("introskip: warning: {}: {}", crate::error::printable(&file.display().to_string()), crate::error::printable(what)));
            }
            // Each episode to look at, by name, as it is done: a summary's "2 uncertain" does
            // not say which (an outside trial).
            for (file, outcome) in &done.episodes {
                let shown = file.display().to_string();
                match outcome {
                    Outcome::Failed { reason } => {
                        let reason = reason.strip_prefix(&format!("{shown}: ")).unwrap_or(reason);
                        bar.println(format!("introskip: {}: {}", crate::error::printable(&shown), crate::error::printable(reason)));
                    }
                    Outcome::Judged { intro, confidence, uncertain: true } => {
                        let what = match (intro, confidence) {
                            (Some((a, b)), Some(c)) => format!("intro {} – {} (confidence {c:.2})", crate::clock::clock(*a, 1, true), crate::clock::clock(*b, 1, true)),
                            _ => "its credits".into(),
                        };
                        bar.println(format!("{}: uncertain, check {what} in the app", crate::error::printable(&shown)));
                    }
                    _ => {}
                }
            }
        }
    };
    let streams = options.handoffs.iter().any(|h| !matches!(h, crate::service::scan::Handoff::Kodi));
    if let (Some(out), false) = (&options.out, streams) {
        eprintln!("introskip: note: --out {}: only stream copies (--handoff jellyfin, mpv or emby) go there, and none is asked for", out.display());
    }
    let report = crate::service::scan::scan(library, options, encoder.as_mut(), &model, &mut progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if report.seasons == 0 {
        return Err(Error::input(library, "no video files here: nothing to scan"));
    }
    if json {
        println!("{}", serde_json::json!({"summary": report}));
    } else {
        let shards = if report.other_shards > 0 { format!(" ({} in other shards)", report.other_shards) } else { String::new() };
        let verb = if options.dry_run { "would judge" } else { "judged" };
        let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
        println!("{}{shards}, {} episodes: {verb} {}, unchanged {}", plural(report.seasons, "season"), report.episodes, if options.dry_run { report.episodes - report.unchanged - report.handed_off } else { report.judged }, report.unchanged);
        if report.handed_off > 0 {
            let verb = if options.dry_run { "would be written" } else { "written" };
            println!("hand-offs {verb} from the saved labels of {} (other hand-offs asked for, or labels edited in the app): not judged again", crate::words::count(report.handed_off, "episode", "episodes"));
        }
        if !options.dry_run && (report.judged > 0 || !report.failed.is_empty()) {
            println!("intro found in {}, {} uncertain (an intro or credits to check in the app), human labels kept in {}, failed {}; {} files written in {:.1} s", report.found, report.uncertain, report.human, report.failed.len(), report.written, report.seconds);
            if report.moved > 0 {
                println!("labels followed {} renamed episode{}", report.moved, if report.moved == 1 { "" } else { "s" });
            }
            if elsewhere > 0 {
                println!("{} saved in {}: the library's folders cannot be written (the app finds them there)", crate::words::count(elsewhere, "sidecar", "sidecars"), labels_dir.display());
            }
            if report.removed > 0 {
                println!("{} hand-off file{} removed with the episodes they were for (deleted or renamed)", report.removed, if report.removed == 1 { "" } else { "s" });
            }
        }
    }
    // Failures on stderr in either mode (the JSON lines carry them too).
    for (file, reason) in &report.failed {
        // Most reasons already begin with the file (an input error names it): said once.
        let shown = file.display().to_string();
        let reason = reason.strip_prefix(&format!("{shown}: ")).unwrap_or(reason);
        eprintln!("introskip: failed: {}: {}", crate::error::printable(&shown), crate::error::printable(reason));
    }
    // Exit 1 when any episode failed, so job arrays and CI notice.
    if !report.failed.is_empty() {
        return Err(Error::Usage(format!("{} of {} episodes failed (see above)", report.failed.len(), report.episodes)));
    }
    Ok(())
}
