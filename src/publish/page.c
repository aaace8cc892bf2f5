/* page.c: the listening page (see page.h).
 *
 * The whole DOM is generated here, with every string from the transcript HTML-escaped,
 * so the page reads without JavaScript too (audio controls, chapters as links to the
 * sections, the transcript).  A small inline script adds the behaviour:
 *
 *  - every cue of STEM.vtt is an <a class="cue" id="t<turn>-<seq>" data-start data-end>
 *    (seconds, 3 decimals, the same millisecond rounding as the .vtt); every chapter is
 *    an <a class="chapter" data-start>; clicking either seeks (Enter activates them from
 *    the keyboard, like any link);
 *  - highlighting: on timeupdate, seeking, seeked (and every animation frame while
 *    playing) the current cue is found by binary search: the cue with start <= t < end.
 *    In a pause between two cues the last cue whose start <= t stays current, unless a
 *    chapter has started since it (then none, until the chapter's first cue); before the
 *    first cue none is.  The current cue has class "current" and aria-current="true",
 *    and is scrolled into view if it is not visible (not for 4 s after the reader
 *    scrolled by hand);
 *  - keys, when focus is not in a form field or the audio element: Space plays/pauses
 *    (except on a button, which it activates), Left/Right seek 5 s back/forward;
 *  - STEM.html#t3-2 opens the page at that cue.
 *
 * No network assets: CSS and script (page/page.css, page/page.js, embedded at build time)
 * are inline, the favicon is a data: URL, and the only URLs are relative ones to the
 * audio, the clips and the sidecar files. */
#include "publish/page.h"
#include "publish/page_assets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- the static parts ---- */

/* page_css and page_js (page_assets.h) come from page/page.css and page/page.js; the
 * script's behaviour is the one described at the top of this file. */

static const char page_keys[] =
    "<p class=\"keys\"><kbd>空格</kbd> 播放/暂停 · <kbd>←</kbd> <kbd>→</kbd> 后退/前进 5 秒 · "
    "文字稿里 <kbd>↑</kbd> <kbd>↓</kbd> 逐句移动、<kbd>回车</kbd> 跳转 · 点击句子或章节跳转</p>\n";

/* ---- escaping and formatting ---- */

/* Text or attribute value: & < > " ' escaped. */
static void put_text(struct strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            sb_adds(sb, "&amp;");
            break;
        case '<':
            sb_adds(sb, "&lt;");
            break;
        case '>':
            sb_adds(sb, "&gt;");
            break;
        case '"':
            sb_adds(sb, "&quot;");
            break;
        case '\'':
            sb_adds(sb, "&#39;");
            break;
        default:
            sb_addc(sb, *s);
        }
    }
}

/* A relative URL for a file path, as an attribute value: bytes that mean something in
 * a URL (or in HTML) are percent-encoded, UTF-8 is kept (the browser encodes it), and a
 * path whose first segment has a colon gets "./" so it cannot read as a scheme. */
static void put_url(struct strbuf *sb, const char *path)
{
    size_t seg = strcspn(path, "/");
    if (memchr(path, ':', seg)) sb_adds(sb, "./");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p >= 0x80 || (*p > ' ' && !strchr("\"#%&'<>?\\^`{|}\x7f", *p)))
            sb_addc(sb, (char)*p);
        else
            sb_printf(sb, "%%%02X", *p);
    }
}

/* Seconds with three decimals, from the millisecond the sidecars use. */
static void put_seconds(struct strbuf *sb, long long samples48)
{
    long long ms = tl_ms(samples48);
    if (ms < 0) ms = 0;
    sb_printf(sb, "%lld.%03lld", ms / 1000, ms % 1000);
}

