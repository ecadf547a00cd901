//! Per-second sound features for the model: what a single episode's soundtrack says about where
//! its intro is. A theme plays as one continuous piece of music over many picture cuts and starts
//! and stops with fades; the scenes around it change sound where the picture changes. Five
//! numbers per second of the detection window, from the main audio stream decoded at 16 kHz mono
//! and cut into 32 ms frames (512 samples, Hann window) with 24 log-spaced bands from 60 Hz to
//! 8 kHz:
//! - `loudness`: RMS level, (dB + 60) / 60 clipped to 0–1 (silence is 0);
//! - `sound_change_prev` / `sound_change_next`: distance between this second's mean band profile
//!   (log energies) and the neighbour's, per band, /4, capped at 2;
//! - `sound_flux`: mean rise of the band energies from frame to frame (onsets: speech and
//!   percussion high, held chords and silence low), /4, capped at 2;
//! - `tonality`: 1 − spectral flatness over 150 Hz–4 kHz (pitched music and voices near 1, noise
//!   near 0).
//! A file without sound gets zeros. Beside them, the window's Chromaprint fingerprint
//! ([`fingerprint_of`]): what season alignment ([`super::align`]) matches between episodes.
//! Cached beside the embeddings (`<cache>/audio/`).

use crate::error::Result;
use crate::video::audio::AudioReader;
use std::path::Path;

pub const AUDIO_CHANNELS: [&str; 5] = ["loudness", "sound_change_prev", "sound_change_next", "sound_flux", "tonality"];
pub const AUDIO_DIM: usize = AUDIO_CHANNELS.len();
/// Bumped whenever the features for the same file change. 2: the Chromaprint fingerprint.
pub const AUDIO_VERSION: u32 = 2;

const RATE: u32 = 16_000;
const FRAME: usize = 512;
const BANDS: usize = 24;

/// What the soundtrack of an episode's window gives: per-second features and a fingerprint.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sound {
    /// One row per second for seconds `0..window_s` (fewer when the file is shorter).
    pub rows: Vec<[f32; AUDIO_DIM]>,
    /// Chromaprint items ([`super::align::ITEM_S`] apart) over the same seconds; empty without sound.
    pub fingerprint: Vec<u32>,
}

/// The sound of `path`'s window: features and fingerprint.
pub fn sound_features(path: &Path, window_s: u32) -> Result<Sound> {
    sound_features_from(path, 0, window_s)
}

/// The sound of `[start_s, start_s + len_s)` (the tail of an episode): rows and fingerprint
/// count from `start_s`.
pub fn sound_features_from(path: &Path, start_s: u32, len_s: u32) -> Result<Sound> {
    sound_features_until(path, start_s, len_s, &|| false)
}

/// [`sound_features_from`] that gives up (`Error::Cancelled`) as soon as `stop` says so.
fn sound_features_until(path: &Path, start_s: u32, len_s: u32, stop: &dyn Fn() -> bool) -> Result<Sound> {
    let Some(mut reader) = AudioReader::open(path, RATE, 1)? else {
        return Ok(Sound { rows: vec![[0.0; AUDIO_DIM]; len_s as usize], fingerprint: Vec::new() });
    };
    reader.seek(f64::from(start_s))?;
    let total = len_s as usize * RATE as usize;
    let mut samples = vec![0f32; total];
    let mut filled = 0usize;
    while let Some((start, chunk)) = reader.next_chunk()? {
        if stop() {
            return Err(crate::Error::Cancelled);
        }
        let offset = ((start - f64::from(start_s)) * f64::from(RATE)).round();
        // A chunk that began before the seek point: keep only its part inside the window.
        let (at, chunk) = if offset < 0.0 {
            let skip = (-offset) as usize;
            if skip >= chunk.len() {
                continue;
            }
            (0usize, &chunk[skip..])
        } else {
            (offset as usize, &chunk[..])
        };
        if at >= total {
            break;
        }
        let n = chunk.len().min(total - at);
        samples[at..at + n].copy_from_slice(&chunk[..n]);
        filled = filled.max(at + n);
    }
    let seconds = filled.div_ceil(RATE as usize).min(len_s as usize);
    let samples = &samples[..seconds * RATE as usize];
    Ok(Sound { rows: features_of(samples, seconds), fingerprint: fingerprint_of(samples, RATE) })
}

/// Steps of the waveform lane: 20 a second, fine enough to place a music start by eye.
pub const ENVELOPE_STEP_S: f64 = 0.05;
/// Quieter than this (dBFS) is silence in the waveform lane.
pub const SILENCE_DB: f32 = -50.0;
/// Silences shorter than this are pauses, not marked.
pub const SILENCE_MIN_S: f64 = 0.4;

