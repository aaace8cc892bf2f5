/* pinyin.c: see pinyin.h. */
#include "speech/pinyin.h"

#include <math.h>
#include <opencc/opencc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Bump when a rule changes what is read (it is part of py_data_id). */
#define PY_RULES_VERSION 1
#define MAX_WORD_CHARS 16 /* longest word looked up (jieba's longest are 16) */

/* The embedded tables (pinyin_data.c): data/pinyin/words.txt and cedict.txt as they are. */
extern const char recast_pinyin_words[];
extern const char recast_pinyin_words_end[];
extern const char recast_pinyin_cedict[];
extern const char recast_pinyin_cedict_end[];

/* ---- the word table ---- */

struct table_line {
    const char *word;
    size_t word_len;
    long freq;
    const char *reading; /* NULL when composed from the characters' lines */
    size_t reading_len;
    int traditional; /* the character has a Simplified form (consult OpenCC) */
};

static const char *table_begin(void)
{
    const char *p = memchr(recast_pinyin_words, '\n', (size_t)(recast_pinyin_words_end - recast_pinyin_words));
    return p ? p + 1 : recast_pinyin_words_end;
}

static double table_log_total(void)
{
    static double log_total;
    if (log_total == 0) {
        long total = strtol(recast_pinyin_words + 1, NULL, 10); /* first line: TAB TOTAL */
        log_total = log(total > 1 ? (double)total : 2.0);
    }
    return log_total;
}

/* Start of the line holding p (never before lo). */
static const char *line_start(const char *lo, const char *p)
{
    while (p > lo && p[-1] != '\n') p--;
    return p;
}

static const char *line_end(const char *p, const char *hi)
{
    const char *e = memchr(p, '\n', (size_t)(hi - p));
    return e ? e + 1 : hi;
}

/* Compares a line's word with key: 0 when the word starts with key, else the order. */
static int cmp_prefix(const char *line, const char *hi, const char *key, size_t klen)
{
    for (size_t i = 0; i < klen; i++) {
        if (line + i >= hi || line[i] == '\t' || line[i] == '\n') return -1; /* word shorter: before */
        unsigned char a = (unsigned char)line[i], b = (unsigned char)key[i];
        if (a != b) return a < b ? -1 : 1;
    }
    return 0;
}

/* First line in [lo, hi) (line starts) for which cmp_prefix(line) >= want (want 0: first
 * with the prefix or after it; want 1: first after every line with the prefix). */
static const char *bound(const char *lo, const char *hi, const char *key, size_t klen, int want)
{
    while (lo < hi) {
        const char *mid = line_start(lo, lo + (hi - lo) / 2);
        int c = cmp_prefix(mid, hi, key, klen);
        if (c < want) lo = line_end(mid, hi);
        else hi = mid;
    }
    return lo;
}

static void parse_line(const char *p, const char *hi, struct table_line *out)
{
    const char *e = line_end(p, hi);
    if (e > p && e[-1] == '\n') e--;
    memset(out, 0, sizeof *out);
    const char *f[4];
    size_t fl[4];
    int n = 0;
    const char *s = p;
    while (n < 4) {
        const char *t = memchr(s, '\t', (size_t)(e - s));
        f[n] = s, fl[n] = (size_t)((t ? t : e) - s), n++;
        if (!t) break;
        s = t + 1;
    }
    out->word = f[0], out->word_len = fl[0];
    if (n > 1) out->freq = strtol(f[1], NULL, 10);
    if (n > 2 && fl[2]) out->reading = f[2], out->reading_len = fl[2];
    if (n > 3 && fl[3] == 1 && f[3][0] == 'T') out->traditional = 1;
}

/* Exact lookup of a word in the lines [lo, hi). */
static int find_in(const char *lo, const char *hi, const char *word, size_t len, struct table_line *out)
{
    const char *first = bound(lo, hi, word, len, 0);
    if (first >= hi || cmp_prefix(first, hi, word, len) != 0) return 0;
    parse_line(first, hi, out);
    return out->word_len == len;
}

