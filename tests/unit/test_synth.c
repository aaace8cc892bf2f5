/* Synthesizer tests (real libespeak-ng): word marks from espeak's word events land on the
 * starts of display words, in time order, inside their clause's speech, one per word when
 * the words and espeak's words agree. */
#include <string.h>

#include "check.h"
#include "config/lexicon.h"
#include "config/voices.h"
#include "speech/frontend.h"
#include "speech/synth.h"

static struct lexicon lex;
static struct voice_set vs;

/* Renders text with profile 0 and checks the invariants of its marks; returns the count. */
static int render_marks(const char *text, struct fe_plan *plan, struct turn_audio *audio)
{
    struct rc_error err = {0};
    fe_plan_turn(text, &lex, plan);
    if (synth_turn(&vs.profiles[0], plan, audio, &err) != 0) {
        CHECK_FAIL_("synth_turn: %s", err.msg);
        return 0;
    }
    for (int m = 0; m < audio->n_marks; m++) {
        const struct synth_mark *k = &audio->marks[m];
        CHECK(k->clause >= 0 && k->clause < plan->n_clauses);
        if (k->clause < 0 || k->clause >= plan->n_clauses) continue;
        CHECK(k->sample >= audio->clause_start[k->clause] && k->sample < audio->clause_end[k->clause]);
        CHECK(k->display_byte >= 0 && k->display_byte < (int)strlen(plan->clauses[k->clause].display));
        if (m) CHECK(k->sample > audio->marks[m - 1].sample);
    }
    return audio->n_marks;
}

int main(void)
{
    struct rc_error err = {0};
    if (lexicon_load("voices/lexicon.txt", &lex, &err) != 0 || voices_load("voices", &vs, &err) != 0) {
        printf("FAIL synth: setup: %s\n", err.msg);
        return 1;
    }
    TEST_CASE("synth: one mark per Han character, at the clause start first") {
        struct fe_plan plan;
        struct turn_audio a;
        int n = render_marks("我们讨论了智能的本质。", &plan, &a);
        CHECK_INT(n, 10);
        if (n == 10) {
            CHECK_INT(a.marks[0].sample, a.clause_start[0]);
            for (int k = 0; k < n; k++) CHECK_INT(a.marks[k].display_byte, 3 * k);
        }
        turn_audio_free(&a), fe_plan_free(&plan);
    }
    TEST_CASE("synth: English words get one mark each; a spelled acronym one mark") {
        struct fe_plan plan;
        struct turn_audio a;
        /* "scaling and alignment" (3 words), then AGI spelled (3 espeak words, 1 display word) */
        int n = render_marks("scaling and alignment, AGI 很重要", &plan, &a);
        int starts[8], k = 0;
        for (int m = 0; m < n && k < 8; m++) starts[k++] = a.marks[m].display_byte;
        CHECK(n >= 6);
        if (n >= 6) {
            CHECK_INT(starts[0], 0); CHECK_INT(a.marks[0].clause, 0);
            CHECK_INT(starts[1], 8); CHECK_INT(starts[2], 12);
            CHECK_INT(a.marks[3].clause, 1); CHECK_INT(starts[3], 0); /* AGI */
            CHECK_INT(starts[4], 4);                                   /* 很 */
        }
        turn_audio_free(&a), fe_plan_free(&plan);
    }
    TEST_CASE("synth: segment display ranges cover their runs") {
        struct fe_plan plan;
        fe_plan_turn("能够与DeepMind CEO Demis Hassabis 进行交流", &lex, &plan);
        CHECK_INT(plan.n_segments, 3);
        if (plan.n_segments == 3) {
            const char *d = plan.clauses[0].display;
            CHECK_INT(plan.segments[0].display_from, 0); CHECK_INT(plan.segments[0].display_to, 9);
            CHECK(strncmp(d + plan.segments[1].display_from, "DeepMind", 8) == 0);
            CHECK_INT(plan.segments[1].display_to - plan.segments[1].display_from,
                      (int)strlen("DeepMind CEO Demis Hassabis"));
            CHECK(strcmp(d + plan.segments[2].display_from, "进行交流") == 0);
        }
        fe_plan_free(&plan);
    }
    voices_free(&vs);
    lexicon_free(&lex);
    synth_close();
    CHECK_DONE();
}
