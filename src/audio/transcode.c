/* transcode.c: see transcode.h. */
#include "audio/transcode.h"

#include <stdlib.h>

#include "audio/opusdec.h"

struct transcode {
    struct opusdec *dec;
    struct avmux *mux;
    struct transcode_stream st;
    long long packets_after_end; /* packets decoded once total48 was reached */
};

struct transcode *transcode_open(FILE *fp, const char *path, const struct transcode_stream *st,
                                 const struct avmux_settings *s, struct rc_error *err)
{
    if (!st->silence || st->silence_len <= 0) {
        rc_fail(err, RC_SOFTWARE, "%s: transcode needs the silence packet", path);
        return NULL;
    }
    struct transcode *t = xcalloc(1, sizeof *t);
    t->st = *st;
    t->dec = opusdec_open(st->preskip48, st->output_gain_q8, st->total48, err);
    if (t->dec) t->mux = avmux_open(fp, path, s, err);
    if (!t->mux) {
        transcode_free(t);
        return NULL;
    }
    return t;
}

int transcode_packet(struct transcode *t, const unsigned char *data, int len, struct rc_error *err)
{
    const float *pcm;
    int n;
    if (opusdec_packet(t->dec, data, len, &pcm, &n, err) != 0) return -1;
    return avmux_write(t->mux, pcm, (size_t)n, err);
}

int transcode_silence(struct transcode *t, int count, struct rc_error *err)
{
    for (int i = 0; i < count; i++)
        if (transcode_packet(t, t->st.silence, t->st.silence_len, err) != 0) return -1;
    return 0;
}

int transcode_finish(struct transcode *t, struct rc_error *err)
{
    /* the decoder still holds the last 2*L samples: flush them with silence, as the Ogg
     * muxer does (a few packets at most) */
    for (int i = 0; opusdec_delivered(t->dec) < t->st.total48; i++) {
        if (i > 64) return rc_fail(err, RC_SOFTWARE, "transcode: the packets end long before the planned length");
        if (transcode_packet(t, t->st.silence, t->st.silence_len, err) != 0) return -1;
    }
    return avmux_finish(t->mux, err);
}

void transcode_free(struct transcode *t)
{
    if (!t) return;
    opusdec_free(t->dec);
    avmux_free(t->mux);
    free(t);
}
