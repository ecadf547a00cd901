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

use super::detect::{detect, JudgeOptions, UNCERTAIN};
use crate::encoder::FrameEncoder;
use crate::error::{io_error, Error, Result};
use crate::formats::{ExportOptions, Format};
use crate::model::IntroModel;
use crate::segments::{Kind, Segments};
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

/// How deep a library is walked: Show/Season/Extras/… is four; links that loop stop here.
const MAX_DEPTH: usize = 8;

/// Every season under `library`, in natural order of folders. Hidden folders and `skip` (the
/// scan's own output tree) are left out.
pub fn seasons_in(library: &Path, skip: Option<&Path>) -> Result<Vec<Season>> {
    let meta = std::fs::metadata(library).map_err(|e| io_error(library, e))?;
    if !meta.is_dir() {
        return Err(Error::input(library, "not a folder: scan takes a library, a show or a season folder"));
    }
    let skip = skip.and_then(|s| std::fs::canonicalize(s).ok());
    let mut files = Vec::new();
    let mut stack = vec![(library.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        if skip.as_ref().is_some_and(|s| std::fs::canonicalize(&dir).is_ok_and(|d| d == *s)) {
            continue;
        }
        files.extend(crate::paths::media_files_in(&dir).map_err(|e| io_error(&dir, e))?);
        if depth < MAX_DEPTH {
            let mut subdirs: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| io_error(&dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect();
            subdirs.sort_by(|a, b| crate::paths::natural_cmp(&b.to_string_lossy(), &a.to_string_lossy()));
            stack.extend(subdirs.into_iter().map(|d| (d, depth + 1)));
        }
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let mut seasons: Vec<Season> = crate::paths::seasons(&refs)
        .into_iter()
        .map(|group| {
            let first = &files[group[0]];
            let folder = first.parent().and_then(|p| p.strip_prefix(library).ok()).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
            let series = crate::paths::series_key(first).unwrap_or_default();
            let key = if series.is_empty() { folder } else { format!("{folder}#{series}") };
            Season { key, episodes: group.into_iter().map(|i| files[i].clone()).collect() }
        })
        .collect();
    // Two seasons of one show in one folder (S01E…, S02E…) share that key: each gets its
    // season number after it. Only those, so the keys (and what the last scan remembers under
    // them) of every other season stay as they were.
    let shared: Vec<bool> = seasons.iter().map(|s| seasons.iter().filter(|o| o.key == s.key).count() > 1).collect();
    for (season, shared) in seasons.iter_mut().zip(shared) {
        if let Some(n) = season.episodes.first().and_then(|f| crate::paths::season_number(f)).filter(|_| shared) {
            season.key = format!("{}#s{n}", season.key);
        }
    }
    seasons.sort_by(|a, b| crate::paths::natural_cmp(&a.key, &b.key));
    Ok(seasons)
}

/// The shard (1-based) a season belongs to among `n`: by a hash of its key, so the split is the
/// same on every machine and for every run.
pub fn shard_of(key: &str, n: u32) -> u32 {
    (crate::fsio::fnv64(key.as_bytes()) % u64::from(n.max(1))) as u32 + 1
}

/// `"K/N"` → (K, N).
pub fn parse_shard(text: &str) -> std::result::Result<(u32, u32), String> {
    let (k, n) = text.split_once('/').ok_or_else(|| format!("'{text}' is not K/N (e.g. 2/8)"))?;
    let (k, n): (u32, u32) = (k.trim().parse().map_err(|_| format!("'{k}' is not a whole number"))?, n.trim().parse().map_err(|_| format!("'{n}' is not a whole number"))?);
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be from 1 to N"));
    }
    Ok((k, n))
}

/// What a season's last scan saw: each episode's size and modification time, and the settings
/// its outputs were made with. Equal again: nothing to do.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct SeasonRecord {
    /// What the judgement depends on besides the episodes ([`stamps`]).
    stamp: String,
    /// The hand-offs asked for and where they go: a change writes them from the sidecars
    /// without judging the season again.
    #[serde(default)]
    handoffs: String,
    /// Each episode: path, size and modification time, and the same of its sidecar (a human's
    /// edit in the app changes what the hand-offs must carry).
    episodes: Vec<(String, (u64, i128), (u64, i128))>,
    /// Episodes whose file (or saved labels) could not be read, and why: said again while
    /// nothing changes, instead of the season being judged again every scan (an outside trial:
    /// one truncated file rewrote its season's hand-offs on each scan of an unchanged library).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    failed: Vec<(String, String)>,
    /// The hand-offs written for each episode (not its sidecar, nor the episode itself): those of
    /// an episode no longer in the season (deleted, renamed) are removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outputs: Vec<(String, Vec<String>)>,
    /// What was said of a human's labels (made on other media, matching no episode): said
    /// again while nothing changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<(String, String)>,
}

impl SeasonRecord {
    /// The same files and settings (what failed there is not compared: it follows from them).
    fn same(&self, other: &SeasonRecord) -> bool {
        // (A record from before the hand-offs had a field of their own is the same too: the
        // first scan after that change would otherwise judge a whole library again.)
        self.judged_as(other) && self.handoffs_asked() == other.handoffs && self.episodes == other.episodes
    }

    /// The hand-offs this record's outputs were made for (a record from before they had a field
    /// of their own: the end of its stamp, so that the first scan after does not write them all
    /// again).
    fn handoffs_asked(&self) -> &str {
        if !self.handoffs.is_empty() {
            return &self.handoffs;
        }
        self.stamp.find(" · handoffs ").map_or("", |at| &self.stamp[at + " · ".len()..])
    }

    /// Judged with the same settings as `now` would be. A record from before the hand-offs had
    /// a field of their own held them at the end of its stamp.
    fn judged_as(&self, now: &SeasonRecord) -> bool {
        self.stamp == now.stamp || self.stamp.strip_prefix(&now.stamp).is_some_and(|rest| rest.starts_with(" · handoffs "))
    }

    /// Where only hand-offs need writing, the episodes whose: the same media judged with the
    /// same settings, every episode that was read still with its sidecar, and either other
    /// hand-offs asked for (all of them) or sidecars a human changed in the app (theirs). None:
    /// the season is judged (or nothing is to be done).
    fn rewrite_only(&self, now: &SeasonRecord) -> Option<Vec<usize>> {
        if !self.judged_as(now) || self.episodes.len() != now.episodes.len() {
            return None;
        }
        let failed = |path: &str| self.failed.iter().any(|(f, _)| f == path);
        let mut which = Vec::new();
        for (i, (b, n)) in self.episodes.iter().zip(&now.episodes).enumerate() {
            if b.0 != n.0 || b.1 != n.1 || (n.2 == (0, 0) && !failed(&n.0)) {
                return None;
            }
            if failed(&n.0) {
                // A failed episode's labels changed (a human fixed them): judged again.
                if b.2 != n.2 {
                    return None;
                }
            } else if self.handoffs_asked() != now.handoffs || b.2 != n.2 {
                which.push(i);
            }
        }
        (!which.is_empty()).then_some(which)
    }
}

impl SeasonRecord {
    /// This record with the episodes of `retry` marked to be tried again next time: their
    /// hand-offs written again from their labels (`false`), or judged again (`true`; a path
    /// unknown: the whole season). The rest keeps what was done.
    fn to_retry(mut self, retry: &[(PathBuf, bool)]) -> SeasonRecord {
        const AGAIN: (u64, i128) = (u64::MAX, -1);
        for (path, judge) in retry {
            let name = path.to_string_lossy();
            for e in self.episodes.iter_mut().filter(|e| path.as_os_str().is_empty() || e.0 == name) {
                if *judge {
                    e.1 = AGAIN;
                } else {
                    e.2 = AGAIN;
                }
            }
        }
        self
    }
}

/// Whether the labels of an episode a warning said were made on other media now name it (a
/// human saved them in the app).
fn confirmed(path: &Path) -> bool {
    crate::paths::has_media_extension(path) && crate::segments::read_saved(path).ok().flatten().is_some_and(|l| l.media.is_some() && l.media == crate::segments::MediaId::of(path).ok())
}

fn record_path(season: &Season, library: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(library).unwrap_or_else(|_| library.to_path_buf());
    let key = format!("{}\u{0}{}", abs.to_string_lossy(), season.key);
    crate::paths::cache_dir().join("scan").join(format!("{:016x}.json", crate::fsio::fnv64(key.as_bytes())))
}

fn current_record(season: &Season, (stamp, handoffs): &(String, String)) -> SeasonRecord {
    let stat = |p: &Path| {
        let meta = std::fs::metadata(p).ok();
        let size = meta.as_ref().map_or(0, |m| m.len());
        let mtime = meta.and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i128);
        (size, mtime)
    };
    let episodes = season
        .episodes
        .iter()
        .map(|p| {
            let sidecar = [crate::segments::sidecar_path(p), crate::segments::fallback_sidecar(p)].into_iter().find(|s| s.exists());
            (p.to_string_lossy().into_owned(), stat(p), sidecar.map_or((0, 0), |s| stat(&s)))
        })
        .collect();
    SeasonRecord { stamp: stamp.clone(), handoffs: handoffs.clone(), episodes, failed: Vec::new(), outputs: Vec::new(), warnings: Vec::new() }
}

