/* variants.h: the espeak-ng variants (timbres in espeak-ng-data/voices/!v) and whether
 * each keeps Mandarin tones.
 *
 * A variant file may set "pitch BASE MAX" (Hz; espeak's default is 80 to 118 Hz), and
 * "voicing N" (percent; whispering variants have little).  Mandarin tones are pitch
 * contours.  Measured with espeak-ng 1.51 (FINDINGS.md): the variants whose span
 * (MAX - BASE) is 0 or negative (robosoft6, robosoft8, AnxiousAndy, aunty) and the
 * whispered one (whisper, voicing 17) flatten the tones; default, m1, m7, m8, klatt,
 * Storm and david (a 27 Hz span) keep them.  So: a span <= 0 or voicing under
 * VARIANT_WHISPER_VOICING flattens; a span under VARIANT_MIN_SPAN_HZ or a breathy voice
 * (voicing under VARIANT_MIN_VOICING) keeps weaker tones; the rest keep them. */
#ifndef RECAST_VARIANTS_H
#define RECAST_VARIANTS_H

#include "base/util.h"

#define VARIANT_MIN_SPAN_HZ 30
#define VARIANT_MIN_VOICING 60
#define VARIANT_WHISPER_VOICING 20

enum variant_tones { TONES_KEPT, TONES_WEAKER, TONES_FLAT };

struct variant_info {
    char *name;        /* file name: the value of `variant =` in a profile */
    int base_hz, max_hz; /* pitch line, or espeak's defaults */
    int voicing;       /* percent, 100 unless the file says */
    int klatt;         /* uses the Klatt synthesizer */
    enum variant_tones tones;
};

/* Reads every variant of espeak-ng's data directory (synth_open() first), sorted by
 * name (case-insensitive).  The caller frees with variants_free(). */
int variants_list(struct variant_info **out, int *n, struct rc_error *err);

/* Reads one variant file (exposed for tests). */
int variant_read(const char *path, const char *name, struct variant_info *out, struct rc_error *err);

void variants_free(struct variant_info *v, int n);

#endif
