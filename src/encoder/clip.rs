//! OpenAI CLIP's image tower (`VisionTransformer` in OpenAI's `clip/model.py`), in Burn.
//!
//! Exactly the reference architecture: a bias-free patch convolution (done as a patch matmul,
//! which is the same linear map), class token, learned positions, `ln_pre`, pre-LN residual blocks
//! with fused `in_proj` attention and QuickGELU (`x·σ(1.702x)`), `ln_post` on the class token and
//! the projection; LayerNorm eps 1e-5. Weights come from the files users actually have: OpenAI /
//! open_clip state dicts (`.pt`, `.bin`, `.safetensors`) and Hugging Face
//! `CLIPVisionModelWithProjection` safetensors (separate q/k/v, other names), all mapped onto
//! OpenAI's names. The architecture is read off the tensor shapes; a file that does not fit is
//! refused with the name of the tensor that is wrong. Parity with OpenAI's code is tested on
//! seeded random weights (`training/reference/clip_reference.py`).
//!
//! The text tower (`clip_text.rs`) is built from the same blocks and read from the same files:
//! a whole-model checkpoint is split into its two towers here.

use crate::error::{Error, Result};
use burn::tensor::{activation, Device, FloatDType, Tensor, TensorData};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

const LN_EPS: f64 = 1e-5;

/// The tower's shape, detected from the weights.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClipConfig {
    pub input_resolution: usize,
    pub patch_size: usize,
    pub width: usize,
    pub layers: usize,
    pub heads: usize,
    pub output_dim: usize,
}

impl ClipConfig {
    /// The name OpenAI gives this shape, when it is one of theirs.
    pub fn name(&self) -> String {
        match (self.width, self.layers, self.patch_size, self.input_resolution) {
            (768, 12, 32, 224) => "ViT-B/32".into(),
            (768, 12, 16, 224) => "ViT-B/16".into(),
            (1024, 24, 14, 224) => "ViT-L/14".into(),
            (1024, 24, 14, 336) => "ViT-L/14@336px".into(),
            (w, l, p, r) => format!("ViT-w{w}-l{l}-p{p}-r{r}"),
        }
    }
}

/// One of CLIP's two towers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tower {
    Image,
    Text,
}

impl Tower {
    fn name(self) -> &'static str {
        match self {
            Tower::Image => "a CLIP image tower",
            Tower::Text => "a CLIP text tower",
        }
    }
}

/// One tower's tensors from a checkpoint, as f32 under OpenAI's names: the image tower's without
/// their `visual.` prefix, the text tower's as OpenAI's `CLIP` names them.
pub struct Weights {
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
    pub(super) path: std::path::PathBuf,
    pub(super) tower: Tower,
}

impl Weights {
    /// The image tower of a checkpoint: safetensors (open_clip or Hugging Face naming) or a
    /// PyTorch file (`torch.save` zip or legacy pickle, OpenAI's TorchScript; OpenAI / open_clip naming).
    pub fn load(path: &Path) -> Result<Self> {
        let (image, _) = read_towers(path)?;
        Weights::named(path, Tower::Image, image)
    }

    /// The text tower of a whole-model checkpoint (the same formats).
    pub fn load_text(path: &Path) -> Result<Self> {
        let (_, text) = read_towers(path)?;
        Weights::named(path, Tower::Text, text)
    }

    /// Both towers, reading the file once.
    pub fn load_both(path: &Path) -> Result<(Self, Self)> {
        let (image, text) = read_towers(path)?;
        Ok((Weights::named(path, Tower::Image, image)?, Weights::named(path, Tower::Text, text)?))
    }

    fn named(path: &Path, tower: Tower, raw: RawTensors) -> Result<Self> {
        let tensors = match tower {
            Tower::Image => normalise_names(raw),
            Tower::Text => normalise_text_names(raw),
        }
        .map_err(|m| Error::input(path, m))?;
        Ok(Weights { tensors, path: path.to_path_buf(), tower })
    }

