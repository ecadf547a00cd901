#!/usr/bin/env python3
"""How much of a synthesised set's story repeats across the episodes of a series (README "Data",
generator version 2): the share of story seconds (cold open and body, not recaps) inside the
180 s detection window whose footage another episode of the same series also shows inside its
window, read from the truth files' footage lists. Real series replay story only in recaps.

    python3 training/story_reuse.py ~/.cache/introskip/dataset/familyc-v2-2029/dev
"""
import glob
import json
import re
import sys

WINDOW_S = 180.0


def pieces(truth):
    """(kind, start, end, source, source_start, source_end) of each footage piece, in episode time."""
    out = []
    for s in truth["segments"]:
        if s["kind"] not in ("body", "cold_open", "recap"):
            continue
        pos = s["start"]
        for part in (s.get("footage") or "").split("; "):
            m = re.match(r"(\S+) ([\d.]+)\+([\d.]+)s$", part)
            if not m:  # reframed footage (shown as other footage) and cards
                continue
            src, a, length = m.group(1), float(m.group(2)), float(m.group(3))
            out.append((s["kind"], pos, pos + length, src, a, a + length))
            pos += length
    return out


def main():
    root = sys.argv[1]
    total = repeated = 0.0
    for series in sorted(glob.glob(root + "/*/")):
        episodes = [pieces(json.load(open(f))) for f in sorted(glob.glob(series + "*.truth.json"))]
        for i, own in enumerate(episodes):
            for kind, p0, p1, src, a, _ in own:
                lo, hi = max(p0, 0.0), min(p1, WINDOW_S)
                if kind == "recap" or hi <= lo:
                    continue
                total += hi - lo
                a2, b2 = a + (lo - p0), a + (hi - p0)
                best = 0.0
                for j, other in enumerate(episodes):
                    if j == i:
                        continue
                    for _, q0, _, src2, c, d in other:
                        if src2 == src and q0 < WINDOW_S:
                            best = max(best, min(b2, min(d, c + (WINDOW_S - q0))) - max(a2, c))
                repeated += max(0.0, min(best, hi - lo))
    print(f"{root}: {total:.0f} story seconds in the windows, {100 * repeated / max(total, 1):.1f} % shown again in another episode of the series")


if __name__ == "__main__":
    main()
