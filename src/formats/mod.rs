//! Stage 6: segment formats that real tools read: FFMETADATA (ffmpeg), Matroska chapters XML (mkvmerge, with
//! skip types), WebVTT chapters (players, ffmpeg), YouTube description chapters, Kodi/MPlayer EDL
//! (auto-skip or scene markers), DaVinci Resolve marker EDL (CMX3600), OpenTimelineIO markers, SIS
//! labels.json, CSV (spreadsheets) and our JSON sidecar. Readers for them are in [`crate::formats::import`].

pub mod import;
pub mod remux;

use crate::error::{Error, Result};
use crate::segments::{Kind, Segment, Segments};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Ffmetadata,
    MkvXml,
    Webvtt,
    Csv,
    Json,
    Youtube,
    /// Kodi / MPlayer EDL sidecar (`start end action`).
    Edl,
    /// DaVinci Resolve marker EDL (CMX3600 events with `|C: |M: |D:`).
    ResolveEdl,
    /// OpenTimelineIO JSON: one clip with a marker per segment.
    Otio,
    /// The SIS project's labels.json (`{id: {url, name, start, end}}`).
    Sis,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ffmetadata => "ffmetadata.txt",
            Format::MkvXml => "chapters.xml",
            Format::Webvtt => "chapters.vtt",
            Format::Csv => "segments.csv",
            Format::Json => "introskip.json",
            Format::Youtube => "youtube.txt",
            Format::Edl => "edl",
            Format::ResolveEdl => "resolve.edl",
            Format::Otio => "otio",
            Format::Sis => "labels.json",
        }
    }
}

/// What an EDL sidecar asks the player to do with intro and recap (credits and previews are
/// always scene markers: auto-skipping them surprises people).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EdlAction {
    /// Action 3 (commercial break): Kodi skips it automatically.
    #[default]
    Skip,
    /// Action 2 (scene marker): chapter-like marks only.
    Marker,
}

/// Everything a writer may need besides the segments.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// The media's duration: chapter formats cover the whole file.
    pub duration_ms: Option<u64>,
    /// Frames per second (Resolve EDL timecode, OTIO rates); 25 when unknown.
    pub fps: Option<f64>,
    /// Episode name (EDL title, SIS name/id, OTIO clip).
    pub name: String,
    /// The media file (SIS url, OTIO media reference).
    pub media: Option<std::path::PathBuf>,
    pub edl_action: EdlAction,
    /// Resolve timeline start, in frames at the timeline rate (Resolve's default is 01:00:00:00).
    pub timeline_start: Option<String>,
    /// Chapter titles by kind, replacing [`Kind::title`] (e.g. intro → "Opening").
    pub titles: Vec<(Kind, String)>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { duration_ms: None, fps: None, name: String::new(), media: None, edl_action: EdlAction::Skip, timeline_start: None, titles: Vec::new() }
    }
}

impl ExportOptions {
    pub fn title(&self, kind: Kind) -> String {
        self.titles.iter().find(|(k, _)| *k == kind).map_or_else(|| kind.title().to_string(), |(_, t)| t.clone())
    }
}

/// Parse `intro=Opening` (a `--title` argument).
pub fn parse_title_override(s: &str) -> std::result::Result<(Kind, String), String> {
    let (kind, title) = s.split_once('=').ok_or("expected KIND=Title, e.g. intro=Opening")?;
    let kind: Kind = serde_json::from_value(serde_json::Value::String(kind.trim().to_string()))
        .map_err(|_| format!("unknown kind '{kind}': use cold_open, recap, intro, body, credits or preview"))?;
    if title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    Ok((kind, title.trim().to_string()))
}

/// A chapter: a span with a title, covering part of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Chapter {
    pub start_ms: u64,
    pub end_ms: u64,
    pub title: String,
    pub kind: Kind,
}

/// Chapters covering [0, duration) without gaps or overlaps, as MP4 players require: segments in
/// time order (an overlapping one is cut where the previous ends), gaps become "Episode".
pub fn chapters(segments: &Segments, duration_ms: u64) -> Vec<Chapter> {
    chapters_titled(segments, duration_ms, &ExportOptions::default())
}

