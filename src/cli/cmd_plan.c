/* cmd_plan.c: recast plan: what espeak-ng will be asked to say, with its phonemes (JSON). */
#include "cli/common.h"

#include <stdlib.h>
#include <string.h>

#include "speech/frontend.h"
#include "speech/synth.h"
#include "text/docjson.h"
#include "text/section_find.h"

/* ---- recast plan ---- */

struct plan_options {
    const char *voices_dir, *lexicon, *path, *section;
    long turn; /* -1: all */
};

static int cmd_plan(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_OPTIONS, {"lexicon", required_argument, NULL, 'L'}, {"section", required_argument, NULL, 's'},
        {"turn", required_argument, NULL, 't'}, {0, 0, 0, 0}};
    struct plan_options o = {.turn = -1};
    int c;
    optind = 1;
    while ((c = cli_getopt("plan", argc, argv, "hs:t:", longopts)) != -1) {
        switch (c) {
        case 'V': o.voices_dir = optarg; break;
        case 'L': o.lexicon = optarg; break;
        case 's': o.section = optarg; break;
        case 't': {
            char *end;
            o.turn = strtol(optarg, &end, 10);
            if (!*optarg || *end || o.turn < 0) return cli_usage_error("plan", "--turn needs a turn index (0 or more), got '%s'", optarg);
            break;
        }
        case 'h': return cli_print_help("plan");
        default: return RC_USAGE;
        }
    }
    if (optind >= argc) return cli_usage_error("plan", "missing the transcript FILE");
    o.path = argv[optind];
    struct voice_set vs;
    struct document doc;
    struct lexicon lex;
    struct rc_error err = {0};
    if (cli_load_document(o.voices_dir, o.path, &vs, &doc, &err) != 0) return cli_report(&err);
    int rc = RC_OK, section = -1;
    if (cli_load_lexicon(o.lexicon, &vs, &lex, &err) != 0) goto done_doc;
    if (o.section && (section = section_find(&doc, "--section", o.section, &err)) < 0) goto done;
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
        fe_plan_turn_lang(turn->text, &lex, doc.lang == DOC_LANG_EN, &plan);
        json_t *segs = json_array();
        for (int i = 0; i < plan.n_segments; i++) {
            struct strbuf ph, voice;
            sb_init(&ph), sb_init(&voice);
            synth_voice_spec(p, plan.segments[i].lang, &voice);
            if (synth_phonemes(p, plan.segments[i].lang, plan.segments[i].text, &ph, &err) != 0) break;
            json_t *seg = json_pack("{s:s, s:s, s:s, s:s, s:i}", "lang", lang_code(plan.segments[i].lang), "text",
                                    plan.segments[i].text, "phonemes", sb_cstr(&ph), "voice", sb_cstr(&voice),
                                    "clause", plan.segments[i].clause);
            if (plan.segments[i].lang == LANG_CMN) {
                json_object_set_new(seg, "han", json_string(plan.segments[i].reading.han));
                json_object_set_new(seg, "words", cli_pinyin_words_json(&plan.segments[i].reading));
            }
            json_array_append_new(segs, seg);
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
    return err.code ? cli_report(&err) : rc;
}

const struct command cli_cmd_plan = {
    "plan", "show what espeak will be asked to say, turn by turn, with its phonemes (JSON)",
     "Usage: recast plan [--section S] [--turn N] [--voices DIR] [--lexicon FILE] FILE\n"
     "\n"
     "Runs the front end on each turn and prints, as JSON, exactly what goes to espeak-ng:\n"
     "  {\"turns\": [{\"index\", \"section\", \"speaker\", \"voice\", \"clauses\": [..],\n"
     "    \"segments\": [{\"lang\": \"cmn\"|\"en\", \"text\", \"phonemes\", \"voice\", \"clause\",\n"
     "    \"han\", \"words\"}]}]}\n"
     "'text' is passed to espeak as it is; 'phonemes' is espeak's reading of it with that voice\n"
     "(espeak_TextToPhonemes).  Check pronunciation here without listening: an English switch\n"
     "'(en)' inside a Mandarin segment, a name read wrongly.  A Mandarin segment's text is\n"
     "pinyin; it also has 'han' (the characters read, in order) and 'words' ([{\"word\",\n"
     "\"pinyin\", \"source\"}], see recast pinyin).\n"
     "\n"
     "The front end: clauses split at punctuation; Mandarin and Latin runs go to separate\n"
     "voices; numbers in Mandarin are written out (2010年 -> 二零一零年, 3.5% -> 百分之三点五);\n"
     "acronyms are spelled (AGI), CamelCase is split (DeepMind); the lexicon is applied.\n"
     "\n"
     "Options:\n"
     "  -s, --section S   only section S: its number, or its title or a part of it, any case\n"
     "  -t, --turn N      only turn N (an index from 0, as in 'recast parse')\n"
     "  --lexicon FILE    pronunciation lexicon (default: DIR/lexicon.txt of the voices)\n"
     "  --voices DIR      voice profiles (default: $RECAST_VOICES, else the build's voices/)\n"
     "\n"
     "Examples:\n"
     "  recast plan --turn 5 transcripts/dwarkesh-hassabis-2024.zh.txt\n"
     "  recast plan transcripts/dwarkesh-hassabis-2024.zh.txt | jq -r '.turns[].segments[] | select(.lang==\"en\") | .text' | sort | uniq -c\n",
    cmd_plan};
