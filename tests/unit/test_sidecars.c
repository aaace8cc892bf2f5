/* Sidecar tests: cues from a synthetic timeline (merging, splitting of a long clause,
 * silent clauses, escaping), the five files as written (WebVTT checked again by ffmpeg's
 * demuxer through ffprobe), JSON contents, and atomic writing on failure. */
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "synthetic_timeline.h"
#include "publish/sidecars.h"
#include "base/utf8.h"

static const char *const names[] = {"Dwarkesh", "Demis"};
static const char *const voices[] = {"cmn-latn-pinyin+m1", "cmn-latn-pinyin+f2"};
static const char *const section_titles[] = {"开场", "", "规划 & <推理>"};

#define LONG_ZH                                                                                                                                                 \
    "很多人认为只要把模型做得更大再加上更多的数据和更强的算力我们就可以一路走到通用人工智能但也有不少研究者" \
    "觉得这条路迟早会碰到天花板而且成本会越来越高"
#define LONG_EN                                                                                              \
    "so the question is whether scaling alone will get us all the way to general intelligence or not."

static const struct turn_spec turns_spec[] = {
    {0,
     0,
     {{"今天的嘉宾是Demis Hassabis，", 1, 2.4},
      {"他是Google DeepMind的CEO。", 0, 2.0},
      {"欢迎你，", 1, 0.7},
      {"Demis。", 0, 0.5}}},
    {0, 1, {{"谢谢，", 1, 0.6}, {"很高兴来到这里。", 0, 1.6}, {"", 1, 0}, {"（笑）", 1, 0}}},
    {1, 0, {{LONG_ZH, 1, 14.03}, {"你怎么看？", 1, 1.0}, {LONG_EN, 1, 6.0}}},
    {1, 1, {{"A & B <C> 的比较，", 1, 2.0}, {"嗯。", 1, 0.4}, {"这是一个很好的问题。", 1, 2.0}}},
    {2, 0, {{"最后一个问题，", 1, 1.2}, {"你觉得AGI还有多远？", 0, 1.8}}},
    {2,
     1,
     {{"也许十年以内，", 1, 1.5},
      {"但前提是我们在推理、记忆和规划这几个方向上都取得真正的突破，", 0, 4.0},
      {"而且这些突破还需要能够很好地结合在同一个系统里面，", 0, 3.0},
      {"这并不容易。", 0, 1.2}}},
};
#define N_TURNS ((int)(sizeof turns_spec / sizeof turns_spec[0]))

static const struct timeline_spec spec = {.turns = turns_spec,
                                          .n_turns = N_TURNS,
                                          .section_titles = section_titles,
                                          .n_sections = 3,
                                          .speaker_names = names,
                                          .voices = voices,
                                          .long_gap_turn = 3,
                                          .long_gap_seconds = 1000.0123};

/* Word marks as the synthesizer gives them: every Han character and every Latin word
 * starts a word, heard in proportion of characters through the clause, +3 samples off any
 * grid so that a cue time that is not a mark time shows. */
static void add_marks(struct tl_clause *cl)
{
    size_t len = strlen(cl->text), i = 0;
    int total = (int)utf8_length(cl->text, len), k = 0, n = 0;
    uint32_t prev = 0;
    cl->marks = calloc(len + 1, sizeof *cl->marks);
    while (i < len) {
        uint32_t cp;
        int step = utf8_decode(cl->text + i, len - i, &cp);
        int latin = (cp | 32) >= 'a' && (cp | 32) <= 'z';
        int prev_latin = (prev | 32) >= 'a' && (prev | 32) <= 'z';
        if (i > 0 && (utf8_is_han(cp) || (latin && !prev_latin)))
            cl->marks[n++] = (struct tl_mark){(int)i, cl->start48 + (cl->end48 - cl->start48) * k / total + 3};
        prev = cp, i += (size_t)(step > 0 ? step : 1), k++;
    }
    cl->n_marks = n;
}

/* Marks on every timed clause but turn 2's English one (which tests the fallback). */
static void add_all_marks(struct timeline *tl)
{
    for (int t = 0; t < tl->n_turns; t++)
        for (int c = 0; c < tl->turns[t].n_clauses; c++) {
            struct tl_clause *cl = &tl->turns[t].clauses[c];
            if (cl->end48 > cl->start48 && !(t == 2 && c == 2)) add_marks(cl);
        }
}

/* ---- helpers ---- */

static char *strip_ws(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; *s; s++)
        if (*s != ' ' && *s != '\n') *o++ = *s;
    *o = '\0';
    return out;
}

static int __attribute__((unused)) nchars(const char *s)
{
    return (int)utf8_length(s, strlen(s));
}

/* Why a cue's lines break the default layout (NULL if they do not): at most 2 lines; a
 * line of a cue with Han characters at most 20 columns of 2 (a Latin character is 1),
 * of an English cue at most 42 characters. */
