#!/usr/bin/env bash
# The README's screenshots, remade from the real app under Xvfb (needs the demo series and the dev
# set: scripts/build-demo.sh, scripts/build-dataset.sh dev). Episodes are linked into a scratch
# folder so the labels the shots create never land beside the data set.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
use_backend
cargo build --release --locked "${FEATURES[@]}"
bin=$CARGO_TARGET_DIR/release/introskip
out=assets/screenshots
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT
export DISPLAY=:77 XDG_DATA_HOME=$scratch/data INTROSKIP_CONFIG=$scratch/settings.json XDG_RUNTIME_DIR=$scratch
Xvfb $DISPLAY -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
sleep 2

# season DIR: a scratch copy (links) of a season folder.
season() {
  local dst=$scratch/$(basename "$1")
  rm -rf "$dst"; mkdir -p "$dst"
  for f in "$1"/*.mp4; do ln -s "$f" "$dst/"; done
  echo "$dst"
}
start() {
  "$bin" "$1" >/dev/null 2>&1 &
  app=$!
  win=$(timeout 30 xdotool search --sync --onlyvisible --name '^introskip$' | head -1)
  sleep 1
  xdotool windowmove --sync "$win" 0 0 windowsize --sync "$win" 1400 900
  xdotool windowfocus --sync "$win"
  sleep "${2:-8}"
}
stop() { kill "$app"; wait "$app" 2>/dev/null || true; }
shot() { import -window root "$out/$1"; log "$out/$1"; }
# Episode N (1-based) of the season: ↑ to the first, then ↓.
pick() { xdotool key --delay 80 Up Up Up Up Up Up Up Up; for _ in $(seq 2 "$1"); do xdotool key Down; sleep 0.1; done; sleep 1.5; }
key() { xdotool key "$@"; sleep 0.4; }

dev=$INTROSKIP_CACHE/dataset/v1/dev
golden=$(season "$dev/Golden Signal (dev02)")
start "$golden"
pick 3
shot season.png
# Editing: playhead to 0:43.12 (seconds, then frames with Shift), I sets the intro's start there
# (edited: solid, not yet verified), then play into it.
xdotool key --delay 120 $(printf 'Right %.0s' $(seq 43)) shift+Right shift+Right shift+Right
sleep 0.5
key i
key space
sleep 2.5
shot editing-skip-intro.png
key space
stop

# The end of the episode: the whole episode on one row, playing inside the credits of S01E03
# (they run to the end of the file): "Next episode" over the picture.
start "$golden" 12
pick 3
for _ in 1 2 3 4 5 6 7 8; do key minus; done
xdotool key --delay 15 $(printf 'Right %.0s' $(seq 214))
sleep 1
key space
sleep 2.5
shot credits-next-episode.png
key space
stop

# Zoomed in to 2 s a row: real frames, the waveform lane, the time under the pointer.
start "$golden"
pick 3
xdotool mousemove 900 300
key plus; key plus; key plus
xdotool key --delay 60 $(printf 'Right %.0s' $(seq 43))
sleep 4
xdotool mousemove 760 640
sleep 1
shot zoomed-frames.png
# The export dialog (Ctrl+Shift+E).
key ctrl+shift+e
sleep 1
shot export.png
stop

bright=$(season "$dev/Bright Garden (dev03)")
start "$bright"
for _ in 1 2 3 4 5 6 7; do key minus; done
sleep 6
shot whole-episode.png
stop

demo=$(season "$INTROSKIP_CACHE/demo")
start "$demo"
pick 2
shot demo-s01e02.png
# The key sheet (F1).
key F1
sleep 1
shot keys.png
key F1
# The search panel: where else S01E01's 0:10 appears (Ctrl+F at the playhead), then the
# scenes the season returns to, and the words on screen (the panel's tabs and buttons, at 1400×900).
pick 1
xdotool key --delay 60 $(printf 'Right %.0s' $(seq 10))
key ctrl+f
sleep 2
shot search-shot.png
# The Words tab without CLIP weights: what it needs, said before anything is typed.
xdotool mousemove 1133 83 click 1
sleep 1
shot search-words.png
xdotool mousemove 1363 83 click 1
sleep 1
xdotool mousemove 1125 148 click 1
sleep 3
shot search-scenes.png
# The On screen tab: the words of the title card, read by Tesseract in every episode (last: its
# long result lines widen the panel, moving the tabs).
xdotool mousemove 1205 83 click 1
sleep 1
xdotool mousemove 1143 177 click 1
sleep 0.5
xdotool type --delay 50 "bunny tales"
key Return
sleep 45
shot search-onscreen.png
stop

# The Duplicates tab: the demo season and a re-encode of S01E01 (480×270, another gamma, CRF 30).
copies=$(season "$INTROSKIP_CACHE/demo")
ffmpeg -y -v error -i "$INTROSKIP_CACHE/demo/Bunny Tales - S01E01.mp4" -vf "scale=480:270,eq=gamma=1.2" \
  -c:v libx264 -crf 30 -c:a aac "$copies/Bunny Tales - S01E01 (re-encode).mp4"
start "$copies" 12
# Ctrl+F opens the panel on a shot (as above: the same width, the same tab places).
key ctrl+f
sleep 2
xdotool mousemove 1289 83 click 1
sleep 1
# Below the "Look in" row.
xdotool mousemove 1130 186 click 1
sleep 3
shot search-duplicates.png
stop

# A library: the demo season, the re-encode in another folder, and a dev series; the Shot tab
# looks in it (chosen in the settings as the folder dialog would), Ctrl+F at S01E01 0:10.
library=$scratch/library
mkdir -p "$library/Bunny Tales/Season 1" "$library/Old Rips" "$library/Golden Signal"
for f in "$INTROSKIP_CACHE/demo"/*.mp4; do ln -s "$f" "$library/Bunny Tales/Season 1/"; done
cp "$copies/Bunny Tales - S01E01 (re-encode).mp4" "$library/Old Rips/bunny-1x01.mp4"
for f in "$dev/Golden Signal (dev02)"/*.mp4; do ln -s "$f" "$library/Golden Signal/"; done
python3 - "$INTROSKIP_CONFIG" "$library" <<'PY'
import json, os, sys
path, library = sys.argv[1], sys.argv[2]
settings = json.load(open(path)) if os.path.exists(path) else {}
settings["search_library"] = library
json.dump(settings, open(path, "w"))
PY
start "$library/Bunny Tales/Season 1" 12
key ctrl+shift+f
sleep 1
xdotool mousemove 1223 106 click 1
sleep 0.5
xdotool mousemove 700 300
pick 1
xdotool key --delay 60 $(printf 'Right %.0s' $(seq 10))
key ctrl+f
sleep 8
shot search-library.png
stop

# The tail's rows: the demo's S01E02 made 44 minutes long (a plain card in the middle, as the
# test of a 45-minute episode makes it), opened alone beside S01E01 and S01E03 (judged with
# them); Shift+End goes to its credits, the head's rows, the middle not analysed, the tail's.
long=$scratch/long
mkdir -p "$long"
for e in 1 3; do ln -s "$INTROSKIP_CACHE/demo/Bunny Tales - S01E0$e.mp4" "$long/"; done
e2="$INTROSKIP_CACHE/demo/Bunny Tales - S01E02.mp4"
ffmpeg -v error -y -nostdin -t 130 -i "$e2" -f lavfi -i color=c=0x304050:s=640x360:r=1:d=2520 \
  -f lavfi -i anullsrc=r=16000:cl=mono:d=2520 -ss 130 -i "$e2" -filter_complex \
  "[0:v]setpts=PTS-STARTPTS[h];[0:a]aresample=16000,aformat=channel_layouts=mono,asetpts=PTS-STARTPTS[ha];[3:v]setpts=PTS-STARTPTS[e];[3:a]aresample=16000,aformat=channel_layouts=mono,asetpts=PTS-STARTPTS[ea];[1:v]format=yuv420p,setsar=1[m];[h][ha][m][2:a][e][ea]concat=n=3:v=1:a=1[v][a]" \
  -map "[v]" -map "[a]" -fps_mode vfr -c:v libx264 -preset ultrafast -g 50 -c:a aac "$long/Bunny Tales - S01E02.mp4"
start "$long/Bunny Tales - S01E02.mp4" 40
key shift+End
sleep 2
shot tail-rows.png
stop

# Nothing open: the first screen.
"$bin" >/dev/null 2>&1 &
app=$!
win=$(timeout 30 xdotool search --sync --onlyvisible --name '^introskip$' | head -1)
xdotool windowmove --sync "$win" 0 0 windowsize --sync "$win" 1400 900
sleep 2
shot first-run.png
stop
