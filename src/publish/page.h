/* page.h: the listening page: one self-contained static HTML file beside the podcast.
 *
 * STEM.html holds an <audio> player for STEM.opus (a relative link), the chapter list
 * (click to seek), the whole transcript by speaker with the sentence being spoken
 * highlighted and scrolled into view, click-to-seek on every cue, and links to the
 * section clips.  No network assets: styles, script and data are inline, so it works
 * from file:// and from any static web server.
 *
 * What scripts and tests can rely on: the <audio> has id "player"; every cue of STEM.vtt is
 * an <a class="cue"> with the cue's id ("t<turn>-<seq>") and data-start/data-end in
 * seconds with three decimals; every chapter is an <a class="chapter" data-start>; the
 * highlighted cue has class "current" and aria-current="true" (the rule for pauses
 * between cues is in page.c); clip links are <a class="clip">.  STEM.html#t3-2 opens the
 * page at that cue.  tests/browser/page.test.mjs checks all of this in Chromium. */
#ifndef RECAST_PAGE_H
#define RECAST_PAGE_H

#include "publish/sidecars.h"
#include "publish/timeline.h"
#include "base/util.h"

/* One clip to link from the page: its path relative to the page, and its section. */
struct page_clip {
    const char *href;  /* e.g. "clips/05-Gemini-训练.opus" (relative to the page) */
    int section;       /* index into tl->sections */
};

/* Writes STEM.html atomically.  info gives the title and the audio file name (its
 * audio_basename); the cues are built from tl with sidecars_build_cues(), so the page
 * highlights exactly what STEM.vtt says. */
int page_write(const char *stem, const struct timeline *tl, const struct sidecar_info *info,
               const struct page_clip *clips, int n_clips, struct rc_error *err);

#endif
