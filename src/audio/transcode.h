/* transcode.h: an Ogg Opus programme's packets -> an M4A or MP3 file that sounds, starts,
 * ends and is levelled like the Ogg Opus file made of the same packets.
 *
 * The same calls as oggmux (open, packets in stream order with the pre-roll, finish with
 * the planned length), so a caller that muxes Ogg can feed this instead: each packet is
 * decoded (opusdec: pre-skip, output gain, end trim) and the PCM encoded (avmux).  The
 * packets are never re-synthesized; what reaches the encoder is exactly what a player
 * of the Opus file hears.  Memory: one packet of PCM.
 *
 * Errors: those of opusdec and avmux. */
#ifndef RECAST_TRANSCODE_H
#define RECAST_TRANSCODE_H

#include <stdio.h>

#include "audio/avmux.h"
#include "base/util.h"

struct transcode_stream {
    int preskip48;      /* as in the OpusHead of the Ogg file */
    int output_gain_q8; /* likewise */
    long long total48;  /* the decoded length, as passed to oggmux_finish */
    const unsigned char *silence; /* the 20 ms silence packet (encode_silence_packet), borrowed */
    int silence_len;
};

struct transcode;

/* fp, path and settings as for avmux_open. */
struct transcode *transcode_open(FILE *fp, const char *path, const struct transcode_stream *st,
                                 const struct avmux_settings *s, struct rc_error *err);
int transcode_packet(struct transcode *t, const unsigned char *data, int len, struct rc_error *err);
int transcode_silence(struct transcode *t, int count, struct rc_error *err);
/* Decodes silence packets until total48 samples came out (what oggmux_finish appends),
 * then finishes the file. */
int transcode_finish(struct transcode *t, struct rc_error *err);
void transcode_free(struct transcode *t);

#endif
