/* Front-end tests: clause splitting, Mandarin/English segmentation of sentences from the
 * interview, English readings (acronyms, CamelCase, attached digits), lexicon. */
#include <string.h>
#include <unistd.h>

#include "base/utf8.h"
#include "check.h"
#include "speech/frontend.h"
#include "config/lexicon.h"

static struct lexicon lex;

/* "cmn:written|en:text|..." for a plan, clause boundaries as " / " (a Mandarin segment
 * shows the text that was read; its pinyin is tested below and in test_pinyin) */
static const char *describe(const char *text)
{
    static char out[4096];
    struct fe_plan plan;
    fe_plan_turn(text, &lex, &plan);
    out[0] = '\0';
    for (int i = 0; i < plan.n_segments; i++) {
        if (i) strcat(out, plan.segments[i].clause != plan.segments[i - 1].clause ? " / " : "|");
        strcat(out, lang_code(plan.segments[i].lang));
        strcat(out, ":");
        const struct fe_segment *seg = &plan.segments[i];
        strncat(out, seg->lang == LANG_CMN ? seg->written : seg->text, sizeof out - strlen(out) - 64);
    }
    fe_plan_free(&plan);
    return out;
}

static const char *english(const char *run)
{
    static char out[1024];
    struct strbuf sb;
    sb_init(&sb);
    fe_english_text(run, strlen(run), &lex, &sb);
    snprintf(out, sizeof out, "%s", sb_cstr(&sb));
    sb_free(&sb);
    return out;
}

