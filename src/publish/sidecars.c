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

struct unit {
    char *text; /* owned */
    long long s, e;
    int sentence_start;
};

struct cuevec {
    struct sidecar_cue *a;
    int n, cap;
};

static void push_cue(struct cuevec *v, int turn, long long s, long long e, char *text)
{
    if (!*text) {
        free(text);
        return;
    }
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->a = xrealloc(v->a, sizeof *v->a * (size_t)v->cap);
    }
    v->a[v->n++] = (struct sidecar_cue){s, e, turn, 0, text};
}

/* The timed units of a turn, silent clauses' text glued on.  Returns the count. */
static int turn_units(const struct tl_turn *t, struct unit **out)
{
    struct unit *u = xcalloc((size_t)t->n_clauses + 1, sizeof *u);
    int n = 0, lead_ss = 1;
    struct strbuf lead;
    sb_init(&lead);
    for (int i = 0; i < t->n_clauses; i++) {
        const struct tl_clause *c = &t->clauses[i];
        char *txt = normalize(c->text);
        if (!*txt) {
            free(txt);
            continue;
        }
        if (c->end48 <= c->start48) {
            if (n) {
                struct strbuf sb;
                sb_init(&sb);
                join(&sb, u[n - 1].text), join(&sb, txt);
                free(u[n - 1].text);
                u[n - 1].text = sb_detach(&sb);
            } else {
                if (!lead.len) lead_ss = c->sentence_start;
                join(&lead, txt);
            }
            free(txt);
            continue;
        }
        u[n] = (struct unit){txt, c->start48, c->end48, c->sentence_start};
        if (lead.len) {
            join(&lead, txt);
            free(txt);
            u[n].text = sb_detach(&lead);
            u[n].sentence_start = lead_ss;
        }
        n++;
    }
    if (lead.len) {
        long long s = t->speech_start48, e = t->speech_end48;
        if (e <= s) s = t->start48, e = t->end48;
        if (e > s) u[n++] = (struct unit){sb_detach(&lead), s, e, 1};
    }
    sb_free(&lead);
    *out = u;
    return n;
}

/* Quality of a cut between characters b-1 and b (higher is better). */
static int cut_score(const uint32_t *cp, int b)
{
    uint32_t p = cp[b - 1], q = cp[b];
    if (is_punct(q) || is_opener(p)) return 0;
    if (is_punct(p)) return 3;
    if (p == ' ' || q == ' ') return 2;
    if (!(is_latin_alnum(p) && is_latin_alnum(q))) return 1;
    return 0;
}

/* A unit longer than the limit: balanced pieces, times interpolated by characters. */
static void split_unit(struct cuevec *v, int turn, const struct unit *u)
{
    size_t len = strlen(u->text);
    int L = nchars(u->text);
    uint32_t *cp = xmalloc(sizeof *cp * (size_t)(L + 1));
    size_t *off = xmalloc(sizeof *off * (size_t)(L + 1));
    size_t i = 0;
    for (int k = 0; k < L; k++)
        off[k] = i, cp[k] = cp_next(u->text, len, &i);
    off[L] = len, cp[L] = 0;

    const int max = SIDECAR_CUE_MAX_CHARS;
    int left = (L + max - 1) / max, pos = 0;
    long long dur = u->e - u->s;
    while (pos < L) {
        int b = L;
        if (left > 1) {
            int rem = L - pos;
            int hi = pos + max, lo = L - max * (left - 1);
            if (lo < pos + 1) lo = pos + 1;
            int target = pos + (rem + left - 1) / left;
            if (target > hi) target = hi;
            if (target < lo) target = lo;
            int from = target - SPLIT_SLACK > lo ? target - SPLIT_SLACK : lo;
            int to = target + SPLIT_SLACK < hi ? target + SPLIT_SLACK : hi;
            int best = target, best_score = -1, best_dist = 0;
            for (int c = from; c <= to; c++) {
                int sc = cut_score(cp, c), d = abs(c - target);
                if (sc > best_score || (sc == best_score && d < best_dist))
                    best = c, best_score = sc, best_dist = d;
            }
            b = best;
        }
        size_t a0 = off[pos], a1 = off[b];
        while (a0 < a1 && u->text[a0] == ' ')
            a0++;
        while (a1 > a0 && u->text[a1 - 1] == ' ')
            a1--;
        push_cue(v, turn, u->s + dur * pos / L, u->s + dur * b / L, xstrndup(u->text + a0, a1 - a0));
        pos = b;
        left--;
    }
    free(cp);
    free(off);
}

