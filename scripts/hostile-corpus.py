#!/usr/bin/env python3
"""Build introskip's own hostile-input corpus: odd and broken media files and label/chapter files,
each with the class of answer a user must get (ok, a one-line error naming the file, or either).

    scripts/hostile-corpus.py OUT_DIR

Writes OUT_DIR/manifest.json: {"media": [...], "labels": [...]}, each entry
{"name_hex": <file name as hex bytes>, "class": "ok" | "error" | "any", "why": <what it is>}.
Names are hex because some are deliberately not UTF-8. Idempotent: a finished corpus (same
VERSION) is left alone. Needs the ffmpeg CLI (Debian's, with x264, x265, vpx, theora, aom).
The checks live in tests/it/hostile.rs; categories follow the hostile-input issue.
"""
import json
import os
import random
import struct
import subprocess
import sys

VERSION = 2
out = sys.argv[1]
marker = os.path.join(out, f".complete-v{VERSION}")
if os.path.exists(marker):
    sys.exit(0)
os.makedirs(out, exist_ok=True)
media_dir = os.path.join(out, "media").encode()
label_dir = os.path.join(out, "labels").encode()
os.makedirs(media_dir, exist_ok=True)
os.makedirs(label_dir, exist_ok=True)
rng = random.Random(2026)
media, labels = [], []


def ffmpeg(*args):
    r = subprocess.run(["ffmpeg", "-hide_banner", "-v", "error", "-y", "-nostdin", *args], capture_output=True)
    return r.returncode == 0


def add(entries, folder, name: bytes, klass, why, **per_command):
    """per_command: a class for one command that differs (eval reads a set where export reads one)."""
    assert os.path.lexists(os.path.join(folder, name)), name
    entries.append({"name_hex": name.hex(), "class": klass, "why": why, **per_command})


def src(seconds=4, size="160x120", rate=25, audio=True):
    a = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]
    if audio:
        a += ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}"]
    return a


# --- valid files in many codecs and containers (the base of truncations and corruptions) -------
CODECS = {
    "h264.mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    "h264.mkv": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    "hevc.mkv": ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-c:a", "aac"],
    "vp9.webm": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"],
    "vp8.webm": ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libvorbis"],
    "mpeg4.avi": ["-c:v", "mpeg4", "-c:a", "libmp3lame"],
    "mpeg2.ts": ["-c:v", "mpeg2video", "-c:a", "mp2"],
    "mjpeg.avi": ["-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-c:a", "pcm_s16le"],
    "theora.ogv": ["-c:v", "libtheora", "-c:a", "libvorbis"],
    "wmv2.wmv": ["-c:v", "wmv2", "-c:a", "wmav2"],
    "flv1.flv": ["-c:v", "flv", "-c:a", "libmp3lame", "-ar", "44100"],
    "ffv1.nut": ["-c:v", "ffv1", "-c:a", "pcm_s16le", "-ac", "1"],
    "prores.mov": ["-c:v", "prores_ks", "-c:a", "pcm_s16le"],
    "mpeg2.mpg": ["-c:v", "mpeg2video", "-c:a", "mp2", "-f", "vob"],
    "av1.mkv": ["-c:v", "libaom-av1", "-cpu-used", "8", "-row-mt", "1", "-c:a", "libopus"],
    "mono-pcm.avi": ["-c:v", "mpeg4", "-c:a", "pcm_s16le", "-ac", "1"],
    "wma.avi": ["-c:v", "mpeg4", "-c:a", "wmav2"],
    "dv.mov": None,  # handled below (DV needs PAL/NTSC geometry)
}
valid = []
for name, args in CODECS.items():
    path = os.path.join(media_dir, name.encode())
    if args is None:
        ok = ffmpeg("-f", "lavfi", "-i", "testsrc2=s=720x576:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2:sample_rate=48000",
                    "-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", os.fsdecode(path))
    else:
        ok = ffmpeg(*src(), *args, os.fsdecode(path))
    if ok:
        add(media, media_dir, name.encode(), "ok", f"valid {name}")
        valid.append(name.encode())
