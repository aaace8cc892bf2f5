/* alignment.h: where a reference signal sits inside a decoded one, for the tests that
 * check sample alignment through a lossy codec (test_encode, test_oggmux).  Opus is
 * lossy, so the position is measured, not compared: the normalised cross-correlation of
 * the reference with the decoded signal over a window of lags, the peak refined by a
 * parabola through it and its neighbours. */
#ifndef RECAST_TEST_ALIGNMENT_H
#define RECAST_TEST_ALIGNMENT_H

#include <math.h>
#include <stddef.h>

#define ALIGN_MAX_LAG 64

struct alignment {
    double lag;  /* samples: where x[i] best matches y[offset + i + lag] (fractional) */
    double peak; /* the correlation there, -1..1 (0 when nothing was measured) */
    int at_edge; /* the peak is at +-max_lag: the true lag may lie outside the window */
};

/* Correlates x[margin, n - margin) with y[offset + i + lag] for every lag in
 * [-max_lag, max_lag] (max_lag <= ALIGN_MAX_LAG); y must hold offset + n + max_lag
 * samples.  With x or y NULL nothing is measured (peak 0, at_edge 1). */
static inline struct alignment find_alignment(const float *x, size_t n, const float *y, long long offset, int max_lag,
                                              size_t margin)
{
    struct alignment a = {0, 0, 1};
    if (!x || !y || max_lag < 1 || max_lag > ALIGN_MAX_LAG) return a;
    double c[2 * ALIGN_MAX_LAG + 1] = {0};
    int best = 0;
    for (int lag = -max_lag; lag <= max_lag; lag++) {
        double xy = 0, xx = 0, yy = 0;
        for (size_t i = margin; i + margin < n; i++) {
            double p = x[i], q = y[(size_t)(offset + (long long)i + lag)];
            xy += p * q, xx += p * p, yy += q * q;
        }
        c[lag + max_lag] = xy / sqrt(xx * yy + 1e-30);
        if (c[lag + max_lag] > c[best]) best = lag + max_lag;
    }
    double frac = 0;
    if (best > 0 && best < 2 * max_lag)
        frac = 0.5 * (c[best - 1] - c[best + 1]) / (c[best - 1] - 2 * c[best] + c[best + 1]);
    a.lag = best - max_lag + frac;
    a.peak = c[best];
    a.at_edge = best == 0 || best == 2 * max_lag;
    return a;
}

#endif
