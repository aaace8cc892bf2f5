/* passes.c: see passes.h. */
#include "render/passes.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/loudness.h"
#include "render/plan.h"
#include "render/programme.h"
#include "render/worker.h"
#include "speech/synth.h"

static void show_progress(struct render *r, int final)
{
    if (!r->progress || r->todo_jobs == 0) return;
    double el = render_elapsed_seconds(r);
    double eta = r->done_jobs ? el / r->done_jobs * (r->todo_jobs - r->done_jobs) : 0;
    fprintf(stderr, "\rrecast: %s: %d/%d turns, %.1f min of audio, %.0f s elapsed, ETA %.0f s   %s", r->phase,
            r->done_jobs, r->todo_jobs, r->done_audio_seconds / 60, el, eta, final ? "\n" : "");
    fflush(stderr);
}

static int job_synthesize(struct render *r, const struct job *j, struct turn_audio *audio, struct rc_error *err)
{
    return synth_turn(&r->vs.profiles[j->profile], &j->plan, audio, err);
}

/* Reads and checks a job's info record: 0 ok, 1 missing or unusable. */
int pass_load_info(struct render *r, struct job *j)
{
    char *data;
    size_t len;
    struct rc_error e = {0};
    if (cache_get(&r->cache, j->synth_key, "info.json", &data, &len, &e) != 0) return 1;
    json_error_t jerr;
    json_t *info = json_loadb(data, len, 0, &jerr);
    free(data);
    json_int_t n = 0;
    json_t *starts = NULL, *ends = NULL, *marks = NULL;
    double lufs = 0, tp = 0, speech = 0;
    int ok = info && json_unpack(info, "{s:I, s:o, s:o, s:F, s:F, s:F, s:o}", "n_samples", &n, "clause_start", &starts,
                                 "clause_end", &ends, "lufs", &lufs, "sample_peak_dbfs", &tp, "speech_seconds",
                                 &speech, "marks", &marks) == 0 &&
             json_is_array(starts) && json_is_array(ends) && json_is_array(marks) && n > 0 &&
             (int)json_array_size(starts) == j->plan.n_clauses && (int)json_array_size(ends) == j->plan.n_clauses;
    if (ok) {
        job_info_free(&j->info);
        j->info.n_samples = n;
        j->info.n_clauses = j->plan.n_clauses;
        j->info.clause_start = xcalloc((size_t)(j->plan.n_clauses + 1), sizeof(long long));
        j->info.clause_end = xcalloc((size_t)(j->plan.n_clauses + 1), sizeof(long long));
        for (int c = 0; c < j->plan.n_clauses && ok; c++) {
            j->info.clause_start[c] = json_integer_value(json_array_get(starts, (size_t)c));
            j->info.clause_end[c] = json_integer_value(json_array_get(ends, (size_t)c));
            ok = 0 <= j->info.clause_start[c] && j->info.clause_start[c] <= j->info.clause_end[c] &&
                 j->info.clause_end[c] <= n;
        }
        j->info.lufs = lufs, j->info.sample_peak_dbfs = tp, j->info.speech_seconds = speech;
        int nm = ok ? (int)json_array_size(marks) : 0;
        j->info.mark_clause = xcalloc((size_t)nm + 1, sizeof(int));
        j->info.mark_byte = xcalloc((size_t)nm + 1, sizeof(int));
        j->info.mark_sample = xcalloc((size_t)nm + 1, sizeof(long long));
        for (int m = 0; m < nm && ok; m++) {
            json_int_t c = -1, b = -1, s = -1;
            ok = json_unpack(json_array_get(marks, (size_t)m), "[I, I, I]", &c, &b, &s) == 0 && c >= 0 &&
                 c < j->plan.n_clauses && b >= 0 && (size_t)b < strlen(j->plan.clauses[c].display) &&
                 s >= j->info.clause_start[c] && s < j->info.clause_end[c] &&
                 (m == 0 || s > j->info.mark_sample[m - 1]);
            j->info.mark_clause[m] = (int)c, j->info.mark_byte[m] = (int)b, j->info.mark_sample[m] = s;
        }
        j->info.n_marks = nm;
    }
    json_decref(info);
    return ok ? 0 : 1;
}

