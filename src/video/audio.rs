//! Sound for playback: the episode's main audio stream decoded from a time on and converted
//! (swresample) to interleaved f32 at the rate and channel count the output device wants.
//! Times are on the video's clock (t = 0 is the video stream's first timestamp, as in
//! [`super::frames::FrameReader`]), so sound and picture line up whatever the streams' offsets.

use crate::error::{Error, Result};
use ffmpeg_next as ffmpeg;
use std::path::{Path, PathBuf};

pub struct AudioReader {
    input: ffmpeg::format::context::Input,
    decoder: ffmpeg::decoder::Audio,
    index: usize,
    /// Seconds per tick of the audio stream's time base.
    tick: f64,
    /// The video's first timestamp in seconds: subtracted so audio shares the video's t = 0.
    origin_s: f64,
    resampler: Option<(ResamplerKey, ffmpeg::software::resampling::Context)>,
    rate: u32,
    channels: u16,
    /// After a seek: drop whatever starts before this time.
    drop_before: Option<f64>,
    /// Time of the next sample when frames come without timestamps.
    next_t: f64,
    eof: bool,
    path: PathBuf,
}

/// What the resampler was built for: a stream may change format mid-way (rare, but legal).
type ResamplerKey = (ffmpeg::format::Sample, u64, i32, u32);

impl AudioReader {
    /// The reader for `path`'s main audio stream, or `None` when the file has none (a silent
    /// episode still plays its picture).
    pub fn open(path: &Path, rate: u32, channels: u16) -> Result<Option<Self>> {
        let opened = super::open(path)?;
        let video = opened.input.stream(opened.video_index).expect("index from this input");
        let video_start = if video.start_time() != ffmpeg::ffi::AV_NOPTS_VALUE { video.start_time() } else { 0 };
        let origin_s = video_start as f64 * f64::from(video.time_base());
        let Some(stream) = opened.input.streams().best(ffmpeg::media::Type::Audio) else { return Ok(None) };
        let index = stream.index();
        let tb = stream.time_base();
        let ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).map_err(|e| Error::input(path, format!("cannot set up the audio decoder: {e}")))?;
        let mut decoder = ctx.decoder().audio().map_err(|e| Error::input(path, format!("no decoder for this audio codec ({e})")))?;
        decoder.set_packet_time_base(tb);
        Ok(Some(AudioReader {
            input: opened.input,
            decoder,
            index,
            tick: f64::from(tb),
            origin_s,
            resampler: None,
            rate,
            channels,
            drop_before: None,
            next_t: 0.0,
            eof: false,
            path: path.to_path_buf(),
        }))
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// Continue from `t` seconds: the next chunk starts exactly there (to the sample).
    pub fn seek(&mut self, t: f64) -> Result<()> {
        let t = t.max(0.0);
        // Seek a little early: audio packets are coarse and some demuxers land after the target.
        let target = ((t + self.origin_s - 0.5).max(0.0) / self.tick).floor() as i64;
        let ok = unsafe { ffmpeg::ffi::av_seek_frame(self.input.as_mut_ptr(), self.index as i32, target, ffmpeg::ffi::AVSEEK_FLAG_BACKWARD) >= 0 };
        if !ok {
            return Err(Error::input(&self.path, "cannot seek in the audio stream"));
        }
        self.decoder.flush();
        self.resampler = None;
        self.drop_before = Some(t);
        self.next_t = t;
        self.eof = false;
        Ok(())
    }

    fn decode_frame(&mut self) -> Result<Option<ffmpeg::frame::Audio>> {
        let mut frame = ffmpeg::frame::Audio::empty();
        let got = super::receive_next(&mut self.input, self.index, &mut self.decoder, &mut frame, &mut self.eof, &self.path)?;
        Ok(got.then_some(frame))
    }

    /// The next stretch of sound: its start time and interleaved samples (`channels` per frame
    /// at `rate`). `None` at the end of the stream.
    pub fn next_chunk(&mut self) -> Result<Option<(f64, Vec<f32>)>> {
        loop {
            let Some(mut frame) = self.decode_frame()? else { return Ok(None) };
            if frame.samples() == 0 {
                continue;
            }
            // Some demuxers (PCM and WMA in AVI, NUT, MXF, WMV) leave the layout unset or at odds
            // with the channel count; swresample refuses such frames. The count is what is known.
            let layout = frame.channel_layout();
            if layout.bits() == 0 || layout.channels() != i32::from(frame.channels()) {
                frame.set_channel_layout(ffmpeg::ChannelLayout::default(i32::from(frame.channels().max(1))));
            }
            let in_rate = unsafe { (*frame.as_ptr()).sample_rate as u32 };
            let start = match frame.timestamp().or(frame.pts()) {
                Some(pts) => pts as f64 * self.tick - self.origin_s,
                None => self.next_t,
            };
            let key = (frame.format(), frame.channel_layout().bits(), frame.channel_layout().channels(), in_rate);
            if self.resampler.as_ref().is_none_or(|(k, _)| *k != key) {
                let layout = ffmpeg::ChannelLayout::default(i32::from(self.channels));
                let ctx = ffmpeg::software::resampling::Context::get(
                    frame.format(),
                    frame.channel_layout(),
                    in_rate,
                    ffmpeg::format::Sample::F32(ffmpeg::format::sample::Type::Packed),
                    layout,
                    self.rate,
                )
                .map_err(|e| Error::input(&self.path, format!("cannot convert its audio ({e})")))?;
                self.resampler = Some((key, ctx));
            }
            let (_, resampler) = self.resampler.as_mut().expect("set above");
            // Room for every sample the input can become, plus what the filter holds back.
            let room = (frame.samples() as u64 * u64::from(self.rate)).div_ceil(u64::from(in_rate.max(1))) as usize + 64;
            let layout = ffmpeg::ChannelLayout::default(i32::from(self.channels));
            let mut out = ffmpeg::frame::Audio::new(ffmpeg::format::Sample::F32(ffmpeg::format::sample::Type::Packed), room, layout);
            resampler.run(&frame, &mut out).map_err(|e| Error::input(&self.path, format!("cannot convert its audio ({e})")))?;
            let n = out.samples();
            let ch = usize::from(self.channels);
            let bytes = &out.data(0)[..n * ch * 4];
            let mut samples: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_ne_bytes([b[0], b[1], b[2], b[3]])).collect();
            let mut start_t = start;
            self.next_t = start + n as f64 / f64::from(self.rate);
            if let Some(t) = self.drop_before {
                let drop = ((t - start) * f64::from(self.rate)).round();
                if drop >= n as f64 {
                    continue;
                }
                if drop > 0.0 {
                    samples.drain(..drop as usize * ch);
                    start_t = t;
                }
                self.drop_before = None;
            }
            if samples.is_empty() {
                continue;
            }
            return Ok(Some((start_t, samples)));
        }
    }
}
