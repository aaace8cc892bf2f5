/* oggmux.c: see oggmux.h. */
#include "audio/oggmux.h"

#include <nettle/base64.h>

#include <errno.h>
#include <ogg/ogg.h>
#include <opus.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX_AUDIO48 48000 /* cut a page once 1 s of audio is waiting */

struct oggmux {
    FILE *fp;
    ogg_stream_state os;
    int preskip48;
    unsigned char *silence;
    int silence_len;
    /* The newest packet is held back until the next one arrives, so that
     * oggmux_finish() can give it the end-of-stream flag and final granule. */
    unsigned char *held;
    int held_len, held_cap, held_samples48;
    long long written48;   /* samples48 of every packet accepted, held one included */
    long long submitted48; /* granule position of the last packet given to libogg */
    long long paged48;     /* granule position of the last page written */
    ogg_int64_t packetno;
    long long n_audio; /* audio packets accepted */
    int finished, failed;
};

int oggmux_preskip48(int lookahead24, int preroll_packets)
{
    return 2 * lookahead24 + ENCODE_FRAME48 * preroll_packets;
}

static void put_le32(struct strbuf *sb, uint32_t v)
{
    char b[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
                 (char)((v >> 24) & 0xff)};
    sb_add(sb, b, 4);
}

static int write_page(struct oggmux *m, const ogg_page *og, struct rc_error *err)
{
    if (fwrite(og->header, 1, (size_t)og->header_len, m->fp) != (size_t)og->header_len ||
        fwrite(og->body, 1, (size_t)og->body_len, m->fp) != (size_t)og->body_len) {
        m->failed = 1;
        return rc_fail(err, RC_IOERR, "Ogg Opus output: write error: %s", strerror(errno));
    }
    ogg_int64_t g = ogg_page_granulepos(og);
    if (g >= 0) m->paged48 = g;
    return 0;
}

/* Writes out every page libogg holds (flush) or every full page (pageout). */
static int drain(struct oggmux *m, int flush, struct rc_error *err)
{
    ogg_page og;
    while (flush ? ogg_stream_flush(&m->os, &og) : ogg_stream_pageout(&m->os, &og))
        if (write_page(m, &og, err) != 0) return -1;
    if (ogg_stream_check(&m->os) != 0) {
        m->failed = 1;
        return rc_fail(err, RC_SOFTWARE, "libogg stream error");
    }
    return 0;
}

static int submit(struct oggmux *m, unsigned char *data, long len, long long granule, int bos, int eos,
                  struct rc_error *err)
{
    ogg_packet op;
    memset(&op, 0, sizeof op);
    op.packet = data;
    op.bytes = len;
    op.b_o_s = bos;
    op.e_o_s = eos;
    op.granulepos = granule;
    op.packetno = m->packetno++;
    if (ogg_stream_packetin(&m->os, &op) != 0) {
        m->failed = 1;
        return rc_fail(err, RC_SOFTWARE, "libogg refused a packet");
    }
    m->submitted48 = granule;
    int flush = eos || m->submitted48 - m->paged48 >= PAGE_MAX_AUDIO48;
    if (drain(m, 0, err) != 0) return -1;
    if (flush || m->submitted48 - m->paged48 >= PAGE_MAX_AUDIO48) return drain(m, 1, err);
    return 0;
}

static int comment_ok(const char *c)
{
    const char *eq = c ? strchr(c, '=') : NULL;
    if (!eq || eq == c) return 0;
    for (const char *p = c; p < eq; p++)
        if (*p < 0x20 || *p > 0x7d) return 0;
    return 1;
}

struct oggmux *oggmux_open(FILE *fp, const struct oggmux_header *h, struct rc_error *err)
{
    if (!fp || !h) return rc_fail(err, RC_SOFTWARE, "oggmux_open: no output"), NULL;
    if (h->preskip48 < 0 || h->preskip48 > 65535) {
        rc_fail(err, RC_SOFTWARE,
                "Ogg Opus pre-skip %d is out of range (0..65535 samples at 48 kHz;"
                " use fewer pre-roll packets)",
                h->preskip48);
        return NULL;
    }
    if (h->output_gain_q8 < -32768 || h->output_gain_q8 > 32767) {
        rc_fail(err, RC_SOFTWARE, "Ogg Opus output gain %d is out of range", h->output_gain_q8);
        return NULL;
    }
    if (!h->silence || h->silence_len < 1 || h->silence_len > ENCODE_MAX_PACKET ||
        opus_packet_get_nb_samples(h->silence, h->silence_len, 48000) != ENCODE_FRAME48) {
        rc_fail(err, RC_SOFTWARE, "oggmux_open: the silence packet is not a 20 ms Opus packet");
        return NULL;
    }
    if (h->n_comments < 0 || (h->n_comments > 0 && !h->comments)) {
        rc_fail(err, RC_SOFTWARE, "oggmux_open: bad comment list");
        return NULL;
    }
    for (int i = 0; i < h->n_comments; i++)
        if (!comment_ok(h->comments[i])) {
            rc_fail(err, RC_SOFTWARE, "Ogg Opus comment %d (\"%s\") is not KEY=value", i,
                    h->comments[i] ? h->comments[i] : "(null)");
            return NULL;
        }

