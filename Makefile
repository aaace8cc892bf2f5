# recast: build, test, render.  See README.md.
#   make            build build/recast
#   make podcast    install deps, build, render the bundled interview into out/
#   make test       install deps, build, run every test (last line: N passed, N failed)
#   make SANITIZE=1 ... build with ASan+UBSan into build-san/

PKGS     := espeak-ng sndfile opus ogg soxr libebur128 jansson nettle
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
CFLAGS   += -DRECAST_VERSION=\"$(VERSION)\"

SRC      := $(wildcard src/*.c)
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out src/main.c,$(SRC)))
MAIN_OBJ := $(BUILD)/obj/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

TRANSCRIPT ?= transcripts/dwarkesh-hassabis-2024.zh.txt

.PHONY: all deps podcast test unit clean format
all: $(BUILD)/recast $(UNIT_BIN)

deps:
	@scripts/install-deps.sh

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/unit/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/recast: $(MAIN_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

podcast: deps
	$(MAKE) $(BUILD)/recast
	$(BUILD)/recast list $(TRANSCRIPT)
	$(BUILD)/recast render $(TRANSCRIPT) --clips out/clips --progress

test: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/run.sh

clean:
	rm -rf build build-san

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
