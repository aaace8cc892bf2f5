#!/bin/sh
# Runs every test: unit binaries in $BUILD/tests and shell tests in tests/cli.
# Each prints PASS/FAIL lines; the last line of this script is "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export BUILD RECAST="$PWD/$BUILD/recast"
# (sanitizer builds) leaks inside libespeak-ng are not ours: tests/lsan.supp
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$BUILD"/tests/test_*; do
    case $t in *.o|*.d) continue ;; esac
    [ -x "$t" ] || continue
    echo "== $t"
    "$t" >"$log" 2>&1; rc=$?
    cat "$log"; cat "$log" >>"$log.all"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
        echo "FAIL $(basename "$t"): exited with status $rc" | tee -a "$log.all"
    fi
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    echo "== $t"
    sh "$t" >"$log" 2>&1; rc=$?
    cat "$log"; cat "$log" >>"$log.all"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
        echo "FAIL $(basename "$t"): exited with status $rc" | tee -a "$log.all"
    fi
done
pass=$(grep -c '^PASS ' "$log.all" 2>/dev/null); fail=$(grep -c '^FAIL ' "$log.all" 2>/dev/null)
rm -f "$log.all"
echo "${pass:-0} passed, ${fail:-0} failed"
[ "${fail:-0}" -eq 0 ] && [ "${pass:-0}" -gt 0 ]
