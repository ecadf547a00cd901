//! The episode list beside the timeline: the season's progress with Cancel / Resume under it,
//! the review filter and counts, and one two-line row per episode. Drawing only: a click leaves
//! as the chosen episode; nothing here starts a thread.

use super::*;

impl App {
    /// Cancel analysis while an episode is queued or analysed, and Resume analysis where one was
    /// cancelled: both at once where an episode opened after a cancel is being analysed (the
    /// cancelled ones had no button until it finished).
    pub(super) fn analysis_button(&mut self, ui: &mut egui::Ui) {
        let pending = self.episodes.iter().any(|e| matches!(e.status, Status::Queued | Status::Analysing { .. }));
        let cancelled = self.episodes.iter().any(|e| e.resumable());
        if pending && ui.button("Cancel analysis").clicked() {
            self.apply(Action::CancelAnalysis);
        } else if cancelled && ui.button("Resume analysis").clicked() {
            self.apply(Action::ResumeAnalysis);
        }
    }

    pub(super) fn sidebar(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.strong(format!("Episodes ({})", self.episodes.len()));
        // The review queue: labellers clear a season by exception.
        let verified = self.episodes.iter().filter(|e| e.editor.is_verified()).count();
        let uncertain = self.episodes.iter().filter(|e| App::is_uncertain(e)).count();
        // A file that could not be read is not one to check: it is counted apart.
        let failed = self.episodes.iter().filter(|e| matches!(e.status, Status::Failed(_)) && !e.editor.is_verified()).count();
        let unreadable = if failed > 0 { format!(" · {failed} unreadable") } else { String::new() };
        // "To check" is what the filter of that name lists: every unverified episode that can be
        // read, analysed or not (the bar under it says how many are analysed).
        ui.weak(format!("{verified} verified · {} to check · {uncertain} uncertain{unreadable}", self.episodes.len() - verified - failed));
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("shown")
                .selected_text(match self.review {
                    Review::All => "All",
                    Review::ToCheck => "To check",
                    Review::Uncertain => "Uncertain",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.review, Review::All, "All");
                    ui.selectable_value(&mut self.review, Review::ToCheck, "To check");
                    ui.selectable_value(&mut self.review, Review::Uncertain, "Uncertain");
                });
            if ui.button("Next to check (N)").on_hover_text("The next unverified episode, least confident first").clicked() {
                self.apply(Action::NextToCheck);
            }
        });
        // The season's progress: how many are done, and about how long the rest take (from the
        // episodes analysed so far in this session; cached ones cost nothing and are left out).
        let pending = self.episodes.iter().filter(|e| matches!(e.status, Status::Queued | Status::Analysing { .. })).count();
        // Always there while the list is (a season of two or more), with Cancel or Resume beside
        // it: in the top bar those came and went with the analysis, and the bar's second line
        // with them (the timeline jumped 24 px when the season finished: an outside trial under
        // Xvfb). While some episodes are still analysed, cancelled ones wait for Ctrl+R or the
        // end of the rest.
        if !self.episodes.is_empty() {
            let done = self.episodes.iter().filter(|e| matches!(e.status, Status::Done { .. })).count();
            let times: Vec<f64> = self.episodes.iter().filter_map(|e| match e.status {
                Status::Done { cached: false, seconds, .. } => Some(seconds),
                _ => None,
            }).collect();
            let left = (!times.is_empty()).then(|| {
                let each = times.iter().sum::<f64>() / times.len() as f64;
                let running: f64 = self.episodes.iter().filter_map(|e| match &e.status {
                    Status::Analysing { sampled, encoded, total, .. } => Some(Status::done_share(*sampled, *encoded, *total)),
                    _ => None,
                }).sum();
                (pending as f64 - running).max(0.0) * each
            });
            let eta = left.filter(|_| pending > 0).map_or(String::new(), |s| format!(" · about {} left", crate::clock::clock(s.ceil(), 0, true)));
            let n = self.episodes.len();
            // Unreadable files are finished with too: the bar is full and says so.
            let failed = self.episodes.iter().filter(|e| matches!(e.status, Status::Failed(_))).count();
            let text = match (done + failed == n, failed) {
                (true, 0) => format!("all {n} analysed"),
                (true, _) => format!("{done} of {n} analysed · {failed} unreadable"),
                _ => format!("{done} of {n} analysed{eta}"),
            };
            // The bar the panel's whole width (beside the button it cut "about 0:0…"), the button
            // under it in a line kept while it comes and goes.
            ui.add(egui::ProgressBar::new((done + failed) as f32 / n as f32).text(text));
            ui.horizontal(|ui| {
                ui.set_min_height(ui.spacing().interact_size.y);
                self.analysis_button(ui);
            });
        }
        ui.separator();
        let mut chosen = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            if !self.episodes.iter().any(|e| self.listed(e)) {
                ui.weak(match self.review {
                    Review::Uncertain => "No episode is uncertain",
                    _ => "Every episode is verified",
                });
            }
            for (i, ep) in self.episodes.iter().enumerate().filter(|(_, e)| self.listed(e)) {
                // A verified episode says so whatever its analysis does: the human's answer is the
                // one that counts. One a human changed but did not verify says "edited", one
                // whose labels came from another tool "imported" (a labeller passing down the
                // list sees where work was done; an outside trial).
                let edited = match ep.editor.is_verified() {
                    true => None,
                    false => {
                        let labels = &ep.editor.segments;
                        if !labels.absent.is_empty() || labels.segments.iter().any(|s| s.source == crate::segments::Source::HumanEdited) {
                            Some("edited")
                        } else if labels.segments.iter().any(|s| s.source == crate::segments::Source::Imported) {
                            Some("imported")
                        } else {
                            None
                        }
                    }
                };
                // Each episode's times at its own frame rate (SMPTE, frames): a season may mix them.
                let time = |t: f64| self.settings.time_format.show(t, ep.lanes.fps.unwrap_or_else(|| self.fps()));
                let verified = || (ep.editor.is_verified() || edited.is_some()).then(|| {
                    let mark = edited.unwrap_or("verified");
                    match ep.editor.intro() {
                        Some(i) => format!("{mark}: intro {} – {}", time(i.start_ms as f64 / 1000.0), time(i.end_ms as f64 / 1000.0)),
                        None => format!("{mark}: no intro"),
                    }
                });
                let status = match &ep.status {
                    Status::Queued => verified().map_or_else(|| "queued".to_string(), |v| format!("{v} · queued")),
                    Status::Analysing { sampled, encoded, total, .. } => format!("analysing {:.0}%", Status::done_share(*sampled, *encoded, *total) * 100.0),
                    Status::Done { samples, cached, .. } => {
                        let mark = match (ep.editor.is_verified(), edited, App::is_uncertain(ep)) {
                            (true, _, _) => "verified: ".to_string(),
                            (_, Some(m), true) => format!("{m}, uncertain: "),
                            (_, Some(m), false) => format!("{m}: "),
                            (_, None, true) => "uncertain: ".to_string(),
                            _ => String::new(),
                        };
                        match (ep.editor.intro(), &ep.detection) {
                            (Some(i), _) => format!("{mark}intro {} – {}", time(i.start_ms as f64 / 1000.0), time(i.end_ms as f64 / 1000.0)),
                            (None, Some(_)) => format!("{mark}no intro"),
                            (None, None) => format!("{mark}{samples} s analysed{}", if *cached { " (cached)" } else { "" }),
                        }
                    }
                    // Why, in short, in the error colour (the whole line on hover): a labeller
                    // passing down the list sees which file is broken without opening it.
                    Status::Failed(why) => {
                        let path = ep.path.display().to_string();
                        let why = why.strip_prefix(&path).and_then(|w| w.strip_prefix(": ")).unwrap_or(why);
                        let why = if why.chars().count() > 40 { format!("{}…", why.chars().take(39).collect::<String>()) } else { why.to_string() };
                        format!("unreadable: {why}")
                    }
                    Status::Cancelled => verified().map_or_else(|| "analysis cancelled".to_string(), |v| format!("{v} · analysis cancelled")),
                };
                // Answered, but its tail or its check cancelled: not finished, the list says so.
                let status = if ep.unfinished { format!("unfinished · {status}") } else { status };
                // Long names are cut to one line (the whole name on hover), never wrapped to seven.
                let name = ep.name();
                let shown = if name.chars().count() > 48 { format!("{}…", name.chars().take(47).collect::<String>()) } else { name.clone() };
                let (text, hover) = match &ep.status {
                    Status::Failed(why) => (egui::RichText::new(format!("{shown}\n{status}")).color(egui::Color32::from_rgb(230, 90, 80)), format!("{name}\n{why}")),
                    _ => (egui::RichText::new(format!("{shown}\n{status}")), name),
                };
                // Two rows whatever the lines hold: a row that grew to three when its answer came
                // moved the rows under it, and a click meant for one landed on the next (an
                // outside trial). What does not fit ends in "…" (the whole on hover).
                let mut job = egui::text::LayoutJob::default();
                text.append_to(&mut job, ui.style(), egui::FontSelection::Default, egui::Align::Center);
                job.wrap = egui::text::TextWrapping { max_width: ui.available_width() - 2.0 * ui.spacing().button_padding.x, max_rows: 2, break_anywhere: true, overflow_character: Some('…') };
                let galley = ui.fonts_mut(|f| f.layout_job(job));
                let hover = if matches!(ep.status, Status::Failed(_)) { hover } else { format!("{hover}\n{status}") };
                if ui.selectable_label(i == self.selected, galley).on_hover_text(hover).clicked() {
                    chosen = Some(i);
                }
            }
        });
        if let Some(i) = chosen {
            self.selected = i;
            self.picked = true;
            self.follow_playhead = true;
        }
    }
}
