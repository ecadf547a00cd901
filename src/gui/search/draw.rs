//! The search panel drawn: tabs, the scope, the question's controls and the answer's places,
//! clicks turned into actions ([`super::Panel`] holds the state, [`super::answer`] the answers).

use super::*;

/// A line to type words into and its Find button: true when asked (the button, or Enter in the field).
fn words_field(ui: &mut egui::Ui, text: &mut String, hint: &str) -> bool {
    ui.horizontal(|ui| {
        let field = ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(180.0));
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.button("Find").clicked() || enter
    })
    .inner
}

/// Thumbnails drawn in the panel (the timeline's per-second ones, scaled).
const THUMB_W: f32 = 96.0;

/// Where clicking a place goes: the open episode, else its file opened (with its season).
fn go_to(open: Option<usize>, path: &Path, second: u32) -> Action {
    match open {
        Some(episode) => Action::GoTo { episode, second },
        None => Action::OpenAt { path: path.to_path_buf(), second },
    }
}

/// A picture at thumbnail width, clickable; a grey box while there is none.
fn picture_or_box(ui: &mut egui::Ui, texture: Option<&egui::TextureHandle>) -> egui::Response {
    match texture {
        Some(t) => {
            let size = t.size_vec2();
            ui.add(egui::Image::new((t.id(), egui::vec2(THUMB_W, THUMB_W * size.y / size.x.max(1.0)))).sense(egui::Sense::click()))
        }
        None => {
            let (rect, response) = ui.allocate_exact_size(egui::vec2(THUMB_W, THUMB_W * 9.0 / 16.0), egui::Sense::click());
            ui.painter().rect_filled(rect, 2.0, egui::Color32::from_gray(40));
            response
        }
    }
}

