/* render.c: see render.h. */
#include "render/render.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render/cache.h"
#include "audio/encode.h"
#include "speech/frontend.h"
#include "config/lexicon.h"
#include "audio/loudness.h"
#include "audio/oggmux.h"
#include "publish/page.h"
#include "text/parse.h"
#include "publish/sidecars.h"
#include "speech/synth.h"
#include "publish/timeline.h"
#include "config/voices.h"
#include "render/worker.h"

#ifndef RECAST_VERSION
#define RECAST_VERSION "dev"
#endif

#define OGG_SERIAL 0x72656361u   /* "reca": fixed, so the same input gives the same bytes */
#define PREROLL_PACKETS 4        /* RFC 7845 4.2: at least 80 ms before a clip's start */
/* Loudness: one gain for the whole programme, in two parts.  The part baked into the
 * packets comes from the speakers' voices alone (each profile reads a fixed calibration
 * text), so editing a turn never changes it and never invalidates the other turns'
 * cached packets.  The rest, the residual between the target and what the encoders were
 * actually fed, goes into the OpusHead output gain, which every decoder applies. */
#define GAIN_STEP_DB 0.5         /* the packet gain is quantised to this step */
#define CODEC_HEADROOM_DB 1.0    /* Opus overshoots the limited input by up to ~0.8 dB */
#define MAX_RESIDUAL_DB 2.0      /* largest positive header gain; the limiter leaves room for it */
/* A turn longer than this is rendered in parts split at sentence ends (joined without a
 * pause: each part ends and starts in silence), so a worker's memory is bounded whatever
 * the length of a turn.  Measured on the interview's longest turn (866 characters, 4
 * minutes): 87 MB peak RSS in one piece, 37 MB in parts of 300 characters. */
#define PART_MAX_CHARS 300
static const char calibration_text[] =
    "我们今天讨论人工智能的发展。这项技术正在改变科学研究的方式,也带来了很多新的问题。"
    "你认为未来十年会发生什么?我认为,最重要的是保持谨慎和开放。";

enum job_kind { JOB_TURN, JOB_ANNOUNCE, JOB_PREFACE, JOB_CALIBRATE /* pass 1 only, not heard */ };

/* What pass 1 learns about a job (cached as KEY.info.json). */
struct job_info {
    long long n_samples;      /* PCM at SYNTH_RATE */
    int n_clauses;
    long long *clause_start;  /* [n_clauses] samples at SYNTH_RATE */
    long long *clause_end;
    double lufs;              /* integrated loudness of the turn; -inf for silence */
    double sample_peak_dbfs;
    double speech_seconds;    /* sum of clause durations: its weight in the programme */
};

struct job {
    enum job_kind kind;
    int profile;
    int turn;                 /* document turn index (JOB_TURN), else -1 */
    int part;                 /* 0 for the first (or only) part of a turn */
    int section;              /* document section it belongs to */
    char *text;               /* owned */
    struct fe_plan plan;
    char synth_key[CACHE_KEY_HEX];
    char run_key[CACHE_KEY_HEX];
    struct job_info info;
    long long packets;        /* its run's packet count, from info */
};

enum item_kind { ITEM_SILENCE, ITEM_RUN };
struct item {
    enum item_kind kind;
    long long packets;
    int job;                  /* ITEM_RUN */
    long long first_packet;   /* position in the programme */
};

struct render {
    const struct render_options *o;
    struct voice_set vs;
    struct document doc;
    struct lexicon lex;
    struct cache cache;
    char input_sha256[CACHE_KEY_HEX];
    const char *espeak_version;
    struct encode_settings enc;
    int lookahead24;
    struct job *jobs;
    int n_jobs;
    struct item *items;
    int n_items;
    long long total_packets;
    long long *section_start_packet; /* [n_sections + 1] boundaries */
    double gain_db;           /* baked into the packets */
    double header_gain_db;    /* OpusHead output gain: the residual */
    double before_lufs, before_tp; /* the programme as synthesized */
    double encoded_lufs, encoded_tp; /* what the encoders were fed (after gain and limiter) */
    int progress;
    struct timespec t0;
    int done_jobs, todo_jobs;
    double done_audio_seconds; /* audio rendered so far in this pass */
    const char *phase;
};

/* ---- small helpers ---- */

static double now_seconds(const struct render *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

static void show_progress(struct render *r, int final)
{
    if (!r->progress || r->todo_jobs == 0) return;
    double el = now_seconds(r);
    double eta = r->done_jobs ? el / r->done_jobs * (r->todo_jobs - r->done_jobs) : 0;
    fprintf(stderr, "\rrecast: %s: %d/%d turns, %.1f min of audio, %.0f s elapsed, ETA %.0f s   %s", r->phase,
            r->done_jobs, r->todo_jobs, r->done_audio_seconds / 60, el, eta, final ? "\n" : "");
    fflush(stderr);
}

static long long ms_to_packets(int ms) { return (ms + 10) / 20; }

static long long samples22_to_48(long long s) { return (s * TL_RATE + SYNTH_RATE / 2) / SYNTH_RATE; }

static char *path_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return xstrndup(base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

/* "out/x.opus" -> "out/x" */
static char *strip_ext(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash + 1)) return xstrndup(path, (size_t)(dot - path));
    return xstrdup(path);
}

/* A file-name-safe version of a title: no separators, control characters or leading
 * dots; spaces become '-'; at most 60 bytes, cut at a character boundary. */
