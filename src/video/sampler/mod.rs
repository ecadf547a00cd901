//! One frame per second of presentation time, exactly.
//!
//! Sample `k` is the frame a player shows at `t = k` seconds after the file's start: the frame
//! with the greatest PTS ≤ t. All comparisons are exact integer arithmetic in the stream's time
//! base, so 23.976, 29.97 or variable frame rates never drift.
//!
//! Speed comes from not decoding what nobody looks at:
//! - a look-ahead of demuxed packets tells, before decoding, whether a frame can be shown at a
//!   sample point (another frame follows it before the next whole second); such frames are sent
//!   with `skip_frame = NONREF`, so the decoder drops them when nothing references them;
//! - in x264 streams that say they predict from one reference frame (`ref=1`, the `veryfast`
//!   and faster presets), a B-pyramid's reference serves only its own group of B-frames: unless
//!   `exact` is asked for, a group no sample shows is dropped whole (`skip_frame = BIDIR`). Not
//!   exact either: FFmpeg fills the missing reference's frame number with a copy whose picture
//!   order differs, which moves the implicit bi-prediction weights of some later B-frames a
//!   little (within the deblocking skip's bound, measured by `bench sample` and a test);
//! - in H.264, unless `exact` is asked for, reference frames no sample shows skip the in-loop
//!   deblocking filter (the shown frames still get theirs);
//! - when the keyframe before the next sample point lies ahead of the decoder, we seek to it
//!   instead of decoding the gap. With short GOPs this skips most of the stream; with long GOPs it
//!   never triggers, and decoding runs forward — the per-file choice the measurements call for.
//!
//! Samples stream out through a bounded channel while decoding continues, and a cancel flag stops
//! the worker within one packet.

use super::probe::VideoInfo;
use crate::error::{Error, Result};
use crate::image_ops::PreprocessSpec;
use image::RgbImage;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

mod engine;
use engine::run;

/// The default detection window: seconds from the start of each episode (the one place 180 is typed).
pub const DEFAULT_WINDOW_S: u32 = 180;

/// How to move through the file between sample points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
pub enum Strategy {
    /// Seek to a keyframe when that skips frames, decode forward otherwise (default).
    Auto,
    /// Never seek: decode forward (still dropping undisplayed non-reference frames).
    Forward,
    /// Decode every frame, as the ffmpeg CLI does. A baseline for benchmarks and tests.
    DecodeAll,
}

#[derive(Clone, Debug)]
pub struct SamplerConfig {
    /// Sample t = start_s, start_s + 1, …, start_s + window_s − 1 (fewer when the stream is
    /// shorter).
    pub window_s: u32,
    /// The first second sampled: 0 for the head of an episode, later for its tail (end credits),
    /// which is reached by one seek, never by decoding the middle.
    pub start_s: u32,
    /// Encoder input to compute for every sample; None to skip (e.g. thumbnails only).
    pub preprocess: Option<PreprocessSpec>,
    /// Thumbnail height in pixels (the width follows the display aspect).
    pub thumbnail_height: u32,
    /// Keep the full-resolution RGB frame (preview, tests). Costs memory: off by default.
    pub keep_full_frame: bool,
    /// Also give each sample a picture this many pixels high for reading on-screen text
    /// (credits' names are 3 px high in a 72 px thumbnail, lost over busy footage).
    pub text_height: Option<u32>,
    /// FFmpeg decoder threads; 0 lets FFmpeg choose.
    pub threads: usize,
    pub strategy: Strategy,
    /// Decode every frame exactly as the standard says. Off by default: in H.264, reference frames
    /// that no sample shows are decoded without the in-loop deblocking filter
    /// (`skip_loop_filter`), which the frames that are shown inherit only as faint blocking;
    /// `bench sample` prints the saving and the embedding cosine against exact decoding (README
    /// "How sampling works"). On for pixel-accurate work (CLIP parity, `sample --exact`).
    pub exact: bool,
    /// Unless `exact`: drop whole the B-frame groups no sample shows where the stream allows it
    /// ([`single_reference_x264`]). Off only to measure what it saves and what it moves
    /// (`bench sample`).
    pub drop_b_groups: bool,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        SamplerConfig {
            window_s: DEFAULT_WINDOW_S,
            start_s: 0,
            preprocess: Some(PreprocessSpec::clip(224)),
            thumbnail_height: 72,
            keep_full_frame: false,
            text_height: None,
            threads: 0,
            strategy: Strategy::Auto,
            exact: false,
            drop_b_groups: true,
        }
    }
}