/* The lines of words.txt that start with one character (cached: most lookups of a run
 * start with the same few hundred characters). */
static void char_range(const char *ch, size_t len, const char **lo, const char **hi)
{
    static struct {
        char ch[4];
        size_t len;
        const char *lo, *hi;
    } cache[4096];
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)ch[i]) * 16777619u;
    h &= 4095;
    if (cache[h].len != len || memcmp(cache[h].ch, ch, len) != 0) {
        const char *b = table_begin(), *e = recast_pinyin_words_end;
        cache[h].lo = bound(b, e, ch, len, 0);
        cache[h].hi = bound(cache[h].lo, e, ch, len, 1);
        memcpy(cache[h].ch, ch, len), cache[h].len = len;
    }
    *lo = cache[h].lo, *hi = cache[h].hi;
}

/* A word of words.txt. */
static int table_find(const char *word, size_t len, struct table_line *out)
{
    uint32_t cp;
    int l = utf8_decode(word, len, &cp);
    if (l <= 0) return 0;
    const char *lo, *hi;
    char_range(word, (size_t)l, &lo, &hi);
    if ((size_t)l == len) { /* a character: its own line comes first in its range */
        if (lo >= hi) return 0;
        parse_line(lo, hi, out);
        return out->word_len == len;
    }
    return find_in(lo, hi, word, len, out);
}

/* The CC-CEDICT reading of a word (cedict.txt: WORD TAB READING), which wins over
 * words.txt's (the generator wrote it only where it differs). */
static int cedict_find(const char *word, size_t len, struct table_line *out)
{
    if (!find_in(recast_pinyin_cedict, recast_pinyin_cedict_end, word, len, out)) return 0;
    /* its second field is the reading */
    const char *r = out->word + out->word_len + 1;
    const char *e = memchr(r, '\n', (size_t)(recast_pinyin_cedict_end - r));
    out->reading = r, out->reading_len = (size_t)((e ? e : recast_pinyin_cedict_end) - r);
    return 1;
}

/* ---- Traditional -> Simplified ---- */

static opencc_t opencc_handle;
static int opencc_failed;

/* Simplified form of a run of characters, character for character; NULL if OpenCC is
 * not available or changes the number of characters (then the caller looks up the
 * characters one by one). */
static char *simplify(const char *s, size_t len)
{
    if (!opencc_handle && !opencc_failed) {
        opencc_handle = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
        if (opencc_handle == (opencc_t)-1) opencc_handle = NULL, opencc_failed = 1;
    }
    if (!opencc_handle) return NULL;
    char *r = opencc_convert_utf8(opencc_handle, s, len);
    if (!r) return NULL;
    char *copy = NULL;
    if (utf8_length(r, strlen(r)) == utf8_length(s, len)) copy = xstrdup(r);
    opencc_convert_utf8_free(r);
    return copy;
}

/* ---- reading one run of Han characters ---- */

struct hchar {
    uint32_t cp;          /* as written */
    uint32_t simp;        /* its Simplified form (the table's key) */
    const char *orig;     /* bytes as written */
    int orig_len;
    char simp_bytes[4];
    int simp_len;
    char syl[PY_SYLLABLE_MAX];
    int default_tone; /* tone of the character's own line (for sandhi before a neutral tone) */
    int word;         /* index into words */
};

struct seg_word {
    int start, n; /* characters */
    enum py_source source;
};

static int tone_of(const char *syl)
{
    size_t n = strlen(syl);
    return n && syl[n - 1] >= '1' && syl[n - 1] <= '5' ? syl[n - 1] - '0' : 5;
}

static void set_tone(char *syl, int tone)
{
    size_t n = strlen(syl);
    if (n) syl[n - 1] = (char)('0' + tone);
}

