//! Shot cuts at frame precision, for snapping segment edges: intros begin and end on a cut far
//! more often than between two. Every frame of a short stretch is decoded, shrunk to a 64×36 grey
//! image, and a cut is a frame that differs from the one before far more than its neighbours do
//! from theirs (motion and flashes are local; a cut changes everything at once). The same pass
//! finds where the picture comes back out of black (a fade's end, the end of a black leader): the
//! edge to snap to where no cut is near.

use crate::error::{Error, Result};
use ffmpeg_next as ffmpeg;
use std::path::Path;

const W: u32 = 64;
const H: u32 = 36;

/// Times (seconds, the video's clock as in [`super::frames::FrameReader`]) of the first frame of
/// each new shot in `[from_s, to_s]`.
pub fn find_cuts(path: &Path, from_s: f64, to_s: f64) -> Result<Vec<f64>> {
    find_cuts_with(path, from_s, to_s, false)
}

/// [`find_cuts`], or with `exact` every frame from the keyframe on decoded in full (the way it
/// was done before 2026-12-01: `bench detect`'s baseline, and the test that both find the same
/// cuts).
pub fn find_cuts_with(path: &Path, from_s: f64, to_s: f64, exact: bool) -> Result<Vec<f64>> {
    Ok(find_edges_with(path, from_s, to_s, exact)?.cuts)
}

/// The picture's edges in a short stretch, found to the frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edges {
    /// The first frame of each new shot.
    pub cuts: Vec<f64>,
    /// The first frame that is not black after one or more black frames: where a fade from black
    /// or a black leader ends and the next picture begins.
    pub out_of_black: Vec<f64>,
    /// The first black frame after one that is not: where a fade to black, or a cut to black,
    /// reaches black.
    pub into_black: Vec<f64>,
    /// Each frame compared, with its mean grey level (0–255, on the small grey picture): tells
    /// a shot that fades to black from one that begins dark.
    pub levels: Vec<(f64, f32)>,
}

/// [`Edges`] in `[from_s, to_s]` (decoded as [`find_cuts`] does).
pub fn find_edges(path: &Path, from_s: f64, to_s: f64) -> Result<Edges> {
    find_edges_with(path, from_s, to_s, false)
}

