/* cache.c: see cache.h. */
#include "render/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct cache_key_ctx {
    struct sha256_ctx sha;
};

static void to_hex(const uint8_t *digest, char hex[CACHE_KEY_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) hex[2 * i] = digits[digest[i] >> 4], hex[2 * i + 1] = digits[digest[i] & 15];
    hex[64] = '\0';
}

struct cache_key_ctx *cache_key_begin(const char *kind)
{
    struct cache_key_ctx *k = xmalloc(sizeof *k);
    sha256_init(&k->sha);
    cache_key_add_str(k, "kind", kind);
    return k;
}

/* Each field is framed (name, length, bytes) so no two field lists hash alike. */
void cache_key_add(struct cache_key_ctx *k, const char *field, const void *data, size_t len)
{
    uint64_t n = len;
    sha256_update(&k->sha, strlen(field) + 1, (const uint8_t *)field);
    sha256_update(&k->sha, sizeof n, (const uint8_t *)&n);
    sha256_update(&k->sha, len, data);
}

void cache_key_add_str(struct cache_key_ctx *k, const char *field, const char *s)
{
    cache_key_add(k, field, s ? s : "", s ? strlen(s) : 0);
}

void cache_key_add_int(struct cache_key_ctx *k, const char *field, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    cache_key_add_str(k, field, buf);
}

void cache_key_finish(struct cache_key_ctx *k, char hex[CACHE_KEY_HEX])
{
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&k->sha, sizeof digest, digest);
    to_hex(digest, hex);
    free(k);
}

void cache_sha256_hex(const void *data, size_t len, char hex[CACHE_KEY_HEX])
{
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&sha);
    sha256_update(&sha, len, data);
    sha256_digest(&sha, sizeof digest, digest);
    to_hex(digest, hex);
}

char *cache_default_dir(int *fallback)
{
    struct strbuf sb;
    sb_init(&sb);
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"), *tmp = getenv("TMPDIR");
    if (fallback) *fallback = 0;
    if (xdg && *xdg == '/') sb_printf(&sb, "%s/recast", xdg);
    else if (home && *home) sb_printf(&sb, "%s/.cache/recast", home);
    else {
        sb_printf(&sb, "%s/recast-cache-%ld", tmp && *tmp == '/' ? tmp : "/tmp", (long)geteuid());
        if (fallback) *fallback = 1;
    }
    return sb_detach(&sb);
}

int cache_check_private(const char *dir, int create, struct rc_error *err)
{
    if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
        return rc_fail(err, RC_CANTCREAT, "%s: cannot create the turn cache: %s", dir, strerror(errno));
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT && !create) return 0;
        return rc_fail(err, RC_NOINPUT, "%s: %s", dir, strerror(errno));
    }
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
        return rc_fail(err, RC_NOINPUT,
                       "%s: not this user's private cache (%s, owner uid %ld, mode %04o; it must be a directory of "
                       "uid %ld with mode 0700); set HOME or XDG_CACHE_HOME, or give --cache DIR",
                       dir, S_ISLNK(st.st_mode) ? "a symlink" : S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
                       (long)st.st_uid, (unsigned)(st.st_mode & 07777), (long)geteuid());
    return 0;
}

/* ---- what is provably the cache's own ---- */

/* The cache directory tag (https://bford.info/cachedir/): backup tools skip the
 * directory, and its second line says recast wrote it.  A directory without it is not
 * taken for a cache unless everything in it has the cache's own naming. */
#define TAG_NAME "CACHEDIR.TAG"
#define TAG_SIGNATURE "Signature: 8a477f597d28d172789f06886806bc55"
static const char tag_text[] = TAG_SIGNATURE "\n"
                               "# This file is a cache directory tag created by recast (its turn cache).\n"
                               "# For information about cache directory tags see https://bford.info/cachedir/\n";

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* A bucket: exactly two lowercase hex digits. */
static int is_bucket_name(const char *name) { return strlen(name) == 2 && is_hex(name, 2); }

