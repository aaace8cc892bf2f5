/* common.h: what the commands of cli/ share.
 *
 * Each command lives in its own file (cmd_NAME.c) with its options table, its help text
 * and its run function, and exports one `struct command`; cli.c dispatches.  A command
 * parses its options into one struct, validates them up front, calls the pipeline and
 * returns an RC_ code (util.h); only main() exits. */
#ifndef RECAST_CLI_COMMON_H
#define RECAST_CLI_COMMON_H

#include <getopt.h>
#include <jansson.h>

#include "base/util.h"
#include "config/lexicon.h"
#include "config/voices.h"
#include "text/parse.h"

#ifndef RECAST_VERSION
#define RECAST_VERSION "dev"
#endif

struct command {
    const char *name;
    const char *summary; /* one line for the main help */
    const char *help;    /* full help: usage line, description, options, examples */
    int (*run)(int argc, char **argv); /* argv[0] is the command's name */
};

extern const struct command cli_cmd_parse, cli_cmd_list, cli_cmd_plan, cli_cmd_pinyin, cli_cmd_say, cli_cmd_render,
    cli_cmd_voices, cli_cmd_cache, cli_cmd_feed, cli_cmd_help;

/* The words of a Mandarin segment's reading as JSON: [{"word", "pinyin", "source"}]
 * (cmd_pinyin.c; recast plan shows them too).  The caller owns the array. */
struct py_reading;
json_t *cli_pinyin_words_json(const struct py_reading *r);

/* The command called `name`, or NULL. */
const struct command *cli_find_command(const char *name);

/* Prints "recast CMD: MESSAGE" and "Try 'recast help CMD'." on stderr; returns RC_USAGE.
 * cmd may be NULL (no command yet). */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints an error on stderr; returns its code (RC_SOFTWARE if it has none). */
int cli_report(const struct rc_error *err);

/* Prints a command's full help on stdout (RC_OK), or a usage error for an unknown one. */
int cli_print_help(const char *name);

/* Options every command that reads a transcript accepts (values 'V' and 'h'). */
#define CLI_COMMON_OPTIONS {"voices", required_argument, NULL, 'V'}, {"help", no_argument, NULL, 'h'}

/* The next option, as getopt_long() returns it (-1 after the last one; options and
 * operands may be mixed, GNU style, and a long option may be abbreviated to any unique
 * prefix).  Bad usage is reported on stderr here and returned as CLI_BAD_OPTION (the
 * caller returns RC_USAGE): an unknown option (with the nearest known one), an ambiguous
 * abbreviation (with every option it could be), a missing value, a value given to a flag.
 * Start each command's parse with optind = 1.  shortopts is as for getopt_long, without
 * a leading ':'. */
#define CLI_BAD_OPTION (-2)
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts);

/* --cast NAME=PROFILE: records an override for the transcript of this run (checked for
 * its form here, for its names when the transcript is cast).  RC_OK or RC_USAGE (reported). */
int cli_add_cast(const char *cmd, const char *arg);
/* The overrides recorded so far (argv strings). */
const char *const *cli_casts(int *n);

/* Parses [--voices DIR] [--cast NAME=PROFILE]... [--help] FILE: RC_OK with *path set or
 * *help = 1, or RC_USAGE (reported). */
int cli_file_args(const char *cmd, int argc, char **argv, const char **voices_dir, const char **path, int *help);

/* Parses a number in [lo, hi]; on failure prints a usage error naming the option and the
 * range and returns -1. */
int cli_parse_number(const char *cmd, const char *opt, const char *arg, double lo, double hi, double *out);

/* Loads the voices directory (NULL: voices_default_dir()). */
int cli_load_voices(const char *dir, struct voice_set *vs, struct rc_error *err);

/* Loads voices and parses the transcript, printing its warnings on stderr.  On success
 * the caller frees both (doc_free, voices_free); on failure nothing is left to free. */
int cli_load_document(const char *voices_dir, const char *path, struct voice_set *vs, struct document *doc,
                      struct rc_error *err);

/* The lexicon: `path`, else DIR/lexicon.txt of the voices directory (optional). */
int cli_load_lexicon(const char *path, const struct voice_set *vs, struct lexicon *lex, struct rc_error *err);

#endif
