/* test_avmux.c: M4A and MP3 through FFmpeg's libraries (avmux), and the Opus decoding
 * that feeds them (opusdec).  Files are checked by independent tools run through
 * system(): ffprobe (chapters, tags, duration, cover stream) and ffmpeg (decode, whose
 * samples are compared with the input: length within one codec frame and aligned to
 * the sample, so the edit list / LAME delay are right).  A missing tool makes its case
 * FAIL, not skip. */
#include "check.h"
#include "speechlike.h"
#include "audio/avmux.h"
#include "audio/encode.h"
#include "audio/oggmux.h"
#include "audio/opusdec.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];



static int load(const char *name, char **data, size_t *len)
{
    struct rc_error err;
    char *path = path_of(tmpdir, name);
    int rc = read_file(path, data, len, &err);
    free(path);
    return rc;
}

/* ffprobe's JSON for a file, or NULL. */
static json_t *probe(const char *name)
{
    if (run_in(tmpdir, "ffprobe -v error -show_chapters -show_format -show_streams -of json '%s' > probe.json", name) != 0)
        return NULL;
    char *path = path_of(tmpdir, "probe.json");
    json_t *j = json_load_file(path, 0, NULL);
    free(path);
    return j;
}

/* The file decoded by ffmpeg to 48 kHz mono float; NULL on failure. */
static float *decode(const char *name, size_t *n, const char *decoder)
{
    if (run_in(tmpdir, "ffmpeg -v error -y %s -i '%s' -ac 1 -ar 48000 -f f32le decoded.f32", decoder, name) != 0) return NULL;
    char *data;
    size_t len;
    if (load("decoded.f32", &data, &len) != 0) return NULL;
    *n = len / sizeof(float);
    return (float *)data;
}

/* 10 log10(signal energy / error energy) over [from, to): how well b matches a. */
static double snr_db(const float *a, const float *b, size_t from, size_t to)
{
    double s = 0, e = 0;
    for (size_t i = from; i < to; i++) {
        s += (double)a[i] * a[i];
        e += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    }
    return 10 * log10(s / (e > 0 ? e : 1e-30));
}

#define N48 (48000 * 10) /* 10 s */
static float *SIGNAL;

static const struct avmux_chapter CHAPTERS[3] = {
    {0, 168000, "开场"}, {168000, 348000, "Chapter two: 智能"}, {348000, N48, "最后"}};
static const struct avmux_tag TAGS[5] = {{"title", "测试节目: avmux"},
                                         {"artist", "Dwarkesh, Demis"},
                                         {"album", "recast tests"},
                                         {"date", "2024-06-01"},
                                         {"genre", "Podcast"}};

static int write_file_with(const char *name, enum avmux_format f, const unsigned char *cover, size_t cover_len,
                           struct rc_error *err)
{
    struct avmux_settings s;
    avmux_settings_default(&s, f);
    s.tags = TAGS, s.n_tags = 5;
    s.chapters = CHAPTERS, s.n_chapters = 3;
    s.cover = cover, s.cover_len = cover_len;
    char *path = path_of(tmpdir, name);
    FILE *fp = fopen(path, "w+b");
    struct avmux *m = fp ? avmux_open(fp, path, &s, err) : NULL;
    int rc = m ? 0 : -1;
    /* uneven pieces, to cross frame boundaries */
    for (size_t at = 0, step = 1; rc == 0 && at < N48; at += step, step = step * 7 % 9973 + 1)
        rc = avmux_write(m, SIGNAL + at, at + step > N48 ? N48 - at : step, err);
    if (rc == 0 && avmux_written(m) != N48) rc = rc_fail(err, RC_SOFTWARE, "written %lld", avmux_written(m));
    if (rc == 0) rc = avmux_finish(m, err);
    avmux_free(m);
    if (fp && fclose(fp) != 0) rc = -1;
    free(path);
    return rc;
}

static const char *tag(json_t *probe_json, const char *key)
{
    json_t *tags = json_object_get(json_object_get(probe_json, "format"), "tags");
    const char *k;
    json_t *v;
    json_object_foreach(tags, k, v) if (strcasecmp(k, key) == 0) return json_string_value(v);
    return NULL;
}

