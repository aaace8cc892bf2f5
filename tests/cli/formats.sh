#!/bin/sh
# --format opus,m4a,mp3 and --feed on a short transcript, checked with independent tools:
# ffprobe (chapters, tags, duration, streams), ffmpeg (decode: length within one codec frame
# of the Opus file; EBU R128 loudness and true peak), the page's <source> elements, and the
# feed with podcast-partytime (tests/feed) with every URL and length matched to the files.
# The Opus file must be byte-identical to a render without the other formats.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1717200000
FIX=tests/data/short.zh.txt
BASE=https://example.org/pod
A=$TMP/a B=$TMP/b
if "$RECAST" render "$FIX" -o "$A/pod.opus" --format opus,m4a,mp3 --clips "$A/clips" --html --feed "$BASE/" \
    -j 2 --cache "$TMP/cache" -q 2>"$TMP/err"; then
    pass "formats: render --format opus,m4a,mp3 --clips --html --feed"
else fail "formats: render --format opus,m4a,mp3 --clips --html --feed" "$(cat "$TMP/err")"; exit 0; fi
for f in pod.opus pod.m4a pod.mp3 pod.rss.xml clips/01-开始.m4a clips/02-第二部分.mp3; do
    [ -s "$A/$f" ] && pass "formats: wrote $f" || fail "formats: wrote $f" "missing"
done
left=$(find "$A" -name '.recast-*' | wc -l)
[ "$left" = 0 ] && pass "formats: no temporary files left" || fail "formats: no temporary files left" "$left"

# the Opus file does not change when other formats are asked for
"$RECAST" render "$FIX" -o "$B/pod.opus" --clips "$B/clips" --cache "$TMP/cache" -q 2>"$TMP/err"
for f in pod.opus pod.vtt pod.chapters.json clips/01-开始.opus; do
    cmp -s "$A/$f" "$B/$f" && pass "formats: $f byte-identical to an Opus-only render" \
        || fail "formats: $f byte-identical to an Opus-only render" "differs"
done

# samples48 a file decodes to (ffmpeg)
decoded() { ffmpeg -v error -y -i "$1" -f f32le -ac 1 -ar 48000 "$TMP/dec.raw" && echo $(( $(stat -c %s "$TMP/dec.raw") / 4 )); }
# "start_ms title" per chapter
chapters() { ffprobe -v error -show_chapters -of json "$1" | jq -r '.chapters[] | "\(.start_time|tonumber*1000|round) \(.tags.title)"'; }
# (Ogg keeps its comments on the stream, MP4 and ID3 on the file)
tags() { ffprobe -v error -show_format -show_streams -of json "$1" |
    jq -r '((.format.tags // {}) + (.streams[0].tags // {})) | with_entries(.key |= ascii_downcase) | [.title, .artist, .album, .date, .genre] | @tsv'; }
loud() { ffmpeg -nostats -i "$1" -af ebur128=peak=true -f null - 2>&1 | sed -n '/Summary/,$p' | awk '/I:/ {i=$2} /Peak:/ {p=$2} END {print i, p}'; }

