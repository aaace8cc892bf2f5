/* encode.h: one turn of speech PCM -> a run of Opus packets.
 *
 * Pipeline for one turn (everything here is pure: same input and settings give
 * the same bytes, and nothing depends on other turns, so turns encode in parallel):
 *
 *   int16 mono 22050 Hz --libsoxr HQ--> float 24000 Hz --x gain_linear-->
 *   true-peak limiter (ceiling_dbtp) --> fresh libopus encoder, 20 ms frames --> packets
 *
 * Units used in this header:
 *   "samples22"  samples at 22050 Hz (espeak-ng output, the input of this module)
 *   "samples24"  samples at 24000 Hz (what the Opus encoder is fed)
 *   "samples48"  samples at 48000 Hz (Ogg Opus granule positions, pre-skip, timeline)
 *   Opus frames are 20 ms = 480 samples24 = 960 samples48.
 *
 * Timing contract (shared with oggmux.h and the rest of recast):
 *   Let N = content_samples24 = round(n_samples22 * 24000 / 22050) and
 *   L = encode_lookahead24() (the encoder lookahead; 156 samples24 = 6.5 ms with
 *   libopus 1.3).  A run has F = ceil((N + L) / 480) packets: the N samples
 *   followed by zeros up to F*480, so that every content sample comes out of
 *   the decoder.  On the decoded timeline (after the stream pre-skip, which is
 *   2*L samples48 plus any clip pre-roll) the run spans exactly F*960 samples48
 *   and its content occupies the first 2*N samples48 of that span.  Runs start
 *   and end in silence (espeak turns carry ~300 ms of it), so independent runs
 *   can be concatenated: every join is in digital silence.
 *
 * Encoder configuration (fixed; see encode.c for the reasons):
 *   OPUS_APPLICATION_AUDIO, OPUS_SIGNAL_VOICE, mono, 24000 Hz input, 20 ms frames,
 *   unconstrained VBR at bitrate_bps, complexity from settings, LSB depth 16.
 *   AUDIO rather than VOIP: VOIP high-passes the input with a pitch-tracking
 *   filter (60-100 Hz) and biases mode decisions toward SILK for packet-loss
 *   robustness; a podcast file is not sent over a lossy link, and our male
 *   voices have F0 around 67-93 Hz, which that filter would thin out.  AUDIO
 *   only removes DC (3 Hz), and OPUS_SIGNAL_VOICE still tunes the mode and
 *   bandwidth decisions for speech.  Both have the same lookahead.
 *
 * Level: one gain for the whole programme (gain_linear, from loudness.h), then a
 * limiter that acts only around peaks that would exceed ceiling_dbtp after the
 * gain (see encode_limit below).  Per-turn gain changes never happen.  The
 * ceiling holds for the signal fed to the encoder; lossy coding then adds its
 * own overshoot (measured on synthetic speech at 24-48 kbit/s: -0.4..+0.8 dB,
 * decoded true peak always under 0 dBTP with the default -1 dBTP), which is
 * what the 1 dB of headroom is for.  Set a lower ceiling if the decoded file
 * itself must stay under -1 dBTP.
 *
 * Cost notes (libopus 1.3.1): complexity 10 encodes ~55-65x real time on one
 * core; the limiter adds ~5% when idle and ~15% on a turn it works hard on,
 * and needs 20 bytes per 24 kHz sample while it runs.  Digital silence is not
 * cheap without DTX: the silence packet at 32 kbit/s is 32 bytes (12.8 kbit/s),
 * the same as the silence inside a turn.  No global state: every function is
 * safe in threads and in forked workers.
 */
#ifndef RECAST_ENCODE_H
#define RECAST_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#define ENCODE_INPUT_RATE 22050 /* Hz: rate of the PCM given to encode_turn */
#define ENCODE_OPUS_RATE 24000  /* Hz: rate the Opus encoder runs at */
#define ENCODE_FRAME24 480      /* samples24 per 20 ms packet */
#define ENCODE_FRAME48 960      /* samples48 per 20 ms packet */
#define ENCODE_MAX_PACKET 1275  /* bytes: the largest 20 ms Opus packet (RFC 6716 3.2.1) */

struct encode_settings {
    int bitrate_bps;     /* Opus target bitrate, bit/s, 6000..510000 (default 32000) */
    int complexity;      /* Opus complexity 0..10 (default 10) */
    double gain_linear;  /* linear gain applied at 24 kHz before the limiter, > 0 (default 1) */
    double ceiling_dbtp; /* limiter ceiling, dB true peak, -20..0 (default -1) */
};

/* Fills *s with the defaults above. */
void encode_settings_default(struct encode_settings *s);

/* Checks ranges; RC_USAGE with a message naming the bad field. */
int encode_settings_check(const struct encode_settings *s, struct rc_error *err);

/* The packets of one turn.  Packet i is bytes[offsets[i] .. offsets[i]+sizes[i]).
 * All arrays are owned by the run and freed by packet_run_free().  A zeroed
 * struct (= {0}) is a valid empty run and safe to free. */
