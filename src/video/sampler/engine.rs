//! The decoding engine behind the sampler: the window cut at keyframes into pieces decoded
//! side by side, and each piece decoded with only the frames its samples need (the module
//! comment of `sampler` says how). Split from the API and its thread so each file has one job.

use super::{Sample, SampleReport, SamplerConfig, SamplerEvent, Strategy};
use crate::video::convert::Converter;
use crate::video::convert::MAX_RGB_PIXELS;
use crate::video::probe::{keyframes, stream_rotation, video_info, VideoInfo};
use crate::video::x264::single_reference_x264;
use crate::video::open;
use crate::error::{Error, Result};
use crate::image_ops;
use ffmpeg_next as ffmpeg;
use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Packets read ahead of the decoder. Must exceed the codec's reorder depth (≤ 16 for H.264/HEVC)
/// so the successor of every frame in display order is known before the frame is decoded.
const LOOKAHEAD: usize = 40;

/// Pieces of the window per core ([`run`]): enough that the cores finish together, few enough
/// that the seek and the frames before each piece's first sample stay a small share.
const PIECES_PER_CORE: usize = 3;

/// Windows are not cut into pieces shorter than this (but always into one per core).
const MIN_PIECE_S: f64 = 20.0;

/// Seek only when it skips at least this much decoding.
const SEEK_GAIN_S: f64 = 0.25;

/// Index timestamps may be DTS, a few frames before the keyframe's PTS (MP4): plan segment starts
/// this far after a keyframe. Seeks themselves target PTS, and should a seek still land after the
/// sample point, the sampler steps back a keyframe.
const SEEK_MARGIN_S: f64 = 0.15;

struct Clock {
    /// Stream time base.
    num: i128,
    den: i128,
    /// Presentation time 0, in stream time base.
    origin: i64,
}

impl Clock {
    /// Is a frame at `pts` shown at (or before) second `k`? Exact: (pts − origin)·num ≤ k·den.
    fn at_or_before(&self, pts: i64, k: u32) -> bool {
        (pts as i128 - self.origin as i128) * self.num <= k as i128 * self.den
    }

    /// The first sample second at or after `pts`.
    fn next_second(&self, pts: i64) -> i64 {
        let n = (pts as i128 - self.origin as i128) * self.num;
        let k = if n <= 0 { 0 } else { (n + self.den - 1) / self.den };
        k.min(i64::MAX as i128) as i64
    }

    /// Stream timestamp of second `k` (floor).
    fn ts_of(&self, seconds: f64) -> i64 {
        self.origin.saturating_add((seconds * self.den as f64 / self.num as f64).floor() as i64)
    }

    fn seconds(&self, pts: i64) -> f64 {
        (pts as i128 - self.origin as i128) as f64 * self.num as f64 / self.den as f64
    }
}

/// What every segment needs to know about the stream.
struct StreamSetup {
    clock: Clock,
    keyframes: Vec<i64>,
    rotation: i32,
    info: VideoInfo,
    container_duration: Option<f64>,
    /// The stream's B-frame references serve only their own group ([`single_reference_x264`]).
    b_refs_stay_in_group: bool,
}

