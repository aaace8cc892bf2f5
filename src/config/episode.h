/* episode.h: what a listener's player shows about an episode, beyond its audio.
 *
 * Read from a JSON file beside the transcript (TRANSCRIPT minus ".txt", plus ".meta.json":
 * transcripts/x.zh.txt -> transcripts/x.zh.meta.json) and/or set by options; an option wins
 * over the file.  Every field is optional:
 *
 *   {
 *     "title": "Demis Hassabis on scaling, AGI and safety",   episode title (TITLE)
 *     "show": "Dwarkesh Podcast",                              the show (ALBUM)
 *     "date": "2024-02-28",                                    original date (DATE): YYYY, YYYY-MM or YYYY-MM-DD
 *     "description": "...",                                    (DESCRIPTION, the page's meta description)
 *     "language": "zh-CN",                                     BCP 47 tag (LANGUAGE, the page's lang)
 *     "licence": "CC BY 4.0",                                  (LICENSE; "license" is accepted too)
 *     "url": "https://...",                                    the original episode (CONTACT, og:url)
 *     "persons": [{"name": "Dwarkesh Patel", "role": "host"},  (ARTIST per person, PERFORMER "name (role)")
 *                 {"name": "Demis Hassabis", "role": "guest"}],
 *     "cover": "x.zh.cover.png"                                PNG or JPEG, relative to the file
 *   }
 *
 * Unknown keys are errors (a misspelt "titel" would otherwise be silently ignored).
 * Nothing here is written by recast: no date is made up (no DATE unless one is given). */
#ifndef RECAST_EPISODE_H
#define RECAST_EPISODE_H

#include <stddef.h>

#include "base/util.h"

struct episode_person {
    char *name; /* "Demis Hassabis" */
    char *role; /* "guest"; NULL if not given */
};

/* A cover image, checked by decoding its header with libpng or libjpeg. */
struct episode_cover {
    unsigned char *data; /* the file's bytes, unchanged */
    size_t len;
    const char *mime;    /* "image/png" or "image/jpeg" (static) */
    const char *ext;     /* ".png" or ".jpg" (static) */
    int width, height;   /* pixels */
    int depth;           /* bits per pixel (24 for RGB8, 32 for RGBA8, 8 for grey) */
};

/* Every string is owned (NULL: not given); free with episode_free(). */
struct episode {
    char *title, *show, *date, *description, *language, *licence, *url;
    struct episode_person *persons;
    int n_persons;
    char *cover_path;           /* as resolved (relative to the metadata file's folder) */
    struct episode_cover cover; /* loaded by episode_load_cover(); data NULL if none */
};

/* The default metadata path for a transcript: "dir/x.zh.txt" -> "dir/x.zh.meta.json"
 * (owned by the caller). */
char *episode_default_path(const char *transcript_path);

/* Reads a metadata file into *ep (which is cleared first).  RC_NOINPUT if it cannot be
 * read, RC_DATAERR naming file, line and remedy for bad JSON, unknown keys, wrong types,
 * a malformed date or a person without a name. */
int episode_load(const char *path, struct episode *ep, struct rc_error *err);

/* Checks a date: YYYY, YYYY-MM or YYYY-MM-DD with a real month and day.  1 if valid. */
int episode_date_ok(const char *date);

/* Loads and checks the cover at path (PNG or JPEG, by content, not name): RC_NOINPUT if
 * unreadable, RC_DATAERR if it is neither or is damaged.  Replaces ep->cover. */
int episode_load_cover(struct episode *ep, const char *path, struct rc_error *err);

/* Sets a string field from an option (replacing the file's value). */
void episode_set(char **field, const char *value);

void episode_free(struct episode *ep);

#endif
