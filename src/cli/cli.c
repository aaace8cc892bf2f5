/* cli.c: command dispatch, option parsing and help texts.  Each command parses its
 * options into one struct, validates them up front, calls the pipeline stages and maps
 * their errors to exit codes. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/cache.h"
#include "text/docjson.h"
#include "speech/frontend.h"
#include "config/lexicon.h"
#include "text/parse.h"
#include "render/render.h"
#include "speech/synth.h"
#include "base/utf8.h"
#include "base/util.h"
#include "config/voices.h"
#include "audio/wavfile.h"

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

/* Rough speaking time of a text: recast's voices read about 3.5 Han characters a second
 * at 175 words per minute, pauses included (measured: the bundled interview renders to
 * 85.4 minutes); Latin letters count a third of a character. */
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
    return units / (3.5 * rate_wpm / 175.0);
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


/* ---- shared by plan, say and render ---- */

/* The lexicon: --lexicon FILE, else DIR/lexicon.txt of the voices directory (optional). */
static int load_lexicon(const char *path, const struct voice_set *vs, struct lexicon *lex, struct rc_error *err)
{
    if (path) return lexicon_load(path, lex, err);
    struct strbuf def;
    sb_init(&def);
    sb_printf(&def, "%s/lexicon.txt", vs->dir);
    int rc = lexicon_load_optional(sb_cstr(&def), lex, err);
    sb_free(&def);
    return rc;
}

/* Resolves --section S: an index or a title (exact, then unique prefix). */
static int find_section(const struct document *doc, const char *s, struct rc_error *err)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s && !*end) {
        if (v < 0 || v >= doc->n_sections)
            return rc_fail(err, RC_USAGE, "--section %s: the transcript has sections 0 to %d", s, doc->n_sections - 1);
        return (int)v;
    }
    int found = -1, matches = 0;
    for (int i = 0; i < doc->n_sections; i++)
        if (strcmp(doc->sections[i].title, s) == 0) return i;
    for (int i = 0; i < doc->n_sections; i++)
        if (strncmp(doc->sections[i].title, s, strlen(s)) == 0) found = i, matches++;
    if (matches == 1) return found;
    return rc_fail(err, RC_USAGE, "--section \"%s\": %s section title (see 'recast list')", s,
                   matches ? "more than one" : "no");
}

/* ---- recast plan ---- */

struct plan_options {
    const char *voices_dir, *lexicon, *path, *section;
    long turn; /* -1: all */
};

