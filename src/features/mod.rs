//! Stage 3 of the pipeline: what the model reads about each second of an episode's window.
//! [`EpisodeFeatures`] is the pipeline's central value: the frame embeddings (from `encoder/`),
//! thumbnails, the sound features ([`sound`]), and — computed from them — every per-second input
//! channel the model reads ([`channels`]: picture, sound, text, season repetition). Analysis of an
//! episode (sample → encode → cache) lives here too. This module never decides what is an intro.

pub mod align;
pub mod cache;
pub mod channels;
pub mod ocr;
pub mod picture;
pub mod sound;
pub mod tail;

use crate::encoder::{sampler_config_for, FrameEncoder};
use crate::error::Result;
use crate::video::Sample;
use image::RgbImage;
use ndarray::{Array2, ArrayView1};

/// What analysis of one episode's window produced: everything the later stages and the GUI need.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeFeatures {
    /// The window's first second in the file: 0 for the head, later for the tail. `seconds` hold
    /// times in the file; `audio` and `fingerprint` count from here.
    pub start_s: u32,
    pub seconds: Vec<u32>,
    /// Per second, on-screen text read from a taller picture than the thumbnail
    /// ([`picture::TEXT_HEIGHT`]); empty unless asked for (the tail asks).
    pub text: Vec<picture::TextCue>,
    /// Per second, what the series' title reading chooses by ([`TextKept::Gate`]: the head of a
    /// file whose name gives a series); empty otherwise.
    pub gate: Vec<ocr::TextGate>,
    pub frame_times: Vec<f64>,
    /// One L2-normalised embedding per sampled second: `seconds.len() × dim`, standard layout.
    pub embeddings: Array2<f32>,
    pub thumbnails: Vec<RgbImage>,
    /// The sampler's note (e.g. the file ends before the window), cached with the embeddings.
    pub note: Option<String>,
    /// Non-fatal notes of this run (sound not used, cache not written): each front end shows them
    /// its own way; the library never prints.
    pub notes: Vec<String>,
    /// Sound features per second of the window ([`sound`]): `seconds of sound × AUDIO_DIM`
    /// (empty when the file has no usable sound), cached on their own.
    pub audio: Array2<f32>,
    /// The window's Chromaprint fingerprint ([`sound::fingerprint_of`]; empty without sound),
    /// cached with the sound features: what season alignment matches.
    pub fingerprint: Vec<u32>,
}

impl EpisodeFeatures {
    /// Features with no seconds yet, for an encoder of `dim` dimensions.
    pub fn empty(dim: usize) -> Self {
        EpisodeFeatures {
            start_s: 0,
            seconds: Vec::new(),
            text: Vec::new(),
            gate: Vec::new(),
            frame_times: Vec::new(),
            embeddings: Array2::zeros((0, dim)),
            thumbnails: Vec::new(),
            note: None,
            notes: Vec::new(),
            audio: Array2::zeros((0, sound::AUDIO_DIM)),
            fingerprint: Vec::new(),
        }
    }

    /// The embedding's dimension.
    pub fn dim(&self) -> usize {
        self.embeddings.ncols()
    }

    /// Second `i`'s embedding.
    pub fn embedding(&self, i: usize) -> &[f32] {
        let row = self.embeddings.row(i);
        row.to_slice().expect("embeddings are kept in standard layout")
    }

    /// The sound features of second `second` of the file (zeros where there is no sound or the
    /// second is outside the window).
    pub fn sound_at(&self, second: u32) -> [f32; sound::AUDIO_DIM] {
        let mut out = [0.0; sound::AUDIO_DIM];
        let Some(i) = second.checked_sub(self.start_s).map(|i| i as usize) else { return out };
        if let Some(row) = i.lt(&self.audio.nrows()).then(|| self.audio.row(i)) {
            out.iter_mut().zip(row.iter()).for_each(|(o, v)| *o = *v);
        }
        out
    }

    /// Each second with its [`ocr::TextGate`], where the head kept them (None elsewhere).
    pub fn gates(&self) -> Option<Vec<(u32, ocr::TextGate)>> {
        (!self.gate.is_empty() && self.gate.len() == self.seconds.len()).then(|| self.seconds.iter().copied().zip(self.gate.iter().copied()).collect())
    }

    /// The sampler's note and this run's notes, for showing.
    pub fn all_notes(&self) -> Vec<String> {
        self.note.iter().cloned().chain(self.notes.iter().cloned()).collect()
    }
}

/// What a window keeps of each second's on-screen text, beside its embedding (each part of
/// the cache entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKept {
    Nothing,
    /// The gate the series' title reading chooses its seconds by ([`EpisodeFeatures::gate`]).
    Gate,
    /// The credits rule's cues ([`EpisodeFeatures::text`]): the tail.
    Cues,
}

