/* cmd_voices.c: recast voices: the profiles, the casting of a transcript and the espeak-ng
 * variants that keep Mandarin tones. */
#include "cli/common.h"

#include <stdlib.h>
#include <string.h>

#include "speech/synth.h"
#include "speech/variants.h"

static void print_profiles(const struct voice_set *vs)
{
    printf("Profiles in %s (edit the files, or try a change for one run: --set PROFILE.KEY=VALUE)\n", vs->dir);
    printf("  %-10s %-10s %-8s %-16s %-7s %-9s %4s %5s %5s %6s  %s\n", "profile", "name", "role", "mandarin",
           "english", "variant", "rate", "pitch", "range", "volume", "file");
    for (int i = 0; i < vs->n_profiles; i++) {
        const struct voice_profile *p = &vs->profiles[i];
        printf("  %-10s %-10s %-8s %-16s %-7s %-9s %4d %5d %5d %6d  %s\n", p->id, p->name, voice_role_name(p->role),
               p->mandarin_voice, p->english_voice, p->variant, p->rate_wpm, p->pitch, p->range, p->volume, p->path);
    }
}

static void print_casting(const char *path, const struct document *doc, const struct voice_set *vs)
{
    printf("\nCasting of %s (who speaks with which profile)\n", path);
    for (int p = 0; p < vs->n_profiles; p++) {
        int turns = 0, first_line = 0;
        for (int t = 0; t < doc->n_turns; t++)
            if (doc->turns[t].speaker == p && turns++ == 0) first_line = doc->turns[t].line;
        if (!turns) continue;
        const struct voice_profile *pr = &vs->profiles[p];
        printf("  %-10s -> %-10s %4d turns, first at line %d; %s+%s pitch %d range %d rate %d\n", pr->name, pr->id,
               turns, first_line, pr->mandarin_voice, pr->variant, pr->pitch, pr->range, pr->rate_wpm);
    }
}

/* One group of variants, four to a line. */
static void print_group(const struct variant_info *v, int n, enum variant_tones tones)
{
    int col = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].tones != tones) continue;
        char cell[80];
        int span = v[i].max_hz - v[i].base_hz;
        if (tones == TONES_KEPT) snprintf(cell, sizeof cell, "%s %d-%d Hz", v[i].name, v[i].base_hz, v[i].max_hz);
        else if (v[i].voicing < VARIANT_MIN_VOICING) snprintf(cell, sizeof cell, "%s (voicing %d%%)", v[i].name, v[i].voicing);
        else snprintf(cell, sizeof cell, "%s (span %d Hz)", v[i].name, span);
        printf("%s%-26s", col == 0 ? "  " : " ", cell);
        if (++col == 4) printf("\n"), col = 0;
    }
    if (col) printf("\n");
}

static int print_variants(const struct voice_set *vs, struct rc_error *err)
{
    struct variant_info *v;
    int n;
    if (variants_list(&v, &n, err) != 0) return -1;
    int count[3] = {0, 0, 0};
    for (int i = 0; i < n; i++) count[v[i].tones]++;
    printf("\nespeak-ng variants (voices/!v) for `variant =` or --set PROFILE.variant=NAME:\n");
    printf("keep Mandarin tones (%d: voiced, pitch span >= %d Hz)\n", count[TONES_KEPT], VARIANT_MIN_SPAN_HZ);
    print_group(v, n, TONES_KEPT);
    printf("keep weaker tones (%d: a narrower span or a breathy voice)\n", count[TONES_WEAKER]);
    print_group(v, n, TONES_WEAKER);
    printf("flatten the tones: not for Mandarin (%d: no pitch span, or whispered)\n", count[TONES_FLAT]);
    print_group(v, n, TONES_FLAT);
    for (int p = 0; p < vs->n_profiles; p++)
        for (int i = 0; i < n; i++)
            if (strcmp(v[i].name, vs->profiles[p].variant) == 0 && v[i].tones == TONES_FLAT)
                fprintf(stderr, "recast: warning: profile %s: variant %s flattens Mandarin tones\n", vs->profiles[p].id,
                        v[i].name);
    variants_free(v, n);
    return 0;
}

static int cmd_voices(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_OPTIONS, {"set", required_argument, NULL, 'S'}, {0, 0, 0, 0}};
    const char *voices_dir = NULL, **sets = xcalloc((size_t)argc, sizeof *sets);
    int n_sets = 0, c, rc = RC_OK;
    optind = 1;
    while (rc == RC_OK && (c = cli_getopt("voices", argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case 'V': voices_dir = optarg; break;
        case 'S': sets[n_sets++] = optarg; break;
        case 'h': free(sets); return cli_print_help("voices");
        default: rc = RC_USAGE; break;
        }
    }
    if (rc == RC_OK && optind + 1 < argc) rc = cli_usage_error("voices", "one transcript at a time (got '%s' too)", argv[optind + 1]);
    if (rc != RC_OK) {
        free(sets);
        return rc;
    }
    const char *path = optind < argc ? argv[optind] : NULL;
    struct voice_set vs;
    struct document doc;
    struct rc_error err = {0};
    if (cli_load_voices(voices_dir, &vs, &err) != 0) {
        free(sets);
        return cli_report(&err);
    }
    for (int i = 0; i < n_sets && err.code == 0; i++) voices_override(&vs, sets[i], &err);
    free(sets);
    if (err.code == 0) print_profiles(&vs);
    if (err.code == 0 && path && doc_parse_file(path, &vs, &doc, &err) == 0) {
        print_casting(path, &doc, &vs);
        doc_free(&doc);
    }
    if (err.code == 0) print_variants(&vs, &err);
    voices_free(&vs);
    synth_close();
    if (err.code == 0 && fflush(stdout) != 0) rc_fail(&err, RC_IOERR, "stdout: write error");
    return err.code ? cli_report(&err) : RC_OK;
}

const struct command cli_cmd_voices = {
    "voices", "show the voice profiles, who speaks with which, and the variants that keep Mandarin tones",
    "Usage: recast voices [--voices DIR] [--set PROFILE.KEY=VALUE]... [FILE]\n"
    "\n"
    "Lists the voice profiles (file, role, espeak-ng voices, variant, rate, pitch, range,\n"
    "volume), the casting of transcript FILE if one is given (each speaker's profile and\n"
    "turns), and espeak-ng's variants in three groups: those that keep Mandarin tones\n"
    "(voiced, a pitch span of at least 30 Hz), those that keep weaker tones (a narrower\n"
    "span, a breathy voice) and those that flatten them (no span, or whispered).\n"
    "\n"
    "Options:\n"
    "  --set PROFILE.KEY=VALUE  show the profiles as a run with these overrides would use\n"
    "                           them (the same --set as render and say)\n"
    "  --voices DIR             voice profiles (default: $RECAST_VOICES, else the build's voices/)\n"
    "\n"
    "Examples:\n"
    "  recast voices\n"
    "  recast voices transcripts/dwarkesh-hassabis-2024.zh.txt\n"
    "  recast say --voice demis --set demis.variant=m7 '我们今天讨论人工智能。' -o m7.wav\n",
    cmd_voices};