for stem in pod clips/00-开场 clips/02-第二部分; do
    O=$A/$stem.opus
    n_opus=$(decoded "$O"); ch_opus=$(chapters "$O"); tags_opus=$(tags "$O"); set -- $(loud "$O"); I_opus=$1
    for ext in m4a mp3; do
        F=$A/$stem.$ext
        frame=$([ $ext = m4a ] && echo 1024 || echo 1152)
        t="formats: $stem.$ext"
        ffprobe -v error -show_streams -show_format -of json "$F" >"$TMP/p.json" 2>"$TMP/p.err" || fail "$t: ffprobe" "$(cat "$TMP/p.err")"
        want=$([ $ext = m4a ] && echo aac || echo mp3)
        got=$(jq -r '[.streams[] | select(.codec_type == "audio") | "\(.codec_name) \(.sample_rate) \(.channels)"] | join(",")' "$TMP/p.json")
        [ "$got" = "$want 48000 1" ] && pass "$t: one $want stream, 48 kHz mono" || fail "$t: audio stream" "$got"
        n=$(decoded "$F")
        d=$(( n - n_opus )); [ $d -lt 0 ] && d=$(( -d ))
        [ $d -le $frame ] && pass "$t: decodes to $n samples, Opus $n_opus (within one $frame-sample frame)" \
            || fail "$t: decoded length" "$n vs Opus $n_opus"
        # ffprobe's duration (MP3: from the first frame, less the LAME delay in start_time)
        dur=$(jq -r '(.format.duration|tonumber) - ((.format.start_time // "0")|tonumber)' "$TMP/p.json")
        awk -v d="$dur" -v n="$n_opus" -v f="$frame" 'BEGIN { x = d * 48000 - n; if (x < 0) x = -x; exit !(x <= f) }' \
            && pass "$t: ffprobe duration $dur s agrees with the Opus file within a frame" \
            || fail "$t: ffprobe duration" "$dur s vs $n_opus samples"
        chapters "$F" >"$TMP/ch.$ext"
        echo "$ch_opus" >"$TMP/ch.opus"
        if paste "$TMP/ch.opus" "$TMP/ch.$ext" | awk -F'\t' -v f="$frame" '
            { split($1, a, " "); split($2, b, " "); ta = substr($1, length(a[1]) + 2); tb = substr($2, length(b[1]) + 2)
              d = a[1] - b[1]; if (d < 0) d = -d; if (d > f / 48 || ta != tb || $2 == "") bad = 1; n++ }
            END { exit bad || n == 0 }'; then pass "$t: $(wc -l <"$TMP/ch.$ext") chapters, titles and starts as in the Opus file"
        else fail "$t: chapters" "$(paste "$TMP/ch.opus" "$TMP/ch.$ext")"; fi
        [ "$(tags "$F")" = "$tags_opus" ] && pass "$t: title, artist, album, date, genre as in the Opus file" \
            || fail "$t: tags" "$(tags "$F") vs $tags_opus"
        set -- $(loud "$F")
        # the programme is levelled to -19 LUFS; a clip has the loudness of its stretch of it
        awk -v i="$1" -v o="$I_opus" -v full=$([ $stem = pod ] && echo 1 || echo 0) \
            'BEGIN { d = i - o; exit !((!full || (i >= -20 && i <= -18)) && d <= 0.5 && d >= -0.5) }' \
            && pass "$t: loudness $1 LUFS (Opus $I_opus)" || fail "$t: loudness" "$1 LUFS, Opus $I_opus"
        awk -v p="$2" 'BEGIN { exit !(p <= -1.0) }' && pass "$t: true peak $2 dBTP <= -1" || fail "$t: true peak" "$2 dBTP"
    done
done

# the page: Opus first, the M4A as the fallback source
expect_contains "formats: page offers pod.opus" "$A/pod.html" '<source src="pod.opus" type="audio/ogg; codecs=opus">'
expect_contains "formats: page falls back to pod.m4a" "$A/pod.html" '<source src="pod.m4a" type="audio/mp4">'
if [ -x "${RECAST_CHROMIUM:-/usr/bin/chromium}" ] && [ -f tests/browser/node_modules/playwright-core/package.json ]; then
    node tests/browser/fallback.test.mjs "$A"
else fail "formats: page fallback in Chromium" "chromium or tests/browser/node_modules missing; run scripts/install-deps.sh"; fi
jq -e '.files.formats.m4a.file == "pod.m4a" and (.files.formats.mp3.clips | length) == 3 and .files.feed == "pod.rss.xml"' \
    "$A/pod.manifest.json" >/dev/null && pass "formats: manifest lists the other formats, their clips and the feed" \
    || fail "formats: manifest" "$(jq -c .files "$A/pod.manifest.json")"

