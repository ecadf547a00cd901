//! `introskip probe`: the stream facts that decide how we sample a file.

use super::{open, rational_f64};
use crate::error::Result;
use ffmpeg_next as ffmpeg;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize)]
pub struct MediaInfo {
    #[serde(serialize_with = "crate::fsio::serialize_path_lossy")]
    pub path: PathBuf,
    pub container: String,
    /// Seconds, as the container states it.
    pub duration_s: Option<f64>,
    /// Presentation time of the file's start; sample times are relative to it, as players show them.
    pub start_s: f64,
    pub bit_rate: Option<u64>,
    pub chapters: usize,
    pub streams: Vec<StreamInfo>,
    /// The video stream introskip analyses (the largest non-cover-art one).
    pub video: VideoInfo,
}

#[derive(Clone, Debug, Serialize)]
pub struct StreamInfo {
    pub index: usize,
    pub kind: String,
    pub codec: String,
    pub language: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VideoInfo {
    pub index: usize,
    pub codec: String,
    pub pixel_format: String,
    /// Coded size.
    pub width: u32,
    pub height: u32,
    /// Sample (pixel) aspect ratio; 1/1 for square pixels.
    pub sample_aspect: (i32, i32),
    /// Size as shown: non-square pixels stretched and rotation applied.
    pub display_width: u32,
    pub display_height: u32,
    /// Clockwise rotation a player applies (display matrix), in degrees.
    pub rotation: i32,
    pub avg_fps: Option<f64>,
    pub time_base: (i32, i32),
    pub frames: Option<u64>,
    /// Mean keyframe spacing over the first minutes, from the container's index (None when the
    /// container has no index, e.g. MPEG-TS).
    pub keyframe_interval_s: Option<f64>,
}

/// Describe a media file.
pub fn probe(path: &Path) -> Result<MediaInfo> {
    let opened = open(path)?;
    let input = &opened.input;
    let streams = input
        .streams()
        .map(|s| {
            let params = s.parameters();
            let raw = unsafe { &*params.as_ptr() };
            let kind = match params.medium() {
                ffmpeg::media::Type::Video => "video",
                ffmpeg::media::Type::Audio => "audio",
                ffmpeg::media::Type::Subtitle => "subtitle",
                ffmpeg::media::Type::Attachment => "attachment",
                ffmpeg::media::Type::Data => "data",
                _ => "unknown",
            };
            let audio = params.medium() == ffmpeg::media::Type::Audio;
            StreamInfo {
                index: s.index(),
                kind: kind.to_string(),
                codec: params.id().name().to_string(),
                language: crate::video::tag(&s.metadata(), "language"),
                sample_rate: audio.then_some(raw.sample_rate as u32),
                channels: audio.then_some(raw.ch_layout.nb_channels as u32),
            }
        })
        .collect();
    let duration = input.duration();
    let start = unsafe { (*input.as_ptr()).start_time };
    let bit_rate = unsafe { (*input.as_ptr()).bit_rate };
    Ok(MediaInfo {
        path: path.to_path_buf(),
        container: input.format().name().to_string(),
        // A header that claims more than 100 hours is damaged: its length is unknown, not a
        // timeline of millions of rows or a tail window past u32 seconds.
        duration_s: (duration > 0).then(|| duration as f64 / ffmpeg::ffi::AV_TIME_BASE as f64).filter(|d| *d <= crate::clock::MAX_TIME_S),
        start_s: if start == ffmpeg::ffi::AV_NOPTS_VALUE { 0.0 } else { start as f64 / ffmpeg::ffi::AV_TIME_BASE as f64 },
        bit_rate: (bit_rate > 0).then_some(bit_rate as u64),
        chapters: input.chapters().count(),
        streams,
        video: video_info(input, opened.video_index),
    })
}

pub(crate) fn video_info(input: &ffmpeg::format::context::Input, index: usize) -> VideoInfo {
    let stream = input.stream(index).expect("index comes from this input");
    let params = stream.parameters();
    let raw = unsafe { &*params.as_ptr() };
    let (width, height) = (raw.width.max(0) as u32, raw.height.max(0) as u32);
    let sar = if raw.sample_aspect_ratio.num > 0 && raw.sample_aspect_ratio.den > 0 {
        (raw.sample_aspect_ratio.num, raw.sample_aspect_ratio.den)
    } else {
        (1, 1)
    };
    let rotation = stream_rotation(&stream);
    let (dw, dh) = display_size(width, height, sar, rotation);
    let pix = unsafe { ffmpeg::ffi::av_get_pix_fmt_name(std::mem::transmute::<i32, ffmpeg::ffi::AVPixelFormat>(raw.format)) };
    let pixel_format = if pix.is_null() {
        "unknown".to_string()
    } else {
        unsafe { std::ffi::CStr::from_ptr(pix) }.to_string_lossy().into_owned()
    };
    let tb = stream.time_base();
    VideoInfo {
        index,
        codec: params.id().name().to_string(),
        pixel_format,
        width,
        height,
        sample_aspect: sar,
        display_width: dw,
        display_height: dh,
        rotation,
        avg_fps: rational_f64(stream.avg_frame_rate()),
        time_base: (tb.numerator(), tb.denominator()),
        frames: (stream.frames() > 0).then_some(stream.frames() as u64),
        keyframe_interval_s: keyframe_interval(&stream, 300.0),
    }
}

/// Shown size for a coded size, pixel aspect and rotation.
pub(crate) fn display_size(width: u32, height: u32, sar: (i32, i32), rotation: i32) -> (u32, u32) {
    let (num, den) = (sar.0.max(1) as u64, sar.1.max(1) as u64);
    // At most u32::MAX: an absurd width and pixel aspect in a damaged header must not wrap.
    let w = ((width as u64 * num + den / 2) / den).clamp(1, u64::from(u32::MAX - 1));
    // Squeezed to MAX_ASPECT at most: a 65536×1 stream (or an absurd pixel aspect) would make a
    // thumbnail of 4.7 million by 72 pixels per sample; no episode is shaped like that.
    let h = u64::from(height.max(1));
    let (w, h) = (w.min(h.saturating_mul(MAX_ASPECT)), h.min(w.saturating_mul(MAX_ASPECT)));
    let (w, height) = (w as u32, h as u32);
    // Even widths keep chroma-subsampled conversions exact.
    let w = if w != width { w + (w & 1) } else { w };
    if rotation.rem_euclid(180) == 90 { (height, w) } else { (w, height) }
}

/// The widest (or tallest) picture shape introskip converts frames to; beyond it, squeezed.
pub const MAX_ASPECT: u64 = 16;

/// Clockwise rotation from the stream's display matrix, snapped to a multiple of 90 degrees.
pub(crate) fn stream_rotation(stream: &ffmpeg::format::stream::Stream) -> i32 {
    for side in stream.side_data() {
        if side.kind() == ffmpeg::codec::packet::side_data::Type::DisplayMatrix && side.data().len() >= 36 {
            let ccw = unsafe { ffmpeg::ffi::av_display_rotation_get(side.data().as_ptr() as *const i32) };
            if ccw.is_nan() {
                return 0;
            }
            let cw = (-ccw / 90.0).round() as i32 * 90;
            return cw.rem_euclid(360);
        }
    }
    0
}

/// Keyframe timestamps (stream time base) from the container index, sorted.
pub(crate) fn keyframes(stream: &ffmpeg::format::stream::Stream) -> Vec<i64> {
    let ptr = unsafe { stream.as_ptr() } as *mut ffmpeg::ffi::AVStream;
    let count = unsafe { ffmpeg::ffi::avformat_index_get_entries_count(ptr) };
    let mut out = Vec::new();
    for i in 0..count {
        let entry = unsafe { ffmpeg::ffi::avformat_index_get_entry(ptr, i) };
        if entry.is_null() {
            continue;
        }
        let entry = unsafe { &*entry };
        if entry.flags() & ffmpeg::ffi::AVINDEX_KEYFRAME as i32 != 0 {
            out.push(entry.timestamp);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn keyframe_interval(stream: &ffmpeg::format::stream::Stream, horizon_s: f64) -> Option<f64> {
    let tb = rational_f64(stream.time_base())?;
    let kf = keyframes(stream);
    let first = *kf.first()?;
    let within: Vec<i64> = kf.into_iter().take_while(|&t| (t as i128 - first as i128) as f64 * tb <= horizon_s).collect();
    if within.len() < 2 {
        return None;
    }
    Some((within[within.len() - 1] as i128 - within[0] as i128) as f64 * tb / (within.len() - 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_shapes_are_squeezed_to_sixteen_to_one() {
        assert_eq!(display_size(1920, 1080, (1, 1), 0), (1920, 1080));
        assert_eq!(display_size(720, 576, (64, 45), 0), (1024, 576));
        assert_eq!(display_size(1080, 1920, (1, 1), 90), (1920, 1080));
        // 65536×1 would be thumbnailed 4.7 million pixels wide; 1×65536 likewise tall.
        assert_eq!(display_size(65536, 1, (1, 1), 0), (16, 1));
        assert_eq!(display_size(1, 65536, (1, 1), 0), (1, 16));
        // A pixel aspect of 2³¹−1 no longer wraps the width.
        assert_eq!(display_size(1920, 1080, (i32::MAX, 1), 0), (17280, 1080));
        assert_eq!(display_size(1920, 1080, (1, i32::MAX), 0), (2, 16));
        // Nor with the largest coded size: at most u32::MAX (not truncated to a few pixels).
        assert!(display_size(u32::MAX, u32::MAX, (i32::MAX, 1), 0).0 >= u32::MAX - 1);
    }
}