fn find_edges_with(path: &Path, from_s: f64, to_s: f64, exact: bool) -> Result<Edges> {
    let mut opened = super::open(path)?;
    let index = opened.video_index;
    let stream = opened.input.stream(index).expect("index from this input");
    let tb = f64::from(stream.time_base());
    let origin = if stream.start_time() != ffmpeg::ffi::AV_NOPTS_VALUE { stream.start_time() } else { 0 };
    let ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).map_err(|e| Error::input(path, format!("cannot set up the decoder: {e}")))?;
    let mut decoder = ctx.decoder().video().map_err(|e| Error::input(path, format!("no decoder for this video codec ({e})")))?;
    decoder.set_packet_time_base(stream.time_base());
    // Where x264 says it predicts from one reference (read from this input before it seeks), a
    // B-frame whose group's anchor is shown before `lead` serves only frames shown before it
    // too: the group goes whole, references included (`x264::single_reference_x264`).
    let one_reference = !exact && decoder.id() == ffmpeg::codec::Id::H264 && super::x264::single_reference_x264_in(&mut opened);
    let from_s = from_s.max(0.0);
    let target = origin.saturating_add(((from_s - 0.1).max(0.0) / tb) as i64);
    if unsafe { ffmpeg::ffi::av_seek_frame(opened.input.as_mut_ptr(), index as i32, target, ffmpeg::ffi::AVSEEK_FLAG_BACKWARD) } < 0 {
        return Err(Error::input(path, "cannot seek in this file"));
    }
    // Two savings where the codec allows them (H.264; MPEG-2 has no loop filter): a frame shown
    // before `lead` is compared with nothing that decides a cut in [from_s, to_s] (neighbours
    // count half a second either side), so one that no other frame references is not decoded;
    // and for H.264 the in-loop deblocking is skipped, which a 64×36 grey picture barely sees
    // (not exact: the references drift a little, so the test holds the cuts to full decoding on
    // real footage at a low quality). HEVC's "non-reference" frames can be referenced across
    // temporal sub-layers, so other codecs are decoded in full.
    let codec = decoder.id();
    let skips = !exact && matches!(codec, ffmpeg::codec::Id::H264 | ffmpeg::codec::Id::MPEG2VIDEO | ffmpeg::codec::Id::MPEG1VIDEO);
    if skips && codec == ffmpeg::codec::Id::H264 {
        decoder.skip_loop_filter(ffmpeg::Discard::All);
    }
    let lead = if skips { from_s - 0.7 } else { f64::NEG_INFINITY };
    let lead_pts = origin.saturating_add((lead / tb).floor() as i64);
    let groups = skips && codec == ffmpeg::codec::Id::H264 && one_reference;
    // The latest presentation time sent: a frame shown before it is a B-frame of its group.
    let mut anchor: Option<i64> = None;
    let mut scaler: Option<(ffmpeg::format::Pixel, u32, u32, ffmpeg::software::scaling::Context)> = None;
    // (time, mean absolute difference to the previous frame)
    let mut diffs: Vec<(f64, f64)> = Vec::new();
    // Frames that follow a black frame (among those compared) and are not black themselves.
    let mut out_of_black: Vec<f64> = Vec::new();
    let mut into_black: Vec<f64> = Vec::new();
    let mut levels: Vec<(f64, f32)> = Vec::new();
    let mut previous: Option<Vec<u8>> = None;
    let mut frame = ffmpeg::frame::Video::empty();
    let mut grey = ffmpeg::frame::Video::empty();
    let mut eof = false;
    // Whether frames before `lead` were passed over, and the first frame kept after them.
    let (mut dropped, mut first_kept) = (false, None::<f64>);
    loop {
        if decoder.receive_frame(&mut frame).is_err() {
            if eof {
                break;
            }
            let mut packet = ffmpeg::Packet::empty();
            match packet.read(&mut opened.input) {
                Ok(()) if packet.stream() == index => {
                    let before = lead.is_finite() && packet.pts().is_some_and(|p| p < lead_pts);
                    dropped |= before;
                    let group = groups && before && packet.pts().zip(anchor).is_some_and(|(p, a)| p < a && a < lead_pts);
                    if let Some(p) = packet.pts() {
                        anchor = Some(anchor.map_or(p, |a| a.max(p)));
                    }
                    decoder.skip_frame(super::unseen_discard(group, before));
                    let _ = decoder.send_packet(&packet);
                }
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => {
                    eof = true;
                    let _ = decoder.send_eof();
                }
                Err(e) => return Err(Error::input(path, format!("read error: {e}"))),
            }
            continue;
        }
        let t = (frame.timestamp().or(frame.pts()).unwrap_or(0) as i128 - origin as i128) as f64 * tb;
        if t > to_s + 1e-6 {
            break;
        }
        if t < lead {
            previous = None;
            dropped = true;
            continue;
        }
        first_kept.get_or_insert(t);
        let key = (frame.format(), frame.width(), frame.height());
        if scaler.as_ref().is_none_or(|(f, w, h, _)| (*f, *w, *h) != key) {
            let ctx = ffmpeg::software::scaling::Context::get(key.0, key.1, key.2, ffmpeg::format::Pixel::GRAY8, W, H, ffmpeg::software::scaling::Flags::AREA)
                .map_err(|e| Error::input(path, format!("cannot scale its frames ({e})")))?;
            scaler = Some((key.0, key.1, key.2, ctx));
        }
        let (_, _, _, ctx) = scaler.as_mut().expect("set above");
        ctx.run(&frame, &mut grey).map_err(|e| Error::input(path, format!("cannot scale its frames ({e})")))?;
        let stride = grey.stride(0);
        let pixels: Vec<u8> = (0..H as usize).flat_map(|y| grey.data(0)[y * stride..y * stride + W as usize].to_vec()).collect();
        levels.push((t, pixels.iter().map(|&p| f32::from(p)).sum::<f32>() / pixels.len().max(1) as f32));
        if let Some(prev) = &previous {
            let sad: u64 = prev.iter().zip(&pixels).map(|(a, b)| u64::from(a.abs_diff(*b))).sum();
            diffs.push((t, sad as f64 / pixels.len() as f64));
            match (is_black(prev), is_black(&pixels)) {
                (true, false) => out_of_black.push(t),
                (false, true) => into_black.push(t),
                _ => {}
            }
        }
        previous = Some(pixels);
    }
    // The first frame kept has no difference (its predecessor may not have been decoded): exact
    // only where it is shown more than half a second before the stretch. A gap in the frames
    // (a low or variable frame rate) puts it later; then decode in full.
    if dropped && first_kept.is_none_or(|f| f >= from_s - 0.5) {
        return find_edges_with(path, from_s, to_s, true);
    }
    let inside = |t: &f64| (from_s - 1e-6..=to_s + 1e-6).contains(t);
    Ok(Edges {
        cuts: pick_cuts(&diffs).into_iter().filter(inside).collect(),
        out_of_black: out_of_black.into_iter().filter(inside).collect(),
        into_black: into_black.into_iter().filter(inside).collect(),
        levels: levels.into_iter().filter(|(t, _)| inside(t)).collect(),
    })
}

