# Where render puts its outputs: -o as the user means it (a missing folder is created
# as --clips's is, .opus added to a bare name, a folder gets the default name), never
# over an input, and clip links relative to the page wherever --clips is.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
C="--cache $TMP/cache -q"
"$RECAST" render "$FIX" -o "$TMP/warm.opus" $C 2>"$TMP/err" || { fail "outputs: a first render" "$(cat "$TMP/err")"; exit 0; }

# a missing folder: -o and --clips both create it
expect_exit "outputs: -o in a missing folder works (0)" 0 "$RECAST" render "$FIX" -o "$TMP/no/such/dir/x.opus" $C
[ -s "$TMP/no/such/dir/x.opus" ] && [ -s "$TMP/no/such/dir/x.manifest.json" ] && pass "outputs: ... the folder is created, with the podcast and its sidecars" || fail "outputs: -o missing folder" "$(ls -R "$TMP/no" 2>&1)"
expect_exit "outputs: --clips in a missing folder works (0)" 0 "$RECAST" render "$FIX" -o "$TMP/y.opus" --clips "$TMP/new/clips" $C
[ "$(ls "$TMP/new/clips"/*.opus | wc -l)" = 3 ] && pass "outputs: ... the folder is created, with the clips" || fail "outputs: --clips missing folder" "$(ls -R "$TMP/new" 2>&1)"
expect_exit "outputs: -o where no folder can be made (73)" 73 "$RECAST" render "$FIX" -o /proc/nope/x.opus $C
grep -q "^recast: /proc/nope: cannot create directory" "$TMP/err" && pass "outputs: ... names the folder" || fail "outputs: -o unwritable folder" "$(cat "$TMP/err")"
cp "$TMP/err" "$TMP/err.o"
expect_exit "outputs: --clips where no folder can be made (73)" 73 "$RECAST" render "$FIX" -o "$TMP/z.opus" --clips /proc/nope/clips $C
grep -q "^recast: /proc/nope/clips: cannot create directory" "$TMP/err" && pass "outputs: ... with the same message as -o" || fail "outputs: --clips unwritable folder" "$(cat "$TMP/err") vs $(cat "$TMP/err.o")"

# names
expect_exit "outputs: -o NAME without an extension (0)" 0 "$RECAST" render "$FIX" -o "$TMP/bare" $C
[ -s "$TMP/bare.opus" ] && [ ! -e "$TMP/bare" ] && [ -s "$TMP/bare.vtt" ] && pass "outputs: ... gets .opus (bare.opus, bare.vtt)" || fail "outputs: bare name" "$(ls "$TMP")"
cmp -s "$TMP/bare.opus" "$TMP/warm.opus" && pass "outputs: ... and is the same podcast" || fail "outputs: bare name podcast" "differs"
expect_exit "outputs: -o with another extension (64)" 64 "$RECAST" render "$FIX" -o "$TMP/pod.wav" $C
expect_contains "outputs: ... says what recast writes and what to do" "$TMP/err" "-o $TMP/pod.wav: recast writes Ogg Opus, M4A or MP3; name the file .opus (or .ogg, .oga), .m4a or .mp3"
[ ! -e "$TMP/pod.wav" ] && pass "outputs: ... and writes nothing" || fail "outputs: .wav" "written"
expect_exit "outputs: -o .ogg is Ogg Opus too (0)" 0 "$RECAST" render "$FIX" -o "$TMP/pod.ogg" $C
cmp -s "$TMP/pod.ogg" "$TMP/warm.opus" && pass "outputs: ... the same bytes" || fail "outputs: .ogg" "differs"
mkdir -p "$TMP/d"
expect_exit "outputs: -o an existing folder (0)" 0 "$RECAST" render "$FIX" -o "$TMP/d" $C
[ -s "$TMP/d/short.zh.opus" ] && pass "outputs: ... gets the default name inside it (d/short.zh.opus)" || fail "outputs: -o folder" "$(ls "$TMP/d")"
expect_exit "outputs: -o NEW/ (a trailing slash) (0)" 0 "$RECAST" render "$FIX" -o "$TMP/e/" --section 第二 $C
[ -s "$TMP/e/short.zh-02-第二部分.opus" ] && pass "outputs: ... a new folder, and --section's default name (short.zh-02-第二部分.opus)" || fail "outputs: -o new/" "$(ls -R "$TMP/e" 2>&1)"

