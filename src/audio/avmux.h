/* avmux.h: mono PCM -> an M4A (AAC-LC in MP4) or an MP3 file, with tags, chapters and
 * cover art, through FFmpeg's libavcodec (encoders), libswresample (sample format) and
 * libavformat (containers).  No container code of our own.
 *
 * What each container gets (all written by libavformat):
 *   M4A  "ipod" muxer (the .m4a flavour of MP4): AAC-LC from FFmpeg's native encoder;
 *        tags as iTunes metadata (ilst: ©nam ©ART ©alb ©day ©gen ©cmt desc ...); chapters
 *        as a QuickTime chapter text track (read by Apple's players) and a Nero chpl box
 *        (read by ffprobe, VLC, most Android players); the cover as a covr box; the moov
 *        box moved to the front (progressive download) and an edit list that hides the
 *        encoder's priming samples.
 *   MP3  "mp3" muxer: LAME (libmp3lame) in VBR mode; an ID3v2.4 tag with text frames,
 *        CHAP frames (one per chapter) and a CTOC frame, the cover as APIC; a Xing/LAME
 *        header frame carrying the frame count and the encoder delay and padding, so
 *        decoders that read it (FFmpeg, LAME, Apple, most players) play exactly the
 *        samples given.
 *
 * Units: the input is mono float PCM at AVMUX_RATE (48000 Hz), full scale +-1.0, the
 * rate Opus decodes to, so the decoded file and the Opus file share a clock; chapter
 * times are samples48 on that clock.  The decoded length equals the number of samples
 * written (within one codec frame for players that ignore the edit list or LAME tag).
 *
 * Output: the caller opens the file (normally with atomic_open) and keeps ownership of
 * fp; it must be a regular file (both muxers seek back to finish their headers) and not
 * yet written to: avmux_open makes it unbuffered (libavformat buffers) so that the M4A
 * faststart pass, which re-reads the file by name, sees every byte.  `path` is the name
 * of the file behind fp (the temporary name; used for that re-read and in errors).
 *
 * Reproducible: the same input and settings give the same bytes (FFmpeg's bit-exact
 * flags: no creation time, no library version strings in the file).
 *
 * Errors follow util.h: RC_SOFTWARE for a bad setting or an encoder FFmpeg lacks (with
 * the remedy), RC_DATAERR for a cover that is neither PNG nor JPEG, RC_IOERR when
 * writing fails.  Not thread-safe across one handle; separate handles are independent.
 */
#ifndef RECAST_AVMUX_H
#define RECAST_AVMUX_H

#include <stddef.h>
#include <stdio.h>

#include "base/util.h"

#define AVMUX_RATE 48000 /* Hz: the rate of the PCM given to avmux_write */

enum avmux_format { AVMUX_M4A, AVMUX_MP3 };

/* One metadata field under FFmpeg's generic key ("title", "artist", "album", "date",
 * "genre", "comment", "description", "language", "copyright", "publisher"...); each
 * muxer maps the keys it knows to its own fields (ID3v2 writes unknown keys as TXXX). */
struct avmux_tag {
    const char *key;
    const char *value; /* UTF-8 */
};

struct avmux_chapter {
    long long start48, end48; /* samples48, 0 <= start48 < end48 */
    const char *title;        /* UTF-8 */
};

struct avmux_settings {
    enum avmux_format format;
    int bitrate_bps;  /* M4A: AAC average bit rate, 16000..320000 (default 64000).
                         MP3: the VBR quality is chosen from it (LAME -V: 96000 and up -> 2,
                         64000 -> 5 (default), lower -> 7) */
    int lowpass_hz;   /* encoder low-pass, 4000..20000 (default 12000: the Opus programme is
                         coded from 24 kHz audio, so nothing is above 12 kHz, and FFmpeg's AAC
                         encoder overshoots by up to 2 dB at speech onsets when it is left to
                         code the empty band above) */
    const struct avmux_tag *tags; /* n_tags entries (borrowed until avmux_open returns) */
    int n_tags;
    const struct avmux_chapter *chapters; /* n_chapters, in time order (borrowed likewise) */
    int n_chapters;
    const unsigned char *cover; /* PNG or JPEG bytes, NULL for none (copied) */
    size_t cover_len;
};

/* Fills *s with the defaults above for format f (no tags, chapters or cover). */
void avmux_settings_default(struct avmux_settings *s, enum avmux_format f);

/* File extension without the dot ("m4a", "mp3") and the MIME type of an enclosure
 * ("audio/mp4", "audio/mpeg"). */
const char *avmux_extension(enum avmux_format f);
const char *avmux_mime_type(enum avmux_format f);

/* The encoder's frame length in samples48 (AAC 1024, MP3 1152): the resolution to which
 * the decoded length and chapter starts agree with the source. */
int avmux_frame_samples(enum avmux_format f);

struct avmux; /* opaque */

/* Opens the encoder and writes the container header (tags, chapters, cover).  Returns
 * NULL and fills err on failure. */
struct avmux *avmux_open(FILE *fp, const char *path, const struct avmux_settings *s, struct rc_error *err);

/* Encodes n samples (any n, including 0). */
int avmux_write(struct avmux *m, const float *pcm48, size_t n, struct rc_error *err);

/* Samples written so far. */
long long avmux_written(const struct avmux *m);

/* Flushes the encoder, writes the trailer (chapter track, index, faststart move) and
 * fflush()es fp; the caller still closes fp.  Then free with avmux_free. */
int avmux_finish(struct avmux *m, struct rc_error *err);

/* Frees the handle (after finish, or to abandon the file).  NULL is fine. */
void avmux_free(struct avmux *m);

#endif
