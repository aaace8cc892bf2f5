/* cli.c: command dispatch, option parsing and help texts.  Each command parses its
 * options into one struct, validates them up front, calls the pipeline stages and maps
 * their errors to exit codes. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docjson.h"
#include "parse.h"
#include "utf8.h"
#include "util.h"
#include "voices.h"

#ifndef RECAST_VERSION
#define RECAST_VERSION "dev"
#endif

struct command {
    const char *name;
    const char *summary;
    const char *help; /* full help: usage line, description, options, examples */
    int (*run)(int argc, char **argv);
};

static const struct command *find_command(const char *name);

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "recast%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'recast help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
    return RC_USAGE;
}

static int report(const struct rc_error *err)
{
    fprintf(stderr, "recast: %s\n", err->msg);
    return err->code ? err->code : RC_SOFTWARE;
}

/* Options every command that reads a transcript accepts. */
#define COMMON_LONG_OPTIONS {"voices", required_argument, NULL, 'V'}, {"help", no_argument, NULL, 'h'}

static int load_voices(const char *dir, struct voice_set *vs, struct rc_error *err)
{
    char *d = dir ? xstrdup(dir) : voices_default_dir();
    int rc = voices_load(d, vs, err);
    free(d);
    return rc;
}

static int print_help(const char *name)
{
    const struct command *c = find_command(name);
    if (!c) return usage_error(NULL, "unknown command '%s'", name);
    fputs(c->help, stdout);
    return RC_OK;
}

/* Parses the options shared by parse and list; returns the transcript path or NULL. */
static int common_args(const char *cmd, int argc, char **argv, const char **voices_dir,
                       const char **path, int *help)
{
    static const struct option longopts[] = {COMMON_LONG_OPTIONS, {0, 0, 0, 0}};
    int c;
    optind = 1;
    opterr = 0;
    *help = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'V': *voices_dir = optarg; break;
        case 'h': *help = 1; return 0;
        case ':': return usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return usage_error(cmd, "missing the transcript FILE");
    if (optind + 1 < argc) return usage_error(cmd, "one transcript at a time (got '%s' too)", argv[optind + 1]);
    *path = argv[optind];
    return 0;
}

static int load_document(const char *voices_dir, const char *path, struct voice_set *vs,
                         struct document *doc, struct rc_error *err)
{
    if (load_voices(voices_dir, vs, err) != 0) return -1;
    if (doc_parse_file(path, vs, doc, err) != 0) {
        voices_free(vs);
        return -1;
    }
    for (int i = 0; i < doc->n_warnings; i++)
        fprintf(stderr, "recast: %s:%d: warning: %s\n", path, doc->warnings[i].line, doc->warnings[i].text);
    return 0;
}

/* ---- recast parse ---- */

static int cmd_parse(int argc, char **argv)
{
    const char *voices_dir = NULL, *path = NULL;
    int help;
    int rc = common_args("parse", argc, argv, &voices_dir, &path, &help);
    if (rc || help) return rc ? rc : print_help("parse");
    struct voice_set vs;
    struct document doc;
    struct rc_error err = {0};
    if (load_document(voices_dir, path, &vs, &doc, &err) != 0) return report(&err);
    json_t *j = doc_to_json(&doc, &vs);
    rc = json_write_file(j, stdout) != 0 || fflush(stdout) != 0 ? RC_IOERR : RC_OK;
    if (rc) fprintf(stderr, "recast: stdout: write error\n");
    json_decref(j);
    doc_free(&doc);
    voices_free(&vs);
    return rc;
}

/* ---- recast list ---- */

/* Rough speaking time of a text: espeak reads about 4.4 Han characters a second at
 * 175 words per minute (measured on the bundled interview); Latin letters count a
 * third of a character. */
static double estimate_seconds(const char *text, int rate_wpm)
{
    double units = 0;
    for (size_t i = 0, n = strlen(text); i < n;) {
        uint32_t cp;
        int l = utf8_decode(text + i, n - i, &cp);
        if (l == 0) l = 1, cp = 0;
        if (utf8_is_han(cp)) units += 1;
        else if (cp < 128 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) units += 1.0 / 3;
        else if (cp >= '0' && cp <= '9') units += 0.7;
        i += (size_t)l;
    }
    return units / (4.4 * rate_wpm / 175.0);
}

