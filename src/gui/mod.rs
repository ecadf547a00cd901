//! The desktop app. The UI thread only draws and sends commands: analysis (sampling, encoding,
//! the cache) runs in one worker thread ([`worker`]), file dialogs in their own threads, and
//! results arrive through channels that are polled (never waited on) each frame.
//!
//! Today: open an episode or a season folder, watch analysis stream in, see the 1 FPS thumbnail
//! timeline, pick CLIP weights. Detection, the intro band and editing plug in here.

mod audio;
pub mod edit;
mod preview;
#[cfg(test)]
mod tests;
mod worker;

use crate::error::{Error, Result};
use eframe::egui;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use crate::segments::{Kind, Segment};
use worker::{Command, Event, Worker};

pub fn run(path: Option<PathBuf>) -> Result<()> {
    let options = eframe::NativeOptions {
        // eframe keeps the window's size and position between sessions (its own storage, keyed
        // by the app id); our settings.json holds what the CLI shares (CLIP weights, recent files).
        persist_window: true,
        viewport: egui::ViewportBuilder::default()
            .with_title("introskip")
            .with_app_id("introskip")
            .with_inner_size([1280.0, 760.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    eframe::run_native(
        "introskip",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let ctx2 = cc.egui_ctx.clone();
            let mut app = App::new(Worker::start(None, move || ctx.request_repaint()), preview::Preview::start(move || ctx2.request_repaint()));
            if let Some(p) = path {
                app.open(&p);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| Error::internal(format!("cannot start the window: {e}")))
}

enum Status {
    Queued,
    Analysing { sampled: usize, encoded: usize, total: usize, started: Instant },
    Done { samples: usize, seconds: f64, cached: bool, note: Option<String> },
    Failed(String),
    Cancelled,
}

struct Episode {
    path: PathBuf,
    status: Status,
    thumbnails: Vec<(u32, egui::TextureHandle)>,
    detection: Option<crate::model::Detection>,
    /// The labels being corrected (recovered from the sidecar on open).
    editor: edit::Editor,
    playhead_s: f64,
    /// Shot cuts found so far (seconds, sorted) and the stretches already searched.
    cuts: Vec<f64>,
    cuts_searched: Vec<(f64, f64)>,
    /// The whole episode at a glance (zoomed all the way out): its length, and a thumbnail
    /// every `step` seconds, made in the background when first shown.
    overview: Overview,
}

#[derive(Default)]
struct Overview {
    started: bool,
    duration_s: Option<f64>,
    step: u32,
    thumbnails: Vec<(u32, egui::TextureHandle)>,
}

/// What the overview thread reports.
enum OverviewMsg {
    Length { duration_s: f64, step: u32 },
    Thumbnail(u32, image::RgbImage),
}

/// About this many thumbnails make the whole-episode strip.
const OVERVIEW_THUMBNAILS: f64 = 80.0;

impl Episode {
    fn name(&self) -> String {
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

/// What a file dialog was opened for.
enum Pick {
    Episode,
    Season,
    ClipWeights,
    Labels,
}

pub struct App {
    episodes: Vec<Episode>,
    selected: usize,
    worker: Worker,
    encoder: String,
    dialog: Option<(Pick, crossbeam_channel::Receiver<Option<PathBuf>>)>,
    banner: Option<String>,
    window_s: u32,
    preview: preview::Preview,
    /// The frame on screen in the preview pane: episode, time, texture.
    preview_frame: Option<(PathBuf, f64, egui::TextureHandle)>,
    preview_error: Option<String>,
    /// What the preview worker was last asked for (so a still playhead asks once).
    preview_requested: Option<(PathBuf, f64)>,
    playing: bool,
    /// A segment edge being dragged: (segment index, start edge?).
    dragging: Option<(usize, bool)>,
    /// Index into [`ZOOMS`].
    zoom: usize,
    settings: crate::settings::Settings,
    /// Where the settings are saved (tests point it elsewhere).
    settings_file: PathBuf,
    /// Messages from background jobs (export, import) for the banner.
    notices: (crossbeam_channel::Sender<String>, crossbeam_channel::Receiver<String>),
    /// Durations of the last frames' UI work, ms (the debug overlay, F12).
    frame_ms: std::collections::VecDeque<f32>,
    debug_overlay: bool,
    /// What playback does for sound (the device, or why there is none), once known.
    sound_status: Option<String>,
    /// Cut searches: one at a time, on its own thread; results come back here.
    cuts_pending: Option<(PathBuf, (f64, f64))>,
    cuts_results: (crossbeam_channel::Sender<CutsFound>, crossbeam_channel::Receiver<CutsFound>),
    overview_results: (crossbeam_channel::Sender<(PathBuf, OverviewMsg)>, crossbeam_channel::Receiver<(PathBuf, OverviewMsg)>),
    /// Bumped when what is open changes: overview threads for the old episodes stop.
    overview_generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Cuts found in a stretch of an episode (or why not).
type CutsFound = (PathBuf, (f64, f64), std::result::Result<Vec<f64>, String>);

/// Seconds either side of a segment edge (or the pointer) searched for cuts to snap to.
const CUT_SEARCH_S: f64 = 6.0;

/// The export menu: every format, written beside each episode of the open season.
const EXPORTS: &[(&str, crate::export::Format)] = &[
    ("Matroska chapters (mkvmerge XML)", crate::export::Format::MkvXml),
    ("FFMETADATA (ffmpeg)", crate::export::Format::Ffmetadata),
    ("WebVTT chapters", crate::export::Format::Webvtt),
    ("Kodi / MPlayer EDL", crate::export::Format::Edl),
    ("DaVinci Resolve markers (EDL)", crate::export::Format::ResolveEdl),
    ("OpenTimelineIO", crate::export::Format::Otio),
    ("YouTube chapters", crate::export::Format::Youtube),
    ("SIS labels.json", crate::export::Format::Sis),
    ("CSV", crate::export::Format::Csv),
];

impl App {
    /// Write every episode's labels in `format` beside it, on a background thread.
    fn export(&mut self, format: crate::export::Format) {
        let jobs: Vec<(PathBuf, crate::segments::Segments)> = self.episodes.iter().map(|e| (e.path.clone(), e.editor.segments.clone())).collect();
        let tx = self.notices.0.clone();
        std::thread::spawn(move || {
            let mut written = 0;
            let mut sis = serde_json::Map::new();
            for (path, segments) in &jobs {
                let result = (|| -> crate::Result<String> {
                    let info = crate::video::probe(path)?;
                    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let options = crate::export::ExportOptions {
                        duration_ms: info.duration_s.map(|d| (d * 1000.0).round() as u64),
                        fps: info.video.avg_fps,
                        name: stem.clone(),
                        media: Some(path.clone()),
                        ..Default::default()
                    };
                    let text = crate::export::render_with(format, segments, &options)?;
                    if format == crate::export::Format::Sis {
                        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&text) {
                            sis.extend(m);
                        }
                        return Ok(text);
                    }
                    let target = path.with_file_name(format!("{stem}.{}", format.extension()));
                    crate::cli::write_atomic(&target, |w| w.write_all(text.as_bytes()))?;
                    Ok(text)
                })();
                match result {
                    Ok(_) => written += 1,
                    Err(e) => {
                        let _ = tx.send(format!("export: {e}"));
                    }
                }
            }
            if !sis.is_empty() {
                let target = jobs[0].0.with_file_name("labels.json");
                let text = serde_json::to_string_pretty(&serde_json::Value::Object(sis)).unwrap_or_default();
                if let Err(e) = crate::cli::write_atomic(&target, |w| w.write_all(text.as_bytes())) {
                    let _ = tx.send(format!("export: {e}"));
                }
            }
            let _ = tx.send(format!("Exported {written} of {} episodes ({}) beside the media", jobs.len(), format.extension()));
        });
    }

    /// Labels from a file: SIS labels.json for a whole season (matched by episode name), or any
    /// chapter/label format for the selected episode.
    fn import_labels(&mut self, path: &Path) {
        use crate::segments::{Kind, Segment, Source};
        if let Ok(all) = crate::eval::read_labels(path) {
            if all.len() > 1 {
                let mut matched = 0;
                for ep in &mut self.episodes {
                    let stem = ep.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    if let Some(labels) = all.get(&stem) {
                        let segs = labels.intros.iter().map(|i| Segment { kind: Kind::Intro, start_ms: (i.start * 1000.0) as u64, end_ms: (i.end * 1000.0) as u64, source: Source::Imported, confidence: None }).collect();
                        ep.editor.import(segs);
                        matched += 1;
                    }
                }
                self.banner = Some(format!("Imported labels for {matched} of {} episodes from {}", self.episodes.len(), path.display()));
                self.autosave();
                return;
            }
        }
        match crate::import::read_any(path) {
            Ok(segments) => {
                if let Some(ep) = self.episodes.get_mut(self.selected) {
                    ep.editor.import(segments.segments);
                    self.banner = Some(format!("Imported {} into {}", path.display(), ep.name()));
                }
                self.autosave();
            }
            Err(e) => self.banner = Some(e.to_string()),
        }
    }

    fn new(worker: Worker, preview: preview::Preview) -> Self {
        let settings = crate::settings::Settings::load();
        let window_s = if settings.window_s > 0 { settings.window_s } else { 180 };
        let app = App {
            episodes: Vec::new(),
            selected: 0,
            worker,
            encoder: "loading…".into(),
            dialog: None,
            banner: None,
            window_s,
            preview,
            preview_frame: None,
            preview_error: None,
            preview_requested: None,
            playing: false,
            dragging: None,
            zoom: 2,
            settings,
            settings_file: crate::settings::settings_path(),
            notices: crossbeam_channel::unbounded(),
            frame_ms: std::collections::VecDeque::with_capacity(256),
            debug_overlay: std::env::var_os("INTROSKIP_DEBUG").is_some(),
            sound_status: None,
            cuts_pending: None,
            cuts_results: crossbeam_channel::unbounded(),
            overview_results: crossbeam_channel::unbounded(),
            overview_generation: Default::default(),
        };
        if app.settings.muted {
            app.preview.request(preview::Request::Gain(0.0));
        }
        app
    }

    /// The export format used last (the Export menu's default and Ctrl+E), if any.
    fn default_export(&self) -> Option<crate::export::Format> {
        use clap::ValueEnum;
        let name = self.settings.export_format.as_deref()?;
        crate::export::Format::from_str(name, true).ok()
    }

    fn remember_export(&mut self, format: crate::export::Format) {
        use clap::ValueEnum;
        self.settings.export_format = format.to_possible_value().map(|v| v.get_name().to_string());
        if let Err(e) = self.settings.save_to(&self.settings_file) {
            self.banner = Some(format!("settings not saved: {e}"));
        }
    }

    fn toggle_mute(&mut self) {
        self.settings.muted = !self.settings.muted;
        self.preview.request(preview::Request::Gain(if self.settings.muted { 0.0 } else { 1.0 }));
        if let Err(e) = self.settings.save_to(&self.settings_file) {
            self.banner = Some(format!("settings not saved: {e}"));
        }
    }

    /// Frame-time statistics over the recent frames: (median, p95, max) in ms.
    pub(crate) fn frame_time_stats(&self) -> (f32, f32, f32) {
        let mut v: Vec<f32> = self.frame_ms.iter().copied().collect();
        if v.is_empty() {
            return (0.0, 0.0, 0.0);
        }
        v.sort_by(f32::total_cmp);
        let at = |q: f32| v[((q * v.len() as f32).ceil() as usize).clamp(1, v.len()) - 1];
        (at(0.5), at(0.95), v[v.len() - 1])
    }

    fn poll_preview(&mut self, ctx: &egui::Context) {
        while let Ok(update) = self.preview.updates.try_recv() {
            match update {
                preview::Update::Frame { path, t, image, playing } => {
                    let color = egui::ColorImage::from_rgb([image.width() as usize, image.height() as usize], image.as_raw());
                    match &mut self.preview_frame {
                        Some((p, time, tex)) => {
                            tex.set(color, egui::TextureOptions::LINEAR);
                            *p = path.clone();
                            *time = t;
                        }
                        None => self.preview_frame = Some((path.clone(), t, ctx.load_texture("preview", color, egui::TextureOptions::LINEAR))),
                    }
                    self.preview_error = None;
                    if playing && self.playing {
                        if let Some(ep) = self.episodes.iter_mut().find(|e| e.path == path) {
                            ep.playhead_s = t;
                        }
                        self.preview_requested = Some((path, t));
                    }
                }
                preview::Update::Ended => self.playing = false,
                preview::Update::Sound(message) => self.sound_status = Some(message),
                preview::Update::Failed(message) => {
                    self.playing = false;
                    self.preview_error = Some(message);
                }
            }
        }
        // A still playhead: ask for its frame once.
        if !self.playing {
            if let Some(ep) = self.episodes.get(self.selected) {
                let want = (ep.path.clone(), ep.playhead_s);
                if self.preview_requested.as_ref() != Some(&want) && !matches!(ep.status, Status::Failed(_)) {
                    self.preview.request(preview::Request::Show { path: want.0.clone(), t: want.1 });
                    self.preview_requested = Some(want);
                }
            }
        }
    }

    /// Keep the selected episode's cuts known around its segment edges and the edge being
    /// dragged, searching one stretch at a time in the background.
    fn poll_cuts(&mut self) {
        while let Ok((path, range, found)) = self.cuts_results.1.try_recv() {
            self.cuts_pending = None;
            if let Some(ep) = self.episodes.iter_mut().find(|e| e.path == path) {
                ep.cuts_searched.push(range);
                match found {
                    Ok(cuts) => {
                        ep.cuts.extend(cuts);
                        ep.cuts.sort_by(f64::total_cmp);
                        ep.cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-3);
                    }
                    // Snapping falls back to seconds; the reason is not worth a banner.
                    Err(_) => {}
                }
            }
        }
        if self.cuts_pending.is_some() {
            return;
        }
        let Some(ep) = self.episodes.get(self.selected) else { return };
        if !matches!(ep.status, Status::Done { .. }) {
            return;
        }
        let mut wanted: Vec<f64> = ep.editor.segments.segments.iter().flat_map(|s| [s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0]).collect();
        if self.dragging.is_some() {
            wanted.insert(0, ep.playhead_s);
        }
        let covered = |t: f64| ep.cuts_searched.iter().any(|(a, b)| *a <= (t - CUT_SEARCH_S / 2.0).max(0.0) && t + CUT_SEARCH_S / 2.0 <= *b);
        if let Some(t) = wanted.into_iter().find(|t| !covered(*t)) {
            let range = ((t - CUT_SEARCH_S).max(0.0), t + CUT_SEARCH_S);
            let path = ep.path.clone();
            self.cuts_pending = Some((path.clone(), range));
            let tx = self.cuts_results.0.clone();
            std::thread::Builder::new()
                .name("introskip-cuts".into())
                .spawn(move || {
                    let found = crate::video::cuts::find_cuts(&path, range.0, range.1).map_err(|e| e.to_string());
                    let _ = tx.send((path, range, found));
                })
                .ok();
        }
    }

    /// Zoomed all the way out: make the selected episode's overview strip (once), and take in
    /// what the overview threads made.
    fn poll_overview(&mut self, ctx: &egui::Context) {
        use std::sync::atomic::Ordering;
        while let Ok((path, msg)) = self.overview_results.1.try_recv() {
            let Some(ep) = self.episodes.iter_mut().find(|e| e.path == path) else { continue };
            match msg {
                OverviewMsg::Length { duration_s, step } => {
                    ep.overview.duration_s = Some(duration_s);
                    ep.overview.step = step;
                }
                OverviewMsg::Thumbnail(second, image) => {
                    let color = egui::ColorImage::from_rgb([image.width() as usize, image.height() as usize], image.as_raw());
                    let texture = ctx.load_texture(format!("overview-{}-{second}", path.display()), color, egui::TextureOptions::LINEAR);
                    ep.overview.thumbnails.push((second, texture));
                }
            }
        }
        if ZOOMS[self.zoom] != WHOLE_EPISODE {
            return;
        }
        let Some(ep) = self.episodes.get_mut(self.selected) else { return };
        if ep.overview.started || matches!(ep.status, Status::Failed(_)) {
            return;
        }
        ep.overview.started = true;
        let path = ep.path.clone();
        let tx = self.overview_results.0.clone();
        let generation = self.overview_generation.clone();
        let mine = generation.load(Ordering::Relaxed);
        let repaint = ctx.clone();
        std::thread::Builder::new()
            .name("introskip-overview".into())
            .spawn(move || {
                let Ok(info) = crate::video::probe(&path) else { return };
                let Some(duration_s) = info.duration_s.filter(|d| *d > 0.0) else { return };
                let step = (duration_s / OVERVIEW_THUMBNAILS).ceil().max(1.0) as u32;
                let _ = tx.send((path.clone(), OverviewMsg::Length { duration_s, step }));
                let Ok(mut reader) = crate::video::frames::FrameReader::open(&path) else { return };
                let mut second = 0;
                while f64::from(second) < duration_s && generation.load(Ordering::Relaxed) == mine {
                    if let Ok((_, image)) = reader.frame_at(f64::from(second)) {
                        let small = image::imageops::thumbnail(&image, 160, (160 * image.height() / image.width().max(1)).max(1));
                        if tx.send((path.clone(), OverviewMsg::Thumbnail(second, small))).is_err() {
                            return;
                        }
                        repaint.request_repaint();
                    }
                    second += step;
                }
            })
            .ok();
    }

    fn toggle_playback(&mut self) {
        let Some(ep) = self.episodes.get(self.selected) else { return };
        if self.playing {
            self.preview.request(preview::Request::Pause);
            self.playing = false;
            self.preview_requested = Some((ep.path.clone(), ep.playhead_s));
        } else {
            self.preview.request(preview::Request::Play { path: ep.path.clone(), t: ep.playhead_s });
            self.playing = true;
        }
    }

    fn skip_intro(&mut self) {
        let Some(ep) = self.episodes.get_mut(self.selected) else { return };
        if let Some(end) = ep.editor.intro().map(|s| s.end_ms as f64 / 1000.0) {
            ep.playhead_s = end;
            self.preview.request(preview::Request::Play { path: ep.path.clone(), t: end });
            self.playing = true;
        }
    }

    /// True while playback is inside the intro: the moment streaming players offer "Skip intro".
    pub(crate) fn skip_button_visible(&self) -> bool {
        self.playing && self.episodes.get(self.selected).and_then(|ep| ep.editor.intro().map(|s| (s, ep.playhead_s))).is_some_and(|(s, t)| (s.start_ms as f64 / 1000.0..s.end_ms as f64 / 1000.0).contains(&t))
    }

    /// Open a file (one episode) or a folder (a season), replacing what was open.
    pub fn open(&mut self, path: &Path) {
        self.worker.cancel_all();
        self.overview_generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.banner = None;
        if path.exists() {
            self.settings.remember(path);
            if let Err(e) = self.settings.save_to(&self.settings_file) {
                self.banner = Some(format!("settings not saved: {e}"));
            }
        }
        let files = if path.is_dir() {
            match crate::paths::media_files_in(path) {
                Ok(files) if files.is_empty() => {
                    self.banner = Some(format!("{}: no video files in this folder", path.display()));
                    Vec::new()
                }
                Ok(files) => files,
                Err(e) => {
                    self.banner = Some(format!("{}: {e}", path.display()));
                    Vec::new()
                }
            }
        } else {
            vec![path.to_path_buf()]
        };
        self.episodes = files.into_iter().map(|path| {
                let editor = edit::Editor::new(edit::load_saved(&path).unwrap_or_default());
                Episode { path, status: Status::Queued, thumbnails: Vec::new(), detection: None, editor, playhead_s: 0.0, cuts: Vec::new(), cuts_searched: Vec::new(), overview: Overview::default() }
            }).collect();
        self.selected = 0;
        self.queue_all();
    }

    /// Send every episode to the worker, in order.
    fn queue_all(&mut self) {
        let generation = self.worker.generation();
        for (index, ep) in self.episodes.iter_mut().enumerate() {
            ep.status = Status::Queued;
            ep.thumbnails.clear();
            ep.detection = None;
            self.worker.send(Command::Analyse { index, path: ep.path.clone(), window_s: self.window_s, generation });
        }
    }

    /// Take what the worker produced, within a small time budget so a frame never stalls.
    fn poll_worker(&mut self, ctx: &egui::Context) {
        let deadline = Instant::now() + Duration::from_millis(4);
        while Instant::now() < deadline {
            let Ok(event) = self.worker.events.try_recv() else { break };
            match event {
                Event::EncoderReady(name) => self.encoder = name,
                Event::EncoderFailed(message) => self.banner = Some(message),
                Event::Started { index, requested } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.status = Status::Analysing { sampled: 0, encoded: 0, total: requested, started: Instant::now() };
                    }
                }
                Event::Thumbnail { index, second, image } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        let color = egui::ColorImage::from_rgb([image.width() as usize, image.height() as usize], image.as_raw());
                        let texture = ctx.load_texture(format!("thumb-{index}-{second}"), color, egui::TextureOptions::LINEAR);
                        ep.thumbnails.push((second, texture));
                        if let Status::Analysing { sampled, .. } = &mut ep.status {
                            *sampled += 1;
                        }
                    }
                }
                Event::Progress { index, encoded: e, requested } => {
                    if let Some(Episode { status: Status::Analysing { encoded, total, .. }, .. }) = self.episodes.get_mut(index) {
                        *encoded = e;
                        *total = requested;
                    }
                }
                Event::Done { index, samples, cached, seconds, note } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.status = Status::Done { samples, seconds, cached, note };
                    }
                }
                Event::Detected { index, detection } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.editor.merge_detection(&detection);
                        ep.detection = Some(detection);
                    }
                }
                Event::ModelUnavailable { message } => self.banner = Some(format!("No intro detection: {message}")),
                Event::Failed { index, message } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.status = Status::Failed(message);
                    }
                }
                Event::Cancelled { index } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        if !matches!(ep.status, Status::Done { .. }) {
                            ep.status = Status::Cancelled;
                        }
                    }
                }
            }
        }
    }

    fn poll_dialog(&mut self) {
        let Some((_, rx)) = &self.dialog else { return };
        match rx.try_recv() {
            Ok(picked) => {
                let (what, _) = self.dialog.take().expect("checked");
                let Some(path) = picked else { return };
                match what {
                    Pick::Episode | Pick::Season => self.open(&path),
                    Pick::Labels => self.import_labels(&path),
                    Pick::ClipWeights => {
                        // Remembered for the next session (and the CLI) once chosen.
                        let mut settings = crate::settings::Settings::load();
                        settings.clip_weights = Some(path.clone());
                        if let Err(e) = settings.save() {
                            self.banner = Some(format!("settings not saved: {e}"));
                        }
                        self.worker.cancel_all();
                        self.encoder = "loading…".into();
                        self.worker.send(Command::UseEncoder(Some(path)));
                        self.queue_all();
                    }
                }
            }
            Err(crossbeam_channel::TryRecvError::Disconnected) => self.dialog = None,
            Err(crossbeam_channel::TryRecvError::Empty) => {}
        }
    }

    /// rfd blocks until the user answers, so the dialog runs in its own thread.
    fn ask(&mut self, what: Pick) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        let kind = match what {
            Pick::Episode => 0,
            Pick::Season => 1,
            Pick::ClipWeights => 2,
            Pick::Labels => 3,
        };
        std::thread::spawn(move || {
            let picked = match kind {
                0 => rfd::FileDialog::new()
                    .set_title("Open episode")
                    .add_filter("Video", &["mkv", "mp4", "m4v", "mov", "avi", "webm", "ts", "m2ts", "mpg"])
                    .pick_file(),
                1 => rfd::FileDialog::new().set_title("Open season folder").pick_folder(),
                3 => rfd::FileDialog::new()
                    .set_title("Import labels or chapters")
                    .add_filter("Labels and chapters", &["json", "txt", "xml", "vtt", "edl", "mkv", "mp4"])
                    .pick_file(),
                _ => rfd::FileDialog::new()
                    .set_title("Use CLIP weights")
                    .add_filter("CLIP checkpoint", &["pt", "bin", "safetensors", "pth"])
                    .pick_file(),
            };
            let _ = tx.send(picked);
        });
        self.dialog = Some((what, rx));
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("introskip");
            ui.separator();
            if ui.button("Open episode…").clicked() {
                self.ask(Pick::Episode);
            }
            if ui.button("Open season folder…").clicked() {
                self.ask(Pick::Season);
            }
            let mut reopen = None;
            ui.menu_button("Recent", |ui| {
                if self.settings.recent.is_empty() {
                    ui.weak("Nothing opened yet");
                }
                for p in &self.settings.recent {
                    if ui.button(p.display().to_string()).clicked() {
                        reopen = Some(p.clone());
                        ui.close();
                    }
                }
            });
            if let Some(p) = reopen {
                self.open(&p);
            }
            if !self.episodes.is_empty() {
                if ui.button("Import labels…").clicked() {
                    self.ask(Pick::Labels);
                }
                let mut export = None;
                let default = self.default_export();
                ui.menu_button("Export", |ui| {
                    if let Some(format) = default {
                        let label = EXPORTS.iter().find(|(_, f)| *f == format).map_or("", |(l, _)| *l);
                        if ui.button(format!("Again: {label}  (Ctrl+E)")).clicked() {
                            export = Some(format);
                            ui.close();
                        }
                        ui.separator();
                    }
                    for (label, format) in EXPORTS {
                        if ui.button(*label).clicked() {
                            export = Some(*format);
                            ui.close();
                        }
                    }
                });
                if let Some(format) = export {
                    self.remember_export(format);
                    self.export(format);
                }
            }
            if self.episodes.iter().any(|e| matches!(e.status, Status::Queued | Status::Analysing { .. })) && ui.button("Cancel analysis").clicked() {
                self.worker.cancel_all();
            }
            ui.separator();
            // The detection window: remembered, and a change re-analyses what is open.
            let mut window = self.window_s;
            ui.label("Window");
            let changed = ui.add(egui::DragValue::new(&mut window).range(30..=600).suffix(" s")).changed();
            if changed && window != self.window_s {
                self.window_s = window;
                self.settings.window_s = window;
                if let Err(e) = self.settings.save_to(&self.settings_file) {
                    self.banner = Some(format!("settings not saved: {e}"));
                }
                self.worker.cancel_all();
                self.queue_all();
            }
            ui.separator();
            ui.label(format!("Encoder: {}", self.encoder));
            if ui.button("Use CLIP weights…").clicked() {
                self.ask(Pick::ClipWeights);
            }
        });
        if let Some(banner) = &self.banner {
            ui.colored_label(egui::Color32::from_rgb(230, 90, 80), banner);
        }
    }

    fn sidebar(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.strong(format!("Episodes ({})", self.episodes.len()));
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (i, ep) in self.episodes.iter().enumerate() {
                let status = match &ep.status {
                    Status::Queued => "queued".to_string(),
                    Status::Analysing { sampled, total, .. } => format!("analysing {}%", sampled * 100 / (*total).max(1)),
                    Status::Done { samples, cached, .. } => {
                        let mark = if ep.editor.is_verified() { "verified: " } else { "" };
                        match (ep.editor.intro(), &ep.detection) {
                            (Some(i), _) => format!("{mark}intro {} – {}", clock(i.start_ms as f64 / 1000.0), clock(i.end_ms as f64 / 1000.0)),
                            (None, Some(_)) => format!("{mark}no intro"),
                            (None, None) => format!("{samples} s analysed{}", if *cached { " (cached)" } else { "" }),
                        }
                    }
                    Status::Failed(_) => "failed".to_string(),
                    Status::Cancelled => "cancelled".to_string(),
                };
                if ui.selectable_label(i == self.selected, format!("{}\n{status}", ep.name())).clicked() {
                    self.selected = i;
                }
            }
        });
    }

    fn episode_view(&mut self, ui: &mut egui::Ui) {
        let window_s = self.window_s;
        let skip_visible = self.skip_button_visible();
        let Some(ep) = self.episodes.get_mut(self.selected) else {
            ui.centered_and_justified(|ui| {
                ui.label("Open an episode or a season folder (buttons above, drag and drop, or a path on the command line).");
            });
            return;
        };
        ui.heading(ep.name());
        let seconds = match &ep.status {
            Status::Queued => {
                ui.label("Queued");
                window_s
            }
            Status::Analysing { sampled, encoded, total, started } => {
                let elapsed = started.elapsed().as_secs_f32();
                let eta = if *sampled > 0 { elapsed / *sampled as f32 * total.saturating_sub(*sampled) as f32 } else { f32::NAN };
                ui.add(egui::ProgressBar::new(*sampled as f32 / (*total).max(1) as f32).text(if eta.is_finite() {
                    format!("Sampling {sampled}/{total} · {eta:.0} s left")
                } else {
                    format!("Sampling {sampled}/{total}")
                }));
                ui.add(egui::ProgressBar::new(*encoded as f32 / (*total).max(1) as f32).text(format!("Encoding {encoded}/{total}")));
                *total as u32
            }
            Status::Done { samples, seconds, cached, note } => {
                ui.label(if *cached {
                    format!("{samples} seconds analysed (from the cache, {seconds:.2} s)")
                } else {
                    format!("{samples} seconds sampled at 1 FPS and encoded in {seconds:.1} s")
                });
                if let Some(note) = note {
                    ui.weak(note);
                }
                *samples as u32
            }
            Status::Failed(message) => {
                ui.colored_label(egui::Color32::from_rgb(230, 90, 80), message);
                0
            }
            Status::Cancelled => {
                ui.weak("Analysis cancelled");
                window_s
            }
        };
        ui.horizontal(|ui| {
            for s in &ep.editor.segments.segments {
                let colour = if s.kind == Kind::Intro { INTRO_COLOUR } else { RECAP_COLOUR };
                let how = match (s.source, s.confidence) {
                    (crate::segments::Source::HumanVerified, _) => "verified".to_string(),
                    (_, Some(c)) => format!("predicted, confidence {c:.2}"),
                    _ => "imported".to_string(),
                };
                ui.colored_label(colour, format!("{} {} – {}", s.kind.title(), clock(s.start_ms as f64 / 1000.0), clock(s.end_ms as f64 / 1000.0)));
                ui.weak(how);
            }
            if ep.editor.segments.segments.is_empty() && ep.detection.is_some() {
                ui.weak(format!("No intro found in the first {seconds} s"));
            }
            ui.separator();
            ui.weak(format!("playhead {}", clock_fine(ep.playhead_s)));
        });
        // The keys, on their own line, cut short rather than widening the window.
        ui.add(egui::Label::new(egui::RichText::new("Space play · I / O set the intro · drag its edges (snap to cuts, green; Alt: by frame) · Delete · Ctrl+Z / Ctrl+Shift+Z · Enter verifies · Ctrl+wheel or +/− zoom · M mute · Ctrl+E export again").weak()).truncate());
        ui.add_space(4.0);
        let path = ep.path.clone();
        let mut action = None;
        ui.horizontal(|ui| {
            // The frame at the playhead, full resolution, scaled to fit.
            let max = egui::vec2((ui.available_width() * 0.5).min(640.0), 300.0);
            match &self.preview_frame {
                Some((p, _, tex)) if *p == path => {
                    let size = tex.size_vec2();
                    let scale = (max.x / size.x).min(max.y / size.y);
                    let response = ui.add(egui::Image::new((tex.id(), size * scale)));
                    if skip_visible {
                        let r = response.rect;
                        let button = egui::Rect::from_min_size(r.right_bottom() - egui::vec2(120.0, 44.0), egui::vec2(108.0, 32.0));
                        if ui.put(button, egui::Button::new(egui::RichText::new("Skip intro").strong().size(15.0))).clicked() {
                            action = Some("skip");
                        }
                    }
                }
                _ => {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(max.x, max.x * 9.0 / 16.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, egui::Color32::from_gray(20));
                    let text = self.preview_error.clone().unwrap_or_else(|| "…".into());
                    ui.painter().text(rect.center(), egui::Align2::CENTER_CENTER, text, egui::FontId::proportional(13.0), egui::Color32::from_gray(160));
                }
            }
            ui.add_space(8.0);
            ui.vertical(|ui| {
                if ui.button(if self.playing { "Pause (Space)" } else { "Play (Space)" }).clicked() {
                    action = Some("toggle");
                }
                let mut muted = self.settings.muted;
                if ui.checkbox(&mut muted, "Mute (M)").changed() {
                    action = Some("mute");
                }
                if let Some(status) = &self.sound_status {
                    ui.weak(status);
                }
            });
        });
        ui.add_space(6.0);
        let probability = ep.detection.as_ref().map(|d| d.intro_probability.as_slice());
        // Zoomed all the way out: the whole episode on one row, from the overview strip.
        let whole = ZOOMS[self.zoom] == WHOLE_EPISODE;
        let strip = if whole {
            let length = ep.overview.duration_s.map_or(seconds, |d| d.ceil() as u32).max(seconds).max(1);
            let thumbs = if ep.overview.thumbnails.is_empty() { Strip { thumbs: &ep.thumbnails, span: 1 } } else { Strip { thumbs: &ep.overview.thumbnails, span: ep.overview.step.max(1) } };
            (thumbs, length, length)
        } else {
            (Strip { thumbs: &ep.thumbnails, span: 1 }, seconds, ZOOMS[self.zoom])
        };
        match timeline(ui, self.dragging.is_some(), strip.0, strip.1, seconds, probability, &ep.editor.segments.segments, &ep.cuts, ep.playhead_s, strip.2) {
            Some(TimelineAction::Click(t)) => {
                ep.playhead_s = t;
                if self.playing {
                    action = Some("toggle_at");
                }
            }
            Some(TimelineAction::GrabEdge(i, start)) => self.dragging = Some((i, start)),
            Some(TimelineAction::DragTo(t)) => {
                if let Some((i, start)) = self.dragging {
                    ep.editor.move_edge(i, start, (t * 1000.0).round() as u64, true);
                    ep.playhead_s = t;
                }
            }
            Some(TimelineAction::Release) => {
                self.dragging = None;
                ep.editor.end_drag();
            }
            None => {}
        }
        match action {
            Some("skip") => self.skip_intro(),
            Some("mute") => self.toggle_mute(),
            Some("toggle") => self.toggle_playback(),
            Some("toggle_at") => {
                // Playing and clicked elsewhere: keep playing from there.
                self.playing = false;
                self.toggle_playback();
            }
            _ => {}
        }
    }

    /// Keyboard commands on the selected episode (skipped while a text field has focus).
    fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let (space, f12, zoom_in, zoom_out) = ctx.input(|i| {
            // Ctrl + wheel arrives as egui's zoom factor.
            let wheel = i.zoom_delta() - 1.0;
            (
                i.key_pressed(egui::Key::Space),
                i.key_pressed(egui::Key::F12),
                i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals) || wheel > 0.0,
                i.key_pressed(egui::Key::Minus) || wheel < 0.0,
            )
        });
        if zoom_in {
            self.zoom = self.zoom.saturating_sub(1);
        }
        if zoom_out {
            self.zoom = (self.zoom + 1).min(ZOOMS.len() - 1);
        }
        if self.episodes.is_empty() {
            return;
        }
        if f12 {
            self.debug_overlay = !self.debug_overlay;
        }
        if space {
            self.toggle_playback();
        }
        let (mute, export_again) = ctx.input(|i| (i.key_pressed(egui::Key::M) && !i.modifiers.command, i.modifiers.command && i.key_pressed(egui::Key::E)));
        if mute {
            self.toggle_mute();
        }
        if export_again {
            match self.default_export() {
                Some(format) => self.export(format),
                None => self.banner = Some("Ctrl+E repeats the last export: choose a format in the Export menu first".into()),
            }
        }
        let (i_key, o_key, delete, undo, redo, enter, left, right, shift) = ctx.input(|i| {
            let cmd = i.modifiers.command;
            (
                i.key_pressed(egui::Key::I),
                i.key_pressed(egui::Key::O),
                i.key_pressed(egui::Key::Delete),
                cmd && !i.modifiers.shift && i.key_pressed(egui::Key::Z),
                cmd && i.modifiers.shift && i.key_pressed(egui::Key::Z),
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::ArrowLeft),
                i.key_pressed(egui::Key::ArrowRight),
                i.modifiers.shift,
            )
        });
        let count = self.episodes.len();
        let ep = &mut self.episodes[self.selected];
        let step = if shift { 0.04 } else { 1.0 };
        if left || right {
            if self.playing {
                self.preview.request(preview::Request::Pause);
                self.playing = false;
            }
            ep.playhead_s = if left { (ep.playhead_s - step).max(0.0) } else { ep.playhead_s + step };
        }
        let at = (ep.playhead_s * 1000.0).round() as u64;
        if i_key {
            ep.editor.set_intro_start(at);
        }
        if o_key {
            ep.editor.set_intro_end(at);
        }
        if delete {
            ep.editor.delete_selected();
        }
        if undo {
            ep.editor.undo();
        }
        if redo {
            ep.editor.redo();
        }
        if enter {
            ep.editor.verify_all();
        }
        self.autosave();
        if enter && self.selected + 1 < count {
            self.selected += 1;
        }
    }

    /// Every edit is on disk at once (temp file + rename): nothing to lose on a crash.
    fn autosave(&mut self) {
        for ep in &mut self.episodes {
            if ep.editor.dirty {
                match edit::save(&ep.path, &ep.editor.segments) {
                    Ok(_) => ep.editor.dirty = false,
                    Err(e) => self.banner = Some(format!("labels not saved: {e}")),
                }
            }
        }
    }
}

