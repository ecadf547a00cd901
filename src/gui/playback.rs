//! Playback in the app: the shuttle (J/K/L), play/pause, and what is offered over the picture
//! while an episode plays — "Skip intro", "Skip credits", "Next episode" — as streaming players
//! offer them. A post-credits scene is never skipped to.

use super::{preview, Action, App};
use crate::segments::Kind;

/// A button offered over the picture during playback ([`App::offers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    SkipIntro,
    SkipCredits,
    NextEpisode,
}

impl Offer {
    pub(super) fn label(self) -> &'static str {
        match self {
            Offer::SkipIntro => "Skip intro",
            Offer::SkipCredits => "Skip credits",
            Offer::NextEpisode => "Next episode",
        }
    }

    pub(super) fn action(self) -> Action {
        match self {
            Offer::SkipIntro => Action::SkipIntro,
            Offer::SkipCredits => Action::SkipCredits,
            Offer::NextEpisode => Action::NextEpisode,
        }
    }
}

impl App {
    /// J / L: slower / faster (LosslessCut's shuttle): L from a pause plays at 1×, then 2×, 4×,
    /// 8×; J halves down to ¼×. K pauses.
    pub(super) fn shuttle(&mut self, faster: bool) {
        let rate = if !self.playing {
            if faster { 1.0 } else { 0.5 }
        } else if faster {
            (self.rate * 2.0).min(8.0)
        } else {
            (self.rate / 2.0).max(0.25)
        };
        self.rate = rate;
        self.playing = false;
        self.toggle_playback();
    }

    pub(super) fn toggle_playback(&mut self) {
        let Some(ep) = self.episodes.get(self.selected) else { return };
        if self.playing {
            self.preview.request(preview::Request::Pause);
            self.playing = false;
            self.preview_requested = Some((ep.path.clone(), ep.playhead_s));
        } else {
            self.preview.request(preview::Request::Play { path: ep.path.clone(), t: ep.playhead_s, rate: self.rate });
            self.playing = true;
            // Played, the episode is the user's choice: it stays selected.
            self.picked = true;
        }
    }

    pub(super) fn skip_intro(&mut self) {
        let Some(ep) = self.episodes.get_mut(self.selected) else { return };
        if let Some(end) = ep.editor.intro().map(|s| s.end_ms as f64 / 1000.0) {
            ep.playhead_s = end;
            self.preview.request(preview::Request::Play { path: ep.path.clone(), t: end, rate: self.rate });
            self.playing = true;
        }
    }

    /// The buttons streaming players show over the picture at this moment of playback: "Skip
    /// intro" inside the intro; "Skip credits" inside credits that something follows (a preview,
    /// a post-credits scene); "Next episode" once only credits and a preview remain and the
    /// season has a next episode, and still when playback has reached the end of the file (until
    /// the playhead moves). A post-credits scene is never skipped to.
    pub(crate) fn offers(&self) -> Vec<Offer> {
        let has_next = self.selected + 1 < self.episodes.len();
        let Some(ep) = self.episodes.get(self.selected) else { return Vec::new() };
        if !self.playing {
            let at_end = self.ended_at.as_ref().is_some_and(|(path, t)| *path == ep.path && *t == ep.playhead_s);
            return if at_end && has_next { vec![Offer::NextEpisode] } else { Vec::new() };
        }
        let t = ep.playhead_s;
        let span = |s: &crate::segments::Segment| (s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0);
        let inside = |s: Option<&crate::segments::Segment>| s.map(span).is_some_and(|(a, b)| (a..b).contains(&t));
        let mut offers = Vec::new();
        if inside(ep.editor.intro()) {
            offers.push(Offer::SkipIntro);
        }
        // Every part of the credits (a story scene may split them) and the preview.
        let mut ends: Vec<&crate::segments::Segment> = ep.editor.segments.segments.iter().filter(|s| matches!(s.kind, Kind::Credits | Kind::Preview)).collect();
        ends.sort_by_key(|s| s.start_ms);
        let credits = ends.iter().copied().find(|s| s.kind == Kind::Credits && inside(Some(*s)));
        let duration = ep.tail.as_ref().map(|t| t.duration_s).or(ep.overview.duration_s);
        if let Some((_, end)) = credits.map(span) {
            if duration.is_some_and(|d| end < d - 0.5) {
                offers.push(Offer::SkipCredits);
            }
        }
        // Only credits and the preview are left: from here to the end is theirs.
        let rest_skippable = duration.is_some_and(|d| {
            let covered = ends.iter().map(|s| span(s)).filter(|(_, b)| *b > t).fold(t, |reach, (a, b)| if a <= reach + 0.5 { reach.max(b) } else { reach });
            covered >= d - 0.5
        });
        if ends.iter().any(|s| inside(Some(*s))) && rest_skippable && has_next {
            offers.push(Offer::NextEpisode);
        }
        offers
    }

    pub(super) fn skip_credits(&mut self) {
        let Some(ep) = self.episodes.get_mut(self.selected) else { return };
        // To the end of the part of the credits playing (or the next part; never back).
        let t_ms = (ep.playhead_s * 1000.0).round().max(0.0) as u64;
        let mut parts: Vec<&crate::segments::Segment> = ep.editor.segments.segments.iter().filter(|s| s.kind == Kind::Credits).collect();
        parts.sort_by_key(|s| s.start_ms);
        let part = parts.iter().find(|s| t_ms < s.end_ms);
        if let Some(end) = part.map(|s| s.end_ms as f64 / 1000.0) {
            ep.playhead_s = end;
            self.preview.request(preview::Request::Play { path: ep.path.clone(), t: end, rate: self.rate });
            self.playing = true;
        }
    }

    /// The next episode of the season, from its start, playing.
    pub(super) fn next_episode(&mut self) {
        if self.selected + 1 >= self.episodes.len() {
            return;
        }
        self.preview.request(preview::Request::Pause);
        self.selected += 1;
        self.picked = true;
        let ep = &mut self.episodes[self.selected];
        ep.playhead_s = 0.0;
        self.preview.request(preview::Request::Play { path: ep.path.clone(), t: 0.0, rate: self.rate });
        self.playing = true;
    }
}
