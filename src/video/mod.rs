//! Stage 1 of the pipeline: open an episode, describe it ([`probe`]) and sample one frame per
//! second of presentation time ([`sampler`]).

pub mod audio;
pub(crate) mod convert;
pub mod cuts;
pub mod frames;
pub mod keyframes;
pub mod probe;
pub mod sampler;
pub(crate) mod x264;

pub use probe::{probe, MediaInfo, VideoInfo, MAX_ASPECT};
pub use sampler::{DEFAULT_WINDOW_S, sample_all, spawn_sampler, Sample, SampleReport, SamplerConfig, SamplerEvent, SamplerHandle, Strategy};

use crate::error::{io_error, Error, Result};
use ffmpeg_next as ffmpeg;
use std::path::Path;
use std::sync::Once;

/// A metadata tag's value, its bytes made UTF-8 where they are not: ffmpeg-next's
/// `DictionaryRef::get` hands the bytes out as a `&str` unchecked, and a tag holds whatever the
/// muxer wrote (Latin-1 titles in AVI and MP4 files are common).
pub fn tag(dict: &ffmpeg::DictionaryRef<'_>, key: &str) -> Option<String> {
    let key = std::ffi::CString::new(key).ok()?;
    // SAFETY: the dictionary outlives this call; av_dict_get returns null or an entry whose value
    // is a NUL-terminated string owned by the dictionary, copied out before returning.
    unsafe {
        let entry = ffmpeg::ffi::av_dict_get(dict.as_ptr(), key.as_ptr(), std::ptr::null(), 0);
        if entry.is_null() || (*entry).value.is_null() {
            None
        } else {
            Some(std::ffi::CStr::from_ptr((*entry).value).to_string_lossy().into_owned())
        }
    }
}

/// A copy of a stream's or file's tags, byte for byte (ffmpeg-next's `to_owned` goes through the
/// same unchecked `&str`s as [`tag`]).
pub fn copy_tags(dict: &ffmpeg::DictionaryRef<'_>) -> ffmpeg::Dictionary<'static> {
    let mut copy: *mut ffmpeg::ffi::AVDictionary = std::ptr::null_mut();
    // SAFETY: av_dict_copy allocates `copy` (left null on failure: an empty dictionary) from a
    // live dictionary; the owned wrapper frees it.
    unsafe {
        ffmpeg::ffi::av_dict_copy(&mut copy, dict.as_ptr(), 0);
        ffmpeg::Dictionary::own(copy)
    }
}

/// Initialise FFmpeg once per process and keep its own logging quiet: we report errors ourselves,
/// one line per problem, naming the file. `INTROSKIP_FFMPEG_LOG=1` turns FFmpeg's messages back on.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = ffmpeg::init();
        let level = if std::env::var_os("INTROSKIP_FFMPEG_LOG").is_some() {
            ffmpeg::util::log::Level::Warning
        } else {
            ffmpeg::util::log::Level::Fatal
        };
        ffmpeg::util::log::set_level(level);
    });
}

/// An opened file with its chosen video stream.
pub(crate) struct Opened {
    pub input: ffmpeg::format::context::Input,
    pub video_index: usize,
    pub path: std::path::PathBuf,
}

impl Opened {
    pub fn input_path(&self) -> std::path::PathBuf {
        self.path.clone()
    }
}

/// Open `path` for reading, turning every way a file can be unusable into a one-line error.
pub(crate) fn open(path: &Path) -> Result<Opened> {
    init();
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(Error::input(path, "is a folder, not a video file"));
    }
    // A fifo would block FFmpeg forever; a device never ends.
    crate::fsio::check_regular_file(path)?;
    if meta.len() == 0 {
        return Err(Error::input(path, "file is empty (0 bytes)"));
    }
    let input = open_format(path).map_err(|e| match e {
        ffmpeg::Error::InvalidData => Error::input(path, "not a media file FFmpeg can read (invalid data: another kind of file, or a damaged or truncated one)"),
        other => Error::input(path, format!("cannot open as media: {other}")),
    })?;
    let video_index = input
        .streams()
        .filter(|s| s.parameters().medium() == ffmpeg::media::Type::Video)
        // Cover art in audio files is a "video" stream with one picture; it is not an episode.
        .filter(|s| !s.disposition().contains(ffmpeg::format::stream::Disposition::ATTACHED_PIC))
        .max_by_key(|s| {
            let p = unsafe { &*s.parameters().as_ptr() };
            (p.width as i64) * (p.height as i64)
        })
        .map(|s| s.index());
    let Some(video_index) = video_index else {
        let audio = input.streams().filter(|s| s.parameters().medium() == ffmpeg::media::Type::Audio).count();
        let message = if audio > 0 {
            format!("no video stream (audio only: {audio} audio stream{})", if audio == 1 { "" } else { "s" })
        } else {
            "no video stream".to_string()
        };
        return Err(Error::input(path, message));
    };
    let mut input = input;
    load_deferred_index(&mut input, video_index);
    Ok(Opened { input, video_index, path: path.to_path_buf() })
}

