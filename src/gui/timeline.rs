//! The timeline: thumbnail rows with a ruler, the segment band, the probability curve, cuts and
//! the playhead. One geometry per row maps time to x and finds segment edges, for painting and
//! for hit-testing alike (as rerun's `TimeRangesUi` does).

use crate::model::snap::{FADE_REACH_S, SILENCE_REACH_S};
use crate::segments::{Kind, Segment};
use eframe::egui;

pub(super) const INTRO_COLOUR: egui::Color32 = egui::Color32::from_rgb(240, 140, 40);
pub(super) const RECAP_COLOUR: egui::Color32 = egui::Color32::from_rgb(90, 160, 230);
pub(super) const CUT_COLOUR: egui::Color32 = egui::Color32::from_rgb(120, 230, 160);
pub(super) const FADE_COLOUR: egui::Color32 = egui::Color32::from_rgb(170, 250, 255);
/// Story after the credits (a post-credits scene): outlined, never a segment to skip.
pub(super) const STORY_COLOUR: egui::Color32 = egui::Color32::from_rgb(235, 235, 235);

/// What the pointer did on the timeline.
pub(super) enum TimelineAction {
    /// A click: move the playhead here.
    Click(f64),
    /// A drag began on a segment's edge (index, start edge?).
    GrabEdge(usize, bool),
    /// The pointer is dragging at this time (snapped unless Alt or Shift is held).
    DragTo(f64),
    Release,
    /// The context menu's "Find where this shot appears": where else the season (or the search panel's library) shows this second's shot.
    FindShot(f64),
}

/// Pixels either side of a segment edge that grab it.
pub(super) const EDGE_GRAB_PX: f32 = 6.0;

/// A dragged edge snaps to a shot cut, an end of black or of a silence this close (pixels; the
/// last two no further than `detect` reaches for them).
pub(super) const SNAP_PX: f32 = 10.0;

/// Zoom levels: seconds per timeline row (Ctrl + mouse wheel, or + / −); the last is the whole
/// episode on one row.
pub(super) const ZOOMS: [u32; 8] = [2, 5, 10, 20, 30, 60, 180, WHOLE_EPISODE];
/// The zoom the app opens at (20 s a row).
pub(super) const DEFAULT_ZOOM: usize = 3;
/// At this many seconds a row or fewer, the strip shows frames, not one thumbnail a second.
pub(super) const FRAMES_AT_S: u32 = 5;
/// Frames across one row when zoomed in that far.
pub(super) const FRAMES_PER_ROW: u32 = 10;
pub(super) const WHOLE_EPISODE: u32 = 0;

/// One timeline row's mapping between time and x. Painting and hit-testing use the same one, so
/// what is drawn at an x is what a press at that x finds.
#[derive(Clone, Copy, Debug)]
pub(super) struct RowGeometry {
    /// x of the row's first second.
    pub left: f32,
    /// Width of one second.
    pub cell_w: f32,
    /// The row's first second and its length in seconds.
    pub start: u32,
    pub per_row: u32,
}

impl RowGeometry {
    pub fn time_at(&self, x: f32) -> f64 {
        f64::from(self.start) + ((x - self.left) / self.cell_w).clamp(0.0, self.per_row as f32) as f64
    }

    /// x of time `t`, clamped to the row.
    pub fn x_of(&self, t: f64) -> f32 {
        self.left + ((t - f64::from(self.start)).clamp(0.0, f64::from(self.per_row)) as f32) * self.cell_w
    }

    fn shows(&self, t: f64) -> bool {
        (0.0..=f64::from(self.per_row)).contains(&(t - f64::from(self.start)))
    }

    /// The segment edge within [`EDGE_GRAB_PX`] of `x` on this row, the nearest one first:
    /// (segment index, start edge?).
    pub fn edge_at(&self, segments: &[Segment], x: f32) -> Option<(usize, bool)> {
        segments
            .iter()
            .enumerate()
            .flat_map(|(i, s)| [(i, true, s.start_ms), (i, false, s.end_ms)])
            .map(|(i, is_start, ms)| (i, is_start, ms as f64 / 1000.0))
            .filter(|&(_, _, t)| self.shows(t))
            .map(|(i, is_start, t)| (i, is_start, (self.x_of(t) - x).abs()))
            .filter(|&(_, _, d)| d <= EDGE_GRAB_PX)
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(i, is_start, _)| (i, is_start))
    }
}

/// Thumbnails for the timeline: one per `span` seconds, keyed by their first second.
#[derive(Clone, Copy)]
pub(super) struct Strip<'a> {
    pub thumbs: &'a [(u32, egui::TextureHandle)],
    pub span: u32,
}

