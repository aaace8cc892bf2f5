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
