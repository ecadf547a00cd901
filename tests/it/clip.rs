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
    doctored_from("openclip.safetensors", dir, drop, reshape)
}

fn doctored_from(source: &str, dir: &Path, drop: Option<&str>, reshape: Option<(&str, Vec<usize>)>) -> PathBuf {
    let bytes = std::fs::read(fixture(source)).unwrap();
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

    // Zero-sized tensors (the hostile corpus's): refused on load, naming one, not a Burn panic.
    let zero = doctored(dir.path(), None, Some(("visual.conv1.weight", vec![0, 3, 8, 8])));
    let err = Weights::load(&zero).err().expect("refused").to_string();
    assert!(err.contains("conv1.weight"), "the tensor is named: {err}");
    assert!(err.contains(&zero.display().to_string()) && err.contains("size 0"), "{err}");

    // A Hugging Face projection made a scalar: refused naming it (fusing q, k, v panicked).
    let scalar = doctored_from("hf.safetensors", dir.path(), None, Some(("vision_model.encoder.layers.0.self_attn.k_proj.bias", vec![])));
    let err = Weights::load(&scalar).err().expect("refused").to_string();
    assert!(err.contains("layers.0.self_attn.k_proj.bias") && err.contains(&scalar.display().to_string()), "{err}");

    let text = dir.path().join("weights.safetensors");
    std::fs::write(&text, "this is not a checkpoint").unwrap();
    let err = Weights::load(&text).err().expect("refused").to_string();
    assert!(err.contains(&text.display().to_string()), "{err}");
}

// The text tower and the tokenizer, against OpenAI's `CLIP.encode_text`, `SimpleTokenizer` and
// `clip.tokenize` (`training/reference/clip_text_reference.py`): a whole tiny CLIP (both towers)
// in three formats, and token ids for varied strings from the real 49408-token vocabulary.

use introskip::encoder::clip_text::ClipText;
use introskip::encoder::clip_tokenizer::{ClipTokenizer, CONTEXT_LENGTH};

fn text_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-text-tiny").join(name)
}

fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn tokenizer_gives_openai_s_ids_for_every_fixture_string() {
    let cases = json_file(&text_fixture("tokenizer.json"));
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let ids = |v: &serde_json::Value| -> Vec<u32> { v.as_array().unwrap().iter().map(|i| i.as_u64().unwrap() as u32).collect() };
    let tokenizer = ClipTokenizer::shared().unwrap();
    let mut wrong = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let encoded = tokenizer.encode(text);
        let tokens = tokenizer.tokenize(text, CONTEXT_LENGTH);
        if encoded != ids(&case["encode"]) {
            wrong.push(format!("encode {text:?}: ours {encoded:?}, OpenAI's {:?}", ids(&case["encode"])));
        } else if tokens.ids != ids(&case["tokenize"]) || tokens.truncated == case["fits"].as_bool().unwrap() {
            wrong.push(format!("tokenize {text:?}: ours {:?} (cut: {}), OpenAI's {:?} (fits: {})", tokens.ids, tokens.truncated, ids(&case["tokenize"]), case["fits"]));
        }
    }
    assert!(wrong.is_empty(), "{} of {} strings differ:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
    // The fixture holds a text that OpenAI's tokenize() refuses without truncate=True.
    assert!(cases.iter().any(|c| !c["fits"].as_bool().unwrap()));
}

fn check_text_parity(weights_file: &Path) {
    let weights = Weights::load_text(weights_file).unwrap();
    let c = weights.text_config().unwrap();
    assert_eq!((c.vocab_size, c.context_length, c.width, c.layers, c.heads, c.output_dim), (1000, 77, 128, 2, 2, 64));
    let rows: Vec<Vec<u32>> = json_file(&text_fixture("text_tokens.json")).as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(|i| i.as_u64().unwrap() as u32).collect()).collect();
    let rows: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
    let expected = read_npy_f32(&text_fixture("expected_text.npy"));
    assert_eq!(expected.len(), rows.len() * 64);
    let devices = introskip::encoder::burn_devices();
    assert!(!devices.is_empty());
    for (backend, device) in &devices {
        let model = ClipText::new(&weights, device).unwrap();
        let ours = model.embed(&rows).unwrap();
        assert_eq!(ours.len(), rows.len());
        for (i, (row, theirs)) in ours.iter().zip(expected.chunks(64)).enumerate() {
            let cosine = introskip::encoder::cosine_similarity(row, theirs);
            let max_diff = row.iter().zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            println!("{} on {backend}, row {i}: cosine {cosine}, max |Δ| {max_diff}", weights_file.display());
            assert!(cosine >= 0.9999, "{} on {backend}, row {i}: cosine {cosine}", weights_file.display());
            assert!(max_diff <= 1e-4, "{} on {backend}, row {i}: max abs diff {max_diff}", weights_file.display());
        }
        // One row alone gives what it gives in the batch (each runs only to its own end token).
        let alone = model.embed(&rows[1..2]).unwrap();
        assert!(introskip::encoder::cosine_similarity(&alone[0], &ours[1]) >= 0.99999);
    }
    // The image tower of the same whole-model file.
    let image = Weights::load(weights_file).unwrap();
    let inputs = read_npy_f32(&text_fixture("image_inputs.npy"));
    let images: Vec<&[f32]> = inputs.chunks(3 * 32 * 32).collect();
    let ours = ClipVision::new(&image, &introskip::encoder::burn_device()).unwrap().embed(&images).unwrap();
    for (row, theirs) in ours.iter().zip(read_npy_f32(&text_fixture("expected_image.npy")).chunks(64)) {
        let cosine = introskip::encoder::cosine_similarity(row, theirs);
        assert!(cosine >= 0.9999, "{} image tower: cosine {cosine}", weights_file.display());
    }
}

