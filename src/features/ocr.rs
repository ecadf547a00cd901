//! On-screen text: the words Tesseract reads in the seconds where text is on screen (title cards,
//! credits, captions, signs), cached per episode like the embeddings. `search --ocr` and the app's
//! Search panel find frames by those words; the credits rule can read them as evidence.
//!
//! Only seconds whose thumbnail shows a line of text ([`super::picture`]'s cues, the same the
//! credits rule uses) are read: OCR costs ~0.1–0.3 s a frame, and most of a window is footage
//! without text. Each is read from the full frame at the sampled time, in grey, scaled to 720 px
//! high (Tesseract reads best with capitals 20–40 px tall: a 22 px caption of a 360p file is
//! doubled, 1080p is reduced).

// Built without Tesseract, the reading half is unused (and says what is missing when asked).
#![cfg_attr(not(feature = "ocr"), allow(dead_code))]
use super::picture::{text_line, text_lines};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when what is read for the same frames changes (gate, scaling, engine settings).
pub const OCR_VERSION: u32 = 2;
/// Height (px) frames are read at.
const READ_HEIGHT: u32 = 720;
/// A line of text at least this clear in the thumbnail gates a second (the credits rule's
/// `model::credits::TEXT`).
const GATE: f32 = 0.12;
/// A word read this surely (of 3 letters or more) means the bright-pixel reading found the text.
const SURE: f32 = 80.0;
/// Screen text's ink: pixels at least this share of the picture's brightest luma...
const INK_OF_BRIGHTEST: f32 = 0.8;
/// ...and never darker than this (0–255): a black frame's noise is not text.
const MIN_INK: u8 = 96;
/// Words Tesseract is less sure of than this (0–100) are dropped: footage texture read as
/// letters comes out at 0–40.
const MIN_CONFIDENCE: f32 = 50.0;

/// One word read on screen, as Tesseract spelled it, with its confidence (0–100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub confidence: f32,
}

/// The words read in one sampled second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub second: u32,
    pub words: Vec<Word>,
}

/// What was read in an episode's window: every second that showed text, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpisodeText {
    pub readings: Vec<Reading>,
    /// Seconds looked at (gated by the text cue), read or found empty.
    pub looked_at: usize,
    /// Seconds Tesseract failed on (skipped; the rest of the episode is read).
    #[serde(default)]
    pub failed: usize,
}

impl EpisodeText {
    /// The words of one second, joined by spaces ("" where nothing was read).
    pub fn line_at(&self, second: u32) -> String {
        self.readings.iter().find(|r| r.second == second).map(|r| r.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")).unwrap_or_default()
    }
}

/// Whether a picture (at [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT)) shows text worth
/// reading: a separate line of text, or one clear line, as the credits rule counts them.
pub fn shows_text(picture: &image::RgbImage) -> bool {
    TextGate::of(picture).shows_text()
}

/// What one second's picture (at [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT)) shows of text,
/// as the title reading chooses by: kept per second by the head of a file whose name gives a
/// series ([`EpisodeFeatures::gate`](super::EpisodeFeatures::gate)), so that reading its
/// strongest text decodes only the seconds read instead of the window again (#19).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TextGate {
    /// Separate lines of text ([`text_lines`]).
    pub lines: u8,
    /// How clearly the clearest line stands out ([`text_line`]).
    pub strength: f32,
}

impl TextGate {
    pub fn of(picture: &image::RgbImage) -> Self {
        TextGate { lines: text_lines(picture).min(u8::MAX as usize) as u8, strength: text_line(picture) }
    }

    /// A separate line of text, or one clear line.
    pub fn shows_text(&self) -> bool {
        self.lines >= 1 || self.strength >= GATE
    }

    /// How much text: lines, and the clearest's strength to tell equal counts apart.
    pub fn score(&self) -> f32 {
        f32::from(self.lines) + self.strength
    }
}

