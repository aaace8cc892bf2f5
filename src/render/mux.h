/* mux.h: one Ogg Opus file from a span of the rendered programme: the OpusHead (fixed
 * serial, pre-skip, output gain), the comments (title, artist, date, encoder,
 * description, chapters) and the cached packet runs and pause packets in programme
 * order, with pre-roll before a clip's first packet (RFC 7845 4.2).  See context.h. */
#ifndef RECAST_RENDER_MUX_H
#define RECAST_RENDER_MUX_H

#include "publish/timeline.h"
#include "render/context.h"

/* Writes sections [sec_first, sec_last) of the programme (laid out by programme_layout,
 * packets in the cache) as one Ogg Opus file at path, atomically; tl is that span's
 * timeline (its chapters).  An error names the file. */
int mux_write_opus(const struct render *r, const char *path, int sec_first, int sec_last, const struct timeline *tl,
                   struct rc_error *err);

#endif
