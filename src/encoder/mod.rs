//! Stage 2 of the pipeline: one embedding per sampled second. Encoders turn samples into vectors
//! and know nothing of episodes, caches or intros (that is `features/` and above).
//!
//! Every encoder declares what it needs from the sampler ([`EncoderInput`]), its identity (id and
//! version, which key the embedding cache and the model's manifest) and its dimension. Encoders
//! run off the UI thread and consume the sampler's stream in batches.

pub mod clip;
pub mod clip_text;
pub mod clip_tokenizer;
pub mod embedded;
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
    /// How the window's samples are handed to [`FrameEncoder::encode`]: `batch` at a time, once
    /// `hold` of them (or the window's last) have arrived. The embedded encoder takes them as they
    /// come; see [`ClipEncoder`]'s for why CLIP waits.
    fn feeding(&self) -> Feeding {
        Feeding { batch: 16, hold: 16 }
    }
    /// Once a window's samples are all encoded: what only the whole window tells (the embedded
    /// encoder's letterbox, the same in every frame of a file), as (row, new embedding) for the
    /// rows that change. Thumbnails are the samples' own, in order.
    fn refine_episode(&mut self, _thumbnails: &[image::RgbImage]) -> Result<Vec<(usize, Vec<f32>)>> {
        Ok(Vec::new())
    }
}

/// [`FrameEncoder::feeding`]: samples per `encode` call, and how many are held before encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feeding {
    pub batch: usize,
    pub hold: usize,
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

/// Every Burn backend compiled into this build, by name: libtorch (`tch`) and the pure-Rust
/// `flex`. A production build has both (`--features tch` keeps the default `flex`), so one build
/// proves the encoders on each backend instead of building the crate twice.
pub fn burn_devices() -> Vec<(&'static str, burn::tensor::Device)> {
    #[allow(unused_mut)]
    let mut devices = Vec::new();
    #[cfg(feature = "tch")]
    #[allow(deprecated)]
    devices.push(("tch", burn::tensor::Device::libtorch()));
    #[cfg(feature = "flex")]
    devices.push(("flex", burn::tensor::Device::flex()));
    devices
}

/// CLIP's image tower as a frame encoder, on user-supplied weights.
pub struct ClipEncoder {
    model: clip::ClipVision,
    id: String,
}

impl ClipEncoder {
    pub fn load(weights: &std::path::Path) -> Result<Self> {
        ClipEncoder::new(&clip::Weights::load(weights)?)
    }

    /// The same tower computing in bfloat16 (LayerNorm in fp32): about twice the frames a second
    /// where the CPU has AVX-512 BF16 (`bench pipeline`), at a cosine of about 0.99995 to fp32.
    /// Its embeddings are not fp32's, so its id is another (a model trained on fp32 embeddings
    /// is refused with it, and the caches keep the two apart).
    pub fn into_bf16(self) -> Self {
        ClipEncoder { id: format!("{}-bf16", self.id), model: self.model.into_bf16() }
    }

    fn new(weights: &clip::Weights) -> Result<Self> {
        let model = clip::ClipVision::new(weights, &burn_device())?;
        // The weights' own fingerprint is part of the id: other weights, other embeddings.
        let fp = crate::fsio::fnv64(crate::fsio::fingerprint(&weights.path)?.as_bytes());
        let arch = model.config.name().replace(['/', '@'], "").to_lowercase();
        Ok(ClipEncoder { id: format!("clip-{arch}-{fp:08x}"), model })
    }
}

/// CLIP's text tower behind OpenAI's tokenizer: a text as a unit vector in the space of the
/// same checkpoint's [`ClipEncoder`], so that frames can be ranked by their cosine to it.
pub struct ClipTextEncoder {
    model: clip_text::ClipText,
    tokenizer: &'static clip_tokenizer::ClipTokenizer,
}

impl ClipTextEncoder {
    /// The text tower of a whole CLIP checkpoint (the app's word search loads it on first use).
    pub fn load(path: &std::path::Path) -> Result<Self> {
        Self::new(&clip::Weights::load_text(path)?)
    }

