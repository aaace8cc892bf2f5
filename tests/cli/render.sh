# recast render on a short transcript, checked with independent tools: opusinfo, ffprobe,
# ffmpeg (decode, ebur128 loudness and true peak), the WebVTT checker; clips sample-exact;
# byte-identical output for -j1, -j2 and a warm cache.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
FIX=tests/data/short.zh.txt
O=$TMP/a
if "$RECAST" render "$FIX" -o "$O/pod.opus" --clips "$O/clips" -j 2 --cache "$TMP/cache" -q 2>"$TMP/err"; then
    pass "render: short transcript with clips"
else fail "render: short transcript with clips" "$(cat "$TMP/err")"; exit 0; fi
M=$O/pod.manifest.json
for ext in opus vtt srt chapters.json transcript.json manifest.json; do
    [ -s "$O/pod.$ext" ] && pass "render: wrote pod.$ext" || fail "render: wrote pod.$ext" "missing"
done
left=$(find "$O" \( -name '.*tmp*' -o -name '.recast-*' \) | wc -l)
[ "$left" = 0 ] && pass "render: no temporary files left" || fail "render: no temporary files left" "$left"


# opusinfo: no warnings or errors
opusinfo "$O/pod.opus" >"$TMP/oi" 2>&1
if grep -qiE 'warning|error' "$TMP/oi"; then fail "render: opusinfo reports no warnings" "$(grep -iE 'warning|error' "$TMP/oi")"
else pass "render: opusinfo reports no warnings or errors"; fi

# ffprobe chapters == manifest sections (start ms and title)
ffprobe -v error -show_chapters -of json "$O/pod.opus" | jq -r '.chapters[] | "\(.start_time|tonumber*1000|round) \(.tags.title)"' >"$TMP/ch.ffprobe"
jq -r '.sections[] | "\(.start_ms) \(.title)"' "$M" >"$TMP/ch.manifest"
if [ -s "$TMP/ch.ffprobe" ] && cmp -s "$TMP/ch.ffprobe" "$TMP/ch.manifest"; then pass "render: ffprobe chapters = manifest sections ($(wc -l <"$TMP/ch.ffprobe"))"
else fail "render: ffprobe chapters = manifest sections" "$(diff "$TMP/ch.ffprobe" "$TMP/ch.manifest")"; fi
n=$(wc -l <"$TMP/ch.ffprobe")
[ "$n" = 3 ] && pass "render: 3 chapters (开场 + 2 sections)" || fail "render: chapter count" "$n"

# decoded length == manifest duration, to the sample (ffmpeg and opusdec)
ffmpeg -y -v error -i "$O/pod.opus" -f s16le -ac 1 -ar 48000 "$TMP/full.raw"
got=$(( $(stat -c %s "$TMP/full.raw") / 2 )); want=$(jq .duration_samples48 "$M")
[ "$got" = "$want" ] && pass "render: ffmpeg decodes exactly the manifest's $want samples" || fail "render: decoded length" "$got != $want"
opusdec --quiet --rate 48000 "$O/pod.opus" "$TMP/full.wav" 2>/dev/null
got=$(soxi -s "$TMP/full.wav" 2>/dev/null)
[ "$got" = "$want" ] && pass "render: opusdec decodes exactly $want samples" || fail "render: opusdec length" "$got != $want"

# loudness and true peak of the decoded file
ffmpeg -nostats -i "$O/pod.opus" -af ebur128=peak=true -f null - 2>&1 | sed -n '/Summary/,$p' >"$TMP/loud"
I=$(awk '/I:/ {print $2}' "$TMP/loud"); TP=$(awk '/Peak:/ {print $2}' "$TMP/loud")
echo "     decoded: integrated $I LUFS, true peak $TP dBTP"
awk -v i="$I" 'BEGIN { exit !(i >= -20.0 && i <= -18.0) }' && pass "render: loudness $I LUFS within 1 LU of -19" || fail "render: loudness" "$I LUFS"
awk -v p="$TP" 'BEGIN { exit !(p <= -1.0) }' && pass "render: true peak $TP dBTP <= -1" || fail "render: true peak" "$TP dBTP"

