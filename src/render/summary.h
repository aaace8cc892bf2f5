/* summary.h: what a successful render prints on stderr: the turns and how many came from
 * the cache, the audio's length and the time taken, the loudness chain, the files
 * written and the clips.  See context.h. */
#ifndef RECAST_RENDER_SUMMARY_H
#define RECAST_RENDER_SUMMARY_H

#include "render/context.h"
#include "render/publish.h"

void summary_print(const struct render *r, const struct output_set *set);

#endif
