/* detect.c: see detect.h.
 *
 *   1. candidates: for every line that can hold a label, the name before a colon
 *      (inline, or alone when nothing follows it), the whole line if it is a name (alone),
 *      and the longest profile alias at its start (profile); counted in a hash table;
 *   2. style: the form with the most labels that recur;
 *   3. accepted names: recurring ones of that style, profile aliases in that form, and
 *      inline names used once inside the dialogue; legends and role words name them;
 *   4. lines: each label line gets its speaker and where its speech starts. */
#include "text/detect.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "base/util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_NAME_BYTES 48

/* ---- names ---- */

/* Words that end in a colon at the start of a line but never name a speaker. */
static const char *const furniture_names[] = {
    "note", "notes", "update", "updated", "source", "sources", "photo", "photos", "image", "images",
    "image credits", "image credit", "photo credit", "credit", "credits", "caption", "editor", "editor's note",
    "transcript", "full transcript", "timestamps", "timestamp", "chapters", "links", "tags", "tag", "category",
    "categories", "share", "via", "related", "read more", "subscribe", "posted", "published", "by", "email",
    "e-mail", "tel", "phone", "website", "web", "title", "subtitle", "date", "time", "location", "speakers",
    "participants", "summary", "abstract", "keywords", "disclaimer", "warning", "edit", "edited", "contents",
    "table of contents", "outline", "show notes", "sponsors", "sponsor", "episode", "season", "listen", "watch",
    "来源", "作者", "编辑", "责编", "责任编辑", "摄影", "图", "图片", "图片来源", "图源", "注", "编者按", "编者注",
    "摘要", "原文", "原文标题", "本文来自", "标题", "链接", "时间", "地点", "文", "撰文", "翻译", "校对", "排版",
    "出品", "监制", "策划", "编辑整理", "文字整理", "整理", "声明", "提示", "标签", "关键词", "相关阅读",
    "延伸阅读", "分享到", "分享", "目录", "视频", "音频", "采访", "采写", "记者手记", "责任编辑", "审核",
    "來源", "編輯", "責編", "責任編輯", "攝影", "圖", "圖片", "圖片來源", "編者按", "標題", "連結", "時間",
    "翻譯", "校對", "聲明", "標籤", "關鍵字", "相關閱讀", "延伸閱讀", "分享到", "目錄", "採訪", "撰文", "文字",
};

/* First words that start a sentence, not a name. */
static const char *const sentence_words[] = {
    "The", "This", "That", "These", "Those", "And", "But", "So", "Or", "If", "In", "On", "At", "For", "With",
    "When", "What", "Why", "How", "Who", "Where", "Here", "There", "It", "We", "I", "You", "He", "She", "They",
    "My", "Our", "Your", "His", "Her", "Their", "Its", "To", "From", "As", "Of", "Is", "Are", "Was", "Not",
    "Yes", "No", "Well", "Okay", "OK", "Now", "Then", "Also", "Just", "Let", "Let's", "One", "Two", "All",
};

/* Han characters that make a short run a phrase rather than a name or a role
 * ("问题是", "我们讨论了", "以下是访谈文字实录"). */
static const char *const phrase_chars[] = {
    "是", "的", "了", "我", "你", "他", "她", "们", "這", "这", "那", "在", "有", "说", "說", "就", "都",
    "和", "也", "吗", "嗎", "呢", "吧", "么", "麼", "什", "以", "下", "上", "个", "個", "从",
    "從", "把", "被", "对", "對", "到", "要", "会", "會", "能", "可", "如", "果", "因", "所", "而", "但",
};

