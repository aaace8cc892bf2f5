# lib.sh: helpers for shell tests.  Source it; use `pass NAME`, `fail NAME WHY`,
# `expect_exit NAME CODE CMD...` and `expect_contains NAME FILE TEXT`.
: "${RECAST:=build/recast}"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
# expect_exit NAME CODE CMD...: runs CMD, stdout to $TMP/out, stderr to $TMP/err
expect_exit() {
    name=$1 code=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
    if [ "$rc" -eq "$code" ]; then pass "$name"; else fail "$name" "exit $rc, expected $code; stderr: $(head -c 300 "$TMP/err")"; fi
}
# expect_contains NAME FILE TEXT
expect_contains() {
    if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not in $2: $(head -c 300 "$2")"; fi
}
