# render --section costs that section: only its turns are synthesized and encoded, the
# others not at all (the output gain follows the voices' calibration and the text), and the
# clip is exact: byte-identical to the same clip of a later full render (cold, after a
# voice change, with a short pause).
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
runs() { find "$1" -name '*.run' | wc -l; }
infos() { find "$1" -name '*.info.json' | wc -l; }

"$RECAST" render "$FIX" --section 第二 -o "$TMP/s2.opus" --cache "$TMP/c1" 2>"$TMP/err"
grep -q "section 2 of 3: 2 of 6 pieces (2 rendered, 0 from cache); the other 4 not synthesized;" "$TMP/err" \
    && pass "section: a cold --section renders its 2 pieces and does not synthesize the other 4" || fail "section: cold summary" "$(cat "$TMP/err")"
[ "$(runs "$TMP/c1")" = 2 ] && pass "section: ... the cache holds 2 encoded runs" || fail "section: runs encoded" "$(runs "$TMP/c1")"
# 2 pieces + the 2 voices' calibration reads: nothing else was synthesized
[ "$(infos "$TMP/c1")" = 4 ] && pass "section: ... and 4 analyses (its 2 pieces, 2 calibration reads), none of the other turns" || fail "section: synthesized" "$(infos "$TMP/c1")"
grep -qi "provisional" "$TMP/err" && fail "section: ... the gain is not provisional" "$(cat "$TMP/err")" || pass "section: ... no provisional gain (it is exact)"

"$RECAST" list "$FIX" --cache "$TMP/c1" >"$TMP/list" 2>"$TMP/err"
grep -qE '^ 2  第二部分 .* 0:08 +0:1[0-9]  13$' "$TMP/list" && grep -qE '^ 1  开始 .* 0:16 +-  5$' "$TMP/list" \
    && pass "list: the estimate, and the rendered duration of the section a preview encoded ('-' for the others)" || fail "list: rendered column" "$(cat "$TMP/list" "$TMP/err")"
expect_contains "list: ... and how much of the whole is encoded and synthesized" "$TMP/list" "rendered: 2 of 6 pieces encoded with these voices and settings"
"$RECAST" list "$FIX" --cache "$TMP/c1" --set demis.pitch=45 >"$TMP/list"
grep -q "rendered: 0 of 6 pieces encoded with these voices and settings (0.0 min of speech, without pauses); 1 synthesized" "$TMP/list" \
    && pass "list: with --set demis.pitch=45 nothing counts as encoded (a new voice, a new gain), the preview's Dwarkesh piece as synthesized" || fail "list: --set" "$(cat "$TMP/list")"
"$RECAST" list "$FIX" --cache "$TMP/none" >"$TMP/list"
expect_contains "list: an empty cache: nothing rendered yet" "$TMP/list" "rendered: nothing yet in the cache (6 pieces to render)"
[ ! -e "$TMP/none" ] && pass "list: ... and list creates no cache" || fail "list: cache created" ""
"$RECAST" render "$FIX" -o "$TMP/full.opus" --clips "$TMP/clips" --cache "$TMP/c1" 2>"$TMP/err"
grep -q "6 turns (4 rendered, 2 from cache)" "$TMP/err" && pass "section: a later full render encodes only the other 4" || fail "section: full after section" "$(head -1 "$TMP/err")"
cmp -s "$TMP/s2.opus" "$TMP/clips/02-第二部分.opus" && pass "section: the cold --section clip is byte-identical to the full render's clip" || fail "section: cold clip identical" "differs"
for ext in vtt srt chapters.json; do
    cmp -s "$TMP/s2.$ext" "$TMP/clips/02-第二部分.$ext" || fail "section: .$ext identical" "differs"
done
ffmpeg -v error -i "$TMP/full.opus" -f s16le -ac 1 -ar 48000 "$TMP/full.raw"
ffmpeg -v error -i "$TMP/s2.opus" -f s16le -ac 1 -ar 48000 "$TMP/s2.raw"
start=$(jq '.sections[2].start_ms' "$TMP/full.manifest.json")
bytes=$(stat -c %s "$TMP/s2.raw")
tail -c +$((start * 96 + 1)) "$TMP/full.raw" | head -c "$bytes" | cmp -s - "$TMP/s2.raw" && [ "$bytes" -gt 96000 ] \
    && pass "section: ffmpeg decodes the cold clip to exactly its span of the full file ($((bytes / 96)) ms)" || fail "section: decoded span" "differs"
