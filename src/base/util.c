/* util.c: see util.h. */
#include "base/util.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; what is not a regular file
     * is refused before anything is read (a FIFO would hang, /dev/zero never ends) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return rc_fail(err, RC_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int dir = S_ISDIR(st.st_mode);
        const char *what = dir ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ? "a character device"
                           : S_ISBLK(st.st_mode) ? "a block device" : S_ISSOCK(st.st_mode) ? "a socket" : "not a file";
        close(fd);
        return rc_fail(err, RC_NOINPUT, "%s: is %s, not a regular file; give a file", path, what);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int rc = read_fd(fd, path, out, out_len, err);
    close(fd);
    return rc;
}

int read_fd(int fd, const char *path, char **out, size_t *out_len, struct rc_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return rc_fail(err, RC_NOINPUT, "%s: not a regular file", path);
    struct strbuf sb;
    sb_init(&sb);
    sb_reserve(&sb, (size_t)st.st_size);
    for (;;) {
        sb_reserve(&sb, 65536);
        ssize_t n = read(fd, sb.data + sb.len, sb.cap - sb.len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            sb_free(&sb);
            return rc_fail(err, RC_IOERR, "%s: read error: %s", path, strerror(e));
        }
        if (n == 0) break;
        sb.len += (size_t)n;
    }
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
#define MAX_PENDING 8192 /* a staged output set: up to 1000 clips with their sidecars */
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

void atomic_disown_all(void)
{
    for (int i = 0; i < MAX_PENDING; i++) pending[i] = NULL;
}

static int open_impl(struct atomic_file *af, const char *path, int regular_only, struct rc_error *err);

int atomic_open(struct atomic_file *af, const char *path, struct rc_error *err)
{
    return open_impl(af, path, 0, err);
}

int atomic_open_regular(struct atomic_file *af, const char *path, struct rc_error *err)
{
    return open_impl(af, path, 1, err);
}

static int open_impl(struct atomic_file *af, const char *path, int regular_only, struct rc_error *err)
{
    memset(af, 0, sizeof *af);
    af->path = xstrdup(path);
    if (!regular_only && strcmp(path, "-") == 0) {
        af->fp = stdout;
        return 0;
    }
    /* A device or a pipe (/dev/null, /dev/full, a FIFO) is written directly: renaming a
     * temporary file over it would replace the device node. */
    struct stat st;
    if (!regular_only && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
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
    const char *base = slash ? slash + 1 : path;
    if (slash) sb_add(&tmp, path, (size_t)(slash - path + 1));
    /* .recast-PID-HOST-XXXXXX.BASE: provably recast's (the marker, the writer's pid and
     * host), unique across the hosts sharing a directory (HOST, and the random XXXXXX
     * created O_EXCL), within NAME_MAX whatever the length of BASE (cut at a character
     * boundary) */
    size_t head = tmp.len;
    sb_printf(&tmp, ".recast-%ld-%s-XXXXXX", (long)getpid(), atomic_host_tag());
    size_t room = ATOMIC_NAME_MAX - (tmp.len - head) - 1, keep = strlen(base);
    if (keep > room) {
        keep = room;
        while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80) keep--;
    }
    sb_addc(&tmp, '.');
    sb_add(&tmp, base, keep);
    af->tmp_path = sb_detach(&tmp);
    /* no signal between creating the temporary file and registering it for cleanup */
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old_mask);
    int fd = mkostemps(af->tmp_path, (int)keep + 1, O_CLOEXEC);
    if (fd >= 0) pending_add(af->tmp_path);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    /* held until the file is closed: a file being written is never taken for stale */
    if (fd >= 0) flock(fd, LOCK_EX | LOCK_NB);
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

static atomic_stage_fn stage_hook;
static void *stage_ctx;

void atomic_set_stage(atomic_stage_fn fn, void *ctx) { stage_hook = fn, stage_ctx = ctx; }

void atomic_forget(const char *tmp_path) { pending_remove(tmp_path); }

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
    if (stage_hook) { /* part of an output set: put in place together, later */
        stage_hook(stage_ctx, af->tmp_path, af->path);
        memset(af, 0, sizeof *af);
        return 0;
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

static int write_impl(const char *path, const void *data, size_t len, int regular_only, struct rc_error *err)
{
    struct atomic_file af;
    if (open_impl(&af, path, regular_only, err) != 0) return -1;
    if (len && fwrite(data, 1, len, af.fp) != len) {
        int e = errno;
        atomic_abort(&af);
        return rc_fail(err, RC_IOERR, "%s: write error: %s", path, strerror(e));
    }
    return atomic_commit(&af, err);
}

int atomic_write(const char *path, const void *data, size_t len, struct rc_error *err)
{
    return write_impl(path, data, len, 0, err);
}

int atomic_write_regular(const char *path, const void *data, size_t len, struct rc_error *err)
{
    return write_impl(path, data, len, 1, err);
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

const char *atomic_host_tag(void)
{
    static char tag[ATOMIC_HOST_TAG_LEN + 1];
    if (tag[0]) return tag;
    struct sha256_ctx sha;
    sha256_init(&sha);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    sha256_update(&sha, strlen(host) + 1, (const uint8_t *)host);
    char boot[64] = "";
    int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, boot, sizeof boot - 1);
        boot[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    sha256_update(&sha, strlen(boot) + 1, (const uint8_t *)boot);
    struct stat st;
    unsigned long long pidns[2] = {0, 0}; /* the PID namespace: containers on one kernel differ */
    if (stat("/proc/self/ns/pid", &st) == 0) pidns[0] = (unsigned long long)st.st_dev, pidns[1] = (unsigned long long)st.st_ino;
    sha256_update(&sha, sizeof pidns, (const uint8_t *)pidns);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&sha, sizeof digest, digest);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < ATOMIC_HOST_TAG_LEN / 2; i++)
        tag[2 * i] = digits[digest[i] >> 4], tag[2 * i + 1] = digits[digest[i] & 15];
    tag[ATOMIC_HOST_TAG_LEN] = '\0';
    return tag;
}

static int is_lower_hex(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

int atomic_temp_parse(const char *name, long *pid, char host[ATOMIC_HOST_TAG_LEN + 1])
{
    static const char prefix[] = ".recast-";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0) return 0;
    const char *p = name + sizeof prefix - 1;
    long v = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++) v = v * 10 + (*p - '0');
    if (!digits || *p++ != '-') return 0;
    host[0] = '\0';
    if (is_lower_hex(p, ATOMIC_HOST_TAG_LEN) && p[ATOMIC_HOST_TAG_LEN] == '-') { /* HOST- (else an older recast's) */
        memcpy(host, p, ATOMIC_HOST_TAG_LEN);
        host[ATOMIC_HOST_TAG_LEN] = '\0';
        p += ATOMIC_HOST_TAG_LEN + 1;
    }
    for (int i = 0; i < 6; i++, p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return 0;
    if (*p != '.' || !p[1]) return 0;
    *pid = v;
    return 1;
}

int atomic_temp_pid(const char *name, long *pid)
{
    char host[ATOMIC_HOST_TAG_LEN + 1];
    return atomic_temp_parse(name, pid, host);
}

int atomic_temp_is_foreign(const char *name)
{
    long pid;
    char host[ATOMIC_HOST_TAG_LEN + 1];
    return atomic_temp_parse(name, &pid, host) && host[0] && strcmp(host, atomic_host_tag()) != 0;
}

int atomic_temp_is_stale(int dir_fd, const char *name)
{
    long pid;
    char host[ATOMIC_HOST_TAG_LEN + 1];
    if (!atomic_temp_parse(name, &pid, host)) return 0;
    /* a PID of another host (or of this one before a reboot) says nothing here */
    if (host[0] && strcmp(host, atomic_host_tag()) != 0) return 0;
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
        return 0;
    if (pid == (long)getpid() || pid <= 0 || !(kill((pid_t)pid, 0) != 0 && errno == ESRCH)) return 0;
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    int stale = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd);
    return stale;
}

long long atomic_remove_stale(const char *dir, long long *bytes)
{
    long long n = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0) close(dfd);
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        if (!atomic_temp_is_stale(dfd, de->d_name) || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (unlinkat(dfd, de->d_name, 0) == 0) {
            n++;
            if (bytes) *bytes += st.st_size;
        }
    }
    closedir(d);
    return n;
}