int py_is_syllable(const char *s, size_t len)
{
    if (len < 2 || len >= PY_SYLLABLE_MAX || s[len - 1] < '1' || s[len - 1] > '5') return 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] < 'a' || s[i] > 'z') return 0;
    return 1;
}

/* Copies the i-th space-separated syllable of a reading. */
static int reading_syllable(const char *r, size_t len, int i, char out[PY_SYLLABLE_MAX])
{
    size_t p = 0;
    for (int k = 0; k < i; k++) {
        while (p < len && r[p] != ' ') p++;
        while (p < len && r[p] == ' ') p++;
    }
    size_t e = p;
    while (e < len && r[e] != ' ') e++;
    if (!py_is_syllable(r + p, e - p)) return 0;
    memcpy(out, r + p, e - p);
    out[e - p] = '\0';
    return 1;
}

static int count_syllables(const char *r, size_t len)
{
    int n = 0;
    for (size_t p = 0; p < len;) {
        while (p < len && r[p] == ' ') p++;
        if (p >= len) break;
        size_t e = p;
        while (e < len && r[e] != ' ') e++;
        if (!py_is_syllable(r + p, e - p)) return -1;
        n++, p = e;
    }
    return n;
}

/* Does user entry e match the characters at i (as written or Simplified)? */
static int user_match(const struct lexicon_entry *e, const struct hchar *c, int n, int i)
{
    size_t k = 0;
    int j = i;
    for (; j < n && k < e->word_len; j++) {
        if ((size_t)c[j].orig_len <= e->word_len - k && memcmp(e->word + k, c[j].orig, (size_t)c[j].orig_len) == 0)
            k += (size_t)c[j].orig_len;
        else if ((size_t)c[j].simp_len <= e->word_len - k &&
                 memcmp(e->word + k, c[j].simp_bytes, (size_t)c[j].simp_len) == 0)
            k += (size_t)c[j].simp_len;
        else
            return 0;
    }
    return k == e->word_len ? j - i : 0;
}

/* Segments c[0..n) (most probable path, jieba's DAG + dynamic programming). */
static int segment(struct hchar *c, int n, const struct lexicon *lex, struct seg_word *words)
{
    double *best = xcalloc((size_t)n + 1, sizeof *best);
    int *next_len = xcalloc((size_t)n + 1, sizeof *next_len);
    enum py_source *src = xcalloc((size_t)n + 1, sizeof *src);
    double log_total = table_log_total();
    const char *hi = recast_pinyin_words_end;
    char key[MAX_WORD_CHARS * 4];
    for (int i = n - 1; i >= 0; i--) {
        /* a single character is always a way through */
        best[i] = -log_total + best[i + 1] - 1e-9, next_len[i] = 1, src[i] = PY_CHARS;
        const char *lo, *end;
        char_range(c[i].simp_bytes, (size_t)c[i].simp_len, &lo, &end);
        size_t klen = 0;
        for (int k = 1; k <= MAX_WORD_CHARS && i + k <= n; k++) {
            memcpy(key + klen, c[i + k - 1].simp_bytes, (size_t)c[i + k - 1].simp_len);
            klen += (size_t)c[i + k - 1].simp_len;
            if (k > 1) {
                lo = bound(lo, end, key, klen, 0);
                end = bound(lo, end, key, klen, 1);
            }
            if (lo >= end) break;
            struct table_line tl;
            parse_line(lo, hi, &tl);
            if (tl.word_len != klen || tl.freq <= 0) continue;
            double score = log((double)tl.freq) - log_total + best[i + k];
            if (score >= best[i]) best[i] = score, next_len[i] = k, src[i] = PY_TABLE;
        }
        /* user words win over everything the table offers */
        for (int e = 0; lex && e < lex->n_entries; e++) {
            const struct lexicon_entry *le = &lex->entries[e];
            if (le->lang != LANG_CMN || !le->pinyin) continue;
            int k = user_match(le, c, n, i);
            double score = 1000.0 * k + best[i + k];
            if (k > 0 && score > best[i]) best[i] = score, next_len[i] = k, src[i] = PY_LEXICON;
        }
    }
    int nw = 0;
    for (int i = 0; i < n; i += next_len[i]) words[nw++] = (struct seg_word){i, next_len[i], src[i]};
    free(best), free(next_len), free(src);
    return nw;
}

