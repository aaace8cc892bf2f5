/* libFuzzer target: the transcript parser on arbitrary bytes (with the shipped voices):
 * markup removal, speaker detection (text/detect.c), assembly and casting. */
#include <stdint.h>
#include <stdlib.h>

#include "text/parse.h"
#include "config/voices.h"

static struct voice_set vs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!vs.n_profiles) {
        struct rc_error err = {0};
        if (voices_load("voices", &vs, &err) != 0) abort();
    }
    struct document doc;
    struct rc_error err = {0};
    if (doc_parse("fuzz.txt", (const char *)data, size, &vs, &doc, &err) == 0) {
        /* invariants: turns in order, each in a section that lists it, spoken by a profile
         * that exists; every speaker has a profile and turns */
        for (int t = 0; t < doc.n_turns; t++) {
            const struct doc_section *s = &doc.sections[doc.turns[t].section];
            if (doc.turns[t].index != t || t < s->first_turn || t >= s->first_turn + s->n_turns) abort();
            if (doc.turns[t].speaker < 0 || doc.turns[t].speaker >= vs.n_profiles) abort();
        }
        for (int k = 0; k < doc.n_speakers; k++)
            if (doc.speakers[k].profile < 0 || doc.speakers[k].profile >= vs.n_profiles || doc.speakers[k].turns <= 0)
                abort();
        doc_free(&doc);
    } else if (err.code != RC_DATAERR) {
        abort();
    }
    voices_drop_cast(&vs);
    return 0;
}
