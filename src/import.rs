//! Readers for the segment formats [`crate::export`] writes (and what other tools write in them), so
//! existing chapter marks can be imported and corrected. The format is recognised from the
//! content. Malformed input gets an error naming the file and the line; readers never panic (they
//! are fuzzed: `tests/it/import.rs`, `fuzz/`).

use crate::error::{Error, Result};
use crate::segments::{kind_from_title, Kind, Segment, Segments, Source, VERSION};
use std::path::Path;

/// What a text looks like it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Json,
    Sis,
    Ffmetadata,
    MkvXml,
    Webvtt,
    ResolveEdl,
    Edl,
}

pub fn detect_format(text: &str) -> Option<Detected> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with(";FFMETADATA1") {
        Some(Detected::Ffmetadata)
    } else if t.starts_with("WEBVTT") {
        Some(Detected::Webvtt)
    } else if t.starts_with("<?xml") || t.starts_with("<Chapters") || t.starts_with("<!DOCTYPE Chapters") {
        Some(Detected::MkvXml)
    } else if t.starts_with("TITLE:") || t.starts_with("FCM:") {
        Some(Detected::ResolveEdl)
    } else if t.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(t).ok()?;
        if v.get("segments").is_some() {
            Some(Detected::Json)
        } else {
            Some(Detected::Sis)
        }
    } else if t.is_empty() || t.lines().next().is_some_and(|l| l.split_whitespace().next().is_some_and(|w| w.parse::<f64>().is_ok() || w.contains(':'))) {
        Some(Detected::Edl)
    } else {
        None
    }
}

/// Read segments from a file in any supported format (a media file: its chapters).
pub fn read_any(path: &Path) -> Result<Segments> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::io_error(path, e))?;
    match std::str::from_utf8(&bytes) {
        Ok(text) if detect_format(text).is_some() => parse(text, path),
        _ => Segments::from_media_chapters(path),
    }
}

/// Parse text whose format is recognised from its content; `origin` names it in errors.
pub fn parse(text: &str, origin: &Path) -> Result<Segments> {
    let text = text.trim_start_matches('\u{feff}');
    match detect_format(text) {
        Some(format) => parse_as(format, text, origin),
        None => Err(Error::input(origin, "not a segment file introskip knows (JSON, SIS labels, FFMETADATA, Matroska XML, WebVTT, EDL)")),
    }
}

/// Parse text as the given format (the fuzzers drive each reader through this).
pub fn parse_as(format: Detected, text: &str, origin: &Path) -> Result<Segments> {
    match Some(format) {
        Some(Detected::Json) => Segments::parse(text.as_bytes(), origin),
        Some(Detected::Sis) => parse_sis(text, origin),
        Some(Detected::Ffmetadata) => parse_ffmetadata(text, origin),
        Some(Detected::MkvXml) => parse_mkv_xml(text, origin),
        Some(Detected::Webvtt) => parse_webvtt(text, origin),
        Some(Detected::ResolveEdl) => parse_resolve_edl(text, origin, 25.0),
        Some(Detected::Edl) => parse_edl(text, origin),
        None => Err(Error::input(origin, "not a segment file introskip knows (JSON, SIS labels, FFMETADATA, Matroska XML, WebVTT, EDL)")),
    }
}

fn line_err(origin: &Path, line: usize, what: impl std::fmt::Display) -> Error {
    Error::input(origin, format!("line {line}: {what}"))
}

/// Chapters → segments: titles naming a part become that kind; the rest ("Episode", "Chapter 3")
/// are the episode itself and are left out.
fn from_chapters(chapters: Vec<(u64, u64, String)>, source: Source) -> Segments {
    let mut segments: Vec<Segment> = chapters
        .into_iter()
        .filter_map(|(a, b, title)| kind_from_title(&title).filter(|_| b > a).map(|kind| Segment { kind, start_ms: a, end_ms: b, source, confidence: None }))
        .collect();
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    let duration_ms = None;
    Segments { version: VERSION, duration_ms, segments }
}

