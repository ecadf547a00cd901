//! The embedded encoder must find, for each frame of a perturbed version of a real clip, the
//! matching frame among all (1 FPS) frames of the original: ≥ 99 % top-1 over all perturbations.

use crate::common::*;
use introskip::encoder::{cosine, FrameEncoder};
use introskip::features::embed_episode;
use std::path::Path;

fn embeddings(path: &Path, encoder: &mut dyn FrameEncoder) -> Vec<Vec<f32>> {
    introskip::lab::retrieval::embed(path, introskip::lab::retrieval::SECONDS, encoder).unwrap()
}

#[test]
fn embedded_encoder_retrieves_perturbed_frames() {
    let fixtures = introskip::lab::retrieval::fixtures().unwrap();
    let mut encoder = introskip::encoder::embedded::EmbeddedEncoder::default();
    let score = introskip::lab::retrieval::score(&fixtures, &mut encoder, true).unwrap();
    eprintln!("embedded encoder {}; misses: {}", score.summary(), score.misses.join(" "));
    assert_eq!(score.total, 478, "8 variants × ~60 queries");
    assert!(score.accuracy() >= 0.99, "{}; misses: {}", score.summary(), score.misses.join(" "));
    // A logo in the letterbox bar: the same shot still a near-copy, as alignment needs.
    let &(_, _, n, near) = score.per_variant.iter().find(|v| v.0 == "letterbox-logo-in-bar").unwrap();
    assert!(near * 10 >= n * 9, "letterbox with a logo in the bar: {near} of {n} near-copies; {}", score.summary());
}

#[test]
fn demo_intro_frames_match_across_episodes_and_the_body_does_not() {
    // S01E01's intro is at 0–20 s, S01E02's at 30–50 s: same shots, separately encoded.
    let demo = introskip::paths::demo_dir();
    let mut encoder = introskip::encoder::embedded::EmbeddedEncoder::default();
    let e1 = embeddings(&demo.join("Bunny Tales - S01E01.mp4"), &mut encoder);
    let e2 = embeddings(&demo.join("Bunny Tales - S01E02.mp4"), &mut encoder);
    for t in 0..20 {
        let best = (0..e2.len()).max_by(|&a, &b| cosine(&e1[t], &e2[a]).total_cmp(&cosine(&e1[t], &e2[b]))).unwrap();
        assert!(
            best == t + 30 || cosine(&e2[best], &e2[t + 30]) > 0.98,
            "E01 intro second {t} matched E02 second {best}, not {}", t + 30
        );
    }
    // Body footage of E01 (BBB 140–230) never appears in E02's first minute.
    let intro_like = (25..60).filter(|&t| (0..60).any(|u| cosine(&e1[t], &e2[u]) > 0.95)).count();
    assert!(intro_like <= 2, "{intro_like} body seconds of E01 look like E02 frames");
}

#[test]
fn cache_hits_on_reopen_rebuilds_corrupt_entries_and_misses_changed_files() {
    use introskip::features::cache;
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("episode.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=6", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.to_str().unwrap()]);
    let mut encoder = introskip::encoder::embedded::EmbeddedEncoder::default();
    let run = |encoder: &mut dyn FrameEncoder| embed_episode(&clip, 6, encoder, true, &mut |_| true).unwrap();

    let (first, cached) = run(&mut encoder);
    assert!(!cached);
    let (again, cached) = run(&mut encoder);
    assert!(cached, "reopening reads the cache");
    assert_eq!(first, again, "the cache gives back exactly what was stored");

    // Flip one byte in the middle of the entry: detected, deleted, rebuilt.
    let key = cache::CacheKey::new(&clip, 6, &encoder).unwrap();
    let entry = cache::cache_path(&key);
    let mut bytes = std::fs::read(&entry).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&entry, &bytes).unwrap();
    assert!(cache::load(&key).is_none(), "a corrupt entry is never trusted");
    assert!(!entry.exists(), "and it is removed");
    let (rebuilt, cached) = run(&mut encoder);
    assert!(!cached);
    assert_eq!(rebuilt, first);

    // Replace the episode with different content: a new fingerprint, so a miss.
    ffmpeg(&["-f", "lavfi", "-i", "mandelbrot=s=320x180:r=25", "-t", "6", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.to_str().unwrap()]);
    let (changed, cached) = run(&mut encoder);
    assert!(!cached, "a changed file is analysed again");
    assert_ne!(changed.embeddings, first.embeddings);
    let _ = std::fs::remove_file(cache::cache_path(&cache::CacheKey::new(&clip, 6, &encoder).unwrap()));
    let _ = std::fs::remove_file(entry);
}
