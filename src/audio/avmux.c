/* avmux.c: see avmux.h. */
#include "audio/avmux.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <stdint.h>
#include <string.h>

#define IO_BUFFER_BYTES 65536

struct avmux {
    FILE *fp;
    char *path;
    enum avmux_format format;
    AVFormatContext *fmt;
    AVIOContext *io;
    AVCodecContext *enc;
    AVStream *audio;
    SwrContext *swr;
    AVFrame *frame;
    AVPacket *pkt;
    float *pending; /* one frame of input not yet encoded */
    int n_pending;
    long long written; /* samples given to avmux_write */
    long long sent;    /* samples sent to the encoder (pts of the next frame) */
    int io_error;      /* errno of a failed write or seek */
};

void avmux_settings_default(struct avmux_settings *s, enum avmux_format f)
{
    memset(s, 0, sizeof *s);
    s->format = f;
    s->bitrate_bps = 64000;
    s->lowpass_hz = 12000;
}

const char *avmux_extension(enum avmux_format f) { return f == AVMUX_M4A ? "m4a" : "mp3"; }

const char *avmux_mime_type(enum avmux_format f) { return f == AVMUX_M4A ? "audio/mp4" : "audio/mpeg"; }

int avmux_frame_samples(enum avmux_format f) { return f == AVMUX_M4A ? 1024 : 1152; }

static int av_fail(struct rc_error *err, int code, const char *path, const char *what, int averr)
{
    char msg[AV_ERROR_MAX_STRING_SIZE] = "";
    av_strerror(averr, msg, sizeof msg);
    return rc_fail(err, code, "%s: %s: %s", path, what, msg);
}

/* ---- output through the caller's FILE ---- */

static int io_write(void *opaque, uint8_t *buf, int size)
{
    struct avmux *m = opaque;
    if (size > 0 && fwrite(buf, 1, (size_t)size, m->fp) != (size_t)size) {
        m->io_error = errno ? errno : EIO;
        return AVERROR(m->io_error);
    }
    return size;
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    struct avmux *m = opaque;
    if (whence & AVSEEK_SIZE) {
        off_t here = ftello(m->fp);
        if (here < 0 || fseeko(m->fp, 0, SEEK_END) != 0) return AVERROR(errno);
        off_t size = ftello(m->fp);
        if (fseeko(m->fp, here, SEEK_SET) != 0) return AVERROR(errno);
        return size;
    }
    whence &= ~AVSEEK_FORCE;
    if (fseeko(m->fp, (off_t)offset, whence) != 0) {
        m->io_error = errno ? errno : EIO;
        return AVERROR(m->io_error);
    }
    return ftello(m->fp);
}

/* ---- cover art ---- */

/* Decodes the image (which checks it) to learn its size; *codec_id: PNG or MJPEG. */
static int probe_cover(const unsigned char *data, size_t len, const char *path, enum AVCodecID *codec_id, int *width,
                       int *height, struct rc_error *err)
{
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (len >= 8 && memcmp(data, png_magic, 8) == 0) *codec_id = AV_CODEC_ID_PNG;
    else if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) *codec_id = AV_CODEC_ID_MJPEG;
    else return rc_fail(err, RC_DATAERR, "%s: the cover image is neither PNG nor JPEG", path);
    if (len > INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE)
        return rc_fail(err, RC_DATAERR, "%s: the cover image is too large", path);
    const AVCodec *dec = avcodec_find_decoder(*codec_id);
    AVCodecContext *ctx = dec ? avcodec_alloc_context3(dec) : NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int rc = -1, ret = AVERROR(ENOMEM);
    if (ctx && pkt && frame && (ret = avcodec_open2(ctx, dec, NULL)) >= 0 &&
        (ret = av_new_packet(pkt, (int)len)) >= 0) {
        memcpy(pkt->data, data, len);
        ret = avcodec_send_packet(ctx, pkt);
        if (ret >= 0) ret = avcodec_send_packet(ctx, NULL);
        if (ret >= 0 || ret == AVERROR_EOF) ret = avcodec_receive_frame(ctx, frame);
        if (ret >= 0 && frame->width > 0 && frame->height > 0) {
            *width = frame->width, *height = frame->height;
            rc = 0;
        }
    }
    if (rc != 0) {
        if (!dec) rc_fail(err, RC_SOFTWARE, "%s: FFmpeg has no %s decoder", path, avcodec_get_name(*codec_id));
        else av_fail(err, RC_DATAERR, path, "the cover image does not decode", ret < 0 ? ret : AVERROR_INVALIDDATA);
    }
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    return rc;
}

/* ---- setup ---- */

