# Signals and crashes: SIGHUP stops a render like SIGINT; leftovers of killed runs are
# removed by the next run when they are provably recast's and their writer is dead.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
for n in 1 2 3; do sed "s/。/,第${n}遍。/g" "$FIX"; done >"$TMP/long.txt"

# SIGHUP (the terminal closed) during the render: exit 129, no temporary file left
mkdir -p "$TMP/h"
"$RECAST" render "$TMP/long.txt" -o "$TMP/h/pod.opus" --cache "$TMP/hc" -j 1 -q 2>"$TMP/herr" &
pid=$!
for i in $(seq 1 600); do
    [ "$(find "$TMP/hc" -name '*.run' 2>/dev/null | wc -l)" -ge 1 ] && break
    sleep 0.1
done
kill -HUP $pid; wait $pid; rc=$?
[ $rc = 129 ] && grep -q "interrupted by SIGHUP" "$TMP/herr" && pass "signals: SIGHUP stops a render with exit 129" || fail "signals: SIGHUP" "exit $rc: $(cat "$TMP/herr")"
left=$(find "$TMP/h" "$TMP/hc" -name '.recast-*' | wc -l)
[ "$left" = 0 ] && pass "signals: no temporary file after SIGHUP" || fail "signals: temporaries after SIGHUP" "$left"

# eight renders killed (SIGKILL) while writing their outputs leave temporary files; the
# next run removes every one of them (recast's naming, writer dead) and nothing else
mkdir -p "$TMP/k"
"$RECAST" render "$FIX" -o "$TMP/k/pod.opus" --clips "$TMP/k/clips" --cache "$TMP/kc" -q 2>/dev/null
echo "mine" >"$TMP/k/.notes.tmp"; echo "mine" >"$TMP/k/clips/.recast-draft.txt"
for k in 1 2 3 4 5 6 7 8; do
    ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace=fsync -e inject=fsync:signal=KILL:when=$((k + 3)) \
        "$RECAST" render "$FIX" -o "$TMP/k/pod.opus" --clips "$TMP/k/clips" --cache "$TMP/kc" -q 2>/dev/null
done
left=$(find "$TMP/k" -name '.recast-[0-9]*' | wc -l)
bytes=$(find "$TMP/k" -name '.recast-[0-9]*' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
echo "     8 killed renders left $left temporary files, $bytes bytes"
"$RECAST" render "$FIX" -o "$TMP/k/pod.opus" --clips "$TMP/k/clips" --cache "$TMP/kc" -q 2>"$TMP/kerr"; rc=$?
after=$(find "$TMP/k" -name '.recast-[0-9]*' | wc -l)
[ "$left" -ge 1 ] && [ $rc = 0 ] && [ "$after" = 0 ] && pass "signals: the next run removes the $left temporary files killed renders left" \
    || fail "signals: stale temporaries" "$left before, exit $rc, $after after: $(head -c 200 "$TMP/kerr")"
[ -f "$TMP/k/.notes.tmp" ] && [ -f "$TMP/k/clips/.recast-draft.txt" ] && pass "signals: files that only look like temporaries are kept" \
    || fail "signals: lookalikes" "removed"
