#!/usr/bin/env bash
# Command 1 of the README: install what is missing, fetch the footage, build the demo series and
# the app (release), and open the demo series in the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh app
. scripts/common.sh
scripts/fetch-media.sh bbb
scripts/build-demo.sh
use_backend
log "building introskip (release; the first build takes 10–20 minutes)"
cargo build --release --locked "${FEATURES[@]}"
exec "$CARGO_TARGET_DIR/release/introskip" --demo "$@"