static const struct {
    const char *word;
    enum detect_role role;
} role_words[] = {
    {"主持人", DETECT_ROLE_HOST}, {"主持", DETECT_ROLE_HOST},     {"主播", DETECT_ROLE_HOST},
    {"记者", DETECT_ROLE_HOST},   {"記者", DETECT_ROLE_HOST},     {"问", DETECT_ROLE_HOST},
    {"問", DETECT_ROLE_HOST},     {"Q", DETECT_ROLE_HOST},        {"Host", DETECT_ROLE_HOST},
    {"Interviewer", DETECT_ROLE_HOST}, {"采访者", DETECT_ROLE_HOST}, {"提问", DETECT_ROLE_HOST},
    {"嘉宾", DETECT_ROLE_GUEST},  {"嘉賓", DETECT_ROLE_GUEST},    {"来宾", DETECT_ROLE_GUEST},
    {"來賓", DETECT_ROLE_GUEST},  {"答", DETECT_ROLE_GUEST},      {"A", DETECT_ROLE_GUEST},
    {"Guest", DETECT_ROLE_GUEST}, {"受访者", DETECT_ROLE_GUEST},  {"受訪者", DETECT_ROLE_GUEST},
    {"旁白", DETECT_ROLE_NARRATOR}, {"解说", DETECT_ROLE_NARRATOR}, {"解説", DETECT_ROLE_NARRATOR},
    {"解說", DETECT_ROLE_NARRATOR}, {"画外音", DETECT_ROLE_NARRATOR}, {"Narrator", DETECT_ROLE_NARRATOR},
};

static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || is_upper(c); }

static int is_furniture_name(const char *s, size_t len)
{
    for (size_t i = 0; i < COUNT(furniture_names); i++)
        if (strlen(furniture_names[i]) == len && strncasecmp(s, furniture_names[i], len) == 0) return 1;
    return 0;
}

static enum detect_role role_of(const char *s, size_t len)
{
    for (size_t i = 0; i < COUNT(role_words); i++) {
        size_t l = strlen(role_words[i].word);
        /* The role word alone, or followed by a name ("主持人 魯健", "Host Jane Doe"). */
        if (len >= l && memcmp(s, role_words[i].word, l) == 0 && (len == l || s[l] == ' ')) return role_words[i].role;
    }
    return DETECT_ROLE_NONE;
}

/* A speaker name: up to four Latin words that start with a capital (connectors such as
 * "de", "van" allowed), or Han runs of at most ten characters in at most two words; not
 * both scripts; no digits or sentence punctuation. */
static int valid_name(const char *s, size_t len)
{
    if (len == 0 || len > MAX_NAME_BYTES || s[0] == ' ' || s[len - 1] == ' ') return 0;
    if (is_furniture_name(s, len)) return 0;
    if (role_of(s, len) != DETECT_ROLE_NONE) return 1;
    int han = 0, latin = 0, words = 0, letters_in_word = 0, phrase = 0;
    size_t word_start = 0;
    for (size_t i = 0; i <= len;) {
        if (i == len || s[i] == ' ') {
            if (i == word_start) return 0; /* two spaces */
            words++;
            if (words > 4) return 0;
            const char *w = s + word_start;
            size_t wl = i - word_start;
            if (latin && !han) {
                static const char *const connectors[] = {"de", "van", "von", "der", "den", "da", "di", "du",
                                                         "la", "le", "bin", "al", "el", "y", "ter", "dos"};
                int ok = is_upper((unsigned char)w[0]) || (unsigned char)w[0] >= 0xC3;
                for (size_t c = 0; !ok && c < COUNT(connectors); c++)
                    ok = strlen(connectors[c]) == wl && memcmp(w, connectors[c], wl) == 0 && words > 1;
                if (!ok) return 0;
                if (words == 1)
                    for (size_t c = 0; c < COUNT(sentence_words); c++)
                        if (strlen(sentence_words[c]) == wl && memcmp(w, sentence_words[c], wl) == 0 &&
                            !(wl == 1 && len == 1))
                            return 0;
            }
            (void)letters_in_word;
            letters_in_word = 0;
            if (i == len) break;
            i++;
            word_start = i;
            continue;
        }
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        if (n <= 0) return 0;
        if (utf8_is_han(cp)) {
            han++;
            for (size_t c = 0; c < COUNT(phrase_chars); c++)
                if (strlen(phrase_chars[c]) == (size_t)n && memcmp(s + i, phrase_chars[c], (size_t)n) == 0) phrase = 1;
        } else if (cp == 0xB7 || cp == 0x2022 || cp == 0x30FB || cp == 0xFF65) {
            /* the dot of transliterated names: 戴密斯·哈萨比斯 */
        } else if (cp < 128 && (is_alpha((unsigned char)cp) || cp == '.' || cp == '\'' || cp == '-')) {
            if (cp != '.' && cp != '\'' && cp != '-') latin++, letters_in_word++;
        } else if (cp == 0x2019) {
            /* ’ in O’Brien */
        } else if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) {
            latin++, letters_in_word++;
        } else {
            return 0;
        }
        i += (size_t)n;
    }
    if (han && latin) return 0;
    if (han) return han <= 10 && words <= 2 && !phrase;
    return latin > 0;
}