    /// A tensor's shape, or an error naming it.
    pub(super) fn shape(&self, name: &str) -> Result<Vec<usize>> {
        self.tensors.get(name).map(|(s, _)| s.clone()).ok_or_else(|| Error::input(&self.path, format!("not {}: tensor '{name}' is missing", self.tower.name())))
    }

    /// The residual blocks' count (`transformer.resblocks.N`, numbered from 0 without gaps).
    pub(super) fn layers(&self) -> Result<usize> {
        let layers: BTreeSet<usize> = self
            .tensors
            .keys()
            .filter_map(|k| k.strip_prefix("transformer.resblocks.")?.split('.').next()?.parse().ok())
            .collect();
        if layers.is_empty() || layers.iter().copied().ne(0..layers.len()) {
            return Err(Error::input(&self.path, format!("not {}: residual blocks missing or not numbered 0..n", self.tower.name())));
        }
        Ok(layers.len())
    }
}

/// Read a checkpoint and split it into its image and its text tower's tensors (either may be
/// empty; the names are normalised per tower afterwards).
fn read_towers(path: &Path) -> Result<(RawTensors, RawTensors)> {
    // A fifo or a device would block (or never end) the reads below.
    crate::fsio::check_regular_file(path)?;
    let head = {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| crate::error::io_error(path, e))?;
        let mut head = [0u8; 9];
        let n = f.read(&mut head).map_err(|e| crate::error::io_error(path, e))?;
        head[..n].to_vec()
    };
    let raw = if head.len() == 9 && head[8] == b'{' {
        read_safetensors(path)?
    } else if super::torchscript::is_torchscript(path) {
        super::torchscript::read(path).map_err(|e| Error::input(path, format!("cannot read TorchScript archive: {e}")))?
    } else {
        read_pytorch(path)?
    };
    // A dimension of size 0 makes a network of nothing (zero heads, a 0-pixel input): Burn
    // panicked building it. No CLIP tensor has one.
    let mut empty: Vec<(&String, &Vec<usize>)> = raw.iter().filter(|(_, (shape, _))| shape.contains(&0)).map(|(name, (shape, _))| (name, shape)).collect();
    if let Some((name, shape)) = { empty.sort(); empty.first() } {
        return Err(Error::input(path, format!("tensor '{name}' has shape {shape:?}: a dimension of size 0 (damaged or not CLIP weights)")));
    }
    Ok(split_towers(raw))
}

impl Weights {
    pub(super) fn get(&self, name: &str, shape: &[usize]) -> Result<&[f32]> {
        match self.tensors.get(name) {
            None => Err(Error::input(&self.path, format!("not {}: tensor '{name}' is missing", self.tower.name()))),
            Some((s, _)) if s.as_slice() != shape => Err(Error::input(
                &self.path,
                format!("tensor '{name}' has shape {s:?}, expected {shape:?} for this architecture"),
            )),
            Some((_, v)) => Ok(v),
        }
    }

    /// Read the architecture off the shapes.
    pub fn config(&self) -> Result<ClipConfig> {
        let conv = self.shape("conv1.weight")?;
        let pos = self.shape("positional_embedding")?;
        let proj = self.shape("proj")?;
        if conv.len() != 4 || conv[1] != 3 || conv[2] != conv[3] || pos.len() != 2 || proj.len() != 2 {
            return Err(Error::input(&self.path, format!("tensor 'conv1.weight' has shape {conv:?}, expected [width, 3, patch, patch]")));
        }
        let (width, patch) = (conv[0], conv[2]);
        let grid = ((pos[0].saturating_sub(1)) as f64).sqrt().round() as usize;
        // No patch position (grid 0) is a 0-pixel model, which the backend would panic on.
        if grid == 0 || grid * grid + 1 != pos[0] || pos[1] != width {
            return Err(Error::input(&self.path, format!("tensor 'positional_embedding' has shape {pos:?}, expected [grid²+1, {width}]")));
        }
        let layers = self.layers()?;
        if width % 64 != 0 {
            return Err(Error::input(&self.path, format!("width {width} is not a multiple of CLIP's 64-wide attention heads")));
        }
        Ok(ClipConfig { input_resolution: grid * patch, patch_size: patch, width, layers, heads: width / 64, output_dim: proj[1] })
    }
}

