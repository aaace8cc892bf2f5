/* detect.h: who speaks where: finds the speaker-label pattern a page uses, from the page alone.
 *
 * A page marks its speakers in one of a few ways, and uses that way again and again:
 *   inline   "Name: text", "Name：text", "**Name**: text", "**Name:** text", "问：…", "Q: …"
 *   alone    the label on a line of its own, the speech on the following lines:
 *            "Name", "**Name**", "Name:", "Name (00:01:48)", "Name [00:01:48]"
 *   profile  a profile alias at the start of a paragraph, glued or not ("Demis谢谢",
 *            "DwarkeshGodot", "Dwarkesh 好的"): the spellings in voices/NAME.voice
 * The label style of a page is the one with the most recurring labels.  A label is a
 * short name (at most four Latin words with capitals, or up to ten Han characters), not a
 * furniture word ("Source", "来源", "Transcript"), and it starts a line; a name used only
 * once counts only inside the dialogue (between recurring labels) and only in the inline
 * style, so a title, a byline, a table of contents or a vocative ("Dwarkesh, welcome") is
 * not a turn.  A legend resolves abbreviations: "Dwarkesh Patel (DP)" anywhere, or a
 * role line before the dialogue ("嘉宾：某公司副总裁 王磊").  Role words (主持人, 嘉宾,
 * 记者, 旁白, 问, 答, Host, Guest, Narrator, Q, A) give a speaker's role.
 *
 * Lines are given already cleaned of markup (markup.h).  Linear in the number of lines
 * (one hash table of candidate names).  Never fails. */
#ifndef RECAST_DETECT_H
#define RECAST_DETECT_H

#include <stddef.h>

#include "config/voices.h"

enum {
    DETECT_BLANK = 1,   /* blank, or dropped as furniture: a paragraph break */
    DETECT_HEADING = 2, /* an explicit heading (never a label) */
    DETECT_LIST = 4,    /* a list item (never a label) */
    DETECT_QUOTE = 8,   /* a blockquote line (never a label) */
    DETECT_BOLD = 16    /* the whole line was bold */
};

struct detect_line {
    const char *text; /* cleaned line, UTF-8 */
    size_t len;
    unsigned flags;
};

enum detect_style { DETECT_NONE, DETECT_INLINE, DETECT_ALONE, DETECT_PROFILE };

enum detect_role { DETECT_ROLE_NONE, DETECT_ROLE_HOST, DETECT_ROLE_GUEST, DETECT_ROLE_NARRATOR };

struct detect_speaker {
    char *label;    /* as first written: "DP", "Lex Fridman", "主持人 魯健" (owned) */
    char *name;     /* display name: the profile's name, the legend's full name, else the label */
    int profile;    /* index into the voice_set whose name, id or alias matched; -1: none */
    enum detect_role role;
    int turns;      /* label lines attributed to it */
    int first_line; /* 0-based line of its first label */
};

struct detect_result {
    enum detect_style style;
    struct detect_speaker *speakers; /* in order of first appearance */
    int n_speakers;
    int *speaker_of;    /* per line: index into speakers, or -1 */
    size_t *rest_of;    /* per line with a speaker: byte offset where the speech starts */
    unsigned char *legend_of; /* per line: 1 if it is a legend line (not speech) */
    /* Recurring label-like names that were not taken (for the "no speaker turns" error). */
    char *candidates;   /* "\"Name\" (3 times), ..." or "" (owned) */
};

/* Detects the labels of `n` lines.  `vs` gives the profile aliases and names (may have
 * no profiles).  Free the result with detect_free(). */
void detect_labels(const struct detect_line *lines, int n, const struct voice_set *vs, struct detect_result *out);
void detect_free(struct detect_result *r);

const char *detect_style_name(enum detect_style s);
const char *detect_role_name(enum detect_role r);

#endif
