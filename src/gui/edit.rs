//! The labeller's edits on one episode, apart from drawing: segments with undo/redo, the
//! keyboard commands (I/O set the intro at the playhead, Delete, verify), merging a new detection
//! without touching what a human verified, and the sidecar autosave (atomic; the app's data dir
//! when the media folder is read-only).

use crate::model::Detection;
use crate::segments::{Kind, Segment, Segments, Source};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct Editor {
    pub segments: Segments,
    undo: Vec<Segments>,
    redo: Vec<Segments>,
    /// Unsaved changes.
    pub dirty: bool,
    /// Index into `segments.segments`.
    pub selected: Option<usize>,
    /// The labels before the drag in progress.
    drag_snapshot: Option<Segments>,
}

const MIN_MS: u64 = 1000;

impl Editor {
    pub fn new(segments: Segments) -> Self {
        Editor { segments, ..Default::default() }
    }

    fn edit(&mut self, f: impl FnOnce(&mut Vec<Segment>)) {
        let before = self.segments.clone();
        f(&mut self.segments.segments);
        // A kind with a segment again (set by keys, imported) is no longer decided absent.
        let present: Vec<Kind> = self.segments.segments.iter().map(|s| s.kind).collect();
        self.segments.absent.retain(|k| !present.contains(k));
        self.segments.segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        if self.segments != before {
            self.undo.push(before);
            self.redo.clear();
            self.dirty = true;
        }
    }

    pub fn intro(&self) -> Option<&Segment> {
        self.segments.segments.iter().find(|s| s.kind == Kind::Intro)
    }

    /// The segment of `kind` (the first, if there are several).
    pub fn of_kind(&self, kind: Kind) -> Option<&Segment> {
        self.segments.segments.iter().find(|s| s.kind == kind)
    }

    /// I: the segment of `kind` starts at the playhead (a new one-second segment when there is
    /// none). Returns why nothing changed when the playhead is not before its end.
    pub fn set_start(&mut self, kind: Kind, at_ms: u64) -> Option<String> {
        if let Some(end) = self.of_kind(kind).map(|s| s.end_ms).filter(|&end| at_ms + MIN_MS > end) {
            return Some(format!(
                "I at {} is not before the end of the {} ({}): move the playhead earlier, or set the end first with O",
                crate::clock::clock(at_ms as f64 / 1000.0, 2, true),
                kind.title().to_lowercase(),
                crate::clock::clock(end as f64 / 1000.0, 2, true)
            ));
        }
        self.edit(|segs| match segs.iter_mut().find(|s| s.kind == kind) {
            Some(s) => {
                s.start_ms = at_ms.min(s.end_ms.saturating_sub(MIN_MS));
                s.source = Source::HumanEdited;
                s.confidence = None;
            }
            None => segs.push(Segment { kind, start_ms: at_ms, end_ms: at_ms + MIN_MS, source: Source::HumanEdited, confidence: None }),
        });
        None
    }

    /// O: the segment of `kind` ends at the playhead. Returns why nothing changed when the
    /// playhead is not after its start.
    pub fn set_end(&mut self, kind: Kind, at_ms: u64) -> Option<String> {
        if let Some(start) = self.of_kind(kind).map(|s| s.start_ms).filter(|&start| at_ms < start + MIN_MS) {
            return Some(format!(
                "O at {} is not after the start of the {} ({}): move the playhead later, or set the start first with I",
                crate::clock::clock(at_ms as f64 / 1000.0, 2, true),
                kind.title().to_lowercase(),
                crate::clock::clock(start as f64 / 1000.0, 2, true)
            ));
        }
        self.edit(|segs| match segs.iter_mut().find(|s| s.kind == kind) {
            Some(s) => {
                s.end_ms = at_ms.max(s.start_ms + MIN_MS);
                s.source = Source::HumanEdited;
                s.confidence = None;
            }
            None => segs.push(Segment { kind, start_ms: at_ms.saturating_sub(MIN_MS), end_ms: at_ms.max(MIN_MS), source: Source::HumanEdited, confidence: None }),
        });
        None
    }

    pub fn set_intro_start(&mut self, at_ms: u64) -> Option<String> {
        self.set_start(Kind::Intro, at_ms)
    }

    pub fn set_intro_end(&mut self, at_ms: u64) -> Option<String> {
        self.set_end(Kind::Intro, at_ms)
    }

