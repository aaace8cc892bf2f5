/* test_oggmux.c: the Ogg Opus muxer.  Streams are checked three ways: parsed
 * back with libogg and decoded with libopus here (sample-exact comparisons),
 * and by independent tools run through system() -- opusinfo, opusdec, ffmpeg,
 * ffprobe.  (Only this test shells out; the product never does.)  A missing
 * tool makes its case FAIL, not skip. */
#include "alignment.h"
#include "check.h"
#include "speechlike.h"
#include "audio/encode.h"
#include "audio/oggmux.h"

#include <math.h>
#include <ogg/ogg.h>
#include <opus.h>
#include <soxr.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERIAL 0x52434153u

static char tmpdir[64];

/* ---- signals and encoding ---- */

/* ---- the programme under test ---- */

static struct encode_settings S;
static int L;
static unsigned char SIL[ENCODE_MAX_PACKET];
static int SIL_LEN;
static struct packet_run RUN_A, RUN_B;
static long long T_A, T_B, TOTAL; /* item starts and programme length, samples48 */
static char *chap[4];

/* Muxes [sil x3, A, sil x10, B, sil x5] (or, for a clip, [pre-roll sil x preroll,
 * B, sil x5]) into fp, planned length `planned`. */
static int mux_programme(FILE *fp, int clip, int preroll, long long planned, struct rc_error *err)
{
    const char *comments[6] = {"TITLE=测试节目", "ARTIST=recast", chap[0], chap[1], chap[2], chap[3]};
    struct oggmux_header h = {
        .serial = SERIAL,
        .preskip48 = oggmux_preskip48(L, clip ? preroll : 0),
        .input_rate = 22050,
        .output_gain_q8 = 0,
        .vendor = "recast-test",
        .comments = comments,
        .n_comments = clip ? 2 : 6,
        .silence = SIL,
        .silence_len = SIL_LEN,
    };
    struct oggmux *m = oggmux_open(fp, &h, err);
    if (!m) return -1;
    int rc = clip ? oggmux_write_silence(m, preroll, err) || oggmux_write_run(m, &RUN_B, err) ||
                        oggmux_write_silence(m, 5, err)
                  : oggmux_write_silence(m, 3, err) || oggmux_write_run(m, &RUN_A, err) ||
                        oggmux_write_silence(m, 10, err) || oggmux_write_run(m, &RUN_B, err) ||
                        oggmux_write_silence(m, 5, err);
    if (!rc) rc = oggmux_finish(m, planned, err);
    oggmux_free(m);
    return rc ? -1 : 0;
}

static char *path_in_tmp(const char *name)
{
    char *p = malloc(strlen(tmpdir) + strlen(name) + 2);
    sprintf(p, "%s/%s", tmpdir, name);
    return p;
}

static int mux_to_file(const char *name, int clip, int preroll, long long planned)
{
    struct rc_error err = {0};
    struct atomic_file af;
    char *path = path_in_tmp(name);
    int rc = atomic_open(&af, path, &err);
    if (rc == 0) {
        rc = mux_programme(af.fp, clip, preroll, planned, &err);
        if (rc == 0)
            rc = atomic_commit(&af, &err);
        else
            atomic_abort(&af);
    }
    if (rc) printf("# mux %s failed: %s\n", name, err.msg);
    free(path);
    return rc;
}

/* ---- reading a stream back with libogg ---- */

struct parsed {
    int ok;
    int n_pages, bad_pages;
    int head_ok, tags_ok;
    int preskip;
    int serial_ok, bos_only_first, eos_only_last, headers_alone, max_page_audio_ok;
    long long final_granule, max_page_audio48;
    char *tags;
    long tags_len;
    int n_packets;
    unsigned char **pkt;
    long *pkt_len;
};

static void parsed_free(struct parsed *p)
{
    for (int i = 0; i < p->n_packets; i++)
        free(p->pkt[i]);
    free(p->pkt), free(p->pkt_len), free(p->tags);
    memset(p, 0, sizeof *p);
}