/// The sound under the thumbnails: levels (dBFS per `step_s`) and the silent stretches.
#[derive(Clone, Copy)]
pub(super) struct Wave<'a> {
    pub levels: &'a [f32],
    pub step_s: f64,
    pub silences: &'a [(f64, f64)],
}

/// Frames decoded for a zoomed-in strip, keyed by their time in ms, each `step_s` wide.
#[derive(Clone, Copy)]
pub(super) struct Frames<'a> {
    pub textures: &'a std::collections::BTreeMap<u64, egui::TextureHandle>,
    pub step_s: f64,
}

/// Everything one timeline draws.
pub(super) struct View<'a> {
    /// A segment edge is being dragged (a drag elsewhere pans).
    pub edge_held: bool,
    pub strip: Strip<'a>,
    /// Seconds the timeline spans, and how many of them were analysed.
    pub seconds: u32,
    pub analysed: u32,
    pub probability: Option<&'a [f32]>,
    pub segments: &'a [Segment],
    pub cuts: &'a [f64],
    /// Where the picture comes out of black (ticks of their own; edges snap there where no cut is near).
    pub out_of_black: &'a [f64],
    /// The edge being dragged is a credits or preview edge: it snaps to cuts only, as `detect`
    /// snaps the tail's edges.
    pub snap_cuts_only: bool,
    pub playhead_s: f64,
    pub per_row: u32,
    pub wave: Option<Wave<'a>>,
    pub frames: Option<Frames<'a>>,
    /// Times as the user chose to read them.
    pub time: &'a dyn Fn(f64) -> String,
    /// Where the ruler's label of a whole second sits ([`crate::clock::TimeFormat::label_time`]).
    pub tick_time: &'a dyn Fn(u32) -> f64,
    /// One frame of the episode (seconds): where a click lands.
    pub frame_s: f64,
    /// Scroll the playhead's row into view (it was moved by a key, or is playing).
    pub follow: bool,
    /// Scroll the row showing this time into view, centred (the zoom changed around it).
    pub reveal: Option<f64>,
    /// Story the tail's analysis found among the credits (start, end s, what it is: a scene
    /// between their parts, or after them): drawn in the band as what plays on.
    pub story: Vec<(f64, f64, &'static str)>,
    /// The tail's seconds sampled at 1 FPS, `[first, end)`, and their pictures: drawn as rows
    /// after the head's (`rows`; the whole-episode view has one row already), and never
    /// shaded as unanalysed.
    pub tail: Option<TailRows<'a>>,
}

/// The tail's part of the timeline ([`View::tail`]).
#[derive(Clone, Copy)]
pub(super) struct TailRows<'a> {
    pub first: u32,
    pub end: u32,
    pub thumbs: &'a [(u32, egui::TextureHandle)],
    pub rows: bool,
}

/// The timeline's rows: (first second, the last second its ruler runs to) for the head's
/// `seconds`, then, where the tail has rows of its own, for the tail from the row holding its
/// first second (not before the head's rows end) to its end. Where the two do not touch, the
/// index of the first tail row (a gap is shown before it).
pub(super) fn row_starts(seconds: u32, per_row: u32, tail: Option<(u32, u32)>) -> (Vec<(u32, u32)>, Option<usize>) {
    let head_end = seconds.div_ceil(per_row) * per_row;
    // A head row that the tail reaches into runs its ruler to the tail's end.
    let ruler_end = |start: u32| match tail {
        Some((first, end)) if first < start + per_row && end > seconds => end,
        _ => seconds,
    };
    let mut rows: Vec<(u32, u32)> = (0..seconds.div_ceil(per_row)).map(|r| (r * per_row, ruler_end(r * per_row))).collect();
    let mut gap = None;
    if let Some((first, end)) = tail.filter(|&(_, end)| end > head_end) {
        let from = (first / per_row * per_row).max(head_end);
        if from > head_end {
            gap = Some(rows.len());
        }
        rows.extend((from..end).step_by(per_row as usize).map(|s| (s, end)));
    }
    (rows, gap)
}

pub(super) const WAVE_COLOUR: egui::Color32 = egui::Color32::from_rgb(110, 170, 200);
pub(super) const SILENCE_COLOUR: egui::Color32 = egui::Color32::from_rgb(52, 44, 92);
pub(super) const PROBABILITY_COLOUR: egui::Color32 = egui::Color32::from_rgb(250, 230, 120);

/// dBFS at the bottom of the waveform lane.
const WAVE_FLOOR_DB: f32 = -60.0;

