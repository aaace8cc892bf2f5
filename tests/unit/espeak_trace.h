/* espeak_trace.h: what espeak-ng actually says, from its phoneme trace during synthesis.
 *
 * espeak_SetPhonemeTrace while espeak_Synth runs gives the phonemes with the tones after
 * espeak's own sandhi (3-3, half-third, neutral pitch); espeak_TextToPhonemes does not
 * (FINDINGS.md).  For space-separated pinyin the trace has one group per syllable, its
 * tone as pitch digits: 55 = 1, 35 = 2, 214 or 21 = 3, 51/53 = 4, 11/22/33/44 = neutral.
 * A syllable is recognised by comparing its group's phonemes (without stress and tone)
 * with those of the same syllable said alone.
 *
 * For tests and measuring tools only (header-only, static functions).  Call
 * espeak_Initialize first (trace_open does). */
#ifndef RECAST_ESPEAK_TRACE_H
#define RECAST_ESPEAK_TRACE_H

#include <espeak-ng/speak_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace_syl {
    char phonemes[40]; /* without stress marks and tone digits */
    int tone;          /* 1-4, 5 neutral, 0 none (syllabic nasals) */
};

static int trace_cb(short *wav, int n, espeak_EVENT *ev) { (void)wav, (void)n, (void)ev; return 0; }

static inline int trace_open(const char *voice)
{
    static int opened;
    if (!opened) {
        if (espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0) <= 0) return -1;
        espeak_SetSynthCallback(trace_cb);
        opened = 1;
    }
    return espeak_SetVoiceByName(voice) == EE_OK ? 0 : -1;
}

static inline int trace_tone_class(const char *digits, size_t n)
{
    if (n == 0) return 0;
    if (n >= 2 && digits[0] == digits[1]) return digits[0] == '5' ? 1 : 5; /* 55, 11/22/33/44 */
    if (strncmp(digits, "35", 2) == 0) return 2;
    if (strncmp(digits, "21", 2) == 0) return 3;
    if (digits[0] == '5') return 4; /* 51, 53 */
    return 9;                       /* anything else: never right */
}

/* Synthesizes text with the current voice and returns its groups (caller frees *out). */
static inline int trace_text(const char *text, struct trace_syl **out, int *n_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -1;
    espeak_SetPhonemeTrace(espeakPHONEMES_TRACE, f);
    espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
    espeak_Synchronize();
    espeak_SetPhonemeTrace(0, NULL);
    fclose(f);
    int n = 0, cap = 16;
    struct trace_syl *syl = malloc(sizeof *syl * (size_t)cap);
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (!*line || *line == ' ' || strncmp(line, "Translate", 9) == 0) continue;
        for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
            if (n == cap) cap *= 2, syl = realloc(syl, sizeof *syl * (size_t)cap);
            struct trace_syl *s = &syl[n++];
            memset(s, 0, sizeof *s);
            size_t p = 0;
            const char *digits = NULL;
            size_t nd = 0;
            for (const char *c = tok; *c; c++) {
                if (*c >= '0' && *c <= '9') {
                    if (!digits) digits = c;
                    if (digits + nd == c) nd++;
                } else if (*c != '\'' && *c != ',' && *c != '_' && *c != '|' && p + 1 < sizeof s->phonemes) {
                    s->phonemes[p++] = *c;
                }
            }
            s->tone = trace_tone_class(digits ? digits : "", nd);
        }
    }
    free(buf);
    *out = syl, *n_out = n;
    return 0;
}

/* Phonemes of one syllable ("ren4") said alone (cached; NULL if espeak gives no group). */
static inline const char *trace_alone(const char *syl)
{
    static struct {
        char syl[12];
        char phonemes[40];
    } cache[4096];
    static int n_cache;
    for (int i = 0; i < n_cache; i++)
        if (strcmp(cache[i].syl, syl) == 0) return cache[i].phonemes;
    struct trace_syl *g;
    int n;
    if (trace_text(syl, &g, &n) != 0 || n != 1) {
        if (n) free(g);
        return NULL;
    }
    if (n_cache < 4096 && strlen(syl) < sizeof cache[n_cache].syl) {
        memcpy(cache[n_cache].syl, syl, strlen(syl) + 1);
        snprintf(cache[n_cache].phonemes, sizeof cache[n_cache].phonemes, "%s", g[0].phonemes);
        n_cache++;
    }
    static char last[40];
    snprintf(last, sizeof last, "%s", g[0].phonemes);
    free(g);
    return last;
}

/* Is a tone heard as `heard` right for an expected lexical tone (with espeak's 3-3 sandhi
 * before another third tone)? */
static inline int trace_tone_ok(int expected, int heard, int next_expected, const char *syl_base)
{
    if (heard == 0) return strcmp(syl_base, "m") == 0 || strcmp(syl_base, "n") == 0 || strcmp(syl_base, "ng") == 0 ||
                           strcmp(syl_base, "hng") == 0 || strcmp(syl_base, "hm") == 0;
    if (expected == 3) return heard == 3 || (heard == 2 && next_expected == 3);
    return heard == expected;
}

#endif
