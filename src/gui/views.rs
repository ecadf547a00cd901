//! What the app draws around the timeline: the top bar (open, export, window, encoder), the
//! episode list and the episode view (status, segments, preview, playback). Drawing only: user
//! intent leaves as typed actions; nothing here starts a thread.

use super::timeline::{clock, clock_fine, timeline, Strip, TimelineAction, INTRO_COLOUR, RECAP_COLOUR, WHOLE_EPISODE, ZOOMS};
use super::*;

impl App {
    pub(super) fn top_bar(&mut self, ui: &mut egui::Ui) {
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
                self.apply(Action::CancelAnalysis);
            }
            if self.episodes.iter().any(|e| matches!(e.status, Status::Cancelled)) && ui.button("Resume analysis").clicked() {
                self.apply(Action::ResumeAnalysis);
            }
            ui.separator();
            // The detection window: typed freely, applied on Enter or when the field is left
            // (each keystroke re-analysing the season would make "600" impossible to type).
            let label = ui.label("Window");
            let field = ui.add(egui::TextEdit::singleline(&mut self.window_text).desired_width(44.0)).labelled_by(label.id).on_hover_text(format!("Seconds analysed from the start of each episode ({MIN_WINDOW_S}–{MAX_WINDOW_S}); Enter applies"));
            ui.label("s");
            if field.lost_focus() {
                match self.window_text.trim().parse::<u32>() {
                    Ok(w) => self.apply(Action::SetWindow(w)),
                    Err(_) => {
                        self.banner = Some(format!("Window: '{}' is not a number of seconds ({MIN_WINDOW_S}–{MAX_WINDOW_S})", self.window_text.trim()));
                        self.window_text = self.window_s.to_string();
                    }
                }
            }
            ui.separator();
            ui.label(format!("Encoder: {}", self.encoder));
            if ui.button("Use CLIP weights…").clicked() {
                self.ask(Pick::ClipWeights);
            }
        });
        if let Some(info) = &self.info {
            ui.label(info);
        }
        if let Some(banner) = &self.banner {
            ui.colored_label(egui::Color32::from_rgb(230, 90, 80), banner);
        }
    }

    pub(super) fn sidebar(&mut self, ui: &mut egui::Ui) {
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
                // Long names are cut to one line (the whole name on hover), never wrapped to seven.
                let name = ep.name();
                let shown = if name.chars().count() > 48 { format!("{}…", name.chars().take(47).collect::<String>()) } else { name.clone() };
                if ui.selectable_label(i == self.selected, format!("{shown}\n{status}")).on_hover_text(name).clicked() {
                    self.selected = i;
                }
            }
        });
    }

    pub(super) fn episode_view(&mut self, ui: &mut egui::Ui) {
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
                    (_, Some(c)) => {
                        // What placed the edges, from the model's answer this segment came from.
                        let found = ep.detection.as_ref().and_then(|d| {
                            d.intros.iter().chain(&d.recaps).find(|x| (x.start * 1000.0).round() as u64 == s.start_ms && (x.end * 1000.0).round() as u64 == s.end_ms)
                        });
                        let by = |list: &[crate::model::Evidence]| list.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("+");
                        let evidence = found.map_or(String::new(), |x| {
                            let repeats = if x.repeats_in > 0 { format!(", in {} other episode(s)", x.repeats_in) } else { String::new() };
                            format!("; start by {}, end by {}{repeats}", by(&x.start_by), by(&x.end_by))
                        });
                        let doubt = if f64::from(c) < crate::service::detect::UNCERTAIN { " — uncertain, check it" } else { "" };
                        format!("predicted, confidence {c:.2}{evidence}{doubt}")
                    }
                    _ => "imported".to_string(),
                };
                ui.colored_label(colour, format!("{} {} – {}", s.kind.title(), clock(s.start_ms as f64 / 1000.0), clock(s.end_ms as f64 / 1000.0)));
                ui.weak(how);
            }
            if ep.editor.segments.segments.is_empty() && ep.detection.is_some() {
                ui.weak(format!("No intro found in the first {seconds} s"));
            }
            if ep.detection.as_ref().is_some_and(|d| d.intros.iter().any(|i| seconds > 0 && i.end >= f64::from(seconds) - 0.5)) {
                ui.colored_label(INTRO_COLOUR, format!("⚠ the intro runs to the end of the {seconds} s window and may go on: raise Window"));
            }
            ui.separator();
            ui.weak(format!("playhead {}", clock_fine(ep.playhead_s)));
        });
        // The keys, on their own line, cut short rather than widening the window.
        ui.add(egui::Label::new(egui::RichText::new("F1 all keys · Space play · I / O set the intro · drag its edges (snap to cuts, green; Alt: by frame) · Delete · Ctrl+Z / Ctrl+Shift+Z · Enter verifies · Ctrl+wheel or +/− zoom · M mute · Ctrl+E export again").weak()).truncate());
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
                            action = Some(Action::SkipIntro);
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
                    action = Some(Action::TogglePlayback);
                }
                let mut muted = self.settings.muted;
                if ui.checkbox(&mut muted, "Mute (M)").changed() {
                    action = Some(Action::ToggleMute);
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
                    action = Some(Action::PlayFromPlayhead);
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
        if let Some(action) = action {
            self.apply(action);
        }
    }
}
