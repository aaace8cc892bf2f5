/* docjson.h: the document as JSON (jansson), the format of `recast parse`. */
#ifndef RECAST_DOCJSON_H
#define RECAST_DOCJSON_H

#include <jansson.h>

#include "text/parse.h"
#include "config/voices.h"

/* {"title", "source", "speakers": [names], "sections": [{"index","title","line","turns":
 *  [{"index","speaker","text","line"}]}], "preface": [{"line","text"}],
 *  "dropped": [{"line","reason"}], "warnings": [{"line","message"}]}
 * Returns a new reference (caller json_decref()s). */
json_t *doc_to_json(const struct document *doc, const struct voice_set *vs);

/* Writes a JSON value to a FILE with recast's formatting (2-space indent, UTF-8 kept,
 * key order kept, newline at the end).  Returns 0 or -1 on a write error. */
int json_write_file(const json_t *value, FILE *fp);

#endif
