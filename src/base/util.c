/* util.c: see util.h. */
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rc_fail(struct rc_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return -1;
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "recast: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void sb_init(struct strbuf *sb) { sb->data = NULL, sb->len = 0, sb->cap = 0; }

void sb_free(struct strbuf *sb)
{
    free(sb->data);
    sb_init(sb);
}

void sb_reserve(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1) cap *= 2;
    sb->data = xrealloc(sb->data, cap);
    sb->cap = cap;
}

void sb_add(struct strbuf *sb, const char *bytes, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, bytes, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s) { sb_add(sb, s, strlen(s)); }
void sb_addc(struct strbuf *sb, char c) { sb_add(sb, &c, 1); }

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    sb_reserve(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

const char *sb_cstr(struct strbuf *sb)
{
    if (!sb->data) sb_reserve(sb, 0), sb->data[0] = '\0';
    return sb->data;
}

char *sb_detach(struct strbuf *sb)
{
    sb_cstr(sb);
    char *p = sb->data;
    sb_init(sb);
    return p;
}

int read_file(const char *path, char **out, size_t *out_len, struct rc_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rc_fail(err, RC_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        close(fd);
        return rc_fail(err, RC_NOINPUT, "%s: is a directory, not a transcript file", path);
    }
    struct strbuf sb;
    sb_init(&sb);
    sb_reserve(&sb, S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536);
    for (;;) {
        sb_reserve(&sb, 65536);
        ssize_t n = read(fd, sb.data + sb.len, sb.cap - sb.len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            sb_free(&sb);
            return rc_fail(err, RC_IOERR, "%s: read error: %s", path, strerror(e));
        }
        if (n == 0) break;
        sb.len += (size_t)n;
    }
    close(fd);
    sb.data[sb.len] = '\0';
    *out_len = sb.len;
    *out = sb.data;
    return 0;
}

int read_text_file(const char *path, char **out, size_t *out_len, struct rc_error *err)
{
    if (read_file(path, out, out_len, err) != 0) return -1;
    if (strlen(*out) != *out_len) {
        free(*out);
        *out = NULL;
        return rc_fail(err, RC_DATAERR, "%s: contains a NUL byte; is it a text file?", path);
    }
    return 0;
}

/* Registry of uncommitted temporary files, for atomic_cleanup_all() from a signal
 * handler.  Fixed size, async-signal-safe removal (unlink only). */
#define MAX_PENDING 256
static char *volatile pending[MAX_PENDING];

static void pending_add(char *p)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i]) {
            pending[i] = p;
            return;
        }
}

static void pending_remove(const char *p)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i] == p) pending[i] = NULL;
}

void atomic_cleanup_all(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i]) unlink(pending[i]);
}

int atomic_open(struct atomic_file *af, const char *path, struct rc_error *err)
{
    memset(af, 0, sizeof *af);
    af->path = xstrdup(path);
    if (strcmp(path, "-") == 0) {
        af->fp = stdout;
        return 0;
    }
    /* A device or a pipe (/dev/null, /dev/full, a FIFO) is written directly: renaming a
     * temporary file over it would replace the device node. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            free(af->path);
            memset(af, 0, sizeof *af);
            return rc_fail(err, RC_CANTCREAT, "%s: is a directory; give a file name", path);
        }
        af->fp = fopen(path, "wb");
        if (!af->fp) {
            int e = errno;
            free(af->path);
            memset(af, 0, sizeof *af);
            return rc_fail(err, RC_CANTCREAT, "%s: cannot open for writing: %s", path, strerror(e));
        }
        af->direct = 1;
        return 0;
    }
    struct strbuf tmp;
    sb_init(&tmp);
    const char *slash = strrchr(path, '/');
    if (slash) sb_add(&tmp, path, (size_t)(slash - path + 1));
    sb_printf(&tmp, ".%s.tmp-XXXXXX", slash ? slash + 1 : path);
    af->tmp_path = sb_detach(&tmp);
    /* no signal between creating the temporary file and registering it for cleanup */
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old_mask);
    int fd = mkostemp(af->tmp_path, O_CLOEXEC);
    if (fd >= 0) pending_add(af->tmp_path);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    if (fd < 0) {
        int e = errno;
        rc_fail(err, RC_CANTCREAT, "%s: cannot create output: %s%s", path, strerror(e),
                e == ENOENT ? " (does the directory exist?)" : "");
        free(af->tmp_path), free(af->path);
        memset(af, 0, sizeof *af);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        close(fd);
        atomic_abort(af);
        return rc_fail(err, RC_CANTCREAT, "%s: cannot create output", path);
    }
    return 0;
}

int atomic_commit(struct atomic_file *af, struct rc_error *err)
{
    if (!af->tmp_path) { /* stdout or a device */
        int bad = fflush(af->fp) != 0 || ferror(af->fp);
        int e = errno;
        if (af->direct && fclose(af->fp) != 0) bad = 1, e = errno;
        char *name = af->path;
        memset(af, 0, sizeof *af);
        if (bad) rc_fail(err, RC_IOERR, "%s: write error: %s", name && strcmp(name, "-") ? name : "stdout", strerror(e));
        free(name);
        return bad ? -1 : 0;
    }
    int bad = fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0;
    int e = errno;
    if (fclose(af->fp) != 0 && !bad) bad = 1, e = errno;
    af->fp = NULL;
    if (bad) {
        atomic_abort(af);
        return rc_fail(err, RC_IOERR, "%s: write error: %s", af->path ? af->path : "?", strerror(e));
    }
    if (rename(af->tmp_path, af->path) != 0) {
        e = errno;
        rc_fail(err, RC_CANTCREAT, "%s: cannot rename into place: %s", af->path, strerror(e));
        atomic_abort(af);
        return -1;
    }
    pending_remove(af->tmp_path);
    free(af->tmp_path), free(af->path);
    memset(af, 0, sizeof *af);
    return 0;
}

void atomic_abort(struct atomic_file *af)
{
    if (af->fp && af->fp != stdout) fclose(af->fp);
    if (af->tmp_path) {
        unlink(af->tmp_path);
        pending_remove(af->tmp_path);
    }
    free(af->tmp_path), free(af->path);
    memset(af, 0, sizeof *af);
}

int atomic_write(const char *path, const void *data, size_t len, struct rc_error *err)
{
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0) return -1;
    if (len && fwrite(data, 1, len, af.fp) != len) {
        int e = errno;
        atomic_abort(&af);
        return rc_fail(err, RC_IOERR, "%s: write error: %s", path, strerror(e));
    }
    return atomic_commit(&af, err);
}

int make_dirs(const char *path, struct rc_error *err)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) goto fail;
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) goto fail;
    free(p);
    return 0;
fail:;
    int e = errno;
    rc_fail(err, RC_CANTCREAT, "%s: cannot create directory: %s", path, strerror(e));
    free(p);
    return -1;
}
