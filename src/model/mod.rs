//! Stage 3 of the pipeline: per-second embeddings → typed segments.
//!
//! An encoder-specific input projection, sinusoidal positions (any length up to
//! [`MAX_SECONDS`]), a small transformer encoder, linear emissions and a linear-chain CRF over the
//! tags in [`TAGS`]. Viterbi gives the path, forward–backward the per-second intro probability
//! (the GUI's curve) and each segment's confidence; [`postprocess`] turns the path into intervals.
//! A trained model is a folder: `model.safetensors` + `manifest.json` (encoder, dims, tags, recipe,
//! dev metrics, sha256), checked against the active encoder when loaded.

pub mod crf;
pub mod picture;
pub mod postprocess;
pub mod snap;
pub mod train;

use crate::encoder::cache::EpisodeFeatures;
use crate::encoder::{cosine, FrameEncoder};
use crate::error::{io_error, Error, Result};
use burn::module::Module;
use burn::nn::transformer::{TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig, PositionalEncoding, PositionalEncodingConfig};
use burn::tensor::{Device, Tensor, TensorData};
use burn::store::ModuleSnapshot;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Per-second tags. Everything that is not intro or recap (cold open, body, credits, preview) is
/// `outside` for now; the CRF extends to more tags by adding names here and retraining.
pub const TAGS: [&str; 3] = ["outside", "intro", "recap"];
pub const INTRO: usize = 1;
pub const RECAP: usize = 2;
/// Longest sequence the positional table covers (17 min at 1 FPS).
pub const MAX_SECONDS: usize = 1024;

/// Extra per-second channels after the embedding (a new list means a new model):
/// - `novelty_prev` / `novelty_next`: 1 − cosine to the neighbouring seconds (cuts, fades);
/// - `repeat_max`: the best cosine to any second of another episode of the season;
/// - `repeat_frac`: the share of the season's other episodes holding a near-copy (≥ [`REPEAT`]) —
///   an intro repeats in most episodes, a recap clip in one;
/// - `run_max`: the longest run of consecutive seconds, through this one, that another episode
///   shows in the same order (a diagonal in the similarity matrix; steps of 0–2 s allowed, so PAL
///   speed-ups still align), in units of 30 s, capped at 3;
/// - `run_frac`: the share of other episodes holding such a run of at least [`MIN_RUN_S`];
/// - `season`: 1 when other episodes were given, 0 for a lone episode (the channels above are
///   then 0 and the model relies on the episode alone);
/// - `luma_mean` / `luma_std`: brightness and contrast of the thumbnail's centre (fades to black,
///   title cards on flat backgrounds) — the embedded descriptor is blind to both by design;
/// - the sound channels of [`crate::encoder::audio::AUDIO_CHANNELS`] (loudness, changes of sound
///   at either side, onsets, tonality): what a lone episode's soundtrack says;
/// - `text`: how strongly a line of overlaid text stands out ([`picture::text_line`]): title
///   cards, captions, credits.
///
/// A model lists the channels it reads in its manifest; older models read a prefix of this list.
pub const CHANNELS: [&str; 15] = [
    "novelty_prev", "novelty_next", "repeat_max", "repeat_frac", "run_max", "run_frac", "season", "luma_mean", "luma_std",
    "loudness", "sound_change_prev", "sound_change_next", "sound_flux", "tonality", "text",
];
/// A run this long (seconds) counts as shared footage rather than a coincidence.
pub const MIN_RUN_S: usize = 5;
/// Cosine above which two seconds count as the same footage (the baseline's threshold).
pub const REPEAT: f32 = crate::baseline::REPEAT_SIMILARITY;

/// Moves the CRF may never make: a recap does not follow the intro.
pub fn allowed_transitions() -> Vec<Vec<bool>> {
    let mut allowed = vec![vec![true; TAGS.len()]; TAGS.len()];
    allowed[INTRO][RECAP] = false;
    allowed
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    pub embed_dim: usize,
    /// The encoder-specific projection: the embedding enters through this many dimensions
    /// (after dropout), beside the channels. A narrow bottleneck keeps the small model from
    /// memorising the training footage; 0 leaves the embedding out (channels only).
    pub embed_bottleneck: usize,
    pub embed_dropout: f64,
    pub channels: Vec<String>,
    pub d_model: usize,
    pub n_heads: usize,
    pub n_layers: usize,
    pub d_ff: usize,
    pub dropout: f64,
}

