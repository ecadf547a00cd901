//! Lossless remux with chapters: a copy of the episode (MKV or MP4) with every stream, its
//! metadata and dispositions, and our chapters in place of the source's. Packets are copied, never
//! decoded. The copy is written to a temporary file beside the target and renamed when complete,
//! so a failed or interrupted run leaves nothing half-written; the source is never the target.

use crate::error::{io_error, Error, Result};
use crate::formats::{chapters, ExportOptions};
use crate::segments::Segments;
use ffmpeg_next as ffmpeg;
use std::path::Path;

/// What the copy holds, for the caller to report.
pub struct RemuxReport {
    pub streams: usize,
    pub chapters: usize,
    pub packets: u64,
}

/// The container tag every copy carries.
const MARK_KEY: &str = "introskip";

/// Whether `file` is a copy introskip wrote (it carries the `introskip` container tag).
pub fn made_by_introskip(file: &Path) -> bool {
    crate::video::init();
    crate::video::open_input(file).is_ok_and(|ictx| crate::video::tag(&ictx.metadata(), MARK_KEY).is_some())
}

/// How the copy's chapters are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ChapterNames {
    /// Each chapter by its kind (with the options' title overrides): Intro, Recap, Episode, …
    #[default]
    ByKind,
    /// Emby's markers: the chapter starting where the intro starts is `IntroStart`, the one
    /// starting where it ends `IntroEnd`, the credits' `CreditsStart`; the others by kind.
    EmbyMarkers,
}

pub fn remux(source: &Path, segments: &Segments, target: &Path, options: &ExportOptions) -> Result<RemuxReport> {
    remux_named(source, segments, target, options, ChapterNames::ByKind)
}

/// The titles of `list` under `names`.
pub fn chapter_titles(list: &[crate::formats::Chapter], options: &ExportOptions, names: ChapterNames) -> Vec<String> {
    use crate::segments::Kind;
    list.iter()
        .enumerate()
        .map(|(i, c)| match names {
            ChapterNames::ByKind => options.title(c.kind),
            ChapterNames::EmbyMarkers => match c.kind {
                Kind::Intro => "IntroStart".into(),
                // Split credits: the last part is where Emby's "Up Next" begins, not the
                // first (a scene plays between them).
                Kind::Credits if list[i + 1..].iter().any(|c| c.kind == Kind::Credits) => options.title(c.kind),
                Kind::Credits => "CreditsStart".into(),
                _ if i > 0 && list[i - 1].kind == Kind::Intro => "IntroEnd".into(),
                _ => options.title(c.kind),
            },
        })
        .collect()
}

