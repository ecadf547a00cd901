//! Decoded frames to upright, square-pixel RGB (swscale), for the sampler, the frame reader and
//! the tail's keyframe pass.

use super::probe::display_size;
use crate::error::{Error, Result};
use crate::image_ops;
use ffmpeg_next as ffmpeg;
use image::RgbImage;

/// Converts decoded frames to upright, square-pixel RGB.
pub(crate) struct Converter {
    scaler: Option<(ffmpeg::software::scaling::Context, (ffmpeg::format::Pixel, u32, u32, u32, u32, i32))>,
    sar: (i32, i32),
    rotation: i32,
}

impl Converter {
    pub(crate) fn new(sar: (i32, i32), rotation: i32) -> Self {
        Converter { scaler: None, sar, rotation }
    }

    pub(crate) fn to_rgb(&mut self, frame: &ffmpeg::frame::Video) -> Result<RgbImage> {
        let (w, h) = (frame.width(), frame.height());
        // Display size before rotation: stretch non-square pixels horizontally.
        let (dw, dh) = display_size(w, h, self.sar, 0);
        // Beyond 4K the picture is first brought down to fit 3840×2160 (area averaging): a 16K
        // frame in RGB is 400 MB, twice over while it is copied, and no encoder input needs it.
        let (dw, dh) = fit_within(dw, dh, MAX_RGB_PIXELS);
        // Plain conversion uses swscale's unscaled fast path, the same one the ffmpeg CLI and PyAV
        // use to hand RGB frames to Python pipelines (ACCURATE_RND/FULL_CHR_H_INT cost 4× and
        // differ from it by about one level).
        let flags = if (dw, dh) == (w, h) {
            ffmpeg::software::scaling::Flags::POINT
        } else if dw as u64 * dh as u64 >= MAX_RGB_PIXELS {
            ffmpeg::software::scaling::Flags::AREA
        } else {
            ffmpeg::software::scaling::Flags::BICUBIC
        };
        self.convert(frame, (dw, dh), flags)
    }

    /// The frame upright at `height` pixels high (at most its own), sized as
    /// [`image_ops::thumbnail`] sizes the upright picture (up to 4K), scaled in one step by swscale's
    /// bilinear filter, which widens with the reduction as Pillow's does (within a level or two
    /// of it): a 1080p keyframe for the tail's coarse look is never made a 6 MB RGB picture
    /// first. That detour was a quarter of the keyframe pass's time (2026-12-05, `perf`).
    pub(crate) fn to_rgb_height(&mut self, frame: &ffmpeg::frame::Video, height: u32) -> Result<RgbImage> {
        let (w, h) = (frame.width(), frame.height());
        let (dw, dh) = display_size(w, h, self.sar, 0);
        // Shown upright, the picture is (dh × dw) when turned a quarter.
        let quarter = self.rotation.rem_euclid(180) == 90;
        let (uw, uh) = if quarter { (dh, dw) } else { (dw, dh) };
        let th = height.clamp(1, uh.max(1));
        let tw = ((u64::from(uw) * u64::from(th) + u64::from(uh) / 2) / u64::from(uh.max(1))).max(1) as u32;
        let size = if quarter { (th, tw) } else { (tw, th) };
        let flags = if size == (w, h) { ffmpeg::software::scaling::Flags::POINT } else { ffmpeg::software::scaling::Flags::BILINEAR };
        self.convert(frame, size, flags)
    }

    /// `frame` converted to RGB at `(dw, dh)` (before rotation), then turned upright.
    fn convert(&mut self, frame: &ffmpeg::frame::Video, (dw, dh): (u32, u32), flags: ffmpeg::software::scaling::Flags) -> Result<RgbImage> {
        let (w, h, fmt) = (frame.width(), frame.height(), frame.format());
        let key = (fmt, w, h, dw, dh, flags.bits());
        if self.scaler.as_ref().is_none_or(|(_, k)| *k != key) {
            let mut ctx =
                ffmpeg::software::scaling::Context::get(fmt, w, h, ffmpeg::format::Pixel::RGB24, dw, dh, flags)
                    .map_err(|e| Error::internal(format!("cannot convert {fmt:?} {w}x{h} to RGB: {e}")))?;
            set_colorspace(&mut ctx, frame, h);
            self.scaler = Some((ctx, key));
        }
        let (scaler, _) = self.scaler.as_mut().expect("set above");
        let mut rgb = ffmpeg::frame::Video::empty();
        scaler.run(frame, &mut rgb).map_err(|e| Error::internal(format!("colour conversion failed: {e}")))?;
        let (rw, rh) = (rgb.width() as usize, rgb.height() as usize);
        let stride = rgb.stride(0);
        let data = rgb.data(0);
        let mut tight = Vec::with_capacity(rw * rh * 3);
        for y in 0..rh {
            tight.extend_from_slice(&data[y * stride..y * stride + rw * 3]);
        }
        drop(rgb);
        let img = RgbImage::from_raw(rw as u32, rh as u32, tight).expect("sized above");
        Ok(image_ops::rotate(img, self.rotation))
    }
}

/// The most pixels a frame is converted to RGB at: 3840×2160.
pub(crate) const MAX_RGB_PIXELS: u64 = 3840 * 2160;

/// (w, h) scaled down, keeping its aspect, until it has at most `max` pixels (even sizes).
fn fit_within(w: u32, h: u32, max: u64) -> (u32, u32) {
    let pixels = w as u64 * h as u64;
    if pixels <= max {
        return (w, h);
    }
    let scale = (max as f64 / pixels as f64).sqrt();
    let even = |v: f64| ((v / 2.0).floor() as u32 * 2).max(2);
    (even(w as f64 * scale), even(h as f64 * scale))
}

/// Use the frame's own matrix (BT.709 for HD when unstated, as players do) and range.
fn set_colorspace(ctx: &mut ffmpeg::software::scaling::Context, frame: &ffmpeg::frame::Video, height: u32) {
    use ffmpeg::ffi;
    use ffmpeg::util::color::{Range, Space};
    let cs = match frame.color_space() {
        Space::BT709 => ffi::SWS_CS_ITU709,
        Space::FCC => ffi::SWS_CS_FCC,
        Space::BT470BG | Space::SMPTE170M => ffi::SWS_CS_ITU601,
        Space::SMPTE240M => ffi::SWS_CS_SMPTE240M,
        Space::BT2020NCL | Space::BT2020CL => ffi::SWS_CS_BT2020,
        _ if height >= 720 => ffi::SWS_CS_ITU709,
        _ => ffi::SWS_CS_ITU601,
    } as i32;
    let full_range = i32::from(frame.color_range() == Range::JPEG);
    unsafe {
        let ctx = ctx.as_mut_ptr();
        let mut inv_table = std::ptr::null_mut();
        let mut table = std::ptr::null_mut();
        let (mut src_range, mut dst_range, mut brightness, mut contrast, mut saturation) = (0, 0, 0, 0, 0);
        if ffi::sws_getColorspaceDetails(
            ctx,
            &mut inv_table,
            &mut src_range,
            &mut table,
            &mut dst_range,
            &mut brightness,
            &mut contrast,
            &mut saturation,
        ) < 0
        {
            return; // RGB input: nothing to set.
        }
        let coefficients = ffi::sws_getCoefficients(cs);
        ffi::sws_setColorspaceDetails(ctx, coefficients, full_range, table, 1, brightness, contrast, saturation);
    }
}
