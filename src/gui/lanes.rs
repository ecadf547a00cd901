//! What the timeline shows beside the thumbnails, made on helper threads for the selected
//! episode only: its frame rate (for frame steps and SMPTE time), the waveform lane with its
//! silences, and real frames when zoomed in to a few seconds a row. Each is asked for once; the
//! results come back through one channel, polled each frame.

use super::timeline::{FRAMES_AT_S, FRAMES_PER_ROW, WHOLE_EPISODE, ZOOMS};
use super::*;
use std::collections::BTreeMap;

/// Frames wider than this are made smaller (the strip shows them ~100 px wide).
const FRAME_THUMB_W: u32 = 240;

#[derive(Default)]
pub(super) struct Lanes {
    /// The frame rate, once probed (None while unknown or when the file has none).
    pub fps: Option<f64>,
    pub(super) probed: bool,
    /// Sound level per [`crate::features::sound::ENVELOPE_STEP_S`] and the silences.
    pub wave: Option<(Vec<f32>, Vec<(f64, f64)>)>,
    wave_started: bool,
    /// Decoded frames when zoomed in, by time in ms, `frames_step_ms` apart.
    pub frames: BTreeMap<u64, egui::TextureHandle>,
    /// Their spacing: the zoom they were decoded for (those of a zoom left behind are dropped).
    pub frames_step_ms: u64,
    /// Frame times asked for (done or in flight): never asked twice.
    frames_asked: std::collections::BTreeSet<u64>,
    frames_busy: bool,
}

pub(super) enum Found {
    Rate(Option<f64>),
    Wave(Option<Vec<f32>>),
    Frame { step_ms: u64, ms: u64, image: image::RgbImage },
    FramesDone,
}

impl App {
    /// The selected episode's frame rate (25 until it is known: PAL, the commonest in our data).
    pub(crate) fn fps(&self) -> f64 {
        self.episodes.get(self.selected).and_then(|e| e.lanes.fps).unwrap_or(25.0)
    }

    /// `seconds` as the user chose to read times, at the selected episode's frame rate.
    pub(crate) fn time(&self, seconds: f64) -> String {
        self.settings.time_format.show(seconds, self.fps())
    }

    /// The frame rate of the episode a part of a message is about: a reason begins with the file
    /// it is about ("PATH: why", after "Not written: " in the first part; a path may hold ": "
    /// itself), the episode or one written for it ("<stem>.edl"), the longest stem that fits.
    /// None where the part begins with no episode's file; Some(None) where that episode's rate
    /// is not known (not probed yet, or the file says none).
    pub(crate) fn fps_named_in(&self, part: &str) -> Option<Option<f64>> {
        let part = part.rsplit_once("Not written: ").map_or(part, |(_, rest)| rest);
        part.match_indices(": ").find_map(|(at, _)| {
            let path = Path::new(&part[..at]);
            let name = path.file_name()?.to_string_lossy().into_owned();
            self.episodes
                .iter()
                .filter_map(|e| {
                    let stem = e.path.file_stem()?.to_string_lossy().into_owned();
                    (e.path.as_path() == path || name.starts_with(&format!("{stem}."))).then_some((stem.len(), e))
                })
                .max_by_key(|(n, _)| *n)
                .map(|(_, e)| e.lanes.fps)
        })
    }

    /// The seconds per row at the current zoom when the strip shows frames, else None.
    pub(super) fn frames_zoom(&self) -> Option<u32> {
        let per_row = ZOOMS[self.zoom];
        (per_row != WHOLE_EPISODE && per_row <= FRAMES_AT_S).then_some(per_row)
    }

