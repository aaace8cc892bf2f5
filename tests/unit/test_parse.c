/* Unit tests of the parser, one small transcript per rule. */
#include <string.h>

#include "check.h"
#include "text/parse.h"
#include "config/voices.h"

static struct voice_set vs;

/* Parses text; returns 0 on success. */
static int parse(const char *text, struct document *doc, struct rc_error *err)
{
    return doc_parse("t.txt", text, strlen(text), &vs, doc, err);
}

static const char *speaker(const struct document *doc, int turn)
{
    return turn < doc->n_turns ? vs.profiles[doc->turns[turn].speaker].name : "(none)";
}

int main(void)
{
    struct rc_error err = {0};
    if (voices_load("voices", &vs, &err) != 0) {
        printf("FAIL load voices: %s\n", err.msg);
        return 1;
    }
    struct document doc;

    TEST_CASE("parse: glued labels (Dwarkesh好的, DwarkeshGodot, DwarkeshDeepMind 在)") {
        CHECK_INT(parse("Dwarkesh好的。\n\nDemis谢谢。\n\nDwarkeshGodot发生了什么?\n\nDemis是的。\n\n"
                        "DwarkeshDeepMind 在不同领域\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 5);
        CHECK_STR(speaker(&doc, 0), "Dwarkesh");
        CHECK_STR(doc.turns[0].text, "好的。");
        CHECK_STR(speaker(&doc, 1), "Demis");
        CHECK_STR(doc.turns[2].text, "Godot发生了什么?");
        CHECK_STR(doc.turns[4].text, "DeepMind 在不同领域");
        doc_free(&doc);
    }
    TEST_CASE("parse: labels with spaces, ASCII and full-width colons, full names") {
        CHECK_INT(parse("Dwarkesh 好的\nDemis: 谢谢\nDwarkesh Patel：问题\nDemis Hassabis : 回答\n"
                        "Dwarkesh\xC2\xA0\xEF\xBC\x9A 再问\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 5);
        CHECK_STR(doc.turns[0].text, "好的");
        CHECK_STR(doc.turns[1].text, "谢谢");
        CHECK_STR(speaker(&doc, 2), "Dwarkesh");
        CHECK_STR(doc.turns[2].text, "问题");
        CHECK_STR(speaker(&doc, 3), "Demis");
        CHECK_STR(doc.turns[3].text, "回答");
        CHECK_STR(doc.turns[4].text, "再问");
        doc_free(&doc);
    }
    TEST_CASE("parse: a lower-case letter after a name is not a label") {
        CHECK_INT(parse("Demis谢谢。\n\nDemistify this.\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 1);
        CHECK_STR(doc.turns[0].text, "谢谢。\nDemistify this.");
        doc_free(&doc);
    }
    TEST_CASE("parse: headings between paragraphs, NO-BREAK spaces normalised") {
        CHECK_INT(parse("第一\xC2\xA0\xC2\xA0部分\n\nDwarkesh问。\n\nDemis答。\n\nScaling\xE3\x80\x80和对齐\n\nDwarkesh再问。\n",
                        &doc, &err), 0);
        CHECK_INT(doc.n_sections, 2);
        CHECK_STR(doc.sections[0].title, "第一 部分");
        CHECK_STR(doc.sections[1].title, "Scaling 和对齐");
        CHECK_INT(doc.sections[0].n_turns, 2);
        CHECK_INT(doc.sections[1].n_turns, 1);
        CHECK_INT(doc.sections[1].line, 7);
        CHECK_INT(doc.turns[2].section, 1);
        doc_free(&doc);
    }
    TEST_CASE("parse: no headings gives one untitled section") {
        CHECK_INT(parse("Dwarkesh问。\n\nDemis答。\n", &doc, &err), 0);
        CHECK_INT(doc.n_sections, 1);
        CHECK_STR(doc.sections[0].title, "");
        CHECK_INT(doc.sections[0].n_turns, 2);
        CHECK_STR(doc.title, "t");
        doc_free(&doc);
    }
    TEST_CASE("parse: unlabelled paragraphs continue the turn; broken lines join") {
        CHECK_INT(parse("Demis比如 Deep\nBlue,可能会。\n\n然后,第二段。\n\nDwarkesh好。\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 2);
        CHECK_STR(doc.turns[0].text, "比如 Deep Blue,可能会。\n然后,第二段。");
        doc_free(&doc);
    }
    TEST_CASE("parse: a line broken between Han characters joins without a space") {
        CHECK_INT(parse("Demis我认\n为是。\n", &doc, &err), 0);
        CHECK_STR(doc.turns[0].text, "我认为是。");
        doc_free(&doc);
    }
    TEST_CASE("parse: a missing label goes to the other speaker, with a warning naming the line") {
        CHECK_INT(parse("Dwarkesh问。\n\nDemis答。\n\n\xC2\xA0:好的,最后一个问题。\n\nDemis是的。\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 4);
        CHECK_STR(speaker(&doc, 2), "Dwarkesh");
        CHECK_STR(doc.turns[2].text, "好的,最后一个问题。");
        CHECK_INT(doc.turns[2].line, 5);
        CHECK_INT(doc.n_warnings, 1);
        CHECK_INT(doc.n_warnings ? doc.warnings[0].line : 0, 5);
        doc_free(&doc);
    }
    TEST_CASE("parse: host's unlabelled opening is the first turn, in section 开场") {
        CHECK_INT(parse("标题\n\n编者按这是编者的话。\n\n这是我与某人的一集节目。\n\n我们讨论了:\n\n– 话题一\n\n– 话题二\n\n"
                        "第一节\n\nDwarkesh好的。\n\nDemis谢谢。\n", &doc, &err), 0);
        CHECK_STR(doc.title, "标题");
        CHECK_INT(doc.n_sections, 2);
        CHECK_STR(doc.sections[0].title, "开场");
        CHECK_STR(doc.sections[1].title, "第一节");
        CHECK_STR(speaker(&doc, 0), "Dwarkesh");
        CHECK_INT(doc.turns[0].line, 5);
        CHECK_STR(doc.turns[0].text, "这是我与某人的一集节目。\n我们讨论了:\n– 话题一\n– 话题二");
        CHECK_INT(doc.n_preface, 1);
        CHECK_INT(doc.n_preface ? doc.preface[0].line : 0, 3);
        doc_free(&doc);
    }
    TEST_CASE("parse: page title repeated as captions is dropped anywhere") {
        CHECK_INT(parse("标题\n\n1,367次阅读\n没有评论\n\n标题\n\n第一节\n\nDwarkesh问。\n\n标题\n\n接着问。\n\nDemis答。\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 2);
        CHECK_STR(doc.turns[0].text, "问。\n接着问。");
        int captions = 0, header = 0;
        for (int i = 0; i < doc.n_dropped; i++) {
            captions += strstr(doc.dropped[i].text, "caption") != NULL;
            header += strstr(doc.dropped[i].text, "header") != NULL;
        }
        CHECK_INT(captions, 2);
        CHECK_INT(header, 2);
        doc_free(&doc);
    }
    TEST_CASE("parse: everything after the dialogue is dropped as trailer") {
        CHECK_INT(parse("标题\n\n第一节\n\nDwarkesh问。\n\nDemis答。\n\n标题\n\n想要了解更多,欢迎入群交流!\n\n 0\n评论(没有评论)\n",
                        &doc, &err), 0);
        CHECK_INT(doc.n_turns, 2);
        CHECK_STR(doc.turns[1].text, "答。");
        int trailer = 0;
        for (int i = 0; i < doc.n_dropped; i++) trailer += strstr(doc.dropped[i].text, "trailer") != NULL;
        CHECK_INT(trailer, 4);
        doc_free(&doc);
    }
    TEST_CASE("parse: a trailer cue without a caption ends the dialogue too") {
        CHECK_INT(parse("Dwarkesh问。\n\nDemis答。\n\n还有一段。\n\n▼ 往期精选 ▼\n\n1、文章\n", &doc, &err), 0);
        CHECK_STR(doc.turns[1].text, "答。\n还有一段。");
        CHECK_INT(doc.n_dropped, 2);
        doc_free(&doc);
    }
    TEST_CASE("parse: BOM and CRLF are accepted") {
        CHECK_INT(parse("\xEF\xBB\xBF" "Dwarkesh问。\r\n\r\nDemis答。\r\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 2);
        CHECK_STR(doc.turns[0].text, "问。");
        CHECK_STR(doc.turns[1].text, "答。");
        doc_free(&doc);
    }
    TEST_CASE("parse: invalid UTF-8 is an error naming line and column") {
        CHECK_INT(parse("Dwarkesh问。\nDemis\xFF答。\n", &doc, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "t.txt:2:6:") != NULL);
    }
    TEST_CASE("parse: a NUL byte is an error naming line and column") {
        CHECK_INT(doc_parse("t.txt", "Dwarkesh问\0", 12, &vs, &doc, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "t.txt:1:10:") != NULL);
    }
    TEST_CASE("parse: empty and blank files are errors") {
        CHECK_INT(parse("", &doc, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "empty") != NULL);
        CHECK_INT(parse(" \n\xC2\xA0\n\r\n", &doc, &err), -1);
        CHECK(strstr(err.msg, "empty") != NULL);
    }
    TEST_CASE("parse: a file without speaker turns is an error listing the labels") {
        CHECK_INT(parse("只是一篇文章。\n\n没有对话。\n", &doc, &err), -1);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "no speaker turns") != NULL);
        CHECK(strstr(err.msg, "\"Demis\"") != NULL);
    }
    TEST_CASE("parse: a 3 MB single-paragraph turn parses") {
        size_t n = 3u << 20;
        char *big = malloc(n + 16);
        memcpy(big, "Demis", 5);
        for (size_t i = 5; i + 3 <= n; i += 3) memcpy(big + i, "好", 3);
        size_t len = 5 + (n - 5) / 3 * 3;
        CHECK_INT(doc_parse("big.txt", big, len, &vs, &doc, &err), 0);
        CHECK_INT(doc.n_turns, 1);
        CHECK_INT(strlen(doc.turns[0].text), len - 5);
        doc_free(&doc);
        free(big);
    }
    voices_free(&vs);
    CHECK_DONE();
}
