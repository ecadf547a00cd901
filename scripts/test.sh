#!/usr/bin/env bash
# Command 2 of the README (and CI): install what the tests need, then run the whole test suite.
# Tests build their own small media with the ffmpeg CLI; those that need the demo footage get it
# from the cache this script fills.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh test
. scripts/common.sh
scripts/fetch-media.sh
scripts/build-demo.sh
# The series the shipped model is scored on (README "Results": committed files a test checks):
# dev, the held-out dev-like set, family B and family C (~30 min the first time, cached after).
scripts/build-dataset.sh dev
scripts/build-dataset.sh heldout
scripts/build-dataset.sh familyb
scripts/build-dataset.sh familyc
# The real OpenTimelineIO reads our .otio files in the export tests.
otio=$INTROSKIP_CACHE/reference/otio
if [ ! -d "$otio/opentimelineio" ]; then
  log "installing OpenTimelineIO 0.18.1 (PyPI) into $otio"
  /usr/bin/python3 -m pip install --quiet --target "$otio" opentimelineio==0.18.1
fi
# Ray (PyPI) for the library scan's scale-out test (scale/test_ray_scan.py): a venv of Debian's Python.
ray=$INTROSKIP_CACHE/reference/ray-2.60.0
if [ ! -x "$ray/bin/ray" ]; then
  log "installing Ray 2.60.0 (PyPI) into $ray"
  rm -rf "$ray"
  /usr/bin/python3 -m venv "$ray"
  "$ray/bin/pip" install --quiet ray==2.60.0
fi
use_backend
# libtorch's OpenMP pool collapses when test threads compete for it: one thread per process.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# Release mode: the same compiled dependencies as the app, and realistic decoding speed.
# One build: `--features tch` keeps the default pure-Rust `flex` backend too, and the CLIP parity
# tests run on every backend compiled in (encoder::burn_devices), so flex keeps its coverage
# without a second build of the whole crate.
cargo test --release --locked "${FEATURES[@]}" "$@"
