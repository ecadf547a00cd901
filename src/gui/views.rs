//! The episode view around the timeline: status, segments, preview, playback and the
//! timeline itself. Drawing only: user intent leaves as typed actions; nothing here starts a
//! thread. The top bar is `top_bar`, the spans around the credits `end_spans`.

use super::timeline::{kind_colour, timeline, Frames, Strip, TimelineAction, View, Wave, FRAMES_PER_ROW, INTRO_COLOUR, PROBABILITY_COLOUR, SILENCE_COLOUR, WAVE_COLOUR, WHOLE_EPISODE, ZOOMS};
use super::end_spans::{previews_over_credits, story_after_credits, story_among_credits};
use super::*;

impl App {
    pub(super) fn episode_view(&mut self, ui: &mut egui::Ui) {
        let window_s = self.window_s;
        let offers = self.offers();
        if self.episodes.is_empty() {
            self.first_run(ui);
            return;
        }
        let fmt = self.settings.time_format;
        let fps = self.fps();
        let time = move |t: f64| fmt.show(t, fps);
        let edit_kind = self.edit_kind;
        let frames_zoom = self.frames_zoom();
        let mut typed = std::mem::take(&mut self.typed);
        let mut refused = None;
        // A time typed into Start or End and applied: an earlier refusal of a typed time no
        // longer stands beside it.
        let mut typed_ok = false;
        let held_h = if self.dragging.is_some() { self.segments_h } else { 0.0 };
        let mut segments_h = self.segments_h;
        // The lines above the preview never shrink while the season is open (each episode's
        // notes, an edit, an undo change their height): the preview and the timeline stay put
        // under the pointer instead of moving by a line or two.
        // (At this width: a wider window wraps less, and starts again from its own height.)
        let width = ui.available_width();
        let head_min = if (self.head_h.0 - width).abs() < 1.0 { self.head_h.1 } else { 0.0 };
        let several = self.episodes.len() > 1;
        let Some(ep) = self.episodes.get_mut(self.selected) else { return };
        ep.editor.clock = (fmt, fps);
        let unreadable = matches!(ep.status, Status::Failed(_));
        let head = ui.scope(|ui| {
            ui.set_min_height(head_min);
            ui.heading(ep.name());
            let seconds = match &ep.status {
                Status::Queued => {
                    ui.label("Queued");
                    window_s
                }
                Status::Analysing { sampled, encoded, total, started } => {
                    let elapsed = started.elapsed().as_secs_f32();
                    // Time left in sampling only while it samples: CLIP encodes after it (its
                    // own bar moves then), so "0 s left" would stand beside seconds of work.
                    let eta = if *sampled > 0 && *sampled < *total { elapsed / *sampled as f32 * total.saturating_sub(*sampled) as f32 } else { f32::NAN };
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
                    match ep.checking {
                        Some(super::worker::Checking::Neighbours(with)) => {
                            ui.weak(format!("judging it again with up to {with} more {} of its folder…", if with == 1 { "episode" } else { "episodes" }));
                        }
                        Some(super::worker::Checking::Title) => {
                            ui.weak("the model's answer; reading the series' title on screen to check it…");
                        }
                        None => {}
                    }
                    // Why the analysis kept no intro says nothing once a human decided it (an intro
                    // set by hand, or none verified): those parts of the judgement are left out.
                    let decided = ep.editor.intro().is_some_and(|s| s.source != crate::segments::Source::Predicted) || ep.editor.segments.absent.contains(&crate::segments::Kind::Intro);
                    let said: Vec<&str> = ep.judgement.iter().map(String::as_str).filter(|note| !(decided && (note.starts_with("no intro") || note.starts_with("judged alone")))).collect();
                    if !said.is_empty() {
                        // In the time format chosen, as every other time here.
                        let said = crate::clock::restate(&said.join("; "), time);
                        // An intro cut off by the window is a check to make, in the intro's colour
                        // (as the app's own line said it before the rule moved to the judgement).
                        if said.contains(crate::service::detect::GOES_ON) {
                            ui.colored_label(INTRO_COLOUR, said);
                        } else {
                            ui.weak(said);
                        }
                    }
                    // Credits found by the season's end theme say so until a human sets the credits.
                    let credits_decided = ep.editor.first_of(crate::segments::Kind::Credits).is_some_and(|s| s.source != crate::segments::Source::Predicted);
                    if !ep.tail_said.is_empty() && !credits_decided {
                        ui.weak(crate::clock::restate(&ep.tail_said.join("; "), time));
                    }
                    if let Some(why) = &ep.tail_missing {
                        ui.weak(why);
                    }
                    // An intro edited (not verified) while the answer was being checked or the
                    // season judged: the answer that came after is said where it differs, or a
                    // labeller who fixed one edge verifies the model's other, wrong, one (an
                    // outside trial: the start set by hand, the end still the first answer's).
                    // Only an answer that came after the edit: one the labeller had already
                    // seen and corrected is no news (an outside trial read the line, shown after
                    // every edit, as the model changing its mind).
                    let edited = ep.editor.intro().filter(|s| s.source == crate::segments::Source::HumanEdited);
                    if let (Some(yours), Some(((s, e), (a, b)))) = (edited, ep.late_answer) {
                        if (yours.start_ms, yours.end_ms) == (s, e) {
                            let undo = if ep.editor.can_undo() { " (Ctrl+Z takes your last edit back)" } else { "" };
                            ui.colored_label(INTRO_COLOUR, format!("the model's answer that came after your edit: intro {} – {}; yours stands{undo}", fmt.show(a, fps), fmt.show(b, fps)));
                        }
                    }
                    if ep.unfinished {
                        ui.weak("cancelled before its credits were looked for or this answer was checked: Resume analysis (Ctrl+R) finishes it");
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
            let listed = ui.scope(|ui| {
                ui.set_min_height(held_h);
                ui.horizontal_wrapped(|ui| {
                    let episode_verified = ep.editor.is_verified();
                    let span = |s: &crate::segments::Segment| format!("{} – {}", time(s.start_ms as f64 / 1000.0), time(s.end_ms as f64 / 1000.0));
                    for s in &ep.editor.segments.segments {
                        let how = match (s.source, s.confidence) {
                            (crate::segments::Source::HumanVerified, _) if episode_verified => "verified".to_string(),
                            // An edit since took the episode's verification back (a deleted intro, say):
                            // this segment was confirmed, the episode as a whole is not any more.
                            (crate::segments::Source::HumanVerified, _) => "verified before the last edit (Enter verifies the episode again)".to_string(),
                            (crate::segments::Source::HumanEdited, _) => "edited, not verified yet (Enter verifies)".to_string(),
                            (_, Some(c)) => {
                                // What placed the edges, from the model's answer this segment came from.
                                let found = ep.detection.as_ref().and_then(|d| {
                                    d.intros.iter().chain(&d.recaps).find(|x| (x.start * 1000.0).round() as u64 == s.start_ms && (x.end * 1000.0).round() as u64 == s.end_ms)
                                });
                                let by = |list: &[crate::model::Evidence]| list.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("+");
                                let evidence = found.map_or(String::new(), |x| {
                                    let repeats = if x.repeats_in > 0 { format!(", in {}", crate::words::count(x.repeats_in, "other episode", "other episodes")) } else { String::new() };
                                    format!("; start by {}, end by {}{repeats}", by(&x.start_by), by(&x.end_by))
                                });
                                let doubt = if f64::from(c) < crate::service::detect::UNCERTAIN { " — uncertain, check it" } else { "" };
                                format!("predicted, confidence {c:.2}{evidence}{doubt}")
                            }
                            _ => "imported".to_string(),
                        };
                        ui.colored_label(kind_colour(s.kind), format!("{} {}", s.kind.title(), span(s)));
                        ui.weak(how);
                    }
                    // A preview drawn over the credits is taken as drawn, and said: players skip the
                    // credits as one, so "Skip credits" and the preview's chapter do not do what the
                    // two spans suggest (an outside trial drew one inside the credits, silently).
                    for (credits, preview) in previews_over_credits(&ep.editor.segments.segments) {
                        ui.colored_label(egui::Color32::from_rgb(230, 90, 80), format!("The preview {} overlaps the credits {}: end the credits where the preview starts (O), or move the preview", span(preview), span(credits)));
                    }
                    // A post-credits scene is story: shown so nobody wonders why Skip credits stops there.
                    for (a, b, after) in story_among_credits(ep) {
                        let (title, why) = if after { ("Story after the credits", "a post-credits scene: it plays, Skip credits stops before it") } else { ("Story between the credits", "a scene between credit cards: it plays, Skip credits stops before it") };
                        ui.colored_label(super::timeline::STORY_COLOUR, format!("{title} {} – {}", time(a), time(b)));
                        ui.weak(why);
                    }
                    if ep.editor.segments.absent.contains(&Kind::Intro) {
                        ui.weak("No intro: your decision (the model's answer does not replace it; I and O set one)");
                    } else if ep.editor.segments.segments.is_empty() && ep.detection.is_some() {
                        ui.weak(format!("No intro found in the first {seconds} s"));
                    }
                    // An intro that runs to the end of the window is said in the judgement line above, by
                    // the rule the CLI's note uses (`service::detect`, which knows whether the episode
                    // goes on past the window).
                });
            });
            (seconds, listed)
        });
        let head_h = head.response.rect.height();
        let (seconds, listed) = head.inner;
        if held_h == 0.0 {
            segments_h = listed.response.rect.height();
        }
        // The kind being edited and its boundaries, typed: applied on Enter or when left.
        ui.horizontal_wrapped(|ui| {
            ui.label("Edit");
            for (kind, _, key) in EDIT_KINDS {
                if ui.selectable_label(edit_kind == kind, egui::RichText::new(format!("{} ({key})", kind.title())).color(kind_colour(kind))).clicked() {
                    self.edit_kind = kind;
                    typed = Default::default();
                }
            }
            // The part I and O move (credits a scene splits have two): the selected one, else the
            // one at the playhead, else the nearest. The fields showed the first part whatever
            // the playhead, and a time typed for the second was refused (an outside trial).
            let at_ms = (ep.playhead_s.max(0.0) * 1000.0).round() as u64;
            let index = ep.editor.target(self.edit_kind, at_ms);
            let current = index.map(|i| &ep.editor.segments.segments[i]).map(|s| (time(s.start_ms as f64 / 1000.0), time(s.end_ms as f64 / 1000.0)));
            let parts = ep.editor.segments.segments.iter().filter(|s| s.kind == self.edit_kind).count();
            if let (Some(i), true) = (index, parts > 1) {
                let nth = ep.editor.segments.segments[..=i].iter().filter(|s| s.kind == self.edit_kind).count();
                ui.weak(format!("part {nth} of {parts}"));
            }
            ui.separator();
            for (start, name) in [(true, "Start"), (false, "End")] {
                let text = if start { &mut typed.0 } else { &mut typed.1 };
                let shown = current.as_ref().map_or(String::new(), |c| if start { c.0.clone() } else { c.1.clone() });
                let field_id = ui.make_persistent_id(("boundary", start));
                let has_focus = ui.memory(|m| m.has_focus(field_id));
                if !has_focus {
                    *text = shown.clone();
                }
                let label = ui.label(name);
                // Always editable: typing a start or end of a kind the episode lacks makes one
                // (as I and O do), and the field keeps the keys away from the shortcuts.
                // Short enough for the field (an outside trial saw "none: type to …" cut in every episode).
                let hint = if index.is_some() { "" } else { "type to set" };
                // Enter applies and leaves the keyboard in the field (Esc or a click elsewhere
                // gives it back): in an outside trial, a second time typed after Enter went to
                // the shortcuts instead, its "1" picking a kind and its Enter verifying the episode.
                let field = ui.add_enabled(!unreadable, egui::TextEdit::singleline(text).id(field_id).return_key(None).hint_text(hint).desired_width(112.0).font(egui::TextStyle::Monospace)).labelled_by(label.id);
                let field = field.on_hover_text(format!("Type a time ({}, or seconds); Enter applies, Esc leaves the field", fmt.hint(fps))).on_disabled_hover_text("This file could not be read: nothing to label");
                // The part shown when the field is entered is the part typed into, wherever the
                // playhead goes meanwhile (playback, a click on the timeline): selected, so that
                // `target` keeps it.
                if field.gained_focus() {
                    ep.editor.selected = index;
                }
                let entered = field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (field.lost_focus() || entered) && *text != shown && !text.trim().is_empty() {
                    // In frame formats a typed time lands on a frame, as the field shows it.
                    let on_frame = |t: f64| if fmt == crate::clock::TimeFormat::Timecode { t } else { (t * fps).round() / fps };
                    match (index, fmt.parse(text, fps).map(on_frame)) {
                        (Some(i), Some(t)) => {
                            let ms = (t * 1000.0).round() as u64;
                            refused = ep.editor.type_edge(i, start, ms);
                            // The edit sorts the segments again: the part typed into stays the
                            // selected one (an index could now name the other part).
                            if refused.is_none() {
                                let kind = self.edit_kind;
                                ep.editor.selected = ep.editor.segments.segments.iter().position(|s| s.kind == kind && if start { s.start_ms == ms } else { s.end_ms == ms });
                            }
                        }
                        (None, Some(t)) => {
                            let ms = (t * 1000.0).round() as u64;
                            refused = if start { ep.editor.set_start(self.edit_kind, ms) } else { ep.editor.set_end(self.edit_kind, ms) };
                        }
                        (_, None) => {
                            refused = Some(match fmt.skipped_label(text, fps) {
                                Some(why) => format!("{name}: no frame is labelled '{}': {why}", text.trim()),
                                None => format!("{name}: '{}' is not a time ({}, or seconds)", text.trim(), fmt.hint(fps)),
                            })
                        }
                    }
                    typed_ok = refused.is_none();
                    if entered && typed_ok {
                        // The field shows what was applied, selected, so the next time typed replaces it.
                        let applied = ep.editor.target(self.edit_kind, at_ms).map(|i| &ep.editor.segments.segments[i]).map(|s| time(if start { s.start_ms } else { s.end_ms } as f64 / 1000.0));
                        if let Some(applied) = applied {
                            *text = applied;
                            if let Some(mut state) = egui::text_edit::TextEditState::load(ui.ctx(), field_id) {
                                state.cursor.set_char_range(Some(egui::text::CCursorRange::select_all_str(text)));
                                state.store(ui.ctx(), field_id);
                            }
                        }
                    }
                }
            }
            ui.separator();
            ui.weak(format!("playhead {}", time(ep.playhead_s)));
            if let Some(t) = self.hover_s {
                ui.weak(format!("pointer {}", time(t)));
            }
        });
        // The keys, on their own line: one at 1400 px, wrapped below that rather than cut short
        // (cut, the keys at its end were never seen; F1 has the whole sheet).
        // An unreadable file takes none of the playing and labelling keys: only those that leave it.
        let keys = if unreadable && several { "Nothing here to play or label: Up / Down another episode · N next to check · F1 all keys" } else if unreadable { "Nothing here to play or label · F1 all keys" } else { "F1 all keys · Space play · 1–4 kind · I / O set at playhead · drag edges (Shift: by frame) · Delete · Ctrl+Z / Ctrl+Shift+Z · Enter verifies · N next · +/− zoom · M mute · Ctrl+E export again" };
        ui.add(egui::Label::new(egui::RichText::new(keys).weak()).wrap().selectable(false));
        ui.add_space(4.0);
        let path = ep.path.clone();
        let mut action = None;
        // The frame at the playhead, full resolution, scaled to fit: at most 300 px high, and
        // never more than about a third of the height left below here (read here: inside the
        // row below, egui offers only a line's height), so a small window keeps timeline rows.
        let max = egui::vec2((ui.available_width() * 0.5).min(640.0), (ui.available_height() * 0.35).clamp(90.0, 300.0));
        ui.horizontal(|ui| {
            match &self.preview_frame {
                Some((p, _, tex)) if *p == path => {
                    let size = tex.size_vec2();
                    let scale = (max.x / size.x).min(max.y / size.y);
                    let response = ui.add(egui::Image::new((tex.id(), size * scale)).sense(egui::Sense::click()));
                    // The second on screen when the menu opened (playback goes on meanwhile).
                    let menu_time = egui::Id::unique("introskip-picture-menu-time");
                    if response.secondary_clicked() {
                        ui.ctx().data_mut(|d| d.insert_temp(menu_time, ep.playhead_s.max(0.0).floor() as u32));
                    }
                    response.context_menu(|ui| {
                        if ui.button("Find where this shot appears (Ctrl+F)").clicked() {
                            let second = ui.ctx().data(|d| d.get_temp::<u32>(menu_time)).unwrap_or(ep.playhead_s.max(0.0).floor() as u32);
                            action = Some(Action::Find(super::search::Query::Shot { episode: self.selected, second }));
                            ui.close();
                        }
                    });
                    // What streaming players offer at this moment, bottom right over the picture.
                    for (k, offer) in offers.iter().rev().enumerate() {
                        let r = response.rect;
                        let button = egui::Rect::from_min_size(r.right_bottom() - egui::vec2(132.0, 44.0 + 40.0 * k as f32), egui::vec2(120.0, 32.0));
                        // A child of its own over the picture: `put` moved the layout's cursor,
                        // and the Play button beside the picture shifted 12 px while an offer
                        // showed, under the pointer about to press it (an outside trial).
                        let mut over = ui.new_child(egui::UiBuilder::new().max_rect(button));
                        if over.add_sized(button.size(), egui::Button::new(egui::RichText::new(offer.label()).strong().size(15.0))).clicked() {
                            action = Some(offer.action());
                        }
                    }
                }
                _ => {
                    // A 16:9 box within the same bounds as a frame.
                    let (w, h) = if max.x * 9.0 / 16.0 > max.y { (max.y * 16.0 / 9.0, max.y) } else { (max.x, max.x * 9.0 / 16.0) };
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(w, h), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, egui::Color32::from_gray(20));
                    // The reason is in red above; here only what fits the box.
                    let text = match &self.preview_error {
                        _ if unreadable => "This file could not be read".to_string(),
                        Some((p, message)) if *p == path => message.clone(),
                        _ => "…".into(),
                    };
                    // Wrapped to the box: a long reason stays inside it, not cut at both sides.
                    let galley = ui.painter().layout(text, egui::FontId::proportional(13.0), egui::Color32::from_gray(160), rect.width() - 24.0);
                    ui.painter().galley(rect.center() - galley.size() / 2.0, galley, egui::Color32::from_gray(160));
                }
            }
            ui.add_space(8.0);
            ui.vertical(|ui| {
                let play = ui.add_enabled(!unreadable || self.playing, egui::Button::new(if self.playing { "Pause (Space)" } else { "Play (Space)" }));
                if play.on_disabled_hover_text("This file could not be read: nothing to play").clicked() {
                    action = Some(Action::TogglePlayback);
                }
                if self.playing && self.rate != 1.0 {
                    ui.label(format!("Playing at {}× (J / L)", self.rate));
                }
                let mut muted = self.settings.muted;
                if ui.checkbox(&mut muted, "Mute (M)").changed() {
                    action = Some(Action::ToggleMute);
                }
                // Said while it is true: "No sound at 2×" means nothing once paused.
                if let Some(status) = self.sound_status.as_ref().filter(|_| self.playing) {
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
        // What the colours mean (nothing to mean where the file could not be read).
        if !unreadable {
            ui.horizontal_wrapped(|ui| {
                let swatch = |ui: &mut egui::Ui, colour: egui::Color32, text: &str| {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 10.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, colour);
                    ui.weak(text);
                };
                swatch(ui, PROBABILITY_COLOUR, "intro probability");
                swatch(ui, WAVE_COLOUR, "sound");
                swatch(ui, SILENCE_COLOUR, "silence");
                swatch(ui, super::timeline::CUT_COLOUR, "shot cut");
                swatch(ui, super::timeline::FADE_COLOUR, "end of black");
                swatch(ui, INTRO_COLOUR, "solid: yours · pale: predicted · framed: verified");
                let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 10.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, INTRO_COLOUR.gamma_multiply(0.5));
                super::timeline::hatch(&ui.painter().with_clip_rect(rect), rect);
                ui.weak("striped: uncertain");
            });
        }
        let wave = ep.lanes.wave.as_ref().map(|(levels, silences)| Wave { levels, step_s: crate::features::sound::ENVELOPE_STEP_S, silences });
        let frames = frames_zoom.filter(|_| !whole).map(|per_row| Frames { textures: &ep.lanes.frames, step_s: f64::from(per_row) / f64::from(FRAMES_PER_ROW) });
        // The tail's sampled seconds: rows of their own after the head's (in the whole-episode
        // view, the shading of what was not analysed stops there).
        let tail = match (ep.tail_thumbnails.first(), ep.tail_thumbnails.last()) {
            (Some((first, _)), Some((last, _))) => Some(super::timeline::TailRows { first: *first, end: last + 1, thumbs: &ep.tail_thumbnails, rows: !whole }),
            _ => None,
        };
        // Credits and preview edges snap to cuts only, as `detect` snaps the tail's.
        let snap_cuts_only = self.dragging.and_then(|(i, _)| ep.editor.segments.segments.get(i)).is_some_and(|s| matches!(s.kind, crate::segments::Kind::Credits | crate::segments::Kind::Preview));
        let tick_time = move |second: u32| fmt.label_time(second, fps);
        let view = View { edge_held: self.dragging.is_some(), strip: strip.0, seconds: strip.1, analysed: seconds, probability, segments: &ep.editor.segments.segments, cuts: &ep.cuts, out_of_black: &ep.out_of_black, snap_cuts_only, playhead_s: ep.playhead_s, per_row: strip.2, wave, frames, time: &time, tick_time: &tick_time, frame_s: 1.0 / fps, follow: self.follow_playhead || self.playing, reveal: self.zoom_anchor.take(), story: story_after_credits(ep), tail };
        self.follow_playhead = false;
        // The whole-episode strip fills over seconds (one frame decoded per thumbnail): said
        // while it does, or its empty end reads as an episode without pictures. Painted over the
        // ruler's right end, so nothing moves when it comes and goes.
        let loading = (whole && ep.overview.started && !ep.overview.finished).then(|| {
            match ep.overview.duration_s.map(|d| (d / f64::from(ep.overview.step.max(1))).ceil() as usize) {
                Some(t) => format!("pictures of the whole episode: {} of {t}", ep.overview.thumbnails.len().min(t)),
                None => "pictures of the whole episode: opening the file".to_string(),
            }
        });
        let drawn = timeline(ui, &view);
        // Not while the pointer is under it: the time under the pointer is drawn there too.
        let pointer_there = |row: &egui::Rect| ui.ctx().pointer_hover_pos().is_some_and(|p| row.contains(p) && p.x > row.right() - 320.0);
        if let (Some(text), Some((row, _))) = (loading, drawn.rows.first().filter(|(row, _)| !pointer_there(row))) {
            // A child of its own: laid over the strip, it takes no room from what follows.
            let mut over = ui.new_child(egui::UiBuilder::new().max_rect(row.shrink(2.0)).layout(egui::Layout::right_to_left(egui::Align::Min)));
            // Not selectable: it must not take a click meant for the strip under it.
            over.add(egui::Label::new(egui::RichText::new(text).small().weak().background_color(over.visuals().extreme_bg_color)).selectable(false));
            over.add(egui::Spinner::new().size(10.0));
        }
        self.hover_s = drawn.hover_s;
        self.visible_s = drawn.visible;
        self.timeline_rows = drawn.rows;
        match drawn.action {
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
            Some(TimelineAction::FindShot(t)) => action = Some(Action::Find(super::search::Query::Shot { episode: self.selected, second: t as u32 })),
            None => {}
        }
        if typed_ok {
            let title = edit_kind.title();
            let about_a_typed_time = |b: &str| b.starts_with("Start: ") || b.starts_with("End: ") || b.starts_with(&format!("{title} start ")) || b.starts_with(&format!("{title} end "));
            if self.banner.as_deref().is_some_and(about_a_typed_time) {
                self.banner = None;
            }
        }
        if self.dragging.is_none() {
            if let Some(why) = refused {
                self.refuse(why);
            }
        }
        self.typed = typed;
        self.segments_h = segments_h;
        self.head_h = (width, head_min.max(head_h));
        self.autosave();
        if let Some(action) = action {
            self.apply(action);
        }
    }
}
