# Hostile and unlucky inputs and environments: every one fails early with the exit code of
# README's table and a message naming the file, or is handled; none hangs, aborts or
# leaves a wrong file behind.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
C=$TMP/cache

# stdout that is full or closed is an I/O error (74) for every command that prints
for cmd in "--version" "help" "help render" "cache --cache $C" "list $FIX" "parse $FIX" "plan --turn 0 $FIX"; do
    # shellcheck disable=SC2086
    "$RECAST" $cmd >/dev/full 2>"$TMP/err"; rc=$?
    [ $rc = 74 ] && grep -q "stdout: write error" "$TMP/err" && pass "exit codes: '$cmd' to a full stdout (74)" \
        || fail "exit codes: '$cmd' >/dev/full" "exit $rc: $(head -c 200 "$TMP/err")"
    # shellcheck disable=SC2086
    "$RECAST" $cmd >&- 2>"$TMP/err"; rc=$?
    [ $rc = 74 ] && pass "exit codes: '$cmd' to a closed stdout (74)" || fail "exit codes: '$cmd' >&-" "exit $rc: $(head -c 200 "$TMP/err")"
done
expect_exit "exit codes: say -o /dev/full is an I/O error like render (74)" 74 "$RECAST" say 你好 -o /dev/full

# what is not a regular file is refused or replaced, never read (a FIFO would hang)
T10="timeout 20"
mkfifo "$TMP/fifo.txt"
$T10 "$RECAST" parse "$TMP/fifo.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 66 ] && grep -q "FIFO, not a regular file" "$TMP/err" && pass "special files: a FIFO transcript is refused (66) without blocking" \
    || fail "special files: FIFO transcript" "exit $rc: $(cat "$TMP/err")"
cp -r voices "$TMP/v"; mkfifo "$TMP/v/zz.voice"
$T10 "$RECAST" list --voices "$TMP/v" "$FIX" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 66 ] && grep -q "zz.voice: is a FIFO" "$TMP/err" && pass "special files: a .voice FIFO is refused (66) without blocking" \
    || fail "special files: FIFO voice" "exit $rc: $(cat "$TMP/err")"
mkdir -p "$TMP/r"
"$RECAST" render "$FIX" -o "$TMP/r/ref.opus" --cache "$C" -q 2>"$TMP/err" || fail "special files: reference render" "$(cat "$TMP/err")"
for kind in fifo zero null; do
    entry=$(find "$C" -name '*.run' | sort | head -1)
    rm -f "$entry"
    case $kind in fifo) mkfifo "$entry" ;; zero) ln -s /dev/zero "$entry" ;; null) ln -s /dev/null "$entry" ;; esac
    ok=1
    for n in 1 2; do
        $T10 "$RECAST" render "$FIX" -o "$TMP/r/pod.opus" --cache "$C" -q 2>"$TMP/err"; rc=$?
        [ $rc = 0 ] && cmp -s "$TMP/r/ref.opus" "$TMP/r/pod.opus" || { ok=0; break; }
    done
    [ $ok = 1 ] && [ -f "$entry" ] && [ ! -L "$entry" ] && pass "special files: a cache entry that is a $kind is rendered again (twice: exit 0, identical)" \
        || fail "special files: cache entry $kind" "run $n exit $rc: $(head -c 300 "$TMP/err")"
done
[ -c /dev/null ] && [ -c /dev/zero ] && pass "special files: /dev/null and /dev/zero are still devices" || fail "special files: devices" "replaced!"
