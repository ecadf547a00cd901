//! CLIP image tower in Burn against OpenAI's own `clip/model.py` (run by
//! `training/reference/clip_reference.py` with PyTorch on seeded random weights). The committed
//! tiny fixture holds one set of weights in three checkpoint formats: all must load and agree with
//! the reference to cosine ≥ 0.9999 and max |Δ| ≤ 1e-4.

use crate::common::*;
use introskip::encoder::clip::{ClipVision, Weights};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-tiny").join(name)
}

fn check_parity(weights_file: &Path) {
    check_parity_against(weights_file, "expected.npy");
}

fn check_parity_against(weights_file: &Path, expected_file: &str) {
    let weights = Weights::load(weights_file).unwrap();
    let config = weights.config().unwrap();
    assert_eq!((config.input_resolution, config.patch_size, config.width, config.layers, config.heads, config.output_dim), (32, 8, 128, 2, 2, 64));
    let inputs = read_npy_f32(&fixture("inputs.npy"));
    let expected = read_npy_f32(&fixture(expected_file));
    let per_image = 3 * 32 * 32;
    let images: Vec<&[f32]> = inputs.chunks(per_image).collect();
    // Every backend in this build (libtorch and pure-Rust flex in the production build).
    let devices = introskip::encoder::burn_devices();
    assert!(!devices.is_empty());
    for (backend, device) in &devices {
        let model = ClipVision::new(&weights, device).unwrap();
        let ours = model.embed(&images).unwrap();
        for (row, theirs) in ours.iter().zip(expected.chunks(64)) {
            let cosine = introskip::encoder::cosine_similarity(row, theirs);
            let max_diff = row.iter().zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(cosine >= 0.9999, "{} on {backend}: cosine {cosine}", weights_file.display());
            assert!(max_diff <= 1e-4, "{} on {backend}: max abs diff {max_diff}", weights_file.display());
        }
    }
}

#[test]
fn matches_openai_reference_from_open_clip_safetensors() {
    check_parity(&fixture("openclip.safetensors"));
}

#[test]
fn matches_openai_reference_from_hugging_face_safetensors() {
    check_parity(&fixture("hf.safetensors"));
}

#[test]
fn matches_openai_reference_from_pytorch_state_dict() {
    check_parity(&fixture("state_dict.pt"));
}

#[test]
fn matches_openai_reference_from_openai_torchscript_fp16_archive() {
    // Like OpenAI's released ViT-B-32.pt: TorchScript, fp16, whole model with a text tower whose
    // `transformer.resblocks.*` must not be mistaken for the image tower's.
    check_parity_against(&fixture("openai_jit_fp16.pt"), "expected_fp16.npy");
}

/// Rewrite the open_clip fixture with one tensor dropped or reshaped.
fn doctored(dir: &Path, drop: Option<&str>, reshape: Option<(&str, Vec<usize>)>) -> PathBuf {
    let bytes = std::fs::read(fixture("openclip.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut owned: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, view) in st.tensors() {
        if Some(name.as_str()) == drop {
            continue;
        }
        let (shape, data) = match &reshape {
            Some((n, s)) if n == &name => {
                let len: usize = s.iter().product();
                (s.clone(), vec![0u8; len * 4])
            }
            _ => (view.shape().to_vec(), view.data().to_vec()),
        };
        owned.push((name, shape, data));
    }
    let views: Vec<(String, safetensors::tensor::TensorView)> = owned
        .iter()
        .map(|(n, s, d)| (n.clone(), safetensors::tensor::TensorView::new(safetensors::Dtype::F32, s.clone(), d).unwrap()))
        .collect();
    let path = dir.join("doctored.safetensors");
    safetensors::serialize_to_file(views, None, &path).unwrap();
    path
}

#[test]
fn a_checkpoint_that_does_not_fit_is_refused_naming_the_tensor() {
    let dir = tempfile::tempdir().unwrap();
    let missing = doctored(dir.path(), Some("visual.transformer.resblocks.1.ln_2.bias"), None);
    let err = ClipVision::new(&Weights::load(&missing).unwrap(), &introskip::encoder::burn_device()).err().expect("refused").to_string();
    assert!(err.contains("transformer.resblocks.1.ln_2.bias") && err.contains("missing"), "{err}");

    let reshaped = doctored(dir.path(), None, Some(("visual.transformer.resblocks.0.mlp.c_fc.weight", vec![512, 127])));
    let err = ClipVision::new(&Weights::load(&reshaped).unwrap(), &introskip::encoder::burn_device()).err().expect("refused").to_string();
    assert!(err.contains("transformer.resblocks.0.mlp.c_fc.weight") && err.contains("[512, 127]"), "{err}");

    let text = dir.path().join("weights.safetensors");
    std::fs::write(&text, "this is not a checkpoint").unwrap();
    let err = Weights::load(&text).err().expect("refused").to_string();
    assert!(err.contains(&text.display().to_string()), "{err}");
}
