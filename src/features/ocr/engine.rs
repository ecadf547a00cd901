//! Tesseract: one picture to the words it reads surely, in grey at the height it reads best.

use super::{is_sure, normalise, Word};
use crate::error::{Error, Result};

/// Height (px) frames are read at.
const READ_HEIGHT: u32 = 720;
/// Screen text's ink: pixels at least this share of the picture's brightest luma...
const INK_OF_BRIGHTEST: f32 = 0.8;
/// ...and never darker than this (0–255): a black frame's noise is not text.
const MIN_INK: u8 = 96;
/// Words Tesseract is less sure of than this (0–100) are dropped: footage texture read as
/// letters comes out at 0–40.
const MIN_CONFIDENCE: f32 = 50.0;

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

    /// [`Ocr::read_thoroughly`] of each picture, in order, on two engines at once (the second
    /// started the first time, ~0.2 s). Tesseract's own threads leave a core idle much of the
    /// time: 8 frames of a title search read in 1.7–1.9 s instead of 2.9–3.2 s on 2 cores. Each
    /// picture's two readings are shared out as they come (each engine takes the next one left),
    /// not whole pictures: one busy picture read as one job kept the other engine idle for
    /// its whole reading (the picture before the credits, ~0.3 s on a 45-minute 1080p
    /// episode). Which engine reads which picture now depends on timing: that gives the same
    /// words because Tesseract's LSTM recogniser (the default engine for this model) keeps
    /// nothing from one page to the next — the committed results and the credits sets read the
    /// same with the OCR cache set aside, and a test reads pictures together and alone.
    #[cfg(feature = "ocr")]
    pub fn read_all_thoroughly(&mut self, images: &[&image::RgbImage]) -> Vec<Result<Vec<Word>>> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        if images.is_empty() {
            return Vec::new();
        }
        let mut spare = match self.spare.take() {
            Some(spare) => spare,
            None => match Ocr::new() {
                Ok(spare) => Box::new(spare),
                // No second engine: one reads them all.
                Err(_) => return images.iter().map(|i| self.read_thoroughly(i)).collect(),
            },
        };
        // Job 2k: picture k's bright pixels as ink; 2k + 1: picture k in plain grey.
        let greys: Vec<image::GrayImage> = images.iter().map(|i| image::imageops::grayscale(*i)).collect();
        let next = AtomicUsize::new(0);
        let work = |engine: &mut Ocr| {
            let mut done = Vec::new();
            loop {
                let job = next.fetch_add(1, Ordering::Relaxed);
                let Some(grey) = greys.get(job / 2) else { break };
                // The ink is picked out at the picture's own size (see [`Ocr::read_passes`]).
                let page = if job % 2 == 0 { to_read_height(&bright_as_ink(grey)) } else { to_read_height(grey) };
                done.push((job, engine.read_grey(&page)));
            }
            done
        };
        let (mine, theirs) = std::thread::scope(|s| {
            // A thread the system refuses: this engine reads them all.
            let other = std::thread::Builder::new().name("introskip-ocr".into()).spawn_scoped(s, || work(&mut spare));
            let mine = work(self);
            let theirs = match other {
                Ok(other) => other.join().unwrap_or_else(|_| Vec::new()),
                Err(_) => Vec::new(),
            };
            (mine, theirs)
        });
        self.spare = Some(spare);
        let mut readings: Vec<Option<Result<Vec<Word>>>> = (0..2 * images.len()).map(|_| None).collect();
        for (job, read) in mine.into_iter().chain(theirs) {
            readings[job] = Some(read);
        }
        let mut readings = readings.into_iter();
        (0..images.len())
            .map(|_| {
                let ink = readings.next().flatten().unwrap_or_else(|| Err(Error::internal("the second Tesseract reader stopped")));
                let grey = readings.next().flatten().unwrap_or_else(|| Err(Error::internal("the second Tesseract reader stopped")));
                Ok(join_readings(ink?, grey?))
            })
            .collect()
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
        let more = self.read_grey(&to_read_height(&grey))?;
        Ok(join_readings(words, more))
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

/// A picture's two readings as one: both, each word once (the surer spelling), the plain
/// reading's order; the bright pixels' alone where the plain reading found nothing.
fn join_readings(ink: Vec<Word>, mut plain: Vec<Word>) -> Vec<Word> {
    if plain.is_empty() {
        return ink;
    }
    for w in ink {
        if !plain.iter().any(|m| normalise(&m.text) == normalise(&w.text)) {
            plain.push(w);
        }
    }
    plain
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
pub(super) fn words_from_tsv(tsv: &str) -> Vec<Word> {
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

/// Tesseract's version, as its library reports it.
#[cfg(feature = "ocr")]
pub(super) fn tesseract_version() -> String {
    tesseract::plumbing::version().to_string_lossy().into_owned()
}

#[cfg(not(feature = "ocr"))]
pub(super) fn tesseract_version() -> String {
    String::new()
}

#[cfg(all(test, feature = "ocr"))]
mod tests {
    use super::*;

    /// A 1280×720 picture drawn by the ffmpeg CLI: `graph` after a lavfi source.
    fn picture(dir: &std::path::Path, name: &str, graph: &str) -> image::RgbImage {
        let file = dir.join(format!("{name}.png"));
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-f", "lavfi", "-i", graph, "-frames:v", "1"]).arg(&file).status().unwrap().success();
        assert!(ok, "ffmpeg could not draw {name}");
        image::open(&file).unwrap().to_rgb8()
    }

    #[test]
    fn pictures_read_together_on_two_engines_read_as_each_alone() {
        let dir = tempfile::tempdir().unwrap();
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let text = |words: &str, colour: &str, y: u32| format!("drawtext=fontfile={font}:text='{words}':fontcolor={colour}:fontsize=48:x=(w-tw)/2:y={y}");
        let pictures = [
            picture(dir.path(), "names", &format!("color=c=black:s=1280x720,{},{}", text("Directed by", "white", 280), text("Alice Morgan", "white", 360))),
            picture(dir.path(), "caption", &format!("testsrc2=s=1280x720,{}", text("Coming up next", "white", 600))),
            picture(dir.path(), "dark", &format!("color=c=0xe0e0e0:s=1280x720,{}", text("Written by Robert Haines", "black", 330))),
        ];
        // Each alone on a fresh engine, one reading after the other.
        let alone: Vec<Vec<String>> = pictures.iter().map(|p| Ocr::new().unwrap().read_thoroughly(p).unwrap().into_iter().map(|w| w.text).collect()).collect();
        assert!(alone[0].join(" ").contains("Alice") && alone[2].join(" ").contains("Haines"), "{alone:?}");
        let refs: Vec<&image::RgbImage> = pictures.iter().collect();
        let mut ocr = Ocr::new().unwrap();
        // Twice: the second time on engines that have read before.
        for _ in 0..2 {
            let together: Vec<Vec<String>> = ocr.read_all_thoroughly(&refs).into_iter().map(|r| r.unwrap().into_iter().map(|w| w.text).collect()).collect();
            assert_eq!(together, alone);
        }
        assert!(ocr.read_all_thoroughly(&[]).is_empty());
    }
}
