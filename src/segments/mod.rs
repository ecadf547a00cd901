//! Stage 5: the label model. Typed segments of an episode (intro, recap, cold open, credits, preview) with millisecond
//! times, and their versioned JSON sidecar. Reading also accepts the truth and prediction files
//! (`"start"`/`"end"` in seconds), so every JSON introskip writes can be exported. It knows no
//! media and no other file format (that is `formats/`).



use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ColdOpen,
    Recap,
    Intro,
    Body,
    Credits,
    Preview,
}

impl Kind {
    /// Chapter titles that intro-skipper's chapter analyzer and mpv skip scripts recognise.
    pub fn title(self) -> &'static str {
        match self {
            Kind::ColdOpen => "Cold open",
            Kind::Recap => "Recap",
            Kind::Intro => "Intro",
            Kind::Body => "Episode",
            Kind::Credits => "Credits",
            Kind::Preview => "Preview",
        }
    }

    /// Matroska v5 `ChapterSkipType`: 1 opening credits, 2 end credits, 3 recap, 4 next preview.
    pub fn matroska_skip_type(self) -> Option<u8> {
        match self {
            Kind::Intro => Some(1),
            Kind::Credits => Some(2),
            Kind::Recap => Some(3),
            Kind::Preview => Some(4),
            Kind::ColdOpen | Kind::Body => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The model's (or the baseline's: older `baseline` files said "baseline").
    #[default]
    #[serde(alias = "baseline")]
    Predicted,
    /// A human confirmed it (Enter in the app): the label is done.
    HumanVerified,
    Imported,
    /// A human moved it (keys, drag, typed time) but has not confirmed it yet. It outranks the
    /// model like a verified one; it is not "verified" until the labeller says so.
    HumanEdited,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub kind: Kind,
    pub start_ms: u64,
    pub end_ms: u64,
    #[serde(default)]
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

/// The sidecar: `{"version": 1, "duration_ms": …, "segments": [...]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segments {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Kinds a human decided this episode does not have (a deleted intro, an episode verified
    /// without one). Re-analysis never brings a predicted segment of these kinds back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<Kind>,
    /// A human confirmed the whole episode (Enter in the app, Label Studio's Submit). Any later
    /// edit takes it back. Sidecars from before this field: verified when every segment is.
    #[serde(default)]
    pub verified: bool,
    pub segments: Vec<Segment>,
    /// The media these labels were saved for (size and a hash of its ends; written by [`save`]):
    /// the labels of an episode a media manager renamed are found by it ([`moved_labels`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaId>,
}

/// A media file's content, by name-free facts: its size and a hash of its first and last MiB
/// (`fsio::content_id`). A rename keeps it; a re-encode does not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaId {
    pub size: u64,
    pub hash: String,
}

impl MediaId {
    /// Of `media` as it is now. Remembered per file with its size and modification time, so
    /// that the app's autosave (on the UI thread, after each edit) reads the file's ends once,
    /// not on every save (on a network share that is a hitch each time).
    pub fn of(media: &Path) -> Result<MediaId> {
        use std::sync::{Mutex, OnceLock};
        type Seen = std::collections::HashMap<std::path::PathBuf, ((u64, Option<std::time::SystemTime>), MediaId)>;
        static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
        let meta = std::fs::metadata(media).map_err(|e| crate::error::io_error(media, e))?;
        let stamp = (meta.len(), meta.modified().ok());
        let seen = SEEN.get_or_init(Default::default);
        if let Some((at, id)) = seen.lock().ok().and_then(|m| m.get(media).cloned()) {
            if at == stamp && stamp.1.is_some() {
                return Ok(id);
            }
        }
        let (size, hash) = crate::fsio::content_id(media)?;
        let id = MediaId { size, hash: format!("{hash:016x}") };
        if let Ok(mut m) = seen.lock() {
            if m.len() >= 4096 {
                m.clear();
            }
            m.insert(media.to_path_buf(), (stamp, id.clone()));
        }
        Ok(id)
    }
}

pub const VERSION: u32 = 1;

/// Below this confidence a predicted segment is uncertain: on the dev series every intro found
/// with confidence ≥ 0.7 overlaps the true one (off it, far fewer: README "How far the
/// confidence can be trusted").
pub const UNCERTAIN: f64 = 0.7;

impl Segment {
    /// A human's label, an imported one, or a prediction at [`UNCERTAIN`] or more: what a player
    /// may skip on its own.
    pub fn is_sure(&self) -> bool {
        self.source != Source::Predicted || self.confidence.is_none_or(|c| f64::from(c) >= UNCERTAIN)
    }
}

