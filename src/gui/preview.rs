//! The preview worker: full-resolution frames at the playhead and playback with sound, decoded on
//! its own thread so the UI never waits. Only the latest request matters: a burst of playhead
//! moves decodes one frame. During playback the sound device's progress is the clock (see
//! [`super::audio`]); without sound, the wall clock.

use super::audio::AudioOut;
use crate::video::audio::AudioReader;
use crate::video::frames::FrameReader;
use image::RgbImage;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub enum Request {
    /// Show the frame at `t` (pauses playback).
    Show { path: PathBuf, t: f64 },
    /// Play from `t` at `rate` × real time: with sound at 1×, silent otherwise (shuttle, J/K/L).
    Play { path: PathBuf, t: f64, rate: f64 },
    Pause,
    /// Output gain: 0 mutes, 1 is the file's level.
    Gain(f32),
}

pub enum Update {
    Frame { path: PathBuf, t: f64, image: RgbImage, playing: bool },
    /// Playback reached the end of this file.
    Ended { path: PathBuf },
    /// The episode whose frame could not be shown, and why.
    Failed { path: PathBuf, message: String },
    /// What playback does for sound: the device, or why there is none.
    Sound(String),
}

pub struct Preview {
    requests: crossbeam_channel::Sender<Request>,
    pub updates: crossbeam_channel::Receiver<Update>,
    /// The episode the last request set playing (None after a pause or a still frame): playback
    /// belongs to the episode it was started on ([`Preview::playing`]).
    playing: std::cell::RefCell<Option<PathBuf>>,
}

/// Sound decoded ahead of the device: enough to ride out a slow video frame, little enough that
/// a pause stops at once.
const SOUND_AHEAD_S: f64 = 0.3;
/// The longest gap between sound chunks filled with silence (see [`Sound::top_up`]).
const MAX_SILENCE_S: f64 = 10.0;

/// Still frames kept for asking again (about 65 MiB at 720p).
const RECENT_FRAMES: usize = 24;

/// What drives playback.
#[derive(Clone, Copy)]
enum Clock {
    /// Media time `t0` was at `start`, running at `rate`.
    Wall { start: Instant, t0: f64, rate: f64 },
    /// Media time `t0` plus what the sound device has played.
    Sound { t0: f64 },
}

/// Playback's sound: the device (opened on first play) and the episode's decoded audio.
struct Sound {
    out: Option<Result<AudioOut, String>>,
    reader: Option<(PathBuf, Option<AudioReader>)>,
    /// Media time of the next sample to queue (gaps in the stream are filled with silence).
    next_t: f64,
    ended: bool,
    /// The device's clock and when it last moved: a stuck device hands over to the wall clock.
    last_played: (f64, Instant),
    gain: f32,
}

impl Sound {
    /// Start sound at `t` for `path`; the message (for the UI) says what will be heard.
    fn start(&mut self, path: &PathBuf, t: f64) -> (bool, String) {
        let out = self.out.get_or_insert_with(AudioOut::open);
        let out = match out {
            Ok(out) => out,
            Err(why) => return (false, format!("No sound: {why}")),
        };
        out.pause();
        out.sink.set_gain(self.gain);
        if self.reader.as_ref().is_none_or(|(p, _)| p != path) {
            let opened = AudioReader::open(path, out.sink.rate, out.sink.channels);
            self.reader = Some((path.clone(), opened.ok().flatten()));
        }
        let Some((_, Some(reader))) = self.reader.as_mut() else {
            return (false, "This episode has no sound".into());
        };
        if let Err(e) = reader.seek(t) {
            return (false, format!("No sound: {e}"));
        }
        self.next_t = t;
        self.ended = false;
        self.top_up();
        self.last_played = (0.0, Instant::now());
        if let Some(Ok(out)) = &self.out {
            out.play();
        }
        (true, format!("Sound: {}", self.out.as_ref().and_then(|o| o.as_ref().ok()).map_or("", |o| o.device.as_str())))
    }

    fn stop(&mut self) {
        if let Some(Ok(out)) = &self.out {
            out.pause();
        }
    }

