/* libFuzzer target: the Mandarin reader (py_read) on arbitrary valid UTF-8, with a user
 * lexicon holding pinyin words.  Invariants: one syllable ([a-z]+[1-5]) per Han character
 * read, the words cover the syllables in order, han and text are valid UTF-8, text holds
 * no byte above ASCII outside [[...]]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "config/lexicon.h"
#include "speech/pinyin.h"

static struct lexicon lex;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded) {
        FILE *f = fopen("/tmp/recast-fuzz-pinyin-lex.txt", "w");
        if (!f) abort();
        fputs("cmn 了解 = liao3 jie3\ncmn 銀行 = yin2 hang2\ncmn 一 = yi1\n", f);
        fclose(f);
        struct rc_error err = {0};
        if (lexicon_load("/tmp/recast-fuzz-pinyin-lex.txt", &lex, &err) != 0) abort();
        loaded = 1;
    }
    struct rc_error err = {0};
    if (utf8_check("fuzz", (const char *)data, size, &err) != 0) return 0;
    struct py_reading r;
    py_read((const char *)data, size, &lex, &r);
    if ((size_t)r.n_syllables != utf8_length(r.han, strlen(r.han))) abort();
    if (utf8_check("han", r.han, strlen(r.han), &err) != 0 || utf8_check("text", r.text, strlen(r.text), &err) != 0)
        abort();
    int covered = 0;
    for (int w = 0; w < r.n_words; w++) {
        if (r.words[w].first_syllable != covered || r.words[w].n_syllables <= 0) abort();
        covered += r.words[w].n_syllables;
    }
    if (covered != r.n_syllables) abort();
    for (int s = 0; s < r.n_syllables; s++)
        if (!py_is_syllable(r.syllables[s], strlen(r.syllables[s]))) abort();
    int in_brackets = 0;
    for (const char *c = r.text; *c; c++) {
        if (c[0] == '[' && c[1] == '[') in_brackets = 1;
        if (c[0] == ']' && c[1] == ']') in_brackets = 0;
        if (!in_brackets && (unsigned char)*c >= 0x80) abort();
    }
    py_reading_free(&r);
    return 0;
}
