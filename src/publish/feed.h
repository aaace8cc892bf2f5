/* feed.h: podcast feeds: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, written
 * with libxml2 (the tree API; text and attribute values are escaped by the library).
 *
 *   feed_write_episode  STEM.rss.xml: a channel with one <item> for a rendered episode
 *   feed_gather         several episodes' STEM.rss.xml -> one channel (recast feed DIR)
 *
 * An item carries: title, description, guid (isPermaLink="false"), pubDate (RFC 822),
 * link (the listening page, when there is one), enclosure (url, length in bytes, type),
 * itunes:duration (HH:MM:SS), itunes:image, itunes:explicit, podcast:chapters
 * (application/json+chapters), podcast:transcript per subtitle or transcript file
 * (rel="captions" for VTT and SRT), podcast:person per speaker, and
 * podcast:alternateEnclosure (with a podcast:source) per extra audio format.
 *
 * Namespaces: itunes = http://www.itunes.com/dtds/podcast-1.0.dtd,
 * podcast = https://podcastindex.org/namespace/1.0, atom = http://www.w3.org/2005/Atom
 * (atom:link rel="self" when the feed's own URL is known).
 *
 * URLs: feed_url() joins a base URL and a relative file name, percent-encoding what a URL
 * path cannot hold (UTF-8 file names become %E5%BC%80...), so the names on disk map
 * one-to-one to the URLs in the feed.  Everything in the structs is borrowed. */
#ifndef RECAST_FEED_H
#define RECAST_FEED_H

#include <time.h>

#include "base/util.h"

/* The podcast as a whole.  NULL fields are left out, except title, link and description,
 * which RSS requires (the feed functions refuse NULL there: RC_USAGE naming the field). */
struct feed_channel {
    const char *title;
    const char *link;        /* the show's web page */
    const char *description;
    const char *language;    /* "zh" */
    const char *author;      /* itunes:author */
    const char *image_url;   /* itunes:image href and <image> */
    const char *owner_name;  /* itunes:owner */
    const char *owner_email;
    const char *category;    /* itunes:category text, e.g. "Technology" */
    const char *self_url;    /* atom:link rel="self" */
    const char *podcast_guid;/* podcast:guid */
    int explicit_content;    /* itunes:explicit true/false */
};

struct feed_media {
    const char *url;
    long long length;   /* bytes of the file on disk */
    const char *type;   /* MIME type: "audio/ogg; codecs=opus", "audio/mp4", "audio/mpeg" */
    const char *title;  /* alternateEnclosure title ("AAC"), may be NULL */
    long long bitrate;  /* bit/s, 0 unknown */
    const char *codecs; /* RFC 6381 codecs ("opus", "mp4a.40.2", "mp3"), may be NULL */
};

struct feed_transcript {
    const char *url;
    const char *type;     /* "text/vtt", "application/srt", "application/json" */
    const char *language; /* may be NULL */
    int captions;         /* rel="captions" */
};

struct feed_person {
    const char *name;
    const char *role;  /* Podcasting 2.0 taxonomy: "host", "guest", "narrator"... */
    const char *group; /* "cast" */
    const char *href;  /* may be NULL */
    const char *img;   /* may be NULL */
};

struct feed_item {
    const char *title;
    const char *description;
    const char *guid;
    const char *link;        /* may be NULL */
    time_t pub_date;
    long long duration_ms;
    const char *image_url;   /* may be NULL */
    const char *language;    /* may be NULL */
    struct feed_media enclosure;
    const struct feed_media *alternates;
    int n_alternates;
    const char *chapters_url; /* may be NULL */
    const struct feed_transcript *transcripts;
    int n_transcripts;
    const struct feed_person *persons;
    int n_persons;
};

/* base + "/" + rel with rel percent-encoded byte by byte except for unreserved
 * characters and '/' (RFC 3986); a trailing '/' of base is not doubled.  Caller frees. */
char *feed_url(const char *base, const char *rel);

/* "Sat, 01 Jun 2024 00:00:00 +0000" (RFC 822 as RSS 2.0 uses it), locale-independent. */
void feed_rfc822_date(time_t t, char out[40]);

/* Writes a one-item channel to path atomically.  Errors: RC_USAGE for a missing required
 * field, RC_SOFTWARE for text libxml2 refuses (invalid UTF-8), RC_CANTCREAT/RC_IOERR. */
int feed_write_episode(const char *path, const struct feed_channel *ch, const struct feed_item *item,
                       struct rc_error *err);

/* Reads the <item>s of n episode feeds (files written by feed_write_episode, or any RSS
 * 2.0 file), newest pubDate first (ties: by guid), and writes them into one channel at
 * out_path atomically.  Two items with the same guid are an error (RC_DATAERR, naming both
 * files).  Errors: RC_NOINPUT (missing file), RC_DATAERR (not RSS, or an item without
 * guid or pubDate), and as above. */
int feed_gather(const char *const *episode_files, int n, const struct feed_channel *ch, const char *out_path,
                struct rc_error *err);

/* recast feed DIR: feed_gather over the DIR/STEM.rss.xml files (sorted by name; out_path itself left
 * out) with the channel from channel_path (NULL: DIR/channel.json) into out_path (NULL:
 * DIR/feed.xml).  *n_items receives the number of episode files.  RC_NOINPUT for a
 * missing DIR or channel file, RC_DATAERR when DIR holds no episode feed. */
int feed_gather_dir(const char *dir, const char *channel_path, const char *out_path, int *n_items,
                    struct rc_error *err);

/* Channel metadata from a JSON file:
 *   {"title": "...", "link": "https://...", "description": "...", "language": "zh",
 *    "author": "...", "image": "https://.../cover.jpg", "category": "Technology",
 *    "explicit": false, "owner": {"name": "...", "email": "..."}, "self": "https://.../feed.xml",
 *    "guid": "..."}
 * title, link and description are required.  Unknown keys are an error (a typo would
 * otherwise vanish silently).  The strings live in *store (free with feed_channel_free). */
struct feed_channel_store {
    void *json; /* the parsed document, owning the strings */
};
int feed_channel_load(const char *path, struct feed_channel *ch, struct feed_channel_store *store,
                      struct rc_error *err);
void feed_channel_free(struct feed_channel_store *store);

#endif
