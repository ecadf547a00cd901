//! Readers for the segment formats [`crate::formats`] writes (and what other tools write in them), so
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
    } else if t.starts_with('{') || t.starts_with('[') {
        // Broken JSON is still JSON: its reader says where it breaks (line, column).
        let Ok(v) = serde_json::from_str::<serde_json::Value>(t) else { return Some(Detected::Json) };
        if v.get("segments").is_some() || !v.is_object() {
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
/// A text file (no NUL byte in its first 4 KiB) is read as labels and must parse as one, so a
/// broken label file says what is wrong with it instead of "not a media file"; anything else is
/// media. Never reads more than [`crate::fsio::MAX_TEXT_FILE`], and never blocks on a fifo.
pub fn read_any(path: &Path) -> Result<Segments> {
    read_labels_file(path).map(|(segments, _)| segments)
}

/// [`read_any`], with the format the text was read as (None for a media file's chapters): an
/// SIS file holds intros only, so the app lets it replace only the intro.
pub fn read_labels_file(path: &Path) -> Result<(Segments, Option<Detected>)> {
    read_labels_file_at(path, None)
}

/// [`read_labels_file`] for a media file whose frame rate is known: a Resolve EDL counts in
/// frames, and is read at that rate (else at 29.97 where it says drop-frame, 25 otherwise).
pub fn read_labels_file_at(path: &Path, fps: Option<f64>) -> Result<(Segments, Option<Detected>)> {
    use std::io::Read;
    crate::fsio::check_regular_file(path)?;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).map_err(|e| crate::error::io_error(path, e))?;
    if head.is_empty() {
        return Err(Error::input(path, "file is empty (0 bytes)"));
    }
    if head.contains(&0) {
        return media_chapters(path).map(|s| (sane(s), None));
    }
    let bytes = crate::fsio::read_bounded(path, crate::fsio::MAX_TEXT_FILE)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| Error::input(path, format!("not UTF-8 text (invalid byte at offset {}); save the labels as UTF-8", e.valid_up_to())))?;
    let format = detect_format(text.trim_start_matches('\u{feff}'));
    match format {
        Some(f) => parse_format(f, text.trim_start_matches('\u{feff}'), path, fps).map(|s| (sane(s), format)),
        None => parse(text, path).map(|s| (s, format)),
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
    parse_format(format, text, origin, None).map(sane)
}

/// What a labels file may hold, whichever reader made it: a segment that is empty or ends past
/// 100 hours would make the saved labels unreadable (and so lost) at the next open.
fn sane(mut segments: Segments) -> Segments {
    segments.segments.retain(Segment::is_storable);
    segments
}

fn parse_format(format: Detected, text: &str, origin: &Path, fps: Option<f64>) -> Result<Segments> {
    match Some(format) {
        Some(Detected::Json) => Segments::parse(text.as_bytes(), origin),
        Some(Detected::Sis) => parse_sis(text, origin),
        Some(Detected::Ffmetadata) => parse_ffmetadata(text, origin),
        Some(Detected::MkvXml) => parse_mkv_xml(text, origin),
        Some(Detected::Webvtt) => parse_webvtt(text, origin),
        Some(Detected::ResolveEdl) => {
            let fps = fps.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(if says_drop_frame(text) { 30000.0 / 1001.0 } else { 25.0 });
            parse_resolve_edl(text, origin, fps)
        }
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
    Segments { version: VERSION, duration_ms, absent: Vec::new(), verified: false, segments, media: None }
}

fn parse_sis(text: &str, origin: &Path) -> Result<Segments> {
    let map = parse_sis_labels(text, origin)?;
    if map.len() != 1 {
        return Err(Error::input(origin, format!("holds {} episodes; import one episode's labels at a time (or use `introskip eval` for a set)", map.len())));
    }
    let labels = map.into_values().next().unwrap_or_default();
    let segments: Vec<Segment> = labels
        .intros
        .iter()
        .map(|i| Segment { kind: Kind::Intro, start_ms: (i.start * 1000.0).round() as u64, end_ms: (i.end * 1000.0).round() as u64, source: Source::Imported, confidence: None })
        .filter(|s| s.end_ms > s.start_ms)
        .collect();
    // Only empty spans (start = end): the episode has no intro, decided.
    let absent = if segments.is_empty() && !labels.intros.is_empty() { vec![Kind::Intro] } else { Vec::new() };
    Ok(Segments { version: VERSION, duration_ms: None, absent, verified: false, segments, media: None })
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
            let ms = |t: i64| (t as i128).checked_mul(num as i128).and_then(|v| v.checked_mul(1000)).map(|v| (v as f64 / den as f64).round());
            let (Some(a), Some(b)) = (ms(start), ms(end)) else {
                return Err(line_err(origin, line, "chapter times overflow with this TIMEBASE"));
            };
            if b > crate::clock::MAX_TIME_S * 1000.0 {
                return Err(line_err(origin, line, "chapter time beyond 100 hours"));
            }
            out.push((a as u64, b as u64, title));
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
        [h, m, s] if m < 60 && s < 60 => h.checked_mul(3600)?.checked_add(m * 60 + s)?,
        [m, s] if s < 60 => m.checked_mul(60)?.checked_add(s)?,
        _ => return None,
    };
    if !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    let nanos: u64 = format!("{frac:0<9}").parse().ok()?;
    if secs as f64 > crate::clock::MAX_TIME_S {
        return None;
    }
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



/// Matroska chapters XML (mkvmerge's format), read by a real XML parser (quick-xml): comments,
/// CDATA and entities mean what XML says, nested atoms are chapters of their own, anything that is
/// not well-formed is an error with its line, and the work is linear in the file's size.
pub fn parse_mkv_xml(text: &str, origin: &Path) -> Result<Segments> {
    use quick_xml::events::Event;
    #[derive(Default)]
    struct Atom {
        line: usize,
        start: Option<String>,
        end: Option<String>,
        title: Option<String>,
        skip: Option<String>,
    }
    let mut lines = LineCounter::new(text);
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut atoms: Vec<Atom> = Vec::new();
    let mut content = String::new();
    let mut saw_chapters = false;
    let mut segments = Vec::new();
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let line = LineCounter::new(text).line_at(reader.error_position() as usize);
            line_err(origin, line, format!("not well-formed XML: {e}"))
        })?;
        let name_of = |raw: &[u8]| String::from_utf8_lossy(raw).into_owned();
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = name_of(e.name().as_ref());
                saw_chapters |= name == "Chapters";
                if name == "ChapterAtom" {
                    atoms.push(Atom { line: lines.line_at(at), ..Default::default() });
                }
                open.push(name);
                content.clear();
            }
            Event::Empty(e) => saw_chapters |= e.name().as_ref() == b"Chapters",
            Event::Text(t) => {
                let piece = t.decode().map_err(|e| line_err(origin, lines.line_at(at), format!("bad text: {e}")))?;
                if open.is_empty() && !piece.trim().is_empty() {
                    return Err(line_err(origin, lines.line_at(at), "text outside the <Chapters> element"));
                }
                content.push_str(&piece);
            }
            Event::CData(c) => content.push_str(&String::from_utf8_lossy(&c)),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r {
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"amp" => Some('&'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                let c = resolved.ok_or_else(|| line_err(origin, lines.line_at(at), format!("unknown entity '&{};'", String::from_utf8_lossy(&r))))?;
                content.push(c);
            }
            Event::End(e) => {
                let name = name_of(e.name().as_ref());
                open.pop();
                let value = std::mem::take(&mut content).trim().to_string();
                if name == "ChapterAtom" {
                    let a = atoms.pop().unwrap_or_default();
                    let line = a.line;
                    let t0 = a.start.ok_or_else(|| line_err(origin, line, "ChapterAtom without ChapterTimeStart"))?;
                    let t0 = parse_clock_ms(&t0).ok_or_else(|| line_err(origin, line, format!("bad ChapterTimeStart '{t0}'")))?;
                    let t1 = match a.end {
                        Some(t) => Some(parse_clock_ms(&t).ok_or_else(|| line_err(origin, line, format!("bad ChapterTimeEnd '{t}'")))?),
                        None => None,
                    };
                    let title = a.title.unwrap_or_default();
                    // ChapterSkipType says what the part is even when the title does not.
                    let kind = match a.skip.as_deref() {
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
                } else if let Some(a) = atoms.last_mut() {
                    match name.as_str() {
                        "ChapterTimeStart" => a.start = Some(value),
                        "ChapterTimeEnd" => a.end = Some(value),
                        // The first display string names the chapter (others are translations).
                        "ChapterString" if a.title.is_none() => a.title = Some(value),
                        "ChapterSkipType" => a.skip = Some(value),
                        _ => {}
                    }
                }
            }
            // Declarations, comments, processing instructions and doctypes carry no chapters.
            _ => {}
        }
    }
    if let Some(unclosed) = open.last() {
        return Err(line_err(origin, lines.line_at(text.len()), format!("<{unclosed}> is not closed")));
    }
    if !saw_chapters {
        return Err(Error::input(origin, "not a Matroska chapters XML file (no <Chapters>)"));
    }
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    Ok(Segments { version: VERSION, duration_ms: None, absent: Vec::new(), verified: false, segments, media: None })
}

