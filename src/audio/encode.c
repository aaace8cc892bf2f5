/* encode.c: see encode.h. */
#include "audio/encode.h"

#include "audio/loudness.h"

#include <math.h>
#include <ogg/ogg.h>
#include <opus.h>
#include <soxr.h>
#include <stdlib.h>
#include <string.h>

/* Limiter shape (see encode_limit in encode.h). */
#define LIM_BOX_SECONDS 0.001     /* half-width of each of the two moving averages */
#define LIM_RELEASE_SECONDS 0.050 /* time constant of the exponential release */
#define LIM_RELEASE_SNAP 1e-5     /* a reduction smaller than this (linear) ends the release */
#define LIM_MAX_PASSES 8
#define LIM_MARGIN_DB 0.1 /* aim this far under the ceiling: other meters interpolate differently */

/* Serialisation (see encode.h). */
#define RUN_MAGIC "RCPKTRUN"
#define RUN_VERSION 1u
#define RUN_HEADER_BYTES 36
#define RUN_OGG_SERIAL 0x52435052 /* "RCPR" */

void encode_settings_default(struct encode_settings *s)
{
    s->bitrate_bps = 32000;
    s->complexity = 10;
    s->gain_linear = 1.0;
    s->ceiling_dbtp = -1.0;
}

int encode_settings_check(const struct encode_settings *s, struct rc_error *err)
{
    if (s->bitrate_bps < 6000 || s->bitrate_bps > 510000)
        return rc_fail(err, RC_USAGE, "Opus bitrate %d bit/s is out of range (6000..510000)", s->bitrate_bps);
    if (s->complexity < 0 || s->complexity > 10)
        return rc_fail(err, RC_USAGE, "Opus complexity %d is out of range (0..10)", s->complexity);
    if (!isfinite(s->gain_linear) || s->gain_linear <= 0 || s->gain_linear > 1000)
        return rc_fail(err, RC_USAGE, "encoder gain %g is out of range (0 < gain <= 1000)", s->gain_linear);
    if (!isfinite(s->ceiling_dbtp) || s->ceiling_dbtp < -20 || s->ceiling_dbtp > 0)
        return rc_fail(err, RC_USAGE, "true-peak ceiling %g dBTP is out of range (-20..0)", s->ceiling_dbtp);
    return 0;
}

static OpusEncoder *new_encoder(const struct encode_settings *s, struct rc_error *err)
{
    if (encode_settings_check(s, err) != 0) return NULL;
    int e = OPUS_OK;
    OpusEncoder *enc = opus_encoder_create(ENCODE_OPUS_RATE, 1, OPUS_APPLICATION_AUDIO, &e);
    if (!enc || e != OPUS_OK) {
        rc_fail(err, RC_SOFTWARE, "cannot create an Opus encoder: %s", opus_strerror(e));
        if (enc) opus_encoder_destroy(enc);
        return NULL;
    }
    if ((e = opus_encoder_ctl(enc, OPUS_SET_BITRATE(s->bitrate_bps))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(s->complexity))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_VBR(1))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_VBR_CONSTRAINT(0))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_DTX(0))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(0))) != OPUS_OK ||
        (e = opus_encoder_ctl(enc, OPUS_SET_LSB_DEPTH(16))) != OPUS_OK) {
        rc_fail(err, RC_SOFTWARE, "cannot configure the Opus encoder: %s", opus_strerror(e));
        opus_encoder_destroy(enc);
        return NULL;
    }
    return enc;
}

static int get_lookahead(OpusEncoder *enc, struct rc_error *err)
{
    opus_int32 la = -1;
    int e = opus_encoder_ctl(enc, OPUS_GET_LOOKAHEAD(&la));
    if (e != OPUS_OK || la < 0)
        return rc_fail(err, RC_SOFTWARE, "cannot read the Opus encoder lookahead: %s", opus_strerror(e));
    return (int)la;
}

int encode_lookahead24(const struct encode_settings *s)
{
    OpusEncoder *enc = new_encoder(s, NULL);
    if (!enc) return -1;
    int la = get_lookahead(enc, NULL);
    opus_encoder_destroy(enc);
    return la;
}

long long encode_content_samples24(size_t n_samples22)
{
    /* 24000/22050 = 160/147, rounded to the nearest sample. */
    return (long long)(((unsigned long long)n_samples22 * 160u + 73u) / 147u);
}

