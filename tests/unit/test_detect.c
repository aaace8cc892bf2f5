/* Unit tests of speaker detection (text/detect), markup removal (text/markup) and casting
 * (config/casting), through doc_parse where the rule is about a whole page. */
#include <string.h>

#include "check.h"
#include "config/casting.h"
#include "config/voices.h"
#include "text/markup.h"
#include "text/parse.h"

static struct voice_set vs;

static int parse(const char *text, struct document *doc, struct rc_error *err)
{
    voices_drop_cast(&vs);
    return doc_parse("t.md", text, strlen(text), &vs, doc, err);
}

static const char *speaker(const struct document *doc, int turn)
{
    return turn < doc->n_turns ? vs.profiles[doc->turns[turn].speaker].name : "(none)";
}

/* The cleaned text of one line (fresh state), or "DROP:reason" / "HEADING:title". */
static const char *clean(const char *line)
{
    static char buf[512];
    struct markup_state st = {.lines_seen = 1};
    struct markup_line ml;
    markup_clean_line(&st, line, strlen(line), &ml);
    if (ml.kind == MARKUP_DROP) snprintf(buf, sizeof buf, "DROP:%s", ml.reason);
    else if (ml.kind == MARKUP_HEADING) snprintf(buf, sizeof buf, "HEADING:%s", ml.text);
    else snprintf(buf, sizeof buf, "%s", ml.text);
    free(ml.text);
    return buf;
}