fn dtype_of(s: safetensors::Dtype) -> Option<burn::tensor::DType> {
    use burn::tensor::DType;
    Some(match s {
        safetensors::Dtype::F32 => DType::F32,
        safetensors::Dtype::F16 => DType::F16,
        safetensors::Dtype::BF16 => DType::BF16,
        safetensors::Dtype::F64 => DType::F64,
        _ => return None,
    })
}

fn to_f32(bytes: Vec<u8>, shape: Vec<usize>, dtype: burn::tensor::DType) -> Option<Vec<f32>> {
    let data = TensorData::from_bytes_vec(bytes, shape, dtype).convert::<f32>();
    data.try_to_vec::<f32>().ok()
}

type RawTensors = HashMap<String, (Vec<usize>, Vec<f32>)>;

fn read_safetensors(path: &Path) -> Result<RawTensors> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::io_error(path, e))?;
    let st = safetensors::SafeTensors::deserialize(&bytes).map_err(|e| Error::input(path, format!("not a valid safetensors file: {e}")))?;
    let mut out = HashMap::new();
    for (name, view) in st.tensors() {
        let Some(dtype) = dtype_of(view.dtype()) else { continue }; // integer buffers (position_ids)
        let shape = view.shape().to_vec();
        let values = to_f32(view.data().to_vec(), shape.clone(), dtype)
            .ok_or_else(|| Error::input(path, format!("tensor '{name}' cannot be read as floats")))?;
        out.insert(name, (shape, values));
    }
    Ok(out)
}

fn read_pytorch(path: &Path) -> Result<RawTensors> {
    let reader = burn::store::pytorch_reader::PytorchReader::new(path)
        .map_err(|e| Error::input(path, format!("not a PyTorch checkpoint or safetensors file: {e}")))?;
    let mut out = HashMap::new();
    for (name, tensor) in reader.into_tensors() {
        use burn::store::pytorch_reader::DType as Pt;
        use burn::tensor::DType;
        let dtype = match tensor.dtype() {
            Pt::F32 => DType::F32,
            Pt::F16 => DType::F16,
            Pt::BF16 => DType::BF16,
            Pt::F64 => DType::F64,
            _ => continue, // integer buffers
        };
        let shape = tensor.shape().to_vec();
        let bytes = tensor.read().map_err(|e| Error::input(path, format!("tensor '{name}': {e}")))?;
        let values = to_f32(bytes, shape.clone(), dtype).ok_or_else(|| Error::input(path, format!("tensor '{name}' cannot be read as floats")))?;
        out.insert(name, (shape, values));
    }
    Ok(out)
}

/// Split a checkpoint into its image and text towers' tensors. Hugging Face names its towers
/// `vision_model.` / `visual_projection` and `text_model.` / `text_projection`. OpenAI and
/// open_clip name a whole model's image tower `visual.…` and leave the text tower's unprefixed —
/// its blocks are called `transformer.…` as the image tower's are — so when `visual.` is there,
/// everything else is the text tower's. A file without it holds one tower: the text tower when it
/// has a token embedding, else the image tower.
fn split_towers(raw: RawTensors) -> (RawTensors, RawTensors) {
    let strip = |k: &str| -> String {
        let k = k.strip_prefix("module.").unwrap_or(k);
        let k = k.strip_prefix("state_dict.").unwrap_or(k);
        k.to_string()
    };
    let raw: RawTensors = raw.into_iter().map(|(k, v)| (strip(&k), v)).collect();
    let hf_image = |k: &str| k.starts_with("vision_model.") || k.starts_with("visual_projection.");
    let hf_text = |k: &str| k.starts_with("text_model.") || k.starts_with("text_projection.");
    if raw.keys().any(|k| hf_image(k) || k.starts_with("text_model.")) {
        let (image, rest): (RawTensors, RawTensors) = raw.into_iter().partition(|(k, _)| hf_image(k));
        return (image, rest.into_iter().filter(|(k, _)| hf_text(k)).collect());
    }
    if raw.keys().any(|k| k.starts_with("visual.")) {
        let (image, text): (RawTensors, RawTensors) = raw.into_iter().partition(|(k, _)| k.starts_with("visual."));
        return (image.into_iter().map(|(k, v)| (k["visual.".len()..].to_string(), v)).collect(), text);
    }
    if raw.contains_key("token_embedding.weight") {
        return (RawTensors::new(), raw);
    }
    (raw, RawTensors::new())
}

