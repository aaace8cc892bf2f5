/* Voice tests: the speakers sound different (variant, median F0 at least 20% apart,
 * measured on rendered turns of the bundled interview), synthesis is deterministic, and
 * broken profiles are rejected with file:line. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "speech/frontend.h"
#include "text/parse.h"
#include "speech/synth.h"
#include "config/voices.h"
#include "render/worker.h"

/* Median F0 in Hz by normalised autocorrelation: 40 ms frames every 10 ms, voiced when
 * loud enough and the best correlation in 60..400 Hz exceeds 0.6. */
static double median_f0(const int16_t *pcm, size_t n, int rate)
{
    size_t frame = (size_t)rate * 40 / 1000, hop = (size_t)rate / 100;
    int min_lag = rate / 400, max_lag = rate / 60;
    double *f0s = malloc(sizeof(double) * (n / hop + 1));
    size_t count = 0;
    for (size_t start = 0; start + frame + (size_t)max_lag < n; start += hop) {
        const int16_t *x = pcm + start;
        double energy = 0;
        for (size_t i = 0; i < frame; i++) energy += (double)x[i] * x[i];
        if (energy / frame < 500.0 * 500.0) continue;
        double best = 0;
        int best_lag = 0;
        for (int lag = min_lag; lag <= max_lag; lag++) {
            double xy = 0, yy = 0;
            for (size_t i = 0; i < frame; i++) xy += (double)x[i] * x[i + lag], yy += (double)x[i + lag] * x[i + lag];
            double r = xy / sqrt(energy * yy + 1e-9);
            if (r > best) best = r, best_lag = lag;
        }
        if (best > 0.6) f0s[count++] = (double)rate / best_lag;
    }
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && f0s[j] < f0s[j - 1]; j--) {
            double t = f0s[j];
            f0s[j] = f0s[j - 1], f0s[j - 1] = t;
        }
    double m = count ? f0s[count / 2] : 0;
    free(f0s);
    return m;
}

/* Every synthesis runs in a forked child, as in `recast render`: this process never
 * touches espeak, so each render starts from the same engine state. */
struct child_job {
    const struct voice_profile *p;
    const char *text;
    const struct lexicon *lex;
    struct turn_audio *out;
};

static int child_render(void *ctx, int job, struct strbuf *result, struct rc_error *err)
{
    struct child_job *cj = (struct child_job *)ctx + job;
    struct fe_plan plan;
    struct turn_audio a;
    fe_plan_turn(cj->text, cj->lex, &plan);
    int rc = synth_turn(cj->p, &plan, &a, err);
    fe_plan_free(&plan);
    if (rc) return -1;
    uint64_t n = a.n_samples, nc = (uint64_t)a.n_clauses;
    sb_add(result, (const char *)&n, 8);
    sb_add(result, (const char *)&nc, 8);
    for (int c = 0; c < a.n_clauses; c++) {
        uint64_t s = a.clause_start[c], e = a.clause_end[c];
        sb_add(result, (const char *)&s, 8);
        sb_add(result, (const char *)&e, 8);
    }
    sb_add(result, (const char *)a.pcm, a.n_samples * 2);
    turn_audio_free(&a);
    return 0;
}

static int child_done(void *ctx, int job, const char *res, size_t len, struct rc_error *err)
{
    struct turn_audio *a = ((struct child_job *)ctx)[job].out;
    uint64_t n, nc;
    if (len < 16) return rc_fail(err, RC_SOFTWARE, "short result");
    memcpy(&n, res, 8), memcpy(&nc, res + 8, 8);
    if (len != 16 + nc * 16 + n * 2) return rc_fail(err, RC_SOFTWARE, "bad result length");
    memset(a, 0, sizeof *a);
    a->n_samples = n, a->n_clauses = (int)nc;
    a->clause_start = calloc(nc + 1, sizeof(size_t)), a->clause_end = calloc(nc + 1, sizeof(size_t));
    for (uint64_t c = 0; c < nc; c++) {
        uint64_t s, e;
        memcpy(&s, res + 16 + c * 16, 8), memcpy(&e, res + 24 + c * 16, 8);
        a->clause_start[c] = s, a->clause_end[c] = e;
    }
    a->pcm = malloc(n * 2 + 2);
    memcpy(a->pcm, res + 16 + nc * 16, n * 2);
    return 0;
}

/* Renders jobs[0..n) with up to `parallel` children at once. */
static int render_jobs(struct child_job *jobs, int n, int parallel)
{
    int *idx = malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) idx[i] = i;
    struct rc_error err = {0};
    int rc = pool_run(idx, n, parallel, child_render, child_done, jobs, &err);
    if (rc) printf("     synth: %s\n", err.msg);
    free(idx);
    return rc;
}

