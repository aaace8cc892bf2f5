/* markup.c: see markup.h.
 *
 * A line goes through three passes, each linear: the whole-line forms (fences, front
 * matter, tables, rules, footnote definitions, headings, quotes, list markers), then the
 * inline marks (comments, images, links, tags, entities, URLs, footnote marks), then
 * timestamps and emphasis.  What is left has its spaces collapsed again. */
#include "text/markup.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static int starts_with(const char *s, size_t len, const char *prefix)
{
    size_t l = strlen(prefix);
    return len >= l && memcmp(s, prefix, l) == 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* Case-insensitive prefix match for ASCII tag names. */
static int starts_with_ci(const char *s, size_t len, const char *prefix)
{
    size_t l = strlen(prefix);
    if (len < l) return 0;
    for (size_t i = 0; i < l; i++)
        if (lower(s[i]) != prefix[i]) return 0;
    return 1;
}

static int contains_ci(const char *s, size_t len, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= len; i++)
        if (starts_with_ci(s + i, len - i, needle)) return 1;
    return 0;
}

static void set_drop(struct markup_line *out, const char *reason)
{
    out->kind = MARKUP_DROP;
    out->reason = reason;
    out->text = xstrdup("");
    out->len = 0;
}

/* A thematic break: three or more of one of - * _ and spaces only. */
static int is_rule(const char *s, size_t len)
{
    char c = 0;
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ') continue;
        if (s[i] != '-' && s[i] != '*' && s[i] != '_') return 0;
        if (c && s[i] != c) return 0;
        c = s[i], n++;
    }
    return n >= 3;
}

/* Length of a timestamp at s: [-]H:MM, [-]H:MM:SS, optional .fff / ,fff; 0 if none.
 * `colons` gets the number of colons. */
static size_t timestamp_len(const char *s, size_t len, int *colons)
{
    size_t i = 0;
    *colons = 0;
    if (i < len && s[i] == '-') i++;
    size_t d = i;
    while (i < len && is_digit(s[i]) && i - d < 3) i++;
    if (i == d) return 0;
    while (i + 2 < len + 0 && s[i] == ':' && is_digit(s[i + 1]) && is_digit(s[i + 2]) && *colons < 2) {
        i += 3;
        (*colons)++;
    }
    if (*colons == 0) return 0;
    if (i + 1 < len && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
        i++;
        while (i < len && is_digit(s[i])) i++;
    }
    if (i < len && (is_digit(s[i]) || is_alpha(s[i]) || s[i] == ':')) return 0;
    return i;
}

/* A bracketed timestamp at s: "(00:01:48)", "[0:02]", "（00:05）"; gives its length. */
static size_t bracketed_timestamp_len(const char *s, size_t len)
{
    static const char *const open[] = {"(", "[", "\xEF\xBC\x88"}, *const close[] = {")", "]", "\xEF\xBC\x89"};
    for (int k = 0; k < 3; k++) {
        size_t ol = strlen(open[k]);
        if (!starts_with(s, len, open[k])) continue;
        int colons;
        size_t t = timestamp_len(s + ol, len - ol, &colons);
        if (!t) return 0;
        if (starts_with(s + ol + t, len - ol - t, close[k])) return ol + t + strlen(close[k]);
        return 0;
    }
    return 0;
}

/* The text of a link label is a timestamp ("0:00", "(00:00:00)"). */
static int label_is_timestamp(const char *s, size_t len)
{
    int colons;
    size_t t = bracketed_timestamp_len(s, len);
    if (!t) t = timestamp_len(s, len, &colons);
    return t && t == len;
}

static const struct {
    const char *name;
    const char *utf8;
} entities[] = {
    {"&amp;", "&"},   {"&lt;", "<"},    {"&gt;", ">"},    {"&quot;", "\""}, {"&#39;", "'"},
    {"&apos;", "'"},  {"&nbsp;", " "},  {"&ndash;", "\xE2\x80\x93"},   {"&mdash;", "\xE2\x80\x94"},
    {"&middot;", "\xC2\xB7"},           {"&hellip;", "\xE2\x80\xA6"},  {"&rsquo;", "\xE2\x80\x99"},
    {"&lsquo;", "\xE2\x80\x98"},        {"&rdquo;", "\xE2\x80\x9D"},   {"&ldquo;", "\xE2\x80\x9C"},
    {"&ensp;", " "},  {"&emsp;", " "},  {"&thinsp;", " "},
};

/* A URL at s ("http://", "https://", "www."): length up to a space, a non-ASCII byte or a
 * closing bracket/quote; 0 if none. */
