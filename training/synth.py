#!/usr/bin/env python3
"""Synthesise TV series from real footage, with exact ground truth.

No labelled TV data is reachable here, so introskip makes its own: each series gets an intro (a
montage of real shots, a title card, a music bed with fades) and episodes built around it — recaps,
cold opens, trimmed intros, bodies, end credits, previews — then each episode is perturbed the way
real releases differ (resolution, letterbox/pillarbox, logo, grading, codec, bitrate, GOP, frame
rate, PAL speed-up, audio rate). Every segment's boundaries are known to the frame.

    synth.py --media DIR --out DIR [--split dev|train|all] [--seed N] [--series N] [--episodes N]

Deterministic: the plan (and so every truth file) is a pure function of the seed; the media are
rendered by the ffmpeg CLI with a fixed thread count. Only the standard library is used.
"""

import argparse
import glob
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent import futures

FPS = 25  # the master timeline; every duration is a whole number of frames at this rate
W, H = 640, 360
AUDIO_RATE = 48000
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
WINDOW_S = 180
PAL_SPEEDUP = 25 / (24000 / 1001)  # 23.976 fps film shown at 25 fps
VERSION = 1

# The footage pool (fetched by scripts/fetch-media.sh). Durations are what the pool copy keeps.
FOOTAGE = {
    "bbb": 596.0, "sintel": 52.0, "vtest": 79.0, "tree": 29.0, "megamind": 11.0,
    "test_video": 29.0, "world": 30.0, "bikes": 10.0, "gradio_a": 7.0, "run": 5.0, "test_avi": 16.0,
}
# Footage with a soundtrack of its own (the other clips are silent: the pool gives them quiet
# noise), whose sound reframed footage takes (reframe()).
SOUNDTRACKS = ["bbb", "sintel"]
FOOTAGE_FILES = {
    "bbb": "bbb.mp4", "sintel": "sintel_trailer.mp4", "vtest": "vtest.avi", "tree": "tree.avi",
    "megamind": "megamind.avi", "test_video": "test_video.mp4", "world": "world.mp4",
    "bikes": "bikes.mp4", "gradio_a": "gradio_a.mp4", "run": "run.mp4", "test_avi": "test.avi",
}
# Recorded music: performous and gradio's sax for dev intros; Debian game soundtracks for training
# intros (ids and their lengths in seconds, which bound where an intro may start in the piece).
TRAIN_MUSIC = {"etr_calmrace": 113, "etr_credits": 83, "etr_freezingpoint": 95, "etr_race": 53,
               "etr_spunky": 107, "etr_start": 68, "etr_options": 17, "etr_won": 15, "fb_main1p": 321,
               "fb_main2p": 183, "fb_intro": 195, "lc_lincity": 223, "lc_blues": 128, "lc_contemplations": 210}
MUSIC_FILES = {"menu": "menu.ogg", "practice": "practice.ogg", "sax": "sax.wav",
               **{m: m + ".ogg" for m in TRAIN_MUSIC}}
RECORDED_TRAIN_SHARE = 0.75  # the rest of the training intros play synthesised beds
# The films' own text: Big Buck Bunny's end credits (from its iris-out at 8:09.5 to the end) and
# the Sintel trailer's title and credit cards. Story drawn from them shows names on screen and is
# labelled story; `--no-film-text` keeps them out of bodies, cold opens, previews and the scenes
# after or between credits (README "Data": in the sets built before 2026-12-07, a third to two
# thirds of the episodes show some of them in the tail as story).
FILM_TEXT = [("bbb", 489.5, 596.0), ("sintel", 39.0, 52.0)]
NO_FILM_TEXT = False
# Letterbox, pillarbox and 4:3 are made from the finished 16:9 picture. By default it is cropped,
# which cuts what was drawn near its edges (a caption 30 px from the top, names set at one side):
# no real release does that to its own credits. `--fit-aspect` squeezes the whole picture into the
# aspect instead (anamorphic: the footage is distorted, every overlay stays whole).
FIT_ASPECT = False
# Intros of the two splits never share footage or music. Bodies draw on the whole pool (it is
# ~14 min in all; see README "Data").
INTRO_FOOTAGE = {
    "dev": [("sintel", 0, 52), ("vtest", 0, 79), ("tree", 0, 29), ("world", 0, 30), ("bbb", 0, 150)],
    "train": [("bbb", 150, 596), ("test_video", 0, 29), ("megamind", 0, 11), ("bikes", 0, 10),
              ("gradio_a", 0, 7), ("run", 0, 5), ("test_avi", 0, 16)],
}
DEV_MUSIC = ["menu", "practice", "sax", "menu"]

WORDS_A = ["Silver", "Hollow", "Northern", "Broken", "Quiet", "Crimson", "Last", "Distant", "Golden",
           "Iron", "Wild", "Hidden", "Bright", "Cold", "Little", "Secret", "Lost", "Endless"]
WORDS_B = ["Harbor", "Meadow", "Station", "Kingdom", "Orchard", "Frontier", "Signal", "Garden",
           "Circuit", "Valley", "Bureau", "Lantern", "Forest", "Academy", "Empire", "River", "Tales"]
NAMES = ["Ada Brook", "Ben Castell", "Cora Diaz", "Dev Ellis", "Eva Fontaine", "Finn Gray", "Gia Holt",
         "Hugo Ito", "Iris Jansen", "Jon Keller", "Kira Lund", "Leo Marsh", "Mia Novak", "Noah Olsen"]


def frames(seconds):
    return int(round(seconds * FPS))


def log(msg):
    print(f"synth: {msg}", file=sys.stderr, flush=True)


class SynthError(Exception):
    pass


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        # An exception, not sys.exit: it may happen in a worker process (--jobs).
        raise SynthError(f"synth: ffmpeg failed ({r.returncode}): {' '.join(cmd)[:400]}\n{r.stderr[-3000:]}")


FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


# ---------------------------------------------------------------------------------------------
# Pool: every source normalised once to 640x360 25 fps with stereo 48 kHz audio, seekable.

def prepare_pool(media, pool):
    os.makedirs(pool, exist_ok=True)
    for fid, name in FOOTAGE_FILES.items():
        out = os.path.join(pool, fid + ".mp4")
        if os.path.exists(out):
            continue
        src = os.path.join(media, name)
        if not os.path.exists(src):
            sys.exit(f"synth: {src} is missing: run scripts/fetch-media.sh")
        log(f"pool: normalising {name}")
        has_audio = probe_has_audio(src)
        cmd = FFMPEG + ["-i", src]
        if not has_audio:
            cmd += ["-f", "lavfi", "-i", f"anoisesrc=c=pink:a=0.01:r={AUDIO_RATE}:seed=7"]
        vf = (f"fps={FPS},scale={W}:{H}:force_original_aspect_ratio=increase,crop={W}:{H},setsar=1,"
              f"format=yuv420p")
        cmd += ["-t", str(FOOTAGE[fid]), "-map", "0:v:0", "-map", "0:a:0" if has_audio else "1:a:0",
                "-vf", vf, "-af", f"aresample={AUDIO_RATE},aformat=channel_layouts=stereo",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "16", "-g", str(FPS), "-threads", "2",
                "-c:a", "pcm_s16le", "-f", "matroska", out + ".tmp"]
        run(cmd)
        os.replace(out + ".tmp", out)
    for mid, name in MUSIC_FILES.items():
        out = os.path.join(pool, "music_" + mid + ".wav")
        if not os.path.exists(out):
            run(FFMPEG + ["-i", os.path.join(media, name), "-af", f"aresample={AUDIO_RATE}",
                          "-ac", "2", out + ".tmp.wav"])
            os.replace(out + ".tmp.wav", out)


def probe_has_audio(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                        "stream=index", "-of", "csv=p=0", path], capture_output=True, text=True)
    return bool(r.stdout.strip())


# ---------------------------------------------------------------------------------------------
# Planning: pure functions of the seed.

def subtract(intervals, cuts):
    """Intervals (src, a, b) minus cuts (src, a, b)."""
    out = []
    for src, a, b in intervals:
        pieces = [(a, b)]
        for csrc, ca, cb in cuts:
            if csrc != src:
                continue
            nxt = []
            for pa, pb in pieces:
                if cb <= pa or ca >= pb:
                    nxt.append((pa, pb))
                    continue
                if ca > pa:
                    nxt.append((pa, ca))
                if cb < pb:
                    nxt.append((cb, pb))
            pieces = nxt
        out += [(src, pa, pb) for pa, pb in pieces if pb - pa >= 4]
    return out


