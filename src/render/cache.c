/* cache.c: see cache.h. */
#include "render/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
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

char *cache_default_dir(void)
{
    struct strbuf sb;
    sb_init(&sb);
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg == '/') sb_printf(&sb, "%s/recast", xdg);
    else if (home && *home) sb_printf(&sb, "%s/.cache/recast", home);
    else sb_adds(&sb, "/tmp/recast-cache");
    return sb_detach(&sb);
}

int cache_open(struct cache *c, const char *dir, int no_cache, struct rc_error *err)
{
    memset(c, 0, sizeof *c);
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
        return 0;
    }
    c->dir = dir ? xstrdup(dir) : cache_default_dir();
    if (make_dirs(c->dir, err) != 0) {
        char why[900];
        memcpy(why, err->msg, sizeof why - 1);
        why[sizeof why - 1] = '\0';
        rc_fail(err, RC_CANTCREAT, "%s (the turn cache; choose another with --cache DIR or use --no-cache)", why);
        free(c->dir);
        c->dir = NULL;
        return -1;
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

int cache_get(const struct cache *c, const char *key, const char *ext, char **data, size_t *len,
              struct rc_error *err)
{
    char *path = entry_path(c, key, ext);
    if (access(path, F_OK) != 0) {
        free(path);
        return 1;
    }
    struct rc_error e2 = {0};
    int rc = read_file(path, data, len, &e2);
    if (rc != 0) {
        rc_fail(err, RC_IOERR, "%s", e2.msg);
        free(path);
        return -1;
    }
    utimensat(AT_FDCWD, path, NULL, 0); /* mark as used, for pruning */
    free(path);
    return 0;
}

int cache_put(const struct cache *c, const char *key, const char *ext, const void *data, size_t len,
              struct rc_error *err)
{
    struct strbuf sub;
    sb_init(&sub);
    sb_printf(&sub, "%s/%.2s", c->dir, key);
    int rc = make_dirs(sb_cstr(&sub), err);
    sb_free(&sub);
    if (rc != 0) return -1;
    char *path = entry_path(c, key, ext);
    rc = atomic_write(path, data, len, err);
    free(path);
    return rc;
}

void cache_remove(const struct cache *c, const char *key, const char *ext)
{
    char *path = entry_path(c, key, ext);
    unlink(path);
    free(path);
}

int cache_stat(const char *dir, int prune, int older_than_days, long long *bytes, long long *entries,
               long long *removed, struct rc_error *err)
{
    *bytes = *entries = *removed = 0;
    DIR *top = opendir(dir);
    if (!top) {
        if (errno == ENOENT) return 0;
        return rc_fail(err, RC_NOINPUT, "%s: cannot open cache directory: %s", dir, strerror(errno));
    }
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(top))) {
        if (strlen(de->d_name) != 2) continue;
        struct strbuf sub;
        sb_init(&sub);
        sb_printf(&sub, "%s/%s", dir, de->d_name);
        DIR *d = opendir(sb_cstr(&sub));
        struct dirent *fe;
        while (d && (fe = readdir(d))) {
            if (fe->d_name[0] == '.' && (fe->d_name[1] == '\0' || fe->d_name[1] == '.')) continue;
            struct strbuf path;
            sb_init(&path);
            sb_printf(&path, "%s/%s", sb_cstr(&sub), fe->d_name);
            struct stat st;
            if (stat(sb_cstr(&path), &st) == 0 && S_ISREG(st.st_mode)) {
                int stale = fe->d_name[0] == '.' || difftime(now, st.st_mtime) >= older_than_days * 86400.0;
                if (prune && stale && unlink(sb_cstr(&path)) == 0) {
                    (*removed)++;
                } else {
                    (*entries)++;
                    *bytes += st.st_size;
                }
            }
            sb_free(&path);
        }
        if (d) closedir(d);
        if (prune) rmdir(sb_cstr(&sub)); /* only succeeds when empty */
        sb_free(&sub);
    }
    closedir(top);
    return 0;
}
