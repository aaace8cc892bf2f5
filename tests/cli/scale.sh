# Scale-out: several episodes in one run (--out-dir), sharded renders (--shard I/N) into a
# shared cache then a mux, the GNU Parallel recipe on two local "hosts" and the Slurm array
# script run as Slurm would: every way of splitting the work gives the same bytes as one
# serial render per episode (cmp).  The CLI's errors for what does not go together.  The
# cache shared between hosts: a temporary file of another host is judged by its age only.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
A=tests/data/short.zh.txt B=tests/corpus/haiwainet-qa.zh.txt C=tests/corpus/bankless-patel.en.txt
stems="short.zh haiwainet-qa.zh bankless-patel.en"

# same_as_serial NAME DIR: DIR/STEM.{opus,manifest.json,vtt,transcript.json} are byte for byte the serial ones
same_as_serial() {
    bad=""
    for s in $stems; do
        for ext in opus manifest.json vtt transcript.json; do
            cmp -s "$TMP/serial/$s.$ext" "$2/$s.$ext" || bad="$bad $s.$ext"
        done
    done
    [ -z "$bad" ] && pass "$1: byte-identical to the serial renders (3 episodes, opus, manifest, vtt, transcript)" \
        || fail "$1: byte-identical to the serial renders" "differ:$bad"
}

# the reference: each episode on its own, one worker, cold cache
for f in $A $B $C; do
    s=$(basename "$f"); s=${s%.*}
    "$RECAST" render "$f" -o "$TMP/serial/$s.opus" -j 1 --cache "$TMP/c-serial" -q 2>>"$TMP/serr" \
        || { fail "scale: serial render of $f" "$(cat "$TMP/serr")"; exit 0; }
done
pass "scale: serial reference renders (-j1, one run per episode)"

# several episodes in one run, one pool of two workers, cold cache
if "$RECAST" render $A $B $C --out-dir "$TMP/multi" -j 2 --cache "$TMP/c-multi" 2>"$TMP/merr"; then
    pass "scale: render A B C --out-dir DIR"
else fail "scale: render A B C --out-dir DIR" "$(cat "$TMP/merr")"; fi
same_as_serial "scale: multi-episode -j2" "$TMP/multi"
n=$(grep -c '^recast: wrote ' "$TMP/merr")
[ "$n" = 3 ] && grep -q '^recast: 3 episodes, [0-9]* pieces rendered' "$TMP/merr" \
    && pass "scale: a summary per episode and one for the run" || fail "scale: summaries" "$(cat "$TMP/merr")"
left=$(find "$TMP/multi" "$TMP/c-multi" -name '.recast-*' | wc -l)
[ "$left" = 0 ] && pass "scale: no temporary files left" || fail "scale: no temporary files left" "$left"

# one episode in 3 shards, in another order and two at once, then the mux
S=$TMP/c-shard
"$RECAST" render $B --shard 2/3 --cache "$S" -j 1 2>"$TMP/sh2"; r2=$?
"$RECAST" render $B --shard 0/3 --cache "$S" -j 1 2>"$TMP/sh0" & p0=$!
"$RECAST" render $B --shard 1/3 --cache "$S" -j 1 2>"$TMP/sh1"; r1=$?
wait $p0; r0=$?
total=$(sed -n 's/.*: [0-9]* of \([0-9]*\) pieces.*/\1/p' "$TMP/sh0")
sum=0; for k in 0 1 2; do sum=$((sum + $(sed -n 's/.*: \([0-9]*\) rendered,.*/\1/p' "$TMP/sh$k"))); done
[ $r0$r1$r2 = 000 ] && [ -n "$total" ] && [ "$sum" = "$total" ] && grep -q "no podcast written" "$TMP/sh1" \
    && pass "scale: 3 shards render $sum of $total pieces between them, each once" \
    || fail "scale: 3 shards" "exit $r0$r1$r2, rendered $sum of '$total': $(cat "$TMP/sh0" "$TMP/sh1" "$TMP/sh2")"
[ ! -e out/haiwainet-qa.zh.opus ] && [ -z "$(find "$S" -name '*.opus')" ] && pass "scale: a shard writes no podcast" \
    || fail "scale: a shard writes no podcast" "found one"
