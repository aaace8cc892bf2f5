/* mux.c: see mux.h. */
#include "render/mux.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/avmux.h"
#include "audio/oggmux.h"
#include "audio/transcode.h"
#include "speech/synth.h"

#define OGG_SERIAL 0x72656361u   /* "reca": fixed, so the same input gives the same bytes */
#define PREROLL_PACKETS 4        /* RFC 7845 4.2: at least 80 ms before a clip's start */

struct mux_source {
    const struct render *r;
    int loaded_job;
    struct packet_run run;
};

static int load_run(struct mux_source *src, int job, struct rc_error *err)
{
    if (src->loaded_job == job) return 0;
    packet_run_free(&src->run);
    src->loaded_job = -1;
    const struct job *j = &src->r->jobs[job];
    char *data;
    size_t len;
    int got = cache_get(&src->r->cache, j->run_key, "run", &data, &len, err);
    if (got < 0) return -1;
    if (got == 1) return rc_fail(err, RC_SOFTWARE, "turn %d: encoded run missing from the cache", j->turn);
    int rc = packet_run_deserialize(data, len, &src->run, err);
    free(data);
    if (rc != 0) return -1;
    if (src->run.n_packets != j->packets) {
        packet_run_free(&src->run);
        return rc_fail(err, RC_SOFTWARE, "turn %d: cached run has %d packets, expected %lld", j->turn,
                       src->run.n_packets, j->packets);
    }
    src->loaded_job = job;
    return 0;
}

/* Where programme packets go: the Ogg muxer, or a transcoder to another format. */
struct packet_sink {
    int (*packet)(void *ctx, const unsigned char *data, int len, struct rc_error *err);
    int (*silence)(void *ctx, int count, struct rc_error *err);
    void *ctx;
};

static int ogg_sink_packet(void *ctx, const unsigned char *data, int len, struct rc_error *err)
{
    return oggmux_write_packet(ctx, data, len, ENCODE_FRAME48, err);
}

static int ogg_sink_silence(void *ctx, int count, struct rc_error *err) { return oggmux_write_silence(ctx, count, err); }

static int transcode_sink_packet(void *ctx, const unsigned char *data, int len, struct rc_error *err)
{
    return transcode_packet(ctx, data, len, err);
}

static int transcode_sink_silence(void *ctx, int count, struct rc_error *err)
{
    return transcode_silence(ctx, count, err);
}

/* Writes programme packets [from, to) into the sink. */
static int write_packets(struct mux_source *src, const struct packet_sink *m, long long from, long long to,
                         struct rc_error *err)
{
    const struct render *r = src->r;
    for (int i = 0; i < r->n_items && from < to; i++) {
        const struct item *it = &r->items[i];
        long long a = it->first_packet, b = it->first_packet + it->packets;
        if (b <= from || a >= to) continue;
        long long lo = a > from ? a : from, hi = b < to ? b : to;
        if (it->kind == ITEM_SILENCE) {
            if (m->silence(m->ctx, (int)(hi - lo), err) != 0) return -1;
            continue;
        }
        if (load_run(src, it->job, err) != 0) return -1;
        for (long long k = lo - a; k < hi - a; k++)
            if (m->packet(m->ctx, src->run.bytes + src->run.offsets[k], src->run.sizes[k], err) != 0) return -1;
    }
    return 0;
}

/* The OpusTags comments of a file, "KEY=value" each (owned). */
struct comment_list {
    char **items;
    int n;
};

static void add_owned_comment(struct comment_list *c, char *comment)
{
    c->items = xrealloc(c->items, sizeof *c->items * (size_t)(c->n + 1));
    c->items[c->n++] = comment;
}

static void add_comment(struct comment_list *c, const char *key, const char *value)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s=%s", key, value);
    add_owned_comment(c, sb_detach(&sb));
}

static void comment_list_free(struct comment_list *c)
{
    for (int i = 0; i < c->n; i++) free(c->items[i]);
    free(c->items);
    memset(c, 0, sizeof *c);
}

/* The programme's title: the episode's, else the page's. */
static const char *programme_title(const struct render *r)
{
    return r->ep.title ? r->ep.title : r->doc.title;
}

/* Title, artists, show, date (only when given), genre, language, licence, encoder,
 * description. */
