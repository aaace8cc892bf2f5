/* publish.h: the outputs of a render as one set: the podcast (-o, or out/STEM.opus), one
 * clip per section (--clips DIR, named "NN-<safe title>.opus"), each in every format asked
 * for (--format: STEM.opus, STEM.m4a, STEM.mp3), the sidecars beside each (sidecars.h;
 * none beside a device such as /dev/null), the podcast's listening page (--html, page.h,
 * linking the clips relative to its folder, the M4A as its fallback source) and its feed
 * item (--feed BASE-URL: STEM.rss.xml, publish/feed.h).
 *
 * Two steps: publish_plan() decides every path, name and link (and creates the folders);
 * publish_outputs() writes the set.  Nothing else in render/ writes an output file, so
 * this is the one place that decides when the outputs appear: all together, or none
 * (base/outset.h).  Every file is written to a temporary file beside its target; only
 * when all are written does one short step rename them into place, with a journal that
 * lets the next run finish that step if a crash interrupts it.  A device or FIFO given
 * as -o (or "-", stdout) is written directly and has no sidecars.  See context.h. */
#ifndef RECAST_RENDER_PUBLISH_H
#define RECAST_RENDER_PUBLISH_H

#include <jansson.h>

#include "publish/page.h"
#include "render/context.h"

/* One audio file of the set (in every format) and what goes beside it. */
struct output_file {
    char *opus_path;          /* owned: the main format's file (r->formats[0]; Opus unless
                                 --format says otherwise), the one the sidecars are named by */
    char *other_paths[RENDER_N_FORMATS]; /* owned: [k] is r->formats[k]'s file, k >= 1 */
    int sec_first, sec_last;  /* the programme's sections it holds */
    int sidecars;             /* write STEM.vtt .srt .chapters.json .transcript.json .manifest.json */
    int page;                 /* and STEM.html */
    int is_clip;
    const char *title;        /* a clip's section title as written (borrowed); NULL for the podcast */
};

struct output_set {
    struct output_file *files; /* the clips in section order, then the podcast (last) */
    int n_files;
    struct page_clip *clips;   /* the page's clip links (hrefs borrowed from `hrefs`) */
    char **hrefs;              /* [n_clips] each clip relative to the podcast's folder (owned) */
    int n_clips;
    json_t *extra_files;       /* the podcast manifest's extra "files": {"clips": [...], "page": ...} */
};

/* The formats of the run, up front: --format, else the one -o names (x.m4a, x.mp3), else
 * Opus; into r->formats.  RC_USAGE for a format given twice, an -o naming a format not
 * asked for, or M4A/MP3 to stdout or a device (their muxers seek back). */
int publish_formats(struct render *r, struct rc_error *err);

/* Plans the set for r's options (needs r->sec_first/sec_last and the document) and
 * creates the folders it needs.  Errors: RC_CANTCREAT for a folder that cannot be made. */
int publish_plan(const struct render *r, struct output_set *set, struct rc_error *err);

/* Writes every file of the set (the programme is laid out, its packets are in the
 * cache), then puts them all in place.  On an error (which names the file) or an
 * interruption (SIGINT/SIGTERM/SIGHUP: checked between files, exit 128 + signal) before
 * that, every old output is left as it was and the temporary files are removed. */
int publish_outputs(const struct render *r, const struct output_set *set, struct rc_error *err);

/* Before anything else: finishes an output set of these options' outputs that a crash
 * interrupted while it was being put in place, and removes stale temporary files of
 * killed runs beside them (provably recast's: see outset.h).  Prints what it finished. */
int publish_recover(const struct render_options *o, struct rc_error *err);

/* Checks the planned names before any work: -o must not be the transcript or the
 * lexicon (nor may a sidecar's name), "-" takes no --html, and every name of the set must
 * fit in a file name (255 bytes).  RC_USAGE. */
int publish_check_options(const struct render_options *o, struct rc_error *err);

/* The stem of a transcript's outputs: its base name without the last extension
 * ("talks/x.zh.txt" -> "x.zh"); caller frees. */
char *publish_stem(const char *transcript);

/* The podcast: the last file of a planned set. */
const struct output_file *output_set_podcast(const struct output_set *set);

void output_set_free(struct output_set *set);

#endif
