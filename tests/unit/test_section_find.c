/* Unit tests of --section matching: numbers, whole titles, starts, parts, case and
 * width folding, and the lists in the errors. */
#include <string.h>

#include "check.h"
#include "text/section_find.h"

static struct doc_section sections[] = {
    {.title = "开场"}, {.title = "智能的本质"}, {.title = "Gemini 训练"}, {.title = "AlphaFold 与科学"},
    {.title = "AGI 的时间表"}, {.title = "安全"}, {.title = "安全与开源"}, {.title = "2024"},
};
static struct document doc = {.path = "t.txt", .sections = sections, .n_sections = 8};

static int find(const char *s, struct rc_error *err)
{
    memset(err, 0, sizeof *err);
    return section_find(&doc, "--section", s, err);
}

int main(void)
{
    struct rc_error err;
    TEST_CASE("section_find: a number is an index") {
        CHECK_INT(find("0", &err), 0);
        CHECK_INT(find("5", &err), 5);
        CHECK_INT(find("07", &err), 7);
    }
    TEST_CASE("section_find: a number out of range lists the sections") {
        CHECK_INT(find("99", &err), -1);
        CHECK_INT(err.code, RC_USAGE);
        CHECK(strstr(err.msg, "--section 99: the transcript has sections 0 to 7:") != NULL);
        CHECK(strstr(err.msg, "\n    2  Gemini 训练") != NULL);
        CHECK(strstr(err.msg, "\n    7  2024") != NULL);
    }
    TEST_CASE("section_find: a number-like title matches when it is not an index") {
        sections[6].title = "2025";
        CHECK_INT(find("2025", &err), 6);
        sections[6].title = "安全与开源";
    }
    TEST_CASE("section_find: whole title, any ASCII case, spaces ignored, full-width folded") {
        CHECK_INT(find("Gemini 训练", &err), 2);
        CHECK_INT(find("gemini训练", &err), 2);
        CHECK_INT(find("ＧＥＭＩＮＩ 训练", &err), 2);
        CHECK_INT(find("智能的本质", &err), 1);
    }
    TEST_CASE("section_find: a unique start of a title") {
        CHECK_INT(find("gemini", &err), 2);
        CHECK_INT(find("alpha", &err), 3);
        CHECK_INT(find("智能", &err), 1);
    }
    TEST_CASE("section_find: a whole title wins over a longer title it starts") {
        CHECK_INT(find("安全", &err), 5);
    }
    TEST_CASE("section_find: a unique part of a title") {
        CHECK_INT(find("时间表", &err), 4);
        CHECK_INT(find("训练", &err), 2);
    }
    TEST_CASE("section_find: an ambiguous start lists the candidates with their numbers") {
        CHECK_INT(find("a", &err), -1);
        CHECK_INT(err.code, RC_USAGE);
        CHECK(strstr(err.msg, "--section \"a\": 2 sections match; give more of the title, or the number:") != NULL);
        CHECK(strstr(err.msg, "\n    3  AlphaFold 与科学") != NULL);
        CHECK(strstr(err.msg, "\n    4  AGI 的时间表") != NULL);
        CHECK(strstr(err.msg, "开场") == NULL);
    }
    TEST_CASE("section_find: no match lists every section") {
        CHECK_INT(find("robotics", &err), -1);
        CHECK(strstr(err.msg, "--section \"robotics\": no section matches") != NULL);
        for (int i = 0; i < doc.n_sections; i++) CHECK(strstr(err.msg, sections[i].title) != NULL);
        CHECK_INT(find("", &err), -1);
    }
    TEST_CASE("section_find: a long list is cut to fit the message and says how many are left") {
        static struct doc_section many[200];
        for (int i = 0; i < 200; i++) many[i].title = "一个相当长的章节标题，用来填满错误信息";
        struct document big = {.path = "big.txt", .sections = many, .n_sections = 200};
        CHECK_INT(section_find(&big, "--section", "nothing", &err), -1);
        CHECK(strlen(err.msg) < sizeof err.msg - 1);
        CHECK(strstr(err.msg, "more (see 'recast list big.txt')") != NULL);
    }
    CHECK_DONE();
}
