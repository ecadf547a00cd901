#!/usr/bin/env python3
"""Independent check of synthesised truth: find each series' intro in each episode by its sound.

The synthesiser says where it put the intro; this script does not believe it. It decodes the
episode's audio and the intro master's audio (ffmpeg CLI), and cross-correlates their loudness
envelopes (10 ms frames, log scale, so level changes and codecs do not matter; a PAL speed-up is
undone by resampling the master's envelope). The correlation peak gives where the master starts in
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


def envelope(path):
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", str(RATE),
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    x = np.frombuffer(raw, dtype=np.int16).astype(np.float64) / 32768
    n = len(x) // HOP
    rms = np.sqrt((x[: n * HOP].reshape(n, HOP) ** 2).mean(axis=1))
    return np.log10(rms + 1e-4)


def standardise(x):
    return (x - x.mean()) / (x.std() + 1e-9)


def locate(master, episode):
    """Lag (in envelope frames) where the master best matches, and the normalised score there."""
    m = standardise(master)
    e = episode
    size = 1 << int(np.ceil(np.log2(len(e) + len(m))))
    num = np.fft.irfft(np.fft.rfft(e, size) * np.conj(np.fft.rfft(m, size)), size)[: len(e) - len(m) + 1]
    # Local mean / std of the episode under the master, by running sums.
    c1 = np.concatenate([[0], np.cumsum(e)])
    c2 = np.concatenate([[0], np.cumsum(e * e)])
    k = len(m)
    s1 = c1[k:] - c1[:-k]
    s2 = c2[k:] - c2[:-k]
    std = np.sqrt(np.maximum(s2 / k - (s1 / k) ** 2, 1e-12))
    score = num / (k * std)  # m has zero mean, so the episode's local mean drops out
    lag = int(np.argmax(score))
    return lag, float(score[lag])


def matched_span(master, episode, lag, win=50, tolerance=0.25):
    """First and last 10-ms frame (episode time) of the 0.5-s windows whose loudness envelope
    follows the master's (median |difference| of log10 RMS below `tolerance`)."""
    hits = []
    for i in range(0, len(master) - win + 1, 5):
        j = lag + i
        if j < 0 or j + win > len(episode):
            continue
        if np.median(np.abs(master[i:i + win] - episode[j:j + win])) < tolerance:
            hits.append(j)
    if not hits:
        return None
    return hits[0], hits[-1] + win


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
            episode = envelope(video)
            intro = next((s for s in truth["segments"] if s["kind"] == "intro"), None)
            which = "AB".index(intro["intro"]) if intro else 0
            master_path = os.path.join(args.dataset, truth["intro_masters"][which])
            if not os.path.exists(master_path):
                continue  # an intro never rendered (only used by episodes not built)
            master = envelope(master_path)
            if speed != 1.0:
                n = int(round(len(master) / speed))
                master = np.interp(np.arange(n) * speed, np.arange(len(master)), master)
            lag, score = locate(master, episode)
            checked += 1
            name = truth["episode"]
            if intro is None:
                ok = score < 0.5
                msg = f"no intro in truth; best match {score:.2f} at {lag / 100:.2f} s"
            else:
                expect = intro["start"] - intro["trimmed_head_s"] / speed
                span = matched_span(master, episode, lag)
                errs = [abs(lag / 100 - expect)]
                if span:
                    errs += [abs(span[0] / 100 - intro["start"]), abs(span[1] / 100 - intro["end"])]
                ok = score > 0.5 and errs[0] <= 0.04 and span is not None and max(errs[1:]) <= 0.5
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
