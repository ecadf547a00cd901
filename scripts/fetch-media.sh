#!/usr/bin/env bash
# Fetch the real footage the demo, the data synthesiser and the benchmarks are built from, into the
# cache (never into git). Idempotent, and checked by sha256 so every machine builds the same series.
#   Big Buck Bunny (596 s, 1280x720, AAC): resources/bbb.mp4 in the docs of the moviepy 2.2.1 sdist.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

media=$INTROSKIP_CACHE/media
mkdir -p "$media"
BBB_SHA=475fbbf34c4c367998f80c29ea03b15a743941179b12da3373fc6706e68621d0

if [ -f "$media/bbb.mp4" ] && echo "$BBB_SHA  $media/bbb.mp4" | sha256sum -c --quiet 2>/dev/null; then
  exit 0
fi
log "fetching Big Buck Bunny from the moviepy 2.2.1 sdist (PyPI)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: --no-build-isolation moviepy==2.2.1 -d "$tmp" 2>/dev/null \
  || python3 -m pip download --quiet --no-deps --no-binary :all: moviepy==2.2.1 -d "$tmp"
zip_path=moviepy-2.2.1/docs/_static/medias/getting_started/moviepy_10_minutes/moviepy_10_minutes.zip
tar -xzf "$tmp"/moviepy-2.2.1.tar.gz -C "$tmp" "$zip_path"
unzip -q -o -j "$tmp/$zip_path" moviepy_10_minutes/resources/bbb.mp4 -d "$tmp"
echo "$BBB_SHA  $tmp/bbb.mp4" | sha256sum -c --quiet
mv "$tmp/bbb.mp4" "$media/bbb.mp4"