# balanced by length: no shard has more than twice the estimated speech of another
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\(/) { v = substr($i, 2) + 0; if (!n++ || v < lo) lo = v; if (v > hi) hi = v } }
     END { exit !(n == 3 && hi <= 2 * lo + 0.05) }' "$TMP/sh0" "$TMP/sh1" "$TMP/sh2" \
    && pass "scale: the shards are balanced by length ($(sed -n 's/.*(\([0-9.]*\) min.*/\1/p' "$TMP/sh0" "$TMP/sh1" "$TMP/sh2" | tr '\n' ' ')min)" \
    || fail "scale: shard balance" "$(cat "$TMP/sh0" "$TMP/sh1" "$TMP/sh2")"
mkdir -p "$TMP/sharded"
"$RECAST" render $B -o "$TMP/sharded/haiwainet-qa.zh.opus" --cache "$S" 2>"$TMP/mux1"
grep -q "(0 rendered," "$TMP/mux1" && cmp -s "$TMP/serial/haiwainet-qa.zh.opus" "$TMP/sharded/haiwainet-qa.zh.opus" \
    && cmp -s "$TMP/serial/haiwainet-qa.zh.manifest.json" "$TMP/sharded/haiwainet-qa.zh.manifest.json" \
    && pass "scale: the mux after the shards renders nothing and is byte-identical" \
    || fail "scale: mux after shards" "$(grep turns "$TMP/mux1")"

# shards over a batch, the files in different orders (the split does not depend on it)
S=$TMP/c-batch
"$RECAST" render $A $B $C --shard 0/2 --cache "$S" -j 1 2>"$TMP/b0" & p0=$!
"$RECAST" render $C $B $A --shard 1/2 --cache "$S" -j 1 2>"$TMP/b1"; r1=$?
wait $p0; r0=$?
"$RECAST" render $A $B $C --out-dir "$TMP/batch" --cache "$S" 2>"$TMP/bmux"
[ $r0$r1 = 00 ] && grep -q "^recast: 3 episodes, 0 pieces rendered" "$TMP/bmux" && grep -q "shard 1/2 of 3 episodes" "$TMP/b1" \
    && pass "scale: 2 shards over 3 episodes (given in two orders) cover every piece; the mux renders none" \
    || fail "scale: batch shards" "exit $r0$r1: $(cat "$TMP/b0" "$TMP/b1"; grep episodes "$TMP/bmux")"
same_as_serial "scale: sharded batch, then one multi-episode mux" "$TMP/batch"

# the GNU Parallel recipe with two local "hosts" and a shared cache
if command -v parallel >/dev/null 2>&1; then
    printf ':\n:\n' >"$TMP/hosts"
    if RECAST=$RECAST sh scripts/recast-parallel.sh --sshloginfile "$TMP/hosts" -n 3 --cache "$TMP/c-par" \
        --out-dir "$TMP/par" $A $B $C >"$TMP/pout" 2>&1; then
        pass "scale: scripts/recast-parallel.sh (GNU Parallel, 2 local hosts, 3 shards)"
    else fail "scale: scripts/recast-parallel.sh" "$(tail -5 "$TMP/pout")"; fi
    n=$(grep -c 'no podcast written' "$TMP/pout")
    [ "$n" = 3 ] && grep -q "^recast: 3 episodes, 0 pieces rendered" "$TMP/pout" \
        && pass "scale: the recipe ran 3 shards, then a mux that rendered nothing" || fail "scale: recipe shards" "$(cat "$TMP/pout")"
    same_as_serial "scale: GNU Parallel recipe" "$TMP/par"
else
    fail "scale: GNU Parallel" "parallel is missing (scripts/install-deps.sh installs it)"
fi

# the Slurm array script, run as Slurm runs an array of 2 tasks (sbatch itself is not here)
for t in 1 0; do
    SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_COUNT=2 SLURM_CPUS_PER_TASK=1 RECAST_CACHE=$TMP/c-slurm RECAST=$RECAST \
        sh scripts/recast-slurm.sbatch $A >>"$TMP/slurm" 2>&1 || fail "scale: slurm task $t" "$(cat "$TMP/slurm")"
done
"$RECAST" render $A --out-dir "$TMP/slurm-out" --cache "$TMP/c-slurm" 2>"$TMP/smux"
grep -q "(0 rendered," "$TMP/smux" && cmp -s "$TMP/serial/short.zh.opus" "$TMP/slurm-out/short.zh.opus" \
    && pass "scale: scripts/recast-slurm.sbatch as 2 array tasks, then the mux: byte-identical" \
    || fail "scale: slurm array script" "$(cat "$TMP/slurm" "$TMP/smux")"

# what does not go together: usage errors (64) before any work, nothing written
cp $A "$TMP/short.zh.txt"
expect_exit "scale: two transcripts with one stem" 64 "$RECAST" render $A "$TMP/short.zh.txt" --out-dir "$TMP/e1"
expect_contains "scale: ... names both and the output" "$TMP/err" "would both be written as $TMP/e1/short.zh.opus"
expect_exit "scale: -o with several transcripts" 64 "$RECAST" render $A $B -o "$TMP/e2.opus"
expect_contains "scale: ... says to use --out-dir" "$TMP/err" "use --out-dir DIR"
expect_exit "scale: -o with --out-dir" 64 "$RECAST" render $A -o "$TMP/e3.opus" --out-dir "$TMP/e3"
expect_exit "scale: --clips with several transcripts" 64 "$RECAST" render $A $B --clips "$TMP/e4" --out-dir "$TMP/e4"
expect_exit "scale: --title with several transcripts" 64 "$RECAST" render $A $B --title x --out-dir "$TMP/e5"
expect_contains "scale: ... says where per-episode metadata goes" "$TMP/err" "meta.json"
expect_exit "scale: --shard 2/2 (numbered from 0)" 64 "$RECAST" render $A --shard 2/2
expect_contains "scale: ... gives the range" "$TMP/err" "numbered 0 to 1"
for bad in 1 0/0 -1/2 a/b 1/2x 0/; do
    expect_exit "scale: --shard '$bad' is refused" 64 "$RECAST" render $A --shard "$bad"
done
expect_exit "scale: --shard with -o" 64 "$RECAST" render $A --shard 0/2 -o "$TMP/e6.opus"
expect_contains "scale: ... says the shard writes no podcast" "$TMP/err" "writes no podcast"
expect_exit "scale: --shard with --section" 64 "$RECAST" render $A --shard 0/2 --section 1
[ -z "$(ls -d "$TMP"/e[0-9]* 2>/dev/null)" ] && pass "scale: the refused runs wrote nothing" || fail "scale: refused runs" "$(ls -d "$TMP"/e*)"

# a cache shared by hosts: a temporary entry of another host (another HOST tag; its PID
# means nothing here) is left alone while fresh, and pruned once an hour old
K=$(find "$TMP/c-multi" -name '*.run' | head -1); Kb=$(basename "$K"); D=$(dirname "$K")
sh -c 'exit 0' & dead=$!; wait $dead
echo fresh >"$D/.recast-$dead-00000000-AbC123.$Kb"
echo old >"$D/.recast-$dead-00000000-XyZ789.$Kb"; touch -d '2 hours ago' "$D/.recast-$dead-00000000-XyZ789.$Kb"
"$RECAST" cache --prune --cache "$TMP/c-multi" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ -e "$D/.recast-$dead-00000000-AbC123.$Kb" ] && [ ! -e "$D/.recast-$dead-00000000-XyZ789.$Kb" ] \
    && grep -q "removed 1 temporary file" "$TMP/out" \
    && pass "scale: prune keeps another host's fresh temporary entry (dead PID there means nothing) and removes an hour-old one" \
    || fail "scale: foreign temporary entries" "exit $rc: $(ls -A "$D") $(cat "$TMP/out" "$TMP/err")"