/// What the outputs depend on besides the episodes: what the judgement does (model, encoder,
/// window, …), and the hand-offs and where they go.
fn stamps(model: &IntroModel, encoder: &dyn FrameEncoder, options: &ScanOptions) -> (String, String) {
    let members: Vec<&str> = model.manifest.members.iter().map(|m| m.sha256.as_str()).collect();
    let mut handoffs = options.handoffs.clone();
    handoffs.sort();
    let handoffs: Vec<&str> = handoffs.iter().map(|h| h.name()).collect();
    let out = if options.in_place { "in place".to_string() } else { options.out.as_ref().map_or(String::new(), |o| o.display().to_string()) };
    // The tail joined the stamp with credits detection: a library scanned before is judged again
    // once, and gains its credits.
    // The encoder's version too: a new descriptor (version 2 cuts bars that carry a logo) judges
    // the library again even where the model's members did not change.
    // And the versions of the text cues (the credits rule reads them) and of season judgement:
    // a rule that changed judges the library again.
    // And whether Tesseract reads here: season judgement keeps or finds intros by the series'
    // title, and the credits rule reads what follows them; a library scanned without it is
    // judged again once it is installed.
    let ocr = if crate::features::ocr::Ocr::new().is_ok() { "on" } else { "off" };
    let judge = format!(
        "model {} · encoder {} v{} · text v{} · judge v{} · ocr {ocr} · window {} · tail {}",
        members.join(","),
        encoder.id(),
        encoder.version(),
        crate::features::cache::TEXT_CUE_VERSION,
        crate::model::season::JUDGE_VERSION,
        options.window_s,
        options.tail,
    );
    (judge, format!("handoffs {} · out {out}", handoffs.join(",")))
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

/// Whether `file`'s hand-offs from the last scan are what this one would write, given labels
/// that did not change: the same hand-offs asked for, the same file and sidecar, and every
/// output still there.
fn handoffs_current(before: &SeasonRecord, now: &SeasonRecord, file: &Path, in_place: bool) -> bool {
    let name = file.to_string_lossy();
    let stat = |r: &SeasonRecord| r.episodes.iter().find(|e| e.0 == name).map(|e| (e.1, e.2));
    let outputs = before.outputs.iter().find(|(f, _)| *f == name).map_or(&[][..], |(_, o)| o.as_slice());
    // (In place, the episode itself is the output: its size and time as the last scan left it.)
    before.handoffs_asked() == now.handoffs && stat(before).is_some() && stat(before) == stat(now) && (in_place || !outputs.is_empty()) && outputs.iter().all(|p| Path::new(p).exists())
}

/// Each episode of the season with the hand-offs written for it, now and before (an episode
/// never loses what was written for it while it is here: when it goes, all of it goes).
fn outputs_now(season: &Season, before: Option<&SeasonRecord>, handed: &[(PathBuf, Vec<PathBuf>)]) -> Vec<(String, Vec<String>)> {
    season
        .episodes
        .iter()
        .filter_map(|e| {
            let name = e.to_string_lossy().into_owned();
            let mut files: Vec<String> = before.and_then(|b| b.outputs.iter().find(|(f, _)| *f == name)).map(|(_, o)| o.clone()).unwrap_or_default();
            for (_, written) in handed.iter().filter(|(f, _)| f == e) {
                // Never the episode itself (replaced in place).
                files.extend(written.iter().filter(|w| *w != e).map(|w| w.to_string_lossy().into_owned()));
            }
            files.sort();
            files.dedup();
            (!files.is_empty()).then_some((name, files))
        })
        .collect()
}

/// Remove the hand-offs of episodes that were in the season and are not now; returns what was
/// removed. Never a sidecar (a human's labels), a backup, an episode, or a file an episode here
/// still has; a folder of `out` left empty goes too.
fn remove_vanished(before: Option<&SeasonRecord>, outputs: &[(String, Vec<String>)], season: &Season, out: Option<&Path>) -> Vec<PathBuf> {
    let Some(before) = before else { return Vec::new() };
    // Compared as the files they are, not as spelt: the same library scanned by another path
    // (relative, through a link) names the same episodes and outputs differently.
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let episodes: Vec<PathBuf> = season.episodes.iter().filter_map(|e| canon(e)).collect();
    let current: Vec<PathBuf> = outputs.iter().flat_map(|(_, files)| files.iter().filter_map(|f| canon(Path::new(f)))).collect();
    let here = |f: &str| season.episodes.iter().any(|e| e.to_string_lossy() == f) || canon(Path::new(f)).is_some_and(|c| episodes.contains(&c));
    let kept = |f: &str| outputs.iter().any(|(_, files)| files.iter().any(|o| o == f)) || canon(Path::new(f)).is_some_and(|c| current.contains(&c) || episodes.contains(&c));
    let mut removed = Vec::new();
    for (episode, files) in before.outputs.iter().filter(|(e, _)| !here(e)) {
        for f in files {
            let path = PathBuf::from(f);
            if f == episode || here(f) || kept(f) || f.ends_with(".introskip.json") || f.ends_with(BACKUP_SUFFIX) || !path.is_file() {
                continue;
            }
            if std::fs::remove_file(&path).is_ok() {
                if let (Some(out), Some(dir)) = (out, path.parent()) {
                    if dir.starts_with(out) && dir != out {
                        let _ = std::fs::remove_dir(dir);
                    }
                }
                removed.push(path);
            }
        }
    }
    removed
}

fn write_record(record_file: &Path, record: &SeasonRecord) -> Result<()> {
    if let Some(dir) = record_file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    }
    crate::fsio::write_atomic(record_file, |w| serde_json::to_writer(w, record).map_err(std::io::Error::other))
}