static const char *user_reading(const struct lexicon *lex, const struct hchar *c, int n, const struct seg_word *w)
{
    for (int e = 0; lex && e < lex->n_entries; e++) {
        const struct lexicon_entry *le = &lex->entries[e];
        if (le->lang == LANG_CMN && le->pinyin && user_match(le, c, n, w->start) == w->n) return le->replacement;
    }
    return NULL;
}

/* Each character's reading from its own line (and its tone there). */
static int char_reading(const struct hchar *h, char out[PY_SYLLABLE_MAX], int *tone)
{
    struct table_line tl;
    if (!table_find(h->simp_bytes, (size_t)h->simp_len, &tl) || !tl.reading) {
        /* the character as written may have its own line (Unihan) */
        if (!table_find(h->orig, (size_t)h->orig_len, &tl) || !tl.reading) return 0;
    }
    if (!reading_syllable(tl.reading, tl.reading_len, 0, out)) return 0;
    *tone = tone_of(out);
    return 1;
}

/* ---- rules ---- */

static int in_set(uint32_t cp, const char *set)
{
    for (size_t i = 0; set[i];) {
        uint32_t x;
        int l = utf8_decode(set + i, strlen(set + i), &x);
        if (l <= 0) return 0;
        if (x == cp) return 1;
        i += (size_t)l;
    }
    return 0;
}

static const char DIGITS[] = "零〇一二三四五六七八九十";
static const char NUMERALS[] = "零〇一二三四五六七八九十两百千万亿几多";
/* single-character verbs read with a neutral second syllable when doubled (看看, 想想) */
static const char REDUP_VERBS[] = "看想试说听走谈聊问找玩写读学坐查摸尝比练动猜算讲逛转歇洗擦拍揉敲跑跳睡抱笑";
/* kinship and pet forms, doubled: second syllable neutral (妈妈, 哥哥, 宝宝) */
static const char KINSHIP[] = "妈爸哥姐弟妹爷奶姥叔舅婶姑伯婆公太宝娃";
/* complements of a V不C potential form, where 不 is neutral (来不及, 看不见, 差不多) */
static const char COMPLEMENTS[] = "起及了到得见住动开完下上出来去过懂清行够着成好掉少多对定准惯透";
/* the same, when 不 and its complement are not one dictionary word with the verb */
static const char RESULT_COMPLEMENTS[] = "了起及见懂动完住到开出下上来去过清掉着透惯成";
/* one-character words before 不 that are not verbs (我不懂: bù) */
static const char NOT_VERBS[] = "我你他她它谁也都还就又再很太最更没不并才却倒可真而且但人事和与跟同及或只";
/* before 得, a subject or adverb makes it the modal děi (我得走, 就得改) */
static const char *const DEI_BEFORE[] = {"我", "你", "他", "她", "它", "我们", "你们", "他们", "她们", "咱们",
                                         "大家", "就", "还", "也", "都", "总", "必须", "可", "真", NULL};
/* degree adverbs: 更多地, 很快地 (an adjective of one character between them and 地) */
static const char *const DEGREE[] = {"更", "很", "最", "越", "太", "极", "比较", "非常", "十分", "相当", NULL};
/* after these, a 为 of its own is wéi (转化为, 称之为, 分为, 成为) */
static const char WEI2_AFTER[] = "化成称作分视变转改定列选译认以之名奉誉";
/* after these, 过 is the verb guò (没过多久), not the aspect particle */
static const char GUO_VERB_AFTER[] = "不没还也都就太很再又先刚才";

struct ctx {
    struct hchar *c;
    int n;
    struct seg_word *w;
    int nw;
};

