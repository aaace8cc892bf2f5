# The turn cache: warm re-renders, an edited turn re-renders alone, damaged entries are
# detected and rendered again, interrupted runs keep what they finished, `recast cache`.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
C=$TMP/cache
mkdir -p "$TMP/a" "$TMP/b" "$TMP/c" "$TMP/d"
"$RECAST" render "$FIX" -o "$TMP/a/pod.opus" --cache "$C" 2>"$TMP/err1"
grep -q "6 turns (6 rendered, 0 from cache)" "$TMP/err1" && pass "cache: a cold render encodes all 6 turns" || fail "cache: cold" "$(cat "$TMP/err1")"
"$RECAST" render "$FIX" -o "$TMP/b/pod.opus" --cache "$C" 2>"$TMP/err2"
grep -q "6 turns (0 rendered, 6 from cache)" "$TMP/err2" && pass "cache: a warm render encodes nothing" || fail "cache: warm" "$(cat "$TMP/err2")"
cmp -s "$TMP/a/pod.opus" "$TMP/b/pod.opus" && pass "cache: warm output is byte-identical" || fail "cache: warm output identical" "differs"

# damage a packet run: it is detected, rendered again, and the output is unchanged
run=$(find "$C" -name '*.run' | head -1)
size=$(stat -c %s "$run")
head -c $((size / 2)) "$run" >"$TMP/half" && cat "$TMP/half" >"$run"
"$RECAST" render "$FIX" -o "$TMP/d/pod.opus" --cache "$C" 2>"$TMP/err4"; rc=$?
[ $rc = 0 ] && grep -q "damaged; rendering it again" "$TMP/err4" && pass "cache: a truncated entry is detected and rendered again" || fail "cache: truncated entry" "rc $rc: $(cat "$TMP/err4")"
cmp -s "$TMP/a/pod.opus" "$TMP/d/pod.opus" && pass "cache: output after repairing the cache is byte-identical" || fail "cache: repaired output" "differs"
run=$(find "$C" -name '*.run' | head -1)
printf '\377' | dd of="$run" bs=1 seek=200 conv=notrunc 2>/dev/null
"$RECAST" render "$FIX" -o "$TMP/d/pod.opus" --cache "$C" 2>"$TMP/err5"; rc=$?
[ $rc = 0 ] && grep -q "damaged" "$TMP/err5" && cmp -s "$TMP/a/pod.opus" "$TMP/d/pod.opus" && pass "cache: a flipped byte is detected (Ogg CRC) and repaired" || fail "cache: flipped byte" "rc $rc: $(cat "$TMP/err5")"
echo '{"n_samples": 1' >"$(find "$C" -name '*.info.json' | head -1)"
"$RECAST" render "$FIX" -o "$TMP/d/pod.opus" --cache "$C" -q; rc=$?
[ $rc = 0 ] && cmp -s "$TMP/a/pod.opus" "$TMP/d/pod.opus" && pass "cache: a corrupt analysis record is redone" || fail "cache: corrupt info" "rc $rc"

# edit one turn: only that turn is synthesized and encoded again
sed 's/谢谢你,Demis。/谢谢你,Demis,再见。/' "$FIX" >"$TMP/edited.txt"
"$RECAST" render "$TMP/edited.txt" -o "$TMP/c/pod.opus" --cache "$C" 2>"$TMP/err3"
grep -q "6 turns (1 rendered, 5 from cache)" "$TMP/err3" && pass "cache: editing one turn re-renders only that turn" || fail "cache: edit one turn" "$(cat "$TMP/err3")"

"$RECAST" cache --cache "$C" >"$TMP/out"
grep -qE "^$C: [0-9]+ entries, [0-9.]+ MB" "$TMP/out" && pass "cache: recast cache shows entries and size" || fail "cache: recast cache" "$(cat "$TMP/out")"
"$RECAST" cache --cache "$C" --clear >"$TMP/out"
n=$(find "$C" -type f ! -name CACHEDIR.TAG | wc -l)
[ "$n" = 0 ] && [ -f "$C/CACHEDIR.TAG" ] && pass "cache: --clear removes every entry (and keeps the cache's tag)" || fail "cache: --clear" "$n files left"

