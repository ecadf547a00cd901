//! The export dialog: this episode or the season, one or more formats, beside the media or into
//! a chosen folder, chapter titles every consumer recognises, and a stream copy with chapters
//! (remux). The export itself runs on its own thread through [`crate::service::export`]; its
//! summary comes back as a notice with every failure named.

use super::*;
use crate::formats::Format;

/// The export dialog's formats.
const EXPORTS: &[(&str, crate::formats::Format)] = &[
    ("Matroska chapters (mkvmerge XML)", crate::formats::Format::MkvXml),
    ("FFMETADATA (ffmpeg)", crate::formats::Format::Ffmetadata),
    ("WebVTT chapters", crate::formats::Format::Webvtt),
    ("Kodi / MPlayer EDL", crate::formats::Format::Edl),
    ("DaVinci Resolve markers (EDL)", crate::formats::Format::ResolveEdl),
    ("OpenTimelineIO", crate::formats::Format::Otio),
    ("YouTube chapters", crate::formats::Format::Youtube),
    ("SIS labels.json", crate::formats::Format::Sis),
    ("CSV", crate::formats::Format::Csv),
];

/// Chapter titles written for each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Titles {
    /// Intro, Recap, Credits, Preview: what Jellyfin's chapter segments provider and
    /// intro-skipper's chapter analyser match.
    Standard,
    /// Opening, Ending: what mpv's chapterskip script skips by default ("Intro" it does not).
    OpeningEnding,
}

/// One export, as chosen in the dialog (and repeated by Ctrl+E).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExportJob {
    /// The whole season, or only the selected episode.
    pub season: bool,
    pub formats: Vec<Format>,
    /// None: beside each episode.
    pub folder: Option<PathBuf>,
    pub titles: Titles,
    /// Also a Matroska stream copy of each episode with the chapters, into `folder`.
    pub remux: bool,
}

pub(crate) struct ExportDialog {
    pub job: ExportJob,
    /// The folder as typed (or picked); it is the destination while "Into" is chosen.
    pub folder_text: String,
    /// The folder picker, while it is open.
    picking: Option<crossbeam_channel::Receiver<Option<PathBuf>>>,
    /// The folder field takes the keyboard when the dialog opens.
    focus_folder: bool,
    /// "Into a folder" is chosen (with no folder yet, Export waits for one: never beside instead).
    pub into: bool,
}

impl ExportJob {
    /// As remembered in the settings (formats by their command-line names).
    pub fn to_settings(&self) -> crate::settings::LastExport {
        use clap::ValueEnum;
        crate::settings::LastExport {
            season: self.season,
            formats: self.formats.iter().filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string())).collect(),
            folder: self.folder.clone(),
            opening_ending: self.titles == Titles::OpeningEnding,
            remux: self.remux,
        }
    }

    /// From the settings; formats this version does not know are left out.
    pub fn from_settings(s: &crate::settings::LastExport) -> Option<Self> {
        use clap::ValueEnum;
        let formats: Vec<Format> = s.formats.iter().filter_map(|f| Format::from_str(f, true).ok()).collect();
        (!formats.is_empty() || s.remux).then(|| ExportJob {
            season: s.season,
            formats,
            folder: s.folder.clone(),
            titles: if s.opening_ending { Titles::OpeningEnding } else { Titles::Standard },
            remux: s.remux && s.folder.is_some(),
        })
    }
}

impl App {
    /// The export Ctrl+E repeats: the last one of this session, else the one remembered from the
    /// last session, else the season in the format used last.
    pub(super) fn repeatable_export(&self) -> Option<ExportJob> {
        self.last_export.clone().or_else(|| self.settings.last_export.as_ref().and_then(ExportJob::from_settings)).or_else(|| {
            self.default_export().map(|f| ExportJob { season: true, formats: vec![f], folder: None, titles: Titles::Standard, remux: false })
        })
    }

    pub(super) fn open_export_dialog(&mut self) {
        // This episode by default: the season is one click away, never written by surprise.
        let job = self.last_export.clone().or_else(|| self.settings.last_export.as_ref().and_then(ExportJob::from_settings)).unwrap_or_else(|| ExportJob {
            season: false,
            formats: vec![self.default_export().unwrap_or(Format::MkvXml)],
            folder: None,
            titles: Titles::Standard,
            remux: false,
        });
        let folder_text = job.folder.as_ref().map(|f| f.display().to_string()).unwrap_or_default();
        let into = job.folder.is_some();
        self.export_dialog = Some(ExportDialog { job, folder_text, picking: None, focus_folder: true, into });
        // A new window is measured in one frame and shown in the next: ask for that frame.
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
    }

