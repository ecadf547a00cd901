//! What of an episode is read (the seconds that show text, or those asked for, or the strongest
//! runs of text) and the cache of what was read, per file and question.

use super::engine::tesseract_version;
use super::{shows_text, EpisodeText, Ocr, Reading, TextGate, OCR_VERSION};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The window sampled at 1 FPS for reading: each second at full size (what Tesseract reads) and
/// [`TEXT_HEIGHT`](crate::features::picture::TEXT_HEIGHT) px high (what [`shows_text`] judges).
fn text_sampler(path: &Path, start_s: u32, window_s: u32) -> crate::video::SamplerHandle {
    let config = crate::video::SamplerConfig {
        window_s,
        start_s,
        preprocess: None,
        keep_full_frame: true,
        text_height: Some(crate::features::picture::TEXT_HEIGHT),
        ..Default::default()
    };
    crate::video::spawn_sampler(path.to_path_buf(), config)
}

/// Read the text of the window `[start_s, start_s + window_s)` of `path` (or take it from the
/// cache): the window is sampled at 1 FPS again, at full size, and every second whose picture
/// shows text ([`shows_text`], judged [`TEXT_HEIGHT`](crate::features::picture::TEXT_HEIGHT) px high:
/// a thin title font vanishes in the 72 px thumbnail) is read. `on(second)` sees the progress
/// and returns false to cancel.
pub fn read_episode(path: &Path, start_s: u32, window_s: u32, ocr: &mut Ocr, use_cache: bool, on: &mut dyn FnMut(u32) -> bool) -> Result<EpisodeText> {
    let key = cache_key(path, start_s, window_s)?;
    if use_cache {
        if let Some(text) = load(&key) {
            return Ok(text);
        }
    }
    let handle = text_sampler(path, start_s, window_s);
    let mut out = EpisodeText::default();
    let mut finished = false;
    for event in handle.events.iter() {
        match event {
            crate::video::SamplerEvent::Started { .. } => {}
            crate::video::SamplerEvent::Sample(sample) => {
                if !on(sample.second) {
                    return Err(Error::Cancelled); // dropping the handle stops the sampler
                }
                let (Some(frame), Some(small)) = (&sample.full_frame, &sample.text_frame) else { continue };
                if !shows_text(small) {
                    continue;
                }
                out.looked_at += 1;
                match ocr.read(frame) {
                    Ok(words) if !words.is_empty() => out.readings.push(Reading { second: sample.second, words }),
                    Ok(_) => {}
                    // Tesseract missing is for the caller; a frame it chokes on is skipped.
                    Err(e @ Error::Usage(_)) => return Err(e),
                    Err(_) => out.failed += 1,
                }
            }
            crate::video::SamplerEvent::Finished(_) => {
                finished = true;
                break;
            }
            crate::video::SamplerEvent::Failed(e) => return Err(e),
        }
    }
    if !finished {
        return Err(Error::internal(format!("{}: the sampler stopped before the end of the window", path.display())));
    }
    if use_cache {
        // A cache that cannot be written only costs time next search.
        let _ = store(&key, &out);
    }
    Ok(out)
}

