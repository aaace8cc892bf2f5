/* sidecars.c: see sidecars.h.
 *
 * Cue rules (per turn; a cue never spans two turns):
 *  - clause texts are whitespace-normalised; empty ones are skipped;
 *  - a silent clause (start48 == end48) with text is glued to the previous timed clause
 *    of the turn, or to the next one if there is none before it;
 *  - consecutive clauses are merged while the cue stays within SIDECAR_CUE_MAX_CHARS;
 *    a sentence start begins a new cue unless the cue so far lasts less than a second;
 *  - a clause longer than the limit becomes ceil(n / limit) cues of balanced length,
 *    cut preferably after punctuation, then at a space, then not inside a Latin word;
 *    their times are interpolated by characters between the clause's start and end;
 *  - joined pieces get a space between them only when both sides are Latin script. */
#include "publish/sidecars.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/utf8.h"

#define MIN_SPAN48 TL_RATE /* a cue shorter than this takes in the next sentence */
#define MIN_CUE48 (TL_RATE / 1000)
#define SPLIT_SLACK 12 /* characters either side of the balanced cut point */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* ---- text ---- */

static uint32_t cp_next(const char *s, size_t len, size_t *i)
{
    uint32_t cp;
    int n = utf8_decode(s + *i, len - *i, &cp);
    if (n <= 0) cp = 0xFFFD, n = 1;
    *i += (size_t)n;
    return cp;
}

static uint32_t cp_last(const char *s, size_t len)
{
    if (!len) return 0;
    size_t i = len - 1;
    while (i > 0 && len - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    uint32_t cp;
    return utf8_decode(s + i, len - i, &cp) == (int)(len - i) ? cp : 0xFFFD;
}

static int is_wide(uint32_t cp)
{
    return cp >= 0x2E80 || utf8_is_han(cp) || utf8_is_cjk_punct(cp);
}

static int is_opener(uint32_t cp)
{
    static const uint32_t op[] = {'(',    '[',    '{',    0x2018, 0x201C, 0x3008, 0x300A, 0x300C,
                                  0x300E, 0x3010, 0x3014, 0x3016, 0xFF08, 0xFF3B, 0xFF5B};
    for (size_t i = 0; i < sizeof op / sizeof op[0]; i++)
        if (cp == op[i]) return 1;
    return 0;
}

static int is_punct(uint32_t cp)
{
    return !is_opener(cp) && (utf8_is_cjk_punct(cp) || (cp < 128 && cp && strchr(",.;:!?)]}\"'", (int)cp)));
}

static int is_latin_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp < 0x2000);
}

/* Whitespace runs (newlines included) become one space; trimmed; invalid bytes U+FFFD. */
static char *normalize(const char *text)
{
    struct strbuf sb;
    sb_init(&sb);
    size_t len = text ? strlen(text) : 0;
    int space = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = cp_next(text, len, &i);
        if (cp == '\n' || cp < 0x20 || cp == 0x7F || utf8_is_space(cp)) {
            space = 1;
            continue;
        }
        if (space && sb.len) sb_addc(&sb, ' ');
        space = 0;
        utf8_append(&sb, cp);
    }
    return sb_detach(&sb);
}

static int needs_space(const char *a, size_t alen, const char *b)
{
    if (!alen || !*b) return 0;
    size_t i = 0;
    return !is_wide(cp_last(a, alen)) && !is_wide(cp_next(b, strlen(b), &i));
}

static void join(struct strbuf *sb, const char *add)
{
    if (!*add) return;
    if (needs_space(sb->data, sb->len, add)) sb_addc(sb, ' ');
    sb_adds(sb, add);
}

static int nchars(const char *s)
{
    return (int)utf8_length(s, strlen(s));
}

/* ---- cues ---- */

/* A turn laid out as one run of code points, with what is known at each boundary b
 * (between cp[b-1] and cp[b]; 0 and L are the turn's ends). */
struct stream {
    uint32_t *cp;
    int L, cap;
    long long *t_start; /* [L+1] when the text from b on starts being heard; -1: unknown */
    long long *t_end;   /* [L+1] when the text before b has been heard (latest known end) */
    signed char *kind;  /* [L+1] boundary kind: see enum brk */
};

enum brk {
    BRK_NONE,     /* inside a Latin word or name, before punctuation, after an opener */
    BRK_CHAR,     /* between two Han characters */
    BRK_PARTICLE, /* after a Chinese function character (的 了 是 ...) */
    BRK_WORD,     /* at a space or a change of script */
    BRK_CLAUSE,   /* between clauses */
    BRK_SENTENCE  /* between sentences */
};

static void stream_push(struct stream *st, uint32_t cp)
{
    if (st->L + 2 > st->cap) {
        st->cap = st->cap ? st->cap * 2 : 256;
        st->cp = xrealloc(st->cp, sizeof *st->cp * (size_t)st->cap);
        st->t_start = xrealloc(st->t_start, sizeof *st->t_start * (size_t)st->cap);
        st->t_end = xrealloc(st->t_end, sizeof *st->t_end * (size_t)st->cap);
        st->kind = xrealloc(st->kind, (size_t)st->cap);
    }
    st->cp[st->L++] = cp;
    st->t_start[st->L] = st->t_end[st->L] = -1;
    st->kind[st->L] = -1; /* decided from the characters unless set by a clause boundary */
}

