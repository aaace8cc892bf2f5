/* passes.h: the two worker passes of a render.  Each job runs in a forked worker
 * (worker.h) and leaves its results in the cache, never in the parent's memory:
 *
 *   calibration pass: each profile's calibration text is synthesized and measured
 *                     (SYNTH_KEY.info.json), so the programme gain follows the voices alone;
 *   render pass:      each programme job is synthesized once, measured (info.json), given
 *                     the programme gain, limited, resampled and encoded (RUN_KEY.level.json,
 *                     RUN_KEY.run, the run written last).
 * A job whose records are already cached and whole is not run again.  See context.h. */
#ifndef RECAST_RENDER_PASSES_H
#define RECAST_RENDER_PASSES_H

#include "render/context.h"

/* Runs the calibration jobs whose analysis is not cached. */
int pass_calibrate(struct render *r, struct rc_error *err);

/* Runs the programme jobs whose analysis or packet run is not cached, with the gain and
 * run keys already set (programme_gain); sets r->n_rendered. */
int pass_render(struct render *r, struct rc_error *err);

/* Reads and checks a job's analysis record into j->info: 0 ok, 1 missing or unusable. */
int pass_load_info(struct render *r, struct job *j);

#endif
