/* render.c: see render.h.  render_run is the pipeline; each step is one part of render/
 * (context.h lists them). */
#include "render/render.h"

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

/* The episode metadata: --meta FILE (or TRANSCRIPT's .meta.json when it exists), the
 * options on top, then the cover (--cover, or the file's "cover") read and checked. */
static int read_episode(struct render *r, struct rc_error *err)
{
    const struct render_options *o = r->o;
    struct episode *ep = &r->ep;
    memset(ep, 0, sizeof *ep);
    if (!o->no_meta) {
        char *path = o->meta_path ? xstrdup(o->meta_path) : episode_default_path(o->transcript);
        struct stat st;
        int rc = 0;
        if (o->meta_path || stat(path, &st) == 0) rc = episode_load(path, ep, err);
        free(path);
        if (rc != 0) return -1;
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
    if (ep->cover_path && episode_load_cover(ep, ep->cover_path, err) != 0) return -1;
    return 0;
}

/* Settings, voices, transcript, lexicon and the sections asked for, with the checks
 * that need no speech engine. */
static int open_inputs(struct render *r, const struct render_options *o, struct rc_error *err)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->progress = o->quiet ? 0 : o->progress >= 0 ? o->progress : isatty(2);
    if (open_encoder(r, err) != 0) return -1;
    char *voices_dir = o->voices_dir ? xstrdup(o->voices_dir) : voices_default_dir();
    int rc = voices_load(voices_dir, &r->vs, err);
    free(voices_dir);
    if (rc != 0 || read_transcript(r, err) != 0 || read_lexicon(r, err) != 0 || plan_sections(r, err) != 0 ||
        read_episode(r, err) != 0)
        return -1;
    if (o->n_sections && !o->output) return rc_fail(err, RC_USAGE, "--section needs -o FILE.opus for the clip");
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
    return rc_fail(err, worker_interrupted() == 15 ? 143 : RC_INTERRUPTED, "interrupted");
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
    cache_close(&r->cache);
}

/* Workers are running from the first check on: on an error or an interrupt the
 * temporary files not yet put in place are removed before the handlers go. */
static int run_pipeline(struct render *r, struct output_set *outputs, struct rc_error *err)
{
    if (check_speech(r, err) != 0) return -1;
    if (cache_open(&r->cache, r->o->cache_dir, r->o->no_cache, err) != 0) return -1;
    plan_jobs(r);
    if (pass_calibrate(r, err) != 0) return -1;
    if (programme_gain(r, err) != 0) return -1;
    if (pass_render(r, err) != 0) return -1;
    if (programme_residual(r, err) != 0) return -1;
    programme_layout(r);
    if (publish_plan(r, outputs, err) != 0) return -1;
    if (publish_outputs(r, outputs, err) != 0) return -1;
    return check_interrupted(err);
}

int render_run(const struct render_options *o, struct rc_error *err)
{
    struct render r;
    struct output_set outputs = {0};
    int rc = open_inputs(&r, o, err);
    if (rc == 0) {
        worker_install_signals();
        rc = run_pipeline(&r, &outputs, err);
        if (rc == 0 && !o->quiet) summary_print(&r, &outputs);
        if (rc != 0) atomic_cleanup_all();
        worker_restore_signals();
    }
    output_set_free(&outputs);
    free_render(&r);
    return rc;
}
