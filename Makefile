# recast: build, test, render.  See README.md.
#   make            build build/recast
#   make podcast    install deps, build, render the bundled interview into out/
#   make test       install deps, build, run every test (last line: N passed, N failed)
#   make SANITIZE=1 ... build with ASan+UBSan into build-san/

PKGS     := espeak-ng sndfile opus ogg soxr libebur128 jansson nettle opencc libpng libjpeg \
            libavformat libavcodec libavutil libswresample libxml-2.0
CC       ?= gcc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes -MMD -MP
CFLAGS   += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
else
BUILD    ?= build
endif

VERSION  := $(shell cat VERSION)
CFLAGS   += -DRECAST_VERSION=\"$(VERSION)\" -Isrc
# the Mandarin word tables embedded by src/speech/pinyin_data.c (scripts/gen-pinyin-data.sh)
PINYIN_WORDS  := $(CURDIR)/data/pinyin/words.txt
PINYIN_CEDICT := $(CURDIR)/data/pinyin/cedict.txt
DATA_CFLAGS   := -DPINYIN_WORDS_PATH=\"$(PINYIN_WORDS)\" -DPINYIN_CEDICT_PATH=\"$(PINYIN_CEDICT)\"

SRC      := $(wildcard src/*/*.c)
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out src/cli/main.c,$(SRC)))
MAIN_OBJ := $(BUILD)/obj/cli/main.o
# The listening page's stylesheet and script, real files embedded as a generated C file.
PAGE_ASSETS := src/publish/page/page.css src/publish/page/page.js
PAGE_GEN    := $(BUILD)/gen/publish/page_assets.c
LIB_OBJ     += $(BUILD)/obj/publish/page_assets.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

TRANSCRIPT ?= transcripts/dwarkesh-hassabis-2024.zh.txt

.PHONY: all deps podcast test unit clean format fuzz
TOOL_BIN := $(BUILD)/tests/pinyin_measure $(BUILD)/tests/frontend_bench
all: $(BUILD)/recast $(UNIT_BIN) $(TOOL_BIN)

deps:
	@scripts/install-deps.sh

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(PAGE_GEN): scripts/embed-assets.sh $(PAGE_ASSETS)
	@mkdir -p $(dir $@)
	sh scripts/embed-assets.sh $@ publish/page_assets.h page_css=src/publish/page/page.css \
	    page_js=src/publish/page/page.js

$(BUILD)/obj/publish/page_assets.o: $(PAGE_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/speech/pinyin_data.o: src/speech/pinyin_data.c $(PINYIN_WORDS) $(PINYIN_CEDICT)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DATA_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/unit/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/recast: $(MAIN_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests:
	mkdir -p $@

# measuring tools (tests/tools/measure-pinyin.sh, scripts/bench.sh), not test binaries
$(BUILD)/tests/%: tests/tools/%.c $(LIB_OBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

podcast: deps
	$(MAKE) $(BUILD)/recast
	$(BUILD)/recast list $(TRANSCRIPT)
	$(BUILD)/recast render $(TRANSCRIPT) --clips out/clips --html --progress

test: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/run.sh

# Fuzzing (libFuzzer, clang): each target runs FUZZ_SECONDS from its seed corpus in
# tests/fuzz/corpus; new inputs go to build-fuzz/corpus-*; crashes to build-fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := parse frontend lexicon pinyin
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Isrc \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -DRECAST_VERSION=\"$(VERSION)\" $(DATA_CFLAGS)
fuzz: deps $(PAGE_GEN)
	mkdir -p build-fuzz
	set -e; for t in $(FUZZ_TARGETS); do \
	    clang $(FUZZ_CFLAGS) -o build-fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c $(filter-out src/cli/main.c,$(SRC)) $(PAGE_GEN) $(LDLIBS); \
	    mkdir -p build-fuzz/corpus-$$t; \
	    build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
	        -artifact_prefix=build-fuzz/$$t- build-fuzz/corpus-$$t tests/fuzz/corpus/$$t >build-fuzz/$$t.log 2>&1 \
	        || { tail -40 build-fuzz/$$t.log; echo "fuzz_$$t: crash, input saved as build-fuzz/$$t-*"; exit 1; }; \
	    echo "fuzz_$$t: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' build-fuzz/$$t.log), no crash"; \
	done

clean:
	rm -rf build build-san build-fuzz

format:
	clang-format -i src/*/*.c src/*/*.h tests/unit/*.c tests/fuzz/*.c

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d)