impl Default for Segments {
    fn default() -> Self {
        Segments { version: VERSION, duration_ms: None, absent: Vec::new(), verified: false, segments: Vec::new(), media: None }
    }
}

impl Segment {
    /// Whether it can be saved and read back: not empty, and ending within 100 hours (the
    /// sidecar reader refuses anything else, and with it every label of the episode).
    pub fn is_storable(&self) -> bool {
        self.end_ms > self.start_ms && self.end_ms as f64 <= crate::clock::MAX_TIME_S * 1000.0
    }
}

impl Segments {
    /// Read our sidecar, or a truth/prediction file with times in seconds. Errors name file and field.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = crate::fsio::read_bounded(path, crate::fsio::MAX_TEXT_FILE)?;
        Self::parse(&bytes, path)
    }

    /// [`Segments::read`] on bytes already in memory; `path` names them in errors.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self> {
        // A byte-order mark (Windows editors) is not part of the JSON.
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let doc: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Error::input(path, format!("not valid JSON: {e}")))?;
        let field = |f: String, what: &str| Error::input(path, format!("field '{f}': {what}"));
        let list = doc.get("segments").and_then(|s| s.as_array()).ok_or_else(|| field("segments".into(), "missing or not a list"))?;
        let ms = |v: &serde_json::Value, name: &str, i: usize| -> Result<Option<u64>> {
            if let Some(x) = v.get(format!("{name}_ms")) {
                return x
                    .as_u64()
                    .filter(|&v| v as f64 <= crate::clock::MAX_TIME_S * 1000.0)
                    .map(Some)
                    .ok_or_else(|| field(format!("segments[{i}].{name}_ms"), "not a whole number of milliseconds from 0 to 100 hours"));
            }
            match v.get(name) {
                None => Ok(None),
                Some(x) => x
                    .as_f64()
                    .filter(|s| s.is_finite() && *s >= 0.0 && *s <= crate::clock::MAX_TIME_S)
                    .map(|s| Some((s * 1000.0).round() as u64))
                    .ok_or_else(|| field(format!("segments[{i}].{name}"), "not a time in seconds from 0 to 100 hours")),
            }
        };
        let mut segments = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let kind: Kind = serde_json::from_value(s.get("kind").cloned().unwrap_or_default())
                .map_err(|_| field(format!("segments[{i}].kind"), "missing or not one of cold_open, recap, intro, body, credits, preview"))?;
            let start = ms(s, "start", i)?.ok_or_else(|| field(format!("segments[{i}].start"), "missing"))?;
            let end = ms(s, "end", i)?.ok_or_else(|| field(format!("segments[{i}].end"), "missing"))?;
            if end <= start {
                return Err(field(format!("segments[{i}].end"), "must be after start"));
            }
            // Missing (truth and older files): predicted. A value we do not know is an error, not
            // a prediction: read as one, a human's misspelt "human" label was replaced by the
            // next scan (an outside trial).
            let source = match s.get("source") {
                None | Some(serde_json::Value::Null) => Source::default(),
                Some(v) => serde_json::from_value(v.clone()).map_err(|_| field(format!("segments[{i}].source"), &format!("{v} is not one of \"predicted\", \"human_edited\", \"human_verified\", \"imported\"")))?,
            };
            let confidence = s.get("confidence").and_then(|c| c.as_f64()).map(|c| c as f32);
            segments.push(Segment { kind, start_ms: start, end_ms: end, source, confidence });
        }
        segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        let duration_ms = doc.get("duration_ms").and_then(|d| d.as_u64());
        let absent: Vec<Kind> = match doc.get("absent") {
            None => Vec::new(),
            Some(v) => serde_json::from_value(v.clone()).map_err(|_| field("absent".into(), "not a list of segment kinds"))?,
        };
        // A kind cannot be both present and decided absent: the segments win (they were added later).
        let absent: Vec<Kind> = absent.into_iter().filter(|k| !segments.iter().any(|s: &Segment| s.kind == *k)).collect();
        let verified = match doc.get("verified") {
            Some(v) => v.as_bool().ok_or_else(|| field("verified".into(), "not true or false"))?,
            None => (!segments.is_empty() || !absent.is_empty()) && segments.iter().all(|s| s.source == Source::HumanVerified),
        };
        // Our own note of the media, not a human's decision: one that does not read is dropped.
        let media = doc.get("media").and_then(|m| serde_json::from_value(m.clone()).ok());
        Ok(Segments { version: VERSION, duration_ms, absent, verified, segments, media })
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::internal(e.to_string()))?;
        crate::fsio::write_atomic(path, |w| w.write_all(&json))
    }
}

