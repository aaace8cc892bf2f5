# The cache removes only what is provably its own: `recast cache --clear` and `--prune`
# in and around directories full of files that are not the cache's leave every one of
# them, and a directory that is not a recast cache is refused with nothing changed.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
K=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# plant: files the cache must never remove (listed in $TMP/planted with a checksum)
plant() { # DIR
    mkdir -p "$1/js" "$1/db" "$1/ab" "$1/outside"
    echo "user data" >"$1/important.txt"
    echo "dot" >"$1/.dotfile"
    echo "js" >"$1/js/app.js"
    echo "db" >"$1/db/notes"
    echo "db-shaped" >"$1/db/.db${K#??}.run.tmp-AAAAAA.bak"
    echo "readme" >"$1/ab/readme.txt"
    echo "victim" >"$1/outside/victim"
    echo "outside entry" >"$1/outside/cd${K#??}.run"
    ln -s outside "$1/cd"                               # a bucket-shaped symlink to elsewhere
    mkdir -p "$1/ef"; ln -s ../outside/victim "$1/ef/ef${K#??}.run"   # an entry-shaped symlink
    touch -d '2000-01-01' "$1/important.txt" "$1/outside/victim" "$1/outside/cd${K#??}.run"
}
snapshot() { (cd "$1" && find . \( -type f -o -type l \) -print | sort | while read -r f; do
    printf '%s %s\n' "$f" "$(cat "$f" 2>/dev/null | cksum)"; done) }

# 1. a directory that is not a cache, given directly and through '..'
D=$TMP/home/some
mkdir -p "$D/cache"
plant "$D"
before=$(snapshot "$D")
for args in "--cache $D/cache --clear" "--cache $D/cache/.. --clear" "--cache $D --clear" \
            "--cache $D --prune" "--cache $D --prune --older-than 0" "--cache $D/cache/.. --prune"; do
    # shellcheck disable=SC2086
    "$RECAST" cache $args >"$TMP/out" 2>"$TMP/err"; rc=$?
    after=$(snapshot "$D")
    if [ "$before" = "$after" ]; then pass "cache hostile: 'cache $args' removes nothing that is not the cache's (exit $rc)"
    else fail "cache hostile: cache $args" "exit $rc; gone: $(printf '%s\n' "$before" | grep -vxF "$after" | tr '\n' ' ')"; fi
done
"$RECAST" cache --cache "$D/cache/.." --clear >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 66 ] && grep -q "not a recast cache" "$TMP/err" && grep -q "important.txt" "$TMP/err" \
    && pass "cache hostile: a directory that is not a cache is refused (66) and named" \
    || fail "cache hostile: refusal" "exit $rc: $(cat "$TMP/err")"
expect_exit "cache hostile: render refuses a --cache that is not a cache (73)" 73 \
    "$RECAST" render "$FIX" -o "$TMP/r.opus" --cache "$D" -q
[ "$before" = "$(snapshot "$D")" ] && pass "cache hostile: the refused render changed nothing there" || fail "cache hostile: refused render" "files changed"
[ ! -e "$TMP/r.opus" ] && pass "cache hostile: the refused render wrote no podcast" || fail "cache hostile: refused render output" "r.opus exists"

# 2. a real cache with strangers inside it: only the cache's own entries go
C=$TMP/cache
"$RECAST" render "$FIX" -o "$TMP/pod.opus" --cache "$C" -q 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && pass "cache hostile: a render creates the cache" || fail "cache hostile: render" "exit $rc: $(cat "$TMP/err")"
own() { find "$C" -regextype posix-extended -regex "$C/[0-9a-f]{2}/[0-9a-f]{64}\.(run|info\.json|level\.json)" -type f; }
n_entries=$(own | wc -l)
plant "$C"
mkfifo "$C/ab/ab${K#??}.info.json"                      # an entry-shaped FIFO
ln -s "$D/important.txt" "$C/ab/ab${K#??}.level.json"   # an entry-shaped symlink out of the cache
strangers=$(snapshot "$C" | grep -v '^\./[0-9a-f][0-9a-f]/[0-9a-f]\{64\}\.[a-z.]* ')
"$RECAST" cache --cache "$C" --prune --older-than 1 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$strangers" = "$(snapshot "$C" | grep -v '^\./[0-9a-f][0-9a-f]/[0-9a-f]\{64\}\.[a-z.]* ')" ] \
    && pass "cache hostile: --prune in a cache with strangers keeps every stranger" \
    || fail "cache hostile: prune strangers" "exit $rc: $(cat "$TMP/err")"
"$RECAST" cache --cache "$C" --clear >"$TMP/out" 2>"$TMP/err"; rc=$?
after=$(snapshot "$C" | grep -v '^\./[0-9a-f][0-9a-f]/[0-9a-f]\{64\}\.[a-z.]* ')
[ $rc = 0 ] && [ "$strangers" = "$after" ] && pass "cache hostile: --clear in a cache with strangers keeps every stranger" \
    || fail "cache hostile: clear strangers" "exit $rc; gone: $(printf '%s\n' "$strangers" | grep -vxF "$after" | tr '\n' ' ')"
left=$(own | wc -l)
grep -q "removed $n_entries entries" "$TMP/out" && [ "$left" = 0 ] && pass "cache hostile: --clear removes the $n_entries entries the render wrote" \
    || fail "cache hostile: clear own entries" "$left left: $(cat "$TMP/out")"
[ -p "$C/ab/ab${K#??}.info.json" ] && [ -L "$C/ef/ef${K#??}.run" ] && [ -f "$D/important.txt" ] \
    && pass "cache hostile: entry-shaped FIFO and symlinks are neither followed nor removed" || fail "cache hostile: special files" "changed"
