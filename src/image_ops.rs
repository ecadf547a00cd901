//! Image preprocessing for frame encoders, bit-exact with the reference pipeline.
//!
//! CLIP's preprocessing is torchvision's `Resize(n, BICUBIC)` → `CenterCrop(n)` → `ToTensor` →
//! `Normalize` on a PIL image. We reproduce Pillow's 8-bit two-pass convolution resampler exactly
//! (same kernel support, same fixed-point rounding, horizontal pass first), so the tensors we feed
//! an encoder equal what OpenAI's code would compute from the same RGB frame. The parity test
//! compares against Pillow itself (`training/reference/preprocess_reference.py`).

use image::RgbImage;
use serde::{Deserialize, Serialize};

/// Resampling kernels, as Pillow defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    /// Pillow `BILINEAR` (triangle, support 1): cheap, for thumbnails.
    Bilinear,
    /// Pillow `BICUBIC` (Keys, a = -0.5, support 2): what CLIP uses.
    Bicubic,
}

impl Filter {
    fn support(self) -> f64 {
        match self {
            Filter::Bilinear => 1.0,
            Filter::Bicubic => 2.0,
        }
    }

    fn eval(self, x: f64) -> f64 {
        let x = x.abs();
        match self {
            Filter::Bilinear => {
                if x < 1.0 {
                    1.0 - x
                } else {
                    0.0
                }
            }
            Filter::Bicubic => {
                const A: f64 = -0.5;
                if x < 1.0 {
                    ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
                } else if x < 2.0 {
                    (((x - 5.0) * x + 8.0) * x - 4.0) * A
                } else {
                    0.0
                }
            }
        }
    }
}

/// Pillow's fixed-point precision for 8-bit resampling (`32 - 8 - 2`).
const PRECISION_BITS: u32 = 22;

/// Per-output-pixel convolution taps: first input index and fixed-point weights.
struct Taps {
    starts: Vec<usize>,
    lens: Vec<usize>,
    /// `ksize` weights per output pixel, zero-padded.
    weights: Vec<i32>,
    ksize: usize,
}

/// Pillow's `precompute_coeffs` followed by `normalize_coeffs_8bpc`.
fn precompute_taps(in_size: usize, out_size: usize, filter: Filter) -> Taps {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = filter.support() * filterscale;
    let ksize = support.ceil() as usize * 2 + 1;
    let mut starts = Vec::with_capacity(out_size);
    let mut lens = Vec::with_capacity(out_size);
    let mut weights = vec![0i32; out_size * ksize];
    let mut float_taps = vec![0f64; ksize];
    for xx in 0..out_size {
        let center = (xx as f64 + 0.5) * scale;
        let ss = 1.0 / filterscale;
        // C casts truncate toward zero; `center - support + 0.5` can be negative, then clamps to 0.
        let xmin = ((center - support + 0.5) as i64).max(0) as usize;
        let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize;
        let len = xmax.saturating_sub(xmin);
        let mut total = 0.0;
        for (x, tap) in float_taps.iter_mut().enumerate().take(len) {
            let w = filter.eval((x as f64 + xmin as f64 - center + 0.5) * ss);
            *tap = w;
            total += w;
        }
        let row = &mut weights[xx * ksize..(xx + 1) * ksize];
        for x in 0..len {
            let w = if total != 0.0 { float_taps[x] / total } else { float_taps[x] };
            let fixed = w * (1u64 << PRECISION_BITS) as f64;
            row[x] = if w < 0.0 { (fixed - 0.5) as i32 } else { (fixed + 0.5) as i32 };
        }
        starts.push(xmin);
        lens.push(len);
    }
    Taps { starts, lens, weights, ksize }
}

#[inline]
fn clip8(acc: i32) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

/// One row of Pillow's horizontal pass, three channels per tap.
fn horizontal_row(in_row: &[u8], horiz: &Taps, out_row: &mut [u8]) {
    let half = 1i32 << (PRECISION_BITS - 1);
    for x in 0..out_row.len() / 3 {
        let start = horiz.starts[x];
        let taps = &horiz.weights[x * horiz.ksize..x * horiz.ksize + horiz.lens[x]];
        let (mut r, mut g, mut b) = (half, half, half);
        for (i, &w) in taps.iter().enumerate() {
            let p = (start + i) * 3;
            r += in_row[p] as i32 * w;
            g += in_row[p + 1] as i32 * w;
            b += in_row[p + 2] as i32 * w;
        }
        out_row[x * 3] = clip8(r);
        out_row[x * 3 + 1] = clip8(g);
        out_row[x * 3 + 2] = clip8(b);
    }
}

