# Levelled speakers (issue 14), measured independently: ffmpeg's ebur128 over each turn's
# span of the decoded podcast (scripts/speaker-loudness.py).  Every speaker within 1 LU of
# the target, no jump over 2 LU where the speaker changes, though the two voices' own
# levels differ by several dB; and an edited turn is the only one encoded again.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
mkdir -p "$TMP/a" "$TMP/b"
if "$RECAST" render "$FIX" -o "$TMP/a/pod.opus" --cache "$TMP/cache" -j 2 -q 2>"$TMP/err"; then
    pass "loudness: short transcript renders"
else fail "loudness: short transcript renders" "$(cat "$TMP/err")"; exit 0; fi
python3 scripts/speaker-loudness.py "$TMP/a/pod.opus" "$TMP/a/pod.manifest.json" --json >"$TMP/l.json" 2>"$TMP/lerr" ||
    fail "loudness: measure" "$(cat "$TMP/lerr")"
python3 scripts/speaker-loudness.py "$TMP/a/pod.opus" "$TMP/a/pod.manifest.json" | sed 's/^/     /'
target=$(jq .loudness.target_lufs "$TMP/a/pod.manifest.json")
jq -e --argjson t "$target" '[.speakers[] | .lufs - $t | fabs] | max <= 1.0' "$TMP/l.json" >/dev/null &&
    pass "loudness: every speaker within 1 LU of $target LUFS" ||
    fail "loudness: speakers" "$(jq -c .speakers "$TMP/l.json")"
jq -e '.speaker_changes >= 3 and .changes_over_2lu == 0' "$TMP/l.json" >/dev/null &&
    pass "loudness: no jump over 2 LU at $(jq .speaker_changes "$TMP/l.json") speaker changes" ||
    fail "loudness: jumps" "$(jq -c '[.speaker_changes, .changes_over_2lu, .largest_jump]' "$TMP/l.json")"
# the precondition that makes the two checks above mean something: the voices differ
jq -e '.loudness.voice_calibration_gain_db | (.Demis - .Dwarkesh) | fabs >= 2' "$TMP/a/pod.manifest.json" >/dev/null &&
    pass "loudness: ... though the voices' own levels differ by $(jq '.loudness.voice_calibration_gain_db | (.Demis - .Dwarkesh) | fabs' "$TMP/a/pod.manifest.json") dB" ||
    fail "loudness: voices differ" "$(jq -c .loudness.voice_calibration_gain_db "$TMP/a/pod.manifest.json")"
# edit one turn: only it is encoded again, every other turn's packets come from the cache
sed 's/现在大约过去了 14 年。/现在大约过去了十四年,进展比预想的快。/' "$FIX" >"$TMP/edited.txt"
cmp -s "$FIX" "$TMP/edited.txt" && fail "loudness: edit" "sed changed nothing"
"$RECAST" render "$TMP/edited.txt" -o "$TMP/b/pod.opus" --cache "$TMP/cache" -j 2 2>"$TMP/err2"
grep -q "(1 rendered, 5 from cache)" "$TMP/err2" && pass "loudness: an edited turn is the only one encoded again" ||
    fail "loudness: edit re-encodes" "$(grep turns "$TMP/err2")"
python3 scripts/speaker-loudness.py "$TMP/b/pod.opus" "$TMP/b/pod.manifest.json" --json >"$TMP/l2.json" &&
jq -e --argjson t "$target" '([.speakers[] | .lufs - $t | fabs] | max <= 1.0) and .changes_over_2lu == 0' "$TMP/l2.json" >/dev/null &&
    pass "loudness: ... and the edited programme is still levelled" ||
    fail "loudness: edited programme" "$(jq -c '[.speakers, .largest_jump]' "$TMP/l2.json")"