static char *safe_name(const char *title)
{
    struct strbuf sb;
    sb_init(&sb);
    for (const unsigned char *s = (const unsigned char *)title; *s && sb.len < 60; s++) {
        unsigned char c = *s;
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
            c == '<' || c == '>' || c == '|')
            continue;
        if (c == ' ') c = '-';
        if (c == '.' && sb.len == 0) continue;
        sb_addc(&sb, (char)c);
    }
    /* do not end in the middle of a UTF-8 sequence: drop an incomplete last character */
    size_t lead = sb.len;
    while (lead > 0 && ((unsigned char)sb.data[lead - 1] & 0xC0) == 0x80) lead--;
    if (lead > 0) {
        unsigned char c = (unsigned char)sb.data[lead - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (sb.len - (lead - 1) < need) sb.len = lead - 1;
    }
    if (sb.data) sb.data[sb.len] = '\0';
    if (!sb.len) sb_adds(&sb, "section");
    return sb_detach(&sb);
}

/* ---- jobs ---- */

static void add_job(struct render *r, enum job_kind kind, int profile, int turn, int section, const char *text)
{
    r->jobs = xrealloc(r->jobs, sizeof *r->jobs * (size_t)(r->n_jobs + 1));
    struct job *j = &r->jobs[r->n_jobs++];
    memset(j, 0, sizeof *j);
    j->kind = kind, j->profile = profile, j->turn = turn, j->section = section;
    j->text = xstrdup(text);
    fe_plan_turn(j->text, &r->lex, &j->plan);
    const struct voice_profile *p = &r->vs.profiles[profile];
    struct cache_key_ctx *k = cache_key_begin("synth-v2");
    cache_key_add_str(k, "recast", RECAST_VERSION);
    cache_key_add_str(k, "espeak", r->espeak_version);
    cache_key_add_str(k, "mandarin", p->mandarin_voice);
    cache_key_add_str(k, "english", p->english_voice);
    cache_key_add_str(k, "variant", p->variant);
    cache_key_add_int(k, "rate", p->rate_wpm);
    cache_key_add_int(k, "pitch", p->pitch);
    cache_key_add_int(k, "range", p->range);
    cache_key_add_int(k, "volume", p->volume);
    for (int c = 0; c < j->plan.n_clauses; c++) {
        const struct fe_clause *cl = &j->plan.clauses[c];
        cache_key_add_int(k, "clause", cl->end);
        for (int s = cl->first_segment; s < cl->first_segment + cl->n_segments; s++) {
            cache_key_add_str(k, lang_code(j->plan.segments[s].lang), j->plan.segments[s].text);
        }
    }
    cache_key_finish(k, j->synth_key);
}

/* Adds the jobs of one turn: one, or several parts of at most PART_MAX_CHARS characters
 * cut after a sentence end or a paragraph (or, failing that, after a clause). */
static void add_turn_jobs(struct render *r, int t, int section)
{
    const char *text = r->doc.turns[t].text;
    size_t len = strlen(text), start = 0;
    int part = 0;
    while (start < len) {
        size_t end = len, chars = 0, best = 0, fallback = 0;
        for (size_t i = start; i < len; i++) {
            if (((unsigned char)text[i] & 0xC0) != 0x80) chars++;
            if (chars > PART_MAX_CHARS) {
                end = best ? best : fallback ? fallback : i;
                break;
            }
            if (text[i] == '\n' || strncmp(text + i, "。", 3) == 0 || strncmp(text + i, "？", 3) == 0 ||
                strncmp(text + i, "！", 3) == 0 || text[i] == '?' || text[i] == '!')
                best = i + (text[i] == '\n' || text[i] == '?' || text[i] == '!' ? 1 : 3);
            else if (text[i] == ',' || strncmp(text + i, "，", 3) == 0)
                fallback = i + (text[i] == ',' ? 1 : 3);
        }
        while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80) end++; /* whole characters */
        char *piece = xstrndup(text + start, end - start);
        add_job(r, JOB_TURN, r->doc.turns[t].speaker, t, section, piece);
        r->jobs[r->n_jobs - 1].part = part++;
        free(piece);
        start = end;
    }
}

static void build_jobs(struct render *r)
{
    const struct document *d = &r->doc;
    int narrator = r->vs.narrator;
    if (r->o->preface && narrator >= 0)
        for (int i = 0; i < d->n_preface; i++) add_job(r, JOB_PREFACE, narrator, -1, 0, d->preface[i].text);
    for (int s = 0; s < d->n_sections; s++) {
        const struct doc_section *sec = &d->sections[s];
        if (r->o->announce_sections && narrator >= 0 && sec->title[0])
            add_job(r, JOB_ANNOUNCE, narrator, -1, s, sec->title);
        for (int t = sec->first_turn; t < sec->first_turn + sec->n_turns; t++)
            add_turn_jobs(r, t, s);
    }
    int n_programme = r->n_jobs;
    for (int p = 0; p < r->vs.n_profiles; p++) {
        int used = 0;
        for (int i = 0; i < n_programme && !used; i++) used = r->jobs[i].profile == p;
        if (used) add_job(r, JOB_CALIBRATE, p, -1, -1, calibration_text);
    }
}

static void run_key(struct render *r, struct job *j)
{
    struct cache_key_ctx *k = cache_key_begin("run-v4");
    cache_key_add_str(k, "synth", j->synth_key);
    cache_key_add_int(k, "bitrate", r->enc.bitrate_bps);
    cache_key_add_int(k, "complexity", r->enc.complexity);
    cache_key_add_int(k, "gain_milli_db", (long long)llround(r->gain_db * 1000));
    cache_key_add_int(k, "ceiling_milli_db", (long long)llround(r->enc.ceiling_dbtp * 1000));
    cache_key_finish(k, j->run_key);
}

/* ---- pass 1: synthesize and measure ---- */

static int job_synthesize(struct render *r, const struct job *j, struct turn_audio *audio, struct rc_error *err)
{
    return synth_turn(&r->vs.profiles[j->profile], &j->plan, audio, err);
}

