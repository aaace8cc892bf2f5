/* frontend.c: see frontend.h. */
#include "speech/frontend.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "speech/zhnorm.h"

/* espeak en phonemes of letter names, for spelling acronyms (AGI, RLHF, TPU). */
static const char *const letter_phonemes[26] = {
    "eI", "bi:", "si:", "di:", "i:", "Ef", "dZi:", "eItS", "aI", "dZeI", "keI", "El", "Em",
    "En", "oU", "pi:", "kju:", "A@", "Es", "ti:", "ju:", "vi:", "dVb@Lju:", "Eks", "waI", "zi:"};

/* Han characters after which a number is Chinese, not part of an English name
 * ("Shane 2028 年" is a year; "Gemini 1.5 和" is a model). */
static const char *const number_units[] = {"年", "月", "日", "号", "个", "次", "倍", "位", "名", "种", "亿", "万",
                                           "千", "百", "岁", "天", "小时", "分", "秒", "%", "％", "到", "至"};

static int is_alpha(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }

static uint32_t cp_at(const char *s, size_t len, size_t i, int *n)
{
    uint32_t cp = 0;
    int l = i < len ? utf8_decode(s + i, len - i, &cp) : 0;
    if (l == 0) cp = i < len ? 0xFFFD : 0, l = i < len ? 1 : 0;
    if (n) *n = l;
    return cp;
}

/* ---- English ---- */

static void spell_letters(const char *s, size_t n, int plural, struct strbuf *out)
{
    sb_adds(out, "[[");
    for (size_t i = 0; i < n; i++) {
        if (i) sb_addc(out, ' ');
        if (i == n - 1) sb_addc(out, '\'');
        else sb_addc(out, ',');
        sb_adds(out, letter_phonemes[(s[i] | 32) - 'a']);
    }
    if (plural) sb_addc(out, 'z');
    sb_adds(out, "]]");
}

/* One alphanumeric piece without separators: an acronym (all capitals, with an optional
 * plural s: LLMs) is spelled; a single capital letter is spelled (V in V-JEPA); anything
 * else is read as a word. */
static void english_piece(const char *s, size_t n, const struct lexicon *lex, struct strbuf *out)
{
    const char *repl = lexicon_lookup_en(lex, s, n);
    if (repl) {
        sb_adds(out, repl);
        return;
    }
    size_t caps = 0;
    while (caps < n && is_upper(s[caps])) caps++;
    if (caps == n && n <= 6) spell_letters(s, n, 0, out);
    else if (caps == n - 1 && caps >= 2 && s[n - 1] == 's') spell_letters(s, caps, 1, out);
    else sb_add(out, s, n);
}

/* Splits CamelCase (DeepMind -> Deep Mind, AlphaGo -> Alpha Go, OpenAI -> Open AI) and
 * reads each part. */
static void english_camel(const char *s, size_t n, const struct lexicon *lex, struct strbuf *out)
{
    /* fMRI, iOS-like tokens with at least two capitals and no lower-case pair: spell all */
    size_t caps = 0, lower_pairs = 0;
    for (size_t i = 0; i < n; i++) {
        caps += is_upper(s[i]);
        lower_pairs += i > 0 && is_lower(s[i]) && is_lower(s[i - 1]);
        if (!is_alpha((unsigned char)s[i])) lower_pairs = n; /* digits: not this case */
    }
    if (caps >= 2 && caps < n && lower_pairs == 0 && n <= 6 && !(caps == n - 1 && s[n - 1] == 's')) {
        spell_letters(s, n, 0, out);
        return;
    }
    size_t start = 0;
    for (size_t i = 1; i <= n; i++) {
        int cut = i == n;
        if (!cut && is_lower(s[i - 1]) && is_upper(s[i])) cut = 1;
        /* "AIModel": the last capital of a run starts the next word */
        if (!cut && i + 1 < n && is_upper(s[i - 1]) && is_upper(s[i]) && is_lower(s[i + 1]) && i - start >= 2 &&
            !(i + 2 == n && s[i + 1] == 's'))
            cut = 1;
        if (!cut && (is_digit((unsigned char)s[i]) != is_digit((unsigned char)s[i - 1]))) cut = 1;
        if (!cut) continue;
        if (start) sb_addc(out, ' ');
        english_piece(s + start, i - start, lex, out);
        start = i;
    }
}

static int is_word_char(char c) { return is_alpha((unsigned char)c) || is_digit((unsigned char)c); }

