//! The embedded frame descriptor: no weights, no download, thousands of frames per second.
//!
//! It has to recognise the same shot across episodes that were re-encoded, rescaled, letterboxed,
//! branded with a channel logo, colour-graded or PAL-sped-up, and tell different shots apart. Four
//! parts, each L2-normalised, concatenated and normalised again:
//!
//! - **ordinal luma layout** (8×8 grid means → ranks): invariant to any monotonic tone change
//!   (gamma, brightness, contrast), the classic copy-detection signature;
//! - **low-frequency DCT** of the 32×32 luma (zig-zag band 1 ≤ u+v ≤ 7): coarse structure;
//! - **gradient orientations** (4×4 cells × 8 bins, HOG-like): edges and text, blind to colour;
//! - **colour layout** (4×4 grid of chroma minus the frame's mean chroma): hue structure without a
//!   global colour cast.
//!
//! Black bars are cut away first, so letterboxed and full-frame versions describe the same picture.
//! A logo touches one corner cell of each grid: a small, bounded change.

use super::{EncoderInput, FrameEncoder};
use crate::error::Result;
use crate::image_ops::{resize, Filter};
use crate::video::Sample;
use image::RgbImage;

pub const THUMBNAIL_HEIGHT: u32 = 72;
const SIDE: usize = 64;
const DCT_SIDE: usize = 32;
const ORDINAL_GRID: usize = 8;
const CELL_GRID: usize = 4;
const ORIENTATIONS: usize = 8;
const DCT_BAND: usize = 7;

/// Number of DCT coefficients with 1 ≤ u + v ≤ DCT_BAND.
const fn dct_count() -> usize {
    let mut n = 0;
    let mut u = 0;
    while u <= DCT_BAND {
        let mut v = 0;
        while v <= DCT_BAND {
            if u + v >= 1 && u + v <= DCT_BAND {
                n += 1;
            }
            v += 1;
        }
        u += 1;
    }
    n
}

pub const DIM: usize = ORDINAL_GRID * ORDINAL_GRID + dct_count() + CELL_GRID * CELL_GRID * ORIENTATIONS + CELL_GRID * CELL_GRID * 2;

/// Relative weight of each part in the final vector.
const WEIGHTS: [f32; 4] = [1.0, 1.0, 1.0, 0.6];

pub struct EmbeddedEncoder {
    /// cos((2x+1)uπ / 2N) for the DCT, precomputed.
    cosines: Vec<f32>,
}

impl Default for EmbeddedEncoder {
    fn default() -> Self {
        let mut cosines = vec![0f32; DCT_SIDE * (DCT_BAND + 1)];
        for u in 0..=DCT_BAND {
            for x in 0..DCT_SIDE {
                cosines[u * DCT_SIDE + x] =
                    (((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI) / (2.0 * DCT_SIDE as f64)).cos() as f32;
            }
        }
        EmbeddedEncoder { cosines }
    }
}

impl FrameEncoder for EmbeddedEncoder {
    fn id(&self) -> String {
        "embedded".into()
    }
    fn version(&self) -> u32 {
        // 2: a logo in a letterbox bar no longer keeps the bar ([`crop_black_bars`]).
        // 3: an episode's bars are found from all its frames ([`episode_bars`]).
        // 4: ... but never cut a frame where it is lit (a full-frame ident in a letterboxed
        // episode keeps its picture).
        4
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn input(&self) -> EncoderInput {
        EncoderInput::Thumbnail { height: THUMBNAIL_HEIGHT }
    }
    fn encode(&mut self, samples: &[&Sample]) -> Result<Vec<Vec<f32>>> {
        Ok(samples.iter().map(|s| self.describe(&s.thumbnail)).collect())
    }
    fn refine_episode(&mut self, thumbnails: &[RgbImage]) -> Result<Vec<(usize, Vec<f32>)>> {
        let frames: Vec<&RgbImage> = thumbnails.iter().collect();
        let Some((size, bars)) = episode_bars(&frames) else {
            return Ok(Vec::new());
        };
        // Each frame loses the episode's bars, but never where it is lit (a full-frame ident,
        // recap or intro in a letterboxed episode keeps its picture); only frames whose crop
        // then differs from their own are described again.
        Ok(thumbnails
            .iter()
            .enumerate()
            .filter(|(_, t)| t.dimensions() == size)
            .filter_map(|(i, t)| {
                let cut = within_lit(t, bars);
                (frame_bars(t) != cut).then(|| (i, self.describe_without(t, cut)))
            })
            .collect())
    }
}

impl EmbeddedEncoder {
    /// The descriptor of one picture (any size; thumbnails of ~128×72 are plenty).
    pub fn describe(&self, img: &RgbImage) -> Vec<f32> {
        self.describe_without(img, frame_bars(img))
    }