/// Tesseract with English, set up once and reused for every frame (loading its model takes
/// ~0.2 s). Built without the `ocr` feature, [`Ocr::new`] says what is missing.
pub struct Ocr {
    #[cfg(feature = "ocr")]
    engine: Option<tesseract::Tesseract>,
    /// A second reader for [`Ocr::read_all_thoroughly`], started the first time several
    /// pictures are read at once.
    #[cfg(feature = "ocr")]
    spare: Option<Box<Ocr>>,
}

/// What `Ocr::new` says when this build cannot read text.
pub const OCR_MISSING: &str = "reading on-screen text needs Tesseract: install Debian's libtesseract-dev and tesseract-ocr-eng (scripts/setup-system.sh does) and build with the default features";

impl Ocr {
    #[cfg(feature = "ocr")]
    pub fn new() -> Result<Self> {
        Ok(Ocr { engine: Some(Self::start()?), spare: None })
    }

    #[cfg(feature = "ocr")]
    fn start() -> Result<tesseract::Tesseract> {
        let engine = tesseract::Tesseract::new(None, Some("eng")).map_err(|e| Error::Usage(format!("Tesseract could not start with English ({e}): {OCR_MISSING}")))?;
        // Its diagnostics go nowhere: the library never prints.
        engine.set_variable("debug_file", "/dev/null").map_err(|e| Error::internal(format!("Tesseract refused a setting: {e}")))
    }

    #[cfg(not(feature = "ocr"))]
    pub fn new() -> Result<Self> {
        Err(Error::Usage(OCR_MISSING.into()))
    }

    /// The words in one picture, in reading order, those Tesseract is sure enough of. Screen
    /// text is mostly light (white titles with a dark outline or shadow, credits on black) over
    /// anything: it is read first from the picture's bright pixels alone (black on white, as
    /// Tesseract wants a page), where busy footage behind a title falls away; a picture where
    /// that finds no sure word (dark text on a light ground) is read again in plain grey.
    #[cfg(feature = "ocr")]
    pub fn read(&mut self, image: &image::RgbImage) -> Result<Vec<Word>> {
        self.read_passes(image, false)
    }

    /// [`Ocr::read`] with both readings always made and joined: for the few frames the credits
    /// rule asks about, where bright footage behind a caption can fill the first reading with
    /// sure-looking junk.
    #[cfg(feature = "ocr")]
    pub fn read_thoroughly(&mut self, image: &image::RgbImage) -> Result<Vec<Word>> {
        self.read_passes(image, true)
    }

    #[cfg(not(feature = "ocr"))]
    pub fn read_thoroughly(&mut self, _image: &image::RgbImage) -> Result<Vec<Word>> {
        Err(Error::Usage(OCR_MISSING.into()))
    }

    /// [`Ocr::read_thoroughly`] of each picture, in order: half of them on a second engine in
    /// another thread (started the first time, ~0.2 s). Tesseract's own threads leave a core
    /// idle much of the time: 8 frames of a title search read in 1.7–1.9 s instead of 2.9–3.2 s
    /// on 2 cores, with the same words (Tesseract adapts to what an engine read before, so that
    /// is measured, not given: the committed results and the credits sets read the same).
    #[cfg(feature = "ocr")]
    pub fn read_all_thoroughly(&mut self, images: &[&image::RgbImage]) -> Vec<Result<Vec<Word>>> {
        if images.len() < 2 {
            return images.iter().map(|i| self.read_thoroughly(i)).collect();
        }
        let mut spare = match self.spare.take() {
            Some(spare) => spare,
            None => match Ocr::new() {
                Ok(spare) => Box::new(spare),
                // No second engine: one reads them all.
                Err(_) => return images.iter().map(|i| self.read_thoroughly(i)).collect(),
            },
        };
        let (mine, theirs) = images.split_at(images.len().div_ceil(2));
        let (mut out, more) = std::thread::scope(|s| {
            // A thread the system refuses: this engine reads them all.
            let other = std::thread::Builder::new().name("introskip-ocr".into()).spawn_scoped(s, || theirs.iter().map(|i| spare.read_thoroughly(i)).collect::<Vec<_>>());
            let out: Vec<_> = mine.iter().map(|i| self.read_thoroughly(i)).collect();
            let more = match other {
                Ok(other) => other.join().unwrap_or_else(|_| theirs.iter().map(|_| Err(Error::internal("the second Tesseract reader stopped"))).collect()),
                Err(_) => theirs.iter().map(|i| self.read_thoroughly(i)).collect(),
            };
            (out, more)
        });
        self.spare = Some(spare);
        out.extend(more);
        out
    }

