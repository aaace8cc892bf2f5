#!/bin/sh
# The listening page in a real browser: renders a short transcript with --html into a
# temporary directory and runs tests/browser/page.test.mjs on it (playwright-core driving
# Debian's chromium; screenshots to $BUILD/page-screenshot*.png).  What it needs comes from
# scripts/install-deps.sh: chromium, CJK fonts, node, and `npm ci` in tests/browser.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
export RECAST_VOICES=voices
FIXTURE=tests/browser/fixture.zh.txt
CHROMIUM=${RECAST_CHROMIUM:-/usr/bin/chromium}
REMEDY="run scripts/install-deps.sh (as root)"

missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing $CHROMIUM"
for m in playwright-core lighthouse axe-core; do
    [ -f tests/browser/node_modules/$m/package.json ] || missing="$missing tests/browser/node_modules/$m"
done
if [ -n "$missing" ]; then
    fail "page: browser test" "missing:$missing; $REMEDY"
    exit 1
fi
if [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    fail "page: browser test" "tests/browser/node_modules is older than package-lock.json; $REMEDY"
    exit 1
fi

mkdir -p "$TMP/out"
if "$RECAST" render "$FIXTURE" -o "$TMP/out/pod.opus" --clips "$TMP/out/clips" --html --no-cache -q \
    >"$TMP/render.out" 2>"$TMP/render.err" && [ -s "$TMP/out/pod.html" ]; then
    pass "page: render --html writes pod.html beside pod.opus"
else
    fail "page: render --html writes pod.html beside pod.opus" "$(head -c 300 "$TMP/render.err")"
    exit 1
fi
# a cover, a show and persons, so the page has everything a listener sees
cat >"$TMP/meta.json" <<'JSON'
{"show": "测试节目", "date": "2024-02-28", "description": "一段用来测试收听页面的短节目。",
 "persons": [{"name": "Dwarkesh Patel", "role": "host"}, {"name": "Demis Hassabis", "role": "guest"}],
 "cover": "cover.png"}
JSON
cp transcripts/dwarkesh-hassabis-2024.zh.cover.png "$TMP/cover.png"
mkdir -p "$TMP/meta"
"$RECAST" render "$FIXTURE" -o "$TMP/meta/pod.opus" --html --meta "$TMP/meta.json" --no-cache -q 2>"$TMP/render.err" ||
    fail "page: render --html with episode metadata" "$(head -c 300 "$TMP/render.err")"
node tests/browser/page.test.mjs "$TMP/out"
node tests/browser/a11y.test.mjs "$TMP/meta"
