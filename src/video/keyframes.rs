//! A quick look at a stretch of a file through its keyframes alone: each one decodes on its own
//! (no reference chain), so ten minutes of a 1080p episode cost a few hundred intra frames
//! instead of every frame the 1 FPS sampler needs. The tail's coarse pass: where on-screen text
//! may be credits, before the 1 FPS sampler looks closely there.

use super::probe::stream_rotation;
use super::convert::Converter;
use crate::error::{Error, Result};
use ffmpeg_next as ffmpeg;
use image::RgbImage;
use std::path::Path;

/// Keyframes this long before the start are not decoded (the longest usual GOP is 10 s).
const LEAD_S: f64 = 20.0;

/// Stretches shorter than this are not split between cores.
const SPLIT_ABOVE_S: f64 = 60.0;

/// Which keyframes [`keyframes`] decodes.
#[derive(Clone, Copy, Debug)]
pub struct Pick<'a> {
    /// At most this many (evenly thinned when there are more).
    pub limit: usize,
    /// One shown less than this after the last one decoded is passed over undecoded where the
    /// next comes less than twice this after that last one (the scene-cut keyframes of busy
    /// footage, 1–2 s apart, cost as much as the ones that matter); otherwise it is decoded.
    pub min_gap_s: f64,
    /// Those shown at these times (seconds) are passed over: already decoded by an earlier call.
    pub known: &'a [f64],
}

impl Pick<'_> {
    /// Every keyframe, up to `limit`.
    pub fn all(limit: usize) -> Self {
        Pick { limit, min_gap_s: 0.0, known: &[] }
    }
}

/// The keyframes shown in `[start_s, end_s)`: (time in seconds from the file's start, the frame
/// `height` pixels high), in order, those `pick` chooses. A long stretch is cut into one part per
/// core, each read and decoded by its own thread. With `lead`, the keyframe on screen at
/// `start_s` stands for that moment (timed `start_s`); without, only keyframes from `start_s` on
/// (a stretch read after the one before it). `go` is asked at each packet: false stops every
/// part ([`Error::Cancelled`]).
pub fn keyframes(path: &Path, start_s: f64, end_s: f64, height: u32, pick: Pick<'_>, lead: bool, go: &(dyn Fn() -> bool + Sync)) -> Result<Vec<(f64, RgbImage)>> {
    let Pick { limit, min_gap_s, known } = pick;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = if end_s - start_s > SPLIT_ABOVE_S { cores.clamp(1, 4) } else { 1 };
    let bounds: Vec<f64> = (0..=parts).map(|i| start_s + (end_s - start_s) * i as f64 / parts as f64).collect();
    // Where the container's index lists more keyframes in the stretch than `limit` (a Blu-ray's
    // 1 s GOPs: 600 in a 10-minute tail), a keyframe nearer the last one decoded than this is
    // passed over undecoded (as [`Pick::min_gap_s`] says: where the next comes within twice
    // this), rather than decoded and then thinned away below. Spaced so that with one more per
    // part the count stays within `limit` (two decoded closer than this are followed by one
    // twice this after the first; what is still over is thinned below).
    let gap_s = skip_gap(path, start_s, end_s, limit, parts);
    let mut out = Vec::new();
    let results: Vec<Result<Vec<(f64, RgbImage)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .windows(2)
            .enumerate()
            // Only the first part (with `lead`) stands a keyframe before its start in for the
            // start: a later part's is already its predecessor's last, at its own time.
            // A part whose thread the system refuses is read here, after the others.
            .map(|(i, w)| (i, [w[0], w[1]], std::thread::Builder::new().name("introskip-keyframes".into()).spawn_scoped(scope, move || keyframes_in(path, w[0], w[1], height, lead && i == 0, (gap_s, min_gap_s), known, go)).ok()))
            .collect();
        handles
            .into_iter()
            .map(|(i, w, h)| match h {
                Some(h) => h.join().unwrap_or_else(|_| Err(Error::input(path, "the keyframe reader stopped unexpectedly"))),
                None => keyframes_in(path, w[0], w[1], height, lead && i == 0, (gap_s, min_gap_s), known, go),
            })
            .collect()
    });
    for part in results {
        out.extend(part?);
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    // The keyframe before the start stands for the start; later ones keep their time.
    out.dedup_by(|b, a| a.0 == b.0);
    if out.len() > limit && limit > 0 {
        let stride = out.len().div_ceil(limit);
        out = out.into_iter().step_by(stride).collect();
    }
    Ok(out)
}