fn parse_sis(text: &str, origin: &Path) -> Result<Segments> {
    let map = crate::eval::parse_sis_labels(text, origin)?;
    if map.len() != 1 {
        return Err(Error::input(origin, format!("holds {} episodes; import one episode's labels at a time (or use `introskip eval` for a set)", map.len())));
    }
    let labels = map.into_values().next().unwrap_or_default();
    let segments = labels
        .intros
        .iter()
        .map(|i| Segment { kind: Kind::Intro, start_ms: (i.start * 1000.0).round() as u64, end_ms: (i.end * 1000.0).round() as u64, source: Source::Imported, confidence: None })
        .filter(|s| s.end_ms > s.start_ms)
        .collect();
    Ok(Segments { version: VERSION, duration_ms: None, segments })
}

/// Undo FFMETADATA escaping (`\=`, `\;`, `\#`, `\\`, `\` + newline).
fn ffmeta_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn parse_ffmetadata(text: &str, origin: &Path) -> Result<Segments> {
    // Logical lines: a backslash before the newline continues the value.
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (n, mut acc) = pending.take().unwrap_or((i + 1, String::new()));
        acc.push_str(raw);
        let trailing = raw.chars().rev().take_while(|&c| c == '\\').count();
        if trailing % 2 == 1 {
            acc.pop();
            acc.push_str("\\\n");
            pending = Some((n, acc));
        } else {
            lines.push((n, acc));
        }
    }
    if let Some(p) = pending {
        lines.push(p);
    }
    let mut chapters = Vec::new();
    let mut current: Option<(usize, (i64, i64), Option<i64>, Option<i64>, String)> = None;
    let finish = |c: Option<(usize, (i64, i64), Option<i64>, Option<i64>, String)>, out: &mut Vec<(u64, u64, String)>| -> Result<()> {
        if let Some((line, (num, den), start, end, title)) = c {
            let start = start.ok_or_else(|| line_err(origin, line, "chapter without START"))?;
            let end = end.ok_or_else(|| line_err(origin, line, "chapter without END"))?;
            if start < 0 || end < start {
                return Err(line_err(origin, line, format!("chapter ends ({end}) before it starts ({start})")));
            }
            let ms = |t: i64| ((t as i128 * num as i128 * 1000) as f64 / den as f64).round() as u64;
            out.push((ms(start), ms(end), title));
        }
        Ok(())
    };
    for (n, line) in lines {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('[') {
            finish(current.take(), &mut chapters)?;
            if trimmed == "[CHAPTER]" {
                current = Some((n, (1, 1_000_000_000), None, None, String::new()));
            }
            continue;
        }
        let Some(ch) = current.as_mut() else { continue }; // global or stream metadata
        // The key ends at the first unescaped '='.
        let mut split = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '=' {
                split = Some(i);
                break;
            }
        }
        let Some(i) = split else { return Err(line_err(origin, n, format!("expected key=value, found '{}'", trimmed.chars().take(40).collect::<String>()))) };
        let (key, value) = (line[..i].trim(), &line[i + 1..]);
        let int = |v: &str| v.trim().parse::<i64>().map_err(|_| line_err(origin, n, format!("{key} is not an integer: '{}'", v.trim())));
        match key.to_ascii_uppercase().as_str() {
            "TIMEBASE" => {
                let (a, b) = value.trim().split_once('/').ok_or_else(|| line_err(origin, n, "TIMEBASE must be num/den"))?;
                let (a, b) = (int(a)?, int(b)?);
                if a <= 0 || b <= 0 {
                    return Err(line_err(origin, n, "TIMEBASE must be positive"));
                }
                ch.1 = (a, b);
            }
            "START" => ch.2 = Some(int(value)?),
            "END" => ch.3 = Some(int(value)?),
            "TITLE" => ch.4 = ffmeta_unescape(value),
            _ => {}
        }
    }
    finish(current.take(), &mut chapters)?;
    Ok(from_chapters(chapters, Source::Imported))
}

/// "HH:MM:SS.mmm" (WebVTT allows "MM:SS.mmm"); Matroska's nanosecond fractions are accepted.
fn parse_clock_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let parts: Vec<u64> = hms.split(':').map(|p| p.parse().ok()).collect::<Option<Vec<u64>>>()?;
    let secs = match parts[..] {
        [h, m, s] if m < 60 && s < 60 => (h * 60 + m) * 60 + s,
        [m, s] if s < 60 => m * 60 + s,
        _ => return None,
    };
    if !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    let nanos: u64 = format!("{frac:0<9}").parse().ok()?;
    secs.checked_mul(1000)?.checked_add((nanos + 500_000) / 1_000_000)
}