long long packet_run_samples48(const struct packet_run *r)
{
    return (long long)r->n_packets * r->frame_samples48;
}

/* ---- resampling and the limiter ---- */

static int resample_22_to_24(const int16_t *in, size_t n, float *out, size_t nout, struct rc_error *err)
{
    size_t done = 0;
    if (n > 0 && nout > 0) {
        soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_FLOAT32_I);
        soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
        soxr_runtime_spec_t rt = soxr_runtime_spec(1);
        soxr_error_t e =
            soxr_oneshot(ENCODE_INPUT_RATE, ENCODE_OPUS_RATE, 1, in, n, NULL, out, nout, &done, &io, &q, &rt);
        if (e) return rc_fail(err, RC_SOFTWARE, "libsoxr 22050->24000 Hz failed: %s", e);
    }
    for (size_t i = done; i < nout; i++)
        out[i] = 0.0f;
    return 0;
}

/* env[i] = largest |value| of the 4x oversampled signal within 3/4 of a sample
 * of input sample i (so every inter-sample peak counts for both neighbours).
 * *peak = max over all of env.  Streams through libsoxr HQ, so memory is O(n). */
static int true_peak_envelope(const float *x, size_t n, int rate, float *env, double *peak,
                              struct rc_error *err)
{
    enum { CHUNK = 4096 };
    soxr_error_t e = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    soxr_t rs = soxr_create(rate, 4.0 * rate, 1, &e, &io, &q, &rt);
    if (!rs || e) {
        if (rs) soxr_delete(rs);
        return rc_fail(err, RC_SOFTWARE, "libsoxr 4x oversampler: %s", e ? e : "cannot create");
    }
    float *buf = xmalloc(4 * CHUNK * sizeof *buf + 64);
    for (size_t i = 0; i < n; i++)
        env[i] = fabsf(x[i]);
    size_t pos = 0;
    unsigned long long k = 0; /* index of the next oversampled output sample */
    for (int flushing = 0;;) {
        size_t ilen = n - pos < CHUNK ? n - pos : CHUNK, idone = 0, odone = 0;
        if (!flushing && ilen == 0) flushing = 1;
        e = soxr_process(rs, flushing ? NULL : x + pos, flushing ? 0 : ilen, &idone, buf, 4 * CHUNK, &odone);
        if (e) {
            soxr_delete(rs);
            free(buf);
            return rc_fail(err, RC_SOFTWARE, "libsoxr 4x oversampler: %s", e);
        }
        pos += idone;
        for (size_t j = 0; j < odone; j++, k++) {
            float v = fabsf(buf[j]);
            unsigned long long lo = k / 4, hi = (k + 3) / 4; /* k/4 - 3/4 .. k/4 + 3/4 */
            for (unsigned long long i = lo; i <= hi && i < n; i++)
                if (v > env[i]) env[i] = v;
        }
        if (flushing && odone == 0) break;
        if (k >= 4ull * n + 8) break;
    }
    soxr_delete(rs);
    free(buf);
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (env[i] > m) m = env[i];
    *peak = m;
    return 0;
}

/* out[i] = max of in[j] for |j - i| <= w (clipped to the array): a monotone
 * deque of indices, kept in a ring of 2w+2 entries (it never spans more). */
static void sliding_max(const float *in, float *out, size_t n, size_t w)
{
    size_t cap = 2 * w + 2, *ring = xmalloc(cap * sizeof *ring), head = 0, len = 0;
    for (size_t j = 0; j < n + w; j++) {
        if (j < n) {
            while (len > 0 && in[ring[(head + len - 1) % cap]] <= in[j])
                len--;
            ring[(head + len++) % cap] = j;
        }
        if (j < w) continue;
        size_t i = j - w;
        while (ring[head] + w < i)
            head = (head + 1) % cap, len--;
        out[i] = in[ring[head]];
    }
    free(ring);
}

/* out[i] = mean of in[j] for |j - i| <= h (clipped).  in >= 0; a window of zeros
 * gives exactly 0 (the running sum is reset there, so rounding cannot drift). */
static void box_mean(const float *in, float *out, size_t n, size_t h)
{
    double sum = 0;
    size_t nonzero = 0, lo = 0, hi = 0; /* window [lo, hi) */
    for (size_t i = 0; i < n; i++) {
        size_t want_hi = i + h + 1 < n ? i + h + 1 : n, want_lo = i > h ? i - h : 0;
        for (; hi < want_hi; hi++)
            if (in[hi] != 0) sum += in[hi], nonzero++;
        for (; lo < want_lo; lo++)
            if (in[lo] != 0) sum -= in[lo], nonzero--;
        if (nonzero == 0) sum = 0;
        out[i] = nonzero ? (float)(sum / (double)(hi - lo)) : 0.0f;
    }
}