static int word_is(const struct ctx *x, int wi, const char *s)
{
    if (wi < 0 || wi >= x->nw) return 0;
    size_t k = 0, sl = strlen(s);
    for (int j = x->w[wi].start; j < x->w[wi].start + x->w[wi].n; j++) {
        if (k + (size_t)x->c[j].simp_len > sl || memcmp(s + k, x->c[j].simp_bytes, (size_t)x->c[j].simp_len) != 0)
            return 0;
        k += (size_t)x->c[j].simp_len;
    }
    return k == sl;
}

static int word_in(const struct ctx *x, int wi, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (word_is(x, wi, list[i])) return 1;
    return 0;
}

static uint32_t cp_at(const struct ctx *x, int i) { return i >= 0 && i < x->n ? x->c[i].simp : 0; }

/* The tone that decides 一/不 sandhi: the next syllable's, or for a neutral syllable its
 * character's own tone (一个 when 个 is neutral: yí). */
static int next_tone(const struct ctx *x, int i)
{
    if (i + 1 >= x->n) return 0;
    int t = tone_of(x->c[i + 1].syl);
    if (t == 5) t = x->c[i + 1].default_tone;
    return t == 5 ? 4 : t;
}

static void rule_particles(struct ctx *x)
{
    for (int wi = 0; wi < x->nw; wi++) {
        const struct seg_word *w = &x->w[wi];
        if (w->n != 1 || w->source == PY_LEXICON) continue;
        struct hchar *h = &x->c[w->start];
        int prev_han = wi > 0, has_next = wi + 1 < x->nw;
        uint32_t prev = cp_at(x, w->start - 1);
        switch (h->simp) {
        case 0x4E86: /* 了: liǎo in V不了 (来不了, 去不了) */
            if (prev == 0x4E0D && x->w[wi - 1].n == 1) strcpy(h->syl, "liao3");
            break;
        case 0x5730: /* 地: the adverbial de after a word of two or more characters */
            if (prev_han && has_next && x->w[wi - 1].n >= 2 && x->w[wi - 1].source != PY_LEXICON)
                strcpy(h->syl, "de5");
            else if (prev_han && has_next && x->w[wi - 1].n == 1 && wi >= 2 && word_in(x, wi - 2, DEGREE))
                strcpy(h->syl, "de5"); /* 更多地, 很快地 */
            break;
        case 0x5F97: /* 得: děi after a subject or adverb; de after anything else */
            if (!prev_han) break;
            if (word_in(x, wi - 1, DEI_BEFORE) && has_next && !in_set(cp_at(x, w->start + 1), "了到的很太非多更好不"))
                strcpy(h->syl, "dei3");
            else
                strcpy(h->syl, "de5");
            break;
        case 0x8FC7: /* 过: the aspect particle after a verb */
            if (prev_han && !in_set(prev, GUO_VERB_AFTER) && x->w[wi - 1].n == 1 && !in_set(prev, NUMERALS))
                strcpy(h->syl, "guo5");
            break;
        case 0x4E3A: /* 为: wéi "as, become" after verbs that take it (转化为, 称之为, 分为) */
            if (prev_han && in_set(prev, WEI2_AFTER)) strcpy(h->syl, "wei2");
            break;
        case 0x884C: /* 行: the classifier háng after a numeral (三万行代码) */
            if (prev_han && in_set(prev, NUMERALS)) strcpy(h->syl, "hang2");
            break;
        case 0x53EA: /* 只: the classifier zhī after a numeral (两只, 几只) */
            if (prev_han && in_set(prev, NUMERALS) && prev != 0x591A) strcpy(h->syl, "zhi1");
            break;
        default:
            break;
        }
    }
}

/* 个 as a classifier after a numeral or demonstrative is neutral (一个, 两个, 这个); 个人,
 * 个性 (个 first in its word) and 整个, 各个 keep gè. */
