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

# 3. with neither HOME nor XDG_CACHE_HOME the cache is ${TMPDIR:-/tmp}/recast-cache-UID,
#    created 0700 and used only while it is this user's own private directory
T=$TMP/t; mkdir -p "$T" "$TMP/p"
uid=$(id -u); FB=$T/recast-cache-$uid
nohome() { env -u HOME -u XDG_CACHE_HOME TMPDIR="$T" "$@"; }
nohome "$RECAST" render "$FIX" -o "$TMP/p/pod.opus" -q 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$(stat -c '%a %u' "$FB" 2>/dev/null)" = "700 $uid" ] && [ -n "$(find "$FB" -name '*.run' 2>/dev/null)" ] \
    && pass "cache private: the fallback cache is created 0700 for this user and used" \
    || fail "cache private: fallback" "exit $rc; $(stat -c '%a %u' "$FB" 2>&1): $(cat "$TMP/err")"
rm -rf "$FB"
V=$TMP/victim; plant "$V"; vbefore=$(snapshot "$V")
ln -s "$V" "$FB"                              # planted by someone else: a symlink
nohome "$RECAST" render "$FIX" -o "$TMP/p/pod.opus" -q 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q "not this user's private cache (a symlink" "$TMP/err" && grep -q "without a cache" "$TMP/err" \
    && pass "cache private: a planted symlink is not used (warning, render without a cache)" \
    || fail "cache private: symlink render" "exit $rc: $(cat "$TMP/err")"
nohome "$RECAST" cache --clear >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 66 ] && [ "$vbefore" = "$(snapshot "$V")" ] && pass "cache private: --clear refuses a planted symlink (66), its target untouched" \
    || fail "cache private: symlink clear" "exit $rc: $(cat "$TMP/err")"
rm -f "$FB"; mkdir -m 0777 "$FB"; chmod 0777 "$FB"
if [ "$uid" = 0 ]; then chown 65534 "$FB"; fi   # as root: a directory another user created
nohome "$RECAST" render "$FIX" -o "$TMP/p/pod.opus" -q 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q "not this user's private cache" "$TMP/err" && [ -z "$(ls -A "$FB")" ] \
    && pass "cache private: a directory someone else could write is not written into" \
    || fail "cache private: shared dir" "exit $rc: $(ls -A "$FB") $(cat "$TMP/err")"

# 4. pruning during a render leaves the render's work alone: the render succeeds
C3=$TMP/c3; mkdir -p "$TMP/r3"
for n in 1 2; do sed "s/。/,第${n}遍。/g" "$FIX"; done >"$TMP/long.txt"
failed=0
for k in 1 2 3; do
    "$RECAST" render "$TMP/long.txt" -o "$TMP/r3/pod.opus" --cache "$C3" -j 1 -q 2>"$TMP/rerr" &
    pid=$!
    while kill -0 $pid 2>/dev/null; do
        "$RECAST" cache --cache "$C3" --clear >/dev/null 2>>"$TMP/perr"
        "$RECAST" cache --cache "$C3" --prune --older-than 0 >/dev/null 2>>"$TMP/perr"
    done
    wait $pid; rc=$?
    [ $rc = 0 ] || { failed=$((failed + 1)); echo "     render $k: exit $rc: $(head -c 200 "$TMP/rerr" 2>/dev/null)"; }
done
[ $failed = 0 ] && pass "cache inflight: 3 renders with --clear/--prune running beside them all succeed" \
    || fail "cache inflight" "$failed of 3 renders failed"
grep -q "in use by a render; waiting" "$TMP/perr" && pass "cache inflight: prune says it waits for the render" \
    || fail "cache inflight: waiting message" "$(head -c 300 "$TMP/perr")"

# 5. leftovers of a writer that died are removed by --prune; those of a live one are not
B=$C3/ab; mkdir -p "$B"
sh -c 'exit 0' & dead=$!; wait $dead
echo stale >"$B/.recast-$dead-AbC123.ab${K#??}.run"
echo live >"$B/.recast-$$-XyZ789.ab${K#??}.run"            # this shell is alive
echo other >"$B/.recast-$dead-AbC123.notes.txt"            # recast's form, not an entry name
"$RECAST" cache --cache "$C3" --prune >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ ! -e "$B/.recast-$dead-AbC123.ab${K#??}.run" ] && [ -e "$B/.recast-$$-XyZ789.ab${K#??}.run" ] \
    && [ -e "$B/.recast-$dead-AbC123.notes.txt" ] && grep -q "removed 1 temporary file" "$TMP/out" \
    && pass "cache: --prune removes a dead writer's temporary entry only" \
    || fail "cache: stale temporary entries" "exit $rc: $(ls -A "$B") $(cat "$TMP/out" "$TMP/err")"
