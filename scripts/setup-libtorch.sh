#!/usr/bin/env bash
# A CPU libtorch 2.9.0 for burn-tch (tch 0.22), without the internet and without the 3.8 GB CUDA
# install: take libtorch's CPU libraries and headers out of PyPI's torch 2.9.0 wheel, plus the two
# small CUDA runtime libraries libtorch_cpu still links against, and cut libtorch.so's link to
# libtorch_cuda.so. Idempotent; prints the folder (use it as LIBTORCH). ~490 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

dest=$INTROSKIP_CACHE/libtorch-2.9.0
if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi
command -v patchelf >/dev/null || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends patchelf >/dev/null; }
log "fetching libtorch 2.9.0 from PyPI's torch wheel (about 1 GB download, once)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary :all: --python-version 3.11 \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  torch==2.9.0 nvidia-cuda-runtime-cu12==12.8.90 nvidia-cuda-cupti-cu12==12.8.90 -d "$tmp"
unzip -q -o "$tmp"/torch-2.9.0-*.whl 'torch/include/*' torch/lib/libtorch_cpu.so torch/lib/libc10.so torch/lib/libtorch.so \
  torch/lib/libgomp.so.1 -d "$tmp/x"
unzip -q -o -j "$tmp"/nvidia_cuda_runtime_cu12-*.whl '*/libcudart.so.12' -d "$tmp/x/torch/lib"
unzip -q -o -j "$tmp"/nvidia_cuda_cupti_cu12-*.whl '*/libcupti.so.12' -d "$tmp/x/torch/lib"
patchelf --remove-needed libtorch_cuda.so "$tmp/x/torch/lib/libtorch.so"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp/x/torch" "$dest"
touch "$dest/.complete"
echo "$dest"
