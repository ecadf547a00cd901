//! Full-resolution frames on demand: the frame shown at a time (the GUI's preview at the playhead)
//! and the frames that follow it (playback). One decoder, seeking only when the target is behind
//! it or far ahead.

use super::probe::{stream_rotation, video_info};
use super::convert::Converter;
use crate::error::{Error, Result};
use ffmpeg_next as ffmpeg;
use image::RgbImage;
use std::path::{Path, PathBuf};

pub struct FrameReader {
    input: ffmpeg::format::context::Input,
    decoder: ffmpeg::decoder::Video,
    index: usize,
    /// Stream time base as (num, den), and the PTS shown at t = 0.
    tb: (i64, i64),
    origin: i64,
    converter: Converter,
    /// A decoded frame not yet shown (decoding past a target reads one frame too many).
    pending: Option<(i64, ffmpeg::frame::Video)>,
    /// PTS of the last frame handed out, and the frame (asked for again, it is still on screen).
    position: Option<i64>,
    last: Option<RgbImage>,
    eof: bool,
    path: PathBuf,
}

/// Seek only when the target is more than this far ahead of the decoder.
const FORWARD_DECODE_S: f64 = 3.0;

impl FrameReader {
    pub fn open(path: &Path) -> Result<Self> {
        let opened = super::open(path)?;
        let index = opened.video_index;
        let info = video_info(&opened.input, index);
        let stream = opened.input.stream(index).expect("index from this input");
        let tb = stream.time_base();
        let origin = if stream.start_time() != ffmpeg::ffi::AV_NOPTS_VALUE { stream.start_time() } else { 0 };
        let rotation = stream_rotation(&stream);
        let ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).map_err(|e| Error::input(path, format!("cannot set up the decoder: {e}")))?;
        let mut decoder = ctx.decoder().video().map_err(|e| Error::input(path, format!("no decoder for video codec '{}' ({e})", info.codec)))?;
        decoder.set_packet_time_base(tb);
        Ok(FrameReader {
            input: opened.input,
            decoder,
            index,
            tb: (tb.numerator() as i64, tb.denominator() as i64),
            origin,
            converter: Converter::new(info.sample_aspect, rotation),
            pending: None,
            position: None,
            last: None,
            eof: false,
            path: path.to_path_buf(),
        })
    }

    fn seconds(&self, pts: i64) -> f64 {
        (pts as i128 - self.origin as i128) as f64 * self.tb.0 as f64 / self.tb.1 as f64
    }

    fn pts(&self, seconds: f64) -> i64 {
        self.origin.saturating_add((seconds * self.tb.1 as f64 / self.tb.0 as f64).floor() as i64)
    }

    /// The next decoded frame in presentation order, without conversion.
    pub(crate) fn decode_next(&mut self) -> Result<Option<(i64, ffmpeg::frame::Video)>> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        let mut frame = ffmpeg::frame::Video::empty();
        if !super::receive_next(&mut self.input, self.index, &mut self.decoder, &mut frame, &mut self.eof, &self.path)? {
            return Ok(None);
        }
        let pts = frame.timestamp().or(frame.pts()).unwrap_or(0);
        Ok(Some((pts, frame)))
    }

    /// The frame shown at `t` seconds (the last one that starts at or before it), with its time.
    pub fn frame_at(&mut self, t: f64) -> Result<(f64, RgbImage)> {
        let target = self.pts(t.max(0.0));
        let behind = self.position.is_some_and(|p| p > target);
        let far = self.position.is_none_or(|p| self.seconds(target) - self.seconds(p) > FORWARD_DECODE_S);
        if behind || far {
            let ok = unsafe { ffmpeg::ffi::av_seek_frame(self.input.as_mut_ptr(), self.index as i32, target, ffmpeg::ffi::AVSEEK_FLAG_BACKWARD) >= 0 };
            if !ok {
                return Err(Error::input(&self.path, "cannot seek in this file"));
            }
            self.decoder.flush();
            self.pending = None;
            self.last = None;
            self.position = None;
            self.eof = false;
        }
        let mut shown: Option<(i64, ffmpeg::frame::Video)> = None;
        while let Some((pts, frame)) = self.decode_next()? {
            if pts > target && (shown.is_some() || self.last.is_some()) {
                self.pending = Some((pts, frame));
                break;
            }
            shown = Some((pts, frame));
            if pts > target {
                break; // the first frame is after t: show it (t is before the stream starts)
            }
        }
        match shown {
            Some((pts, frame)) => {
                let img = self.converter.to_rgb(&frame)?;
                self.position = Some(pts);
                self.last = Some(img.clone());
                Ok((self.seconds(pts), img))
            }
            // Still the frame on screen.
            None => match (&self.last, self.position) {
                (Some(img), Some(pts)) => Ok((self.seconds(pts), img.clone())),
                _ => Err(Error::input(&self.path, format!("no frame at {t:.2} s"))),
            },
        }
    }

    /// The frame after the last one returned (playback); None at the end.
    pub fn next_frame(&mut self) -> Result<Option<(f64, RgbImage)>> {
        match self.decode_next()? {
            None => Ok(None),
            Some((pts, frame)) => {
                let img = self.converter.to_rgb(&frame)?;
                self.position = Some(pts);
                self.last = Some(img.clone());
                Ok(Some((self.seconds(pts), img)))
            }
        }
    }
}