# never over an input
cp "$FIX" "$TMP/talk.txt"
expect_exit "outputs: -o the transcript (64)" 64 "$RECAST" render "$TMP/talk.txt" -o "$TMP/talk.txt" $C
expect_contains "outputs: ... is refused, naming it" "$TMP/err" "-o $TMP/talk.txt: that is the transcript (an input): choose another name"
cmp -s "$FIX" "$TMP/talk.txt" && pass "outputs: ... and the transcript is untouched" || fail "outputs: transcript" "changed"
cp "$FIX" "$TMP/talk.opus"
expect_exit "outputs: -o the transcript with an .opus name (64)" 64 "$RECAST" render "$TMP/talk.opus" -o "$TMP/talk.opus" $C
expect_contains "outputs: ... is refused" "$TMP/err" "-o $TMP/talk.opus: that is the transcript (an input): choose another name"
cp "$FIX" "$TMP/talk.srt"
expect_exit "outputs: a sidecar that is the transcript (talk.srt beside -o talk.opus) (64)" 64 "$RECAST" render "$TMP/talk.srt" -o "$TMP/talk.opus" $C
expect_contains "outputs: ... is refused, naming the input" "$TMP/err" "-o $TMP/talk.opus: would write over $TMP/talk.srt, the transcript (an input): choose another name"
cmp -s "$FIX" "$TMP/talk.srt" && cmp -s "$FIX" "$TMP/talk.opus" && pass "outputs: ... and nothing is written" || fail "outputs: sidecar over input" "changed"
ln -s "$TMP/talk.txt" "$TMP/link.opus"
expect_exit "outputs: -o a symlink to the transcript (64)" 64 "$RECAST" render "$TMP/talk.txt" -o "$TMP/link.opus" $C
cp voices/lexicon.txt "$TMP/words.vtt"
expect_exit "outputs: a sidecar that is the lexicon (words.vtt beside -o words.opus) (64)" 64 "$RECAST" render "$FIX" --lexicon "$TMP/words.vtt" -o "$TMP/words" $C
expect_contains "outputs: ... names the lexicon" "$TMP/err" "would write over $TMP/words.vtt, the lexicon (an input)"
cmp -s voices/lexicon.txt "$TMP/words.vtt" && [ ! -e "$TMP/words.opus" ] && pass "outputs: ... and nothing is written" || fail "outputs: lexicon" "changed"

# clip links: relative to the page's folder wherever --clips is, never absolute
expect_exit "outputs: --clips outside the page's folder (0)" 0 "$RECAST" render "$FIX" -o "$TMP/site/pod.opus" --clips "$TMP/media/clips" --html $C
hrefs=$(grep -o 'class="clip" href="[^"]*"' "$TMP/site/pod.html" | sed 's/.*href="//; s/"$//')
[ "$(echo "$hrefs" | wc -l)" = 3 ] && pass "outputs: ... the page links 3 clips" || fail "outputs: clip links" "$hrefs"
bad=0; for h in $hrefs; do case $h in /*) bad=1 ;; esac; f=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.unquote(sys.argv[1]))' "$h"); [ -s "$TMP/site/$f" ] || bad=1; done
[ $bad = 0 ] && pass "outputs: ... each link is relative and opens the clip from the page's folder ($(echo "$hrefs" | head -1))" || fail "outputs: clip links resolve" "$hrefs"
jq -e '.files.clips | length == 3 and all(.[]; startswith("../media/clips/"))' "$TMP/site/pod.manifest.json" >/dev/null && pass "outputs: the manifest lists the clips relative to itself" || fail "outputs: manifest clips" "$(jq -c .files.clips "$TMP/site/pod.manifest.json")"
(cd "$TMP" && RECAST_VOICES="$OLDPWD/voices" "$RECAST" render "$OLDPWD/$FIX" -o site2/pod.opus --clips "$TMP/site2/c" --html $C) 2>"$TMP/err"
grep -q 'class="clip" href="c/00-' "$TMP/site2/pod.html" && ! grep -q "href=\"$TMP" "$TMP/site2/pod.html" && pass "outputs: an absolute --clips inside the page's folder gives c/NN-... links" || fail "outputs: absolute --clips" "$(grep -o 'class="clip" href="[^"]*"' "$TMP/site2/pod.html" | head -1) $(cat "$TMP/err")"
