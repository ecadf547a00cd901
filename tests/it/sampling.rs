//! Sample k must be the frame a player shows at k seconds: the last frame with PTS ≤ k. Each clip
//! draws its frame number; ffprobe lists the frame times; every strategy must agree with both.

use crate::common::*;
use introskip::video::{sample_all, SamplerConfig, Strategy};
use std::path::Path;

fn config(window: u32, strategy: Strategy) -> SamplerConfig {
    SamplerConfig { window_s: window, preprocess: None, keep_full_frame: true, strategy, ..Default::default() }
}

/// Check every sample of every strategy against ffprobe's frame times. Returns the sample count.
fn assert_exact(path: &Path, window: u32) -> usize {
    let (start, times) = ffprobe_frame_times(path);
    assert!(!times.is_empty(), "ffprobe found no frames in {}", path.display());
    let mut counts = Vec::new();
    for strategy in [Strategy::Auto, Strategy::Forward, Strategy::DecodeAll] {
        let (samples, report) = sample_all(path, &config(window, strategy)).expect("sampling succeeds");
        for (i, s) in samples.iter().enumerate() {
            assert_eq!(s.second as usize, i, "samples are consecutive seconds");
            let t = start + s.second as f64;
            // Index of the last frame with PTS ≤ t (the first frame if the video starts later).
            let expected = times.iter().rposition(|&ft| ft <= t + 1e-7).unwrap_or(0);
            let shown = read_counter(s.full_frame.as_ref().unwrap());
            assert_eq!(
                shown as usize, expected,
                "{} ({strategy:?}): at {} s the player shows frame {expected} (pts {:.6}) but we sampled frame {shown}",
                path.display(), s.second, times[expected]
            );
            assert!((s.frame_time_s - (times[expected] - start)).abs() < 1e-3, "frame_time_s is the shown frame's PTS");
        }
        counts.push((samples.len(), report.samples));
    }
    assert!(counts.windows(2).all(|w| w[0] == w[1]), "all strategies give the same samples: {counts:?}");
    counts[0].0
}

const X264_BFRAMES: &[&str] = &["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-bf", "3"];

#[test]
fn exact_at_23_976_fps_with_b_frames() {
    let dir = tempfile::tempdir().unwrap();
    let mut enc = X264_BFRAMES.to_vec();
    enc.extend(["-g", "48"]);
    let clip = counter_clip(dir.path(), "film.mp4", "24000/1001", 40.0, &enc, None);
    assert_eq!(assert_exact(&clip, 40), 40);
}

#[test]
fn exact_at_25_fps_long_gop_mkv() {
    let dir = tempfile::tempdir().unwrap();
    let mut enc = X264_BFRAMES.to_vec();
    enc.extend(["-g", "250"]);
    let clip = counter_clip(dir.path(), "pal.mkv", "25", 30.0, &enc, None);
    assert_eq!(assert_exact(&clip, 30), 30);
}

#[test]
fn exact_at_29_97_fps_short_gop_seeking() {
    let dir = tempfile::tempdir().unwrap();
    let mut enc = X264_BFRAMES.to_vec();
    enc.extend(["-g", "15"]);
    let clip = counter_clip(dir.path(), "ntsc.mp4", "30000/1001", 30.0, &enc, None);
    assert_eq!(assert_exact(&clip, 30), 30);
    // With half-second GOPs the sampler must jump instead of decoding everything.
    let (_, report) = sample_all(&clip, &config(30, Strategy::Auto)).unwrap();
    assert!(report.seeks > 5, "expected keyframe seeks, got {report:?}");
    assert!(report.frames_decoded < 900 / 2, "decoded {} of 900 frames", report.frames_decoded);
}

/// A 30 s, 25 fps counter clip in VP9 (WebM) with a keyframe every `gop` frames.
fn vp9_clip(dir: &Path, name: &str, gop: &str) -> std::path::PathBuf {
    let enc = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-crf", "4", "-b:v", "0", "-g", gop];
    counter_clip(dir, name, "25", 30.0, &enc, None)
}

/// VP9 and AV1 encoders often write one keyframe for a whole file: there is nowhere to split the
/// window between cores, so no frame may be decoded twice (once per part) — FFmpeg's frame threads
/// share the one part instead.
#[test]
fn exact_in_vp9_with_a_single_keyframe_and_no_frame_decoded_twice() {
    let dir = tempfile::tempdir().unwrap();
    let clip = vp9_clip(dir.path(), "one-keyframe.webm", "100000");
    assert_eq!(assert_exact(&clip, 30), 30);
    // Four parts asked for, whatever the machine's cores.
    let (_, auto) = sample_all(&clip, &SamplerConfig { threads: 4, ..config(30, Strategy::Auto) }).unwrap();
    let (_, all) = sample_all(&clip, &config(30, Strategy::DecodeAll)).unwrap();
    assert!(auto.frames_decoded <= all.frames_decoded, "decoded {} frames, decoding everything takes {}", auto.frames_decoded, all.frames_decoded);
}