/// A 64×36 grey picture is black when nearly all of it is at black level (16 in the limited
/// range most video uses, 0 in full range): 95 % of it, so that a channel's logo in a corner
/// does not make a black card a picture, while the first frame of a fade from black (about a
/// tenth of the picture's brightness) already counts as picture.
fn is_black(pixels: &[u8]) -> bool {
    const LEVEL: u8 = 28;
    let dark = pixels.iter().filter(|&&p| p <= LEVEL).count();
    dark * 100 >= pixels.len() * 95
}

/// A frame is a cut when its change is large in absolute terms (grey levels) and several times
/// the largest change among its neighbours (half a second either side, the cut itself excluded).
/// A neighbour with a still picture between it and the frame (three frames or more that barely
/// change) is another event, not this one's motion: a title card held to its cut and a shot
/// 0.3 s after it are two cuts, where the second hid the first (the demo's S01E02 intro ended
/// 0.5 s early so). A flash, whose change in and out are next to each other, still is none.
fn pick_cuts(diffs: &[(f64, f64)]) -> Vec<f64> {
    const MIN_LEVELS: f64 = 12.0;
    const RATIO: f64 = 3.0;
    const STILL: f64 = 1.0;
    const STILL_RUN: usize = 3;
    let mut cuts = Vec::new();
    for (i, &(t, d)) in diffs.iter().enumerate() {
        if d < MIN_LEVELS {
            continue;
        }
        // Whether frames i and j are parted by a still run.
        let parted = |j: usize| {
            let (a, b) = if j < i { (j + 1, i) } else { (i + 1, j) };
            let mut run = 0;
            diffs[a..b].iter().any(|(_, e)| {
                run = if *e < STILL { run + 1 } else { 0 };
                run >= STILL_RUN
            })
        };
        let around = diffs.iter().enumerate().filter(|(j, (u, _))| *j != i && (u - t).abs() <= 0.5 && !parted(*j)).map(|(_, (_, e))| *e).fold(0.0, f64::max);
        if d >= RATIO * around.max(1.0) {
            cuts.push(t);
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    #[test]
    fn black_is_nearly_all_black_level_even_with_a_logo() {
        let mut card = vec![16u8; 64 * 36];
        assert!(super::is_black(&card), "limited-range black");
        assert!(super::is_black(&[0u8; 64 * 36]), "full-range black");
        card[..90].fill(235); // a logo on 4 % of the picture
        assert!(!super::is_black(&[40u8; 64 * 36]), "a dark scene is picture");
        assert!(super::is_black(&card), "a logo on black is still black");
        card[..300].fill(235); // text across 13 %
        assert!(!super::is_black(&card), "a title on black is picture");
    }

    #[test]
    fn a_cut_stands_out_from_motion_and_noise_does_not() {
        let mut diffs: Vec<(f64, f64)> = (0..50).map(|i| (i as f64 / 25.0, 2.0 + (i % 3) as f64)).collect();
        diffs[20].1 = 60.0; // a cut
        diffs[35].1 = 14.0; // a flash among busy motion
        diffs[34].1 = 10.0;
        diffs[36].1 = 9.0;
        assert_eq!(super::pick_cuts(&diffs), vec![0.8]);
    }

    #[test]
    fn a_card_held_to_its_cut_and_a_shot_just_after_are_two_cuts_and_a_flash_none() {
        // The demo's S01E02 at 25 fps: a still title card, its cut at 50.0 s (112 levels), seven
        // still frames, the next shot's cut at 50.32 s (47 levels), then motion.
        let mut diffs: Vec<(f64, f64)> = (0..40).map(|i| (49.4 + i as f64 * 0.04, 0.0)).collect();
        diffs[15].1 = 112.0;
        for d in &mut diffs[16..23] {
            d.1 = 0.08;
        }
        diffs[23].1 = 47.0;
        for d in &mut diffs[24..] {
            d.1 = 5.0;
        }
        let cuts = super::pick_cuts(&diffs);
        assert_eq!(cuts.len(), 2, "{cuts:?}");
        assert!((cuts[0] - 50.0).abs() < 1e-9 && (cuts[1] - 50.32).abs() < 1e-9, "{cuts:?}");
        // A one-frame flash in a still shot: its change in and out, side by side, are no cut.
        let mut flash: Vec<(f64, f64)> = (0..40).map(|i| (i as f64 * 0.04, 0.2)).collect();
        flash[20].1 = 80.0;
        flash[21].1 = 80.0;
        assert!(super::pick_cuts(&flash).is_empty());
    }
}