/// Line numbers of byte offsets that only grow, in linear time overall.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), at: 0, line: 1 }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.text[self.at..offset].iter().filter(|&&b| b == b'\n').count();
        self.at = offset;
        self.line
    }
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
                s.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0 && *x <= crate::clock::MAX_TIME_S).map(|x| (x * 1000.0).round() as u64)
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
    Ok(Segments { version: VERSION, duration_ms: None, absent: Vec::new(), verified: false, segments, media: None })
}

/// Resolve marker EDL: `|M:` names the kind, `|D:` the duration in frames at `fps`; record-in
/// timecodes are relative to the first hour when they start at 01:00:00:00 (Resolve's default).
pub fn parse_resolve_edl(text: &str, origin: &Path, fps: f64) -> Result<Segments> {
    let drop_frame = says_drop_frame(text);
    let one_hour = crate::formats::edl_frame("01:00:00:00", fps, drop_frame).unwrap_or(u64::MAX);
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
                Some(d) => d.parse().ok().filter(|&f| f > 0).ok_or_else(|| line_err(origin, i + 1, format!("|D: is not a frame count of 1 or more: '{d}'")))?,
                None => 1,
            };
            let _ = n;
            if let Some(kind) = kind_from_title(name) {
                // The first millisecond of the frame (rounded, 29.97's frame 17,982 came back as
                // 599,999 ms, inside the frame before).
                let ms = |f: u64| (f as f64 / fps * 1000.0 - 1e-6).ceil().max(0.0) as u64;
                let origin_frames = *offset.get_or_insert(if start >= one_hour { one_hour } else { 0 });
                let a = start.saturating_sub(origin_frames);
                segments.push(Segment { kind, start_ms: ms(a), end_ms: ms(a.saturating_add(frames)), source: Source::Imported, confidence: None });
            }
            continue;
        }
        let fields: Vec<&str> = l.split_whitespace().collect();
        if fields.len() < 8 || fields[0].parse::<u32>().is_err() {
            return Err(line_err(origin, i + 1, "expected a CMX3600 event line (number, reel, track, transition, four timecodes)"));
        }
        let rec_in = crate::formats::edl_frame(fields[6], fps, drop_frame).ok_or_else(|| line_err(origin, i + 1, format!("bad record-in timecode '{}'", fields[6])))?;
        pending = Some((i + 1, rec_in));
    }
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    Ok(Segments { version: VERSION, duration_ms: None, absent: Vec::new(), verified: false, segments, media: None })
}

