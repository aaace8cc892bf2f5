/* loudness.h: programme loudness (ITU-R BS.1770 / EBU R128) and true peak,
 * measured with libebur128, and the one gain that brings a programme to target.
 *
 * Mono: the single channel is weighted 1.0 (EBUR128_CENTER), so a full-scale
 * sine reads -3.01 LUFS and a sine of peak amplitude A dBFS reads A - 3.01 LUFS.
 * It is deliberately not EBUR128_DUAL_MONO (+3 dB): the mono podcast target of
 * -19 LUFS (FINDINGS.md) already assumes this plain weighting, and equals the
 * -16 LUFS stereo target once a player sends the mono file to both speakers.
 *
 * Usage for a programme: open a meter at the PCM rate (22050 for espeak
 * output), add every turn's PCM in programme order, read the integrated
 * loudness, then loudness_gain_for_target() gives encode_settings.gain_linear.
 * The pauses the muxer inserts between turns may be left out: they are digital
 * silence, which the absolute gate (-70 LUFS) drops anyway.  The only effect of
 * leaving them out is that the 400 ms gating blocks (75% overlap) that straddle
 * a join see the end of one turn next to the start of the next; since turns
 * start and end with ~300 ms of silence themselves, that changes the result by
 * far less than 0.1 LU.
 *
 * True peak is libebur128's (4x oversampling below 96 kHz), in dBTP.
 */
#ifndef RECAST_LOUDNESS_H
#define RECAST_LOUDNESS_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#define LOUDNESS_TARGET_MONO_LUFS (-19.0) /* podcast target for a mono programme */
#define LOUDNESS_CEILING_DBTP (-1.0)      /* podcast true-peak ceiling */

struct loudness_result {
    double integrated_lufs; /* -HUGE_VAL (-inf) when everything is gated (silence) */
    double true_peak_dbtp;  /* -HUGE_VAL for digital silence */
    double sample_peak_dbfs;
};

struct loudness_meter; /* opaque */

/* A meter for mono PCM at sample_rate Hz (8000..384000).  NULL + err on failure. */
struct loudness_meter *loudness_open(long sample_rate, struct rc_error *err);
/* Like loudness_open(); true_peak = 0 skips true-peak measurement (4x oversampling, about
 * a sixth of recast's CPU when on): loudness_get() then gives true_peak_dbtp = NAN. */
struct loudness_meter *loudness_open_mode(long sample_rate, int true_peak, struct rc_error *err);

/* Add n mono samples: int16 (full scale 32768) or float (full scale 1.0). */
int loudness_add_s16(struct loudness_meter *m, const int16_t *pcm, size_t n, struct rc_error *err);
int loudness_add_float(struct loudness_meter *m, const float *pcm, size_t n, struct rc_error *err);

/* Results over everything added so far (the meter may keep receiving samples). */
int loudness_get(struct loudness_meter *m, struct loudness_result *out, struct rc_error *err);

void loudness_free(struct loudness_meter *m); /* NULL is fine */

/* One-shot measurement of a whole buffer. */
int loudness_measure_s16(const int16_t *pcm, size_t n, long sample_rate, struct loudness_result *out,
                         struct rc_error *err);
int loudness_measure_float(const float *pcm, size_t n, long sample_rate, struct loudness_result *out,
                           struct rc_error *err);

/* Linear gain that moves measured_lufs to target_lufs: 10^((target - measured)/20).
 * Returns 1.0 when measured_lufs is not finite (silence: nothing to normalise). */
double loudness_gain_for_target(double measured_lufs, double target_lufs);

#endif
