#!/bin/sh
# Benchmarks, side by side in one run; prints a table.  Never used by tests (timings are
# noisy on shared machines).
#   scripts/bench.sh parse    the parser: bundled interview, a 3 MB single-paragraph turn
#   scripts/bench.sh frontend the front end (Mandarin read as pinyin) on the whole interview,
#                             and a fresh process's first clause with the word table
#   scripts/bench.sh render   the naive pipeline vs recast -j1, -j2, warm cache, one clip
#   scripts/bench.sh preview  render --section as a share of a full render: cold, after a
#                             voice change, on the interview and on a long transcript
#   scripts/bench.sh scale    the corpus pages, and 4 episodes (the interview and 3 corpus
#                             pages), as separate renders vs one multi-episode run; the
#                             interview in 2 shards at once + the
#                             mux vs one process; CPU use = CPU s / (wall s x CPUs)
#   scripts/bench.sh formats  each --format (opus, m4a, mp3, all three, with clips) on a warm
#                             cache, wall and CPU as ratios to Opus alone; ffmpeg's own encoders
#   scripts/bench.sh          parse, frontend and render
set -eu
cd "$(dirname "$0")/.."
RECAST=${RECAST:-$PWD/build/recast}
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
export RECAST_VOICES=$PWD/voices SOURCE_DATE_EPOCH=1700000000
what=${1:-all}
SECTION=${SECTION:-3}   # Scaling 和对齐: 693 s of the interview's 5122 s (13.5%)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
[ -x "$RECAST" ] || { echo "bench: build first (make)" >&2; exit 1; }

# timed CMD...: runs CMD (stdout and stderr to $TMP), sets wall, user, sys (seconds,
# children included) and rss (KB, the largest process); on failure says so for $label.
timed() {
    start=$(date +%s.%N)
    if ! /usr/bin/env time -f '%U %S %M' -o "$TMP/time" "$@" >"$TMP/stdout" 2>"$TMP/stderr"; then
        echo "bench: $label failed: $(tail -3 "$TMP/stderr")" >&2; return 1
    fi
    end=$(date +%s.%N)
    read -r user sys rss <"$TMP/time"
    wall=$(echo "$end - $start" | bc)
}

# LABEL AUDIO_SECONDS CMD...: wall seconds, CPU seconds (user+sys, children included),
# peak RSS of the largest process, times real time, and ratio to the naive pipeline.
NAIVE_WALL=""
measure() {
    label=$1 audio=$2; shift 2
    timed "$@" || return 1
    [ -n "$NAIVE_WALL" ] || NAIVE_WALL=$wall
    awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v a="$audio" -v n="$NAIVE_WALL" 'BEGIN {
        printf "%-40s %8.2f %8.2f %8.1f %9s %9s\n", l, w, u + s, r / 1024, (a > 0 ? sprintf("%.0fx", a / w) : "-"), (n > 0 ? sprintf("%.2fx", n / w) : "-") }'
}

header() { printf '%-40s %8s %8s %8s %9s %9s\n' "$1" "wall s" "CPU s" "RSS MB" "realtime" "vs naive"; }

case $what in parse|frontend|render|preview|scale|formats|all) ;; *) echo "bench: unknown benchmark '$what' (parse, frontend, render, preview, scale, formats)" >&2; exit 64 ;; esac
if [ "$what" = parse ] || [ "$what" = all ]; then
    python3 - "$TMP/big.txt" <<'PY'