    /// Draw the dialog while it is open; Export starts the job and closes it.
    pub(super) fn export_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.export_dialog.take() else { return };
        if let Some(rx) = &dialog.picking {
            match rx.try_recv() {
                Ok(picked) => {
                    dialog.picking = None;
                    if let Some(folder) = picked {
                        dialog.folder_text = folder.display().to_string();
                        dialog.into = true;
                    }
                }
                Err(crossbeam_channel::TryRecvError::Disconnected) => dialog.picking = None,
                Err(crossbeam_channel::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(100)),
            }
        }
        let episode = self.episodes.get(self.selected).map(|e| e.name()).unwrap_or_default();
        let count = self.episodes.len();
        let mut open = true;
        let mut go = false;
        let escape = ctx.input(|i| i.key_pressed(egui::Key::Escape));
        let mut cancel = false;
        egui::Window::new("Export chapters and labels").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            let job = &mut dialog.job;
            ui.strong("Episodes");
            ui.radio_value(&mut job.season, false, format!("This episode ({episode})"));
            ui.radio_value(&mut job.season, true, format!("The season ({})", crate::words::count(count, "episode", "episodes")));
            ui.add_space(6.0);
            ui.strong("Formats");
            for (label, format) in EXPORTS {
                let mut on = job.formats.contains(format);
                if ui.checkbox(&mut on, *label).changed() {
                    if on {
                        job.formats.push(*format);
                    } else {
                        job.formats.retain(|f| f != format);
                    }
                }
            }
            ui.add_space(6.0);
            ui.strong("Chapter titles");
            ui.radio_value(&mut job.titles, Titles::Standard, "Intro · Recap · Credits · Preview (Jellyfin, intro-skipper, Kodi)");
            ui.radio_value(&mut job.titles, Titles::OpeningEnding, "Opening · Recap · Ending · Preview (mpv's chapterskip skips these)");
            ui.add_space(6.0);
            ui.strong("Where");
            if ui.radio(!dialog.into, "Beside each episode").clicked() {
                dialog.into = false;
            }
            ui.horizontal(|ui| {
                if ui.radio(dialog.into, "Into").clicked() {
                    dialog.into = true;
                }
                let field = ui.add(egui::TextEdit::singleline(&mut dialog.folder_text).hint_text("a folder (typed, pasted or chosen)").desired_width(260.0)).on_hover_text("Created if missing; Enter exports");
                if std::mem::take(&mut dialog.focus_folder) {
                    field.request_focus();
                }
                if field.changed() && !dialog.folder_text.trim().is_empty() {
                    dialog.into = true;
                }
                // Enter in the folder field is the dialog's default button.
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    go = true;
                }
                if ui.button("Choose…").clicked() && dialog.picking.is_none() {
                    let (tx, rx) = crossbeam_channel::bounded(1);
                    // Refused by the system: the folder can still be typed.
                    let spawned = std::thread::Builder::new().name("introskip-dialog".into()).spawn(move || {
                        let _ = tx.send(rfd::FileDialog::new().set_title("Export into folder").pick_folder());
                    });
                    dialog.picking = spawned.is_ok().then_some(rx);
                }
            });
            let folder = dialog.folder_text.trim();
            job.folder = (dialog.into && !folder.is_empty()).then(|| PathBuf::from(folder));
            ui.add_enabled_ui(dialog.into, |ui| {
                ui.checkbox(&mut job.remux, "Also a copy of each episode with these chapters (Matroska, streams copied)")
                    .on_disabled_hover_text("Choose a folder first: the copies never go beside the originals");
            });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ready = (!job.formats.is_empty() || (job.remux && job.folder.is_some())) && (!dialog.into || job.folder.is_some());
                let why = if dialog.into && job.folder.is_none() { "Type or choose the folder first" } else { "Choose at least one format" };
                if ui.add_enabled(ready, egui::Button::new("Export")).on_disabled_hover_text(why).clicked() {
                    go = true;
                }
                go &= ready;
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if go {
            let job = dialog.job.clone();
            if let Some(first) = job.formats.first() {
                self.remember_export(*first);
            }
            self.last_export = Some(job.clone());
            self.settings.last_export = Some(job.to_settings());
            self.save_settings();
            self.run_export(&job);
        } else if open && !cancel && !escape {
            self.export_dialog = Some(dialog);
        }
    }

    /// Run an export on a background thread; its summary (with every failure) comes back as a
    /// notice and wakes the UI.
    pub(crate) fn run_export(&mut self, job: &ExportJob) {
        use crate::service::export::{export_episodes, remux_episodes, Destination};
        let chosen: Vec<&Episode> = if job.season { self.episodes.iter().collect() } else { self.episodes.get(self.selected).into_iter().collect() };
        let jobs: Vec<(PathBuf, crate::Result<crate::segments::Segments>)> = chosen.iter().map(|e| (e.path.clone(), Ok(e.editor.segments.clone()))).collect();
        if jobs.is_empty() {
            return;
        }
        // Episodes whose labels no one verified: their chapters are the model's, said in the summary.
        let unverified: Vec<PathBuf> = chosen.iter().filter(|e| !e.editor.is_verified()).map(|e| e.path.clone()).collect();
        let job = job.clone();
        let tx = self.notices.0.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new().name("introskip-export".into()).spawn(move || {
            let mut options = crate::formats::ExportOptions::default();
            if job.titles == Titles::OpeningEnding {
                options.titles = vec![(Kind::Intro, "Opening".into()), (Kind::Credits, "Ending".into())];
            }
            let mut written = 0;
            let mut failures = Vec::new();
            // A folder given for one episode is still a folder: never a file named like it.
            let folder = job.folder.clone();
            if let Some(f) = &folder {
                // Not a folder (an existing file, or no permission): nothing is written at all,
                // never into a file that happens to have that name.
                if let Err(e) = std::fs::create_dir_all(f).and_then(|_| if f.is_dir() { Ok(()) } else { Err(std::io::Error::other("not a folder")) }) {
                    let _ = tx.send((format!("Export stopped: {}", crate::error::io_error(f, e)), true));
                    if let Some(ctx) = ctx {
                        ctx.request_repaint();
                    }
                    return;
                }
            }
            // Each reason once (an unreadable episode fails every format the same way), and the
            // episodes a chapter file failed for: the error names the episode, or the file
            // written for it (a folder that refuses a write). A copy that failed is counted apart.
            let mut failed_episodes: Vec<PathBuf> = Vec::new();
            // Episodes at least one file was written for (chapters, or a copy carrying them).
            let mut written_for: Vec<PathBuf> = Vec::new();
            let episode_of = |path: &Path| -> Option<PathBuf> {
                let name = path.file_name()?.to_string_lossy().into_owned();
                jobs.iter().map(|(p, _)| p).find(|p| p.as_path() == path || p.file_stem().is_some_and(|stem| name.starts_with(&format!("{}.", stem.to_string_lossy())))).cloned()
            };
            let mut note = |errors: &[crate::Error], count: bool, failures: &mut Vec<String>| {
                for e in errors {
                    if let (true, crate::Error::Input { path, .. }) = (count, e) {
                        if let Some(episode) = episode_of(path).filter(|p| !failed_episodes.contains(p)) {
                            failed_episodes.push(episode);
                        }
                    }
                    let text = e.to_string();
                    if !failures.contains(&text) {
                        failures.push(text);
                    }
                }
            };
            for format in &job.formats {
                let destination = folder.as_deref().map_or(Destination::Beside, Destination::Out);
                let report = export_episodes(&jobs, *format, destination, &options, false);
                written += report.written.len();
                for episode in report.written.iter().filter_map(|w| episode_of(w)) {
                    if !written_for.contains(&episode) {
                        written_for.push(episode);
                    }
                }
                note(&report.failures, true, &mut failures);
            }
            let mut copies = 0;
            if let (true, Some(f)) = (job.remux, &folder) {
                let (done, failed) = remux_episodes(&jobs, f, &options);
                copies = done.len();
                for episode in done.iter().filter_map(|(w, _)| episode_of(w)) {
                    if !written_for.contains(&episode) {
                        written_for.push(episode);
                    }
                }
                note(&failed, false, &mut failures);
            }
            let whom = match (jobs.len(), failed_episodes.len()) {
                (1, _) => jobs[0].0.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                (n, 0) => format!("{n} episodes"),
                // An episode that got some of its files is exported, not in every format: "3 of 4
                // episodes" for one that lacked only its YouTube chapters read as lost (an
                // outside trial).
                (n, _) => {
                    let partly = failed_episodes.iter().filter(|e| written_for.contains(e)).count();
                    let none = failed_episodes.len() - partly;
                    let whole = if none > 0 { format!("{} of {n} episodes", n - none.min(n)) } else { format!("{n} episodes") };
                    match partly {
                        0 => whole,
                        1 => format!("{whole} (one not in every format)"),
                        k => format!("{whole} ({k} not in every format)"),
                    }
                }
            };
            let place = folder.as_ref().map_or("beside the media".to_string(), |f| format!("into {}", f.display()));
            let copies = if copies > 0 { format!(" and {} with chapters", crate::words::count(copies, "copy", "copies")) } else { String::new() };
            // Of the episodes something was written for: one that got nothing has no chapters
            // that are the model's.
            let unchecked = match unverified.iter().filter(|e| written_for.contains(e)).count() {
                0 => String::new(),
                // All of several: "none verified" ("4 episodes (not verified)" read as one
                // wording here and "2 of 3 not verified" there: an outside trial).
                n if n == written_for.len() && n > 1 => " (none verified)".to_string(),
                n if n == written_for.len() => " (not verified)".to_string(),
                n => format!(" ({n} of {} not verified)", written_for.len()),
            };
            let summary = format!("Exported {}{copies} for {whom}{unchecked} {place}", crate::words::count(written, "file", "files"));
            // One message: the summary with every reason, so no failure is overwritten.
            let notice = if failures.is_empty() { (summary, false) } else { (format!("{summary}. Not written: {}", failures.join("; ")), true) };
            let _ = tx.send(notice);
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
        if let Err(e) = spawned {
            self.refuse(format!("Export not started: {e}"));
        }
    }
}