ok = ffmpeg("-f", "lavfi", "-i", "testsrc2=s=720x576:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2:sample_rate=48000",
            "-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "20M", "-c:a", "pcm_s16le", "-f", "mxf",
            os.fsdecode(os.path.join(media_dir, b"mpeg2.mxf")))
if ok:
    add(media, media_dir, b"mpeg2.mxf", "any", "MXF OP1a, MPEG-2 4:2:2")
    valid.append(b"mpeg2.mxf")

# --- truncated and corrupted copies of each -----------------------------------------------------------
for name in valid:
    data = open(os.path.join(media_dir, name), "rb").read()
    for frac in (0.02, 0.2, 0.45, 0.7, 0.9):
        cut = name + f".cut{int(frac * 100):02d}".encode() + os.path.splitext(name)[1]
        open(os.path.join(media_dir, cut), "wb").write(data[: max(1, int(len(data) * frac))])
        add(media, media_dir, cut, "any", f"{name.decode()} truncated at {frac:.0%}")
    n = len(data)
    variants = {
        b"garbage": data[: n // 2] + bytes(rng.randrange(256) for _ in range(min(8192, n // 4))) + data[n // 2 + min(8192, n // 4):],
        b"zerohead": bytes(min(512, n)) + data[min(512, n):],
        b"bitflip": bytes(b ^ (1 << rng.randrange(8)) if i % 997 == 13 else b for i, b in enumerate(data)),
    }
    for tag, body in variants.items():
        bad = name + b"." + tag + os.path.splitext(name)[1]
        open(os.path.join(media_dir, bad), "wb").write(body)
        add(media, media_dir, bad, "any", f"{name.decode()} corrupted ({tag.decode()})")

# --- not media at all -------------------------------------------------------------------------------------
for ext in (b"mp4", b"mkv", b"avi", b"ts", b"webm"):
    name = b"empty." + ext
    open(os.path.join(media_dir, name), "wb").close()
    add(media, media_dir, name, "error", "zero bytes")
for size in (1, 100, 4096, 300_000):
    name = f"random-{size}.mkv".encode()
    open(os.path.join(media_dir, name), "wb").write(bytes(rng.randrange(256) for _ in range(size)))
    add(media, media_dir, name, "error", f"{size} random bytes")
texts = {
    b"notes.mkv": b"Episode notes\nIntro ends at 1:32\n" * 40,
    b"labels-renamed.mp4": b'{"segments": [{"kind": "intro", "start": 1, "end": 2}]}',
    b"page.mp4": b"<!DOCTYPE html><html><body>not a video</body></html>\n" * 20,
    b"doc.avi": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 10,
    b"script.ts": b"#!/bin/sh\necho hello\n" * 30,
}
for name, body in texts.items():
    open(os.path.join(media_dir, name), "wb").write(body)
    add(media, media_dir, name, "error", "text renamed")
for ext, args in ((b"png", ["-frames:v", "1"]), (b"jpg", ["-frames:v", "1"]), (b"gif", ["-t", "1"])):
    img = b"image-" + ext + b".mp4"
    tmp = os.path.join(media_dir, b"tmp." + ext)
    if ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x48:r=5:d=1", *args, os.fsdecode(tmp)):
        os.replace(tmp, os.path.join(media_dir, img))
        add(media, media_dir, img, "any", f"a {ext.decode()} image renamed .mp4")
# --- audio only, subtitles only ------------------------------------------------------------------------------
for name, args in ((b"theme.m4a", ["-c:a", "aac"]), (b"theme.mp3", ["-c:a", "libmp3lame"]), (b"theme.wav", []),
                   (b"theme.flac", []), (b"theme.ogg", ["-c:a", "libvorbis"]), (b"theme.mka", ["-c:a", "libopus"])):
    if ffmpeg("-f", "lavfi", "-i", "sine=d=3", *args, os.fsdecode(os.path.join(media_dir, name))):
        add(media, media_dir, name, "error", "audio only")
srt = os.path.join(media_dir, b"subs.srt")
open(srt, "w").write("1\n00:00:01,000 --> 00:00:02,000\nHello\n")
if ffmpeg("-i", os.fsdecode(srt), "-c:s", "srt", os.fsdecode(os.path.join(media_dir, b"subtitles-only.mkv"))):
    add(media, media_dir, b"subtitles-only.mkv", "error", "subtitles only")
os.remove(srt)

# --- unusual but valid pictures ----------------------------------------------------------------------------
shapes = [
    (b"1x1.nut", ["-f", "lavfi", "-i", "color=c=red:s=1x1:r=25:d=3", "-c:v", "ffv1"], "ok"),
    (b"2x2.mp4", ["-f", "lavfi", "-i", "testsrc2=s=2x2:r=25:d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p"], "ok"),
    (b"33x17-odd.nut", ["-f", "lavfi", "-i", "testsrc2=s=33x17:r=25:d=3", "-c:v", "ffv1"], "ok"),
    (b"4k.mp4", ["-f", "lavfi", "-i", "testsrc2=s=3840x2160:r=25:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"], "ok"),
    (b"8k.mp4", ["-f", "lavfi", "-i", "color=c=blue:s=7680x4320:r=5:d=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"], "ok"),
    (b"16k.nut", ["-f", "lavfi", "-i", "color=c=green:s=15360x8640:r=1:d=2", "-c:v", "ffv1"], "any"),
    (b"tall-9x1000.nut", ["-f", "lavfi", "-i", "testsrc2=s=8x1000:r=25:d=2", "-c:v", "ffv1"], "ok"),
]
for fps in ("1/2", "1", "5", "24000/1001", "60", "120", "240"):
    safe = fps.replace("/", "-")
    shapes.append((f"fps-{safe}.mp4".encode(), ["-f", "lavfi", "-i", f"testsrc2=s=160x120:r={fps}:d=6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"], "ok"))
shapes += [
    (b"vfr.mkv", [*src(6), "-vf", "select='not(mod(n\\,3))+gt(n\\,100)'", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"rotated-90.mp4", [*src(3), "-metadata:s:v:0", "rotate=90", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"anamorphic.mkv", [*src(3), "-vf", "setsar=16/11", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"interlaced.ts", [*src(3, "720x576"), "-vf", "tinterlace=4", "-flags", "+ildct+ilme", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"10bit-h264.mkv", [*src(3), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-c:a", "aac"], "any"),
    (b"10bit-hevc.mkv", [*src(3), "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le", "-c:a", "aac"], "ok"),
    (b"yuv444.mp4", [*src(3), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", "-c:a", "aac"], "ok"),
    (b"rgb-ffv1.mkv", [*src(3), "-c:v", "ffv1", "-pix_fmt", "bgr0", "-c:a", "flac"], "ok"),
    (b"audio-outlasts-video.mp4", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-f", "lavfi", "-i", "sine=d=8", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"video-outlasts-audio.mkv", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=8", "-f", "lavfi", "-i", "sine=d=2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"negative-start.ts", [*src(4), "-output_ts_offset", "-2", "-c:v", "mpeg2video", "-c:a", "mp2"], "any"),
    (b"late-start.mkv", [*src(4), "-output_ts_offset", "3600", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "ok"),
    (b"raw-annexb.h264", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=4", "-c:v", "libx264", "-preset", "ultrafast", "-f", "h264"], "any"),
    (b"program-stream-10s.mpg", [*src(10), "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpeg"], "ok"),
    (b"two-video-streams.mkv", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=3", "-map", "0", "-map", "1", "-c:v", "libx264", "-preset", "ultrafast"], "ok"),
    (b"cover-art-and-video.mkv", [*src(3), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-metadata", "title=x"], "ok"),
    (b"no-audio.mp4", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-c:v", "libx264", "-preset", "ultrafast"], "ok"),
    (b"silent-8ch.mkv", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-f", "lavfi", "-i", "anullsrc=cl=7.1:d=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac"], "ok"),
    (b"audio-8khz-u8.avi", ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-f", "lavfi", "-i", "sine=d=3:sample_rate=8000", "-c:v", "mpeg4", "-c:a", "pcm_u8"], "ok"),
]
for name, args, klass in shapes:
    if ffmpeg(*args, os.fsdecode(os.path.join(media_dir, name))):
        add(media, media_dir, name, klass, name.decode())

# MPEG-TS with a timestamp discontinuity (two files joined byte-wise) and timestamps running back.
a, b = os.path.join(media_dir, b"_a.ts"), os.path.join(media_dir, b"_b.ts")
if ffmpeg(*src(3), "-c:v", "mpeg2video", "-c:a", "mp2", os.fsdecode(a)) and ffmpeg(*src(3), "-output_ts_offset", "500", "-c:v", "mpeg2video", "-c:a", "mp2", os.fsdecode(b)):
    open(os.path.join(media_dir, b"ts-discontinuity.ts"), "wb").write(open(a, "rb").read() + open(b, "rb").read())
    add(media, media_dir, b"ts-discontinuity.ts", "any", "MPEG-TS jumping forward 500 s")
    open(os.path.join(media_dir, b"ts-backwards.ts"), "wb").write(open(b, "rb").read() + open(a, "rb").read())
    add(media, media_dir, b"ts-backwards.ts", "any", "MPEG-TS whose timestamps run back")
for p in (a, b):
    if os.path.exists(p):
        os.remove(p)

# Huge claimed durations: the MP4 movie header and the Matroska segment info say days.
base = os.path.join(media_dir, b"h264.mp4")
if os.path.exists(base):
    d = bytearray(open(base, "rb").read())
    i = d.find(b"mvhd")
    if i > 0 and d[i + 4] == 0:
        struct.pack_into(">I", d, i + 20, 0xFFFFFFF0)
        open(os.path.join(media_dir, b"huge-duration.mp4"), "wb").write(d)
        add(media, media_dir, b"huge-duration.mp4", "any", "mvhd claims 0xFFFFFFF0 ticks")
base = os.path.join(media_dir, b"h264.mkv")
if os.path.exists(base):
    d = bytearray(open(base, "rb").read())
    i = d.find(b"\x44\x89\x88")
    if i > 0:
        struct.pack_into(">d", d, i + 3, 1e15)
        open(os.path.join(media_dir, b"huge-duration.mkv"), "wb").write(d)
        add(media, media_dir, b"huge-duration.mkv", "any", "Matroska Duration of 1e15")

# --- odd names for a valid file -------------------------------------------------------------------------------
good = open(os.path.join(media_dir, b"h264.mp4"), "rb").read()
for name in (b"bad\xffname.mp4", "café".encode("latin-1") + b".mp4", "café épisode 1.mp4".encode(), b"spaces in  name.mp4",
             b"-leading-dash.mp4", b"new\nline.mp4", "emoji 🎬 intro.mp4".encode(), b"x" * 200 + b".mp4",
             b"quote's \"double\" $HOME `tick`.mp4", b"percent%d%s%n.mp4", b"back\\slash.mp4", b"tab\there.mp4",
             b"UPPER.MP4", b"no-extension", b"wrong-extension.txt", b".hidden.mp4"):
    open(os.path.join(media_dir, name), "wb").write(good)
    add(media, media_dir, name, "ok", f"a valid file named {name!r}")

# --- things that are not files -----------------------------------------------------------------------------------
os.makedirs(os.path.join(media_dir, b"folder.mp4"), exist_ok=True)
add(media, media_dir, b"folder.mp4", "error", "a folder named like a video")
for name, target in ((b"loop-a.mp4", b"loop-b.mp4"), (b"loop-b.mp4", b"loop-a.mp4"), (b"dangling.mp4", b"does-not-exist.mp4"), (b"link-to-good.mp4", b"h264.mp4")):
    p = os.path.join(media_dir, name)
    if os.path.lexists(p):
        os.remove(p)
    os.symlink(target, p)
add(media, media_dir, b"loop-a.mp4", "error", "a symlink loop")
add(media, media_dir, b"dangling.mp4", "error", "a dangling symlink")
add(media, media_dir, b"link-to-good.mp4", "ok", "a symlink to a valid file")
fifo = os.path.join(media_dir, b"fifo.mp4")
if not os.path.exists(fifo):
    os.mkfifo(fifo)
add(media, media_dir, b"fifo.mp4", "error", "a named pipe")

# --- label and chapter files ---------------------------------------------------------------------------------------
VALID = {
    "ours.json": '{"version": 1, "segments": [{"kind": "recap", "start_ms": 0, "end_ms": 8000, "source": "predicted"}, {"kind": "intro", "start_ms": 30000, "end_ms": 50000, "source": "human_verified"}]}\n',
    "pred.json": '{"version": 1, "episode": "x", "segments": [{"kind": "intro", "start": 30.0, "end": 50.5, "confidence": 0.9}]}\n',
    "sis.json": '{"a1": {"url": "x.mp4", "name": "x", "start": "0:00:30", "end": "0:00:50"}}\n',
    "chapters.ffmeta": ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=30000\ntitle=Cold open\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=30000\nEND=50000\ntitle=Intro\n",
    "chapters.xml": '<?xml version="1.0"?>\n<Chapters>\n <EditionEntry>\n  <ChapterAtom>\n   <ChapterTimeStart>00:00:30.000</ChapterTimeStart>\n   <ChapterTimeEnd>00:00:50.000</ChapterTimeEnd>\n   <ChapterDisplay><ChapterString>Intro</ChapterString></ChapterDisplay>\n  </ChapterAtom>\n </EditionEntry>\n</Chapters>\n',
    "chapters.vtt": "WEBVTT\n\n1\n00:00:30.000 --> 00:00:50.000\nIntro\n",
    "kodi.edl": "30.0 50.0 3\n",
    "resolve.edl": "TITLE: x\nFCM: NON-DROP FRAME\n\n001  001      V     C        01:00:30:00 01:00:30:01 01:00:30:00 01:00:30:01  \n |C:ResolveColorBlue |M:Intro |D:500\n",
}


def label(name, body, klass, why, **per_command):
    data = body.encode() if isinstance(body, str) else body
    open(os.path.join(label_dir, name.encode()), "wb").write(data)
    add(labels, label_dir, name.encode(), klass, why, **per_command)


for name, text in VALID.items():
    stem, ext = name.rsplit(".", 1)
    label(name, text, "ok", f"valid {name}")
    label(f"{stem}.crlf.{ext}", text.replace("\n", "\r\n"), "ok", f"{name} with CRLF line ends")
    label(f"{stem}.bom.{ext}", "\ufeff" + text, "ok", f"{name} with a byte-order mark")
    for frac in (0.1, 0.35, 0.6, 0.85):
        label(f"{stem}.cut{int(frac * 100)}.{ext}", text[: max(1, int(len(text) * frac))], "any", f"{name} truncated at {frac:.0%}")
    mid = len(text) // 2
    label(f"{stem}.latin1.{ext}", text[:mid].encode() + b"\xe9\xff" + text[mid:].encode(), "error", f"{name} with invalid UTF-8")
    label(f"{stem}.nul.{ext}", text[:mid].encode() + b"\x00" + text[mid:].encode(), "any", f"{name} with a NUL byte")
    label(f"{stem}.control.{ext}", text.replace("Intro", "In\x1b[31mtro\x07").replace("30", "3\x0c0", 1), "any", f"{name} with control bytes")
    label(f"{stem}.huge.{ext}", text.replace("50", "1e308").replace("00:00:50", "99999999:00:50").replace("50000", "999999999999999999999"), "any", f"{name} with absurd times")
    label(f"{stem}.negative.{ext}", text.replace("30", "-30", 1).replace("0:00:30", "-0:00:05"), "any", f"{name} with a negative time")
    label(f"{stem}.reversed.{ext}", text.replace("50", "10"), "any", f"{name} ending before it starts")
    label(f"{stem}.garbage.{ext}", bytes(rng.randrange(1, 256) for _ in range(2000)), "error", "random bytes")
    label(f"{stem}.long-title.{ext}", text.replace("Intro", "Intro " + "x" * 100_000), "any", f"{name} with a 100k-character title")
    label(f"{stem}.doubled.{ext}", text + text, "any", f"{name} twice")
label("empty.json", "", "error", "an empty file")
label("whitespace.json", "   \n\n  ", "any", "only whitespace")
label("bom-only.vtt", "\ufeff", "any", "only a byte-order mark")
label("nan.json", '{"segments": [{"kind": "intro", "start": NaN, "end": 5}]}', "error", "NaN")
label("trailing-comma.json", '{"segments": [{"kind": "intro", "start": 1, "end": 5},]}', "error", "a trailing comma")
label("deep.json", "[" * 100_000 + "]" * 100_000, "error", "100,000 nested arrays")
label("deep-object.json", '{"a":' * 50_000 + "1" + "}" * 50_000, "error", "50,000 nested objects")
label("wrong-kind.json", '{"segments": [{"kind": "opening credits", "start": 1, "end": 5}]}', "error", "an unknown kind")
label("ms-float.json", '{"segments": [{"kind": "intro", "start_ms": 1.5, "end_ms": 5000}]}', "error", "fractional milliseconds")
label("sis-negative.json", '{"a": {"name": "x", "start": "-0:00:05", "end": "0:00:50"}}', "error", "SIS time -0:00:05")
label("sis-1e308.json", '{"a": {"name": "x", "start": 0, "end": 1e308}}', "error", "SIS end 1e308")
label("sis-many.json", json.dumps({f"id{i}": {"name": f"ep{i}", "start": "0:00:01", "end": "0:00:02"} for i in range(3)}), "error", "SIS with three episodes for one", eval="ok")
label("not-xml.xml", "<Chapters>this is <<<< not >>> xml", "error", "Chapters that are not XML")
label("unclosed.xml", "<Chapters><EditionEntry><ChapterAtom><ChapterTimeStart>00:00:01.000</ChapterTimeStart>", "error", "an unclosed element")
label("mismatched.xml", "<Chapters><EditionEntry></Chapters></EditionEntry>", "error", "mismatched tags")
label("comment.xml", '<?xml version="1.0"?><Chapters><EditionEntry><ChapterAtom><ChapterTimeStart>00:00:30.000</ChapterTimeStart><ChapterTimeEnd>00:00:50.000</ChapterTimeEnd><!-- <ChapterString>Recap</ChapterString> --><ChapterDisplay><ChapterString>Intro</ChapterString></ChapterDisplay></ChapterAtom></EditionEntry></Chapters>', "ok", "a commented-out title")
label("entities.xml", '<Chapters><EditionEntry><ChapterAtom><ChapterTimeStart>00:00:30.000</ChapterTimeStart><ChapterTimeEnd>00:00:50.000</ChapterTimeEnd><ChapterDisplay><ChapterString>Intro &amp; &#x263A; &unknown;</ChapterString></ChapterDisplay></ChapterAtom></EditionEntry></Chapters>', "error", "an unknown entity")
label("billion-laughs.xml", '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Chapters><EditionEntry><ChapterAtom><ChapterTimeStart>00:00:30.000</ChapterTimeStart><ChapterDisplay><ChapterString>&lol2;</ChapterString></ChapterDisplay></ChapterAtom></EditionEntry></Chapters>', "any", "entity expansion")
atoms = "".join(f"<ChapterAtom><ChapterTimeStart>{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000</ChapterTimeStart><ChapterTimeEnd>{(i + 1) // 3600:02d}:{(i + 1) // 60 % 60:02d}:{(i + 1) % 60:02d}.000</ChapterTimeEnd><ChapterDisplay><ChapterString>Part {i}</ChapterString></ChapterDisplay></ChapterAtom>\n" for i in range(100_000))
label("100k-atoms.xml", "<Chapters><EditionEntry>\n" + atoms + "</EditionEntry></Chapters>\n", "ok", "100,000 chapter atoms")
label("100k-cues.vtt", "WEBVTT\n\n" + "".join(f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000 --> {(i + 1) // 3600:02d}:{(i + 1) // 60 % 60:02d}:{(i + 1) % 60:02d}.000\nPart {i}\n\n" for i in range(100_000)), "ok", "100,000 cues")
label("100k-chapters.ffmeta", ";FFMETADATA1\n" + "".join(f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={i * 1000}\nEND={i * 1000 + 1000}\ntitle=Part {i}\n" for i in range(100_000)), "ok", "100,000 chapters")
label("ffmeta-no-end.ffmeta", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\ntitle=Intro\n", "error", "a chapter without END")
label("ffmeta-bad-timebase.ffmeta", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=0/0\nSTART=0\nEND=5\ntitle=Intro\n", "error", "TIMEBASE 0/0")
label("ffmeta-huge-timebase.ffmeta", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=9223372036854775807/1\nSTART=9223372036854775807\nEND=9223372036854775807\ntitle=Intro\n", "error", "an overflowing TIMEBASE")
label("vtt-bad-cue.vtt", "WEBVTT\n\n00:00:10.000 --> 00:00:0x.000\nIntro\n", "error", "a bad cue end")
label("vtt-hours.vtt", "WEBVTT\n\n99999999999999999999:00:10.000 --> 99999999999999999999:00:20.000\nIntro\n", "error", "a cue beyond any episode")
label("edl-action-9.edl", "30 50 9\n", "error", "EDL action 9")
label("edl-inf.edl", "inf 50 3\n", "error", "EDL start inf")
label("edl-nan.edl", "NaN 50 3\n", "error", "EDL start NaN")
label("resolve-no-event.edl", "TITLE: x\nFCM: NON-DROP FRAME\n |M:Intro |D:5\n", "error", "a marker without its event")
label("resolve-bad-duration.edl", "TITLE: x\nFCM: NON-DROP FRAME\n\n001  001      V     C        01:00:30:00 01:00:30:01 01:00:30:00 01:00:30:01  \n |M:Intro |D:99999999999999999999999\n", "error", "a duration that overflows")
label("csv.csv", "kind,start,end\nintro,30,50\n", "any", "CSV (written, not read)")
label("settings-like.json", '{"clip_weights": null, "recent": []}', "any", "a JSON object that is no label file")
label("array.json", "[1, 2, 3]", "error", "a JSON array")
label("number.json", "42", "any", "a bare number")
label("string.json", '"intro"', "any", "a bare string")
label("utf16.vtt", "WEBVTT\n\n00:00:30.000 --> 00:00:50.000\nIntro\n".encode("utf-16"), "error", "UTF-16 text")
os.makedirs(os.path.join(label_dir, b"folder.json"), exist_ok=True)
add(labels, label_dir, b"folder.json", "error", "a folder")
lfifo = os.path.join(label_dir, b"fifo.json")
if not os.path.exists(lfifo):
    os.mkfifo(lfifo)
add(labels, label_dir, b"fifo.json", "error", "a named pipe")

json.dump({"version": VERSION, "media": media, "labels": labels}, open(os.path.join(out, "manifest.json"), "w"), indent=1)
open(marker, "w").close()
print(f"hostile corpus: {len(media)} media files, {len(labels)} label files in {out}")