static void check_format(enum avmux_format f, const unsigned char *cover, size_t cover_len)
{
    const char *ext = avmux_extension(f);
    char name[32], name2[32];
    snprintf(name, sizeof name, "t.%s", ext);
    snprintf(name2, sizeof name2, "t2.%s", ext);
    int frame = avmux_frame_samples(f);
    struct rc_error err = {0};
    char title[64];

    snprintf(title, sizeof title, "avmux %s: writes a file", ext);
    int wrote = 0;
    TEST_CASE(title) {
        if (write_file_with(name, f, cover, cover_len, &err) != 0) CHECK_FAIL_("%s", err.msg);
        else wrote = 1;
    }
    if (!wrote) return;

    json_t *pj = probe(name);
    snprintf(title, sizeof title, "avmux %s: ffprobe chapters", ext);
    TEST_CASE(title) {
        json_t *ch = json_object_get(pj, "chapters");
        CHECK(pj != NULL);
        CHECK_INT(json_array_size(ch), 3);
        for (size_t i = 0; i < json_array_size(ch) && i < 3; i++) {
            json_t *c = json_array_get(ch, i);
            double start = atof(json_string_value(json_object_get(c, "start_time")) ?: "-1");
            double want = CHAPTERS[i].start48 / 48000.0;
            if (fabs(start - want) > (double)frame / 48000)
                CHECK_FAIL_("chapter %zu starts at %.4f s, expected %.4f", i, start, want);
            CHECK_STR(json_string_value(json_object_get(json_object_get(c, "tags"), "title")), CHAPTERS[i].title);
        }
    }
    snprintf(title, sizeof title, "avmux %s: ffprobe tags, duration, streams", ext);
    TEST_CASE(title) {
        for (int i = 0; i < 5; i++) {
            const char *got = tag(pj, TAGS[i].key);
            if (!got || strcmp(got, TAGS[i].value) != 0)
                CHECK_FAIL_("tag %s is \"%s\", expected \"%s\"", TAGS[i].key, got ? got : "(none)", TAGS[i].value);
        }
        /* MP3: ffprobe's duration runs from the first frame, whose first start_time seconds are
         * LAME's delay (the LAME tag tells decoders to drop them), to the end of the padded last
         * frame; what plays is duration - start_time, less the padding. */
        json_t *fmtj = json_object_get(pj, "format");
        double dur = atof(json_string_value(json_object_get(fmtj, "duration")) ?: "0");
        double start = atof(json_string_value(json_object_get(fmtj, "start_time")) ?: "0");
        if (fabs(dur - start - 10.0) > (double)frame / 48000)
            CHECK_FAIL_("duration %.4f s from %.4f s, expected 10 +- 1 frame", dur, start);
        if (f == AVMUX_M4A && fabs(dur - 10.0) > 1e-3) CHECK_FAIL_("duration %.4f s, expected 10.000", dur);
        json_t *streams = json_object_get(pj, "streams");
        int audio = 0, pics = 0;
        for (size_t i = 0; i < json_array_size(streams); i++) {
            json_t *st = json_array_get(streams, i);
            const char *type = json_string_value(json_object_get(st, "codec_type"));
            if (type && strcmp(type, "audio") == 0) {
                audio++;
                CHECK_STR(json_string_value(json_object_get(st, "codec_name")), f == AVMUX_M4A ? "aac" : "mp3");
                CHECK_STR(json_string_value(json_object_get(st, "sample_rate")), "48000");
                CHECK_INT(json_integer_value(json_object_get(st, "channels")), 1);
            }
            if (type && strcmp(type, "video") == 0 &&
                json_integer_value(json_object_get(json_object_get(st, "disposition"), "attached_pic")) == 1) {
                pics++;
                CHECK_INT(json_integer_value(json_object_get(st, "width")), 64);
                CHECK_INT(json_integer_value(json_object_get(st, "height")), 48);
            }
        }
        CHECK_INT(audio, 1);
        CHECK_INT(pics, cover ? 1 : 0);
    }
    json_decref(pj);

    snprintf(title, sizeof title, "avmux %s: decodes to the input, aligned to the sample", ext);
    TEST_CASE(title) {
        size_t n = 0;
        float *pcm = decode(name, &n, "");
        CHECK(pcm != NULL);
        if (pcm) {
            printf("     (%s decodes to %zu samples for %d)\n", ext, n, N48);
            if (llabs((long long)n - N48) > frame) CHECK_FAIL_("decoded %zu samples, expected %d +- %d", n, N48, frame);
            size_t to = n < N48 ? n : N48;
            double aligned = snr_db(SIGNAL, pcm, 4800, to - 4800);
            /* one sample of delay costs this much on a signal with harmonics up to 10 kHz */
            double shifted = snr_db(SIGNAL + 1, pcm, 4800, to - 4800);
            if (!(aligned > 12 && aligned > shifted + 3))
                CHECK_FAIL_("SNR %.1f dB at lag 0, %.1f dB at lag 1: not aligned", aligned, shifted);
        }
        free(pcm);
    }
    snprintf(title, sizeof title, "avmux %s: the same input gives the same bytes", ext);
    TEST_CASE(title) {
        char *a = NULL, *b = NULL;
        size_t la = 0, lb = 0;
        CHECK(write_file_with(name2, f, cover, cover_len, &err) == 0);
        CHECK(load(name, &a, &la) == 0 && load(name2, &b, &lb) == 0);
        CHECK(la == lb && la > 0 && memcmp(a, b, la) == 0);
        free(a), free(b);
    }
}