    /// A boundary typed in (one undo step): the start or end of segment `index`. Returns why
    /// nothing changed when it would leave the segment shorter than a second.
    pub fn type_edge(&mut self, index: usize, start: bool, to_ms: u64) -> Option<String> {
        let s = self.segments.segments.get(index)?;
        let too_short = if start { to_ms + MIN_MS > s.end_ms } else { to_ms < s.start_ms + MIN_MS };
        if too_short {
            let (edge, other) = if start { ("start", "end") } else { ("end", "start") };
            return Some(format!("{} {edge} {}: must be at least a second from its {other}", s.kind.title(), crate::clock::clock(to_ms as f64 / 1000.0, 3, true)));
        }
        self.move_edge(index, start, to_ms, false);
        None
    }

    /// Move one edge of a segment; marks it edited by a human (not yet verified). During a drag, pass `dragging`: the whole
    /// drag becomes one undo step (taken when it starts), not one per frame.
    pub fn move_edge(&mut self, index: usize, start: bool, to_ms: u64, dragging: bool) {
        let apply = |segs: &mut Vec<Segment>| {
            if let Some(s) = segs.get_mut(index) {
                if start {
                    s.start_ms = to_ms.min(s.end_ms.saturating_sub(MIN_MS));
                } else {
                    s.end_ms = to_ms.max(s.start_ms + MIN_MS);
                }
                s.source = Source::HumanEdited;
                s.confidence = None;
            }
        };
        if dragging && self.drag_snapshot.is_some() {
            apply(&mut self.segments.segments);
            self.dirty = true;
        } else {
            if dragging {
                self.drag_snapshot = Some(self.segments.clone());
                self.undo.push(self.segments.clone());
                self.redo.clear();
                apply(&mut self.segments.segments);
                self.dirty = true;
            } else {
                self.edit(apply);
            }
        }
    }

    /// The drag is over: the next drag starts a new undo step.
    pub fn end_drag(&mut self) {
        if let Some(before) = self.drag_snapshot.take() {
            if before == self.segments {
                self.undo.pop();
            }
        }
    }

    /// Replace the labels with imported ones (one undo step).
    pub fn import(&mut self, segments: Vec<Segment>) {
        self.edit(|segs| *segs = segments);
    }

    /// Delete: the selected segment, else the intro. Deleting the last segment of a kind is a
    /// decision: the episode has none, and re-analysis must not bring one back.
    pub fn delete_selected(&mut self) {
        self.delete_kind(Kind::Intro);
    }

    /// Delete the selected segment, else the (first) one of `kind`.
    pub fn delete_kind(&mut self, kind: Kind) {
        let index = self.selected.or_else(|| self.segments.segments.iter().position(|s| s.kind == kind));
        let Some((i, kind)) = index.and_then(|i| self.segments.segments.get(i).map(|s| (i, s.kind))) else { return };
        self.edit_all(|segments| {
            segments.segments.remove(i);
            if !segments.segments.iter().any(|s| s.kind == kind) && !segments.absent.contains(&kind) {
                segments.absent.push(kind);
            }
        });
        self.selected = None;
    }

    /// Enter: everything on the episode is now human-verified; with no intro on it, that is the
    /// decision "this episode has no intro".
    pub fn verify_all(&mut self) {
        self.edit_all(|segments| {
            segments.segments.iter_mut().for_each(|s| s.source = Source::HumanVerified);
            if !segments.segments.iter().any(|s| s.kind == Kind::Intro) && !segments.absent.contains(&Kind::Intro) {
                segments.absent.push(Kind::Intro);
            }
        });
        self.dirty = true;
    }

    /// One undo step over the whole label set, `absent` included.
    fn edit_all(&mut self, f: impl FnOnce(&mut Segments)) {
        let before = self.segments.clone();
        f(&mut self.segments);
        if self.segments != before {
            self.undo.push(before);
            self.redo.clear();
            self.dirty = true;
        }
    }

    pub fn undo(&mut self) {
        if let Some(prev) = self.undo.pop() {
            self.redo.push(std::mem::replace(&mut self.segments, prev));
            self.dirty = true;
        }
    }

    pub fn redo(&mut self) {
        if let Some(next) = self.redo.pop() {
            self.undo.push(std::mem::replace(&mut self.segments, next));
            self.dirty = true;
        }
    }

    pub fn is_verified(&self) -> bool {
        (!self.segments.segments.is_empty() || !self.segments.absent.is_empty()) && self.segments.segments.iter().all(|s| s.source == Source::HumanVerified)
    }

