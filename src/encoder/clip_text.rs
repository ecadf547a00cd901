//! OpenAI CLIP's text tower (`CLIP.encode_text` in OpenAI's `clip/model.py`), in Burn.
//!
//! Token embedding plus learned positions, the image tower's pre-LN residual blocks under a causal
//! mask (a token sees itself and those before it), `ln_final`, and the projection of the features
//! at the end token (the sequence's largest id, as OpenAI finds it). The shape is read off the
//! tensors: width from the token embedding (heads of 64), context from the positions, layers by
//! counting the text tower's blocks, output from the projection. Weights come from the files the
//! image tower reads (whole-model checkpoints; `clip::Weights::load_text`). Parity with OpenAI's
//! code is tested on seeded random weights (`training/reference/clip_text_reference.py`).

use super::clip::{Block, LayerNorm, Loader, Tower, Weights};
use crate::error::{Error, Result};
use burn::tensor::{Device, FloatDType, Int, Tensor, TensorData};

/// The text tower's shape, detected from the weights.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClipTextConfig {
    pub vocab_size: usize,
    pub context_length: usize,
    pub width: usize,
    pub layers: usize,
    pub heads: usize,
    pub output_dim: usize,
}

impl Weights {
    /// Read the text tower's architecture off the shapes.
    pub fn text_config(&self) -> Result<ClipTextConfig> {
        if self.tower != Tower::Text {
            return Err(Error::internal("text_config on an image tower's weights"));
        }
        let tok = self.shape("token_embedding.weight")?;
        let pos = self.shape("positional_embedding")?;
        let proj = self.shape("text_projection")?;
        let bad = |name: &str, shape: &[usize], expected: &str| Err(Error::input(&self.path, format!("tensor '{name}' has shape {shape:?}, expected {expected}")));
        if tok.len() != 2 {
            return bad("token_embedding.weight", &tok, "[vocabulary, width]");
        }
        let width = tok[1];
        if pos.len() != 2 || pos[1] != width || pos[0] == 0 {
            return bad("positional_embedding", &pos, &format!("[context, {width}]"));
        }
        if proj.len() != 2 || proj[0] != width {
            return bad("text_projection", &proj, &format!("[{width}, output]"));
        }
        if width == 0 || width % 64 != 0 {
            return Err(Error::input(&self.path, format!("text width {width} is not a multiple of CLIP's 64-wide attention heads")));
        }
        Ok(ClipTextConfig { vocab_size: tok[0], context_length: pos[0], width, layers: self.layers()?, heads: width / 64, output_dim: proj[1] })
    }
}

pub struct ClipText {
    pub config: ClipTextConfig,
    token_embedding: Tensor<2>,
    positional_embedding: Tensor<2>,
    blocks: Vec<Block>,
    ln_final: LayerNorm,
    text_projection: Tensor<2>,
    device: Device,
}

impl ClipText {
    pub fn new(weights: &Weights, device: &Device) -> Result<Self> {
        let c = weights.text_config()?;
        let w = c.width;
        let load = Loader { weights, device };
        Ok(ClipText {
            token_embedding: load.t2("token_embedding.weight", c.vocab_size, w)?,
            positional_embedding: load.t2("positional_embedding", c.context_length, w)?,
            blocks: load.blocks(w, c.layers)?,
            ln_final: load.ln("ln_final", w)?,
            text_projection: load.t2("text_projection", w, c.output_dim)?,
            config: c,
            device: device.clone(),
        })
    }

    /// Token rows (each as `clip.tokenize` gives them: start, ids, end, zeros; all one length, at
    /// most the context) → embeddings [B, output_dim], not normalised.
    pub fn embed(&self, tokens: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        let c = &self.config;
        let Some(len) = tokens.first().map(|t| t.len()) else { return Ok(Vec::new()) };
        if len == 0 || len > c.context_length || tokens.iter().any(|t| t.len() != len) {
            return Err(Error::internal(format!("CLIP text input rows must share one length of 1 to {}", c.context_length)));
        }
        if let Some(&id) = tokens.iter().flat_map(|t| t.iter()).find(|&&id| id as usize >= c.vocab_size) {
            return Err(Error::internal(format!("token id {id} is outside this text tower's vocabulary of {}", c.vocab_size)));
        }
        // OpenAI's `text.argmax(dim=-1)`: the first position of the row's largest id.
        let ends: Vec<usize> = tokens.iter().map(|t| t.iter().enumerate().fold(0, |best, (i, &id)| if id > t[best] { i } else { best })).collect();
        // Under the causal mask nothing after a row's end token reaches it: run only as far as
        // the furthest one (the same numbers, a fraction of the work for short queries).
        let l = ends.iter().max().map_or(1, |&e| e + 1);
        let b = tokens.len();
        let ids: Vec<i32> = tokens.iter().flat_map(|t| t[..l].iter().map(|&id| id as i32)).collect();
        let ids = Tensor::<1, Int>::from_ints(TensorData::new(ids, [b * l]), &self.device);
        let w = c.width;
        let x = self.token_embedding.clone().select(0, ids).reshape([b, l, w]) + self.positional_embedding.clone().narrow(0, 0, l).reshape([1, l, w]);
        let mask: Vec<f32> = (0..l * l).map(|i| if i % l > i / l { f32::NEG_INFINITY } else { 0.0 }).collect();
        let mask = Tensor::<2>::from_data(TensorData::new(mask, [l, l]), &self.device);
        let mut x = x;
        for block in &self.blocks {
            x = block.forward(x, c.heads, FloatDType::F32, Some(&mask));
        }
        let at_end: Vec<i32> = ends.iter().enumerate().map(|(row, &e)| (row * l + e) as i32).collect();
        let at_end = Tensor::<1, Int>::from_ints(TensorData::new(at_end, [b]), &self.device);
        let x = x.reshape([b * l, w]).select(0, at_end);
        let out = self.ln_final.forward(x, FloatDType::F32).matmul(self.text_projection.clone());
        let values = out.into_data().convert::<f32>().try_to_vec::<f32>().map_err(|e| Error::internal(format!("{e:?}")))?;
        Ok(values.chunks(c.output_dim).map(<[f32]>::to_vec).collect())
    }
}