/// Where an episode's segments live: `<media file>.introskip.json` beside it.
pub fn sidecar_path(media: &Path) -> std::path::PathBuf {
    // Appended to the raw name: a file name that is not UTF-8 keeps its own bytes.
    let mut name = media.as_os_str().to_owned();
    name.push(".introskip.json");
    std::path::PathBuf::from(name)
}

impl Segments {
    /// A new detection replaces the predicted intro and recap. What a human decided stays: a
    /// kind with a segment a human set, edited, verified or imported, or one decided absent, gets
    /// nothing from the model.
    pub fn merge_detection(&mut self, d: &crate::model::Detection) {
        self.merge_predicted(&[(Kind::Intro, &d.intros), (Kind::Recap, &d.recaps)]);
    }

    /// [`Segments::merge_detection`] for the end of the episode: predicted credits and preview
    /// are replaced, a human's are kept.
    pub fn merge_tail(&mut self, found: &crate::model::credits::TailFound) {
        let credits: Vec<_> = found.credits.iter().chain(&found.more_credits).cloned().collect();
        let preview: Vec<_> = found.preview.iter().cloned().collect();
        self.merge_predicted(&[(Kind::Credits, &credits), (Kind::Preview, &preview)]);
    }

    /// Replace the predicted segments of these kinds with the model's; kinds a human labelled
    /// (or marked absent) keep the human's.
    fn merge_predicted(&mut self, predicted: &[(Kind, &Vec<crate::model::DetectedSegment>)]) {
        // A verified episode is what the human confirmed, whole: nothing is added to it.
        if self.verified {
            return;
        }
        let kinds: Vec<Kind> = predicted.iter().map(|(k, _)| *k).collect();
        let human_kinds: Vec<Kind> = self.segments.iter().filter(|s| s.source != Source::Predicted).map(|s| s.kind).chain(self.absent.iter().copied()).collect();
        let mut segs: Vec<Segment> = self.segments.iter().filter(|s| s.source != Source::Predicted || !kinds.contains(&s.kind)).cloned().collect();
        let ms = |t: f64| (t * 1000.0).round().max(0.0) as u64;
        for (kind, list) in predicted {
            if human_kinds.contains(kind) {
                continue;
            }
            segs.extend(list.iter().map(|s| Segment { kind: *kind, start_ms: ms(s.start), end_ms: ms(s.end), source: Source::Predicted, confidence: Some(s.confidence as f32) }));
        }
        segs.sort_by_key(|s| (s.start_ms, s.end_ms));
        self.segments = segs;
    }

    /// These segments with what a human decided in `saved` put over them: a verified `saved`
    /// whole; else, kind by kind, the human's segments (edited or verified) and the kinds marked
    /// absent replace these of that kind, and the rest stays.
    pub fn under_human(self, saved: &Segments) -> Segments {
        if saved.verified {
            return saved.clone();
        }
        let human: Vec<&Segment> = saved.segments.iter().filter(|s| s.source != Source::Predicted).collect();
        let kinds: Vec<Kind> = human.iter().map(|s| s.kind).chain(saved.absent.iter().copied()).collect();
        let mut out = self;
        if !kinds.is_empty() {
            // Part human, part not: nobody confirmed the whole.
            out.verified = false;
        }
        out.segments.retain(|s| !kinds.contains(&s.kind));
        out.segments.extend(human.into_iter().cloned());
        out.segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        out.absent.retain(|k| !out.segments.iter().any(|s| s.kind == *k));
        for k in &saved.absent {
            if !out.absent.contains(k) {
                out.absent.push(*k);
            }
        }
        out
    }

    /// Whether a human decided anything on this episode (then a scan never rewrites those kinds).
    pub fn has_human_labels(&self) -> bool {
        !self.absent.is_empty() || self.segments.iter().any(|s| s.source != Source::Predicted)
    }
}

/// Where an episode's labels are saved: beside the media, or (read-only folder) in the data dir.
pub fn sidecar_for(media: &Path) -> std::path::PathBuf {
    let beside = sidecar_path(media);
    let dir_writable = media.parent().is_some_and(|d| {
        let probe = d.join(format!(".introskip-write-test-{}", std::process::id()));
        let ok = std::fs::write(&probe, b"").is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    });
    if dir_writable || beside.exists() {
        return beside;
    }
    fallback_sidecar(media)
}

