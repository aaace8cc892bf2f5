/* passes.h: the two worker passes of a render.  Each job runs in a forked worker
 * (worker.h) and leaves its results in the cache, never in the parent's memory:
 *
 *   calibration pass: each profile's calibration text is synthesized and measured
 *                     (SYNTH_KEY.info.json), so the programme gain follows the voices alone;
 *   render pass:      each programme job is synthesized once, measured (info.json), given
 *                     the programme gain, limited, resampled and encoded (RUN_KEY.level.json,
 *                     RUN_KEY.run, the run written last).
 *   measure pass:     (--section only) each programme job the output does not hear is
 *                     synthesized, given the gain and the limiter and measured, not
 *                     encoded (info.json, RUN_KEY.level.json), so the programme's output
 *                     gain, which follows every job's level, is exact for a clip too.
 * A job whose records are already cached and whole is not run again.  See context.h. */
#ifndef RECAST_RENDER_PASSES_H
#define RECAST_RENDER_PASSES_H

#include "render/context.h"

/* Runs the calibration jobs whose analysis is not cached. */
int pass_calibrate(struct render *r, struct rc_error *err);

/* Runs the programme jobs the output hears (all, or --section's) whose analysis or packet
 * run is not cached, with the gain and run keys already set (programme_gain); sets
 * r->n_rendered. */
int pass_render(struct render *r, struct rc_error *err);

/* The pre-roll a clip needs before its first packet (mux.c's PREROLL_PACKETS). */
#define PASS_PREROLL_MS 80

/* For --section: the render pass only renders the sections' jobs; this runs the others
 * whose level is not cached (sets r->n_measured).  Nothing to do for a whole render. */
int pass_measure(struct render *r, struct rc_error *err);

/* Does the output need job i's packets?  Every programme job, or with --section the jobs
 * of those sections (and the last job before them when the pause before is shorter than
 * the clip's pre-roll). */
int pass_job_heard(const struct render *r, int i);

/* Are the job's level record and packet run in the cache (read-only; recast list)? */
int pass_run_cached(struct render *r, const struct job *j);

/* Reads and checks a job's analysis record into j->info: 0 ok, 1 missing or unusable. */
int pass_load_info(struct render *r, struct job *j);

#endif