fn chapters_titled(segments: &Segments, duration_ms: u64, o: &ExportOptions) -> Vec<Chapter> {
    let mut out: Vec<Chapter> = Vec::new();
    let mut at = 0u64;
    let gap = |from: u64, to: u64| Chapter { start_ms: from, end_ms: to, title: o.title(Kind::Body), kind: Kind::Body };
    // In time order whatever order they were stored in (a hand-edited label file, a segment
    // added last): one out of order was dropped as if it overlapped the one before.
    let mut ordered: Vec<&Segment> = segments.segments.iter().collect();
    ordered.sort_by_key(|s| (s.start_ms, s.end_ms));
    for s in ordered {
        let (start, end) = (s.start_ms.max(at).min(duration_ms), s.end_ms.min(duration_ms));
        if end <= start {
            continue;
        }
        if start > at {
            out.push(gap(at, start));
        }
        out.push(Chapter { start_ms: start, end_ms: end, title: o.title(s.kind), kind: s.kind });
        at = end;
    }
    if at < duration_ms {
        out.push(gap(at, duration_ms));
    }
    // Neighbouring "Episode" spans (an explicit body next to a gap) read as one chapter.
    out.dedup_by(|b, a| {
        if a.kind == Kind::Body && b.kind == Kind::Body && a.end_ms == b.start_ms {
            a.end_ms = b.end_ms;
            true
        } else {
            false
        }
    });
    out
}

fn ffmeta_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '=' | ';' | '#' | '\\' | '\n') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn clock(ms: u64, sep: char) -> String {
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// "0:00", "1:05", "1:02:03" (whole seconds, as YouTube links them).
fn youtube_time(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 { format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) } else { format!("{}:{:02}", s / 60, s % 60) }
}

/// "0:01:32" (SIS's clock).
fn hms(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The frame an EDL timecode names at `fps` (drop-frame where the file says so, or the label
/// does): two-digit hours, as timecodes have, so a timeline start of absurd hours is no
/// timecode and the sums after it cannot overflow.
pub fn edl_frame(tc: &str, fps: f64, drop_frame: bool) -> Option<u64> {
    let hours: u64 = tc.trim().split(':').next()?.parse().ok()?;
    (hours < 100).then(|| crate::clock::smpte_frame(tc, fps, drop_frame)).flatten()
}

/// The colour Resolve shows a marker of each kind in.
fn resolve_colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Intro => "ResolveColorBlue",
        Kind::Recap => "ResolveColorPurple",
        Kind::ColdOpen => "ResolveColorGreen",
        Kind::Credits => "ResolveColorRed",
        Kind::Preview => "ResolveColorYellow",
        Kind::Body => "ResolveColorCyan",
    }
}

/// Segments worth a marker or an EDL line: everything but the body.
fn marked(segments: &Segments) -> impl Iterator<Item = &Segment> {
    segments.segments.iter().filter(|s| s.kind != Kind::Body)
}