impl App {
    /// The search panel (right side), drawing only: clicks become actions.
    pub(in crate::gui) fn search_panel(&mut self, ui: &mut egui::Ui) {
        let mut action = None;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.strong("Search");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button("Close").on_hover_text("Close the search panel (Ctrl+Shift+F)").clicked() {
                    action = Some(Action::ToggleSearch);
                }
            });
        });
        ui.horizontal(|ui| {
            for (tab, name) in [(Tab::Shot, "Shot"), (Tab::Words, "Words"), (Tab::OnScreen, "On screen"), (Tab::Duplicates, "Duplicates"), (Tab::Scenes, "Scenes")] {
                if ui.selectable_label(self.search.tab == tab, name).clicked() {
                    self.search.tab = tab;
                }
            }
        });
        let tab = self.search.tab;
        if tab.reaches_library() {
            ui.horizontal(|ui| {
                ui.label("Look in");
                if ui.selectable_label(self.search.scope == Scope::Season, "This season").on_hover_text("The open episodes").clicked() {
                    self.search.scope = Scope::Season;
                }
                let hint = "Every episode under a library folder (seasons in their folders): analysed once, then read from the cache";
                if ui.selectable_label(self.search.scope == Scope::Library, "Library").on_hover_text(hint).clicked() {
                    match self.search.library {
                        Some(_) => self.search.scope = Scope::Library,
                        None => action = Some(Action::ChooseLibrary),
                    }
                }
                if self.search.scope == Scope::Library {
                    if let Some(folder) = &self.search.library {
                        ui.weak(folder.file_name().map_or_else(|| folder.display().to_string(), |n| n.to_string_lossy().into_owned())).on_hover_text(folder.display().to_string());
                    }
                    if ui.small_button("Change…").on_hover_text("Choose the library folder").clicked() {
                        action = Some(Action::ChooseLibrary);
                    }
                }
            });
        }
        ui.separator();
        let analysed = self.episodes.iter().filter(|e| matches!(e.status, Status::Done { .. })).count();
        let pending = self.search.pending.iter().find(|(q, _)| Tab::of(*q) == tab).copied();
        let in_library = tab.reaches_library() && self.search.scope == Scope::Library && self.search.library.is_some();
        match tab {
            Tab::Shot => {
                ui.label(if in_library {
                    "Where the library shows a shot: right-click a thumbnail or the picture, or press Ctrl+F for the shot at the playhead."
                } else {
                    "Where else the season shows a shot: right-click a thumbnail or the picture, or press Ctrl+F for the shot at the playhead."
                });
                if ui.button("Find the shot at the playhead (Ctrl+F)").clicked() {
                    action = self.find_shot_at_playhead();
                }
            }
            Tab::Words => {
                if self.encoder.starts_with("clip") {
                    ui.label("Frames ranked by how well CLIP finds the words in them (best first; CLIP's scores sit in a narrow band, so only the order speaks).");
                } else {
                    ui.colored_label(egui::Color32::from_rgb(230, 170, 80), WORDS_NEED_CLIP);
                }
                if words_field(ui, &mut self.search.words, "title card") {
                    action = Some(Action::Find(Query::Words));
                }
            }
            Tab::OnScreen => {
                ui.label("Frames of the season whose on-screen text holds every word (title cards, credits, captions, signs), read by Tesseract once per episode: the first search of a season takes a few seconds an episode.");
                if words_field(ui, &mut self.search.screen_words, "previously on") {
                    action = Some(Action::Find(Query::OnScreen));
                }
            }
            Tab::Duplicates => {
                ui.label(format!(
                    "Files that hold the same episode (another encode or cut){}: at least {:.0} % of each one's analysed window plays in the other.",
                    if in_library { " anywhere in the library" } else { "" },
                    DUPLICATE_SHARE * 100.0
                ));
                if ui.button("Find duplicate episodes").clicked() {
                    action = Some(Action::Find(Query::Duplicates));
                }
            }
            Tab::Scenes => {
                ui.label("The places and set-ups the season returns to: its shots clustered, those seen in two or more episodes.");
                if ui.button("Find recurring scenes").clicked() {
                    action = Some(Action::Find(Query::Scenes));
                }
            }
        }
        if let Some((query, ticket)) = pending {
            ui.horizontal(|ui| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                ui.spinner();
                match self.search.progress.filter(|(t, _, _)| *t == ticket) {
                    Some((_, done, total)) if done >= total => {
                        ui.weak("Searching the library…");
                    }
                    Some((_, done, total)) => {
                        ui.weak(format!("Reading the library: {done} of {} (new ones are analysed once, then cached)", crate::words::count(total, "episode", "episodes")));
                        if ui.small_button("Stop").on_hover_text("Stop reading the library (what is cached stays cached)").clicked() {
                            action = Some(Action::StopSearch(query));
                        }
                    }
                    None => {
                        ui.weak(if analysed < self.episodes.len() { "Searching (after the episode being analysed)…" } else { "Searching…" });
                    }
                }
            });
        }
        ui.separator();
        if let Some(answer) = self.search.answer(tab).cloned() {
            let name = |path: &Path| crate::service::episode_stem(path);
            let scope = match &answer.library {
                Some(folder) => {
                    let unread = match answer.unread.len() {
                        0 => String::new(),
                        n => format!(", {} could not be read", crate::words::count(n, "file", "files")),
                    };
                    format!("{} of the library \"{}\" searched{unread}", crate::words::count(answer.searched, "episode", "episodes"), folder.file_name().map_or_else(|| folder.display().to_string(), |n| n.to_string_lossy().into_owned()))
                }
                None if answer.searched < self.episodes.len() => format!("{} of {} episodes searched (the others are not analysed yet; search again when they are)", answer.searched, self.episodes.len()),
                None => format!("all {} episodes searched", answer.searched),
            };
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                match &answer.found {
                    Err(why) => {
                        ui.colored_label(egui::Color32::from_rgb(230, 90, 80), why);
                    }
                    Ok(Found::Shots(places)) => {
                        if answer.query == Query::Words {
                            ui.strong(format!("Best matches for \"{}\"", answer.words.trim()));
                        }
                        if answer.query == Query::OnScreen {
                            ui.strong(format!("\"{}\" on screen", answer.words.trim()));
                        }
                        if let (Query::Shot { second, .. }, Some((path, picture))) = (answer.query, &answer.shot) {
                            let shot = Place { path: path.clone(), episode: self.open_index(path), from: second, to: second, second, similarity: 1.0, line: String::new(), picture: picture.clone() };
                            ui.horizontal(|ui| {
                                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                                self.place_picture(ui, &shot);
                                ui.vertical(|ui| {
                                    ui.strong("The shot");
                                    ui.label(format!("{} at {}", name(path), self.time(f64::from(second))));
                                });
                            });
                        }
                        let in_episodes: std::collections::BTreeSet<&Path> = places.iter().map(|p| p.path.as_path()).collect();
                        ui.weak(match places.len() {
                            0 if answer.query == Query::Words => format!("No frame to rank ({scope})"),
                            0 if answer.query == Query::OnScreen => format!("No on-screen text holds those words ({scope})"),
                            0 => format!("Not found anywhere else ({scope}; the same shot is at least {:.0} % alike)", SHOT_SIMILARITY * 100.0),
                            n => format!("Found in {} in {}; {scope}", crate::words::count(n, "place", "places"), crate::words::count(in_episodes.len(), "episode", "episodes")),
                        });
                        for place in places {
                            let score = match answer.query {
                                Query::Words => format!("{:.3}", place.similarity),
                                Query::OnScreen => format!("\"{}\"", place.line),
                                _ => format!("{:.0} %", place.similarity * 100.0),
                            };
                            // A library's place in an episode that is not open says its folder too.
                            let named = match (&answer.library, place.episode, place.path.parent().and_then(Path::file_name)) {
                                (Some(_), None, Some(folder)) => format!("{} / {}", folder.to_string_lossy(), name(&place.path)),
                                _ => name(&place.path),
                            };
                            let label = format!("{named}  {} – {}  ·  {score}", self.time(f64::from(place.from)), self.time(f64::from(place.to) + 1.0));
                            if self.place_row(ui, place, &label) {
                                action = Some(go_to(place.episode, &place.path, place.second));
                            }
                        }
                    }
                    Ok(Found::Duplicates(pairs)) => {
                        ui.weak(match pairs.len() {
                            0 => format!("No two files hold the same episode ({scope})"),
                            n => format!("{} of files {} the same episode; {scope}", crate::words::count(n, "pair", "pairs"), if n == 1 { "holds" } else { "hold" }),
                        });
                        for pair in pairs {
                            let [a, b] = &pair.paths;
                            ui.separator();
                            ui.label(format!("{}  and  {}", name(a), name(b)));
                            if answer.library.is_some() {
                                // Across a library, names alone may not tell the files apart.
                                for p in [a, b] {
                                    ui.weak(crate::error::printable(&p.parent().map_or_else(String::new, |d| d.display().to_string())));
                                }
                            }
                            ui.weak(format!("{:.0} % of the first plays in the second, {:.0} % of the second in the first", pair.share_a * 100.0, pair.share_b * 100.0));
                            ui.horizontal_wrapped(|ui| {
                                for &(a0, a1, b0, b1) in pair.ranges.iter().take(6) {
                                    let text = format!("{}–{} is {}–{}", self.time(a0), self.time(a1), self.time(b0), self.time(b1));
                                    if ui.link(text).on_hover_text(format!("Go to {} at {}", name(a), self.time(a0))).clicked() {
                                        action = Some(go_to(pair.open[0], a, a0.floor().max(0.0) as u32));
                                    }
                                }
                                if pair.ranges.len() > 6 {
                                    ui.weak(format!("and {} more", pair.ranges.len() - 6));
                                }
                            });
                            ui.horizontal(|ui| {
                                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                                for (k, p) in pair.paths.iter().enumerate() {
                                    let verb = if pair.open[k].is_some() { "Show" } else { "Open" };
                                    if ui.button(format!("{verb} {}", name(p))).on_hover_text(p.display().to_string()).clicked() {
                                        action = Some(go_to(pair.open[k], p, 0));
                                    }
                                }
                            });
                        }
                    }
                    Ok(Found::Scenes(scenes)) => {
                        ui.weak(match scenes.len() {
                            0 => format!("No scene recurs in two episodes ({scope})"),
                            n => format!("{}, most episodes first; {scope}", crate::words::count(n, "recurring scene", "recurring scenes")),
                        });
                        for (k, scene) in scenes.iter().enumerate() {
                            ui.separator();
                            ui.label(format!("Scene {}: {} episodes, {} s in all", k + 1, scene.episodes, scene.seconds));
                            // One strip per scene: a picture of each place, clicking goes there.
                            egui::ScrollArea::horizontal().id_salt(("scene", k)).show(ui, |ui| {
                                ui.horizontal(|ui| {
                                    for place in &scene.places {
                                        ui.vertical(|ui| {
                                            let clicked = self.place_picture(ui, place).clicked();
                                            let link = ui.small(format!("{} {}", name(&place.path), self.time(f64::from(place.from))));
                                            if clicked || link.clicked() {
                                                action = Some(go_to(place.episode, &place.path, place.second));
                                            }
                                        });
                                    }
                                });
                            });
                        }
                    }
                }
                for note in &answer.notes {
                    ui.weak(crate::error::printable(note));
                }
                if !answer.unread.is_empty() {
                    ui.separator();
                    for line in answer.unread.iter().take(5) {
                        ui.weak(crate::error::printable(line));
                    }
                    if answer.unread.len() > 5 {
                        ui.weak(format!("and {} more", answer.unread.len() - 5));
                    }
                }
            });
        } else if pending.is_none() {
            ui.weak(format!("{analysed} of {} episodes analysed", self.episodes.len()));
        }
        if let Some(action) = action {
            self.apply(action);
        }
    }

    /// The open episode at `path`, if it is open.
    /// Matched as [`Answer::reindex`] matches: the same path, else the same file.
    pub(in crate::gui) fn open_index(&self, path: &Path) -> Option<usize> {
        self.episodes.iter().position(|e| e.path == path).or_else(|| {
            let file = std::fs::canonicalize(path).ok()?;
            self.episodes.iter().position(|e| std::fs::canonicalize(&e.path).ok().as_ref() == Some(&file))
        })
    }

    /// One place: its picture and a line; true when clicked.
    fn place_row(&mut self, ui: &mut egui::Ui, place: &Place, label: &str) -> bool {
        ui.horizontal(|ui| {
            // Cut at the panel's edge (the whole line on hover): a long answer must not widen
            // the panel and squeeze the editor beside it.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            let picture = self.place_picture(ui, place);
            let line = ui.selectable_label(false, label).on_hover_text(if place.episode.is_some() { format!("{label}\nGo there") } else { format!("{label}\nOpen {} there", place.path.display()) });
            picture.clicked() || line.clicked()
        })
        .inner
    }

    /// A place's picture: the open episode's sampled thumbnail, else the one the answer brought.
    fn place_picture(&mut self, ui: &mut egui::Ui, place: &Place) -> egui::Response {
        // An open episode's own thumbnail, once it has one (a kept library place whose
        // episode was just opened shows the picture it brought until then).
        if let Some(episode) = place.episode {
            if place.picture.is_none() || self.episodes.get(episode).is_some_and(|e| e.thumbnails.iter().any(|(s, _)| *s == place.second)) {
                return self.thumbnail(ui, episode, place.second);
            }
        }
        let key = (place.path.clone(), place.second);
        let texture = match (self.search.pictures.get(&key), &place.picture) {
            (Some(t), _) => Some(t.clone()),
            (None, Some(picture)) => {
                let color = crate::gui::background::texture_image(ui.ctx(), picture);
                let t = ui.ctx().load_texture(format!("found-{}-{}", place.path.display(), place.second), color, egui::TextureOptions::LINEAR);
                self.search.pictures.insert(key, t.clone());
                Some(t)
            }
            (None, None) => None,
        };
        picture_or_box(ui, texture.as_ref())
    }

    /// The episode's sampled thumbnail at `second` (a grey box while there is none), clickable.
    fn thumbnail(&self, ui: &mut egui::Ui, episode: usize, second: u32) -> egui::Response {
        let texture = self.episodes.get(episode).and_then(|e| e.thumbnails.iter().find(|(s, _)| *s == second).map(|(_, t)| t));
        picture_or_box(ui, texture)
    }

    /// Ctrl+F: the shot at the selected episode's playhead, if the episode is analysed.
    pub(in crate::gui) fn find_shot_at_playhead(&mut self) -> Option<Action> {
        let ep = self.episodes.get(self.selected)?;
        if !matches!(ep.status, Status::Done { .. }) {
            self.refuse(format!("{}: not analysed yet; search once its analysis is done", ep.name()));
            return None;
        }
        Some(Action::Find(Query::Shot { episode: self.selected, second: ep.playhead_s.max(0.0).floor() as u32 }))
    }
}