#[test]
fn text_tower_matches_openai_from_open_clip_safetensors() {
    check_text_parity(&text_fixture("openclip.safetensors"));
}

#[test]
fn text_tower_matches_openai_from_hugging_face_clip_model_safetensors() {
    check_text_parity(&text_fixture("hf.safetensors"));
}

#[test]
fn text_tower_matches_openai_from_openai_torchscript_fp16_archive() {
    check_text_parity(&text_fixture("openai_jit_fp16.pt"));
}

#[test]
fn a_checkpoint_without_a_text_tower_is_refused_naming_the_file() {
    // Image towers alone (OpenAI names unprefixed; Hugging Face CLIPVisionModelWithProjection),
    // and a TorchScript whole model whose text side is a stand-in without token embedding.
    for file in ["state_dict.pt", "hf.safetensors", "openai_jit_fp16.pt"] {
        let path = fixture(file);
        let err = Weights::load_text(&path).and_then(|w| ClipText::new(&w, &introskip::encoder::burn_device())).err().expect("refused").to_string();
        assert!(err.starts_with(&path.display().to_string()) && err.contains("not a CLIP text tower") && err.contains("token_embedding.weight"), "{err}");
        assert!(Weights::load(&path).is_ok(), "{file}: its image tower still loads");
    }
    // A whole model missing one text tensor: that tensor is named.
    let bytes = std::fs::read(text_fixture("openclip.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let kept: Vec<(String, safetensors::tensor::TensorView)> = st.tensors().into_iter().filter(|(n, _)| n != "transformer.resblocks.1.mlp.c_proj.bias").collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-block-bias.safetensors");
    safetensors::serialize_to_file(kept, None, &path).unwrap();
    let err = ClipText::new(&Weights::load_text(&path).unwrap(), &introskip::encoder::burn_device()).err().expect("refused").to_string();
    assert!(err.starts_with(&path.display().to_string()) && err.contains("transformer.resblocks.1.mlp.c_proj.bias") && err.contains("missing"), "{err}");
}

/// A `seconds`-long testsrc2 episode (2 s GOPs) in `dir`, and the tiny fixture as a frame encoder.
fn testsrc_and_tiny_clip(dir: &Path, seconds: u32) -> (PathBuf, introskip::encoder::ClipEncoder) {
    let clip = dir.join("episode.mp4");
    ffmpeg(&["-f", "lavfi", "-i", &format!("testsrc2=s=320x180:r=25:d={seconds}"), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "50", clip.to_str().unwrap()]);
    (clip, introskip::encoder::ClipEncoder::load(&fixture("openclip.safetensors")).unwrap())
}

/// CLIP takes a window's samples once the sampler is done, 32 at a time (its `Feeding`: on 2
/// cores libtorch's spinning workers slowed the decoder beside them): every second still gets the
/// embedding of its own frame, in order, and nothing is encoded before the last frame is sampled.
#[test]
fn a_window_embedded_with_clip_gives_each_second_its_own_frame() {
    let dir = tempfile::tempdir().unwrap();
    let (clip, mut encoder) = testsrc_and_tiny_clip(dir.path(), 40);
    use introskip::encoder::FrameEncoder;
    assert_eq!(encoder.feeding(), introskip::encoder::Feeding { batch: 32, hold: 256 });
    let (mut sampled, mut encoded_after) = (0usize, Vec::new());
    let (features, cached) = introskip::features::embed_window(&clip, 0, 40, introskip::features::TextKept::Nothing, &mut encoder, false, &mut |p| {
        match p {
            introskip::features::Progress::Sampled(_) => sampled += 1,
            introskip::features::Progress::Encoded { done, .. } => encoded_after.push((done, sampled)),
            _ => {}
        }
        true
    })
    .unwrap();
    assert!(!cached);
    assert_eq!(features.seconds, (0..40).collect::<Vec<u32>>());
    // Progress after each batch of 32, all of it once the 40 seconds were sampled.
    assert_eq!(encoded_after, vec![(32, 40), (40, 40)], "encoded before the sampler was done, or without saying so");
    // Each sample encoded on its own, in a batch of one.
    let config = introskip::encoder::sampler_config_for(&encoder, 40);
    let (samples, _) = introskip::video::sample_all(&clip, &config).unwrap();
    assert_eq!(samples.len(), 40);
    for (i, sample) in samples.iter().enumerate() {
        let alone = encoder.encode(&[sample]).unwrap().remove(0);
        let cosine = introskip::encoder::cosine_similarity(features.embedding(i), &alone);
        assert!(cosine >= 0.99999, "second {i}: cosine {cosine} to its own frame encoded alone");
    }
    // Neighbouring seconds of testsrc2 differ: a row shifted by one would not pass the above.
    let next = introskip::encoder::cosine_similarity(features.embedding(0), features.embedding(1));
    assert!(next < 0.99999, "seconds 0 and 1 embed alike ({next}): the check above could not see a shift");
}

/// A cancel while CLIP encodes its held window stops it between batches: the analysis ends
/// Cancelled and the rest of the window is not encoded.
#[test]
fn a_cancel_while_clip_encodes_stops_between_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (clip, mut encoder) = testsrc_and_tiny_clip(dir.path(), 70);
    let mut encoded = Vec::new();
    let result = introskip::features::embed_window(&clip, 0, 70, introskip::features::TextKept::Nothing, &mut encoder, false, &mut |p| {
        if let introskip::features::Progress::Encoded { done, .. } = p {
            encoded.push(done);
            return false;
        }
        true
    });
    assert!(matches!(result, Err(introskip::Error::Cancelled)), "{:?}", result.map(|(f, _)| f.seconds.len()));
    assert_eq!(encoded, vec![32], "the first batch of 32, then nothing");
}