def plan_intro(rng, split, label, family="A"):
    """A montage of short real shots with a title card somewhere in it and a music bed.
    Family B: short stings or long intros of long calm shots, a title card that may be absent,
    in other sizes and colours."""
    if family == "B":
        length = rng.choice([rng.uniform(6, 12), rng.uniform(20, 45), rng.uniform(30, 70)])
        shot_s = (3.5, 8.0)
    elif family == "C":
        return plan_intro_c(rng, split, label)
    else:
        length = rng.choice([rng.uniform(10, 30), rng.uniform(25, 60), rng.uniform(40, 90)])
        shot_s = (1.2, 4.0)
    shots, total = [], 0
    pool = INTRO_FOOTAGE[split]
    weights = [b - a for _, a, b in pool]
    card_at = rng.choice(["start", "middle", "end"])
    card_f = frames(rng.uniform(2.5, 5))
    no_card = family == "B" and rng.random() < 0.3
    if no_card:
        card_f = 0
    target = frames(length) - card_f
    while total < target:
        src, a, b = rng.choices(pool, weights)[0]
        f = min(frames(rng.uniform(*shot_s)), target - total)
        if f < FPS // 2:
            f = target - total
        start = round(rng.uniform(a, b - f / FPS - 0.1), 2)
        shots.append({"src": src, "start": start, "frames": f})
        total += f
    card = {"frames": card_f, "at": card_at, "over_footage": rng.random() < 0.4,
            "bg": rng.choice(["black", "0x102040", "0x401020", "0x203010"]),
            "size": rng.randint(36, 56), "label": label}
    if family == "B":
        card = None if no_card else dict(card, over_footage=rng.random() < 0.6, size=rng.randint(24, 72),
                                         color=rng.choice(["white", "yellow", "0xffd0a0", "0xa0d0ff"]))
    return {"shots": shots, "card": card, "frames": total + card_f}


FONTS_C = ["/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
           "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
           "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Oblique.ttf",
           "/usr/share/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf", FONT]


def plan_intro_c(rng, split, label):
    """Family C (README "Data"): stings of 5-10 s, intros of 15-40 s or 40-100 s; fast, mixed
    (0.5-10 s) or calm shots; cross-fades between shots in half of them; a title card absent in a
    quarter, otherwise in one of five fonts, 20-80 px, fading in half the time; sung words over
    the theme in 40 %."""
    length = rng.choice([rng.uniform(5, 10), rng.uniform(15, 40), rng.uniform(40, 100)])
    shot_s = rng.choice([(0.5, 2.0), (0.5, 10.0), (4.0, 10.0)])
    xfade_f = frames(rng.uniform(0.3, 1.0)) if rng.random() < 0.5 else 0
    card_f = 0 if rng.random() < 0.25 else frames(rng.uniform(1.5, 5))
    card_f = min(card_f, frames(length) // 2)
    target = frames(length) - card_f
    shots, total = [], 0
    pool = INTRO_FOOTAGE[split]
    weights = [b - a for _, a, b in pool]
    while total < target:
        src, a, b = rng.choices(pool, weights)[0]
        f = min(frames(rng.uniform(*shot_s)), target - total)
        if target - total - f < max(FPS // 2, 2 * xfade_f + 2):
            f = target - total  # no shot shorter than a cross-fade (or half a second) at the end
        # A cross-fade overlaps each shot with the next: the shot reads xfade_f more frames.
        start = round(rng.uniform(a, b - (f + xfade_f) / FPS - 0.2), 2)
        shots.append({"src": src, "start": start, "frames": f})
        total += f
    card = None
    if card_f:
        card = {"frames": card_f, "at": rng.choice(["start", "middle", "end"]),
                "over_footage": rng.random() < 0.5,
                "bg": rng.choice(["black", "0x102040", "0x401020", "0x203010", "0x303030"]),
                "size": rng.randint(20, 80), "label": label, "font": rng.choice(FONTS_C),
                "color": rng.choice(["white", "yellow", "0xffd0a0", "0xa0d0ff", "0xff8080"]),
                "fade_in": rng.random() < 0.5}
    vocals = f"{label}, {rng.choice(['oh oh', 'la la la', 'come home', 'all night long'])}" \
        if rng.random() < 0.4 else None
    return {"shots": shots, "card": card, "frames": total + card_f, "xfade": xfade_f, "vocals": vocals}


def plan_series(seed, split, index, dev_music, taken, family="A", tails="simple"):
    rng = random.Random(f"{seed}-{split}-{index}")
    names = random.Random(f"{seed}-{split}-{index}-title")
    title = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)}"
    while title in taken:  # titles are unique over the whole data set
        title = f"{names.choice(WORDS_A)} {names.choice(WORDS_B)}"
    taken.add(title)
    grade = {"hflip": rng.random() < 0.4, "hue": rng.randint(-40, 40),
             "sat": round(rng.uniform(0.7, 1.3), 2), "zoom": round(rng.uniform(1.0, 1.2), 3),
             "zx": round(rng.random(), 2), "zy": round(rng.random(), 2)}
    n_eps = 4
    intros = [plan_intro(rng, split, title, family)]
    change_at = None
    if rng.random() < (0.5 if family == "C" else 0.25):
        change_at = rng.randint(2 if family != "C" else 1, n_eps - 1)  # from this episode (0-based) on, intro B
        intros.append(plan_intro(rng, split, title, family))
    for k, intro in enumerate(intros):
        if split == "dev":
            intro["music"] = {"kind": "file", "id": dev_music, "offset": round(rng.uniform(0, 20), 2)}
        else:
            intro["music"] = {"kind": "synth", "seed": rng.randint(0, 10**6),
                              "base": rng.choice([110, 131, 147, 165, 196]), "bpm": rng.randint(90, 160)}
            # Its own stream, so the rest of the plan does not depend on the music chosen.
            mr = random.Random(f"{seed}-{split}-{index}-music{k}")
            if mr.random() < RECORDED_TRAIN_SHARE:
                piece = mr.choice(sorted(TRAIN_MUSIC))
                intro["music"] = {"kind": "file", "id": piece,
                                  "offset": round(mr.uniform(0, max(TRAIN_MUSIC[piece] - 60, 0)), 2),
                                  "gain_db": round(mr.uniform(-10, 0), 1)}
        intro["fade_in"] = rng.random() < 0.6
        intro["fade_out"] = rng.random() < 0.7
        if family == "B":  # a theme no louder than the episode
            intro["music"]["gain_db"] = round(rng.uniform(-16, -8), 1)
        if family == "C":  # from quieter than the story to loud; room before it for a lead-in
            intro["music"]["gain_db"] = round(rng.uniform(-12, 2), 1)
            intro["music"]["offset"] = round(rng.uniform(6, 25), 2)
    # Body footage: the pool minus this series' intro shots, in chunks used at most once per window.
    cuts = [(s["src"], s["start"] - 1, s["start"] + s["frames"] / FPS + 1) for i in intros for s in i["shots"]]
    free = subtract([(k, 0, v) for k, v in FOOTAGE.items()], cuts + (FILM_TEXT if NO_FILM_TEXT else []))
    chunks = []
    for src, a, b in free:
        t = a
        while b - t >= 6:
            length = min(b - t, rng.uniform(12, 40))
            chunks.append((src, round(t, 2), round(t + length, 2)))
            t += length
    rng.shuffle(chunks)
    usage = [0] * len(chunks)  # episodes of this series that used each chunk: fresh footage first
    consumed = [0.0] * len(chunks)  # seconds of each chunk the series has shown (families B, C)
    # Family C: one series in four has no intro at all, only names over the story's first shots.
    opening_credits = family == "C" and index % 4 == 3
    episodes = []
    history = []  # body clips of earlier episodes, for recaps
    for e in range(n_eps):
        ep = plan_episode(rng, e, intros, change_at, chunks, usage, history, grade, title, consumed if family != "A" else None)
        if family == "B":
            ep = plan_family_b(rng, ep, intros, change_at, e, chunks, dev_music, usage, consumed)
        elif family == "C":
            ep = plan_family_c(rng, ep, intros, opening_credits, chunks, dev_music, usage, consumed)
        episodes.append(ep)
    tail_style = None
    if tails in ("varied", "other"):
        # Own random streams: the head of every episode is planned exactly as without --tails.
        tail_style = plan_tail_style(random.Random(f"{seed}-{split}-{index}-tails"), index)
        if tails == "other":
            tail_style["type"] = plan_typography(random.Random(f"{seed}-{split}-{index}-type"))
        for ep in episodes:
            vary_tail(random.Random(f"{seed}-{split}-{index}-tail{ep['number']}"), ep, tail_style, chunks, title)
    plan = {"title": title, "split": split, "index": index, "grade": grade, "intros": intros,
            "intro_change_at": change_at, "episodes": episodes}
    if tail_style:
        plan["tail_style"] = tail_style
    if family != "A":
        plan["family"] = family
    if opening_credits:
        plan["opening_credits"] = True
    return plan


SUBTITLES = ["Where were you last night?", "We have to go. Now.", "I never said that.",
             "Look at the sky.", "Nobody leaves this room.", "It was always you.", "Trust me."]
IDENTS = ["CHANNEL 7", "KTV presents", "NORTH ONE", "A STUDIO 9 PRODUCTION"]