/// Matroska/WebM keep their keyframe index (Cues) after the clusters, where FFmpeg reads it only
/// on a first seek: the sampler reads it at open, so a WebM with short GOPs is jumped through like
/// an MP4 (before, it saw no keyframes and decoded every frame) and its keyframes are listed.
#[test]
fn webm_keyframe_index_is_read_so_short_gops_are_jumped() {
    let dir = tempfile::tempdir().unwrap();
    let clip = vp9_clip(dir.path(), "short-gops.webm", "12");
    assert_eq!(assert_exact(&clip, 30), 30);
    let info = introskip::video::probe(&clip).unwrap();
    let gop = info.video.keyframe_interval_s.expect("the WebM's keyframes are indexed");
    assert!((gop - 0.48).abs() < 0.1, "keyframes every {gop} s, encoded every 12 frames at 25 fps");
    let (_, report) = sample_all(&clip, &SamplerConfig { threads: 1, ..config(30, Strategy::Auto) }).unwrap();
    assert!(report.seeks > 5, "expected keyframe seeks, got {report:?}");
    assert!(report.frames_decoded < 750 / 2, "decoded {} of 750 frames", report.frames_decoded);
}

#[test]
fn exact_at_60_fps_and_shorter_than_window() {
    let dir = tempfile::tempdir().unwrap();
    let clip = counter_clip(dir.path(), "sixty.mp4", "60", 20.0, X264_BFRAMES, None);
    assert_eq!(assert_exact(&clip, 30), 20, "a 20 s clip gives 20 samples for a 30 s window");
    let (_, report) = sample_all(&clip, &config(30, Strategy::Auto)).unwrap();
    let note = report.note.expect("a short stream is reported");
    assert_eq!(note, "the video lasts 20 s, shorter than the 30 s window: all of it is analysed");
}

#[test]
fn exact_with_variable_frame_rate_and_a_still() {
    let dir = tempfile::tempdir().unwrap();
    let mut enc = X264_BFRAMES.to_vec();
    // A millisecond time base end to end, or the encoder rounds the times to 1/30 s and drops frames.
    enc.extend(["-fps_mode", "vfr", "-enc_time_base:v", "1/1000"]);
    // Frame durations swing between 19 and 48 ms, and frame 300 stays on screen for 2.5 s extra.
    let clip = counter_clip(dir.path(), "vfr.mkv", "30", 14.0, &enc, Some("settb=1/1000,setpts='(N/30+0.1*sin(N/7)+2.5*gte(N,300))/TB'"));
    let (_, times) = ffprobe_frame_times(&clip);
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().cloned().fold(0.0, f64::max) > 2.0, "the fixture has a long still");
    assert_exact(&clip, 17);
}

#[test]
fn exact_in_mpeg_ts_with_start_offset_and_no_index() {
    let dir = tempfile::tempdir().unwrap();
    let clip = counter_clip(dir.path(), "broadcast.ts", "25", 20.0, X264_BFRAMES, None);
    let (start, _) = ffprobe_frame_times(&clip);
    assert!(start > 0.5, "MPEG-TS starts at its mux delay, got {start}");
    assert_eq!(assert_exact(&clip, 20), 20);
}

#[test]
fn rotation_metadata_is_applied_like_the_ffmpeg_cli() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("phone.mp4");
    // Left third white, the rest dark: rotation direction is visible.
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=black:s=192x108:r=25:d=3", "-vf", "geq=lum='if(lt(X,64),235,16)':cb=128:cr=128",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.to_str().unwrap(),
    ]);
    set_mp4_rotation_90(&clip);
    let info = introskip::video::probe(&clip).unwrap();
    assert_eq!(info.video.rotation, 90);
    assert_eq!((info.video.display_width, info.video.display_height), (108, 192));
    let (samples, _) = sample_all(&clip, &config(1, Strategy::Auto)).unwrap();
    let ours = samples[0].full_frame.as_ref().unwrap();
    let reference = cli_frame(&clip, 108, 192, None);
    assert_eq!((ours.width(), ours.height()), (108, 192));
    assert!(mean_abs_diff(ours, &reference) < 4.0, "ours differs from the ffmpeg CLI's autorotated frame");
}

#[test]
fn non_square_pixels_are_stretched_to_display_aspect() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("anamorphic.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-vf", "setsar=2/1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        clip.to_str().unwrap(),
    ]);
    let info = introskip::video::probe(&clip).unwrap();
    assert_eq!(info.video.sample_aspect, (2, 1));
    assert_eq!((info.video.display_width, info.video.display_height), (320, 120));
    let (samples, _) = sample_all(&clip, &config(1, Strategy::Auto)).unwrap();
    let ours = samples[0].full_frame.as_ref().unwrap();
    assert_eq!((ours.width(), ours.height()), (320, 120));
    let reference = cli_frame(&clip, 320, 120, Some("scale=320:120:flags=bicubic"));
    assert!(mean_abs_diff(ours, &reference) < 6.0);
}

