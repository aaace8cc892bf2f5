/* cmd_say.c: recast say: one line through the whole front end into a WAV file. */
#include "cli/common.h"

#include <stdlib.h>
#include <string.h>

#include "audio/wavfile.h"
#include "base/utf8.h"
#include "speech/frontend.h"
#include "speech/synth.h"

static int cmd_say(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_OPTIONS, {"lexicon", required_argument, NULL, 'L'}, {"voice", required_argument, NULL, 'v'},
        {"output", required_argument, NULL, 'o'}, {"set", required_argument, NULL, 'S'}, {0, 0, 0, 0}};
    const char *voices_dir = NULL, *lexicon = NULL, *voice = NULL, *output = NULL;
    const char *sets[64];
    int c, n_sets = 0;
    optind = 1;
    while ((c = cli_getopt("say", argc, argv, "hv:o:", longopts)) != -1) {
        switch (c) {
        case 'V': voices_dir = optarg; break;
        case 'L': lexicon = optarg; break;
        case 'v': voice = optarg; break;
        case 'o': output = optarg; break;
        case 'S':
            if (n_sets == (int)(sizeof sets / sizeof sets[0])) return cli_usage_error("say", "--set given more than 64 times");
            sets[n_sets++] = optarg;
            break;
        case 'h': return cli_print_help("say");
        default: return RC_USAGE;
        }
    }
    if (optind >= argc) return cli_usage_error("say", "missing the TEXT to say");
    if (optind + 1 < argc) return cli_usage_error("say", "give the TEXT as one argument (quote it)");
    if (!output) return cli_usage_error("say", "missing -o FILE.wav");
    const char *text = argv[optind];
    struct rc_error err = {0};
    if (utf8_check("TEXT", text, strlen(text), &err) != 0) return cli_report(&err);
    struct voice_set vs;
    struct lexicon lex;
    if (cli_load_voices(voices_dir, &vs, &err) != 0) return cli_report(&err);
    for (int i = 0; i < n_sets; i++)
        if (voices_override(&vs, sets[i], &err) != 0) {
            voices_free(&vs);
            return cli_report(&err);
        }
    int who = voice ? voices_find(&vs, voice) : voices_host(&vs);
    if (who < 0) {
        struct strbuf names;
        sb_init(&names);
        for (int i = 0; i < vs.n_profiles; i++) sb_printf(&names, "%s%s", i ? ", " : "", vs.profiles[i].id);
        rc_fail(&err, RC_USAGE, "--voice %s: no such profile in %s (have: %s)", voice, vs.dir, sb_cstr(&names));
        sb_free(&names);
        voices_free(&vs);
        return cli_report(&err);
    }
    if (cli_load_lexicon(lexicon, &vs, &lex, &err) == 0) {
        struct fe_plan plan;
        struct turn_audio audio;
        fe_plan_turn(text, &lex, &plan);
        if (synth_check_profile(&vs.profiles[who], &err) == 0 &&
            synth_turn(&vs.profiles[who], &plan, &audio, &err) == 0) {
            if (wav_write(output, audio.pcm, audio.n_samples, SYNTH_RATE, &err) == 0)
                fprintf(stderr, "recast: %s: %.2f s, %d segments, voice %s (%s+%s pitch %d range %d rate %d)\n",
                        output, (double)audio.n_samples / SYNTH_RATE, plan.n_segments, vs.profiles[who].name,
                        vs.profiles[who].mandarin_voice, vs.profiles[who].variant, vs.profiles[who].pitch,
                        vs.profiles[who].range, vs.profiles[who].rate_wpm);
            turn_audio_free(&audio);
        }
        fe_plan_free(&plan);
        lexicon_free(&lex);
    }
    voices_free(&vs);
    synth_close();
    return err.code ? cli_report(&err) : RC_OK;
}

const struct command cli_cmd_say = {
    "say", "say one line through the whole front end into a WAV file",
     "Usage: recast say [--voice NAME] [--set PROFILE.KEY=VALUE]... [--voices DIR] [--lexicon FILE] TEXT -o FILE.wav\n"
     "\n"
     "Reads TEXT (Mandarin with English words and numbers) with a speaker's voice and\n"
     "writes 16-bit mono WAV at 22050 Hz.  The quickest way to hear a lexicon entry.\n"
     "\n"
     "Options:\n"
     "  -v, --voice NAME  a profile id or name (dwarkesh, demis, narrator; default: the host)\n"
     "  -o, --output FILE the WAV file to write (required)\n"
     "  --set PROFILE.KEY=VALUE  change a voice for this run only (KEY: mandarin, english,\n"
     "                    variant, rate, pitch, range, volume), e.g. --set demis.pitch=45\n"
     "  --lexicon FILE    pronunciation lexicon (default: DIR/lexicon.txt of the voices)\n"
     "  --voices DIR      voice profiles\n"
     "\n"
     "Example:\n"
     "  recast say --voice demis '我在 2010 年创立了 DeepMind,AGI 是目标。' -o demis.wav\n",
    cmd_say};