/// The same integer arithmetic with the three channels in one SSE4.1 lane group: the row is
/// widened to RGBX once, then each tap is one multiply-add. Bit-identical to [`horizontal_row`]
/// (the Pillow parity test covers both on machines with SSE4.1).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse4.1")]
unsafe fn horizontal_row_sse41(in_row: &[u8], rgbx: &mut Vec<u8>, horiz: &Taps, out_row: &mut [u8]) {
    use std::arch::x86_64::*;
    rgbx.clear();
    for px in in_row.chunks_exact(3) {
        rgbx.extend_from_slice(&[px[0], px[1], px[2], 0]);
    }
    let half = _mm_set1_epi32(1 << (PRECISION_BITS - 1));
    let mut lanes = [0i32; 4];
    for x in 0..out_row.len() / 3 {
        let start = horiz.starts[x];
        let taps = &horiz.weights[x * horiz.ksize..x * horiz.ksize + horiz.lens[x]];
        debug_assert!((start + taps.len()) * 4 <= rgbx.len());
        // SAFETY: taps stay inside the row (precompute_taps clamps them to the input width).
        let base = unsafe { rgbx.as_ptr().add(start * 4) } as *const i32;
        let load = |i: usize| unsafe { _mm_cvtepu8_epi32(_mm_cvtsi32_si128(base.add(i).read_unaligned())) };
        // Two independent accumulators hide the multiply latency; integer addition is exact, so
        // the order does not change the result.
        let (mut a0, mut a1) = (half, _mm_setzero_si128());
        let mut i = 0;
        while i + 1 < taps.len() {
            a0 = _mm_add_epi32(a0, _mm_mullo_epi32(load(i), _mm_set1_epi32(taps[i])));
            a1 = _mm_add_epi32(a1, _mm_mullo_epi32(load(i + 1), _mm_set1_epi32(taps[i + 1])));
            i += 2;
        }
        if i < taps.len() {
            a0 = _mm_add_epi32(a0, _mm_mullo_epi32(load(i), _mm_set1_epi32(taps[i])));
        }
        let acc = _mm_add_epi32(a0, a1);
        // SAFETY: `lanes` holds four i32; unaligned store.
        unsafe { _mm_storeu_si128(lanes.as_mut_ptr() as *mut __m128i, _mm_srai_epi32(acc, PRECISION_BITS as i32)) };
        for c in 0..3 {
            out_row[x * 3 + c] = lanes[c].clamp(0, 255) as u8;
        }
    }
}

/// Resize an RGB image exactly as Pillow's `Image.resize((w, h), filter)` does for mode "RGB".
pub fn resize(src: &RgbImage, out_w: u32, out_h: u32, filter: Filter) -> RgbImage {
    let (in_w, in_h) = (src.width() as usize, src.height() as usize);
    let (out_w, out_h) = (out_w.max(1) as usize, out_h.max(1) as usize);
    let need_h = out_w != in_w;
    let need_v = out_h != in_h;
    let vert = precompute_taps(in_h, out_h, filter);
    // Only the rows the vertical pass reads are resampled horizontally (as Pillow does).
    let (row_first, row_last) = if need_v {
        (vert.starts[0], vert.starts[out_h - 1] + vert.lens[out_h - 1])
    } else {
        (0, in_h)
    };

    let src = src.as_raw();
    let mid_rows = row_last - row_first;
    let mid: Vec<u8> = if need_h {
        let horiz = precompute_taps(in_w, out_w, filter);
        let mut mid = vec![0u8; mid_rows * out_w * 3];
        #[cfg(target_arch = "x86_64")]
        let simd = std::arch::is_x86_feature_detected!("sse4.1");
        #[cfg(not(target_arch = "x86_64"))]
        let simd = false;
        let mut rgbx = Vec::new();
        for y in 0..mid_rows {
            let in_row = &src[(y + row_first) * in_w * 3..(y + row_first + 1) * in_w * 3];
            let out_row = &mut mid[y * out_w * 3..(y + 1) * out_w * 3];
            if simd {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: SSE4.1 was detected just above.
                unsafe {
                    horizontal_row_sse41(in_row, &mut rgbx, &horiz, out_row)
                };
            } else {
                horizontal_row(in_row, &horiz, out_row);
            }
        }
        mid
    } else {
        src[row_first * in_w * 3..row_last * in_w * 3].to_vec()
    };

    if !need_v {
        return RgbImage::from_raw(out_w as u32, out_h as u32, mid).expect("buffer sized for image");
    }
    let mut out = vec![0u8; out_h * out_w * 3];
    let half = 1i32 << (PRECISION_BITS - 1);
    let stride = out_w * 3;
    let mut acc = vec![0i32; stride];
    for y in 0..out_h {
        let start = vert.starts[y] - row_first;
        let taps = &vert.weights[y * vert.ksize..y * vert.ksize + vert.lens[y]];
        acc.fill(half);
        // Row-wise accumulation: contiguous, so the compiler vectorises it.
        for (i, &w) in taps.iter().enumerate() {
            let row = &mid[(start + i) * stride..(start + i + 1) * stride];
            for (a, &p) in acc.iter_mut().zip(row) {
                *a += p as i32 * w;
            }
        }
        for (o, &a) in out[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = clip8(a);
        }
    }
    RgbImage::from_raw(out_w as u32, out_h as u32, out).expect("buffer sized for image")
}