static void add_metadata(const struct render *r, int sec_first, int sec_last, struct comment_list *c)
{
    const struct episode *ep = &r->ep;
    struct strbuf sb;
    sb_init(&sb);
    if (sec_last - sec_first == r->doc.n_sections) sb_adds(&sb, programme_title(r));
    else sb_printf(&sb, "%s: %s", programme_title(r), r->doc.sections[sec_first].title);
    add_comment(c, "TITLE", sb_cstr(&sb));
    if (ep->n_persons) {
        for (int i = 0; i < ep->n_persons; i++) {
            add_comment(c, "ARTIST", ep->persons[i].name);
            sb.len = 0;
            sb_printf(&sb, "%s%s%s%s", ep->persons[i].name, ep->persons[i].role ? " (" : "",
                      ep->persons[i].role ? ep->persons[i].role : "", ep->persons[i].role ? ")" : "");
            add_comment(c, "PERFORMER", sb_cstr(&sb));
        }
    } else {
        sb.len = 0;
        for (int k = 0; k < r->doc.n_speakers; k++) sb_printf(&sb, "%s%s", sb.len ? ", " : "", r->doc.speakers[k].name);
        add_comment(c, "ARTIST", sb_cstr(&sb));
    }
    if (ep->show) add_comment(c, "ALBUM", ep->show);
    if (ep->date) add_comment(c, "DATE", ep->date);
    add_comment(c, "GENRE", "Podcast");
    add_comment(c, "LANGUAGE", ep->language ? ep->language : r->doc.lang == DOC_LANG_EN ? "en" : "zh");
    if (ep->licence) add_comment(c, "LICENSE", ep->licence);
    if (ep->url) add_comment(c, "CONTACT", ep->url);
    sb.len = 0;
    sb_printf(&sb, "recast %s (espeak-ng %s)", RECAST_VERSION, r->espeak_version);
    add_comment(c, "ENCODER", sb_cstr(&sb));
    sb.len = 0;
    const char *base = strrchr(r->o->transcript, '/');
    sb_printf(&sb, "Rebuilt by recast from %s (sha256 %.16s) with espeak-ng voices: ", base ? base + 1 : r->o->transcript,
              r->input_sha256);
    for (int k = 0; k < r->doc.n_speakers; k++) {
        const struct voice_profile *p = &r->vs.profiles[r->doc.speakers[k].profile];
        sb_printf(&sb, "%s%s %s+%s", k ? ", " : "", r->doc.speakers[k].name,
                  r->doc.lang == DOC_LANG_EN ? p->english_voice : p->mandarin_voice, p->variant);
    }
    sb_printf(&sb, ". Loudness %.1f LUFS, every turn levelled to it.", r->o->loudness_lufs);
    /* the episode's description first; how it was made (synthetic voices) always follows
     * (one field: ffmpeg shows DESCRIPTION and COMMENT as the same "comment" tag) */
    if (ep->description) {
        struct strbuf d;
        sb_init(&d);
        sb_printf(&d, "%s\n\n%s", ep->description, sb_cstr(&sb));
        add_comment(c, "DESCRIPTION", sb_cstr(&d));
        sb_free(&d);
    } else {
        add_comment(c, "DESCRIPTION", sb_cstr(&sb));
    }
    sb_free(&sb);
}

/* The cover as METADATA_BLOCK_PICTURE (last: it is by far the longest comment). */
static int add_cover(const struct render *r, struct comment_list *c, struct rc_error *err)
{
    const struct episode_cover *cv = &r->ep.cover;
    if (!cv->data) return 0;
    char *pic;
    if (oggmux_picture_comment(cv->mime, "cover", cv->width, cv->height, cv->depth, cv->data, cv->len, &pic, err) != 0)
        return -1;
    add_owned_comment(c, pic);
    return 0;
}

/* CHAPTERnnn and CHAPTERnnnNAME, one pair per section of the timeline. */
static int add_chapters(const struct render *r, const struct timeline *tl, struct comment_list *c,
                        struct rc_error *err)
{
    for (int s = 0; s < tl->n_sections; s++) {
        char *tc, *nc;
        const char *title = tl->sections[s].title[0] ? tl->sections[s].title : programme_title(r);
        if (oggmux_chapter_comments(s, tl->sections[s].start48, title, &tc, &nc, err) != 0) return -1;
        add_owned_comment(c, tc);
        add_owned_comment(c, nc);
    }
    return 0;
}

/* An error about the file that does not say which file gets its path in front. */
static void name_the_file(const char *path, struct rc_error *err)
{
    if (strncmp(err->msg, path, strlen(path)) == 0) return;
    char why[900];
    memcpy(why, err->msg, sizeof why - 1);
    why[sizeof why - 1] = '\0';
    rc_fail(err, err->code, "%s: %s", path, why);
}

