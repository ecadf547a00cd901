//! The command line's grammar: every subcommand, its flags and their help (clap). What each
//! command does is in the modules beside this one.

use super::search;
use crate::video::Strategy;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
        /// Files or season folders; one bad file is named and the others are still probed.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object for one file; a JSON array (in the order given) for several.
        #[arg(long)]
        json: bool,
    },
    /// Sample one frame per second and write a contact sheet, the encoder tensors and timestamps.
    Sample {
        /// Files or season folders; one bad file is named and the others are still sampled.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Seconds to sample from the start.
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Output folder: contact.png, frames.npy (N×3×S×S float32, CLIP-normalised), samples.json
        /// (for several files, one subfolder per episode, named after it).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Encoder input size (CLIP: 224).
        #[arg(long, default_value_t = 224)]
        size: u32,
        /// How to decode: seek or decode forward as the file allows (auto), or one way for benchmarks.
        #[arg(long, value_enum, default_value_t = Strategy::Auto)]
        strategy: Strategy,
        /// Decoder threads (0: FFmpeg decides).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Decode exactly: deblock every reference frame, also those no sample shows (for
        /// pixel-accurate work such as CLIP parity; slower on most encodes).
        #[arg(long)]
        exact: bool,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Sample and embed episodes (cached); optionally write the embeddings as .npy.
    Embed {
        /// Episode files or season folders.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Seconds looked at from the start of each episode (the detection window).
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
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Score predictions against truth (our segment JSON or SIS labels.json, files or folders).
    Eval {
        /// Truth: segment JSON (<episode>.truth.json, the app's <episode>.introskip.json) or SIS
        /// labels.json, a file or a folder of them.
        #[arg(long)]
        truth: PathBuf,
        /// Predictions: segment JSON (`detect --out`'s <episode>.pred.json) or SIS labels.json, a file
        /// or a folder of them.
        #[arg(long)]
        pred: PathBuf,
        /// Seconds of each episode scored, from its start (the detection window the predictions
        /// were made with).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Print JSON instead of lines.
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
        /// Folder to write <episode>.pred.json into.
        #[arg(long, short)]
        out: PathBuf,
        /// Seconds looked at from the start of each episode (the detection window).
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
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Print JSON instead of lines.
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
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Print JSON instead of lines.
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
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Print JSON instead of lines.
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
        /// Seconds looked at from the start of each episode (the detection window).
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
        /// Seconds looked at from the start of each episode (the detection window).
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
        /// Model folder (manifest.json + model.safetensors); default: the shipped model for the encoder.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Write segments for episodes as chapters or markers other tools read.
    Export {
        /// Episode files or season folders.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        /// Chapter or label format to write.
        #[arg(long, value_enum)]
        format: crate::formats::Format,
        /// Segments: any format introskip reads (our JSON, SIS labels, FFMETADATA, Matroska XML,
        /// WebVTT, EDL) or a media file whose chapters to import, for one episode; or a folder of
        /// <episode>.*.json (e.g. from `detect --out`), over which the labels saved for an
        /// episode (in the app) win kind by kind, a verified episode's whole; default: the
        /// labels saved for each episode (<media file>.introskip.json), and for an episode with
        /// none, what `detect` finds for it now.
        #[arg(long)]
        segments: Option<PathBuf>,
        /// Output file (one episode; "-": standard output) or folder; default: beside each
        /// episode. SIS over a season writes one labels.json.
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
        /// A chapter title for a kind, as for `export` (e.g. intro=Opening).
        #[arg(long = "title", value_parser = crate::formats::parse_title_override)]
        titles: Vec<(crate::segments::Kind, String)>,
    },
    /// Find the intro (and recap) of episodes with the trained model: samples, encodes (cached),
    /// runs the transformer + CRF and prints segments with confidence; --json adds the per-second
    /// intro probability. Episodes from one folder are judged as a season (what repeats across
    /// them counts); an episode given alone, or a season given with fewer than 4, is judged with
    /// the nearest other episodes of its series from its folder, up to 4; --single judges each
    /// alone. --out writes <episode>.pred.json per episode.
    Detect {
        /// Episode files or season folders.
        #[arg(required = true)]
        media: Vec<PathBuf>,
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Model folder (manifest.json + model.safetensors); default: the shipped model for the encoder.
        #[arg(long)]
        model: Option<PathBuf>,
        /// CLIP weights to encode with (the model must have been trained for them).
        #[arg(long)]
        clip_weights: Option<PathBuf>,
        /// Folder to write <episode>.pred.json into, one per episode (what `eval` and `export
        /// --segments` read).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Print JSON (an array, one object per episode, with the per-second intro probability)
        /// instead of lines.
        #[arg(long)]
        json: bool,
        /// Judge each episode alone, even when others of its season (same folder) are given or
        /// in its folder.
        #[arg(long)]
        single: bool,
        /// Keep the boundaries where the model and the season's repeats put them (the model's on
        /// the 1 FPS grid); the same as --snap none.
        #[arg(long, conflicts_with = "snap")]
        no_snap: bool,
        /// Where boundaries may move, each to the nearest within its reach (seconds), in this
        /// order: a shot cut (0.6), else where the picture comes out of black (1.2), else where
        /// the sound comes back after a silence (1.2). A kind left out is not used:
        /// "cut,fade,silence" (the default), "cut", "cut=0.4,fade=2", "none".
        #[arg(long, value_name = "KINDS", default_value = "cut,fade,silence", value_parser = parse_snap)]
        snap: crate::model::snap::Reach,
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
        /// CLIP weights, for `--encoder clip`.
        #[arg(long)]
        clip_weights: Option<PathBuf>,
        /// Most epochs per ensemble member (each keeps its best on the dev series).
        #[arg(long, default_value_t = 100)]
        epochs: usize,
        /// Seed of the first ensemble member (the others take the next ones).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Seconds looked at from the start of each episode (the detection window).
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
    /// mode), with the model's share of the total; the tail against the head; with two episodes
    /// or more, the season as `detect DIR` runs it against each episode alone, and how busy the
    /// cores were.
    Detect {
        /// Episodes or a season folder (default: the demo series).
        media: Vec<PathBuf>,
        /// Also (or, without MEDIA, only) a 45-minute 1080p episode at x264's defaults ending in
        /// 24.5 s of names on black: the tail's cost where there are credits (#18). Built once.
        #[arg(long)]
        credits: bool,
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Model folder (manifest.json + model.safetensors); default: the shipped model for the encoder.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// `scan` on a library of N fresh copies of the demo's episodes (seasons of 10): the first
    /// scan's episodes per minute, then an unchanged rescan's time as a share of it.
    Scan {
        /// Episodes in the generated library.
        #[arg(long, default_value_t = 200)]
        episodes: usize,
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
    },
    /// Similar-frame search over N indexed seconds (embeddings of the demo season's frames,
    /// repeated with noise), per query, against embedding one demo episode in the same run.
    Search {
        /// Seconds in the index searched.
        #[arg(long, default_value_t = 100_000)]
        seconds: usize,
    },
    /// 180 samples from 45-min 1080p episodes (H.264 at x264's defaults and with fixed GOPs; more
    /// codecs with --encoders) vs the ffmpeg CLI, and the default's fidelity against exact decoding.
    Sample {
        /// Files to measure instead of the generated 1080p episodes.
        #[arg(long)]
        file: Vec<PathBuf>,
        /// Runs of each measurement (the median is printed).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Seconds looked at from the start of each episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Also HEVC (8- and 10-bit), AV1, VP9 and MPEG-2 encodes of the same footage.
        #[arg(long)]
        encoders: bool,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// `detect` beside a Python pipeline of the CLIP + transformer + CRF research systems' kind
    /// on the same file, in this run (OpenCV reads every frame, OpenAI's ViT-B/32 in PyTorch with
    /// as many threads as cores): `detect` with the embedded encoder, with and without the tail,
    /// and the head with the same ViT-B/32 weights in fp32 and bf16. Needs
    /// scripts/fetch-clip-reference.sh.
    Pipeline {
        /// Episode (default: the 45-min 1080p x264-defaults file `bench sample` builds).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Seconds looked at from the start of the episode (the detection window).
        #[arg(long, default_value_t = crate::service::DEFAULT_WINDOW_S)]
        window: u32,
        /// Rounds (each measurement once per round, in a rotating order; medians printed).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Frame encoders' throughput, beside the sampler's on the same file.
    Encode {
        /// Episode to take frames from (default: the demo's first episode).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Seconds looked at from the start of the episode.
        #[arg(long, default_value_t = 120)]
        window: u32,
        /// Also ViT-B/32-shaped CLIP: parity with OpenAI's code on random weights (every loader
        /// format) and frames/s beside PyTorch running OpenAI's code with the same threads.
        /// Needs scripts/fetch-clip-reference.sh.
        #[arg(long)]
        clip: bool,
    },
}

/// `--tail`'s parser: [`crate::features::tail::TailSpec::parse`], its error as clap shows it.
pub(super) fn parse_snap(text: &str) -> std::result::Result<crate::model::snap::Reach, String> {
    crate::model::snap::Reach::parse(text)
}

pub(super) fn parse_tail(text: &str) -> std::result::Result<crate::features::tail::TailSpec, String> {
    crate::features::tail::TailSpec::parse(text).map_err(|e| e.to_string())
}
