/* mux.h: one Ogg Opus file from a span of the rendered programme: the OpusHead (fixed
 * serial, pre-skip, output gain), the comments (title, artist, date, encoder,
 * description, chapters) and the cached packet runs and pause packets in programme
 * order, with pre-roll before a clip's first packet (RFC 7845 4.2).  See context.h. */
#ifndef RECAST_RENDER_MUX_H
#define RECAST_RENDER_MUX_H

#include <stdio.h>

#include "publish/timeline.h"
#include "render/context.h"

/* Writes sections [sec_first, sec_last) of the programme (laid out by programme_layout,
 * packets in the cache) as one Ogg Opus file at path, atomically; tl is that span's
 * timeline (its chapters).  An error names the file. */
int mux_write_opus(const struct render *r, const char *path, int sec_first, int sec_last, const struct timeline *tl,
                   struct rc_error *err);

/* The M4A or MP3 file of the same span: the Opus packets decoded as a player decodes the
 * Ogg Opus file (pre-skip, output gain, end trim) and encoded by FFmpeg (audio/transcode.h),
 * with the same tags and chapters.  Writes into fp, the temporary file tmp_path that
 * will become path (the caller commits it: these run in worker processes).  An error
 * names the file. */
int mux_write_other(const struct render *r, enum render_format fmt, FILE *fp, const char *tmp_path, const char *path,
                    int sec_first, int sec_last, const struct timeline *tl, struct rc_error *err);

/* The OpusTags comments of a span ("KEY=value": TITLE, ARTIST, ... and the chapters), as
 * the Ogg Opus file has them; the feed takes its title and description from them.  The
 * caller frees the strings and the array with mux_comments_free. */
int mux_comments(const struct render *r, int sec_first, int sec_last, const struct timeline *tl, char ***comments,
                 int *n, struct rc_error *err);
void mux_comments_free(char **comments, int n);

/* "opus", "m4a", "mp3"; the MIME type of a feed enclosure; RFC 6381 codecs; a title. */
const char *mux_format_extension(enum render_format f);
const char *mux_format_mime(enum render_format f);
const char *mux_format_codecs(enum render_format f);
const char *mux_format_title(enum render_format f);

#endif
