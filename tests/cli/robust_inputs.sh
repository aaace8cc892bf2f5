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
for spec in fifo:run zero:run null:info.json null:level.json fifo:info.json; do
    kind=${spec%%:*} ext=${spec#*:}
    entry=$(find "$C" -name "*.$ext" | sort | head -1)
    rm -f "$entry"
    case $kind in fifo) mkfifo "$entry" ;; zero) ln -s /dev/zero "$entry" ;; null) ln -s /dev/null "$entry" ;; esac
    ok=1
    for n in 1 2; do
        $T10 "$RECAST" render "$FIX" -o "$TMP/r/pod.opus" --cache "$C" -q 2>"$TMP/err"; rc=$?
        [ $rc = 0 ] && cmp -s "$TMP/r/ref.opus" "$TMP/r/pod.opus" || { ok=0; break; }
    done
    [ $ok = 1 ] && [ -f "$entry" ] && [ ! -L "$entry" ] && pass "special files: a cache entry (.$ext) that is a $kind is rendered again (twice: exit 0, identical)" \
        || fail "special files: cache entry .$ext $kind" "run $n exit $rc: $(head -c 300 "$TMP/err")"
done
[ -c /dev/null ] && [ -c /dev/zero ] && pass "special files: /dev/null and /dev/zero are still devices" || fail "special files: devices" "replaced!"

# line ends: LF, CRLF, CR alone (old Mac files) and a stray CR read the same
shape() { "$RECAST" parse "$1" 2>/dev/null | jq -c '[.sections[] | {title, turns: [.turns[] | [.speaker, .text]]}]'; }
tr '\n' '\r' <"$FIX" >"$TMP/cr.txt"
python3 -c "import sys; s=open(sys.argv[1],encoding='utf-8').read(); open(sys.argv[2],'w',encoding='utf-8').write(s.replace('14 年。\n\nDwarkesh', '14 年。\rDwarkesh'))" "$FIX" "$TMP/lonecr.txt"
ref=$(shape "$FIX")
[ -n "$ref" ] && [ "$(shape "$TMP/cr.txt")" = "$ref" ] && pass "input: a file with CR line ends parses like the LF file" || fail "input: CR file" "$(shape "$TMP/cr.txt" | head -c 200)"
[ "$(shape "$TMP/lonecr.txt")" = "$ref" ] && pass "input: a lone CR between turns ends the line (no turn merged away)" || fail "input: lone CR" "$(shape "$TMP/lonecr.txt" | head -c 300)"

# voice profiles and lexicon lines are UTF-8-checked, naming file:line
cp -r voices "$TMP/vu"
sed -i 's/^name *= *Demis.*/name = De\xffmis/' "$TMP/vu/demis.voice"
grep -q "$(printf 'De\377mis')" "$TMP/vu/demis.voice" || fail "input: test set-up" "sed did not plant the byte"
expect_exit "input: a voice name with invalid UTF-8 (65)" 65 "$RECAST" render --voices "$TMP/vu" "$FIX" -o "$TMP/vu.opus" --no-cache -q
expect_contains "input: the message names the profile and line" "$TMP/err" "demis.voice:"
[ ! -e "$TMP/vu.opus" ] && pass "input: nothing is written for a bad profile" || fail "input: bad profile output" "vu.opus written"
printf 'en Hassabis = h\377sabis\n' >"$TMP/badlex.txt"
expect_exit "input: a lexicon line with invalid UTF-8 (65)" 65 "$RECAST" plan --lexicon "$TMP/badlex.txt" "$FIX"
expect_contains "input: the message names the lexicon line" "$TMP/err" "badlex.txt:1:"

# bounds: a lexicon entry expanding a word to a text is refused up front; a run of
# 100,000 dots plans in linear time (the guard is only against a hang: it takes 0.1 s)
python3 -c "print('cmn 你好 = ' + '很长的文本' * 1400)" >"$TMP/biglex.txt"
expect_exit "bounds: a 20 KB lexicon replacement is refused (65)" 65 "$RECAST" render --lexicon "$TMP/biglex.txt" "$FIX" -o "$TMP/big.opus" --no-cache -q
expect_contains "bounds: the message names the line and the limit" "$TMP/err" "biglex.txt:1: the replacement"
python3 -c "print('标题\n\nDwarkesh ' + '.' * 100000 + '\n\nDemis 好。')" >"$TMP/dots.txt"
timeout 120 "$RECAST" plan "$TMP/dots.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ "$(jq '.turns | length' "$TMP/out")" = 2 ] && pass "bounds: plan of a turn of 100,000 dots finishes" || fail "bounds: dots" "exit $rc"