/* Gain reduction curve red = 1 - gain for one pass (see encode_limit in
 * encode.h); a and b are scratch arrays of n floats. */
static void limiter_reduction(const float *env, size_t n, int rate, double target, float *red, float *a,
                              float *b)
{
    size_t h = (size_t)lround(LIM_BOX_SECONDS * rate);
    if (h < 1) h = 1;
    double rel = exp(-1.0 / (LIM_RELEASE_SECONDS * rate)), prev = 0;
    for (size_t i = 0; i < n; i++) {
        double need = env[i] > target ? 1.0 - target / env[i] : 0.0;
        double released = prev * rel;
        if (released < LIM_RELEASE_SNAP) released = 0;
        prev = need > released ? need : released;
        a[i] = (float)prev;
    }
    sliding_max(a, b, n, 2 * h);
    box_mean(b, a, n, h);
    box_mean(a, red, n, h);
}

int encode_limit(float *x, size_t n, int rate, double ceiling_dbtp, double *max_reduction_db,
                 struct rc_error *err)
{
    if (max_reduction_db) *max_reduction_db = 0;
    if (rate < 8000 || rate > 192000 || !isfinite(ceiling_dbtp) || ceiling_dbtp > 0)
        return rc_fail(err, RC_SOFTWARE, "limiter: bad rate %d or ceiling %g", rate, ceiling_dbtp);
    if (n == 0) return 0;
    const double ceiling = pow(10.0, ceiling_dbtp / 20.0);
    const double aim = ceiling * pow(10.0, -LIM_MARGIN_DB / 20.0);
    float *env = xmalloc(n * sizeof *env);
    double peak = 0;
    if (true_peak_envelope(x, n, rate, env, &peak, err) != 0 || peak <= aim) {
        free(env);
        return peak <= aim ? 0 : -1;
    }
    /* 20 bytes per sample in all: env, orig, red and two scratch arrays (the
     * first also holds the check pass's envelope). */
    float *orig = xmalloc(n * sizeof *orig), *red = xmalloc(n * sizeof *red);
    float *a = xmalloc(n * sizeof *a), *b = xmalloc(n * sizeof *b);
    memcpy(orig, x, n * sizeof *x);
    double target = aim * 0.999; /* a hair lower: usually saves a second pass */
    int ok = 0, rc = -1;
    for (int pass = 0; pass < LIM_MAX_PASSES && !ok; pass++) {
        limiter_reduction(env, n, rate, target, red, a, b);
        double maxred = 0;
        for (size_t i = 0; i < n; i++) {
            if (red[i] > maxred) maxred = red[i];
            x[i] = red[i] != 0 ? (float)(orig[i] * (1.0 - red[i])) : orig[i];
        }
        double got = 0;
        if (true_peak_envelope(x, n, rate, a, &got, err) != 0) goto out;
        if (max_reduction_db) *max_reduction_db = maxred < 1 ? -20.0 * log10(1.0 - maxred) : 999;
        if (got <= aim)
            ok = 1;
        else
            target *= aim / got * 0.9999; /* peaks between samples: aim lower */
    }
    if (!ok) {
        rc_fail(err, RC_SOFTWARE, "limiter did not reach %.2f dBTP in %d passes", ceiling_dbtp,
                LIM_MAX_PASSES);
        goto out;
    }
    rc = 0;
out:
    free(env), free(orig), free(red), free(a), free(b);
    return rc;
}

/* The limiter needs 20 bytes per sample of what it works on.  A turn is mostly clauses
 * separated by digital silence, and the limiter's gain returns to 1 long before the
 * middle of a pause, so it runs on one stretch between pauses at a time (cut in the
 * middle of every pause of at least LIM_CUT_PAUSE_MS): memory follows the longest
 * clause, not the turn. */