static int parse_stream(const char *data, size_t len, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    ogg_sync_state oy;
    ogg_stream_state os;
    ogg_sync_init(&oy);
    ogg_stream_init(&os, (int)SERIAL);
    char *buf = ogg_sync_buffer(&oy, (long)len);
    memcpy(buf, data, len);
    ogg_sync_wrote(&oy, (long)len);
    ogg_page og;
    ogg_packet op;
    int np = 0, r, saw_eos = 0, tags_page = -1;
    long long prev_granule = 0;
    p->serial_ok = p->bos_only_first = p->eos_only_last = p->headers_alone = 1;
    while ((r = ogg_sync_pageout(&oy, &og)) != 0) {
        if (r < 0) {
            p->bad_pages++;
            continue;
        }
        long long g = ogg_page_granulepos(&og);
        if ((unsigned)ogg_page_serialno(&og) != SERIAL) p->serial_ok = 0;
        if (!!ogg_page_bos(&og) != (p->n_pages == 0)) p->bos_only_first = 0;
        if (saw_eos) p->eos_only_last = 0;
        if (ogg_page_eos(&og)) saw_eos = 1;
        /* OpusHead alone on page 0; OpusTags ends its page (granule 0 there and
         * the next page does not continue a packet). */
        if (p->n_pages == 0 && (ogg_page_packets(&og) != 1 || g != 0)) p->headers_alone = 0;
        if (tags_page >= 0 && p->n_pages == tags_page + 1 && ogg_page_continued(&og)) p->headers_alone = 0;
        if (tags_page >= 0 && g >= 0) {
            if (g - prev_granule > p->max_page_audio48) p->max_page_audio48 = g - prev_granule;
            prev_granule = g;
        }
        ogg_stream_pagein(&os, &og);
        while (ogg_stream_packetout(&os, &op) == 1) {
            if (np == 0) {
                p->head_ok = op.bytes == 19 && memcmp(op.packet, "OpusHead", 8) == 0 && op.packet[8] == 1 &&
                             op.packet[9] == 1 && op.packet[18] == 0;
                p->preskip = op.packet[10] | op.packet[11] << 8;
            } else if (np == 1) {
                p->tags_ok = op.bytes >= 16 && memcmp(op.packet, "OpusTags", 8) == 0;
                p->tags = malloc((size_t)op.bytes + 1);
                memcpy(p->tags, op.packet, (size_t)op.bytes);
                p->tags[op.bytes] = 0;
                p->tags_len = op.bytes;
                tags_page = p->n_pages;
                if (g != 0) p->headers_alone = 0;
            } else {
                p->pkt = realloc(p->pkt, (size_t)(p->n_packets + 1) * sizeof *p->pkt);
                p->pkt_len = realloc(p->pkt_len, (size_t)(p->n_packets + 1) * sizeof *p->pkt_len);
                p->pkt[p->n_packets] = malloc((size_t)op.bytes);
                memcpy(p->pkt[p->n_packets], op.packet, (size_t)op.bytes);
                p->pkt_len[p->n_packets++] = op.bytes;
            }
            np++;
        }
        if (g >= 0) p->final_granule = g;
        p->n_pages++;
    }
    p->max_page_audio_ok = p->max_page_audio48 <= 48000;
    p->ok = saw_eos && p->bad_pages == 0 && oy.returned == oy.fill;
    ogg_stream_clear(&os);
    ogg_sync_clear(&oy);
    return p->ok ? 0 : -1;
}

/* Decodes the parsed stream with libopus at 48 kHz honouring pre-skip and end
 * trimming, as RFC 7845 prescribes.  Returns the playable samples. */
static float *decode_parsed(const struct parsed *p, size_t *n)
{
    int e = 0;
    OpusDecoder *dec = opus_decoder_create(48000, 1, &e);
    float *raw = calloc((size_t)p->n_packets * 5760 + 1, sizeof *raw);
    size_t got = 0;
    for (int i = 0; dec && i < p->n_packets; i++) {
        int k = opus_decode_float(dec, p->pkt[i], (opus_int32)p->pkt_len[i], raw + got, 5760, 0);
        if (k < 0) break;
        got += (size_t)k;
    }
    if (dec) opus_decoder_destroy(dec);
    long long play = p->final_granule - p->preskip;
    if (play < 0 || (size_t)p->preskip + (size_t)play > got) play = 0;
    float *out = malloc((size_t)play * sizeof *out + 1);
    memcpy(out, raw + p->preskip, (size_t)play * sizeof *out);
    free(raw);
    *n = (size_t)play;
    return out;
}

