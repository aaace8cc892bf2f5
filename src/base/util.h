/* util.h: small shared pieces: errors with exit codes, a growable byte buffer,
 * whole-file reading, and atomic file writing (temporary file + rename).
 *
 * Error convention (used by every module): a function that can fail takes a
 * `struct rc_error *err` as its last argument, returns 0 on success and -1 on
 * failure, and on failure fills err with a sysexits code and a message that
 * names the file (and line, where there is one) and the remedy.  Only main()
 * turns an error into an exit status. */
#ifndef RECAST_UTIL_H
#define RECAST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (sysexits.h values, repeated here so the table in README.md has one source). */
enum {
    RC_OK = 0,
    RC_USAGE = 64,       /* bad command line */
    RC_DATAERR = 65,     /* input data is malformed */
    RC_NOINPUT = 66,     /* cannot open an input file */
    RC_UNAVAILABLE = 69, /* a needed service (espeak voice, data) is missing */
    RC_SOFTWARE = 70,    /* internal error */
    RC_CANTCREAT = 73,   /* cannot create an output file */
    RC_IOERR = 74,       /* read or write failed */
    RC_INTERRUPTED = 130 /* SIGINT (143 for SIGTERM) */
};

struct rc_error {
    int code;        /* one of the RC_ codes; 0 when no error */
    char msg[1024];  /* human-readable, no trailing newline */
};

/* Fills err (if not NULL) and returns -1, so callers can `return rc_fail(...)`. */
int rc_fail(struct rc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Growable byte buffer; always NUL-terminated when len > 0 or after sb_cstr().
 * The owner frees `data` with sb_free().  Allocation failure aborts (out of memory
 * is not a recoverable condition for a command-line tool). */
struct strbuf {
    char *data;
    size_t len;
    size_t cap;
};
void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reserve(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const char *bytes, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sb_cstr(struct strbuf *sb); /* "" for an empty buffer; never NULL */
char *sb_detach(struct strbuf *sb);     /* caller owns the returned string */

/* Checked allocation (abort with a message on failure). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Reads a whole regular file into *out (NUL-terminated; *out_len excludes the NUL).
 * Errors: RC_NOINPUT for a missing/unreadable path or anything but a regular file (a
 * directory, FIFO, device or socket is refused without blocking and before reading),
 * RC_IOERR for read failures. */
int read_file(const char *path, char **out, size_t *out_len, struct rc_error *err);

/* Reads the rest of an open regular file (path only names it in errors). */
int read_fd(int fd, const char *path, char **out, size_t *out_len, struct rc_error *err);

/* read_file() for a text file: a NUL byte is an error (RC_DATAERR, "is it a text file?"). */
int read_text_file(const char *path, char **out, size_t *out_len, struct rc_error *err);

/* Atomic output: open a temporary file beside `path`, write, then commit (fsync,
 * rename into place) or abort (unlink).  The temporary file is named
 * .recast-PID-HOST-XXXXXX.BASE (PID the writer's, HOST its host (atomic_host_tag),
 * XXXXXX random and created O_EXCL, BASE the target's name, shortened to keep the
 * whole within ATOMIC_NAME_MAX bytes), so writers on the hosts sharing a directory (NFS)
 * never share a name, and locked (flock) while open, so a run can prove a leftover is
 * recast's own and no longer being written (atomic_temp_is_stale).  A failed or interrupted run never leaves a
 * partial file at `path`.  "-" means stdout; an existing device or FIFO (/dev/null,
 * /dev/full) is written directly, never renamed over. */
struct atomic_file {
    FILE *fp;
    char *path;     /* final path (owned) */
    char *tmp_path; /* temporary path (owned), NULL for stdout or a device */
    int direct;     /* writing straight to a device or FIFO (no rename) */
};
int atomic_open(struct atomic_file *af, const char *path, struct rc_error *err);
int atomic_commit(struct atomic_file *af, struct rc_error *err);
void atomic_abort(struct atomic_file *af);
/* Convenience: write a whole buffer atomically. */
int atomic_write(const char *path, const void *data, size_t len, struct rc_error *err);
/* The same, always through a temporary file renamed over `path`, whatever is there now (a
 * symlink or a device node at `path` is replaced, never written through): for files that
 * must be recast's own regular files (cache entries). */
int atomic_open_regular(struct atomic_file *af, const char *path, struct rc_error *err);
int atomic_write_regular(const char *path, const void *data, size_t len, struct rc_error *err);

#define ATOMIC_NAME_MAX 255 /* NAME_MAX of Linux file systems */

/* The PID space this process runs in, as ATOMIC_HOST_TAG_LEN lowercase hex digits: a
 * hash of the host name, the kernel's boot id and the PID namespace.  A PID in a
 * temporary name means something only where the tag is the same. */
#define ATOMIC_HOST_TAG_LEN 8
const char *atomic_host_tag(void);
/* 1 (and *pid, and host: the tag, or "" for the .recast-PID-XXXXXX.BASE form of an
 * older recast) if `name` has the form of recast's temporary files, else 0. */
int atomic_temp_parse(const char *name, long *pid, char host[ATOMIC_HOST_TAG_LEN + 1]);
int atomic_temp_pid(const char *name, long *pid);
/* 1 if `name` is a temporary file written in another PID space (another host sharing the
 * directory, a container, or this host before a reboot): its writer cannot be asked
 * whether it is alive, only its age can tell a leftover. */
int atomic_temp_is_foreign(const char *name);
/* 1 if dir_fd/name is a leftover of a run that died: recast's naming, written in this PID
 * space (never a foreign one), a regular file (not followed through a symlink) owned by
 * this user, its writer's pid no longer running and nobody holding its lock. */
int atomic_temp_is_stale(int dir_fd, const char *name);
/* Removes the stale temporary files directly in dir (see above); returns how many, adds
 * their size to *bytes (may be NULL).  A missing dir has none. */
long long atomic_remove_stale(const char *dir, long long *bytes);

/* Staging (see outset.h): with a hook set, atomic_commit() of a temporary file flushes,
 * fsyncs and closes it, then hands both paths (ownership included) to the hook instead
 * of renaming; the temporary file stays registered for atomic_cleanup_all() until
 * atomic_forget().  NULL removes the hook. */
typedef void (*atomic_stage_fn)(void *ctx, char *tmp_path, char *path);
void atomic_set_stage(atomic_stage_fn fn, void *ctx);
void atomic_forget(const char *tmp_path);

/* Temporary files not yet committed are registered so a signal handler can remove them. */
void atomic_cleanup_all(void);
/* In a forked child: forgets the temporary files registered so far (the parent's), so
 * that the child's atomic_cleanup_all() removes only its own and the parent, which
 * owns them, decides what becomes of them (a staged output set, a file a worker fills). */
void atomic_disown_all(void);

/* mkdir -p; RC_CANTCREAT on failure. */
int make_dirs(const char *path, struct rc_error *err);

#endif
