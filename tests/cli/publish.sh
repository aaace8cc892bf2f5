# The output set (podcast, sidecars, page, clips) is replaced all together or not at all:
# a failed write, a target that is a directory, an interruption and SIGKILL at many
# points of the output phase leave it entirely old or entirely new, and the next run
# finishes an interrupted set and cleans up.  strace kills the render at the N-th
# rename/fsync/unlink system call (an independent tool: no hook in recast; LeakSanitizer
# cannot run under ptrace, so sanitizer builds run those without leak checking).
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
A=$TMP/a.txt B=$TMP/b.txt C=$TMP/cache O=$TMP/o
cp "$FIX" "$A"
sed 's/谢谢你,Demis。/谢谢你,Demis,再见。/' "$FIX" >"$B"    # same sections, one turn differs
render() { # TRANSCRIPT [more options]: the set in $O
    t=$1; shift
    "$RECAST" render "$t" -o "$O/pod.opus" --clips "$O/clips" --html --cache "$C" -q "$@"
}
# the set: every file but recast's temporaries and journals, with checksums
set_of() { (cd "$O" && find . -type f ! -name '.recast-*' | sort | while read -r f; do echo "$f $(cksum <"$f")"; done); }
leftovers() { find "$O" -name '.recast-*' | wc -l; }

mkdir -p "$O"
render "$B" 2>"$TMP/err" && SET_B=$(set_of) || fail "publish: render B" "$(cat "$TMP/err")"
render "$A" 2>"$TMP/err" && SET_A=$(set_of) || fail "publish: render A" "$(cat "$TMP/err")"
n_files=$(printf '%s\n' "$SET_A" | wc -l)
[ "$SET_A" != "$SET_B" ] && [ "$n_files" -ge 20 ] && pass "publish: two renders give two different sets of $n_files files" \
    || fail "publish: set-up" "$n_files files; A and B $( [ "$SET_A" = "$SET_B" ] && echo same)"
state() { # -> old, new, or mixed
    s=$(set_of)
    if [ "$s" = "$SET_A" ]; then echo old; elif [ "$s" = "$SET_B" ]; then echo new; else echo mixed; fi
}

# 1. a write fails part-way (ulimit -f: the podcast does not fit, the clips before it do)
sh -c "ulimit -f 200; exec \"\$0\" render \"$B\" -o \"$O/pod.opus\" --clips \"$O/clips\" --html --cache \"$C\" -q" "$RECAST" 2>"$TMP/err"; rc=$?
st=$(state)
[ $rc = 74 ] && [ "$st" = old ] && [ "$(leftovers)" = 0 ] && pass "publish: a write error part-way (74) leaves the whole old set, no temporaries" \
    || fail "publish: write error" "exit $rc, set $st, $(leftovers) leftovers: $(head -c 200 "$TMP/err")"

# 2. a sidecar's name is taken by a directory: nothing replaced (73)
mv "$O/pod.html" "$TMP/pod.html.keep" && mkdir "$O/pod.html"
render "$B" 2>"$TMP/err"; rc=$?
rmdir "$O/pod.html"; mv "$TMP/pod.html.keep" "$O/pod.html"
st=$(state)
[ $rc = 73 ] && [ "$st" = old ] && [ "$(leftovers)" = 0 ] && pass "publish: STEM.html a directory (73): the podcast and every other file stay old" \
    || fail "publish: html directory" "exit $rc, set $st: $(head -c 200 "$TMP/err")"

