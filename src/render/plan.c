/* plan.c: see plan.h. */
#include "render/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "text/section_find.h"

/* A turn longer than this is rendered in parts split at sentence ends (joined without a
 * pause: each part ends and starts in silence), so a worker's memory is bounded whatever
 * the length of a turn.  Measured on the interview's longest turn (866 characters, 4
 * minutes): 87 MB peak RSS in one piece, 37 MB in parts of 300 characters. */
#define PART_MAX_CHARS 300
static const char calibration_text[] =
    "我们今天讨论人工智能的发展。这项技术正在改变科学研究的方式,也带来了很多新的问题。"
    "你认为未来十年会发生什么?我认为,最重要的是保持谨慎和开放。";
/* The same read for a transcript in English, which the voices speak in English. */
static const char calibration_text_en[] =
    "Today we are talking about the progress of artificial intelligence. This technology is changing the way "
    "science is done, and it raises many new questions. What do you think will happen in the next ten years? "
    "I think the most important thing is to stay careful and open.";

static void add_job(struct render *r, enum job_kind kind, int profile, int turn, int section, const char *text)
{
    r->jobs = xrealloc(r->jobs, sizeof *r->jobs * (size_t)(r->n_jobs + 1));
    struct job *j = &r->jobs[r->n_jobs++];
    memset(j, 0, sizeof *j);
    j->kind = kind, j->profile = profile, j->turn = turn, j->section = section;
    j->text = xstrdup(text);
    fe_plan_turn_lang(j->text, &r->lex, r->doc.lang == DOC_LANG_EN, &j->plan);
    const struct voice_profile *p = &r->vs.profiles[profile];
    struct cache_key_ctx *k = cache_key_begin("synth-v3");
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
        cache_key_add_str(k, "display", cl->display); /* word marks are offsets into it */
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

void plan_jobs(struct render *r)
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
        if (used) add_job(r, JOB_CALIBRATE, p, -1, -1, d->lang == DOC_LANG_EN ? calibration_text_en : calibration_text);
    }
}

/* See render.h.  The rate was measured: the bundled interview renders to 85.4 minutes. */
double render_estimate_seconds(const char *text, int rate_wpm)
{
    double units = 0;
    for (size_t i = 0, n = strlen(text); i < n;) {
        uint32_t cp;
        int l = utf8_decode(text + i, n - i, &cp);
        if (l == 0) l = 1, cp = 0;
        if (utf8_is_han(cp)) units += 1;
        else if (cp < 128 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) units += 1.0 / 3;
        else if (cp >= '0' && cp <= '9') units += 0.7;
        i += (size_t)l;
    }
    return units / (3.5 * rate_wpm / 175.0);
}

void plan_run_keys(struct render *r)
{
    for (int i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        /* the packet gain is a function of the job's own PCM (synth key), the target and
         * its voice's calibration gain (programme_turn_gain_db): nothing of other turns */
        struct cache_key_ctx *k = cache_key_begin("run-v5");
        cache_key_add_str(k, "synth", j->synth_key);
        cache_key_add_int(k, "bitrate", r->enc.bitrate_bps);
        cache_key_add_int(k, "complexity", r->enc.complexity);
        cache_key_add_int(k, "target_milli_lufs", (long long)llround(r->o->loudness_lufs * 1000));
        cache_key_add_int(k, "voice_gain_milli_db", (long long)llround(r->voice_gain_db[j->profile] * 1000));
        cache_key_add_int(k, "ceiling_milli_db", (long long)llround(r->enc.ceiling_dbtp * 1000));
        cache_key_finish(k, j->run_key);
    }
}

int plan_sections(struct render *r, struct rc_error *err)
{
    r->sec_first = 0, r->sec_last = r->doc.n_sections;
    if (!r->o->n_sections) return 0;
    int lo = r->doc.n_sections, hi = -1;
    for (int i = 0; i < r->o->n_sections; i++) {
        int idx = section_find(&r->doc, "--section", r->o->sections[i], err);
        if (idx < 0) return -1;
        if (idx < lo) lo = idx;
        if (idx > hi) hi = idx;
    }
    if (hi - lo + 1 != r->o->n_sections)
        return rc_fail(err, RC_USAGE, "--section: give one section, or adjacent ones (a clip is a continuous span)");
    r->sec_first = lo, r->sec_last = hi + 1;
    return 0;
}

void job_info_free(struct job_info *in)
{
    free(in->clause_start);
    free(in->clause_end);
    free(in->mark_clause), free(in->mark_byte), free(in->mark_sample);
    memset(in, 0, sizeof *in);
}

void plan_free(struct render *r)
{
    for (int i = 0; i < r->n_jobs; i++) {
        free(r->jobs[i].text);
        fe_plan_free(&r->jobs[i].plan);
        job_info_free(&r->jobs[i].info);
    }
    free(r->jobs);
    r->jobs = NULL, r->n_jobs = 0;
}
