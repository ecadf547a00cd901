//! The keyboard: shortcuts act on the selected episode, never while a text field has focus or
//! the export dialog or the key sheet is open.

use super::timeline::ZOOMS;
use super::*;

/// The kinds a labeller edits, with the key that picks each.
pub(crate) const EDIT_KINDS: [(Kind, egui::Key, &str); 4] = [(Kind::Intro, egui::Key::Num1, "1"), (Kind::Recap, egui::Key::Num2, "2"), (Kind::Credits, egui::Key::Num3, "3"), (Kind::Preview, egui::Key::Num4, "4")];

/// The key sheet (F1 or ?): mpv's and LosslessCut's conventions where they exist.
pub(crate) const KEYS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("J / K / L", "slower (to ¼×) / pause / faster (to 8×; sound at 1× only)"),
    ("← / →", "a second back / on (Shift: a frame)"),
    (", / .", "a frame back / on"),
    ("Home / End", "start / end of the analysed window"),
    ("Shift+End", "the end of the episode: the credits' start, else the first second of its tail analysed"),
    ("PgUp / PgDn", "previous / next segment edge (intro, recap, credits, preview)"),
    ("↑ / ↓", "previous / next episode"),
    ("1 / 2 / 3 / 4", "edit the intro / recap / credits / preview"),
    ("I / O", "the chosen kind starts / ends at the playhead"),
    ("drag an edge", "move it (snaps to a cut, else the end of black, else of a silence, else a whole second; Shift or Alt: by frame)"),
    ("Delete", "delete the chosen segment (with none left, the episode has none of its kind)"),
    ("Enter", "verify the episode and go to the next one to check"),
    ("N", "next episode to check (unverified, least confident first)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ("+ / − or Ctrl+wheel", "zoom the timeline"),
    ("M", "mute"),
    ("Ctrl+Shift+E", "export… (this episode or the season, formats, folder)"),
    ("Ctrl+E", "export again as last time"),
    ("Ctrl+F", "find where the shot at the playhead appears (in the season, or the library the search panel looks in)"),
    ("Ctrl+Shift+F", "open / close the search panel (shots, duplicate files, recurring scenes)"),
    ("Esc", "cancel the analysis (or close this sheet)"),
    ("Ctrl+R", "resume a cancelled analysis"),
    ("F1 or ?", "this sheet"),
    ("F12", "frame-time overlay"),
];

/// egui turns one Ctrl+wheel notch into a zoom factor of about e^0.25, spread over frames.
const WHEEL_NOTCH: f32 = 0.25;
/// A step of the timeline's zoom is taken once this much of a notch has arrived.
const ZOOM_STEP_AT: f32 = 0.14;

/// Whether `key` was pressed this frame with Ctrl/⌘ (`command`) and Shift as given, judged on the
/// key event's own modifiers: the key-ups of a fast chord can arrive in the same frame, and the
/// frame's modifiers are then already released.
fn chord(i: &egui::InputState, key: egui::Key, command: bool, shift: bool) -> bool {
    i.events.iter().any(|e| matches!(e, egui::Event::Key { key: k, pressed: true, modifiers, .. } if *k == key && modifiers.command == command && modifiers.shift == shift))
}

/// How many times `key` was pressed this frame with or without Shift (`shift`), on the events'
/// own modifiers: fast or auto-repeated presses arrive several to a frame, and each one counts.
fn presses(i: &egui::InputState, key: egui::Key, shift: bool) -> i64 {
    i.events.iter().filter(|e| matches!(e, egui::Event::Key { key: k, pressed: true, modifiers, .. } if *k == key && modifiers.shift == shift && !modifiers.command)).count() as i64
}

/// Whether `key` was pressed this frame with Shift held (on the event, as in [`chord`]).
fn shifted(i: &egui::InputState, key: egui::Key) -> bool {
    i.events.iter().any(|e| matches!(e, egui::Event::Key { key: k, pressed: true, modifiers, .. } if *k == key && modifiers.shift))
}