/* ---- the candidate table: name -> counts ---- */

struct cand {
    const char *name; /* into a line's text */
    size_t len;
    uint32_t hash;
    int inline_count; /* "Name: text" or "Name:" */
    int alone_count;  /* "Name", "Name:" alone */
    int first_line;
    int accepted;     /* index into speakers + 1, or 0 */
};

struct table {
    struct cand *slots;
    size_t cap, used;
};

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static struct cand *table_get(struct table *t, const char *name, size_t len, int line, int create)
{
    if (create && (t->used + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct cand *slots = xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].name) {
                size_t j = t->slots[i].hash & (cap - 1);
                while (slots[j].name) j = (j + 1) & (cap - 1);
                slots[j] = t->slots[i];
            }
        free(t->slots);
        t->slots = slots, t->cap = cap;
    }
    if (!t->cap) return NULL;
    uint32_t h = hash_bytes(name, len);
    size_t j = h & (t->cap - 1);
    while (t->slots[j].name) {
        if (t->slots[j].hash == h && t->slots[j].len == len && memcmp(t->slots[j].name, name, len) == 0)
            return &t->slots[j];
        j = (j + 1) & (t->cap - 1);
    }
    if (!create) return NULL;
    struct cand *c = &t->slots[j];
    memset(c, 0, sizeof *c);
    c->name = name, c->len = len, c->hash = h, c->first_line = line;
    t->used++;
    return c;
}

/* ---- per-line candidates ---- */

struct line_cand {
    struct cand *colon;   /* "Name: ..." */
    size_t colon_rest;    /* offset of the speech after the colon (== len: nothing follows) */
    struct cand *alone;   /* the whole line is a name */
    int profile;          /* profile whose alias starts the line, or -1 */
    size_t profile_rest;
};

struct alias {
    const char *text;
    size_t len;
    int profile;
};

static int cmp_alias_len_desc(const void *a, const void *b)
{
    const struct alias *x = a, *y = b;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ') i++;
    return i;
}

static size_t colon_at(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == ':') return 1;
    if (i + 3 <= len && memcmp(s + i, "\xEF\xBC\x9A", 3) == 0) return 3;
    return 0;
}

/* The longest profile alias at the start of the line, followed by anything but a
 * lower-case Latin letter (as the parser always did). */
static int match_profile(const struct alias *aliases, int n, const char *s, size_t len, size_t *rest)
{
    for (int i = 0; i < n; i++) {
        if (aliases[i].len > len || memcmp(s, aliases[i].text, aliases[i].len) != 0) continue;
        unsigned char next = aliases[i].len < len ? (unsigned char)s[aliases[i].len] : 0;
        if (next >= 'a' && next <= 'z') continue;
        size_t p = skip_spaces(s, len, aliases[i].len);
        p = skip_spaces(s, len, p + colon_at(s, len, p));
        *rest = p;
        return aliases[i].profile;
    }
    return -1;
}

static int profile_by_name(const struct voice_set *vs, const char *s, size_t len)
{
    for (int p = 0; p < vs->n_profiles; p++) {
        const struct voice_profile *pr = &vs->profiles[p];
        if (pr->role == ROLE_NARRATOR) continue;
        if ((strlen(pr->name) == len && strncasecmp(pr->name, s, len) == 0) ||
            (strlen(pr->id) == len && strncasecmp(pr->id, s, len) == 0))
            return p;
        for (int a = 0; a < pr->n_aliases; a++)
            if (strlen(pr->aliases[a]) == len && strncasecmp(pr->aliases[a], s, len) == 0) return p;
    }
    return -1;
}

