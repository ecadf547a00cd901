//! The preview worker: full-resolution frames at the playhead and video playback, decoded on its
//! own thread so the UI never waits. Only the latest request matters: a burst of playhead moves
//! decodes one frame. (Playback is video only: no audio output yet.)

use crate::video::frames::FrameReader;
use image::RgbImage;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub enum Request {
    /// Show the frame at `t` (pauses playback).
    Show { path: PathBuf, t: f64 },
    /// Play from `t` in real time.
    Play { path: PathBuf, t: f64 },
    Pause,
}

pub enum Update {
    Frame { path: PathBuf, t: f64, image: RgbImage, playing: bool },
    /// Playback reached the end of the file.
    Ended,
    Failed(String),
}

pub struct Preview {
    requests: crossbeam_channel::Sender<Request>,
    pub updates: crossbeam_channel::Receiver<Update>,
}

impl Preview {
    pub fn start(repaint: impl Fn() + Send + 'static) -> Self {
        let (requests, rx) = crossbeam_channel::unbounded::<Request>();
        // Two frames in flight at most: a slow UI slows playback rather than piling up frames.
        let (tx, updates) = crossbeam_channel::bounded::<Update>(2);
        std::thread::Builder::new()
            .name("introskip-preview".into())
            .spawn(move || {
                let mut reader: Option<(PathBuf, FrameReader)> = None;
                // Playing: the wall-clock instant that corresponds to media time `t0`.
                let mut clock: Option<(Instant, f64)> = None;
                let send = |u: Update| {
                    let ok = tx.send(u).is_ok();
                    repaint();
                    ok
                };
                loop {
                    let mut request = if clock.is_some() {
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
                    // Only the newest request counts.
                    while let Ok(r) = rx.try_recv() {
                        request = Some(r);
                    }
                    if let Some(r) = request {
                        match r {
                            Request::Pause => clock = None,
                            Request::Show { path, t } => {
                                clock = None;
                                match open(&mut reader, &path).and_then(|r| r.frame_at(t)) {
                                    Ok((shown, image)) => {
                                        if !send(Update::Frame { path, t: shown, image, playing: false }) {
                                            return;
                                        }
                                    }
                                    Err(e) => {
                                        send(Update::Failed(e.to_string()));
                                    }
                                }
                            }
                            Request::Play { path, t } => match open(&mut reader, &path).and_then(|r| r.frame_at(t)) {
                                Ok((shown, image)) => {
                                    clock = Some((Instant::now(), shown));
                                    if !send(Update::Frame { path, t: shown, image, playing: true }) {
                                        return;
                                    }
                                }
                                Err(e) => {
                                    clock = None;
                                    send(Update::Failed(e.to_string()));
                                }
                            },
                        }
                        continue;
                    }
                    // Playing: the next frame, when it is due.
                    let (Some((start, t0)), Some((path, r))) = (clock, reader.as_mut()) else { continue };
                    match r.next_frame() {
                        Ok(Some((t, image))) => {
                            let due = start + Duration::from_secs_f64((t - t0).max(0.0));
                            let now = Instant::now();
                            if due > now {
                                std::thread::sleep((due - now).min(Duration::from_millis(200)));
                            }
                            if !send(Update::Frame { path: path.clone(), t, image, playing: true }) {
                                return;
                            }
                        }
                        Ok(None) => {
                            clock = None;
                            send(Update::Ended);
                        }
                        Err(e) => {
                            clock = None;
                            send(Update::Failed(e.to_string()));
                        }
                    }
                }
            })
            .expect("spawning the preview thread");
        Preview { requests, updates }
    }

    pub fn request(&self, r: Request) {
        let _ = self.requests.send(r);
    }
}

/// The reader for `path`, reopened only when the episode changes.
fn open<'a>(reader: &'a mut Option<(PathBuf, FrameReader)>, path: &PathBuf) -> crate::Result<&'a mut FrameReader> {
    if reader.as_ref().is_none_or(|(p, _)| p != path) {
        *reader = Some((path.clone(), FrameReader::open(path)?));
    }
    Ok(&mut reader.as_mut().expect("set above").1)
}