# subtitles: valid, inside the programme, every turn's text in order
total_ms=$(jq .duration_ms "$M")
if python3 tests/cli/vtt_check.py "$O/pod.vtt" --total-ms "$total_ms" --ffprobe >"$TMP/vc" 2>&1; then pass "render: WebVTT valid ($(cat "$TMP/vc"))"
else fail "render: WebVTT valid" "$(cat "$TMP/vc")"; fi
python3 - "$O/pod.vtt" "$M" >"$TMP/cover" 2>&1 <<'PY'
import json, re, sys
vtt = open(sys.argv[1], encoding="utf-8").read()
# every text line of every cue (the line after the timing and the ones after it)
lines = []
for block in re.split(r"\n\s*\n", vtt):
    b = block.split("\n")
    for k, l in enumerate(b):
        if "-->" in l:
            lines += b[k + 1:]
text = "".join(re.sub(r"^<v [^>]+>", "", t).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
               for t in lines)
squash = lambda s: re.sub(r"\s+", "", s)
text = squash(text)
pos = 0
for sec in json.load(open(sys.argv[2], encoding="utf-8"))["sections"]:
    for t in sec["turns"]:
        body = squash(t["text"])
        i = text.find(body[:20], pos)
        if i < 0:
            print("turn %d not found in order: %s" % (t["index"], body[:30])); sys.exit(1)
        pos = i + 1
print("all turns in order")
PY
[ $? = 0 ] && pass "render: the VTT covers every turn in order" || fail "render: VTT coverage" "$(cat "$TMP/cover")"
grep -q '<v Dwarkesh>' "$O/pod.vtt" && grep -q '<v Demis>' "$O/pod.vtt" && pass "render: VTT voice tags for both speakers" || fail "render: voice tags" "missing"
jq -e '.version == "1.2.0" and (.chapters | length) == 3' "$O/pod.chapters.json" >/dev/null && pass "render: Podcasting 2.0 chapters" || fail "render: chapters.json" "$(head -c 200 "$O/pod.chapters.json")"
jq -e '(.segments | length) > 5 and all(.segments[]; .startTime < .endTime)' "$O/pod.transcript.json" >/dev/null && pass "render: Podcasting 2.0 transcript" || fail "render: transcript.json" ""

# tags
# (ffprobe shows DESCRIPTION as "comment")
ffprobe -v error -show_entries stream_tags -of json "$O/pod.opus" | jq '.streams[0].tags | with_entries(.key |= ascii_upcase)' >"$TMP/tags"
for k in TITLE ARTIST GENRE LANGUAGE ENCODER COMMENT; do
    jq -e --arg k "$k" 'has($k)' "$TMP/tags" >/dev/null || fail "render: tags" "no $k"
