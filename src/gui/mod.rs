//! The desktop app. The UI thread only draws and sends commands: analysis (sampling, encoding,
//! the cache, judging through [`crate::service`]) runs in one worker thread ([`worker`]), preview
//! and sound in another ([`preview`]), file dialogs and exports in their own threads, and results
//! arrive through channels that are polled (never waited on) each frame.
//!
//! This file holds the app's state ([`episode`]: each episode's) and applies user intent;
//! [`events`] applies the worker's events, [`background`] what the other background jobs made,
//! [`views`] draws, [`timeline`] is the timeline with its geometry, [`keys`] the keyboard and its
//! sheet, [`edit`] the label editing, [`search`] the search panel. User intent from any of them
//! is a typed [`Action`], applied in one place ([`App::apply`]).

mod audio;
mod background;
mod end_spans;
mod episode;
mod events;
mod export_dialog;
mod keys;
mod lanes;
mod playback;
mod review;
mod search;
mod sidebar;
mod timeline;
mod top_bar;
mod views;
pub mod edit;
mod preview;
#[cfg(test)]
mod tests;
mod worker;

use crate::error::{Error, Result};
use eframe::egui;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use crate::segments::Kind;
use timeline::{DEFAULT_ZOOM, WHOLE_EPISODE, ZOOMS};
use worker::{Command, Event, Worker};
pub(crate) use keys::{EDIT_KINDS, KEYS};
use episode::{Episode, OverviewMsg, Status, OVERVIEW_THUMBNAILS};
#[cfg(test)]
use playback::Offer;

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
    // A thread the app could not start is our own error, said once as it is, not wrapped in
    // eframe's "app creation error" and ours again.
    let failed: std::sync::Arc<std::sync::Mutex<Option<Error>>> = Default::default();
    let failed_in = failed.clone();
    let shown = eframe::run_native(
        "introskip",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let ctx2 = cc.egui_ctx.clone();
            let started = Worker::start(None, move || ctx.request_repaint()).and_then(|w| Ok((w, preview::Preview::start(move || ctx2.request_repaint())?)));
            let (worker, preview) = match started {
                Ok(both) => both,
                Err(e) => {
                    let said = e.to_string();
                    *failed_in.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return Err(said.into());
                }
            };
            let mut app = App::new(worker, preview);
            if let Some(p) = path {
                app.open(&p);
            }
            Ok(Box::new(app))
        }),
    );
    if let Some(e) = failed.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    shown.map_err(|e| Error::internal(format!("cannot start the window: {e}")))
}

/// What the user asked for, from a view or a key. Applied in one place, [`App::apply`].
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    SkipIntro,
    SkipCredits,
    NextEpisode,
    TogglePlayback,
    /// J (false) / L (true): play slower / faster.
    Shuttle(bool),
    /// Playing, and the playhead moved: keep playing from there.
    PlayFromPlayhead,
    ToggleMute,
    /// Analyse again the episodes whose analysis was cancelled.
    ResumeAnalysis,
    /// Go to the next episode of the review queue (unverified, least confident first).
    NextToCheck,
    /// I, O, Delete and typed times act on this kind from now on.
    EditKind(Kind),
    CancelAnalysis,
    /// Apply a new detection window (typed into the Window field, confirmed).
    SetWindow(u32),
    SetTail(crate::features::tail::TailSpec),
    /// Ask the season (the search panel opens on the question's tab).
    Find(search::Query),
    /// Show this second of this episode (a search result was clicked).
    GoTo { episode: usize, second: u32 },
    /// Open this file with its season (its folder) and show this second (a library's search
    /// result, in an episode that is not open, was clicked).
    OpenAt { path: PathBuf, second: u32 },
    /// Choose the library folder the search panel looks in.
    ChooseLibrary,
    /// Stop reading the library for this search.
    StopSearch(search::Query),
    /// Open or close the search panel.
    ToggleSearch,
}

/// What a file dialog was opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Episode,
    Season,
    ClipWeights,
    Labels,
    Library,
}

