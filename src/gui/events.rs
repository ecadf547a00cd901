//! What the analysis thread reports, applied to the episodes: one place where worker events
//! change the app's state (the UI draws from that state and sends typed commands back).

use super::*;

impl App {
    /// Take what the worker produced, within a small time budget so a frame never stalls.
    pub(super) fn poll_worker(&mut self, ctx: &egui::Context) {
        let deadline = Instant::now() + Duration::from_millis(4);
        while Instant::now() < deadline {
            let Ok((season, event)) = self.worker.events.try_recv() else { break };
            // From an analysis of files opened before (or queued before a new window or tail):
            // its index now names another episode.
            if season != worker::ANY_SEASON && season != self.season_id {
                continue;
            }
            match event {
                Event::EncoderReady(name) => self.encoder = name,
                Event::EncoderFailed(message) => self.banner = Some(message),
                Event::Started { index, requested } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.status = Status::Analysing { sampled: 0, encoded: 0, total: requested, started: Instant::now() };
                    }
                }
                Event::Thumbnail { index, second, image } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        let color = super::background::texture_image(ctx, &image);
                        let texture = ctx.load_texture(format!("thumb-{index}-{second}"), color, egui::TextureOptions::LINEAR);
                        // A second already shown (the head sent again from the cache on Resume) is replaced.
                        match ep.thumbnails.iter_mut().find(|(s, _)| *s == second) {
                            Some(shown) => shown.1 = texture,
                            None => ep.thumbnails.push((second, texture)),
                        }
                        if let Status::Analysing { sampled, .. } = &mut ep.status {
                            *sampled += 1;
                        }
                    }
                }
                Event::Progress { index, encoded: e, requested } => {
                    if let Some(Episode { status: Status::Analysing { encoded, total, .. }, .. }) = self.episodes.get_mut(index) {
                        *encoded = e;
                        *total = requested;
                    }
                }
                Event::Done { index, samples, cached, seconds, note } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.status = Status::Done { samples, seconds, cached, note };
                        // A resumed analysis: a stopped run's late word (its events come first)
                        // does not leave the episode marked unfinished.
                        ep.unfinished = false;
                    }
                }
                Event::Checking { index, what } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.checking = Some(what);
                    }
                }
                Event::Detected { index, detection, judgement, alone_intro } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.checking = None;
                        ep.judgement = judgement;
                        ep.alone_intro = alone_intro;
                        ep.take_answer(detection);
                    }
                }
                Event::Tail { index, tail, pictures, said } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.tail_said = said;
                        ep.tail_missing = None;
                        ep.editor.merge_tail(&tail.found);
                        ep.tail = Some(tail);
                        ep.tail_thumbnails = pictures
                            .into_iter()
                            .map(|(second, image)| {
                                let color = super::background::texture_image(ctx, &image);
                                (second, ctx.load_texture(format!("tail-{index}-{second}"), color, egui::TextureOptions::LINEAR))
                            })
                            .collect();
                    }
                }
                Event::TailJudged { index, tail, said } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.editor.merge_tail(&tail.found);
                        ep.tail = Some(tail);
                        ep.tail_said = said;
                    }
                }
                Event::Unfinished { index } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.checking = None;
                        ep.unfinished = true;
                    }
                }
                Event::TailMissing { index, why } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        match why {
                            Some(why) => ep.tail_missing = Some(why),
                            None => ep.unfinished = true,
                        }
                    }
                }
                Event::Searched(answer) => {
                    let open: Vec<PathBuf> = self.episodes.iter().map(|e| e.path.clone()).collect();
                    self.search.answered(answer, &open);
                }
                Event::SearchProgress { ticket, done, total } => self.search.progress = Some((ticket, done, total)),
                Event::ModelUnavailable { message } => self.banner = Some(format!("No intro detection: {message}")),
                Event::Failed { index, message } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        ep.status = Status::Failed(message);
                    }
                }
                Event::Cancelled { index } => {
                    if let Some(ep) = self.episodes.get_mut(index) {
                        if !matches!(ep.status, Status::Done { .. }) {
                            ep.status = Status::Cancelled;
                        }
                    }
                }
            }
        }
        // A selection the user did not choose stays off a file found unreadable: on to the first
        // one known to play (its analysis under way or done), once there is one. Not while
        // something plays or a field has the keyboard (its typed time would go to the other).
        if !self.picked && !self.playing && ctx.memory(|m| m.focused().is_none()) && self.unreadable().is_some() {
            if let Some(i) = self.episodes.iter().position(|e| matches!(e.status, Status::Analysing { .. } | Status::Done { .. })) {
                self.selected = i;
                self.follow_playhead = true;
            }
        }
    }
}