done
# no metadata file, no options: no made-up DATE, no ALBUM repeating the title
jq -e '.GENRE == "Podcast" and (has("DATE") | not) and (has("ALBUM") | not) and .ARTIST == "Dwarkesh, Demis" and (.ENCODER|test("^recast "))' "$TMP/tags" >/dev/null && pass "render: tags TITLE ARTIST GENRE LANGUAGE ENCODER DESCRIPTION, no DATE or ALBUM unless given" || fail "render: tag values" "$(cat "$TMP/tags")"
if grep -l '"/' "$O"/*.json "$O"/clips/*.json "$O"/*.vtt "$O"/*.srt 2>/dev/null | head -1 | grep -q .; then
    fail "render: no absolute path in any output" "$(grep -o '"/[^"]*"' "$O"/*.json | head -3)"
else pass "render: no absolute path in any output"; fi

# clips: each decodes equal to its span of the full file
k=0
for clip in "$O"/clips/*.opus; do
    start=$(jq ".sections[$k].start_ms" "$M"); end=$(jq ".sections[$k].end_ms" "$M")
    ffmpeg -y -v error -i "$clip" -f s16le -ac 1 -ar 48000 "$TMP/clip.raw"
    bytes=$(stat -c %s "$TMP/clip.raw")
    [ "$bytes" = $(( (end - start) * 96 )) ] || fail "render: clip $k length" "$bytes bytes for $start..$end ms"
    if tail -c +$(( start * 96 + 1 )) "$TMP/full.raw" | head -c "$bytes" | cmp -s - "$TMP/clip.raw"; then
        pass "render: clip $(basename "$clip") decodes equal to its span of the full file"
    else fail "render: clip $(basename "$clip") equals its span" "samples differ"; fi
    opusinfo "$clip" 2>&1 | grep -qiE 'warning|error' && fail "render: clip opusinfo" "$clip"
    k=$((k + 1))
done
[ "$k" = 3 ] && pass "render: one clip per section" || fail "render: clips" "$k"
jq -e '.sections | length == 1 and .[0].start_ms == 0' "$O/clips/01-开始.manifest.json" >/dev/null && pass "render: a clip's manifest starts at 0" || fail "render: clip manifest" ""
head -c 300 "$O/clips/01-开始.vtt" | grep -q '^00:00:0' && pass "render: a clip's VTT starts near 0" || fail "render: clip vtt" ""

# determinism: -j1 cold, -j2 cold, warm cache: byte-identical
mkdir -p "$TMP/b" "$TMP/c"
"$RECAST" render "$FIX" -o "$TMP/b/pod.opus" -j 1 --no-cache -q 2>/dev/null
"$RECAST" render "$FIX" -o "$TMP/c/pod.opus" -j 2 --cache "$TMP/cache" -q 2>/dev/null
for ext in opus vtt srt chapters.json; do
    if cmp -s "$O/pod.$ext" "$TMP/b/pod.$ext" && cmp -s "$O/pod.$ext" "$TMP/c/pod.$ext"; then pass "render: pod.$ext byte-identical for -j2 cold, -j1 --no-cache, warm cache"
    else fail "render: pod.$ext byte-identical" "differs"; fi
done
cmp -s "$TMP/b/pod.manifest.json" "$TMP/c/pod.manifest.json" && pass "render: manifest byte-identical for -j1 --no-cache and warm cache" || fail "render: manifest identical" "differs"
jq -c '[.sections[].turns[].index]' "$M" | grep -qx '\[0,1,2,3,4,5\]' && pass "render: manifest lists turns 0..5 once each, in order" || fail "render: manifest turns" "$(jq -c '[.sections[].turns[].index]' "$M")"

# one section as a clip
"$RECAST" render "$FIX" --section 第二部分 -o "$TMP/s2.opus" --cache "$TMP/cache" -q
cmp -s "$TMP/s2.opus" "$O/clips/02-第二部分.opus" && pass "render: --section TITLE -o gives the same clip" || fail "render: --section clip" "differs from clips/"

# bad options and inputs
expect_exit "render: --bitrate out of range (64)" 64 "$RECAST" render "$FIX" --bitrate 999
expect_contains "render: --bitrate names the range" "$TMP/err" "6 to 256"
expect_exit "render: --complexity out of range (64)" 64 "$RECAST" render "$FIX" --complexity 11
expect_exit "render: -j 0 (64)" 64 "$RECAST" render "$FIX" -j 0
expect_exit "render: unknown section (64)" 64 "$RECAST" render "$FIX" --section 99 -o "$TMP/x.opus" --cache "$TMP/cache"
expect_exit "render: missing transcript (66)" 66 "$RECAST" render "$TMP/nope.txt" -o "$TMP/x.opus"
[ ! -e "$TMP/x.opus" ] && pass "render: failed runs leave no output" || fail "render: failed runs leave no output" "x.opus exists"
expect_exit "render: output to /dev/full is an I/O error (74)" 74 "$RECAST" render "$FIX" -o /dev/full --cache "$TMP/cache" -q
expect_contains "render: the /dev/full error names the file" "$TMP/err" "/dev/full: "
[ -c /dev/full ] && pass "render: /dev/full is still a device (never renamed over)" || fail "render: /dev/full" "replaced"
expect_exit "render: output to /dev/null works (0)" 0 "$RECAST" render "$FIX" -o /dev/null --cache "$TMP/cache" -q
[ -c /dev/null ] && [ -z "$(ls /dev/null.* 2>/dev/null)" ] && pass "render: no sidecars beside a device" || fail "render: /dev/null" "$(ls /dev/null*)"

# a long turn is rendered in pieces: one turn in the outputs, memory bounded
python3 -c "
s = 'Dwarkesh你好。\n\nDemis' + ''.join('这是第%d句很长的回答,我们继续讨论人工智能的未来。' % i for i in range(60)) + '\n\nDwarkesh谢谢。\n'
open('$TMP/long.txt', 'w', encoding='utf-8').write(s)"
mkdir -p "$TMP/long"
/usr/bin/env time -f '%M' -o "$TMP/rss" "$RECAST" render "$TMP/long.txt" -o "$TMP/long/pod.opus" --no-cache -j 2 2>"$TMP/err"
grep -q "3 turns in [4-9] pieces" "$TMP/err" && pass "render: a 1500-character turn is rendered in pieces" || fail "render: long turn pieces" "$(head -2 "$TMP/err")"
jq -e '[.sections[].turns[]] | length == 3' "$TMP/long/pod.manifest.json" >/dev/null && pass "render: ... and is still one turn in the manifest" || fail "render: long turn manifest" ""
n=$(grep -c '<v Demis>' "$TMP/long/pod.vtt")
[ "$n" -ge 60 ] && pass "render: ... with all its $n cues in the VTT" || fail "render: long turn cues" "$n"
rss=$(cat "$TMP/rss")
echo "     peak RSS $((rss / 1024)) MB"
case $BUILD in
*san*) echo "     (peak RSS is checked in the normal build: ASan's shadow memory inflates it)" ;;
*) [ "$rss" -lt 65536 ] && pass "render: peak RSS of the largest process under 64 MB ($((rss / 1024)) MB)" || fail "render: peak RSS" "$((rss / 1024)) MB" ;;
esac

# the narrator: off by default; --announce-sections and --preface add its turns
printf '标题\n\n编者按:这是一段编者按。\n\n第一节\n\nDwarkesh你好。\n\nDemis谢谢。\n\n第二节\n\nDwarkesh再见。\n' >"$TMP/narr.txt"
mkdir -p "$TMP/n1" "$TMP/n2"
"$RECAST" render "$TMP/narr.txt" -o "$TMP/n1/pod.opus" --cache "$TMP/cache" -q
"$RECAST" render "$TMP/narr.txt" -o "$TMP/n2/pod.opus" --cache "$TMP/cache" --announce-sections --preface 2>"$TMP/nerr"
d1=$(jq .duration_ms "$TMP/n1/pod.manifest.json"); d2=$(jq .duration_ms "$TMP/n2/pod.manifest.json")
grep -q "3 turns + 3 narrator lines" "$TMP/nerr" && [ "$d2" -gt $((d1 + 2000)) ] && pass "render: --announce-sections --preface add the narrator's titles and editor's note ($d1 -> $d2 ms)" || fail "render: narrator" "$d1 -> $d2: $(head -1 "$TMP/nerr")"
jq -e '.settings.announce_sections and .settings.preface' "$TMP/n2/pod.manifest.json" >/dev/null && pass "render: the manifest records the narrator settings" || fail "render: narrator settings" ""
s1=$(jq '.sections[1].start_ms' "$TMP/n2/pod.manifest.json"); c1=$(ffprobe -v error -show_chapters -of json "$TMP/n2/pod.opus" | jq '.chapters[1].start_time|tonumber*1000|round')
[ "$s1" = "$c1" ] && pass "render: chapters still match the manifest with the narrator" || fail "render: narrator chapters" "$s1 vs $c1"
expect_exit "render: an unwritable place for the podcast (73)" 73 "$RECAST" render "$FIX" -o /proc/x.opus --cache "$TMP/cache" -q
expect_exit "render: an unwritable place for the clips (73)" 73 "$RECAST" render "$FIX" -o "$TMP/x2.opus" --clips /proc/clips --cache "$TMP/cache" -q
expect_exit "render: an unwritable cache (73)" 73 "$RECAST" render "$FIX" -o "$TMP/x3.opus" --cache /proc/cache -q
expect_contains "render: the cache error names the remedy" "$TMP/err" "use --no-cache"
