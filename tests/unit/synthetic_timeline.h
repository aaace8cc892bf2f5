/* synthetic_timeline.h: a timeline built from a table of turns, for the tests of what
 * reads a timeline (sidecars, page), so they need no synthesis.
 *
 * Pauses: 0.5 s at the start, 1.5 s before each later section, 0.4 s between turns of a
 * section (long_gap_seconds before turn long_gap_turn, to reach long times); 0.1 s of
 * lead and tail inside a turn, 0.15 s after each spoken clause; 1 s at the end.  A clause
 * of duration 0 is silent (start == end).  Clause ends are 7 samples off the millisecond
 * grid, so rounding is exercised.  A turn's text is its clauses joined. */
#ifndef RECAST_TEST_SYNTHETIC_TIMELINE_H
#define RECAST_TEST_SYNTHETIC_TIMELINE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "publish/timeline.h"

#define SEC(x) ((long long)llround((x)*TL_RATE))
#define SYN_MAX_CLAUSES 6
#define SYN_MAX_TURNS 16

struct clause_spec {
    const char *text;
    int sentence_start;
    double dur; /* seconds; 0: silent */
};

struct turn_spec {
    int section, speaker;
    struct clause_spec cl[SYN_MAX_CLAUSES]; /* up to the first NULL text */
};

struct timeline_spec {
    const struct turn_spec *turns;
    int n_turns;                       /* at most SYN_MAX_TURNS */
    const char *const *section_titles; /* [n_sections] */
    int n_sections;
    const char *const *speaker_names;  /* by turn_spec.speaker */
    const char *const *voices;         /* by speaker; NULL: "cmn-latn-pinyin" for all */
    int long_gap_turn;
    double long_gap_seconds;
};

static char synthetic_turn_texts[SYN_MAX_TURNS][1024];

/* Fills tl (free it with timeline_free; the texts are static). */
static inline void build_synthetic_timeline(const struct timeline_spec *spec, struct timeline *tl)
{
    memset(tl, 0, sizeof *tl);
    if (spec->n_turns > SYN_MAX_TURNS) abort();
    tl->n_sections = spec->n_sections;
    tl->sections = calloc((size_t)spec->n_sections, sizeof *tl->sections);
    tl->n_turns = spec->n_turns;
    tl->turns = calloc((size_t)spec->n_turns, sizeof *tl->turns);
    long long now = 0;
    for (int t = 0; t < spec->n_turns; t++) {
        const struct turn_spec *ts = &spec->turns[t];
        struct tl_turn *tu = &tl->turns[t];
        if (t == 0 || spec->turns[t - 1].section != ts->section) {
            struct tl_section *sec = &tl->sections[ts->section];
            sec->index = ts->section;
            sec->title = spec->section_titles[ts->section];
            sec->start48 = now;
            sec->first_turn = t;
            if (ts->section > 0) tl->sections[ts->section - 1].end48 = now;
            now += ts->section == 0 ? SEC(0.5) : SEC(1.5);
        } else {
            now += t == spec->long_gap_turn ? SEC(spec->long_gap_seconds) : SEC(0.4);
        }
        tl->sections[ts->section].n_turns++;
        int n = 0;
        while (n < SYN_MAX_CLAUSES && ts->cl[n].text)
            n++;
        char *text = synthetic_turn_texts[t];
        *tu = (struct tl_turn){.index = t,
                               .section = ts->section,
                               .speaker = ts->speaker,
                               .speaker_name = spec->speaker_names[ts->speaker],
                               .voice = spec->voices ? spec->voices[ts->speaker] : "cmn-latn-pinyin",
                               .text = text,
                               .line = 10 + 3 * t,
                               .n_clauses = n};
        tu->clauses = calloc((size_t)n, sizeof *tu->clauses);
        tu->start48 = now;
        now += SEC(0.1);
        tu->speech_start48 = now;
        text[0] = '\0';
        for (int c = 0; c < n; c++) {
            struct tl_clause *cl = &tu->clauses[c];
            cl->text = ts->cl[c].text;
            cl->sentence_start = ts->cl[c].sentence_start;
            cl->start48 = now;
            if (ts->cl[c].dur > 0) now += SEC(ts->cl[c].dur) + 7; /* +7: not on a ms grid */
            cl->end48 = now;
            if (ts->cl[c].dur > 0) tu->speech_end48 = now, now += SEC(0.15);
            if (strlen(text) + strlen(ts->cl[c].text) >= sizeof synthetic_turn_texts[t]) abort();
            strcat(text, ts->cl[c].text);
        }
        tu->end48 = now += SEC(0.1);
    }
    tl->total48 = now + SEC(1.0);
    tl->sections[spec->n_sections - 1].end48 = tl->total48;
}

#endif