static void info_free(struct job_info *in)
{
    free(in->clause_start);
    free(in->clause_end);
    memset(in, 0, sizeof *in);
}

/* Reads and checks a job's info record: 0 ok, 1 missing or unusable. */
static int load_info(struct render *r, struct job *j)
{
    char *data;
    size_t len;
    struct rc_error e = {0};
    if (cache_get(&r->cache, j->synth_key, "info.json", &data, &len, &e) != 0) return 1;
    json_error_t jerr;
    json_t *info = json_loadb(data, len, 0, &jerr);
    free(data);
    json_int_t n = 0;
    json_t *starts = NULL, *ends = NULL;
    double lufs = 0, tp = 0, speech = 0;
    int ok = info && json_unpack(info, "{s:I, s:o, s:o, s:F, s:F, s:F}", "n_samples", &n, "clause_start", &starts,
                                 "clause_end", &ends, "lufs", &lufs, "sample_peak_dbfs", &tp, "speech_seconds",
                                 &speech) == 0 &&
             json_is_array(starts) && json_is_array(ends) && n > 0 &&
             (int)json_array_size(starts) == j->plan.n_clauses && (int)json_array_size(ends) == j->plan.n_clauses;
    if (ok) {
        info_free(&j->info);
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

/* Runs the calibration jobs whose analysis is not cached (calibrate = 1), or the
 * programme's jobs whose analysis or packet run is not cached. */
static int run_pass(struct render *r, const char *phase, int calibrate, pool_job_fn child, int *n_rendered,
                    struct rc_error *err)
{
    int *todo = xcalloc((size_t)r->n_jobs, sizeof *todo), n = 0;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if ((j->kind == JOB_CALIBRATE) != calibrate) continue;
        int have_info = load_info(r, j) == 0;
        if (!have_info || (!calibrate && !run_entry_valid(r, j))) todo[n++] = i;
    }
    r->phase = phase, r->done_jobs = 0, r->todo_jobs = n, r->done_audio_seconds = 0;
    int rc = n ? pool_run(todo, n, r->o->jobs, child, progress_done, r, err) : 0;
    show_progress(r, 1);
    free(todo);
    *n_rendered = n;
    return rc;
}

/* ---- the programme gain ---- */

/* Power mean of the loudness of jobs of the given kind class, weighted by speech time. */
static double mean_loudness(const struct render *r, int calibration, double *peak)
{
    double power = 0, weight = 0;
    if (peak) *peak = -200;
    for (int i = 0; i < r->n_jobs; i++) {
        const struct job *j = &r->jobs[i];
        if ((j->kind == JOB_CALIBRATE) != calibration) continue;
        if (j->info.lufs > -70 && j->info.speech_seconds > 0) {
            power += j->info.speech_seconds * pow(10, j->info.lufs / 10);
            weight += j->info.speech_seconds;
        }
        if (peak && j->info.sample_peak_dbfs > *peak) *peak = j->info.sample_peak_dbfs;
    }
    return weight > 0 ? 10 * log10(power / weight) : -200;
}

static int compute_gain(struct render *r, struct rc_error *err)
{
    for (int i = 0; i < r->n_jobs; i++)
        if (r->jobs[i].kind == JOB_CALIBRATE && load_info(r, &r->jobs[i]) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its calibration is missing from the cache %s", i, r->cache.dir);
    double calibrated = mean_loudness(r, 1, NULL);
    double gain = calibrated > -70 ? r->o->loudness_lufs - calibrated : 0;
    r->gain_db = round(gain / GAIN_STEP_DB) * GAIN_STEP_DB;
    if (r->gain_db > 30) r->gain_db = 30;
    r->enc.gain_linear = pow(10, r->gain_db / 20);
    for (int i = 0; i < r->n_jobs; i++) run_key(r, &r->jobs[i]);
    return 0;
}

/* After pass 2: the residual between the target and what the encoders were fed. */
static int compute_residual(struct render *r, struct rc_error *err)
{
    for (int i = 0; i < r->n_jobs; i++)
        if (load_info(r, &r->jobs[i]) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its analysis is missing from the cache %s", i, r->cache.dir);
    r->before_lufs = mean_loudness(r, 0, &r->before_tp);
    double power = 0, weight = 0, tp = -200;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (j->kind == JOB_CALIBRATE) continue;
        char *data;
        size_t len;
        if (cache_get(&r->cache, j->run_key, "level.json", &data, &len, err) != 0)
            return rc_fail(err, RC_SOFTWARE, "job %d: its encoded level is missing from the cache %s", i, r->cache.dir);
        json_t *lv = json_loadb(data, len, 0, NULL);
        free(data);
        double lufs = -200, peak = -200;
        json_unpack(lv, "{s:F, s:F}", "lufs", &lufs, "sample_peak_dbfs", &peak);
        json_decref(lv);
        if (lufs > -70 && j->info.speech_seconds > 0) {
            power += j->info.speech_seconds * pow(10, lufs / 10);
            weight += j->info.speech_seconds;
        }
        if (peak > tp) tp = peak;
    }
    r->encoded_lufs = weight > 0 ? 10 * log10(power / weight) : -200;
    r->encoded_tp = tp;
    double residual = weight > 0 ? r->o->loudness_lufs - r->encoded_lufs : 0;
    if (residual > MAX_RESIDUAL_DB) {
        fprintf(stderr, "recast: warning: the programme stays %.1f dB under the loudness target (the voices are "
                        "quiet; raise 'volume' in the profiles)\n", residual - MAX_RESIDUAL_DB);
        residual = MAX_RESIDUAL_DB;
    }
    if (residual < -20) residual = -20;
    r->header_gain_db = round(residual * 256) / 256;
    return 0;
}

/* ---- pass 2: encode ---- */

/* Writes a job's analysis record (SYNTH_KEY.info.json) from its audio. */
static int put_info(struct render *r, const struct job *j, const struct turn_audio *audio, struct rc_error *err)
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
    json_t *info = json_pack("{s:I, s:o, s:o, s:f, s:f, s:f}", "n_samples", (json_int_t)audio->n_samples,
                             "clause_start", starts, "clause_end", ends, "lufs",
                             isfinite(lr.integrated_lufs) ? lr.integrated_lufs : -200.0, "sample_peak_dbfs",
                             isfinite(lr.sample_peak_dbfs) ? lr.sample_peak_dbfs : -200.0, "speech_seconds", speech);
    char *text = json_dumps(info, JSON_COMPACT | JSON_REAL_PRECISION(10));
    int rc = cache_put(&r->cache, j->synth_key, "info.json", text, strlen(text), err);
    free(text);
    json_decref(info);
    return rc;
}

/* Synthesizes a job and records its analysis; the caller frees *audio. */
static int synthesize_and_record(struct render *r, const struct job *j, struct turn_audio *audio,
                                 struct rc_error *err)
{
    if (job_synthesize(r, j, audio, err) != 0) return -1;
    if (put_info(r, j, audio, err) == 0) return 0;
    turn_audio_free(audio);
    return -1;
}

/* Calibration: synthesize and measure. */
static int analyse_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    (void)result;
    struct render *r = ctx;
    struct turn_audio audio;
    if (synthesize_and_record(r, &r->jobs[index], &audio, err) != 0) return -1;
    turn_audio_free(&audio);
    return 0;
}