import sys
open(sys.argv[1], "w", encoding="utf-8").write("Demis" + "我认为这是一个很好的问题。" * (3 * 1024 * 1024 // 39) + "\n")
PY
    NAIVE_WALL=0
    header "parser"
    measure "parse: bundled interview (62 KB)" 0 "$RECAST" parse "$SEED"
    measure "parse: 3 MB single-paragraph turn" 0 "$RECAST" parse "$TMP/big.txt"
    echo
fi

if [ "$what" = frontend ] || [ "$what" = all ]; then
    BENCH_FE=$(dirname "$RECAST")/tests/frontend_bench
    [ -x "$BENCH_FE" ] || { echo "bench: build first (make all)" >&2; exit 1; }
    "$RECAST" parse "$SEED" 2>/dev/null | jq -r '.sections[].turns[].text | gsub("\n"; " ")' >"$TMP/turns.txt"
    NAIVE_WALL=0
    header "front end"
    "$BENCH_FE" --turns <"$TMP/turns.txt"
    "$BENCH_FE" --first '我认为这个问题很重要，一百万行代码。'
    measure "a fresh process: first clause, whole run" 0 "$BENCH_FE" --first '我认为这个问题很重要，一百万行代码。'
    measure "recast plan on the interview (+ espeak phonemes)" 0 "$RECAST" plan "$SEED"
    echo
fi

# The pipeline a user would write: espeak-ng CLI per turn, sox joining the WAVs with
# pauses, opusenc at recast's bitrate and complexity.
naive() {
    out=$1
    mkdir -p "$out/wav"
    "$RECAST" parse "$SEED" 2>/dev/null | jq -r '.sections[].turns[] | [.speaker, (.text | gsub("\n"; " "))] | @tsv' >"$out/turns.tsv"
    sox -n -r 22050 -c 1 -b 16 "$out/pause.wav" trim 0 0.6
    i=0; set --
    while IFS="$(printf '\t')" read -r speaker text; do
        case $speaker in Dwarkesh) v=cmn-latn-pinyin+m1 s=190 p=70 ;; *) v=cmn-latn-pinyin+m8 s=160 p=40 ;; esac
        f=$(printf '%s/wav/%03d.wav' "$out" $i)
        espeak-ng -v "$v" -s $s -p $p -w "$f" "$text" 2>/dev/null
        set -- "$@" "$f" "$out/pause.wav"; i=$((i + 1))
    done <"$out/turns.tsv"
    sox "$@" "$out/all.wav"
    opusenc --quiet --bitrate 32 --comp 10 --speech "$out/all.wav" "$out/naive.opus"
}

if [ "$what" = render ] || [ "$what" = all ]; then
    NAIVE_WALL=""
    audio=5125   # seconds of the recast programme (85.4 min)
    header "render the bundled interview ($(nproc) CPUs)"
    { echo "RECAST='$RECAST' SEED='$SEED'"; sed -n '/^naive() {/,/^}/p' "$0"; } >"$TMP/naive.sh"
    measure "naive: espeak-ng CLI + sox + opusenc" "$audio" sh -c ". '$TMP/naive.sh'; naive '$TMP/naive'"
    measure "recast render -j1, cold cache" "$audio" "$RECAST" render "$SEED" -o "$TMP/j1.opus" -j 1 --cache "$TMP/c1" -q
    measure "recast render -j2, cold cache" "$audio" "$RECAST" render "$SEED" -o "$TMP/j2.opus" -j 2 --cache "$TMP/c2" -q
    sed 's/^Demis嗯,这很有趣,/Demis嗯,这真的很有趣,/' "$SEED" >"$TMP/edited.txt"
    measure "recast, warm cache, one turn edited" "$audio" "$RECAST" render "$TMP/edited.txt" -o "$TMP/warm.opus" -j 2 --cache "$TMP/c2" -q
    measure "recast, one section clip, warm cache" 0 "$RECAST" render "$SEED" --section 5 -o "$TMP/clip.opus" -j 2 --cache "$TMP/c2" -q
    cmp -s "$TMP/j1.opus" "$TMP/j2.opus" && echo "-j1 and -j2 outputs are byte-identical" || echo "WARNING: -j1 and -j2 outputs differ"
    echo "naive output: $(soxi -D "$TMP/naive/all.wav" | cut -c1-7) s of audio, $(stat -c %s "$TMP/naive/naive.opus") bytes Opus, $(du -sm "$TMP/naive" | cut -f1) MB of temporary files"
    echo "recast output: $(stat -c %s "$TMP/j2.opus") bytes Opus; cache $(du -sm "$TMP/c2" | cut -f1) MB"