static void format_duration(double s, char *buf, size_t n)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* Pads a UTF-8 string to `width` display columns (Han characters are two columns wide). */
static void print_padded(const char *s, int width)
{
    int cols = 0;
    for (size_t i = 0, n = strlen(s); i < n;) {
        uint32_t cp;
        int l = utf8_decode(s + i, n - i, &cp);
        if (l == 0) l = 1, cp = '?';
        cols += (utf8_is_han(cp) || utf8_is_cjk_punct(cp)) ? 2 : 1;
        i += (size_t)l;
    }
    fputs(s, stdout);
    for (; cols < width; cols++) putchar(' ');
}

static int cmd_list(int argc, char **argv)
{
    const char *voices_dir = NULL, *path = NULL;
    int help;
    int rc = common_args("list", argc, argv, &voices_dir, &path, &help);
    if (rc || help) return rc ? rc : print_help("list");
    struct voice_set vs;
    struct document doc;
    struct rc_error err = {0};
    if (load_document(voices_dir, path, &vs, &doc, &err) != 0) return report(&err);

    printf("%s\n%s\n\n", path, doc.title);
    printf(" #  %-34s", "section");
    for (int p = 0; p < vs.n_profiles; p++)
        if (vs.profiles[p].role != ROLE_NARRATOR) printf(" %9s", vs.profiles[p].name);
    printf(" %7s %8s  %s\n", "chars", "est.", "line");
    int total_chars = 0;
    double total_s = 0;
    int *per_speaker_total = xcalloc((size_t)vs.n_profiles, sizeof(int));
    for (int s = 0; s < doc.n_sections; s++) {
        const struct doc_section *sec = &doc.sections[s];
        int *per_speaker = xcalloc((size_t)vs.n_profiles, sizeof(int));
        int chars = 0;
        double secs = 0;
        for (int t = sec->first_turn; t < sec->first_turn + sec->n_turns; t++) {
            const struct doc_turn *turn = &doc.turns[t];
            per_speaker[turn->speaker]++;
            per_speaker_total[turn->speaker]++;
            chars += (int)utf8_length(turn->text, strlen(turn->text));
            secs += estimate_seconds(turn->text, vs.profiles[turn->speaker].rate_wpm);
        }
        printf("%2d  ", s);
        print_padded(*sec->title ? sec->title : "(untitled)", 34);
        for (int p = 0; p < vs.n_profiles; p++)
            if (vs.profiles[p].role != ROLE_NARRATOR) printf(" %9d", per_speaker[p]);
        char d[32];
        format_duration(secs, d, sizeof d);
        printf(" %7d %8s  %d\n", chars, d, sec->line);
        total_chars += chars;
        total_s += secs;
        free(per_speaker);
    }
    printf("    %-34s", "total");
    for (int p = 0; p < vs.n_profiles; p++)
        if (vs.profiles[p].role != ROLE_NARRATOR) printf(" %9d", per_speaker_total[p]);
    char d[32];
    format_duration(total_s, d, sizeof d);
    printf(" %7d %8s\n\n", total_chars, d);
    printf("%d sections, %d turns; %d preface paragraphs and %d dropped lines (see 'recast parse')",
           doc.n_sections, doc.n_turns, doc.n_preface, doc.n_dropped);
    if (doc.n_warnings) printf("; %d warning%s on stderr", doc.n_warnings, doc.n_warnings == 1 ? "" : "s");
    printf("\n");
    free(per_speaker_total);
    doc_free(&doc);
    voices_free(&vs);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "recast: stdout: write error\n");
        return RC_IOERR;
    }
    return RC_OK;
}

