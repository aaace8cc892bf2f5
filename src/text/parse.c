/* parse.c: see parse.h.
 *
 * Three passes over the lines of the page:
 *   1. prepare: check UTF-8, drop a BOM, split lines (LF or CRLF), normalise spaces,
 *      remove the markup (markup.h: a line may be dropped as furniture or be a heading);
 *   2. classify each line: blank, dropped, heading, repeated page title (caption),
 *      labelled turn start (the labels detected from the page itself, detect.h), turn
 *      start with a missing label (":..."), or plain text;
 *   3. assemble: the lines before the first labelled turn are front matter (title,
 *      header furniture, preface, the host's opening, the first heading); the lines from
 *      the first labelled turn to the trailer are the dialogue (turns, continuation
 *      paragraphs, headings); the trailer (from the first caption or trailer cue after
 *      the last labelled turn) is dropped.
 * Then every speaker is cast (config/casting.h) and turns point at their profiles.
 * Each pass is linear in the input size. */
#include "text/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "config/casting.h"
#include "text/detect.h"
#include "text/markup.h"

enum line_kind { LINE_BLANK, LINE_DROPPED, LINE_HEADING, LINE_CAPTION, LINE_LABEL, LINE_NO_LABEL, LINE_TEXT };

struct src_line {
    char *norm;           /* normalised text with the markup removed (owned) */
    size_t norm_len;
    enum line_kind kind;
    const char *reason;   /* LINE_DROPPED: why */
    unsigned markup;      /* MARKUP_LIST, MARKUP_QUOTE, MARKUP_BOLD */
    int speaker;          /* LINE_LABEL: index into the detected speakers */
    const char *rest;     /* LINE_LABEL / LINE_NO_LABEL: text after the label (into norm) */
    int used;             /* assigned to the document (turn, heading, preface, dropped) */
};


/* Page furniture cues.  Matched against whole normalised lines. */
static const char *const header_words[] = {"阅读", "评论", "点赞", "收藏", "分享", "浏览", "发布于", "来源:",
                                           "来源：", "作者:", "作者："};
static const char *const opening_cues[] = {"这是我与", "这是我和", "这是我跟", "欢迎收听", "欢迎来到本期",
                                           "本期节目", "在本期", "今天的嘉宾", "我们讨论了"};
static const char *const trailer_cues[] = {"想要了解更多", "往期精选", "阅读原文", "Read More", "正文完",
                                           "扫码", "关注公众号", "权益福利", "相关文章", "热门文章",
                                           "最新评论", "文章搜索", "▼", "Most Popular", "Subscribe to",
                                           "相关新闻", "相关阅读", "延伸阅读", "延伸閱讀", "更多文章",
                                           "责任编辑", "責任編輯", "责编：", "責編：", "分享让更多人看到"};
/* Lines that are page furniture wherever they stand (whole line, case-insensitive). */
static const char *const furniture_lines[] = {"transcript", "full transcript", "links", "share", "subscribe",
                                              "listen", "文字实录", "全文", "实录", "（完）", "(完)", "完"};
/* Line prefixes of image credits and captions. */
static const char *const credit_prefixes[] = {"Image Credits", "Image credit", "Photo:", "Photo credit", "Credit:",
                                              "图片来源", "图源", "图片：", "圖片來源", "圖源", "摄影：", "攝影："};
/* A heading that starts a table of contents; its list items go with it. */
static const char *const toc_headings[] = {"table of contents", "contents", "chapters", "timestamps",
                                           "outline", "show notes", "目录", "目錄", "章节", "本期目录"};
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

