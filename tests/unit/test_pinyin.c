/* Mandarin reading tests: the polyphone and sandhi table (tests/data/pinyin-table.tsv)
 * read by recast and then said by espeak (checked through its phoneme trace during
 * synthesis), properties that hold for any text, the user lexicon, Traditional input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/utf8.h"
#include "check.h"
#include "config/lexicon.h"
#include "espeak_trace.h"
#include "speech/pinyin.h"

#define TABLE "tests/data/pinyin-table.tsv"

static char *joined(const struct py_reading *r)
{
    static char buf[4096];
    buf[0] = '\0';
    for (int i = 0; i < r->n_syllables; i++) {
        if (i) strncat(buf, " ", sizeof buf - strlen(buf) - 1);
        strncat(buf, r->syllables[i], sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static char *read_pinyin(const char *text, const struct lexicon *lex)
{
    struct py_reading r;
    py_read(text, strlen(text), lex, &r);
    char *s = joined(&r);
    py_reading_free(&r);
    return s;
}

/* Does espeak, given recast's text for han, say the syllables of want?  Explains in why. */
static int espeak_says(const char *han, const char *want, char *why, size_t why_len)
{
    struct py_reading r;
    py_read(han, strlen(han), NULL, &r);
    struct trace_syl *heard;
    int n_heard, ok = 1;
    if (trace_text(r.text, &heard, &n_heard) != 0) {
        snprintf(why, why_len, "no trace");
        py_reading_free(&r);
        return 0;
    }
    char syl[64][PY_SYLLABLE_MAX];
    int n = 0;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", want);
    for (char *t = strtok(copy, " "); t && n < 64; t = strtok(NULL, " ")) {
        memset(syl[n], 0, PY_SYLLABLE_MAX);
        memcpy(syl[n++], t, strnlen(t, PY_SYLLABLE_MAX - 1));
    }
    if (n_heard != n) {
        snprintf(why, why_len, "espeak said %d syllables for %d (text \"%s\")", n_heard, n, r.text);
        ok = 0;
    }
    for (int i = 0; ok && i < n; i++) {
        char base[PY_SYLLABLE_MAX];
        memcpy(base, syl[i], PY_SYLLABLE_MAX);
        base[strlen(base) - 1] = '\0';
        const char *alone = trace_alone(syl[i]);
        int tone = syl[i][strlen(syl[i]) - 1] - '0';
        int next = i + 1 < n ? syl[i + 1][strlen(syl[i + 1]) - 1] - '0' : 0;
        if (!alone || strcmp(alone, heard[i].phonemes) != 0 || !trace_tone_ok(tone, heard[i].tone, next, base)) {
            snprintf(why, why_len, "syllable %d: want %s [%s], espeak said [%s] tone %d (text \"%s\")", i + 1, syl[i],
                     alone ? alone : "?", heard[i].phonemes, heard[i].tone, r.text);
            ok = 0;
        }
    }
    free(heard);
    py_reading_free(&r);
    return ok;
}

/* xorshift: the same pseudo-random texts on every run */
static uint32_t rng_state = 2463534242u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 17, rng_state ^= rng_state << 5;
    return rng_state;
}

