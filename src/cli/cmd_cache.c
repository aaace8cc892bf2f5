/* cmd_cache.c: recast cache: the size of the turn cache; pruning. */
#include "cli/common.h"

#include <stdlib.h>
#include <string.h>

#include "render/cache.h"

static int cmd_cache(int argc, char **argv)
{
    enum { O_CACHE = 256, O_PRUNE, O_OLDER, O_CLEAR };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {"cache", required_argument, NULL, O_CACHE},
                                             {"prune", no_argument, NULL, O_PRUNE}, {"older-than", required_argument, NULL, O_OLDER},
                                             {"clear", no_argument, NULL, O_CLEAR}, {0, 0, 0, 0}};
    const char *dir = NULL;
    int prune = 0, days = 30, c;
    double v;
    optind = 1;
    while ((c = cli_getopt("cache", argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case O_CACHE: dir = optarg; break;
        case O_PRUNE: prune = 1; break;
        case O_OLDER:
            if (cli_parse_number("cache", "--older-than (days)", optarg, 0, 36500, &v)) return RC_USAGE;
            days = (int)v;
            break;
        case O_CLEAR: prune = 1, days = 0; break;
        case 'h': return cli_print_help("cache");
        default: return RC_USAGE;
        }
    }
    if (optind < argc) return cli_usage_error("cache", "unexpected argument '%s'", argv[optind]);
    int fallback = 0;
    char *d = dir ? xstrdup(dir) : cache_default_dir(&fallback);
    long long bytes, entries, removed, removed_temp;
    struct rc_error err = {0};
    int rc = fallback ? cache_check_private(d, 0, &err) : 0;
    if (rc == 0) rc = cache_stat(d, prune, days, &bytes, &entries, &removed, &removed_temp, &err);
    if (rc == 0) {
        printf("%s: %lld entries, %.1f MB\n", d, entries, bytes / 1e6);
        if (prune) printf("removed %lld entries not used for %d days\n", removed, days);
        if (removed_temp) printf("removed %lld temporary file(s) left by runs that died\n", removed_temp);
    }
    free(d);
    return rc ? cli_report(&err) : RC_OK;
}

const struct command cli_cmd_cache = {
    "cache", "show the size of the turn cache, prune old entries",
     "Usage: recast cache [--cache DIR] [--prune [--older-than DAYS] | --clear]\n"
     "\n"
     "recast render keeps every synthesized and encoded turn in a cache, keyed by a hash of\n"
     "everything that shaped it (text after the front end, voice profile, lexicon, encoder\n"
     "settings, recast and espeak-ng versions), so a re-render only redoes what changed.\n"
     "\n"
     "Options:\n"
     "  --cache DIR        the cache (default: $XDG_CACHE_HOME/recast or ~/.cache/recast;\n"
     "                     with neither HOME nor XDG_CACHE_HOME: ${TMPDIR:-/tmp}/recast-cache-UID,\n"
     "                     used only while it is this user's own directory with mode 0700)\n"
     "  --prune            remove entries not used for --older-than DAYS (default 30)\n"
     "  --clear            remove every entry\n"
     "Only the cache's own entries are removed: its directory carries a CACHEDIR.TAG\n"
     "written by recast, and a directory that is not a recast cache is refused (exit 66).\n"
     "\n"
     "Example:\n"
     "  recast cache --prune --older-than 7\n",
    cmd_cache};
