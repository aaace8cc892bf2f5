/* frontend.h: turn text -> speech plan (clauses of segments, each for one espeak call).
 *
 * A turn's text is split into clauses at punctuation (。！？.!? end a sentence; ，、；：,;:
 * and dashes end a clause; a newline ends a paragraph).  Each clause is split into
 * runs of Mandarin and of Latin script.  A Mandarin run is lexicon-replaced, normalised
 * (zhnorm: numbers written out, symbols dropped) and read by words (pinyin.h: segmented,
 * polyphones decided, 一/不 sandhi and neutral tones applied): espeak's cmn-latn-pinyin
 * voice is given space-separated pinyin with tone digits.  A Latin run becomes English
 * text (acronyms spelled letter by letter, CamelCase split, lexicon applied), read by the
 * English voice.  Digits attached to a Latin name stay in the English run (GPT-4, Gemini
 * 1.5, RT-2).
 *
 * The clause is the unit of subtitle timing; the segment the unit of synthesis (one
 * espeak_Synth call, one voice, never a language switch inside).  The synthesizer puts
 * the pauses: a short one between the segments of a clause, longer ones after clauses,
 * sentences and paragraphs (see synth.h). */
#ifndef RECAST_FRONTEND_H
#define RECAST_FRONTEND_H

#include "config/lexicon.h"
#include "base/util.h"
#include "speech/pinyin.h"

enum clause_end {
    END_NONE,     /* the text ended without punctuation */
    END_CLAUSE,   /* ，,、；;：: or a dash */
    END_SENTENCE, /* 。.！!？?… */
    END_PARAGRAPH /* end of a paragraph (newline) or of the turn */
};

struct fe_segment {
    enum lang lang;
    char *text;    /* exactly what is passed to espeak (UTF-8; may hold [[phonemes]]); for
                      LANG_CMN the pinyin of reading */
    int clause;    /* index of its clause */
    char *written; /* LANG_CMN: the Mandarin text that was read (lexicon and zhnorm applied,
                      Han and punctuation); NULL for LANG_EN */
    struct py_reading reading; /* LANG_CMN: its words and syllables; zeroed for LANG_EN */
    /* The run of the clause's display text this segment reads: bytes [display_from,
     * display_to) of clauses[clause].display.  Subtitles map the synthesizer's word
     * events back onto the display text through it (synth.h). */
    int display_from, display_to;
};

struct fe_clause {
    char *display;       /* the clause as written in the transcript (for subtitles) */
    enum clause_end end; /* what follows it */
    int sentence_start;  /* 1 if a sentence starts with this clause */
    int first_segment;   /* its segments: [first_segment, first_segment + n_segments) */
    int n_segments;      /* 0 for a clause with nothing to say (only symbols) */
};

/* The plan of one turn.  Owns all its strings; free with fe_plan_free(). */
struct fe_plan {
    int english;          /* planned for an English transcript (fe_plan_turn_lang) */
    struct fe_clause *clauses;
    int n_clauses;
    struct fe_segment *segments;
    int n_segments;
};

/* Builds the plan of a turn's text.  Never fails (text is valid UTF-8 from the parser). */
void fe_plan_turn(const char *text, const struct lexicon *lex, struct fe_plan *plan);
/* The same for a transcript in a given language: `english` != 0 reads every clause
 * without Han characters as one English run (numbers, times and symbols read by the
 * English voice: "20 questions" -> "twenty questions"); clauses with Han characters are
 * planned as by fe_plan_turn(). */
void fe_plan_turn_lang(const char *text, const struct lexicon *lex, int english, struct fe_plan *plan);
void fe_plan_free(struct fe_plan *plan);

/* Lower-level steps, exported for the unit tests. */
/* Appends the English reading of a Latin run (acronyms spelled, CamelCase split). */
void fe_english_text(const char *run, size_t len, const struct lexicon *lex, struct strbuf *out);
/* Appends the Mandarin text of a run (lexicon + zhnorm), before it is read as pinyin. */
void fe_mandarin_text(const char *run, size_t len, const struct lexicon *lex, struct strbuf *out);

#endif
