//! The headless command line: argument parsing and printing for the use cases in
//! [`crate::service`]. It never starts the app (`main.rs` chooses between them) and holds no
//! logic the app also needs.

use crate::error::{io_error, Error, Result};
use crate::image_ops::PreprocessSpec;
use crate::video::{self, SamplerConfig, Strategy};
use ndarray_npy::WriteNpyExt;
use std::io::Write;
use std::path::{Path, PathBuf};

mod args;
mod lab;
mod scan;
mod search;
pub use args::{BenchCommand, Cli, Command};
use lab::{baseline, bench_detect, bench_pipeline, eval, train_model};
use scan::{bench_scan, scan};
use search::{bench_search, duplicates, search};

/// Process-wide behaviour of the command line, set before anything runs:
/// - a panic is a bug: one line naming it, exit status 2 (documented), never Rust's 101 — on
///   the main thread; on a worker thread (a sampler, the sound, a keyframe reader) the line is
///   said and the panic goes on to the thread's owner, which fails that one file with an
///   internal error, so one bad file does not end a `scan` of a thousand;
/// - a closed pipe (`introskip probe x --json | head -c0`) ends the program quietly, as
///   command-line tools do, instead of panicking in `println!`.
pub fn install_process_handlers() {
    std::panic::set_hook(Box::new(|info| {
        let what = info.payload().downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| info.payload().downcast_ref::<String>().cloned()).unwrap_or_default();
        if what.contains("Broken pipe") {
            std::process::exit(0);
        }
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let thread = std::thread::current();
        match thread.name() {
            Some("main") => {
                eprintln!("introskip: internal error: {what}{at} (a bug: please report it with the command you ran)");
                std::process::exit(2);
            }
            name => eprintln!("introskip: internal error in the {} thread: {what}{at} (a bug: please report it with the command you ran)", name.unwrap_or("worker")),
        }
    }));
    // SAFETY: called at start-up before other threads exist; restores the default disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Run a subcommand and return the process exit code (errors printed as one line).
pub fn main(command: Command) -> i32 {
    match run(command) {
        Ok(()) => 0,
        Err(Error::Cancelled) => 1,
        Err(e) => {
            eprintln!("introskip: error: {e}");
            e.exit_code()
        }
    }
}

/// Print a non-fatal note.
fn note(n: &crate::service::Note) {
    eprintln!("introskip: note: {n}");
}

/// Report each failure of a batch on its own line and turn them into the run's result: the first
/// error itself when it was the only episode, else a summary.
fn batch_result(failures: Vec<Error>, total: usize) -> Result<()> {
    let count = failures.len();
    if count == 0 {
        return Ok(());
    }
    if total == 1 && count == 1 {
        if let Some(only) = failures.into_iter().next() {
            return Err(only);
        }
        return Ok(());
    }
    for e in &failures {
        eprintln!("introskip: error: {e}");
    }
    Err(Error::Usage(format!("{count} of {total} episodes failed (see above)")))
}

