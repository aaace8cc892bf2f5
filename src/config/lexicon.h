/* lexicon.h: the pronunciation lexicon (voices/lexicon.txt), applied before synthesis.
 *
 * One entry a line:   LANG  WORD = REPLACEMENT        ("#" starts a comment)
 *   LANG         en   WORD is a Latin word (case-sensitive, whole word) in an English run;
 *                cmn  WORD is a string replaced wherever it occurs in a Mandarin run.
 *   REPLACEMENT  text in that language, or espeak phonemes of that language's voice in
 *                [[...]] (Kirshenbaum mnemonics, as `recast plan` shows them).
 * Errors (RC_DATAERR) name file:line: invalid UTF-8, an unknown LANG, a missing " = ", an
 * empty WORD or REPLACEMENT, one longer than LEXICON_MAX_REPLACEMENT bytes, unbalanced
 * [[ ]], a WORD given twice. */
#ifndef RECAST_LEXICON_H
#define RECAST_LEXICON_H

#include <stddef.h>

#include "base/util.h"

enum lang { LANG_CMN, LANG_EN };

/* The longest REPLACEMENT, in bytes: a respelling or phonemes of one word.  A text-long
 * expansion would make one part of a turn (and its worker's memory) unbounded. */
#define LEXICON_MAX_REPLACEMENT 200

struct lexicon_entry {
    enum lang lang;
    char *word;
    size_t word_len; /* bytes */
    char *replacement;
    int line; /* line in the file, for messages */
};

struct lexicon {
    char *path;                    /* NULL for an empty lexicon */
    struct lexicon_entry *entries; /* cmn entries sorted longest word first */
    int n_entries;
};

/* Loads a lexicon file.  A missing file is an error (RC_NOINPUT); use
 * lexicon_load_optional() for the default location. */
int lexicon_load(const char *path, struct lexicon *lex, struct rc_error *err);
/* Like lexicon_load(), but a missing file gives an empty lexicon. */
int lexicon_load_optional(const char *path, struct lexicon *lex, struct rc_error *err);
void lexicon_free(struct lexicon *lex);

/* The replacement for an English word, or NULL. */
const char *lexicon_lookup_en(const struct lexicon *lex, const char *word, size_t len);

/* Appends text to out with every cmn entry replaced (longest match first, left to right). */
void lexicon_apply_cmn(const struct lexicon *lex, const char *text, size_t len, struct strbuf *out);

const char *lang_code(enum lang l); /* "cmn" or "en" */

#endif