static size_t url_len(const char *s, size_t len)
{
    if (!starts_with_ci(s, len, "http://") && !starts_with_ci(s, len, "https://") && !starts_with_ci(s, len, "www."))
        return 0;
    size_t i = 0;
    while (i < len && s[i] != ' ' && (unsigned char)s[i] < 0x80 && s[i] != ')' && s[i] != ']' && s[i] != '>' &&
           s[i] != '<' && s[i] != '"')
        i++;
    /* Sentence punctuation right after a URL is not part of it. */
    while (i > 0 && (s[i - 1] == '.' || s[i - 1] == ',' || s[i - 1] == ';')) i--;
    return i;
}

/* What the inline pass removed, for the reason of a line that ends up empty. */
enum { R_IMAGE = 1, R_URL = 2, R_TAG = 4, R_TIME = 8, R_FOOTNOTE = 16, R_COMMENT = 32 };

/* Pass 2: comments, images, links, HTML tags and entities, URLs, footnote marks. */
static void inline_pass(struct markup_state *st, const char *s, size_t len, struct strbuf *out, unsigned *removed)
{
    for (size_t i = 0; i < len;) {
        const char *p = s + i;
        size_t rest = len - i;
        if (st->in_comment) {
            const char *end = memmem(p, rest, "-->", 3);
            *removed |= R_COMMENT;
            if (!end) return;
            st->in_comment = 0;
            i = (size_t)(end - s) + 3;
            continue;
        }
        if (starts_with(p, rest, "<!--")) {
            st->in_comment = 1;
            i += 4;
            continue;
        }
        if (st->in_script) {
            const char *a = NULL;
            for (size_t k = 0; k + 2 <= rest && !a; k++)
                if (p[k] == '<' && p[k + 1] == '/' &&
                    (starts_with_ci(p + k + 2, rest - k - 2, "script") || starts_with_ci(p + k + 2, rest - k - 2, "style")))
                    a = p + k;
            *removed |= R_TAG;
            if (!a) return;
            st->in_script = 0;
            i = (size_t)(a - s);
            continue;
        }
        if (p[0] == '!' && rest > 1 && p[1] == '[') {
            const char *close = memchr(p + 2, ']', rest - 2);
            if (close && close + 1 < s + len && close[1] == '(') {
                const char *end = memchr(close + 2, ')', (size_t)(s + len - close - 2));
                if (end) {
                    *removed |= R_IMAGE;
                    i = (size_t)(end - s) + 1;
                    continue;
                }
            }
        }
        if (p[0] == '[' && rest > 1 && p[1] == '^') {
            const char *close = memchr(p, ']', rest);
            if (close && close - p < 24) {
                *removed |= R_FOOTNOTE;
                i = (size_t)(close - s) + 1;
                continue;
            }
        }
        if (p[0] == '[') {
            /* [text](url): the text, unless it is a timestamp. Nested brackets in the text
             * (a timestamp in a heading link) are allowed one level deep. */
            size_t k = 1;
            int depth = 0;
            while (k < rest && k < 2000 && (p[k] != ']' || depth > 0)) {
                if (p[k] == '[') depth++;
                else if (p[k] == ']') depth--;
                k++;
            }
            if (k < rest && p[k] == ']' && k + 1 < rest && p[k + 1] == '(') {
                const char *end = memchr(p + k + 2, ')', rest - k - 2);
                if (end) {
                    if (label_is_timestamp(p + 1, k - 1)) *removed |= R_TIME;
                    else inline_pass(st, p + 1, k - 1, out, removed);
                    *removed |= R_URL;
                    i = (size_t)(end - s) + 1;
                    continue;
                }
            }
        }
        if (p[0] == '<' && rest > 1 && (is_alpha(p[1]) || p[1] == '/' || p[1] == '!')) {
            const char *end = memchr(p, '>', rest < 400 ? rest : 400);
            if (end) {
                const char *name = p + 1 + (p[1] == '/');
                size_t nl = (size_t)(end - name);
                if (p[1] != '/' && (starts_with_ci(name, nl, "script") || starts_with_ci(name, nl, "style")))
                    st->in_script = 1;
                if (starts_with_ci(name, nl, "img")) *removed |= R_IMAGE;
                else *removed |= R_TAG;
                /* Block-level tags separate words. */
                if (out->len && out->data[out->len - 1] != ' ') sb_addc(out, ' ');
                i = (size_t)(end - s) + 1;
                continue;
            }
        }
        if (p[0] == '&') {
            int done = 0;
            for (size_t e = 0; e < sizeof entities / sizeof entities[0] && !done; e++)
                if (starts_with(p, rest, entities[e].name)) {
                    sb_adds(out, entities[e].utf8);
                    i += strlen(entities[e].name);
                    done = 1;
                }
            if (done) continue;
            if (rest > 3 && p[1] == '#') {
                size_t k = 2;
                long v = 0;
                while (k < rest && k < 9 && is_digit(p[k])) v = v * 10 + (p[k++] - '0');
                if (k < rest && p[k] == ';' && k > 2 && v >= 32 && v < 0x110000 && !(v >= 0xD800 && v < 0xE000)) {
                    char u[4];
                    int n;
                    if (v < 0x80) u[0] = (char)v, n = 1;
                    else if (v < 0x800) u[0] = (char)(0xC0 | (v >> 6)), u[1] = (char)(0x80 | (v & 63)), n = 2;
                    else if (v < 0x10000)
                        u[0] = (char)(0xE0 | (v >> 12)), u[1] = (char)(0x80 | ((v >> 6) & 63)),
                        u[2] = (char)(0x80 | (v & 63)), n = 3;
                    else
                        u[0] = (char)(0xF0 | (v >> 18)), u[1] = (char)(0x80 | ((v >> 12) & 63)),
                        u[2] = (char)(0x80 | ((v >> 6) & 63)), u[3] = (char)(0x80 | (v & 63)), n = 4;
                    sb_add(out, u, (size_t)n);
                    i += k + 1;
                    continue;
                }
            }
        }
        size_t u = (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(' || (unsigned char)s[i - 1] >= 0x80) ? url_len(p, rest) : 0;
        if (u) {
            *removed |= R_URL;
            i += u;
            continue;
        }
        sb_addc(out, p[0]);
        i++;
    }
}

/* Pass 3: timestamps and emphasis marks; collapses spaces. */
static void final_pass(const char *s, size_t len, struct strbuf *out, unsigned *removed)
{
    for (size_t i = 0; i < len;) {
        const char *p = s + i;
        size_t rest = len - i;
        size_t t = bracketed_timestamp_len(p, rest);
        if (!t && (i == 0 || s[i - 1] == ' ') && (is_digit(p[0]) || p[0] == '-')) {
            int colons;
            size_t u = timestamp_len(p, rest, &colons);
            /* Unbracketed: H:MM:SS anywhere, H:MM only at the start or the end of the line. */
            if (u && (colons == 2 || i == 0 || u == rest)) t = u;
        }
        if (t) {
            *removed |= R_TIME;
            i += t;
            continue;
        }
        if (p[0] == '*' || p[0] == '`' || (p[0] == '_' && rest > 1 && p[1] == '_')) {
            i += p[0] == '_' ? 2 : 1;
            continue;
        }
        if (p[0] == ' ' && (out->len == 0 || out->data[out->len - 1] == ' ')) {
            i++;
            continue;
        }
        sb_addc(out, p[0]);
        i++;
    }
    while (out->len && out->data[out->len - 1] == ' ') out->len--;
    if (out->data) out->data[out->len] = '\0';
}

/* A list marker at the start: "- ", "* ", "+ ", "• ", "· " (not the en/em dashes of the
 * bundled page's topic lists, which are kept as written). */
static size_t list_marker_len(const char *s, size_t len)
{
    static const char *const markers[] = {"- ", "* ", "+ ", "\xE2\x80\xA2 ", "\xC2\xB7 ", "\xE2\x97\x8F "};
    for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
        if (starts_with(s, len, markers[k])) return strlen(markers[k]);
    return 0;
}

void markup_clean_line(struct markup_state *st, const char *s, size_t len, struct markup_line *out)
{
    memset(out, 0, sizeof *out);
    int first = st->lines_seen++ == 0;
    if (st->in_front_matter) {
        if ((len == 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))) st->in_front_matter = 0;
        set_drop(out, "front matter");
        return;
    }
    if (starts_with(s, len, "```") || starts_with(s, len, "~~~")) {
        st->in_code = !st->in_code;
        set_drop(out, "code block");
        return;
    }
    if (st->in_code) {
        set_drop(out, "code block");
        return;
    }
    if (first && len == 3 && memcmp(s, "---", 3) == 0) {
        st->in_front_matter = 1;
        set_drop(out, "front matter");
        return;
    }
    if (!st->in_comment && !st->in_script) {
        if (len > 1 && s[0] == '|' && memchr(s + 1, '|', len - 1)) {
            set_drop(out, "table");
            return;
        }
        if (contains_ci(s, len, "<table") || contains_ci(s, len, "<tr") || contains_ci(s, len, "<td") ||
            contains_ci(s, len, "</table")) {
            set_drop(out, "table");
            return;
        }
        if (is_rule(s, len)) {
            set_drop(out, "horizontal rule");
            return;
        }
        if (starts_with(s, len, "[^") && memmem(s, len, "]:", 2)) {
            set_drop(out, "footnote");
            return;
        }
    }

    enum markup_kind kind = MARKUP_TEXT;
    unsigned flags = 0;
    size_t i = 0;
    if (!st->in_comment && !st->in_script) {
        size_t h = 0;
        while (h < len && h < 7 && s[h] == '#') h++;
        if (h >= 1 && h <= 6 && h < len && s[h] == ' ') {
            kind = MARKUP_HEADING;
            i = h + 1;
        } else if (starts_with_ci(s, len, "<h") && len > 3 && s[2] >= '1' && s[2] <= '6') {
            kind = MARKUP_HEADING;
        } else if (starts_with_ci(s, len, "<title>")) {
            kind = MARKUP_HEADING;
        }
        while (kind == MARKUP_TEXT && i < len && s[i] == '>' && (i + 1 == len || s[i + 1] == ' ')) {
            flags |= MARKUP_QUOTE;
            i += i + 1 < len ? 2 : 1;
        }
        size_t m = kind == MARKUP_TEXT ? list_marker_len(s + i, len - i) : 0;
        if (m) {
            flags |= MARKUP_LIST;
            i += m;
        } else if (kind == MARKUP_TEXT) {
            size_t d = i;
            while (d < len && is_digit(s[d]) && d - i < 3) d++;
            if (d > i && d + 1 < len && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ') flags |= MARKUP_LIST;
            else if (starts_with(s + i, len - i, "\xE2\x80\x93 ") || starts_with(s + i, len - i, "\xE2\x80\x94 "))
                flags |= MARKUP_LIST; /* kept as written */
        }
    }

    struct strbuf mid, fin;
    sb_init(&mid);
    sb_init(&fin);
    unsigned removed = 0;
    inline_pass(st, s + i, len - i, &mid, &removed);
    /* A line entirely in bold or italic: "**Lex Fridman**", "*Listen on ...*". */
    if (mid.len >= 3 && (mid.data[0] == '*' || mid.data[0] == '_') &&
        mid.data[mid.len - 1] == mid.data[0])
        flags |= MARKUP_BOLD;
    final_pass(mid.data ? mid.data : "", mid.len, &fin, &removed);
    sb_free(&mid);
    if (kind == MARKUP_HEADING) {
        /* "Title ##", and "– Intro" after a removed timestamp. */
        while (fin.len && (fin.data[fin.len - 1] == '#' || fin.data[fin.len - 1] == ' ')) fin.len--;
        fin.data ? (void)(fin.data[fin.len] = '\0') : (void)0;
        size_t k = 0;
        while (k < fin.len) {
            if (starts_with(fin.data + k, fin.len - k, "\xE2\x80\x93")) k += 3;
            else if (starts_with(fin.data + k, fin.len - k, "\xE2\x80\x94")) k += 3;
            else if (fin.data[k] == '-' || fin.data[k] == ' ' || fin.data[k] == ':') k++;
            else break;
        }
        if (k) {
            memmove(fin.data, fin.data + k, fin.len - k + 1);
            fin.len -= k;
        }
    } else if (removed & R_TIME) {
        /* "(00:00:00) – Intro" in plain text: the dash was the timestamp's. */
        if (starts_with(fin.data ? fin.data : "", fin.len, "\xE2\x80\x93 ") || starts_with(fin.data ? fin.data : "", fin.len, "- ")) {
            size_t k = fin.data[0] == '-' ? 2 : 4;
            memmove(fin.data, fin.data + k, fin.len - k + 1);
            fin.len -= k;
        }
    }
    if (removed || i || (flags & MARKUP_BOLD) || fin.len != len || (len && memcmp(fin.data, s, len) != 0))
        flags |= MARKUP_CHANGED;
    if (fin.len == 0 && (removed || i || kind == MARKUP_HEADING)) {
        sb_free(&fin);
        set_drop(out, removed & R_COMMENT ? "HTML comment"
                      : removed & R_IMAGE ? "image"
                      : removed & R_TIME  ? "timestamp"
                      : removed & R_URL   ? "link or URL"
                      : removed & R_FOOTNOTE ? "footnote mark"
                      : removed & R_TAG   ? "HTML markup"
                                          : "markup without text");
        out->flags = flags;
        return;
    }
    out->kind = kind;
    out->flags = flags;
    out->len = fin.len;
    out->text = fin.data ? sb_detach(&fin) : xstrdup("");
}
