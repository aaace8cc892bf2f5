/* cmd_parse.c: recast parse: the parsed document as JSON. */
#include "cli/common.h"

#include <stdlib.h>
#include <string.h>

#include "text/docjson.h"

static int cmd_parse(int argc, char **argv)
{
    const char *voices_dir = NULL, *path = NULL;
    int help;
    int rc = cli_file_args("parse", argc, argv, &voices_dir, &path, &help);
    if (rc || help) return rc ? rc : cli_print_help("parse");
    struct voice_set vs;
    struct document doc;
    struct rc_error err = {0};
    if (cli_load_document(voices_dir, path, &vs, &doc, &err) != 0) return cli_report(&err);
    json_t *j = doc_to_json(&doc, &vs);
    rc = json_write_file(j, stdout) != 0 || fflush(stdout) != 0 ? RC_IOERR : RC_OK;
    if (rc) fprintf(stderr, "recast: stdout: write error\n");
    json_decref(j);
    doc_free(&doc);
    voices_free(&vs);
    return rc;
}

const struct command cli_cmd_parse = {
    "parse", "print the parsed transcript (sections, turns, preface, dropped lines) as JSON",
     "Usage: recast parse [--voices DIR] [--cast NAME=PROFILE]... FILE\n"
     "\n"
     "Parses a transcript (a scraped web page is fine) and prints the document as JSON:\n"
     "  {\"title\", \"source\", \"speakers\": [..], \"casting\": [{\"speaker\", \"label\", \"role\",\n"
     "   \"turns\", \"cast\", \"profile\", \"voice\", \"variant\", \"pitch\"}], \"labels\", \"language\",\n"
     "   \"sections\": [{\"index\", \"title\", \"line\",\n"
     "   \"turns\": [{\"index\", \"speaker\", \"text\", \"line\"}]}],\n"
     "   \"preface\": [{\"line\", \"text\"}], \"dropped\": [{\"line\", \"reason\"}],\n"
     "   \"warnings\": [{\"line\", \"message\"}]}\n"
     "Turn indexes count from 0 across the document; lines are 1-based source lines.\n"
     "\n"
     "How the page is read:\n"
     "  - a paragraph starting with a speaker label starts a turn. The labels are found from the\n"
     "    page itself: 'Name: text', 'Name：text', '**Name:** text', a name alone on a line\n"
     "    ('Name', '**Name**', 'Name (00:01:48)'), roles ('问：', 'Host:'), or the aliases in\n"
     "    DIR/*.voice ('Demis谢谢'); a legend 'Full Name (FN)' resolves abbreviations;\n"
     "  - every speaker gets a voice: a matching profile, --cast, or an automatic one ('casting');\n"
     "  - Markdown, HTML, links, images, URLs, code, tables, footnotes and timestamps are\n"
     "    never read;\n"
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
     "  --cast NAME=PROFILE  speaker NAME (as listed) speaks with profile PROFILE (repeatable)\n"
     "  --voices DIR   voice profiles to take speakers and labels from\n"
     "                 (default: $RECAST_VOICES, else the voices/ directory of the build)\n"
     "\n"
     "Examples:\n"
     "  recast parse transcripts/dwarkesh-hassabis-2024.zh.txt | jq '.sections[].title'\n"
     "  recast parse my-page.txt | jq '.dropped[] | \"\\(.line): \\(.reason)\"'\n",
    cmd_parse};
