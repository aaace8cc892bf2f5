/* worker.c: see worker.h. */
#include "render/worker.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted_by;

static void on_signal(int sig) { interrupted_by = sig; }

/* Installs handler for SIGINT, SIGTERM and SIGHUP (the terminal went away). */
static void handle_interrupts(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void worker_install_signals(void)
{
    handle_interrupts(on_signal);
    signal(SIGPIPE, SIG_IGN);
}

void worker_restore_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}

int worker_interrupt_status(void) { return interrupted_by ? 128 + interrupted_by : 0; }

const char *worker_interrupt_name(void)
{
    return interrupted_by == SIGTERM ? "SIGTERM" : interrupted_by == SIGHUP ? "SIGHUP" : "SIGINT";
}

int worker_interrupted(void) { return interrupted_by; }

int worker_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Message from child to parent: u8 ok, i32 code, u32 length, then result or message. */
struct running {
    pid_t pid;
    int fd;
    int job;
    int attempt;
    struct strbuf buf;
};

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

/* A worker stopped by SIGTERM/SIGINT (the parent was interrupted) removes the temporary
 * file it may be writing (a cache entry; never one of the parent's), then dies of the
 * signal. */
static void child_on_signal(int sig)
{
    atomic_cleanup_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void child_main(int fd, int job, pool_job_fn fn, void *ctx)
{
    atomic_disown_all(); /* the parent's temporary files (a staged output set) are the parent's */
    handle_interrupts(child_on_signal);
    struct strbuf result;
    sb_init(&result);
    struct rc_error err = {0};
    int rc = fn(ctx, job, &result, &err);
    unsigned char ok = rc == 0;
    int32_t code = rc == 0 ? 0 : (err.code ? err.code : RC_SOFTWARE);
    const char *payload = rc == 0 ? sb_cstr(&result) : err.msg;
    uint32_t len = (uint32_t)(rc == 0 ? result.len : strlen(err.msg));
    int bad = write_all(fd, &ok, 1) || write_all(fd, &code, 4) || write_all(fd, &len, 4) ||
              write_all(fd, payload, len);
    _exit(bad ? 3 : 0);
}

static int start(struct running *r, int job, int attempt, pool_job_fn fn, void *ctx, struct rc_error *err)
{
    int fds[2];
    if (pipe(fds) != 0) return rc_fail(err, RC_SOFTWARE, "cannot create a pipe for a worker: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return rc_fail(err, RC_SOFTWARE, "cannot start a worker process: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], job, fn, ctx);
    }
    close(fds[1]);
    r->pid = pid, r->fd = fds[0], r->job = job, r->attempt = attempt;
    sb_init(&r->buf);
    return 0;
}

static void stop_all(struct running *run, int n)
{
    for (int i = 0; i < n; i++)
        if (run[i].pid > 0) kill(run[i].pid, SIGTERM);
    for (int i = 0; i < n; i++) {
        if (run[i].pid > 0) waitpid(run[i].pid, NULL, 0);
        if (run[i].fd >= 0) close(run[i].fd);
        sb_free(&run[i].buf);
        run[i].pid = 0, run[i].fd = -1;
    }
}

/* Child r finished writing (EOF).  Returns 1 = success, 0 = died (retry), -1 = job error. */
static int collect(struct running *r, pool_done_fn done, void *ctx, struct rc_error *err, int *status_out)
{
    int status = 0;
    while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR) {}
    *status_out = status;
    r->pid = 0;
    close(r->fd);
    r->fd = -1;
    const unsigned char *b = (const unsigned char *)r->buf.data;
    uint32_t len;
    int32_t code;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || r->buf.len < 9 ||
        (memcpy(&len, b + 5, 4), r->buf.len != 9 + (size_t)len)) {
        sb_free(&r->buf);
        return 0;
    }
    memcpy(&code, b + 1, 4);
    int rc;
    if (b[0]) rc = done ? (done(ctx, r->job, r->buf.data + 9, len, err) == 0 ? 1 : -1) : 1;
    else rc = rc_fail(err, code, "%.*s", (int)len, r->buf.data + 9);
    sb_free(&r->buf);
    return rc;
}

int pool_run(const int *jobs, int n_jobs, int max_parallel, pool_job_fn job, pool_done_fn done, void *ctx,
             struct rc_error *err)
{
    if (max_parallel < 1) max_parallel = 1;
    struct running *run = xcalloc((size_t)max_parallel, sizeof *run);
    for (int i = 0; i < max_parallel; i++) run[i].fd = -1;
    int *retry = xcalloc((size_t)(n_jobs ? n_jobs : 1), sizeof *retry); /* jobs to start again */
    int n_retry = 0, next = 0, active = 0, rc = 0;
    while (rc == 0 && (next < n_jobs || n_retry || active)) {
        if (interrupted_by) {
            rc = rc_fail(err, worker_interrupt_status(), "interrupted by %s", worker_interrupt_name());
            break;
        }
        for (int i = 0; i < max_parallel && rc == 0 && (next < n_jobs || n_retry); i++) {
            if (run[i].pid > 0) continue;
            int j, attempt = 0;
            if (n_retry) j = retry[--n_retry], attempt = 1;
            else j = jobs[next++];
            rc = start(&run[i], j, attempt, job, ctx, err);
            if (rc == 0) active++;
        }
        if (rc != 0 || !active) break;
        struct pollfd *pfd = xcalloc((size_t)max_parallel, sizeof *pfd);
        int n_pfd = 0;
        int *slot = xcalloc((size_t)max_parallel, sizeof *slot);
        for (int i = 0; i < max_parallel; i++)
            if (run[i].pid > 0) pfd[n_pfd].fd = run[i].fd, pfd[n_pfd].events = POLLIN, slot[n_pfd++] = i;
        int pr = poll(pfd, (nfds_t)n_pfd, 200);
        if (pr < 0 && errno != EINTR) rc = rc_fail(err, RC_SOFTWARE, "poll: %s", strerror(errno));
        for (int k = 0; k < n_pfd && pr > 0 && rc == 0; k++) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            struct running *r = &run[slot[k]];
            char chunk[65536];
            ssize_t n = read(r->fd, chunk, sizeof chunk);
            if (n > 0) {
                sb_add(&r->buf, chunk, (size_t)n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            int status, job_no = r->job, attempt = r->attempt;
            int got = collect(r, done, ctx, err, &status);
            active--;
            if (got == 0) {
                if (attempt == 0 && !interrupted_by) {
                    fprintf(stderr, "recast: worker for job %d died (%s %d); retrying it\n", job_no,
                            WIFSIGNALED(status) ? "signal" : "exit status",
                            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
                    retry[n_retry++] = job_no;
                } else if (!interrupted_by) {
                    rc = rc_fail(err, RC_SOFTWARE, "worker for job %d died twice (%s %d); giving up", job_no,
                                 WIFSIGNALED(status) ? "signal" : "exit status",
                                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
                }
            } else if (got < 0) {
                rc = -1;
            }
        }
        free(pfd);
        free(slot);
    }
    stop_all(run, max_parallel);
    free(run);
    free(retry);
    return rc;
}