/* The header, then packets [from - preroll, to) of the programme, into path through a
 * temporary file; the decoded length is that of [from, to). */
static int write_file(const struct render *r, const char *path, const struct oggmux_header *h, long long from,
                      long long to, int preroll, struct rc_error *err)
{
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0) return -1;
    struct oggmux *m = oggmux_open(af.fp, h, err);
    struct mux_source src = {r, -1, {0}};
    struct packet_sink sink = {ogg_sink_packet, ogg_sink_silence, m};
    int rc = m ? 0 : -1;
    if (rc == 0) rc = write_packets(&src, &sink, from - preroll, to, err);
    if (rc == 0) rc = oggmux_finish(m, (to - from) * ENCODE_FRAME48, err);
    oggmux_free(m);
    packet_run_free(&src.run);
    if (rc == 0) rc = atomic_commit(&af, err);
    else atomic_abort(&af);
    return rc;
}

/* The packets of sections [sec_first, sec_last) and what every container of them needs:
 * the pre-roll before `from` (RFC 7845 4.2, less at the programme's start) and the encoder's
 * silence packet (a pause). */
struct span {
    long long from, to;
    int preroll;
    unsigned char silence[ENCODE_MAX_PACKET];
    int silence_len;
};

static int span_of(const struct render *r, int sec_first, int sec_last, struct span *sp, struct rc_error *err)
{
    sp->from = r->section_start_packet[sec_first], sp->to = r->section_start_packet[sec_last];
    sp->preroll = sp->from >= PREROLL_PACKETS ? PREROLL_PACKETS : (int)sp->from;
    sp->silence_len = 0;
    return encode_silence_packet(&r->enc, sp->silence, &sp->silence_len, err);
}

int mux_write_opus(const struct render *r, const char *path, int sec_first, int sec_last, const struct timeline *tl,
                   struct rc_error *err)
{
    struct span sp;
    if (span_of(r, sec_first, sec_last, &sp, err) != 0) return -1;
    struct comment_list comments = {0};
    add_metadata(r, sec_first, sec_last, &comments);
    if (add_chapters(r, tl, &comments, err) != 0 || add_cover(r, &comments, err) != 0) {
        comment_list_free(&comments);
        return -1;
    }
    struct oggmux_header h = {.serial = OGG_SERIAL,
                              .preskip48 = oggmux_preskip48(r->lookahead24, sp.preroll),
                              .input_rate = SYNTH_RATE,
                              .output_gain_q8 = (int)lround(r->header_gain_db * 256),
                              .vendor = NULL,
                              .comments = (const char *const *)comments.items,
                              .n_comments = comments.n,
                              .silence = sp.silence,
                              .silence_len = sp.silence_len};
    int rc = write_file(r, path, &h, sp.from, sp.to, sp.preroll, err);
    if (rc != 0) name_the_file(path, err);
    comment_list_free(&comments);
    return rc;
}

/* ---- the other formats ---- */

static const char *const format_extension[RENDER_N_FORMATS] = {"opus", "m4a", "mp3"};
static const char *const format_mime[RENDER_N_FORMATS] = {"audio/ogg", "audio/mp4", "audio/mpeg"};
static const char *const format_codecs[RENDER_N_FORMATS] = {"opus", "mp4a.40.2", "mp3"};
static const char *const format_title[RENDER_N_FORMATS] = {"Opus", "AAC", "MP3"};

const char *mux_format_extension(enum render_format f) { return format_extension[f]; }
const char *mux_format_mime(enum render_format f) { return format_mime[f]; }
const char *mux_format_codecs(enum render_format f) { return format_codecs[f]; }
const char *mux_format_title(enum render_format f) { return format_title[f]; }

int mux_comments(const struct render *r, int sec_first, int sec_last, const struct timeline *tl, char ***comments,
                 int *n, struct rc_error *err)
{
    struct comment_list c = {0};
    add_metadata(r, sec_first, sec_last, &c);
    if (add_chapters(r, tl, &c, err) != 0) {
        comment_list_free(&c);
        return -1;
    }
    *comments = c.items, *n = c.n;
    return 0;
}

void mux_comments_free(char **comments, int n)
{
    struct comment_list c = {comments, n};
    comment_list_free(&c);
}

