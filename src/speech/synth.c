/* synth.c: see synth.h. */
#include "speech/synth.h"

#include <errno.h>
#include <espeak-ng/speak_lib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"

/* Pauses in milliseconds at espeak's normal rate (175 wpm), scaled by 175 / rate. */
#define GAP_SWITCH_MS 50      /* between Mandarin and English inside a clause */
#define GAP_CLAUSE_MS 200     /* after ，、；： */
#define GAP_SENTENCE_MS 420   /* after 。？！ */
#define GAP_PARAGRAPH_MS 650  /* between paragraphs of a turn */
#define SILENCE_LEVEL 48      /* |sample| at or below this is silence when trimming */
#define KEEP_BEFORE_MS 5      /* kept before the first loud sample of a segment */
#define KEEP_AFTER_MS 40      /* kept after the last loud sample (decay) */

static int espeak_ready;
static char current_voice[128];

/* Samples and word events collected by the callback for the current espeak_Synth call. */
struct word_event {
    int text_position; /* 1-based code point of the segment text */
    size_t sample;     /* from the start of the call's output */
};
static struct {
    int16_t *pcm;
    size_t n, cap;
    struct word_event *words;
    int n_words, cap_words;
} collected;

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
    for (; events && events->type != espeakEVENT_LIST_TERMINATED; events++) {
        if (events->type != espeakEVENT_WORD || events->sample < 0) continue;
        if (collected.n_words == collected.cap_words) {
            collected.cap_words = collected.cap_words ? collected.cap_words * 2 : 64;
            collected.words = xrealloc(collected.words, sizeof *collected.words * (size_t)collected.cap_words);
        }
        collected.words[collected.n_words++] = (struct word_event){events->text_position, (size_t)events->sample};
    }
    if (!wav || n <= 0) return 0;
    if (collected.n + (size_t)n > collected.cap) {
        size_t cap = collected.cap ? collected.cap : 65536;
        while (cap < collected.n + (size_t)n) cap *= 2;
        collected.pcm = xrealloc(collected.pcm, cap * sizeof *collected.pcm);
        collected.cap = cap;
    }
    memcpy(collected.pcm + collected.n, wav, (size_t)n * sizeof *wav);
    collected.n += (size_t)n;
    return 0;
}

int synth_open(struct rc_error *err)
{
    if (espeak_ready) return 0;
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0)
        return rc_fail(err, RC_UNAVAILABLE,
                       "libespeak-ng could not be initialised (is espeak-ng-data installed? run scripts/install-deps.sh)");
    if (rate != SYNTH_RATE)
        return rc_fail(err, RC_UNAVAILABLE, "libespeak-ng produces %d Hz, recast expects %d Hz", rate, SYNTH_RATE);
    espeak_SetSynthCallback(on_samples);
    espeak_ready = 1;
    current_voice[0] = '\0';
    return 0;
}

void synth_close(void)
{
    /* espeak_Terminate() is not called: in espeak-ng 1.51 it can deadlock (measured: a
     * process hung in espeak_ng_Terminate waiting on its event thread).  The process's
     * exit releases the engine. */
    free(collected.pcm);
    free(collected.words);
    memset(&collected, 0, sizeof collected);
}

const char *synth_espeak_version(void)
{
    const char *path = NULL;
    return espeak_Info(&path);
}

void synth_voice_spec(const struct voice_profile *p, enum lang lang, struct strbuf *out)
{
    sb_printf(out, "%s+%s", lang == LANG_EN ? p->english_voice : p->mandarin_voice, p->variant);
}

