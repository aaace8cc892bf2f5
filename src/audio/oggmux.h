/* oggmux.h: packet runs and silence packets -> one Ogg Opus stream (RFC 7845),
 * written with libogg.  No re-encoding: the muxer only places packets on a
 * timeline, so a clip is the same packets re-muxed.
 *
 * Units: "samples48" are samples at 48 kHz, the unit of Ogg Opus granule
 * positions and of pre-skip.  One 20 ms packet = 960 samples48.
 *
 * Stream layout written:
 *   page 0      OpusHead alone, beginning-of-stream flag, granule 0
 *   page 1..    OpusTags (vendor string, user comments), its last page ends with it
 *   then        audio pages; a page is cut when libogg says so (about 4 KiB or
 *               255 lacing values) or when 1 s (48000 samples48) of audio is
 *               waiting, whichever comes first (the same 1 s that opusenc uses
 *               by default); the last page has the end-of-stream flag.
 * Granule positions follow RFC 7845 section 4: the granule position of a page
 * is the number of samples48 in all packets completed up to and including that
 * page (pre-roll and the pre-skip region included), so the stream starts at
 * PCM position 0; the final page's granule is preskip48 + total_length48, which
 * trims the end to the sample.  (Granules of preskip48 + samples would instead
 * declare a stream starting at PCM position preskip48: opusdec and ffmpeg then
 * play 2*L samples fewer.  The unit test catches that.)
 *
 * Timeline: decoded sample t (t = 0 is the first sample a player plays) is raw
 * decoder output sample t + preskip48.  Because every packet run is delayed by
 * the encoder lookahead (2*L samples48) and the pre-skip hides exactly that much
 * (plus pre-roll), item k written after the pre-roll starts on the timeline at
 * the sum of the durations of the items written before it (pre-roll excluded),
 * and a run's content starts exactly there (see encode.h).
 *
 * Pre-roll (clips): a clip that starts in the middle of the full programme
 * writes, before its first item, the packets that precede that point in the
 * full stream (RFC 7845 4.2 asks for at least 80 ms = 4 packets); they are
 * decoded but hidden because preskip48 = oggmux_preskip48(L, preroll_packets).
 * Write them with oggmux_write_packet/oggmux_write_silence like any packet.
 * Measured with libopus 1.3.1: a clip whose pre-roll is silence packets (after
 * a run's own trailing silence) decodes bit-identically to the same span of
 * the programme with 10, 4 and even 0 pre-roll packets; 4 or more keeps to the
 * RFC for any content.
 *
 * End: the last 2*L samples48 of the last item are not decodable from the
 * packets written (the pre-skip shifted them out), so oggmux_finish() appends
 * as many silence packets as needed (one) to make total_length48 samples48
 * decodable, then trims the excess with the final granule position.  Callers
 * therefore simply pass the planned timeline length: normally the sum of the
 * item durations (pre-roll excluded), or less, down to the sample, as long as
 * no whole packet ends up beyond it (see oggmux_finish).
 *
 * Errors follow util.h: RC_SOFTWARE for caller mistakes (bad header values,
 * packet durations that disagree with the packet, a planned length that does
 * not fit), RC_IOERR when writing fails.
 */
#ifndef RECAST_OGGMUX_H
#define RECAST_OGGMUX_H

#include <stdint.h>
#include <stdio.h>

#include "audio/encode.h"
#include "base/util.h"

struct oggmux_header {
    uint32_t serial;             /* Ogg stream serial number; fixed so output is reproducible */
    int preskip48;               /* OpusHead pre-skip, samples48: oggmux_preskip48(); 0..65535 */
    uint32_t input_rate;         /* OpusHead input sample rate, Hz; informational (22050) */
    int output_gain_q8;          /* OpusHead output gain, dB in Q7.8 (normally 0) */
    const char *vendor;          /* OpusTags vendor string; NULL = libopus version string */
    const char *const *comments; /* n_comments "KEY=value" strings (UTF-8), may be NULL if 0 */
    int n_comments;
    const unsigned char *silence; /* the 20 ms silence packet (encode_silence_packet), */
    int silence_len;              /* copied by oggmux_open; 1..ENCODE_MAX_PACKET bytes */
};

