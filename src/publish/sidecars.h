/* sidecars.h: the files written next to a rendered podcast STEM.opus:
 *
 *   STEM.vtt              WebVTT subtitles, cues of at most 2 lines, <v Speaker> spans
 *   STEM.srt              the same cues as SubRip, "Speaker: " where the speaker changes
 *   STEM.chapters.json    Podcasting 2.0 chapters (version 1.2.0), one per section
 *   STEM.transcript.json  Podcasting 2.0 JSON transcript (version 1.0.0), one segment per sentence
 *   STEM.manifest.json    what a publisher needs: versions, hash, settings, loudness,
 *                         speakers, sections and turns with their times, the file names
 *
 * Times come from the timeline (48 kHz samples) and are written rounded to the nearest
 * millisecond (tl_ms), so they agree with what ffprobe shows for the file's chapters.
 * JSON seconds carry three decimals at most. */
#ifndef RECAST_SIDECARS_H
#define RECAST_SIDECARS_H

#include <jansson.h>

#include "config/episode.h"
#include "publish/timeline.h"
#include "base/util.h"

/* How cues are laid out (defaults: the usual subtitle guidance for a 16:9 screen).  A
 * cue of a turn with Chinese text has lines of at most zh_line_chars characters, counting a
 * CJK character as one and a Latin letter, digit or space as half (its width on screen);
 * a cue of an English turn has lines of at most en_line_chars characters.  At most
 * max_lines lines, at most max_cue_ms long (unless one word is longer). */
#define SIDECAR_ZH_LINE_CHARS 20
#define SIDECAR_EN_LINE_CHARS 42
#define SIDECAR_MAX_LINES 2
#define SIDECAR_MAX_CUE_MS 7000
struct sidecar_layout {
    int zh_line_chars, en_line_chars, max_lines, max_cue_ms;
};
void sidecars_default_layout(struct sidecar_layout *layout);

/* What the timeline does not know.  Everything is borrowed: sidecars_write() neither
 * keeps nor frees any of it.  A NULL string is written as JSON null. */
struct sidecar_info {
    const char *title;          /* programme title; also the title of untitled chapters */
    const char *source_path;    /* the transcript, as given on the command line */
    const char *input_sha256;   /* lowercase hex SHA-256 of the transcript file */
    const char *recast_version; /* "0.1.0" */
    const char *espeak_version; /* espeak-ng's version string */
    const char *audio_basename; /* "dwarkesh-hassabis-2024.zh.opus"; NULL: basename(STEM).opus */
    const char *fallback_audio_basename; /* an M4A beside it ("x.m4a"), the page's second <source>
                                            for browsers without Opus; NULL: none */
    json_t *settings;           /* object: bitrate, complexity, pauses, ...; NULL: null */
    json_t *loudness;           /* object: measured/target/gain figures; NULL: null */
    json_t *speakers;           /* array of {"name","voice",...}; NULL: derived from the turns */
    json_t *extra_files;        /* object merged into the manifest's "files" (clips, page); may be NULL */
    const struct sidecar_layout *layout; /* cue layout; NULL: the defaults */
    const struct episode *episode;       /* episode metadata for the manifest; may be NULL */
    int write_cover;                     /* also write the cover beside: STEM.cover.png|.jpg */
};

/* Writes the five files.  STEM is the output path without ".opus" ("out/x.zh").  All
 * content is built first, then every file is written to a temporary file beside its
 * target, and only when all five are written are they renamed into place (the manifest
 * last).  A target that is a directory is refused before anything is written.
 * Errors: RC_CANTCREAT (cannot create or rename; a missing directory), RC_IOERR (write
 * failed), RC_SOFTWARE (text that cannot go into JSON, i.e. invalid UTF-8). */
int sidecars_write(const char *stem, const struct timeline *tl, const struct sidecar_info *info,
                   struct rc_error *err);

/* The suffix of sidecar file i (".vtt", ...), for i from 0 until it returns NULL. */
const char *sidecars_suffix(int i);

/* One subtitle cue: [start48, end48) in samples at 48 kHz, within one turn. */
struct sidecar_cue {
    long long start48, end48;
    int turn;    /* index into tl->turns */
    int seq;     /* 1-based number of the cue within its turn (VTT id "t<turn index>-<seq>") */
    char *text;  /* plain UTF-8 on one line (no escaping, no speaker), owned by the cue array */
    char *lines; /* the same text with '\n' between its lines, owned by the cue array */
    int space_before; /* the turn's text has a space between the previous cue and this one */
};

/* Builds the cues of a whole timeline (see sidecars.c for the rules; layout NULL: the
 * defaults).  Cues are in time order, start strictly increasing, never overlap, lie
 * within [0, total48] and last at least 1 ms.  On success *cues is a new array (NULL if
 * there are none) that the caller frees with sidecars_free_cues().  Returns 0 (never
 * fails: allocation failure aborts). */
int sidecars_build_cues(const struct timeline *tl, const struct sidecar_layout *layout, struct sidecar_cue **cues,
                        int *n_cues);
void sidecars_free_cues(struct sidecar_cue *cues, int n);

/* "00:01:02.345" (sep '.') or "00:01:02,345" (sep ','): hours always, milliseconds rounded
 * to nearest (tl_ms); negative positions print as 0. */
void sidecars_format_time(long long samples48, char sep, char out[16]);

#endif
