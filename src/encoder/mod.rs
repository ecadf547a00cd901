//! Stage 2 of the pipeline: one embedding per sampled second.
//!
//! Every encoder declares what it needs from the sampler ([`EncoderInput`]), its identity (id and
//! version, which key the embedding cache and the model's manifest) and its dimension. Encoders
//! run off the UI thread and consume the sampler's stream in batches.

pub mod audio;
pub mod cache;
pub mod clip;
pub mod embedded;
pub mod retrieval;
pub mod torchscript;

use crate::error::Result;
use crate::image_ops::PreprocessSpec;
use crate::video::Sample;

/// What an encoder reads from each sample.
#[derive(Clone, Debug, PartialEq)]
pub enum EncoderInput {
    /// The whole frame as a thumbnail of this height (aspect kept, letterbox included).
    Thumbnail { height: u32 },
    /// A CLIP-style preprocessed tensor.
    Tensor(PreprocessSpec),
}

pub trait FrameEncoder: Send {
    /// Stable identifier, e.g. `embedded-v1` or `clip-vit-b32`; part of cache keys and manifests.
    fn id(&self) -> String;
    /// Bumped whenever the same input would give different embeddings.
    fn version(&self) -> u32;
    fn dim(&self) -> usize;
    fn input(&self) -> EncoderInput;
    /// Embed a batch of samples, one L2-normalised vector each.
    fn encode(&mut self, samples: &[&Sample]) -> Result<Vec<Vec<f32>>>;
}

/// Cosine similarity of two L2-normalised vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Cosine similarity of any two vectors (for comparing raw model outputs).
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> f32 {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    cosine(a, b) / (norm(a) * norm(b)).max(f32::MIN_POSITIVE)
}

/// The encoder the app uses when no CLIP weights are configured.
pub fn default_encoder() -> Box<dyn FrameEncoder> {
    Box::new(embedded::EmbeddedEncoder::default())
}

/// Sampler settings that give `encoder` its input.
pub fn sampler_config_for(encoder: &dyn FrameEncoder, window_s: u32) -> crate::video::SamplerConfig {
    let mut config = crate::video::SamplerConfig { window_s, ..Default::default() };
    match encoder.input() {
        EncoderInput::Thumbnail { height } => {
            config.preprocess = None;
            config.thumbnail_height = height;
        }
        EncoderInput::Tensor(spec) => config.preprocess = Some(spec),
    }
    config
}

/// What [`embed_episode`] reports while it works.
pub enum Progress<'a> {
    Started { requested: usize },
    /// A sample as soon as it is decoded (thumbnails can be shown before encoding).
    Sampled(&'a Sample),
    Encoded { done: usize, requested: usize },
}

/// Sample and embed an episode's window, or read it from the cache. The sampler runs in its own
/// thread; this thread encodes batches as samples arrive. `on` sees the progress and returns false
/// to cancel (the result is then `Error::Cancelled`).
pub fn embed_episode(
    path: &std::path::Path,
    window_s: u32,
    encoder: &mut dyn FrameEncoder,
    use_cache: bool,
    on: &mut dyn FnMut(Progress) -> bool,
) -> Result<(cache::EpisodeFeatures, bool)> {
    let key = cache::CacheKey::new(path, window_s, encoder)?;
    if use_cache {
        if let Some(mut features) = cache::load(&key) {
            features.audio = sound_or_silence(path, window_s, use_cache);
            let n = features.seconds.len();
            on(Progress::Encoded { done: n, requested: n });
            return Ok((features, true));
        }
    }
    const BATCH: usize = 16;
    let handle = crate::video::spawn_sampler(path.to_path_buf(), sampler_config_for(encoder, window_s));
    let dim = encoder.dim();
    let mut features = cache::EpisodeFeatures {
        seconds: Vec::new(),
        frame_times: Vec::new(),
        dim,
        embeddings: Vec::new(),
        thumbnails: Vec::new(),
        note: None,
        audio: Vec::new(),
    };
    let mut pending: Vec<Sample> = Vec::with_capacity(BATCH);
    let mut requested = window_s as usize;
    let flush = |pending: &mut Vec<Sample>, features: &mut cache::EpisodeFeatures, encoder: &mut dyn FrameEncoder| -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        let refs: Vec<&Sample> = pending.iter().collect();
        for (sample, embedding) in pending.iter().zip(encoder.encode(&refs)?) {
            if embedding.len() != dim {
                return Err(crate::Error::internal(format!("encoder {} returned {} values, expected {dim}", encoder.id(), embedding.len())));
            }
            features.seconds.push(sample.second);
            features.frame_times.push(sample.frame_time_s);
            features.embeddings.extend_from_slice(&embedding);
        }
        features.thumbnails.extend(pending.drain(..).map(|s| s.thumbnail));
        Ok(())
    };
    for event in handle.events.iter() {
        let keep_going = match event {
            crate::video::SamplerEvent::Started { requested: r, .. } => {
                requested = r;
                on(Progress::Started { requested })
            }
            crate::video::SamplerEvent::Sample(sample) => {
                let go = on(Progress::Sampled(&sample));
                pending.push(*sample);
                if pending.len() == BATCH {
                    flush(&mut pending, &mut features, encoder)?;
                    go && on(Progress::Encoded { done: features.seconds.len(), requested })
                } else {
                    go
                }
            }
            crate::video::SamplerEvent::Finished(report) => {
                flush(&mut pending, &mut features, encoder)?;
                features.note = report.note;
                on(Progress::Encoded { done: features.seconds.len(), requested });
                break;
            }
            crate::video::SamplerEvent::Failed(e) => return Err(e),
        };
        if !keep_going {
            return Err(crate::Error::Cancelled); // dropping the handle stops the sampler
        }
    }
    if use_cache {
        // A cache that cannot be written only costs speed next time.
        if let Err(e) = cache::store(&key, &features) {
            eprintln!("introskip: note: embedding cache not written: {e}");
        }
    }
    features.audio = sound_or_silence(path, window_s, use_cache);
    Ok((features, false))
}

