//! Stage 4 of the pipeline: per-second features → typed segments. It reads what `features/`
//! computed and never opens a media file itself (snapping asks `video/` for cuts).
//!
//! An encoder-specific input projection, sinusoidal positions (any length up to
//! [`MAX_SECONDS`]), a small transformer encoder, linear emissions and a linear-chain CRF over the
//! tags in [`TAGS`]. Viterbi gives the path, forward–backward the per-second intro probability
//! (the GUI's curve) and each segment's confidence; [`postprocess`] turns the path into intervals.
//! A trained model is a folder: `model.safetensors` + `manifest.json` (encoder, dims, tags, recipe,
//! dev metrics, sha256), checked against the active encoder when loaded.

pub mod credits;
pub mod crf;
pub mod loader;
pub mod postprocess;
pub mod season;
pub mod snap;

pub use loader::{default_model_dir, load_model, sha256_hex, Manifest, Member, MANIFEST};

use crate::features::channels::{channel_indices, input_rows, pick_channels, CHANNELS};
use crate::features::EpisodeFeatures;
use burn::module::Module;
use burn::nn::transformer::{TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig, PositionalEncoding, PositionalEncodingConfig};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

/// Per-second tags. Everything that is not intro or recap (cold open, body, credits, preview) is
/// `outside` for now; the CRF extends to more tags by adding names here and retraining.
pub const TAGS: [&str; 3] = ["outside", "intro", "recap"];
pub const INTRO: usize = 1;
pub const RECAP: usize = 2;
/// Longest sequence the positional table covers (17 min at 1 FPS).
pub const MAX_SECONDS: usize = 1024;

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

/// What the model says about one episode.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Detection {
    /// Intervals in seconds with their confidence (mean intro probability over the interval).
    pub intros: Vec<DetectedSegment>,
    pub recaps: Vec<DetectedSegment>,
    /// P(intro) for each sampled second.
    pub intro_probability: Vec<f32>,
    /// P(recap) for each sampled second (what season judgement weighs a repeat against).
    pub recap_probability: Vec<f32>,
}

impl Detection {
    /// Nothing found, no probabilities.
    pub fn empty() -> Self {
        Detection { intros: vec![], recaps: vec![], intro_probability: vec![], recap_probability: vec![] }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetectedSegment {
    pub start: f64,
    pub end: f64,
    pub confidence: f64,
    /// What placed the start and the end, in the order it happened (e.g. sound, then a cut).
    pub start_by: Vec<Evidence>,
    pub end_by: Vec<Evidence>,
    /// How many other episodes of the season play this span too (0 alone or when none does).
    pub repeats_in: usize,
}

impl DetectedSegment {
    /// A segment whose edges the model placed on its own.
    pub fn by_model(start: f64, end: f64, confidence: f64) -> Self {
        DetectedSegment { start, end, confidence, start_by: vec![Evidence::Model], end_by: vec![Evidence::Model], repeats_in: 0 }
    }
}

/// What placed a boundary: shown in the app and written in `detect`'s JSON, so that a user who
/// doubts a boundary sees why it is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The model's per-second tags (on the 1 s grid).
    Model,
    /// The edge of sound another episode plays too (fingerprints, ~0.1–0.5 s).
    Sound,
    /// The edge of frames another episode shows too (1 s grid).
    Picture,
    /// Moved to a shot cut found to the frame.
    Cut,
    /// On-screen text: where the names of the credits begin and end, or the series' title an
    /// intro must hold.
    Text,
    /// Moved to where the picture comes out of black (a fade, a black leader), found to the
    /// frame, where no cut was near.
    Fade,
    /// Moved to where the sound comes back after a silence, where neither a cut nor a fade was
    /// near (50 ms steps).
    Silence,
    /// Where the sound leaves the level it holds around the series' title on screen (a theme is
    /// mixed at one level; 1 s grid): an episode judged alone, or one its season left without an
    /// intro, whose intro nothing else places.
    Level,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Model => "model",
            Evidence::Sound => "sound",
            Evidence::Picture => "picture",
            Evidence::Cut => "cut",
            Evidence::Text => "text",
            Evidence::Fade => "fade",
            Evidence::Silence => "silence",
            Evidence::Level => "level",
        }
    }
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

    /// Per-second emissions for one episode's input rows.
    pub fn emissions(&self, rows: &[f32], seconds: usize) -> Vec<Vec<f64>> {
        emissions_of(&self.taggers, rows, seconds, self.manifest.config.input_dim(), &self.device)
    }

    /// Detect on one episode; `season` holds the other episodes of its season (may be empty).
    pub fn detect(&self, features: &EpisodeFeatures, season: &[&EpisodeFeatures]) -> Detection {
        let n = features.seconds.len();
        // Features of another encoder's width than this model's cannot be judged by it (the
        // loader and the cache keep them apart; this holds if they ever do not).
        let dim = self.manifest.config.embed_dim;
        if n == 0 || features.dim() != dim {
            return Detection::empty();
        }
        let season: Vec<&EpisodeFeatures> = season.iter().copied().filter(|f| f.dim() == dim).collect();
        let rows = pick_channels(&input_rows(features, &season), features.dim(), &self.channels);
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
            .map(|r| {
                DetectedSegment::by_model(
                    if r.start == 0 { seconds[0] as f64 } else { (seconds[r.start - 1] as f64 + seconds[r.start] as f64) / 2.0 },
                    seconds.get(r.end).map_or(seconds[r.end - 1] as f64 + 0.5, |&s| (seconds[r.end - 1] as f64 + s as f64) / 2.0),
                    (r.confidence * 1000.0).round() / 1000.0,
                )
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
        recap_probability: recap_p.iter().map(|&p| p as f32).collect(),
    }
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