/// The gap below which [`keyframes_in`] passes over a keyframe, for at most `limit` keyframes
/// read in `parts` parts: 0 where the index lists no more than `limit`, or none.
fn skip_gap(path: &Path, start_s: f64, end_s: f64, limit: usize, parts: usize) -> f64 {
    match listed(path, start_s, end_s) {
        Some(n) if limit > 0 && n > limit => (end_s - start_s) / limit.saturating_sub(parts + 1).max(1) as f64,
        _ => 0.0,
    }
}

/// How many keyframes the container's index lists in `[start_s, end_s)`; None where it lists
/// none (a transport stream has no index) or the file does not open.
fn listed(path: &Path, start_s: f64, end_s: f64) -> Option<usize> {
    let opened = super::open(path).ok()?;
    let stream = opened.input.stream(opened.video_index)?;
    let tb = f64::from(stream.time_base());
    let origin = if stream.start_time() != ffmpeg::ffi::AV_NOPTS_VALUE { stream.start_time() } else { 0 };
    let listed = super::probe::keyframes(&stream);
    let n = listed.iter().map(|&pts| (pts as i128 - origin as i128) as f64 * tb).filter(|t| (start_s..end_s).contains(t)).count();
    (!listed.is_empty() && tb > 0.0).then_some(n)
}

/// A file's video stream as both readers here take it: where its times start, in what units,
/// how to set up its decoder, and a converter for its pixel aspect and rotation.
struct Stream {
    opened: super::Opened,
    index: usize,
    tb: ffmpeg::Rational,
    origin: i64,
    params: ffmpeg::codec::Parameters,
    converter: Converter,
}

impl Stream {
    fn open(path: &Path) -> Result<Self> {
        let opened = super::open(path)?;
        let index = opened.video_index;
        let (tb, origin, params, sar, rotation) = {
            let stream = opened.input.stream(index).expect("index from this input");
            let tb = stream.time_base();
            let origin = if stream.start_time() != ffmpeg::ffi::AV_NOPTS_VALUE { stream.start_time() } else { 0 };
            let p = unsafe { &*stream.parameters().as_ptr() };
            (tb, origin, stream.parameters(), (p.sample_aspect_ratio.num, p.sample_aspect_ratio.den), stream_rotation(&stream))
        };
        if tb.numerator() <= 0 || tb.denominator() <= 0 {
            return Err(Error::input(path, "video stream has no valid time base"));
        }
        // An unknown aspect (0/1: common in VP9, AV1, HEVC) is square pixels, as the sampler
        // reads it; taken raw (0/1) it made every keyframe one pixel wide.
        let sar = if sar.0 > 0 && sar.1 > 0 { sar } else { (1, 1) };
        Ok(Stream { opened, index, tb, origin, params, converter: Converter::new(sar, rotation) })
    }
}

/// The frames shown at `times` (ascending, seconds), each `height` pixels high: one seek to the
/// keyframe at or before the first, then every frame decoded in full on to the last (the
/// deblocking skipped over a chain of 100 frames could drift into lines the text cue sees).
/// Each time gets the first frame shown at or after it; times past the file's last frame get
/// none. For a look between two keyframes where they are far apart (the tail's coarse pass,
/// [`crate::model::credits::coarse_credits`]). `go` is asked at each frame.
pub fn frames_shown_at(path: &Path, times: &[f64], height: u32, go: &(dyn Fn() -> bool + Sync)) -> Result<Vec<(f64, RgbImage)>> {
    let Some(&first) = times.first() else { return Ok(Vec::new()) };
    let Stream { mut opened, index, tb, origin, params, mut converter } = Stream::open(path)?;
    let seconds = |pts: i64| (pts as i128 - origin as i128) as f64 * f64::from(tb);
    let mut decoder = ffmpeg::codec::context::Context::from_parameters(params)
        .and_then(|ctx| ctx.decoder().video())
        .map_err(|e| Error::input(path, format!("no decoder for this video ({e})")))?;
    // A keyframe's own time (a tick's float error below its pts would seek a GOP further back).
    let target = origin.saturating_add((first / f64::from(tb) + 1e-3).floor() as i64);
    if unsafe { ffmpeg::ffi::av_seek_frame(opened.input.as_mut_ptr(), index as i32, target, ffmpeg::ffi::AVSEEK_FLAG_BACKWARD) } < 0 {
        return Err(Error::input(path, "cannot seek in this file"));
    }
    let mut out = Vec::new();
    let mut frame = ffmpeg::frame::Video::empty();
    let mut eof = false;
    while out.len() < times.len() {
        if !go() {
            return Err(Error::Cancelled);
        }
        if !super::receive_next(&mut opened.input, index, &mut decoder, &mut frame, &mut eof, path)? {
            break;
        }
        let Some(pts) = frame.timestamp().or(frame.pts()) else { continue };
        let t = seconds(pts);
        // One frame may stand for several times (a frame held longer than their spacing).
        while out.len() < times.len() && t >= times[out.len()] {
            out.push((t, converter.to_rgb_height(&frame, height)?));
        }
    }
    Ok(out)
}

