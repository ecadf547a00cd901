//! Embedding cache: reopening an analysed episode skips decoding and encoding.
//!
//! One file per (file fingerprint, sampling parameters, encoder id + version) under
//! `<cache>/embeddings/`. The fingerprint is size + modification time + a hash of the file's first
//! and last MiB, so a replaced or re-encoded file misses. Entries carry their full key and a
//! checksum; anything that does not read back exactly is deleted and rebuilt, never trusted.

use super::EpisodeFeatures;
use crate::error::{io_error, Error, Result};
use image::RgbImage;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"ISKEMB01";
/// Bumped when the sampler's output for the same file and parameters changes (3: H.264's
/// unshown reference frames skip deblocking; 4: x264's unshown B groups are dropped whole; 5: the
/// window is decoded in pieces the cores take in turn, each from its keyframe).
pub const SAMPLER_VERSION: u32 = 5;

/// Bumped when the text cues of the tail change (3: where each line of text is, to see a roll;
/// fainter glyph edges count; 4: over black, lit rows are the lines; 5 and 6: lines in one half
/// of the picture count — 5 was a first cut, two lines a half, not kept).
pub const TEXT_CUE_VERSION: u32 = 6;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheKey {
    pub fingerprint: String,
    pub window_s: u32,
    /// The window's first second: absent (0) for the head, so head entries keep their names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_s: u32,
    /// Text cues read at [`super::picture::TEXT_HEIGHT`] are part of the entry (the tail).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub text_cues: bool,
    /// [`TEXT_CUE_VERSION`] where text cues are part of the entry (absent, 0, for the head).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub text_version: u32,
    /// The title reading's gate ([`super::ocr::TextGate`]) is part of the entry (a head whose
    /// file name gives a series).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub title_gate: bool,
    pub sampler_version: u32,
    /// The encoder's input (thumbnail height or preprocessing), as text.
    pub input: String,
    pub encoder: String,
    pub encoder_version: u32,
}

impl CacheKey {
    pub fn new(path: &Path, window_s: u32, encoder: &dyn crate::encoder::FrameEncoder) -> Result<Self> {
        Self::from(path, 0, window_s, super::TextKept::head(path), encoder)
    }

    /// The key of the window `[start_s, start_s + window_s)`, keeping `text`.
    pub fn from(path: &Path, start_s: u32, window_s: u32, text: super::TextKept, encoder: &dyn crate::encoder::FrameEncoder) -> Result<Self> {
        let text_cues = text == super::TextKept::Cues;
        Ok(CacheKey {
            fingerprint: fingerprint(path)?,
            window_s,
            start_s,
            text_cues,
            text_version: if text_cues { TEXT_CUE_VERSION } else { 0 },
            title_gate: text == super::TextKept::Gate,
            sampler_version: SAMPLER_VERSION,
            input: format!("{:?}", encoder.input()),
            encoder: encoder.id(),
            encoder_version: encoder.version(),
        })
    }