static void rule_classifier_ge(struct ctx *x)
{
    for (int i = 1; i < x->n; i++) {
        struct hchar *h = &x->c[i];
        if (h->simp != 0x4E2A || x->w[h->word].source == PY_LEXICON || strcmp(h->syl, "ge4") != 0) continue;
        const struct seg_word *w = &x->w[h->word];
        if (w->n > 1 && i == w->start) continue;
        uint32_t prev = x->c[i - 1].simp;
        if ((in_set(prev, NUMERALS) && prev != 0x591A) || in_set(prev, "这那哪每某半")) strcpy(h->syl, "ge5");
    }
}

static void rule_doubling(struct ctx *x)
{
    for (int i = 1; i < x->n; i++) {
        struct hchar *a = &x->c[i - 1], *b = &x->c[i];
        if (a->simp != b->simp || x->w[a->word].source == PY_LEXICON || x->w[b->word].source == PY_LEXICON) continue;
        int same_word = a->word == b->word && x->w[a->word].n == 2;
        int two_singles = a->word != b->word && x->w[a->word].n == 1 && x->w[b->word].n == 1;
        if (!same_word && !two_singles) continue;
        if (in_set(b->simp, KINSHIP) && same_word) set_tone(b->syl, 5);
        else if (in_set(b->simp, REDUP_VERBS) && (i + 1 >= x->n || x->c[i + 1].simp != b->simp)) set_tone(b->syl, 5);
    }
}

static void rule_yi_bu(struct ctx *x)
{
    for (int i = 0; i < x->n; i++) {
        struct hchar *h = &x->c[i];
        if (x->w[h->word].source == PY_LEXICON) continue;
        uint32_t prev = cp_at(x, i - 1), next = cp_at(x, i + 1);
        const struct seg_word *w = &x->w[h->word];
        int last_in_word = i == w->start + w->n - 1;
        if (h->simp == 0x4E00 && strcmp(h->syl, "yi1") == 0) { /* 一 */
            if (i + 1 >= x->n) continue;                              /* at the end: yī */
            if (in_set(prev, NUMERALS) && prev != 0x591A && prev != 0x51E0) continue; /* 十一, 一百一 */
            if (prev == 0x7B2C) continue;                             /* 第一 */
            if (in_set(next, DIGITS)) continue;                       /* 一九八四, 一一 */
            if (next == 0x70B9 && in_set(cp_at(x, i + 2), DIGITS)) continue; /* 一点五 */
            if (next == 0x6708 || next == 0x53F7) continue;           /* 一月, 一号 */
            if (next == 0x65E5 && prev == 0x6708) continue;           /* 五月一日 */
            if (last_in_word && w->n >= 2) continue;                  /* 统一, 之一, 唯一, 万一 */
            if (prev && prev == next && !in_set(prev, NUMERALS)) { /* 看一看 */
                strcpy(h->syl, "yi5");
                continue;
            }
            strcpy(h->syl, next_tone(x, i) == 4 ? "yi2" : "yi4");
        } else if (h->simp == 0x4E0D && strcmp(h->syl, "bu4") == 0) { /* 不 */
            if (i + 1 >= x->n) continue;
            if (prev && prev == next && i >= 1) { /* 是不是, 好不好, 喜不喜欢 */
                strcpy(h->syl, "bu5");
                continue;
            }
            if (w->n == 3 && i == w->start + 1 && in_set(next, COMPLEMENTS) && !in_set(prev, NOT_VERBS)) { /* 来不及 */
                strcpy(h->syl, "bu5");
                continue;
            }
            /* V不C across words: a one-character verb, 不, a result or direction (看不见, 来不了) */
            int next_alone = i + 1 < x->n && x->w[x->c[i + 1].word].n == 1; /* 来不了, not 不了解 */
            if (i >= 1 && x->c[i - 1].word != h->word && x->w[x->c[i - 1].word].n == 1 &&
                ((w->n == 2 && i == w->start) || (w->n == 1 && next_alone)) && in_set(next, RESULT_COMPLEMENTS) &&
                !in_set(prev, NOT_VERBS)) {
                strcpy(h->syl, "bu5");
                continue;
            }
            if (next_tone(x, i) == 4) strcpy(h->syl, "bu2");
        }
    }
}