static void stream_free(struct stream *st)
{
    free(st->cp), free(st->t_start), free(st->t_end), free(st->kind);
}

static int is_particle(uint32_t cp)
{
    static const char particles[] = "的了着过是在和与及或就都也还而但把被从对让给向吗呢吧啊";
    size_t len = sizeof particles - 1;
    for (size_t i = 0; i < len;)
        if (cp_next(particles, len, &i) == cp) return 1;
    return 0;
}

/* Characters that usually begin a two-character word (而且 但是 因为 所以 可以 如果 虽然
 * 不是 没有 一个 这个 那些 已经 ...): a line or cue is not cut right after them. */
static int is_word_head(uint32_t cp)
{
    static const char heads[] = "而但因所可如虽不没一这那每已正然只自当其";
    size_t len = sizeof heads - 1;
    for (size_t i = 0; i < len;)
        if (cp_next(heads, len, &i) == cp) return 1;
    return 0;
}

static int is_upper_latin(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7);
}

/* Kind of the boundary before cp[b] from the characters alone. */
static enum brk char_break(const struct stream *st, int b)
{
    uint32_t p = st->cp[b - 1], q = st->cp[b];
    if (is_punct(q) || is_opener(p) || q == 0x2014 || q == 0x2026) return BRK_NONE;
    if (is_latin_alnum(p) && is_latin_alnum(q)) return BRK_NONE;
    /* GPT-4, U.S., don't: joiners between Latin letters or digits */
    if ((q == '-' || q == '.' || q == '\'') && is_latin_alnum(p)) return BRK_NONE;
    if ((p == '-' || p == '.' || p == '\'') && b >= 2 && is_latin_alnum(st->cp[b - 2]) && is_latin_alnum(q))
        return BRK_NONE;
    if (p == ' ' || q == ' ') {
        /* never between the words of a name: "Demis Hassabis", "Google DeepMind" */
        int sp = p == ' ' ? b - 1 : b;
        int w = sp;
        while (w > 0 && is_latin_alnum(st->cp[w - 1])) w--;
        if (w < sp && is_upper_latin(st->cp[w]) && sp + 1 < st->L && is_upper_latin(st->cp[sp + 1]))
            return BRK_NONE;
    }
    if (p == ' ' || q == ' ') return BRK_WORD;
    if (is_punct(p)) return is_wide(p) || is_wide(q) ? BRK_WORD : BRK_NONE;
    if (is_wide(p) != is_wide(q)) return BRK_WORD;
    if (utf8_is_han(p) && is_word_head(p) && utf8_is_han(q)) return BRK_NONE;
    if (utf8_is_han(p) && is_particle(p)) return BRK_PARTICLE;
    if (is_wide(p) && is_wide(q)) return BRK_CHAR;
    return BRK_NONE; /* between narrow symbols: "</script>", "3.5%" */
}

/* Appends a clause's text, whitespace-normalised; returns the stream index of each byte
 * of the clause text in *map (bytes [0, len]; a byte inside a dropped space maps to the
 * next kept character). */
static void stream_add_text(struct stream *st, const char *text, int **map)
{
    size_t len = strlen(text);
    *map = xmalloc(sizeof **map * (len + 1));
    int space = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = cp_next(text, len, &i);
        for (size_t k = at; k < i; k++)
            (*map)[k] = st->L + (space && st->L ? 1 : 0);
        if (cp == '\n' || cp < 0x20 || cp == 0x7F || utf8_is_space(cp)) {
            space = 1;
            continue;
        }
        if (space && st->L && st->cp[st->L - 1] != ' ') {
            for (size_t k = at; k < i; k++)
                (*map)[k] = st->L + 1;
            stream_push(st, ' ');
        }
        space = 0;
        stream_push(st, cp);
    }
    (*map)[len] = st->L;
}

