/* timeline.c: see timeline.h. */
#include "publish/timeline.h"

#include <stdlib.h>
#include <string.h>

void timeline_free(struct timeline *tl)
{
    for (int i = 0; i < tl->n_turns; i++) {
        for (int c = 0; c < tl->turns[i].n_clauses; c++) free(tl->turns[i].clauses[c].marks);
        free(tl->turns[i].clauses);
    }
    free(tl->turns);
    free(tl->sections);
    memset(tl, 0, sizeof *tl);
}

long long tl_ms(long long samples48) { return (samples48 * 1000 + TL_RATE / 2) / TL_RATE; }

double tl_seconds(long long samples48) { return (double)samples48 / TL_RATE; }