/* An entry of bucket KK: KEY.EXT, KEY 64 lowercase hex digits starting with KK, EXT one
 * of the kinds recast writes. */
static int is_entry_name(const char *bucket, const char *name)
{
    static const char *const exts[] = {"run", "info.json", "level.json"};
    if (strlen(name) < 66 || !is_hex(name, 64) || name[64] != '.' || strncmp(name, bucket, 2) != 0) return 0;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcmp(name + 65, exts[i]) == 0) return 1;
    return 0;
}

/* A temporary file of an entry being written: .recast-PID-HOST-XXXXXX.KEY.EXT (see
 * atomic_open), or .KEY.EXT.tmp-XXXXXX as recast wrote them before (legacy = 1). */
static int is_temp_name_kind(const char *bucket, const char *name, int *legacy)
{
    long pid;
    *legacy = 0;
    if (atomic_temp_pid(name, &pid)) return is_entry_name(bucket, strchr(name + 8, '.') + 1);
    size_t n = strlen(name);
    if (n < 1 + 66 + 11 || name[0] != '.' || strncmp(name + n - 11, ".tmp-", 5) != 0) return 0;
    char *entry = xstrndup(name + 1, n - 12);
    int ok = is_entry_name(bucket, entry);
    free(entry);
    for (size_t i = n - 6; i < n && ok; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9');
    *legacy = ok;
    return ok;
}

static int is_temp_name(const char *bucket, const char *name)
{
    int legacy;
    return is_temp_name_kind(bucket, name, &legacy);
}

/* The temporary file of the tag being written (.recast-PID-HOST-XXXXXX.CACHEDIR.TAG, or
 * .CACHEDIR.TAG.tmp-XXXXXX from an older recast). */
static int is_tag_temp_name(const char *name)
{
    static const char head[] = "." TAG_NAME ".tmp-";
    long pid;
    if (atomic_temp_pid(name, &pid)) return strcmp(strchr(name + 8, '.') + 1, TAG_NAME) == 0;
    return strncmp(name, head, sizeof head - 1) == 0 && strlen(name) == sizeof head - 1 + 6;
}

/* 1 if DIR/CACHEDIR.TAG is a regular file (not a symlink) that recast wrote. */
static int has_recast_tag(int dir_fd)
{
    int fd = openat(dir_fd, TAG_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    char buf[512];
    ssize_t n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    return strncmp(buf, TAG_SIGNATURE, strlen(TAG_SIGNATURE)) == 0 && strstr(buf, "created by recast") != NULL;
}

/* Does everything in the directory have the cache's own naming (buckets that are real
 * directories holding only entry names)?  Sets *stranger to the first name that does
 * not (owned by caller) and returns 0, else returns 1.  An empty directory qualifies. */
static int only_cache_names(int dir_fd, char **stranger)
{
    *stranger = NULL;
    int fd = dup(dir_fd);
    DIR *top = fd >= 0 ? fdopendir(fd) : NULL;
    if (!top) {
        if (fd >= 0) close(fd);
        *stranger = xstrdup("(unreadable)");
        return 0;
    }
    rewinddir(top);
    struct dirent *de;
    while (!*stranger && (de = readdir(top))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (is_tag_temp_name(de->d_name)) continue; /* a render is writing the tag */
        struct stat st;
        if (!is_bucket_name(de->d_name) || fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(st.st_mode)) {
            *stranger = xstrdup(de->d_name);
            break;
        }
        int bfd = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *b = bfd >= 0 ? fdopendir(bfd) : NULL;
        if (!b) {
            if (bfd >= 0) close(bfd);
            *stranger = xstrdup(de->d_name);
            break;
        }
        struct dirent *fe;
        while ((fe = readdir(b))) {
            if (!strcmp(fe->d_name, ".") || !strcmp(fe->d_name, "..")) continue;
            if (!is_entry_name(de->d_name, fe->d_name) && !is_temp_name(de->d_name, fe->d_name)) {
                struct strbuf sb;
                sb_init(&sb);
                sb_printf(&sb, "%s/%s", de->d_name, fe->d_name);
                *stranger = sb_detach(&sb);
                break;
            }
        }
        closedir(b);
    }
    closedir(top);
    return *stranger == NULL;
}

/* Removes the stale temporary files (see atomic_temp_is_stale) of every bucket. */
static void remove_stale_temps(int dir_fd, long long *n)
{
    int fd = dup(dir_fd);
    DIR *top = fd >= 0 ? fdopendir(fd) : NULL;
    if (!top) {
        if (fd >= 0) close(fd);
        return;
    }
    rewinddir(top);
    struct dirent *de;
    while ((de = readdir(top))) {
        if (!is_bucket_name(de->d_name)) continue;
        int bfd = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *b = bfd >= 0 ? fdopendir(bfd) : NULL;
        if (!b) {
            if (bfd >= 0) close(bfd);
            continue;
        }
        struct dirent *fe;
        int legacy;
        while ((fe = readdir(b)))
            if (is_temp_name_kind(de->d_name, fe->d_name, &legacy) && !legacy && atomic_temp_is_stale(bfd, fe->d_name) &&
                unlinkat(bfd, fe->d_name, 0) == 0 && n)
                (*n)++;
        closedir(b);
    }
    closedir(top);
}

/* Opens DIR as a cache: 0 (fd in *dir_fd) if it has recast's tag, or has none but holds
 * only cache names (a cache of an older recast, or an empty directory: *untagged = 1);
 * -1 with err (RC_NOINPUT) otherwise, naming what is not the cache's own. */
static int open_cache_dir(const char *dir, int *dir_fd, int *untagged, struct rc_error *err)
{
    *untagged = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return rc_fail(err, RC_NOINPUT, "%s: cannot open the cache directory: %s", dir,
                       strerror(e));
    }
    if (!has_recast_tag(fd)) {
        char *stranger;
        if (!only_cache_names(fd, &stranger)) {
            rc_fail(err, RC_NOINPUT,
                    "%s: not a recast cache (no %s written by recast, and it holds '%s', which is not a cache "
                    "entry); nothing was changed; give the cache's own directory or a new one with --cache DIR",
                    dir, TAG_NAME, stranger);
            free(stranger);
            close(fd);
            return -1;
        }
        *untagged = 1;
    }
    *dir_fd = fd;
    return 0;
}

int cache_open(struct cache *c, const char *dir, int no_cache, struct rc_error *err)
{
    memset(c, 0, sizeof *c);
    c->dir_fd = -1;
    if (no_cache) {
        const char *tmp = getenv("TMPDIR");
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%s/recast-nocache-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        c->dir = sb_detach(&sb);
        if (!mkdtemp(c->dir)) {
            int e = errno;
            rc_fail(err, RC_CANTCREAT, "%s: cannot create a temporary directory: %s", c->dir, strerror(e));
            free(c->dir);
            c->dir = NULL;
            return -1;
        }
        c->temporary = 1;
        c->dir_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return 0;
    }
    int fallback = 0;
    c->dir = dir ? xstrdup(dir) : cache_default_dir(&fallback);
    if (fallback && cache_check_private(c->dir, 1, err) != 0) {
        /* a shared place someone else may control: no cache rather than trusting it */
        fprintf(stderr, "recast: warning: %s; rendering without a cache\n", err->msg);
        memset(err, 0, sizeof *err);
        free(c->dir);
        return cache_open(c, NULL, 1, err);
    }
    int untagged = 0;
    if (make_dirs(c->dir, err) != 0 || open_cache_dir(c->dir, &c->dir_fd, &untagged, err) != 0) {
        char why[900];
        memcpy(why, err->msg, sizeof why - 1);
        why[sizeof why - 1] = '\0';
        rc_fail(err, RC_CANTCREAT, "%s (the turn cache; choose another with --cache DIR or use --no-cache)", why);
        free(c->dir);
        c->dir = NULL;
        return -1;
    }
    /* shared: any number of renders; a `cache --prune` on this host waits for them
     * (LOCK_EX).  Nothing needs it to be right: where the lock does not reach (other
     * hosts over NFS) or cannot be had, entries are still whole or absent (cache.h). */
    if (flock(c->dir_fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        fprintf(stderr, "recast: %s: waiting for 'recast cache --prune' to finish\n", c->dir);
        flock(c->dir_fd, LOCK_SH);
    }
    remove_stale_temps(c->dir_fd, NULL);
    if (untagged) {
        struct strbuf tag;
        sb_init(&tag);
        sb_printf(&tag, "%s/%s", c->dir, TAG_NAME);
        int rc = atomic_write(sb_cstr(&tag), tag_text, strlen(tag_text), err);
        sb_free(&tag);
        if (rc != 0) {
            close(c->dir_fd);
            free(c->dir);
            memset(c, 0, sizeof *c);
            return -1;
        }
    }
    return 0;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%s/%s", path, de->d_name);
        remove_tree(sb_cstr(&sb));
        sb_free(&sb);
    }
    closedir(d);
    rmdir(path);
}

void cache_close(struct cache *c)
{
    if (c->temporary && c->dir) remove_tree(c->dir);
    if (c->dir && c->dir_fd >= 0) close(c->dir_fd);
    free(c->dir);
    memset(c, 0, sizeof *c);
}

static char *entry_path(const struct cache *c, const char *key, const char *ext)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s/%.2s/%s.%s", c->dir, key, key, ext);
    return sb_detach(&sb);
}