static int progress_done(void *ctx, int job, const char *res, size_t len, struct rc_error *err)
{
    (void)job, (void)err;
    struct render *r = ctx;
    r->done_jobs++;
    if (len > 0 && len < 32) { /* the worker reports the samples it synthesized */
        char num[32];
        memcpy(num, res, len);
        num[len] = '\0';
        r->done_audio_seconds += strtod(num, NULL) / SYNTH_RATE;
    }
    show_progress(r, 0);
    return 0;
}

/* Is the job's cached packet run present and whole?  A truncated or corrupt entry (its
 * Ogg CRCs or structure do not check out, or its length disagrees with the analysis) is
 * removed, so that it is rendered again rather than muxed. */
static int run_entry_valid(struct render *r, const struct job *j)
{
    char *data;
    size_t len;
    struct rc_error e = {0};
    if (cache_get(&r->cache, j->run_key, "level.json", &data, &len, &e) != 0) return 0;
    free(data);
    if (cache_get(&r->cache, j->run_key, "run", &data, &len, &e) != 0) return 0;
    struct packet_run run;
    int ok = packet_run_deserialize(data, len, &run, &e) == 0;
    free(data);
    if (ok) {
        long long frames24 = encode_content_samples24((size_t)j->info.n_samples) + r->lookahead24;
        ok = run.n_packets == (frames24 + ENCODE_FRAME24 - 1) / ENCODE_FRAME24;
        packet_run_free(&run);
    }
    if (!ok) {
        fprintf(stderr, "recast: cache entry for turn %d is damaged; rendering it again\n", j->turn);
        cache_remove(&r->cache, j->run_key, "run");
    }
    return ok;
}

/* Is the job's level record (what its encoder is fed, measured) in the cache? */
static int level_cached(struct render *r, const struct job *j)
{
    char *data;
    size_t len;
    struct rc_error e = {0};
    if (cache_get(&r->cache, j->run_key, "level.json", &data, &len, &e) != 0) return 0;
    free(data);
    return 1;
}

int pass_run_cached(struct render *r, const struct job *j)
{
    char *data;
    size_t len;
    struct rc_error e = {0};
    if (!level_cached(r, j) || cache_get(&r->cache, j->run_key, "run", &data, &len, &e) != 0) return 0;
    free(data);
    return 1;
}

/* Which jobs a pass runs. */
enum pass_kind { PASS_CALIBRATE, PASS_CALIBRATE_LEVEL, PASS_RENDER, PASS_SIZE };

/* Does the output need the job's packets?  Every programme job for a whole render; for
 * --section, the jobs of those sections, and the last job before them when the pause
 * before the first section is too short to hold the clip's pre-roll. */
int pass_job_heard(const struct render *r, int i)
{
    const struct job *j = &r->jobs[i];
    if (j->kind == JOB_CALIBRATE) return 0;
    if (!r->o->n_sections) return 1;
    if (j->section >= r->sec_first && j->section < r->sec_last) return 1;
    if (r->sec_first == 0 || j->section != r->sec_first - 1) return 0;
    const struct pause_policy *pp = &r->vs.pauses;
    int pause_ms = pp->section_break_ms < pp->after_opening_ms ? pp->section_break_ms : pp->after_opening_ms;
    if (pause_ms >= PASS_PREROLL_MS * 2 + 40) return 0; /* half of it, in 20 ms packets, covers the pre-roll */
    for (int k = i + 1; k < r->n_jobs; k++) /* the last job of the section before */
        if (r->jobs[k].kind != JOB_CALIBRATE) return r->jobs[k].section != j->section;
    return 0;
}

/* Does a pass run job i (whatever its cache holds)?  PASS_SIZE: the programme jobs before
 * a clip that the output does not hear. */