fi

# share LABEL CMD...: like measure, and the shares of wall and CPU time of the full render
# measured first after FULL_WALL="" (its line reads 100%).
FULL_WALL=""
share() {
    label=$1; shift
    timed "$@" || return 1
    [ -n "$FULL_WALL" ] || FULL_WALL=$wall FULL_CPU=$(echo "$user + $sys" | bc)
    awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v f="$FULL_WALL" -v fc="$FULL_CPU" 'BEGIN {
        printf "%-52s %8.2f %8.2f %9s %9s\n", l, w, u + s, sprintf("%.1f%%", 100 * w / f), sprintf("%.1f%%", 100 * (u + s) / fc) }'
}

# preview TRANSCRIPT NAME: a cold full render, then --section $SECTION cold, and after a
# voice change on the full render's cache; each clip is checked against the full render's.
preview() {
    t=$1 name=$2 d=$TMP/$2
    secs=$("$RECAST" list "$t" 2>/dev/null | awk -v s="$SECTION" '$1 == s { print $(NF-2) }')
    FULL_WALL=""
    printf '%-52s %8s %8s %9s %9s\n' "$name: --section $SECTION (est. $secs)" "wall s" "CPU s" "wall %" "CPU %"
    share "full render -j2, cold cache" "$RECAST" render "$t" -o "$d/full.opus" --clips "$d/clips" -j 2 --cache "$d/c1" -q
    share "--section $SECTION -j2, cold cache" "$RECAST" render "$t" --section "$SECTION" -o "$d/s.opus" -j 2 --cache "$d/c2" -q
    clip=$(ls "$d/clips/$(printf %02d "$SECTION")-"*.opus)
    cmp -s "$d/s.opus" "$clip" && echo "  the cold --section clip is byte-identical to the full render's clip" || echo "  WARNING: the --section clip differs from the full render's clip"
    share "--section $SECTION after a voice change (demis.pitch=45)" "$RECAST" render "$t" --section "$SECTION" --set demis.pitch=45 -o "$d/v.opus" -j 2 --cache "$d/c1" -q
    share "the same voice change, full render" "$RECAST" render "$t" --set demis.pitch=45 -o "$d/vfull.opus" --clips "$d/vclips" -j 2 --cache "$d/c3" -q
    clip=$(ls "$d/vclips/$(printf %02d "$SECTION")-"*.opus)
    cmp -s "$d/v.opus" "$clip" && echo "  the voice-change preview is byte-identical to that full render's clip" || echo "  WARNING: the voice-change preview differs"
    echo
}

if [ "$what" = preview ]; then
    preview "$SEED" "interview (85 min)"
    # A long real transcript: the interview three times over, each copy's turns made
    # distinct (a different first word), so nothing is shared through the cache.
    python3 - "$SEED" "$TMP/long.txt" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
out = [src]
for k, word in enumerate(["其实,", "那么,"]):
    out.append(re.sub(r"^(Dwarkesh|Demis)", lambda m: m.group(1) + word, src, flags=re.M))
open(sys.argv[2], "w", encoding="utf-8").write("\n\n".join(out))
PY
    preview "$TMP/long.txt" "long transcript (3 x interview, 255 min)"
fi

# spread LABEL CMD...: wall, CPU (children included), CPU use of the machine's CPUs, and
# the ratio of the first line's wall time to this one's.
FIRST_WALL=""
spread() {
    label=$1; shift
    timed "$@" || return 1
    [ -n "$FIRST_WALL" ] || FIRST_WALL=$wall
    awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v f="$FIRST_WALL" -v c="$(nproc)" 'BEGIN {
        printf "%-52s %8.2f %8.2f %8.1f%% %8.2fx\n", l, w, u + s, 100 * (u + s) / (w * c), f / w }'
}