/* ---- the run as a whole ---- */

struct builder {
    struct strbuf han, text;
    char (*syl)[PY_SYLLABLE_MAX];
    int n_syl, cap_syl;
    struct py_word *words;
    int n_words, cap_words;
};

static void add_token(struct builder *b, const char *s, size_t n)
{
    if (b->text.len && b->text.data[b->text.len - 1] != ' ') sb_addc(&b->text, ' ');
    sb_add(&b->text, s, n);
}

/* Reads one run of Han characters s[0..len). */
static void read_han(struct builder *b, const char *s, size_t len, const struct lexicon *lex)
{
    int n = (int)utf8_length(s, len);
    struct hchar *c = xcalloc((size_t)n + 1, sizeof *c);
    int any_traditional = 0, k = 0;
    for (size_t i = 0; i < len && k < n;) {
        uint32_t cp;
        int l = utf8_decode(s + i, len - i, &cp);
        if (l <= 0) l = 1, cp = 0xFFFD;
        c[k].cp = c[k].simp = cp, c[k].orig = s + i, c[k].orig_len = l;
        memcpy(c[k].simp_bytes, s + i, (size_t)l), c[k].simp_len = l;
        struct table_line tl;
        if (table_find(s + i, (size_t)l, &tl) && tl.traditional) any_traditional = 1;
        k++, i += (size_t)l;
    }
    n = k;
    if (any_traditional) {
        char *simp = simplify(s, len);
        for (int j = 0, off = 0; simp && j < n; j++) {
            uint32_t cp;
            int l = utf8_decode(simp + off, strlen(simp + off), &cp);
            if (l <= 0) break;
            if (utf8_is_han(cp)) c[j].simp = cp, memcpy(c[j].simp_bytes, simp + off, (size_t)l), c[j].simp_len = l;
            off += l;
        }
        free(simp);
    }
    struct seg_word *sw = xcalloc((size_t)n + 1, sizeof *sw);
    int nw = segment(c, n, lex, sw);
    for (int wi = 0; wi < nw; wi++) {
        const char *reading = NULL;
        size_t rlen = 0;
        if (sw[wi].source == PY_LEXICON) {
            reading = user_reading(lex, c, n, &sw[wi]);
            rlen = reading ? strlen(reading) : 0;
        } else if (sw[wi].source == PY_TABLE && sw[wi].n > 1) {
            char key[MAX_WORD_CHARS * 4];
            size_t kl = 0;
            for (int j = sw[wi].start; j < sw[wi].start + sw[wi].n; j++)
                memcpy(key + kl, c[j].simp_bytes, (size_t)c[j].simp_len), kl += (size_t)c[j].simp_len;
            struct table_line tl;
            if (cedict_find(key, kl, &tl) || (table_find(key, kl, &tl) && tl.reading))
                reading = tl.reading, rlen = tl.reading_len;
        }
        if (reading && count_syllables(reading, rlen) != sw[wi].n) reading = NULL;
        for (int j = sw[wi].start; j < sw[wi].start + sw[wi].n; j++) {
            c[j].word = wi;
            int tone = 0;
            if (!char_reading(&c[j], c[j].syl, &tone)) c[j].syl[0] = '\0';
            c[j].default_tone = c[j].syl[0] ? tone : 5;
            if (reading) reading_syllable(reading, rlen, j - sw[wi].start, c[j].syl);
        }
    }
    struct ctx x = {c, n, sw, nw};
    rule_particles(&x);
    rule_classifier_ge(&x);
    rule_doubling(&x);
    rule_yi_bu(&x);
    /* emit: characters without any reading are dropped */
    for (int wi = 0; wi < nw; wi++) {
        size_t start = b->han.len;
        int first = b->n_syl;
        for (int j = sw[wi].start; j < sw[wi].start + sw[wi].n; j++) {
            if (!c[j].syl[0]) continue;
            sb_add(&b->han, c[j].orig, (size_t)c[j].orig_len);
            if (b->n_syl == b->cap_syl) b->cap_syl = b->cap_syl ? 2 * b->cap_syl : 16,
                                        b->syl = xrealloc(b->syl, sizeof *b->syl * (size_t)b->cap_syl);
            memcpy(b->syl[b->n_syl++], c[j].syl, PY_SYLLABLE_MAX);
            add_token(b, c[j].syl, strlen(c[j].syl));
        }
        if (b->n_syl == first) continue;
        if (b->n_words == b->cap_words) b->cap_words = b->cap_words ? 2 * b->cap_words : 8,
                                        b->words = xrealloc(b->words, sizeof *b->words * (size_t)b->cap_words);
        b->words[b->n_words++] = (struct py_word){start, b->han.len - start, first, b->n_syl - first, sw[wi].source};
    }
    free(c), free(sw);
}