static int pass_wants(const struct render *r, enum pass_kind kind, int i)
{
    int calibration = r->jobs[i].kind == JOB_CALIBRATE;
    switch (kind) {
    case PASS_CALIBRATE:
    case PASS_CALIBRATE_LEVEL: return calibration;
    case PASS_RENDER: return !calibration && pass_job_heard(r, i);
    case PASS_SIZE: return !calibration && !pass_job_heard(r, i) && r->jobs[i].section < r->sec_first;
    }
    return 0;
}

/* One job of one episode's render (a batch renders several episodes in one pool). */
struct pass_item {
    struct render *r;
    int job;
};

/* Are job i's records for the pass in the cache and whole? */
static int records_cached(struct render *r, int i, enum pass_kind kind)
{
    struct job *j = &r->jobs[i];
    if (pass_load_info(r, j) != 0) return 0;
    if (kind == PASS_RENDER) return run_entry_valid(r, j);
    if (kind == PASS_CALIBRATE_LEVEL) return level_cached(r, j);
    return 1;
}

/* The key that names what a job of the pass writes: two jobs with one key (the same voice
 * and text in two episodes) are one piece of work. */
static const char *pass_key(const struct pass_item *it, enum pass_kind kind)
{
    const struct job *j = &it->r->jobs[it->job];
    return kind == PASS_CALIBRATE || kind == PASS_SIZE ? j->synth_key : j->run_key;
}

static enum pass_kind sort_kind;
static const struct pass_item *sort_items;

static int by_key_then_order(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    int c = strcmp(pass_key(&sort_items[x], sort_kind), pass_key(&sort_items[y], sort_kind));
    return c ? c : (x > y) - (x < y);
}

/* Keeps the first of the items that share a key, in their order; returns the new count. */
static int drop_duplicates(struct pass_item *items, int n, enum pass_kind kind)
{
    if (n < 2) return n;
    int *order = xcalloc((size_t)n, sizeof *order);
    char *dup = xcalloc((size_t)n, 1);
    for (int i = 0; i < n; i++) order[i] = i;
    sort_kind = kind, sort_items = items;
    qsort(order, (size_t)n, sizeof *order, by_key_then_order);
    for (int i = 1; i < n; i++)
        if (strcmp(pass_key(&items[order[i]], kind), pass_key(&items[order[i - 1]], kind)) == 0) dup[order[i]] = 1;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!dup[i]) items[m++] = items[i];
    free(order);
    free(dup);
    return m;
}

/* Every job of the pass in the episodes, each piece of work once. */
static int pass_items(struct render *const *rs, int n_renders, enum pass_kind kind, struct pass_item **out)
{
    int total = 0;
    for (int e = 0; e < n_renders; e++) total += rs[e]->n_jobs;
    struct pass_item *items = xcalloc((size_t)total + 1, sizeof *items);
    int n = 0;
    for (int e = 0; e < n_renders; e++)
        for (int i = 0; i < rs[e]->n_jobs; i++)
            if (pass_wants(rs[e], kind, i)) items[n++] = (struct pass_item){rs[e], i};
    *out = items;
    return drop_duplicates(items, n, kind);
}

struct pass_pool {
    struct render *display;   /* whose counters the progress line shows */
    const struct pass_item *items;
    pool_job_fn child;
};

static int item_child(void *ctx, int k, struct strbuf *result, struct rc_error *err)
{
    const struct pass_pool *p = ctx;
    return p->child(p->items[k].r, p->items[k].job, result, err);
}

static int item_done(void *ctx, int k, const char *res, size_t len, struct rc_error *err)
{
    const struct pass_pool *p = ctx;
    return progress_done(p->display, k, res, len, err);
}

/* Runs the items in one pool of display->o->jobs workers (the first episode's options: a
 * batch shares them). */
static int run_items(struct render *display, const char *phase, const struct pass_item *items, int n, pool_job_fn child,
                     struct rc_error *err)
{
    int *todo = xcalloc((size_t)n + 1, sizeof *todo);
    for (int k = 0; k < n; k++) todo[k] = k;
    display->phase = phase, display->done_jobs = 0, display->todo_jobs = n, display->done_audio_seconds = 0;
    struct pass_pool pool = {display, items, child};
    int rc = n ? pool_run(todo, n, display->o->jobs, item_child, item_done, &pool, err) : 0;
    show_progress(display, 1);
    free(todo);
    return rc;
}