#[test]
fn letterboxed_source_keeps_its_bars() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("letterbox.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=white:s=320x132:r=25:d=2", "-vf", "pad=320:180:0:24:black", "-c:v", "libx264",
        "-pix_fmt", "yuv420p", clip.to_str().unwrap(),
    ]);
    let (samples, _) = sample_all(&clip, &config(1, Strategy::Auto)).unwrap();
    let f = samples[0].full_frame.as_ref().unwrap();
    assert_eq!((f.width(), f.height()), (320, 180));
    assert!(f.get_pixel(160, 5)[0] < 40, "top bar stays black");
    assert!(f.get_pixel(160, 90)[0] > 215, "picture stays white");
}

/// The default skips deblocking on reference frames no sample shows; the frames it does show stay
/// within the documented bound of exact decoding: the same frame at every second, embedded-encoder
/// cosine ≥ 0.99 (README "How sampling works"). Measured on real footage at a low bitrate, where
/// deblocking does the most, encoded with x264's defaults (b-pyramid, scene-cut keyframes).
#[test]
fn skipping_unshown_deblocking_stays_within_the_bound_of_exact_decoding() {
    let source = introskip::paths::cache_dir().join("media").join("bbb.mp4");
    assert!(source.exists(), "{}: run scripts/fetch-media.sh", source.display());
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("bbb-crf30.mp4");
    ffmpeg(&["-ss", "60", "-t", "40", "-i", source.to_str().unwrap(), "-an", "-vf", "scale=960:540",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", clip.to_str().unwrap()]);
    let mut encoder = introskip::encoder::default_encoder();
    let run = |exact: bool| {
        let cfg = SamplerConfig { exact, ..introskip::encoder::sampler_config_for(encoder.as_ref(), 40) };
        sample_all(&clip, &cfg).unwrap().0
    };
    let (fast, exact) = (run(false), run(true));
    assert_eq!(fast.len(), 40);
    assert_eq!(fast.iter().map(|s| s.frame_time_s).collect::<Vec<_>>(), exact.iter().map(|s| s.frame_time_s).collect::<Vec<_>>(), "the same frames are shown");
    assert!(fast.iter().zip(&exact).any(|(a, b)| a.thumbnail != b.thumbnail), "the default decodes differently from exact (else the option does nothing)");
    let ea = encoder.encode(&fast.iter().collect::<Vec<_>>()).unwrap();
    let eb = encoder.encode(&exact.iter().collect::<Vec<_>>()).unwrap();
    for (k, (a, b)) in ea.iter().zip(&eb).enumerate() {
        let cos = if a == b { 1.0 } else { introskip::encoder::cosine(a, b) };
        assert!(cos >= 0.99, "second {k}: embedding cosine {cos:.4} against exact decoding");
    }
}

/// x264 at `veryfast` writes `ref=1` into the stream: a B-pyramid's reference frame then serves
/// only its own group of B-frames, so by default a group no sample shows is dropped whole. Not
/// exact (FFmpeg's stand-in for the missing frame number moves some implicit bi-prediction
/// weights), so it stays within the bound the deblocking skip is held to: the same frames shown,
/// embedded-encoder cosine ≥ 0.99 against exact decoding, which drops no group and shows byte for
/// byte what decoding everything shows. At `ref=3` (x264's `medium`) a later P-frame may predict
/// from such a reference: no group is dropped there.
#[test]
fn b_groups_no_sample_shows_are_dropped_whole_only_where_x264_says_one_reference() {
    let source = introskip::paths::cache_dir().join("media").join("bbb.mp4");
    assert!(source.exists(), "{}: run scripts/fetch-media.sh", source.display());
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = introskip::encoder::default_encoder();
    for (name, extra, drops) in [("veryfast.mp4", &[][..], true), ("ref3.mp4", &["-x264-params", "ref=3"][..], false)] {
        let clip = dir.path().join(name);
        let mut args = vec!["-ss", "60", "-t", "30", "-i", source.to_str().unwrap(), "-an", "-vf", "scale=640:360",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23"];
        args.extend_from_slice(extra);
        args.push(clip.to_str().unwrap());
        ffmpeg(&args);
        let config = |exact, strategy| SamplerConfig { exact, strategy, keep_full_frame: true, ..introskip::encoder::sampler_config_for(encoder.as_ref(), 30) };
        let (fast, report) = sample_all(&clip, &config(false, Strategy::Auto)).unwrap();
        let (exact, exact_report) = sample_all(&clip, &config(true, Strategy::Auto)).unwrap();
        let (all, everything) = sample_all(&clip, &config(true, Strategy::DecodeAll)).unwrap();
        let (_, kept) = sample_all(&clip, &SamplerConfig { drop_b_groups: false, ..config(false, Strategy::Auto) }).unwrap();
        assert_eq!(fast.len(), 30, "{name}");
        // The decoder really leaves the groups out (the count above is only the plan).
        if drops {
            assert!(report.frames_decoded < kept.frames_decoded, "{name}: {} frames decoded dropping B groups, {} keeping them", report.frames_decoded, kept.frames_decoded);
        } else {
            assert_eq!(report.frames_decoded, kept.frames_decoded, "{name}");
        }
        assert_eq!(report.b_groups_dropped > 0, drops, "{name}: {report:?}");
        assert_eq!(exact_report.b_groups_dropped, 0, "{name}: exact decoding drops no reference");
        assert!(report.frames_decoded < everything.frames_decoded, "{name}: {} of {} frames decoded", report.frames_decoded, everything.frames_decoded);
        for ((a, b), c) in fast.iter().zip(&exact).zip(&all) {
            assert_eq!(a.frame_time_s, c.frame_time_s, "{name}: second {}", a.second);
            assert!(b.full_frame == c.full_frame, "{name}: exact sampling differs from decoding everything at second {}", b.second);
        }
        let ea = encoder.encode(&fast.iter().collect::<Vec<_>>()).unwrap();
        let eb = encoder.encode(&exact.iter().collect::<Vec<_>>()).unwrap();
        for (k, (a, b)) in ea.iter().zip(&eb).enumerate() {
            let cos = if a == b { 1.0 } else { introskip::encoder::cosine(a, b) };
            assert!(cos >= 0.99, "{name}: second {k}: embedding cosine {cos:.4} against exact decoding");
        }
    }
}

#[test]
fn tensors_are_the_preprocessed_full_frames() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("tensor.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.to_str().unwrap()]);
    let spec = introskip::image_ops::PreprocessSpec::clip(224);
    let cfg = SamplerConfig { window_s: 3, keep_full_frame: true, preprocess: Some(spec.clone()), ..Default::default() };
    let (samples, _) = sample_all(&clip, &cfg).unwrap();
    assert_eq!(samples.len(), 3);
    for s in &samples {
        let tensor = s.tensor.as_ref().unwrap();
        assert_eq!(tensor.len(), 3 * 224 * 224);
        assert_eq!(tensor, &spec.tensor(s.full_frame.as_ref().unwrap()));
        assert_eq!(s.thumbnail.height(), 72);
        assert_eq!(s.thumbnail.width(), 128);
    }
}

#[test]
fn streaming_sampler_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let clip = counter_clip(dir.path(), "long.mp4", "25", 60.0, X264_BFRAMES, None);
    let handle = introskip::video::spawn_sampler(clip, SamplerConfig { window_s: 60, ..Default::default() });
    // Take a few samples, then cancel: the worker must stop promptly and say so.
    let mut got = 0;
    for event in handle.events.iter() {
        if let introskip::video::SamplerEvent::Sample(_) = event {
            got += 1;
            if got == 3 {
                break;
            }
        }
    }
    let started = std::time::Instant::now();
    handle.stop();
    assert!(started.elapsed().as_secs_f64() < 5.0, "cancel took {:?}", started.elapsed());
}

/// Write a 90° clockwise display matrix into the MP4 track header, as phones do (FFmpeg 5.1's CLI
/// can no longer write one). tkhd v0: the matrix starts 40 bytes after the box type.
fn set_mp4_rotation_90(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = bytes.windows(4).position(|w| w == b"tkhd").expect("mp4 has a tkhd box");
    assert_eq!(bytes[at + 4], 0, "tkhd version 0");
    let matrix: [i32; 9] = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x4000_0000];
    for (i, v) in matrix.iter().enumerate() {
        let o = at + 4 + 40 + i * 4;
        bytes[o..o + 4].copy_from_slice(&v.to_be_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

/// The first frame as the ffmpeg CLI renders it (autorotation on), RGB at the given size.
fn cli_frame(path: &Path, w: u32, h: u32, vf: Option<&str>) -> image::RgbImage {
    let mut cmd = std::process::Command::new("ffmpeg");
    cmd.args(["-v", "error", "-i"]).arg(path);
    if let Some(vf) = vf {
        cmd.args(["-vf", vf]);
    }
    let out = cmd.args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).output().unwrap();
    assert!(out.status.success());
    image::RgbImage::from_raw(w, h, out.stdout).expect("CLI frame has the expected size")
}

fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let total: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| (*x as i32 - *y as i32).unsigned_abs() as u64).sum();
    total as f64 / a.as_raw().len() as f64
}
