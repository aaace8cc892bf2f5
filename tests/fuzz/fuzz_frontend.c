/* libFuzzer target: the front end (clause splitting, segmentation, English readings,
 * Chinese number normalisation) on arbitrary valid UTF-8.  Invariant: no ASCII digit or
 * letter reaches a Mandarin segment, every segment's text is valid UTF-8. */
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
        if (plan.segments[i].lang == LANG_CMN)
            for (const char *c = s; *c; c++)
                if ((*c >= '0' && *c <= '9') || ((*c | 32) >= 'a' && (*c | 32) <= 'z')) abort();
    }
    fe_plan_free(&plan);
    free(text);
    return 0;
}