/* Runs the jobs of a pass whose records are not cached, over the episodes (each piece of
 * work once): the calibration texts' analysis, then their level; the heard jobs'
 * analysis and packet run; the analysis of the jobs before a clip.  With counts, each
 * episode's counts[e] (an int field of struct render, by offset) adds its jobs run. */
static int run_pass_batch(struct render *const *rs, int n_renders, const char *phase, enum pass_kind kind,
                          pool_job_fn child, int *(*count)(struct render *), struct rc_error *err)
{
    struct pass_item *items;
    int n = pass_items(rs, n_renders, kind, &items), m = 0;
    for (int k = 0; k < n; k++)
        if (!records_cached(items[k].r, items[k].job, kind)) items[m++] = items[k];
    int rc = run_items(rs[0], phase, items, m, child, err);
    for (int k = 0; k < m && count; k++) (*count(items[k].r))++;
    free(items);
    return rc;
}

static int *count_rendered(struct render *r) { return &r->n_rendered; }
static int *count_sized(struct render *r) { return &r->n_sized; }

/* ---- pass 2: encode ---- */

/* Writes a job's analysis record (SYNTH_KEY.info.json) from its audio. */
static int put_info(struct render *r, const struct job *j, const struct turn_audio *audio, double *lufs_out,
                    double *speech_out, struct rc_error *err)
{
    struct loudness_result lr;
    struct loudness_meter *m = loudness_open_mode(SYNTH_RATE, 0, err);
    int bad = !m || loudness_add_s16(m, audio->pcm, audio->n_samples, err) != 0 || loudness_get(m, &lr, err) != 0;
    loudness_free(m);
    if (bad) return -1;
    json_t *starts = json_array(), *ends = json_array();
    double speech = 0;
    for (int c = 0; c < audio->n_clauses; c++) {
        json_array_append_new(starts, json_integer((json_int_t)audio->clause_start[c]));
        json_array_append_new(ends, json_integer((json_int_t)audio->clause_end[c]));
        speech += (double)(audio->clause_end[c] - audio->clause_start[c]) / SYNTH_RATE;
    }
    json_t *marks = json_array();
    for (int k = 0; k < audio->n_marks; k++)
        json_array_append_new(marks, json_pack("[i, i, I]", audio->marks[k].clause, audio->marks[k].display_byte,
                                               (json_int_t)audio->marks[k].sample));
    json_t *info = json_pack("{s:I, s:o, s:o, s:f, s:f, s:f, s:o}", "n_samples", (json_int_t)audio->n_samples,
                             "clause_start", starts, "clause_end", ends, "lufs",
                             isfinite(lr.integrated_lufs) ? lr.integrated_lufs : -200.0, "sample_peak_dbfs",
                             isfinite(lr.sample_peak_dbfs) ? lr.sample_peak_dbfs : -200.0, "speech_seconds", speech,
                             "marks", marks);
    if (lufs_out) *lufs_out = isfinite(lr.integrated_lufs) ? lr.integrated_lufs : -200.0;
    if (speech_out) *speech_out = speech;
    char *text = json_dumps(info, JSON_COMPACT | JSON_REAL_PRECISION(10));
    int rc = cache_put(&r->cache, j->synth_key, "info.json", text, strlen(text), err);
    free(text);
    json_decref(info);
    return rc;
}

/* Synthesizes a job and records its analysis; the caller frees *audio. */
static int synthesize_and_record(struct render *r, const struct job *j, struct turn_audio *audio, double *lufs,
                                 double *speech, struct rc_error *err)
{
    if (job_synthesize(r, j, audio, err) != 0) return -1;
    if (put_info(r, j, audio, lufs, speech, err) == 0) return 0;
    turn_audio_free(audio);
    return -1;
}

/* Calibration, or a job before a clip: synthesize and record the analysis. */
static int analyse_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    (void)result;
    struct render *r = ctx;
    struct turn_audio audio;
    if (synthesize_and_record(r, &r->jobs[index], &audio, NULL, NULL, err) != 0) return -1;
    turn_audio_free(&audio);
    return 0;
}