/// One sampled second.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Sample index = requested time in seconds from the file's start.
    pub second: u32,
    /// Presentation time of the frame actually shown at that second (≤ `second`, except when the
    /// video starts after it).
    pub frame_time_s: f64,
    /// Encoder input, CHW float32, when a [`PreprocessSpec`] was given.
    pub tensor: Option<Vec<f32>>,
    pub thumbnail: RgbImage,
    pub full_frame: Option<RgbImage>,
    /// The frame [`SamplerConfig::text_height`] pixels high, when asked for.
    pub text_frame: Option<RgbImage>,
}

/// What happened, for the CLI, the GUI and the benchmark.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SampleReport {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub path: PathBuf,
    pub samples: usize,
    pub requested: usize,
    /// Set when fewer samples than requested were produced, saying why.
    pub note: Option<String>,
    pub seeks: usize,
    pub packets_decoded: usize,
    pub packets_skippable: usize,
    /// B-frames dropped with the rest of their group, references included ([`group_unshown`]).
    pub b_groups_dropped: usize,
    pub frames_decoded: usize,
    pub decode_errors: usize,
    /// CPU seconds spent converting shown frames to RGB, encoder tensors and thumbnails.
    pub convert_cpu_s: f64,
}

pub enum SamplerEvent {
    /// `requested`: the samples to expect (the window, or fewer when the file says it is shorter).
    Started { info: Box<VideoInfo>, requested: usize },
    Sample(Box<Sample>),
    Finished(SampleReport),
    Failed(Error),
}

/// A running sampler thread.
pub struct SamplerHandle {
    pub events: crossbeam_channel::Receiver<SamplerEvent>,
    cancel: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SamplerHandle {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Cancel and wait for the thread to finish.
    pub fn stop(mut self) {
        self.cancel();
        // Drain so a sender blocked on a full channel can see the flag.
        while self.events.try_recv().is_ok() {}
        if let Some(t) = self.thread.take() {
            while !t.is_finished() {
                while self.events.try_recv().is_ok() {}
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            let _ = t.join();
        }
    }
}

impl Drop for SamplerHandle {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Sample in a background thread; events arrive in time order, then `Finished` or `Failed`.
pub fn spawn_sampler(path: PathBuf, config: SamplerConfig) -> SamplerHandle {
    let (tx, rx) = crossbeam_channel::bounded(32);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // A thread that cannot start (out of memory or of threads) is an error the consumer reads,
    // not a panic.
    let failed = tx.clone();
    let shown = path.display().to_string();
    let spawned = std::thread::Builder::new()
        .name("introskip-sampler".into())
        .spawn(move || {
            // A panic here is a bug, but it must reach the consumer as an error: a channel that
            // merely closes would look like a finished, shorter episode.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(&path, &config, &flag, &mut |event| {
                    // A dropped receiver means nobody wants more: stop quietly.
                    tx.send(event).is_ok() && !flag.load(Ordering::Relaxed)
                })
            }))
            .unwrap_or_else(|panic| {
                let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                Err(Error::internal(format!("the sampler failed on {}: {what}", path.display())))
            });
            let _ = match result {
                Ok(report) => tx.send(SamplerEvent::Finished(report)),
                Err(e) => tx.send(SamplerEvent::Failed(e)),
            };
        });
    let thread = match spawned {
        Ok(thread) => Some(thread),
        Err(e) => {
            let _ = failed.send(SamplerEvent::Failed(Error::internal(format!("could not start a sampler for {shown}: {e}"))));
            None
        }
    };
    drop(failed);
    SamplerHandle { events: rx, cancel, thread }
}

/// Sample synchronously and collect everything (CLI, tests, benchmarks).
pub fn sample_all(path: &Path, config: &SamplerConfig) -> Result<(Vec<Sample>, SampleReport)> {
    let mut samples = Vec::new();
    let never = AtomicBool::new(false);
    let report = run(path, config, &never, &mut |event| {
        if let SamplerEvent::Sample(s) = event {
            samples.push(*s);
        }
        true
    })?;
    Ok((samples, report))
}