/* The turn as a stream, or L == 0 if it has no text. */
static void build_stream(const struct tl_turn *t, struct stream *st)
{
    memset(st, 0, sizeof *st);
    st->cap = 256;
    st->cp = xmalloc(sizeof *st->cp * (size_t)st->cap);
    st->t_start = xmalloc(sizeof *st->t_start * (size_t)st->cap);
    st->t_end = xmalloc(sizeof *st->t_end * (size_t)st->cap);
    st->kind = xmalloc((size_t)st->cap);
    st->t_start[0] = st->t_end[0] = -1;
    st->kind[0] = BRK_NONE;
    long long last_end = -1;
    int any_timed = 0;
    for (int i = 0; i < t->n_clauses; i++) {
        const struct tl_clause *c = &t->clauses[i];
        char *txt = normalize(c->text);
        if (!*txt) {
            free(txt);
            continue;
        }
        free(txt);
        int timed = c->end48 > c->start48;
        int b = st->L; /* the boundary before this clause */
        if (b > 0) {
            /* a space between two Latin pieces, none next to Chinese */
            uint32_t last = st->cp[b - 1];
            size_t k = 0;
            const char *lead = c->text;
            while (*lead == ' ' || *lead == '\n') lead++;
            uint32_t first = *lead ? cp_next(lead, strlen(lead), &k) : 0;
            /* a list item's dash ("– 智能的本质") always gets a space before it */
            int bullet = (first == 0x2013 || first == 0x2014 || first == 0x2022 || first == '-') &&
                         k < strlen(lead) && lead[k] == ' ';
            if (last != ' ' && ((!is_wide(last) && first && !is_wide(first)) || bullet)) {
                stream_push(st, ' ');
                st->t_start[b + 1] = st->t_end[b + 1] = -1;
                b = st->L;
            }
        }
        int *map;
        stream_add_text(st, c->text, &map);
        if (timed) {
            if (b > 0) st->kind[b] = c->sentence_start ? BRK_SENTENCE : BRK_CLAUSE;
            if (b > 0 || !any_timed) st->t_start[b] = c->start48;
            for (int m = 0; m < c->n_marks; m++) {
                const struct tl_mark *mk = &c->marks[m];
                if (mk->byte <= 0 || (size_t)mk->byte >= strlen(c->text)) continue;
                if (mk->at48 <= c->start48 || mk->at48 >= c->end48) continue;
                int at = map[mk->byte];
                if (at <= b || at >= st->L) continue;
                /* a mark on a space belongs to the word after it */
                if (st->cp[at] == ' ' && at + 1 < st->L) at++;
                if (st->t_start[at] < 0) st->t_start[at] = st->t_end[at] = mk->at48;
            }
            last_end = c->end48;
            any_timed = 1;
        } else if (b > 0) {
            st->kind[b] = BRK_NONE; /* a silent clause stays with the text before it */
        }
        free(map);
        if (last_end >= 0) st->t_end[st->L] = last_end;
        if (timed && b > 0 && st->t_end[b] < 0) {
            /* the end of what was heard before this clause */
            for (int k = b - 1; k >= 0; k--)
                if (st->t_end[k] >= 0) {
                    st->t_end[b] = st->t_end[k];
                    break;
                }
        }
    }
    if (st->L == 0) return;
    if (!any_timed) {
        long long s = t->speech_start48, e = t->speech_end48;
        if (e <= s) s = t->start48, e = t->end48;
        st->t_start[0] = s, st->t_end[st->L] = e;
    }
    st->kind[st->L] = BRK_SENTENCE; /* the end of the turn */
    for (int b = 1; b < st->L; b++) {
        if (st->kind[b] < 0) st->kind[b] = (signed char)char_break(st, b);
        if (st->cp[b] == ' ' && st->kind[b] >= BRK_CLAUSE) st->kind[b] = BRK_WORD;
    }
    /* what has been heard by boundary b: carry the latest known end forward */
    long long known = st->t_end[0];
    for (int b = 0; b <= st->L; b++) {
        if (st->t_end[b] >= 0) known = st->t_end[b];
        else st->t_end[b] = known;
    }
}

static int col_width(uint32_t cp)
{
    return is_wide(cp) ? 2 : 1;
}

/* Columns of [a, b) without the spaces at its ends. */
static int span_cols(const struct stream *st, int a, int b)
{
    while (a < b && st->cp[a] == ' ') a++;
    while (b > a && st->cp[b - 1] == ' ') b--;
    int w = 0;
    for (int i = a; i < b; i++) w += col_width(st->cp[i]);
    return w;
}

struct layout_rules {
    int cols;        /* line width in columns (a CJK character is 2) */
    int lines;       /* lines per cue */
    long long max48; /* longest cue */
};

/* Can [a, b) be broken into at most `lines` lines of at most `cols` columns (the first
 * `reserve` columns narrower), breaking at boundaries of kind BRK_CHAR or better?  Greedy
 * first fit, which needs the fewest lines.  breaks (may be NULL) gets the break points. */
static int fit_lines(const struct stream *st, int a, int b, int lines, int cols, int reserve, int *breaks)
{
    int line = 0, start = a;
    while (span_cols(st, start, b) > (line ? cols : cols - reserve)) {
        if (++line >= lines) return 0;
        int best = -1;
        for (int k = start + 1; k < b; k++) {
            if (span_cols(st, start, k) > (line > 1 ? cols : cols - reserve)) break;
            if (st->kind[k] >= BRK_CHAR) best = k;
        }
        if (best < 0) return 0;
        if (breaks) breaks[line - 1] = best;
        start = best;
    }
    return line + 1;
}

/* The line breaks of a cue [a, b) that fits: for two lines the best-placed break (the
 * strongest kind, then the most even lines), otherwise greedy. Returns the line count. */
static int choose_lines(const struct stream *st, int a, int b, const struct layout_rules *r, int reserve,
                        int *breaks)
{
    int n = fit_lines(st, a, b, r->lines, r->cols, reserve, breaks);
    if (n != 2) return n;
    int best = breaks[0], best_score = -1000000;
    for (int k = a + 1; k < b; k++) {
        if (st->kind[k] < BRK_CHAR) continue;
        int w1 = span_cols(st, a, k), w2 = span_cols(st, k, b);
        if (w1 > r->cols - reserve || w2 > r->cols) continue;
        int score = st->kind[k] * 1000 - abs(w1 - w2);
        if (score > best_score) best_score = score, best = k;
    }
    breaks[0] = best;
    return 2;
}

