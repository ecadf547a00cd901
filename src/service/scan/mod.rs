//! A library scan: walk a collection, group its episodes into seasons (by folder and by the
//! series in the file names), judge each season that changed in season mode, merge the answer into
//! each episode's sidecar (what a human decided is never touched) and write the hand-offs media
//! servers and players read. What was done is remembered per season in the cache, so a rescan of
//! an unchanged library only reads file sizes and times, and a season with a new episode is
//! re-judged from cached features. Every file is written by an atomic rename: an interrupted scan
//! leaves complete files and a record only of seasons it finished.
//!
//! The unit of work is a season (repetition needs the whole season; seasons are independent):
//! `shard K/N` takes a deterministic share of them, so any job array (or `scale/ray_scan.py`) can
//! split a library across processes and machines that share the cache.

mod handoffs;
mod record;
mod seasons;

use super::detect::{detect, JudgeOptions, UNCERTAIN};
use crate::encoder::FrameEncoder;
use crate::error::{io_error, Error, Result};
use crate::model::IntroModel;
use crate::segments::{Kind, Segments};
use handoffs::{handoffs, remove_vanished, rewrite_handoffs};
use record::{confirmed, current_record, handoffs_current, outputs_now, record_path, stamps, write_record, SeasonRecord};
pub use seasons::{parse_shard, seasons_in, shard_of};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the segments go, besides the sidecar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Handoff {
    /// Kodi: `<episode>.edl` beside the file, action 3 (skipped once, automatically; an uncertain
    /// prediction as a marker, action 2).
    Kodi,
    /// Jellyfin 10.10+ (Chapter Segments Provider) and intro-skipper's
    /// chapter analyser: a stream copy with chapters titled Intro / Recap / Credits / Preview,
    /// in `--out` mirroring the library.
    Jellyfin,
    /// mpv's chapterskip script: a stream copy with chapters titled Opening / Ending (what it
    /// skips by default; it does not skip "Intro"), in `--out` mirroring the library.
    Mpv,
    /// Emby: a stream copy whose chapters start at the markers it reads (IntroStart, IntroEnd,
    /// CreditsStart), in `--out` mirroring the library.
    Emby,
}

impl Handoff {
    /// Whether this hand-off writes a copy of the episode (and so needs `--out`).
    pub fn remuxes(self) -> bool {
        matches!(self, Handoff::Jellyfin | Handoff::Mpv | Handoff::Emby)
    }

    fn name(self) -> &'static str {
        match self {
            Handoff::Kodi => "kodi",
            Handoff::Jellyfin => "jellyfin",
            Handoff::Mpv => "mpv",
            Handoff::Emby => "emby",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub window_s: u32,
    /// The end of each episode looked at for credits.
    pub tail: crate::features::tail::TailSpec,
    pub handoffs: Vec<Handoff>,
    /// The tree the stream copies go to (mirrors the library).
    pub out: Option<PathBuf>,
    /// List what would be done; write nothing.
    pub dry_run: bool,
    /// This process's share of the seasons: (K, N), 1 ≤ K ≤ N.
    pub shard: Option<(u32, u32)>,
    /// Judge every season even when nothing changed.
    pub force: bool,
    /// Only the seasons with these keys (as `--dry-run --json` lists them) or in these folders:
    /// one unit of work for a scheduler (`scale/ray_scan.py` runs one season per task). Empty:
    /// every season.
    pub seasons: Vec<String>,
    /// The remuxing hand-off replaces each episode (atomic rename) instead of writing into
    /// `out`; the first original is kept beside it as `<file>.introskip-backup`.
    pub in_place: bool,
}

/// The suffix of the original kept beside an episode a scan with `in_place` replaced.
pub const BACKUP_SUFFIX: &str = "introskip-backup";

/// A season of the library: its key (the folder relative to the library, and the series when a
/// folder holds several) and its episodes in natural order.
#[derive(Clone, Debug, PartialEq)]
pub struct Season {
    pub key: String,
    pub episodes: Vec<PathBuf>,
}

/// What happened to one episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Judged: the intro in seconds (None: none found) and the model's confidence.
    Judged { intro: Option<(f64, f64)>, confidence: Option<f64>, uncertain: bool },
    /// A human's labels stand (verified, edited, imported, or decided absent): hand-offs are
    /// written from them, the model's answer is not merged.
    Human { intro: Option<(f64, f64)> },
    /// Nothing changed since the last scan.
    Unchanged,
    /// What a dry run would do.
    WouldJudge,
    /// Hand-offs written from the saved labels, without judging again (other hand-offs asked
    /// for, or a human's edit in the app): the intro they carry, in seconds.
    HandedOff { intro: Option<(f64, f64)> },
    /// What a dry run would do: write hand-offs only.
    WouldWriteHandoffs,
    Failed { reason: String },
}