static int select_voice(const struct voice_profile *p, enum lang lang, struct rc_error *err)
{
    struct strbuf spec;
    sb_init(&spec);
    synth_voice_spec(p, lang, &spec);
    int rc = 0;
    if (strcmp(current_voice, sb_cstr(&spec)) != 0) {
        errno = 0;
        if (espeak_SetVoiceByName(sb_cstr(&spec)) != EE_OK) {
            /* espeak says only "not found": tell a voice that is missing from voice files
             * that could not be opened (the limit on open files reached: errno is left
             * by its failed fopen) */
            int e = errno;
            struct rlimit rl;
            if ((e == EMFILE || e == ENFILE) && getrlimit(RLIMIT_NOFILE, &rl) == 0)
                rc = rc_fail(err, RC_IOERR, "%s: cannot open espeak-ng's voice data for \"%s\": %s (the limit is %lld "
                             "open files; raise it with ulimit -n)", p->path, sb_cstr(&spec), strerror(e),
                             (long long)rl.rlim_cur);
            else
                rc = rc_fail(err, RC_UNAVAILABLE, "%s: espeak-ng has no voice \"%s\" (see espeak-ng --voices)", p->path,
                             sb_cstr(&spec));
            current_voice[0] = '\0';
        } else {
            snprintf(current_voice, sizeof current_voice, "%s", sb_cstr(&spec));
        }
    }
    sb_free(&spec);
    if (rc) return rc;
    /* Global parameters: set after every voice switch (and before every call). */
    espeak_SetParameter(espeakRATE, p->rate_wpm, 0);
    espeak_SetParameter(espeakPITCH, p->pitch, 0);
    espeak_SetParameter(espeakRANGE, p->range, 0);
    espeak_SetParameter(espeakVOLUME, p->volume, 0);
    return 0;
}

int synth_check_profile(const struct voice_profile *p, struct rc_error *err)
{
    if (synth_open(err) != 0) return -1;
    const char *data = NULL;
    espeak_Info(&data);
    struct strbuf path;
    sb_init(&path);
    sb_printf(&path, "%s/voices/!v/%s", data ? data : "", p->variant);
    struct stat st;
    int rc = 0;
    if (stat(sb_cstr(&path), &st) != 0)
        rc = rc_fail(err, RC_DATAERR, "%s: unknown espeak-ng variant \"%s\" (no %s)", p->path, p->variant, sb_cstr(&path));
    sb_free(&path);
    if (rc == 0) rc = select_voice(p, LANG_CMN, err);
    /* Mandarin segments are pinyin (frontend.h): only a pinyin voice reads them */
    if (rc == 0 && !strstr(p->mandarin_voice, "pinyin"))
        rc = rc_fail(err, RC_DATAERR,
                     "%s: mandarin = %s: recast gives espeak Mandarin as pinyin (see recast pinyin), which only "
                     "a pinyin voice reads; write mandarin = cmn-latn-pinyin",
                     p->path, p->mandarin_voice);
    if (rc == 0) rc = select_voice(p, LANG_EN, err);
    return rc;
}

/* FNV-1a over the things that shape a segment's audio. */
static unsigned seed_for(const char *voice, const struct voice_profile *p, const char *text)
{
    uint32_t h = 2166136261u;
    const char *parts[2] = {voice, text};
    for (int k = 0; k < 2; k++)
        for (const unsigned char *s = (const unsigned char *)parts[k]; *s; s++) h = (h ^ *s) * 16777619u;
    int params[4] = {p->rate_wpm, p->pitch, p->range, p->volume};
    for (int k = 0; k < 4; k++) h = (h ^ (uint32_t)params[k]) * 16777619u;
    return h;
}

static int synth_segment(const struct voice_profile *p, const struct fe_segment *seg, struct rc_error *err)
{
    if (select_voice(p, seg->lang, err) != 0) return -1;
    collected.n = 0;
    collected.n_words = 0;
    srand(seed_for(current_voice, p, seg->text));
    espeak_ERROR e = espeak_Synth(seg->text, strlen(seg->text) + 1, 0, POS_CHARACTER, 0,
                                  espeakCHARS_UTF8 | espeakPHONEMES, NULL, NULL);
    if (e != EE_OK) return rc_fail(err, RC_SOFTWARE, "espeak_Synth failed (%d) on \"%.60s\"", (int)e, seg->text);
    return 0;
}