if [ "$what" = scale ]; then
    SHORT=$(ls tests/corpus/*.txt tests/corpus/*.md | grep -v README)
    FIRST_WALL=""
    printf '%-52s %8s %8s %9s %9s\n' "the $(echo $SHORT | wc -w) corpus pages, ~1 min each ($(nproc) CPUs)" "wall s" "CPU s" "CPU use" "vs first"
    # shellcheck disable=SC2086
    spread "$(echo $SHORT | wc -w) renders one after another (-j2 each), cold" sh -c 'for f; do "$0" render "$f" --out-dir "'"$TMP"'/sserial" -j 2 --cache "'"$TMP"'/scs" -q || exit 1; done' "$RECAST" $SHORT
    # shellcheck disable=SC2086
    spread "one run: render FILE... --out-dir (-j2), cold" "$RECAST" render $SHORT --out-dir "$TMP/smulti" -j 2 --cache "$TMP/scm" -q
    same=0
    for f in "$TMP"/sserial/*.opus; do cmp -s "$f" "$TMP/smulti/$(basename "$f")" && same=$((same + 1)); done
    echo "  multi-episode podcasts byte-identical to the separate renders: $same of $(echo $SHORT | wc -w)"
    echo
    EPISODES="$SEED tests/corpus/people-wenxian.zh.txt tests/corpus/theojaffee-patel.en.txt tests/corpus/travel-narrator.zh.md"
    FIRST_WALL=""
    printf '%-52s %8s %8s %9s %9s\n' "4 episodes: the interview + 3 corpus pages ($(nproc) CPUs)" "wall s" "CPU s" "CPU use" "vs first"
    # shellcheck disable=SC2086
    spread "4 renders one after another (-j2 each), cold" sh -c 'for f; do "$0" render "$f" --out-dir "'"$TMP"'/serial" -j 2 --cache "'"$TMP"'/cs" -q || exit 1; done' "$RECAST" $EPISODES
    # shellcheck disable=SC2086
    spread "one run: render A B C D --out-dir (-j2), cold" "$RECAST" render $EPISODES --out-dir "$TMP/multi" -j 2 --cache "$TMP/cm" -q
    same=0
    for f in $EPISODES; do b=$(basename "$f"); b=${b%.*}
        for ext in opus manifest.json vtt; do cmp -s "$TMP/serial/$b.$ext" "$TMP/multi/$b.$ext" && same=$((same + 1)); done
    done
    echo "  multi-episode outputs byte-identical to the separate renders: $same of 12 files (opus, manifest, vtt)"
    echo
    FIRST_WALL=""
    printf '%-52s %8s %8s %9s %9s\n' "the interview, sharded ($(nproc) CPUs)" "wall s" "CPU s" "CPU use" "vs first"
    spread "one process, -j2, cold" "$RECAST" render "$SEED" -o "$TMP/one/pod.opus" -j 2 --cache "$TMP/c1" -q
    spread "2 shards at once (-j1 each) + mux, cold" sh -c '"$0" render "$1" --shard 0/2 -j 1 --cache "$2" 2>"$4.0" & "$0" render "$1" --shard 1/2 -j 1 --cache "$2" 2>"$4.1"; s=$?; wait $! && [ $s = 0 ] && "$0" render "$1" -o "$3" --cache "$2" 2>"$4.mux"' "$RECAST" "$SEED" "$TMP/c2" "$TMP/sharded/pod.opus" "$TMP/shard"
    grep -h '^recast: shard' "$TMP/shard.0" "$TMP/shard.1" | sed 's/^/  /'
    grep -h '^recast: [0-9]* turns' "$TMP/shard.mux" | sed 's/^/  mux: /'
    cmp -s "$TMP/one/pod.opus" "$TMP/sharded/pod.opus" && echo "  sharded + mux output is byte-identical to the one-process render" || echo "  WARNING: the sharded output differs"
fi

# fmeasure LABEL CMD...: wall and CPU seconds, and both as ratios to the first line after
# OPUS_WALL is emptied (Opus alone).
OPUS_WALL="" OPUS_CPU=""
fmeasure() {
    label=$1; shift
    timed "$@" || return 1
    cpu=$(echo "$user + $sys" | bc)
    [ -n "$OPUS_WALL" ] || { OPUS_WALL=$wall; OPUS_CPU=$cpu; }
    awk -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v ow="$OPUS_WALL" -v oc="$OPUS_CPU" 'BEGIN {
        printf "%-44s %8.2f %8.2f %8.1f %9s %9s\n", l, w, c, r / 1024, sprintf("%.2fx", w / ow),
            (oc > 0 ? sprintf("%.2fx", c / oc) : "-") }'
}

if [ "$what" = formats ]; then
    F=$TMP/formats; mkdir -p "$F"
    # warm the cache first: what is measured is the muxing and the encoders, not synthesis
    "$RECAST" render "$SEED" -o "$F/warmup.opus" -j 2 --cache "$TMP/c2" -q
    OPUS_WALL=""
    printf '%-44s %8s %8s %8s %9s %9s\n' "formats, bundled interview, warm cache, -j2" "wall s" "CPU s" "RSS MB" "wall/opus" "CPU/opus"
    fmeasure "--format opus (the default)" "$RECAST" render "$SEED" -o "$F/o.opus" -j 2 --cache "$TMP/c2" -q
    fmeasure "--format m4a" "$RECAST" render "$SEED" -o "$F/m.m4a" -j 2 --cache "$TMP/c2" -q
    fmeasure "--format mp3" "$RECAST" render "$SEED" -o "$F/p.mp3" -j 2 --cache "$TMP/c2" -q
    fmeasure "--format opus,m4a,mp3" "$RECAST" render "$SEED" -o "$F/all.opus" --format opus,m4a,mp3 -j 2 --cache "$TMP/c2" -q
    fmeasure "--format opus,m4a,mp3 -j1" "$RECAST" render "$SEED" -o "$F/all1.opus" --format opus,m4a,mp3 -j 1 --cache "$TMP/c2" -q
    fmeasure "--format opus,m4a,mp3 --clips" "$RECAST" render "$SEED" -o "$F/c.opus" --format opus,m4a,mp3 --clips "$F/clips" -j 2 --cache "$TMP/c2" -q
    fmeasure "ffmpeg: the .opus -> AAC 64k (its encoder)" ffmpeg -v error -y -i "$F/o.opus" -map 0:a -c:a aac -b:a 64k -cutoff 12000 "$F/ff.m4a"
    fmeasure "ffmpeg: the .opus -> MP3 LAME -V5" ffmpeg -v error -y -i "$F/o.opus" -map 0:a -c:a libmp3lame -q:a 5 -cutoff 12000 "$F/ff.mp3"
    fmeasure "ffmpeg: the .opus decoded only" ffmpeg -v error -y -i "$F/o.opus" -map 0:a -f null -
    cmp -s "$F/o.opus" "$F/all.opus" && echo "the .opus is byte-identical with and without the other formats" \
        || echo "WARNING: the .opus differs when other formats are written"
    cmp -s "$F/all.m4a" "$F/all1.m4a" && cmp -s "$F/all.mp3" "$F/all1.mp3" && echo "-j1 and -j2 M4A and MP3 are byte-identical" \
        || echo "WARNING: -j1 and -j2 M4A/MP3 differ"
    echo "sizes: opus $(stat -c %s "$F/all.opus"), m4a $(stat -c %s "$F/all.m4a"), mp3 $(stat -c %s "$F/all.mp3") bytes"
    for f in all.opus all.m4a all.mp3; do
        ffmpeg -nostats -i "$F/$f" -map 0:a -af ebur128=peak=true -f null - 2>&1 | sed -n '/Summary/,$p' |
            awk -v f="$f" '/I:/ {i=$2} /Peak:/ {p=$2} END {printf "decoded %s: %s LUFS, true peak %s dBTP\n", f, i, p}'
    done
fi