impl TextKept {
    /// What the head of `path` keeps: the gate where its name gives a series whose title can
    /// be looked for (a 144 px picture per second, 5–8 % of a 1080p head), else nothing.
    pub fn head(path: &std::path::Path) -> Self {
        if crate::paths::readable_title(path).is_some() {
            TextKept::Gate
        } else {
            TextKept::Nothing
        }
    }
}

/// What [`embed_episode`] reports while it works.
pub enum Progress<'a> {
    Started { requested: usize },
    /// A sample as soon as it is decoded (thumbnails can be shown before encoding).
    Sampled(&'a Sample),
    Encoded { done: usize, requested: usize },
}

/// Sample and embed an episode's window, or read it from the cache. The sampler runs in its own
/// thread; this thread encodes the samples as the encoder asks ([`crate::encoder::Feeding`]: the
/// embedded one as they arrive, CLIP once the sampler is done). `on` sees the progress and returns false
/// to cancel (the result is then `Error::Cancelled`).
pub fn embed_episode(
    path: &std::path::Path,
    window_s: u32,
    encoder: &mut dyn FrameEncoder,
    use_cache: bool,
    on: &mut dyn FnMut(Progress) -> bool,
) -> Result<(EpisodeFeatures, bool)> {
    embed_window(path, 0, window_s, TextKept::head(path), encoder, use_cache, on)
}

/// [`embed_episode`] for the window `[start_s, start_s + window_s)` of the file (the tail),
/// keeping `text` of each second.
pub fn embed_window(
    path: &std::path::Path,
    start_s: u32,
    window_s: u32,
    text: TextKept,
    encoder: &mut dyn FrameEncoder,
    use_cache: bool,
    on: &mut dyn FnMut(Progress) -> bool,
) -> Result<(EpisodeFeatures, bool)> {
    if window_s == 0 {
        return Err(crate::Error::Usage("the window must be at least 1 second".into()));
    }
    let key = cache::CacheKey::from(path, start_s, window_s, text, encoder)?;
    if use_cache {
        // An entry of another width than the encoder's (edited, or foreign) is a miss: the
        // model would slice past its rows.
        if let Some(mut features) = cache::load(&key).filter(|f| f.dim() == encoder.dim()) {
            add_sound(&mut features, path, start_s, window_s, use_cache);
            let n = features.seconds.len();
            on(Progress::Encoded { done: n, requested: n });
            return Ok((features, true));
        }
    }
    // The sound decodes in its own thread while the picture is sampled and encoded: a core the
    // picture leaves idle (between segments, while the encoder waits) does the sound's work, so
    // the episode costs about the larger of the two, not their sum. When the picture fails or is
    // cancelled, the guard's drop stops the sound at its next chunk (nothing is cached).
    struct StopOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let stop = StopOnDrop(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)));
    let sound_rx = {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let owned = path.to_path_buf();
        let flag = stop.0.clone();
        std::thread::Builder::new()
            .name("sound".into())
            .spawn(move || {
                let stopped = || flag.load(std::sync::atomic::Ordering::Relaxed);
                let _ = tx.send(sound::cached_sound_features_until(&owned, start_s, window_s, use_cache, &stopped));
            })
            .map_err(|e| crate::Error::internal(format!("cannot start the sound thread: {e}")))?;
        rx
    };
    let mut features = picture_features(path, start_s, window_s, text, encoder, on)?;
    if use_cache {
        // A cache that cannot be written only costs speed next time.
        if let Err(e) = cache::store(&key, &features) {
            features.notes.push(format!("embedding cache not written: {e}"));
        }
    }
    let sound = sound_rx.recv().unwrap_or_else(|_| Err(crate::Error::internal("the sound thread stopped without a result")));
    apply_sound(&mut features, sound);
    Ok((features, false))
}