/* A date or time of publication: "2024年05月20日 10:12", "2019-12-30 19:11", "March 3, 2024". */
static int dateline(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (!(p[0] >= '0' && p[0] <= '9')) continue;
        int d = 0;
        while (p[d] >= '0' && p[d] <= '9') d++;
        if (d == 4 && (starts_with(p + 4, "年") || p[4] == '-' || p[4] == '/') && p[5 + (p[4] == '-' || p[4] == '/' ? 0 : 2)] >= '0' &&
            p[5 + (p[4] == '-' || p[4] == '/' ? 0 : 2)] <= '9')
            return 1;
        if ((d == 1 || d == 2) && p[d] == ':' && p[d + 1] >= '0' && p[d + 1] <= '9' && p[d + 2] >= '0' && p[d + 2] <= '9')
            return 1;
        p += d - 1;
    }
    return 0;
}

/* A heading is a short stand-alone line: at most 40 characters, no sentence punctuation
 * at its end, not a list item. */
static int heading_like(const struct src_line *ln)
{
    size_t chars = utf8_length(ln->norm, ln->norm_len);
    if (chars == 0 || chars > 40) return 0;
    static const char *const enders[] = {"。", "？", "！", "，", "；", "：", "、", "…", ".", "?", "!", ",", ";", ":",
                                         "—", "–", "-"};
    if (ln->markup & (MARKUP_LIST | MARKUP_QUOTE)) return 0;
    if (dateline(ln->norm)) return 0;
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

/* Sorts notes by line, keeping the order of notes of one line (a merge sort: stable and
 * O(n log n) however the notes were added). */
static void sort_notes_by_line(struct doc_note *notes, int n)
{
    if (n < 2) return;
    struct doc_note *tmp = xcalloc((size_t)n, sizeof *tmp);
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int a = lo, b = mid, k = lo;
            while (a < mid && b < hi) tmp[k++] = notes[b].line < notes[a].line ? notes[b++] : notes[a++];
            while (a < mid) tmp[k++] = notes[a++];
            while (b < hi) tmp[k++] = notes[b++];
        }
        memcpy(notes, tmp, sizeof *notes * (size_t)n);
    }
    free(tmp);
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

/* What the assembly passes share: the detected speakers and the language. */
struct parse_ctx {
    struct detect_result det;
    int host;    /* detected speaker who gets an unlabeled opening */
    int english; /* lines of one paragraph join with a space */
};

/* Appends a line to a text being built: a new paragraph joins with '\n'; a line that
 * continues the same paragraph (a sentence broken across lines) joins directly, with a
 * space only between two Latin words ("Deep" + "Blue"), or always in English text. */
static void append_text(struct strbuf *sb, const char *s, int new_paragraph, int english)
{
    if (!*s) return;
    if (sb->len > 0) {
        if (new_paragraph) sb_addc(sb, '\n');
        else if ((english && sb->data[sb->len - 1] != ' ') ||
                 (is_latin_alnum((unsigned char)sb->data[sb->len - 1]) && is_latin_alnum((unsigned char)s[0])))
            sb_addc(sb, ' ');
    }
    sb_adds(sb, s);
}

/* The speaker for a turn whose label is missing: the most recent speaker other than the
 * previous turn's, or else the first other speaker. */