fn setup(path: &Path, config: &SamplerConfig) -> Result<(crate::video::Opened, StreamSetup)> {
    let opened = open(path)?;
    let vindex = opened.video_index;
    let info = video_info(&opened.input, vindex);
    let stream = opened.input.stream(vindex).expect("index from this input");
    let tb = stream.time_base();
    if tb.numerator() <= 0 || tb.denominator() <= 0 {
        return Err(Error::input(path, "video stream has no valid time base"));
    }
    let format_start = unsafe { (*opened.input.as_ptr()).start_time };
    let origin = if format_start != ffmpeg::ffi::AV_NOPTS_VALUE {
        // Round down: the origin is never after the first frame.
        unsafe {
            ffmpeg::ffi::av_rescale_q_rnd(
                format_start,
                ffmpeg::ffi::AVRational { num: 1, den: ffmpeg::ffi::AV_TIME_BASE },
                tb.into(),
                ffmpeg::ffi::AVRounding::AV_ROUND_DOWN,
            )
        }
    } else if stream.start_time() != ffmpeg::ffi::AV_NOPTS_VALUE {
        stream.start_time()
    } else {
        0
    };
    let duration = opened.input.duration();
    let container = (duration > 0).then(|| duration as f64 / ffmpeg::ffi::AV_TIME_BASE as f64);
    // The video's own length where the file states it (MP4 track durations, Matroska's DURATION
    // tag): a file whose sound runs on past the picture is not a truncated file.
    let own = stream.duration();
    let video_duration = (own > 0 && own != ffmpeg::ffi::AV_NOPTS_VALUE)
        .then(|| own as f64 * f64::from(tb))
        .or_else(|| crate::video::tag(&stream.metadata(), "DURATION").and_then(|d| crate::clock::parse_clock(d.trim())))
        .filter(|d| *d > 0.0);
    // Read only where it could matter: finding x264's settings opens the file once more.
    let may_drop_groups = config.drop_b_groups && !config.exact && config.strategy != Strategy::DecodeAll;
    let b_refs_stay_in_group = may_drop_groups && info.codec == "h264" && single_reference_x264(path);
    let setup = StreamSetup {
        b_refs_stay_in_group,
        clock: Clock { num: tb.numerator() as i128, den: tb.denominator() as i128, origin },
        keyframes: keyframes(&stream),
        rotation: stream_rotation(&stream),
        info,
        container_duration: match (video_duration, container) {
            (Some(v), Some(c)) => Some(v.min(c)),
            (v, c) => v.or(c),
        },
    };
    drop(stream);
    Ok((opened, setup))
}

/// A contiguous run of sample seconds decoded by one decoder.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    first: u32,
    end: u32,
}

/// Split the window `[start, start + window)` at keyframes into up to `parts` segments of similar
/// length, so that each core decodes its own GOPs. Segment `j` starts at the first second that
/// surely shows a frame at or after its keyframe.
fn plan_segments(clock: &Clock, keyframes: &[i64], duration: Option<f64>, start: u32, window: u32, parts: usize) -> Vec<Segment> {
    let end = start.saturating_add(window);
    let span = duration.map_or(end, |d| (d.ceil() as u32).clamp(start.saturating_add(1), end));
    let mut segments = vec![Segment { first: start, end }];
    for j in 1..parts {
        let ideal = start as f64 + ((span - start) as u64 * j as u64 / parts as u64) as f64;
        let limit = clock.ts_of(ideal - SEEK_MARGIN_S);
        let Some(kf) = keyframes.partition_point(|&t| t <= limit).checked_sub(1).map(|i| keyframes[i]) else {
            continue;
        };
        // Without a keyframe well after the previous split (one keyframe per file, or a file
        // without an index: MPEG-TS, Matroska without Cues), the new part would decode its predecessor's frames again,
        // alone on its core: keep fewer parts (one: FFmpeg's frame threads use every core).
        let part_s = f64::from(span - start) / parts as f64;
        let previous = f64::from(segments.last().expect("non-empty").first);
        if clock.seconds(kf) < previous + part_s / 2.0 {
            continue;
        }
        let first = (clock.seconds(kf) + SEEK_MARGIN_S).ceil().max(0.0) as u32;
        let last = segments.last_mut().expect("non-empty");
        if first <= last.first || first >= span {
            continue;
        }
        last.end = first;
        segments.push(Segment { first, end });
    }
    segments
}

#[derive(Default)]
struct SegmentStats {
    samples: usize,
    seeks: usize,
    packets_decoded: usize,
    packets_skippable: usize,
    b_groups_dropped: usize,
    frames_decoded: usize,
    decode_errors: usize,
    /// CPU seconds spent turning decoded frames into RGB, tensors and thumbnails.
    convert_s: f64,
}