"$RECAST" render "$FIX" -o "$TMP/clean.opus" --no-cache -q
cmp -s "$TMP/full.opus" "$TMP/clean.opus" && pass "section: the full render after a --section is byte-identical to a clean one" || fail "section: full identical" "differs"

# a voice change: the preview again costs the section (and the changed voice's calibration)
"$RECAST" render "$FIX" --section 2 --set demis.pitch=45 -o "$TMP/p45.opus" --cache "$TMP/c1" 2>"$TMP/err"
grep -q "section 2 of 3: 2 of 6 pieces" "$TMP/err" && pass "section: after a voice change, the preview renders the section's pieces" || fail "section: voice change" "$(head -1 "$TMP/err")"
"$RECAST" render "$FIX" --set demis.pitch=45 -o "$TMP/f45.opus" --clips "$TMP/clips45" --cache "$TMP/c1" -q
cmp -s "$TMP/p45.opus" "$TMP/clips45/02-第二部分.opus" && pass "section: ... and is byte-identical to the full render's clip with that voice" || fail "section: voice change clip" "differs"

# a pause too short for the pre-roll: the turn before is rendered too, and the clip is still exact
mkdir -p "$TMP/v" && cp voices/*.voice voices/lexicon.txt "$TMP/v/" && sed 's/^section_break *=.*/section_break = 100/; s/^after_opening *=.*/after_opening = 100/' voices/pauses.conf >"$TMP/v/pauses.conf"
"$RECAST" render "$FIX" --voices "$TMP/v" --section 2 -o "$TMP/short.opus" --cache "$TMP/c2" 2>"$TMP/err"
grep -q "3 of 6 pieces (3 rendered, 0 from cache)" "$TMP/err" && [ "$(runs "$TMP/c2")" = 3 ] && pass "section: a 100 ms section break: the last turn before is encoded too, for the pre-roll" || fail "section: short pause" "$(head -1 "$TMP/err") runs $(runs "$TMP/c2")"
"$RECAST" render "$FIX" --voices "$TMP/v" -o "$TMP/shortfull.opus" --clips "$TMP/shortclips" --cache "$TMP/c2" -q
cmp -s "$TMP/short.opus" "$TMP/shortclips/02-第二部分.opus" && pass "section: ... and the clip is byte-identical to the full render's" || fail "section: short pause clip" "differs"

# --section with --clips: the clips of the span only (the other sections are not rendered),
# each byte-identical to the full render's
"$RECAST" render "$FIX" --section 1 --section 2 -o "$TMP/span.opus" --clips "$TMP/spanclips" --cache "$TMP/c3" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$(ls "$TMP/spanclips" | grep -c '\.opus$')" = 2 ] && [ -e "$TMP/spanclips/01-开始.opus" ] && [ -e "$TMP/spanclips/02-第二部分.opus" ] \
    && pass "section: --section 1 --section 2 --clips DIR writes the clips of those 2 sections only, cold" || fail "section: span clips" "exit $rc; $(ls "$TMP/spanclips" 2>&1) $(tail -2 "$TMP/err")"
cmp -s "$TMP/spanclips/01-开始.opus" "$TMP/clips/01-开始.opus" && cmp -s "$TMP/spanclips/02-第二部分.opus" "$TMP/clips/02-第二部分.opus" \
    && pass "section: ... each byte-identical to the full render's clip" || fail "section: span clips identical" "differ"
grep -o 'spanclips/0[0-9]-[^"]*\.opus' "$TMP/span.manifest.json" | sort -u | tr '\n' ' ' >"$TMP/links"
[ "$(cat "$TMP/links")" = "spanclips/01-开始.opus spanclips/02-第二部分.opus " ] \
    && pass "section: ... and the span's manifest links those two clips" || fail "section: span links" "$(cat "$TMP/links")"
