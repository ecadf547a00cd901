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