    #[cfg(not(feature = "ocr"))]
    pub fn read_all_thoroughly(&mut self, images: &[&image::RgbImage]) -> Vec<Result<Vec<Word>>> {
        images.iter().map(|_| Err(Error::Usage(OCR_MISSING.into()))).collect()
    }

    #[cfg(feature = "ocr")]
    fn read_passes(&mut self, image: &image::RgbImage, both: bool) -> Result<Vec<Word>> {
        // The ink is picked out at the picture's own size: scaled first, a thin font's strokes
        // blur below the threshold ("Lost C Cire" against "Lost Circuit").
        let grey = image::imageops::grayscale(image);
        let words = self.read_grey(&to_read_height(&bright_as_ink(&grey)))?;
        if !both && words.iter().any(is_sure) {
            return Ok(words);
        }
        let mut more = self.read_grey(&to_read_height(&grey))?;
        if more.is_empty() {
            return Ok(words);
        }
        // Both readings, each word once (the surer spelling), the plain reading's order.
        for w in words {
            if !more.iter().any(|m| normalise(&m.text) == normalise(&w.text)) {
                more.push(w);
            }
        }
        Ok(more)
    }

    #[cfg(feature = "ocr")]
    fn read_grey(&mut self, grey: &image::GrayImage) -> Result<Vec<Word>> {
        // Debian's Tesseract parallelises with OpenMP (up to 10 threads a layer, asked for by
        // name, so a thread count does not bind it); on 2 busy cores its threads waited on each
        // other 5x longer than the work took (12.6 s against 2.7 s for a demo episode's 23
        // frames). Dynamic adjustment lets OpenMP give it only the cores that are idle; it is
        // set per thread, so on the thread that reads.
        // SAFETY: libgomp's documented entry point, linked in by libtesseract; no pointers.
        unsafe { omp_set_dynamic(1) };
        let (w, h) = (grey.width() as i32, grey.height() as i32);
        if w == 0 || h == 0 {
            return Ok(Vec::new());
        }
        // A frame Tesseract failed on consumed the engine (its API takes it by value): start another.
        let engine = match self.engine.take() {
            Some(engine) => engine,
            None => Self::start()?,
        };
        let mut engine = engine
            .set_frame(grey.as_raw(), w, h, 1, w)
            .map_err(|e| Error::internal(format!("Tesseract refused a {w}x{h} picture: {e}")))?
            // Pixels per inch as Tesseract assumes for screen text: without it, it guesses (and says so on stderr).
            .set_source_resolution(96);
        // Sparse text: titles, names and signs scattered over a picture, not a page of prose.
        engine.set_page_seg_mode(tesseract::PageSegMode::PsmSparseText);
        let mut engine = engine.recognize().map_err(|e| Error::internal(format!("Tesseract failed on a frame: {e}")))?;
        let tsv = engine.get_tsv_text(0).map_err(|e| Error::internal(format!("Tesseract gave no text: {e}")));
        self.engine = Some(engine);
        Ok(words_from_tsv(&tsv?))
    }

    #[cfg(not(feature = "ocr"))]
    pub fn read(&mut self, _image: &image::RgbImage) -> Result<Vec<Word>> {
        Err(Error::Usage(OCR_MISSING.into()))
    }
}

#[cfg(feature = "ocr")]
#[link(name = "gomp")]
unsafe extern "C" {
    fn omp_set_dynamic(dynamic: std::ffi::c_int);
}

