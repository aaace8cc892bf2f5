/* render.c: see render.h.  render_run is the pipeline; each step is one part of render/
 * (context.h lists them). */
#include "render/render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/loudness.h"
#include "render/context.h"
#include "render/passes.h"
#include "render/plan.h"
#include "render/programme.h"
#include "render/publish.h"
#include "render/summary.h"
#include "render/worker.h"
#include "speech/synth.h"

void render_options_default(struct render_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = worker_cpu_count();
    o->bitrate_bps = 32000;
    o->complexity = 10;
    o->loudness_lufs = LOUDNESS_TARGET_MONO_LUFS;
    o->true_peak_dbtp = LOUDNESS_CEILING_DBTP;
    o->progress = -1;
    sidecars_default_layout(&o->captions);
}

/* ---- inputs ---- */

static int open_encoder(struct render *r, struct rc_error *err)
{
    encode_settings_default(&r->enc);
    r->enc.bitrate_bps = r->o->bitrate_bps;
    r->enc.complexity = r->o->complexity;
    r->enc.ceiling_dbtp = programme_limiter_ceiling_dbtp(r->o->true_peak_dbtp);
    if (encode_settings_check(&r->enc, err) != 0) return -1;
    r->lookahead24 = encode_lookahead24(&r->enc);
    return 0;
}

/* The transcript: parsed against the voice set, its warnings printed, its hash kept. */
static int read_transcript(struct render *r, struct rc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    if (read_file(r->o->transcript, &text, &len, err) != 0) return -1;
    cache_sha256_hex(text, len, r->input_sha256);
    r->vs.casts = r->o->casts, r->vs.n_casts = r->o->n_casts;
    int rc = doc_parse(r->o->transcript, text, len, &r->vs, &r->doc, err);
    free(text);
    if (rc != 0) return -1;
    for (int i = 0; i < r->doc.n_warnings && !r->o->quiet; i++)
        fprintf(stderr, "recast: %s:%d: warning: %s\n", r->o->transcript, r->doc.warnings[i].line,
                r->doc.warnings[i].text);
    return 0;
}

/* --lexicon FILE, or the voice folder's lexicon.txt when there is one. */
static int read_lexicon(struct render *r, struct rc_error *err)
{
    if (r->o->lexicon_path) return lexicon_load(r->o->lexicon_path, &r->lex, err);
    struct strbuf lp;
    sb_init(&lp);
    sb_printf(&lp, "%s/lexicon.txt", r->vs.dir);
    int rc = lexicon_load_optional(sb_cstr(&lp), &r->lex, err);
    sb_free(&lp);
    return rc;
}

/* SOURCE_DATE_EPOCH, when set: whole seconds from 0 to the end of year 9999 (the date
 * written into the podcast), else a usage error (reproducible-builds.org: a malformed
 * value must fail, not be guessed at). */
static int check_source_date(struct rc_error *err)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || *end || *sde < '0' || *sde > '9' || v < 0 || v > 253402300799LL)
        return rc_fail(err, RC_USAGE, "SOURCE_DATE_EPOCH=%s: must be whole seconds since 1970 (0 to 253402300799); "
                       "unset it or fix it", sde);
    return 0;
}

/* Ogg chapter comments are numbered CHAPTER000 to CHAPTER999. */
#define MAX_SECTIONS 1000

/* The episode metadata: --meta FILE (or TRANSCRIPT's .meta.json when it exists), the
 * options on top, then the cover (--cover, or the file's "cover") read and checked. */
static int read_episode(struct render *r, struct rc_error *err)
{
    const struct render_options *o = r->o;
    struct episode *ep = &r->ep;
    memset(ep, 0, sizeof *ep);
    char *meta = NULL; /* the metadata file read, if any */
    if (!o->no_meta) {
        char *path = o->meta_path ? xstrdup(o->meta_path) : episode_default_path(o->transcript);
        struct stat st;
        int rc = 0;
        if (o->meta_path || stat(path, &st) == 0) rc = episode_load(path, ep, err), meta = path;
        else free(path);
        if (rc != 0) {
            free(meta);
            return -1;
        }
    }
    const struct episode *set = &o->episode;
    char **fields[] = {&ep->title, &ep->show, &ep->date, &ep->description, &ep->language, &ep->licence, &ep->url,
                       &ep->cover_path};
    char *const given[] = {set->title, set->show, set->date, set->description, set->language, set->licence,
                           set->url, set->cover_path};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (given[i]) episode_set(fields[i], given[i]);
    if (set->n_persons > 0) {
        for (int i = 0; i < ep->n_persons; i++) free(ep->persons[i].name), free(ep->persons[i].role);
        free(ep->persons);
        ep->persons = xcalloc((size_t)set->n_persons, sizeof *ep->persons);
        for (int i = 0; i < set->n_persons; i++)
            ep->persons[i] = (struct episode_person){xstrdup(set->persons[i].name),
                                                     set->persons[i].role ? xstrdup(set->persons[i].role) : NULL};
        ep->n_persons = set->n_persons;
    }
    int rc = ep->cover_path ? episode_load_cover(ep, ep->cover_path, err) : 0;
    if (rc != 0 && meta && !set->cover_path) { /* say where the name came from */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        rc_fail(err, err->code, "%s: \"cover\": %s (the path is relative to the metadata file; fix it, or give "
                "--cover FILE or --no-meta)", meta, why);
    }
    free(meta);
    return rc;
}

