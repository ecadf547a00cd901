#!/usr/bin/env bash
# Retrain the shipped model from scratch: build (or reuse) the synthesised series, then train the
# transformer + CRF for the embedded encoder into models/embedded (weights, manifest with dev
# scores and sha256, training report and curves). Deterministic from the seeds in the manifest.
#   scripts/train-model.sh [extra `introskip train` flags, e.g. --encoder clip --clip-weights W --out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
scripts/build-dataset.sh all
use_backend
cargo build --release --locked "${FEATURES[@]}"
data=$INTROSKIP_CACHE/dataset/v1
# One thread: the model is small, and results then do not depend on the machine's core count.
OMP_NUM_THREADS=1 "$CARGO_TARGET_DIR/release/introskip" train --train "$data/train" --dev "$data/dev" --out models/embedded "$@"