    struct oggmux *m = xcalloc(1, sizeof *m);
    m->fp = fp;
    m->preskip48 = h->preskip48;
    m->silence = xmalloc((size_t)h->silence_len);
    memcpy(m->silence, h->silence, (size_t)h->silence_len);
    m->silence_len = h->silence_len;
    if (ogg_stream_init(&m->os, (int)h->serial) != 0) {
        rc_fail(err, RC_SOFTWARE, "libogg: cannot initialise a stream");
        free(m->silence), free(m);
        return NULL;
    }

    /* OpusHead (RFC 7845 5.1): mono, mapping family 0. */
    unsigned char head[19];
    memcpy(head, "OpusHead", 8);
    head[8] = 1;
    head[9] = 1;
    head[10] = (unsigned char)(h->preskip48 & 0xff);
    head[11] = (unsigned char)(h->preskip48 >> 8);
    for (int i = 0; i < 4; i++)
        head[12 + i] = (unsigned char)(h->input_rate >> (8 * i));
    head[16] = (unsigned char)((unsigned)h->output_gain_q8 & 0xff);
    head[17] = (unsigned char)(((unsigned)h->output_gain_q8 >> 8) & 0xff);
    head[18] = 0;

    /* OpusTags (RFC 7845 5.2). */
    struct strbuf tags;
    sb_init(&tags);
    const char *vendor = h->vendor ? h->vendor : opus_get_version_string();
    sb_add(&tags, "OpusTags", 8);
    put_le32(&tags, (uint32_t)strlen(vendor));
    sb_adds(&tags, vendor);
    put_le32(&tags, (uint32_t)h->n_comments);
    for (int i = 0; i < h->n_comments; i++) {
        put_le32(&tags, (uint32_t)strlen(h->comments[i]));
        sb_adds(&tags, h->comments[i]);
    }

    /* Each header ends its page (flush), as RFC 7845 3 requires. */
    if (submit(m, head, sizeof head, 0, 1, 0, err) != 0 || drain(m, 1, err) != 0 ||
        submit(m, (unsigned char *)tags.data, (long)tags.len, 0, 0, 0, err) != 0 || drain(m, 1, err) != 0) {
        sb_free(&tags);
        oggmux_free(m);
        return NULL;
    }
    sb_free(&tags);
    m->submitted48 = m->paged48 = 0;
    return m;
}

static int usable(struct oggmux *m, struct rc_error *err)
{
    if (!m) return rc_fail(err, RC_SOFTWARE, "oggmux: no muxer");
    if (m->failed) return rc_fail(err, RC_SOFTWARE, "oggmux: used after an error");
    if (m->finished) return rc_fail(err, RC_SOFTWARE, "oggmux: used after finish");
    return 0;
}

int oggmux_write_packet(struct oggmux *m, const unsigned char *data, int len, int samples48,
                        struct rc_error *err)
{
    if (usable(m, err) != 0) return -1;
    int n = data && len > 0 ? opus_packet_get_nb_samples(data, len, 48000) : OPUS_BAD_ARG;
    if (n <= 0 || n != samples48)
        return rc_fail(err, RC_SOFTWARE,
                       "oggmux: packet %lld (%d bytes) lasts %d samples at 48 kHz, caller said %d",
                       m->n_audio, len, n, samples48);
    if (m->held_len > 0 && submit(m, m->held, m->held_len, m->written48, 0, 0, err) != 0) return -1;
    if (len > m->held_cap) {
        m->held = xrealloc(m->held, (size_t)len);
        m->held_cap = len;
    }
    memcpy(m->held, data, (size_t)len);
    m->held_len = len;
    m->held_samples48 = samples48;
    m->written48 += samples48;
    m->n_audio++;
    return 0;
}

int oggmux_write_silence(struct oggmux *m, int count, struct rc_error *err)
{
    if (count < 0) return rc_fail(err, RC_SOFTWARE, "oggmux: negative silence count %d", count);
    for (int i = 0; i < count; i++)
        if (oggmux_write_packet(m, m->silence, m->silence_len, ENCODE_FRAME48, err) != 0) return -1;
    return 0;
}