# the feed, read by an independent parser
if [ ! -f tests/feed/node_modules/podcast-partytime/package.json ]; then
    fail "formats: feed parser" "tests/feed/node_modules missing; run scripts/install-deps.sh (as root)"
    exit 1
fi
echo '{"items": 1, "title": "短访谈：测试用的节目", "alternates": 2, "persons": 2, "transcripts": 3, "captions": 2}' >"$TMP/expect1.json"
node tests/feed/feed.test.mjs "$A/pod.rss.xml" "$A" "$BASE" "$TMP/expect1.json"

# recast feed DIR: a second episode (one section, M4A first) and a channel file
"$RECAST" render "$FIX" -o "$A/part2.m4a" --format m4a,opus --section 2 --feed "$BASE" --cache "$TMP/cache" -q 2>"$TMP/err" \
    && pass "formats: second episode, M4A as the main file" || fail "formats: second episode" "$(cat "$TMP/err")"
cat >"$A/channel.json" <<'JSON'
{"title": "recast 测试频道", "link": "https://example.org/pod/", "description": "Two test episodes.",
 "language": "zh", "author": "recast", "category": "Technology", "owner": {"name": "recast", "email": "pod@example.org"},
 "self": "https://example.org/pod/feed.xml"}
JSON
expect_exit "formats: recast feed DIR" 0 "$RECAST" feed "$A"
grep -q '<title>短访谈：测试用的节目: 第二部分</title>' "$A/feed.xml" && pass "formats: a section's item is titled like its Opus TITLE" \
    || fail "formats: section item title" "$(grep '<title>' "$A/feed.xml")"
echo '{"items": 2, "title": "recast 测试频道", "alternates": {"recast:pod": 2, "recast:part2": 1}, "persons": 2,
      "transcripts": 3, "captions": 2}' >"$TMP/expect2.json"
node tests/feed/feed.test.mjs "$A/feed.xml" "$A" "$BASE" "$TMP/expect2.json"

probe_codec() { ffprobe -v error -select_streams a -show_entries stream=codec_name -of csv=p=0 "$1" 2>/dev/null; }
# several episodes in one run (--out-dir), M4A first, each with its feed item; recast feed
# gathers them into one channel
M=$TMP/m
mkdir -p "$M" && cp "$FIX" "$M/ep1.txt" && sed 's/谢谢你,Demis。/谢谢你,Demis,再见。/' "$FIX" >"$M/ep2.txt"
"$RECAST" render "$M/ep1.txt" "$M/ep2.txt" --out-dir "$M/site" --format m4a,opus --feed "$BASE" --cache "$TMP/cache" -q 2>"$TMP/err" \
    && [ "$(probe_codec "$M/site/ep1.m4a" 2>/dev/null)" = aac ] && [ -s "$M/site/ep2.opus" ] && [ -s "$M/site/ep2.rss.xml" ] \
    && pass "formats: render A B --out-dir --format m4a,opus --feed: DIR/STEM.m4a, .opus and .rss.xml for each" \
    || fail "formats: multi-episode render" "$(ls "$M/site" 2>&1) $(cat "$TMP/err")"
echo '{"title": "两集", "link": "https://example.org/pod/", "description": "Two episodes of one run."}' >"$M/site/channel.json"
expect_exit "formats: recast feed DIR of a multi-episode run" 0 "$RECAST" feed "$M/site"
echo '{"items": 2, "title": "两集", "alternates": 1, "persons": 2, "transcripts": 3, "captions": 2}' >"$TMP/expect4.json"
node tests/feed/feed.test.mjs "$M/site/feed.xml" "$M/site" "$BASE" "$TMP/expect4.json"

