/* programme.h: the programme a render publishes: one loudness gain for all of it, the
 * order of packet runs and pauses, and the timeline the sidecars and the page read.
 *
 * Loudness is one gain for the whole programme, in two parts.  The part baked into the
 * packets (r->gain_db) comes from the speakers' voices alone (each profile reads a fixed
 * calibration text), so editing a turn never changes it and never invalidates the other
 * turns' cached packets.  The rest, the residual between the target and what the
 * encoders were actually fed, goes into the OpusHead output gain (r->header_gain_db),
 * which every decoder applies.  See context.h. */
#ifndef RECAST_RENDER_PROGRAMME_H
#define RECAST_RENDER_PROGRAMME_H

#include "publish/timeline.h"
#include "render/context.h"

/* The encoder's limiter ceiling for a decoded true-peak ceiling: room for the codec's
 * overshoot and for the largest positive output gain. */
double programme_limiter_ceiling_dbtp(double true_peak_dbtp);

/* After the calibration pass: sets r->gain_db (and the encoder's linear gain) from the
 * calibration jobs' loudness, then every job's run key.  RC_SOFTWARE if a calibration
 * record is missing from the cache. */
int programme_gain(struct render *r, struct rc_error *err);

/* After the render pass: the programme's loudness as synthesized and as encoded, and the
 * residual r->header_gain_db (at most +2 dB; a warning when the target is out of reach). */
int programme_residual(struct render *r, struct rc_error *err);

/* Lays the programme out: every job's packet count, the pauses between jobs (pause
 * policy of the voice set) and the section boundaries (the middle of a section break). */
void programme_layout(struct render *r);

/* The timeline of sections [sec_first, sec_last) (a whole programme or a clip), times
 * relative to the first section's start.  The caller frees it with timeline_free(). */
void programme_timeline(const struct render *r, int sec_first, int sec_last, struct timeline *tl);

void programme_free(struct render *r);

#endif