/* Settings, voices, transcript, lexicon and the sections asked for, with the checks
 * that need no speech engine. */
static int open_inputs(struct render *r, const struct render_options *o, struct rc_error *err)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->progress = o->quiet ? 0 : o->progress >= 0 ? o->progress : isatty(2);
    if (open_encoder(r, err) != 0 || check_source_date(err) != 0 || publish_check_options(o, err) != 0) return -1;
    char *voices_dir = o->voices_dir ? xstrdup(o->voices_dir) : voices_default_dir();
    int rc = voices_load(voices_dir, &r->vs, err);
    free(voices_dir);
    for (int i = 0; rc == 0 && i < o->n_voice_sets; i++) rc = voices_override(&r->vs, o->voice_sets[i], err);
    if (rc != 0 || read_transcript(r, err) != 0 || read_lexicon(r, err) != 0 || plan_sections(r, err) != 0 ||
        read_episode(r, err) != 0)
        return -1;
    if (r->doc.n_sections > MAX_SECTIONS)
        return rc_fail(err, RC_DATAERR, "%s:%d: section %d (\"%.60s\"): a podcast has at most %d sections (Ogg chapters "
                       "CHAPTER000 to CHAPTER999); split the transcript", o->transcript,
                       r->doc.sections[MAX_SECTIONS].line, MAX_SECTIONS + 1, r->doc.sections[MAX_SECTIONS].title,
                       MAX_SECTIONS);
    if (publish_formats(r, err) != 0) return -1;
    if ((o->announce_sections || o->preface) && r->vs.narrator < 0)
        return rc_fail(err, RC_DATAERR, "%s: no narrator profile (role = narrator) for --announce-sections/--preface",
                       r->vs.dir);
    return 0;
}

/* ---- the speech engine, asked in a worker (the parent never runs espeak) ---- */

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

/* Every profile's voices load; r->espeak_version. */
static int check_speech(struct render *r, struct rc_error *err)
{
    int zero = 0;
    if (pool_run(&zero, 1, 1, check_voices_child, NULL, r, err) != 0) return -1;
    return pool_run(&zero, 1, 1, version_child, version_done, r, err);
}

/* ---- the run ---- */

static int check_interrupted(struct rc_error *err)
{
    if (!worker_interrupted()) return 0;
    return rc_fail(err, worker_interrupt_status(), "interrupted by %s", worker_interrupt_name());
}

/* A transcript whose turns hold nothing to say (empty, or punctuation only) would give
 * a podcast of silence. */
static int check_something_to_say(const struct render *r, struct rc_error *err)
{
    for (int i = 0; i < r->n_jobs; i++)
        if (r->jobs[i].kind != JOB_CALIBRATE && r->jobs[i].plan.n_segments > 0) return 0;
    return rc_fail(err, RC_DATAERR, "%s: nothing to say: every turn is empty or punctuation only (%d turns, first on "
                   "line %d)", r->o->transcript, r->doc.n_turns, r->doc.n_turns ? r->doc.turns[0].line : 0);
}

static void free_render(struct render *r)
{
    plan_free(r);
    programme_free(r);
    free((char *)r->espeak_version);
    doc_free(&r->doc);
    episode_free(&r->ep);
    lexicon_free(&r->lex);
    voices_free(&r->vs);
    if (!r->cache_borrowed) cache_close(&r->cache);
}

/* One episode of a run, with its own copy of the options. */
struct episode_run {
    struct render_options o;
    char *output;             /* OUT_DIR/STEM.opus of a batch (owned), else NULL */
    struct render r;
    struct output_set outputs;
};

/* After the passes: the programme's loudness and layout, the output set written and put
 * in place.  The cache entries the passes left may have been removed since by a prune
 * this run's lock does not reach (another host's `recast cache --clear`): then the
 * missing ones are rendered again and the set written again (twice at most). */