pub fn parse_webvtt(text: &str, origin: &Path) -> Result<Segments> {
    let lines: Vec<&str> = text.lines().collect();
    let mut chapters = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some((a, b)) = lines[i].split_once("-->") {
            let b = b.split_whitespace().next().unwrap_or("");
            let start = parse_clock_ms(a).ok_or_else(|| line_err(origin, i + 1, format!("bad cue start '{}'", a.trim())))?;
            let end = parse_clock_ms(b).ok_or_else(|| line_err(origin, i + 1, format!("bad cue end '{b}'")))?;
            if end < start {
                return Err(line_err(origin, i + 1, "cue ends before it starts"));
            }
            let mut title = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().is_empty() {
                title.push(lines[i].trim());
                i += 1;
            }
            chapters.push((start, end, title.join(" ")));
        }
        i += 1;
    }
    Ok(from_chapters(chapters, Source::Imported))
}

/// Text between `<tag>` and `</tag>` inside `block`, XML entities decoded.
fn xml_field<'a>(block: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let a = block.find(&open)? + open.len();
    let b = block[a..].find(&close)? + a;
    Some(&block[a..b])
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

pub fn parse_mkv_xml(text: &str, origin: &Path) -> Result<Segments> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut segments = Vec::new();
    let mut at = 0;
    while let Some(rel) = text[at..].find("<ChapterAtom>") {
        let start = at + rel;
        let end = text[start..].find("</ChapterAtom>").map(|e| start + e).ok_or_else(|| line_err(origin, line_of(start), "ChapterAtom is not closed"))?;
        let block = &text[start..end];
        let line = line_of(start);
        let t0 = xml_field(block, "ChapterTimeStart").ok_or_else(|| line_err(origin, line, "ChapterAtom without ChapterTimeStart"))?;
        let t0 = parse_clock_ms(t0).ok_or_else(|| line_err(origin, line, format!("bad ChapterTimeStart '{t0}'")))?;
        let t1 = match xml_field(block, "ChapterTimeEnd") {
            Some(t) => Some(parse_clock_ms(t).ok_or_else(|| line_err(origin, line, format!("bad ChapterTimeEnd '{t}'")))?),
            None => None,
        };
        let title = xml_field(block, "ChapterString").map(xml_unescape).unwrap_or_default();
        // ChapterSkipType says what the part is even when the title does not.
        let kind = match xml_field(block, "ChapterSkipType").map(str::trim) {
            Some("1") => Some(Kind::Intro),
            Some("2") => Some(Kind::Credits),
            Some("3") => Some(Kind::Recap),
            Some("4") => Some(Kind::Preview),
            _ => kind_from_title(&title),
        };
        if let (Some(kind), Some(t1)) = (kind, t1) {
            if t1 > t0 {
                segments.push(Segment { kind, start_ms: t0, end_ms: t1, source: Source::Imported, confidence: None });
            }
        }
        at = end + "</ChapterAtom>".len();
    }
    if segments.is_empty() && !text.contains("<Chapters") {
        return Err(Error::input(origin, "not a Matroska chapters XML file (no <Chapters>)"));
    }
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    Ok(Segments { version: VERSION, duration_ms: None, segments })
}