def plan_family_b(rng, ep, intros, change_at, e, chunks, intro_music, usage, consumed):
    """Family B's conventions on top of an episode plan: cold opens of up to 140 s, a black leader
    or a channel ident before the intro, a quarter of episodes without intro, recaps without
    caption, louder story sound, burnt-in subtitles in the story, and a loud music scene in the
    story (music the series' intro does not use)."""
    free_footage = free_footage_of(rng, ep, chunks, usage, gain=0.9, consumed=consumed)

    pieces = []
    for kind, ps in ep["pieces"]:
        if kind == "recap" and rng.random() < 0.5:
            ps = [dict(p, caption=None, voice=False) for p in ps]
        if kind == "cold_open":
            continue
        if kind == "intro":
            if rng.random() < 0.6:
                f_total = frames(rng.choice([rng.uniform(5, 40), rng.uniform(40, 140)]))
                pieces.append(("cold_open", free_footage(f_total)))
            if rng.random() < 0.4:
                f = frames(rng.uniform(1, 4))
                if rng.random() < 0.5:
                    pieces.append(("leader", [{"type": "card", "frames": f, "bg": "black", "silent": True}]))
                else:
                    pieces.append(("leader", [{"type": "card", "frames": f, "bg": "0x202040", "ident": rng.choice(IDENTS),
                                               "music": rng.randint(0, 10**6)}]))
            if rng.random() < 0.25:
                # No intro this time: its seconds go to the story.
                continue
        if kind in ("body", "cold_open"):
            ps = [dict(p, gain=0.9) for p in ps]
            for p in ps:
                if p["type"] == "footage" and rng.random() < 0.35:
                    p["subtitle"] = rng.choice(SUBTITLES)
            if kind == "body" and rng.random() < 0.4:
                k = rng.randrange(min(3, len(ps)))
                other = [m for m in ["menu", "practice", "sax"] if m != intro_music]
                ps[k]["music_bed"] = {"kind": "file", "id": rng.choice(other), "offset": round(rng.uniform(0, 20), 2)}
        pieces.append((kind, ps))
    fill_window(pieces, free_footage)
    return dict(ep, pieces=pieces)


SIGNS = ["HOTEL", "EXIT", "POLICE", "MAIN ST", "OPEN 24H", "PHARMACY", "NO PARKING"]


def fill_window(pieces, free_footage):
    """The story fills the window (and 20 s beyond) again where pieces were dropped or shortened."""
    before_body = 0
    for kind, ps in pieces:
        if kind == "body":
            have = sum(p["frames"] for p in ps)
            need = frames(WINDOW_S + 20) - before_body
            if have < need:
                ps.extend(free_footage(need - have))
            break
        before_body += sum(p["frames"] for p in ps)


def reframe(rng, dur):
    """Footage the series has shown already, shown again as other footage (families B and C,
    version 2, once the pool is spent): a mirrored close-up of one quarter of the frame, with the
    sound of another moment of the pool. Real episodes do not replay their story; a synthesised
    series whose pool ran out must not either, or alignment finds story that repeats (README
    "Data")."""
    src = rng.choice([k for k in SOUNDTRACKS if FOOTAGE[k] >= dur + 2])
    return {"qx": rng.choice([0, 0.5]), "qy": rng.choice([0, 0.5]), "audio_src": src,
            "audio_start": round(rng.uniform(0, FOOTAGE[src] - dur - 1), 2)}


def free_footage_of(rng, ep, chunks, usage, gain, shot_s=None, consumed=None):
    """A function giving footage pieces of f frames from chunks this episode does not show yet,
    the series' least-used first (as plan_episode's `take`): story does not repeat across
    episodes while the pool lasts. Each piece is a whole chunk, or with `shot_s` (family C) a
    shot of that many seconds at most.

    With `consumed` (seconds of each chunk already shown by the series, from its start; generator
    version 2 of families B and C), a piece continues where the chunk's last use ended, and the
    cold open plan_episode drew (which these families replace) gives its chunks back. Before,
    every piece began at its chunk's start and the dropped cold open's chunks stayed counted, so
    a quarter of family B's and half of family C's story in the window was footage another
    episode of the series had shown too (README "Data")."""
    index = {(c[0], c[1]): i for i, c in enumerate(chunks)}
    if consumed is not None:
        for kind, q in ep["pieces"]:
            for p in q:
                i = index.get((p.get("src"), p.get("start"))) if p.get("type") == "footage" else None
                if i is None:
                    continue
                if kind == "cold_open":
                    usage[i] -= 1
                else:
                    consumed[i] = max(consumed[i], p["frames"] / FPS)
    kept = [q for kind, q in ep["pieces"] if consumed is None or kind != "cold_open"]
    used = {p["src"] + str(p["start"]) for q in kept for p in q if p.get("type") == "footage"}
    free = [i for i, c in enumerate(chunks) if c[0] + str(c[1]) not in used and c[2] - c[1] > 6]

    def left(i):
        return chunks[i][2] - chunks[i][1] - 0.2 - (consumed[i] if consumed is not None else 0.0)

    def take(f_total):
        shots, got = [], 0
        while got < f_total:
            # Unshown footage first: a chunk's unshown rest, one this episode has not drawn on yet
            # before another part of one it has (not a repeat: other frames).
            fresh = [i for i in range(len(chunks)) if left(i) >= 3] if consumed is not None else []
            if fresh:
                i = min(fresh, key=lambda k: (k not in free, usage[k], -left(k), rng.random()))
                if i in free:
                    free.remove(i)
                offset = consumed[i]
            elif free:
                i = min(free, key=lambda k: (usage[k], rng.random()))
                free.remove(i)
                offset = 0.0
            else:
                i = min(range(len(chunks)), key=lambda k: (usage[k], rng.random()))
                offset = 0.0
            usage[i] += 1
            c = chunks[i]
            longest = c[2] - c[1] - 0.2 - offset
            f = min(f_total - got, frames(longest if shot_s is None else min(longest, rng.uniform(*shot_s))))
            shots.append({"type": "footage", "src": c[0], "start": round(c[1] + offset, 2), "frames": f, "gain": gain})
            if consumed is not None and not fresh:
                shots[-1]["reframe"] = reframe(rng, f / FPS)
            if consumed is not None:
                consumed[i] = max(consumed[i], offset + f / FPS + 0.2)
            got += f
        return shots
    return take