/* A turn: synthesize once, then write its analysis, the level the encoder was fed and
 * the packet run (last: a run in the cache always has its records beside it). */
static int render_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    struct render *r = ctx;
    struct job *j = &r->jobs[index];
    struct turn_audio audio;
    if (synthesize_and_record(r, j, &audio, err) != 0) return -1;
    sb_printf(result, "%zu", audio.n_samples);
    int rc = 0;
    struct packet_run run;
    struct loudness_result level;
    if (rc == 0) rc = encode_turn_measured(audio.pcm, audio.n_samples, &r->enc, &run, &level, err);
    turn_audio_free(&audio);
    if (rc != 0) return -1;
    json_t *lv = json_pack("{s:f, s:f}", "lufs", isfinite(level.integrated_lufs) ? level.integrated_lufs : -200.0,
                           "sample_peak_dbfs", isfinite(level.sample_peak_dbfs) ? level.sample_peak_dbfs : -200.0);
    char *lvtext = json_dumps(lv, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(lv);
    rc = cache_put(&r->cache, j->run_key, "level.json", lvtext, strlen(lvtext), err);
    free(lvtext);
    struct strbuf blob;
    sb_init(&blob);
    if (rc == 0) rc = packet_run_serialize(&run, &blob, err);
    if (rc == 0) rc = cache_put(&r->cache, j->run_key, "run", blob.data, blob.len, err);
    sb_free(&blob);
    packet_run_free(&run);
    return rc;
}

/* ---- the programme: items, timeline ---- */

static void add_item(struct render *r, enum item_kind kind, long long packets, int job)
{
    if (packets <= 0) return;
    r->items = xrealloc(r->items, sizeof *r->items * (size_t)(r->n_items + 1));
    r->items[r->n_items++] = (struct item){kind, packets, job, r->total_packets};
    r->total_packets += packets;
}

static void build_items(struct render *r)
{
    const struct pause_policy *pp = &r->vs.pauses;
    int n_sec = r->doc.n_sections;
    r->section_start_packet = xcalloc((size_t)n_sec + 1, sizeof(long long));
    add_item(r, ITEM_SILENCE, ms_to_packets(pp->programme_start_ms), -1);
    int prev_job = -1, prev_section = -1;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (j->kind == JOB_CALIBRATE) continue;
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

/* The timeline of packets [first, last) of the programme (a whole programme or a span of
 * sections), times relative to `first`. */
static void build_timeline(struct render *r, int sec_first, int sec_last, struct timeline *tl)
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
        if (j->part > 0 && tl->n_turns > 0) { /* a later part: extend the turn */
            struct tl_turn *t = &tl->turns[tl->n_turns - 1];
            t->clauses = xrealloc(t->clauses, sizeof *t->clauses * (size_t)(t->n_clauses + j->plan.n_clauses + 1));
            for (int c = 0; c < j->plan.n_clauses; c++) {
                struct tl_clause *tc = &t->clauses[t->n_clauses + c];
                tc->start48 = run_start48 + samples22_to_48(j->info.clause_start[c]);
                tc->end48 = run_start48 + samples22_to_48(j->info.clause_end[c]);
                tc->text = j->plan.clauses[c].display;
                tc->sentence_start = j->plan.clauses[c].sentence_start;
            }
            t->n_clauses += j->plan.n_clauses;
            t->end48 = run_start48 + it->packets * ENCODE_FRAME48;
            if (t->n_clauses) t->speech_end48 = t->clauses[t->n_clauses - 1].end48;
            continue;
        }
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
        t->start48 = it->first_packet * ENCODE_FRAME48 - base;
        t->end48 = t->start48 + it->packets * ENCODE_FRAME48;
        t->n_clauses = j->plan.n_clauses;
        t->clauses = xcalloc((size_t)(t->n_clauses + 1), sizeof *t->clauses);
        for (int c = 0; c < t->n_clauses; c++) {
            t->clauses[c].start48 = t->start48 + samples22_to_48(j->info.clause_start[c]);
            t->clauses[c].end48 = t->start48 + samples22_to_48(j->info.clause_end[c]);
            t->clauses[c].text = j->plan.clauses[c].display;
            t->clauses[c].sentence_start = j->plan.clauses[c].sentence_start;
        }
        t->speech_start48 = t->n_clauses ? t->clauses[0].start48 : t->start48;
        t->speech_end48 = t->n_clauses ? t->clauses[t->n_clauses - 1].end48 : t->start48;
        if (tl->sections[t->section].n_turns++ == 0) tl->sections[t->section].first_turn = tl->n_turns;
        tl->n_turns++;
    }
}

