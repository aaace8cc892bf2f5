# recast plan on the bundled interview: nothing espeak would misread reaches it.
. tests/lib.sh
export RECAST_VOICES=voices
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
"$RECAST" plan "$SEED" >"$TMP/plan.json" 2>"$TMP/err" || { fail "plan: runs on the interview" "$(cat "$TMP/err")"; exit 0; }
pass "plan: runs on the interview"
count() { jq "[.turns[].segments[] | select($1)] | length" "$TMP/plan.json"; }
check_zero() {
    n=$(count "$2")
    if [ "$n" = 0 ]; then pass "plan: $1 (0)"; else fail "plan: $1" "$n segments"; fi
}
check_zero "no Mandarin segment switches to English, no '(en)' in its phonemes" '.lang=="cmn" and (.phonemes|test("\\(en\\)"))'
check_zero "no ASCII letter or digit in what a Mandarin segment reads" '.lang=="cmn" and (.han|test("[A-Za-z0-9]"))'
check_zero "a Mandarin segment's text is pinyin: syllables with a tone digit, [[phonemes]], punctuation" \
    '.lang=="cmn" and (.text|test("^(([a-z]+[1-5]|\\[\\[[^]]*\\]\\])[,.?!;:]* ?)+$")|not)'
check_zero "one syllable per character read in every Mandarin segment" \
    '.lang=="cmn" and ((.words|map(.pinyin|split(" ")|length)|add) != (.han|length))'
check_zero "no Han character in an English segment" '.lang=="en" and (.text|test("\\p{Han}"))'
check_zero "no Mandarin segment without phonemes" '.lang=="cmn" and (.phonemes|length)==0'
n=$(jq '.turns | length' "$TMP/plan.json")
[ "$n" = 93 ] && pass "plan: 93 turns" || fail "plan: 93 turns" "$n"
en=$(count '.lang=="en"'); cmn=$(count '.lang=="cmn"')
echo "     segments: $cmn Mandarin, $en English"
[ "$en" -gt 100 ] && [ "$cmn" -gt 1000 ] && pass "plan: English words go to the English voice ($en segments)" || fail "plan: segment counts" "$cmn/$en"
"$RECAST" plan --turn 1 "$SEED" >"$TMP/t1.json" 2>/dev/null
v=$(jq -r '[.turns[0].segments[] | select(.lang=="en")][0] | .voice + " " + .phonemes' "$TMP/t1.json")
case $v in "en-us+m1 d'i:p m'aInd"*) pass "plan: turn 1 reads DeepMind CEO with the host's English voice" ;; *) fail "plan: turn 1 English" "$v" ;; esac
"$RECAST" plan --section 'Gemini 训练' "$SEED" >"$TMP/s.json" 2>/dev/null
n=$(jq '.turns | length' "$TMP/s.json")
[ "$n" = 12 ] && pass "plan: --section by title selects its 12 turns" || fail "plan: --section" "$n turns"
expect_exit "plan: --turn out of range is a usage error (64)" 64 "$RECAST" plan --turn 999 "$SEED"
expect_exit "plan: unknown section (64)" 64 "$RECAST" plan --section nosuch "$SEED"
printf 'en Foo bar\n' >"$TMP/lex.txt"
expect_exit "plan: malformed lexicon (65)" 65 "$RECAST" plan --lexicon "$TMP/lex.txt" "$SEED"
expect_contains "plan: malformed lexicon names file:line" "$TMP/err" "lex.txt:1: missing \" = \""
expect_exit "say: writes a WAV" 0 "$RECAST" say --voice demis '我在 2010 年创立了 DeepMind。' -o "$TMP/say.wav"
d=$(soxi -D "$TMP/say.wav" 2>/dev/null)
case $d in 0.0*|"") fail "say: the WAV has sound" "duration '$d'" ;; *) pass "say: the WAV is ${d}s of 22050 Hz audio" ;; esac
r=$(soxi -r "$TMP/say.wav" 2>/dev/null)
[ "$r" = 22050 ] && pass "say: 22050 Hz" || fail "say: rate" "$r"
expect_exit "say: unknown voice (64)" 64 "$RECAST" say --voice nobody 'x' -o "$TMP/x.wav"
expect_exit "say: missing -o (64)" 64 "$RECAST" say 'x'
# recast pinyin: how text is read, word by word
out=$("$RECAST" pinyin '我认为这个问题很重要，一百万行代码。Gemini 不是一个模型' 2>&1)
case $out in *"认为	ren4 wei2"*"行	hang2"*"dZ'EmInaI]]	(English)"*"不是	bu2 shi4"*"一个	yi2 ge5"*) pass "pinyin: words and their pinyin, English runs marked" ;;
    *) fail "pinyin: words and their pinyin" "$out" ;; esac
t=$("$RECAST" pinyin --json '我們認為' | jq -r '[.segments[0].text, .segments[0].han, (.segments[0].words | length)] | join("|")')
[ "$t" = "wo3 men5 ren4 wei2|我們認為|2" ] && pass "pinyin: Traditional reads like Simplified (--json: text, han, words)" || fail "pinyin: Traditional" "$t"
printf 'cmn 认为 = ren4 wei4\n' >"$TMP/lexpy.txt"
out=$("$RECAST" pinyin --lexicon "$TMP/lexpy.txt" '我认为' 2>&1)
case $out in *"认为	ren4 wei4	lexicon"*) pass "pinyin: a cmn pinyin lexicon entry wins and is marked" ;; *) fail "pinyin: lexicon entry" "$out" ;; esac
a=$("$RECAST" plan --turn 3 "$SEED" 2>/dev/null | jq -r '[.turns[0].segments[] | select(.lang=="cmn") | .text] | join("/")')
b=$("$RECAST" plan --turn 3 --lexicon "$TMP/lexpy.txt" "$SEED" 2>/dev/null | jq -r '[.turns[0].segments[] | select(.lang=="cmn") | .text] | join("/")')
if [ -n "$a" ] && [ "$a" != "$b" ] && echo "$b" | grep -q 'ren4 wei4'; then
    pass "plan: a reading change changes the text espeak is given (and so the cache key)"
else fail "plan: reading change" "$a | $b"; fi
printf 'cmn 认为 = ren wei\n' >"$TMP/lexbad.txt"
expect_exit "pinyin: pinyin without tone digits in the lexicon (65)" 65 "$RECAST" pinyin --lexicon "$TMP/lexbad.txt" '认为'
expect_contains "pinyin: the lexicon error names file:line" "$TMP/err" "lexbad.txt:1:"
expect_exit "pinyin: missing TEXT (64)" 64 "$RECAST" pinyin
