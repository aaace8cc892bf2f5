/* markup.h: the furniture of one line of a page: Markdown, HTML and web-page marks that are
 * never spoken.
 *
 * A scraped or exported transcript carries more than speech: YAML front matter, code
 * blocks, tables, HTML tags and entities, comments, images, link targets, bare URLs,
 * footnote marks and definitions, emphasis marks, list markers, blockquote marks and
 * timestamps ("00:12:34", "(00:00:05)", "[0:02]", "[0:00](https://...)").  markup_clean_line()
 * takes one normalised line (see parse.c) and gives what is left to read, or says why
 * the whole line is dropped, or that it is a heading (Markdown "#", HTML <h1>..<h6>).
 * Links read as their text.  Multi-line constructs (front matter, code fences, HTML
 * comments, <script>/<style>) are followed in a markup_state the caller keeps.
 * Linear in the line's length; never fails. */
#ifndef RECAST_MARKUP_H
#define RECAST_MARKUP_H

#include <stddef.h>

enum markup_kind {
    MARKUP_TEXT,    /* text to read (possibly empty: a blank line) */
    MARKUP_DROP,    /* the whole line is furniture; `reason` says which */
    MARKUP_HEADING  /* an explicit heading; `text` is its title */
};

enum {
    MARKUP_LIST = 1,    /* a list item: its marker ("-", "*", "+", "•", "1.") was removed */
    MARKUP_QUOTE = 2,   /* a blockquote line ("> ") */
    MARKUP_BOLD = 4,    /* the whole line was bold or italic ("**Name**") */
    MARKUP_CHANGED = 8  /* something was removed or rewritten */
};

struct markup_line {
    enum markup_kind kind;
    const char *reason; /* MARKUP_DROP: a static string, e.g. "image", "code block" */
    char *text;         /* owned by the caller after the call (free it); "" when dropped */
    size_t len;
    unsigned flags;
};

struct markup_state {
    int lines_seen;     /* lines passed so far */
    int in_front_matter;
    int in_code;
    int in_comment;
    int in_script;
};

/* Cleans one line (UTF-8, spaces already normalised, no line break). */
void markup_clean_line(struct markup_state *st, const char *line, size_t len, struct markup_line *out);

#endif