static void turn_cues(struct cuevec *v, const struct timeline *tl, int ti)
{
    struct unit *u;
    int n = turn_units(&tl->turns[ti], &u);
    struct strbuf cur;
    sb_init(&cur);
    long long cs = 0, ce = 0;
    int have = 0;
    for (int i = 0; i < n; i++) {
        int len = nchars(u[i].text);
        if (have) {
            int fits = nchars(sb_cstr(&cur)) + len + needs_space(cur.data, cur.len, u[i].text) <=
                       SIDECAR_CUE_MAX_CHARS;
            if (len > SIDECAR_CUE_MAX_CHARS || !fits || (u[i].sentence_start && ce - cs >= MIN_SPAN48)) {
                push_cue(v, ti, cs, ce, sb_detach(&cur));
                have = 0;
            }
        }
        if (len > SIDECAR_CUE_MAX_CHARS) {
            split_unit(v, ti, &u[i]);
        } else {
            if (!have) cs = u[i].s, have = 1;
            join(&cur, u[i].text);
            ce = u[i].e;
        }
        free(u[i].text);
    }
    if (have) push_cue(v, ti, cs, ce, sb_detach(&cur));
    sb_free(&cur);
    free(u);
}

int sidecars_build_cues(const struct timeline *tl, struct sidecar_cue **cues, int *n_cues)
{
    struct cuevec v = {NULL, 0, 0};
    for (int t = 0; t < tl->n_turns; t++)
        turn_cues(&v, tl, t);

    /* Enforce order, bounds and a minimum length; a degenerate cue's text goes to a
     * neighbour in the same turn (only happens with inconsistent timelines). */
    long long prev_end = 0;
    int out = 0;
    for (int i = 0; i < v.n; i++) {
        struct sidecar_cue c = v.a[i];
        if (c.start48 < prev_end) c.start48 = prev_end;
        if (c.end48 > tl->total48) c.end48 = tl->total48;
        if (c.end48 - c.start48 < MIN_CUE48) {
            struct strbuf sb;
            sb_init(&sb);
            if (out && v.a[out - 1].turn == c.turn) {
                join(&sb, v.a[out - 1].text), join(&sb, c.text);
                free(v.a[out - 1].text), v.a[out - 1].text = sb_detach(&sb);
            } else if (i + 1 < v.n && v.a[i + 1].turn == c.turn) {
                join(&sb, c.text), join(&sb, v.a[i + 1].text);
                free(v.a[i + 1].text), v.a[i + 1].text = sb_detach(&sb);
            }
            sb_free(&sb);
            free(c.text);
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
        free(cues[i].text);
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
    int has_title = info->title && *info->title, has_source = info->source_path && *info->source_path;
    if (has_title || has_source) {
        sb_adds(sb, "NOTE\n");
        if (has_title) note_text(sb, info->title), sb_addc(sb, '\n');
        if (has_source) sb_adds(sb, "Source: "), note_text(sb, info->source_path), sb_addc(sb, '\n');
        sb_addc(sb, '\n');
    }
    for (int i = 0; i < n; i++) {
        char a[16], b[16];
        sidecars_format_time(cues[i].start48, '.', a);
        sidecars_format_time(cues[i].end48, '.', b);
        sb_printf(sb, "t%d-%d\n%s --> %s\n<v ", tl->turns[cues[i].turn].index, cues[i].seq, a, b);
        vtt_escape(sb, speaker_of(tl, &cues[i]));
        sb_addc(sb, '>');
        vtt_escape(sb, cues[i].text);
        sb_adds(sb, "\n\n");
    }
}

static void build_srt(struct strbuf *sb, const struct timeline *tl, const struct sidecar_cue *cues, int n)
{
    for (int i = 0; i < n; i++) {
        char a[16], b[16];
        sidecars_format_time(cues[i].start48, ',', a);
        sidecars_format_time(cues[i].end48, ',', b);
        sb_printf(sb, "%d\n%s --> %s\n%s: %s\n\n", i + 1, a, b, speaker_of(tl, &cues[i]), cues[i].text);
    }
}

/* ---- JSON ---- */

static json_t *seconds(long long samples48)
{
    return json_real((double)tl_ms(samples48) / 1000.0);
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

static json_t *build_transcript(const struct timeline *tl, const struct sidecar_cue *cues, int n, int *bad)
{
    json_t *segs = json_array();
    for (int i = 0; i < n; i++) {
        json_t *g = json_object();
        put(g, "speaker", json_string(speaker_of(tl, &cues[i])), bad);
        put(g, "startTime", seconds(cues[i].start48), bad);
        put(g, "endTime", seconds(cues[i].end48), bad);
        put(g, "body", json_string(cues[i].text), bad);
        put(segs, NULL, g, bad);
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

static json_t *build_manifest(const struct timeline *tl, const struct sidecar_info *info, const char *base,
                              const char *audio, const char *const names[], int *bad)
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
    if (info->extra_files && json_object_update(files, info->extra_files)) *bad = 1;

    json_t *m = json_object();
    put(m, "title", str_or_null(info->title), bad);
    put(m, "source", str_or_null(info->source_path), bad);
    put(m, "input_sha256", str_or_null(info->input_sha256), bad);
    put(m, "recast_version", str_or_null(info->recast_version), bad);
    put(m, "espeak_ng_version", str_or_null(info->espeak_version), bad);
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

enum { F_VTT, F_SRT, F_CHAPTERS, F_TRANSCRIPT, F_MANIFEST, N_FILES };
static const char *const suffix[N_FILES] = {".vtt", ".srt", ".chapters.json", ".transcript.json",
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

    char *path[N_FILES], *data[N_FILES] = {0};
    for (int i = 0; i < N_FILES; i++) {
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%s%s", stem, suffix[i]);
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
    sidecars_build_cues(tl, &cues, &n_cues);
    struct strbuf sb;
    sb_init(&sb);
    build_vtt(&sb, tl, info, cues, n_cues);
    data[F_VTT] = sb_detach(&sb);
    build_srt(&sb, tl, cues, n_cues);
    data[F_SRT] = sb_detach(&sb);
    data[F_CHAPTERS] = json_text(build_chapters(tl, info, &bad[F_CHAPTERS]), &bad[F_CHAPTERS]);
    data[F_TRANSCRIPT] =
        json_text(build_transcript(tl, cues, n_cues, &bad[F_TRANSCRIPT]), &bad[F_TRANSCRIPT]);
    data[F_MANIFEST] = json_text(build_manifest(tl, info, base, sb_cstr(&audio), suffix, &bad[F_MANIFEST]),
                                 &bad[F_MANIFEST]);
    sidecars_free_cues(cues, n_cues);
    sb_free(&audio);

    struct atomic_file af[N_FILES];
    int opened = 0, rc = 0;
    for (int i = 0; i < N_FILES && !rc; i++) {
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
        size_t len = strlen(data[opened]);
        if (fwrite(data[opened], 1, len, af[opened].fp) != len || fflush(af[opened].fp) != 0) {
            int e = errno;
            rc = rc_fail(err, RC_IOERR, "%s: write error: %s", path[opened], strerror(e));
            atomic_abort(&af[opened]);
            break;
        }
    }
    if (rc) {
        for (int i = 0; i < opened; i++)
            atomic_abort(&af[i]);
    } else {
        for (int i = 0; i < N_FILES; i++) {
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
