# Episode metadata (issue 14): a metadata file beside the transcript and options on top,
# read back with ffprobe (tags, the cover as an attached picture) and from the manifest.
. tests/lib.sh
export RECAST_VOICES=voices SOURCE_DATE_EPOCH=1700000000
cp tests/data/short.zh.txt "$TMP/ep.zh.txt"
scripts/make-cover.sh "$TMP/art.png" >/dev/null 2>&1 || ffmpeg -v error -f lavfi -i color=c=red:s=64x48 -frames:v 1 "$TMP/art.png"
cat >"$TMP/ep.zh.meta.json" <<'JSON'
{"title": "一集 & <测试>", "show": "Test Show", "date": "2024-02-28", "description": "关于测试的一集。",
 "language": "zh-CN", "licence": "CC BY 4.0", "url": "https://example.org/ep",
 "persons": [{"name": "Ann Lee", "role": "host"}, {"name": "Bo Chen", "role": "guest"}], "cover": "art.png"}
JSON
mkdir -p "$TMP/o"
if "$RECAST" render "$TMP/ep.zh.txt" -o "$TMP/o/ep.opus" --html --clips "$TMP/o/clips" --cache "$TMP/cache" -q 2>"$TMP/err"; then
    pass "metadata: renders with the metadata file beside the transcript"
else fail "metadata: renders" "$(cat "$TMP/err")"; exit 0; fi
ffprobe -v error -show_entries stream=codec_name,width,height:stream_tags -of json "$TMP/o/ep.opus" >"$TMP/p.json"
jq -e '.streams[0].tags | .TITLE == "一集 & <测试>" and .ALBUM == "Test Show" and .DATE == "2024-02-28" and
       .LANGUAGE == "zh-CN" and .LICENSE == "CC BY 4.0" and (.ARTIST | test("Ann Lee")) and
       (.PERFORMER | test("Bo Chen \\(guest\\)")) and (.comment | test("^关于测试的一集。"))' "$TMP/p.json" >/dev/null &&
    pass "metadata: ffprobe reads TITLE, ALBUM, DATE, LANGUAGE, LICENSE, ARTIST, PERFORMER, DESCRIPTION" ||
    fail "metadata: tags" "$(jq -c '.streams[0].tags | del(.[] | select(type == "string" and startswith("0")))' "$TMP/p.json" | head -c 600)"
w=$(jq -r '.streams[] | select(.codec_name == "png") | .width' "$TMP/p.json")
want=$(ffprobe -v error -show_entries stream=width -of csv=p=0 "$TMP/art.png")
[ -n "$w" ] && [ "$w" = "$want" ] && pass "metadata: the cover is an attached PNG picture of ${w} px" || fail "metadata: cover" "width '$w', file $want"
ffmpeg -v error -y -i "$TMP/o/ep.opus" -an -map 0:v -c copy "$TMP/back.png" && cmp -s "$TMP/back.png" "$TMP/art.png" &&
    pass "metadata: the embedded cover is the file, byte for byte" || fail "metadata: cover bytes" "differ"
cmp -s "$TMP/o/ep.cover.png" "$TMP/art.png" && pass "metadata: STEM.cover.png beside the podcast" || fail "metadata: cover file" "$(ls "$TMP/o")"
jq -e '.episode.show == "Test Show" and .episode.persons[1].role == "guest" and .files.cover == "ep.cover.png" and
       .source == "ep.zh.txt" and (.files.clips[0] | startswith("clips/"))' "$TMP/o/ep.manifest.json" >/dev/null &&
    pass "metadata: the manifest keeps the episode and names files relative to itself" || fail "metadata: manifest" "$(jq -c '[.episode, .files, .source]' "$TMP/o/ep.manifest.json")"
grep -q '"/' "$TMP/o/ep.manifest.json" "$TMP"/o/clips/*.manifest.json && fail "metadata: absolute path" "$(grep -o '"/[^"]*"' "$TMP/o/ep.manifest.json" | head -3)" ||
    pass "metadata: no absolute path in the manifests"
# options win over the file; --no-meta: no DATE, no ALBUM
"$RECAST" render "$TMP/ep.zh.txt" -o "$TMP/o/opt.opus" --cache "$TMP/cache" -q --show "Other Show" --date 2023 2>"$TMP/err"
ffprobe -v error -show_entries stream_tags=ALBUM,DATE,TITLE -of json "$TMP/o/opt.opus" | jq -e '.streams[0].tags | .ALBUM == "Other Show" and .DATE == "2023" and .TITLE == "一集 & <测试>"' >/dev/null &&
    pass "metadata: options win over the file, the rest of the file stays" || fail "metadata: options" "$(cat "$TMP/err")"
"$RECAST" render "$TMP/ep.zh.txt" -o "$TMP/o/none.opus" --cache "$TMP/cache" -q --no-meta 2>"$TMP/err"
ffprobe -v error -show_entries stream_tags -of json "$TMP/o/none.opus" | jq -e '.streams[0].tags | (has("DATE") or has("ALBUM")) | not' >/dev/null &&
    pass "metadata: --no-meta: no DATE and no ALBUM are made up" || fail "metadata: --no-meta" "$(cat "$TMP/err")"
# errors name the file and the problem
echo '{"titel": "x"}' >"$TMP/bad.json"
expect_exit "metadata: an unknown key is a data error" 65 "$RECAST" render "$TMP/ep.zh.txt" -o "$TMP/o/x.opus" --meta "$TMP/bad.json" --cache "$TMP/cache"
expect_contains "metadata: ... naming the file and the key" "$TMP/err" 'bad.json: unknown key "titel"'
expect_exit "metadata: a cover that is no picture is a data error" 65 "$RECAST" render "$TMP/ep.zh.txt" -o "$TMP/o/x.opus" --cover "$TMP/bad.json" --cache "$TMP/cache"
expect_exit "metadata: a malformed --date is a usage error" 64 "$RECAST" render "$TMP/ep.zh.txt" --date 28.02.2024
# a metadata file whose cover is missing: the error names the file, the key and the remedy
echo '{"title": "x", "cover": "gone.png"}' >"$TMP/nocover.json"
expect_exit "metadata: a missing cover named by the file is an input error" 66 "$RECAST" render "$TMP/ep.zh.txt" -o "$TMP/o/x.opus" --meta "$TMP/nocover.json" --cache "$TMP/cache"
expect_contains "metadata: ... naming the metadata file, the key and the remedy" "$TMP/err" 'nocover.json: "cover": '"$TMP"'/gone.png: cannot open'
expect_contains "metadata: ... (relative to the file, or --cover / --no-meta)" "$TMP/err" "give --cover FILE or --no-meta"
