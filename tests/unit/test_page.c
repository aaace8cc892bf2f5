/* Listening page tests: the page written from a synthetic timeline holds the audio link,
 * every cue of the .vtt (escaped, with its times), the chapters and the clip links; nothing
 * from the transcript can break out of the markup; no network URL; atomic writing. */
#include <dirent.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "synthetic_timeline.h"
#include "publish/page.h"

#define XSS "</script><script>alert(1)</script>"

static const char *const names[] = {"Dwarkesh", "Demis \"D\" <H>"};
static const char *const section_titles[] = {"开场", "", "规划 & <推理>"};

static const struct turn_spec turns_spec[] = {
    {0, 0, {{"今天的嘉宾是Demis Hassabis，", 1, 2.4}, {"欢迎你。", 1, 0.9}}},
    {0, 1, {{"谢谢，", 1, 0.6}, {"很高兴来到这里。", 0, 1.6}, {"（笑）", 1, 0}}},
    {1, 0, {{"试试 " XSS " 这个。", 1, 3.0}, {"还有 <b>& 这个。", 1, 2.0}}},
    {1,
     1,
     {{"so the question is whether scaling alone will get us all the way there or not at all.", 1, 6.0}}},
    {2, 0, {{"最后一个问题，", 1, 1.2}, {"你觉得AGI还有多远？", 0, 1.8}}},
    {2, 1, {{"也许十年以内。", 1, 1.5}}},
};
#define N_TURNS ((int)(sizeof turns_spec / sizeof turns_spec[0]))

static const struct timeline_spec spec = {.turns = turns_spec,
                                          .n_turns = N_TURNS,
                                          .section_titles = section_titles,
                                          .n_sections = 3,
                                          .speaker_names = names,
                                          .voices = NULL,
                                          .long_gap_turn = 3,
                                          .long_gap_seconds = 3700.0123};

/* ---- helpers ---- */

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay ? strstr(hay, needle) : NULL; p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* HTML-escaped copy (the five characters), written independently of page.c. */
static char *escaped(const char *s)
{
    char *out = malloc(strlen(s) * 6 + 1), *o = out;
    for (; *s; s++) {
        const char *rep = *s == '&'    ? "&amp;"
                          : *s == '<'  ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '"'  ? "&quot;"
                          : *s == '\'' ? "&#39;"
                                       : NULL;
        if (rep)
            o += sprintf(o, "%s", rep);
        else
            *o++ = *s;
    }
    *o = '\0';
    return out;
}

static void seconds(char *out, long long samples48)
{
    long long ms = tl_ms(samples48);
    sprintf(out, "%lld.%03lld", ms / 1000, ms % 1000);
}

/* The first attribute value that starts with "http:", "https:" or "//" after src= or href=,
 * or NULL. */
static const char *network_url(const char *html)
{
    static const char *const attrs[] = {"src=\"", "href=\"", "src='", "href='"};
    for (int a = 0; a < 4; a++)
        for (const char *p = strstr(html, attrs[a]); p; p = strstr(p + 1, attrs[a])) {
            const char *v = p + strlen(attrs[a]);
            if (!strncmp(v, "http:", 5) || !strncmp(v, "https:", 6) || !strncmp(v, "//", 2)) return v;
        }
    return NULL;
}