# an interrupted render: exit 130, no output and no temporary files; the next run reuses
# every turn finished before the interruption (its progress counts only the rest)
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
mkdir -p "$TMP/i"
"$RECAST" render "$SEED" -o "$TMP/i/pod.opus" --cache "$TMP/icache" -j 2 --progress 2>"$TMP/ierr" &
pid=$!
for i in $(seq 1 600); do   # up to 120 s (sanitizer builds are slow)
    [ "$(find "$TMP/icache" -name '*.run' 2>/dev/null | wc -l)" -ge 2 ] && break
    sleep 0.2
done
kill -INT $pid; wait $pid; rc=$?
[ $rc = 130 ] && pass "cache: SIGINT stops a render with exit 130" || fail "cache: SIGINT exit status" "$rc: $(cat "$TMP/ierr")"
[ ! -e "$TMP/i/pod.opus" ] && pass "cache: an interrupted render writes no podcast" || fail "cache: interrupted output" "pod.opus exists"
left=$(find "$TMP/icache" "$TMP/i" \( -name '.*tmp*' -o -name '.recast-*' \) | wc -l)
[ "$left" = 0 ] && pass "cache: no temporary files after SIGINT" || fail "cache: temporary files after SIGINT" "$left"
sleep 0.5
kids=$(pgrep -f "render $SEED -o $TMP/i/pod.opus" | wc -l)
[ "$kids" = 0 ] && pass "cache: no worker outlives the interrupted render" || fail "cache: workers left" "$kids"
kept=$(find "$TMP/icache" -name '*.run' | wc -l)
total=$(tr '\r' '\n' <"$TMP/ierr" | sed -n 's/.*rendering: [0-9]*\/\([0-9]*\) turns.*/\1/p' | head -1)
echo "     $kept encoded turns were finished before SIGINT"
"$RECAST" render "$SEED" -o "$TMP/i/pod.opus" --cache "$TMP/icache" -j 2 --progress 2>"$TMP/ierr2" &
pid=$!
for i in $(seq 1 600); do
    grep -q "rendering: [0-9]*/" "$TMP/ierr2" && break
    sleep 0.2
done
kill -TERM $pid; wait $pid; rc=$?
[ $rc = 143 ] && pass "cache: SIGTERM stops a render with exit 143" || fail "cache: SIGTERM exit status" "$rc"
grep -q "interrupted by SIGTERM" "$TMP/ierr2" && pass "cache: the interruption is reported" || fail "cache: interruption message" "$(tail -c 300 "$TMP/ierr2")"
todo=$(tr '\r' '\n' <"$TMP/ierr2" | sed -n 's/.*rendering: [0-9]*\/\([0-9]*\) turns.*/\1/p' | head -1)
[ "$kept" -ge 1 ] && [ -n "$total" ] && [ "$todo" = $((total - kept)) ] && pass "cache: the next run encodes only the $todo turns not finished before SIGINT" || fail "cache: reuse after SIGINT" "kept $kept of $total, next run encodes '$todo'"

# a worker killed with SIGKILL mid-render: its turn is retried, the render succeeds, and
# the output is the same as an undisturbed render (no bad cache entry is used)
mkdir -p "$TMP/k"
"$RECAST" render "$SEED" -o "$TMP/k/pod.opus" --cache "$TMP/kcache" -j 2 2>"$TMP/kerr" &
pid=$!
killed=""
for i in $(seq 1 600); do
    w=$(pgrep -P $pid | head -1)
    if [ -n "$w" ] && [ "$(find "$TMP/kcache" -name '*.info.json' 2>/dev/null | wc -l)" -ge 4 ]; then
        kill -KILL "$w" && killed=$w && break
    fi
    sleep 0.1
done
wait $pid; rc=$?
[ -n "$killed" ] && [ $rc = 0 ] && grep -q "died (signal 9); retrying it" "$TMP/kerr" && pass "cache: a worker killed with SIGKILL is retried and the render succeeds" || fail "cache: SIGKILL worker" "killed '$killed' rc $rc: $(grep -v warning "$TMP/kerr" | head -3)"
"$RECAST" render "$SEED" -o "$TMP/k/again.opus" --cache "$TMP/kcache" -j 2 2>"$TMP/kerr2"
grep -q "(0 rendered," "$TMP/kerr2" && cmp -s "$TMP/k/pod.opus" "$TMP/k/again.opus" && pass "cache: after the kill every cache entry is whole (warm re-render identical)" || fail "cache: after SIGKILL" "$(grep turns "$TMP/kerr2")"
