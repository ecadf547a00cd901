//! The labeller's edits on one episode, apart from drawing: segments with undo/redo, the
//! keyboard commands (I/O set the intro at the playhead, Delete, verify), merging a new detection
//! without touching what a human verified, and the sidecar autosave (atomic; the app's data dir
//! when the media folder is read-only).

use crate::model::Detection;
use crate::segments::{Kind, Segment, Segments, Source};

#[derive(Clone, Debug)]
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
    /// How times in messages are written: the app's time format and the episode's frame rate.
    pub clock: (crate::clock::TimeFormat, f64),
}

const MIN_MS: u64 = 1000;

impl Default for Editor {
    fn default() -> Self {
        Editor { segments: Segments::default(), undo: Vec::new(), redo: Vec::new(), dirty: false, selected: None, drag_snapshot: None, clock: (crate::clock::TimeFormat::default(), 25.0) }
    }
}

/// A kind a human has edited is the human's whole: the model's other segments of it (the other
/// part of credits a scene splits) become the human's as they stand, or the next analysis —
/// which gives nothing to a human's kind and replaces the model's — would drop them.
fn adopt(segments: &mut [Segment], kind: Kind) {
    for s in segments.iter_mut().filter(|s| s.kind == kind && s.source == Source::Predicted) {
        s.source = Source::HumanEdited;
        s.confidence = None;
    }
}

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
        let human: Vec<Kind> = self.segments.segments.iter().filter(|s| s.source != Source::Predicted).map(|s| s.kind).collect();
        for kind in human {
            adopt(&mut self.segments.segments, kind);
        }
        self.segments.segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        // An edit after Enter takes the verification back: the episode must be confirmed again.
        self.segments.verified = false;
        if self.segments != before {
            self.undo.push(before);
            self.redo.clear();
            self.dirty = true;
        }
    }

    pub fn intro(&self) -> Option<&Segment> {
        self.segments.segments.iter().find(|s| s.kind == Kind::Intro)
    }

    fn time(&self, ms: u64) -> String {
        self.clock.0.show(ms as f64 / 1000.0, self.clock.1)
    }

    /// The edge after (`forward`) or before `at_ms`: where PageDown / PageUp take the playhead,
    /// as mpv's keys step by chapter. Edges within half a second of `at_ms` are passed over, so a
    /// second press goes on from the edge the first landed on.
    pub fn edge_beyond(&self, at_ms: u64, forward: bool) -> Option<u64> {
        let edges = self.segments.segments.iter().flat_map(|s| [s.start_ms, s.end_ms]);
        if forward {
            edges.filter(|&e| e > at_ms + 500).min()
        } else {
            edges.filter(|&e| e + 500 < at_ms).max()
        }
    }

    /// The segment of `kind` (the first, if there are several).
    pub fn of_kind(&self, kind: Kind) -> Option<&Segment> {
        self.segments.segments.iter().find(|s| s.kind == kind)
    }

    /// The segment of `kind` that I and O at `at_ms` move, where a kind has several (credits a
    /// scene splits): the selected one, else the one the playhead is in, else the nearest.
    pub(crate) fn target(&self, kind: Kind, at_ms: u64) -> Option<usize> {
        let segs = &self.segments.segments;
        if let Some(i) = self.selected.filter(|&i| segs.get(i).is_some_and(|s| s.kind == kind)) {
            return Some(i);
        }
        let distance = |s: &Segment| if at_ms < s.start_ms { s.start_ms - at_ms } else { at_ms.saturating_sub(s.end_ms) };
        segs.iter().enumerate().filter(|(_, s)| s.kind == kind).min_by_key(|(_, s)| distance(s)).map(|(i, _)| i)
    }

    /// I: the segment of `kind` ([`Self::target`]) starts at the playhead (a new one-second
    /// segment when there is none). Returns why nothing changed when the playhead is not before
    /// its end.
    pub fn set_start(&mut self, kind: Kind, at_ms: u64) -> Option<String> {
        let target = self.target(kind, at_ms);
        if let Some(end) = target.map(|i| self.segments.segments[i].end_ms).filter(|&end| at_ms + MIN_MS > end) {
            return Some(format!(
                "I at {} is not before the end of the {} ({}): move the playhead earlier, or set the end first with O",
                self.time(at_ms),
                kind.title().to_lowercase(),
                self.time(end)
            ));
        }
        self.edit(|segs| match target.and_then(|i| segs.get_mut(i)) {
            Some(s) => {
                s.start_ms = at_ms.min(s.end_ms.saturating_sub(MIN_MS));
                s.source = Source::HumanEdited;
                s.confidence = None;
            }
            None => segs.push(Segment { kind, start_ms: at_ms, end_ms: at_ms + MIN_MS, source: Source::HumanEdited, confidence: None }),
        });
        None
    }

    /// O: the segment of `kind` ([`Self::target`]) ends at the playhead. Returns why nothing
    /// changed when the playhead is not after its start.
    pub fn set_end(&mut self, kind: Kind, at_ms: u64) -> Option<String> {
        let target = self.target(kind, at_ms);
        if let Some(start) = target.map(|i| self.segments.segments[i].start_ms).filter(|&start| at_ms < start + MIN_MS) {
            return Some(format!(
                "O at {} is not after the start of the {} ({}): move the playhead later, or set the start first with I",
                self.time(at_ms),
                kind.title().to_lowercase(),
                self.time(start)
            ));
        }
        self.edit(|segs| match target.and_then(|i| segs.get_mut(i)) {
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
        let (kind, other_ms) = (s.kind, if start { s.end_ms } else { s.start_ms });
        let crossed = if start { to_ms >= other_ms } else { to_ms <= other_ms };
        let too_short = if start { to_ms + MIN_MS > other_ms } else { to_ms < other_ms + MIN_MS };
        let (edge, other) = if start { ("start", "end") } else { ("end", "start") };
        if crossed {
            let side = if start { "after" } else { "before" };
            return Some(format!("{} {edge} {}: that is {side} its {other} ({}); move the {other} first", kind.title(), self.time(to_ms), self.time(other_ms)));
        }
        if too_short {
            return Some(format!("{} {edge} {}: must be at least a second from its {other} ({})", kind.title(), self.time(to_ms), self.time(other_ms)));
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
            self.segments.verified = false;
            self.dirty = true;
        } else {
            if dragging {
                self.drag_snapshot = Some(self.segments.clone());
                self.undo.push(self.segments.clone());
                self.redo.clear();
                apply(&mut self.segments.segments);
                self.segments.verified = false;
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

    /// Labels of one kind from a file that holds only that kind (an SIS `labels.json` holds
    /// intros): they replace this episode's segments of that kind and leave the others (the
    /// credits a labeller set stay). None at all is a decision: the episode has none, and
    /// re-analysis must not bring one back.
    pub fn import_kind(&mut self, kind: Kind, segments: Vec<Segment>) {
        self.edit_all(|all| {
            all.segments.retain(|s| s.kind != kind);
            all.verified = false;
            if segments.is_empty() {
                if !all.absent.contains(&kind) {
                    all.absent.push(kind);
                }
            } else {
                all.absent.retain(|k| *k != kind);
                all.segments.extend(segments);
                adopt(&mut all.segments, kind);
                all.segments.sort_by_key(|s| (s.start_ms, s.end_ms));
            }
        });
    }

    /// Delete: the selected segment, else the intro. Deleting the last segment of a kind is a
    /// decision: the episode has none, and re-analysis must not bring one back.
    pub fn delete_selected(&mut self) {
        self.delete_kind(Kind::Intro, 0);
    }

    /// Delete the selected segment, else the part of `kind` that I and O at `at_ms` move (and the
    /// Start/End fields show, "part 2 of 2": [`Self::target`]). It was the first part whatever
    /// the fields showed (an outside trial deleted the credits' first part so).
    pub fn delete_kind(&mut self, kind: Kind, at_ms: u64) {
        let index = self.selected.or_else(|| self.target(kind, at_ms));
        let Some((i, kind)) = index.and_then(|i| self.segments.segments.get(i).map(|s| (i, s.kind))) else { return };
        self.edit_all(|segments| {
            segments.verified = false;
            segments.segments.remove(i);
            // What is left of the kind (the other part of split credits) is the human's now: a
            // new analysis must not bring back the part deleted.
            adopt(&mut segments.segments, kind);
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
            segments.verified = true;
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

    /// Takes the last edit back; false where none is left (the history starts empty each time
    /// the episode is opened).
    pub fn undo(&mut self) -> bool {
        let Some(prev) = self.undo.pop() else { return false };
        self.redo.push(std::mem::replace(&mut self.segments, prev));
        self.dirty = true;
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else { return false };
        self.undo.push(std::mem::replace(&mut self.segments, next));
        self.dirty = true;
        true
    }

    /// An edit since the episode was opened that Ctrl+Z would take back.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// The intro differs from the one the episode was opened with (its undo history's first
    /// state): edited since, not only saved so.
    pub fn intro_edited_since_opened(&self) -> bool {
        let span = |s: &Segments| s.segments.iter().find(|x| x.kind == Kind::Intro).map(|x| (x.start_ms, x.end_ms));
        self.undo.first().is_some_and(|first| span(first) != span(&self.segments))
    }

    /// Enter was pressed on the episode, and nothing changed since.
    pub fn is_verified(&self) -> bool {
        self.segments.verified
    }

    /// A new detection replaces the predicted intro and recap; what a human decided stays
    /// ([`Segments::merge_detection`]). Not an edit: no undo step, nothing unsaved. It goes into
    /// every state undo and redo lead to as well: undoing an edit made before a late answer (the
    /// title's, the season's, the credits') takes back the edit, not the answer.
    pub fn merge_detection(&mut self, d: &Detection) {
        self.each_state(|s| s.merge_detection(d));
    }

    /// The same for the end of the episode: predicted credits and preview.
    pub fn merge_tail(&mut self, found: &crate::model::credits::TailFound) {
        self.each_state(|s| s.merge_tail(found));
    }

    fn each_state(&mut self, mut f: impl FnMut(&mut Segments)) {
        f(&mut self.segments);
        self.undo.iter_mut().chain(&mut self.redo).chain(&mut self.drag_snapshot).for_each(f);
    }

    /// The first segment of `kind`.
    pub fn first_of(&self, kind: crate::segments::Kind) -> Option<&crate::segments::Segment> {
        self.segments.segments.iter().filter(|s| s.kind == kind).min_by_key(|s| s.start_ms)
    }
}

pub use crate::segments::{fallback_sidecar, load_saved, read_saved, save, set_aside_unreadable, sidecar_for};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DetectedSegment;
    use std::path::Path;

    fn detection(start: f64, end: f64) -> Detection {
        Detection { intros: vec![DetectedSegment::by_model(start, end, 0.9)], ..Detection::empty() }
    }

    #[test]
    fn i_and_o_move_the_part_of_split_credits_the_playhead_is_at() {
        let mut e = Editor::default();
        let part = |start_ms, end_ms| Segment { kind: Kind::Credits, start_ms, end_ms, source: Source::Predicted, confidence: Some(0.9) };
        e.segments.segments = vec![part(200_000, 215_000), part(225_000, 250_000)];
        // Inside the second part: its start moves, the first part stays.
        assert!(e.set_start(Kind::Credits, 228_000).is_none());
        // Past the first part's end, nearer it than the second part: the first part ends there.
        assert!(e.set_end(Kind::Credits, 217_000).is_none());
        let spans: Vec<_> = e.segments.segments.iter().map(|s| (s.start_ms, s.end_ms, s.source)).collect();
        assert_eq!(spans, [(200_000, 217_000, Source::HumanEdited), (228_000, 250_000, Source::HumanEdited)]);
        // One part edited, the other untouched: a new analysis keeps both as they are.
        let mut e = Editor::default();
        e.segments.segments = vec![part(200_000, 215_000), part(225_000, 250_000)];
        e.set_start(Kind::Credits, 226_000);
        let found = crate::model::credits::TailFound { credits: Some(crate::model::DetectedSegment::by_model(199.0, 214.0, 0.9)), ..Default::default() };
        e.merge_tail(&found);
        let spans: Vec<_> = e.segments.segments.iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(spans, [(200_000, 215_000), (226_000, 250_000)]);
        // A part deleted stays deleted: the other is the human's, and the analysis adds nothing.
        let mut e = Editor::default();
        e.segments.segments = vec![part(200_000, 215_000), part(225_000, 250_000)];
        e.selected = Some(0);
        e.delete_kind(Kind::Credits, 240_000);
        e.merge_tail(&crate::model::credits::TailFound { credits: Some(crate::model::DetectedSegment::by_model(200.0, 215.0, 0.9)), more_credits: vec![crate::model::DetectedSegment::by_model(225.0, 250.0, 0.9)], ..Default::default() });
        let spans: Vec<_> = e.segments.segments.iter().map(|s| (s.start_ms, s.end_ms, s.source)).collect();
        assert_eq!(spans, [(225_000, 250_000, Source::HumanEdited)]);
    }

    #[test]
    fn delete_with_nothing_selected_removes_the_part_of_split_credits_the_playhead_is_in() {
        let part = |a, b| Segment { kind: Kind::Credits, start_ms: a, end_ms: b, source: Source::Predicted, confidence: Some(0.9) };
        let mut e = Editor::default();
        e.segments.segments = vec![part(200_000, 215_000), part(225_000, 250_000)];
        // The fields say "part 2 of 2" with the playhead in the second part: that one goes.
        assert_eq!(e.target(Kind::Credits, 240_000), Some(1));
        e.delete_kind(Kind::Credits, 240_000);
        let spans: Vec<_> = e.segments.segments.iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(spans, [(200_000, 215_000)]);
        // Nearest the playhead, outside both: the first.
        e.undo();
        e.delete_kind(Kind::Credits, 190_000);
        let spans: Vec<_> = e.segments.segments.iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(spans, [(225_000, 250_000)]);
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
    fn undo_after_a_late_answer_takes_back_the_edit_not_the_answer() {
        // The model's first answer, then a human edit of the intro's start.
        let mut e = Editor::default();
        e.merge_detection(&detection(100.0, 150.0));
        e.set_intro_start(95_000);
        // The credits and the title's answer come after the edit.
        let credits = crate::model::credits::TailFound { credits: Some(crate::model::DetectedSegment::by_model(1300.0, 1340.0, 0.9)), ..Default::default() };
        e.merge_tail(&credits);
        e.merge_detection(&detection(33.0, 84.0));
        assert_eq!(e.intro().unwrap().start_ms, 95_000, "the human's intro outranks the late answer");
        // Undo takes back the edit: the intro is the model's latest, the credits stay.
        e.undo();
        assert_eq!((e.intro().unwrap().start_ms, e.intro().unwrap().end_ms), (33_000, 84_000));
        assert_eq!(e.of_kind(Kind::Credits).map(|c| c.start_ms), Some(1_300_000));
        // Redo brings the edit back, the credits still there.
        e.redo();
        assert_eq!(e.intro().unwrap().start_ms, 95_000);
        assert_eq!(e.of_kind(Kind::Credits).map(|c| c.start_ms), Some(1_300_000));
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
        // With the media they were saved for, so that they can follow the file if it is renamed.
        let media_id = crate::segments::MediaId::of(&media).ok();
        assert_eq!(load_saved(&media).unwrap(), Segments { media: media_id, ..e.segments.clone() });
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
        assert!(!reopened.is_verified(), "a deletion is a decision on the intro, not a verification of the episode");
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
        assert_eq!(e.set_start(Kind::Credits, 171_000).unwrap(), "I at 00:02:51.000 is not before the end of the credits (00:02:50.000): move the playhead earlier, or set the end first with O");
        // A typed boundary: one undo step; a typed time past the other edge is refused with why.
        e.type_edge(1, true, 29_500);
        assert_eq!(e.intro().unwrap().start_ms, 29_500);
        assert!(e.type_edge(1, false, 30_200).unwrap().contains("at least a second"));
        assert_eq!(e.type_edge(1, true, 775_000).unwrap(), "Intro start 00:12:55.000: that is after its end (00:00:50.000); move the end first");
        e.undo();
        assert_eq!(e.intro().unwrap().start_ms, 30_000);
        e.delete_kind(Kind::Credits, 0);
        assert!(e.of_kind(Kind::Credits).is_none() && e.segments.absent == [Kind::Credits]);
    }

    #[test]
    fn only_enter_verifies_and_any_later_change_takes_it_back() {
        let mut e = Editor::default();
        e.merge_detection(&detection(30.0, 50.0));
        e.delete_selected();
        assert!(!e.is_verified(), "Delete is not Enter");
        e.verify_all();
        assert!(e.is_verified() && e.segments.verified);
        e.set_start(Kind::Recap, 1_000);
        assert!(!e.is_verified(), "an edit after Enter needs a new Enter");
        e.undo();
        assert!(e.is_verified(), "undo brings the verified state back with the labels");
        // A verified episode takes nothing from a new detection (no recap slips in unconfirmed).
        let mut d = detection(30.0, 50.0);
        d.recaps = vec![DetectedSegment::by_model(0.0, 8.0, 0.9)];
        e.merge_detection(&d);
        assert!(e.is_verified() && e.of_kind(Kind::Recap).is_none() && e.intro().is_none(), "{:?}", e.segments);
        // Sidecars written before the flag: verified when every segment was.
        let old = br#"{"version": 1, "segments": [{"kind": "intro", "start_ms": 1000, "end_ms": 9000, "source": "human_verified"}]}"#;
        assert!(Segments::parse(old, Path::new("old.json")).unwrap().verified);
        let edited = br#"{"version": 1, "segments": [{"kind": "intro", "start_ms": 1000, "end_ms": 9000, "source": "human_edited"}]}"#;
        assert!(!Segments::parse(edited, Path::new("old.json")).unwrap().verified);
    }
}
