//! The embedded encoder must find, for each frame of a perturbed version of a real clip, the
//! matching frame among all (1 FPS) frames of the original: ≥ 99 % top-1 over all perturbations.

use crate::common::*;
use introskip::encoder::{cosine, embed_episode, FrameEncoder};
use std::path::{Path, PathBuf};

const SECONDS: u32 = 60;

/// BBB 60–120 s, its perturbed versions and an every-frame gallery, built once into the cache (~40 s).
fn fixtures() -> (PathBuf, PathBuf, Vec<(&'static str, PathBuf, f64)>) {
    let cache = introskip::paths::cache_dir();
    let bbb = cache.join("media").join("bbb.mp4");
    assert!(bbb.exists(), "{} missing: scripts/test.sh fetches it", bbb.display());
    let dir = cache.join("fixtures").join("encoder-v1");
    std::fs::create_dir_all(&dir).unwrap();
    let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    let logo = format!("drawbox=x=iw-120:y=12:w=100:h=40:color=white@0.8:t=fill,drawtext=fontfile={font}:text=TV1:x=w-105:y=18:fontsize=28:fontcolor=red");
    // (name, ffmpeg output options, source seconds per output second)
    let variants: Vec<(&str, Vec<String>, f64)> = vec![
        ("x265-low-bitrate", vec!["-c:v".into(), "libx265".into(), "-preset".into(), "ultrafast".into(), "-b:v".into(), "250k".into()], 1.0),
        ("240p", vec!["-vf".into(), "scale=426:240".into(), "-crf".into(), "32".into()], 1.0),
        ("letterbox-2.35", vec!["-vf".into(), "crop=640:272,pad=640:360:0:44:black".into()], 1.0),
        ("pillarbox-4:3", vec!["-vf".into(), "crop=480:360,pad=640:360:80:0:black".into()], 1.0),
        ("channel-logo", vec!["-vf".into(), logo], 1.0),
        ("colour-gamma", vec!["-vf".into(), "eq=gamma=1.4:saturation=1.3:brightness=0.04,colorbalance=rs=0.1:bs=-0.08".into()], 1.0),
        ("pal-speedup", vec!["-vf".into(), "setpts=PTS*24/25".into(), "-r".into(), "25".into()], 25.0 / 24.0),
    ];
    let original = dir.join("original.mp4");
    if !original.exists() {
        let tmp = dir.join("original.tmp.mp4");
        ffmpeg(&["-ss", "60", "-t", &SECONDS.to_string(), "-i", bbb.to_str().unwrap(), "-an", "-vf", "scale=640:360", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", tmp.to_str().unwrap()]);
        std::fs::rename(&tmp, &original).unwrap();
    }
    // Every frame of the original, frame n shown at n seconds: a gallery of all 1440 frames.
    let every_frame = dir.join("original-every-frame.mkv");
    if !every_frame.exists() {
        let tmp = dir.join("original-every-frame.tmp.mkv");
        ffmpeg(&["-i", original.to_str().unwrap(), "-vf", "setpts=N/TB", "-r", "1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", tmp.to_str().unwrap()]);
        std::fs::rename(&tmp, &every_frame).unwrap();
    }
    let mut out = Vec::new();
    for (name, opts, speed) in variants {
        let path = dir.join(format!("{name}.mkv"));
        if !path.exists() {
            let tmp = dir.join(format!("{name}.tmp.mkv"));
            let mut args: Vec<String> = vec!["-i".into(), original.to_str().unwrap().into()];
            if !opts.iter().any(|o| o == "-c:v") {
                args.extend(["-c:v".into(), "libx264".into(), "-preset".into(), "veryfast".into()]);
            }
            args.extend(opts);
            args.push(tmp.to_str().unwrap().into());
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            ffmpeg(&refs);
            std::fs::rename(&tmp, &path).unwrap();
        }
        out.push((name, path, speed));
    }
    (original, every_frame, out)
}

fn embeddings(path: &Path, encoder: &mut dyn FrameEncoder) -> Vec<Vec<f32>> {
    embeddings_over(path, SECONDS, encoder)
}

fn embeddings_over(path: &Path, window: u32, encoder: &mut dyn FrameEncoder) -> Vec<Vec<f32>> {
    let (f, _) = embed_episode(path, window, encoder, false, &mut |_, _| {}).unwrap();
    (0..f.seconds.len()).map(|i| f.embedding(i).to_vec()).collect()
}

#[test]
fn embedded_encoder_retrieves_perturbed_frames() {
    let (original, every_frame, variants) = fixtures();
    let mut encoder = introskip::encoder::embedded::EmbeddedEncoder::default();
    // Frame-aligned perturbations query the 1 FPS samples of the original; the PAL speed-up shows
    // source frame 25k at its second k, so it queries a gallery of every original frame (24 fps)
    // and must find that frame, give or take two frames (83 ms) for animation holds.
    let per_second = embeddings(&original, &mut encoder);
    let per_frame = embeddings_over(&every_frame, SECONDS * 24, &mut encoder);
    assert_eq!((per_second.len(), per_frame.len()), (SECONDS as usize, SECONDS as usize * 24));
    let (mut hits, mut total) = (0, 0);
    let mut report = Vec::new();
    let mut misses = Vec::new();
    for (name, path, speed) in &variants {
        let queries = embeddings(path, &mut encoder);
        let pal = *speed != 1.0;
        let gallery = if pal { &per_frame } else { &per_second };
        let (mut h, mut n) = (0, 0);
        for (k, q) in queries.iter().enumerate() {
            let expected = if pal { k * 25 } else { k };
            if expected >= gallery.len() {
                break;
            }
            let best = (0..gallery.len()).max_by(|&a, &b| cosine(q, &gallery[a]).total_cmp(&cosine(q, &gallery[b]))).unwrap();
            let ok = if pal { best.abs_diff(expected) <= 2 } else { best == expected };
            if !ok {
                misses.push(format!("{name}@{k}s→{best} (want {expected})"));
            }
            h += ok as usize;
            n += 1;
        }
        report.push(format!("{name}: {h}/{n}"));
        hits += h;
        total += n;
    }
    let accuracy = hits as f64 / total as f64;
    eprintln!("embedded encoder top-1: {:.2} % ({hits}/{total}); {}; misses: {}", accuracy * 100.0, report.join(", "), misses.join(" "));
    assert!(accuracy >= 0.99, "top-1 {:.2} % < 99 %: {}; misses: {}", accuracy * 100.0, report.join(", "), misses.join(" "));
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
    use introskip::encoder::cache;
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("episode.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=6", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.to_str().unwrap()]);
    let mut encoder = introskip::encoder::embedded::EmbeddedEncoder::default();
    let run = |encoder: &mut dyn FrameEncoder| embed_episode(&clip, 6, encoder, true, &mut |_, _| {}).unwrap();

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