pub struct App {
    episodes: Vec<Episode>,
    selected: usize,
    /// The user chose the selected episode since the season opened. Until then the selection
    /// is the first episode not found unreadable: a folder whose first file is damaged opens
    /// on one that plays, not on an error.
    picked: bool,
    worker: Worker,
    encoder: String,
    dialog: Option<(Pick, crossbeam_channel::Receiver<Option<PathBuf>>)>,
    banner: Option<String>,
    window_s: u32,
    /// The end of each episode analysed for credits, and its field's text.
    tail: crate::features::tail::TailSpec,
    tail_text: String,
    /// The Window field's text while it is being typed; applied on Enter or when focus leaves.
    window_text: String,
    /// Ctrl+wheel zoom gathered over frames (egui spreads one notch over several): log factor.
    zoom_wheel: f32,
    preview: preview::Preview,
    /// The frame on screen in the preview pane: episode, time, texture.
    preview_frame: Option<(PathBuf, f64, egui::TextureHandle)>,
    /// Why the preview of an episode failed, with that episode: shown only while it is selected
    /// (after N, the next episode's box says "…" until its frame arrives, not the last one's error).
    preview_error: Option<(PathBuf, String)>,
    /// What the preview worker was last asked for (so a still playhead asks once).
    preview_requested: Option<(PathBuf, f64)>,
    playing: bool,
    /// Where playback last reached the end of a file (the episode and its playhead then): the
    /// season's next episode stays offered there until the playhead moves.
    ended_at: Option<(std::path::PathBuf, f64)>,
    /// A segment edge being dragged: (segment index, start edge?).
    dragging: Option<(usize, bool)>,
    /// Index into [`ZOOMS`].
    zoom: usize,
    settings: crate::settings::Settings,
    /// Where the settings are saved (tests point it elsewhere).
    settings_file: PathBuf,
    /// Messages from background jobs (export) for the banner: (text, is it an error?).
    notices: (crossbeam_channel::Sender<(String, bool)>, crossbeam_channel::Receiver<(String, bool)>),
    /// A success message (shown in the normal colour; the banner is for problems).
    info: Option<String>,
    /// The key sheet (F1 or ?).
    help: bool,
    /// To wake the UI from background jobs; set on the first frame.
    ctx: Option<egui::Context>,
    /// Durations of the last frames' UI work, ms (the debug overlay, F12).
    frame_ms: std::collections::VecDeque<f32>,
    debug_overlay: bool,
    /// What playback does for sound (the device, or why there is none), once known.
    sound_status: Option<String>,
    /// Cut searches: one at a time, on its own thread; results come back here.
    cuts_pending: Option<(PathBuf, (f64, f64))>,
    cuts_results: (crossbeam_channel::Sender<CutsFound>, crossbeam_channel::Receiver<CutsFound>),
    /// What the overview threads make, each message with the generation it was made for (one
    /// from before the last `open` is dropped: the same file opened again is another episode).
    overview_results: (crossbeam_channel::Sender<(PathBuf, u64, OverviewMsg)>, crossbeam_channel::Receiver<(PathBuf, u64, OverviewMsg)>),
    /// Bumped when what is open changes: overview threads for the old episodes stop.
    overview_generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// What the lane helpers found, per episode.
    lane_results: (crossbeam_channel::Sender<(PathBuf, lanes::Found)>, crossbeam_channel::Receiver<(PathBuf, lanes::Found)>),
    /// The kind that I, O, Delete and the typed boundary fields act on.
    edit_kind: Kind,
    /// The boundary fields' text while typed: (start, end).
    typed: (String, String),
    /// The episode list shows all, or only those still to check.
    review: Review,
    /// The time under the pointer on the timeline, if it is there.
    hover_s: Option<f64>,
    /// The seconds the timeline's rows on screen span.
    visible_s: Option<(u32, u32)>,
    /// The timeline's rows on screen and their geometry, as last drawn.
    timeline_rows: Vec<(egui::Rect, timeline::RowGeometry)>,
    /// The playhead moved by a key: its row is scrolled into view on the next frame.
    follow_playhead: bool,
    /// A time to keep in view after the zoom changed (the row showing it is scrolled to).
    zoom_anchor: Option<f64>,
    /// The height of the lines that list the episode's segments, as drawn before a drag: kept
    /// while an edge is dragged, so the timeline under the pointer does not move when a
    /// segment's line grows shorter ("predicted, …" becomes "edited, …").
    segments_h: f32,
    /// The tallest the lines above the preview have been since the last open, at the width
    /// they were drawn at (their minimum height: see `episode_view`).
    head_h: (f32, f32),
    /// Playback speed (J/K/L); 1 with sound.
    rate: f64,
    /// The export dialog, while open.
    export_dialog: Option<export_dialog::ExportDialog>,
    /// The last export run from the dialog (Ctrl+E repeats it).
    last_export: Option<export_dialog::ExportJob>,
    /// A refusal or a success message and when it goes: transient messages never linger over
    /// later work (errors that stay true, like a missing model, have no deadline).
    fades: Vec<(String, Instant)>,
    /// What is open, for the worker: bumped when the episodes, the window, the tail or the
    /// encoder change (not by a cancel), so that results about other files are never mixed in.
    season_id: u64,
    /// The search panel: the season's shots, duplicate files and recurring scenes.
    search: search::Panel,
}