/// The picture half of [`embed_window`], uncached and without sound: sample, encode and keep
/// `text` (`bench detect` times it apart from the sound).
pub fn picture_features(
    path: &std::path::Path,
    start_s: u32,
    window_s: u32,
    text: TextKept,
    encoder: &mut dyn FrameEncoder,
    on: &mut dyn FnMut(Progress) -> bool,
) -> Result<EpisodeFeatures> {
    let feeding = encoder.feeding();
    let (batch, hold) = (feeding.batch.max(1), feeding.hold.max(1));
    let text_height = (text != TextKept::Nothing).then_some(picture::TEXT_HEIGHT);
    let config = crate::video::SamplerConfig { start_s, text_height, ..sampler_config_for(encoder, window_s) };
    let handle = crate::video::spawn_sampler(path.to_path_buf(), config);
    let dim = encoder.dim();
    let mut features = EpisodeFeatures { start_s, ..EpisodeFeatures::empty(dim) };
    let mut pending: Vec<Sample> = Vec::with_capacity(hold.min(window_s as usize).max(1));
    let mut requested = window_s as usize;
    // Encode what is held, `batch` at a time, saying each batch's progress: CLIP holds a whole
    // window (seconds of the tower's work), which the app shows, and a cancel stops between batches.
    let flush = |pending: &mut Vec<Sample>, features: &mut EpisodeFeatures, encoder: &mut dyn FrameEncoder, on: &mut dyn FnMut(Progress) -> bool, requested: usize| -> Result<()> {
        for chunk in pending.chunks(batch) {
            let refs: Vec<&Sample> = chunk.iter().collect();
            let encoded = encoder.encode(&refs)?;
            if encoded.len() != refs.len() {
                return Err(crate::Error::internal(format!("encoder {} returned {} embeddings for {} samples", encoder.id(), encoded.len(), refs.len())));
            }
            for (sample, embedding) in chunk.iter().zip(encoded) {
                if embedding.len() != dim {
                    return Err(crate::Error::internal(format!("encoder {} returned {} values, expected {dim}", encoder.id(), embedding.len())));
                }
                features.seconds.push(sample.second);
                match (&sample.text_frame, text) {
                    (Some(frame), TextKept::Cues) => features.text.push(picture::text_cue(frame)),
                    (Some(frame), TextKept::Gate) => features.gate.push(ocr::TextGate::of(frame)),
                    _ => {}
                }
                features.frame_times.push(sample.frame_time_s);
                features.embeddings.push_row(ArrayView1::from(&embedding)).map_err(|e| crate::Error::internal(format!("embedding row: {e}")))?;
            }
            if !on(Progress::Encoded { done: features.seconds.len(), requested }) {
                return Err(crate::Error::Cancelled); // dropping the handle stops the sampler
            }
        }
        features.thumbnails.extend(pending.drain(..).map(|s| s.thumbnail));
        Ok(())
    };
    // Only a `Finished` event makes a complete result worth caching: a sampler that stops
    // without one (a bug, a killed thread) must never leave truncated features behind.
    let mut finished = false;
    for event in handle.events.iter() {
        let keep_going = match event {
            crate::video::SamplerEvent::Started { requested: r, .. } => {
                requested = r;
                on(Progress::Started { requested })
            }
            crate::video::SamplerEvent::Sample(sample) => {
                let go = on(Progress::Sampled(&sample));
                pending.push(*sample);
                if go && pending.len() >= hold {
                    flush(&mut pending, &mut features, encoder, on, requested)?;
                }
                go
            }
            crate::video::SamplerEvent::Finished(report) => {
                // A cancel is honoured to the last batch, and with nothing left to encode too.
                if pending.is_empty() && !on(Progress::Encoded { done: features.seconds.len(), requested }) {
                    return Err(crate::Error::Cancelled);
                }
                flush(&mut pending, &mut features, encoder, on, requested)?;
                features.note = report.note;
                finished = true;
                break;
            }
            crate::video::SamplerEvent::Failed(e) => return Err(e),
        };
        if !keep_going {
            return Err(crate::Error::Cancelled); // dropping the handle stops the sampler
        }
    }
    if !finished {
        return Err(crate::Error::internal(format!("{}: the sampler stopped before the end of the window", path.display())));
    }
    for (row, embedding) in encoder.refine_episode(&features.thumbnails)? {
        if embedding.len() != dim || row >= features.seconds.len() {
            return Err(crate::Error::internal(format!("encoder {} refined row {row} with {} values", encoder.id(), embedding.len())));
        }
        features.embeddings.row_mut(row).assign(&ArrayView1::from(&embedding));
    }
    Ok(features)
}

/// The episode's sound features; a sound stream that cannot be decoded counts as silence (the
/// picture alone still finds most intros), with a note saying so: five of the model's inputs are
/// then zero, and the user must know.
/// The sound features and fingerprint of `path`'s window `[start_s, start_s + window_s)` into
/// `features` (cached on their own; a note instead where the sound cannot be used).
pub fn add_sound(features: &mut EpisodeFeatures, path: &std::path::Path, start_s: u32, window_s: u32, use_cache: bool) {
    apply_sound(features, sound::cached_sound_features_from(path, start_s, window_s, use_cache));
}

/// Put a sound read (or its failure, as a note) into `features`.
pub(crate) fn apply_sound(features: &mut EpisodeFeatures, sound: Result<(sound::Sound, Option<String>)>) {
    match sound {
        Ok((sound, note)) => {
            let n = sound.rows.len();
            features.audio = Array2::from_shape_vec((n, sound::AUDIO_DIM), sound.rows.into_iter().flatten().collect()).expect("rows of AUDIO_DIM");
            features.fingerprint = sound.fingerprint;
            features.notes.extend(note);
        }
        Err(e) => {
            features.audio = Array2::zeros((0, sound::AUDIO_DIM));
            features.fingerprint = Vec::new();
            features.notes.push(format!("sound not used: {e}"));
        }
    }
}