/// A grey picture [`READ_HEIGHT`] px high, as Tesseract reads best.
fn to_read_height(grey: &image::GrayImage) -> image::GrayImage {
    if grey.height() == 0 || grey.height() == READ_HEIGHT {
        return grey.clone();
    }
    // At most 4:1 wide (a strip a few pixels high would otherwise become gigapixels).
    let w = ((u64::from(grey.width()) * u64::from(READ_HEIGHT)) / u64::from(grey.height())).clamp(1, 4 * u64::from(READ_HEIGHT)) as u32;
    image::imageops::resize(grey, w, READ_HEIGHT, image::imageops::FilterType::Triangle)
}

/// The bright pixels as black ink on white paper, all else white. Bright is relative to the
/// picture's brightest (the 99.5th percentile): a title fading in or out is dim for a second or
/// two, and a dimmed grade lowers every white.
fn bright_as_ink(grey: &image::GrayImage) -> image::GrayImage {
    let mut histogram = [0usize; 256];
    for p in grey.pixels() {
        histogram[p[0] as usize] += 1;
    }
    let total = grey.pixels().len();
    let (mut seen, mut top) = (0usize, 255usize);
    while top > 0 && (seen + histogram[top]) * 200 <= total {
        seen += histogram[top];
        top -= 1;
    }
    let ink = ((top as f32 * INK_OF_BRIGHTEST) as u8).max(MIN_INK);
    image::GrayImage::from_fn(grey.width(), grey.height(), |x, y| image::Luma([if grey.get_pixel(x, y)[0] >= ink { 0 } else { 255 }]))
}

/// Words (level 5 rows) of Tesseract's TSV output at [`MIN_CONFIDENCE`] or more, in order.
fn words_from_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 12 || cols[0] != "5" {
                return None;
            }
            let confidence: f32 = cols[10].parse().ok()?;
            let text = cols[11].trim();
            (confidence >= MIN_CONFIDENCE && text.chars().any(char::is_alphanumeric)).then(|| Word { text: text.to_string(), confidence })
        })
        .collect()
}

/// The window sampled at 1 FPS for reading: each second at full size (what Tesseract reads) and
/// [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT) px high (what [`shows_text`] judges).
fn text_sampler(path: &Path, start_s: u32, window_s: u32) -> crate::video::SamplerHandle {
    let config = crate::video::SamplerConfig {
        window_s,
        start_s,
        preprocess: None,
        keep_full_frame: true,
        text_height: Some(super::picture::TEXT_HEIGHT),
        ..Default::default()
    };
    crate::video::spawn_sampler(path.to_path_buf(), config)
}

/// Read the text of the window `[start_s, start_s + window_s)` of `path` (or take it from the
/// cache): the window is sampled at 1 FPS again, at full size, and every second whose picture
/// shows text ([`shows_text`], judged [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT) px high:
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

/// A word read surely: at least [`SURE`] confidence and 3 letters or digits.
pub fn is_sure(w: &Word) -> bool {
    w.confidence >= SURE && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3
}

