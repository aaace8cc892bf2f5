/* synth.h: speech synthesis with libespeak-ng, in-process.
 *
 * libespeak-ng keeps global state and is not thread-safe: use it from one thread per
 * process (recast's parallel workers are processes).  synth_open() once per process.
 *
 * A turn is rendered segment by segment (one espeak_Synth call each, AUDIO_OUTPUT_
 * SYNCHRONOUS), with the voice and the speaker's rate/pitch/range/volume set before
 * every call (espeak's parameters are global and survive voice changes).  Each
 * segment's leading and trailing silence is trimmed and recast inserts its own pauses:
 * a short gap between the segments of a clause (a switch between Mandarin and English),
 * longer ones after a clause, a sentence and a paragraph, scaled by the speaker's rate.
 * A turn starts with SYNTH_LEAD_MS and ends with SYNTH_TAIL_MS of digital silence, so
 * independently encoded turns join in silence.
 *
 * Determinism: espeak's wave generator calls rand(); srand() is seeded before every
 * segment from a hash of the segment's text and voice settings.  espeak also carries
 * other state from one call to the next (measured: the same turn rendered again after
 * another came out 176 samples longer), and espeak_Terminate() can deadlock, so the
 * engine cannot be reset in-process.  A turn's PCM is a pure function of its plan and
 * profile when it is the first turn synthesized by a fresh process: recast renders each
 * turn in its own forked child (worker.h). */
#ifndef RECAST_SYNTH_H
#define RECAST_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "speech/frontend.h"
#include "base/util.h"
#include "config/voices.h"

#define SYNTH_RATE 22050  /* Hz, espeak-ng's output rate */
#define SYNTH_LEAD_MS 60  /* silence at the start of every turn */
#define SYNTH_TAIL_MS 300 /* silence at the end of every turn */

/* Where the synthesizer starts a word: byte display_byte of the display text of plan
 * clause `clause` is heard from sample `sample` of the turn's PCM.  Marks come from
 * espeak's own word events (espeakEVENT_WORD, sample offsets within each espeak_Synth
 * call), moved by the trimming and pauses synth_turn applies, so they are exact to the
 * sample.  Each segment's events are laid onto the words of the display run it reads
 * (fe_segment.display_from/to; a word is a Han character or a run of Latin letters and
 * digits): one to one when the counts agree (Han text, one pinyin token per character,
 * plain English), otherwise in proportion of their order (a spelled acronym, a number
 * written out), so a mark always sits at the start of a display word and its time at the
 * start of a word espeak says.  Every segment's first word has a mark at the segment's
 * first sample.  Marks are in time order. */
struct synth_mark {
    int clause;
    int display_byte;
    size_t sample;
};

/* The audio of one turn: mono 16-bit PCM at SYNTH_RATE, and where each clause of the
 * plan is heard (sample offsets into pcm; start == end for a clause with nothing to
 * say).  Owned by the caller; free with turn_audio_free(). */
struct turn_audio {
    int16_t *pcm;
    size_t n_samples;
    size_t *clause_start; /* [n_clauses] first sample of the clause's speech */
    size_t *clause_end;   /* [n_clauses] one past its last sample of speech */
    int n_clauses;
    struct synth_mark *marks; /* [n_marks] word starts, in time order */
    int n_marks;
};

/* Initialises libespeak-ng (RC_UNAVAILABLE if its data cannot be found). */
int synth_open(struct rc_error *err);
void synth_close(void);

/* The espeak-ng version string, e.g. "1.51". */
const char *synth_espeak_version(void);

/* Checks that a profile's voices and variant exist (RC_UNAVAILABLE naming the file) and
 * that its Mandarin voice reads pinyin (RC_DATAERR otherwise). */
int synth_check_profile(const struct voice_profile *p, struct rc_error *err);

/* Renders one planned turn. */
int synth_turn(const struct voice_profile *p, const struct fe_plan *plan, struct turn_audio *out,
               struct rc_error *err);

/* Appends espeak's phoneme mnemonics for text read by the profile's voice for lang
 * (espeak_TextToPhonemes; [[...]] phoneme input is copied as it is). */
int synth_phonemes(const struct voice_profile *p, enum lang lang, const char *text, struct strbuf *out,
                   struct rc_error *err);

/* The espeak voice specification used for a language: "cmn-latn-pinyin+m1". */
void synth_voice_spec(const struct voice_profile *p, enum lang lang, struct strbuf *out);

void turn_audio_free(struct turn_audio *a);

#endif