#define LIM_CUT_PAUSE_MS 100
static int limit_between_pauses(float *x, size_t n, double ceiling_dbtp, struct rc_error *err)
{
    const size_t min_pause = (size_t)ENCODE_OPUS_RATE * LIM_CUT_PAUSE_MS / 1000;
    size_t start = 0, i = 0;
    while (i < n) {
        if (fabsf(x[i]) >= 1e-6f) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && fabsf(x[j]) < 1e-6f) j++;
        if (j - i >= min_pause && j < n) {
            size_t cut = i + (j - i) / 2;
            if (encode_limit(x + start, cut - start, ENCODE_OPUS_RATE, ceiling_dbtp, NULL, err) != 0) return -1;
            start = cut;
        }
        i = j;
    }
    return encode_limit(x + start, n - start, ENCODE_OPUS_RATE, ceiling_dbtp, NULL, err);
}

int encode_prepare(const int16_t *pcm22050, size_t n_samples, const struct encode_settings *s, float **out24,
                   size_t *n24, struct rc_error *err)
{
    *out24 = NULL;
    *n24 = 0;
    if (encode_settings_check(s, err) != 0) return -1;
    size_t n = (size_t)encode_content_samples24(n_samples);
    float *x = xmalloc((n ? n : 1) * sizeof *x);
    if (resample_22_to_24(pcm22050, n_samples, x, n, err) != 0) {
        free(x);
        return -1;
    }
    if (s->gain_linear != 1.0)
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(x[i] * s->gain_linear);
    if (limit_between_pauses(x, n, s->ceiling_dbtp, err) != 0) {
        free(x);
        return -1;
    }
    *out24 = x;
    *n24 = n;
    return 0;
}

/* ---- encoding ---- */

/* Appends one packet to a run being built; *cap is the capacity of r->bytes. */
static void run_append(struct packet_run *r, size_t *cap, const unsigned char *pkt, int len)
{
    if (r->n_bytes + (size_t)len > *cap) {
        while (r->n_bytes + (size_t)len > *cap)
            *cap = *cap ? *cap * 2 : 4096;
        r->bytes = xrealloc(r->bytes, *cap);
    }
    r->offsets[r->n_packets] = r->n_bytes;
    r->sizes[r->n_packets] = len;
    memcpy(r->bytes + r->n_bytes, pkt, (size_t)len);
    r->n_bytes += (size_t)len;
    r->n_packets++;
}

/* Pauses inside a turn, and its silent tail, are not encoded.  A turn is clauses separated by digital silence;
 * where the input is exactly zero from PAUSE_MARGIN frames before a frame to
 * PAUSE_MARGIN frames after it, for at least PAUSE_MIN_FRAMES frames, those frames
 * become the silence packet and a fresh encoder takes over after them.  The join is
 * in silence, as between turns, and a fresh encoder fed from a frame boundary keeps
 * the same alignment (its delay is the lookahead, like the first encoder's).  About a
 * quarter of the audio is such pauses: encoding them was a quarter of the CPU. */
#define PAUSE_MARGIN 2     /* frames of zeros required before and after the skipped ones */
#define PAUSE_MIN_FRAMES 3 /* shorter pauses are encoded as they are */

static int frame_is_zero(const float *x, size_t n, size_t f)
{
    for (size_t i = f * ENCODE_FRAME24; i < (f + 1) * ENCODE_FRAME24; i++)
        if (i < n && x[i] != 0.0f) return 0;
    return 1;
}

/* Finds the next skippable pause at or after frame f: sets [*from, *to), or both to
 * `frames` if there is none. */
static void find_pause(const float *x, size_t n, size_t f, size_t frames, size_t *from, size_t *to)
{
    *from = *to = frames;
    size_t last_content = (n + ENCODE_FRAME24 - 1) / ENCODE_FRAME24; /* frames past it are the tail */
    for (size_t a = f; a < last_content; a++) {
        if (!frame_is_zero(x, n, a)) continue;
        size_t b = a;
        while (b < last_content && frame_is_zero(x, n, b)) b++;
        /* zeros over [a, b): skip [a + margin, b - margin); zeros to the end of the turn
         * (its tail) are skipped to the last frame, no encoder needed after them */
        if (a >= PAUSE_MARGIN && a + PAUSE_MARGIN >= f && b == last_content && frames - a >= PAUSE_MIN_FRAMES + PAUSE_MARGIN) {
            *from = a + PAUSE_MARGIN;
            *to = frames;
            return;
        }
        if (a >= PAUSE_MARGIN && b < last_content && b - a >= PAUSE_MIN_FRAMES + 2 * PAUSE_MARGIN && a + PAUSE_MARGIN >= f) {
            *from = a + PAUSE_MARGIN;
            *to = b - PAUSE_MARGIN;
            return;
        }
        a = b;
    }
}