/// Which episodes the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Review {
    #[default]
    All,
    /// Not verified yet.
    ToCheck,
    /// Not verified, and the model is unsure.
    Uncertain,
}

/// Cuts and ends of black found in a stretch of an episode (or why not).
type CutsFound = (PathBuf, (f64, f64), std::result::Result<crate::video::cuts::Edges, String>);

/// The detection window the app offers (seconds).
const MIN_WINDOW_S: u32 = 30;
/// Seconds an export's failures stay on the status line unless something else is said (the
/// whole list shows on hover).
const EXPORT_FAILURE_S: u64 = 30;
const MAX_WINDOW_S: u32 = 600;

/// Seconds either side of a segment edge (or the pointer) searched for cuts and fades to snap to.
const CUT_SEARCH_S: f64 = 6.0;

impl App {
    /// Labels from a file: SIS labels.json for a whole season (matched by episode name), or any
    /// chapter/label format for the selected episode.
    fn import_labels(&mut self, path: &Path) {
        use crate::segments::{Kind, Segment, Source};
        if let Ok(all) = crate::lab::eval::read_labels(path) {
            if all.len() > 1 {
                let mut matched = 0;
                for ep in &mut self.episodes {
                    let stem = ep.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    if let Some(labels) = all.get(&stem) {
                        // Empty or reversed spans are left out, as every other import does: one
                        // saved would make the whole sidecar unreadable on the next open.
                        let segs = labels
                            .intros
                            .iter()
                            .map(|i| Segment { kind: Kind::Intro, start_ms: (i.start * 1000.0) as u64, end_ms: (i.end * 1000.0) as u64, source: Source::Imported, confidence: None })
                            .filter(Segment::is_storable)
                            .collect();
                        // Intros only: the episode's other kinds stay; an empty span says "none".
                        ep.editor.import_kind(Kind::Intro, segs);
                        matched += 1;
                    }
                }
                self.tell(format!("Imported labels for {matched} of {} episodes from {}", self.episodes.len(), path.display()));
                self.autosave();
                return;
            }
        }
        // One episode's SIS labels hold its intro only, as a season's do: they replace the intro
        // and leave the rest (an empty span: none, decided).
        match crate::formats::import::read_labels_file_at(path, self.episodes.get(self.selected).and_then(|e| e.lanes.fps)) {
            Ok((segments, format)) => {
                let sis = format == Some(crate::formats::import::Detected::Sis);
                if let Some(ep) = self.episodes.get_mut(self.selected) {
                    if sis {
                        ep.editor.import_kind(Kind::Intro, segments.segments.into_iter().filter(|s| s.kind == Kind::Intro).collect());
                    } else {
                        ep.editor.import(segments.segments);
                    }
                    let what = format!("Imported {} into {}", path.display(), ep.name());
                    self.tell(what);
                }
                self.autosave();
            }
            Err(e) => self.banner = Some(e.to_string()),
        }
    }

