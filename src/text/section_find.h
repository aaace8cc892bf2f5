/* section_find.h: which section of a document a user means by `--section S`.
 *
 * S is a section number (0 to n_sections - 1, as `recast list` prints them) or a title:
 * the whole title, its start, or a part of it, compared without regard to ASCII case,
 * full-width forms (Ｇｅｍｉｎｉ = gemini) or spaces ("gemini训练" = "Gemini 训练").
 * A whole title wins over a start, a start over a part; when two or more sections match
 * at the best level, or none at all, the error lists the candidates (or every section)
 * with their numbers. */
#ifndef RECAST_SECTION_FIND_H
#define RECAST_SECTION_FIND_H

#include "base/util.h"
#include "text/parse.h"

/* The index of the section S names, or -1 with err (RC_USAGE) saying why and listing
 * the sections; `option` names the option in the message ("--section"). */
int section_find(const struct document *doc, const char *option, const char *s, struct rc_error *err);

#endif
