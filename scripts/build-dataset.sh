#!/usr/bin/env bash
# Build the synthesised training and dev series (training/synth.py) into the cache, and verify
# their truth with the independent check. Deterministic; re-running renders only what changed.
#   scripts/build-dataset.sh [dev|train|all] [extra synth.py flags]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
split=${1:-all}
shift || true
scripts/fetch-media.sh
out=$INTROSKIP_CACHE/dataset/v1
log "synthesising the $split series into $out"
/usr/bin/python3 training/synth.py --media "$INTROSKIP_CACHE/media" --out "$out" --split "$split" --jobs 2 "$@"
log "checking their truth independently (intro music located in each episode's audio)"
/usr/bin/python3 training/check_truth.py "$out" --split "$split"