static int render(const struct voice_profile *p, const char *text, const struct lexicon *lex, struct turn_audio *a)
{
    struct child_job j = {p, text, lex, a};
    return render_jobs(&j, 1, 1);
}

static int check_child(void *ctx, int job, struct strbuf *result, struct rc_error *err)
{
    (void)job, (void)result;
    return synth_check_profile(ctx, err);
}

static int check_profile(const struct voice_profile *p, struct rc_error *err)
{
    int zero = 0;
    return pool_run(&zero, 1, 1, check_child, NULL, (void *)p, err);
}

int main(void)
{
    struct rc_error err = {0};
    struct voice_set vs;
    struct document doc;
    struct lexicon lex;
    if (voices_load("voices", &vs, &err) || lexicon_load("voices/lexicon.txt", &lex, &err) ||
        doc_parse_file("transcripts/dwarkesh-hassabis-2024.zh.txt", &vs, &doc, &err)) {
        printf("FAIL voices: setup: %s\n", err.msg);
        return 1;
    }
    int host = voices_find(&vs, "dwarkesh"), guest = voices_find(&vs, "demis");

    TEST_CASE("voices: every profile's espeak voices and variant exist") {
        for (int i = 0; i < vs.n_profiles; i++) {
            if (check_profile(&vs.profiles[i], &err) != 0) CHECK_FAIL_("%s", err.msg);
        }
    }
    TEST_CASE("voices: the two speakers use different variants, none that flattens tones") {
        CHECK(strcmp(vs.profiles[host].variant, vs.profiles[guest].variant) != 0);
        static const char *const flat[] = {"whisper", "robosoft6", "robosoft8", "AnxiousAndy", "aunty"};
        for (int i = 0; i < vs.n_profiles; i++) {
            for (size_t k = 0; k < sizeof flat / sizeof flat[0]; k++) CHECK(strcmp(vs.profiles[i].variant, flat[k]) != 0);
            CHECK(vs.profiles[i].range >= 40);
        }
    }
    TEST_CASE("voices: the host asks faster than the guest answers") {
        CHECK(vs.profiles[host].rate_wpm > vs.profiles[guest].rate_wpm);
    }
    TEST_CASE("voices: median F0 of the speakers' rendered turns at least 20% apart") {
        double f0[2] = {0, 0};
        int who[2] = {host, guest};
        for (int k = 0; k < 2; k++) {
            /* the speaker's first six turns of the interview, rendered with their own voice */
            size_t total = 0, cap = 0;
            int16_t *all = NULL;
            for (int t = 0, used = 0; t < doc.n_turns && used < 6; t++) {
                if (doc.turns[t].speaker != who[k]) continue;
                struct turn_audio a;
                if (render(&vs.profiles[who[k]], doc.turns[t].text, &lex, &a) != 0) break;
                if (total + a.n_samples > cap) cap = (total + a.n_samples) * 2, all = realloc(all, cap * sizeof *all);
                memcpy(all + total, a.pcm, a.n_samples * sizeof *all);
                total += a.n_samples;
                turn_audio_free(&a);
                used++;
            }
            f0[k] = median_f0(all, total, SYNTH_RATE);
            printf("     median F0 %s: %.1f Hz over %.1f s of rendered turns\n", vs.profiles[who[k]].name, f0[k],
                   (double)total / SYNTH_RATE);
            free(all);
        }
        double lo = f0[0] < f0[1] ? f0[0] : f0[1], hi = f0[0] < f0[1] ? f0[1] : f0[0];
        CHECK(lo > 50);
        CHECK(hi >= lo * 1.2);
        printf("     ratio %.2f\n", lo > 0 ? hi / lo : 0);
    }
    TEST_CASE("synth: a turn's PCM is identical alone, among others, and with -j1 or -j2") {
        const char *text = doc.turns[16].text;
        struct turn_audio alone, among[3], serial[3];
        CHECK_INT(render(&vs.profiles[guest], text, &lex, &alone), 0);
        struct child_job par[3] = {{&vs.profiles[host], doc.turns[15].text, &lex, &among[0]},
                                   {&vs.profiles[guest], text, &lex, &among[1]},
                                   {&vs.profiles[host], doc.turns[17].text, &lex, &among[2]}};
        struct child_job ser[3] = {{&vs.profiles[host], doc.turns[15].text, &lex, &serial[0]},
                                   {&vs.profiles[guest], text, &lex, &serial[1]},
                                   {&vs.profiles[host], doc.turns[17].text, &lex, &serial[2]}};
        CHECK_INT(render_jobs(par, 3, 2), 0);
        CHECK_INT(render_jobs(ser, 3, 1), 0);
        CHECK_INT(among[1].n_samples, alone.n_samples);
        CHECK_INT(serial[1].n_samples, alone.n_samples);
        CHECK(among[1].n_samples == alone.n_samples && memcmp(among[1].pcm, alone.pcm, alone.n_samples * 2) == 0);
        CHECK(serial[1].n_samples == alone.n_samples && memcmp(serial[1].pcm, alone.pcm, alone.n_samples * 2) == 0);
        CHECK(serial[0].n_samples == among[0].n_samples && memcmp(serial[0].pcm, among[0].pcm, among[0].n_samples * 2) == 0);
        for (int c = 0; c < alone.n_clauses; c++) CHECK_INT(among[1].clause_start[c], alone.clause_start[c]);
        turn_audio_free(&alone);
        for (int i = 0; i < 3; i++) turn_audio_free(&among[i]), turn_audio_free(&serial[i]);
    }
    TEST_CASE("synth: a turn starts and ends in digital silence; clauses in order inside it") {
        struct turn_audio a;
        CHECK_INT(render(&vs.profiles[host], doc.turns[1].text, &lex, &a), 0);
        size_t lead = SYNTH_RATE * SYNTH_LEAD_MS / 1000, tail = SYNTH_RATE * SYNTH_TAIL_MS / 1000;
        int silent = 1;
        for (size_t i = 0; i < lead; i++) silent &= a.pcm[i] == 0;
        for (size_t i = a.n_samples - tail; i < a.n_samples; i++) silent &= a.pcm[i] == 0;
        CHECK(silent);
        for (int c = 1; c < a.n_clauses; c++) CHECK(a.clause_start[c] >= a.clause_end[c - 1]);
        CHECK(a.clause_end[a.n_clauses - 1] <= a.n_samples - tail);
        CHECK_INT(a.clause_start[0], lead);
        turn_audio_free(&a);
    }
    TEST_CASE("voices: a broken profile names file:line") {
        char dir[] = "/tmp/recast-voices-XXXXXX";
        CHECK(mkdtemp(dir) != NULL);
        char path[128];
        snprintf(path, sizeof path, "%s/a.voice", dir);
        write_file(path, "name = A\nrole = host\naliases = A\nmandarin = cmn-latn-pinyin\nenglish = en-us\n"
                         "variant = m1\nrate = 170\npitch = 50\nrange = 50\nspeed = 3\n");
        struct voice_set bad;
        CHECK_INT(voices_load(dir, &bad, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "a.voice:10: unknown key \"speed\"") != NULL);
        write_file(path, "name = A\nrole = host\naliases = A\n");
        CHECK_INT(voices_load(dir, &bad, &err), -1);
        CHECK(strstr(err.msg, "missing required key \"mandarin\"") != NULL);
        write_file(path, "name = A\nrole = boss\n");
        CHECK_INT(voices_load(dir, &bad, &err), -1);
        CHECK(strstr(err.msg, "a.voice:2: role must be host, guest or narrator") != NULL);
        unlink(path);
        rmdir(dir);
    }
    TEST_CASE("voices: an unknown espeak voice or variant is reported with the profile file") {
        struct voice_profile p = vs.profiles[host];
        p.variant = "nosuchvariant";
        CHECK_INT(check_profile(&p, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "dwarkesh.voice: unknown espeak-ng variant \"nosuchvariant\"") != NULL);
        p = vs.profiles[host];
        p.mandarin_voice = "xx-nosuch";
        CHECK_INT(check_profile(&p, &err), -1);
        CHECK_INT(err.code, RC_UNAVAILABLE);
        CHECK(strstr(err.msg, "no voice \"xx-nosuch+") != NULL);
        p.mandarin_voice = "cmn"; /* exists, but reads Han, not the pinyin recast gives it */
        CHECK_INT(check_profile(&p, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "dwarkesh.voice: mandarin = cmn:") != NULL);
        CHECK(strstr(err.msg, "write mandarin = cmn-latn-pinyin") != NULL);
    }
    TEST_CASE("voices: the pause policy is read from pauses.conf") {
        CHECK_INT(vs.pauses.section_break_ms, 1500);
        CHECK(vs.pauses.section_break_ms > vs.pauses.speaker_change_ms);
        CHECK(vs.pauses.speaker_change_ms > vs.pauses.same_speaker_ms);
    }
    doc_free(&doc);
    lexicon_free(&lex);
    voices_free(&vs);
    synth_close();
    CHECK_DONE();
}
