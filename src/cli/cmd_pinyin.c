/* cmd_pinyin.c: recast pinyin: how Mandarin text is read, word by word. */
#include "cli/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "speech/frontend.h"
#include "text/docjson.h"

json_t *cli_pinyin_words_json(const struct py_reading *r)
{
    static const char *const sources[] = {"lexicon", "table", "characters"};
    json_t *words = json_array();
    for (int w = 0; w < r->n_words; w++) {
        const struct py_word *pw = &r->words[w];
        struct strbuf py;
        sb_init(&py);
        for (int k = 0; k < pw->n_syllables; k++) sb_printf(&py, "%s%s", k ? " " : "", r->syllables[pw->first_syllable + k]);
        json_array_append_new(words, json_pack("{s:s%, s:s, s:s}", "word", r->han + pw->start, pw->len, "pinyin",
                                               sb_cstr(&py), "source", sources[pw->source]));
        sb_free(&py);
    }
    return words;
}

static int cmd_pinyin(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_OPTIONS, {"lexicon", required_argument, NULL, 'L'}, {"json", no_argument, NULL, 'j'}, {0, 0, 0, 0}};
    const char *voices_dir = NULL, *lexicon = NULL;
    int c, as_json = 0;
    optind = 1;
    while ((c = cli_getopt("pinyin", argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case 'V': voices_dir = optarg; break;
        case 'L': lexicon = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': return cli_print_help("pinyin");
        default: return RC_USAGE;
        }
    }
    if (optind >= argc) return cli_usage_error("pinyin", "missing the TEXT to read");
    if (optind + 1 < argc) return cli_usage_error("pinyin", "give the TEXT as one argument (quote it)");
    const char *text = argv[optind];
    struct rc_error err = {0};
    if (utf8_check("TEXT", text, strlen(text), &err) != 0) return cli_report(&err);
    struct voice_set vs;
    struct lexicon lex;
    if (cli_load_voices(voices_dir, &vs, &err) != 0) return cli_report(&err);
    if (cli_load_lexicon(lexicon, &vs, &lex, &err) == 0) {
        struct fe_plan plan;
        fe_plan_turn(text, &lex, &plan);
        json_t *segs = json_array();
        for (int i = 0; i < plan.n_segments; i++) {
            const struct fe_segment *seg = &plan.segments[i];
            if (as_json) {
                json_t *j = json_pack("{s:s, s:s}", "lang", lang_code(seg->lang), "text", seg->text);
                if (seg->lang == LANG_CMN) {
                    json_object_set_new(j, "han", json_string(seg->reading.han));
                    json_object_set_new(j, "words", cli_pinyin_words_json(&seg->reading));
                }
                json_array_append_new(segs, j);
            } else if (seg->lang == LANG_EN) {
                printf("%s\t(English)\n", seg->text);
            } else {
                json_t *words = cli_pinyin_words_json(&seg->reading);
                size_t k;
                json_t *w;
                json_array_foreach(words, k, w) {
                    const char *source = json_string_value(json_object_get(w, "source"));
                    printf("%s\t%s%s%s\n", json_string_value(json_object_get(w, "word")),
                           json_string_value(json_object_get(w, "pinyin")), strcmp(source, "table") ? "\t" : "",
                           strcmp(source, "table") ? source : "");
                }
                json_decref(words);
            }
        }
        if (as_json) {
            json_t *j = json_pack("{s:o}", "segments", segs);
            if (json_write_file(j, stdout) != 0) rc_fail(&err, RC_IOERR, "stdout: write error");
            json_decref(j);
        } else {
            json_decref(segs);
        }
        if (fflush(stdout) != 0 && !err.code) rc_fail(&err, RC_IOERR, "stdout: write error");
        fe_plan_free(&plan);
        lexicon_free(&lex);
    }
    voices_free(&vs);
    return err.code ? cli_report(&err) : RC_OK;
}

const struct command cli_cmd_pinyin = {
    "pinyin", "show how Mandarin text is read: its words and their pinyin",
     "Usage: recast pinyin [--json] [--voices DIR] [--lexicon FILE] TEXT\n"
     "\n"
     "Runs TEXT through the front end (numbers written out, English runs split off, the\n"
     "lexicon applied) and prints each Mandarin word with the pinyin espeak will be given:\n"
     "one line a word, WORD TAB PINYIN, then TAB lexicon or TAB characters when the reading\n"
     "comes from your lexicon or, for a word not in the built-in table, from its characters.\n"
     "English runs print as TEXT TAB (English).  Tones: 1-4, 5 = neutral, v = ü; 一 and 不\n"
     "are written with their sandhi (yi2 ge5, bu2 shi4); espeak applies 3-3 sandhi itself.\n"
     "\n"
     "A wrong reading is fixed in the lexicon, whole word, pinyin with a tone digit per\n"
     "character, no rebuild needed:\n"
     "  cmn 了解 = liao3 jie3\n"
     "\n"
     "Options:\n"
     "  --json            print {\"segments\": [{\"lang\", \"text\", \"han\", \"words\": [{\"word\",\n"
     "                    \"pinyin\", \"source\"}]}]} (the same fields as recast plan)\n"
     "  --lexicon FILE    pronunciation lexicon (default: DIR/lexicon.txt of the voices)\n"
     "  --voices DIR      voice profiles\n"
     "\n"
     "Examples:\n"
     "  recast pinyin '我认为这个问题很重要,一百万行代码'\n"
     "  recast pinyin '我們認為 Gemini 不是一個模型'\n",
     cmd_pinyin};