int oggmux_write_run(struct oggmux *m, const struct packet_run *r, struct rc_error *err)
{
    for (int i = 0; i < r->n_packets; i++)
        if (oggmux_write_packet(m, r->bytes + r->offsets[i], r->sizes[i], r->frame_samples48, err) != 0)
            return -1;
    return 0;
}

long long oggmux_written48(const struct oggmux *m)
{
    return m->written48;
}

int oggmux_finish(struct oggmux *m, long long total_length48, struct rc_error *err)
{
    if (usable(m, err) != 0) return -1;
    if (total_length48 <= 0)
        return rc_fail(err, RC_SOFTWARE, "oggmux: planned length %lld must be positive", total_length48);
    long long avail = m->written48 - m->preskip48;
    if (total_length48 > m->written48)
        return rc_fail(err, RC_SOFTWARE,
                       "oggmux: planned length %lld is longer than the %lld samples (48 kHz)"
                       " of packets written",
                       total_length48, m->written48);
    if (total_length48 > avail) {
        long long k = (total_length48 - avail + ENCODE_FRAME48 - 1) / ENCODE_FRAME48;
        if (oggmux_write_silence(m, (int)k, err) != 0) return -1;
        avail = m->written48 - m->preskip48;
    }
    long long trim = avail - total_length48;
    if (trim >= m->held_samples48)
        return rc_fail(err, RC_SOFTWARE,
                       "oggmux: planned length %lld ends %lld samples (48 kHz) before the packets"
                       " written; drop whole packets instead of trimming more than one",
                       total_length48, trim);
    if (submit(m, m->held, m->held_len, m->preskip48 + total_length48, 0, 1, err) != 0 ||
        drain(m, 1, err) != 0)
        return -1;
    m->finished = 1;
    if (fflush(m->fp) != 0 || ferror(m->fp))
        return rc_fail(err, RC_IOERR, "Ogg Opus output: write error: %s", strerror(errno));
    return 0;
}

void oggmux_free(struct oggmux *m)
{
    if (!m) return;
    ogg_stream_clear(&m->os);
    free(m->silence);
    free(m->held);
    free(m);
}

int oggmux_chapter_comments(int index, long long start48, const char *title, char **time_comment,
                            char **name_comment, struct rc_error *err)
{
    *time_comment = *name_comment = NULL;
    if (index < 0 || index > 999)
        return rc_fail(err, RC_SOFTWARE, "chapter number %d is out of range (0..999)", index);
    if (start48 < 0) return rc_fail(err, RC_SOFTWARE, "chapter %d starts at a negative time", index);
    long long ms = (start48 + 24) / 48;
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "CHAPTER%03d=%02lld:%02lld:%02lld.%03lld", index, ms / 3600000, ms / 60000 % 60,
              ms / 1000 % 60, ms % 1000);
    *time_comment = sb_detach(&sb);
    sb_printf(&sb, "CHAPTER%03dNAME=", index);
    for (const char *p = title ? title : ""; *p; p++)
        sb_addc(&sb, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
    *name_comment = sb_detach(&sb);
    return 0;
}

static void put_be32(struct strbuf *sb, uint32_t v)
{
    char b[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    sb_add(sb, b, 4);
}

int oggmux_picture_comment(const char *mime, const char *description, int width, int height, int depth,
                           const unsigned char *data, size_t len, char **comment, struct rc_error *err)
{
    *comment = NULL;
    if (!data || !len || len >= (1u << 24) - 64 || !mime)
        return rc_fail(err, RC_SOFTWARE, "cover picture: empty, or over 16 MiB (make it smaller)");
    if (!description) description = "";
    struct strbuf block;
    sb_init(&block);
    put_be32(&block, 3); /* front cover */
    put_be32(&block, (uint32_t)strlen(mime));
    sb_adds(&block, mime);
    put_be32(&block, (uint32_t)strlen(description));
    sb_adds(&block, description);
    put_be32(&block, (uint32_t)(width > 0 ? width : 0));
    put_be32(&block, (uint32_t)(height > 0 ? height : 0));
    put_be32(&block, (uint32_t)(depth > 0 ? depth : 0));
    put_be32(&block, 0); /* not an indexed-colour picture */
    put_be32(&block, (uint32_t)len);
    sb_add(&block, (const char *)data, len);
    static const char key[] = "METADATA_BLOCK_PICTURE=";
    size_t n = BASE64_ENCODE_RAW_LENGTH(block.len);
    char *out = xmalloc(sizeof key - 1 + n + 1);
    memcpy(out, key, sizeof key - 1);
    base64_encode_raw(out + sizeof key - 1, block.len, (const uint8_t *)block.data);
    out[sizeof key - 1 + n] = '\0';
    sb_free(&block);
    *comment = out;
    return 0;
}