int main(void)
{
    struct timeline tl;
    build_synthetic_timeline(&spec, &tl);
    char tmpl[] = "/tmp/test_page.XXXXXX";
    const char *dir = mkdtemp(tmpl);
    if (!dir) {
        printf("FAIL setup: mkdtemp\n");
        return 1;
    }
    char *stem = path_of(dir, "pod"), *p_html = path_of(dir, "pod.html");
    struct sidecar_info info = {
        .title = "Dwarkesh 对话 <Demis> & Co", .recast_version = "0.1.0", .audio_basename = "pod.opus"};
    const struct page_clip clips[] = {{"clips/00-开场.opus", 0},
                                      {"clips/01-a b#c?d%e.opus", 1},
                                      {"clips/02-规划-&-推理.opus", 2},
                                      {"javascript:alert(1)", 7}};
    struct sidecar_cue *cues;
    int n_cues;
    sidecars_build_cues(&tl, NULL, &cues, &n_cues);
    if (getenv("DUMP_CUES"))
        for (int i = 0; i < n_cues; i++) printf("cue %d [%s]\n", i, cues[i].lines);

    struct rc_error err = {0};
    int wrote = page_write(stem, &tl, &info, clips, 4, &err);
    char *html = slurp(p_html);

    TEST_CASE("page_written_atomically")
    {
        if (wrote != 0) CHECK_FAIL_("page_write: %s", err.msg);
        CHECK(html != NULL);
        CHECK_INT(count_temp_files(dir), 0);
    }
    if (!html) html = calloc(1, 1);

    TEST_CASE("page_head")
    {
        CHECK(!strncmp(html, "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n", 62));
        CHECK(strstr(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        CHECK(strstr(html, "<title>Dwarkesh 对话 &lt;Demis&gt; &amp; Co</title>"));
        CHECK(strstr(html, "<h1>Dwarkesh 对话 &lt;Demis&gt; &amp; Co</h1>"));
        CHECK(strstr(html, "</html>\n"));
    }

    TEST_CASE("page_audio")
    {
        CHECK(strstr(html, "<audio id=\"player\" controls preload=\"metadata\" src=\"pod.opus\">"));
        CHECK_INT(count(html, "<audio"), 1);
    }

    TEST_CASE("page_every_cue_escaped_with_times")
    {
        CHECK(n_cues >= 8);
        const char *after = html;
        for (int i = 0; i < n_cues; i++) {
            char a[32], b[32], want[1024];
            seconds(a, cues[i].start48), seconds(b, cues[i].end48);
            char *text = escaped(cues[i].text);
            snprintf(
                want, sizeof want,
                "<a class=\"cue\" id=\"t%d-%d\" href=\"#t%d-%d\" tabindex=\"%d\" data-start=\"%s\" data-end=\"%s\">%s</a>",
                cues[i].turn, cues[i].seq, cues[i].turn, cues[i].seq, i == 0 ? 0 : -1, a, b, text); /* one Tab stop */
            const char *at = strstr(after, want);
            if (!at)
                CHECK_FAIL_("cue %d not found (or out of order): %s", i, want);
            else
                after = at + strlen(want);
            free(text);
        }
        CHECK_INT(count(html, "class=\"cue\""), n_cues);
    }

    TEST_CASE("page_transcript_cannot_break_out")
    {
        CHECK(strstr(html, XSS) == NULL);
        CHECK(strstr(html, "alert(1)</script>") == NULL);
        CHECK(strstr(html, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        CHECK(strstr(html, "<b>&") == NULL);
        CHECK(strstr(html, "还有 &lt;b&gt;&amp; 这个。"));
        CHECK_INT(count(html, "<script"), 1);
        CHECK_INT(count(html, "</script>"), 1);
        /* the one script is the last thing in the body */
        const char *s = strstr(html, "<script>");
        CHECK(s && strstr(s, "</script>\n</body>\n</html>\n"));
    }

    TEST_CASE("page_speakers")
    {
        CHECK(strstr(html, "<div class=\"turn spk0\"><span class=\"who\">Dwarkesh</span><p>"));
        CHECK(strstr(html,
                     "<div class=\"turn spk1\"><span class=\"who\">Demis &quot;D&quot; &lt;H&gt;</span><p>"));
        CHECK_INT(count(html, "<div class=\"turn "), N_TURNS);
        CHECK(strstr(html, "<span class=\"who spk0\">Dwarkesh</span> <span class=\"who spk1\">Demis"));
        /* the English clause cut into cues reads with its spaces */
        CHECK(strstr(html, "</a> <a class=\"cue\" id=\"t3-2\""));
    }

    TEST_CASE("page_chapters")
    {
        CHECK_INT(count(html, "<a class=\"chapter\""), 3);
        for (int s = 0; s < 3; s++) {
            char a[32], want[256];
            seconds(a, tl.sections[s].start48);
            snprintf(want, sizeof want, "<a class=\"chapter\" href=\"#s%d\" data-start=\"%s\">", s, a);
            if (!strstr(html, want)) CHECK_FAIL_("no %s", want);
            snprintf(want, sizeof want, "<section class=\"part\" id=\"s%d\" data-chapter=\"%d\"", s, s);
            if (!strstr(html, want)) CHECK_FAIL_("no %s", want);
        }
        CHECK(strstr(html, "<span class=\"title\">开场</span>"));
        CHECK(
            strstr(html, "<span class=\"title\">Dwarkesh 对话 &lt;Demis&gt; &amp; Co</span>")); /* untitled */
        CHECK(strstr(html, "<span class=\"title\">规划 &amp; &lt;推理&gt;</span>"));
        CHECK(strstr(html, "<span class=\"t\">1:02:00</span>") != NULL); /* the last chapter is past an hour */
    }

    TEST_CASE("page_clip_links")
    {
        CHECK(strstr(html, "<a class=\"clip\" href=\"clips/00-开场.opus\">"));
        CHECK(strstr(html, "<a class=\"clip\" href=\"clips/01-a%20b%23c%3Fd%25e.opus\">"));
        CHECK(strstr(html, "<a class=\"clip\" href=\"clips/02-规划-%26-推理.opus\">"));
        /* a clip of no chapter here is listed in the footer; a colon cannot make a scheme */
        CHECK(strstr(html, "href=\"./javascript:alert(1)\""));
        CHECK(strstr(html, "href=\"javascript:") == NULL);
        /* each clip link sits in its chapter's row */
        const char *row = strstr(html, "href=\"#s2\"");
        CHECK(row && strstr(row, "<a class=\"clip\" href=\"clips/02-") < strstr(row, "</li>"));
    }

    TEST_CASE("page_no_network_urls")
    {
        const char *u = network_url(html);
        if (u) CHECK_FAIL_("network URL: %.60s", u);
        CHECK(strstr(html, "http://") == NULL);
        CHECK(strstr(html, "https://") == NULL);
        CHECK(strstr(html, "@import") == NULL);
        CHECK(strstr(html, "<link rel=\"icon\" href=\"data:,\">"));
        CHECK(strstr(html, "<link rel=\"stylesheet\"") == NULL);
        CHECK(strstr(html, "<script src") == NULL);
    }

    TEST_CASE("page_embeds_page_css_and_page_js_byte_for_byte")
    {
        /* the build embeds these files (scripts/embed-assets.sh); run from the repository root */
        char *css = slurp("src/publish/page/page.css"), *js = slurp("src/publish/page/page.js");
        CHECK(css && strlen(css) > 1000);
        CHECK(js && strlen(js) > 1000);
        if (css && js) {
            char *style = malloc(strlen(css) + 64), *script = malloc(strlen(js) + 64);
            sprintf(style, "<style>\n%s</style>\n</head>\n", css);
            sprintf(script, "<script>\n%s</script>\n</body>\n</html>\n", js);
            CHECK(strstr(html, style) != NULL);
            CHECK(strstr(html, script) != NULL);
            CHECK_INT(count(html, "<style>"), 1);
            CHECK_INT(count(html, "<script>"), 1);
            free(style), free(script);
        }
        free(css), free(js);
    }

    TEST_CASE("page_sidecar_links")
    {
        const char *names_[] = {"pod.vtt", "pod.srt", "pod.chapters.json", "pod.transcript.json",
                                "pod.manifest.json"};
        for (int i = 0; i < 5; i++) {
            char want[64];
            snprintf(want, sizeof want, "<a href=\"%s\">", names_[i]);
            if (!strstr(html, want)) CHECK_FAIL_("no link %s", want);
        }
    }

    TEST_CASE("page_without_info")
    {
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "bare"), *p2 = path_of(dir, "bare.html");
        CHECK_INT(page_write(stem2, &tl, NULL, NULL, 0, &e2), 0);
        char *h2 = slurp(p2);
        CHECK(h2 && strstr(h2, "src=\"bare.opus\""));
        CHECK(h2 && strstr(h2, "<title>bare</title>"));
        CHECK(h2 && !strstr(h2, "class=\"clip\""));
        free(h2), free(stem2), free(p2);
    }

    TEST_CASE("page_empty_timeline")
    {
        struct timeline empty = {.total48 = 0};
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "empty"), *p2 = path_of(dir, "empty.html");
        CHECK_INT(page_write(stem2, &empty, &info, NULL, 0, &e2), 0);
        char *h2 = slurp(p2);
        CHECK(h2 && strstr(h2, "</html>") && !strstr(h2, "class=\"cue\""));
        free(h2), free(stem2), free(p2);
    }

    TEST_CASE("page_rewrite_replaces")
    {
        struct sidecar_info other = info;
        other.title = "another title";
        struct rc_error e2 = {0};
        CHECK_INT(page_write(stem, &tl, &other, clips, 4, &e2), 0);
        char *h2 = slurp(p_html);
        CHECK(h2 && strstr(h2, "<title>another title</title>"));
        CHECK_INT(count_temp_files(dir), 0);
        free(h2);
    }

    TEST_CASE("page_missing_directory")
    {
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "no/such/dir/pod");
        CHECK_INT(page_write(stem2, &tl, &info, clips, 4, &e2), -1);
        CHECK_INT(e2.code, RC_CANTCREAT);
        CHECK(strstr(e2.msg, "no/such/dir/pod.html") != NULL);
        CHECK_INT(count_temp_files(dir), 0);
        free(stem2);
    }

    TEST_CASE("page_directory_target")
    {
        struct rc_error e2 = {0};
        char *stem2 = path_of(dir, "isdir"), *p2 = path_of(dir, "isdir.html");
        CHECK_INT(mkdir(p2, 0755), 0);
        CHECK_INT(page_write(stem2, &tl, &info, NULL, 0, &e2), -1);
        CHECK_INT(e2.code, RC_CANTCREAT);
        CHECK(strstr(e2.msg, "isdir.html") != NULL);
        CHECK_INT(count_temp_files(dir), 0);
        struct stat st;
        CHECK(stat(p2, &st) == 0 && S_ISDIR(st.st_mode));
        free(stem2), free(p2);
    }

    free(html);
    sidecars_free_cues(cues, n_cues);
    timeline_free(&tl);
    remove_tree(dir);
    free(stem), free(p_html);
    CHECK_DONE();
}
