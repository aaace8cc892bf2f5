#!/bin/sh
# The listening page's script and its embedding, without a browser: page.js parses
# (node --check), its cue search and highlighting pass tests/js/page_cues.test.mjs
# (node's own test runner, one PASS/FAIL line per test), and scripts/embed-assets.sh
# carries every byte value through to C (compiled here and written back out).
# tests/browser (page_browser.sh) checks the same page in Chromium.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
JS=src/publish/page/page.js

if ! command -v node >/dev/null 2>&1; then
    fail "page.js: node" "node is not installed; run scripts/install-deps.sh (as root)"
    exit 1
fi
if node --check "$JS" 2>"$TMP/check.err"; then pass "page.js: node --check"
else fail "page.js: node --check" "$(head -c 400 "$TMP/check.err")"; fi

# TAP from node --test: top-level "ok N - name" / "not ok N - name" lines are the tests.
node --test --test-reporter=tap tests/js/ 2>&1 | sed 's/\\#/#/g' >"$TMP/tap"
n=0
while IFS= read -r line; do
    case $line in
        "ok "*) n=$((n + 1)); pass "page.js: ${line#ok * - }" ;;
        "not ok "*) n=$((n + 1)); fail "page.js: ${line#not ok * - }" "see node --test tests/js/" ;;
    esac
done <"$TMP/tap"
if [ "$n" -lt 10 ]; then fail "page.js: node --test ran its tests" "$n results; $(head -c 600 "$TMP/tap")"; fi
grep -A12 '^not ok' "$TMP/tap" | head -40

# Every byte value but NUL survives embedding; a NUL is refused.
LC_ALL=C awk 'BEGIN { for (i = 1; i < 256; i++) printf "%c", i; for (i = 255; i > 0; i--) printf "%c", i }' </dev/null \
    >"$TMP/bytes.bin"
printf '/* test */\nextern const char blob[];\n' >"$TMP/blob.h"
printf '#include <stdio.h>\n#include <string.h>\n#include "blob.h"\nint main(void) { fwrite(blob, 1, strlen(blob), stdout); return 0; }\n' >"$TMP/main.c"
if [ "$(wc -c <"$TMP/bytes.bin")" -eq 510 ] && sh scripts/embed-assets.sh "$TMP/blob.c" blob.h blob="$TMP/bytes.bin" \
    && ${CC:-cc} -I"$TMP" -o "$TMP/blob" "$TMP/main.c" "$TMP/blob.c" && "$TMP/blob" >"$TMP/back.bin" \
    && cmp -s "$TMP/bytes.bin" "$TMP/back.bin"; then
    pass "embed-assets: bytes 1..255 come back unchanged from the generated C"
else
    fail "embed-assets: bytes 1..255 come back unchanged from the generated C" "$(wc -c <"$TMP/bytes.bin") bytes in"
fi
printf 'a\000b' >"$TMP/nul.bin"
expect_exit "embed-assets: a file with a NUL byte is refused (65)" 65 \
    sh scripts/embed-assets.sh "$TMP/nul.c" blob.h blob="$TMP/nul.bin"
expect_contains "embed-assets: the refusal names the file" "$TMP/err" "nul.bin: contains a NUL byte"
