#!/bin/sh
# Benchmarks.  Prints a table; never used by tests (timings are noisy on shared machines).
#   scripts/bench.sh parse     the parser on the bundled interview and on a 3 MB single-paragraph turn
set -eu
cd "$(dirname "$0")/.."
RECAST=${RECAST:-build/recast}
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt
export RECAST_VOICES=voices
what=${1:-all}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# wall seconds, CPU seconds and peak RSS of a command (GNU time's %e %U %S %M via /proc)
measure() { # LABEL CMD...
    label=$1; shift
    start=$(date +%s.%N)
    /usr/bin/env time -f '%U %S %M' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/stderr" || { echo "$label: failed: $(tail -3 "$TMP/stderr")"; return 1; }
    end=$(date +%s.%N)
    read -r user sys rss <"$TMP/time"
    printf '%-44s %8.3f %8.2f %9d\n' "$label" "$(echo "$end - $start" | bc)" "$(echo "$user + $sys" | bc)" "$rss"
}

header() { printf '%-44s %8s %8s %9s\n' "benchmark" "wall s" "CPU s" "RSS KiB"; }

if [ "$what" = parse ] || [ "$what" = all ]; then
    python3 - "$TMP/big.txt" <<'PY'
import sys
open(sys.argv[1], "w", encoding="utf-8").write("Demis" + "我认为这是一个很好的问题。" * (3 * 1024 * 1024 // 39) + "\n")
PY
    header
    measure "parse: bundled interview (62 KB)" "$RECAST" parse "$SEED"
    measure "parse: 3 MB single-paragraph turn" "$RECAST" parse "$TMP/big.txt"
    measure "list: bundled interview" "$RECAST" list "$SEED"
fi
