/* libFuzzer target: the front end (clause splitting, segmentation, English readings,
 * Chinese number normalisation, the Mandarin reader) on arbitrary valid UTF-8.
 * Invariants: no ASCII digit or letter reaches the Mandarin text that is read, every
 * Han character read gets one pinyin syllable with a tone digit, every segment's text is
 * valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "speech/frontend.h"
#include "config/lexicon.h"
#include "base/utf8.h"

static struct lexicon lex;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded) {
        struct rc_error err = {0};
        if (lexicon_load("voices/lexicon.txt", &lex, &err) != 0) abort();
        loaded = 1;
    }
    struct rc_error err = {0};
    if (memchr(data, 0, size) || utf8_check("fuzz", (const char *)data, size, &err) != 0) return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct fe_plan plan;
    fe_plan_turn(text, &lex, &plan);
    for (int i = 0; i < plan.n_segments; i++) {
        const char *s = plan.segments[i].text;
        if (utf8_check("segment", s, strlen(s), &err) != 0) abort();
        if (plan.segments[i].clause < 0 || plan.segments[i].clause >= plan.n_clauses) abort();
        if (plan.segments[i].lang == LANG_CMN) {
            const struct fe_segment *seg = &plan.segments[i];
            for (const char *c = seg->written; *c; c++)
                if ((*c >= '0' && *c <= '9') || ((*c | 32) >= 'a' && (*c | 32) <= 'z')) abort();
            /* one syllable with a tone digit per Han character read */
            if ((size_t)seg->reading.n_syllables != utf8_length(seg->reading.han, strlen(seg->reading.han))) abort();
            for (int k = 0; k < seg->reading.n_syllables; k++)
                if (!py_is_syllable(seg->reading.syllables[k], strlen(seg->reading.syllables[k]))) abort();
        }
    }
    fe_plan_free(&plan);
    free(text);
    return 0;
}
