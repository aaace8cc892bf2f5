/* loudness.c: see loudness.h. */
#include "audio/loudness.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>

struct loudness_meter {
    ebur128_state *st;
    int true_peak;
};

struct loudness_meter *loudness_open(long sample_rate, struct rc_error *err)
{
    return loudness_open_mode(sample_rate, 1, err);
}

struct loudness_meter *loudness_open_mode(long sample_rate, int true_peak, struct rc_error *err)
{
    if (sample_rate < 8000 || sample_rate > 384000) {
        rc_fail(err, RC_SOFTWARE, "loudness: sample rate %ld Hz is out of range", sample_rate);
        return NULL;
    }
    ebur128_state *st = ebur128_init(1, (unsigned long)sample_rate,
                                     EBUR128_MODE_I | EBUR128_MODE_SAMPLE_PEAK | (true_peak ? EBUR128_MODE_TRUE_PEAK : 0));
    if (!st) {
        rc_fail(err, RC_SOFTWARE, "libebur128: cannot create a meter");
        return NULL;
    }
    if (ebur128_set_channel(st, 0, EBUR128_CENTER) != EBUR128_SUCCESS) {
        ebur128_destroy(&st);
        rc_fail(err, RC_SOFTWARE, "libebur128: cannot set the channel weighting");
        return NULL;
    }
    struct loudness_meter *m = xmalloc(sizeof *m);
    m->st = st;
    m->true_peak = true_peak;
    return m;
}

int loudness_add_s16(struct loudness_meter *m, const int16_t *pcm, size_t n, struct rc_error *err)
{
    if (n && ebur128_add_frames_short(m->st, pcm, n) != EBUR128_SUCCESS)
        return rc_fail(err, RC_SOFTWARE, "libebur128: cannot add %zu samples", n);
    return 0;
}

int loudness_add_float(struct loudness_meter *m, const float *pcm, size_t n, struct rc_error *err)
{
    if (n && ebur128_add_frames_float(m->st, pcm, n) != EBUR128_SUCCESS)
        return rc_fail(err, RC_SOFTWARE, "libebur128: cannot add %zu samples", n);
    return 0;
}

static double to_db(double linear)
{
    return linear > 0 ? 20.0 * log10(linear) : -HUGE_VAL;
}

int loudness_get(struct loudness_meter *m, struct loudness_result *out, struct rc_error *err)
{
    double lufs = 0, tp = 0, sp = 0;
    if (ebur128_loudness_global(m->st, &lufs) != EBUR128_SUCCESS ||
        (m->true_peak && ebur128_true_peak(m->st, 0, &tp) != EBUR128_SUCCESS) ||
        ebur128_sample_peak(m->st, 0, &sp) != EBUR128_SUCCESS)
        return rc_fail(err, RC_SOFTWARE, "libebur128: cannot read the measurement");
    out->integrated_lufs = lufs;
    out->true_peak_dbtp = m->true_peak ? to_db(tp) : NAN;
    out->sample_peak_dbfs = to_db(sp);
    return 0;
}

void loudness_free(struct loudness_meter *m)
{
    if (!m) return;
    ebur128_destroy(&m->st);
    free(m);
}

int loudness_measure_s16(const int16_t *pcm, size_t n, long sample_rate, struct loudness_result *out,
                         struct rc_error *err)
{
    struct loudness_meter *m = loudness_open(sample_rate, err);
    if (!m) return -1;
    int rc = loudness_add_s16(m, pcm, n, err) == 0 && loudness_get(m, out, err) == 0 ? 0 : -1;
    loudness_free(m);
    return rc;
}

int loudness_measure_float(const float *pcm, size_t n, long sample_rate, struct loudness_result *out,
                           struct rc_error *err)
{
    struct loudness_meter *m = loudness_open(sample_rate, err);
    if (!m) return -1;
    int rc = loudness_add_float(m, pcm, n, err) == 0 && loudness_get(m, out, err) == 0 ? 0 : -1;
    loudness_free(m);
    return rc;
}

double loudness_gain_for_target(double measured_lufs, double target_lufs)
{
    if (!isfinite(measured_lufs) || !isfinite(target_lufs)) return 1.0;
    return pow(10.0, (target_lufs - measured_lufs) / 20.0);
}