# resource limits: ulimit -f below espeak's 64 MiB memfd no longer kills the workers;
# past the limit, a write fails with a message (74), not SIGXFSZ; EMFILE is said
mkdir -p "$TMP/lim"
sh -c "ulimit -f 20000; exec \"\$0\" render \"$FIX\" -o \"$TMP/lim/pod.opus\" --no-cache -q" "$RECAST" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ -s "$TMP/lim/pod.opus" ] && pass "limits: a render under ulimit -f 10 MB succeeds (espeak's 64 MiB memfd)" || fail "limits: ulimit -f 10 MB" "exit $rc: $(grep -v ftruncate "$TMP/err" | head -c 300)"
sh -c "ulimit -f 100; exec \"\$0\" render \"$FIX\" -o \"$TMP/lim/big.opus\" --no-cache -q" "$RECAST" 2>"$TMP/err"; rc=$?
[ $rc = 74 ] && grep -q "File too large" "$TMP/err" && [ ! -e "$TMP/lim/big.opus" ] && pass "limits: output past ulimit -f is a write error (74), nothing left" || fail "limits: ulimit -f 50 KB" "exit $rc: $(grep -v ftruncate "$TMP/err" | head -c 300)"
[ -z "$(find "$TMP/lim" -name '.recast-*')" ] && pass "limits: no temporary file left after the failed write" || fail "limits: temporaries" "$(ls -A "$TMP/lim")"
sh -c "ulimit -n 6; exec \"\$0\" render \"$FIX\" -o \"$TMP/lim/fd.opus\" --no-cache -q" "$RECAST" 2>"$TMP/err"; rc=$?
[ $rc = 74 ] && grep -q "Too many open files" "$TMP/err" && pass "limits: too few file descriptors is said as such (74), not a missing voice" || fail "limits: ulimit -n 6" "exit $rc: $(grep recast: "$TMP/err" | head -c 300)"

# bad input found before any turn is rendered
python3 - "$TMP/many.txt" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("标题\n\n")
    for i in range(1001):
        f.write(f"第{i}节\n\nDwarkesh 好。\n\n")
PY
"$RECAST" render "$TMP/many.txt" -o "$TMP/many.opus" --cache "$C" -q 2>"$TMP/err"; rc=$?
[ $rc = 65 ] && grep -q "at most 1000 sections" "$TMP/err" && [ -z "$(find "$C" -newer "$TMP/many.txt" -name '*.run' 2>/dev/null | head -1)" ] \
    && pass "input: 1001 sections are refused up front (65), nothing rendered" || fail "input: 1001 sections" "exit $rc: $(head -c 300 "$TMP/err")"
printf '标题\n\nDwarkesh\n\nDemis:\n\nDwarkesh ……\n' >"$TMP/empty.txt"
expect_exit "input: a transcript whose turns are all empty (65)" 65 "$RECAST" render "$TMP/empty.txt" -o "$TMP/empty.opus" --cache "$C" -q
expect_contains "input: the message says there is nothing to say" "$TMP/err" "nothing to say"
[ ! -e "$TMP/empty.opus" ] && pass "input: no silent podcast is written" || fail "input: empty podcast" "written"
for sde in 99999999999999999999 -1 1e9 abc 253402300800; do
    SOURCE_DATE_EPOCH=$sde "$RECAST" render "$FIX" -o "$TMP/sde.opus" --cache "$C" -q 2>"$TMP/err"; rc=$?
    [ $rc = 64 ] && grep -q "SOURCE_DATE_EPOCH" "$TMP/err" && pass "input: SOURCE_DATE_EPOCH=$sde is refused (64)" || fail "input: SOURCE_DATE_EPOCH=$sde" "exit $rc: $(head -c 200 "$TMP/err")"
done
cp "$FIX" "$TMP/self.txt"; cks=$(cksum <"$TMP/self.txt")
expect_exit "input: -o equal to the transcript is refused (64)" 64 "$RECAST" render "$TMP/self.txt" -o "$TMP/self.txt" --cache "$C" -q
[ "$(cksum <"$TMP/self.txt")" = "$cks" ] && pass "input: the transcript is untouched" || fail "input: transcript overwritten" "changed"
cp "$FIX" "$TMP/self.vtt"
expect_exit "input: a sidecar that would overwrite the transcript is refused (64)" 64 "$RECAST" render "$TMP/self.vtt" -o "$TMP/self.opus" --cache "$C" -q
mkdir -p "$TMP/stdout"
(cd "$TMP/stdout" && "$RECAST" render "$OLDPWD/$FIX" -o - --cache "$C" -q --voices "$OLDPWD/voices" >pod.opus 2>err); rc=$?
[ $rc = 0 ] && opusinfo "$TMP/stdout/pod.opus" >/dev/null 2>&1 && [ "$(ls "$TMP/stdout" | sort | tr '\n' ' ')" = "err pod.opus " ] \
    && pass "input: -o - writes the podcast to stdout and no '-.vtt' sidecars" || fail "input: -o -" "exit $rc: $(ls "$TMP/stdout")"
expect_exit "input: -o - with --html is a usage error (64)" 64 "$RECAST" render "$FIX" -o - --html --cache "$C" -q
long=$(python3 -c "print('长' * 81 + '.opus')")    # 248 bytes: fits, its .recast temporary name did not
mkdir -p "$TMP/long"
"$RECAST" render "$FIX" -o "$TMP/long/$long" --cache "$C" -q 2>"$TMP/err"; rc=$?
[ $rc = 64 ] && grep -q "transcript.json" "$TMP/err" && pass "input: a 248-byte -o whose sidecar names would pass 255 bytes is refused up front (64)" \
    || fail "input: long -o" "exit $rc: $(head -c 300 "$TMP/err")"
long=$(python3 -c "print('长' * 79 + 'ab.opus')")    # 244 bytes: STEM.transcript.json is 255, the old temporary name 256
"$RECAST" render "$FIX" -o "$TMP/long/$long" --cache "$C" -q 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ -s "$TMP/long/$long" ] && [ "$(ls "$TMP/long" | wc -l)" = 6 ] && pass "input: a 244-byte -o (its temporary name was over 255 bytes) is written with its sidecars" \
    || fail "input: 244-byte -o" "exit $rc: $(head -c 300 "$TMP/err")"