/// Map an image tower's Hugging Face names onto OpenAI's.
fn normalise_names(raw: RawTensors) -> std::result::Result<RawTensors, String> {
    if raw.keys().any(|k| k.starts_with("vision_model.")) {
        return from_hugging_face(raw);
    }
    Ok(raw)
}

/// Map a text tower's Hugging Face names onto OpenAI's.
fn normalise_text_names(mut raw: RawTensors) -> std::result::Result<RawTensors, String> {
    if !raw.keys().any(|k| k.starts_with("text_model.")) {
        return Ok(raw);
    }
    let take = |raw: &mut RawTensors, from: &str| take_from(raw, from, Tower::Text);
    let mut out = HashMap::new();
    let p = "text_model.";
    out.insert("token_embedding.weight".into(), take(&mut raw, &format!("{p}embeddings.token_embedding.weight"))?);
    out.insert("positional_embedding".into(), take(&mut raw, &format!("{p}embeddings.position_embedding.weight"))?);
    out.insert("ln_final.weight".into(), take(&mut raw, &format!("{p}final_layer_norm.weight"))?);
    out.insert("ln_final.bias".into(), take(&mut raw, &format!("{p}final_layer_norm.bias"))?);
    let (shape, values) = take(&mut raw, "text_projection.weight")?;
    if shape.len() != 2 {
        return Err(format!("tensor 'text_projection.weight' has shape {shape:?}, expected [output, width]"));
    }
    out.insert("text_projection".into(), (vec![shape[1], shape[0]], transpose(&values, shape[0], shape[1])));
    hugging_face_layers(&mut raw, &mut out, p, Tower::Text)?;
    Ok(out)
}

fn take_from(raw: &mut RawTensors, from: &str, tower: Tower) -> std::result::Result<(Vec<usize>, Vec<f32>), String> {
    raw.remove(from).ok_or_else(|| format!("not {}: tensor '{from}' is missing", tower.name()))
}

fn from_hugging_face(mut raw: RawTensors) -> std::result::Result<RawTensors, String> {
    let take_from = |raw: &mut RawTensors, from: &str| take_from(raw, from, Tower::Image);
    let mut out = HashMap::new();
    let p = "vision_model.";
    out.insert("class_embedding".into(), take_from(&mut raw, &format!("{p}embeddings.class_embedding"))?);
    out.insert("conv1.weight".into(), take_from(&mut raw, &format!("{p}embeddings.patch_embedding.weight"))?);
    out.insert("positional_embedding".into(), take_from(&mut raw, &format!("{p}embeddings.position_embedding.weight"))?);
    for (hf, ours) in [("pre_layrnorm", "ln_pre"), ("post_layernorm", "ln_post")] {
        out.insert(format!("{ours}.weight"), take_from(&mut raw, &format!("{p}{hf}.weight"))?);
        out.insert(format!("{ours}.bias"), take_from(&mut raw, &format!("{p}{hf}.bias"))?);
    }
    let (shape, values) = take_from(&mut raw, "visual_projection.weight")?;
    if shape.len() != 2 {
        return Err(format!("tensor 'visual_projection.weight' has shape {shape:?}, expected [output, width]"));
    }
    out.insert("proj".into(), (vec![shape[1], shape[0]], transpose(&values, shape[0], shape[1])));
    hugging_face_layers(&mut raw, &mut out, p, Tower::Image)?;
    Ok(out)
}