    /// Keep [`SOUND_AHEAD_S`] queued.
    fn top_up(&mut self) {
        let (Some(Ok(out)), Some((_, Some(reader)))) = (&self.out, self.reader.as_mut()) else { return };
        let sink = &out.sink;
        while !self.ended && sink.queued_s() < SOUND_AHEAD_S {
            match reader.next_chunk() {
                Ok(Some((start, samples))) => {
                    let gap = start - self.next_t;
                    // A gap in the sound is silence, to keep it with the picture; a jump beyond
                    // MAX_SILENCE_S is a broken timestamp (a recording's wild packet), not a
                    // pause: the sound goes on from the chunk, and a seek puts it back in step.
                    if gap > 0.02 && gap <= MAX_SILENCE_S {
                        let frames = (gap * f64::from(sink.rate)).round() as usize;
                        sink.push(&vec![0.0; frames * usize::from(sink.channels)]);
                    }
                    self.next_t = start + (samples.len() / usize::from(sink.channels)) as f64 / f64::from(sink.rate);
                    sink.push(&samples);
                }
                // The end, or a broken stream: the picture carries on with the wall clock.
                Ok(None) | Err(_) => self.ended = true,
            }
        }
    }

    fn played_s(&self) -> f64 {
        self.out.as_ref().and_then(|o| o.as_ref().ok()).map_or(0.0, |o| o.sink.played_s())
    }

    /// True while the device is still the clock: it has sound to play and keeps taking it.
    fn drives(&mut self) -> bool {
        let played = self.played_s();
        if played != self.last_played.0 {
            self.last_played = (played, Instant::now());
        }
        let queued = self.out.as_ref().and_then(|o| o.as_ref().ok()).map_or(0.0, |o| o.sink.queued_s());
        !(self.ended && queued == 0.0) && self.last_played.1.elapsed() < Duration::from_millis(500)
    }
}