/// Dark diagonal stripes over a predicted segment the model is unsure of (below
/// [`crate::service::detect::UNCERTAIN`], or judged alone): told apart from a sure one at a
/// glance, not only by the "uncertain, check it" at the end of its line.
pub(crate) fn hatch(painter: &egui::Painter, r: egui::Rect) {
    const STEP: f32 = 7.0;
    let stroke = egui::Stroke::new(2.0, egui::Color32::from_black_alpha(150));
    let h = r.height();
    let mut x = r.left() - h;
    while x < r.right() {
        painter.line_segment([egui::pos2(x, r.bottom()), egui::pos2(x + h, r.top())], stroke);
        x += STEP;
    }
}

/// The thumbnail strip with a time ruler, wrapped into rows of `per_row` seconds; under it the
/// waveform lane, the segment band and the probability curve. Returns what the pointer did and
/// the time under it.
/// What a drawn timeline reports back.
#[derive(Default)]
pub(super) struct Drawn {
    pub action: Option<TimelineAction>,
    /// The time under the pointer.
    pub hover_s: Option<f64>,
    /// The seconds the rows on screen span.
    pub visible: Option<(u32, u32)>,
    /// Each row on screen and its geometry (what a press there finds).
    pub rows: Vec<(egui::Rect, RowGeometry)>,
}