impl ModelConfig {
    pub fn for_encoder(embed_dim: usize) -> Self {
        ModelConfig {
            embed_dim,
            embed_bottleneck: bottleneck_from_env(0),
            embed_dropout: 0.5,
            channels: CHANNELS.iter().map(|s| s.to_string()).collect(),
            d_model: 64,
            n_heads: 4,
            n_layers: 2,
            d_ff: 128,
            dropout: 0.2,
        }
    }
    /// Width of one input row (embedding + channels), as [`input_rows`] lays it out.
    pub fn input_dim(&self) -> usize {
        self.embed_dim + self.channels.len()
    }
}

/// The projection width for new models: `INTROSKIP_EMBED_BOTTLENECK` lets `introskip train` try
/// others (the README's comparison of 0 and 8 was made this way); trained models keep theirs in
/// the manifest.
fn bottleneck_from_env(default: usize) -> usize {
    std::env::var("INTROSKIP_EMBED_BOTTLENECK").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Module, Debug)]
pub struct Tagger {
    embed_dim: usize,
    embed_dropout: burn::nn::Dropout,
    embed_proj: Option<Linear>,
    input: Linear,
    input_norm: LayerNorm,
    positions: PositionalEncoding,
    encoder: TransformerEncoder,
    emit: Linear,
    pub crf: crf::Crf,
}

impl Tagger {
    pub fn new(config: &ModelConfig, device: &Device) -> Self {
        let bottleneck = config.embed_bottleneck;
        Tagger {
            embed_dim: config.embed_dim,
            embed_dropout: burn::nn::DropoutConfig::new(config.embed_dropout).init(),
            embed_proj: (bottleneck > 0).then(|| LinearConfig::new(config.embed_dim, bottleneck).init(device)),
            input: LinearConfig::new(bottleneck + config.channels.len(), config.d_model).init(device),
            input_norm: LayerNormConfig::new(config.d_model).init(device),
            positions: PositionalEncodingConfig::new(config.d_model).with_max_sequence_size(MAX_SECONDS).init(device),
            encoder: TransformerEncoderConfig::new(config.d_model, config.d_ff, config.n_heads, config.n_layers)
                .with_dropout(config.dropout)
                .with_norm_first(true)
                .init(device),
            emit: LinearConfig::new(config.d_model, TAGS.len()).init(device),
            crf: crf::Crf::new(TAGS.len(), device),
        }
    }

    /// Emissions `[batch, time, tags]` for inputs `[batch, time, input_dim]`.
    pub fn emissions(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, t, d] = x.dims();
        let channels = x.clone().slice([0..b, 0..t, self.embed_dim..d]);
        let x = match &self.embed_proj {
            Some(proj) => {
                let e = self.embed_dropout.forward(x.slice([0..b, 0..t, 0..self.embed_dim]));
                Tensor::cat(vec![proj.forward(e), channels], 2)
            }
            None => channels,
        };
        let h = self.input_norm.forward(self.input.forward(x));
        let h = self.positions.forward(h);
        let h = self.encoder.forward(TransformerEncoderInput::new(h));
        self.emit.forward(h)
    }
}