int encode_turn(const int16_t *pcm22050, size_t n_samples, const struct encode_settings *s,
                struct packet_run *out, struct rc_error *err)
{
    return encode_turn_measured(pcm22050, n_samples, s, out, NULL, err);
}

int encode_turn_measured(const int16_t *pcm22050, size_t n_samples, const struct encode_settings *s,
                         struct packet_run *out, struct loudness_result *encoded_level, struct rc_error *err)
{
    memset(out, 0, sizeof *out);
    OpusEncoder *enc = new_encoder(s, err);
    if (!enc) return -1;
    int la = get_lookahead(enc, err);
    float *x = NULL;
    size_t n = 0;
    if (la < 0 || encode_prepare(pcm22050, n_samples, s, &x, &n, err) != 0) {
        opus_encoder_destroy(enc);
        return -1;
    }
    if (encoded_level) { /* integrated loudness and sample peak (the limiter bounds the true peak) */
        struct loudness_meter *m = loudness_open_mode(ENCODE_OPUS_RATE, 0, err);
        int bad = !m || loudness_add_float(m, x, n, err) != 0 || loudness_get(m, encoded_level, err) != 0;
        loudness_free(m);
        if (bad) {
            opus_encoder_destroy(enc);
            free(x);
            return -1;
        }
    }
    size_t frames = (n + (size_t)la + ENCODE_FRAME24 - 1) / ENCODE_FRAME24;
    if (frames > (size_t)(INT32_MAX / ENCODE_FRAME48)) {
        opus_encoder_destroy(enc);
        free(x);
        return rc_fail(err, RC_DATAERR, "turn is too long to encode (%zu samples)", n_samples);
    }
    out->offsets = xmalloc(frames * sizeof *out->offsets);
    out->sizes = xmalloc(frames * sizeof *out->sizes);
    out->frame_samples48 = ENCODE_FRAME48;
    out->content_samples24 = (long long)n;
    size_t cap = frames * (size_t)(s->bitrate_bps / 400 + 16);
    out->bytes = xmalloc(cap);
    float frame[ENCODE_FRAME24];
    unsigned char pkt[ENCODE_MAX_PACKET], silence[ENCODE_MAX_PACKET];
    int silence_len = 0;
    size_t skip_from = 0, skip_to = 0; /* frames [skip_from, skip_to) are a pause: not encoded */
    for (size_t f = 0; f < frames; f++) {
        if (f >= skip_to) find_pause(x, n, f, frames, &skip_from, &skip_to);
        if (f >= skip_from && f < skip_to) {
            /* a long pause inside the turn: the silence packet, and a fresh encoder after it */
            if (!silence_len && encode_silence_packet(s, silence, &silence_len, err) != 0) goto fail;
            run_append(out, &cap, silence, silence_len);
            if (f + 1 == skip_to && skip_to < frames) {
                opus_encoder_destroy(enc);
                if (!(enc = new_encoder(s, err))) goto fail;
            }
            continue;
        }
        size_t start = f * ENCODE_FRAME24;
        for (size_t i = 0; i < ENCODE_FRAME24; i++)
            frame[i] = start + i < n ? x[start + i] : 0.0f;
        opus_int32 len = opus_encode_float(enc, frame, ENCODE_FRAME24, pkt, sizeof pkt);
        if (len < 1) {
            rc_fail(err, RC_SOFTWARE, "Opus encoding failed at packet %zu: %s", f,
                    len < 0 ? opus_strerror(len) : "empty packet");
            opus_encoder_destroy(enc);
            free(x);
            packet_run_free(out);
            return -1;
        }
        run_append(out, &cap, pkt, len);
    }
    opus_encoder_destroy(enc);
    free(x);
    return 0;
fail:
    if (enc) opus_encoder_destroy(enc);
    free(x);
    packet_run_free(out);
    return -1;
}