/* ---- muxing ---- */

struct mux_source {
    struct render *r;
    int loaded_job;
    struct packet_run run;
};

static int load_run(struct mux_source *src, int job, struct rc_error *err)
{
    if (src->loaded_job == job) return 0;
    packet_run_free(&src->run);
    src->loaded_job = -1;
    struct job *j = &src->r->jobs[job];
    char *data;
    size_t len;
    int got = cache_get(&src->r->cache, j->run_key, "run", &data, &len, err);
    if (got < 0) return -1;
    if (got == 1) return rc_fail(err, RC_SOFTWARE, "turn %d: encoded run missing from the cache", j->turn);
    int rc = packet_run_deserialize(data, len, &src->run, err);
    free(data);
    if (rc != 0) return -1;
    if (src->run.n_packets != j->packets) {
        packet_run_free(&src->run);
        return rc_fail(err, RC_SOFTWARE, "turn %d: cached run has %d packets, expected %lld", j->turn,
                       src->run.n_packets, j->packets);
    }
    src->loaded_job = job;
    return 0;
}

/* Writes programme packets [from, to) into m. */
static int write_packets(struct mux_source *src, struct oggmux *m, long long from, long long to, struct rc_error *err)
{
    struct render *r = src->r;
    for (int i = 0; i < r->n_items && from < to; i++) {
        const struct item *it = &r->items[i];
        long long a = it->first_packet, b = it->first_packet + it->packets;
        if (b <= from || a >= to) continue;
        long long lo = a > from ? a : from, hi = b < to ? b : to;
        if (it->kind == ITEM_SILENCE) {
            if (oggmux_write_silence(m, (int)(hi - lo), err) != 0) return -1;
            continue;
        }
        if (load_run(src, it->job, err) != 0) return -1;
        for (long long k = lo - a; k < hi - a; k++)
            if (oggmux_write_packet(m, src->run.bytes + src->run.offsets[k], src->run.sizes[k], ENCODE_FRAME48, err) != 0)
                return -1;
    }
    return 0;
}

static void add_comment(char ***list, int *n, const char *key, const char *value)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s=%s", key, value);
    *list = xrealloc(*list, sizeof **list * (size_t)(*n + 1));
    (*list)[(*n)++] = sb_detach(&sb);
}

static char *date_string(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return xstrdup(buf);
}

/* Writes sections [sec_first, sec_last) as one Ogg Opus file at path. */
static int write_opus(struct render *r, const char *path, int sec_first, int sec_last, const struct timeline *tl,
                      struct rc_error *err)
{
    long long from = r->section_start_packet[sec_first], to = r->section_start_packet[sec_last];
    int preroll = from >= PREROLL_PACKETS ? PREROLL_PACKETS : (int)from;
    unsigned char silence[ENCODE_MAX_PACKET];
    int silence_len = 0;
    if (encode_silence_packet(&r->enc, silence, &silence_len, err) != 0) return -1;

    char **comments = NULL;
    int n_comments = 0;
    struct strbuf sb;
    sb_init(&sb);
    if (sec_last - sec_first == r->doc.n_sections) sb_adds(&sb, r->doc.title);
    else sb_printf(&sb, "%s: %s", r->doc.title, r->doc.sections[sec_first].title);
    add_comment(&comments, &n_comments, "TITLE", sb_cstr(&sb));
    sb.len = 0;
    for (int i = 0; i < r->vs.n_profiles; i++)
        if (r->vs.profiles[i].role != ROLE_NARRATOR) sb_printf(&sb, "%s%s", sb.len ? ", " : "", r->vs.profiles[i].name);
    add_comment(&comments, &n_comments, "ARTIST", sb_cstr(&sb));
    add_comment(&comments, &n_comments, "ALBUM", r->doc.title);
    char *date = date_string();
    add_comment(&comments, &n_comments, "DATE", date);
    free(date);
    add_comment(&comments, &n_comments, "GENRE", "Podcast");
    add_comment(&comments, &n_comments, "LANGUAGE", "zh");
    sb.len = 0;
    sb_printf(&sb, "recast %s (espeak-ng %s)", RECAST_VERSION, r->espeak_version);
    add_comment(&comments, &n_comments, "ENCODER", sb_cstr(&sb));
    sb.len = 0;
    const char *base = strrchr(r->o->transcript, '/');
    sb_printf(&sb, "Rebuilt by recast from %s (sha256 %.16s) with espeak-ng voices: ", base ? base + 1 : r->o->transcript,
              r->input_sha256);
    for (int i = 0, k = 0; i < r->vs.n_profiles; i++)
        if (r->vs.profiles[i].role != ROLE_NARRATOR)
            sb_printf(&sb, "%s%s %s+%s", k++ ? ", " : "", r->vs.profiles[i].name, r->vs.profiles[i].mandarin_voice,
                      r->vs.profiles[i].variant);
    sb_printf(&sb, ". Loudness %.1f LUFS, gain %+.1f dB.", r->o->loudness_lufs, r->gain_db);
    add_comment(&comments, &n_comments, "DESCRIPTION", sb_cstr(&sb));
    for (int s = 0; s < tl->n_sections; s++) {
        char *tc, *nc;
        const char *title = tl->sections[s].title[0] ? tl->sections[s].title : r->doc.title;
        if (oggmux_chapter_comments(s, tl->sections[s].start48, title, &tc, &nc, err) != 0) goto fail_comments;
        comments = xrealloc(comments, sizeof *comments * (size_t)(n_comments + 2));
        comments[n_comments++] = tc;
        comments[n_comments++] = nc;
    }
    sb_free(&sb);