/// The model's input for one episode: each second's embedding followed by [`CHANNELS`].
/// `season` holds the other episodes of its season when known (season mode), else is empty.
/// Returns row-major `[seconds × input_dim]`.
pub fn input_rows(features: &EpisodeFeatures, season: &[&EpisodeFeatures]) -> Vec<f32> {
    let n = features.seconds.len();
    let others: Vec<Against> = season.iter().filter(|o| o.dim == features.dim).map(|o| against(features, o)).collect();
    let mut out = Vec::with_capacity(n * (features.dim + CHANNELS.len()));
    for i in 0..n {
        let e = features.embedding(i);
        out.extend_from_slice(e);
        let novelty = |j: Option<usize>| j.filter(|&j| j < n).map_or(0.0, |j| 1.0 - cosine(e, features.embedding(j)));
        out.push(novelty(i.checked_sub(1)));
        out.push(novelty(Some(i + 1)));
        if others.is_empty() {
            out.extend_from_slice(&[0.0; 5]);
        } else {
            let best = others.iter().map(|o| o.best[i]).fold(-1.0f32, f32::max);
            let frac = others.iter().filter(|o| o.best[i] >= REPEAT).count() as f32 / others.len() as f32;
            let run = others.iter().map(|o| o.run[i]).max().unwrap_or(0);
            let run_frac = others.iter().filter(|o| o.run[i] >= MIN_RUN_S).count() as f32 / others.len() as f32;
            out.extend_from_slice(&[best, frac, (run as f32 / 30.0).min(3.0), run_frac, 1.0]);
        }
        let (mean, std) = features.thumbnails.get(i).map_or((0.0, 0.0), picture::centre_luma);
        out.extend_from_slice(&[mean, std]);
        let sound = features.audio.get(features.seconds[i] as usize).copied().unwrap_or_default();
        out.extend_from_slice(&sound);
        out.push(features.thumbnails.get(i).map_or(0.0, picture::text_line));
    }
    out
}

/// Keep the embedding and the channels a model reads (`pick`: indices into [`CHANNELS`]) from
/// rows laid out by [`input_rows`].
pub fn pick_channels(rows: &[f32], embed_dim: usize, pick: &[usize]) -> Vec<f32> {
    let width = embed_dim + CHANNELS.len();
    if pick.len() == CHANNELS.len() && pick.iter().enumerate().all(|(i, &c)| i == c) {
        return rows.to_vec();
    }
    rows.chunks_exact(width).flat_map(|row| row[..embed_dim].iter().copied().chain(pick.iter().map(|&c| row[embed_dim + c]))).collect()
}

/// The indices into [`CHANNELS`] of a model's channel names; an unknown name is an error.
pub fn channel_indices(names: &[String]) -> std::result::Result<Vec<usize>, String> {
    names.iter().map(|n| CHANNELS.iter().position(|c| c == n).ok_or_else(|| format!("model reads channel '{n}', which this build does not compute"))).collect()
}

/// Per second of an episode, against one other episode: best cosine and longest aligned run.
struct Against {
    best: Vec<f32>,
    run: Vec<usize>,
}

