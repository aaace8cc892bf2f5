/* common.c: see common.h. */
#include "cli/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "recast%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'recast help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
    return RC_USAGE;
}

int cli_report(const struct rc_error *err)
{
    fprintf(stderr, "recast: %s\n", err->msg);
    return err->code ? err->code : RC_SOFTWARE;
}

int cli_print_help(const char *name)
{
    const struct command *c = cli_find_command(name);
    if (!c) return cli_usage_error(NULL, "unknown command '%s'", name);
    fputs(c->help, stdout);
    return RC_OK;
}

/* ---- option parsing ---- */

/* Edit distance (insertions, deletions, substitutions, adjacent swaps) of two short
 * ASCII strings; large for long ones. */
static int edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum { MAX = 40 };
    if (la >= MAX || lb >= MAX) return MAX;
    int d[MAX + 1][MAX + 1];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const struct option *const *)a)->name, (*(const struct option *const *)b)->name);
}

/* "--name=value" -> the length of "name" */
static size_t long_name_len(const char *arg) { return strcspn(arg + 2, "="); }

/* An unknown or ambiguous long option (getopt_long returned '?' with optopt 0). */
static int bad_long_option(const char *cmd, const char *arg, const struct option *longopts)
{
    const char *name = arg + 2;
    size_t len = long_name_len(arg);
    int n_opts = 0;
    while (longopts[n_opts].name) n_opts++;
    const struct option **matches = xcalloc((size_t)n_opts + 1, sizeof *matches);
    int n = 0;
    for (int i = 0; i < n_opts; i++)
        if (strncmp(longopts[i].name, name, len) == 0) matches[n++] = &longopts[i];
    if (n >= 2) {
        qsort(matches, (size_t)n, sizeof *matches, by_name);
        struct strbuf list;
        sb_init(&list);
        for (int i = 0; i < n; i++)
            sb_printf(&list, "%s--%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", matches[i]->name);
        cli_usage_error(cmd, "option '--%.*s' is ambiguous: it could be %s", (int)len, name, sb_cstr(&list));
        sb_free(&list);
        free(matches);
        return CLI_BAD_OPTION;
    }
    free(matches);
    const char *nearest = NULL;
    int best = 3;
    for (int i = 0; i < n_opts; i++) {
        int d = edit_distance(name, len, longopts[i].name, strlen(longopts[i].name));
        if (d < best && (size_t)d * 3 <= len + 1) best = d, nearest = longopts[i].name;
    }
    if (nearest) cli_usage_error(cmd, "unknown option '--%.*s' (did you mean --%s?)", (int)len, name, nearest);
    else cli_usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
    return CLI_BAD_OPTION;
}

/* The option of longopts that `arg` ("--abbrev..." ) names and whose value is val. */
static const struct option *long_option_named(const char *arg, int val, const struct option *longopts)
{
    if (strncmp(arg, "--", 2) != 0) return NULL;
    size_t len = long_name_len(arg);
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == val && strncmp(o->name, arg + 2, len) == 0 && len > 0) return o;
    return NULL;
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    char spec[128];
    snprintf(spec, sizeof spec, ":%s", shortopts);
    opterr = 0;
    int c = getopt_long(argc, argv, spec, longopts, NULL);
    if (c != '?' && c != ':') return c;
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    if (c == '?' && optopt == 0 && strncmp(arg, "--", 2) == 0) return bad_long_option(cmd, arg, longopts);
    const struct option *o = long_option_named(arg, optopt, longopts);
    if (c == ':') {
        if (o) cli_usage_error(cmd, "option '--%s' needs a value", o->name);
        else cli_usage_error(cmd, "option '-%c' needs a value", optopt);
    } else if (o && strchr(arg, '=')) {
        cli_usage_error(cmd, "option '--%s' takes no value (got '%s')", o->name, arg);
    } else if (optopt > ' ' && optopt < 127) {
        cli_usage_error(cmd, "unknown option '-%c'", optopt);
    } else {
        cli_usage_error(cmd, "unknown option '%s'", arg);
    }
    return CLI_BAD_OPTION;
}

int cli_parse_number(const char *cmd, const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= lo && v <= hi)) {
        cli_usage_error(cmd, "%s must be a number in the range %g to %g, got '%s'", opt, lo, hi, arg);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- inputs ---- */

int cli_load_voices(const char *dir, struct voice_set *vs, struct rc_error *err)
{
    char *d = dir ? xstrdup(dir) : voices_default_dir();
    int rc = voices_load(d, vs, err);
    free(d);
    return rc;
}

static const char *cast_args[64];
static int n_cast_args;

int cli_add_cast(const char *cmd, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage_error(cmd, "--cast needs NAME=PROFILE (a speaker as 'recast list' shows it = a profile id), got '%s'", arg);
    if (n_cast_args == (int)(sizeof cast_args / sizeof cast_args[0]))
        return cli_usage_error(cmd, "--cast given more than %d times", (int)(sizeof cast_args / sizeof cast_args[0]));
    cast_args[n_cast_args++] = arg;
    return RC_OK;
}

const char *const *cli_casts(int *n)
{
    *n = n_cast_args;
    return cast_args;
}

int cli_load_document(const char *voices_dir, const char *path, struct voice_set *vs, struct document *doc,
                      struct rc_error *err)
{
    if (cli_load_voices(voices_dir, vs, err) != 0) return -1;
    vs->casts = cli_casts(&vs->n_casts);
    if (doc_parse_file(path, vs, doc, err) != 0) {
        voices_free(vs);
        return -1;
    }
    for (int i = 0; i < doc->n_warnings; i++)
        fprintf(stderr, "recast: %s:%d: warning: %s\n", path, doc->warnings[i].line, doc->warnings[i].text);
    return 0;
}

int cli_load_lexicon(const char *path, const struct voice_set *vs, struct lexicon *lex, struct rc_error *err)
{
    if (path) return lexicon_load(path, lex, err);
    struct strbuf def;
    sb_init(&def);
    sb_printf(&def, "%s/lexicon.txt", vs->dir);
    int rc = lexicon_load_optional(sb_cstr(&def), lex, err);
    sb_free(&def);
    return rc;
}

int cli_file_args(const char *cmd, int argc, char **argv, const char **voices_dir, const char **path, int *help)
{
    static const struct option longopts[] = {CLI_COMMON_OPTIONS, {"cast", required_argument, NULL, 'C'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    *help = 0;
    while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case 'V': *voices_dir = optarg; break;
        case 'C':
            if (cli_add_cast(cmd, optarg) != RC_OK) return RC_USAGE;
            break;
        case 'h': *help = 1; return RC_OK;
        default: return RC_USAGE;
        }
    }
    if (optind >= argc) return cli_usage_error(cmd, "missing the transcript FILE");
    if (optind + 1 < argc) return cli_usage_error(cmd, "one transcript at a time (got '%s' too)", argv[optind + 1]);
    *path = argv[optind];
    return RC_OK;
}
