#!/bin/sh
# Installs every Debian package recast needs to build, run, test and benchmark.
# Idempotent: quiet and fast when everything is present. Run as root (or via sudo).
set -eu

# build: compiler, pkg-config and the libraries recast links against
BUILD="gcc make pkg-config libespeak-ng-dev espeak-ng-data libsndfile1-dev libopus-dev libogg-dev
       libsoxr-dev libebur128-dev libjansson-dev nettle-dev"
# test: independent checkers of the output
TEST="opus-tools ffmpeg sox jq python3"
# benchmark: the naive pipeline recast is compared against
BENCH="espeak-ng time bc"

missing=""
for pkg in $BUILD $TEST $BENCH; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0

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