/// One line of progress: a season done (or skipped), with its episodes' outcomes.
#[derive(Clone, Debug, Serialize)]
pub struct SeasonDone {
    pub season: String,
    pub episodes: Vec<(PathBuf, Outcome)>,
    /// Files written for this season (sidecars and hand-offs).
    pub written: Vec<PathBuf>,
    /// Labels that followed a renamed episode: (where they were, the episode now).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<(PathBuf, PathBuf)>,
    /// Hand-offs removed with the episode they were for (deleted or renamed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<PathBuf>,
    /// What to look at in a human's labels: made on other media, or matching no episode.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<(PathBuf, String)>,
    pub seconds: f64,
}

/// The whole scan, for the summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScanReport {
    pub seasons: usize,
    /// Seasons outside this shard.
    pub other_shards: usize,
    pub episodes: usize,
    pub judged: usize,
    pub unchanged: usize,
    pub found: usize,
    pub uncertain: usize,
    pub human: usize,
    pub failed: Vec<(PathBuf, String)>,
    pub written: usize,
    /// Episodes whose labels followed them to a new name.
    pub moved: usize,
    /// Episodes whose hand-offs were written from their saved labels, without judging.
    pub handed_off: usize,
    /// Hand-offs removed with the episode they were for.
    pub removed: usize,
    pub seconds: f64,
}