int main(void)
{
    struct rc_error err = {0};
    strcpy(tmpdir, "/tmp/recast-test-avmux-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL setup: cannot create a temporary directory\n");
        return 1;
    }
    int16_t *s16 = calloc(N48, sizeof *s16);
    add_bursts(s16, 4800, N48 - 4800, 7, 0.5);
    SIGNAL = calloc(N48, sizeof *SIGNAL);
    for (int i = 0; i < N48; i++) SIGNAL[i] = s16[i] / 32768.0f;
    free(s16);

    unsigned char *cover = NULL;
    size_t cover_len = 0;
    TEST_CASE("setup: a PNG cover made by ffmpeg") {
        CHECK(run_in(tmpdir, "ffmpeg -v error -y -f lavfi -i color=c=0x3366cc:s=64x48 -frames:v 1 cover.png") == 0);
        CHECK(load("cover.png", (char **)&cover, &cover_len) == 0);
    }
    check_format(AVMUX_M4A, cover, cover_len);
    check_format(AVMUX_MP3, cover, cover_len);

    TEST_CASE("avmux: a JPEG cover is an attached picture too") {
        unsigned char *jpeg = NULL;
        size_t jlen = 0;
        CHECK(run_in(tmpdir, "ffmpeg -v error -y -i cover.png cover.jpg") == 0 && load("cover.jpg", (char **)&jpeg, &jlen) == 0);
        CHECK(write_file_with("j.mp3", AVMUX_MP3, jpeg, jlen, &err) == 0);
        CHECK(run_in(tmpdir, "ffprobe -v error -show_streams j.mp3 | grep -q '^codec_name=mjpeg'") == 0);
        free(jpeg);
    }
    TEST_CASE("avmux: a cover that is not an image is RC_DATAERR, nothing written") {
        static const unsigned char junk[] = "GIF89a not supported";
        err.code = 0;
        CHECK(write_file_with("bad.m4a", AVMUX_M4A, junk, sizeof junk, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "neither PNG nor JPEG") != NULL);
        static const unsigned char broken_png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I'};
        err.code = 0;
        CHECK(write_file_with("bad2.m4a", AVMUX_M4A, broken_png, sizeof broken_png, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
    }
    TEST_CASE("avmux: chapters out of order are a caller error") {
        struct avmux_settings s;
        avmux_settings_default(&s, AVMUX_MP3);
        struct avmux_chapter bad[2] = {{48000, 96000, "b"}, {0, 48000, "a"}};
        s.chapters = bad, s.n_chapters = 2;
        char *path = path_of(tmpdir, "order.mp3");
        FILE *fp = fopen(path, "w+b");
        struct avmux *m = avmux_open(fp, path, &s, &err);
        CHECK(m == NULL);
        CHECK_INT(err.code, RC_SOFTWARE);
        avmux_free(m);
        fclose(fp);
        free(path);
    }

    /* opusdec: the packets of an Ogg Opus file decode to what ffmpeg's libopus decoder
     * gives for the file, pre-skip, output gain and end trim included. */
    TEST_CASE("opusdec: matches ffmpeg (libopus) decoding the Ogg Opus file of the same packets") {
        struct encode_settings es;
        encode_settings_default(&es);
        int L = encode_lookahead24(&es);
        int16_t *turn = make_turn(22050 * 3, 11, 0.6);
        struct packet_run run_a = {0};
        unsigned char sil[ENCODE_MAX_PACKET];
        int sil_len = 0;
        CHECK(encode_turn(turn, 22050 * 3, &es, &run_a, &err) == 0);
        CHECK(encode_silence_packet(&es, sil, &sil_len, &err) == 0);
        free(turn);
        int preroll = 4, gain_q8 = 500; /* +1.95 dB */
        int preskip = oggmux_preskip48(L, preroll);
        long long total = packet_run_samples48(&run_a) + 3 * 960 - 517; /* trimmed inside the last packet */
        char *path = path_of(tmpdir, "d.opus");
        FILE *fp = fopen(path, "wb");
        struct oggmux_header h = {.serial = 1, .preskip48 = preskip, .input_rate = 22050, .output_gain_q8 = gain_q8,
                                  .silence = sil, .silence_len = sil_len};
        struct oggmux *om = fp ? oggmux_open(fp, &h, &err) : NULL;
        struct opusdec *d = opusdec_open(preskip, gain_q8, total, &err);
        CHECK(om && d);
        float *mine = calloc((size_t)total + 1, sizeof *mine);
        long long got = 0;
        const float *pcm;
        int n;
        for (int i = 0; om && d && i < preroll + run_a.n_packets + 3; i++) {
            int in_run = i >= preroll && i < preroll + run_a.n_packets;
            const unsigned char *p = in_run ? run_a.bytes + run_a.offsets[i - preroll] : sil;
            int len = in_run ? run_a.sizes[i - preroll] : sil_len;
            CHECK(oggmux_write_packet(om, p, len, 960, &err) == 0);
            CHECK(opusdec_packet(d, p, len, &pcm, &n, &err) == 0);
            memcpy(mine + got, pcm, sizeof *pcm * (size_t)n);
            got += n;
        }
        while (d && opusdec_delivered(d) < total) { /* what oggmux_finish appends */
            CHECK(opusdec_packet(d, sil, sil_len, &pcm, &n, &err) == 0);
            memcpy(mine + got, pcm, sizeof *pcm * (size_t)n);
            got += n;
        }
        CHECK_INT(got, total);
        CHECK(om && oggmux_finish(om, total, &err) == 0);
        oggmux_free(om);
        if (fp) fclose(fp);
        size_t nd = 0;
        float *theirs = decode("d.opus", &nd, "-c:a libopus -request_sample_fmt flt");
        CHECK(theirs != NULL);
        if (theirs) {
            CHECK_INT(nd, total);
            double worst = 0;
            for (size_t i = 0; i < nd && i < (size_t)total; i++) worst = fmax(worst, fabs((double)theirs[i] - mine[i]));
            if (worst > 1e-6) CHECK_FAIL_("largest difference %.3g", worst);
        }
        free(theirs);
        free(mine);
        free(path);
        opusdec_free(d);
        packet_run_free(&run_a);
    }
    free(cover);
    free(SIGNAL);
    if (!check_failed_cases) run_in(tmpdir, "cd / && rm -rf '%s'", tmpdir);
    CHECK_DONE();
}
