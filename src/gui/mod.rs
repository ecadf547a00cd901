//! The desktop app. The UI thread only draws and sends commands: sampling runs in the sampler's
//! worker thread, file dialogs in their own thread, and results arrive through channels that are
//! polled (never waited on) each frame.
//!
//! This is the foundation's window: open an episode or a season folder, watch sampling progress,
//! see the 1 FPS thumbnail timeline fill in. Detection, the intro band and editing plug in here.

use crate::error::{Error, Result};
use crate::video::{self, SamplerConfig, SamplerEvent, SamplerHandle};
use eframe::egui;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn run(path: Option<PathBuf>) -> Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("introskip")
            .with_inner_size([1280.0, 760.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    eframe::run_native(
        "introskip",
        options,
        Box::new(move |_cc| {
            let mut app = App::default();
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
    Sampling { done: usize, total: usize, started: Instant },
    Done { samples: usize, seconds: f64, note: Option<String> },
    Failed(String),
}

struct Episode {
    path: PathBuf,
    status: Status,
    info: Option<video::VideoInfo>,
    thumbnails: Vec<(u32, egui::TextureHandle)>,
}

impl Episode {
    fn name(&self) -> String {
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

#[derive(Default)]
pub struct App {
    episodes: Vec<Episode>,
    selected: usize,
    worker: Option<(usize, SamplerHandle)>,
    dialog: Option<crossbeam_channel::Receiver<Option<PathBuf>>>,
    banner: Option<String>,
    window_s: u32,
}

impl App {
    /// Open a file (one episode) or a folder (a season), replacing what was open.
    pub fn open(&mut self, path: &Path) {
        if let Some((_, worker)) = self.worker.take() {
            worker.cancel();
        }
        self.banner = None;
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
        self.episodes = files
            .into_iter()
            .map(|path| Episode { path, status: Status::Queued, info: None, thumbnails: Vec::new() })
            .collect();
        self.selected = 0;
    }

    fn window(&self) -> u32 {
        if self.window_s == 0 { 180 } else { self.window_s }
    }

    /// Start the next queued episode when the worker is free.
    fn schedule(&mut self) {
        if self.worker.is_some() {
            return;
        }
        // The selected episode first, then the rest in order.
        let order = std::iter::once(self.selected).chain(0..self.episodes.len());
        let Some(i) = order.filter(|&i| i < self.episodes.len()).find(|&i| matches!(self.episodes[i].status, Status::Queued)) else {
            return;
        };
        let config = SamplerConfig { window_s: self.window(), preprocess: None, thumbnail_height: 72, ..Default::default() };
        let handle = video::spawn_sampler(self.episodes[i].path.clone(), config);
        self.episodes[i].status = Status::Sampling { done: 0, total: self.window() as usize, started: Instant::now() };
        self.worker = Some((i, handle));
    }

    /// Take what the worker produced, within a small time budget so a frame never stalls.
    fn poll_worker(&mut self, ctx: &egui::Context) {
        let Some((i, handle)) = &self.worker else { return };
        let i = *i;
        let deadline = Instant::now() + Duration::from_millis(4);
        let mut finished = false;
        while Instant::now() < deadline {
            let Ok(event) = handle.events.try_recv() else { break };
            let episode = &mut self.episodes[i];
            match event {
                SamplerEvent::Started { info, requested } => {
                    episode.info = Some(*info);
                    if let Status::Sampling { total, .. } = &mut episode.status {
                        *total = requested;
                    }
                }
                SamplerEvent::Sample(sample) => {
                    let t = &sample.thumbnail;
                    let image = egui::ColorImage::from_rgb([t.width() as usize, t.height() as usize], t.as_raw());
                    let texture = ctx.load_texture(format!("thumb-{i}-{}", sample.second), image, egui::TextureOptions::LINEAR);
                    episode.thumbnails.push((sample.second, texture));
                    if let Status::Sampling { done, .. } = &mut episode.status {
                        *done += 1;
                    }
                }
                SamplerEvent::Finished(report) => {
                    let seconds = match &episode.status {
                        Status::Sampling { started, .. } => started.elapsed().as_secs_f64(),
                        _ => 0.0,
                    };
                    episode.status = Status::Done { samples: report.samples, seconds, note: report.note };
                    finished = true;
                    break;
                }
                SamplerEvent::Failed(e) => {
                    episode.status = Status::Failed(e.to_string());
                    finished = true;
                    break;
                }
            }
        }
        if finished {
            self.worker = None;
        }
        ctx.request_repaint_after(Duration::from_millis(30));
    }

    fn poll_dialog(&mut self) {
        let Some(rx) = &self.dialog else { return };
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.dialog = None;
                self.open(&path);
            }
            Ok(None) | Err(crossbeam_channel::TryRecvError::Disconnected) => self.dialog = None,
            Err(crossbeam_channel::TryRecvError::Empty) => {}
        }
    }

    /// rfd blocks until the user answers, so the dialog runs in its own thread.
    fn ask_path(&mut self, folder: bool) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new().set_title(if folder { "Open season folder" } else { "Open episode" });
            let picked = if folder {
                dialog.pick_folder()
            } else {
                dialog.add_filter("Video", &["mkv", "mp4", "m4v", "mov", "avi", "webm", "ts", "m2ts", "mpg"]).pick_file()
            };
            let _ = tx.send(picked);
        });
        self.dialog = Some(rx);
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("introskip");
            ui.separator();
            if ui.button("Open episode…").clicked() {
                self.ask_path(false);
            }
            if ui.button("Open season folder…").clicked() {
                self.ask_path(true);
            }
            if let Some((_, worker)) = &self.worker {
                if ui.button("Cancel analysis").clicked() {
                    worker.cancel();
                }
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
                    Status::Sampling { done, total, .. } => format!("sampling {}%", done * 100 / (*total).max(1)),
                    Status::Done { samples, .. } => format!("{samples} s sampled"),
                    Status::Failed(_) => "failed".to_string(),
                };
                let text = format!("{}\n{status}", ep.name());
                if ui.selectable_label(i == self.selected, text).clicked() {
                    self.selected = i;
                }
            }
        });
    }

    fn episode_view(&mut self, ui: &mut egui::Ui) {
        let Some(ep) = self.episodes.get(self.selected) else {
            ui.centered_and_justified(|ui| {
                ui.label("Open an episode or a season folder (File buttons above, or pass a path on the command line).");
            });
            return;
        };
        ui.heading(ep.name());
        if let Some(info) = &ep.info {
            ui.label(format!(
                "{} {}x{}{} · {} · keyframes every {}",
                info.codec,
                info.display_width,
                info.display_height,
                if info.rotation != 0 { format!(" (rotated {}°)", info.rotation) } else { String::new() },
                info.avg_fps.map_or("variable frame rate".into(), |f| format!("{f:.3} fps")),
                info.keyframe_interval_s.map_or("?".into(), |k| format!("{k:.1} s")),
            ));
        }
        match &ep.status {
            Status::Queued => {
                ui.label("Queued");
            }
            Status::Sampling { done, total, started } => {
                let fraction = *done as f32 / (*total).max(1) as f32;
                let elapsed = started.elapsed().as_secs_f32();
                let eta = if *done > 0 { elapsed / *done as f32 * (*total - (*done).min(*total)) as f32 } else { f32::NAN };
                ui.add(egui::ProgressBar::new(fraction).show_percentage().text(if eta.is_finite() {
                    format!("Sampling frames {done}/{total} · {eta:.0} s left")
                } else {
                    format!("Sampling frames {done}/{total}")
                }));
            }
            Status::Done { samples, seconds, note } => {
                ui.label(format!("{samples} frames sampled at 1 FPS in {seconds:.1} s"));
                if let Some(note) = note {
                    ui.weak(note);
                }
            }
            Status::Failed(message) => {
                ui.colored_label(egui::Color32::from_rgb(230, 90, 80), message);
            }
        }
        ui.add_space(8.0);
        let seconds = match &ep.status {
            Status::Done { samples, .. } => *samples as u32,
            Status::Sampling { total, .. } => *total as u32,
            _ => self.window(),
        };
        timeline(ui, &ep.thumbnails, seconds);
    }
}

