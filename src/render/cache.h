/* cache.h: rendered turns stored under a content hash of everything that shaped them.
 *
 * Entries live in DIR/KK/KEY.EXT (KEY: 64 hex digits of SHA-256, KK its first two).
 * Writes are atomic (temporary file + rename), so a reader sees a whole entry or none;
 * readers still verify what they read (packet runs carry Ogg CRCs, info records are
 * parsed and checked) and treat a bad entry as missing.
 *
 * Shared by many processes on many hosts (a directory on NFS): nothing needs a lock.
 *   - a writer creates a temporary name unique across hosts (.recast-PID-HOST-XXXXXX.
 *     KEY.EXT, O_EXCL, see util.h) in the entry's own bucket, writes, fsyncs, closes and
 *     renames it onto the entry: rename within a directory is atomic on NFS too, and
 *     close-to-open consistency makes a reader that opens the name after the rename see
 *     the whole file.  Two writers of one entry write the same bytes (the key is a hash
 *     of everything that shaped them, and rendering is deterministic): the second
 *     rename replaces a whole entry by an identical one.
 *   - readers take no lock on entries; an entry that is missing, damaged or not a
 *     regular file is rendered again.
 *   - pruning removes a temporary file only if its writer is provably gone: on this
 *     host (same HOST tag) a dead PID and a free lock; written elsewhere, an hour old.
 *     It removes entries not used (read or written) for DAYS, so a render using an
 *     entry keeps it; `--clear` on one host while another renders may remove entries
 *     that render is about to mux: it notices and renders them again (render.c), so
 *     the output is the same, only later.
 *   - on one host, renders hold a shared flock on DIR and `cache --prune` takes it
 *     exclusively, so a local prune waits for local renders; flock does not reach
 *     other hosts reliably (NFS emulates it with fcntl locks, or keeps it local with
 *     -o local_lock), and nothing above depends on it.
 *
 * Default directory: see cache_default_dir().  With no_cache, a
 * temporary directory is used and removed by cache_close().
 *
 * What is the cache's own: DIR holds a CACHEDIR.TAG that recast wrote (cache_open writes
 * it into a new or empty directory, or one that holds only cache names: a cache of an
 * older recast).  A directory without it that holds anything else is refused, by
 * cache_open and cache_stat alike, and nothing in it is touched.  Pruning removes only
 * regular files named as entries (KK/KEY.EXT, KK two hex digits, KEY 64 starting with
 * KK, EXT run, info.json or level.json), found without following any symlink. */
#ifndef RECAST_CACHE_H
#define RECAST_CACHE_H

#include <stddef.h>

#include "base/util.h"

#define CACHE_KEY_HEX 65 /* 64 hex digits + NUL */

struct cache {
    char *dir;
    int dir_fd;    /* the directory, open (entries are reached without following symlinks) */
    int temporary;
};

int cache_open(struct cache *c, const char *dir, int no_cache, struct rc_error *err);
void cache_close(struct cache *c);

/* Incremental key: feed the fields that shape an entry, then finish to hex. */
struct cache_key_ctx;
struct cache_key_ctx *cache_key_begin(const char *kind);
void cache_key_add(struct cache_key_ctx *k, const char *field, const void *data, size_t len);
void cache_key_add_str(struct cache_key_ctx *k, const char *field, const char *s);
void cache_key_add_int(struct cache_key_ctx *k, const char *field, long long v);
void cache_key_finish(struct cache_key_ctx *k, char hex[CACHE_KEY_HEX]); /* frees k */

/* SHA-256 of a buffer as hex (input hashes in the manifest). */
void cache_sha256_hex(const void *data, size_t len, char hex[CACHE_KEY_HEX]);

/* Reads an entry: 0 found (*data owned by caller), 1 missing, -1 I/O error. */
int cache_get(const struct cache *c, const char *key, const char *ext, char **data, size_t *len,
              struct rc_error *err);
/* Writes an entry atomically (creating DIR/KK). */
int cache_put(const struct cache *c, const char *key, const char *ext, const void *data, size_t len,
              struct rc_error *err);

/* Removes an entry (a damaged one); missing is fine. */
void cache_remove(const struct cache *c, const char *key, const char *ext);

/* Size and count of the entries; removes entries not used for `older_than_days` days if
 * prune (older_than_days 0: all).  A missing DIR has no entries; a DIR that is not a
 * recast cache is an error (RC_NOINPUT) and nothing is removed.  Pruning also removes the
 * temporary files of writers that died (*removed_temp).  In-flight work is left alone: a
 * render holds a shared lock on DIR from cache_open() to cache_close(), and pruning takes
 * it exclusively, waiting (with a message on stderr) for running renders to finish. */
int cache_stat(const char *dir, int prune, int older_than_days, long long *bytes, long long *entries,
               long long *removed, long long *removed_temp, struct rc_error *err);

/* The default directory (owned by caller): $XDG_CACHE_HOME/recast, ~/.cache/recast, or
 * with neither variable set ${TMPDIR:-/tmp}/recast-cache-UID (*fallback = 1; may be NULL).
 * cache_open() creates that one 0700 and uses it only if it is a directory (not a
 * symlink) of this user with mode 0700; otherwise it warns and renders without a cache. */
char *cache_default_dir(int *fallback);
/* The checks above: 0, or -1 with err (RC_NOINPUT; RC_CANTCREAT if create fails).  A
 * missing dir passes when create is 0. */
int cache_check_private(const char *dir, int create, struct rc_error *err);

#endif