/// The sampling loop. `emit` returns false to stop early.
pub(super) fn run(path: &Path, config: &SamplerConfig, cancel: &AtomicBool, emit: &mut dyn FnMut(SamplerEvent) -> bool) -> Result<SampleReport> {
    if config.window_s == 0 {
        return Err(Error::Usage("the window must be at least 1 second".into()));
    }
    let (opened, setup) = setup(path, config)?;
    let requested = config.window_s as usize;
    let start = config.start_s as usize;
    let expected = setup.container_duration.map_or(requested, |d| (d.ceil() as usize).saturating_sub(start).clamp(1, requested));
    if !emit(SamplerEvent::Started { info: Box::new(setup.info.clone()), requested: expected }) {
        return Err(Error::Cancelled);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = match config.strategy {
        Strategy::DecodeAll => 1,
        _ if config.threads == 0 => cores,
        _ => config.threads,
    };
    // Frames beyond 4K (8K, 16K) are hundreds of MB each: one decoder, not one per core.
    let parts = if setup.info.width as u64 * setup.info.height as u64 > MAX_RGB_PIXELS { 1 } else { parts };
    // Several cores: the window is cut at keyframes into a few pieces per core, which the cores
    // take in turn (whoever is free takes the next), so a stretch that decodes slowly does not
    // leave the other core idle: two fixed halves of a 1080p episode's 180 s finished 1.7 s apart.
    let span_s = setup.container_duration.map_or(config.window_s as f64, |d| (d - config.start_s as f64).clamp(1.0, config.window_s as f64));
    let pieces = if parts > 1 { (parts * PIECES_PER_CORE).min((span_s / MIN_PIECE_S) as usize).max(parts) } else { 1 };
    let segments = plan_segments(&setup.clock, &setup.keyframes, setup.container_duration, config.start_s, config.window_s, pieces);
    // Several segments: one single-threaded decoder per core. One segment: FFmpeg's frame threads.
    let decoder_threads = if segments.len() > 1 { 1 } else { config.threads };
    let stop = AtomicBool::new(false);
    let cancelled = || cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed);

    let mut stats = SegmentStats::default();
    if segments.len() == 1 {
        let mut opened = opened;
        let mut forward = |sample: Sample| -> bool {
            let keep_going = emit(SamplerEvent::Sample(Box::new(sample)));
            if !keep_going {
                stop.store(true, Ordering::Relaxed);
            }
            keep_going
        };
        run_segment(&mut opened, &setup, config, decoder_threads, segments[0], &cancelled, &mut forward, &mut stats)?;
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| -> Result<()> {
            // Each worker sends (piece, sample) and (piece, None) when the piece is done; samples
            // are handed on here in time order, those of a later piece kept until its turn.
            let (tx, rx) = crossbeam_channel::unbounded::<(usize, Option<Sample>)>();
            let mut first_input = Some(opened);
            let mut workers = Vec::new();
            for _ in 0..parts.min(segments.len()) {
                let (tx, next, setup, segments, cancelled, stop) = (tx.clone(), &next, &setup, &segments, &cancelled, &stop);
                let mut input = first_input.take();
                // A thread the system refuses (a process or memory limit) is an error that says
                // so, not a panic reported as a bug.
                let handle = std::thread::Builder::new()
                    .name("introskip-decoder".into())
                    .spawn_scoped(scope, move || -> Result<SegmentStats> {
                        let mut stats = SegmentStats::default();
                        loop {
                            let piece = next.fetch_add(1, Ordering::Relaxed);
                            if piece >= segments.len() || cancelled() {
                                return Ok(stats);
                            }
                            // One input per worker, opened once: a later piece seeks in it.
                            let opened = match input.as_mut() {
                                Some(opened) => opened,
                                None => input.insert(setup_reopen(path)?.0),
                            };
                            let sent = run_segment(opened, setup, config, decoder_threads, segments[piece], cancelled, &mut |s| tx.send((piece, Some(s))).is_ok(), &mut stats);
                            if let Err(e) = sent {
                                stop.store(true, Ordering::Relaxed);
                                return Err(e);
                            }
                            let _ = tx.send((piece, None));
                        }
                    })
                    .map_err(|e| {
                        stop.store(true, Ordering::Relaxed);
                        Error::internal(format!("cannot start a decoder thread for {}: {e}", path.display()))
                    })?;
                workers.push(handle);
            }
            drop(tx);
            let mut turn = 0usize;
            let mut waiting: Vec<(Vec<Sample>, bool)> = (0..segments.len()).map(|_| (Vec::new(), false)).collect();
            for (piece, sample) in rx.iter() {
                match sample {
                    Some(sample) => waiting[piece].0.push(sample),
                    None => waiting[piece].1 = true,
                }
                // Hand on what is in turn: the current piece's samples, and whole pieces after it.
                while turn < segments.len() {
                    for sample in std::mem::take(&mut waiting[turn].0) {
                        if !cancelled() && !emit(SamplerEvent::Sample(Box::new(sample))) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    if !waiting[turn].1 {
                        break;
                    }
                    turn += 1;
                }
            }
            for handle in workers {
                match handle.join() {
                    Ok(Ok(s)) => {
                        stats.samples += s.samples;
                        stats.seeks += s.seeks;
                        stats.packets_decoded += s.packets_decoded;
                        stats.packets_skippable += s.packets_skippable;
                        stats.b_groups_dropped += s.b_groups_dropped;
                        stats.frames_decoded += s.frames_decoded;
                        stats.decode_errors += s.decode_errors;
                        stats.convert_s += s.convert_s;
                    }
                    Ok(Err(e)) => {
                        stop.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                    Err(_) => return Err(Error::internal("a sampler thread panicked")),
                }
            }
            Ok(())
        })?;
    }
    if cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }

    let mut report = SampleReport {
        path: path.to_path_buf(),
        requested,
        samples: stats.samples,
        seeks: stats.seeks,
        packets_decoded: stats.packets_decoded,
        packets_skippable: stats.packets_skippable,
        b_groups_dropped: stats.b_groups_dropped,
        frames_decoded: stats.frames_decoded,
        decode_errors: stats.decode_errors,
        convert_cpu_s: stats.convert_s,
        note: None,
    };
    if report.samples < requested {
        let reached = report.samples;
        report.note = Some(match setup.container_duration {
            Some(d) if (d as usize) > start + reached + 1 => format!(
                "video ends after {reached} s although the file says {d:.1} s: the file looks truncated or damaged; {reached} of {requested} samples"
            ),
            _ if start > 0 => format!("the video ends {reached} s after {}, short of the {requested} s asked for: those {reached} s are analysed", crate::clock::clock(start as f64, 0, true)),
            _ => format!("the video lasts {reached} s, shorter than the {requested} s window: all of it is analysed"),
        });
    }
    if report.samples == 0 {
        return Err(Error::input(path, "no video frame could be decoded (truncated or damaged file)"));
    }
    Ok(report)
}

