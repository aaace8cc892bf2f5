/* pinyin_data.c: embeds data/pinyin/words.txt and data/pinyin/cedict.txt (see pinyin.h
 * and data/pinyin/README.md) as the read-only symbols recast_pinyin_words .. _end and
 * recast_pinyin_cedict .. _end, each followed by one NUL byte.  PINYIN_WORDS_PATH and
 * PINYIN_CEDICT_PATH are the files' absolute paths, set by the Makefile. */
#if !defined PINYIN_WORDS_PATH || !defined PINYIN_CEDICT_PATH
#error "build with -DPINYIN_WORDS_PATH=\"/abs/data/pinyin/words.txt\" -DPINYIN_CEDICT_PATH=... (see Makefile)"
#endif

__asm__(".section .rodata\n"
        ".global recast_pinyin_words\n"
        ".type recast_pinyin_words, @object\n"
        ".balign 16\n"
        "recast_pinyin_words:\n"
        ".incbin \"" PINYIN_WORDS_PATH "\"\n"
        ".global recast_pinyin_words_end\n"
        ".type recast_pinyin_words_end, @object\n"
        "recast_pinyin_words_end:\n"
        ".byte 0\n"
        ".balign 16\n"
        ".global recast_pinyin_cedict\n"
        ".type recast_pinyin_cedict, @object\n"
        "recast_pinyin_cedict:\n"
        ".incbin \"" PINYIN_CEDICT_PATH "\"\n"
        ".global recast_pinyin_cedict_end\n"
        ".type recast_pinyin_cedict_end, @object\n"
        "recast_pinyin_cedict_end:\n"
        ".byte 0\n"
        ".previous\n");
