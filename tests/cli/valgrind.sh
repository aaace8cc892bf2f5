# A short render is clean under valgrind memcheck: every process (parent and workers)
# reports no errors and no definite leaks.  (Not with SANITIZE=1: ASan and valgrind
# cannot share a process.)
. tests/lib.sh
case $BUILD in *san*) echo "     (valgrind check runs in the normal build only)"; exit 0 ;; esac
export RECAST_VOICES=voices
command -v valgrind >/dev/null || { fail "valgrind: installed" "run scripts/install-deps.sh"; exit 0; }
valgrind --tool=memcheck --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$TMP/vg.%p.log" "$RECAST" render tests/data/short.zh.txt -o "$TMP/pod.opus" --no-cache -j 2 -q
rc=$?
n=$(ls "$TMP"/vg.*.log | wc -l)
errors=$(grep -h "ERROR SUMMARY" "$TMP"/vg.*.log | grep -vc "ERROR SUMMARY: 0 errors")
lost=$(grep -h "definitely lost:" "$TMP"/vg.*.log | grep -vc "definitely lost: 0 bytes")
[ $rc = 0 ] && [ "$errors" = 0 ] && pass "valgrind: a short render under memcheck: $n processes, 0 errors" || fail "valgrind: memcheck errors" "rc $rc, $errors processes with errors: $(grep -h -A5 'Invalid\|uninitialised' "$TMP"/vg.*.log | head -12)"
[ "$lost" = 0 ] && pass "valgrind: no definite leaks in any process" || fail "valgrind: leaks" "$lost processes"
[ -s "$TMP/pod.opus" ] && opusinfo "$TMP/pod.opus" >/dev/null 2>&1 && pass "valgrind: the render under memcheck is a valid Opus file" || fail "valgrind: output" "missing"
