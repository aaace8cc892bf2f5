/* voices.h: speaker voice profiles and the pause policy, read from a voices directory.
 *
 * A voices directory holds:
 *   NAME.voice    one profile per speaker (and one with role = narrator)
 *   pauses.conf   the pause policy used by the muxer
 *   lexicon.txt   the pronunciation lexicon (read by lexicon.h, not here)
 * Format of .voice and .conf files: "key = value" lines, "#" to end of line is a comment,
 * blank lines ignored.  Unknown keys, missing required keys and out-of-range values are
 * errors naming file:line (RC_DATAERR).  See voices/README.md for the keys. */
#ifndef RECAST_VOICES_H
#define RECAST_VOICES_H

#include "base/util.h"

enum voice_role { ROLE_HOST, ROLE_GUEST, ROLE_NARRATOR };

struct voice_profile {
    char *id;             /* file stem: "dwarkesh" for dwarkesh.voice */
    char *name;           /* display name used in outputs: "Dwarkesh" */
    enum voice_role role;
    char **aliases;       /* label spellings, sorted longest first (bytes) */
    int n_aliases;
    char *mandarin_voice; /* espeak-ng voice name for Mandarin runs */
    char *english_voice;  /* espeak-ng voice name for Latin runs */
    char *variant;        /* espeak-ng variant name (voices/!v/NAME) */
    int rate_wpm;         /* espeak rate, words per minute, 80..450 */
    int pitch;            /* espeak base pitch 0..100 */
    int range;            /* espeak pitch range 0..100 */
    int volume;           /* espeak volume 0..200 */
    char *path;           /* the file it came from */
};

/* Milliseconds of silence the muxer inserts (rounded to 20 ms frames there). */
struct pause_policy {
    int programme_start_ms;
    int programme_end_ms;
    int speaker_change_ms;
    int same_speaker_ms;
    int section_break_ms;
    int after_opening_ms;
    int after_announcement_ms;
};

/* All profiles of a directory.  Speakers (host first, then guests in file-name order)
 * come before the narrator, if any. Owned by the set; free with voices_free(). */
struct voice_set {
    char *dir;
    struct voice_profile *profiles;
    int n_profiles;
    int narrator;      /* index of the narrator profile, or -1 */
    struct pause_policy pauses;
    int n_loaded;      /* profiles read from the directory; those after them were cast
                        * automatically (config/casting.h) */
    const char *const *casts; /* "NAME=PROFILE" overrides (--cast), not owned; may be NULL */
    int n_casts;
};

/* Loads every DIR/NAME.voice and DIR/pauses.conf.  RC_NOINPUT if the directory is missing,
 * RC_DATAERR for a malformed file or a set without at least one speaker, or with two
 * profiles claiming the same alias. */
int voices_load(const char *dir, struct voice_set *out, struct rc_error *err);
void voices_free(struct voice_set *vs);

/* Removes the profiles that casting appended (those after n_loaded). */
void voices_drop_cast(struct voice_set *vs);

/* Index of the profile whose id or name equals `name` (case-insensitive), or -1. */
int voices_find(const struct voice_set *vs, const char *name);

/* Applies one override for this run, "PROFILE.KEY=VALUE" (`--set demis.pitch=45`):
 * PROFILE is a profile's id or name (any case), KEY one of the sound settings
 * (mandarin, english, variant, rate, pitch, range, volume), VALUE checked as in a .voice
 * file.  Errors (RC_USAGE) name the --set and the remedy: the profiles there are, the
 * keys, the range. */
int voices_override(struct voice_set *vs, const char *spec, struct rc_error *err);

/* Index of the host (role = host), or the first speaker if none says host. */
int voices_host(const struct voice_set *vs);

/* The voices directory to use when none is given: $RECAST_VOICES, else ../voices next
 * to the executable (a build tree), else /usr/local/share/recast/voices. Returned string
 * is owned by the caller. */
char *voices_default_dir(void);

const char *voice_role_name(enum voice_role r);

#endif
