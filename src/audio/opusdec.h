/* opusdec.h: Opus packets -> the PCM a player hears from the Ogg Opus stream made of
 * the same packets (see oggmux.h), decoded with libopus.
 *
 * A player decodes every packet at 48 kHz, drops the first preskip48 samples, applies
 * the OpusHead output gain and stops at the stream's length; this does the same, so a
 * second format encoded from this PCM starts, ends and is levelled like the Opus file.
 * Give it the packets in stream order, pre-roll included, exactly as they go to oggmux;
 * when they run out before total48 samples came out (the last 2*L samples48 are still
 * inside the decoder, as oggmux_finish explains), feed silence packets until
 * opusdec_delivered() reaches total48.
 *
 * Units: samples48 (48 kHz mono float, full scale +-1.0; the output gain can take
 * peaks beyond it, as in any float decoder).  Errors: RC_SOFTWARE for bad values, and
 * RC_DATAERR for a packet libopus rejects. */
#ifndef RECAST_OPUSDEC_H
#define RECAST_OPUSDEC_H

#include "base/util.h"

struct opusdec; /* opaque */

/* preskip48: OpusHead pre-skip (0..65535); output_gain_q8: OpusHead output gain, dB in
 * Q7.8; total48: the stream's decoded length (> 0). */
struct opusdec *opusdec_open(int preskip48, int output_gain_q8, long long total48, struct rc_error *err);

/* Decodes one packet.  *pcm receives the samples it adds to the heard stream (after the
 * pre-skip, before the end), *n their count (0 while in the pre-skip or past the end);
 * the buffer is owned by d and valid until the next call. */
int opusdec_packet(struct opusdec *d, const unsigned char *data, int len, const float **pcm, int *n,
                   struct rc_error *err);

/* Samples delivered so far (at most total48). */
long long opusdec_delivered(const struct opusdec *d);

void opusdec_free(struct opusdec *d);

#endif
