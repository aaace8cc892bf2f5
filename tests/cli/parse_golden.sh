# Golden test of the bundled interview: sections, turns per speaker, and every quirk of
# the page pinned to its line.
. tests/lib.sh
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
export RECAST_VOICES=voices
"$RECAST" parse "$SEED" >"$TMP/doc.json" 2>"$TMP/err" || { fail "parse golden: runs" "exit $?: $(cat "$TMP/err")"; exit 1; }
pass "parse golden: runs"
J() { jq -r "$1" "$TMP/doc.json"; }

jq -r '.sections[] | [.index, .title, ([.turns[]|select(.speaker=="Dwarkesh")]|length),
      ([.turns[]|select(.speaker=="Demis")]|length), .turns[0].line] | @tsv' "$TMP/doc.json" >"$TMP/sections.tsv"
if diff -u tests/golden/dwarkesh-hassabis.sections.tsv "$TMP/sections.tsv" >"$TMP/diff"; then
    pass "parse golden: section titles, order, turns per speaker"
else fail "parse golden: section titles, order, turns per speaker" "$(cat "$TMP/diff")"; fi

check() { # NAME JQ-EXPRESSION EXPECTED
    got=$(J "$2")
    if [ "$got" = "$3" ]; then pass "parse golden: $1"; else fail "parse golden: $1" "got '$got', expected '$3'"; fi
}
turn_at() { echo "[.sections[].turns[] | select(.line==$1)][0]"; }
check "title" '.title' '谷歌 DeepMind CEO Hassabis 畅谈 Gemini、Scalin Law、通用机器人、大模型开源、超级人工智能'
check "speakers" '.speakers | join(",")' 'Dwarkesh,Demis'
check "93 turns, indexes 0..92 in order" '[.sections[].turns[].index] | (length|tostring) + " " + (. == [range(0;93)] | tostring)' '93 true'
check "opening is the host's first turn (line 14)" "$(turn_at 14) | .speaker + \" \" + (.index|tostring)" 'Dwarkesh 0'
check "opening keeps its topic list" "$(turn_at 14) | .text | split(\"\n\") | length" '11'
check "glued label Dwarkesh好的 (line 38)" "$(turn_at 38) | .text[0:3]" '好的。'
check "label followed by a space (line 101)" "$(turn_at 101) | .speaker + \":\" + .text[0:3]" 'Dwarkesh:好的,'
check "glued label before Latin DwarkeshGodot (line 210)" "$(turn_at 210) | .speaker + \":\" + .text[0:5]" 'Dwarkesh:Godot'
check "glued label DwarkeshDeepMind (line 218)" "$(turn_at 218) | .text[0:10]" 'DeepMind 在'
check "missing label by alternation (line 246)" "$(turn_at 246) | .speaker + \":\" + .text[0:3]" 'Dwarkesh:好的,'
check "missing label warns with its line" '[.warnings[].line] | join(",")' '246'
check "sentence broken across lines joins (Deep Blue, line 70-71)" "$(turn_at 70) | .text | test(\"比如 Deep Blue,可能会\")" 'true'
check "broken line Gemini/GPT-4 (line 179-180)" "$(turn_at 179) | .text | test(\"Gemini GPT-4类型\")" 'true'
check "paragraph after a caption continues the turn (line 111 in turn of line 107)" "$(turn_at 107) | .text | split(\"\n\")[1][0:5]" '然后,人们'
check "unlabelled paragraph line 117 continues line 115" "$(turn_at 115) | .text | split(\"\n\") | length" '2'
check "unlabelled paragraph line 222 continues line 220" "$(turn_at 220) | .text | split(\"\n\")[1][0:6]" '我认为从 A'
check "same speaker twice keeps two turns (lines 75, 77)" "[$(turn_at 75), $(turn_at 77)] | map(.speaker) | join(\",\")" 'Demis,Demis'
check "last turn is line 250" '[.sections[].turns[]][-1] | .line' '250'
check "preface: editor's note and introduction" '[.preface[].line] | join(",")' '8,10'
check "preface text starts with 编者按" '.preface[0].text[0:3]' '编者按'
check "captions dropped at 6,12,109,141,155,252" '[.dropped[] | select(.reason|test("caption")) | .line] | join(",")' '6,12,109,141,155'
check "header lines dropped (3, 4)" '[.dropped[] | select(.reason|test("header")) | .line] | join(",")' '3,4'
check "trailer starts at line 252 and runs to the end" '[.dropped[] | select(.reason|test("trailer")) | .line] | (.[0]|tostring) + "-" + (.[-1]|tostring)' '252-355'
check "nothing between 14 and 251 dropped but captions" '[.dropped[] | select(.line>=14 and .line<252 and (.reason|test("caption")|not))] | length' '0'
check "no speech text contains page furniture" '[.sections[].turns[].text | select(test("次阅读|想要了解更多|往期精选|畅谈 Gemini"))] | length' '0'
check "NO-BREAK spaces never reach the text" '[.sections[].turns[].text, .sections[].title | select(test("\u00a0|\u3000"))] | length' '0'
check "dropped lines are unique and never a turn or heading line" \
    '([.dropped[].line] | length == (unique | length)) and (([.dropped[].line] - [.sections[].turns[].line, .sections[].line]) | length) == ([.dropped[]] | length)' 'true'
check "dropped: 75 lines" '.dropped | length' '75'
# Every section and turn text exactly as the parser gave them before speaker detection
# (tests/golden/dwarkesh-hassabis.turns.jsonl, from recast 3535e24).
jq -c '.sections[] | {title, line, turns: [.turns[] | {index, speaker, line, text}]}' "$TMP/doc.json" >"$TMP/turns.jsonl"
if cmp -s tests/golden/dwarkesh-hassabis.turns.jsonl "$TMP/turns.jsonl"; then pass "parse golden: all 93 turn texts and 10 sections as before detection"
else fail "parse golden: all turn texts as before detection" "$(diff tests/golden/dwarkesh-hassabis.turns.jsonl "$TMP/turns.jsonl" | head -c 400)"; fi
