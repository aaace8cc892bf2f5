/* lexicon.c: see lexicon.h. */
#include "config/lexicon.h"

#include "base/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/utf8.h"

const char *lang_code(enum lang l) { return l == LANG_EN ? "en" : "cmn"; }

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = '\0';
    return s;
}

static int balanced_brackets(const char *s)
{
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (p[0] == '[' && p[1] == '[') depth++, p++;
        else if (p[0] == ']' && p[1] == ']') {
            if (--depth < 0) return 0;
            p++;
        }
    }
    return depth == 0;
}

static int all_han(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int l = utf8_decode(s + i, len - i, &cp);
        if (l <= 0 || !utf8_is_han(cp)) return 0;
        i += (size_t)l;
    }
    return len > 0;
}

/* A cmn replacement made of Latin letters, digits and spaces only is pinyin: normalises it
 * into *out ("Liao3  jie3" -> "liao3 jie3", ü -> v) and checks one syllable with a tone
 * digit per character of word.  Returns 1 if it is pinyin, 0 if not, -1 (err set) if it
 * is malformed pinyin. */
static int parse_pinyin(const char *word, const char *repl, char **out, const char *path, int line,
                        struct rc_error *err)
{
    int latin = 0;
    for (const char *p = repl; *p; p++) {
        if ((unsigned char)*p == 0xC3 && ((unsigned char)p[1] == 0xBC || (unsigned char)p[1] == 0x9C)) { p++; continue; }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) latin = 1;
        else if (!(*p >= '0' && *p <= '9') && *p != ' ' && *p != '\t') return 0;
    }
    if (!latin) return 0;
    struct strbuf sb;
    sb_init(&sb);
    int n = 0, bad = 0;
    for (const char *p = repl; *p;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        if (n++) sb_addc(&sb, ' ');
        size_t start = sb.len;
        while (*p && *p != ' ' && *p != '\t') {
            if ((unsigned char)*p == 0xC3) sb_addc(&sb, 'v'), p += 2;
            else sb_addc(&sb, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p)), p++;
        }
        size_t l = sb.len - start;
        const char *syl = sb.data + start;
        if (l < 2 || syl[l - 1] < '1' || syl[l - 1] > '5') bad = 1;
        for (size_t i = 0; i + 1 < l; i++)
            if (syl[i] < 'a' || syl[i] > 'z') bad = 1;
    }
    size_t chars = utf8_length(word, strlen(word));
    if (bad || !all_han(word) || (size_t)n != chars) {
        sb_free(&sb);
        return rc_fail(err, RC_DATAERR,
                       "%s:%d: \"%s\" = \"%s\": pinyin for a cmn word is one syllable with a tone digit (1-4, 5 "
                       "neutral; v for ü) per Han character, e.g. cmn 了解 = liao3 jie3 (%zu characters, %d syllables)",
                       path, line, word, repl, chars, n);
    }
    *out = sb_detach(&sb);
    return 1;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct lexicon_entry *x = a, *y = b;
    if (x->lang != y->lang) return x->lang < y->lang ? -1 : 1;
    if (x->word_len != y->word_len) return x->word_len > y->word_len ? -1 : 1;
    return strcmp(x->word, y->word);
}