# 3. SIGKILL at every rename of the output phase and at fsyncs and unlinks around them
ASAN_OPTIONS=detect_leaks=0 strace -f -o "$TMP/trace" -e trace=rename,renameat,renameat2 "$RECAST" render "$B" -o "$O/pod.opus" --clips "$O/clips" --html --cache "$C" -q 2>/dev/null
n_renames=$(grep -c 'rename' "$TMP/trace")
render "$A" 2>/dev/null
cp -a "$O" "$TMP/saved_a"
points=""
k=1; while [ $k -le "$n_renames" ]; do points="$points rename,renameat,renameat2:$k"; k=$((k + 1)); done
for k in 1 2 5 10 20 30; do points="$points fsync:$k"; done
points="$points unlink:1 unlink:2"
n=0 bad=0 mixed_seen=0 new_seen=0 old_seen=0
for pt in $points; do
    n=$((n + 1))
    rm -rf "$O" && cp -a "$TMP/saved_a" "$O"        # the old set, as render A left it
    [ "$(state)" = old ] || { bad=$((bad + 1)); echo "     $pt: could not restore the old set"; continue; }
    calls=${pt%:*} when=${pt##*:}
    ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace="$calls" -e inject="$calls":signal=KILL:when="$when" \
        "$RECAST" render "$B" -o "$O/pod.opus" --clips "$O/clips" --html --cache "$C" -q 2>/dev/null
    st=$(state)
    journal=$(find "$O" -name '.recast-journal.*' | wc -l)
    case $st in old) old_seen=$((old_seen + 1)) ;; new) new_seen=$((new_seen + 1)) ;; mixed) mixed_seen=$((mixed_seen + 1)) ;; esac
    if [ "$st" = mixed ] && [ "$journal" = 0 ]; then bad=$((bad + 1)); echo "     $pt: a mixed set and no journal to finish it"; fi
    # the next run, stopped before it renders (a missing transcript), finishes the set
    "$RECAST" render "$TMP/missing.txt" -o "$O/pod.opus" --clips "$O/clips" --html --cache "$C" 2>"$TMP/err2"
    st2=$(state)
    if [ "$journal" != 0 ] && { [ "$st2" != new ] || { [ "$st" != new ] && ! grep -q "finished an interrupted output set" "$TMP/err2"; }; }; then
        bad=$((bad + 1)); echo "     $pt: after the kill ($st, journal), the next run left the set $st2: $(head -c 200 "$TMP/err2")"
    fi
    if [ "$journal" = 0 ] && [ "$st2" != "$st" ]; then bad=$((bad + 1)); echo "     $pt: the next run changed a $st set to $st2"; fi
    [ "$(leftovers)" = 0 ] || { bad=$((bad + 1)); echo "     $pt: $(leftovers) temporaries/journals left after the next run"; }
    if [ $((n % 4)) = 1 ]; then   # and a whole render after it completes (every 4th point: time)
        render "$B" 2>"$TMP/err3"; rc=$?
        [ $rc = 0 ] && [ "$(state)" = new ] && [ "$(leftovers)" = 0 ] || { bad=$((bad + 1)); echo "     $pt: the render after it: exit $rc, set $(state)"; }
    fi
done
echo "     $n kill points ($n_renames renames): $old_seen left the old set, $new_seen the new one, $mixed_seen a journal that the next run finished"
[ $bad = 0 ] && [ "$n" -ge 20 ] && pass "publish: SIGKILL at $n points of the output phase: the set is old, new or finished by the next run" \
    || fail "publish: SIGKILL" "$bad of $n kill points went wrong"
[ "$old_seen" -gt 0 ] && [ "$mixed_seen" -gt 0 ] && pass "publish: the kill points cover both sides of the commit point" \
    || fail "publish: kill points" "old $old_seen, new $new_seen, journal $mixed_seen"

# 4. SIGINT while the outputs are written stops the run promptly and keeps the old set
render "$A" 2>/dev/null
ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace=fsync -e inject=fsync:signal=INT:when=3 \
    "$RECAST" render "$B" -o "$O/pod.opus" --clips "$O/clips" --html --cache "$C" -q 2>"$TMP/err"; rc=$?
[ $rc = 130 ] && [ "$(state)" = old ] && [ "$(leftovers)" = 0 ] && pass "publish: SIGINT while writing outputs: exit 130, the old set, no temporaries" \
    || fail "publish: SIGINT in output phase" "exit $rc, set $(state), $(leftovers) leftovers: $(head -c 200 "$TMP/err")"