int main(void)
{
    struct rc_error err = {0};
    if (lexicon_load("voices/lexicon.txt", &lex, &err) != 0) {
        printf("FAIL frontend: lexicon: %s\n", err.msg);
        return 1;
    }
    TEST_CASE("frontend: a mixed sentence from the interview (line 38)") {
        CHECK_STR(describe("好的。今天,能够与DeepMind CEO Demis Hassabis 进行交流,真是一种真正的荣幸。"),
                  "cmn:好的。 / cmn:今天, / cmn:能够与|en:Deep Mind [[,si: ,i: 'oU]] [[d'Emis]] [[h@s'A:bIs]]|cmn:进行交流, / "
                  "cmn:真是一种真正的荣幸。");
    }
    TEST_CASE("frontend: numbers in Mandarin runs are written out (lines 60, 115)") {
        CHECK_STR(describe("如果你回顾一下过去大约 10-20 年,"), "cmn:如果你回顾一下过去大约十到二十年,");
        CHECK_STR(describe("在 2010 年,没人考虑过 AI。"), "cmn:在二零一零年, / cmn:没人考虑过|en:[[,eI 'aI]]");
    }
    TEST_CASE("frontend: digits attached to a Latin name stay English (GPT-4, Gemini 1.5, RT-2, Gemini2)") {
        CHECK_STR(describe("Gemini GPT-4类型的时代"), "en:[[dZ'EmInaI]] [[,dZi: ,pi: 'ti:]] 4|cmn:类型的时代");
        CHECK_STR(describe("发布的Google 的 Gemini 1.5 和 Meta 的 V-JEPA"),
                  "cmn:发布的|en:Google|cmn:的|en:[[dZ'EmInaI]] 1.5|cmn:和|en:Meta|cmn:的|en:[['vi:]] [[dZ'Ep@]]");
        CHECK_STR(describe("RT-2 聊到 Gemini2 的训练"), "en:[[,A@ 'ti:]] 2|cmn:聊到|en:[[dZ'EmInaI]] 2|cmn:的训练");
    }
    TEST_CASE("frontend: a year after a Latin word is Chinese, not English (Shane 2009 年)") {
        CHECK_STR(describe("比如 2009 年的 Shane 的论文"), "cmn:比如二零零九年的|en:Shane|cmn:的论文");
        CHECK_STR(describe("Shane 说他的,我认为模态结果是 2028 年。"),
                  "en:Shane|cmn:说他的, / cmn:我认为模态结果是二零二八年。");
    }
    TEST_CASE("frontend: acronyms are spelled, plural acronyms too") {
        CHECK_STR(english("AGI"), "[[,eI ,dZi: 'aI]]");
        CHECK_STR(english("RLHF"), "[[,A@ ,El ,eItS 'Ef]]");
        CHECK_STR(english("TPU"), "[[,ti: ,pi: 'ju:]]");
        CHECK_STR(english("MMLU"), "[[,Em ,Em ,El 'ju:]]");
        CHECK_STR(english("LLM"), "[[,El ,El 'Em]]");
        CHECK_STR(english("TPUs"), "[[,ti: ,pi: 'ju:z]]");
        CHECK_STR(english("fMRI"), "[[,Ef ,Em ,A@ 'aI]]");
    }
    TEST_CASE("frontend: CamelCase is split and read as words") {
        CHECK_STR(english("DeepMind"), "Deep Mind");
        CHECK_STR(english("AlphaGo"), "Alpha Go");
        CHECK_STR(english("AlphaFold"), "Alpha Fold");
        CHECK_STR(english("OpenAI"), "Open [[,eI 'aI]]");
        CHECK_STR(english("ChatGPT"), "Chat [[,dZi: ,pi: 'ti:]]");
    }
    TEST_CASE("frontend: ordinary words and names pass through") {
        CHECK_STR(english("scaling"), "scaling");
        CHECK_STR(english("Deep Blue"), "Deep Blue");
        CHECK_STR(english("Anthropic"), "Anthropic");
        CHECK_STR(english("Shane's"), "Shane's");
    }
    TEST_CASE("frontend: the lexicon replaces whole English words, case-sensitive") {
        CHECK_STR(english("Hassabis"), "[[h@s'A:bIs]]");
        CHECK_STR(english("Geminis"), "Geminis");
        CHECK_STR(english("gemini"), "gemini");
    }
    TEST_CASE("frontend: cmn lexicon entries replace inside Mandarin runs") {
        struct lexicon l2;
        CHECK_INT(write_file("/tmp/recast-lex-test.txt", "cmn 谷歌 = 古歌\nen Foo = [[fu:]]\n"), 0);
        CHECK_INT(lexicon_load("/tmp/recast-lex-test.txt", &l2, &err), 0);
        struct strbuf sb;
        sb_init(&sb);
        fe_mandarin_text("走进谷歌", strlen("走进谷歌"), &l2, &sb);
        CHECK_STR(sb_cstr(&sb), "走进古歌");
        sb_free(&sb);
        lexicon_free(&l2);
        unlink("/tmp/recast-lex-test.txt");
    }
    TEST_CASE("frontend: a malformed lexicon line names file:line") {
        struct lexicon l2;
        write_file("/tmp/recast-lex-bad.txt", "# ok\nen Foo = bar\nxx Foo = bar\n");
        CHECK_INT(lexicon_load("/tmp/recast-lex-bad.txt", &l2, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "recast-lex-bad.txt:3:") != NULL);
        write_file("/tmp/recast-lex-bad.txt", "en Foo bar\n");
        CHECK_INT(lexicon_load("/tmp/recast-lex-bad.txt", &l2, &err), -1);
        CHECK(strstr(err.msg, ":1: missing \" = \"") != NULL);
        write_file("/tmp/recast-lex-bad.txt", "en Foo = [[fu:\n");
        CHECK_INT(lexicon_load("/tmp/recast-lex-bad.txt", &l2, &err), -1);
        CHECK(strstr(err.msg, "unbalanced [[ ]]") != NULL);
        write_file("/tmp/recast-lex-bad.txt", "en Foo = a\nen Foo = b\n");
        CHECK_INT(lexicon_load("/tmp/recast-lex-bad.txt", &l2, &err), -1);
        CHECK(strstr(err.msg, ":2: \"Foo\" is already defined on line 1") != NULL);
        unlink("/tmp/recast-lex-bad.txt");
    }
    TEST_CASE("frontend: clauses split at punctuation, not inside numbers; sentence starts marked") {
        struct fe_plan plan;
        fe_plan_turn("是的。1,367次阅读,10:30 开始?对!\n第二段", &lex, &plan);
        CHECK_INT(plan.n_clauses, 5);
        CHECK_STR(plan.clauses[0].display, "是的。");
        CHECK_STR(plan.clauses[1].display, "1,367次阅读,");
        CHECK_INT(plan.clauses[1].sentence_start, 1);
        CHECK_INT(plan.clauses[2].sentence_start, 0);
        CHECK_STR(plan.clauses[2].display, "10:30 开始?");
        CHECK_INT(plan.clauses[2].end, END_SENTENCE);
        CHECK_INT(plan.clauses[3].end, END_PARAGRAPH);
        CHECK_STR(plan.clauses[4].display, "第二段");
        CHECK_STR(plan.segments[1].written, "一千三百六十七次阅读,");
        CHECK_STR(plan.segments[1].text, "yi4 qian1 san1 bai3 liu4 shi2 qi1 ci4 yue4 du2,");
        CHECK_STR(plan.segments[1].reading.han, "一千三百六十七次阅读");
        fe_plan_free(&plan);
    }
    TEST_CASE("frontend: a question ending in English keeps its question mark") {
        CHECK_STR(describe("你怎么看 AlphaGo?"), "cmn:你怎么看|en:Alpha Go?");
    }
    TEST_CASE("frontend: symbols-only clauses say nothing; full-width letters fold to English") {
        CHECK_STR(describe("——"), "");
        CHECK_STR(describe("用ＡＩ做"), "cmn:用|en:[[,eI 'aI]]|cmn:做");
    }
    TEST_CASE("frontend: Mandarin is given to espeak as pinyin, English stays English") {
        CHECK_STR(describe("我认为 Gemini 很好"), "cmn:我认为|en:[[dZ'EmInaI]]|cmn:很好");
        struct fe_plan plan;
        fe_plan_turn("我认为 DeepMind 一个不是。", &lex, &plan);
        CHECK_INT(plan.n_segments, 3);
        if (plan.n_segments == 3) {
            CHECK_STR(plan.segments[0].text, "wo3 ren4 wei2");
            CHECK_INT(plan.segments[0].reading.n_words, 2);
            CHECK_STR(plan.segments[1].text, "Deep Mind");
            CHECK_STR(plan.segments[2].text, "yi2 ge5 bu2 shi4.");
        }
        fe_plan_free(&plan);
    }
    TEST_CASE("frontend: no ASCII letter or digit ever reaches a Mandarin segment but its pinyin") {
        const char *samples[] = {"在2010年到2020年之间,GPT-4和3.5%的用户", "第3代AlphaGo在2016年", "1/2的人, -5度",
                                 "100万次 10,000个 3D 5G x86", "L3 A100 H100 芯片"};
        for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
            struct fe_plan plan;
            fe_plan_turn(samples[i], &lex, &plan);
            for (int s = 0; s < plan.n_segments; s++) {
                if (plan.segments[s].lang != LANG_CMN) continue;
                for (const char *c = plan.segments[s].written; *c; c++)
                    if ((*c >= '0' && *c <= '9') || ((*c | 32) >= 'a' && (*c | 32) <= 'z'))
                        CHECK_FAIL_("\"%s\" left \"%s\" in a Mandarin segment", samples[i], plan.segments[s].written);
                /* the text is the syllables, one per character read, and punctuation */
                const struct py_reading *r = &plan.segments[s].reading;
                struct strbuf want;
                sb_init(&want);
                for (int k = 0; k < r->n_syllables; k++) sb_printf(&want, "%s%s", k ? " " : "", r->syllables[k]);
                struct strbuf got;
                sb_init(&got);
                for (const char *c = plan.segments[s].text; *c; c++)
                    if (!strchr(",.?!;:", *c)) sb_addc(&got, *c);
                CHECK_STR(sb_cstr(&got), sb_cstr(&want));
                CHECK_INT(r->n_syllables, (long long)utf8_length(r->han, strlen(r->han)));
                sb_free(&want), sb_free(&got);
            }
            fe_plan_free(&plan);
        }
    }
    TEST_CASE("frontend: a dash that starts a line leads its list item (issue 14)") {
        struct fe_plan plan;
        fe_plan_turn("我们讨论了:\n– 智能的本质\n– LLMs 上的强化学习\n— scaling和对齐", &lex, &plan);
        CHECK_INT(plan.n_clauses, 4);
        if (plan.n_clauses == 4) {
            CHECK_STR(plan.clauses[0].display, "我们讨论了:");
            CHECK_STR(plan.clauses[1].display, "– 智能的本质");
            CHECK_STR(plan.clauses[2].display, "– LLMs 上的强化学习");
            CHECK_STR(plan.clauses[3].display, "— scaling和对齐");
        }
        fe_plan_free(&plan);
        /* a dash inside a line still ends a clause */
        CHECK_STR(describe("智能的本质 – 时间线"), "cmn:智能的本质 – / cmn:时间线");
    }
    lexicon_free(&lex);
    CHECK_DONE();
}