static int load(const char *name, char **data, size_t *len)
{
    struct rc_error err;
    char *path = path_in_tmp(name);
    int rc = read_file(path, data, len, &err);
    free(path);
    return rc;
}

/* ---- external tools ---- */


static long file_size(const char *name)
{
    char *data = NULL;
    size_t len = 0;
    if (load(name, &data, &len) != 0) return -1;
    free(data);
    return (long)len;
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* ---- tests ---- */

int main(void)
{
    struct rc_error err = {0};
    strcpy(tmpdir, "/tmp/recast-test-oggmux-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL setup: cannot create a temporary directory\n");
        return 1;
    }

    encode_settings_default(&S);
    L = encode_lookahead24(&S);
    size_t na = 22050 * 2 + 77, nb = 22050 * 5 / 2 + 5;
    int16_t *pa = make_turn(na, 1, 0.5), *pb = make_turn(nb, 2, 0.4);
    int setup = L > 0 && encode_silence_packet(&S, SIL, &SIL_LEN, &err) == 0 &&
                encode_turn(pa, na, &S, &RUN_A, &err) == 0 && encode_turn(pb, nb, &S, &RUN_B, &err) == 0;
    if (!setup) {
        printf("FAIL setup: %s\n", err.msg);
        rmdir(tmpdir);
        return 1;
    }
    T_A = 3 * 960;
    T_B = T_A + packet_run_samples48(&RUN_A) + 10 * 960;
    TOTAL = T_B + packet_run_samples48(&RUN_B) + 5 * 960;
    oggmux_chapter_comments(0, 0, "开场 Opening", &chap[0], &chap[1], &err);
    oggmux_chapter_comments(1, T_B, "第二部分: Part B", &chap[2], &chap[3], &err);
    printf("# info: L=%d, run A %d packets (%zu bytes), run B %d packets (%zu bytes), "
           "silence packet %d bytes, programme %lld samples48 (%.3f s)\n",
           L, RUN_A.n_packets, RUN_A.n_bytes, RUN_B.n_packets, RUN_B.n_bytes, SIL_LEN, TOTAL,
           TOTAL / 48000.0);

    TEST_CASE("oggmux: chapter comments are formatted CHAPTERnnn=HH:MM:SS.mmm")
    {
        char *t = NULL, *n = NULL;
        CHECK(oggmux_chapter_comments(0, 0, "Intro", &t, &n, &err) == 0);
        CHECK_STR(t, "CHAPTER000=00:00:00.000");
        CHECK_STR(n, "CHAPTER000NAME=Intro");
        free(t), free(n);
        CHECK(oggmux_chapter_comments(7, 48LL * 3723045, "a\nb\tc", &t, &n, &err) == 0);
        CHECK_STR(t, "CHAPTER007=01:02:03.045");
        CHECK_STR(n, "CHAPTER007NAME=a b c");
        free(t), free(n);
        CHECK(oggmux_chapter_comments(999, 23, "", &t, &n, &err) == 0);
        CHECK_STR(t, "CHAPTER999=00:00:00.000"); /* 23/48 ms rounds down */
        free(t), free(n);
        CHECK(oggmux_chapter_comments(12, 24, NULL, &t, &n, &err) == 0);
        CHECK_STR(t, "CHAPTER012=00:00:00.001"); /* 24/48 ms rounds up */
        CHECK_STR(n, "CHAPTER012NAME=");
        free(t), free(n);
        CHECK(oggmux_chapter_comments(1000, 0, "x", &t, &n, &err) == -1);
        CHECK_INT(err.code, RC_SOFTWARE);
        CHECK(oggmux_chapter_comments(1, -1, "x", &t, &n, &err) == -1);
        CHECK(t == NULL && n == NULL);
    }

    int full_ok = mux_to_file("full.opus", 0, 0, TOTAL) == 0;
    int trim_ok = mux_to_file("trim.opus", 0, 0, TOTAL - 333) == 0;
    char *full = NULL, *trim = NULL;
    size_t full_len = 0, trim_len = 0;
    struct parsed pf = {0}, pt = {0};
    float *df = NULL, *dt = NULL;
    size_t ndf = 0, ndt = 0;
    if (full_ok && load("full.opus", &full, &full_len) == 0 && parse_stream(full, full_len, &pf) == 0)
        df = decode_parsed(&pf, &ndf);
    if (trim_ok && load("trim.opus", &trim, &trim_len) == 0 && parse_stream(trim, trim_len, &pt) == 0)
        dt = decode_parsed(&pt, &ndt);

    TEST_CASE("oggmux: stream structure (RFC 7845 headers, pages, granules, EOS)")
    {
        CHECK(full_ok && pf.ok);
        CHECK(pf.head_ok && pf.tags_ok);
        CHECK_INT(pf.preskip, 2 * L);
        CHECK(pf.serial_ok);
        CHECK(pf.bos_only_first);
        CHECK(pf.eos_only_last);
        CHECK(pf.headers_alone);
        CHECK_INT(pf.final_granule, pf.preskip + TOTAL);
        printf("# info: %d pages, longest page %lld samples48, file %zu bytes = %.0f bytes/s\n", pf.n_pages,
               pf.max_page_audio48, full_len, full_len / (TOTAL / 48000.0));
        CHECK(pf.max_page_audio_ok);
        CHECK(pf.n_pages >= 2 + (int)(TOTAL / 48000));
        /* Packets are the input packets, in order, plus the one tail packet that
         * makes the last 2L samples decodable. */
        int expect = 3 + RUN_A.n_packets + 10 + RUN_B.n_packets + 5 + 1;
        CHECK_INT(pf.n_packets, expect);
        int same = pf.n_packets == expect;
        for (int i = 0; same && i < RUN_A.n_packets; i++)
            same = pf.pkt_len[3 + i] == RUN_A.sizes[i] &&
                   memcmp(pf.pkt[3 + i], RUN_A.bytes + RUN_A.offsets[i], (size_t)RUN_A.sizes[i]) == 0;
        for (int i = 0; same && i < expect; i++)
            if (i < 3 || (i >= 3 + RUN_A.n_packets && i < 13 + RUN_A.n_packets) ||
                i >= 13 + RUN_A.n_packets + RUN_B.n_packets)
                same = pf.pkt_len[i] == SIL_LEN && memcmp(pf.pkt[i], SIL, (size_t)SIL_LEN) == 0;
        CHECK(same);
        /* Vendor and comments. */
        CHECK(pf.tags && memmem(pf.tags, (size_t)pf.tags_len, "recast-test", 11) != NULL);
        CHECK(pf.tags && memmem(pf.tags, (size_t)pf.tags_len, chap[2], strlen(chap[2])) != NULL);
    }

    TEST_CASE("oggmux: trimmed stream (333 samples short) ends on the sample")
    {
        CHECK(trim_ok && pt.ok);
        CHECK_INT(pt.final_granule, pt.preskip + TOTAL - 333);
        CHECK_INT(pt.n_packets, 3 + RUN_A.n_packets + 10 + RUN_B.n_packets + 5); /* no tail needed */
        CHECK_INT(ndt, TOTAL - 333);
        CHECK(df && dt && ndf >= ndt && max_abs_diff(df, dt, ndt) == 0);
    }

    TEST_CASE("oggmux: libopus decode gives exactly the planned length")
    {
        CHECK_INT(ndf, TOTAL);
    }

    TEST_CASE("oggmux: opusinfo reports no warnings or errors")
    {
        int st = run_in(tmpdir, "opusinfo full.opus > opusinfo.txt 2>&1");
        CHECK_INT(st, 0);
        char *txt = NULL;
        size_t n = 0;
        CHECK(load("opusinfo.txt", &txt, &n) == 0);
        CHECK(txt && !strstr(txt, "WARNING") && !strstr(txt, "ERROR") && !strstr(txt, "warning") &&
              !strstr(txt, "error"));
        char want[64];
        snprintf(want, sizeof want, "Pre-skip: %d", 2 * L);
        CHECK(txt && strstr(txt, want) != NULL);
        snprintf(want, sizeof want, "Playback length: %lldm:%02lld.%03llds", TOTAL / 48000 / 60,
                 TOTAL / 48000 % 60, TOTAL % 48000 / 48);
        CHECK(txt && strstr(txt, want) != NULL);
        if (check_case_failed && txt) printf("%s\n", txt);
        free(txt);
        st = run_in(tmpdir, "opusinfo trim.opus > opusinfo2.txt 2>&1");
        CHECK_INT(st, 0);
        CHECK(load("opusinfo2.txt", &txt, &n) == 0);
        CHECK(txt && !strstr(txt, "WARNING") && !strstr(txt, "ERROR") && !strstr(txt, "warning") &&
              !strstr(txt, "error"));
        free(txt);
    }

    TEST_CASE("oggmux: opusdec decodes exactly the planned samples, equal to libopus here")
    {
        CHECK_INT(run_in(tmpdir, "opusdec --quiet --rate 48000 --float full.opus full.f32 >/dev/null 2>&1"), 0);
        CHECK_INT(run_in(tmpdir, "opusdec --quiet --rate 48000 --float trim.opus trim.f32 >/dev/null 2>&1"), 0);
        CHECK_INT(file_size("full.f32"), TOTAL * 4);
        CHECK_INT(file_size("trim.f32"), (TOTAL - 333) * 4);
        char *raw = NULL;
        size_t n = 0;
        if (df && load("full.f32", &raw, &n) == 0 && n == (size_t)TOTAL * 4) {
            double d = max_abs_diff((const float *)raw, df, (size_t)TOTAL);
            printf("# info: opusdec vs libopus here: max |diff| %.3g\n", d);
            CHECK(d == 0);
        }
        free(raw);
        /* 16-bit WAV output too (the common path). */
        CHECK_INT(run_in(tmpdir, "opusdec --quiet --rate 48000 trim.opus trim.wav >/dev/null 2>&1"), 0);
        long wav = file_size("trim.wav");
        CHECK(wav >= 44);
        CHECK_INT((wav - 44) / 2, TOTAL - 333);
    }

    TEST_CASE("oggmux: ffmpeg decodes exactly the planned samples")
    {
        CHECK_INT(run_in(tmpdir, "ffmpeg -v error -y -i full.opus -f s16le -ar 48000 -ac 1 full.s16"), 0);
        CHECK_INT(run_in(tmpdir, "ffmpeg -v error -y -i trim.opus -f s16le -ar 48000 -ac 1 trim.s16"), 0);
        CHECK_INT(file_size("full.s16"), TOTAL * 2);
        CHECK_INT(file_size("trim.s16"), (TOTAL - 333) * 2);
    }

    TEST_CASE("oggmux: ffprobe lists the chapters with their start times and titles")
    {
        CHECK_INT(run_in(tmpdir, "ffprobe -v error -show_chapters -show_format -of json full.opus > probe.json"), 0);
        char *js = NULL;
        size_t n = 0;
        CHECK(load("probe.json", &js, &n) == 0);
        char want[64];
        snprintf(want, sizeof want, "\"start_time\": \"%.6f\"", (double)((T_B + 24) / 48) / 1000);
        CHECK(js && strstr(js, "\"start_time\": \"0.000000\"") != NULL);
        CHECK(js && strstr(js, want) != NULL);
        CHECK(js && strstr(js, "\"title\": \"开场 Opening\"") != NULL);
        CHECK(js && strstr(js, "\"title\": \"第二部分: Part B\"") != NULL);
        /* ffprobe's format duration counts the pre-skip too (an opusenc file of
         * 4.900 s shows 4.906500 as well); decoders play TOTAL samples. */
        snprintf(want, sizeof want, "\"duration\": \"%.6f\"", (TOTAL + 2 * L) / 48000.0);
        CHECK(js && strstr(js, want) != NULL);
        if (check_case_failed && js) printf("%s\n", js);
        free(js);
    }

    TEST_CASE("oggmux: run A's content sits at its timeline offset (3 packets in)")
    {
        /* Reference: the encoder input of run A, upsampled 24 -> 48 kHz with
         * libsoxr; cross-correlated with the decoded programme at T_A + lag. */
        float *x24 = NULL, *x48 = NULL;
        size_t n24 = 0, done = 0;
        CHECK(encode_prepare(pa, na, &S, &x24, &n24, &err) == 0);
        size_t n48 = 2 * n24;
        x48 = calloc(n48 + 1, sizeof *x48);
        soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
        CHECK(soxr_oneshot(24000, 48000, 1, x24, n24, NULL, x48, n48, &done, NULL, &q, NULL) == 0);
        struct alignment al = find_alignment(x48, n48, df, T_A, 16, 200);
        double us = al.lag * 1e6 / 48000;
        printf("# info: run A found at %+.1f us from its planned offset (correlation %.4f)\n", us, al.peak);
        CHECK(fabs(us) <= 62.5); /* libopus hybrid decodes ~48 us early, see test_encode */
        CHECK(al.peak > 0.95);
        /* And against run A decoded alone by a fresh decoder (raw, minus 2L):
         * the only difference is the decoder state left by 3 silence packets. */
        int e = 0;
        OpusDecoder *dec = opus_decoder_create(48000, 1, &e);
        float *alone = calloc((size_t)RUN_A.n_packets * 960, sizeof *alone);
        for (int i = 0; dec && i < RUN_A.n_packets; i++)
            CHECK_INT(opus_decode_float(dec, RUN_A.bytes + RUN_A.offsets[i], RUN_A.sizes[i],
                                        alone + (size_t)i * 960, 960, 0),
                      960);
        if (dec) opus_decoder_destroy(dec);
        size_t span = (size_t)RUN_A.n_packets * 960 - (size_t)(2 * L);
        double d = df ? max_abs_diff(df + T_A, alone + 2 * L, span) : 1;
        printf("# info: run A in the programme vs decoded alone: max |diff| %.3g (%.2f LSB)\n", d, d * 32768);
        CHECK(d < 4.0 / 32768);
        free(alone), free(x24), free(x48);
    }

    TEST_CASE("oggmux: clip of run B with 10 pre-roll packets decodes sample-exactly")
    {
        long long clip_len = packet_run_samples48(&RUN_B) + 5 * 960;
        int preroll[] = {10, 4, 0};
        for (int k = 0; k < 3; k++) {
            char name[32];
            snprintf(name, sizeof name, "clip%d.opus", preroll[k]);
            char *data = NULL;
            size_t len = 0, nc = 0;
            struct parsed pc = {0};
            float *dc = NULL;
            int ok = mux_to_file(name, 1, preroll[k], clip_len) == 0 && load(name, &data, &len) == 0 &&
                     parse_stream(data, len, &pc) == 0;
            if (ok) dc = decode_parsed(&pc, &nc);
            if (k == 0) {
                CHECK(ok);
                CHECK_INT(pc.preskip, 2 * L + 9600);
                CHECK_INT(pc.final_granule, pc.preskip + clip_len);
                CHECK_INT(nc, clip_len);
            }
            double d = dc && df && nc == (size_t)clip_len ? max_abs_diff(dc, df + T_B, nc) : 1;
            printf("# info: clip with %d pre-roll packets vs same span of the programme: "
                   "max |diff| %.3g (%.2f LSB)\n",
                   preroll[k], d, d * 32768);
            if (k == 0) CHECK(d == 0);
            free(dc), free(data);
            parsed_free(&pc);
        }
        /* The independent decoder agrees: opusdec of the clip == that span of the programme. */
        CHECK_INT(run_in(tmpdir, "opusdec --quiet --rate 48000 --float clip10.opus clip10.f32 >/dev/null 2>&1"), 0);
        char *a = NULL, *b = NULL;
        size_t la = 0, lb = 0;
        if (load("clip10.f32", &a, &la) == 0 && load("full.f32", &b, &lb) == 0 &&
            la == (size_t)clip_len * 4 && lb == (size_t)TOTAL * 4)
            CHECK(memcmp(a, b + T_B * 4, la) == 0);
        else
            CHECK(!"opusdec output of the clip or the programme is missing or the wrong size");
        free(a), free(b);
        CHECK_INT(
            run_in(tmpdir, "opusinfo clip10.opus 2>&1 | grep -ci warn > clipwarn.txt; test $(cat clipwarn.txt) = 0"), 0);
    }

    TEST_CASE("oggmux: the same input muxes to byte-identical files")
    {
        char *buf1 = NULL, *buf2 = NULL;
        size_t n1 = 0, n2 = 0;
        FILE *f1 = open_memstream(&buf1, &n1), *f2 = open_memstream(&buf2, &n2);
        CHECK(f1 && f2);
        CHECK(mux_programme(f1, 0, 0, TOTAL, &err) == 0);
        CHECK(mux_programme(f2, 0, 0, TOTAL, &err) == 0);
        fclose(f1), fclose(f2);
        CHECK(n1 == n2 && n1 > 0 && memcmp(buf1, buf2, n1) == 0);
        CHECK(n1 == full_len && full && memcmp(buf1, full, n1) == 0);
        free(buf1), free(buf2);
    }

    TEST_CASE("oggmux: caller mistakes and write errors are reported")
    {
        FILE *fp = tmpfile();
        const char *bad_comment[1] = {"NOEQUALSSIGN"};
        struct oggmux_header h = {
            .serial = 1, .preskip48 = 70000, .input_rate = 22050, .silence = SIL, .silence_len = SIL_LEN};
        CHECK(oggmux_open(fp, &h, &err) == NULL);
        CHECK_INT(err.code, RC_SOFTWARE);
        h.preskip48 = 2 * L;
        h.comments = bad_comment, h.n_comments = 1;
        CHECK(oggmux_open(fp, &h, &err) == NULL);
        h.n_comments = 0;
        h.silence_len = 0;
        CHECK(oggmux_open(fp, &h, &err) == NULL);
        h.silence_len = SIL_LEN;
        struct oggmux *m = oggmux_open(fp, &h, &err);
        CHECK(m != NULL);
        if (m) {
            CHECK(oggmux_write_packet(m, SIL, SIL_LEN, 480, &err) == -1); /* wrong duration */
            CHECK_INT(err.code, RC_SOFTWARE);
            CHECK(oggmux_write_silence(m, 10, &err) == 0);
            CHECK(oggmux_finish(m, 0, &err) == -1);
            CHECK(oggmux_finish(m, 9600 + 1, &err) == -1); /* longer than the packets */
            /* 10 packets = 9600; decodable 9600 - 2L; trimming a whole packet more is refused. */
            CHECK(oggmux_finish(m, 9600 - 2 * L - 960, &err) == -1);
            CHECK(oggmux_finish(m, 9600 - 2 * L - 959, &err) == 0);
            CHECK(oggmux_write_silence(m, 1, &err) == -1); /* after finish */
            oggmux_free(m);
        }
        fclose(fp);
        /* A full disk: the error surfaces as RC_IOERR by finish at the latest. */
        FILE *full_dev = fopen("/dev/full", "wb");
        CHECK(full_dev != NULL);
        if (full_dev) {
            int rc = mux_programme(full_dev, 0, 0, TOTAL, &err);
            CHECK(rc == -1);
            CHECK_INT(err.code, RC_IOERR);
            fclose(full_dev);
        }
    }

    parsed_free(&pf), parsed_free(&pt);
    free(df), free(dt), free(full), free(trim);
    for (int i = 0; i < 4; i++)
        free(chap[i]);
    packet_run_free(&RUN_A), packet_run_free(&RUN_B);
    free(pa), free(pb);
    run_in(tmpdir, "rm -f full.opus trim.opus clip10.opus clip4.opus clip0.opus *.txt *.f32 *.s16 *.wav *.json");
    rmdir(tmpdir);
    CHECK_DONE();
}