/// The level of `path`'s sound over `[0, window_s)`: RMS in dBFS per [`ENVELOPE_STEP_S`] (floor
/// −90), for the app's waveform lane. `None` when the file has no sound.
pub fn envelope(path: &Path, window_s: u32) -> Result<Option<Vec<f32>>> {
    envelope_span(path, 0.0, f64::from(window_s))
}

/// [`envelope`] over `[from_s, to_s)`: step `i` covers `from_s + i·`[`ENVELOPE_STEP_S`]. Short
/// where the sound ends early.
pub fn envelope_span(path: &Path, from_s: f64, to_s: f64) -> Result<Option<Vec<f32>>> {
    const ENVELOPE_RATE: u32 = 8_000;
    let Some(mut reader) = AudioReader::open(path, ENVELOPE_RATE, 1)? else { return Ok(None) };
    let from_s = from_s.max(0.0);
    reader.seek(from_s)?;
    let per_step = (ENVELOPE_STEP_S * f64::from(ENVELOPE_RATE)).round() as usize;
    let steps = ((to_s - from_s).max(0.0) / ENVELOPE_STEP_S).round() as usize;
    let mut energy = vec![0f64; steps];
    let mut filled = 0usize;
    while let Some((start, chunk)) = reader.next_chunk()? {
        let at = ((start - from_s) * f64::from(ENVELOPE_RATE)).round().max(0.0) as usize;
        if at >= steps * per_step {
            break;
        }
        for (i, x) in chunk.iter().enumerate() {
            let step = (at + i) / per_step;
            if step >= steps {
                break;
            }
            energy[step] += f64::from(*x) * f64::from(*x);
            filled = filled.max(step + 1);
        }
    }
    Ok(Some(energy[..filled].iter().map(|e| (10.0 * (e / per_step as f64).max(1e-9).log10()) as f32).collect()))
}

/// Silent stretches of an [`envelope`] (seconds, end exclusive): below [`SILENCE_DB`] for at
/// least [`SILENCE_MIN_S`].
pub fn silences(envelope: &[f32]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for i in 0..=envelope.len() {
        let quiet = envelope.get(i).is_some_and(|db| *db < SILENCE_DB);
        match (quiet, run) {
            (true, None) => run = Some(i),
            (false, Some(a)) => {
                if (i - a) as f64 * ENVELOPE_STEP_S >= SILENCE_MIN_S - 1e-9 {
                    out.push((a as f64 * ENVELOPE_STEP_S, i as f64 * ENVELOPE_STEP_S));
                }
                run = None;
            }
            _ => {}
        }
    }
    out
}

/// The Chromaprint fingerprint (the `rusty-chromaprint` port, the configuration AcoustID uses)
/// of mono samples at `rate`.
pub fn fingerprint_of(samples: &[f32], rate: u32) -> Vec<u32> {
    let mut printer = rusty_chromaprint::Fingerprinter::new(&super::align::chromaprint_config());
    if printer.start(rate, 1).is_err() {
        return Vec::new();
    }
    let pcm: Vec<i16> = samples.iter().map(|&x| (x.clamp(-1.0, 1.0) * 32767.0) as i16).collect();
    printer.consume(&pcm);
    printer.finish();
    printer.fingerprint().to_vec()
}

