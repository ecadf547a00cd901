//! The top bar: open, recent, import, export, search, the window and tail fields, the time
//! format and the encoder; and the first screen, before anything is open. Drawing only: user
//! intent leaves as typed actions.

use super::*;

impl App {
    pub(super) fn top_bar(&mut self, ui: &mut egui::Ui) {
        // Wrapped: at 1024 px nothing is cut off, it takes a second line.
        ui.horizontal_wrapped(|ui| {
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
                if ui.button("Export…").on_hover_text("Chapters and labels for this episode or the season, to a folder you choose; Ctrl+E repeats the last export").clicked() {
                    self.open_export_dialog();
                }
                if ui.selectable_label(self.search.open, "Search").on_hover_text("Where else a shot appears, duplicate files, recurring scenes (Ctrl+Shift+F; Ctrl+F finds the shot at the playhead)").clicked() {
                    self.apply(Action::ToggleSearch);
                }
            }
            // A lone episode has no list to show the season's progress beside: its Cancel and
            // Resume stay here.
            if self.episodes.len() <= 1 {
                self.analysis_button(ui);
            }
            ui.separator();
            // The detection window: typed freely, applied on Enter or when the field is left
            // (each keystroke re-analysing the season would make "600" impossible to type). Its
            // own id: buttons that come and go before it (a lone episode's Cancel and Resume)
            // must not move its focus away mid-typing.
            let label = ui.label("Window");
            let field = ui.add(egui::TextEdit::singleline(&mut self.window_text).id(egui::Id::unique("window-field")).desired_width(44.0)).labelled_by(label.id).on_hover_text(format!("Seconds analysed from the start of each episode ({MIN_WINDOW_S}–{MAX_WINDOW_S}); Enter applies"));
            ui.label("s");
            if field.lost_focus() {
                match self.window_text.trim().parse::<u32>() {
                    Ok(w) => self.apply(Action::SetWindow(w)),
                    Err(_) => {
                        self.refuse(format!("Window: '{}' is not a number of seconds ({MIN_WINDOW_S}–{MAX_WINDOW_S})", self.window_text.trim()));
                        self.window_text = self.window_s.to_string();
                    }
                }
            }
            // The tail looked at for credits: the same text `--tail` takes.
            let label = ui.label("Tail");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.tail_text).id(egui::Id::unique("tail-field")).desired_width(64.0))
                .labelled_by(label.id)
                .on_hover_text("The end of each episode looked at for credits, a preview and a post-credits scene: a share ('25%', at most 10 minutes; '25%:300'), seconds ('300') or 'off'; Enter applies");
            if field.lost_focus() {
                match crate::features::tail::TailSpec::parse(&self.tail_text) {
                    Ok(t) => self.apply(Action::SetTail(t)),
                    Err(e) => {
                        self.refuse(format!("Tail: {}", e.to_string().trim_start_matches("usage: ").trim_start_matches("--tail ")));
                        self.tail_text = self.tail.short();
                    }
                }
            }
            ui.separator();
            let mut format = self.settings.time_format;
            // The label before its field, as Window and Tail have it (egui puts a combo box's own
            // label after it, where it read as a stray word).
            let label = ui.label("Times");
            // One width whatever is chosen, the widest name's: fitted to "SMPTE" the box shrank
            // and every field after it moved under the pointer (an outside trial).
            let font = egui::TextStyle::Button.resolve(ui.style());
            let widest = crate::clock::TimeFormat::ALL.iter().map(|f| ui.fonts_mut(|fonts| fonts.layout_no_wrap(f.short().to_string(), font.clone(), egui::Color32::WHITE).size().x)).fold(0.0, f32::max);
            let spacing = ui.spacing();
            let width = widest + spacing.icon_width + spacing.item_spacing.x + 2.0 * spacing.button_padding.x;
            let _ = egui::ComboBox::from_id_salt("time-format")
                .width(width)
                // The short name: the longer ones wrapped the toolbar (an outside trial's
                // clicks then missed the fields that moved down).
                .selected_text(format.short())
                .show_ui(ui, |ui| {
                    for f in crate::clock::TimeFormat::ALL {
                        ui.selectable_value(&mut format, f, f.name());
                    }
                })
                .response
                .labelled_by(label.id);
            if format != self.settings.time_format {
                self.settings.time_format = format;
                self.typed = Default::default();
                self.save_settings();
            }
            ui.separator();
            // Never broken inside: a wrapped bar moves it to the next line whole. Its name only
            // (version and size on hover), so the bar keeps to one line at 1400 px.
            let name = self.encoder.split(' ').next().unwrap_or_default();
            ui.add(egui::Label::new(format!("Encoder: {name}")).wrap_mode(egui::TextWrapMode::Extend))
                .on_hover_text(format!("{}: turns each sampled frame into the features the model reads", self.encoder));
            if ui.button("Use CLIP weights…").clicked() {
                self.ask(Pick::ClipWeights);
            }
        });
        // One status line, always there (a message appearing never moves the layout below):
        // a problem in the error colour, else the last success.
        // Clock times in it (an export's refusal, "'Recap' at 0:50.349") in the time format
        // chosen now: restated as drawn, so a message follows a change of format. One about
        // several episodes (a season export's "Not written: A: …; B: …") at the frame rate of
        // the episode whose file began the reason (the part, or the last before it that began
        // with one): SMPTE frames counted at the selected one's misread the others'. Where that
        // episode's rate is not known, frames are not guessed: its times stay as written.
        let shown = |text: &str| {
            let mut fps = Some(self.fps());
            let parts: Vec<String> = text
                .split("; ")
                .map(|part| {
                    fps = self.fps_named_in(part).unwrap_or(fps);
                    match (fps, self.settings.time_format) {
                        (Some(fps), format) => crate::clock::restate(part, |t| format.show(t, fps)),
                        (None, crate::clock::TimeFormat::Timecode) => crate::clock::restate(part, |t| crate::clock::TimeFormat::Timecode.show(t, 25.0)),
                        (None, _) => part.to_string(),
                    }
                })
                .collect();
            parts.join("; ")
        };
        let line = match (&self.banner, &self.info) {
            (Some(banner), _) => egui::RichText::new(shown(banner)).color(egui::Color32::from_rgb(230, 90, 80)),
            (None, Some(info)) => egui::RichText::new(shown(info)),
            (None, None) => egui::RichText::new(" "),
        };
        // Cut short, the label shows its whole text on hover by itself (a hover text of our own
        // stacked a second copy under it).
        ui.add(egui::Label::new(line).truncate());
    }

    /// Nothing open: what the app is for and the first steps, with the demo season one click away.
    pub(super) fn first_run(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(60.0);
            ui.heading("Find, correct and export the intros of a season");
            ui.add_space(8.0);
            ui.label("Open an episode or a season folder (the buttons above, drag and drop, or a path on the command line).");
            ui.label("introskip finds the intro (and recaps) in the first minutes of each episode; in a season it checks what repeats.");
            ui.add_space(12.0);
            let demo = crate::paths::demo_dir();
            if demo.is_dir() {
                if ui.button(egui::RichText::new("Open the demo season").size(16.0)).clicked() {
                    self.open(&demo);
                }
            } else {
                ui.weak(format!("The demo season is not built yet: scripts/demo.sh builds it into {}", demo.display()));
            }
            ui.add_space(12.0);
            ui.weak("Then: Space plays · I / O set the intro at the playhead · Enter verifies · N goes to the next episode to check · F1 lists every key");
        });
    }
}
