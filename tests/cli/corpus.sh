# The transcript corpus (tests/corpus, see its README): every transcript parses out of the
# box (the shipped voices, no options) into exactly the sections, turn start lines and
# speakers of its golden file, and no page furniture reaches the speech or the titles.
. tests/lib.sh
export RECAST_VOICES=voices
for golden in tests/corpus/*.golden; do
    stem=${golden%.golden}
    src=$(ls "$stem".* | grep -v '\.golden$' | head -1)
    name=$(basename "$src")
    "$RECAST" parse "$src" >"$TMP/doc.json" 2>"$TMP/err"; rc=$?
    if [ $rc -ne 0 ]; then
        fail "corpus $name: parses" "exit $rc: $(head -c 300 "$TMP/err")"
        continue
    fi
    jq -r '.sections[] | (["section", .line, .title] | @tsv), (.turns[] | ["turn", .line, .speaker] | @tsv)' \
        "$TMP/doc.json" >"$TMP/got"
    if diff -u "$golden" "$TMP/got" >"$TMP/diff"; then
        pass "corpus $name: $(grep -c '^turn' "$golden") turns, $(grep -c '^section' "$golden") sections, $(cut -f3 "$golden" | sort -u | wc -l | tr -d ' ') speakers as in the golden"
    else
        fail "corpus $name: sections, turns, speakers" "$(head -c 1500 "$TMP/diff")"
    fi
    # Furniture never spoken: URLs, markdown marks, HTML, timestamps, footnote marks.
    bad=$(jq -r '[.sections[].turns[].text] | map(select(test("https?://|www\\.|\\*\\*|__|\\]\\(|!\\[|\\[\\^|</?[a-zA-Z][^>]*>|&[a-z]+;|\\(?\\b\\d{1,2}:\\d\\d:\\d\\d\\)?|\\[\\d{1,2}:\\d\\d\\]|^#|\\n#|^> |\\|.*\\||```"))) | .[0] // empty' "$TMP/doc.json")
    if [ -z "$bad" ]; then pass "corpus $name: no furniture in the speech"
    else fail "corpus $name: no furniture in the speech" "$(printf %s "$bad" | head -c 300)"; fi
    badt=$(jq -r '[.sections[].title] | map(select(test("[#*\\[\\]<>]|\\(\\d|https?:"))) | .[0] // empty' "$TMP/doc.json")
    if [ -z "$badt" ]; then pass "corpus $name: section titles are plain text"
    else fail "corpus $name: section titles are plain text" "$badt"; fi
    # Every speaker of the document has turns and is listed.
    want=$(grep '^turn' "$golden" | cut -f3 | sort -u | tr '\n' ,)
    got=$(jq -r '[.speakers[]] | sort | join(",")' "$TMP/doc.json" 2>/dev/null),
    if [ "$want" = "$got" ]; then pass "corpus $name: speakers listed"
    else fail "corpus $name: speakers listed" "got $got, expected $want"; fi
done
# English transcripts are read by English voices: no Mandarin segment in the plan, and a
# number standing alone goes to the English voice.
for src in tests/corpus/every-shipper-patel.en.txt tests/corpus/bankless-patel.en.txt; do
    name=$(basename "$src")
    "$RECAST" plan "$src" >"$TMP/plan.json" 2>"$TMP/err" || { fail "corpus $name: plan" "$(head -c 300 "$TMP/err")"; continue; }
    got=$(jq -r '[.turns[].segments[] | select(.lang == "cmn")] | length' "$TMP/plan.json")
    num=$(jq -r '[.turns[].segments[] | select(.lang == "en" and (.text | test("(^|[^0-9])[0-9]+([^0-9]|$)")))] | length' "$TMP/plan.json")
    if [ "$got" = 0 ] && [ "$num" -gt 0 ]; then pass "corpus $name: English voices only, numbers read in English ($num segments with numbers)"
    else fail "corpus $name: English voices only" "$got Mandarin segments, $num English segments with numbers"; fi
done
