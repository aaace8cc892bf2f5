# The output set with every format and the feed (--format opus,m4a,mp3 --feed, clips and
# page) is replaced all together or not at all, as publish.sh checks for Opus alone: a
# write that fails in an encoder worker, a target that is a directory, SIGKILL at renames
# and fsyncs of the output phase (strace: an independent tool, no hook in recast), SIGINT
# while the encoders run, and a worker killed on its own (retried; the set it leaves is
# whole).  Kept to a sample of kill points: publish.sh covers every rename of the set.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
A=$TMP/a.txt B=$TMP/b.txt C=$TMP/cache O=$TMP/o
# tests/data/short.zh.txt cut to a turn or two per section (every encode costs its seconds)
cat >"$A" <<'EOF'
短访谈：测试用的节目

这是我与 Demis Hassabis 的一集短节目。

开始

Dwarkesh好的,欢迎来到节目。

第二部分

Demis: 也许 10 到 20 年。

Dwarkesh谢谢你,Demis。
EOF
sed 's/谢谢你,Demis。/谢谢你,Demis,再见。/' "$A" >"$B"    # same sections, one turn differs
OPTS="--clips $O/clips --html --format opus,m4a,mp3 --feed https://example.org/pod --cache $C -q"
render() { # TRANSCRIPT [more options]: the set in $O
    t=$1; shift
    # shellcheck disable=SC2086
    "$RECAST" render "$t" -o "$O/pod.opus" $OPTS "$@"
}
set_of() { (cd "$O" && find . -type f ! -name '.recast-*' | sort | while read -r f; do echo "$f $(cksum <"$f")"; done); }
leftovers() { find "$O" -name '.recast-*' | wc -l; }
state() { s=$(set_of); if [ "$s" = "$SET_A" ]; then echo old; elif [ "$s" = "$SET_B" ]; then echo new; else echo mixed; fi; }

mkdir -p "$O"
render "$B" 2>"$TMP/err" && SET_B=$(set_of) || fail "publish_formats: render B" "$(cat "$TMP/err")"
render "$A" 2>"$TMP/err" && SET_A=$(set_of) || fail "publish_formats: render A" "$(cat "$TMP/err")"
n_files=$(printf '%s\n' "$SET_A" | wc -l)
n_other=$(printf '%s\n' "$SET_A" | grep -c '\.m4a \|\.mp3 \|\.rss\.xml ')
n_changed=$(printf '%s\n%s\n' "$SET_A" "$SET_B" | sort | uniq -u | grep -c '\.m4a \|\.mp3 \|\.rss\.xml ')
[ "$SET_A" != "$SET_B" ] && [ "$n_other" = 9 ] && [ "$n_changed" -ge 6 ] \
    && pass "publish_formats: two sets of $n_files files, $n_other of them M4A, MP3 or the feed ($((n_changed / 2)) differ)" \
    || fail "publish_formats: set-up" "$n_files files, $n_other M4A/MP3/feed, $n_changed changed lines"

# 1. an encoder worker's write fails (ulimit -f: the podcast's M4A does not fit)
sh -c "ulimit -f 200; exec \"\$0\" render \"$B\" -o \"$O/pod.opus\" $OPTS" "$RECAST" 2>"$TMP/err"; rc=$?
st=$(state)
[ $rc = 74 ] && [ "$st" = old ] && [ "$(leftovers)" = 0 ] \
    && pass "publish_formats: a write error in an encoder worker (74) leaves the whole old set (Opus, M4A, MP3, feed), no temporaries" \
    || fail "publish_formats: write error" "exit $rc, set $st, $(leftovers) leftovers: $(head -c 300 "$TMP/err")"
grep -q '\.m4a: .*write failed\|\.mp3: .*write failed' "$TMP/err" && pass "publish_formats: ... and the error names the file" \
    || fail "publish_formats: write error message" "$(head -c 300 "$TMP/err")"

# 2. a target of the other formats is a directory: nothing replaced (73)
for f in clips/02-第二部分.mp3 pod.rss.xml; do
    mv "$O/$f" "$TMP/keep" && mkdir "$O/$f"
    render "$B" 2>"$TMP/err"; rc=$?
    rmdir "$O/$f"; mv "$TMP/keep" "$O/$f"
    st=$(state)
    [ $rc = 73 ] && [ "$st" = old ] && [ "$(leftovers)" = 0 ] \
        && pass "publish_formats: $f a directory (73): every other file stays old, no temporaries" \
        || fail "publish_formats: $f a directory" "exit $rc, set $st, $(leftovers) leftovers: $(head -c 200 "$TMP/err")"
done

