#!/bin/sh
# recast-parallel.sh: render transcripts over several hosts with GNU Parallel and a shared
# turn cache, then mux them here.  The hosts need the same recast (and voices) at the same
# path, and CACHE and the transcripts on a filesystem they all mount at the same path (NFS).
#
# usage: scripts/recast-parallel.sh [-S HOSTS | --sshloginfile FILE] [-n SHARDS] --cache DIR
#                                   [--out-dir DIR] FILE... [-- RENDER_OPTIONS...]
#   -S HOSTS            GNU Parallel's sshlogins, comma separated (default ':' = this host;
#                       '2/:' two shards at once here; 'alice@host1,host2')
#   --sshloginfile F    one sshlogin a line (GNU Parallel's --sshloginfile)
#   -n SHARDS           number of shards (default: 2 per host)
#   --cache DIR         the shared turn cache (required: every host reads and writes it)
#   --out-dir DIR       where the podcasts go (default out/), one STEM.opus per FILE
#   RENDER_OPTIONS      given to every shard and to the mux alike (they shape the cache
#                       keys: a shard rendered with other settings is not used)
# Environment: RECAST, the recast binary on every host (default: recast on PATH).
#
# What it runs (the recipe, if you would rather type it):
#   seq 0 $((N-1)) | parallel -j1 --sshloginfile hosts recast render --shard {}/N \
#       --cache /shared/recast-cache FILE...
#   recast render FILE... --out-dir out --cache /shared/recast-cache
set -eu
recast=${RECAST:-recast}
logins="" loginfile="" shards="" cache="" outdir=out
while [ $# -gt 0 ]; do
    case $1 in
    -S) logins=$2; shift 2 ;;
    --sshloginfile) loginfile=$2; shift 2 ;;
    -n) shards=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --out-dir) outdir=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    --) break ;;
    -*) echo "recast-parallel: unknown option $1 (see --help)" >&2; exit 64 ;;
    *) break ;;
    esac
done
[ -n "$cache" ] || { echo "recast-parallel: --cache DIR is required (the cache every host shares)" >&2; exit 64; }
command -v parallel >/dev/null 2>&1 || { echo "recast-parallel: GNU Parallel is missing (apt-get install parallel)" >&2; exit 69; }
# FILE... then the render options: the files as absolute paths (the same on every host)
n=$# n_files=0 options=0
for a in "$@"; do
    if [ $options = 0 ] && [ "$a" = -- ]; then options=1; continue; fi
    if [ $options = 0 ]; then
        case $a in -*) options=1 ;; *) a=$(realpath "$a") && n_files=$((n_files + 1)) ;; esac
    fi
    set -- "$@" "$a"
done
shift "$n"
[ "$n_files" -gt 0 ] || { echo "recast-parallel: no transcript FILE given" >&2; exit 64; }
cache=$(realpath -m "$cache")
if [ -n "$loginfile" ]; then
    hosts=$(grep -cv '^[[:space:]]*\(#\|$\)' "$loginfile")
    login_opt=--sshloginfile login=$loginfile
else
    login=${logins:-:}
    hosts=$(echo "$login" | tr ',' '\n' | grep -c .)
    login_opt=-S
fi
shards=${shards:-$((2 * hosts))}
# the shards: one at a time per sshlogin (-j1: each uses every CPU of its host with
# recast's own workers); the first failure stops the rest.  -q: every argument reaches
# the remote shell as it is.
seq 0 $((shards - 1)) | parallel -j1 --halt now,fail=1 --tagstring 'shard {}' "$login_opt" "$login" -q \
    "$recast" render --shard "{}/$shards" --cache "$cache" "$@"
# the mux, here: every piece is in the cache
"$recast" render --out-dir "$outdir" --cache "$cache" "$@"
