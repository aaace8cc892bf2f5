#!/bin/sh
# Installs every Debian package recast needs to build, run, test and benchmark.
# Idempotent: quiet and fast when everything is present. Run as root (or via sudo).
set -eu

# build: compiler, pkg-config and the libraries recast links against
BUILD="gcc make pkg-config libespeak-ng-dev espeak-ng-data libsndfile1-dev libopus-dev libogg-dev
       libsoxr-dev libebur128-dev libjansson-dev nettle-dev libopencc-dev libopencc-data libpng-dev libjpeg-dev
       libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libxml2-dev"
# test: independent checkers of the output; strace kills a render at chosen system calls;
# GNU Parallel runs the scale-out recipe (scripts/recast-parallel.sh) on local "hosts"
TEST="opus-tools ffmpeg sox jq python3 valgrind strace parallel"
# benchmark: the naive pipeline recast is compared against
BENCH="espeak-ng time bc"
# fuzzing (make fuzz) and sanitizers (make test SANITIZE=1)
FUZZ="clang"
# browser test of the listening page (tests/browser): Debian's chromium, CJK fonts for its
# screenshots, and Debian's node and npm unless a node is already on PATH
TEST="$TEST chromium fonts-noto-cjk"
command -v node >/dev/null 2>&1 || TEST="$TEST nodejs npm"

missing=""
for pkg in $BUILD $TEST $BENCH $FUZZ; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $pkg"
    fi
done
# tests/browser/node_modules (playwright-core) and tests/feed/node_modules (podcast-partytime),
# pinned by their package-lock.json: npm ci when missing or older than the lock file
node_modules() {
    for dir in "$(dirname "$0")/../tests/browser" "$(dirname "$0")/../tests/feed"; do
        stamp=$dir/node_modules/.package-lock.json
        [ -f "$dir/package-lock.json" ] || continue
        if [ -f "$stamp" ] && ! [ "$dir/package-lock.json" -nt "$stamp" ]; then continue; fi
        echo "install-deps: npm ci in $dir" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    done
}
if [ -z "$missing" ]; then node_modules; exit 0; fi

echo "install-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps: need root to install:$missing" >&2
        echo "install-deps: run 'sudo scripts/install-deps.sh' or install them with apt-get" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
node_modules
