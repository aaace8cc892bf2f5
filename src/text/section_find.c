/* section_find.c: see section_find.h. */
#include "text/section_find.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* The form titles are compared in: ASCII lower case, full-width ASCII folded to ASCII,
 * no spaces.  Caller frees. */
static char *fold(const char *s)
{
    struct strbuf out;
    sb_init(&out);
    for (size_t i = 0, n = strlen(s); i < n;) {
        uint32_t cp;
        int l = utf8_decode(s + i, n - i, &cp);
        if (l <= 0) l = 1, cp = (unsigned char)s[i];
        i += (size_t)l;
        if (utf8_is_space(cp)) continue;
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0; /* full-width ASCII */
        if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
        utf8_append(&out, cp);
    }
    sb_cstr(&out);
    return sb_detach(&out);
}

/* Appends "   N  title" lines for the listed sections, as many as fit in the message. */
static void list_sections(const struct document *doc, const int *which, int n, struct strbuf *msg)
{
    for (int k = 0; k < n; k++) {
        const struct doc_section *sec = &doc->sections[which[k]];
        size_t need = strlen(sec->title) + 24;
        if (msg->len + need > sizeof(((struct rc_error *)0)->msg) - 64) {
            sb_printf(msg, "\n   ... and %d more (see 'recast list %s')", n - k, doc->path ? doc->path : "FILE");
            return;
        }
        sb_printf(msg, "\n  %3d  %s", which[k], *sec->title ? sec->title : "(untitled)");
    }
}

int section_find(const struct document *doc, const char *option, const char *s, struct rc_error *err)
{
    int n = doc->n_sections;
    char *end;
    long v = strtol(s, &end, 10);
    int *all = xcalloc((size_t)n + 1, sizeof *all);
    for (int i = 0; i < n; i++) all[i] = i;
    struct strbuf msg;
    sb_init(&msg);
    int found = -1, list_all = 0;
    int is_number = *s >= '0' && *s <= '9' && !*end;
    if (is_number && v >= 0 && v < n) {
        found = (int)v;
    } else {
        /* level 0: the whole title, 1: its start, 2: a part of it */
        char *q = fold(s);
        int *hits[3], n_hits[3] = {0, 0, 0};
        for (int l = 0; l < 3; l++) hits[l] = xcalloc((size_t)n + 1, sizeof(int));
        for (int i = 0; i < n && *q; i++) {
            char *t = fold(doc->sections[i].title);
            int level = strcmp(t, q) == 0 ? 0 : strncmp(t, q, strlen(q)) == 0 ? 1 : strstr(t, q) ? 2 : -1;
            if (level >= 0) hits[level][n_hits[level]++] = i;
            free(t);
        }
        int level = n_hits[0] ? 0 : n_hits[1] ? 1 : n_hits[2] ? 2 : -1;
        if (level >= 0 && n_hits[level] == 1) {
            found = hits[level][0];
        } else if (level >= 0) {
            sb_printf(&msg, "%s \"%s\": %d sections match; give more of the title, or the number:", option, s,
                      n_hits[level]);
            list_sections(doc, hits[level], n_hits[level], &msg);
        } else if (is_number) {
            sb_printf(&msg, "%s %s: the transcript has sections 0 to %d:", option, s, n - 1);
            list_all = 1;
        } else {
            sb_printf(&msg, "%s \"%s\": no section matches (give a number, or a title or part of one, in any "
                            "case); the sections are:", option, s);
            list_all = 1;
        }
        for (int l = 0; l < 3; l++) free(hits[l]);
        free(q);
    }
    if (list_all) list_sections(doc, all, n, &msg);
    if (found < 0) rc_fail(err, RC_USAGE, "%s", sb_cstr(&msg));
    sb_free(&msg);
    free(all);
    return found;
}
