/* programme.c: see programme.h. */
#include "render/programme.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/passes.h"
#include "render/plan.h"
#include "speech/synth.h"

#define GAIN_STEP_DB 0.1         /* packet gains are quantised to this step */
#define TRUST_FROM_S 1.0         /* a turn with less speech than this takes its voice's gain */
#define TRUST_FULL_S 4.0         /* a turn with this much speech or more is levelled on its own */
#define CODEC_HEADROOM_DB 1.0    /* Opus overshoots the limited input by up to ~0.8 dB */
#define MAX_RESIDUAL_DB 2.0      /* largest positive header gain; the limiter leaves room for it */

static long long ms_to_packets(int ms) { return (ms + 10) / 20; }

static long long samples22_to_48(long long s) { return (s * TL_RATE + SYNTH_RATE / 2) / SYNTH_RATE; }

double programme_limiter_ceiling_dbtp(double true_peak_dbtp)
{
    return true_peak_dbtp - CODEC_HEADROOM_DB - MAX_RESIDUAL_DB;
}

/* Power mean of the loudness of the calibration jobs, or of the programme jobs the
 * output hears, weighted by speech time; and their highest sample peak. */
static double mean_loudness(const struct render *r, int calibration, double *peak)
{
    double power = 0, weight = 0;
    if (peak) *peak = -200;
    for (int i = 0; i < r->n_jobs; i++) {
        const struct job *j = &r->jobs[i];
        if (calibration ? j->kind != JOB_CALIBRATE : !pass_job_heard(r, i)) continue;
        if (j->info.lufs > -70 && j->info.speech_seconds > 0) {
            power += j->info.speech_seconds * pow(10, j->info.lufs / 10);
            weight += j->info.speech_seconds;
        }
        if (peak && j->info.sample_peak_dbfs > *peak) *peak = j->info.sample_peak_dbfs;
    }
    return weight > 0 ? 10 * log10(power / weight) : -200;
}

/* Reads a job's level record: what its encoder is (or would be) fed, and its gain. */
static int load_level(struct render *r, const struct job *j, double *lufs, double *peak, double *gain,
                      struct rc_error *err)
{
    char *data;
    size_t len;
    if (cache_get(&r->cache, j->run_key, "level.json", &data, &len, err) != 0) return -1;
    json_t *lv = json_loadb(data, len, 0, NULL);
    free(data);
    *lufs = -200, *peak = -200, *gain = 0;
    int ok = lv && json_unpack(lv, "{s:F, s:F, s:F}", "lufs", lufs, "sample_peak_dbfs", peak, "gain_db", gain) == 0;
    json_decref(lv);
    return ok ? 0 : -1;
}

