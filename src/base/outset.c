/* outset.c: see outset.h. */
#include "base/outset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_PREFIX ".recast-journal."
#define JOURNAL_MAGIC "recast output journal 1\n"
#define JOURNAL_MAX_BYTES (64 << 20)

struct staged {
    char *tmp_path; /* owned; registered with atomic_cleanup_all() until renamed */
    char *path;     /* owned */
};

struct outset {
    char *journal_dir;
    char *journal_path;
    struct staged *files;
    int n_files, cap;
};

static struct outset *active;

static void on_stage(void *ctx, char *tmp_path, char *path)
{
    struct outset *s = ctx;
    if (s->n_files == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->files = xrealloc(s->files, sizeof *s->files * (size_t)s->cap);
    }
    s->files[s->n_files++] = (struct staged){tmp_path, path};
}

struct outset *outset_begin(const char *journal_dir, const char *name, struct rc_error *err)
{
    if (active) {
        rc_fail(err, RC_SOFTWARE, "an output set is already open");
        return NULL;
    }
    struct outset *s = xcalloc(1, sizeof *s);
    s->journal_dir = xstrdup(journal_dir && *journal_dir ? journal_dir : ".");
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s/" JOURNAL_PREFIX, s->journal_dir);
    /* within NAME_MAX with room for the journal's own temporary name */
    size_t room = ATOMIC_NAME_MAX - 40 - strlen(JOURNAL_PREFIX), keep = strlen(name);
    if (keep > room) {
        keep = room;
        while (keep > 0 && ((unsigned char)name[keep] & 0xC0) == 0x80) keep--;
    }
    sb_add(&sb, name, keep);
    s->journal_path = sb_detach(&sb);
    active = s;
    atomic_set_stage(on_stage, s);
    return s;
}

int outset_count(const struct outset *s) { return s ? s->n_files : 0; }

const char *outset_staged_path(const struct outset *s, const char *path)
{
    for (int i = s ? s->n_files - 1 : -1; i >= 0; i--)
        if (strcmp(s->files[i].path, path) == 0) return s->files[i].tmp_path;
    return NULL;
}

static void free_set(struct outset *s)
{
    for (int i = 0; i < s->n_files; i++) free(s->files[i].tmp_path), free(s->files[i].path);
    free(s->files);
    free(s->journal_dir);
    free(s->journal_path);
    if (active == s) {
        active = NULL;
        atomic_set_stage(NULL, NULL);
    }
    free(s);
}

void outset_abort(struct outset *s)
{
    if (!s) return;
    atomic_set_stage(NULL, NULL);
    for (int i = 0; i < s->n_files; i++) {
        unlink(s->files[i].tmp_path);
        atomic_forget(s->files[i].tmp_path);
    }
    free_set(s);
}

/* "a/b/c.opus" -> "a/b"; "c.opus" -> "." (owned by caller) */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int outset_commit(struct outset *s, struct rc_error *err)
{
    atomic_set_stage(NULL, NULL); /* the journal itself is written the ordinary way */
    if (s->n_files == 0) {
        free_set(s);
        return 0;
    }
    /* 1. a target that is a directory would fail its rename half-way through the set */
    for (int i = 0; i < s->n_files; i++) {
        struct stat st;
        if (lstat(s->files[i].path, &st) == 0 && S_ISDIR(st.st_mode)) {
            rc_fail(err, RC_CANTCREAT, "%s: is a directory; nothing was replaced (remove it or choose another name)",
                    s->files[i].path);
            outset_abort(s);
            return -1;
        }
    }
    /* 2. the journal: absolute directory, temporary name, target name, NUL-separated */
    struct strbuf j;
    sb_init(&j);
    sb_printf(&j, JOURNAL_MAGIC "pid %ld\n", (long)getpid());
    char **dirs = xcalloc((size_t)s->n_files, sizeof *dirs);
    int n_dirs = 0, rc = 0;
    for (int i = 0; i < s->n_files && rc == 0; i++) {
        char *d = dir_of(s->files[i].path);
        char *abs = realpath(d, NULL);
        if (!abs) rc = rc_fail(err, RC_CANTCREAT, "%s: %s", d, strerror(errno));
        free(d);
        if (rc) break;
        sb_add(&j, abs, strlen(abs) + 1);
        sb_add(&j, base_of(s->files[i].tmp_path), strlen(base_of(s->files[i].tmp_path)) + 1);
        sb_add(&j, base_of(s->files[i].path), strlen(base_of(s->files[i].path)) + 1);
        int seen = 0;
        for (int k = 0; k < n_dirs && !seen; k++) seen = strcmp(dirs[k], abs) == 0;
        if (!seen) dirs[n_dirs++] = abs;
        else free(abs);
    }
    if (rc == 0) rc = atomic_write(s->journal_path, j.data, j.len, err);
    sb_free(&j);
    if (rc != 0) {
        for (int k = 0; k < n_dirs; k++) free(dirs[k]);
        free(dirs);
        outset_abort(s);
        return -1;
    }
    fsync_dir(s->journal_dir);
    /* 3. the short final step */
    for (int i = 0; i < s->n_files; i++) {
        if (rename(s->files[i].tmp_path, s->files[i].path) != 0) {
            int e = errno;
            rc = rc_fail(err, RC_CANTCREAT,
                         "%s: cannot rename into place: %s; the rest of the output set stays staged and the next "
                         "render finishes it (journal %s)",
                         s->files[i].path, strerror(e), s->journal_path);
            break;
        }
        atomic_forget(s->files[i].tmp_path);
    }
    for (int k = 0; k < n_dirs; k++) {
        if (rc == 0) fsync_dir(dirs[k]);
        free(dirs[k]);
    }
    free(dirs);
    if (rc == 0) {
        /* 4. done */
        unlink(s->journal_path);
        fsync_dir(s->journal_dir);
    } else {
        /* keep what the journal lists: the next run puts it in place */
        for (int i = 0; i < s->n_files; i++) atomic_forget(s->files[i].tmp_path);
    }
    free_set(s);
    return rc;
}

