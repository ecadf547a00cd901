//! The review queue: which episodes of a season a labeller should check first (unverified, the
//! least confident first) and which the episode list shows.

use super::{App, Episode, Review, Status};
use crate::segments::Kind;

impl App {
    /// How sure the model is about an episode's answer: its least confident predicted segment,
    /// and, where no one decided the intro and none was found, how surely the window has none
    /// (less sure where the model, judging the episode alone, sees one the season did not keep).
    /// None before the answer. The "no intro" weighs whatever else was found: weighed only where
    /// nothing was, predicted credits (nearly every episode since the tails) hid it, and an
    /// episode turned uncertain when a human edited its credits (an outside trial).
    pub(super) fn confidence(ep: &Episode) -> Option<f64> {
        let d = ep.detection.as_ref()?;
        let predicted = ep.editor.segments.segments.iter().filter(|s| s.source == crate::segments::Source::Predicted).filter_map(|s| s.confidence).map(f64::from);
        let undecided = ep.editor.intro().is_none() && !ep.editor.segments.absent.contains(&Kind::Intro);
        let none = undecided.then(|| 1.0 - f64::from(d.intro_probability.iter().copied().fold(0.0, f32::max)));
        // The intro the model sees alone where the season kept none, whatever else was found.
        let doubt = ep.alone_intro.filter(|_| undecided).map(|c| 1.0 - c);
        Some(predicted.chain(none).chain(doubt).fold(1.0, f64::min))
    }

    pub(super) fn is_uncertain(ep: &Episode) -> bool {
        !ep.editor.is_verified() && Self::confidence(ep).is_some_and(|c| c < crate::service::detect::UNCERTAIN)
    }

    /// The review queue: analysed, unverified episodes, least confident first.
    pub(crate) fn to_check(&self) -> Vec<usize> {
        let mut queue: Vec<(usize, f64)> = self.episodes.iter().enumerate().filter(|(_, e)| matches!(e.status, Status::Done { .. }) && !e.editor.is_verified()).map(|(i, e)| (i, Self::confidence(e).unwrap_or(1.0))).collect();
        queue.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        queue.into_iter().map(|(i, _)| i).collect()
    }

    /// The episode after the selected one in the review queue (its first when the selected one is
    /// not in it), wrapping round; only those the list shows (under "Uncertain", N never opens an
    /// episode the list hides, and one selected but hidden is not an answer: N says so).
    pub(crate) fn next_to_check(&self) -> Option<usize> {
        let mut queue = self.to_check();
        queue.retain(|&i| i == self.selected || self.listed(&self.episodes[i]));
        let at = queue.iter().position(|&i| i == self.selected);
        match at {
            Some(k) => queue.get(k + 1).or(queue.first()).copied().filter(|&i| i != self.selected || (queue.len() == 1 && self.listed(&self.episodes[i]))),
            None => queue.first().copied(),
        }
    }

    /// Analysed, unverified episodes the current filter hides (said when the list runs out); one
    /// whose answer has not arrived yet is not counted (it may still prove uncertain).
    pub(super) fn hidden_to_check(&self) -> usize {
        self.episodes.iter().filter(|e| matches!(e.status, Status::Done { .. }) && e.detection.is_some() && !e.editor.is_verified() && !self.listed(e)).count()
    }

    /// Unverified episodes with no answer yet (queued, analysing or cancelled): they may still
    /// prove uncertain, so running out of episodes to check says them.
    pub(super) fn waiting_to_analyse(&self) -> usize {
        self.episodes.iter().filter(|e| !e.editor.is_verified() && !matches!(e.status, Status::Done { .. } | Status::Failed(_))).count()
    }

    /// "; 2 episodes are not analysed yet" (empty when none waits), added where the list ran out.
    pub(super) fn not_analysed_yet(waiting: usize) -> String {
        if waiting > 0 { format!("; {} not analysed yet", crate::words::count(waiting, "episode is", "episodes are")) } else { String::new() }
    }

    /// Whether the episode list shows episode `ep` under the current filter.
    pub(super) fn listed(&self, ep: &Episode) -> bool {
        match self.review {
            Review::All => true,
            Review::ToCheck => !ep.editor.is_verified() && !matches!(ep.status, Status::Failed(_)),
            Review::Uncertain => Self::is_uncertain(ep),
        }
    }
}