/// The features of `seconds` whole seconds of 16 kHz mono sound.
pub fn features_of(samples: &[f32], seconds: usize) -> Vec<[f32; AUDIO_DIM]> {
    let fft = Fft::new(FRAME);
    let window: Vec<f32> = (0..FRAME).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / FRAME as f32).cos()).collect();
    let edges = band_edges();
    let bin_hz = RATE as f32 / FRAME as f32;
    let (flat_lo, flat_hi) = ((150.0 / bin_hz) as usize, (4000.0 / bin_hz) as usize);
    let per_second = RATE as usize / FRAME; // 31 frames, the last 128 samples of a second unused
    let mut profile = vec![[0f32; BANDS]; seconds];
    let mut rows = vec![[0f32; AUDIO_DIM]; seconds];
    let mut re = vec![0f32; FRAME];
    let mut im = vec![0f32; FRAME];
    for s in 0..seconds {
        let second = &samples[s * RATE as usize..(s + 1) * RATE as usize];
        let energy: f64 = second.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / second.len() as f64;
        let db = 10.0 * (energy + 1e-12).log10();
        let mut previous: Option<[f32; BANDS]> = None;
        let (mut flux, mut flatness, mut loud_frames) = (0f32, 0f32, 0usize);
        for f in 0..per_second {
            let frame = &second[f * FRAME..(f + 1) * FRAME];
            for i in 0..FRAME {
                re[i] = frame[i] * window[i];
                im[i] = 0.0;
            }
            fft.run(&mut re, &mut im);
            let power: Vec<f32> = (0..FRAME / 2).map(|k| re[k] * re[k] + im[k] * im[k]).collect();
            let mut bands = [0f32; BANDS];
            for (b, band) in bands.iter_mut().enumerate() {
                let e: f32 = power[edges[b]..edges[b + 1]].iter().sum();
                // A floor ~70 dB under a full-scale tone: leakage below it is noise, not sound.
                *band = (e + 1e-2).ln();
            }
            for (p, b) in profile[s].iter_mut().zip(&bands) {
                *p += b / per_second as f32;
            }
            if let Some(prev) = previous {
                flux += bands.iter().zip(&prev).map(|(a, b)| (a - b).max(0.0)).sum::<f32>() / BANDS as f32;
            }
            previous = Some(bands);
            let mid = &power[flat_lo..flat_hi];
            let arith = mid.iter().sum::<f32>() / mid.len() as f32;
            if arith > 1e-7 {
                let geo = (mid.iter().map(|p| (p + 1e-12).ln()).sum::<f32>() / mid.len() as f32).exp();
                flatness += geo / arith;
                loud_frames += 1;
            }
        }
        rows[s][0] = ((db as f32 + 60.0) / 60.0).clamp(0.0, 1.0);
        rows[s][3] = (flux / (per_second - 1) as f32 / 4.0).min(2.0);
        rows[s][4] = if loud_frames > 0 { 1.0 - flatness / loud_frames as f32 } else { 0.0 };
    }
    let change = |a: &[f32; BANDS], b: &[f32; BANDS]| (a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>() / BANDS as f32).sqrt() / 4.0;
    for s in 0..seconds {
        if s > 0 {
            rows[s][1] = change(&profile[s], &profile[s - 1]).min(2.0);
        }
        if s + 1 < seconds {
            rows[s][2] = change(&profile[s], &profile[s + 1]).min(2.0);
        }
    }
    rows
}

/// FFT bin boundaries of the log-spaced bands (each at least one bin wide).
fn band_edges() -> Vec<usize> {
    let bin_hz = RATE as f32 / FRAME as f32;
    let (lo, hi) = (60f32, 8000f32 - bin_hz);
    let mut edges: Vec<usize> = (0..=BANDS).map(|b| (lo * (hi / lo).powf(b as f32 / BANDS as f32) / bin_hz).round() as usize).collect();
    for b in 1..edges.len() {
        edges[b] = edges[b].max(edges[b - 1] + 1);
    }
    edges
}

/// Radix-2 complex FFT, in place (512 points here: not worth a dependency).
struct Fft {
    n: usize,
    cos: Vec<f32>,
    sin: Vec<f32>,
}

impl Fft {
    fn new(n: usize) -> Self {
        assert!(n.is_power_of_two());
        let angle = |k: usize| -2.0 * std::f64::consts::PI * k as f64 / n as f64;
        Fft { n, cos: (0..n / 2).map(|k| angle(k).cos() as f32).collect(), sin: (0..n / 2).map(|k| angle(k).sin() as f32).collect() }
    }