/// [`keyframes`] of one part, by one thread, unthinned but for keyframes nearer than the larger
/// of `gaps` (the limit's, [`Pick::min_gap_s`]) to the last one decoded, passed over as
/// [`Pick::min_gap_s`] says (0: none passed over); `lead` keeps the keyframe on screen at
/// `start_s` (timed `start_s`), otherwise only keyframes from `start_s` on are kept; those
/// shown at a time in `known` are passed over, and those [`Pick::min_gap_s`] chooses (`gaps`:
/// the limit's gap, then that one).
#[allow(clippy::too_many_arguments)]
fn keyframes_in(path: &Path, start_s: f64, end_s: f64, height: u32, lead: bool, gaps: (f64, f64), known: &[f64], go: &(dyn Fn() -> bool + Sync)) -> Result<Vec<(f64, RgbImage)>> {
    let Stream { mut opened, index, tb, origin, params, mut converter } = Stream::open(path)?;
    let seconds = |pts: i64| (pts as i128 - origin as i128) as f64 * f64::from(tb);
    let mut ctx = ffmpeg::codec::context::Context::from_parameters(params).map_err(|e| Error::input(path, format!("cannot set up the video decoder: {e}")))?;
    ctx.set_threading(ffmpeg::codec::threading::Config { kind: ffmpeg::codec::threading::Type::Frame, count: 1, ..Default::default() });
    let mut decoder = ctx.decoder().video().map_err(|e| Error::input(path, format!("no decoder for this video ({e})")))?;
    decoder.skip_frame(ffmpeg::Discard::NonKey);
    // A coarse look at 144-pixel pictures: what the deblocking filter changes is negligible there.
    decoder.skip_loop_filter(ffmpeg::Discard::All);
    let target = origin.saturating_add((start_s / f64::from(tb)).floor() as i64);
    unsafe {
        // Backward: the keyframe at or before the start, so a frame on screen at `start_s` counts.
        ffmpeg::ffi::av_seek_frame(opened.input.as_mut_ptr(), index as i32, target, ffmpeg::ffi::AVSEEK_FLAG_BACKWARD);
    }
    // The limit's gap and the caller's, one rule for both: a keyframe passed over for the
    // limit's gap with no look ahead left 10 s of credits undecoded there too.
    let min_gap_s = gaps.0.max(gaps.1);
    let mut out = Vec::new();
    let mut frame = ffmpeg::frame::Video::empty();
    // When the last keyframe sent to the decoder was shown.
    let mut sent: Option<f64> = None;
    // A keyframe shown less than `min_gap_s` after the last one decoded waits here: passed over
    // where the next keyframe comes less than twice that after the last one decoded, else
    // decoded. So no more than 2 × `min_gap_s` passes without a keyframe decoded where the file
    // has one: the cut into short credits is never passed over for a keyframe 10 s on.
    let mut waiting: Option<(ffmpeg::Packet, f64)> = None;
    let mut take = |decoder: &mut ffmpeg::decoder::Video, out: &mut Vec<(f64, RgbImage)>| -> Result<()> {
        while decoder.receive_frame(&mut frame).is_ok() {
            let Some(pts) = frame.timestamp().or(frame.pts()) else { continue };
            let t = seconds(pts);
            if t >= end_s || (!lead && t < start_s) {
                continue;
            }
            out.push((t.max(start_s), converter.to_rgb_height(&frame, height)?));
        }
        Ok(())
    };
    loop {
        if !go() {
            return Err(Error::Cancelled);
        }
        let mut packet = ffmpeg::Packet::empty();
        match packet.read(&mut opened.input) {
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => break,
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::util::error::EAGAIN => continue,
            Err(_) => break, // a damaged file: what was read is what there is
        }
        if packet.stream() != index || !packet.is_key() {
            continue;
        }
        let at = packet.pts().or(packet.dts()).map(seconds);
        if let Some((waited, shown)) = waiting.take() {
            if !at.is_some_and(|t| t < sent.unwrap_or(shown) + 2.0 * min_gap_s) {
                sent = Some(shown);
                let _ = decoder.send_packet(&waited);
                take(&mut decoder, &mut out)?;
            }
        }
        if at.is_some_and(|t| t >= end_s) {
            break;
        }
        // Where seeking failed (or landed far back), keyframes long before the start are read
        // past, not decoded: only the last one or two before it can still be on screen there.
        if at.is_some_and(|t| t < start_s - LEAD_S || (!lead && t < start_s)) {
            continue;
        }
        if at.is_some_and(|t| known.iter().any(|&k| (k - t).abs() < 1e-6)) {
            continue;
        }
        if let Some((t, _)) = at.zip(sent).filter(|&(t, last)| min_gap_s > 0.0 && t >= last && t < last + min_gap_s) {
            waiting = Some((packet, t));
            continue;
        }
        sent = at.or(sent);
        let _ = decoder.send_packet(&packet);
        take(&mut decoder, &mut out)?;
    }
    // The file ended (or could not be read on) with one waiting: decoded where the stretch goes
    // on long enough after the last one decoded.
    if let Some((waited, shown)) = waiting.take() {
        if end_s >= sent.unwrap_or(shown) + 2.0 * min_gap_s {
            let _ = decoder.send_packet(&waited);
            take(&mut decoder, &mut out)?;
        }
    }
    let _ = decoder.send_eof();
    take(&mut decoder, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `file` made by ffmpeg from the lavfi `graph`, encoded by x264 with `x264` options.
    fn clip(file: &Path, graph: &str, x264: &[&str]) {
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-f", "lavfi", "-i", graph, "-c:v", "libx264"]).args(x264).arg(file).status().unwrap().success();
        assert!(ok, "ffmpeg could not make the test clip");
    }

    #[test]
    fn a_keyframe_shrunk_in_one_step_matches_the_full_size_picture_thumbnailed() {
        // Credits-like lines over footage in 1080p: the coarse pass's picture made by swscale
        // straight from YUV, against the full-size RGB picture shrunk the Pillow way (the path
        // before 2026-12-05), square and anamorphic, upright and turned a quarter.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("card.mp4");
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let graph = format!("testsrc2=s=1920x1080:r=25:d=1,drawbox=y=300:h=500:color=black@0.8:t=fill,drawtext=fontfile={font}:text='Directed by':fontcolor=white:fontsize=64:x=(w-tw)/2:y=380,drawtext=fontfile={font}:text='HUGO ITO':fontcolor=white:fontsize=64:x=(w-tw)/2:y=520,format=yuv420p");
        clip(&file, &graph, &["-preset", "ultrafast", "-crf", "10"]);
        let (_, frame) = crate::video::frames::FrameReader::open(&file).unwrap().decode_next().unwrap().expect("a frame");
        let height = crate::features::picture::TEXT_HEIGHT;
        for (sar, rotation) in [((1, 1), 0), ((4, 3), 0), ((1, 1), 90), ((1, 1), 270)] {
            let full = Converter::new(sar, rotation).to_rgb(&frame).unwrap();
            let reference = crate::image_ops::thumbnail(&full, height.min(full.height()));
            let shrunk = Converter::new(sar, rotation).to_rgb_height(&frame, height).unwrap();
            assert_eq!(shrunk.dimensions(), reference.dimensions(), "sar {sar:?}, rotation {rotation}");
            // Brightness, which the coarse pass reads: swscale's filter is Pillow's triangle, not
            // its exact weights, and it shrinks the half-size chroma planes on their own.
            let luma = |p: &image::Rgb<u8>| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]);
            let diff: f64 = shrunk.pixels().zip(reference.pixels()).map(|(a, b)| (luma(a) - luma(b)).abs()).sum::<f64>() / f64::from(shrunk.width() * shrunk.height());
            // 1.03 levels at most on this detailed picture (2026-12-05, FFmpeg 5.1).
            assert!(diff <= 2.0, "sar {sar:?}, rotation {rotation}: mean brightness difference {diff:.2} levels");
            // What the coarse pass reads from them: the same lines of text, the same darkness.
            if rotation == 0 {
                let (a, b) = (crate::features::picture::text_cue(&shrunk), crate::features::picture::text_cue(&reference));
                assert_eq!(a.lines, b.lines, "sar {sar:?}");
                assert!(a.lines >= 2, "the two lines are seen: {}", a.lines);
            }
            let (a, b) = (crate::features::picture::centre_luma(&shrunk).0, crate::features::picture::centre_luma(&reference).0);
            assert!((a - b).abs() <= 0.01 * b.abs().max(1.0), "centre luma {a} against {b}");
        }
        // The pass itself, and stopped when asked (the app moved on): nothing half-read returned.
        let seen = keyframes(&file, 0.0, 1.0, height, Pick::all(10), true, &|| true).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].1.dimensions(), (256, 144));
        assert!(matches!(keyframes(&file, 0.0, 1.0, height, Pick::all(10), true, &|| false), Err(Error::Cancelled)));
    }

    #[test]
    fn frames_between_keyframes_are_the_pictures_shown_then() {
        // 12 s with one keyframe (x264 over a still picture): a name at one height for 3 s, then
        // two names lower down. The frames at 1 s and 4 s (and none past the end).
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("names.mp4");
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let graph = format!("color=black:s=1280x720:r=25:d=12,drawtext=fontfile={font}:text='ADA LOVELACE':fontcolor=white:fontsize=48:x=100:y=100:enable='lt(t,3)',drawtext=fontfile={font}:text='HUGO ITO':fontcolor=white:fontsize=48:x=100:y=400:enable='gte(t,3)',drawtext=fontfile={font}:text='CORA DIAZ':fontcolor=white:fontsize=48:x=100:y=520:enable='gte(t,3)',format=yuv420p");
        clip(&file, &graph, &["-preset", "veryfast", "-g", "300", "-sc_threshold", "0"]);
        let height = crate::features::picture::TEXT_HEIGHT;
        assert_eq!(keyframes(&file, 0.0, 12.0, height, Pick::all(10), true, &|| true).unwrap().len(), 1, "one keyframe");
        let frames = frames_shown_at(&file, &[1.0, 4.0, 30.0], height, &|| true).unwrap();
        let times: Vec<f64> = frames.iter().map(|f| f.0).collect();
        assert_eq!(times, vec![1.0, 4.0]);
        let cue = |img: &image::RgbImage| crate::features::picture::text_cue(img);
        let (before, after) = (cue(&frames[0].1), cue(&frames[1].1));
        assert_eq!((before.lines, after.lines), (1, 2));
        assert!(after.band_centres().all(|y| y > 0.5) && before.band_centres().all(|y| y < 0.3), "{before:?} {after:?}");
        assert!(matches!(frames_shown_at(&file, &[1.0, 4.0], height, &|| false), Err(Error::Cancelled)));
        // The same picture as decoding in full and shrinking.
        let mut reader = crate::video::frames::FrameReader::open(&file).unwrap();
        let (_, full) = reader.frame_at(4.0).unwrap();
        let reference = crate::image_ops::thumbnail(&full, height);
        assert_eq!(cue(&reference).lines, 2);
        assert_eq!(frames[1].1.dimensions(), reference.dimensions());
    }

    #[test]
    fn a_keyframe_passed_over_for_the_gap_is_decoded_where_the_next_comes_long_after() {
        // Keyframes each second to 5 s (busy story), one at 5.6 s (the cut into 10 s of credits
        // over a still picture), the next at 16 s. With a 3 s gap: 0 and 3 decoded, 1, 2, 4 and
        // 5 passed over (the next within 6 s of the last decoded), 5.6 decoded after all (the
        // next 13 s after the last decoded), and 16.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cut.mp4");
        clip(&file, "testsrc2=s=320x180:r=25:d=20", &["-preset", "ultrafast", "-g", "1000", "-sc_threshold", "0", "-force_key_frames", "0,1,2,3,4,5,5.6,16"]);
        let all: Vec<f64> = keyframes(&file, 0.0, 20.0, 72, Pick::all(40), true, &|| true).unwrap().iter().map(|k| (k.0 * 100.0).round() / 100.0).collect();
        assert_eq!(all, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.6, 16.0]);
        let thinned: Vec<f64> = keyframes(&file, 0.0, 20.0, 72, Pick { limit: 40, min_gap_s: 3.0, known: &[] }, true, &|| true).unwrap().iter().map(|k| (k.0 * 100.0).round() / 100.0).collect();
        assert_eq!(thinned, vec![0.0, 3.0, 5.6, 16.0]);
        // A stretch ending before the next keyframe: that keyframe still says how long the wait
        // would be.
        let upto: Vec<f64> = keyframes(&file, 0.0, 8.0, 72, Pick { limit: 40, min_gap_s: 3.0, known: &[] }, true, &|| true).unwrap().iter().map(|k| (k.0 * 100.0).round() / 100.0).collect();
        assert_eq!(upto, vec![0.0, 3.0, 5.6]);
    }

    #[test]
    fn keyframes_the_thinning_would_drop_are_not_decoded_where_the_index_lists_too_many() {
        // 40 s with a keyframe every half second (80 listed), at most 20 asked for: every
        // keyframe kept is at least the stretch / (limit − 2) after the one before, and about as
        // many as asked are kept (not halved by a second thinning).
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dense.mp4");
        clip(&file, "testsrc2=s=320x180:r=25:d=40", &["-preset", "ultrafast", "-g", "12", "-keyint_min", "12", "-sc_threshold", "0"]);
        assert!(listed(&file, 0.0, 40.0).is_some_and(|n| n >= 80), "{:?}", listed(&file, 0.0, 40.0));
        // What is decoded: every keyframe without the gap, at most 20 with it.
        let gap_s = skip_gap(&file, 0.0, 40.0, 20, 1);
        assert!(keyframes_in(&file, 0.0, 40.0, 72, true, (0.0, 0.0), &[], &|| true).unwrap().len() >= 80);
        assert!(gap_s > 2.0 && keyframes_in(&file, 0.0, 40.0, 72, true, (gap_s, 0.0), &[], &|| true).unwrap().len() <= 20, "gap {gap_s}");
        let seen = keyframes(&file, 0.0, 40.0, 72, Pick::all(20), true, &|| true).unwrap();
        let gap = 40.0 / 18.0;
        assert!((16..=20).contains(&seen.len()), "{} keyframes", seen.len());
        assert!(seen.windows(2).all(|w| w[1].0 - w[0].0 >= gap - 1e-6), "{:?}", seen.iter().map(|k| k.0).collect::<Vec<_>>());
        // As many as the index lists where that is within the limit.
        assert_eq!(keyframes(&file, 0.0, 10.0, 72, Pick::all(40), true, &|| true).unwrap().len(), 21);
        // Passed over where shown less than `min_gap_s` after the last one decoded: as few as
        // that spacing allows, none further apart than it and the file's own spacing.
        let thinned: Vec<f64> = keyframes(&file, 0.0, 10.0, 72, Pick { limit: 40, min_gap_s: 3.0, known: &[] }, true, &|| true).unwrap().iter().map(|k| k.0).collect();
        assert!((3..=4).contains(&thinned.len()) && thinned.windows(2).all(|w| (3.0 - 1e-6..3.0 + 0.5).contains(&(w[1] - w[0]))), "{thinned:?}");
        // Those already decoded passed over: the rest, and only the rest.
        let rest: Vec<f64> = keyframes(&file, 0.0, 10.0, 72, Pick { limit: 40, min_gap_s: 0.0, known: &thinned }, true, &|| true).unwrap().iter().map(|k| k.0).collect();
        assert!(rest.len() + thinned.len() == 21 && !rest.iter().any(|t| thinned.contains(t)), "{rest:?}");
        // A stretch read after the one before it (keyframes every 0.48 s): the keyframe on screen
        // at 10 s (shown at 9.6 s) stands for 10 s only with `lead`; without, the next is first.
        let times = |lead| keyframes(&file, 10.0, 20.0, 72, Pick::all(40), lead, &|| true).unwrap().iter().map(|k| k.0).collect::<Vec<_>>();
        let (with, without) = (times(true), times(false));
        assert_eq!(with[0], 10.0, "{with:?}");
        assert!((without[0] - 10.08).abs() < 1e-6 && without.len() + 1 == with.len(), "{without:?}");
    }
}