    fn new(weights: &clip::Weights) -> Result<Self> {
        let model = clip_text::ClipText::new(weights, &burn_device())?;
        let tokenizer = clip_tokenizer::ClipTokenizer::shared()?;
        if model.config.vocab_size != tokenizer.vocab_size {
            return Err(crate::Error::input(
                &weights.path,
                format!("its text tower has a vocabulary of {} tokens, not the {} of OpenAI's CLIP tokenizer", model.config.vocab_size, tokenizer.vocab_size),
            ));
        }
        Ok(ClipTextEncoder { model, tokenizer })
    }

    pub fn dim(&self) -> usize {
        self.model.config.output_dim
    }

    /// The text's unit-length embedding, and whether it was cut to the context (77 tokens).
    pub fn embed(&self, text: &str) -> Result<(Vec<f32>, bool)> {
        let tokens = self.tokenizer.tokenize(text, self.model.config.context_length);
        let mut v = self.model.embed(&[&tokens.ids])?.pop().ok_or_else(|| crate::Error::internal("the text tower returned nothing"))?;
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        v.iter_mut().for_each(|x| *x /= norm);
        Ok((v, tokens.truncated))
    }
}

/// Both towers of one whole-model checkpoint (read once): frames and texts in one space.
pub fn clip_pair(weights: &std::path::Path) -> Result<(ClipEncoder, ClipTextEncoder)> {
    let (image, text) = clip::Weights::load_both(weights)?;
    let (image, text) = (ClipEncoder::new(&image)?, ClipTextEncoder::new(&text)?);
    if image.dim() != text.dim() {
        return Err(crate::Error::input(weights, format!("its image tower embeds in {} dimensions and its text tower in {}", image.dim(), text.dim())));
    }
    Ok((image, text))
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
    /// The tower runs once the sampler is done (up to 256 samples, 154 MB held at 224 px; a
    /// longer window encodes every 256, while the sampler fills its queue of 32), in batches of
    /// 32. Beside the decoder's threads on 2 cores, libtorch's OpenMP workers spin
    /// between the tower's steps and take the cycles decoding needs: a ViT-B/32 head of a 1080p
    /// episode took 15.6 s encoding 16 at a time as samples came, 13.6 s this way (bf16: 11.5
    /// against 9.35 s; `bench pipeline`, 2026-12-05). Batches of 32 beat 16 by 1–6 % (the same
    /// run's sweep of the tower alone: 1, 4, 8, 16, 32, 64).
    fn feeding(&self) -> Feeding {
        Feeding { batch: 32, hold: 256 }
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

/// Where CLIP weights come from: `given`, else `INTROSKIP_CLIP_WEIGHTS`, else the saved settings
/// (then `true`: a failure to load them is the settings' fault, and is told so).
pub fn clip_weights_for(given: Option<&std::path::Path>) -> Option<(std::path::PathBuf, bool)> {
    let from_env = std::env::var_os("INTROSKIP_CLIP_WEIGHTS").map(std::path::PathBuf::from);
    if let Some(path) = given.map(std::path::Path::to_path_buf).or(from_env) {
        return Some((path, false));
    }
    crate::settings::Settings::load().clip_weights.map(|path| (path, true))
}

/// A failure to load the CLIP weights the settings name, as the user can act on it.
pub fn saved_weights_error(e: crate::Error) -> crate::Error {
    crate::Error::Usage(format!(
        "the CLIP weights saved in {} cannot be used: {e}; pick others in the app or remove that setting",
        crate::settings::settings_path().display()
    ))
}

/// The encoder for a run: CLIP when weights are given (argument, else `INTROSKIP_CLIP_WEIGHTS`,
/// else the saved settings), the embedded descriptor otherwise.
pub fn encoder_for(clip_weights: Option<&std::path::Path>) -> Result<Box<dyn FrameEncoder>> {
    match clip_weights_for(clip_weights) {
        Some((path, false)) => Ok(Box::new(ClipEncoder::load(&path)?)),
        Some((path, true)) => ClipEncoder::load(&path).map(|e| Box::new(e) as Box<dyn FrameEncoder>).map_err(saved_weights_error),
        None => Ok(default_encoder()),
    }
}