pub(super) fn timeline(ui: &mut egui::Ui, view: &View<'_>) -> Drawn {
    let per_row = view.per_row.max(1);
    #[allow(non_snake_case)]
    let PER_ROW = per_row;
    let (seconds, segments, cuts, probability) = (view.seconds, view.segments, view.cuts, view.probability);
    let (thumbs, span) = (view.strip.thumbs, view.strip.span);
    let Some((_, first)) = thumbs.first() else { return Drawn::default() };
    let mut rows = Vec::new();
    let mut action = None;
    let mut hover_s = None;
    // The seconds of the rows on screen: where zoomed-in frames are wanted.
    let mut visible: Option<(u32, u32)> = None;
    // Alt or Shift: many Linux desktops take Alt+drag to move the window, so Shift does it too.
    let free = ui.input(|i| i.modifiers.alt || i.modifiers.shift);
    let pointer = ui.input(|i| i.pointer.latest_pos());
    let mut drag_pos = None;
    let aspect = first.size_vec2().x / first.size_vec2().y.max(1.0);
    // The rows end short of the scroll bar by more than an edge's grab zone, so that an edge at
    // a row's right end is grabbed, not the bar (an outside trial: pressed on 0:20 at 20 s a
    // row, the bar scrolled the view to 1:00).
    let avail = ui.available_width() - 20.0;
    // Seconds are `cell_w` wide; a thumbnail covers `strip.span` of them.
    let cell_w = avail / PER_ROW as f32;
    let cell_h = match view.frames {
        // Zoomed in: frames keep their shape, `step_s` wide.
        Some(f) => (f.step_s as f32 * cell_w / aspect).clamp(18.0, 120.0),
        None if span > 1 => 40.0,
        None => (cell_w / aspect).clamp(18.0, 120.0),
    };
    let ruler_h = 16.0;
    let wave_h = if view.wave.is_some() { 26.0 } else { 0.0 };
    // Under each strip: the segment band and the intro-probability curve.
    let band_h = if probability.is_some() || !segments.is_empty() { 22.0 } else { 0.0 };
    let label = egui::FontId::monospace(10.0);
    let tail = view.tail;
    let (row_list, gap) = row_starts(seconds, PER_ROW, tail.filter(|t| t.rows).map(|t| (t.first, t.end)));
    let tail_thumbs: &[(u32, egui::TextureHandle)] = tail.map_or(&[], |t| t.thumbs);
    // A bar of its own beside the rows, not one floating over their right ends when hovered.
    let floating = ui.spacing().scroll;
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    // Not animated: a key's jump (Shift+End to the credits, PgDn to an edge) or the playhead
    // following playback moves the rows at once, as editors do. Animated, the scroll toward
    // the playhead's row never happened in the app (eframe under X11: the target was set and
    // the offset stayed at 0), though egui's test harness scrolled.
    egui::ScrollArea::vertical().animated(false).show(ui, |ui| {
        ui.spacing_mut().scroll = floating;
        for (n, &(start, ruler_end)) in row_list.iter().enumerate() {
            if gap == Some(n) {
                // What lies between the head and the tail was not analysed (nor decoded): to the
                // tail's first second, not the row's start (a row that starts at 4:00 of a tail
                // from 4:05 said "3:00 – 4:00" and showed 4:00–4:05 empty: an outside trial).
                let head_end = seconds.div_ceil(PER_ROW) * PER_ROW;
                let tail_from = tail.map_or(start, |t| t.first.max(start));
                ui.weak(format!("{} – {}: the middle of the episode, not analysed (zoom out all the way to see it)", (view.time)(f64::from(head_end)), (view.time)(f64::from(tail_from))));
                ui.add_space(4.0);
            }
            let (rect, response) = ui.allocate_exact_size(egui::vec2(avail, cell_h + wave_h + band_h + ruler_h), egui::Sense::click_and_drag());
            let geo = RowGeometry { left: rect.left(), cell_w, start, per_row: PER_ROW };
            if ui.is_rect_visible(rect) {
                visible = Some(visible.map_or((start, start + PER_ROW), |(a, _)| (a, start + PER_ROW)));
                rows.push((rect, geo));
            }
            if let Some(pos) = response.interact_pointer_pos() {
                if response.clicked() {
                    // On the frame under the pointer, the time the pointer reads (until
                    // 2026-12-03 on the second of its thumbnail unless zoomed in to frames: a
                    // click at 0:44.992 went to 0:44.000).
                    let t = geo.time_at(pos.x).max(0.0);
                    let f = view.frame_s.max(1e-3);
                    action = Some(TimelineAction::Click(((t / f) + 1e-9).floor() * f));
                } else if response.drag_started() {
                    // The edge under the press, not where egui decided the drag began (a few
                    // pixels on, possibly past the grab zone).
                    let press = ui.input(|i| i.pointer.press_origin()).unwrap_or(pos);
                    if let Some((i, is_start)) = geo.edge_at(segments, press.x) {
                        action = Some(TimelineAction::GrabEdge(i, is_start));
                    }
                } else if response.dragged() && !view.edge_held {
                    // Not on an edge: the drag pans the timeline (its rows scroll).
                    ui.scroll_with_delta(egui::vec2(0.0, response.drag_delta().y));
                } else if response.dragged() {
                    // An edge dragged: the time is read once every row is laid out, on the row
                    // under the pointer (egui keeps reporting the drag to the row it began on).
                    drag_pos = Some(pos);
                }
            }
            if response.drag_stopped() {
                action = Some(TimelineAction::Release);
            }
            // Right-click: the time under the pointer is kept for the menu it opens (the menu
            // stays open while the pointer moves on).
            let menu_time = egui::Id::unique("introskip-timeline-menu-time");
            if response.secondary_clicked() {
                if let Some(pos) = response.interact_pointer_pos() {
                    let t = geo.time_at(pos.x).floor().max(0.0);
                    ui.ctx().data_mut(|d| d.insert_temp(menu_time, t));
                }
            }
            response.context_menu(|ui| {
                let t = ui.ctx().data(|d| d.get_temp::<f64>(menu_time)).unwrap_or(0.0);
                // Where the search panel looks: the season, or its library folder.
                if ui.button(format!("Find where this shot ({}) appears", (view.time)(t))).clicked() {
                    action = Some(TimelineAction::FindShot(t));
                    ui.close();
                }
                if ui.button("Move the playhead here").clicked() {
                    action = Some(TimelineAction::Click(t));
                    ui.close();
                }
            });
            if response.hovered() && response.hover_pos().is_some_and(|pos| geo.edge_at(segments, pos.x).is_some()) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
            }
            let painter = ui.painter_at(rect);
            // The ruler heads the row it times (labels under a row read as the next row's).
            let ruler = egui::Rect::from_min_size(rect.min, egui::vec2(avail, ruler_h));
            let row = rect;
            let rect = egui::Rect::from_min_max(egui::pos2(rect.left(), ruler.bottom()), rect.max);
            let strip = egui::Rect::from_min_size(rect.min, egui::vec2(avail, cell_h));
            painter.rect_filled(strip, 2.0, egui::Color32::from_gray(24));
            // Per-second thumbnails fill their cells; overview thumbnails keep their shape and
            // leave out any that would overlap the one before.
            let mut drawn_to = f32::NEG_INFINITY;
            // The tail's own pictures where no head thumbnail stands (a per-second strip).
            let tail_here = tail_thumbs.iter().filter(|_| span == 1).filter(|(s, _)| *s >= seconds);
            for (second, tex) in thumbs.iter().chain(tail_here).filter(|(s, _)| (start..start + PER_ROW).contains(s)) {
                let x = rect.left() + (*second - start) as f32 * cell_w;
                let w = if span > 1 { cell_h * aspect } else { cell_w }.min(rect.right() - x);
                if span > 1 && x < drawn_to {
                    continue;
                }
                drawn_to = x + w;
                if view.frames.is_some() {
                    // Zoomed in to frames, a second is several frames wide: its thumbnail stands in
                    // for each of them, in its own shape (stretched across the second it read as a
                    // 9:1 smear until the frames came).
                    let frame_w = (cell_h * aspect).max(4.0);
                    let mut at = x;
                    while at < x + w - 1.0 {
                        let shown = frame_w.min(x + w - 1.0 - at);
                        let cell = egui::Rect::from_min_size(egui::pos2(at, rect.top()), egui::vec2(shown - 1.0, cell_h));
                        painter.image(tex.id(), cell, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(shown / frame_w, 1.0)), egui::Color32::WHITE);
                        at += frame_w;
                    }
                    continue;
                }
                let cell = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w - 1.0, cell_h));
                painter.image(tex.id(), cell, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)), egui::Color32::WHITE);
            }
            // Zoomed in: the decoded frames over the seconds' thumbnails (which stand in until
            // the frames arrive).
            if let Some(frames) = view.frames {
                let w = frames.step_s as f32 * cell_w;
                for (ms, tex) in frames.textures.range(u64::from(start) * 1000..u64::from(start + PER_ROW) * 1000) {
                    let x = geo.x_of(*ms as f64 / 1000.0);
                    let cell = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2((w - 1.0).min(rect.right() - x), cell_h));
                    painter.image(tex.id(), cell, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)), egui::Color32::WHITE);
                }
            }
            let x_of = |t: f64| geo.x_of(t);
            if let Some(wave) = view.wave {
                let lane = egui::Rect::from_min_size(egui::pos2(rect.left(), strip.bottom()), egui::vec2(avail, wave_h));
                painter.rect_filled(lane, 0.0, egui::Color32::from_gray(18));
                for &(a, b) in wave.silences.iter().filter(|(a, b)| *b > f64::from(start) && *a < f64::from(start + PER_ROW)) {
                    painter.rect_filled(egui::Rect::from_min_max(egui::pos2(x_of(a), lane.top()), egui::pos2(x_of(b).max(x_of(a) + 1.0), lane.bottom())), 0.0, SILENCE_COLOUR);
                }
                // One quad per step (or per pixel when steps are narrower): one mesh a row.
                let mut mesh = egui::Mesh::default();
                let first_step = (f64::from(start) / wave.step_s) as usize;
                let last_step = ((f64::from(start + PER_ROW) / wave.step_s).ceil() as usize).min(wave.levels.len());
                let per_px = ((wave.step_s as f32 * cell_w).recip()).max(1.0) as usize;
                let mut i = first_step;
                while i < last_step {
                    let j = (i + per_px).min(last_step);
                    let db = wave.levels[i..j].iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let h = ((db - WAVE_FLOOR_DB) / -WAVE_FLOOR_DB).clamp(0.0, 1.0) * (wave_h - 4.0) / 2.0;
                    if h > 0.0 {
                        let (a, b) = (x_of(i as f64 * wave.step_s), x_of(j as f64 * wave.step_s));
                        mesh.add_colored_rect(egui::Rect::from_min_max(egui::pos2(a, lane.center().y - h), egui::pos2(b.max(a + 1.0), lane.center().y + h)), WAVE_COLOUR);
                    }
                    i = j;
                }
                painter.add(egui::Shape::mesh(mesh));
            }
            let below = strip.bottom() + wave_h;
            if band_h > 0.0 {
                let band = egui::Rect::from_min_size(egui::pos2(rect.left(), below), egui::vec2(avail, band_h));
                painter.rect_filled(band, 0.0, egui::Color32::from_gray(36));
                for s in segments {
                    let colour = kind_colour(s.kind);
                    let (a, b) = (x_of(s.start_ms as f64 / 1000.0), x_of(s.end_ms as f64 / 1000.0));
                    if b > a {
                        // Verified: solid with a thick frame; edited: solid; predicted: translucent.
                        let verified = s.source == crate::segments::Source::HumanVerified;
                        let human = s.source != crate::segments::Source::Predicted;
                        let fill = egui::Rect::from_min_max(egui::pos2(a, band.top() + 2.0), egui::pos2(b, band.bottom() - 2.0));
                        painter.rect_filled(fill, 2.0, if human { colour } else { colour.gamma_multiply(0.5) });
                        if !human && s.confidence.is_some_and(|c| f64::from(c) < crate::service::detect::UNCERTAIN) {
                            hatch(&painter.with_clip_rect(fill.intersect(painter.clip_rect())), fill);
                        }
                        // The band's edges also mark the thumbnails above.
                        painter.rect_stroke(egui::Rect::from_min_max(egui::pos2(a, rect.top()), egui::pos2(b, band.bottom() - 2.0)), 2.0, egui::Stroke::new(if verified { 3.0 } else { 1.5 }, colour), egui::StrokeKind::Inside);
                    }
                }
                // Beyond the analysed window (whole-episode view): no thumbnails per second, no
                // curve; up to the tail, which was analysed.
                let shade_to = tail.map_or(f64::INFINITY, |t| f64::from(t.first));
                if view.analysed < start + PER_ROW && f64::from(view.analysed.max(start)) < shade_to {
                    let a = x_of(f64::from(view.analysed.max(start)));
                    let b = if shade_to < f64::from(start + PER_ROW) { x_of(shade_to) } else { band.right() };
                    painter.rect_filled(egui::Rect::from_min_max(egui::pos2(a, band.top()), egui::pos2(b, band.bottom())), 0.0, egui::Color32::from_gray(26));
                    if view.analysed > start {
                        painter.line_segment([egui::pos2(a, rect.top()), egui::pos2(a, band.bottom())], egui::Stroke::new(1.0, egui::Color32::from_gray(200)));
                        painter.text(egui::pos2(a + 3.0, band.center().y), egui::Align2::LEFT_CENTER, "end of detection window", label.clone(), egui::Color32::from_gray(150));
                    }
                }
                // Over the shading of what the head's window did not analyse.
                for &(a, b, what) in view.story.iter().filter(|(a, b, _)| *b > f64::from(start) && *a < f64::from(start + PER_ROW)) {
                    let (xa, xb) = (x_of(a), x_of(b));
                    let r = egui::Rect::from_min_max(egui::pos2(xa, band.top() + 2.0), egui::pos2(xb.max(xa + 2.0), band.bottom() - 2.0));
                    painter.rect_stroke(r, 2.0, egui::Stroke::new(1.5, STORY_COLOUR), egui::StrokeKind::Inside);
                    // The name where it fits in its box, else "story", else none (the segment
                    // list names it): a short scene's label must not run over its neighbours.
                    let fits = |text: &str| painter.layout_no_wrap(text.to_string(), label.clone(), STORY_COLOUR).size().x + 6.0 <= r.width();
                    if let Some(text) = [what, "story"].into_iter().find(|t| fits(t)) {
                        painter.text(egui::pos2(r.left() + 3.0, r.center().y), egui::Align2::LEFT_CENTER, text, label.clone(), STORY_COLOUR);
                    }
                }
                // Shot cuts and ends of black: short ticks along the band's top, where edges snap.
                for (times, colour) in [(view.out_of_black, FADE_COLOUR), (cuts, CUT_COLOUR)] {
                    for &c in times.iter().filter(|c| (start as f64..(start + PER_ROW) as f64).contains(c)) {
                        let x = x_of(c);
                        painter.line_segment([egui::pos2(x, band.top()), egui::pos2(x, band.top() + 7.0)], egui::Stroke::new(1.5, colour));
                    }
                }
                let points: Vec<egui::Pos2> = (start..(start + PER_ROW).min(seconds))
                    .filter_map(|t| probability.and_then(|p| p.get(t as usize)).map(|&p| (t, p)))
                    .flat_map(|(t, p)| {
                        let y = band.bottom() - 2.0 - p * (band_h - 4.0);
                        [egui::pos2(x_of(t as f64), y), egui::pos2(x_of(t as f64 + 1.0), y)]
                    })
                    .collect();
                if points.len() > 1 {
                    painter.add(egui::Shape::line(points, egui::Stroke::new(1.5, PROBABILITY_COLOUR)));
                }
            }
            let strip = egui::Rect::from_min_size(rect.min, egui::vec2(avail, cell_h + wave_h + band_h));
            if view.reveal.is_some_and(|t| (start as f64..(start + PER_ROW) as f64).contains(&t)) {
                ui.scroll_to_rect(row, Some(egui::Align::Center));
            }
            if (start as f64..(start + PER_ROW) as f64).contains(&view.playhead_s) {
                if view.follow {
                    // The whole row, its ruler too.
                    ui.scroll_to_rect(row, None);
                }
                let x = x_of(view.playhead_s);
                painter.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, strip.bottom())], egui::Stroke::new(2.0, egui::Color32::WHITE));
            }
            // Ruler: labels at least ~80 px apart, at a round number of seconds, ticks between.
            let (tick, label_every) = [(1, 5), (2, 10), (5, 30), (10, 60), (60, 300), (60, 600), (300, 1800)]
                .into_iter()
                .find(|(_, every)| *every as f32 * cell_w >= 80.0)
                .unwrap_or((600, 3600));
            for s in (0..=PER_ROW).step_by(tick as usize) {
                let t = start + s;
                if t > ruler_end {
                    break;
                }
                // In SMPTE a label's second can begin a little after the clock's (frames counted
                // at the nominal rate): there, so the ruler reads whole labels. One that falls
                // past this row is the next row's.
                let at = (view.tick_time)(t);
                if at >= f64::from(start + PER_ROW) && s < PER_ROW {
                    continue;
                }
                let x = rect.left() + (at - f64::from(start)) as f32 * cell_w;
                // Each row's first second is labelled too (zoomed in, a row spans less than the
                // labels' spacing).
                let major = t % label_every == 0 || (s == 0 && PER_ROW < label_every);
                painter.line_segment(
                    [egui::pos2(x, ruler.bottom() - if major { 6.0 } else { 3.0 }), egui::pos2(x, ruler.bottom())],
                    egui::Stroke::new(1.0, egui::Color32::from_gray(140)),
                );
                if major && s < PER_ROW {
                    // Whole seconds: the milliseconds say nothing on a ruler.
                    let text = (view.time)(at);
                    painter.text(
                        egui::pos2(x + 2.0, ruler.top() + 1.0),
                        egui::Align2::LEFT_TOP,
                        text.strip_suffix(".000").unwrap_or(&text),
                        label.clone(),
                        egui::Color32::from_gray(170),
                    );
                }
            }
            // The time under the pointer: a hairline and its time, as editors show it, over the
            // ruler's ticks and labels (painted after them). On the
            // row the pointer is over: while an edge is dragged, egui calls the row the drag
            // began on hovered wherever the pointer is.
            let over_row = |p: &egui::Pos2| rect.contains(*p) && ui.clip_rect().contains(*p);
            let hover = response.hover_pos().filter(over_row).or_else(|| if view.edge_held { pointer.filter(over_row) } else { None });
            if let Some(pos) = hover {
                let t = geo.time_at(pos.x);
                hover_s = Some(t);
                painter.line_segment([egui::pos2(pos.x, rect.top()), egui::pos2(pos.x, strip.bottom())], egui::Stroke::new(1.0, egui::Color32::from_white_alpha(120)));
                let text = (view.time)(t);
                let galley = painter.layout_no_wrap(text, label.clone(), egui::Color32::WHITE);
                // In the ruler, not over the pictures: there it hid the very frame an edge was
                // dragged onto (an outside trial under Xvfb). On an opaque ground the ruler's width
                // of the ruler's height: the labels under it are hidden, not read through it.
                let at = egui::pos2((pos.x + 4.0).min(rect.right() - galley.size().x - 4.0), ruler.top() + ((ruler_h - galley.size().y) / 2.0).max(0.0));
                let ground = egui::Rect::from_min_max(egui::pos2(at.x - 3.0, ruler.top()), egui::pos2(at.x + galley.size().x + 3.0, ruler.bottom() - 1.0));
                painter.rect_filled(ground, 2.0, egui::Color32::from_gray(12));
                painter.galley(at, galley, egui::Color32::WHITE);
            }
            ui.add_space(6.0);
        }
        if let Some(pos) = drag_pos {
            // The row under the pointer, else the nearest one on screen (above or below them all,
            // or in the gap between two).
            let distance = |r: &egui::Rect| if (r.top()..=r.bottom()).contains(&pos.y) { 0.0 } else { (r.top() - pos.y).abs().min((r.bottom() - pos.y).abs()) };
            if let Some((_, geo)) = rows.iter().min_by(|a, b| distance(&a.0).total_cmp(&distance(&b.0))) {
                // Snap to a shot cut within reach, else where the picture comes out of black,
                // else where the sound comes back after a silence (as `detect` snaps), else to
                // the second grid (the thumbnails); Alt or Shift (or zoomed in to frames): free, to a
                // 25 fps frame.
                let t = geo.time_at(pos.x);
                let reach = (SNAP_PX / cell_w) as f64;
                // A silence that runs to the end of the lane has no end heard: the sound does not
                // come back there.
                let silence_ends: Vec<f64> = match view.wave {
                    Some(w) if !view.snap_cuts_only => {
                        let lane_end = w.levels.len() as f64 * w.step_s;
                        w.silences.iter().map(|s| s.1).filter(|&e| e < lane_end - 1e-9).collect()
                    }
                    _ => Vec::new(),
                };
                let out_of_black: &[f64] = if view.snap_cuts_only { &[] } else { view.out_of_black };
                let cut = snap_target(t, [(cuts, reach), (out_of_black, reach.min(FADE_REACH_S)), (&silence_ends, reach.min(SILENCE_REACH_S))]);
                action = Some(TimelineAction::DragTo(match (free, cut) {
                    (true, _) => (t * 25.0).round() / 25.0,
                    (false, Some(c)) => c,
                    (false, None) if view.frames.is_some() => (t * 25.0).round() / 25.0,
                    (false, None) => t.round(),
                }));
            }
        }
    });
    ui.spacing_mut().scroll = floating;
    Drawn { action, hover_s, visible, rows }
}