/// Can the B-frame at `pts`, of the group whose anchor (the I- or P-frame decoded before it)
/// shows at `anchor`, be dropped with its group? Yes when it belongs to that group (shown before
/// its anchor) and every later frame of the group — the frames that may predict from it — is
/// unshown too. `later` lists the look-ahead's presentation times in decode order; the group ends
/// at the first frame shown after the anchor. When the look-ahead ends first, only the end of the
/// stream tells that nothing more of the group follows.
fn group_unshown(pts: i64, anchor: i64, later: impl Iterator<Item = Option<i64>>, stream_ended: bool, unshown: impl Fn(i64) -> bool) -> bool {
    if pts >= anchor {
        return false;
    }
    for q in later {
        match q {
            Some(q) if q > anchor => return true,
            Some(q) if q < anchor && unshown(q) => {}
            _ => return false,
        }
    }
    stream_ended
}

/// Open the file again for another segment's decoder.
fn setup_reopen(path: &Path) -> Result<(crate::video::Opened, ())> {
    Ok((open(path)?, ()))
}

/// Decode one segment's seconds and hand each sample to `emit` in time order.
#[allow(clippy::too_many_arguments)]
fn run_segment(
    opened: &mut crate::video::Opened,
    setup: &StreamSetup,
    config: &SamplerConfig,
    decoder_threads: usize,
    segment: Segment,
    cancelled: &dyn Fn() -> bool,
    emit: &mut dyn FnMut(Sample) -> bool,
    stats: &mut SegmentStats,
) -> Result<()> {
    let path = opened.input_path();
    let vindex = opened.video_index;
    let clock = &setup.clock;
    let kf_list = &setup.keyframes;
    let info = &setup.info;
    let params = opened.input.stream(vindex).expect("index from this input").parameters();
    let mut ctx = ffmpeg::codec::context::Context::from_parameters(params)
        .map_err(|e| Error::input(&path, format!("cannot set up the {} decoder: {e}", info.codec)))?;
    ctx.set_threading(ffmpeg::codec::threading::Config {
        kind: ffmpeg::codec::threading::Type::Frame,
        count: decoder_threads,
        ..Default::default()
    });
    let mut decoder = ctx
        .decoder()
        .video()
        .map_err(|e| Error::input(&path, format!("no decoder for video codec '{}' ({e})", info.codec)))?;
    decoder.set_packet_time_base(ffmpeg::Rational::new(clock.num as i32, clock.den as i32));

    let mut converter = Converter::new(info.sample_aspect, setup.rotation);
    let mut queue: VecDeque<ffmpeg::Packet> = VecDeque::with_capacity(LOOKAHEAD);
    let mut seen_pts: BTreeSet<i64> = BTreeSet::new();
    // Furthest PTS handed to the decoder: where decoding stands (the demuxer is LOOKAHEAD ahead).
    let mut decode_pos: Option<i64> = None;
    // The latest presentation time sent to the decoder since the last seek: a packet shown
    // before it was decoded after a later frame, so it is a B-frame of that frame's group.
    let mut anchor: Option<i64> = None;
    let mut demux_eof = false;
    let mut sent_eof = false;
    let mut next_k: u32 = segment.first;
    let end_k = segment.end;
    let mut held: Option<(i64, ffmpeg::frame::Video)> = None;
    let mut last_duration: i64 = 0;
    let mut frame = ffmpeg::frame::Video::empty();
    // INTROSKIP_TRACE=1 prints every packet decision and seek (for diagnosing odd files).
    let trace = std::env::var_os("INTROSKIP_TRACE").is_some();
    let seek_gain = (SEEK_GAIN_S * clock.den as f64 / clock.num as f64) as i64;
    // Measured per codec (`bench sample --encoders`): H.264 saves 7–16 % and keeps the embedding
    // cosine to exact decoding ≥ 0.993; HEVC (whose filter includes SAO) gains nothing at 8 bits
    // and falls to 0.976 at 10; VP9, AV1 and MPEG-2 decoders ignore it. So H.264 only.
    let skip_deblocking = !config.exact && info.codec == "h264";

    // Seek to the keyframe at or before a presentation time (demuxers take PTS here).
    let seek = |input: &mut ffmpeg::format::context::Input, pts: i64| -> bool {
        unsafe { ffmpeg::ffi::av_seek_frame(input.as_mut_ptr(), vindex as i32, pts, ffmpeg::ffi::AVSEEK_FLAG_BACKWARD) >= 0 }
    };
    // Ticks of the stream's time base per frame, for frames that come without a timestamp.
    let frame_ticks = {
        let stream = opened.input.stream(vindex).expect("index from this input");
        let rate = [stream.avg_frame_rate(), stream.rate()].into_iter().find(|r| r.numerator() > 0 && r.denominator() > 0);
        rate.map_or(0, |r| ((clock.den * r.denominator() as i128) / (clock.num * r.numerator() as i128).max(1)) as i64)
    };
    let mut next_untimed: i64 = clock.origin;
    // True after a seek until the first frame shows whether the seek overshot the sample point.
    let mut just_seeked = false;
    // The keyframe we last stepped back from: landing there again means there is nothing earlier.
    let mut overshot_at: Option<i64> = None;
    if segment.first > 0 {
        let pts = clock.ts_of(segment.first as f64);
        if !seek(&mut opened.input, pts) {
            return Err(Error::input(&path, "cannot seek in this file"));
        }
        decode_pos = Some(pts);
        just_seeked = true;
        stats.seeks += 1;
    }

    let mut produce = |k: u32, pts: i64, f: &ffmpeg::frame::Video, converter: &mut Converter, stats: &mut SegmentStats| -> Result<bool> {
        let started = std::time::Instant::now();
        let rgb = converter.to_rgb(f)?;
        let t_rgb = started.elapsed().as_secs_f64();
        // The encoder's short-side resize shows the whole frame: thumbnails come from it, cheaply.
        let (tensor, thumbnail) = match &config.preprocess {
            Some(spec) => {
                let resized = spec.resize_short_side(&rgb);
                let thumbnail = image_ops::thumbnail(&resized, config.thumbnail_height);
                (Some(spec.normalise(&spec.center_crop(&resized))), thumbnail)
            }
            None => (None, image_ops::thumbnail(&rgb, config.thumbnail_height)),
        };
        let t_tensor = started.elapsed().as_secs_f64();
        if trace {
            eprintln!("produce k={k}: rgb {:.1} ms, tensor + thumbnail {:.1} ms", t_rgb * 1e3, (t_tensor - t_rgb) * 1e3);
        }
        stats.convert_s += started.elapsed().as_secs_f64();
        let sample = Sample {
            second: k,
            frame_time_s: clock.seconds(pts),
            tensor,
            thumbnail,
            text_frame: config.text_height.map(|h| image_ops::thumbnail(&rgb, h.min(rgb.height()))),
            full_frame: config.keep_full_frame.then_some(rgb),
        };
        stats.samples += 1;
        Ok(emit(sample))
    };

    'outer: while next_k < end_k {
        if cancelled() {
            return Err(Error::Cancelled);
        }

        // Jump ahead when the keyframe before the next sample point is beyond the demuxer.
        if config.strategy == Strategy::Auto && !demux_eof {
            let target = clock.ts_of(next_k as f64);
            // The index says where keyframes are (possibly as DTS: slightly early, fine for deciding).
            let kf = kf_list.partition_point(|&t| t <= target).checked_sub(1).map(|i| kf_list[i]);
            if let (Some(kf), Some(pos)) = (kf, decode_pos) {
                if kf > pos.saturating_add(seek_gain) && seek(&mut opened.input, target) {
                    decoder.flush();
                    queue.clear();
                    seen_pts.clear();
                    anchor = None;
                    decode_pos = Some(kf);
                    just_seeked = true;
                    overshot_at = None;
                    stats.seeks += 1;
                    if trace {
                        eprintln!("seek to {kf} for next_k={next_k}");
                    }
                    // `held` stays: it is still the best frame ≤ next_k until a later one arrives.
                }
            }
        }

        // Keep the look-ahead full.
        while queue.len() < LOOKAHEAD && !demux_eof {
            let mut packet = ffmpeg::Packet::empty();
            match packet.read(&mut opened.input) {
                Ok(()) => {
                    if packet.stream() != vindex {
                        continue;
                    }
                    if let Some(ts) = packet.pts().or(packet.dts()) {
                        seen_pts.insert(ts);
                    }
                    queue.push_back(packet);
                }
                Err(ffmpeg::Error::Eof) => demux_eof = true,
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::util::error::EAGAIN => continue,
                Err(_) => {
                    // A damaged file: treat what could be read as the whole stream.
                    stats.decode_errors += 1;
                    demux_eof = true;
                }
            }
        }

        if let Some(packet) = queue.pop_front() {
            // A frame no sample shows: another frame follows it before the next whole second.
            let unshown = |pts: i64| {
                let k = clock.next_second(pts);
                k >= end_k as i64
                    || seen_pts.range((std::ops::Bound::Excluded(pts), std::ops::Bound::Unbounded)).next().is_some_and(|&q| clock.at_or_before(q, k as u32))
            };
            let skippable = config.strategy != Strategy::DecodeAll && packet.pts().or(packet.dts()).is_some_and(unshown);
            if skippable {
                stats.packets_skippable += 1;
            }
            // Dropped whole, references included: the B-frames of a group no sample shows, where
            // the stream's B references serve only their own group.
            let drop_group = skippable
                && setup.b_refs_stay_in_group
                && config.drop_b_groups
                && !config.exact
                && packet.pts().zip(anchor).is_some_and(|(p, a)| group_unshown(p, a, queue.iter().map(|q| q.pts()), demux_eof, unshown));
            if drop_group {
                stats.b_groups_dropped += 1;
            }
            if let Some(ts) = packet.pts().or(packet.dts()) {
                decode_pos = Some(decode_pos.map_or(ts, |p| p.max(ts)));
            }
            if let Some(p) = packet.pts() {
                anchor = Some(anchor.map_or(p, |a| a.max(p)));
            }
            if trace {
                eprintln!("send pts={:?} dts={:?} key={} skip={skippable} group={drop_group} next_k={next_k}", packet.pts(), packet.dts(), packet.is_key());
            }
            decoder.skip_frame(crate::video::unseen_discard(drop_group, skippable));
            if skip_deblocking {
                // A reference frame nobody sees is only a source of prediction: skip its deblocking.
                decoder.skip_loop_filter(if skippable { ffmpeg::Discard::All } else { ffmpeg::Discard::Default });
            }
            stats.packets_decoded += 1;
            if decoder.send_packet(&packet).is_err() {
                stats.decode_errors += 1;
            }
        } else if !sent_eof {
            let _ = decoder.send_eof();
            sent_eof = true;
        }

        // Collect decoded frames.
        loop {
            match decoder.receive_frame(&mut frame) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => {
                    // Stream over: the last frame stays on screen for its duration.
                    if let Some((pts, f)) = held.take() {
                        let end = pts.saturating_add(last_duration.max(1));
                        while next_k < end_k && !clock.at_or_before(end, next_k) {
                            if !produce(next_k, pts, &f, &mut converter, stats)? {
                                return Err(Error::Cancelled);
                            }
                            next_k += 1;
                        }
                    }
                    break 'outer;
                }
                Err(_) => break, // EAGAIN: needs more input.
            }
            stats.frames_decoded += 1;
            // A stream without timestamps (raw H.264/HEVC Annex-B) is timed by its frame rate,
            // counted from the last known timestamp.
            let pts = match frame.timestamp().or(frame.pts()) {
                Some(p) => {
                    next_untimed = p.saturating_add(frame_ticks);
                    p
                }
                None if frame_ticks > 0 => {
                    let p = next_untimed;
                    next_untimed = next_untimed.saturating_add(frame_ticks);
                    p
                }
                None => continue,
            };
            if std::mem::take(&mut just_seeked)
                && next_k < end_k
                && !clock.at_or_before(pts, next_k)
                && overshot_at.is_none_or(|at| pts < at)
            {
                // The seek landed on a keyframe shown after the sample point: the frame we need lies
                // before it. Step back to the previous keyframe.
                overshot_at = Some(pts);
                if seek(&mut opened.input, pts.saturating_sub(1)) {
                    decoder.flush();
                    queue.clear();
                    seen_pts.clear();
                    anchor = None;
                    decode_pos = Some(pts.saturating_sub(1));
                    just_seeked = true;
                    stats.seeks += 1;
                    continue 'outer;
                }
            }
            let duration = unsafe { (*frame.as_ptr()).pkt_duration };
            if duration > 0 {
                last_duration = duration;
            }
            // Every sample point before this frame shows the held frame (or, before the very
            // first frame, this one).
            while next_k < end_k && !clock.at_or_before(pts, next_k) {
                let (hpts, hf) = match &held {
                    Some((p, f)) => (*p, f),
                    None => (pts, &frame),
                };
                if !produce(next_k, hpts, hf, &mut converter, stats)? {
                    return Err(Error::Cancelled);
                }
                next_k += 1;
            }
            if next_k >= end_k {
                break 'outer;
            }
            if held.as_ref().is_none_or(|(p, _)| pts >= *p) {
                let old = held.replace((pts, std::mem::replace(&mut frame, ffmpeg::frame::Video::empty())));
                if let Some((_, f)) = old {
                    frame = f;
                }
            }
            // The held frame is final for every sample point before its successor's PTS.
            if let Some((hpts, _)) = &held {
                let hpts = *hpts;
                if let Some(&succ) = seen_pts.range((std::ops::Bound::Excluded(hpts), std::ops::Bound::Unbounded)).next() {
                    while next_k < end_k && clock.at_or_before(hpts, next_k) && !clock.at_or_before(succ, next_k) {
                        let (_, hf) = held.as_ref().expect("checked");
                        if !produce(next_k, hpts, hf, &mut converter, stats)? {
                            return Err(Error::Cancelled);
                        }
                        next_k += 1;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_cut_at_keyframes_into_contiguous_pieces_and_never_where_none_are() {
        // 25 fps in a 1/12800 time base, a keyframe every 4.8 s (x264's defaults at scene cuts).
        let clock = Clock { num: 1, den: 12800, origin: 0 };
        let keyframes: Vec<i64> = (0..60).map(|i| i * 61440).collect();
        let pieces = plan_segments(&clock, &keyframes, Some(2700.0), 0, 180, 6);
        assert_eq!(pieces.len(), 6, "{pieces:?}");
        assert_eq!((pieces[0].first, pieces[5].end), (0, 180));
        for w in pieces.windows(2) {
            assert_eq!(w[0].end, w[1].first, "contiguous: {pieces:?}");
            // Each later piece starts just after a keyframe, so its decoding starts there.
            let kf_s = keyframes.iter().map(|&k| clock.seconds(k)).filter(|&t| t <= f64::from(w[1].first)).last().unwrap();
            assert!(f64::from(w[1].first) - kf_s < 1.0, "{pieces:?}");
        }
        // One keyframe only: no piece would start anywhere but the beginning.
        assert_eq!(plan_segments(&clock, &[0], Some(2700.0), 0, 180, 6), vec![Segment { first: 0, end: 180 }]);
    }

    #[test]
    fn a_b_group_is_dropped_only_when_no_later_frame_of_it_is_shown() {
        // Decode order P8 B6 B5 B7 P12: after the anchor at 8, the group is 6, 5, 7.
        let shown = |set: &'static [i64]| move |p: i64| !set.contains(&p);
        let later = |v: &[i64]| v.iter().map(|&p| Some(p)).collect::<Vec<_>>();
        // B6 (the pyramid's reference): B5 and B7 follow it; none shown → drop.
        assert!(group_unshown(6, 8, later(&[5, 7, 12]).into_iter(), false, shown(&[])));
        // B7 is shown: B6, which B7 predicts from, must be decoded.
        assert!(!group_unshown(6, 8, later(&[5, 7, 12]).into_iter(), false, shown(&[7])));
        // B5 shown does not keep B7 (decoded after B5, nothing of the group follows B7).
        assert!(group_unshown(7, 8, later(&[12]).into_iter(), false, shown(&[5])));
        // An anchor itself is never dropped this way.
        assert!(!group_unshown(12, 8, later(&[10]).into_iter(), false, shown(&[])));
        // The look-ahead ends inside the group: only the stream's end says the group is whole.
        assert!(!group_unshown(6, 8, later(&[5]).into_iter(), false, shown(&[])));
        assert!(group_unshown(6, 8, later(&[5]).into_iter(), true, shown(&[])));
        // A frame without a time cannot be placed: keep.
        assert!(!group_unshown(6, 8, vec![None].into_iter(), true, shown(&[])));
    }
}
