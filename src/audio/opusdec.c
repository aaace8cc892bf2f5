/* opusdec.c: see opusdec.h. */
#include "audio/opusdec.h"

#include <opus.h>
#include <stdlib.h>

#define MAX_FRAME48 5760 /* 120 ms, the longest Opus packet */

struct opusdec {
    OpusDecoder *dec;
    long long skip;      /* pre-skip samples still to drop */
    long long remaining; /* samples still to deliver */
    long long delivered;
    float pcm[MAX_FRAME48];
};

struct opusdec *opusdec_open(int preskip48, int output_gain_q8, long long total48, struct rc_error *err)
{
    if (preskip48 < 0 || preskip48 > 65535 || total48 <= 0 || output_gain_q8 < -32768 || output_gain_q8 > 32767) {
        rc_fail(err, RC_SOFTWARE, "opusdec: pre-skip %d, gain %d or length %lld out of range", preskip48,
                output_gain_q8, total48);
        return NULL;
    }
    struct opusdec *d = xcalloc(1, sizeof *d);
    int oerr = 0;
    d->dec = opus_decoder_create(48000, 1, &oerr);
    if (!d->dec || oerr != OPUS_OK) {
        rc_fail(err, RC_SOFTWARE, "opusdec: cannot create a decoder: %s", opus_strerror(oerr));
        free(d);
        return NULL;
    }
    /* the OpusHead output gain, applied by libopus itself as opusfile does */
    if (output_gain_q8 != 0 && opus_decoder_ctl(d->dec, OPUS_SET_GAIN(output_gain_q8)) != OPUS_OK) {
        rc_fail(err, RC_SOFTWARE, "opusdec: output gain %d rejected", output_gain_q8);
        opusdec_free(d);
        return NULL;
    }
    d->skip = preskip48;
    d->remaining = total48;
    return d;
}

int opusdec_packet(struct opusdec *d, const unsigned char *data, int len, const float **pcm, int *n,
                   struct rc_error *err)
{
    *pcm = d->pcm, *n = 0;
    int got = opus_decode_float(d->dec, data, len, d->pcm, MAX_FRAME48, 0);
    if (got < 0) return rc_fail(err, RC_DATAERR, "opusdec: packet of %d bytes: %s", len, opus_strerror(got));
    long long first = d->skip < got ? d->skip : got;
    d->skip -= first;
    long long count = got - first;
    if (count > d->remaining) count = d->remaining;
    d->remaining -= count;
    d->delivered += count;
    *pcm = d->pcm + first;
    *n = (int)count;
    return 0;
}

long long opusdec_delivered(const struct opusdec *d) { return d->delivered; }

void opusdec_free(struct opusdec *d)
{
    if (!d) return;
    opus_decoder_destroy(d->dec);
    free(d);
}