int encode_silence_packet(const struct encode_settings *s, unsigned char *buf, int *len, struct rc_error *err)
{
    enum { SETTLED = 10, MAX_FRAMES = 500 };
    *len = 0;
    OpusEncoder *enc = new_encoder(s, err);
    if (!enc) return -1;
    float zeros[ENCODE_FRAME24] = {0};
    unsigned char pkt[ENCODE_MAX_PACKET];
    int same = 0;
    for (int f = 0; f < MAX_FRAMES && same < SETTLED; f++) {
        opus_int32 n = opus_encode_float(enc, zeros, ENCODE_FRAME24, pkt, sizeof pkt);
        if (n < 1) {
            opus_encoder_destroy(enc);
            return rc_fail(err, RC_SOFTWARE, "Opus encoding of silence failed: %s",
                           n < 0 ? opus_strerror(n) : "empty packet");
        }
        if (n == *len && memcmp(pkt, buf, (size_t)n) == 0)
            same++;
        else
            same = 0, memcpy(buf, pkt, (size_t)n), *len = n;
    }
    opus_encoder_destroy(enc);
    if (same < SETTLED) {
        *len = 0;
        return rc_fail(err, RC_SOFTWARE, "the Opus encoder did not settle on a silence packet");
    }
    return 0;
}

void packet_run_free(struct packet_run *r)
{
    if (!r) return;
    free(r->offsets);
    free(r->sizes);
    free(r->bytes);
    memset(r, 0, sizeof *r);
}

/* ---- serialisation ---- */

