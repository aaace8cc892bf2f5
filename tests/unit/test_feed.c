/* test_feed.c: RSS feeds (publish/feed).  Written feeds are read back with libxml2's
 * XPath (namespaces by URI, so a wrong prefix binding fails); the independent podcast
 * parser check is tests/cli/feed.sh. */
#include "check.h"
#include "publish/feed.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];


/* The string value of an XPath expression over a file (prefixes i:, p:, a:). */
static char *xpath(const char *file, const char *expr)
{
    xmlDocPtr doc = xmlReadFile(file, NULL, XML_PARSE_NONET);
    if (!doc) return NULL;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "i", BAD_CAST "http://www.itunes.com/dtds/podcast-1.0.dtd");
    xmlXPathRegisterNs(ctx, BAD_CAST "p", BAD_CAST "https://podcastindex.org/namespace/1.0");
    xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
    char *r = s ? xstrdup((const char *)s) : NULL;
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return r;
}

#define CHECK_XPATH(file, expr, want) \
    do { char *got_ = xpath(file, expr); CHECK_STR(got_, want); free(got_); } while (0)

static const struct feed_channel CHANNEL = {.title = "recast 测试 & <show>",
                                            .link = "https://example.org/show/",
                                            .description = "Interviews, re-voiced.",
                                            .language = "zh",
                                            .author = "recast",
                                            .image_url = "https://example.org/show/cover.jpg",
                                            .self_url = "https://example.org/show/feed.xml"};

static struct feed_item make_item(const char *guid, time_t date, const char *title)
{
    static const struct feed_media alt[2] = {
        {"https://example.org/show/ep.m4a", 2000, "audio/mp4", "AAC", 64000, "mp4a.40.2"},
        {"https://example.org/show/ep.mp3", 3000, "audio/mpeg", "MP3", 0, NULL}};
    static const struct feed_transcript tr[3] = {{"https://example.org/show/ep.vtt", "text/vtt", "zh", 1},
                                                 {"https://example.org/show/ep.srt", "application/srt", "zh", 1},
                                                 {"https://example.org/show/ep.transcript.json", "application/json",
                                                  "zh", 0}};
    static const struct feed_person people[2] = {{"Dwarkesh", "host", "cast", NULL, NULL},
                                                 {"Demis", "guest", "cast", NULL, NULL}};
    struct feed_item it = {.title = title,
                           .description = "A <b>bold</b> & plain description",
                           .guid = guid,
                           .link = "https://example.org/show/ep.html",
                           .pub_date = date,
                           .duration_ms = 3723499,
                           .image_url = "https://example.org/show/cover.jpg",
                           .enclosure = {"https://example.org/show/ep.opus", 1000, "audio/ogg; codecs=opus", NULL, 0,
                                         NULL},
                           .alternates = alt,
                           .n_alternates = 2,
                           .chapters_url = "https://example.org/show/ep.chapters.json",
                           .transcripts = tr,
                           .n_transcripts = 3,
                           .persons = people,
                           .n_persons = 2};
    return it;
}