    struct oggmux_header h = {.serial = OGG_SERIAL,
                              .preskip48 = oggmux_preskip48(r->lookahead24, preroll),
                              .input_rate = SYNTH_RATE,
                              .output_gain_q8 = (int)lround(r->header_gain_db * 256),
                              .vendor = NULL,
                              .comments = (const char *const *)comments,
                              .n_comments = n_comments,
                              .silence = silence,
                              .silence_len = silence_len};
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0) goto fail_comments;
    struct oggmux *m = oggmux_open(af.fp, &h, err);
    struct mux_source src = {r, -1, {0}};
    int rc = m ? 0 : -1;
    if (rc == 0) rc = write_packets(&src, m, from - preroll, to, err);
    if (rc == 0) rc = oggmux_finish(m, (to - from) * ENCODE_FRAME48, err);
    oggmux_free(m);
    packet_run_free(&src.run);
    if (rc == 0) rc = atomic_commit(&af, err);
    else atomic_abort(&af);
    if (rc != 0 && strncmp(err->msg, path, strlen(path)) != 0) { /* name the file */
        char why[900];
        memcpy(why, err->msg, sizeof why - 1);
        why[sizeof why - 1] = '\0';
        rc_fail(err, err->code, "%s: %s", path, why);
    }
    for (int i = 0; i < n_comments; i++) free(comments[i]);
    free(comments);
    return rc;
fail_comments:
    for (int i = 0; i < n_comments; i++) free(comments[i]);
    free(comments);
    sb_free(&sb);
    return -1;
}

/* ---- sidecars ---- */

static json_t *settings_json(const struct render *r)
{
    const struct pause_policy *pp = &r->vs.pauses;
    return json_pack("{s:i, s:i, s:i, s:i, s:s, s:b, s:b, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i}}", "bitrate_bps",
                     r->enc.bitrate_bps, "complexity", r->enc.complexity, "opus_rate", ENCODE_OPUS_RATE,
                     "synthesis_rate", SYNTH_RATE, "voices", r->vs.dir, "announce_sections",
                     r->o->announce_sections, "preface", r->o->preface, "pauses_ms", "programme_start",
                     pp->programme_start_ms, "programme_end", pp->programme_end_ms, "speaker_change",
                     pp->speaker_change_ms, "same_speaker", pp->same_speaker_ms, "section_break",
                     pp->section_break_ms, "after_opening", pp->after_opening_ms, "after_announcement",
                     pp->after_announcement_ms);
}

static json_t *loudness_json(const struct render *r)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "target_lufs", r->o->loudness_lufs,
                     "true_peak_limit_dbtp", r->o->true_peak_dbtp, "synthesized_lufs", round(r->before_lufs * 100) / 100,
                     "synthesized_sample_peak_dbfs", round(r->before_tp * 100) / 100, "packet_gain_db", r->gain_db,
                     "limiter_ceiling_dbtp", r->enc.ceiling_dbtp, "encoded_lufs", round(r->encoded_lufs * 100) / 100,
                     "encoded_sample_peak_dbfs", round(r->encoded_tp * 100) / 100, "output_gain_db", r->header_gain_db);
}

static json_t *speakers_json(const struct render *r)
{
    json_t *arr = json_array();
    for (int i = 0; i < r->vs.n_profiles; i++) {
        const struct voice_profile *p = &r->vs.profiles[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "name", p->name, "role",
                                             voice_role_name(p->role), "mandarin_voice", p->mandarin_voice,
                                             "english_voice", p->english_voice, "variant", p->variant, "rate_wpm",
                                             p->rate_wpm, "pitch", p->pitch, "range", p->range));
    }
    return arr;
}

static int write_sidecars(struct render *r, const char *opus_path, const struct timeline *tl, json_t *extra,
                          const struct page_clip *clips, int n_clips, int page, struct rc_error *err)
{
    char *stem = strip_ext(opus_path);
    const char *base = strrchr(opus_path, '/');
    json_t *settings = settings_json(r), *loud = loudness_json(r), *speakers = speakers_json(r);
    struct sidecar_info info = {.title = r->doc.title,
                                .source_path = r->o->transcript,
                                .input_sha256 = r->input_sha256,
                                .recast_version = RECAST_VERSION,
                                .espeak_version = r->espeak_version,
                                .audio_basename = base ? base + 1 : opus_path,
                                .settings = settings,
                                .loudness = loud,
                                .speakers = speakers,
                                .extra_files = extra};
    int rc = sidecars_write(stem, tl, &info, err);
    if (rc == 0 && page) rc = page_write(stem, tl, &info, clips, n_clips, err);
    json_decref(settings), json_decref(loud), json_decref(speakers);
    free(stem);
    return rc;
}

/* ---- the run ---- */

static int check_voices_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    (void)index, (void)result;
    struct render *r = ctx;
    for (int i = 0; i < r->vs.n_profiles; i++)
        if (synth_check_profile(&r->vs.profiles[i], err) != 0) return -1;
    return 0;
}

static int version_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    (void)ctx, (void)index, (void)err;
    sb_adds(result, synth_espeak_version());
    return 0;
}

static int version_done(void *ctx, int index, const char *res, size_t len, struct rc_error *err)
{
    (void)index, (void)err;
    struct render *r = ctx;
    r->espeak_version = xstrndup(res, len);
    return 0;
}

