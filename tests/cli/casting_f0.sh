# Automatic casting, checked on the rendered audio with an independent pitch tracker
# (scripts/median_f0.py on ffmpeg's decoding of each turn's first 3 s): the speakers of two
# adjacent turns are at least 15% apart in median F0, and casting is deterministic.
. tests/lib.sh
export RECAST_VOICES=voices
check_case() { # NAME FILE [render options]
    name=$1 src=$2; shift 2
    if ! "$RECAST" render "$src" -o "$TMP/$name.opus" -q -j2 --no-cache "$@" >"$TMP/err" 2>&1; then
        fail "casting $name: renders" "$(head -c 300 "$TMP/err")"; return
    fi
    M="$TMP/$name.manifest.json"
    jq -r '.sections[].turns[] | "\(.index) \(.speech_start_ms) \(.speech_end_ms) \(.speaker)"' "$M" >"$TMP/turns"
    : >"$TMP/f0"
    while read -r idx a b who; do
        ffmpeg -nostdin -v error -y -ss "$(echo "$a" | awk '{printf "%.3f", $1/1000}')" -t "$(echo "$a $b" | awk '{d = ($2-$1)/1000; printf "%.3f", (d > 3 ? 3 : d)}')" \
            -i "$TMP/$name.opus" -ac 1 -ar 22050 -c:a pcm_s16le "$TMP/t$idx.wav" || continue
        echo "$idx $(python3 scripts/median_f0.py "$TMP/t$idx.wav" | cut -d' ' -f2) $who" >>"$TMP/f0"
    done <"$TMP/turns"
    # median of the turn medians per speaker; pairs of adjacent turns
    python3 - "$TMP/f0" >"$TMP/res" <<'PY'
import sys, statistics
rows = [l.split(" ", 2) for l in open(sys.argv[1]).read().splitlines()]
rows = [(int(i), float(f), w) for i, f, w in rows if float(f) > 0]
per = {}
for i, f, w in rows: per.setdefault(w, []).append(f)
med = {w: statistics.median(v) for w, v in per.items()}
order = [w for _, _, w in sorted(rows)]
worst = None
for x, y in zip(order, order[1:]):
    if x == y: continue
    r = max(med[x], med[y]) / min(med[x], med[y])
    if worst is None or r < worst[0]: worst = (r, x, y)
# nothing measured, or one speaker only, proves nothing: report a ratio of 0 (a failure)
print("%.3f %s | %s" % (worst[0] if worst and len(med) >= 2 else 0, worst[1] if worst else "-", worst[2] if worst else "-"))
print("  ".join("%s %.0f Hz" % (w, f) for w, f in med.items()))
PY
    ratio=$(head -1 "$TMP/res" | cut -d' ' -f1)
    echo "     $name: $(sed -n 2p "$TMP/res")"
    awk -v r="$ratio" 'BEGIN { exit !(r >= 1.15) }' && pass "casting $name: adjacent speakers >= 15% apart in median F0 (closest pair $(head -1 "$TMP/res"))" \
        || fail "casting $name: adjacent speakers >= 15% apart in median F0" "closest $(head -1 "$TMP/res")"
}
check_case cctv-5 tests/corpus/cctv-zongbian.zh-Hant.txt
check_case lex-en tests/corpus/lexfridman-transcript.en.md
check_case travel-20 tests/corpus/travel-narrator.zh.md --section 0
# deterministic: the same casting twice, and the same for a copy of the page
"$RECAST" parse tests/corpus/travel-narrator.zh.md | jq -c .casting >"$TMP/c1"
cp tests/corpus/travel-narrator.zh.md "$TMP/copy.md"
"$RECAST" parse "$TMP/copy.md" | jq -c .casting >"$TMP/c2"
cmp -s "$TMP/c1" "$TMP/c2" && pass "casting: deterministic (20 speakers)" || fail "casting: deterministic" "differs"