fn against(a: &EpisodeFeatures, b: &EpisodeFeatures) -> Against {
    let (n, m) = (a.seconds.len(), b.seconds.len());
    let mut best = vec![-1.0f32; n];
    let mut hit = vec![false; n * m];
    for i in 0..n {
        let e = a.embedding(i);
        for j in 0..m {
            let c = cosine(e, b.embedding(j));
            best[i] = best[i].max(c);
            hit[i * m + j] = c >= REPEAT;
        }
    }
    // Longest monotone path of hits through (i, j): forward and backward, steps j+0..=2 per i+1.
    let mut fwd = vec![0usize; n * m];
    for i in 0..n {
        for j in 0..m {
            if hit[i * m + j] {
                let prev = if i == 0 { 0 } else { (0..=2).filter(|d| j >= *d).map(|d| fwd[(i - 1) * m + j - d]).max().unwrap_or(0) };
                fwd[i * m + j] = prev + 1;
            }
        }
    }
    let mut bwd = vec![0usize; n * m];
    for i in (0..n).rev() {
        for j in 0..m {
            if hit[i * m + j] {
                let next = if i + 1 == n { 0 } else { (0..=2).filter(|d| j + d < m).map(|d| bwd[(i + 1) * m + j + d]).max().unwrap_or(0) };
                bwd[i * m + j] = next + 1;
            }
        }
    }
    let run = (0..n).map(|i| (0..m).map(|j| if hit[i * m + j] { fwd[i * m + j] + bwd[i * m + j] - 1 } else { 0 }).max().unwrap_or(0)).collect();
    Against { best, run }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub encoder_id: String,
    pub encoder_version: u32,
    pub config: ModelConfig,
    pub tags: Vec<String>,
    pub postprocess: postprocess::PostProcess,
    /// How it was trained: data set, seed, epochs, optimiser — enough to retrain it.
    pub training: serde_json::Value,
    /// Scores on the dev series (`introskip eval` numbers) of the whole model.
    pub dev_metrics: serde_json::Value,
    /// The ensemble: members trained from different seeds whose emissions and CRF scores are
    /// averaged (one member is a plain model).
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Member {
    /// File in the model folder.
    pub weights: String,
    pub sha256: String,
    pub seed: u64,
    pub best_epoch: usize,
}

pub const MANIFEST: &str = "manifest.json";

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the model says about one episode.
#[derive(Clone, Debug, Serialize)]
pub struct Detection {
    /// Intervals in seconds with their confidence (mean intro probability over the interval).
    pub intros: Vec<DetectedSegment>,
    pub recaps: Vec<DetectedSegment>,
    /// P(intro) for each sampled second.
    pub intro_probability: Vec<f32>,
    /// The Viterbi tag of each second.
    pub tags: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DetectedSegment {
    pub start: f64,
    pub end: f64,
    pub confidence: f64,
}

pub struct IntroModel {
    taggers: Vec<Tagger>,
    pub manifest: Manifest,
    scores: crf::CrfScores,
    device: Device,
    /// The manifest's channels as indices into [`CHANNELS`].
    channels: Vec<usize>,
}

/// The members' CRF scores, averaged.
pub fn average_scores(taggers: &[Tagger]) -> crf::CrfScores {
    let all: Vec<crf::CrfScores> = taggers.iter().map(|t| t.crf.scores(&allowed_transitions())).collect();
    let n = all.len().max(1) as f64;
    let mut out = all[0].clone();
    for (i, row) in out.transitions.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = all.iter().map(|s| s.transitions[i][j]).sum::<f64>() / n;
        }
    }
    for k in 0..out.start.len() {
        out.start[k] = all.iter().map(|s| s.start[k]).sum::<f64>() / n;
        out.end[k] = all.iter().map(|s| s.end[k]).sum::<f64>() / n;
    }
    out
}

impl IntroModel {
    pub fn from_taggers(taggers: Vec<Tagger>, manifest: Manifest, device: Device) -> Self {
        let scores = average_scores(&taggers);
        let channels = channel_indices(&manifest.config.channels).expect("checked when the model was loaded or built");
        IntroModel { taggers, manifest, scores, device, channels }
    }

