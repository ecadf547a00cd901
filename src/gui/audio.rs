//! Sound output during playback (cpal: ALSA on Linux). The preview thread decodes ahead into a
//! [`Sink`]; the device's callback drains it. What the device has taken is the playback clock,
//! so the picture follows the sound (the ear notices drift long before the eye does). Without a
//! sound device the app plays the picture on the wall clock and says why there is no sound.

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Decoded sound waiting for the device, and how much of it the device has taken.
pub struct Sink {
    buffer: Mutex<VecDeque<f32>>,
    /// Frames (one sample per channel) handed to the device since the last [`Sink::reset`].
    played: AtomicU64,
    /// Output gain as f32 bits (0 mutes).
    gain: AtomicU32,
    pub rate: u32,
    pub channels: u16,
}

impl Sink {
    pub fn new(rate: u32, channels: u16) -> Self {
        Sink { buffer: Mutex::new(VecDeque::new()), played: AtomicU64::new(0), gain: AtomicU32::new(1f32.to_bits()), rate, channels }
    }

    /// Drop what is queued and restart the clock (a seek, a pause).
    pub fn reset(&self) {
        self.lock().clear();
        self.played.store(0, Ordering::Release);
    }

    pub fn push(&self, samples: &[f32]) {
        self.lock().extend(samples.iter().copied());
    }

    /// Seconds of sound queued and not yet taken by the device.
    pub fn queued_s(&self) -> f64 {
        self.lock().len() as f64 / f64::from(self.channels) / f64::from(self.rate)
    }

    /// Seconds of sound the device has taken since the last reset: the playback clock.
    pub fn played_s(&self) -> f64 {
        self.played.load(Ordering::Acquire) as f64 / f64::from(self.rate)
    }

    pub fn set_gain(&self, gain: f32) {
        self.gain.store(gain.to_bits(), Ordering::Relaxed);
    }

    /// What the device callback does: fill `out` from the queue, silence where it runs dry
    /// (the clock then stands still, and the picture waits for the sound).
    pub fn fill(&self, out: &mut [f32]) {
        let gain = f32::from_bits(self.gain.load(Ordering::Relaxed));
        let mut queue = self.lock();
        let take = out.len().min(queue.len());
        let take = take - take % usize::from(self.channels);
        for (o, s) in out.iter_mut().zip(queue.drain(..take)) {
            *o = s * gain;
        }
        out[take..].fill(0.0);
        drop(queue);
        self.played.fetch_add((take / usize::from(self.channels)) as u64, Ordering::AcqRel);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<f32>> {
        // A panic elsewhere never leaves the queue half-written: keep using it.
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The default output device, streaming from a [`Sink`].
pub struct AudioOut {
    stream: cpal::Stream,
    pub sink: Arc<Sink>,
    pub device: String,
}

impl AudioOut {
    /// Open the default output device; the error says why there will be no sound.
    pub fn open() -> Result<Self, String> {
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or_else(|| "no sound output device".to_string())?;
        let name = device.description().map(|d| d.name().to_string()).unwrap_or_else(|_| "default device".into());
        let config = device.default_output_config().map_err(|e| format!("{name}: {e}"))?;
        let format = config.sample_format();
        let config: cpal::StreamConfig = config.into();
        if config.channels == 0 || config.sample_rate == 0 {
            return Err(format!("{name}: the device offers {} channels at {} Hz", config.channels, config.sample_rate));
        }
        let sink = Arc::new(Sink::new(config.sample_rate, config.channels));
        let stream = match format {
            cpal::SampleFormat::F32 => build::<f32>(&device, config, sink.clone()),
            cpal::SampleFormat::I16 => build::<i16>(&device, config, sink.clone()),
            cpal::SampleFormat::I32 => build::<i32>(&device, config, sink.clone()),
            cpal::SampleFormat::U16 => build::<u16>(&device, config, sink.clone()),
            other => return Err(format!("{name}: unsupported sample format {other}")),
        }
        .map_err(|e| format!("{name}: {e}"))?;
        Ok(AudioOut { stream, sink, device: name })
    }

    pub fn play(&self) {
        let _ = self.stream.play();
    }

    pub fn pause(&self) {
        let _ = self.stream.pause();
        self.sink.reset();
    }
}

fn build<T: cpal::SizedSample + cpal::FromSample<f32>>(device: &cpal::Device, config: cpal::StreamConfig, sink: Arc<Sink>) -> Result<cpal::Stream, cpal::Error> {
    let mut scratch: Vec<f32> = Vec::new();
    let stream = device.build_output_stream(
        config,
        move |out: &mut [T], _: &cpal::OutputCallbackInfo| {
            scratch.resize(out.len(), 0.0);
            sink.fill(&mut scratch);
            for (o, s) in out.iter_mut().zip(&scratch) {
                *o = T::from_sample(*s);
            }
        },
        // Underruns and device changes cost a click, not the playback.
        |_e: cpal::Error| {},
        None,
    )?;
    stream.pause()?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_counts_only_sound_the_device_took() {
        let sink = Sink::new(100, 2);
        sink.push(&[0.5; 2 * 30]); // 0.3 s
        let mut period = [1.0f32; 2 * 20];
        sink.fill(&mut period);
        assert_eq!(period, [0.5; 40]);
        assert!((sink.played_s() - 0.2).abs() < 1e-9);
        assert!((sink.queued_s() - 0.1).abs() < 1e-9);
        // Runs dry: the rest is silence and the clock stops at what was really played.
        sink.set_gain(0.0);
        sink.fill(&mut period);
        assert_eq!(period, [0.0; 40]);
        assert!((sink.played_s() - 0.3).abs() < 1e-9);
        sink.fill(&mut period);
        assert!((sink.played_s() - 0.3).abs() < 1e-9, "silence does not move the clock");
        sink.push(&[0.25; 8]);
        sink.reset();
        assert_eq!(sink.played_s(), 0.0);
        assert_eq!(sink.queued_s(), 0.0);
    }
}