/// The data-dir copy: keyed by the media's absolute path, so two "S01E01.mkv" never collide.
pub fn fallback_sidecar(media: &Path) -> std::path::PathBuf {
    let abs = std::fs::canonicalize(media).unwrap_or_else(|_| media.to_path_buf());
    let key = crate::fsio::fnv64(abs.to_string_lossy().as_bytes());
    let name = media.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    labels_dir().join(format!("{name}.{key:016x}.introskip.json"))
}

/// Where labels go whose episode's folder cannot be written.
pub fn labels_dir() -> std::path::PathBuf {
    crate::paths::xdg_base("XDG_DATA_HOME", ".local/share").join("introskip/labels")
}

/// Saved labels for an episode (beside it, else in the data dir), if any: recovered on open.
/// The labels saved for `media`: None where there are none, an error where the file saved for
/// it cannot be read (a human's file with a problem, never to be written over unseen).
pub fn read_saved(media: &Path) -> crate::Result<Option<Segments>> {
    [sidecar_path(media), fallback_sidecar(media)].into_iter().find(|p| p.exists()).map(|p| Segments::read(&p)).transpose()
}

/// Move an unreadable saved file aside (`<sidecar>.unreadable`, or `.unreadable-2`, …) so that
/// labels saved now do not replace it; returns where it went.
pub fn set_aside_unreadable(media: &Path) -> crate::Result<Option<std::path::PathBuf>> {
    let Some(saved) = [sidecar_path(media), fallback_sidecar(media)].into_iter().find(|p| p.exists()) else { return Ok(None) };
    let name = saved.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let to = (1..1000)
        .map(|n| saved.with_file_name(if n == 1 { format!("{name}.unreadable") } else { format!("{name}.unreadable-{n}") }))
        .find(|p| !p.exists())
        .ok_or_else(|| crate::Error::input(&saved, "cannot be set aside: 999 unreadable copies beside it already"))?;
    std::fs::rename(&saved, &to).map_err(|e| crate::error::io_error(&saved, e))?;
    Ok(Some(to))
}

pub fn load_saved(media: &Path) -> Option<Segments> {
    [sidecar_path(media), fallback_sidecar(media)].into_iter().find(|p| p.exists()).and_then(|p| Segments::read(&p).ok())
}

/// Write the labels atomically, with the media they are for; returns where they went.
pub fn save(media: &Path, segments: &Segments) -> crate::Result<std::path::PathBuf> {
    save_with(media, segments, true)
}

/// [`save`] keeping the media the labels name: a human's labels made on other media (a new
/// release under the same name) stay marked so until a human saves them; a scan merging
/// predictions into them has not looked at them.
pub fn save_keeping_media(media: &Path, segments: &Segments) -> crate::Result<std::path::PathBuf> {
    save_with(media, segments, false)
}

fn save_with(media: &Path, segments: &Segments, name_media: bool) -> crate::Result<std::path::PathBuf> {
    let path = sidecar_for(media);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
    }
    // Named by the media's content, so that they can follow the file when it is renamed; media
    // that cannot be read now keeps the name it had.
    let mut segments = segments.clone();
    if let Some(id) = MediaId::of(media).ok().filter(|_| name_media || segments.media.is_none()) {
        segments.media = Some(id);
    }
    segments.write(&path)?;
    Ok(path)
}

const SIDECAR_SUFFIX: &str = ".introskip.json";
/// Labels set aside while sidecars swap: `.<sidecar name>.introskip-moving`.
const MOVING_SUFFIX: &str = ".introskip-moving";

/// Rename that never replaces what is at `to` (a link, then the old name removed; a rename
/// where links are not possible and nothing is there). Whether it moved.
fn rename_no_replace(from: &Path, to: &Path) -> bool {
    match std::fs::hard_link(from, to) {
        Ok(()) => {
            let _ = std::fs::remove_file(from);
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
        Err(_) => !to.exists() && std::fs::rename(from, to).is_ok(),
    }
}

/// What [`reconcile`] did and found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconciled {
    /// Labels moved to the episode whose media they were saved for: (where they were, the
    /// episode now). A renamed episode, two names swapped, or (by the same name but another
    /// extension: a new release of the episode) an episode whose file was replaced.
    pub moved: Vec<(std::path::PathBuf, std::path::PathBuf)>,
    /// Episodes whose saved labels hold a human's decisions made on other media than the file
    /// now there (a new release under the same name, or the same name with another extension):
    /// kept, but times may be off.
    pub other_media: Vec<std::path::PathBuf>,
    /// Labels with a human's decisions whose file is gone and which no episode here matches
    /// (saved before labels named their media, or the episode is elsewhere).
    pub unmatched: Vec<std::path::PathBuf>,
}