pub fn render_with(format: Format, segments: &Segments, o: &ExportOptions) -> Result<String> {
    let duration_ms = o.duration_ms;
    let need_duration = || {
        duration_ms.or(segments.duration_ms).ok_or_else(|| {
            Error::Usage("chapters must cover the whole file: give the media file (or a segments file with duration_ms)".into())
        })
    };
    let chapters = |d: u64| chapters_titled(segments, d, o);
    let fps = o.fps.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(25.0);
    Ok(match format {
        Format::Edl => {
            // Kodi: "start end action" in seconds; 3 = commercial break (skipped), 2 = scene marker.
            let mut s = String::new();
            for seg in marked(segments).filter(|s| s.kind != Kind::ColdOpen) {
                // An intro or recap the model was unsure of is marked, not skipped: a wrong
                // automatic skip loses story unseen (an outside trial: Kodi skipping 11 s of a
                // special's story at confidence 0.53), a marker costs a key press.
                let action = match (seg.kind, o.edl_action) {
                    (Kind::Intro | Kind::Recap, EdlAction::Skip) if seg.is_sure() => 3,
                    _ => 2,
                };
                s += &format!("{:.3}\t{:.3}\t{action}\n", seg.start_ms as f64 / 1000.0, seg.end_ms as f64 / 1000.0);
            }
            s
        }
        Format::ResolveEdl => {
            // At 29.97 and 59.94 drop-frame, as the app shows those rates (and as Resolve's
            // timelines at those rates count): the markers read what the app read.
            let drop_frame = crate::clock::is_drop_frame_rate(fps);
            let start = match &o.timeline_start {
                None => edl_frame("01:00:00:00", fps, drop_frame).unwrap_or(0),
                Some(tc) => edl_frame(tc, fps, drop_frame).ok_or_else(|| {
                    Error::Usage(format!("timeline start '{tc}' is not a {} timecode at {fps:.3} fps", if drop_frame { "HH:MM:SS;FF drop-frame" } else { "HH:MM:SS:FF" }))
                })?,
            };
            let title = if o.name.is_empty() { "introskip".to_string() } else { o.name.replace(['\n', '\r'], " ") };
            let mut s = format!("TITLE: {title}\nFCM: {}\n\n", if drop_frame { "DROP FRAME" } else { "NON-DROP FRAME" });
            for (i, seg) in marked(segments).enumerate() {
                // The frame the app shows at that time, so marker and app agree to the frame.
                let frame = |ms: u64| crate::clock::frame_of(ms as f64 / 1000.0, fps);
                let (a, b) = (frame(seg.start_ms), frame(seg.end_ms));
                let label = |f: u64| crate::clock::smpte_label(f, fps);
                let (tc_in, tc_out) = (label(start + a), label(start + a + 1));
                s += &format!("{:03}  001      V     C        {tc_in} {tc_out} {tc_in} {tc_out}  \n", i + 1);
                s += &format!(" |C:{} |M:{} |D:{}\n\n", resolve_colour(seg.kind), o.title(seg.kind).replace('|', "/"), (b - a).max(1));
            }
            s
        }
        Format::Otio => {
            let rt = |ms: u64| serde_json::json!({"OTIO_SCHEMA": "RationalTime.1", "rate": fps, "value": (ms as f64 / 1000.0 * fps).round()});
            let range = |a: u64, b: u64| serde_json::json!({"OTIO_SCHEMA": "TimeRange.1", "start_time": rt(a), "duration": rt(b.saturating_sub(a))});
            let markers: Vec<_> = marked(segments)
                .map(|seg| {
                    let colour = match seg.kind {
                        Kind::Intro => "ORANGE",
                        Kind::Recap => "PURPLE",
                        Kind::Credits => "RED",
                        Kind::Preview => "YELLOW",
                        _ => "GREEN",
                    };
                    serde_json::json!({
                        "OTIO_SCHEMA": "Marker.2", "name": o.title(seg.kind), "color": colour, "comment": "",
                        "marked_range": range(seg.start_ms, seg.end_ms),
                        "metadata": {"introskip": {"kind": seg.kind, "source": seg.source, "confidence": seg.confidence, "start_ms": seg.start_ms, "end_ms": seg.end_ms}},
                    })
                })
                .collect();
            let d = need_duration()?;
            let url = o.media.as_ref().map(|m| {
                let abs = std::fs::canonicalize(m).unwrap_or_else(|_| m.clone());
                format!("file://{}", abs.display())
            });
            let clip = serde_json::json!({
                "OTIO_SCHEMA": "Clip.2", "name": o.name, "metadata": {}, "enabled": true, "effects": [], "markers": markers,
                "source_range": range(0, d),
                "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ExternalReference.1", "name": o.name, "metadata": {}, "target_url": url, "available_range": range(0, d)}},
                "active_media_reference_key": "DEFAULT_MEDIA",
            });
            let track = serde_json::json!({"OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video", "metadata": {}, "enabled": true, "effects": [], "markers": [], "source_range": null, "children": [clip]});
            let timeline = serde_json::json!({
                "OTIO_SCHEMA": "Timeline.1", "name": o.name, "metadata": {"introskip": {"version": crate::segments::VERSION}}, "global_start_time": null,
                "tracks": {"OTIO_SCHEMA": "Stack.1", "name": "tracks", "metadata": {}, "enabled": true, "effects": [], "markers": [], "source_range": null, "children": [track]},
            });
            serde_json::to_string_pretty(&timeline).map_err(|e| Error::internal(e.to_string()))?
        }
        Format::Sis => {
            // An episode without an intro is an empty span (start = end), as the format's own
            // labels say it and as import reads it back (intro absent).
            let (start, end) = segments.segments.iter().find(|s| s.kind == Kind::Intro).map_or((0, 0), |i| (i.start_ms, i.end_ms));
            let url = o.media.as_ref().map_or(String::new(), |m| m.display().to_string());
            serde_json::to_string_pretty(&serde_json::json!({ o.name.clone(): {"url": url, "name": o.name, "start": hms(start), "end": hms(end)} }))
                .map_err(|e| Error::internal(e.to_string()))?
        }
        // Not the sidecar's note of its media: an exported file is never taken for an episode's
        // labels that lost their file (`segments::reconcile`).
        Format::Json => serde_json::to_string_pretty(&Segments { duration_ms: duration_ms.or(segments.duration_ms), media: None, ..segments.clone() })
            .map_err(|e| Error::internal(e.to_string()))?,
        Format::Csv => {
            let mut s = String::from("kind,start_s,end_s,source,confidence\n");
            for seg in &segments.segments {
                let Segment { kind, start_ms, end_ms, source, confidence } = seg;
                let kind = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let source = serde_json::to_value(source).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                s += &format!("{kind},{:.3},{:.3},{source},{}\n", *start_ms as f64 / 1000.0, *end_ms as f64 / 1000.0, confidence.map_or(String::new(), |c| c.to_string()));
            }
            s
        }
        Format::Ffmetadata => {
            let mut s = String::from(";FFMETADATA1\n");
            for c in chapters(need_duration()?) {
                s += &format!("\n[CHAPTER]\nTIMEBASE=1/1000\nSTART={}\nEND={}\ntitle={}\n", c.start_ms, c.end_ms, ffmeta_escape(&c.title));
            }
            s
        }
        Format::MkvXml => {
            let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE Chapters SYSTEM \"matroskachapters.dtd\">\n<Chapters>\n  <EditionEntry>\n");
            for (i, c) in chapters(need_duration()?).iter().enumerate() {
                s += &format!(
                    "    <ChapterAtom>\n      <ChapterUID>{}</ChapterUID>\n      <ChapterTimeStart>{}000000</ChapterTimeStart>\n      <ChapterTimeEnd>{}000000</ChapterTimeEnd>\n",
                    i + 1,
                    clock(c.start_ms, '.'),
                    clock(c.end_ms, '.')
                );
                if let Some(t) = c.kind.matroska_skip_type() {
                    s += &format!("      <ChapterSkipType>{t}</ChapterSkipType>\n");
                }
                s += &format!(
                    "      <ChapterDisplay>\n        <ChapterString>{}</ChapterString>\n        <ChapterLanguage>eng</ChapterLanguage>\n      </ChapterDisplay>\n    </ChapterAtom>\n",
                    xml_escape(&c.title)
                );
            }
            s + "  </EditionEntry>\n</Chapters>\n"
        }
        Format::Youtube => {
            // YouTube's rules: the first chapter at 0:00, at least three, each at least 10 s.
            let list = chapters(need_duration()?);
            if list.len() < 3 {
                return Err(Error::Usage(format!("YouTube needs at least 3 chapters; these segments make {}", list.len())));
            }
            if let Some(short) = list.iter().find(|c| c.end_ms - c.start_ms < 10_000) {
                return Err(Error::Usage(format!(
                    "YouTube chapters must last at least 10 s; '{}' at {} lasts {:.1} s",
                    short.title,
                    // A clock the app restates in its own time format, to the millisecond the
                    // segment has; YouTube's whole seconds ("1:50") it could not tell from text.
                    crate::clock::clock(short.start_ms as f64 / 1000.0, 3, true),
                    (short.end_ms - short.start_ms) as f64 / 1000.0
                )));
            }
            list.iter().map(|c| format!("{} {}\n", youtube_time(c.start_ms), c.title)).collect()
        }
        Format::Webvtt => {
            let mut s = String::from("WEBVTT\n");
            for (i, c) in chapters(need_duration()?).iter().enumerate() {
                // Cue text must not contain "-->" or blank lines.
                let title = c.title.replace("-->", "->").replace('\n', " ");
                s += &format!("\n{}\n{} --> {}\n{}\n", i + 1, clock(c.start_ms, '.'), clock(c.end_ms, '.'), title);
            }
            s
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::Source;

    fn seg(kind: Kind, a: u64, b: u64) -> Segment {
        Segment { kind, start_ms: a, end_ms: b, source: Source::Predicted, confidence: None }
    }

    #[test]
    fn kodi_skips_only_what_is_sure_and_marks_the_rest() {
        let mut unsure = seg(Kind::Recap, 1_500, 11_500);
        unsure.confidence = Some(0.43);
        let mut sure = seg(Kind::Intro, 30_000, 50_000);
        sure.confidence = Some(0.96);
        let mut mine = seg(Kind::Credits, 100_000, 110_000);
        mine.source = Source::HumanVerified;
        let text = render_with(Format::Edl, &Segments { segments: vec![unsure.clone(), sure.clone(), mine], ..Default::default() }, &ExportOptions::default()).unwrap();
        assert_eq!(text, "1.500\t11.500\t2\n30.000\t50.000\t3\n100.000\t110.000\t2\n");
        // A human's intro is skipped whatever the model thought of it.
        unsure.kind = Kind::Intro;
        unsure.source = Source::HumanEdited;
        let text = render_with(Format::Edl, &Segments { segments: vec![unsure], ..Default::default() }, &ExportOptions::default()).unwrap();
        assert_eq!(text, "1.500\t11.500\t3\n");
    }

    #[test]
    fn a_resolve_edl_at_29_97_is_drop_frame_and_names_the_frame_the_app_shows() {
        use crate::clock::TimeFormat;
        let ntsc = 30000.0 / 1001.0;
        // The credits at 1:49:49.5, half a frame into 1:49:49;15 at 29.97 (a model's edge is not
        // on a frame); the intro at ten minutes, where drop-frame keeps ;00.
        let segs = Segments { segments: vec![seg(Kind::Intro, 600_000, 620_000), seg(Kind::Credits, 6_589_500, 6_600_000)], ..Default::default() };
        let o = ExportOptions { duration_ms: Some(6_700_000), fps: Some(ntsc), ..Default::default() };
        let text = render_with(Format::ResolveEdl, &segs, &o).unwrap();
        assert!(text.starts_with("TITLE: introskip\nFCM: DROP FRAME\n"), "{text}");
        // The app shows 1:49:49.5 as 01:49:49;15 (SMPTE): the marker is that frame, an hour on
        // (Resolve's timeline start). Rounded, as before, it was the next frame.
        assert_eq!(TimeFormat::Smpte.show(6_589.5, ntsc), "01:49:49;15");
        assert!(text.contains("02:49:49;15 02:49:49;16"), "{text}");
        assert_eq!(TimeFormat::Smpte.show(600.0, ntsc), "00:10:00;00");
        assert!(text.contains("01:10:00;00 01:10:00;01"), "{text}");
        // Read back at the file's rate: each edge on its frame.
        let back = import::parse_resolve_edl(&text, std::path::Path::new("m.edl"), ntsc).unwrap();
        let frame = |ms: u64| crate::clock::frame_of(ms as f64 / 1000.0, ntsc);
        for (a, b) in back.segments.iter().zip(&segs.segments) {
            assert_eq!((a.kind, frame(a.start_ms)), (b.kind, frame(b.start_ms)));
        }
        // Read without knowing the media, "FCM: DROP FRAME" says 29.97.
        let guessed = import::parse_as(import::Detected::ResolveEdl, &text, std::path::Path::new("m.edl")).unwrap();
        assert_eq!(guessed, back);
        // At 25 fps nothing changes: non-drop, the frame shown.
        let pal = render_with(Format::ResolveEdl, &segs, &ExportOptions { fps: Some(25.0), ..o }).unwrap();
        assert!(pal.starts_with("TITLE: introskip\nFCM: NON-DROP FRAME\n") && pal.contains("02:49:49:12 02:49:49:13"), "{pal}");
    }

    #[test]
    fn absurd_times_in_an_imported_file_are_refused_or_dropped_never_an_overflow() {
        let origin = std::path::Path::new("markers.edl");
        // A timecode of 2^63 hours is no timecode; |D:0 names the line; a marker past 100 hours
        // is left out (it would make the saved labels unreadable at the next open).
        assert_eq!(edl_frame("9223372036854775807:00:00:00", 25.0, false), None);
        // Two-digit hours only: the largest start leaves room for the sums after it.
        assert_eq!(edl_frame("100:00:00:00", 25.0, false), None);
        assert_eq!(edl_frame("99:59:59:24", 25.0, false), Some(((99 * 3600 + 59 * 60 + 59) * 25 + 24) as u64));
        // Drop-frame where the file says so, or the label does; an hour at 29.97 is 107,892 frames.
        let ntsc = 30000.0 / 1001.0;
        assert_eq!(edl_frame("01:00:00:00", ntsc, true), Some(107_892));
        assert_eq!(edl_frame("01:00:00;00", ntsc, false), Some(107_892));
        assert_eq!(edl_frame("01:00:00:00", ntsc, false), Some(108_000));
        assert_eq!(edl_frame("00:01:00;00", ntsc, true), None, "a label drop-frame skips");
        let event = |tc: &str, d: &str| format!("TITLE: t\n001  001      V     C        {tc} {tc} {tc} {tc}  \n |C:ResolveColorBlue |M:Intro |D:{d}\n");
        let err = import::parse_resolve_edl(&event("01:00:30:00", "0"), origin, 25.0).unwrap_err().to_string();
        assert!(err.contains("markers.edl") && err.contains("line 3") && err.contains("|D: is not a frame count of 1 or more: '0'"), "{err}");
        let huge = import::parse_as(import::Detected::ResolveEdl, &event("01:00:30:00", "18446744073709551615"), origin).unwrap();
        assert!(huge.segments.is_empty(), "{huge:?}");
        let err = import::parse_resolve_edl(&event("9223372036854775807:00:00:00", "5"), origin, 25.0).unwrap_err().to_string();
        assert!(err.contains("bad record-in timecode"), "{err}");
        let vtt = "WEBVTT\n\n18446744073709551615:00:00.000 --> 18446744073709551615:00:05.000\nIntro\n";
        let parsed = import::parse_webvtt(vtt, origin);
        assert!(parsed.as_ref().map_or(true, |s| s.segments.is_empty()), "{parsed:?}");
    }

    #[test]
    fn chapters_cover_the_file_without_gaps() {
        let s = Segments { version: 1, duration_ms: None, absent: Vec::new(), verified: false, segments: vec![seg(Kind::ColdOpen, 0, 30_000), seg(Kind::Intro, 30_000, 50_000), seg(Kind::Credits, 130_000, 140_000)], media: None };
        let c = chapters(&s, 140_500);
        let titles: Vec<_> = c.iter().map(|c| (c.title.as_str(), c.start_ms, c.end_ms)).collect();
        assert_eq!(titles, vec![("Cold open", 0, 30_000), ("Intro", 30_000, 50_000), ("Episode", 50_000, 130_000), ("Credits", 130_000, 140_000), ("Episode", 140_000, 140_500)]);
        // Stored in another order (a segment added last), the same chapters.
        let mut shuffled = s.clone();
        shuffled.segments.reverse();
        assert_eq!(chapters(&shuffled, 140_500), c);
    }

    #[test]
    fn youtube_lists_start_at_zero_or_explain_why_not() {
        let ok = Segments { version: 1, duration_ms: Some(1_500_000), absent: Vec::new(), verified: false, segments: vec![seg(Kind::Intro, 62_000, 92_000), seg(Kind::Credits, 1_440_000, 1_500_000)], media: None };
        assert_eq!(render_with(Format::Youtube, &ok, &ExportOptions { duration_ms: None, ..Default::default() }).unwrap(), "0:00 Episode\n1:02 Intro\n1:32 Episode\n24:00 Credits\n");
        let short = Segments { version: 1, duration_ms: Some(600_000), absent: Vec::new(), verified: false, segments: vec![seg(Kind::Intro, 0, 8_000)], media: None };
        let err = render_with(Format::Youtube, &short, &ExportOptions { duration_ms: None, ..Default::default() }).unwrap_err().to_string();
        assert!(err.contains("at least 3 chapters"), "{err}");
        let tiny = Segments { version: 1, duration_ms: Some(600_000), absent: Vec::new(), verified: false, segments: vec![seg(Kind::Recap, 0, 20_000), seg(Kind::Intro, 20_000, 25_000)], media: None };
        let err = render_with(Format::Youtube, &tiny, &ExportOptions { duration_ms: None, ..Default::default() }).unwrap_err().to_string();
        assert!(err.contains("'Intro' at 0:20.000 lasts 5.0 s"), "{err}");
    }

    #[test]
    fn ffmetadata_escapes_special_characters() {
        assert_eq!(ffmeta_escape("a=b;c#d\\e\nf"), "a\\=b\\;c\\#d\\\\e\\\nf");
    }
}
