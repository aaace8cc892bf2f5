/* passes.h: the two worker passes of a render.  Each job runs in a forked worker
 * (worker.h) and leaves its results in the cache, never in the parent's memory:
 *
 *   calibration pass: each profile's calibration text is synthesized and measured
 *                     (SYNTH_KEY.info.json), so the programme gain follows the voices alone;
 *   render pass:      each programme job is synthesized once, measured (info.json), given
 *                     the programme gain, limited, resampled and encoded (RUN_KEY.level.json,
 *                     RUN_KEY.run, the run written last).
 *   calibration level: each calibration read is given its voice's gain and the limiter
 *                     and measured as its encoder would be fed it (RUN_KEY.level.json):
 *                     the programme's output gain follows these levels, the voices alone;
 *   size pass:        (--section only, rarely) the jobs before the clip are synthesized
 *                     and measured (info.json) when the clip's pre-roll needs their length.
 * With --section the render pass runs only the jobs the output hears: nothing of the
 * other turns is synthesized.
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

/* After programme_gain: runs the calibration jobs whose level is not cached. */
int pass_calibrate_level(struct render *r, struct rc_error *err);

/* For --section: analyses the programme jobs before the clip that the output does not
 * hear and whose analysis is not cached (sets r->n_sized).  Needed only when the
 * layout cannot prove the clip's pre-roll (programme_layout_exact_before). */
int pass_size_before_clip(struct render *r, struct rc_error *err);

/* Does the output need job i's packets?  Every programme job, or with --section the jobs
 * of those sections (and the last job before them when the pause before is shorter than
 * the clip's pre-roll). */
int pass_job_heard(const struct render *r, int i);

/* Are the job's level record and packet run in the cache (read-only; recast list)? */
int pass_run_cached(struct render *r, const struct job *j);

/* Reads and checks a job's analysis record into j->info: 0 ok, 1 missing or unusable. */
int pass_load_info(struct render *r, struct job *j);

#endif
