//! A trained model on disk, in the manner of tracel-ai/models' `loader.rs`: the manifest (encoder,
//! dimensions, tags, channels, recipe, dev metrics), the members' weights checked by sha256, and
//! where the shipped models live. Loading refuses a model trained for another encoder.

use super::{channel_indices, postprocess, IntroModel, ModelConfig, Tagger, TAGS};
use crate::encoder::FrameEncoder;
use crate::error::{io_error, Error, Result};
use burn::store::ModuleSnapshot;
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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

/// The numbers of a manifest edited by hand, checked before Burn builds the network (which would
/// panic on a dropout outside [0, 1], zero heads or a width the heads do not divide) or the
/// closing allocates its structure.
fn check_shape(manifest: &Manifest) -> std::result::Result<(), String> {
    let c = &manifest.config;
    for (name, p) in [("embed_dropout", c.embed_dropout), ("dropout", c.dropout)] {
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("config.{name} is {p}; a dropout lies between 0 and 1"));
        }
    }
    if c.n_heads == 0 || c.d_model == 0 || c.d_model % c.n_heads != 0 {
        return Err(format!("config.d_model {} is not a positive multiple of config.n_heads {}", c.d_model, c.n_heads));
    }
    if c.n_layers == 0 || c.d_ff == 0 || c.n_layers > 64 || c.d_model > 8192 || c.d_ff > 65536 || c.embed_bottleneck > 65536 {
        return Err(format!("config.n_layers {}, d_model {}, d_ff {} or embed_bottleneck {} is out of range", c.n_layers, c.d_model, c.d_ff, c.embed_bottleneck));
    }
    let post = &manifest.postprocess;
    if post.closing_s > 601 || post.min_len_s > 3600 {
        return Err(format!("postprocess.closing_s {} or min_len_s {} is out of range (closing at most 601 s)", post.closing_s, post.min_len_s));
    }
    Ok(())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl IntroModel {
    /// Load a model folder and check it was trained for `encoder`.
    pub fn load(dir: &Path, encoder: &dyn FrameEncoder, device: &Device) -> Result<Self> {
        let manifest_path = dir.join(MANIFEST);
        // Regular files only (a fifo named manifest.json would block the read forever).
        let text = crate::fsio::read_bounded(&manifest_path, 64 << 20)?;
        let text = String::from_utf8(text).map_err(|_| Error::input(&manifest_path, "not a model manifest: not UTF-8 text"))?;
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
        check_shape(&manifest).map_err(|e| Error::input(&manifest_path, e))?;
        let mut taggers = Vec::with_capacity(manifest.members.len());
        for m in &manifest.members {
            if m.weights.contains('/') || m.weights.contains('\\') {
                return Err(Error::input(&manifest_path, format!("member weights '{}' must be a file in the model folder", m.weights)));
            }
            let weights_path = dir.join(&m.weights);
            crate::fsio::check_regular_file(&weights_path)?;
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
            crate::fsio::write_atomic(&dir.join(&member.weights), |w| w.write_all(&bytes))?;
        }
        crate::fsio::write_atomic(&dir.join(MANIFEST), |w| serde_json::to_writer_pretty(w, &*manifest).map_err(std::io::Error::other))
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

/// The model for the active encoder: `model` when given, else the shipped one.
pub fn load_model(model: Option<&Path>, encoder: &dyn FrameEncoder) -> Result<IntroModel> {
    let dir = match model {
        Some(d) => d.to_path_buf(),
        None => default_model_dir(encoder).ok_or_else(|| {
            Error::Usage(format!("no trained model for encoder {} (looked for models/{}/manifest.json); train one with `introskip train`", encoder.id(), encoder.id()))
        })?,
    };
    IntroModel::load(&dir, encoder, &crate::encoder::burn_device())
}