/* Writes a job's level record (RUN_KEY.level.json): the loudness of what its encoder is fed,
 * and the gain (dB) that was given to the turn before it. */
static int put_level(struct render *r, const struct job *j, const struct loudness_result *level, double gain_db,
                     struct rc_error *err)
{
    json_t *lv = json_pack("{s:f, s:f, s:f}", "lufs", isfinite(level->integrated_lufs) ? level->integrated_lufs : -200.0,
                           "sample_peak_dbfs", isfinite(level->sample_peak_dbfs) ? level->sample_peak_dbfs : -200.0,
                           "gain_db", gain_db);
    char *lvtext = json_dumps(lv, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(lv);
    int rc = cache_put(&r->cache, j->run_key, "level.json", lvtext, strlen(lvtext), err);
    free(lvtext);
    return rc;
}

/* The encoder settings for a job: the run's, with the job's own gain (dB, returned) from
 * its loudness as synthesized (programme_turn_gain_db). */
static double turn_encoder_settings(const struct render *r, const struct job *j, double lufs, double speech,
                                    struct encode_settings *enc)
{
    double gain_db = programme_turn_gain_db(r, j, lufs, speech);
    *enc = r->enc;
    enc->gain_linear = pow(10, gain_db / 20);
    return gain_db;
}

/* A voice's calibration read as its encoder would be fed it: its voice's gain and the
 * limiter exactly as in encoding (encode_prepare), measured, not encoded (RUN_KEY.level.json).
 * The programme's output gain follows these levels (programme_residual). */
static int calibration_level_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    (void)result;
    struct render *r = ctx;
    struct job *j = &r->jobs[index];
    struct turn_audio audio;
    if (job_synthesize(r, j, &audio, err) != 0) return -1;
    double gain_db = r->voice_gain_db[j->profile];
    struct encode_settings enc = r->enc;
    enc.gain_linear = pow(10, gain_db / 20);
    float *x = NULL;
    size_t n = 0;
    int rc = encode_prepare(audio.pcm, audio.n_samples, &enc, &x, &n, err);
    turn_audio_free(&audio);
    if (rc != 0) return -1;
    struct loudness_result level;
    struct loudness_meter *m = loudness_open_mode(ENCODE_OPUS_RATE, 0, err);
    rc = !m || loudness_add_float(m, x, n, err) != 0 || loudness_get(m, &level, err) != 0 ? -1 : 0;
    loudness_free(m);
    free(x);
    return rc == 0 ? put_level(r, j, &level, gain_db, err) : -1;
}

/* A turn: synthesize once, then write its analysis, the level the encoder was fed and
 * the packet run (last: a run in the cache always has its records beside it). */
static int render_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    struct render *r = ctx;
    struct job *j = &r->jobs[index];
    struct turn_audio audio;
    double lufs = -200, speech = 0;
    if (synthesize_and_record(r, j, &audio, &lufs, &speech, err) != 0) return -1;
    sb_printf(result, "%zu", audio.n_samples);
    int rc = 0;
    struct packet_run run;
    struct loudness_result level;
    struct encode_settings enc;
    double gain_db = turn_encoder_settings(r, j, lufs, speech, &enc);
    if (rc == 0) rc = encode_turn_measured(audio.pcm, audio.n_samples, &enc, &run, &level, err);
    turn_audio_free(&audio);
    if (rc != 0) return -1;
    rc = put_level(r, j, &level, gain_db, err);
    struct strbuf blob;
    sb_init(&blob);
    if (rc == 0) rc = packet_run_serialize(&run, &blob, err);
    if (rc == 0) rc = cache_put(&r->cache, j->run_key, "run", blob.data, blob.len, err);
    sb_free(&blob);
    packet_run_free(&run);
    return rc;
}

int pass_calibrate_batch(struct render *const *rs, int n, struct rc_error *err)
{
    return run_pass_batch(rs, n, "calibrating", PASS_CALIBRATE, analyse_child, NULL, err);
}