/// m:ss.cc for the playhead.
fn clock_fine(seconds: f64) -> String {
    let s = seconds.max(0.0);
    format!("{}:{:05.2}", (s / 60.0) as u64, s % 60.0)
}

const INTRO_COLOUR: egui::Color32 = egui::Color32::from_rgb(240, 140, 40);
const RECAP_COLOUR: egui::Color32 = egui::Color32::from_rgb(90, 160, 230);
const CUT_COLOUR: egui::Color32 = egui::Color32::from_rgb(120, 230, 160);

/// m:ss, as players show it.
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The 1 FPS thumbnail strip with a time ruler, wrapped into rows of 20 seconds.
/// What the pointer did on the timeline.
enum TimelineAction {
    /// A click: move the playhead here.
    Click(f64),
    /// A drag began on a segment's edge (index, start edge?).
    GrabEdge(usize, bool),
    /// The pointer is dragging at this time (snapped to whole seconds unless Alt is held).
    DragTo(f64),
    Release,
}

/// Pixels either side of a segment edge that grab it.
const EDGE_GRAB_PX: f32 = 6.0;

/// A dragged edge snaps to a shot cut this close (pixels).
const SNAP_PX: f32 = 10.0;

/// Zoom levels: seconds per timeline row (Ctrl + mouse wheel, or + / −); the last is the whole
/// episode on one row.
const ZOOMS: [u32; 7] = [5, 10, 20, 30, 60, 180, WHOLE_EPISODE];
const WHOLE_EPISODE: u32 = 0;