pub fn run(command: Command) -> Result<()> {
    // `--window`, checked before anything is read: a window past what analysis takes would
    // allocate its sound buffer whole (16 kHz × seconds) first.
    if let Command::Sample { window, .. }
    | Command::Embed { window, .. }
    | Command::Eval { window, .. }
    | Command::Baseline { window, .. }
    | Command::Search { window, .. }
    | Command::Duplicates { window, .. }
    | Command::Scenes { window, .. }
    | Command::Repeats { window, .. }
    | Command::Scan { window, .. }
    | Command::Detect { window, .. }
    | Command::Train { window, .. } = &command
    {
        crate::service::check_window(*window)?;
    }
    if let (_, Some(warning)) = crate::settings::Settings::load_checked() {
        eprintln!("introskip: warning: {warning}");
    }
    match command {
        Command::Probe { files, json } => probe(&files, json),
        Command::Sample { files, window, out, size, strategy, threads, exact, json } => {
            sample(&files, window, out.as_deref(), SampleOptions { size, strategy, threads, exact }, json)
        }
        Command::Bench { what: BenchCommand::Sample { file, runs, window, encoders, json } } => {
            crate::lab::bench::bench_sample(&file, runs, window, encoders, json)
        }
        Command::Bench { what: BenchCommand::Encode { file, window, clip } } => crate::lab::bench::bench_encode(file, window, clip),
        Command::Bench { what: BenchCommand::Detect { mut media, window, model, credits } } => {
            if credits {
                media.push(crate::lab::bench::x264_credits_episode()?);
            }
            bench_detect(&media, window, model.as_deref())
        }
        Command::Bench { what: BenchCommand::Pipeline { file, window, runs } } => bench_pipeline(file.as_deref(), window, runs),
        Command::Bench { what: BenchCommand::Scan { episodes, window } } => bench_scan(episodes, window),
        Command::Bench { what: BenchCommand::Search { seconds } } => bench_search(seconds),
        Command::Eval { truth, pred, window, json, plots } => eval(&truth, &pred, window as usize, json, plots.as_deref()),
        Command::Baseline { season, out, window } => baseline(&season, &out, window),
        Command::Repeats { media, window } => repeats(&media, window),
        // clap lets --text and --ocr come with neither --frame nor --image.
        Command::Search { ocr: Some(words), media, top, window, json, .. } => search::search_ocr(&words, &media, top, window, json),
        Command::Search { text: Some(text), clip_weights, media, min_similarity, top, window, json, .. } => {
            search::search_text(&text, clip_weights.as_deref(), &media, min_similarity, top, window, json)
        }
        Command::Search { frame, image, media, min_similarity, top, window, json, index, .. } => {
            search(frame.as_deref(), image, &media, min_similarity.unwrap_or(crate::features::channels::REPEAT), top, window, json, index)
        }
        Command::Duplicates { media, min_share, window, json } => duplicates(&media, min_share, window, json),
        Command::Scenes { media, min_similarity, sheet, window, json } => search::scenes(&media, min_similarity, sheet.as_deref(), window, json),
        Command::Export { media, format, segments, out, titles, edl_action, timeline_start } => {
            let options = crate::formats::ExportOptions { titles, edl_action, timeline_start, ..Default::default() };
            export(&media, format, segments.as_deref(), out.as_deref(), &options)
        }
        Command::Remux { media, out, segments, titles } => remux(&media, &out, segments.as_deref(), titles),
        Command::Scan { library, handoffs, out, window, tail, dry_run, force, shard, seasons, in_place, json, model } => {
            let options = crate::service::scan::ScanOptions { window_s: window, tail, handoffs, out, dry_run, shard, force, seasons, in_place };
            scan(&library, &options, json, model.as_deref())
        }
        Command::Detect { media, window, model, clip_weights, out, json, single, no_snap, snap, tail } => {
            let snap = if no_snap { crate::model::snap::Reach::OFF } else { snap };
            let options = crate::service::detect::JudgeOptions { single, snap, tail, window_s: window, neighbours: crate::service::detect::LONE_CONTEXT, provisional: false };
            detect(&media, window, model.as_deref(), clip_weights.as_deref(), out.as_deref(), json, options)
        }
        Command::Train { train, dev, out, encoder, clip_weights, epochs, seed, window, members, shared_story } => {
            train_model(&train, &dev, &out, &encoder, clip_weights.as_deref(), epochs, seed, window, members, shared_story)
        }
        Command::Embed { files, window, out, no_cache, clip_weights, json } => {
            embed(&files, window, out.as_deref(), no_cache, clip_weights.as_deref(), json)
        }
    }
}


/// Episodes from the arguments; when nothing is left to work on, the arguments' errors are the
/// answer (the first of them alone when there is one).
fn media_arguments(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Error>)> {
    let (media, failures) = crate::service::episodes_from(inputs);
    if media.is_empty() {
        return Err(batch_result(failures, inputs.len()).err().unwrap_or_else(|| Error::Usage("no episodes given".into())));
    }
    Ok((media, failures))
}