    fn new(worker: Worker, preview: preview::Preview) -> Self {
        let (settings, settings_warning) = crate::settings::Settings::load_checked();
        // A window edited by hand beyond what analysis takes falls back to the default.
        let window_s = crate::service::check_window(settings.window_s).unwrap_or(crate::service::DEFAULT_WINDOW_S);
        // A tail setting this build cannot read (edited by hand) falls back to the default.
        let tail = settings.tail.as_deref().and_then(|t| crate::features::tail::TailSpec::parse(t).ok()).unwrap_or_default();
        let mut app = App {
            episodes: Vec::new(),
            selected: 0,
            picked: false,
            worker,
            encoder: "loading…".into(),
            dialog: None,
            banner: settings_warning,
            window_s,
            window_text: window_s.to_string(),
            tail,
            tail_text: tail.short(),
            zoom_wheel: 0.0,
            preview,
            preview_frame: None,
            preview_error: None,
            preview_requested: None,
            playing: false,
            ended_at: None,
            dragging: None,
            zoom: DEFAULT_ZOOM,
            settings,
            settings_file: crate::settings::settings_path(),
            notices: crossbeam_channel::unbounded(),
            info: None,
            help: false,
            ctx: None,
            frame_ms: std::collections::VecDeque::with_capacity(256),
            debug_overlay: std::env::var_os("INTROSKIP_DEBUG").is_some(),
            sound_status: None,
            cuts_pending: None,
            cuts_results: crossbeam_channel::unbounded(),
            overview_results: crossbeam_channel::unbounded(),
            overview_generation: Default::default(),
            lane_results: crossbeam_channel::unbounded(),
            edit_kind: Kind::Intro,
            typed: Default::default(),
            review: Review::All,
            hover_s: None,
            visible_s: None,
            timeline_rows: Vec::new(),
            export_dialog: None,
            follow_playhead: false,
            zoom_anchor: None,
            segments_h: 0.0,
            head_h: (0.0, 0.0),
            rate: 1.0,
            last_export: None,
            fades: Vec::new(),
            season_id: 0,
            search: search::Panel::default(),
        };
        app.search.library = app.settings.search_library.clone();
        if app.settings.muted {
            app.preview.request(preview::Request::Gain(0.0));
        }
        app
    }

    /// The export format used last (the Export menu's default and Ctrl+E), if any.
    fn default_export(&self) -> Option<crate::formats::Format> {
        use clap::ValueEnum;
        let name = self.settings.export_format.as_deref()?;
        crate::formats::Format::from_str(name, true).ok()
    }

    fn remember_export(&mut self, format: crate::formats::Format) {
        use clap::ValueEnum;
        self.settings.export_format = format.to_possible_value().map(|v| v.get_name().to_string());
        self.save_settings();
    }

