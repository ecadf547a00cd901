//! Encoder input must equal OpenAI CLIP's preprocessing (Pillow bicubic resize, centre crop,
//! normalise) as computed by Pillow itself. Tolerance: the 8-bit crop is bit-identical; the
//! normalised float32 tensor within 1e-6.

use crate::common::*;
use introskip::image_ops::PreprocessSpec;
use std::process::Command;

/// Deterministic test picture: gradients, hard edges and noise (bicubic overshoot gets exercised).
fn picture(w: u32, h: u32, seed: u32) -> image::RgbImage {
    let mut state = seed.wrapping_mul(2654435761).wrapping_add(1);
    image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 63) as i32 - 32;
        let edge = if (x / 17 + y / 11) % 2 == 0 { 255 } else { 0 };
        let r = (x * 255 / w) as i32 + noise;
        let g = (y * 255 / h) as i32 - noise;
        image::Rgb([r.clamp(0, 255) as u8, g.clamp(0, 255) as u8, edge])
    })
}

fn check_against_pillow(w: u32, h: u32, seed: u32) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.png");
    let img = picture(w, h, seed);
    img.save(&input).unwrap();
    let prefix = dir.path().join("ref");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/training/reference/preprocess_reference.py");
    let out = Command::new(reference_python()).arg(script).arg(&input).arg(&prefix).arg("224").output().unwrap();
    assert!(out.status.success(), "reference failed: {}", String::from_utf8_lossy(&out.stderr));

    let spec = PreprocessSpec::clip(224);
    let ours = spec.crop(&img);
    let theirs = image::open(prefix.with_extension("crop.png")).unwrap().to_rgb8();
    assert_eq!((ours.width(), ours.height()), (224, 224));
    let differing = ours.as_raw().iter().zip(theirs.as_raw()).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 0, "{w}x{h}: {differing} of {} bytes differ from Pillow", ours.as_raw().len());

    let tensor = spec.normalise(&ours);
    let reference = read_npy_f32(&prefix.with_extension("npy"));
    assert_eq!(tensor.len(), reference.len());
    let max = tensor.iter().zip(&reference).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(max <= 1e-6, "{w}x{h}: max abs diff {max}");
}

#[test]
fn matches_pillow_for_hd_frames() {
    check_against_pillow(1280, 720, 1);
    check_against_pillow(1920, 1080, 2);
}

#[test]
fn matches_pillow_for_odd_and_portrait_sizes() {
    check_against_pillow(333, 211, 3); // odd crop offset: Python's round-half-even
    check_against_pillow(200, 300, 4); // upscaling, portrait
    check_against_pillow(854, 480, 5);
}
