/* utf8.h: the few UTF-8 operations recast needs (decoding, validation with a position,
 * classification of the characters that matter to the parser and front end). */
#ifndef RECAST_UTF8_H
#define RECAST_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Decodes the code point at s (at most `avail` bytes).  Returns its length in bytes
 * (1..4) and stores it in *cp, or returns 0 for an invalid or truncated sequence
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
int utf8_decode(const char *s, size_t avail, uint32_t *cp);

/* Appends the UTF-8 encoding of cp to out. */
void utf8_append(struct strbuf *out, uint32_t cp);

/* Checks a whole buffer: no NUL byte, valid UTF-8.  On failure returns -1 with an
 * RC_DATAERR message "PATH:LINE:COLUMN: ..." (1-based; the column counts characters). */
int utf8_check(const char *path, const char *text, size_t len, struct rc_error *err);

/* Number of code points in s[0..len). */
size_t utf8_length(const char *s, size_t len);

/* Character classes. */
int utf8_is_han(uint32_t cp);       /* CJK ideographs (unified, extensions, compatibility) */
int utf8_is_space(uint32_t cp);     /* ASCII space/tab, NO-BREAK, ideographic and other Unicode spaces */
int utf8_is_cjk_punct(uint32_t cp); /* CJK and full-width punctuation */

#endif