/* How well [a, b) breaks into lines: BRK_SENTENCE for one line, else the weakest kind of
 * boundary its lines are broken at. */
static int line_quality(const struct stream *st, int a, int b, const struct layout_rules *r, int reserve,
                        int *breaks)
{
    int n = choose_lines(st, a, b, r, reserve, breaks), q = BRK_SENTENCE;
    for (int k = 0; k + 1 < n; k++)
        if (st->kind[breaks[k]] < q) q = st->kind[breaks[k]];
    return n ? q : 0;
}

/* The text of [a, b) with '\n' at the breaks (or spaces where joined == 1), trimmed. */
static char *span_text(const struct stream *st, int a, int b, const int *breaks, int n_breaks, int joined)
{
    struct strbuf sb;
    sb_init(&sb);
    int next = 0;
    for (int i = a; i < b; i++) {
        if (next < n_breaks && i == breaks[next]) {
            while (sb.len && sb.data[sb.len - 1] == ' ') sb.data[--sb.len] = '\0';
            next++;
            int spaced = st->cp[i] == ' ' || (i > a && st->cp[i - 1] == ' ');
            while (i < b && st->cp[i] == ' ') i++;
            if (i >= b) break;
            if (!joined) sb_addc(&sb, '\n');
            else if (spaced && sb.len) sb_addc(&sb, ' '); /* one line: the text as written */
        }
        if (st->cp[i] == ' ' && (!sb.len || sb.data[sb.len - 1] == ' ' || sb.data[sb.len - 1] == '\n')) continue;
        utf8_append(&sb, st->cp[i]);
    }
    while (sb.len && sb.data[sb.len - 1] == ' ') sb.data[--sb.len] = '\0';
    return sb_detach(&sb);
}

struct cuevec {
    struct sidecar_cue *a;
    int n, cap;
};

static void push_cue(struct cuevec *v, int turn, long long s, long long e, char *text, char *lines, int space_before)
{
    if (!*text) {
        free(text), free(lines);
        return;
    }
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->a = xrealloc(v->a, sizeof *v->a * (size_t)v->cap);
    }
    v->a[v->n++] = (struct sidecar_cue){s, e, turn, 0, text, lines, space_before};
}

/* The start time at boundary b, interpolated by characters between known ones when b
 * has none (a forced cut inside a span without word marks). */
static long long start_at(const struct stream *st, int b)
{
    if (st->t_start[b] >= 0) return st->t_start[b];
    int lo = b, hi = b;
    while (lo > 0 && st->t_start[lo] < 0) lo--;
    while (hi < st->L && st->t_start[hi] < 0) hi++;
    long long t0 = st->t_start[lo] >= 0 ? st->t_start[lo] : st->t_end[lo];
    long long t1 = hi < st->L && st->t_start[hi] >= 0 ? st->t_start[hi] : st->t_end[hi];
    if (t1 < t0 || hi == lo) return t0;
    return t0 + (t1 - t0) * (b - lo) / (hi - lo);
}

void sidecars_default_layout(struct sidecar_layout *l)
{
    l->zh_line_chars = SIDECAR_ZH_LINE_CHARS;
    l->en_line_chars = SIDECAR_EN_LINE_CHARS;
    l->max_lines = SIDECAR_MAX_LINES;
    l->max_cue_ms = SIDECAR_MAX_CUE_MS;
}