# -o as the user means it, for every format: the extension asks for the format, a bare
# name or a folder gets the main format's, the others go beside with the same stem
R=$TMP/r C1="--section 1 --cache $TMP/cache -q"
# shellcheck disable=SC2086
"$RECAST" render "$FIX" -o "$R/ep.m4a" $C1 2>"$TMP/err"
[ "$(probe_codec "$R/ep.m4a")" = aac ] && [ ! -e "$R/ep.opus" ] && [ -s "$R/ep.vtt" ] \
    && [ "$(jq -r .files.audio "$R/ep.manifest.json")" = ep.m4a ] \
    && pass "formats: -o ep.m4a alone writes AAC (no .opus), its sidecars name it" || fail "formats: -o ep.m4a" "$(ls "$R") $(cat "$TMP/err")"
# shellcheck disable=SC2086
"$RECAST" render "$FIX" -o "$R/bare" --format mp3,opus $C1 2>"$TMP/err"
[ "$(probe_codec "$R/bare.mp3")" = mp3 ] && [ "$(probe_codec "$R/bare.opus")" = opus ] && [ ! -e "$R/bare" ] \
    && [ "$(jq -r .files.audio "$R/bare.manifest.json")" = bare.mp3 ] \
    && pass "formats: -o NAME --format mp3,opus: NAME.mp3 is the main file, NAME.opus beside it" || fail "formats: -o bare" "$(ls "$R")"
# shellcheck disable=SC2086
"$RECAST" render "$FIX" -o "$R/d/" --format m4a $C1 2>"$TMP/err"
[ "$(probe_codec "$R/d/short.zh-01-开始.m4a")" = aac ] && pass "formats: -o DIR/ --format m4a: the default name with .m4a" \
    || fail "formats: -o DIR/" "$(ls -R "$R/d" 2>&1) $(cat "$TMP/err")"
# shellcheck disable=SC2086
"$RECAST" render "$FIX" -o "$R/x.ogg" --format opus,m4a $C1 2>"$TMP/err"
[ "$(probe_codec "$R/x.ogg")" = opus ] && [ "$(probe_codec "$R/x.m4a")" = aac ] \
    && pass "formats: -o x.ogg --format opus,m4a: x.ogg and x.m4a" || fail "formats: -o x.ogg" "$(ls "$R")"
cp "$FIX" "$TMP/in.mp3"
expect_exit "formats: an extra format's file that is the transcript is refused (64)" 64 \
    "$RECAST" render "$TMP/in.mp3" -o "$TMP/in.opus" --format opus,mp3 --cache "$TMP/cache"
expect_contains "formats: ... naming it" "$TMP/err" "would write over $TMP/in.mp3, the transcript (an input)"
cmp -s "$FIX" "$TMP/in.mp3" && [ ! -e "$TMP/in.opus" ] && pass "formats: ... up front: nothing written" || fail "formats: input kept" "changed"

# the episode's metadata reaches every format as it reaches the Opus file (tags, cover
# stream), and the feed (title, description, date, language, cover, persons and roles)
E=$TMP/e COVER=transcripts/dwarkesh-hassabis-2024.zh.cover.png
"$RECAST" render "$FIX" -o "$E/ep.opus" --format opus,m4a,mp3 --feed "$BASE" --title '测试标题' --show 'Test Show' \
    --date 2024-02-28 --person 'Ann Lee:host' --person 'Bo Chen:guest' --cover "$COVER" --language zh-CN \
    --description 'An episode.' --cache "$TMP/cache" -q 2>"$TMP/err" || fail "formats: render with episode metadata" "$(cat "$TMP/err")"