static int speaker_by_alternation(const struct document *doc, const struct parse_ctx *ctx)
{
    if (doc->n_turns == 0) return ctx->host;
    int prev = doc->turns[doc->n_turns - 1].speaker;
    for (int i = doc->n_turns - 2; i >= 0; i--)
        if (doc->turns[i].speaker != prev) return doc->turns[i].speaker;
    for (int i = 0; i < ctx->det.n_speakers; i++)
        if (i != prev) return i;
    return prev;
}

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    return xstrndup(base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

static int is_blank_kind(enum line_kind k) { return k == LINE_BLANK || k == LINE_DROPPED; }

/* ---- front matter: lines [0, first) ---- */

static void assemble_front_matter(struct document *doc, struct src_line *lines, int first,
                                  const struct parse_ctx *ctx)
{
    /* The heading of the first dialogue section: the last non-blank, non-caption line. */
    int heading = -1;
    for (int i = first - 1; i >= 0; i--) {
        if (is_blank_kind(lines[i].kind) || lines[i].kind == LINE_CAPTION) continue;
        if ((lines[i].kind == LINE_TEXT && heading_like(&lines[i])) || lines[i].kind == LINE_HEADING) heading = i;
        break;
    }
    /* The title: the first non-blank line that is not that heading. */
    int title = -1;
    for (int i = 0; i < first; i++)
        if (!is_blank_kind(lines[i].kind) && i != heading) {
            title = i;
            break;
        }
    if (title < 0 && heading >= 0) {
        /* An explicit heading, or a line after nothing but page furniture, with nothing else
         * before the dialogue: it is the page title. */
        int only = 1, furniture = 0;
        for (int i = 0; i < heading && only; i++) only = is_blank_kind(lines[i].kind), furniture |= lines[i].kind == LINE_DROPPED;
        if (only && (lines[heading].kind == LINE_HEADING || furniture)) title = heading, heading = -1;
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
        if (ln->kind == LINE_DROPPED) {
            drop(doc, lines, i, ln->reason);
        } else if (ln->kind == LINE_CAPTION) {
            drop(doc, lines, i, "page title repeated (image caption)");
        } else if (opening < 0 && ln->norm_len <= 72 && contains_any(ln->norm, header_words, COUNT(header_words))) {
            drop(doc, lines, i, "page header (read count, comments)");
        } else if (opening < 0 && !(ln->markup & MARKUP_QUOTE) &&
                   starts_with_any(ln->norm, opening_cues, COUNT(opening_cues))) {
            opening = i;
        }
    }
    /* Preface: what is left before the opening (or before the heading, if no opening). */
    int preface_end = opening >= 0 ? opening : (heading >= 0 ? heading : first);
    struct strbuf para;
    sb_init(&para);
    int para_line = 0;
    for (int i = 0; i <= preface_end; i++) {
        int breaks = i == preface_end || lines[i].used || is_blank_kind(lines[i].kind) ||
                     lines[i].kind == LINE_HEADING || (lines[i].markup & MARKUP_LIST);
        if (breaks && para.len) {
            add_note(&doc->preface, &doc->n_preface, para_line, sb_cstr(&para));
            para.len = 0;
        }
        if (i == preface_end || lines[i].used || is_blank_kind(lines[i].kind)) continue;
        if (!para.len) para_line = i + 1;
        append_text(&para, lines[i].norm, 0, ctx->english);
        lines[i].used = 1;
        if (lines[i].kind == LINE_HEADING) {
            add_note(&doc->preface, &doc->n_preface, para_line, sb_cstr(&para));
            para.len = 0;
        }
    }
    sb_free(&para);

    if (opening >= 0) {
        open_section(doc, DOC_OPENING_TITLE, opening + 1);
        struct doc_turn *t = open_turn(doc, ctx->host, opening + 1);
        struct strbuf text;
        sb_init(&text);
        int new_para = 1;
        int end = heading >= 0 ? heading : first;
        for (int i = opening; i < end; i++) {
            if (is_blank_kind(lines[i].kind) || lines[i].used) {
                if (lines[i].kind == LINE_DROPPED && !lines[i].used) drop(doc, lines, i, lines[i].reason);
                new_para = 1;
                continue;
            }
            append_text(&text, lines[i].norm, new_para || (lines[i].markup & MARKUP_LIST), ctx->english);
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
                              const struct parse_ctx *ctx)
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
        if (ln->kind == LINE_DROPPED) {
            drop(doc, lines, i, ln->reason);
            new_para = 1;
            continue;
        }
        if (ln->kind == LINE_CAPTION) {
            drop(doc, lines, i, "page title repeated (image caption)");
            new_para = 1;
            continue;
        }
        if (ln->kind == LINE_HEADING ||
            (ln->kind == LINE_TEXT && (new_para || (ln->markup & MARKUP_BOLD)) && heading_like(ln))) {
            int next = i + 1;
            while (next < end && (is_blank_kind(lines[next].kind) || lines[next].kind == LINE_CAPTION)) next++;
            int explicit_heading = ln->kind == LINE_HEADING || (ln->markup & MARKUP_BOLD);
            if (next < end && (next > i + 1 || explicit_heading) &&
                (lines[next].kind == LINE_LABEL || lines[next].kind == LINE_NO_LABEL || explicit_heading)) {
                if (turn) turn->text = sb_detach(&text);
                turn = NULL;
                open_section(doc, ln->norm, i + 1);
                ln->used = 1;
                new_para = 1;
                continue;
            }
        }
        if (ln->kind == LINE_LABEL || ln->kind == LINE_NO_LABEL) {
            if (turn) turn->text = sb_detach(&text);
            int speaker = ln->speaker;
            if (ln->kind == LINE_NO_LABEL) {
                speaker = speaker_by_alternation(doc, ctx);
                struct strbuf w;
                sb_init(&w);
                sb_printf(&w, "paragraph starts with a colon but no speaker label; attributed to %s by "
                          "alternation (write the speaker's name before the colon to be sure)",
                          ctx->det.speakers[speaker].name);
                add_note(&doc->warnings, &doc->n_warnings, i + 1, sb_cstr(&w));
                sb_free(&w);
            }
            turn = open_turn(doc, speaker, i + 1);
            append_text(&text, ln->rest, 1, ctx->english);
            new_para = !*ln->rest;
            ln->used = 1;
            continue;
        }
        /* A paragraph without a label continues the current turn; a list item is a
         * paragraph of its own. */
        append_text(&text, ln->norm, new_para || (ln->markup & MARKUP_LIST), ctx->english);
        new_para = 0;
        ln->used = 1;
    }
    if (turn) turn->text = sb_detach(&text);
    sb_free(&text);
}

/* A page whose turns never run on into a second paragraph (every paragraph of the
 * dialogue starts with a label) ends its dialogue at the first blank line after the last
 * turn's paragraph: what follows is the page's credits and links. */
static int end_after_last_turn(const struct src_line *lines, int first, int last, int n_lines)
{
    int labels = 0;
    for (int i = first; i <= last; i++) labels += lines[i].kind == LINE_LABEL;
    if (labels < 4) return -1; /* too few turns to tell the page's habit */
    for (int i = first + 1; i <= last; i++) {
        if (lines[i].kind != LINE_TEXT || !is_blank_kind(lines[i - 1].kind)) continue;
        /* The first paragraph after a label that stands alone is that turn's speech. */
        int p = i - 1;
        while (p > first && is_blank_kind(lines[p].kind)) p--;
        if (lines[p].kind == LINE_LABEL && !*lines[p].rest) continue;
        return -1; /* a continuation paragraph: the rule does not apply */
    }
    int i = last + 1;
    if (!*lines[last].rest)
        while (i < n_lines && is_blank_kind(lines[i].kind)) i++;
    while (i < n_lines && !is_blank_kind(lines[i].kind)) i++;
    return i;
}

static int assemble(struct document *doc, struct src_line *lines, int n_lines, const struct parse_ctx *ctx,
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
                "%s: no speaker turns: no speaker label recurs at the start of paragraphs (%s%s; the profiles "
                "in %s know: %s). Write each turn as \"Name: text\" (or the name alone on a line before its "
                "paragraphs), or add an alias to a profile in %s",
                doc->path, *ctx->det.candidates ? "label-like names seen: " : "no label-like names seen",
                ctx->det.candidates, vs->dir, names.len ? sb_cstr(&names) : "no labels", vs->dir);
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
    int tight = end_after_last_turn(lines, first, last, n_lines);
    if (tight >= 0 && tight < end) end = tight;

    assemble_front_matter(doc, lines, first, ctx);
    assemble_dialogue(doc, lines, first, end, ctx);
    for (int i = end; i < n_lines; i++)
        if (lines[i].kind != LINE_BLANK)
            drop(doc, lines, i, lines[i].kind == LINE_DROPPED ? lines[i].reason : "after the end of the dialogue (page trailer)");
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
    sort_notes_by_line(doc->dropped, doc->n_dropped);
    return 0;
}