/// An episode's hand-offs written from its sidecar (what the last judgement and a human left
/// there); returns its intro in seconds and the files written.
fn rewrite_handoffs(file: &Path, library: &Path, options: &ScanOptions, remuxers: &[Handoff]) -> Result<(Option<(f64, f64)>, Vec<PathBuf>)> {
    let labels = crate::segments::read_saved(file)?.ok_or_else(|| Error::input(file, "its labels are gone since the last scan: scan again to judge it"))?;
    let intro = labels.segments.iter().find(|s| s.kind == Kind::Intro).map(|s| (s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0));
    Ok((intro, handoffs(file, &labels, library, options, remuxers)?))
}

/// Write `file`'s hand-offs from its labels; returns the files written.
fn handoffs(file: &Path, labels: &Segments, library: &Path, options: &ScanOptions, remuxers: &[Handoff]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if options.handoffs.contains(&Handoff::Kodi) {
        let report = super::export::export_episodes(&[(file.to_path_buf(), Ok(labels.clone()))], Format::Edl, super::export::Destination::Beside, &ExportOptions::default(), false);
        if let Some(e) = report.failures.into_iter().next() {
            return Err(e);
        }
        written.extend(report.written);
    }
    for &handoff in remuxers {
        let mut o = ExportOptions::default();
        if handoff == Handoff::Mpv {
            o.titles = vec![(Kind::Intro, "Opening".into()), (Kind::Credits, "Ending".into())];
        }
        let names = if handoff == Handoff::Emby { crate::formats::remux::ChapterNames::EmbyMarkers } else { crate::formats::remux::ChapterNames::ByKind };
        if options.in_place {
            let was = crate::segments::MediaId::of(file).ok();
            written.push(replace_in_place(file, labels, &o, names)?);
            // The episode is a new file now: labels that named it name it again (labels a human
            // made on other media keep saying so).
            if let Some(saved) = crate::segments::read_saved(file).ok().flatten().filter(|l| l.media.is_some() && l.media == was) {
                crate::segments::save(file, &saved)?;
            }
            continue;
        }
        let out = options.out.as_deref().expect("checked in scan");
        // One consumer: the tree mirrors the library; several: a tree for each.
        let root = if remuxers.len() > 1 { out.join(handoff.name()) } else { out.to_path_buf() };
        let relative = file.parent().and_then(|p| p.strip_prefix(library).ok()).unwrap_or(Path::new(""));
        let dir = root.join(relative);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let target = dir.join(format!("{}.mkv", super::episode_stem(file)));
        crate::formats::remux::remux_named(file, labels, &target, &o, names)?;
        written.push(target);
    }
    Ok(written)
}