    /// The entry's file name: a hash of the whole key, also what names the episode in the search index.
    pub fn file_name(&self) -> String {
        let text = serde_json::to_string(self).expect("key serialises");
        format!("{:016x}.emb", fnv64(text.as_bytes()))
    }
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

#[derive(Serialize, Deserialize)]
struct Header {
    key: CacheKey,
    count: usize,
    dim: usize,
    thumbnail_sizes: Vec<(u32, u32)>,
    seconds: Vec<u32>,
    frame_times: Vec<f64>,
    note: Option<String>,
    /// Per second (with `key.text_cues`): lines of text and how clear the clearest is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    text: Vec<super::picture::TextCue>,
    /// Per second (with `key.title_gate`): what the title reading chooses by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    gate: Vec<super::ocr::TextGate>,
    checksum: u64,
}

pub fn cache_path(key: &CacheKey) -> PathBuf {
    crate::paths::cache_dir().join("embeddings").join(key.file_name())
}

/// Read an entry; None when absent. A damaged or mismatched entry is deleted and reported as absent.
pub fn load(key: &CacheKey) -> Option<EpisodeFeatures> {
    let path = cache_path(key);
    let bytes = std::fs::read(&path).ok()?;
    match decode(&bytes, key) {
        Some(features) => Some(features),
        None => {
            let _ = std::fs::remove_file(&path);
            None
        }
    }
}

fn decode(bytes: &[u8], key: &CacheKey) -> Option<EpisodeFeatures> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return None;
    }
    let header_len = u64::from_le_bytes(bytes[8..16].try_into().ok()?) as usize;
    let header_end = 16usize.checked_add(header_len)?;
    let header: Header = serde_json::from_slice(bytes.get(16..header_end)?).ok()?;
    if &header.key != key || header.seconds.len() != header.count || header.frame_times.len() != header.count || (key.text_cues && header.text.len() != header.count) || (key.title_gate && header.gate.len() != header.count) {
        return None;
    }
    let body = bytes.get(header_end..)?;
    if fnv64(body) != header.checksum {
        return None;
    }
    let emb_bytes = header.count.checked_mul(header.dim)?.checked_mul(4)?;
    let values: Vec<f32> = body.get(..emb_bytes)?.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    let embeddings = ndarray::Array2::from_shape_vec((header.count, header.dim), values).ok()?;
    let mut at = emb_bytes;
    let mut thumbnails = Vec::with_capacity(header.count);
    for &(w, h) in &header.thumbnail_sizes {
        let len = (w as usize).checked_mul(h as usize)?.checked_mul(3)?;
        let raw = body.get(at..at.checked_add(len)?)?.to_vec();
        thumbnails.push(RgbImage::from_raw(w, h, raw)?);
        at += len;
    }
    if at != body.len() || thumbnails.len() != header.count {
        return None;
    }
    Some(EpisodeFeatures {
        start_s: key.start_s,
        text: header.text,
        gate: header.gate,
        seconds: header.seconds,
        frame_times: header.frame_times,
        embeddings,
        thumbnails,
        note: header.note,
        notes: Vec::new(),
        audio: ndarray::Array2::zeros((0, super::sound::AUDIO_DIM)),
        fingerprint: Vec::new(),
    })
}

/// Every cached head window (start 0, one per file) of the encoder `encoder_id`, in file-name order, until
/// `max_seconds` are gathered: the library as this machine has analysed it (`bench search`).
/// Entries that do not read back are skipped.
pub fn cached_heads(encoder_id: &str, max_seconds: usize) -> Vec<(CacheKey, EpisodeFeatures)> {
    let dir = crate::paths::cache_dir().join("embeddings");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    let mut out = Vec::new();
    let mut seconds = 0;
    for path in files {
        if seconds >= max_seconds {
            break;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let key = (|| {
            let header_len = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?) as usize;
            let header: Header = serde_json::from_slice(bytes.get(16..16usize.checked_add(header_len)?)?).ok()?;
            Some(header.key)
        })();
        // One window per file: the same file analysed with two windows is one episode.
        if let Some(key) = key.filter(|k| k.encoder == encoder_id && k.start_s == 0 && !k.text_cues && !out.iter().any(|(o, _): &(CacheKey, _)| o.fingerprint == k.fingerprint)) {
            if let Some(f) = decode(&bytes, &key) {
                seconds += f.seconds.len();
                out.push((key, f));
            }
        }
    }
    out
}

/// Write an entry atomically (temp file + rename).
pub fn store(key: &CacheKey, features: &EpisodeFeatures) -> Result<()> {
    let mut body = Vec::with_capacity(features.embeddings.len() * 4);
    for v in features.embeddings.iter() {
        body.extend_from_slice(&v.to_le_bytes());
    }
    for t in &features.thumbnails {
        body.extend_from_slice(t.as_raw());
    }
    let header = Header {
        key: key.clone(),
        count: features.seconds.len(),
        dim: features.dim(),
        thumbnail_sizes: features.thumbnails.iter().map(|t| t.dimensions()).collect(),
        seconds: features.seconds.clone(),
        frame_times: features.frame_times.clone(),
        note: features.note.clone(),
        text: features.text.clone(),
        gate: features.gate.clone(),
        checksum: fnv64(&body),
    };
    let header = serde_json::to_vec(&header).map_err(|e| Error::internal(e.to_string()))?;
    let path = cache_path(key);
    let dir = path.parent().expect("cache path has a folder");
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    crate::fsio::write_atomic(&path, |w| {
        w.write_all(MAGIC)?;
        w.write_all(&(header.len() as u64).to_le_bytes())?;
        w.write_all(&header)?;
        w.write_all(&body)
    })
}

pub use crate::fsio::{fingerprint, fnv64};
