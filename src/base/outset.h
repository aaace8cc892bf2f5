/* outset.h: a set of output files replaced all together or not at all.
 *
 * Between outset_begin() and outset_commit()/outset_abort(), atomic_commit() of a
 * regular file does not rename it into place: the temporary file (beside its target,
 * named .recast-PID-HOST-XXXXXX.NAME, see util.h) is flushed, fsynced and kept.  Nothing the
 * user sees has changed until outset_commit(), which
 *   1. checks that no target is a directory (nothing renamed if one is),
 *   2. writes the journal (the commit point): a file named .recast-journal.NAME in the
 *      journal directory listing every temporary -> target rename, fsynced,
 *   3. renames every temporary file onto its target and fsyncs their directories,
 *   4. removes the journal.
 * A failure before 2 (a write error, a full disk, an interruption: outset_abort())
 * leaves every old file as it was and removes the temporary files.  A crash (SIGKILL,
 * power loss) after 2 leaves the journal: outset_recover() on that directory, run by
 * the next render, finishes the renames, so the set ends all new.  A crash before 2
 * leaves only temporary files, which outset_recover() removes once their writer is dead.
 *
 * Commits into one journal directory are serialised (flock on the directory).  Only
 * one set can be open at a time (process-wide). */
#ifndef RECAST_OUTSET_H
#define RECAST_OUTSET_H

#include "base/util.h"

struct outset;

/* Starts a set whose journal will be journal_dir/.recast-journal.NAME. */
struct outset *outset_begin(const char *journal_dir, const char *name, struct rc_error *err);
/* Number of files staged so far. */
int outset_count(const struct outset *s);
/* The temporary file staged for the target `path` (the name given to atomic_open), or
 * NULL: what a file of the set written later (a feed listing sizes) reads before the set
 * is in place.  Borrowed until commit or abort. */
const char *outset_staged_path(const struct outset *s, const char *path);
/* Puts every staged file in place (see above) and frees the set.  On failure before the
 * journal was written, the set is aborted; after it, the journal stays for recovery. */
int outset_commit(struct outset *s, struct rc_error *err);
/* Removes the staged temporary files and frees the set (NULL is fine). */
void outset_abort(struct outset *s);

/* Finishes the sets interrupted after their commit point whose journals are in dir (their
 * writers dead), then removes the stale temporary files there (atomic_remove_stale).
 * Adds the files put in place to *finished and the temporary files removed to *removed.
 * A journal that is not recast's (wrong form, not a regular file of this user, a
 * temporary or target outside the rules above) is left alone. */
int outset_recover(const char *dir, long long *finished, long long *removed, struct rc_error *err);

#endif