/// A Hugging Face tower's encoder layers (`{p}encoder.layers.N.…`) under OpenAI's block names.
fn hugging_face_layers(raw: &mut RawTensors, out: &mut RawTensors, p: &str, tower: Tower) -> std::result::Result<(), String> {
    let take_from = |raw: &mut RawTensors, from: &str| take_from(raw, from, tower);
    let mut n = 0;
    while raw.contains_key(&format!("{p}encoder.layers.{n}.layer_norm1.weight")) {
        let l = format!("{p}encoder.layers.{n}.");
        let o = format!("transformer.resblocks.{n}.");
        for (hf, ours) in [("layer_norm1", "ln_1"), ("layer_norm2", "ln_2"), ("mlp.fc1", "mlp.c_fc"), ("mlp.fc2", "mlp.c_proj"), ("self_attn.out_proj", "attn.out_proj")] {
            for part in ["weight", "bias"] {
                out.insert(format!("{o}{ours}.{part}"), take_from(raw, &format!("{l}{hf}.{part}"))?);
            }
        }
        // Hugging Face keeps q, k, v apart; OpenAI fuses them as in_proj, in that order.
        for part in ["weight", "bias"] {
            let (mut shape, mut values) = take_from(raw, &format!("{l}self_attn.q_proj.{part}"))?;
            // A projection is never a scalar (`logit_scale` is, elsewhere): fusing one would index
            // a dimension it does not have.
            if shape.is_empty() {
                return Err(format!("tensor '{l}self_attn.q_proj.{part}' is a scalar, not a projection"));
            }
            for name in ["k_proj", "v_proj"] {
                let (s, v) = take_from(raw, &format!("{l}self_attn.{name}.{part}"))?;
                if s.is_empty() || s[1..] != shape[1..] {
                    return Err(format!("tensor '{l}self_attn.{name}.{part}' has shape {s:?}, unlike q_proj's {shape:?}"));
                }
                values.extend(v);
                shape[0] += s[0];
            }
            out.insert(format!("{o}attn.in_proj_{part}"), (shape, values));
        }
        n += 1;
    }
    Ok(())
}

fn transpose(values: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0f32; values.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = values[r * cols + c];
        }
    }
    out
}

pub(super) struct LayerNorm {
    weight: Tensor<1>,
    bias: Tensor<1>,
}

impl LayerNorm {
    /// Computed in f32 whatever the model's precision, as OpenAI's LayerNorm does.
    pub(super) fn forward<const D: usize>(&self, x: Tensor<D>, dtype: FloatDType) -> Tensor<D> {
        let x = if dtype == FloatDType::F32 { x } else { x.cast(FloatDType::F32) };
        let mean = x.clone().mean_dim(D - 1);
        let centred = x - mean;
        let var = centred.clone().square().mean_dim(D - 1);
        let normed = centred / var.add_scalar(LN_EPS).sqrt();
        let shape = self.weight.dims()[0];
        let mut dims = [1usize; D];
        dims[D - 1] = shape;
        let y = normed * self.weight.clone().reshape(dims) + self.bias.clone().reshape(dims);
        if dtype == FloatDType::F32 { y } else { y.cast(dtype) }
    }
}

/// y = x·Wᵀ + b, with W stored pre-transposed as [in, out].
pub(super) struct Linear {
    weight_t: Tensor<2>,
    bias: Tensor<1>,
}

impl Linear {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let out = self.bias.dims()[0];
        x.matmul(self.weight_t.clone()) + self.bias.clone().reshape([1, out])
    }
}

/// A pre-LN residual attention block (OpenAI's `ResidualAttentionBlock`), both towers'.
pub(super) struct Block {
    ln_1: LayerNorm,
    in_proj: Linear,
    out_proj: Linear,
    ln_2: LayerNorm,
    c_fc: Linear,
    c_proj: Linear,
}

pub struct ClipVision {
    pub config: ClipConfig,
    patch: Tensor<2>,
    class_embedding: Tensor<1>,
    positional_embedding: Tensor<2>,
    ln_pre: LayerNorm,
    blocks: Vec<Block>,
    ln_post: LayerNorm,
    proj: Tensor<2>,
    device: Device,
    /// Precision of matmuls and activations (LayerNorm stays f32).
    dtype: FloatDType,
}

