/* speechlike.h: deterministic speech-like test signals for the audio unit tests.
 * Syllables are harmonic tones with a gliding F0 (85..175 Hz) and sin^2 envelopes,
 * separated by gaps; 22050 Hz, int16; peak = fraction of full scale. */
#ifndef RECAST_TEST_SPEECHLIKE_H
#define RECAST_TEST_SPEECHLIKE_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Writes syllables into p[from, to) (the rest is left as it is). */
static inline void add_bursts(int16_t *p, size_t from, size_t to, unsigned seed, double peak)
{
    size_t n = to > from ? to - from : 0;
    double *d = calloc(n + 1, sizeof *d), mx = 0;
    size_t pos = 0;
    while (pos + 3000 < n) {
        seed = seed * 1103515245u + 12345u;
        size_t len = 1800 + (seed >> 8) % 3000;
        if (pos + len > n) len = n - pos;
        seed = seed * 1103515245u + 12345u;
        double f0 = 85 + (double)((seed >> 8) % 90), ph = 0;
        for (size_t i = 0; i < len; i++) {
            double env = sin(M_PI * (double)i / (double)len);
            double f = f0 * (1 + 0.25 * (double)i / (double)len), v = 0;
            ph += 2 * M_PI * f / 22050;
            for (int h = 1; h * f < 10000; h++)
                v += sin(h * ph + 0.3 * h * h) / h;
            d[pos + i] = v * env * env;
        }
        seed = seed * 1103515245u + 12345u;
        pos += len + 400 + (seed >> 8) % 1500;
    }
    for (size_t i = 0; i < n; i++)
        mx = fabs(d[i]) > mx ? fabs(d[i]) : mx;
    for (size_t i = 0; mx > 0 && i < n; i++)
        p[from + i] = (int16_t)lrint(d[i] / mx * peak * 32767.0);
    free(d);
}

/* A turn of n samples: 300 ms silence, syllables, 300 ms silence.  Caller frees. */
static inline int16_t *make_turn(size_t n, unsigned seed, double peak)
{
    int16_t *p = calloc(n ? n : 1, sizeof *p);
    if (n > 13230) add_bursts(p, 6615, n - 6615, seed, peak);
    return p;
}

#endif