int programme_gain(struct render *r, struct rc_error *err)
{
    for (int i = 0; i < r->n_jobs; i++)
        if (r->jobs[i].kind == JOB_CALIBRATE && pass_load_info(r, &r->jobs[i]) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its calibration is missing from the cache %s", i, r->cache.dir);
    double fallback = mean_loudness(r, 1, NULL);
    r->voice_gain_db = xcalloc((size_t)r->vs.n_profiles + 1, sizeof *r->voice_gain_db);
    for (int p = 0; p < r->vs.n_profiles; p++) {
        double calibrated = fallback;
        for (int i = 0; i < r->n_jobs; i++)
            if (r->jobs[i].kind == JOB_CALIBRATE && r->jobs[i].profile == p && r->jobs[i].info.lufs > -70)
                calibrated = r->jobs[i].info.lufs;
        double gain = calibrated > -70 ? r->o->loudness_lufs - calibrated : 0;
        if (gain > 30) gain = 30;
        if (gain < -30) gain = -30;
        r->voice_gain_db[p] = round(gain / GAIN_STEP_DB) * GAIN_STEP_DB;
    }
    plan_run_keys(r);
    return 0;
}

double programme_turn_gain_db(const struct render *r, const struct job *j, double turn_lufs, double speech_seconds)
{
    double voice = r->voice_gain_db[j->profile];
    double trust = (speech_seconds - TRUST_FROM_S) / (TRUST_FULL_S - TRUST_FROM_S);
    if (!(turn_lufs > -70) || trust < 0) trust = 0;
    if (trust > 1) trust = 1;
    double own = r->o->loudness_lufs - turn_lufs;
    double gain = trust * own + (1 - trust) * voice;
    if (gain > 30) gain = 30;
    if (gain < -30) gain = -30;
    return round(gain / GAIN_STEP_DB) * GAIN_STEP_DB;
}

/* The voices' share of the programme: each profile's estimated speaking time over the
 * text of every programme job (heard or not), so it is known before anything of the
 * programme is synthesized.  Caller frees. */
static double *voice_weights(const struct render *r)
{
    double *w = xcalloc((size_t)r->vs.n_profiles + 1, sizeof *w);
    for (int i = 0; i < r->n_jobs; i++) {
        const struct job *j = &r->jobs[i];
        if (j->kind != JOB_CALIBRATE)
            w[j->profile] += render_estimate_seconds(j->text, r->vs.profiles[j->profile].rate_wpm);
    }
    return w;
}

/* The output gain: the target minus the programme's loudness as the voices' calibration
 * reads predict it (each read after its voice's gain and the limiter, power mean weighted
 * by the voice's share of the text). */
static int residual_from_voices(struct render *r, struct rc_error *err)
{
    double *w = voice_weights(r), power = 0, weight = 0;
    for (int i = 0; i < r->n_jobs; i++) {
        const struct job *j = &r->jobs[i];
        if (j->kind != JOB_CALIBRATE) continue;
        double lufs, peak, gain;
        if (load_level(r, j, &lufs, &peak, &gain, err) != 0) {
            free(w);
            return rc_fail(err, RC_SOFTWARE, "job %d: its calibration level is missing from the cache %s", i,
                           r->cache.dir);
        }
        if (lufs > -70 && w[j->profile] > 0) power += w[j->profile] * pow(10, lufs / 10), weight += w[j->profile];
    }
    free(w);
    r->voices_lufs = weight > 0 ? 10 * log10(power / weight) : -200;
    double residual = weight > 0 ? r->o->loudness_lufs - r->voices_lufs : 0;
    if (residual > MAX_RESIDUAL_DB) {
        fprintf(stderr, "recast: warning: the programme stays %.1f dB under the loudness target (the voices are "
                        "quiet; raise 'volume' in the profiles)\n", residual - MAX_RESIDUAL_DB);
        residual = MAX_RESIDUAL_DB;
    }
    if (residual < -20) residual = -20;
    r->header_gain_db = round(residual * 256) / 256;
    return 0;
}

/* What the heard jobs' encoders were fed (reports: summary and manifest). */
static int heard_levels(struct render *r, struct rc_error *err)
{
    r->before_lufs = mean_loudness(r, 0, &r->before_tp);
    double power = 0, weight = 0, tp = -200, gain_sum = 0, gain_weight = 0;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (!pass_job_heard(r, i)) continue;
        double lufs, peak, gain;
        if (load_level(r, j, &lufs, &peak, &gain, err) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its encoded level is missing from the cache %s", i, r->cache.dir);
        if (j->info.speech_seconds > 0) {
            if (!gain_weight || gain < r->gain_min_db) r->gain_min_db = gain;
            if (!gain_weight || gain > r->gain_max_db) r->gain_max_db = gain;
            gain_sum += gain * j->info.speech_seconds, gain_weight += j->info.speech_seconds;
        }
        if (lufs > -70 && j->info.speech_seconds > 0) {
            power += j->info.speech_seconds * pow(10, lufs / 10);
            weight += j->info.speech_seconds;
        }
        if (peak > tp) tp = peak;
    }
    r->gain_db = gain_weight > 0 ? round(gain_sum / gain_weight * 10) / 10 : 0;
    r->encoded_lufs = weight > 0 ? 10 * log10(power / weight) : -200;
    r->encoded_tp = tp;
    return 0;
}

int programme_residual(struct render *r, struct rc_error *err)
{
    for (int i = 0; i < r->n_jobs; i++)
        if (pass_job_heard(r, i) && pass_load_info(r, &r->jobs[i]) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its analysis is missing from the cache %s", i, r->cache.dir);
    if (residual_from_voices(r, err) != 0) return -1;
    return heard_levels(r, err);
}

static void add_item(struct render *r, enum item_kind kind, long long packets, int job)
{
    if (packets <= 0) return;
    r->items = xrealloc(r->items, sizeof *r->items * (size_t)(r->n_items + 1));
    r->items[r->n_items++] = (struct item){kind, packets, job, r->total_packets};
    r->total_packets += packets;
}

void programme_layout(struct render *r)
{
    const struct pause_policy *pp = &r->vs.pauses;
    int n_sec = r->doc.n_sections;
    free(r->items), free(r->section_start_packet);
    r->items = NULL, r->n_items = 0, r->total_packets = 0, r->n_unsized = 0;
    r->section_start_packet = xcalloc((size_t)n_sec + 1, sizeof(long long));
    add_item(r, ITEM_SILENCE, ms_to_packets(pp->programme_start_ms), -1);
    int prev_job = -1, prev_section = -1;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (j->kind == JOB_CALIBRATE) continue;
        /* a job not analysed (--section: not heard) is laid out at its least length */
        if (j->info.n_samples == 0) r->n_unsized++;
        long long frames24 = encode_content_samples24((size_t)j->info.n_samples) + r->lookahead24;
        j->packets = (frames24 + ENCODE_FRAME24 - 1) / ENCODE_FRAME24;
        if (prev_job >= 0) {
            const struct job *p = &r->jobs[prev_job];
            int new_section = j->kind != JOB_PREFACE && j->section != prev_section;
            if (p->kind == JOB_PREFACE && j->kind != JOB_PREFACE) new_section = 1;
            long long pause;
            if (new_section) {
                const char *prev_title = p->kind == JOB_PREFACE ? "" : r->doc.sections[prev_section].title;
                pause = ms_to_packets(strcmp(prev_title, DOC_OPENING_TITLE) == 0 ? pp->after_opening_ms
                                                                                  : pp->section_break_ms);
                /* the section boundary is the middle of the pause */
                add_item(r, ITEM_SILENCE, pause / 2, -1);
                if (p->kind != JOB_PREFACE) r->section_start_packet[j->section] = r->total_packets;
                add_item(r, ITEM_SILENCE, pause - pause / 2, -1);
            } else if (j->kind == JOB_TURN && j->part > 0) {
                pause = 0; /* the next part of the same turn */
            } else {
                if (p->kind == JOB_ANNOUNCE) pause = ms_to_packets(pp->after_announcement_ms);
                else if (p->profile == j->profile) pause = ms_to_packets(pp->same_speaker_ms);
                else pause = ms_to_packets(pp->speaker_change_ms);
                add_item(r, ITEM_SILENCE, pause, -1);
            }
        }
        add_item(r, ITEM_RUN, j->packets, i);
        prev_job = i;
        if (j->kind != JOB_PREFACE) prev_section = j->section;
    }
    add_item(r, ITEM_SILENCE, ms_to_packets(pp->programme_end_ms), -1);
    r->section_start_packet[0] = 0;
    r->section_start_packet[n_sec] = r->total_packets;
}

/* Appends a job's clauses to a turn of the timeline; the job's run starts at run_start48. */
static void append_clauses(struct tl_turn *t, const struct job *j, long long run_start48)
{
    int n = t->n_clauses + j->plan.n_clauses;
    t->clauses = xrealloc(t->clauses, sizeof *t->clauses * (size_t)(n + 1));
    memset(&t->clauses[n], 0, sizeof t->clauses[n]);
    for (int c = 0; c < j->plan.n_clauses; c++) {
        struct tl_clause *tc = &t->clauses[t->n_clauses + c];
        tc->start48 = run_start48 + samples22_to_48(j->info.clause_start[c]);
        tc->end48 = run_start48 + samples22_to_48(j->info.clause_end[c]);
        tc->text = j->plan.clauses[c].display;
        tc->sentence_start = j->plan.clauses[c].sentence_start;
        tc->marks = NULL, tc->n_marks = 0;
        for (int m = 0; m < j->info.n_marks; m++) {
            if (j->info.mark_clause[m] != c) continue;
            tc->marks = xrealloc(tc->marks, sizeof *tc->marks * (size_t)(tc->n_marks + 1));
            tc->marks[tc->n_marks++] =
                (struct tl_mark){j->info.mark_byte[m], run_start48 + samples22_to_48(j->info.mark_sample[m])};
        }
    }
    t->n_clauses = n;
    if (n) t->speech_end48 = t->clauses[n - 1].end48;
}

/* A new turn of the timeline for a turn's first job (no clauses yet), starting at start48. */
static struct tl_turn *add_turn(const struct render *r, const struct job *j, int sec_first, long long start48,
                                struct timeline *tl)
{
    tl->turns = xrealloc(tl->turns, sizeof *tl->turns * (size_t)(tl->n_turns + 1));
    struct tl_turn *t = &tl->turns[tl->n_turns];
    memset(t, 0, sizeof *t);
    const struct voice_profile *p = &r->vs.profiles[j->profile];
    t->index = j->turn;
    t->section = j->section - sec_first;
    t->speaker = j->profile;
    t->speaker_name = p->name;
    t->voice = p->mandarin_voice;
    t->text = r->doc.turns[j->turn].text;
    t->line = r->doc.turns[j->turn].line;
    t->start48 = t->speech_start48 = t->speech_end48 = start48;
    if (tl->sections[t->section].n_turns++ == 0) tl->sections[t->section].first_turn = tl->n_turns;
    tl->n_turns++;
    return t;
}

void programme_timeline(const struct render *r, int sec_first, int sec_last, struct timeline *tl)
{
    memset(tl, 0, sizeof *tl);
    long long base = r->section_start_packet[sec_first] * ENCODE_FRAME48;
    tl->total48 = (r->section_start_packet[sec_last] - r->section_start_packet[sec_first]) * ENCODE_FRAME48;
    tl->n_sections = sec_last - sec_first;
    tl->sections = xcalloc((size_t)tl->n_sections, sizeof *tl->sections);
    for (int s = sec_first; s < sec_last; s++) {
        struct tl_section *ts = &tl->sections[s - sec_first];
        ts->index = s;
        ts->title = r->doc.sections[s].title;
        ts->start48 = r->section_start_packet[s] * ENCODE_FRAME48 - base;
        ts->end48 = r->section_start_packet[s + 1] * ENCODE_FRAME48 - base;
    }
    for (int i = 0; i < r->n_items; i++) {
        const struct item *it = &r->items[i];
        if (it->kind != ITEM_RUN) continue;
        const struct job *j = &r->jobs[it->job];
        if (j->kind != JOB_TURN || j->section < sec_first || j->section >= sec_last) continue;
        long long run_start48 = it->first_packet * ENCODE_FRAME48 - base;
        struct tl_turn *t;
        if (j->part > 0 && tl->n_turns > 0) { /* a later part: extend the turn */
            t = &tl->turns[tl->n_turns - 1];
            append_clauses(t, j, run_start48);
        } else {
            t = add_turn(r, j, sec_first, run_start48, tl);
            append_clauses(t, j, run_start48);
            if (t->n_clauses) t->speech_start48 = t->clauses[0].start48;
        }
        t->end48 = run_start48 + it->packets * ENCODE_FRAME48;
    }
}

int programme_clip_start_exact(const struct render *r)
{
    if (r->n_unsized == 0 || r->sec_first == 0) return 1;
    /* every job before is at least as long as laid out: a start already past the
     * pre-roll stays past it */
    return r->section_start_packet[r->sec_first] >= ms_to_packets(PASS_PREROLL_MS);
}

void programme_free(struct render *r)
{
    free(r->voice_gain_db);
    r->voice_gain_db = NULL;
    free(r->items);
    free(r->section_start_packet);
    r->items = NULL, r->n_items = 0, r->total_packets = 0, r->section_start_packet = NULL;
}