    /// The descriptor of a picture without the given bars (an episode's, [`episode_bars`]).
    pub fn describe_without(&self, img: &RgbImage, bars: Bars) -> Vec<f32> {
        let content = common_region(&crop_bars(img, bars));
        let small = resize(&content, SIDE as u32, SIDE as u32, Filter::Bilinear);
        let (luma, cb, cr) = planes(&small);
        let mut out = Vec::with_capacity(DIM);
        let parts: [Vec<f32>; 4] = [ordinal_layout(&luma), self.dct(&luma), orientations(&luma), colour_layout(&cb, &cr)];
        for (part, weight) in parts.iter().zip(WEIGHTS) {
            let norm = part.iter().map(|v| v * v).sum::<f32>().sqrt();
            let scale = if norm > 1e-6 { weight / norm } else { 0.0 };
            out.extend(part.iter().map(|v| v * scale));
        }
        let norm = out.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-6);
        out.iter_mut().for_each(|v| *v /= norm);
        out
    }

    fn dct(&self, luma: &[f32]) -> Vec<f32> {
        // 2× box-downsample to 32×32, then the separable DCT-II restricted to the low band.
        let mut small = vec![0f32; DCT_SIDE * DCT_SIDE];
        for y in 0..DCT_SIDE {
            for x in 0..DCT_SIDE {
                let i = 2 * y * SIDE + 2 * x;
                small[y * DCT_SIDE + x] = 0.25 * (luma[i] + luma[i + 1] + luma[i + SIDE] + luma[i + SIDE + 1]);
            }
        }
        // Rows: R[y][u] = Σx small[y][x]·cos_u(x)
        let mut rows = vec![0f32; DCT_SIDE * (DCT_BAND + 1)];
        for y in 0..DCT_SIDE {
            for u in 0..=DCT_BAND {
                let c = &self.cosines[u * DCT_SIDE..(u + 1) * DCT_SIDE];
                rows[y * (DCT_BAND + 1) + u] = small[y * DCT_SIDE..(y + 1) * DCT_SIDE].iter().zip(c).map(|(a, b)| a * b).sum();
            }
        }
        let mut out = Vec::with_capacity(dct_count());
        for u in 0..=DCT_BAND {
            for v in 0..=DCT_BAND {
                if u + v >= 1 && u + v <= DCT_BAND {
                    let c = &self.cosines[v * DCT_SIDE..(v + 1) * DCT_SIDE];
                    out.push((0..DCT_SIDE).map(|y| rows[y * (DCT_BAND + 1) + u] * c[y]).sum());
                }
            }
        }
        out
    }
}

/// BT.601 luma and chroma planes in [0, 1].
fn planes(img: &RgbImage) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let n = (img.width() * img.height()) as usize;
    let (mut y, mut cb, mut cr) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for p in img.pixels() {
        let (r, g, b) = (p[0] as f32 / 255.0, p[1] as f32 / 255.0, p[2] as f32 / 255.0);
        let l = 0.299 * r + 0.587 * g + 0.114 * b;
        y.push(l);
        cb.push(b - l);
        cr.push(r - l);
    }
    (y, cb, cr)
}

/// Lines cut from each side of a picture: letterbox (top, bottom) and pillarbox (left, right)
/// bars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bars {
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
}

/// Lines of an axis of `len` lines that count as bar from each end: `near` from the start, `far`
/// from the end. `line(i, strict)` says whether line i is bar (strict: all of it near-black;
/// loose: its middle 60 % near-black and 80 % of it). At most a third from each end; `None` on a
/// side whose bar would reach that far (a dark picture tells nothing there).
fn reach(len: u32, strict: bool, line: &dyn Fn(u32, bool) -> bool) -> (Option<u32>, Option<u32>) {
    let (mut near, mut far) = (0, 0);
    while near < len / 3 && line(near, strict) {
        near += 1;
    }
    while far < len / 3 && line(len - 1 - far, strict) {
        far += 1;
    }
    let known = |n: u32| (n < len / 3).then_some(n);
    (known(near), known(far))
}