static int resolve_sections(struct render *r, int *first, int *last, struct rc_error *err)
{
    *first = 0, *last = r->doc.n_sections;
    if (!r->o->n_sections) return 0;
    int lo = r->doc.n_sections, hi = -1;
    for (int i = 0; i < r->o->n_sections; i++) {
        const char *s = r->o->sections[i];
        char *end;
        long v = strtol(s, &end, 10);
        int idx = -1;
        if (*s && !*end) {
            if (v < 0 || v >= r->doc.n_sections)
                return rc_fail(err, RC_USAGE, "--section %s: the transcript has sections 0 to %d", s, r->doc.n_sections - 1);
            idx = (int)v;
        } else {
            int matches = 0;
            for (int k = 0; k < r->doc.n_sections; k++)
                if (strcmp(r->doc.sections[k].title, s) == 0) idx = k, matches = 1;
            if (idx < 0)
                for (int k = 0; k < r->doc.n_sections; k++)
                    if (strncmp(r->doc.sections[k].title, s, strlen(s)) == 0) idx = k, matches++;
            if (matches != 1)
                return rc_fail(err, RC_USAGE, "--section \"%s\": %s section title (see 'recast list')", s,
                               matches ? "more than one" : "no");
        }
        if (idx < lo) lo = idx;
        if (idx > hi) hi = idx;
    }
    if (hi - lo + 1 != r->o->n_sections)
        return rc_fail(err, RC_USAGE, "--section: give one section, or adjacent ones (a clip is a continuous span)");
    *first = lo, *last = hi + 1;
    return 0;
}

static void free_render(struct render *r)
{
    for (int i = 0; i < r->n_jobs; i++) {
        free(r->jobs[i].text);
        fe_plan_free(&r->jobs[i].plan);
        info_free(&r->jobs[i].info);
    }
    free(r->jobs);
    free(r->items);
    free(r->section_start_packet);
    free((char *)r->espeak_version);
    doc_free(&r->doc);
    lexicon_free(&r->lex);
    voices_free(&r->vs);
    cache_close(&r->cache);
}

void render_options_default(struct render_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = worker_cpu_count();
    o->bitrate_bps = 32000;
    o->complexity = 10;
    o->loudness_lufs = LOUDNESS_TARGET_MONO_LUFS;
    o->true_peak_dbtp = LOUDNESS_CEILING_DBTP;
    o->progress = -1;
}

static int write_clips(struct render *r, struct rc_error *err, struct strbuf *listing, json_t *clip_files)
{
    if (make_dirs(r->o->clips_dir, err) != 0) return -1;
    for (int s = 0; s < r->doc.n_sections; s++) {
        char *name = safe_name(r->doc.sections[s].title[0] ? r->doc.sections[s].title : "untitled");
        struct strbuf path;
        sb_init(&path);
        sb_printf(&path, "%s/%02d-%s.opus", r->o->clips_dir, s, name);
        free(name);
        struct timeline tl;
        build_timeline(r, s, s + 1, &tl);
        int rc = write_opus(r, sb_cstr(&path), s, s + 1, &tl, err);
        if (rc == 0) rc = write_sidecars(r, sb_cstr(&path), &tl, NULL, NULL, 0, 0, err);
        timeline_free(&tl);
        if (rc == 0) sb_printf(listing, "  %s  %s\n", sb_cstr(&path), r->doc.sections[s].title);
        if (rc == 0) json_array_append_new(clip_files, json_string(sb_cstr(&path)));
        sb_free(&path);
        if (rc != 0) return -1;
    }
    return 0;
}