/// Read the given seconds of `path` (sorted, within one stretch of the file), whatever their
/// text cue says: the credits rule asks what a few chosen frames say (the first second of each
/// shot after the credits), where a caption in a thin font can pass under the cue. Cached like
/// [`read_episode`] (a warm `detect` must not read them again). Seconds where nothing is read
/// are left out.
pub fn read_seconds(path: &Path, seconds: &[u32], ocr: &mut Ocr) -> Result<Vec<Reading>> {
    let (Some(&first), Some(&last)) = (seconds.iter().min(), seconds.iter().max()) else { return Ok(Vec::new()) };
    let list: Vec<String> = seconds.iter().map(u32::to_string).collect();
    let key = key_for(path, &format!("seconds {}|thorough", list.join(",")))?;
    if let Some(text) = load(&key) {
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
    if failed == 0 {
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
pub fn read_most_text(path: &Path, start_s: u32, end_s: u32, n: usize, known: Option<&[(u32, TextGate)]>, ocr: &mut Ocr) -> Result<Vec<Reading>> {
    if end_s <= start_s || n == 0 {
        return Ok(Vec::new());
    }
    let key = key_for(path, &format!("text runs {start_s}-{end_s} {n} strongest+last|thorough|sought"))?;
    if let Some(text) = load(&key) {
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
    let _ = store(&key, &EpisodeText { readings: out.clone(), looked_at, failed: 0 });
    Ok(out)
}

/// Each second's [`TextGate`] in `[start_s, end_s)` of `path`, from a pass at
/// [`TEXT_HEIGHT`](super::picture::TEXT_HEIGHT) (for features whose head did not keep them).
pub fn gates_of(path: &Path, start_s: u32, end_s: u32) -> Result<Vec<(u32, TextGate)>> {
    let config = crate::video::SamplerConfig {
        window_s: end_s - start_s,
        start_s,
        preprocess: None,
        text_height: Some(super::picture::TEXT_HEIGHT),
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

/// Tesseract's version, as its library reports it.
#[cfg(feature = "ocr")]
fn tesseract_version() -> String {
    tesseract::plumbing::version().to_string_lossy().into_owned()
}

#[cfg(not(feature = "ocr"))]
fn tesseract_version() -> String {
    String::new()
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
    let text = format!("{fingerprint}|{what}|ocr{OCR_VERSION}|sampler{}|text{}|{}", super::cache::SAMPLER_VERSION, super::picture::TEXT_HEIGHT, tesseract_version());
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

/// A word as matched: lower case, letters and digits only ("Previously" and "previously," agree).
pub fn normalise(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether the words read in one picture show a series' title: `key` (the series as
/// [`crate::paths::title_key`] spells it from the file names: lower case, no separators) inside
/// the words run together, or for a key of 6 letters or more with one letter wrong, missing or
/// extra (a title card's stylised letters), of 10 or more with two (a big title over busy
/// footage loses letters to what is behind them: the wider family-B set's "Last Empire" read
/// "La Empire" in every frame and at every scale). Keys under 4 letters match nothing: "up" is
/// in too many lines.
pub fn reads_title(words: &[Word], key: &str) -> bool {
    let key: Vec<char> = key.chars().filter(|c| c.is_alphanumeric()).collect();
    if key.len() < 4 {
        return false;
    }
    let tokens: Vec<String> = words.iter().map(|w| normalise(&w.text)).filter(|t| !t.is_empty()).collect();
    // "Previously on Bright Meadow" opens a recap, "Next time on…" a preview: the name, not a
    // title card.
    let caption = tokens.iter().any(|t| t == "previously") || tokens.windows(2).any(|w| (w[0] == "last" || w[0] == "next") && w[1] == "time");
    if caption {
        return false;
    }
    // A short key ("home") must be a word of its own (or two run together), not part of one.
    if key.len() < 6 {
        let key: String = key.iter().collect();
        return tokens.iter().any(|t| *t == key) || tokens.windows(2).any(|w| format!("{}{}", w[0], w[1]) == key);
    }
    // Read whole, and without the one- and two-letter bits a reader makes of a title's
    // decoration ("Bright oe Meadow").
    [0, 3].iter().any(|&shortest| {
        let joined: Vec<char> = words.iter().map(|w| normalise(&w.text)).filter(|t| t.chars().count() >= shortest).flat_map(|t| t.chars().collect::<Vec<_>>()).collect();
        let edits = min_substring_edits(&key, &joined);
        edits == 0 || (key.len() >= 6 && edits <= 1) || (key.len() >= 10 && edits <= 2)
    })
}

/// How well a query word matches a second's words (normalised), 0–1: a word read exactly 1;
/// for query words of 4 letters or more, found inside the line's letters run together (OCR
/// splits and joins words: "wil d Empire", "Wild-Empire") 0.9; for 5 or more, so found with one
/// letter wrong, missing or extra ("Empiry", "Previousiy") 0.8; otherwise 0. Short words must be
/// read as words: "on" is not in "conditions".
fn word_match(query: &str, words: &[String], joined: &[char]) -> f32 {
    if words.iter().any(|w| w == query) {
        return 1.0;
    }
    let q: Vec<char> = query.chars().collect();
    if q.len() >= 4 && joined.windows(q.len()).any(|w| w == q.as_slice()) {
        return 0.9;
    }
    if q.len() >= 5 && min_substring_edits(&q, joined) <= 1 {
        return 0.8;
    }
    0.0
}

/// The fewest edits (insertions, deletions, substitutions) that turn `query` into some substring
/// of `text` (Sellers' dynamic programme: a match may start anywhere for free).
fn min_substring_edits(query: &[char], text: &[char]) -> usize {
    let mut prev: Vec<usize> = vec![0; text.len() + 1];
    for (i, &qc) in query.iter().enumerate() {
        let mut row = vec![i + 1; text.len() + 1];
        for (j, &tc) in text.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(qc != tc)).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev.into_iter().min().unwrap_or(query.len())
}

/// One place the words were read: a run of consecutive seconds of one episode where every query
/// word is on screen, given by its best second and the line read there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextHit {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub episode: PathBuf,
    pub second: u32,
    pub from: u32,
    pub to: u32,
    /// Mean of the words' match (1 exact, 0.8 one letter off) times Tesseract's confidence (0–1).
    pub score: f32,
    pub line: String,
}

/// Every run of seconds in `episodes` whose read text holds all the words of `query` (in any
/// order), best first. A query with no letters or digits finds nothing.
pub fn find_words(query: &str, episodes: &[(PathBuf, &EpisodeText)]) -> Vec<TextHit> {
    let wanted: Vec<String> = query.split_whitespace().map(normalise).filter(|w| !w.is_empty()).collect();
    let mut hits = Vec::new();
    if wanted.is_empty() {
        return hits;
    }
    for (path, text) in episodes {
        let mut run: Option<TextHit> = None;
        for reading in &text.readings {
            let read: Vec<String> = reading.words.iter().map(|w| normalise(&w.text)).collect();
            let joined: Vec<char> = read.concat().chars().collect();
            let confidence = reading.words.iter().map(|w| w.confidence).sum::<f32>() / reading.words.len().max(1) as f32 / 100.0;
            let scores: Vec<f32> = wanted.iter().map(|q| word_match(q, &read, &joined) * confidence).collect();
            let score = if scores.iter().all(|&s| s > 0.0) { scores.iter().sum::<f32>() / scores.len() as f32 } else { 0.0 };
            if score <= 0.0 {
                hits.extend(run.take());
                continue;
            }
            let line = reading.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
            match run.as_mut() {
                Some(h) if reading.second == h.to + 1 => {
                    h.to = reading.second;
                    if score > h.score {
                        (h.score, h.second, h.line) = (score, reading.second, line);
                    }
                }
                _ => {
                    hits.extend(run.take());
                    run = Some(TextHit { episode: path.clone(), second: reading.second, from: reading.second, to: reading.second, score, line });
                }
            }
        }
        hits.extend(run);
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.episode.cmp(&b.episode)).then(a.second.cmp(&b.second)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(readings: &[(u32, &str)]) -> EpisodeText {
        EpisodeText {
            readings: readings.iter().map(|&(second, line)| Reading { second, words: line.split(' ').map(|w| Word { text: w.into(), confidence: 90.0 }).collect() }).collect(),
            looked_at: readings.len(),
            failed: 0,
        }
    }

    #[test]
    fn a_title_card_reads_the_series_key_from_the_file_names_even_split_or_with_one_letter_wrong() {
        let words = |line: &str| line.split(' ').map(|w| Word { text: w.into(), confidence: 90.0 }).collect::<Vec<_>>();
        assert!(reads_title(&words("LAST EMPIRE"), "lastempire"));
        assert!(reads_title(&words("~ Last-Empire ~"), "lastempire"));
        assert!(reads_title(&words("LAST EMP1RE"), "lastempire"), "one letter misread");
        assert!(reads_title(&words("LAS EMPIRE"), "lastempire"), "one letter lost");
        assert!(reads_title(&words("Bright oe Meadow"), "brightmeadow"), "junk between the words");
        assert!(reads_title(&words("La Empire"), "lastempire"), "two letters lost of ten");
        assert!(!reads_title(&words("LAS EMP1R"), "lastempire"), "three letters wrong");
        assert!(!reads_title(&words("SILVR BA"), "silverbay"), "two letters lost of nine");
        assert!(reads_title(&words("SILVR BAY"), "silverbay"), "one of nine");
        assert!(!reads_title(&words("NO PARKING"), "lastempire"));
        assert!(!reads_title(&words("Last night in the empire"), "lastempire"));
        assert!(!reads_title(&words("UP"), "up"), "a key under 4 letters matches nothing");
        assert!(reads_title(&words("THE HOME"), "home") && reads_title(&words("Ho me"), "home"));
        assert!(!reads_title(&words("Previously on Bright Meadow"), "brightmeadow"), "a recap's caption is no title card");
        assert!(!reads_title(&words("Next time on Bright Meadow"), "brightmeadow"), "nor a preview's");
        assert!(!reads_title(&words("HOMEWORK"), "home"), "a short key is a word of its own");
        assert!(!reads_title(&[], "lastempire"));
    }

    #[test]
    fn words_are_found_in_any_order_one_hit_per_run_of_seconds_and_one_letter_may_be_misread() {
        let a = text(&[(3, "Previously on"), (4, "Previously on Golden Signal"), (5, "PREVIOUSLY, on"), (9, "Previousiy on")]);
        let b = text(&[(0, "on previously"), (10, "Golden")]);
        let eps = vec![(PathBuf::from("a"), &a), (PathBuf::from("b"), &b)];
        let hits = find_words("previously on", &eps);
        let got: Vec<(&str, u32, u32, u32)> = hits.iter().map(|h| (h.episode.to_str().unwrap(), h.second, h.from, h.to)).collect();
        assert_eq!(got, [("a", 3, 3, 5), ("b", 0, 0, 0), ("a", 9, 9, 9)]);
        assert!(hits[2].score < hits[0].score, "a misread word scores lower");
        assert_eq!(find_words("golden signal", &eps).len(), 1, "every word must be on screen");
        assert!(find_words("  ,. ", &eps).is_empty());
        // Short words must match exactly: "on" is not "in".
        assert!(find_words("in", &eps).is_empty());
    }

    #[test]
    fn tesseract_tsv_gives_the_sure_words_in_order() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t640\t360\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t96.5\tBUNNY\n\
                   5\t1\t1\t1\t1\t2\t70\t10\t50\t20\t91.0\tTALES\n\
                   5\t1\t2\t1\t1\t1\t5\t300\t9\t9\t12.0\t~\n\
                   5\t1\t2\t1\t1\t2\t5\t300\t9\t9\t80.0\t--\n";
        let words = words_from_tsv(tsv);
        assert_eq!(words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["BUNNY", "TALES"]);
    }

    #[test]
    fn words_split_or_joined_by_the_reader_are_found_and_short_words_must_stand_alone() {
        let a = text(&[(1, "JV wil d Empire"), (2, "a Wild-Empi ry"), (5, "conditions"), (7, "Wild Emperor")]);
        let eps = vec![(PathBuf::from("a"), &a)];
        let got: Vec<(u32, u32)> = find_words("wild empire", &eps).iter().map(|h| (h.from, h.to)).collect();
        assert_eq!(got, [(1, 2)]);
        assert!(find_words("on", &eps).is_empty());
    }

    #[test]
    fn the_strongest_runs_of_text_are_read_at_their_strongest_second_and_their_last() {
        let gate = |lines: u8, strength: f32| TextGate { lines, strength };
        let none = gate(0, 0.0);
        let mut gates: Vec<(u32, TextGate)> = (0..20).map(|s| (s, none)).collect();
        // A card at 2–5 s, strongest at 3; a faint caption at 8 (one line clear enough alone);
        // a title building in at 10–12, whole at its last second; two seconds at 14 and 16 with
        // 15 not sampled (two runs).
        for (s, g) in [(2, gate(1, 0.1)), (3, gate(2, 0.2)), (4, gate(1, 0.5)), (5, gate(1, 0.3)), (8, gate(0, 0.5)), (10, gate(1, 0.0)), (11, gate(1, 0.2)), (12, gate(3, 0.3)), (14, gate(1, 0.0)), (16, gate(1, 0.0))] {
            gates[s as usize].1 = g;
        }
        gates.retain(|&(s, _)| s != 15);
        assert!(!gate(0, 0.1).shows_text() && gate(0, GATE).shows_text() && gate(1, 0.0).shows_text());
        assert_eq!(strongest_runs(&gates, 10), vec![3, 5, 8, 12, 14, 16]);
        // The two runs with the most text, in time order; of equals, the earlier.
        assert_eq!(strongest_runs(&gates, 2), vec![3, 5, 12]);
        assert_eq!(strongest_runs(&gates[13..], 1), vec![14]);
        assert!(strongest_runs(&gates, 0).is_empty());
    }

    #[test]
    fn the_head_keeps_the_gates_a_pass_over_the_window_sees_and_a_second_read_alone_is_the_frame_shown_there() {
        // 12 s: story with a title from 4 to 8 s, keyframes 5 s apart (seconds decoded from
        // the keyframe before them, not where the pass starts), B-frames and deblocking as x264
        // makes them by default.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Quiet Harbor - S01E04.mkv");
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let graph = format!("mandelbrot=s=640x360:r=25,trim=duration=12,setpts=PTS-STARTPTS,drawtext=fontfile={font}:text='QUIET HARBOR':fontcolor=white:fontsize=40:borderw=3:x=(w-tw)/2:y=(h-th)/2:enable='between(t,4,8)',format=yuv420p[v]");
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-g", "125"]).arg(&file).status().unwrap().success();
        assert!(ok, "ffmpeg");
        assert_eq!(crate::features::TextKept::head(&file), crate::features::TextKept::Gate);
        assert_eq!(crate::features::TextKept::head(&dir.path().join("ab.mkv")), crate::features::TextKept::Nothing);
        let mut encoder = crate::encoder::default_encoder();
        let head = crate::features::picture_features(&file, 0, 12, crate::features::TextKept::Gate, encoder.as_mut(), &mut |_| true).unwrap();
        let gates = head.gates().expect("the head keeps its gates");
        assert_eq!(gates, gates_of(&file, 0, 12).unwrap(), "the same pictures choose");
        let chosen = strongest_runs(&gates, 4);
        assert!(chosen.iter().all(|s| (4..=8).contains(s)) && !chosen.is_empty(), "{chosen:?}");
        // Each chosen second alone is the frame the whole pass shows there.
        let config = crate::video::SamplerConfig { window_s: 12, preprocess: None, keep_full_frame: true, ..Default::default() };
        let (pass, _) = crate::video::sample_all(&file, &config).unwrap();
        for (second, frame) in frames_at(&file, &chosen).unwrap() {
            let shown = pass[second as usize].full_frame.as_ref().unwrap();
            let diff = frame.as_raw().iter().zip(shown.as_raw()).map(|(a, b)| a.abs_diff(*b) as u64).sum::<u64>() as f64 / frame.as_raw().len() as f64;
            assert!(frame.dimensions() == shown.dimensions() && diff < 1.0, "second {second}: mean difference {diff}");
        }
    }

    #[test]
    fn substring_edits_count_the_cheapest_place() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(min_substring_edits(&c("empire"), &c("awildempiry")), 1);
        assert_eq!(min_substring_edits(&c("signal"), &c("xxsignalxx")), 0);
        assert_eq!(min_substring_edits(&c("signal"), &c("sgnl")), 2);
    }
}
