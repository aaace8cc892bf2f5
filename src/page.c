/* page.c: placeholder until the listening page lands; see page.h. */
#include "page.h"

int page_write(const char *stem, const struct timeline *tl, const struct sidecar_info *info,
               const struct page_clip *clips, int n_clips, struct rc_error *err)
{
    (void)tl, (void)info, (void)clips, (void)n_clips;
    return rc_fail(err, RC_SOFTWARE, "%s.html: the listening page is not implemented yet", stem);
}