/// Kodi / MPlayer EDL: "start end action" in seconds (or H:MM:SS.sss); actions 3 (and 0: cut) are
/// skipped parts, read as intro when they are the first, 2 are scene markers (kept only when
/// introskip's own writer left a recognisable order: an EDL has no titles).
pub fn parse_edl(text: &str, origin: &Path) -> Result<Segments> {
    let mut spans = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = l.split_whitespace().collect();
        if fields.len() < 2 {
            return Err(line_err(origin, i + 1, "expected 'start end [action]'"));
        }
        let time = |s: &str| -> Option<u64> {
            if s.contains(':') {
                parse_clock_ms(s)
            } else {
                s.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0 && *x < 1e9).map(|x| (x * 1000.0).round() as u64)
            }
        };
        let a = time(fields[0]).ok_or_else(|| line_err(origin, i + 1, format!("bad start time '{}'", fields[0])))?;
        let b = time(fields[1]).ok_or_else(|| line_err(origin, i + 1, format!("bad end time '{}'", fields[1])))?;
        if b < a {
            return Err(line_err(origin, i + 1, "ends before it starts"));
        }
        let action: u8 = match fields.get(2) {
            None => 0,
            Some(x) => x.parse().ok().filter(|a| *a <= 3).ok_or_else(|| line_err(origin, i + 1, format!("action must be 0–3, found '{x}'")))?,
        };
        spans.push((a, b, action));
    }
    // Skipped spans near the start are recap then intro; markers after are credits then preview.
    let skipped: Vec<&(u64, u64, u8)> = spans.iter().filter(|s| s.2 == 3 || s.2 == 0).collect();
    let mut segments = Vec::new();
    for (k, &&(a, b, _)) in skipped.iter().enumerate() {
        let kind = if skipped.len() >= 2 && k + 1 < skipped.len() { Kind::Recap } else { Kind::Intro };
        segments.push(Segment { kind, start_ms: a, end_ms: b, source: Source::Imported, confidence: None });
    }
    let markers: Vec<&(u64, u64, u8)> = spans.iter().filter(|s| s.2 == 2).collect();
    for (k, &&(a, b, _)) in markers.iter().enumerate() {
        let kind = if skipped.is_empty() && k == 0 && markers.len() == 1 { Kind::Intro } else if k == 0 { Kind::Credits } else { Kind::Preview };
        segments.push(Segment { kind, start_ms: a, end_ms: b, source: Source::Imported, confidence: None });
    }
    segments.retain(|s| s.end_ms > s.start_ms);
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    Ok(Segments { version: VERSION, duration_ms: None, segments })
}

/// Resolve marker EDL: `|M:` names the kind, `|D:` the duration in frames at `fps`; record-in
/// timecodes are relative to the first hour when they start at 01:00:00:00 (Resolve's default).
pub fn parse_resolve_edl(text: &str, origin: &Path, fps: f64) -> Result<Segments> {
    let base = fps.round().max(1.0) as u64;
    let mut segments = Vec::new();
    let mut pending: Option<(usize, u64)> = None;
    let mut offset: Option<u64> = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with("TITLE:") || l.starts_with("FCM:") || l.is_empty() {
            continue;
        }
        if l.starts_with('|') || l.starts_with("* ") {
            let (n, start) = pending.take().ok_or_else(|| line_err(origin, i + 1, "marker comment without an event line before it"))?;
            let field = |key: &str| l.split('|').map(str::trim).find_map(|f| f.strip_prefix(key)).map(str::trim);
            let name = field("M:").unwrap_or("");
            let frames: u64 = match field("D:") {
                Some(d) => d.parse().map_err(|_| line_err(origin, i + 1, format!("|D: is not a frame count: '{d}'")))?,
                None => 1,
            };
            let _ = n;
            if let Some(kind) = kind_from_title(name) {
                let ms = |f: u64| (f as f64 / fps * 1000.0).round() as u64;
                let origin_frames = *offset.get_or_insert(if start >= 3600 * base { 3600 * base } else { 0 });
                let a = start.saturating_sub(origin_frames);
                segments.push(Segment { kind, start_ms: ms(a), end_ms: ms(a + frames), source: Source::Imported, confidence: None });
            }
            continue;
        }
        let fields: Vec<&str> = l.split_whitespace().collect();
        if fields.len() < 8 || fields[0].parse::<u32>().is_err() {
            return Err(line_err(origin, i + 1, "expected a CMX3600 event line (number, reel, track, transition, four timecodes)"));
        }
        let rec_in = parse_timecode_checked(fields[6], base).ok_or_else(|| line_err(origin, i + 1, format!("bad record-in timecode '{}'", fields[6])))?;
        pending = Some((i + 1, rec_in));
    }
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    Ok(Segments { version: VERSION, duration_ms: None, segments })
}

fn parse_timecode_checked(tc: &str, base: u64) -> Option<u64> {
    crate::export::parse_timecode(tc, base)
}
