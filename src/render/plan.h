/* plan.h: the render's jobs: what to synthesize, in programme order, and the cache keys
 * that say what shaped each job's PCM and packets.  See context.h. */
#ifndef RECAST_RENDER_PLAN_H
#define RECAST_RENDER_PLAN_H

#include "render/context.h"

/* The sections --section names, as [r->sec_first, r->sec_last) (all when none is named).
 * Errors: RC_USAGE for an unknown, ambiguous or non-adjacent section. */
int plan_sections(struct render *r, struct rc_error *err);

/* Fills r->jobs: the preface and section announcements (when asked), every turn (a long
 * one in parts cut at sentence ends), then one calibration job per profile that speaks.
 * Each job gets its plan and its synth key.  Needs r->vs, r->doc, r->lex and
 * r->espeak_version. */
void plan_jobs(struct render *r);

/* Sets every job's run key from its synth key, the encoder settings and r->gain_db. */
void plan_run_keys(struct render *r);

/* Frees the jobs and their records. */
void plan_free(struct render *r);

void job_info_free(struct job_info *in);

#endif