/* "4:05" or "1:02:03" (rounded down to the second). */
static void put_clock(struct strbuf *sb, long long samples48)
{
    long long s = tl_ms(samples48) / 1000;
    if (s < 0) s = 0;
    if (s >= 3600)
        sb_printf(sb, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        sb_printf(sb, "%lld:%02lld", s / 60, s % 60);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- the parts of the page ---- */

struct page {
    struct strbuf sb;
    const struct timeline *tl;
    const char *title;   /* programme title */
    const char *base;    /* basename of the stem: "pod" */
    const char *audio;   /* "pod.opus" */
    const char *fallback_audio; /* "pod.m4a" or NULL */
    const char *version; /* recast's version, or NULL */
    const struct page_clip *clips;
    int n_clips;
    const struct sidecar_layout *layout; /* cue layout, the same as the .vtt's */
    const struct episode *ep;            /* episode metadata, or NULL */
    const char *cover;                   /* "pod.cover.png" beside the page, or NULL */
};

static const char *section_title(const struct page *pg, int s)
{
    const char *t = pg->tl->sections[s].title;
    return t && *t ? t : pg->title;
}

/* <meta name|property="key" content="value"> */
static void put_meta(struct strbuf *sb, const char *attr, const char *key, const char *value)
{
    sb_printf(sb, "<meta %s=\"%s\" content=\"", attr, key);
    put_text(sb, value);
    sb_adds(sb, "\">\n");
}

/* What the page says about itself: language, description, sharing tags (Open Graph,
 * Twitter cards; the cover as a URL relative to the page). */
static void put_head(struct page *pg)
{
    struct strbuf *sb = &pg->sb;
    const struct episode *ep = pg->ep;
    sb_adds(sb, "<!DOCTYPE html>\n<html lang=\"");
    put_text(sb, ep && ep->language ? ep->language : "zh");
    sb_adds(sb, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if (pg->version) sb_printf(sb, "<meta name=\"generator\" content=\"recast %s\">\n", pg->version);
    struct strbuf desc;
    sb_init(&desc);
    if (ep && ep->description) sb_adds(&desc, ep->description);
    else sb_printf(&desc, "%s：播客（合成语音朗读），%d 章，附文字稿和字幕。", pg->title, pg->tl->n_sections);
    put_meta(sb, "name", "description", sb_cstr(&desc));
    put_meta(sb, "property", "og:type", "website");
    put_meta(sb, "property", "og:title", pg->title);
    put_meta(sb, "property", "og:description", sb_cstr(&desc));
    if (ep && ep->show) put_meta(sb, "property", "og:site_name", ep->show);
    if (pg->cover) {
        struct strbuf url;
        sb_init(&url);
        put_url(&url, pg->cover);
        sb_printf(sb, "<meta property=\"og:image\" content=\"%s\">\n", sb_cstr(&url));
        sb_free(&url);
        put_meta(sb, "property", "og:image:alt", "封面");
    }
    put_meta(sb, "property", "og:audio", pg->audio);
    put_meta(sb, "name", "twitter:card", pg->cover ? "summary_large_image" : "summary");
    sb_free(&desc);
    sb_adds(sb, "<title>");
    put_text(sb, pg->title);
    sb_adds(sb, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n");
    sb_adds(sb, page_css);
    sb_adds(sb, "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#transcript\">跳到文字稿</a>\n");
}

/* The speakers in order of first appearance, each once. */
static void put_legend(struct page *pg)
{
    struct strbuf *sb = &pg->sb;
    sb_adds(sb, "<span class=\"legend\">说话人：");
    for (int i = 0; i < pg->tl->n_turns; i++) {
        const struct tl_turn *t = &pg->tl->turns[i];
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = pg->tl->turns[j].speaker == t->speaker;
        if (seen) continue;
        sb_printf(sb, " <span class=\"who spk%d\">", (t->speaker % 6 + 6) % 6);
        put_text(sb, t->speaker_name);
        sb_adds(sb, "</span>");
    }
    sb_adds(sb, "</span>");
}

static void put_header(struct page *pg)
{
    struct strbuf *sb = &pg->sb;
    sb_adds(sb, "<header class=\"top\">\n");
    if (pg->cover) {
        sb_adds(sb, "<img class=\"cover\" src=\"");
        put_url(sb, pg->cover);
        sb_printf(sb, "\" alt=\"封面\" width=\"%d\" height=\"%d\">\n", pg->ep->cover.width, pg->ep->cover.height);
    }
    sb_adds(sb, "<div class=\"head\">\n<h1>");
    put_text(sb, pg->title);
    sb_adds(sb, "</h1>\n");
    if (pg->ep && (pg->ep->show || pg->ep->date || pg->ep->n_persons)) {
        sb_adds(sb, "<p class=\"meta\">");
        if (pg->ep->show) sb_adds(sb, "<span>"), put_text(sb, pg->ep->show), sb_adds(sb, "</span>");
        if (pg->ep->date) sb_adds(sb, "<span>原节目 <time>"), put_text(sb, pg->ep->date), sb_adds(sb, "</time></span>");
        for (int i = 0; i < pg->ep->n_persons; i++) {
            sb_adds(sb, "<span>");
            put_text(sb, pg->ep->persons[i].name);
            if (pg->ep->persons[i].role) sb_adds(sb, "（"), put_text(sb, pg->ep->persons[i].role), sb_adds(sb, "）");
            sb_adds(sb, "</span>");
        }
        sb_adds(sb, "</p>\n");
    }
    if (pg->ep && pg->ep->description) {
        sb_adds(sb, "<p class=\"desc\">");
        put_text(sb, pg->ep->description);
        sb_adds(sb, "</p>\n");
    }
    sb_adds(sb, "<p class=\"meta\"><span>时长 ");
    put_clock(sb, pg->tl->total48);
    sb_printf(sb, "</span><span>%d 章</span>", pg->tl->n_sections);
    put_legend(pg);
    sb_adds(sb, "</p>\n</div>\n</header>\n");
}

/* The MIME type of an audio file, by its extension. */
static const char *audio_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".opus") == 0) return "audio/ogg; codecs=opus";
    if (dot && strcmp(dot, ".m4a") == 0) return "audio/mp4";
    if (dot && strcmp(dot, ".mp3") == 0) return "audio/mpeg";
    return "audio/ogg";
}

static void put_source(struct strbuf *sb, const char *name)
{
    sb_adds(sb, "<source src=\"");
    put_url(sb, name);
    sb_printf(sb, "\" type=\"%s\">", audio_type(name));
}

static void put_player(struct page *pg)
{
    struct strbuf *sb = &pg->sb;
    sb_adds(sb, "<div class=\"bar\" id=\"bar\" role=\"region\" aria-label=\"播放器\">\n<div class=\"bar-in\">\n"
                "<audio id=\"player\" controls preload=\"metadata\"");
    if (pg->fallback_audio) { /* the browser takes the first source it can play */
        sb_adds(sb, ">");
        put_source(sb, pg->audio);
        put_source(sb, pg->fallback_audio);
    } else {
        sb_adds(sb, " src=\"");
        put_url(sb, pg->audio);
        sb_adds(sb, "\">");
    }
    sb_adds(sb, "这个浏览器不能播放音频，请<a href=\"");
    put_url(sb, pg->audio);
    sb_adds(sb, "\">下载 ");
    put_text(sb, pg->audio);
    sb_adds(sb, "</a>。</audio>\n<p class=\"now\" id=\"now\"></p>\n");
    sb_adds(sb, page_keys);
    sb_adds(sb, "</div>\n</div>\n");
}

static void put_clip_link(struct page *pg, const struct page_clip *c, const char *title)
{
    struct strbuf *sb = &pg->sb;
    sb_adds(sb, "<a class=\"clip\" href=\"");
    put_url(sb, c->href);
    sb_adds(sb, "\">片段<span class=\"sr-only\">：");
    put_text(sb, title);
    sb_adds(sb, "</span></a>");
}

static void put_chapters(struct page *pg)
{
    struct strbuf *sb = &pg->sb;
    sb_adds(sb, "<nav class=\"chapters\" aria-labelledby=\"chapters-h\">\n<h2 id=\"chapters-h\">章节</h2>\n");
    sb_adds(sb, tl_ms(pg->tl->total48) >= 3600000 ? "<ol class=\"hours\">\n" : "<ol>\n");
    for (int s = 0; s < pg->tl->n_sections; s++) {
        const struct tl_section *sec = &pg->tl->sections[s];
        sb_printf(sb, "<li><a class=\"chapter\" href=\"#s%d\" data-start=\"", s);
        put_seconds(sb, sec->start48);
        sb_adds(sb, "\"><span class=\"t\">");
        put_clock(sb, sec->start48);
        sb_adds(sb, "</span><span class=\"title\">");
        put_text(sb, section_title(pg, s));
        sb_adds(sb, "</span></a>");
        for (int c = 0; c < pg->n_clips; c++)
            if (pg->clips[c].section == s && pg->clips[c].href)
                put_clip_link(pg, &pg->clips[c], section_title(pg, s));
        sb_adds(sb, "</li>\n");
    }
    sb_adds(sb, "</ol>\n</nav>\n");
}

/* Cue texts have no spaces at their ends; Latin words cut apart need one back. */
static int needs_space(const char *prev, const char *next)
{
    size_t n = strlen(prev);
    unsigned char a = n ? (unsigned char)prev[n - 1] : 0, b = (unsigned char)next[0];
    return a > ' ' && a < 0x80 && b > ' ' && b < 0x80;
}

/* The cues of turn t, from *next on (cues are in time order, so in turn order). */
static void put_turn(struct page *pg, int t, const struct sidecar_cue *cues, int n_cues, int *next)
{
    struct strbuf *sb = &pg->sb;
    const struct tl_turn *turn = &pg->tl->turns[t];
    sb_printf(sb, "<div class=\"turn spk%d\"><span class=\"who\">", (turn->speaker % 6 + 6) % 6);
    put_text(sb, turn->speaker_name);
    sb_adds(sb, "</span><p>");
    int first = *next;
    for (; *next < n_cues && cues[*next].turn <= t; (*next)++) {
        const struct sidecar_cue *c = &cues[*next];
        if (*next > first && (c->space_before || needs_space(cues[*next - 1].text, c->text))) sb_addc(sb, ' ');
        sb_printf(sb, "<a class=\"cue\" id=\"t%d-%d\" href=\"#t%d-%d\" tabindex=\"%d\" data-start=\"", c->turn,
                  c->seq, c->turn, c->seq, *next == 0 ? 0 : -1);
        put_seconds(sb, c->start48);
        sb_adds(sb, "\" data-end=\"");
        put_seconds(sb, c->end48);
        sb_adds(sb, "\">");
        put_text(sb, c->text);
        sb_adds(sb, "</a>");
    }
    if (*next == first) put_text(sb, turn->text); /* nothing timed (silent text only) */
    sb_adds(sb, "</p></div>\n");
}

static void put_transcript(struct page *pg, const struct sidecar_cue *cues, int n_cues)
{
    struct strbuf *sb = &pg->sb;
    const struct timeline *tl = pg->tl;
    int next = 0;
    sb_adds(sb, "<article id=\"transcript\" aria-labelledby=\"transcript-h\">\n"
                "<h2 id=\"transcript-h\" class=\"sr-only\">文字稿</h2>\n");
    for (int s = 0; s < tl->n_sections; s++) {
        const struct tl_section *sec = &tl->sections[s];
        sb_printf(sb,
                  "<section class=\"part\" id=\"s%d\" data-chapter=\"%d\" aria-labelledby=\"s%d-h\">\n"
                  "<h3 id=\"s%d-h\"><span class=\"t\">",
                  s, s, s, s);
        put_clock(sb, sec->start48);
        sb_adds(sb, "</span>");
        put_text(sb, section_title(pg, s));
        sb_adds(sb, "</h3>\n");
        for (int t = sec->first_turn; t < sec->first_turn + sec->n_turns && t < tl->n_turns; t++)
            put_turn(pg, t, cues, n_cues, &next);
        sb_adds(sb, "</section>\n");
    }
    sb_adds(sb, "</article>\n");
}

static void put_file_link(struct page *pg, const char *suffix, const char *label)
{
    struct strbuf name;
    sb_init(&name);
    sb_printf(&name, "%s%s", pg->base, suffix);
    sb_adds(&pg->sb, " · <a href=\"");
    put_url(&pg->sb, sb_cstr(&name));
    sb_adds(&pg->sb, "\">");
    sb_adds(&pg->sb, label);
    sb_adds(&pg->sb, "</a>");
    sb_free(&name);
}

/* Downloads, clips that belong to no chapter of this timeline, and the colophon. */
static void put_footer(struct page *pg)
{
    struct strbuf *sb = &pg->sb;
    sb_adds(sb, "<footer>\n<p>下载： <a href=\"");
    put_url(sb, pg->audio);
    sb_adds(sb, "\">音频 Opus</a>");
    put_file_link(pg, ".vtt", "字幕 WebVTT");
    put_file_link(pg, ".srt", "字幕 SRT");
    put_file_link(pg, ".chapters.json", "章节 JSON");
    put_file_link(pg, ".transcript.json", "文字稿 JSON");
    put_file_link(pg, ".manifest.json", "清单 JSON");
    sb_adds(sb, "</p>\n");
    int other = 0;
    for (int c = 0; c < pg->n_clips; c++) {
        const struct page_clip *clip = &pg->clips[c];
        if (!clip->href || (clip->section >= 0 && clip->section < pg->tl->n_sections)) continue;
        sb_adds(sb, other++ ? " " : "<p>其他片段：");
        sb_adds(sb, "<a href=\"");
        put_url(sb, clip->href);
        sb_adds(sb, "\">");
        put_text(sb, base_name(clip->href));
        sb_adds(sb, "</a>");
    }
    if (other) sb_adds(sb, "</p>\n");
    sb_adds(sb, "<p>声音由 espeak-ng 合成");
    if (pg->version) sb_printf(sb, "，页面由 recast %s 生成", pg->version);
    sb_adds(sb, "。</p>\n</footer>\n");
}

static void build_page(struct page *pg)
{
    struct sidecar_cue *cues = NULL;
    int n_cues = 0;
    sidecars_build_cues(pg->tl, pg->layout, &cues, &n_cues);
    put_head(pg);
    put_header(pg);
    put_player(pg);
    sb_adds(&pg->sb, "<main>\n");
    put_chapters(pg);
    put_transcript(pg, cues, n_cues);
    sb_adds(&pg->sb, "</main>\n");
    put_footer(pg);
    sb_adds(&pg->sb, "<script>\n");
    sb_adds(&pg->sb, page_js);
    sb_adds(&pg->sb, "</script>\n</body>\n</html>\n");
    sidecars_free_cues(cues, n_cues);
}

static int write_all(const char *path, const struct strbuf *sb, struct rc_error *err)
{
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0) return -1;
    if (sb->len && fwrite(sb->data, 1, sb->len, af.fp) != sb->len) {
        int e = errno;
        atomic_abort(&af);
        return rc_fail(err, RC_IOERR, "%s: write error: %s", path, strerror(e));
    }
    return atomic_commit(&af, err);
}