impl App {
    /// Keyboard commands on the selected episode (skipped while a text field has focus, the
    /// export dialog is open, or the key sheet is: it takes every key but Esc, F1 and ?; the
    /// frame's caller skips it while a file dialog is open).
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        // The export dialog is modal for keys: Enter there never verifies the episode behind it
        // (Escape closes it, in the dialog's own code).
        if self.export_dialog.is_some() {
            return;
        }
        let (escape, resume, export_dialog) = ctx.input(|i| {
            (i.key_pressed(egui::Key::Escape), chord(i, egui::Key::R, true, false), chord(i, egui::Key::E, true, true))
        });
        // The key sheet takes the keyboard while it is open, as the export dialog does: keys
        // pressed while reading it never edit or move the episode behind it. Esc, F1 and ?
        // close it.
        let sheet_key = ctx.input(|i| i.key_pressed(egui::Key::F1) || i.key_pressed(egui::Key::Questionmark));
        if self.help {
            if escape || sheet_key {
                self.help = false;
            }
            return;
        }
        if sheet_key {
            self.help = true;
            return;
        }
        if escape {
            self.apply(Action::CancelAnalysis);
        }
        if resume {
            self.apply(Action::ResumeAnalysis);
        }
        if export_dialog && !self.episodes.is_empty() {
            self.open_export_dialog();
            return;
        }
        let (space, f12, plus, minus, wheel) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Space),
                i.key_pressed(egui::Key::F12),
                i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals),
                i.key_pressed(egui::Key::Minus),
                // Ctrl + wheel arrives as egui's zoom factor, one notch spread over several frames.
                i.zoom_delta().ln(),
            )
        });
        let (mut zoom_in, mut zoom_out) = (plus, minus);
        if wheel == 0.0 {
            self.zoom_wheel = 0.0;
        } else {
            // One level per notch: a step once most of a notch has arrived; the rest of that notch
            // is owed before the next step can come.
            self.zoom_wheel += wheel;
            if self.zoom_wheel.abs() >= ZOOM_STEP_AT {
                zoom_in |= self.zoom_wheel > 0.0;
                zoom_out |= self.zoom_wheel < 0.0;
                self.zoom_wheel -= self.zoom_wheel.signum() * WHEEL_NOTCH;
            }
        }
        let before = self.zoom;
        if zoom_in {
            self.zoom = self.zoom.saturating_sub(1);
        }
        if zoom_out {
            self.zoom = (self.zoom + 1).min(ZOOMS.len() - 1);
        }
        if self.zoom != before {
            // What the user looked at stays on screen, as editors zoom: the time under the
            // pointer for the wheel, the playhead for the keys (an outside trial: + with the
            // pointer at 0:40 showed 0:00–0:15).
            let playhead = self.episodes.get(self.selected).map(|e| e.playhead_s);
            self.zoom_anchor = if wheel != 0.0 { self.hover_s.or(playhead) } else { playhead };
        }
        if self.episodes.is_empty() {
            return;
        }
        if f12 {
            self.debug_overlay = !self.debug_overlay;
        }
        if space {
            self.apply(Action::TogglePlayback);
        }
        let (j, k, l) = ctx.input(|i| (i.key_pressed(egui::Key::J), i.key_pressed(egui::Key::K), i.key_pressed(egui::Key::L)));
        if k && self.playing {
            self.toggle_playback();
        }
        if j || l {
            self.apply(Action::Shuttle(l));
        }
        let (find, search_panel) = ctx.input(|i| (chord(i, egui::Key::F, true, false), chord(i, egui::Key::F, true, true)));
        if find {
            if let Some(action) = self.find_shot_at_playhead() {
                self.apply(action);
            }
        }
        if search_panel {
            self.apply(Action::ToggleSearch);
        }
        let (mute, export_again) = ctx.input(|i| (chord(i, egui::Key::M, false, false), chord(i, egui::Key::E, true, false)));
        if mute {
            self.toggle_mute();
        }
        if export_again {
            match self.repeatable_export() {
                Some(job) => self.run_export(&job),
                None => self.refuse("Ctrl+E repeats the last export: choose one with Export… first".into()),
            }
        }
        let (i_key, o_key, delete, undo, redo, enter, left, right, shift) = ctx.input(|i| {
            (
                chord(i, egui::Key::I, false, false),
                chord(i, egui::Key::O, false, false),
                i.key_pressed(egui::Key::Delete),
                chord(i, egui::Key::Z, true, false),
                chord(i, egui::Key::Z, true, true),
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::ArrowLeft),
                i.key_pressed(egui::Key::ArrowRight),
                shifted(i, egui::Key::ArrowLeft) || shifted(i, egui::Key::ArrowRight),
            )
        });
        let (page_up, page_down) = ctx.input(|i| (i.key_pressed(egui::Key::PageUp), i.key_pressed(egui::Key::PageDown)));
        let (comma, period, home, end, tail_end, up, down) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Comma),
                i.key_pressed(egui::Key::Period),
                i.key_pressed(egui::Key::Home),
                i.key_pressed(egui::Key::End),
                shifted(i, egui::Key::End),
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
            )
        });
        let (next_to_check, kind) = ctx.input(|i| (chord(i, egui::Key::N, false, false), EDIT_KINDS.iter().find(|(_, key, _)| i.key_pressed(*key)).map(|(k, _, _)| *k)));
        if let Some(kind) = kind {
            self.apply(Action::EditKind(kind));
        }
        if next_to_check {
            self.apply(Action::NextToCheck);
            return;
        }
        let count = self.episodes.len();
        // One frame at the episode's own rate: the step of `,` `.` and Shift+←/→.
        let frame_s = 1.0 / self.fps();
        let edit_kind = self.edit_kind;
        if up || down {
            self.selected = if up { self.selected.saturating_sub(1) } else { (self.selected + 1).min(count - 1) };
            self.picked = true;
            self.follow_playhead = true;
            return;
        }
        // Every press counts, however many arrive in one frame: seconds by ← →, frames by
        // Shift+← → and , .
        let (seconds, frames) = ctx.input(|i| {
            let by = |k: egui::Key, shift: bool| presses(i, k, shift);
            (
                by(egui::Key::ArrowRight, false) - by(egui::Key::ArrowLeft, false),
                by(egui::Key::ArrowRight, true) - by(egui::Key::ArrowLeft, true) + by(egui::Key::Period, false) + by(egui::Key::Period, true) - by(egui::Key::Comma, false) - by(egui::Key::Comma, true),
            )
        });
        let _ = (shift, comma, period);
        let ep = &mut self.episodes[self.selected];
        ep.editor.clock = (self.settings.time_format, 1.0 / frame_s);
        self.follow_playhead |= home || end || page_up || page_down || left || right || seconds != 0 || frames != 0;
        let at_ms = (ep.playhead_s * 1000.0).round() as u64;
        let edge = if page_down { ep.editor.edge_beyond(at_ms, true) } else if page_up { ep.editor.edge_beyond(at_ms, false) } else { None };
        if let Some(to) = edge {
            // Playback goes on from the edge (a player's "next chapter"); a still playhead stays still.
            ep.playhead_s = to as f64 / 1000.0;
            if self.playing {
                self.preview.request(preview::Request::Play { path: ep.path.clone(), t: ep.playhead_s, rate: self.rate });
            }
        }
        if home || end {
            // Shift+End: the end of the episode — where its credits start, else the first
            // second of its tail analysed (the tail's rows follow the head's on the timeline).
            let tail_start = ep
                .editor
                .segments
                .segments
                .iter()
                .filter(|s| s.kind == crate::segments::Kind::Credits)
                .map(|s| s.start_ms as f64 / 1000.0)
                .min_by(f64::total_cmp)
                .or_else(|| ep.tail_thumbnails.first().map(|(s, _)| f64::from(*s)));
            let head_end = ep.thumbnails.last().map_or(0.0, |(s, _)| f64::from(*s));
            ep.playhead_s = if home {
                0.0
            } else if tail_end {
                tail_start.unwrap_or(head_end)
            } else {
                head_end
            };
            // Playback goes on from there, as from a PgUp/PgDn edge (a player's jump).
            if self.playing {
                self.preview.request(preview::Request::Play { path: ep.path.clone(), t: ep.playhead_s, rate: self.rate });
            }
        }
        if seconds != 0 || frames != 0 {
            if self.playing {
                self.preview.request(preview::Request::Pause);
                self.playing = false;
            }
            // Frame steps land on frames (a second's step keeps the offset within the second).
            let mut to = (ep.playhead_s + seconds as f64).max(0.0);
            if frames != 0 {
                to = (((to / frame_s).round() + frames as f64) * frame_s).max(0.0);
            }
            ep.playhead_s = to;
        }
        let at = (ep.playhead_s * 1000.0).round() as u64;
        if let Some(why) = self.unreadable().filter(|_| i_key || o_key || delete || undo || redo || enter) {
            // Enter passes over it as it passes over a verified episode: N and ↓ still move on.
            self.refuse(format!("{why}: nothing to label (N goes to the next episode to check)"));
            return;
        }
        let ep = &mut self.episodes[self.selected];
        let mut refused = None;
        if i_key {
            refused = ep.editor.set_start(edit_kind, at);
        }
        if o_key {
            refused = ep.editor.set_end(edit_kind, at);
        }
        if let Some(why) = refused {
            self.refuse(why);
        }
        if delete {
            let ep = &mut self.episodes[self.selected];
            let before = ep.editor.segments.segments.len();
            ep.editor.delete_kind(edit_kind, at);
            if ep.editor.segments.segments.len() < before {
                let (name, left) = (ep.name(), ep.editor.segments.segments.iter().any(|s| s.kind == edit_kind));
                let what = edit_kind.title().to_lowercase();
                // Said, so a refusal still on the line does not read as the delete's.
                self.tell(if left { format!("{name}: one part of the {what} deleted (Ctrl+Z undoes)") } else { format!("{name}: no {what}, your decision (Ctrl+Z undoes)") });
            }
        }
        let ep = &mut self.episodes[self.selected];
        // Said either way: a line about the edit undone ("no intro, your decision") would
        // otherwise stand over the intro it brought back (an outside trial).
        if undo || redo {
            let name = ep.name();
            let done = if undo { ep.editor.undo() } else { ep.editor.redo() };
            match (done, undo) {
                (true, true) => self.tell(format!("{name}: last edit undone (Ctrl+Shift+Z redoes)")),
                (true, false) => self.tell(format!("{name}: edit redone")),
                (false, true) => self.refuse(format!("{name}: nothing to undo (the history starts when the episode is opened)")),
                (false, false) => self.refuse(format!("{name}: nothing to redo")),
            }
        }
        let ep = &mut self.episodes[self.selected];
        if enter {
            ep.editor.verify_all();
        }
        self.autosave();
        if enter {
            // On to the next episode still to check, in the list's order and wrapping round
            // (one verified earlier is passed over); when none is left, say so and stay.
            // Only among those the list shows: under "Uncertain" the next is the next uncertain one.
            let next = (1..count).map(|k| (self.selected + k) % count).find(|&i| matches!(self.episodes[i].status, Status::Done { .. }) && !self.episodes[i].editor.is_verified() && self.listed(&self.episodes[i]));
            let hidden = self.hidden_to_check();
            let failed = self.episodes.iter().filter(|e| !e.editor.is_verified() && matches!(e.status, Status::Failed(_))).count();
            let waiting = self.waiting_to_analyse();
            match next {
                Some(i) => {
                    // Its timeline opens where its playhead is, as ↑/↓ open it.
                    let done = self.episodes[self.selected].name();
                    self.selected = i;
                    self.picked = true;
                    self.follow_playhead = true;
                    self.tell(format!("{done} verified; next to check: {}", self.episodes[i].name()));
                }
                None if hidden > 0 => {
                    let done = self.episodes[self.selected].name();
                    // Episodes still being analysed may yet prove uncertain: said too.
                    let yet = Self::not_analysed_yet(waiting);
                    self.tell(format!("{done} verified; no other uncertain episode left ({hidden} more to check under \"All\"){yet}"));
                }
                None if waiting > 0 => self.tell(format!("Nothing else to check yet: {} not analysed", crate::words::count(waiting, "episode is", "episodes are"))),
                None if failed > 0 => self.tell(format!("Every episode that could be read is verified ({} unreadable)", crate::words::count(failed, "file", "files"))),
                None if count > 1 => self.tell("Every episode is verified".into()),
                None => {}
            }
        }
    }

    /// Every edit is on disk at once (temp file + rename): nothing to lose on a crash.
    pub(super) fn autosave(&mut self) {
        let mut kept = Vec::new();
        for ep in &mut self.episodes {
            if ep.editor.dirty && ep.labels_unreadable {
                match edit::set_aside_unreadable(&ep.path) {
                    Ok(aside) => {
                        ep.labels_unreadable = false;
                        kept.extend(aside);
                    }
                    Err(e) => {
                        self.banner = Some(format!("labels not saved: {e}"));
                        continue;
                    }
                }
            }
            if ep.editor.dirty {
                match edit::save(&ep.path, &ep.editor.segments) {
                    Ok(_) => ep.editor.dirty = false,
                    Err(e) => self.banner = Some(format!("labels not saved: {e}")),
                }
            }
        }
        for aside in kept {
            self.tell(format!("labels saved; the unreadable file they replace is kept as {}", aside.display()));
        }
    }
}