/* Tags for the other formats from the Opus comments: the same fields under FFmpeg's
 * generic keys (TITLE -> title ...; DESCRIPTION also as comment; a repeated key's values
 * joined by ", ").  Chapters go apart, pictures as the cover.  Keys and values are owned
 * (free_tags). */
static struct avmux_tag *tags_from_comments(const struct comment_list *c, int *n_tags)
{
    struct avmux_tag *tags = xcalloc((size_t)(2 * c->n + 1), sizeof *tags);
    *n_tags = 0;
    for (int i = 0; i < c->n; i++) {
        const char *comment = c->items[i], *eq = strchr(comment, '=');
        if (!eq || strncmp(comment, "CHAPTER", 7) == 0 || strncmp(comment, "METADATA_BLOCK_PICTURE=", 23) == 0)
            continue;
        char *key = xstrndup(comment, (size_t)(eq - comment));
        for (char *k = key; *k; k++) *k = (char)(*k >= 'A' && *k <= 'Z' ? *k - 'A' + 'a' : *k);
        int seen = -1;
        for (int k = 0; k < *n_tags && seen < 0; k++)
            if (strcmp(tags[k].key, key) == 0) seen = k;
        if (seen >= 0) {
            struct strbuf joined;
            sb_init(&joined);
            sb_printf(&joined, "%s, %s", tags[seen].value, eq + 1);
            free((char *)tags[seen].value);
            tags[seen].value = sb_detach(&joined);
            free(key);
            continue;
        }
        tags[(*n_tags)++] = (struct avmux_tag){key, xstrdup(eq + 1)};
        if (strcmp(key, "description") == 0) tags[(*n_tags)++] = (struct avmux_tag){xstrdup("comment"), xstrdup(eq + 1)};
    }
    return tags;
}

static void free_tags(struct avmux_tag *tags, int n)
{
    for (int i = 0; i < n; i++) free((char *)tags[i].key), free((char *)tags[i].value);
    free(tags);
}

int mux_write_other(const struct render *r, enum render_format fmt, FILE *fp, const char *tmp_path, const char *path,
                    int sec_first, int sec_last, const struct timeline *tl, struct rc_error *err)
{
    struct span sp;
    if (span_of(r, sec_first, sec_last, &sp, err) != 0) return -1;
    struct comment_list comments = {0};
    add_metadata(r, sec_first, sec_last, &comments);
    struct avmux_settings s;
    avmux_settings_default(&s, fmt == RENDER_MP3 ? AVMUX_MP3 : AVMUX_M4A);
    int bitrate = fmt == RENDER_MP3 ? r->o->mp3_bitrate_bps : r->o->m4a_bitrate_bps;
    if (bitrate) s.bitrate_bps = bitrate;
    s.tags = tags_from_comments(&comments, &s.n_tags);
    struct avmux_chapter *chapters = xcalloc((size_t)tl->n_sections + 1, sizeof *chapters);
    for (int i = 0; i < tl->n_sections; i++)
        chapters[i] = (struct avmux_chapter){tl->sections[i].start48, tl->sections[i].end48,
                                             tl->sections[i].title[0] ? tl->sections[i].title : programme_title(r)};
    s.chapters = chapters, s.n_chapters = tl->n_sections;
    s.cover = r->ep.cover.data, s.cover_len = r->ep.cover.len; /* as the Opus file's METADATA_BLOCK_PICTURE */
    /* the same stream as the Ogg Opus file's: its pre-skip, output gain and length */
    struct transcode_stream st = {.preskip48 = oggmux_preskip48(r->lookahead24, sp.preroll),
                                  .output_gain_q8 = (int)lround(r->header_gain_db * 256),
                                  .total48 = (sp.to - sp.from) * ENCODE_FRAME48,
                                  .silence = sp.silence,
                                  .silence_len = sp.silence_len};
    struct transcode *t = transcode_open(fp, tmp_path, &st, &s, err);
    struct mux_source src = {r, -1, {0}};
    struct packet_sink sink = {transcode_sink_packet, transcode_sink_silence, t};
    int rc = t ? 0 : -1;
    if (rc == 0) rc = write_packets(&src, &sink, sp.from - sp.preroll, sp.to, err);
    if (rc == 0) rc = transcode_finish(t, err);
    transcode_free(t);
    packet_run_free(&src.run);
    if (rc != 0) name_the_file(path, err);
    free(chapters);
    free_tags((struct avmux_tag *)s.tags, s.n_tags);
    comment_list_free(&comments);
    return rc;
}