    pub(super) fn poll_lanes(&mut self, ctx: &egui::Context) {
        while let Ok((path, found)) = self.lane_results.1.try_recv() {
            let Some(ep) = self.episodes.iter_mut().find(|e| e.path == path) else { continue };
            match found {
                Found::Rate(fps) => ep.lanes.fps = fps,
                Found::Wave(levels) => {
                    ep.lanes.wave = levels.map(|l| {
                        let silences = crate::features::sound::silences(&l);
                        (l, silences)
                    })
                }
                // A frame for another zoom than the one shown now is not wanted any more.
                Found::Frame { step_ms, .. } if step_ms != ep.lanes.frames_step_ms => {}
                Found::Frame { ms, image, .. } => {
                    let color = super::background::texture_image(ctx, &image);
                    let texture = ctx.load_texture(format!("frame-{}-{ms}", path.display()), color, egui::TextureOptions::LINEAR);
                    ep.lanes.frames.insert(ms, texture);
                }
                Found::FramesDone => ep.lanes.frames_busy = false,
            }
        }
        // Every episode's frame rate, one thread for all that lack it (a probe reads the header):
        // times of other episodes than the selected one (the list, a season's refusals) are
        // shown in SMPTE and frames at their own rate.
        let unprobed: Vec<PathBuf> = self.episodes.iter().filter(|e| !e.lanes.probed && !matches!(e.status, Status::Failed(_))).map(|e| e.path.clone()).collect();
        if !unprobed.is_empty() {
            let (tx, repaint, paths) = (self.lane_results.0.clone(), ctx.clone(), unprobed.clone());
            let started = std::thread::Builder::new()
                .name("introskip-rates".into())
                .spawn(move || {
                    for path in paths {
                        let fps = crate::video::probe(&path).ok().and_then(|i| i.video.avg_fps).filter(|f| f.is_finite() && *f > 1.0);
                        let _ = tx.send((path, Found::Rate(fps)));
                        repaint.request_repaint();
                    }
                })
                .is_ok();
            // A thread the system refuses: asked again next frame.
            for ep in self.episodes.iter_mut().filter(|e| unprobed.contains(&e.path)) {
                ep.lanes.probed = started;
            }
        }
        let frames_zoom = self.frames_zoom();
        let window_s = self.window_s;
        let Some(ep) = self.episodes.get_mut(self.selected) else { return };
        if matches!(ep.status, Status::Failed(_)) {
            return;
        }
        // Whether the job started: a thread the system refuses leaves the lane to ask again.
        let send = |tx: crossbeam_channel::Sender<(PathBuf, Found)>, path: PathBuf, repaint: egui::Context, job: Box<dyn FnOnce(&dyn Fn(Found)) + Send>| -> bool {
            std::thread::Builder::new()
                .name("introskip-lanes".into())
                .spawn(move || {
                    job(&|found| {
                        let _ = tx.send((path.clone(), found));
                        repaint.request_repaint();
                    })
                })
                .is_ok()
        };
        // The waveform once the analysis is done (never competing with it for the decoder).
        if !ep.lanes.wave_started && matches!(ep.status, Status::Done { .. }) {
            let path = ep.path.clone();
            ep.lanes.wave_started = send(self.lane_results.0.clone(), ep.path.clone(), ctx.clone(), Box::new(move |out| out(Found::Wave(crate::features::sound::envelope(&path, window_s).ok().flatten()))));
        }
        // Zoomed in: the frames of the playhead's row and the rows either side.
        let Some(per_row) = frames_zoom else { return };
        let visible_s = self.visible_s;
        if ep.lanes.frames_busy {
            return;
        }
        let step_ms = u64::from(per_row) * 1000 / u64::from(FRAMES_PER_ROW);
        if step_ms != ep.lanes.frames_step_ms {
            ep.lanes.frames_step_ms = step_ms;
            ep.lanes.frames.clear();
            ep.lanes.frames_asked.clear();
        }
        // The rows on screen (at most eight), else those around the playhead.
        let row = (ep.playhead_s / f64::from(per_row)).floor().max(0.0) as u64;
        let rows = match visible_s {
            Some((a, b)) => (u64::from(a / per_row), (u64::from(b.div_ceil(per_row)).saturating_sub(1)).min(u64::from(a / per_row) + 7)),
            None => (row.saturating_sub(1), row + 1),
        };
        let wanted: Vec<u64> = (rows.0..=rows.1)
            .flat_map(|r| (0..u64::from(FRAMES_PER_ROW)).map(move |k| r * u64::from(per_row) * 1000 + k * step_ms))
            .filter(|ms| *ms < u64::from(window_s) * 1000 && !ep.lanes.frames_asked.contains(ms))
            .collect();
        if wanted.is_empty() {
            return;
        }
        ep.lanes.frames_asked.extend(wanted.iter().copied());
        let asked = wanted.clone();
        let path = ep.path.clone();
        ep.lanes.frames_busy = send(
            self.lane_results.0.clone(),
            ep.path.clone(),
            ctx.clone(),
            Box::new(move |out| {
                // In time order: the reader decodes forward instead of seeking for each.
                if let Ok(mut reader) = crate::video::frames::FrameReader::open(&path) {
                    for ms in wanted {
                        if let Ok((_, image)) = reader.frame_at(ms as f64 / 1000.0) {
                            let w = image.width().min(FRAME_THUMB_W);
                            let small = image::imageops::thumbnail(&image, w, (w * image.height() / image.width().max(1)).max(1));
                            out(Found::Frame { step_ms, ms, image: small });
                        }
                    }
                }
                out(Found::FramesDone);
            }),
        );
        if !ep.lanes.frames_busy {
            ep.lanes.frames_asked.retain(|ms| !asked.contains(ms));
        }
    }
}
