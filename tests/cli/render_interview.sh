# The bundled interview, rendered cold as `make podcast` does, checked with independent
# tools.  (About a minute of CPU on two cores: the longest test.)
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
O=$TMP/out
if "$RECAST" render "$SEED" -o "$O/interview.opus" --clips "$O/clips" --cache "$TMP/cache" 2>"$TMP/err"; then
    pass "interview: renders with clips"
else fail "interview: renders with clips" "$(tail -3 "$TMP/err")"; exit 0; fi
grep '^recast: [0-9]* turns\|^recast: loudness' "$TMP/err" | sed 's/^/     /'
M=$O/interview.manifest.json
opusinfo "$O/interview.opus" >"$TMP/oi" 2>&1
grep -qiE 'warning|error' "$TMP/oi" && fail "interview: opusinfo clean" "$(grep -iE 'warning|error' "$TMP/oi" | head -3)" || pass "interview: opusinfo reports no warnings or errors"
sed -n 's/^\t\(Playback length\|Average bitrate\|Total data length\)/     \1/p' "$TMP/oi"
ffprobe -v error -show_chapters -of json "$O/interview.opus" | jq -r '.chapters[] | "\(.start_time|tonumber*1000|round) \(.tags.title)"' >"$TMP/ch1"
jq -r '.sections[] | "\(.start_ms) \(.title)"' "$M" >"$TMP/ch2"
if cmp -s "$TMP/ch1" "$TMP/ch2" && [ "$(wc -l <"$TMP/ch1")" = 10 ]; then pass "interview: ffprobe lists the 10 chapters with the manifest's times and titles"
else fail "interview: chapters" "$(diff "$TMP/ch1" "$TMP/ch2" | head)"; fi
n=$(ffmpeg -v error -i "$O/interview.opus" -f s16le -ac 1 -ar 48000 - | wc -c)
want=$(jq .duration_samples48 "$M")
[ $((n / 2)) = "$want" ] && pass "interview: decodes to exactly $want samples ($(jq .duration_ms "$M") ms)" || fail "interview: decoded length" "$((n / 2)) != $want"
ffmpeg -nostats -i "$O/interview.opus" -af ebur128=peak=true -f null - 2>&1 | sed -n '/Summary/,$p' >"$TMP/loud"
I=$(awk '/I:/ {print $2}' "$TMP/loud"); TP=$(awk '/Peak:/ {print $2}' "$TMP/loud")
echo "     decoded: integrated $I LUFS, true peak $TP dBTP"
awk -v i="$I" 'BEGIN { exit !(i >= -19.5 && i <= -18.5) }' && pass "interview: loudness $I LUFS within 0.5 LU of -19" || fail "interview: loudness" "$I"
awk -v p="$TP" 'BEGIN { exit !(p <= -1.0) }' && pass "interview: true peak $TP dBTP <= -1" || fail "interview: true peak" "$TP"
python3 tests/cli/vtt_check.py "$O/interview.vtt" --total-ms "$(jq .duration_ms "$M")" >"$TMP/vc" 2>&1 && pass "interview: WebVTT valid ($(cat "$TMP/vc"))" || fail "interview: WebVTT" "$(head -3 "$TMP/vc")"
k=5; clip=$(ls "$O"/clips/05-*.opus)
start=$(jq ".sections[$k].start_ms" "$M"); end=$(jq ".sections[$k].end_ms" "$M")
ffmpeg -v error -i "$clip" -f s16le -ac 1 -ar 48000 "$TMP/clip.raw"
bytes=$(stat -c %s "$TMP/clip.raw")
if [ "$bytes" = $(( (end - start) * 96 )) ] && ffmpeg -v error -i "$O/interview.opus" -f s16le -ac 1 -ar 48000 - | tail -c +$(( start * 96 + 1 )) | head -c "$bytes" | cmp -s - "$TMP/clip.raw"; then
    pass "interview: clip $(basename "$clip") decodes equal to its span of the full file"
else fail "interview: clip equals its span" "$bytes bytes"; fi
[ "$(ls "$O"/clips/*.opus | wc -l)" = 10 ] && pass "interview: 10 clips" || fail "interview: clips" "$(ls "$O"/clips)"
