//! PNG figures for reports: per-episode truth vs prediction vs intro probability (eval), and loss /
//! metric curves (training). Geometry is drawn by plotters' bitmap backend; text by ab_glyph with
//! the system's DejaVu Sans (Debian fonts-dejavu-core), because plotters' own text needs font-kit
//! and fontconfig. Without the font the figures are drawn without labels (and say so once).

use crate::error::{io_error, Error, Result};
use crate::lab::eval::Labels;
use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use plotters::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

const FONT_PATHS: [&str; 2] = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"];

fn font() -> Option<&'static FontVec> {
    static FONT: OnceLock<Option<FontVec>> = OnceLock::new();
    FONT.get_or_init(|| {
        FONT_PATHS.iter().find_map(|p| std::fs::read(p).ok()).and_then(|b| FontVec::try_from_vec(b).ok())
    })
    .as_ref()
}

/// Why figures come without labels, when they do (for the front end to say once).
pub fn missing_font_note() -> Option<&'static str> {
    font().is_none().then_some("DejaVu Sans not found (apt install fonts-dejavu-core); figures have no labels")
}

/// An RGB canvas: plotters draws into it, then we add text and write a PNG.
struct Canvas {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Self {
        Canvas { width, height, rgb: vec![255; (width * height * 3) as usize] }
    }

    fn draw(&mut self, f: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> std::result::Result<(), String>) -> Result<()> {
        let root = BitMapBackend::with_buffer(&mut self.rgb, (self.width, self.height)).into_drawing_area();
        f(&root).map_err(|e| Error::internal(format!("drawing failed: {e}")))?;
        root.present().map_err(|e| Error::internal(format!("drawing failed: {e}")))
    }

    /// Text with its top-left corner at (x, y); `anchor_right` puts its right edge at x instead.
    fn text(&mut self, x: f32, y: f32, size: f32, colour: [u8; 3], s: &str, anchor_right: bool) {
        let Some(font) = font() else { return };
        let scaled = font.as_scaled(PxScale::from(size));
        let width: f32 = s.chars().map(|c| scaled.h_advance(font.glyph_id(c))).sum();
        let mut pen = if anchor_right { x - width } else { x };
        for c in s.chars() {
            let glyph = font.glyph_id(c).with_scale_and_position(size, ab_glyph::point(pen, y + scaled.ascent()));
            pen += scaled.h_advance(font.glyph_id(c));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cov| {
                    let (px, py) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                    if px < 0 || py < 0 || px >= self.width as i32 || py >= self.height as i32 {
                        return;
                    }
                    let i = ((py as u32 * self.width + px as u32) * 3) as usize;
                    for k in 0..3 {
                        let bg = self.rgb[i + k] as f32;
                        self.rgb[i + k] = (bg + (colour[k] as f32 - bg) * cov.min(1.0)).round() as u8;
                    }
                });
            }
        }
    }

    fn save(self, path: &Path) -> Result<()> {
        let img = image::RgbImage::from_raw(self.width, self.height, self.rgb).ok_or_else(|| Error::internal("canvas size mismatch"))?;
        let tmp = path.with_extension("png.tmp");
        img.save_with_format(&tmp, image::ImageFormat::Png).map_err(|e| Error::input(&tmp, format!("cannot write PNG: {e}")))?;
        std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))
    }
}

const INTRO: RGBColor = RGBColor(230, 120, 30);
const TRUTH: RGBColor = RGBColor(40, 140, 60);
const GRID: RGBColor = RGBColor(225, 225, 225);
const AXIS: RGBColor = RGBColor(90, 90, 90);
const CURVE: RGBColor = RGBColor(40, 90, 200);

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// One episode: truth band, predicted band, the per-second intro probability (when known).
pub fn plot_episode(path: &Path, title: &str, window_s: usize, truth: &Labels, pred: &Labels, probability: &[f32]) -> Result<()> {
    let (w, h) = (1200u32, 300u32);
    let (left, right, top) = (110.0f32, 20.0f32, 40.0f32);
    let plot_w = w as f32 - left - right;
    let x = |t: f64| (left + (t / window_s as f64) as f32 * plot_w).round() as i32;
    let (truth_y, pred_y, curve_top, curve_bottom) = (top as i32, top as i32 + 34, top as i32 + 78, h as i32 - 40);
    let mut canvas = Canvas::new(w, h);
    canvas.draw(|root| {
        root.fill(&WHITE).map_err(err)?;
        for t in (0..=window_s).step_by(10) {
            let colour = if t % 30 == 0 { AXIS.mix(0.35) } else { GRID.mix(1.0) };
            root.draw(&PathElement::new(vec![(x(t as f64), truth_y), (x(t as f64), curve_bottom)], colour)).map_err(err)?;
        }
        for (labels, y, colour) in [(truth, truth_y, TRUTH), (pred, pred_y, INTRO)] {
            root.draw(&Rectangle::new([(x(0.0), y), (x(window_s as f64), y + 26)], RGBColor(245, 245, 245).filled())).map_err(err)?;
            for i in &labels.intros {
                let (a, b) = (i.start.clamp(0.0, window_s as f64), i.end.clamp(0.0, window_s as f64));
                if b > a {
                    root.draw(&Rectangle::new([(x(a), y), (x(b), y + 26)], colour.filled())).map_err(err)?;
                }
            }
        }
        root.draw(&Rectangle::new([(x(0.0), curve_top), (x(window_s as f64), curve_bottom)], AXIS.stroke_width(1))).map_err(err)?;
        let half = curve_top + (curve_bottom - curve_top) / 2;
        root.draw(&PathElement::new(vec![(x(0.0), half), (x(window_s as f64), half)], GRID.mix(1.0))).map_err(err)?;
        if !probability.is_empty() {
            let y = |p: f32| curve_bottom - (p.clamp(0.0, 1.0) * (curve_bottom - curve_top) as f32).round() as i32;
            // Each second's probability spans [t, t+1): a step curve, as the mask is scored.
            let mut pts = Vec::with_capacity(probability.len() * 2);
            for (t, &p) in probability.iter().enumerate().take(window_s) {
                pts.push((x(t as f64), y(p)));
                pts.push((x(t as f64 + 1.0), y(p)));
            }
            let mut area = pts.clone();
            area.push((pts.last().map_or(x(0.0), |p| p.0), curve_bottom));
            area.push((x(0.0), curve_bottom));
            root.draw(&Polygon::new(area, CURVE.mix(0.15))).map_err(err)?;
            root.draw(&PathElement::new(pts, CURVE.stroke_width(2))).map_err(err)?;
        }
        Ok(())
    })?;
    canvas.text(left, 10.0, 17.0, [20, 20, 20], title, false);
    canvas.text(left - 10.0, truth_y as f32 + 5.0, 14.0, [40, 40, 40], "truth", true);
    canvas.text(left - 10.0, pred_y as f32 + 5.0, 14.0, [40, 40, 40], "prediction", true);
    canvas.text(left - 10.0, curve_top as f32, 14.0, [40, 40, 40], "P(intro) 1", true);
    canvas.text(left - 10.0, curve_bottom as f32 - 16.0, 14.0, [40, 40, 40], "0", true);
    for t in (0..=window_s).step_by(30) {
        canvas.text(x(t as f64) as f32 - 8.0, curve_bottom as f32 + 6.0, 13.0, [60, 60, 60], &format!("{}:{:02}", t / 60, t % 60), false);
    }
    canvas.text(w as f32 - right, curve_bottom as f32 + 22.0, 12.0, [100, 100, 100], "time (m:ss)", true);
    canvas.save(path)
}

