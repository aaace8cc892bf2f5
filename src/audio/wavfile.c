/* wavfile.c: see wavfile.h. */
#include "audio/wavfile.h"

#include <sndfile.h>
#include <string.h>

int wav_write(const char *path, const int16_t *pcm, size_t n, int rate, struct rc_error *err)
{
    struct atomic_file af;
    if (atomic_open(&af, path, err) != 0) return -1;
    if (af.fp == stdout) {
        atomic_abort(&af);
        return rc_fail(err, RC_USAGE, "a WAV file cannot go to stdout; give -o FILE.wav");
    }
    SF_INFO info = {.samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    fflush(af.fp);
    SNDFILE *sf = sf_open_fd(fileno(af.fp), SFM_WRITE, &info, 0);
    if (!sf) {
        /* the file is open already: what fails here is writing the header */
        rc_fail(err, RC_IOERR, "%s: write error: %s", path, sf_strerror(NULL));
        atomic_abort(&af);
        return -1;
    }
    sf_count_t wrote = sf_write_short(sf, pcm, (sf_count_t)n);
    int bad = wrote != (sf_count_t)n;
    char why[256];
    snprintf(why, sizeof why, "%s", sf_strerror(sf));
    if (sf_close(sf) != 0) bad = 1;
    if (bad) {
        atomic_abort(&af);
        return rc_fail(err, RC_IOERR, "%s: write error: %s", path, why);
    }
    return atomic_commit(&af, err);
}