void py_read(const char *text, size_t len, const struct lexicon *lex, struct py_reading *out)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    sb_init(&b.han), sb_init(&b.text);
    for (size_t i = 0; i < len;) {
        if (text[i] == '[' && i + 1 < len && text[i + 1] == '[') { /* [[phonemes]] from the lexicon */
            const char *close = NULL;
            for (size_t j = i + 2; j + 1 < len; j++)
                if (text[j] == ']' && text[j + 1] == ']') {
                    close = text + j;
                    break;
                }
            size_t e = close ? (size_t)(close - text) + 2 : len;
            if (close) add_token(&b, text + i, e - i);
            i = e;
            continue;
        }
        uint32_t cp;
        int l = utf8_decode(text + i, len - i, &cp);
        if (l <= 0) {
            i++;
            continue;
        }
        if (utf8_is_han(cp)) {
            size_t j = i;
            while (j < len) {
                uint32_t c2;
                int l2 = utf8_decode(text + j, len - j, &c2);
                if (l2 <= 0 || !utf8_is_han(c2)) break;
                j += (size_t)l2;
            }
            read_han(&b, text + i, j - i, lex);
            i = j;
            continue;
        }
        if (cp == 0x3002) cp = '.'; /* 。 */
        else if (cp == 0x3001) cp = ','; /* 、 */
        if (cp < 0x80 && strchr(",.?!;:", (int)cp) && cp != 0 && b.text.len && b.text.data[b.text.len - 1] != ' ' &&
            !strchr(",.?!;:", b.text.data[b.text.len - 1]))
            sb_addc(&b.text, (char)cp); /* intonation: after the syllable it follows */
        i += (size_t)l;
    }
    out->han = sb_detach(&b.han);
    out->text = sb_detach(&b.text);
    out->syllables = b.syl;
    out->n_syllables = b.n_syl;
    out->words = b.words;
    out->n_words = b.n_words;
}

void py_reading_free(struct py_reading *r)
{
    free(r->han), free(r->text), free(r->syllables), free(r->words);
    memset(r, 0, sizeof *r);
}

size_t py_data_size(void)
{
    return (size_t)(recast_pinyin_words_end - recast_pinyin_words) +
           (size_t)(recast_pinyin_cedict_end - recast_pinyin_cedict);
}

const char *py_data_id(void)
{
    static char id[32];
    if (!id[0]) {
        uint32_t h = 2166136261u; /* FNV-1a of the tables */
        for (const char *p = recast_pinyin_words; p < recast_pinyin_words_end; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        for (const char *p = recast_pinyin_cedict; p < recast_pinyin_cedict_end; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        snprintf(id, sizeof id, "pinyin-%d-%08x", PY_RULES_VERSION, (unsigned)h);
    }
    return id;
}