static int cmd_plan(int argc, char **argv)
{
    static const struct option longopts[] = {
        COMMON_LONG_OPTIONS, {"lexicon", required_argument, NULL, 'L'}, {"section", required_argument, NULL, 's'},
        {"turn", required_argument, NULL, 't'}, {0, 0, 0, 0}};
    struct plan_options o = {.turn = -1};
    int c;
    optind = 1, opterr = 0;
    while ((c = getopt_long(argc, argv, ":hs:t:", longopts, NULL)) != -1) {
        switch (c) {
        case 'V': o.voices_dir = optarg; break;
        case 'L': o.lexicon = optarg; break;
        case 's': o.section = optarg; break;
        case 't': {
            char *end;
            o.turn = strtol(optarg, &end, 10);
            if (!*optarg || *end || o.turn < 0) return usage_error("plan", "--turn needs a turn index (0 or more), got '%s'", optarg);
            break;
        }
        case 'h': return print_help("plan");
        case ':': return usage_error("plan", "option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("plan", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return usage_error("plan", "missing the transcript FILE");
    o.path = argv[optind];
    struct voice_set vs;
    struct document doc;
    struct lexicon lex;
    struct rc_error err = {0};
    if (load_document(o.voices_dir, o.path, &vs, &doc, &err) != 0) return report(&err);
    int rc = RC_OK, section = -1;
    if (load_lexicon(o.lexicon, &vs, &lex, &err) != 0) goto done_doc;
    if (o.section && (section = find_section(&doc, o.section, &err)) < 0) goto done;
    if (o.turn >= doc.n_turns) {
        rc_fail(&err, RC_USAGE, "--turn %ld: the transcript has turns 0 to %d", o.turn, doc.n_turns - 1);
        goto done;
    }
    json_t *turns = json_array();
    for (int t = 0; t < doc.n_turns && err.code == 0; t++) {
        const struct doc_turn *turn = &doc.turns[t];
        if ((o.turn >= 0 && t != o.turn) || (section >= 0 && turn->section != section)) continue;
        const struct voice_profile *p = &vs.profiles[turn->speaker];
        struct fe_plan plan;
        fe_plan_turn(turn->text, &lex, &plan);
        json_t *segs = json_array();
        for (int i = 0; i < plan.n_segments; i++) {
            struct strbuf ph, voice;
            sb_init(&ph), sb_init(&voice);
            synth_voice_spec(p, plan.segments[i].lang, &voice);
            if (synth_phonemes(p, plan.segments[i].lang, plan.segments[i].text, &ph, &err) != 0) break;
            json_array_append_new(segs, json_pack("{s:s, s:s, s:s, s:s, s:i}", "lang", lang_code(plan.segments[i].lang),
                                                  "text", plan.segments[i].text, "phonemes", sb_cstr(&ph), "voice",
                                                  sb_cstr(&voice), "clause", plan.segments[i].clause));
            sb_free(&ph), sb_free(&voice);
        }
        json_t *clauses = json_array();
        for (int i = 0; i < plan.n_clauses; i++) json_array_append_new(clauses, json_string(plan.clauses[i].display));
        struct strbuf voice;
        sb_init(&voice);
        synth_voice_spec(p, LANG_CMN, &voice);
        json_array_append_new(turns, json_pack("{s:i, s:i, s:s, s:s, s:o, s:o}", "index", t, "section", turn->section,
                                               "speaker", p->name, "voice", sb_cstr(&voice), "clauses", clauses,
                                               "segments", segs));
        sb_free(&voice);
        fe_plan_free(&plan);
    }
    if (err.code == 0) {
        json_t *j = json_pack("{s:o}", "turns", turns);
        if (json_write_file(j, stdout) != 0 || fflush(stdout) != 0) rc_fail(&err, RC_IOERR, "stdout: write error");
        json_decref(j);
    } else {
        json_decref(turns);
    }
done:
    lexicon_free(&lex);
done_doc:
    doc_free(&doc);
    voices_free(&vs);
    synth_close();
    return err.code ? report(&err) : rc;
}

/* ---- recast say ---- */

static int cmd_say(int argc, char **argv)
{
    static const struct option longopts[] = {
        COMMON_LONG_OPTIONS, {"lexicon", required_argument, NULL, 'L'}, {"voice", required_argument, NULL, 'v'},
        {"output", required_argument, NULL, 'o'}, {0, 0, 0, 0}};
    const char *voices_dir = NULL, *lexicon = NULL, *voice = NULL, *output = NULL;
    int c;
    optind = 1, opterr = 0;
    while ((c = getopt_long(argc, argv, ":hv:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'V': voices_dir = optarg; break;
        case 'L': lexicon = optarg; break;
        case 'v': voice = optarg; break;
        case 'o': output = optarg; break;
        case 'h': return print_help("say");
        case ':': return usage_error("say", "option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("say", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return usage_error("say", "missing the TEXT to say");
    if (optind + 1 < argc) return usage_error("say", "give the TEXT as one argument (quote it)");
    if (!output) return usage_error("say", "missing -o FILE.wav");
    const char *text = argv[optind];
    struct rc_error err = {0};
    if (utf8_check("TEXT", text, strlen(text), &err) != 0) return report(&err);
    struct voice_set vs;
    struct lexicon lex;
    if (load_voices(voices_dir, &vs, &err) != 0) return report(&err);
    int who = voice ? voices_find(&vs, voice) : voices_host(&vs);
    if (who < 0) {
        struct strbuf names;
        sb_init(&names);
        for (int i = 0; i < vs.n_profiles; i++) sb_printf(&names, "%s%s", i ? ", " : "", vs.profiles[i].id);
        rc_fail(&err, RC_USAGE, "--voice %s: no such profile in %s (have: %s)", voice, vs.dir, sb_cstr(&names));
        sb_free(&names);
        voices_free(&vs);
        return report(&err);
    }
    if (load_lexicon(lexicon, &vs, &lex, &err) == 0) {
        struct fe_plan plan;
        struct turn_audio audio;
        fe_plan_turn(text, &lex, &plan);
        if (synth_check_profile(&vs.profiles[who], &err) == 0 &&
            synth_turn(&vs.profiles[who], &plan, &audio, &err) == 0) {
            if (wav_write(output, audio.pcm, audio.n_samples, SYNTH_RATE, &err) == 0)
                fprintf(stderr, "recast: %s: %.2f s, %d segments, voice %s\n", output,
                        (double)audio.n_samples / SYNTH_RATE, plan.n_segments, vs.profiles[who].name);
            turn_audio_free(&audio);
        }
        fe_plan_free(&plan);
        lexicon_free(&lex);
    }
    voices_free(&vs);
    synth_close();
    return err.code ? report(&err) : RC_OK;
}


/* ---- recast render ---- */

static int parse_number(const char *cmd, const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= lo && v <= hi)) {
        usage_error(cmd, "%s must be a number in the range %g to %g, got '%s'", opt, lo, hi, arg);
        return -1;
    }
    *out = v;
    return 0;
}

static int cmd_render(int argc, char **argv)
{
    enum { O_CLIPS = 256, O_BITRATE, O_COMPLEXITY, O_LOUDNESS, O_TRUE_PEAK, O_CACHE, O_NO_CACHE, O_ANNOUNCE,
           O_PREFACE, O_HTML, O_PROGRESS, O_LEXICON };
    static const struct option longopts[] = {
        COMMON_LONG_OPTIONS,
        {"output", required_argument, NULL, 'o'}, {"clips", required_argument, NULL, O_CLIPS},
        {"section", required_argument, NULL, 's'}, {"jobs", required_argument, NULL, 'j'},
        {"bitrate", required_argument, NULL, O_BITRATE}, {"complexity", required_argument, NULL, O_COMPLEXITY},
        {"loudness", required_argument, NULL, O_LOUDNESS}, {"true-peak", required_argument, NULL, O_TRUE_PEAK},
        {"cache", required_argument, NULL, O_CACHE}, {"no-cache", no_argument, NULL, O_NO_CACHE},
        {"announce-sections", no_argument, NULL, O_ANNOUNCE}, {"preface", no_argument, NULL, O_PREFACE},
        {"html", no_argument, NULL, O_HTML}, {"progress", no_argument, NULL, O_PROGRESS},
        {"quiet", no_argument, NULL, 'q'}, {"lexicon", required_argument, NULL, O_LEXICON}, {0, 0, 0, 0}};
    struct render_options o;
    render_options_default(&o);
    const char **sections = xcalloc((size_t)argc, sizeof *sections);
    o.sections = sections;
    int c, rc = RC_OK;
    double v;
    optind = 1, opterr = 0;
    while (rc == RC_OK && (c = getopt_long(argc, argv, ":ho:s:j:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'V': o.voices_dir = optarg; break;
        case 'o': o.output = optarg; break;
        case O_CLIPS: o.clips_dir = optarg; break;
        case 's': sections[o.n_sections++] = optarg; break;
        case 'j':
            if (parse_number("render", "-j/--jobs", optarg, 1, 64, &v)) rc = RC_USAGE;
            else o.jobs = (int)v;
            break;
        case O_BITRATE:
            if (parse_number("render", "--bitrate (kbit/s)", optarg, 6, 256, &v)) rc = RC_USAGE;
            else o.bitrate_bps = (int)(v * 1000);
            break;
        case O_COMPLEXITY:
            if (parse_number("render", "--complexity", optarg, 0, 10, &v) || v != (int)v) rc = RC_USAGE;
            else o.complexity = (int)v;
            break;
        case O_LOUDNESS:
            if (parse_number("render", "--loudness (LUFS)", optarg, -40, -10, &v)) rc = RC_USAGE;
            else o.loudness_lufs = v;
            break;
        case O_TRUE_PEAK:
            if (parse_number("render", "--true-peak (dBTP)", optarg, -9, 0, &v)) rc = RC_USAGE;
            else o.true_peak_dbtp = v;
            break;
        case O_CACHE: o.cache_dir = optarg; break;
        case O_NO_CACHE: o.no_cache = 1; break;
        case O_ANNOUNCE: o.announce_sections = 1; break;
        case O_PREFACE: o.preface = 1; break;
        case O_HTML: o.html = 1; break;
        case O_PROGRESS: o.progress = 1; break;
        case 'q': o.quiet = 1; break;
        case O_LEXICON: o.lexicon_path = optarg; break;
        case 'h': free(sections); return print_help("render");
        case ':': rc = usage_error("render", "option '%s' needs a value", argv[optind - 1]); break;
        default: rc = usage_error("render", "unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (rc == RC_OK && optind >= argc) rc = usage_error("render", "missing the transcript FILE");
    if (rc == RC_OK && optind + 1 < argc) rc = usage_error("render", "one transcript at a time (got '%s' too)", argv[optind + 1]);
    if (rc == RC_OK) {
        o.transcript = argv[optind];
        struct rc_error err = {0};
        if (render_run(&o, &err) != 0) rc = report(&err);
    }
    free(sections);
    return rc;
}


/* ---- recast cache ---- */

static int cmd_cache(int argc, char **argv)
{
    enum { O_CACHE = 256, O_PRUNE, O_OLDER, O_CLEAR };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {"cache", required_argument, NULL, O_CACHE},
                                             {"prune", no_argument, NULL, O_PRUNE}, {"older-than", required_argument, NULL, O_OLDER},
                                             {"clear", no_argument, NULL, O_CLEAR}, {0, 0, 0, 0}};
    const char *dir = NULL;
    int prune = 0, days = 30, c;
    double v;
    optind = 1, opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_CACHE: dir = optarg; break;
        case O_PRUNE: prune = 1; break;
        case O_OLDER:
            if (parse_number("cache", "--older-than (days)", optarg, 0, 36500, &v)) return RC_USAGE;
            days = (int)v;
            break;
        case O_CLEAR: prune = 1, days = 0; break;
        case 'h': return print_help("cache");
        case ':': return usage_error("cache", "option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("cache", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return usage_error("cache", "unexpected argument '%s'", argv[optind]);
    char *d = dir ? xstrdup(dir) : cache_default_dir();
    long long bytes, entries, removed;
    struct rc_error err = {0};
    int rc = cache_stat(d, prune, days, &bytes, &entries, &removed, &err);
    if (rc == 0) {
        printf("%s: %lld entries, %.1f MB\n", d, entries, bytes / 1e6);
        if (prune) printf("removed %lld entries not used for %d days\n", removed, days);
    }
    free(d);
    return rc ? report(&err) : RC_OK;
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
    {"plan", "show what espeak will be asked to say, turn by turn, with its phonemes (JSON)",
     "Usage: recast plan [--section S] [--turn N] [--voices DIR] [--lexicon FILE] FILE\n"
     "\n"
     "Runs the front end on each turn and prints, as JSON, exactly what goes to espeak-ng:\n"
     "  {\"turns\": [{\"index\", \"section\", \"speaker\", \"voice\", \"clauses\": [..],\n"
     "    \"segments\": [{\"lang\": \"cmn\"|\"en\", \"text\", \"phonemes\", \"voice\", \"clause\"}]}]}\n"
     "'text' is passed to espeak as it is; 'phonemes' is espeak's reading of it with that voice\n"
     "(espeak_TextToPhonemes).  Check pronunciation here without listening: an English switch\n"
     "'(en)' inside a Mandarin segment, digits left in Mandarin, a name read wrongly.\n"
     "\n"
     "The front end: clauses split at punctuation; Mandarin and Latin runs go to separate\n"
     "voices; numbers in Mandarin are written out (2010年 -> 二零一零年, 3.5% -> 百分之三点五);\n"
     "acronyms are spelled (AGI), CamelCase is split (DeepMind); the lexicon is applied.\n"
     "\n"
     "Options:\n"
     "  -s, --section S   only section S (an index from 0, or a title or its unique prefix)\n"
     "  -t, --turn N      only turn N (an index from 0, as in 'recast parse')\n"
     "  --lexicon FILE    pronunciation lexicon (default: DIR/lexicon.txt of the voices)\n"
     "  --voices DIR      voice profiles (default: $RECAST_VOICES, else the build's voices/)\n"
     "\n"
     "Examples:\n"
     "  recast plan --turn 5 transcripts/dwarkesh-hassabis-2024.zh.txt\n"
     "  recast plan transcripts/dwarkesh-hassabis-2024.zh.txt | jq -r '.turns[].segments[] | select(.lang==\"en\") | .text' | sort | uniq -c\n",
     cmd_plan},
    {"say", "say one line through the whole front end into a WAV file",
     "Usage: recast say [--voice NAME] [--voices DIR] [--lexicon FILE] TEXT -o FILE.wav\n"
     "\n"
     "Reads TEXT (Mandarin with English words and numbers) with a speaker's voice and\n"
     "writes 16-bit mono WAV at 22050 Hz.  The quickest way to hear a lexicon entry.\n"
     "\n"
     "Options:\n"
     "  -v, --voice NAME  a profile id or name (dwarkesh, demis, narrator; default: the host)\n"
     "  -o, --output FILE the WAV file to write (required)\n"
     "  --lexicon FILE    pronunciation lexicon (default: DIR/lexicon.txt of the voices)\n"
     "  --voices DIR      voice profiles\n"
     "\n"
     "Example:\n"
     "  recast say --voice demis '我在 2010 年创立了 DeepMind,AGI 是目标。' -o demis.wav\n",
     cmd_say},
    {"render", "render the podcast: Ogg Opus with chapters, clips per section, subtitles, manifest",
     "Usage: recast render [OPTIONS] FILE\n"
     "\n"
     "Renders the transcript into an Ogg Opus podcast (mono, 48 kHz playback) with one\n"
     "chapter per section, and beside it STEM.vtt and STEM.srt (subtitles, one cue per\n"
     "clause or sentence), STEM.chapters.json and STEM.transcript.json (Podcasting 2.0), and\n"
     "STEM.manifest.json (every turn's start and end, settings, versions, input hash).\n"
     "Each turn is synthesized and encoded in its own worker process and cached, so a\n"
     "re-render after an edit only redoes the turns that changed.\n"
     "\n"
     "Output:\n"
     "  -o, --output FILE       the podcast (default: out/<transcript stem>.opus)\n"
     "  --clips DIR             also write one clip per section: DIR/NN-<title>.opus with\n"
     "                          its own chapters and subtitles; cut from the same encoded\n"
     "                          audio (no re-encoding), sample-exact with the full file\n"
     "  -s, --section S         write only section S (an index from 0 or a title) to -o;\n"
     "                          repeat for adjacent sections\n"
     "  --html                  also write the listening page STEM.html\n"
     "Sound:\n"
     "  --bitrate KBPS          Opus bitrate, 6 to 256 kbit/s (default 32)\n"
     "  --complexity N          Opus complexity, 0 to 10 (default 10)\n"
     "  --loudness LUFS         programme loudness, -40 to -10 (default -19, podcast mono)\n"
     "  --true-peak DBTP        ceiling for the decoded file, -9 to 0 (default -1)\n"
     "  --announce-sections     the narrator reads each section's title at its start\n"
     "  --preface               the narrator reads the editor's note before the opening\n"
     "Speed:\n"
     "  -j, --jobs N            worker processes, 1 to 64 (default: the number of CPUs)\n"
     "  --cache DIR             turn cache (default: $XDG_CACHE_HOME/recast or ~/.cache/recast)\n"
     "  --no-cache              use a temporary cache, removed afterwards\n"
     "Other:\n"
     "  --progress              show progress even when stderr is not a terminal\n"
     "  -q, --quiet             print nothing but errors\n"
     "  --voices DIR            voice profiles and pause policy (default: the build's voices/)\n"
     "  --lexicon FILE          pronunciation lexicon (default: DIR/lexicon.txt)\n"
     "\n"
     "Examples:\n"
     "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --clips out/clips\n"
     "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --section 'Gemini 训练' -o gemini.opus\n"
     "  recast render my.txt -o my.opus --bitrate 24 --announce-sections -j 2\n",
     cmd_render},
    {"cache", "show the size of the turn cache, prune old entries",
     "Usage: recast cache [--cache DIR] [--prune [--older-than DAYS] | --clear]\n"
     "\n"
     "recast render keeps every synthesized and encoded turn in a cache, keyed by a hash of\n"
     "everything that shaped it (text after the front end, voice profile, lexicon, encoder\n"
     "settings, recast and espeak-ng versions), so a re-render only redoes what changed.\n"
     "\n"
     "Options:\n"
     "  --cache DIR        the cache (default: $XDG_CACHE_HOME/recast or ~/.cache/recast)\n"
     "  --prune            remove entries not used for --older-than DAYS (default 30)\n"
     "  --clear            remove every entry\n"
     "\n"
     "Example:\n"
     "  recast cache --prune --older-than 7\n",
     cmd_cache},
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
            "Examples:\n"
            "  recast list transcripts/dwarkesh-hassabis-2024.zh.txt\n"
            "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --clips out/clips --html\n");
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
