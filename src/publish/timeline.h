/* timeline.h: where everything is heard in a rendered programme (or clip).
 *
 * All times are in samples at 48 kHz on the decoded timeline of the output file:
 * 0 is the first sample a player plays (after pre-skip), total48 is the decoded
 * length.  They are exact: they follow from packet counts (every Opus packet is 20 ms,
 * 960 samples) and from the synthesizer's sample offsets of each clause.
 *
 * The render stage builds a timeline; the sidecar writers (sidecars.h) and the
 * listening page read it.  Strings are borrowed from the document and the front-end
 * plans, which outlive the timeline; the arrays are owned by the timeline
 * (timeline_free). */
#ifndef RECAST_TIMELINE_H
#define RECAST_TIMELINE_H

#define TL_RATE 48000 /* Hz: the unit of every *48 field */

/* Where a word of a clause starts: byte `byte` of the clause text is heard from at48.
 * From the synthesizer's word events (synth.h), so cues may be cut there exactly. */
struct tl_mark {
    int byte;
    long long at48;
};

struct tl_clause {
    long long start48, end48; /* speech of this clause; start48 == end48 if silent */
    const char *text;         /* the clause as written in the transcript */
    int sentence_start;       /* 1 if a sentence starts here */
    struct tl_mark *marks;    /* [n_marks] in time order, within [start48, end48); owned by
                                 the timeline (NULL: only the clause's ends are known) */
    int n_marks;
};

struct tl_turn {
    int index;                    /* the document's turn index */
    int section;                  /* index into timeline.sections */
    int speaker;                  /* index into the voice_set's profiles */
    const char *speaker_name;     /* "Dwarkesh" */
    const char *voice;            /* espeak voice spec of its Mandarin runs, "cmn-latn-pinyin+m1" */
    const char *text;             /* the turn's text */
    int line;                     /* source line */
    long long start48, end48;     /* the turn's packet run (speech plus its own lead/tail silence) */
    long long speech_start48;     /* first clause start */
    long long speech_end48;       /* last clause end */
    struct tl_clause *clauses;
    int n_clauses;
};

struct tl_section {
    int index;                /* the document's section index */
    const char *title;        /* "开场", or "" for an untitled section */
    long long start48, end48; /* from the start of the pause before its first turn (0 for the
                                 first section) to the start of the next section */
    int first_turn, n_turns;  /* into timeline.turns */
};

struct timeline {
    long long total48;
    struct tl_section *sections;
    int n_sections;
    struct tl_turn *turns;
    int n_turns;
};

void timeline_free(struct timeline *tl);

/* Milliseconds (rounded to nearest) and seconds of a 48 kHz sample position. */
long long tl_ms(long long samples48);
double tl_seconds(long long samples48);

#endif
