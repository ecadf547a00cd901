//! Taking in what the background jobs made: the preview frame at the playhead, shot cuts and
//! ends of black around segment edges, and the whole-episode overview strip. Polled each frame, never waited on.

use super::*;

/// `image` as a texture's pixels, scaled down to the GPU's limit on a texture's side (2048 or
/// 4096 on some): a panorama, a side-by-side 3D frame or a tall portrait video's thumbnail is
/// shown smaller, never a crash (egui's painter asserts the limit).
pub(crate) fn texture_image(ctx: &egui::Context, image: &image::RgbImage) -> egui::ColorImage {
    let max = ctx.input(|i| i.max_texture_side).max(1) as u32;
    let fitted;
    let image = if image.width() > max || image.height() > max {
        let scale = f64::from(max) / f64::from(image.width().max(image.height()));
        let (w, h) = (((f64::from(image.width()) * scale) as u32).clamp(1, max), ((f64::from(image.height()) * scale) as u32).clamp(1, max));
        fitted = crate::image_ops::resize(image, w, h, crate::image_ops::Filter::Bilinear);
        &fitted
    } else {
        image
    };
    egui::ColorImage::from_rgb([image.width() as usize, image.height() as usize], image.as_raw())
}

impl App {
    pub(super) fn poll_preview(&mut self, ctx: &egui::Context) {
        while let Ok(update) = self.preview.updates.try_recv() {
            match update {
                preview::Update::Frame { path, t, image, playing } => {
                    let color = texture_image(ctx, &image);
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
                // The end of what is playing now, not of an episode left behind a moment ago
                // (which would offer "Next episode" at the new one's 0:00, or stop it).
                preview::Update::Ended { path } if self.preview.playing().as_ref() != Some(&path) || self.episodes.get(self.selected).is_none_or(|e| e.path != path) => {}
                preview::Update::Ended { .. } => {
                    self.playing = false;
                    self.ended_at = self.episodes.get(self.selected).map(|e| (e.path.clone(), e.playhead_s));
                }
                preview::Update::Sound(message) => self.sound_status = Some(message),
                preview::Update::Failed { path, message } => {
                    // A late failure of the episode left behind does not stop the one playing now.
                    if self.episodes.get(self.selected).is_some_and(|e| e.path == path) {
                        self.playing = false;
                    }
                    self.preview_error = Some((path, message));
                }
            }
        }
        // Playback belongs to the episode it was started on: another one selected (a folder
        // opened, ↑/↓, a click in the list) stops it, and the new one shows its still frame (an
        // outside trial: a folder opened at 4× showed "Playing" over a blank picture that no
        // key brought back, and "Next episode" at 0:00).
        if self.playing && self.preview.playing().as_deref() != self.episodes.get(self.selected).map(|e| e.path.as_path()) {
            self.preview.request(preview::Request::Pause);
            self.playing = false;
            self.preview_requested = None;
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

    /// Keep the selected episode's cuts and fades known around its segment edges and the edge being
    /// dragged, searching one stretch at a time in the background.
    pub(super) fn poll_cuts(&mut self) {
        while let Ok((path, range, found)) = self.cuts_results.1.try_recv() {
            self.cuts_pending = None;
            if let Some(ep) = self.episodes.iter_mut().find(|e| e.path == path) {
                ep.cuts_searched.push(range);
                match found {
                    Ok(edges) => {
                        for (known, found) in [(&mut ep.cuts, edges.cuts), (&mut ep.out_of_black, edges.out_of_black)] {
                            known.extend(found);
                            known.sort_by(f64::total_cmp);
                            known.dedup_by(|a, b| (*a - *b).abs() < 1e-3);
                        }
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
            let tx = self.cuts_results.0.clone();
            let asked = path.clone();
            // Pending only once its thread runs: one the system refuses is asked for again.
            let started = std::thread::Builder::new()
                .name("introskip-cuts".into())
                .spawn(move || {
                    let found = crate::video::cuts::find_edges(&path, range.0, range.1).map_err(|e| e.to_string());
                    let _ = tx.send((path, range, found));
                })
                .is_ok();
            self.cuts_pending = started.then_some((asked, range));
        }
    }

    /// Zoomed all the way out: make the selected episode's overview strip (once), and take in
    /// what the overview threads made.
    pub(super) fn poll_overview(&mut self, ctx: &egui::Context) {
        use std::sync::atomic::Ordering;
        let now = self.overview_generation.load(Ordering::Relaxed);
        while let Ok((path, made_for, msg)) = self.overview_results.1.try_recv() {
            if made_for != now {
                continue;
            }
            let Some(ep) = self.episodes.iter_mut().find(|e| e.path == path) else { continue };
            match msg {
                OverviewMsg::Length { duration_s, step } => {
                    ep.overview.duration_s = Some(duration_s);
                    ep.overview.step = step;
                }
                OverviewMsg::Done => ep.overview.finished = true,
                OverviewMsg::Thumbnail(second, image) => {
                    let color = texture_image(ctx, &image);
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
        /// Says the strip is done when the thread ends, however (a return, a panic): the loading
        /// sign goes with it, and a file that stops decoding half-way keeps a part-filled strip,
        /// not a spinner for ever.
        struct Done(crossbeam_channel::Sender<(PathBuf, u64, OverviewMsg)>, PathBuf, u64, egui::Context);
        impl Drop for Done {
            fn drop(&mut self) {
                let _ = self.0.send((self.1.clone(), self.2, OverviewMsg::Done));
                self.3.request_repaint();
            }
        }
        let spawned = std::thread::Builder::new()
            .name("introskip-overview".into())
            .spawn(move || {
                let _done = Done(tx.clone(), path.clone(), mine, repaint.clone());
                let Ok(info) = crate::video::probe(&path) else { return };
                let Some(duration_s) = info.duration_s.filter(|d| *d > 0.0) else { return };
                let step = (duration_s / OVERVIEW_THUMBNAILS).ceil().max(1.0) as u32;
                let _ = tx.send((path.clone(), mine, OverviewMsg::Length { duration_s, step }));
                let Ok(mut reader) = crate::video::frames::FrameReader::open(&path) else { return };
                let mut second: u32 = 0;
                while f64::from(second) < duration_s && generation.load(Ordering::Relaxed) == mine {
                    if let Ok((_, image)) = reader.frame_at(f64::from(second)) {
                        let small = image::imageops::thumbnail(&image, 160, (160 * image.height() / image.width().max(1)).max(1));
                        if tx.send((path.clone(), mine, OverviewMsg::Thumbnail(second, small))).is_err() {
                            return;
                        }
                        repaint.request_repaint();
                    }
                    // A duration past u32 seconds (a damaged header) must end the strip, not wrap.
                    let Some(next) = second.checked_add(step) else { break };
                    second = next;
                }
            });
        // No thread, no pictures: nothing is loading.
        if spawned.is_err() {
            ep.overview.finished = true;
        }
    }
}