fn dark(img: &RgbImage, x: u32, y: u32) -> bool {
    max_channel(img, x, y) < 32
}

fn dark_line(len: u32, strict: bool, at: &dyn Fn(u32) -> bool) -> bool {
    if strict {
        (0..len).all(at)
    } else {
        (len / 5..len - len / 5).all(at) && 5 * (0..len).filter(|&i| at(i)).count() >= 4 * len as usize
    }
}

fn row_is_bar(img: &RgbImage) -> impl Fn(u32, bool) -> bool + '_ {
    move |y, strict| dark_line(img.width(), strict, &|x| dark(img, x, y))
}

fn column_is_bar(img: &RgbImage) -> impl Fn(u32, bool) -> bool + '_ {
    move |x, strict| dark_line(img.height(), strict, &|y| dark(img, x, y))
}

/// The bars of one picture seen alone: outer rows/columns that are near-black. A channel's logo
/// often sits in a bar (drawn over the padded frame, in a corner), so a row also counts as bar
/// where its middle 60 % is all near-black and at least 80 % of it is (a column likewise) — but
/// only where that finds bars of the same size on both sides (within 2 px or 2 %), as padding
/// makes them: one dark side of a night scene is picture, not a bar. A picture dark a third of
/// the way in from any side keeps everything. Until encoder version 2 one lit pixel kept a bar.
pub fn frame_bars(img: &RgbImage) -> Bars {
    let (w, h) = (img.width(), img.height());
    let edges = |len: u32, line: &dyn Fn(u32, bool) -> bool| -> Option<(u32, u32)> {
        let strict = reach(len, true, line);
        let loose = reach(len, false, line);
        let (s0, s1) = (strict.0?, strict.1?);
        match loose {
            (Some(l0), Some(l1)) if l0 > 0 && l1 > 0 && l0.abs_diff(l1) <= 2.max(len / 50) && (l0 > s0 || l1 > s1) => Some((l0, l1)),
            _ => Some((s0, s1)),
        }
    };
    match (edges(h, &row_is_bar(img)), edges(w, &column_is_bar(img))) {
        (Some((top, bottom)), Some((left, right))) => Bars { top, bottom, left, right },
        _ => Bars::default(),
    }
}

/// The bars of an episode, from all its frames of one size: padding is the same in every frame,
/// while the picture's own dark edges (night scenes, a planet on black, a fade) come and go. Per
/// side, the bar is the 25th percentile of the loose per-frame reach ([`frame_bars`]' rule, so a
/// logo in the bar does not keep it) over the frames where it is known; of two opposite sides
/// that differ by more than 2 px or 2 %, both take the smaller (padding is centred; a dark side
/// of the picture is not). `None` when fewer than 8 frames, or a quarter of them, tell a side.
///
/// Seen one frame at a time, a dark shot of a pillarboxed episode lost columns of picture with its
/// bars, and the same intro shot matched the full-frame episodes at cosine ~0.2 (family C, seed
/// 2030: Last Meadow's title over a dark planet).
pub fn episode_bars(frames: &[&RgbImage]) -> Option<((u32, u32), Bars)> {
    // The most common size (a window may open on an odd frame).
    let mut sizes: Vec<(u32, u32)> = frames.iter().map(|f| f.dimensions()).collect();
    sizes.sort_unstable();
    let (w, h) = sizes.chunk_by(|a, b| a == b).max_by_key(|run| run.len())?[0];
    let same: Vec<&&RgbImage> = frames.iter().filter(|f| f.dimensions() == (w, h)).collect();
    let mut sides: [Vec<u32>; 4] = Default::default();
    for f in &same {
        let (top, bottom) = reach(h, false, &row_is_bar(f));
        let (left, right) = reach(w, false, &column_is_bar(f));
        for (side, value) in sides.iter_mut().zip([top, bottom, left, right]) {
            side.extend(value);
        }
    }
    let need = 8.max(same.len() / 4);
    let mut picked = [0u32; 4];
    for (out, side) in picked.iter_mut().zip(sides.iter_mut()) {
        if side.len() < need {
            return None;
        }
        side.sort_unstable();
        *out = side[side.len() / 4];
    }
    let centred = |a: u32, b: u32, len: u32| if a.abs_diff(b) <= 2.max(len / 50) { (a, b) } else { (a.min(b), a.min(b)) };
    let (top, bottom) = centred(picked[0], picked[1], h);
    let (left, right) = centred(picked[2], picked[3], w);
    Some(((w, h), Bars { top, bottom, left, right }))
}