cover_md5=$(md5sum <"$COVER" | cut -c1-32)
for ext in opus m4a mp3; do
    F=$E/ep.$ext
    # (ffprobe joins an Ogg comment given twice with ';'; MP4 and ID3 hold one text, "A, B")
    [ "$(tags "$F")" = "$(printf '测试标题\tAnn Lee%sBo Chen\tTest Show\t2024-02-28\tPodcast' "$([ $ext = opus ] && echo ';' || echo ', ')")" ] \
        && pass "formats: ep.$ext: title, persons, show, date from the episode" || fail "formats: ep.$ext tags" "$(tags "$F")"
    ffprobe -v error -show_streams -of json "$F" | jq -e '[.streams[] | select(.codec_type == "video" and .disposition.attached_pic == 1 and .codec_name == "png")] | length == 1' >/dev/null \
        && pass "formats: ep.$ext: the cover as an attached PNG picture" || fail "formats: ep.$ext cover stream" "$(ffprobe -v error -show_streams -of compact "$F")"
    ffmpeg -v error -y -i "$F" -map 0:v -c copy -f image2 "$TMP/cover.$ext.png" 2>/dev/null
    [ "$(md5sum <"$TMP/cover.$ext.png" | cut -c1-32)" = "$cover_md5" ] && pass "formats: ep.$ext: ... byte for byte the cover file" \
        || fail "formats: ep.$ext cover bytes" "differ"
done
ffprobe -v error -show_format -of json "$E/ep.mp3" | jq -e '.format.tags.performer == "Ann Lee (host), Bo Chen (guest)" and .format.tags.language == "zh-CN"' >/dev/null \
    && pass "formats: ep.mp3: performers with their roles, language" || fail "formats: ep.mp3 performer" "$(ffprobe -v error -show_format -of json "$E/ep.mp3" | jq -c .format.tags)"
expect_contains "formats: feed pubDate is the episode's date" "$E/ep.rss.xml" '<pubDate>Wed, 28 Feb 2024 00:00:00 +0000</pubDate>'
expect_contains "formats: feed channel is the show" "$E/ep.rss.xml" '<title>Test Show</title>'
expect_contains "formats: feed host with role" "$E/ep.rss.xml" '<podcast:person role="host" group="cast">Ann Lee</podcast:person>'
expect_contains "formats: feed guest with role" "$E/ep.rss.xml" '<podcast:person role="guest" group="cast">Bo Chen</podcast:person>'
expect_contains "formats: feed language" "$E/ep.rss.xml" '<language>zh-CN</language>'
echo '{"items": 1, "title": "Test Show", "alternates": 2, "persons": 2, "roles": ["host", "guest"], "transcripts": 3,
      "captions": 2, "image": true, "itemTitle": "测试标题", "pubDate": "2024-02-28T00:00:00.000Z", "descriptionStarts": "An episode."}' >"$TMP/expect3.json"
node tests/feed/feed.test.mjs "$E/ep.rss.xml" "$E" "$BASE" "$TMP/expect3.json"

# errors
expect_exit "formats: --format flac is a usage error" 64 "$RECAST" render "$FIX" --format flac
expect_exit "formats: -o x.mp3 without --format mp3 in the list" 64 "$RECAST" render "$FIX" -o "$TMP/x.mp3" --format opus
expect_exit "formats: --feed needs an http(s) URL" 64 "$RECAST" render "$FIX" --feed example.org
expect_exit "formats: M4A to a device is refused up front" 64 "$RECAST" render "$FIX" -o /dev/null --format m4a --cache "$TMP/cache"
expect_exit "formats: several formats to stdout are refused" 64 "$RECAST" render "$FIX" -o - --format opus,mp3 --cache "$TMP/cache"
mkdir -p "$TMP/c" && cp "$A/pod.rss.xml" "$TMP/c/"
expect_exit "formats: recast feed without a channel file" 66 "$RECAST" feed "$TMP/c"
expect_exit "formats: recast feed of a directory without episodes" 65 "$RECAST" feed "$B" --channel "$A/channel.json"
echo '{"title": "t", "link": "https://e.org/", "description": "d", "autor": "typo"}' >"$A/bad.json"
expect_exit "formats: recast feed with an unknown channel key" 65 "$RECAST" feed "$A" --channel "$A/bad.json"
expect_contains "formats: the error names the key" "$TMP/err" "autor"