void fe_english_text(const char *run, size_t len, const struct lexicon *lex, struct strbuf *out)
{
    size_t start_len = out->len;
    for (size_t i = 0; i < len;) {
        if (!is_word_char(run[i]) && run[i] != '.') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && (is_word_char(run[j]) || ((run[j] == '-' || run[j] == '\'' || run[j] == '.' || run[j] == '&') &&
                                                      j + 1 < len && is_word_char(run[j + 1]))))
            j++;
        if (j == i) { /* a lone '.' */
            i++;
            continue;
        }
        if (out->len > start_len) sb_addc(out, ' ');
        const char *repl = lexicon_lookup_en(lex, run + i, j - i);
        if (repl) {
            sb_adds(out, repl);
        } else {
            /* pieces separated by - ' & */
            size_t k = i;
            while (k < j) {
                size_t e = k;
                while (e < j && is_word_char(run[e])) e++;
                if (e > k) {
                    const char *prepl = lexicon_lookup_en(lex, run + k, e - k);
                    if (prepl) sb_adds(out, prepl);
                    else if (e + 1 < j && run[e] == '\'' && (run[e + 1] == 's' || run[e + 1] == 't')) {
                        sb_add(out, run + k, e - k + 2); /* Dwarkesh's, don't */
                        e += 2;
                    } else if (e < j && run[e] == '.' && is_digit((unsigned char)run[k]) && e + 1 < j &&
                               is_digit((unsigned char)run[e + 1])) {
                        size_t f = e + 1;
                        while (f < j && is_digit((unsigned char)run[f])) f++;
                        sb_add(out, run + k, f - k); /* 1.5 */
                        e = f;
                    } else english_camel(run + k, e - k, lex, out);
                }
                if (e < j) {
                    if (run[e] == '&') sb_adds(out, " and ");
                    else if (run[e] == '\'') sb_addc(out, '\'');
                    else sb_addc(out, ' ');
                    e++;
                }
                k = e;
            }
        }
        i = j;
    }
}

/* ---- Mandarin ---- */

void fe_mandarin_text(const char *run, size_t len, const struct lexicon *lex, struct strbuf *out)
{
    struct strbuf replaced;
    sb_init(&replaced);
    lexicon_apply_cmn(lex, run, len, &replaced);
    zhnorm_normalize(sb_cstr(&replaced), replaced.len, out);
    sb_free(&replaced);
}

/* Is there anything espeak would say: a Han character or a Latin letter? */
static int speakable(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = cp_at(s, len, i, &n);
        if (utf8_is_han(cp) || is_alpha(cp) || is_digit(cp)) return 1;
        i += (size_t)n;
    }
    return 0;
}

/* ---- clauses ---- */

static enum clause_end boundary_kind(uint32_t cp)
{
    switch (cp) {
    case 0x3002: case 0xFF01: case 0xFF1F: case '!': case '?': case 0x2026: case '.':
        return END_SENTENCE;
    case 0xFF0C: case ',': case 0x3001: case 0xFF1B: case ';': case 0xFF1A: case ':': case 0x2014: case 0x2013:
        return END_CLAUSE;
    case '\n':
        return END_PARAGRAPH;
    default:
        return END_NONE;
    }
}

/* List bullets at the start of a line: "– 智能的本质", "— ...", "- ...", "• ..." */
static int is_bullet(uint32_t cp)
{
    return cp == 0x2013 || cp == 0x2014 || cp == '-' || cp == 0x2022 || cp == 0x00B7;
}

static int is_closer(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == 0x300D || cp == 0x300F || cp == ')' || cp == 0xFF09 ||
           cp == 0x300B || cp == '"' || cp == '\'';
}

/* Is the punctuation at i part of a number or a word rather than a boundary?
 * 1,367  10:30  3.5  U.S.  10-20 */
static int inside_token(const char *s, size_t len, size_t i, uint32_t cp)
{
    if (cp != ',' && cp != ':' && cp != '.' && cp != 0x2013 && cp != 0x2014) return 0;
    int n;
    uint32_t next = cp_at(s, len, i + (cp < 0x80 ? 1 : 3), &n);
    uint32_t prev = i > 0 ? (unsigned char)s[i - 1] : 0;
    if (is_digit(prev) && is_digit(next)) return 1;
    if (cp == '.' && is_alpha(prev) && is_alpha(next)) return 1;
    return 0;
}

static int is_content(uint32_t cp)
{
    return !utf8_is_space(cp) && boundary_kind(cp) == END_NONE && cp != 0x2013 && cp != 0x2014;
}

static int has_content(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = cp_at(s, len, i, &n);
        if (is_content(cp)) return 1;
        i += (size_t)n;
    }
    return 0;
}

/* The byte offset in the clause's display text of byte `at` of its width-folded copy
 * (folding maps every code point to one code point, so code points correspond). */
static int display_offset(const char *display, size_t display_len, const char *folded, size_t at)
{
    size_t cps = utf8_length(folded, at), i = 0;
    for (size_t k = 0; k < cps && i < display_len; k++) {
        int n;
        cp_at(display, display_len, i, &n);
        i += (size_t)(n > 0 ? n : 1);
    }
    return (int)i;
}

