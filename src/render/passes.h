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
/* The calibration, calibration-level and render passes for several episodes in one pool
 * of workers (the options of rs[0]: -j); a job shared by episodes (one key) runs once.
 * pass_render_batch adds to each episode's n_rendered. */
int pass_calibrate_batch(struct render *const *rs, int n, struct rc_error *err);
int pass_calibrate_level_batch(struct render *const *rs, int n, struct rc_error *err);
int pass_render_batch(struct render *const *rs, int n, struct rc_error *err);

/* Runs the programme jobs the output hears (all, or --section's) whose analysis or packet
 * run is not cached, with the gain and run keys already set (programme_gain); adds them
 * to r->n_rendered. */
int pass_render(struct render *r, struct rc_error *err);

/* The pre-roll a clip needs before its first packet (mux.c's PREROLL_PACKETS). */
#define PASS_PREROLL_MS 80

/* After programme_gain: runs the calibration jobs whose level is not cached. */
int pass_calibrate_level(struct render *r, struct rc_error *err);

/* For --section: analyses the programme jobs before the clip that the output does not
 * hear and whose analysis is not cached (adds them to r->n_sized).  Needed only when the
 * layout cannot prove the clip's pre-roll (programme_layout_exact_before). */
int pass_size_before_clip(struct render *r, struct rc_error *err);

/* Does the output need job i's packets?  Every programme job, or with --section the jobs
 * of those sections (and the last job before them when the pause before is shorter than
 * the clip's pre-roll). */
int pass_job_heard(const struct render *r, int i);

/* How many of r's calibration and heard jobs have records missing from the cache (or
 * damaged): after the passes, 0 unless someone removed entries meanwhile. */
int pass_records_missing(struct render *r);

/* recast render --shard INDEX/COUNT: the programme jobs of every episode (each piece of
 * work once) are split into COUNT shards, deterministically and balanced by length: the
 * longest first (estimated speech, render_estimate_seconds; equal ones by run key), each
 * to the shard with the least so far.  The split follows only the transcripts, voices
 * and settings (not the cache, nor the order of the episodes).  Renders shard INDEX's
 * jobs that are not cached; needs the calibration pass and programme_gain done. */
struct pass_shard_report {
    int pieces_total;          /* programme jobs of all shards */
    int pieces;                /* this shard's */
    int cached;                /* of them already in the cache */
    int rendered;              /* of them rendered now */
    double estimated_seconds;  /* this shard's speech, estimated */
};
int pass_render_shard(struct render *const *rs, int n_renders, int index, int count, struct pass_shard_report *rep,
                      struct rc_error *err);

/* Are the job's level record and packet run in the cache (read-only; recast list)? */
int pass_run_cached(struct render *r, const struct job *j);

/* Reads and checks a job's analysis record into j->info: 0 ok, 1 missing or unusable. */
int pass_load_info(struct render *r, struct job *j);

#endif