/// Read the given seconds of `path` (sorted, within one stretch of the file), whatever their
/// text cue says: the credits rule asks what a few chosen frames say (the first second of each
/// shot after the credits), where a caption in a thin font can pass under the cue. Cached like
/// [`read_episode`] (a warm `detect` must not read them again), unless `use_cache` is false. Seconds where nothing is read
/// are left out.
pub fn read_seconds(path: &Path, seconds: &[u32], ocr: &mut Ocr, use_cache: bool) -> Result<Vec<Reading>> {
    let (Some(&first), Some(&last)) = (seconds.iter().min(), seconds.iter().max()) else { return Ok(Vec::new()) };
    let list: Vec<String> = seconds.iter().map(u32::to_string).collect();
    let key = key_for(path, &format!("seconds {}|thorough", list.join(",")))?;
    if let Some(text) = use_cache.then(|| load(&key)).flatten() {
        return Ok(text.readings);
    }
    let config = crate::video::SamplerConfig { window_s: last - first + 1, start_s: first, preprocess: None, keep_full_frame: true, ..Default::default() };
    let handle = crate::video::spawn_sampler(path.to_path_buf(), config);
    // The pictures first, then read on two engines at once ([`Ocr::read_all_thoroughly`]).
    let mut pictures = Vec::new();
    for event in handle.events.iter() {
        match event {
            crate::video::SamplerEvent::Sample(sample) if seconds.contains(&sample.second) => {
                let Some(frame) = sample.full_frame else { continue };
                pictures.push((sample.second, frame));
            }
            crate::video::SamplerEvent::Finished(_) => break,
            crate::video::SamplerEvent::Failed(e) => return Err(e),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut failed = 0;
    let frames: Vec<&image::RgbImage> = pictures.iter().map(|(_, f)| f).collect();
    for ((second, _), read) in pictures.iter().zip(ocr.read_all_thoroughly(&frames)) {
        match read {
            Ok(words) if !words.is_empty() => out.push(Reading { second: *second, words }),
            Ok(_) => {}
            Err(e @ Error::Usage(_)) => return Err(e),
            Err(_) => failed += 1, // a frame Tesseract chokes on says nothing
        }
    }
    // A cache that cannot be written only costs time next run; a frame Tesseract failed on is
    // not "nothing read", so such an answer is not kept.
    if failed == 0 && use_cache {
        let _ = store(&key, &EpisodeText { readings: out.clone(), looked_at: seconds.len(), failed: 0 });
    }
    Ok(out)
}

/// Read `[start_s, end_s)` of `path` for its text: of each run of seconds that show text (the
/// same card held for several seconds), the second that shows the most and the run's last one;
/// the `n` runs that show the most text. The season rules ask whether a stretch shows the
/// series' title, and a title card is among the strongest text in it. Text is judged as
/// [`read_episode`] judges it (a thin title font vanishes in the 72 px thumbnails the head keeps,
/// so those cannot choose): from `known`, each second's [`TextGate`] as the head kept it, or
/// else from a pass over the stretch. Only the seconds read are decoded then, each from the
/// keyframe before it: on a 1080p episode the second pass over the window cost more than the
/// head itself. Cached like [`read_seconds`].
pub fn read_most_text(path: &Path, start_s: u32, end_s: u32, n: usize, known: Option<&[(u32, TextGate)]>, ocr: &mut Ocr, use_cache: bool) -> Result<Vec<Reading>> {
    if end_s <= start_s || n == 0 {
        return Ok(Vec::new());
    }
    let key = key_for(path, &format!("text runs {start_s}-{end_s} {n} strongest+last|thorough|sought"))?;
    if let Some(text) = use_cache.then(|| load(&key)).flatten() {
        return Ok(text.readings);
    }
    let gates: Vec<(u32, TextGate)> = match known {
        Some(known) => known.iter().filter(|(s, _)| (start_s..end_s).contains(s)).copied().collect(),
        None => gates_of(path, start_s, end_s)?,
    };
    let looked_at = gates.iter().filter(|(_, g)| g.shows_text()).count();
    let pictures = frames_at(path, &strongest_runs(&gates, n))?;
    let frames: Vec<&image::RgbImage> = pictures.iter().map(|(_, f)| f).collect();
    let mut out = Vec::new();
    for ((second, _), read) in pictures.iter().zip(ocr.read_all_thoroughly(&frames)) {
        match read {
            Ok(words) if !words.is_empty() => out.push(Reading { second: *second, words }),
            Ok(_) => {}
            // A frame Tesseract fails on is not a frame without the title: said, and not cached.
            Err(e) => return Err(e),
        }
    }
    // A cache that cannot be written only costs time next run.
    if use_cache {
        let _ = store(&key, &EpisodeText { readings: out.clone(), looked_at, failed: 0 });
    }
    Ok(out)
}

/// Each second's [`TextGate`] in `[start_s, end_s)` of `path`, from a pass at
/// [`TEXT_HEIGHT`](crate::features::picture::TEXT_HEIGHT) (for features whose head did not keep them).
pub fn gates_of(path: &Path, start_s: u32, end_s: u32) -> Result<Vec<(u32, TextGate)>> {
    let config = crate::video::SamplerConfig {
        window_s: end_s - start_s,
        start_s,
        preprocess: None,
        text_height: Some(crate::features::picture::TEXT_HEIGHT),
        ..Default::default()
    };
    let handle = crate::video::spawn_sampler(path.to_path_buf(), config);
    let mut gates = Vec::new();
    for event in handle.events.iter() {
        match event {
            crate::video::SamplerEvent::Sample(sample) => {
                if let Some(small) = &sample.text_frame {
                    gates.push((sample.second, TextGate::of(small)));
                }
            }
            crate::video::SamplerEvent::Finished(_) => return Ok(gates),
            crate::video::SamplerEvent::Failed(e) => return Err(e),
            crate::video::SamplerEvent::Started { .. } => {}
        }
    }
    // What was not looked at is not "no text": the rules would take a stretch for story.
    Err(Error::internal(format!("{}: the sampler stopped before the end of {start_s}–{end_s} s", path.display())))
}

/// The seconds to read, in order: of each run of consecutive seconds that show text, the one
/// that shows the most (the later of equals) and, where that is another, the run's last (a
/// title that fades, types or builds in is whole at one of them: at the strongest, a word can
/// still be missing, as tails-other's Bright Meadow read "Meadow:" there); of the `n` runs with
/// the most text (the earlier of equals).
pub fn strongest_runs(gates: &[(u32, TextGate)], n: usize) -> Vec<u32> {
    struct Run {
        score: f32,
        second: u32,
        last: u32,
    }
    let mut kept: Vec<Run> = Vec::new();
    let mut open: Option<Run> = None;
    let close = |run: Run, kept: &mut Vec<Run>| {
        if kept.len() < n || kept.last().is_some_and(|k| run.score > k.score) {
            kept.push(run);
            kept.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.second.cmp(&b.second)));
            kept.truncate(n);
        }
    };
    for &(second, gate) in gates {
        if !gate.shows_text() {
            if let Some(run) = open.take() {
                close(run, &mut kept);
            }
            continue;
        }
        let score = gate.score();
        match open.as_mut() {
            Some(run) if second == run.last + 1 => {
                if score >= run.score {
                    (run.score, run.second) = (score, second);
                }
                run.last = second;
            }
            _ => {
                if let Some(run) = open.take() {
                    close(run, &mut kept);
                }
                open = Some(Run { score, second, last: second });
            }
        }
    }
    if let Some(run) = open.take() {
        close(run, &mut kept);
    }
    kept.sort_by_key(|k| k.second);
    kept.iter().flat_map(|run| std::iter::once(run.second).chain((run.last != run.second).then_some(run.last))).collect()
}