int main(void)
{
    struct rc_error err = {0};
    strcpy(tmpdir, "/tmp/recast-test-feed-XXXXXX");
    if (!mkdtemp(tmpdir)) return printf("FAIL setup: mkdtemp\n"), 1;

    TEST_CASE("feed_url: UTF-8 and reserved characters are percent-encoded, '/' kept") {
        char *u = feed_url("https://example.org/show/", "clips/00-开场 a&b.m4a");
        CHECK_STR(u, "https://example.org/show/clips/00-%E5%BC%80%E5%9C%BA%20a%26b.m4a");
        free(u);
        u = feed_url("https://x.test", "a.opus");
        CHECK_STR(u, "https://x.test/a.opus");
        free(u);
    }
    TEST_CASE("feed_rfc822_date: RFC 822, English names whatever the locale") {
        char d[40];
        feed_rfc822_date(1717200000, d); /* 2024-06-01 00:00:00 UTC */
        CHECK_STR(d, "Sat, 01 Jun 2024 00:00:00 +0000");
    }

    char *ep1 = path_of(tmpdir, "ep1.rss.xml"), *ep2 = path_of(tmpdir, "ep2.rss.xml"), *all = path_of(tmpdir, "feed.xml");
    TEST_CASE("feed_write_episode: every element with its namespace and escaping") {
        struct feed_item it = make_item("recast:ep1", 1717200000, "第一集: A & B");
        CHECK(feed_write_episode(ep1, &CHANNEL, &it, &err) == 0);
        CHECK_XPATH(ep1, "string(/rss/@version)", "2.0");
        CHECK_XPATH(ep1, "string(/rss/channel/title)", "recast 测试 & <show>");
        CHECK_XPATH(ep1, "string(/rss/channel/a:link[@rel='self']/@href)", "https://example.org/show/feed.xml");
        CHECK_XPATH(ep1, "string(/rss/channel/i:image/@href)", "https://example.org/show/cover.jpg");
        CHECK_XPATH(ep1, "count(/rss/channel/item)", "1");
        CHECK_XPATH(ep1, "string(//item/title)", "第一集: A & B");
        CHECK_XPATH(ep1, "string(//item/description)", "A <b>bold</b> & plain description");
        CHECK_XPATH(ep1, "string(//item/guid/@isPermaLink)", "false");
        CHECK_XPATH(ep1, "string(//item/pubDate)", "Sat, 01 Jun 2024 00:00:00 +0000");
        CHECK_XPATH(ep1, "string(//item/enclosure/@length)", "1000");
        CHECK_XPATH(ep1, "string(//item/enclosure/@type)", "audio/ogg; codecs=opus");
        CHECK_XPATH(ep1, "string(//item/i:duration)", "01:02:03");
        CHECK_XPATH(ep1, "string(//item/p:chapters/@type)", "application/json+chapters");
        CHECK_XPATH(ep1, "count(//item/p:transcript[@rel='captions'])", "2");
        CHECK_XPATH(ep1, "string(//item/p:transcript[@type='application/json']/@url)",
                    "https://example.org/show/ep.transcript.json");
        CHECK_XPATH(ep1, "string(//item/p:person[@role='guest'])", "Demis");
        CHECK_XPATH(ep1, "count(//item/p:alternateEnclosure)", "2");
        CHECK_XPATH(ep1, "string(//item/p:alternateEnclosure[@type='audio/mp4']/p:source/@uri)",
                    "https://example.org/show/ep.m4a");
        CHECK_XPATH(ep1, "string(//item/p:alternateEnclosure[@type='audio/mpeg']/@length)", "3000");
    }
    TEST_CASE("feed_write_episode: invalid UTF-8 is refused, nothing written") {
        struct feed_item it = make_item("recast:bad", 1, "bad \xff title");
        char *bad = path_of(tmpdir, "bad.rss.xml");
        CHECK(feed_write_episode(bad, &CHANNEL, &it, &err) != 0);
        CHECK_INT(err.code, RC_SOFTWARE);
        CHECK(access(bad, F_OK) != 0);
        free(bad);
    }
    TEST_CASE("feed_gather: items of two episodes, newest first, namespaces declared once") {
        struct feed_item it = make_item("recast:ep2", 1717286400, "第二集");
        CHECK(feed_write_episode(ep2, &CHANNEL, &it, &err) == 0);
        const char *files[2] = {ep1, ep2};
        CHECK(feed_gather(files, 2, &CHANNEL, all, &err) == 0);
        CHECK_XPATH(all, "count(/rss/channel/item)", "2");
        CHECK_XPATH(all, "string(/rss/channel/item[1]/guid)", "recast:ep2");
        CHECK_XPATH(all, "string(/rss/channel/item[2]/guid)", "recast:ep1");
        CHECK_XPATH(all, "count(/rss/channel/item[2]/p:alternateEnclosure)", "2");
        CHECK_XPATH(all, "string(/rss/channel/lastBuildDate)", "Sun, 02 Jun 2024 00:00:00 +0000");
        char *text = NULL;
        size_t len = 0;
        CHECK(read_file(all, &text, &len, &err) == 0);
        CHECK(text != NULL);
        int decls = 0;
        for (const char *p = text; p && (p = strstr(p, "xmlns:podcast")); p++) decls++;
        CHECK_INT(decls, 1);
        free(text);
    }
    TEST_CASE("feed_gather: a duplicate guid names both files") {
        const char *files[2] = {ep1, ep1};
        CHECK(feed_gather(files, 2, &CHANNEL, all, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "recast:ep1") != NULL);
    }
    TEST_CASE("feed_gather: a file that is not RSS, a missing file") {
        char *junk = path_of(tmpdir, "junk.xml");
        CHECK(write_file(junk, "<html><body/></html>") == 0);
        const char *files[1] = {junk};
        CHECK(feed_gather(files, 1, &CHANNEL, all, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
        const char *missing[1] = {"/nonexistent/x.rss.xml"};
        CHECK(feed_gather(missing, 1, &CHANNEL, all, &err) != 0);
        CHECK_INT(err.code, RC_NOINPUT);
        free(junk);
    }
    TEST_CASE("feed_channel_load: fields, and an unknown key is an error") {
        char *cj = path_of(tmpdir, "channel.json");
        struct feed_channel ch;
        struct feed_channel_store st;
        CHECK(write_file(cj, "{\"title\": \"Show\", \"link\": \"https://e.org/\", \"description\": \"d\", "
                             "\"owner\": {\"name\": \"N\", \"email\": \"n@e.org\"}, \"explicit\": true}") == 0);
        CHECK(feed_channel_load(cj, &ch, &st, &err) == 0);
        CHECK_STR(ch.title, "Show");
        CHECK_STR(ch.owner_email, "n@e.org");
        CHECK_INT(ch.explicit_content, 1);
        feed_channel_free(&st);
        CHECK(write_file(cj, "{\"title\": \"Show\", \"link\": \"https://e.org/\", \"description\": \"d\", "
                             "\"autor\": \"typo\"}") == 0);
        CHECK(feed_channel_load(cj, &ch, &st, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
        CHECK(strstr(err.msg, "autor") != NULL);
        CHECK(write_file(cj, "{\"title\": \"Show\"}") == 0);
        CHECK(feed_channel_load(cj, &ch, &st, &err) != 0);
        CHECK_INT(err.code, RC_DATAERR);
        free(cj);
    }
    free(ep1), free(ep2), free(all);
    if (!check_failed_cases) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) printf("     (could not remove %s)\n", tmpdir);
    }
    CHECK_DONE();
}