struct pcm_out {
    int16_t *pcm;
    size_t n, cap;
};

static void put_samples(struct pcm_out *o, const int16_t *s, size_t n)
{
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap : 1 << 16;
        while (cap < o->n + n) cap *= 2;
        o->pcm = xrealloc(o->pcm, cap * sizeof *o->pcm);
        o->cap = cap;
    }
    if (s) memcpy(o->pcm + o->n, s, n * sizeof *s);
    else memset(o->pcm + o->n, 0, n * sizeof *o->pcm);
    o->n += n;
}

static void add_mark(struct turn_audio *out, int *cap, int clause, int byte, size_t sample)
{
    if (out->n_marks == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        out->marks = xrealloc(out->marks, sizeof *out->marks * (size_t)*cap);
    }
    out->marks[out->n_marks++] = (struct synth_mark){clause, byte, sample};
}

static int is_word_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7) || (cp >= 0xFF10 && cp <= 0xFF5A);
}

/* Marks for the segment just synthesized (collected.words), whose kept samples
 * [kept_from, kept_to) of the call's output start at sample `placed` of the turn.
 * See struct synth_mark for how events are laid onto display words. */
static void segment_marks(struct turn_audio *out, int *cap, const struct fe_plan *plan, const struct fe_segment *seg,
                          size_t kept_from, size_t kept_to, size_t placed)
{
    const char *display = plan->clauses[seg->clause].display;
    size_t dlen = strlen(display);
    size_t from = seg->display_from > 0 ? (size_t)seg->display_from : 0;
    size_t to = seg->display_to > 0 && (size_t)seg->display_to < dlen ? (size_t)seg->display_to : dlen;
    if (from >= to) return;
    int words[512], n_words = 0; /* byte offsets of the display words' starts */
    uint32_t prev = 0;
    for (size_t i = from; i < to && n_words < (int)(sizeof words / sizeof words[0]);) {
        uint32_t cp;
        int n = utf8_decode(display + i, to - i, &cp);
        if (n <= 0) cp = 0xFFFD, n = 1;
        if (utf8_is_han(cp) || (is_word_alnum(cp) && !is_word_alnum(prev) && prev != '\'' && prev != '-' &&
                                 prev != '.'))
            words[n_words++] = (int)i;
        prev = cp;
        i += (size_t)n;
    }
    if (!n_words) return;
    add_mark(out, cap, seg->clause, words[0], placed);
    int events = 0, last_word = 0;
    for (int k = 0; k < collected.n_words; k++)
        if (collected.words[k].sample < kept_to) events++;
    for (int k = 0, e = 0; k < collected.n_words; k++) {
        size_t at = collected.words[k].sample;
        if (at >= kept_to) continue;
        int w = (int)((long long)e * n_words / events);
        e++;
        if (w <= last_word) continue;
        size_t sample = placed + (at > kept_from ? at - kept_from : 0);
        if (sample <= out->marks[out->n_marks - 1].sample) continue;
        add_mark(out, cap, seg->clause, words[w], sample);
        last_word = w;
    }
}

static size_t ms_samples(int ms) { return (size_t)ms * SYNTH_RATE / 1000; }

static size_t scaled_gap(int ms, int rate) { return ms_samples(ms * 175 / (rate > 0 ? rate : 175)); }