/// The 1 FPS thumbnail strip with a time ruler, wrapped into rows of 20 seconds.
fn timeline(ui: &mut egui::Ui, thumbs: &[(u32, egui::TextureHandle)], seconds: u32) {
    const PER_ROW: u32 = 20;
    let Some((_, first)) = thumbs.first() else { return };
    let aspect = first.size_vec2().x / first.size_vec2().y.max(1.0);
    let avail = ui.available_width() - 12.0;
    let cell_w = (avail / PER_ROW as f32).max(8.0);
    let cell_h = cell_w / aspect;
    let ruler_h = 16.0;
    let label = egui::FontId::monospace(10.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for row in 0..seconds.div_ceil(PER_ROW) {
            let start = row * PER_ROW;
            let (rect, _) = ui.allocate_exact_size(egui::vec2(avail, cell_h + ruler_h), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            let strip = egui::Rect::from_min_size(rect.min, egui::vec2(avail, cell_h));
            painter.rect_filled(strip, 2.0, egui::Color32::from_gray(24));
            for (second, tex) in thumbs.iter().filter(|(s, _)| (start..start + PER_ROW).contains(s)) {
                let x = rect.left() + (*second - start) as f32 * cell_w;
                let cell = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(cell_w - 1.0, cell_h));
                painter.image(tex.id(), cell, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)), egui::Color32::WHITE);
            }
            // Ruler: a tick each second, labelled every 5 s.
            for s in 0..=PER_ROW {
                let t = start + s;
                if t > seconds {
                    break;
                }
                let x = rect.left() + s as f32 * cell_w;
                let major = t % 5 == 0;
                painter.line_segment(
                    [egui::pos2(x, strip.bottom()), egui::pos2(x, strip.bottom() + if major { 6.0 } else { 3.0 })],
                    egui::Stroke::new(1.0, egui::Color32::from_gray(140)),
                );
                if major && s < PER_ROW {
                    painter.text(
                        egui::pos2(x + 2.0, strip.bottom() + 3.0),
                        egui::Align2::LEFT_TOP,
                        format!("{}:{:02}", t / 60, t % 60),
                        label.clone(),
                        egui::Color32::from_gray(170),
                    );
                }
            }
            ui.add_space(6.0);
        }
    });
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll_dialog();
        self.poll_worker(&ctx);
        self.schedule();
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
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some((_, worker)) = self.worker.take() {
            worker.stop();
        }
    }
}
