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
        2
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
}

impl EmbeddedEncoder {
    /// The descriptor of one picture (any size; thumbnails of ~128×72 are plenty).
    pub fn describe(&self, img: &RgbImage) -> Vec<f32> {
        let content = common_region(&crop_black_bars(img));
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

/// Remove letterbox/pillarbox bars: outer rows/columns that are near-black. A channel's logo
/// often sits in a bar (drawn over the padded frame, in a corner), so a row also counts as bar
/// where its middle 60 % is all near-black and at least 80 % of it is (a column likewise) — but
/// only where that finds bars of the same size on both sides (within 2 px or 2 %), as padding
/// makes them: one dark side of a night scene is picture, not a bar. Until encoder version 2 one
/// lit pixel kept a bar, and a letterboxed episode with its logo in the bar matched the same intro
/// of a full-frame one at cosine ~0.7 (family C, seed 2030: no picture match).
pub fn crop_black_bars(img: &RgbImage) -> RgbImage {
    let (w, h) = (img.width(), img.height());
    let dark = |x: u32, y: u32| max_channel(img, x, y) < 32;
    let all_dark = |len: u32, at: &dyn Fn(u32) -> bool| (0..len).all(at);
    let mostly_dark = |len: u32, at: &dyn Fn(u32) -> bool| (len / 5..len - len / 5).all(at) && 5 * (0..len).filter(|&i| at(i)).count() >= 4 * len as usize;
    // How far bars reach in from each end of an axis of `len` lines (`line(i, strict)` says
    // whether line i is bar), at most a third.
    let edges = |len: u32, line: &dyn Fn(u32, bool) -> bool| -> (u32, u32) {
        let reach = |strict: bool| {
            let (mut near, mut far) = (0, len);
            while near < len / 3 && line(near, strict) {
                near += 1;
            }
            while far > len - len / 3 && line(far - 1, strict) {
                far -= 1;
            }
            (near, far)
        };
        let strict = reach(true);
        let loose = reach(false);
        let (near, gap) = (loose.0, len - loose.1);
        let same_size = near > 0 && gap > 0 && near.abs_diff(gap) <= 2.max(len / 50);
        if same_size && (loose.0 > strict.0 || loose.1 < strict.1) { loose } else { strict }
    };
    let (top, bottom) = edges(h, &|y, strict| if strict { all_dark(w, &|x| dark(x, y)) } else { mostly_dark(w, &|x| dark(x, y)) });
    let (left, right) = edges(w, &|x, strict| if strict { all_dark(h, &|y| dark(x, y)) } else { mostly_dark(h, &|y| dark(x, y)) });
    // A dark picture (night scene, fade) is not bars: keep it whole.
    if top >= h / 3 || left >= w / 3 || (top == 0 && bottom == h && left == 0 && right == w) {
        return img.clone();
    }
    image::imageops::crop_imm(img, left, top, right - left, bottom - top).to_image()
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