    /// A new detection replaces the predicted intro and recap. What a human decided stays: a kind
    /// with a verified or imported segment, or one decided absent, gets nothing from the model.
    pub fn merge_detection(&mut self, d: &Detection) {
        let verified_kinds: Vec<Kind> = self
            .segments
            .segments
            .iter()
            .filter(|s| s.source != Source::Predicted)
            .map(|s| s.kind)
            .chain(self.segments.absent.iter().copied())
            .collect();
        let mut segs: Vec<Segment> = self.segments.segments.iter().filter(|s| s.source != Source::Predicted || !matches!(s.kind, Kind::Intro | Kind::Recap)).cloned().collect();
        let ms = |t: f64| (t * 1000.0).round().max(0.0) as u64;
        for (kind, list) in [(Kind::Intro, &d.intros), (Kind::Recap, &d.recaps)] {
            if verified_kinds.contains(&kind) {
                continue;
            }
            segs.extend(list.iter().map(|s| Segment { kind, start_ms: ms(s.start), end_ms: ms(s.end), source: Source::Predicted, confidence: Some(s.confidence as f32) }));
        }
        segs.sort_by_key(|s| (s.start_ms, s.end_ms));
        // Not an edit: no undo step, nothing unsaved.
        self.segments.segments = segs;
    }
}

