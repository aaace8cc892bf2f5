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
[ -f tests/browser/node_modules/playwright-core/package.json ] || missing="$missing tests/browser/node_modules"
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
node tests/browser/page.test.mjs "$TMP/out"