/// Builds a tower's parts from its [`Weights`], checking each tensor's shape.
pub(super) struct Loader<'a> {
    pub weights: &'a Weights,
    pub device: &'a Device,
}

impl Loader<'_> {
    pub fn t1(&self, name: &str, len: usize) -> Result<Tensor<1>> {
        Ok(Tensor::from_data(TensorData::new(self.weights.get(name, &[len])?.to_vec(), [len]), self.device))
    }

    pub fn t2(&self, name: &str, rows: usize, cols: usize) -> Result<Tensor<2>> {
        Ok(Tensor::from_data(TensorData::new(self.weights.get(name, &[rows, cols])?.to_vec(), [rows, cols]), self.device))
    }

    /// PyTorch Linear stores [out, in]; we keep [in, out] for x·W.
    fn linear(&self, weight: &str, bias: &str, out: usize, inp: usize) -> Result<Linear> {
        let w = transpose(self.weights.get(weight, &[out, inp])?, out, inp);
        Ok(Linear { weight_t: Tensor::from_data(TensorData::new(w, [inp, out]), self.device), bias: self.t1(bias, out)? })
    }

    pub fn ln(&self, name: &str, width: usize) -> Result<LayerNorm> {
        Ok(LayerNorm { weight: self.t1(&format!("{name}.weight"), width)?, bias: self.t1(&format!("{name}.bias"), width)? })
    }

    /// `transformer.resblocks.0..layers` of this width.
    pub fn blocks(&self, width: usize, layers: usize) -> Result<Vec<Block>> {
        let w = width;
        let linear = |name: &str, out: usize, inp: usize| self.linear(&format!("{name}.weight"), &format!("{name}.bias"), out, inp);
        (0..layers)
            .map(|i| {
                let b = format!("transformer.resblocks.{i}");
                Ok(Block {
                    ln_1: self.ln(&format!("{b}.ln_1"), w)?,
                    in_proj: self.linear(&format!("{b}.attn.in_proj_weight"), &format!("{b}.attn.in_proj_bias"), 3 * w, w)?,
                    out_proj: linear(&format!("{b}.attn.out_proj"), w, w)?,
                    ln_2: self.ln(&format!("{b}.ln_2"), w)?,
                    c_fc: linear(&format!("{b}.mlp.c_fc"), 4 * w, w)?,
                    c_proj: linear(&format!("{b}.mlp.c_proj"), w, 4 * w)?,
                })
            })
            .collect()
    }
}

impl Block {
    /// x [B, L, width] → the same. `mask` [L, L] is added to the attention scores (the text
    /// tower's causal mask: −∞ above the diagonal); the image tower has none.
    pub(super) fn forward(&self, x: Tensor<3>, heads: usize, dtype: FloatDType, mask: Option<&Tensor<2>>) -> Tensor<3> {
        let [b, l, w] = x.dims();
        let (h, d) = (heads, w / heads);
        let qkv = self.in_proj.forward(self.ln_1.forward(x.clone(), dtype).reshape([b * l, w]));
        // [B, L, 3, H, D] → [3, B, H, L, D]
        let qkv = qkv.reshape([b, l, 3, h, d]).permute([2, 0, 3, 1, 4]);
        let q = qkv.clone().narrow(0, 0, 1).reshape([b, h, l, d]).mul_scalar(1.0 / (d as f64).sqrt());
        let k = qkv.clone().narrow(0, 1, 1).reshape([b, h, l, d]);
        let v = qkv.narrow(0, 2, 1).reshape([b, h, l, d]);
        let mut scores = q.matmul(k.swap_dims(2, 3));
        if let Some(mask) = mask {
            scores = scores + mask.clone().reshape([1, 1, l, l]);
        }
        let attn = activation::softmax(scores, 3);
        let o = attn.matmul(v).swap_dims(1, 2).reshape([b * l, w]);
        let x = x + self.out_proj.forward(o).reshape([b, l, w]);
        let hidden = self.c_fc.forward(self.ln_2.forward(x.clone(), dtype).reshape([b * l, w]));
        let hidden = hidden.clone() * activation::sigmoid(hidden.mul_scalar(1.702));
        x + self.c_proj.forward(hidden).reshape([b, l, w])
    }
}