int main(void)
{
    char *table;
    size_t table_len;
    struct rc_error err = {0};
    if (read_text_file(TABLE, &table, &table_len, &err) != 0) {
        printf("FAIL pinyin: %s\n", err.msg);
        return 1;
    }
    /* rows: [text, reading] */
    char *rows[1024][2];
    int n_rows = 0;
    for (char *line = table, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab || n_rows == 1024) continue;
        *tab = '\0';
        rows[n_rows][0] = line, rows[n_rows][1] = tab + 1, n_rows++;
    }

    TEST_CASE("pinyin: the table has at least 250 entries and covers every listed polyphone") {
        CHECK(n_rows >= 250);
        static const char *const chars[] = {"为", "得", "地", "了", "行", "重", "处", "调", "应", "长", "还", "觉", "都",
                                            "着", "数", "干", "传", "相", "便", "分", "好", "和", "种", "少", "只", "空",
                                            "几", "乎", "似", "兴", "挑", "参", "差", "量", "模", "累", "率", "一", "不"};
        for (size_t c = 0; c < sizeof chars / sizeof chars[0]; c++) {
            int count = 0;
            for (int i = 0; i < n_rows; i++) count += strstr(rows[i][0], chars[c]) != NULL;
            if (count < 3) CHECK_FAIL_("%s is in only %d entries of " TABLE, chars[c], count);
        }
    }

    TEST_CASE("pinyin: every entry of the polyphone and sandhi table is read as the dictionary has it") {
        int wrong = 0;
        for (int i = 0; i < n_rows; i++) {
            const char *got = read_pinyin(rows[i][0], NULL);
            if (strcmp(got, rows[i][1]) != 0) {
                if (wrong++ < 40) CHECK_FAIL_("%s: read \"%s\", want \"%s\"", rows[i][0], got, rows[i][1]);
            }
        }
        if (wrong) CHECK_FAIL_("%d of %d entries read wrong", wrong, n_rows);
    }

    TEST_CASE("pinyin: espeak says every table entry right (its phoneme trace during synthesis, with its 3-3 sandhi)") {
        if (trace_open("cmn-latn-pinyin") != 0) CHECK_FAIL_("espeak-ng has no voice cmn-latn-pinyin");
        int wrong = 0;
        for (int i = 0; i < n_rows && !check_case_failed; i++) {
            char why[1024];
            if (!espeak_says(rows[i][0], rows[i][1], why, sizeof why) && wrong++ < 40)
                CHECK_FAIL_("%s: %s", rows[i][0], why);
        }
    }

    TEST_CASE("pinyin: espeak applies 3-3 sandhi itself (ni3 hao3 is heard as ni2 hao3; recast writes ni3)") {
        CHECK_STR(read_pinyin("你好", NULL), "ni3 hao3");
        struct trace_syl *h;
        int n;
        CHECK_INT(trace_text("ni3 hao3", &h, &n), 0);
        CHECK_INT(n, 2);
        if (n == 2) {
            CHECK_INT(h[0].tone, 2);
            CHECK_INT(h[1].tone, 3);
        }
        free(h);
    }

    TEST_CASE("pinyin: any text gives one syllable with a tone digit per Han character and no Latin or digit leak") {
        /* characters from the table and the whole CJK block, with punctuation, spaces and
         * [[phonemes]] between them */
        static const char *const extra[] = {"，", "。", " ", "?", "[[ni3]]", "《", "a", "7", "·", "\xe3\x80\x87"};
        for (int round = 0; round < 300 && !check_case_failed; round++) {
            struct strbuf text;
            sb_init(&text);
            int n = 1 + (int)(rnd() % 40);
            for (int k = 0; k < n; k++) {
                uint32_t r = rnd() % 10;
                if (r < 5) {
                    const char *row = rows[rnd() % (uint32_t)n_rows][0];
                    sb_adds(&text, row);
                } else if (r < 8) {
                    utf8_append(&text, 0x4E00 + rnd() % (0x9FFF - 0x4E00));
                } else {
                    sb_adds(&text, extra[rnd() % (sizeof extra / sizeof extra[0])]);
                }
            }
            struct py_reading pr;
            py_read(text.data, text.len, NULL, &pr);
            size_t han_chars = utf8_length(pr.han, strlen(pr.han));
            if ((size_t)pr.n_syllables != han_chars)
                CHECK_FAIL_("\"%s\": %d syllables for %zu characters", text.data, pr.n_syllables, han_chars);
            int covered = 0;
            for (int w = 0; w < pr.n_words; w++) {
                if (pr.words[w].first_syllable != covered) CHECK_FAIL_("\"%s\": words out of order", text.data);
                covered += pr.words[w].n_syllables;
                if ((size_t)pr.words[w].n_syllables != utf8_length(pr.han + pr.words[w].start, pr.words[w].len))
                    CHECK_FAIL_("\"%s\": a word's syllables and characters differ", text.data);
            }
            CHECK_INT(covered, pr.n_syllables);
            for (int s = 0; s < pr.n_syllables; s++)
                if (!py_is_syllable(pr.syllables[s], strlen(pr.syllables[s])))
                    CHECK_FAIL_("\"%s\": syllable \"%s\"", text.data, pr.syllables[s]);
            /* text: the syllables in order, then only [[...]] and ,.?!;: */
            int s = 0;
            char *copy = xstrdup(pr.text);
            for (char *t = strtok(copy, " "); t; t = strtok(NULL, " ")) {
                if (strncmp(t, "[[", 2) == 0) continue;
                size_t l = strlen(t);
                while (l && strchr(",.?!;:", t[l - 1])) l--;
                if (s >= pr.n_syllables || strlen(pr.syllables[s]) != l || strncmp(t, pr.syllables[s], l) != 0) {
                    CHECK_FAIL_("\"%s\": token \"%s\" of \"%s\" is not syllable %d", text.data, t, pr.text, s);
                    break;
                }
                s++;
            }
            CHECK_INT(s, pr.n_syllables);
            for (const char *c = pr.text; *c; c++)
                if (*c == 'A' || (*c >= 'B' && *c <= 'Z')) CHECK_FAIL_("\"%s\": capital in \"%s\"", text.data, pr.text);
            free(copy);
            py_reading_free(&pr);
            sb_free(&text);
        }
    }

    TEST_CASE("pinyin: Traditional characters read like Simplified (OpenCC t2s)") {
        CHECK_STR(read_pinyin("我們認為這個問題很重要", NULL), read_pinyin("我们认为这个问题很重要", NULL));
        CHECK_STR(read_pinyin("處理", NULL), "chu3 li3");
        CHECK_STR(read_pinyin("後來", NULL), "hou4 lai2");
        struct py_reading r;
        py_read("認為", strlen("認為"), NULL, &r);
        CHECK_STR(r.han, "認為"); /* han keeps the characters as written */
        py_reading_free(&r);
    }

    TEST_CASE("pinyin: a user lexicon word wins over the built-in table, as written or Simplified") {
        CHECK_INT(write_file("/tmp/recast-pinyin-lex.txt", "cmn 了解 = le5 jie3\ncmn 行长 = xing2 Chang2\n"
                                                           "cmn 臺灣 = tai2 wan1\n"),
                  0);
        struct lexicon lex;
        CHECK_INT(lexicon_load("/tmp/recast-pinyin-lex.txt", &lex, &err), 0);
        CHECK_STR(read_pinyin("我了解", &lex), "wo3 le5 jie3");
        CHECK_STR(read_pinyin("银行长期", &lex), "yin2 xing2 chang2 qi1"); /* the user word cuts the path */
        CHECK_STR(read_pinyin("台湾", &lex), "tai2 wan1");
        CHECK_STR(read_pinyin("我了解", NULL), "wo3 liao3 jie3");
        struct py_reading r;
        py_read("我了解", strlen("我了解"), &lex, &r);
        CHECK_INT(r.n_words, 2);
        if (r.n_words == 2) CHECK_INT(r.words[1].source, PY_LEXICON);
        py_reading_free(&r);
        lexicon_free(&lex);
        unlink("/tmp/recast-pinyin-lex.txt");
    }

    TEST_CASE("pinyin: malformed pinyin in the lexicon is an error naming file:line") {
        CHECK_INT(write_file("/tmp/recast-pinyin-bad.txt", "# x\ncmn 了解 = liao3\n"), 0);
        struct lexicon lex;
        struct rc_error e2 = {0};
        CHECK(lexicon_load("/tmp/recast-pinyin-bad.txt", &lex, &e2) != 0);
        CHECK(strstr(e2.msg, "recast-pinyin-bad.txt:2:") != NULL);
        CHECK(strstr(e2.msg, "one syllable with a tone digit") != NULL);
        CHECK_INT(write_file("/tmp/recast-pinyin-bad.txt", "cmn 了解 = liao jie\n"), 0);
        struct rc_error e3 = {0};
        CHECK(lexicon_load("/tmp/recast-pinyin-bad.txt", &lex, &e3) != 0);
        CHECK(strstr(e3.msg, ":1:") != NULL);
        unlink("/tmp/recast-pinyin-bad.txt");
    }

    TEST_CASE("pinyin: the embedded table is searched in place and identified") {
        CHECK(py_data_size() > 1000000);
        CHECK(strncmp(py_data_id(), "pinyin-", 7) == 0);
        CHECK_STR(read_pinyin("", NULL), "");
        CHECK_STR(read_pinyin("，。", NULL), "");
    }
    free(table);
    CHECK_DONE();
}
