#!/usr/bin/env python3
"""Independent check of synthesised truth: find each series' intro in each episode by its sound.

The synthesiser says where it put the intro; this script does not believe it. It decodes the
episode's audio and the intro master's audio (ffmpeg CLI), and cross-correlates their spectral
shapes (24-band log spectra every 10 ms, centred and normalised per frame, so level changes and
codecs do not matter; a PAL speed-up is undone by resampling the master's track). The correlation peak gives where the master starts in
the episode (compared with truth.start - trimmed head, tolerance 40 ms), and a sliding local
correlation gives the span that really is intro audio (compared with truth start/end, 0.5 s).
Episodes without an intro must show no match.

    check_truth.py DATASET_DIR [--split dev|train|all]     exit status 1 on any disagreement
"""

import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np

RATE = 8000
HOP = 80  # 10 ms
WIN = 256  # 32 ms analysis window
BANDS = 24


def features(path):
    """Per 10-ms frame: the spectral shape (log energies in 24 log-spaced bands, centred and
    L2-normalised), which follows melody and timbre rather than only loudness, so periodic music
    still aligns at one lag; plus the frame's loudness for silent-frame handling."""
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", str(RATE),
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    x = np.frombuffer(raw, dtype=np.int16).astype(np.float64) / 32768
    n = max(0, (len(x) - WIN) // HOP + 1)
    idx = np.arange(WIN)[None, :] + HOP * np.arange(n)[:, None]
    spec = np.abs(np.fft.rfft(x[idx] * np.hanning(WIN), axis=1)) ** 2
    freqs = np.fft.rfftfreq(WIN, 1 / RATE)
    edges = np.geomspace(60, RATE / 2, BANDS + 1)
    bands = np.stack([spec[:, (freqs >= lo) & (freqs < hi)].sum(axis=1) for lo, hi in zip(edges[:-1], edges[1:])], axis=1)
    logb = np.log10(bands + 1e-7)
    loud = np.log10(spec.sum(axis=1) + 1e-7)
    # What changes, not what every sound has: each band minus its moving average over ±0.5 s.
    k = 101
    kernel = np.ones(k) / k
    pad = np.pad(logb, ((k // 2, k // 2), (0, 0)), mode="edge")
    local = np.stack([np.convolve(pad[:, b], kernel, mode="valid") for b in range(BANDS)], axis=1)
    shape = logb - local
    shape /= np.linalg.norm(shape, axis=1, keepdims=True) + 1e-9
    # Silence carries no shape.
    shape[loud < -5] = 0
    return shape, loud


def resample(f, speed):
    """Undo a PAL speed-up on a feature track (frames × dims or frames)."""
    n = int(round(len(f) / speed))
    src = np.arange(n) * speed
    if f.ndim == 1:
        return np.interp(src, np.arange(len(f)), f)
    return np.stack([np.interp(src, np.arange(len(f)), f[:, k]) for k in range(f.shape[1])], axis=1)


def locate(master, episode):
    """Lag (frames, negative when the master starts before the episode: a head-trimmed intro at
    0:00) where the master best matches: the mean cosine of spectral shapes over the master's
    length, for every lag at once (FFT cross-correlation per band, summed)."""
    m = len(master)
    padded = np.concatenate([np.zeros((m, master.shape[1])), episode, np.zeros((m, master.shape[1]))])
    e = len(padded)
    size = 1 << int(np.ceil(np.log2(e + m)))
    total = np.zeros(size)
    for k in range(master.shape[1]):
        total += np.fft.irfft(np.fft.rfft(padded[:, k], size) * np.conj(np.fft.rfft(master[:, k], size)), size)
    score = total[: e - m + 1] / m
    lag = int(np.argmax(score))
    return lag - m, float(score[lag])


def matched_span(master, episode, lag, win=50, threshold=0.4):
    """First and last frame (episode time) of the audio that follows the master's spectral shape:
    the centres of the first and last 0.5-s windows whose mean cosine is above `threshold`. (A
    window's centre, not its outer edge: the features subtract a ±0.5 s moving average, so a
    window that ends just inside the intro already follows the master; the outer edges put the
    span up to a window early at the start and late at the end.)"""
    hits = []
    for i in range(0, len(master) - win + 1, 5):
        j = lag + i
        if j < 0 or j + win > len(episode):
            continue
        if np.mean(np.sum(master[i:i + win] * episode[j:j + win], axis=1)) > threshold:
            hits.append(j)
    if not hits:
        return None
    return hits[0] + win // 2, hits[-1] + win // 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--split", default="all")
    args = ap.parse_args()
    splits = ["dev", "train"] if args.split == "all" else [args.split]
    bad, checked = 0, 0
    for split in splits:
        for truth_path in sorted(glob.glob(os.path.join(args.dataset, split, "*", "*.truth.json"))):
            truth = json.load(open(truth_path))
            video = truth_path[: -len(".truth.json")] + ".mp4"
            if not os.path.exists(video):
                continue
            speed = truth["speed"]
            episode, _ = features(video)
            intro = next((s for s in truth["segments"] if s["kind"] == "intro"), None)
            which = "AB".index(intro["intro"]) if intro else 0
            master_path = os.path.join(args.dataset, truth["intro_masters"][which])
            if not os.path.exists(master_path):
                continue  # an intro never rendered (only used by episodes not built)
            master, _ = features(master_path)
            if speed != 1.0:
                master = resample(master, speed)
            lag, score = locate(master, episode)
            checked += 1
            name = truth["episode"]
            if intro is None:
                ok = score < 0.25
                msg = f"no intro in truth; best match {score:.2f} at {lag / 100:.2f} s"
            else:
                expect = intro["start"] - intro["trimmed_head_s"] / speed
                span = matched_span(master, episode, lag)
                errs = [abs(lag / 100 - expect)]
                if span:
                    # Family C: the theme may start before the picture (theme_lead_s); the
                    # master's trimmed head is then heard before the intro's first frame.
                    heard_from = max(intro["start"] - intro.get("theme_lead_s", 0.0), lag / 100)
                    errs += [abs(span[0] / 100 - heard_from), abs(span[1] / 100 - intro["end"])]
                ok = score > 0.3 and errs[0] <= 0.04 and span is not None and max(errs[1:]) <= 0.5
                msg = (f"intro {intro['start']:.2f}-{intro['end']:.2f}: master found at {lag / 100:.2f} s "
                       f"(expected {expect:.2f}, score {score:.2f}), audio span "
                       f"{'none' if span is None else f'{span[0] / 100:.2f}-{span[1] / 100:.2f}'}")
            print(f"{'ok  ' if ok else 'FAIL'} {split} {name}: {msg}")
            bad += not ok
    print(f"{checked - bad}/{checked} episodes agree with their truth")
    if checked == 0:
        sys.exit("check_truth: no rendered episodes found")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