/// Scan `library`: judge what changed, write sidecars and hand-offs, call `progress` after each
/// season (skipped ones too). Ctrl+C between seasons loses nothing; within one, only that season.
pub fn scan(library: &Path, options: &ScanOptions, encoder: &mut dyn FrameEncoder, model: &IntroModel, progress: &mut dyn FnMut(&SeasonDone, usize, usize)) -> Result<ScanReport> {
    let started = std::time::Instant::now();
    let window_s = super::check_window(options.window_s)?;
    let remuxers: Vec<Handoff> = options.handoffs.iter().copied().filter(|h| h.remuxes()).collect();
    if options.in_place {
        if remuxers.len() != 1 || options.out.is_some() {
            return Err(Error::Usage("--in-place replaces each episode with a copy carrying chapters: give exactly one of --handoff jellyfin, mpv or emby, and no --out".into()));
        }
    } else if !remuxers.is_empty() && options.out.is_none() {
        return Err(Error::Usage("--handoff jellyfin, mpv and emby write stream copies: give --out DIR for them (a tree mirroring the library), or --in-place to replace each episode (its original kept as a backup)".into()));
    }
    if let Some(out) = &options.out {
        std::fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
        let (lib, o) = (std::fs::canonicalize(library).map_err(|e| io_error(library, e))?, std::fs::canonicalize(out).map_err(|e| io_error(out, e))?);
        if lib.starts_with(&o) {
            return Err(Error::input(out, "--out is the library or holds it: choose a folder outside the library (or inside it, of its own)"));
        }
        if crate::paths::media_files_in(&o).is_ok_and(|f| !f.is_empty()) {
            return Err(Error::input(out, "--out holds video files: choose an empty folder of its own for the copies"));
        }
    }
    let all = seasons_in(library, options.out.as_deref())?;
    let mut report = ScanReport { seasons: all.len(), ..Default::default() };
    // A key as listed, or its folder (every season in that folder).
    let picked = |season: &Season, wanted: &str| season.key == wanted || season.key.split('#').next() == Some(wanted);
    if let Some(unknown) = options.seasons.iter().find(|k| !all.iter().any(|s| picked(s, k))) {
        return Err(Error::input(library, format!("no season '{unknown}' here (`introskip scan --dry-run --json` lists the seasons)")));
    }
    let mine: Vec<Season> = all
        .into_iter()
        .filter(|s| options.shard.is_none_or(|(k, n)| shard_of(&s.key, n) == k))
        .filter(|s| options.seasons.is_empty() || options.seasons.iter().any(|k| picked(s, k)))
        .collect();
    report.other_shards = report.seasons - mine.len();
    let stamp = stamps(model, encoder, options);
    let total = mine.len();
    for (i, season) in mine.iter().enumerate() {
        let season_started = std::time::Instant::now();
        report.episodes += season.episodes.len();
        let record_file = record_path(season, library);
        let now = current_record(season, &stamp);
        let before: Option<SeasonRecord> = std::fs::read(&record_file).ok().and_then(|b| serde_json::from_slice(&b).ok());
        let unchanged = !options.force && before.as_ref().is_some_and(|b| b.same(&now));
        // Only hand-offs to write (other hand-offs asked for, a human's edit in the app): from
        // the sidecars, without judging the season again (before 2026-12-04 adding a hand-off
        // judged the whole library again).
        let rewrite = if options.force || unchanged { None } else { before.as_ref().and_then(|b| b.rewrite_only(&now)) };
        let mut done = SeasonDone { season: season.key.clone(), episodes: Vec::new(), written: Vec::new(), moved: Vec::new(), removed: Vec::new(), warnings: Vec::new(), seconds: 0.0 };
        if unchanged || options.dry_run || rewrite.is_some() {
            // What could not be read last time, unchanged since, still fails: said again.
            let failed: &[(String, String)] = match &before {
                Some(b) if unchanged || rewrite.is_some() => &b.failed,
                _ => &[],
            };
            let mut retry: Vec<(PathBuf, bool)> = Vec::new();
            let mut lasting = failed.to_vec();
            let mut handed: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
            // What was said of the labels last time, while nothing changed, is said again: not
            // of labels gone since (an orphan the next season in the folder took), nor of labels
            // a human has saved since (they name this media now).
            if let Some(b) = before.as_ref().filter(|_| unchanged || rewrite.is_some()) {
                done.warnings = b.warnings.iter().map(|(p, w)| (PathBuf::from(p), w.clone())).filter(|(p, _)| p.exists() && !confirmed(p)).collect();
            }
            for (n, e) in season.episodes.iter().enumerate() {
                if let Some((_, reason)) = failed.iter().find(|(f, _)| *f == e.to_string_lossy()) {
                    report.failed.push((e.clone(), reason.clone()));
                    done.episodes.push((e.clone(), Outcome::Failed { reason: reason.clone() }));
                    continue;
                }
                let outcome = match &rewrite {
                    Some(which) if !which.contains(&n) => Outcome::Unchanged,
                    // No hand-offs asked for: the edit is in the sidecar, nothing to write.
                    Some(_) if options.handoffs.is_empty() => Outcome::Unchanged,
                    Some(_) if options.dry_run => {
                        report.handed_off += 1;
                        Outcome::WouldWriteHandoffs
                    }
                    Some(_) => match rewrite_handoffs(e, library, options, &remuxers) {
                        Ok((intro, written)) => {
                            handed.push((e.clone(), written.clone()));
                            done.written.extend(written);
                            report.handed_off += 1;
                            Outcome::HandedOff { intro }
                        }
                        Err(err) => {
                            // Labels a human left unreadable are said until they change (then
                            // the season is judged again); a failed write is tried again.
                            match (&err, crate::segments::read_saved(e)) {
                                (Error::Input { .. }, Err(_)) => lasting.push((e.to_string_lossy().into_owned(), err.to_string())),
                                _ => retry.push((e.clone(), false)),
                            }
                            report.failed.push((e.clone(), err.to_string()));
                            Outcome::Failed { reason: err.to_string() }
                        }
                    },
                    None if unchanged => Outcome::Unchanged,
                    None => Outcome::WouldJudge,
                };
                if outcome == Outcome::Unchanged {
                    report.unchanged += 1;
                }
                done.episodes.push((e.clone(), outcome));
            }
            if rewrite.is_some() && !options.dry_run {
                report.written += done.written.len();
                let outputs = outputs_now(season, before.as_ref(), &handed);
                let warnings = done.warnings.iter().map(|(p, w)| (p.to_string_lossy().into_owned(), w.clone())).collect();
                let after = SeasonRecord { failed: lasting, outputs, warnings, ..current_record(season, &stamp) };
                write_record(&record_file, &after.to_retry(&retry))?;
                done.seconds = season_started.elapsed().as_secs_f64();
            }
            progress(&done, i + 1, total);
            continue;
        }
        // A scan killed in this season before (a lost node, Ctrl+C at the wrong moment) may have
        // left a temporary beside an episode: gone before this one writes there.
        let mut folders: Vec<&Path> = season.episodes.iter().filter_map(|e| e.parent()).collect();
        folders.dedup();
        for folder in folders {
            crate::fsio::remove_stale_temps(folder);
        }
        // Labels follow their media: an episode renamed (by a media manager), names swapped,
        // a new release under another extension. Rather than an episode judged as if nobody
        // had labelled it, and the human's labels left on a name that is gone.
        let fixed = crate::segments::reconcile(&season.episodes, true);
        done.moved = fixed.moved.clone();
        done.warnings = warnings_of(&fixed);
        let run = detect(&season.episodes, window_s, encoder, model, JudgeOptions { tail: options.tail, ..JudgeOptions::season() }, None)?;
        // Failures that follow from a file's content (unreadable media, unreadable labels) are
        // remembered with the season; any other (a write, the machine) is tried again next time.
        let mut lasting: Vec<(String, String)> = Vec::new();
        // Episodes to try again next time: judged again (true), or only written (false).
        let mut retry: Vec<(PathBuf, bool)> = Vec::new();
        let mut handed: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
        for failure in &run.failures {
            match failure {
                // A file that opens but is not media it can read (truncated, damaged): its content.
                Error::Input { path, .. } if std::fs::File::open(path).is_ok() => lasting.push((path.to_string_lossy().into_owned(), failure.to_string())),
                Error::Input { path, .. } => retry.push((path.clone(), true)),
                // Whose, unknown: the season is judged again.
                _ => retry.push((PathBuf::new(), true)),
            }
        }
        for failure in &run.failures {
            let path = match failure {
                Error::Input { path, .. } => path.clone(),
                _ => PathBuf::new(),
            };
            report.failed.push((path.clone(), failure.to_string()));
            done.episodes.push((path, Outcome::Failed { reason: failure.to_string() }));
        }
        for (file, judged, _) in &run.predictions {
            // A sidecar that cannot be read is a human's file with a problem: never replaced.
            let saved = [crate::segments::sidecar_path(file), crate::segments::fallback_sidecar(file)].into_iter().find(|p| p.exists());
            let mut labels = match saved.as_deref().map(Segments::read) {
                None => Segments::default(),
                Some(Ok(labels)) => labels,
                Some(Err(e)) => {
                    let reason = format!("{e} (its labels are left as they are: fix or remove the file)");
                    lasting.push((file.to_string_lossy().into_owned(), reason.clone()));
                    report.failed.push((file.clone(), reason.clone()));
                    done.episodes.push((file.clone(), Outcome::Failed { reason }));
                    continue;
                }
            };
            let human = labels.has_human_labels();
            let before_merge = labels.clone();
            labels.merge_detection(&judged.detection);
            if let Some(tail) = &judged.tail {
                labels.merge_tail(&tail.found);
            }
            let intro = labels.segments.iter().find(|s| s.kind == Kind::Intro).map(|s| (s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0));
            let outcome = if human && labels.segments.iter().filter(|s| s.kind == Kind::Intro).all(|s| s.source != crate::segments::Source::Predicted) {
                report.human += 1;
                Outcome::Human { intro }
            } else {
                let confidence = judged.detection.intros.first().map(|s| s.confidence);
                // Uncertain as the app's review queue has it: the least sure segment the model
                // placed, the intro or the end's (credits found only by their sound are 0.65).
                let least = labels.segments.iter().filter(|s| s.source == crate::segments::Source::Predicted).filter_map(|s| s.confidence).map(f64::from).fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.min(c))));
                let uncertain = least.is_some_and(|c| c < UNCERTAIN);
                report.found += usize::from(intro.is_some());
                report.uncertain += usize::from(uncertain);
                Outcome::Judged { intro, confidence, uncertain }
            };
            report.judged += 1;
            let written = (|| -> Result<(Option<PathBuf>, Vec<PathBuf>)> {
                // Labels saved before they named their media (or for a file since replaced) gain
                // its name.
                let mut sidecar = None;
                if fixed.other_media.contains(file) {
                    // A human's labels made on other media stay marked so until a human saves them.
                    if labels != before_merge {
                        sidecar = Some(crate::segments::save_keeping_media(file, &labels)?);
                    }
                } else if labels != before_merge || before_merge.media != crate::segments::MediaId::of(file).ok() || !crate::segments::sidecar_path(file).exists() {
                    sidecar = Some(crate::segments::save(file, &labels)?);
                }
                // The same labels and hand-offs as last time, still there: not written again (a
                // season judged again for a new or deleted episode rewrote every stream copy).
                let moved_here = fixed.moved.iter().any(|(_, to)| to == file) || fixed.other_media.contains(file);
                // (What the hand-offs carry: kinds, times and whether a player may skip it; a
                // confidence that moved within "sure" changes none of them.)
                let carried = |l: &Segments| l.segments.iter().map(|s| (s.kind, s.start_ms, s.end_ms, s.is_sure())).collect::<Vec<_>>();
                if carried(&labels) == carried(&before_merge) && crate::segments::sidecar_path(file).exists() && !moved_here && before.as_ref().is_some_and(|b| handoffs_current(b, &now, file, options.in_place)) {
                    return Ok((None, Vec::new()));
                }
                Ok((sidecar, handoffs(file, &labels, library, options, &remuxers)?))
            })();
            match written {
                Ok((sidecar, w)) => {
                    handed.push((file.clone(), w.clone()));
                    done.written.extend(sidecar.into_iter().chain(w));
                    done.episodes.push((file.clone(), outcome));
                }
                Err(e) => {
                    retry.push((file.clone(), false));
                    report.failed.push((file.clone(), e.to_string()));
                    done.episodes.push((file.clone(), Outcome::Failed { reason: e.to_string() }));
                }
            }
        }
        // What was written for episodes no longer here (deleted, or renamed: their labels
        // followed them) goes: a Kodi EDL beside no video, a second copy of an episode in the
        // tree a media server reads.
        let outputs = outputs_now(season, before.as_ref(), &handed);
        done.removed = remove_vanished(before.as_ref(), &outputs, season, options.out.as_deref());
        report.written += done.written.len();
        report.moved += done.moved.len();
        report.removed += done.removed.len();
        // Taken after this scan's own writes: only a later change (a new file, a human's edit)
        // makes the season differ; what may go better next time (a write that failed, an error
        // not of a file's content) is marked to be tried again.
        let warnings = done.warnings.iter().map(|(p, w)| (p.to_string_lossy().into_owned(), w.clone())).collect();
        let after = SeasonRecord { failed: lasting, outputs, warnings, ..current_record(season, &stamp) };
        write_record(&record_file, &after.to_retry(&retry))?;
        done.seconds = season_started.elapsed().as_secs_f64();
        progress(&done, i + 1, total);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}


/// What a scan says of the labels [`crate::segments::reconcile`] could not simply give back.
pub fn warnings_of(fixed: &crate::segments::Reconciled) -> Vec<(PathBuf, String)> {
    let other = fixed.other_media.iter().map(|e| {
        (e.clone(), "its labels hold a human's decisions made on another file of this name (a new release?): kept, but their times may be off; check them in the app (saving there confirms them)".to_string())
    });
    let unmatched = fixed.unmatched.iter().map(|s| {
        let name = s.file_name().unwrap_or_default().to_string_lossy().into_owned();
        (s.clone(), format!("a human's labels whose file is gone, matching no episode here (saved before labels named their media, or the episode is elsewhere): kept as they are; rename {name} to <episode file>.introskip.json to give them to an episode"))
    });
    other.chain(unmatched).collect()
}
