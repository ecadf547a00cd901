//! The headless command line: argument parsing and printing for the use cases in
//! [`crate::service`]. It never starts the app (`main.rs` chooses between them) and holds no
//! logic the app also needs.

use crate::error::{io_error, Error, Result};
use crate::image_ops::PreprocessSpec;
use crate::video::{self, SamplerConfig, Strategy};
use clap::{Parser, Subcommand};
use ndarray_npy::WriteNpyExt;
use std::io::Write;
use std::path::{Path, PathBuf};

mod lab;
mod scan;
mod search;
use lab::{baseline, bench_detect, eval, train_model};
use scan::{bench_scan, scan};
use search::{bench_search, duplicates, search};

#[derive(Parser, Debug)]
#[command(name = "introskip", version, about = "Find, correct and export the intro of TV-series episodes")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Episode file or season folder to open in the app.
    pub path: Option<PathBuf>,
    /// Open the demo series built by scripts/demo.sh.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print stream facts: container, streams, size, rotation, frame rate, keyframe spacing.
    Probe {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Sample one frame per second and write a contact sheet, the encoder tensors and timestamps.
    Sample {
        file: PathBuf,
        /// Seconds to sample from the start.
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Output folder: contact.png, frames.npy (N×3×S×S float32, CLIP-normalised), samples.json.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Encoder input size (CLIP: 224).
        #[arg(long, default_value_t = 224)]
        size: u32,
        #[arg(long, value_enum, default_value_t = Strategy::Auto)]
        strategy: Strategy,
        /// Decoder threads (0: FFmpeg decides).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Decode exactly: deblock every reference frame, also those no sample shows (for
        /// pixel-accurate work such as CLIP parity; slower on most encodes).
        #[arg(long)]
        exact: bool,
        #[arg(long)]
        json: bool,
    },
    /// Sample and embed episodes (cached); optionally write the embeddings as .npy.
    Embed {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Output folder: <episode>.npy (N×dim float32) and <episode>.sound.npy (seconds × 5: loudness,
        /// sound change before/after, onsets, tonality) per file.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Ignore and do not write the embedding cache.
        #[arg(long)]
        no_cache: bool,
        /// CLIP image-tower weights (OpenAI .pt, open_clip .bin/.safetensors, Hugging Face
        /// safetensors); default: $INTROSKIP_CLIP_WEIGHTS, else the embedded encoder.
        #[arg(long)]
        clip_weights: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Score predictions against truth (our segment JSON or SIS labels.json, files or folders).
    Eval {
        #[arg(long)]
        truth: PathBuf,
        #[arg(long)]
        pred: PathBuf,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        #[arg(long)]
        json: bool,
        /// Also draw one PNG per episode (truth, prediction, intro probability) into this folder.
        #[arg(long)]
        plots: Option<PathBuf>,
    },
    /// The baseline detector on a season folder (or a folder of season folders): the longest run
    /// of seconds that repeat in another episode. Writes <episode>.pred.json per episode into --out.
    Baseline {
        season: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
    },
    /// Where else a shot appears: every place in the given episodes and folders (walked like a
    /// library) whose frame looks like the query's, with time codes and similarity; with
    /// --text, the frames most like a description (CLIP's image–text similarity); with --ocr,
    /// the frames whose on-screen text holds the words (Tesseract).
    Search {
        /// The query frame: EPISODE@TIME (TIME in seconds or HH:MM:SS[.mmm]).
        #[arg(long, conflicts_with_all = ["image", "text", "ocr"])]
        frame: Option<String>,
        /// The query as a still image (PNG or JPEG).
        #[arg(long, conflicts_with_all = ["text", "ocr"])]
        image: Option<PathBuf>,
        /// The query as words ("title card"): one line per shot, most alike first. Needs CLIP
        /// weights with both towers.
        #[arg(long, conflicts_with = "ocr")]
        text: Option<String>,
        /// Words read on screen ("previously on"): every run of seconds whose text holds them
        /// all, one misread letter allowed in words of 5 or more. The text is read once per
        /// episode (seconds that show text only) and cached.
        #[arg(long)]
        ocr: Option<String>,
        /// How --frame and --image search: exact (every second compared), ann (the approximate
        /// index beside the cache, grown with the library), or auto (ann from 200,000 seconds on).
        #[arg(long, value_enum, default_value_t = search::IndexMode::Auto, conflicts_with_all = ["text", "ocr"])]
        index: search::IndexMode,
        /// CLIP weights for --text (a whole model: OpenAI .pt, open_clip or Hugging Face CLIPModel
        /// safetensors); default: $INTROSKIP_CLIP_WEIGHTS, else the app's setting.
        #[arg(long, requires = "text")]
        clip_weights: Option<PathBuf>,
        /// Episodes or folders to search (folders are walked like a library).
        #[arg(required = true)]
        media: Vec<PathBuf>,
        /// Cosine similarity a match must reach (default: the near-copy level alignment uses,
        /// 0.92; with --text none: CLIP's image–text cosines are low whether a frame matches or not).
        #[arg(long)]
        min_similarity: Option<f32>,
        /// At most this many places.
        #[arg(long, default_value_t = 20)]
        top: usize,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        #[arg(long)]
        json: bool,
    },
    /// Files that hold the same episode (another encode, another cut, an extra scene): pairs whose
    /// detection windows each play mostly in the other, with the aligned ranges.
    Duplicates {
        /// Episodes or folders (walked like a library); every pair is compared.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        /// The share of each window the other must hold.
        #[arg(long, default_value_t = 0.6)]
        min_share: f64,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        #[arg(long)]
        json: bool,
    },
    /// The scenes a season returns to (places, set-ups, its intro's shots): its shots clustered by
    /// picture, those found in two or more episodes, with where each plays.
    Scenes {
        /// Episodes or folders (walked like a library; one season is the usual input).
        #[arg(required = true)]
        media: Vec<PathBuf>,
        /// How alike a scene's shots are on average (cosine of the embeddings).
        #[arg(long, default_value_t = 0.85)]
        min_similarity: f32,
        /// Also write a contact sheet: one row per scene, a picture of each occurrence (PNG).
        #[arg(long)]
        sheet: Option<PathBuf>,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        #[arg(long)]
        json: bool,
    },
    /// What each episode shares with the others of its season, found by sound (Chromaprint) and
    /// by picture: the spans season judgement weighs against the model, and where each plays
    /// elsewhere. Explains a season-mode boundary.
    Repeats {
        /// Episode files or season folders.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
    },
    /// Scan a library: group its episodes into seasons, judge each season that changed, write
    /// each episode's sidecar (a human's labels are never touched) and the hand-offs media
    /// servers and players read. A rescan skips what is unchanged.
    Scan {
        /// The library (or a show or season folder).
        library: PathBuf,
        /// What to write for each episode besides its sidecar (repeatable): kodi (EDL beside the
        /// file), jellyfin / mpv / emby (a stream copy with chapters, into --out).
        #[arg(long = "handoff", value_enum)]
        handoffs: Vec<crate::service::scan::Handoff>,
        /// Where stream copies go: a tree mirroring the library.
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// The end of each episode looked at for credits and a preview ("25%", "300", "off").
        #[arg(long, default_value = "25%", value_parser = parse_tail)]
        tail: crate::features::tail::TailSpec,
        /// List what would be judged and what is unchanged; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Judge every season, changed or not.
        #[arg(long)]
        force: bool,
        /// Only this share of the seasons, K/N (1-based): e.g. a job array's index.
        #[arg(long, value_parser = crate::service::scan::parse_shard)]
        shard: Option<(u32, u32)>,
        /// Only this season (repeatable), by the key `--dry-run --json` lists: one unit of work
        /// for a scheduler (scale/ray_scan.py).
        #[arg(long = "season")]
        seasons: Vec<String>,
        /// Replace each episode with its copy carrying the chapters (one of jellyfin, mpv or
        /// emby; same container; atomic rename), keeping the first original as
        /// `<file>.introskip-backup`.
        #[arg(long)]
        in_place: bool,
        /// JSON lines (one per season, then the summary) instead of a progress bar; the default
        /// when stdout is not a terminal.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Write segments for episodes as chapters or markers other tools read.
    Export {
        /// Episode files or season folders.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        #[arg(long, value_enum)]
        format: crate::formats::Format,
        /// Segments: any format introskip reads (our JSON, SIS labels, FFMETADATA, Matroska XML,
        /// WebVTT, EDL) or a media file whose chapters to import, for one episode; or a folder of
        /// <episode>.*.json (e.g. from `detect --out`), over which the labels saved for an
        /// episode (in the app) win kind by kind, a verified episode's whole; default: the
        /// labels saved for each episode (<media file>.introskip.json).
        #[arg(long)]
        segments: Option<PathBuf>,
        /// Output file (one episode) or folder; default: beside each episode. SIS over a season
        /// writes one labels.json.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Chapter title for a kind, e.g. --title intro=Opening (repeatable).
        #[arg(long = "title", value_parser = crate::formats::parse_title_override)]
        titles: Vec<(crate::segments::Kind, String)>,
        /// EDL: auto-skip intro and recap (action 3) or only mark them (action 2).
        #[arg(long, value_enum, default_value_t = crate::formats::EdlAction::Skip)]
        edl_action: crate::formats::EdlAction,
        /// Resolve EDL: timeline start timecode (Resolve's default 01:00:00:00).
        #[arg(long)]
        timeline_start: Option<String>,
    },
    /// Write a copy of episodes with the segments embedded as chapters (stream copy: every stream
    /// and its metadata kept; MKV, MP4 or MOV by the extension of --out).
    Remux {
        /// Episode files or season folders.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        /// Output file (one episode) or folder (several: <episode>.mkv in it).
        #[arg(long, short)]
        out: PathBuf,
        /// As for `export`.
        #[arg(long)]
        segments: Option<PathBuf>,
        #[arg(long = "title", value_parser = crate::formats::parse_title_override)]
        titles: Vec<(crate::segments::Kind, String)>,
    },
    /// Find the intro (and recap) of episodes with the trained model: samples, encodes (cached),
    /// runs the transformer + CRF and prints segments with confidence; --json adds the per-second
    /// intro probability. Episodes from one folder are judged as a season (what repeats across
    /// them counts); --single judges each alone. --out writes <episode>.pred.json per episode.
    Detect {
        /// Episode files or season folders.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Model folder (manifest.json + model.safetensors); default: the shipped model for the encoder.
        #[arg(long)]
        model: Option<PathBuf>,
        /// CLIP weights to encode with (the model must have been trained for them).
        #[arg(long)]
        clip_weights: Option<PathBuf>,
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Judge each episode alone, even when others of its season (same folder) are given.
        #[arg(long)]
        single: bool,
        /// Keep the model's boundaries on the 1 FPS grid instead of moving each to the shot cut
        /// nearest to it within 0.6 s (found to the frame).
        #[arg(long)]
        no_snap: bool,
        /// The end of each episode to look at for credits, a preview and a post-credits scene:
        /// a share ("25%", at most 10 minutes; "25%:300" at most 300 s), seconds ("300"), or "off".
        #[arg(long, default_value = "25%", value_parser = parse_tail)]
        tail: crate::features::tail::TailSpec,
    },
    /// Train the intro model on synthesised series (scripts/build-dataset.sh) for an encoder.
    Train {
        /// Training series (folder of series folders with <episode>.truth.json + .mp4); repeat
        /// the flag to train on several sets (convention families) at once.
        #[arg(long, required = true)]
        train: Vec<PathBuf>,
        /// Dev series: early stopping and the manifest's metrics; repeat it to choose on several
        /// families at once (their episodes are scored as one set).
        #[arg(long, required = true)]
        dev: Vec<PathBuf>,
        /// Model folder to write (weights, manifest, training report and curves).
        #[arg(long, short)]
        out: PathBuf,
        /// `embedded` (default) or `clip` (needs --clip-weights).
        #[arg(long, default_value = "embedded")]
        encoder: String,
        #[arg(long)]
        clip_weights: Option<PathBuf>,
        #[arg(long, default_value_t = 100)]
        epochs: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Ensemble members (seeds seed, seed+1, …): emissions and CRF scores averaged.
        #[arg(long, default_value_t = 3)]
        members: usize,
        /// Share (%) of season-mode training sequences in which a span of story gets the intro's
        /// repetition (the model must not take "repeated" for "intro").
        #[arg(long, default_value_t = crate::lab::train::TrainOptions::default().shared_story_percent)]
        shared_story: usize,
    },
    /// Measure a stage against a baseline run in the same process.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// `detect`'s stages per episode: sampling + encoding (cache off) beside the model (season
    /// mode), with the model's share of the total.
    Detect {
        /// Episodes or a season folder (default: the demo series).
        media: Vec<PathBuf>,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// `scan` on a library of N fresh copies of the demo's episodes (seasons of 10): the first
    /// scan's episodes per minute, then an unchanged rescan's time as a share of it.
    Scan {
        #[arg(long, default_value_t = 200)]
        episodes: usize,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
    },
    /// Similar-frame search over N indexed seconds (embeddings of the demo season's frames,
    /// repeated with noise), per query, against embedding one demo episode in the same run.
    Search {
        #[arg(long, default_value_t = 100_000)]
        seconds: usize,
    },
    /// 180 samples from 45-min 1080p episodes (H.264 at x264's defaults and with fixed GOPs; more
    /// codecs with --encoders) vs the ffmpeg CLI, and the default's fidelity against exact decoding.
    Sample {
        /// Files to measure instead of the generated 1080p episodes.
        #[arg(long)]
        file: Vec<PathBuf>,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Also HEVC (8- and 10-bit), AV1, VP9 and MPEG-2 encodes of the same footage.
        #[arg(long)]
        encoders: bool,
        #[arg(long)]
        json: bool,
    },
    /// Frame encoders' throughput, beside the sampler's on the same file.
    Encode {
        /// Episode to take frames from (default: the demo's first episode).
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long, default_value_t = 120)]
        window: u32,
        /// Also ViT-B/32-shaped CLIP: parity with OpenAI's code on random weights (every loader
        /// format) and frames/s beside PyTorch running OpenAI's code with the same threads.
        /// Needs scripts/fetch-clip-reference.sh.
        #[arg(long)]
        clip: bool,
    },
}

/// Process-wide behaviour of the command line, set before anything runs:
/// - a panic is a bug: one line naming it, exit status 2 (documented), never Rust's 101;
/// - a closed pipe (`introskip probe x --json | head -c0`) ends the program quietly, as
///   command-line tools do, instead of panicking in `println!`.
pub fn install_process_handlers() {
    std::panic::set_hook(Box::new(|info| {
        let what = info.payload().downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| info.payload().downcast_ref::<String>().cloned()).unwrap_or_default();
        if what.contains("Broken pipe") {
            std::process::exit(0);
        }
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("introskip: internal error: {what}{at} (a bug: please report it with the command you ran)");
        std::process::exit(2);
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
        Command::Probe { file, json } => probe(&file, json),
        Command::Sample { file, window, out, size, strategy, threads, exact, json } => {
            sample(&file, window, out.as_deref(), size, strategy, threads, exact, json)
        }
        Command::Bench { what: BenchCommand::Sample { file, runs, window, encoders, json } } => {
            crate::lab::bench::bench_sample(&file, runs, window, encoders, json)
        }
        Command::Bench { what: BenchCommand::Encode { file, window, clip } } => crate::lab::bench::bench_encode(file, window, clip),
        Command::Bench { what: BenchCommand::Detect { media, window, model } } => bench_detect(&media, window, model.as_deref()),
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
        Command::Detect { media, window, model, clip_weights, out, json, single, no_snap, tail } => {
            let options = crate::service::detect::JudgeOptions { single, snap: !no_snap, tail };
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

/// `--tail`'s parser: [`crate::features::tail::TailSpec::parse`], its error as clap shows it.
fn parse_tail(text: &str) -> std::result::Result<crate::features::tail::TailSpec, String> {
    crate::features::tail::TailSpec::parse(text).map_err(|e| e.to_string())
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
            let recap = d.recaps.iter().map(|s| format!("; recap {} – {}", clock(s.start), clock(s.end))).collect::<String>();
            let tail = judged.tail.as_ref().map_or(String::new(), |t| {
                let f = &t.found;
                match &f.credits {
                    None => format!("; no credits in the last {}", clock(f64::from(t.len_s))),
                    Some(c) => {
                        let mut s = format!("; credits {} – {} (confidence {:.2})", clock(c.start), clock(c.end), c.confidence);
                        if let Some(p) = &f.preview {
                            s += &format!(", preview {} – {}", clock(p.start), clock(p.end));
                        }
                        if let Some((a, b)) = f.after_credits {
                            s += &format!(", story after the credits {} – {} (not skipped)", clock(a), clock(b));
                        }
                        s
                    }
                }
            });
            let alone = if judged.season_episodes == 1 && !single { " (judged alone: open its season folder, or name its other episodes, for an answer checked against them)" } else { "" };
            println!("{}: {what}{recap}{tail}{alone}", crate::error::printable(&p.episode));
        }
    }
    failures.extend(run.failures);
    batch_result(failures, total)
}

fn clock(seconds: f64) -> String {
    crate::clock::clock(seconds, 1, false)
}

fn probe(file: &Path, json: bool) -> Result<()> {
    let info = video::probe(file)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&info).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    let v = &info.video;
    println!("{}", info.path.display());
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
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn sample(file: &Path, window: u32, out: Option<&Path>, size: u32, strategy: Strategy, threads: usize, exact: bool, json: bool) -> Result<()> {
    if window == 0 {
        return Err(Error::Usage("--window must be at least 1 second".into()));
    }
    let config = SamplerConfig {
        window_s: window,
        preprocess: out.map(|_| PreprocessSpec::clip(size)),
        strategy,
        threads,
        exact,
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
        println!("{}", serde_json::json!({"report": report, "elapsed_s": elapsed, "samples": times}));
    } else {
        println!("{}: {} samples in {:.2} s ({} seeks, {} packets sent, {} frames decoded)",
            file.display(), report.samples, elapsed, report.seeks, report.packets_decoded, report.frames_decoded);
        if let Some(dir) = out {
            println!("wrote {}/contact.png, frames.npy, samples.json", dir.display());
        }
    }
    if let Some(note) = &report.note {
        eprintln!("introskip: note: {}: {}", crate::error::printable(&file.display().to_string()), crate::error::printable(note));
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
            println!("{}: {} × {} ({} {}) in {:.2} s{}", file.display(), features.seconds.len(), features.dim(),
                encoder.id(), encoder.version(), elapsed, if cached { " from cache" } else { "" });
        }
    }
    batch_result(failures, files.len())
}

fn export(inputs: &[PathBuf], format: crate::formats::Format, segments: Option<&Path>, out: Option<&Path>, options: &crate::formats::ExportOptions) -> Result<()> {
    use crate::service::export::{export_episodes, segments_for, Destination};
    let (media, mut failures) = media_arguments(inputs)?;
    let total = media.len() + failures.len();
    if media.len() > 1 && segments.is_some_and(|s| s.is_file()) {
        return Err(Error::Usage("one --segments file for several episodes: give a folder of <episode>.*.json instead".into()));
    }
    let jobs: Vec<_> = media.iter().map(|f| (f.clone(), segments_for(f, segments))).collect();
    let destination = out.map_or(Destination::Beside, Destination::Out);
    let report = export_episodes(&jobs, format, destination, options, false);
    report.notes.iter().for_each(note);
    for target in &report.written {
        println!("{}", target.display());
    }
    failures.extend(report.failures);
    batch_result(failures, total)
}

fn remux(inputs: &[PathBuf], out: &Path, segments: Option<&Path>, titles: Vec<(crate::segments::Kind, String)>) -> Result<()> {
    use crate::service::export::{remux_episodes, segments_for};
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
    let jobs: Vec<_> = media.iter().map(|f| (f.clone(), segments_for(f, segments))).collect();
    let (done, remux_failures) = remux_episodes(&jobs, out, &options);
    failures.extend(remux_failures);
    for (target, r) in &done {
        println!("{}: {} streams, {} chapters, {} packets copied", target.display(), r.streams, r.chapters, r.packets);
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
    let mut pairs = crate::features::align::PairCache::default();
    let seasons = crate::paths::seasons(&analysed.iter().map(|(f, _)| f.as_path()).collect::<Vec<_>>());
    let t = |s: f64| crate::clock::clock(s, 1, true);
    for members in seasons {
        let features: Vec<&crate::features::EpisodeFeatures> = members.iter().map(|&i| &analysed[i].1).collect();
        let found = crate::features::align::season_repeats(&features, &mut pairs);
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
                let elsewhere: Vec<String> = r.elsewhere.iter().map(|(j, a, b)| format!("{} {}–{}", crate::service::episode_stem(&analysed[members[*j]].0), t(*a), t(*b))).collect();
                println!(
                    "{}: {}–{} ({:.1} s) by {by}, edges by {:?}/{:?}, in {} other(s): {}",
                    crate::error::printable(&name),
                    t(r.start),
                    t(r.end),
                    r.len(),
                    r.start_by,
                    r.end_by,
                    r.partners.len(),
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
