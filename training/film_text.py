#!/usr/bin/env python3
"""Where a synthesised set's story shows the footage films' own credits and title cards
(synth.py FILM_TEXT: Big Buck Bunny's end credits, the Sintel trailer's cards) inside an
episode's tail window (the last 25 %, at most 10 minutes): names on screen that the truth labels
story (a body or a preview), which the credits rule is scored against (README "Data"). Sets
built with `--no-film-text` show none. Read from the truth files' footage lists.

    python3 training/film_text.py ~/.cache/introskip/dataset/tails-mid-other-6068/dev [...]
"""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth import FILM_TEXT  # noqa: E402


def film_text_in_tail(truth):
    """(kind, start, end, source, from, to) of each stretch of story in the tail showing film text,
    in episode seconds (a PAL speed-up shortens the footage by the truth's `speed`)."""
    duration = truth["duration"]
    tail_start = duration - min(0.25 * duration, 600.0)
    speed = truth.get("speed") or 1.0
    out = []
    for s in truth["segments"]:
        if s["kind"] not in ("body", "preview"):
            continue
        pos = s["start"]
        for part in (s.get("footage") or "").split("; "):
            # Footage, reframed or not (a reframed piece shows part of the same picture).
            m = re.match(r"(\S+) ([\d.]+)\+([\d.]+)s( reframed)?$", part)
            if not m:  # a bodies' segment holds footage only; nothing else takes time there
                continue
            src, a, length = m.group(1), float(m.group(2)), float(m.group(3))
            end = pos + length / speed
            for fsrc, fa, fb in FILM_TEXT:
                lo, hi = max(a, fa), min(a + length, fb)
                if src == fsrc and hi > lo:
                    start_s, end_s = pos + (lo - a) / speed, pos + (hi - a) / speed
                    if end_s > tail_start:
                        # Clipped to the tail, in the episode and in the film alike.
                        if start_s < tail_start:
                            lo, start_s = lo + (tail_start - start_s) * speed, tail_start
                        out.append((s["kind"] + (" (reframed)" if m.group(4) else ""), start_s, end_s, src, lo, hi))
            pos = end
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for root in sys.argv[1:]:
        files = sorted(glob.glob(os.path.join(root, "*", "*.truth.json")))
        if not files:
            sys.exit(f"{root}: no truth files (*/*.truth.json) here")
        hit = 0
        for f in files:
            with open(f) as fh:
                truth = json.load(fh)
            found = film_text_in_tail(truth)
            hit += bool(found)
            for kind, a, b, src, fa, fb in found:
                print(f"  {truth['episode']}: {kind} {a:.1f}-{b:.1f} s shows {src} {fa:.1f}-{fb:.1f} s")
        print(f"{root}: {hit} of {len(files)} episodes show film text as story in the tail")


if __name__ == "__main__":
    main()
