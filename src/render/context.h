/* context.h: the state of one `recast render`, shared by the parts of render/ and by
 * nothing outside it.  Each part fills its own block of fields, in pipeline order:
 *
 *   render.c     inputs: options, voices, document, lexicon, cache, encoder settings
 *   plan.c       jobs: what to synthesize (turns cut into parts, narrator lines,
 *                calibration texts) and their cache keys
 *   passes.c     the two worker passes: analysis records and packet runs in the cache
 *   programme.c  the programme gain, the items (runs and pauses) and the timeline
 *   mux.c        one Ogg Opus file from a span of the programme (or an M4A/MP3 from
 *                the same packets)
 *   publish.c    the output set (podcast, clips, sidecars, page) and putting it in place
 *   summary.c    the lines printed when a render succeeds
 *
 * Ownership: struct render owns everything it points to except `o` (the caller's
 * options); render.c frees it. */
#ifndef RECAST_RENDER_CONTEXT_H
#define RECAST_RENDER_CONTEXT_H

#include <time.h>

#include "audio/encode.h"
#include "config/lexicon.h"
#include "config/voices.h"
#include "render/cache.h"
#include "render/render.h"
#include "speech/frontend.h"
#include "text/parse.h"

#ifndef RECAST_VERSION
#define RECAST_VERSION "dev"
#endif

enum job_kind { JOB_TURN, JOB_ANNOUNCE, JOB_PREFACE, JOB_CALIBRATE /* pass 1 only, not heard */ };

/* What pass 1 learns about a job (cached as SYNTH_KEY.info.json). */
struct job_info {
    long long n_samples;      /* PCM at SYNTH_RATE */
    int n_clauses;
    long long *clause_start;  /* [n_clauses] samples at SYNTH_RATE */
    long long *clause_end;
    double lufs;              /* integrated loudness of the turn; -inf for silence */
    double sample_peak_dbfs;
    double speech_seconds;    /* sum of clause durations: its weight in the programme */
    int n_marks;              /* word starts (synth.h struct synth_mark), in time order */
    int *mark_clause, *mark_byte;
    long long *mark_sample;   /* samples at SYNTH_RATE */
};

/* One piece of synthesis: a turn (or a part of one), a narrator line or a calibration text. */
struct job {
    enum job_kind kind;
    int profile;
    int turn;                 /* document turn index (JOB_TURN), else -1 */
    int part;                 /* 0 for the first (or only) part of a turn */
    int section;              /* document section it belongs to */
    char *text;               /* owned */
    struct fe_plan plan;
    char synth_key[CACHE_KEY_HEX]; /* what shaped its PCM */
    char run_key[CACHE_KEY_HEX];   /* what shaped its packets (synth key + encoder + gain) */
    struct job_info info;
    long long packets;        /* its run's packet count, from info */
};

/* The programme is a sequence of items: a job's packet run, or pause packets. */
enum item_kind { ITEM_SILENCE, ITEM_RUN };
struct item {
    enum item_kind kind;
    long long packets;
    int job;                  /* ITEM_RUN */
    long long first_packet;   /* position in the programme */
};

struct render {
    /* inputs (render.c) */
    const struct render_options *o;
    struct voice_set vs;
    struct document doc;
    struct lexicon lex;
    struct cache cache;
    int cache_borrowed;       /* the cache is another episode's of the batch: not closed here */
    char input_sha256[CACHE_KEY_HEX];
    const char *espeak_version;
    struct encode_settings enc;
    int lookahead24;
    int sec_first, sec_last;  /* the sections -o gets: [sec_first, sec_last) */
    enum render_format formats[RENDER_N_FORMATS]; /* the audio formats written; [0] is the main file */
    int n_formats;
    struct timespec t0;
    struct episode ep;        /* the episode's metadata: the file, then the options */
    /* jobs (plan.c) */
    struct job *jobs;
    int n_jobs;
    /* passes (passes.c) */
    int n_rendered;           /* jobs the render pass encoded (the rest came from the cache) */
    int n_sized;              /* jobs before a clip analysed only for its pre-roll (--section) */
    int progress;
    int done_jobs, todo_jobs;
    double done_audio_seconds; /* audio rendered so far in this pass */
    const char *phase;
    /* programme (programme.c) */
    double *voice_gain_db;    /* [n_profiles] target minus the voice's calibration loudness */
    double gain_min_db, gain_max_db; /* the range of the turns' packet gains */
    double gain_db;           /* speech-weighted mean of the turns' packet gains (reports) */
    double header_gain_db;    /* OpusHead output gain: the residual */
    double voices_lufs;       /* the programme's loudness as the voices' calibration predicts it */
    double before_lufs, before_tp; /* the programme as synthesized */
    double encoded_lufs, encoded_tp; /* what the encoders were fed (after gain and limiter) */
    struct item *items;
    int n_items;
    long long total_packets;
    long long *section_start_packet; /* [n_sections + 1] boundaries */
    int n_unsized;            /* jobs laid out at their least length (not analysed) */
};

/* Seconds since the render started. */
static inline double render_elapsed_seconds(const struct render *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

#endif