impl ClipVision {
    pub fn new(weights: &Weights, device: &Device) -> Result<Self> {
        let c = weights.config()?;
        let (w, p) = (c.width, c.patch_size);
        let grid = c.input_resolution / p;
        let load = Loader { weights, device };
        let conv = weights.get("conv1.weight", &[w, 3, p, p])?;
        let patch = Tensor::from_data(TensorData::new(transpose(conv, w, 3 * p * p), [3 * p * p, w]), device);
        let blocks = load.blocks(w, c.layers)?;
        Ok(ClipVision {
            patch,
            class_embedding: load.t1("class_embedding", w)?,
            positional_embedding: load.t2("positional_embedding", grid * grid + 1, w)?,
            ln_pre: load.ln("ln_pre", w)?,
            blocks,
            ln_post: load.ln("ln_post", w)?,
            proj: load.t2("proj", w, c.output_dim)?,
            config: c,
            device: device.clone(),
            dtype: FloatDType::F32,
        })
    }

    /// Run in bfloat16 (about 1.6× faster on libtorch CPUs with bf16 support; ~1e-2 error).
    pub fn into_bf16(mut self) -> Self {
        let d = FloatDType::BF16;
        self.patch = self.patch.cast(d);
        self.class_embedding = self.class_embedding.cast(d);
        self.positional_embedding = self.positional_embedding.cast(d);
        self.proj = self.proj.cast(d);
        for b in &mut self.blocks {
            for l in [&mut b.in_proj, &mut b.out_proj, &mut b.c_fc, &mut b.c_proj] {
                l.weight_t = l.weight_t.clone().cast(d);
                l.bias = l.bias.clone().cast(d);
            }
        }
        self.dtype = d;
        self
    }

    /// Images [B, 3, R, R] (CLIP-normalised) → embeddings [B, output_dim] (not normalised).
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let c = &self.config;
        let [b, _, _, _] = images.dims();
        let (p, w, g) = (c.patch_size, c.width, c.input_resolution / c.patch_size);
        let tokens = g * g + 1;
        // The stride-p, kernel-p convolution is a matmul over flattened patches (channel, y, x).
        let images = if self.dtype == FloatDType::F32 { images } else { images.cast(self.dtype) };
        let patches = images.reshape([b, 3, g, p, g, p]).permute([0, 2, 4, 1, 3, 5]).reshape([b * g * g, 3 * p * p]);
        let x = patches.matmul(self.patch.clone()).reshape([b, g * g, w]);
        let cls = self.class_embedding.clone().reshape([1, 1, w]).expand([b, 1, w]);
        let x = Tensor::cat(vec![cls, x], 1) + self.positional_embedding.clone().reshape([1, tokens, w]);
        let mut x = self.ln_pre.forward(x, self.dtype);
        for block in &self.blocks {
            x = block.forward(x, c.heads, self.dtype, None);
        }
        let first = x.narrow(1, 0, 1).reshape([b, w]);
        self.ln_post.forward(first, self.dtype).matmul(self.proj.clone()).cast(FloatDType::F32)
    }

    /// Run on CHW float tensors (one per image) and return rows of f32.
    pub fn embed(&self, images: &[&[f32]]) -> Result<Vec<Vec<f32>>> {
        let r = self.config.input_resolution;
        let mut flat = Vec::with_capacity(images.len() * 3 * r * r);
        for img in images {
            if img.len() != 3 * r * r {
                return Err(Error::internal(format!("CLIP input has {} values, expected 3×{r}×{r}", img.len())));
            }
            flat.extend_from_slice(img);
        }
        let x = Tensor::<4>::from_data(TensorData::new(flat, [images.len(), 3, r, r]), &self.device);
        let out = self.forward(x);
        let dim = self.config.output_dim;
        let values = out.into_data().convert::<f32>().try_to_vec::<f32>().map_err(|e| Error::internal(format!("{e:?}")))?;
        Ok(values.chunks(dim).map(<[f32]>::to_vec).collect())
    }
}