static void add_segment(struct fe_plan *plan, enum lang lang, struct strbuf *text, int display_from,
                        int display_to)
{
    plan->segments = xrealloc(plan->segments, sizeof *plan->segments * (size_t)(plan->n_segments + 1));
    plan->segments[plan->n_segments++] =
        (struct fe_segment){lang, sb_detach(text), plan->n_clauses - 1, NULL, {0}, display_from, display_to};
    plan->clauses[plan->n_clauses - 1].n_segments++;
}

/* A Mandarin segment: written is read as pinyin (nothing is added if nothing is said). */
static void add_mandarin_segment(struct fe_plan *plan, const struct strbuf *written, const struct lexicon *lex,
                                 int display_from, int display_to)
{
    struct py_reading r;
    py_read(written->data, written->len, lex, &r);
    if (!speakable(r.text, strlen(r.text))) {
        py_reading_free(&r);
        return;
    }
    plan->segments = xrealloc(plan->segments, sizeof *plan->segments * (size_t)(plan->n_segments + 1));
    plan->segments[plan->n_segments++] =
        (struct fe_segment){LANG_CMN, xstrdup(r.text), plan->n_clauses - 1, xstrndup(written->data, written->len), r,
                            display_from, display_to};
    plan->clauses[plan->n_clauses - 1].n_segments++;
}

static int number_unit_follows(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ') i++;
    for (size_t k = 0; k < sizeof number_units / sizeof number_units[0]; k++)
        if (strncmp(s + i, number_units[k], strlen(number_units[k])) == 0) return 1;
    return 0;
}

/* End of the Latin run starting at i (an ASCII letter, or digits glued to letters). */
static size_t latin_run_end(const char *s, size_t len, size_t i)
{
    size_t end = i;
    for (;;) {
        size_t j = end;
        while (j < len && (is_word_char(s[j]) || ((s[j] == '-' || s[j] == '\'' || s[j] == '.' || s[j] == '&') &&
                                                  j + 1 < len && is_word_char(s[j + 1]))))
            j++;
        end = j;
        size_t k = end;
        while (k < len && s[k] == ' ') k++;
        if (k < len && is_alpha((unsigned char)s[k])) {
            end = k;
            continue;
        }
        if (k < len && is_digit((unsigned char)s[k])) {
            size_t d = k;
            while (d < len && (is_digit((unsigned char)s[d]) || (s[d] == '.' && d + 1 < len && is_digit((unsigned char)s[d + 1])))) d++;
            if (!number_unit_follows(s, len, d) && d - k <= 4) {
                end = d;
                continue;
            }
        }
        return end;
    }
}

/* "3D", "5G", "4K": digits glued to a capital letter form an English word. */
static int digits_glued_to_word(const char *s, size_t n, size_t i)
{
    if (!is_digit((unsigned char)s[i]) || (i > 0 && is_digit((unsigned char)s[i - 1]))) return 0;
    size_t d = i;
    while (d < n && is_digit((unsigned char)s[d])) d++;
    return d < n && is_upper(s[d]) && (d + 1 >= n || !is_alpha((unsigned char)s[d + 1]));
}

static void segment_clause(struct fe_plan *plan, const char *clause, size_t len, const struct lexicon *lex,
                           uint32_t end_punct)
{
    struct strbuf folded, text;
    sb_init(&folded), sb_init(&text);
    zhnorm_fold_width(clause, len, &folded);
    const char *s = sb_cstr(&folded);
    size_t n = folded.len;
    size_t run_start = 0;
    if (plan->english) {
        int han = 0;
        for (size_t i = 0; i < n && !han;) {
            int l;
            han = utf8_is_han(cp_at(s, n, i, &l));
            i += (size_t)l;
        }
        if (!han) {
            size_t a = 0, b = n;
            while (a < b && s[a] == ' ') a++;
            while (b > a && s[b - 1] == ' ') b--;
            if (b > a) fe_english_text(s + a, b - a, lex, &text);
            if (text.len && speakable(text.data, text.len))
                add_segment(plan, LANG_EN, &text, display_offset(clause, len, s, a), display_offset(clause, len, s, b));
            n = 0; /* done: skip the Mandarin/Latin split */
        }
    }
    for (size_t i = 0; i <= n && n;) {
        int starts_latin = i < n && (is_alpha((unsigned char)s[i]) || digits_glued_to_word(s, n, i));
        if (i == n || starts_latin) {
            while (run_start < i && s[run_start] == ' ') run_start++;
            size_t run_end = i;
            while (run_end > run_start && s[run_end - 1] == ' ') run_end--;
            if (run_end > run_start && speakable(s + run_start, run_end - run_start)) {
                fe_mandarin_text(s + run_start, run_end - run_start, lex, &text);
                if (speakable(text.data, text.len))
                    add_mandarin_segment(plan, &text, lex, display_offset(clause, len, s, run_start),
                                         display_offset(clause, len, s, run_end));
                text.len = 0;
            }
            if (i == n) break;
            size_t e = latin_run_end(s, n, i);
            fe_english_text(s + i, e - i, lex, &text);
            if (text.len)
                add_segment(plan, LANG_EN, &text, display_offset(clause, len, s, i), display_offset(clause, len, s, e));
            text.len = 0;
            i = run_start = e;
            continue;
        }
        int l;
        cp_at(s, n, i, &l);
        i += (size_t)l;
    }
    /* Question intonation for a clause that ends in an English run. */
    struct fe_clause *c = &plan->clauses[plan->n_clauses - 1];
    if (c->n_segments) {
        struct fe_segment *last = &plan->segments[plan->n_segments - 1];
        if (last->lang == LANG_EN && (end_punct == '?' || end_punct == 0xFF1F)) {
            size_t l = strlen(last->text);
            last->text = xrealloc(last->text, l + 2);
            memcpy(last->text + l, "?", 2);
        }
    }
    sb_free(&folded), sb_free(&text);
}

