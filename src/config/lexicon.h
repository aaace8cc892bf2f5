/* lexicon.h: the pronunciation lexicon (voices/lexicon.txt), applied before synthesis.
 *
 * One entry a line:   LANG  WORD = REPLACEMENT        ("#" starts a comment)
 *   LANG         en   WORD is a Latin word (case-sensitive, whole word) in an English run;
 *                cmn  WORD is Mandarin text.
 *   REPLACEMENT  text in that language, or espeak phonemes of that language's voice in
 *                [[...]] (Kirshenbaum mnemonics, as `recast plan` shows them), or for a
 *                cmn WORD of Han characters its pinyin: one syllable with a tone digit
 *                (1-4, 5 = neutral, v or ü for ü) per character, `cmn 了解 = liao3 jie3`.
 *                A pinyin entry is a word for the Mandarin reader (speech/pinyin.h): it
 *                wins over the built-in word table wherever the word can be read; any
 *                other cmn entry is a string replaced before reading.
 * Errors (RC_DATAERR) name file:line: invalid UTF-8, an unknown LANG, a missing " = ", an
 * empty WORD or REPLACEMENT, one longer than LEXICON_MAX_REPLACEMENT bytes, unbalanced
 * [[ ]], a WORD given twice, Latin letters for a cmn WORD that are not one pinyin syllable
 * with a tone digit per character. */
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
    char *replacement; /* for a pinyin entry: normalised, "liao3 jie3" (ü as v) */
    int line;          /* line in the file, for messages */
    int pinyin;        /* a cmn word read as the pinyin in replacement */
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

/* Appends text to out with every cmn entry that is not pinyin replaced (longest match
 * first, left to right). */
void lexicon_apply_cmn(const struct lexicon *lex, const char *text, size_t len, struct strbuf *out);

const char *lang_code(enum lang l); /* "cmn" or "en" */

#endif
