/* parse.c: see parse.h.
 *
 * Three passes over the lines of the page:
 *   1. prepare: check UTF-8, drop a BOM, split lines (LF or CRLF), normalise spaces;
 *   2. classify each line: blank, repeated page title (caption), labelled turn start,
 *      turn start with a missing label (":..."), or plain text;
 *   3. assemble: the lines before the first labelled turn are front matter (title,
 *      header furniture, preface, the host's opening, the first heading); the lines from
 *      the first labelled turn to the trailer are the dialogue (turns, continuation
 *      paragraphs, headings); the trailer (from the first caption or trailer cue after
 *      the last labelled turn) is dropped.
 * Each pass is linear in the input size. */
#include "text/parse.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

enum line_kind { LINE_BLANK, LINE_CAPTION, LINE_LABEL, LINE_NO_LABEL, LINE_TEXT };

struct src_line {
    char *norm;           /* normalised text (owned) */
    size_t norm_len;
    enum line_kind kind;
    int speaker;          /* LINE_LABEL: the profile index */
    const char *rest;     /* LINE_LABEL / LINE_NO_LABEL: text after the label (into norm) */
    int used;             /* assigned to the document (turn, heading, preface, dropped) */
};

struct label {
    const char *alias;
    size_t len;
    int speaker;
};

/* Page furniture cues.  Matched against whole normalised lines. */
static const char *const header_words[] = {"阅读", "评论", "点赞", "收藏", "分享", "浏览", "发布于", "来源:",
                                           "来源：", "作者:", "作者："};
static const char *const opening_cues[] = {"这是我与", "这是我和", "这是我跟", "欢迎收听", "欢迎来到本期",
                                           "本期节目", "在本期", "今天的嘉宾", "我们讨论了"};
static const char *const trailer_cues[] = {"想要了解更多", "往期精选", "阅读原文", "Read More", "正文完",
                                           "扫码", "关注公众号", "权益福利", "相关文章", "热门文章",
                                           "最新评论", "文章搜索", "▼"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int contains_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i])) return 1;
    return 0;
}

static int starts_with_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (starts_with(s, words[i])) return 1;
    return 0;
}

/* Normalises spaces: every Unicode space becomes ' ', runs collapse, ends are trimmed. */
static char *normalise_line(const char *s, size_t len, size_t *out_len)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_reserve(&sb, len);
    int pending_space = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) n = 1, cp = 0xFFFD; /* cannot happen after utf8_check */
        if (utf8_is_space(cp)) {
            pending_space = sb.len > 0;
        } else {
            if (pending_space) sb_addc(&sb, ' ');
            pending_space = 0;
            sb_add(&sb, s + i, (size_t)n);
        }
        i += (size_t)n;
    }
    *out_len = sb.len;
    return sb_detach(&sb);
}

static size_t skip_spaces(const char *s, size_t i)
{
    while (s[i] == ' ') i++;
    return i;
}

/* Length of a ':' or '：' at s, else 0. */
static size_t colon_len(const char *s)
{
    if (s[0] == ':') return 1;
    if (starts_with(s, "\xEF\xBC\x9A")) return 3; /* U+FF1A FULLWIDTH COLON */
    return 0;
}