/// Thumbnails for the timeline: one per `span` seconds, keyed by their first second.
#[derive(Clone, Copy)]
struct Strip<'a> {
    thumbs: &'a [(u32, egui::TextureHandle)],
    span: u32,
}

#[allow(clippy::too_many_arguments)]
fn timeline(ui: &mut egui::Ui, edge_held: bool, strip: Strip<'_>, seconds: u32, analysed: u32, probability: Option<&[f32]>, segments: &[Segment], cuts: &[f64], playhead_s: f64, per_row: u32) -> Option<TimelineAction> {
    let per_row = per_row.max(1);
    #[allow(non_snake_case)]
    let PER_ROW = per_row;
    let (thumbs, span) = (strip.thumbs, strip.span);
    let Some((_, first)) = thumbs.first() else { return None };
    let mut action = None;
    let free = ui.input(|i| i.modifiers.alt);
    let aspect = first.size_vec2().x / first.size_vec2().y.max(1.0);
    let avail = ui.available_width() - 12.0;
    // Seconds are `cell_w` wide; a thumbnail covers `strip.span` of them.
    let cell_w = avail / PER_ROW as f32;
    let cell_h = if span > 1 { 40.0 } else { (cell_w / aspect).clamp(18.0, 120.0) };
    let ruler_h = 16.0;
    // Under each strip: the segment band and the intro-probability curve.
    let band_h = if probability.is_some() || !segments.is_empty() { 22.0 } else { 0.0 };
    let label = egui::FontId::monospace(10.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for row in 0..seconds.div_ceil(PER_ROW) {
            let start = row * PER_ROW;
            let (rect, response) = ui.allocate_exact_size(egui::vec2(avail, cell_h + band_h + ruler_h), egui::Sense::click_and_drag());
            let time_at = |x: f32| start as f64 + ((x - rect.left()) / cell_w).clamp(0.0, PER_ROW as f32) as f64;
            if let Some(pos) = response.interact_pointer_pos() {
                if response.clicked() {
                    action = Some(TimelineAction::Click(time_at(pos.x).floor()));
                } else if response.drag_started() {
                    let edge = segments.iter().enumerate().find_map(|(i, s)| {
                        [(s.start_ms, true), (s.end_ms, false)].into_iter().find_map(|(ms, is_start)| {
                            let t = ms as f64 / 1000.0 - start as f64;
                            let x = rect.left() + t as f32 * cell_w;
                            ((0.0..=PER_ROW as f64).contains(&t) && (x - pos.x).abs() <= EDGE_GRAB_PX).then_some((i, is_start))
                        })
                    });
                    if let Some((i, is_start)) = edge {
                        action = Some(TimelineAction::GrabEdge(i, is_start));
                    }
                } else if response.dragged() && !edge_held {
                    // Not on an edge: the drag pans the timeline (its rows scroll).
                    ui.scroll_with_delta(egui::vec2(0.0, response.drag_delta().y));
                } else if response.dragged() {
                    // Snap to a shot cut within reach, else to the second grid (the thumbnails);
                    // Alt: free, to a 25 fps frame.
                    let t = time_at(pos.x);
                    let reach = (SNAP_PX / cell_w) as f64;
                    let cut = cuts.iter().copied().filter(|c| (c - t).abs() <= reach).min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()));
                    action = Some(TimelineAction::DragTo(match (free, cut) {
                        (true, _) => (t * 25.0).round() / 25.0,
                        (false, Some(c)) => c,
                        (false, None) => t.round(),
                    }));
                }
            }
            if response.drag_stopped() {
                action = Some(TimelineAction::Release);
            }
            if response.hovered() {
                if let Some(pos) = response.hover_pos() {
                    let near = segments.iter().any(|s| {
                        [s.start_ms, s.end_ms].iter().any(|&ms| ((rect.left() + (ms as f64 / 1000.0 - start as f64) as f32 * cell_w) - pos.x).abs() <= EDGE_GRAB_PX)
                    });
                    if near {
                        ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
                    }
                }
            }
            let painter = ui.painter_at(rect);
            let strip = egui::Rect::from_min_size(rect.min, egui::vec2(avail, cell_h));
            painter.rect_filled(strip, 2.0, egui::Color32::from_gray(24));
            // Per-second thumbnails fill their cells; overview thumbnails keep their shape and
            // leave out any that would overlap the one before.
            let mut drawn_to = f32::NEG_INFINITY;
            for (second, tex) in thumbs.iter().filter(|(s, _)| (start..start + PER_ROW).contains(s)) {
                let x = rect.left() + (*second - start) as f32 * cell_w;
                let w = if span > 1 { cell_h * aspect } else { cell_w }.min(rect.right() - x);
                if span > 1 && x < drawn_to {
                    continue;
                }
                drawn_to = x + w;
                let cell = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w - 1.0, cell_h));
                painter.image(tex.id(), cell, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)), egui::Color32::WHITE);
            }
            let x_of = |t: f64| rect.left() + ((t - start as f64).clamp(0.0, PER_ROW as f64) as f32) * cell_w;
            if band_h > 0.0 {
                let band = egui::Rect::from_min_size(egui::pos2(rect.left(), strip.bottom()), egui::vec2(avail, band_h));
                painter.rect_filled(band, 0.0, egui::Color32::from_gray(36));
                for s in segments {
                    let colour = match s.kind {
                        Kind::Intro => INTRO_COLOUR,
                        Kind::Recap => RECAP_COLOUR,
                        _ => egui::Color32::from_gray(150),
                    };
                    let (a, b) = (x_of(s.start_ms as f64 / 1000.0), x_of(s.end_ms as f64 / 1000.0));
                    if b > a {
                        // Verified: solid; predicted: translucent.
                        let verified = s.source == crate::segments::Source::HumanVerified;
                        painter.rect_filled(egui::Rect::from_min_max(egui::pos2(a, band.top() + 2.0), egui::pos2(b, band.bottom() - 2.0)), 2.0, if verified { colour } else { colour.gamma_multiply(0.5) });
                        // The band's edges also mark the thumbnails above.
                        painter.rect_stroke(egui::Rect::from_min_max(egui::pos2(a, rect.top()), egui::pos2(b, band.bottom() - 2.0)), 2.0, egui::Stroke::new(if verified { 3.0 } else { 2.0 }, colour), egui::StrokeKind::Inside);
                    }
                }
                // Beyond the analysed window (whole-episode view): no thumbnails per second, no curve.
                if analysed < start + PER_ROW {
                    let a = x_of(f64::from(analysed.max(start)));
                    painter.rect_filled(egui::Rect::from_min_max(egui::pos2(a, band.top()), band.max), 0.0, egui::Color32::from_gray(26));
                    if analysed > start {
                        painter.line_segment([egui::pos2(a, rect.top()), egui::pos2(a, band.bottom())], egui::Stroke::new(1.0, egui::Color32::from_gray(200)));
                        painter.text(egui::pos2(a + 3.0, band.center().y), egui::Align2::LEFT_CENTER, "end of detection window", label.clone(), egui::Color32::from_gray(150));
                    }
                }
                // Shot cuts: short ticks along the band's top, where edges snap.
                for &c in cuts.iter().filter(|c| (start as f64..(start + PER_ROW) as f64).contains(c)) {
                    let x = x_of(c);
                    painter.line_segment([egui::pos2(x, band.top()), egui::pos2(x, band.top() + 7.0)], egui::Stroke::new(1.5, CUT_COLOUR));
                }
                let points: Vec<egui::Pos2> = (start..(start + PER_ROW).min(seconds))
                    .filter_map(|t| probability.and_then(|p| p.get(t as usize)).map(|&p| (t, p)))
                    .flat_map(|(t, p)| {
                        let y = band.bottom() - 2.0 - p * (band_h - 4.0);
                        [egui::pos2(x_of(t as f64), y), egui::pos2(x_of(t as f64 + 1.0), y)]
                    })
                    .collect();
                if points.len() > 1 {
                    painter.add(egui::Shape::line(points, egui::Stroke::new(1.5, egui::Color32::from_rgb(250, 230, 120))));
                }
            }
            let strip = egui::Rect::from_min_size(rect.min, egui::vec2(avail, cell_h + band_h));
            if (start as f64..(start + PER_ROW) as f64).contains(&playhead_s) {
                let x = x_of(playhead_s);
                painter.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, strip.bottom())], egui::Stroke::new(2.0, egui::Color32::WHITE));
            }
            // Ruler: labels at least ~70 px apart, at a round number of seconds, ticks between.
            let (tick, label_every) = [(1, 5), (2, 10), (5, 30), (10, 60), (60, 300), (60, 600), (300, 1800)]
                .into_iter()
                .find(|(_, every)| *every as f32 * cell_w >= 70.0)
                .unwrap_or((600, 3600));
            for s in (0..=PER_ROW).step_by(tick as usize) {
                let t = start + s;
                if t > seconds {
                    break;
                }
                let x = rect.left() + s as f32 * cell_w;
                let major = t % label_every == 0;
                painter.line_segment(
                    [egui::pos2(x, strip.bottom()), egui::pos2(x, strip.bottom() + if major { 6.0 } else { 3.0 })],
                    egui::Stroke::new(1.0, egui::Color32::from_gray(140)),
                );
                if major && s < PER_ROW {
                    painter.text(
                        egui::pos2(x + 2.0, strip.bottom() + 3.0),
                        egui::Align2::LEFT_TOP,
                        clock(f64::from(t)),
                        label.clone(),
                        egui::Color32::from_gray(170),
                    );
                }
            }
            ui.add_space(6.0);
        }
    });
    action
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