static int check_settings(const struct avmux_settings *s, const char *path, struct rc_error *err)
{
    if (s->format != AVMUX_M4A && s->format != AVMUX_MP3)
        return rc_fail(err, RC_SOFTWARE, "%s: unknown format %d", path, (int)s->format);
    if (s->bitrate_bps < 16000 || s->bitrate_bps > 320000)
        return rc_fail(err, RC_USAGE, "%s: bit rate %d: must be 16000 to 320000 bit/s", path, s->bitrate_bps);
    if (s->lowpass_hz < 4000 || s->lowpass_hz > 20000)
        return rc_fail(err, RC_USAGE, "%s: low-pass %d Hz: must be 4000 to 20000", path, s->lowpass_hz);
    for (int i = 0; i < s->n_chapters; i++) {
        const struct avmux_chapter *c = &s->chapters[i];
        if (c->start48 < 0 || c->end48 <= c->start48 || (i > 0 && c->start48 < s->chapters[i - 1].start48))
            return rc_fail(err, RC_SOFTWARE, "%s: chapter %d spans %lld..%lld samples48 (out of order or empty)",
                           path, i, c->start48, c->end48);
    }
    for (int i = 0; i < s->n_tags; i++)
        if (!s->tags[i].key || !s->tags[i].key[0] || !s->tags[i].value)
            return rc_fail(err, RC_SOFTWARE, "%s: tag %d has no key or value", path, i);
    return 0;
}

