/* cmd_list.c: recast list: a table of the sections with turns per speaker, characters and
 * the estimated duration. */
#include "cli/common.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "render/render.h"

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

/* Right-aligns a UTF-8 string in `width` display columns (a wider name is cut to fit). */
static void print_padded_left(const char *s, int width)
{
    int cols = 0;
    size_t end = 0;
    for (size_t i = 0, n = strlen(s); i < n;) {
        uint32_t cp;
        int l = utf8_decode(s + i, n - i, &cp);
        if (l == 0) l = 1, cp = '?';
        int w = (utf8_is_han(cp) || utf8_is_cjk_punct(cp)) ? 2 : 1;
        if (cols + w > width) break;
        cols += w;
        i += (size_t)l;
        end = i;
    }
    for (; cols < width; cols++) putchar(' ');
    fwrite(s, 1, end, stdout);
}

/* Who speaks with which voice, and why. */
static void print_casting(const struct document *doc, const struct voice_set *vs)
{
    printf("casting (labels: %s; language: %s)\n", doc->label_style, doc->lang == DOC_LANG_EN ? "English" : "Chinese");
    for (int k = 0; k < doc->n_speakers; k++) {
        const struct doc_speaker *sp = &doc->speakers[k];
        const struct voice_profile *p = &vs->profiles[sp->profile];
        printf("  ");
        print_padded(sp->name, 20);
        printf(" %-9s %4d turn%s  %s+%s pitch %d rate %d", *sp->role ? sp->role : "-", sp->turns, sp->turns == 1 ? " " : "s",
               doc->lang == DOC_LANG_EN ? p->english_voice : p->mandarin_voice, p->variant, p->pitch, p->rate_wpm);
        if (strcmp(sp->cast, "automatic") == 0) printf("  automatic");
        else printf("  %s %s", sp->cast, p->path);
        if (strcmp(sp->label, sp->name) != 0) printf("  (label \"%s\")", sp->label);
        printf("\n");
    }
    printf("\n");
}