/* Opens bucket KK of key (never through a symlink); -1 if it is not there. */
static int open_bucket(const struct cache *c, const char *key)
{
    char bucket[3] = {key[0], key[1], '\0'};
    return openat(c->dir_fd, bucket, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int cache_get(const struct cache *c, const char *key, const char *ext, char **data, size_t *len,
              struct rc_error *err)
{
    int bfd = open_bucket(c, key);
    if (bfd < 0) return 1;
    char name[CACHE_KEY_HEX + 32];
    snprintf(name, sizeof name, "%s.%s", key, ext);
    /* an entry is a regular file: a FIFO would hang, a symlink to /dev/zero never ends,
     * one to /dev/null reads empty forever; such a thing at an entry's name is removed
     * (the name, not what it points to) and the entry counts as missing */
    int fd = openat(bfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = fd < 0 ? errno : 0;
        if (fd >= 0) close(fd);
        if (e != ENOENT) unlinkat(bfd, name, 0);
        close(bfd);
        return 1;
    }
    char *path = entry_path(c, key, ext);
    struct rc_error e2 = {0};
    int rc = read_fd(fd, path, data, len, &e2);
    if (rc == 0) futimens(fd, NULL); /* mark as used, for pruning */
    close(fd);
    close(bfd);
    if (rc != 0) rc_fail(err, RC_IOERR, "%s", e2.msg);
    free(path);
    return rc == 0 ? 0 : -1;
}

int cache_put(const struct cache *c, const char *key, const char *ext, const void *data, size_t len,
              struct rc_error *err)
{
    struct strbuf sub;
    sb_init(&sub);
    sb_printf(&sub, "%s/%.2s", c->dir, key);
    int rc = make_dirs(sb_cstr(&sub), err);
    struct stat st;
    char bucket[3] = {key[0], key[1], '\0'};
    if (rc == 0 && (fstatat(c->dir_fd, bucket, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)))
        rc = rc_fail(err, RC_CANTCREAT, "%s: not a directory of the cache (a symlink?); remove it", sb_cstr(&sub));
    sb_free(&sub);
    if (rc != 0) return -1;
    char *path = entry_path(c, key, ext);
    rc = atomic_write_regular(path, data, len, err);
    free(path);
    return rc;
}

void cache_remove(const struct cache *c, const char *key, const char *ext)
{
    int bfd = open_bucket(c, key);
    if (bfd < 0) return;
    char name[CACHE_KEY_HEX + 32];
    snprintf(name, sizeof name, "%s.%s", key, ext);
    unlinkat(bfd, name, 0);
    close(bfd);
}

/* A temporary file whose writer cannot be asked (another host's, an older recast's) is
 * a leftover after this long. */
#define FOREIGN_TEMP_AGE_S 3600.0

/* Counts (and, if prune, removes) the entries of one bucket.  Only regular files with
 * the cache's own naming are touched; nothing is followed through a symlink. */
static void scan_bucket(int dir_fd, const char *bucket, int prune, double max_age_s, time_t now, long long *bytes,
                        long long *entries, long long *removed, long long *removed_temp)
{
    int bfd = openat(dir_fd, bucket, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = bfd >= 0 ? fdopendir(bfd) : NULL;
    if (!d) {
        if (bfd >= 0) close(bfd);
        return;
    }
    struct dirent *fe;
    while ((fe = readdir(d))) {
        int legacy;
        if (prune && is_temp_name_kind(bucket, fe->d_name, &legacy)) {
            /* a leftover of a run that died (under the exclusive lock, no render of this
             * recast on this host is writing; one written on another host, whose writer
             * cannot be asked, or by an older recast is given an hour: an entry is
             * written in one go, in seconds) */
            struct stat st;
            if (fstatat(bfd, fe->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                (legacy || atomic_temp_is_foreign(fe->d_name) ? difftime(now, st.st_mtime) > FOREIGN_TEMP_AGE_S
                                                              : atomic_temp_is_stale(bfd, fe->d_name)) &&
                unlinkat(bfd, fe->d_name, 0) == 0)
                (*removed_temp)++;
            continue;
        }
        if (!is_entry_name(bucket, fe->d_name)) continue;
        struct stat st;
        if (fstatat(bfd, fe->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        if (prune && difftime(now, st.st_mtime) >= max_age_s && unlinkat(bfd, fe->d_name, 0) == 0) {
            (*removed)++;
        } else {
            (*entries)++;
            *bytes += st.st_size;
        }
    }
    closedir(d);
}

int cache_stat(const char *dir, int prune, int older_than_days, long long *bytes, long long *entries,
               long long *removed, long long *removed_temp, struct rc_error *err)
{
    *bytes = *entries = *removed = *removed_temp = 0;
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT) return 0; /* no cache yet */
    int dir_fd, untagged;
    if (open_cache_dir(dir, &dir_fd, &untagged, err) != 0) return -1;
    int fd = dup(dir_fd);
    DIR *top = fd >= 0 ? fdopendir(fd) : NULL;
    if (!top) {
        if (fd >= 0) close(fd);
        close(dir_fd);
        return rc_fail(err, RC_NOINPUT, "%s: cannot read the cache directory: %s", dir, strerror(errno));
    }
    if (prune && flock(dir_fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        /* a render on this host is using the cache: its entries and temporary files are
         * in use.  Any other failure (NFS, where the lock may be emulated with fcntl and
         * refused on a directory) leaves the guarantees that need no lock (cache.h). */
        fprintf(stderr, "recast: %s: in use by a render; waiting for it to finish (Ctrl-C gives up)\n", dir);
        flock(dir_fd, LOCK_EX);
    }
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(top)))
        if (is_bucket_name(de->d_name))
            scan_bucket(dir_fd, de->d_name, prune, older_than_days * 86400.0, now, bytes, entries, removed,
                        removed_temp);
    closedir(top);
    close(dir_fd);
    return 0;
}
