//! Chapter formats that real tools read: FFMETADATA (ffmpeg), Matroska chapters XML (mkvmerge, with
//! skip types), WebVTT chapters (players, ffmpeg), CSV (spreadsheets) and our JSON sidecar.

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
        }
    }
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
    let mut out: Vec<Chapter> = Vec::new();
    let mut at = 0u64;
    let gap = |from: u64, to: u64| Chapter { start_ms: from, end_ms: to, title: Kind::Body.title().into(), kind: Kind::Body };
    for s in &segments.segments {
        let (start, end) = (s.start_ms.max(at).min(duration_ms), s.end_ms.min(duration_ms));
        if end <= start {
            continue;
        }
        if start > at {
            out.push(gap(at, start));
        }
        out.push(Chapter { start_ms: start, end_ms: end, title: s.kind.title().into(), kind: s.kind });
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

pub fn render(format: Format, segments: &Segments, duration_ms: Option<u64>) -> Result<String> {
    let need_duration = || {
        duration_ms.or(segments.duration_ms).ok_or_else(|| {
            Error::Usage("chapters must cover the whole file: give the media file (or a segments file with duration_ms)".into())
        })
    };
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&Segments { duration_ms: duration_ms.or(segments.duration_ms), ..segments.clone() })
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
            for c in chapters(segments, need_duration()?) {
                s += &format!("\n[CHAPTER]\nTIMEBASE=1/1000\nSTART={}\nEND={}\ntitle={}\n", c.start_ms, c.end_ms, ffmeta_escape(&c.title));
            }
            s
        }
        Format::MkvXml => {
            let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE Chapters SYSTEM \"matroskachapters.dtd\">\n<Chapters>\n  <EditionEntry>\n");
            for (i, c) in chapters(segments, need_duration()?).iter().enumerate() {
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
            let list = chapters(segments, need_duration()?);
            if list.len() < 3 {
                return Err(Error::Usage(format!("YouTube needs at least 3 chapters; these segments make {}", list.len())));
            }
            if let Some(short) = list.iter().find(|c| c.end_ms - c.start_ms < 10_000) {
                return Err(Error::Usage(format!(
                    "YouTube chapters must last at least 10 s; '{}' at {} lasts {:.1} s",
                    short.title,
                    youtube_time(short.start_ms),
                    (short.end_ms - short.start_ms) as f64 / 1000.0
                )));
            }
            list.iter().map(|c| format!("{} {}\n", youtube_time(c.start_ms), c.title)).collect()
        }
        Format::Webvtt => {
            let mut s = String::from("WEBVTT\n");
            for (i, c) in chapters(segments, need_duration()?).iter().enumerate() {
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
    fn chapters_cover_the_file_without_gaps() {
        let s = Segments { version: 1, duration_ms: None, segments: vec![seg(Kind::ColdOpen, 0, 30_000), seg(Kind::Intro, 30_000, 50_000), seg(Kind::Credits, 130_000, 140_000)] };
        let c = chapters(&s, 140_500);
        let titles: Vec<_> = c.iter().map(|c| (c.title.as_str(), c.start_ms, c.end_ms)).collect();
        assert_eq!(titles, vec![("Cold open", 0, 30_000), ("Intro", 30_000, 50_000), ("Episode", 50_000, 130_000), ("Credits", 130_000, 140_000), ("Episode", 140_000, 140_500)]);
    }

    #[test]
    fn youtube_lists_start_at_zero_or_explain_why_not() {
        let ok = Segments { version: 1, duration_ms: Some(1_500_000), segments: vec![seg(Kind::Intro, 62_000, 92_000), seg(Kind::Credits, 1_440_000, 1_500_000)] };
        assert_eq!(render(Format::Youtube, &ok, None).unwrap(), "0:00 Episode\n1:02 Intro\n1:32 Episode\n24:00 Credits\n");
        let short = Segments { version: 1, duration_ms: Some(600_000), segments: vec![seg(Kind::Intro, 0, 8_000)] };
        let err = render(Format::Youtube, &short, None).unwrap_err().to_string();
        assert!(err.contains("at least 3 chapters"), "{err}");
        let tiny = Segments { version: 1, duration_ms: Some(600_000), segments: vec![seg(Kind::Recap, 0, 20_000), seg(Kind::Intro, 20_000, 25_000)] };
        let err = render(Format::Youtube, &tiny, None).unwrap_err().to_string();
        assert!(err.contains("'Intro' at 0:20 lasts 5.0 s"), "{err}");
    }

    #[test]
    fn ffmetadata_escapes_special_characters() {
        assert_eq!(ffmeta_escape("a=b;c#d\\e\nf"), "a\\=b\\;c\\#d\\\\e\\\nf");
    }
}
