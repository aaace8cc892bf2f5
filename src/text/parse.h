/* parse.h: raw page text -> document (sections, speaker turns, preface, dropped lines).
 *
 * The input is a transcript as scraped from a web page: a title, header furniture
 * (read counts, comments), an editor's note and introduction (the preface), the host's
 * unlabeled opening, then the dialogue in paragraphs that start with a speaker label
 * ("Dwarkesh好的", "Demis Hassabis：..."), broken up by section headings and image
 * captions (the page title repeated), and finally the page trailer (ads, related
 * articles, comments).  Speakers and their label spellings come from a voice_set.
 *
 * Line numbers are 1-based lines of the source file.  All strings are UTF-8 with
 * whitespace normalised (NO-BREAK and ideographic spaces become ASCII spaces, runs of
 * spaces collapse to one, lines are trimmed).  A turn's paragraphs are joined by '\n'. */
#ifndef RECAST_PARSE_H
#define RECAST_PARSE_H

#include "base/util.h"
#include "config/voices.h"

struct doc_turn {
    int index;    /* 0-based across the whole document */
    int speaker;  /* index into the voice_set's profiles (after casting, see doc_speaker) */
    int section;  /* index into document.sections */
    int line;     /* source line where the turn starts */
    char *text;   /* what the speaker says */
};

struct doc_section {
    int index;
    char *title;      /* "开场" for the opening; "" for an untitled section */
    int line;         /* line of the heading; the first turn's line if it has none */
    int first_turn;   /* index of its first turn */
    int n_turns;
};

/* A line-numbered note: a preface paragraph, a dropped line's reason, a warning. */
struct doc_note {
    int line;
    char *text;
};

/* A speaker found in the page and the voice it was given. */
struct doc_speaker {
    char *name;     /* display name (a profile's name, a legend's full name, or the label) */
    char *label;    /* the label as written in the page ("DP", "Lex Fridman", "问") */
    int profile;    /* index into the voice_set: the voice it speaks with */
    const char *cast; /* how: "profile" (name or alias matched), "--cast", "automatic" */
    const char *role; /* from a role word or the profile: "host", "guest", "narrator", or "" */
    int turns;
};

enum doc_lang { DOC_LANG_ZH, DOC_LANG_EN };

struct document {
    char *path;   /* as given */
    char *title;  /* the page title, or the file name without directory and extension */
    struct doc_section *sections;
    int n_sections;
    struct doc_turn *turns;
    int n_turns;
    struct doc_note *preface;  /* editor's note and introduction, not spoken by default */
    int n_preface;
    struct doc_note *dropped;  /* every non-blank line that is neither spoken, heading nor preface */
    int n_dropped;
    struct doc_note *warnings; /* recoverable oddities (a missing label, ...) */
    int n_warnings;
    struct doc_speaker *speakers; /* in order of first appearance */
    int n_speakers;
    const char *label_style; /* how the page marks speakers: "inline", "alone", "profile" */
    enum doc_lang lang;      /* the language of the speech: English if Latin letters dominate */
};

/* The title of the opening section (the host's unlabeled introduction). */
#define DOC_OPENING_TITLE "开场"

/* Parses `len` bytes of text.  `path` is used in messages.  Speakers are detected from
 * the page (text/detect.h); each is cast (config/casting.h): a profile of `vs` whose name
 * or alias matches, an override of vs->casts, or an automatic voice appended to `vs`.
 * Errors (RC_DATAERR): invalid UTF-8 or a NUL byte (path:line:column), an empty file, no
 * speaker turns (the message names the label-like names seen); RC_USAGE: a --cast naming
 * no speaker or no profile. */
int doc_parse(const char *path, const char *text, size_t len, struct voice_set *vs,
              struct document *doc, struct rc_error *err);

/* Reads and parses a file (RC_NOINPUT if it cannot be opened). */
int doc_parse_file(const char *path, struct voice_set *vs, struct document *doc,
                   struct rc_error *err);

void doc_free(struct document *doc);

#endif
