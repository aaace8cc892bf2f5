/* casting.h: a voice for every speaker.
 *
 * A speaker found in a transcript speaks with, in this order:
 *   1. the profile named by an override "NAME=PROFILE" (recast --cast; vs->casts), NAME
 *      being the speaker's name or label (case-insensitive), PROFILE a profile's id or name;
 *   2. the profile whose name, id or alias matched it (found by the caller);
 *   3. an automatic voice from the casting pool, appended to the voice_set as a profile
 *      (path "(automatic casting)").
 * The pool has five pitch levels of two espeak-ng variants each, whose median F0 (measured
 * with scripts/median_f0.py on `recast say` output, Mandarin and English sentences) are at
 * least 25% apart in the table (15% on rendered turns, whose medians scatter), with pitch
 * range 50 (Mandarin tones need >= 40) and only variants that keep Mandarin tones
 * (FINDINGS.md: not whisper, robosoft, AnxiousAndy, aunty).  Speakers are cast in order of
 * first appearance; each takes the first pool voice, in a preference order that spreads F0
 * and variants, far enough in median F0 from every voice already cast in the conversation
 * (with more than five speakers: from every speaker it exchanges turns with) and, where one
 * is left, of a variant not yet used.  Deterministic: the same speakers in the same order
 * get the same voices.  English transcripts get the same variants with English voices. */
#ifndef RECAST_CASTING_H
#define RECAST_CASTING_H

#include "config/voices.h"

struct cast_speaker {
    const char *name;  /* display name */
    const char *label; /* as written in the page */
    int profile;       /* in: a matching profile or -1; out: the profile it speaks with */
    int role;          /* in: enum voice_role hint, or -1 */
    const char *how;   /* out: "profile", "--cast" or "automatic" */
};

/* Speakers of two adjacent turns (indexes into the cast_speaker array). */
struct cast_pair {
    int a, b;
};

/* Casts `n` speakers.  `english`: the transcript is English (the pool's English voice
 * reads everything).  Appends automatic profiles to `vs`.  RC_USAGE for an override that
 * names no speaker or no profile. */
int casting_assign(struct voice_set *vs, struct cast_speaker *speakers, int n, const struct cast_pair *pairs,
                   int n_pairs, int english, struct rc_error *err);

/* The median F0 (Hz) of a profile's voice, from the measured table of variants and pitches
 * (interpolated in pitch); 0 when its variant was not measured. */
double casting_median_f0(const struct voice_profile *p, int english);

#endif