int page_write(const char *stem, const struct timeline *tl, const struct sidecar_info *info,
               const struct page_clip *clips, int n_clips, struct rc_error *err)
{
    struct page pg = {.tl = tl, .clips = clips, .n_clips = clips ? n_clips : 0};
    struct strbuf path, audio;
    sb_init(&path), sb_init(&audio);
    sb_printf(&path, "%s.html", stem);
    pg.base = base_name(stem);
    if (info && info->audio_basename)
        sb_adds(&audio, info->audio_basename);
    else
        sb_printf(&audio, "%s.opus", pg.base);
    pg.audio = sb_cstr(&audio);
    pg.fallback_audio = info ? info->fallback_audio_basename : NULL;
    pg.title = info && info->title && *info->title ? info->title : pg.base;
    pg.version = info ? info->recast_version : NULL;
    pg.layout = info ? info->layout : NULL;
    pg.ep = info ? info->episode : NULL;
    struct strbuf cover;
    sb_init(&cover);
    if (pg.ep && pg.ep->cover.data && info->write_cover) {
        sb_printf(&cover, "%s.cover%s", pg.base, pg.ep->cover.ext);
        pg.cover = sb_cstr(&cover);
    }
    sb_init(&pg.sb);
    build_page(&pg);
    int rc = write_all(sb_cstr(&path), &pg.sb, err);
    sb_free(&pg.sb), sb_free(&path), sb_free(&audio), sb_free(&cover);
    return rc;
}
