#!/bin/sh
# Prints the evidence table over tests/corpus: for each transcript, the true turns,
# sections and speakers (its golden file) and how many of each a recast binary finds out
# of the box (a turn or section counts when its line and speaker/title match the golden).
#   scripts/corpus-table.sh [RECAST-BINARY]      (default build/recast)
RECAST=${1:-build/recast}
export RECAST_VOICES=${RECAST_VOICES:-voices}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-34s %-12s %-14s %-16s %s\n' transcript "true t/s/sp" "found t/s/sp" "exit, extra" "casting"
for golden in tests/corpus/*.golden; do
    stem=${golden%.golden}
    src=$(ls "$stem".* | grep -v '\.golden$' | head -1)
    gt=$(grep -c '^turn' "$golden"); gs=$(grep -c '^section' "$golden")
    gsp=$(grep '^turn' "$golden" | cut -f3 | sort -u | wc -l)
    "$RECAST" parse "$src" >"$tmp/doc.json" 2>/dev/null; rc=$?
    if [ $rc -eq 0 ]; then
        jq -r '.sections[] | (["section", .line, .title] | @tsv), (.turns[] | ["turn", .line, .speaker] | @tsv)' \
            "$tmp/doc.json" >"$tmp/got"
    else : >"$tmp/got"; fi
    ft=$(grep '^turn' "$golden" | grep -cxFf "$tmp/got"); fs=$(grep '^section' "$golden" | grep -cxFf "$tmp/got")
    fsp=$(grep '^turn' "$golden" | cut -f3 | sort -u | while read -r s; do grep -q "^turn	.*	$s\$" "$tmp/got" && echo "$s"; done | wc -l)
    extra=$(grep '^turn' "$tmp/got" | grep -cvxFf "$golden")
    cast=$("$RECAST" list "$src" 2>/dev/null | sed -n '/^casting/,/^$/p' | grep -v '^casting' | awk '{printf "%s%s", sep, $0; sep="; "}' | tr -s ' ')
    printf '%-34s %-12s %-16s %-16s %s\n' "$(basename "$src")" "$gt/$gs/$gsp" "$ft/$fs/$fsp" "$rc, +$extra" "$cast"
done
