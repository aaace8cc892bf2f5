# The bundled interview rewritten (CRLF + BOM; colon and full-name labels) must give the
# same speaker sequence and texts.
. tests/lib.sh
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
export RECAST_VOICES=voices
turns() { "$RECAST" parse "$1" 2>/dev/null | jq -c '[.sections[] | {title, turns: [.turns[] | [.speaker, .text]]}]'; }
turns "$SEED" >"$TMP/base"
[ -s "$TMP/base" ] || fail "parse variants: baseline" "no output"

{ printf '\357\273\277'; sed 's/$/\r/' "$SEED"; } >"$TMP/crlf.txt"
turns "$TMP/crlf.txt" >"$TMP/crlf"
if cmp -s "$TMP/base" "$TMP/crlf"; then pass "parse variants: CRLF + BOM gives the same turns"
else fail "parse variants: CRLF + BOM gives the same turns" "differs"; fi

sed -e 's/^Dwarkesh */Dwarkesh Patel: /' -e 's/^Demis/Demis Hassabis：/' "$SEED" >"$TMP/names.txt"
turns "$TMP/names.txt" >"$TMP/names"
if cmp -s "$TMP/base" "$TMP/names"; then pass "parse variants: 'Full Name:' and 'Full Name：' labels give the same turns"
else fail "parse variants: 'Full Name:' and 'Full Name：' labels give the same turns" "$(diff "$TMP/base" "$TMP/names" | head -c 400)"; fi

sed -e 's/^Dwarkesh */Dwarkesh : /' -e 's/^Demis/Demis:/' "$SEED" >"$TMP/colon.txt"
turns "$TMP/colon.txt" >"$TMP/colon"
if cmp -s "$TMP/base" "$TMP/colon"; then pass "parse variants: 'Name :' labels give the same turns"
else fail "parse variants: 'Name :' labels give the same turns" "differs"; fi
n=$(grep -c '^Dwarkesh Patel: ' "$TMP/names.txt")
[ "$n" -ge 40 ] && pass "parse variants: the rewrite really changed $n labels" || fail "parse variants: rewrite" "only $n labels changed"