static int cmp_label_len_desc(const void *a, const void *b)
{
    const struct label *x = a, *y = b;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

/* A label matches at the start of a line if the alias is followed by a non-letter, an
 * upper-case Latin letter (glued labels such as "DwarkeshGodot"), or a non-ASCII char. */
static int match_label(const struct label *labels, int n_labels, struct src_line *ln)
{
    for (int i = 0; i < n_labels; i++) {
        if (strncmp(ln->norm, labels[i].alias, labels[i].len) != 0) continue;
        unsigned char next = (unsigned char)ln->norm[labels[i].len];
        if (next >= 'a' && next <= 'z') continue;
        size_t p = skip_spaces(ln->norm, labels[i].len);
        p = skip_spaces(ln->norm, p + colon_len(ln->norm + p));
        ln->kind = LINE_LABEL;
        ln->speaker = labels[i].speaker;
        ln->rest = ln->norm + p;
        return 1;
    }
    return 0;
}

/* A heading is a short stand-alone line: at most 40 characters, no sentence punctuation
 * at its end, not a list item. */
static int heading_like(const struct src_line *ln)
{
    size_t chars = utf8_length(ln->norm, ln->norm_len);
    if (chars == 0 || chars > 40) return 0;
    static const char *const enders[] = {"。", "？", "！", "，", "；", "：", "、", "…", ".", "?", "!", ",", ";", ":"};
    for (size_t i = 0; i < COUNT(enders); i++) {
        size_t l = strlen(enders[i]);
        if (ln->norm_len >= l && memcmp(ln->norm + ln->norm_len - l, enders[i], l) == 0) return 0;
    }
    if (strstr(ln->norm, "。")) return 0;
    static const char *const bullets[] = {"–", "—", "-", "•", "·", "*"};
    if (starts_with_any(ln->norm, bullets, COUNT(bullets))) return 0;
    return 1;
}

/* ---- growing arrays of the document ---- */

static void add_note(struct doc_note **arr, int *n, int line, const char *text)
{
    *arr = xrealloc(*arr, sizeof **arr * (size_t)(*n + 1));
    (*arr)[*n].line = line;
    (*arr)[*n].text = xstrdup(text);
    (*n)++;
}

static void drop(struct document *doc, struct src_line *lines, int i, const char *reason)
{
    add_note(&doc->dropped, &doc->n_dropped, i + 1, reason);
    lines[i].used = 1;
}

static void open_section(struct document *doc, const char *title, int line)
{
    doc->sections = xrealloc(doc->sections, sizeof *doc->sections * (size_t)(doc->n_sections + 1));
    struct doc_section *s = &doc->sections[doc->n_sections];
    s->index = doc->n_sections++;
    s->title = xstrdup(title);
    s->line = line;
    s->first_turn = doc->n_turns;
    s->n_turns = 0;
}

/* Starts a turn; text is added with append_text(). */
static struct doc_turn *open_turn(struct document *doc, int speaker, int line)
{
    if (doc->n_sections == 0) open_section(doc, "", line);
    doc->turns = xrealloc(doc->turns, sizeof *doc->turns * (size_t)(doc->n_turns + 1));
    struct doc_turn *t = &doc->turns[doc->n_turns];
    t->index = doc->n_turns++;
    t->speaker = speaker;
    t->section = doc->n_sections - 1;
    t->line = line;
    t->text = NULL;
    doc->sections[doc->n_sections - 1].n_turns++;
    return t;
}

static int is_latin_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Appends a line to a text being built: a new paragraph joins with '\n'; a line that
 * continues the same paragraph (a sentence broken across lines) joins directly, with a
 * space only between two Latin words ("Deep" + "Blue"). */
static void append_text(struct strbuf *sb, const char *s, int new_paragraph)
{
    if (!*s) return;
    if (sb->len > 0) {
        if (new_paragraph) sb_addc(sb, '\n');
        else if (is_latin_alnum((unsigned char)sb->data[sb->len - 1]) && is_latin_alnum((unsigned char)s[0]))
            sb_addc(sb, ' ');
    }
    sb_adds(sb, s);
}

/* The speaker for a turn whose label is missing: the most recent speaker other than the
 * previous turn's, or else the first other speaker. */
static int speaker_by_alternation(const struct document *doc, const struct voice_set *vs)
{
    if (doc->n_turns == 0) return voices_host(vs);
    int prev = doc->turns[doc->n_turns - 1].speaker;
    for (int i = doc->n_turns - 2; i >= 0; i--)
        if (doc->turns[i].speaker != prev) return doc->turns[i].speaker;
    for (int i = 0; i < vs->n_profiles; i++)
        if (i != prev && vs->profiles[i].role != ROLE_NARRATOR) return i;
    return prev;
}

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    return xstrndup(base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

/* ---- front matter: lines [0, first) ---- */

static void assemble_front_matter(struct document *doc, struct src_line *lines, int first,
                                  const struct voice_set *vs)
{
    /* The heading of the first dialogue section: the last non-blank, non-caption line. */
    int heading = -1;
    for (int i = first - 1; i >= 0; i--) {
        if (lines[i].kind == LINE_BLANK || lines[i].kind == LINE_CAPTION) continue;
        if (lines[i].kind == LINE_TEXT && heading_like(&lines[i])) heading = i;
        break;
    }
    /* The title: the first non-blank line that is not that heading. */
    int title = -1;
    for (int i = 0; i < first; i++)
        if (lines[i].kind != LINE_BLANK && i != heading) {
            title = i;
            break;
        }
    if (title >= 0) {
        doc->title = xstrdup(lines[title].norm);
        drop(doc, lines, title, "page title (used as the document title)");
    } else {
        doc->title = file_stem(doc->path);
    }
    int opening = -1;
    for (int i = 0; i < first; i++) {
        struct src_line *ln = &lines[i];
        if (ln->used || ln->kind == LINE_BLANK || i == heading) continue;
        if (ln->kind == LINE_CAPTION) {
            drop(doc, lines, i, "page title repeated (image caption)");
        } else if (opening < 0 && ln->norm_len <= 72 && contains_any(ln->norm, header_words, COUNT(header_words))) {
            drop(doc, lines, i, "page header (read count, comments)");
        } else if (opening < 0 && starts_with_any(ln->norm, opening_cues, COUNT(opening_cues))) {
            opening = i;
        }
    }
    /* Preface: what is left before the opening (or before the heading, if no opening). */
    int preface_end = opening >= 0 ? opening : (heading >= 0 ? heading : first);
    struct strbuf para;
    sb_init(&para);
    int para_line = 0;
    for (int i = 0; i <= preface_end; i++) {
        int breaks = i == preface_end || lines[i].used || lines[i].kind == LINE_BLANK;
        if (breaks && para.len) {
            add_note(&doc->preface, &doc->n_preface, para_line, sb_cstr(&para));
            para.len = 0;
        }
        if (i == preface_end || breaks) continue;
        if (!para.len) para_line = i + 1;
        append_text(&para, lines[i].norm, 0);
        lines[i].used = 1;
    }
    sb_free(&para);

    if (opening >= 0) {
        open_section(doc, DOC_OPENING_TITLE, opening + 1);
        struct doc_turn *t = open_turn(doc, voices_host(vs), opening + 1);
        struct strbuf text;
        sb_init(&text);
        int new_para = 1;
        int end = heading >= 0 ? heading : first;
        for (int i = opening; i < end; i++) {
            if (lines[i].kind == LINE_BLANK || lines[i].used) {
                new_para = 1;
                continue;
            }
            append_text(&text, lines[i].norm, new_para);
            new_para = 0;
            lines[i].used = 1;
        }
        t->text = sb_detach(&text);
    }
    if (heading >= 0) {
        open_section(doc, lines[heading].norm, heading + 1);
        lines[heading].used = 1;
    } else if (opening >= 0) {
        open_section(doc, "", first + 1);
    }
}

/* ---- dialogue: lines [first, end) ---- */

static void assemble_dialogue(struct document *doc, struct src_line *lines, int first, int end,
                              const struct voice_set *vs)
{
    struct strbuf text;
    sb_init(&text);
    struct doc_turn *turn = NULL;
    int new_para = 1;
    for (int i = first; i < end; i++) {
        struct src_line *ln = &lines[i];
        if (ln->kind == LINE_BLANK) {
            new_para = 1;
            continue;
        }
        if (ln->kind == LINE_CAPTION) {
            drop(doc, lines, i, "page title repeated (image caption)");
            new_para = 1;
            continue;
        }
        if (ln->kind == LINE_TEXT && new_para && heading_like(ln)) {
            int next = i + 1;
            while (next < end && (lines[next].kind == LINE_BLANK || lines[next].kind == LINE_CAPTION)) next++;
            if (next < end && next > i + 1 && (lines[next].kind == LINE_LABEL || lines[next].kind == LINE_NO_LABEL)) {
                if (turn) turn->text = sb_detach(&text);
                turn = NULL;
                open_section(doc, ln->norm, i + 1);
                ln->used = 1;
                continue;
            }
        }
        if (ln->kind == LINE_LABEL || ln->kind == LINE_NO_LABEL) {
            if (turn) turn->text = sb_detach(&text);
            int speaker = ln->speaker;
            if (ln->kind == LINE_NO_LABEL) {
                speaker = speaker_by_alternation(doc, vs);
                struct strbuf w;
                sb_init(&w);
                sb_printf(&w, "paragraph starts with a colon but no speaker label; attributed to %s by "
                          "alternation (write the speaker's name before the colon to be sure)",
                          vs->profiles[speaker].name);
                add_note(&doc->warnings, &doc->n_warnings, i + 1, sb_cstr(&w));
                sb_free(&w);
            }
            turn = open_turn(doc, speaker, i + 1);
            append_text(&text, ln->rest, 1);
            new_para = 0;
            ln->used = 1;
            continue;
        }
        /* A paragraph without a label continues the current turn. */
        append_text(&text, ln->norm, new_para);
        new_para = 0;
        ln->used = 1;
    }
    if (turn) turn->text = sb_detach(&text);
    sb_free(&text);
}

static int assemble(struct document *doc, struct src_line *lines, int n_lines,
                    const struct voice_set *vs, struct rc_error *err)
{
    int first = -1, last = -1;
    for (int i = 0; i < n_lines; i++)
        if (lines[i].kind == LINE_LABEL || lines[i].kind == LINE_NO_LABEL) {
            if (first < 0) first = i;
            last = i;
        }
    if (first < 0 || lines[first].kind != LINE_LABEL) {
        struct strbuf names;
        sb_init(&names);
        for (int i = 0; i < vs->n_profiles; i++)
            for (int a = 0; a < vs->profiles[i].n_aliases; a++)
                sb_printf(&names, "%s\"%s\"", names.len ? ", " : "", vs->profiles[i].aliases[a]);
        rc_fail(err, RC_DATAERR,
                "%s: no speaker turns: no paragraph starts with a speaker label (known labels: %s; "
                "add an alias to a profile in %s)", doc->path, sb_cstr(&names), vs->dir);
        sb_free(&names);
        return -1;
    }
    /* The trailer starts at the first caption or trailer cue after the last labelled turn. */
    int end = n_lines;
    for (int i = last + 1; i < n_lines; i++)
        if (lines[i].kind == LINE_CAPTION ||
            (lines[i].kind == LINE_TEXT && contains_any(lines[i].norm, trailer_cues, COUNT(trailer_cues))) ||
            (lines[i].kind == LINE_TEXT && strcmp(lines[i].norm, "END") == 0)) {
            end = i;
            break;
        }

    assemble_front_matter(doc, lines, first, vs);
    assemble_dialogue(doc, lines, first, end, vs);
    for (int i = end; i < n_lines; i++)
        if (lines[i].kind != LINE_BLANK) drop(doc, lines, i, "after the end of the dialogue (page trailer)");
    /* Sections that ended up without turns (a heading followed only by captions) go. */
    int kept = 0;
    for (int s = 0; s < doc->n_sections; s++) {
        if (doc->sections[s].n_turns == 0) {
            add_note(&doc->dropped, &doc->n_dropped, doc->sections[s].line, "heading without any turn");
            free(doc->sections[s].title);
            continue;
        }
        doc->sections[kept] = doc->sections[s];
        doc->sections[kept].index = kept;
        for (int t = 0; t < doc->sections[kept].n_turns; t++)
            doc->turns[doc->sections[kept].first_turn + t].section = kept;
        kept++;
    }
    doc->n_sections = kept;
    /* Keep dropped lines in line order (front matter and trailer were added separately). */
    for (int i = 1; i < doc->n_dropped; i++)
        for (int j = i; j > 0 && doc->dropped[j].line < doc->dropped[j - 1].line; j--) {
            struct doc_note t = doc->dropped[j];
            doc->dropped[j] = doc->dropped[j - 1];
            doc->dropped[j - 1] = t;
        }
    return 0;
}

int doc_parse(const char *path, const char *text, size_t len, const struct voice_set *vs,
              struct document *doc, struct rc_error *err)
{
    memset(doc, 0, sizeof *doc);
    doc->path = xstrdup(path);
    if (utf8_check(path, text, len, err) != 0) goto fail;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;

    /* Pass 1: lines. */
    int n_lines = 0, cap = 0;
    struct src_line *lines = NULL;
    /* a line ends at LF, CRLF or a lone CR (old Mac files, stray CRs pasted from a page) */
    for (size_t i = 0; i <= len;) {
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r') e++;
        const char *nl = e < len ? text + e : NULL;
        if (!nl && i == len && n_lines > 0) break; /* no empty last line after a final break */
        if (n_lines == cap) {
            cap = cap ? cap * 2 : 256;
            lines = xrealloc(lines, sizeof *lines * (size_t)cap);
        }
        struct src_line *ln = &lines[n_lines++];
        memset(ln, 0, sizeof *ln);
        ln->norm = normalise_line(text + i, e - i, &ln->norm_len);
        i = e + 1 + (nl && *nl == '\r' && e + 1 < len && text[e + 1] == '\n');
        if (!nl) break;
    }

    int any = 0;
    for (int i = 0; i < n_lines && !any; i++) any = lines[i].norm_len > 0;
    if (!any) {
        rc_fail(err, RC_DATAERR, "%s: the file is empty (no text at all); give a transcript file", path);
        goto fail_lines;
    }

    /* Pass 2: classify. */
    struct label *labels = NULL;
    int n_labels = 0;
    for (int p = 0; p < vs->n_profiles; p++)
        for (int a = 0; a < vs->profiles[p].n_aliases; a++) {
            labels = xrealloc(labels, sizeof *labels * (size_t)(n_labels + 1));
            labels[n_labels++] = (struct label){vs->profiles[p].aliases[a], strlen(vs->profiles[p].aliases[a]), p};
        }
    qsort(labels, (size_t)n_labels, sizeof *labels, cmp_label_len_desc);
    const char *title = NULL;
    for (int i = 0; i < n_lines; i++) {
        struct src_line *ln = &lines[i];
        if (ln->norm_len == 0) {
            ln->kind = LINE_BLANK;
        } else if (match_label(labels, n_labels, ln)) {
            /* kind set */
        } else if (colon_len(ln->norm)) {
            ln->kind = LINE_NO_LABEL;
            ln->rest = ln->norm + skip_spaces(ln->norm, colon_len(ln->norm));
        } else if (title && strcmp(ln->norm, title) == 0) {
            ln->kind = LINE_CAPTION;
        } else {
            ln->kind = LINE_TEXT;
            if (!title) title = ln->norm;
        }
    }
    free(labels);

    /* Pass 3: assemble. */
    int rc = assemble(doc, lines, n_lines, vs, err);
    for (int i = 0; i < n_lines; i++) free(lines[i].norm);
    free(lines);
    if (rc != 0) goto fail;
    return 0;

fail_lines:
    for (int i = 0; i < n_lines; i++) free(lines[i].norm);
    free(lines);
fail:
    doc_free(doc);
    return -1;
}

int doc_parse_file(const char *path, const struct voice_set *vs, struct document *doc,
                   struct rc_error *err)
{
    char *text;
    size_t len;
    if (read_file(path, &text, &len, err) != 0) return -1;
    int rc = doc_parse(path, text, len, vs, doc, err);
    free(text);
    return rc;
}

static void free_notes(struct doc_note *notes, int n)
{
    for (int i = 0; i < n; i++) free(notes[i].text);
    free(notes);
}

void doc_free(struct document *doc)
{
    for (int i = 0; i < doc->n_turns; i++) free(doc->turns[i].text);
    for (int i = 0; i < doc->n_sections; i++) free(doc->sections[i].title);
    free(doc->turns);
    free(doc->sections);
    free_notes(doc->preface, doc->n_preface);
    free_notes(doc->dropped, doc->n_dropped);
    free_notes(doc->warnings, doc->n_warnings);
    free(doc->path);
    free(doc->title);
    memset(doc, 0, sizeof *doc);
}