impl Preview {
    /// An error when the system refuses a thread (a process limit).
    pub fn start(repaint: impl Fn() + Send + 'static) -> crate::Result<Self> {
        let (requests, rx) = crossbeam_channel::unbounded::<Request>();
        // Two frames in flight at most: a slow UI slows playback rather than piling up frames.
        let (tx, updates) = crossbeam_channel::bounded::<Update>(2);
        std::thread::Builder::new()
            .name("introskip-preview".into())
            .spawn(move || {
                let mut reader: Option<(PathBuf, FrameReader)> = None;
                // Frames shown recently (stepping back and forth over a boundary asks again).
                let mut recent: std::collections::VecDeque<(PathBuf, i64, f64, RgbImage)> = Default::default();
                let mut clock: Option<Clock> = None;
                let mut sound = Sound { out: None, reader: None, next_t: 0.0, ended: true, last_played: (0.0, Instant::now()), gain: 1.0 };
                let send = |u: Update| {
                    let ok = tx.send(u).is_ok();
                    repaint();
                    ok
                };
                loop {
                    let first = if clock.is_some() {
                        match rx.try_recv() {
                            Ok(r) => Some(r),
                            Err(crossbeam_channel::TryRecvError::Empty) => None,
                            Err(crossbeam_channel::TryRecvError::Disconnected) => return,
                        }
                    } else {
                        match rx.recv() {
                            Ok(r) => Some(r),
                            Err(_) => return,
                        }
                    };
                    // Only the newest frame request counts; gain changes apply on the way.
                    let mut request = None;
                    for r in first.into_iter().chain(std::iter::from_fn(|| rx.try_recv().ok())) {
                        match r {
                            Request::Gain(g) => {
                                sound.gain = g;
                                if let Some(Ok(out)) = &sound.out {
                                    out.sink.set_gain(g);
                                }
                            }
                            other => request = Some(other),
                        }
                    }
                    if let Some(r) = request {
                        match r {
                            Request::Gain(_) => {}
                            Request::Pause => {
                                clock = None;
                                sound.stop();
                            }
                            Request::Show { path, t } => {
                                clock = None;
                                sound.stop();
                                let key = (t * 1000.0).round() as i64;
                                let cached = recent.iter().find(|(p, k, _, _)| *p == path && *k == key).map(|(_, _, shown, image)| (*shown, image.clone()));
                                let frame = match cached {
                                    Some(hit) => Ok(hit),
                                    None => open(&mut reader, &path).and_then(|r| r.frame_at(t)).inspect(|(shown, image)| {
                                        if recent.len() == RECENT_FRAMES {
                                            recent.pop_front();
                                        }
                                        recent.push_back((path.clone(), key, *shown, image.clone()));
                                    }),
                                };
                                match frame {
                                    Ok((shown, image)) => {
                                        if !send(Update::Frame { path, t: shown, image, playing: false }) {
                                            return;
                                        }
                                    }
                                    Err(e) => {
                                        send(Update::Failed { path, message: e.to_string() });
                                    }
                                }
                            }
                            Request::Play { path, t, rate } => match open(&mut reader, &path).and_then(|r| r.frame_at(t)) {
                                Ok((shown, image)) => {
                                    let (with_sound, message) = if rate == 1.0 {
                                        sound.start(&path, shown)
                                    } else {
                                        sound.stop();
                                        (false, format!("No sound at {rate}×"))
                                    };
                                    clock = Some(if with_sound { Clock::Sound { t0: shown } } else { Clock::Wall { start: Instant::now(), t0: shown, rate } });
                                    if !send(Update::Sound(message)) || !send(Update::Frame { path, t: shown, image, playing: true }) {
                                        return;
                                    }
                                }
                                Err(e) => {
                                    clock = None;
                                    send(Update::Failed { path, message: e.to_string() });
                                }
                            },
                        }
                        continue;
                    }
                    // Playing: the next frame, when the clock reaches it.
                    let (Some(_), Some((path, r))) = (clock, reader.as_mut()) else { continue };
                    match r.next_frame() {
                        Ok(Some((t, image))) => {
                            loop {
                                let now = match clock {
                                    Some(Clock::Sound { t0 }) => {
                                        sound.top_up();
                                        let now = t0 + sound.played_s();
                                        if !sound.drives() {
                                            clock = Some(Clock::Wall { start: Instant::now(), t0: now, rate: 1.0 });
                                        }
                                        now
                                    }
                                    Some(Clock::Wall { start, t0, rate }) => t0 + start.elapsed().as_secs_f64() * rate,
                                    None => break,
                                };
                                if t <= now || !rx.is_empty() {
                                    break;
                                }
                                std::thread::sleep(Duration::from_secs_f64((t - now).min(0.01)));
                            }
                            if !send(Update::Frame { path: path.clone(), t, image, playing: true }) {
                                return;
                            }
                        }
                        Ok(None) => {
                            clock = None;
                            sound.stop();
                            send(Update::Ended { path: path.clone() });
                        }
                        Err(e) => {
                            clock = None;
                            sound.stop();
                            send(Update::Failed { path: path.clone(), message: e.to_string() });
                        }
                    }
                }
            })
            .map_err(|e| crate::Error::internal(format!("cannot start the preview thread: {e}")))?;
        Ok(Preview { requests, updates, playing: std::cell::RefCell::new(None) })
    }

    pub fn request(&self, r: Request) {
        match &r {
            Request::Play { path, .. } => *self.playing.borrow_mut() = Some(path.clone()),
            Request::Pause | Request::Show { .. } => *self.playing.borrow_mut() = None,
            Request::Gain(_) => {}
        }
        let _ = self.requests.send(r);
    }

    /// The episode asked to play, if playback was asked for last.
    pub fn playing(&self) -> Option<PathBuf> {
        self.playing.borrow().clone()
    }
}

/// The reader for `path`, reopened only when the episode changes.
fn open<'a>(reader: &'a mut Option<(PathBuf, FrameReader)>, path: &PathBuf) -> crate::Result<&'a mut FrameReader> {
    if reader.as_ref().is_none_or(|(p, _)| p != path) {
        *reader = Some((path.clone(), FrameReader::open(path)?));
    }
    Ok(&mut reader.as_mut().expect("set above").1)
}