static void turn_cues(struct cuevec *v, const struct timeline *tl, int ti, const struct sidecar_layout *lay,
                      int speaker_changed)
{
    const struct tl_turn *t = &tl->turns[ti];
    struct stream st;
    build_stream(t, &st);
    int L = st.L, chinese = 0;
    for (int i = 0; i < L && !chinese; i++) chinese = utf8_is_han(st.cp[i]);
    struct layout_rules r = {chinese ? 2 * lay->zh_line_chars : lay->en_line_chars, lay->max_lines,
                             (long long)lay->max_cue_ms * TL_RATE / 1000};
    const char *name = t->speaker_name && *t->speaker_name ? t->speaker_name : "Speaker";
    int reserve_first = speaker_changed ? nchars(name) + 2 : 0; /* SRT's "Name: " */
    int *breaks = xmalloc(sizeof *breaks * (size_t)(r.lines + 1));
    int p = 0;
    while (p < L && st.cp[p] == ' ') p++;
    while (p < L) {
        int reserve = p == 0 ? reserve_first : 0;
        if (reserve > r.cols / 2) reserve = r.cols / 2;
        long long s = start_at(&st, p);
        /* feasible cuts: a known start, the text fits, not too long; the farthest one */
        int qmax = -1, qlast_fit = -1;
        for (int q = p + 1; q <= L; q++) {
            if (!fit_lines(&st, p, q, r.lines, r.cols, reserve, NULL)) break;
            if (q < L && st.kind[q] < BRK_CHAR) continue;
            qlast_fit = q;
            if (q < L && st.t_start[q] < 0) continue;
            if (st.t_end[q] - s > r.max48 && qmax >= 0) break;
            qmax = q;
        }
        int q;
        if (qmax == L && line_quality(&st, p, L, &r, reserve, breaks) >= BRK_CLAUSE) {
            q = L;
        } else if (qmax > p) {
            /* the strongest boundary in the latter part, the later the better */
            int best = qmax, best_score = -1;
            for (int c = p + 1; c <= qmax; c++) {
                if (c < L && (st.kind[c] < BRK_CHAR || st.t_start[c] < 0)) continue;
                if (st.t_end[c] - s > r.max48 && c != qmax) continue;
                if ((c - p) * 4 < (qmax - p)) continue;
                int score = 10 * st.kind[c] + 10 * line_quality(&st, p, c, &r, reserve, breaks) +
                            10 * (c - p) / (qmax - p);
                if (score >= best_score) best_score = score, best = c;
            }
            q = best;
        } else if (qlast_fit > p) {
            q = qlast_fit; /* no word start known in reach: interpolated time */
        } else {
            /* one word wider than a line: cut it at the width */
            q = p + 1;
            while (q < L && span_cols(&st, p, q + 1) <= r.cols) q++;
        }
        long long e = st.t_end[q];
        if (q < L) {
            long long next = start_at(&st, q);
            if (e > next || e <= s) e = next;
        }
        if (e <= s) e = s + MIN_CUE48;
        int nl = choose_lines(&st, p, q, &r, reserve, breaks);
        int nb = nl > 1 ? nl - 1 : 0;
        if (nl == 0) nb = 0;
        push_cue(v, ti, s, e, span_text(&st, p, q, breaks, nb, 1), span_text(&st, p, q, breaks, nb, 0),
                 p > 0 && st.cp[p - 1] == ' ');
        p = q;
        while (p < L && st.cp[p] == ' ') p++;
    }
    free(breaks);
    stream_free(&st);
}

int sidecars_build_cues(const struct timeline *tl, const struct sidecar_layout *layout, struct sidecar_cue **cues,
                        int *n_cues)
{
    struct sidecar_layout def;
    if (!layout) sidecars_default_layout(&def), layout = &def;
    struct cuevec v = {NULL, 0, 0};
    for (int t = 0; t < tl->n_turns; t++) {
        int changed = 1;
        for (int u = t - 1; u >= 0; u--)
            if (tl->turns[u].n_clauses) {
                changed = tl->turns[u].speaker != tl->turns[t].speaker;
                break;
            }
        turn_cues(&v, tl, t, layout, changed);
    }

    /* Enforce order, bounds and a minimum length; a degenerate cue's text goes to a
     * neighbour in the same turn (only happens with inconsistent timelines). */
    long long prev_end = 0;
    int out = 0;
    for (int i = 0; i < v.n; i++) {
        struct sidecar_cue c = v.a[i];
        if (c.start48 < prev_end) c.start48 = prev_end;
        if (c.end48 > tl->total48) c.end48 = tl->total48;
        if (c.end48 - c.start48 < MIN_CUE48) {
            struct sidecar_cue *to = out && v.a[out - 1].turn == c.turn ? &v.a[out - 1]
                                   : i + 1 < v.n && v.a[i + 1].turn == c.turn ? &v.a[i + 1] : NULL;
            if (to) {
                struct strbuf sb, lb;
                sb_init(&sb), sb_init(&lb);
                int before = to == &v.a[out - 1] && out > 0;
                join(&sb, before ? to->text : c.text), join(&sb, before ? c.text : to->text);
                sb_adds(&lb, before ? to->lines : c.lines), sb_addc(&lb, '\n');
                sb_adds(&lb, before ? c.lines : to->lines);
                free(to->text), to->text = sb_detach(&sb);
                free(to->lines), to->lines = sb_detach(&lb);
            }
            free(c.text), free(c.lines);
            continue;
        }
        c.seq = out && v.a[out - 1].turn == c.turn ? v.a[out - 1].seq + 1 : 1;
        prev_end = c.end48;
        v.a[out++] = c;
    }
    if (!out) free(v.a), v.a = NULL;
    *cues = v.a;
    *n_cues = out;
    return 0;
}

void sidecars_free_cues(struct sidecar_cue *cues, int n)
{
    for (int i = 0; i < n; i++)
        free(cues[i].text), free(cues[i].lines);
    free(cues);
}

void sidecars_format_time(long long samples48, char sep, char out[16])
{
    long long ms = samples48 > 0 ? tl_ms(samples48) : 0;
    unsigned h = (unsigned)(ms / 3600000 % 100000), m = (unsigned)(ms / 60000 % 60);
    unsigned s = (unsigned)(ms / 1000 % 60), f = (unsigned)(ms % 1000);
    snprintf(out, 16, "%02u:%02u:%02u%c%03u", h, m, s, sep, f);
}

/* ---- text formats ---- */

static void vtt_escape(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            sb_adds(sb, "&amp;");
        else if (*s == '<')
            sb_adds(sb, "&lt;");
        else if (*s == '>')
            sb_adds(sb, "&gt;");
        else
            sb_addc(sb, *s);
    }
}