/// Where an episode's labels are saved: beside the media, or (read-only folder) in the data dir.
pub fn sidecar_for(media: &Path) -> PathBuf {
    let beside = crate::segments::sidecar_path(media);
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
pub fn fallback_sidecar(media: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(media).unwrap_or_else(|_| media.to_path_buf());
    let key = crate::fsio::fnv64(abs.to_string_lossy().as_bytes());
    let name = media.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    crate::paths::xdg_base("XDG_DATA_HOME", ".local/share").join("introskip/labels").join(format!("{name}.{key:016x}.introskip.json"))
}

/// Saved labels for an episode (beside it, else in the data dir), if any: recovered on open.
pub fn load_saved(media: &Path) -> Option<Segments> {
    [crate::segments::sidecar_path(media), fallback_sidecar(media)].into_iter().find(|p| p.exists()).and_then(|p| Segments::read(&p).ok())
}

/// Write the labels atomically; returns where they went.
pub fn save(media: &Path, segments: &Segments) -> crate::Result<PathBuf> {
    let path = sidecar_for(media);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| crate::error::io_error(dir, e))?;
    }
    segments.write(&path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DetectedSegment;

    fn detection(start: f64, end: f64) -> Detection {
        Detection { intros: vec![DetectedSegment::by_model(start, end, 0.9)], ..Detection::empty() }
    }

    #[test]
    fn keyboard_edits_undo_and_redo() {
        let mut e = Editor::default();
        e.merge_detection(&detection(30.0, 50.0));
        assert!(!e.dirty, "a detection is not an edit");
        e.set_intro_start(28_000);
        e.set_intro_end(51_500);
        let intro = e.intro().unwrap();
        assert_eq!((intro.start_ms, intro.end_ms, intro.source), (28_000, 51_500, Source::HumanEdited));
        e.undo();
        assert_eq!(e.intro().unwrap().end_ms, 50_000);
        e.undo();
        assert_eq!(e.intro().unwrap().start_ms, 30_000);
        e.redo();
        assert_eq!(e.intro().unwrap().start_ms, 28_000);
        e.delete_selected();
        assert!(e.intro().is_none());
        e.undo();
        assert!(e.intro().is_some());
        // An edit after an undo drops the redo branch.
        e.undo();
        e.set_intro_end(60_000);
        e.redo();
        assert_eq!(e.intro().unwrap().end_ms, 60_000);
        // A drag over many frames is one undo step.
        for to in [61_000, 62_000, 63_000] {
            e.move_edge(0, false, to, true);
        }
        e.end_drag();
        assert_eq!(e.intro().unwrap().end_ms, 63_000);
        e.undo();
        assert_eq!(e.intro().unwrap().end_ms, 60_000);
    }

    #[test]
    fn redetection_never_overwrites_verified_segments() {
        let mut e = Editor::default();
        e.merge_detection(&detection(30.0, 50.0));
        e.set_intro_start(31_000); // now human-verified
        e.merge_detection(&detection(100.0, 120.0));
        assert_eq!(e.segments.segments.len(), 1);
        assert_eq!(e.intro().unwrap().start_ms, 31_000);
        // A predicted intro, though, follows the model.
        let mut p = Editor::default();
        p.merge_detection(&detection(30.0, 50.0));
        p.merge_detection(&detection(100.0, 120.0));
        assert_eq!(p.intro().unwrap().start_ms, 100_000);
    }

    #[test]
    fn labels_save_atomically_and_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("ep.mkv");
        std::fs::write(&media, b"x").unwrap();
        let mut e = Editor::default();
        e.set_intro_start(5_000);
        e.set_intro_end(25_000);
        let path = save(&media, &e.segments).unwrap();
        assert_eq!(path, crate::segments::sidecar_path(&media));
        assert_eq!(load_saved(&media).unwrap(), e.segments);
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|f| !f.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
    }

    #[test]
    fn a_deleted_intro_stays_deleted_through_reopening_and_redetection() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("ep.mkv");
        std::fs::write(&media, b"x").unwrap();
        let mut e = Editor::default();
        e.merge_detection(&detection(30.0, 50.0));
        e.delete_selected();
        assert_eq!(e.segments.absent, [Kind::Intro]);
        save(&media, &e.segments).unwrap();
        // Reopened: the saved decision, then the model's answer arrives again.
        let mut reopened = Editor::new(load_saved(&media).unwrap());
        reopened.merge_detection(&detection(30.0, 50.0));
        assert!(reopened.intro().is_none(), "the model's intro came back: {:?}", reopened.segments);
        assert!(reopened.is_verified());
        // The labeller can still change their mind.
        reopened.set_intro_start(10_000);
        assert!(reopened.intro().is_some() && reopened.segments.absent.is_empty());
        // And undo brings the decision back.
        e.undo();
        assert!(e.intro().is_some() && e.segments.absent.is_empty());
    }

    #[test]
    fn an_imported_intro_is_human_and_not_doubled_by_a_detection() {
        let mut e = Editor::default();
        e.import(vec![Segment { kind: Kind::Intro, start_ms: 10_000, end_ms: 40_000, source: Source::Imported, confidence: None }]);
        e.merge_detection(&detection(60.0, 90.0));
        assert_eq!(e.segments.segments.len(), 1);
        assert_eq!(e.intro().unwrap().start_ms, 10_000);
    }

    #[test]
    fn verifying_an_episode_without_intro_records_the_decision() {
        let mut e = Editor::default();
        e.verify_all();
        assert_eq!(e.segments.absent, [Kind::Intro]);
        e.merge_detection(&detection(30.0, 50.0));
        assert!(e.intro().is_none());
    }

    #[test]
    fn an_edit_is_not_a_verification_but_still_outranks_the_model() {
        let mut e = Editor::default();
        e.merge_detection(&detection(30.0, 50.0));
        // Dragging the end: the start nobody looked at is not confirmed by that.
        e.move_edge(0, false, 52_000, true);
        e.end_drag();
        assert_eq!(e.intro().unwrap().source, Source::HumanEdited);
        assert!(!e.is_verified(), "a drag is not Submit");
        // A new detection does not undo the human's edit.
        e.merge_detection(&detection(100.0, 120.0));
        assert_eq!((e.intro().unwrap().start_ms, e.intro().unwrap().end_ms), (30_000, 52_000));
        e.verify_all();
        assert!(e.is_verified());
        assert_eq!(e.intro().unwrap().source, Source::HumanVerified);
    }

    #[test]
    fn every_kind_takes_the_same_keys_and_typed_times() {
        let mut e = Editor::default();
        e.merge_detection(&detection(30.0, 50.0));
        e.set_start(Kind::Credits, 150_000);
        e.set_end(Kind::Credits, 170_000);
        e.set_end(Kind::Recap, 12_000);
        e.set_start(Kind::Recap, 2_000);
        let kinds: Vec<(Kind, u64, u64)> = e.segments.segments.iter().map(|s| (s.kind, s.start_ms, s.end_ms)).collect();
        assert_eq!(kinds, [(Kind::Recap, 2_000, 12_000), (Kind::Intro, 30_000, 50_000), (Kind::Credits, 150_000, 170_000)]);
        assert_eq!(e.set_start(Kind::Credits, 171_000).unwrap(), "I at 2:51.00 is not before the end of the credits (2:50.00): move the playhead earlier, or set the end first with O");
        // A typed boundary: one undo step; a typed time past the other edge is refused with why.
        e.type_edge(1, true, 29_500);
        assert_eq!(e.intro().unwrap().start_ms, 29_500);
        assert!(e.type_edge(1, false, 29_800).unwrap().contains("at least a second"));
        e.undo();
        assert_eq!(e.intro().unwrap().start_ms, 30_000);
        e.delete_kind(Kind::Credits);
        assert!(e.of_kind(Kind::Credits).is_none() && e.segments.absent == [Kind::Credits]);
    }
}