/// Matroska and WebM keep their keyframe index (Cues) after the clusters, and FFmpeg reads it only
/// on the first seek: until then the stream has no index, and the sampler would see no keyframe
/// to split the work between cores at or to seek to. One seek to the start reads it (where the
/// Cues were read at open, the seek only rewinds); reading then begins at the start as before.
/// Other formats index at open; a file without Cues, or one that cannot seek, stays as it was.
fn load_deferred_index(input: &mut ffmpeg::format::context::Input, video_index: usize) {
    // The demuxer indexes the keyframes it has read so far (those `find_stream_info` read), so
    // a stream's index is not empty before the Cues are read: seek in every Matroska file.
    if !input.format().name().contains("matroska") || input.stream(video_index).is_none() {
        return;
    }
    let start = match unsafe { (*input.as_ptr()).start_time } {
        ffmpeg::ffi::AV_NOPTS_VALUE => 0,
        t => t,
    };
    // SAFETY: a seek on an open context; on failure FFmpeg leaves the position where it was
    // (at the first cluster, where nothing has been read yet).
    unsafe {
        ffmpeg::ffi::avformat_seek_file(input.as_mut_ptr(), -1, i64::MIN, start, start, 0);
    }
}

/// `avformat_open_input` on the path's own bytes. ffmpeg-next's `format::input` unwraps the path
/// as UTF-8 and panics on a name like `café.mp4` in Latin-1; such files must open like any other.
fn open_format(path: &Path) -> std::result::Result<ffmpeg::format::context::Input, ffmpeg::Error> {
    use ffmpeg::ffi;
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| ffmpeg::Error::InvalidData)?;
    // SAFETY: the same calls as ffmpeg-next's `format::input`, on a valid NUL-terminated path;
    // the context is closed on every failure and owned by `Input` on success.
    unsafe {
        let mut ps = std::ptr::null_mut();
        match ffi::avformat_open_input(&mut ps, c_path.as_ptr(), std::ptr::null_mut(), std::ptr::null_mut()) {
            0 => match ffi::avformat_find_stream_info(ps, std::ptr::null_mut()) {
                r if r >= 0 => Ok(ffmpeg::format::context::Input::wrap(ps)),
                e => {
                    ffi::avformat_close_input(&mut ps);
                    Err(ffmpeg::Error::from(e))
                }
            },
            e => Err(ffmpeg::Error::from(e)),
        }
    }
}

/// Feed `decoder` the packets of stream `index` until it hands out a frame (into `frame`);
/// `Ok(false)` once the stream is drained. `eof` remembers that the file's end was reached (reset
/// it after a seek). A packet the decoder rejects costs that packet, not the stream.
pub(crate) fn receive_next(
    input: &mut ffmpeg::format::context::Input,
    index: usize,
    decoder: &mut ffmpeg::decoder::Opened,
    frame: &mut ffmpeg::Frame,
    eof: &mut bool,
    path: &Path,
) -> Result<bool> {
    loop {
        if decoder.receive_frame(frame).is_ok() {
            return Ok(true);
        }
        if *eof {
            return Ok(false);
        }
        let mut packet = ffmpeg::Packet::empty();
        match packet.read(input) {
            Ok(()) => {
                if packet.stream() == index {
                    let _ = decoder.send_packet(&packet);
                }
            }
            Err(ffmpeg::Error::Eof) => {
                *eof = true;
                let _ = decoder.send_eof();
            }
            Err(e) => return Err(Error::input(path, format!("read error: {e}"))),
        }
    }
}

/// Open a media file for its container-level data (chapters, metadata), with the same checks.
pub fn open_input(path: &Path) -> Result<ffmpeg::format::context::Input> {
    Ok(open(path)?.input)
}

/// Rational → f64 seconds, treating 0/0 as absent.
/// What the decoder may leave out of the next packet, where no sample shows it: a whole B group
/// (`group`: references too, where x264 says `ref=1`), else frames nothing refers to
/// (`unseen`), else nothing. The sampler and the cut finder decide alike.
pub(crate) fn unseen_discard(group: bool, unseen: bool) -> ffmpeg::Discard {
    if group {
        ffmpeg::Discard::Bidirectional
    } else if unseen {
        ffmpeg::Discard::NonReference
    } else {
        ffmpeg::Discard::Default
    }
}

pub(crate) fn rational_f64(r: ffmpeg::Rational) -> Option<f64> {
    (r.denominator() != 0 && r.numerator() != 0).then(|| r.numerator() as f64 / r.denominator() as f64)
}