/// An EDL whose header says `FCM: DROP FRAME`.
fn says_drop_frame(text: &str) -> bool {
    text.lines().any(|l| l.trim().strip_prefix("FCM:").is_some_and(|m| m.trim().eq_ignore_ascii_case("DROP FRAME")))
}

/// Import the chapters already inside a media file (MKV, MP4, …): titles that name a part
/// (Intro/Opening/OP, Recap/Previously, Credits/Ending/ED, Preview/Next time, Cold open) become
/// segments of that kind; other chapters are the episode itself and are left out.
pub fn media_chapters(path: &Path) -> Result<Segments> {
    let info = crate::video::probe(path)?;
    let input = crate::video::open_input(path)?;
    let mut segments = Vec::new();
    for ch in input.chapters() {
        let title = crate::video::tag(&ch.metadata(), "title").unwrap_or_default().to_lowercase();
        let Some(kind) = kind_from_title(&title) else { continue };
        let tb = ch.time_base();
        let to_ms = |t: i64| (t as f64 * tb.numerator() as f64 / tb.denominator() as f64 * 1000.0).round().max(0.0) as u64;
        let (start, end) = (to_ms(ch.start()), to_ms(ch.end()));
        if end > start {
            segments.push(Segment { kind, start_ms: start, end_ms: end, source: Source::Imported, confidence: None });
        }
    }
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    Ok(Segments { version: crate::segments::VERSION, duration_ms: info.duration_s.map(|d| (d * 1000.0).round() as u64), absent: Vec::new(), verified: false, segments, media: None })
}

/// An SIS labels.json text: episode name → labels.
pub fn parse_sis_labels(text: &str, path: &Path) -> Result<std::collections::BTreeMap<String, crate::segments::Labels>> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::input(path, format!("not valid JSON: {e}")))?;
    parse_sis_object(&doc, path)
}

pub fn parse_sis_object(doc: &serde_json::Value, path: &Path) -> Result<std::collections::BTreeMap<String, crate::segments::Labels>> {
    let field_err = |field: &str, what: &str| Error::input(path, format!("field '{field}': {what}"));
    let num = |v: &serde_json::Value, field: &str| -> Result<f64> {
        match v {
            serde_json::Value::Number(n) => n.as_f64().filter(|x| x.is_finite() && *x >= 0.0 && *x <= crate::clock::MAX_TIME_S).ok_or_else(|| field_err(field, "not a time (0 to 100 hours)")),
            serde_json::Value::String(s) => crate::clock::parse_clock(s).ok_or_else(|| field_err(field, &format!("'{s}' is not a time (H:MM:SS or seconds)"))),
            _ => Err(field_err(field, "missing or not a time")),
        }
    };
    let mut out = std::collections::BTreeMap::new();
    let map = doc.as_object().ok_or_else(|| Error::input(path, "expected our segment JSON or an SIS labels.json object"))?;
    for (id, entry) in map {
        let name = entry.get("name").and_then(|n| n.as_str()).unwrap_or(id).to_string();
        let start = num(entry.get("start").unwrap_or(&serde_json::Value::Null), &format!("{id}.start"))?;
        let end = num(entry.get("end").unwrap_or(&serde_json::Value::Null), &format!("{id}.end"))?;
        if end < start {
            return Err(field_err(&format!("{id}.end"), "ends before it starts"));
        }
        out.insert(name, crate::segments::Labels { intros: vec![crate::segments::Interval { start, end }], ..Default::default() });
    }
    Ok(out)
}