# 3. SIGKILL at renames and fsyncs of the output phase
ASAN_OPTIONS=detect_leaks=0 strace -f -o "$TMP/trace" -e trace=rename,renameat,renameat2 "$RECAST" render "$B" -o "$O/pod.opus" $OPTS 2>/dev/null
n_renames=$(grep -c 'rename' "$TMP/trace")
render "$A" 2>/dev/null
cp -a "$O" "$TMP/saved_a"
points="rename,renameat,renameat2:1 rename,renameat,renameat2:$((n_renames / 2)) rename,renameat,renameat2:$n_renames"
points="$points fsync:1"
n=0 bad=0 old_seen=0 new_seen=0 mixed_seen=0
for pt in $points; do
    n=$((n + 1))
    rm -rf "$O" && cp -a "$TMP/saved_a" "$O"
    calls=${pt%:*} when=${pt##*:}
    # shellcheck disable=SC2086
    ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace="$calls" -e inject="$calls":signal=KILL:when="$when" \
        "$RECAST" render "$B" -o "$O/pod.opus" $OPTS 2>/dev/null
    st=$(state)
    journal=$(find "$O" -name '.recast-journal.*' | wc -l)
    case $st in old) old_seen=$((old_seen + 1)) ;; new) new_seen=$((new_seen + 1)) ;; mixed) mixed_seen=$((mixed_seen + 1)) ;; esac
    if [ "$st" = mixed ] && [ "$journal" = 0 ]; then bad=$((bad + 1)); echo "     $pt: a mixed set and no journal to finish it"; fi
    # shellcheck disable=SC2086
    "$RECAST" render "$TMP/missing.txt" -o "$O/pod.opus" $OPTS 2>"$TMP/err2"
    st2=$(state)
    if [ "$journal" != 0 ] && [ "$st2" != new ]; then bad=$((bad + 1)); echo "     $pt: a journal, and the next run left the set $st2"; fi
    if [ "$journal" = 0 ] && [ "$st2" != "$st" ]; then bad=$((bad + 1)); echo "     $pt: the next run changed a $st set to $st2"; fi
    [ "$(leftovers)" = 0 ] || { bad=$((bad + 1)); echo "     $pt: $(leftovers) temporaries/journals left after the next run"; }
done
echo "     $n kill points ($n_renames renames): $old_seen left the old set, $new_seen the new one, $mixed_seen a journal the next run finished"
[ $bad = 0 ] && [ "$old_seen" -gt 0 ] && [ "$mixed_seen" -gt 0 ] \
    && pass "publish_formats: SIGKILL at $n points (both sides of the commit point): the set is old, new or finished by the next run" \
    || fail "publish_formats: SIGKILL" "$bad of $n kill points went wrong; old $old_seen, new $new_seen, journal $mixed_seen"

# 4. SIGINT while the encoder workers run: exit 130, the old set, no temporaries
rm -rf "$O" && cp -a "$TMP/saved_a" "$O"
# shellcheck disable=SC2086
"$RECAST" render "$B" -o "$O/pod.opus" $OPTS -j 1 2>"$TMP/err" &
pid=$!
caught=0
for i in $(seq 1 400); do
    if ls "$O"/.recast-*pod.m4a >/dev/null 2>&1 && [ -n "$(pgrep -P $pid)" ]; then kill -INT $pid; caught=1; break; fi
    sleep 0.02
done
wait $pid; rc=$?
[ $caught = 1 ] && [ $rc = 130 ] && [ "$(state)" = old ] && [ "$(leftovers)" = 0 ] \
    && pass "publish_formats: SIGINT while the M4A/MP3 encoders run: exit 130, the old set, no temporaries" \
    || fail "publish_formats: SIGINT in the encoders" "caught $caught, exit $rc, set $(state), $(leftovers) leftovers: $(head -c 200 "$TMP/err")"

# 5. an encoder worker killed on its own (SIGTERM to it, not to recast) is retried, and
#    what it removes on its way out is its own, never the set the parent has staged
# shellcheck disable=SC2086
"$RECAST" render "$B" -o "$O/pod.opus" $OPTS -j 1 -q 2>"$TMP/err" &
pid=$!
killed=0
for i in $(seq 1 400); do
    w=$(pgrep -P $pid | head -1)
    if [ -n "$w" ] && ls "$O"/.recast-*.m4a >/dev/null 2>&1; then kill -TERM "$w" && killed=1 && break; fi
    sleep 0.02
done
wait $pid; rc=$?
SET_LONG=$(set_of)
"$RECAST" render "$B" -o "$O/pod.opus" $OPTS 2>/dev/null   # the same set, undisturbed
[ $killed = 1 ] && [ $rc = 0 ] && grep -q "retrying it" "$TMP/err" && [ "$SET_LONG" = "$(set_of)" ] && [ "$(leftovers)" = 0 ] \
    && pass "publish_formats: an encoder worker killed alone is retried; the set is whole and the same as undisturbed" \
    || fail "publish_formats: worker killed alone" "killed $killed, exit $rc, $(leftovers) leftovers: $(head -c 300 "$TMP/err")"

# 6. SIGKILL to recast while its encoder workers run leaves their temporary M4A/MP3 files
#    (the workers finish on their own); the next run removes them and writes the set
rm -rf "$O" && cp -a "$TMP/saved_a" "$O"
# shellcheck disable=SC2086
"$RECAST" render "$B" -o "$O/pod.opus" $OPTS -j 1 2>/dev/null &
pid=$!
workers=""
for i in $(seq 1 400); do
    workers=$(pgrep -P $pid)
    if [ -n "$workers" ] && ls "$O"/clips/.recast-*.m4a >/dev/null 2>&1; then kill -KILL $pid; break; fi
    sleep 0.02
done
wait $pid 2>/dev/null
for w in $workers; do while kill -0 "$w" 2>/dev/null; do sleep 0.05; done; done
left=$(leftovers) st=$(state)
render "$B" 2>"$TMP/err"; rc=$?
[ -n "$workers" ] && [ "$st" = old ] && [ "$left" -ge 1 ] && [ $rc = 0 ] && [ "$(state)" = new ] && [ "$(leftovers)" = 0 ] \
    && pass "publish_formats: SIGKILL while encoding left the old set and $left temporary files; the next run removes them" \
    || fail "publish_formats: SIGKILL while encoding" "workers '$workers', set $st, $left left; next run exit $rc, set $(state), $(leftovers) left"