struct packet_run {
    int n_packets;
    size_t *offsets;      /* n_packets byte offsets into bytes */
    int *sizes;           /* n_packets sizes in bytes, each 1..ENCODE_MAX_PACKET */
    unsigned char *bytes; /* n_bytes bytes, the packets back to back */
    size_t n_bytes;
    int frame_samples48;         /* duration of every packet, samples48 (960) */
    long long content_samples24; /* N: content at the start of the run, samples24 */
};

/* Encoder lookahead L in samples24 for these settings (156 with libopus 1.3),
 * or -1 if an encoder cannot be created (settings out of range). */
int encode_lookahead24(const struct encode_settings *s);

/* Number of samples24 the 22050 Hz input of n_samples22 samples becomes (N). */
long long encode_content_samples24(size_t n_samples22);

/* The signal the encoder is fed, without encoding: resample to 24 kHz, apply
 * the gain and the limiter.  On success *out24 (float, full scale +-1.0,
 * caller frees) holds *n24 = encode_content_samples24(n_samples) samples24.
 * Exposed for measurement and tests; encode_turn uses exactly this. */
int encode_prepare(const int16_t *pcm22050, size_t n_samples, const struct encode_settings *s, float **out24,
                   size_t *n24, struct rc_error *err);

/* True-peak limiter, in place, on n samples of mono float audio at `rate` Hz.
 * Afterwards the true peak (4x oversampled with libsoxr) is at most
 * ceiling_dbtp.  Design: per-sample required gain min(1, ceiling/true peak),
 * an exponential release (50 ms), then a sliding minimum over +-2 ms and two
 * cascaded +-1 ms moving averages (a smooth S-shaped attack), so the gain
 * starts to fall 4 ms ahead of a peak (lookahead: the turn is processed whole,
 * so nothing is delayed), reaches the needed value at the peak, and never
 * exceeds the gain any sample within 4 ms needs.  The result is checked with the
 * same detector and the pass is repeated with a slightly lower internal target
 * if interpolation between samples left a peak over the ceiling.  The limiter
 * aims 0.1 dB under the ceiling (and leaves alone a signal already that low),
 * because BS.1770 meters interpolate differently: libebur128 reads up to
 * ~0.02 dB above libsoxr on the same signal.  Samples more
 * than 4 ms before or ~0.6 s after any over-ceiling peak are left bit-exact
 * (the release is cut to exactly 1 once the reduction is below 0.0001 dB).
 * If max_reduction_db is not NULL it receives the largest gain reduction
 * applied, in dB (0 when nothing was over the ceiling). */
int encode_limit(float *x, size_t n, int rate, double ceiling_dbtp, double *max_reduction_db,
                 struct rc_error *err);

/* Encodes one turn with a fresh encoder.  pcm22050: n_samples mono int16 at
 * 22050 Hz (may be 0).  On success *out (overwritten, not freed first) holds
 * F = ceil((N + L) / 480) packets, frame_samples48 = 960, content_samples24 = N.
 * The caller frees it with packet_run_free(). */
int encode_turn(const int16_t *pcm22050, size_t n_samples, const struct encode_settings *s,
                struct packet_run *out, struct rc_error *err);

/* encode_turn(), and also the loudness of exactly what the encoder was fed (after gain
 * and limiter, 24 kHz), in *encoded_level (NULL: not measured). */
struct loudness_result;
int encode_turn_measured(const int16_t *pcm22050, size_t n_samples, const struct encode_settings *s,
                         struct packet_run *out, struct loudness_result *encoded_level, struct rc_error *err);

/* The 20 ms digital-silence packet for these settings: an encoder fed zeros
 * until its output no longer changes, last packet taken.  buf must hold
 * ENCODE_MAX_PACKET bytes; *len receives the packet size in bytes. */
int encode_silence_packet(const struct encode_settings *s, unsigned char *buf, int *len,
                          struct rc_error *err);

/* Duration of a run in samples48 (n_packets * frame_samples48). */
long long packet_run_samples48(const struct packet_run *r);

/* Frees the arrays and zeroes *r.  NULL is fine. */
void packet_run_free(struct packet_run *r);

/* Serialisation for the cache.  The blob is a small Ogg stream (libogg framing,
 * so every page carries a CRC-32): a 36-byte header packet
 *   "RCPKTRUN", u32 version (1), u32 n_packets, u32 frame_samples48,
 *   u64 content_samples24, u64 n_bytes      (little-endian)
 * then one Ogg packet per Opus packet, the last page flagged end-of-stream.
 * packet_run_serialize appends the blob to *out (err: RC_SOFTWARE if libogg fails).
 * packet_run_deserialize rejects (RC_DATAERR) a blob that is truncated, has a
 * bad CRC, trailing bytes, or fields that disagree with the packets (each
 * packet's duration is checked with libopus).  On success *out is a new run the
 * caller frees; on failure *out is zeroed. */
int packet_run_serialize(const struct packet_run *r, struct strbuf *out, struct rc_error *err);
int packet_run_deserialize(const void *data, size_t len, struct packet_run *out, struct rc_error *err);

#endif