/// `bars`, less wherever `img` is lit inside them (its own loose reach is smaller).
pub fn within_lit(img: &RgbImage, bars: Bars) -> Bars {
    let (w, h) = img.dimensions();
    let (top, bottom) = reach(h, false, &row_is_bar(img));
    let (left, right) = reach(w, false, &column_is_bar(img));
    let cap = |side: u32, own: Option<u32>| own.map_or(side, |o| side.min(o));
    Bars { top: cap(bars.top, top), bottom: cap(bars.bottom, bottom), left: cap(bars.left, left), right: cap(bars.right, right) }
}

/// `img` without `bars`.
pub fn crop_bars(img: &RgbImage, bars: Bars) -> RgbImage {
    let (w, h) = img.dimensions();
    if bars == Bars::default() || bars.left + bars.right >= w || bars.top + bars.bottom >= h {
        return img.clone();
    }
    image::imageops::crop_imm(img, bars.left, bars.top, w - bars.left - bars.right, h - bars.top - bars.bottom).to_image()
}

/// Remove the letterbox/pillarbox bars of one picture seen alone ([`frame_bars`]).
pub fn crop_black_bars(img: &RgbImage) -> RgbImage {
    crop_bars(img, frame_bars(img))
}

/// The part of a 16:9 picture that survives every common centre cut: a 4:3 pillarbox keeps the
/// central 75 % of the width, a 2.35:1 letterbox the central 75.5 % of the height. Describing only
/// that region makes full-frame, pillarboxed and letterboxed versions of a shot comparable. The
/// original 16:9 size is inferred from the content's aspect (wider than 16:9: the height was cut).
pub fn common_region(content: &RgbImage) -> RgbImage {
    let (w, h) = (content.width() as f32, content.height() as f32);
    let (orig_w, orig_h) = if w / h > 16.0 / 9.0 + 0.02 { (w, w * 9.0 / 16.0) } else { (h * 16.0 / 9.0, h) };
    let rw = (orig_w * 0.75).min(w).round().max(1.0) as u32;
    let rh = (orig_h * 0.755).min(h).round().max(1.0) as u32;
    let left = (content.width() - rw) / 2;
    let top = (content.height() - rh) / 2;
    image::imageops::crop_imm(content, left, top, rw, rh).to_image()
}

fn max_channel(img: &RgbImage, x: u32, y: u32) -> u8 {
    let p = img.get_pixel(x, y);
    p[0].max(p[1]).max(p[2])
}

fn grid_means(plane: &[f32], grid: usize) -> Vec<f32> {
    let cell = SIDE / grid;
    let mut out = vec![0f32; grid * grid];
    for y in 0..SIDE {
        for x in 0..SIDE {
            out[(y / cell) * grid + x / cell] += plane[y * SIDE + x];
        }
    }
    let area = (cell * cell) as f32;
    out.iter_mut().for_each(|v| *v /= area);
    out
}