int main(void)
{
    struct rc_error err = {0};
    if (voices_load("voices", &vs, &err) != 0) {
        printf("FAIL load voices: %s\n", err.msg);
        return 1;
    }
    struct document doc;

    TEST_CASE("markup: links read as their text, images, URLs and timestamps never") {
        CHECK_STR(clean("See the [test stand video](https://example.org/x) here."), "See the test stand video here.");
        CHECK_STR(clean("![Ada](https://example.org/ada.jpg)"), "DROP:image");
        CHECK_STR(clean("**Dwarkesh Patel:** [0:00](https://youtu.be/x?t=0) Today I have"), "Dwarkesh Patel: Today I have");
        CHECK_STR(clean("(00:01:09) The turbopump."), "The turbopump.");
        CHECK_STR(clean("[1:32] Thank you."), "Thank you.");
        CHECK_STR(clean("Dan Shipper (00:01:48)"), "Dan Shipper");
        CHECK_STR(clean("-1:48:27"), "DROP:timestamp");
        CHECK_STR(clean("go to https://example.org/a, now"), "go to , now");
        CHECK_STR(clean("at 10:30 we met"), "at 10:30 we met");
    }
    TEST_CASE("markup: headings, lists, quotes, emphasis, footnotes, HTML") {
        CHECK_STR(clean("### [(00:00:20) – Why inference](https://youtu.be/x)"), "HEADING:Why inference");
        CHECK_STR(clean("## Rocket engines ##"), "HEADING:Rocket engines");
        CHECK_STR(clean("<h2>Part two: water</h2>"), "HEADING:Part two: water");
        CHECK_STR(clean("- an item"), "an item");
        CHECK_STR(clean("> quoted"), "quoted");
        CHECK_STR(clean("a mark.[^1] more"), "a mark. more");
        CHECK_STR(clean("[^1]: the note"), "DROP:footnote");
        CHECK_STR(clean("<p><b>Host:</b> Soil &amp; water&nbsp;now.</p>"), "Host: Soil & water now.");
        CHECK_STR(clean("| a | b |"), "DROP:table");
        CHECK_STR(clean("---"), "DROP:horizontal rule");
        CHECK_STR(clean("<!-- source: x -->"), "DROP:HTML comment");
        CHECK_STR(clean("– 智能的本质"), "– 智能的本质"); /* the bundled page's list, as written */
    }
    TEST_CASE("markup: code fences and front matter span lines") {
        struct markup_state st = {0};
        const char *lines[] = {"---", "title: x", "---", "text", "```", "code = 1", "```", "after"};
        const char *want[] = {"DROP", "DROP", "DROP", "text", "DROP", "DROP", "DROP", "after"};
        for (int i = 0; i < 8; i++) {
            struct markup_line ml;
            markup_clean_line(&st, lines[i], strlen(lines[i]), &ml);
            const char *got = ml.kind == MARKUP_DROP ? "DROP" : ml.text;
            if (strcmp(got, want[i]) != 0) CHECK_FAIL_("line %d \"%s\": got \"%s\", expected \"%s\"", i, lines[i], got, want[i]);
            free(ml.text);
        }
    }
    TEST_CASE("detect: inline labels, unknown speakers get automatic voices") {
        CHECK_INT(parse("Alice Smith: Hello there.\n\nBob Jones: Hi.\n\nAlice Smith: How are you?\n\nBob Jones: Fine.\n",
                        &doc, &err), 0);
        CHECK_INT(doc.n_turns, 4);
        CHECK_INT(doc.n_speakers, 2);
        CHECK_STR(speaker(&doc, 0), "Alice Smith");
        CHECK_STR(speaker(&doc, 1), "Bob Jones");
        CHECK_STR(doc.speakers[0].cast, "automatic");
        CHECK(doc.turns[0].speaker != doc.turns[1].speaker);
        CHECK_INT(doc.lang, DOC_LANG_EN);
        doc_free(&doc);
    }
    TEST_CASE("detect: a vocative, a title and a byline are not turns") {
        CHECK_INT(parse("Dwarkesh Patel: The Podcast\n\nBy Dwarkesh Patel\n\nAlice: Dwarkesh, welcome.\n\n"
                        "Dwarkesh: Thanks.\n\nDwarkesh is the host.\n\nAlice: Good.\n\nDwarkesh: Yes.\n",
                        &doc, &err), 0);
        CHECK_INT(doc.n_turns, 4);
        CHECK_STR(speaker(&doc, 0), "Alice");
        CHECK_STR(doc.turns[0].text, "Dwarkesh, welcome.");
        CHECK_STR(speaker(&doc, 1), "Dwarkesh");
        CHECK_STR(doc.turns[1].text, "Thanks.\nDwarkesh is the host.");
        doc_free(&doc);
    }
    TEST_CASE("detect: an abbreviation legend resolves labels to a profile") {
        CHECK_INT(parse("Speakers: Dwarkesh Patel (DP), Sarah Paine (SP)\n\n**DP**: Welcome.\n\n**SP**: Thanks.\n\n"
                        "**DP**: First question?\n\n**SP**: An answer.\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 4);
        CHECK_STR(speaker(&doc, 0), "Dwarkesh");
        CHECK_STR(doc.speakers[0].cast, "profile");
        CHECK_STR(doc.speakers[0].label, "DP");
        CHECK_STR(speaker(&doc, 1), "Sarah Paine");
        int legend = 0;
        for (int i = 0; i < doc.n_dropped; i++) legend += strstr(doc.dropped[i].text, "legend") != NULL;
        CHECK_INT(legend, 1);
        doc_free(&doc);
    }
    TEST_CASE("detect: names alone on a line, a heading that is not a name") {
        CHECK_INT(parse("Intro\n\nLex Fridman\n(00:00:00) Hello.\n\nAda Lindqvist\n(00:00:30) Hi.\n\n## Engines\n\n"
                        "Lex Fridman\n(00:01:05) Why?\n\nAda Lindqvist\n(00:01:09) Because.\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 4);
        CHECK_STR(doc.label_style, "alone");
        CHECK_STR(doc.turns[0].text, "Hello.");
        CHECK_INT(doc.n_sections, 2);
        CHECK_STR(doc.n_sections == 2 ? doc.sections[1].title : "", "Engines");
        doc_free(&doc);
    }
    TEST_CASE("detect: a name used once inside the dialogue is a new speaker, not merged") {
        CHECK_INT(parse("问：一？\n\n答：一。\n\n观众：我也想问。\n\n问：二？\n\n答：二。\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 5);
        CHECK_STR(speaker(&doc, 2), "观众");
        doc_free(&doc);
        CHECK_INT(parse("问：一？\n\n答：一。\n\n问：二？\n\n答：二。\n\n观众：最后我也想问。\n", &doc, &err), 0);
        CHECK_INT(doc.n_turns, 5); /* a new speaker right after the last recurring label */
        CHECK_STR(speaker(&doc, 4), "观众");
        CHECK_STR(doc.turns[1].text, "一。");
        CHECK_STR(doc.speakers[0].role, "host");
        doc_free(&doc);
    }
    TEST_CASE("detect: furniture words and phrases before a colon are not speakers") {
        CHECK_INT(parse("来源：某报\n\n问：一？\n\n答：一。\n\n问题是：这个。\n\n问：二？\n\n答：二。\n", &doc, &err), 0);
        CHECK_INT(doc.n_speakers, 2);
        CHECK_INT(doc.n_turns, 4);
        doc_free(&doc);
    }
    TEST_CASE("detect: no labels: the error names what it saw and the remedy") {
        CHECK(parse("一段文字。\n\n又一段。\n", &doc, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "no speaker turns") != NULL);
        CHECK(strstr(err.msg, "add an alias") != NULL);
    }
    TEST_CASE("casting: --cast overrides, unknown names and profiles are usage errors") {
        const char *casts[] = {"Bob Jones=demis"};
        vs.casts = casts, vs.n_casts = 1;
        CHECK_INT(parse("Alice Smith: Hi.\n\nBob Jones: Hi.\n\nAlice Smith: Yes.\n\nBob Jones: No.\n", &doc, &err), 0);
        CHECK_STR(speaker(&doc, 1), "Demis");
        CHECK_STR(doc.speakers[1].cast, "--cast");
        doc_free(&doc);
        const char *bad[] = {"Carol=demis"};
        vs.casts = bad;
        CHECK(parse("Alice Smith: Hi.\n\nBob Jones: Hi.\n\nAlice Smith: Yes.\n\nBob Jones: No.\n", &doc, &err) != 0);
        CHECK_INT(err.code, RC_USAGE);
        const char *bad2[] = {"Bob Jones=nobody"};
        vs.casts = bad2;
        CHECK(parse("Alice Smith: Hi.\n\nBob Jones: Hi.\n\nAlice Smith: Yes.\n\nBob Jones: No.\n", &doc, &err) != 0);
        CHECK(strstr(err.msg, "no profile") != NULL);
        vs.casts = NULL, vs.n_casts = 0;
    }
    for (int english = 0; english < 2; english++)
    TEST_CASE(english ? "casting: five English speakers, every pair 25% apart in table median F0, distinct variants"
                      : "casting: five Chinese speakers, every pair 25% apart in table median F0, distinct variants") {
        struct strbuf page;
        sb_init(&page);
        int n = 5;
        for (int round = 0; round < 2; round++)
            for (int k = 0; k < n; k++)
                if (english) sb_printf(&page, "Speaker %c: Turn %d.\n\n", 'A' + k, round);
                else sb_printf(&page, "嘉宾%.3s：第%d段。\n\n", "甲乙丙丁戊己庚辛壬" + 3 * k, round);
        CHECK_INT(parse(sb_cstr(&page), &doc, &err), 0);
        CHECK_INT(doc.n_speakers, n);
        CHECK_INT(doc.lang, english ? DOC_LANG_EN : DOC_LANG_ZH);
        for (int a = 0; a < doc.n_speakers; a++)
            for (int b = a + 1; b < doc.n_speakers; b++) {
                const struct voice_profile *x = &vs.profiles[doc.speakers[a].profile], *y = &vs.profiles[doc.speakers[b].profile];
                double fa = casting_median_f0(x, english), fb = casting_median_f0(y, english);
                double r = fa > fb ? fa / fb : fb / fa;
                if (r < 1.25) CHECK_FAIL_("%s (%s/%d, %.0f Hz) and %s (%s/%d, %.0f Hz): ratio %.3f", doc.speakers[a].name,
                                          x->variant, x->pitch, fa, doc.speakers[b].name, y->variant, y->pitch, fb, r);
                if (a < 7 && b < 7 && strcmp(x->variant, y->variant) == 0)
                    CHECK_FAIL_("%s and %s share variant %s", doc.speakers[a].name, doc.speakers[b].name, x->variant);
                if (x->range < 40) CHECK_FAIL_("%s: pitch range %d flattens Mandarin tones", doc.speakers[a].name, x->range);
            }
        doc_free(&doc);
        sb_free(&page);
    }
    TEST_CASE("casting: twenty speakers, adjacent turns always 25% apart in table F0, variants reused least; deterministic") {
        struct strbuf page;
        sb_init(&page);
        static const char *const people[] = {"王阿姨", "李师傅", "小陈", "张老师", "刘大爷", "周女士", "吴先生",
                                             "郑同学", "孙老板", "马大姐", "胡医生", "朱警官", "高奶奶", "林导游",
                                             "何厨师", "罗司机", "梁护士", "宋店主", "赵工程师"};
        for (int k = 0; k < 19; k++) sb_printf(&page, "旁白：第%d段。\n\n%s：回答。\n\n", k, people[k]);
        CHECK_INT(parse(sb_cstr(&page), &doc, &err), 0);
        CHECK_INT(doc.n_speakers, 20);
        int first_voice[20];
        for (int t = 1; t < doc.n_turns; t++) {
            double fa = casting_median_f0(&vs.profiles[doc.turns[t - 1].speaker], 0);
            double fb = casting_median_f0(&vs.profiles[doc.turns[t].speaker], 0);
            double r = fa > fb ? fa / fb : fb / fa;
            if (r < 1.25) CHECK_FAIL_("turns %d and %d: %.0f and %.0f Hz", t - 1, t, fa, fb);
        }
        for (int k = 0; k < 20; k++) first_voice[k] = k < doc.n_speakers ? vs.profiles[doc.speakers[k].profile].pitch : -1;
        doc_free(&doc);
        CHECK_INT(parse(sb_cstr(&page), &doc, &err), 0);
        for (int k = 0; k < 20 && k < doc.n_speakers; k++) CHECK_INT(vs.profiles[doc.speakers[k].profile].pitch, first_voice[k]);
        doc_free(&doc);
        sb_free(&page);
    }
    voices_free(&vs);
    CHECK_DONE();
}
