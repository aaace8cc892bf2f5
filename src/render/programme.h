/* programme.h: the programme a render publishes: one loudness gain for all of it, the
 * order of packet runs and pauses, and the timeline the sidecars and the page read.
 *
 * Loudness, in two parts.  Each turn's packets carry its own gain to the programme target
 * (programme_turn_gain_db: from the turn's own loudness, so every speaker is levelled to
 * the target whatever the voice and the text), which depends only on that turn, so editing a
 * turn never invalidates the other turns' cached packets.  The rest, the residual between
 * the target and what the encoders are fed (mostly the limiter), goes into the OpusHead
 * output gain (r->header_gain_db), which every decoder applies; it is predicted from the
 * voices' calibration reads and the text, never from the synthesized turns, so a clip of a
 * few sections knows it without the rest.  See context.h. */
#ifndef RECAST_RENDER_PROGRAMME_H
#define RECAST_RENDER_PROGRAMME_H

#include "publish/timeline.h"
#include "render/context.h"

/* The encoder's limiter ceiling for a decoded true-peak ceiling: room for the codec's
 * overshoot and for the largest positive output gain. */
double programme_limiter_ceiling_dbtp(double true_peak_dbtp);

/* After the calibration pass: each voice's gain (the target minus the loudness of its
 * calibration read), then every job's run key.  RC_SOFTWARE if a calibration record is
 * missing from the cache. */
int programme_gain(struct render *r, struct rc_error *err);

/* The gain baked into a job's packets, in dB (steps of 0.1): the target minus the job's own
 * integrated loudness as synthesized (turn_lufs, over its speech_seconds of speech), so
 * every turn and therefore every speaker reaches the target; a turn with little speech
 * (under 4 s, whose loudness is less certain) leans on its voice's calibration gain, and
 * one under 1 s takes it alone.  It depends on nothing but the job's own PCM, the target
 * and its voice: editing a turn changes only that turn's packets. */
double programme_turn_gain_db(const struct render *r, const struct job *j, double turn_lufs, double speech_seconds);

/* After the render pass: the OpusHead output gain r->header_gain_db, the residual between
 * the target and the programme's loudness as the voices predict it: each voice's
 * calibration read after its gain and the limiter (pass_calibrate_level), power mean
 * weighted by the voice's share of the text (render_estimate_seconds over every programme
 * job).  It follows the voices and the text alone, never the synthesized turns, so a
 * --section clip gets exactly the full render's gain without synthesizing the other
 * turns.  At most +2 dB; a warning when the target is out of reach.  Also the reports
 * over the jobs the output hears: loudness as synthesized and as encoded, gain range. */
int programme_residual(struct render *r, struct rc_error *err);

/* Lays the programme out (again, if called again): every job's packet count, the pauses
 * between jobs (pause policy of the voice set) and the section boundaries (the middle of
 * a section break).  A job without its analysis (not heard by --section) is laid out at
 * its least length and counted in r->n_unsized: the clip's own span is exact, what lies
 * before it is a lower bound. */
void programme_layout(struct render *r);

/* Does the layout place the clip's start exactly enough for its pre-roll (mux.c takes
 * min(pre-roll, start))?  1 when nothing before it is unsized or the lower bound
 * already covers the pre-roll; else the jobs before must be sized (pass_size_before_clip)
 * and the programme laid out again. */
int programme_clip_start_exact(const struct render *r);

/* The timeline of sections [sec_first, sec_last) (a whole programme or a clip), times
 * relative to the first section's start.  The caller frees it with timeline_free(). */
void programme_timeline(const struct render *r, int sec_first, int sec_last, struct timeline *tl);

void programme_free(struct render *r);

#endif