/// Ranks of the 8×8 grid means, centred: depends only on the order of brightness.
fn ordinal_layout(luma: &[f32]) -> Vec<f32> {
    let means = grid_means(luma, ORDINAL_GRID);
    let mut order: Vec<usize> = (0..means.len()).collect();
    order.sort_by(|&a, &b| means[a].total_cmp(&means[b]));
    let mut ranks = vec![0f32; means.len()];
    let centre = (means.len() as f32 - 1.0) / 2.0;
    // Ties (flat regions) share their mean rank, so a flat frame has no arbitrary order.
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && (means[order[j + 1]] - means[order[i]]).abs() < 1.0 / 512.0 {
            j += 1;
        }
        let rank = (i + j) as f32 / 2.0 - centre;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Per-cell histograms of gradient orientation weighted by magnitude (unsigned, 8 bins).
fn orientations(luma: &[f32]) -> Vec<f32> {
    let cell = SIDE / CELL_GRID;
    let mut hist = vec![0f32; CELL_GRID * CELL_GRID * ORIENTATIONS];
    for y in 1..SIDE - 1 {
        for x in 1..SIDE - 1 {
            let gx = luma[y * SIDE + x + 1] - luma[y * SIDE + x - 1];
            let gy = luma[(y + 1) * SIDE + x] - luma[(y - 1) * SIDE + x];
            let mag = (gx * gx + gy * gy).sqrt();
            if mag < 1e-4 {
                continue;
            }
            let angle = gy.atan2(gx).rem_euclid(std::f32::consts::PI);
            let bin = ((angle / std::f32::consts::PI * ORIENTATIONS as f32) as usize).min(ORIENTATIONS - 1);
            hist[((y / cell) * CELL_GRID + x / cell) * ORIENTATIONS + bin] += mag;
        }
    }
    // Each cell normalised on its own: contrast in one region does not drown the others.
    for c in hist.chunks_mut(ORIENTATIONS) {
        let norm = c.iter().map(|v| v * v).sum::<f32>().sqrt() + 0.05;
        c.iter_mut().for_each(|v| *v /= norm);
    }
    hist
}

/// 4×4 grid of chroma with the frame's mean chroma removed.
fn colour_layout(cb: &[f32], cr: &[f32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(CELL_GRID * CELL_GRID * 2);
    for plane in [cb, cr] {
        let means = grid_means(plane, CELL_GRID);
        let mean = means.iter().sum::<f32>() / means.len() as f32;
        out.extend(means.iter().map(|m| m - mean));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_is_unit_length_and_sized() {
        let img = RgbImage::from_fn(128, 72, |x, y| image::Rgb([(x * 2) as u8, (y * 3) as u8, ((x + y) % 255) as u8]));
        let d = EmbeddedEncoder::default().describe(&img);
        assert_eq!(d.len(), DIM);
        assert!((d.iter().map(|v| v * v).sum::<f32>() - 1.0).abs() < 1e-4);
    }

    #[test]
    fn bars_are_removed_but_dark_frames_kept() {
        let mut img = RgbImage::from_pixel(128, 72, image::Rgb([200, 100, 50]));
        for y in (0..10).chain(62..72) {
            for x in 0..128 {
                img.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        assert_eq!(crop_black_bars(&img).dimensions(), (128, 52));
        let dark = RgbImage::from_pixel(128, 72, image::Rgb([5, 5, 5]));
        assert_eq!(crop_black_bars(&dark).dimensions(), (128, 72));
    }

    #[test]
    fn a_logo_in_the_letterbox_bar_does_not_keep_the_bar() {
        // A 2.35:1 picture in a 16:9 frame, the channel's logo drawn in the top bar's right corner
        // (as ffmpeg's drawtext after pad puts it), against the same shot full frame.
        let shot = |x: u32, y: u32| image::Rgb([(40 + (x * 7 + y * 3) % 180) as u8, (60 + (x * y) % 150) as u8, (90 + (x + 2 * y) % 120) as u8]);
        let full = RgbImage::from_fn(128, 72, shot);
        let (band, top) = (54u32, 9u32);
        let mut boxed = RgbImage::from_pixel(128, 72, image::Rgb([0, 0, 0]));
        for y in 0..band {
            for x in 0..128 {
                // The letterbox keeps the middle rows of the shot.
                boxed.put_pixel(x, top + y, shot(x, y + 9));
            }
        }
        for y in 2..7 {
            for x in 112..124 {
                boxed.put_pixel(x, y, image::Rgb([230, 230, 230]));
            }
        }
        assert_eq!(crop_black_bars(&boxed).dimensions(), (128, band));
        // The same with a 4:3 pillarbox whose logo sits in the right bar.
        let mut pillar = RgbImage::from_pixel(128, 72, image::Rgb([0, 0, 0]));
        for y in 0..72 {
            for x in 16..112 {
                pillar.put_pixel(x, y, shot(x, y));
            }
        }
        for y in 3..8 {
            for x in 115..125 {
                pillar.put_pixel(x, y, image::Rgb([230, 230, 230]));
            }
        }
        assert_eq!(crop_black_bars(&pillar).dimensions(), (96, 72));
        // A night scene dark on one side with a lamp in its corner is picture, not a bar.
        let mut night = RgbImage::from_fn(128, 72, shot);
        for y in 0..72 {
            for x in 0..20 {
                night.put_pixel(x, y, image::Rgb([8, 8, 10]));
            }
        }
        for y in 2..6 {
            for x in 0..4 {
                night.put_pixel(x, y, image::Rgb([250, 240, 200]));
            }
        }
        assert_eq!(crop_black_bars(&night).dimensions(), (128, 72));
        let e = EmbeddedEncoder::default();
        let cos = crate::encoder::cosine(&e.describe(&full), &e.describe(&boxed));
        assert!(cos >= 0.92, "letterboxed with a logo in the bar against full frame: cosine {cos}");
    }

    #[test]
    fn an_episode_keeps_the_picture_its_dark_shots_show_beside_its_bars() {
        // A 4:3 pillarboxed episode (bars 16 px each side of 128): most shots are lit to their
        // edges; some are a planet on black, dark far into the picture on both sides but not
        // by the same amount. Alone, such a frame loses columns of picture with its bars; in
        // its episode, only the bars go.
        let lit = |seed: u32| {
            let mut f = RgbImage::from_pixel(128, 72, image::Rgb([0, 0, 0]));
            for y in 0..72 {
                for x in 16..112 {
                    f.put_pixel(x, y, image::Rgb([(60 + (x * seed + y * 3) % 150) as u8, (80 + (x + y * seed) % 120) as u8, 90]));
                }
            }
            f
        };
        let mut planet = RgbImage::from_pixel(128, 72, image::Rgb([0, 0, 0]));
        for y in 10..62 {
            for x in 40..98 {
                planet.put_pixel(x, y, image::Rgb([70, 80, 140]));
            }
        }
        assert_ne!(frame_bars(&planet), Bars { top: 0, bottom: 0, left: 16, right: 16 }, "alone, the planet's frame is cut further");
        let mut frames: Vec<RgbImage> = (1..=12).map(lit).collect();
        frames.extend(std::iter::repeat_n(planet.clone(), 6));
        let refs: Vec<&RgbImage> = frames.iter().collect();
        assert_eq!(episode_bars(&refs), Some(((128, 72), Bars { top: 0, bottom: 0, left: 16, right: 16 })));
        // Re-described with the episode's bars: only the planet's frames change.
        let mut e = EmbeddedEncoder::default();
        let changed: Vec<usize> = e.refine_episode(&frames).unwrap().into_iter().map(|(i, _)| i).collect();
        assert_eq!(changed, (12..18).collect::<Vec<_>>());
        // A full-frame episode whose night scenes are dark at one side keeps every column.
        let shot = |s: u32| RgbImage::from_fn(128, 72, move |x, y| image::Rgb([(60 + (x * s + y) % 150) as u8, 90, 120]));
        let mut night = shot(5);
        for y in 0..72 {
            for x in 0..30 {
                night.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        let full: Vec<RgbImage> = (1..=12).map(shot).chain(std::iter::repeat_n(night, 6)).collect();
        let refs: Vec<&RgbImage> = full.iter().collect();
        assert_eq!(episode_bars(&refs), Some(((128, 72), Bars::default())));
        // A full-frame shot in a pillarboxed episode (an ident, a recap) keeps its picture.
        let ident = RgbImage::from_fn(128, 72, |x, y| image::Rgb([(40 + (x * 3 + y) % 200) as u8, 120, 90]));
        assert_eq!(within_lit(&ident, Bars { top: 0, bottom: 0, left: 16, right: 16 }), Bars::default());
        // Too few frames to tell: each frame alone.
        assert_eq!(episode_bars(&refs[..5]), None);
    }

    #[test]
    fn ordinal_layout_ignores_gamma() {
        // Grey, so a per-channel tone curve is a tone curve of luma too.
        let img = RgbImage::from_fn(64, 64, |x, y| image::Rgb([((x + y) * 2) as u8; 3]));
        let graded = RgbImage::from_fn(64, 64, |x, y| {
            let p = img.get_pixel(x, y);
            image::Rgb(p.0.map(|c| (255.0 * (c as f32 / 255.0).powf(0.7)) as u8))
        });
        let (a, _, _) = planes(&img);
        let (b, _, _) = planes(&graded);
        assert_eq!(ordinal_layout(&a), ordinal_layout(&b));
    }
}