static int publish_episode(struct render *r, struct output_set *outputs, struct rc_error *err)
{
    for (int attempt = 0;; attempt++) {
        int rc = programme_residual(r, err);
        if (rc == 0) {
            programme_layout(r);
            if (!programme_clip_start_exact(r)) {
                rc = pass_size_before_clip(r, err);
                if (rc == 0) programme_layout(r);
            }
        }
        if (rc == 0) rc = publish_plan(r, outputs, err);
        if (rc == 0) rc = publish_outputs(r, outputs, err);
        if (rc == 0) return check_interrupted(err);
        if (worker_interrupted() || attempt == 2) return -1;
        int missing = pass_records_missing(r);
        if (!missing) return -1;
        fprintf(stderr, "recast: %s: %d cache entr%s removed while this render used %s (a 'recast cache --clear' "
                        "elsewhere?); rendering %s again\n", r->o->transcript, missing, missing == 1 ? "y was" : "ies were",
                missing == 1 ? "it" : "them", missing == 1 ? "it" : "them");
        output_set_free(outputs);
        memset(outputs, 0, sizeof *outputs);
        memset(err, 0, sizeof *err);
        if (pass_calibrate(r, err) != 0 || pass_calibrate_level(r, err) != 0 || pass_render(r, err) != 0) return -1;
    }
}

static void shard_summary(const struct render *r, int n_episodes, const struct pass_shard_report *rep)
{
    fprintf(stderr, "recast: shard %d/%d of %d episode%s: %d of %d pieces (%.1f min of speech, estimated): %d rendered, "
                    "%d already in the cache, in %.1f s\n",
            r->o->shard_index, r->o->shard_count, n_episodes, n_episodes == 1 ? "" : "s", rep->pieces, rep->pieces_total,
            rep->estimated_seconds / 60, rep->rendered, rep->cached, render_elapsed_seconds(r));
    fprintf(stderr, "recast: no podcast written: when every shard is done, 'recast render' of the same transcript%s "
                    "with the same options and cache muxes it from the cache\n", n_episodes == 1 ? "" : "s");
}

/* Workers are running from the first check on: on an error or an interrupt the
 * temporary files not yet put in place are removed before the handlers go.  The passes
 * run over every episode at once (one pool each); then each episode is published. */
static int run_pipeline(struct episode_run *e, int n, struct rc_error *err)
{
    struct render *first = &e[0].r;
    struct render **rs = xcalloc((size_t)n, sizeof *rs);
    for (int i = 0; i < n; i++) rs[i] = &e[i].r;
    int rc = check_speech(first, err) == 0 && cache_open(&first->cache, first->o->cache_dir, first->o->no_cache, err) == 0
                 ? 0
                 : -1;
    for (int i = 1; i < n && rc == 0; i++) {
        e[i].r.espeak_version = xstrdup(first->espeak_version);
        e[i].r.cache = first->cache, e[i].r.cache_borrowed = 1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        plan_jobs(rs[i]);
        rc = check_something_to_say(rs[i], err);
    }
    if (rc == 0) rc = pass_calibrate_batch(rs, n, err);
    for (int i = 0; i < n && rc == 0; i++) rc = programme_gain(rs[i], err);
    if (rc == 0) rc = pass_calibrate_level_batch(rs, n, err);
    if (rc == 0 && first->o->shard_count) {
        struct pass_shard_report rep;
        rc = pass_render_shard(rs, n, first->o->shard_index, first->o->shard_count, &rep, err);
        if (rc == 0) rc = check_interrupted(err);
        if (rc == 0 && !first->o->quiet) shard_summary(first, n, &rep);
        free(rs);
        return rc;
    }
    if (rc == 0) rc = pass_render_batch(rs, n, err);
    long long rendered = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        rc = publish_episode(rs[i], &e[i].outputs, err);
        if (rc == 0 && !first->o->quiet) summary_print(rs[i], &e[i].outputs);
        rendered += rs[i]->n_rendered;
    }
    if (rc == 0 && n > 1 && !first->o->quiet)
        fprintf(stderr, "recast: %d episodes, %lld pieces rendered, in %.1f s\n", n, rendered,
                render_elapsed_seconds(first));
    free(rs);
    return rc;
}

/* OUT_DIR/STEM.opus (.m4a, .mp3: the main format) for each transcript of a batch; two transcripts with one stem are a
 * usage error (their outputs would be one set of files). */
