# What the command line does with abbreviated, ambiguous, misspelt and malformed
# options, and how --section finds the section a user means.  Cheap: no rendering.
. tests/lib.sh
export RECAST_VOICES=voices
FIX=tests/data/short.zh.txt

# GNU-style abbreviations: a unique prefix works, an ambiguous one names every candidate
expect_exit "options: a unique abbreviation works (--vo for --voices)" 0 "$RECAST" list --vo voices "$FIX"
expect_exit "options: an ambiguous abbreviation is a usage error (64)" 64 "$RECAST" render --c x "$FIX"
expect_contains "options: ... naming every option it could be" "$TMP/err" \
    "recast render: option '--c' is ambiguous: it could be --cache, --caption-chars, --caption-chars-en, --caption-lines, --caption-seconds, --cast, --clips, --complexity or --cover"
expect_exit "options: ambiguous with =VALUE (64)" 64 "$RECAST" render --pr=1 "$FIX"
expect_contains "options: ... names them without the value" "$TMP/err" "option '--pr' is ambiguous: it could be --preface or --progress"
expect_contains "options: ... and where to read more" "$TMP/err" "Try 'recast help render'."
expect_exit "options: a misspelt option (64)" 64 "$RECAST" render --sectoin 1 "$FIX"
expect_contains "options: ... suggests the nearest one" "$TMP/err" "unknown option '--sectoin' (did you mean --section?)"
expect_exit "options: an unknown option far from any (64)" 64 "$RECAST" list --frobnicate "$FIX"
expect_contains "options: ... is named" "$TMP/err" "recast list: unknown option '--frobnicate'"
grep -q "did you mean" "$TMP/err" && fail "options: ... without a guess" "$(cat "$TMP/err")" || pass "options: ... without a guess"
expect_exit "options: a value given to a flag (64)" 64 "$RECAST" render --html=yes "$FIX"
expect_contains "options: ... says it takes none" "$TMP/err" "option '--html' takes no value (got '--html=yes')"
expect_exit "options: an abbreviated option without its value (64)" 64 "$RECAST" render "$FIX" --cl
expect_contains "options: ... is named in full" "$TMP/err" "option '--clips' needs a value"
expect_exit "options: a short option without its value (64)" 64 "$RECAST" render "$FIX" -o
expect_contains "options: ... is named" "$TMP/err" "option '-o' needs a value"
expect_exit "options: an unknown short option in a group (64)" 64 "$RECAST" render -qx "$FIX"
expect_contains "options: ... is named alone" "$TMP/err" "unknown option '-x'"

# --section: by number, whole title, start, part; any case; ambiguous and unknown list the sections
sec() { "$RECAST" plan --section "$1" "$FIX" 2>"$TMP/err" | jq -c '[.turns[].section] | unique'; }
[ "$(sec 2)" = "[2]" ] && pass "section: by number (2)" || fail "section: by number" "$(sec 2) $(cat "$TMP/err")"
[ "$(sec 第二部分)" = "[2]" ] && pass "section: by whole title" || fail "section: by title" "$(cat "$TMP/err")"
[ "$(sec 第二)" = "[2]" ] && pass "section: by the start of a title" || fail "section: by prefix" "$(cat "$TMP/err")"
[ "$(sec 部分)" = "[2]" ] && pass "section: by a part of a title" || fail "section: by part" "$(cat "$TMP/err")"
printf 'Gemini 的训练\n\nDwarkesh好的。\n\nDemis是的。\n\nGemma 模型\n\nDwarkesh嗯。\n\nAlphaFold\n\nDemis对。\n' >"$TMP/g.txt"
s=$("$RECAST" plan --section gemini "$TMP/g.txt" 2>"$TMP/err" | jq -c '[.turns[].section] | unique')
[ "$s" = "[0]" ] && pass "section: a start in another case (gemini -> Gemini 的训练)" || fail "section: case" "$s $(cat "$TMP/err")"
s=$("$RECAST" plan --section 'ALPHAFOLD' "$TMP/g.txt" 2>"$TMP/err" | jq -c '[.turns[].section] | unique')
[ "$s" = "[2]" ] && pass "section: a whole title in capitals" || fail "section: capitals" "$s $(cat "$TMP/err")"
expect_exit "section: an ambiguous start (64)" 64 "$RECAST" plan --section gem "$TMP/g.txt"
expect_contains "section: ... says how many match" "$TMP/err" "--section \"gem\": 2 sections match; give more of the title, or the number:"
expect_contains "section: ... lists the first candidate" "$TMP/err" "    0  Gemini 的训练"
expect_contains "section: ... and the second" "$TMP/err" "    1  Gemma 模型"
grep -q AlphaFold "$TMP/err" && fail "section: ... and only the candidates" "$(cat "$TMP/err")" || pass "section: ... and only the candidates"
expect_exit "section: an unknown title (64)" 64 "$RECAST" plan --section robotics "$FIX"
expect_contains "section: ... says so" "$TMP/err" "--section \"robotics\": no section matches"
[ "$(grep -cE '^ +[0-9]+  ' "$TMP/err")" = 3 ] && grep -q '^    0  开场$' "$TMP/err" && grep -q '^    2  第二部分$' "$TMP/err" \
    && pass "section: ... and lists every section, one a line" || fail "section: ... lists every section" "$(cat "$TMP/err")"
expect_exit "section: a number out of range (64)" 64 "$RECAST" plan --section 9 "$FIX"
expect_contains "section: ... names the range and lists the sections" "$TMP/err" "--section 9: the transcript has sections 0 to 2:"
expect_exit "section: render --section matches the same way (64 for an unknown one)" 64 "$RECAST" render --section robotics -o "$TMP/x.opus" "$FIX"
expect_contains "section: ... and lists the sections" "$TMP/err" "    2  第二部分"
