# recast voices (profiles, casting, variants by what they do to Mandarin tones) and the
# one-run voice overrides --set PROFILE.KEY=VALUE of say and render.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt

expect_exit "voices: lists (0)" 0 "$RECAST" voices "$FIX"
for p in "dwarkesh   Dwarkesh   host" "demis      Demis      guest" "narrator   Narrator   narrator"; do
    expect_contains "voices: the profile table has '$p'" "$TMP/out" "$p"
done
expect_contains "voices: ... with the variant, rate, pitch, range and file" "$TMP/out" "m8         160    40    50    100  voices/demis.voice"
expect_contains "voices: the casting of FILE" "$TMP/out" "Demis      -> demis         2 turns, first at line 9"
sed -n '/^keep Mandarin tones/,/^keep weaker/p' "$TMP/out" >"$TMP/keep"
sed -n '/^flatten the tones/,$p' "$TMP/out" >"$TMP/flat"
ok=1; for v in whisper robosoft6 robosoft8 AnxiousAndy aunty; do grep -q "\b$v (" "$TMP/flat" || ok=0; grep -q "\b$v " "$TMP/keep" && ok=0; done
[ $ok = 1 ] && pass "voices: the variants measured to flatten the tones are listed as such (whisper robosoft6 robosoft8 AnxiousAndy aunty)" || fail "voices: flattening variants" "$(cat "$TMP/flat")"
ok=1; for v in m1 m7 m8 klatt Storm; do grep -q " $v [0-9]*-[0-9]* Hz" "$TMP/keep" || ok=0; done
grep -q "david" "$TMP/flat" && ok=0
[ $ok = 1 ] && pass "voices: the variants measured to keep them are (m1 m7 m8 klatt Storm; david not flat)" || fail "voices: keeping variants" "$(cat "$TMP/keep")"
n=$(ls "$(dirname "$(find /usr/lib/*/espeak-ng-data /usr/share/espeak-ng-data -maxdepth 2 -name '!v' 2>/dev/null | head -1)")/!v" | wc -l)
got=$(grep -oE '^(keep Mandarin tones|keep weaker tones|flatten the tones: not for Mandarin) \([0-9]+' "$TMP/out" | grep -oE '[0-9]+$' | paste -sd+ | bc)
[ "$got" = "$n" ] && pass "voices: every variant of espeak-ng's data is in one group ($n)" || fail "voices: variant count" "$got of $n"
expect_exit "voices: --set shows the profiles as the run would use them (0)" 0 "$RECAST" voices --set demis.pitch=45 --set demis.variant=whisper
grep -qE '^  demis +Demis +guest +cmn-latn-pinyin +en +whisper +160 +45 +50 ' "$TMP/out" && pass "voices: ... pitch 45 and the variant" || fail "voices: --set table" "$(grep demis "$TMP/out")"
expect_contains "voices: ... and a flattening variant is warned about" "$TMP/err" "warning: profile demis: variant whisper flattens Mandarin tones"

# say --set: the override is what is heard, exactly
T='我们今天讨论人工智能。'
"$RECAST" say --voice demis "$T" -o "$TMP/plain.wav" 2>/dev/null
"$RECAST" say --voice demis --set demis.variant=m8 --set demis.pitch=40 "$T" -o "$TMP/same.wav" 2>/dev/null
cmp -s "$TMP/plain.wav" "$TMP/same.wav" && pass "say: --set to the profile's own values gives the same bytes" || fail "say: --set same" "differs"
expect_exit "say: --set demis.pitch=45 --set demis.variant=m7 (0)" 0 "$RECAST" say --voice demis --set demis.pitch=45 --set demis.variant=m7 "$T" -o "$TMP/m7.wav"
expect_contains "say: ... says the voice it used" "$TMP/err" "voice Demis (cmn-latn-pinyin+m7 pitch 45 range 50 rate 160)"
cmp -s "$TMP/plain.wav" "$TMP/m7.wav" && fail "say: ... and sounds different" "same bytes" || pass "say: ... and sounds different (other bytes)"
f0() { sox "$1" -n stat -freq 2>&1 | awk '$1 > 50 && $1 < 400 && $2 > m { m = $2; f = $1 } END { printf "%d", f }'; }
"$RECAST" say --voice demis --set demis.pitch=90 "$T" -o "$TMP/high.wav" 2>/dev/null
lo=$(f0 "$TMP/plain.wav"); hi=$(f0 "$TMP/high.wav")
[ "$hi" -gt "$lo" ] && pass "say: --set demis.pitch=90 raises the strongest voice frequency (sox: $lo -> $hi Hz)" || fail "say: pitch override" "$lo -> $hi Hz"
expect_exit "say: --set out of range (64)" 64 "$RECAST" say --set demis.pitch=999 "$T" -o "$TMP/x.wav"
expect_contains "say: ... names the range" "$TMP/err" "--set demis.pitch: pitch must be an integer in the range 0 to 100, got \"999\""
expect_exit "say: --set of an unknown profile (64)" 64 "$RECAST" say --set bob.pitch=3 "$T" -o "$TMP/x.wav"
expect_contains "say: ... lists the profiles" "$TMP/err" "no profile \"bob\" in voices (have: dwarkesh, demis, narrator)"
expect_exit "say: --set of a key that is not a sound setting (64)" 64 "$RECAST" say --set demis.aliases=x "$T" -o "$TMP/x.wav"
expect_contains "say: ... lists the keys" "$TMP/err" "give mandarin, english, variant, rate, pitch, range or volume"
expect_exit "say: --set without KEY=VALUE (64)" 64 "$RECAST" say --set demis "$T" -o "$TMP/x.wav"
expect_contains "say: ... shows the form" "$TMP/err" "give PROFILE.KEY=VALUE (e.g. --set demis.pitch=45)"
[ ! -e "$TMP/x.wav" ] && pass "say: no WAV after a bad --set" || fail "say: bad --set" "x.wav written"

# render --section --set: one run with the override, nothing kept
C="--cache $TMP/cache -q"
sum_before=$(cksum voices/demis.voice)
"$RECAST" render "$FIX" --section 2 -o "$TMP/s.opus" $C
expect_exit "render: --section with --set (0)" 0 "$RECAST" render "$FIX" --section 2 --set demis.pitch=45 --set demis.variant=m7 -o "$TMP/s7.opus" $C
jq -e '.speakers[] | select(.name == "Demis") | .pitch == 45 and .variant == "m7"' "$TMP/s7.manifest.json" >/dev/null && pass "render: ... the manifest records the voice used" || fail "render: --set manifest" "$(jq -c .speakers "$TMP/s7.manifest.json")"
cmp -s "$TMP/s.opus" "$TMP/s7.opus" && fail "render: ... and the section sounds different" "same bytes" || pass "render: ... and the section sounds different"
"$RECAST" render "$FIX" --section 2 -o "$TMP/s2.opus" $C
cmp -s "$TMP/s.opus" "$TMP/s2.opus" && pass "render: the next run without --set is as before (nothing kept)" || fail "render: --set kept" "differs"
[ "$(cksum voices/demis.voice)" = "$sum_before" ] && pass "render: the profile file is untouched" || fail "render: profile file" "changed"
expect_exit "render: a bad --set is a usage error before any work (64)" 64 "$RECAST" render "$FIX" --set demis.rate=5 -o "$TMP/b.opus" $C
expect_contains "render: ... names the range" "$TMP/err" "--set demis.rate: rate must be an integer in the range 80 to 450, got \"5\""