/// A named series of (x, y) points for [`plot_curves`].
pub struct Curve<'a> {
    pub name: &'a str,
    pub points: Vec<(f64, f64)>,
    pub colour: (u8, u8, u8),
}

/// Line curves on a shared x axis (training: loss per epoch, dev F1 per epoch).
pub fn plot_curves(path: &Path, title: &str, x_label: &str, curves: &[Curve<'_>]) -> Result<()> {
    let (w, h) = (900u32, 420u32);
    let (left, right, top, bottom) = (70.0f32, 160.0f32, 40.0f32, 40.0f32);
    let all: Vec<(f64, f64)> = curves.iter().flat_map(|c| c.points.iter().copied()).filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
    if all.is_empty() {
        return Err(Error::internal("nothing to plot"));
    }
    let (x0, x1) = all.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = all.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (y0, y1) = (y0.min(0.0), if y1 > y0.min(0.0) { y1 * 1.05 } else { 1.0 });
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let (pw, ph) = (w as f32 - left - right, h as f32 - top - bottom);
    let px = |v: f64| (left + ((v - x0) / (x1 - x0)) as f32 * pw).round() as i32;
    let py = |v: f64| (top + ph - ((v - y0) / (y1 - y0)) as f32 * ph).round() as i32;
    let mut canvas = Canvas::new(w, h);
    canvas.draw(|root| {
        root.fill(&WHITE).map_err(err)?;
        for k in 0..=4 {
            let v = y0 + (y1 - y0) * k as f64 / 4.0;
            root.draw(&PathElement::new(vec![(px(x0), py(v)), (px(x1), py(v))], GRID.mix(1.0))).map_err(err)?;
        }
        root.draw(&Rectangle::new([(px(x0), py(y1)), (px(x1), py(y0))], AXIS.stroke_width(1))).map_err(err)?;
        for c in curves {
            let colour = RGBColor(c.colour.0, c.colour.1, c.colour.2);
            let pts: Vec<(i32, i32)> = c.points.iter().filter(|p| p.1.is_finite()).map(|&(a, b)| (px(a), py(b))).collect();
            root.draw(&PathElement::new(pts, colour.stroke_width(2))).map_err(err)?;
        }
        for (i, c) in curves.iter().enumerate() {
            let y = top as i32 + 10 + 22 * i as i32;
            let colour = RGBColor(c.colour.0, c.colour.1, c.colour.2);
            root.draw(&Rectangle::new([(w as i32 - right as i32 + 12, y), (w as i32 - right as i32 + 32, y + 4)], colour.filled())).map_err(err)?;
        }
        Ok(())
    })?;
    canvas.text(left, 10.0, 17.0, [20, 20, 20], title, false);
    for (i, c) in curves.iter().enumerate() {
        canvas.text(w as f32 - right + 38.0, top + 3.0 + 22.0 * i as f32, 13.0, [40, 40, 40], c.name, false);
    }
    for k in 0..=4 {
        let v = y0 + (y1 - y0) * k as f64 / 4.0;
        canvas.text(left - 6.0, py(v) as f32 - 8.0, 12.0, [60, 60, 60], &format!("{v:.3}"), true);
    }
    for k in 0..=4 {
        let v = x0 + (x1 - x0) * k as f64 / 4.0;
        canvas.text(px(v) as f32 - 6.0, h as f32 - bottom + 6.0, 12.0, [60, 60, 60], &format!("{v:.0}"), false);
    }
    canvas.text(w as f32 - right, h as f32 - bottom + 22.0, 12.0, [100, 100, 100], x_label, true);
    canvas.save(path)
}