/* A NOTE line: one line, never "-->". */
static void note_text(struct strbuf *sb, const char *s)
{
    char *n = normalize(s);
    for (const char *p = n; *p; p++) {
        sb_addc(sb, *p);
        if (p[0] == '-' && p[1] == '-' && p[2] == '>') sb_addc(sb, ' ');
    }
    free(n);
}

static const char *speaker_of(const struct timeline *tl, const struct sidecar_cue *c)
{
    const char *s = tl->turns[c->turn].speaker_name;
    return s && *s ? s : "Speaker";
}

static void build_vtt(struct strbuf *sb, const struct timeline *tl, const struct sidecar_info *info,
                      const struct sidecar_cue *cues, int n)
{
    sb_adds(sb, "WEBVTT\n\n");
    int has_title = info->title && *info->title;
    if (has_title) {
        sb_adds(sb, "NOTE\n");
        note_text(sb, info->title), sb_addc(sb, '\n');
        sb_addc(sb, '\n');
    }
    for (int i = 0; i < n; i++) {
        char a[16], b[16];
        sidecars_format_time(cues[i].start48, '.', a);
        sidecars_format_time(cues[i].end48, '.', b);
        sb_printf(sb, "t%d-%d\n%s --> %s\n<v ", tl->turns[cues[i].turn].index, cues[i].seq, a, b);
        vtt_escape(sb, speaker_of(tl, &cues[i]));
        sb_addc(sb, '>');
        vtt_escape(sb, cues[i].lines);
        sb_adds(sb, "\n\n");
    }
}

/* The speaker's name leads the first cue after a change of speaker ("Demis: ..."). */
static void build_srt(struct strbuf *sb, const struct timeline *tl, const struct sidecar_cue *cues, int n)
{
    int prev_speaker = -1;
    for (int i = 0; i < n; i++) {
        char a[16], b[16];
        sidecars_format_time(cues[i].start48, ',', a);
        sidecars_format_time(cues[i].end48, ',', b);
        sb_printf(sb, "%d\n%s --> %s\n", i + 1, a, b);
        int speaker = tl->turns[cues[i].turn].speaker;
        if (speaker != prev_speaker) sb_printf(sb, "%s: ", speaker_of(tl, &cues[i]));
        prev_speaker = speaker;
        sb_printf(sb, "%s\n\n", cues[i].lines);
    }
}

/* ---- JSON ---- */

static json_t *seconds(long long samples48)
{
    return json_real((double)tl_ms(samples48) / 1000.0);
}