/// Give each of `episodes` the labels saved for its media, in the folders they are in: labels
/// follow a file that was renamed (by hand, or by a media manager such as Sonarr), two swapped
/// names swap their labels, and labels whose file is gone go to the episode of the same name
/// with another extension (a new release). Labels are matched by the media they name
/// ([`Segments::media`], written by [`save`]); `thorough` compares hashes where sizes are
/// equal, else equal sizes count as the same media (cheap enough for the app's open). A move
/// that would replace labels that stay is not made. Labels in the data dir (a read-only
/// folder) are keyed by path and not looked at. What cannot be moved is left as it is.
pub fn reconcile(episodes: &[std::path::PathBuf], thorough: bool) -> Reconciled {
    use std::collections::HashMap;
    use std::path::PathBuf;
    let mut out = Reconciled::default();
    // (A bare file name's folder is "": read as ".", its files named without "./".)
    let mut dirs: Vec<PathBuf> = episodes.iter().map(|e| e.parent().unwrap_or(Path::new("")).to_path_buf()).collect();
    dirs.sort();
    dirs.dedup();
    let here: std::collections::HashSet<&PathBuf> = episodes.iter().collect();
    // Every sidecar beside these episodes, and the orphans among them (their file is gone).
    let mut saved: Vec<(PathBuf, Option<PathBuf>, Segments)> = Vec::new(); // (sidecar, its episode here, labels)
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) else { continue };
        for entry in entries.filter_map(|e| e.ok()) {
            let file_name = entry.file_name();
            let name = file_name.to_str().unwrap_or_default();
            // Labels set aside by a move that did not finish (a crash): put back first.
            if let Some(original) = name.strip_prefix('.').and_then(|n| n.strip_suffix(MOVING_SUFFIX)) {
                rename_no_replace(&dir.join(name), &dir.join(original));
                continue;
            }
            if name.len() <= SIDECAR_SUFFIX.len() || !name.ends_with(SIDECAR_SUFFIX) {
                continue;
            }
            let path = dir.join(name);
            let owner = dir.join(&name[..name.len() - SIDECAR_SUFFIX.len()]);
            // Only a video's labels: a JSON export beside an episode (`<stem>.introskip.json`)
            // names no video file, and is the user's, not ours to move.
            if !crate::paths::has_media_extension(&owner) {
                continue;
            }
            let of_episode = here.get(&owner).map(|e| (*e).clone());
            if of_episode.is_none() && owner.exists() {
                continue; // another file's labels (not one of these episodes)
            }
            if let Ok(labels) = Segments::read(&path) {
                saved.push((path, of_episode, labels));
            }
        }
    }
    if saved.is_empty() {
        return out;
    }
    let mut ids: HashMap<PathBuf, Option<MediaId>> = HashMap::new();
    let mut sizes: HashMap<PathBuf, Option<u64>> = HashMap::new();
    let mut is_media = |e: &PathBuf, m: &MediaId| -> bool {
        let size = *sizes.entry(e.clone()).or_insert_with(|| std::fs::metadata(e).map(|m| m.len()).ok());
        if size != Some(m.size) {
            return false;
        }
        !thorough || ids.entry(e.clone()).or_insert_with(|| MediaId::of(e).ok()).as_ref() == Some(m)
    };
    // Where each sidecar's media is now: the one episode with it (several: cannot be told).
    let mut plan: Vec<(usize, PathBuf)> = Vec::new(); // (index in saved, the episode it belongs to)
    for (i, (_, owner, labels)) in saved.iter().enumerate() {
        let Some(m) = &labels.media else { continue };
        if owner.as_ref().is_some_and(|o| is_media(o, m)) {
            continue;
        }
        let holders: Vec<&PathBuf> = episodes.iter().filter(|e| is_media(e, m)).collect();
        if let [g] = holders[..] {
            plan.push((i, g.clone()));
        }
    }
    // One sidecar per target; and one moves only where the labels in its way move too (else
    // they would be replaced): moves are dropped until that holds.
    let mut plan: Vec<(usize, PathBuf)> = plan.iter().filter(|(_, g)| plan.iter().filter(|(_, h)| h == g).count() == 1).cloned().collect();
    loop {
        let moving: Vec<PathBuf> = plan.iter().map(|(i, _)| saved[*i].0.clone()).collect();
        let before = plan.len();
        plan.retain(|(_, g)| {
            let own = sidecar_path(g);
            !own.exists() || moving.contains(&own)
        });
        if plan.len() == before {
            break;
        }
    }
    // Two steps (aside, then into place), so that swapped names swap.
    let mut aside: Vec<(usize, PathBuf, PathBuf)> = Vec::new();
    for (i, g) in &plan {
        let from = &saved[*i].0;
        let tmp = from.with_file_name(format!(".{}{MOVING_SUFFIX}", from.file_name().unwrap_or_default().to_string_lossy()));
        if rename_no_replace(from, &tmp) {
            aside.push((*i, tmp, g.clone()));
        }
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    for (i, tmp, g) in aside {
        let to = sidecar_path(&g);
        let from = saved[i].0.clone();
        if !fallback_sidecar(&g).exists() && rename_no_replace(&tmp, &to) {
            out.moved.push((from, g.clone()));
            placed.push(g);
        } else {
            // Back where it was; should even that be taken, it stays aside and is put back by
            // the next look at this folder.
            rename_no_replace(&tmp, &from);
        }
    }
    let moved_from: Vec<PathBuf> = out.moved.iter().map(|(f, _)| f.clone()).collect();
    let human = |l: &Segments| l.has_human_labels() || l.verified;
    // Orphans left: to the episode of the same name with another extension that has no labels
    // (a new release replacing the old file); those holding a human's decisions are said.
    for (path, owner, labels) in &saved {
        if owner.is_some() || moved_from.contains(path) {
            continue;
        }
        let orphan_media = path.with_file_name(path.file_name().unwrap_or_default().to_string_lossy().trim_end_matches(SIDECAR_SUFFIX).to_string());
        let stem = orphan_media.file_stem().map(|s| s.to_os_string());
        let same_name: Vec<&PathBuf> = episodes.iter().filter(|e| e.parent() == orphan_media.parent() && e.file_stem().map(|s| s.to_os_string()) == stem && !sidecar_path(e).exists() && !fallback_sidecar(e).exists()).collect();
        if let [g] = same_name[..] {
            let to = sidecar_path(g);
            if rename_no_replace(path, &to) {
                out.moved.push((path.clone(), g.clone()));
                if human(labels) {
                    out.other_media.push(g.clone());
                }
                continue;
            }
        }
        if human(labels) {
            out.unmatched.push(path.clone());
        }
    }
    // Episodes keeping labels a human made on other media (replaced under the same name).
    for (_, owner, labels) in &saved {
        if let (Some(e), Some(m)) = (owner, &labels.media) {
            if !placed.contains(e) && sidecar_path(e).exists() && human(labels) && !moved_from.contains(&sidecar_path(e)) && !is_media(e, m) {
                out.other_media.push(e.clone());
            }
        }
    }
    out
}