static int has_sentence_punct(const char *s, size_t len)
{
    static const char *const marks[] = {"。", "！", "？", "，", "；", ".", "!", "?", ",", ";"};
    for (size_t i = 0; i < COUNT(marks); i++)
        if (memmem(s, len, marks[i], strlen(marks[i]))) return 1;
    return 0;
}

/* ---- the result ---- */

static int add_speaker(struct detect_result *r, const char *label, size_t len, int line)
{
    r->speakers = xrealloc(r->speakers, sizeof *r->speakers * (size_t)(r->n_speakers + 1));
    struct detect_speaker *sp = &r->speakers[r->n_speakers];
    memset(sp, 0, sizeof *sp);
    sp->label = xstrndup(label, len);
    sp->name = xstrndup(label, len);
    sp->profile = -1;
    sp->role = role_of(label, len);
    sp->first_line = line;
    return r->n_speakers++;
}

static void set_name(struct detect_speaker *sp, const char *name, size_t len)
{
    free(sp->name);
    sp->name = xstrndup(name, len);
}

/* A legend "Full Name (ABBR)": the name before the parenthesis at `open`. */
static size_t name_before(const char *s, size_t open)
{
    size_t end = open;
    while (end > 0 && s[end - 1] == ' ') end--;
    /* Up to four words back, stopping at a separator. */
    size_t start = end;
    int words = 0;
    while (start > 0 && words < 4) {
        size_t w = start;
        while (w > 0 && s[w - 1] != ' ' && s[w - 1] != ',' && s[w - 1] != ':' && s[w - 1] != '(' &&
               (unsigned char)s[w - 1] != 0x9A /* ：*/ && (unsigned char)s[w - 1] != 0x81 /* 、 */)
            w--;
        if (w == start) break;
        if (!is_upper((unsigned char)s[w]) && (unsigned char)s[w] < 0xE3) break;
        start = w;
        words++;
        if (start == 0 || s[start - 1] != ' ') break;
        start--;
        while (start > 0 && s[start - 1] == ' ') start--;
        if (start > 0 && !(s[start - 1] != ',' && s[start - 1] != ':')) break;
    }
    while (start < end && s[start] == ' ') start++;
    return start;
}

static void find_legends(const struct detect_line *lines, int n, struct detect_result *r, int first_turn_line)
{
    for (int i = 0; i < n; i++) {
        const char *s = lines[i].text;
        size_t len = lines[i].len;
        if (lines[i].flags & DETECT_BLANK) continue;
        /* "Full Name (ABBR)", "Full Name（ABBR）" for any speaker label ABBR. */
        for (size_t k = 0; k < len; k++) {
            size_t ol = s[k] == '(' ? 1 : (k + 3 <= len && memcmp(s + k, "\xEF\xBC\x88", 3) == 0) ? 3 : 0;
            if (!ol) continue;
            size_t a = k + ol, b = a;
            while (b < len && b - a < 16 && s[b] != ')' && !(b + 3 <= len && memcmp(s + b, "\xEF\xBC\x89", 3) == 0)) b++;
            if (b >= len || b == a) continue;
            for (int sp = 0; sp < r->n_speakers; sp++) {
                struct detect_speaker *spk = &r->speakers[sp];
                if (strlen(spk->label) != b - a || memcmp(spk->label, s + a, b - a) != 0) continue;
                size_t start = name_before(s, k);
                size_t end = k;
                while (end > start && s[end - 1] == ' ') end--;
                if (end > start && valid_name(s + start, end - start) && !(r->speaker_of[i] >= 0)) {
                    set_name(spk, s + start, end - start);
                    r->legend_of[i] = 1;
                }
            }
        }
        /* "嘉宾：某公司副总裁 王磊" before the dialogue: a label line without a sentence. */
        if (i < first_turn_line && r->speaker_of[i] >= 0 && r->style == DETECT_INLINE) {
            size_t rest = r->rest_of[i];
            if (rest < len && len - rest <= 60 && !has_sentence_punct(s + rest, len - rest)) {
                struct detect_speaker *spk = &r->speakers[r->speaker_of[i]];
                const char *v = s + rest;
                size_t vl = len - rest;
                const char *last = memrchr(v, ' ', vl);
                /* The name is the last word: "某电池企业副总裁 王磊" -> 王磊. */
                if (last && valid_name(last + 1, (size_t)(v + vl - last - 1)))
                    set_name(spk, last + 1, (size_t)(v + vl - last - 1));
                else if (valid_name(v, vl)) set_name(spk, v, vl);
                r->legend_of[i] = 1;
                r->speaker_of[i] = -1;
                spk->turns--;
            }
        }
    }
}

