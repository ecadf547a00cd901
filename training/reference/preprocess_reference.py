#!/usr/bin/env python3
"""Reference for introskip's encoder preprocessing: OpenAI CLIP's `_transform(n_px)`.

CLIP (clip/clip.py) preprocesses with torchvision on a PIL image:
    Resize(n_px, interpolation=BICUBIC) -> CenterCrop(n_px) -> RGB -> ToTensor() -> Normalize(mean, std)
For a PIL input torchvision's Resize computes the size as (short side = n_px,
long side = int(n_px * long / short)) and calls PIL's `Image.resize(size, BICUBIC)`;
CenterCrop takes offsets `int(round((dim - n_px) / 2.0))`. This script does exactly that with
Pillow and NumPy only, so the parity test needs no torch.

usage: preprocess_reference.py INPUT.png OUT_PREFIX [N_PX]
writes OUT_PREFIX.crop.png (the 8-bit crop) and OUT_PREFIX.npy (float32 3xNxN, normalised)
"""
import sys

import numpy as np
from PIL import Image

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def clip_transform(img: Image.Image, n_px: int):
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = n_px, int(n_px * long / short)
    size = (new_short, new_long) if w <= h else (new_long, new_short)
    img = img.resize(size, Image.BICUBIC)
    w, h = img.size
    top = int(round((h - n_px) / 2.0))
    left = int(round((w - n_px) / 2.0))
    crop = img.crop((left, top, left + n_px, top + n_px)).convert("RGB")
    x = np.asarray(crop, dtype=np.float32) / np.float32(255.0)
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return crop, np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def main():
    src, prefix = sys.argv[1], sys.argv[2]
    n_px = int(sys.argv[3]) if len(sys.argv) > 3 else 224
    crop, tensor = clip_transform(Image.open(src).convert("RGB"), n_px)
    crop.save(prefix + ".crop.png")
    np.save(prefix + ".npy", tensor)


if __name__ == "__main__":
    main()