/// A segment kind from a chapter title, as players and media servers name them.
pub fn kind_from_title(title: &str) -> Option<Kind> {
    let t = title.trim().to_lowercase();
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    if t.contains("cold open") || has("teaser") && !has("next") {
        Some(Kind::ColdOpen)
    } else if has("intro") || has("opening") || has("op") || t.contains("title sequence") {
        Some(Kind::Intro)
    } else if has("recap") || has("previously") {
        Some(Kind::Recap)
    } else if has("credits") || has("ending") || has("ed") || has("outro") {
        Some(Kind::Credits)
    } else if has("preview") || t.contains("next time") || t.contains("next episode") {
        Some(Kind::Preview)
    } else {
        None
    }
}

/// An intro interval in seconds (end exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub start: f64,
    pub end: f64,
}

/// Intro intervals of one episode (usually zero or one).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Labels {
    pub intros: Vec<Interval>,
    /// Per-second intro probability when the predictor gave one (`"intro_probability"` in its
    /// JSON); drawn in the per-episode plots, not scored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probability: Vec<f32>,
    /// The predictor's confidence in its (first) intro, when it gave one: what `eval`'s
    /// reliability table is made of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

impl Labels {
    /// Per-second intro mask over [0, window).
    pub fn mask(&self, window: usize) -> Vec<bool> {
        (0..window).map(|t| self.intros.iter().any(|i| i.start <= t as f64 && (t as f64) < i.end)).collect()
    }
    pub fn first(&self) -> Option<Interval> {
        self.intros.iter().copied().min_by(|a, b| a.start.total_cmp(&b.start))
    }
}

