/* wavfile.h: WAV output with libsndfile (16-bit mono PCM), written atomically. */
#ifndef RECAST_WAVFILE_H
#define RECAST_WAVFILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Writes n samples at `rate` Hz to path (a temporary file renamed into place).
 * RC_CANTCREAT / RC_IOERR on failure, naming the path. */
int wav_write(const char *path, const int16_t *pcm, size_t n, int rate, struct rc_error *err);

#endif