void detect_labels(const struct detect_line *lines, int n, const struct voice_set *vs, struct detect_result *out)
{
    memset(out, 0, sizeof *out);
    out->speaker_of = xcalloc((size_t)(n ? n : 1), sizeof *out->speaker_of);
    out->rest_of = xcalloc((size_t)(n ? n : 1), sizeof *out->rest_of);
    out->legend_of = xcalloc((size_t)(n ? n : 1), 1);
    for (int i = 0; i < n; i++) out->speaker_of[i] = -1;

    struct alias *aliases = NULL;
    int n_aliases = 0;
    for (int p = 0; p < vs->n_profiles; p++)
        for (int a = 0; a < vs->profiles[p].n_aliases; a++) {
            aliases = xrealloc(aliases, sizeof *aliases * (size_t)(n_aliases + 1));
            aliases[n_aliases++] = (struct alias){vs->profiles[p].aliases[a], strlen(vs->profiles[p].aliases[a]), p};
        }
    if (n_aliases > 1) qsort(aliases, (size_t)n_aliases, sizeof *aliases, cmp_alias_len_desc);

    /* 1. candidates */
    struct table t = {0};
    struct line_cand *lc = xcalloc((size_t)(n ? n : 1), sizeof *lc);
    int profile_lines = 0;
    for (int i = 0; i < n; i++) {
        const char *s = lines[i].text;
        size_t len = lines[i].len;
        lc[i].profile = -1;
        if (len == 0 || (lines[i].flags & (DETECT_BLANK | DETECT_HEADING | DETECT_LIST | DETECT_QUOTE))) continue;
        lc[i].profile = match_profile(aliases, n_aliases, s, len, &lc[i].profile_rest);
        if (lc[i].profile >= 0) profile_lines++;
        /* The name before the first colon, within the first MAX_NAME_BYTES. */
        for (size_t k = 1; k < len && k <= MAX_NAME_BYTES + 1; k++) {
            size_t cl = colon_at(s, len, k);
            if (!cl) continue;
            size_t e = k;
            while (e > 0 && s[e - 1] == ' ') e--;
            if (e > 0 && !(s[e - 1] >= '0' && s[e - 1] <= '9') && valid_name(s, e)) {
                lc[i].colon = table_get(&t, s, e, i, 1);
                lc[i].colon_rest = skip_spaces(s, len, k + cl);
                lc[i].colon->inline_count++;
                if (lc[i].colon_rest == len) lc[i].colon->alone_count++;
            }
            break;
        }
        if (!lc[i].colon && valid_name(s, len)) {
            lc[i].alone = table_get(&t, s, len, i, 1);
            lc[i].alone->alone_count++;
        }
    }

    /* 2. style */
    long score_inline = 0, score_alone = 0;
    for (size_t j = 0; j < t.cap; j++) {
        struct cand *c = &t.slots[j];
        if (!c->name) continue;
        if (c->inline_count >= 2) score_inline += c->inline_count;
        if (c->alone_count >= 2) score_alone += c->alone_count;
    }
    enum detect_style style = DETECT_NONE;
    if (score_inline >= 2 && score_inline >= score_alone && score_inline >= profile_lines) style = DETECT_INLINE;
    else if (score_alone >= 2 && score_alone > score_inline && score_alone >= profile_lines) style = DETECT_ALONE;
    else if (profile_lines > 0) style = DETECT_PROFILE;
    /* A short exchange where no name recurs ("Alice: …" / "Bob: …"): inline labels of at
     * least two names that start at least half of the paragraphs. */
    int weak_inline = 0;
    if (style == DETECT_NONE) {
        int labelled = 0, paragraphs = 0;
        struct cand *one = NULL;
        int two = 0;
        for (int i = 0; i < n; i++) {
            if (lines[i].len == 0 || (lines[i].flags & DETECT_BLANK)) continue;
            if (i > 0 && !(lines[i - 1].flags & DETECT_BLANK) && lines[i - 1].len) continue;
            paragraphs++;
            if (!lc[i].colon || lc[i].colon_rest == lines[i].len) continue;
            labelled++;
            if (!one) one = lc[i].colon;
            else if (lc[i].colon != one) two = 1;
        }
        if (two && labelled * 2 >= paragraphs) style = DETECT_INLINE, weak_inline = 1;
    }
    out->style = style;

    /* 3 and 4: accepted names and the lines.  The dialogue spans from the first to the
     * last recurring label of the style; inline names used once count inside it. */
    int first = -1, last = -1;
    for (int i = 0; i < n; i++) {
        int recurring = (style == DETECT_INLINE && lc[i].colon && lc[i].colon->inline_count >= 2) ||
                        (style == DETECT_ALONE && lc[i].alone && lc[i].alone->alone_count >= 2) ||
                        (style == DETECT_ALONE && lc[i].colon && lc[i].colon_rest == lines[i].len &&
                         lc[i].colon->alone_count >= 2) ||
                        (style == DETECT_PROFILE && lc[i].profile >= 0);
        if (recurring) {
            if (first < 0) first = i;
            last = i;
        }
    }
    int since_label = 0; /* non-blank lines since the last label line */
    for (int i = 0; i < n && style != DETECT_NONE; i++) {
        if (lines[i].len && !(lines[i].flags & DETECT_BLANK)) since_label++;
        struct cand *c = NULL;
        size_t rest = 0;
        int profile = -1;
        if (style == DETECT_PROFILE) {
            if (lc[i].profile >= 0) profile = lc[i].profile, rest = lc[i].profile_rest;
            else if (lc[i].colon && lc[i].colon->inline_count >= 2 &&
                     profile_by_name(vs, lc[i].colon->name, lc[i].colon->len) < 0)
                c = lc[i].colon, rest = lc[i].colon_rest; /* a speaker without a profile */
        } else if (style == DETECT_INLINE) {
            if (lc[i].colon &&
                (lc[i].colon->inline_count >= 2 || profile_by_name(vs, lc[i].colon->name, lc[i].colon->len) >= 0 ||
                 (i > first && i < last) || weak_inline ||
                 /* the dialogue goes on right after its last recurring label */
                 (i > last && last >= 0 && since_label <= 3 && lc[i].colon_rest < lines[i].len)))
                c = lc[i].colon, rest = lc[i].colon_rest;
        } else {
            struct cand *a = lc[i].alone ? lc[i].alone
                             : (lc[i].colon && lc[i].colon_rest == lines[i].len) ? lc[i].colon : NULL;
            if (a && a->alone_count >= 2) c = a, rest = lines[i].len;
        }
        if (!c && profile < 0) continue;
        if (style == DETECT_ALONE) {
            /* An alone label is followed by its speech, not by another label or a heading. */
            int j = i + 1;
            while (j < n && (lines[j].flags & DETECT_BLANK)) j++;
            if (j >= n || (lines[j].flags & DETECT_HEADING) ||
                (lc[j].alone && lc[j].alone->alone_count >= 2) ||
                (lc[j].colon && lc[j].colon_rest == lines[j].len && lc[j].colon->alone_count >= 2))
                continue;
        }
        int sp;
        if (profile >= 0) {
            sp = -1;
            for (int k = 0; k < out->n_speakers && sp < 0; k++)
                if (out->speakers[k].profile == profile) sp = k;
            if (sp < 0) {
                sp = add_speaker(out, vs->profiles[profile].name, strlen(vs->profiles[profile].name), i);
                out->speakers[sp].profile = profile;
            }
        } else {
            if (!c->accepted) c->accepted = add_speaker(out, c->name, c->len, i) + 1;
            sp = c->accepted - 1;
        }
        out->speaker_of[i] = sp;
        out->rest_of[i] = rest;
        since_label = 0;
        out->speakers[sp].turns++;
    }

    /* Legends, then profiles by the resolved name, then one speaker per profile or name. */
    int first_turn_line = n;
    for (int i = 0; i < n; i++)
        if (out->speaker_of[i] >= 0 && out->rest_of[i] < lines[i].len &&
            has_sentence_punct(lines[i].text + out->rest_of[i], lines[i].len - out->rest_of[i])) {
            first_turn_line = i;
            break;
        }
    find_legends(lines, n, out, first_turn_line);
    for (int k = 0; k < out->n_speakers; k++) {
        struct detect_speaker *sp = &out->speakers[k];
        if (sp->profile < 0) sp->profile = profile_by_name(vs, sp->name, strlen(sp->name));
        if (sp->profile < 0) sp->profile = profile_by_name(vs, sp->label, strlen(sp->label));
        if (sp->profile >= 0) set_name(sp, vs->profiles[sp->profile].name, strlen(vs->profiles[sp->profile].name));
    }
    int *merged = xcalloc((size_t)(out->n_speakers ? out->n_speakers : 1), sizeof *merged);
    int kept = 0;
    for (int k = 0; k < out->n_speakers; k++) {
        int to = -1;
        for (int m = 0; m < kept && to < 0; m++)
            if (strcmp(out->speakers[m].name, out->speakers[k].name) == 0 ||
                (out->speakers[k].profile >= 0 && out->speakers[m].profile == out->speakers[k].profile))
                to = m;
        if (to >= 0) {
            out->speakers[to].turns += out->speakers[k].turns;
            free(out->speakers[k].label), free(out->speakers[k].name);
        } else {
            to = kept;
            out->speakers[kept++] = out->speakers[k];
        }
        merged[k] = to;
    }
    out->n_speakers = kept;
    for (int i = 0; i < n; i++)
        if (out->speaker_of[i] >= 0) out->speaker_of[i] = merged[out->speaker_of[i]];
    /* Speakers whose every label became a legend have no turns: drop them. */
    kept = 0;
    for (int k = 0; k < out->n_speakers; k++) {
        if (out->speakers[k].turns <= 0) {
            free(out->speakers[k].label), free(out->speakers[k].name);
            merged[k] = -1;
            continue;
        }
        merged[k] = kept;
        out->speakers[kept++] = out->speakers[k];
    }
    out->n_speakers = kept;
    for (int i = 0; i < n; i++)
        if (out->speaker_of[i] >= 0) out->speaker_of[i] = merged[out->speaker_of[i]];
    free(merged);

    /* Recurring names not taken, for the error message of a page without turns. */
    struct strbuf cands;
    sb_init(&cands);
    int shown = 0;
    for (int i = 0; i < n && shown < 6; i++) {
        struct cand *c = lc[i].colon ? lc[i].colon : lc[i].alone;
        if (!c || c->accepted || c->first_line != i || (c->inline_count < 2 && c->alone_count < 2)) continue;
        sb_printf(&cands, "%s\"%.*s%s\" (%d times, first at line %d)", shown++ ? ", " : "", (int)c->len, c->name,
                  lc[i].colon ? ":" : "", c->inline_count > c->alone_count ? c->inline_count : c->alone_count, i + 1);
    }
    out->candidates = sb_detach(&cands);
    if (!out->candidates) out->candidates = xstrdup("");
    free(lc);
    free(t.slots);
    free(aliases);
}

void detect_free(struct detect_result *r)
{
    for (int k = 0; k < r->n_speakers; k++) free(r->speakers[k].label), free(r->speakers[k].name);
    free(r->speakers);
    free(r->speaker_of);
    free(r->rest_of);
    free(r->legend_of);
    free(r->candidates);
    memset(r, 0, sizeof *r);
}

const char *detect_style_name(enum detect_style s)
{
    return s == DETECT_INLINE ? "inline" : s == DETECT_ALONE ? "alone" : s == DETECT_PROFILE ? "profile" : "none";
}

const char *detect_role_name(enum detect_role r)
{
    return r == DETECT_ROLE_HOST ? "host" : r == DETECT_ROLE_GUEST ? "guest" : r == DETECT_ROLE_NARRATOR ? "narrator" : "";
}