struct oggmux; /* opaque */

/* Pre-skip for a stream whose runs have encoder lookahead lookahead24 (L, from
 * encode_lookahead24) and which starts with preroll_packets 20 ms packets of
 * hidden pre-roll: 2*L + 960*preroll_packets samples48. */
int oggmux_preskip48(int lookahead24, int preroll_packets);

/* Starts a stream on fp (opened for binary writing; the caller keeps ownership
 * and closes it, normally through atomic_open/atomic_commit) and writes the
 * two header pages.  Returns NULL and fills err on failure.  Comments must be
 * "KEY=value" with a non-empty key of printable ASCII other than '='. */
struct oggmux *oggmux_open(FILE *fp, const struct oggmux_header *h, struct rc_error *err);

/* Appends one Opus packet of len bytes lasting samples48 (checked against the
 * packet's own TOC with libopus).  The data is copied. */
int oggmux_write_packet(struct oggmux *m, const unsigned char *data, int len, int samples48,
                        struct rc_error *err);

/* Appends count copies of the silence packet (count * 960 samples48). */
int oggmux_write_silence(struct oggmux *m, int count, struct rc_error *err);

/* Appends every packet of a run (packet_run_samples48(r) samples48). */
int oggmux_write_run(struct oggmux *m, const struct packet_run *r, struct rc_error *err);

/* Samples48 of all packets written so far, pre-roll included. */
long long oggmux_written48(const struct oggmux *m);

/* Ends the stream so that it decodes to exactly total_length48 samples48
 * (pre-skip excluded).  Let W = oggmux_written48() - preskip48 (what the
 * packets written can deliver).  If total_length48 > W, silence packets are
 * appended first (one suffices while the lookahead is under 20 ms).  Then the
 * end trim, W' - total_length48, must be smaller than the last packet
 * (RFC 7845 4.4: a decoder drops it from the last packet); a plan that ends a
 * whole packet or more before the written packets is a caller error
 * (RC_SOFTWARE: drop those packets instead).  0 < total_length48 <=
 * oggmux_written48(), else RC_SOFTWARE.
 * Flushes the last page and fflush()es fp; the caller still closes fp and
 * frees m with oggmux_free(). */
int oggmux_finish(struct oggmux *m, long long total_length48, struct rc_error *err);

/* Frees the muxer (after finish, or to abandon a stream).  NULL is fine. */
void oggmux_free(struct oggmux *m);

/* Chapter comments (the Ogg/Vorbis-comment chapter convention read by
 * ffprobe, mpv and VLC): index 0..999, start48 = chapter start on the decoded
 * timeline in samples48, rounded to the nearest millisecond.
 *   *time_comment = "CHAPTER007=01:02:03.045"   (always three digits of ms)
 *   *name_comment = "CHAPTER007NAME=title"      (control characters become spaces)
 * Both strings are new allocations the caller frees.  RC_SOFTWARE for an index
 * out of range or a negative start. */
int oggmux_chapter_comments(int index, long long start48, const char *title, char **time_comment,
                            char **name_comment, struct rc_error *err);

/* A cover picture as the Vorbis comment players read (METADATA_BLOCK_PICTURE, the FLAC
 * picture block base64-encoded, as opusenc --picture writes it; ffprobe shows it as an
 * attached picture, mpv and VLC as cover art):
 *   "METADATA_BLOCK_PICTURE=<base64 of: type 3 (front cover), MIME, description,
 *    width, height, depth, 0 colours, data>"
 * mime "image/png" or "image/jpeg"; width/height in pixels; depth in bits per pixel.
 * The data is copied into the new string *comment, which the caller frees.
 * RC_SOFTWARE for an empty picture or one over 16 MiB (the block's 24-bit length). */
int oggmux_picture_comment(const char *mime, const char *description, int width, int height, int depth,
                           const unsigned char *data, size_t len, char **comment, struct rc_error *err);

#endif