/* Lines that are furniture by their whole text, and tables of contents. */
static void mark_furniture(struct src_line *lines, int n_lines)
{
    for (int i = 0; i < n_lines; i++) {
        struct src_line *ln = &lines[i];
        if (ln->kind != LINE_TEXT && ln->kind != LINE_HEADING) continue;
        int toc = 0, furniture = 0;
        for (size_t k = 0; k < COUNT(toc_headings) && !toc; k++) toc = strcasecmp(ln->norm, toc_headings[k]) == 0;
        for (size_t k = 0; k < COUNT(furniture_lines) && !furniture; k++)
            furniture = strcasecmp(ln->norm, furniture_lines[k]) == 0;
        if (ln->norm_len > 6 && strcasecmp(ln->norm + ln->norm_len - 6, " links") == 0 && ln->norm_len < 40)
            furniture = 1;
        if (furniture) {
            ln->kind = LINE_DROPPED, ln->reason = "page furniture (a heading of the page, not of the talk)";
            continue;
        }
        if (starts_with_any(ln->norm, credit_prefixes, COUNT(credit_prefixes))) {
            ln->kind = LINE_DROPPED, ln->reason = "image credit";
            continue;
        }
        if (ln->norm_len < 120 && (strstr(ln->norm, " > ") || strstr(ln->norm, " \xC2\xBB ") || strstr(ln->norm, " \xE2\x80\xBA "))) {
            ln->kind = LINE_DROPPED, ln->reason = "breadcrumb navigation";
            continue;
        }
        if (!toc) continue;
        ln->kind = LINE_DROPPED, ln->reason = "table of contents";
        for (int j = i + 1; j < n_lines; j++) {
            if (lines[j].kind == LINE_BLANK || lines[j].kind == LINE_DROPPED) continue;
            if (!(lines[j].markup & MARKUP_LIST) || lines[j].kind != LINE_TEXT) break;
            lines[j].kind = LINE_DROPPED, lines[j].reason = "table of contents";
            i = j;
        }
    }
}