/* ---- recovery ---- */

static int pid_running(long pid) { return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH); }

/* Does tmp (a temporary name of writer pid) belong to target? */
static int temp_matches(const char *tmp, long pid, const char *target)
{
    long p;
    if (!atomic_temp_pid(tmp, &p) || p != pid || strchr(tmp, '/') || strchr(target, '/') || !*target) return 0;
    const char *name = strchr(tmp + 8, '.') + 1; /* after .recast-PID-HOST-XXXXXX. */
    return strncmp(target, name, strlen(name)) == 0;
}

/* Finishes one journal; 0 done (or not ours: left alone), -1 error. */
static int finish_journal(int dfd, const char *dir, const char *name, long long *finished, struct rc_error *err)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        st.st_size > JOURNAL_MAX_BYTES)
        return 0;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    char *text;
    size_t len;
    struct rc_error e2 = {0};
    int rc = read_fd(fd, name, &text, &len, &e2);
    close(fd);
    if (rc != 0) return 0;
    long pid = 0;
    char *p = text, *end = text + len;
    int ok = len > strlen(JOURNAL_MAGIC) && memcmp(p, JOURNAL_MAGIC, strlen(JOURNAL_MAGIC)) == 0;
    if (ok) {
        p += strlen(JOURNAL_MAGIC);
        char *nl = memchr(p, '\n', (size_t)(end - p));
        ok = nl && sscanf(p, "pid %ld", &pid) == 1 && pid > 0;
        p = nl ? nl + 1 : end;
    }
    /* check every entry before renaming anything */
    int n = 0;
    for (char *q = p; ok && q < end; n++) {
        char *f[3];
        for (int k = 0; k < 3 && ok; k++) {
            char *z = memchr(q, '\0', (size_t)(end - q));
            ok = z != NULL;
            f[k] = q;
            q = z ? z + 1 : end;
        }
        ok = ok && f[0][0] == '/' && temp_matches(f[1], pid, f[2]);
    }
    if (!ok || n == 0 || (pid != (long)getpid() && pid_running(pid))) { /* not ours, or its writer is at work */
        free(text);
        return 0;
    }
    for (char *q = p; q < end;) {
        char *adir = q, *tmp = adir + strlen(adir) + 1, *target = tmp + strlen(tmp) + 1;
        q = target + strlen(target) + 1;
        int ddir = open(adir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (ddir < 0) continue;
        if (fstatat(ddir, tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid()) {
            if (renameat(ddir, tmp, ddir, target) == 0) (*finished)++;
            else rc = rc_fail(err, RC_CANTCREAT, "%s/%s: cannot finish an interrupted output set: %s", adir, target,
                              strerror(errno));
        }
        fsync(ddir);
        close(ddir);
    }
    free(text);
    if (rc == 0) {
        unlinkat(dfd, name, 0);
        fsync(dfd);
    }
    (void)dir;
    return rc;
}

int outset_recover(const char *dir, long long *finished, long long *removed, struct rc_error *err)
{
    int dfd = open(dir && *dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return 0; /* nothing there yet */
    int fd2 = dup(dfd);
    DIR *d = fd2 >= 0 ? fdopendir(fd2) : NULL;
    int rc = 0;
    if (d) {
        struct dirent *de;
        while (rc == 0 && (de = readdir(d)))
            if (strncmp(de->d_name, JOURNAL_PREFIX, strlen(JOURNAL_PREFIX)) == 0)
                rc = finish_journal(dfd, dir, de->d_name, finished, err);
        closedir(d);
    } else if (fd2 >= 0) {
        close(fd2);
    }
    close(dfd);
    if (rc == 0) *removed += atomic_remove_stale(dir && *dir ? dir : ".", NULL);
    return rc;
}
