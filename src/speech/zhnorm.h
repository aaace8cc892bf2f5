/* zhnorm.h: the Chinese text normaliser.  Turns a Mandarin run (text the segmenter
 * has already split from Latin runs) into text espeak-ng's Mandarin voice reads
 * correctly: every ASCII digit is written out in Han characters (years digit by
 * digit, quantities with 万/亿 grouping, 两 where Mandarin says it, percentages,
 * fractions, ranges, dates, times), and symbols espeak cannot say are replaced or
 * dropped.  The rules are listed at the top of zhnorm.c.
 *
 * Units: every length is in bytes of UTF-8.  Ownership: the caller owns `out`
 * (initialised with sb_init, freed with sb_free); every function appends to it and
 * never reads or clears what is already there.  The input is only read.  None of
 * these functions can fail (allocation failure aborts, as everywhere in recast). */
#ifndef RECAST_ZHNORM_H
#define RECAST_ZHNORM_H

#include <stddef.h>

#include "base/util.h"

/* Folds full-width ASCII (U+FF01..U+FF5E) to ASCII and U+3000 (ideographic space) /
 * U+00A0 (no-break space) to a space.  Everything else, including invalid bytes, is
 * copied unchanged.  Appends to out. */
void zhnorm_fold_width(const char *in, size_t len, struct strbuf *out);

/* Normalises one Mandarin run: writes numbers out in Han characters, replaces or
 * drops symbols espeak cannot say.  Appends to out.  Never fails.  The input should
 * be valid UTF-8; invalid bytes are dropped.  Full-width digits and symbols are
 * folded first, so the caller need not fold (Chinese sentence punctuation such as
 * ，。！？：；（） is kept as it is).  The appended text contains no ASCII digit. */
void zhnorm_normalize(const char *in, size_t len, struct strbuf *out);

/* Reads an integer as a Mandarin cardinal: "10000" -> "一万", "1050000" ->
 * "一百零五万", "10" -> "十".  digits: n bytes of ASCII digits (anything else is
 * ignored; leading zeros are ignored; all zeros -> "零"; no digit -> nothing).  More
 * than 12 significant digits (beyond 千亿) are read digit by digit instead.
 * use_liang: non-zero to say 两 instead of 二 for the leading digit when it stands
 * before 百/千 or, as the whole leading 4-digit group, before 万/亿 ("200" -> "两百",
 * "20000" -> "两万"), and for the whole number 2 ("2" -> "两").  Appends to out. */
void zhnorm_cardinal(const char *digits, size_t n, int use_liang, struct strbuf *out);

/* Reads digits one by one: "2010" -> "二零一零", with 一 (not 幺) for 1.
 * digits: n bytes; bytes that are not ASCII digits are skipped.  Appends to out. */
void zhnorm_digits(const char *digits, size_t n, struct strbuf *out);

#endif
