/* test_loudness.c: loudness measurement, gain for target, and the encoder's
 * true-peak limiter (measured independently with libebur128). */
#include "check.h"
#include "speechlike.h"
#include "audio/encode.h"
#include "audio/loudness.h"

#include <math.h>
#include <opus.h>
#include <stdint.h>
#include <stdlib.h>

static int16_t *sine_s16(size_t n, long rate, double freq, double dbfs)
{
    int16_t *p = malloc(n * sizeof *p);
    double a = pow(10.0, dbfs / 20.0) * 32767.0;
    for (size_t i = 0; i < n; i++)
        p[i] = (int16_t)lrint(a * sin(2 * M_PI * freq * (double)i / rate));
    return p;
}

int main(void)
{
    struct rc_error err = {0};

    TEST_CASE("loudness: 1 kHz sine at -20 dBFS, 48 kHz, reads -23.01 LUFS and -20 dBTP")
    {
        /* BS.1770: a full-scale sine in a channel of weight 1.0 reads -3.01 LUFS. */
        size_t n = 48000 * 10;
        int16_t *p = sine_s16(n, 48000, 1000, -20);
        struct loudness_result r;
        CHECK(loudness_measure_s16(p, n, 48000, &r, &err) == 0);
        printf("# info: sine 48 kHz: %.3f LUFS, %.3f dBTP\n", r.integrated_lufs, r.true_peak_dbtp);
        CHECK(fabs(r.integrated_lufs - (-20.0 - 3.0103)) < 0.05);
        CHECK(fabs(r.true_peak_dbtp - (-20.0)) < 0.05);
        free(p);
    }

    TEST_CASE("loudness: the same sine at 22050 Hz (espeak's rate), fed as float")
    {
        size_t n = 22050 * 10;
        float *f = malloc(n * sizeof *f);
        for (size_t i = 0; i < n; i++)
            f[i] = (float)(0.1 * sin(2 * M_PI * 1000.0 * (double)i / 22050));
        struct loudness_result r;
        CHECK(loudness_measure_float(f, n, 22050, &r, &err) == 0);
        printf("# info: sine 22050 Hz: %.3f LUFS, %.3f dBTP\n", r.integrated_lufs, r.true_peak_dbtp);
        CHECK(fabs(r.integrated_lufs - (-23.0103)) < 0.05);
        CHECK(fabs(r.true_peak_dbtp - (-20.0)) < 0.05);
        free(f);
    }

    TEST_CASE("loudness: gain for target, applied, lands on the target")
    {
        CHECK(fabs(loudness_gain_for_target(-25.0, -19.0) - pow(10, 6.0 / 20)) < 1e-12);
        CHECK(fabs(loudness_gain_for_target(-13.0, -19.0) - pow(10, -6.0 / 20)) < 1e-12);
        CHECK(loudness_gain_for_target(-HUGE_VAL, -19.0) == 1.0);
        CHECK(loudness_gain_for_target(NAN, -19.0) == 1.0);
        size_t n = 22050 * 8;
        int16_t *p = calloc(n, sizeof *p);
        add_bursts(p, 6615, n - 6615, 7, 0.3);
        struct loudness_result r1, r2;
        CHECK(loudness_measure_s16(p, n, 22050, &r1, &err) == 0);
        double g = loudness_gain_for_target(r1.integrated_lufs, LOUDNESS_TARGET_MONO_LUFS);
        float *f = malloc(n * sizeof *f);
        for (size_t i = 0; i < n; i++)
            f[i] = (float)(p[i] / 32768.0 * g);
        CHECK(loudness_measure_float(f, n, 22050, &r2, &err) == 0);
        printf("# info: bursts %.2f LUFS, gain %.4f -> %.3f LUFS\n", r1.integrated_lufs, g,
               r2.integrated_lufs);
        CHECK(fabs(r2.integrated_lufs - LOUDNESS_TARGET_MONO_LUFS) < 0.01);
        free(p), free(f);
    }

    TEST_CASE("loudness: digital silence is fully gated")
    {
        size_t n = 22050 * 3;
        int16_t *p = calloc(n, sizeof *p);
        struct loudness_result r;
        CHECK(loudness_measure_s16(p, n, 22050, &r, &err) == 0);
        CHECK(isinf(r.integrated_lufs) && r.integrated_lufs < 0);
        CHECK(isinf(r.true_peak_dbtp) && r.true_peak_dbtp < 0);
        CHECK(loudness_gain_for_target(r.integrated_lufs, -19) == 1.0);
        free(p);
    }

    TEST_CASE("loudness: leaving out the pauses between turns changes < 0.1 LU")
    {
        size_t turn = 22050 * 4, pause = 22050 * 2;
        int16_t *a = calloc(turn, sizeof *a), *b = calloc(turn, sizeof *b);
        int16_t *z = calloc(pause, sizeof *z);
        add_bursts(a, 6615, turn - 6615, 11, 0.5);
        add_bursts(b, 6615, turn - 6615, 12, 0.2);
        struct loudness_meter *with = loudness_open(22050, &err), *without = loudness_open(22050, &err);
        CHECK(with && without);
        if (with && without) {
            CHECK(loudness_add_s16(with, a, turn, &err) == 0);
            CHECK(loudness_add_s16(with, z, pause, &err) == 0);
            CHECK(loudness_add_s16(with, b, turn, &err) == 0);
            CHECK(loudness_add_s16(without, a, turn, &err) == 0);
            CHECK(loudness_add_s16(without, b, turn, &err) == 0);
            struct loudness_result r1, r2;
            CHECK(loudness_get(with, &r1, &err) == 0 && loudness_get(without, &r2, &err) == 0);
            printf("# info: with pauses %.4f LUFS, without %.4f LUFS\n", r1.integrated_lufs,
                   r2.integrated_lufs);
            CHECK(fabs(r1.integrated_lufs - r2.integrated_lufs) < 0.1);
        }
        loudness_free(with), loudness_free(without);
        free(a), free(b), free(z);
    }

    TEST_CASE("loudness: bad sample rate is refused")
    {
        CHECK(loudness_open(100, &err) == NULL);
        CHECK_INT(err.code, RC_SOFTWARE);
    }

    /* The limiter: a signal whose true peak is under the ceiling after the gain
     * passes bit-exact (gain only). */
    TEST_CASE("limiter: below the ceiling, output is exactly input x gain")
    {
        size_t n = 22050 * 3;
        int16_t *p = calloc(n, sizeof *p);
        add_bursts(p, 6615, n - 6615, 3, 0.25);
        struct encode_settings s1, s2;
        encode_settings_default(&s1);
        s2 = s1;
        s2.gain_linear = 2.0; /* 0.25 -> 0.5: -6 dBFS, well under -1 dBTP */
        float *x1 = NULL, *x2 = NULL;
        size_t n1 = 0, n2 = 0;
        CHECK(encode_prepare(p, n, &s1, &x1, &n1, &err) == 0);
        CHECK(encode_prepare(p, n, &s2, &x2, &n2, &err) == 0);
        CHECK_INT(n1, n2);
        size_t diff = 0;
        for (size_t i = 0; x1 && x2 && i < n1; i++)
            diff += x2[i] != (float)(x1[i] * 2.0);
        CHECK_INT(diff, 0);
        free(p), free(x1), free(x2);
    }

    TEST_CASE("limiter: 12 dB too hot stays <= -1 dBTP; far-away quiet part untouched")
    {
        /* 1.5 s of bursts peaking at -0.5 dBFS, 1 s silence, 0.6 s of quiet bursts
         * (peak 0.04), silence.  Gain +12 dB puts the loud part ~11.5 dB over. */
        size_t n = 22050 * 4;
        int16_t *p = calloc(n, sizeof *p);
        size_t loud_end = 6615 + 22050 * 3 / 2, quiet_from = loud_end + 22050;
        add_bursts(p, 6615, loud_end, 5, pow(10, -0.5 / 20));
        add_bursts(p, quiet_from, quiet_from + 22050 * 6 / 10, 9, 0.04);
        struct encode_settings ref, hot;
        encode_settings_default(&ref);
        ref.ceiling_dbtp = 0; /* reference: resampled, no gain */
        hot = ref;
        hot.gain_linear = pow(10, 12.0 / 20);
        hot.ceiling_dbtp = -1.0;
        float *xr = NULL, *xh = NULL;
        size_t nr = 0, nh = 0;
        CHECK(encode_prepare(p, n, &ref, &xr, &nr, &err) == 0);
        CHECK(encode_prepare(p, n, &hot, &xh, &nh, &err) == 0);
        struct loudness_result rr, rh;
        CHECK(loudness_measure_float(xr, nr, 24000, &rr, &err) == 0);
        CHECK(loudness_measure_float(xh, nh, 24000, &rh, &err) == 0);
        printf("# info: input %.2f dBTP; +12 dB limited: %.3f dBTP (ceiling -1), %.2f -> %.2f LUFS\n",
               rr.true_peak_dbtp, rh.true_peak_dbtp, rr.integrated_lufs, rh.integrated_lufs);
        CHECK(rr.true_peak_dbtp > -1.5);  /* the input really was hot */
        CHECK(rh.true_peak_dbtp <= -1.0); /* libebur128's own 4x true peak */
        /* Quiet part, from 0.7 s after the loud part: exactly gain x reference. */
        size_t q0 = (size_t)encode_content_samples24(loud_end + 22050 * 7 / 10), diff = 0;
        size_t q1 = (size_t)encode_content_samples24(n);
        for (size_t i = q0; xr && xh && i < q1 && i < nh; i++)
            diff += xh[i] != (float)(xr[i] * hot.gain_linear);
        CHECK_INT(diff, 0);
        /* The limiter only acts near peaks: away from them the gain is the full 12 dB. */
        double e_r = 0, e_h = 0;
        for (size_t i = q0; xr && xh && i < q1; i++)
            e_r += (double)xr[i] * xr[i], e_h += (double)xh[i] * xh[i];
        CHECK(e_r > 0 && fabs(10 * log10(e_h / e_r) - 12.0) < 1e-3);

        /* After Opus: decode the packets (48 kHz) and measure again.  Lossy coding
         * may overshoot a little; -1 dBTP is the headroom for it, so the decoded
         * stream must still not reach 0 dBTP. */
        struct packet_run run = {0};
        CHECK(encode_turn(p, n, &hot, &run, &err) == 0);
        int e = 0;
        OpusDecoder *dec = opus_decoder_create(48000, 1, &e);
        CHECK(dec != NULL);
        float *pcm = malloc((size_t)run.n_packets * 960 * sizeof *pcm);
        size_t got = 0;
        for (int i = 0; dec && i < run.n_packets; i++) {
            int k = opus_decode_float(dec, run.bytes + run.offsets[i], run.sizes[i], pcm + got, 960, 0);
            CHECK_INT(k, 960);
            if (k > 0) got += (size_t)k;
        }
        struct loudness_result rd;
        CHECK(loudness_measure_float(pcm, got, 48000, &rd, &err) == 0);
        printf("# info: decoded after Opus: %.3f dBTP, %.2f LUFS\n", rd.true_peak_dbtp, rd.integrated_lufs);
        CHECK(rd.true_peak_dbtp < 0.0);
        if (dec) opus_decoder_destroy(dec);
        packet_run_free(&run);
        free(pcm), free(p), free(xr), free(xh);
    }

    TEST_CASE("limiter: encode_limit on a bare 24 kHz burst reports its reduction")
    {
        size_t n = 24000;
        float *x = calloc(n, sizeof *x);
        for (size_t i = 9000; i < 9600; i++)
            x[i] = (float)(1.5 * sin(2 * M_PI * 3000.0 * (double)i / 24000 + 0.4));
        double red = 0;
        CHECK(encode_limit(x, n, 24000, -1.0, &red, &err) == 0);
        struct loudness_result r;
        CHECK(loudness_measure_float(x, n, 24000, &r, &err) == 0);
        printf("# info: 1.5x 3 kHz burst: max reduction %.3f dB, result %.3f dBTP\n", red, r.true_peak_dbtp);
        CHECK(red > 4.5 && red < 5.0); /* 20*log10(1.5/0.891) = 4.52 dB, plus the inter-sample peak */
        CHECK(r.true_peak_dbtp <= -1.0);
        CHECK(x[0] == 0.0f && x[8000] == 0.0f);
        free(x);
    }

    CHECK_DONE();
}