/* English when Latin letters outnumber Han characters three to one in the speech. */
static int mostly_english(const struct src_line *lines, int n_lines)
{
    long han = 0, latin = 0;
    for (int i = 0; i < n_lines; i++) {
        if (lines[i].kind != LINE_LABEL && lines[i].kind != LINE_TEXT) continue;
        const char *s = lines[i].kind == LINE_LABEL ? lines[i].rest : lines[i].norm;
        for (size_t k = 0, n = strlen(s); k < n;) {
            uint32_t cp;
            int l = utf8_decode(s + k, n - k, &cp);
            if (l <= 0) l = 1, cp = 0;
            if (utf8_is_han(cp)) han++;
            else if (cp < 128 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) latin++;
            k += (size_t)l;
        }
    }
    return latin > 3 * han;
}

static enum voice_role voice_role_of(enum detect_role r)
{
    return r == DETECT_ROLE_HOST ? ROLE_HOST : r == DETECT_ROLE_NARRATOR ? ROLE_NARRATOR : ROLE_GUEST;
}

/* Casts the detected speakers and points every turn at its profile. */
static int cast_speakers(struct document *doc, struct parse_ctx *ctx, struct voice_set *vs, struct rc_error *err)
{
    int n = ctx->det.n_speakers;
    /* Only speakers with turns in the document (the trailer may have taken some). */
    int *turns = xcalloc((size_t)(n ? n : 1), sizeof *turns);
    for (int t = 0; t < doc->n_turns; t++) turns[doc->turns[t].speaker]++;
    int *index = xcalloc((size_t)(n ? n : 1), sizeof *index);
    struct cast_speaker *cs = xcalloc((size_t)(n ? n : 1), sizeof *cs);
    int m = 0;
    for (int k = 0; k < n; k++) {
        index[k] = -1;
        if (!turns[k]) continue;
        const struct detect_speaker *d = &ctx->det.speakers[k];
        cs[m] = (struct cast_speaker){d->name, d->label, d->profile,
                                      d->role == DETECT_ROLE_NONE ? -1 : (int)voice_role_of(d->role), NULL};
        index[k] = m++;
    }
    /* Speakers of adjacent turns must sound apart. */
    struct cast_pair *pairs = xcalloc((size_t)(doc->n_turns ? doc->n_turns : 1), sizeof *pairs);
    int n_pairs = 0;
    for (int t = 1; t < doc->n_turns; t++) {
        int a = index[doc->turns[t - 1].speaker], b = index[doc->turns[t].speaker];
        if (a != b) pairs[n_pairs++] = (struct cast_pair){a, b};
    }
    int rc = casting_assign(vs, cs, m, pairs, n_pairs, doc->lang == DOC_LANG_EN, err);
    if (rc == 0) {
        doc->speakers = xcalloc((size_t)(m ? m : 1), sizeof *doc->speakers);
        for (int k = 0; k < n; k++) {
            if (index[k] < 0) continue;
            const struct detect_speaker *d = &ctx->det.speakers[k];
            struct doc_speaker *ds = &doc->speakers[doc->n_speakers++];
            ds->name = xstrdup(d->name);
            ds->label = xstrdup(d->label);
            ds->profile = cs[index[k]].profile;
            ds->cast = cs[index[k]].how;
            ds->role = d->role != DETECT_ROLE_NONE ? detect_role_name(d->role)
                       : cs[index[k]].how && strcmp(cs[index[k]].how, "automatic") != 0
                           ? voice_role_name(vs->profiles[ds->profile].role)
                           : "";
            ds->turns = turns[k];
        }
        for (int t = 0; t < doc->n_turns; t++) doc->turns[t].speaker = cs[index[doc->turns[t].speaker]].profile;
    }
    free(pairs), free(cs), free(index), free(turns);
    return rc;
}