    fn run(&self, re: &mut [f32], im: &mut [f32]) {
        let n = self.n;
        let bits = n.trailing_zeros();
        for i in 0..n {
            let j = i.reverse_bits() >> (usize::BITS - bits);
            if j > i {
                re.swap(i, j);
                im.swap(i, j);
            }
        }
        let mut len = 2;
        while len <= n {
            let step = n / len;
            for start in (0..n).step_by(len) {
                for k in 0..len / 2 {
                    let (c, s) = (self.cos[k * step], self.sin[k * step]);
                    let (a, b) = (start + k, start + k + len / 2);
                    let (tr, ti) = (re[b] * c - im[b] * s, re[b] * s + im[b] * c);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
            len *= 2;
        }
    }
}

/// Cached features: `<cache>/audio/<key>.json`, keyed like the embeddings (file fingerprint,
/// window) plus [`AUDIO_VERSION`]; anything unreadable is recomputed.
/// The second value is a note when the cache could not be written (costs only speed next time).
pub fn cached_sound_features(path: &Path, window_s: u32, use_cache: bool) -> Result<(Sound, Option<String>)> {
    cached_sound_features_from(path, 0, window_s, use_cache)
}

/// [`cached_sound_features`] of `[start_s, start_s + window_s)`.
pub fn cached_sound_features_from(path: &Path, start_s: u32, window_s: u32, use_cache: bool) -> Result<(Sound, Option<String>)> {
    cached_sound_features_until(path, start_s, window_s, use_cache, &|| false)
}

/// [`cached_sound_features_from`] that gives up (`Error::Cancelled`, nothing cached) as soon as
/// `stop` says so: an analysis cancelled or failed on the picture stops its sound too.
pub fn cached_sound_features_until(path: &Path, start_s: u32, window_s: u32, use_cache: bool, stop: &dyn Fn() -> bool) -> Result<(Sound, Option<String>)> {
    let fp = crate::fsio::fingerprint(path)?;
    // The head's key is the one it always had, so existing caches stay valid.
    let key = if start_s == 0 { format!("{fp}-{window_s}-v{AUDIO_VERSION}") } else { format!("{fp}-{start_s}+{window_s}-v{AUDIO_VERSION}") };
    let file = crate::paths::cache_dir().join("audio").join(format!("{:016x}.json", crate::fsio::fnv64(key.as_bytes())));
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Entry {
        key: String,
        sound: Sound,
        /// FNV-1a of the rows' and fingerprint's little-endian bytes: the embedding cache's
        /// discipline, so a damaged entry is recomputed, never trusted.
        checksum: u64,
    }
    let checksum = |sound: &Sound| {
        let bytes: Vec<u8> = sound.rows.iter().flatten().flat_map(|v| v.to_le_bytes()).chain(sound.fingerprint.iter().flat_map(|v| v.to_le_bytes())).collect();
        crate::fsio::fnv64(&bytes)
    };
    if use_cache {
        let cached = std::fs::read(&file).ok().and_then(|b| serde_json::from_slice::<Entry>(&b).ok());
        match cached {
            Some(entry) if entry.key == key && entry.checksum == checksum(&entry.sound) => return Ok((entry.sound, None)),
            Some(_) => {
                let _ = std::fs::remove_file(&file);
            }
            None => {}
        }
    }
    let sound = sound_features_until(path, start_s, window_s, stop)?;
    if use_cache {
        let write = (|| -> Result<()> {
            let dir = file.parent().expect("has a folder");
            std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
            let json = serde_json::to_vec(&Entry { key, checksum: checksum(&sound), sound: sound.clone() }).map_err(|e| crate::Error::internal(e.to_string()))?;
            crate::fsio::write_atomic(&file, |w| w.write_all(&json))
        })();
        if let Err(e) = write {
            return Ok((sound, Some(format!("sound feature cache not written: {e}"))));
        }
    }
    Ok((sound, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft_matches_a_direct_dft() {
        let n = 64;
        let x: Vec<f32> = (0..n).map(|i| ((i * 7 % 13) as f32 - 6.0) / 6.0).collect();
        let (mut re, mut im) = (x.clone(), vec![0.0; n]);
        Fft::new(n).run(&mut re, &mut im);
        for k in 0..n {
            let (mut r, mut i) = (0f64, 0f64);
            for (t, &v) in x.iter().enumerate() {
                let a = -2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64;
                r += f64::from(v) * a.cos();
                i += f64::from(v) * a.sin();
            }
            assert!((f64::from(re[k]) - r).abs() < 1e-4 && (f64::from(im[k]) - i).abs() < 1e-4, "bin {k}");
        }
    }

    #[test]
    fn a_held_tone_is_loud_tonal_and_steady_and_its_end_is_a_change() {
        // 3 s of a 440 Hz tone, then 2 s of silence, then 2 s of white noise.
        let mut s: Vec<f32> = (0..3 * RATE as usize).map(|i| 0.5 * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / RATE as f32).sin()).collect();
        s.extend(std::iter::repeat_n(0.0, 2 * RATE as usize));
        let mut seed = 1u32;
        s.extend((0..2 * RATE as usize).map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        }));
        let rows = features_of(&s, 7);
        let [loud, prev, next, flux, tonal] = rows[1];
        assert!(loud > 0.8 && tonal > 0.9 && flux < 0.05 && prev < 0.05 && next < 0.05, "tone: {:?}", rows[1]);
        assert!(rows[2][2] > 0.5 && rows[3][1] > 0.5, "the tone's end is a change: {:?} {:?}", rows[2], rows[3]);
        assert_eq!(rows[4][0], 0.0, "silence");
        assert!(rows[6][4] < 0.5 && rows[6][0] > 0.5, "noise is loud and not tonal: {:?}", rows[6]);
    }
}
