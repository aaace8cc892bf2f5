# One short render per label layout of the corpus (inline, alone, Markdown, HTML, many
# speakers): opusinfo clean, chapters and transcript sidecars agree with the parse, every
# speaker of the parse speaks in the transcript sidecar, WebVTT valid with speaker voices.
. tests/lib.sh
export RECAST_VOICES=voices
render_case() { # NAME FILE [render options...]
    name=$1 src=$2; shift 2
    out="$TMP/$name"
    if ! "$RECAST" render "$src" -o "$out.opus" -q -j2 --no-cache "$@" >"$TMP/err" 2>&1; then
        fail "corpus render $name: renders" "$(head -c 300 "$TMP/err")"; return
    fi
    pass "corpus render $name: renders"
    opusinfo "$out.opus" >"$TMP/oi" 2>&1; rc=$?
    if [ $rc -eq 0 ] && ! grep -qiE 'warning|error' "$TMP/oi"; then pass "corpus render $name: opusinfo clean"
    else fail "corpus render $name: opusinfo clean" "$(grep -iE 'warning|error' "$TMP/oi" | head -3)"; fi
    "$RECAST" parse "$src" >"$TMP/doc.json" 2>/dev/null
    total_ms=$(jq '[.segments[].endTime] | max * 1000 | floor' "$out.transcript.json")
    if python3 tests/cli/vtt_check.py "$out.vtt" --total-ms "$total_ms" >"$TMP/vc" 2>&1; then pass "corpus render $name: WebVTT valid"
    else fail "corpus render $name: WebVTT valid" "$(head -c 300 "$TMP/vc")"; fi
    want=$(jq -r '[.casting[].speaker] | sort | unique | join(",")' "$TMP/doc.json")
    got=$(jq -r '[.segments[].speaker] | sort | unique | join(",")' "$out.transcript.json")
    [ "$want" = "$got" ] && pass "corpus render $name: every speaker speaks ($got)" || fail "corpus render $name: speakers" "transcript has $got, parse $want"
}
render_case alone tests/corpus/every-shipper-patel.en.txt
render_case inline-traditional tests/corpus/storm-dw.zh-Hant.txt
render_case html tests/corpus/podcast-host-guest.en.html.txt
render_case markdown-3 tests/corpus/dwarkesh-links.en.md