"$RECAST" render $A $B $C --out-dir "$TMP/multi2" --cache "$TMP/c-multi" -q 2>"$TMP/err"
[ -e "$D/.recast-$dead-00000000-AbC123.$Kb" ] && pass "scale: a render opening the cache leaves another host's temporary file alone" \
    || fail "scale: render and foreign temporary" "removed"
same_as_serial "scale: warm multi-episode render" "$TMP/multi2"

# entries removed while a render uses them (a prune on another host, which this host's
# lock does not stop): strace holds the render just before it muxes (its second flock,
# on the podcast's temporary file) while every packet run is deleted; the render notices,
# renders them again and writes the same bytes
if command -v strace >/dev/null 2>&1; then
    W=$TMP/c-vanish
    "$RECAST" render $A -o "$TMP/v/warm.opus" --cache "$W" -q 2>/dev/null
    ASAN_OPTIONS=detect_leaks=0 strace -o "$TMP/vlog" -e trace=flock -e inject=flock:delay_exit=3000000:when=2 \
        "$RECAST" render $A -o "$TMP/v/pod.opus" --cache "$W" 2>"$TMP/verr" & pid=$!
    for i in $(seq 1 200); do n=$(grep -c 'flock(' "$TMP/vlog" 2>/dev/null); [ "${n:-0}" -ge 2 ] && break; sleep 0.05; done
    gone=$(find "$W" -name '*.run' | wc -l); find "$W" -name '*.run' -delete
    wait $pid; rc=$?
    [ $rc = 0 ] && [ "$gone" -gt 0 ] && grep -q "cache entries were removed while this render used them" "$TMP/verr" \
        && cmp -s "$TMP/serial/short.zh.opus" "$TMP/v/pod.opus" \
        && pass "scale: $gone packet runs deleted before the mux are rendered again; the output is byte-identical" \
        || fail "scale: entries removed during a render" "exit $rc, deleted $gone: $(cat "$TMP/verr")"
else fail "scale: entries removed during a render" "strace is missing (scripts/install-deps.sh installs it)"; fi
