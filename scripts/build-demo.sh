#!/usr/bin/env bash
# Build the demo series "Bunny Tales" from real footage (Big Buck Bunny), deterministically:
# three 640x360 episodes sharing one 20 s intro, with a cold open in episode 2, and a truth file
# per episode giving every segment's exact start and end.
#
#   intro (20 s) = BBB 30–36 s, 120–126 s, 400–404 s + a 4 s title card, under a theme tune
#   S01E01 = intro 0–20 | body (BBB 140–230) 20–110 | credits 110–120
#   S01E02 = cold open (BBB 240–270) 0–30 | intro 30–50 | body (BBB 270–350) 50–130 | credits 130–140
#   S01E03 = intro 0–20 | body (BBB 440–530) 20–110 | credits 110–120
# No footage repeats inside an episode except the intro itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

src=$INTROSKIP_CACHE/media/bbb.mp4
out=$INTROSKIP_CACHE/demo
stamp=$out/.built-v2
[ -f "$stamp" ] && exit 0
[ -f "$src" ] || scripts/fetch-media.sh bbb
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "building the demo series in $out"

ff() { ffmpeg -hide_banner -v error -y -nostdin "$@"; }
venc=(-c:v libx264 -preset veryfast -crf 22 -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p -r 25
      -c:a aac -b:a 128k -ar 48000 -ac 2 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
# A footage window [a, b) of BBB at 640x360, 25 fps, 48 kHz stereo.
shot() { # name start end
  ff -ss "$2" -t "$(($3 - $2))" -i "$src" -vf "scale=640:360,setsar=1,fps=25" -af "aresample=48000" "${venc[@]}" \
     -t "$(($3 - $2))" "$tmp/$1.mp4"
}
# Black card with centred text and silence.
card() { # name seconds text size
  ff -f lavfi -i "color=c=black:s=640x360:r=25:d=$2" -f lavfi -i "anullsrc=r=48000:cl=stereo" -t "$2" \
     -vf "drawtext=fontfile=$font:text='$3':fontcolor=white:fontsize=$4:x=(w-text_w)/2:y=(h-text_h)/2" "${venc[@]}" -t "$2" "$tmp/$1.mp4"
}
# Concatenate parts given as name:seconds. Each part is cut to exactly its length first (AAC
# priming makes audio a few ms longer than video, and concat would otherwise shift every later
# cut by a frame), so the truth below is exact to the frame.
join() { # output name:seconds...
  local o=$1; shift
  local inputs=() filter="" pads="" n=0 total=0
  for part in "$@"; do
    local name=${part%%:*} dur=${part##*:}
    inputs+=(-i "$tmp/$name.mp4")
    filter+="[$n:v]trim=duration=$dur,setpts=PTS-STARTPTS[v$n];[$n:a]atrim=duration=$dur,apad=whole_dur=$dur,asetpts=PTS-STARTPTS[a$n];"
    pads+="[v$n][a$n]"; n=$((n + 1)); total=$((total + dur))
  done
  ff "${inputs[@]}" -filter_complex "${filter}${pads}concat=n=$n:v=1:a=1[v][a]" -map "[v]" -map "[a]" "${venc[@]}" -t "$total" "$o"
}

shot i1 30 36; shot i2 120 126; shot i3 400 404
card title 4 "BUNNY TALES" 64
join "$tmp/intro-raw.mp4" i1:6 i2:6 i3:4 title:4
# The theme tune: an arpeggio that fades in and out over the whole intro, mixed over the footage.
ff -i "$tmp/intro-raw.mp4" -f lavfi -i "aevalsrc='0.25*sin(2*PI*(220*pow(2,mod(floor(t*4),4)/4))*t)':s=48000:d=20" \
   -filter_complex "[1:a]afade=t=in:d=1,afade=t=out:st=19:d=1,aformat=channel_layouts=stereo[m];[0:a][m]amix=inputs=2:normalize=0[a]" \
   -map 0:v -map "[a]" "${venc[@]}" -t 20 "$tmp/intro.mp4"

shot b1 140 230; shot c2 240 270; shot b2 270 350; shot b3 440 530
card credits 10 "Written and directed by the Blender Foundation" 22

mkdir -p "$out"
join "$out/Bunny Tales - S01E01.mp4" intro:20 b1:90 credits:10
join "$out/Bunny Tales - S01E02.mp4" c2:30 intro:20 b2:80 credits:10
join "$out/Bunny Tales - S01E03.mp4" intro:20 b3:90 credits:10

truth() { # file segments-json
  printf '{\n  "version": 1,\n  "episode": "%s",\n  "source": "Big Buck Bunny (moviepy 2.2.1 sdist, resources/bbb.mp4)",\n  "segments": %s\n}\n' "$1" "$2" \
    > "$out/$1.truth.json"
}
truth "Bunny Tales - S01E01" '[
    {"kind": "intro", "start": 0, "end": 20, "footage": "bbb 30-36, 120-126, 400-404, title card"},
    {"kind": "body", "start": 20, "end": 110, "footage": "bbb 140-230"},
    {"kind": "credits", "start": 110, "end": 120, "footage": "text on black"}]'
truth "Bunny Tales - S01E02" '[
    {"kind": "cold_open", "start": 0, "end": 30, "footage": "bbb 240-270"},
    {"kind": "intro", "start": 30, "end": 50, "footage": "bbb 30-36, 120-126, 400-404, title card"},
    {"kind": "body", "start": 50, "end": 130, "footage": "bbb 270-350"},
    {"kind": "credits", "start": 130, "end": 140, "footage": "text on black"}]'
truth "Bunny Tales - S01E03" '[
    {"kind": "intro", "start": 0, "end": 20, "footage": "bbb 30-36, 120-126, 400-404, title card"},
    {"kind": "body", "start": 20, "end": 110, "footage": "bbb 440-530"},
    {"kind": "credits", "start": 110, "end": 120, "footage": "text on black"}]'
touch "$stamp"