#[allow(clippy::too_many_arguments)]
fn detect(inputs: &[PathBuf], window: u32, model: Option<&Path>, clip_weights: Option<&Path>, out: Option<&Path>, json: bool, options: crate::service::detect::JudgeOptions) -> Result<()> {
    let (media, mut failures) = media_arguments(inputs)?;
    let total = media.len() + failures.len();
    let mut encoder = crate::encoder::encoder_for(clip_weights)?;
    let model = crate::model::load_model(model, encoder.as_ref())?;
    let single = options.single;
    let run = crate::service::detect::detect(&media, window, encoder.as_mut(), &model, options, out)?;
    run.notes.iter().for_each(note);
    if json {
        let all: Vec<_> = run.predictions.iter().map(|(_, _, p)| p).collect();
        println!("{}", serde_json::to_string_pretty(&all).map_err(|e| Error::internal(e.to_string()))?);
    } else {
        for (_, judged, p) in &run.predictions {
            let d = &judged.detection;
            let by = |list: &[crate::model::Evidence]| list.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("+");
            let what = if d.intros.is_empty() {
                "no intro found".to_string()
            } else {
                d.intros
                    .iter()
                    .map(|s| {
                        let repeats = if s.repeats_in > 0 { format!("; plays in {}", crate::words::count(s.repeats_in, "other episode", "other episodes")) } else { String::new() };
                        let doubt = if s.confidence < crate::service::detect::UNCERTAIN { " — uncertain, check it" } else { "" };
                        format!("intro {} – {} (confidence {:.2}; start by {}, end by {}{repeats}){doubt}", clock(s.start), clock(s.end), s.confidence, by(&s.start_by), by(&s.end_by))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let recap = d.recaps.iter().map(|s| format!("; recap {} – {} (confidence {:.2})", clock(s.start), clock(s.end), s.confidence)).collect::<String>();
            let tail = judged.tail.as_ref().map_or(String::new(), |t| {
                let f = &t.found;
                match &f.credits {
                    None => format!("; no credits in the last {}", clock(f64::from(t.len_s))),
                    Some(c) => {
                        // Split credits in order, with the scene between them.
                        let mut parts: Vec<&crate::model::DetectedSegment> = std::iter::once(c).chain(&f.more_credits).collect();
                        parts.sort_by(|a, b| a.start.total_cmp(&b.start));
                        let mut s = format!("; credits {} – {} (confidence {:.2})", clock(parts[0].start), clock(parts[0].end), parts[0].confidence);
                        for k in 1..parts.len() {
                            let (prev, part) = (parts[k - 1], parts[k]);
                            if let Some((a, b)) = f.between.iter().find(|(a, b)| *a >= prev.end - 0.01 && *b <= part.start + 0.01) {
                                s += &format!(", story between the credits {} – {} (not skipped)", clock(*a), clock(*b));
                            }
                            s += &format!(", credits again {} – {} (confidence {:.2})", clock(part.start), clock(part.end), part.confidence);
                        }
                        if let Some(p) = &f.preview {
                            s += &format!(", preview {} – {} (confidence {:.2})", clock(p.start), clock(p.end), p.confidence);
                        }
                        if let Some((a, b)) = f.after_credits {
                            s += &format!(", story after the credits {} – {} (not skipped)", clock(a), clock(b));
                        }
                        s
                    }
                }
            });
            // Said of the intro, right after it: the season is what checks an intro.
            let alone = if judged.season_episodes == 1 && !single { " (judged alone: no other readable episode of its series beside it; name its other episodes for an intro checked against them)" } else { "" };
            println!("{}: {what}{alone}{recap}{tail}", crate::error::printable(&p.episode));
        }
    }
    failures.extend(run.failures);
    batch_result(failures, total)
}

/// A path as the terminal should show it: control characters escaped (a file name can hold an
/// escape sequence), as every error line shows it.
fn shown(path: &Path) -> String {
    crate::error::printable(&path.display().to_string()).into_owned()
}

/// The result lines' times as the notes, the search and players show them: hours only from
/// an hour on ("1:32.5", "1:02:03.0").
fn clock(seconds: f64) -> String {
    crate::clock::clock(seconds, 1, true)
}

/// Whether the arguments name one file (not a folder): the one-file forms of the output then,
/// whatever a folder turns out to hold, so that a script can tell which it gets from its own
/// command line.
fn one_file(inputs: &[PathBuf]) -> bool {
    inputs.len() == 1 && !inputs[0].is_dir()
}

/// Probe each file (a season folder: each episode in it). One file, `--json`: its object; else
/// an array of those that could be read (empty if none), each failure named on its own line.
fn probe(inputs: &[PathBuf], json: bool) -> Result<()> {
    let single = one_file(inputs);
    let (media, mut failures) = match media_arguments(inputs) {
        Ok(found) => found,
        // Nothing readable among several: still an (empty) array for the script.
        Err(e) if json && !single => {
            println!("[]");
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let total = media.len() + failures.len();
    let mut found = Vec::new();
    for file in &media {
        match video::probe(file) {
            Ok(info) if json => found.push(info),
            Ok(info) => print_probe(&info),
            Err(e) => failures.push(e),
        }
    }
    if json && (!single || !found.is_empty()) {
        let doc = if single { serde_json::to_string_pretty(&found[0]) } else { serde_json::to_string_pretty(&found) };
        println!("{}", doc.map_err(|e| Error::internal(e.to_string()))?);
    }
    batch_result(failures, total)
}

fn print_probe(info: &video::MediaInfo) {
    let v = &info.video;
    println!("{}", shown(&info.path));
    println!("  container   {}  duration {}  start {:.3} s  chapters {}", info.container,
        info.duration_s.map_or("unknown".into(), |d| format!("{d:.3} s")), info.start_s, info.chapters);
    println!("  video #{}   {} {}  {}x{} (shown {}x{}, SAR {}:{}, rotation {}°)", v.index, v.codec, v.pixel_format,
        v.width, v.height, v.display_width, v.display_height, v.sample_aspect.0, v.sample_aspect.1, v.rotation);
    println!("  frame rate  {}  time base {}/{}  keyframes every {}",
        v.avg_fps.map_or("unknown".into(), |f| format!("{f:.3} fps")), v.time_base.0, v.time_base.1,
        v.keyframe_interval_s.map_or("? (no index)".into(), |k| format!("{k:.2} s")));
    for s in &info.streams {
        let extra = match (s.sample_rate, s.channels) {
            (Some(r), Some(c)) => format!(" {r} Hz, {c} ch"),
            _ => String::new(),
        };
        println!("  stream #{} {} {}{}{}", s.index, s.kind, s.codec, extra,
            s.language.as_ref().map_or(String::new(), |l| format!(" [{l}]")));
    }
}

/// How `sample` decodes: the encoder input size and the sampler's knobs.
struct SampleOptions {
    size: u32,
    strategy: Strategy,
    threads: usize,
    exact: bool,
}

/// Sample each file; with `--out` and a folder or several files, each writes into a folder named
/// after it.
fn sample(inputs: &[PathBuf], window: u32, out: Option<&Path>, options: SampleOptions, json: bool) -> Result<()> {
    if window == 0 {
        return Err(Error::Usage("--window must be at least 1 second".into()));
    }
    let (media, mut failures) = media_arguments(inputs)?;
    let total = media.len() + failures.len();
    let folders: Vec<Option<PathBuf>> = match out {
        None => vec![None; media.len()],
        Some(dir) if one_file(inputs) => vec![Some(dir.to_path_buf()); media.len()],
        Some(dir) => {
            let stems: Vec<String> = media.iter().map(|f| crate::service::episode_stem(f)).collect();
            if let Some((a, b)) = stems.iter().enumerate().find_map(|(i, s)| stems[..i].iter().position(|t| t == s).map(|j| (j, i))) {
                return Err(Error::Usage(format!(
                    "sample --out: {} and {} would both write into {}: sample them one at a time",
                    shown(&media[a]),
                    shown(&media[b]),
                    shown(&dir.join(&stems[a]))
                )));
            }
            stems.iter().map(|s| Some(dir.join(s))).collect()
        }
    };
    for (file, folder) in media.iter().zip(&folders) {
        if let Err(e) = sample_one(file, window, folder.as_deref(), &options, json) {
            // One bad file does not stop the others: reported at the end, each once.
            failures.push(e);
        }
    }
    batch_result(failures, total)
}

fn sample_one(file: &Path, window: u32, out: Option<&Path>, options: &SampleOptions, json: bool) -> Result<()> {
    let size = options.size;
    let config = SamplerConfig {
        window_s: window,
        preprocess: out.map(|_| PreprocessSpec::clip(size)),
        strategy: options.strategy,
        threads: options.threads,
        exact: options.exact,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let (samples, report) = video::sample_all(file, &config)?;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let sheet = contact_sheet(&samples, 10);
        crate::fsio::write_atomic(&dir.join("contact.png"), |w| {
            let mut png = std::io::Cursor::new(Vec::new());
            sheet.write_to(&mut png, image::ImageFormat::Png).map_err(std::io::Error::other)?;
            w.write_all(png.get_ref())
        })?;
        crate::fsio::write_atomic(&dir.join("frames.npy"), |w| write_npy(w, &samples, size))?;
        let times: Vec<_> = samples.iter().map(|s| serde_json::json!({"second": s.second, "frame_time_s": s.frame_time_s})).collect();
        let doc = serde_json::json!({"report": report, "samples": times});
        crate::fsio::write_atomic(&dir.join("samples.json"), |w| serde_json::to_writer_pretty(w, &doc).map_err(std::io::Error::other))?;
    }
    if json {
        let times: Vec<_> = samples.iter().map(|s| serde_json::json!({"second": s.second, "frame_time_s": s.frame_time_s})).collect();
        println!("{}", serde_json::json!({"file": file.to_string_lossy(), "report": report, "elapsed_s": elapsed, "samples": times}));
    } else {
        println!("{}: {} samples in {:.2} s ({} seeks, {} packets sent, {} frames decoded)",
            shown(file), report.samples, elapsed, report.seeks, report.packets_decoded, report.frames_decoded);
        if let Some(dir) = out {
            println!("wrote {}/contact.png, frames.npy, samples.json", shown(dir));
        }
    }
    if let Some(note) = &report.note {
        eprintln!("introskip: note: {}: {}", shown(file), crate::error::printable(note));
    }
    Ok(())
}

fn embed(files: &[PathBuf], window: u32, out: Option<&Path>, no_cache: bool, clip_weights: Option<&Path>, json: bool) -> Result<()> {
    if window == 0 {
        return Err(Error::Usage("--window must be at least 1 second".into()));
    }
    let mut encoder = crate::encoder::encoder_for(clip_weights)?;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    }
    let mut failures = Vec::new();
    for file in files {
        let started = std::time::Instant::now();
        let result = crate::features::embed_episode(file, window, encoder.as_mut(), !no_cache, &mut |_| true);
        let (features, cached) = match result {
            Ok(r) => r,
            Err(e) => {
                // One bad episode does not stop a season: reported at the end, each once.
                failures.push(e);
                continue;
            }
        };
        let elapsed = started.elapsed().as_secs_f64();
        if let Some(dir) = out {
            let stem = file.file_stem().map_or("episode".into(), |s| s.to_string_lossy().into_owned());
            let path = dir.join(format!("{stem}.npy"));
            crate::fsio::write_atomic(&path, |w| features.embeddings.write_npy(w).map_err(std::io::Error::other))?;
            // The sound features beside them: one row per second of the window.
            crate::fsio::write_atomic(&dir.join(format!("{stem}.sound.npy")), |w| features.audio.write_npy(w).map_err(std::io::Error::other))?;
        }
        if json {
            println!("{}", serde_json::json!({
                "file": file.to_string_lossy(), "encoder": encoder.id(), "encoder_version": encoder.version(), "dim": features.dim(),
                "samples": features.seconds.len(), "cached": cached, "elapsed_s": elapsed, "note": features.note,
            }));
        } else {
            println!("{}: {} × {} ({} {}) in {:.2} s{}", shown(file), features.seconds.len(), features.dim(),
                encoder.id(), encoder.version(), elapsed, if cached { " from cache" } else { "" });
        }
    }
    batch_result(failures, files.len())
}

/// Episodes with nothing saved are found as `detect` finds them (the embedded encoder, or the
/// CLIP weights chosen in the app; the shipped model; the default window and tail).
fn find_unlabelled(files: &[PathBuf]) -> Result<crate::service::detect::DetectRun> {
    let mut encoder = crate::encoder::encoder_for(None)?;
    let model = crate::model::load_model(None, encoder.as_ref())?;
    let options = crate::service::detect::JudgeOptions { neighbours: crate::service::detect::LONE_CONTEXT, ..crate::service::detect::JudgeOptions::season() };
    crate::service::detect::detect(files, crate::video::DEFAULT_WINDOW_S, encoder.as_mut(), &model, options, None)
}

fn export(inputs: &[PathBuf], format: crate::formats::Format, segments: Option<&Path>, out: Option<&Path>, options: &crate::formats::ExportOptions) -> Result<()> {
    use crate::service::export::{export_episodes, segments_or_found, Destination};
    let (media, mut failures) = media_arguments(inputs)?;
    let total = media.len() + failures.len();
    if media.len() > 1 && segments.is_some_and(|s| s.is_file()) {
        return Err(Error::Usage("one --segments file for several episodes: give a folder of <episode>.*.json instead".into()));
    }
    // `-o -`: the one episode's file on standard output, as other tools take "-" (an outside
    // trial got a file named "-").
    let to_stdout = out.is_some_and(|o| o == Path::new("-"));
    if to_stdout && media.len() + failures.len() != 1 {
        return Err(Error::Usage(format!("--out - writes one episode to standard output, and {} are given: give a folder for them", crate::words::count(total, "episode", "episodes"))));
    }
    let (jobs, found_notes) = segments_or_found(&media, segments, &mut find_unlabelled);
    found_notes.iter().for_each(note);
    if to_stdout {
        if let Some((file, labels)) = jobs.first() {
            let labels = labels.as_ref().map_err(crate::service::export::clone_error)?;
            // The format's refusal is about what was to be written, not the episode.
            let (text, notes) = crate::service::export::render_or_refuse(file, labels, format, options)?.map_err(|m| Error::input(Path::new("standard output"), format!("nothing written for {}: {m}", file.display())))?;
            notes.iter().for_each(note);
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
        }
        return batch_result(failures, total);
    }
    let destination = out.map_or(Destination::Beside, Destination::Out);
    let report = export_episodes(&jobs, format, destination, options, false);
    report.notes.iter().for_each(note);
    for target in &report.written {
        println!("{}", shown(target));
    }
    failures.extend(report.failures);
    batch_result(failures, total)
}

fn remux(inputs: &[PathBuf], out: &Path, segments: Option<&Path>, titles: Vec<(crate::segments::Kind, String)>) -> Result<()> {
    use crate::service::export::{remux_episodes, segments_or_found};
    let (media, mut failures) = media_arguments(inputs)?;
    let total = media.len() + failures.len();
    if media.len() > 1 && segments.is_some_and(|s| s.is_file()) {
        return Err(Error::Usage("one --segments file for several episodes: give a folder of <episode>.*.json instead".into()));
    }
    // `--out x.mkv` for a season would become a folder named like a file.
    let names_a_file = out.extension().and_then(|e| e.to_str()).is_some_and(|e| ["mkv", "mp4", "mov", "m4v"].contains(&e.to_ascii_lowercase().as_str()));
    if media.len() > 1 && names_a_file && !out.is_dir() {
        return Err(Error::Usage(format!("--out {} names one file, but {} are given: give a folder to write their copies into", out.display(), crate::words::count(media.len(), "episode", "episodes"))));
    }
    let options = crate::formats::ExportOptions { titles, ..Default::default() };
    let (jobs, found_notes) = segments_or_found(&media, segments, &mut find_unlabelled);
    found_notes.iter().for_each(note);
    let (done, remux_failures) = remux_episodes(&jobs, out, &options);
    failures.extend(remux_failures);
    for (target, r) in &done {
        println!("{}: {} streams, {} chapters, {} packets copied", shown(target), r.streams, r.chapters, r.packets);
    }
    batch_result(failures, total)
}


fn repeats(inputs: &[PathBuf], window: u32) -> Result<()> {
    let (media, mut failures) = media_arguments(inputs)?;
    let mut encoder = crate::encoder::default_encoder();
    let mut analysed = Vec::new();
    for file in &media {
        match crate::features::embed_episode(file, window, encoder.as_mut(), true, &mut |_| true) {
            Ok((features, _)) => analysed.push((file.clone(), features)),
            Err(e) => failures.push(e),
        }
    }
    let mut memory = crate::service::detect::JudgeMemory::default();
    let seasons = crate::paths::seasons(&analysed.iter().map(|(f, _)| f.as_path()).collect::<Vec<_>>());
    let t = |s: f64| crate::clock::clock(s, 1, true);
    for members in seasons {
        let features: Vec<&crate::features::EpisodeFeatures> = members.iter().map(|&i| &analysed[i].1).collect();
        // As `detect` weighs them: an intro one window cuts off is heard on past it.
        let files: Vec<&Path> = members.iter().map(|&i| analysed[i].0.as_path()).collect();
        let further = crate::service::detect::heard_further(&files, &features, window, &mut memory);
        let features = crate::service::detect::heard(&features, &further);
        let found = crate::features::align::season_repeats(&features, &mut memory.pairs);
        for (&i, list) in members.iter().zip(found) {
            let name = crate::service::episode_stem(&analysed[i].0);
            if list.is_empty() {
                println!("{}: nothing repeats in the other {} of its season", crate::error::printable(&name), crate::words::count(members.len() - 1, "episode", "episodes"));
            }
            for r in list {
                let by = match (r.sound, r.picture) {
                    (true, true) => "sound+picture",
                    (true, false) => "sound",
                    _ => "picture",
                };
                // Where each partner plays it: its sound and picture matches of one place are
                // one place (overlapping spans joined), listed once.
                let mut places: Vec<(usize, f64, f64)> = Vec::new();
                for &(j, a, b) in &r.elsewhere {
                    match places.iter_mut().find(|(k, x, y)| *k == j && a < *y && b > *x) {
                        Some(p) => (p.1, p.2) = (p.1.min(a), p.2.max(b)),
                        None => places.push((j, a, b)),
                    }
                }
                places.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
                let elsewhere: Vec<String> = places.iter().map(|(j, a, b)| format!("{} {}–{}", crate::service::episode_stem(&analysed[members[*j]].0), t(*a), t(*b))).collect();
                let edge = |by: crate::features::align::By| match by {
                    crate::features::align::By::Sound => "sound",
                    crate::features::align::By::Picture => "picture",
                };
                println!(
                    "{}: {}–{} ({:.1} s) by {by}, start placed by {}, end by {}; plays in {}: {}",
                    crate::error::printable(&name),
                    t(r.start),
                    t(r.end),
                    r.len(),
                    edge(r.start_by),
                    edge(r.end_by),
                    crate::words::count(r.partners.len(), "other episode", "other episodes"),
                    crate::error::printable(&elsewhere.join(", "))
                );
            }
        }
    }
    batch_result(failures, media.len())
}

/// Thumbnails in a grid, `columns` per row, 2 px apart on dark grey.
pub fn contact_sheet(samples: &[video::Sample], columns: usize) -> image::RgbImage {
    let (tw, th) = samples.first().map_or((1, 1), |s| (s.thumbnail.width(), s.thumbnail.height()));
    let rows = samples.len().div_ceil(columns).max(1);
    let gap = 2;
    let mut sheet = image::RgbImage::from_pixel(
        (columns as u32) * (tw + gap) + gap,
        (rows as u32) * (th + gap) + gap,
        image::Rgb([32, 32, 32]),
    );
    for (i, s) in samples.iter().enumerate() {
        let x = gap + (i % columns) as u32 * (tw + gap);
        let y = gap + (i / columns) as u32 * (th + gap);
        image::imageops::replace(&mut sheet, &s.thumbnail, x as i64, y as i64);
    }
    sheet
}

/// Encoder tensors as `.npy`, shape (N, 3, size, size), float32.
fn write_npy(w: &mut dyn Write, samples: &[video::Sample], size: u32) -> std::io::Result<()> {
    let s = size as usize;
    let mut values = Vec::with_capacity(samples.len() * 3 * s * s);
    for sample in samples {
        values.extend_from_slice(sample.tensor.as_deref().ok_or_else(|| std::io::Error::other("sample without tensor"))?);
    }
    let tensors = ndarray::Array4::from_shape_vec((samples.len(), 3, s, s), values).map_err(std::io::Error::other)?;
    tensors.write_npy(w).map_err(std::io::Error::other)
}