static const char *layout_error(const char *lines)
{
    int zh = 0, n_lines = 1;
    size_t len = strlen(lines);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int step = utf8_decode(lines + i, len - i, &cp);
        zh |= utf8_is_han(cp);
        n_lines += cp == '\n';
        i += (size_t)(step > 0 ? step : 1);
    }
    if (n_lines > 2) return "more than 2 lines";
    for (const char *l = lines; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        int cols = 0;
        for (size_t i = 0; i < n;) {
            uint32_t cp;
            int step = utf8_decode(l + i, n - i, &cp);
            cols += zh ? (cp >= 0x2E80 ? 2 : 1) : 1;
            i += (size_t)(step > 0 ? step : 1);
        }
        if (n == 0) return "an empty line";
        if (l[0] == ' ' || l[n - 1] == ' ') return "a line starts or ends with a space";
        if (cols > (zh ? 40 : 42)) return "a line too wide";
        l += n + (e ? 1 : 0);
    }
    return NULL;
}

/* Splits text into lines in place (no trailing empty line after the final newline). */
static int split_lines(char *text, char ***lines)
{
    int n = 0, cap = 64;
    char **l = malloc(sizeof *l * (size_t)cap);
    char *p = text;
    while (*p) {
        if (n == cap) l = realloc(l, sizeof *l * (size_t)(cap *= 2));
        l[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
    }
    *lines = l;
    return n;
}

/* "HH:MM:SS<sep>mmm" -> ms, or -1. */
static long long parse_time(const char *s, char sep)
{
    static const char pat[] = "dd:dd:dd.ddd";
    for (int i = 0; i < 12; i++) {
        char want = pat[i] == '.' ? sep : pat[i];
        if (want == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != want) return -1;
    }
    return (((s[0] - '0') * 10 + (s[1] - '0')) * 3600LL + ((s[3] - '0') * 10 + (s[4] - '0')) * 60 +
            (s[6] - '0') * 10 + (s[7] - '0')) *
               1000 +
           (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
}

static int parse_timing(const char *line, char sep, long long *a, long long *b)
{
    if (strlen(line) != 29 || strncmp(line + 12, " --> ", 5) != 0) return -1;
    *a = parse_time(line, sep), *b = parse_time(line + 17, sep);
    return *a < 0 || *b < 0 ? -1 : 0;
}

/* Undoes &amp; &lt; &gt;; returns -1 on a raw '<', '>' or any other '&'. */
static int unescape(const char *s, char *out)
{
    while (*s) {
        if (*s == '<' || *s == '>') return -1;
        if (*s == '&') {
            if (!strncmp(s, "&amp;", 5))
                *out++ = '&', s += 5;
            else if (!strncmp(s, "&lt;", 4))
                *out++ = '<', s += 4;
            else if (!strncmp(s, "&gt;", 4))
                *out++ = '>', s += 4;
            else
                return -1;
        } else {
            *out++ = *s++;
        }
    }
    *out = '\0';
    return 0;
}

struct parsed_cue {
    long long a, b; /* ms */
    int turn;       /* from the VTT id, -1 without one */
    char speaker[64];
    char text[1024];
};

/* Parses a WebVTT file as written by sidecars_write; returns the cue count or -1 (with
 * a message) for anything malformed. */
static int parse_vtt(const char *path, struct parsed_cue *cues, int max, char *why)
{
    char *text = slurp(path), **lines;
    if (!text) return sprintf(why, "cannot read %s", path), -1;
    int nl = split_lines(text, &lines), n = 0, rc = 0;
    if (nl < 2 || strcmp(lines[0], "WEBVTT") != 0 || lines[1][0] != '\0') {
        rc = -1, sprintf(why, "no WEBVTT header");
        goto done;
    }
    for (int i = 2; i < nl;) {
        if (!lines[i][0]) {
            i++;
            continue;
        }
        if (!strncmp(lines[i], "NOTE", 4)) {
            while (i < nl && lines[i][0])
                i++;
            continue;
        }
        struct parsed_cue *c = &cues[n];
        c->turn = -1;
        if (!strstr(lines[i], "-->")) {
            int t, k;
            if (sscanf(lines[i], "t%d-%d", &t, &k) == 2) c->turn = t;
            i++;
        }
        if (i + 1 >= nl || parse_timing(lines[i], '.', &c->a, &c->b) != 0) {
            rc = -1, sprintf(why, "line %d: bad timing \"%s\"", i + 1, i < nl ? lines[i] : "");
            goto done;
        }
        const char *t = lines[i + 1];
        const char *gt = strchr(t, '>');
        if (strncmp(t, "<v ", 3) != 0 || !gt || gt - t - 3 >= 64 || (i + 3 < nl && lines[i + 2][0] && lines[i + 3][0])) {
            rc = -1, sprintf(why, "line %d: bad cue text \"%s\"", i + 2, t);
            goto done;
        }
        memcpy(c->speaker, t + 3, (size_t)(gt - t - 3));
        c->speaker[gt - t - 3] = '\0';
        if (unescape(gt + 1, c->text) != 0) {
            rc = -1, sprintf(why, "line %d: unescaped markup in \"%s\"", i + 2, t);
            goto done;
        }
        int extra = i + 2 < nl && lines[i + 2][0];
        if (extra) {
            char more[1024];
            if (unescape(lines[i + 2], more) != 0) {
                rc = -1, sprintf(why, "line %d: unescaped markup", i + 3);
                goto done;
            }
            strcat(c->text, "\n"), strcat(c->text, more);
        }
        if (++n == max) break;
        i += 2 + extra;
    }
done:
    free(lines);
    free(text);
    return rc ? rc : n;
}

/* Number of decimals of every number following `key` in a JSON text (max over all). */
static int max_decimals(const char *text, const char *key)
{
    int worst = 0;
    for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
        const char *q = p + strlen(key);
        while (*q == ' ' || *q == ':')
            q++;
        while (*q == '-' || (*q >= '0' && *q <= '9'))
            q++;
        int d = 0;
        if (*q == '.')
            for (q++; *q >= '0' && *q <= '9'; q++)
                d++;
        if (*q == 'e' || *q == 'E') d = 99;
        if (d > worst) worst = d;
    }
    return worst;
}

static long long json_ms(const json_t *v)
{
    return llround(json_number_value(v) * 1000.0);
}

int main(void)
{
    struct timeline tl;
    build_synthetic_timeline(&spec, &tl);
    add_all_marks(&tl);
    char tmpl[] = "/tmp/test_sidecars.XXXXXX";
    const char *dir = mkdtemp(tmpl);
    if (!dir) {
        printf("FAIL setup: mkdtemp\n");
        return 1;
    }
    char *stem = path_of(dir, "pod");
    char *p_vtt = path_of(dir, "pod.vtt"), *p_srt = path_of(dir, "pod.srt");
    char *p_chap = path_of(dir, "pod.chapters.json"), *p_tr = path_of(dir, "pod.transcript.json");
    char *p_man = path_of(dir, "pod.manifest.json");

    json_t *speakers = json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "name", "Dwarkesh", "voice", voices[0],
                                 "role", "host", "name", "Demis", "voice", voices[1], "role", "guest");
    json_t *settings = json_pack("{s:i, s:i}", "bitrate", 32000, "complexity", 10);
    json_t *loudness = json_pack("{s:f, s:f}", "target_lufs", -16.0, "measured_lufs", -19.25);
    json_t *extra = json_pack("{s:s}", "page", "pod.html");
    struct sidecar_info info = {.title = "Dwarkesh 对话 Demis Hassabis",
                                .source_path = "transcripts/x.zh.txt",
                                .input_sha256 =
                                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                .recast_version = "0.1.0",
                                .espeak_version = "1.51",
                                .audio_basename = "pod.opus",
                                .settings = settings,
                                .loudness = loudness,
                                .speakers = speakers,
                                .extra_files = extra};

    struct sidecar_cue *cues = NULL;
    int n_cues = 0;
    sidecars_build_cues(&tl, NULL, &cues, &n_cues);

    if (getenv("DUMP_CUES"))
        for (int i = 0; i < n_cues; i++)
            printf("cue t%d-%d %.3f-%.3f [%s]\n", cues[i].turn, cues[i].seq, cues[i].start48 / 48000.0,
                   cues[i].end48 / 48000.0, cues[i].lines);
    TEST_CASE("sidecars_format_time")
    {
        char b[16];
        sidecars_format_time(0, '.', b);
        CHECK_STR(b, "00:00:00.000");
        sidecars_format_time(48, '.', b);
        CHECK_STR(b, "00:00:00.001");
        sidecars_format_time(23, '.', b);
        CHECK_STR(b, "00:00:00.000");
        sidecars_format_time(24, '.', b);
        CHECK_STR(b, "00:00:00.001");
        sidecars_format_time(47999, '.', b);
        CHECK_STR(b, "00:00:01.000");
        sidecars_format_time(3600LL * 48000, '.', b);
        CHECK_STR(b, "01:00:00.000");
        sidecars_format_time(3600LL * 48000 + 61 * 48000 + 48 * 345, ',', b);
        CHECK_STR(b, "01:01:01,345");
        sidecars_format_time(-5, '.', b);
        CHECK_STR(b, "00:00:00.000");
    }

    TEST_CASE("cues_ordered_bounded_short")
    {
        CHECK(n_cues >= 10);
        for (int i = 0; i < n_cues; i++) {
            const struct sidecar_cue *c = &cues[i];
            if (!c->text[0]) CHECK_FAIL_("cue %d is empty", i);
            const char *why = layout_error(c->lines);
            if (why) CHECK_FAIL_("cue %d \"%s\": %s", i, c->lines, why);
            if (c->end48 - c->start48 > SEC(7.0) && c->turn != 2)
                CHECK_FAIL_("cue %d lasts %.3f s", i, (c->end48 - c->start48) / 48000.0);
            if (c->start48 < 0 || c->end48 > tl.total48 || c->end48 - c->start48 < 48)
                CHECK_FAIL_("cue %d spans %lld..%lld", i, c->start48, c->end48);
            if (i && !(c->start48 > cues[i - 1].start48 && c->start48 >= cues[i - 1].end48))
                CHECK_FAIL_("cue %d starts at %lld before cue %d ends at %lld", i, c->start48, i - 1,
                            cues[i - 1].end48);
            if (i && c->turn < cues[i - 1].turn) CHECK_FAIL_("cue %d goes back to turn %d", i, c->turn);
            int seq = i && cues[i - 1].turn == c->turn ? cues[i - 1].seq + 1 : 1;
            if (c->seq != seq) CHECK_FAIL_("cue %d seq %d, expected %d", i, c->seq, seq);
        }
    }

    TEST_CASE("cues_keep_all_text")
    {
        for (int t = 0; t < tl.n_turns; t++) {
            char joined[2048] = "", cat[2048] = "";
            for (int c = 0; c < tl.turns[t].n_clauses; c++)
                strcat(joined, tl.turns[t].clauses[c].text);
            for (int i = 0; i < n_cues; i++)
                if (cues[i].turn == t) strcat(cat, cues[i].text);
            char *a = strip_ws(joined), *b = strip_ws(cat);
            if (strcmp(a, b) != 0) CHECK_FAIL_("turn %d: cues \"%s\" vs clauses \"%s\"", t, b, a);
            free(a), free(b);
        }
    }

    TEST_CASE("cues_layout_rules")
    {
        /* expected cue lines of turns 0, 1, 3, 4: clause and sentence ends first, the name
         * "Demis Hassabis" and "Google DeepMind" never cut, the SRT name room on the first
         * line after a change of speaker */
        static const char *const want[][4] = {
            {"今天的嘉宾是Demis Hassabis，\n他是Google DeepMind的CEO。", "欢迎你，Demis。"},
            {"谢谢，很高兴来到这里。（笑）"},
            {NULL},
            {"A & B <C> 的比较，嗯。\n这是一个很好的问题。"},
            {"最后一个问题，\n你觉得AGI还有多远？"},
        };
        for (int t = 0; t < 5; t++) {
            if (!want[t][0]) continue;
            int k = 0;
            for (int i = 0; i < n_cues; i++) {
                if (cues[i].turn != t) continue;
                if (k >= 4 || !want[t][k])
                    CHECK_FAIL_("turn %d: extra cue \"%s\"", t, cues[i].lines);
                else
                    CHECK_STR(cues[i].lines, want[t][k]);
                k++;
            }
            int w = 0;
            while (w < 4 && want[t][w])
                w++;
            CHECK_INT(k, w);
        }
        /* a cue cut at a clause boundary spans its first clause's start to its last clause's end */
        for (int i = 0; i < n_cues; i++)
            if (cues[i].turn == 0 && cues[i].seq == 1) {
                CHECK_INT(cues[i].start48, tl.turns[0].clauses[0].start48);
                CHECK_INT(cues[i].end48, tl.turns[0].clauses[1].end48);
            }
        /* the one-line text is the lines joined (a space only between Latin words) */
        for (int i = 0; i < n_cues; i++) {
            char *a = strip_ws(cues[i].text), *b = strip_ws(cues[i].lines);
            if (strcmp(a, b) != 0) CHECK_FAIL_("cue %d: text \"%s\" vs lines \"%s\"", i, cues[i].text, cues[i].lines);
            free(a), free(b);
        }
    }

    TEST_CASE("cues_cut_at_word_marks")
    {
        /* inside a clause with word marks, a cue starts and the previous one ends exactly
         * at a mark (where the synthesizer starts that word); never inside 而且 */
        const struct tl_clause *zh = &tl.turns[2].clauses[0], *en = &tl.turns[2].clauses[2];
        int pieces = 0;
        char cat[1024] = "";
        for (int i = 0; i < n_cues; i++) {
            if (cues[i].turn != 2 || cues[i].start48 < zh->start48 || cues[i].start48 >= zh->end48) continue;
            if (cues[i].start48 != zh->start48) {
                int found = 0;
                for (int m = 0; m < zh->n_marks; m++) found |= zh->marks[m].at48 == cues[i].start48;
                if (!found) CHECK_FAIL_("cue %d starts at %lld, not at a word mark", i, cues[i].start48);
                CHECK_INT(cues[i - 1].end48, cues[i].start48);
            }
            if (strstr(cues[i].text, "而") && !strstr(cues[i].text, "而且")) CHECK_FAIL_("cut inside 而且: %s", cues[i].text);
            strcat(cat, cues[i].text);
            pieces++;
        }
        CHECK(pieces >= 2);
        CHECK(strncmp(cat, zh->text, strlen(zh->text)) == 0);

        /* the English clause without marks: cut at spaces only, times interpolated within it */
        pieces = 0, cat[0] = '\0';
        long long first = -1, last = -1;
        for (int i = 0; i < n_cues; i++) {
            if (cues[i].turn != 2 || cues[i].start48 < en->start48 || cues[i].end48 > en->end48) continue;
            if (pieces) strcat(cat, " ");
            strcat(cat, cues[i].text);
            if (first < 0) first = cues[i].start48;
            last = cues[i].end48;
            pieces++;
        }
        CHECK(pieces >= 2);
        CHECK_STR(cat, en->text);
        CHECK_INT(first, en->start48);
        CHECK_INT(last, en->end48);
    }

    TEST_CASE("cues_configurable_layout")
    {
        struct sidecar_layout lay;
        sidecars_default_layout(&lay);
        lay.zh_line_chars = 12, lay.max_lines = 1, lay.max_cue_ms = 3000;
        struct sidecar_cue *c2;
        int n2;
        sidecars_build_cues(&tl, &lay, &c2, &n2);
        CHECK(n2 > n_cues);
        for (int i = 0; i < n2; i++) {
            if (strchr(c2[i].lines, '\n')) CHECK_FAIL_("cue %d has two lines: %s", i, c2[i].lines);
            int cols = 0;
            for (size_t k = 0; c2[i].lines[k];) {
                uint32_t cp;
                int step = utf8_decode(c2[i].lines + k, strlen(c2[i].lines + k), &cp);
                cols += cp >= 0x2E80 ? 2 : 1, k += (size_t)(step > 0 ? step : 1);
            }
            int zh = 0;
            for (const char *q = c2[i].lines; *q; q++) zh |= (unsigned char)*q >= 0xE4;
            if (zh && cols > 24) CHECK_FAIL_("cue %d is %d columns: %s", i, cols, c2[i].lines);
            if (zh && c2[i].end48 - c2[i].start48 > SEC(3.0)) CHECK_FAIL_("cue %d lasts over 3 s", i);
        }
        sidecars_free_cues(c2, n2);
    }

    struct rc_error err = {0};
    int wrote = sidecars_write(stem, &tl, &info, &err);
    TEST_CASE("write_succeeds")
    {
        if (wrote != 0) CHECK_FAIL_("sidecars_write: %s", err.msg);
        CHECK_INT(count_temp_files(dir), 0);
        CHECK_INT(speakers->refcount, 1);
        CHECK_INT(settings->refcount, 1);
    }

    static struct parsed_cue vc[256], sc[256];
    char why[512] = "";
    int nv = parse_vtt(p_vtt, vc, 256, why);
    TEST_CASE("vtt_format")
    {
        char *text = slurp(p_vtt);
        CHECK(text && !strncmp(text, "WEBVTT\n", 7));
        if (nv < 0) CHECK_FAIL_("%s", why);
        CHECK_INT(nv, n_cues);
        for (int i = 0; i < nv; i++) {
            if (vc[i].b <= vc[i].a || (i && vc[i].a <= vc[i - 1].a) || (i && vc[i].a < vc[i - 1].b) ||
                vc[i].b > tl_ms(tl.total48))
                CHECK_FAIL_("cue %d: %lld..%lld", i, vc[i].a, vc[i].b);
            const char *bad = layout_error(vc[i].text);
            if (bad) CHECK_FAIL_("cue %d \"%s\": %s", i, vc[i].text, bad);
            if (vc[i].turn < 0 || vc[i].turn >= tl.n_turns) {
                CHECK_FAIL_("cue %d: no turn id", i);
                continue;
            }
            CHECK_STR(vc[i].speaker, names[turns_spec[vc[i].turn].speaker]);
            if (i < n_cues) {
                CHECK_STR(vc[i].text, cues[i].lines);
                CHECK_INT(vc[i].a, tl_ms(cues[i].start48));
                CHECK_INT(vc[i].b, tl_ms(cues[i].end48));
            }
        }
        CHECK(text && strstr(text, "<v Demis>A &amp; B &lt;C&gt; 的比较，嗯。\n这是"));
        CHECK(text && strstr(text, "<v Dwarkesh>今天的嘉宾是"));
        /* per turn, the file's cue texts hold exactly the clauses' text */
        for (int t = 0; t < tl.n_turns; t++) {
            char joined[2048] = "", cat[2048] = "";
            for (int c = 0; c < tl.turns[t].n_clauses; c++)
                strcat(joined, tl.turns[t].clauses[c].text);
            for (int i = 0; i < nv; i++)
                if (vc[i].turn == t) strcat(cat, vc[i].text);
            char *a = strip_ws(joined), *b = strip_ws(cat);
            if (strcmp(a, b) != 0) CHECK_FAIL_("turn %d: file \"%s\" vs clauses \"%s\"", t, b, a);
            free(a), free(b);
        }
        free(text);
    }

    TEST_CASE("srt_format")
    {
        /* number, timing, 1 or 2 text lines, a blank line; "Name: " where the speaker changes */
        char *text = slurp(p_srt), **lines = NULL;
        int nl = text ? split_lines(text, &lines) : 0, n = 0;
        CHECK(text != NULL);
        for (int i = 0; i < nl;) {
            if (!lines[i][0]) {
                i++;
                continue;
            }
            if (i + 2 >= nl) {
                CHECK_FAIL_("truncated cue at line %d", i + 1);
                break;
            }
            if (atoi(lines[i]) != n + 1)
                CHECK_FAIL_("line %d: number \"%s\", expected %d", i + 1, lines[i], n + 1);
            if (parse_timing(lines[i + 1], ',', &sc[n].a, &sc[n].b) != 0)
                CHECK_FAIL_("line %d: bad timing \"%s\"", i + 2, lines[i + 1]);
            int more = i + 3 < nl && lines[i + 3][0];
            if (n < nv) {
                char want[1200], got[1200];
                int changed = n == 0 || strcmp(vc[n].speaker, vc[n - 1].speaker) != 0;
                snprintf(want, sizeof want, "%.60s%s%.1000s", changed ? vc[n].speaker : "", changed ? ": " : "", vc[n].text);
                snprintf(got, sizeof got, "%.590s%s%.590s", lines[i + 2], more ? "\n" : "", more ? lines[i + 3] : "");
                CHECK_STR(got, want);
                CHECK_INT(sc[n].a, vc[n].a);
                CHECK_INT(sc[n].b, vc[n].b);
            }
            if (i + 3 + more < nl && lines[i + 3 + more][0]) CHECK_FAIL_("line %d: no blank line after cue", i + 4 + more);
            n++, i += 3 + more;
            if (n == 256) break;
        }
        CHECK_INT(n, nv);
        CHECK(text && !strstr(text, "<v "));
        free(lines), free(text);
        text = slurp(p_srt);
        CHECK(text && strstr(text, "\nDemis: 谢谢，"));
        CHECK(text && strstr(text, "\n欢迎你，Demis。\n")); /* same speaker: no name */
        free(text);
    }

    TEST_CASE("chapters_json")
    {
        json_error_t je;
        json_t *j = json_load_file(p_chap, 0, &je);
        char *text = slurp(p_chap);
        if (!j) CHECK_FAIL_("%s:%d: %s", p_chap, je.line, je.text);
        CHECK_STR(json_string_value(json_object_get(j, "version")), "1.2.0");
        json_t *ch = json_object_get(j, "chapters");
        CHECK_INT(json_array_size(ch), 3);
        for (int s = 0; s < 3 && s < (int)json_array_size(ch); s++) {
            json_t *c = json_array_get(ch, (size_t)s);
            CHECK(json_is_number(json_object_get(c, "startTime")));
            CHECK_INT(json_ms(json_object_get(c, "startTime")), tl_ms(tl.sections[s].start48));
        }
        CHECK(tl.sections[2].start48 > SEC(1000)); /* the precision case */
        CHECK_STR(json_string_value(json_object_get(json_array_get(ch, 0), "title")), "开场");
        CHECK_STR(json_string_value(json_object_get(json_array_get(ch, 1), "title")), info.title);
        CHECK_STR(json_string_value(json_object_get(json_array_get(ch, 2), "title")), "规划 & <推理>");
        CHECK(text && max_decimals(text, "\"startTime\"") <= 3);
        json_decref(j), free(text);
    }

    TEST_CASE("transcript_json")
    {
        /* one segment per whole sentence: its text is the sentence's clauses, its times the
         * first clause's start and the last clause's end */
        json_error_t je;
        json_t *j = json_load_file(p_tr, 0, &je);
        char *text = slurp(p_tr);
        if (!j) CHECK_FAIL_("%s:%d: %s", p_tr, je.line, je.text);
        CHECK_STR(json_string_value(json_object_get(j, "version")), "1.0.0");
        json_t *segs = json_object_get(j, "segments");
        static const char *const want[] = {"今天的嘉宾是Demis Hassabis，他是Google DeepMind的CEO。", "欢迎你，Demis。",
                                           "谢谢，很高兴来到这里。（笑）", LONG_ZH, "你怎么看？", LONG_EN};
        for (size_t i = 0; i < sizeof want / sizeof want[0] && i < json_array_size(segs); i++)
            CHECK_STR(json_string_value(json_object_get(json_array_get(segs, i), "body")), want[i]);
        json_t *g0 = json_array_get(segs, 0), *g3 = json_array_get(segs, 3);
        CHECK_STR(json_string_value(json_object_get(g0, "speaker")), "Dwarkesh");
        CHECK_INT(json_ms(json_object_get(g0, "startTime")), tl_ms(tl.turns[0].clauses[0].start48));
        CHECK_INT(json_ms(json_object_get(g0, "endTime")), tl_ms(tl.turns[0].clauses[1].end48));
        CHECK_INT(json_ms(json_object_get(g3, "startTime")), tl_ms(tl.turns[2].clauses[0].start48));
        CHECK_INT(json_ms(json_object_get(g3, "endTime")), tl_ms(tl.turns[2].clauses[0].end48));
        CHECK_INT(json_array_size(segs), 11); /* 2 + 1 + 3 + 3 + 1 + 1 sentences */
        CHECK(text && max_decimals(text, "\"startTime\"") <= 3 && max_decimals(text, "\"endTime\"") <= 3);
        json_decref(j), free(text);
    }

    TEST_CASE("manifest_json")
    {
        json_error_t je;
        json_t *m = json_load_file(p_man, 0, &je);
        if (!m) CHECK_FAIL_("%s:%d: %s", p_man, je.line, je.text);
        CHECK_STR(json_string_value(json_object_get(m, "title")), info.title);
        CHECK_STR(json_string_value(json_object_get(m, "source")), info.source_path);
        CHECK_STR(json_string_value(json_object_get(m, "input_sha256")), info.input_sha256);
        CHECK_STR(json_string_value(json_object_get(m, "recast_version")), "0.1.0");
        CHECK_STR(json_string_value(json_object_get(m, "espeak_ng_version")), "1.51");
        CHECK_STR(json_string_value(json_object_get(m, "audio")), "pod.opus");
        CHECK_INT(json_integer_value(json_object_get(m, "duration_ms")), tl_ms(tl.total48));
        CHECK_INT(json_integer_value(json_object_get(m, "duration_samples48")), tl.total48);
        CHECK_INT(json_integer_value(json_object_get(m, "sample_rate")), 48000);
        CHECK(json_equal(json_object_get(m, "settings"), settings));
        CHECK(json_equal(json_object_get(m, "loudness"), loudness));
        CHECK(json_equal(json_object_get(m, "speakers"), speakers));
        json_t *files = json_object_get(m, "files");
        CHECK_STR(json_string_value(json_object_get(files, "vtt")), "pod.vtt");
        CHECK_STR(json_string_value(json_object_get(files, "srt")), "pod.srt");
        CHECK_STR(json_string_value(json_object_get(files, "chapters")), "pod.chapters.json");
        CHECK_STR(json_string_value(json_object_get(files, "transcript")), "pod.transcript.json");
        CHECK_STR(json_string_value(json_object_get(files, "manifest")), "pod.manifest.json");
        CHECK_STR(json_string_value(json_object_get(files, "page")), "pod.html");
        json_t *secs = json_object_get(m, "sections");
        CHECK_INT(json_array_size(secs), 3);
        int seen = 0;
        for (int s = 0; s < 3 && s < (int)json_array_size(secs); s++) {
            json_t *so = json_array_get(secs, (size_t)s), *turns = json_object_get(so, "turns");
            CHECK_INT(json_integer_value(json_object_get(so, "index")), s);
            CHECK_INT(json_integer_value(json_object_get(so, "start_ms")), tl_ms(tl.sections[s].start48));
            CHECK_INT(json_integer_value(json_object_get(so, "end_ms")), tl_ms(tl.sections[s].end48));
            CHECK_INT(json_array_size(turns), tl.sections[s].n_turns);
            for (size_t k = 0; k < json_array_size(turns); k++, seen++) {
                json_t *to = json_array_get(turns, k);
                const struct tl_turn *tu = &tl.turns[tl.sections[s].first_turn + (int)k];
                CHECK_INT(json_integer_value(json_object_get(to, "index")), tu->index);
                CHECK_STR(json_string_value(json_object_get(to, "speaker")), tu->speaker_name);
                CHECK_STR(json_string_value(json_object_get(to, "voice")), tu->voice);
                CHECK_INT(json_integer_value(json_object_get(to, "line")), tu->line);
                CHECK_INT(json_integer_value(json_object_get(to, "start_ms")), tl_ms(tu->start48));
                CHECK_INT(json_integer_value(json_object_get(to, "end_ms")), tl_ms(tu->end48));
                CHECK_INT(json_integer_value(json_object_get(to, "speech_start_ms")),
                          tl_ms(tu->speech_start48));
                CHECK_INT(json_integer_value(json_object_get(to, "speech_end_ms")), tl_ms(tu->speech_end48));
                CHECK_STR(json_string_value(json_object_get(to, "text")), tu->text);
            }
        }
        CHECK_INT(seen, tl.n_turns);
        CHECK_STR(json_string_value(json_object_get(json_array_get(secs, 1), "title")), info.title);
        json_decref(m);
    }

    TEST_CASE("vtt_ffprobe")
    {
        if (system("command -v ffprobe >/dev/null 2>&1") != 0) {
            CHECK_FAIL_("ffprobe not found (install ffmpeg)");
        } else {
            char cmd[1024];
            snprintf(cmd, sizeof cmd,
                     "ffprobe -v error -i '%s' -show_entries packet=pts_time,duration_time -of csv 2>&1",
                     p_vtt);
            FILE *fp = popen(cmd, "r");
            char line[512];
            int n = 0, bad = 0;
            while (fp && fgets(line, sizeof line, fp)) {
                double pts, d;
                if (line[0] == '\n') continue; /* after the side data (cue id) of a packet */
                if (sscanf(line, "packet,%lf,%lf", &pts, &d) != 2) {
                    if (!bad++) CHECK_FAIL_("ffprobe said: %s", line);
                    continue;
                }
                if (n < nv && (llround(pts * 1000) != vc[n].a || llround(d * 1000) != vc[n].b - vc[n].a))
                    CHECK_FAIL_("packet %d: pts %.3f dur %.3f, cue %lld..%lld ms", n, pts, d, vc[n].a,
                                vc[n].b);
                n++;
            }
            int st = fp ? pclose(fp) : -1;
            CHECK_INT(st, 0);
            CHECK_INT(n, nv);
        }
    }

    TEST_CASE("info_optional")
    {
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "bare"), *man = path_of(dir, "bare.manifest.json");
        CHECK_INT(sidecars_write(stem2, &tl, NULL, &e2), 0);
        json_t *m = json_load_file(man, 0, NULL);
        CHECK(m != NULL);
        CHECK_STR(json_string_value(json_object_get(m, "audio")), "bare.opus");
        CHECK(json_is_null(json_object_get(m, "title")));
        CHECK(json_is_null(json_object_get(m, "loudness")));
        json_t *sp = json_object_get(m, "speakers");
        CHECK_INT(json_array_size(sp), 2);
        CHECK_STR(json_string_value(json_object_get(json_array_get(sp, 1), "voice")), voices[1]);
        char *chap = path_of(dir, "bare.chapters.json");
        json_t *ch = json_load_file(chap, 0, NULL);
        CHECK_STR(
            json_string_value(json_object_get(json_array_get(json_object_get(ch, "chapters"), 1), "title")),
            "Untitled");
        json_decref(m), json_decref(ch);
        free(stem2), free(man), free(chap);
    }

    TEST_CASE("missing_directory_fails_cleanly")
    {
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "no/such/dir/pod");
        CHECK_INT(sidecars_write(stem2, &tl, &info, &e2), -1);
        CHECK_INT(e2.code, RC_CANTCREAT);
        CHECK(strstr(e2.msg, "no/such/dir/pod.vtt") != NULL);
        CHECK_INT(count_temp_files(dir), 0);
        struct stat st;
        char *no = path_of(dir, "no");
        CHECK(stat(no, &st) != 0);
        free(stem2), free(no);
    }

    TEST_CASE("directory_target_leaves_old_files")
    {
        char *before_vtt = slurp(p_vtt), *before_man = slurp(p_man);
        remove(p_srt);
        CHECK_INT(mkdir(p_srt, 0755), 0);
        struct sidecar_info other = info;
        other.title = "another title";
        struct rc_error e2 = {0};
        CHECK_INT(sidecars_write(stem, &tl, &other, &e2), -1);
        CHECK_INT(e2.code, RC_CANTCREAT);
        CHECK(strstr(e2.msg, "pod.srt") != NULL);
        char *after_vtt = slurp(p_vtt), *after_man = slurp(p_man);
        CHECK(before_vtt && after_vtt && !strcmp(before_vtt, after_vtt));
        CHECK(before_man && after_man && !strcmp(before_man, after_man));
        CHECK_INT(count_temp_files(dir), 0);
        rmdir(p_srt);
        free(before_vtt), free(before_man), free(after_vtt), free(after_man);
    }

    TEST_CASE("late_open_failure_rolls_back")
    {
        /* STEM.vtt and STEM.srt open, then STEM.chapters.json cannot (a directory has its
         * name; a 235-byte stem used to do this through its too long temporary name, which
         * atomic_open now shortens) */
        char *stem2 = path_of(dir, "late"), *vtt2 = malloc(strlen(stem2) + 16);
        sprintf(vtt2, "%s.chapters.json", stem2);
        CHECK_INT(mkdir(vtt2, 0755), 0);
        sprintf(vtt2, "%s.vtt", stem2);
        FILE *fp = fopen(vtt2, "w");
        CHECK(fp != NULL);
        if (fp) fputs("old\n", fp), fclose(fp);
        struct rc_error e2 = {0};
        CHECK_INT(sidecars_write(stem2, &tl, &info, &e2), -1);
        CHECK_INT(e2.code, RC_CANTCREAT);
        CHECK(strstr(e2.msg, ".chapters.json") != NULL);
        char *after = slurp(vtt2);
        CHECK_STR(after, "old\n");
        CHECK_INT(count_temp_files(dir), 0);
        sprintf(vtt2, "%s.chapters.json", stem2);
        rmdir(vtt2);
        free(after), free(stem2), free(vtt2);
    }

    TEST_CASE("cues_invariants_on_odd_timelines")
    {
        /* overlapping and too-short clauses, a turn of silent text only, a clause past
         * the end: the cues still satisfy the invariants and keep their text */
        struct tl_clause c0[] = {{1000, 1020, "甲。", 1, NULL, 0},
                                 {900, 5000, "乙，", 1, NULL, 0},
                                 {5000, 60000, "丙。", 0, NULL, 0},
                                 {30000, 30010, "戊。", 1, NULL, 0}};
        struct tl_clause c1[] = {{61500, 61500, "（笑）", 1, NULL, 0}, {61500, 61500, "", 0, NULL, 0}};
        struct tl_clause c2[] = {{62000, 99000, "丁。", 1, NULL, 0}};
        struct tl_turn tt[] = {{.speaker_name = "A",
                                .start48 = 0,
                                .end48 = 60100,
                                .speech_start48 = 1000,
                                .speech_end48 = 60000,
                                .clauses = c0,
                                .n_clauses = 4},
                               {.speaker_name = "B",
                                .start48 = 61000,
                                .end48 = 61900,
                                .speech_start48 = 61500,
                                .speech_end48 = 61500,
                                .clauses = c1,
                                .n_clauses = 2},
                               {.speaker_name = "A",
                                .start48 = 61900,
                                .end48 = 70000,
                                .speech_start48 = 62000,
                                .speech_end48 = 99000,
                                .clauses = c2,
                                .n_clauses = 1}};
        struct tl_section sec = {.start48 = 0, .end48 = 70000, .first_turn = 0, .n_turns = 3};
        struct timeline odd = {
            .total48 = 70000, .sections = &sec, .n_sections = 1, .turns = tt, .n_turns = 3};
        struct sidecar_cue *oc;
        int on;
        sidecars_build_cues(&odd, NULL, &oc, &on);
        char cat[256] = "";
        for (int i = 0; i < on; i++) {
            if (oc[i].start48 < 0 || oc[i].end48 > odd.total48 || oc[i].end48 - oc[i].start48 < 48 ||
                (i && oc[i].start48 < oc[i - 1].end48))
                CHECK_FAIL_("cue %d spans %lld..%lld", i, oc[i].start48, oc[i].end48);
            strcat(cat, oc[i].text);
        }
        CHECK_STR(cat, "甲。乙，丙。戊。（笑）丁。");
        CHECK_INT(on, 3);
        CHECK_INT(on > 0 ? oc[on - 1].end48 : 0, 70000);
        sidecars_free_cues(oc, on);
    }

    TEST_CASE("empty_timeline")
    {
        struct timeline empty = {.total48 = 0};
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "empty"), *v = path_of(dir, "empty.vtt");
        CHECK_INT(sidecars_write(stem2, &empty, &info, &e2), 0);
        char *text = slurp(v);
        CHECK(text && !strncmp(text, "WEBVTT\n\n", 8) && !strstr(text, "-->"));
        free(text), free(stem2), free(v);
    }

    sidecars_free_cues(cues, n_cues);
    json_decref(speakers), json_decref(settings), json_decref(loudness), json_decref(extra);
    timeline_free(&tl);
    remove_tree(dir);
    free(stem), free(p_vtt), free(p_srt), free(p_chap), free(p_tr), free(p_man);
    CHECK_DONE();
}