def plan_family_c(rng, ep, intros, opening_credits, chunks, intro_music, usage, consumed):
    """Family C's conventions on top of an episode plan (README "Data"): cold opens of up to
    150 s; the theme starting 1-5 s before the intro's picture, over the last shot before it, in
    40 % of episodes; a black leader in 20 %; 15 % of episodes without intro (all of them in a
    series with opening credits: names over the story's first shots instead); recaps without
    caption half the time; story sound at 0.6-1.0; signs and subtitles burnt into the story; a
    loud music scene in the story in 30 %."""
    gain = round(rng.uniform(0.6, 1.0), 2)
    free_footage = free_footage_of(rng, ep, chunks, usage, gain, shot_s=(3, 12), consumed=consumed)
    pieces = []
    for kind, ps in ep["pieces"]:
        if kind == "recap" and rng.random() < 0.5:
            ps = [dict(p, caption=None, voice=False) for p in ps]
        if kind == "cold_open":
            continue
        if kind == "intro":
            if rng.random() < 0.7:
                f_total = frames(rng.choice([rng.uniform(5, 60), rng.uniform(60, 150)]))
                pieces.append(("cold_open", free_footage(f_total)))
            if rng.random() < 0.2:
                f = frames(rng.uniform(1, 3))
                pieces.append(("leader", [{"type": "card", "frames": f, "bg": "black", "silent": True}]))
            if opening_credits or rng.random() < 0.15:
                continue  # no intro this time: its seconds go to the story
            # Trims of at most a tenth of the intro at each end (a sting stays a sting).
            whole = intros[ps[0]["which"]]["frames"]
            tail = whole - ps[0]["head"] - ps[0]["frames"]
            head, tail = min(ps[0]["head"], whole // 10), min(tail, whole // 10)
            ps = [dict(ps[0], head=head, frames=whole - head - tail)]
            if pieces and pieces[-1][1][-1]["type"] == "footage" and rng.random() < 0.4:
                # The theme leads the picture: it starts over the last shot before the intro.
                ps = [dict(ps[0], lead_f=min(frames(rng.uniform(1, 5)), pieces[-1][1][-1]["frames"] - 1))]
        if kind in ("body", "cold_open"):
            ps = [dict(p, gain=gain) for p in ps]
            for p in ps:
                if p["type"] != "footage":
                    continue
                r = rng.random()
                if r < 0.25:
                    p["subtitle"] = rng.choice(SUBTITLES)
                elif r < 0.45:
                    p["sign"] = {"text": rng.choice(SIGNS), "x": round(rng.uniform(0.05, 0.6), 2),
                                 "y": round(rng.uniform(0.05, 0.6), 2), "size": rng.randint(18, 40)}
            if kind == "body" and rng.random() < 0.3:
                k = rng.randrange(min(3, len(ps)))
                other = [m for m in ["menu", "practice", "sax"] if m != intro_music]
                ps[k]["music_bed"] = {"kind": "file", "id": rng.choice(other), "offset": round(rng.uniform(0, 20), 2),
                                      "gain_db": round(rng.uniform(-6, 2), 1)}
        pieces.append((kind, ps))
    if opening_credits:
        # Names over the first shots of the story (whatever comes first after a recap).
        names = rng.sample(NAMES, 5)
        for kind, ps in pieces:
            if kind in ("cold_open", "body"):
                for p, name in zip([p for p in ps if p["type"] == "footage"], names):
                    p["sign"] = {"text": name, "x": "center", "y": 0.75, "size": 30}
                break
    # A lead-in: the shot before the intro carries the intro's music from lead_f frames before its end.
    for i, (kind, ps) in enumerate(pieces):
        if kind == "intro" and ps[0].get("lead_f"):
            pieces[i - 1][1][-1]["theme_lead"] = {"frames": ps[0]["lead_f"], "head": ps[0]["head"],
                                                   "which": ps[0]["which"]}
    fill_window(pieces, free_footage)
    return dict(ep, pieces=pieces)


ROLES = ["Directed by", "Written by", "Produced by", "Music by", "Edited by", "Camera",
         "Production Design", "Costumes", "Casting", "Sound", "Visual Effects", "Script Supervisor"]
TAIL_FORMS = ["scroll_black", "static_cards", "squeeze", "scroll_footage", "long"]
# The share of episodes with credits whose credits a scene splits (`--mid-credits`; 0 draws
# nothing, so every set built before it plans exactly as it did).
MID_CREDITS = 0.0


def plan_tail_style(trng, index):
    """A series' habits at the end of its episodes (`--tails varied`, README "Data"): the form its
    credits usually take (series by series in turn, so that a set of five series has each), whether
    one end theme repeats over the season, how often a scene follows the credits."""
    return {"form": TAIL_FORMS[index % len(TAIL_FORMS)], "keep_form": round(trng.uniform(0.7, 0.95), 2),
            "theme": trng.randint(0, 10**6) if trng.random() < 0.6 else None,
            "post_credits": round(trng.uniform(0.2, 0.6), 2), "preview": round(trng.uniform(0.1, 0.5), 2)}


TAIL_COLOURS = ["white", "0xF0E6B4", "0xC8D2DC", "0xFFD060"]
CAPTIONS = ["Next time", "Next week", "Coming up", "On the next episode"]


def plan_typography(trng):
    """`--tails other`: the varied forms set in another house style, fixed per series before any
    detector met it (README "Data"): another font and size, text set left, right or centred,
    tinted text, with or without an outline, footage under names darkened less or not at all,
    the squeeze-back on either side at another size, and other words and places for the
    preview's caption. A test of the credits rule on typography it was not chosen on."""
    return {"font": trng.choice(FONTS_C), "scale": round(trng.uniform(0.75, 1.35), 2),
            "align": trng.choice(["centre", "left", "right"]), "colour": trng.choice(TAIL_COLOURS),
            "border": trng.random() < 0.5, "dim": trng.choice([0.0, -0.1, -0.18]),
            "squeeze_side": trng.choice(["left", "right"]), "squeeze_scale": round(trng.uniform(0.5, 0.72), 2),
            "caption": trng.choice(CAPTIONS), "caption_top": trng.random() < 0.4}


def credit_lines(trng, n):
    """n lines of roles and names, as end credits list them."""
    lines = []
    while len(lines) < n:
        lines += [trng.choice(ROLES), trng.choice(NAMES), ""]
    return lines[:n]


def vary_tail(trng, ep, style, chunks, title):
    """Replace an episode's end (credits, preview) with one of the forms real TV uses: names
    scrolling over black or over the last story scene, static cards of a role and a name, the
    picture squeezed into a corner beside scrolling names (with the promo's own sound), long
    credits of 1–5 minutes; sometimes no credits at all, a "Next time" preview after them, or a
    story scene after them that must not be skipped (truth: a body segment after the credits)."""
    pieces = [(k, ps) for k, ps in ep["pieces"] if k not in ("credits", "preview")]
    form = style["form"] if trng.random() < style["keep_form"] else trng.choice(TAIL_FORMS)
    if trng.random() < 0.08:
        form = None  # an episode without end credits
    music = style["theme"] if style["theme"] is not None else trng.randint(0, 10**6)
    # Footage of the series (from its body chunks) for squeeze-backs, previews and scenes.
    def clip(seconds):
        long_enough = [c for c in chunks if c[2] - c[1] >= seconds + 0.5]
        src, a, b = trng.choice(long_enough) if long_enough else max(chunks, key=lambda c: c[2] - c[1])
        f = min(frames(seconds), frames(b - a - 0.3))
        return {"type": "footage", "src": src, "start": round(a + 0.1, 2), "frames": f}
    def credits(form, seconds=None):
        """One stretch of credits in `form`, `seconds` long (None: the form's own length)."""
        if form == "scroll_black":
            f = frames(seconds or trng.uniform(15, 45))
            return [{"type": "card", "frames": f, "bg": "black", "scroll": credit_lines(trng, 12),
                     "scroll_all": True, "music": music}]
        if form == "long":
            dur = seconds or trng.uniform(60, 300)
            f = frames(dur)
            return [{"type": "card", "frames": f, "bg": "black",
                     "scroll": credit_lines(trng, int(dur * 0.9)), "scroll_all": True, "music": music}]
        if form == "static_cards":
            if seconds is None:
                pages, page_f = trng.randint(4, 10), frames(trng.uniform(2.5, 5))
            else:
                page_f = frames(trng.uniform(2.5, 5))
                pages = max(2, round(seconds * FPS / page_f))
            return [{"type": "card", "frames": pages * page_f, "bg": "black", "music": music,
                     "pages": [credit_lines(trng, 2 + 3 * trng.randint(0, 1)) for _ in range(pages)],
                     "page_f": page_f}]
        if form == "squeeze":
            c = clip(seconds or trng.uniform(12, 30))
            c["squeeze"] = credit_lines(trng, 15)
            return [c]
        c = clip(seconds or trng.uniform(15, 30))  # scroll_footage
        c["scroll"] = credit_lines(trng, 9)
        c["scroll_all"] = True
        return [c]
    if form is not None and MID_CREDITS > 0 and trng.random() < MID_CREDITS:
        # Credits split by a scene between their cards (`--mid-credits`): the first names, a
        # story scene of one to three shots that must not be skipped (truth: body), then the
        # rest of the names in the same form, each part 8-30 s.
        first = credits(form, trng.uniform(8, 25))
        scene = [clip(trng.uniform(3, 7)) for _ in range(trng.randint(1, 3))]
        rest = credits(form, trng.uniform(10, 30))
        for p in rest:
            p["part"] = 2  # its own text files
        pieces += [("credits", first), ("body", scene), ("credits", rest)]
    elif form is not None:
        pieces.append(("credits", credits(form)))
    if form is not None and trng.random() < style["post_credits"]:
        scene = [clip(trng.uniform(4, 8)) for _ in range(trng.randint(2, 4))]
        pieces.append(("body", scene))
    if trng.random() < style["preview"]:
        clips = [clip(trng.uniform(2, 4)) for _ in range(trng.randint(3, 5))]
        clips[0]["caption"] = style["type"]["caption"] if "type" in style else "Next time"
        pieces.append(("preview", clips))
    ep["pieces"] = pieces


def plan_episode(rng, e, intros, change_at, chunks, usage, history, grade, title, consumed=None):
    used = set()

    def take(min_len, fresh=True):
        """A chunk of the series not yet in this episode (never repeats in one episode): inside the
        detection window the least-used one, so episodes of a series show different footage there
        (as real episodes do); after the window the most-used one, to keep fresh footage for later
        episodes' windows. With `consumed` (families B and C), inside the window: the part of a
        chunk no episode of the series has shown yet, where one is long enough."""
        best = None
        for i, c in enumerate(chunks):
            if i in used or c[2] - c[1] < min_len:
                continue
            if consumed is not None and fresh and c[2] - c[1] - consumed[i] < min_len:
                continue
            if best is None or (usage[i] < usage[best] if fresh else usage[i] > usage[best]):
                best = i
        if best is None and consumed is not None and fresh:
            c = take(min_len, fresh=False)
            return c and (c[0], c[1], c[2], None)  # shown already: fill reframes it
        if best is None:
            return None
        used.add(best)
        usage[best] += 1
        c = chunks[best]
        if consumed is not None and fresh:
            return (c[0], round(c[1] + consumed[best], 2), c[2], best)
        return c

    pieces = []  # (kind, piece)
    if e > 0 and history and rng.random() < 0.35:
        clips = []
        for _ in range(rng.randint(3, 6)):
            src, a, b = rng.choice(history)
            f = frames(rng.uniform(2, 4))
            start = round(rng.uniform(a, max(a, b - f / FPS - 0.1)), 2)
            clips.append({"type": "footage", "src": src, "start": start, "frames": f})
        clips[0]["caption"] = f"Previously on {title}"
        clips[0]["voice"] = True
        pieces.append(("recap", clips))
    if rng.random() < 0.5 and consumed is None:  # families B and C plan their own
        f_total = frames(rng.choice([rng.uniform(5, 40), rng.uniform(30, 110)]))
        pieces.append(("cold_open", fill(rng, take, f_total)))
    has_intro = rng.random() > 0.1
    if has_intro:
        which = 1 if change_at is not None and e >= change_at else 0
        intro = intros[which]
        head = frames(rng.uniform(0.5, 3)) if rng.random() < 0.25 else 0
        tail = frames(rng.uniform(0.5, 3)) if rng.random() < 0.25 else 0
        pieces.append(("intro", [{"type": "intro", "which": which, "head": head,
                                  "frames": intro["frames"] - head - tail}]))
    before = sum(p["frames"] for _, ps in pieces for p in ps)
    body = fill(rng, take, max(frames(WINDOW_S) - before, 0), consumed=consumed)
    body += fill(rng, lambda n: take(n, fresh=False), frames(rng.uniform(20, 60)))
    pieces.append(("body", body))
    history.extend((p["src"], p["start"], p["start"] + p["frames"] / FPS) for p in body)
    credits_f = frames(rng.uniform(15, 30))
    names = rng.sample(NAMES, 6)
    if rng.random() < 0.5:
        pieces.append(("credits", [{"type": "card", "frames": credits_f, "bg": "black", "scroll": names,
                                    "music": rng.randint(0, 10**6)}]))
    else:
        c = take(credits_f / FPS, fresh=False) or rng.choice(chunks)
        pieces.append(("credits", [{"type": "footage", "src": c[0], "start": c[1],
                                    "frames": min(credits_f, frames(c[2] - c[1]) - 1), "scroll": names}]))
    if rng.random() < 0.3:
        clips = fill(rng, lambda n: take(n, fresh=False), frames(rng.uniform(8, 15)), shot=(2, 4))
        clips[0]["caption"] = "Next time"
        pieces.append(("preview", clips))
    perturb = plan_perturbation(rng)
    if FIT_ASPECT and perturb["aspect"] != "full":  # a key only where it changes the render
        perturb["fit"] = True
    return {"number": e + 1, "pieces": pieces, "grade": grade, "perturb": perturb}


def fill(rng, take, total_f, shot=None, consumed=None):
    """Footage pieces totalling exactly total_f frames, each from a chunk unused in this episode.
    A chunk `take` hands out as (src, start, end, index) is a chunk's unshown rest: what the piece
    shows is marked in `consumed`."""
    out, got = [], 0
    while got < total_f:
        want = total_f - got
        if shot:
            want = min(want, frames(rng.uniform(*shot)))
        c = take(min(want / FPS, 6) + 0.2)
        if c is None:
            sys.exit("synth: the footage pool ran out of unused chunks for one episode")
        f = min(want, frames(c[2] - c[1] - 0.2))
        out.append({"type": "footage", "src": c[0], "start": c[1], "frames": f})
        if len(c) == 4 and c[3] is None:
            out[-1]["reframe"] = reframe(rng, f / FPS)
        elif len(c) == 4:
            consumed[c[3]] += f / FPS + 0.2
        got += f
    return out


def plan_perturbation(rng):
    return {
        "aspect": rng.choices(["full", "letterbox", "pillarbox", "4:3"], [6, 2, 1, 1])[0],
        "height": rng.choice([288, 360, 360, 480]),
        "logo": rng.random() < 0.35,
        "eq": {"brightness": round(rng.uniform(-0.06, 0.06), 3), "contrast": round(rng.uniform(0.9, 1.15), 3),
               "gamma": round(rng.uniform(0.85, 1.2), 3)} if rng.random() < 0.5 else None,
        "codec": "libx265" if rng.random() < 0.1 else "libx264",
        "crf": rng.randint(18, 30),
        "gop_s": rng.choice([1, 2, 4, 10]),
        "fps": rng.choices(["25", "24000/1001", "30000/1001"], [2, 1, 1])[0],
        "pal_speedup": rng.random() < 0.15,
        "audio_rate": rng.choice([44100, 48000]),
    }


# ---------------------------------------------------------------------------------------------
# Rendering

def grade_filter(g):
    zw = int(W * g["zoom"]) // 2 * 2
    zh = int(H * g["zoom"]) // 2 * 2
    f = [f"scale={zw}:{zh}", f"crop={W}:{H}:{int((zw - W) * g['zx'])}:{int((zh - H) * g['zy'])}",
         f"hue=h={g['hue']}:s={g['sat']}", "setsar=1"]
    if g["hflip"]:
        f.append("hflip")
    return ",".join(f)


def text(s):
    return s.replace("\\", "\\\\").replace("'", "").replace(":", "\\:")


def music_input(spec, duration):
    """An ffmpeg input (args) for a music bed of `duration` seconds."""
    if spec["kind"] == "file":
        return ["-stream_loop", "-1", "-ss", str(spec["offset"]), "-t", f"{duration:.3f}", "-i",
                spec["path"]]
    r = random.Random(spec["seed"])
    base, bps = spec["base"], spec["bpm"] / 60
    a, b = r.randint(1, 11), r.randint(1, 7)
    expr = (f"0.18*sin(2*PI*{base}*pow(2,mod(floor(t*{bps})*{a},12)/12)*t)*(1-mod(t*{bps},1))"
            f"+0.12*sin(2*PI*{base / 2}*pow(2,mod(floor(t*{bps / 4})*{b},7)/12)*t)"
            f"+0.05*sin(2*PI*{base * 3}*t)*lt(mod(t*{bps * 2},1),0.1)")
    if spec.get("offset"):
        # A theme that leads the intro's picture (family C, training music): the bed from
        # `offset` seconds into the master's, so the lead runs on into the intro's own sound.
        expr = re.sub(r"\bt\b", f"(t+{spec['offset']})", expr)
    return ["-f", "lavfi", "-t", f"{duration:.3f}", "-i",
            f"aevalsrc='{expr}|{expr}':s={AUDIO_RATE}:c=stereo"]


def render_intro(series, k, work, pool):
    intro = series["intros"][k]
    out = os.path.join(work, f"intro{k}.mkv")
    if os.path.exists(out):
        return out
    if "xfade" in intro:
        return render_intro_c(series, k, work, pool, intro, out)
    inputs, vchains, n = [], [], 0
    g = grade_filter(series["grade"])
    card = intro["card"]
    card_txt = "" if card is None else (
        f"drawtext=fontfile={FONT}:text='{text(card['label'])}':fontcolor={card.get('color', 'white')}"
        f":fontsize={card['size']}:x=(w-tw)/2:y=(h-th)/2:borderw=2")
    shot_vs = []
    for s in intro["shots"]:
        inputs += ["-ss", str(s["start"]), "-t", f"{s['frames'] / FPS + 0.5:.3f}", "-i",
                   os.path.join(pool, s["src"] + ".mp4")]
        vchains.append(f"[{n}:v]trim=end_frame={s['frames']},setpts=PTS-STARTPTS,{g}[v{n}]")
        shot_vs.append(f"[v{n}]")
        n += 1
    # The title card: over a solid background or over the next shot of footage (or none).
    if card is None:
        pass
    elif card["over_footage"]:
        s = intro["shots"][0]
        inputs += ["-ss", str(s["start"]), "-t", f"{card['frames'] / FPS + 0.5:.3f}", "-i",
                   os.path.join(pool, s["src"] + ".mp4")]
        vchains.append(f"[{n}:v]trim=end_frame={card['frames']},setpts=PTS-STARTPTS,{g},boxblur=4,{card_txt}[v{n}]")
    else:
        inputs += ["-f", "lavfi", "-i", f"color=c={card['bg']}:s={W}x{H}:r={FPS}:d={card['frames'] / FPS}"]
        vchains.append(f"[{n}:v]trim=end_frame={card['frames']},setpts=PTS-STARTPTS,{card_txt}[v{n}]")
    if card is None:
        order = shot_vs
    else:
        card_v = f"[v{n}]"
        n += 1
        pos = {"start": 0, "middle": len(shot_vs) // 2, "end": len(shot_vs)}[card["at"]]
        order = shot_vs[:pos] + [card_v] + shot_vs[pos:]
    dur = intro["frames"] / FPS
    music = dict(intro["music"])
    if music["kind"] == "file":
        music["path"] = os.path.join(pool, f"music_{music['id']}.wav")
    inputs += music_input(music, dur)
    fades = []
    if intro["fade_in"]:
        fades.append("fade=t=in:d=0.5")
    if intro["fade_out"]:
        fades.append(f"fade=t=out:st={dur - 0.6:.3f}:d=0.6")
    vf = ";".join(vchains) + ";" + "".join(order) + f"concat=n={len(order)}:v=1:a=0,settb=1/{FPS},setpts=N" + (
        "," + ",".join(fades) if fades else "") + "[v]"
    gain = f"volume={music['gain_db']}dB," if "gain_db" in music else ""
    # Timestamps from the sample count: a looped Ogg restarts its own, which atrim would let through.
    af = (f"[{n}:a]{gain}aresample={AUDIO_RATE},asetpts=N/SR/TB,aformat=channel_layouts=stereo,apad=whole_dur={dur:.3f},"
          f"atrim=duration={dur:.3f},afade=t=in:d=1,afade=t=out:st={max(dur - 2, 0):.3f}:d=2[a]")
    run(FFMPEG + inputs + ["-filter_complex", vf + ";" + af, "-map", "[v]", "-map", "[a]",
                           "-c:v", "libx264", "-preset", "veryfast", "-crf", "14", "-g", str(FPS),
                           "-threads", "2", "-c:a", "pcm_s16le", out + ".tmp.mkv"])
    os.replace(out + ".tmp.mkv", out)
    return out


def render_intro_c(series, k, work, pool, intro, out):
    """Family C's intro master: cross-fades, a fading title card in its own font, sung words."""
    inputs, vchains, n = [], [], 0
    g = grade_filter(series["grade"])
    card = intro["card"]
    xf = intro.get("xfade", 0)  # family C: cross-fades of xf frames between consecutive pictures
    card_txt = "" if card is None else (
        f"drawtext=fontfile={card.get('font', FONT)}:text='{text(card['label'])}':fontcolor={card.get('color', 'white')}"
        f":fontsize={card['size']}:x=(w-tw)/2:y=(h-th)/2:borderw=2"
        + (":alpha='min(1,t/0.8)'" if card.get("fade_in") else ""))
    # The pictures in order (shots, the title card among them), each (input args, chain, frames).
    pictures = []
    for s in intro["shots"]:
        pictures.append(("shot", s))
    if card is not None:
        pos = {"start": 0, "middle": len(pictures) // 2, "end": len(pictures)}[card["at"]]
        pictures.insert(pos, ("card", card))
    order = []
    for i, (what, p) in enumerate(pictures):
        ext = xf if i < len(pictures) - 1 else 0  # each picture overlaps the next by xf frames
        f = p["frames"] + ext
        if what == "shot":
            inputs += ["-ss", str(p["start"]), "-t", f"{f / FPS + 0.5:.3f}", "-i", os.path.join(pool, p["src"] + ".mp4")]
            vchains.append(f"[{n}:v]trim=end_frame={f},setpts=PTS-STARTPTS,{g},format=yuv420p[v{n}]")
        elif p["over_footage"]:  # the title card over blurred footage (the first shot's)
            s = intro["shots"][0]
            inputs += ["-ss", str(s["start"]), "-t", f"{f / FPS + 0.5:.3f}", "-i", os.path.join(pool, s["src"] + ".mp4")]
            vchains.append(f"[{n}:v]trim=end_frame={f},setpts=PTS-STARTPTS,{g},boxblur=4,{card_txt},format=yuv420p[v{n}]")
        else:
            inputs += ["-f", "lavfi", "-i", f"color=c={p['bg']}:s={W}x{H}:r={FPS}:d={f / FPS + 0.1}"]
            vchains.append(f"[{n}:v]trim=end_frame={f},setpts=PTS-STARTPTS,{card_txt},format=yuv420p[v{n}]")
        if xf:  # xfade needs one time base on both sides: the card's lavfi source has 1/FPS
            vchains[-1] = vchains[-1][: -len(f"[v{n}]")] + f",settb=1/{FPS}[v{n}]"
        order.append((f"[v{n}]", p["frames"]))
        n += 1
    dur = intro["frames"] / FPS
    music = dict(intro["music"])
    if music["kind"] == "file":
        music["path"] = os.path.join(pool, f"music_{music['id']}.wav")
    inputs += music_input(music, dur)
    fades = []
    if intro["fade_in"]:
        fades.append("fade=t=in:d=0.5")
    if intro["fade_out"]:
        fades.append(f"fade=t=out:st={dur - 0.6:.3f}:d=0.6")
    if xf:
        chain, label, at = [], order[0][0], 0
        for i, (lab, f) in enumerate(order[1:], 1):
            at += order[i - 1][1]
            chain.append(f"{label}{lab}xfade=transition=fade:duration={xf / FPS:.3f}:offset={at / FPS:.3f}[x{i}]")
            label = f"[x{i}]"
        joined = (";".join(chain) + ";" if chain else "") + f"{label}settb=1/{FPS},setpts=N"
    else:
        joined = "".join(lab for lab, _ in order) + f"concat=n={len(order)}:v=1:a=0,settb=1/{FPS},setpts=N"
    vf = ";".join(vchains) + ";" + joined + ("," + ",".join(fades) if fades else "") + "[v]"
    gain = f"volume={music['gain_db']}dB," if "gain_db" in music else ""
    # Family C's masters fade in briefly: a lead-in (the theme before the picture) plays into them.
    fade_in = 0.1 if "xfade" in intro else 1
    # Timestamps from the sample count: a looped Ogg restarts its own, which atrim would let through.
    af = f"[{n}:a]{gain}aresample={AUDIO_RATE},asetpts=N/SR/TB,aformat=sample_fmts=fltp:channel_layouts=stereo"
    if intro.get("vocals"):  # sung words (espeak-ng) over the theme from 1 s in
        voc = os.path.join(work, f"vocals{k}.wav")
        subprocess.run(["espeak-ng", "-s", "110", "-p", "70", "-w", voc, intro["vocals"]], check=True)
        inputs += ["-i", voc]
        af += (f"[m];[{n + 1}:a]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
               f"adelay=1000|1000,volume=1.5[vo];[m][vo]amix=inputs=2:duration=first:normalize=0")
    af += (f",apad=whole_dur={dur:.3f},atrim=duration={dur:.3f},afade=t=in:d={fade_in},"
           f"afade=t=out:st={max(dur - 2, 0):.3f}:d=2[a]")
    run(FFMPEG + inputs + ["-filter_complex", vf + ";" + af, "-map", "[v]", "-map", "[a]",
                           "-c:v", "libx264", "-preset", "veryfast", "-crf", "14", "-g", str(FPS),
                           "-threads", "2", "-c:a", "pcm_s16le", out + ".tmp.mkv"])
    os.replace(out + ".tmp.mkv", out)
    return out


def tail_text(ty, size, x=None):
    """drawtext options for credits and captions in a series' `--tails other` typography."""
    if x is None:
        x = {"centre": "(w-tw)/2", "left": "w*0.08", "right": "w*0.92-tw"}[ty["align"]]
    border = ":borderw=2" if ty["border"] else ""
    return f"fontfile={ty['font']}:fontcolor={ty['colour']}:fontsize={round(size * ty['scale'])}{border}:x={x}"


def part_suffix(p):
    """The second part of split credits writes its text to its own files."""
    return f"-part{p['part']}" if p.get("part") else ""


def render_episode(series, ep, work, pool, out_path):
    g = grade_filter(series["grade"])
    ty = (series.get("tail_style") or {}).get("type")  # `--tails other`: the series' typography
    inputs, chains, labels, n = [], [], [], 0
    voice = None
    for kind, ps in ep["pieces"]:
        for p in ps:
            f = p["frames"]
            dur = f / FPS
            extra = []
            if p.get("caption") and kind == "preview" and ty:
                y = "30" if ty["caption_top"] else "h-th-30"
                extra.append(f"drawtext=text='{text(p['caption'])}':{tail_text(ty, 26)}:y={y}:enable='lt(t,3)'")
            elif p.get("caption"):
                extra.append(f"drawtext=fontfile={FONT}:text='{text(p['caption'])}':fontcolor=white:fontsize=26"
                             f":x=(w-tw)/2:y=h-th-30:borderw=2:enable='lt(t,3)'")
            if p.get("subtitle"):
                extra.append(f"drawtext=fontfile={FONT}:text='{text(p['subtitle'])}':fontcolor=white:fontsize=22"
                             f":x=(w-tw)/2:y=h-th-24:borderw=2")
            if p.get("sign"):  # a sign or a name in the picture (family C)
                sg = p["sign"]
                x = "(w-tw)/2" if sg["x"] == "center" else f"w*{sg['x']}"
                extra.append(f"drawtext=fontfile={FONT}:text='{text(sg['text'])}':fontcolor=white:fontsize={sg['size']}"
                             f":x={x}:y=h*{sg['y']}:box=1:boxcolor=0x202020@0.6:boxborderw=6")
            if p.get("ident"):
                extra.append(f"drawtext=fontfile={FONT}:text='{text(p['ident'])}':fontcolor=white:fontsize=40"
                             f":x=(w-tw)/2:y=(h-th)/2")
            if p.get("scroll"):
                lines = "\n".join(["Cast"] + p["scroll"] + ["", series["title"]])
                tf = os.path.join(work, f"credits{ep['number']}{part_suffix(p)}.txt")
                with open(tf, "w") as fh:
                    fh.write(lines)
                # Varied tails (`scroll_all`) scroll every line through the picture, at a speed
                # that grows with the list; the simple tails move 400 px past the picture's height.
                travel = H + 36 * (len(p["scroll"]) + 3) if p.get("scroll_all") else H + 400
                look = tail_text(ty, 24) if ty else f"fontfile={FONT}:fontcolor=white:fontsize=24:x=(w-tw)/2"
                extra.append(f"drawtext=textfile={tf}:{look}:line_spacing=12:y=h-{travel / dur:.3f}*t")
            if p.get("pages"):  # static cards: one page of names after another, no motion
                for k, page in enumerate(p["pages"]):
                    tf = os.path.join(work, f"credits{ep['number']}{part_suffix(p)}-page{k}.txt")
                    with open(tf, "w") as fh:
                        fh.write("\n".join(page))
                    a0, a1 = k * p["page_f"] / FPS, (k + 1) * p["page_f"] / FPS
                    look = tail_text(ty, 26) if ty else f"fontfile={FONT}:fontcolor=white:fontsize=26:x=(w-tw)/2"
                    extra.append(f"drawtext=textfile={tf}:{look}:line_spacing=14"
                                 f":y=(h-th)/2:enable='between(t,{a0:.3f},{a1 - 0.001:.3f})'")
            if p["type"] == "footage":
                inputs += ["-ss", str(p["start"]), "-t", f"{dur + 0.5:.3f}", "-i", os.path.join(pool, p["src"] + ".mp4")]
                v = f"[{n}:v]trim=end_frame={f},setpts=PTS-STARTPTS,{g}"
                if p.get("squeeze"):  # the picture in a corner, names scrolling beside it
                    tf = os.path.join(work, f"credits{ep['number']}{part_suffix(p)}-squeeze.txt")
                    with open(tf, "w") as fh:
                        fh.write("\n".join(p["squeeze"] + ["", series["title"]]))
                    k = ty["squeeze_scale"] if ty else 0.6
                    sw, sh = int(W * k) // 2 * 2, int(H * k) // 2 * 2
                    right = bool(ty) and ty["squeeze_side"] == "right"
                    px = W - sw - W // 40 if right else W // 40
                    # The names in the free part of the frame, beside the picture.
                    free_x = W // 40 if right else px + sw + W // 30
                    look = (tail_text(ty, 18, x=str(free_x)) if ty else
                            f"fontfile={FONT}:fontcolor=white:fontsize=18:x={W * 2 // 3}")
                    v += (f",scale={sw}:{sh},pad={W}:{H}:{px}:{(H - sh) // 2}:black,"
                          f"drawtext=textfile={tf}:{look}:line_spacing=8:y=h-{(H + 600) / dur:.3f}*t")
                if p.get("reframe"):  # footage shown again as other footage: see reframe()
                    rf = p["reframe"]
                    inputs += ["-ss", str(rf["audio_start"]), "-t", f"{dur + 0.5:.3f}", "-i", os.path.join(pool, rf["audio_src"] + ".mp4")]
                    v = (f"[{n}:v]trim=end_frame={f},setpts=PTS-STARTPTS,crop=iw/2:ih/2:iw*{rf['qx']}:ih*{rf['qy']},"
                         f"scale={W}:{H},hflip,{g}")
                    n += 1  # the footage's sound is this input's
                if p.get("scroll") and ty:
                    v += f",eq=brightness={ty['dim']}" if ty["dim"] else ""
                elif p.get("scroll"):
                    v += ",eq=brightness=-0.25"
                a = f"[{n}:a]volume={p.get('gain', 0.6)},"
                if p.get("music_bed"):
                    bed = dict(p["music_bed"], path=os.path.join(pool, f"music_{p['music_bed']['id']}.wav"))
                    inputs += music_input(bed, dur)
                    bed_gain = f"volume={bed['gain_db']}dB," if "gain_db" in bed else ""
                    a = (f"[{n}:a]volume={p.get('gain', 0.6)},aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo[fa{n}];"
                         f"[{n + 1}:a]{bed_gain}aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo[mb{n}];"
                         f"[fa{n}][mb{n}]amix=inputs=2:duration=first:normalize=0,")
                    n += 1
                elif p.get("theme_lead"):
                    # The intro's theme from lead frames before the picture: the music the master
                    # plays at its first frame, started earlier by the lead, mixed into this shot.
                    tl = p["theme_lead"]
                    m = dict(series["intros"][tl["which"]]["music"])
                    if m["kind"] == "file":
                        m["path"] = os.path.join(pool, f"music_{m['id']}.wav")
                    lead = tl["frames"] / FPS
                    m["offset"] = round(m.get("offset", 0) + tl["head"] / FPS - lead, 4)
                    inputs += music_input(m, lead)
                    mg = f"volume={m['gain_db']}dB," if "gain_db" in m else ""
                    delay = int(round((dur - lead) * 1000))
                    a = (f"[{n}:a]volume={p.get('gain', 0.6)},aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo[fa{n}];"
                         f"[{n + 1}:a]{mg}aresample={AUDIO_RATE},asetpts=N/SR/TB,aformat=sample_fmts=fltp:channel_layouts=stereo,"
                         f"afade=t=in:d={min(1.0, lead / 2):.3f},adelay={delay}|{delay}[mb{n}];"
                         f"[fa{n}][mb{n}]amix=inputs=2:duration=first:normalize=0,")
                    n += 1
                elif p.get("voice"):
                    if voice is None:
                        voice = os.path.join(work, "voice.wav")
                        subprocess.run(["espeak-ng", "-s", "150", "-w", voice, p["caption"]], check=True)
                    inputs += ["-i", voice]
                    a = f"[{n}:a][{n + 1}:a]amix=inputs=2:duration=first:normalize=0,"
                    n += 1
            elif p["type"] == "intro":
                path = render_intro(series, p["which"], work, pool)
                inputs += ["-i", path]
                v = f"[{n}:v]trim=start_frame={p['head']}:end_frame={p['head'] + f},setpts=PTS-STARTPTS"
                a = f"[{n}:a]atrim=start={p['head'] / FPS:.4f},asetpts=PTS-STARTPTS,"
            else:  # card on black with a music bed
                inputs += ["-f", "lavfi", "-i", f"color=c={p['bg']}:s={W}x{H}:r={FPS}:d={dur + 0.1:.3f}"]
                v = f"[{n}:v]trim=end_frame={f},setpts=PTS-STARTPTS"
                n += 1
                if p.get("silent"):
                    inputs += ["-f", "lavfi", "-t", f"{dur + 0.1:.3f}", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
                    a = f"[{n}:a]"
                else:
                    inputs += music_input({"kind": "synth", "seed": p["music"], "base": 98, "bpm": 70}, dur)
                    a = f"[{n}:a]volume=0.7,"
            v += "".join("," + x for x in extra) + f",format=yuv420p,setsar=1[v{len(labels)}]"
            a += (f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                  f"apad=whole_dur={dur:.4f},atrim=duration={dur:.4f}[a{len(labels)}]")
            chains += [v, a]
            labels.append(f"[v{len(labels)}][a{len(labels)}]")
            n += 1
    pt = ep["perturb"]
    post = [f"settb=1/{FPS}", "setpts=N"]
    apost = []
    if pt["pal_speedup"]:
        post.append(f"setpts=PTS/{PAL_SPEEDUP:.8f}")
        apost.append(f"atempo={PAL_SPEEDUP:.8f}")
    if pt["eq"]:
        e = pt["eq"]
        post.append(f"eq=brightness={e['brightness']}:contrast={e['contrast']}:gamma={e['gamma']}")
    h = pt["height"]
    w = h * 16 // 9 // 2 * 2
    fit = pt.get("fit")  # squeeze the whole picture (FIT_ASPECT) instead of cropping it
    if pt["aspect"] == "letterbox":
        post += ([] if fit else [f"crop={W}:{int(W / 2.35) // 2 * 2}"]) + [
            f"scale={w}:{int(w / 2.35) // 2 * 2}", f"pad={w}:{h}:-1:-1"]
    elif pt["aspect"] == "pillarbox":
        post += ([] if fit else [f"crop={H * 4 // 3}:{H}"]) + [
            f"scale={h * 4 // 3 // 2 * 2}:{h}", f"pad={w}:{h}:-1:-1"]
    elif pt["aspect"] == "4:3":
        w = h * 4 // 3 // 2 * 2
        post += ([] if fit else [f"crop={H * 4 // 3}:{H}"]) + [f"scale={w}:{h}"]
    else:
        post.append(f"scale={w}:{h}")
    if pt["logo"]:
        post.append(f"drawtext=fontfile={FONT}:text='KTV':fontcolor=white@0.6:fontsize={h // 16}:x=w-tw-{h // 20}:y={h // 20}")
    post += [f"fps={pt['fps']}", "setsar=1", "format=yuv420p"]
    fg = ";".join(chains) + ";" + "".join(labels) + f"concat=n={len(labels)}:v=1:a=1[cv][ca];[cv]{','.join(post)}[v]"
    apost.append(f"aresample={pt['audio_rate']}")
    fg += f";[ca]{','.join(apost)}[a]"
    num, den = (int(x) for x in (pt["fps"] + "/1").split("/")[:2])
    gop = max(1, round(pt["gop_s"] * num / den))
    codec = ["-c:v", pt["codec"], "-preset", "ultrafast" if pt["codec"] == "libx265" else "veryfast",
             "-crf", str(pt["crf"]), "-g", str(gop)]
    if pt["codec"] == "libx265":
        codec += ["-x265-params", f"log-level=error:pools=2:keyint={gop}", "-tag:v", "hvc1"]
    tmp = out_path + ".tmp.mp4"
    run(FFMPEG + inputs + ["-filter_complex", fg, "-map", "[v]", "-map", "[a]"] + codec +
        ["-threads", "2", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", tmp])
    os.replace(tmp, out_path)


# ---------------------------------------------------------------------------------------------
# Truth

def describe(p, series):
    if p["type"] == "footage":
        return f"{p['src']} {p['start']:.2f}+{p['frames'] / FPS:.2f}s" + (" reframed" if p.get("reframe") else "")
    if p["type"] == "intro":
        return f"intro {'AB'[p['which']]} frames {p['head']}-{p['head'] + p['frames']}"
    return "text on black"


def truth(series, ep, name):
    speed = PAL_SPEEDUP if ep["perturb"]["pal_speedup"] else 1.0
    segs, t = [], 0
    for kind, ps in ep["pieces"]:
        f = sum(p["frames"] for p in ps)
        # A black leader or channel ident before the intro is outside the intro: readers know
        # the kinds of introskip's segments, so it is written as part of the cold open, marked.
        seg = {"kind": "cold_open" if kind == "leader" else kind, "start": round(t / FPS / speed, 6),
               "end": round((t + f) / FPS / speed, 6), "footage": "; ".join(describe(p, series) for p in ps)}
        if kind == "leader":
            seg["leader"] = True
        if kind == "intro":
            p = ps[0]
            intro = series["intros"][p["which"]]
            seg["intro"] = "AB"[p["which"]]
            seg["trimmed_head_s"] = p["head"] / FPS
            seg["trimmed_tail_s"] = (intro["frames"] - p["head"] - p["frames"]) / FPS
            seg["title_card"] = intro["card"]["at"] if intro["card"] else None
            if p.get("lead_f"):  # the theme began this long before the picture (family C)
                seg["theme_lead_s"] = round(p["lead_f"] / FPS / speed, 6)
        segs.append(seg)
        t += f
    return {"version": 1, "episode": name, "series": series["title"], "split": series["split"],
            "duration": round(t / FPS / speed, 6), "speed": speed, "perturbations": ep["perturb"],
            "source": "introskip training/synth.py v%d" % VERSION, "segments": segs}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--media", required=True, help="folder filled by scripts/fetch-media.sh")
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", choices=["dev", "train", "all"], default="all")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--series", type=int, help="series per split (default: dev 4, train 32)")
    ap.add_argument("--episodes", type=int, default=4, help="episodes per series (at most 4)")
    ap.add_argument("--plan-only", action="store_true", help="write the plan and truth, render nothing")
    ap.add_argument("--pool", help="normalised footage pool to use or fill (default: OUT/pool)")
    ap.add_argument("--jobs", type=int, default=1, help="series rendered at once")
    ap.add_argument("--family", choices=["A", "B", "C"], default="A",
                    help="convention family: A (the training and dev conventions), B or C (README \"Data\")")
    ap.add_argument("--tails", choices=["simple", "varied", "other"], default="simple",
                    help="episode ends: simple (every set so far), varied (static cards, squeeze-back, "
                         "long credits, post-credits scenes, season end themes; README \"Data\") or "
                         "other (the varied forms in another typography and layout per series)")
    ap.add_argument("--mid-credits", type=float, default=0.0,
                    help="with --tails varied/other: the share of episodes whose credits a story scene "
                         "splits (credits, scene, credits; README \"Data\")")
    ap.add_argument("--no-film-text", action="store_true",
                    help="keep the footage films' own credits and title cards (FILM_TEXT) out of the "
                         "story, where they would be names on screen labelled story")
    ap.add_argument("--fit-aspect", action="store_true",
                    help="make letterbox, pillarbox and 4:3 by squeezing the whole picture, not by "
                         "cropping it, so captions and names drawn near its edges stay whole")
    args = ap.parse_args()
    if args.mid_credits and args.tails == "simple":
        ap.error("--mid-credits splits varied ends: give --tails varied or --tails other too")
    global MID_CREDITS, NO_FILM_TEXT, FIT_ASPECT
    MID_CREDITS = args.mid_credits
    NO_FILM_TEXT = args.no_film_text
    FIT_ASPECT = args.fit_aspect
    pool = args.pool or os.path.join(args.out, "pool")
    if not args.plan_only:
        prepare_pool(args.media, pool)
    splits = ["dev", "train"] if args.split == "all" else [args.split]
    manifest = {"version": VERSION, "seed": args.seed, "episodes": []}
    todo = {}  # series folder -> episodes to render (one worker per series: they share its intro masters)
    taken = set()
    for split in ["dev", "train"]:
        count = args.series or {"dev": 4, "train": 32}[split]
        for i in range(count):
            # Planned in a fixed order whatever --split says, so titles never depend on the flags.
            series = plan_series(args.seed, split, i, DEV_MUSIC[i % len(DEV_MUSIC)], taken, args.family, args.tails)
            if split not in splits:
                continue
            sdir = os.path.join(args.out, split, f"{series['title']} ({split}{i:02d})")
            plan_text = json.dumps(series, indent=1, sort_keys=True)
            plan_hash = hashlib.sha256(plan_text.encode()).hexdigest()[:16]
            # Intermediate files (intro masters, voice, credits text): no spaces in the path, as
            # ffmpeg filter arguments name them; keyed by the plan so a new plan never reuses them.
            work = os.path.join(args.out, "work", f"{split}{i:02d}-{plan_hash}")
            if not args.plan_only:  # an earlier plan's intermediates are never used again
                for old in glob.glob(os.path.join(args.out, "work", f"{split}{i:02d}-*")):
                    if old != work:
                        shutil.rmtree(old)
            os.makedirs(work, exist_ok=True)
            os.makedirs(sdir, exist_ok=True)
            with open(os.path.join(sdir, "series.json"), "w") as fh:
                fh.write(plan_text)
            for ep in series["episodes"][: args.episodes]:
                name = f"{series['title']} - S01E{ep['number']:02d}"
                video = os.path.join(sdir, name + ".mp4")
                truth_path = os.path.join(sdir, name + ".truth.json")
                stamp = os.path.join(work, name + ".plan")
                t = truth(series, ep, name)
                t["plan"] = plan_hash
                # For the independent truth check (training/check_truth.py): the intro masters.
                t["intro_masters"] = [os.path.relpath(os.path.join(work, f"intro{k}.mkv"), args.out)
                                      for k in range(len(series["intros"]))]
                if not args.plan_only and not (os.path.exists(video) and os.path.exists(stamp)
                                               and open(stamp).read() == plan_hash):
                    todo.setdefault(sdir, []).append((f"{split}: rendering {name}", series, ep, work,
                                                      video, stamp, plan_hash))
                with open(truth_path, "w") as fh:
                    json.dump(t, fh, indent=1)
                manifest["episodes"].append({"split": split, "series": series["title"],
                                             "video": os.path.relpath(video, args.out),
                                             "truth": os.path.relpath(truth_path, args.out)})
    with futures.ProcessPoolExecutor(max_workers=max(args.jobs, 1)) as workers:
        for done in [workers.submit(render_series, eps, pool) for eps in todo.values()]:
            done.result()
    with open(os.path.join(args.out, f"manifest-{args.split}.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)


def render_series(episodes, pool):
    for message, series, ep, work, video, stamp, plan_hash in episodes:
        log(message)
        render_episode(series, ep, work, pool, video)
        with open(stamp, "w") as fh:
            fh.write(plan_hash)


if __name__ == "__main__":
    try:
        main()
    except SynthError as e:
        sys.exit(str(e))