int pass_calibrate_level_batch(struct render *const *rs, int n, struct rc_error *err)
{
    return run_pass_batch(rs, n, "calibrating the limiter", PASS_CALIBRATE_LEVEL, calibration_level_child, NULL, err);
}

int pass_render_batch(struct render *const *rs, int n, struct rc_error *err)
{
    return run_pass_batch(rs, n, "rendering", PASS_RENDER, render_child, count_rendered, err);
}

int pass_calibrate(struct render *r, struct rc_error *err) { return pass_calibrate_batch(&r, 1, err); }

int pass_calibrate_level(struct render *r, struct rc_error *err) { return pass_calibrate_level_batch(&r, 1, err); }

int pass_render(struct render *r, struct rc_error *err) { return pass_render_batch(&r, 1, err); }

int pass_size_before_clip(struct render *r, struct rc_error *err)
{
    if (!r->o->n_sections) return 0;
    if (run_pass_batch(&r, 1, "sizing the turns before the clip", PASS_SIZE, analyse_child, count_sized, err) != 0)
        return -1;
    for (int i = 0; i < r->n_jobs; i++)
        if (pass_wants(r, PASS_SIZE, i) && pass_load_info(r, &r->jobs[i]) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its analysis is missing from the cache %s", i, r->cache.dir);
    return 0;
}

int pass_records_missing(struct render *r)
{
    int missing = 0;
    for (int i = 0; i < r->n_jobs; i++) {
        if (pass_wants(r, PASS_CALIBRATE_LEVEL, i)) missing += !records_cached(r, i, PASS_CALIBRATE_LEVEL);
        else if (pass_wants(r, PASS_RENDER, i)) missing += !records_cached(r, i, PASS_RENDER);
    }
    return missing;
}

/* ---- shards ---- */

static const struct pass_item *shard_items;
static const double *shard_weight;

/* Longest first; equal lengths by key, so the order is the same whatever order the
 * episodes were given in. */
static int by_weight_then_key(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (shard_weight[x] != shard_weight[y]) return shard_weight[x] < shard_weight[y] ? 1 : -1;
    return strcmp(pass_key(&shard_items[x], PASS_RENDER), pass_key(&shard_items[y], PASS_RENDER));
}

int pass_render_shard(struct render *const *rs, int n_renders, int index, int count, struct pass_shard_report *rep,
                      struct rc_error *err)
{
    memset(rep, 0, sizeof *rep);
    struct pass_item *items;
    int n = pass_items(rs, n_renders, PASS_RENDER, &items);
    double *weight = xcalloc((size_t)n + 1, sizeof *weight);
    int *order = xcalloc((size_t)n + 1, sizeof *order);
    for (int k = 0; k < n; k++) {
        const struct job *j = &items[k].r->jobs[items[k].job];
        weight[k] = render_estimate_seconds(j->text, items[k].r->vs.profiles[j->profile].rate_wpm);
        order[k] = k;
    }
    shard_items = items, shard_weight = weight;
    qsort(order, (size_t)n, sizeof *order, by_weight_then_key);
    /* greedy: each piece, longest first, to the shard with the least speech so far
     * (the lowest-numbered of equals) */
    double *load = xcalloc((size_t)count, sizeof *load);
    char *mine = xcalloc((size_t)n + 1, 1);
    for (int k = 0; k < n; k++) {
        int best = 0;
        for (int s = 1; s < count; s++)
            if (load[s] < load[best]) best = s;
        load[best] += weight[order[k]];
        mine[order[k]] = best == index;
    }
    rep->pieces_total = n;
    int m = 0;
    for (int k = 0; k < n; k++) {
        if (!mine[k]) continue;
        rep->pieces++, rep->estimated_seconds += weight[k];
        if (records_cached(items[k].r, items[k].job, PASS_RENDER)) rep->cached++;
        else items[m++] = items[k];
    }
    rep->rendered = m;
    int rc = run_items(rs[0], "rendering this shard", items, m, render_child, err);
    free(load), free(mine), free(order), free(weight), free(items);
    return rc;
}
