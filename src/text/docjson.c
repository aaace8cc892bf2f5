/* docjson.c: see docjson.h. */
#include "text/docjson.h"

static json_t *notes_json(const struct doc_note *notes, int n, const char *text_key)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:i, s:s}", "line", notes[i].line, text_key, notes[i].text));
    return arr;
}

json_t *doc_to_json(const struct document *doc, const struct voice_set *vs)
{
    json_t *speakers = json_array(), *casting = json_array();
    for (int i = 0; i < doc->n_speakers; i++) {
        const struct doc_speaker *sp = &doc->speakers[i];
        const struct voice_profile *p = &vs->profiles[sp->profile];
        json_array_append_new(speakers, json_string(sp->name));
        json_array_append_new(casting, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:i}", "speaker", sp->name,
                                                 "label", sp->label, "role", sp->role, "turns", sp->turns, "cast",
                                                 sp->cast, "profile", p->id, "voice",
                                                 doc->lang == DOC_LANG_EN ? p->english_voice : p->mandarin_voice,
                                                 "variant", p->variant, "pitch", p->pitch));
    }
    json_t *sections = json_array();
    for (int s = 0; s < doc->n_sections; s++) {
        const struct doc_section *sec = &doc->sections[s];
        json_t *turns = json_array();
        for (int t = sec->first_turn; t < sec->first_turn + sec->n_turns; t++) {
            const struct doc_turn *turn = &doc->turns[t];
            json_array_append_new(turns, json_pack("{s:i, s:s, s:s, s:i}", "index", turn->index, "speaker",
                                                   vs->profiles[turn->speaker].name, "text", turn->text,
                                                   "line", turn->line));
        }
        json_array_append_new(sections, json_pack("{s:i, s:s, s:i, s:o}", "index", sec->index, "title",
                                                  sec->title, "line", sec->line, "turns", turns));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o}", "title", doc->title, "source", doc->path,
                     "speakers", speakers, "casting", casting, "labels", doc->label_style, "language",
                     doc->lang == DOC_LANG_EN ? "en" : "zh", "sections", sections, "preface",
                     notes_json(doc->preface, doc->n_preface, "text"), "dropped",
                     notes_json(doc->dropped, doc->n_dropped, "reason"), "warnings",
                     notes_json(doc->warnings, doc->n_warnings, "message"));
}

int json_write_file(const json_t *value, FILE *fp)
{
    if (json_dumpf(value, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) != 0) return -1;
    return fputc('\n', fp) == EOF ? -1 : 0;
}