/// "Show - S01E02.truth.json" → "Show - S01E02".
pub fn episode_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.strip_suffix(".json").unwrap_or(&name);
    name.rsplit_once('.').filter(|(_, ext)| ["truth", "pred", "intro", "segments"].contains(ext)).map_or(name, |(stem, _)| stem).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(kind: Kind, a: u64, b: u64, source: Source) -> Segment {
        Segment { kind, start_ms: a, end_ms: b, source, confidence: None }
    }

    #[test]
    fn a_source_we_do_not_know_is_an_error_naming_the_field_not_a_prediction() {
        let path = Path::new("ep.mp4.introskip.json");
        let doc = |source: &str| format!(r#"{{"segments": [{{"kind": "intro", "start_ms": 28000, "end_ms": 50000{source}}}]}}"#);
        let err = Segments::parse(doc(r#", "source": "human""#).as_bytes(), path).unwrap_err().to_string();
        assert!(err.contains("ep.mp4.introskip.json") && err.contains("field 'segments[0].source': \"human\" is not one of"), "{err}");
        assert_eq!(Segments::parse(doc("").as_bytes(), path).unwrap().segments[0].source, Source::Predicted, "missing: a prediction, as truth files have it");
        assert_eq!(Segments::parse(doc(r#", "source": "human_edited""#).as_bytes(), path).unwrap().segments[0].source, Source::HumanEdited);
        // The baseline's files before 2026-12-04 said "baseline": a prediction.
        assert_eq!(Segments::parse(doc(r#", "source": "baseline""#).as_bytes(), path).unwrap().segments[0].source, Source::Predicted);
    }

    #[test]
    fn what_a_human_saved_wins_kind_by_kind_over_predictions() {
        // Predictions (a batch that says it is verified): intro, recap, credits.
        let predicted = Segments {
            version: VERSION,
            duration_ms: None,
            absent: Vec::new(),
            verified: true,
            segments: vec![seg(Kind::Recap, 0, 10_000, Source::Predicted), seg(Kind::Intro, 30_000, 50_000, Source::Predicted), seg(Kind::Credits, 100_000, 120_000, Source::Predicted)],
            media: None,
        };
        // Saved in the app, not verified: the intro edited, the recap deleted, a predicted
        // credits left as it was (not a human's).
        let saved = Segments {
            version: VERSION,
            duration_ms: None,
            absent: vec![Kind::Recap],
            verified: false,
            segments: vec![seg(Kind::Intro, 31_000, 49_000, Source::HumanEdited), seg(Kind::Credits, 90_000, 95_000, Source::Predicted)],
            media: None,
        };
        let out = predicted.clone().under_human(&saved);
        let parts: Vec<_> = out.segments.iter().map(|s| (s.kind, s.start_ms, s.end_ms, s.source)).collect();
        assert_eq!(parts, vec![(Kind::Intro, 31_000, 49_000, Source::HumanEdited), (Kind::Credits, 100_000, 120_000, Source::Predicted)]);
        assert_eq!(out.absent, vec![Kind::Recap], "the deletion stands");
        assert!(!out.verified, "part human, part predicted: nobody confirmed the whole");
        // Nothing human saved: the predictions as they are; a verified save: the save whole.
        let none = Segments { segments: vec![seg(Kind::Intro, 1_000, 2_000, Source::Predicted)], ..saved.clone() };
        let none = Segments { absent: Vec::new(), ..none };
        assert_eq!(predicted.clone().under_human(&none), predicted);
        let verified = Segments { verified: true, ..saved.clone() };
        assert_eq!(predicted.under_human(&verified), verified);
    }

    #[test]
    fn labels_follow_their_media_renamed_swapped_or_replaced_by_a_new_release() {
        let dir = tempfile::tempdir().unwrap();
        let p = |name: &str| dir.path().join(name);
        let human = |at: u64| Segments { segments: vec![seg(Kind::Intro, at, at + 20_000, Source::HumanEdited)], ..Default::default() };
        let intro_of = |e: &Path| read_saved(e).unwrap().unwrap().segments[0].start_ms;
        for (n, bytes) in [(1, "one"), (2, "two, longer"), (3, "three, longer still")] {
            std::fs::write(p(&format!("Show.S01E0{n}.mkv")), bytes).unwrap();
            save(&p(&format!("Show.S01E0{n}.mkv")), &human(n * 1000)).unwrap();
        }
        let all = |names: &[&str]| names.iter().map(|n| p(n)).collect::<Vec<_>>();
        // Nothing changed: nothing to do.
        let names = ["Show.S01E01.mkv", "Show.S01E02.mkv", "Show.S01E03.mkv"];
        assert_eq!(reconcile(&all(&names), true), Reconciled::default());

        // Renamed as a media manager does: the labels follow.
        std::fs::rename(p("Show.S01E01.mkv"), p("Show - S01E01 - Pilot.mkv")).unwrap();
        let names = ["Show - S01E01 - Pilot.mkv", "Show.S01E02.mkv", "Show.S01E03.mkv"];
        let r = reconcile(&all(&names), true);
        assert_eq!(r.moved, [(sidecar_path(&p("Show.S01E01.mkv")), p("Show - S01E01 - Pilot.mkv"))]);
        assert_eq!(intro_of(&p("Show - S01E01 - Pilot.mkv")), 1000);
        assert!(!sidecar_path(&p("Show.S01E01.mkv")).exists());

        // Two episodes' names swapped (numbering corrected): their labels swap too.
        std::fs::rename(p("Show.S01E02.mkv"), p("tmp")).unwrap();
        std::fs::rename(p("Show.S01E03.mkv"), p("Show.S01E02.mkv")).unwrap();
        std::fs::rename(p("tmp"), p("Show.S01E03.mkv")).unwrap();
        let r = reconcile(&all(&names), true);
        assert_eq!(r.moved.len(), 2, "{r:?}");
        assert_eq!((intro_of(&p("Show.S01E02.mkv")), intro_of(&p("Show.S01E03.mkv"))), (3000, 2000));

        // A new release under another extension: the labels go to it, said to be made on other
        // media (their times may be off).
        std::fs::remove_file(p("Show.S01E02.mkv")).unwrap();
        std::fs::write(p("Show.S01E02.mp4"), "a new release").unwrap();
        let names = ["Show - S01E01 - Pilot.mkv", "Show.S01E02.mp4", "Show.S01E03.mkv"];
        let r = reconcile(&all(&names), true);
        assert_eq!((r.moved.len(), r.other_media.clone()), (1, vec![p("Show.S01E02.mp4")]), "{r:?}");
        assert_eq!(intro_of(&p("Show.S01E02.mp4")), 3000);
        // A new release under the same name: kept, and said while they name the old media
        // (same size: only the hash tells them apart).
        std::fs::write(p("Show.S01E03.mkv"), "two, LONGER").unwrap();
        let r = reconcile(&all(&names), false);
        assert_eq!(r.other_media, [p("Show.S01E02.mp4")], "still said of the new release until a human saves; equal sizes count as the same without hashes");
        let r = reconcile(&all(&names), true);
        assert!(r.moved.is_empty() && r.other_media.contains(&p("Show.S01E03.mkv")), "{r:?}");
        save(&p("Show.S01E02.mp4"), &read_saved(&p("Show.S01E02.mp4")).unwrap().unwrap()).unwrap();
        assert_eq!(reconcile(&all(&names), true).other_media, [p("Show.S01E03.mkv")], "saved by a human: confirmed");
        assert_eq!(intro_of(&p("Show.S01E03.mkv")), 2000);

        // Labels saved before they named their media, whose file is gone: said, not guessed.
        let legacy = p("Old.S01E09.mkv");
        std::fs::write(sidecar_path(&legacy), serde_json::to_vec(&human(9000)).unwrap()).unwrap();
        let r = reconcile(&all(&names), true);
        assert_eq!(r.unmatched, [sidecar_path(&legacy)]);
        // Predictions only, gone with their file: nothing to say.
        std::fs::write(sidecar_path(&legacy), serde_json::to_vec(&Segments { segments: vec![seg(Kind::Intro, 0, 9, Source::Predicted)], ..Default::default() }).unwrap()).unwrap();
        assert!(reconcile(&all(&names), true).unmatched.is_empty());
        std::fs::remove_file(sidecar_path(&legacy)).unwrap();

        // A JSON export beside an episode is the user's file, not labels that lost their video.
        std::fs::write(p("Show.S01E09.introskip.json"), serde_json::to_vec(&human(1)).unwrap()).unwrap();
        let r = reconcile(&all(&names), true);
        assert!(r.moved.is_empty() && r.unmatched.is_empty() && p("Show.S01E09.introskip.json").exists(), "{r:?}");
        // Labels a crash left set aside in the middle of a swap are put back.
        let e3 = sidecar_path(&p("Show.S01E03.mkv"));
        std::fs::rename(&e3, p(".Show.S01E03.mkv.introskip.json.introskip-moving")).unwrap();
        reconcile(&all(&names), true);
        assert_eq!(intro_of(&p("Show.S01E03.mkv")), 2000);
    }
}