static void put_le(unsigned char *p, unsigned long long v, int nbytes)
{
    for (int i = 0; i < nbytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned long long get_le(const unsigned char *p, int nbytes)
{
    unsigned long long v = 0;
    for (int i = 0; i < nbytes; i++)
        v |= (unsigned long long)p[i] << (8 * i);
    return v;
}

static void append_page(struct strbuf *out, const ogg_page *og)
{
    sb_add(out, (const char *)og->header, (size_t)og->header_len);
    sb_add(out, (const char *)og->body, (size_t)og->body_len);
}

int packet_run_serialize(const struct packet_run *r, struct strbuf *out, struct rc_error *err)
{
    if (r->n_packets < 0 || r->frame_samples48 <= 0 || r->content_samples24 < 0)
        return rc_fail(err, RC_SOFTWARE, "cannot serialise a malformed packet run");
    ogg_stream_state os;
    if (ogg_stream_init(&os, RUN_OGG_SERIAL) != 0)
        return rc_fail(err, RC_SOFTWARE, "libogg: cannot initialise a stream");
    unsigned char head[RUN_HEADER_BYTES];
    memcpy(head, RUN_MAGIC, 8);
    put_le(head + 8, RUN_VERSION, 4);
    put_le(head + 12, (unsigned)r->n_packets, 4);
    put_le(head + 16, (unsigned)r->frame_samples48, 4);
    put_le(head + 20, (unsigned long long)r->content_samples24, 8);
    put_le(head + 28, (unsigned long long)r->n_bytes, 8);
    ogg_packet op;
    memset(&op, 0, sizeof op);
    op.packet = head;
    op.bytes = RUN_HEADER_BYTES;
    op.b_o_s = 1;
    op.e_o_s = r->n_packets == 0;
    ogg_page og;
    int bad = ogg_stream_packetin(&os, &op) != 0;
    while (!bad && ogg_stream_flush(&os, &og))
        append_page(out, &og);
    for (int i = 0; i < r->n_packets && !bad; i++) {
        memset(&op, 0, sizeof op);
        op.packet = r->bytes + r->offsets[i];
        op.bytes = r->sizes[i];
        op.granulepos = (ogg_int64_t)(i + 1) * r->frame_samples48;
        op.packetno = i + 1;
        op.e_o_s = i == r->n_packets - 1;
        bad = ogg_stream_packetin(&os, &op) != 0;
        while (!bad && ogg_stream_pageout(&os, &og))
            append_page(out, &og);
    }
    while (!bad && ogg_stream_flush(&os, &og))
        append_page(out, &og);
    bad = bad || ogg_stream_check(&os) != 0;
    ogg_stream_clear(&os);
    if (bad) return rc_fail(err, RC_SOFTWARE, "libogg: cannot serialise a packet run");
    return 0;
}

/* Reading a packet run blob: the state carried from page to page.  Each step returns
 * NULL, or why the blob is rejected. */
struct run_reader {
    ogg_sync_state oy;
    ogg_stream_state os;
    int have_stream, saw_header, saw_eos, n_expected;
    unsigned long long bytes_expected;
    size_t len; /* of the blob */
    size_t cap; /* of out->bytes */
    struct packet_run *out;
};

/* The first packet: magic, version, packet count, frame size, content length, bytes. */
static const char *read_run_header(struct run_reader *rd, const ogg_packet *op)
{
    const unsigned char *h = op->packet;
    if (op->bytes != RUN_HEADER_BYTES || memcmp(h, RUN_MAGIC, 8) != 0 || get_le(h + 8, 4) != RUN_VERSION)
        return "bad header packet";
    unsigned long long np = get_le(h + 12, 4), fs = get_le(h + 16, 4);
    unsigned long long cs = get_le(h + 20, 8);
    rd->bytes_expected = get_le(h + 28, 8);
    if (np > (unsigned long long)INT32_MAX / ENCODE_FRAME48 || fs == 0 || fs > 5760 || cs > np * fs / 2 ||
        rd->bytes_expected > rd->len)
        return "inconsistent header fields";
    rd->n_expected = (int)np;
    rd->out->frame_samples48 = (int)fs;
    rd->out->content_samples24 = (long long)cs;
    rd->out->offsets = xmalloc((np ? np : 1) * sizeof *rd->out->offsets);
    rd->out->sizes = xmalloc((np ? np : 1) * sizeof *rd->out->sizes);
    rd->saw_header = 1;
    return NULL;
}

/* The header, or one Opus packet of the header's frame size. */
static const char *read_run_packet(struct run_reader *rd, const ogg_packet *op)
{
    struct packet_run *out = rd->out;
    if (!rd->saw_header) {
        const char *why = read_run_header(rd, op);
        if (why) return why;
    } else {
        if (out->n_packets >= rd->n_expected || op->bytes < 1 || op->bytes > ENCODE_MAX_PACKET ||
            opus_packet_get_nb_samples(op->packet, (opus_int32)op->bytes, 48000) != out->frame_samples48)
            return "a packet does not match the header";
        run_append(out, &rd->cap, op->packet, (int)op->bytes);
    }
    if (op->e_o_s) rd->saw_eos = 1;
    return NULL;
}

/* One page: the first one must begin the run's stream; then every packet it completes. */
static const char *read_run_page(struct run_reader *rd, ogg_page *og)
{
    if (rd->saw_eos) return "pages after the end of stream";
    if (!rd->have_stream) {
        if (!ogg_page_bos(og) || ogg_page_serialno(og) != RUN_OGG_SERIAL) return "not a packet run";
        if (ogg_stream_init(&rd->os, RUN_OGG_SERIAL) != 0) return "libogg cannot initialise a stream";
        rd->have_stream = 1;
    }
    if (ogg_stream_pagein(&rd->os, og) != 0) return "page of another stream or out of order";
    ogg_packet op;
    int po;
    while ((po = ogg_stream_packetout(&rd->os, &op)) != 0) {
        if (po < 0) return "missing pages";
        const char *why = read_run_packet(rd, &op);
        if (why) return why;
    }
    return NULL;
}

/* The whole blob: every page, nothing left over, as many packets and bytes as the header says. */
static const char *read_run(struct run_reader *rd, const void *data)
{
    char *dst = ogg_sync_buffer(&rd->oy, (long)rd->len);
    if (!dst || (memcpy(dst, data, rd->len), ogg_sync_wrote(&rd->oy, (long)rd->len)) != 0)
        return "libogg cannot buffer it";
    for (;;) {
        ogg_page og;
        int pr = ogg_sync_pageout(&rd->oy, &og);
        if (pr == 0) break;
        if (pr < 0) return "bad Ogg page (CRC mismatch or garbage)";
        const char *why = read_run_page(rd, &og);
        if (why) return why;
    }
    if (rd->oy.returned != rd->oy.fill) return "truncated or trailing bytes";
    if (!rd->saw_eos || rd->out->n_packets != rd->n_expected || rd->out->n_bytes != rd->bytes_expected)
        return "truncated";
    return NULL;
}

int packet_run_deserialize(const void *data, size_t len, struct packet_run *out, struct rc_error *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || len > (size_t)INT32_MAX)
        return rc_fail(err, RC_DATAERR, "packet run blob: %s", len ? "too large" : "empty");
    struct run_reader rd = {.len = len, .out = out};
    ogg_sync_init(&rd.oy);
    const char *why = read_run(&rd, data);
    if (rd.have_stream) ogg_stream_clear(&rd.os);
    ogg_sync_clear(&rd.oy);
    if (!why) return 0;
    packet_run_free(out);
    return rc_fail(err, RC_DATAERR, "packet run blob (%zu bytes) rejected: %s", len, why);
}
