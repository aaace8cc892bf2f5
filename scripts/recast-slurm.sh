#!/bin/sh
# recast-slurm.sh: render transcripts on a Slurm cluster: an array of N shard tasks
# (scripts/recast-slurm.sbatch), then one mux job that runs when all of them succeeded.
#
# usage: RECAST_CACHE=/shared/recast-cache scripts/recast-slurm.sh -n N --out-dir DIR FILE... [RENDER_OPTIONS]
#   -n N          shards (array tasks 0 to N-1; default 8)
#   --out-dir DIR the podcasts, DIR/STEM.opus per FILE (default out/)
# RECAST_CACHE must be on a filesystem every node mounts at the same path (NFS); so must
# the transcripts and DIR.  Prints the two job ids.
set -eu
n=8 outdir=out
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift 2 ;;
    --out-dir) outdir=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) break ;;
    esac
done
: "${RECAST_CACHE:?set RECAST_CACHE to the shared cache directory}"
[ $# -gt 0 ] || { echo "recast-slurm: no transcript FILE given" >&2; exit 64; }
here=$(dirname "$0")
shards=$(sbatch --parsable --export=ALL --array=0-$((n - 1)) "$here/recast-slurm.sbatch" "$@")
echo "recast-slurm: shards: job $shards (array 0-$((n - 1)))"
quoted=""
for a in "$@"; do quoted="$quoted '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"; done
mux=$(sbatch --parsable --export=ALL --dependency=afterok:"$shards" --job-name=recast-mux \
    --output=recast-mux-%j.log --wrap "${RECAST:-recast} render --out-dir '$outdir' --cache '$RECAST_CACHE'$quoted")
echo "recast-slurm: mux: job $mux (after every shard succeeded)"