int render_run(const struct render_options *o, struct rc_error *err)
{
    struct render r;
    memset(&r, 0, sizeof r);
    r.o = o;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    r.progress = o->quiet ? 0 : o->progress >= 0 ? o->progress : isatty(2);
    encode_settings_default(&r.enc);
    r.enc.bitrate_bps = o->bitrate_bps;
    r.enc.complexity = o->complexity;
    r.enc.ceiling_dbtp = o->true_peak_dbtp - CODEC_HEADROOM_DB - MAX_RESIDUAL_DB;
    if (encode_settings_check(&r.enc, err) != 0) return -1;
    r.lookahead24 = encode_lookahead24(&r.enc);

    char *voices_dir = o->voices_dir ? xstrdup(o->voices_dir) : voices_default_dir();
    int rc = voices_load(voices_dir, &r.vs, err);
    free(voices_dir);
    if (rc != 0) return -1;
    char *text = NULL;
    size_t len = 0;
    if (read_file(o->transcript, &text, &len, err) != 0) goto fail;
    cache_sha256_hex(text, len, r.input_sha256);
    rc = doc_parse(o->transcript, text, len, &r.vs, &r.doc, err);
    free(text);
    if (rc != 0) goto fail;
    for (int i = 0; i < r.doc.n_warnings && !o->quiet; i++)
        fprintf(stderr, "recast: %s:%d: warning: %s\n", o->transcript, r.doc.warnings[i].line, r.doc.warnings[i].text);
    if (o->lexicon_path) rc = lexicon_load(o->lexicon_path, &r.lex, err);
    else {
        struct strbuf lp;
        sb_init(&lp);
        sb_printf(&lp, "%s/lexicon.txt", r.vs.dir);
        rc = lexicon_load_optional(sb_cstr(&lp), &r.lex, err);
        sb_free(&lp);
    }
    if (rc != 0) goto fail;
    int sec_first, sec_last;
    if (resolve_sections(&r, &sec_first, &sec_last, err) != 0) goto fail;
    if (o->n_sections && !o->output) {
        rc_fail(err, RC_USAGE, "--section needs -o FILE.opus for the clip");
        goto fail;
    }
    if ((o->announce_sections || o->preface) && r.vs.narrator < 0) {
        rc_fail(err, RC_DATAERR, "%s: no narrator profile (role = narrator) for --announce-sections/--preface", r.vs.dir);
        goto fail;
    }

    /* The parent never runs espeak: checks and version come from a worker. */
    worker_install_signals();
    int zero = 0;
    if (pool_run(&zero, 1, 1, check_voices_child, NULL, &r, err) != 0) goto fail_signals;
    if (pool_run(&zero, 1, 1, version_child, version_done, &r, err) != 0) goto fail_signals;
    if (cache_open(&r.cache, o->cache_dir, o->no_cache, err) != 0) goto fail_signals;

    build_jobs(&r);
    int n1 = 0, n2 = 0;
    if (run_pass(&r, "calibrating", 1, analyse_child, &n1, err) != 0) goto fail_signals;
    if (compute_gain(&r, err) != 0) goto fail_signals;
    if (run_pass(&r, "rendering", 0, render_child, &n2, err) != 0) goto fail_signals;
    if (compute_residual(&r, err) != 0) goto fail_signals;
    build_items(&r);

    char *output = NULL;
    if (o->output) output = xstrdup(o->output);
    else {
        char *stem = path_stem(o->transcript);
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "out/%s.opus", stem);
        free(stem);
        output = sb_detach(&sb);
        if (make_dirs("out", err) != 0) {
            free(output);
            goto fail_signals;
        }
    }
    struct strbuf listing;
    sb_init(&listing);
    /* Clips first, so the programme's manifest can list them. */
    json_t *clip_files = json_array();
    rc = o->clips_dir ? write_clips(&r, err, &listing, clip_files) : 0;
    struct timeline tl;
    build_timeline(&r, sec_first, sec_last, &tl);
    if (rc == 0) rc = write_opus(&r, output, sec_first, sec_last, &tl, err);
    /* clip links relative to the page's directory */
    int n_clips = (int)json_array_size(clip_files);
    struct page_clip *clips = xcalloc((size_t)n_clips + 1, sizeof *clips);
    char *out_dir = xstrdup(output);
    char *slash = strrchr(out_dir, '/');
    size_t dir_len = slash ? (size_t)(slash - out_dir) + 1 : 0;
    for (int i = 0; i < n_clips; i++) {
        const char *cp = json_string_value(json_array_get(clip_files, (size_t)i));
        clips[i].href = strncmp(cp, out_dir, dir_len) == 0 ? cp + dir_len : cp;
        clips[i].section = i - sec_first;
    }
    json_t *extra = json_pack("{s:O}", "clips", clip_files);
    if (o->html) {
        char *stem = strip_ext(output);
        struct strbuf page;
        sb_init(&page);
        sb_printf(&page, "%s.html", stem);
        const char *pb = strrchr(sb_cstr(&page), '/');
        json_object_set_new(extra, "page", json_string(pb ? pb + 1 : sb_cstr(&page)));
        sb_free(&page);
        free(stem);
    }
    struct stat out_st;
    int to_device = stat(output, &out_st) == 0 && !S_ISREG(out_st.st_mode);
    if (rc == 0 && !to_device) rc = write_sidecars(&r, output, &tl, extra, clips, n_clips, o->html, err);
    json_decref(extra);
    json_decref(clip_files);
    free(clips);
    free(out_dir);
    double seconds = tl_seconds(tl.total48);
    timeline_free(&tl);
    if (rc == 0 && worker_interrupted())
        rc = rc_fail(err, worker_interrupted() == 15 ? 143 : RC_INTERRUPTED, "interrupted");
    if (rc == 0 && !o->quiet) {
        int n_turns = 0, n_parts = 0, n_narrator = 0;
        for (int i = 0; i < r.n_jobs; i++) {
            if (r.jobs[i].kind == JOB_TURN) n_parts++, n_turns += r.jobs[i].part == 0;
            else if (r.jobs[i].kind != JOB_CALIBRATE) n_narrator++;
        }
        char parts[48] = "", narr[48] = "";
        if (n_parts != n_turns) snprintf(parts, sizeof parts, " in %d pieces", n_parts);
        if (n_narrator) snprintf(narr, sizeof narr, " + %d narrator lines", n_narrator);
        fprintf(stderr, "recast: %d turns%s%s (%d rendered, %d from cache), %.1f min of audio in %.1f s\n", n_turns,
                parts, narr, n2, n_parts + n_narrator - n2, seconds / 60, now_seconds(&r));
        fprintf(stderr, "recast: loudness as synthesized %.1f LUFS, sample peak %+.1f dBFS; after gain %+.1f dB and "
                        "true-peak limiter (ceiling %.1f dBTP) %.1f LUFS, sample peak %+.1f dBFS; output gain %+.2f dB "
                        "-> %.1f LUFS\n",
                r.before_lufs, r.before_tp, r.gain_db, r.enc.ceiling_dbtp, r.encoded_lufs, r.encoded_tp,
                r.header_gain_db, r.encoded_lufs + r.header_gain_db);
        fprintf(stderr, "recast: wrote %s (and .vtt .srt .chapters.json .transcript.json .manifest.json%s)\n", output,
                o->html ? " .html" : "");
        if (listing.len) fprintf(stderr, "recast: clips:\n%s", sb_cstr(&listing));
    }
    sb_free(&listing);
    free(output);
    if (rc != 0) goto fail_signals;
    worker_restore_signals();
    free_render(&r);
    return 0;
fail_signals:
    atomic_cleanup_all();
    worker_restore_signals();
fail:
    free_render(&r);
    return -1;
}