/// The full frames shown at `seconds` of `path` (sorted), each decoded from the keyframe before
/// it by the sampler (the same frame a pass over the window shows there, but for the faint
/// drift of the unshown references it decodes without deblocking).
pub fn frames_at(path: &Path, seconds: &[u32]) -> Result<Vec<(u32, image::RgbImage)>> {
    let mut out = Vec::with_capacity(seconds.len());
    for &second in seconds {
        let config = crate::video::SamplerConfig { window_s: 1, start_s: second, preprocess: None, thumbnail_height: 8, keep_full_frame: true, ..Default::default() };
        let (samples, _) = crate::video::sample_all(path, &config)?;
        match samples.into_iter().find(|s| s.second == second).and_then(|s| s.full_frame) {
            Some(frame) => out.push((second, frame)),
            None => return Err(Error::input(path, format!("no picture at {second} s, which the head showed"))),
        }
    }
    Ok(out)
}

/// The file fingerprint, window and reader version, as one cache file name.
fn cache_key(path: &Path, start_s: u32, window_s: u32) -> Result<String> {
    key_for(path, &format!("{start_s}|{window_s}"))
}

/// The cache file name for reading `what` (a window, or chosen seconds) of `path`.
fn key_for(path: &Path, what: &str) -> Result<String> {
    let fingerprint = crate::fsio::fingerprint(path)?;
    // Everything that changes what is read: the frames (sampler), the gate's picture, the reader
    // (ours and Tesseract's own version).
    let text = format!("{fingerprint}|{what}|ocr{OCR_VERSION}|sampler{}|text{}|{}", crate::features::cache::SAMPLER_VERSION, crate::features::picture::TEXT_HEIGHT, tesseract_version());
    Ok(format!("{:016x}.json", crate::fsio::fnv64(text.as_bytes())))
}

fn cache_path(key: &str) -> PathBuf {
    crate::paths::cache_dir().join("ocr").join(key)
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    text: EpisodeText,
}

fn load(key: &str) -> Option<EpisodeText> {
    let path = cache_path(key);
    let bytes = crate::fsio::read_bounded(&path, 64 << 20).ok()?;
    match serde_json::from_slice::<Entry>(&bytes) {
        Ok(entry) if entry.key == key => Some(entry.text),
        _ => {
            let _ = std::fs::remove_file(&path);
            None
        }
    }
}

fn store(key: &str, text: &EpisodeText) -> Result<()> {
    let path = cache_path(key);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
    }
    let entry = Entry { key: key.to_string(), text: text.clone() };
    crate::fsio::write_atomic(&path, |w| serde_json::to_writer(w, &entry).map_err(std::io::Error::other))
}