static int parse_line(struct lexicon *lex, const char *path, int line, char *s, struct rc_error *err)
{
    char *hash = strchr(s, '#');
    if (hash) *hash = '\0';
    s = trim(s);
    if (!*s) return 0;
    enum lang lang;
    if (strncmp(s, "en", 2) == 0 && (s[2] == ' ' || s[2] == '\t')) lang = LANG_EN, s += 2;
    else if (strncmp(s, "cmn", 3) == 0 && (s[3] == ' ' || s[3] == '\t')) lang = LANG_CMN, s += 3;
    else
        return rc_fail(err, RC_DATAERR, "%s:%d: a lexicon line starts with en or cmn, then WORD = REPLACEMENT; got \"%s\"",
                       path, line, s);
    char *eq = strstr(s, " = ");
    if (!eq) return rc_fail(err, RC_DATAERR, "%s:%d: missing \" = \" between word and replacement", path, line);
    *eq = '\0';
    char *word = trim(s), *repl = trim(eq + 3);
    if (!*word) return rc_fail(err, RC_DATAERR, "%s:%d: empty word", path, line);
    if (!*repl) return rc_fail(err, RC_DATAERR, "%s:%d: empty replacement for \"%s\"", path, line, word);
    /* a pronunciation, not a paragraph: keeps a turn's text, and so a worker's memory,
     * bounded by the length of the turn's part */
    if (strlen(repl) > LEXICON_MAX_REPLACEMENT)
        return rc_fail(err, RC_DATAERR, "%s:%d: the replacement for \"%s\" is %zu bytes; at most %d (write the word's "
                       "pronunciation, not a text)", path, line, word, strlen(repl), LEXICON_MAX_REPLACEMENT);
    if (!balanced_brackets(repl))
        return rc_fail(err, RC_DATAERR, "%s:%d: unbalanced [[ ]] in the replacement for \"%s\"", path, line, word);
    if (lang == LANG_EN && strchr(word, ' '))
        return rc_fail(err, RC_DATAERR, "%s:%d: an en entry is one word (\"%s\" has a space)", path, line, word);
    for (int i = 0; i < lex->n_entries; i++)
        if (lex->entries[i].lang == lang && strcmp(lex->entries[i].word, word) == 0)
            return rc_fail(err, RC_DATAERR, "%s:%d: \"%s\" is already defined on line %d", path, line, word,
                           lex->entries[i].line);
    char *pinyin = NULL;
    int is_pinyin = lang == LANG_CMN ? parse_pinyin(word, repl, &pinyin, path, line, err) : 0;
    if (is_pinyin < 0) return -1;
    lex->entries = xrealloc(lex->entries, sizeof *lex->entries * (size_t)(lex->n_entries + 1));
    lex->entries[lex->n_entries++] =
        (struct lexicon_entry){lang, xstrdup(word), strlen(word), is_pinyin ? pinyin : xstrdup(repl), line, is_pinyin};
    return 0;
}

int lexicon_load(const char *path, struct lexicon *lex, struct rc_error *err)
{
    memset(lex, 0, sizeof *lex);
    char *text;
    size_t len;
    if (read_text_file(path, &text, &len, err) != 0) return -1;
    if (utf8_check(path, text, len, err) != 0) {
        free(text);
        return -1;
    }
    lex->path = xstrdup(path);
    int line = 0, rc = 0;
    for (char *ln = text, *next; ln && rc == 0; ln = next) {
        char *nl = strchr(ln, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        line++;
        rc = parse_line(lex, path, line, ln, err);
    }
    free(text);
    if (rc != 0) {
        lexicon_free(lex);
        return -1;
    }
    if (lex->n_entries) qsort(lex->entries, (size_t)lex->n_entries, sizeof *lex->entries, cmp_entry);
    return 0;
}

int lexicon_load_optional(const char *path, struct lexicon *lex, struct rc_error *err)
{
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        memset(lex, 0, sizeof *lex);
        return 0;
    }
    return lexicon_load(path, lex, err);
}

void lexicon_free(struct lexicon *lex)
{
    for (int i = 0; i < lex->n_entries; i++) free(lex->entries[i].word), free(lex->entries[i].replacement);
    free(lex->entries);
    free(lex->path);
    memset(lex, 0, sizeof *lex);
}

const char *lexicon_lookup_en(const struct lexicon *lex, const char *word, size_t len)
{
    for (int i = 0; i < lex->n_entries; i++)
        if (lex->entries[i].lang == LANG_EN && lex->entries[i].word_len == len &&
            memcmp(lex->entries[i].word, word, len) == 0)
            return lex->entries[i].replacement;
    return NULL;
}

void lexicon_apply_cmn(const struct lexicon *lex, const char *text, size_t len, struct strbuf *out)
{
    for (size_t i = 0; i < len;) {
        const struct lexicon_entry *hit = NULL;
        for (int k = 0; k < lex->n_entries && !hit; k++) {
            const struct lexicon_entry *e = &lex->entries[k];
            if (e->lang == LANG_CMN && !e->pinyin && e->word_len <= len - i && memcmp(text + i, e->word, e->word_len) == 0) hit = e;
        }
        if (hit) {
            sb_adds(out, hit->replacement);
            i += hit->word_len;
        } else {
            sb_addc(out, text[i++]);
        }
    }
}