/* The speaker who gets an unlabeled opening: a host by role word or profile, else the
 * first speaker. */
static int find_host(const struct detect_result *det, const struct voice_set *vs)
{
    for (int k = 0; k < det->n_speakers; k++)
        if (det->speakers[k].role == DETECT_ROLE_HOST) return k;
    for (int k = 0; k < det->n_speakers; k++)
        if (det->speakers[k].profile >= 0 && vs->profiles[det->speakers[k].profile].role == ROLE_HOST) return k;
    return 0;
}

int doc_parse(const char *path, const char *text, size_t len, struct voice_set *vs,
              struct document *doc, struct rc_error *err)
{
    memset(doc, 0, sizeof *doc);
    doc->path = xstrdup(path);
    doc->label_style = "none";
    if (utf8_check(path, text, len, err) != 0) goto fail;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;

    /* Pass 1: lines, spaces, markup. */
    int n_lines = 0, cap = 0;
    struct src_line *lines = NULL;
    /* a line ends at LF, CRLF or a lone CR (old Mac files, stray CRs pasted from a page) */
    struct markup_state ms = {0};
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
        size_t norm_len;
        char *norm = normalise_line(text + i, e - i, &norm_len);
        struct markup_line ml;
        markup_clean_line(&ms, norm, norm_len, &ml);
        if (ml.flags & MARKUP_CHANGED || ml.kind != MARKUP_TEXT) {
            free(norm);
            ln->norm = ml.text, ln->norm_len = ml.len;
        } else {
            free(ml.text);
            ln->norm = norm, ln->norm_len = norm_len;
        }
        ln->markup = ml.flags;
        ln->kind = ml.kind == MARKUP_DROP ? LINE_DROPPED : ml.kind == MARKUP_HEADING ? LINE_HEADING : LINE_TEXT;
        ln->reason = ml.reason;
        if (ln->kind == LINE_TEXT && ln->norm_len == 0) ln->kind = LINE_BLANK;
        i = e + 1 + (nl && *nl == '\r' && e + 1 < len && text[e + 1] == '\n');
        if (!nl) break;
    }

    int any = 0;
    for (int i = 0; i < n_lines && !any; i++) any = lines[i].norm_len > 0 || lines[i].kind == LINE_DROPPED;
    if (!any) {
        rc_fail(err, RC_DATAERR, "%s: the file is empty (no text at all); give a transcript file", path);
        goto fail_lines;
    }
    mark_furniture(lines, n_lines);

    /* Pass 2: classify, with the labels the page uses. */
    struct parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    struct detect_line *dl = xcalloc((size_t)n_lines, sizeof *dl);
    for (int i = 0; i < n_lines; i++) {
        dl[i].text = lines[i].norm, dl[i].len = lines[i].norm_len;
        dl[i].flags = (is_blank_kind(lines[i].kind) ? DETECT_BLANK : 0) | (lines[i].kind == LINE_HEADING ? DETECT_HEADING : 0) |
                      (lines[i].markup & MARKUP_LIST ? DETECT_LIST : 0) | (lines[i].markup & MARKUP_QUOTE ? DETECT_QUOTE : 0) |
                      (lines[i].markup & MARKUP_BOLD ? DETECT_BOLD : 0);
    }
    detect_labels(dl, n_lines, vs, &ctx.det);
    free(dl);
    doc->label_style = detect_style_name(ctx.det.style);
    ctx.host = find_host(&ctx.det, vs);
    const char *title = NULL;
    for (int i = 0; i < n_lines; i++) {
        struct src_line *ln = &lines[i];
        if (ln->kind != LINE_TEXT) {
            if (ln->kind == LINE_HEADING && !title) title = ln->norm;
            continue;
        }
        if (ctx.det.legend_of[i]) {
            ln->kind = LINE_DROPPED, ln->reason = "legend (who the speaker labels are)";
        } else if (ctx.det.speaker_of[i] >= 0) {
            ln->kind = LINE_LABEL;
            ln->speaker = ctx.det.speaker_of[i];
            ln->rest = ln->norm + ctx.det.rest_of[i];
        } else if (colon_len(ln->norm) && ctx.det.n_speakers > 0) {
            ln->kind = LINE_NO_LABEL;
            ln->rest = ln->norm + skip_spaces(ln->norm, colon_len(ln->norm));
        } else if (title && strcmp(ln->norm, title) == 0) {
            ln->kind = LINE_CAPTION;
        } else {
            if (!title) title = ln->norm;
        }
    }
    ctx.english = mostly_english(lines, n_lines);
    doc->lang = ctx.english ? DOC_LANG_EN : DOC_LANG_ZH;

    /* Pass 3: assemble, then cast. */
    int rc = assemble(doc, lines, n_lines, &ctx, vs, err);
    if (rc == 0) rc = cast_speakers(doc, &ctx, vs, err);
    detect_free(&ctx.det);
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

int doc_parse_file(const char *path, struct voice_set *vs, struct document *doc,
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
    for (int i = 0; i < doc->n_speakers; i++) free(doc->speakers[i].name), free(doc->speakers[i].label);
    free(doc->speakers);
    free(doc->turns);
    free(doc->sections);
    free_notes(doc->preface, doc->n_preface);
    free_notes(doc->dropped, doc->n_dropped);
    free_notes(doc->warnings, doc->n_warnings);
    free(doc->path);
    free(doc->title);
    memset(doc, 0, sizeof *doc);
}