/* ---- help and dispatch ---- */

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    {"parse", "print the parsed transcript (sections, turns, preface, dropped lines) as JSON",
     "Usage: recast parse [--voices DIR] FILE\n"
     "\n"
     "Parses a transcript (a scraped web page is fine) and prints the document as JSON:\n"
     "  {\"title\", \"source\", \"speakers\": [..], \"sections\": [{\"index\", \"title\", \"line\",\n"
     "   \"turns\": [{\"index\", \"speaker\", \"text\", \"line\"}]}],\n"
     "   \"preface\": [{\"line\", \"text\"}], \"dropped\": [{\"line\", \"reason\"}],\n"
     "   \"warnings\": [{\"line\", \"message\"}]}\n"
     "Turn indexes count from 0 across the document; lines are 1-based source lines.\n"
     "\n"
     "How the page is read:\n"
     "  - a paragraph starting with a speaker label starts a turn: 'Demis谢谢', 'Dwarkesh 好的',\n"
     "    'Demis Hassabis: ...', 'Dwarkesh Patel：...'. Labels are the aliases in DIR/*.voice;\n"
     "  - a paragraph starting with ':' has lost its label: it goes to the other speaker\n"
     "    (alternation) with a warning naming the line;\n"
     "  - a paragraph without a label continues the current turn;\n"
     "  - a short stand-alone line before a labelled paragraph is a section heading;\n"
     "  - the host's unlabeled opening ('这是我与…的一集节目') is the first turn, in section 开场;\n"
     "  - the editor's note and introduction become 'preface' (not spoken by default);\n"
     "  - page furniture (the title repeated as captions, read counts, everything after the\n"
     "    dialogue) is dropped, and each dropped line is listed with its reason.\n"
     "\n"
     "Options:\n"
     "  --voices DIR   voice profiles to take speakers and labels from\n"
     "                 (default: $RECAST_VOICES, else the voices/ directory of the build)\n"
     "\n"
     "Examples:\n"
     "  recast parse transcripts/dwarkesh-hassabis-2024.zh.txt | jq '.sections[].title'\n"
     "  recast parse my-page.txt | jq '.dropped[] | \"\\(.line): \\(.reason)\"'\n",
     cmd_parse},
    {"list", "show sections with turns per speaker, characters and estimated duration",
     "Usage: recast list [--voices DIR] FILE\n"
     "\n"
     "Prints a table of the transcript's sections: turns per speaker, characters of speech,\n"
     "an estimate of the spoken duration and the source line of each section.\n"
     "\n"
     "Options:\n"
     "  --voices DIR   voice profiles (default: $RECAST_VOICES, else the build's voices/)\n"
     "\n"
     "Example:\n"
     "  recast list transcripts/dwarkesh-hassabis-2024.zh.txt\n",
     cmd_list},
    {"help", "show help for a command", "Usage: recast help [COMMAND]\n", cmd_help},
};
#define N_COMMANDS (int)(sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void print_main_help(FILE *fp)
{
    fprintf(fp,
            "recast %s: rebuild a podcast from an interview transcript\n"
            "\n"
            "Usage: recast COMMAND [OPTIONS] FILE\n"
            "\n"
            "Commands:\n",
            RECAST_VERSION);
    for (int i = 0; i < N_COMMANDS; i++) fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp,
            "\n"
            "Run 'recast help COMMAND' for a command's options and examples.\n"
            "\n"
            "Exit status: 0 ok, 64 usage error, 65 bad input data, 66 cannot open input,\n"
            "69 a voice or espeak-ng data is unavailable, 70 internal error, 73 cannot create\n"
            "output, 74 I/O error, 130/143 interrupted.\n"
            "\n"
            "Example:\n"
            "  recast list transcripts/dwarkesh-hassabis-2024.zh.txt\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stdout);
        return RC_OK;
    }
    return print_help(argv[1]);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stderr);
        return RC_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_main_help(stdout);
        return RC_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("recast %s\n", RECAST_VERSION);
        return RC_OK;
    }
    const struct command *c = find_command(name);
    if (!c) return usage_error(NULL, "unknown command '%s'", name);
    return c->run(argc - 1, argv + 1);
}
