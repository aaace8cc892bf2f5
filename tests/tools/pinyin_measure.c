/* pinyin_measure: what espeak says for recast's Mandarin, syllable by syllable.
 *
 * Reads text on standard input, one paragraph a line, runs each line through the front
 * end (fe_plan_turn, with --lexicon FILE if given) and synthesizes every Mandarin
 * segment with the cmn-latn-pinyin voice, tracing the phonemes during espeak_Synth.
 * Prints one line per Mandarin segment:
 *     HAN <TAB> RECAST'S SYLLABLES <TAB> HEARD
 * HEARD has one token per syllable, BASE/TONE: BASE is the syllable recast wrote if the
 * phonemes espeak said are that syllable's (said alone), else "?"; TONE is the tone class
 * of the pitch espeak used (1-4, 5 neutral, 0 none, 9 other), after espeak's own sandhi.
 * A segment whose trace cannot be aligned (a [[phoneme]] entry, a different count) is
 * printed with HEARD "-".  Used by tests/tools/measure-pinyin.sh; never part of recast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/espeak_trace.h"
#include "config/lexicon.h"
#include "speech/frontend.h"

int main(int argc, char **argv)
{
    struct lexicon lex = {0};
    struct rc_error err = {0};
    if (argc == 3 && strcmp(argv[1], "--lexicon") == 0) {
        if (lexicon_load(argv[2], &lex, &err) != 0) {
            fprintf(stderr, "pinyin_measure: %s\n", err.msg);
            return 1;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: pinyin_measure [--lexicon FILE] < text\n");
        return 64;
    }
    if (trace_open("cmn-latn-pinyin") != 0) {
        fprintf(stderr, "pinyin_measure: espeak-ng has no cmn-latn-pinyin voice\n");
        return 69;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n') line[--n] = '\0';
        struct fe_plan plan;
        fe_plan_turn(line, &lex, &plan);
        for (int s = 0; s < plan.n_segments; s++) {
            const struct fe_segment *seg = &plan.segments[s];
            if (seg->lang != LANG_CMN || seg->reading.n_syllables == 0) continue;
            const struct py_reading *r = &seg->reading;
            printf("%s\t", r->han);
            for (int k = 0; k < r->n_syllables; k++) printf("%s%s", k ? " " : "", r->syllables[k]);
            printf("\t");
            struct trace_syl *heard = NULL;
            int n_heard = 0;
            if (strstr(seg->text, "[[") || trace_text(seg->text, &heard, &n_heard) != 0 || n_heard != r->n_syllables) {
                printf("-\n");
                free(heard);
                continue;
            }
            for (int k = 0; k < r->n_syllables; k++) {
                const char *alone = trace_alone(r->syllables[k]);
                char base[PY_SYLLABLE_MAX];
                memcpy(base, r->syllables[k], PY_SYLLABLE_MAX);
                base[strlen(base) - 1] = '\0';
                int same = alone && strcmp(alone, heard[k].phonemes) == 0;
                printf("%s%s/%d", k ? " " : "", same ? base : "?", heard[k].tone);
            }
            printf("\n");
            free(heard);
        }
        fe_plan_free(&plan);
    }
    free(line);
    lexicon_free(&lex);
    return 0;
}
