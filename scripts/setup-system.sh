#!/usr/bin/env bash
# Install the Debian 12 packages introskip needs, only those missing. Idempotent.
#   scripts/setup-system.sh app    build + run the app
#   scripts/setup-system.sh test   also what the test suite uses
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

profile=${1:-app}
# Build: bindgen (clang) over FFmpeg's headers; FFmpeg's decode/demux/scale libraries.
pkgs=(pkg-config clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  # Sound during playback (cpal over ALSA).
  libasound2-dev
  # On-screen text (search --ocr): Tesseract 5.3 and Leptonica to build against, English to read.
  libtesseract-dev libleptonica-dev tesseract-ocr-eng
  # Run: the window (X11 + Mesa GL, llvmpipe when there is no GPU), zenity for rfd's fallback dialog.
  libgl1 libgl1-mesa-dri libegl1 libx11-6 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 zenity
  # Media: the ffmpeg CLI builds the demo series; fonts for its title cards; the footage comes from PyPI.
  ffmpeg fonts-dejavu-core unzip python3 python3-pip ca-certificates)
if [ "$profile" = test ]; then
  # Tests: Pillow is the preprocessing reference; Xvfb + imagemagick for GUI screenshots.
  # Data: espeak-ng voices the synthesised recaps; curl fetches the Debian source tarball.
  # Library hand-offs: mpv reads the chapters a scan writes; python3-venv holds Ray (scale/), whose
  # test checks with iproute2's `ss` that every Ray socket listens on loopback only.
  pkgs+=(python3-pil python3-numpy xvfb xauth imagemagick xdotool mkvtoolnix espeak-ng curl mpv python3-venv iproute2)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