    /// Load a model folder and check it was trained for `encoder`.
    pub fn load(dir: &Path, encoder: &dyn FrameEncoder, device: &Device) -> Result<Self> {
        let manifest_path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| io_error(&manifest_path, e))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| Error::input(&manifest_path, format!("not a model manifest: {e}")))?;
        if manifest.format != 1 {
            return Err(Error::input(&manifest_path, format!("model format {} is not supported (this build reads 1)", manifest.format)));
        }
        if manifest.encoder_id != encoder.id() || manifest.encoder_version != encoder.version() || manifest.config.embed_dim != encoder.dim() {
            return Err(Error::input(
                &manifest_path,
                format!(
                    "this model was trained for encoder {} v{} ({}-d) but the active encoder is {} v{} ({}-d); train one with `introskip train --encoder …` or pick the matching encoder",
                    manifest.encoder_id, manifest.encoder_version, manifest.config.embed_dim, encoder.id(), encoder.version(), encoder.dim()
                ),
            ));
        }
        if manifest.tags != TAGS {
            return Err(Error::input(&manifest_path, format!("model tags {:?} differ from this build's {:?}", manifest.tags, TAGS)));
        }
        if manifest.members.is_empty() {
            return Err(Error::input(&manifest_path, "lists no weights (members)"));
        }
        channel_indices(&manifest.config.channels).map_err(|e| Error::input(&manifest_path, e))?;
        let mut taggers = Vec::with_capacity(manifest.members.len());
        for m in &manifest.members {
            if m.weights.contains('/') || m.weights.contains('\\') {
                return Err(Error::input(&manifest_path, format!("member weights '{}' must be a file in the model folder", m.weights)));
            }
            let weights_path = dir.join(&m.weights);
            let bytes = std::fs::read(&weights_path).map_err(|e| io_error(&weights_path, e))?;
            if sha256_hex(&bytes) != m.sha256 {
                return Err(Error::input(&weights_path, "sha256 does not match the manifest: the file is damaged or from another model"));
            }
            let mut tagger = Tagger::new(&manifest.config, device);
            let mut store = burn::store::SafetensorsStore::from_bytes(Some(bytes));
            let result = tagger.load_from(&mut store).map_err(|e| Error::input(&weights_path, format!("cannot load weights: {e}")))?;
            if !result.missing.is_empty() || !result.errors.is_empty() {
                return Err(Error::input(&weights_path, format!("weights do not fit the manifest's model: missing {:?}, errors {:?}", result.missing, result.errors)));
            }
            taggers.push(tagger);
        }
        Ok(Self::from_taggers(taggers, manifest, device.clone()))
    }

    /// Write the members' weights and the manifest (whose `members` gain their sha256).
    pub fn save(taggers: &[Tagger], manifest: &mut Manifest, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        for (tagger, member) in taggers.iter().zip(manifest.members.iter_mut()) {
            let mut store = burn::store::SafetensorsStore::from_bytes(None);
            tagger.save_into(&mut store).map_err(|e| Error::internal(format!("cannot serialise the model: {e}")))?;
            let bytes = store.get_bytes().map_err(|e| Error::internal(format!("cannot serialise the model: {e}")))?;
            member.sha256 = sha256_hex(&bytes);
            crate::cli::write_atomic(&dir.join(&member.weights), |w| w.write_all(&bytes))?;
        }
        crate::cli::write_atomic(&dir.join(MANIFEST), |w| serde_json::to_writer_pretty(w, &*manifest).map_err(std::io::Error::other))
    }

    /// Per-second emissions for one episode's input rows.
    pub fn emissions(&self, rows: &[f32], seconds: usize) -> Vec<Vec<f64>> {
        emissions_of(&self.taggers, rows, seconds, self.manifest.config.input_dim(), &self.device)
    }

    /// Detect on one episode; `season` holds the other episodes of its season (may be empty).
    pub fn detect(&self, features: &EpisodeFeatures, season: &[&EpisodeFeatures]) -> Detection {
        let n = features.seconds.len();
        if n == 0 {
            return Detection { intros: vec![], recaps: vec![], intro_probability: vec![], tags: vec![] };
        }
        let rows = pick_channels(&input_rows(features, season), features.dim, &self.channels);
        let em = self.emissions(&rows, n);
        decode(&em, &self.scores, &self.manifest.postprocess, &features.seconds)
    }
}

/// Per-second emissions, averaged over the ensemble's members.
pub(crate) fn emissions_of(taggers: &[Tagger], rows: &[f32], seconds: usize, input_dim: usize, device: &Device) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0; TAGS.len()]; seconds];
    let n = taggers.len().max(1) as f64;
    for tagger in taggers {
        // Longer than the positional table: the model sees consecutive chunks.
        for start in (0..seconds).step_by(MAX_SECONDS) {
            let len = (seconds - start).min(MAX_SECONDS);
            let x = Tensor::<3>::from_data(TensorData::new(rows[start * input_dim..(start + len) * input_dim].to_vec(), [1, len, input_dim]), device);
            let em = tagger.emissions(x).into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 emissions");
            for (t, r) in em.chunks(TAGS.len()).enumerate() {
                for (k, v) in r.iter().enumerate() {
                    out[start + t][k] += *v as f64 / n;
                }
            }
        }
    }
    out
}

