//! What x264 wrote about its own settings into a stream, and what the decoding may skip because
//! of them.

use super::open;
use ffmpeg_next as ffmpeg;
use std::path::Path;

/// Does the stream say it was made by x264 with one reference frame? x264 writes its settings
/// into the first frame ("x264 - core 164 … - options: cabac=1 ref=1 …", an unregistered SEI).
/// With `ref=1` every frame predicts from the one anchor before it (and a B-frame also from the
/// one after), so a B-pyramid's reference frame serves only the B-frames of its own group (the
/// picture it predicts from is right; FFmpeg's stand-in for the missing frame number shifts the
/// implicit weights of some later B-frames, so this is an approximation like the deblocking skip). Other
/// encoders, more references, or settings not found keep the general rule (non-reference frames
/// only). `ref=1` is what x264's `veryfast`, `superfast` and `ultrafast` presets write.
pub(crate) fn single_reference_x264(path: &Path) -> bool {
    let Ok(mut opened) = open(path) else { return false };
    single_reference_x264_in(&mut opened)
}

/// [`single_reference_x264`] on an input already open, read from its start: it may read the
/// stream's first packets, so seek before decoding from it.
pub(crate) fn single_reference_x264_in(opened: &mut super::Opened) -> bool {
    let vindex = opened.video_index;
    // SAFETY: the stream's codec parameters are owned by the open input; extradata is null or
    // `extradata_size` bytes.
    let extradata = unsafe {
        let stream = opened.input.stream(vindex).map(|s| s.parameters().as_ptr());
        stream.and_then(|par| {
            let par = &*par;
            (!par.extradata.is_null() && par.extradata_size > 0).then(|| std::slice::from_raw_parts(par.extradata, par.extradata_size as usize).to_vec())
        })
    };
    if let Some(refs) = extradata.as_deref().and_then(|d| x264_option(d, "ref")) {
        return refs == 1;
    }
    // The settings ride in the first frame: read up to the stream's first packet (read directly,
    // so a lasting read error ends the look instead of being retried).
    for _ in 0..256 {
        let mut packet = ffmpeg::Packet::empty();
        if packet.read(&mut opened.input).is_err() {
            return false;
        }
        if packet.stream() == vindex {
            return packet.data().and_then(|d| x264_option(d, "ref")) == Some(1);
        }
    }
    false
}

/// One of x264's settings as it wrote them into the stream (`None` where the bytes hold none).
fn x264_option(bytes: &[u8], key: &str) -> Option<u32> {
    const TAG: &[u8] = b"x264 - core ";
    let at = bytes.windows(TAG.len()).position(|w| w == TAG)?;
    let text = &bytes[at..];
    let end = text.iter().position(|&b| !(b.is_ascii_graphic() || b == b' ')).unwrap_or(text.len());
    let text = std::str::from_utf8(&text[..end]).ok()?;
    let (_, options) = text.split_once(" options: ")?;
    options.split(' ').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x264_settings_are_read_from_the_first_frame() {
        // An SEI as x264 writes it: a UUID, the text, its NUL, then the next NAL.
        let mut sei = vec![0, 0, 0, 0x2c, 0x06, 0x05, 0xff];
        sei.extend_from_slice(&[0xdc, 0x45, 0xe9, 0xbd, 0xe6, 0xd9, 0x48, 0xb7, 0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef]);
        sei.extend_from_slice(b"x264 - core 164 r3095 baee400 - H.264/MPEG-4 AVC codec - Copyleft 2003-2022 - http://www.videolan.org/x264.html - options: cabac=1 ref=1 deblock=1:0:0 analyse=0x3:0x113 b_pyramid=2 bframes=3 keyint=250\0");
        sei.extend_from_slice(&[0x80, 0, 0, 0, 1, 0x65, 0x88]);
        assert_eq!(x264_option(&sei, "ref"), Some(1));
        assert_eq!(x264_option(&sei, "bframes"), Some(3));
        assert_eq!(x264_option(&sei, "keyint"), Some(250));
        assert_eq!(x264_option(&sei, "deblock"), None, "not a number");
        assert_eq!(x264_option(&sei, "re"), None, "keys match whole");
        assert_eq!(x264_option(b"\0\0\x01\x65 no settings here", "ref"), None);
        let medium = b"x264 - core 164 - options: cabac=1 ref=3 deblock=1:0:0";
        assert_eq!(x264_option(medium, "ref"), Some(3));
    }
}