/// Where a dragged edge at `t` snaps: the nearest time within its kind's reach of the first kind
/// that has one (cuts, then ends of black, then ends of silences: the order `detect` snaps in, a
/// frame before a 50 ms step of sound).
fn snap_target(t: f64, kinds: [(&[f64], f64); 3]) -> Option<f64> {
    kinds.iter().find_map(|&(times, reach)| times.iter().copied().filter(|c| (c - t).abs() <= reach).min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs())))
}

/// Each kind's colour, the same in the band, the segment line and the legend.
pub(super) fn kind_colour(kind: Kind) -> egui::Color32 {
    match kind {
        Kind::Intro => INTRO_COLOUR,
        Kind::Recap => RECAP_COLOUR,
        Kind::Credits => egui::Color32::from_rgb(200, 120, 220),
        Kind::Preview => egui::Color32::from_rgb(120, 200, 120),
        _ => egui::Color32::from_gray(150),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::Source;

    #[test]
    fn a_dragged_edge_snaps_to_a_cut_before_a_fade_before_a_silence() {
        let (cuts, fades, silences) = ([10.0, 30.0], [20.2, 30.15], [20.1, 40.3, 45.0]);
        let snap = |t| snap_target(t, [(&cuts, 0.5), (&fades, 0.5), (&silences, 0.5)]);
        assert_eq!(snap(10.3), Some(10.0));
        assert_eq!(snap(30.2), Some(30.0), "a cut wins over a nearer end of black");
        assert_eq!(snap(20.0), Some(20.2), "an end of black wins over a nearer end of silence");
        assert_eq!(snap(40.0), Some(40.3), "with no picture edge near, a silence's end");
        assert_eq!(snap(50.0), None, "nothing within reach: the grid");
        // Each kind its own reach: at a coarse zoom the pointer's 10 px span seconds, but an
        // end of silence is never reached further than `detect` reaches for one.
        assert_eq!(snap_target(43.0, [(&cuts, 3.0), (&fades, 1.2), (&silences, 1.2)]), None);
        assert_eq!(snap_target(44.0, [(&cuts, 3.0), (&fades, 1.2), (&silences, 1.2)]), Some(45.0));
    }

    #[test]
    fn the_tail_gets_rows_after_the_head_with_a_gap_only_where_they_do_not_touch() {
        // A 45-minute episode: 180 s of head at 20 s a row, then the tail from 2,650 s.
        let (rows, gap) = super::row_starts(180, 20, Some((2650, 2700)));
        assert_eq!(rows.len(), 9 + 3);
        assert_eq!((rows[8], rows[9], rows[11]), ((160, 180), (2640, 2700), (2680, 2700)));
        assert_eq!(gap, Some(9));
        // A 4-minute episode whose tail starts where the head ends: no gap, no row twice.
        let (rows, gap) = super::row_starts(180, 20, Some((180, 240)));
        assert_eq!((rows.len(), gap), (12, None));
        // A tail starting inside the head's last row (a 300 s window at 180 s a row): that row
        // runs its ruler on, and the tail's rows start after it.
        let (rows, gap) = super::row_starts(300, 180, Some((330, 400)));
        assert_eq!((rows, gap), (vec![(0, 300), (180, 400), (360, 400)], None));
        // No tail: the head's rows alone.
        assert_eq!(super::row_starts(180, 60, None), (vec![(0, 180), (60, 180), (120, 180)], None));
    }

    #[test]
    fn edges_are_found_where_they_are_drawn() {
        let geo = RowGeometry { left: 100.0, cell_w: 20.0, start: 20, per_row: 20 };
        let intro = |a, b| Segment { kind: Kind::Intro, start_ms: a, end_ms: b, source: Source::Predicted, confidence: None };
        let segs = [intro(25_000, 31_000)];
        // 25 s is drawn at x = 100 + 5 × 20.
        assert_eq!(geo.x_of(25.0), 200.0);
        assert_eq!(geo.edge_at(&segs, 200.0), Some((0, true)), "pressed exactly on the edge");
        assert_eq!(geo.edge_at(&segs, 200.0 + EDGE_GRAB_PX), Some((0, true)));
        assert_eq!(geo.edge_at(&segs, 200.0 + EDGE_GRAB_PX + 1.0), None);
        assert_eq!(geo.edge_at(&segs, 318.0), Some((0, false)));
        assert!((geo.time_at(200.0) - 25.0).abs() < 1e-9);
        // Edges on other rows are not on this one.
        assert_eq!(geo.edge_at(&[intro(1_000, 2_000)], 100.0), None);
        // Two edges in reach: the nearer wins.
        let close = [intro(25_000, 25_400)];
        assert_eq!(geo.edge_at(&close, 207.0), Some((0, false)));
    }
}
