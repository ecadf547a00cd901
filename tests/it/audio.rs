//! Sound for playback: decoding from any time, converted for the output device, checked against
//! the ffmpeg CLI decoding the same file. The signal is noise below 2 kHz: its correlation peaks
//! only at the true alignment (a seek off by a millisecond cannot pass), while the resampler's
//! sub-sample phase, which depends on where decoding began, costs almost nothing.

use crate::common::*;
use introskip::video::audio::AudioReader;
use std::path::Path;

/// `seconds` of the file from `t` as the ffmpeg CLI decodes it: stereo f32 at 48 kHz.
fn ffmpeg_samples(path: &Path, t: f64, seconds: f64) -> Vec<f32> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-ss", &format!("{t}"), "-i", path.to_str().unwrap(), "-t", &format!("{seconds}")])
        .args(["-vn", "-ac", "2", "-ar", "48000", "-f", "f32le", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

fn our_samples(r: &mut AudioReader, t: f64, seconds: f64) -> (f64, Vec<f32>) {
    r.seek(t).unwrap();
    let mut first = None;
    let mut all = Vec::new();
    while all.len() < (seconds * 48000.0) as usize * 2 {
        let Some((start, chunk)) = r.next_chunk().unwrap() else { break };
        first.get_or_insert(start);
        all.extend(chunk);
    }
    all.truncate((seconds * 48000.0) as usize * 2);
    (first.unwrap(), all)
}

/// The lag (in frames, ours relative to the reference) with the highest normalised correlation.
fn best_lag(ours: &[f32], reference: &[f32], max_lag: i64) -> (i64, f64) {
    let left = |v: &[f32]| v.iter().step_by(2).map(|&x| x as f64).collect::<Vec<f64>>();
    let (a, b) = (left(ours), left(reference));
    let n = a.len().min(b.len()) as i64 - 2 * max_lag;
    (-max_lag..=max_lag)
        .map(|lag| {
            let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
            for i in max_lag..max_lag + n {
                let (x, y) = (a[i as usize], b[(i + lag) as usize]);
                dot += x * y;
                na += x * x;
                nb += y * y;
            }
            (lag, dot / (na * nb).sqrt().max(1e-12))
        })
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .unwrap()
}

fn noise_clip(dir: &Path, name: &str, codec: &[&str]) -> std::path::PathBuf {
    let clip = dir.join(name);
    // 44.1 kHz mono: the reader converts rate and channels for the device.
    let mut args = vec![
        "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=10", "-f", "lavfi", "-i", "anoisesrc=d=10:c=white:r=44100:a=0.5:seed=7,lowpass=f=2000,lowpass=f=2000",
        "-c:v", "libx264", "-g", "50",
    ];
    args.extend_from_slice(codec);
    args.extend_from_slice(&["-shortest", clip.to_str().unwrap()]);
    ffmpeg(&args);
    clip
}

fn check_against_ffmpeg(r: &mut AudioReader, clip: &Path, t: f64, min_corr: f64) {
    let (start, ours) = our_samples(r, t, 0.5);
    assert!((start - t).abs() < 1e-6, "sound asked for at {t} s starts at {start}");
    let reference = ffmpeg_samples(clip, t, 0.6);
    let (lag, corr) = best_lag(&ours, &reference, 960);
    assert!(corr > min_corr, "{}: at {t} s: correlation {corr:.4} with ffmpeg's decoding", clip.display());
    // Within 1 ms (the resampler's filter delay is ~0.4 ms).
    assert!(lag.abs() <= 48, "{}: at {t} s: {lag} samples ({:.1} ms) away from ffmpeg's -ss", clip.display(), lag as f64 / 48.0);
    // Both channels carry the mono source.
    assert!(ours.chunks_exact(2).all(|f| (f[0] - f[1]).abs() < 1e-6));
}

#[test]
fn sound_from_any_time_lines_up_with_ffmpegs_decoding() {
    let dir = tempfile::tempdir().unwrap();
    // Lossless: one reader seeking back and forth must give exactly the CLI's samples.
    let flac = noise_clip(dir.path(), "noise.mkv", &["-c:a", "flac"]);
    let mut r = AudioReader::open(&flac, 48000, 2).unwrap().expect("the clip has sound");
    for t in [3.3, 0.0, 7.77, 1.0] {
        check_against_ffmpeg(&mut r, &flac, t, 0.995);
    }
    // AAC in MP4 (priming samples, edit list). AAC codes noise as noise (PNS) from the decoder's
    // own random state, so each time gets a fresh decoder, as the CLI's has.
    let aac = noise_clip(dir.path(), "noise.mp4", &["-c:a", "aac", "-b:a", "128k"]);
    for t in [0.0, 3.3, 7.77] {
        let mut r = AudioReader::open(&aac, 48000, 2).unwrap().unwrap();
        check_against_ffmpeg(&mut r, &aac, t, 0.98);
    }
}

#[test]
fn sound_keeps_its_offset_from_the_picture_and_silent_files_have_none() {
    let dir = tempfile::tempdir().unwrap();
    // The audio starts 1.5 s after the picture: t = 0 is the picture's start, so the first sound is at 1.5 s.
    let late = dir.path().join("late.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=6", "-itsoffset", "1.5", "-f", "lavfi", "-i", "sine=f=440:d=4:r=48000",
        "-c:v", "libx264", "-c:a", "flac", late.to_str().unwrap(),
    ]);
    let mut r = AudioReader::open(&late, 48000, 2).unwrap().unwrap();
    r.seek(0.0).unwrap();
    let (start, _) = r.next_chunk().unwrap().unwrap();
    assert!((start - 1.5).abs() < 0.01, "first sound at {start} s, expected 1.5 s");
    let silent = counter_clip(dir.path(), "silent.mp4", "25", 2.0, &["-c:v", "libx264"], None);
    assert!(AudioReader::open(&silent, 48000, 2).unwrap().is_none());
}

/// The waveform lane: a −21 dBFS tone, a second of digital silence, the tone again. The levels
/// and the marked silence are where the file has them (within a step of the lane).
#[test]
fn the_waveform_lane_shows_levels_and_marks_the_silence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tone-gap.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=gray:s=160x90:r=25:d=5",
        "-f", "lavfi", "-i", "sine=f=440:r=48000:d=5",
        "-filter_complex", "[1:a]volume=enable='between(t,2,3)':volume=0[a]",
        "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-c:a", "aac", "-b:a", "128k", "-shortest", path.to_str().unwrap(),
    ]);
    let env = introskip::features::sound::envelope(&path, 10).unwrap().expect("the file has sound");
    let step = introskip::features::sound::ENVELOPE_STEP_S;
    assert!((env.len() as f64 * step - 5.0).abs() <= 0.1, "the lane ends with the sound: {} steps", env.len());
    // ffmpeg's sine source has an amplitude of 1/8: an RMS of 0.125/√2, −21.1 dBFS.
    let at = |t: f64| env[(t / step) as usize];
    for t in [0.5, 1.5, 3.5, 4.5] {
        assert!((at(t) + 21.07).abs() < 1.0, "level at {t} s: {} dBFS", at(t));
    }
    let silences = introskip::features::sound::silences(&env);
    assert_eq!(silences.len(), 1, "{silences:?}");
    let (a, b) = silences[0];
    assert!((a - 2.0).abs() <= 0.06 && (b - 3.0).abs() <= 0.06, "silence marked at {a}–{b} s");
    // No sound at all: no lane, and no error.
    let mute = dir.path().join("mute.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "color=c=gray:s=160x90:r=25:d=2", "-c:v", "libx264", mute.to_str().unwrap()]);
    assert_eq!(introskip::features::sound::envelope(&mute, 10).unwrap(), None);
}
