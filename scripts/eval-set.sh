#!/usr/bin/env bash
# Score a whole synthesised set the way the committed results are scored (one `detect` per
# series folder, then `eval --json`), for sets the test suite does not run:
#   [BIN=introskip] [MODEL=DIR] scripts/eval-set.sh SET_DIR OUT.json [season|single|each]
# (MODEL: another model folder than the shipped one, e.g. one being chosen; `each` names every
# episode on its own, as the app opening one file does: judged with its folder's nearest episodes)
# e.g. scripts/eval-set.sh ~/.cache/introskip/dataset/familyb-train-3028/train results/familyb-wide-season.json
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
set_dir=$1 out=$2 mode=${3:-season}
bin=${BIN:-$INTROSKIP_CACHE/target/release/introskip}
[ -x "$bin" ] || { echo "eval-set: $bin missing; build first: cargo build --release --features tch" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pred" "$work/truth"
case "$mode" in season|single|each) ;; *) echo "eval-set: mode '$mode' is none of season, single, each" >&2; exit 2 ;; esac
single=()
[ "$mode" = single ] && single=(--single)
[ -n "${MODEL:-}" ] && single+=(--model "$MODEL")
for series in "$set_dir"/*/; do
  case "$series" in */work/|*/pool/) continue ;; esac
  cp "$series"/*.truth.json "$work/truth/"
  if [ "$mode" = each ]; then
    for episode in "$series"/*.mp4; do
      "$bin" detect "$episode" --out "$work/pred" "${single[@]}" >/dev/null
    done
  else
    "$bin" detect "$series"/*.mp4 --out "$work/pred" "${single[@]}" >/dev/null
  fi
done
"$bin" eval --json --truth "$work/truth" --pred "$work/pred" >"$out.tmp"
mv "$out.tmp" "$out"
log "wrote $out"