static void add_clause(struct fe_plan *plan, const char *text, size_t len, enum clause_end end, int sentence_start,
                       uint32_t end_punct, const struct lexicon *lex)
{
    while (len && (*text == ' ' || *text == '\n')) text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\n')) len--;
    plan->clauses = xrealloc(plan->clauses, sizeof *plan->clauses * (size_t)(plan->n_clauses + 1));
    plan->clauses[plan->n_clauses++] =
        (struct fe_clause){xstrndup(text, len), end, sentence_start, plan->n_segments, 0};
    segment_clause(plan, text, len, lex, end_punct);
}

void fe_plan_turn(const char *text, const struct lexicon *lex, struct fe_plan *plan)
{
    fe_plan_turn_lang(text, lex, 0, plan);
}

void fe_plan_turn_lang(const char *text, const struct lexicon *lex, int english, struct fe_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->english = english;
    size_t len = strlen(text), start = 0;
    int sentence_start = 1;
    int content = 0; /* has_content(text + start, i - start), kept as i moves: linear in a
                      * run of punctuation with nothing to say, not quadratic */
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = cp_at(text, len, i, &n);
        enum clause_end kind = boundary_kind(cp);
        if (kind == END_NONE || inside_token(text, len, i, cp) || !content) {
            content |= is_content(cp);
            i += (size_t)n;
            continue;
        }
        /* absorb the rest of the punctuation cluster: "?!", "……", "。”" */
        size_t j = i + (size_t)n;
        uint32_t last_punct = cp;
        int after_newline = cp == '\n';
        for (;;) {
            int m;
            uint32_t c2 = cp_at(text, len, j, &m);
            if (j >= len) break;
            /* a dash that starts a line is the bullet of the next item, not the end of this one */
            if (after_newline && is_bullet(c2)) break;
            if (c2 == '\n') after_newline = 1;
            else if (c2 != ' ') after_newline = 0;
            enum clause_end k2 = boundary_kind(c2);
            if (k2 != END_NONE && !inside_token(text, len, j, c2)) {
                if (k2 > kind) kind = k2;
                if (k2 != END_PARAGRAPH) last_punct = c2;
            } else if (!is_closer(c2) && c2 != ' ') break;
            j += (size_t)m;
        }
        add_clause(plan, text + start, j - start, kind, sentence_start, last_punct, lex);
        sentence_start = kind >= END_SENTENCE;
        start = i = j;
        content = 0;
    }
    if (has_content(text + start, len - start))
        add_clause(plan, text + start, len - start, END_PARAGRAPH, sentence_start, 0, lex);
    else if (plan->n_clauses)
        plan->clauses[plan->n_clauses - 1].end = END_PARAGRAPH;
    /* Display text of a clause never carries the newline that ended it. */
    for (int c = 0; c < plan->n_clauses; c++) {
        char *d = plan->clauses[c].display;
        size_t l = strlen(d);
        while (l && (d[l - 1] == '\n' || d[l - 1] == ' ')) d[--l] = '\0';
    }
}

void fe_plan_free(struct fe_plan *plan)
{
    for (int i = 0; i < plan->n_clauses; i++) free(plan->clauses[i].display);
    for (int i = 0; i < plan->n_segments; i++) {
        free(plan->segments[i].text), free(plan->segments[i].written);
        py_reading_free(&plan->segments[i].reading);
    }
    free(plan->clauses);
    free(plan->segments);
    memset(plan, 0, sizeof *plan);
}
