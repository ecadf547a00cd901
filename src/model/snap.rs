//! The model places boundaries on the 1 FPS grid (midway between samples), up to half a second
//! from the real edit. Intros start and end on a shot cut far more often than not, so each
//! boundary moves to the shot cut nearest to it within reach, found to the frame
//! ([`crate::video::cuts`]); a boundary with no cut near it (a fade, a cut hidden in motion)
//! stays where the model put it.

use super::{DetectedSegment, Detection};
use crate::error::Result;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How far (seconds) a boundary may move to reach a cut: the grid's half step and a little. A
/// wider reach (1 s was tried) also pulls boundaries the model placed early onto cuts inside the
/// intro.
pub const SNAP_REACH_S: f64 = 0.6;

/// Snaps boundaries, remembering what it found: the app re-judges a season after every episode,
/// and the same boundaries come back many times.
#[derive(Default)]
pub struct Snapper {
    /// (file, boundary in ms) → where it goes (None: no cut within reach).
    found: HashMap<(PathBuf, i64), Option<f64>>,
}

impl Snapper {
    /// Snap every intro and recap boundary of `detection` (except one at 0) to the nearest cut in
    /// `path` within [`SNAP_REACH_S`]. Returns how many moved.
    pub fn snap(&mut self, path: &Path, detection: &mut Detection) -> Result<usize> {
        let mut moved = 0;
        for seg in detection.intros.iter_mut().chain(detection.recaps.iter_mut()) {
            moved += self.snap_segment(path, seg)?;
        }
        Ok(moved)
    }

    /// Snap both edges of one segment (an edge at 0 stays).
    pub fn snap_segment(&mut self, path: &Path, seg: &mut DetectedSegment) -> Result<usize> {
        let mut moved = 0;
        for is_start in [true, false] {
            let b = if is_start { seg.start } else { seg.end };
            if b <= 0.0 {
                continue;
            }
            let key = (path.to_path_buf(), (b * 1000.0).round() as i64);
            let target = match self.found.get(&key) {
                Some(t) => *t,
                None => {
                    let cuts = crate::video::cuts::find_cuts(path, (b - SNAP_REACH_S).max(0.0), b + SNAP_REACH_S)?;
                    let t = cuts.into_iter().filter(|c| (c - b).abs() <= SNAP_REACH_S).min_by(|x, y| (x - b).abs().total_cmp(&(y - b).abs()));
                    self.found.insert(key, t);
                    t
                }
            };
            // Never turn a segment inside out.
            match target {
                Some(c) if is_start && c < seg.end => {
                    seg.start = c;
                    seg.start_by.push(super::Evidence::Cut);
                    moved += 1;
                }
                Some(c) if !is_start && c > seg.start => {
                    seg.end = c;
                    seg.end_by.push(super::Evidence::Cut);
                    moved += 1;
                }
                _ => {}
            }
        }
        Ok(moved)
    }
}