    fn toggle_mute(&mut self) {
        self.settings.muted = !self.settings.muted;
        self.preview.request(preview::Request::Gain(if self.settings.muted { 0.0 } else { 1.0 }));
        self.save_settings();
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

    /// How many episodes of its folder an episode opened alone is judged with (none for a
    /// season: its episodes are judged together).
    fn lone_context(&self) -> usize {
        if self.episodes.len() == 1 {
            crate::service::detect::LONE_CONTEXT
        } else {
            0
        }
    }

    /// Open a file (one episode) or a folder (a season), replacing what was open.
    pub fn open(&mut self, path: &Path) {
        self.worker.cancel_all();
        self.overview_generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.banner = None;
        // What was said about the episodes that were open ("… verified; next to check: …") is
        // not about these.
        self.info = None;
        self.fades.clear();
        self.head_h = (0.0, 0.0);
        let mut no_videos = false;
        let files = if path.is_dir() {
            match crate::paths::media_files_under(path) {
                Ok(files) if files.is_empty() => {
                    self.banner = Some(format!("{}: no video files in this folder", path.display()));
                    no_videos = true;
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
        if path.exists() && !no_videos {
            self.settings.remember(path);
        } else {
            // A Recent entry that moved or was deleted leaves the menu instead of failing again,
            // and a folder without videos is not one to come back to (an outside trial found
            // one there beside the episodes). One that could not be read stays: it may be
            // readable next time.
            let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            self.settings.recent.retain(|p| p != path && *p != abs);
        }
        self.save_settings();
        // A saved file that cannot be read is a human's file with a problem: said, its labels
        // not shown, and kept (set aside) when this episode's labels are next saved.
        let mut unreadable = Vec::new();
        // Labels follow their media: an episode renamed since they were saved (a media
        // manager renames episodes), two names swapped, a new release under another extension.
        // Sizes only, not hashes: opening stays quick.
        let fixed = crate::segments::reconcile(&files, false);
        self.episodes = files
            .into_iter()
            .map(|path| {
                let (saved, problem) = match edit::read_saved(&path) {
                    Ok(saved) => (saved.unwrap_or_default(), None),
                    Err(e) => (Default::default(), Some(e.to_string())),
                };
                let mut ep = Episode::new(path, edit::Editor::new(saved));
                if let Some(problem) = problem {
                    unreadable.push(problem);
                    ep.labels_unreadable = true;
                }
                ep
            })
            .collect();
        if let Some(first) = unreadable.first() {
            let more = if unreadable.len() > 1 { format!(" (and {} more)", unreadable.len() - 1) } else { String::new() };
            self.banner = Some(format!("{first}{more}: those labels are not shown; the file is kept, renamed *.unreadable, when labels are next saved for the episode"));
        }
        let name = |p: &Path| p.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if let Some((from, to)) = fixed.moved.first() {
            let more = if fixed.moved.len() > 1 { format!(" (and {} more renamed episodes)", fixed.moved.len() - 1) } else { String::new() };
            self.tell(format!("{} was renamed: the labels saved as {} follow it{more}", name(to), name(from)));
        }
        if self.banner.is_none() {
            if let Some(e) = fixed.other_media.first() {
                self.banner = Some(format!("{}: its labels hold your decisions made on another file of this name (a new release?): check their times; saving confirms them", name(e)));
            } else if let Some(s) = fixed.unmatched.first() {
                self.banner = Some(format!("{}: labels whose file is gone match no episode here: rename it to <episode file>.introskip.json to give them to an episode", s.display()));
            }
        }
        self.selected = 0;
        self.picked = false;
        self.queue_all();
    }

    /// Carry out what the user asked for.
    pub(crate) fn apply(&mut self, action: Action) {
        match action {
            Action::SkipIntro => self.skip_intro(),
            Action::SkipCredits => self.skip_credits(),
            Action::NextEpisode => self.next_episode(),
            Action::TogglePlayback if !self.playing && self.unreadable().is_some() => {
                let why = self.unreadable().unwrap_or_default();
                self.refuse(format!("{why}: nothing to play"));
            }
            Action::TogglePlayback => {
                // Space always plays at 1× (with sound).
                self.rate = 1.0;
                self.toggle_playback()
            }
            Action::Shuttle(faster) => self.shuttle(faster),
            Action::PlayFromPlayhead => {
                self.playing = false;
                self.toggle_playback();
            }
            Action::ToggleMute => self.toggle_mute(),
            Action::CancelAnalysis => {
                self.worker.cancel_all();
                // A lone episode's check against its folder or title ends too (its own answer
                // stays, and Resume analysis checks it again).
                for e in &mut self.episodes {
                    e.unfinished |= e.checking.take().is_some();
                }
            }
            Action::NextToCheck => match self.next_to_check() {
                Some(i) => {
                    self.selected = i;
                    self.picked = true;
                    self.follow_playhead = true;
                }
                None => {
                    // Not "every episode is verified" while some are hidden by the filter or not analysed yet.
                    let waiting = self.waiting_to_analyse();
                    let yet = Self::not_analysed_yet(waiting);
                    match self.hidden_to_check() {
                        0 if waiting > 0 => self.tell(format!("Nothing else to check yet: {} not analysed", crate::words::count(waiting, "episode is", "episodes are"))),
                        0 => self.tell("Nothing left to check: every episode is verified".into()),
                        hidden => self.tell(format!("No uncertain episode left to check ({hidden} more under \"All\"){yet}")),
                    }
                }
            },
            Action::EditKind(kind) => {
                self.edit_kind = kind;
                self.typed = Default::default();
            }
            Action::ResumeAnalysis => {
                let generation = self.worker.generation();
                let neighbours = self.lone_context();
                for (index, ep) in self.episodes.iter_mut().enumerate().filter(|(_, e)| e.resumable()) {
                    // An episode answered before the cancel keeps its answer and thumbnails: its
                    // head comes from the cache, and the tail or check it lacked follows.
                    ep.status = Status::Queued;
                    ep.unfinished = false;
                    self.worker.send(Command::Analyse { index, path: ep.path.clone(), window_s: self.window_s, tail: self.tail, generation, season: self.season_id, neighbours });
                }
            }
            Action::SetTail(tail) => {
                self.tail_text = tail.short();
                if tail != self.tail {
                    self.tail = tail;
                    self.settings.tail = Some(tail.to_string());
                    self.save_settings();
                    self.worker.cancel_all();
                    self.queue_all();
                }
            }
            Action::Find(query) => {
                let ticket = self.search.asked(query);
                let words = match query {
                    search::Query::Words => self.search.words.clone(),
                    search::Query::OnScreen => self.search.screen_words.clone(),
                    _ => String::new(),
                };
                self.worker.search(self.season_id, query, words, self.search.looks_in(query).map(|folder| (folder, self.window_s)), ticket);
            }
            Action::OpenAt { path, second } => {
                // The season is the file's folder, as the Open season menu opens it.
                let season = path.parent().filter(|d| d.is_dir()).map_or_else(|| path.clone(), Path::to_path_buf);
                self.open(&season);
                match self.open_index(&path) {
                    Some(episode) => self.apply(Action::GoTo { episode, second }),
                    None => self.refuse(format!("{}: not found in its folder any more", path.display())),
                }
            }
            Action::ChooseLibrary => self.ask(Pick::Library),
            Action::StopSearch(query) => self.worker.stop_library_search(Some(query)),
            Action::GoTo { episode, second } => {
                if let Some(ep) = self.episodes.get_mut(episode) {
                    self.selected = episode;
                    self.picked = true;
                    ep.playhead_s = f64::from(second);
                    self.follow_playhead = true;
                    if self.playing {
                        self.playing = false;
                        self.toggle_playback();
                    }
                }
            }
            Action::ToggleSearch => self.search.open = !self.search.open,
            Action::SetWindow(asked) => {
                let window = asked.clamp(MIN_WINDOW_S, MAX_WINDOW_S);
                if window != asked {
                    // Said, not silently changed: the field shows what is in force.
                    self.refuse(format!("Window: {asked} s is outside {MIN_WINDOW_S}–{MAX_WINDOW_S} s; {window} s is used"));
                }
                self.window_text = window.to_string();
                if window != self.window_s {
                    self.window_s = window;
                    self.settings.window_s = window;
                    self.save_settings();
                    self.worker.cancel_all();
                    self.queue_all();
                }
            }
        }
    }

    /// Send every episode to the worker, in order.
    fn queue_all(&mut self) {
        let generation = self.worker.generation();
        self.season_id += 1;
        let open: Vec<PathBuf> = self.episodes.iter().map(|e| e.path.clone()).collect();
        self.search.reopened(&open);
        let neighbours = self.lone_context();
        for (index, ep) in self.episodes.iter_mut().enumerate() {
            ep.status = Status::Queued;
            ep.thumbnails.clear();
            ep.detection = None;
            ep.tail = None;
            ep.tail_thumbnails.clear();
            ep.checking = None;
            ep.judgement.clear();
            ep.tail_said.clear();
            ep.alone_intro = None;
            ep.tail_missing = None;
            ep.unfinished = false;
            if self.tail == crate::features::tail::TailSpec::Off {
                // No tail looked at: no predicted credits or preview either (a human's stay).
                ep.editor.merge_tail(&Default::default());
            }
            self.worker.send(Command::Analyse { index, path: ep.path.clone(), window_s: self.window_s, tail: self.tail, generation, season: self.season_id, neighbours });
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
                    Pick::ClipWeights => self.use_clip_weights(path),
                    Pick::Library => {
                        self.search.library = Some(path.clone());
                        self.search.scope = search::Scope::Library;
                        self.settings.search_library = Some(path);
                        self.save_settings();
                    }
                }
            }
            Err(crossbeam_channel::TryRecvError::Disconnected) => self.dialog = None,
            Err(crossbeam_channel::TryRecvError::Empty) => {}
        }
    }

    /// Switch to CLIP with these weights, remembered for the next session (and the CLI). The app's
    /// own settings are the only copy: saving a freshly loaded one here would be undone by the
    /// next save of `self.settings`.
    pub(crate) fn use_clip_weights(&mut self, path: PathBuf) {
        self.settings.clip_weights = Some(path.clone());
        self.save_settings();
        self.worker.cancel_all();
        self.encoder = "loading…".into();
        self.worker.send(Command::UseEncoder(Some(path)));
        self.queue_all();
    }

    /// "NAME could not be read" when the selected episode's analysis failed: such a file has no
    /// picture, sound or length to play or to place a boundary against, so the keys and fields
    /// that would say refuse with this, and nothing is written beside it.
    pub(crate) fn unreadable(&self) -> Option<String> {
        let ep = self.episodes.get(self.selected)?;
        matches!(ep.status, Status::Failed(_)).then(|| format!("{} could not be read", ep.name()))
    }

    /// Say why a key or a typed value changed nothing; the line clears itself after a while.
    pub(crate) fn refuse(&mut self, why: String) {
        // A repeat's deadline is its own: the earlier one of the same text would clear it early.
        self.fades.retain(|(text, _)| *text != why);
        self.fades.push((why.clone(), Instant::now() + Duration::from_secs(8)));
        self.banner = Some(why);
        self.wake_after(Duration::from_secs(8));
    }

    /// A success message (normal colour) that clears itself.
    pub(crate) fn tell(&mut self, what: String) {
        // A refusal still on the line is about an earlier key: it gives way to what just
        // happened (a banner that does not fade, a failure, stays).
        if self.banner.as_ref().is_some_and(|b| self.fades.iter().any(|(text, _)| text == b)) {
            self.banner = None;
        }
        self.fades.retain(|(text, _)| *text != what);
        self.fades.push((what.clone(), Instant::now() + Duration::from_secs(15)));
        self.info = Some(what);
        self.wake_after(Duration::from_secs(15));
    }

    /// A frame when a message is due to go: one said late in a frame (after
    /// [`Self::fade_messages`] asked for its wake-ups) would otherwise stay until the pointer
    /// moves on an idle window.
    fn wake_after(&self, after: Duration) {
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint_after(after);
        }
    }

    /// Clear messages whose time is up; wake up when the next one is due.
    fn fade_messages(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        for (text, due) in &self.fades {
            if *due <= now {
                if self.banner.as_ref() == Some(text) {
                    self.banner = None;
                }
                if self.info.as_ref() == Some(text) {
                    self.info = None;
                }
            }
        }
        self.fades.retain(|(_, due)| *due > now);
        if let Some(next) = self.fades.iter().map(|(_, due)| *due).min() {
            ctx.request_repaint_after(next - now);
        }
    }

    fn save_settings(&mut self) {
        if let Err(e) = self.settings.save_to(&self.settings_file) {
            self.banner = Some(format!("settings not saved: {e}"));
        }
    }

    /// rfd blocks until the user answers, so the dialog runs in its own thread.
    fn ask(&mut self, what: Pick) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        // A thread the system refuses is said, not a panic that ends the app with the edits.
        let spawned = std::thread::Builder::new().name("introskip-dialog".into()).spawn(move || {
            let picked = match what {
                Pick::Episode => rfd::FileDialog::new()
                    .set_title("Open episode")
                    .add_filter("Video", &["mkv", "mp4", "m4v", "mov", "avi", "webm", "ts", "m2ts", "mpg"])
                    .pick_file(),
                Pick::Season => rfd::FileDialog::new().set_title("Open season folder").pick_folder(),
                Pick::Library => rfd::FileDialog::new().set_title("Search in library folder").pick_folder(),
                Pick::Labels => rfd::FileDialog::new()
                    .set_title("Import labels or chapters")
                    .add_filter("Labels and chapters", &["json", "txt", "xml", "vtt", "edl", "mkv", "mp4"])
                    .pick_file(),
                Pick::ClipWeights => rfd::FileDialog::new()
                    .set_title("Use CLIP weights")
                    .add_filter("CLIP checkpoint", &["pt", "bin", "safetensors", "pth"])
                    .pick_file(),
            };
            let _ = tx.send(picked);
        });
        match spawned {
            Ok(_) => self.dialog = Some((what, rx)),
            Err(e) => self.refuse(format!("Cannot open the file dialog: {e}")),
        }
    }





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
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        // A file dialog (its own window, answered on its own thread) is modal for keys, in the
        // frame its answer arrives too: a name typed or Enter pressed there while this window
        // still had the keyboard (no window manager, as under Xvfb: an outside trial) stepped and
        // verified the episode, and the Enter that confirms it can land in the same frame.
        let dialog_was_open = self.dialog.is_some();
        self.poll_dialog();
        self.poll_worker(&ctx);
        // Drag and drop: a file or a folder.
        if let Some(path) = ctx.input(|i| i.raw.dropped_files.iter().find_map(|f| Some(f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()))) {
            self.open(&path);
        }
        if self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        // Keys first: a text field that had focus in the last frame still has it now, so the
        // Enter that confirms it never also verifies an episode.
        if !dialog_was_open {
            self.keyboard(&ctx);
        }
        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui));
        if self.episodes.len() > 1 {
            egui::Panel::left("episodes").resizable(true).default_size(220.0).show(ui, |ui| self.sidebar(ui));
        }
        if self.search.open && !self.episodes.is_empty() {
            egui::Panel::right("search").resizable(true).default_size(320.0).size_range(240.0..=(ui.available_width() * 0.5).max(240.0)).show(ui, |ui| self.search_panel(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.episode_view(ui));
        self.poll_preview(&ctx);
        self.poll_cuts();
        self.poll_overview(&ctx);
        self.poll_lanes(&ctx);
        if self.cuts_pending.is_some() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        while let Ok((notice, error)) = self.notices.1.try_recv() {
            // A repeat (Ctrl+E) that says the same is told from the last one, failures too.
            let again = [self.info.as_deref(), self.banner.as_deref()].into_iter().flatten().any(|i| i.strip_suffix(" (again)").unwrap_or(i) == notice);
            let notice = if again { format!("{notice} (again)") } else { notice };
            if error {
                // An export's failures are news, not a standing fault: in the error colour for
                // a while, then gone, and what happens next is said over them (an outside trial:
                // a red summary stayed for minutes and hid every message after it).
                self.fades.retain(|(text, _)| *text != notice);
                self.fades.push((notice.clone(), Instant::now() + Duration::from_secs(EXPORT_FAILURE_S)));
                self.banner = Some(notice);
                self.wake_after(Duration::from_secs(EXPORT_FAILURE_S));
            } else {
                self.tell(notice);
            }
        }
        self.export_dialog_ui(&ctx);
        self.fade_messages(&ctx);
        if self.help {
            let mut open = true;
            egui::Window::new("Keys").open(&mut open).collapsible(false).resizable(false).default_pos(egui::pos2(260.0, 90.0)).show(&ctx, |ui| {
                egui::Grid::new("keys").striped(true).show(ui, |ui| {
                    for (keys, what) in KEYS {
                        ui.monospace(*keys);
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            });
            self.help = open;
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