/// The episode's sound features; a sound stream that cannot be decoded counts as silence (the
/// picture alone still finds most intros), with a note on stderr.
fn sound_or_silence(path: &std::path::Path, window_s: u32, use_cache: bool) -> Vec<[f32; audio::AUDIO_DIM]> {
    audio::cached_sound_features(path, window_s, use_cache).unwrap_or_else(|e| {
        eprintln!("introskip: note: sound not used: {e}");
        Vec::new()
    })
}

/// The device Burn encoders run on: libtorch's CPU (or CUDA) with the `tch` feature, otherwise
/// Burn's pure-Rust `flex` backend.
pub fn burn_device() -> burn::tensor::Device {
    #[cfg(feature = "tch")]
    #[allow(deprecated)] // burn-tch is deprecated upstream but is the fastest CPU path in 0.22
    {
        burn::tensor::Device::libtorch()
    }
    #[cfg(all(feature = "flex", not(feature = "tch")))]
    {
        burn::tensor::Device::flex()
    }
    #[cfg(not(any(feature = "flex", feature = "tch")))]
    compile_error!("enable a Burn backend: the `flex` or the `tch` feature")
}

/// CLIP's image tower as a frame encoder, on user-supplied weights.
pub struct ClipEncoder {
    model: clip::ClipVision,
    id: String,
}

impl ClipEncoder {
    pub fn load(weights: &std::path::Path) -> Result<Self> {
        let loaded = clip::Weights::load(weights)?;
        let model = clip::ClipVision::new(&loaded, &burn_device())?;
        // The weights' own fingerprint is part of the id: other weights, other embeddings.
        let fp = cache::fnv64(cache::fingerprint(weights)?.as_bytes());
        let arch = model.config.name().replace(['/', '@'], "").to_lowercase();
        Ok(ClipEncoder { id: format!("clip-{arch}-{fp:08x}"), model })
    }

    pub fn config(&self) -> &clip::ClipConfig {
        &self.model.config
    }
}

impl FrameEncoder for ClipEncoder {
    fn id(&self) -> String {
        self.id.clone()
    }
    fn version(&self) -> u32 {
        1
    }
    fn dim(&self) -> usize {
        self.model.config.output_dim
    }
    fn input(&self) -> EncoderInput {
        EncoderInput::Tensor(PreprocessSpec::clip(self.model.config.input_resolution as u32))
    }
    fn encode(&mut self, samples: &[&Sample]) -> Result<Vec<Vec<f32>>> {
        let tensors: Vec<&[f32]> = samples
            .iter()
            .map(|s| s.tensor.as_deref().ok_or_else(|| crate::Error::internal("CLIP needs preprocessed samples")))
            .collect::<Result<_>>()?;
        let mut rows = self.model.embed(&tensors)?;
        for row in &mut rows {
            let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            row.iter_mut().for_each(|v| *v /= norm);
        }
        Ok(rows)
    }
}

/// The encoder for a run: CLIP when weights are given (argument, else `INTROSKIP_CLIP_WEIGHTS`,
/// else the saved settings), the embedded descriptor otherwise.
pub fn encoder_for(clip_weights: Option<&std::path::Path>) -> Result<Box<dyn FrameEncoder>> {
    let from_env = std::env::var_os("INTROSKIP_CLIP_WEIGHTS").map(std::path::PathBuf::from);
    if let Some(path) = clip_weights.map(std::path::Path::to_path_buf).or(from_env) {
        return Ok(Box::new(ClipEncoder::load(&path)?));
    }
    match crate::settings::Settings::load().clip_weights {
        Some(path) => ClipEncoder::load(&path).map(|e| Box::new(e) as Box<dyn FrameEncoder>).map_err(|e| {
            crate::Error::Usage(format!(
                "the CLIP weights saved in {} cannot be used: {e}; pick others in the app or remove that setting",
                crate::settings::settings_path().display()
            ))
        }),
        None => Ok(default_encoder()),
    }
}