static int open_encoder(struct avmux *m, const struct avmux_settings *s, struct rc_error *err)
{
    const AVCodec *codec = s->format == AVMUX_M4A ? avcodec_find_encoder(AV_CODEC_ID_AAC)
                                                  : avcodec_find_encoder_by_name("libmp3lame");
    if (!codec)
        return rc_fail(err, RC_SOFTWARE, "%s: FFmpeg's libavcodec has no %s encoder (install Debian's libavcodec59)",
                       m->path, s->format == AVMUX_M4A ? "AAC" : "libmp3lame");
    m->enc = avcodec_alloc_context3(codec);
    if (!m->enc) return rc_fail(err, RC_SOFTWARE, "%s: out of memory", m->path);
    AVCodecContext *c = m->enc;
    c->sample_rate = AVMUX_RATE;
    av_channel_layout_default(&c->ch_layout, 1);
    c->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    c->time_base = (AVRational){1, AVMUX_RATE};
    c->cutoff = s->lowpass_hz;
    c->flags |= AV_CODEC_FLAG_BITEXACT;
    if (s->format == AVMUX_M4A) {
        c->profile = FF_PROFILE_AAC_LOW;
        c->bit_rate = s->bitrate_bps;
    } else {
        /* LAME's CBR and ABR modes lose 0.4 dB of level on speech at any bit rate (measured:
         * -19.2 LUFS in, -19.6 out at 64 and 128 kbit/s); VBR keeps it. */
        int quality = s->bitrate_bps >= 96000 ? 2 : s->bitrate_bps >= 64000 ? 5 : 7;
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = FF_QP2LAMBDA * quality;
    }
    if (m->fmt->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int ret = avcodec_open2(c, codec, NULL);
    if (ret < 0) return av_fail(err, RC_SOFTWARE, m->path, "cannot open the encoder", ret);
    ret = swr_alloc_set_opts2(&m->swr, &c->ch_layout, c->sample_fmt, AVMUX_RATE, &c->ch_layout, AV_SAMPLE_FMT_FLT,
                              AVMUX_RATE, 0, NULL);
    if (ret >= 0) ret = swr_init(m->swr);
    if (ret < 0) return av_fail(err, RC_SOFTWARE, m->path, "cannot set up sample conversion", ret);
    m->frame = av_frame_alloc();
    m->pkt = av_packet_alloc();
    if (!m->frame || !m->pkt) return rc_fail(err, RC_SOFTWARE, "%s: out of memory", m->path);
    int frame_size = c->frame_size > 0 ? c->frame_size : avmux_frame_samples(s->format);
    m->pending = xcalloc((size_t)frame_size, sizeof *m->pending);
    return 0;
}

static int add_chapters(struct avmux *m, const struct avmux_settings *s, struct rc_error *err)
{
    for (int i = 0; i < s->n_chapters; i++) {
        AVChapter *ch = av_mallocz(sizeof *ch);
        if (!ch) return rc_fail(err, RC_SOFTWARE, "%s: out of memory", m->path);
        ch->id = i + 1;
        ch->time_base = (AVRational){1, AVMUX_RATE};
        ch->start = s->chapters[i].start48;
        ch->end = s->chapters[i].end48;
        if (av_dynarray_add_nofree(&m->fmt->chapters, (int *)&m->fmt->nb_chapters, ch) < 0) {
            av_free(ch);
            return rc_fail(err, RC_SOFTWARE, "%s: out of memory", m->path);
        }
        av_dict_set(&ch->metadata, "title", s->chapters[i].title ? s->chapters[i].title : "", 0);
    }
    return 0;
}

static int write_cover(struct avmux *m, AVStream *st, const struct avmux_settings *s, struct rc_error *err)
{
    AVPacket *pic = av_packet_alloc();
    int ret = pic ? av_new_packet(pic, (int)s->cover_len) : AVERROR(ENOMEM);
    if (ret >= 0) {
        memcpy(pic->data, s->cover, s->cover_len);
        pic->stream_index = st->index;
        pic->flags |= AV_PKT_FLAG_KEY;
        pic->pts = pic->dts = 0;
        ret = av_write_frame(m->fmt, pic);
    }
    av_packet_free(&pic);
    if (ret < 0) return av_fail(err, m->io_error ? RC_IOERR : RC_SOFTWARE, m->path, "cannot write the cover", ret);
    return 0;
}

struct avmux *avmux_open(FILE *fp, const char *path, const struct avmux_settings *s, struct rc_error *err)
{
    if (check_settings(s, path, err) != 0) return NULL;
    if (av_log_get_level() > AV_LOG_ERROR) av_log_set_level(AV_LOG_ERROR); /* our errors say it all */
    struct avmux *m = xcalloc(1, sizeof *m);
    m->fp = fp;
    m->path = xstrdup(path);
    m->format = s->format;
    setvbuf(fp, NULL, _IONBF, 0); /* libavformat buffers; the faststart pass re-reads the file */
    enum AVCodecID cover_codec = AV_CODEC_ID_NONE;
    int cover_w = 0, cover_h = 0;
    if (s->cover && probe_cover(s->cover, s->cover_len, path, &cover_codec, &cover_w, &cover_h, err) != 0) goto fail;

    int ret = avformat_alloc_output_context2(&m->fmt, NULL, s->format == AVMUX_M4A ? "ipod" : "mp3", path);
    if (ret < 0 || !m->fmt) {
        av_fail(err, RC_SOFTWARE, path, "FFmpeg's libavformat lacks the muxer", ret < 0 ? ret : AVERROR_MUXER_NOT_FOUND);
        goto fail;
    }
    m->fmt->flags |= AVFMT_FLAG_BITEXACT;
    unsigned char *iobuf = av_malloc(IO_BUFFER_BYTES);
    m->io = iobuf ? avio_alloc_context(iobuf, IO_BUFFER_BYTES, 1, m, NULL, io_write, io_seek) : NULL;
    if (!m->io) {
        av_free(iobuf);
        rc_fail(err, RC_SOFTWARE, "%s: out of memory", path);
        goto fail;
    }
    m->io->seekable = AVIO_SEEKABLE_NORMAL;
    m->fmt->pb = m->io;
    m->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;

    if (open_encoder(m, s, err) != 0) goto fail;
    m->audio = avformat_new_stream(m->fmt, NULL);
    if (!m->audio) {
        rc_fail(err, RC_SOFTWARE, "%s: out of memory", path);
        goto fail;
    }
    m->audio->time_base = (AVRational){1, AVMUX_RATE};
    ret = avcodec_parameters_from_context(m->audio->codecpar, m->enc);
    if (ret < 0) {
        av_fail(err, RC_SOFTWARE, path, "encoder parameters", ret);
        goto fail;
    }
    AVStream *pic_st = NULL;
    if (s->cover) {
        pic_st = avformat_new_stream(m->fmt, NULL);
        if (!pic_st) {
            rc_fail(err, RC_SOFTWARE, "%s: out of memory", path);
            goto fail;
        }
        pic_st->disposition = AV_DISPOSITION_ATTACHED_PIC;
        pic_st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
        pic_st->codecpar->codec_id = cover_codec;
        pic_st->codecpar->width = cover_w;
        pic_st->codecpar->height = cover_h;
        pic_st->time_base = (AVRational){1, 90000};
        av_dict_set(&pic_st->metadata, "title", "Cover", 0);
        av_dict_set(&pic_st->metadata, "comment", "Cover (front)", 0);
    }
    for (int i = 0; i < s->n_tags; i++) av_dict_set(&m->fmt->metadata, s->tags[i].key, s->tags[i].value, 0);
    if (add_chapters(m, s, err) != 0) goto fail;

    AVDictionary *opts = NULL;
    if (s->format == AVMUX_M4A) av_dict_set(&opts, "movflags", "+faststart", 0);
    else av_dict_set(&opts, "id3v2_version", "4", 0);
    ret = avformat_write_header(m->fmt, &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        av_fail(err, m->io_error ? RC_IOERR : RC_SOFTWARE, path, "cannot write the header", ret);
        goto fail;
    }
    if (pic_st && write_cover(m, pic_st, s, err) != 0) goto fail;
    return m;
fail:
    avmux_free(m);
    return NULL;
}

/* ---- audio ---- */

/* Moves every packet the encoder has ready into the file. */
static int drain(struct avmux *m, struct rc_error *err)
{
    for (;;) {
        int ret = avcodec_receive_packet(m->enc, m->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return 0;
        if (ret < 0) return av_fail(err, RC_SOFTWARE, m->path, "encoding failed", ret);
        av_packet_rescale_ts(m->pkt, m->enc->time_base, m->audio->time_base);
        m->pkt->stream_index = m->audio->index;
        ret = av_write_frame(m->fmt, m->pkt);
        av_packet_unref(m->pkt);
        if (ret < 0) return av_fail(err, m->io_error ? RC_IOERR : RC_SOFTWARE, m->path, "write failed", ret);
    }
}

/* Encodes the pending samples as one frame (n_pending samples; short only at the end). */
static int encode_pending(struct avmux *m, struct rc_error *err)
{
    AVFrame *f = m->frame;
    av_frame_unref(f);
    f->nb_samples = m->n_pending;
    f->format = m->enc->sample_fmt;
    f->sample_rate = AVMUX_RATE;
    int ret = av_channel_layout_copy(&f->ch_layout, &m->enc->ch_layout);
    if (ret >= 0) ret = av_frame_get_buffer(f, 0);
    if (ret < 0) return av_fail(err, RC_SOFTWARE, m->path, "frame allocation", ret);
    const uint8_t *in[1] = {(const uint8_t *)m->pending};
    ret = swr_convert(m->swr, f->data, f->nb_samples, in, m->n_pending);
    if (ret != m->n_pending) return av_fail(err, RC_SOFTWARE, m->path, "sample conversion", ret < 0 ? ret : AVERROR_BUG);
    f->pts = m->sent;
    m->sent += m->n_pending;
    m->n_pending = 0;
    ret = avcodec_send_frame(m->enc, f);
    if (ret < 0) return av_fail(err, RC_SOFTWARE, m->path, "encoding failed", ret);
    return drain(m, err);
}

int avmux_write(struct avmux *m, const float *pcm48, size_t n, struct rc_error *err)
{
    int frame_size = m->enc->frame_size > 0 ? m->enc->frame_size : avmux_frame_samples(m->format);
    while (n > 0) {
        size_t take = (size_t)(frame_size - m->n_pending);
        if (take > n) take = n;
        memcpy(m->pending + m->n_pending, pcm48, take * sizeof *pcm48);
        m->n_pending += (int)take;
        m->written += (long long)take;
        pcm48 += take, n -= take;
        if (m->n_pending == frame_size && encode_pending(m, err) != 0) return -1;
    }
    return 0;
}

long long avmux_written(const struct avmux *m) { return m->written; }

int avmux_finish(struct avmux *m, struct rc_error *err)
{
    if (m->n_pending > 0) {
        if (!(m->enc->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME)) {
            int frame_size = m->enc->frame_size;
            memset(m->pending + m->n_pending, 0, sizeof *m->pending * (size_t)(frame_size - m->n_pending));
            m->n_pending = frame_size;
        }
        if (encode_pending(m, err) != 0) return -1;
    }
    int ret = avcodec_send_frame(m->enc, NULL);
    if (ret < 0) return av_fail(err, RC_SOFTWARE, m->path, "flushing the encoder", ret);
    if (drain(m, err) != 0) return -1;
    ret = av_write_trailer(m->fmt);
    if (ret >= 0) avio_flush(m->io);
    if (ret < 0 || m->io_error || m->io->error < 0)
        return av_fail(err, m->io_error ? RC_IOERR : RC_SOFTWARE, m->path, "cannot finish the file",
                       ret < 0 ? ret : m->io_error ? AVERROR(m->io_error) : m->io->error);
    if (fflush(m->fp) != 0 || ferror(m->fp)) return rc_fail(err, RC_IOERR, "%s: write failed: %s", m->path, strerror(errno));
    return 0;
}

void avmux_free(struct avmux *m)
{
    if (!m) return;
    if (m->fmt) {
        m->fmt->pb = NULL;
        avformat_free_context(m->fmt);
    }
    if (m->io) {
        av_freep(&m->io->buffer);
        avio_context_free(&m->io);
    }
    avcodec_free_context(&m->enc);
    swr_free(&m->swr);
    av_frame_free(&m->frame);
    av_packet_free(&m->pkt);
    free(m->pending);
    free(m->path);
    free(m);
}
