/* worker.h: run jobs in forked worker processes, a bounded number at a time.
 *
 * libespeak-ng is not thread-safe and carries state from one synthesis to the next, so
 * every job (one turn) runs in its own freshly forked child: its output depends on the
 * job alone, whatever -j is and whatever ran before.  A child reports back through a
 * pipe a small result (the bulky output goes to the cache) and exits.  A child that
 * dies (killed, crashed) is retried once; a second death fails the run.
 *
 * Interruption: pool_run() returns 128 + the signal (130 SIGINT, 143 SIGTERM, 129 SIGHUP) as soon as
 * worker_interrupted() is set by the signal handler the caller installs with
 * worker_install_signals(); running children are killed and reaped first. */
#ifndef RECAST_WORKER_H
#define RECAST_WORKER_H

#include <stddef.h>

#include "base/util.h"

/* Runs in the child.  Appends its result (may be empty) to `result`.  Returns 0, or -1
 * with err set (the error is passed to the parent). */
typedef int (*pool_job_fn)(void *ctx, int job, struct strbuf *result, struct rc_error *err);

/* Runs in the parent when a job succeeded, in completion order.  Returns 0 or -1. */
typedef int (*pool_done_fn)(void *ctx, int job, const char *result, size_t len, struct rc_error *err);

/* Runs jobs[0..n_jobs) (job numbers passed through to the callbacks) with at most
 * max_parallel children at once.  Returns 0, or -1 with the first error. */
int pool_run(const int *jobs, int n_jobs, int max_parallel, pool_job_fn job, pool_done_fn done, void *ctx,
             struct rc_error *err);

/* SIGINT/SIGTERM/SIGHUP set a flag (and remove registered temporary files at exit of the
 * run); the default action is restored by worker_restore_signals(). */
void worker_install_signals(void);
void worker_restore_signals(void);
/* 0, or the signal number that interrupted the run. */
int worker_interrupted(void);
/* The exit status for it (128 + signal), 0 if none; its name ("SIGINT", ...). */
int worker_interrupt_status(void);
const char *worker_interrupt_name(void);

/* Number of online CPUs (at least 1). */
int worker_cpu_count(void);

#endif