pub fn remux_named(source: &Path, segments: &Segments, target: &Path, options: &ExportOptions, names: ChapterNames) -> Result<RemuxReport> {
    crate::video::init();
    let same = |a: &Path, b: &Path| std::fs::canonicalize(a).ok().zip(std::fs::canonicalize(b).ok()).is_some_and(|(a, b)| a == b);
    if same(source, target) || source == target {
        return Err(Error::input(target, "refusing to overwrite the source episode: choose another --out"));
    }
    let muxer = match target.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("mkv") => "matroska",
        Some("mp4" | "m4v") => "mp4",
        Some("mov") => "mov",
        _ => return Err(Error::input(target, "the copy must be .mkv, .mp4 or .mov")),
    };
    let info = crate::video::probe(source)?;
    let duration_ms = info.duration_s.map(|d| (d * 1000.0).round() as u64).ok_or_else(|| Error::input(source, "unknown duration: chapters must cover the whole file"))?;
    let mut ictx = crate::video::open_input(source)?;
    // Packets without a presentation time (MPEG program streams) get one from the demuxer, as
    // `ffmpeg -fflags +genpts` does: Matroska and MP4 need timestamps on every packet.
    unsafe { (*ictx.as_mut_ptr()).flags |= ffmpeg::ffi::AVFMT_FLAG_GENPTS as i32 };
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let result = (|| -> Result<RemuxReport> {
        // ffmpeg-next takes the output path as UTF-8 (and panics otherwise).
        if tmp.to_str().is_none() {
            return Err(Error::input(target, "cannot write here: the folder's name is not valid UTF-8, which FFmpeg's muxer needs; choose another output folder"));
        }
        let mut octx = ffmpeg::format::output_as(&tmp, muxer).map_err(|e| Error::input(&tmp, format!("cannot create: {e}")))?;
        let mut mapping = vec![-1i64; ictx.nb_streams() as usize];
        let mut in_tb = vec![ffmpeg::Rational(0, 1); ictx.nb_streams() as usize];
        let mut next = 0i64;
        for ist in ictx.streams() {
            let medium = ist.parameters().medium();
            if !matches!(medium, ffmpeg::media::Type::Video | ffmpeg::media::Type::Audio | ffmpeg::media::Type::Subtitle | ffmpeg::media::Type::Attachment) {
                continue;
            }
            mapping[ist.index()] = next;
            in_tb[ist.index()] = ist.time_base();
            next += 1;
            let mut ost = octx.add_stream(ffmpeg::encoder::find(ffmpeg::codec::Id::None)).map_err(|e| Error::input(target, format!("cannot add stream {}: {e}", ist.index())))?;
            ost.set_parameters(ist.parameters());
            ost.set_time_base(ist.time_base());
            ost.set_metadata(crate::video::copy_tags(&ist.metadata()));
            // SAFETY: both streams are live for this scope; these are plain fields. codec_tag 0
            // lets the target container pick its own tag (ffmpeg's remux example does the same).
            unsafe {
                (*ost.parameters().as_mut_ptr()).codec_tag = 0;
                (*ost.as_mut_ptr()).disposition = (*ist.as_ptr()).disposition;
            }
        }
        // The copy says it is one (`introskip=chapters`): `scan --in-place` replaces only
        // episodes it made itself once a backup exists.
        let mut metadata = crate::video::copy_tags(&ictx.metadata());
        metadata.set(MARK_KEY, "chapters");
        octx.set_metadata(metadata);
        let list = chapters(segments, duration_ms);
        let titles = chapter_titles(&list, options, names);
        for (i, (c, title)) in list.iter().zip(titles).enumerate() {
            octx.add_chapter(i as i64 + 1, ffmpeg::Rational(1, 1000), c.start_ms as i64, c.end_ms as i64, &title)
                .map_err(|e| Error::internal(format!("cannot add chapter '{title}': {e}")))?;
        }
        // What the muxer refuses comes from the source (its streams, its timestamps): name it.
        // MP4 and MOV keep free-form tags only when asked to.
        let mut header = ffmpeg::Dictionary::new();
        if muxer != "matroska" {
            header.set("movflags", "use_metadata_tags");
        }
        octx.write_header_with(header).map_err(|e| Error::input(source, format!("its streams cannot be copied into {muxer} ({e})")))?;
        let mut packets = 0u64;
        for (stream, mut packet) in ictx.packets() {
            let index = stream.index();
            // Transport streams and FLV add streams while they are read: one the header did
            // not list is not copied.
            let (Some(&out_index), Some(&tb)) = (mapping.get(index), in_tb.get(index)) else { continue };
            if out_index < 0 {
                continue;
            }
            let out_tb = octx.stream(out_index as usize).map(|s| s.time_base()).ok_or_else(|| Error::internal("output stream vanished"))?;
            packet.rescale_ts(tb, out_tb);
            packet.set_position(-1);
            packet.set_stream(out_index as usize);
            packet.write_interleaved(&mut octx).map_err(|e| Error::input(source, format!("packet {packets} cannot be copied into {muxer} ({e}): damaged, or timestamps that go backwards")))?;
            packets += 1;
        }
        octx.write_trailer().map_err(|e| Error::input(source, format!("the copy could not be finished ({e}): damaged, or timestamps the {muxer} muxer refuses")))?;
        Ok(RemuxReport { streams: next as usize, chapters: list.len(), packets })
    })();
    match result {
        Ok(report) => {
            std::fs::rename(&tmp, target).map_err(|e| io_error(target, e))?;
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