/// Viterbi path, marginals and post-processing → intervals in seconds.
pub fn decode(em: &[Vec<f64>], scores: &crf::CrfScores, post: &postprocess::PostProcess, seconds: &[u32]) -> Detection {
    let path = crf::viterbi(em, scores);
    let marg = crf::marginals(em, scores);
    let prob = |tag: usize| marg.iter().map(|r| r[tag]).collect::<Vec<f64>>();
    // A boundary lies somewhere between the last second of one tag and the first of the next:
    // the midpoint halves the expected error (the first second of the window is its own start).
    let to_segments = |runs: Vec<postprocess::Run>| {
        runs.into_iter()
            .map(|r| DetectedSegment {
                start: if r.start == 0 { seconds[0] as f64 } else { (seconds[r.start - 1] as f64 + seconds[r.start] as f64) / 2.0 },
                end: seconds.get(r.end).map_or(seconds[r.end - 1] as f64 + 0.5, |&s| (seconds[r.end - 1] as f64 + s as f64) / 2.0),
                confidence: (r.confidence * 1000.0).round() / 1000.0,
            })
            .collect::<Vec<_>>()
    };
    let intro_p = prob(INTRO);
    let intro_mask: Vec<bool> = path.iter().map(|&t| t == INTRO).collect();
    let intros = postprocess::choose_intros(postprocess::clean_runs(&intro_mask, &intro_p, post), post);
    let recap_p = prob(RECAP);
    let recap_mask: Vec<bool> = path.iter().map(|&t| t == RECAP).collect();
    let recaps = postprocess::clean_runs(&recap_mask, &recap_p, post);
    Detection {
        intros: to_segments(intros),
        recaps: to_segments(recaps),
        intro_probability: intro_p.iter().map(|&p| p as f32).collect(),
        tags: path.iter().map(|&t| TAGS[t]).collect(),
    }
}

/// Where the shipped model for `encoder` lives: `$INTROSKIP_MODELS/<id>` if set, else `models/<id>`
/// beside the executable's project (the repository when run from it) and the installed data dir.
pub fn default_model_dir(encoder: &dyn FrameEncoder) -> Option<PathBuf> {
    let id = encoder.id();
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("INTROSKIP_MODELS") {
        candidates.push(PathBuf::from(dir).join(&id));
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models").join(&id));
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            candidates.push(dir.join("models").join(&id));
        }
    }
    candidates.push(crate::paths::xdg_base("XDG_DATA_HOME", ".local/share").join("introskip/models").join(&id));
    candidates.into_iter().find(|d| d.join(MANIFEST).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_window_length_works_up_to_ten_minutes_and_beyond() {
        let device = crate::encoder::burn_device();
        let config = ModelConfig { embed_bottleneck: 4, ..ModelConfig::for_encoder(8) };
        let tagger = Tagger::new(&config, &device);
        for seconds in [1, 180, 600, MAX_SECONDS + 37] {
            let rows = vec![0.1f32; seconds * config.input_dim()];
            let em = emissions_of(std::slice::from_ref(&tagger), &rows, seconds, config.input_dim(), &device);
            assert_eq!(em.len(), seconds);
            assert!(em.iter().all(|r| r.len() == TAGS.len() && r.iter().all(|v| v.is_finite())));
            let d = decode(&em, &average_scores(std::slice::from_ref(&tagger)), &postprocess::PostProcess::default(), &(0..seconds as u32).collect::<Vec<_>>());
            assert_eq!(d.intro_probability.len(), seconds);
        }
    }

    #[test]
    fn boundaries_fall_midway_between_samples() {
        // Seconds 10..=19 tagged intro by overwhelming emissions: the intro is 9.5–19.5 s.
        let em: Vec<Vec<f64>> = (0..40).map(|t| if (10..20).contains(&t) { vec![0.0, 50.0, 0.0] } else { vec![50.0, 0.0, 0.0] }).collect();
        let scores = crf::CrfScores { transitions: vec![vec![0.0; 3]; 3], start: vec![0.0; 3], end: vec![0.0; 3] };
        let d = decode(&em, &scores, &postprocess::PostProcess::default(), &(0..40).collect::<Vec<u32>>());
        assert_eq!(d.intros.len(), 1);
        assert_eq!((d.intros[0].start, d.intros[0].end), (9.5, 19.5));
        assert!(d.intros[0].confidence > 0.99);
        // At the window's first second the intro starts at 0.
        let em: Vec<Vec<f64>> = (0..40).map(|t| if t < 12 { vec![0.0, 50.0, 0.0] } else { vec![50.0, 0.0, 0.0] }).collect();
        let d = decode(&em, &scores, &postprocess::PostProcess::default(), &(0..40).collect::<Vec<u32>>());
        assert_eq!((d.intros[0].start, d.intros[0].end), (0.0, 11.5));
    }
}