impl App {
    /// One frame of the whole app (eframe calls it; so do the egui_kittest tests).
    pub(crate) fn show(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.poll_dialog();
        self.poll_worker(&ctx);
        // Drag and drop: a file or a folder.
        if let Some(path) = ctx.input(|i| i.raw.dropped_files.iter().find_map(|f| Some(f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()))) {
            self.open(&path);
        }
        if self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui));
        if self.episodes.len() > 1 {
            egui::Panel::left("episodes").resizable(true).default_size(220.0).show(ui, |ui| self.sidebar(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.episode_view(ui));
        self.keyboard(&ctx);
        self.poll_preview(&ctx);
        self.poll_cuts();
        self.poll_overview(&ctx);
        if self.cuts_pending.is_some() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        while let Ok(notice) = self.notices.1.try_recv() {
            self.banner = Some(notice);
        }
        if self.debug_overlay {
            let (median, p95, max) = self.frame_time_stats();
            egui::Area::new(egui::Id::unique("introskip-frame-time")).anchor(egui::Align2::RIGHT_TOP, egui::vec2(-8.0, 40.0)).show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.monospace(format!("UI frame {median:.1} ms  p95 {p95:.1}  max {max:.1}  (F12)"));
                });
            });
        }
        if self.frame_ms.len() == 240 {
            self.frame_ms.pop_front();
        }
        self.frame_ms.push_back(started.elapsed().as_secs_f32() * 1000.0);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.worker.cancel_all();
    }
}