/// `--in-place`: the episode becomes a stream copy of itself with the chapters, in the same
/// container. The copy is written beside it first (a hidden name: never taken for an episode) and
/// flushed to disk; the original gets a second name (`<file>.introskip-backup`, a hard link, or a
/// copy where links are not possible) unless it has one already; then one rename replaces the
/// episode. A crash at any step leaves either the old or the new file under the episode's name,
/// and the backup is never replaced: a backup that exists while the episode is not a copy
/// introskip made (a new release under the same name) stops this episode with a message.
fn replace_in_place(file: &Path, labels: &Segments, options: &ExportOptions, names: crate::formats::remux::ChapterNames) -> Result<PathBuf> {
    let ext = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "mkv" | "mp4" | "m4v" | "mov") {
        return Err(Error::input(file, format!("--in-place keeps the container, and chapters cannot be written into .{ext}: use --out DIR for this library (the copies are .mkv)")));
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let backup = dir.join(format!("{name}.{BACKUP_SUFFIX}"));
    if backup.exists() && !crate::formats::remux::made_by_introskip(file) {
        return Err(Error::input(file, format!("{} exists, but this file is not a copy introskip made (a new release under the same name?): move the old backup away to replace this file in place", backup.display())));
    }
    let staged = dir.join(format!(".{}.introskip-new.{ext}", super::episode_stem(file)));
    let result = (|| -> Result<PathBuf> {
        crate::formats::remux::remux_named(file, labels, &staged, options, names)?;
        std::fs::File::open(&staged).and_then(|f| f.sync_all()).map_err(|e| io_error(&staged, e))?;
        keep_original(file, &backup, dir, &name)?;
        std::fs::rename(&staged, file).map_err(|e| io_error(file, e))?;
        Ok(file.to_path_buf())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}

/// The original's second name. Never replaces an existing backup: "already exists" means a
/// backup is there (another scan made it a moment ago), which is what was wanted.
fn keep_original(file: &Path, backup: &Path, dir: &Path, name: &str) -> Result<()> {
    let exists = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AlreadyExists;
    match std::fs::hard_link(file, backup) {
        Ok(()) => return Ok(()),
        Err(e) if exists(&e) => return Ok(()),
        Err(_) => {}
    }
    // No links here (another file system, FAT): a copy under a name of this process, linked
    // into place (which also never replaces), then the temporary name removed.
    let partial = dir.join(format!(".{name}.{BACKUP_SUFFIX}.{}.part", std::process::id()));
    let linked = std::fs::copy(file, &partial).and_then(|_| std::fs::File::open(&partial)?.sync_all()).and_then(|()| match std::fs::hard_link(&partial, backup) {
        Err(e) if exists(&e) => Ok(()),
        // Links impossible even here: a rename, but only where no backup appeared meanwhile.
        Err(_) if !backup.exists() => std::fs::rename(&partial, backup),
        other => other,
    });
    let _ = std::fs::remove_file(&partial);
    linked.map_err(|e| io_error(backup, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_season_once_and_the_same_way_each_time() {
        let keys: Vec<String> = (0..200).map(|i| format!("Show {}/Season {}", i / 7, i % 7)).collect();
        for n in [1, 2, 3, 8] {
            let mut counts = vec![0; n as usize];
            for k in &keys {
                let s = shard_of(k, n);
                assert!((1..=n).contains(&s));
                assert_eq!(s, shard_of(k, n), "deterministic");
                counts[s as usize - 1] += 1;
            }
            assert_eq!(counts.iter().sum::<usize>(), keys.len());
            assert!(counts.iter().all(|&c| c > 0), "{n} shards: {counts:?}");
        }
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        // Emby's markers: the chapters start where the intro starts and ends, and at the credits.
        use crate::segments::{Segment, Source};
        let seg = |kind, a, b| Segment { kind, start_ms: a, end_ms: b, source: Source::Predicted, confidence: None };
        let labels = Segments { segments: vec![seg(Kind::Recap, 0, 8_000), seg(Kind::Intro, 30_000, 50_000), seg(Kind::Credits, 1_400_000, 1_450_000)], ..Default::default() };
        let list = crate::formats::chapters(&labels, 1_500_000);
        let titles = crate::formats::remux::chapter_titles(&list, &ExportOptions::default(), crate::formats::remux::ChapterNames::EmbyMarkers);
        let starts: Vec<(u64, &str)> = list.iter().zip(&titles).map(|(c, t)| (c.start_ms, t.as_str())).collect();
        assert_eq!(starts, [(0, "Recap"), (8_000, "Episode"), (30_000, "IntroStart"), (50_000, "IntroEnd"), (1_400_000, "CreditsStart"), (1_450_000, "Episode")]);
        // Credits a scene splits: only the last part is where "Up Next" may begin.
        let labels = Segments { segments: vec![seg(Kind::Credits, 1_400_000, 1_420_000), seg(Kind::Credits, 1_430_000, 1_500_000)], ..Default::default() };
        let list = crate::formats::chapters(&labels, 1_500_000);
        let titles = crate::formats::remux::chapter_titles(&list, &ExportOptions::default(), crate::formats::remux::ChapterNames::EmbyMarkers);
        let starts: Vec<(u64, &str)> = list.iter().zip(&titles).map(|(c, t)| (c.start_ms, t.as_str())).collect();
        assert_eq!(starts, [(0, "Episode"), (1_400_000, "Credits"), (1_420_000, "Episode"), (1_430_000, "CreditsStart")]);
        for bad in ["0/3", "4/3", "1/0", "x/2", "2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_record_says_what_to_do_again_and_reads_records_from_before_hand_offs_had_a_field() {
        let ep = |media: i128, labels: i128| vec![("a.mkv".to_string(), (1u64, media), (3u64, labels))];
        let now = SeasonRecord { stamp: "model x · window 180 · tail 25%".into(), handoffs: "handoffs kodi · out ".into(), episodes: ep(2, 4), ..Default::default() };
        let old = SeasonRecord { stamp: "model x · window 180 · tail 25% · handoffs kodi · out ".into(), episodes: ep(2, 4), ..Default::default() };
        assert!(old.same(&now), "nothing to do after the upgrade");
        // Other hand-offs asked for, or labels edited: written again, not judged.
        let other = SeasonRecord { handoffs: "handoffs jellyfin,kodi · out /x".into(), ..now.clone() };
        assert!(!old.same(&other) && old.rewrite_only(&other) == Some(vec![0]));
        assert_eq!(now.rewrite_only(&SeasonRecord { episodes: ep(2, 5), ..now.clone() }), Some(vec![0]));
        // The file changed, or other judgement settings: judged again.
        assert_eq!(now.rewrite_only(&SeasonRecord { episodes: ep(9, 4), ..now.clone() }), None);
        assert_eq!(now.rewrite_only(&SeasonRecord { stamp: "model y · window 180 · tail 25%".into(), ..now.clone() }), None);
        // What failed: its hand-offs written again, or (whose unknown) the season judged again.
        let marked = now.clone().to_retry(&[(PathBuf::from("a.mkv"), false)]);
        assert!(!marked.same(&now) && marked.rewrite_only(&now) == Some(vec![0]));
        let marked = now.clone().to_retry(&[(PathBuf::new(), true)]);
        assert!(!marked.same(&now) && marked.rewrite_only(&now).is_none());
    }

    #[test]
    fn two_seasons_of_a_show_in_one_folder_are_two_seasons_with_keys_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let show = dir.path().join("Show");
        std::fs::create_dir(&show).unwrap();
        for n in ["Show - S01E01.mkv", "Show - S01E02.mkv", "Show - S02E01.mkv", "Show - S02E02.mkv", "Other - S01E01.mkv"] {
            std::fs::write(show.join(n), b"x").unwrap();
        }
        let seasons = seasons_in(dir.path(), None).unwrap();
        let found: Vec<(&str, usize)> = seasons.iter().map(|s| (s.key.as_str(), s.episodes.len())).collect();
        // The other show's one season keeps the key it had before seasons were told apart.
        assert_eq!(found, [("Show#other", 1), ("Show#show#s1", 2), ("Show#show#s2", 2)]);
    }
}
