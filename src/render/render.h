/* render.h: the whole pipeline of `recast render`: transcript -> Ogg Opus podcast with
 * chapters, per-section clips and sidecar files.
 *
 *   parse -> front end (plan per turn) -> pass 1 in workers: synthesize, measure loudness
 *   (cached "info") -> one programme gain -> pass 2 in workers: synthesize, gain, limit,
 *   resample, encode (cached packet "run") -> mux runs and pauses (full file, clips)
 *   -> sidecars.
 * Everything is written to temporary files and renamed into place.  render_run() is the
 * pipeline step by step; the steps live in render/ (README.md there, context.h). */
#ifndef RECAST_RENDER_H
#define RECAST_RENDER_H

#include "base/util.h"
#include "config/episode.h"
#include "publish/sidecars.h"

/* Audio formats (--format): Ogg Opus (the default), AAC in MP4, MP3.  The first format
 * named is the episode's main file (the page's first <source>, the feed's enclosure). */
enum render_format { RENDER_OPUS, RENDER_M4A, RENDER_MP3 };
#define RENDER_N_FORMATS 3

struct render_options {
    const char *transcript;
    const char *output;       /* .opus path; NULL: out/<transcript stem>.opus.  With other
                                 formats, their files share its stem (out/x.m4a); an -o ending
                                 in .m4a or .mp3 without --format asks for that format */
    enum render_format formats[RENDER_N_FORMATS]; /* --format, in order, each once */
    int n_formats;            /* 0: Opus only (or the format -o names) */
    int m4a_bitrate_bps;      /* AAC bit rate, 16000..320000 (0: 64000; see avmux.h) */
    int mp3_bitrate_bps;      /* picks LAME's VBR quality (0: 64000; see avmux.h) */
    const char *feed_url;     /* --feed BASE-URL: also STEM.rss.xml; NULL: none */
    const char *clips_dir;    /* write one clip per section here; NULL: none */
    const char **sections;    /* --section S...: -o gets only these sections */
    int n_sections;
    const char *voices_dir;   /* NULL: default */
    const char *const *casts; /* --cast NAME=PROFILE overrides (config/casting.h); not owned */
    int n_casts;
    const char **voice_sets;  /* --set PROFILE.KEY=VALUE... for this run (voices_override) */
    int n_voice_sets;
    const char *lexicon_path; /* NULL: <voices>/lexicon.txt */
    const char *cache_dir;    /* NULL: default */
    int no_cache;
    int jobs;                 /* worker processes, >= 1 */
    int bitrate_bps;          /* 6000..256000 */
    int complexity;           /* 0..10 */
    double loudness_lufs;     /* programme target, -40..-10 */
    double true_peak_dbtp;    /* ceiling of the decoded file, -9..0 */
    int announce_sections;    /* narrator reads section titles */
    int preface;              /* narrator reads the preface before the opening */
    int html;                 /* also write the listening page */
    int progress;             /* 1 on, 0 off, -1 when stderr is a terminal */
    int quiet;                /* no summary on stderr */
    struct sidecar_layout captions; /* cue layout of the subtitles and the page */
    /* Episode metadata: the file meta_path (NULL: TRANSCRIPT's .meta.json if it exists;
     * no_meta: none), then every non-NULL field of `episode` on top (the options).
     * persons replace the file's when n_persons > 0.  Borrowed. */
    const char *meta_path;
    int no_meta;
    struct episode episode;
    /* recast render FILE... --shard I/N: render only shard I (0 <= I < N) of the
     * episodes' turns into the cache and write no podcast (shard_count 0: a whole
     * render).  See passes.h, pass_render_shard. */
    int shard_index, shard_count;
};

void render_options_default(struct render_options *o);

int render_run(const struct render_options *o, struct rc_error *err);

/* Several episodes in one run: each transcript rendered with the options `o`
 * (o->transcript and o->output are not used) into OUT_DIR/STEM.opus and its sidecars
 * (out_dir NULL: out/), each episode's outputs one set put in place on its own.  One
 * turn cache and one pool of o->jobs workers for all of them: the calibration texts of
 * every episode, then the turns of every episode (a piece of work two episodes share is
 * done once), so the workers never wait between episodes; then each episode is muxed and
 * published, with its summary.  With o->shard_count, only that shard of all their turns
 * is rendered and nothing is published.  Errors before any work: RC_USAGE when two
 * transcripts would write the same outputs; any episode's input errors.  With one
 * transcript and no out_dir, it is render_run(). */
int render_batch(const struct render_options *o, const char *const *transcripts, int n_transcripts,
                 const char *out_dir, struct rc_error *err);

/* Rough speaking time of a text in seconds at rate_wpm (recast list's estimate, and the
 * weight of each voice in the programme's output gain): about 3.5 Han characters a second
 * at 175 words per minute, pauses included; a Latin letter counts a third, a digit 0.7. */
double render_estimate_seconds(const char *text, int rate_wpm);

/* How much of a render is already in the cache, per section, without rendering anything
 * (recast list): the pieces (turn parts and narrator lines) it has, how many have their
 * analysis (so their duration is known) and how many their encoded packets, with the
 * options' voices and settings.  A missing cache counts nothing.  *out: [n_sections],
 * caller frees. */
struct render_section_status {
    int pieces;
    int analysed;            /* duration known (info record cached) */
    int encoded;             /* packets cached for these settings */
    double analysed_seconds; /* speech of the analysed pieces (without pauses) */
    double encoded_seconds;
};
int render_status(const struct render_options *o, struct render_section_status **out, int *n_sections,
                  struct rc_error *err);

#endif