/* A JSON string that takes ownership of s (NULL if s is not valid UTF-8). */
static json_t *json_string_nocheck_or_null(char *s)
{
    json_t *v = json_string(s);
    free(s);
    return v;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Sets or appends a new reference; a NULL value (a failed constructor) marks *bad. */
static void put(json_t *obj, const char *key, json_t *val, int *bad)
{
    if (!val)
        *bad = 1;
    else if (key ? json_object_set_new(obj, key, val) : json_array_append_new(obj, val))
        *bad = 1;
}

static json_t *borrowed(json_t *v)
{
    return v ? json_incref(v) : json_null();
}

static json_t *build_chapters(const struct timeline *tl, const struct sidecar_info *info, int *bad)
{
    const char *fallback = info->title && *info->title ? info->title : "Untitled";
    json_t *chapters = json_array();
    for (int s = 0; s < tl->n_sections; s++) {
        const struct tl_section *sec = &tl->sections[s];
        json_t *c = json_object();
        put(c, "startTime", seconds(sec->start48), bad);
        put(c, "title", json_string(sec->title && *sec->title ? sec->title : fallback), bad);
        put(chapters, NULL, c, bad);
    }
    json_t *root = json_object();
    put(root, "version", json_string("1.2.0"), bad);
    put(root, "chapters", chapters, bad);
    return root;
}

/* One segment per sentence (whole sentences, not cue pieces), times from the clauses. */
static json_t *build_transcript(const struct timeline *tl, int *bad)
{
    json_t *segs = json_array();
    long long prev_end = 0;
    for (int t = 0; t < tl->n_turns; t++) {
        struct stream st;
        build_stream(&tl->turns[t], &st);
        const char *name = tl->turns[t].speaker_name && *tl->turns[t].speaker_name ? tl->turns[t].speaker_name
                                                                                   : "Speaker";
        int p = 0;
        while (p < st.L && st.cp[p] == ' ') p++;
        while (p < st.L) {
            int q = p + 1;
            while (q < st.L && !(st.kind[q] == BRK_SENTENCE && st.t_start[q] >= 0)) q++;
            long long s0 = start_at(&st, p), e0 = st.t_end[q];
            if (s0 < prev_end) s0 = prev_end;
            if (e0 > tl->total48) e0 = tl->total48;
            if (e0 < s0) e0 = s0;
            json_t *g = json_object();
            put(g, "speaker", json_string(name), bad);
            put(g, "startTime", seconds(s0), bad);
            put(g, "endTime", seconds(e0), bad);
            put(g, "body", json_string_nocheck_or_null(span_text(&st, p, q, NULL, 0, 1)), bad);
            put(segs, NULL, g, bad);
            prev_end = e0;
            p = q;
            while (p < st.L && st.cp[p] == ' ') p++;
        }
        stream_free(&st);
    }
    json_t *root = json_object();
    put(root, "version", json_string("1.0.0"), bad);
    put(root, "segments", segs, bad);
    return root;
}

static json_t *derived_speakers(const struct timeline *tl, int *bad)
{
    json_t *arr = json_array();
    for (int t = 0; t < tl->n_turns; t++) {
        int seen = 0;
        for (int u = 0; u < t && !seen; u++)
            seen = tl->turns[u].speaker == tl->turns[t].speaker;
        if (seen) continue;
        json_t *o = json_object();
        put(o, "name", str_or_null(tl->turns[t].speaker_name), bad);
        put(o, "voice", str_or_null(tl->turns[t].voice), bad);
        put(arr, NULL, o, bad);
    }
    return arr;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The episode's metadata as the manifest keeps it (null fields left out). */
static json_t *episode_json(const struct episode *ep, const char *cover_name, int *bad)
{
    json_t *o = json_object();
    const char *keys[] = {"title", "show", "date", "description", "language", "licence", "url"};
    const char *vals[] = {ep->title, ep->show, ep->date, ep->description, ep->language, ep->licence, ep->url};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (vals[i]) put(o, keys[i], json_string(vals[i]), bad);
    json_t *persons = json_array();
    for (int i = 0; i < ep->n_persons; i++) {
        json_t *p = json_object();
        put(p, "name", json_string(ep->persons[i].name), bad);
        if (ep->persons[i].role) put(p, "role", json_string(ep->persons[i].role), bad);
        put(persons, NULL, p, bad);
    }
    put(o, "persons", persons, bad);
    if (ep->cover.data && cover_name) {
        json_t *c = json_object();
        put(c, "file", json_string(cover_name), bad);
        put(c, "mime", json_string(ep->cover.mime), bad);
        put(c, "width", json_integer(ep->cover.width), bad);
        put(c, "height", json_integer(ep->cover.height), bad);
        put(o, "cover", c, bad);
    }
    return o;
}

static json_t *build_manifest(const struct timeline *tl, const struct sidecar_info *info, const char *base,
                              const char *audio, const char *const names[], const char *cover_name, int *bad)
{
    const char *fallback = info->title && *info->title ? info->title : "Untitled";
    json_t *sections = json_array();
    for (int s = 0; s < tl->n_sections; s++) {
        const struct tl_section *sec = &tl->sections[s];
        json_t *turns = json_array();
        for (int t = sec->first_turn; t < sec->first_turn + sec->n_turns && t < tl->n_turns; t++) {
            const struct tl_turn *tu = &tl->turns[t];
            json_t *o = json_object();
            put(o, "index", json_integer(tu->index), bad);
            put(o, "speaker", str_or_null(tu->speaker_name), bad);
            put(o, "voice", str_or_null(tu->voice), bad);
            put(o, "line", json_integer(tu->line), bad);
            put(o, "start_ms", json_integer(tl_ms(tu->start48)), bad);
            put(o, "end_ms", json_integer(tl_ms(tu->end48)), bad);
            put(o, "speech_start_ms", json_integer(tl_ms(tu->speech_start48)), bad);
            put(o, "speech_end_ms", json_integer(tl_ms(tu->speech_end48)), bad);
            put(o, "text", str_or_null(tu->text), bad);
            put(turns, NULL, o, bad);
        }
        json_t *o = json_object();
        put(o, "index", json_integer(sec->index), bad);
        put(o, "title", json_string(sec->title && *sec->title ? sec->title : fallback), bad);
        put(o, "start_ms", json_integer(tl_ms(sec->start48)), bad);
        put(o, "end_ms", json_integer(tl_ms(sec->end48)), bad);
        put(o, "turns", turns, bad);
        put(sections, NULL, o, bad);
    }
    static const char *const keys[] = {"vtt", "srt", "chapters", "transcript", "manifest"};
    json_t *files = json_object();
    put(files, "audio", json_string(audio), bad);
    for (int i = 0; i < 5; i++) {
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%s%s", base, names[i]);
        put(files, keys[i], json_string(sb_cstr(&sb)), bad);
        sb_free(&sb);
    }
    if (cover_name) put(files, "cover", json_string(cover_name), bad);
    if (info->extra_files && json_object_update(files, info->extra_files)) *bad = 1;

    json_t *m = json_object();
    put(m, "title", str_or_null(info->title), bad);
    put(m, "source", str_or_null(info->source_path), bad);
    put(m, "input_sha256", str_or_null(info->input_sha256), bad);
    put(m, "recast_version", str_or_null(info->recast_version), bad);
    put(m, "espeak_ng_version", str_or_null(info->espeak_version), bad);
    if (info->episode) put(m, "episode", episode_json(info->episode, cover_name, bad), bad);
    put(m, "audio", json_string(audio), bad);
    put(m, "duration_ms", json_integer(tl_ms(tl->total48)), bad);
    put(m, "duration_samples48", json_integer(tl->total48), bad);
    put(m, "sample_rate", json_integer(TL_RATE), bad);
    put(m, "settings", borrowed(info->settings), bad);
    put(m, "loudness", borrowed(info->loudness), bad);
    put(m, "speakers", info->speakers ? json_incref(info->speakers) : derived_speakers(tl, bad), bad);
    put(m, "sections", sections, bad);
    put(m, "files", files, bad);
    return m;
}

/* ---- writing ---- */

enum { F_COVER, F_VTT, F_SRT, F_CHAPTERS, F_TRANSCRIPT, F_MANIFEST, N_FILES };
static const char *const suffix[N_FILES] = {".cover", ".vtt", ".srt", ".chapters.json", ".transcript.json",
                                            ".manifest.json"};

const char *sidecars_suffix(int i) { return i >= 0 && i < N_FILES ? suffix[i] : NULL; }

static char *json_text(json_t *v, int *bad)
{
    char *s = v && !*bad ? json_dumps(v, JSON_FLAGS) : NULL;
    json_decref(v);
    if (!s) {
        *bad = 1;
        return NULL;
    }
    struct strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, s), sb_addc(&sb, '\n');
    free(s);
    return sb_detach(&sb);
}

int sidecars_write(const char *stem, const struct timeline *tl, const struct sidecar_info *info,
                   struct rc_error *err)
{
    if (!stem || !*stem || !tl) return rc_fail(err, RC_SOFTWARE, "sidecars: no output path or timeline");
    static const struct sidecar_info none;
    if (!info) info = &none;
    const char *slash = strrchr(stem, '/');
    const char *base = slash ? slash + 1 : stem;

    const struct episode *ep = info->episode;
    int with_cover = info->write_cover && ep && ep->cover.data;
    int first = with_cover ? F_COVER : F_VTT; /* the files written: [first, N_FILES) */
    char *path[N_FILES], *data[N_FILES] = {0};
    size_t len[N_FILES] = {0};
    for (int i = 0; i < N_FILES; i++) {
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%s%s%s", stem, suffix[i], i == F_COVER && ep && ep->cover.ext ? ep->cover.ext : "");
        path[i] = sb_detach(&sb);
    }
    struct strbuf audio;
    sb_init(&audio);
    if (info->audio_basename)
        sb_adds(&audio, info->audio_basename);
    else
        sb_printf(&audio, "%s.opus", base);

    struct sidecar_cue *cues;
    int n_cues, bad[N_FILES] = {0};
    sidecars_build_cues(tl, info->layout, &cues, &n_cues);
    struct strbuf sb;
    sb_init(&sb);
    build_vtt(&sb, tl, info, cues, n_cues);
    data[F_VTT] = sb_detach(&sb);
    build_srt(&sb, tl, cues, n_cues);
    data[F_SRT] = sb_detach(&sb);
    data[F_CHAPTERS] = json_text(build_chapters(tl, info, &bad[F_CHAPTERS]), &bad[F_CHAPTERS]);
    data[F_TRANSCRIPT] =
        json_text(build_transcript(tl, &bad[F_TRANSCRIPT]), &bad[F_TRANSCRIPT]);
    const char *cover_name = with_cover ? base_of(path[F_COVER]) : NULL;
    data[F_MANIFEST] =
        json_text(build_manifest(tl, info, base, sb_cstr(&audio), suffix + F_VTT, cover_name, &bad[F_MANIFEST]),
                  &bad[F_MANIFEST]);
    sidecars_free_cues(cues, n_cues);
    sb_free(&audio);
    for (int i = F_VTT; i < N_FILES; i++)
        len[i] = data[i] ? strlen(data[i]) : 0;
    if (with_cover) {
        data[F_COVER] = xmalloc(ep->cover.len);
        memcpy(data[F_COVER], ep->cover.data, ep->cover.len);
        len[F_COVER] = ep->cover.len;
    }

    struct atomic_file af[N_FILES];
    int opened = first, rc = 0;
    for (int i = first; i < N_FILES && !rc; i++) {
        struct stat st;
        if (bad[i])
            rc = rc_fail(err, RC_SOFTWARE, "%s: cannot build JSON (a title or text is not valid UTF-8?)",
                         path[i]);
        else if (stat(path[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc = rc_fail(err, RC_CANTCREAT, "%s: cannot create output: is a directory", path[i]);
    }
    for (; opened < N_FILES && !rc; opened++) {
        if (atomic_open(&af[opened], path[opened], err) != 0) {
            rc = -1;
            break;
        }
        if (fwrite(data[opened], 1, len[opened], af[opened].fp) != len[opened] || fflush(af[opened].fp) != 0) {
            int e = errno;
            rc = rc_fail(err, RC_IOERR, "%s: write error: %s", path[opened], strerror(e));
            atomic_abort(&af[opened]);
            break;
        }
    }
    if (rc) {
        for (int i = first; i < opened; i++)
            atomic_abort(&af[i]);
    } else {
        for (int i = first; i < N_FILES; i++) {
            if (rc)
                atomic_abort(&af[i]);
            else if (atomic_commit(&af[i], err) != 0)
                rc = -1;
        }
    }
    for (int i = 0; i < N_FILES; i++)
        free(path[i]), free(data[i]);
    return rc;
}