/// torchvision `Resize(size)` with an int: the short side becomes `size`, the long side is
/// `int(size * long / short)` (truncated, as torchvision does).
pub fn short_side_size(width: u32, height: u32, size: u32) -> (u32, u32) {
    if width <= height {
        let long = (size as u64 * height as u64 / width.max(1) as u64) as u32;
        (size, long.max(1))
    } else {
        let long = (size as u64 * width as u64 / height.max(1) as u64) as u32;
        (long.max(1), size)
    }
}

/// Python's `round()` (half to even), which torchvision's `center_crop` uses for the offsets.
fn round_half_even(x: f64) -> i64 {
    let r = x.round();
    (if (x - x.trunc()).abs() == 0.5 { 2.0 * (x / 2.0).round() } else { r }) as i64
}

/// Top-left corner of torchvision's `CenterCrop(size)`.
pub fn center_crop_origin(width: u32, height: u32, size: u32) -> (u32, u32) {
    let left = round_half_even((width as f64 - size as f64) / 2.0).max(0) as u32;
    let top = round_half_even((height as f64 - size as f64) / 2.0).max(0) as u32;
    (left, top)
}

/// How an encoder wants its input: square size and per-channel normalisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreprocessSpec {
    pub size: u32,
    pub mean: [f32; 3],
    pub std: [f32; 3],
    pub filter: Filter,
}

impl PreprocessSpec {
    /// OpenAI CLIP's `_transform(224)`.
    pub fn clip(size: u32) -> Self {
        PreprocessSpec {
            size,
            mean: [0.481_454_66, 0.457_827_5, 0.408_210_73],
            std: [0.268_629_54, 0.261_302_58, 0.275_777_11],
            filter: Filter::Bicubic,
        }
    }

    /// Resize the short side and centre-crop: the 8-bit image the encoder sees.
    pub fn crop(&self, img: &RgbImage) -> RgbImage {
        self.center_crop(&self.resize_short_side(img))
    }

    /// torchvision `Resize(size)`: the short side becomes `size`.
    pub fn resize_short_side(&self, img: &RgbImage) -> RgbImage {
        let (w, h) = short_side_size(img.width(), img.height(), self.size);
        resize(img, w, h, self.filter)
    }

    /// torchvision `CenterCrop(size)` of an already resized image.
    pub fn center_crop(&self, resized: &RgbImage) -> RgbImage {
        let (w, h) = (resized.width(), resized.height());
        let (left, top) = center_crop_origin(w, h, self.size);
        let s = self.size;
        // A crop larger than the image pads with black, as torchvision does.
        let mut out = RgbImage::new(s, s);
        for y in 0..s.min(h.saturating_sub(top)) {
            for x in 0..s.min(w.saturating_sub(left)) {
                out.put_pixel(x, y, *resized.get_pixel(x + left, y + top));
            }
        }
        out
    }

    /// `ToTensor` + `Normalize`: CHW float32.
    pub fn normalise(&self, cropped: &RgbImage) -> Vec<f32> {
        let plane = (cropped.width() * cropped.height()) as usize;
        let mut out = vec![0f32; plane * 3];
        for (i, px) in cropped.pixels().enumerate() {
            for c in 0..3 {
                out[c * plane + i] = (px[c] as f32 / 255.0 - self.mean[c]) / self.std[c];
            }
        }
        out
    }

    pub fn tensor(&self, img: &RgbImage) -> Vec<f32> {
        self.normalise(&self.crop(img))
    }
}

/// Rotate clockwise by a multiple of 90 degrees (display-matrix rotation).
pub fn rotate(img: RgbImage, clockwise_degrees: i32) -> RgbImage {
    match clockwise_degrees.rem_euclid(360) {
        90 => image::imageops::rotate90(&img),
        180 => image::imageops::rotate180(&img),
        270 => image::imageops::rotate270(&img),
        _ => img,
    }
}

/// A thumbnail of the whole frame (not cropped) at the given height.
pub fn thumbnail(img: &RgbImage, height: u32) -> RgbImage {
    let width = ((img.width() as u64 * height as u64 + img.height() as u64 / 2) / img.height().max(1) as u64).max(1) as u32;
    resize(img, width, height, Filter::Bilinear)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torchvision_sizes() {
        assert_eq!(short_side_size(1280, 720, 224), (398, 224));
        assert_eq!(short_side_size(720, 1280, 224), (224, 398));
        assert_eq!(short_side_size(640, 360, 224), (398, 224));
        // (399 - 224) / 2 = 87.5 → Python rounds to even: 88. (397-224)/2 = 86.5 → 86.
        assert_eq!(center_crop_origin(399, 224, 224), (88, 0));
        assert_eq!(center_crop_origin(397, 224, 224), (86, 0));
    }

    #[test]
    fn identity_resize_keeps_pixels() {
        let img = RgbImage::from_fn(7, 5, |x, y| image::Rgb([x as u8 * 30, y as u8 * 40, 7]));
        assert_eq!(resize(&img, 7, 5, Filter::Bicubic), img);
    }

    #[test]
    fn flat_image_stays_flat() {
        let img = RgbImage::from_pixel(640, 360, image::Rgb([10, 128, 250]));
        let out = resize(&img, 398, 224, Filter::Bicubic);
        assert!(out.pixels().all(|p| p.0 == [10, 128, 250]));
    }
}