static int batch_outputs(struct episode_run *e, const char *const *transcripts, int n, const char *out_dir,
                         struct rc_error *err)
{
    const char *dir = out_dir ? out_dir : "out";
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/') dl--;
    for (int i = 0; i < n; i++) {
        char *stem = publish_stem(transcripts[i]);
        struct strbuf sb;
        sb_init(&sb);
        /* in the main format (--format's first; the others go beside it) */
        static const char *const ext[RENDER_N_FORMATS] = {"opus", "m4a", "mp3"};
        sb_printf(&sb, "%.*s/%s.%s", (int)dl, dir, stem, ext[e[i].o.n_formats ? e[i].o.formats[0] : RENDER_OPUS]);
        free(stem);
        e[i].output = sb_detach(&sb);
        e[i].o.output = e[i].output;
        for (int k = 0; k < i; k++)
            if (strcmp(e[k].output, e[i].output) == 0)
                return rc_fail(err, RC_USAGE, "%s and %s would both be written as %s: rename one, or render them in "
                               "separate runs with -o", transcripts[k], transcripts[i], e[i].output);
    }
    return 0;
}

int render_batch(const struct render_options *o, const char *const *transcripts, int n_transcripts,
                 const char *out_dir, struct rc_error *err)
{
    if (n_transcripts < 1) return rc_fail(err, RC_USAGE, "render: no transcript given");
    struct episode_run *e = xcalloc((size_t)n_transcripts, sizeof *e);
    for (int i = 0; i < n_transcripts; i++) e[i].o = *o, e[i].o.transcript = transcripts[i];
    int batch = n_transcripts > 1 || out_dir;
    int rc = batch && !o->shard_count ? batch_outputs(e, transcripts, n_transcripts, out_dir, err) : 0;
    for (int i = 0; i < n_transcripts && rc == 0 && !o->shard_count; i++) rc = publish_recover(&e[i].o, err);
    for (int i = 0; i < n_transcripts && rc == 0; i++) rc = open_inputs(&e[i].r, &e[i].o, err);
    if (rc == 0) {
        worker_install_signals();
        rc = run_pipeline(e, n_transcripts, err);
        if (rc != 0) atomic_cleanup_all();
        worker_restore_signals();
    }
    for (int i = n_transcripts - 1; i >= 0; i--) { /* the first episode owns the cache: freed last */
        output_set_free(&e[i].outputs);
        free_render(&e[i].r);
        free(e[i].output);
    }
    free(e);
    return rc;
}

int render_run(const struct render_options *o, struct rc_error *err)
{
    return render_batch(o, &o->transcript, 1, NULL, err);
}

/* ---- what is cached (recast list) ---- */

static int status_pipeline(struct render *r, struct render_section_status *st, struct rc_error *err)
{
    if (check_speech(r, err) != 0) return -1;
    int fallback = 0;
    r->cache.dir = r->o->cache_dir ? xstrdup(r->o->cache_dir) : cache_default_dir(&fallback);
    r->cache.dir_fd = -1;
    plan_jobs(r);
    for (int i = 0; i < r->n_jobs; i++)
        if (r->jobs[i].kind != JOB_CALIBRATE && r->jobs[i].section >= 0) st[r->jobs[i].section].pieces++;
    /* read only: an existing cache (the fallback one only if it is this user's private
     * directory); nothing is created or locked */
    struct rc_error private_err = {0};
    if (fallback && cache_check_private(r->cache.dir, 0, &private_err) != 0) return 0;
    r->cache.dir_fd = open(r->cache.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->cache.dir_fd < 0) return 0;
    int calibrated = 1;
    for (int i = 0; i < r->n_jobs; i++)
        if (r->jobs[i].kind == JOB_CALIBRATE && pass_load_info(r, &r->jobs[i]) != 0) calibrated = 0;
    if (calibrated && programme_gain(r, err) != 0) return -1;
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (j->kind == JOB_CALIBRATE || j->section < 0 || j->section >= r->doc.n_sections) continue;
        struct render_section_status *s = &st[j->section];
        if (pass_load_info(r, j) != 0) continue;
        double secs = (double)j->info.n_samples / SYNTH_RATE;
        s->analysed++, s->analysed_seconds += secs;
        if (calibrated && pass_run_cached(r, j)) s->encoded++, s->encoded_seconds += secs;
    }
    return 0;
}

int render_status(const struct render_options *o, struct render_section_status **out, int *n_sections,
                  struct rc_error *err)
{
    struct render r;
    *out = NULL, *n_sections = 0;
    struct render_options quiet = *o;
    quiet.quiet = 1;
    int rc = open_inputs(&r, &quiet, err);
    if (rc == 0) {
        struct render_section_status *st = xcalloc((size_t)r.doc.n_sections + 1, sizeof *st);
        worker_install_signals();
        rc = status_pipeline(&r, st, err);
        worker_restore_signals();
        if (rc == 0) *out = st, *n_sections = r.doc.n_sections;
        else free(st);
    }
    free_render(&r);
    return rc;
}