static int cmd_list(int argc, char **argv)
{
    enum { O_CACHE = 256, O_LEXICON, O_SET, O_CAST };
    static const struct option longopts[] = {CLI_COMMON_OPTIONS, {"cache", required_argument, NULL, O_CACHE},
                                             {"lexicon", required_argument, NULL, O_LEXICON},
                                             {"set", required_argument, NULL, O_SET},
                                             {"cast", required_argument, NULL, O_CAST}, {0, 0, 0, 0}};
    struct render_options ro;
    render_options_default(&ro);
    const char **sets = xcalloc((size_t)argc, sizeof *sets);
    ro.voice_sets = sets;
    int c, rc = RC_OK;
    optind = 1;
    while (rc == RC_OK && (c = cli_getopt("list", argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case 'V': ro.voices_dir = optarg; break;
        case O_CACHE: ro.cache_dir = optarg; break;
        case O_LEXICON: ro.lexicon_path = optarg; break;
        case O_SET: sets[ro.n_voice_sets++] = optarg; break;
        case O_CAST:
            if (cli_add_cast("list", optarg) != RC_OK) rc = RC_USAGE;
            break;
        case 'h': free(sets); return cli_print_help("list");
        default: rc = RC_USAGE; break;
        }
    }
    if (rc == RC_OK && optind >= argc) rc = cli_usage_error("list", "missing the transcript FILE");
    if (rc == RC_OK && optind + 1 < argc) rc = cli_usage_error("list", "one transcript at a time (got '%s' too)", argv[optind + 1]);
    if (rc != RC_OK) {
        free(sets);
        return rc;
    }
    const char *path = argv[optind], *voices_dir = ro.voices_dir;
    ro.transcript = path;
    ro.casts = cli_casts(&ro.n_casts);
    struct voice_set vs;
    struct document doc;
    struct rc_error err = {0};
    if (cli_load_document(voices_dir, path, &vs, &doc, &err) != 0) {
        free(sets);
        return cli_report(&err);
    }
    /* what the cache already holds for a render with these voices and settings */
    struct render_section_status *status = NULL;
    int n_status = 0;
    struct rc_error serr = {0};
    if (render_status(&ro, &status, &n_status, &serr) != 0)
        fprintf(stderr, "recast: warning: cannot tell what is rendered: %s\n", serr.msg);
    free(sets);
    if (n_status != doc.n_sections) n_status = 0;

    printf("%s\n%s\n\n", path, doc.title);
    printf(" #  %-34s", "section");
    for (int k = 0; k < doc.n_speakers; k++) {
        putchar(' ');
        print_padded_left(doc.speakers[k].name, 9);
    }
    printf(" %7s %8s %9s  %s\n", "chars", "est.", "rendered", "line");
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
            secs += render_estimate_seconds(turn->text, vs.profiles[turn->speaker].rate_wpm);
        }
        printf("%2d  ", s);
        print_padded(*sec->title ? sec->title : "(untitled)", 34);
        for (int k = 0; k < doc.n_speakers; k++) printf(" %9d", per_speaker[doc.speakers[k].profile]);
        char d[32];
        format_duration(secs, d, sizeof d);
        char done[32] = "-";
        if (n_status && status[s].encoded == status[s].pieces && status[s].pieces) {
            format_duration(status[s].encoded_seconds, done, sizeof done);
        } else if (n_status && status[s].encoded) {
            snprintf(done, sizeof done, "%d/%d", status[s].encoded, status[s].pieces);
        }
        printf(" %7d %8s %9s  %d\n", chars, d, done, sec->line);
        total_chars += chars;
        total_s += secs;
        free(per_speaker);
    }
    printf("    %-34s", "total");
    for (int k = 0; k < doc.n_speakers; k++) printf(" %9d", per_speaker_total[doc.speakers[k].profile]);
    char d[32];
    format_duration(total_s, d, sizeof d);
    printf(" %7d %8s\n\n", total_chars, d);
    print_casting(&doc, &vs);
    int pieces = 0, encoded = 0, analysed = 0;
    double encoded_s = 0, analysed_s = 0;
    for (int k = 0; k < n_status; k++) {
        pieces += status[k].pieces, encoded += status[k].encoded, analysed += status[k].analysed;
        encoded_s += status[k].encoded_seconds, analysed_s += status[k].analysed_seconds;
    }
    if (n_status && analysed)
        printf("rendered: %d of %d pieces encoded with these voices and settings (%.1f min of speech, without "
               "pauses); %d synthesized (%.1f min)\n\n", encoded, pieces, encoded_s / 60, analysed, analysed_s / 60);
    else if (n_status)
        printf("rendered: nothing yet in the cache (%d pieces to render)\n\n", pieces);
    free(status);
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


const struct command cli_cmd_list = {
    "list", "show sections with turns per speaker, characters and estimated duration",
     "Usage: recast list [--voices DIR] [--cast NAME=PROFILE]... [--cache DIR] [--lexicon FILE]\n"
     "                   [--set PROFILE.KEY=VALUE]... FILE\n"
     "\n"
     "Prints a table of the transcript's sections: turns per speaker, characters of speech,\n"
     "an estimate of the spoken duration, how much of it the turn cache already holds\n"
     "encoded for a render with these voices and settings ('rendered': the duration when\n"
     "the whole section is there, else pieces done/all), and the source line of each section.\n"
     "Then the casting: every speaker found in the page, its role, turns and the voice it\n"
     "speaks with: a profile whose name or alias matches, a --cast choice, or an automatic\n"
     "voice (a distinct pitch level and variant for each speaker of the conversation).\n"
     "\n"
     "Options:\n"
     "  --cast NAME=PROFILE  speaker NAME (as listed) speaks with profile PROFILE (repeatable)\n"
     "  --voices DIR   voice profiles (default: $RECAST_VOICES, else the build's voices/)\n"
     "  --cache DIR    the turn cache to look in (default: as for render)\n"
     "  --lexicon FILE, --set PROFILE.KEY=VALUE  as for render: what the render would use\n"
     "\n"
     "Examples:\n"
     "  recast list transcripts/dwarkesh-hassabis-2024.zh.txt\n"
     "  recast list --cast 'Lex Fridman=dwarkesh' lex.md\n",
    cmd_list};