int synth_turn(const struct voice_profile *p, const struct fe_plan *plan, struct turn_audio *out,
               struct rc_error *err)
{
    memset(out, 0, sizeof *out);
    if (synth_open(err) != 0) return -1;
    struct pcm_out o = {0};
    out->n_clauses = plan->n_clauses;
    out->clause_start = xcalloc((size_t)(plan->n_clauses ? plan->n_clauses : 1), sizeof(size_t));
    out->clause_end = xcalloc((size_t)(plan->n_clauses ? plan->n_clauses : 1), sizeof(size_t));
    int marks_cap = 0;
    put_samples(&o, NULL, ms_samples(SYNTH_LEAD_MS));
    size_t pending_gap = 0; /* silence owed before the next speech */
    for (int c = 0; c < plan->n_clauses; c++) {
        const struct fe_clause *cl = &plan->clauses[c];
        int spoke = 0;
        for (int s = cl->first_segment; s < cl->first_segment + cl->n_segments; s++) {
            if (synth_segment(p, &plan->segments[s], err) != 0) goto fail;
            size_t a = 0, b = collected.n;
            while (a < b && abs(collected.pcm[a]) <= SILENCE_LEVEL) a++;
            while (b > a && abs(collected.pcm[b - 1]) <= SILENCE_LEVEL) b--;
            if (a == b) continue; /* nothing audible */
            a = a > ms_samples(KEEP_BEFORE_MS) ? a - ms_samples(KEEP_BEFORE_MS) : 0;
            b = b + ms_samples(KEEP_AFTER_MS) < collected.n ? b + ms_samples(KEEP_AFTER_MS) : collected.n;
            if (spoke) pending_gap = scaled_gap(GAP_SWITCH_MS, p->rate_wpm);
            put_samples(&o, NULL, pending_gap);
            pending_gap = 0;
            if (!spoke) out->clause_start[c] = o.n;
            segment_marks(out, &marks_cap, plan, &plan->segments[s], a, b, o.n);
            put_samples(&o, collected.pcm + a, b - a);
            spoke = 1;
        }
        if (!spoke) {
            out->clause_start[c] = out->clause_end[c] = o.n;
            continue;
        }
        out->clause_end[c] = o.n;
        int gap = cl->end == END_PARAGRAPH ? GAP_PARAGRAPH_MS : cl->end == END_SENTENCE ? GAP_SENTENCE_MS
                : cl->end == END_CLAUSE ? GAP_CLAUSE_MS : GAP_SWITCH_MS;
        pending_gap = scaled_gap(gap, p->rate_wpm);
    }
    put_samples(&o, NULL, ms_samples(SYNTH_TAIL_MS));
    out->pcm = xrealloc(o.pcm, o.n * sizeof *o.pcm); /* give back the doubling slack */
    out->n_samples = o.n;
    free(collected.pcm); /* the last segment's buffers are not needed any more */
    free(collected.words);
    memset(&collected, 0, sizeof collected);
    return 0;
fail:
    free(o.pcm);
    turn_audio_free(out);
    return -1;
}

int synth_phonemes(const struct voice_profile *p, enum lang lang, const char *text, struct strbuf *out,
                   struct rc_error *err)
{
    if (synth_open(err) != 0 || select_voice(p, lang, err) != 0) return -1;
    size_t start_len = out->len;
    /* Text between [[ ]] is phoneme input already: copy it; translate the rest. */
    const char *s = text;
    while (*s) {
        const char *open = strstr(s, "[[");
        size_t n = open ? (size_t)(open - s) : strlen(s);
        if (n) {
            char *part = xstrndup(s, n);
            const void *ptr = part;
            while (ptr) {
                const char *ph = espeak_TextToPhonemes(&ptr, espeakCHARS_UTF8, 0);
                if (ph && *ph) {
                    if (out->len > start_len) sb_addc(out, ' ');
                    sb_adds(out, ph);
                }
            }
            free(part);
        }
        if (!open) break;
        const char *close = strstr(open + 2, "]]");
        if (!close) break;
        if (out->len > start_len) sb_addc(out, ' ');
        sb_add(out, open + 2, (size_t)(close - open - 2));
        s = close + 2;
    }
    /* trim trailing spaces */
    while (out->len > start_len && out->data[out->len - 1] == ' ') out->data[--out->len] = '\0';
    return 0;
}

void turn_audio_free(struct turn_audio *a)
{
    free(a->pcm);
    free(a->clause_start);
    free(a->clause_end);
    free(a->marks);
    memset(a, 0, sizeof *a);
}
