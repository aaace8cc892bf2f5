/* libFuzzer target: the lexicon reader and the voice profile reader on arbitrary files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/lexicon.h"
#include "config/voices.h"

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/recast-fuzz-%d", (int)getpid());
        mkdir(dir, 0700);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/x.voice", dir);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct rc_error err = {0};
    struct lexicon lex;
    if (lexicon_load(path, &lex, &err) == 0) {
        struct strbuf sb;
        sb_init(&sb);
        lexicon_apply_cmn(&lex, "走进谷歌 DeepMind", strlen("走进谷歌 DeepMind"), &sb);
        sb_free(&sb);
        lexicon_free(&lex);
    } else if (err.code != RC_DATAERR) {
        abort();
    }
    struct voice_set vs;
    if (voices_load(dir, &vs, &err) == 0) voices_free(&vs);
    else if (err.code != RC_DATAERR) abort();
    return 0;
}
